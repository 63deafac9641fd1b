/*  supervise_fixture.h — the world of supervise's integration tests
    (test_supervise*.c): a directory per test with its fleet file, log,
    control socket and the testchild processes' marker file; supervise
    started on it, its status and commands through the control socket,
    the markers read back. Every wait polls with a deadline.              */

#ifndef SUPERVISE_FIXTURE_H
#define SUPERVISE_FIXTURE_H

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
} st_programs_t;

//  One test's world: its directory, fleet file, log and supervise.
typedef struct {
    char dir [S_DIR_MAX];
    char fleet [S_PATH_MAX];
    char log [S_PATH_MAX];
    char socket [S_PATH_MAX];
    char marker [S_PATH_MAX];
    sb_testproc_t *supervise;
} st_fixture_t;

//  One line of a marker file.
typedef struct {
    char event [16];
    char program [40];
    int instance;
    int pid;
    int64_t ms;
} st_mark_t;

//  The programs under test, from the command line (st_main sets them)
extern st_programs_t st_programs;

int st_setup (void **state);

int st_teardown (void **state);

void st_write_file (const char *path, const char *text);

//  Starts argv with stdout and stderr in the file at log, from dir.
sb_testproc_t *st_start_logged (char *argv [], const char *dir, const char *log);

//  Writes the fleet (after S_HEADER) and starts supervise on it.
void st_start (st_fixture_t *self, const char *programs);

//  Runs supervise with args to its end; returns its exit code (-1 if it
//  did not exit by itself in time) with what it printed in output.
int st_run (st_fixture_t *self, char *argv [], char *output, size_t size);

//  supervise's log so far, NUL-terminated; the caller frees it.
char *st_log (st_fixture_t *self);

bool st_log_has (st_fixture_t *self, const char *text);

//  Reads the marker file's lines into marks; returns how many.
size_t st_marks (st_fixture_t *self, st_mark_t *marks);

//  How many marks of event by program there are; the nth one's time (0
//  based) goes to ms_out when found.
size_t st_count_marks (st_fixture_t *self, const char *event, const char *program, size_t nth,
                       int64_t *ms_out);

//  Waits until program has at least count marks of event.
bool st_wait_marks (st_fixture_t *self, const char *event, const char *program, size_t count);

//  status --json through the control socket, parsed; NULL if supervise
//  does not answer.
json_t *st_status (st_fixture_t *self);

//  The command's answer, as `supervise ctl` gets it.
char *st_command (st_fixture_t *self, const char *line);

void st_command_ok (st_fixture_t *self, const char *line);

//  The rows of program in status (each an object: instance, pid, state,
//  ...), how many are in state (NULL: any), and the status itself.
size_t st_rows (json_t *status, const char *program, const char *state);

//  The first row of program with the given instance number, or NULL.
json_t *st_row (json_t *status, const char *program, int instance);

//  Waits until program has exactly count rows in state, and no others
//  when only is set.
bool st_wait_rows (st_fixture_t *self, const char *program, const char *state, size_t count,
                   bool only);

//  True if pid is gone (or a zombie no one will see again).
bool st_is_gone (int pid);

bool st_wait_gone (int pid);

//  Sends SIGTERM to supervise and returns its exit code once it exited.
int st_stop_supervise (st_fixture_t *self);

//  The tests' main: takes SUPERVISE TESTCHILD BROKER INGRESS [TEST] from
//  argv (name is the program's, for its usage line) and runs tests, each
//  with st_setup and st_teardown.
int st_main (int argc, char *argv [], const char *name, const struct CMUnitTest *tests,
             size_t count);

#endif
