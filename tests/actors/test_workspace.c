/*  test_workspace.c — integration tests of ingress's workspace save
    (POST /api/workspace/save), its /metrics and its tenants by number: a
    private redis-server, the broker, ingress and a stub agent-sync actor
    (tests/actors/stub_agent_sync.c) as real processes, this test the
    browser (and Twilio) over libcurl.

    The stub answers by the saved twilioPhoneNumber: +15550000001 a
    failure report, +15550000002 nothing (it FAILs the message), anything
    else success with agent ids asst_in_<tenant>/asst_out_<tenant>.
    Ingress runs with --workspace-timeout 1000, so the silent case is a
    504 after a second.

    Each test starts its own world and synchronises by polling with a
    deadline (ingress's /health, the broker's STATS until agent-sync and
    ingress's reply queue have said HELLO); it never sleeps a fixed time.

    Usage: test_workspace BROKER INGRESS STUB_AGENT_SYNC [TEST]
    Exits 77 (skipped) without redis-server.                               */

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_form.h"
#include "sb_testproc.h"
#include "sb_testutil.h"
#include "sb_testredis.h"
#include "sb_twilio.h"
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS        10000   //  longest wait for anything to happen
#define S_STOP_MS        10000   //  for a process to exit after SIGTERM
#define S_HTTP_MS        10000   //  for one HTTP exchange
#define S_START_ATTEMPTS 3       //  free ports tried per process
#define S_EXIT_SKIP      77
#define S_DIR_MAX        256
#define S_PATH_MAX       (S_DIR_MAX + 64)
#define S_BODY_MAX       4096
#define S_ANSWER_MAX     4096

#define S_DEADLINE_MS    1000    //  ingress's --workspace-timeout
#define S_DEADLINE       "1000"
#define S_SLACK_MS       4000    //  504 must come before deadline + this
#define S_INSTANCE       "ws"    //  ingress's reply queue: reply.ingress.ws
#define S_REPLY_SERVICE  "reply.ingress." S_INSTANCE
#define S_GLOBAL_TOKEN   "global-workspace-token-0123456789"
#define S_GLOBEX_TOKEN   "globex-own-token-abcdef0123456789"
#define S_TWILIO_TOKEN   "test-auth-token-0123456789abcdef"
#define S_ACCOUNT        "AC0123456789abcdef0123456789abcdef"
#define S_ACME_NUMBER    "+15557654321"
#define S_OTHER_NUMBER   "+15559990000"
#define S_DEFAULT_TENANT "demo-default"
#define S_NUMBER_FAILS   "+15550000001"
#define S_NUMBER_SILENT  "+15550000002"

typedef struct {
    const char *broker;
    const char *ingress;
    const char *agent;
} s_programs_t;

//  One test's world.
typedef struct {
    const s_programs_t *programs;
    char dir [S_DIR_MAX];
    char endpoint [64];
    sb_testredis_t *redis;
    sb_testproc_t *broker;
    sb_testproc_t *agent;
    sb_testproc_t *ingress;
    int port;
} s_fixture_t;

//  What ingress answered.
typedef struct {
    long status;                 //  0: no answer
    char type [128];
    char body [S_ANSWER_MAX];
    size_t size;
    int64_t elapsed_ms;
} s_answer_t;

//  --------------------------------------------------------------------------
//  HTTP

static size_t
s_on_data (char *data, size_t size, size_t count, void *user)
{
    s_answer_t *answer = (s_answer_t *) user;
    size_t bytes = size * count;
    size_t room = sizeof answer->body - 1 - answer->size;
    memcpy (answer->body + answer->size, data, bytes < room? bytes: room);
    answer->size += bytes < room? bytes: room;
    answer->body [answer->size] = 0;
    return bytes;
}

