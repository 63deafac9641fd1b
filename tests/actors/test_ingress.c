/*  test_ingress.c — ingress's integration tests (actors/ingress/): the
    ingress program as a real process, in front of a real broker and a
    private redis-server, with this test acting as Twilio over libcurl.

    Requests are form-encoded here as Twilio encodes them and signed over
    the exact URL called (http://127.0.0.1:PORT/webhook/sms...) with
    sb_twilio_signature; one case computes the signature independently
    with OpenSSL's HMAC-SHA1 and base64, so the test does not only trust
    sb_twilio. What was published is read back from the broker's queue in
    Redis (sb:q:planner, the service sms.received is routed to): ingress
    answers 200 only after the broker has stored the message, so it must
    be there, once, the moment the answer arrives.

    Each test starts its own Redis, broker and ingress and synchronises by
    polling with a deadline (the broker's STATS, ingress's /health and
    /ready, a process's exit); it never sleeps for a fixed time.

    Usage: test_ingress BROKER INGRESS [TEST]   (paths of the programs,
    which CTest passes; TEST runs only the tests whose names match).
    Exits 77 (skipped) without redis-server.                                */

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_form.h"
#include "sb_testproc.h"
#include "sb_testutil.h"
#include "sb_testredis.h"
#include "sb_twilio.h"
#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WAIT_MS        10000   //  longest wait for anything to happen
#define S_STOP_MS        10000   //  for a process to exit after SIGTERM
#define S_REPLY_MS       5000    //  for one reply to one request
#define S_HTTP_MS        10000   //  for one HTTP exchange
#define S_START_ATTEMPTS 3       //  free ports tried per process
#define S_EXIT_SKIP      77      //  CTest's SKIP_RETURN_CODE
#define S_EXIT_CONFIG    78      //  ingress: bad config or port in use
#define S_DIR_MAX        256     //  the test's directory (TMPDIR/...)
#define S_PATH_MAX       (S_DIR_MAX + 64)
#define S_MAX_PARAMS     16
#define S_BODY_MAX       8192    //  of a request built here
#define S_ANSWER_MAX     4096    //  of an answer kept here
#define S_MAX_CONCURRENT 16      //  requests at once

#define S_TOKEN          "test-auth-token-0123456789abcdef"
#define S_ACCOUNT        "AC0123456789abcdef0123456789abcdef"
#define S_FROM           "+15551234567"
#define S_TO             "+15557654321"
#define S_TEXT           "how many hours this week? 100% sure & = + ünï"
#define S_TENANT         "acme"
#define S_GATEWAY_SECRET "gateway-secret-for-tests"
#define S_QUEUE          "sb:q:planner"
#define S_MAX_BODY       "4096"  //  ingress's --max-body
#define S_PUBLISH_MS     "500"   //  ingress's --publish-timeout
#define S_FAILURE_BOUND  2000    //  503 must come within this, in ms

typedef struct {
    const char *broker;
    const char *ingress;
} s_programs_t;

//  One test's world: its directory, its Redis, broker and ingress (made
//  by s_world_start), and a counter for unique MessageSids.
typedef struct {
    const s_programs_t *programs;
    char dir [S_DIR_MAX];
    char endpoint [64];
    sb_testredis_t *redis;
    sb_testproc_t *broker;
    sb_testproc_t *ingress;
    int port;
    unsigned sids;
} s_fixture_t;

//  A request's form parameters, in the order they are sent.
typedef struct {
    const char *names [S_MAX_PARAMS];
    const char *values [S_MAX_PARAMS];
    size_t count;
} s_params_t;

//  What ingress answered.
typedef struct {
    long status;                 //  0: no answer (curl failed)
    char type [128];             //  Content-Type
    char body [S_ANSWER_MAX];
    size_t size;
    int64_t elapsed_ms;
} s_answer_t;

//  --------------------------------------------------------------------------
//  Directories and processes

//  Runs argv to its end with its stdout and stderr in the file at path,
//  and returns its exit status (-1 if it did not exit normally within
//  S_STOP_MS). The output is read back into output (NUL-terminated).
static int
s_run_captured (char *argv [], const char *path, char *output, size_t size)
{
    fflush (stdout);
    fflush (stderr);
    int file = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true (file >= 0);
    int saved_out = dup (1), saved_err = dup (2);
    assert_true (saved_out >= 0 && saved_err >= 0);
    dup2 (file, 1);
    dup2 (file, 2);
    sb_testproc_t *process = sb_testproc_new (argv);
    dup2 (saved_out, 1);
    dup2 (saved_err, 2);
    close (saved_out);
    close (saved_err);
    close (file);
    assert_non_null (process);
    int status = 0;
    bool exited = sb_testproc_wait (process, S_STOP_MS, &status) == 0;
    sb_testproc_destroy (&process);
    FILE *input = fopen (path, "r");
    assert_non_null (input);
    size_t got = fread (output, 1, size - 1, input);
    output [got] = 0;
    fclose (input);
    return exited && WIFEXITED (status)? WEXITSTATUS (status): -1;
}

//  --------------------------------------------------------------------------
//  HTTP, as Twilio

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

static size_t
s_discard (char *data, size_t size, size_t count, void *user)
{
    (void) data, (void) user;
    return size * count;
}

