/*  sb_probe.c — readiness probes, one attempt each (see sb_probe.h).     */

#include "sb_classes.h"
#include "sb_probe.h"
#include "sb_child.h"
#include <fcntl.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define S_ANSWER_MAX 256        //  of an HTTP answer, enough for its status line

struct _sb_probe_t {
    sb_ready_kind_t kind;
    sb_probe_result_t result;
    int fd;                     //  the socket, or -1
    bool connected;
    char request [512];         //  HTTP: what to send once connected
    char answer [S_ANSWER_MAX];
    size_t answer_size;
    sb_child_t *command;        //  COMMAND: the child
    int null;                   //  COMMAND: its output goes nowhere
};

//  Splits "host:port" or "[v6]:port" into host and port.
static int
s_host_port (const char *target, char *host, size_t host_size, char *port, size_t port_size)
{
    const char *colon = strrchr (target, ':');
    if (!colon || colon == target)
        return -1;
    const char *start = target, *end = colon;
    if (*start == '[' && end [-1] == ']') {
        start++;
        end--;
    }
    if ((size_t) (end - start) >= host_size || strlen (colon + 1) >= port_size)
        return -1;
    memcpy (host, start, (size_t) (end - start));
    host [end - start] = 0;
    strcpy (port, colon + 1);
    return 0;
}

//  Starts a non-blocking TCP connect to host:port.
static int
s_connect_tcp (sb_probe_t *self, const char *target)
{
    char host [256], port [16];
    if (s_host_port (target, host, sizeof host, port, sizeof port))
        return -1;
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
    struct addrinfo *found = NULL;
    if (getaddrinfo (host, port, &hints, &found) || !found)
        return -1;
    self->fd = socket (found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int rc = self->fd >= 0? connect (self->fd, found->ai_addr, found->ai_addrlen): -1;
    freeaddrinfo (found);
    if (rc == 0)
        self->connected = true;
    return rc == 0 || errno == EINPROGRESS? 0: -1;
}

static int
s_connect_unix (sb_probe_t *self, const char *path)
{
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    if (strlen (path) >= sizeof address.sun_path)
        return -1;
    strcpy (address.sun_path, path);
    self->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (self->fd < 0 || connect (self->fd, (struct sockaddr *) &address, sizeof address))
        return -1;
    self->connected = true;
    return 0;
}

//  http://host[:port]/path: connects and prepares the GET.
static int
s_connect_http (sb_probe_t *self, const char *url)
{
    const char *authority = url + 7;
    size_t size = strcspn (authority, "/");
    const char *path = authority [size]? authority + size: "/";
    char target [300];
    if (size == 0 || size >= sizeof target - 6)
        return -1;
    memcpy (target, authority, size);
    target [size] = 0;
    char *colon = strrchr (target, ':');
    if (!colon || (strchr (target, ']') && colon < strchr (target, ']')))
        strcat (target, ":80");
    snprintf (self->request, sizeof self->request,
              "GET %s HTTP/1.0\r\nHost: %.*s\r\nUser-Agent: supervise\r\n\r\n", path,
              (int) size, authority);
    return s_connect_tcp (self, target);
}

//  Runs the probe command, its output discarded.
static int
s_run_command (sb_probe_t *self, const sb_program_def_t *program, const char *directory)
{
    self->null = open ("/dev/null", O_WRONLY | O_CLOEXEC);
    char label [64], err [256];
    snprintf (label, sizeof label, "%s(probe)", program->name);
    sb_child_spec_t spec = { .label = label, .argv = program->ready_argv,
                             .directory = directory, .output = self->null };
    self->command = self->null >= 0? sb_child_start (&spec, err, sizeof err): NULL;
    return self->command? 0: -1;
}

sb_probe_t *
sb_probe_start (const sb_program_def_t *program, const char *directory)
{
    sb_probe_t *self = (sb_probe_t *) calloc (1, sizeof (sb_probe_t));
    if (!self)
        return NULL;
    self->kind = program->ready;
    self->fd = self->null = -1;
    int rc = program->ready == SB_READY_TCP? s_connect_tcp (self, program->ready_target):
             program->ready == SB_READY_UNIX? s_connect_unix (self, program->ready_target):
             program->ready == SB_READY_HTTP? s_connect_http (self, program->ready_target):
             program->ready == SB_READY_COMMAND? s_run_command (self, program, directory): -1;
    if (rc)
        sb_probe_destroy (&self);
    else
    if (self->connected && self->kind != SB_READY_HTTP)
        self->result = SB_PROBE_PASSED;
    return self;
}

void
sb_probe_destroy (sb_probe_t **self_p)
{
    if (self_p && *self_p) {
        sb_probe_t *self = *self_p;
        if (self->fd >= 0)
            close (self->fd);
        sb_child_destroy (&self->command);
        if (self->null >= 0)
            close (self->null);
        free (self);
        *self_p = NULL;
    }
}

//  HTTP: sends the request once connected, then reads the status line.
static void
s_http_step (sb_probe_t *self)
{
    if (self->request [0]) {
        size_t size = strlen (self->request);
        if (send (self->fd, self->request, size, MSG_NOSIGNAL) != (ssize_t) size) {
            self->result = SB_PROBE_FAILED;
            return;
        }
        self->request [0] = 0;
        return;
    }
    ssize_t got = recv (self->fd, self->answer + self->answer_size,
                        S_ANSWER_MAX - 1 - self->answer_size, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (got > 0)
        self->answer_size += (size_t) got;
    self->answer [self->answer_size] = 0;
    char *end = strstr (self->answer, "\r\n");
    if (end || got <= 0 || self->answer_size == S_ANSWER_MAX - 1)
        self->result = strncmp (self->answer, "HTTP/1.", 7) == 0
                    && strncmp (self->answer + 8, " 200", 4) == 0? SB_PROBE_PASSED:
                       SB_PROBE_FAILED;
}

static void
s_on_socket (void *arg, short revents)
{
    sb_probe_t *self = (sb_probe_t *) arg;
    if (!self->connected) {
        int error = 0;
        socklen_t size = sizeof error;
        if ((revents & (POLLERR | POLLHUP)) || getsockopt (self->fd, SOL_SOCKET, SO_ERROR,
                                                          &error, &size) || error) {
            self->result = SB_PROBE_FAILED;
            return;
        }
        self->connected = true;
        if (self->kind != SB_READY_HTTP) {
            self->result = SB_PROBE_PASSED;
            return;
        }
    }
    s_http_step (self);
}

void
sb_probe_watch (sb_probe_t *self, sb_watch_t *watch)
{
    if (self->command) {
        sb_child_watch (self->command, watch);
        return;
    }
    if (self->result != SB_PROBE_PENDING)
        return;
    short events = !self->connected || self->request [0]? POLLOUT: POLLIN;
    sb_watch_add (watch, self->fd, events, s_on_socket, self);
}

sb_probe_result_t
sb_probe_result (sb_probe_t *self)
{
    return self->result;
}

pid_t
sb_probe_pid (sb_probe_t *self)
{
    return self->command && !sb_child_has_exited (self->command)? sb_child_pid (self->command): 0;
}

void
sb_probe_exited (sb_probe_t *self, int status)
{
    if (self->command)
        sb_child_exited (self->command, status);
    self->result = WIFEXITED (status) && WEXITSTATUS (status) == 0? SB_PROBE_PASSED:
                                                                     SB_PROBE_FAILED;
}