//  A request to ingress: path, headers (NULL-terminated, may be NULL), and
//  body (NULL: GET). The caller frees it with s_request_done.
static CURL *
s_request (s_fixture_t *self, const char *path, const char *const *headers, const char *body,
           int timeout_ms, s_answer_t *answer, struct curl_slist **list)
{
    memset (answer, 0, sizeof *answer);
    char url [S_PATH_MAX];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", self->port, path);
    CURL *curl = curl_easy_init ();
    assert_non_null (curl);
    *list = curl_slist_append (NULL, "Expect:");
    for (size_t index = 0; headers && headers [index]; index++)
        *list = curl_slist_append (*list, headers [index]);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, *list);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_data);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
    if (body)
        curl_easy_setopt (curl, CURLOPT_COPYPOSTFIELDS, body);
    return curl;
}

//  Fills in the answer's status and type from a finished request and
//  frees it.
static void
s_request_done (CURL *curl, struct curl_slist *list, CURLcode rc, s_answer_t *answer)
{
    char *type = NULL;
    if (rc == CURLE_OK) {
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
        curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &type);
        snprintf (answer->type, sizeof answer->type, "%s", type? type: "");
    }
    curl_slist_free_all (list);
    curl_easy_cleanup (curl);
}

//  Sends one request and waits for its answer (status 0 if none came
//  within timeout_ms).
static void
s_http (s_fixture_t *self, const char *path, const char *const *headers, const char *body,
        int timeout_ms, s_answer_t *answer)
{
    struct curl_slist *list;
    CURL *curl = s_request (self, path, headers, body, timeout_ms, answer, &list);
    int64_t started = zclock_mono ();
    CURLcode rc = curl_easy_perform (curl);
    answer->elapsed_ms = zclock_mono () - started;
    s_request_done (curl, list, rc, answer);
}

static void
s_assert_answer (const s_answer_t *answer, long status, const char *text)
{
    if (answer->status != status || (text && !strstr (answer->body, text)))
        fail_msg ("expected %ld%s%s, got %ld: %s", status, text? " with ": "", text? text: "",
                  answer->status, answer->body);
}

//  POSTs json to /api/workspace/save with token (NULL: no Authorization)
//  as type (NULL: application/json).
static void
s_save (s_fixture_t *self, const char *token, const char *type, const char *json,
        s_answer_t *answer)
{
    char auth [128], content [128];
    snprintf (auth, sizeof auth, "Authorization: Bearer %s", token? token: "");
    snprintf (content, sizeof content, "Content-Type: %s", type? type: "application/json");
    const char *headers [] = { content, token? auth: NULL, NULL };
    s_http (self, "/api/workspace/save", headers, json, S_HTTP_MS, answer);
}

//  A save's JSON: tenant NULL leaves tenantId out, number the
//  twilioPhoneNumber (which the stub answers by).
static void
s_save_json (char *json, size_t size, const char *tenant, const char *number)
{
    char tenant_field [128] = "";
    if (tenant)
        snprintf (tenant_field, sizeof tenant_field, "\"tenantId\":\"%s\",", tenant);
    snprintf (json, size, "{%s\"vapiApiKey\":\"vapi-test-key\",\"twilioAccountSid\":\"%s\","
              "\"twilioAuthToken\":\"0123456789abcdef0123456789abcdef\","
              "\"twilioPhoneNumber\":\"%s\"}", tenant_field, S_ACCOUNT, number);
}

//  The answer's body as JSON (caller decrefs); fails unless it is an
//  object sent as application/json.
static json_t *
s_report (const s_answer_t *answer)
{
    if (strncmp (answer->type, "application/json", 16))
        fail_msg ("Content-Type is '%s', not application/json", answer->type);
    json_error_t error;
    json_t *json = json_loads (answer->body, 0, &error);
    if (!json_is_object (json))
        fail_msg ("the answer is not a JSON object: %s", answer->body);
    return json;
}

static void
s_assert_string (const json_t *json, const char *name, const char *expected)
{
    const char *value = json_string_value (json_object_get (json, name));
    if (!value || !streq (value, expected))
        fail_msg ("%s is '%s', not '%s'", name, value? value: "(none)", expected);
}

