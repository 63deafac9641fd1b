/*  sb_control.c — supervise's control socket, both sides (see
    sb_control.h).                                                         */

#include "sb_classes.h"
#include "sb_control.h"
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define S_ANSWER_MAX (4 * 1024 * 1024)  //  what ctl accepts of an answer

//  One connection: the command as it arrives, then the answer as it goes.
typedef struct {
    sb_control_t *owner;
    int fd;                     //  -1: free slot
    char line [SB_CONTROL_LINE_MAX];
    size_t size;
    int64_t since;
    char *answer;
    size_t sent;
    bool done;                  //  close it after the turn
} s_client_t;

struct _sb_control_t {
    char *path;
    int listener;
    sb_control_fn *handler;
    void *arg;
    s_client_t clients [SB_CONTROL_MAX_CLIENTS];
    size_t refused;             //  connections closed for saying nothing, or too much
};

//  Fills address with path. Returns 0, or -1 with the reason.
static int
s_address (const char *path, struct sockaddr_un *address, char *err, size_t errlen)
{
    *address = (struct sockaddr_un) { .sun_family = AF_UNIX };
    if (strlen (path) >= sizeof address->sun_path)
        return sb_error_set (err, errlen, "control socket path '%s' is longer than %zu bytes: "
                             "choose a shorter supervise/control", path,
                             sizeof address->sun_path - 1);
    strcpy (address->sun_path, path);
    return 0;
}

//  True if a live process accepts connections at path.
static bool
s_is_answered (const struct sockaddr_un *address)
{
    int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool answered = fd >= 0 && connect (fd, (const struct sockaddr *) address,
                                        sizeof *address) == 0;
    if (fd >= 0)
        close (fd);
    return answered;
}

sb_control_t *
sb_control_new (const char *path, sb_control_fn *handler, void *arg, char *err, size_t errlen)
{
    struct sockaddr_un address;
    if (s_address (path, &address, err, errlen))
        return NULL;
    if (s_is_answered (&address)) {
        sb_error_set (err, errlen, "another supervise answers on %s: stop it first (supervise "
                      "ctl -s %s shutdown), or give this fleet its own supervise/control",
                      path, path);
        return NULL;
    }
    unlink (path);              //  a stale socket from a supervise that died
    int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    mode_t mask = umask (0077);
    int rc = fd >= 0? bind (fd, (struct sockaddr *) &address, sizeof address): -1;
    umask (mask);
    if (rc || listen (fd, SB_CONTROL_MAX_CLIENTS)) {
        sb_error_set (err, errlen, "cannot listen on %s: %s", path, strerror (errno));
        if (fd >= 0)
            close (fd);
        return NULL;
    }
    sb_control_t *self = (sb_control_t *) calloc (1, sizeof (sb_control_t));
    if (self)
        self->path = strdup (path);
    if (!self || !self->path) {
        sb_error_set (err, errlen, "out of memory");
        free (self);
        close (fd);
        return NULL;
    }
    self->listener = fd;
    self->handler = handler;
    self->arg = arg;
    for (size_t index = 0; index < SB_CONTROL_MAX_CLIENTS; index++)
        self->clients [index].fd = -1;
    return self;
}

static void
s_client_close (s_client_t *client)
{
    if (client->fd >= 0)
        close (client->fd);
    free (client->answer);
    *client = (s_client_t) { .fd = -1 };
}

void
sb_control_destroy (sb_control_t **self_p)
{
    if (self_p && *self_p) {
        sb_control_t *self = *self_p;
        for (size_t index = 0; index < SB_CONTROL_MAX_CLIENTS; index++)
            s_client_close (&self->clients [index]);
        close (self->listener);
        unlink (self->path);
        free (self->path);
        free (self);
        *self_p = NULL;
    }
}

//  --------------------------------------------------------------------------
//  Serving

