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
#include "bench_load.h"
#include "sb_client.h"
#include "sb_form.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include "sb_twilio.h"
#include <curl/curl.h>
#include <libgen.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define S_TOKEN "bench-auth-token-0123456789abcdef"
#define S_MAX_SLOTS 512

typedef struct {
    double rate;
    int seconds, concurrency;
    size_t requests;
} s_options_t;

//  One connection's request in flight.
typedef struct {
    CURL *easy;
    struct curl_slist *headers;
    char body [512];
    int64_t start_us;            //  scheduled (open loop) or sent (closed loop)
    bool busy;
} s_slot_t;

typedef struct {
    CURLM *multi;
    s_slot_t slots [S_MAX_SLOTS];
    int count;
    char url [128];
    bool post;                   //  signed SMS, else GET
    uint64_t sequence;           //  unique MessageSids
    bench_samples_t latency;     //  microseconds
    size_t ok, failed;
} s_load_t;

static size_t
s_discard (char *data, size_t size, size_t count, void *arg)
{
    (void) data;
    (void) arg;
    return size * count;
}

//  Prepares slot for the next request: a signed form with a new MessageSid.
static void
s_prepare (s_load_t *load, s_slot_t *slot)
{
    curl_easy_setopt (slot->easy, CURLOPT_URL, load->url);
    if (!load->post)
        return;
    snprintf (slot->body, sizeof slot->body,
              "MessageSid=SM%032" PRIx64 "&AccountSid=AC0123456789abcdef0123456789abcdef"
              "&From=%%2B15551234567&To=%%2B15557654321&Body=how+many+hours+this+week%%3F&NumMedia=0",
              ++load->sequence);
    char err [128], signature [SB_TWILIO_SIGNATURE_SIZE], header [128];
    sb_form_t *form = sb_form_parse (slot->body, strlen (slot->body), 64, err, sizeof err);
    sb_twilio_signature (S_TOKEN, load->url, form, signature);
    sb_form_destroy (&form);
    snprintf (header, sizeof header, "X-Twilio-Signature: %s", signature);
    curl_slist_free_all (slot->headers);
    slot->headers = curl_slist_append (NULL, "Content-Type: application/x-www-form-urlencoded");
    slot->headers = curl_slist_append (slot->headers, header);
    curl_easy_setopt (slot->easy, CURLOPT_HTTPHEADER, slot->headers);
    curl_easy_setopt (slot->easy, CURLOPT_POSTFIELDS, slot->body);
}

static s_slot_t *
s_free_slot (s_load_t *load)
{
    for (int index = 0; index < load->count; index++)
        if (!load->slots [index].busy)
            return &load->slots [index];
    return NULL;
}

static void
s_start (s_load_t *load, s_slot_t *slot, int64_t start_us)
{
    s_prepare (load, slot);
    slot->start_us = start_us;
    slot->busy = true;
    curl_multi_add_handle (load->multi, slot->easy);
}

//  Collects finished requests; returns how many finished.
static size_t
s_reap (s_load_t *load)
{
    size_t finished = 0;
    int left;
    CURLMsg *message;
    while ((message = curl_multi_info_read (load->multi, &left))) {
        if (message->msg != CURLMSG_DONE)
            continue;
        s_slot_t *slot = NULL;
        curl_easy_getinfo (message->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
        long status = 0;
        curl_easy_getinfo (message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        if (message->data.result == CURLE_OK && status == 200) {
            load->ok++;
            bench_samples_add (&load->latency, bench_now_us () - slot->start_us);
        }
        else
            load->failed++;
        curl_multi_remove_handle (load->multi, slot->easy);
        slot->busy = false;
        finished++;
    }
    return finished;
}

static void
s_load_init (s_load_t *load, const char *url, bool post, int concurrency)
{
    memset (load, 0, sizeof *load);
    load->multi = curl_multi_init ();
    load->count = concurrency < S_MAX_SLOTS? concurrency: S_MAX_SLOTS;
    snprintf (load->url, sizeof load->url, "%s", url);
    load->post = post;
    for (int index = 0; index < load->count; index++) {
        CURL *easy = curl_easy_init ();
        curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, s_discard);
        curl_easy_setopt (easy, CURLOPT_PRIVATE, &load->slots [index]);
        curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, 10000L);
        load->slots [index].easy = easy;
    }
}

static void
s_load_end (s_load_t *load)
{
    for (int index = 0; index < load->count; index++) {
        curl_easy_cleanup (load->slots [index].easy);
        curl_slist_free_all (load->slots [index].headers);
    }
    curl_multi_cleanup (load->multi);
    bench_samples_clear (&load->latency);
}

