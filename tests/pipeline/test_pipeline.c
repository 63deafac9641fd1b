/*  test_pipeline.c — the conversation actors together (issue 6): a real
    redis-server seeded with the timesheet fixtures' tenants and entries,
    the real broker, and the planner, timesheet, branding and quality
    programs as processes. Each case publishes an inbound message as
    ingress would and waits for the reply quality approves, which the
    broker queues for the sender (sb:q:sender; no sender runs here): one
    approved reply per conversation, on the right channel and to the
    right person, saying what the demo data says.

    "Now" is the inbound message's created_ms: Friday 2026-02-20 15:00 UTC
    (London, where tenant acme lives), in the week of 16-22 February:
    Dana logged 8 hours Monday to Thursday and 4 + 4 (Acme, Beta) on
    Friday, 40 hours in all.

    Usage: test_pipeline BINDIR SEEDFILE [CASE]                              */

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include <hiredis/hiredis.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS     15000      //  the longest a reply may take to appear
#define S_NOW_MS      1771599600000LL    //  2026-02-20T15:00:00Z
#define S_DANA        "+15551234567"
#define S_ACME_NUMBER "+15557654321"
#define S_ACTORS      4

static const char *s_bindir, *s_seed;

typedef struct {
    sb_testredis_t *redis;
    redisContext *redis_client;
    sb_testproc_t *broker;
    sb_testproc_t *actors [S_ACTORS];
    sb_client_t *client;
    char endpoint [64];
    unsigned sequence;
} s_world_t;

static const char *s_services [S_ACTORS] = { "planner", "timesheet", "branding", "quality" };

//  Polls the broker's STATS (with a deadline) until every actor service
//  passes check. Returns 0, or -1 at the deadline.
typedef bool (s_check_fn) (const json_t *service);
static int
s_wait_services (s_world_t *world, s_check_fn *check)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        char err [256];
        json_t *stats = sb_client_request (world->client, "STATS", NULL, 1000, err, sizeof err);
        size_t passing = 0;
        for (size_t index = 0; stats && index < S_ACTORS; index++)
            passing += check (json_object_get (json_object_get (stats, "services"),
                                               s_services [index]));
        json_decref (stats);
        if (passing == S_ACTORS)
            return 0;
        zclock_sleep (20);      //  polling, with the deadline above
    }
    return -1;
}

//  A worker has said HELLO.
static bool
s_has_worker (const json_t *service)
{
    return json_integer_value (json_object_get (service, "workers")) > 0;
}

//  Nothing queued, delayed or in flight: the conversation has settled.
static bool
s_is_quiet (const json_t *service)
{
    const char *figures [] = { "queued", "pending", "delayed", "in_flight" };
    for (size_t index = 0; index < 4; index++)
        if (json_integer_value (json_object_get (service, figures [index])) != 0)
            return false;
    return service != NULL;
}

static int
s_setup (void **state)
{
    s_world_t *world = (s_world_t *) calloc (1, sizeof (s_world_t));
    world->redis = sb_testredis_new ("everysec");
    assert_non_null (world->redis);
    char command [1024];
    snprintf (command, sizeof command, "grep -v '^#' '%s' | redis-cli -p %d > /dev/null",
              s_seed, sb_testredis_port (world->redis));
    assert_int_equal (system (command), 0);
    world->redis_client = redisConnect ("127.0.0.1", sb_testredis_port (world->redis));
    assert_true (world->redis_client && !world->redis_client->err);
    snprintf (world->endpoint, sizeof world->endpoint, "tcp://127.0.0.1:%d", sb_testutil_free_port ());
    char path [512];
    snprintf (path, sizeof path, "%s/broker", s_bindir);
    char *broker [] = { path, "-e", world->endpoint, "-r", (char *) sb_testredis_url (world->redis),
                        "-n", "pipeline", NULL };
    world->broker = sb_testproc_new (broker);
    assert_non_null (world->broker);
    const char *names [S_ACTORS] = { "planner", "timesheet", "branding", "quality" };
    for (size_t index = 0; index < S_ACTORS; index++) {
        snprintf (path, sizeof path, "%s/%s", s_bindir, names [index]);
        char *argv [] = { path, "-b", world->endpoint, "-r", (char *) sb_testredis_url (world->redis),
                          NULL };
        world->actors [index] = sb_testproc_new (argv);
        assert_non_null (world->actors [index]);
    }
    char err [256];
    world->client = sb_client_new (world->endpoint, err, sizeof err);
    assert_non_null (world->client);
    assert_int_equal (s_wait_services (world, s_has_worker), 0);
    *state = world;
    return 0;
}

