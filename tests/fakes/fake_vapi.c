/*  fake_vapi — a fake of Vapi's assistants API for agent-sync's tests:
    bearer auth with one key, assistants created, listed, read, patched and
    deleted in memory (with their metadata), a count of each call, and
    faults injected through a control endpoint.

        GET    /assistant[?limit=N]    newest first, default limit 100
        POST   /assistant              201 with the assistant and its new id
        GET    /assistant/<id>         the assistant, or 404
        PATCH  /assistant/<id>         top-level fields replaced, or 404
        DELETE /assistant/<id>         the assistant, or 404
        GET    /_fake/counts           {list, create, get, patch, delete,
                                        unauthorized, assistants}
        GET    /_fake/assistants       every assistant, oldest first
        POST   /_fake/fault            {"op": "list|create|get|patch|delete|any",
                                        "status": 500, "retry_after": 2,
                                        "delay_ms": 0, "drop": false,
                                        "times": 1}: the next `times` calls of
                                        op answer status (doing nothing), or
                                        wait delay_ms first, or (drop) do the
                                        call and close the connection unanswered

    Usage: fake_vapi [--port N] [--port-file PATH] [--key KEY] [--delay MS]
    Prints "port N" once listening (port 0, the default: any free port);
    SIGTERM or SIGINT stops it.                                           */

#include "sb_fakehttp.h"
#include <pthread.h>

#define S_DEFAULT_KEY    "vapi-test-key"
#define S_DEFAULT_LIMIT  100
#define S_OPS            6

typedef enum { S_LIST, S_CREATE, S_GET, S_PATCH, S_DELETE, S_UNAUTHORIZED } s_op_t;

static const char *s_op_names [S_OPS] = {
    "list", "create", "get", "patch", "delete", "unauthorized"
};

typedef struct {
    pthread_mutex_t lock;
    const char *key;
    int delay_ms;                //  before every answer
    json_t *assistants;          //  oldest first
    json_t *faults;              //  pending, in the order given
    size_t created;
    size_t counts [S_OPS];
} s_fake_t;

//  --------------------------------------------------------------------------
//  Faults

//  Takes one use of the first fault for op, if any: returns it (caller
//  decrefs) or NULL. Called with the lock held.
static json_t *
s_take_fault (s_fake_t *self, s_op_t op)
{
    size_t index;
    json_t *fault;
    json_array_foreach (self->faults, index, fault) {
        const char *name = json_string_value (json_object_get (fault, "op"));
        if (!name || (!streq (name, "any") && !streq (name, s_op_names [op])))
            continue;
        json_int_t times = json_integer_value (json_object_get (fault, "times"));
        json_incref (fault);
        if (times > 1)
            json_object_set_new (fault, "times", json_integer (times - 1));
        else
            json_array_remove (self->faults, index);
        return fault;
    }
    return NULL;
}

//  Applies a fault's status and delay. Returns true if it answered.
static bool
s_apply_fault (const json_t *fault, sb_fakehttp_answer_t *answer)
{
    answer->delay_ms = (int) json_integer_value (json_object_get (fault, "delay_ms"));
    json_int_t status = json_integer_value (json_object_get (fault, "status"));
    if (status < 100)
        return false;
    answer->status = (unsigned) status;
    answer->body = json_pack ("{s:s, s:I}", "message", "injected fault", "statusCode", status);
    json_t *retry = json_object_get (fault, "retry_after");
    answer->retry_after_s = json_is_integer (retry)? (int) json_integer_value (retry): -1;
    return true;
}

static void
s_add_fault (s_fake_t *self, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    json_t *fault = json_loadb (request->body, request->size, 0, NULL);
    if (!json_is_string (json_object_get (fault, "op"))) {
        json_decref (fault);
        answer->status = 400;
        answer->body = json_pack ("{s:s}", "message", "a fault is {\"op\": ..., ...}");
        return;
    }
    if (!json_object_get (fault, "times"))
        json_object_set_new (fault, "times", json_integer (1));
    json_array_append_new (self->faults, fault);
    answer->status = 200;
}

