/*  test_supervise.c — supervise's integration tests: the supervise program
    as a real process running testchild processes (tests/supervise/
    testchild.c) from fleet files written here, each test in a directory
    of its own.

    What the children did is read from their marker file (start, ready,
    term and exit, with the time); what supervise thinks is read from its
    control socket (status --json, parsed back). Every wait polls with a
    deadline; nothing sleeps for a fixed time.

    One test runs a real fleet: redis-server (readiness by NOTIFY_SOCKET),
    the broker and ingress (by NOTIFY_FD), in dependency order.

    Usage: test_supervise SUPERVISE TESTCHILD BROKER INGRESS [TEST]
    (paths of the programs, which CTest passes; TEST runs only the tests
    whose names match).                                                    */

#include "sb_classes.h"
#include "sb_check.h"
#include "sb_control.h"
#include "sb_testproc.h"
#include "sb_testsupervise.h"
#include "sb_testutil.h"
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS   10000       //  longest wait for anything to happen
#define S_POLL_MS   20
#define S_PATH_MAX  512
#define S_DIR_MAX   256         //  the test's directory (TMPDIR/...)
#define S_LOG_MAX   (256 * 1024)
#define S_MAX_MARKS 256
#define S_EXIT_CONFIG 78

//  The fleet file's first lines: the directory and socket are the test's,
//  restarts are quick and without jitter so times can be checked
#define S_HEADER \
    "supervise\n" \
    "    directory = .\n" \
    "    control = ctl.sock\n" \
    "defaults\n" \
    "    grace = 2s\n" \
    "    backoff = 50ms\n" \
    "    backoff-jitter = 0\n"

typedef struct {
    const char *supervise;
    const char *testchild;
    const char *broker;         //  for the real fleet
    const char *ingress;
} s_programs_t;

static s_programs_t s_programs;

//  One test's world: its directory, fleet file, log and supervise.
typedef struct {
    char dir [S_DIR_MAX];
    char fleet [S_PATH_MAX];
    char log [S_PATH_MAX];
    char socket [S_PATH_MAX];
    char marker [S_PATH_MAX];
    sb_testproc_t *supervise;
} s_fixture_t;

//  One line of a marker file.
typedef struct {
    char event [16];
    char program [40];
    int instance;
    int pid;
    int64_t ms;
} s_mark_t;

//  --------------------------------------------------------------------------
//  The world

static int
s_setup (void **state)
{
    s_fixture_t *self = (s_fixture_t *) calloc (1, sizeof (s_fixture_t));
    assert_non_null (self);
    const char *tmp = getenv ("TMPDIR");
    snprintf (self->dir, sizeof self->dir, "%s/sb-supervise-XXXXXX", tmp && *tmp? tmp: "/tmp");
    assert_non_null (mkdtemp (self->dir));
    snprintf (self->fleet, sizeof self->fleet, "%s/fleet.zpl", self->dir);
    snprintf (self->log, sizeof self->log, "%s/supervise.log", self->dir);
    snprintf (self->socket, sizeof self->socket, "%s/ctl.sock", self->dir);
    snprintf (self->marker, sizeof self->marker, "%s/marker.log", self->dir);
    *state = self;
    return 0;
}

static int
s_teardown (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    sb_testproc_stop (&self->supervise, S_WAIT_MS, "supervise");
    sb_testutil_remove_tree (self->dir);
    free (self);
    return 0;
}

static void
s_write_file (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    assert_true (fputs (text, file) >= 0);
    assert_int_equal (fclose (file), 0);
}