//  Sends method path (with its query) to ingress with the extra headers
//  (NULL-terminated, may be NULL) and, for POST, size bytes of body;
//  fills answer (status 0 if no answer came within timeout_ms).
static void
s_http (s_fixture_t *self, const char *method, const char *path, const char *const *headers,
        const char *body, size_t size, int timeout_ms, s_answer_t *answer)
{
    memset (answer, 0, sizeof *answer);
    char url [S_PATH_MAX];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", self->port, path);
    CURL *curl = curl_easy_init ();
    assert_non_null (curl);
    //  No "Expect: 100-continue": the body goes at once
    struct curl_slist *list = curl_slist_append (NULL, "Expect:");
    for (size_t index = 0; headers && headers [index]; index++)
        list = curl_slist_append (list, headers [index]);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_data);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
    if (streq (method, "POST")) {
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body? body: "");
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
    }
    else
    if (!streq (method, "GET"))
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
    int64_t started = zclock_mono ();
    CURLcode rc = curl_easy_perform (curl);
    answer->elapsed_ms = zclock_mono () - started;
    char *type = NULL;
    if (rc == CURLE_OK) {
        curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
        curl_easy_getinfo (curl, CURLINFO_CONTENT_TYPE, &type);
        snprintf (answer->type, sizeof answer->type, "%s", type? type: "");
    }
    else
    if (timeout_ms >= S_HTTP_MS)
        fprintf (stderr, "test_ingress: %s %s: %s\n", method, path, curl_easy_strerror (rc));
    curl_slist_free_all (list);
    curl_easy_cleanup (curl);
}

//  Appends text to out, form-encoded as Twilio does (space as '+').
static void
s_encode (char *out, size_t size, const char *text)
{
    size_t length = strlen (out);
    for (const uint8_t *at = (const uint8_t *) text; *at; at++) {
        assert_true (length + 4 < size);
        if (isalnum (*at) || strchr ("-._~", *at))
            out [length++] = (char) *at;
        else
        if (*at == ' ')
            out [length++] = '+';
        else
            length += (size_t) sprintf (out + length, "%%%02X", *at);
    }
    out [length] = 0;
}

//  Writes params form-encoded into body.
static void
s_form_body (const s_params_t *params, char *body, size_t size)
{
    *body = 0;
    for (size_t index = 0; index < params->count; index++) {
        if (index)
            strcat (body, "&");
        s_encode (body, size, params->names [index]);
        assert_true (strlen (body) + 2 < size);
        strcat (body, "=");
        s_encode (body, size, params->values [index]);
    }
}

//  Sets (or adds) the parameter name.
static void
s_param_set (s_params_t *params, const char *name, const char *value)
{
    for (size_t index = 0; index < params->count; index++)
        if (streq (params->names [index], name)) {
            params->values [index] = value;
            return;
        }
    assert_true (params->count < S_MAX_PARAMS);
    params->names [params->count] = name;
    params->values [params->count++] = value;
}

//  Removes the parameter name, if there.
static void
s_param_remove (s_params_t *params, const char *name)
{
    for (size_t index = 0; index < params->count; index++)
        if (streq (params->names [index], name)) {
            memmove (params->names + index, params->names + index + 1,
                     (params->count - index - 1) * sizeof (char *));
            memmove (params->values + index, params->values + index + 1,
                     (params->count - index - 1) * sizeof (char *));
            params->count--;
            return;
        }
}

//  Writes a new MessageSid (SM + 32 hex digits) unique to this run.
static void
s_new_sid (s_fixture_t *self, char sid [35])
{
    snprintf (sid, 35, "SM%016" PRIx64 "%016x", (uint64_t) getpid (), ++self->sids);
}

//  The parameters Twilio posts for an inbound SMS with MessageSid sid
//  (borrowed: it must outlive params).
static void
s_sms_params (s_params_t *params, const char *sid)
{
    memset (params, 0, sizeof *params);
    s_param_set (params, "ToCountry", "US");
    s_param_set (params, "SmsMessageSid", sid);
    s_param_set (params, "NumMedia", "0");
    s_param_set (params, "SmsSid", sid);
    s_param_set (params, "SmsStatus", "received");
    s_param_set (params, "Body", S_TEXT);
    s_param_set (params, "To", S_TO);
    s_param_set (params, "NumSegments", "1");
    s_param_set (params, "MessageSid", sid);
    s_param_set (params, "AccountSid", S_ACCOUNT);
    s_param_set (params, "From", S_FROM);
    s_param_set (params, "ApiVersion", "2010-04-01");
}

//  Signs body (form-encoded) posted to url with token, by sb_twilio.
static void
s_sign (const char *token, const char *url, const char *body,
        char signature [SB_TWILIO_SIGNATURE_SIZE])
{
    char err [256];
    sb_form_t *form = sb_form_parse (body, strlen (body), S_MAX_PARAMS * 2, err, sizeof err);
    if (!form)
        fail_msg ("the test's own form does not parse: %s", err);
    int rc = sb_twilio_signature (token, url, form, signature);
    sb_form_destroy (&form);
    assert_int_equal (rc, 0);
}

//  The URL Twilio would have called for path on this ingress.
static void
s_url (s_fixture_t *self, const char *path, char *url, size_t size)
{
    snprintf (url, size, "http://127.0.0.1:%d%s", self->port, path);
}

//  POSTs body to path as form data with signature (NULL: no header) and
//  one more header (NULL: none).
static void
s_post (s_fixture_t *self, const char *path, const char *body, const char *signature,
        const char *header, s_answer_t *answer)
{
    char signed_header [128];
    snprintf (signed_header, sizeof signed_header, "X-Twilio-Signature: %s",
              signature? signature: "");
    const char *headers [] = { "Content-Type: application/x-www-form-urlencoded",
                               signature? signed_header: header, signature? header: NULL, NULL };
    s_http (self, "POST", path, headers, body, strlen (body), S_HTTP_MS, answer);
}

//  POSTs params to path, signed with S_TOKEN over the URL ingress was
//  called at (url_path: the path signed, NULL for path itself).
static void
s_post_signed (s_fixture_t *self, const char *path, const char *url_path,
               const s_params_t *params, s_answer_t *answer)
{
    char body [S_BODY_MAX], url [S_PATH_MAX], signature [SB_TWILIO_SIGNATURE_SIZE];
    s_form_body (params, body, sizeof body);
    s_url (self, url_path? url_path: path, url, sizeof url);
    s_sign (S_TOKEN, url, body, signature);
    s_post (self, path, body, signature, NULL, answer);
}

