/*  test_broker_delivery.c — the broker's integration tests, delivery: a
    real broker process (brokers/broker_main.c) on a private redis-server,
    with the test programs testworker and testpublish, driven as a user
    would drive them: processes, sockets, Redis. What PUBLISH answers,
    delivery end to end, retries into the dead-letter queue and back,
    deadlines, not_before, back-pressure, fan-out, STATS. Each test fails
    if the guarantee it names is broken; each synchronises by polling with
    a deadline (the one sleep, in the deadline test, is a scenario step:
    time passing).

    The broker runs with short timings (sb_testworld_broker_quick) so that
    dead workers and retries are noticed within a second.

    Usage: test_broker_delivery BROKER TESTWORKER TESTPUBLISH [TEST]
    (paths of the three programs; CTest passes them). Exits 77 (skipped)
    without redis-server.                                                   */

#include "sb_classes.h"
#include "sb_testecho.h"
#include "sb_testsink.h"
#include <sys/wait.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WORKER     1           //  testworker's path in the world's programs
#define S_PUBLISHER  2           //  testpublish's
#define S_LEASE_MS   2000
#define S_WAIT_MS    SB_TESTWORLD_WAIT_MS
#define S_REPLY_MS   SB_TESTWORLD_REPLY_MS

//  Starts broker-a with the short timings, broker_extra and routes.
static void
s_broker_start (sb_testworld_t *world, const char *broker_extra, const char *routes)
{
    assert_int_equal (sb_testworld_broker_quick (world, 0, S_LEASE_MS, broker_extra, routes), 0);
}

//  Starts a testworker for service on broker-a; the world stops it.
static sb_testproc_t *
s_worker_start (sb_testworld_t *world, const char *service, const char *instance,
                const char *capacity)
{
    sb_testproc_t *worker = sb_testworld_worker (world, world->programs [S_WORKER], 0, service,
                                                 instance, capacity);
    assert_non_null (worker);
    return worker;
}

//  Publishes an echo.request with text to broker-a and asserts it is
//  ACKed with its id.
static void
s_publish_text (sb_testworld_t *world, const char *key, const char *text,
                int64_t not_before_ms, int64_t deadline_ms, char id [SB_ID_LEN + 1])
{
    assert_int_equal (sb_testecho_publish (world, 0, key, text, not_before_ms, deadline_ms, id),
                      0);
}

//  Publishes one envelope of type with body (taken) to broker-a; its reply
//  in *reply, its id in id.
static void
s_publish (sb_testworld_t *world, const char *type, const char *key, json_t *body,
           char id [SB_ID_LEN + 1], sb_client_reply_t *reply)
{
    sb_testmsg_t msg = { .type = type, .key = key };
    assert_int_equal (sb_testmsg_publish (sb_testworld_client (world, 0), world->ids, &msg, body,
                                          S_REPLY_MS, id, reply), 0);
}

//  The id of the echo.reply the echo worker emits for request id.
static void
s_reply_id (const char *request_id, char reply_id [SB_ID_LEN + 1])
{
    assert_int_equal (sb_id_derive (request_id, 0, reply_id), 0);
}

//  --------------------------------------------------------------------------
//  1. PUBLISH: ACK, DUP, NACK; malformed messages get ERROR and change nothing

//  Sends frames on a raw DEALER and returns the reply's command, or "" on
//  time-out or a reply without the SBP1 header.
static void
s_raw_exchange (zsock_t *dealer, const char *const *frames, size_t count,
                char command [SB_PROTO_COMMAND_MAX + 1])
{
    zmsg_t *msg = zmsg_new ();
    for (size_t index = 0; index < count; index++)
        zmsg_addstr (msg, frames [index]);
    assert_int_equal (zmsg_send (&msg, dealer), 0);
    zpoller_t *poller = zpoller_new (dealer, NULL);
    zmsg_t *reply = zpoller_wait (poller, S_REPLY_MS)? zmsg_recv (dealer): NULL;
    char err [256];
    if (!reply || sb_proto_parse (reply, command, err, sizeof err))
        command [0] = 0;
    zmsg_destroy (&reply);
    zpoller_destroy (&poller);
}

