/*  test_actor.c — the actor runtime's integration tests (actors/runtime/)
    against a real broker: the echo actor (actors/echo/echo.c) run as a
    real process on a real broker and a private redis-server, with the
    broker's testworker as the sink service (echo-sink) that records every
    echo.reply it is given: what the handler emits reaches a second
    service, across broker crashes and SIGTERMs, with nothing lost. What
    the runtime says frame by frame is test_actor_fake.c's.

    Each synchronises by polling with a deadline: the broker's STATS, the
    echo actor's own STATS (--stats), the sink's file. The one sleep (in
    the broker restart) is a scenario step: time passing while the broker
    is down.

    Usage: test_actor BROKER ECHO TESTWORKER [TEST]   (paths of the
    programs, which CTest passes; TEST runs only the tests whose names
    match, e.g. "test_sigterm*"). Exits 77 (skipped) without
    redis-server.                                                           */

#include "sb_classes.h"
#include "sb_testmsg.h"
#include "sb_testsink.h"
#include "sb_testworld.h"
#include <signal.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_ECHO           1       //  echo's path in the world's programs
#define S_WORKER         2       //  testworker's
#define S_LEASE_MS       5000
#define S_WAIT_MS        SB_TESTWORLD_WAIT_MS
#define S_REPLY_MS       SB_TESTWORLD_REPLY_MS
#define S_MAX_MESSAGES   64

//  --------------------------------------------------------------------------
//  The echo actor

//  The endpoint where echo instance answers STATS (in the world's directory).
static void
s_stats_endpoint (sb_testworld_t *world, const char *instance, char *endpoint, size_t size)
{
    int length = snprintf (endpoint, size, "ipc://%s/%s.stats", world->dir, instance);
    assert_true (length > 0 && (size_t) length < size);
}

//  Starts an echo actor on broker-a with instance, capacity and grace; it
//  answers STATS on s_stats_endpoint. The world stops it.
static sb_testproc_t *
s_echo_start (sb_testworld_t *world, const char *instance, const char *capacity,
              const char *grace)
{
    char stats [SB_TESTWORLD_PATH_MAX + 32];
    s_stats_endpoint (world, instance, stats, sizeof stats);
    char *argv [] = { world->programs [S_ECHO], "--broker", world->brokers [0].endpoint,
                      "--instance", (char *) instance, "--capacity", (char *) capacity,
                      "--grace", (char *) grace, "--stats", stats, NULL };
    sb_testproc_t *echo = sb_testworld_spawn (world, argv, instance);
    assert_non_null (echo);
    return echo;
}

//  Asks echo instance for its STATS. Returns them (caller owns), or NULL
//  if it did not answer within timeout_ms.
static json_t *
s_echo_stats (sb_testworld_t *world, const char *instance, int timeout_ms)
{
    char stats [SB_TESTWORLD_PATH_MAX + 32], err [256];
    s_stats_endpoint (world, instance, stats, sizeof stats);
    sb_client_t *client = sb_client_new (stats, err, sizeof err);
    json_t *reply = client? sb_client_request (client, SB_PROTO_STATS, NULL, timeout_ms,
                                               err, sizeof err): NULL;
    sb_client_destroy (&client);
    return reply;
}

//  Polls echo instance's STATS until its in_flight (handlers running) is
//  at least wanted. Returns true if it was within S_WAIT_MS.
static bool
s_echo_wait_busy (sb_testworld_t *world, const char *instance, json_int_t wanted)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = s_echo_stats (world, instance, 200);
        json_int_t busy = json_integer_value (json_object_get (stats, "in_flight"));
        json_decref (stats);
        if (busy >= wanted)
            return true;
        zclock_sleep (5);
    }
    return false;
}

//  --------------------------------------------------------------------------
//  The broker, the sink, what is published

//  Starts Redis and broker-a with short timings, with the sink worker
//  (echo-sink) attached.
static void
s_broker_start (sb_testworld_t *world)
{
    assert_int_equal (sb_testworld_broker_quick (world, 0, S_LEASE_MS, NULL, NULL), 0);
    assert_non_null (sb_testworld_worker (world, world->programs [S_WORKER], 0, "echo-sink",
                                          "s1", "10"));
}