//  POSTs params to /webhook/sms, signed, count times at once (one
//  connection each), and asserts every answer is Twilio's 200.
static void
s_post_concurrently (s_fixture_t *self, const s_params_t *params, size_t count)
{
    char body [S_BODY_MAX], url [S_PATH_MAX], signature [SB_TWILIO_SIGNATURE_SIZE];
    char header [128];
    s_form_body (params, body, sizeof body);
    s_url (self, "/webhook/sms", url, sizeof url);
    s_sign (S_TOKEN, url, body, signature);
    snprintf (header, sizeof header, "X-Twilio-Signature: %s", signature);
    struct curl_slist *list = curl_slist_append (NULL, "Expect:");
    list = curl_slist_append (list, header);
    CURLM *multi = curl_multi_init ();
    CURL *easy [S_MAX_CONCURRENT];
    assert_true (multi && count <= S_MAX_CONCURRENT);
    for (size_t index = 0; index < count; index++) {
        easy [index] = curl_easy_init ();
        assert_non_null (easy [index]);
        curl_easy_setopt (easy [index], CURLOPT_URL, url);
        curl_easy_setopt (easy [index], CURLOPT_HTTPHEADER, list);
        curl_easy_setopt (easy [index], CURLOPT_POSTFIELDS, body);
        curl_easy_setopt (easy [index], CURLOPT_TIMEOUT_MS, (long) S_HTTP_MS);
        curl_easy_setopt (easy [index], CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt (easy [index], CURLOPT_FORBID_REUSE, 1L);
        curl_easy_setopt (easy [index], CURLOPT_WRITEFUNCTION, s_discard);
        curl_multi_add_handle (multi, easy [index]);
    }
    int running = 1;
    while (running) {
        assert_int_equal (curl_multi_perform (multi, &running), CURLM_OK);
        if (running)
            assert_int_equal (curl_multi_poll (multi, NULL, 0, 100, NULL), CURLM_OK);
    }
    size_t ok = 0;
    for (size_t index = 0; index < count; index++) {
        long status = 0;
        curl_easy_getinfo (easy [index], CURLINFO_RESPONSE_CODE, &status);
        ok += status == 200;
        curl_multi_remove_handle (multi, easy [index]);
        curl_easy_cleanup (easy [index]);
    }
    curl_multi_cleanup (multi);
    curl_slist_free_all (list);
    if (ok != count)
        fail_msg ("%zu of %zu concurrent deliveries answered 200", ok, count);
}

//  Asserts the answer's status, and that its body contains text (if not
//  NULL), printing the answer when not.
static void
s_assert_answer (const s_answer_t *answer, long status, const char *text)
{
    if (answer->status != status || (text && !strstr (answer->body, text)))
        fail_msg ("expected %ld%s%s, got %ld: %s", status, text? " with ": "", text? text: "",
                  answer->status, answer->body);
}

//  Asserts Twilio's expected answer: 200, text/xml, an empty TwiML Response.
static void
s_assert_twiml (const s_answer_t *answer)
{
    s_assert_answer (answer, 200, "<Response></Response>");
    if (strncmp (answer->type, "text/xml", 8))
        fail_msg ("Content-Type is '%s', not text/xml", answer->type);
}

//  --------------------------------------------------------------------------
//  What the broker stored, read from Redis

static redisContext *
s_redis (s_fixture_t *self)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_non_null (redis);
    return redis;
}

//  How many messages the planner's queue holds.
static long long
s_queue_length (s_fixture_t *self)
{
    redisContext *redis = s_redis (self);
    redisReply *reply = (redisReply *) redisCommand (redis, "XLEN %s", S_QUEUE);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_INTEGER);
    long long length = reply->integer;
    freeReplyObject (reply);
    redisFree (redis);
    return length;
}

//  The envelope of one queue entry ([id, [field, value, ...]]), decoded.
static sb_envelope_t *
s_entry_envelope (const redisReply *entry)
{
    assert_true (entry->type == REDIS_REPLY_ARRAY && entry->elements == 2);
    const redisReply *fields = entry->element [1];
    for (size_t index = 0; index + 1 < fields->elements; index += 2)
        if (streq (fields->element [index]->str, "e")) {
            char err [256];
            const redisReply *value = fields->element [index + 1];
            sb_envelope_t *env = sb_envelope_decode ((const uint8_t *) value->str, value->len,
                                                     NULL, err, sizeof err);
            if (!env)
                fail_msg ("the queue holds an undecodable envelope: %s", err);
            return env;
        }
    fail_msg ("a queue entry without its envelope");
    return NULL;
}

//  How many messages of the planner's queue have idempotency key key; the
//  last of them in *env_p (caller destroys) when env_p is not NULL.
static size_t
s_stored (s_fixture_t *self, const char *key, sb_envelope_t **env_p)
{
    redisContext *redis = s_redis (self);
    redisReply *reply = (redisReply *) redisCommand (redis, "XRANGE %s - +", S_QUEUE);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    size_t count = 0;
    if (env_p)
        *env_p = NULL;
    for (size_t index = 0; index < reply->elements; index++) {
        sb_envelope_t *env = s_entry_envelope (reply->element [index]);
        bool match = streq (sb_envelope_key (env), key);
        count += match;
        if (match && env_p) {
            sb_envelope_destroy (env_p);
            *env_p = env;
        }
        else
            sb_envelope_destroy (&env);
    }
    freeReplyObject (reply);
    redisFree (redis);
    return count;
}

//  Asserts that exactly one message with MessageSid sid was stored.
static void
s_assert_stored_once (s_fixture_t *self, const char *sid)
{
    char key [64];
    snprintf (key, sizeof key, "sms:twilio:%s", sid);
    size_t count = s_stored (self, key, NULL);
    if (count != 1)
        fail_msg ("%s stored %zu times, not once", key, count);
}

//  --------------------------------------------------------------------------
//  The world: Redis, the broker, ingress