static int
s_teardown (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_client_destroy (&world->client);
    for (size_t index = 0; index < S_ACTORS; index++)
        sb_testproc_stop (&world->actors [index], 10000, "actor");
    sb_testproc_stop (&world->broker, 10000, "broker");
    redisFree (world->redis_client);
    sb_testredis_destroy (&world->redis);
    free (world);
    return 0;
}

//  Publishes an inbound message as ingress would (type sms.received or
//  whatsapp.received) from `from` with text; returns its corr (caller
//  frees).
static char *
s_publish (s_world_t *world, const char *channel, const char *from, const char *text)
{
    bool sms = streq (channel, "sms");
    char sid [64], id [SB_ID_LEN + 1];
    snprintf (sid, sizeof sid, "%s%032x", sms? "SM": "WA", ++world->sequence + (unsigned) getpid ());
    char *key = zsys_sprintf ("%s:%s", sms? "sms:twilio": "whatsapp:baileys", sid);
    json_t *body = sms
        ? json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "message_sid", sid,
                     "account_sid", "AC0123456789abcdef0123456789abcdef", "channel", "sms",
                     "from", from, "to", S_ACME_NUMBER, "text", text, "num_media", 0)
        : json_pack ("{s:s, s:s, s:s, s:s, s:s}", "message_id", sid, "channel", "whatsapp",
                     "from", from, "remote_jid", "15551234567@s.whatsapp.net", "text", text);
    sb_envelope_t *env = sb_envelope_new (sms? "sms.received": "whatsapp.received");
    sb_idgen_t *ids = sb_idgen_new ();
    sb_idgen_next (ids, S_NOW_MS, id);
    sb_idgen_destroy (&ids);
    sb_envelope_set_id (env, id);
    sb_envelope_set_key (env, key);
    sb_envelope_set_corr (env, key);
    sb_envelope_set_src (env, "ingress");
    sb_envelope_set_tenant (env, "acme");
    sb_envelope_set_created_ms (env, S_NOW_MS);
    sb_envelope_set_body (env, body);
    uint8_t *data = NULL;
    size_t size = 0;
    char err [256];
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), 0);
    sb_client_reply_t reply;
    assert_int_equal (sb_client_publish (world->client, data, size, 5000, &reply), 0);
    assert_int_equal (reply.outcome, SB_CLIENT_ACK);
    free (data);
    sb_envelope_destroy (&env);
    return key;
}

//  The approved replies of conversation corr queued for the sender, as
//  envelopes (caller destroys the list).
static void
s_envelope_destructor (void **item)
{
    sb_envelope_destroy ((sb_envelope_t **) item);
}

static zlistx_t *
s_approved (s_world_t *world, const char *corr)
{
    zlistx_t *found = zlistx_new ();
    zlistx_set_destructor (found, s_envelope_destructor);
    redisReply *reply = redisCommand (world->redis_client, "XRANGE sb:q:sender - +");
    assert_true (reply && reply->type == REDIS_REPLY_ARRAY);
    for (size_t entry = 0; entry < reply->elements; entry++) {
        redisReply *fields = reply->element [entry]->element [1];
        for (size_t index = 0; index + 1 < fields->elements; index += 2) {
            if (!streq (fields->element [index]->str, "e"))
                continue;
            char err [256];
            sb_envelope_t *env = sb_envelope_decode ((const uint8_t *) fields->element [index + 1]->str,
                                                     fields->element [index + 1]->len, NULL,
                                                     err, sizeof err);
            assert_non_null (env);
            if (streq (sb_envelope_corr (env), corr))
                zlistx_add_end (found, env);
            else
                sb_envelope_destroy (&env);
        }
    }
    freeReplyObject (reply);
    return found;
}

