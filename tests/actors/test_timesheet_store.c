/*  test_timesheet_store.c — the timesheet's directory lookup against a
    real redis-server, with and without a guess of the id (the id a
    thread's earlier lookup of that number found, which lets the name be
    read in the directory's round trip, and a query's entries with them).
    A guess is only ever a guess: the answer is what the directory says
    now, whatever was guessed, and only the right employee's entries are
    ever read ahead.                                                      */

#include "sb_classes.h"
#include "sb_timesheet_store.h"
#include "sb_testredis.h"
#include <setjmp.h>
#include <cmocka.h>

typedef struct {
    sb_testredis_t *server;
    redisContext *redis;
} s_world_t;

static int
s_setup (void **state)
{
    s_world_t *world = (s_world_t *) calloc (1, sizeof *world);
    world->server = sb_testredis_new ("no");
    world->redis = world->server? sb_testredis_connect (world->server): NULL;
    *state = world;
    return world->redis? 0: -1;
}

static int
s_teardown (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    if (world->redis)
        redisFree (world->redis);
    sb_testredis_destroy (&world->server);
    free (world);
    return 0;
}

static void
s_command (s_world_t *world, const char *command)
{
    redisReply *reply = (redisReply *) redisCommand (world->redis, command);
    assert_non_null (reply);
    assert_int_not_equal (reply->type, REDIS_REPLY_ERROR);
    freeReplyObject (reply);
}

//  Looks +15550001111 up in acme with guess; asserts rc, and the id and
//  name when found.
static void
s_expect (s_world_t *world, const char *guess, int rc, const char *id, const char *name)
{
    sb_timesheet_employee_t employee;
    memset (&employee, 0, sizeof employee);
    char err [256] = "";
    assert_int_equal (sb_timesheet_store_lookup (world->redis, "acme", "+15550001111", guess, NULL,
                                                 &employee, err, sizeof err), rc);
    if (rc == SB_TIMESHEET_OK) {
        assert_string_equal (employee.id, id);
        assert_string_equal (employee.name, name);
    }
}

static void
test_guesses (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    s_command (world, "HSET sb:emp:acme:E1 name Dana");
    s_command (world, "HSET sb:emp:acme:E2 name Sam");
    s_expect (world, NULL, SB_TIMESHEET_NOT_FOUND, NULL, NULL);
    s_expect (world, "E1", SB_TIMESHEET_NOT_FOUND, NULL, NULL);
    s_command (world, "SET sb:dir:acme:phone:+15550001111 E1");
    //  No guess, the right one, a wrong one, an empty one
    s_expect (world, NULL, SB_TIMESHEET_OK, "E1", "Dana");
    s_expect (world, "E1", SB_TIMESHEET_OK, "E1", "Dana");
    s_expect (world, "E2", SB_TIMESHEET_OK, "E1", "Dana");
    s_expect (world, "", SB_TIMESHEET_OK, "E1", "Dana");
    //  The number moves to another employee: the old guess is not kept to
    s_command (world, "SET sb:dir:acme:phone:+15550001111 E2");
    s_expect (world, "E1", SB_TIMESHEET_OK, "E2", "Sam");
    //  A guess of an id nobody has
    s_expect (world, "E9", SB_TIMESHEET_OK, "E2", "Sam");
    //  The number leaves the directory
    s_command (world, "DEL sb:dir:acme:phone:+15550001111");
    s_expect (world, "E2", SB_TIMESHEET_NOT_FOUND, NULL, NULL);
    //  An employee without a name has the empty one, guessed or not
    s_command (world, "SET sb:dir:acme:phone:+15550001111 E3");
    s_expect (world, "E3", SB_TIMESHEET_OK, "E3", "");
    s_expect (world, NULL, SB_TIMESHEET_OK, "E3", "");
}

//  Looks +15550001111 up in acme with guess and the period from..to to
//  prefetch; asserts rc and returns what was prefetched (NULL if nothing).
static json_t *
s_prefetched (s_world_t *world, const char *guess, int32_t from, int32_t to, int rc)
{
    sb_timesheet_prefetch_t prefetch = { from, to, NULL };
    sb_timesheet_employee_t employee;
    char err [256] = "";
    assert_int_equal (sb_timesheet_store_lookup (world->redis, "acme", "+15550001111", guess,
                                                 &prefetch, &employee, err, sizeof err), rc);
    return prefetch.entries;
}

//  The entries the query would read itself, for comparison.
static json_t *
s_entries (s_world_t *world, const char *id, int32_t from, int32_t to)
{
    json_t *entries = NULL;
    char err [256] = "";
    assert_int_equal (sb_timesheet_store_entries (world->redis, "acme", id, from, to, &entries,
                                                  err, sizeof err), SB_TIMESHEET_OK);
    return entries;
}

