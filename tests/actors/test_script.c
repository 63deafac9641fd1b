/*  test_script.c — sb_script against a real redis-server: its SHA1 is the
    one Redis gives the text, the first run works (NOSCRIPT, then EVAL,
    which loads it), the next ones go by EVALSHA alone, a run after SCRIPT
    FLUSH works again, binary arguments arrive whole, a script's own error
    comes back as the error reply, and a dead connection as NULL. Which
    command ran is counted with INFO commandstats, which Redis keeps
    exactly.                                                              */

#include "sb_classes.h"
#include "sb_script.h"
#include "sb_testredis.h"
#include <setjmp.h>
#include <cmocka.h>

//  Answers its key and its argument's length.
static sb_script_t s_echo = SB_SCRIPT ("return {KEYS[1], string.len(ARGV[1])}");

//  Fails on purpose, as a script does when a command it calls fails.
static sb_script_t s_broken = SB_SCRIPT ("return redis.call('INCR', KEYS[1])");

//  A server and the test's connection to it.
typedef struct {
    sb_testredis_t *server;
    redisContext *redis;
} s_world_t;

static void
s_world_start (s_world_t *world)
{
    world->server = sb_testredis_new ("no");
    assert_non_null (world->server);
    world->redis = sb_testredis_connect (world->server);
    assert_non_null (world->redis);
}

static void
s_world_stop (s_world_t *world)
{
    redisFree (world->redis);
    sb_testredis_destroy (&world->server);
}

//  How many times Redis ran command (lower case) since it started.
static long
s_calls (s_world_t *world, const char *command)
{
    long calls = sb_testredis_calls (world->redis, command);
    assert_true (calls >= 0);
    return calls;
}

//  Runs s_echo with key and a 3-byte argument holding a NUL; asserts the
//  answer.
static void
s_run_echo (s_world_t *world, const char *key)
{
    const char *argv [] = { "1", key, "a\0b" };
    const size_t lengths [] = { 1, strlen (key), 3 };
    redisReply *reply = sb_script_run (&s_echo, world->redis, 3, argv, lengths);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    assert_int_equal (reply->elements, 2);
    assert_string_equal (reply->element [0]->str, key);
    assert_int_equal (reply->element [1]->integer, 3);
    freeReplyObject (reply);
}

static void
test_sha_is_redis_own (void **state)
{
    (void) state;
    s_world_t world;
    s_world_start (&world);
    redisReply *reply = (redisReply *) redisCommand (world.redis, "SCRIPT LOAD %s", s_echo.text);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_STRING);
    assert_string_equal (sb_script_sha (&s_echo), reply->str);
    freeReplyObject (reply);
    s_world_stop (&world);
}

static void
test_runs_then_by_sha (void **state)
{
    (void) state;
    s_world_t world;
    s_world_start (&world);
    //  First run: Redis does not hold it, so EVALSHA, NOSCRIPT, EVAL
    s_run_echo (&world, "k1");
    assert_int_equal (s_calls (&world, "evalsha"), 1);
    assert_int_equal (s_calls (&world, "eval"), 1);
    //  Then by its SHA1 alone
    s_run_echo (&world, "k2");
    s_run_echo (&world, "k3");
    assert_int_equal (s_calls (&world, "evalsha"), 3);
    assert_int_equal (s_calls (&world, "eval"), 1);

    //  Redis forgot it: works again, and is loaded again
    redisReply *reply = (redisReply *) redisCommand (world.redis, "SCRIPT FLUSH");
    assert_non_null (reply);
    freeReplyObject (reply);
    s_run_echo (&world, "k4");
    assert_int_equal (s_calls (&world, "eval"), 2);
    s_run_echo (&world, "k5");
    assert_int_equal (s_calls (&world, "evalsha"), 5);
    assert_int_equal (s_calls (&world, "eval"), 2);

    //  NUL-terminated words when no lengths are given
    const char *argv [] = { "1", "plain", "four" };
    reply = sb_script_run (&s_echo, world.redis, 3, argv, NULL);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    assert_int_equal (reply->element [1]->integer, 4);
    freeReplyObject (reply);
    s_world_stop (&world);
}