//  Starts argv with stdout and stderr in the file at log, from dir.
static sb_testproc_t *
s_start_logged (char *argv [], const char *dir, const char *log)
{
    fflush (stdout);
    fflush (stderr);
    int file = open (log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    assert_true (file >= 0);
    int saved_out = dup (1), saved_err = dup (2), saved_dir = open (".", O_RDONLY | O_CLOEXEC);
    assert_true (saved_out >= 0 && saved_err >= 0 && saved_dir >= 0);
    dup2 (file, 1);
    dup2 (file, 2);
    assert_int_equal (chdir (dir), 0);
    sb_testproc_t *process = sb_testproc_new (argv);
    assert_int_equal (fchdir (saved_dir), 0);
    dup2 (saved_out, 1);
    dup2 (saved_err, 2);
    close (saved_out);
    close (saved_err);
    close (saved_dir);
    close (file);
    assert_non_null (process);
    return process;
}

//  Writes the fleet (after S_HEADER) and starts supervise on it.
static void
s_start (s_fixture_t *self, const char *programs)
{
    char *text = zsys_sprintf ("%s%s", S_HEADER, programs);
    s_write_file (self->fleet, text);
    free (text);
    char *argv [] = { (char *) s_programs.supervise, self->fleet, NULL };
    self->supervise = s_start_logged (argv, self->dir, self->log);
}

//  Runs supervise with args to its end; returns its exit code (-1 if it
//  did not exit by itself in time) with what it printed in output.
static int
s_run (s_fixture_t *self, char *argv [], char *output, size_t size)
{
    char path [S_PATH_MAX + 16];
    snprintf (path, sizeof path, "%s/run.out", self->dir);
    unlink (path);
    sb_testproc_t *process = s_start_logged (argv, self->dir, path);
    int status = 0;
    bool exited = sb_testproc_wait (process, S_WAIT_MS, &status) == 0;
    sb_testproc_destroy (&process);
    FILE *file = fopen (path, "r");
    size_t got = file? fread (output, 1, size - 1, file): 0;
    output [got] = 0;
    if (file)
        fclose (file);
    return exited && WIFEXITED (status)? WEXITSTATUS (status): -1;
}

//  supervise's log so far, NUL-terminated; the caller frees it.
static char *
s_log (s_fixture_t *self)
{
    char *text = (char *) calloc (1, S_LOG_MAX + 1);
    FILE *file = fopen (self->log, "r");
    if (file) {
        size_t got = fread (text, 1, S_LOG_MAX, file);
        text [got] = 0;
        fclose (file);
    }
    return text;
}

static bool
s_log_has (s_fixture_t *self, const char *text)
{
    char *log = s_log (self);
    bool found = strstr (log, text) != NULL;
    free (log);
    return found;
}

//  --------------------------------------------------------------------------
//  Markers and status

//  Reads the marker file's lines into marks; returns how many.
static size_t
s_marks (s_fixture_t *self, s_mark_t *marks)
{
    FILE *file = fopen (self->marker, "r");
    size_t count = 0;
    long long ms;
    while (file && count < S_MAX_MARKS
       &&  fscanf (file, "%15s %39s %d %d %lld", marks [count].event, marks [count].program,
                   &marks [count].instance, &marks [count].pid, &ms) == 5) {
        marks [count].ms = ms;
        count++;
    }
    if (file)
        fclose (file);
    return count;
}

//  How many marks of event by program there are; the nth one's time (0
//  based) goes to ms_out when found.
static size_t
s_count_marks (s_fixture_t *self, const char *event, const char *program, size_t nth,
               int64_t *ms_out)
{
    s_mark_t marks [S_MAX_MARKS];
    size_t total = s_marks (self, marks), count = 0;
    for (size_t index = 0; index < total; index++)
        if (streq (marks [index].event, event) && streq (marks [index].program, program)) {
            if (count == nth && ms_out)
                *ms_out = marks [index].ms;
            count++;
        }
    return count;
}

//  Waits until program has at least count marks of event.
static bool
s_wait_marks (s_fixture_t *self, const char *event, const char *program, size_t count)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (s_count_marks (self, event, program, 0, NULL) < count) {
        if (zclock_mono () > deadline)
            return false;
        zclock_sleep (S_POLL_MS);
    }
    return true;
}

//  status --json through the control socket, parsed; NULL if supervise
//  does not answer.
static json_t *
s_status (s_fixture_t *self)
{
    return sb_testsupervise_status (self->socket, true);
}

//  The command's answer, as `supervise ctl` gets it.
static char *
s_command (s_fixture_t *self, const char *line)
{
    char err [256];
    char *answer = sb_control_call (self->socket, line, 5000, err, sizeof err);
    if (!answer)
        fprintf (stderr, "test_supervise: %s: %s\n", line, err);
    return answer;
}