//  Asserts that a NACK came with code, its reason naming what.
static void
s_assert_nack (const sb_client_reply_t *reply, const char *code, const char *what)
{
    assert_int_equal (reply->outcome, SB_CLIENT_NACK);
    assert_string_equal (reply->code, code);
    assert_non_null (strstr (reply->reason, what));
}

static void
test_publish_replies (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    //  echo.reply routed to no service: its publishes must be refused
    s_broker_start (world, NULL, "    echo.reply = \"\"\n");
    char first [SB_ID_LEN + 1], second [SB_ID_LEN + 1];
    sb_client_reply_t reply;
    s_publish (world, "echo.request", "same-key", json_pack ("{s:s}", "text", "hi"), first,
               &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_ACK);
    assert_string_equal (reply.id, first);

    //  Same key, new id: a duplicate, answered with the first id
    s_publish (world, "echo.request", "same-key", json_pack ("{s:s}", "text", "hi"), second,
               &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_DUP);
    assert_string_equal (reply.id, first);
    assert_string_not_equal (second, first);

    //  Schema failures name the field
    s_publish (world, "echo.request", "no-text", json_pack ("{s:s}", "txt", "hi"), second,
               &reply);
    s_assert_nack (&reply, "invalid", "body.text");
    s_publish (world, "echo.request", "int-text", json_pack ("{s:i}", "text", 5), second,
               &reply);
    s_assert_nack (&reply, "invalid", "body.text");

    //  A known type routed nowhere, and a type no schema defines
    s_publish (world, "echo.reply", "unrouted",
               json_pack ("{s:s, s:i}", "text", "hi", "echoed_at_ms", 1), second, &reply);
    s_assert_nack (&reply, "unknown-type", "echo.reply");
    s_publish (world, "echo.unknown", "unknown", json_pack ("{s:s}", "text", "hi"), second,
               &reply);
    s_assert_nack (&reply, "unknown-type", "echo.unknown");

    //  Malformed messages: each answered, none fatal
    const struct {
        const char *frames [4];
        size_t count;
        const char *answer;
    } cases [] = {
        { { "HELLO" }, 1, SB_PROTO_ERROR },                          //  no header
        { { "SBP2", "STATS" }, 2, SB_PROTO_ERROR },                  //  wrong version
        { { "SBP1" }, 1, SB_PROTO_ERROR },                           //  no command
        { { "SBP1", "FROB" }, 2, SB_PROTO_ERROR },                   //  unknown command
        { { "SBP1", "PUBLISH" }, 2, SB_PROTO_ERROR },                //  no token
        { { "SBP1", "PUBLISH", "t1" }, 3, SB_PROTO_ERROR },          //  no envelope
        { { "SBP1", "PUBLISH", "t2", "\xc1 not msgpack" }, 4, SB_PROTO_NACK },
        { { "SBP1", "HELLO", "\xc1 not msgpack" }, 3, SB_PROTO_ERROR },
        { { "SBP1", "DONE", "echo/1-0/1" }, 3, SB_PROTO_ERROR },     //  no HELLO first
        { { "SBP1", "DLQ-LIST", "many" }, 3, SB_PROTO_ERROR },
        { { "SBP1", "DLQ-REPLAY" }, 2, SB_PROTO_ERROR },
    };
    zsock_t *dealer = zsock_new_dealer (world->brokers [0].endpoint);
    assert_non_null (dealer);
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char command [SB_PROTO_COMMAND_MAX + 1];
        s_raw_exchange (dealer, cases [index].frames, cases [index].count, command);
        if (!streq (command, cases [index].answer))
            fail_msg ("case %zu (%s %s): answered '%s', not %s", index, cases [index].frames [0],
                      cases [index].count > 1? cases [index].frames [1]: "", command,
                      cases [index].answer);
    }
    zsock_destroy (&dealer);

    //  Still working, nothing stored by any of it, and it was all counted
    s_publish_text (world, "after-garbage", "ok", 0, 0, second);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_non_null (stats);
    assert_int_equal (json_integer_value (json_object_get (stats, "published")), 2);
    assert_int_equal (json_integer_value (json_object_get (stats, "duplicates")), 1);
    assert_int_equal (json_integer_value (json_object_get (stats, "backlog")), 2);
    assert_true (json_integer_value (json_object_get (stats, "malformed")) >= 5);
    json_decref (stats);
    assert_int_equal (sb_testproc_wait (world->brokers [0].process, 0, NULL), -1);
}

