/*  test_zmon.c — zmon's integration tests (bin/zmon, docs/zmon.md): the
    zmon program against a real broker (tap, monitor, alerts configured),
    a private redis-server and test workers serving echo and echo-sink, on
    a known flow: a conversation that retries once (k-retry) and one that
    is dead-lettered (k-fail); and for trace --phone, an SMS and a
    WhatsApp message from one number. Each subcommand's output is checked
    as text and, with --json, parsed back; an echo actor's socket events are seen
    as it connects and is killed; an unreachable broker is reported.

    Synchronisation is by polling with a deadline (STATS, zmon's output
    files), never by sleeping.

    Usage: test_zmon BROKER TESTWORKER ZMON ECHO [TEST]   (paths, which
    CTest passes). Exits 77 (skipped) without redis-server.               */

#include "sb_classes.h"
#include "sb_testecho.h"
#include "sb_testmsg.h"
#include "sb_testutil.h"
#include "sb_testworld.h"
#include "sb_testzmon.h"
#include <signal.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WORKER    1            //  testworker's path in the world's programs
#define S_ZMON      2
#define S_ECHO      3
#define S_OUTPUT    65536        //  what a zmon run may print
#define S_WAIT_MS   SB_TESTWORLD_WAIT_MS

//  --------------------------------------------------------------------------
//  Helpers

//  Starts broker-a with its tap, monitor (ipc, in the world's directory)
//  and an alert on echo's failure rate.
static void
s_broker_start (sb_testworld_t *world)
{
    assert_int_equal (sb_testzmon_broker_start (world), 0);
}

//  Runs zmon with args (NULL-terminated, after the program) against
//  broker-a and returns its exit status, its output in output.
static int
s_zmon (sb_testworld_t *world, char *output, const char *first, ...)
{
    char *argv [32] = { world->programs [S_ZMON], "-b", world->brokers [0].endpoint };
    size_t count = 3;
    va_list args;
    va_start (args, first);
    for (const char *arg = first; arg && count < 31; arg = va_arg (args, const char *))
        argv [count++] = (char *) arg;
    va_end (args);
    argv [count] = NULL;
    char path [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_path (world, "zmon.out", path, sizeof path), 0);
    return sb_testproc_run (argv, path, output, S_OUTPUT, S_WAIT_MS);
}

//  Starts zmon with args as one of the world's processes, its output in
//  DIR/name (through a shell: the world's processes print to the test's).
static sb_testproc_t *
s_zmon_spawn (sb_testworld_t *world, const char *name, const char *args)
{
    char path [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_path (world, name, path, sizeof path), 0);
    char *command = zsys_sprintf ("exec '%s' -b '%s' %s > '%s' 2>&1", world->programs [S_ZMON],
                                  world->brokers [0].endpoint, args, path);
    char *argv [] = { "/bin/sh", "-c", command, NULL };
    sb_testproc_t *zmon = sb_testworld_spawn (world, argv, name);
    zstr_free (&command);
    assert_non_null (zmon);
    return zmon;
}

//  Stops a zmon the test started as it would be stopped at a terminal
//  (SIGINT): it must exit 0. The world still holds it (and reaps it).
static void
s_zmon_stop (sb_testproc_t *zmon, const char *what)
{
    assert_int_equal (sb_testproc_signal (zmon, SIGINT), 0);
    assert_int_equal (sb_testproc_wait_clean (zmon, SB_TESTWORLD_STOP_MS, what), 0);
}

//  Reads DIR/name into a new string ("" if absent).
static char *
s_read (sb_testworld_t *world, const char *name)
{
    return sb_testzmon_read (world, name);
}

//  Polls DIR/name until it holds each of the needles, up to S_WAIT_MS.
static bool
s_wait_output (sb_testworld_t *world, const char *name, const char *first, const char *second)
{
    return sb_testzmon_wait_output (world, name, first, second);
}