//  Starts broker-a again on its endpoint after it was killed.
static void
s_broker_restart (sb_testworld_t *world)
{
    assert_int_equal (sb_testworld_broker_restart (world, 0), 0);
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
}

//  The broker's figure for service, or -1 if it did not answer.
static int64_t
s_broker_figure (sb_testworld_t *world, const char *service, const char *key)
{
    json_t *stats = sb_testworld_stats (world, 0);
    int64_t value = sb_testworld_figure (stats, service, key);
    json_decref (stats);
    return value;
}

//  An echo.request's body: its key as its text, and delay_ms.
static json_t *
s_request_body (const char *key, void *delay_ms)
{
    return json_pack ("{s:s, s:i}", "text", key, "delay_ms", *(int *) delay_ms);
}

//  Publishes count echo.requests with keys and texts "prefix-N" (N from
//  first) and body delay_ms, pipelined, and asserts each is ACKed with its
//  id. ids [first..first+count) receive the ids.
static void
s_publish (sb_testworld_t *world, const char *prefix, size_t first, size_t count,
           int delay_ms, char (*ids) [SB_ID_LEN + 1])
{
    sb_testmsg_batch_t batch = { { .type = "echo.request", .src = "test_actor" }, prefix,
                                 first, count, s_request_body, &delay_ms };
    sb_client_t *client = sb_testworld_client (world, 0);
    assert_non_null (client);
    assert_int_equal (sb_testmsg_publish_many (client, world->ids, &batch, S_REPLY_MS, ids), 0);
}

//  Polls the sink until it has seen wanted distinct echo.replies, for up
//  to timeout_ms. Returns the number seen at the end.
static size_t
s_sink_wait (sb_testworld_t *world, size_t wanted, int timeout_ms)
{
    return sb_testsink_wait (world->sink, "echo.reply", wanted, timeout_ms);
}

//  Asserts that the sink holds exactly one echo.reply per request: its id
//  derived from the request's, its text the request's key (the echo actor
//  copies it), none recorded twice on a first delivery.
static void
s_assert_replies (sb_testworld_t *world, const char *prefix, char (*ids) [SB_ID_LEN + 1],
                  size_t count)
{
    assert_int_equal (sb_testsink_check_replies (world->sink, ids, count, prefix), 0);
}

