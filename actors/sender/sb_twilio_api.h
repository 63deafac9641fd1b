/*  sb_twilio_api.h — Twilio's Messages API, as the sender uses it: create
    a message (POST {base}/2010-04-01/Accounts/{sid}/Messages.json, form
    To/From/Body, HTTP basic auth), find one already created (GET the same
    URL with To=...&DateSent>=YYYY-MM-DD, following next_page_uri), and the
    readers of Twilio's JSON answers, which are outside bytes: every field
    is checked, nothing is trusted to be there or to fit.

    The exchanges go through sb_http. The object is read-only after
    sb_twilio_api_new, so every worker thread may use it at once: each
    create request has a connection of its own, never reused (see the .c),
    and a lookup's pages one of theirs. Credentials are borrowed per call
    and never logged.                                                      */

#ifndef SB_TWILIO_API_H_INCLUDED
#define SB_TWILIO_API_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_TWILIO_API_BASE       "https://api.twilio.com"
#define SB_TWILIO_SID_MAX        64         /* bytes of a message SID we keep   */
#define SB_TWILIO_ADDRESS_MAX    80         /* To/From, "whatsapp:+..." incl.   */
#define SB_TWILIO_STATUS_MAX     32
#define SB_TWILIO_BODY_MAX       4096       /* quality.approved's text max      */
#define SB_TWILIO_REASON_MAX     512
#define SB_TWILIO_ANSWER_MAX     (2 * 1024 * 1024)   /* bytes of an answer read */
#define SB_TWILIO_PAGE_SIZE      100        /* messages asked per list page     */

typedef struct _sb_twilio_api_t sb_twilio_api_t;

//  Whose account a request uses (borrowed for the call).
typedef struct {
    const char *account_sid;
    const char *auth_token;
} sb_twilio_account_t;

//  A message as Twilio describes it: a 201's answer, or one list item.
typedef struct {
    char sid [SB_TWILIO_SID_MAX + 1];
    char to [SB_TWILIO_ADDRESS_MAX + 1];
    char from [SB_TWILIO_ADDRESS_MAX + 1];         //  "" if absent or null
    char status [SB_TWILIO_STATUS_MAX + 1];       //  "" if absent
    char body [SB_TWILIO_BODY_MAX + 1];           //  "" if absent or longer
    int segments;            //  num_segments (a string in Twilio's JSON), 0 if absent
    int64_t created_s;       //  date_created (RFC 2822), Unix seconds, 0 if absent
} sb_twilio_message_t;

//  What became of a create request.
typedef enum {
    SB_TWILIO_SENT,          //  201: Twilio has it; result->message is filled
    SB_TWILIO_NOT_SENT,      //  it certainly did not create it (429, no connection)
    SB_TWILIO_UNSURE,        //  it may have (a time-out or a dropped connection
                             //  after the request went out, a 5xx)
    SB_TWILIO_REFUSED        //  a 4xx other than 429: permanent; code and reason
} sb_twilio_outcome_t;

typedef struct {
    sb_twilio_outcome_t outcome;
    long http_status;        //  0: no answer
    int64_t retry_after_ms;  //  Retry-After (seconds or an HTTP date) in ms, -1 if none
    int code;                //  Twilio's error code from the answer, 0 if none
    char reason [SB_TWILIO_REASON_MAX];    //  Twilio's message, or what failed
    sb_twilio_message_t message;           //  SENT only
} sb_twilio_result_t;

//  Makes the API client for base (http:// or https://, no trailing path
//  needed; NULL: SB_TWILIO_API_BASE) with a time-out for each request
//  (100..120000 ms). Returns it, or NULL with the reason in err.
sb_twilio_api_t *sb_twilio_api_new (const char *base, int timeout_ms, char *err, size_t errlen);

void sb_twilio_api_destroy (sb_twilio_api_t **self_p);

//  The base URL, without a trailing '/' (borrowed).
const char *sb_twilio_api_base (const sb_twilio_api_t *self);

//  Creates a message from from (an address, or a messaging service SID
//  "MG..." sent as MessagingServiceSid) to to with body. Always fills
//  result; never retries on its own, and libcurl never sends it twice
//  (see the .c for why). Any thread may call it.
void sb_twilio_api_send (sb_twilio_api_t *self, const sb_twilio_account_t *account,
                         const char *to, const char *from, const char *body,
                         sb_twilio_result_t *result);

//  Says whether a found message's SID may be adopted (false: it belongs to
//  another outbound message already).
typedef bool (sb_twilio_accept_fn) (const char *sid, void *arg);

//  Looks for a message Twilio has to to with exactly body, created at or
//  after since_s (Unix seconds): lists the messages to to sent on or after
//  since_s's day, newest first, at most max_pages pages, and takes the
//  first match that accept (NULL: any) agrees to. Returns 1 with *found
//  filled, 0 if there is none, or -1 with the reason in err (no answer,
//  not 200, unreadable: the caller cannot tell, and must not send).
int sb_twilio_api_find (sb_twilio_api_t *self, const sb_twilio_account_t *account,
                        const char *to, const char *body, int64_t since_s, int max_pages,
                        sb_twilio_accept_fn *accept, void *arg, sb_twilio_message_t *found,
                        char *err, size_t errlen);

//  --------------------------------------------------------------------------
//  Readers of Twilio's answers (size bytes, not NUL-terminated, outside data)

//  Reads a message resource (the 201's answer). Returns 0, or -1 with why
//  in err (not JSON, no usable sid, a field of the wrong type or size).
int sb_twilio_api_read_message (const char *answer, size_t size, sb_twilio_message_t *message,
                                char *err, size_t errlen);

//  Reads an error answer {"code":N,"message":"..."}: sets *code (0 if
//  absent) and reason (Twilio's message, else a sample of the answer).
void sb_twilio_api_read_error (const char *answer, size_t size, int *code,
                               char *reason, size_t reasonlen);

//  Called for each readable message of a list page; returns true to stop.
typedef bool (sb_twilio_each_fn) (const sb_twilio_message_t *message, void *arg);

//  Reads a list page {"messages":[...], "next_page_uri": ...}: calls each
//  for every message that reads (others are skipped, and counted in
//  *skipped if not NULL) until it returns true, and copies next_page_uri
//  into next ("" when there is none or it does not fit). Returns 1 if each
//  stopped the walk, 0 if the page ended, or -1 with why in err.
int sb_twilio_api_read_list (const char *answer, size_t size, sb_twilio_each_fn *each,
                             void *arg, char *next, size_t nextlen, size_t *skipped,
                             char *err, size_t errlen);

//  Reads a Retry-After value: delay-seconds or an HTTP date (against
//  now_s). Returns the delay in ms (0 for a date past), or -1 if unreadable
//  (sb_http_retry_after_ms).
int64_t sb_twilio_api_read_retry_after (const char *value, int64_t now_s);

#endif
