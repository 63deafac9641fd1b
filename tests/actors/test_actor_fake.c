/*  test_actor_fake.c — the actor runtime's integration tests (actors/
    runtime/) against a fake broker: the echo actor (actors/echo/echo.c)
    run as a real process, connected to a ROUTER socket in this test, to
    see exactly what the runtime sends and answers: HELLO, heartbeats at
    the WELCOME's interval, FAIL for an invalid message, DONE with the
    reply's header filled, HELLO again when told it is not registered, a
    new connection after a silent broker, DRAIN and BYE on SIGTERM within
    its grace or after it; with either threads setting, no answer on a
    connection other than the one its message came on. Run inline
    (--threads off): a burst answered in order, no threads of its own but
    the main one, the drain answering what is queued; a bad threads value
    refused at start. test_actor.c runs it against a real broker.

    Each synchronises on the fake broker's socket, polling with a deadline.

    Usage: test_actor_fake BROKER ECHO [TEST]   (paths of the programs,
    which CTest passes; TEST runs only the tests whose names match). Exits
    77 (skipped) without redis-server, as test_actor does.                  */

#include "sb_classes.h"
#include "sb_testworld.h"
#include <signal.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_ECHO      1           //  echo's path in the world's programs
#define S_WAIT_MS   SB_TESTWORLD_WAIT_MS
#define S_REPLY_MS  SB_TESTWORLD_REPLY_MS

//  One test's world (its directory, the echo actor) and the fake broker:
//  its ROUTER, where it listens, and the actor's identity on it.
typedef struct {
    sb_testworld_t *world;
    zsock_t *fake;
    char *fake_endpoint;
    zframe_t *peer;
} s_fixture_t;

//  --------------------------------------------------------------------------
//  The fake broker

//  Receives the next message from the actor within timeout_ms, skipping
//  HEARTBEATs (unless wanted is HEARTBEAT). Returns its arguments (the
//  caller destroys them) with the sender's identity in *identity_p (the
//  caller destroys it, may be NULL) and its command in got (may be NULL),
//  or NULL at the deadline. wanted NULL takes any command; otherwise any
//  other command, like a malformed message, fails the test.
static zmsg_t *
s_fake_receive (s_fixture_t *self, const char *wanted, int timeout_ms, zframe_t **identity_p,
                char got [SB_PROTO_COMMAND_MAX + 1])
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
        if (wanted? streq (command, wanted): !streq (command, SB_PROTO_HEARTBEAT)) {
            found = msg;
            msg = NULL;
            if (identity_p)
                *identity_p = zframe_dup (identity);
            if (got)
                snprintf (got, SB_PROTO_COMMAND_MAX + 1, "%s", command);
        }
        else
        if (!streq (command, SB_PROTO_HEARTBEAT))
            snprintf (unexpected, sizeof unexpected, "%s", command);
        zmsg_destroy (&msg);
        zframe_destroy (&identity);
    }
    zpoller_destroy (&poller);
    if (*unexpected)
        fail_msg ("the actor sent %s, expected %s", unexpected, wanted? wanted: "a command");
    return found;
}