//  --------------------------------------------------------------------------
//  2. End to end: every request's reply reaches the sink exactly once

static void
test_end_to_end (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, NULL, NULL);
    assert_int_equal (sb_testecho_workers (world, world->programs [S_WORKER], 0, 1), 0);
    //  testpublish, as a user would run it; a second run with the same
    //  keys must store nothing new
    for (int run = 0; run < 2; run++) {
        char *argv [] = { world->programs [S_PUBLISHER], world->brokers [0].endpoint,
                          "50", "ok", "e2e", "--window", "10", NULL };
        sb_testproc_t *publisher = sb_testproc_new (argv);
        assert_non_null (publisher);
        int status = -1;
        assert_int_equal (sb_testproc_wait (publisher, S_WAIT_MS, &status), 0);
        sb_testproc_destroy (&publisher);
        assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
        assert_true (sb_testworld_wait_drained (world, 0));
    }
    sb_testsink_t sink;
    sb_testsink_read (world->sink, &sink);
    assert_int_equal (sb_testsink_distinct (&sink, "echo.reply"), 50);
    assert_int_equal (sink.count, 50);   //  each exactly once
    for (size_t index = 0; index < sink.count; index++) {
        assert_string_equal (sink.lines [index].type, "echo.reply");
        assert_string_equal (sink.lines [index].text, "ok");
    }
    sb_testsink_free (&sink);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_int_equal (json_integer_value (json_object_get (stats, "published")), 50);
    assert_int_equal (json_integer_value (json_object_get (stats, "duplicates")), 50);
    assert_int_equal (sb_testworld_figure (stats, "echo", "completed"), 50);
    assert_int_equal (sb_testworld_figure (stats, "echo-sink", "completed"), 50);
    json_decref (stats);
}

//  Work is fetched when it is stored, not when a poll comes round: with
//  the poll at its longest (60 s), a request and the reply its worker
//  emits each reach their service at once (the round that stores a
//  publish or a DONE's outputs fetches them for their services)
static void
test_fetched_when_stored (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_broker_start (world, 0,
        "broker\n"
        "    heartbeat = 100\n"
        "    poll = 60000\n"
        "services\n"
        "    default\n"
        "        lease = 2000\n"), 0);
    assert_int_equal (sb_testecho_workers (world, world->programs [S_WORKER], 0, 1), 0);
    //  The first request may still meet the workers' fetch on HELLO; the
    //  later ones, and every reply, only the fetch of the round storing them
    char id [SB_ID_LEN + 1];
    for (int count = 0; count < 3; count++) {
        char key [32];
        snprintf (key, sizeof key, "stored-%d", count);
        s_publish_text (world, key, "ok", 0, 0, id);
        assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", (size_t) count + 1,
                                            S_WAIT_MS), count + 1);
    }
}

//  --------------------------------------------------------------------------
//  3. Retries run out into the dead-letter queue; replay brings them back

//  The dead letter for envelope id in a DLQ-LIST reply, other than the
//  entry named stale (one replayed since); NULL if none.
static json_t *
s_dlq_entry (json_t *entries, const char *id, const char *stale)
{
    size_t index;
    json_t *entry;
    json_array_foreach (entries, index, entry) {
        const char *entry_id = json_string_value (json_object_get (entry, "entry"));
        if (streq (json_string_value (json_object_get (entry, "id")), id)
        &&  !(stale && entry_id && streq (entry_id, stale)))
            return entry;
    }
    return NULL;
}

