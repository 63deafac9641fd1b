/*  test_workspace.c — integration tests of ingress's workspace save
    (POST /api/workspace/save), its /metrics and its tenants by number: a
    private redis-server, the broker, ingress and a stub agent-sync actor
    (tests/actors/stub_agent_sync.c) as real processes, this test the
    browser (and Twilio) over libcurl (tests/support/sb_testhttp,
    sb_testingress).

    The stub answers by the saved twilioPhoneNumber: +15550000001 a
    failure report, +15550000002 nothing (it FAILs the message), anything
    else success with agent ids asst_in_<tenant>/asst_out_<tenant>.
    Ingress runs with --workspace-timeout 1000, so the silent case is a
    504 after a second.

    Each test starts its own world (sb_testworld) and synchronises by
    polling with a deadline (ingress's /health, the broker's STATS until
    agent-sync and ingress's reply queue have said HELLO); it never sleeps
    a fixed time.

    One case runs the real agent-sync instead of the stub, against the fake
    Vapi (tests/fakes/fake_vapi.c) and Twilio's Accounts resource
    (tests/fakes/fake_twilio.c): the whole save, from the HTTP
    request to the agents on Vapi and the report back.

    Usage: test_workspace BROKER INGRESS STUB_AGENT_SYNC AGENT_SYNC FAKE_VAPI
                          FAKE_TWILIO [TEST]
    Exits 77 (skipped) without redis-server.                               */

#include "sb_classes.h"
#include "sb_testfake.h"
#include "sb_testingress.h"
#include "sb_teststream.h"
#include <hiredis/hiredis.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_AGENT_PROGRAM  2       //  the stub's path in the world's programs
#define S_REAL_AGENT     3       //  the real agent-sync's
#define S_FAKE_VAPI      4
#define S_FAKE_ACCOUNT   5
#define S_PROGRAMS       6
#define S_CREDENTIALS_KEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S_VAPI_KEY       "vapi-test-key"     //  what s_save_json sends
#define S_SAVED_TOKEN    "0123456789abcdef0123456789abcdef"
#define S_HTTP_MS        10000   //  for one HTTP exchange
#define S_BODY_MAX       4096

#define S_DEADLINE_MS    1000    //  ingress's --workspace-timeout
#define S_DEADLINE       "1000"
#define S_SLACK_MS       4000    //  504 must come before deadline + this
#define S_INSTANCE       "ws"    //  ingress's reply queue: reply.ingress.ws
#define S_REPLY_SERVICE  "reply.ingress." S_INSTANCE
#define S_GLOBAL_TOKEN   "global-workspace-token-0123456789"
#define S_GLOBEX_TOKEN   "globex-own-token-abcdef0123456789"
#define S_TWILIO_TOKEN   SB_TESTINGRESS_TOKEN
#define S_ACCOUNT        SB_TESTINGRESS_ACCOUNT
#define S_ACME_NUMBER    "+15557654321"
#define S_OTHER_NUMBER   "+15559990000"
#define S_DEFAULT_TENANT "demo-default"
#define S_NUMBER_FAILS   "+15550000001"
#define S_NUMBER_SILENT  "+15550000002"

#define S_EXPECT(answer, status, text) \
    assert_int_equal (sb_testhttp_expect (answer, status, text), 0)

//  --------------------------------------------------------------------------
//  HTTP

//  POSTs json to /api/workspace/save with token (NULL: no Authorization)
//  as type (NULL: application/json).
static void
s_save (sb_testworld_t *world, const char *token, const char *type, const char *json,
        sb_testhttp_answer_t *answer)
{
    char auth [128], content [128];
    snprintf (auth, sizeof auth, "Authorization: Bearer %s", token? token: "");
    snprintf (content, sizeof content, "Content-Type: %s", type? type: "application/json");
    const char *headers [] = { content, token? auth: NULL, NULL };
    sb_testhttp_request_t request = { "POST", "/api/workspace/save", headers, json };
    sb_testhttp_send (world->port, &request, S_HTTP_MS, answer);
}

