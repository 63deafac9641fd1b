/*  test_supervise_fleet_files.c — supervise's integration tests, fleet
    files: each mistake refused with file:line and reason by both run and
    check before anything starts; what only check finds (a missing
    program, a secret not set, a port in use).

    Usage: test_supervise_fleet_files SUPERVISE TESTCHILD BROKER INGRESS [TEST]
    (paths of the programs, which CTest passes; TEST runs only the tests
    whose names match). The world they run in: supervise_fixture.h.       */

#include "supervise_fixture.h"

//  Each mistake in a fleet file: refused with file:line and reason, by
//  both run and check, before anything starts.
static void
test_bad_fleet_files (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    static const struct { const char *text; const char *expected; } cases [] = {
        { "a\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
          "    restrat = permanent\n",
          "fleet.zpl:4: a: unknown key 'restrat' (did you mean 'restart'?)" },
        { "a\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
          "    instances = lots\n",
          "fleet.zpl:4: a: instances: 'lots' is not a whole number from 0 to 64" },
        { "a\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
          "    depends = nothere\n",
          "fleet.zpl:4: a: depends on 'nothere', which is not a program of this fleet" },
        { "a\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
          "    depends = b\nb\n    command = ${SB_TESTCHILD}\n    depends = c\n"
          "c\n    command = ${SB_TESTCHILD}\n    depends = a\n",
          "fleet.zpl:10: c: dependency cycle: a -> b -> c -> a" },
        { "a\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
          "a\n    command = ${SB_TESTCHILD}\n",
          "fleet.zpl:4: a second program named 'a'" },
        { "a\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
          "    command = /bin/true\n",
          "fleet.zpl:4: a: 'command' given twice (first at line 2)" },
        { "a\n    args = --marker marker.log\n",
          "fleet.zpl:1: a: no 'command' (the program to run)" },
        { "a\n    command = ${SB_TESTCHILD}\n    grace = 10 seconds\n",
          "fleet.zpl:3: a: grace: '10 seconds' is not a duration" },
        { "a\n    command = ${SB_TESTCHILD}\n    args = ${SB_TEST_SURELY_UNSET}\n",
          "fleet.zpl:3: a: args: ${SB_TEST_SURELY_UNSET} is not set in the environment" },
        { "a\n    command = ${SB_TESTCHILD}\n\targs = x\n",
          "fleet.zpl:3: not valid ZPL" },
        { "a\n    command = ${SB_TESTCHILD}\n    restart = sometimes\n",
          "fleet.zpl:3: a: restart: restart is permanent (always), transient" },
        { "a\n    command = ${SB_TESTCHILD}\n    no-restart = 78 300\n",
          "fleet.zpl:3: a: no-restart: '300' is not a whole number from 1 to 255" },
        { "a\n    command = ${SB_TESTCHILD}\n    ready = tcp localhost\n",
          "fleet.zpl:3: a: ready: ready = tcp needs HOST:PORT" },
        { "a\n    command = ${SB_TESTCHILD}\n    config-file = x.zpl\n    config\n"
          "        a\n            b = 1\n",
          "fleet.zpl:1: a: both 'config' and 'config-file'" },
        { "a\n    command = ${SB_TESTCHILD}\n    depends = a\n",
          "fleet.zpl:3: a: dependency cycle: a -> a" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        //  Without the header: its lines would shift every line number
        st_write_file (self->fleet, cases [index].text);
        char output [4096];
        char *run [] = { (char *) st_programs.supervise, self->fleet, NULL };
        char *check [] = { (char *) st_programs.supervise, (char *) "check", self->fleet, NULL };
        int code = st_run (self, run, output, sizeof output);
        if (code != S_EXIT_CONFIG || !strstr (output, cases [index].expected))
            fprintf (stderr, "case %zu: exit %d, said: %s\nexpected: %s\n", index, code,
                     output, cases [index].expected);
        assert_int_equal (code, S_EXIT_CONFIG);
        assert_non_null (strstr (output, cases [index].expected));
        code = st_run (self, check, output, sizeof output);
        assert_int_equal (code, S_EXIT_CONFIG);
        assert_non_null (strstr (output, cases [index].expected));
        assert_non_null (strstr (output, "what to do"));
        assert_int_equal (access (self->marker, F_OK), -1);     //  nothing started
    }
}

//  check finds what a valid file cannot say: a missing program, a secret
//  not set (named, never shown), a port in use; and passes a good fleet.
static void
test_check (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    setenv ("SB_TEST_SET_SECRET", "value-never-printed", 1);
    unsetenv ("SB_TEST_UNSET_SECRET");
    char text [2048];
    snprintf (text, sizeof text, "%sa\n    command = ${SB_TESTCHILD}\n"
              "    secrets = SB_TEST_SET_SECRET\nb\n    command = ./not-built/b\n"
              "c\n    command = ${SB_TESTCHILD}\n    secrets = SB_TEST_UNSET_SECRET\n",
              S_HEADER);
    st_write_file (self->fleet, text);
    char output [8192];
    char *check [] = { (char *) st_programs.supervise, (char *) "check", self->fleet, NULL };
    assert_int_equal (st_run (self, check, output, sizeof output), 1);
    assert_non_null (strstr (output, "not-built/b' is not an executable file"));
    assert_non_null (strstr (output, "the secret SB_TEST_UNSET_SECRET is not set"));
    assert_null (strstr (output, "SB_TEST_SET_SECRET"));
    assert_null (strstr (output, "value-never-printed"));
    assert_non_null (strstr (output, "2 problems"));

    snprintf (text, sizeof text, "%sa\n    command = ${SB_TESTCHILD}\n", S_HEADER);
    st_write_file (self->fleet, text);
    assert_int_equal (st_run (self, check, output, sizeof output), 0);
    assert_non_null (strstr (output, "0 problems"));
}

int
main (int argc, char *argv [])
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_bad_fleet_files, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_check, st_setup, st_teardown),
    };
    return st_main (argc, argv, "test_supervise_fleet_files", tests, sizeof tests / sizeof tests [0]);
}
