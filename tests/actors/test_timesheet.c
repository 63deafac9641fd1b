/*  test_timesheet.c — the timesheet program against a fake timesheet
    service (backend = http): answers read, writes sent once with the
    message's key as Idempotency-Key and the bearer token, 404 as
    not_registered, 409 relayed as status error, 5xx, time-outs and a
    closed port retried, 401 and malformed answers failed; bad backend
    config refused at start (exit 78); and with backend = redis, a Redis
    that cannot be reached is retried.

    Each case runs `timesheet --harness` on envelopes written by the test,
    with a config file pointing at the fake, and reads what it prints.    */

#include "sb_classes.h"
#include "sb_fake_timesheet.h"
#include "sb_testutil.h"
#include <setjmp.h>
#include <sys/wait.h>
#include <cmocka.h>

#define S_OUTPUT_MAX (256 * 1024)

typedef struct {
    const char *program;                //  the timesheet program
    char dir [64];                      //  this case's files
    sb_fake_timesheet_t *fake;
    char output [S_OUTPUT_MAX];
    json_t *lines;                      //  what the last run printed, parsed
} s_test_t;

static int
s_setup (void **state)
{
    s_test_t *self = calloc (1, sizeof *self);
    self->program = (const char *) *state;
    snprintf (self->dir, sizeof self->dir, "/tmp/test_timesheet.XXXXXX");
    assert_non_null (mkdtemp (self->dir));
    self->fake = sb_fake_timesheet_new ();
    assert_non_null (self->fake);
    setenv ("SB_TIMESHEET_TOKEN", "test-token", 1);
    unsetenv ("SB_REDIS_URL");
    *state = self;
    return 0;
}

static int
s_teardown (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    sb_fake_timesheet_destroy (&self->fake);
    json_decref (self->lines);
    sb_testutil_remove_tree (self->dir);
    free (self);
    return 0;
}

//  Writes text to <dir>/<name>; returns the path (a new string).
static char *
s_write (s_test_t *self, const char *name, const char *text)
{
    char *path = zsys_sprintf ("%s/%s", self->dir, name);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    return path;
}

//  A config for the http backend at server's /v1, with extra lines under
//  http.
static char *
s_config (s_test_t *self, const char *server, const char *extra)
{
    char *text = zsys_sprintf ("timesheet\n    backend = http\n    http\n"
                               "        base_url = \"%s/v1\"\n        timeout = 300\n%s"
                               "    tenants\n        acme\n            timezone = Europe/London\n",
                               server, extra);
    char *path = s_write (self, "timesheet.cfg", text);
    zstr_free (&text);
    return path;
}

//  A plan.tool_call of tenant acme from phone, received Friday 2026-03-06
//  09:00 UTC, with idempotency key key (and id ending in letter).
static json_t *
s_message (const char *tool, const char *args, const char *phone, const char *key, char letter)
{
    char id [27];
    snprintf (id, sizeof id, "01KK1602M0TSHEET000000000%c", letter);
    json_t *message = json_pack ("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:o, s:{s:s, "
                                 "s:s, s:s, s:I}}}",
                                 "v", 1, "id", id, "key", key, "corr", "conv-test",
                                 "type", "plan.tool_call", "src", "planner", "tenant", "acme",
                                 "created_ms", (json_int_t) 1772787600000, "body", "tool", tool,
                                 "args", json_loads (args, 0, NULL), "conversation",
                                 "channel", "sms", "employee_phone", phone, "intent",
                                 "check_hours", "received_at_ms", (json_int_t) 1772787600000);
    assert_non_null (message);
    return message;
}

