/*  test_sender.c — the sender's tests (actors/sender/, docs/actors/sender.md).

    Its modules first: the readers of Twilio's answers (known answers in
    Twilio's own shape), the throttle (per-account slots across threads,
    per-number buckets on a given clock) and the never-twice record's
    compare-and-set steps against a real redis-server.

    Then the program itself: each delivery is one run of `sender --harness`
    on an envelope the test writes (attempt N as the broker would set it),
    against the fake Twilio (tests/fakes/fake_twilio, on a free port, with
    its script of failures) and a private redis-server. Every case asserts
    what reached the fake (GET /_fake/messages: the messages it accepted
    and how many create and list requests came), the outcome the sender
    answered (a retry's delay_ms, a failure's reason), what it emitted and
    its record in Redis. Delays are asserted as the outcome's delay_ms, the
    number the broker would wait: no wall clock.

    Usage: test_sender SENDER FAKE_TWILIO [TEST]   (CTest passes the
    programs; TEST runs only the tests whose names contain it).
    Exits 77 (skipped) without redis-server.                               */

#include "sb_classes.h"
#include "sb_credentials.h"
#include "sb_sent.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include "sb_throttle.h"
#include "sb_twilio_api.h"
#include <curl/curl.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS     10000      //  longest wait for anything to happen
#define S_RUN_MS      30000      //  for one harness run
#define S_EXIT_SKIP   77
#define S_EXIT_CONFIG 78
#define S_ACCOUNT     "AC0123456789abcdef0123456789abcdef"
#define S_TOKEN       "test-auth-token-0123456789abcdef"
#define S_EMPLOYEE    "+15551234567"
#define S_TENANT_NUMBER "+15557654321"
#define S_TEXT        "Hi Dana, this week you have logged 8 hours on Acme (expected 32). - Acme HR"
#define S_TIMEOUT_MS  1000       //  sender/twilio/timeout in these tests
#define S_KEY_HEX     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S_ACME_ACCOUNT "ACacacacacacacacacacacacacacacacac"   //  acme's own, stored
#define S_ACME_TOKEN  "acme-own-auth-token-7f3a9c51d2e8"
#define S_ACME_NUMBER "+15550002222"                          //  acme's, stored

typedef struct {
    const char *sender;
    const char *fake;
} s_programs_t;

//  One test's world: its directory, Redis, fake Twilio and sender config.
typedef struct {
    const s_programs_t *programs;
    char dir [256];
    char config [320];
    sb_testredis_t *redis;
    sb_testproc_t *twilio;
    int port;                    //  the fake's
    unsigned runs;
} s_world_t;

//  What one harness run printed: per input, its emits and its outcome.
typedef struct {
    json_t *lines;               //  every JSON line, in order
    int status;                  //  exit status
} s_run_t;

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
static json_t *
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
static json_t *
s_fake_call (s_world_t *self, const char *method, const char *path, const char *body)
{
    return s_http (self, method, path, body, NULL, 200);
}

//  Appends steps (one per line) to the fake's script.
static void
s_script (s_world_t *self, const char *steps)
{
    json_decref (s_fake_call (self, "POST", "/_fake/script", steps));
}

//  What the fake has: its /_fake/messages answer (caller decrefs).
static json_t *
s_fake_state (s_world_t *self)
{
    return s_fake_call (self, "GET", "/_fake/messages", NULL);
}

//  Asserts the fake accepted messages messages from creates create and
//  lists list requests.
static void
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
static char *
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
static void
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
static sb_testproc_t *
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

static int
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

static int
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
static json_t *
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
static json_t *
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
static void
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
static const json_t *
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
static void
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
static const json_t *
s_sent (const s_run_t *run)
{
    const json_t *first = json_array_get (run->lines, 0);
    assert_string_equal (json_string_value (json_object_get (first, "type")), "message.sent");
    return json_object_get (first, "body");
}

//  One delivery of envelope as attempt, expecting kind; run filled.
static void
s_deliver (s_world_t *self, const json_t *envelope, unsigned attempt, const char *kind,
           s_run_t *run)
{
    s_run (self, envelope, attempt, NULL, run);
    assert_int_equal (run->status, 0);
    s_assert_outcome (run, kind);
}

//  The record of key in Redis (a new string, or NULL if none).
static char *
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
//  Module tests: the readers of Twilio's answers

