/*  sb_fake_timesheet.c — a fake timesheet service on the fakes'
    sb_fakehttp: the requests seen, Dana's entries and the answers given
    per Idempotency-Key behind one mutex.                                 */

#include "sb_fake_timesheet.h"
#include "sb_fakehttp.h"
#include <pthread.h>

#define S_PREFIX    "/v1/tenants/acme/employees"

struct _sb_fake_timesheet_t {
    sb_fakehttp_t *http;
    pthread_mutex_t lock;
    json_t *requests;                   //  what the test reads back
    json_t *entries;                    //  Dana's entries
    json_t *done;                       //  Idempotency-Key -> the answer given
};

//  Sets the answer: status with body (ownership taken).
static void
s_reply (sb_fakehttp_answer_t *answer, unsigned status, json_t *body)
{
    answer->status = status;
    answer->body = body;
}

static void
s_error (sb_fakehttp_answer_t *answer, unsigned status, const char *why)
{
    s_reply (answer, status, json_pack ("{s:s}", "error", why));
}

//  GET .../by-phone/<number>
static void
s_lookup (const char *phone, sb_fakehttp_answer_t *answer)
{
    if (streq (phone, "+15551234567"))
        s_reply (answer, 200, json_pack ("{s:s, s:s}", "id", "E042", "name", "Dana"));
    else
    if (streq (phone, "+15551230000"))
        s_reply (answer, 200, json_pack ("{s:s}", "id", "E666"));
    else
    if (streq (phone, "+15550000503"))
        s_error (answer, 503, "down for maintenance");
    else
    if (streq (phone, "+15550000401"))
        s_error (answer, 401, "who are you?");
    else
    if (streq (phone, "+15550000999")) {
        answer->delay_ms = SB_FAKEHTTP_HANG_MS;      //  until destroyed, then closed
        answer->drop = true;
    }
    else
        s_error (answer, 404, "no such number");
}

//  GET .../<id>/entries?from=&to=: Dana's entries in the period, last first
static void
s_entries (sb_fake_timesheet_t *self, const sb_fakehttp_request_t *request, const char *id,
           sb_fakehttp_answer_t *answer)
{
    const char *from = sb_fakehttp_query (request, "from");
    const char *to = sb_fakehttp_query (request, "to");
    if (streq (id, "E666")) {
        s_reply (answer, 200, json_pack ("{s:[{s:s}]}", "entries", "date", "bad"));
        return;
    }
    if (!from || !to) {
        s_error (answer, 400, "from and to are required");
        return;
    }
    json_t *list = json_array ();
    pthread_mutex_lock (&self->lock);
    for (size_t index = json_array_size (self->entries); index-- > 0;) {
        json_t *entry = json_array_get (self->entries, index);
        const char *date = json_string_value (json_object_get (entry, "date"));
        if (strcmp (date, from) >= 0 && strcmp (date, to) <= 0)
            json_array_append (list, entry);
    }
    pthread_mutex_unlock (&self->lock);
    s_reply (answer, 200, json_pack ("{s:o}", "entries", list));
}

//  POST .../<id>/entries (week NULL) and .../<id>/weeks/<week>/submit:
//  recorded once per Idempotency-Key, the same answer again after.
static void
s_write (sb_fake_timesheet_t *self, const sb_fakehttp_request_t *request, const char *week,
         sb_fakehttp_answer_t *answer)
{
    const char *key = sb_fakehttp_header (request, "Idempotency-Key");
    json_t *body = json_loadb (request->body, request->size, 0, NULL);
    const char *date = json_string_value (json_object_get (body, "date"));
    if (!key || !json_is_object (body) || (!week && !date)) {
        json_decref (body);
        s_error (answer, 400, "an Idempotency-Key and a JSON body are required");
        return;
    }
    pthread_mutex_lock (&self->lock);
    json_t *given = json_object_get (self->done, key);
    if (given) {
        s_reply (answer, 200, json_deep_copy (given));
        json_object_set_new (answer->body, "duplicate", json_true ());
    }
    else
    if (date && strcmp (date, "2026-02-23") >= 0 && strcmp (date, "2026-03-01") <= 0)
        s_error (answer, 409, "week 2026-W09 is already submitted");
    else {
        given = week? json_pack ("{s:s, s:b}", "week", week, "duplicate", 0)
                    : json_pack ("{s:O, s:b}", "entry", body, "duplicate", 0);
        if (!week)
            json_array_append (self->entries, body);
        json_object_set_new (self->done, key, given);
        s_reply (answer, 201, json_deep_copy (given));
    }
    pthread_mutex_unlock (&self->lock);
    json_decref (body);
}

