/*  test_agent_sync.c — integration tests of agent-sync: the real program
    (its handler through --harness, one process per run, as many at once
    as a test wants) against a private redis-server and the fakes of Vapi
    (tests/fakes/fake_vapi.c) and Twilio (tests/fakes/fake_twilio.c, its
    Accounts resource), all as processes.

    Each run writes the saves to a file, runs agent-sync on them with
    VAPI_API_BASE, TWILIO_API_BASE, CREDENTIALS_KEY and SB_REDIS_URL set,
    and reads back what it emitted and its outcome (stdout) and its log
    (stderr). Every line of both is checked for the secrets of the saves.
    The fakes' call counts (GET /_fake/counts) tell what was written.

    Usage: test_agent_sync AGENT_SYNC FAKE_VAPI FAKE_TWILIO [TEST]
    Exits 77 (skipped) without redis-server.                               */

#include "sb_classes.h"
#include "sb_secretbox.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS        10000   //  longest wait for a process to start
#define S_RUN_MS         30000   //  for one harness run to finish
#define S_STOP_MS        10000
#define S_EXIT_SKIP      77
#define S_DIR_MAX        256
#define S_PATH_MAX       (S_DIR_MAX + 64)

#define S_KEY_HEX        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S_VAPI_KEY       "vapi-secret-key-acme-7f3a9c"
#define S_WRONG_VAPI_KEY "vapi-wrong-key-acme-0b1e44"
#define S_SID            "AC0123456789abcdef0123456789abcdef"
#define S_OTHER_SID      "ACffffffffffffffffffffffffffffffff"
#define S_TOKEN          "twilio-secret-token-acme-51d2e8"
#define S_WRONG_TOKEN    "twilio-wrong-token-acme-9c0d11"
#define S_NUMBER         "+15557654321"
#define S_REPLY_TO       "reply.ingress.test"

typedef struct {
    const char *agent;
    const char *vapi;
    const char *twilio;
} s_programs_t;

//  One test's world.
typedef struct {
    const s_programs_t *programs;
    char dir [S_DIR_MAX];
    sb_testredis_t *redis;
    sb_testproc_t *vapi;
    sb_testproc_t *twilio;
    char vapi_url [64];
    char twilio_url [64];
    sb_idgen_t *ids;
    int runs;
} s_world_t;

//  A run of agent-sync in progress.
typedef struct {
    sb_testproc_t *proc;
    char out [S_PATH_MAX];
    char err [S_PATH_MAX];
} s_run_t;

//  A save to make.
typedef struct {
    const char *tenant;
    const char *vapi_key;
    const char *sid;
    const char *token;
    const char *config;          //  agent_config as JSON, or NULL
    uint32_t attempt;
} s_save_t;

static const char *s_secrets [] = {
    S_VAPI_KEY, S_WRONG_VAPI_KEY, S_TOKEN, S_WRONG_TOKEN, S_KEY_HEX
};

//  --------------------------------------------------------------------------
//  Files and HTTP

//  The whole of path as a new string, or NULL.
static char *
s_slurp (const char *path)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return NULL;
    fseek (file, 0, SEEK_END);
    long size = ftell (file);
    fseek (file, 0, SEEK_SET);
    char *text = (char *) calloc (1, (size_t) size + 1);
    if (text && fread (text, 1, (size_t) size, file) != (size_t) size)
        zstr_free (&text);
    fclose (file);
    return text;
}

static size_t
s_on_data (char *data, size_t size, size_t count, void *user)
{
    zchunk_extend ((zchunk_t *) user, data, size * count);
    return size * count;
}