//  Runs the program on messages (a JSON array, taken) with config (taken),
//  and parses what it prints into self->lines. Returns its exit status.
static int
s_run (s_test_t *self, json_t *messages, char *config)
{
    zchunk_t *text = zchunk_new (NULL, 0);
    size_t index;
    json_t *message;
    json_array_foreach (messages, index, message) {
        char *line = json_dumps (message, JSON_COMPACT);
        zchunk_extend (text, line, strlen (line));
        zchunk_extend (text, "\n", 1);
        free (line);
    }
    zchunk_extend (text, "", 1);
    json_decref (messages);
    char *input = s_write (self, "input.json", (const char *) zchunk_data (text));
    zchunk_destroy (&text);
    //  The paths are the test's own (no quotes in them); CTest's time-out
    //  bounds the run
    char *command = zsys_sprintf ("'%s' --harness '%s' --config '%s' 2>&1", self->program,
                                  input, config);
    FILE *pipe = popen (command, "r");
    assert_non_null (pipe);
    size_t size = fread (self->output, 1, sizeof self->output - 1, pipe);
    self->output [size] = 0;
    int status = pclose (pipe);
    status = WIFEXITED (status)? WEXITSTATUS (status): -1;
    zstr_free (&command);
    json_decref (self->lines);
    self->lines = json_array ();
    char *copy = strdup (self->output), *saved = NULL;
    for (char *line = strtok_r (copy, "\n", &saved); line; line = strtok_r (NULL, "\n", &saved))
        if (*line == '{')
            json_array_append_new (self->lines, json_loads (line, 0, NULL));
    free (copy);
    zstr_free (&input);
    zstr_free (&config);
    return status;
}

//  The body of the emitted envelope at line index of the last run.
static json_t *
s_body (s_test_t *self, size_t index)
{
    json_t *body = json_object_get (json_array_get (self->lines, index), "body");
    if (!body)
        fail_msg ("line %zu is no envelope; the output was:\n%s", index, self->output);
    return body;
}

//  Asserts line index is outcome (done, retry or fail) with a reason that
//  holds needle (NULL: any).
static void
s_assert_outcome (s_test_t *self, size_t index, const char *outcome, const char *needle)
{
    json_t *line = json_array_get (self->lines, index);
    const char *got = json_string_value (json_object_get (line, "outcome"));
    const char *reason = json_string_value (json_object_get (line, "reason"));
    if (!got || !streq (got, outcome) || (needle && (!reason || !strstr (reason, needle))))
        fail_msg ("line %zu: expected %s (%s); the output was:\n%s", index, outcome,
                  needle? needle: "", self->output);
}

static const char *
s_string (json_t *object, const char *path)
{
    char copy [128];
    snprintf (copy, sizeof copy, "%s", path);
    json_t *value = object;
    char *saved = NULL;
    for (char *name = strtok_r (copy, ".", &saved); name; name = strtok_r (NULL, ".", &saved))
        value = json_object_get (value, name);
    return json_string_value (value);
}

//  --------------------------------------------------------------------------

static void
test_query (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    json_t *messages = json_pack ("[o]", s_message ("timesheet.query",
        "{\"from_date\":\"2026-03-02\",\"to_date\":\"2026-03-08\"}", "+15551234567",
        "sms:twilio:SM1/plan.tool_call/0", 'A'));
    assert_int_equal (s_run (self, messages, s_config (self, sb_fake_timesheet_url (self->fake), "")),
                      0);
    json_t *body = s_body (self, 0);
    assert_string_equal (s_string (body, "status"), "ok");
    assert_string_equal (s_string (body, "employee.name"), "Dana");
    //  The service answered last first: the result is in date order
    json_t *entries = json_object_get (body, "entries");
    assert_int_equal (json_array_size (entries), 3);
    assert_string_equal (s_string (json_array_get (entries, 0), "date"), "2026-03-02");
    assert_string_equal (s_string (json_array_get (entries, 2), "date"), "2026-03-03");
    assert_true (json_number_value (json_object_get (body, "total_hours")) == 15.5);
    assert_true (json_number_value (json_object_get (body, "expected_hours")) == 32);
    assert_int_equal (json_array_size (json_object_get (body, "missing_days")), 2);
    s_assert_outcome (self, 1, "done", NULL);
    //  What the service saw: the lookup by number, then the period, each
    //  with the bearer token
    json_t *requests = sb_fake_timesheet_requests (self->fake);
    assert_int_equal (json_array_size (requests), 2);
    assert_string_equal (s_string (json_array_get (requests, 0), "path"),
                         "/v1/tenants/acme/employees/by-phone/+15551234567");
    assert_string_equal (s_string (json_array_get (requests, 1), "path"),
                         "/v1/tenants/acme/employees/E042/entries");
    assert_string_equal (s_string (json_array_get (requests, 1), "authorization"),
                         "Bearer test-token");
    json_decref (requests);
}

