/*  test_redis_tls.c — the broker on a Redis that speaks only TLS, through
    a local stunnel client (docs/security.md, "TLS to Redis"): Debian's
    hiredis 0.14 has no TLS of its own. A test CA and server certificate
    made with openssl, redis-server with --tls-port only (no plain port)
    and a password, stunnel verifying the server's certificate; the broker
    on stunnel's local port answers STATS with storage ok and stores what
    is published. Straight to the TLS port (no stunnel) it cannot start.

    Usage: test_redis_tls BROKER [TEST] (CTest passes it). Exits 77
    (skipped, loudly) without redis-server, stunnel4 or openssl.          */

#include "sb_classes.h"
#include "sb_redis.h"
#include "sb_testmsg.h"
#include "sb_testutil.h"
#include "sb_testworld.h"
#include <hiredis/hiredis.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_PASSWORD  "tls-Pa55"
#define S_OUTPUT    4096

//  True if program is found in PATH.
static bool
s_in_path (const char *program)
{
    char command [128];
    snprintf (command, sizeof command, "command -v %s >/dev/null 2>&1", program);
    return system (command) == 0;
}

//  Runs a shell command line in the world's directory; asserts it exits 0.
static void
s_shell (sb_testworld_t *world, const char *line)
{
    char *command = zsys_sprintf ("cd '%s' && %s", world->dir, line);
    int status = system (command);
    if (status != 0)
        fprintf (stderr, "test_redis_tls: '%s' failed (%d)\n", command, status);
    zstr_free (&command);
    assert_int_equal (status, 0);
}

//  A test CA, and a certificate for 127.0.0.1 signed by it.
static void
s_certificates (sb_testworld_t *world)
{
    s_shell (world, "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt "
                    "-days 2 -subj /CN=sb-test-ca 2>/dev/null");
    s_shell (world, "openssl req -newkey rsa:2048 -nodes -keyout redis.key -out redis.csr "
                    "-subj /CN=127.0.0.1 2>/dev/null");
    s_shell (world, "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
                    "openssl x509 -req -in redis.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
                    "-out redis.crt -days 2 -extfile san.ext 2>/dev/null");
}

//  Starts redis-server with TLS on tls_port only, and stunnel from
//  127.0.0.1:local_port to it, checking the certificate against the CA.
static void
s_start_tls (sb_testworld_t *world, int tls_port, int local_port)
{
    char port [16], dir [SB_TESTWORLD_PATH_MAX + 16];
    snprintf (port, sizeof port, "%d", tls_port);
    snprintf (dir, sizeof dir, "%s", world->dir);
    char *redis [] = { "redis-server", "--port", "0", "--tls-port", port, "--bind", "127.0.0.1",
                       "--dir", dir, "--tls-cert-file", "redis.crt", "--tls-key-file",
                       "redis.key", "--tls-ca-cert-file", "ca.crt", "--tls-auth-clients", "no",
                       "--requirepass", S_PASSWORD, "--save", "", "--appendonly", "no",
                       "--daemonize", "no", "--loglevel", "warning", NULL };
    char *config = zsys_sprintf ("foreground = yes\npid =\n[redis]\nclient = yes\n"
                                 "accept = 127.0.0.1:%d\nconnect = 127.0.0.1:%d\n"
                                 "verifyChain = yes\nCAfile = %s/ca.crt\ncheckIP = 127.0.0.1\n",
                                 local_port, tls_port, world->dir);
    char path [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_write (world, "stunnel.conf", config, path, sizeof path), 0);
    zstr_free (&config);
    //  redis-server reads its files relative to where it runs
    char cwd [4096];
    assert_non_null (getcwd (cwd, sizeof cwd));
    assert_int_equal (chdir (world->dir), 0);
    assert_non_null (sb_testworld_spawn (world, redis, "redis-server (TLS)"));
    assert_int_equal (chdir (cwd), 0);
    char *stunnel [] = { "stunnel4", path, NULL };
    assert_non_null (sb_testworld_spawn (world, stunnel, "stunnel"));
}