//  A call to a fake: GET (body NULL) or POST url. Returns its JSON answer
//  (caller decrefs); fails the test on no answer or no JSON.
static json_t *
s_fake_call (const char *base, const char *path, const char *body)
{
    char url [S_PATH_MAX];
    snprintf (url, sizeof url, "%s%s", base, path);
    zchunk_t *answer = zchunk_new (NULL, 0);
    CURL *curl = curl_easy_init ();
    assert_non_null (curl);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_data);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
    if (body)
        curl_easy_setopt (curl, CURLOPT_COPYPOSTFIELDS, body);
    CURLcode rc = curl_easy_perform (curl);
    curl_easy_cleanup (curl);
    json_t *json = rc == CURLE_OK? json_loadb ((const char *) zchunk_data (answer),
                                               zchunk_size (answer), 0, NULL): NULL;
    zchunk_destroy (&answer);
    if (!json)
        fail_msg ("%s: no JSON answer (%s)", url, curl_easy_strerror (rc));
    return json;
}

//  One of fake Vapi's counts (create, patch, list, assistants, ...).
static json_int_t
s_count (s_world_t *self, const char *name)
{
    json_t *counts = s_fake_call (self->vapi_url, "/_fake/counts", NULL);
    json_int_t value = json_integer_value (json_object_get (counts, name));
    json_decref (counts);
    return value;
}

static void
s_fault (s_world_t *self, const char *fault)
{
    json_decref (s_fake_call (self->vapi_url, "/_fake/fault", fault));
}

//  --------------------------------------------------------------------------
//  The world

//  Starts a fake with its own port file and waits until it has written
//  it. Sets url to http://127.0.0.1:<port>.
static sb_testproc_t *
s_fake_start (s_world_t *self, const char *program, const char *name, const char *option,
              const char *value, const char *option2, const char *value2, char *url,
              size_t size)
{
    char port_file [S_PATH_MAX];
    snprintf (port_file, sizeof port_file, "%s/%s.port", self->dir, name);
    char *argv [] = { (char *) program, "--port", "0", "--port-file", port_file,
                      (char *) option, (char *) value, (char *) option2, (char *) value2, NULL };
    sb_testproc_t *proc = sb_testproc_new (argv);
    assert_non_null (proc);
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    char *text = NULL;
    while (!(text = s_slurp (port_file)) && zclock_mono () < deadline
           && sb_testproc_wait (proc, 0, NULL) != 0)
        zclock_sleep (10);
    if (!text)
        fail_msg ("%s did not start", name);
    snprintf (url, size, "http://127.0.0.1:%d", atoi (text));
    free (text);
    return proc;
}

static int
s_setup (void **state)
{
    s_world_t *self = (s_world_t *) calloc (1, sizeof (s_world_t));
    assert_non_null (self);
    self->programs = (const s_programs_t *) *state;
    const char *tmpdir = getenv ("TMPDIR");
    snprintf (self->dir, sizeof self->dir, "%s/sb-test-agent-sync-XXXXXX",
              tmpdir && *tmpdir? tmpdir: "/tmp");
    assert_non_null (mkdtemp (self->dir));
    self->redis = sb_testredis_new (NULL);
    assert_non_null (self->redis);
    self->vapi = s_fake_start (self, self->programs->vapi, "fake_vapi", "--key", S_VAPI_KEY,
                               NULL, NULL, self->vapi_url, sizeof self->vapi_url);
    self->twilio = s_fake_start (self, self->programs->twilio, "fake_twilio", "--account",
                                 S_SID, "--token", S_TOKEN, self->twilio_url,
                                 sizeof self->twilio_url);
    self->ids = sb_idgen_new ();
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    setenv ("VAPI_API_BASE", self->vapi_url, 1);
    setenv ("TWILIO_API_BASE", self->twilio_url, 1);
    setenv ("SB_REDIS_URL", sb_testredis_url (self->redis), 1);
    *state = self;
    return 0;
}

//  Stops the fakes and Redis; fails if a fake did not exit cleanly.
static int
s_teardown (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    int rc = 0;
    rc |= sb_testproc_stop (&self->vapi, S_STOP_MS, "fake_vapi");
    rc |= sb_testproc_stop (&self->twilio, S_STOP_MS, "fake_twilio");
    sb_testredis_destroy (&self->redis);
    sb_idgen_destroy (&self->ids);
    sb_testutil_remove_tree (self->dir);
    free (self);
    return rc? -1: 0;
}