//  A save's JSON: tenant NULL leaves tenantId out, number the
//  twilioPhoneNumber (which the stub answers by).
static void
s_save_json (char *json, size_t size, const char *tenant, const char *number)
{
    char tenant_field [128] = "";
    if (tenant)
        snprintf (tenant_field, sizeof tenant_field, "\"tenantId\":\"%s\",", tenant);
    snprintf (json, size, "{%s\"vapiApiKey\":\"vapi-test-key\",\"twilioAccountSid\":\"%s\","
              "\"twilioAuthToken\":\"0123456789abcdef0123456789abcdef\","
              "\"twilioPhoneNumber\":\"%s\"}", tenant_field, S_ACCOUNT, number);
}

//  The answer's body as JSON (caller decrefs); fails unless it is an
//  object sent as application/json.
static json_t *
s_report (const sb_testhttp_answer_t *answer)
{
    if (strncmp (answer->type, "application/json", 16))
        fail_msg ("Content-Type is '%s', not application/json", answer->type);
    json_error_t error;
    json_t *json = json_loads (answer->body, 0, &error);
    if (!json_is_object (json))
        fail_msg ("the answer is not a JSON object: %s", answer->body);
    return json;
}

static void
s_assert_string (const json_t *json, const char *name, const char *expected)
{
    const char *value = json_string_value (json_object_get (json, name));
    if (!value || !streq (value, expected))
        fail_msg ("%s is '%s', not '%s'", name, value? value: "(none)", expected);
}

//  Asserts a successful save's report for tenant.
static void
s_assert_success (const sb_testhttp_answer_t *answer, const char *tenant)
{
    S_EXPECT (answer, 200, NULL);
    json_t *report = s_report (answer);
    assert_true (json_is_true (json_object_get (report, "success")));
    const json_t *steps = json_object_get (report, "steps");
    const char *names [] = { "credentialsStored", "vapiValidated", "twilioValidated",
                             "agentsSynced" };
    for (size_t index = 0; index < 4; index++)
        if (!json_is_true (json_object_get (steps, names [index])))
            fail_msg ("steps.%s is not true: %s", names [index], answer->body);
    char inbound [128], outbound [128];
    snprintf (inbound, sizeof inbound, "asst_in_%s", tenant);
    snprintf (outbound, sizeof outbound, "asst_out_%s", tenant);
    s_assert_string (json_object_get (report, "agentIds"), "inbound", inbound);
    s_assert_string (json_object_get (report, "agentIds"), "outbound", outbound);
    json_decref (report);
}

//  POSTs an inbound SMS with MessageSid sid to To number, signed with
//  token (by sb_twilio over the URL called).
static void
s_sms (sb_testworld_t *world, const char *sid, const char *number, const char *token,
       sb_testhttp_answer_t *answer)
{
    sb_testtwilio_params_t params;
    sb_testtwilio_sms (&params, sid, S_ACCOUNT, SB_TESTINGRESS_FROM, number, "hours please");
    sb_testtwilio_post_signed (world->port, token, "/webhook/sms", NULL, &params, answer);
}

//  The envelopes of stream (a list that destroys them).
static zlistx_t *
s_stream (sb_testworld_t *world, const char *stream)
{
    zlistx_t *envelopes = sb_teststream_read (world->redis, stream);
    assert_non_null (envelopes);
    return envelopes;
}

//  --------------------------------------------------------------------------
//  The world

//  Starts ingress with the tokens (or none), the numbers in its config,
//  and waits until /health answers and its reply queue has said HELLO.
static void
s_ingress_start (sb_testworld_t *world, bool with_tokens)
{
    char config [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_write (world, "ingress.zpl", with_tokens?
        "ingress\n    numbers\n        " S_ACME_NUMBER " = acme\n"
        "    workspace-tokens\n        globex = env:GLOBEX_TOKEN\n":
        "ingress\n    numbers\n        " S_ACME_NUMBER " = acme\n", config, sizeof config), 0);
    const char *tokens [] = { "TWILIO_AUTH_TOKEN=" S_TWILIO_TOKEN,
                              "WORKSPACE_API_TOKEN=" S_GLOBAL_TOKEN,
                              "GLOBEX_TOKEN=" S_GLOBEX_TOKEN, NULL };
    if (!with_tokens)
        tokens [1] = NULL;
    const char *args [] = { "-c", config, "-t", S_DEFAULT_TENANT, "-i", S_INSTANCE,
                            "--workspace-timeout", S_DEADLINE, "--threads", "4", NULL };
    assert_int_equal (sb_testingress_launch (world, tokens, args), 0);
    assert_true (sb_testworld_wait_workers (world, 0, S_REPLY_SERVICE, 1));
}

