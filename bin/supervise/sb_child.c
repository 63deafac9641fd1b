/*  sb_child.c — one child process of supervise (see sb_child.h).         */

#include "sb_classes.h"
#include "sb_child.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

//  Parent-side descriptors are moved at or above this, so the child's
//  dup2 onto 0..3 never overwrites one it still needs
#define S_FD_FLOOR 10

//  One output stream: the read end of its pipe and the part of a line
//  not yet relayed.
typedef struct {
    int fd;
    char line [SB_CHILD_LINE_MAX];
    size_t size;
} s_stream_t;

struct _sb_child_t {
    pid_t pid;
    bool exited;
    int status;
    char *label;
    int output;                 //  where lines go
    s_stream_t streams [2];     //  stdout, stderr
    int notify;                 //  read end (pipe or socket), or -1
    sb_child_notify_t notify_kind;
    bool ready;                 //  said so, not yet taken
    bool said_ready;            //  once is enough
};

//  --------------------------------------------------------------------------
//  Descriptors and environment, made before fork

//  Moves fd to S_FD_FLOOR or above, close-on-exec. Returns the new fd.
static int
s_lift (int fd)
{
    if (fd < 0 || fd >= S_FD_FLOOR)
        return fd;
    int lifted = fcntl (fd, F_DUPFD_CLOEXEC, S_FD_FLOOR);
    close (fd);
    return lifted;
}

//  A pipe, both ends lifted, the read end non-blocking if asked. Returns
//  0 or -1.
static int
s_pipe (int ends [2], bool nonblocking)
{
    if (pipe2 (ends, O_CLOEXEC))
        return -1;
    ends [0] = s_lift (ends [0]);
    ends [1] = s_lift (ends [1]);
    if (ends [0] < 0 || ends [1] < 0
    ||  (nonblocking && fcntl (ends [0], F_SETFL, O_NONBLOCK))) {
        if (ends [0] >= 0)
            close (ends [0]);
        if (ends [1] >= 0)
            close (ends [1]);
        return -1;
    }
    return 0;
}

//  A datagram socket bound to an abstract name for the child's READY=1;
//  name gets "@..." as NOTIFY_SOCKET spells it. Returns the fd, or -1.
static int
s_notify_socket (sb_child_t *self, char *name, size_t size)
{
    int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    snprintf (name, size, "@sb-supervise/%d/%p", (int) getpid (), (void *) self);
    memcpy (address.sun_path + 1, name + 1, strlen (name) - 1);
    socklen_t length = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (name));
    if (fd >= 0 && bind (fd, (struct sockaddr *) &address, length)) {
        close (fd);
        fd = -1;
    }
    return s_lift (fd);
}

//  True if entry ("NAME=value") sets a name that overrides (list) or that
//  supervise must not pass on (its own NOTIFY_*).
static bool
s_is_replaced (const char *entry, char *const *list)
{
    size_t size = strcspn (entry, "=");
    if ((size == 9 && strncmp (entry, "NOTIFY_FD", 9) == 0)
    ||  (size == 13 && strncmp (entry, "NOTIFY_SOCKET", 13) == 0))
        return true;
    for (; list && *list; list++)
        if (strncmp (*list, entry, size + 1) == 0)
            return true;
    return false;
}

//  The child's environment: supervise's, then spec's, then notify. A new
//  array whose strings are borrowed except the last (extra, owned).
static char **
s_environment (const sb_child_spec_t *spec, char *extra)
{
    size_t count = 0, added = 0;
    while (environ [count])
        count++;
    while (spec->env && spec->env [added])
        added++;
    char **env = (char **) calloc (count + added + 2, sizeof (char *));
    size_t size = 0;
    for (size_t index = 0; env && index < count; index++)
        if (!s_is_replaced (environ [index], spec->env))
            env [size++] = environ [index];
    for (size_t index = 0; env && index < added; index++)
        env [size++] = spec->env [index];
    if (env && extra)
        env [size++] = extra;
    return env;
}