//  Waits for the one approved reply of corr and returns its body (caller
//  owns); fails the test if none comes, or more than one.
static json_t *
s_reply (s_world_t *world, const char *corr)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    zlistx_t *found = NULL;
    while (zclock_mono () < deadline) {
        found = s_approved (world, corr);
        if (zlistx_size (found))
            break;
        zlistx_destroy (&found);
        zclock_sleep (20);
    }
    if (!found)
        fail_msg ("no approved reply for %s within %d ms", corr, S_WAIT_MS);
    //  A second approval would come from work still under way: look again
    //  once the actors have nothing queued or in flight
    assert_int_equal (s_wait_services (world, s_is_quiet), 0);
    zlistx_destroy (&found);
    found = s_approved (world, corr);
    assert_int_equal (zlistx_size (found), 1);
    sb_envelope_t *env = (sb_envelope_t *) zlistx_first (found);
    assert_string_equal (sb_envelope_type (env), "quality.approved");
    assert_string_equal (sb_envelope_tenant (env), "acme");
    json_t *body = json_incref (sb_envelope_body (env));
    zlistx_destroy (&found);
    if (getenv ("SB_TEST_VERBOSE")) {
        char *text = json_dumps (body, JSON_INDENT (2));
        printf ("%s\n", text);
        free (text);
    }
    return body;
}

static const char *
s_text (const json_t *body)
{
    return json_string_value (json_object_get (body, "text"));
}

static const char *
s_conversation (const json_t *body, const char *field)
{
    return json_string_value (json_object_get (json_object_get (body, "conversation"), field));
}

//  Asks and returns the approved body (caller owns).
static json_t *
s_ask (s_world_t *world, const char *channel, const char *from, const char *text)
{
    char *corr = s_publish (world, channel, from, text);
    json_t *body = s_reply (world, corr);
    zstr_free (&corr);
    return body;
}

static void
s_assert_contains (const char *text, const char *part)
{
    if (!text || !strstr (text, part))
        fail_msg ("'%s' does not contain '%s'", text? text: "(null)", part);
}

//  Asks Dana's question on channel and checks the reply's envelope: the
//  intent understood, the channel and recipient, the checks quality ran.
static json_t *
s_ask_dana (s_world_t *world, const char *channel, const char *text, const char *intent)
{
    json_t *body = s_ask (world, channel, S_DANA, text);
    assert_string_equal (s_conversation (body, "intent"), intent);
    assert_string_equal (s_conversation (body, "channel"), channel);
    assert_string_equal (s_conversation (body, "employee_phone"), S_DANA);
    //  Every check ran (segment_budget only for SMS)
    const json_t *checks = json_object_get (body, "checks");
    assert_int_equal (json_array_size (checks), streq (channel, "sms")? 6: 5);
    bool hours_checked = false;
    size_t index;
    json_t *check;
    json_array_foreach (checks, index, check)
        hours_checked |= streq (json_string_value (check), "hours_match");
    assert_true (hours_checked);
    return body;
}

//  With their defaults (rules, the Redis backend) all four actors run
//  their handlers inline: no threads but the main one and ZeroMQ's.
static void
test_inline_by_default (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    for (size_t index = 0; index < S_ACTORS; index++)
        if (sb_testproc_own_threads (sb_testproc_pid (world->actors [index])) != 0)
            fail_msg ("%s runs %d threads of its own, expected none (inline)",
                      s_services [index],
                      sb_testproc_own_threads (sb_testproc_pid (world->actors [index])));
}

static void
test_check_hours (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    json_t *body = s_ask_dana (world, "sms", "how many hours this week?", "check_hours");
    s_assert_contains (s_text (body), "Dana");
    s_assert_contains (s_text (body), "40 hours");
    s_assert_contains (s_text (body), "Acme 36 hours");
    s_assert_contains (s_text (body), "Beta 4 hours");
    s_assert_contains (s_text (body), "32 hours expected");
    s_assert_contains (s_text (body), "Acme HR");         //  the tenant's sign-off
    assert_string_equal (json_string_value (json_object_get (body, "encoding")), "gsm7");
    assert_true (json_integer_value (json_object_get (body, "segments")) <= 3);
    assert_int_equal (json_integer_value (json_object_get (body, "round")), 0);
    json_decref (body);
}

