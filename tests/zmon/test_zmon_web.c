/*  test_zmon_web.c — the web console's integration tests (bin/zmon/web,
    docs/zmon.md, Web console): zmon-web against a real broker and a
    private redis-server on the known flow of tests/zmon (sb_testzmon: a
    conversation retried once, one dead-lettered) plus a message whose body
    holds <script>. Each JSON endpoint is read over HTTP and parsed back;
    the pages are served with their content types and the CSP; a replay is
    refused without the token and with a wrong one, done with the right
    one, refused (403) when no token is configured; a loopback console
    refuses other Host names and, by default, listens on 127.0.0.1 only.

    The HTTP client is a plain socket (one request per connection), so the
    test sees the bytes the server sends. Synchronisation is by polling
    with a deadline, never by sleeping.

    Usage: test_zmon_web BROKER TESTWORKER ZMON-WEB [TEST]   (paths, which
    CTest passes). Exits 77 (skipped) without redis-server.               */

#include "sb_classes.h"
#include "sb_testecho.h"
#include "sb_testworld.h"
#include "sb_testzmon.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WORKER   1             //  testworker's path in the world's programs
#define S_WEB      2
#define S_TOKEN    "t0ken-for-the-test"
#define S_SCRIPT   "<script>alert(1)</script>"

typedef struct {
    int status;
    char *headers;               //  as received, lower-cased
    char *body;
} s_answer_t;

static void
s_answer_free (s_answer_t *answer)
{
    free (answer->headers);
    free (answer->body);
    memset (answer, 0, sizeof *answer);
}

//  Sends one request to address:port (headers: extra lines, each ending
//  in \r\n, or NULL) and reads the whole answer. Returns 0, or -1 if the
//  connection failed.
static int
s_http (const char *address, int port, const char *method, const char *path,
        const char *headers, const char *body, s_answer_t *answer)
{
    memset (answer, 0, sizeof *answer);
    struct sockaddr_in peer = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    inet_pton (AF_INET, address, &peer.sin_addr);
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct timeval timeout = { .tv_sec = 10 };
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect (fd, (struct sockaddr *) &peer, sizeof peer)) {
        close (fd);
        return -1;
    }
    //  Host is 127.0.0.1:PORT unless headers start with one of their own
    char host [32];
    snprintf (host, sizeof host, "Host: 127.0.0.1:%d\r\n", port);
    bool own_host = headers && strncmp (headers, "Host:", 5) == 0;
    char *request = zsys_sprintf ("%s %s HTTP/1.1\r\n%sConnection: close\r\n"
                                  "%sContent-Length: %zu\r\n\r\n%s", method, path,
                                  own_host? "": host, headers? headers: "",
                                  body? strlen (body): 0, body? body: "");
    assert_int_equal (send (fd, request, strlen (request), MSG_NOSIGNAL), (ssize_t) strlen (request));
    zstr_free (&request);
    zchunk_t *chunk = zchunk_new (NULL, 0);
    char buffer [4096];
    ssize_t size;
    while ((size = recv (fd, buffer, sizeof buffer, 0)) > 0)
        zchunk_extend (chunk, buffer, (size_t) size);
    close (fd);
    char *text = zchunk_strdup (chunk);
    zchunk_destroy (&chunk);
    char *split = strstr (text, "\r\n\r\n");
    assert_non_null (split);
    *split = 0;
    answer->body = strdup (split + 4);
    for (char *at = text; *at; at++)
        *at = (char) tolower ((unsigned char) *at);
    answer->headers = text;
    answer->status = atoi (text + strlen ("http/1.1 "));
    return 0;
}

