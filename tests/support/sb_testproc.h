/*  sb_testproc.h — test support: runs a program as a child process for
    integration tests, and makes sure it cannot outlive the test.

    The child inherits stdout and stderr (its output lands in the test's
    log) but no other file descriptor, an empty signal mask and default
    signal dispositions. It is sent SIGKILL when the thread that created it
    exits (PR_SET_PDEATHSIG), so create it from the test's main thread, not
    from a short-lived helper thread.                                       */

#ifndef SB_TESTPROC_H_INCLUDED
#define SB_TESTPROC_H_INCLUDED

#include <sys/types.h>

typedef struct _sb_testproc_t sb_testproc_t;

//  Starts argv [0] (looked up in PATH) with the NULL-terminated argv. The
//  array is only read during the call. Returns NULL, with the reason on
//  stderr, if fork failed or the program could not be executed.
sb_testproc_t *sb_testproc_new (char *const argv []);

//  Sends SIGKILL if the child is still running, reaps it, destroys the
//  object and NULLs the caller's pointer. Safe on NULL.
void sb_testproc_destroy (sb_testproc_t **self_p);

//  Returns the child's process id (still valid as a number once reaped).
pid_t sb_testproc_pid (sb_testproc_t *self);

//  How many threads process pid runs besides its main one and ZeroMQ's
//  (named ZMQbg/...), from /proc/PID/task; -1 if it cannot be read. An
//  actor whose handler runs inline has none.
int sb_testproc_own_threads (pid_t pid);

//  Sends sig to the child. Returns 0, or -1 if it has already been reaped
//  (its pid may belong to another process by now) or kill failed.
int sb_testproc_signal (sb_testproc_t *self, int sig);

//  Waits up to timeout_ms (0: just look; negative: without limit) for the
//  child to exit, and reaps it. Returns 0 if it has exited, storing the
//  waitpid status in *status when status is not NULL, or -1 if it is still
//  running at the deadline. Once reaped, returns 0 and the same status.
int sb_testproc_wait (sb_testproc_t *self, int timeout_ms, int *status);

//  Stops the process with SIGTERM (SIGKILL if it does not exit within
//  timeout_ms) and destroys it. Returns 0 if it exited with status 0, or
//  had exited before (the test saw to that); else -1, with what happened
//  (named by what) on stderr: under ASan a leak or a crash at exit shows
//  here. Safe on NULL.
int sb_testproc_stop (sb_testproc_t **self_p, int timeout_ms, const char *what);

//  Kills the child with SIGKILL, as a crash would, and reaps it: nothing
//  is flushed, nothing said. Returns 0, or -1 if it had already been
//  reaped or did not go within timeout_ms.
int sb_testproc_kill (sb_testproc_t *self, int timeout_ms);

//  Waits up to timeout_ms for the child to exit by itself (after a signal
//  the test sent). Returns 0 if it exited with status 0, else -1 with what
//  happened (named by what) on stderr: under ASan a leak shows here.
int sb_testproc_wait_clean (sb_testproc_t *self, int timeout_ms, const char *what);

//  Starts argv as sb_testproc_new does, with its stdout and stderr
//  appended to the file at path (made if missing): for a child whose
//  output is too much for the test's log (a fleet under load). Returns
//  NULL, with the reason on stderr, if the file cannot be opened or the
//  program run.
sb_testproc_t *sb_testproc_new_logged (char *const argv [], const char *path);

//  Runs argv to its end (at most timeout_ms) with its stdout and stderr
//  in the file at path, then reads that file back into output (size
//  bytes, NUL-terminated). Returns its exit status, or -1 if it did not
//  exit normally in time or could not be run (the reason on stderr).
int sb_testproc_run (char *const argv [], const char *path, char *output, size_t size,
                     int timeout_ms);

#endif