static void
s_command_ok (s_fixture_t *self, const char *line)
{
    char *answer = s_command (self, line);
    assert_non_null (answer);
    if (strncmp (answer, "ok\n", 3))
        fprintf (stderr, "test_supervise: %s: %s", line, answer);
    assert_int_equal (strncmp (answer, "ok\n", 3), 0);
    free (answer);
}

//  The rows of program in status (each an object: instance, pid, state,
//  ...), how many are in state (NULL: any), and the status itself.
static size_t
s_rows (json_t *status, const char *program, const char *state)
{
    size_t index, count = 0;
    json_t *row;
    json_array_foreach (json_object_get (status, "instances"), index, row)
        if (streq (json_string_value (json_object_get (row, "program")), program)
        &&  (!state || streq (json_string_value (json_object_get (row, "state")), state)))
            count++;
    return count;
}

//  The first row of program with the given instance number, or NULL.
static json_t *
s_row (json_t *status, const char *program, int instance)
{
    return sb_testsupervise_row (status, program, instance);
}

//  Waits until program has exactly count rows in state, and no others
//  when only is set.
static bool
s_wait_rows (s_fixture_t *self, const char *program, const char *state, size_t count, bool only)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *status = s_status (self);
        bool done = status && s_rows (status, program, state) == count
                 && (!only || s_rows (status, program, NULL) == count);
        json_decref (status);
        if (done)
            return true;
        zclock_sleep (S_POLL_MS);
    }
    return false;
}

//  True if pid is gone (or a zombie no one will see again).
static bool
s_is_gone (int pid)
{
    char path [64], text [512] = "";
    snprintf (path, sizeof path, "/proc/%d/stat", pid);
    FILE *file = fopen (path, "r");
    if (!file)
        return true;
    size_t got = fread (text, 1, sizeof text - 1, file);
    text [got] = 0;
    fclose (file);
    const char *close = strrchr (text, ')');
    return close && (close [2] == 'Z' || close [2] == 'X');
}

static bool
s_wait_gone (int pid)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (!s_is_gone (pid)) {
        if (zclock_mono () > deadline)
            return false;
        zclock_sleep (S_POLL_MS);
    }
    return true;
}

//  Sends SIGTERM to supervise and returns its exit code once it exited.
static int
s_stop_supervise (s_fixture_t *self)
{
    int status = 0;
    assert_int_equal (sb_testproc_signal (self->supervise, SIGTERM), 0);
    assert_int_equal (sb_testproc_wait (self->supervise, S_WAIT_MS, &status), 0);
    sb_testproc_destroy (&self->supervise);
    assert_true (WIFEXITED (status));
    return WEXITSTATUS (status);
}

//  --------------------------------------------------------------------------
//  Tests

//  Each mistake in a fleet file: refused with file:line and reason, by
//  both run and check, before anything starts.
static void
test_bad_fleet_files (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
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
        s_write_file (self->fleet, cases [index].text);
        char output [4096];
        char *run [] = { (char *) s_programs.supervise, self->fleet, NULL };
        char *check [] = { (char *) s_programs.supervise, (char *) "check", self->fleet, NULL };
        int code = s_run (self, run, output, sizeof output);
        if (code != S_EXIT_CONFIG || !strstr (output, cases [index].expected))
            fprintf (stderr, "case %zu: exit %d, said: %s\nexpected: %s\n", index, code,
                     output, cases [index].expected);
        assert_int_equal (code, S_EXIT_CONFIG);
        assert_non_null (strstr (output, cases [index].expected));
        code = s_run (self, check, output, sizeof output);
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
    s_fixture_t *self = (s_fixture_t *) *state;
    setenv ("SB_TEST_SET_SECRET", "value-never-printed", 1);
    unsetenv ("SB_TEST_UNSET_SECRET");
    char text [2048];
    snprintf (text, sizeof text, "%sa\n    command = ${SB_TESTCHILD}\n"
              "    secrets = SB_TEST_SET_SECRET\nb\n    command = ./not-built/b\n"
              "c\n    command = ${SB_TESTCHILD}\n    secrets = SB_TEST_UNSET_SECRET\n",
              S_HEADER);
    s_write_file (self->fleet, text);
    char output [8192];
    char *check [] = { (char *) s_programs.supervise, (char *) "check", self->fleet, NULL };
    assert_int_equal (s_run (self, check, output, sizeof output), 1);
    assert_non_null (strstr (output, "not-built/b' is not an executable file"));
    assert_non_null (strstr (output, "the secret SB_TEST_UNSET_SECRET is not set"));
    assert_null (strstr (output, "SB_TEST_SET_SECRET"));
    assert_null (strstr (output, "value-never-printed"));
    assert_non_null (strstr (output, "2 problems"));

    snprintf (text, sizeof text, "%sa\n    command = ${SB_TESTCHILD}\n", S_HEADER);
    s_write_file (self->fleet, text);
    assert_int_equal (s_run (self, check, output, sizeof output), 0);
    assert_non_null (strstr (output, "0 problems"));
}

