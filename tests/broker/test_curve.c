/*  test_curve.c — CURVE between the broker and its peers (docs/security.md):
    a real broker process with broker/curve on a private redis-server, keys
    made by sbkeys, and its clients as they run in a fleet — the test's own
    sb_client (STATS, PUBLISH), testworker, the echo actor, zmon — each
    given its certificate by SB_CURVE_CERT and SB_CURVE_SERVER.

    What each test shows: an allowed key publishes and its workers get
    DELIVER and complete, the tap is readable with a key only; a key not in
    the allowed directory gets no answer and the broker logs it, and is let
    in once its certificate is added (rotation without a restart); a plain
    client and a client that trusts another server key get no answer; bad
    settings on either side end the program with 78 and the reason.

    "No answer" is a request that waits S_REFUSED_MS in vain while the same
    broker answers an allowed client at once, before and after.

    Usage: test_curve BROKER TESTWORKER ECHO SBKEYS ZMON ZMON-WEB [TEST]
    (paths of the programs; CTest passes them). Exits 77 (skipped) without
    redis-server.                                                         */

#include "sb_classes.h"
#include "sb_curve.h"
#include "sb_testmsg.h"
#include "sb_testsink.h"
#include "sb_testutil.h"
#include "sb_testworld.h"
#include <sys/wait.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WORKER     1           //  testworker's path in the world's programs
#define S_ECHO       2
#define S_SBKEYS     3
#define S_ZMON       4
#define S_ZMON_WEB   5
#define S_LEASE_MS   5000
#define S_WAIT_MS    SB_TESTWORLD_WAIT_MS
#define S_REPLY_MS   SB_TESTWORLD_REPLY_MS
#define S_REFUSED_MS 1500        //  how long a refused client waits in vain
#define S_OUTPUT     8192

//  --------------------------------------------------------------------------
//  Keys and settings

//  Makes the key pair DIR/keys/NAME.key{,_secret} with sbkeys and asserts
//  it says so.
static void
s_keys_new (sb_testworld_t *world, const char *name)
{
    char dir [SB_TESTWORLD_PATH_MAX], log [SB_TESTWORLD_PATH_MAX], output [S_OUTPUT];
    assert_int_equal (sb_testworld_path (world, "keys", dir, sizeof dir), 0);
    assert_int_equal (sb_testworld_path (world, "sbkeys.out", log, sizeof log), 0);
    zsys_dir_create ("%s", dir);
    char *argv [] = { world->programs [S_SBKEYS], "new", (char *) name, "--dir", dir, NULL };
    assert_int_equal (sb_testproc_run (argv, log, output, sizeof output, S_WAIT_MS), 0);
    assert_non_null (strstr (output, "public key "));
}

//  Writes DIR/keys/NAME.key's path (a public certificate; with
//  secret, the _secret file) into path.
static void
s_key_path (sb_testworld_t *world, const char *name, bool secret, char *path, size_t size)
{
    char file [128];
    snprintf (file, sizeof file, "keys/%s.key%s", name, secret? "_secret": "");
    assert_int_equal (sb_testworld_path (world, file, path, size), 0);
}

//  Copies NAME's public certificate into DIR/allowed (allow), or removes
//  it from there.
static void
s_allow (sb_testworld_t *world, const char *name, bool allow)
{
    char from [SB_TESTWORLD_PATH_MAX], to [SB_TESTWORLD_PATH_MAX], file [128];
    s_key_path (world, name, false, from, sizeof from);
    snprintf (file, sizeof file, "allowed/%s.key", name);
    assert_int_equal (sb_testworld_path (world, file, to, sizeof to), 0);
    if (!allow) {
        assert_int_equal (unlink (to), 0);
        return;
    }
    zfile_t *source = zfile_new (NULL, from);
    assert_non_null (source);
    assert_int_equal (zfile_input (source), 0);
    zchunk_t *chunk = zfile_read (source, zfile_cursize (source), 0);
    FILE *target = fopen (to, "w");
    assert_non_null (target);
    assert_int_equal (fwrite (zchunk_data (chunk), 1, zchunk_size (chunk), target),
                      zchunk_size (chunk));
    fclose (target);
    zchunk_destroy (&chunk);
    zfile_destroy (&source);
}

