/*  sb_testhttp.h — test support: a small HTTP client over libcurl for
    integration tests (the test as Twilio, a browser, a gateway): one
    request, or several at once each on a connection of its own, to
    127.0.0.1; the answer's status, type, body and time; form encoding as
    Twilio encodes.

    Failures are reported on stderr and by the return value, so that the
    test asserts where it stands.                                         */

#ifndef SB_TESTHTTP_H_INCLUDED
#define SB_TESTHTTP_H_INCLUDED

#include "sb_classes.h"

#define SB_TESTHTTP_ANSWER_MAX 4096    //  of an answer's body kept
#define SB_TESTHTTP_QUIET_MS   1000    //  requests with shorter time-outs fail quietly

//  One request: method (GET, POST or another), path with its query, extra
//  headers ("Name: value", NULL-terminated; may be NULL) and, for POST,
//  body (a string; NULL: empty).
typedef struct {
    const char *method;
    const char *path;
    const char *const *headers;
    const char *body;
} sb_testhttp_request_t;

//  What came back.
typedef struct {
    long status;                        //  0: no answer (refused, timed out)
    char type [128];                    //  Content-Type, "" if none
    char body [SB_TESTHTTP_ANSWER_MAX]; //  NUL-terminated, cut at the limit
    size_t size;                        //  of what was kept
    int64_t elapsed_ms;                 //  sb_testhttp_send_all: until the last came
} sb_testhttp_answer_t;

struct CMUnitTest;

//  sb_testworld_run with libcurl initialised around it: the main of a test
//  program that speaks HTTP.
int sb_testhttp_run (int argc, char *argv [], int programs, const char *usage,
                     const struct CMUnitTest *tests, size_t count);

//  Sends request to port on 127.0.0.1 and waits up to timeout_ms for the
//  answer, which fills *answer. Returns 0 if an answer came, else -1 with
//  curl's reason on stderr (unless timeout_ms < SB_TESTHTTP_QUIET_MS: a
//  poll, which may well fail at first).
int sb_testhttp_send (int port, const sb_testhttp_request_t *request, int timeout_ms,
                      sb_testhttp_answer_t *answer);

//  Sends count requests at once, each on a new connection, and waits up
//  to timeout_ms for their answers: answers [i] for requests [i]. Returns
//  0 if every one was answered, else -1 with curl's reasons on stderr.
int sb_testhttp_send_all (int port, const sb_testhttp_request_t *requests, size_t count,
                          int timeout_ms, sb_testhttp_answer_t *answers);

//  Sends method (GET, POST or another) path to port on 127.0.0.1, with
//  body for POST (NULL: empty), and waits up to timeout_ms. Returns the
//  whole answer's body, of any size, as a new string (caller frees) if the
//  status was 200; else NULL with the status (0: no answer) and curl's
//  reason on stderr.
char *sb_testhttp_fetch (int port, const char *method, const char *path, const char *body,
                         int timeout_ms);

//  For a test that drives libcurl itself: a write function
//  (CURLOPT_WRITEFUNCTION) that keeps what fits of an answer's body in
//  the sb_testhttp_answer_t given as CURLOPT_WRITEDATA (NUL-terminated,
//  cut at SB_TESTHTTP_ANSWER_MAX), and takes the whole of it.
size_t sb_testhttp_keep_body (char *data, size_t size, size_t count, void *answer);

//  GETs path, as sb_testhttp_send.
int sb_testhttp_get (int port, const char *path, int timeout_ms, sb_testhttp_answer_t *answer);

//  True if GET /health on port answers 200 within timeout_ms: polled until
//  a server is up (an sb_testworld_ready_fn).
bool sb_testhttp_healthy (int port, int timeout_ms);

//  Checks that answer has status and, unless text is NULL, that its body
//  contains text. Returns 0, or -1 with what was expected and what came
//  on stderr.
int sb_testhttp_expect (const sb_testhttp_answer_t *answer, long status, const char *text);

//  Appends text to the string out (size bytes in all) form-encoded as
//  Twilio encodes it: letters, digits and "-._~" as they are, space as
//  '+', every other byte as %XX. Returns 0, or -1 if it does not fit.
int sb_testhttp_form_append (char *out, size_t size, const char *text);

//  Writes the count pairs names [i]=values [i] form-encoded into body
//  ("a=1&b=2"). Returns 0, or -1 if they do not fit.
int sb_testhttp_form (const char *const *names, const char *const *values, size_t count,
                      char *body, size_t size);

#endif