//  Runs one message from phone with the fake's config; asserts exit 0.
static void
s_run_one (s_test_t *self, const char *tool, const char *args, const char *phone)
{
    json_t *messages = json_pack ("[o]", s_message (tool, args, phone,
                                                    "sms:twilio:SM2/plan.tool_call/0", 'B'));
    assert_int_equal (s_run (self, messages, s_config (self, sb_fake_timesheet_url (self->fake),
                                                       "")), 0);
}

static void
test_not_registered (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    s_run_one (self, "employee.lookup", "{}", "+15559999999");
    json_t *body = s_body (self, 0);
    assert_string_equal (s_string (body, "status"), "not_registered");
    assert_null (json_object_get (body, "employee"));
    assert_null (json_object_get (body, "entries"));
    s_assert_outcome (self, 1, "done", NULL);
}

//  The same log delivered twice: written once, the second says duplicate
static void
test_log_once (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    const char *args = "{\"date\":\"2026-03-05\",\"hours\":7.5,\"project\":\"Acme\","
                       "\"note\":\"review\"}";
    const char *key = "sms:twilio:SM3/plan.tool_call/0";
    json_t *first = s_message ("timesheet.log", args, "+15551234567", key, 'C');
    json_t *again = json_deep_copy (first);
    json_object_set_new (again, "attempt", json_integer (2));
    assert_int_equal (s_run (self, json_pack ("[o, o]", first, again),
                             s_config (self, sb_fake_timesheet_url (self->fake), "")), 0);
    json_t *body = s_body (self, 0);
    assert_string_equal (s_string (body, "status"), "ok");
    assert_false (json_is_true (json_object_get (body, "duplicate")));
    assert_string_equal (s_string (json_array_get (json_object_get (body, "entries"), 0), "note"),
                         "review");
    assert_true (json_number_value (json_object_get (body, "total_hours")) == 7.5);
    body = s_body (self, 2);
    assert_true (json_is_true (json_object_get (body, "duplicate")));
    assert_true (json_number_value (json_object_get (body, "total_hours")) == 7.5);
    assert_int_equal (sb_fake_timesheet_entry_count (self->fake), 4);     //  3 + 1
    //  Each write carried the message's key
    json_t *requests = sb_fake_timesheet_requests (self->fake);
    size_t index, posts = 0;
    json_t *request;
    json_array_foreach (requests, index, request)
        if (streq (s_string (request, "method"), "POST")) {
            posts++;
            assert_string_equal (s_string (request, "idempotency_key"), key);
            json_t *sent = json_loads (s_string (request, "body"), 0, NULL);
            assert_string_equal (s_string (sent, "date"), "2026-03-05");
            json_decref (sent);
        }
    assert_int_equal (posts, 2);
    json_decref (requests);
}

static void
test_log_refused (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    s_run_one (self, "timesheet.log", "{\"date\":\"2026-02-25\",\"hours\":2,\"project\":\"Acme\"}",
               "+15551234567");
    json_t *body = s_body (self, 0);
    assert_string_equal (s_string (body, "status"), "error");
    assert_string_equal (s_string (body, "error"), "week 2026-W09 is already submitted");
    s_assert_outcome (self, 1, "done", NULL);
    assert_int_equal (sb_fake_timesheet_entry_count (self->fake), 3);
}

static void
test_submit_once (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    const char *key = "sms:twilio:SM4/plan.tool_call/0";
    json_t *first = s_message ("timesheet.submit", "{}", "+15551234567", key, 'D');
    json_t *again = json_deep_copy (first);
    assert_int_equal (s_run (self, json_pack ("[o, o]", first, again),
                             s_config (self, sb_fake_timesheet_url (self->fake), "")), 0);
    assert_false (json_is_true (json_object_get (s_body (self, 0), "duplicate")));
    assert_string_equal (s_string (s_body (self, 0), "period.from_date"), "2026-03-02");
    assert_true (json_is_true (json_object_get (s_body (self, 2), "duplicate")));
    json_t *requests = sb_fake_timesheet_requests (self->fake);
    assert_string_equal (s_string (json_array_get (requests, 1), "path"),
                         "/v1/tenants/acme/employees/E042/weeks/2026-W10/submit");
    json_decref (requests);
}