//  A crashing program restarts after 50, 100, 200, 400 ms: the backoff
//  doubles (no jitter here).
static void
test_crash_restarts_with_backoff (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "crasher\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 3 --after 0 --marker marker.log\n"
                   "    intensity = 20\n");
    assert_true (s_wait_marks (self, "start", "crasher", 5));
    int64_t starts [5], exits [4];
    for (size_t index = 0; index < 5; index++)
        s_count_marks (self, "start", "crasher", index, &starts [index]);
    for (size_t index = 0; index < 4; index++)
        s_count_marks (self, "exit", "crasher", index, &exits [index]);
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
    json_t *status = s_status (self);
    assert_non_null (status);
    json_t *row = s_row (status, "crasher", 1);
    assert_non_null (row);
    assert_true (json_integer_value (json_object_get (row, "restarts")) >= 4);
    json_decref (status);
    assert_true (s_log_has (self, "crasher[1]: exit 3; restarting in"));
    //  The crasher also crashes on its own while the fleet stops (exit 3 is
    //  not a clean stop: 1), unless SIGTERM finds it first (0)
    int code = s_stop_supervise (self);
    assert_true (code == 0 || code == 1);
}

//  Up longer than backoff-reset, a program restarts after the first step
//  of the backoff again.
static void
test_backoff_resets_when_stable (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "flaky\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 1 --after 150 --marker marker.log\n"
                   "    backoff = 100ms\n    backoff-reset = 100ms\n    intensity = 20\n");
    assert_true (s_wait_marks (self, "start", "flaky", 4));
    for (size_t index = 0; index < 3; index++) {
        int64_t exited = 0, started = 0;
        s_count_marks (self, "exit", "flaky", index, &exited);
        s_count_marks (self, "start", "flaky", index + 1, &started);
        assert_true (started - exited >= 95);
        assert_true (started - exited < 190);           //  not 200, 400
    }
    assert_int_equal (s_stop_supervise (self), 0);
}

//  Past its intensity a program fails, loudly, shows as failed in status,
//  and what depends on it stops (on-failure = stop).
static void
test_intensity_fails_loudly (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "crasher\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 1 --after 300 --marker marker.log\n"
                   "    intensity = 2\n    period = 60s\n"
                   "follower\n    command = ${SB_TESTCHILD}\n"
                   "    args = --marker marker.log\n    depends = crasher\n");
    assert_true (s_wait_rows (self, "crasher", "failed", 1, true));
    assert_int_equal (s_count_marks (self, "start", "crasher", 0, NULL), 3);
    json_t *status = s_status (self);
    assert_non_null (status);
    json_t *row = s_row (status, "crasher", 1);
    assert_non_null (strstr (json_string_value (json_object_get (row, "reason")),
                             "2 restarts within 60s (intensity 2 in 60s), last: exit 1"));
    json_t *program = json_array_get (json_object_get (status, "programs"), 0);
    assert_true (json_is_true (json_object_get (program, "failed")));
    json_decref (status);
    assert_true (s_log_has (self, "!!! PROGRAM crasher FAILED"));
    assert_true (s_wait_rows (self, "follower", "stopped", 1, true));
    assert_true (s_count_marks (self, "start", "follower", 0, NULL) >= 1);
    //  ctl start tries again, and its dependents come back with it
    s_command_ok (self, "start crasher");
    assert_true (s_wait_marks (self, "start", "crasher", 4));
    assert_int_equal (s_stop_supervise (self), 0);
}

