/*  test_tenant_cache.c — sb_tenant_load's cache of sb:tenant:<id> against
    a real redis-server: a hash read once is not read again within the
    actor's tenant_cache_ms, a change is seen once it has passed, 0 reads
    for every message, bad values are refused naming the key, a Redis
    error (WRONGTYPE, unreachable) is never kept, at most
    SB_TENANT_CACHE_MAX tenants are kept, and config stays under Redis.

    Reads are counted with INFO commandstats (cmdstat_hgetall), which Redis
    counts exactly. Handler contexts are made as the runtime makes them
    (sb_actor_private.h), on one sb_actor_thread_t: one worker thread.    */

#include "sb_classes.h"
#include "sb_actor_private.h"
#include "sb_actor_redis.h"
#include "sb_tenant.h"
#include "sb_tenant_cache.h"
#include "sb_testredis.h"
#include <setjmp.h>
#include <cmocka.h>

//  One actor's options and one worker thread, against a private Redis.
typedef struct {
    sb_testredis_t *server;
    redisContext *check;             //  the test's own connection
    sb_actor_def_t def;
    sb_actor_options_t options;
    zconfig_t *config;
    sb_actor_thread_t thread;
} s_world_t;

//  Starts Redis and an actor "tester" whose section holds tenant_cache_ms
//  = cache_ms (NULL: no key) and tenants/acme/tone = formal.
static s_world_t *
s_world_new (const char *cache_ms)
{
    s_world_t *world = (s_world_t *) calloc (1, sizeof (s_world_t));
    world->server = sb_testredis_new ("no");
    assert_non_null (world->server);
    world->check = sb_testredis_connect (world->server);
    assert_non_null (world->check);
    world->def.name = "tester";
    sb_actor_options_default (&world->options, &world->def);
    world->options.redis_url = strdup (sb_testredis_url (world->server));
    world->config = zconfig_new ("root", NULL);
    zconfig_t *section = zconfig_new ("tester", world->config);
    if (cache_ms)
        zconfig_put (section, SB_TENANT_CACHE_KEY, cache_ms);
    zconfig_put (section, "tenants/acme/tone", "formal");
    world->options.section = section;
    return world;
}

static void
s_world_destroy (s_world_t **world_p)
{
    s_world_t *world = *world_p;
    sb_actor_thread_end (&world->thread);
    world->options.section = NULL;
    sb_actor_options_clear (&world->options);
    zconfig_destroy (&world->config);
    redisFree (world->check);
    sb_testredis_destroy (&world->server);
    free (world);
    *world_p = NULL;
}

//  Runs a command on the test's connection; asserts it was answered.
static void s_redis (s_world_t *world, const char *format, ...) SB_PRINTF (2, 3);
static void
s_redis (s_world_t *world, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    redisReply *reply = (redisReply *) redisvCommand (world->check, format, args);
    va_end (args);
    assert_non_null (reply);
    if (reply->type == REDIS_REPLY_ERROR)
        fail_msg ("%s: %s", format, reply->str);
    freeReplyObject (reply);
}

//  How many HGETALLs Redis has run since the last CONFIG RESETSTAT.
static long
s_hgetalls (s_world_t *world)
{
    long calls = sb_testredis_calls (world->check, "hgetall");
    assert_true (calls >= 0);
    return calls;
}

//  Loads tenant_id as a handler on the world's thread would. Returns the
//  profile (caller destroys) or NULL with *code and err set.
static sb_tenant_t *
s_load (s_world_t *world, const char *tenant_id, int *code, char *err, size_t errlen)
{
    sb_actor_ctx_t *ctx = sb_actor_ctx_new (&world->options, NULL, 1, &world->thread);
    assert_non_null (ctx);
    sb_tenant_t *tenant = sb_tenant_load (ctx, tenant_id, code, err, errlen);
    sb_actor_ctx_destroy (&ctx);
    return tenant;
}

//  Loads tenant_id, asserting it loads, and answers a copy of its name.
static char *
s_name (s_world_t *world, const char *tenant_id)
{
    char err [512] = "";
    int code = 0;
    sb_tenant_t *tenant = s_load (world, tenant_id, &code, err, sizeof err);
    if (!tenant)
        fail_msg ("loading %s: %s (%d)", tenant_id, err, code);
    char *name = strdup (sb_tenant_str (tenant, "name"));
    sb_tenant_destroy (&tenant);
    return name;
}

static void
s_expect_name (s_world_t *world, const char *tenant_id, const char *expected)
{
    char *name = s_name (world, tenant_id);
    assert_string_equal (name, expected);
    free (name);
}