//  Polls DLQ-LIST until it holds a fresh dead letter (see s_dlq_entry)
//  for first and, unless NULL, for second. Returns the list (caller
//  owns), or NULL at the deadline.
static json_t *
s_dlq_wait (sb_testworld_t *world, const char *first, const char *first_stale,
            const char *second, const char *second_stale)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *entries = sb_testworld_request (world, 0, SB_PROTO_DLQ_LIST, "100", S_REPLY_MS);
        if (s_dlq_entry (entries, first, first_stale)
        &&  (!second || s_dlq_entry (entries, second, second_stale)))
            return entries;
        json_decref (entries);
        zclock_sleep (10);
    }
    return NULL;
}

//  A copy of a dead letter's entry id.
static char *
s_entry_id (json_t *entry)
{
    const char *value = json_string_value (json_object_get (entry, "entry"));
    assert_non_null (value);
    return strdup (value);
}

//  Replays entry (an entry id, or "all") and asserts how many were.
static void
s_replay (sb_testworld_t *world, const char *entry, json_int_t count)
{
    json_t *replayed = sb_testworld_request (world, 0, SB_PROTO_DLQ_REPLAY, entry, S_REPLY_MS);
    assert_int_equal (json_integer_value (replayed), count);
    json_decref (replayed);
}

//  Checks a dead letter: its attempts, how many errors it lists, and a
//  word its reason must hold.
static void
s_assert_dead_letter (json_t *entry, json_int_t attempts, size_t errors, const char *reason)
{
    assert_non_null (entry);
    assert_string_equal (json_string_value (json_object_get (entry, "service")), "echo");
    assert_int_equal (json_integer_value (json_object_get (entry, "attempts")), attempts);
    assert_int_equal (json_array_size (json_object_get (entry, "errors")), errors);
    const char *text = json_string_value (json_object_get (entry, "reason"));
    assert_non_null (text);
    if (!strstr (text, reason))
        fail_msg ("reason '%s' does not say '%s'", text, reason);
    assert_true (json_is_object (json_object_get (entry, "envelope")));
}

//  Asserts that entries holds two dead letters: retry's after its three
//  attempts, and fail's after its one.
static void
s_assert_both_dead (json_t *entries, const char *retry, const char *fail)
{
    assert_non_null (entries);
    assert_int_equal (json_array_size (entries), 2);
    s_assert_dead_letter (s_dlq_entry (entries, retry, NULL), 3, 3, "exhausted");
    s_assert_dead_letter (s_dlq_entry (entries, fail, NULL), 1, 1, "asked to fail");
}

static void
test_dead_letters (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, NULL, NULL);
    s_worker_start (world, "echo", "e1", "10");
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
    char retry [SB_ID_LEN + 1], fail [SB_ID_LEN + 1];
    s_publish_text (world, "retry", "retry", 0, 0, retry);
    s_publish_text (world, "fail", "fail", 0, 0, fail);

    json_t *entries = s_dlq_wait (world, retry, NULL, fail, NULL);
    s_assert_both_dead (entries, retry, fail);
    char *retry_entry = s_entry_id (s_dlq_entry (entries, retry, NULL));
    char *fail_entry = s_entry_id (s_dlq_entry (entries, fail, NULL));
    json_decref (entries);

    //  One entry: back to the queue, failed again, dead-lettered again
    s_replay (world, fail_entry, 1);
    entries = s_dlq_wait (world, fail, fail_entry, NULL, NULL);
    assert_non_null (entries);
    assert_int_equal (json_array_size (entries), 2);
    s_assert_dead_letter (s_dlq_entry (entries, fail, NULL), 1, 1, "asked to fail");
    //  The replayed entry is gone: replaying it again finds nothing
    s_replay (world, fail_entry, 0);
    free (fail_entry);
    fail_entry = s_entry_id (s_dlq_entry (entries, fail, NULL));
    json_decref (entries);

    //  All of them, attempts reset: "retry" runs its three attempts again
    s_replay (world, "all", 2);
    entries = s_dlq_wait (world, retry, retry_entry, fail, fail_entry);
    s_assert_both_dead (entries, retry, fail);
    json_decref (entries);
    free (retry_entry);
    free (fail_entry);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_int_equal (json_integer_value (json_object_get (stats, "dead_letters")), 2);
    assert_int_equal (sb_testworld_figure (stats, "echo", "dead_lettered"), 5);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  4. A message past its deadline is dead-lettered, never delivered