//  A 201's answer as Twilio writes it.
static const char *s_created =
    "{\"account_sid\": \"AC0123456789abcdef0123456789abcdef\", \"api_version\": \"2010-04-01\","
    " \"body\": \"Hi Dana\", \"date_created\": \"Thu, 05 Mar 2026 09:00:00 +0000\","
    " \"date_sent\": null, \"date_updated\": \"Thu, 05 Mar 2026 09:00:00 +0000\","
    " \"direction\": \"outbound-api\", \"error_code\": null, \"error_message\": null,"
    " \"from\": \"+15557654321\", \"messaging_service_sid\": null, \"num_media\": \"0\","
    " \"num_segments\": \"2\", \"price\": null, \"price_unit\": \"USD\","
    " \"sid\": \"SM0123456789abcdef0123456789abcdef\", \"status\": \"queued\","
    " \"subresource_uris\": {\"media\": \"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef"
    "/Messages/SM0123456789abcdef0123456789abcdef/Media.json\"}, \"to\": \"+15551234567\","
    " \"uri\": \"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/"
    "SM0123456789abcdef0123456789abcdef.json\"}";

static void
test_read_message (void **state)
{
    (void) state;
    sb_twilio_message_t message;
    char err [256];
    assert_int_equal (sb_twilio_api_read_message (s_created, strlen (s_created), &message,
                                                  err, sizeof err), 0);
    assert_string_equal (message.sid, "SM0123456789abcdef0123456789abcdef");
    assert_string_equal (message.to, "+15551234567");
    assert_string_equal (message.from, "+15557654321");
    assert_string_equal (message.status, "queued");
    assert_string_equal (message.body, "Hi Dana");
    assert_int_equal (message.segments, 2);
    assert_int_equal (message.created_s, 1772701200);     //  2026-03-05T09:00:00Z
    //  Outside bytes: what does not read is refused with a reason
    const char *bad [] = { "", "[]", "{\"sid\": 5}", "{\"sid\": \"S\"}", "{\"sid\": \"SM 1\"}",
                           "{\"sid\": \"SM01\", \"to\": 7}", "{\"sid\": \"SM01\"", "null" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++)
        assert_int_equal (sb_twilio_api_read_message (bad [index], strlen (bad [index]), &message,
                                                      err, sizeof err), -1);
    //  Absent and odd optional fields read as nothing
    const char *lean = "{\"sid\": \"SM01\", \"num_segments\": \"x\", \"date_created\": 3}";
    assert_int_equal (sb_twilio_api_read_message (lean, strlen (lean), &message, err,
                                                  sizeof err), 0);
    assert_int_equal (message.segments, 0);
    assert_int_equal (message.created_s, 0);
}

static void
test_read_error (void **state)
{
    (void) state;
    const char *answer = "{\"code\": 21211, \"message\": \"Invalid 'To' Phone Number: +1555\","
                         " \"more_info\": \"https://www.twilio.com/docs/errors/21211\","
                         " \"status\": 400}";
    int code;
    char reason [128];
    sb_twilio_api_read_error (answer, strlen (answer), &code, reason, sizeof reason);
    assert_int_equal (code, 21211);
    assert_string_equal (reason, "Invalid 'To' Phone Number: +1555");
    //  A proxy's page: no code, a printable sample as the reason
    const char *page = "<html>\n502 Bad Gateway</html>";
    sb_twilio_api_read_error (page, strlen (page), &code, reason, sizeof reason);
    assert_int_equal (code, 0);
    assert_string_equal (reason, "<html>.502 Bad Gateway</html>");
    sb_twilio_api_read_error (NULL, 0, &code, reason, sizeof reason);
    assert_string_equal (reason, "");
}

static bool
s_count_each (const sb_twilio_message_t *message, void *arg)
{
    (void) message;
    (*(int *) arg)++;
    return false;
}

static void
test_read_list (void **state)
{
    (void) state;
    char *list = zsys_sprintf ("{\"messages\": [%s, {\"sid\": 1}, %s], \"page\": 0,"
                               " \"next_page_uri\": \"/2010-04-01/Accounts/AC1/Messages.json"
                               "?Page=1\"}", s_created, s_created);
    int count = 0;
    size_t skipped = 0;
    char next [256], err [256];
    assert_int_equal (sb_twilio_api_read_list (list, strlen (list), s_count_each, &count, next,
                                               sizeof next, &skipped, err, sizeof err), 0);
    assert_int_equal (count, 2);
    assert_int_equal (skipped, 1);
    assert_string_equal (next, "/2010-04-01/Accounts/AC1/Messages.json?Page=1");
    zstr_free (&list);
    const char *last = "{\"messages\": [], \"next_page_uri\": null}";
    assert_int_equal (sb_twilio_api_read_list (last, strlen (last), s_count_each, &count, next,
                                               sizeof next, NULL, err, sizeof err), 0);
    assert_string_equal (next, "");
    assert_int_equal (sb_twilio_api_read_list ("{}", 2, s_count_each, &count, next, sizeof next,
                                               NULL, err, sizeof err), -1);
}

