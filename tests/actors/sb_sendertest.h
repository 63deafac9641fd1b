/*  sb_sendertest.h — what the sender's tests share (tests/actors/
    test_sender_*.c): the world of one case (a directory, a private
    redis-server, the fake Twilio on a free port and the sender's config),
    the fake's endpoints, the harness runs and their outcomes, the record
    in Redis, and the runner their mains call.

    Each delivery is one run of `sender --harness` on an envelope the test
    writes (attempt N as the broker would set it), against the fake Twilio
    (tests/fakes/fake_twilio, on a free port, with its script of failures)
    and a private redis-server. Every case asserts what reached the fake
    (GET /_fake/messages: the messages it accepted and how many create and
    list requests came), the outcome the sender answered (a retry's
    delay_ms, a failure's reason), what it emitted and its record in Redis.
    Delays are asserted as the outcome's delay_ms, the number the broker
    would wait: no wall clock.

    Each program takes SENDER FAKE_TWILIO [TEST] (CTest passes the
    programs; TEST runs only the tests whose names contain it) and exits 77
    (skipped) without redis-server.

    The helpers keep the names they had when the tests were one file, so
    that the cases read exactly as they did.                               */

#ifndef SB_SENDERTEST_H_INCLUDED
#define SB_SENDERTEST_H_INCLUDED

#include "sb_classes.h"
#include "sb_credentials.h"
#include "sb_sent.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include "sb_throttle.h"
#include "sb_twilio_api.h"
#include <curl/curl.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS     10000      //  longest wait for anything to happen
#define S_RUN_MS      30000      //  for one harness run
#define S_EXIT_SKIP   77
#define S_EXIT_CONFIG 78
#define S_ACCOUNT     "AC0123456789abcdef0123456789abcdef"
#define S_TOKEN       "test-auth-token-0123456789abcdef"
#define S_EMPLOYEE    "+15551234567"
#define S_TENANT_NUMBER "+15557654321"
#define S_TEXT        "Hi Dana, this week you have logged 8 hours on Acme (expected 32). - Acme HR"
#define S_TIMEOUT_MS  1000       //  sender/twilio/timeout in these tests
#define S_KEY_HEX     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S_ACME_ACCOUNT "ACacacacacacacacacacacacacacacacac"   //  acme's own, stored
#define S_ACME_TOKEN  "acme-own-auth-token-7f3a9c51d2e8"
#define S_ACME_NUMBER "+15550002222"                          //  acme's, stored

typedef struct {
    const char *sender;
    const char *fake;
} s_programs_t;

//  One test's world: its directory, Redis, fake Twilio and sender config.
typedef struct {
    const s_programs_t *programs;
    char dir [256];
    char config [320];
    sb_testredis_t *redis;
    sb_testproc_t *twilio;
    int port;                    //  the fake's
    unsigned runs;
} s_world_t;

//  What one harness run printed: per input, its emits and its outcome.
typedef struct {
    json_t *lines;               //  every JSON line, in order
    int status;                  //  exit status
} s_run_t;

//  The fake Twilio, over HTTP (sb_sendertest.c says what each does)
json_t *s_http (s_world_t *self, const char *method, const char *path, const char *body,
                const char *userpwd, long expected);
json_t *s_fake_call (s_world_t *self, const char *method, const char *path, const char *body);
void s_script (s_world_t *self, const char *steps);
json_t *s_fake_state (s_world_t *self);
void s_assert_fake (s_world_t *self, size_t messages, int creates, int lists);
char *s_fake_sid (s_world_t *self, size_t index);

//  The world
void s_write_config (s_world_t *self, bool outbox, const char *extra);
sb_testproc_t *s_fake_start (s_world_t *self, const char *name, const char *account,
                             const char *token, int *port);
int s_setup (void **state);
int s_teardown (void **state);

//  Envelopes and runs
json_t *s_approved (const char *id, const char *key, const char *channel, const char *to);
json_t *s_read_lines (const char *path);
void s_run (s_world_t *self, const json_t *envelopes, unsigned attempt,
            const char *const *extra, s_run_t *run);
const json_t *s_outcome (const s_run_t *run, size_t which);
void s_assert_outcome (const s_run_t *run, const char *kind);
const json_t *s_sent (const s_run_t *run);
void s_deliver (s_world_t *self, const json_t *envelope, unsigned attempt, const char *kind,
                s_run_t *run);
char *s_record (s_world_t *self, const char *prefix, const char *key);

//  A test program's main: takes SENDER FAKE_TWILIO [TEST] (CTest passes
//  the programs; TEST runs only the tests whose names contain it), skips
//  (77) without redis-server, clears the developer's variables, and runs
//  tests (count of them) as group, each with a setup given the programs.
//  Returns main's exit code.
int s_main (int argc, char *argv [], const char *group, struct CMUnitTest *tests,
            size_t count);

#endif
