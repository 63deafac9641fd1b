/*  test_actor.c — the actor runtime's integration tests (actors/runtime/):
    the echo actor (actors/echo/echo.c) run as a real process,

    - against a real broker and a private redis-server, with the broker's
      testworker as the sink service (echo-sink) that records every
      echo.reply it is given: what the handler emits reaches a second
      service, across broker crashes and SIGTERMs, with nothing lost;
    - against a fake broker, a ROUTER socket in this test, to see exactly
      what the runtime sends and answers (HELLO, heartbeats, FAIL for an
      invalid message, reconnecting, DRAIN and BYE).

    Each synchronises by polling with a deadline: the broker's STATS, the
    echo actor's own STATS (--stats), the sink's file, the fake broker's
    socket. The one sleep (in the broker restart) is a scenario step: time
    passing while the broker is down.

    Usage: test_actor BROKER ECHO TESTWORKER [TEST]   (paths of the
    programs, which CTest passes; TEST runs only the tests whose names
    match, e.g. test_fake_broker or "test_sigterm*"). Exits 77 (skipped)
    without redis-server.                                                   */

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_testproc.h"
#include "sb_testsink.h"
#include "sb_testutil.h"
#include "sb_testredis.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS        20000   //  longest wait for anything to happen
#define S_READY_MS       10000   //  for a broker to answer its first STATS
#define S_STOP_MS        10000   //  for a process to exit after SIGTERM
#define S_REPLY_MS       5000    //  for one reply to one request
#define S_MAX_PROCS      6       //  actors and sinks of one test
#define S_MAX_MESSAGES   64
#define S_START_ATTEMPTS 3       //  free ports tried for the broker
#define S_EXIT_SKIP      77      //  CTest's SKIP_RETURN_CODE
#define S_DIR_MAX        256     //  the test's directory (TMPDIR/...)
#define S_PATH_MAX       (S_DIR_MAX + 64)

typedef struct {
    const char *broker;
    const char *echo;
    const char *worker;
} s_programs_t;

//  One test's world: its directory (broker config, sink file, the actors'
//  STATS sockets), its Redis and broker (made on first use), the actor and
//  sink processes, a publishing client, and the fake broker's socket.
typedef struct {
    const s_programs_t *programs;
    char dir [S_DIR_MAX];
    char sink [S_PATH_MAX];
    char config [S_PATH_MAX];
    char endpoint [64];
    sb_testredis_t *redis;
    sb_testproc_t *broker;
    sb_testproc_t *procs [S_MAX_PROCS];
    size_t proc_count;
    sb_client_t *client;
    sb_idgen_t *ids;
    zsock_t *fake;               //  the fake broker's ROUTER
    char *fake_endpoint;
    zframe_t *peer;              //  the actor's identity on the fake broker
} s_fixture_t;

//  One delivery the sink worker recorded: "id attempt now_ms type text".
typedef sb_testsink_line_t s_line_t;

typedef struct {
    s_line_t *lines;
    size_t count;
} s_sink_t;

//  --------------------------------------------------------------------------
//  Directories and processes

//  Waits up to S_STOP_MS for a process to exit and asserts it exited with
//  status 0 (under ASan a leak or a crash at exit shows here).
static void
s_assert_exits_cleanly (sb_testproc_t *process, const char *what)
{
    int status = 0;
    if (sb_testproc_wait (process, S_STOP_MS, &status))
        fail_msg ("%s did not exit within %d ms", what, S_STOP_MS);
    if (!(WIFEXITED (status) && WEXITSTATUS (status) == 0))
        fail_msg ("%s exited with %s %d", what, WIFSIGNALED (status)? "signal": "status",
                  WIFSIGNALED (status)? WTERMSIG (status): WEXITSTATUS (status));
}

//  Starts argv as one of the test's processes; the fixture stops it.
static sb_testproc_t *
s_proc_start (s_fixture_t *self, char *argv [])
{
    assert_true (self->proc_count < S_MAX_PROCS);
    sb_testproc_t *process = sb_testproc_new (argv);
    assert_non_null (process);
    self->procs [self->proc_count++] = process;
    return process;
}

//  The endpoint where echo instance answers STATS (in the test's directory).
static void
s_stats_endpoint (s_fixture_t *self, const char *instance, char *endpoint, size_t size)
{
    int length = snprintf (endpoint, size, "ipc://%s/%s.stats", self->dir, instance);
    assert_true (length > 0 && (size_t) length < size);
}

//  Starts an echo actor on broker endpoint with instance, capacity and
//  grace; it answers STATS on s_stats_endpoint.
static sb_testproc_t *
s_echo_start (s_fixture_t *self, const char *endpoint, const char *instance,
              const char *capacity, const char *grace)
{
    char stats [S_PATH_MAX + 32];
    s_stats_endpoint (self, instance, stats, sizeof stats);
    char *argv [] = { (char *) self->programs->echo, "--broker", (char *) endpoint,
                      "--instance", (char *) instance, "--capacity", (char *) capacity,
                      "--grace", (char *) grace, "--stats", stats, NULL };
    return s_proc_start (self, argv);
}