//  Sends STATS to the broker on a client of its own. Returns true if it
//  answered within timeout_ms.
static bool
s_broker_answers (s_fixture_t *self, int timeout_ms)
{
    char err [256];
    sb_client_t *client = sb_client_new (self->endpoint, err, sizeof err);
    json_t *reply = client? sb_client_request (client, SB_PROTO_STATS, NULL, timeout_ms,
                                               err, sizeof err): NULL;
    sb_client_destroy (&client);
    json_decref (reply);
    return reply != NULL;
}

//  Starts the broker on self->endpoint and waits until it answers STATS.
//  Returns 0, or -1 if it exited first (its port was taken) or never
//  answered.
static int
s_broker_spawn (s_fixture_t *self)
{
    char *argv [] = { (char *) self->programs->broker, "--endpoint", self->endpoint,
                      "--redis", (char *) sb_testredis_url (self->redis),
                      "--name", "broker-a", NULL };
    self->broker = sb_testproc_new (argv);
    assert_non_null (self->broker);
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        if (sb_testproc_wait (self->broker, 0, NULL) == 0)
            break;
        if (s_broker_answers (self, 200))
            return 0;
    }
    sb_testproc_destroy (&self->broker);
    return -1;
}

//  Polls GET /health until ingress answers 200. Returns 0, or -1 if it
//  exited first (its port was taken) or did not answer within S_WAIT_MS.
static int
s_ingress_wait_up (s_fixture_t *self)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        if (sb_testproc_wait (self->ingress, 0, NULL) == 0)
            return -1;
        s_answer_t answer;
        s_http (self, "GET", "/health", NULL, NULL, 0, 200, &answer);
        if (answer.status == 200)
            return 0;
        zclock_sleep (10);
    }
    return -1;
}

//  Starts ingress on a free port in front of the broker, with token as
//  TWILIO_AUTH_TOKEN in its environment (NULL: none), tenant S_TENANT, a
//  small --max-body and a short --publish-timeout; waits until it answers
//  /health. The child inherits the variable, set only while it starts.
static void
s_ingress_start (s_fixture_t *self, const char *token)
{
    //  The WhatsApp gateway's secret goes with the Twilio token
    if (token) {
        assert_int_equal (setenv ("TWILIO_AUTH_TOKEN", token, 1), 0);
        assert_int_equal (setenv ("INTERNAL_SECRET", S_GATEWAY_SECRET, 1), 0);
    }
    else {
        assert_int_equal (unsetenv ("TWILIO_AUTH_TOKEN"), 0);
        assert_int_equal (unsetenv ("INTERNAL_SECRET"), 0);
    }
    for (int attempt = 0; attempt < S_START_ATTEMPTS && !self->ingress; attempt++) {
        self->port = sb_testutil_free_port ();
        char port [16];
        snprintf (port, sizeof port, "%d", self->port);
        char *argv [] = { (char *) self->programs->ingress, "-p", port, "-b", self->endpoint,
                          "-t", S_TENANT, "--max-body", S_MAX_BODY,
                          "--publish-timeout", S_PUBLISH_MS, "--threads", "4", NULL };
        self->ingress = sb_testproc_new (argv);
        assert_non_null (self->ingress);
        if (s_ingress_wait_up (self))
            sb_testproc_stop (&self->ingress, S_STOP_MS, "ingress");
    }
    unsetenv ("TWILIO_AUTH_TOKEN");
    unsetenv ("INTERNAL_SECRET");
    if (!self->ingress)
        fail_msg ("ingress did not start");
}

//  Starts Redis, the broker on a free port, and ingress in front of it.
static void
s_world_start (s_fixture_t *self, bool with_token)
{
    self->redis = sb_testredis_new ("always");   //  test_storage_down kills it
    assert_non_null (self->redis);
    for (int attempt = 0; attempt < S_START_ATTEMPTS && !self->broker; attempt++) {
        snprintf (self->endpoint, sizeof self->endpoint, "tcp://127.0.0.1:%d", sb_testutil_free_port ());
        s_broker_spawn (self);
    }
    if (!self->broker)
        fail_msg ("the broker did not start");
    s_ingress_start (self, with_token? S_TOKEN: NULL);
}

//  --------------------------------------------------------------------------
//  Fixture

static int
s_setup (void **state)
{
    s_fixture_t *self = (s_fixture_t *) calloc (1, sizeof (s_fixture_t));
    assert_non_null (self);
    self->programs = (const s_programs_t *) *state;
    const char *tmpdir = getenv ("TMPDIR");
    int size = snprintf (self->dir, sizeof self->dir, "%s/sb-test-ingress-XXXXXX",
                         tmpdir && *tmpdir? tmpdir: "/tmp");
    assert_true (size > 0 && (size_t) size < sizeof self->dir);
    assert_non_null (mkdtemp (self->dir));
    *state = self;
    return 0;
}

//  Stops ingress first, then the broker, then Redis, and removes the
//  test's directory. Fails if a process did not exit cleanly on SIGTERM
//  (under ASan a leak at exit shows here).
static int
s_teardown (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    int rc = 0;
    if (sb_testproc_stop (&self->ingress, S_STOP_MS, "ingress"))
        rc = -1;
    if (sb_testproc_stop (&self->broker, S_STOP_MS, "the broker"))
        rc = -1;
    sb_testredis_destroy (&self->redis);
    sb_testutil_remove_tree (self->dir);
    free (self);
    return rc;
}

//  --------------------------------------------------------------------------
//  1. A valid SMS: 200 with empty TwiML, stored once; its redelivery too

