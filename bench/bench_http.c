/*  bench_http — the load benchmarks' HTTP driver over libcurl multi (see
    bench_http.h).                                                          */

#include "bench_http.h"
#include "sb_form.h"
#include "sb_twilio.h"
#include <curl/curl.h>
#include <sys/timerfd.h>
#include <unistd.h>

//  One request on the wire.
typedef struct {
    CURL *easy;
    struct curl_slist *headers;
    char body [512];
    int64_t start_us;            //  scheduled (open loop) or sent
    bool busy;
} s_slot_t;

struct _bench_http_t {
    CURLM *multi;
    s_slot_t *slots;
    int count;
    long expect;
    char url [192];
    int timer;                   //  wakes curl_multi_poll at a request's time
    bench_samples_t latency;     //  us
    size_t ok, failed;
};

static size_t
s_discard (char *data, size_t size, size_t count, void *user)
{
    (void) data;
    (void) user;
    return size * count;
}

static size_t
s_collect (char *data, size_t size, size_t count, void *user)
{
    zchunk_extend ((zchunk_t *) user, data, size * count);
    return size * count;
}

bench_http_t *
bench_http_new (const char *url, int connections, long expect)
{
    bench_http_t *self = (bench_http_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->count = connections < BENCH_HTTP_SLOTS_MAX? connections: BENCH_HTTP_SLOTS_MAX;
    self->slots = (s_slot_t *) calloc ((size_t) self->count, sizeof (s_slot_t));
    self->multi = curl_multi_init ();
    self->timer = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    self->expect = expect;
    snprintf (self->url, sizeof self->url, "%s", url);
    for (int index = 0; self->slots && index < self->count; index++) {
        CURL *easy = curl_easy_init ();
        if (!easy)
            break;
        curl_easy_setopt (easy, CURLOPT_URL, self->url);
        curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, s_discard);
        curl_easy_setopt (easy, CURLOPT_PRIVATE, &self->slots [index]);
        curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, 10000L);
        self->slots [index].easy = easy;
    }
    bool made = self->slots && self->multi && self->timer >= 0
             && self->slots [self->count - 1].easy;
    if (!made)
        bench_http_destroy (&self);
    return self;
}

void
bench_http_destroy (bench_http_t **self_p)
{
    bench_http_t *self = *self_p;
    if (!self)
        return;
    for (int index = 0; self->slots && index < self->count; index++) {
        if (self->slots [index].busy)
            curl_multi_remove_handle (self->multi, self->slots [index].easy);
        curl_easy_cleanup (self->slots [index].easy);
        curl_slist_free_all (self->slots [index].headers);
    }
    curl_multi_cleanup (self->multi);
    if (self->timer >= 0)
        close (self->timer);
    bench_samples_clear (&self->latency);
    free (self->slots);
    free (self);
    *self_p = NULL;
}

void
bench_http_set_basic_auth (bench_http_t *self, const char *userpwd)
{
    for (int index = 0; index < self->count; index++) {
        CURL *easy = self->slots [index].easy;
        curl_easy_setopt (easy, CURLOPT_USERPWD, userpwd);
    }
}

//  Signs slot's body as Twilio would with token over the driver's URL.
static void
s_sign (bench_http_t *self, s_slot_t *slot, const char *token)
{
    char err [128], signature [SB_TWILIO_SIGNATURE_SIZE], header [128];
    sb_form_t *form = sb_form_parse (slot->body, strlen (slot->body), 64, err, sizeof err);
    if (!form || sb_twilio_signature (token, self->url, form, signature))
        *signature = 0;
    sb_form_destroy (&form);
    snprintf (header, sizeof header, "X-Twilio-Signature: %s", signature);
    curl_slist_free_all (slot->headers);
    slot->headers = curl_slist_append (NULL, "Content-Type: application/x-www-form-urlencoded");
    slot->headers = curl_slist_append (slot->headers, header);
    curl_easy_setopt (slot->easy, CURLOPT_HTTPHEADER, slot->headers);
}

bool
bench_http_send (bench_http_t *self, const char *body, const char *token, int64_t start_us)
{
    s_slot_t *slot = NULL;
    for (int index = 0; index < self->count && !slot; index++)
        if (!self->slots [index].busy)
            slot = &self->slots [index];
    if (!slot)
        return false;
    if (body) {
        snprintf (slot->body, sizeof slot->body, "%s", body);
        curl_easy_setopt (slot->easy, CURLOPT_POSTFIELDS, slot->body);
        if (token)
            s_sign (self, slot, token);
    }
    slot->start_us = start_us;
    slot->busy = true;
    curl_multi_add_handle (self->multi, slot->easy);
    return true;
}

