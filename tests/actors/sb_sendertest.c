/*  sb_sendertest.c — what the sender's tests share (sb_sendertest.h).    */

#include "sb_sendertest.h"

//  --------------------------------------------------------------------------
//  The fake Twilio, over HTTP

static size_t
s_collect (char *data, size_t size, size_t count, void *user)
{
    zchunk_t *chunk = (zchunk_t *) user;
    zchunk_extend (chunk, data, size * count);
    return size * count;
}

//  Sends method path (body for POST; with basic auth user:password if
//  userpwd is not NULL) to the fake; returns its JSON answer (caller
//  decrefs), asserting the status.
json_t *
s_http (s_world_t *self, const char *method, const char *path, const char *body,
        const char *userpwd, long expected)
{
    char url [256];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", self->port, path);
    CURL *curl = curl_easy_init ();
    zchunk_t *chunk = zchunk_new (NULL, 0);
    assert_true (curl && chunk);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) S_WAIT_MS);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_collect);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, chunk);
    if (userpwd)
        curl_easy_setopt (curl, CURLOPT_USERPWD, userpwd);
    if (streq (method, "POST"))
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body? body: "");
    CURLcode rc = curl_easy_perform (curl);
    long status = 0;
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup (curl);
    json_t *json = json_loadb ((const char *) zchunk_data (chunk), zchunk_size (chunk), 0, NULL);
    zchunk_destroy (&chunk);
    if (rc != CURLE_OK || status != expected || !json)
        fail_msg ("fake %s %s: %s, HTTP %ld", method, path, curl_easy_strerror (rc), status);
    return json;
}

//  The fake's own endpoints: no auth, 200.
json_t *
s_fake_call (s_world_t *self, const char *method, const char *path, const char *body)
{
    return s_http (self, method, path, body, NULL, 200);
}

//  Appends steps (one per line) to the fake's script.
void
s_script (s_world_t *self, const char *steps)
{
    json_decref (s_fake_call (self, "POST", "/_fake/script", steps));
}

//  What the fake has: its /_fake/messages answer (caller decrefs).
json_t *
s_fake_state (s_world_t *self)
{
    return s_fake_call (self, "GET", "/_fake/messages", NULL);
}

//  Asserts the fake accepted messages messages from creates create and
//  lists list requests.
void
s_assert_fake (s_world_t *self, size_t messages, int creates, int lists)
{
    json_t *state = s_fake_state (self);
    size_t got = json_array_size (json_object_get (state, "messages"));
    json_int_t got_creates = json_integer_value (json_object_get (state, "creates"));
    json_int_t got_lists = json_integer_value (json_object_get (state, "lists"));
    if (got != messages || got_creates != creates || got_lists != lists) {
        char *text = json_dumps (state, JSON_INDENT (2));
        fail_msg ("the fake has %zu messages from %d creates and %d lists, expected %zu, %d, "
                  "%d:\n%s", got, (int) got_creates, (int) got_lists, messages, creates, lists,
                  text);
    }
    json_decref (state);
}

//  The sid of the fake's index-th message (a new string).
char *
s_fake_sid (s_world_t *self, size_t index)
{
    json_t *state = s_fake_state (self);
    json_t *message = json_array_get (json_object_get (state, "messages"), index);
    assert_non_null (message);
    char *sid = strdup (json_string_value (json_object_get (message, "sid")));
    json_decref (state);
    return sid;
}

//  --------------------------------------------------------------------------
//  The world

//  Waits for the fake's port file. Returns the port, or -1.
static int
s_read_port (const char *path)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        FILE *file = fopen (path, "r");
        int port = -1;
        if (file) {
            if (fscanf (file, "%d", &port) != 1)
                port = -1;
            fclose (file);
        }
        if (port > 0)
            return port;
        zclock_sleep (10);      //  polling, with the deadline above
    }
    return -1;
}

//  Writes the sender's config: Redis, outbox file, and Twilio's settings
//  unless outbox (then no account: outbox mode). extra: more lines of the
//  twilio section, or NULL.
void
s_write_config (s_world_t *self, bool outbox, const char *extra)
{
    snprintf (self->config, sizeof self->config, "%s/sender-%u.cfg", self->dir, self->runs);
    FILE *file = fopen (self->config, "w");
    assert_non_null (file);
    fprintf (file, "sender\n    redis = %s\n    outbox = %s/outbox.jsonl\n",
             sb_testredis_url (self->redis), self->dir);
    if (!outbox)
        fprintf (file, "    twilio\n        api_base = http://127.0.0.1:%d\n"
                       "        account_sid = %s\n        timeout = %d\n"
                       "        lookup_delay = 0\n        clock_skew = 2000\n%s",
                 self->port, S_ACCOUNT, S_TIMEOUT_MS, extra? extra: "");
    fclose (file);
}

