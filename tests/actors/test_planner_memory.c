/*  test_planner_memory.c — the planner's conversation memory (sb_memory)
    against a real redis-server: turns newest first, capped, expiring,
    recorded once however often a message is redelivered, per tenant and
    phone, and what is not a turn left out.

    Exits 77 (skipped) without redis-server.                              */

#include "sb_classes.h"
#include "sb_memory.h"
#include "sb_testredis.h"
#include <setjmp.h>
#include <cmocka.h>

#define S_EXIT_SKIP 77
#define S_LIST      "sb:memory:{demo:+15551234567}"

typedef struct {
    sb_testredis_t *server;
    redisContext *redis;
} s_world_t;

static json_t *
s_turn (int index, const char *role)
{
    char id [32], text [32];
    snprintf (id, sizeof id, "SM%d", index);
    snprintf (text, sizeof text, "turn %d", index);
    json_t *entities = json_pack ("{s:s}", "period", "this_week");
    json_t *turn = sb_memory_turn (id, role, "sms", text, "check_hours", entities,
                                   1772697600000LL + index);
    json_decref (entities);
    return turn;
}

static long long
s_integer (redisContext *redis, const char *command, const char *key)
{
    redisReply *reply = (redisReply *) redisCommand (redis, command, key);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_INTEGER);
    long long value = reply->integer;
    freeReplyObject (reply);
    return value;
}

static int
s_setup (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    redisReply *reply = (redisReply *) redisCommand (world->redis, "FLUSHALL");
    freeReplyObject (reply);
    return 0;
}

//  A redelivered message is recorded once; turns come newest first
static void
test_once_newest_first (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_memory_limits_t limits = { 10, 86400 };
    char err [256];
    for (int index = 0; index < 3; index++) {
        json_t *turn = s_turn (index, index == 1? "assistant": "user");
        assert_int_equal (sb_memory_record (world->redis, "demo", "+15551234567", turn, &limits,
                                            err, sizeof err), 1);
        //  The same message again, as a redelivery brings it
        assert_int_equal (sb_memory_record (world->redis, "demo", "+15551234567", turn, &limits,
                                            err, sizeof err), 0);
        json_decref (turn);
    }
    assert_int_equal (s_integer (world->redis, "LLEN %s", S_LIST), 3);
    json_t *turns;
    assert_int_equal (sb_memory_recent (world->redis, "demo", "+15551234567", &limits, &turns,
                                        err, sizeof err), 0);
    assert_int_equal (json_array_size (turns), 3);
    assert_string_equal (json_string_value (json_object_get (json_array_get (turns, 0), "id")),
                         "SM2");
    assert_string_equal (json_string_value (json_object_get (json_array_get (turns, 2), "id")),
                         "SM0");
    //  The newest user turn, other than the message being handled
    const json_t *user = sb_memory_last_user_turn (turns, NULL);
    assert_string_equal (json_string_value (json_object_get (user, "id")), "SM2");
    user = sb_memory_last_user_turn (turns, "SM2");
    assert_string_equal (json_string_value (json_object_get (user, "id")), "SM0");
    user = sb_memory_last_user_turn (turns, "SM0");
    assert_string_equal (json_string_value (json_object_get (user, "id")), "SM2");
    json_decref (turns);
    //  Another employee, another tenant: nothing
    assert_int_equal (sb_memory_recent (world->redis, "acme", "+15551234567", &limits, &turns,
                                        err, sizeof err), 0);
    assert_int_equal (json_array_size (turns), 0);
    json_decref (turns);
}

