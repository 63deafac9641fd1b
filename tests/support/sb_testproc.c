/*  sb_testproc.c — test support: a program run as a child process.       */

//  _GNU_SOURCE (nftw flags, pipe2, close_range) comes from CMake
#include "sb_classes.h"
#include "sb_testproc.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

struct _sb_testproc_t {
    pid_t pid;
    bool reaped;    //  waitpid has returned it: pid no longer ours to signal
    int status;     //  its waitpid status, once reaped
};

//  Closes descriptors first..last in the child. close_range is one system
//  call; kernels older than 5.9 lack it, so fall back to a bounded loop.
static void
s_close_fds (unsigned int first, unsigned int last)
{
    if (first > last || close_range (first, last, 0) == 0)
        return;
    struct rlimit limit;
    unsigned int top = 65536;
    if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < top)
        top = (unsigned int) limit.rlim_cur;
    for (unsigned int fd = first; fd <= last && fd < top; fd++)
        close ((int) fd);
}

//  Runs in the child between fork and exec, so only async-signal-safe
//  calls: no stdio, no malloc. Reports a failure as an errno on the report
//  pipe, which exec closes on success (O_CLOEXEC).
static void
s_exec_child (char *const argv [], pid_t parent, int report)
{
    int error = 0;
    if (prctl (PR_SET_PDEATHSIG, SIGKILL))
        error = errno;
    //  The test may have died before prctl took effect: then nobody would
    //  ever kill this child, so give up at once
    if (getppid () != parent)
        _exit (127);
    if (error == 0) {
        //  The mask and ignored signals survive exec: a test that blocked
        //  SIGTERM must not make its child deaf to it
        sigset_t empty;
        sigemptyset (&empty);
        sigprocmask (SIG_SETMASK, &empty, NULL);
        struct sigaction action = { .sa_handler = SIG_DFL };
        for (int sig = 1; sig < NSIG; sig++)
            sigaction (sig, &action, NULL);
        //  Inherited listening sockets would keep the test's ports bound
        //  after the test closed them
        s_close_fds (3, (unsigned int) report - 1);
        s_close_fds ((unsigned int) report + 1, ~0U);
        execvp (argv [0], argv);
        error = errno;
    }
    ssize_t written = write (report, &error, sizeof error);
    (void) written;
    _exit (127);
}

//  Reads the child's exec report: returns 0 once exec succeeded (the pipe
//  closed empty), or the errno that stopped it.
static int
s_read_report (int report)
{
    int error = 0;
    ssize_t got;
    do
        got = read (report, &error, sizeof error);
    while (got < 0 && errno == EINTR);
    return got == (ssize_t) sizeof error? error: 0;
}

//  Blocks until the child has exited; for when it was sent SIGKILL.
static void
s_reap (sb_testproc_t *self)
{
    pid_t rc;
    do
        rc = waitpid (self->pid, &self->status, 0);
    while (rc < 0 && errno == EINTR);
    self->reaped = true;
}

sb_testproc_t *
sb_testproc_new (char *const argv [])
{
    assert (argv && argv [0]);
    int report [2];
    if (pipe2 (report, O_CLOEXEC)) {
        fprintf (stderr, "sb_testproc: pipe: %s\n", strerror (errno));
        return NULL;
    }
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0)
        s_exec_child (argv, parent, report [1]);
    close (report [1]);
    if (pid < 0) {
        fprintf (stderr, "sb_testproc: fork: %s\n", strerror (errno));
        close (report [0]);
        return NULL;
    }
    int error = s_read_report (report [0]);
    close (report [0]);

    sb_testproc_t *self = (sb_testproc_t *) calloc (1, sizeof (sb_testproc_t));
    if (self)
        self->pid = pid;
    if (error || !self) {
        fprintf (stderr, "sb_testproc: cannot run %s: %s\n", argv [0],
                 strerror (error? error: ENOMEM));
        sb_testproc_t reaper = { .pid = pid };
        kill (pid, SIGKILL);
        s_reap (&reaper);
        free (self);
        self = NULL;
    }
    return self;
}

void
sb_testproc_destroy (sb_testproc_t **self_p)
{
    if (self_p && *self_p) {
        sb_testproc_t *self = *self_p;
        if (!self->reaped) {
            kill (self->pid, SIGKILL);
            s_reap (self);
        }
        free (self);
        *self_p = NULL;
    }
}

pid_t
sb_testproc_pid (sb_testproc_t *self)
{
    assert (self);
    return self->pid;
}

int
sb_testproc_signal (sb_testproc_t *self, int sig)
{
    assert (self);
    if (self->reaped)
        return -1;
    return kill (self->pid, sig) == 0? 0: -1;
}