//  Asserts a successful save's report for tenant.
static void
s_assert_success (const s_answer_t *answer, const char *tenant)
{
    s_assert_answer (answer, 200, NULL);
    json_t *report = s_report (answer);
    assert_true (json_is_true (json_object_get (report, "success")));
    const json_t *steps = json_object_get (report, "steps");
    const char *names [] = { "credentialsStored", "vapiValidated", "twilioValidated",
                             "agentsSynced" };
    for (size_t index = 0; index < 4; index++)
        if (!json_is_true (json_object_get (steps, names [index])))
            fail_msg ("steps.%s is not true: %s", names [index], answer->body);
    char inbound [128], outbound [128];
    snprintf (inbound, sizeof inbound, "asst_in_%s", tenant);
    snprintf (outbound, sizeof outbound, "asst_out_%s", tenant);
    s_assert_string (json_object_get (report, "agentIds"), "inbound", inbound);
    s_assert_string (json_object_get (report, "agentIds"), "outbound", outbound);
    json_decref (report);
}

//  --------------------------------------------------------------------------
//  As Twilio: a signed SMS

//  Appends text form-encoded (space as '+').
static void
s_encode (char *out, size_t size, const char *text)
{
    size_t length = strlen (out);
    for (const uint8_t *at = (const uint8_t *) text; *at; at++) {
        assert_true (length + 4 < size);
        if (isalnum (*at) || strchr ("-._~", *at))
            out [length++] = (char) *at;
        else
            length += (size_t) sprintf (out + length, *at == ' '? "+": "%%%02X", *at);
    }
    out [length] = 0;
}

//  POSTs an inbound SMS with MessageSid sid to To number, signed with
//  token (by sb_twilio_signature over the URL called).
static void
s_sms (s_fixture_t *self, const char *sid, const char *number, const char *token,
       s_answer_t *answer)
{
    const char *names [] = { "MessageSid", "AccountSid", "From", "To", "Body", "NumMedia" };
    const char *values [] = { sid, S_ACCOUNT, "+15551234567", number, "hours please", "0" };
    char body [S_BODY_MAX] = "";
    for (size_t index = 0; index < 6; index++) {
        strcat (body, index? "&": "");
        s_encode (body, sizeof body, names [index]);
        strcat (body, "=");
        s_encode (body, sizeof body, values [index]);
    }
    char url [S_PATH_MAX], err [256], signature [SB_TWILIO_SIGNATURE_SIZE];
    snprintf (url, sizeof url, "http://127.0.0.1:%d/webhook/sms", self->port);
    sb_form_t *form = sb_form_parse (body, strlen (body), 16, err, sizeof err);
    if (!form)
        fail_msg ("the test's own form does not parse: %s", err);
    assert_int_equal (sb_twilio_signature (token, url, form, signature), 0);
    sb_form_destroy (&form);
    char header [128];
    snprintf (header, sizeof header, "X-Twilio-Signature: %s", signature);
    const char *headers [] = { "Content-Type: application/x-www-form-urlencoded", header, NULL };
    s_http (self, "/webhook/sms", headers, body, S_HTTP_MS, answer);
}

//  --------------------------------------------------------------------------
//  Redis

//  The envelopes of a stream's entries (each [id, [field, value, ...]] with
//  the envelope in field "e"), decoded into a new list (caller destroys
//  it and them).
static zlistx_t *
s_stream (s_fixture_t *self, const char *stream)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_non_null (redis);
    redisReply *reply = (redisReply *) redisCommand (redis, "XRANGE %s - +", stream);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    zlistx_t *envelopes = zlistx_new ();
    for (size_t index = 0; index < reply->elements; index++) {
        const redisReply *fields = reply->element [index]->element [1];
        for (size_t field = 0; field + 1 < fields->elements; field += 2)
            if (streq (fields->element [field]->str, "e")) {
                char err [256];
                const redisReply *value = fields->element [field + 1];
                sb_envelope_t *env = sb_envelope_decode ((const uint8_t *) value->str,
                                                         value->len, NULL, err, sizeof err);
                if (!env)
                    fail_msg ("%s holds an undecodable envelope: %s", stream, err);
                zlistx_add_end (envelopes, env);
            }
    }
    freeReplyObject (reply);
    redisFree (redis);
    return envelopes;
}