static void
test_prefetch (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    s_command (world, "FLUSHALL");
    s_command (world, "SET sb:dir:acme:phone:+15550001111 E1");
    s_command (world, "HSET sb:emp:acme:E1 name Dana");
    s_command (world, "HSET sb:emp:acme:E2 name Sam");
    s_command (world, "ZADD sb:ts:{acme:E1}:entries 20514 "
                      "{\"date\":\"2026-03-02\",\"hours\":8,\"id\":\"a\",\"project\":\"Acme\"}");
    s_command (world, "ZADD sb:ts:{acme:E1}:entries 20520 "
                      "{\"date\":\"2026-03-08\",\"hours\":2,\"id\":\"b\",\"project\":\"Acme\"}");
    s_command (world, "ZADD sb:ts:{acme:E2}:entries 20514 "
                      "{\"date\":\"2026-03-02\",\"hours\":5,\"id\":\"c\",\"project\":\"Sam's\"}");
    //  The guess holds: the period's entries, as the query reads them
    json_t *entries = s_prefetched (world, "E1", 20514, 20519, SB_TIMESHEET_OK);
    json_t *expected = s_entries (world, "E1", 20514, 20519);
    assert_non_null (entries);
    assert_int_equal (json_array_size (entries), 1);
    assert_true (json_equal (entries, expected));
    json_decref (entries);
    json_decref (expected);
    //  No guess, or a wrong one: nothing read ahead, above all not the
    //  guessed employee's entries
    assert_null (s_prefetched (world, NULL, 20514, 20519, SB_TIMESHEET_OK));
    assert_null (s_prefetched (world, "E2", 20514, 20519, SB_TIMESHEET_OK));
    //  An empty period is an empty array
    entries = s_prefetched (world, "E1", 20000, 20001, SB_TIMESHEET_OK);
    assert_non_null (entries);
    assert_int_equal (json_array_size (entries), 0);
    json_decref (entries);
    //  A member that is no entry is left for the query to read (and to fail
    //  on, naming it): the lookup itself succeeds
    s_command (world, "ZADD sb:ts:{acme:E1}:entries 20515 not-json");
    assert_null (s_prefetched (world, "E1", 20514, 20519, SB_TIMESHEET_OK));
    //  The number gone: not found, nothing read ahead
    s_command (world, "DEL sb:dir:acme:phone:+15550001111");
    assert_null (s_prefetched (world, "E1", 20514, 20519, SB_TIMESHEET_NOT_FOUND));
}

static void
test_broken_data (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    char err [256] = "";
    sb_timesheet_employee_t employee;
    //  An empty id in the directory, guessed or not, and whatever follows
    //  it in the pipeline is read, so the connection stays in step
    redisReply *reply = (redisReply *) redisCommand (world->redis, "SET %s %s",
                                                     "sb:dir:acme:phone:+15550001111", "");
    assert_non_null (reply);
    freeReplyObject (reply);
    for (int round = 0; round < 2; round++) {
        assert_int_equal (sb_timesheet_store_lookup (world->redis, "acme", "+15550001111",
                                                     round? "E1": NULL, NULL, &employee, err,
                                                     sizeof err), SB_TIMESHEET_BROKEN);
        assert_non_null (strstr (err, "sb:dir:acme:phone:+15550001111: not an employee id"));
    }
    //  A name too long, found through the guess
    s_command (world, "SET sb:dir:acme:phone:+15550001111 E4");
    char command [400];
    snprintf (command, sizeof command, "HSET sb:emp:acme:E4 name %0*d", SB_TIMESHEET_NAME_MAX + 1,
              0);
    s_command (world, command);
    assert_int_equal (sb_timesheet_store_lookup (world->redis, "acme", "+15550001111", "E4",
                                                 NULL, &employee, err, sizeof err), SB_TIMESHEET_BROKEN);
    assert_non_null (strstr (err, "sb:emp:acme:E4: name longer than"));
    //  The wrong type under the directory's key
    s_command (world, "DEL sb:dir:acme:phone:+15550001111");
    s_command (world, "LPUSH sb:dir:acme:phone:+15550001111 E1");
    assert_int_equal (sb_timesheet_store_lookup (world->redis, "acme", "+15550001111", "E1",
                                                 NULL, &employee, err, sizeof err), SB_TIMESHEET_BROKEN);
    assert_non_null (strstr (err, "GET sb:dir:acme:phone:+15550001111"));
    //  After each, the connection still answers in step
    s_command (world, "HSET sb:emp:acme:E2 name Sam");
    s_command (world, "SET sb:dir:acme:phone:+15550001111 E2");
    s_expect (world, "E2", SB_TIMESHEET_OK, "E2", "Sam");
}

static void
test_redis_gone (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    assert_int_equal (sb_testredis_kill (world->server), 0);
    char err [256] = "";
    sb_timesheet_employee_t employee;
    assert_int_equal (sb_timesheet_store_lookup (world->redis, "acme", "+15550001111", "E1",
                                                 NULL, &employee, err, sizeof err),
                      SB_TIMESHEET_TRANSIENT);
    assert_true (world->redis->err != 0);
}

int
main (void)
{
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_timesheet_store: SKIP: no redis-server in PATH\n");
        return 77;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_guesses),
        cmocka_unit_test (test_prefetch),
        cmocka_unit_test (test_broken_data),
        cmocka_unit_test (test_redis_gone),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
