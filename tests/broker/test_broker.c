/*  test_broker.c — the broker's integration tests: real broker processes
    (brokers/broker_main.c), a private redis-server per test, and the test
    programs testworker and testpublish, driven as a user would drive them:
    processes, sockets, Redis. Each test fails if the guarantee it names is
    broken; each synchronises by polling with a deadline (the two sleeps,
    in the crash and deadline tests, are scenario steps: time passing).

    The brokers run with short timings (s_write_config) so that dead
    workers, dead brokers and retries are noticed within a second.

    Usage: test_broker BROKER TESTWORKER TESTPUBLISH   (paths of the three
    programs; CTest passes them). Exits 77 (skipped) without redis-server.  */

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_store.h"
#include "sb_testproc.h"
#include "sb_testsink.h"
#include "sb_testutil.h"
#include "sb_testredis.h"
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <limits.h>
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
#define S_REPLY_MS       5000    //  for a broker's reply to one request
#define S_MAX_BROKERS    2
#define S_MAX_WORKERS    8
#define S_START_ATTEMPTS 3       //  free ports tried for one broker
#define S_EXIT_SKIP      77      //  CTest's SKIP_RETURN_CODE
#define S_DIR_MAX        256     //  the test's directory (TMPDIR/...)
#define S_PATH_MAX       (S_DIR_MAX + 64)

typedef struct {
    const char *broker;
    const char *worker;
    const char *publish;
} s_programs_t;

typedef struct {
    char name [32];
    char endpoint [64];
    char config [S_PATH_MAX];
    sb_testproc_t *process;      //  NULL while stopped or killed
} s_broker_t;

//  One test's world: its directory (configs, the sink file), its Redis,
//  its brokers and workers, and a publishing client per broker.
typedef struct {
    const s_programs_t *programs;
    char dir [S_DIR_MAX];
    char sink [S_PATH_MAX];
    sb_testredis_t *redis;
    s_broker_t brokers [S_MAX_BROKERS];
    sb_testproc_t *workers [S_MAX_WORKERS];
    size_t worker_count;
    sb_client_t *clients [S_MAX_BROKERS];
    sb_idgen_t *ids;
} s_fixture_t;

//  One delivery the sink worker recorded: "id attempt now_ms type text".
typedef sb_testsink_line_t s_line_t;

typedef struct {
    s_line_t *lines;
    size_t count;
} s_sink_t;

//  --------------------------------------------------------------------------
//  Directories and processes

//  Kills a process at once, as a crash would, and reaps it.
static void
s_kill (sb_testproc_t *process)
{
    sb_testproc_signal (process, SIGKILL);
    assert_int_equal (sb_testproc_wait (process, S_STOP_MS, NULL), 0);
}

//  --------------------------------------------------------------------------
//  Brokers

//  Writes a broker config with the short timings every test uses, plus
//  extra lines for the broker section and the routes section (each
//  indented, or NULL).
static void
s_write_config (const char *path, const char *broker_extra, const char *routes)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fprintf (file,
        "#   test_broker: short timings, so that failures are found fast\n"
        "broker\n"
        "    heartbeat = 100\n"
        "    liveness = 3\n"
        "    visibility = 1000\n"
        "    poll = 20\n"
        "%s"
        "services\n"
        "    default\n"
        "        initial-interval = 20\n"
        "        max-interval = 100\n"
        "        lease = 2000\n"
        "routes\n"
        "%s", broker_extra? broker_extra: "", routes? routes: "");
    assert_int_equal (fclose (file), 0);
}

//  Sends command (with arg, or none) to broker on a client of its own, so
//  that a late reply cannot be taken for the next one. Returns the reply
//  (caller owns; REPLAYED is an integer), or NULL with the reason on
//  stderr after S_REPLY_MS or on an ERROR reply.
static json_t *
s_request_timed (s_fixture_t *self, size_t broker, const char *command, const char *arg,
                 int timeout_ms)
{
    char err [256];
    sb_client_t *client = sb_client_new (self->brokers [broker].endpoint, err, sizeof err);
    json_t *reply = client? sb_client_request (client, command, arg, timeout_ms,
                                               err, sizeof err): NULL;
    if (!reply && timeout_ms >= S_REPLY_MS)
        fprintf (stderr, "test_broker: %s to %s: %s\n", command,
                 self->brokers [broker].name, err);
    sb_client_destroy (&client);
    return reply;
}

static json_t *
s_request (s_fixture_t *self, size_t broker, const char *command, const char *arg)
{
    return s_request_timed (self, broker, command, arg, S_REPLY_MS);
}

//  Starts the broker process and waits until it answers STATS. Returns 0,
//  or -1 if it exited first (its port was taken) or never answered.
static int
s_broker_spawn (s_fixture_t *self, size_t index)
{
    s_broker_t *broker = &self->brokers [index];
    char *argv [] = {
        (char *) self->programs->broker, "--config", broker->config,
        "--endpoint", broker->endpoint, "--redis", (char *) sb_testredis_url (self->redis),
        "--name", broker->name, NULL
    };
    broker->process = sb_testproc_new (argv);
    assert_non_null (broker->process);
    int64_t deadline = zclock_mono () + S_READY_MS;
    while (zclock_mono () < deadline) {
        int status;
        if (sb_testproc_wait (broker->process, 0, &status) == 0) {
            fprintf (stderr, "test_broker: %s on %s exited with status %d\n", broker->name,
                     broker->endpoint, WIFEXITED (status)? WEXITSTATUS (status): -1);
            break;
        }
        json_t *stats = s_request_timed (self, index, SB_PROTO_STATS, NULL, 200);
        json_decref (stats);
        if (stats)
            return 0;
    }
    sb_testproc_destroy (&broker->process);
    return -1;
}

