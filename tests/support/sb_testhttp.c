/*  sb_testhttp.c — an HTTP client for tests over libcurl (sb_testhttp.h).
    libcurl's types stay in this file.                                    */

#include "sb_testhttp.h"
#include "sb_testworld.h"
#include <curl/curl.h>

//  One request in flight: its handle, its header list, its answer.
typedef struct {
    CURL *curl;
    struct curl_slist *headers;
    sb_testhttp_answer_t *answer;
} s_exchange_t;

size_t
sb_testhttp_keep_body (char *data, size_t size, size_t count, void *user)
{
    sb_testhttp_answer_t *answer = (sb_testhttp_answer_t *) user;
    size_t bytes = size * count;
    size_t room = sizeof answer->body - 1 - answer->size;
    size_t kept = bytes < room? bytes: room;
    memcpy (answer->body + answer->size, data, kept);
    answer->size += kept;
    answer->body [answer->size] = 0;
    return bytes;
}

//  Prepares request to port as exchange, answering into answer. Returns 0,
//  or -1 if curl could not make a handle.
static int
s_exchange_init (s_exchange_t *exchange, int port, const sb_testhttp_request_t *request,
                 int timeout_ms, sb_testhttp_answer_t *answer)
{
    memset (answer, 0, sizeof *answer);
    exchange->answer = answer;
    exchange->curl = curl_easy_init ();
    //  No "Expect: 100-continue": the body goes at once
    exchange->headers = curl_slist_append (NULL, "Expect:");
    for (size_t index = 0; request->headers && request->headers [index]; index++)
        exchange->headers = curl_slist_append (exchange->headers, request->headers [index]);
    if (!exchange->curl || !exchange->headers)
        return -1;
    char url [1024];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", port, request->path);
    CURL *curl = exchange->curl;
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, exchange->headers);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, sb_testhttp_keep_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
    if (streq (request->method, "POST"))
        curl_easy_setopt (curl, CURLOPT_COPYPOSTFIELDS, request->body? request->body: "");
    else
    if (!streq (request->method, "GET"))
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, request->method);
    return 0;
}

//  Fills the answer's status and type from a finished exchange (rc its
//  result) and frees the exchange. Returns 0 if it was answered, else -1
//  with curl's reason on stderr unless quiet.
static int
s_exchange_done (s_exchange_t *exchange, CURLcode rc, const sb_testhttp_request_t *request,
                 bool quiet)
{
    sb_testhttp_answer_t *answer = exchange->answer;
    char *type = NULL;
    if (rc == CURLE_OK) {
        curl_easy_getinfo (exchange->curl, CURLINFO_RESPONSE_CODE, &answer->status);
        curl_easy_getinfo (exchange->curl, CURLINFO_CONTENT_TYPE, &type);
        snprintf (answer->type, sizeof answer->type, "%s", type? type: "");
    }
    else
    if (!quiet)
        fprintf (stderr, "sb_testhttp: %s %s: %s\n", request->method, request->path,
                 curl_easy_strerror (rc));
    curl_slist_free_all (exchange->headers);
    curl_easy_cleanup (exchange->curl);
    return rc == CURLE_OK? 0: -1;
}

int
sb_testhttp_run (int argc, char *argv [], int programs, const char *usage,
                 const struct CMUnitTest *tests, size_t count)
{
    if (curl_global_init (CURL_GLOBAL_DEFAULT)) {
        fprintf (stderr, "sb_testhttp: curl_global_init failed\n");
        return 1;
    }
    int failed = sb_testworld_run (argc, argv, programs, usage, tests, count);
    curl_global_cleanup ();
    return failed;
}

int
sb_testhttp_send (int port, const sb_testhttp_request_t *request, int timeout_ms,
                  sb_testhttp_answer_t *answer)
{
    s_exchange_t exchange;
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    int64_t started = zclock_mono ();
    if (s_exchange_init (&exchange, port, request, timeout_ms, answer) == 0)
        rc = curl_easy_perform (exchange.curl);
    answer->elapsed_ms = zclock_mono () - started;
    return s_exchange_done (&exchange, rc, request, timeout_ms < SB_TESTHTTP_QUIET_MS);
}

//  Runs the exchanges added to multi until none is left running. Returns
//  0, or -1 if curl failed.
static int
s_multi_run (CURLM *multi)
{
    int running = 1;
    while (running) {
        if (curl_multi_perform (multi, &running) != CURLM_OK)
            return -1;
        if (running && curl_multi_poll (multi, NULL, 0, 100, NULL) != CURLM_OK)
            return -1;
    }
    return 0;
}

//  Collects the results of multi's finished exchanges into results (by
//  exchange), removing each handle from multi.
static void
s_multi_results (CURLM *multi, s_exchange_t *exchanges, size_t count, CURLcode *results)
{
    CURLMsg *message;
    int left;
    //  The message is curl's until its handle is removed: copy it first
    while ((message = curl_multi_info_read (multi, &left))) {
        CURL *done = message->msg == CURLMSG_DONE? message->easy_handle: NULL;
        CURLcode result = message->data.result;
        for (size_t index = 0; done && index < count; index++)
            if (done == exchanges [index].curl) {
                curl_multi_remove_handle (multi, done);
                results [index] = result;
            }
    }
}