//  Asks echo instance for its STATS. Returns them (caller owns), or NULL
//  if it did not answer within timeout_ms.
static json_t *
s_echo_stats (s_fixture_t *self, const char *instance, int timeout_ms)
{
    char stats [S_PATH_MAX + 32], err [256];
    s_stats_endpoint (self, instance, stats, sizeof stats);
    sb_client_t *client = sb_client_new (stats, err, sizeof err);
    json_t *reply = client? sb_client_request (client, SB_PROTO_STATS, NULL, timeout_ms,
                                               err, sizeof err): NULL;
    sb_client_destroy (&client);
    return reply;
}

//  Polls echo instance's STATS until its in_flight (handlers running) is
//  at least wanted. Returns true if it was within S_WAIT_MS.
static bool
s_echo_wait_busy (s_fixture_t *self, const char *instance, json_int_t wanted)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = s_echo_stats (self, instance, 200);
        json_int_t busy = json_integer_value (json_object_get (stats, "in_flight"));
        json_decref (stats);
        if (busy >= wanted)
            return true;
        zclock_sleep (5);
    }
    return false;
}

//  --------------------------------------------------------------------------
//  The broker

//  Writes the broker config: short timings, so that a dead peer is
//  noticed within a second.
static void
s_write_config (s_fixture_t *self)
{
    snprintf (self->config, sizeof self->config, "%s/broker.zpl", self->dir);
    FILE *file = fopen (self->config, "w");
    assert_non_null (file);
    fprintf (file,
        "#   test_actor: short timings, so that failures are found fast\n"
        "broker\n"
        "    heartbeat = 100\n"
        "    liveness = 3\n"
        "    visibility = 1000\n"
        "    poll = 20\n"
        "services\n"
        "    default\n"
        "        initial-interval = 20\n"
        "        max-interval = 100\n"
        "        lease = 5000\n");
    assert_int_equal (fclose (file), 0);
}

//  Sends command to the broker on a client of its own, so that a late
//  reply cannot be taken for the next one. Returns the reply (caller
//  owns), or NULL after timeout_ms.
static json_t *
s_request (s_fixture_t *self, const char *command, int timeout_ms)
{
    char err [256];
    sb_client_t *client = sb_client_new (self->endpoint, err, sizeof err);
    json_t *reply = client? sb_client_request (client, command, NULL, timeout_ms,
                                               err, sizeof err): NULL;
    if (!reply && timeout_ms >= S_REPLY_MS)
        fprintf (stderr, "test_actor: %s to the broker: %s\n", command, err);
    sb_client_destroy (&client);
    return reply;
}

//  Starts the broker process on self->endpoint and waits until it answers
//  STATS. Returns 0, or -1 if it exited first (its port was taken) or
//  never answered.
static int
s_broker_spawn (s_fixture_t *self)
{
    char *argv [] = {
        (char *) self->programs->broker, "--config", self->config, "--endpoint", self->endpoint,
        "--redis", (char *) sb_testredis_url (self->redis), "--name", "broker-a", NULL
    };
    self->broker = sb_testproc_new (argv);
    assert_non_null (self->broker);
    int64_t deadline = zclock_mono () + S_READY_MS;
    while (zclock_mono () < deadline) {
        if (sb_testproc_wait (self->broker, 0, NULL) == 0)
            break;
        json_t *stats = s_request (self, SB_PROTO_STATS, 200);
        json_decref (stats);
        if (stats)
            return 0;
    }
    sb_testproc_destroy (&self->broker);
    return -1;
}

//  Starts Redis and the broker on a free port, with the sink worker
//  (echo-sink) attached.
static void
s_broker_start (s_fixture_t *self)
{
    self->redis = sb_testredis_new (NULL);
    assert_non_null (self->redis);
    s_write_config (self);
    for (int attempt = 0; attempt < S_START_ATTEMPTS && !self->broker; attempt++) {
        snprintf (self->endpoint, sizeof self->endpoint, "tcp://127.0.0.1:%d", sb_testutil_free_port ());
        s_broker_spawn (self);
    }
    if (!self->broker)
        fail_msg ("the broker did not start");
    char *argv [] = { (char *) self->programs->worker, self->endpoint, "echo-sink", "s1", "10",
                      "--sink", self->sink, NULL };
    s_proc_start (self, argv);
}

//  Kills the broker with SIGKILL, as a crash would: nothing is flushed.
static void
s_broker_kill (s_fixture_t *self)
{
    sb_testproc_signal (self->broker, SIGKILL);
    assert_int_equal (sb_testproc_wait (self->broker, S_STOP_MS, NULL), 0);
    sb_testproc_destroy (&self->broker);
    sb_client_destroy (&self->client);
}

//  A service's figure in a STATS reply, or -1 if absent.
static int64_t
s_figure (json_t *stats, const char *service, const char *key)
{
    json_t *services = json_object_get (stats, "services");
    json_t *value = json_object_get (json_object_get (services, service), key);
    return json_is_integer (value)? json_integer_value (value): -1;
}