//  Starts broker index ("broker-a", "broker-b") on a free port with a config of
//  its own. A port taken between the probe and the bind makes the broker
//  exit at once: then another port is tried.
static void
s_broker_start (s_fixture_t *self, size_t index, const char *broker_extra, const char *routes)
{
    s_broker_t *broker = &self->brokers [index];
    char letter = (char) ('a' + index);
    snprintf (broker->name, sizeof broker->name, "broker-%c", letter);
    snprintf (broker->config, sizeof broker->config, "%s/broker-%c.zpl", self->dir, letter);
    s_write_config (broker->config, broker_extra, routes);
    for (int attempt = 0; attempt < S_START_ATTEMPTS; attempt++) {
        snprintf (broker->endpoint, sizeof broker->endpoint, "tcp://127.0.0.1:%d",
                  sb_testutil_free_port ());
        if (s_broker_spawn (self, index) == 0)
            return;
    }
    fail_msg ("%s did not start", broker->name);
}

//  Kills broker index with SIGKILL: nothing is flushed, nothing said.
static void
s_broker_kill (s_fixture_t *self, size_t index)
{
    s_kill (self->brokers [index].process);
    sb_testproc_destroy (&self->brokers [index].process);
}

//  The publishing client of broker index, made on first use.
static sb_client_t *
s_client (s_fixture_t *self, size_t broker)
{
    char err [256];
    if (!self->clients [broker])
        self->clients [broker] = sb_client_new (self->brokers [broker].endpoint, err, sizeof err);
    assert_non_null (self->clients [broker]);
    return self->clients [broker];
}

//  A service's figure in a STATS reply, or -1 if absent.
static int64_t
s_figure (json_t *stats, const char *service, const char *key)
{
    json_t *services = json_object_get (stats, "services");
    json_t *value = json_object_get (json_object_get (services, service), key);
    return json_is_integer (value)? json_integer_value (value): -1;
}

//  Polls STATS until service has count workers. Returns true if it did
//  within S_WAIT_MS.
static bool
s_wait_workers (s_fixture_t *self, size_t broker, const char *service, int64_t count)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = s_request (self, broker, SB_PROTO_STATS, NULL);
        int64_t workers = s_figure (stats, service, "workers");
        json_decref (stats);
        if (workers == count)
            return true;
        zclock_sleep (10);
    }
    return false;
}

//  Polls STATS until the backlog is empty: every message accepted is done
//  or dead-lettered, so every line the sink will write is written.
static bool
s_wait_drained (s_fixture_t *self, size_t broker)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = s_request (self, broker, SB_PROTO_STATS, NULL);
        json_int_t backlog = json_integer_value (json_object_get (stats, "backlog"));
        bool known = json_is_integer (json_object_get (stats, "backlog"));
        json_decref (stats);
        if (known && backlog == 0)
            return true;
        zclock_sleep (10);
    }
    return false;
}

//  --------------------------------------------------------------------------
//  Workers

//  Starts a testworker for service on broker; sinks record to the test's
//  sink file. The fixture stops it at the end.
static sb_testproc_t *
s_worker_start (s_fixture_t *self, size_t broker, const char *service, const char *instance,
                const char *capacity)
{
    assert_true (self->worker_count < S_MAX_WORKERS);
    bool sink = streq (service, "echo-sink");
    char *argv [] = {
        (char *) self->programs->worker, self->brokers [broker].endpoint, (char *) service,
        (char *) instance, (char *) capacity, sink? "--sink": NULL, self->sink, NULL
    };
    sb_testproc_t *worker = sb_testproc_new (argv);
    assert_non_null (worker);
    self->workers [self->worker_count++] = worker;
    return worker;
}

//  Starts an echo worker and a sink worker on broker and waits until the
//  broker has them (echo_count echo workers in all, one sink).
static void
s_workers_start (s_fixture_t *self, size_t broker, int64_t echo_count)
{
    s_worker_start (self, broker, "echo", "e1", "10");
    s_worker_start (self, broker, "echo-sink", "s1", "10");
    assert_true (s_wait_workers (self, broker, "echo", echo_count));
    assert_true (s_wait_workers (self, broker, "echo-sink", 1));
}

//  Kills every worker started so far, as a crash would.
static void
s_workers_kill (s_fixture_t *self)
{
    for (size_t index = 0; index < self->worker_count; index++)
        if (sb_testproc_signal (self->workers [index], SIGKILL) == 0)
            s_kill (self->workers [index]);
}

//  --------------------------------------------------------------------------
//  Publishing