//  The JSON lines of text, parsed (a new array); a line that is not JSON
//  fails the test.
static json_t *
s_json_lines (const char *text)
{
    json_t *lines = json_array ();
    const char *start = text;
    while (*start) {
        const char *end = strchr (start, '\n');
        size_t length = end? (size_t) (end - start): strlen (start);
        if (length) {
            json_error_t error;
            json_t *line = json_loadb (start, length, 0, &error);
            if (!line)
                fprintf (stderr, "test_zmon: not JSON: %.*s\n", (int) length, start);
            assert_non_null (line);
            json_array_append_new (lines, line);
        }
        start += length + (end? 1: 0);
    }
    return lines;
}

//  Starts the echo and echo-sink test workers and runs the known flow:
//  k-retry (retried once, then done, its echo.reply done by the sink) and
//  k-fail (dead-lettered), until the broker's backlog is empty.
static void
s_flow (sb_testworld_t *world, char retry_id [SB_ID_LEN + 1], char fail_id [SB_ID_LEN + 1])
{
    assert_int_equal (sb_testzmon_flow (world, world->programs [S_WORKER], retry_id, fail_id), 0);
}

//  The events of a trace's --json rows, space-separated.
static void
s_row_events (const json_t *rows, char *text, size_t size)
{
    size_t used = 0;
    text [0] = 0;
    for (size_t index = 0; index < json_array_size (rows) && used < size; index++) {
        const json_t *row = json_array_get (rows, index);
        used += (size_t) snprintf (text + used, size - used, "%s%s:%s", index? " ": "",
                                   json_string_value (json_object_get (row, "event")),
                                   json_string_value (json_object_get (row, "service")));
    }
}

//  --------------------------------------------------------------------------
//  Tests

//  tap: every event of the flow as JSON lines, in order per message;
//  --type filters; a workspace.saved's secrets redacted.
static void
test_tap (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    sb_testproc_t *all = s_zmon_spawn (world, "tap.out", "tap");
    sb_testproc_t *replies = s_zmon_spawn (world, "replies.out", "tap --type echo.reply");
    //  A subscriber sees only what is published after it joined: publish
    //  warm-up messages (to a service nobody serves) until both show one
    char id [SB_ID_LEN + 1];
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    for (unsigned round = 0; zclock_mono () < deadline; round++) {
        char key [32];
        snprintf (key, sizeof key, "warm-%u", round);
        sb_testmsg_t msg = { .type = "echo.reply", .key = key };
        assert_int_equal (sb_testmsg_publish_acked (sb_testworld_client (world, 0), world->ids,
            &msg, json_pack ("{s:s, s:i}", "text", "warm-up", "echoed_at_ms", 0),
            SB_TESTWORLD_REPLY_MS, id), 0);
        char *seen = s_read (world, "tap.out"), *seen_too = s_read (world, "replies.out");
        bool ready = strstr (seen, "warm-up") && strstr (seen_too, "warm-up");
        free (seen);
        free (seen_too);
        if (ready)
            break;
        zclock_sleep (50);   //  the pace of warm-up messages
    }
    char retry_id [SB_ID_LEN + 1], fail_id [SB_ID_LEN + 1];
    s_flow (world, retry_id, fail_id);
    //  The secrets of a workspace.saved never show (published last: nobody
    //  serves agent-sync here, it stays queued)
    char err [256];
    sb_schemas_t *schemas = sb_schemas_new_builtin (err, sizeof err);
    json_t *body = sb_schemas_example_body (schemas, "workspace.saved");
    sb_schemas_destroy (&schemas);
    //  (the auth token's example is part of the account SID's: look for the key)
    const char *secret = json_string_value (json_object_get (body, "vapi_api_key"));
    char *token = strdup (secret? secret: "absent");
    sb_testmsg_t saved = { .type = "workspace.saved", .key = "k-saved" };
    assert_int_equal (sb_testmsg_publish_acked (sb_testworld_client (world, 0), world->ids,
                                                &saved, body, SB_TESTWORLD_REPLY_MS, id), 0);
    assert_true (s_wait_output (world, "tap.out", "\"dead\"", "asked to fail"));
    assert_true (s_wait_output (world, "tap.out", "\"echo-sink\"", "\"done\""));
    assert_true (s_wait_output (world, "tap.out", "k-saved", NULL));
    s_zmon_stop (all, "zmon tap");

    char *text = s_read (world, "tap.out");
    assert_null (strstr (text, token));
    json_t *lines = s_json_lines (text);
    char events [1024] = "";
    size_t used = 0;
    bool redacted = false;
    for (size_t index = 0; index < json_array_size (lines); index++) {
        json_t *line = json_array_get (lines, index);
        const json_t *envelope = json_object_get (line, "envelope");
        const char *corr = json_string_value (json_object_get (envelope, "corr"));
        const json_t *fields = json_object_get (envelope, "body");
        if (corr && streq (corr, "k-saved"))
            redacted = streq (json_string_value (json_object_get (fields, "twilio_auth_token")),
                              "[redacted]")
                    && streq (json_string_value (json_object_get (fields, "vapi_api_key")),
                              "[redacted]");
        if (corr && streq (corr, "k-retry") && used < sizeof events)
            used += (size_t) snprintf (events + used, sizeof events - used, "%s:%s ",
                json_string_value (json_object_get (line, "event")),
                json_string_value (json_object_get (line, "services")));
    }
    assert_true (redacted);
    //  The retried message, its reply (same conversation) and the sink
    assert_non_null (strstr (events, "published:echo delivered:echo retry:echo delivered:echo "));
    assert_non_null (strstr (events, "done:echo"));
    assert_non_null (strstr (events, "published:echo-sink"));
    assert_non_null (strstr (events, "done:echo-sink"));
    json_decref (lines);
    free (text);
    free (token);

    //  --type echo.reply: only replies
    assert_true (s_wait_output (world, "replies.out", "k-retry", NULL));
    s_zmon_stop (replies, "zmon tap --type");
    text = s_read (world, "replies.out");
    lines = s_json_lines (text);
    for (size_t index = 0; index < json_array_size (lines); index++)
        assert_string_equal (json_string_value (json_object_get (json_object_get (
            json_array_get (lines, index), "envelope"), "type")), "echo.reply");
    json_decref (lines);
    free (text);
}

