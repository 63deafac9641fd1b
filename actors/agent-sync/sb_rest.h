/*  sb_rest.h — one exchange with a JSON API (Vapi, Twilio) over sb_http,
    and what its answer means for the caller: done, refused for good, or
    worth another try later.

    Each call has a connection of its own, so any thread may call at once;
    libcurl is started by sb_http_actor_main. Credentials go in the Authorization header
    (a bearer token, or basic auth), never in the URL, so no reason this
    module writes can hold them; sb_http wipes its header lines.          */

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
    SB_REST_REFUSED,             //  another 4xx, or an answer too large or not
                                 //  JSON: asking again gives the same answer
    SB_REST_TRANSIENT            //  no answer, time-out, 408, 429 or 5xx: try later
} sb_rest_verdict_t;

//  What a call came to, in short, for the caller to act on and report.
typedef struct {
    sb_rest_verdict_t verdict;
    long status;                 //  0: no whole answer
    int64_t retry_after_ms;      //  Retry-After (cut at SB_REST_RETRY_AFTER_MAX),
                                 //  -1: none said
    char why [320];              //  "HTTP 500: <the API's message, up to 160
                                 //  bytes>", or why no answer came ("timed out
                                 //  after 2000 ms", "Failed to connect ...")
} sb_rest_outcome_t;

//  Makes the exchange, fills *outcome, and returns the answer's body as
//  JSON (caller decrefs) when it is OK and parses, else NULL (with
//  outcome->why saying so if the body was not JSON: verdict REFUSED).
json_t *sb_rest_call_json (const sb_rest_request_t *request, sb_rest_outcome_t *outcome);

#endif