//  GET path on the loopback console at port: the answer's status must be
//  status; returns its body parsed as JSON (a new reference).
static json_t *
s_get_json (int port, const char *path, int status)
{
    s_answer_t answer;
    assert_int_equal (s_http ("127.0.0.1", port, "GET", path, NULL, NULL, &answer), 0);
    if (answer.status != status)
        fprintf (stderr, "test_zmon_web: GET %s: %d %s\n", path, answer.status, answer.body);
    assert_int_equal (answer.status, status);
    assert_non_null (strstr (answer.headers, "\r\ncontent-type: application/json"));
    assert_non_null (strstr (answer.headers,
                             "\r\ncontent-security-policy: default-src 'self'"));
    json_error_t error;
    json_t *value = json_loads (answer.body, 0, &error);
    if (!value)
        fprintf (stderr, "test_zmon_web: GET %s: not JSON: %s\n", path, answer.body);
    assert_non_null (value);
    s_answer_free (&answer);
    return value;
}

//  POST /api/dlq/replay with body and authorization (NULL: none): the
//  answer's status must be status; returns its body parsed.
static json_t *
s_replay (int port, const char *authorization, const char *body, int status)
{
    char *headers = authorization? zsys_sprintf ("Authorization: %s\r\n", authorization)
                                 : strdup ("");
    s_answer_t answer;
    assert_int_equal (s_http ("127.0.0.1", port, "POST", "/api/dlq/replay", headers, body,
                              &answer), 0);
    zstr_free (&headers);
    if (answer.status != status)
        fprintf (stderr, "test_zmon_web: replay: %d %s\n", answer.status, answer.body);
    assert_int_equal (answer.status, status);
    json_t *value = json_loads (answer.body, 0, NULL);
    assert_non_null (value);
    s_answer_free (&answer);
    return value;
}

//  Starts zmon-web (args after the broker's) with token (NULL: none), its
//  output in DIR/name; returns the port it listens on at 127.0.0.1.
static int
s_web_start (sb_testworld_t *world, const char *name, const char *token, const char *args)
{
    int port = sb_testzmon_web_start (world, world->programs [S_WEB], name, token, args);
    assert_true (port > 0);
    return port;
}

//  The entry of a DLQ-LIST result array whose envelope id is id, or NULL.
static json_t *
s_dead_letter (json_t *results, const char *id)
{
    size_t index;
    json_t *entry;
    json_array_foreach (json_object_get (json_array_get (results, 0), "reply"), index, entry)
        if (streq (json_string_value (json_object_get (entry, "id")), id))
            return entry;
    return NULL;
}

//  Polls GET /api/dlq until id's presence is present.
static void
s_wait_dead_letter (int port, const char *id, bool present)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    bool found = !present;
    while (found != present && zclock_mono () < deadline) {
        json_t *results = s_get_json (port, "/api/dlq", 200);
        found = s_dead_letter (results, id) != NULL;
        json_decref (results);
        if (found != present)
            zclock_sleep (50);   //  polling interval, not a synchronisation
    }
    assert_true (found == present);
}

//  --------------------------------------------------------------------------
//  Tests

//  The stats view, twice: the second with rates; echo's figures and its
//  failure-rate alert; supervise unreachable is said, not hidden.
static void
s_check_stats (int port)
{
    json_t *view = NULL;
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    do {
        json_decref (view);
        view = s_get_json (port, "/api/stats", 200);
        if (!json_integer_value (json_object_get (view, "interval_ms")))
            zclock_sleep (100);   //  polling interval: rates need two snapshots apart
    } while (!json_integer_value (json_object_get (view, "interval_ms"))
             && zclock_mono () < deadline);
    assert_true (json_integer_value (json_object_get (view, "interval_ms")) >= 500);
    json_t *broker = json_array_get (json_object_get (view, "brokers"), 0);
    assert_true (json_is_true (json_object_get (broker, "reachable")));
    assert_string_equal (json_string_value (json_object_get (broker, "storage")), "ok");
    json_t *echo = json_object_get (json_object_get (broker, "services"), "echo");
    assert_int_equal (json_integer_value (json_object_get (echo, "workers")), 1);
    assert_true (json_integer_value (json_object_get (echo, "dead_lettered")) >= 1);
    assert_true (json_is_real (json_object_get (echo, "delivered_rate")));
    char *alerts = json_dumps (json_object_get (echo, "alerts"), JSON_COMPACT);
    assert_non_null (strstr (alerts, "failure-rate"));
    free (alerts);
    json_t *supervise = json_object_get (view, "supervise");
    assert_true (json_is_false (json_object_get (supervise, "reachable")));
    json_decref (view);
    json_t *status = s_get_json (port, "/api/supervise", 200);
    assert_true (json_is_false (json_object_get (status, "reachable")));
    assert_non_null (json_string_value (json_object_get (status, "error")));
    json_decref (status);
}