//  The broker's figure for service, or -1 if it did not answer.
static int64_t
s_broker_figure (s_fixture_t *self, const char *service, const char *key)
{
    json_t *stats = s_request (self, SB_PROTO_STATS, S_REPLY_MS);
    int64_t value = s_figure (stats, service, key);
    json_decref (stats);
    return value;
}

//  Polls STATS until service has count workers. Returns true if it did
//  within S_WAIT_MS.
static bool
s_wait_workers (s_fixture_t *self, const char *service, int64_t count)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        if (s_broker_figure (self, service, "workers") == count)
            return true;
        zclock_sleep (10);
    }
    return false;
}

//  Polls STATS until the backlog is empty: every message accepted is done
//  or dead-lettered.
static bool
s_wait_drained (s_fixture_t *self)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = s_request (self, SB_PROTO_STATS, S_REPLY_MS);
        json_t *backlog = json_object_get (stats, "backlog");
        bool empty = json_is_integer (backlog) && json_integer_value (backlog) == 0;
        json_decref (stats);
        if (empty)
            return true;
        zclock_sleep (10);
    }
    return false;
}

//  Publishes count echo.requests with keys and texts "prefix-N" (N from
//  first) and body delay_ms, pipelined, and asserts each is ACKed with its
//  id. ids [first..first+count) receive the ids.
static void
s_publish (s_fixture_t *self, const char *prefix, size_t first, size_t count, int delay_ms,
           char (*ids) [SB_ID_LEN + 1])
{
    char err [256];
    if (!self->client)
        self->client = sb_client_new (self->endpoint, err, sizeof err);
    assert_non_null (self->client);
    for (size_t index = first; index < first + count; index++) {
        char key [64];
        snprintf (key, sizeof key, "%s-%zu", prefix, index);
        assert_int_equal (sb_idgen_next (self->ids, 0, ids [index]), 0);
        sb_envelope_t *env = sb_envelope_new ("echo.request");
        assert_non_null (env);
        sb_envelope_set_id (env, ids [index]);
        sb_envelope_set_key (env, key);
        sb_envelope_set_corr (env, key);
        sb_envelope_set_src (env, "test_actor");
        sb_envelope_set_tenant (env, "test");
        sb_envelope_set_body (env, json_pack ("{s:s, s:i}", "text", key, "delay_ms", delay_ms));
        uint8_t *data = NULL;
        size_t size = 0;
        if (sb_envelope_encode (env, &data, &size, err, sizeof err))
            fail_msg ("cannot encode %s: %s", key, err);
        sb_envelope_destroy (&env);
        assert_int_equal (sb_client_send_publish (self->client, key, data, size), 0);
        free (data);
    }
    for (size_t answered = 0; answered < count; answered++) {
        sb_client_reply_t reply;
        if (sb_client_recv_reply (self->client, S_REPLY_MS, &reply))
            fail_msg ("publish %s: %s", prefix, reply.reason);
        size_t index = strtoul (strrchr (reply.token, '-') + 1, NULL, 10);
        assert_true (index >= first && index < first + count);
        if (reply.outcome != SB_CLIENT_ACK)
            fail_msg ("publish %s: not ACKed: %s %s", reply.token, reply.code, reply.reason);
        assert_string_equal (reply.id, ids [index]);
    }
}

//  --------------------------------------------------------------------------
//  The sink file

//  Reads the sink's complete lines (a line being written is left for the
//  next read). The caller frees sink->lines.
static void
s_sink_load (s_fixture_t *self, s_sink_t *sink)
{
    sink->count = sb_testsink_load (self->sink, &sink->lines);
}

//  How many distinct echo.reply ids the sink saw.
static size_t
s_sink_distinct (const s_sink_t *sink)
{
    zhashx_t *seen = zhashx_new ();
    for (size_t index = 0; index < sink->count; index++)
        if (streq (sink->lines [index].type, "echo.reply"))
            zhashx_insert (seen, sink->lines [index].id, (void *) "");
    size_t distinct = zhashx_size (seen);
    zhashx_destroy (&seen);
    return distinct;
}

//  Polls the sink until it has seen wanted distinct echo.replies. Returns
//  the number seen at the end (wanted, or fewer at the deadline).
static size_t
s_sink_wait (s_fixture_t *self, size_t wanted, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (true) {
        s_sink_t sink;
        s_sink_load (self, &sink);
        size_t distinct = s_sink_distinct (&sink);
        free (sink.lines);
        if (distinct >= wanted || zclock_mono () >= deadline)
            return distinct;
        zclock_sleep (5);
    }
}

