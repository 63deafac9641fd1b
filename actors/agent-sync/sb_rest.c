/*  sb_rest.c — one JSON-over-HTTP exchange with libcurl: headers, basic
    auth, a time-out over the whole exchange, the answer read within a
    bound, Retry-After read, and the outcome classified.                  */

#include "sb_classes.h"
#include "sb_rest.h"
#include <curl/curl.h>

//  The answer as it arrives.
typedef struct {
    sb_rest_answer_t *answer;
    size_t capacity;
    bool too_long;
} s_reading_t;

static size_t
s_on_body (char *data, size_t size, size_t count, void *user)
{
    s_reading_t *reading = (s_reading_t *) user;
    sb_rest_answer_t *answer = reading->answer;
    size_t bytes = size * count;
    if (answer->size + bytes > SB_REST_ANSWER_MAX) {
        reading->too_long = true;
        return 0;                                //  curl stops with a write error
    }
    if (answer->size + bytes + 1 > reading->capacity) {
        size_t capacity = (answer->size + bytes + 1) * 2;
        char *bigger = (char *) realloc (answer->body, capacity);
        if (!bigger)
            return 0;
        answer->body = bigger;
        reading->capacity = capacity;
    }
    memcpy (answer->body + answer->size, data, bytes);
    answer->size += bytes;
    answer->body [answer->size] = 0;
    return bytes;
}

//  Retry-After: delta-seconds, or an HTTP date. Sets retry_after_ms.
static size_t
s_on_header (char *data, size_t size, size_t count, void *user)
{
    sb_rest_answer_t *answer = ((s_reading_t *) user)->answer;
    size_t bytes = size * count;
    const char *name = "retry-after:";
    if (bytes <= strlen (name) || strncasecmp (data, name, strlen (name)))
        return bytes;
    char value [64];
    size_t length = bytes - strlen (name);
    snprintf (value, sizeof value, "%.*s", (int) (length < 63? length: 63),
              data + strlen (name));
    char *start = value, *end = NULL;
    while (isspace ((unsigned char) *start))
        start++;
    long seconds = strtol (start, &end, 10);
    if (end == start) {
        time_t when = curl_getdate (start, NULL);
        seconds = when < 0? -1: (long) (when - time (NULL));
    }
    if (seconds >= 0)
        answer->retry_after_ms = seconds > SB_REST_RETRY_AFTER_MAX / 1000
                               ? SB_REST_RETRY_AFTER_MAX: seconds * 1000;
    return bytes;
}

static sb_rest_verdict_t
s_verdict (long status)
{
    if (status >= 200 && status < 300)
        return SB_REST_OK;
    if (status == 0 || status == 408 || status == 429 || status >= 500)
        return SB_REST_TRANSIENT;
    return SB_REST_REFUSED;
}

//  The headers of request (caller frees), or NULL. The bearer header is a
//  secret: it lives only in curl's list and is wiped by s_headers_free.
static struct curl_slist *
s_headers (const sb_rest_request_t *request)
{
    struct curl_slist *headers = curl_slist_append (NULL, "Accept: application/json");
    if (headers && request->json)
        headers = curl_slist_append (headers, "Content-Type: application/json");
    if (headers && request->bearer) {
        char *line = zsys_sprintf ("Authorization: Bearer %s", request->bearer);
        struct curl_slist *more = line? curl_slist_append (headers, line): NULL;
        if (line)
            memset (line, 0, strlen (line));
        zstr_free (&line);
        if (!more)
            curl_slist_free_all (headers);
        headers = more;
    }
    return headers;
}

static void
s_headers_free (struct curl_slist *headers)
{
    for (struct curl_slist *item = headers; item; item = item->next)
        memset (item->data, 0, strlen (item->data));
    curl_slist_free_all (headers);
}

