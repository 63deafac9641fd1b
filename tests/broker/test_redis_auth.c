/*  test_redis_auth.c — a Redis that wants a password (requirepass): the
    broker given REDIS_PASSWORD starts and delivers to a worker; without
    it, or with a wrong one, it ends at once with 78 and a reason that
    names Redis and AUTH, never the password itself.

    Usage: test_redis_auth BROKER TESTWORKER [TEST] (paths of the
    programs; CTest passes them). Exits 77 (skipped) without
    redis-server.                                                         */

#include "sb_classes.h"
#include "sb_testecho.h"
#include "sb_testsink.h"
#include "sb_testworld.h"
#include <setjmp.h>
#include <cmocka.h>

#define S_WORKER     1
#define S_PASSWORD   "s3cret-Pa55"
#define S_WRONG      "not-the-password"
#define S_OUTPUT     4096

//  Starts the world's Redis and makes it want S_PASSWORD.
static void
s_redis_start (sb_testworld_t *world)
{
    assert_int_equal (sb_testworld_redis_start (world, NULL), 0);
    assert_int_equal (sb_testredis_require_password (world->redis, S_PASSWORD), 0);
}

static void
test_with_password (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_redis_start (world);
    setenv ("REDIS_PASSWORD", S_PASSWORD, 1);
    assert_int_equal (sb_testworld_broker_quick (world, 0, 5000, NULL, NULL), 0);
    unsetenv ("REDIS_PASSWORD");
    assert_int_equal (sb_testecho_workers (world, world->programs [S_WORKER], 0, 1), 0);
    char id [SB_ID_LEN + 1];
    assert_int_equal (sb_testecho_publish (world, 0, "auth-1", "ok", 0, 0, id), 0);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 1, SB_TESTWORLD_WAIT_MS), 1);
    assert_true (sb_testworld_wait_drained (world, 0));
}

//  Runs the broker on the world's Redis with password (NULL: none) and
//  asserts it exits 78 saying text, and not the password.
static void
s_assert_refused (sb_testworld_t *world, const char *password, const char *text)
{
    char log [SB_TESTWORLD_PATH_MAX], output [S_OUTPUT];
    assert_int_equal (sb_testworld_path (world, "broker.out", log, sizeof log), 0);
    unlink (log);
    if (password)
        setenv ("REDIS_PASSWORD", password, 1);
    char *argv [] = { world->programs [0], "--endpoint", "tcp://127.0.0.1:*", "--redis",
                      (char *) sb_testredis_url (world->redis), NULL };
    int status = sb_testproc_run (argv, log, output, sizeof output, SB_TESTWORLD_WAIT_MS);
    unsetenv ("REDIS_PASSWORD");
    if (status != 78 || !strstr (output, text))
        fprintf (stderr, "broker: status %d, output:\n%s\n(wanted 78 and '%s')\n", status,
                 output, text);
    assert_int_equal (status, 78);
    assert_non_null (strstr (output, text));
    assert_null (strstr (output, S_WRONG));
    assert_null (strstr (output, S_PASSWORD));
}

static void
test_without_or_wrong_password (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_redis_start (world);
    s_assert_refused (world, NULL, "wants a password (AUTH): set REDIS_PASSWORD");
    s_assert_refused (world, S_WRONG, "refused AUTH");
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_with_password),
    SB_TESTWORLD_CASE (test_without_or_wrong_password),
};

int
main (int argc, char *argv [])
{
    return sb_testworld_run (argc, argv, 2, "BROKER TESTWORKER [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
