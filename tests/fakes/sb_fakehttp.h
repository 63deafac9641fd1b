/*  sb_fakehttp.h — test support: the HTTP side of every fake of a
    third-party API, as a program (tests/fakes: fake_twilio, fake_vapi)
    or inside a test (tests/actors: sb_fake_llm, sb_fake_timesheet). It
    listens on 127.0.0.1, one thread per connection, reads each request
    whole and hands it to the fake's function, which fills in the answer:
    a status with a JSON body or a text of its own content type, a
    Retry-After, a wait first (a hang: cut short by destroy), or a dropped
    connection. No libmicrohttpd type leaves sb_fakehttp.c.               */

#ifndef SB_FAKEHTTP_H_INCLUDED
#define SB_FAKEHTTP_H_INCLUDED

#include "sb_classes.h"

#define SB_FAKEHTTP_BODY_MAX  (1024 * 1024)
#define SB_FAKEHTTP_HANG_MS   10000      //  a hang: delay_ms this, and drop

typedef struct _sb_fakehttp_t sb_fakehttp_t;

//  One request, borrowed for the call.
typedef struct {
    const char *method;
    const char *path;            //  %-decoded, without the query
    const char *user;            //  basic auth, or NULL
    const char *password;
    const char *body;            //  NUL-terminated; "" if none
    size_t size;
    bool too_long;               //  the body was cut at SB_FAKEHTTP_BODY_MAX
    void *connection;            //  private: for sb_fakehttp_query and _header
} sb_fakehttp_request_t;

//  The query's argument name, %-decoded (fake_twilio's To, DateSent>...),
//  or NULL. Borrowed, valid during the call.
const char *sb_fakehttp_query (const sb_fakehttp_request_t *request, const char *name);

//  The request's header name (any case: Authorization, Idempotency-Key),
//  or NULL. Borrowed, valid during the call.
const char *sb_fakehttp_header (const sb_fakehttp_request_t *request, const char *name);

//  The fake's answer, zero but for status 500 and retry_after_s -1 when
//  the fake's function is called.
typedef struct {
    unsigned status;
    json_t *body;                //  owned, sent compact; NULL: {} (or text)
    char *text;                  //  owned: sent as it is, instead of body
    const char *content_type;    //  borrowed, static; NULL: application/json
    int retry_after_s;           //  >= 0: a Retry-After header
    int delay_ms;                //  wait this long first; destroy cuts the
                                 //  wait short and drops the connection
    bool drop;                   //  close the connection without answering
} sb_fakehttp_answer_t;

typedef void (sb_fakehttp_fn) (void *state, const sb_fakehttp_request_t *request,
                               sb_fakehttp_answer_t *answer);

//  Listens on 127.0.0.1:port (0: any free port) and calls fn with state
//  for each request, from the connections' threads: fn locks what it
//  shares. Returns NULL, with the reason on stderr, if it cannot listen.
sb_fakehttp_t *sb_fakehttp_new (int port, sb_fakehttp_fn *fn, void *state);

//  As sb_fakehttp_new, on the IPv4 address listen (0.0.0.0: every
//  interface; a test's other hosts reach it there, docs/multihost.md).
sb_fakehttp_t *sb_fakehttp_new_on (const char *listen, int port, sb_fakehttp_fn *fn,
                                   void *state);

//  Ends the waits of delayed answers (their connections are dropped),
//  stops listening, waits for the connections' threads, NULLs the pointer.
void sb_fakehttp_destroy (sb_fakehttp_t **self_p);

//  "http://ADDRESS:PORT", the base URL it listens on (borrowed).
const char *sb_fakehttp_url (sb_fakehttp_t *self);

//  A fake program's main: listens as sb_fakehttp_new_on does, prints "port N"
//  on stdout (and writes N into port_file, atomically, if not NULL), then
//  serves until SIGTERM or SIGINT. Returns the exit code: 0, or 1 if it
//  cannot listen or write the port file (the reason on stderr, after name).
int sb_fakehttp_serve (const char *name, const char *listen, int port, const char *port_file,
                       sb_fakehttp_fn *fn, void *state);

#endif