//  Asserts that the sink holds exactly one echo.reply per request: its id
//  derived from the request's, its text the request's key (the echo actor
//  copies it), none recorded twice on a first delivery (a repeat is only
//  allowed as a redelivery to the sink, never as a second stored reply).
static void
s_assert_replies (s_fixture_t *self, const char *prefix, char (*ids) [SB_ID_LEN + 1],
                  size_t count)
{
    s_sink_t sink;
    s_sink_load (self, &sink);
    assert_int_equal (s_sink_distinct (&sink), count);
    for (size_t index = 0; index < count; index++) {
        char reply_id [SB_ID_LEN + 1], text [64];
        assert_int_equal (sb_id_derive (ids [index], 0, reply_id), 0);
        snprintf (text, sizeof text, "%s-%zu", prefix, index);
        size_t lines = 0, firsts = 0;
        for (size_t line = 0; line < sink.count; line++)
            if (streq (sink.lines [line].id, reply_id)) {
                assert_string_equal (sink.lines [line].type, "echo.reply");
                assert_string_equal (sink.lines [line].text, text);
                lines++;
                firsts += sink.lines [line].attempt == 1;
            }
        if (lines == 0 || firsts > 1)
            fail_msg ("reply to %s: %zu lines, %zu of them first deliveries", text, lines, firsts);
    }
    free (sink.lines);
}

//  --------------------------------------------------------------------------
//  Fixture

static int
s_setup (void **state)
{
    s_fixture_t *self = (s_fixture_t *) calloc (1, sizeof (s_fixture_t));
    assert_non_null (self);
    self->programs = (const s_programs_t *) *state;
    const char *tmpdir = getenv ("TMPDIR");
    int size = snprintf (self->dir, sizeof self->dir, "%s/sb-test-actor-XXXXXX",
                         tmpdir && *tmpdir? tmpdir: "/tmp");
    assert_true (size > 0 && (size_t) size < sizeof self->dir);
    assert_non_null (mkdtemp (self->dir));
    snprintf (self->sink, sizeof self->sink, "%s/sink.txt", self->dir);
    self->ids = sb_idgen_new ();
    *state = self;
    return self->ids? 0: -1;
}

//  Stops everything the test started, actors and sink first (so they say
//  BYE), then the broker, then Redis, and removes the test's directory.
//  Fails if a process did not exit cleanly on SIGTERM.
static int
s_teardown (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    int rc = 0;
    sb_client_destroy (&self->client);
    for (size_t index = 0; index < self->proc_count; index++)
        if (sb_testproc_stop (&self->procs [index], S_STOP_MS, "an actor or the sink"))
            rc = -1;
    if (sb_testproc_stop (&self->broker, S_STOP_MS, "the broker"))
        rc = -1;
    zframe_destroy (&self->peer);
    zstr_free (&self->fake_endpoint);
    zsock_destroy (&self->fake);
    sb_testredis_destroy (&self->redis);
    sb_idgen_destroy (&self->ids);
    sb_testutil_remove_tree (self->dir);
    free (self);
    return rc;
}

//  --------------------------------------------------------------------------
//  1. What the handler emits reaches the next service, once per request

static void
test_handled (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self);
    s_echo_start (self, self->endpoint, "echo-1", "4", "10000");
    assert_true (s_wait_workers (self, "echo", 1));
    assert_true (s_wait_workers (self, "echo-sink", 1));
    char ids [20][SB_ID_LEN + 1];
    s_publish (self, "handled", 0, 20, 0, ids);
    assert_int_equal (s_sink_wait (self, 20, S_WAIT_MS), 20);
    assert_true (s_wait_drained (self));
    s_assert_replies (self, "handled", ids, 20);

    json_t *stats = s_request (self, SB_PROTO_STATS, S_REPLY_MS);
    assert_int_equal (s_figure (stats, "echo", "completed"), 20);
    assert_int_equal (s_figure (stats, "echo", "retried"), 0);
    assert_int_equal (s_figure (stats, "echo-sink", "completed"), 20);
    assert_int_equal (json_integer_value (json_object_get (stats, "dead_letters")), 0);
    json_decref (stats);
    stats = s_echo_stats (self, "echo-1", S_REPLY_MS);
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
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self);
    sb_testproc_t *echo = s_echo_start (self, self->endpoint, "echo-1", "4", "10000");
    assert_true (s_wait_workers (self, "echo", 1));
    assert_true (s_wait_workers (self, "echo-sink", 1));
    char ids [30][SB_ID_LEN + 1];

    //  Killed while the actor holds work: its answers die with the broker,
    //  the restarted one (same name) delivers that work again, and the
    //  actor, on the same connection, is told to say HELLO again
    s_publish (self, "restart", 0, 10, 50, ids);
    assert_true (s_sink_wait (self, 1, S_WAIT_MS) >= 1);
    s_broker_kill (self);
    assert_int_equal (s_broker_spawn (self), 0);
    assert_true (s_wait_workers (self, "echo", 1));
    s_publish (self, "restart", 10, 10, 0, ids);
    assert_int_equal (s_sink_wait (self, 20, S_WAIT_MS), 20);

    //  Down for longer than heartbeat × liveness (300 ms): the actor gives
    //  the silent broker up and connects again with back-off. The sleep is
    //  the scenario (the broker staying down), not a synchronisation
    s_broker_kill (self);
    zclock_sleep (1000);
    assert_int_equal (s_broker_spawn (self), 0);
    assert_true (s_wait_workers (self, "echo", 1));
    s_publish (self, "restart", 20, 10, 0, ids);
    assert_int_equal (s_sink_wait (self, 30, S_WAIT_MS), 30);
    assert_true (s_wait_drained (self));
    s_assert_replies (self, "restart", ids, 30);
    assert_int_equal (sb_testproc_wait (echo, 0, NULL), -1);   //  the same process throughout
    json_t *stats = s_request (self, SB_PROTO_STATS, S_REPLY_MS);
    assert_int_equal (json_integer_value (json_object_get (stats, "dead_letters")), 0);
    json_decref (stats);
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
s_sigterm_scenario (s_fixture_t *self, const char *grace, size_t count, size_t finished)
{
    char ids [S_MAX_MESSAGES][SB_ID_LEN + 1];
    assert_true (count <= S_MAX_MESSAGES);
    s_broker_start (self);
    sb_testproc_t *first = s_echo_start (self, self->endpoint, "echo-1", "2", grace);
    assert_true (s_wait_workers (self, "echo", 1));
    assert_true (s_wait_workers (self, "echo-sink", 1));
    s_publish (self, "term", 0, count, 300, ids);
    assert_true (s_echo_wait_busy (self, "echo-1", 2));
    assert_int_equal (sb_testproc_signal (first, SIGTERM), 0);
    s_assert_exits_cleanly (first, "echo-1 on SIGTERM");
    assert_true (s_wait_workers (self, "echo", 0));   //  the broker let it go
    if (finished)
        assert_true (s_sink_wait (self, finished, S_WAIT_MS) >= finished);
    assert_true (s_sink_wait (self, 0, 0) < count);

    s_echo_start (self, self->endpoint, "echo-2", "4", "10000");
    assert_int_equal (s_sink_wait (self, count, S_WAIT_MS), count);
    assert_true (s_wait_drained (self));
    s_assert_replies (self, "term", ids, count);
    json_t *stats = s_request (self, SB_PROTO_STATS, S_REPLY_MS);
    assert_int_equal (json_integer_value (json_object_get (stats, "dead_letters")), 0);
    int64_t delivered = s_figure (stats, "echo", "delivered");
    json_decref (stats);
    return delivered;
}