static zmsg_t *
s_fake_expect (s_fixture_t *self, const char *wanted, int timeout_ms, zframe_t **identity_p)
{
    return s_fake_receive (self, wanted, timeout_ms, identity_p, NULL);
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
    assert_int_equal (sb_idgen_next (self->world->ids, 0, id), 0);
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
    assert_int_equal (sb_idgen_next (self->world->ids, 0, id), 0);
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

//  Checks that done (DONE's arguments, destroyed) answers handle with the
//  one echo.reply emitted for request id (text, delivered as attempt),
//  and the header the runtime filled.
static void
s_done_check (zmsg_t *done, const char *handle, const char *id, const char *text,
              unsigned attempt)
{
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

//  Waits for DONE handle and checks it as s_done_check does.
static void
s_fake_done (s_fixture_t *self, const char *handle, const char *id, const char *text,
             unsigned attempt)
{
    zmsg_t *done = s_fake_expect (self, SB_PROTO_DONE, S_WAIT_MS, NULL);
    if (!done)
        fail_msg ("no DONE for %s", handle);
    s_done_check (done, handle, id, text, attempt);
}

//  Binds the fake broker on an ephemeral port, starts an echo actor
//  (instance fake-1) with grace, capacity and threads (NULL: echo's own
//  setting) on it, and waits for its HELLO: its identity is then
//  self->peer. Returns the actor.
static sb_testproc_t *
s_fake_start_with (s_fixture_t *self, const char *grace, int capacity, const char *threads)
{
    self->fake = zsock_new (ZMQ_ROUTER);
    assert_non_null (self->fake);
    zsock_set_linger (self->fake, 0);
    assert_true (zsock_bind (self->fake, "tcp://127.0.0.1:*") > 0);
    self->fake_endpoint = zsock_last_endpoint (self->fake);
    assert_non_null (self->fake_endpoint);
    char stats [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_path (self->world, "fake-1.stats", stats, sizeof stats), 0);
    char *stats_endpoint = zsys_sprintf ("ipc://%s", stats);
    char count [16];
    snprintf (count, sizeof count, "%d", capacity);
    char *argv [] = { self->world->programs [S_ECHO], "--broker", self->fake_endpoint,
                      "--instance", "fake-1", "--capacity", count, "--grace", (char *) grace,
                      "--stats", stats_endpoint, threads? "--threads": NULL,
                      (char *) threads, NULL };
    sb_testproc_t *echo = sb_testworld_spawn (self->world, argv, "echo fake-1");
    zstr_free (&stats_endpoint);
    assert_non_null (echo);
    self->peer = s_fake_hello (self, "fake-1", capacity);
    return echo;
}

//  The same with capacity 2 and echo's own threads setting (worker threads).
static sb_testproc_t *
s_fake_start (s_fixture_t *self, const char *grace)
{
    return s_fake_start_with (self, grace, 2, NULL);
}

//  Delivers a slow request (slow_ms, its id in slow) and then a fast one,
//  waits for the fast one's DONE (which proves the slow one, sent first,
//  has arrived), SIGTERMs echo and waits for its DRAIN.
static void
s_fake_sigterm_while_busy (s_fixture_t *self, sb_testproc_t *echo, int slow_ms,
                           char slow [SB_ID_LEN + 1])
{
    char fast [SB_ID_LEN + 1];
    size_t size = 0;
    uint8_t *data = s_valid_request (self, "fake:slow", slow_ms, slow, &size);
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
}

//  Waits for BYE, then for echo to exit 0 (what says why it stopped).
static void
s_fake_bye (s_fixture_t *self, sb_testproc_t *echo, const char *what)
{
    zmsg_t *bye = s_fake_expect (self, SB_PROTO_BYE, S_REPLY_MS, NULL);
    assert_non_null (bye);
    zmsg_destroy (&bye);
    assert_int_equal (sb_testproc_wait_clean (echo, SB_TESTWORLD_STOP_MS, what), 0);
}

//  --------------------------------------------------------------------------
//  1. Heartbeats, FAIL for what is invalid, DONE for what is not, HELLO
//     again, a new connection after a silent broker, DRAIN and BYE

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
    //  Its handler runs on worker threads: capacity 2, two of them (what
    //  the inline tests count to find none)
    assert_int_equal (sb_testproc_own_threads (sb_testproc_pid (echo)), 2);

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
    char slow [SB_ID_LEN + 1];
    s_fake_sigterm_while_busy (self, echo, 300, slow);
    s_fake_done (self, "h-slow", slow, "fake:slow", 1);
    s_fake_bye (self, echo, "echo on SIGTERM");
}

//  --------------------------------------------------------------------------
//  2. The grace period ends with a handler still running: DRAIN, BYE
//     without its answer (the broker redelivers it), exit 0 all the same

static void
test_fake_grace_expires (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    sb_testproc_t *echo = s_fake_start (self, "100");
    s_fake_welcome (self, self->peer, 100, 100);
    char slow [SB_ID_LEN + 1];
    s_fake_sigterm_while_busy (self, echo, 3000, slow);
    //  BYE, and no DONE for h-slow before it (s_fake_expect fails on one)
    s_fake_bye (self, echo, "echo at the end of its grace");
}

//  --------------------------------------------------------------------------
//  3. A broker silent while a handler runs, with worker threads and
//     inline: the actor gives it up and connects again, and the answer,
//     whose connection is gone, is sent on neither (the broker redelivers)

static void
s_fake_silent_while_handling (s_fixture_t *self, const char *threads)
{
    sb_testproc_t *echo = s_fake_start_with (self, "10000", 2, threads);
    //  Given up after 3 × 100 ms of silence: the handler takes 1000
    s_fake_welcome (self, self->peer, 100, 3);
    char slow [SB_ID_LEN + 1];
    size_t size = 0;
    uint8_t *data = s_valid_request (self, "fake:orphan", 1000, slow, &size);
    s_fake_deliver (self, self->peer, "h-orphan", 1, data, size);
    free (data);

    //  A new connection and its HELLO; s_fake_expect fails on the DONE
    //  for h-orphan on either connection
    zframe_t *fresh = s_fake_hello (self, "fake-1", 2);
    bool same = zframe_eq (fresh, self->peer);
    zframe_destroy (&self->peer);
    self->peer = fresh;
    assert_false (same);
    s_fake_welcome (self, self->peer, 100, 100);

    //  DRAIN, then BYE once the handler is done, still without the answer
    assert_int_equal (sb_testproc_signal (echo, SIGTERM), 0);
    zmsg_t *drain = s_fake_expect (self, SB_PROTO_DRAIN, S_WAIT_MS, NULL);
    assert_non_null (drain);
    zmsg_destroy (&drain);
    s_fake_bye (self, echo, "echo after a silent broker");
}

static void
test_fake_silent_threads (void **state)
{
    s_fake_silent_while_handling ((s_fixture_t *) *state, "on");
}

static void
test_fake_silent_inline (void **state)
{
    s_fake_silent_while_handling ((s_fixture_t *) *state, "off");
}

//  --------------------------------------------------------------------------
//  4. Inline: a burst of capacity deliveries is answered DONE, each with
//     its reply, in the order delivered, by a process with no threads but
//     its main one and ZeroMQ's (the handler ran on the main thread)

#define S_BURST 8

static void
test_inline_burst (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    sb_testproc_t *echo = s_fake_start_with (self, "10000", S_BURST, "off");
    s_fake_welcome (self, self->peer, 100, 100);
    char ids [S_BURST][SB_ID_LEN + 1], texts [S_BURST][32], handles [S_BURST][32];
    for (int index = 0; index < S_BURST; index++) {
        snprintf (texts [index], sizeof texts [index], "fake:burst-%d", index);
        snprintf (handles [index], sizeof handles [index], "h-burst-%d", index);
        size_t size = 0;
        uint8_t *data = s_valid_request (self, texts [index], 0, ids [index], &size);
        s_fake_deliver (self, self->peer, handles [index], 1, data, size);
        free (data);
    }
    for (int index = 0; index < S_BURST; index++)
        s_fake_done (self, handles [index], ids [index], texts [index], 1);
    assert_int_equal (sb_testproc_own_threads (sb_testproc_pid (echo)), 0);
    assert_int_equal (sb_testproc_signal (echo, SIGTERM), 0);
    zmsg_t *drain = s_fake_expect (self, SB_PROTO_DRAIN, S_WAIT_MS, NULL);
    assert_non_null (drain);
    zmsg_destroy (&drain);
    s_fake_bye (self, echo, "echo inline on SIGTERM");
}

//  --------------------------------------------------------------------------
//  5. Inline: SIGTERM while a handler runs, with another queued behind it:
//     DRAIN, the answers in order (at least the last one after the DRAIN),
//     BYE, exit 0

static void
test_inline_drain (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    sb_testproc_t *echo = s_fake_start_with (self, "10000", 4, "off");
    s_fake_welcome (self, self->peer, 100, 100);
    const char *texts [] = { "fake:slow-1", "fake:slow-2", "fake:queued" };
    const char *handles [] = { "h-slow-1", "h-slow-2", "h-queued" };
    char ids [3][SB_ID_LEN + 1];
    for (int index = 0; index < 3; index++) {
        size_t size = 0;
        uint8_t *data = s_valid_request (self, texts [index], index < 2? 2000: 0, ids [index],
                                         &size);
        s_fake_deliver (self, self->peer, handles [index], 1, data, size);
        free (data);
    }
    //  Told to say HELLO after them: its HELLO, sent as it reads this, says
    //  it has read the three DELIVERs, and either has not run the first
    //  yet (they came in one read) or has just finished it (the first came
    //  alone): the SIGTERM finds h-queued queued either way
    zmsg_t *args = zmsg_new ();
    zmsg_addstr (args, "not registered: say HELLO");
    s_fake_send (self, self->peer, SB_PROTO_ERROR, &args);
    zframe_t *again = s_fake_hello (self, "fake-1", 4);
    zframe_destroy (&again);
    assert_int_equal (sb_testproc_signal (echo, SIGTERM), 0);
    bool drained = false;
    int answered = 0, after_drain = 0;
    while (answered < 3 || !drained) {
        char command [SB_PROTO_COMMAND_MAX + 1];
        zmsg_t *msg = s_fake_receive (self, NULL, S_WAIT_MS, NULL, command);
        if (!msg)
            fail_msg ("after %d answer(s)%s, nothing more", answered, drained? " and DRAIN": "");
        if (streq (command, SB_PROTO_DRAIN) && !drained)
            drained = true;
        else
        if (streq (command, SB_PROTO_DONE) && answered < 3) {
            s_done_check (msg, handles [answered], ids [answered], texts [answered], 1);
            msg = NULL;
            after_drain += drained;
            answered++;
        }
        else {
            zmsg_destroy (&msg);
            fail_msg ("the actor sent %s after %d answer(s)", command, answered);
        }
        zmsg_destroy (&msg);
    }
    assert_true (after_drain >= 1);
    s_fake_bye (self, echo, "echo inline, drained");
}

//  --------------------------------------------------------------------------
//  6. threads takes on, off or auto: anything else, on the command line or
//     in the config, stops the actor at start (exit 78) naming where

static void
test_threads_refused (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    char config [SB_TESTWORLD_PATH_MAX], log [SB_TESTWORLD_PATH_MAX], output [2048];
    assert_int_equal (sb_testworld_write (self->world, "threads.zpl",
                                          "echo\n    threads = sometimes\n", config,
                                          sizeof config), 0);
    assert_int_equal (sb_testworld_path (self->world, "threads.log", log, sizeof log), 0);
    char *flag [] = { self->world->programs [S_ECHO], "--threads", "maybe", NULL };
    assert_int_equal (sb_testproc_run (flag, log, output, sizeof output, S_WAIT_MS), 78);
    if (!strstr (output, "--threads: 'maybe' is not on, off or auto"))
        fail_msg ("echo --threads maybe said: %s", output);
    char *from_file [] = { self->world->programs [S_ECHO], "--config", config, NULL };
    assert_int_equal (sb_testproc_run (from_file, log, output, sizeof output, S_WAIT_MS), 78);
    char expected [SB_TESTWORLD_PATH_MAX + 64];
    snprintf (expected, sizeof expected, "%s: echo/threads: 'sometimes' is not on, off or auto",
              config);
    if (!strstr (output, expected))
        fail_msg ("echo with threads = sometimes said: %s", output);
}

//  --------------------------------------------------------------------------
//  The fixture: a world, and the fake broker

static int
s_setup (void **state)
{
    s_fixture_t *self = (s_fixture_t *) calloc (1, sizeof (s_fixture_t));
    if (!self || sb_testworld_setup (state)) {
        free (self);
        return -1;
    }
    self->world = (sb_testworld_t *) *state;
    *state = self;
    return 0;
}

//  Stops the actor first (it says BYE to a socket still there), then
//  closes the fake broker. Fails as sb_testworld_teardown does.
static int
s_teardown (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    *state = self->world;
    int rc = sb_testworld_teardown (state);
    zframe_destroy (&self->peer);
    zstr_free (&self->fake_endpoint);
    zsock_destroy (&self->fake);
    free (self);
    return rc;
}

static const struct CMUnitTest s_tests [] = {
    cmocka_unit_test_setup_teardown (test_fake_broker, s_setup, s_teardown),
    cmocka_unit_test_setup_teardown (test_fake_grace_expires, s_setup, s_teardown),
    cmocka_unit_test_setup_teardown (test_fake_silent_threads, s_setup, s_teardown),
    cmocka_unit_test_setup_teardown (test_fake_silent_inline, s_setup, s_teardown),
    cmocka_unit_test_setup_teardown (test_inline_burst, s_setup, s_teardown),
    cmocka_unit_test_setup_teardown (test_inline_drain, s_setup, s_teardown),
    cmocka_unit_test_setup_teardown (test_threads_refused, s_setup, s_teardown),
};

int
main (int argc, char *argv [])
{
    return sb_testworld_run (argc, argv, 2, "BROKER ECHO [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
