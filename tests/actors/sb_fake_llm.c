/*  sb_fake_llm.c — a fake chat-completions server for tests: one thread per
    connection (so a hanging answer holds only its own), state behind one
    mutex, a condition that releases hanging requests at the end.        */

#include "sb_fake_llm.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>

#define S_BODY_MAX  (1024 * 1024)
#define S_HANG_MS   10000

struct _sb_fake_llm_t {
    struct MHD_Daemon *daemon;
    char url [64];
    pthread_mutex_t lock;
    pthread_cond_t release;
    bool released;                   //  destroy: hanging requests end
    sb_fake_llm_mode_t mode;
    char *name, *arguments;
    size_t requests;
    char *last_body, *last_authorization;
};

typedef struct {
    char *data;
    size_t size;
    bool too_long;
} s_upload_t;

static enum MHD_Result
s_reply (struct MHD_Connection *connection, unsigned status, const char *body)
{
    struct MHD_Response *response = MHD_create_response_from_buffer (
        strlen (body), (void *) body, MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;
    MHD_add_response_header (response, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

//  The answer with one tool call, as the API gives it: arguments is a
//  JSON text inside a string. A new string.
static char *
s_tool_call_answer (const char *name, const char *arguments)
{
    json_t *answer = json_pack (
        "{s:s, s:s, s:i, s:s, s:[{s:i, s:{s:s, s:n, s:[{s:s, s:s, s:{s:s, s:s}}]}, s:s}]}",
        "id", "chatcmpl-fake", "object", "chat.completion", "created", 1772697600,
        "model", "fake", "choices", "index", 0, "message", "role", "assistant", "content",
        "tool_calls", "id", "call_1", "type", "function", "function", "name", name,
        "arguments", arguments, "finish_reason", "tool_calls");
    char *text = json_dumps (answer, JSON_COMPACT);
    json_decref (answer);
    return text;
}

//  Holds the request until destroy releases it (or S_HANG_MS pass).
static void
s_hang (sb_fake_llm_t *self)
{
    struct timespec until;
    clock_gettime (CLOCK_REALTIME, &until);
    until.tv_sec += S_HANG_MS / 1000;
    pthread_mutex_lock (&self->lock);
    while (!self->released)
        if (pthread_cond_timedwait (&self->release, &self->lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock (&self->lock);
}

//  Records the request; copies how to answer it into the arguments.
static void
s_record (sb_fake_llm_t *self, struct MHD_Connection *connection, const s_upload_t *upload,
          sb_fake_llm_mode_t *mode, char **name, char **arguments)
{
    const char *authorization = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                             "Authorization");
    pthread_mutex_lock (&self->lock);
    self->requests++;
    free (self->last_body);
    self->last_body = strndup (upload->data? upload->data: "", upload->size);
    free (self->last_authorization);
    self->last_authorization = authorization? strdup (authorization): NULL;
    *mode = self->mode;
    *name = strdup (self->name? self->name: "");
    *arguments = strdup (self->arguments? self->arguments: "{}");
    pthread_mutex_unlock (&self->lock);
}

static enum MHD_Result
s_answer (sb_fake_llm_t *self, struct MHD_Connection *connection, const s_upload_t *upload)
{
    sb_fake_llm_mode_t mode;
    char *name, *arguments;
    s_record (self, connection, upload, &mode, &name, &arguments);
    enum MHD_Result rc = MHD_NO;
    if (mode == SB_FAKE_LLM_TOOL_CALL) {
        char *answer = s_tool_call_answer (name, arguments);
        rc = answer? s_reply (connection, MHD_HTTP_OK, answer): MHD_NO;
        free (answer);
    }
    else
    if (mode == SB_FAKE_LLM_NO_TOOL)
        rc = s_reply (connection, MHD_HTTP_OK,
                      "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\",\"choices\":"
                      "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                      "\"Hello! How can I help?\"},\"finish_reason\":\"stop\"}]}");
    else
    if (mode == SB_FAKE_LLM_ERROR)
        rc = s_reply (connection, MHD_HTTP_INTERNAL_SERVER_ERROR,
                      "{\"error\":{\"message\":\"The server had an error\",\"type\":"
                      "\"server_error\"}}");
    else
    if (mode == SB_FAKE_LLM_GARBAGE)
        rc = s_reply (connection, MHD_HTTP_OK, "this is not json {{{");
    else
        s_hang (self);           //  then MHD_NO: the connection is closed
    free (name);
    free (arguments);
    return rc;
}

static enum MHD_Result
s_handle (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_data_size,
          void **state)
{
    (void) version;
    sb_fake_llm_t *self = (sb_fake_llm_t *) cls;
    s_upload_t *upload = (s_upload_t *) *state;
    if (!upload) {
        *state = calloc (1, sizeof (s_upload_t));
        return *state? MHD_YES: MHD_NO;
    }
    if (*upload_data_size) {
        size_t size = *upload_data_size;
        char *bigger = upload->size + size <= S_BODY_MAX
                     ? (char *) realloc (upload->data, upload->size + size): NULL;
        if (bigger) {
            memcpy (bigger + upload->size, upload_data, size);
            upload->data = bigger;
            upload->size += size;
        }
        else
            upload->too_long = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp (method, "POST") || strcmp (url, "/v1/chat/completions"))
        return s_reply (connection, MHD_HTTP_NOT_FOUND, "{\"error\":{\"message\":\"not found\"}}");
    if (upload->too_long)
        return s_reply (connection, MHD_HTTP_CONTENT_TOO_LARGE, "{\"error\":{}}");
    return s_answer (self, connection, upload);
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

sb_fake_llm_t *
sb_fake_llm_new (void)
{
    sb_fake_llm_t *self = (sb_fake_llm_t *) calloc (1, sizeof *self);
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->release, NULL);
    struct sockaddr_in address;
    memset (&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
        NULL, NULL, s_handle, self, MHD_OPTION_SOCK_ADDR, &address,
        MHD_OPTION_NOTIFY_COMPLETED, s_completed, self, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = self->daemon
        ? MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT): NULL;
    if (!info || !info->port) {
        fprintf (stderr, "sb_fake_llm: cannot listen on 127.0.0.1\n");
        sb_fake_llm_destroy (&self);
        return NULL;
    }
    snprintf (self->url, sizeof self->url, "http://127.0.0.1:%u", (unsigned) info->port);
    return self;
}

void
sb_fake_llm_destroy (sb_fake_llm_t **self_p)
{
    sb_fake_llm_t *self = *self_p;
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
    free (self->name);
    free (self->arguments);
    free (self->last_body);
    free (self->last_authorization);
    free (self);
    *self_p = NULL;
}

const char *
sb_fake_llm_url (sb_fake_llm_t *self)
{
    return self->url;
}

void
sb_fake_llm_answer (sb_fake_llm_t *self, sb_fake_llm_mode_t mode, const char *name,
                    const char *arguments)
{
    pthread_mutex_lock (&self->lock);
    self->mode = mode;
    free (self->name);
    free (self->arguments);
    self->name = name? strdup (name): NULL;
    self->arguments = arguments? strdup (arguments): NULL;
    pthread_mutex_unlock (&self->lock);
}

size_t
sb_fake_llm_requests (sb_fake_llm_t *self)
{
    pthread_mutex_lock (&self->lock);
    size_t requests = self->requests;
    pthread_mutex_unlock (&self->lock);
    return requests;
}

json_t *
sb_fake_llm_last_body (sb_fake_llm_t *self)
{
    pthread_mutex_lock (&self->lock);
    json_t *body = self->last_body? json_loads (self->last_body, 0, NULL): NULL;
    pthread_mutex_unlock (&self->lock);
    return body;
}

char *
sb_fake_llm_last_authorization (sb_fake_llm_t *self)
{
    pthread_mutex_lock (&self->lock);
    char *authorization = self->last_authorization? strdup (self->last_authorization): NULL;
    pthread_mutex_unlock (&self->lock);
    return authorization;
}