//  Asserts that the broker dead-lettered nothing.
static void
s_assert_no_dead_letters (sb_testworld_t *world)
{
    json_t *stats = sb_testworld_stats (world, 0);
    assert_int_equal (json_integer_value (json_object_get (stats, "dead_letters")), 0);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  1. What the handler emits reaches the next service, once per request

static void
test_handled (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    s_echo_start (world, "echo-1", "4", "10000");
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
    assert_true (sb_testworld_wait_workers (world, 0, "echo-sink", 1));
    char ids [20][SB_ID_LEN + 1];
    s_publish (world, "handled", 0, 20, 0, ids);
    assert_int_equal (s_sink_wait (world, 20, S_WAIT_MS), 20);
    assert_true (sb_testworld_wait_drained (world, 0));
    s_assert_replies (world, "handled", ids, 20);

    assert_int_equal (s_broker_figure (world, "echo", "completed"), 20);
    assert_int_equal (s_broker_figure (world, "echo", "retried"), 0);
    assert_int_equal (s_broker_figure (world, "echo-sink", "completed"), 20);
    s_assert_no_dead_letters (world);
    json_t *stats = s_echo_stats (world, "echo-1", S_REPLY_MS);
    assert_non_null (stats);
    assert_int_equal (json_integer_value (json_object_get (stats, "handled")), 20);
    assert_int_equal (json_integer_value (json_object_get (stats, "invalid")), 0);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  2. The broker killed and restarted: the actor joins it again by itself

static void
test_broker_restart (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    sb_testproc_t *echo = s_echo_start (world, "echo-1", "4", "10000");
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
    assert_true (sb_testworld_wait_workers (world, 0, "echo-sink", 1));
    char ids [30][SB_ID_LEN + 1];

    //  Killed while the actor holds work: its answers die with the broker,
    //  the restarted one (same name) delivers that work again, and the
    //  actor, on the same connection, is told to say HELLO again
    s_publish (world, "restart", 0, 10, 50, ids);
    assert_true (s_sink_wait (world, 1, S_WAIT_MS) >= 1);
    assert_int_equal (sb_testworld_broker_kill (world, 0), 0);
    s_broker_restart (world);
    s_publish (world, "restart", 10, 10, 0, ids);
    assert_int_equal (s_sink_wait (world, 20, S_WAIT_MS), 20);

    //  Down for longer than heartbeat × liveness (300 ms): the actor gives
    //  the silent broker up and connects again with back-off. The sleep is
    //  the scenario (the broker staying down), not a synchronisation
    assert_int_equal (sb_testworld_broker_kill (world, 0), 0);
    zclock_sleep (1000);
    s_broker_restart (world);
    s_publish (world, "restart", 20, 10, 0, ids);
    assert_int_equal (s_sink_wait (world, 30, S_WAIT_MS), 30);
    assert_true (sb_testworld_wait_drained (world, 0));
    s_assert_replies (world, "restart", ids, 30);
    assert_int_equal (sb_testproc_wait (echo, 0, NULL), -1);   //  the same process throughout
    s_assert_no_dead_letters (world);
}

//  --------------------------------------------------------------------------
//  3. SIGTERM while handlers run: nothing is lost

//  Publishes count slow requests (300 ms each) to an echo actor of
//  capacity 2 with grace, SIGTERMs it while it runs two handlers, asserts
//  it exits 0 and, unless finished is 0, that the sink gets that many
//  replies from it; then lets a second instance take what is left, and
//  asserts every reply arrives once. Returns the broker's count of
//  deliveries to echo.
static int64_t
s_sigterm_scenario (sb_testworld_t *world, const char *grace, size_t count, size_t finished)
{
    char ids [S_MAX_MESSAGES][SB_ID_LEN + 1];
    assert_true (count <= S_MAX_MESSAGES);
    s_broker_start (world);
    sb_testproc_t *first = s_echo_start (world, "echo-1", "2", grace);
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
    assert_true (sb_testworld_wait_workers (world, 0, "echo-sink", 1));
    s_publish (world, "term", 0, count, 300, ids);
    assert_true (s_echo_wait_busy (world, "echo-1", 2));
    assert_int_equal (sb_testproc_signal (first, SIGTERM), 0);
    assert_int_equal (sb_testproc_wait_clean (first, SB_TESTWORLD_STOP_MS, "echo-1 on SIGTERM"),
                      0);
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 0));   //  the broker let it go
    if (finished)
        assert_true (s_sink_wait (world, finished, S_WAIT_MS) >= finished);
    assert_true (s_sink_wait (world, 0, 0) < count);

    s_echo_start (world, "echo-2", "4", "10000");
    assert_int_equal (s_sink_wait (world, count, S_WAIT_MS), count);
    assert_true (sb_testworld_wait_drained (world, 0));
    s_assert_replies (world, "term", ids, count);
    s_assert_no_dead_letters (world);
    return s_broker_figure (world, "echo", "delivered");
}

//  A grace long enough: what it held is finished and answered before it
//  leaves, so nothing is delivered twice
static void
test_sigterm_finishes (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    //  The two it held when told to stop reach the sink before echo-2 runs
    assert_int_equal (s_sigterm_scenario (world, "10000", 6, 2), 6);
}

//  A grace too short: the handlers still run when it ends, so the actor
//  says BYE without their answers and the broker gives them to echo-2
static void
test_sigterm_grace_expires (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    if (s_sigterm_scenario (world, "100", 6, 0) <= 6)
        fail_msg ("nothing was handed back after the grace: the test proves nothing");
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_handled),
    SB_TESTWORLD_CASE (test_broker_restart),
    SB_TESTWORLD_CASE (test_sigterm_finishes),
    SB_TESTWORLD_CASE (test_sigterm_grace_expires),
};

int
main (int argc, char *argv [])
{
    return sb_testworld_run (argc, argv, 3, "BROKER ECHO TESTWORKER [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