//  Exit 78 (bad config, port in use) is not restarted: one start, failed.
static void
test_no_restart_code (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "broken\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 78 --after 0 --marker marker.log\n"
                   "other\n    command = ${SB_TESTCHILD}\n"
                   "    args = --exit 5 --after 0 --marker marker.log\n"
                   "    no-restart = 5\n");
    assert_true (s_wait_rows (self, "broken", "failed", 1, true));
    assert_true (s_wait_rows (self, "other", "failed", 1, true));
    assert_int_equal (s_count_marks (self, "start", "broken", 0, NULL), 1);
    assert_int_equal (s_count_marks (self, "start", "other", 0, NULL), 1);
    assert_true (s_log_has (self, "exit 78, which says not to restart it"));
    assert_int_equal (s_stop_supervise (self), 0);
}

//  B starts only once A said it is ready (NOTIFY_FD), C once B did
//  (NOTIFY_SOCKET); they stop the other way round.
static void
test_dependency_order_and_readiness (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "c\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "    depends = b\n"
                   "b\n    command = ${SB_TESTCHILD}\n"
                   "    args = --ready-after 200 --marker marker.log\n"
                   "    depends = a\n    ready = notify-socket\n"
                   "a\n    command = ${SB_TESTCHILD}\n"
                   "    args = --ready-after 400 --marker marker.log\n"
                   "    ready = notify-fd\n");
    assert_true (s_wait_marks (self, "start", "c", 1));
    int64_t a_ready = 0, b_start = 0, b_ready = 0, c_start = 0;
    assert_int_equal (s_count_marks (self, "ready", "a", 0, &a_ready), 1);
    assert_int_equal (s_count_marks (self, "start", "b", 0, &b_start), 1);
    assert_int_equal (s_count_marks (self, "ready", "b", 0, &b_ready), 1);
    assert_int_equal (s_count_marks (self, "start", "c", 0, &c_start), 1);
    assert_true (b_start >= a_ready);
    assert_true (c_start >= b_ready);
    assert_int_equal (s_stop_supervise (self), 0);
    int64_t a_term = 0, b_term = 0, b_exit = 0, c_exit = 0;
    assert_int_equal (s_count_marks (self, "exit", "c", 0, &c_exit), 1);
    assert_int_equal (s_count_marks (self, "term", "b", 0, &b_term), 1);
    assert_int_equal (s_count_marks (self, "exit", "b", 0, &b_exit), 1);
    assert_int_equal (s_count_marks (self, "term", "a", 0, &a_term), 1);
    assert_true (b_term >= c_exit);
    assert_true (a_term >= b_exit);
}

//  Not ready within ready-timeout: stopped and started again.
static void
test_ready_timeout (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "mute\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "    ready = notify-fd\n    ready-timeout = 200ms\n    intensity = 20\n"
                   "after\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "    depends = mute\n");
    assert_true (s_wait_marks (self, "start", "mute", 3));
    assert_true (s_log_has (self, "mute[1]: not ready within 200 ms"));
    assert_int_equal (s_count_marks (self, "start", "after", 0, NULL), 0);
    assert_int_equal (s_stop_supervise (self), 0);
}

//  scale up then down, live, without touching the other program.
static void
test_scale_live (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "worker\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "bystander\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    assert_true (s_wait_rows (self, "worker", "running", 1, true));
    assert_true (s_wait_rows (self, "bystander", "running", 1, true));
    s_command_ok (self, "scale worker=3");
    assert_true (s_wait_rows (self, "worker", "running", 3, true));
    json_t *status = s_status (self);
    int pids [3];
    for (int index = 0; index < 3; index++)
        pids [index] = (int) json_integer_value (json_object_get (s_row (status, "worker",
                                                                         index + 1), "pid"));
    json_decref (status);
    assert_true (pids [0] > 0 && pids [1] > 0 && pids [2] > 0);
    assert_true (pids [0] != pids [1] && pids [1] != pids [2] && pids [0] != pids [2]);
    s_command_ok (self, "scale worker=1");
    assert_true (s_wait_rows (self, "worker", "running", 1, true));
    assert_true (s_wait_gone (pids [1]));
    assert_true (s_wait_gone (pids [2]));
    assert_false (s_is_gone (pids [0]));
    assert_int_equal (s_count_marks (self, "start", "bystander", 0, NULL), 1);
    char *answer = s_command (self, "scale worker=65");
    assert_non_null (answer);
    assert_int_equal (strncmp (answer, "error: ", 7), 0);
    free (answer);
    assert_int_equal (s_stop_supervise (self), 0);
}