//  Sets this process's SB_CURVE_CERT to client's secret file and
//  SB_CURVE_SERVER to server's public certificate (NULL: unsets them, for
//  plain TCP). The programs the test starts from now on inherit them.
static void
s_curve_env (sb_testworld_t *world, const char *client, const char *server)
{
    char path [SB_TESTWORLD_PATH_MAX];
    if (!client) {
        unsetenv (SB_CURVE_ENV_CERT);
        unsetenv (SB_CURVE_ENV_SERVER);
        return;
    }
    s_key_path (world, client, true, path, sizeof path);
    setenv (SB_CURVE_ENV_CERT, path, 1);
    s_key_path (world, server, false, path, sizeof path);
    setenv (SB_CURVE_ENV_SERVER, path, 1);
}

//  Keys for broker, client (allowed), stranger (not allowed) and impostor
//  (a server key the broker does not have); the test's environment set to
//  client's; broker-a started with CURVE (and extra in its broker section),
//  its output logged, and answering the allowed client.
static void
s_curve_world (sb_testworld_t *world, const char *extra)
{
    s_curve_env (world, NULL, NULL);   //  a failed test before may have left them
    const char *names [] = { "broker", "client", "stranger", "impostor" };
    for (size_t index = 0; index < 4; index++)
        s_keys_new (world, names [index]);
    char allowed [SB_TESTWORLD_PATH_MAX], secret [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_path (world, "allowed", allowed, sizeof allowed), 0);
    zsys_dir_create ("%s", allowed);
    s_allow (world, "client", true);
    s_key_path (world, "broker", true, secret, sizeof secret);
    char *broker = zsys_sprintf ("    curve\n"
                                 "        certificate = \"%s\"\n"
                                 "        clients = \"%s\"\n%s", secret, allowed,
                                 extra? extra: "");
    s_curve_env (world, "client", "broker");
    assert_int_equal (sb_testworld_broker_log (world, 0), 0);
    assert_int_equal (sb_testworld_broker_quick (world, 0, S_LEASE_MS, broker, NULL), 0);
    zstr_free (&broker);
}

//  STATS from broker-a by a new client, with the environment set to
//  client and server (NULL client: plain TCP), waiting timeout_ms; the
//  environment is set back to the allowed client's. Returns the reply
//  (caller owns) or NULL.
static json_t *
s_stats_as (sb_testworld_t *world, const char *client, const char *server, int timeout_ms)
{
    s_curve_env (world, client, server);
    char err [256];
    sb_client_t *as = sb_client_new (world->brokers [0].endpoint, err, sizeof err);
    s_curve_env (world, "client", "broker");
    assert_non_null (as);
    json_t *reply = sb_client_request (as, SB_PROTO_STATS, NULL, timeout_ms, err, sizeof err);
    sb_client_destroy (&as);
    return reply;
}

//  Asserts that client (with server's key) gets no STATS answer while the
//  allowed client gets one at once, before and after.
static void
s_assert_refused (sb_testworld_t *world, const char *client, const char *server)
{
    json_t *stats = sb_testworld_stats (world, 0);
    assert_non_null (stats);
    json_decref (stats);
    assert_null (s_stats_as (world, client, server, S_REFUSED_MS));
    stats = sb_testworld_stats (world, 0);
    assert_non_null (stats);
    json_decref (stats);
}

//  Polls until client (with the broker's key) gets a STATS answer.
static bool
s_wait_allowed (sb_testworld_t *world, const char *client)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = s_stats_as (world, client, "broker", 500);
        json_decref (stats);
        if (stats)
            return true;
    }
    return false;
}

//  --------------------------------------------------------------------------
//  1. Allowed keys: publish, DELIVER and DONE through the echo actor and a
//  test worker; the tap, zmon

static json_t *
s_request_body (const char *key, void *unused)
{
    (void) unused;
    return json_pack ("{s:s}", "text", key);
}

//  A SUB on the tap at endpoint, CURVE from the environment when curve.
static zsock_t *
s_tap_sub (sb_testworld_t *world, const char *endpoint, bool curve)
{
    if (!curve)
        s_curve_env (world, NULL, NULL);
    zsock_t *sub = zsock_new (ZMQ_SUB);
    assert_non_null (sub);
    char err [256];
    assert_int_equal (sb_curve_client_apply (sub, err, sizeof err), 0);
    s_curve_env (world, "client", "broker");
    zsock_set_subscribe (sub, "");
    zsock_set_rcvtimeo (sub, 100);
    assert_int_equal (zsock_connect (sub, "%s", endpoint), 0);
    return sub;
}