//  A grace long enough: what it held is finished and answered before it
//  leaves, so nothing is delivered twice
static void
test_sigterm_finishes (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    //  The two it held when told to stop reach the sink before echo-2 runs
    assert_int_equal (s_sigterm_scenario (self, "10000", 6, 2), 6);
}

//  A grace too short: the handlers still run when it ends, so the actor
//  says BYE without their answers and the broker gives them to echo-2
static void
test_sigterm_grace_expires (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    if (s_sigterm_scenario (self, "100", 6, 0) <= 6)
        fail_msg ("nothing was handed back after the grace: the test proves nothing");
}

//  --------------------------------------------------------------------------
//  4. Against a fake broker: exactly what the runtime says

//  Receives the next message from the actor within timeout_ms, skipping
//  HEARTBEATs (unless wanted is HEARTBEAT). Returns its arguments (the
//  caller destroys them) with the sender's identity in *identity_p (the
//  caller destroys it, may be NULL), or NULL at the deadline. Fails the
//  test on any other command.
static zmsg_t *
s_fake_expect (s_fixture_t *self, const char *wanted, int timeout_ms, zframe_t **identity_p)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    zpoller_t *poller = zpoller_new (self->fake, NULL);
    zmsg_t *found = NULL;
    char unexpected [SB_PROTO_COMMAND_MAX + 64] = "";
    while (!found && !*unexpected && zclock_mono () < deadline) {
        if (!zpoller_wait (poller, (int) (deadline - zclock_mono ())))
            continue;
        zmsg_t *msg = zmsg_recv (self->fake);
        zframe_t *identity = zmsg_pop (msg);
        char command [SB_PROTO_COMMAND_MAX + 1], err [256];
        if (!identity || sb_proto_parse (msg, command, err, sizeof err))
            snprintf (unexpected, sizeof unexpected, "a malformed message");
        else
        if (streq (command, wanted)) {
            found = msg;
            msg = NULL;
            if (identity_p)
                *identity_p = zframe_dup (identity);
        }
        else
        if (!streq (command, SB_PROTO_HEARTBEAT))
            snprintf (unexpected, sizeof unexpected, "%s", command);
        zmsg_destroy (&msg);
        zframe_destroy (&identity);
    }
    zpoller_destroy (&poller);
    if (*unexpected)
        fail_msg ("the actor sent %s, expected %s", unexpected, wanted);
    return found;
}

//  Sends command with the arguments in args (destroyed, may be NULL) to
//  the peer identity.
static void
s_fake_send (s_fixture_t *self, zframe_t *identity, const char *command, zmsg_t **args_p)
{
    zmsg_t *msg = sb_proto_new (command);
    zframe_t *frame;
    while (args_p && *args_p && (frame = zmsg_pop (*args_p)))
        zmsg_append (msg, &frame);
    if (args_p)
        zmsg_destroy (args_p);
    zframe_t *to = zframe_dup (identity);
    zmsg_prepend (msg, &to);
    assert_int_equal (zmsg_send (&msg, self->fake), 0);
}