//  trace: the retried conversation hop by hop, as text and as JSON; the
//  dead-lettered one ends dead with the worker's reason.
static void
test_trace (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    char retry_id [SB_ID_LEN + 1], fail_id [SB_ID_LEN + 1];
    s_flow (world, retry_id, fail_id);
    char *output = (char *) malloc (S_OUTPUT);
    assert_int_equal (s_zmon (world, output, "trace", "k-retry", NULL), 0);
    assert_non_null (strstr (output, "conversation k-retry: 8 events"));
    assert_non_null (strstr (output, "retry     echo.request"));
    assert_non_null (strstr (output, "asked to retry"));

    assert_int_equal (s_zmon (world, output, "--json", "trace", "k-retry", NULL), 0);
    json_t *document = json_loads (output, 0, NULL);
    assert_non_null (document);
    char events [512];
    s_row_events (json_object_get (document, "rows"), events, sizeof events);
    //  The output's publish and its parent's done share a millisecond and
    //  a script: either order
    if (strstr (events, "done:echo published:echo-sink"))
        assert_string_equal (events, "published:echo delivered:echo retry:echo delivered:echo "
                             "done:echo published:echo-sink delivered:echo-sink done:echo-sink");
    else
        assert_string_equal (events, "published:echo delivered:echo retry:echo delivered:echo "
                             "published:echo-sink done:echo delivered:echo-sink done:echo-sink");
    const json_t *retry = json_array_get (json_object_get (document, "rows"), 2);
    assert_string_equal (json_string_value (json_object_get (retry, "id")), retry_id);
    assert_int_equal (json_integer_value (json_object_get (retry, "attempt")), 1);
    assert_true (json_integer_value (json_object_get (retry, "delay_ms")) > 0);
    json_decref (document);

    assert_int_equal (s_zmon (world, output, "--json", "trace", "k-fail", NULL), 0);
    document = json_loads (output, 0, NULL);
    assert_non_null (document);
    s_row_events (json_object_get (document, "rows"), events, sizeof events);
    assert_string_equal (events, "published:echo delivered:echo dead:echo");
    assert_non_null (strstr (json_string_value (json_object_get (json_array_get (
        json_object_get (document, "rows"), 2), "reason")), "asked to fail"));
    json_decref (document);

    assert_int_equal (s_zmon (world, output, "trace", "k-unknown", NULL), 0);
    assert_non_null (strstr (output, "conversation k-unknown: 0 events"));
    free (output);
}