static void
test_script_error_returned (void **state)
{
    (void) state;
    s_world_t world;
    s_world_start (&world);
    redisReply *set = (redisReply *) redisCommand (world.redis, "SET word not-a-number");
    assert_non_null (set);
    freeReplyObject (set);
    //  Both on the first run (through EVAL) and by SHA1
    for (int index = 0; index < 2; index++) {
        const char *argv [] = { "1", "word" };
        redisReply *reply = sb_script_run (&s_broken, world.redis, 2, argv, NULL);
        assert_non_null (reply);
        assert_int_equal (reply->type, REDIS_REPLY_ERROR);
        assert_non_null (strstr (reply->str, "not an integer"));
        freeReplyObject (reply);
    }
    assert_int_equal (s_calls (&world, "evalsha"), 2);
    //  A wrong number of keys is Redis's error, returned as it is
    const char *argv [] = { "x" };
    redisReply *reply = sb_script_run (&s_echo, world.redis, 1, argv, NULL);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ERROR);
    freeReplyObject (reply);
    s_world_stop (&world);
}

static void
test_dead_connection (void **state)
{
    (void) state;
    s_world_t world;
    s_world_start (&world);
    assert_int_equal (sb_testredis_kill (world.server), 0);
    const char *argv [] = { "1", "k" };
    assert_null (sb_script_run (&s_echo, world.redis, 2, argv, NULL));
    assert_true (world.redis->err != 0);
    s_world_stop (&world);
}

//  Appends s_echo on key, then a plain command behind it; reads both, and
//  asserts the script's answer once sb_script_after has it.
static void
s_pipeline_echo (s_world_t *world, const char *key)
{
    const char *argv [] = { "1", key, "abcd" };
    assert_int_equal (sb_script_append (&s_echo, world->redis, 3, argv, NULL), REDIS_OK);
    assert_int_equal (redisAppendCommand (world->redis, "INCR behind"), REDIS_OK);
    redisReply *echo = NULL, *behind = NULL;
    assert_int_equal (redisGetReply (world->redis, (void **) &echo), REDIS_OK);
    assert_int_equal (redisGetReply (world->redis, (void **) &behind), REDIS_OK);
    assert_int_equal (behind->type, REDIS_REPLY_INTEGER);
    freeReplyObject (behind);
    echo = sb_script_after (&s_echo, world->redis, echo, 3, argv, NULL);
    assert_non_null (echo);
    assert_int_equal (echo->type, REDIS_REPLY_ARRAY);
    assert_string_equal (echo->element [0]->str, key);
    assert_int_equal (echo->element [1]->integer, 4);
    freeReplyObject (echo);
}

//  A script as a pipeline's step: by SHA1 when Redis holds it, and run
//  again as EVAL, after the pipeline's other replies, when it does not.
static void
test_pipelined (void **state)
{
    (void) state;
    s_world_t world;
    s_world_start (&world);
    s_pipeline_echo (&world, "k1");
    assert_int_equal (s_calls (&world, "evalsha"), 1);
    assert_int_equal (s_calls (&world, "eval"), 1);
    s_pipeline_echo (&world, "k2");
    assert_int_equal (s_calls (&world, "evalsha"), 2);
    assert_int_equal (s_calls (&world, "eval"), 1);
    assert_int_equal (s_calls (&world, "incr"), 2);
    //  The script's own error comes back (after the EVAL that loads it)
    redisReply *reply = (redisReply *) redisCommand (world.redis, "SET word not-a-number");
    freeReplyObject (reply);
    const char *argv [] = { "1", "word" };
    assert_int_equal (sb_script_append (&s_broken, world.redis, 2, argv, NULL), REDIS_OK);
    assert_int_equal (redisGetReply (world.redis, (void **) &reply), REDIS_OK);
    reply = sb_script_after (&s_broken, world.redis, reply, 2, argv, NULL);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ERROR);
    assert_non_null (strstr (reply->str, "not an integer"));
    freeReplyObject (reply);
    assert_null (sb_script_after (&s_echo, world.redis, NULL, 2, argv, NULL));
    s_world_stop (&world);
}

//  Many words: past what sb_script keeps on its stack.
static void
test_many_arguments (void **state)
{
    (void) state;
    s_world_t world;
    s_world_start (&world);
    static sb_script_t count = SB_SCRIPT ("return #ARGV");
    const char *argv [101];
    argv [0] = "0";
    for (int index = 1; index <= 100; index++)
        argv [index] = "w";
    redisReply *reply = sb_script_run (&count, world.redis, 101, argv, NULL);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_INTEGER);
    assert_int_equal (reply->integer, 100);
    freeReplyObject (reply);
    s_world_stop (&world);
}

int
main (void)
{
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_script: SKIP: no redis-server in PATH\n");
        return 77;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_sha_is_redis_own),
        cmocka_unit_test (test_runs_then_by_sha),
        cmocka_unit_test (test_script_error_returned),
        cmocka_unit_test (test_dead_connection),
        cmocka_unit_test (test_many_arguments),
        cmocka_unit_test (test_pipelined),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