//  Sends WELCOME with heartbeat_ms and liveness.
static void
s_fake_welcome (s_fixture_t *self, zframe_t *identity, int heartbeat_ms, int liveness)
{
    zmsg_t *args = zmsg_new ();
    json_t *welcome = json_pack ("{s:s, s:i, s:i}", "broker", "fake", "heartbeat_ms",
                                 heartbeat_ms, "liveness", liveness);
    assert_int_equal (sb_proto_add_json (args, welcome), 0);
    json_decref (welcome);
    s_fake_send (self, identity, SB_PROTO_WELCOME, &args);
}

//  Sends DELIVER handle attempt with the envelope's bytes.
static void
s_fake_deliver (s_fixture_t *self, zframe_t *identity, const char *handle, unsigned attempt,
                const void *data, size_t size)
{
    zmsg_t *args = zmsg_new ();
    zmsg_addstr (args, handle);
    zmsg_addstrf (args, "%u", attempt);
    zmsg_addmem (args, data, size);
    s_fake_send (self, identity, SB_PROTO_DELIVER, &args);
}

//  Waits for HELLO from echo instance with capacity; returns the sender's
//  identity (caller destroys).
static zframe_t *
s_fake_hello (s_fixture_t *self, const char *instance, int capacity)
{
    zframe_t *identity = NULL;
    zmsg_t *hello = s_fake_expect (self, SB_PROTO_HELLO, S_WAIT_MS, &identity);
    if (!hello)
        fail_msg ("no HELLO from %s within %d ms", instance, S_WAIT_MS);
    char err [256];
    json_t *json = sb_proto_pop_json (hello, err, sizeof err);
    assert_non_null (json);
    assert_string_equal (json_string_value (json_object_get (json, "service")), "echo");
    assert_string_equal (json_string_value (json_object_get (json, "instance")), instance);
    assert_int_equal (json_integer_value (json_object_get (json, "capacity")), capacity);
    json_decref (json);
    zmsg_destroy (&hello);
    return identity;
}

//  Packs a msgpack string.
static void
s_pack_str (msgpack_packer *packer, const char *text)
{
    msgpack_pack_str (packer, strlen (text));
    msgpack_pack_str_body (packer, text, strlen (text));
}

//  An echo.request whose body has no text, packed by hand (no schema check
//  on the way) into buffer (caller destroys).
static void
s_invalid_request (s_fixture_t *self, msgpack_sbuffer *buffer)
{
    char id [SB_ID_LEN + 1];
    assert_int_equal (sb_idgen_next (self->ids, 0, id), 0);
    msgpack_sbuffer_init (buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&packer, 8);
    s_pack_str (&packer, "v");          msgpack_pack_uint32 (&packer, 1);
    s_pack_str (&packer, "id");         s_pack_str (&packer, id);
    s_pack_str (&packer, "key");        s_pack_str (&packer, "fake:no-text");
    s_pack_str (&packer, "corr");       s_pack_str (&packer, "fake");
    s_pack_str (&packer, "type");       s_pack_str (&packer, "echo.request");
    s_pack_str (&packer, "src");        s_pack_str (&packer, "test_actor");
    s_pack_str (&packer, "created_ms"); msgpack_pack_int64 (&packer, zclock_time ());
    s_pack_str (&packer, "body");
    msgpack_pack_map (&packer, 1);
    s_pack_str (&packer, "delay_ms");   msgpack_pack_int32 (&packer, 0);
}

//  A valid echo.request with text and delay_ms, encoded (caller frees);
//  its id in id.
static uint8_t *
s_valid_request (s_fixture_t *self, const char *text, int delay_ms, char id [SB_ID_LEN + 1],
                 size_t *size)
{
    char err [256];
    assert_int_equal (sb_idgen_next (self->ids, 0, id), 0);
    sb_envelope_t *env = sb_envelope_new ("echo.request");
    sb_envelope_set_id (env, id);
    sb_envelope_set_key (env, text);
    sb_envelope_set_corr (env, "fake");
    sb_envelope_set_src (env, "test_actor");
    sb_envelope_set_tenant (env, "acme");
    sb_envelope_set_body (env, json_pack ("{s:s, s:i}", "text", text, "delay_ms", delay_ms));
    uint8_t *data = NULL;
    if (sb_envelope_encode (env, &data, size, err, sizeof err))
        fail_msg ("cannot encode: %s", err);
    sb_envelope_destroy (&env);
    return data;
}

//  Waits for FAIL handle and writes its reason into reason.
static void
s_fake_fail (s_fixture_t *self, const char *handle, char *reason, size_t size)
{
    zmsg_t *fail = s_fake_expect (self, SB_PROTO_FAIL, S_WAIT_MS, NULL);
    if (!fail)
        fail_msg ("no FAIL for %s", handle);
    char answered [SB_PROTO_HANDLE_MAX] = "";
    *reason = 0;
    sb_proto_pop_string (fail, answered, sizeof answered);
    sb_proto_pop_string (fail, reason, size);
    zmsg_destroy (&fail);
    assert_string_equal (answered, handle);
}