//  Starts agent-sync (the program at index in the world's programs) on the
//  world's broker and Redis, and waits for its HELLO.
static void
s_agent_start (sb_testworld_t *world, size_t program, const char *instance)
{
    char *argv [] = { world->programs [program], "-b", world->brokers [0].endpoint,
                      "-r", (char *) sb_testredis_url (world->redis), "-i", (char *) instance,
                      NULL };
    assert_non_null (sb_testworld_spawn (world, argv, instance));
    assert_true (sb_testworld_wait_workers (world, 0, "agent-sync", 1));
}

//  Redis and the broker.
static void
s_store_start (sb_testworld_t *world)
{
    assert_int_equal (sb_testworld_redis_start (world, NULL), 0);
    assert_int_equal (sb_testworld_broker_start (world, 0, NULL), 0);
}

//  Redis, the broker, the stub agent-sync, ingress; all connected.
static void
s_world_start (sb_testworld_t *world, bool with_tokens)
{
    s_store_start (world);
    s_agent_start (world, S_AGENT_PROGRAM, "stub");
    s_ingress_start (world, with_tokens);
}

//  --------------------------------------------------------------------------
//  1. Round trip: the global token with tenantId, agent-sync's report

static void
test_round_trip (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, true);
    char json [S_BODY_MAX];
    sb_testhttp_answer_t answer;
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (world, S_GLOBAL_TOKEN, NULL, json, &answer);
    s_assert_success (&answer, "acme");
}

//  --------------------------------------------------------------------------
//  2. A failure report: 422 with the failed step

static void
test_failure_report (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, true);
    char json [S_BODY_MAX];
    sb_testhttp_answer_t answer;
    s_save_json (json, sizeof json, "acme", S_NUMBER_FAILS);
    s_save (world, S_GLOBAL_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 422, NULL);
    json_t *report = s_report (&answer);
    assert_true (json_is_false (json_object_get (report, "success")));
    s_assert_string (report, "failedStep", "vapi_validated");
    s_assert_string (report, "error", "Vapi answered 401");
    assert_true (json_is_false (json_object_get (json_object_get (report, "steps"),
                                                 "vapiValidated")));
    json_decref (report);
}

//  --------------------------------------------------------------------------
//  3. No report: 504 once the deadline has passed; the save was stored
//     (the stub FAILed it, so it is in the dead-letter stream)

static void
test_no_reply (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, true);
    char json [S_BODY_MAX];
    sb_testhttp_answer_t answer;
    s_save_json (json, sizeof json, "acme", S_NUMBER_SILENT);
    s_save (world, S_GLOBAL_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 504, "agent-sync");
    if (answer.elapsed_ms < S_DEADLINE_MS || answer.elapsed_ms >= S_DEADLINE_MS + S_SLACK_MS)
        fail_msg ("504 after %" PRId64 " ms with --workspace-timeout %d", answer.elapsed_ms,
                  S_DEADLINE_MS);
    zlistx_t *dead = s_stream (world, "sb:dlq");
    size_t found = 0;
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (dead); env;
         env = (sb_envelope_t *) zlistx_next (dead)) {
        const char *number = json_string_value (json_object_get (sb_envelope_body (env),
                                                                 "twilio_phone_number"));
        found += streq (sb_envelope_type (env), "workspace.saved")
              && streq (sb_envelope_tenant (env), "acme")
              && streq (sb_envelope_reply_to (env), S_REPLY_SERVICE)
              && number && streq (number, S_NUMBER_SILENT);
    }
    zlistx_destroy (&dead);
    if (found != 1)
        fail_msg ("the unanswered save is %zu times in sb:dlq, not once", found);
}

