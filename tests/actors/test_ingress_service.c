/*  test_ingress_service.c — ingress's integration tests (actors/ingress/),
    the service around the SMS webhook: the WhatsApp gateway's webhook,
    the other endpoints, the broker or its Redis going away and coming
    back, and the command line. The ingress program runs as a real
    process, in front of a real broker and a private redis-server; this
    test is Twilio and the gateway over libcurl (tests/support/
    sb_testingress). What was published is read back from the broker's
    queues in Redis.

    Each test starts its own world (sb_testworld) and synchronises by
    polling with a deadline (the broker's STATS, ingress's /health and
    /ready, a process's exit); it never sleeps for a fixed time.

    Usage: test_ingress_service BROKER INGRESS [TEST]   (paths of the
    programs, which CTest passes; TEST runs only the tests whose names
    match). Exits 77 (skipped) without redis-server.                       */

#include "sb_classes.h"
#include "sb_testingress.h"
#include "sb_testutil.h"
#include <setjmp.h>
#include <cmocka.h>

#define S_TOKEN         SB_TESTINGRESS_TOKEN
#define S_HTTP_MS       SB_TESTTWILIO_HTTP_MS
#define S_EXIT_CONFIG   78      //  ingress: bad config or port in use
#define S_FAILURE_BOUND 2000    //  503 must come within this, in ms

#define S_EXPECT(answer, status, text) \
    assert_int_equal (sb_testhttp_expect (answer, status, text), 0)

//  Sends method path (body: POST's) to ingress and asserts the answer's
//  status and, unless NULL, a text its body holds.
static void
s_expect (sb_testworld_t *world, const char *method, const char *path, const char *body,
          long status, const char *text)
{
    sb_testhttp_request_t request = { method, path, NULL, body };
    sb_testhttp_answer_t answer;
    sb_testhttp_send (world->port, &request, S_HTTP_MS, &answer);
    S_EXPECT (&answer, status, text);
}

//  Posts a new signed SMS; its MessageSid in sid, its parameters in params.
static void
s_post_sms (sb_testworld_t *world, char sid [SB_TESTINGRESS_SID_SIZE],
            sb_testtwilio_params_t *params, sb_testhttp_answer_t *answer)
{
    sb_testingress_new_sid (world, sid);
    sb_testingress_sms (params, sid);
    sb_testingress_post (world, "/webhook/sms", NULL, params, answer);
}

//  Asserts a 503 that came within S_FAILURE_BOUND.
static void
s_expect_quick_503 (const sb_testhttp_answer_t *answer, const char *text)
{
    S_EXPECT (answer, 503, text);
    if (answer->elapsed_ms >= S_FAILURE_BOUND)
        fail_msg ("503 came after %" PRId64 " ms with --publish-timeout %s", answer->elapsed_ms,
                  SB_TESTINGRESS_PUBLISH_MS);
}

//  --------------------------------------------------------------------------
//  1. WhatsApp: one whatsapp.received per text message, keyed by the
//     gateway's message id, behind X-Internal-Secret; a bad message
//     refuses the whole request and publishes none of it.

static void
s_post_whatsapp (sb_testworld_t *world, const char *secret, const char *type, const char *json,
                 sb_testhttp_answer_t *answer)
{
    char secret_header [128], type_header [128];
    snprintf (secret_header, sizeof secret_header, "X-Internal-Secret: %s", secret);
    snprintf (type_header, sizeof type_header, "Content-Type: %s", type);
    const char *headers [] = { type_header, secret? secret_header: NULL, NULL };
    sb_testhttp_request_t request = { "POST", "/webhook/whatsapp/incoming", headers, json };
    sb_testhttp_send (world->port, &request, S_HTTP_MS, answer);
}