static void
s_on_listener (void *arg, short revents)
{
    (void) revents;
    sb_control_t *self = (sb_control_t *) arg;
    for (size_t index = 0; index < SB_CONTROL_MAX_CLIENTS; index++)
        if (self->clients [index].fd < 0) {
            int fd = accept4 (self->listener, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
            if (fd >= 0)
                self->clients [index] = (s_client_t) { .owner = self, .fd = fd,
                                                       .since = zclock_mono () };
            return;
        }
}

//  Sends what the socket takes of the answer; done once all is sent.
static void
s_send (s_client_t *client)
{
    size_t size = strlen (client->answer);
    while (client->sent < size) {
        ssize_t sent = send (client->fd, client->answer + client->sent, size - client->sent,
                             MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent < 0 && errno == EAGAIN)
            return;
        if (sent < 0) {
            client->done = true;
            return;
        }
        client->sent += (size_t) sent;
    }
    client->done = true;
}

//  Reads the command; once the line is whole (or the client finished
//  writing), answers it.
static void
s_receive (sb_control_t *self, s_client_t *client)
{
    ssize_t got = recv (client->fd, client->line + client->size,
                        sizeof client->line - 1 - client->size, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (got > 0)
        client->size += (size_t) got;
    client->line [client->size] = 0;
    bool whole = memchr (client->line, '\n', client->size) || got == 0;
    if (got < 0 || (!whole && client->size == sizeof client->line - 1)) {
        self->refused++;
        client->done = true;
        return;
    }
    if (whole) {
        client->answer = self->handler (self->arg, client->line);
        if (!client->answer)
            client->answer = strdup ("error: out of memory\n");
        if (client->answer)
            s_send (client);
        else
            client->done = true;
    }
}

static void
s_on_client (void *arg, short revents)
{
    (void) revents;
    s_client_t *client = (s_client_t *) arg;
    if (client->done)
        return;
    if (client->answer)
        s_send (client);
    else
        s_receive (client->owner, client);
}

bool
sb_control_busy (sb_control_t *self)
{
    for (size_t index = 0; index < SB_CONTROL_MAX_CLIENTS; index++)
        if (self->clients [index].fd >= 0 && self->clients [index].answer)
            return true;
    return false;
}

void
sb_control_watch (sb_control_t *self, sb_watch_t *watch)
{
    bool room = false;
    for (size_t index = 0; index < SB_CONTROL_MAX_CLIENTS; index++) {
        s_client_t *client = &self->clients [index];
        room = room || client->fd < 0;
        if (client->fd >= 0 && !client->done)
            sb_watch_add (watch, client->fd, client->answer? POLLOUT: POLLIN, s_on_client,
                          client);
    }
    if (room)
        sb_watch_add (watch, self->listener, POLLIN, s_on_listener, self);
}

void
sb_control_tick (sb_control_t *self, int64_t now)
{
    for (size_t index = 0; index < SB_CONTROL_MAX_CLIENTS; index++) {
        s_client_t *client = &self->clients [index];
        if (client->fd >= 0 && !client->done && now - client->since > SB_CONTROL_TIMEOUT_MS) {
            self->refused++;
            client->done = true;
        }
        if (client->fd >= 0 && client->done)
            s_client_close (client);
    }
}

//  --------------------------------------------------------------------------
//  The client side

//  Reads until the server closes, or the deadline. Returns the text or
//  NULL with the reason.
static char *
s_read_answer (int fd, int64_t deadline, char *err, size_t errlen)
{
    zchunk_t *answer = zchunk_new (NULL, 0);
    char buffer [8192];
    int rc = 0;
    while (rc == 0) {
        struct pollfd item = { .fd = fd, .events = POLLIN };
        int64_t left = deadline - zclock_mono ();
        if (left <= 0 || poll (&item, 1, (int) left) == 0)
            rc = sb_error_set (err, errlen, "supervise did not answer in time");
        ssize_t got = rc == 0? recv (fd, buffer, sizeof buffer, 0): -1;
        if (got == 0)
            break;
        if (got < 0 && rc == 0 && errno != EINTR && errno != EAGAIN)
            rc = sb_error_set (err, errlen, "reading the answer: %s", strerror (errno));
        if (got > 0 && zchunk_size (answer) + (size_t) got > S_ANSWER_MAX)
            rc = sb_error_set (err, errlen, "answer larger than %d bytes", S_ANSWER_MAX);
        if (got > 0 && rc == 0)
            zchunk_extend (answer, buffer, (size_t) got);
    }
    char *text = rc == 0? strndup ((char *) zchunk_data (answer), zchunk_size (answer)): NULL;
    zchunk_destroy (&answer);
    return text;
}

char *
sb_control_call (const char *path, const char *line, int timeout_ms, char *err, size_t errlen)
{
    struct sockaddr_un address;
    if (s_address (path, &address, err, errlen))
        return NULL;
    int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect (fd, (struct sockaddr *) &address, sizeof address)) {
        sb_error_set (err, errlen, "no supervise answers on %s: %s", path, strerror (errno));
        if (fd >= 0)
            close (fd);
        return NULL;
    }
    char *request = zsys_sprintf ("%s\n", line);
    size_t size = request? strlen (request): 0;
    bool sent = request && send (fd, request, size, MSG_NOSIGNAL) == (ssize_t) size;
    free (request);
    char *answer = NULL;
    if (!sent)
        sb_error_set (err, errlen, "cannot send to %s: %s", path, strerror (errno));
    else {
        shutdown (fd, SHUT_WR);
        answer = s_read_answer (fd, zclock_mono () + timeout_ms, err, errlen);
    }
    close (fd);
    return answer;
}
