/*  test_supervise.c — supervise's integration tests, running: the
    supervise program as a real process running testchild processes
    (tests/supervise/testchild.c): restarts and their backoff, intensity,
    exit codes not restarted, dependency order and readiness, stopping.
    Fleet-file mistakes: test_supervise_fleet_files.c; the control socket,
    scaling, reload and a real fleet: test_supervise_control.c.

    What the children did is read from their marker file (start, ready,
    term and exit, with the time); what supervise thinks is read from its
    control socket (status --json, parsed back). Every wait polls with a
    deadline; nothing sleeps for a fixed time.

    Usage: test_supervise SUPERVISE TESTCHILD BROKER INGRESS [TEST]
    (paths of the programs, which CTest passes; TEST runs only the tests
    whose names match). The world they run in: supervise_fixture.h.       */

#include "supervise_fixture.h"

//  A crashing program restarts after 50, 100, 200, 400 ms: the backoff
//  doubles (no jitter here).
static void
test_crash_restarts_with_backoff (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "crasher\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 3 --after 0 --marker marker.log\n"
                   "    intensity = 20\n");
    assert_true (st_wait_marks (self, "start", "crasher", 5));
    int64_t starts [5], exits [4];
    for (size_t index = 0; index < 5; index++)
        st_count_marks (self, "start", "crasher", index, &starts [index]);
    for (size_t index = 0; index < 4; index++)
        st_count_marks (self, "exit", "crasher", index, &exits [index]);
    for (size_t index = 0; index < 4; index++) {
        int64_t gap = starts [index + 1] - exits [index];
        int64_t backoff = 50 << index;
        if (gap < backoff - 5 || gap > backoff * 3 + 200)
            fprintf (stderr, "restart %zu came %" PRId64 " ms after the exit, backoff %" PRId64
                     "\n", index + 1, gap, backoff);
        assert_true (gap >= backoff - 5);               //  ms clocks round
        //  An upper bound only against "never restarts": a loaded machine
        //  (a sanitizer build, other tests) delays a start by seconds
        assert_true (gap <= backoff * 3 + 5000);
    }
    json_t *status = st_status (self);
    assert_non_null (status);
    json_t *row = st_row (status, "crasher", 1);
    assert_non_null (row);
    assert_true (json_integer_value (json_object_get (row, "restarts")) >= 4);
    json_decref (status);
    assert_true (st_log_has (self, "crasher[1]: exit 3; restarting in"));
    //  The crasher also crashes on its own while the fleet stops (exit 3 is
    //  not a clean stop: 1), unless SIGTERM finds it first (0)
    int code = st_stop_supervise (self);
    assert_true (code == 0 || code == 1);
}

//  Up longer than backoff-reset, a program restarts after the first step
//  of the backoff again.
static void
test_backoff_resets_when_stable (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "flaky\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 1 --after 150 --marker marker.log\n"
                   "    backoff = 100ms\n    backoff-reset = 100ms\n    intensity = 20\n");
    assert_true (st_wait_marks (self, "start", "flaky", 4));
    for (size_t index = 0; index < 3; index++) {
        int64_t exited = 0, started = 0;
        st_count_marks (self, "exit", "flaky", index, &exited);
        st_count_marks (self, "start", "flaky", index + 1, &started);
        assert_true (started - exited >= 95);
        assert_true (started - exited < 190);           //  not 200, 400
    }
    assert_int_equal (st_stop_supervise (self), 0);
}

