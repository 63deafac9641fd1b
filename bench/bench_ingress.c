/*  bench_ingress — ingress under load: signed Twilio SMS webhooks over
    HTTP/1.1 keep-alive (libcurl multi), each answered only once the broker
    has stored it in Redis (AOF on, fsync every second). Prints, in one run:
      1. the ceiling: GET /health at saturation (the HTTP layer alone);
      2. POST /webhook/sms at saturation: requests/s and ack latency;
      3. POST /webhook/sms at a fixed offered rate (open loop: latency is
         measured from each request's scheduled time, so queueing counts).
    Starts its own Redis, broker and ingress; asserts nothing.
    Usage: bench_ingress [--rate R] [--seconds S] [--requests N]
                         [--concurrency C]                                 */

#include "sb_classes.h"
#include "bench_http.h"
#include "sb_client.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include <curl/curl.h>
#include <libgen.h>
#include <unistd.h>

#define S_TOKEN "bench-auth-token-0123456789abcdef"

typedef struct {
    double rate;
    int seconds, concurrency;
    size_t requests;
} s_options_t;

//  Sends the next request on driver: a signed SMS form with a new
//  MessageSid (from *sequence), or a GET. Returns false if no slot is free.
static bool
s_send (bench_http_t *driver, bool post, uint64_t *sequence, int64_t start_us)
{
    char body [512];
    snprintf (body, sizeof body,
              "MessageSid=SM%032" PRIx64 "&AccountSid=AC0123456789abcdef0123456789abcdef"
              "&From=%%2B15551234567&To=%%2B15557654321&Body=how+many+hours+this+week%%3F&NumMedia=0",
              *sequence + 1);
    if (!bench_http_send (driver, post? body: NULL, S_TOKEN, start_us))
        return false;
    ++*sequence;
    return true;
}

static void
s_report (const char *what, bench_http_t *driver, int64_t elapsed_us)
{
    bench_samples_t *latency = bench_http_latency (driver);
    printf ("  %-34s %9.0f req/s  ack p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  (%zu ok, %zu failed)\n",
            what, (double) bench_http_ok (driver) * 1e6 / (double) elapsed_us,
            (double) bench_samples_percentile (latency, 0.50) / 1000.0,
            (double) bench_samples_percentile (latency, 0.99) / 1000.0,
            (double) bench_samples_percentile (latency, 0.999) / 1000.0,
            bench_http_ok (driver), bench_http_failed (driver));
}

//  Closed loop: every slot busy until `requests` have been answered.
static void
s_saturate (const char *what, const char *url, bool post, const s_options_t *options,
            uint64_t *sequence)
{
    bench_http_t *driver = bench_http_new (url, options->concurrency, 200);
    if (!driver)
        return;
    size_t started = 0, finished = 0;
    int64_t begin = bench_now_us ();
    while (finished < options->requests) {
        while (started < options->requests && s_send (driver, post, sequence, bench_now_us ()))
            started++;
        finished += bench_http_run (driver, bench_now_us () + 10000);
    }
    s_report (what, driver, bench_now_us () - begin);
    bench_http_destroy (&driver);
}

//  Open loop at options->rate for options->seconds.
static void
s_fixed_rate (const char *what, const char *url, const s_options_t *options,
              uint64_t *sequence)
{
    bench_http_t *driver = bench_http_new (url, options->concurrency, 200);
    if (!driver)
        return;
    size_t total = (size_t) (options->rate * options->seconds), started = 0, finished = 0;
    int64_t begin = bench_now_us ();
    double interval_us = 1e6 / options->rate;
    while (finished < total) {
        int64_t due = begin + (int64_t) ((double) started * interval_us);
        while (started < total && due <= bench_now_us () && s_send (driver, true, sequence, due)) {
            started++;
            due = begin + (int64_t) ((double) started * interval_us);
        }
        finished += bench_http_run (driver, started < total? due: bench_now_us () + 1000);
    }
    s_report (what, driver, bench_now_us () - begin);
    bench_http_destroy (&driver);
}

