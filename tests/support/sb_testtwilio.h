/*  sb_testtwilio.h — test support: the test as Twilio — a webhook's form
    parameters, in the order they are sent; the ones Twilio posts for an
    inbound SMS; the body form-encoded and signed as Twilio signs it
    (X-Twilio-Signature over the URL called, by sb_twilio); and the POST
    itself, over sb_testhttp.                                             */

#ifndef SB_TESTTWILIO_H_INCLUDED
#define SB_TESTTWILIO_H_INCLUDED

#include "sb_testhttp.h"
#include "sb_twilio.h"

#define SB_TESTTWILIO_PARAMS   16
#define SB_TESTTWILIO_BODY_MAX 8192     //  of a body built here
#define SB_TESTTWILIO_URL_MAX  256
#define SB_TESTTWILIO_HTTP_MS  10000    //  for one POST

//  A request's form parameters, in the order they are sent. Names and
//  values are borrowed: they must outlive the parameters.
typedef struct {
    const char *names [SB_TESTTWILIO_PARAMS];
    const char *values [SB_TESTTWILIO_PARAMS];
    size_t count;
} sb_testtwilio_params_t;

//  Sets the parameter name to value, or adds it at the end. Returns 0, or
//  -1 if there are SB_TESTTWILIO_PARAMS already.
int sb_testtwilio_set (sb_testtwilio_params_t *params, const char *name, const char *value);

//  Removes the parameter name, if there.
void sb_testtwilio_remove (sb_testtwilio_params_t *params, const char *name);

//  Makes params the ones Twilio posts for an inbound SMS with MessageSid
//  sid on account, from and to the numbers, saying text.
void sb_testtwilio_sms (sb_testtwilio_params_t *params, const char *sid, const char *account,
                        const char *from, const char *to, const char *text);

//  Writes params form-encoded (sb_testhttp_form) into body. Returns 0, or
//  -1 if they do not fit.
int sb_testtwilio_body (const sb_testtwilio_params_t *params, char *body, size_t size);

//  The URL Twilio would have called for path on port of 127.0.0.1.
void sb_testtwilio_url (int port, const char *path, char *url, size_t size);

//  Signs body (form-encoded) posted to url with token, by sb_twilio.
//  Returns 0, or -1 with the reason on stderr (the body does not parse,
//  the token is empty).
int sb_testtwilio_sign (const char *token, const char *url, const char *body,
                        char signature [SB_TWILIO_SIGNATURE_SIZE]);

//  POSTs body to path on port as form data with X-Twilio-Signature
//  signature (NULL: no such header) and one more header (NULL: none).
//  Returns as sb_testhttp_send.
int sb_testtwilio_post (int port, const char *path, const char *body, const char *signature,
                        const char *header, sb_testhttp_answer_t *answer);

//  POSTs params to path on port, signed with token over the URL of
//  url_path (NULL: path itself). Returns 0 if an answer came, -1 if not or
//  if the request could not be made (the reason on stderr).
int sb_testtwilio_post_signed (int port, const char *token, const char *path,
                               const char *url_path, const sb_testtwilio_params_t *params,
                               sb_testhttp_answer_t *answer);

//  The fake Twilio (tests/fakes/fake_twilio) on port: GET /_fake/messages,
//  its counts (requests, creates, lists, unauthorized) and every message
//  it accepted, oldest first, under "messages" (caller decrefs); NULL, with
//  the reason on stderr, if it did not answer.
json_t *sb_testtwilio_fake_state (int port);

//  Appends steps (one per line, as fake_twilio --help says) to the fake's
//  script. Returns 0, or -1 with the reason on stderr.
int sb_testtwilio_fake_script (int port, const char *steps);

//  Makes the fake forget its messages, script and counters (POST
//  /_fake/reset). Returns 0, or -1 with the reason on stderr.
int sb_testtwilio_fake_reset (int port);

#endif