static void
test_periods (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    json_t *body = s_ask_dana (world, "sms", "how many hours yesterday?", "check_hours");
    s_assert_contains (s_text (body), "8 hours logged yesterday");
    json_decref (body);
    body = s_ask_dana (world, "sms", "hours last week", "check_hours");
    s_assert_contains (s_text (body), "32 hours");
    s_assert_contains (s_text (body), "Wed 11 February");   //  the day with no hours
    json_decref (body);
    body = s_ask_dana (world, "sms", "what am I missing?", "missing_hours");
    s_assert_contains (s_text (body), "nothing is missing this week");
    json_decref (body);
}

//  What is logged is there for the next question.
static void
test_log_then_check (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    json_t *body = s_ask_dana (world, "sms", "log 7.5h on Acme yesterday", "log_hours");
    s_assert_contains (s_text (body), "7.5 hours on Acme for Thu 19 February");
    json_decref (body);
    body = s_ask_dana (world, "sms", "how many hours yesterday?", "check_hours");
    s_assert_contains (s_text (body), "15.5 hours logged yesterday");
    json_decref (body);
    body = s_ask_dana (world, "sms", "submit my week", "submit_week");
    s_assert_contains (s_text (body), "week of Mon 16 February is submitted");
    s_assert_contains (s_text (body), "47.5 hours");
    json_decref (body);
}

static void
test_conversational (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    json_t *body = s_ask_dana (world, "sms", "hello", "greeting");
    s_assert_contains (s_text (body), "Hi Dana");
    json_decref (body);
    body = s_ask_dana (world, "sms", "help", "help");
    s_assert_contains (s_text (body), "submit my week");
    json_decref (body);
    body = s_ask_dana (world, "sms", "blah blah", "unknown");
    s_assert_contains (s_text (body), "did not understand");
    json_decref (body);
}

//  A number in no directory: one polite reply, nothing about anyone.
static void
test_not_registered (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    json_t *body = s_ask (world, "sms", "+15559999999", "how many hours this week?");
    s_assert_contains (s_text (body), "not registered");
    assert_null (strstr (s_text (body), "Dana"));
    assert_null (strstr (s_text (body), "Acme"));        //  not even who signs
    assert_null (strstr (s_text (body), "hours logged"));
    assert_null (json_object_get (body, "timesheet"));
    json_decref (body);
}

//  A follow-up on WhatsApp continues an SMS conversation: memory belongs
//  to the employee, and the reply goes back on the channel asked on.
static void
test_followup_across_channels (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    json_t *body = s_ask_dana (world, "sms", "how many hours this week?", "check_hours");
    json_decref (body);
    body = s_ask_dana (world, "whatsapp", "and last week?", "check_hours");
    s_assert_contains (s_text (body), "32 hours");
    s_assert_contains (s_text (body), "Wed 11 February");
    json_decref (body);
    body = s_ask_dana (world, "whatsapp", "how many hours this week?", "check_hours");
    s_assert_contains (s_text (body), "*40 hours*");      //  WhatsApp's bold
    json_decref (body);
}

//  A draft quality rejects is refined once, then approved: the tenant
//  denies the word "Beta", which the first draft names as a project.
static void
test_refinement (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    redisReply *reply = redisCommand (world->redis_client, "HSET sb:tenant:acme deny_list Beta");
    assert_true (reply && reply->type == REDIS_REPLY_INTEGER);
    freeReplyObject (reply);
    json_t *body = s_ask_dana (world, "sms", "how many hours this week?", "check_hours");
    assert_int_equal (json_integer_value (json_object_get (body, "round")), 1);
    assert_false (json_is_true (json_object_get (body, "fallback")));
    assert_null (strstr (s_text (body), "Beta"));
    s_assert_contains (s_text (body), "40 hours");
    json_decref (body);
}

int
main (int argc, char *argv [])
{
    if (argc < 3) {
        fprintf (stderr, "usage: test_pipeline BINDIR SEEDFILE [CASE]\n");
        return 2;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_pipeline: SKIP: no redis-server in PATH\n");
        return 77;
    }
    s_bindir = argv [1];
    s_seed = argv [2];
    if (argc > 3)
        cmocka_set_test_filter (argv [3]);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_inline_by_default, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_check_hours, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_periods, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_log_then_check, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_conversational, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_not_registered, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_followup_across_channels, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_refinement, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