//  Past its intensity a program fails, loudly, shows as failed in status,
//  and what depends on it stops (on-failure = stop).
static void
test_intensity_fails_loudly (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "crasher\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 1 --after 300 --marker marker.log\n"
                   "    intensity = 2\n    period = 60s\n"
                   "follower\n    command = ${SB_TESTCHILD}\n"
                   "    args = --marker marker.log\n    depends = crasher\n");
    assert_true (st_wait_rows (self, "crasher", "failed", 1, true));
    assert_int_equal (st_count_marks (self, "start", "crasher", 0, NULL), 3);
    json_t *status = st_status (self);
    assert_non_null (status);
    json_t *row = st_row (status, "crasher", 1);
    assert_non_null (strstr (json_string_value (json_object_get (row, "reason")),
                             "2 restarts within 60s (intensity 2 in 60s), last: exit 1"));
    json_t *program = json_array_get (json_object_get (status, "programs"), 0);
    assert_true (json_is_true (json_object_get (program, "failed")));
    json_decref (status);
    assert_true (st_log_has (self, "!!! PROGRAM crasher FAILED"));
    assert_true (st_wait_rows (self, "follower", "stopped", 1, true));
    assert_true (st_count_marks (self, "start", "follower", 0, NULL) >= 1);
    //  ctl start tries again, and its dependents come back with it
    st_command_ok (self, "start crasher");
    assert_true (st_wait_marks (self, "start", "crasher", 4));
    assert_int_equal (st_stop_supervise (self), 0);
}

//  Exit 78 (bad config, port in use) is not restarted: one start, failed.
static void
test_no_restart_code (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "broken\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 78 --after 0 --marker marker.log\n"
                   "other\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 5 --after 0 --marker marker.log\n"
                   "    no-restart = 5\n");
    assert_true (st_wait_rows (self, "broken", "failed", 1, true));
    assert_true (st_wait_rows (self, "other", "failed", 1, true));
    assert_int_equal (st_count_marks (self, "start", "broken", 0, NULL), 1);
    assert_int_equal (st_count_marks (self, "start", "other", 0, NULL), 1);
    assert_true (st_log_has (self, "exit 78, which says not to restart it"));
    assert_int_equal (st_stop_supervise (self), 0);
}

//  B starts only once A said it is ready (NOTIFY_FD), C once B did
//  (NOTIFY_SOCKET); they stop the other way round.
static void
test_dependency_order_and_readiness (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "c\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "    depends = b\n"
                   "b\n    command = ${SB_TESTCHILD}\n"
                   "    args = --ready-after 200 --marker marker.log\n"
                   "    depends = a\n    ready = notify-socket\n"
                   "a\n    command = ${SB_TESTCHILD}\n"
                   "    args = --ready-after 400 --marker marker.log\n"
                   "    ready = notify-fd\n");
    assert_true (st_wait_marks (self, "start", "c", 1));
    int64_t a_ready = 0, b_start = 0, b_ready = 0, c_start = 0;
    assert_int_equal (st_count_marks (self, "ready", "a", 0, &a_ready), 1);
    assert_int_equal (st_count_marks (self, "start", "b", 0, &b_start), 1);
    assert_int_equal (st_count_marks (self, "ready", "b", 0, &b_ready), 1);
    assert_int_equal (st_count_marks (self, "start", "c", 0, &c_start), 1);
    assert_true (b_start >= a_ready);
    assert_true (c_start >= b_ready);
    assert_int_equal (st_stop_supervise (self), 0);
    int64_t a_term = 0, b_term = 0, b_exit = 0, c_exit = 0;
    assert_int_equal (st_count_marks (self, "exit", "c", 0, &c_exit), 1);
    assert_int_equal (st_count_marks (self, "term", "b", 0, &b_term), 1);
    assert_int_equal (st_count_marks (self, "exit", "b", 0, &b_exit), 1);
    assert_int_equal (st_count_marks (self, "term", "a", 0, &a_term), 1);
    assert_true (b_term >= c_exit);
    assert_true (a_term >= b_exit);
}

//  Not ready within ready-timeout: stopped and started again.
static void
test_ready_timeout (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "mute\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "    ready = notify-fd\n    ready-timeout = 200ms\n    intensity = 20\n"
                   "after\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "    depends = mute\n");
    assert_true (st_wait_marks (self, "start", "mute", 3));
    assert_true (st_log_has (self, "mute[1]: not ready within 200 ms"));
    assert_int_equal (st_count_marks (self, "start", "after", 0, NULL), 0);
    assert_int_equal (st_stop_supervise (self), 0);
}