//  Encodes an envelope of type with body (taken) and a new id, written to
//  id. Returns its msgpack bytes (caller frees) and their size in *size.
static uint8_t *
s_envelope (s_fixture_t *self, const char *type, const char *key, json_t *body,
            int64_t not_before_ms, int64_t deadline_ms, char id [SB_ID_LEN + 1], size_t *size)
{
    char err [256];
    assert_int_equal (sb_idgen_next (self->ids, 0, id), 0);
    sb_envelope_t *env = sb_envelope_new (type);
    assert_non_null (env);
    sb_envelope_set_id (env, id);
    sb_envelope_set_key (env, key);
    sb_envelope_set_corr (env, key);
    sb_envelope_set_src (env, "test_broker");
    sb_envelope_set_tenant (env, "test");
    sb_envelope_set_not_before_ms (env, not_before_ms);
    sb_envelope_set_deadline_ms (env, deadline_ms);
    assert_int_equal (sb_envelope_set_body (env, body), 0);
    uint8_t *data = NULL;
    if (sb_envelope_encode (env, &data, size, err, sizeof err))
        fail_msg ("cannot encode %s: %s", type, err);
    sb_envelope_destroy (&env);
    return data;
}

//  Publishes one envelope to broker and returns its reply in *reply.
static void
s_publish_envelope (s_fixture_t *self, size_t broker, const char *type, const char *key,
                    json_t *body, int64_t not_before_ms, int64_t deadline_ms,
                    char id [SB_ID_LEN + 1], sb_client_reply_t *reply)
{
    size_t size = 0;
    uint8_t *data = s_envelope (self, type, key, body, not_before_ms, deadline_ms, id, &size);
    int rc = sb_client_publish (s_client (self, broker), data, size, S_REPLY_MS, reply);
    free (data);
    if (rc)
        fail_msg ("publish %s: %s", key, reply->reason);
}

//  Publishes an echo.request with text and asserts it is ACKed with its id.
static void
s_publish_text (s_fixture_t *self, size_t broker, const char *key, const char *text,
                int64_t not_before_ms, int64_t deadline_ms, char id [SB_ID_LEN + 1])
{
    sb_client_reply_t reply;
    s_publish_envelope (self, broker, "echo.request", key, json_pack ("{s:s}", "text", text),
                        not_before_ms, deadline_ms, id, &reply);
    if (reply.outcome != SB_CLIENT_ACK)
        fail_msg ("publish %s: not ACKed: %s %s", key, reply.code, reply.reason);
    assert_string_equal (reply.id, id);
}

//  Publishes count echo.requests with text, keys "prefix-N", all at once
//  (pipelined, as a busy publisher would), and asserts each is ACKed with
//  its own id. ids receives the ids (count rows).
static void
s_publish_many (s_fixture_t *self, size_t broker, size_t count, const char *text,
                const char *prefix, char (*ids) [SB_ID_LEN + 1])
{
    sb_client_t *client = s_client (self, broker);
    for (size_t index = 0; index < count; index++) {
        char key [64];
        snprintf (key, sizeof key, "%s-%zu", prefix, index);
        size_t size = 0;
        uint8_t *data = s_envelope (self, "echo.request", key,
                                    json_pack ("{s:s}", "text", text), 0, 0, ids [index], &size);
        assert_int_equal (sb_client_send_publish (client, key, data, size), 0);
        free (data);
    }
    for (size_t answered = 0; answered < count; answered++) {
        sb_client_reply_t reply;
        if (sb_client_recv_reply (client, S_REPLY_MS, &reply))
            fail_msg ("publish %s: %s", prefix, reply.reason);
        size_t index = strtoul (strrchr (reply.token, '-') + 1, NULL, 10);
        assert_true (index < count);
        assert_int_equal (reply.outcome, SB_CLIENT_ACK);
        assert_string_equal (reply.id, ids [index]);
    }
}

//  The id of the echo.reply the echo worker emits for request id.
static void
s_reply_id (const char *request_id, char reply_id [SB_ID_LEN + 1])
{
    assert_int_equal (sb_id_derive (request_id, 0, reply_id), 0);
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

//  How many distinct ids of type the sink saw.
static size_t
s_sink_distinct (const s_sink_t *sink, const char *type)
{
    zhashx_t *seen = zhashx_new ();
    for (size_t index = 0; index < sink->count; index++)
        if (streq (sink->lines [index].type, type))
            zhashx_insert (seen, sink->lines [index].id, (void *) "");
    size_t distinct = zhashx_size (seen);
    zhashx_destroy (&seen);
    return distinct;
}

//  How many lines the sink has for id; *first_attempts counts those of a
//  first delivery attempt (may be NULL).
static size_t
s_sink_lines_for (const s_sink_t *sink, const char *id, size_t *first_attempts)
{
    size_t lines = 0, firsts = 0;
    for (size_t index = 0; index < sink->count; index++)
        if (streq (sink->lines [index].id, id)) {
            lines++;
            firsts += sink->lines [index].attempt == 1;
        }
    if (first_attempts)
        *first_attempts = firsts;
    return lines;
}

//  Polls the sink until it has seen wanted distinct ids of type. Returns
//  the number seen at the end (wanted, or fewer at the deadline).
static size_t
s_sink_wait (s_fixture_t *self, const char *type, size_t wanted, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    size_t distinct = 0;
    while (true) {
        s_sink_t sink;
        s_sink_load (self, &sink);
        distinct = s_sink_distinct (&sink, type);
        free (sink.lines);
        if (distinct >= wanted || zclock_mono () >= deadline)
            return distinct;
        zclock_sleep (5);
    }
}

//  Asserts that each request's echo.reply reached the sink, and that no
//  reply was recorded twice on a first attempt: a repeat is only allowed
//  as a redelivery (at-least-once), never as a second stored message.
static void
s_assert_replies (s_fixture_t *self, char (*ids) [SB_ID_LEN + 1], size_t count)
{
    s_sink_t sink;
    s_sink_load (self, &sink);
    assert_int_equal (s_sink_distinct (&sink, "echo.reply"), count);
    for (size_t index = 0; index < count; index++) {
        char reply_id [SB_ID_LEN + 1];
        s_reply_id (ids [index], reply_id);
        size_t first_attempts = 0;
        if (s_sink_lines_for (&sink, reply_id, &first_attempts) == 0 || first_attempts > 1)
            fail_msg ("reply to %s: %zu lines, %zu of them first attempts", ids [index],
                      s_sink_lines_for (&sink, reply_id, NULL), first_attempts);
    }
    free (sink.lines);
}

//  --------------------------------------------------------------------------
//  Dead letters and Redis

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
s_dlq_wait (s_fixture_t *self, const char *first, const char *first_stale,
            const char *second, const char *second_stale)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *entries = s_request (self, 0, SB_PROTO_DLQ_LIST, "100");
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

//  Connects to the test's Redis, as an operator's redis-cli would.
static redisContext *
s_redis (s_fixture_t *self)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_non_null (redis);
    return redis;
}