//  --------------------------------------------------------------------------
//  The child's side of fork: only async-signal-safe calls

//  Places fd at target without close-on-exec.
static void
s_place (int fd, int target)
{
    if (fd == target)
        fcntl (fd, F_SETFD, 0);
    else
        dup2 (fd, target);
}

static void
s_exec_child (const sb_child_spec_t *spec, char **env, const int fds [4], pid_t parent,
              int report)
{
    int error = 0;
    setpgid (0, 0);
    if (prctl (PR_SET_PDEATHSIG, SIGKILL))
        error = errno;
    if (getppid () != parent)
        _exit (127);            //  supervise died before prctl took hold
    sigset_t empty;
    sigemptyset (&empty);
    sigprocmask (SIG_SETMASK, &empty, NULL);
    struct sigaction action = { .sa_handler = SIG_DFL };
    for (int sig = 1; sig < NSIG; sig++)
        sigaction (sig, &action, NULL);
    s_place (fds [0], 0);
    s_place (fds [1], 1);
    s_place (fds [2], 2);
    if (fds [3] >= 0)
        s_place (fds [3], SB_CHILD_NOTIFY_FILENO);
    //  Whatever supervise inherited stays out of the child
    close_range (fds [3] >= 0? SB_CHILD_NOTIFY_FILENO + 1: 3, ~0U, CLOSE_RANGE_CLOEXEC);
    if (error == 0 && spec->directory && chdir (spec->directory))
        error = errno;
    if (error == 0) {
        execvpe (spec->argv [0], spec->argv, env);
        error = errno;
    }
    ssize_t written = write (report, &error, sizeof error);
    (void) written;
    _exit (127);
}

//  --------------------------------------------------------------------------
//  Starting

//  Reads the exec report: 0 once exec succeeded (the pipe closed empty).
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

static void
s_close (int *fd)
{
    if (*fd >= 0)
        close (*fd);
    *fd = -1;
}

//  Forks and execs with the prepared descriptors; child_fds are the ends
//  the child keeps. Returns 0, or -1 with the reason.
static int
s_fork (sb_child_t *self, const sb_child_spec_t *spec, char **env, int child_fds [4],
        char *err, size_t errlen)
{
    int report [2];
    if (s_pipe (report, false))
        return sb_error_set (err, errlen, "cannot make a pipe: %s", strerror (errno));
    pid_t parent = getpid ();
    self->pid = fork ();
    if (self->pid == 0)
        s_exec_child (spec, env, child_fds, parent, report [1]);
    close (report [1]);
    if (self->pid < 0) {
        close (report [0]);
        return sb_error_set (err, errlen, "cannot fork: %s", strerror (errno));
    }
    setpgid (self->pid, self->pid);     //  either side may run first
    int error = s_read_report (report [0]);
    close (report [0]);
    if (error) {
        int status;
        while (waitpid (self->pid, &status, 0) < 0 && errno == EINTR)
            ;
        self->exited = true;
        return sb_error_set (err, errlen, "cannot execute %s: %s", spec->argv [0],
                             strerror (error));
    }
    return 0;
}