static void
test_valid_sms (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char sid [35], key [64];
    s_new_sid (self, sid);
    snprintf (key, sizeof key, "sms:twilio:%s", sid);
    s_params_t params;
    s_sms_params (&params, sid);
    s_answer_t answer;
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_twiml (&answer);

    //  Stored by the time the answer came, as Twilio posted it
    assert_int_equal (s_queue_length (self), 1);
    sb_envelope_t *env = NULL;
    assert_int_equal (s_stored (self, key, &env), 1);
    assert_string_equal (sb_envelope_type (env), "sms.received");
    assert_string_equal (sb_envelope_key (env), key);
    assert_string_equal (sb_envelope_tenant (env), S_TENANT);
    assert_string_equal (sb_envelope_src (env), "ingress");
    json_t *body = sb_envelope_body (env);
    assert_string_equal (json_string_value (json_object_get (body, "message_sid")), sid);
    assert_string_equal (json_string_value (json_object_get (body, "account_sid")), S_ACCOUNT);
    assert_string_equal (json_string_value (json_object_get (body, "from")), S_FROM);
    assert_string_equal (json_string_value (json_object_get (body, "to")), S_TO);
    assert_string_equal (json_string_value (json_object_get (body, "text")), S_TEXT);
    assert_string_equal (json_string_value (json_object_get (body, "channel")), "sms");
    assert_int_equal (json_integer_value (json_object_get (body, "num_media")), 0);
    sb_envelope_destroy (&env);

    //  Twilio's redelivery: answered the same, processed once
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_twiml (&answer);
    assert_int_equal (s_queue_length (self), 1);
    s_assert_stored_once (self, sid);

    //  Redeliveries of a new message arriving together: all 200, one stored
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_post_concurrently (self, &params, 12);
    s_assert_stored_once (self, sid);
    assert_int_equal (s_queue_length (self), 2);
}

//  --------------------------------------------------------------------------
//  2. The signature computed here from Twilio's algorithm, not by sb_twilio

typedef struct {
    const char *name;
    const char *value;
} s_pair_t;

static int
s_pair_compare (const void *left, const void *right)
{
    const s_pair_t *one = (const s_pair_t *) left, *other = (const s_pair_t *) right;
    int order = strcmp (one->name, other->name);
    return order? order: strcmp (one->value, other->value);
}

//  base64 (HMAC-SHA1 (token, url + every name and value, sorted by name)),
//  with OpenSSL directly.
static void
s_twilio_reference (const char *token, const char *url, const s_params_t *params,
                    char signature [SB_TWILIO_SIGNATURE_SIZE])
{
    s_pair_t pairs [S_MAX_PARAMS];
    for (size_t index = 0; index < params->count; index++)
        pairs [index] = (s_pair_t) { params->names [index], params->values [index] };
    qsort (pairs, params->count, sizeof (s_pair_t), s_pair_compare);
    char data [S_BODY_MAX];
    snprintf (data, sizeof data, "%s", url);
    for (size_t index = 0; index < params->count; index++) {
        assert_true (strlen (data) + strlen (pairs [index].name)
                     + strlen (pairs [index].value) < sizeof data);
        strcat (data, pairs [index].name);
        strcat (data, pairs [index].value);
    }
    unsigned char digest [EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    assert_non_null (HMAC (EVP_sha1 (), token, (int) strlen (token),
                           (const unsigned char *) data, strlen (data), digest, &length));
    assert_int_equal (length, 20);
    assert_int_equal (EVP_EncodeBlock ((unsigned char *) signature, digest, (int) length), 28);
}

static void
test_signature_reference (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char sid [35], url [S_PATH_MAX], body [S_BODY_MAX];
    char reference [SB_TWILIO_SIGNATURE_SIZE], ours [SB_TWILIO_SIGNATURE_SIZE];
    s_new_sid (self, sid);
    s_params_t params;
    s_sms_params (&params, sid);
    s_url (self, "/webhook/sms", url, sizeof url);
    s_twilio_reference (S_TOKEN, url, &params, reference);
    s_form_body (&params, body, sizeof body);
    s_sign (S_TOKEN, url, body, ours);
    assert_string_equal (ours, reference);

    s_answer_t answer;
    s_post (self, "/webhook/sms", body, reference, NULL, &answer);
    s_assert_twiml (&answer);
    s_assert_stored_once (self, sid);
}

//  --------------------------------------------------------------------------
//  3. What URL is signed: the query string is part of it; the default
//     port may be named or not

static void
test_signed_url (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char sid [35];
    s_params_t params;
    s_answer_t answer;

    //  Signed with the query string it was called with: accepted
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_post_signed (self, "/webhook/sms?tenant=x&b=2", NULL, &params, &answer);
    s_assert_twiml (&answer);
    s_assert_stored_once (self, sid);

    //  Signed without it: refused, nothing stored
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_post_signed (self, "/webhook/sms?tenant=x", "/webhook/sms", &params, &answer);
    s_assert_answer (&answer, 403, "X-Twilio-Signature");
    //  ... and signed with one it was not called with
    s_post_signed (self, "/webhook/sms", "/webhook/sms?tenant=x", &params, &answer);
    s_assert_answer (&answer, 403, "X-Twilio-Signature");
    assert_int_equal (s_queue_length (self), 1);

    //  Called as http://127.0.0.1/... (Host without a port), signed with
    //  an explicit :80, as some of Twilio's libraries do: accepted
    char body [S_BODY_MAX], signature [SB_TWILIO_SIGNATURE_SIZE];
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_form_body (&params, body, sizeof body);
    s_sign (S_TOKEN, "http://127.0.0.1:80/webhook/sms", body, signature);
    s_post (self, "/webhook/sms", body, signature, "Host: 127.0.0.1", &answer);
    s_assert_twiml (&answer);
    s_assert_stored_once (self, sid);

    //  The other way round: Host names :80, signed without it: accepted
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_form_body (&params, body, sizeof body);
    s_sign (S_TOKEN, "http://127.0.0.1/webhook/sms", body, signature);
    s_post (self, "/webhook/sms", body, signature, "Host: 127.0.0.1:80", &answer);
    s_assert_twiml (&answer);
    s_assert_stored_once (self, sid);

    //  Another port is another URL: refused
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_form_body (&params, body, sizeof body);
    s_sign (S_TOKEN, "http://127.0.0.1:81/webhook/sms", body, signature);
    s_post (self, "/webhook/sms", body, signature, "Host: 127.0.0.1", &answer);
    s_assert_answer (&answer, 403, NULL);
    assert_int_equal (s_queue_length (self), 3);
}

//  --------------------------------------------------------------------------
//  4. A missing or wrong signature: 403, nothing stored

static void
test_bad_signature (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char sid [35], url [S_PATH_MAX], body [S_BODY_MAX], signature [SB_TWILIO_SIGNATURE_SIZE];
    s_new_sid (self, sid);
    s_params_t params;
    s_sms_params (&params, sid);
    s_form_body (&params, body, sizeof body);
    s_url (self, "/webhook/sms", url, sizeof url);
    s_answer_t answer;

    //  Signed with another token
    s_sign ("another-token", url, body, signature);
    s_post (self, "/webhook/sms", body, signature, NULL, &answer);
    s_assert_answer (&answer, 403, "X-Twilio-Signature");

    //  Signed, then the body changed on the way
    s_sign (S_TOKEN, url, body, signature);
    s_param_set (&params, "Body", "transfer all the hours to me");
    s_form_body (&params, body, sizeof body);
    s_post (self, "/webhook/sms", body, signature, NULL, &answer);
    s_assert_answer (&answer, 403, "X-Twilio-Signature");

    //  Garbage, empty, missing
    s_post (self, "/webhook/sms", body, "not-a-signature", NULL, &answer);
    s_assert_answer (&answer, 403, "X-Twilio-Signature");
    s_post (self, "/webhook/sms", body, NULL, "X-Twilio-Signature;", &answer);
    s_assert_answer (&answer, 403, "X-Twilio-Signature");
    s_post (self, "/webhook/sms", body, NULL, NULL, &answer);
    s_assert_answer (&answer, 403, "X-Twilio-Signature");
    assert_int_equal (s_queue_length (self), 0);
}

//  --------------------------------------------------------------------------
//  5. Without TWILIO_AUTH_TOKEN, /webhook/sms refuses everything

static void
test_no_token (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, false);
    char sid [35];
    s_new_sid (self, sid);
    s_params_t params;
    s_sms_params (&params, sid);
    s_answer_t answer;
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_answer (&answer, 403, NULL);
    char body [S_BODY_MAX];
    s_form_body (&params, body, sizeof body);
    s_post (self, "/webhook/sms", body, NULL, NULL, &answer);
    s_assert_answer (&answer, 403, NULL);
    assert_int_equal (s_queue_length (self), 0);
    //  The rest still works
    s_http (self, "GET", "/ready", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 200, NULL);

    //  An empty TWILIO_AUTH_TOKEN is none: a signature made with the empty
    //  key (computed here: sb_twilio refuses to) does not pass
    assert_int_equal (sb_testproc_stop (&self->ingress, S_STOP_MS, "ingress"), 0);
    s_ingress_start (self, "");
    char url [S_PATH_MAX], signature [SB_TWILIO_SIGNATURE_SIZE];
    s_url (self, "/webhook/sms", url, sizeof url);
    s_twilio_reference ("", url, &params, signature);
    s_post (self, "/webhook/sms", body, signature, NULL, &answer);
    s_assert_answer (&answer, 403, NULL);
    assert_int_equal (s_queue_length (self), 0);
}