//  Starts a fake Twilio (named name in the world's directory) for account
//  and token on a free port, into *port. Returns it (caller stops it).
sb_testproc_t *
s_fake_start (s_world_t *self, const char *name, const char *account, const char *token,
              int *port)
{
    char port_file [320];
    snprintf (port_file, sizeof port_file, "%s/%s.port", self->dir, name);
    char *argv [] = { (char *) self->programs->fake, "--account", (char *) account, "--token",
                      (char *) token, "--port", "0", "--port-file", port_file, NULL };
    //  Its stdout (the port) into the file, not into the test's log
    int saved = dup (1), null = open ("/dev/null", O_WRONLY | O_CLOEXEC);
    fflush (stdout);
    dup2 (null, 1);
    sb_testproc_t *fake = sb_testproc_new (argv);
    dup2 (saved, 1);
    close (saved);
    close (null);
    assert_non_null (fake);
    *port = s_read_port (port_file);
    assert_true (*port > 0);
    return fake;
}

int
s_setup (void **state)
{
    s_world_t *self = (s_world_t *) calloc (1, sizeof *self);
    self->programs = (const s_programs_t *) *state;
    snprintf (self->dir, sizeof self->dir, "%s/test_sender.XXXXXX",
              getenv ("TMPDIR")? getenv ("TMPDIR"): "/tmp");
    assert_non_null (mkdtemp (self->dir));
    self->redis = sb_testredis_new (NULL);
    assert_non_null (self->redis);
    self->twilio = s_fake_start (self, "fake", S_ACCOUNT, S_TOKEN, &self->port);
    setenv ("TWILIO_AUTH_TOKEN", S_TOKEN, 1);
    unsetenv ("CREDENTIALS_KEY");
    s_write_config (self, false, NULL);
    *state = self;
    return 0;
}

int
s_teardown (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    int rc = sb_testproc_stop (&self->twilio, S_WAIT_MS, "fake_twilio");
    sb_testredis_destroy (&self->redis);
    sb_testutil_remove_tree (self->dir);
    *state = (void *) self->programs;
    free (self);
    return rc;
}

//  --------------------------------------------------------------------------
//  Envelopes and runs

//  A quality.approved envelope (caller decrefs): key names it, channel sms
//  or whatsapp, to the employee's phone.
json_t *
s_approved (const char *id, const char *key, const char *channel, const char *to)
{
    json_t *conversation = json_pack ("{s:s, s:s, s:s, s:s, s:s}", "channel", channel,
                                      "employee_phone", to, "tenant_number", S_TENANT_NUMBER,
                                      "intent", "check_hours", "text", "how many hours?");
    return json_pack ("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:[s], s:i, s:o}}",
                      "v", 1, "id", id, "key", key, "corr", "conv-test", "type",
                      "quality.approved", "src", "quality", "tenant", "demo",
                      "created_ms", (json_int_t) zclock_time (), "body", "text", S_TEXT,
                      "checks", "not_empty", "round", 0, "conversation", conversation);
}

//  Reads the JSON lines of path (others, such as logs, are skipped).
json_t *
s_read_lines (const char *path)
{
    json_t *lines = json_array ();
    FILE *file = fopen (path, "r");
    char line [65536];
    while (file && fgets (line, sizeof line, file))
        if (line [0] == '{')
            json_array_append_new (lines, json_loads (line, 0, NULL));
    if (file)
        fclose (file);
    return lines;
}