static void
test_retry_after (void **state)
{
    (void) state;
    assert_int_equal (sb_twilio_api_read_retry_after (" 7\r\n", 0), 7000);
    assert_int_equal (sb_twilio_api_read_retry_after ("0", 0), 0);
    //  An HTTP date, 90 s after "now"
    assert_int_equal (sb_twilio_api_read_retry_after ("Thu, 05 Mar 2026 09:01:30 GMT",
                                                      1772701200), 90000);
    assert_int_equal (sb_twilio_api_read_retry_after ("Thu, 05 Mar 2026 08:00:00 GMT",
                                                      1772701200), 0);
    assert_int_equal (sb_twilio_api_read_retry_after ("soon", 0), -1);
    assert_int_equal (sb_twilio_api_read_retry_after ("7x", 0), -1);
    assert_int_equal (sb_twilio_api_read_retry_after ("99999999999999999999", 0), -1);
}

//  --------------------------------------------------------------------------
//  Module tests: the throttle

typedef struct {
    sb_throttle_t *throttle;
    int rc;
} s_waiter_t;

static void *
s_wait_for_slot (void *arg)
{
    s_waiter_t *waiter = (s_waiter_t *) arg;
    waiter->rc = sb_throttle_enter (waiter->throttle, "AC-a", S_WAIT_MS);
    return NULL;
}

static void
test_throttle_accounts (void **state)
{
    (void) state;
    sb_throttle_t *throttle = sb_throttle_new (2, 0, 0);
    assert_int_equal (sb_throttle_enter (throttle, "AC-a", 0), 0);
    assert_int_equal (sb_throttle_enter (throttle, "AC-a", 0), 0);
    //  Full: a third waits and gives up; another account is not held back
    assert_int_equal (sb_throttle_enter (throttle, "AC-a", 20), -1);
    assert_int_equal (sb_throttle_enter (throttle, "AC-b", 0), 0);
    assert_int_equal (sb_throttle_in_flight (throttle, "AC-a"), 2);
    //  A waiting thread takes the slot given back
    s_waiter_t waiter = { throttle, -2 };
    pthread_t thread;
    assert_int_equal (pthread_create (&thread, NULL, s_wait_for_slot, &waiter), 0);
    sb_throttle_leave (throttle, "AC-a");
    pthread_join (thread, NULL);
    assert_int_equal (waiter.rc, 0);
    assert_int_equal (sb_throttle_in_flight (throttle, "AC-a"), 2);
    sb_throttle_leave (throttle, "AC-a");
    sb_throttle_leave (throttle, "AC-a");
    sb_throttle_leave (throttle, "AC-b");
    assert_int_equal (sb_throttle_in_flight (throttle, "AC-a"), 0);
    sb_throttle_destroy (&throttle);
}

static void
test_throttle_numbers (void **state)
{
    (void) state;
    sb_throttle_t *throttle = sb_throttle_new (100, 2, 2);     //  2 per second, bursts of 2
    assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 0);
    assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 0);
    assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 500);
    assert_int_equal (sb_throttle_take (throttle, "+2", 1000), 0);    //  its own bucket
    assert_int_equal (sb_throttle_take (throttle, "+1", 1250), 250);
    assert_int_equal (sb_throttle_take (throttle, "+1", 1500), 0);
    sb_throttle_destroy (&throttle);
    throttle = sb_throttle_new (100, 0, 0);                    //  off
    for (int index = 0; index < 100; index++)
        assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 0);
    sb_throttle_destroy (&throttle);
}

//  --------------------------------------------------------------------------
//  Module tests: the never-twice record against Redis

