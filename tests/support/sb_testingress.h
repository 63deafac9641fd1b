/*  sb_testingress.h — test support: the ingress program in a test's world
    (sb_testworld) — on a free port in front of broker-a, waited for on
    GET /health — and what the ingress tests share: their settings, a
    unique MessageSid, the SMS they post signed as Twilio, and what the
    broker stored in the planner's queue, read back from Redis.

    The world's programs are BROKER INGRESS ...: ingress's path is
    programs [SB_TESTINGRESS_PROGRAM].                                    */

#ifndef SB_TESTINGRESS_H_INCLUDED
#define SB_TESTINGRESS_H_INCLUDED

#include "sb_testtwilio.h"
#include "sb_testworld.h"

#define SB_TESTINGRESS_PROGRAM    1
#define SB_TESTINGRESS_TOKEN      "test-auth-token-0123456789abcdef"
#define SB_TESTINGRESS_ACCOUNT    "AC0123456789abcdef0123456789abcdef"
#define SB_TESTINGRESS_FROM       "+15551234567"
#define SB_TESTINGRESS_TO         "+15557654321"
#define SB_TESTINGRESS_TEXT       "how many hours this week? 100% sure & = + ünï"
#define SB_TESTINGRESS_TENANT     "acme"                      //  its --tenant
#define SB_TESTINGRESS_SECRET     "gateway-secret-for-tests"  //  the WhatsApp gateway's
#define SB_TESTINGRESS_QUEUE      "sb:q:planner"              //  where sms.received goes
#define SB_TESTINGRESS_MAX_BODY   "4096"                      //  its --max-body
#define SB_TESTINGRESS_PUBLISH_MS "500"                       //  its --publish-timeout
#define SB_TESTINGRESS_SID_SIZE   35                          //  SM + 32 hex digits + NUL

//  Starts ingress as the world's server: "-p PORT -b BROKER-A" then args
//  (NULL-terminated), with env (NAME=VALUE strings, NULL-terminated, may
//  be NULL) set in this process only while it starts, so only ingress
//  inherits it; waits until GET /health answers 200. Returns 0, or -1
//  with the reason on stderr.
int sb_testingress_launch (sb_testworld_t *world, const char *const *env,
                           const char *const *args);

//  Starts ingress as the ingress tests run it: tenant, --max-body and
//  --publish-timeout above, token as TWILIO_AUTH_TOKEN (NULL: none; the
//  gateway's secret goes with it). As sb_testingress_launch.
int sb_testingress_start (sb_testworld_t *world, const char *token);

//  The ingress tests' world: Redis (appendfsync always: a test kills it),
//  broker-a, and ingress started with token. Returns 0, or -1 with the
//  reason on stderr.
int sb_testingress_world (sb_testworld_t *world, const char *token);

//  Writes a new MessageSid (SM + 32 hex digits), unique to this run.
void sb_testingress_new_sid (sb_testworld_t *world, char sid [SB_TESTINGRESS_SID_SIZE]);

//  Makes params the inbound SMS of the ingress tests with MessageSid sid
//  (borrowed: it must outlive params).
void sb_testingress_sms (sb_testtwilio_params_t *params, const char *sid);

//  POSTs params to path on ingress signed with SB_TESTINGRESS_TOKEN over
//  the URL of url_path (NULL: path), as sb_testtwilio_post_signed.
int sb_testingress_post (sb_testworld_t *world, const char *path, const char *url_path,
                         const sb_testtwilio_params_t *params, sb_testhttp_answer_t *answer);

//  Checks Twilio's expected answer: 200, text/xml, an empty TwiML
//  Response. Returns 0, or -1 with the answer on stderr.
int sb_testingress_expect_twiml (const sb_testhttp_answer_t *answer);

//  How many messages the planner's queue holds, or -1.
long long sb_testingress_queued (sb_testworld_t *world);

//  How many messages of the planner's queue have idempotency key key, or
//  -1; the last of them in *env_p (caller destroys) when env_p is not
//  NULL.
long sb_testingress_stored (sb_testworld_t *world, const char *key, sb_envelope_t **env_p);

//  Checks that the message with MessageSid sid was stored exactly once.
//  Returns 0, or -1 with the count on stderr.
int sb_testingress_expect_stored_once (sb_testworld_t *world, const char *sid);

#endif