static void
s_envelopes_destroy (zlistx_t **envelopes_p)
{
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (*envelopes_p); env;
         env = (sb_envelope_t *) zlistx_next (*envelopes_p))
        sb_envelope_destroy (&env);
    zlistx_destroy (envelopes_p);
}

//  --------------------------------------------------------------------------
//  The world

//  The broker's STATS (caller decrefs), or NULL if it did not answer.
static json_t *
s_stats (s_fixture_t *self, int timeout_ms)
{
    char err [256];
    sb_client_t *client = sb_client_new (self->endpoint, err, sizeof err);
    json_t *stats = client? sb_client_request (client, SB_PROTO_STATS, NULL, timeout_ms,
                                               err, sizeof err): NULL;
    sb_client_destroy (&client);
    return stats;
}

//  True once service has a worker connected to the broker.
static bool
s_service_up (s_fixture_t *self, const char *service)
{
    json_t *stats = s_stats (self, 200);
    json_int_t workers = json_integer_value (json_object_get (
        json_object_get (json_object_get (stats, "services"), service), "workers"));
    json_decref (stats);
    return workers > 0;
}

static void
s_wait_service (s_fixture_t *self, const char *service)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (!s_service_up (self, service))
        if (zclock_mono () > deadline)
            fail_msg ("%s did not say HELLO to the broker", service);
        else
            zclock_sleep (10);
}

static void
s_broker_start (s_fixture_t *self)
{
    for (int attempt = 0; attempt < S_START_ATTEMPTS && !self->broker; attempt++) {
        snprintf (self->endpoint, sizeof self->endpoint, "tcp://127.0.0.1:%d",
                  sb_testutil_free_port ());
        char *argv [] = { (char *) self->programs->broker, "--endpoint", self->endpoint,
                          "--redis", (char *) sb_testredis_url (self->redis), NULL };
        self->broker = sb_testproc_new (argv);
        assert_non_null (self->broker);
        int64_t deadline = zclock_mono () + S_WAIT_MS;
        json_t *stats = NULL;
        while (!stats && zclock_mono () < deadline
               && sb_testproc_wait (self->broker, 0, NULL) != 0)
            stats = s_stats (self, 200);
        if (!stats)
            sb_testproc_destroy (&self->broker);
        json_decref (stats);
    }
    if (!self->broker)
        fail_msg ("the broker did not start");
}