//  --------------------------------------------------------------------------
//  Running agent-sync

//  A workspace.saved envelope for save, as ingress would publish it.
static json_t *
s_envelope (s_world_t *self, const s_save_t *save)
{
    char id [SB_ID_LEN + 1], key [128];
    assert_int_equal (sb_idgen_next (self->ids, 0, id), 0);
    snprintf (key, sizeof key, "workspace:%s:%s", save->tenant, id);
    json_t *body = json_pack ("{s:s, s:s, s:s, s:s}", "vapi_api_key", save->vapi_key,
                              "twilio_account_sid", save->sid? save->sid: S_SID,
                              "twilio_auth_token", save->token? save->token: S_TOKEN,
                              "twilio_phone_number", S_NUMBER);
    if (save->config)
        json_object_set_new (body, "agent_config", json_loads (save->config, 0, NULL));
    return json_pack ("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:o}", "v", 1,
                      "id", id, "key", key, "corr", key, "type", "workspace.saved",
                      "src", "ingress", "tenant", save->tenant, "reply_to", S_REPLY_TO,
                      "attempt", (int) save->attempt, "created_ms",
                      (json_int_t) zclock_time (), "body", body);
}

//  Starts agent-sync --harness on envelopes (taken), with extra arguments
//  (NULL-terminated, may be NULL).
static void
s_run_start (s_world_t *self, json_t *envelopes, const char *const *extra, s_run_t *run)
{
    char input [S_PATH_MAX];
    int index = ++self->runs;
    snprintf (input, sizeof input, "%s/in-%d.json", self->dir, index);
    snprintf (run->out, sizeof run->out, "%s/out-%d.jsonl", self->dir, index);
    snprintf (run->err, sizeof run->err, "%s/err-%d.log", self->dir, index);
    FILE *file = fopen (input, "w");
    assert_non_null (file);
    size_t at;
    json_t *envelope;
    json_array_foreach (envelopes, at, envelope) {      //  one envelope a line
        assert_int_equal (json_dumpf (envelope, file, JSON_COMPACT), 0);
        fputc ('\n', file);
    }
    assert_int_equal (fclose (file), 0);
    json_decref (envelopes);
    //  The shell only redirects: agent-sync replaces it
    char command [1024] = "exec \"$0\" --harness \"$1\"";
    for (size_t arg = 0; extra && extra [arg]; arg++)
        snprintf (command + strlen (command), sizeof command - strlen (command), " %s",
                  extra [arg]);
    snprintf (command + strlen (command), sizeof command - strlen (command),
              " > \"$2\" 2> \"$3\"");
    char *argv [] = { "/bin/sh", "-c", command, (char *) self->programs->agent, input,
                      run->out, run->err, NULL };
    run->proc = sb_testproc_new (argv);
    assert_non_null (run->proc);
}

//  Fails if a secret is in text (what) — a log line or an output.
static void
s_assert_no_secret (const char *text, const char *what)
{
    for (size_t index = 0; index < sizeof s_secrets / sizeof s_secrets [0]; index++)
        if (strstr (text, s_secrets [index]))
            fail_msg ("%s holds the secret '%s':\n%s", what, s_secrets [index], text);
}

//  Waits for the run to end, checks its output and log hold no secret,
//  and returns what it printed, one JSON value per line (caller decrefs).
static json_t *
s_run_finish (s_run_t *run, int *status)
{
    if (sb_testproc_wait (run->proc, S_RUN_MS, status))
        fail_msg ("agent-sync --harness did not finish within %d ms", S_RUN_MS);
    sb_testproc_destroy (&run->proc);
    char *out = s_slurp (run->out), *err = s_slurp (run->err);
    assert_non_null (out);
    assert_non_null (err);
    fprintf (stderr, "%s", err);               //  the actor's log, in the test's
    s_assert_no_secret (out, "agent-sync's output");
    s_assert_no_secret (err, "agent-sync's log");
    json_t *lines = json_array ();
    char *line = strtok (out, "\n");
    for (; line; line = strtok (NULL, "\n")) {
        json_t *json = json_loads (line, 0, NULL);
        if (json)
            json_array_append_new (lines, json);
        else                                    //  a log line (zsys logs to stdout)
            fprintf (stderr, "%s\n", line);
    }
    free (out);
    free (err);
    return lines;
}