//  Keeps what the test may check about a request.
static void
s_record (sb_fake_timesheet_t *self, const sb_fakehttp_request_t *request)
{
    const char *authorization = sb_fakehttp_header (request, "Authorization");
    const char *key = sb_fakehttp_header (request, "Idempotency-Key");
    json_t *record = json_pack ("{s:s, s:s}", "method", request->method, "path", request->path);
    if (authorization)
        json_object_set_new (record, "authorization", json_string (authorization));
    if (key)
        json_object_set_new (record, "idempotency_key", json_string (key));
    if (request->size)
        json_object_set_new (record, "body", json_stringn (request->body, request->size));
    pthread_mutex_lock (&self->lock);
    json_array_append_new (self->requests, record);
    pthread_mutex_unlock (&self->lock);
}

//  Routes a request below S_PREFIX (rest: what follows it).
static void
s_employees (sb_fake_timesheet_t *self, const sb_fakehttp_request_t *request, const char *rest,
             sb_fakehttp_answer_t *answer)
{
    bool get = streq (request->method, "GET");
    char id [64] = "", week [16] = "";
    int end = 0;
    if (get && streq (rest, ""))
        s_reply (answer, 200, json_pack ("{s:[{s:s, s:s, s:s}]}", "employees", "id", "E042",
                                         "name", "Dana", "phone", "+15551234567"));
    else
    if (get && strncmp (rest, "/by-phone/", 10) == 0)
        s_lookup (rest + 10, answer);
    else
    if (sscanf (rest, "/%63[^/]/entries%n", id, &end) == 1 && rest [end] == 0) {
        if (get)
            s_entries (self, request, id, answer);
        else
            s_write (self, request, NULL, answer);
    }
    else
    if (streq (request->method, "POST")
    &&  sscanf (rest, "/%63[^/]/weeks/%15[^/]/submit%n", id, week, &end) == 2 && rest [end] == 0)
        s_write (self, request, week, answer);
    else
        s_error (answer, 404, "no such resource");
}

//  Every request (sb_fakehttp's callback, on the connection's thread).
static void
s_on_request (void *state, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    sb_fake_timesheet_t *self = (sb_fake_timesheet_t *) state;
    s_record (self, request);
    const char *authorization = sb_fakehttp_header (request, "Authorization");
    if (!authorization || !streq (authorization, "Bearer test-token"))
        s_error (answer, 401, "a bearer token is required");
    else
    if (request->too_long)
        s_error (answer, 413, "too long");
    else
    if (strncmp (request->path, S_PREFIX, strlen (S_PREFIX)))
        s_error (answer, 404, "no such tenant");
    else
        s_employees (self, request, request->path + strlen (S_PREFIX), answer);
}

sb_fake_timesheet_t *
sb_fake_timesheet_new (void)
{
    sb_fake_timesheet_t *self = (sb_fake_timesheet_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init (&self->lock, NULL);
    self->requests = json_array ();
    self->done = json_object ();
    self->entries = json_pack ("[{s:s, s:s, s:i}, {s:s, s:s, s:f, s:s}, {s:s, s:s, s:i}]",
                               "date", "2026-03-02", "project", "Acme", "hours", 8,
                               "date", "2026-03-03", "project", "Acme", "hours", 6.5,
                               "note", "workshop",
                               "date", "2026-03-03", "project", "Internal", "hours", 1);
    self->http = sb_fakehttp_new (0, s_on_request, self);
    if (!self->http)
        sb_fake_timesheet_destroy (&self);
    return self;
}

void
sb_fake_timesheet_destroy (sb_fake_timesheet_t **self_p)
{
    sb_fake_timesheet_t *self = *self_p;
    if (!self)
        return;
    sb_fakehttp_destroy (&self->http);
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
    return sb_fakehttp_url (self->http);
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