static void
test_record_steps (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    redisContext *redis = sb_testredis_connect (self->redis);
    char err [256];
    sb_sent_record_t record;
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_NONE);
    assert_true (record.now_ms > 0);
    //  Only one of two claims from the same reading wins
    int64_t at_ms = 0, other = 0;
    assert_int_equal (sb_sent_claim (redis, "k1", "", 1, S_ACCOUNT, 60, &at_ms, err, sizeof err),
                      1);
    assert_int_equal (sb_sent_claim (redis, "k1", "", 2, S_ACCOUNT, 60, &other, err, sizeof err),
                      0);
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_PENDING);
    assert_int_equal (record.attempt, 1);
    assert_int_equal (record.at_ms, at_ms);
    assert_string_equal (record.account, S_ACCOUNT);
    //  Unsure, then a claim from that value; the old claim cannot release it
    assert_int_equal (sb_sent_unsure (redis, "k1", 1, S_ACCOUNT, at_ms, 60, err, sizeof err), 1);
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_UNSURE);
    assert_string_equal (record.account, S_ACCOUNT);
    assert_int_equal (sb_sent_release (redis, "k1", 1, S_ACCOUNT, at_ms, err, sizeof err), 0);
    assert_int_equal (sb_sent_claim (redis, "k1", record.raw, 2, S_ACCOUNT, 60, &other, err,
                                     sizeof err), 1);
    //  Done from the claim; the SID's owner is noted
    json_t *details = json_pack ("{s:s}", "status", "queued");
    char claim [SB_SENT_RAW_MAX];
    sb_sent_claim_value (2, other, S_ACCOUNT, claim);
    assert_int_equal (sb_sent_done (redis, "k1", claim, "SM01", details, 60, err, sizeof err), 1);
    assert_int_equal (sb_sent_done (redis, "k1", claim, "SM02", details, 60, err, sizeof err), 0);
    json_decref (details);
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_DONE);
    assert_string_equal (record.sid, "SM01");
    assert_string_equal (json_string_value (json_object_get (record.details, "status")), "queued");
    sb_sent_record_clear (&record);
    bool failed = false;
    assert_true (sb_sent_taken (redis, "SM01", "k2", &failed));
    assert_false (sb_sent_taken (redis, "SM01", "k1", &failed));
    assert_false (failed);
    //  A value in none of the forms
    redisReply *reply = (redisReply *) redisCommand (redis, "SET sb:sent:k3 pending:x:1");
    freeReplyObject (reply);
    assert_int_equal (sb_sent_read (redis, "k3", &record, err, sizeof err), SB_SENT_CORRUPT);
    reply = (redisReply *) redisCommand (redis, "SET sb:sent:k4 unsure:1:1000:AC/../x");
    freeReplyObject (reply);
    assert_int_equal (sb_sent_read (redis, "k4", &record, err, sizeof err), SB_SENT_CORRUPT);
    //  A claim written before claims named their account: none
    reply = (redisReply *) redisCommand (redis, "SET sb:sent:k5 unsure:3:1000");
    freeReplyObject (reply);
    assert_int_equal (sb_sent_read (redis, "k5", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_UNSURE);
    assert_int_equal (record.attempt, 3);
    assert_string_equal (record.account, "");
    redisFree (redis);
}

//  --------------------------------------------------------------------------
//  The program against the fake Twilio

//  201: one message at the fake, message.sent from its answer, the SID
//  recorded.
static void
test_sent_once (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000001", "t:once", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "done", &run);
    s_assert_fake (self, 1, 1, 0);
    char *sid = s_fake_sid (self, 0);
    const json_t *sent = s_sent (&run);
    assert_string_equal (json_string_value (json_object_get (sent, "message_sid")), sid);
    assert_string_equal (json_string_value (json_object_get (sent, "provider")), "twilio");
    assert_string_equal (json_string_value (json_object_get (sent, "to")), S_EMPLOYEE);
    assert_string_equal (json_string_value (json_object_get (sent, "from")), S_TENANT_NUMBER);
    assert_string_equal (json_string_value (json_object_get (sent, "status")), "queued");
    assert_int_equal (json_integer_value (json_object_get (sent, "segments")), 1);
    json_t *state_json = s_fake_state (self);
    json_t *message = json_array_get (json_object_get (state_json, "messages"), 0);
    assert_string_equal (json_string_value (json_object_get (message, "body")), S_TEXT);
    assert_string_equal (json_string_value (json_object_get (message, "from")), S_TENANT_NUMBER);
    json_decref (state_json);
    char *record = s_record (self, SB_SENT_PREFIX, "t:once");
    char *owner = s_record (self, SB_SENT_SID_PREFIX, sid);
    assert_true (record && strncmp (record, "sid:", 4) == 0 && !strncmp (record + 4, sid, 34));
    assert_string_equal (owner, "t:once");
    free (record);
    free (owner);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  The same approved message delivered three times: one message, the same
//  message.sent (id and body) each time.
static void
test_three_deliveries (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000002", "t:thrice", "sms", S_EMPLOYEE);
    json_t *first = NULL;
    for (unsigned attempt = 1; attempt <= 3; attempt++) {
        s_run_t run;
        s_deliver (self, envelope, attempt, "done", &run);
        json_t *emitted = json_array_get (run.lines, 0);
        if (first) {
            assert_string_equal (json_string_value (json_object_get (emitted, "id")),
                                 json_string_value (json_object_get (first, "id")));
            assert_true (json_equal (json_object_get (emitted, "body"),
                                     json_object_get (first, "body")));
        }
        else
            first = json_incref (emitted);
        json_decref (run.lines);
    }
    s_assert_fake (self, 1, 1, 0);
    json_decref (first);
    json_decref (envelope);
}

//  500, then 201 at the retry: the retry looks first (nothing), then sends.
static void
test_500_then_201 (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "500");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000003", "t:500", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "HTTP 500"));
    json_decref (run.lines);
    char *record = s_record (self, SB_SENT_PREFIX, "t:500");
    assert_true (record && strncmp (record, "unsure:1:", 9) == 0);
    free (record);
    s_assert_fake (self, 0, 1, 0);
    s_deliver (self, envelope, 2, "done", &run);
    s_assert_fake (self, 1, 2, 1);
    json_decref (run.lines);
    json_decref (envelope);
}