//  --------------------------------------------------------------------------
//  Assistants (each called with the lock held)

static json_t *
s_find (s_fake_t *self, const char *id, size_t *at)
{
    size_t index;
    json_t *assistant;
    json_array_foreach (self->assistants, index, assistant)
        if (streq (json_string_value (json_object_get (assistant, "id")), id)) {
            *at = index;
            return assistant;
        }
    return NULL;
}

static void
s_list (s_fake_t *self, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    const char *text = sb_fakehttp_query (request, "limit");
    long limit = text? atol (text): S_DEFAULT_LIMIT;
    json_t *list = json_array ();
    for (size_t index = json_array_size (self->assistants);
         index-- > 0 && (long) json_array_size (list) < limit;)
        json_array_append (list, json_array_get (self->assistants, index));
    answer->status = 200;
    answer->body = list;
}

static void
s_create (s_fake_t *self, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    json_t *assistant = json_loadb (request->body, request->size, 0, NULL);
    if (!json_is_object (assistant)) {
        json_decref (assistant);
        answer->status = 400;
        answer->body = json_pack ("{s:[s]}", "message", "the body is not a JSON object");
        return;
    }
    char id [64];
    self->created++;
    snprintf (id, sizeof id, "%08zx-fa6e-4000-8000-%012zx", self->created, self->created);
    json_object_set_new (assistant, "id", json_string (id));
    json_object_set_new (assistant, "orgId", json_string ("fake-org"));
    json_object_set_new (assistant, "createdAt", json_integer ((json_int_t) zclock_time ()));
    json_array_append (self->assistants, assistant);
    answer->status = 201;
    answer->body = assistant;
}

//  GET, PATCH or DELETE of one assistant.
static void
s_one (s_fake_t *self, s_op_t op, const char *id, const sb_fakehttp_request_t *request,
       sb_fakehttp_answer_t *answer)
{
    size_t at = 0;
    json_t *assistant = s_find (self, id, &at);
    json_t *changes = op == S_PATCH? json_loadb (request->body, request->size, 0, NULL): NULL;
    if (!assistant || (op == S_PATCH && !json_is_object (changes))) {
        answer->status = assistant? 400: 404;
        answer->body = json_pack ("{s:s}", "message", assistant? "the body is not a JSON object"
                                                               : "Couldn't Find Assistant");
        json_decref (changes);
        return;
    }
    if (op == S_PATCH) {
        json_object_del (changes, "id");
        json_object_update (assistant, changes);
        json_object_set_new (assistant, "updatedAt", json_integer ((json_int_t) zclock_time ()));
    }
    answer->status = 200;
    answer->body = json_incref (assistant);
    if (op == S_DELETE)
        json_array_remove (self->assistants, at);
    json_decref (changes);
}

//  --------------------------------------------------------------------------
//  Routing

//  Which call this is, or -1; *id points at the id in path for one
//  assistant.
static int
s_operation (const sb_fakehttp_request_t *request, const char **id)
{
    const char *method = request->method, *path = request->path;
    if (streq (path, "/assistant"))
        return streq (method, "GET")? S_LIST: streq (method, "POST")? S_CREATE: -1;
    if (strncmp (path, "/assistant/", 11) || !path [11] || strchr (path + 11, '/'))
        return -1;
    *id = path + 11;
    return streq (method, "GET")? S_GET: streq (method, "PATCH")? S_PATCH
         : streq (method, "DELETE")? S_DELETE: -1;
}

static bool
s_authorized (s_fake_t *self, const sb_fakehttp_request_t *request)
{
    const char *header = sb_fakehttp_header (request, "Authorization");
    return header && !strncmp (header, "Bearer ", 7) && streq (header + 7, self->key);
}

