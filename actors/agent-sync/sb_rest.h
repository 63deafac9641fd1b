/*  sb_rest.h — one HTTP exchange with a JSON API (Vapi, Twilio), and
    what its answer means for the caller: done, refused for good, or worth
    another try later.

    The only module of agent-sync that sees libcurl. Each call has its own
    handle, so any thread may call at once; curl_global_init is main's.
    Credentials go in headers (Bearer) or curl's basic-auth option, never
    in the URL, so no error text this module writes can hold them.        */

#ifndef SB_REST_H_INCLUDED
#define SB_REST_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define SB_REST_ANSWER_MAX      (4 * 1024 * 1024)   /* bytes of an answer read */
#define SB_REST_RETRY_AFTER_MAX 60000               /* ms: a longer Retry-After is cut */

typedef struct {
    const char *method;          //  "GET", "POST", "PATCH"
    const char *url;
    const char *bearer;          //  Authorization: Bearer <this>, or NULL
    const char *user;            //  basic auth (with password), or NULL
    const char *password;
    const char *json;            //  the body, sent as application/json, or NULL
    int timeout_ms;              //  the whole exchange
} sb_rest_request_t;

//  What a call came to.
typedef enum {
    SB_REST_OK,                  //  2xx
    SB_REST_REFUSED,             //  another 4xx: asking again gives the same answer
    SB_REST_TRANSIENT            //  no answer, time-out, 408, 429 or 5xx: try later
} sb_rest_verdict_t;

typedef struct {
    sb_rest_verdict_t verdict;
    long status;                 //  the HTTP status, 0 if no answer came
    char *body;                  //  the answer's body, NUL-terminated, or NULL
    size_t size;
    int64_t retry_after_ms;      //  from Retry-After (capped), -1 if none
    char error [256];            //  when there was no answer: why ("timed out after
                                 //  2000 ms", "connection refused", ...)
} sb_rest_answer_t;

//  What a call came to, in short, for the caller to act on and report.
typedef struct {
    sb_rest_verdict_t verdict;
    long status;                 //  0: no answer
    int64_t retry_after_ms;      //  -1: none said
    char why [320];              //  sb_rest_describe's line
} sb_rest_outcome_t;

//  Makes the exchange and fills *answer (which the caller clears with
//  sb_rest_answer_clear, whatever the outcome). Returns 0 if an answer
//  came (any status), -1 if none did (answer->error says why).
int sb_rest_call (const sb_rest_request_t *request, sb_rest_answer_t *answer);

//  Frees the answer's body and zeroes it.
void sb_rest_answer_clear (sb_rest_answer_t *answer);

//  Writes one line about an answer for errors and logs: "HTTP 500: <the
//  API's message, up to 160 bytes>" or the transport error.
void sb_rest_describe (const sb_rest_answer_t *answer, char *text, size_t size);

//  Fills *outcome from an answer.
void sb_rest_outcome (const sb_rest_answer_t *answer, sb_rest_outcome_t *outcome);

//  Makes the exchange, fills *outcome, and returns the answer's body as
//  JSON (caller decrefs) when it is OK and parses, else NULL (with
//  outcome->why saying so if the body was not JSON: verdict REFUSED).
json_t *sb_rest_call_json (const sb_rest_request_t *request, sb_rest_outcome_t *outcome);

#endif