static void
test_deadline (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, NULL, NULL);
    s_worker_start (world, "echo-sink", "s1", "10");
    assert_true (sb_testworld_wait_workers (world, 0, "echo-sink", 1));
    char late [SB_ID_LEN + 1], control [SB_ID_LEN + 1];
    s_publish_text (world, "late", "ok", 0, zclock_time () + 100, late);
    //  The scenario, not a synchronisation: the deadline passes while no
    //  echo worker is there
    zclock_sleep (300);
    s_worker_start (world, "echo", "e1", "10");
    json_t *entries = s_dlq_wait (world, late, NULL, NULL, NULL);
    assert_non_null (entries);
    json_t *entry = s_dlq_entry (entries, late, NULL);
    assert_non_null (strstr (json_string_value (json_object_get (entry, "reason")), "deadline"));
    json_decref (entries);

    //  A message published after it goes through: had the late one been
    //  delivered, its reply would be there too
    s_publish_text (world, "control", "ok", 0, 0, control);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 1, S_WAIT_MS), 1);
    assert_true (sb_testworld_wait_drained (world, 0));
    sb_testsink_t sink;
    sb_testsink_read (world->sink, &sink);
    char late_reply [SB_ID_LEN + 1], control_reply [SB_ID_LEN + 1];
    s_reply_id (late, late_reply);
    s_reply_id (control, control_reply);
    assert_int_equal (sink.count, 1);
    assert_string_equal (sink.lines [0].id, control_reply);
    assert_int_equal (sb_testsink_lines_for (&sink, late_reply, NULL), 0);
    sb_testsink_free (&sink);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_int_equal (sb_testworld_figure (stats, "echo", "delivered"), 1);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  5. not_before delays delivery until then

static void
test_not_before (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, NULL, NULL);
    assert_int_equal (sb_testecho_workers (world, world->programs [S_WORKER], 0, 1), 0);
    char id [SB_ID_LEN + 1], reply_id [SB_ID_LEN + 1];
    int64_t not_before = zclock_time () + 500;
    s_publish_text (world, "later", "ok", not_before, 0, id);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_int_equal (sb_testworld_figure (stats, "echo", "delayed"), 1);
    json_decref (stats);

    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 1, S_WAIT_MS), 1);
    sb_testsink_t sink;
    sb_testsink_read (world->sink, &sink);
    s_reply_id (id, reply_id);
    assert_int_equal (sink.count, 1);
    assert_string_equal (sink.lines [0].id, reply_id);
    if (sink.lines [0].at_ms < not_before)
        fail_msg ("delivered %" PRId64 " ms before its not_before",
                  not_before - sink.lines [0].at_ms);
    //  The broker looks for due work at least once a second
    assert_true (sink.lines [0].at_ms < not_before + 5000);
    sb_testsink_free (&sink);
}

//  --------------------------------------------------------------------------
//  6. Back-pressure: past max-backlog, publishes are refused

static void
test_backpressure (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, "    max-backlog = 5\n", NULL);
    char ids [5][SB_ID_LEN + 1], id [SB_ID_LEN + 1];
    assert_int_equal (sb_testecho_publish_many (world, 0, 5, "ok", "bp", ids), 0);
    sb_client_reply_t reply;
    s_publish (world, "echo.request", "bp-5", json_pack ("{s:s}", "text", "ok"), id, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_NACK);
    assert_string_equal (reply.code, "over-capacity");
    //  A duplicate is still recognised: it would store nothing
    s_publish (world, "echo.request", "bp-0", json_pack ("{s:s}", "text", "ok"), id, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_DUP);
    assert_string_equal (reply.id, ids [0]);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_int_equal (json_integer_value (json_object_get (stats, "backlog")), 5);
    assert_int_equal (json_integer_value (json_object_get (stats, "refused")), 1);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  7. Fan-out: one publish, one copy for each routed service