static void
test_transient (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    s_run_one (self, "employee.lookup", "{}", "+15550000503");
    s_assert_outcome (self, 0, "retry", "503 down for maintenance");
    s_run_one (self, "employee.lookup", "{}", "+15550000999");
    s_assert_outcome (self, 0, "retry", "Timeout was reached");
    //  Nothing listens on the port
    int port = sb_testutil_free_port ();
    char server [64];
    snprintf (server, sizeof server, "http://127.0.0.1:%d", port);
    assert_int_equal (s_run (self, json_pack ("[o]", s_message ("employee.lookup", "{}",
                             "+15551234567", "k", 'E')), s_config (self, server, "")), 0);
    s_assert_outcome (self, 0, "retry", "Couldn't connect");
}

static void
test_permanent (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    s_run_one (self, "employee.lookup", "{}", "+15550000401");
    s_assert_outcome (self, 0, "fail", "401 who are you?");
    //  Entries that are not entries
    s_run_one (self, "timesheet.query", "{\"from_date\":\"2026-03-02\"}", "+15551230000");
    s_assert_outcome (self, 0, "fail", "entries[0]: not an entry");
    //  A wrong token
    setenv ("SB_TIMESHEET_TOKEN", "wrong", 1);
    s_run_one (self, "employee.lookup", "{}", "+15551234567");
    s_assert_outcome (self, 0, "fail", "401 a bearer token is required");
}

//  A config the backend cannot run with stops the program at start.
static void
test_bad_config (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    const char *cases [][2] = {
        { "timesheet\n    backend = ftp\n", "timesheet/backend: 'ftp' is not redis or http" },
        { "timesheet\n    backend = http\n", "timesheet/http/base_url: '' is not an http" },
        { "timesheet\n    backend = http\n    http\n        base_url = \"http://x\"\n"
          "        lookup = \"/t/{tenant}/{number}\"\n",
          "timesheet/http/lookup: {number} is not one of {tenant phone}" },
        { "timesheet\n    backend = http\n    http\n        base_url = \"http://x\"\n"
          "        timeout = 0\n", "timesheet/http/timeout: '0' is not a number" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char *config = s_write (self, "bad.cfg", cases [index][0]);
        json_t *messages = json_pack ("[o]", s_message ("employee.lookup", "{}", "+15551234567",
                                                        "k", 'F'));
        assert_int_equal (s_run (self, messages, config), 78);
        if (!strstr (self->output, cases [index][1]))
            fail_msg ("expected '%s' in:\n%s", cases [index][1], self->output);
    }
}

//  With the Redis backend, a Redis that is not there is retried.
static void
test_redis_unreachable (void **state)
{
    s_test_t *self = (s_test_t *) *state;
    int port = sb_testutil_free_port ();
    char url [64];
    snprintf (url, sizeof url, "tcp://127.0.0.1:%d", port);
    setenv ("SB_REDIS_URL", url, 1);
    json_t *messages = json_pack ("[o]", s_message ("employee.lookup", "{}", "+15551234567",
                                                    "k", 'G'));
    assert_int_equal (s_run (self, messages, s_write (self, "redis.cfg", "timesheet\n")), 0);
    s_assert_outcome (self, 0, "retry", "cannot connect to Redis");
    unsetenv ("SB_REDIS_URL");
}

int
main (int argc, char *argv [])
{
    if (argc < 2) {
        fprintf (stderr, "Usage: test_timesheet TIMESHEET [TEST]\n");
        return 64;
    }
    if (argc > 2)
        cmocka_set_test_filter (argv [2]);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_query, s_setup, s_teardown, argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_not_registered, s_setup, s_teardown,
                                                  argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_log_once, s_setup, s_teardown, argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_log_refused, s_setup, s_teardown, argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_submit_once, s_setup, s_teardown, argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_transient, s_setup, s_teardown, argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_permanent, s_setup, s_teardown, argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_bad_config, s_setup, s_teardown, argv [1]),
        cmocka_unit_test_prestate_setup_teardown (test_redis_unreachable, s_setup, s_teardown,
                                                  argv [1]),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