//  Runs agent-sync once on the saves and returns its lines.
static json_t *
s_run (s_world_t *self, const s_save_t *saves, size_t count, const char *const *extra)
{
    json_t *envelopes = json_array ();
    for (size_t index = 0; index < count; index++)
        json_array_append_new (envelopes, s_envelope (self, &saves [index]));
    s_run_t run;
    s_run_start (self, envelopes, extra, &run);
    int status = -1;
    json_t *lines = s_run_finish (&run, &status);
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        fail_msg ("agent-sync --harness exited with status %d", status);
    return lines;
}

//  The report at lines [index] (followed by {"outcome":"done"}): its body,
//  after checking the envelope goes back to the waiting request.
static json_t *
s_report_at (const json_t *lines, size_t index)
{
    const json_t *env = json_array_get (lines, index);
    const char *outcome = json_string_value (json_object_get (json_array_get (lines, index + 1),
                                                              "outcome"));
    if (!outcome || !streq (outcome, "done")
    ||  !streq (json_string_value (json_object_get (env, "type")), "agents.synced")) {
        char *text = json_dumps (lines, JSON_INDENT (2));
        fail_msg ("no agents.synced then done at line %zu: %s", index + 1, text);
    }
    assert_string_equal (json_string_value (json_object_get (env, "reply_to")), S_REPLY_TO);
    return json_object_get (env, "body");
}

//  The one report of a run of one save.
static const json_t *
s_report (const json_t *lines)
{
    if (json_array_size (lines) != 2) {
        char *text = json_dumps (lines, JSON_INDENT (2));
        fail_msg ("expected a report and its outcome, got %s", text);
    }
    return s_report_at (lines, 0);
}

static const char *
s_get (const json_t *json, const char *outer, const char *inner)
{
    const json_t *value = json_object_get (json, outer);
    if (inner)
        value = json_object_get (value, inner);
    return json_string_value (value);
}

//  Asserts a successful report with these actions; returns it.
static const json_t *
s_assert_success (const json_t *report, const char *inbound, const char *outbound)
{
    if (!json_is_true (json_object_get (report, "success"))) {
        char *text = json_dumps (report, JSON_INDENT (2));
        fail_msg ("the save failed: %s", text);
    }
    const char *names [] = { "credentials_stored", "vapi_validated", "twilio_validated",
                             "agents_synced" };
    for (size_t index = 0; index < 4; index++)
        assert_true (json_is_true (json_object_get (json_object_get (report, "steps"),
                                                    names [index])));
    assert_string_equal (s_get (report, "agent_actions", "inbound"), inbound);
    assert_string_equal (s_get (report, "agent_actions", "outbound"), outbound);
    assert_non_null (s_get (report, "agent_ids", "inbound"));
    assert_non_null (s_get (report, "agent_ids", "outbound"));
    assert_string_not_equal (s_get (report, "agent_ids", "inbound"),
                             s_get (report, "agent_ids", "outbound"));
    assert_string_equal (s_get (report, "credentials_ref", NULL), "sb:cred:acme");
    return report;
}

//  Asserts a failure report: failed_step, an error containing text, and
//  the steps before it done.
static void
s_assert_failure (const json_t *report, const char *step, const char *text)
{
    const char *error = s_get (report, "error", NULL);
    if (json_is_true (json_object_get (report, "success")) || !error || !strstr (error, text)
    ||  !s_get (report, "failed_step", NULL) || !streq (s_get (report, "failed_step", NULL), step))
    {
        char *dump = json_dumps (report, JSON_INDENT (2));
        fail_msg ("expected %s to fail with '%s': %s", step, text, dump);
    }
    assert_false (json_is_true (json_object_get (json_object_get (report, "steps"), step)));
    assert_true (json_is_true (json_object_get (json_object_get (report, "steps"),
                                                "credentials_stored")));
}