static void
s_parse (s_options_t *options, int argc, char *argv [])
{
    *options = (s_options_t) { .rate = 1000, .seconds = 5, .concurrency = 64, .requests = 20000 };
    for (int index = 1; index + 1 < argc; index += 2) {
        const char *option = argv [index], *value = argv [index + 1];
        if (streq (option, "--rate"))        options->rate = atof (value);
        if (streq (option, "--seconds"))     options->seconds = atoi (value);
        if (streq (option, "--requests"))    options->requests = (size_t) atol (value);
        if (streq (option, "--concurrency")) options->concurrency = atoi (value);
    }
    if (options->rate <= 0 || options->seconds <= 0 || options->concurrency <= 0
    ||  options->requests == 0) {
        fprintf (stderr, "bench_ingress: rate, seconds, requests and concurrency must be > 0\n");
        exit (2);
    }
}

int
main (int argc, char *argv [])
{
    if (argc > 1 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("Usage: bench_ingress [--rate R] [--seconds S] [--requests N] [--concurrency C]\n"
                "Ingress under load (signed Twilio SMS webhooks, each ACKed durably by the\n"
                "broker) beside GET /health as the HTTP ceiling, measured in the same run.\n");
        return 0;
    }
    s_options_t options;
    s_parse (&options, argc, argv);
    curl_global_init (CURL_GLOBAL_DEFAULT);
    sb_testredis_t *redis = sb_testredis_new ("everysec");
    if (!redis) {
        fprintf (stderr, "bench_ingress: cannot start redis-server\n");
        return 1;
    }
    char endpoint [64], port [16], base [64];
    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", sb_testutil_free_port ());
    snprintf (port, sizeof port, "%d", sb_testutil_free_port ());
    snprintf (base, sizeof base, "http://127.0.0.1:%s", port);
    char *copy = strdup (argv [0]);
    const char *dir = dirname (copy);        //  the programs sit beside this one
    char *broker_path = zsys_sprintf ("%s/broker", dir);
    char *ingress_path = zsys_sprintf ("%s/ingress", dir);
    char *broker_argv [] = { broker_path, "-e", endpoint, "-r", (char *) sb_testredis_url (redis),
                             "-n", "bench", NULL };
    char *ingress_argv [] = { ingress_path, "-p", port, "-b", endpoint, "--threads", "8", NULL };
    setenv ("TWILIO_AUTH_TOKEN", S_TOKEN, 1);
    sb_testproc_t *broker = sb_testproc_new (broker_argv);
    sb_testproc_t *ingress = sb_testproc_new (ingress_argv);
    char ready [96], health [96], sms [96];
    snprintf (ready, sizeof ready, "%s/ready", base);
    snprintf (health, sizeof health, "%s/health", base);
    snprintf (sms, sizeof sms, "%s/webhook/sms", base);
    if (!broker || !ingress || bench_http_wait (ready, 10000)) {
        fprintf (stderr, "bench_ingress: the broker or ingress did not start\n");
        return 1;
    }
    printf ("bench_ingress: %d connections, Redis AOF everysec, 2 cores shared by Redis, broker,\n"
            "ingress and this load generator\n", options.concurrency);
    uint64_t sequence = 0;       //  unique MessageSids
    s_saturate ("ceiling: GET /health, saturation", health, false, &options, &sequence);
    s_saturate ("POST /webhook/sms, saturation", sms, true, &options, &sequence);
    char what [64];
    snprintf (what, sizeof what, "POST /webhook/sms, %.0f req/s offered", options.rate);
    s_fixed_rate (what, sms, &options, &sequence);
    sb_testproc_stop (&ingress, 10000, "ingress");
    sb_testproc_stop (&broker, 10000, "broker");
    sb_testredis_destroy (&redis);
    zstr_free (&broker_path);
    zstr_free (&ingress_path);
    free (copy);
    curl_global_cleanup ();
    return 0;
}