//  Capped at max_turns, both keys expiring after the last turn
static void
test_capped_expiring (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_memory_limits_t limits = { 4, 600 };
    char err [256];
    for (int index = 0; index < 80; index++) {
        json_t *turn = s_turn (index, "user");
        assert_int_equal (sb_memory_record (world->redis, "demo", "+15551234567", turn, &limits,
                                            err, sizeof err), 1);
        json_decref (turn);
    }
    assert_int_equal (s_integer (world->redis, "LLEN %s", S_LIST), 4);
    long long ttl = s_integer (world->redis, "TTL %s", S_LIST);
    assert_true (ttl > 0 && ttl <= 600);
    ttl = s_integer (world->redis, "TTL %s", S_LIST ":seen");
    assert_true (ttl > 0 && ttl <= 600);
    //  The ids kept for redeliveries are bounded too
    assert_int_equal (s_integer (world->redis, "ZCARD %s", S_LIST ":seen"), 64);
    json_t *turns;
    assert_int_equal (sb_memory_recent (world->redis, "demo", "+15551234567", &limits, &turns,
                                        err, sizeof err), 0);
    assert_int_equal (json_array_size (turns), 4);
    assert_string_equal (json_string_value (json_object_get (json_array_get (turns, 0), "id")),
                         "SM79");
    json_decref (turns);
}

//  What is not a turn is left out; a long text is cut whole
static void
test_bad_entries_and_long_text (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_memory_limits_t limits = { 10, 600 };
    char err [256];
    redisReply *reply = (redisReply *) redisCommand (world->redis, "RPUSH %s %s %s", S_LIST,
                                                     "not json", "[1,2]");
    freeReplyObject (reply);
    char text [3001];
    for (int index = 0; index < 1000; index++)
        memcpy (text + index * 3, "\xe2\x82\xac", 3);          //  euro signs
    text [3000] = 0;
    json_t *turn = sb_memory_turn ("WA1", "user", "whatsapp", text, NULL, NULL, 1);
    assert_int_equal (strlen (json_string_value (json_object_get (turn, "text"))), 999);
    assert_int_equal (sb_memory_record (world->redis, "demo", "+15551234567", turn, &limits,
                                        err, sizeof err), 1);
    json_decref (turn);
    json_t *turns;
    assert_int_equal (sb_memory_recent (world->redis, "demo", "+15551234567", &limits, &turns,
                                        err, sizeof err), 0);
    assert_int_equal (json_array_size (turns), 1);
    json_decref (turns);
    //  A turn without an id is refused
    json_t *anonymous = json_pack ("{s:s}", "role", "user");
    assert_int_equal (sb_memory_record (world->redis, "demo", "+15551234567", anonymous, &limits,
                                        err, sizeof err), -1);
    json_decref (anonymous);
}

//  A key of the wrong type: an error with Redis's reason, not a crash
static void
test_wrong_type (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_memory_limits_t limits = { 10, 600 };
    char err [256];
    redisReply *reply = (redisReply *) redisCommand (world->redis, "SET %s %s", S_LIST, "x");
    freeReplyObject (reply);
    json_t *turns = NULL;
    assert_int_equal (sb_memory_recent (world->redis, "demo", "+15551234567", &limits, &turns,
                                        err, sizeof err), -1);
    assert_non_null (strstr (err, "WRONGTYPE"));
    json_t *turn = s_turn (1, "user");
    assert_int_equal (sb_memory_record (world->redis, "demo", "+15551234567", turn, &limits,
                                        err, sizeof err), -1);
    assert_non_null (strstr (err, "conversation memory: recording a turn"));
    json_decref (turn);
}

int
main (void)
{
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_planner_memory: SKIPPED: no redis-server in PATH\n");
        return S_EXIT_SKIP;
    }
    s_world_t world = { sb_testredis_new ("no"), NULL };
    world.redis = world.server? sb_testredis_connect (world.server): NULL;
    int rc = 1;
    if (world.redis) {
        const struct CMUnitTest tests [] = {
            cmocka_unit_test_prestate_setup_teardown (test_once_newest_first, s_setup, NULL,
                                                      &world),
            cmocka_unit_test_prestate_setup_teardown (test_capped_expiring, s_setup, NULL, &world),
            cmocka_unit_test_prestate_setup_teardown (test_bad_entries_and_long_text, s_setup,
                                                      NULL, &world),
            cmocka_unit_test_prestate_setup_teardown (test_wrong_type, s_setup, NULL, &world),
        };
        rc = cmocka_run_group_tests (tests, NULL, NULL);
        redisFree (world.redis);
    }
    else
        fprintf (stderr, "test_planner_memory: cannot start redis-server\n");
    sb_testredis_destroy (&world.server);
    return rc;
}