static void
test_fanout (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, NULL, "    echo.request = \"echo echo-sink\"\n");
    assert_int_equal (sb_testecho_workers (world, world->programs [S_WORKER], 0, 1), 0);
    char id [SB_ID_LEN + 1], reply_id [SB_ID_LEN + 1];
    s_publish_text (world, "fan", "ok", 0, 0, id);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 1, S_WAIT_MS), 1);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.request", 1, S_WAIT_MS), 1);
    assert_true (sb_testworld_wait_drained (world, 0));
    sb_testsink_t sink;
    sb_testsink_read (world->sink, &sink);
    s_reply_id (id, reply_id);
    assert_int_equal (sink.count, 2);
    assert_int_equal (sb_testsink_lines_for (&sink, id, NULL), 1);
    assert_int_equal (sb_testsink_lines_for (&sink, reply_id, NULL), 1);
    sb_testsink_free (&sink);
}

//  --------------------------------------------------------------------------
//  8. STATS tells who is connected

static void
test_stats (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, NULL, NULL);
    s_worker_start (world, "echo", "e1", "4");
    sb_testproc_t *second = s_worker_start (world, "echo", "e2", "4");
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 2));
    json_t *stats = sb_testworld_stats (world, 0);
    assert_non_null (stats);
    assert_string_equal (json_string_value (json_object_get (stats, "broker")), "broker-a");
    assert_string_equal (json_string_value (json_object_get (stats, "endpoint")),
                         world->brokers [0].endpoint);
    assert_string_equal (json_string_value (json_object_get (stats, "storage")), "ok");
    assert_int_equal (sb_testworld_figure (stats, "echo", "workers"), 2);
    assert_int_equal (sb_testworld_figure (stats, "echo", "capacity"), 8);
    assert_int_equal (sb_testworld_figure (stats, "echo-sink", "workers"), 0);
    assert_int_equal (json_integer_value (json_object_get (stats, "backlog")), 0);
    //  The rounds to Redis so far (the idle workers' fetches make some),
    //  timed, the slow ones counted within one another
    json_t *rounds = json_object_get (stats, "redis_rounds");
    json_int_t count = json_integer_value (json_object_get (rounds, "count"));
    json_int_t over_1ms = json_integer_value (json_object_get (rounds, "over_1ms"));
    json_int_t over_2ms = json_integer_value (json_object_get (rounds, "over_2ms"));
    assert_true (count > 0);
    assert_true (json_integer_value (json_object_get (rounds, "p50_us")) > 0);
    assert_true (json_integer_value (json_object_get (rounds, "max_us")) > 0);
    assert_true (over_1ms <= count && over_2ms <= over_1ms);
    assert_true (json_integer_value (json_object_get (rounds, "over_10ms")) <= over_2ms);
    json_decref (stats);
    //  A worker that dies silently is counted out after its heartbeats
    assert_int_equal (sb_testproc_kill (second, SB_TESTWORLD_STOP_MS), 0);
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
}

