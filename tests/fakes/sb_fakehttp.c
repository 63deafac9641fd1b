/*  sb_fakehttp.c — libmicrohttpd under the fakes: request bodies read
    whole, answers as JSON or text, Retry-After, delays that destroy cuts
    short, and dropped connections.                                       */

#include "sb_fakehttp.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>

struct _sb_fakehttp_t {
    struct MHD_Daemon *daemon;
    sb_fakehttp_fn *fn;
    void *state;
    char url [48];
    pthread_mutex_t lock;
    pthread_cond_t release;          //  destroy: delayed answers end
    bool released;
};

typedef struct {
    char *data;
    size_t size;
    bool too_long;
} s_upload_t;

static enum MHD_Result
s_reply (struct MHD_Connection *connection, const sb_fakehttp_answer_t *answer)
{
    char *text = answer->text? strdup (answer->text)
               : answer->body? json_dumps (answer->body, JSON_COMPACT): strdup ("{}");
    struct MHD_Response *response = text
        ? MHD_create_response_from_buffer (strlen (text), text, MHD_RESPMEM_MUST_FREE): NULL;
    if (!response) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (response, "Content-Type",
                             answer->content_type? answer->content_type: "application/json");
    if (answer->retry_after_s >= 0) {
        char seconds [16];
        snprintf (seconds, sizeof seconds, "%d", answer->retry_after_s);
        MHD_add_response_header (response, "Retry-After", seconds);
    }
    enum MHD_Result rc = MHD_queue_response (connection, answer->status, response);
    MHD_destroy_response (response);
    return rc;
}

//  Appends a piece of the body. Returns MHD_YES, or MHD_NO if out of memory.
static enum MHD_Result
s_take (s_upload_t *upload, const char *data, size_t size)
{
    if (upload->size + size > SB_FAKEHTTP_BODY_MAX) {
        upload->too_long = true;
        return MHD_YES;
    }
    char *bigger = (char *) realloc (upload->data, upload->size + size + 1);
    if (!bigger)
        return MHD_NO;
    memcpy (bigger + upload->size, data, size);
    upload->data = bigger;
    upload->size += size;
    upload->data [upload->size] = 0;
    return MHD_YES;
}

const char *
sb_fakehttp_query (const sb_fakehttp_request_t *request, const char *name)
{
    return MHD_lookup_connection_value ((struct MHD_Connection *) request->connection,
                                        MHD_GET_ARGUMENT_KIND, name);
}

const char *
sb_fakehttp_header (const sb_fakehttp_request_t *request, const char *name)
{
    return MHD_lookup_connection_value ((struct MHD_Connection *) request->connection,
                                        MHD_HEADER_KIND, name);
}