//  --------------------------------------------------------------------------
//  6. Bad input: 400 or 413 with a one-line reason, nothing stored

static void
test_bad_input (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char sid [35], url [S_PATH_MAX], body [S_BODY_MAX], signature [SB_TWILIO_SIGNATURE_SIZE];
    s_new_sid (self, sid);
    s_params_t params;
    s_sms_params (&params, sid);
    s_form_body (&params, body, sizeof body);
    s_url (self, "/webhook/sms", url, sizeof url);
    s_sign (S_TOKEN, url, body, signature);
    s_answer_t answer;

    //  Wrong content type, or none, though correctly signed
    char signed_header [128];
    snprintf (signed_header, sizeof signed_header, "X-Twilio-Signature: %s", signature);
    const char *json [] = { "Content-Type: application/json", signed_header, NULL };
    s_http (self, "POST", "/webhook/sms", json, body, strlen (body), S_HTTP_MS, &answer);
    s_assert_answer (&answer, 400, "content type");
    const char *none [] = { "Content-Type:", signed_header, NULL };
    s_http (self, "POST", "/webhook/sms", none, body, strlen (body), S_HTTP_MS, &answer);
    s_assert_answer (&answer, 400, "content type");

    //  A malformed %-escape
    const char *malformed = "MessageSid=SM%zz&From=%2";
    s_post (self, "/webhook/sms", malformed, signature, NULL, &answer);
    s_assert_answer (&answer, 400, "malformed");
    assert_non_null (strchr (answer.body, '\n'));
    assert_ptr_equal (strchr (answer.body, '\n'), answer.body + answer.size - 1);

    //  No MessageSid, correctly signed: the field is named
    s_param_remove (&params, "MessageSid");
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_answer (&answer, 400, "MessageSid");

    //  A MessageSid the schema refuses (too long): the broker's reason
    char *long_sid = zsys_sprintf ("%s0123456789", sid);
    s_sms_params (&params, long_sid);
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    zstr_free (&long_sid);
    s_assert_answer (&answer, 400, "message_sid");
    if (!strstr (answer.body, "invalid"))
        fail_msg ("the reason does not carry the broker's code: %s", answer.body);

    //  A body over --max-body, correctly signed
    char large [S_BODY_MAX];
    memset (large, 'x', sizeof large - 1);
    large [sizeof large - 1] = 0;
    s_sms_params (&params, sid);
    s_param_set (&params, "Body", large + 4096);   //  ~4 kB of text, + the rest
    s_param_set (&params, "Padding", large + 6000);
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_answer (&answer, 413, S_MAX_BODY);
    assert_int_equal (s_queue_length (self), 0);

    //  After all that, the same SMS done right is accepted
    s_sms_params (&params, sid);
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_twiml (&answer);
    s_assert_stored_once (self, sid);
}