//  429 with Retry-After: 7: retried after 7000 ms (the outcome's delay),
//  the claim released (Twilio has nothing), no lookup at the retry.
static void
test_429_retry_after (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "429 retry_after=7");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000004", "t:429", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    assert_int_equal (json_integer_value (json_object_get (s_outcome (&run, 0), "delay_ms")), 7000);
    json_decref (run.lines);
    char *record = s_record (self, SB_SENT_PREFIX, "t:429");
    assert_null (record);
    s_deliver (self, envelope, 2, "done", &run);
    s_assert_fake (self, 1, 2, 0);
    json_decref (run.lines);
    json_decref (envelope);
}

//  400 21211 (scripted), and a To the fake itself finds invalid: a
//  permanent failure with Twilio's code and message, nothing recorded.
static void
test_400_invalid_to (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "400 code=21211");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000005", "t:400", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "fail", &run);
    const char *reason = json_string_value (json_object_get (s_outcome (&run, 0), "reason"));
    assert_non_null (strstr (reason, "code 21211"));
    assert_non_null (strstr (reason, "Invalid 'To' Phone Number: " S_EMPLOYEE));
    json_decref (run.lines);
    json_decref (envelope);
    envelope = s_approved ("01KK1602M0SNDTEST000000006", "t:bad-to", "sms", "12345");
    s_deliver (self, envelope, 1, "fail", &run);
    reason = json_string_value (json_object_get (s_outcome (&run, 0), "reason"));
    assert_non_null (strstr (reason, "HTTP 400, code 21211"));
    json_decref (run.lines);
    json_decref (envelope);
    char *record = s_record (self, SB_SENT_PREFIX, "t:400");
    assert_null (record);
    s_assert_fake (self, 0, 2, 0);
}

//  The ambiguous case: the fake creates the message and drops the
//  connection. The retry finds it by lookup and sends nothing.
static void
test_ambiguous_drop (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "drop");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000007", "t:drop", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    s_assert_fake (self, 1, 1, 0);
    char *sid = s_fake_sid (self, 0);
    s_deliver (self, envelope, 2, "done", &run);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, 1, 1, 1);
    char *record = s_record (self, SB_SENT_PREFIX, "t:drop");
    assert_true (record && !strncmp (record + 4, sid, 34));
    free (record);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  A request stalled past the sender's time-out (Twilio took it, the
//  answer never came in time): the same, found by lookup.
static void
test_stall_past_timeout (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    char step [64];
    snprintf (step, sizeof step, "stall ms=%d", S_TIMEOUT_MS * 3);
    s_script (self, step);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000008", "t:stall", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "Timeout"));
    json_decref (run.lines);
    s_deliver (self, envelope, 2, "done", &run);
    char *sid = s_fake_sid (self, 0);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, 1, 1, 1);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  A claim younger than the time-out may still be in flight (another
//  instance, or one killed mid-request): the sender waits, touching
//  nothing, for as long as it may still be.
static void
test_pending_in_flight (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    redisContext *redis = sb_testredis_connect (self->redis);
    char err [256];
    int64_t at_ms;
    assert_int_equal (sb_sent_claim (redis, "t:pending", "", 1, S_ACCOUNT, 60, &at_ms, err,
                                     sizeof err), 1);
    redisFree (redis);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000009", "t:pending", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 2, "retry", &run);
    json_int_t delay = json_integer_value (json_object_get (s_outcome (&run, 0), "delay_ms"));
    assert_true (delay > 0 && delay <= S_TIMEOUT_MS + 1000);
    json_t *fake = s_fake_state (self);
    assert_int_equal (json_integer_value (json_object_get (fake, "requests")), 0);
    json_decref (fake);
    json_decref (run.lines);
    json_decref (envelope);
}

//  A lookup does not adopt a message another outbound message recorded:
//  the same text to the same number, legitimately twice.
static void
test_lookup_skips_taken (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *first = s_approved ("01KK1602M0SNDTEST00000000A", "t:first", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, first, 1, "done", &run);
    json_decref (run.lines);
    //  The second one's attempt 1 ended unsure before reaching Twilio
    redisContext *redis = sb_testredis_connect (self->redis);
    char err [256];
    int64_t at_ms;
    assert_int_equal (sb_sent_claim (redis, "t:second", "", 1, S_ACCOUNT, 60, &at_ms, err,
                                     sizeof err), 1);
    assert_int_equal (sb_sent_unsure (redis, "t:second", 1, S_ACCOUNT, at_ms, 60, err,
                                      sizeof err), 1);
    redisFree (redis);
    json_t *second = s_approved ("01KK1602M0SNDTEST00000000B", "t:second", "sms", S_EMPLOYEE);
    s_deliver (self, second, 2, "done", &run);
    char *sid = s_fake_sid (self, 1);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, 2, 2, 1);
    free (sid);
    json_decref (run.lines);
    json_decref (first);
    json_decref (second);
}