//  trace --phone: an SMS and a WhatsApp message from one number are both
//  its conversations, newest first, with the newest one's history; as
//  text and JSON; however the number is written; another number has none;
//  a number that is not one is refused (64) with the reason.
static void
test_trace_phone (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    assert_int_equal (sb_testzmon_publish_phone (world, "+15551230001", "+15559990000"), 0);
    char *output = (char *) malloc (S_OUTPUT);
    assert_int_equal (s_zmon (world, output, "trace", "--phone", "+15551230001", NULL), 0);
    assert_non_null (strstr (output, "phone +15551230001: 2 conversations"));
    const char *whatsapp = strstr (output, "tenant acme             k-whatsapp\n");
    const char *sms = strstr (output, "tenant acme             k-sms\n");
    assert_non_null (whatsapp);
    assert_non_null (sms);
    assert_true (whatsapp < sms);             //  newest first
    assert_non_null (strstr (output, "newest: conversation k-whatsapp: 1 events"));
    assert_non_null (strstr (output, "published whatsapp.received"));
    assert_null (strstr (output, "k-other"));

    assert_int_equal (s_zmon (world, output, "--json", "trace", "--phone",
                              "whatsapp:+1 555 123 0001", NULL), 0);
    json_t *document = json_loads (output, 0, NULL);
    assert_non_null (document);
    assert_string_equal (json_string_value (json_object_get (document, "phone")), "+15551230001");
    json_t *list = json_object_get (document, "conversations");
    assert_int_equal (json_array_size (list), 2);
    assert_string_equal (json_string_value (json_object_get (json_array_get (list, 0), "corr")),
                         "k-whatsapp");
    assert_string_equal (json_string_value (json_object_get (json_array_get (list, 1), "corr")),
                         "k-sms");
    json_t *newest = json_object_get (document, "newest");
    assert_string_equal (json_string_value (json_object_get (newest, "corr")), "k-whatsapp");
    json_t *row = json_array_get (json_object_get (newest, "rows"), 0);
    assert_string_equal (json_string_value (json_object_get (row, "event")), "published");
    assert_string_equal (json_string_value (json_object_get (row, "service")), "planner");
    json_decref (document);

    assert_int_equal (s_zmon (world, output, "trace", "--phone", "+15550000000", NULL), 0);
    assert_non_null (strstr (output, "phone +15550000000: 0 conversations"));
    assert_int_equal (s_zmon (world, output, "trace", "--phone", "555-abc", NULL), 64);
    assert_non_null (strstr (output, "'555-abc' is not a phone number in E.164"));
    assert_int_equal (s_zmon (world, output, "trace", "--phone", "+15551230001", "k-sms", NULL),
                      64);
    free (output);
}