static void
s_report (const char *what, s_load_t *load, int64_t elapsed_us)
{
    printf ("  %-34s %9.0f req/s  ack p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  (%zu ok, %zu failed)\n",
            what, (double) load->ok * 1e6 / (double) elapsed_us,
            (double) bench_samples_percentile (&load->latency, 0.50) / 1000.0,
            (double) bench_samples_percentile (&load->latency, 0.99) / 1000.0,
            (double) bench_samples_percentile (&load->latency, 0.999) / 1000.0,
            load->ok, load->failed);
}

//  Closed loop: every slot busy until `requests` have been answered.
static void
s_saturate (const char *what, const char *url, bool post, const s_options_t *options)
{
    s_load_t load;
    s_load_init (&load, url, post, options->concurrency);
    size_t started = 0, finished = 0;
    int64_t begin = bench_now_us ();
    while (finished < options->requests) {
        s_slot_t *slot;
        while (started < options->requests && (slot = s_free_slot (&load))) {
            s_start (&load, slot, bench_now_us ());
            started++;
        }
        int running;
        curl_multi_perform (load.multi, &running);
        curl_multi_poll (load.multi, NULL, 0, 10, NULL);
        finished += s_reap (&load);
    }
    s_report (what, &load, bench_now_us () - begin);
    s_load_end (&load);
}

//  Open loop at options->rate for options->seconds.
static void
s_fixed_rate (const char *what, const char *url, const s_options_t *options)
{
    s_load_t load;
    s_load_init (&load, url, true, options->concurrency);
    size_t total = (size_t) (options->rate * options->seconds), started = 0, finished = 0;
    int64_t begin = bench_now_us ();
    double interval_us = 1e6 / options->rate;
    //  curl_multi_poll waits in whole milliseconds: a timer fd wakes it at
    //  the next request's time to the microsecond, so the generator adds
    //  no delay of its own to what it measures
    int timer = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    while (finished < total) {
        int64_t now = bench_now_us ();
        s_slot_t *slot;
        while (started < total && begin + (int64_t) (started * interval_us) <= now
               && (slot = s_free_slot (&load))) {
            s_start (&load, slot, begin + (int64_t) (started * interval_us));
            started++;
        }
        int running;
        curl_multi_perform (load.multi, &running);
        int64_t wait_us = started < total? begin + (int64_t) (started * interval_us) - bench_now_us (): 1000;
        struct itimerspec when = { .it_value = { .tv_sec = 0, .tv_nsec = (wait_us > 1? wait_us: 1) * 1000 } };
        timerfd_settime (timer, 0, &when, NULL);
        struct curl_waitfd wake = { .fd = timer, .events = CURL_WAIT_POLLIN };
        curl_multi_poll (load.multi, &wake, 1, 10, NULL);
        uint64_t expirations;
        if (read (timer, &expirations, sizeof expirations) < 0)
            expirations = 0;     //  not expired yet: a socket woke us
        finished += s_reap (&load);
    }
    close (timer);
    s_report (what, &load, bench_now_us () - begin);
    s_load_end (&load);
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

//  Polls url until it answers 200 (ingress up and the broker ready).
static int
s_wait_http (const char *url)
{
    CURL *easy = curl_easy_init ();
    curl_easy_setopt (easy, CURLOPT_URL, url);
    curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, s_discard);
    curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, 1000L);
    long status = 0;
    for (int tries = 0; tries < 100 && status != 200; tries++) {
        if (curl_easy_perform (easy) == CURLE_OK)
            curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200)
            zclock_sleep (100);
    }
    curl_easy_cleanup (easy);
    return status == 200? 0: -1;
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
    if (!broker || !ingress || s_wait_http (ready)) {
        fprintf (stderr, "bench_ingress: the broker or ingress did not start\n");
        return 1;
    }
    printf ("bench_ingress: %d connections, Redis AOF everysec, 2 cores shared by Redis, broker,\n"
            "ingress and this load generator\n", options.concurrency);
    s_saturate ("ceiling: GET /health, saturation", health, false, &options);
    s_saturate ("POST /webhook/sms, saturation", sms, true, &options);
    char what [64];
    snprintf (what, sizeof what, "POST /webhook/sms, %.0f req/s offered", options.rate);
    s_fixed_rate (what, sms, &options);
    sb_testproc_stop (&ingress, 10000, "ingress");
    sb_testproc_stop (&broker, 10000, "broker");
    sb_testredis_destroy (&redis);
    zstr_free (&broker_path);
    zstr_free (&ingress_path);
    free (copy);
    curl_global_cleanup ();
    return 0;
}