//  A lookup reads past the first page: the message dropped is older than
//  a page of others to the same number (sent by someone else since).
static void
test_lookup_pages (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "drop");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000J", "t:pages", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    char *sid = s_fake_sid (self, 0);
    size_t others = SB_TWILIO_PAGE_SIZE + 20;
    for (size_t index = 0; index < others; index++) {
        char body [128];
        snprintf (body, sizeof body, "To=%%2B15551234567&From=%%2B15557654321&Body=other+%zu",
                  index);
        json_decref (s_http (self, "POST", "/2010-04-01/Accounts/" S_ACCOUNT "/Messages.json",
                             body, S_ACCOUNT ":" S_TOKEN, 201));
    }
    s_deliver (self, envelope, 2, "done", &run);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, others + 1, (int) others + 1, 2);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  WhatsApp: whatsapp: addresses both ways, no SMS segments.
static void
test_whatsapp (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000C", "t:wa", "whatsapp", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "done", &run);
    const json_t *sent = s_sent (&run);
    assert_string_equal (json_string_value (json_object_get (sent, "to")), "whatsapp:" S_EMPLOYEE);
    assert_string_equal (json_string_value (json_object_get (sent, "from")),
                         "whatsapp:" S_TENANT_NUMBER);
    assert_string_equal (json_string_value (json_object_get (sent, "channel")), "whatsapp");
    assert_null (json_object_get (sent, "segments"));
    json_t *fake = s_fake_state (self);
    json_t *message = json_array_get (json_object_get (fake, "messages"), 0);
    assert_string_equal (json_string_value (json_object_get (message, "to")), "whatsapp:" S_EMPLOYEE);
    assert_string_equal (json_string_value (json_object_get (message, "from")),
                         "whatsapp:" S_TENANT_NUMBER);
    json_decref (fake);
    json_decref (run.lines);
    json_decref (envelope);
}

//  A wrong auth token: Twilio's 401 (20003) is permanent.
static void
test_wrong_token (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    setenv ("TWILIO_AUTH_TOKEN", "not-the-token", 1);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000D", "t:401", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "HTTP 401, code 20003: Authenticate"));
    json_t *fake = s_fake_state (self);
    assert_int_equal (json_integer_value (json_object_get (fake, "unauthorized")), 1);
    json_decref (fake);
    json_decref (run.lines);
    json_decref (envelope);
}

//  The per-number rate limit: the second message from the same number in
//  one process waits for its token (retried after at most a second).
static void
test_rate_limit (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_write_config (self, false, "        rate = 1\n        burst = 1\n        wait = 0\n");
    json_t *envelopes = json_pack ("[o, o]",
        s_approved ("01KK1602M0SNDTEST00000000E", "t:rate-1", "sms", S_EMPLOYEE),
        s_approved ("01KK1602M0SNDTEST00000000F", "t:rate-2", "sms", S_EMPLOYEE));
    s_run_t run;
    s_run (self, envelopes, 1, NULL, &run);
    assert_string_equal (json_string_value (json_object_get (s_outcome (&run, 0), "outcome")),
                         "done");
    const json_t *second = s_outcome (&run, 1);
    assert_string_equal (json_string_value (json_object_get (second, "outcome")), "retry");
    json_int_t delay = json_integer_value (json_object_get (second, "delay_ms"));
    assert_true (delay > 0 && delay <= 1000);
    s_assert_fake (self, 1, 1, 0);
    json_decref (run.lines);
    json_decref (envelopes);
}

//  Outbox mode: no account SID (the auth token alone is ingress's signing
//  key, as on a developer's machine: still the outbox); two deliveries
//  write the Redis list and the file once, and emit the same message.sent.
static void
test_outbox_once (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    setenv ("TWILIO_AUTH_TOKEN", S_TOKEN, 1);
    s_write_config (self, true, NULL);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000G", "t:outbox", "sms", S_EMPLOYEE);
    s_run_t run;
    for (unsigned attempt = 1; attempt <= 2; attempt++) {
        s_deliver (self, envelope, attempt, "done", &run);
        const json_t *sent = s_sent (&run);
        assert_string_equal (json_string_value (json_object_get (sent, "provider")), "outbox");
        assert_string_equal (json_string_value (json_object_get (sent, "message_sid")),
                             "OB01KK1602M0SNDTEST00000000G");
        json_decref (run.lines);
    }
    redisContext *redis = sb_testredis_connect (self->redis);
    redisReply *reply = (redisReply *) redisCommand (redis, "LRANGE sb:outbox 0 -1");
    assert_int_equal (reply->elements, 1);
    json_t *item = json_loads (reply->element [0]->str, 0, NULL);
    assert_string_equal (json_string_value (json_object_get (item, "text")), S_TEXT);
    assert_string_equal (json_string_value (json_object_get (item, "to")), S_EMPLOYEE);
    json_decref (item);
    freeReplyObject (reply);
    redisFree (redis);
    char path [320];
    snprintf (path, sizeof path, "%s/outbox.jsonl", self->dir);
    json_t *lines = s_read_lines (path);
    assert_int_equal (json_array_size (lines), 1);
    json_decref (lines);
    s_assert_fake (self, 0, 0, 0);
    json_decref (envelope);
}

