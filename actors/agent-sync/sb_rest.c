/*  sb_rest.c — agent-sync's JSON calls over sb_http: the request, the
    verdict, Retry-After, and one line on what came of it.                */

#include "sb_classes.h"
#include "sb_rest.h"
#include "sb_http.h"

static sb_rest_verdict_t
s_verdict (const sb_http_answer_t *answer)
{
    long status = answer->outcome == SB_HTTP_ANSWERED? answer->status: 0;
    if (answer->outcome == SB_HTTP_TOO_LARGE)
        return SB_REST_REFUSED;
    if (status >= 200 && status < 300)
        return SB_REST_OK;
    if (status == 0 || status == 408 || status == 429 || status >= 500)
        return SB_REST_TRANSIENT;
    return SB_REST_REFUSED;
}

//  Retry-After in ms, cut at SB_REST_RETRY_AFTER_MAX; -1 if none.
static int64_t
s_retry_after_ms (const sb_http_answer_t *answer)
{
    const char *value = sb_http_header (answer, "Retry-After");
    int64_t delay = value? sb_http_retry_after_ms (value, (int64_t) time (NULL)): -1;
    return delay > SB_REST_RETRY_AFTER_MAX? SB_REST_RETRY_AFTER_MAX: delay;
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

//  One line about an answer for errors and logs: "HTTP 500: <the API's
//  message, up to 160 bytes>", or why no answer came.
static void
s_describe (const sb_rest_request_t *request, const sb_http_answer_t *answer, char *text,
            size_t size)
{
    if (answer->outcome != SB_HTTP_ANSWERED) {
        if (answer->timed_out)
            snprintf (text, size, "timed out after %d ms", request->timeout_ms);
        else
            snprintf (text, size, "%s", answer->outcome == SB_HTTP_TOO_LARGE
                                        ? "answer longer than 4 MiB": answer->detail);
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

json_t *
sb_rest_call_json (const sb_rest_request_t *request, sb_rest_outcome_t *outcome)
{
    sb_http_request_t call = {
        .method = request->method, .url = request->url,
        .lines = { "Accept: application/json" },
        .content_type = request->json? "application/json": NULL, .body = request->json,
        .bearer = request->bearer, .user = request->user, .password = request->password,
        .timeout_ms = request->timeout_ms, .answer_max = SB_REST_ANSWER_MAX,
        .keep = { "Retry-After" }
    };
    sb_http_answer_t answer;
    int rc = sb_http_request (NULL, &call, &answer);
    outcome->verdict = s_verdict (&answer);
    outcome->status = rc == 0? answer.status: 0;
    outcome->retry_after_ms = s_retry_after_ms (&answer);
    s_describe (request, &answer, outcome->why, sizeof outcome->why);
    json_t *json = NULL;
    if (outcome->verdict == SB_REST_OK) {
        json_error_t error;
        json = json_loadb (answer.body? answer.body: "", answer.size, 0, &error);
        if (!json) {
            outcome->verdict = SB_REST_REFUSED;
            snprintf (outcome->why, sizeof outcome->why, "HTTP %ld with an answer that is not "
                      "JSON: %.160s", answer.status, error.text);
        }
    }
    sb_http_answer_clear (&answer);
    return json;
}