//  The retried conversation's timeline, as `zmon trace --json` gives it.
static void
s_check_trace (int port)
{
    json_t *trace = s_get_json (port, "/api/trace/k-retry", 200);
    assert_string_equal (json_string_value (json_object_get (trace, "corr")), "k-retry");
    json_t *rows = json_object_get (trace, "rows");
    char events [512] = "";
    size_t index;
    json_t *row;
    json_array_foreach (rows, index, row) {
        strcat (events, json_string_value (json_object_get (row, "event")));
        strcat (events, index + 1 < json_array_size (rows)? " ": "");
        if (index)
            assert_true (json_integer_value (json_object_get (row, "offset_ms"))
                         >= json_integer_value (json_object_get (json_array_get (rows, index - 1),
                                                                 "offset_ms")));
    }
    assert_non_null (strstr (events, "published delivered retry delivered done"));
    assert_true (json_is_true (json_object_get (json_array_get (json_object_get (trace, "brokers"),
                                                                0), "reachable")));
    json_decref (trace);
    json_t *empty = s_get_json (port, "/api/trace/k-unknown", 200);
    assert_int_equal (json_array_size (json_object_get (empty, "rows")), 0);
    json_decref (empty);
}

//  Conversations by phone number: the SMS and the WhatsApp message from
//  +15551230001, newest first, however the number is sent (encoded, its
//  '+' unencoded, after whatsapp:); another number has none; a query
//  without a number, or with one that is not, is refused with the reason.
static void
s_check_conversations (int port)
{
    const char *paths [] = { "/api/conversations?phone=%2B15551230001",
                             "/api/conversations?phone=+15551230001",
                             "/api/conversations?phone=whatsapp%3A%2B1%20555%20123%200001" };
    for (size_t index = 0; index < 3; index++) {
        json_t *found = s_get_json (port, paths [index], 200);
        assert_string_equal (json_string_value (json_object_get (found, "phone")), "+15551230001");
        json_t *list = json_object_get (found, "conversations");
        assert_int_equal (json_array_size (list), 2);
        assert_string_equal (json_string_value (json_object_get (json_array_get (list, 0), "corr")),
                             "k-whatsapp");
        assert_string_equal (json_string_value (json_object_get (json_array_get (list, 1), "corr")),
                             "k-sms");
        assert_string_equal (json_string_value (json_object_get (json_array_get (list, 0),
                                                                 "tenant")), "acme");
        json_t *first_ms = json_object_get (json_array_get (list, 1), "first_ms");
        assert_true (json_integer_value (first_ms) > 0);
        assert_true (json_is_true (json_object_get (json_array_get (json_object_get (
            found, "brokers"), 0), "reachable")));
        json_decref (found);
    }
    json_t *none = s_get_json (port, "/api/conversations?phone=%2B15550000000", 200);
    assert_int_equal (json_array_size (json_object_get (none, "conversations")), 0);
    json_decref (none);
    json_t *refused = s_get_json (port, "/api/conversations?phone=555-abc", 400);
    assert_non_null (strstr (json_string_value (json_object_get (refused, "error")),
                             "phone: '555-abc' is not a phone number in E.164"));
    json_decref (refused);
    refused = s_get_json (port, "/api/conversations", 400);
    assert_non_null (strstr (json_string_value (json_object_get (refused, "error")),
                             "phone is required"));
    json_decref (refused);
}