static void
test_whatsapp (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testingress_world (world, S_TOKEN), 0);
    const char *secret = SB_TESTINGRESS_SECRET;
    sb_testhttp_answer_t answer;
    const char *batch =
        "{\"tenantId\":\"acme\",\"payload\":{\"messages\":["
        "{\"key\":{\"id\":\"WA1\",\"remoteJid\":\"972501234567@s.whatsapp.net\"},"
        "\"pushName\":\"Dana\",\"messageTimestamp\":1772787599,"
        "\"message\":{\"conversation\":\"how many hours this week?\"}},"
        "{\"key\":{\"id\":\"WA2\",\"remoteJid\":\"972501234567@s.whatsapp.net\"},"
        "\"message\":{\"imageMessage\":{}}}]}}";
    s_post_whatsapp (world, secret, "application/json", batch, &answer);
    S_EXPECT (&answer, 200, NULL);
    sb_envelope_t *env = NULL;
    assert_int_equal (sb_testingress_stored (world, "whatsapp:baileys:WA1", &env), 1);
    assert_non_null (env);
    assert_string_equal (sb_envelope_type (env), "whatsapp.received");
    assert_string_equal (sb_envelope_tenant (env), "acme");
    json_t *body = sb_envelope_body (env);
    assert_string_equal (json_string_value (json_object_get (body, "from")), "+972501234567");
    assert_string_equal (json_string_value (json_object_get (body, "text")),
                         "how many hours this week?");
    assert_int_equal (json_integer_value (json_object_get (body, "sent_at_ms")), 1772787599000LL);
    sb_envelope_destroy (&env);
    //  No text: not for us
    assert_int_equal (sb_testingress_stored (world, "whatsapp:baileys:WA2", NULL), 0);

    //  The gateway's redelivery: answered 200, processed once
    s_post_whatsapp (world, secret, "application/json", batch, &answer);
    S_EXPECT (&answer, 200, NULL);
    assert_int_equal (sb_testingress_stored (world, "whatsapp:baileys:WA1", NULL), 1);

    s_post_whatsapp (world, "wrong", "application/json", batch, &answer);
    S_EXPECT (&answer, 401, NULL);
    s_post_whatsapp (world, NULL, "application/json", batch, &answer);
    S_EXPECT (&answer, 401, NULL);
    s_post_whatsapp (world, secret, "text/plain", batch, &answer);
    S_EXPECT (&answer, 400, NULL);
    s_post_whatsapp (world, secret, "application/json", "{\"tenantId\":", &answer);
    S_EXPECT (&answer, 400, "malformed JSON");
    s_post_whatsapp (world, secret, "application/json", "{\"payload\":{\"messages\":[]}}",
                     &answer);
    S_EXPECT (&answer, 400, "tenantId");
    s_post_whatsapp (world, secret, "application/json",
                     "{\"tenantId\":\"acme\",\"payload\":{\"messages\":[]}}", &answer);
    S_EXPECT (&answer, 200, NULL);   //  an empty batch is a valid no-op

    //  A group chat id in the second message: nothing of the batch is published
    s_post_whatsapp (world, secret, "application/json",
        "{\"tenantId\":\"acme\",\"payload\":{\"messages\":["
        "{\"key\":{\"id\":\"WA3\",\"remoteJid\":\"972501234567@s.whatsapp.net\"},"
        "\"message\":{\"conversation\":\"hi\"}},"
        "{\"key\":{\"id\":\"WA4\",\"remoteJid\":\"1203630@g.us\"},"
        "\"message\":{\"conversation\":\"hi all\"}}]}}", &answer);
    S_EXPECT (&answer, 400, "remoteJid");
    assert_int_equal (sb_testingress_stored (world, "whatsapp:baileys:WA3", NULL), 0);

    //  A timestamp that is no Unix seconds (its milliseconds would overflow)
    s_post_whatsapp (world, secret, "application/json",
        "{\"tenantId\":\"acme\",\"payload\":{\"messages\":["
        "{\"key\":{\"id\":\"WA5\",\"remoteJid\":\"972501234567@s.whatsapp.net\"},"
        "\"message\":{\"conversation\":\"hi\"},"
        "\"messageTimestamp\":1772787601772787600}]}}", &answer);
    S_EXPECT (&answer, 400, "messageTimestamp");
    assert_int_equal (sb_testingress_stored (world, "whatsapp:baileys:WA5", NULL), 0);
}

//  --------------------------------------------------------------------------
//  2. The other endpoints, unknown paths and wrong methods

static void
test_endpoints (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testingress_world (world, S_TOKEN), 0);
    s_expect (world, "GET", "/health", NULL, 200, "ok");
    s_expect (world, "GET", "/ready", NULL, 200, "ready");
    s_expect (world, "GET", "/nowhere", NULL, 404, NULL);
    s_expect (world, "POST", "/webhook/sms/extra", "a=b", 404, NULL);
    s_expect (world, "GET", "/webhook/sms", NULL, 405, NULL);
    s_expect (world, "PUT", "/webhook/sms", NULL, 405, NULL);
    s_expect (world, "POST", "/health", "a=b", 405, NULL);
    s_expect (world, "DELETE", "/ready", NULL, 405, NULL);
    assert_int_equal (sb_testingress_queued (world), 0);
}

//  --------------------------------------------------------------------------
//  3. The broker killed: 503 quickly, /ready 503; back: 200 and stored

static void
test_broker_down (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testingress_world (world, S_TOKEN), 0);
    char sid [SB_TESTINGRESS_SID_SIZE];
    sb_testtwilio_params_t params;
    sb_testhttp_answer_t answer;
    s_post_sms (world, sid, &params, &answer);
    assert_int_equal (sb_testingress_expect_twiml (&answer), 0);

    assert_int_equal (sb_testworld_broker_kill (world, 0), 0);

    //  Refused within about the publish timeout (500 ms), not hanging
    s_post_sms (world, sid, &params, &answer);
    s_expect_quick_503 (&answer, "broker");
    s_expect (world, "GET", "/ready", NULL, 503, NULL);
    s_expect (world, "GET", "/health", NULL, 200, NULL);

    //  Back on the same endpoint: ready again, and Twilio's retry of the
    //  refused message is accepted and stored, once
    assert_int_equal (sb_testworld_broker_restart (world, 0), 0);
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    do
        sb_testhttp_get (world->port, "/ready", S_HTTP_MS, &answer);
    while (answer.status != 200 && zclock_mono () < deadline);
    S_EXPECT (&answer, 200, "ready");
    sb_testingress_post (world, "/webhook/sms", NULL, &params, &answer);
    assert_int_equal (sb_testingress_expect_twiml (&answer), 0);
    assert_int_equal (sb_testingress_expect_stored_once (world, sid), 0);
    assert_int_equal (sb_testingress_queued (world), 2);
    assert_int_equal (sb_testproc_wait (world->server, 0, NULL), -1);   //  the same process
}