//  Makes the pipes, the notification channel and the environment, then
//  forks. Returns 0, or -1 with the reason.
static int
s_start (sb_child_t *self, const sb_child_spec_t *spec, char *err, size_t errlen)
{
    int out [2] = { -1, -1 }, error [2] = { -1, -1 }, notify [2] = { -1, -1 };
    int null = s_lift (open ("/dev/null", O_RDONLY | O_CLOEXEC));
    char name [128] = "", *extra = NULL;
    int rc = null >= 0 && s_pipe (out, true) == 0 && s_pipe (error, true) == 0? 0: -1;
    if (rc == 0 && spec->notify == SB_CHILD_NOTIFY_FD) {
        rc = s_pipe (notify, true);
        extra = zsys_sprintf ("NOTIFY_FD=%d", SB_CHILD_NOTIFY_FILENO);
    }
    else
    if (rc == 0 && spec->notify == SB_CHILD_NOTIFY_SOCKET) {
        notify [0] = s_notify_socket (self, name, sizeof name);
        rc = notify [0] >= 0? 0: -1;
        extra = zsys_sprintf ("NOTIFY_SOCKET=%s", name);
    }
    char **env = rc == 0? s_environment (spec, extra): NULL;
    if (rc || !env)
        rc = sb_error_set (err, errlen, "cannot prepare the child: %s", strerror (errno));
    else {
        int child_fds [4] = { null, out [1], error [1], notify [1] };
        rc = s_fork (self, spec, env, child_fds, err, errlen);
    }
    free (env);
    free (extra);
    s_close (&null);
    s_close (&out [1]);
    s_close (&error [1]);
    s_close (&notify [1]);
    self->streams [0].fd = out [0];
    self->streams [1].fd = error [0];
    self->notify = notify [0];
    return rc;
}