//  Collects the finished requests. Returns how many finished.
static size_t
s_reap (bench_http_t *self)
{
    size_t answers = 0;
    int left;
    for (CURLMsg *message; (message = curl_multi_info_read (self->multi, &left));) {
        if (message->msg != CURLMSG_DONE)
            continue;
        s_slot_t *slot = NULL;
        long status = 0;
        curl_easy_getinfo (message->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
        curl_easy_getinfo (message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        bool ok = message->data.result == CURLE_OK && status == self->expect;
        self->ok += ok;
        self->failed += !ok;
        if (ok)
            bench_samples_add (&self->latency, bench_now_us () - slot->start_us);
        curl_multi_remove_handle (self->multi, slot->easy);
        slot->busy = false;
        answers++;
    }
    return answers;
}

size_t
bench_http_run (bench_http_t *self, int64_t due_us)
{
    //  A transfer that perform just finished is reaped before any wait, or
    //  its latency would gain the wait and the slot would idle through it
    int running;
    curl_multi_perform (self->multi, &running);
    size_t answers = s_reap (self);
    if (answers)
        return answers;
    //  curl_multi_poll waits in whole milliseconds: the timer fd wakes it at
    //  the next request's time to the microsecond, so the generator adds no
    //  delay of its own to what it measures
    int64_t wait_us = due_us - bench_now_us ();
    wait_us = wait_us < 1? 1: wait_us > 10000? 10000: wait_us;
    struct itimerspec when = { .it_value = { .tv_sec = 0, .tv_nsec = wait_us * 1000 } };
    timerfd_settime (self->timer, 0, &when, NULL);
    struct curl_waitfd wake = { .fd = self->timer, .events = CURL_WAIT_POLLIN };
    curl_multi_poll (self->multi, &wake, 1, 10, NULL);
    uint64_t expired;
    if (read (self->timer, &expired, sizeof expired) < 0)
        expired = 0;             //  an answer came first
    curl_multi_perform (self->multi, &running);
    return s_reap (self);
}

void
bench_http_finish (bench_http_t *self)
{
    bool busy = true;
    while (busy) {
        bench_http_run (self, bench_now_us () + 10000);
        busy = false;
        for (int index = 0; index < self->count; index++)
            busy = busy || self->slots [index].busy;
    }
}

size_t
bench_http_ok (bench_http_t *self)
{
    return self->ok;
}

size_t
bench_http_failed (bench_http_t *self)
{
    return self->failed;
}

bench_samples_t *
bench_http_latency (bench_http_t *self)
{
    return &self->latency;
}

int
bench_http_wait (const char *url, int timeout_ms)
{
    CURL *easy = curl_easy_init ();
    if (!easy)
        return -1;
    curl_easy_setopt (easy, CURLOPT_URL, url);
    curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, s_discard);
    curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, 1000L);
    long status = 0;
    int64_t deadline = zclock_mono () + timeout_ms;
    while (status != 200 && zclock_mono () < deadline) {
        if (curl_easy_perform (easy) != CURLE_OK
        ||  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
            status = 0;
        if (status != 200)
            zclock_sleep (20);
    }
    curl_easy_cleanup (easy);
    return status == 200? 0: -1;
}

int
bench_http_fetch_on (void **handle, const char *url, const char *body, zchunk_t *into)
{
    CURL *easy = handle && *handle? (CURL *) *handle: curl_easy_init ();
    if (!easy)
        return -1;
    curl_easy_reset (easy);      //  options go; its connections stay
    curl_easy_setopt (easy, CURLOPT_URL, url);
    curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, into? s_collect: s_discard);
    curl_easy_setopt (easy, CURLOPT_WRITEDATA, into);
    curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS, 10000L);
    if (body)
        curl_easy_setopt (easy, CURLOPT_POSTFIELDS, body);
    int rc = curl_easy_perform (easy) == CURLE_OK? 0: -1;
    if (handle)
        *handle = easy;
    else
        curl_easy_cleanup (easy);
    return rc;
}

void
bench_http_fetch_close (void **handle)
{
    if (handle && *handle) {
        curl_easy_cleanup ((CURL *) *handle);
        *handle = NULL;
    }
}

int
bench_http_fetch (const char *url, const char *body, zchunk_t *into)
{
    return bench_http_fetch_on (NULL, url, body, into);
}