static void
test_read_once_within_ttl (void **state)
{
    (void) state;
    s_world_t *world = s_world_new ("60000");       //  far longer than the test
    s_redis (world, "HSET sb:tenant:acme name Acme tone brief");
    s_redis (world, "CONFIG RESETSTAT");
    for (int index = 0; index < 5; index++)
        s_expect_name (world, "acme", "Acme");
    assert_int_equal (s_hgetalls (world), 1);

    //  Within the TTL a change is not seen yet: the kept hash is used
    s_redis (world, "HSET sb:tenant:acme name Changed");
    s_expect_name (world, "acme", "Acme");
    assert_int_equal (s_hgetalls (world), 1);

    //  Each tenant is kept apart
    s_redis (world, "HSET sb:tenant:zed name Zed");
    s_expect_name (world, "zed", "Zed");
    s_expect_name (world, "zed", "Zed");
    s_expect_name (world, "acme", "Acme");
    assert_int_equal (s_hgetalls (world), 2);
    s_world_destroy (&world);
}

static void
test_config_stays_under_redis (void **state)
{
    (void) state;
    s_world_t *world = s_world_new ("60000");
    //  Config says formal; Redis says brief and wins, cached or not
    s_redis (world, "HSET sb:tenant:acme tone brief");
    for (int index = 0; index < 2; index++) {
        char err [512];
        int code = 0;
        sb_tenant_t *tenant = s_load (world, "acme", &code, err, sizeof err);
        assert_non_null (tenant);
        assert_string_equal (sb_tenant_str (tenant, "tone"), "brief");
        sb_tenant_destroy (&tenant);
    }
    //  A field the hash lacks still comes from config, when kept too
    s_redis (world, "CONFIG RESETSTAT");
    s_redis (world, "HDEL sb:tenant:acme tone");
    sb_actor_thread_end (&world->thread);           //  a new thread: an empty cache
    for (int index = 0; index < 2; index++) {
        char err [512];
        int code = 0;
        sb_tenant_t *tenant = s_load (world, "acme", &code, err, sizeof err);
        assert_non_null (tenant);
        assert_string_equal (sb_tenant_str (tenant, "tone"), "formal");
        sb_tenant_destroy (&tenant);
    }
    assert_int_equal (s_hgetalls (world), 1);
    s_world_destroy (&world);
}

static void
test_change_seen_after_ttl (void **state)
{
    (void) state;
    s_world_t *world = s_world_new ("50");
    s_redis (world, "HSET sb:tenant:acme name Acme");
    s_expect_name (world, "acme", "Acme");
    s_redis (world, "HSET sb:tenant:acme name Changed");
    //  Polled until seen, with a deadline far beyond the 50 ms
    int64_t deadline = zclock_mono () + 5000;
    char *name = s_name (world, "acme");
    while (!streq (name, "Changed") && zclock_mono () < deadline) {
        free (name);
        zclock_sleep (5);
        name = s_name (world, "acme");
    }
    assert_string_equal (name, "Changed");
    free (name);
    s_world_destroy (&world);
}

static void
test_zero_reads_every_time (void **state)
{
    (void) state;
    s_world_t *world = s_world_new ("0");
    s_redis (world, "HSET sb:tenant:acme name Acme");
    s_redis (world, "CONFIG RESETSTAT");
    s_expect_name (world, "acme", "Acme");
    s_redis (world, "HSET sb:tenant:acme name Changed");
    s_expect_name (world, "acme", "Changed");
    s_expect_name (world, "acme", "Changed");
    assert_int_equal (s_hgetalls (world), 3);
    s_world_destroy (&world);
}

static void
test_default_keeps (void **state)
{
    (void) state;
    //  No key: the default, 1000 ms. Two loads in a row read once unless
    //  this machine stalled for a second between them: then a third read
    //  is allowed, which still tells a cache from none (five reads)
    s_world_t *world = s_world_new (NULL);
    s_redis (world, "HSET sb:tenant:acme name Acme");
    s_redis (world, "CONFIG RESETSTAT");
    for (int index = 0; index < 5; index++)
        s_expect_name (world, "acme", "Acme");
    assert_in_range (s_hgetalls (world), 1, 3);
    s_world_destroy (&world);
}

static void
test_bad_values_refused (void **state)
{
    (void) state;
    const char *bad [] = { "soon", "-1", "3600001", "", "10ms", "1e3", "99999999999999999999" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        s_world_t *world = s_world_new (bad [index]);
        char err [512] = "", expected [512];
        int code = 0;
        sb_tenant_t *tenant = s_load (world, "acme", &code, err, sizeof err);
        assert_null (tenant);
        assert_int_equal (code, SB_TENANT_BAD);
        snprintf (expected, sizeof expected, "tester/tenant_cache_ms '%s' (config): not a whole "
                  "number of milliseconds in 0..3600000", bad [index]);
        assert_string_equal (err, expected);
        s_world_destroy (&world);
    }
    //  The edges are taken
    int64_t ttl_ms = -1;
    char err [256];
    zconfig_t *section = zconfig_new ("tester", NULL);
    assert_int_equal (sb_tenant_cache_ttl (section, &ttl_ms, err, sizeof err), 0);
    assert_int_equal (ttl_ms, SB_TENANT_CACHE_MS_DEFAULT);
    zconfig_put (section, SB_TENANT_CACHE_KEY, "3600000");
    assert_int_equal (sb_tenant_cache_ttl (section, &ttl_ms, err, sizeof err), 0);
    assert_int_equal (ttl_ms, 3600000);
    zconfig_put (section, SB_TENANT_CACHE_KEY, "0");
    assert_int_equal (sb_tenant_cache_ttl (section, &ttl_ms, err, sizeof err), 0);
    assert_int_equal (ttl_ms, 0);
    zconfig_destroy (&section);
}

