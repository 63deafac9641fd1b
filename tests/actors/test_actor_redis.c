/*  test_actor_redis.c — a handler's Redis connection (sb_actor_redis):
    opened from the actor's redis setting against a real redis-server,
    used across messages, and absent (with a reason) when none is set; a
    Redis that wants a password (REDIS_PASSWORD).                         */

#include "sb_classes.h"
#include "sb_actor_redis.h"
#include "sb_testredis.h"
#include <setjmp.h>
#include <cmocka.h>

//  Counts messages per tenant in Redis, and says the count in its reply.
static sb_actor_result_t
s_count (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    (void) state;
    char err [256];
    redisContext *redis = sb_actor_redis (ctx, err, sizeof err);
    if (!redis)
        return sb_actor_retry (ctx, 0, "%s", err);
    redisReply *reply = (redisReply *) redisCommand (redis, "INCR count:%s",
                                                     sb_envelope_tenant (message));
    if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        freeReplyObject (reply);
        sb_actor_redis_failed (ctx);
        return sb_actor_retry (ctx, 0, "Redis INCR failed");
    }
    char text [32];
    snprintf (text, sizeof text, "%lld", reply->integer);
    freeReplyObject (reply);
    sb_actor_emit (ctx, "echo.reply", json_pack ("{s:s, s:I}", "text", text,
                                                 "echoed_at_ms", (json_int_t) zclock_time ()));
    return SB_ACTOR_DONE;
}

static const sb_actor_def_t s_counter = {
    .name = "echo",     //  consumes echo.request, as routed by its schema
    .summary = "Counts messages in Redis (test actor).",
    .handler = s_count,
};

//  Writes two echo.request envelopes for tenant acme into a temp file.
static char *
s_input (void)
{
    char *path = strdup ("/tmp/sb-actor-redis-XXXXXX");
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    FILE *file = fdopen (fd, "w");
    for (int index = 0; index < 2; index++)
        fprintf (file, "{\"v\":1,\"id\":\"01ARYZ6S41TSV4RRFFQ69G5FA%c\",\"key\":\"k%d\","
                       "\"corr\":\"c\",\"type\":\"echo.request\",\"src\":\"test\","
                       "\"tenant\":\"acme\",\"created_ms\":1,\"body\":{\"text\":\"hi\"}}\n",
                 'A' + index, index);
    fclose (file);
    return path;
}

static void
test_counts_in_redis (void **state)
{
    (void) state;
    if (!sb_testredis_available ())
        skip ();
    sb_testredis_t *redis = sb_testredis_new ("everysec");
    assert_non_null (redis);
    char *input = s_input ();
    char *argv [] = { "counter", "--harness", input, "--redis",
                      (char *) sb_testredis_url (redis), NULL };
    assert_int_equal (sb_actor_main (&s_counter, 5, argv), 0);
    assert_int_equal (sb_actor_main (&s_counter, 5, argv), 0);

    redisContext *check = sb_testredis_connect (redis);
    assert_non_null (check);
    redisReply *reply = (redisReply *) redisCommand (check, "GET count:acme");
    assert_non_null (reply);
    assert_string_equal (reply->str, "4");   //  two runs of two messages
    freeReplyObject (reply);
    redisFree (check);
    unlink (input);
    free (input);
    sb_testredis_destroy (&redis);
}

static void
test_no_redis_configured (void **state)
{
    (void) state;
    char *input = s_input ();
    char expected [] = "/tmp/sb-actor-redis-expected-XXXXXX";
    int fd = mkstemp (expected);
    assert_true (fd >= 0);
    FILE *file = fdopen (fd, "w");
    for (int index = 0; index < 2; index++)
        fprintf (file, "{\"outcome\":\"retry\",\"delay_ms\":0,\"reason\":"
                       "\"no Redis configured (--redis, echo/redis or SB_REDIS_URL)\"}\n");
    fclose (file);
    //  No redis setting: the handler gets NULL with the reason, and retries
    unsetenv ("SB_REDIS_URL");
    char *argv [] = { "counter", "--harness", input, "--expect", expected, NULL };
    assert_int_equal (sb_actor_main (&s_counter, 5, argv), 0);
    unlink (expected);
    unlink (input);
    free (input);
}

//  Runs the counter's harness on input with REDIS_PASSWORD password (NULL:
//  unset) against redis, expecting every message retried with reason.
static void
s_expect_retry (sb_testredis_t *redis, const char *input, const char *password,
                const char *reason)
{
    char expected [] = "/tmp/sb-actor-redis-expected-XXXXXX";
    int fd = mkstemp (expected);
    assert_true (fd >= 0);
    FILE *file = fdopen (fd, "w");
    for (int index = 0; index < 2; index++)
        fprintf (file, "{\"outcome\":\"retry\",\"delay_ms\":0,\"reason\":\"%s\"}\n", reason);
    fclose (file);
    if (password)
        setenv ("REDIS_PASSWORD", password, 1);
    char *argv [] = { "counter", "--harness", (char *) input, "--expect", expected, "--redis",
                      (char *) sb_testredis_url (redis), NULL };
    assert_int_equal (sb_actor_main (&s_counter, 7, argv), 0);
    unsetenv ("REDIS_PASSWORD");
    unlink (expected);
}

//  A Redis that wants a password: used with REDIS_PASSWORD; without it or
//  with a wrong one, the handler gets the reason (never the password).
static void
test_password (void **state)
{
    (void) state;
    if (!sb_testredis_available ())
        skip ();
    sb_testredis_t *redis = sb_testredis_new ("everysec");
    assert_non_null (redis);
    assert_int_equal (sb_testredis_require_password (redis, "s3cret"), 0);
    char *input = s_input ();
    char reason [256];
    snprintf (reason, sizeof reason, "Redis at %s wants a password (AUTH): set REDIS_PASSWORD "
              "(NOAUTH Authentication required.)", sb_testredis_url (redis));
    s_expect_retry (redis, input, NULL, reason);
    snprintf (reason, sizeof reason, "Redis at %s refused AUTH: WRONGPASS invalid "
              "username-password pair or user is disabled.", sb_testredis_url (redis));
    s_expect_retry (redis, input, "wrong", reason);

    setenv ("REDIS_PASSWORD", "s3cret", 1);
    char *argv [] = { "counter", "--harness", input, "--redis",
                      (char *) sb_testredis_url (redis), NULL };
    assert_int_equal (sb_actor_main (&s_counter, 5, argv), 0);
    unsetenv ("REDIS_PASSWORD");
    redisContext *check = sb_testredis_connect (redis);
    assert_non_null (check);
    redisReply *reply = (redisReply *) redisCommand (check, "GET count:acme");
    assert_non_null (reply);
    assert_string_equal (reply->str, "2");
    freeReplyObject (reply);
    redisFree (check);
    unlink (input);
    free (input);
    sb_testredis_destroy (&redis);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_counts_in_redis),
        cmocka_unit_test (test_no_redis_configured),
        cmocka_unit_test (test_password),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