//  --------------------------------------------------------------------------
//  7. The other endpoints, unknown paths and wrong methods

static void
test_endpoints (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    s_answer_t answer;
    s_http (self, "GET", "/health", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 200, "ok");
    s_http (self, "GET", "/ready", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 200, "ready");
    s_http (self, "GET", "/nowhere", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 404, NULL);
    s_http (self, "POST", "/webhook/sms/extra", NULL, "a=b", 3, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 404, NULL);
    s_http (self, "GET", "/webhook/sms", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 405, NULL);
    s_http (self, "PUT", "/webhook/sms", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 405, NULL);
    s_http (self, "POST", "/health", NULL, "a=b", 3, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 405, NULL);
    s_http (self, "DELETE", "/ready", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 405, NULL);
    assert_int_equal (s_queue_length (self), 0);
}

//  --------------------------------------------------------------------------
//  8. The broker killed: 503 quickly, /ready 503; back: 200 and stored

static void
test_broker_down (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char sid [35];
    s_params_t params;
    s_answer_t answer;
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_twiml (&answer);

    sb_testproc_signal (self->broker, SIGKILL);
    assert_int_equal (sb_testproc_wait (self->broker, S_STOP_MS, NULL), 0);
    sb_testproc_destroy (&self->broker);

    //  Refused within about the publish timeout (500 ms), not hanging
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_answer (&answer, 503, "broker");
    if (answer.elapsed_ms >= S_FAILURE_BOUND)
        fail_msg ("503 came after %" PRId64 " ms with --publish-timeout %s", answer.elapsed_ms,
                  S_PUBLISH_MS);
    s_http (self, "GET", "/ready", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 503, NULL);
    s_http (self, "GET", "/health", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 200, NULL);

    //  Back on the same endpoint: ready again, and Twilio's retry of the
    //  refused message is accepted and stored, once
    assert_int_equal (s_broker_spawn (self), 0);
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    do
        s_http (self, "GET", "/ready", NULL, NULL, 0, S_HTTP_MS, &answer);
    while (answer.status != 200 && zclock_mono () < deadline);
    s_assert_answer (&answer, 200, "ready");
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_twiml (&answer);
    s_assert_stored_once (self, sid);
    assert_int_equal (s_queue_length (self), 2);
    assert_int_equal (sb_testproc_wait (self->ingress, 0, NULL), -1);   //  the same process
}

//  --------------------------------------------------------------------------
//  9. Redis killed behind a running broker: 503 quickly, /ready 503; back:
//     200 and stored, and what was stored before is still there

static void
test_storage_down (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    char first [35], sid [35];
    s_params_t params;
    s_answer_t answer;
    s_new_sid (self, first);
    s_sms_params (&params, first);
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_twiml (&answer);

    assert_int_equal (sb_testredis_kill (self->redis), 0);
    s_new_sid (self, sid);
    s_sms_params (&params, sid);
    s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    s_assert_answer (&answer, 503, NULL);
    if (answer.elapsed_ms >= S_FAILURE_BOUND)
        fail_msg ("503 came after %" PRId64 " ms with --publish-timeout %s", answer.elapsed_ms,
                  S_PUBLISH_MS);
    //  The broker knows its storage is down, and says so: not ready
    s_http (self, "GET", "/ready", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 503, NULL);

    assert_int_equal (sb_testredis_restart (self->redis), 0);
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    do
        s_post_signed (self, "/webhook/sms", NULL, &params, &answer);
    while (answer.status == 503 && zclock_mono () < deadline);
    s_assert_twiml (&answer);
    s_assert_stored_once (self, sid);
    s_assert_stored_once (self, first);
    s_http (self, "GET", "/ready", NULL, NULL, 0, S_HTTP_MS, &answer);
    s_assert_answer (&answer, 200, "ready");
}

//  --------------------------------------------------------------------------
//  10. The command line: --help, a bad value, a port in use

static void
test_command_line (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    char output [4096], path [S_PATH_MAX], config [S_PATH_MAX];
    snprintf (path, sizeof path, "%s/output.txt", self->dir);
    char *program = (char *) self->programs->ingress;

    char *help [] = { program, "--help", NULL };
    assert_int_equal (s_run_captured (help, path, output, sizeof output), 0);
    assert_non_null (strstr (output, "Usage: ingress"));

    //  A bad value on the command line, and in the config file: 78,
    //  naming the key
    char *flag [] = { program, "-p", "0", "--max-body", "12", NULL };
    assert_int_equal (s_run_captured (flag, path, output, sizeof output), S_EXIT_CONFIG);
    if (!strstr (output, "max-body"))
        fail_msg ("the error does not name max-body: %s", output);
    snprintf (config, sizeof config, "%s/ingress.zpl", self->dir);
    FILE *file = fopen (config, "w");
    assert_non_null (file);
    fprintf (file, "ingress\n    port = 0\n    publish-timeout = soon\n");
    assert_int_equal (fclose (file), 0);
    char *from_file [] = { program, "-c", config, NULL };
    assert_int_equal (s_run_captured (from_file, path, output, sizeof output), S_EXIT_CONFIG);
    if (!strstr (output, "ingress/publish-timeout"))
        fail_msg ("the error does not name ingress/publish-timeout: %s", output);

    //  A port in use
    int listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true (listener >= 0);
    struct sockaddr_in address = { .sin_family = AF_INET };
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    assert_int_equal (bind (listener, (struct sockaddr *) &address, size), 0);
    assert_int_equal (listen (listener, 1), 0);
    assert_int_equal (getsockname (listener, (struct sockaddr *) &address, &size), 0);
    char port [16];
    snprintf (port, sizeof port, "%d", ntohs (address.sin_port));
    char *taken [] = { program, "-p", port, "-b", "tcp://127.0.0.1:1", NULL };
    int status = s_run_captured (taken, path, output, sizeof output);
    close (listener);
    if (status != S_EXIT_CONFIG)
        fail_msg ("ingress on a port in use exited %d, not %d: %s", status, S_EXIT_CONFIG,
                  output);
    assert_non_null (strstr (output, port));
}