//  Waits for DONE handle with the one echo.reply emitted for request id
//  (text, delivered as attempt), and checks the header the runtime filled.
static void
s_fake_done (s_fixture_t *self, const char *handle, const char *id, const char *text,
             unsigned attempt)
{
    zmsg_t *done = s_fake_expect (self, SB_PROTO_DONE, S_WAIT_MS, NULL);
    if (!done)
        fail_msg ("no DONE for %s", handle);
    char answered [SB_PROTO_HANDLE_MAX] = "";
    sb_proto_pop_string (done, answered, sizeof answered);
    size_t emitted = zmsg_size (done);
    zframe_t *frame = zmsg_pop (done);
    zmsg_destroy (&done);
    assert_string_equal (answered, handle);
    if (emitted != 1) {
        zframe_destroy (&frame);
        fail_msg ("DONE %s carries %zu envelopes, not 1", handle, emitted);
    }
    char err [256], reply_id [SB_ID_LEN + 1], key [128];
    sb_envelope_t *reply = sb_envelope_decode (zframe_data (frame), zframe_size (frame), NULL,
                                               err, sizeof err);
    zframe_destroy (&frame);
    if (!reply)
        fail_msg ("DONE %s carries an undecodable envelope: %s", handle, err);
    assert_int_equal (sb_id_derive (id, 0, reply_id), 0);
    snprintf (key, sizeof key, "%s/echo.reply/0", text);
    assert_string_equal (sb_envelope_type (reply), "echo.reply");
    assert_string_equal (sb_envelope_id (reply), reply_id);
    assert_string_equal (sb_envelope_key (reply), key);
    assert_string_equal (sb_envelope_corr (reply), "fake");
    assert_string_equal (sb_envelope_tenant (reply), "acme");
    assert_string_equal (sb_envelope_src (reply), "echo");
    assert_string_equal (json_string_value (json_object_get (sb_envelope_body (reply), "text")),
                         text);
    const json_t *trace = sb_envelope_trace (reply);
    assert_int_equal (json_array_size (trace), 1);
    json_t *hop = json_array_get (trace, 0);
    assert_string_equal (json_string_value (json_object_get (hop, "svc")), "echo");
    assert_string_equal (json_string_value (json_object_get (hop, "inst")), "fake-1");
    assert_int_equal (json_integer_value (json_object_get (hop, "attempt")), attempt);
    sb_envelope_destroy (&reply);
}

//  Binds the fake broker on an ephemeral port, starts an echo actor
//  (instance fake-1, capacity 2) with grace on it, and waits for its
//  HELLO: its identity is then self->peer. Returns the actor.
static sb_testproc_t *
s_fake_start (s_fixture_t *self, const char *grace)
{
    self->fake = zsock_new (ZMQ_ROUTER);
    assert_non_null (self->fake);
    zsock_set_linger (self->fake, 0);
    assert_true (zsock_bind (self->fake, "tcp://127.0.0.1:*") > 0);
    self->fake_endpoint = zsock_last_endpoint (self->fake);
    assert_non_null (self->fake_endpoint);
    sb_testproc_t *echo = s_echo_start (self, self->fake_endpoint, "fake-1", "2", grace);
    self->peer = s_fake_hello (self, "fake-1", 2);
    return echo;
}