//  --------------------------------------------------------------------------
//  4. Who may save what, and what is refused before anything is published

static void
test_auth_and_input (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, true);
    char json [S_BODY_MAX];
    sb_testhttp_answer_t answer;
    //  A tenant's own token, tenantId left out: that tenant
    s_save_json (json, sizeof json, NULL, "+15557654321");
    s_save (world, S_GLOBEX_TOKEN, NULL, json, &answer);
    s_assert_success (&answer, "globex");
    s_save_json (json, sizeof json, "globex", "+15557654321");
    s_save (world, S_GLOBEX_TOKEN, NULL, json, &answer);
    s_assert_success (&answer, "globex");
    //  ... but not another tenant's
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (world, S_GLOBEX_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 403, NULL);
    s_save (world, NULL, NULL, json, &answer);
    S_EXPECT (&answer, 401, NULL);
    s_save (world, "wrong-token", NULL, json, &answer);
    S_EXPECT (&answer, 401, NULL);
    s_save (world, S_GLOBAL_TOKEN "x", NULL, json, &answer);
    S_EXPECT (&answer, 401, NULL);
    //  The global token needs tenantId
    s_save_json (json, sizeof json, NULL, "+15557654321");
    s_save (world, S_GLOBAL_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 400, "tenantId");
    s_save (world, S_GLOBAL_TOKEN, NULL,
            "{\"tenantId\":\"acme\",\"vapiApiKey\":\"k\",\"twilioAccountSid\":\"" S_ACCOUNT
            "\",\"twilioPhoneNumber\":\"+15557654321\"}", &answer);
    S_EXPECT (&answer, 400, "twilioAuthToken");
    s_save (world, S_GLOBAL_TOKEN, NULL, "{\"tenantId\":\"acme\",", &answer);
    S_EXPECT (&answer, 400, "malformed JSON");
    s_save (world, S_GLOBAL_TOKEN, NULL, "[1,2]", &answer);
    S_EXPECT (&answer, 400, "JSON object");
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (world, S_GLOBAL_TOKEN, "text/plain", json, &answer);
    S_EXPECT (&answer, 400, "application/json");
    //  Only the two good saves reached agent-sync
    zlistx_t *dead = s_stream (world, "sb:dlq");
    assert_int_equal (zlistx_size (dead), 0);
    zlistx_destroy (&dead);
}

//  No WORKSPACE_API_TOKEN, no workspace-tokens section: every save 401.
static void
test_no_tokens (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, false);
    char json [S_BODY_MAX];
    sb_testhttp_answer_t answer;
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (world, S_GLOBAL_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 401, NULL);
    s_save (world, S_GLOBEX_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 401, NULL);
    s_save (world, "", NULL, json, &answer);
    S_EXPECT (&answer, 401, NULL);
    s_save (world, NULL, NULL, json, &answer);
    S_EXPECT (&answer, 401, NULL);
}

//  --------------------------------------------------------------------------
//  5. Saves at once: each gets its own report (matched by corr)

static void
test_concurrent (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, true);
    const char *tenants [] = { "acme", "initech", "umbrella" };
    const char *numbers [] = { "+15557654321", S_NUMBER_FAILS, "+15557654322" };
    enum { COUNT = 3 };
    char json [COUNT][S_BODY_MAX], auth [128];
    snprintf (auth, sizeof auth, "Authorization: Bearer %s", S_GLOBAL_TOKEN);
    const char *headers [] = { "Content-Type: application/json", auth, NULL };
    sb_testhttp_answer_t answers [COUNT];
    sb_testhttp_request_t requests [COUNT];
    for (size_t index = 0; index < COUNT; index++) {
        s_save_json (json [index], sizeof json [index], tenants [index], numbers [index]);
        requests [index] = (sb_testhttp_request_t) { "POST", "/api/workspace/save", headers,
                                                     json [index] };
    }
    assert_int_equal (sb_testhttp_send_all (world->port, requests, COUNT, S_HTTP_MS, answers), 0);
    s_assert_success (&answers [0], "acme");
    S_EXPECT (&answers [1], 422, "vapi_validated");
    s_assert_success (&answers [2], "umbrella");
}