//  Polls Redis through url with the password until it answers.
static bool
s_wait_redis (const char *url)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_READY_MS;
    char err [256] = "";
    while (zclock_mono () < deadline) {
        redisContext *redis = sb_redis_connect (url, S_PASSWORD, 500, err, sizeof err);
        if (redis) {
            redisFree (redis);
            return true;
        }
        zclock_sleep (20);
    }
    fprintf (stderr, "test_redis_tls: Redis through %s: %s\n", url, err);
    return false;
}

//  STATS from endpoint, polled until it answers. Returns it (caller owns).
static json_t *
s_wait_stats (const char *endpoint)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_READY_MS;
    char err [256];
    sb_client_t *client = sb_client_new (endpoint, err, sizeof err);
    json_t *stats = NULL;
    while (client && !stats && zclock_mono () < deadline)
        stats = sb_client_request (client, SB_PROTO_STATS, NULL, 200, err, sizeof err);
    sb_client_destroy (&client);
    return stats;
}

static void
test_broker_through_stunnel (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_certificates (world);
    int tls_port = sb_testutil_free_port (), local_port = sb_testutil_free_port ();
    s_start_tls (world, tls_port, local_port);
    char url [64], endpoint [64];
    snprintf (url, sizeof url, "tcp://127.0.0.1:%d", local_port);
    assert_true (s_wait_redis (url));

    snprintf (endpoint, sizeof endpoint, "tcp://127.0.0.1:%d", sb_testutil_free_port ());
    setenv ("REDIS_PASSWORD", S_PASSWORD, 1);
    char *broker [] = { world->programs [0], "--endpoint", endpoint, "--redis", url, NULL };
    assert_non_null (sb_testworld_spawn (world, broker, "broker"));
    json_t *stats = s_wait_stats (endpoint);
    assert_non_null (stats);
    assert_string_equal (json_string_value (json_object_get (stats, "storage")), "ok");
    json_decref (stats);

    //  What is published is stored: ACKed, then in Redis (read over TLS)
    char err [256], id [SB_ID_LEN + 1];
    sb_client_t *client = sb_client_new (endpoint, err, sizeof err);
    assert_non_null (client);
    sb_testmsg_t message = { .type = "echo.request", .key = "tls-1", .src = "test_redis_tls" };
    assert_int_equal (sb_testmsg_publish_acked (client, world->ids, &message,
                                                json_pack ("{s:s}", "text", "over TLS"),
                                                SB_TESTWORLD_REPLY_MS, id), 0);
    sb_client_destroy (&client);
    redisContext *redis = sb_redis_connect (url, S_PASSWORD, 2000, err, sizeof err);
    assert_non_null (redis);
    redisReply *reply = (redisReply *) redisCommand (redis, "XLEN sb:q:echo");
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_INTEGER);
    assert_int_equal (reply->integer, 1);
    freeReplyObject (reply);
    redisFree (redis);

    //  Straight to the TLS port, plain: no Redis there for the broker
    char direct [64], log [SB_TESTWORLD_PATH_MAX], output [S_OUTPUT];
    snprintf (direct, sizeof direct, "tcp://127.0.0.1:%d", tls_port);
    assert_int_equal (sb_testworld_path (world, "direct.out", log, sizeof log), 0);
    char *plain [] = { world->programs [0], "--endpoint", "tcp://127.0.0.1:*", "--redis", direct,
                       NULL };
    int status = sb_testproc_run (plain, log, output, sizeof output, SB_TESTWORLD_WAIT_MS);
    unsetenv ("REDIS_PASSWORD");
    if (status != 69)
        fprintf (stderr, "broker straight to TLS: status %d: %s\n", status, output);
    assert_int_equal (status, 69);
    assert_non_null (strstr (output, "Redis at"));
}

int
main (int argc, char *argv [])
{
    const char *needed [] = { "stunnel4", "openssl", NULL };
    for (const char **program = needed; *program; program++)
        if (!s_in_path (*program)) {
            fprintf (stderr, "SKIP: %s is not in PATH (install Debian's %s)\n", *program,
                     streq (*program, "stunnel4")? "stunnel4": "openssl");
            return SB_TESTWORLD_SKIP;
        }
    const struct CMUnitTest tests [] = { SB_TESTWORLD_CASE (test_broker_through_stunnel) };
    return sb_testworld_run (argc, argv, 1, "BROKER [TEST]", tests, 1);
}