//  Runs the sender's harness on envelopes (an array, or one envelope; each
//  delivered as attempt attempt) with the world's config, extra arguments
//  (NULL-terminated, may be NULL). Fills run (caller clears run->lines).
void
s_run (s_world_t *self, const json_t *envelopes, unsigned attempt, const char *const *extra,
       s_run_t *run)
{
    char input [320], output [320];
    unsigned number = ++self->runs;
    snprintf (input, sizeof input, "%s/in-%u.json", self->dir, number);
    snprintf (output, sizeof output, "%s/out-%u.txt", self->dir, number);
    json_t *list = json_is_array (envelopes)? json_deep_copy (envelopes)
                                            : json_pack ("[O]", envelopes);
    size_t index;
    json_t *envelope;
    json_array_foreach (list, index, envelope)
        json_object_set_new (envelope, "attempt", json_integer (attempt));
    FILE *file = fopen (input, "w");
    assert_non_null (file);
    json_array_foreach (list, index, envelope)
        json_dumpf (envelope, file, JSON_COMPACT);
    fclose (file);
    json_decref (list);
    char *argv [16] = { (char *) self->programs->sender, "-c", self->config, "--harness", input };
    for (size_t count = 5; extra && *extra && count < 15; extra++)
        argv [count++] = (char *) *extra;
    int out = open (output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int saved_out = dup (1), saved_err = dup (2);
    fflush (stdout);
    fflush (stderr);
    dup2 (out, 1);
    dup2 (out, 2);
    sb_testproc_t *process = sb_testproc_new (argv);
    dup2 (saved_out, 1);
    dup2 (saved_err, 2);
    close (saved_out);
    close (saved_err);
    close (out);
    assert_non_null (process);
    int status = -1;
    bool exited = sb_testproc_wait (process, S_RUN_MS, &status) == 0;
    sb_testproc_destroy (&process);
    run->status = exited && WIFEXITED (status)? WEXITSTATUS (status): -1;
    run->lines = s_read_lines (output);
    if (run->status != 0) {
        char text [4096] = "";
        file = fopen (output, "r");
        size_t got = file? fread (text, 1, sizeof text - 1, file): 0;
        text [got] = 0;
        if (file)
            fclose (file);
        fprintf (stderr, "test_sender: sender exited %d:\n%s\n", run->status, text);
    }
}

//  The outcome line of the index-th input (counting outcomes).
const json_t *
s_outcome (const s_run_t *run, size_t which)
{
    size_t index;
    json_t *line;
    json_array_foreach (run->lines, index, line)
        if (json_object_get (line, "outcome") && which-- == 0)
            return line;
    fail_msg ("no outcome %zu in the run's output", which);
    return NULL;
}

//  Asserts the first input's outcome is kind ("done", "retry", "fail").
void
s_assert_outcome (const s_run_t *run, const char *kind)
{
    const json_t *outcome = s_outcome (run, 0);
    const char *got = json_string_value (json_object_get (outcome, "outcome"));
    if (!got || !streq (got, kind)) {
        char *text = json_dumps (run->lines, JSON_INDENT (2));
        fail_msg ("expected outcome %s, got:\n%s", kind, text);
    }
}

//  The body of the first message.sent emitted (borrowed from run).
const json_t *
s_sent (const s_run_t *run)
{
    const json_t *first = json_array_get (run->lines, 0);
    assert_string_equal (json_string_value (json_object_get (first, "type")), "message.sent");
    return json_object_get (first, "body");
}

//  One delivery of envelope as attempt, expecting kind; run filled.
void
s_deliver (s_world_t *self, const json_t *envelope, unsigned attempt, const char *kind,
           s_run_t *run)
{
    s_run (self, envelope, attempt, NULL, run);
    assert_int_equal (run->status, 0);
    s_assert_outcome (run, kind);
}

//  The record of key in Redis (a new string, or NULL if none).
char *
s_record (s_world_t *self, const char *prefix, const char *key)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_non_null (redis);
    redisReply *reply = (redisReply *) redisCommand (redis, "GET %s%s", prefix, key);
    assert_non_null (reply);
    char *value = reply->type == REDIS_REPLY_STRING? strdup (reply->str): NULL;
    freeReplyObject (reply);
    redisFree (redis);
    return value;
}

//  --------------------------------------------------------------------------
//  The test programs' main

int
s_main (int argc, char *argv [], const char *group, struct CMUnitTest *tests, size_t count)
{
    if (argc < 3) {
        fprintf (stderr, "usage: test_sender_%s SENDER FAKE_TWILIO [TEST]\n", group);
        return 2;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_sender_%s: SKIPPED: redis-server is not in PATH\n", group);
        return S_EXIT_SKIP;
    }
    if (argc > 3)
        cmocka_set_test_filter (argv [3]);
    //  The developer's shell must not steer the sender: only the config
    //  files written here do
    const char *variables [] = { "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_API_BASE",
                                 "TWILIO_PHONE_NUMBER", "SB_REDIS_URL", "CREDENTIALS_KEY",
                                 "CREDENTIALS_KEY_FILE", "REDIS_PASSWORD" };
    for (size_t index = 0; index < 8; index++)
        unsetenv (variables [index]);
    curl_global_init (CURL_GLOBAL_DEFAULT);
    static s_programs_t programs;
    programs.sender = argv [1];
    programs.fake = argv [2];
    for (size_t index = 0; index < count; index++)
        if (tests [index].setup_func)
            tests [index].initial_state = &programs;
    char name [64];
    snprintf (name, sizeof name, "sender %s", group);
    int failed = _cmocka_run_group_tests (name, tests, count, NULL, NULL);
    curl_global_cleanup ();
    return failed? 1: 0;
}