//  Waits ms, or less if destroy comes first. Returns true if it waited
//  the whole time.
static bool
s_wait (sb_fakehttp_t *self, int ms)
{
    struct timespec until;
    clock_gettime (CLOCK_MONOTONIC, &until);
    long nanoseconds = until.tv_nsec + (long) (ms % 1000) * 1000000L;
    until.tv_sec += ms / 1000 + nanoseconds / 1000000000L;
    until.tv_nsec = nanoseconds % 1000000000L;
    pthread_mutex_lock (&self->lock);
    int rc = 0;
    while (!self->released && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait (&self->release, &self->lock, &until);
    bool whole = !self->released;
    pthread_mutex_unlock (&self->lock);
    return whole;
}

//  The whole request is in: the fake answers it.
static enum MHD_Result
s_answer (sb_fakehttp_t *self, struct MHD_Connection *connection, const char *url,
          const char *method, const s_upload_t *upload)
{
    char *password = NULL;
    char *user = MHD_basic_auth_get_username_password (connection, &password);
    sb_fakehttp_request_t request = {
        .method = method, .path = url, .user = user, .password = password,
        .body = upload->data? upload->data: "", .size = upload->size,
        .too_long = upload->too_long, .connection = connection
    };
    sb_fakehttp_answer_t answer = { .status = 500, .retry_after_s = -1 };
    self->fn (self->state, &request, &answer);
    MHD_free (user);
    MHD_free (password);
    if (answer.delay_ms > 0 && !s_wait (self, answer.delay_ms))
        answer.drop = true;
    enum MHD_Result rc = answer.drop? MHD_NO: s_reply (connection, &answer);
    json_decref (answer.body);
    free (answer.text);
    return rc;
}

static enum MHD_Result
s_handle (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_data_size,
          void **state)
{
    (void) version;
    s_upload_t *upload = (s_upload_t *) *state;
    if (!upload) {
        *state = calloc (1, sizeof (s_upload_t));
        return *state? MHD_YES: MHD_NO;
    }
    if (*upload_data_size) {
        enum MHD_Result rc = s_take (upload, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return rc;
    }
    return s_answer ((sb_fakehttp_t *) cls, connection, url, method, upload);
}

static void
s_completed (void *cls, struct MHD_Connection *connection, void **state,
             enum MHD_RequestTerminationCode code)
{
    (void) cls;
    (void) connection;
    (void) code;
    s_upload_t *upload = (s_upload_t *) *state;
    if (upload)
        free (upload->data);
    free (upload);
    *state = NULL;
}

//  Starts the daemon on listen:port (an IPv4 address). Returns the port
//  bound, or 0.
static int
s_listen (sb_fakehttp_t *self, const char *listen, int port)
{
    struct sockaddr_in address;
    memset (&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons ((uint16_t) port);
    if (inet_pton (AF_INET, listen, &address.sin_addr) != 1)
        return 0;
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, s_handle, self, MHD_OPTION_SOCK_ADDR, &address,
        MHD_OPTION_NOTIFY_COMPLETED, s_completed, self, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = self->daemon
        ? MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT): NULL;
    return info? info->port: 0;
}

sb_fakehttp_t *
sb_fakehttp_new (int port, sb_fakehttp_fn *fn, void *state)
{
    return sb_fakehttp_new_on ("127.0.0.1", port, fn, state);
}

sb_fakehttp_t *
sb_fakehttp_new_on (const char *listen, int port, sb_fakehttp_fn *fn, void *state)
{
    sb_fakehttp_t *self = (sb_fakehttp_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->fn = fn;
    self->state = state;
    pthread_mutex_init (&self->lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init (&attributes);
    pthread_condattr_setclock (&attributes, CLOCK_MONOTONIC);
    pthread_cond_init (&self->release, &attributes);
    pthread_condattr_destroy (&attributes);
    int bound = s_listen (self, listen, port);
    if (!bound) {
        fprintf (stderr, "sb_fakehttp: cannot listen on %s:%d (an IPv4 address and a free "
                 "port)\n", listen, port);
        sb_fakehttp_destroy (&self);
        return NULL;
    }
    snprintf (self->url, sizeof self->url, "http://%s:%d", listen, bound);
    return self;
}

void
sb_fakehttp_destroy (sb_fakehttp_t **self_p)
{
    sb_fakehttp_t *self = *self_p;
    if (!self)
        return;
    pthread_mutex_lock (&self->lock);
    self->released = true;
    pthread_cond_broadcast (&self->release);
    pthread_mutex_unlock (&self->lock);
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    pthread_cond_destroy (&self->release);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

const char *
sb_fakehttp_url (sb_fakehttp_t *self)
{
    return self->url;
}

//  Writes text into path through a temporary file, so that a reader never
//  sees half of it. Returns 0 or -1.
static int
s_write_file (const char *path, const char *text)
{
    char temporary [4096];
    snprintf (temporary, sizeof temporary, "%s.tmp", path);
    FILE *file = fopen (temporary, "w");
    if (!file)
        return -1;
    fprintf (file, "%s\n", text);
    if (fclose (file) || rename (temporary, path))
        return -1;
    return 0;
}

int
sb_fakehttp_serve (const char *name, const char *listen, int port, const char *port_file,
                   sb_fakehttp_fn *fn, void *state)
{
    //  The connections' threads inherit this mask: only the sigwait below
    //  takes the stop signals
    sigset_t signals;
    sigemptyset (&signals);
    sigaddset (&signals, SIGTERM);
    sigaddset (&signals, SIGINT);
    pthread_sigmask (SIG_BLOCK, &signals, NULL);
    signal (SIGPIPE, SIG_IGN);
    sb_fakehttp_t *self = sb_fakehttp_new_on (listen, port, fn, state);
    if (!self)
        return 1;
    const char *bound = strrchr (self->url, ':') + 1;
    printf ("port %s\n", bound);
    fflush (stdout);
    int rc = 0;
    if (port_file && s_write_file (port_file, bound)) {
        fprintf (stderr, "%s: cannot write %s: %s\n", name, port_file, strerror (errno));
        rc = 1;
    }
    int caught = 0;
    if (rc == 0)
        sigwait (&signals, &caught);
    sb_fakehttp_destroy (&self);
    return rc;
}