//  --------------------------------------------------------------------------
//  6. /metrics after one signed SMS and one with a bad signature

//  Asserts that the metrics text has a line "name value".
static void
s_assert_metric (const char *text, const char *name, const char *value)
{
    char line [256];
    snprintf (line, sizeof line, "\n%s %s\n", name, value);
    if (!strstr (text, line))
        fail_msg ("/metrics has no line '%s %s':\n%s", name, value, text);
}

static void
test_metrics (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, true);
    sb_testhttp_answer_t answer;
    s_sms (world, "SM00000000000000000000000000000001", S_ACME_NUMBER, S_TWILIO_TOKEN, &answer);
    S_EXPECT (&answer, 200, "<Response>");
    s_sms (world, "SM00000000000000000000000000000002", S_ACME_NUMBER, "not-the-token", &answer);
    S_EXPECT (&answer, 403, NULL);
    sb_testhttp_get (world->port, "/metrics", S_HTTP_MS, &answer);
    S_EXPECT (&answer, 200, NULL);
    //  Prometheus's text format (a charset may follow)
    if (strncmp (answer.type, "text/plain; version=0.0.4", 25))
        fail_msg ("/metrics Content-Type is '%s'", answer.type);
    s_assert_metric (answer.body, "sb_ingress_requests_total{endpoint=\"/webhook/sms\",status=\"200\"}", "1");
    s_assert_metric (answer.body, "sb_ingress_requests_total{endpoint=\"/webhook/sms\",status=\"403\"}", "1");
    s_assert_metric (answer.body, "sb_ingress_auth_failures_total{endpoint=\"/webhook/sms\"}", "1");
    const char *count = strstr (answer.body, "\nsb_ingress_publish_seconds_count ");
    if (!count || atoi (count + strlen ("\nsb_ingress_publish_seconds_count ")) < 1)
        fail_msg ("sb_ingress_publish_seconds_count is not at least 1:\n%s", answer.body);
}

//  --------------------------------------------------------------------------
//  7. The tenant of an SMS by its To number (ingress/numbers), else --tenant

//  The tenant of the one sms.received in the planner's queue with MessageSid sid.
static void
s_assert_tenant (sb_testworld_t *world, const char *sid, const char *tenant)
{
    char key [64];
    snprintf (key, sizeof key, "sms:twilio:%s", sid);
    zlistx_t *queue = s_stream (world, "sb:q:planner");
    size_t found = 0;
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (queue); env;
         env = (sb_envelope_t *) zlistx_next (queue))
        if (streq (sb_envelope_key (env), key)) {
            found++;
            assert_string_equal (sb_envelope_type (env), "sms.received");
            assert_string_equal (sb_envelope_tenant (env), tenant);
        }
    zlistx_destroy (&queue);
    if (found != 1)
        fail_msg ("%s is %zu times in sb:q:planner, not once", key, found);
}

static void
test_tenant_by_number (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_world_start (world, true);
    sb_testhttp_answer_t answer;
    s_sms (world, "SM00000000000000000000000000000003", S_ACME_NUMBER, S_TWILIO_TOKEN, &answer);
    S_EXPECT (&answer, 200, "<Response>");
    s_sms (world, "SM00000000000000000000000000000004", S_OTHER_NUMBER, S_TWILIO_TOKEN, &answer);
    S_EXPECT (&answer, 200, "<Response>");
    s_assert_tenant (world, "SM00000000000000000000000000000003", "acme");
    s_assert_tenant (world, "SM00000000000000000000000000000004", S_DEFAULT_TENANT);
}

//  --------------------------------------------------------------------------
//  8. The real agent-sync: the save's whole path, from the HTTP request to
//  the assistants on (the fake) Vapi and the report back