//  How many entries of service's queue consumer holds unanswered (its
//  pending entries in the consumer group).
static long long
s_pending_of (s_fixture_t *self, const char *service, const char *consumer)
{
    redisContext *redis = s_redis (self);
    redisReply *reply = (redisReply *) redisCommand (redis, "XPENDING sb:q:%s %s", service,
                                                     SB_STORE_GROUP);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    long long pending = 0;
    redisReply *consumers = reply->elements == 4? reply->element [3]: NULL;
    for (size_t index = 0; consumers && index < consumers->elements; index++) {
        redisReply *pair = consumers->element [index];
        if (pair->elements == 2 && streq (pair->element [0]->str, consumer))
            pending = strtoll (pair->element [1]->str, NULL, 10);
    }
    freeReplyObject (reply);
    redisFree (redis);
    return pending;
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
    int size = snprintf (self->dir, sizeof self->dir, "%s/sb-test-broker-XXXXXX",
                         tmpdir && *tmpdir? tmpdir: "/tmp");
    assert_true (size > 0 && (size_t) size < sizeof self->dir);
    assert_non_null (mkdtemp (self->dir));
    snprintf (self->sink, sizeof self->sink, "%s/sink.txt", self->dir);
    self->ids = sb_idgen_new ();
    self->redis = sb_testredis_new (NULL);
    *state = self;
    return self->ids && self->redis? 0: -1;
}