sb_child_t *
sb_child_start (const sb_child_spec_t *spec, char *err, size_t errlen)
{
    assert (spec && spec->argv && spec->argv [0] && spec->label);
    sb_child_t *self = (sb_child_t *) calloc (1, sizeof (sb_child_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->label = strdup (spec->label);
    self->output = spec->output;
    self->notify_kind = spec->notify;
    self->notify = self->streams [0].fd = self->streams [1].fd = -1;
    if (!self->label || s_start (self, spec, err, errlen)) {
        if (!self->label)
            sb_error_set (err, errlen, "out of memory");
        sb_child_destroy (&self);
    }
    return self;
}

void
sb_child_destroy (sb_child_t **self_p)
{
    if (self_p && *self_p) {
        sb_child_t *self = *self_p;
        if (self->pid > 0 && !self->exited) {
            kill (-self->pid, SIGKILL);
            int status;
            while (waitpid (self->pid, &status, 0) < 0 && errno == EINTR)
                ;
        }
        s_close (&self->streams [0].fd);
        s_close (&self->streams [1].fd);
        s_close (&self->notify);
        free (self->label);
        free (self);
        *self_p = NULL;
    }
}

pid_t
sb_child_pid (sb_child_t *self)
{
    return self->pid;
}

bool
sb_child_has_exited (sb_child_t *self)
{
    return self->exited;
}

int
sb_child_signal (sb_child_t *self, int sig)
{
    if (self->exited || self->pid <= 0)
        return -1;
    return kill (-self->pid, sig) == 0? 0: -1;
}

//  --------------------------------------------------------------------------
//  Output and readiness

//  Writes label, a space, size bytes of line and a newline, whole.
static void
s_relay (sb_child_t *self, const char *line, size_t size)
{
    struct iovec parts [4] = {
        { self->label, strlen (self->label) }, { (void *) " ", 1 },
        { (void *) line, size }, { (void *) "\n", 1 }
    };
    size_t first = 0;
    while (first < 4) {
        ssize_t written = writev (self->output, parts + first, (int) (4 - first));
        if (written < 0 && errno == EINTR)
            continue;
        if (written < 0)
            return;             //  nowhere to write: the line is dropped
        while (first < 4 && (size_t) written >= parts [first].iov_len)
            written -= (ssize_t) parts [first++].iov_len;
        if (first < 4) {
            parts [first].iov_base = (char *) parts [first].iov_base + written;
            parts [first].iov_len -= (size_t) written;
        }
    }
}

//  Relays every whole line in the stream's buffer (or the buffer itself
//  when full, or at the end when final), keeping the rest.
static void
s_relay_lines (sb_child_t *self, s_stream_t *stream, bool final)
{
    size_t start = 0;
    for (size_t index = 0; index < stream->size; index++)
        if (stream->line [index] == '\n') {
            s_relay (self, stream->line + start, index - start);
            start = index + 1;
        }
    if (start < stream->size && (final || (start == 0 && stream->size == SB_CHILD_LINE_MAX))) {
        s_relay (self, stream->line + start, stream->size - start);
        start = stream->size;
    }
    memmove (stream->line, stream->line + start, stream->size - start);
    stream->size -= start;
}

//  Reads what the pipe holds now; relays lines; closes it at its end.
static void
s_drain (sb_child_t *self, s_stream_t *stream)
{
    while (stream->fd >= 0) {
        ssize_t got = read (stream->fd, stream->line + stream->size,
                            SB_CHILD_LINE_MAX - stream->size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN)
            break;
        if (got <= 0) {
            s_relay_lines (self, stream, true);
            s_close (&stream->fd);
            break;
        }
        stream->size += (size_t) got;
        s_relay_lines (self, stream, false);
    }
}

static void
s_on_stdout (void *arg, short revents)
{
    (void) revents;
    sb_child_t *self = (sb_child_t *) arg;
    s_drain (self, &self->streams [0]);
}

static void
s_on_stderr (void *arg, short revents)
{
    (void) revents;
    sb_child_t *self = (sb_child_t *) arg;
    s_drain (self, &self->streams [1]);
}

//  A newline on the pipe (s6), or READY=1 in a datagram (systemd): ready.
//  The channel stays open to the child's end, read and ignored after
//  that: a program that says it twice, or says STOPPING=1 when it stops,
//  must not get EPIPE or ECONNREFUSED for it.
static void
s_on_notify (void *arg, short revents)
{
    (void) revents;
    sb_child_t *self = (sb_child_t *) arg;
    char buffer [4096];
    while (self->notify >= 0) {
        ssize_t got = read (self->notify, buffer, sizeof buffer - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && errno == EAGAIN)
            return;
        if (got <= 0 && self->notify_kind == SB_CHILD_NOTIFY_FD) {
            s_close (&self->notify);        //  the child closed its end
            return;
        }
        if (got <= 0)
            return;
        buffer [got] = 0;
        bool said = self->notify_kind == SB_CHILD_NOTIFY_FD?
                    memchr (buffer, '\n', (size_t) got) != NULL:
                    strncmp (buffer, "READY=1", 7) == 0 || strstr (buffer, "\nREADY=1");
        if (said && !self->said_ready)
            self->ready = self->said_ready = true;
    }
}

void
sb_child_watch (sb_child_t *self, sb_watch_t *watch)
{
    sb_watch_add (watch, self->streams [0].fd, POLLIN, s_on_stdout, self);
    sb_watch_add (watch, self->streams [1].fd, POLLIN, s_on_stderr, self);
    sb_watch_add (watch, self->notify, POLLIN, s_on_notify, self);
}

bool
sb_child_take_ready (sb_child_t *self)
{
    bool ready = self->ready;
    self->ready = false;
    return ready;
}

void
sb_child_exited (sb_child_t *self, int status)
{
    self->exited = true;
    self->status = status;
    //  What the leader's own children still hold goes with the group: a
    //  process group id is not reused while any member lives
    kill (-self->pid, SIGKILL);
    s_drain (self, &self->streams [0]);
    s_drain (self, &self->streams [1]);
    if (self->notify >= 0)
        s_on_notify (self, POLLIN);
    s_close (&self->streams [0].fd);
    s_close (&self->streams [1].fd);
    s_close (&self->notify);
}

int
sb_child_status (sb_child_t *self)
{
    return self->status;
}

void
sb_child_describe (int status, char *text, size_t size)
{
    if (WIFEXITED (status))
        snprintf (text, size, "exit %d", WEXITSTATUS (status));
    else
    if (WIFSIGNALED (status))
        snprintf (text, size, "signal %s%s", sigabbrev_np (WTERMSIG (status))?
                  sigabbrev_np (WTERMSIG (status)): "?",
                  WCOREDUMP (status)? " (core dumped)": "");
    else
        snprintf (text, size, "status %d", status);
}