//  Twilio mode without Redis stops at start: exit 78, nothing sent.
static void
test_twilio_needs_redis (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    snprintf (self->config, sizeof self->config, "%s/no-redis.cfg", self->dir);
    FILE *file = fopen (self->config, "w");
    fprintf (file, "sender\n    twilio\n        account_sid = %s\n"
                   "        api_base = http://127.0.0.1:%d\n", S_ACCOUNT, self->port);
    fclose (file);
    unsetenv ("SB_REDIS_URL");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000H", "t:no-redis", "sms", S_EMPLOYEE);
    s_run_t run;
    s_run (self, envelope, 1, NULL, &run);
    assert_int_equal (run.status, S_EXIT_CONFIG);
    json_decref (run.lines);
    //  --redis on the command line is enough
    const char *extra [] = { "--redis", sb_testredis_url (self->redis), NULL };
    s_run (self, envelope, 1, extra, &run);
    assert_int_equal (run.status, 0);
    s_assert_outcome (&run, "done");
    json_decref (run.lines);
    json_decref (envelope);
}

//  --------------------------------------------------------------------------
//  Tenants' own accounts (issue 7)

//  Stores acme's Twilio account in Redis as agent-sync does (sealed with
//  S_KEY_HEX), with account sid.
static void
s_store_acme (s_world_t *self, const char *sid)
{
    char err [256], ref [SB_CREDENTIALS_REF_MAX];
    sb_secretbox_t *box = sb_secretbox_new (S_KEY_HEX, err, sizeof err);
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_true (box && redis);
    sb_credentials_t credentials = { "vapi-key-for-tests", sid, S_ACME_TOKEN, S_ACME_NUMBER };
    if (sb_credentials_store (redis, SB_CREDENTIALS_PREFIX, box, "acme", &credentials, ref,
                              err, sizeof err))
        fail_msg ("cannot store acme's credentials: %s", err);
    redisFree (redis);
    sb_secretbox_destroy (&box);
}

//  An approved message of acme's (no tenant_number in its conversation:
//  From is the number stored with acme's account).
static json_t *
s_acme_approved (const char *id, const char *key)
{
    json_t *envelope = s_approved (id, key, "sms", S_EMPLOYEE);
    json_object_set_new (envelope, "tenant", json_string ("acme"));
    json_object_del (json_object_get (json_object_get (envelope, "body"), "conversation"),
                     "tenant_number");
    return envelope;
}

//  acme's message goes with acme's stored account (the fake of that
//  account, basic auth its SID and token), From its stored number, and
//  its record names that account; demo's (nothing stored) with the
//  process's; acme's is never sent with the process's account.
static void
test_tenant_accounts (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    int process_port = self->port, acme_port = 0;
    sb_testproc_t *acme = s_fake_start (self, "fake-acme", S_ACME_ACCOUNT, S_ACME_TOKEN,
                                        &acme_port);
    s_store_acme (self, S_ACME_ACCOUNT);
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    //  Each run's config names one fake: acme's first (self->port is the
    //  fake that s_write_config and s_fake_state speak of)
    self->port = acme_port;
    s_write_config (self, false, NULL);
    json_t *envelope = s_acme_approved ("01KK1602M0SNDTEST00000000K", "t:acme");
    s_run_t run;
    s_deliver (self, envelope, 1, "done", &run);
    s_assert_fake (self, 1, 1, 0);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "from")),
                         S_ACME_NUMBER);
    char *record = s_record (self, SB_SENT_PREFIX, "t:acme");
    assert_non_null (strstr (record, "\"account_sid\":\"" S_ACME_ACCOUNT "\""));
    free (record);
    json_decref (run.lines);
    json_decref (envelope);

    //  demo has nothing stored: the process's account, at its fake
    self->port = process_port;
    s_write_config (self, false, NULL);
    envelope = s_approved ("01KK1602M0SNDTEST00000000Q", "t:demo", "sms", S_EMPLOYEE);
    s_deliver (self, envelope, 1, "done", &run);
    s_assert_fake (self, 1, 1, 0);
    json_decref (run.lines);
    json_decref (envelope);

    //  acme's, with only the process's fake to reach: still with acme's
    //  credentials, which that fake refuses (401), never the process's
    envelope = s_acme_approved ("01KK1602M0SNDTEST00000000M", "t:acme-2");
    s_deliver (self, envelope, 1, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "HTTP 401"));
    json_t *fake = s_fake_state (self);
    assert_int_equal (json_integer_value (json_object_get (fake, "unauthorized")), 1);
    json_decref (fake);
    s_assert_fake (self, 1, 1, 0);
    json_decref (run.lines);
    json_decref (envelope);
    unsetenv ("CREDENTIALS_KEY");
    assert_int_equal (sb_testproc_stop (&acme, S_WAIT_MS, "fake_twilio (acme)"), 0);
}