int
sb_testhttp_send_all (int port, const sb_testhttp_request_t *requests, size_t count,
                      int timeout_ms, sb_testhttp_answer_t *answers)
{
    s_exchange_t *exchanges = (s_exchange_t *) calloc (count, sizeof (s_exchange_t));
    CURLcode *results = (CURLcode *) calloc (count, sizeof (CURLcode));
    CURLM *multi = curl_multi_init ();
    memset (answers, 0, count * sizeof (sb_testhttp_answer_t));
    int rc = exchanges && results && multi? 0: -1;
    for (size_t index = 0; rc == 0 && index < count; index++) {
        results [index] = CURLE_OUT_OF_MEMORY;
        rc = s_exchange_init (&exchanges [index], port, &requests [index], timeout_ms,
                              &answers [index]);
        if (rc == 0)
            curl_multi_add_handle (multi, exchanges [index].curl);
    }
    int64_t started = zclock_mono ();
    if (rc == 0)
        rc = s_multi_run (multi);
    s_multi_results (multi, exchanges, count, results);
    for (size_t index = 0; exchanges && results && index < count; index++) {
        curl_multi_remove_handle (multi, exchanges [index].curl);   //  if still there
        answers [index].elapsed_ms = zclock_mono () - started;
        rc |= s_exchange_done (&exchanges [index], results [index], &requests [index], false);
    }
    curl_multi_cleanup (multi);
    free (results);
    free (exchanges);
    return rc? -1: 0;
}

static size_t
s_on_chunk (char *data, size_t size, size_t count, void *user)
{
    zchunk_extend ((zchunk_t *) user, data, size * count);
    return size * count;
}

char *
sb_testhttp_fetch (int port, const char *method, const char *path, const char *body,
                   int timeout_ms)
{
    char url [1024];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *curl = curl_easy_init ();
    zchunk_t *chunk = zchunk_new (NULL, 0);
    if (!curl || !chunk) {
        curl_easy_cleanup (curl);
        zchunk_destroy (&chunk);
        return NULL;
    }
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_chunk);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, chunk);
    if (streq (method, "POST"))
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body? body: "");
    else
    if (!streq (method, "GET"))
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
    CURLcode rc = curl_easy_perform (curl);
    long status = 0;
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup (curl);
    char *text = rc == CURLE_OK && status == 200? zchunk_strdup (chunk): NULL;
    if (!text)
        fprintf (stderr, "sb_testhttp: %s %s: %s, HTTP %ld\n", method, url,
                 curl_easy_strerror (rc), status);
    zchunk_destroy (&chunk);
    return text;
}

int
sb_testhttp_get (int port, const char *path, int timeout_ms, sb_testhttp_answer_t *answer)
{
    sb_testhttp_request_t request = { "GET", path, NULL, NULL };
    return sb_testhttp_send (port, &request, timeout_ms, answer);
}

bool
sb_testhttp_healthy (int port, int timeout_ms)
{
    sb_testhttp_answer_t answer;
    return sb_testhttp_get (port, "/health", timeout_ms, &answer) == 0 && answer.status == 200;
}

int
sb_testhttp_expect (const sb_testhttp_answer_t *answer, long status, const char *text)
{
    if (answer->status == status && (!text || strstr (answer->body, text)))
        return 0;
    fprintf (stderr, "sb_testhttp: expected %ld%s%s, got %ld: %s\n", status,
             text? " with ": "", text? text: "", answer->status, answer->body);
    return -1;
}

int
sb_testhttp_form_append (char *out, size_t size, const char *text)
{
    size_t length = strlen (out);
    for (const uint8_t *at = (const uint8_t *) text; *at; at++) {
        if (length + 4 >= size)
            return -1;
        if (isalnum (*at) || strchr ("-._~", *at))
            out [length++] = (char) *at;
        else
        if (*at == ' ')
            out [length++] = '+';
        else
            length += (size_t) snprintf (out + length, 4, "%%%02X", *at);
        out [length] = 0;
    }
    return 0;
}

//  Appends text to the string out (size bytes in all) as it is. Returns 0,
//  or -1 if it does not fit.
static int
s_append (char *out, size_t size, const char *text)
{
    size_t length = strlen (out);
    if (length + strlen (text) >= size)
        return -1;
    strcpy (out + length, text);
    return 0;
}

int
sb_testhttp_form (const char *const *names, const char *const *values, size_t count,
                  char *body, size_t size)
{
    assert (size > 0);
    *body = 0;
    for (size_t index = 0; index < count; index++)
        if ((index && s_append (body, size, "&"))
        ||  sb_testhttp_form_append (body, size, names [index])
        ||  s_append (body, size, "=")
        ||  sb_testhttp_form_append (body, size, values [index]))
            return -1;
    return 0;
}