//  dlq list, show, replay: the dead letter, as text and JSON, and back.
static void
test_dlq (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    char retry_id [SB_ID_LEN + 1], fail_id [SB_ID_LEN + 1];
    s_flow (world, retry_id, fail_id);
    char *output = (char *) malloc (S_OUTPUT);
    assert_int_equal (s_zmon (world, output, "dlq", "list", NULL), 0);
    assert_non_null (strstr (output, ": 1 dead letters"));
    assert_non_null (strstr (output, fail_id));
    assert_non_null (strstr (output, "attempt 1: asked to fail"));

    assert_int_equal (s_zmon (world, output, "--json", "dlq", "list", NULL), 0);
    json_t *results = json_loads (output, 0, NULL);
    const json_t *entry = json_array_get (json_object_get (json_array_get (results, 0), "reply"), 0);
    assert_non_null (entry);
    assert_string_equal (json_string_value (json_object_get (entry, "id")), fail_id);
    char *entry_id = strdup (json_string_value (json_object_get (entry, "entry")));
    json_decref (results);

    assert_int_equal (s_zmon (world, output, "dlq", "show", fail_id, NULL), 0);
    assert_non_null (strstr (output, entry_id));
    assert_non_null (strstr (output, "\"k-fail\""));
    assert_int_equal (s_zmon (world, output, "dlq", "show", "nothing-like-it", NULL), 1);

    assert_int_equal (s_zmon (world, output, "dlq", "replay", entry_id, NULL), 0);
    assert_non_null (strstr (output, "replayed 1"));
    //  The test worker fails it again: dead once more, under a new entry
    assert_true (sb_testworld_wait_drained (world, 0));
    assert_int_equal (s_zmon (world, output, "--json", "trace", "k-fail", NULL), 0);
    assert_non_null (strstr (output, "\"dead\""));
    assert_int_equal (s_zmon (world, output, "dlq", "replay", "--all", NULL), 0);
    assert_non_null (strstr (output, "replayed 1"));
    free (entry_id);
    free (output);
}

//  stats: the table, --json parsed back (rates, dead letters, the alert
//  the broker's threshold raises), and --count for the live mode.
static void
test_stats (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    char retry_id [SB_ID_LEN + 1], fail_id [SB_ID_LEN + 1];
    s_flow (world, retry_id, fail_id);
    char *output = (char *) malloc (S_OUTPUT);
    assert_int_equal (s_zmon (world, output, "stats", "--once", "--interval", "200", NULL), 0);
    assert_non_null (strstr (output, "storage ok"));
    assert_non_null (strstr (output, "rounds to Redis "));
    assert_non_null (strstr (output, "! echo "));
    assert_non_null (strstr (output, "failure-rate"));

    assert_int_equal (s_zmon (world, output, "--json", "stats", "--once", "--interval", "200",
                              NULL), 0);
    json_t *lines = s_json_lines (output);
    const json_t *view = json_array_get (lines, 0);
    const json_t *broker = json_array_get (json_object_get (view, "brokers"), 0);
    assert_true (json_is_true (json_object_get (broker, "reachable")));
    assert_int_equal (json_integer_value (json_object_get (broker, "dead_letters")), 1);
    assert_true (json_is_number (json_object_get (broker, "publish_rate")));
    assert_true (json_integer_value (json_object_get (json_object_get (broker, "redis_rounds"),
                                                      "count")) > 0);
    assert_true (json_is_number (json_object_get (broker, "redis_round_rate")));
    const json_t *echo = json_object_get (json_object_get (broker, "services"), "echo");
    assert_int_equal (json_integer_value (json_object_get (echo, "workers")), 1);
    assert_int_equal (json_integer_value (json_object_get (echo, "dead_lettered")), 1);
    assert_true (json_is_number (json_object_get (echo, "delivered_rate")));
    assert_string_equal (json_string_value (json_array_get (json_object_get (echo, "alerts"), 0)),
                         "failure-rate");
    //  Each crossed alert is printed once as raised
    const json_t *change = json_array_get (lines, 1);
    assert_string_equal (json_string_value (json_object_get (change, "state")), "raised");
    assert_string_equal (json_string_value (json_object_get (change, "alert")), "failure-rate");
    json_decref (lines);

    assert_int_equal (s_zmon (world, output, "--json", "stats", "--count", "2", "--interval",
                              "100", NULL), 0);
    lines = s_json_lines (output);
    size_t views = 0;
    for (size_t index = 0; index < json_array_size (lines); index++)
        views += json_object_get (json_array_get (lines, index), "brokers") != NULL;
    assert_int_equal (views, 2);
    json_decref (lines);
    free (output);
}