static void
test_allowed (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    char tap [64], extra [128];
    snprintf (tap, sizeof tap, "tcp://127.0.0.1:%d", sb_testutil_free_port ());
    snprintf (extra, sizeof extra, "    tap = %s\n", tap);
    s_curve_world (world, extra);
    zsock_t *secure = s_tap_sub (world, tap, true);
    zsock_t *plain = s_tap_sub (world, tap, false);

    char *echo [] = { world->programs [S_ECHO], "--broker", world->brokers [0].endpoint,
                      "--instance", "echo-1", NULL };
    assert_non_null (sb_testworld_spawn (world, echo, "echo"));
    assert_non_null (sb_testworld_worker (world, world->programs [S_WORKER], 0, "echo-sink",
                                          "s1", "10"));
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
    assert_true (sb_testworld_wait_workers (world, 0, "echo-sink", 1));
    char ids [10][SB_ID_LEN + 1];
    sb_testmsg_batch_t batch = { { .type = "echo.request", .src = "test_curve" }, "curve",
                                 0, 10, s_request_body, NULL };
    assert_int_equal (sb_testmsg_publish_many (sb_testworld_client (world, 0), world->ids,
                                               &batch, S_REPLY_MS, ids), 0);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 10, S_WAIT_MS), 10);
    assert_int_equal (sb_testsink_check_replies (world->sink, ids, 10, "curve"), 0);
    assert_true (sb_testworld_wait_drained (world, 0));

    //  The tap: the subscriber with a key saw the traffic, the plain one
    //  nothing at all
    zmsg_t *msg = zmsg_recv (secure);
    assert_non_null (msg);
    zmsg_destroy (&msg);
    zsock_set_rcvtimeo (plain, 0);
    msg = zmsg_recv (plain);
    assert_null (msg);
    zsock_destroy (&secure);
    zsock_destroy (&plain);

    //  zmon with the same environment reads the broker's STATS
    char log [SB_TESTWORLD_PATH_MAX], output [S_OUTPUT];
    assert_int_equal (sb_testworld_path (world, "zmon.out", log, sizeof log), 0);
    char *zmon [] = { world->programs [S_ZMON], "--broker", world->brokers [0].endpoint,
                      "stats", "--once", "--json", NULL };
    assert_int_equal (sb_testproc_run (zmon, log, output, sizeof output, S_WAIT_MS), 0);
    assert_non_null (strstr (output, "echo-sink"));
    assert_true (sb_testworld_log_wait (world->brokers [0].log, "broker: CURVE on", 0));
}

//  --------------------------------------------------------------------------
//  2. A key not allowed: no answer, a line in the broker's log; allowed
//  once its certificate is in the directory, refused again once removed

static void
test_refused_key (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_curve_world (world, NULL);
    s_assert_refused (world, "stranger", "broker");
    char path [SB_TESTWORLD_PATH_MAX], line [128];
    s_key_path (world, "stranger", false, path, sizeof path);
    zcert_t *stranger = zcert_load (path);
    assert_non_null (stranger);
    snprintf (line, sizeof line, "denied (CURVE) client_key=%s", zcert_public_txt (stranger));
    zcert_destroy (&stranger);
    assert_true (sb_testworld_log_wait (world->brokers [0].log, line, S_WAIT_MS));

    s_allow (world, "stranger", true);
    assert_true (s_wait_allowed (world, "stranger"));
    s_allow (world, "stranger", false);
    s_assert_refused (world, "stranger", "broker");
}

//  --------------------------------------------------------------------------
//  3. Plain TCP, and a client trusting another server key: no answer

static void
test_plain_and_wrong_server (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_curve_world (world, NULL);
    s_assert_refused (world, NULL, NULL);
    s_assert_refused (world, "client", "impostor");
}

//  --------------------------------------------------------------------------
//  4. Bad settings: 78 and the reason, on both sides

//  Runs argv (its output in DIR/name) and asserts it exits 78 saying text.
static void
s_assert_config_error (sb_testworld_t *world, char *argv [], const char *name, const char *text)
{
    char log [SB_TESTWORLD_PATH_MAX], output [S_OUTPUT];
    assert_int_equal (sb_testworld_path (world, name, log, sizeof log), 0);
    unlink (log);
    int status = sb_testproc_run (argv, log, output, sizeof output, S_WAIT_MS);
    if (status != 78 || !strstr (output, text))
        fprintf (stderr, "%s: status %d, output:\n%s\n(wanted 78 and '%s')\n", argv [0], status,
                 output, text);
    assert_int_equal (status, 78);
    assert_non_null (strstr (output, text));
}