//  SIGTERM to supervise: the polite exit at once, the slow within its
//  grace, the stubborn get SIGKILL after theirs; exit 1 (not clean). A
//  fleet that stops within its graces exits 0.
static void
test_graceful_stop_and_kill (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "polite\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "slow\n    command = ${SB_TESTCHILD}\n"
                   "    args = --term-delay 300 --marker marker.log\n"
                   "stubborn\n    command = ${SB_TESTCHILD}\n"
                   "    args = --ignore-term --marker marker.log\n    grace = 300ms\n");
    //  Running, and past setting up their SIGTERM handling
    assert_true (s_wait_marks (self, "start", "stubborn", 1));
    assert_true (s_wait_marks (self, "start", "slow", 1));
    assert_true (s_wait_marks (self, "start", "polite", 1));
    int64_t started = zclock_mono ();
    assert_int_equal (s_stop_supervise (self), 1);
    assert_true (zclock_mono () - started < 2000);      //  not slow's 2 s grace
    assert_int_equal (s_count_marks (self, "exit", "polite", 0, NULL), 1);
    int64_t slow_term = 0, slow_exit = 0;
    assert_int_equal (s_count_marks (self, "term", "slow", 0, &slow_term), 1);
    assert_int_equal (s_count_marks (self, "exit", "slow", 0, &slow_exit), 1);
    assert_true (slow_exit - slow_term >= 290);
    assert_int_equal (s_count_marks (self, "term", "stubborn", 0, NULL), 1);
    assert_int_equal (s_count_marks (self, "exit", "stubborn", 0, NULL), 0);
    assert_true (s_log_has (self, "stubborn[1]: still running after its grace: SIGKILL"));
    assert_true (s_log_has (self, "slow[1]: stopped: exit 0"));
    assert_true (s_log_has (self, "polite[1]: stopped: exit 0"));

    s_start (self, "polite\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    assert_true (s_wait_marks (self, "start", "polite", 2));
    assert_int_equal (s_stop_supervise (self), 0);
}

//  supervise killed with SIGKILL: its children die with it.
static void
test_killed_supervise_leaves_no_child (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "a\n    command = ${SB_TESTCHILD}\n    args = --ignore-term\n"
                   "    instances = 2\n"
                   "b\n    command = ${SB_TESTCHILD}\n    depends = a\n");
    assert_true (s_wait_rows (self, "a", "running", 2, true));
    assert_true (s_wait_rows (self, "b", "running", 1, true));
    json_t *status = s_status (self);
    int pids [3] = {
        (int) json_integer_value (json_object_get (s_row (status, "a", 1), "pid")),
        (int) json_integer_value (json_object_get (s_row (status, "a", 2), "pid")),
        (int) json_integer_value (json_object_get (s_row (status, "b", 1), "pid"))
    };
    json_decref (status);
    for (int index = 0; index < 3; index++)
        assert_false (s_is_gone (pids [index]));
    assert_int_equal (sb_testproc_signal (self->supervise, SIGKILL), 0);
    assert_int_equal (sb_testproc_wait (self->supervise, S_WAIT_MS, NULL), 0);
    sb_testproc_destroy (&self->supervise);
    for (int index = 0; index < 3; index++)
        assert_true (s_wait_gone (pids [index]));
}