//  Writes ingress's config: the numbers, and the tenants' tokens if with
//  tokens. Returns its path in path.
static void
s_write_config (s_fixture_t *self, bool with_tokens, char *path, size_t size)
{
    snprintf (path, size, "%s/ingress.zpl", self->dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fprintf (file, "ingress\n    numbers\n        " S_ACME_NUMBER " = acme\n");
    if (with_tokens)
        fprintf (file, "    workspace-tokens\n        globex = env:GLOBEX_TOKEN\n");
    assert_int_equal (fclose (file), 0);
}

//  Starts ingress with the tokens (or none) and waits until /health
//  answers and its reply queue has said HELLO.
static void
s_ingress_start (s_fixture_t *self, bool with_tokens)
{
    char config [S_PATH_MAX];
    s_write_config (self, with_tokens, config, sizeof config);
    if (with_tokens) {
        assert_int_equal (setenv ("WORKSPACE_API_TOKEN", S_GLOBAL_TOKEN, 1), 0);
        assert_int_equal (setenv ("GLOBEX_TOKEN", S_GLOBEX_TOKEN, 1), 0);
    }
    assert_int_equal (setenv ("TWILIO_AUTH_TOKEN", S_TWILIO_TOKEN, 1), 0);
    for (int attempt = 0; attempt < S_START_ATTEMPTS && !self->ingress; attempt++) {
        self->port = sb_testutil_free_port ();
        char port [16];
        snprintf (port, sizeof port, "%d", self->port);
        char *argv [] = { (char *) self->programs->ingress, "-c", config, "-p", port,
                          "-b", self->endpoint, "-t", S_DEFAULT_TENANT, "-i", S_INSTANCE,
                          "--workspace-timeout", S_DEADLINE, "--threads", "4", NULL };
        self->ingress = sb_testproc_new (argv);
        assert_non_null (self->ingress);
        int64_t deadline = zclock_mono () + S_WAIT_MS;
        s_answer_t answer = { 0 };
        while (answer.status != 200 && zclock_mono () < deadline
               && sb_testproc_wait (self->ingress, 0, NULL) != 0)
            s_http (self, "/health", NULL, NULL, 200, &answer);
        if (answer.status != 200)
            sb_testproc_stop (&self->ingress, S_STOP_MS, "ingress");
    }
    unsetenv ("WORKSPACE_API_TOKEN");
    unsetenv ("GLOBEX_TOKEN");
    unsetenv ("TWILIO_AUTH_TOKEN");
    if (!self->ingress)
        fail_msg ("ingress did not start");
    s_wait_service (self, S_REPLY_SERVICE);
}

//  Redis, the broker, the stub agent-sync, ingress; all connected.
static void
s_world_start (s_fixture_t *self, bool with_tokens)
{
    self->redis = sb_testredis_new (NULL);
    assert_non_null (self->redis);
    s_broker_start (self);
    char *argv [] = { (char *) self->programs->agent, "-b", self->endpoint, "-i", "stub", NULL };
    self->agent = sb_testproc_new (argv);
    assert_non_null (self->agent);
    s_wait_service (self, "agent-sync");
    s_ingress_start (self, with_tokens);
}

static int
s_setup (void **state)
{
    s_fixture_t *self = (s_fixture_t *) calloc (1, sizeof (s_fixture_t));
    assert_non_null (self);
    self->programs = (const s_programs_t *) *state;
    const char *tmpdir = getenv ("TMPDIR");
    int size = snprintf (self->dir, sizeof self->dir, "%s/sb-test-workspace-XXXXXX",
                         tmpdir && *tmpdir? tmpdir: "/tmp");
    assert_true (size > 0 && (size_t) size < sizeof self->dir);
    assert_non_null (mkdtemp (self->dir));
    *state = self;
    return 0;
}

//  Stops ingress, the stub, the broker, Redis. Fails if one did not exit
//  cleanly on SIGTERM (under ASan a leak at exit shows here).
static int
s_teardown (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    int rc = 0;
    rc |= sb_testproc_stop (&self->ingress, S_STOP_MS, "ingress");
    rc |= sb_testproc_stop (&self->agent, S_STOP_MS, "stub_agent_sync");
    rc |= sb_testproc_stop (&self->broker, S_STOP_MS, "the broker");
    sb_testredis_destroy (&self->redis);
    sb_testutil_remove_tree (self->dir);
    free (self);
    return rc? -1: 0;
}

//  --------------------------------------------------------------------------
//  1. Round trip: the global token with tenantId, agent-sync's report

static void
test_round_trip (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char json [S_BODY_MAX];
    s_answer_t answer;
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (self, S_GLOBAL_TOKEN, NULL, json, &answer);
    s_assert_success (&answer, "acme");
}

//  --------------------------------------------------------------------------
//  2. A failure report: 422 with the failed step

static void
test_failure_report (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char json [S_BODY_MAX];
    s_answer_t answer;
    s_save_json (json, sizeof json, "acme", S_NUMBER_FAILS);
    s_save (self, S_GLOBAL_TOKEN, NULL, json, &answer);
    s_assert_answer (&answer, 422, NULL);
    json_t *report = s_report (&answer);
    assert_true (json_is_false (json_object_get (report, "success")));
    s_assert_string (report, "failedStep", "vapi_validated");
    s_assert_string (report, "error", "Vapi answered 401");
    assert_true (json_is_false (json_object_get (json_object_get (report, "steps"),
                                                 "vapiValidated")));
    json_decref (report);
}

//  --------------------------------------------------------------------------
//  3. No report: 504 once the deadline has passed; the save was stored
//     (the stub FAILed it, so it is in the dead-letter stream)

static void
test_no_reply (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char json [S_BODY_MAX];
    s_answer_t answer;
    s_save_json (json, sizeof json, "acme", S_NUMBER_SILENT);
    s_save (self, S_GLOBAL_TOKEN, NULL, json, &answer);
    s_assert_answer (&answer, 504, "agent-sync");
    if (answer.elapsed_ms < S_DEADLINE_MS || answer.elapsed_ms >= S_DEADLINE_MS + S_SLACK_MS)
        fail_msg ("504 after %" PRId64 " ms with --workspace-timeout %d", answer.elapsed_ms,
                  S_DEADLINE_MS);
    zlistx_t *dead = s_stream (self, "sb:dlq");
    size_t found = 0;
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (dead); env;
         env = (sb_envelope_t *) zlistx_next (dead)) {
        const char *number = json_string_value (json_object_get (sb_envelope_body (env),
                                                                 "twilio_phone_number"));
        found += streq (sb_envelope_type (env), "workspace.saved")
              && streq (sb_envelope_tenant (env), "acme")
              && streq (sb_envelope_reply_to (env), S_REPLY_SERVICE)
              && number && streq (number, S_NUMBER_SILENT);
    }
    s_envelopes_destroy (&dead);
    if (found != 1)
        fail_msg ("the unanswered save is %zu times in sb:dlq, not once", found);
}