static void
test_fake_broker (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    sb_testproc_t *echo = s_fake_start (self, "10000");
    //  A long liveness: this broker beats only when it speaks
    int64_t welcomed = zclock_mono ();
    s_fake_welcome (self, self->peer, 100, 100);

    //  It beats at the WELCOME's interval (100 ms) from then on: a broker
    //  that names a short one drops a peer silent for heartbeat × liveness,
    //  and the interval it had before the WELCOME was 1000 ms
    for (int beat = 0; beat < 3; beat++) {
        zmsg_t *heartbeat = s_fake_expect (self, SB_PROTO_HEARTBEAT, S_REPLY_MS, NULL);
        assert_non_null (heartbeat);
        zmsg_destroy (&heartbeat);
    }
    int64_t elapsed = zclock_mono () - welcomed;
    if (elapsed >= 1000)
        fail_msg ("3 heartbeats took %" PRId64 " ms after a WELCOME naming 100 ms", elapsed);
    s_fake_send (self, self->peer, SB_PROTO_HEARTBEAT, NULL);

    //  Invalid messages are failed with the reason; the handler never runs
    msgpack_sbuffer buffer;
    s_invalid_request (self, &buffer);
    s_fake_deliver (self, self->peer, "h-invalid", 1, buffer.data, buffer.size);
    msgpack_sbuffer_destroy (&buffer);
    char reason [512];
    s_fake_fail (self, "h-invalid", reason, sizeof reason);
    if (!strstr (reason, "invalid message") || !strstr (reason, "body.text"))
        fail_msg ("FAIL reason '%s' does not name the invalid field", reason);
    s_fake_deliver (self, self->peer, "h-garbage", 1, "\xc1 not msgpack", 13);
    s_fake_fail (self, "h-garbage", reason, sizeof reason);
    if (!strstr (reason, "invalid message"))
        fail_msg ("FAIL reason '%s' does not say 'invalid message'", reason);

    //  A valid one is handled: DONE with the reply, its header filled
    char id [SB_ID_LEN + 1];
    size_t size = 0;
    uint8_t *data = s_valid_request (self, "fake:valid", 0, id, &size);
    s_fake_deliver (self, self->peer, "h-valid", 2, data, size);
    free (data);
    s_fake_done (self, "h-valid", id, "fake:valid", 2);

    //  Told it is not registered (the broker dropped it, or restarted): it
    //  says HELLO again on the same connection
    zmsg_t *args = zmsg_new ();
    zmsg_addstr (args, "not registered: say HELLO");
    s_fake_send (self, self->peer, SB_PROTO_ERROR, &args);
    zframe_t *again = s_fake_hello (self, "fake-1", 2);
    bool same = zframe_eq (again, self->peer);
    zframe_destroy (&again);
    assert_true (same);

    //  A silent broker: given up after heartbeat × liveness, then a new
    //  connection (a new identity) and a new HELLO
    int64_t silent_since = zclock_mono ();
    s_fake_welcome (self, self->peer, 100, 3);
    zframe_t *fresh = s_fake_hello (self, "fake-1", 2);
    same = zframe_eq (fresh, self->peer);
    zframe_destroy (&self->peer);
    self->peer = fresh;
    assert_false (same);
    assert_true (zclock_mono () - silent_since >= 300);
    s_fake_welcome (self, self->peer, 100, 100);

    //  SIGTERM: DRAIN, then the answer to what it holds, then BYE, exit 0.
    //  The fast one's DONE proves the slow one (sent first) has arrived
    char slow [SB_ID_LEN + 1], fast [SB_ID_LEN + 1];
    data = s_valid_request (self, "fake:slow", 300, slow, &size);
    s_fake_deliver (self, self->peer, "h-slow", 1, data, size);
    free (data);
    data = s_valid_request (self, "fake:fast", 0, fast, &size);
    s_fake_deliver (self, self->peer, "h-fast", 1, data, size);
    free (data);
    s_fake_done (self, "h-fast", fast, "fake:fast", 1);
    assert_int_equal (sb_testproc_signal (echo, SIGTERM), 0);
    zmsg_t *drain = s_fake_expect (self, SB_PROTO_DRAIN, S_WAIT_MS, NULL);
    assert_non_null (drain);
    zmsg_destroy (&drain);
    s_fake_done (self, "h-slow", slow, "fake:slow", 1);
    zmsg_t *bye = s_fake_expect (self, SB_PROTO_BYE, S_REPLY_MS, NULL);
    assert_non_null (bye);
    zmsg_destroy (&bye);
    s_assert_exits_cleanly (echo, "echo on SIGTERM");
}

//  The grace period ends with a handler still running: DRAIN, BYE without
//  its answer (the broker redelivers it), exit 0 all the same
static void
test_fake_grace_expires (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    sb_testproc_t *echo = s_fake_start (self, "100");
    s_fake_welcome (self, self->peer, 100, 100);
    char slow [SB_ID_LEN + 1], fast [SB_ID_LEN + 1];
    size_t size = 0;
    uint8_t *data = s_valid_request (self, "fake:slow", 3000, slow, &size);
    s_fake_deliver (self, self->peer, "h-slow", 1, data, size);
    free (data);
    data = s_valid_request (self, "fake:fast", 0, fast, &size);
    s_fake_deliver (self, self->peer, "h-fast", 1, data, size);
    free (data);
    s_fake_done (self, "h-fast", fast, "fake:fast", 1);
    assert_int_equal (sb_testproc_signal (echo, SIGTERM), 0);
    zmsg_t *drain = s_fake_expect (self, SB_PROTO_DRAIN, S_WAIT_MS, NULL);
    assert_non_null (drain);
    zmsg_destroy (&drain);
    //  BYE, and no DONE for h-slow before it (s_fake_expect fails on one)
    zmsg_t *bye = s_fake_expect (self, SB_PROTO_BYE, S_REPLY_MS, NULL);
    assert_non_null (bye);
    zmsg_destroy (&bye);
    s_assert_exits_cleanly (echo, "echo at the end of its grace");
}

//  --------------------------------------------------------------------------

int
main (int argc, char *argv [])
{
    if (argc < 4) {
        fprintf (stderr, "Usage: test_actor BROKER ECHO TESTWORKER [TEST]\n");
        return 64;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return S_EXIT_SKIP;
    }
    s_programs_t programs = { argv [1], argv [2], argv [3] };
    if (argc > 4)
        cmocka_set_test_filter (argv [4]);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_handled, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_broker_restart, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_sigterm_finishes, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_sigterm_grace_expires, s_setup,
                                                  s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_fake_broker, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_fake_grace_expires, s_setup, s_teardown,
                                                  &programs),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