//  scale up then down, live, without touching the other program.
static void
test_graceful_stop_and_kill (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "polite\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "slow\n    command = ${SB_TESTCHILD}\n"
                   "    args = --term-delay 300 --marker marker.log\n"
                   "stubborn\n    command = ${SB_TESTCHILD}\n"
                   "    args = --ignore-term --marker marker.log\n    grace = 300ms\n");
    //  Running, and past setting up their SIGTERM handling
    assert_true (st_wait_marks (self, "start", "stubborn", 1));
    assert_true (st_wait_marks (self, "start", "slow", 1));
    assert_true (st_wait_marks (self, "start", "polite", 1));
    int64_t started = zclock_mono ();
    assert_int_equal (st_stop_supervise (self), 1);
    assert_true (zclock_mono () - started < 2000);      //  not slow's 2 s grace
    assert_int_equal (st_count_marks (self, "exit", "polite", 0, NULL), 1);
    int64_t slow_term = 0, slow_exit = 0;
    assert_int_equal (st_count_marks (self, "term", "slow", 0, &slow_term), 1);
    assert_int_equal (st_count_marks (self, "exit", "slow", 0, &slow_exit), 1);
    assert_true (slow_exit - slow_term >= 290);
    assert_int_equal (st_count_marks (self, "term", "stubborn", 0, NULL), 1);
    assert_int_equal (st_count_marks (self, "exit", "stubborn", 0, NULL), 0);
    assert_true (st_log_has (self, "stubborn[1]: still running after its grace: SIGKILL"));
    assert_true (st_log_has (self, "slow[1]: stopped: exit 0"));
    assert_true (st_log_has (self, "polite[1]: stopped: exit 0"));

    st_start (self, "polite\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    assert_true (st_wait_marks (self, "start", "polite", 2));
    assert_int_equal (st_stop_supervise (self), 0);
}

//  supervise killed with SIGKILL: its children die with it.
static void
test_killed_supervise_leaves_no_child (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "a\n    command = ${SB_TESTCHILD}\n    args = --ignore-term\n"
                   "    instances = 2\n"
                   "b\n    command = ${SB_TESTCHILD}\n    depends = a\n");
    assert_true (st_wait_rows (self, "a", "running", 2, true));
    assert_true (st_wait_rows (self, "b", "running", 1, true));
    json_t *status = st_status (self);
    int pids [3] = {
        (int) json_integer_value (json_object_get (st_row (status, "a", 1), "pid")),
        (int) json_integer_value (json_object_get (st_row (status, "a", 2), "pid")),
        (int) json_integer_value (json_object_get (st_row (status, "b", 1), "pid"))
    };
    json_decref (status);
    for (int index = 0; index < 3; index++)
        assert_false (st_is_gone (pids [index]));
    assert_int_equal (sb_testproc_signal (self->supervise, SIGKILL), 0);
    assert_int_equal (sb_testproc_wait (self->supervise, S_WAIT_MS, NULL), 0);
    sb_testproc_destroy (&self->supervise);
    for (int index = 0; index < 3; index++)
        assert_true (st_wait_gone (pids [index]));
}

//  restart, stop and start one program; errors for unknown names and
//  commands; the ctl program's table.
int
main (int argc, char *argv [])
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_crash_restarts_with_backoff, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_backoff_resets_when_stable, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_intensity_fails_loudly, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_no_restart_code, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_dependency_order_and_readiness, st_setup,
                                         st_teardown),
        cmocka_unit_test_setup_teardown (test_ready_timeout, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_graceful_stop_and_kill, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_killed_supervise_leaves_no_child, st_setup,
                                         st_teardown),
    };
    return st_main (argc, argv, "test_supervise", tests, sizeof tests / sizeof tests [0]);
}