//  The value of field of the Redis hash key (caller frees), or NULL.
static char *
s_hash_field (sb_testworld_t *world, const char *key, const char *field)
{
    redisContext *redis = sb_testredis_connect (world->redis);
    assert_non_null (redis);
    redisReply *reply = (redisReply *) redisCommand (redis, "HGET %s %s", key, field);
    char *value = reply && reply->type == REDIS_REPLY_STRING? strdup (reply->str): NULL;
    freeReplyObject (reply);
    redisFree (redis);
    return value;
}

static void
test_real_agent_sync (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_store_start (world);
    char vapi_url [64], account_url [64];
    const char *vapi_args [] = { "--key", S_VAPI_KEY, NULL };
    const char *account_args [] = { "--account", S_ACCOUNT, "--token", S_SAVED_TOKEN, NULL };
    sb_testproc_t *vapi = sb_testfake_start (world->dir, world->programs [S_FAKE_VAPI],
                                             "fake_vapi", vapi_args, vapi_url, sizeof vapi_url);
    sb_testproc_t *account = sb_testfake_start (world->dir, world->programs [S_FAKE_ACCOUNT],
                                                "fake_twilio", account_args,
                                                account_url, sizeof account_url);
    assert_true (vapi && account);
    setenv ("CREDENTIALS_KEY", S_CREDENTIALS_KEY, 1);
    setenv ("VAPI_API_BASE", vapi_url, 1);
    setenv ("TWILIO_API_BASE", account_url, 1);
    s_agent_start (world, S_REAL_AGENT, "agent-sync");
    s_ingress_start (world, true);

    char json [S_BODY_MAX];
    sb_testhttp_answer_t answer;
    s_save_json (json, sizeof json, "acme", S_ACME_NUMBER);
    s_save (world, S_GLOBAL_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 200, NULL);
    json_t *first = s_report (&answer);
    assert_true (json_is_true (json_object_get (first, "success")));
    s_assert_string (first, "credentialsRef", "sb:cred:acme");
    s_assert_string (json_object_get (first, "agentActions"), "inbound", "created");
    const char *inbound = json_string_value (json_object_get (json_object_get (first, "agentIds"),
                                                              "inbound"));
    assert_true (inbound && *inbound);
    //  Saved again, unchanged: the same agents, nothing written on Vapi
    s_save (world, S_GLOBAL_TOKEN, NULL, json, &answer);
    S_EXPECT (&answer, 200, NULL);
    json_t *second = s_report (&answer);
    s_assert_string (json_object_get (second, "agentActions"), "inbound", "unchanged");
    s_assert_string (json_object_get (second, "agentIds"), "inbound", inbound);
    //  The secrets are sealed at rest, and not in the reports
    char *stored = s_hash_field (world, "sb:cred:acme", "twilio_auth_token");
    assert_non_null (stored);
    assert_null (strstr (stored, S_SAVED_TOKEN));
    assert_null (strstr (answer.body, S_SAVED_TOKEN));
    assert_null (strstr (answer.body, S_VAPI_KEY));
    free (stored);
    json_decref (first);
    json_decref (second);
    assert_int_equal (sb_testproc_stop (&vapi, 10000, "fake_vapi"), 0);
    assert_int_equal (sb_testproc_stop (&account, 10000, "fake_twilio"), 0);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_round_trip),
    SB_TESTWORLD_CASE (test_failure_report),
    SB_TESTWORLD_CASE (test_no_reply),
    SB_TESTWORLD_CASE (test_auth_and_input),
    SB_TESTWORLD_CASE (test_no_tokens),
    SB_TESTWORLD_CASE (test_concurrent),
    SB_TESTWORLD_CASE (test_metrics),
    SB_TESTWORLD_CASE (test_tenant_by_number),
    SB_TESTWORLD_CASE (test_real_agent_sync),
};

int
main (int argc, char *argv [])
{
    return sb_testhttp_run (argc, argv, S_PROGRAMS, "BROKER INGRESS STUB_AGENT_SYNC AGENT_SYNC "
                            "FAKE_VAPI FAKE_TWILIO [TEST]", s_tests,
                            sizeof s_tests / sizeof s_tests [0]);
}
