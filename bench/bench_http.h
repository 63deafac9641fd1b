/*  bench_http.h — the HTTP side of the load benchmarks: a driver of
    requests over libcurl multi, one per slot (connection), with the answer
    latency of each measured from its start time (the scheduled time in an
    open loop, so queueing counts); signed Twilio webhooks or plain posts
    and GETs. libcurl's types stay inside bench_http.c.                    */

#ifndef BENCH_HTTP_H_INCLUDED
#define BENCH_HTTP_H_INCLUDED

#include "sb_classes.h"
#include "bench_load.h"

#define BENCH_HTTP_SLOTS_MAX 512

typedef struct _bench_http_t bench_http_t;

//  A driver of connections (at most BENCH_HTTP_SLOTS_MAX) requests to url,
//  each answered with status expect (200, 201) to count as ok. NULL if
//  libcurl fails.
bench_http_t *bench_http_new (const char *url, int connections, long expect);
//  Ends the driver's requests; idempotent, NULLs *self_p.
void bench_http_destroy (bench_http_t **self_p);
//  Sends basic auth (user:password, borrowed for the driver's life) with
//  every request, on the driver's kept-alive connections.
void bench_http_set_basic_auth (bench_http_t *self, const char *userpwd);

//  Starts a request on a free slot, due at start_us: a POST of body
//  (copied; NULL: a GET), signed as Twilio signs a webhook with token over
//  the URL unless token is NULL. Returns false if every slot is busy.
bool bench_http_send (bench_http_t *self, const char *body, const char *token,
                      int64_t start_us);
//  Lets libcurl work until due_us (at most 10 ms, or until an answer), to
//  the microsecond, then collects the answers. Returns how many came.
size_t bench_http_run (bench_http_t *self, int64_t due_us);
//  Waits until every request started has its answer.
void bench_http_finish (bench_http_t *self);

//  Requests answered ok and not; ok ones' latencies in us (borrowed).
size_t bench_http_ok (bench_http_t *self);
size_t bench_http_failed (bench_http_t *self);
bench_samples_t *bench_http_latency (bench_http_t *self);

//  Polls url with GETs until it answers 200. Returns 0, or -1 after
//  timeout_ms.
int bench_http_wait (const char *url, int timeout_ms);
//  One request to url: a POST of body, or a GET if body is NULL; the
//  answer's body appended to into unless NULL. Returns 0 or -1.
int bench_http_fetch (const char *url, const char *body, zchunk_t *into);
//  The same on *handle's connection (a libcurl handle the caller keeps:
//  NULL at first, made here), so that a poll every few ms opens no
//  connection each time; bench_http_fetch_close frees it.
int bench_http_fetch_on (void **handle, const char *url, const char *body, zchunk_t *into);
void bench_http_fetch_close (void **handle);

#endif
