/*  sb_agentsynctest.h — what agent-sync's tests share (tests/actors/
    test_agent_sync_*.c): the world of one case (a directory, a private
    redis-server, the fakes of Vapi and Twilio as processes), runs of
    agent-sync through --harness with every line checked for the saves'
    secrets, the readers of its reports, Redis, and the runner their mains
    call. agent-sync's handler runs through --harness against a private
    redis-server and the fakes of Vapi (tests/fakes/fake_vapi.c) and
    Twilio (tests/fakes/fake_twilio.c, its Accounts resource).

    Each run writes the saves to a file, runs agent-sync on them with
    VAPI_API_BASE, TWILIO_API_BASE, CREDENTIALS_KEY and SB_REDIS_URL set,
    and reads back what it emitted and its outcome (stdout) and its log
    (stderr). Every line of both is checked for the secrets of the saves.
    The fakes' call counts (GET /_fake/counts) tell what was written.

    Each program takes AGENT_SYNC FAKE_VAPI FAKE_TWILIO [TEST] and exits 77
    (skipped) without redis-server.

    The helpers keep the names they had when the tests were one file, so
    that the cases read exactly as they did.                               */

#ifndef SB_AGENTSYNCTEST_H_INCLUDED
#define SB_AGENTSYNCTEST_H_INCLUDED

#include "sb_classes.h"
#include "sb_secretbox.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS        10000   //  longest wait for a process to start
#define S_RUN_MS         30000   //  for one harness run to finish
#define S_STOP_MS        10000
#define S_EXIT_SKIP      77
#define S_DIR_MAX        256
#define S_PATH_MAX       (S_DIR_MAX + 64)

#define S_KEY_HEX        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S_VAPI_KEY       "vapi-secret-key-acme-7f3a9c"
#define S_WRONG_VAPI_KEY "vapi-wrong-key-acme-0b1e44"
#define S_SID            "AC0123456789abcdef0123456789abcdef"
#define S_OTHER_SID      "ACffffffffffffffffffffffffffffffff"
#define S_TOKEN          "twilio-secret-token-acme-51d2e8"
#define S_WRONG_TOKEN    "twilio-wrong-token-acme-9c0d11"
#define S_NUMBER         "+15557654321"
#define S_REPLY_TO       "reply.ingress.test"

typedef struct {
    const char *agent;
    const char *vapi;
    const char *twilio;
} s_programs_t;

//  One test's world.
typedef struct {
    const s_programs_t *programs;
    char dir [S_DIR_MAX];
    sb_testredis_t *redis;
    sb_testproc_t *vapi;
    sb_testproc_t *twilio;
    char vapi_url [64];
    char twilio_url [64];
    sb_idgen_t *ids;
    int runs;
} s_world_t;

//  A run of agent-sync in progress.
typedef struct {
    sb_testproc_t *proc;
    char out [S_PATH_MAX];
    char err [S_PATH_MAX];
} s_run_t;

//  A save to make.
typedef struct {
    const char *tenant;
    const char *vapi_key;
    const char *sid;
    const char *token;
    const char *config;          //  agent_config as JSON, or NULL
    uint32_t attempt;
} s_save_t;

//  Files and HTTP (sb_agentsynctest.c says what each does)
char *s_slurp (const char *path);
size_t s_on_data (char *data, size_t size, size_t count, void *user);
json_t *s_fake_call (const char *base, const char *path, const char *body);
json_int_t s_count (s_world_t *self, const char *name);
void s_fault (s_world_t *self, const char *fault);

//  The world
int s_setup (void **state);
int s_teardown (void **state);

//  Running agent-sync
json_t *s_envelope (s_world_t *self, const s_save_t *save);
void s_run_start (s_world_t *self, json_t *envelopes, const char *const *extra, s_run_t *run);
json_t *s_run_finish (s_run_t *run, int *status);
json_t *s_run (s_world_t *self, const s_save_t *saves, size_t count, const char *const *extra);
json_t *s_report_at (const json_t *lines, size_t index);
const json_t *s_report (const json_t *lines);
const char *s_get (const json_t *json, const char *outer, const char *inner);
const json_t *s_assert_success (const json_t *report, const char *inbound,
                                const char *outbound);
void s_assert_failure (const json_t *report, const char *step, const char *text);

//  Redis
redisReply *s_redis (s_world_t *self, const char *format, const char *key);

//  Vapi's assistants
void s_assert_assistants (s_world_t *self, const json_t *report);

//  The saves' secrets, that no output may hold; acme's first save (its
//  Vapi key alone)
extern const char *s_secrets [5];
extern const s_save_t s_acme;

//  A test program's main: takes AGENT_SYNC FAKE_VAPI FAKE_TWILIO [TEST],
//  skips (77) without redis-server, and runs tests (count of them) as
//  group, each with a setup given the programs. Returns main's exit code.
int s_main (int argc, char *argv [], const char *group, struct CMUnitTest *tests,
            size_t count);

#endif