int
sb_testproc_wait (sb_testproc_t *self, int timeout_ms, int *status)
{
    assert (self);
    int64_t deadline = zclock_mono () + timeout_ms;
    while (!self->reaped) {
        pid_t rc = waitpid (self->pid, &self->status, timeout_ms < 0? 0: WNOHANG);
        if (rc == self->pid)
            self->reaped = true;
        else
        if (rc < 0 && errno != EINTR)
            return -1;      //  ECHILD: SIGCHLD ignored or reaped elsewhere
        else
        if (rc == 0) {
            int64_t left = deadline - zclock_mono ();
            if (left <= 0)
                return -1;
            zclock_sleep (left < 10? (int) left: 10);
        }
    }
    if (status)
        *status = self->status;
    return 0;
}

int
sb_testproc_stop (sb_testproc_t **self_p, int timeout_ms, const char *what)
{
    if (!self_p || !*self_p)
        return 0;
    int status = 0, rc = 0;
    bool running = sb_testproc_wait (*self_p, 0, NULL) != 0
                && sb_testproc_signal (*self_p, SIGTERM) == 0;
    if (sb_testproc_wait (*self_p, timeout_ms, &status)) {
        fprintf (stderr, "sb_testproc: %s did not stop on SIGTERM\n", what);
        rc = -1;
    }
    else
    if (running && !(WIFEXITED (status) && WEXITSTATUS (status) == 0)) {
        fprintf (stderr, "sb_testproc: %s stopped with %s %d\n", what,
                 WIFSIGNALED (status)? "signal": "status",
                 WIFSIGNALED (status)? WTERMSIG (status): WEXITSTATUS (status));
        rc = -1;
    }
    sb_testproc_destroy (self_p);
    return rc;
}

int
sb_testproc_kill (sb_testproc_t *self, int timeout_ms)
{
    if (sb_testproc_signal (self, SIGKILL))
        return -1;
    return sb_testproc_wait (self, timeout_ms, NULL);
}

int
sb_testproc_wait_clean (sb_testproc_t *self, int timeout_ms, const char *what)
{
    int status = 0;
    if (sb_testproc_wait (self, timeout_ms, &status)) {
        fprintf (stderr, "sb_testproc: %s did not exit within %d ms\n", what, timeout_ms);
        return -1;
    }
    if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
        return 0;
    fprintf (stderr, "sb_testproc: %s exited with %s %d\n", what,
             WIFSIGNALED (status)? "signal": "status",
             WIFSIGNALED (status)? WTERMSIG (status): WEXITSTATUS (status));
    return -1;
}

//  Starts argv with its stdout and stderr in file (this process's own are
//  put back before returning).
static sb_testproc_t *
s_start_redirected (char *const argv [], int file)
{
    fflush (stdout);
    fflush (stderr);
    int saved_out = dup (1), saved_err = dup (2);
    sb_testproc_t *self = NULL;
    if (saved_out >= 0 && saved_err >= 0) {
        dup2 (file, 1);
        dup2 (file, 2);
        self = sb_testproc_new (argv);
        dup2 (saved_out, 1);
        dup2 (saved_err, 2);
    }
    if (saved_out >= 0)
        close (saved_out);
    if (saved_err >= 0)
        close (saved_err);
    return self;
}

sb_testproc_t *
sb_testproc_new_logged (char *const argv [], const char *path)
{
    int file = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (file < 0) {
        fprintf (stderr, "sb_testproc: %s: %s\n", path, strerror (errno));
        return NULL;
    }
    sb_testproc_t *self = s_start_redirected (argv, file);
    close (file);
    return self;
}

int
sb_testproc_run (char *const argv [], const char *path, char *output, size_t size,
                 int timeout_ms)
{
    assert (output && size > 0);
    *output = 0;
    int file = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (file < 0) {
        fprintf (stderr, "sb_testproc: %s: %s\n", path, strerror (errno));
        return -1;
    }
    sb_testproc_t *self = s_start_redirected (argv, file);
    close (file);
    if (!self)
        return -1;
    int status = 0;
    bool exited = sb_testproc_wait (self, timeout_ms, &status) == 0;
    sb_testproc_destroy (&self);
    FILE *input = fopen (path, "r");
    if (input) {
        size_t got = fread (output, 1, size - 1, input);
        output [got] = 0;
        fclose (input);
    }
    return exited && WIFEXITED (status)? WEXITSTATUS (status): -1;
}

int
sb_testproc_own_threads (pid_t pid)
{
    char path [64];
    snprintf (path, sizeof path, "/proc/%d/task", (int) pid);
    DIR *tasks = opendir (path);
    if (!tasks)
        return -1;
    int count = 0;
    struct dirent *task;
    while ((task = readdir (tasks))) {
        if (task->d_name [0] == '.' || atoi (task->d_name) == (int) pid)
            continue;
        char comm [64] = "";
        snprintf (path, sizeof path, "/proc/%d/task/%.16s/comm", (int) pid, task->d_name);
        FILE *file = fopen (path, "r");
        if (file && fgets (comm, sizeof comm, file) && strncmp (comm, "ZMQbg/", 6))
            count++;
        if (file)
            fclose (file);
    }
    closedir (tasks);
    return count;
}