//  --------------------------------------------------------------------------
//  4. Who may save what, and what is refused before anything is published

static void
test_auth_and_input (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char json [S_BODY_MAX];
    s_answer_t answer;
    //  A tenant's own token, tenantId left out: that tenant
    s_save_json (json, sizeof json, NULL, "+15557654321");
    s_save (self, S_GLOBEX_TOKEN, NULL, json, &answer);
    s_assert_success (&answer, "globex");
    s_save_json (json, sizeof json, "globex", "+15557654321");
    s_save (self, S_GLOBEX_TOKEN, NULL, json, &answer);
    s_assert_success (&answer, "globex");
    //  ... but not another tenant's
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (self, S_GLOBEX_TOKEN, NULL, json, &answer);
    s_assert_answer (&answer, 403, NULL);
    s_save (self, NULL, NULL, json, &answer);
    s_assert_answer (&answer, 401, NULL);
    s_save (self, "wrong-token", NULL, json, &answer);
    s_assert_answer (&answer, 401, NULL);
    s_save (self, S_GLOBAL_TOKEN "x", NULL, json, &answer);
    s_assert_answer (&answer, 401, NULL);
    //  The global token needs tenantId
    s_save_json (json, sizeof json, NULL, "+15557654321");
    s_save (self, S_GLOBAL_TOKEN, NULL, json, &answer);
    s_assert_answer (&answer, 400, "tenantId");
    s_save (self, S_GLOBAL_TOKEN, NULL,
            "{\"tenantId\":\"acme\",\"vapiApiKey\":\"k\",\"twilioAccountSid\":\"" S_ACCOUNT
            "\",\"twilioPhoneNumber\":\"+15557654321\"}", &answer);
    s_assert_answer (&answer, 400, "twilioAuthToken");
    s_save (self, S_GLOBAL_TOKEN, NULL, "{\"tenantId\":\"acme\",", &answer);
    s_assert_answer (&answer, 400, "malformed JSON");
    s_save (self, S_GLOBAL_TOKEN, NULL, "[1,2]", &answer);
    s_assert_answer (&answer, 400, "JSON object");
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (self, S_GLOBAL_TOKEN, "text/plain", json, &answer);
    s_assert_answer (&answer, 400, "application/json");
    //  Only the two good saves reached agent-sync
    zlistx_t *dead = s_stream (self, "sb:dlq");
    assert_int_equal (zlistx_size (dead), 0);
    s_envelopes_destroy (&dead);
}