static void
test_wrongtype_not_kept (void **state)
{
    (void) state;
    s_world_t *world = s_world_new ("60000");
    s_redis (world, "SET sb:tenant:acme not-a-hash");
    char err [512] = "";
    int code = 0;
    assert_null (s_load (world, "acme", &code, err, sizeof err));
    assert_int_equal (code, SB_TENANT_BAD);
    assert_string_equal (err, "tenant acme: sb:tenant:acme is not a hash");
    //  Mended: seen at once, though the TTL is a minute
    s_redis (world, "DEL sb:tenant:acme");
    s_redis (world, "HSET sb:tenant:acme name Mended");
    s_expect_name (world, "acme", "Mended");
    s_world_destroy (&world);
}

static void
test_bad_value_in_hash_seen_mended_after_ttl (void **state)
{
    (void) state;
    //  A hash with a bad value is data, kept like any hash: each load
    //  refuses it with the reason until the TTL has passed
    s_world_t *world = s_world_new ("50");
    s_redis (world, "HSET sb:tenant:acme max_segments 11");
    char err [512] = "";
    int code = 0;
    assert_null (s_load (world, "acme", &code, err, sizeof err));
    assert_int_equal (code, SB_TENANT_BAD);
    assert_string_equal (err, "tenant acme: max_segments '11' (redis sb:tenant:acme): "
                              "not an integer in 1..10");
    s_redis (world, "HSET sb:tenant:acme max_segments 2");
    int64_t deadline = zclock_mono () + 5000;
    sb_tenant_t *tenant = NULL;
    while (!(tenant = s_load (world, "acme", &code, err, sizeof err))
       &&  zclock_mono () < deadline)
        zclock_sleep (5);
    assert_non_null (tenant);
    assert_int_equal (sb_tenant_max_segments (tenant), 2);
    sb_tenant_destroy (&tenant);
    s_world_destroy (&world);
}

static void
test_unreachable_not_kept (void **state)
{
    (void) state;
    s_world_t *world = s_world_new ("60000");
    s_redis (world, "HSET sb:tenant:acme name Acme");
    s_redis (world, "HSET sb:tenant:zed name Zed");
    s_expect_name (world, "acme", "Acme");
    assert_int_equal (sb_testredis_kill (world->server), 0);

    //  A tenant kept before the outage is still served from the cache
    s_expect_name (world, "acme", "Acme");
    //  One never read cannot be: storage, a retry
    char err [512] = "";
    int code = 0;
    assert_null (s_load (world, "zed", &code, err, sizeof err));
    assert_int_equal (code, SB_TENANT_STORAGE);
    assert_non_null (strstr (err, "tenant zed: "));

    //  Back up: read at once, nothing of the failure was kept
    assert_int_equal (sb_testredis_restart (world->server), 0);
    redisFree (world->check);
    world->check = sb_testredis_connect (world->server);
    assert_non_null (world->check);
    s_expect_name (world, "zed", "Zed");
    s_world_destroy (&world);
}

static void
test_bounded (void **state)
{
    (void) state;
    s_world_t *world = s_world_new ("60000");
    s_redis (world, "CONFIG RESETSTAT");
    char id [32];
    for (int index = 0; index <= SB_TENANT_CACHE_MAX; index++) {
        snprintf (id, sizeof id, "t%d", index);
        free (s_name (world, id));
    }
    assert_int_equal (s_hgetalls (world), SB_TENANT_CACHE_MAX + 1);
    //  The newest are kept; the first, read longest ago, made room
    snprintf (id, sizeof id, "t%d", SB_TENANT_CACHE_MAX);
    free (s_name (world, id));
    free (s_name (world, "t1"));
    assert_int_equal (s_hgetalls (world), SB_TENANT_CACHE_MAX + 1);
    free (s_name (world, "t0"));
    assert_int_equal (s_hgetalls (world), SB_TENANT_CACHE_MAX + 2);
    s_world_destroy (&world);
}

int
main (void)
{
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_tenant_cache: SKIP: no redis-server in PATH\n");
        return 77;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_read_once_within_ttl),
        cmocka_unit_test (test_config_stays_under_redis),
        cmocka_unit_test (test_change_seen_after_ttl),
        cmocka_unit_test (test_zero_reads_every_time),
        cmocka_unit_test (test_default_keeps),
        cmocka_unit_test (test_bad_values_refused),
        cmocka_unit_test (test_wrongtype_not_kept),
        cmocka_unit_test (test_bad_value_in_hash_seen_mended_after_ttl),
        cmocka_unit_test (test_unreachable_not_kept),
        cmocka_unit_test (test_bounded),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