//  An attempt whose answer was lost is looked up in the account it was
//  sent with: acme's, found there; and if acme's account changed since,
//  it cannot be looked up, so it is not sent again (fail).
static void
test_tenant_lookup (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    int process_port = self->port;
    sb_testproc_t *acme = s_fake_start (self, "fake-acme", S_ACME_ACCOUNT, S_ACME_TOKEN,
                                        &self->port);
    s_store_acme (self, S_ACME_ACCOUNT);
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    s_write_config (self, false, NULL);
    s_script (self, "drop");
    json_t *envelope = s_acme_approved ("01KK1602M0SNDTEST00000000N", "t:acme-drop");
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    char *record = s_record (self, SB_SENT_PREFIX, "t:acme-drop");
    assert_true (record && strstr (record, ":" S_ACME_ACCOUNT));
    free (record);
    s_deliver (self, envelope, 2, "done", &run);
    s_assert_fake (self, 1, 1, 1);
    json_decref (run.lines);
    json_decref (envelope);

    //  Unsure under acme's account, then acme saves another account
    s_script (self, "drop");
    envelope = s_acme_approved ("01KK1602M0SNDTEST00000000P", "t:acme-moved");
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    s_store_acme (self, "ACbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbd");
    s_deliver (self, envelope, 2, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "no longer has"));
    s_assert_fake (self, 2, 2, 1);
    json_decref (run.lines);
    json_decref (envelope);
    unsetenv ("CREDENTIALS_KEY");
    self->port = process_port;
    assert_int_equal (sb_testproc_stop (&acme, S_WAIT_MS, "fake_twilio (acme)"), 0);
}

//  sender/mode = twilio without an account of the process's: tenants'
//  own accounts only, never the outbox (demo has none stored: fail); with
//  no key either, it refuses to start.
static void
test_mode_twilio (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    snprintf (self->config, sizeof self->config, "%s/twilio-only.cfg", self->dir);
    FILE *file = fopen (self->config, "w");
    assert_non_null (file);
    fprintf (file, "sender\n    mode = twilio\n    redis = %s\n    outbox = %s/outbox.jsonl\n"
                   "    twilio\n        api_base = http://127.0.0.1:%d\n",
             sb_testredis_url (self->redis), self->dir, self->port);
    fclose (file);
    unsetenv ("TWILIO_AUTH_TOKEN");
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000R", "t:twilio-only", "sms",
                                   S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "never the outbox"));
    json_decref (run.lines);
    char path [320];
    snprintf (path, sizeof path, "%s/outbox.jsonl", self->dir);
    assert_int_equal (access (path, F_OK), -1);
    unsetenv ("CREDENTIALS_KEY");
    s_run (self, envelope, 1, NULL, &run);
    assert_int_equal (run.status, S_EXIT_CONFIG);
    json_decref (run.lines);
    json_decref (envelope);
    s_assert_fake (self, 0, 0, 0);
}

//  --------------------------------------------------------------------------

int
main (int argc, char *argv [])
{
    if (argc < 3) {
        fprintf (stderr, "usage: test_sender SENDER FAKE_TWILIO [TEST]\n");
        return 2;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_sender: SKIPPED: redis-server is not in PATH\n");
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
    s_programs_t programs = { argv [1], argv [2] };
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_read_message),
        cmocka_unit_test (test_read_error),
        cmocka_unit_test (test_read_list),
        cmocka_unit_test (test_retry_after),
        cmocka_unit_test (test_throttle_accounts),
        cmocka_unit_test (test_throttle_numbers),
        cmocka_unit_test_prestate_setup_teardown (test_record_steps, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_sent_once, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_three_deliveries, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_500_then_201, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_429_retry_after, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_400_invalid_to, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_ambiguous_drop, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_stall_past_timeout, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_pending_in_flight, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_lookup_skips_taken, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_lookup_pages, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_whatsapp, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_wrong_token, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_rate_limit, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_outbox_once, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_twilio_needs_redis, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_tenant_accounts, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_tenant_lookup, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_mode_twilio, s_setup, s_teardown,
                                                  &programs),
    };
    int failed = cmocka_run_group_tests_name ("sender", tests, NULL, NULL);
    curl_global_cleanup ();
    return failed? 1: 0;
}