//  Dead letters: the list (the failed one with its attempts' errors, the
//  <script> one with its body as data), one by either id, an unknown one.
static void
s_check_dlq (int port, const char *fail_id, const char *script_id)
{
    json_t *results = s_get_json (port, "/api/dlq", 200);
    json_t *failed = s_dead_letter (results, fail_id);
    assert_non_null (failed);
    assert_string_equal (json_string_value (json_object_get (failed, "service")), "echo");
    assert_non_null (strstr (json_string_value (json_object_get (failed, "reason")), "asked to fail"));
    json_t *script = s_dead_letter (results, script_id);
    assert_non_null (script);
    const char *text = json_string_value (json_object_get (json_object_get (
        json_object_get (script, "envelope"), "body"), "text"));
    assert_string_equal (text, S_SCRIPT);
    char *path = zsys_sprintf ("/api/dlq/%s", json_string_value (json_object_get (failed, "entry")));
    json_t *entry = s_get_json (port, path, 200);
    assert_true (json_equal (entry, failed));
    json_decref (entry);
    zstr_free (&path);
    path = zsys_sprintf ("/api/dlq/%s", fail_id);
    entry = s_get_json (port, path, 200);
    assert_true (json_equal (entry, failed));
    json_decref (entry);
    zstr_free (&path);
    json_decref (results);
    json_decref (s_get_json (port, "/api/dlq/0-0", 404));
    json_decref (s_get_json (port, "/api/dlq?count=0", 400));
}

//  The pages: each with its type, the CSP and nosniff; the <script>
//  body in none of them; unknown paths, methods and Host names refused.
static void
s_check_pages (int port)
{
    const char *pages [][2] = { { "/", "text/html" }, { "/index.html", "text/html" },
                                { "/app.js", "text/javascript" }, { "/app.css", "text/css" } };
    for (size_t index = 0; index < 4; index++) {
        s_answer_t answer;
        assert_int_equal (s_http ("127.0.0.1", port, "GET", pages [index][0], NULL, NULL,
                                  &answer), 0);
        assert_int_equal (answer.status, 200);
        char *type = zsys_sprintf ("\r\ncontent-type: %s", pages [index][1]);
        assert_non_null (strstr (answer.headers, type));
        zstr_free (&type);
        assert_non_null (strstr (answer.headers, "\r\ncontent-security-policy: default-src 'self'"));
        assert_non_null (strstr (answer.headers, "\r\nx-content-type-options: nosniff"));
        assert_null (strstr (answer.body, S_SCRIPT));
        assert_null (strstr (answer.body, ".innerHTML"));      //  the DOM from data only
        assert_null (strstr (answer.body, "document.write"));
        s_answer_free (&answer);
    }
    json_decref (s_get_json (port, "/nothing.html", 404));
    json_decref (s_get_json (port, "/api/nothing", 404));
    s_answer_t answer;
    assert_int_equal (s_http ("127.0.0.1", port, "DELETE", "/api/stats", NULL, NULL, &answer), 0);
    assert_int_equal (answer.status, 405);
    s_answer_free (&answer);
}

//  A replay: refused without the token and with a wrong one, a bad body
//  refused, then done with the right one (the dead letter leaves the list).
static void
s_check_replay (int port, const char *fail_id)
{
    json_t *refused = s_replay (port, NULL, "{\"all\": true}", 401);
    assert_non_null (strstr (json_string_value (json_object_get (refused, "error")), "Bearer"));
    json_decref (refused);
    json_decref (s_replay (port, "Bearer wrong", "{\"all\": true}", 401));
    json_decref (s_replay (port, "Bearer t0ken-for-the-tesT", "{\"all\": true}", 401));
    json_decref (s_replay (port, "Bearer " S_TOKEN "x", "{\"all\": true}", 401));
    json_decref (s_replay (port, S_TOKEN, "{\"all\": true}", 401));
    json_decref (s_replay (port, "Bearer " S_TOKEN, "{\"every\": true}", 400));
    json_decref (s_replay (port, "Bearer " S_TOKEN, "not json", 400));
    s_wait_dead_letter (port, fail_id, true);
    json_t *results = s_get_json (port, "/api/dlq", 200);
    char *body = zsys_sprintf ("{\"id\": \"%s\"}", json_string_value (json_object_get (
        s_dead_letter (results, fail_id), "entry")));
    json_decref (results);
    json_t *replayed = s_replay (port, "Bearer " S_TOKEN, body, 200);
    zstr_free (&body);
    json_t *first = json_array_get (replayed, 0);
    assert_true (json_is_true (json_object_get (first, "reachable")));
    assert_int_equal (json_integer_value (json_object_get (first, "reply")), 1);
    json_decref (replayed);
    //  Replayed, it fails again and returns to the list: under a new entry
    //  id; the test worker fails it at once, so wait for it to be back
    s_wait_dead_letter (port, fail_id, true);
}