//  --------------------------------------------------------------------------
//  Redis

static redisReply *
s_redis (s_world_t *self, const char *format, const char *key)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_non_null (redis);
    redisReply *reply = (redisReply *) redisCommand (redis, format, key);
    assert_non_null (reply);
    redisFree (redis);
    return reply;
}

static const s_save_t s_acme = { "acme", S_VAPI_KEY, NULL, NULL, NULL, 1 };

//  --------------------------------------------------------------------------
//  1. The first save creates both agents, with the tenant and role in their
//     metadata, records them, and stores the credentials sealed

//  Fails unless every credential in sb:cred:acme is sealed: no secret in
//  the clear, and each opens with the key and its own tenant and field.
static void
s_assert_sealed (s_world_t *self)
{
    redisReply *reply = s_redis (self, "HGETALL %s", "sb:cred:acme");
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    char err [256];
    sb_secretbox_t *box = sb_secretbox_new (S_KEY_HEX, err, sizeof err);
    assert_non_null (box);
    size_t sealed = 0;
    for (size_t index = 0; index + 1 < reply->elements; index += 2) {
        const char *field = reply->element [index]->str;
        const redisReply *value = reply->element [index + 1];
        for (size_t secret = 0; secret < sizeof s_secrets / sizeof s_secrets [0]; secret++)
            assert_null (memmem (value->str, value->len, s_secrets [secret],
                                 strlen (s_secrets [secret])));
        if (streq (field, "version") || streq (field, "updated_ms"))
            continue;
        char aad [64], other [64];
        int size = snprintf (aad, sizeof aad, "acme%c%s", 0, field);
        int other_size = snprintf (other, sizeof other, "globex%c%s", 0, field);
        size_t length = 0;
        char *plain = sb_secretbox_open (box, (uint8_t *) aad, (size_t) size,
                                         (uint8_t *) value->str, value->len, &length,
                                         err, sizeof err);
        if (!plain)
            fail_msg ("%s does not open: %s", field, err);
        if (streq (field, "vapi_api_key"))        assert_string_equal (plain, S_VAPI_KEY);
        if (streq (field, "twilio_auth_token"))   assert_string_equal (plain, S_TOKEN);
        if (streq (field, "twilio_account_sid"))  assert_string_equal (plain, S_SID);
        if (streq (field, "twilio_phone_number")) assert_string_equal (plain, S_NUMBER);
        sb_secretbox_free (&plain, length);
        //  Moved to another tenant, it does not open
        assert_null (sb_secretbox_open (box, (uint8_t *) other, (size_t) other_size,
                                        (uint8_t *) value->str, value->len, &length,
                                        err, sizeof err));
        sealed++;
    }
    assert_int_equal (sealed, 4);
    sb_secretbox_destroy (&box);
    freeReplyObject (reply);
}

//  Fails unless fake Vapi holds exactly two assistants, acme's inbound and
//  outbound, with the ids the report gave.
static void
s_assert_assistants (s_world_t *self, const json_t *report)
{
    json_t *assistants = s_fake_call (self->vapi_url, "/_fake/assistants", NULL);
    assert_int_equal (json_array_size (assistants), 2);
    size_t index;
    json_t *assistant;
    json_array_foreach (assistants, index, assistant) {
        const char *role = s_get (assistant, "metadata", "role");
        assert_non_null (role);
        assert_string_equal (s_get (assistant, "metadata", "tenant"), "acme");
        assert_string_equal (s_get (assistant, "id", NULL),
                             s_get (report, "agent_ids", role));
    }
    json_decref (assistants);
}

