/*  supervise_fixture.c — the world of supervise's integration tests, as
    supervise_fixture.h says.                                             */

#include "supervise_fixture.h"

st_programs_t st_programs;

//  --------------------------------------------------------------------------
//  The world

int
st_setup (void **state)
{
    st_fixture_t *self = (st_fixture_t *) calloc (1, sizeof (st_fixture_t));
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

int
st_teardown (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    sb_testproc_stop (&self->supervise, S_WAIT_MS, "supervise");
    sb_testutil_remove_tree (self->dir);
    free (self);
    return 0;
}

void
st_write_file (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    assert_true (fputs (text, file) >= 0);
    assert_int_equal (fclose (file), 0);
}

//  Starts argv with stdout and stderr in the file at log, from dir.
sb_testproc_t *
st_start_logged (char *argv [], const char *dir, const char *log)
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
void
st_start (st_fixture_t *self, const char *programs)
{
    char *text = zsys_sprintf ("%s%s", S_HEADER, programs);
    st_write_file (self->fleet, text);
    free (text);
    char *argv [] = { (char *) st_programs.supervise, self->fleet, NULL };
    self->supervise = st_start_logged (argv, self->dir, self->log);
}

//  Runs supervise with args to its end; returns its exit code (-1 if it
//  did not exit by itself in time) with what it printed in output.
int
st_run (st_fixture_t *self, char *argv [], char *output, size_t size)
{
    char path [S_PATH_MAX + 16];
    snprintf (path, sizeof path, "%s/run.out", self->dir);
    unlink (path);
    sb_testproc_t *process = st_start_logged (argv, self->dir, path);
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
char *
st_log (st_fixture_t *self)
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

bool
st_log_has (st_fixture_t *self, const char *text)
{
    char *log = st_log (self);
    bool found = strstr (log, text) != NULL;
    free (log);
    return found;
}

//  --------------------------------------------------------------------------
//  Markers and status

//  Reads the marker file's lines into marks; returns how many.
size_t
st_marks (st_fixture_t *self, st_mark_t *marks)
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
size_t
st_count_marks (st_fixture_t *self, const char *event, const char *program, size_t nth,
               int64_t *ms_out)
{
    st_mark_t marks [S_MAX_MARKS];
    size_t total = st_marks (self, marks), count = 0;
    for (size_t index = 0; index < total; index++)
        if (streq (marks [index].event, event) && streq (marks [index].program, program)) {
            if (count == nth && ms_out)
                *ms_out = marks [index].ms;
            count++;
        }
    return count;
}

//  Waits until program has at least count marks of event.
bool
st_wait_marks (st_fixture_t *self, const char *event, const char *program, size_t count)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (st_count_marks (self, event, program, 0, NULL) < count) {
        if (zclock_mono () > deadline)
            return false;
        zclock_sleep (S_POLL_MS);
    }
    return true;
}

//  status --json through the control socket, parsed; NULL if supervise
//  does not answer.
json_t *
st_status (st_fixture_t *self)
{
    return sb_testsupervise_status (self->socket, true);
}

//  The command's answer, as `supervise ctl` gets it.
char *
st_command (st_fixture_t *self, const char *line)
{
    char err [256];
    char *answer = sb_control_call (self->socket, line, 5000, err, sizeof err);
    if (!answer)
        fprintf (stderr, "test_supervise: %s: %s\n", line, err);
    return answer;
}

void
st_command_ok (st_fixture_t *self, const char *line)
{
    char *answer = st_command (self, line);
    assert_non_null (answer);
    if (strncmp (answer, "ok\n", 3))
        fprintf (stderr, "test_supervise: %s: %s", line, answer);
    assert_int_equal (strncmp (answer, "ok\n", 3), 0);
    free (answer);
}

//  The rows of program in status (each an object: instance, pid, state,
//  ...), how many are in state (NULL: any), and the status itself.
size_t
st_rows (json_t *status, const char *program, const char *state)
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
json_t *
st_row (json_t *status, const char *program, int instance)
{
    return sb_testsupervise_row (status, program, instance);
}

//  Waits until program has exactly count rows in state, and no others
//  when only is set.
bool
st_wait_rows (st_fixture_t *self, const char *program, const char *state, size_t count, bool only)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *status = st_status (self);
        bool done = status && st_rows (status, program, state) == count
                 && (!only || st_rows (status, program, NULL) == count);
        json_decref (status);
        if (done)
            return true;
        zclock_sleep (S_POLL_MS);
    }
    return false;
}

//  True if pid is gone (or a zombie no one will see again).
bool
st_is_gone (int pid)
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

bool
st_wait_gone (int pid)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (!st_is_gone (pid)) {
        if (zclock_mono () > deadline)
            return false;
        zclock_sleep (S_POLL_MS);
    }
    return true;
}

//  Sends SIGTERM to supervise and returns its exit code once it exited.
int
st_stop_supervise (st_fixture_t *self)
{
    int status = 0;
    assert_int_equal (sb_testproc_signal (self->supervise, SIGTERM), 0);
    assert_int_equal (sb_testproc_wait (self->supervise, S_WAIT_MS, &status), 0);
    sb_testproc_destroy (&self->supervise);
    assert_true (WIFEXITED (status));
    return WEXITSTATUS (status);
}


int
st_main (int argc, char *argv [], const char *name, const struct CMUnitTest *tests, size_t count)
{
    if (argc < 5) {
        fprintf (stderr, "usage: %s SUPERVISE TESTCHILD BROKER INGRESS [TEST]\n", name);
        return 64;
    }
    st_programs = (st_programs_t) { argv [1], argv [2], argv [3], argv [4] };
    setenv ("SB_TESTCHILD", argv [2], 1);
    if (argc > 5)
        cmocka_set_test_filter (argv [5]);
    return _cmocka_run_group_tests (name, tests, count, NULL, NULL);
}