//  --------------------------------------------------------------------------

//  11. WhatsApp: one whatsapp.received per text message, keyed by the
//  gateway's message id, behind X-Internal-Secret; a bad message refuses
//  the whole request and publishes none of it.
static void
s_post_whatsapp (s_fixture_t *self, const char *secret, const char *type, const char *json,
                 s_answer_t *answer)
{
    char secret_header [128], type_header [128];
    snprintf (secret_header, sizeof secret_header, "X-Internal-Secret: %s", secret);
    snprintf (type_header, sizeof type_header, "Content-Type: %s", type);
    const char *headers [] = { type_header, secret? secret_header: NULL, NULL };
    s_http (self, "POST", "/webhook/whatsapp/incoming", headers, json, strlen (json),
            S_HTTP_MS, answer);
}

static void
test_whatsapp (void **state)
{
    s_fixture_t *self = (s_fixture_t *) *state;
    s_world_start (self, true);
    s_answer_t answer;
    const char *batch =
        "{\"tenantId\":\"acme\",\"payload\":{\"messages\":["
        "{\"key\":{\"id\":\"WA1\",\"remoteJid\":\"972501234567@s.whatsapp.net\"},"
        "\"pushName\":\"Dana\",\"messageTimestamp\":1772787599,"
        "\"message\":{\"conversation\":\"how many hours this week?\"}},"
        "{\"key\":{\"id\":\"WA2\",\"remoteJid\":\"972501234567@s.whatsapp.net\"},"
        "\"message\":{\"imageMessage\":{}}}]}}";
    s_post_whatsapp (self, S_GATEWAY_SECRET, "application/json", batch, &answer);
    s_assert_answer (&answer, 200, NULL);
    sb_envelope_t *env = NULL;
    assert_int_equal (s_stored (self, "whatsapp:baileys:WA1", &env), 1);
    assert_non_null (env);
    assert_string_equal (sb_envelope_type (env), "whatsapp.received");
    assert_string_equal (sb_envelope_tenant (env), "acme");
    json_t *body = sb_envelope_body (env);
    assert_string_equal (json_string_value (json_object_get (body, "from")), "+972501234567");
    assert_string_equal (json_string_value (json_object_get (body, "text")), "how many hours this week?");
    assert_int_equal (json_integer_value (json_object_get (body, "sent_at_ms")), 1772787599000LL);
    sb_envelope_destroy (&env);
    assert_int_equal (s_stored (self, "whatsapp:baileys:WA2", NULL), 0);   //  no text: not for us

    //  The gateway's redelivery: answered 200, processed once
    s_post_whatsapp (self, S_GATEWAY_SECRET, "application/json", batch, &answer);
    s_assert_answer (&answer, 200, NULL);
    assert_int_equal (s_stored (self, "whatsapp:baileys:WA1", NULL), 1);

    s_post_whatsapp (self, "wrong", "application/json", batch, &answer);
    s_assert_answer (&answer, 401, NULL);
    s_post_whatsapp (self, NULL, "application/json", batch, &answer);
    s_assert_answer (&answer, 401, NULL);
    s_post_whatsapp (self, S_GATEWAY_SECRET, "text/plain", batch, &answer);
    s_assert_answer (&answer, 400, NULL);
    s_post_whatsapp (self, S_GATEWAY_SECRET, "application/json", "{\"tenantId\":", &answer);
    s_assert_answer (&answer, 400, "malformed JSON");
    s_post_whatsapp (self, S_GATEWAY_SECRET, "application/json", "{\"payload\":{\"messages\":[]}}", &answer);
    s_assert_answer (&answer, 400, "tenantId");
    s_post_whatsapp (self, S_GATEWAY_SECRET, "application/json",
                     "{\"tenantId\":\"acme\",\"payload\":{\"messages\":[]}}", &answer);
    s_assert_answer (&answer, 200, NULL);   //  an empty batch is a valid no-op

    //  A group chat id in the second message: nothing of the batch is published
    s_post_whatsapp (self, S_GATEWAY_SECRET, "application/json",
        "{\"tenantId\":\"acme\",\"payload\":{\"messages\":["
        "{\"key\":{\"id\":\"WA3\",\"remoteJid\":\"972501234567@s.whatsapp.net\"},"
        "\"message\":{\"conversation\":\"hi\"}},"
        "{\"key\":{\"id\":\"WA4\",\"remoteJid\":\"1203630@g.us\"},"
        "\"message\":{\"conversation\":\"hi all\"}}]}}", &answer);
    s_assert_answer (&answer, 400, "remoteJid");
    assert_int_equal (s_stored (self, "whatsapp:baileys:WA3", NULL), 0);
}

int
main (int argc, char *argv [])
{
    if (argc < 3) {
        fprintf (stderr, "Usage: test_ingress BROKER INGRESS [TEST]\n");
        return 64;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return S_EXIT_SKIP;
    }
    s_programs_t programs = { argv [1], argv [2] };
    if (argc > 3)
        cmocka_set_test_filter (argv [3]);
    unsetenv ("SB_BROKER");
    unsetenv ("TWILIO_AUTH_TOKEN");
    if (curl_global_init (CURL_GLOBAL_DEFAULT)) {
        fprintf (stderr, "test_ingress: curl_global_init failed\n");
        return 1;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_valid_sms, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_whatsapp, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_signature_reference, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_signed_url, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_bad_signature, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_no_token, s_setup, s_teardown, &programs),
        cmocka_unit_test_prestate_setup_teardown (test_bad_input, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_endpoints, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_broker_down, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_storage_down, s_setup, s_teardown,
                                                  &programs),
        cmocka_unit_test_prestate_setup_teardown (test_command_line, s_setup, s_teardown,
                                                  &programs),
    };
    int failed = cmocka_run_group_tests (tests, NULL, NULL);
    curl_global_cleanup ();
    return failed;
}