static void
test_first_save (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *lines = s_run (self, &s_acme, 1, NULL);
    const json_t *report = s_assert_success (s_report (lines), "created", "created");
    fprintf (stderr, "first save: elapsed_ms %" JSON_INTEGER_FORMAT "\n",
             json_integer_value (json_object_get (report, "elapsed_ms")));
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "patch"), 0);
    s_assert_assistants (self, report);
    redisReply *reply = s_redis (self, "HGET %s inbound_id", "sb:agents:acme");
    assert_int_equal (reply->type, REDIS_REPLY_STRING);
    assert_string_equal (reply->str, s_get (report, "agent_ids", "inbound"));
    freeReplyObject (reply);
    reply = s_redis (self, "EXISTS %s", "sb:agents:acme:lock");
    assert_int_equal (reply->integer, 0);         //  released
    freeReplyObject (reply);
    s_assert_sealed (self);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  2. The same save again writes nothing; a changed config patches both

static void
test_same_then_changed (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t save = s_acme;
    save.config = "{\"name\":\"Acme Timesheets\",\"first_message\":\"Hello!\"}";
    json_t *first = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (first), "created", "created");
    json_t *again = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (again), "unchanged", "unchanged");
    assert_string_equal (s_get (s_report (first), "agent_ids", "inbound"),
                         s_get (s_report (again), "agent_ids", "inbound"));
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "patch"), 0);
    save.config = "{\"name\":\"Acme Hours\",\"outbound\":{\"first_message\":\"Hi, Acme here\"}}";
    json_t *changed = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (changed), "updated", "updated");
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "patch"), 2);
    json_t *assistants = s_fake_call (self->vapi_url, "/_fake/assistants", NULL);
    assert_string_equal (s_get (json_array_get (assistants, 0), "name", NULL),
                         "Acme Hours inbound");
    assert_string_equal (s_get (json_array_get (assistants, 1), "firstMessage", NULL),
                         "Hi, Acme here");
    json_decref (assistants);
    s_assert_assistants (self, s_report (changed));
    json_decref (first);
    json_decref (again);
    json_decref (changed);
}

//  --------------------------------------------------------------------------
//  3. Saves of one tenant at once, by separate processes (as separate
//     instances would), make exactly two assistants; Vapi answers slowly so
//     that they overlap

#define S_CONCURRENT 4

static void
test_concurrent_saves (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_fault (self, "{\"op\":\"any\",\"delay_ms\":150,\"times\":100}");
    s_run_t runs [S_CONCURRENT];
    for (size_t index = 0; index < S_CONCURRENT; index++)
        s_run_start (self, json_pack ("[o]", s_envelope (self, &s_acme)), NULL, &runs [index]);
    size_t created = 0;
    const char *inbound = NULL;
    json_t *all = json_array ();
    for (size_t index = 0; index < S_CONCURRENT; index++) {
        int status = -1;
        json_t *lines = s_run_finish (&runs [index], &status);
        assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
        const json_t *report = s_report (lines);
        assert_true (json_is_true (json_object_get (report, "success")));
        created += streq (s_get (report, "agent_actions", "inbound"), "created");
        if (!inbound)
            inbound = s_get (report, "agent_ids", "inbound");
        assert_string_equal (s_get (report, "agent_ids", "inbound"), inbound);
        json_array_append_new (all, lines);      //  keeps inbound alive
    }
    assert_int_equal (created, 1);
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "assistants"), 2);
    json_decref (all);
}

//  --------------------------------------------------------------------------
//  4. A create whose answer is lost (the connection drops after Vapi made
//     the assistant) is retried; the retry finds it by its metadata and
//     records it instead of making a third