//  restart, stop and start one program; errors for unknown names and
//  commands; the ctl program's table.
static void
test_control_commands (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "svc\n    command = ${SB_TESTCHILD}\n    args = --print 2 --marker marker.log\n");
    assert_true (s_wait_marks (self, "start", "svc", 1));     //  its SIGTERM handling is set
    s_command_ok (self, "restart svc");
    assert_true (s_wait_marks (self, "start", "svc", 2));
    assert_true (s_wait_rows (self, "svc", "running", 1, true));
    s_command_ok (self, "stop svc");
    assert_true (s_wait_rows (self, "svc", "stopped", 1, true));
    s_command_ok (self, "start svc");
    assert_true (s_wait_marks (self, "start", "svc", 3));
    assert_true (s_wait_rows (self, "svc", "running", 1, true));
    char *answer = s_command (self, "restart nosuch");
    assert_non_null (strstr (answer, "error: no program named 'nosuch'"));
    free (answer);
    answer = s_command (self, "dance");
    assert_non_null (strstr (answer, "error: unknown command 'dance'"));
    free (answer);
    //  The children's lines, labelled
    assert_true (s_log_has (self, "svc[1] line 1 of 2\n"));
    assert_true (s_log_has (self, "svc[1] testchild: started, pid"));
    //  The ctl program, as an operator runs it
    char output [8192];
    char *ctl [] = { (char *) s_programs.supervise, (char *) "ctl", (char *) "-s", self->socket,
                     (char *) "status", NULL };
    assert_int_equal (s_run (self, ctl, output, sizeof output), 0);
    assert_non_null (strstr (output, "PROGRAM"));
    assert_non_null (strstr (output, "svc              1 "));
    assert_non_null (strstr (output, "running"));
    char *shutdown [] = { (char *) s_programs.supervise, (char *) "ctl", (char *) "-f",
                          self->fleet, (char *) "shutdown", NULL };
    assert_int_equal (s_run (self, shutdown, output, sizeof output), 0);
    int status = 0;
    assert_int_equal (sb_testproc_wait (self->supervise, S_WAIT_MS, &status), 0);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    sb_testproc_destroy (&self->supervise);
    char *gone [] = { (char *) s_programs.supervise, (char *) "ctl", (char *) "-s",
                      self->socket, (char *) "status", NULL };
    assert_int_equal (s_run (self, gone, output, sizeof output), 69);
}

//  reload: a program added starts, one removed stops, one changed
//  restarts, an unchanged one is left alone; a bad file changes nothing.
static void
test_reload (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_start (self, "keep\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "change\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "drop\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    assert_true (s_wait_marks (self, "start", "drop", 1));
    assert_true (s_wait_marks (self, "start", "change", 1));
    char *text = zsys_sprintf ("%s%s", S_HEADER,
        "keep\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
        "change\n    command = ${SB_TESTCHILD}\n    args = --print 1 --marker marker.log\n"
        "    instances = 2\n"
        "added\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    s_write_file (self->fleet, text);
    free (text);
    s_command_ok (self, "reload");
    assert_true (s_wait_rows (self, "added", "running", 1, true));
    assert_true (s_wait_marks (self, "start", "change", 3));
    assert_true (s_wait_rows (self, "change", "running", 2, true));
    assert_true (s_wait_rows (self, "drop", NULL, 0, true));
    assert_true (s_wait_marks (self, "exit", "drop", 1));
    assert_int_equal (s_count_marks (self, "start", "change", 0, NULL), 3);
    assert_int_equal (s_count_marks (self, "start", "keep", 0, NULL), 1);
    s_write_file (self->fleet, S_HEADER "keep\n    command = ${SB_TESTCHILD}\n    bogus = 1\n");
    char *answer = s_command (self, "reload");
    assert_non_null (strstr (answer, "error: reload refused, nothing changed"));
    assert_non_null (strstr (answer, "fleet.zpl:10: keep: unknown key 'bogus'"));
    free (answer);
    assert_true (s_wait_rows (self, "added", "running", 1, true));
    assert_int_equal (s_stop_supervise (self), 0);
}

//  GET path from 127.0.0.1:port; returns the status line's code, or 0.
static int
s_http_get (int port, const char *path)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                   .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    struct timeval timeout = { 5, 0 };
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char request [256], answer [256] = "";
    int size = snprintf (request, sizeof request, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
                         path);
    int code = 0;
    if (fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof address) == 0
    &&  send (fd, request, (size_t) size, MSG_NOSIGNAL) == size
    &&  recv (fd, answer, sizeof answer - 1, 0) > 12)
        code = atoi (answer + 9);
    if (fd >= 0)
        close (fd);
    return code;
}

