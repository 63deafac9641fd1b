/*  bench_fake.c — the fake Twilio's test endpoints, for bench_pipeline
    (see the .h).                                                          */

#include "sb_classes.h"
#include "bench_fake.h"
#include "bench_http.h"

void
bench_fake_take (const char *base, size_t *messages, size_t *creates)
{
    char url [160];
    snprintf (url, sizeof url, "%s/_fake/messages", base);
    zchunk_t *chunk = zchunk_new (NULL, 0);
    bench_http_fetch (url, NULL, chunk);
    json_t *state = json_loadb ((const char *) zchunk_data (chunk), zchunk_size (chunk), 0, NULL);
    *messages = json_array_size (json_object_get (state, "messages"));
    *creates = (size_t) json_integer_value (json_object_get (state, "creates"));
    json_decref (state);
    zchunk_destroy (&chunk);
    snprintf (url, sizeof url, "%s/_fake/reset", base);
    bench_http_fetch (url, "", NULL);
}

//  The saturation phase keeps its window with this rather than with the
//  broker's STATS: STATS reads every service's figures from Redis, and at
//  a look every 10 ms that was 14 % of the broker's CPU (perf), charged to
//  the fleet by the benchmark itself.
int64_t
bench_fake_creates (const char *base, void **handle)
{
    char url [160];
    snprintf (url, sizeof url, "%s/_fake/counts", base);
    zchunk_t *chunk = zchunk_new (NULL, 0);
    int rc = chunk? bench_http_fetch_on (handle, url, NULL, chunk): -1;
    json_t *counts = rc == 0? json_loadb ((const char *) zchunk_data (chunk), zchunk_size (chunk),
                                          0, NULL): NULL;
    json_t *creates = json_object_get (counts, "creates");
    int64_t found = json_is_integer (creates)? json_integer_value (creates): -1;
    json_decref (counts);
    zchunk_destroy (&chunk);
    return found;
}
