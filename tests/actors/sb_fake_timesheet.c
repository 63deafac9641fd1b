/*  sb_fake_timesheet.c — a fake timesheet service: one thread per
    connection, state behind one mutex, a condition that releases hanging
    requests at the end.                                                  */

#include "sb_fake_timesheet.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>

#define S_BODY_MAX  65536
#define S_HANG_MS   10000
#define S_PREFIX    "/v1/tenants/acme/employees"

struct _sb_fake_timesheet_t {
    struct MHD_Daemon *daemon;
    char url [64];
    pthread_mutex_t lock;
    pthread_cond_t release;
    bool released;
    json_t *requests;                   //  what the test reads back
    json_t *entries;                    //  Dana's entries
    json_t *done;                       //  Idempotency-Key -> the answer given
};

typedef struct {
    char data [S_BODY_MAX + 1];
    size_t size;
    bool too_long;
} s_upload_t;

static enum MHD_Result
s_reply (struct MHD_Connection *connection, unsigned status, json_t *body)
{
    char *text = json_dumps (body, JSON_COMPACT);
    json_decref (body);
    struct MHD_Response *response = text
        ? MHD_create_response_from_buffer (strlen (text), text, MHD_RESPMEM_MUST_FREE): NULL;
    if (!response) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (response, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

static enum MHD_Result
s_error (struct MHD_Connection *connection, unsigned status, const char *why)
{
    return s_reply (connection, status, json_pack ("{s:s}", "error", why));
}

//  Holds the request until destroy releases it (or S_HANG_MS pass).
static void
s_hang (sb_fake_timesheet_t *self)
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

//  GET .../by-phone/<number>
static enum MHD_Result
s_lookup (sb_fake_timesheet_t *self, struct MHD_Connection *connection, const char *phone)
{
    if (streq (phone, "+15551234567"))
        return s_reply (connection, 200, json_pack ("{s:s, s:s}", "id", "E042", "name", "Dana"));
    if (streq (phone, "+15551230000"))
        return s_reply (connection, 200, json_pack ("{s:s}", "id", "E666"));
    if (streq (phone, "+15550000503"))
        return s_error (connection, 503, "down for maintenance");
    if (streq (phone, "+15550000401"))
        return s_error (connection, 401, "who are you?");
    if (streq (phone, "+15550000999")) {
        s_hang (self);
        return MHD_NO;          //  the connection is closed
    }
    return s_error (connection, 404, "no such number");
}

//  GET .../<id>/entries?from=&to=: Dana's entries in the period, last first
static enum MHD_Result
s_entries (sb_fake_timesheet_t *self, struct MHD_Connection *connection, const char *id)
{
    if (streq (id, "E666"))
        return s_reply (connection, 200, json_pack ("{s:[{s:s}]}", "entries", "date", "bad"));
    const char *from = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "from");
    const char *to = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "to");
    if (!from || !to)
        return s_error (connection, 400, "from and to are required");
    json_t *list = json_array ();
    pthread_mutex_lock (&self->lock);
    for (size_t index = json_array_size (self->entries); index-- > 0;) {
        json_t *entry = json_array_get (self->entries, index);
        const char *date = json_string_value (json_object_get (entry, "date"));
        if (strcmp (date, from) >= 0 && strcmp (date, to) <= 0)
            json_array_append (list, entry);
    }
    pthread_mutex_unlock (&self->lock);
    return s_reply (connection, 200, json_pack ("{s:o}", "entries", list));
}

//  POST .../<id>/entries and .../<id>/weeks/<week>/submit: once per key
static enum MHD_Result
s_write (sb_fake_timesheet_t *self, struct MHD_Connection *connection, const char *key,
         const s_upload_t *upload, const char *week)
{
    json_t *body = json_loadb (upload->data, upload->size, 0, NULL);
    const char *date = json_string_value (json_object_get (body, "date"));
    if (!key || !json_is_object (body) || (!week && !date)) {
        json_decref (body);
        return s_error (connection, 400, "an Idempotency-Key and a JSON body are required");
    }
    pthread_mutex_lock (&self->lock);
    json_t *answer = json_incref (json_object_get (self->done, key));
    if (answer)
        json_object_set_new (answer, "duplicate", json_true ());
    else
    if (date && strcmp (date, "2026-02-23") >= 0 && strcmp (date, "2026-03-01") <= 0) {
        pthread_mutex_unlock (&self->lock);
        json_decref (body);
        return s_error (connection, 409, "week 2026-W09 is already submitted");
    }
    else {
        answer = week? json_pack ("{s:s, s:b}", "week", week, "duplicate", 0)
                     : json_pack ("{s:O, s:b}", "entry", body, "duplicate", 0);
        if (!week)
            json_array_append (self->entries, body);
        json_object_set (self->done, key, answer);
    }
    pthread_mutex_unlock (&self->lock);
    json_decref (body);
    json_t *copy = json_deep_copy (answer);
    json_decref (answer);
    return s_reply (connection, json_is_true (json_object_get (copy, "duplicate"))? 200: 201, copy);
}

