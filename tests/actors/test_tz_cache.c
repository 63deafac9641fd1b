/*  test_tz_cache.c — sb_tz_cache, the handler thread's time zones: a
    zone is loaded once and then the same one is handed back, it tells the
    same time as a fresh sb_tz_load, another name is another zone, a name
    that does not load is refused with its reason and not kept, and past
    SB_TZ_CACHE_MAX zones the thread's cache starts over and still answers
    right. Handler contexts are made as the runtime makes them, on one
    sb_actor_thread_t. Needs the system's zoneinfo (tzdata): skipped
    without it.                                                           */

#include "sb_classes.h"
#include "sb_actor_private.h"
#include "sb_tz_cache.h"
#include <setjmp.h>
#include <cmocka.h>

typedef struct {
    sb_actor_def_t def;
    sb_actor_options_t options;
    sb_actor_thread_t thread;
    sb_actor_ctx_t *ctx;
} s_world_t;

static int
s_setup (void **state)
{
    s_world_t *world = (s_world_t *) calloc (1, sizeof (s_world_t));
    world->def.name = "tester";
    sb_actor_options_default (&world->options, &world->def);
    world->ctx = sb_actor_ctx_new (&world->options, NULL, 1, &world->thread);
    assert_non_null (world->ctx);
    *state = world;
    return 0;
}

static int
s_teardown (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_actor_ctx_destroy (&world->ctx);
    sb_actor_thread_end (&world->thread);
    sb_actor_options_clear (&world->options);
    free (world);
    return 0;
}

static void
test_kept_and_right (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    char err [256] = "";
    const sb_tz_t *paris = sb_tz_cache_get (world->ctx, "Europe/Paris", err, sizeof err);
    assert_non_null (paris);
    assert_ptr_equal (sb_tz_cache_get (world->ctx, "Europe/Paris", err, sizeof err), paris);
    assert_string_equal (sb_tz_name (paris), "Europe/Paris");
    //  The same answers as a zone loaded afresh, summer and winter
    sb_tz_t *fresh = sb_tz_load ("Europe/Paris", err, sizeof err);
    assert_non_null (fresh);
    int64_t summer = 1782864000, winter = 1767225600;   //  2026-07-01, 2026-01-01 UTC
    assert_int_equal (sb_tz_offset (paris, summer), sb_tz_offset (fresh, summer));
    assert_int_equal (sb_tz_offset (paris, winter), sb_tz_offset (fresh, winter));
    assert_int_equal (sb_tz_offset (paris, summer), 7200);
    sb_tz_destroy (&fresh);

    const sb_tz_t *york = sb_tz_cache_get (world->ctx, "America/New_York", err, sizeof err);
    assert_non_null (york);
    assert_true (york != paris);
    assert_int_equal (sb_tz_offset (york, winter), -5 * 3600);
    assert_ptr_equal (sb_tz_cache_get (world->ctx, "Europe/Paris", err, sizeof err), paris);
}

static void
test_refused_not_kept (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    for (int tries = 0; tries < 2; tries++) {
        char err [256] = "";
        assert_null (sb_tz_cache_get (world->ctx, "Nowhere/Land", err, sizeof err));
        assert_non_null (strstr (err, "Nowhere/Land"));
        err [0] = 0;
        assert_null (sb_tz_cache_get (world->ctx, "../etc/passwd", err, sizeof err));
        assert_non_null (strstr (err, ".."));
    }
}

//  More zones than a thread keeps: each answer is still the zone asked for
static void
test_bounded (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    char folder [] = "/tmp/test_tz_cache.XXXXXX";
    assert_non_null (mkdtemp (folder));
    char err [256] = "";
    sb_tz_t *utc = sb_tz_load ("Etc/UTC", err, sizeof err);
    assert_non_null (utc);
    sb_tz_destroy (&utc);
    //  SB_TZ_CACHE_MAX + 8 names, each a copy of a real zone file
    char command [512];
    snprintf (command, sizeof command, "for n in $(seq 0 %d); do cp /usr/share/zoneinfo/Etc/GMT-3 "
              "%s/Zone$n; done", SB_TZ_CACHE_MAX + 7, folder);
    assert_int_equal (system (command), 0);
    setenv ("TZDIR", folder, 1);
    for (int round = 0; round < 2; round++)
        for (int index = 0; index < SB_TZ_CACHE_MAX + 8; index++) {
            char name [32];
            snprintf (name, sizeof name, "Zone%d", index);
            const sb_tz_t *zone = sb_tz_cache_get (world->ctx, name, err, sizeof err);
            if (!zone)
                fail_msg ("%s: %s", name, err);
            assert_string_equal (sb_tz_name (zone), name);
            assert_int_equal (sb_tz_offset (zone, 0), 3 * 3600);
        }
    unsetenv ("TZDIR");
    snprintf (command, sizeof command, "rm -rf %s", folder);
    assert_int_equal (system (command), 0);
}

int
main (void)
{
    char err [256];
    sb_tz_t *probe = sb_tz_load ("Europe/Paris", err, sizeof err);
    if (!probe) {
        fprintf (stderr, "SKIP: no zoneinfo (install tzdata): %s\n", err);
        return 77;
    }
    sb_tz_destroy (&probe);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_kept_and_right, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_refused_not_kept, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_bounded, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