//  No WORKSPACE_API_TOKEN, no workspace-tokens section: every save 401.
static void
test_no_tokens (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, false);
    char json [S_BODY_MAX];
    s_answer_t answer;
    s_save_json (json, sizeof json, "acme", "+15557654321");
    s_save (self, S_GLOBAL_TOKEN, NULL, json, &answer);
    s_assert_answer (&answer, 401, NULL);
    s_save (self, S_GLOBEX_TOKEN, NULL, json, &answer);
    s_assert_answer (&answer, 401, NULL);
    s_save (self, "", NULL, json, &answer);
    s_assert_answer (&answer, 401, NULL);
    s_save (self, NULL, NULL, json, &answer);
    s_assert_answer (&answer, 401, NULL);
}

//  --------------------------------------------------------------------------
//  5. Saves at once: each gets its own report (matched by corr)

static void
test_concurrent (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    const char *tenants [] = { "acme", "initech", "umbrella" };
    const char *numbers [] = { "+15557654321", S_NUMBER_FAILS, "+15557654322" };
    enum { COUNT = 3 };
    char json [COUNT][S_BODY_MAX], auth [128];
    snprintf (auth, sizeof auth, "Authorization: Bearer %s", S_GLOBAL_TOKEN);
    const char *headers [] = { "Content-Type: application/json", auth, NULL };
    s_answer_t answers [COUNT];
    CURL *easy [COUNT];
    struct curl_slist *lists [COUNT];
    CURLM *multi = curl_multi_init ();
    assert_non_null (multi);
    for (size_t index = 0; index < COUNT; index++) {
        s_save_json (json [index], sizeof json [index], tenants [index], numbers [index]);
        easy [index] = s_request (self, "/api/workspace/save", headers, json [index], S_HTTP_MS,
                                  &answers [index], &lists [index]);
        curl_multi_add_handle (multi, easy [index]);
    }
    int running = 1;
    while (running) {
        assert_int_equal (curl_multi_perform (multi, &running), CURLM_OK);
        if (running)
            assert_int_equal (curl_multi_poll (multi, NULL, 0, 100, NULL), CURLM_OK);
    }
    CURLMsg *message;
    int left;
    //  The message is curl's until the handle is removed: copy it first
    while ((message = curl_multi_info_read (multi, &left))) {
        CURL *done = message->msg == CURLMSG_DONE? message->easy_handle: NULL;
        CURLcode result = message->data.result;
        for (size_t index = 0; done && index < COUNT; index++)
            if (done == easy [index]) {
                curl_multi_remove_handle (multi, easy [index]);
                s_request_done (easy [index], lists [index], result, &answers [index]);
            }
    }
    curl_multi_cleanup (multi);
    s_assert_success (&answers [0], "acme");
    s_assert_answer (&answers [1], 422, "vapi_validated");
    s_assert_success (&answers [2], "umbrella");
}

//  --------------------------------------------------------------------------
//  6. /metrics after one signed SMS and one with a bad signature

//  Asserts that the metrics text has a line "name value".
static void
s_assert_metric (const char *text, const char *name, const char *value)
{
    char line [256];
    snprintf (line, sizeof line, "\n%s %s\n", name, value);
    if (!strstr (text, line))
        fail_msg ("/metrics has no line '%s %s':\n%s", name, value, text);
}