//  --------------------------------------------------------------------------
//  4. Redis killed behind a running broker: 503 quickly, /ready 503; back:
//     200 and stored, and what was stored before is still there

static void
test_storage_down (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testingress_world (world, S_TOKEN), 0);
    char first [SB_TESTINGRESS_SID_SIZE], sid [SB_TESTINGRESS_SID_SIZE];
    sb_testtwilio_params_t params;
    sb_testhttp_answer_t answer;
    s_post_sms (world, first, &params, &answer);
    assert_int_equal (sb_testingress_expect_twiml (&answer), 0);

    assert_int_equal (sb_testredis_kill (world->redis), 0);
    s_post_sms (world, sid, &params, &answer);
    s_expect_quick_503 (&answer, NULL);
    //  The broker knows its storage is down, and says so: not ready
    s_expect (world, "GET", "/ready", NULL, 503, NULL);

    assert_int_equal (sb_testredis_restart (world->redis), 0);
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    do
        sb_testingress_post (world, "/webhook/sms", NULL, &params, &answer);
    while (answer.status == 503 && zclock_mono () < deadline);
    assert_int_equal (sb_testingress_expect_twiml (&answer), 0);
    assert_int_equal (sb_testingress_expect_stored_once (world, sid), 0);
    assert_int_equal (sb_testingress_expect_stored_once (world, first), 0);
    s_expect (world, "GET", "/ready", NULL, 200, "ready");
}

//  --------------------------------------------------------------------------
//  5. The command line: --help, a bad value, a port in use

//  Runs ingress with argv (after the program's name) to its end; returns
//  its exit status, its output in output.
static int
s_run (sb_testworld_t *world, char *const *args, char *output, size_t size)
{
    char path [SB_TESTWORLD_PATH_MAX];
    char *argv [8] = { world->programs [SB_TESTINGRESS_PROGRAM] };
    for (size_t index = 0; args [index]; index++) {
        assert_true (index + 2 < sizeof argv / sizeof argv [0]);
        argv [index + 1] = args [index];
    }
    assert_int_equal (sb_testworld_path (world, "output.txt", path, sizeof path), 0);
    return sb_testproc_run (argv, path, output, size, SB_TESTWORLD_STOP_MS);
}

static void
test_command_line (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    char output [4096], config [SB_TESTWORLD_PATH_MAX];
    char *help [] = { "--help", NULL };
    assert_int_equal (s_run (world, help, output, sizeof output), 0);
    assert_non_null (strstr (output, "Usage: ingress"));

    //  A bad value on the command line, and in the config file: 78,
    //  naming the key
    char *flag [] = { "-p", "0", "--max-body", "12", NULL };
    assert_int_equal (s_run (world, flag, output, sizeof output), S_EXIT_CONFIG);
    if (!strstr (output, "max-body"))
        fail_msg ("the error does not name max-body: %s", output);
    assert_int_equal (sb_testworld_write (world, "ingress.zpl",
                                          "ingress\n    port = 0\n    publish-timeout = soon\n",
                                          config, sizeof config), 0);
    char *from_file [] = { "-c", config, NULL };
    assert_int_equal (s_run (world, from_file, output, sizeof output), S_EXIT_CONFIG);
    if (!strstr (output, "ingress/publish-timeout"))
        fail_msg ("the error does not name ingress/publish-timeout: %s", output);

    //  A port in use
    int busy = 0;
    int listener = sb_testutil_listen (&busy);
    assert_true (listener >= 0);
    char port [16];
    snprintf (port, sizeof port, "%d", busy);
    char *taken [] = { "-p", port, "-b", "tcp://127.0.0.1:1", NULL };
    int status = s_run (world, taken, output, sizeof output);
    close (listener);
    if (status != S_EXIT_CONFIG)
        fail_msg ("ingress on a port in use exited %d, not %d: %s", status, S_EXIT_CONFIG,
                  output);
    assert_non_null (strstr (output, port));
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_whatsapp),
    SB_TESTWORLD_CASE (test_endpoints),
    SB_TESTWORLD_CASE (test_broker_down),
    SB_TESTWORLD_CASE (test_storage_down),
    SB_TESTWORLD_CASE (test_command_line),
};

int
main (int argc, char *argv [])
{
    return sb_testhttp_run (argc, argv, 2, "BROKER INGRESS [TEST]", s_tests,
                            sizeof s_tests / sizeof s_tests [0]);
}