static void
test_lost_answer (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_fault (self, "{\"op\":\"create\",\"drop\":true}");
    s_save_t saves [2] = { s_acme, s_acme };
    saves [1].attempt = 2;                       //  the broker's redelivery
    json_t *lines = s_run (self, saves, 2, NULL);
    assert_int_equal (json_array_size (lines), 3);
    const json_t *retry = json_array_get (lines, 0);
    assert_string_equal (s_get (retry, "outcome", NULL), "retry");
    assert_non_null (strstr (s_get (retry, "reason", NULL), "creating the inbound agent"));
    const json_t *report = s_report_at (lines, 1);
    s_assert_success (report, "created", "created");
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "assistants"), 2);
    s_assert_assistants (self, report);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  5. A key Vapi refuses: the step fails with a clear report, the
//     credentials stay stored, nothing else is done

static void
test_invalid_vapi_key (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t save = s_acme;
    save.vapi_key = S_WRONG_VAPI_KEY;
    json_t *lines = s_run (self, &save, 1, NULL);
    const json_t *report = s_report (lines);
    s_assert_failure (report, "vapi_validated", "Vapi refused the API key (HTTP 401)");
    assert_false (json_is_true (json_object_get (json_object_get (report, "steps"),
                                                 "twilio_validated")));
    assert_int_equal (json_object_size (json_object_get (report, "agent_ids")), 0);
    assert_int_equal (s_count (self, "unauthorized"), 1);
    assert_int_equal (s_count (self, "create") + s_count (self, "patch"), 0);
    json_t *twilio = s_fake_call (self->twilio_url, "/_fake/counts", NULL);
    assert_int_equal (json_integer_value (json_object_get (twilio, "accounts")), 0);
    json_decref (twilio);
    redisReply *reply = s_redis (self, "EXISTS %s", "sb:agents:acme");
    assert_int_equal (reply->integer, 0);
    freeReplyObject (reply);
    reply = s_redis (self, "EXISTS %s", "sb:cred:acme");
    assert_int_equal (reply->integer, 1);
    freeReplyObject (reply);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  6. Twilio credentials refused: a wrong token (401), another account
//     (404); Vapi is never written to

static void
test_invalid_twilio (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t saves [2] = { s_acme, s_acme };
    saves [0].token = S_WRONG_TOKEN;
    saves [1].sid = S_OTHER_SID;
    json_t *lines = s_run (self, saves, 2, NULL);
    assert_int_equal (json_array_size (lines), 4);
    s_assert_failure (s_report_at (lines, 0), "twilio_validated", "HTTP 401");
    s_assert_failure (s_report_at (lines, 2), "twilio_validated", "no account " S_OTHER_SID);
    assert_true (json_is_true (json_object_get (json_object_get (s_report_at (lines, 0),
                                                                 "steps"), "vapi_validated")));
    assert_int_equal (s_count (self, "create") + s_count (self, "patch"), 0);
    redisReply *reply = s_redis (self, "EXISTS %s", "sb:agents:acme");
    assert_int_equal (reply->integer, 0);
    freeReplyObject (reply);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  7. Transient failures: a 429's Retry-After is the retry's delay, a 5xx
//     retries, a time-out retries; the last attempt reports instead

static void
test_transient (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    char config [S_PATH_MAX];
    snprintf (config, sizeof config, "%s/agent-sync.zpl", self->dir);
    FILE *file = fopen (config, "w");
    assert_non_null (file);
    fprintf (file, "agent-sync\n    lock-ttl = 2000\n    vapi\n        timeout = 500\n");
    assert_int_equal (fclose (file), 0);
    const char *extra [] = { "-c", config, NULL };
    s_fault (self, "{\"op\":\"list\",\"status\":429,\"retry_after\":2}");
    s_fault (self, "{\"op\":\"list\",\"delay_ms\":1500}");
    s_fault (self, "{\"op\":\"create\",\"status\":503,\"times\":3}");
    s_save_t saves [4] = { s_acme, s_acme, s_acme, s_acme };
    saves [2].attempt = 2;
    saves [3].attempt = 3;                       //  the last: a report
    json_t *lines = s_run (self, saves, 4, extra);
    assert_int_equal (json_array_size (lines), 5);
    const json_t *limited = json_array_get (lines, 0);
    assert_string_equal (s_get (limited, "outcome", NULL), "retry");
    assert_int_equal (json_integer_value (json_object_get (limited, "delay_ms")), 2000);
    assert_non_null (strstr (s_get (json_array_get (lines, 1), "reason", NULL), "timed out"));
    assert_non_null (strstr (s_get (json_array_get (lines, 2), "reason", NULL), "HTTP 503"));
    const json_t *report = s_report_at (lines, 3);
    s_assert_failure (report, "agents_synced", "HTTP 503");
    assert_non_null (strstr (s_get (report, "error", NULL), "(3 attempts)"));
    assert_int_equal (s_count (self, "assistants"), 0);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  8. An assistant deleted on Vapi's side is made again at the next change

static void
test_deleted_assistant (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t save = s_acme;
    json_t *first = s_run (self, &save, 1, NULL);
    const json_t *report = s_assert_success (s_report (first), "created", "created");
    char url [S_PATH_MAX];
    snprintf (url, sizeof url, "%s/assistant/%s", self->vapi_url,
              s_get (report, "agent_ids", "outbound"));
    CURL *curl = curl_easy_init ();
    struct curl_slist *headers = curl_slist_append (NULL, "Authorization: Bearer "
                                                          S_VAPI_KEY);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, "DELETE");
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_data);
    zchunk_t *ignored = zchunk_new (NULL, 0);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, ignored);
    assert_int_equal (curl_easy_perform (curl), CURLE_OK);
    zchunk_destroy (&ignored);
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
    save.config = "{\"name\":\"Acme again\"}";
    json_t *second = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (second), "updated", "created");
    assert_int_equal (s_count (self, "create"), 3);
    s_assert_assistants (self, s_report (second));
    json_decref (first);
    json_decref (second);
}