static void
test_metrics (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    s_answer_t answer;
    s_sms (self, "SM00000000000000000000000000000001", S_ACME_NUMBER, S_TWILIO_TOKEN, &answer);
    s_assert_answer (&answer, 200, "<Response>");
    s_sms (self, "SM00000000000000000000000000000002", S_ACME_NUMBER, "not-the-token", &answer);
    s_assert_answer (&answer, 403, NULL);
    s_http (self, "/metrics", NULL, NULL, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 200, NULL);
    //  Prometheus's text format (a charset may follow)
    if (strncmp (answer.type, "text/plain; version=0.0.4", 25))
        fail_msg ("/metrics Content-Type is '%s'", answer.type);
    s_assert_metric (answer.body, "sb_ingress_requests_total{endpoint=\"/webhook/sms\",status=\"200\"}", "1");
    s_assert_metric (answer.body, "sb_ingress_requests_total{endpoint=\"/webhook/sms\",status=\"403\"}", "1");
    s_assert_metric (answer.body, "sb_ingress_auth_failures_total{endpoint=\"/webhook/sms\"}", "1");
    const char *count = strstr (answer.body, "\nsb_ingress_publish_seconds_count ");
    if (!count || atoi (count + strlen ("\nsb_ingress_publish_seconds_count ")) < 1)
        fail_msg ("sb_ingress_publish_seconds_count is not at least 1:\n%s", answer.body);
}

//  --------------------------------------------------------------------------
//  7. The tenant of an SMS by its To number (ingress/numbers), else --tenant

//  The tenant of the one sms.received in the planner's queue with MessageSid sid.
static void
s_assert_tenant (s_fixture_t *self, const char *sid, const char *tenant)
{
    char key [64];
    snprintf (key, sizeof key, "sms:twilio:%s", sid);
    zlistx_t *queue = s_stream (self, "sb:q:planner");
    size_t found = 0;
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (queue); env;
         env = (sb_envelope_t *) zlistx_next (queue))
        if (streq (sb_envelope_key (env), key)) {
            found++;
            assert_string_equal (sb_envelope_type (env), "sms.received");
            assert_string_equal (sb_envelope_tenant (env), tenant);
        }
    s_envelopes_destroy (&queue);
    if (found != 1)
        fail_msg ("%s is %zu times in sb:q:planner, not once", key, found);
}

static void
test_tenant_by_number (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    s_answer_t answer;
    s_sms (self, "SM00000000000000000000000000000003", S_ACME_NUMBER, S_TWILIO_TOKEN, &answer);
    s_assert_answer (&answer, 200, "<Response>");
    s_sms (self, "SM00000000000000000000000000000004", S_OTHER_NUMBER, S_TWILIO_TOKEN, &answer);
    s_assert_answer (&answer, 200, "<Response>");
    s_assert_tenant (self, "SM00000000000000000000000000000003", "acme");
    s_assert_tenant (self, "SM00000000000000000000000000000004", S_DEFAULT_TENANT);
}

int
main (int argc, char *argv [])
{
    if (argc < 4) {
        fprintf (stderr, "Usage: test_workspace BROKER INGRESS STUB_AGENT_SYNC [TEST]\n");
        return 64;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return S_EXIT_SKIP;
    }
    s_programs_t programs = { argv [1], argv [2], argv [3] };
    if (argc > 4)
        cmocka_set_test_filter (argv [4]);
    unsetenv ("SB_BROKER");
    if (curl_global_init (CURL_GLOBAL_DEFAULT)) {
        fprintf (stderr, "test_workspace: curl_global_init failed\n");
        return 1;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_round_trip, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_failure_report, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_no_reply, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_auth_and_input, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_no_tokens, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_concurrent, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_metrics, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_tenant_by_number, s_setup, s_teardown,
                                                  &programs),
    };
    int failed = cmocka_run_group_tests (tests, NULL, NULL);
    curl_global_cleanup ();
    return failed;
}
