/*  sb_agentsynctest.c — what agent-sync's tests share (sb_agentsynctest.h). */

#include "sb_agentsynctest.h"

const char *s_secrets [] = {
    S_VAPI_KEY, S_WRONG_VAPI_KEY, S_TOKEN, S_WRONG_TOKEN, S_KEY_HEX
};

//  --------------------------------------------------------------------------
//  Files and HTTP

//  The whole of path as a new string, or NULL.
char *
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

size_t
s_on_data (char *data, size_t size, size_t count, void *user)
{
    zchunk_extend ((zchunk_t *) user, data, size * count);
    return size * count;
}

//  A call to a fake: GET (body NULL) or POST url. Returns its JSON answer
//  (caller decrefs); fails the test on no answer or no JSON.
json_t *
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
json_int_t
s_count (s_world_t *self, const char *name)
{
    json_t *counts = s_fake_call (self->vapi_url, "/_fake/counts", NULL);
    json_int_t value = json_integer_value (json_object_get (counts, name));
    json_decref (counts);
    return value;
}

void
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

int
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
int
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
json_t *
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
void
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
json_t *
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
json_t *
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
json_t *
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
const json_t *
s_report (const json_t *lines)
{
    if (json_array_size (lines) != 2) {
        char *text = json_dumps (lines, JSON_INDENT (2));
        fail_msg ("expected a report and its outcome, got %s", text);
    }
    return s_report_at (lines, 0);
}

const char *
s_get (const json_t *json, const char *outer, const char *inner)
{
    const json_t *value = json_object_get (json, outer);
    if (inner)
        value = json_object_get (value, inner);
    return json_string_value (value);
}

//  Asserts a successful report with these actions; returns it.
const json_t *
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
void
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

redisReply *
s_redis (s_world_t *self, const char *format, const char *key)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_non_null (redis);
    redisReply *reply = (redisReply *) redisCommand (redis, format, key);
    assert_non_null (reply);
    redisFree (redis);
    return reply;
}

const s_save_t s_acme = { "acme", S_VAPI_KEY, NULL, NULL, NULL, 1 };

//  --------------------------------------------------------------------------
//  Vapi's assistants

//  Fails unless fake Vapi holds exactly two assistants, acme's inbound and
//  outbound, with the ids the report gave.
void
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

//  --------------------------------------------------------------------------
//  The test programs' main

int
s_main (int argc, char *argv [], const char *group, struct CMUnitTest *tests, size_t count)
{
    if (argc < 4) {
        fprintf (stderr, "Usage: test_agent_sync_%s AGENT_SYNC FAKE_VAPI FAKE_TWILIO [TEST]\n",
                 group);
        return 64;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return S_EXIT_SKIP;
    }
    static s_programs_t programs;
    programs.agent = argv [1];
    programs.vapi = argv [2];
    programs.twilio = argv [3];
    if (argc > 4)
        cmocka_set_test_filter (argv [4]);
    if (curl_global_init (CURL_GLOBAL_DEFAULT)) {
        fprintf (stderr, "test_agent_sync_%s: curl_global_init failed\n", group);
        return 1;
    }
    for (size_t index = 0; index < count; index++)
        tests [index].initial_state = &programs;
    char name [64];
    snprintf (name, sizeof name, "agent_sync %s", group);
    int failed = _cmocka_run_group_tests (name, tests, count, NULL, NULL);
    curl_global_cleanup ();
    return failed;
}