//  Every endpoint of a console with a token, on the known flow.
static void
test_console (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testzmon_broker_start (world), 0);
    char retry_id [SB_ID_LEN + 1], fail_id [SB_ID_LEN + 1], script_id [SB_ID_LEN + 1];
    assert_int_equal (sb_testzmon_flow (world, world->programs [S_WORKER], retry_id, fail_id), 0);
    //  An SMS and a WhatsApp message from one number
    assert_int_equal (sb_testzmon_publish_phone (world, "+15551230001", NULL), 0);
    //  A message whose body holds markup: its deadline passes while it
    //  waits for its time, so it is dead-lettered with the body intact
    int64_t now = zclock_time ();
    assert_int_equal (sb_testecho_publish (world, 0, "k-script", S_SCRIPT, now + 300, now + 100,
                                           script_id), 0);
    char supervise [SB_TESTWORLD_PATH_MAX], args [SB_TESTWORLD_PATH_MAX + 64];
    assert_int_equal (sb_testworld_path (world, "no-supervise.sock", supervise, sizeof supervise), 0);
    snprintf (args, sizeof args, "--port 0 --timeout 1000 --supervise '%s'", supervise);
    int port = s_web_start (world, "web.out", S_TOKEN, args);
    s_wait_dead_letter (port, script_id, true);
    s_check_stats (port);
    s_check_trace (port);
    s_check_conversations (port);
    s_check_dlq (port, fail_id, script_id);
    s_check_pages (port);
    s_check_replay (port, fail_id);
}

//  Without a token every action is refused (403, with the reason); by
//  default the console listens on 127.0.0.1 only and answers to loopback
//  names only.
static void
test_read_only_loopback (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testzmon_broker_start (world), 0);
    int port = s_web_start (world, "web.out", NULL, "--port 0");
    json_t *refused = s_replay (port, "Bearer anything", "{\"all\": true}", 403);
    assert_non_null (strstr (json_string_value (json_object_get (refused, "error")),
                             "ZMON_WEB_TOKEN"));
    json_decref (refused);
    json_decref (s_replay (port, NULL, "{\"all\": true}", 403));
    //  127.0.0.2 is loopback too, but not the address it is bound to
    s_answer_t answer;
    assert_int_equal (s_http ("127.0.0.2", port, "GET", "/", NULL, NULL, &answer), -1);
    //  A page asked for under another name (DNS rebinding) is refused;
    //  localhost is one of its names
    assert_int_equal (s_http ("127.0.0.1", port, "GET", "/api/stats",
                              "Host: attacker.example:8081\r\n", NULL, &answer), 0);
    assert_int_equal (answer.status, 421);
    s_answer_free (&answer);
    assert_int_equal (s_http ("127.0.0.1", port, "GET", "/", "Host: localhost\r\n", NULL,
                              &answer), 0);
    assert_int_equal (answer.status, 200);
    s_answer_free (&answer);
    json_t *stats = s_get_json (port, "/api/stats", 200);
    assert_true (json_is_true (json_object_get (json_array_get (json_object_get (stats, "brokers"),
                                                                0), "reachable")));
    json_decref (stats);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_console),
    SB_TESTWORLD_CASE (test_read_only_loopback),
};

int
main (int argc, char *argv [])
{
    unsetenv ("ZMON_WEB_TOKEN");
    return sb_testworld_run (argc, argv, 3, "BROKER TESTWORKER ZMON-WEB [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