//  The real programs: Redis, the broker, ingress, each started once what
//  it depends on said it is ready, stopped the other way round, exit 0.
static void
test_real_fleet (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    char redis [512];
    if (!sb_check_executable ("redis-server", redis, sizeof redis)) {
        fprintf (stderr, "test_real_fleet: SKIPPED: no redis-server in PATH "
                 "(bin/install-deps installs it)\n");
        skip ();
    }
    int broker_port = sb_testutil_free_port (), ingress_port = sb_testutil_free_port ();
    char *programs = zsys_sprintf (
        "run-folder\n    command = mkdir\n    args = -p redis\n    ready = exit\n"
        "redis\n    command = redis-server\n"
        "    args = \"--port 0 --dir redis --unixsocket redis.sock --appendonly yes --save '' "
        "--supervised systemd --loglevel warning\"\n"
        "    depends = run-folder\n    ready = notify-socket\n"
        "broker\n    command = %s\n"
        "    args = --redis unix:redis/redis.sock --endpoint tcp://127.0.0.1:%d\n"
        "    depends = redis\n    ready = notify-fd\n    ports = %d\n"
        "ingress\n    command = %s\n"
        "    args = --listen 127.0.0.1 --port %d --broker tcp://127.0.0.1:%d\n"
        "    depends = broker\n    ready = notify-fd\n    ports = %d\n",
        s_programs.broker, broker_port, broker_port, s_programs.ingress, ingress_port,
        broker_port, ingress_port);
    s_start (self, programs);
    free (programs);
    assert_true (s_wait_rows (self, "ingress", "running", 1, true));
    json_t *status = s_status (self);
    assert_int_equal (s_rows (status, "redis", "running"), 1);
    assert_int_equal (s_rows (status, "broker", "running"), 1);
    assert_int_equal (s_rows (status, "run-folder", "exited"), 1);
    json_decref (status);
    assert_int_equal (s_http_get (ingress_port, "/health"), 200);
    char *log = s_log (self);
    const char *order [] = { "run-folder[1]: done", "redis[1]: ready", "broker[1]: started",
                             "broker[1]: ready", "ingress[1]: started", "ingress[1]: ready" };
    const char *at = log;
    for (size_t index = 0; index < 6; index++) {
        at = strstr (at, order [index]);
        if (!at)
            fprintf (stderr, "test_real_fleet: '%s' missing or out of order\n", order [index]);
        assert_non_null (at);
    }
    free (log);
    assert_int_equal (s_stop_supervise (self), 0);
    log = s_log (self);
    const char *stops [] = { "ingress[1]: stopped: exit 0", "broker[1]: stopping",
                             "broker[1]: stopped: exit 0", "redis[1]: stopping",
                             "redis[1]: stopped: exit 0", "supervise: fleet stopped" };
    at = log;
    for (size_t index = 0; index < 6; index++) {
        at = strstr (at, stops [index]);
        if (!at)
            fprintf (stderr, "test_real_fleet: '%s' missing or out of order\n", stops [index]);
        assert_non_null (at);
    }
    free (log);
}

int
main (int argc, char *argv [])
{
    if (argc < 5) {
        fprintf (stderr, "usage: test_supervise SUPERVISE TESTCHILD BROKER INGRESS [TEST]\n");
        return 64;
    }
    s_programs = (s_programs_t) { argv [1], argv [2], argv [3], argv [4] };
    setenv ("SB_TESTCHILD", argv [2], 1);
    if (argc > 5)
        cmocka_set_test_filter (argv [5]);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_bad_fleet_files, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_check, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_crash_restarts_with_backoff, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_backoff_resets_when_stable, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_intensity_fails_loudly, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_no_restart_code, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_dependency_order_and_readiness, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_ready_timeout, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_scale_live, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_graceful_stop_and_kill, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_killed_supervise_leaves_no_child, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_control_commands, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_reload, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_real_fleet, s_setup, s_teardown),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