static void
s_control (s_fake_t *self, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    if (streq (request->path, "/_fake/fault") && streq (request->method, "POST"))
        s_add_fault (self, request, answer);
    else
    if (streq (request->path, "/_fake/assistants")) {
        answer->status = 200;
        answer->body = json_deep_copy (self->assistants);
    }
    else
    if (streq (request->path, "/_fake/counts")) {
        answer->status = 200;
        answer->body = json_pack ("{s:I}", "assistants",
                                  (json_int_t) json_array_size (self->assistants));
        for (size_t op = 0; op < S_OPS; op++)
            json_object_set_new (answer->body, s_op_names [op],
                                 json_integer ((json_int_t) self->counts [op]));
    }
    else {
        answer->status = 404;
        answer->body = json_pack ("{s:s}", "message", "no such control");
    }
}

//  A call of the API proper, op, authorized.
static void
s_api (s_fake_t *self, int op, const char *id, const sb_fakehttp_request_t *request,
       sb_fakehttp_answer_t *answer)
{
    self->counts [op]++;
    json_t *fault = s_take_fault (self, (s_op_t) op);
    if (fault && s_apply_fault (fault, answer)) {
        json_decref (fault);
        return;
    }
    if (op == S_LIST)
        s_list (self, request, answer);
    else
    if (op == S_CREATE)
        s_create (self, request, answer);
    else
        s_one (self, (s_op_t) op, id, request, answer);
    answer->drop = json_is_true (json_object_get (fault, "drop"));
    json_decref (fault);
}

static void
s_serve (void *state, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    s_fake_t *self = (s_fake_t *) state;
    const char *id = NULL;
    int op = s_operation (request, &id);
    pthread_mutex_lock (&self->lock);
    answer->delay_ms = self->delay_ms;
    if (!strncmp (request->path, "/_fake/", 7))
        s_control (self, request, answer);
    else
    if (op < 0) {
        answer->status = 404;
        answer->body = json_pack ("{s:s}", "message", "Cannot find that route");
    }
    else
    if (!s_authorized (self, request)) {
        self->counts [S_UNAUTHORIZED]++;
        answer->status = 401;
        answer->body = json_pack ("{s:s, s:s, s:i}", "message", "Invalid Key. Hot tip, you may "
                                  "be using the private key instead of the public key, or "
                                  "vice versa.", "error", "Unauthorized", "statusCode", 401);
    }
    else
        s_api (self, op, id, request, answer);
    pthread_mutex_unlock (&self->lock);
}

//  --------------------------------------------------------------------------

static void
s_usage (void)
{
    printf ("Usage: fake_vapi [--port N] [--port-file PATH] [--key KEY] [--delay MS]\n"
            "A fake of Vapi's assistants API for tests (bearer auth, assistants in memory,\n"
            "call counts at GET /_fake/counts, faults via POST /_fake/fault).\n"
            "  --port N          listen on 127.0.0.1:N (default 0: any free port; prints it)\n"
            "  --port-file PATH  also write the port there\n"
            "  --key KEY         the API key it accepts (default " S_DEFAULT_KEY ")\n"
            "  --delay MS        wait this long before every answer (default 0)\n");
}

int
main (int argc, char *argv [])
{
    s_fake_t fake = { .key = S_DEFAULT_KEY };
    int port = 0;
    const char *port_file = NULL;
    for (int index = 1; index < argc; index += 2) {      //  each option takes a value
        const char *option = argv [index], *value = index + 1 < argc? argv [index + 1]: NULL;
        if (streq (option, "-h") || streq (option, "--help")) {
            s_usage ();
            return 0;
        }
        if      (value && streq (option, "--port"))      port = atoi (value);
        else if (value && streq (option, "--port-file")) port_file = value;
        else if (value && streq (option, "--key"))       fake.key = value;
        else if (value && streq (option, "--delay"))     fake.delay_ms = atoi (value);
        else {
            fprintf (stderr, "fake_vapi: unknown or incomplete option '%s' (see --help)\n",
                     option);
            return 2;
        }
    }
    pthread_mutex_init (&fake.lock, NULL);
    fake.assistants = json_array ();
    fake.faults = json_array ();
    int rc = sb_fakehttp_serve ("fake_vapi", "127.0.0.1", port, port_file, s_serve, &fake);
    json_decref (fake.assistants);
    json_decref (fake.faults);
    pthread_mutex_destroy (&fake.lock);
    return rc;
}