//  --------------------------------------------------------------------------
//  9. No key, or a malformed one: agent-sync refuses to start (78) and
//     says why, without quoting the key

static void
s_assert_refuses (s_world_t *self, const char *key, const char *why)
{
    if (key)
        setenv ("CREDENTIALS_KEY", key, 1);
    else
        unsetenv ("CREDENTIALS_KEY");
    s_run_t run;
    s_run_start (self, json_array (), NULL, &run);
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    int status = -1;
    if (sb_testproc_wait (run.proc, S_RUN_MS, &status))
        fail_msg ("agent-sync did not exit");
    sb_testproc_destroy (&run.proc);
    char *err = s_slurp (run.err);
    assert_non_null (err);
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 78 || !strstr (err, why)
    ||  (key && *key && strstr (err, key)))
        fail_msg ("expected exit 78 saying '%s', got status %d: %s", why, status, err);
    free (err);
}

static void
test_key_required (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_assert_refuses (self, NULL, "CREDENTIALS_KEY is not set");
    s_assert_refuses (self, "", "CREDENTIALS_KEY is not set");
    s_assert_refuses (self, "0123456789abcdef", "CREDENTIALS_KEY: the key is neither");
    s_assert_refuses (self, "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                      "CREDENTIALS_KEY: the key is neither");
}

int
main (int argc, char *argv [])
{
    if (argc < 4) {
        fprintf (stderr, "Usage: test_agent_sync AGENT_SYNC FAKE_VAPI FAKE_TWILIO [TEST]\n");
        return 64;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return S_EXIT_SKIP;
    }
    s_programs_t programs = { argv [1], argv [2], argv [3] };
    if (argc > 4)
        cmocka_set_test_filter (argv [4]);
    if (curl_global_init (CURL_GLOBAL_DEFAULT)) {
        fprintf (stderr, "test_agent_sync: curl_global_init failed\n");
        return 1;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_first_save, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_same_then_changed, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_concurrent_saves, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_lost_answer, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_invalid_vapi_key, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_invalid_twilio, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_transient, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_deleted_assistant, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_key_required, s_setup, s_teardown,
                                                  &programs),
    };
    int failed = cmocka_run_group_tests (tests, NULL, NULL);
    curl_global_cleanup ();
    return failed;
}