//  Runs the broker with config text as its config file; asserts 78 and text.
static void
s_assert_broker_refuses (sb_testworld_t *world, const char *config, const char *text)
{
    char path [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_write (world, "bad.zpl", config, path, sizeof path), 0);
    char *argv [] = { world->programs [0], "--config", path, "--endpoint", "tcp://127.0.0.1:*",
                      "--redis", "tcp://127.0.0.1:1", NULL };
    s_assert_config_error (world, argv, "broker.out", text);
}

static void
test_bad_settings (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_curve_env (world, NULL, NULL);
    s_keys_new (world, "broker");
    s_keys_new (world, "client");
    char secret [SB_TESTWORLD_PATH_MAX], public [SB_TESTWORLD_PATH_MAX];
    char keys [SB_TESTWORLD_PATH_MAX];
    s_key_path (world, "broker", true, secret, sizeof secret);
    //  A public certificate alone (beside its _secret file, zcert would
    //  load that one instead)
    assert_int_equal (sb_testworld_path (world, "allowed", keys, sizeof keys), 0);
    zsys_dir_create ("%s", keys);
    s_allow (world, "client", true);
    assert_int_equal (sb_testworld_path (world, "allowed/client.key", public, sizeof public), 0);
    assert_int_equal (sb_testworld_path (world, "keys", keys, sizeof keys), 0);
    struct { const char *certificate, *clients, *text; } brokers [] = {
        { "/nonexistent/broker.key_secret", keys, "/nonexistent/broker.key_secret: cannot read" },
        { public, keys, "holds no secret key" },
        { "/etc/hostname", keys, "not a CURVE certificate" },
        { secret, "/nonexistent", "broker/curve/clients /nonexistent: cannot read" },
        { secret, secret, "not a directory" },
    };
    for (size_t index = 0; index < sizeof brokers / sizeof brokers [0]; index++) {
        char *config = zsys_sprintf ("broker\n    curve\n        certificate = \"%s\"\n"
                                     "        clients = \"%s\"\n", brokers [index].certificate,
                                     brokers [index].clients);
        s_assert_broker_refuses (world, config, brokers [index].text);
        zstr_free (&config);
    }
    s_assert_broker_refuses (world, "broker\n    curve\n        clients = /tmp\n",
                             "clients is set but certificate is not");
    s_assert_broker_refuses (world, "broker\n    curve\n        secret = x\n",
                             "broker/curve/secret: unknown key");

    //  Clients: one variable without the other, a key that is neither
    setenv (SB_CURVE_ENV_CERT, public, 1);
    char *echo [] = { world->programs [S_ECHO], "--broker", "tcp://127.0.0.1:1", NULL };
    s_assert_config_error (world, echo, "echo.out", "SB_CURVE_CERT is set but SB_CURVE_SERVER");
    setenv (SB_CURVE_ENV_SERVER, "not-a-key", 1);
    char *zmon [] = { world->programs [S_ZMON], "--broker", "tcp://127.0.0.1:1", "stats",
                      "--once", NULL };
    s_assert_config_error (world, zmon, "zmon.out", "neither a Z85 key");
    char *web [] = { world->programs [S_ZMON_WEB], "--broker", "tcp://127.0.0.1:1", "--port",
                     "0", NULL };
    s_assert_config_error (world, web, "zmon-web.out", "neither a Z85 key");
    setenv (SB_CURVE_ENV_SERVER, public, 1);   //  a public file as this program's own
    s_assert_config_error (world, echo, "echo.out", "holds no secret key");
    s_curve_env (world, NULL, NULL);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_allowed),
    SB_TESTWORLD_CASE (test_refused_key),
    SB_TESTWORLD_CASE (test_plain_and_wrong_server),
    SB_TESTWORLD_CASE (test_bad_settings),
};

int
main (int argc, char *argv [])
{
    if (!zsys_has_curve ()) {
        fprintf (stderr, "SKIP: this libzmq has no CURVE\n");
        return SB_TESTWORLD_SKIP;
    }
    return sb_testworld_run (argc, argv, 6,
                             "BROKER TESTWORKER ECHO SBKEYS ZMON ZMON-WEB [TEST]",
                             s_tests, sizeof s_tests / sizeof s_tests [0]);
}