//  Keeps what the test may check about a request.
static void
s_record (sb_fake_timesheet_t *self, struct MHD_Connection *connection, const char *method,
          const char *url, const s_upload_t *upload)
{
    const char *authorization = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                             "Authorization");
    const char *key = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                   "Idempotency-Key");
    json_t *request = json_pack ("{s:s, s:s}", "method", method, "path", url);
    if (authorization)
        json_object_set_new (request, "authorization", json_string (authorization));
    if (key)
        json_object_set_new (request, "idempotency_key", json_string (key));
    if (upload->size)
        json_object_set_new (request, "body", json_stringn (upload->data, upload->size));
    pthread_mutex_lock (&self->lock);
    json_array_append_new (self->requests, request);
    pthread_mutex_unlock (&self->lock);
}

//  Routes a whole request.
static enum MHD_Result
s_route (sb_fake_timesheet_t *self, struct MHD_Connection *connection, const char *method,
         const char *url, const s_upload_t *upload)
{
    const char *authorization = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                             "Authorization");
    const char *key = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                   "Idempotency-Key");
    if (!authorization || !streq (authorization, "Bearer test-token"))
        return s_error (connection, 401, "a bearer token is required");
    if (upload->too_long)
        return s_error (connection, 413, "too long");
    if (strncmp (url, S_PREFIX, strlen (S_PREFIX)))
        return s_error (connection, 404, "no such tenant");
    const char *rest = url + strlen (S_PREFIX);
    char id [64] = "", week [16] = "";
    int end = 0;
    if (streq (method, "GET") && streq (rest, ""))
        return s_reply (connection, 200, json_pack ("{s:[{s:s, s:s, s:s}]}", "employees",
                                                    "id", "E042", "name", "Dana", "phone",
                                                    "+15551234567"));
    if (streq (method, "GET") && strncmp (rest, "/by-phone/", 10) == 0)
        return s_lookup (self, connection, rest + 10);
    if (sscanf (rest, "/%63[^/]/entries%n", id, &end) == 1 && rest [end] == 0)
        return streq (method, "GET")? s_entries (self, connection, id)
                                    : s_write (self, connection, key, upload, NULL);
    if (streq (method, "POST") && sscanf (rest, "/%63[^/]/weeks/%15[^/]/submit%n", id, week,
                                          &end) == 2 && rest [end] == 0)
        return s_write (self, connection, key, upload, week);
    return s_error (connection, 404, "no such resource");
}

static enum MHD_Result
s_handle (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload_data, size_t *upload_data_size,
          void **state)
{
    (void) version;
    sb_fake_timesheet_t *self = (sb_fake_timesheet_t *) cls;
    s_upload_t *upload = (s_upload_t *) *state;
    if (!upload) {
        *state = calloc (1, sizeof (s_upload_t));
        return *state? MHD_YES: MHD_NO;
    }
    if (*upload_data_size) {
        if (upload->size + *upload_data_size <= S_BODY_MAX) {
            memcpy (upload->data + upload->size, upload_data, *upload_data_size);
            upload->size += *upload_data_size;
        }
        else
            upload->too_long = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    s_record (self, connection, method, url, upload);
    return s_route (self, connection, method, url, upload);
}

static void
s_completed (void *cls, struct MHD_Connection *connection, void **state,
             enum MHD_RequestTerminationCode code)
{
    (void) cls;
    (void) connection;
    (void) code;
    free (*state);
    *state = NULL;
}

sb_fake_timesheet_t *
sb_fake_timesheet_new (void)
{
    sb_fake_timesheet_t *self = (sb_fake_timesheet_t *) calloc (1, sizeof *self);
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->release, NULL);
    self->requests = json_array ();
    self->done = json_object ();
    self->entries = json_pack ("[{s:s, s:s, s:i}, {s:s, s:s, s:f, s:s}, {s:s, s:s, s:i}]",
                               "date", "2026-03-02", "project", "Acme", "hours", 8,
                               "date", "2026-03-03", "project", "Acme", "hours", 6.5,
                               "note", "workshop",
                               "date", "2026-03-03", "project", "Internal", "hours", 1);
    struct sockaddr_in address;
    memset (&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, s_handle, self, MHD_OPTION_SOCK_ADDR, &address,
        MHD_OPTION_NOTIFY_COMPLETED, s_completed, self, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = self->daemon
        ? MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT): NULL;
    if (!info || !info->port) {
        fprintf (stderr, "sb_fake_timesheet: cannot listen on 127.0.0.1\n");
        sb_fake_timesheet_destroy (&self);
        return NULL;
    }
    snprintf (self->url, sizeof self->url, "http://127.0.0.1:%u", (unsigned) info->port);
    return self;
}

void
sb_fake_timesheet_destroy (sb_fake_timesheet_t **self_p)
{
    sb_fake_timesheet_t *self = *self_p;
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
    json_decref (self->requests);
    json_decref (self->entries);
    json_decref (self->done);
    free (self);
    *self_p = NULL;
}

const char *
sb_fake_timesheet_url (sb_fake_timesheet_t *self)
{
    return self->url;
}

json_t *
sb_fake_timesheet_requests (sb_fake_timesheet_t *self)
{
    pthread_mutex_lock (&self->lock);
    json_t *copy = json_deep_copy (self->requests);
    pthread_mutex_unlock (&self->lock);
    return copy;
}

size_t
sb_fake_timesheet_entry_count (sb_fake_timesheet_t *self)
{
    pthread_mutex_lock (&self->lock);
    size_t count = json_array_size (self->entries);
    pthread_mutex_unlock (&self->lock);
    return count;
}