//  An unreachable broker beside a live one: said, exit 1; alone: 69.
static void
test_unreachable (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    int listener = -1, port = 0;
    listener = sb_testutil_listen (&port);   //  a port that takes connections, says nothing
    assert_true (listener >= 0);
    char silent [64];
    snprintf (silent, sizeof silent, "tcp://127.0.0.1:%d", port);
    char *output = (char *) malloc (S_OUTPUT);
    assert_int_equal (s_zmon (world, output, "-b", silent, "-t", "300", "stats", "--once",
                              "--interval", "100", NULL), 1);
    assert_non_null (strstr (output, "storage ok"));
    char expected [128];
    snprintf (expected, sizeof expected, "broker %s: UNREACHABLE (no answer within 300 ms)", silent);
    assert_non_null (strstr (output, expected));

    assert_int_equal (s_zmon (world, output, "-b", silent, "-t", "300", "--json", "stats",
                              "--once", "--interval", "100", NULL), 1);
    json_t *view = json_loads (output, JSON_DISABLE_EOF_CHECK, NULL);
    const json_t *second = json_array_get (json_object_get (view, "brokers"), 1);
    assert_false (json_is_true (json_object_get (second, "reachable")));
    assert_string_equal (json_string_value (json_object_get (second, "endpoint")), silent);
    json_decref (view);

    char *argv [] = { world->programs [S_ZMON], "-b", silent, "-t", "300", "dlq", "list", NULL };
    char path [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_path (world, "alone.out", path, sizeof path), 0);
    assert_int_equal (sb_testproc_run (argv, path, output, S_OUTPUT, S_WAIT_MS), 69);
    assert_non_null (strstr (output, "UNREACHABLE"));
    close (listener);
    free (output);
}

//  sockets: an echo actor's link connecting (its own monitor) and the
//  broker accepting it, then the broker seeing it go when it is killed.
static void
test_sockets (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world);
    char monitor [SB_TESTWORLD_PATH_MAX + 16], echo_monitor [SB_TESTWORLD_PATH_MAX + 16];
    snprintf (monitor, sizeof monitor, "ipc://%s/monitor", world->dir);
    snprintf (echo_monitor, sizeof echo_monitor, "ipc://%s/echo.monitor", world->dir);
    char *args = zsys_sprintf ("sockets '%s' '%s'", monitor, echo_monitor);
    sb_testproc_t *zmon = s_zmon_spawn (world, "sockets.out", args);
    zstr_free (&args);
    //  The broker's history reaches zmon whenever it subscribes
    assert_true (s_wait_output (world, "sockets.out", "router listening", NULL));
    char *argv [] = { world->programs [S_ECHO], "--broker", world->brokers [0].endpoint,
                      "--instance", "e9", "--monitor", echo_monitor, NULL };
    sb_testproc_t *echo = sb_testworld_spawn (world, argv, "echo e9");
    assert_non_null (echo);
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 1));
    char link [SB_TESTWORLD_PATH_MAX];
    snprintf (link, sizeof link, "echo e9 link %s connected", world->brokers [0].endpoint);
    assert_true (s_wait_output (world, "sockets.out", link, "router accepted"));

    //  Killed: the broker's side of the connection goes
    char *before = s_read (world, "sockets.out");
    size_t seen = strlen (before);
    free (before);
    assert_int_equal (sb_testproc_kill (echo, SB_TESTWORLD_STOP_MS), 0);
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    bool gone = false;
    while (!gone && zclock_mono () < deadline) {
        char *text = s_read (world, "sockets.out");
        gone = strlen (text) > seen && strstr (text + seen, "router disconnected");
        free (text);
        if (!gone)
            zclock_sleep (20);   //  polling interval
    }
    assert_true (gone);
    s_zmon_stop (zmon, "zmon sockets");
    char *text = s_read (world, "sockets.out");
    assert_non_null (strstr (text, "peer tcp://127.0.0.1:"));
    free (text);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_tap),
    SB_TESTWORLD_CASE (test_trace),
    SB_TESTWORLD_CASE (test_trace_phone),
    SB_TESTWORLD_CASE (test_dlq),
    SB_TESTWORLD_CASE (test_stats),
    SB_TESTWORLD_CASE (test_unreachable),
    SB_TESTWORLD_CASE (test_sockets),
};

int
main (int argc, char *argv [])
{
    return sb_testworld_run (argc, argv, 4, "BROKER TESTWORKER ZMON ECHO [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
