/*  sb_fakehttp.h — test support: the HTTP side of a fake third-party API
    as a program (fake_vapi, tests/actors/fake_twilio_account): listens on 127.0.0.1,
    one thread per connection, reads each request whole and hands it to
    the fake's function, which answers with a status and a JSON body, a
    Retry-After, a delay, or a dropped connection. No libmicrohttpd type
    leaves sb_fakehttp.c.                                                 */

#ifndef SB_FAKEHTTP_H_INCLUDED
#define SB_FAKEHTTP_H_INCLUDED

#include "sb_classes.h"

#define SB_FAKEHTTP_BODY_MAX  (1024 * 1024)

typedef struct _sb_fakehttp_t sb_fakehttp_t;

//  One request, borrowed for the call.
typedef struct {
    const char *method;
    const char *path;            //  without the query
    const char *limit;           //  the query's limit=, or NULL
    const char *authorization;   //  the header, or NULL
    const char *user;            //  basic auth, or NULL
    const char *password;
    const char *body;            //  NUL-terminated; "" if none
    size_t size;
    bool too_long;               //  the body was cut at SB_FAKEHTTP_BODY_MAX
    void *connection;            //  private: for sb_fakehttp_query
} sb_fakehttp_request_t;

//  The query's argument name, %-decoded (fake_twilio's To, DateSent>...),
//  or NULL. Borrowed, valid during the call.
const char *sb_fakehttp_query (const sb_fakehttp_request_t *request, const char *name);

//  The fake's answer: status with body (owned; NULL: {}), or drop.
typedef struct {
    unsigned status;
    json_t *body;
    int retry_after_s;           //  >= 0: a Retry-After header
    int delay_ms;                //  wait this long first
    bool drop;                   //  close the connection without answering
} sb_fakehttp_answer_t;

typedef void (sb_fakehttp_fn) (void *state, const sb_fakehttp_request_t *request,
                               sb_fakehttp_answer_t *answer);

//  Listens on 127.0.0.1:port (0: any free port) and calls fn (from the
//  connections' threads: it must lock what it shares). Returns NULL, with
//  the reason on stderr, if it cannot listen.
sb_fakehttp_t *sb_fakehttp_new (int port, sb_fakehttp_fn *fn, void *state);

//  Stops listening, waits for the connections' threads, NULLs the pointer.
void sb_fakehttp_destroy (sb_fakehttp_t **self_p);

//  The port it listens on.
int sb_fakehttp_port (sb_fakehttp_t *self);

//  For a fake's main: prints "port N" on stdout (and writes N into
//  port_file if not NULL), then waits for SIGTERM or SIGINT. Returns 0, or
//  1 if the port file cannot be written.
int sb_fakehttp_serve (sb_fakehttp_t *self, const char *name, const char *port_file);

#endif