//  Sets the request's options on curl.
static void
s_setup (CURL *curl, const sb_rest_request_t *request, struct curl_slist *headers,
         s_reading_t *reading, char *curl_error)
{
    curl_easy_setopt (curl, CURLOPT_URL, request->url);
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, request->method);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    if (request->json)
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request->json);
    if (request->user) {
        curl_easy_setopt (curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
        curl_easy_setopt (curl, CURLOPT_USERNAME, request->user);
        curl_easy_setopt (curl, CURLOPT_PASSWORD, request->password? request->password: "");
    }
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) request->timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);       //  threads: no SIGALRM
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, reading);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, reading);
    curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, curl_error);
}

int
sb_rest_call (const sb_rest_request_t *request, sb_rest_answer_t *answer)
{
    memset (answer, 0, sizeof *answer);
    answer->retry_after_ms = -1;
    answer->verdict = SB_REST_TRANSIENT;
    CURL *curl = curl_easy_init ();
    struct curl_slist *headers = s_headers (request);
    if (!curl || !headers) {
        snprintf (answer->error, sizeof answer->error, "cannot start a request (out of memory)");
        s_headers_free (headers);
        curl_easy_cleanup (curl);
        return -1;
    }
    char curl_error [CURL_ERROR_SIZE] = "";
    s_reading_t reading = { answer, 0, false };
    s_setup (curl, request, headers, &reading, curl_error);
    CURLcode code = curl_easy_perform (curl);
    if (code == CURLE_OK)
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
    s_headers_free (headers);
    curl_easy_cleanup (curl);
    if (code == CURLE_OPERATION_TIMEDOUT)
        snprintf (answer->error, sizeof answer->error, "timed out after %d ms",
                  request->timeout_ms);
    else
    if (code != CURLE_OK)
        snprintf (answer->error, sizeof answer->error, "%s",
                  reading.too_long? "answer longer than 4 MiB"
                  : *curl_error? curl_error: curl_easy_strerror (code));
    answer->verdict = reading.too_long? SB_REST_REFUSED: s_verdict (answer->status);
    return code == CURLE_OK? 0: -1;
}

void
sb_rest_answer_clear (sb_rest_answer_t *answer)
{
    free (answer->body);
    memset (answer, 0, sizeof *answer);
}

//  The API's own message in body, if it says one: {"message": ...} (Vapi:
//  a string or a list of strings), or {"error": ...}.
static const char *
s_api_message (const json_t *json)
{
    const json_t *message = json_object_get (json, "message");
    if (json_is_array (message))
        message = json_array_get (message, 0);
    if (!json_is_string (message))
        message = json_object_get (json, "error");
    return json_string_value (message);
}

void
sb_rest_describe (const sb_rest_answer_t *answer, char *text, size_t size)
{
    if (answer->status == 0) {
        snprintf (text, size, "%s", answer->error);
        return;
    }
    json_t *json = answer->body? json_loadb (answer->body, answer->size, 0, NULL): NULL;
    const char *message = s_api_message (json);
    if (message && *message)
        snprintf (text, size, "HTTP %ld: %.160s", answer->status, message);
    else
        snprintf (text, size, "HTTP %ld", answer->status);
    json_decref (json);
}

void
sb_rest_outcome (const sb_rest_answer_t *answer, sb_rest_outcome_t *outcome)
{
    outcome->verdict = answer->verdict;
    outcome->status = answer->status;
    outcome->retry_after_ms = answer->retry_after_ms;
    sb_rest_describe (answer, outcome->why, sizeof outcome->why);
}

json_t *
sb_rest_call_json (const sb_rest_request_t *request, sb_rest_outcome_t *outcome)
{
    sb_rest_answer_t answer;
    sb_rest_call (request, &answer);
    sb_rest_outcome (&answer, outcome);
    json_t *json = NULL;
    if (answer.verdict == SB_REST_OK) {
        json_error_t error;
        json = json_loadb (answer.body? answer.body: "", answer.size, 0, &error);
        if (!json) {
            outcome->verdict = SB_REST_REFUSED;
            snprintf (outcome->why, sizeof outcome->why, "HTTP %ld with an answer that is not "
                      "JSON: %.160s", answer.status, error.text);
        }
    }
    sb_rest_answer_clear (&answer);
    return json;
}
