/*  sb_http.h — the actors' one HTTP client, over libcurl: a request
    (method, URL, header lines, a body, basic auth or a bearer token, a
    time-out over the whole exchange, a bound on the answer, "never send
    twice"), and its answer: the status, the answer headers the caller
    named, the body, and what went wrong in classes a caller can act on,
    with libcurl's own text.

    No libcurl type or header leaves sb_http.c. libcurl's global state is
    set up once per process, before any thread, by sb_http_actor_main. A request made without a client
    has a handle of its own for that call only, so any thread may make one
    at any time; an sb_http_t client keeps its connections open between its
    requests and belongs to one thread at a time.

    Never send twice (no_resend): libcurl silently sends a request again,
    on a new connection, when a reused keep-alive connection turns out to
    be closed before any answer byte came back. For a request that must not
    be made twice (a POST that creates something) that is the ambiguous
    case itself: the server may have acted and closed before answering. A
    no_resend POST hands libcurl its body through a read callback that
    refuses to rewind once read, so that second sending fails and the
    caller gets DROPPED, once. (It used to go out on a fresh connection
    every time instead: a TCP handshake, and a server's connection set-up,
    per request.)

    Secrets: the bearer token and the password go only into the request's
    Authorization header, never into a URL or an error text; the header
    lines built here are wiped before they are freed.                     */

#ifndef SB_HTTP_H_INCLUDED
#define SB_HTTP_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sb_actor.h"

#define SB_HTTP_ANSWER_MAX  (1024 * 1024)   /* default bound on an answer's body  */
#define SB_HTTP_LINES_MAX   8               /* extra header lines of a request     */
#define SB_HTTP_KEEP_MAX    4               /* answer headers read back            */
#define SB_HTTP_VALUE_MAX   512             /* bytes of a kept header's value      */
#define SB_HTTP_ERROR_MAX   256

typedef struct _sb_http_t sb_http_t;

//  One request; every pointer is borrowed for the call.
typedef struct {
    const char *method;          //  NULL: GET, or POST when there is a body
    const char *url;             //  http:// or https://; other schemes fail, not sent
    const char *lines [SB_HTTP_LINES_MAX + 1];   //  "Name: value", NULL-ended;
                                                 //  with a CR or LF: not sent
    const char *content_type;    //  the body's; NULL: application/x-www-form-urlencoded
    const char *body;            //  NULL: none (a POST without one sends 0 bytes)
    size_t body_size;            //  0: strlen (body)
    const char *bearer;          //  Authorization: Bearer <this>, or NULL
    const char *user;            //  basic auth with password, or NULL
    const char *password;
    const char *user_agent;      //  NULL: no User-Agent
    int timeout_ms;              //  the whole exchange, connecting included;
                                 //  0 or less: not sent
    size_t answer_max;           //  bytes of body read at most; 0: SB_HTTP_ANSWER_MAX
    bool no_resend;              //  libcurl never sends the body twice (see above)
    const char *keep [SB_HTTP_KEEP_MAX + 1];     //  answer headers to read back
                                                 //  ("Retry-After"), NULL-ended
} sb_http_request_t;

//  What came of a request.
typedef enum {
    SB_HTTP_ANSWERED,            //  a whole answer, whatever its status
    SB_HTTP_NOT_SENT,            //  no request byte went out: the name did not
                                 //  resolve, the connection was refused or the
                                 //  time-out passed first, the URL, a header
                                 //  line or memory failed, no time-out was
                                 //  given. The server cannot have acted on it
    SB_HTTP_TIMED_OUT,           //  the time-out passed after the request went
                                 //  out: the server may have acted on it
    SB_HTTP_DROPPED,             //  the connection failed after the request went
                                 //  out, before the whole answer: it may have
    SB_HTTP_TOO_LARGE            //  the body passed answer_max: reading stopped
                                 //  there; the server answered, so it has acted
} sb_http_outcome_t;

//  An answer; the caller frees it with sb_http_answer_clear.
typedef struct {
    sb_http_outcome_t outcome;
    long status;                 //  the status line's, 0 if none came; kept when
                                 //  the body failed (a 201 cut short)
    char *body;                  //  what came of the body, NUL-terminated, or NULL
    size_t size;                 //  if not a byte did
    bool timed_out;              //  the time-out passed, before or after sending
    char error [SB_HTTP_ERROR_MAX];    //  on failure, libcurl's short text
                                       //  ("Couldn't connect to server")
    char detail [SB_HTTP_ERROR_MAX];   //  ... and its detailed one ("Failed to
                                       //  connect to 127.0.0.1 port 9 ..."),
                                       //  else the short one
    struct {
        const char *name;        //  the request's keep [i] (borrowed)
        char *value;             //  owned; NULL: absent, or longer than
    } kept [SB_HTTP_KEEP_MAX];   //  SB_HTTP_VALUE_MAX. Read with sb_http_header
} sb_http_answer_t;

//  A client: one libcurl handle whose connections stay open between its
//  requests. Returns it, or NULL (out of memory).
sb_http_t *sb_http_new (void);

//  Closes the client's connections and frees it; NULLs the pointer.
void sb_http_destroy (sb_http_t **self_p);

//  Makes request with client (NULL: a handle for this call only) and fills
//  *answer, which the caller clears with sb_http_answer_clear whatever
//  came. Returns 0 if a whole answer came (any status), else -1 with the
//  outcome and libcurl's text in answer.
int sb_http_request (sb_http_t *client, const sb_http_request_t *request,
                     sb_http_answer_t *answer);

//  Frees the answer's body and kept headers, and zeroes it.
void sb_http_answer_clear (sb_http_answer_t *answer);

//  The value of the answer header name (any case) that the request asked
//  to keep, trimmed, or NULL. Borrowed from answer.
const char *sb_http_header (const sb_http_answer_t *answer, const char *name);

//  text percent-encoded (all but A-Z a-z 0-9 - . _ ~), a new string for
//  the caller to free, or NULL (out of memory).
char *sb_http_escape (const char *text);

//  An HTTP date or an RFC 2822 one ("Thu, 05 Mar 2026 09:01:30 GMT",
//  "Thu, 05 Mar 2026 09:01:30 +0000") in Unix seconds, or -1.
int64_t sb_http_date (const char *text);

//  A Retry-After value: delay-seconds (at most a day) or an HTTP date
//  (against now_s). Returns the delay in ms (0 for a date past, a day at
//  most), or -1 if unreadable.
int64_t sb_http_retry_after_ms (const char *value, int64_t now_s);

//  A base URL: text if it starts http:// or https://, without trailing
//  '/', as a new string for the caller to free; NULL if it does not (or
//  text is NULL, or out of memory).
char *sb_http_base_url (const char *text);

//  Runs an actor that makes HTTP requests (sb_actor_main): libcurl's
//  process-wide state is set up once before any thread starts and released
//  when the actor stops. Returns the exit code; 70 if libcurl cannot start.
int sb_http_actor_main (const sb_actor_def_t *def, int argc, char *argv []);

#endif