//  Stops everything the test started, workers first (so they say BYE),
//  then the brokers, then Redis, and removes the test's directory. Fails
//  if a process did not exit cleanly on SIGTERM.
static int
s_teardown (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    int rc = 0;
    for (size_t index = 0; index < S_MAX_BROKERS; index++)
        sb_client_destroy (&self->clients [index]);
    for (size_t index = 0; index < self->worker_count; index++)
        if (sb_testproc_stop (&self->workers [index], S_STOP_MS, "a testworker"))
            rc = -1;
    for (size_t index = 0; index < S_MAX_BROKERS; index++)
        if (sb_testproc_stop (&self->brokers [index].process, S_STOP_MS, self->brokers [index].name))
            rc = -1;
    sb_testredis_destroy (&self->redis);
    sb_idgen_destroy (&self->ids);
    sb_testutil_remove_tree (self->dir);
    free (self);
    return rc;
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

static void
test_publish_replies (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    //  echo.reply routed to no service: its publishes must be refused
    s_broker_start (self, 0, NULL, "    echo.reply = \"\"\n");
    char first [SB_ID_LEN + 1], second [SB_ID_LEN + 1];
    sb_client_reply_t reply;
    s_publish_envelope (self, 0, "echo.request", "same-key", json_pack ("{s:s}", "text", "hi"),
                        0, 0, first, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_ACK);
    assert_string_equal (reply.id, first);

    //  Same key, new id: a duplicate, answered with the first id
    s_publish_envelope (self, 0, "echo.request", "same-key", json_pack ("{s:s}", "text", "hi"),
                        0, 0, second, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_DUP);
    assert_string_equal (reply.id, first);
    assert_string_not_equal (second, first);

    //  Schema failures name the field
    s_publish_envelope (self, 0, "echo.request", "no-text", json_pack ("{s:s}", "txt", "hi"),
                        0, 0, second, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_NACK);
    assert_string_equal (reply.code, "invalid");
    assert_non_null (strstr (reply.reason, "body.text"));
    s_publish_envelope (self, 0, "echo.request", "int-text", json_pack ("{s:i}", "text", 5),
                        0, 0, second, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_NACK);
    assert_string_equal (reply.code, "invalid");
    assert_non_null (strstr (reply.reason, "body.text"));

    //  A known type routed nowhere, and a type no schema defines
    s_publish_envelope (self, 0, "echo.reply", "unrouted",
                        json_pack ("{s:s, s:i}", "text", "hi", "echoed_at_ms", 1),
                        0, 0, second, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_NACK);
    assert_string_equal (reply.code, "unknown-type");
    assert_non_null (strstr (reply.reason, "echo.reply"));
    s_publish_envelope (self, 0, "echo.unknown", "unknown", json_pack ("{s:s}", "text", "hi"),
                        0, 0, second, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_NACK);
    assert_string_equal (reply.code, "unknown-type");
    assert_non_null (strstr (reply.reason, "echo.unknown"));

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
    zsock_t *dealer = zsock_new_dealer (self->brokers [0].endpoint);
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
    s_publish_text (self, 0, "after-garbage", "ok", 0, 0, second);
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_non_null (stats);
    assert_int_equal (json_integer_value (json_object_get (stats, "published")), 2);
    assert_int_equal (json_integer_value (json_object_get (stats, "duplicates")), 1);
    assert_int_equal (json_integer_value (json_object_get (stats, "backlog")), 2);
    assert_true (json_integer_value (json_object_get (stats, "malformed")) >= 5);
    json_decref (stats);
    assert_int_equal (sb_testproc_wait (self->brokers [0].process, 0, NULL), -1);
}

//  --------------------------------------------------------------------------
//  2. End to end: every request's reply reaches the sink exactly once

static void
test_end_to_end (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    s_workers_start (self, 0, 1);
    //  testpublish, as a user would run it; a second run with the same
    //  keys must store nothing new
    for (int run = 0; run < 2; run++) {
        char *argv [] = { (char *) self->programs->publish, self->brokers [0].endpoint,
                          "50", "ok", "e2e", "--window", "10", NULL };
        sb_testproc_t *publisher = sb_testproc_new (argv);
        assert_non_null (publisher);
        int status = -1;
        assert_int_equal (sb_testproc_wait (publisher, S_WAIT_MS, &status), 0);
        sb_testproc_destroy (&publisher);
        assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
        assert_true (s_wait_drained (self, 0));
    }
    s_sink_t sink;
    s_sink_load (self, &sink);
    assert_int_equal (s_sink_distinct (&sink, "echo.reply"), 50);
    assert_int_equal (sink.count, 50);   //  each exactly once
    for (size_t index = 0; index < sink.count; index++) {
        assert_string_equal (sink.lines [index].type, "echo.reply");
        assert_string_equal (sink.lines [index].text, "ok");
    }
    free (sink.lines);
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_int_equal (json_integer_value (json_object_get (stats, "published")), 50);
    assert_int_equal (json_integer_value (json_object_get (stats, "duplicates")), 50);
    assert_int_equal (s_figure (stats, "echo", "completed"), 50);
    assert_int_equal (s_figure (stats, "echo-sink", "completed"), 50);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  3. A broker killed mid-stream loses nothing it ACKed

static void
test_broker_crash (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    s_workers_start (self, 0, 1);
    char ids [200][SB_ID_LEN + 1];
    s_publish_many (self, 0, 200, "slow:5", "crash", ids);
    size_t before = s_sink_wait (self, "echo.reply", 20, S_WAIT_MS);
    s_broker_kill (self, 0);
    assert_true (before >= 20);
    if (s_sink_wait (self, "echo.reply", 200, 0) >= 200)
        fail_msg ("everything was done before the kill: the test proves nothing");

    //  The scenario, not a synchronisation: the echo worker works through
    //  the deliveries it holds (5 ms each) and its DONEs, with their
    //  replies, are lost with the broker; those come back as attempt 2 and
    //  their replies must then be stored once
    zclock_sleep (200);
    //  testworker says HELLO once: workers of the dead broker are replaced
    s_workers_kill (self);
    assert_int_equal (s_broker_spawn (self, 0), 0);
    s_workers_start (self, 0, 1);
    assert_int_equal (s_sink_wait (self, "echo.reply", 200, S_WAIT_MS), 200);
    assert_true (s_wait_drained (self, 0));
    s_assert_replies (self, ids, 200);
}

//  --------------------------------------------------------------------------
//  4. A worker that dies holding a message: redelivered once, done once

static void
test_worker_crash (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    sb_testproc_t *first = s_worker_start (self, 0, "echo", "e1", "1");
    sb_testproc_t *second = s_worker_start (self, 0, "echo", "e2", "1");
    s_worker_start (self, 0, "echo-sink", "s1", "10");
    assert_true (s_wait_workers (self, 0, "echo", 2));
    assert_true (s_wait_workers (self, 0, "echo-sink", 1));

    char id [SB_ID_LEN + 1], reply_id [SB_ID_LEN + 1];
    s_publish_text (self, 0, "crash-once", "crash-once", 0, 0, id);
    assert_int_equal (s_sink_wait (self, "echo.reply", 1, S_WAIT_MS), 1);
    assert_true (s_wait_drained (self, 0));

    //  The worker that had attempt 1 exited; the other did attempt 2 (on
    //  attempt 1 it would have exited too)
    int status_first = 0, status_second = 0;
    bool first_gone = sb_testproc_wait (first, 0, &status_first) == 0;
    bool second_gone = sb_testproc_wait (second, 0, &status_second) == 0;
    assert_true (first_gone != second_gone);
    int status = first_gone? status_first: status_second;
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 3);

    s_sink_t sink;
    s_sink_load (self, &sink);
    s_reply_id (id, reply_id);
    assert_int_equal (sink.count, 1);
    assert_string_equal (sink.lines [0].id, reply_id);
    assert_string_equal (sink.lines [0].text, "crash-once");
    free (sink.lines);
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_int_equal (s_figure (stats, "echo", "delivered"), 2);
    assert_int_equal (s_figure (stats, "echo", "completed"), 1);
    assert_int_equal (s_figure (stats, "echo", "workers"), 1);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  5. Retries run out into the dead-letter queue; replay brings them back

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

static void
test_dead_letters (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    s_worker_start (self, 0, "echo", "e1", "10");
    assert_true (s_wait_workers (self, 0, "echo", 1));
    char retry [SB_ID_LEN + 1], fail [SB_ID_LEN + 1];
    s_publish_text (self, 0, "retry", "retry", 0, 0, retry);
    s_publish_text (self, 0, "fail", "fail", 0, 0, fail);

    json_t *entries = s_dlq_wait (self, retry, NULL, fail, NULL);
    assert_non_null (entries);
    assert_int_equal (json_array_size (entries), 2);
    s_assert_dead_letter (s_dlq_entry (entries, retry, NULL), 3, 3, "exhausted");
    s_assert_dead_letter (s_dlq_entry (entries, fail, NULL), 1, 1, "asked to fail");
    char *retry_entry = s_entry_id (s_dlq_entry (entries, retry, NULL));
    char *fail_entry = s_entry_id (s_dlq_entry (entries, fail, NULL));
    json_decref (entries);

    //  One entry: back to the queue, failed again, dead-lettered again
    json_t *replayed = s_request (self, 0, SB_PROTO_DLQ_REPLAY, fail_entry);
    assert_int_equal (json_integer_value (replayed), 1);
    json_decref (replayed);
    entries = s_dlq_wait (self, fail, fail_entry, NULL, NULL);
    assert_non_null (entries);
    assert_int_equal (json_array_size (entries), 2);
    s_assert_dead_letter (s_dlq_entry (entries, fail, NULL), 1, 1, "asked to fail");
    //  The replayed entry is gone: replaying it again finds nothing
    replayed = s_request (self, 0, SB_PROTO_DLQ_REPLAY, fail_entry);
    assert_int_equal (json_integer_value (replayed), 0);
    json_decref (replayed);
    free (fail_entry);
    fail_entry = s_entry_id (s_dlq_entry (entries, fail, NULL));
    json_decref (entries);

    //  All of them, attempts reset: "retry" runs its three attempts again
    replayed = s_request (self, 0, SB_PROTO_DLQ_REPLAY, "all");
    assert_int_equal (json_integer_value (replayed), 2);
    json_decref (replayed);
    entries = s_dlq_wait (self, retry, retry_entry, fail, fail_entry);
    assert_non_null (entries);
    assert_int_equal (json_array_size (entries), 2);
    s_assert_dead_letter (s_dlq_entry (entries, retry, NULL), 3, 3, "exhausted");
    s_assert_dead_letter (s_dlq_entry (entries, fail, NULL), 1, 1, "asked to fail");
    json_decref (entries);
    free (retry_entry);
    free (fail_entry);
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_int_equal (json_integer_value (json_object_get (stats, "dead_letters")), 2);
    assert_int_equal (s_figure (stats, "echo", "dead_lettered"), 5);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  6. Two brokers on one Redis: a dead broker's deliveries are reclaimed

static void
test_failover (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    s_broker_start (self, 1, NULL, NULL);
    s_workers_start (self, 0, 1);
    char ids [100][SB_ID_LEN + 1];
    s_publish_many (self, 0, 100, "slow:20", "failover", ids);
    assert_true (s_sink_wait (self, "echo.reply", 5, S_WAIT_MS) >= 5);
    s_broker_kill (self, 0);
    s_workers_kill (self);
    //  What only the visibility time-out can give back: A's pending work
    long long held = s_pending_of (self, "echo", "broker-a");
    assert_true (held > 0);
    assert_true (s_sink_wait (self, "echo.reply", 100, 0) < 100);

    s_workers_start (self, 1, 1);
    assert_int_equal (s_sink_wait (self, "echo.reply", 100, S_WAIT_MS), 100);
    assert_true (s_wait_drained (self, 1));
    s_assert_replies (self, ids, 100);
    assert_int_equal (s_pending_of (self, "echo", "broker-a"), 0);
    assert_int_equal (s_pending_of (self, "echo-sink", "broker-a"), 0);
}

//  --------------------------------------------------------------------------
//  7. A message past its deadline is dead-lettered, never delivered

static void
test_deadline (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    s_worker_start (self, 0, "echo-sink", "s1", "10");
    assert_true (s_wait_workers (self, 0, "echo-sink", 1));
    char late [SB_ID_LEN + 1], control [SB_ID_LEN + 1];
    s_publish_text (self, 0, "late", "ok", 0, zclock_time () + 100, late);
    //  The scenario, not a synchronisation: the deadline passes while no
    //  echo worker is there
    zclock_sleep (300);
    s_worker_start (self, 0, "echo", "e1", "10");
    json_t *entries = s_dlq_wait (self, late, NULL, NULL, NULL);
    assert_non_null (entries);
    json_t *entry = s_dlq_entry (entries, late, NULL);
    assert_non_null (strstr (json_string_value (json_object_get (entry, "reason")), "deadline"));
    json_decref (entries);

    //  A message published after it goes through: had the late one been
    //  delivered, its reply would be there too
    s_publish_text (self, 0, "control", "ok", 0, 0, control);
    assert_int_equal (s_sink_wait (self, "echo.reply", 1, S_WAIT_MS), 1);
    assert_true (s_wait_drained (self, 0));
    s_sink_t sink;
    s_sink_load (self, &sink);
    char late_reply [SB_ID_LEN + 1], control_reply [SB_ID_LEN + 1];
    s_reply_id (late, late_reply);
    s_reply_id (control, control_reply);
    assert_int_equal (sink.count, 1);
    assert_string_equal (sink.lines [0].id, control_reply);
    assert_int_equal (s_sink_lines_for (&sink, late_reply, NULL), 0);
    free (sink.lines);
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_int_equal (s_figure (stats, "echo", "delivered"), 1);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  8. not_before delays delivery until then

static void
test_not_before (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    s_workers_start (self, 0, 1);
    char id [SB_ID_LEN + 1], reply_id [SB_ID_LEN + 1];
    int64_t not_before = zclock_time () + 500;
    s_publish_text (self, 0, "later", "ok", not_before, 0, id);
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_int_equal (s_figure (stats, "echo", "delayed"), 1);
    json_decref (stats);

    assert_int_equal (s_sink_wait (self, "echo.reply", 1, S_WAIT_MS), 1);
    s_sink_t sink;
    s_sink_load (self, &sink);
    s_reply_id (id, reply_id);
    assert_int_equal (sink.count, 1);
    assert_string_equal (sink.lines [0].id, reply_id);
    if (sink.lines [0].at_ms < not_before)
        fail_msg ("delivered %" PRId64 " ms before its not_before",
                  not_before - sink.lines [0].at_ms);
    //  The broker looks for due work at least once a second
    assert_true (sink.lines [0].at_ms < not_before + 5000);
    free (sink.lines);
}

//  --------------------------------------------------------------------------
//  9. Back-pressure: past max-backlog, publishes are refused

static void
test_backpressure (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, "    max-backlog = 5\n", NULL);
    char ids [5][SB_ID_LEN + 1], id [SB_ID_LEN + 1];
    s_publish_many (self, 0, 5, "ok", "bp", ids);
    sb_client_reply_t reply;
    s_publish_envelope (self, 0, "echo.request", "bp-5", json_pack ("{s:s}", "text", "ok"),
                        0, 0, id, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_NACK);
    assert_string_equal (reply.code, "over-capacity");
    //  A duplicate is still recognised: it would store nothing
    s_publish_envelope (self, 0, "echo.request", "bp-0", json_pack ("{s:s}", "text", "ok"),
                        0, 0, id, &reply);
    assert_int_equal (reply.outcome, SB_CLIENT_DUP);
    assert_string_equal (reply.id, ids [0]);
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_int_equal (json_integer_value (json_object_get (stats, "backlog")), 5);
    assert_int_equal (json_integer_value (json_object_get (stats, "refused")), 1);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  10. Fan-out: one publish, one copy for each routed service

static void
test_fanout (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, "    echo.request = \"echo echo-sink\"\n");
    s_workers_start (self, 0, 1);
    char id [SB_ID_LEN + 1], reply_id [SB_ID_LEN + 1];
    s_publish_text (self, 0, "fan", "ok", 0, 0, id);
    assert_int_equal (s_sink_wait (self, "echo.reply", 1, S_WAIT_MS), 1);
    assert_int_equal (s_sink_wait (self, "echo.request", 1, S_WAIT_MS), 1);
    assert_true (s_wait_drained (self, 0));
    s_sink_t sink;
    s_sink_load (self, &sink);
    s_reply_id (id, reply_id);
    assert_int_equal (sink.count, 2);
    assert_int_equal (s_sink_lines_for (&sink, id, NULL), 1);
    assert_int_equal (s_sink_lines_for (&sink, reply_id, NULL), 1);
    free (sink.lines);
}

//  --------------------------------------------------------------------------
//  11. STATS tells who is connected

static void
test_stats (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_broker_start (self, 0, NULL, NULL);
    s_worker_start (self, 0, "echo", "e1", "4");
    sb_testproc_t *second = s_worker_start (self, 0, "echo", "e2", "4");
    assert_true (s_wait_workers (self, 0, "echo", 2));
    json_t *stats = s_request (self, 0, SB_PROTO_STATS, NULL);
    assert_non_null (stats);
    assert_string_equal (json_string_value (json_object_get (stats, "broker")), "broker-a");
    assert_string_equal (json_string_value (json_object_get (stats, "endpoint")),
                         self->brokers [0].endpoint);
    assert_string_equal (json_string_value (json_object_get (stats, "storage")), "ok");
    assert_int_equal (s_figure (stats, "echo", "workers"), 2);
    assert_int_equal (s_figure (stats, "echo", "capacity"), 8);
    assert_int_equal (s_figure (stats, "echo-sink", "workers"), 0);
    assert_int_equal (json_integer_value (json_object_get (stats, "backlog")), 0);
    json_decref (stats);
    //  A worker that dies silently is counted out after its heartbeats
    s_kill (second);
    assert_true (s_wait_workers (self, 0, "echo", 1));
}

//  --------------------------------------------------------------------------
//  12. Fencing in the store: an answer for a superseded attempt is refused

static void
s_msg_destructor (void **item)
{
    sb_store_msg_destroy ((sb_store_msg_t **) item);
}

//  A store on the test's Redis as broker consumer.
static sb_store_t *
s_store (s_fixture_t *self, const char *consumer)
{
    char err [256];
    sb_store_t *store = sb_store_new (sb_testredis_url (self->redis), "sb:", consumer, NULL,
                                      2000, err, sizeof err);
    if (!store)
        fail_msg ("store: %s", err);
    return store;
}

//  Stores one message for "svc" and returns its id in id.
static void
s_store_put (s_fixture_t *self, sb_store_t *store, const char *key, char id [SB_ID_LEN + 1])
{
    size_t size = 0;
    uint8_t *data = s_envelope (self, "echo.request", key, json_pack ("{s:s}", "text", "x"),
                                0, 0, id, &size);
    const char *services [] = { "svc" };
    sb_store_put_t put = { key, id, data, size, 0, services, 1 };
    sb_store_put_result_t result;
    assert_int_equal (sb_store_publish (store, &put, 1, zclock_time (), 60000, 1000, &result), 0);
    assert_int_equal (result.status, SB_STORE_STORED);
    free (data);
}

//  Applies DONE for msg as held with delivery_count, by a store that
//  holds one entry of "svc"; returns true if applied, false if fenced.
static bool
s_store_done (sb_store_t *store, sb_store_msg_t *msg, uint32_t delivery_count)
{
    sb_store_op_t op = { .kind = SB_STORE_DONE, .service = "svc", .stream_id = msg->stream_id,
                         .delivery_count = delivery_count, .held = 1,
                         .envelope_id = msg->envelope_id, .attempts = delivery_count };
    sb_store_status_t outcome = SB_STORE_FAILED;
    assert_int_equal (sb_store_complete (store, &op, 1, zclock_time (), 60000, &outcome), 0);
    assert_true (outcome == SB_STORE_APPLIED || outcome == SB_STORE_STALE);
    return outcome == SB_STORE_APPLIED;
}

static void
test_store_fencing (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    sb_store_t *store = s_store (self, "c1");
    sb_store_t *other = s_store (self, "c2");
    zlistx_t *msgs = zlistx_new ();
    zlistx_set_destructor (msgs, s_msg_destructor);
    assert_int_equal (sb_store_ensure_service (store, "svc"), 0);
    char id [SB_ID_LEN + 1];
    s_store_put (self, store, "fence-1", id);
    assert_int_equal (sb_store_fetch (store, "svc", 10, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 1);
    sb_store_msg_t *msg = (sb_store_msg_t *) zlistx_first (msgs);
    assert_string_equal (msg->envelope_id, id);
    assert_int_equal (msg->delivery_count, 1);

    //  Claimed again (its worker died): a new attempt, count 2
    const char *stream_ids [] = { msg->stream_id };
    assert_int_equal (sb_store_claim (store, "svc", "ids", 0, 10, stream_ids, 1, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 2);
    sb_store_msg_t *again = (sb_store_msg_t *) zlistx_last (msgs);
    assert_string_equal (again->stream_id, msg->stream_id);
    assert_int_equal (again->delivery_count, 2);
    //  Another consumer cannot take it by id
    assert_int_equal (sb_store_claim (other, "svc", "ids", 0, 10, stream_ids, 1, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 2);
    assert_false (s_store_done (store, msg, 1));   //  the old attempt: stale
    assert_true (s_store_done (store, again, 2));
    assert_false (s_store_done (store, again, 2));   //  done once only
    zlistx_purge (msgs);

    //  A second broker takes a stale delivery only after min_idle
    s_store_put (self, store, "fence-2", id);
    int64_t fetched = zclock_mono ();
    assert_int_equal (sb_store_fetch (store, "svc", 10, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 1);
    msg = (sb_store_msg_t *) zlistx_first (msgs);
    assert_int_equal (sb_store_claim (other, "svc", "stale", 500, 10, NULL, 0, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 1);   //  too fresh to take
    while (zlistx_size (msgs) == 1 && zclock_mono () < fetched + S_WAIT_MS) {
        assert_int_equal (sb_store_claim (other, "svc", "stale", 500, 10, NULL, 0, msgs), 0);
        if (zlistx_size (msgs) == 1)
            zclock_sleep (10);
    }
    assert_int_equal (zlistx_size (msgs), 2);
    //  Redis and we each count whole milliseconds: allow for both
    assert_true (zclock_mono () - fetched >= 500 - 2);
    again = (sb_store_msg_t *) zlistx_last (msgs);
    assert_string_equal (again->envelope_id, id);
    assert_int_equal (again->delivery_count, 2);
    assert_false (s_store_done (store, msg, 1));   //  c1 lost it
    assert_true (s_store_done (other, again, 2));

    zlistx_destroy (&msgs);
    sb_store_destroy (&store);
    sb_store_destroy (&other);
}

//  --------------------------------------------------------------------------

int
main (int argc, char *argv [])
{
    if (argc < 4) {
        fprintf (stderr, "Usage: test_broker BROKER TESTWORKER TESTPUBLISH\n");
        return 64;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return S_EXIT_SKIP;
    }
    s_programs_t programs = { argv [1], argv [2], argv [3] };
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_publish_replies, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_end_to_end, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_broker_crash, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_worker_crash, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_dead_letters, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_failover, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_deadline, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_not_before, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_backpressure, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_fanout, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_stats, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_store_fencing, s_setup, s_teardown,
                                                  &programs),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