//  STATS reads every service's figures from Redis in one go: each
//  service's are its own (a queue with no worker, beside empty ones)
static void
test_stats_queues (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, NULL, NULL);
    char id [SB_ID_LEN + 1];
    for (int count = 0; count < 3; count++) {
        char key [32];
        snprintf (key, sizeof key, "queued-%d", count);
        s_publish_text (world, key, "ok", 0, 0, id);
    }
    s_publish_text (world, "queued-later", "ok", zclock_time () + 60000, 0, id);
    zclock_sleep (50);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_non_null (stats);
    assert_int_equal (sb_testworld_figure (stats, "echo", "queued"), 3);
    assert_int_equal (sb_testworld_figure (stats, "echo", "delayed"), 1);
    assert_int_equal (sb_testworld_figure (stats, "echo", "pending"), 0);
    assert_true (sb_testworld_figure (stats, "echo", "oldest_age_ms") >= 50);
    assert_int_equal (sb_testworld_figure (stats, "echo-sink", "queued"), 0);
    assert_int_equal (sb_testworld_figure (stats, "echo-sink", "delayed"), 0);
    assert_int_equal (sb_testworld_figure (stats, "echo-sink", "oldest_age_ms"), 0);
    json_t *storage_known = json_object_get (json_object_get (json_object_get (stats, "services"),
                                                              "echo"), "storage_known");
    assert_true (json_is_true (storage_known));
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  A delivery is a lease that every message of its worker extends (a
//  silent worker's lease runs out, or the worker is counted dead: the
//  chaos tests kill workers mid-message)

//  Receives on a raw worker's DEALER until a command other than HEARTBEAT
//  comes or timeout_ms pass: returns the message (caller destroys), its
//  command in command, or NULL ("" in command).
static zmsg_t *
s_raw_receive (zsock_t *dealer, int timeout_ms, char command [SB_PROTO_COMMAND_MAX + 1])
{
    int64_t until = zclock_mono () + timeout_ms;
    zpoller_t *poller = zpoller_new (dealer, NULL);
    zmsg_t *msg = NULL;
    command [0] = 0;
    while (!msg && zclock_mono () < until) {
        if (!zpoller_wait (poller, (int) (until - zclock_mono ())))
            break;
        msg = zmsg_recv (dealer);
        char err [256];
        if (!msg || sb_proto_parse (msg, command, err, sizeof err) || streq (command, "HEARTBEAT")) {
            zmsg_destroy (&msg);
            command [0] = 0;
        }
    }
    zpoller_destroy (&poller);
    return msg;
}

static void
test_lease_renewed (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    int lease_ms = 200;
    assert_int_equal (sb_testworld_broker_quick (world, 0, lease_ms, NULL, NULL), 0);
    zsock_t *worker = sb_testworld_raw_worker (world, 0, "echo", "raw", 1);
    assert_non_null (worker);
    char command [SB_PROTO_COMMAND_MAX + 1];
    zmsg_t *msg = s_raw_receive (worker, S_REPLY_MS, command);
    assert_string_equal (command, SB_PROTO_WELCOME);
    zmsg_destroy (&msg);
    char id [SB_ID_LEN + 1];
    s_publish_text (world, "lease-1", "slow", 0, 0, id);
    msg = s_raw_receive (worker, S_WAIT_MS, command);
    assert_string_equal (command, SB_PROTO_DELIVER);
    char *handle = zmsg_popstr (msg);
    assert_non_null (handle);
    zmsg_destroy (&msg);

    //  Held for five leases, beating twice a lease: never handed out again
    int64_t until = zclock_mono () + 5 * lease_ms;
    while (zclock_mono () < until) {
        assert_int_equal (zstr_sendx (worker, SB_PROTO_HEADER, SB_PROTO_HEARTBEAT, NULL), 0);
        msg = s_raw_receive (worker, lease_ms / 2, command);
        if (msg)
            fail_msg ("a beating worker's delivery was taken back: %s came", command);
    }
    assert_int_equal (zstr_sendx (worker, SB_PROTO_HEADER, SB_PROTO_DONE, handle, NULL), 0);
    zstr_free (&handle);
    json_t *stats = sb_testworld_stats (world, 0);
    until = zclock_mono () + S_WAIT_MS;
    while (stats && sb_testworld_figure (stats, "echo", "completed") < 1
           && zclock_mono () < until) {
        zclock_sleep (20);
        json_decref (stats);
        stats = sb_testworld_stats (world, 0);
    }
    assert_non_null (stats);
    assert_int_equal (sb_testworld_figure (stats, "echo", "completed"), 1);
    assert_int_equal (sb_testworld_figure (stats, "echo", "retried"), 0);
    assert_int_equal (sb_testworld_figure (stats, "echo", "delivered"), 1);
    json_decref (stats);

    zsock_destroy (&worker);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_publish_replies),
    SB_TESTWORLD_CASE (test_end_to_end),
    SB_TESTWORLD_CASE (test_fetched_when_stored),
    SB_TESTWORLD_CASE (test_dead_letters),
    SB_TESTWORLD_CASE (test_deadline),
    SB_TESTWORLD_CASE (test_not_before),
    SB_TESTWORLD_CASE (test_backpressure),
    SB_TESTWORLD_CASE (test_fanout),
    SB_TESTWORLD_CASE (test_stats),
    SB_TESTWORLD_CASE (test_stats_queues),
    SB_TESTWORLD_CASE (test_lease_renewed),
};

int
main (int argc, char *argv [])
{
    return sb_testworld_run (argc, argv, 3, "BROKER TESTWORKER TESTPUBLISH [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
