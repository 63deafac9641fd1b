/*  test_planner_llm.c — the planner's LLM backend end to end: the planner
    program runs its harness (--harness) against a fake chat-completions
    server (sb_fake_llm) and a private redis-server, as an operator would
    run it with backend = llm.

    Checks what the model is sent (model, key, tools, today's date in the
    tenant's zone, the recent turns), that each tool call becomes the
    right plan.tool_call, and that every failure (HTTP 500, a body that is
    not JSON, no tool call, bad arguments, an unknown tool, a hang past the
    time-out, nobody listening) falls back to the rules and says why in
    conversation.entities.planner. Also the answer reader on its own, the
    planner's config errors, and a planner with no Redis.

    Usage: test_planner_llm PLANNER (the program's path, which CTest
    passes). Exits 77 (skipped) without redis-server.                      */

#include "sb_classes.h"
#include "sb_llm.h"
#include "sb_fake_llm.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include <hiredis/hiredis.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_EXIT_SKIP   77
#define S_EXIT_CONFIG 78
#define S_KEY_ENV     "SB_TEST_LLM_KEY"
#define S_KEY         "sk-test-0123456789"
//  Thursday 5 March 2026, 10:00 in Helsinki
#define S_NOW_MS      1772697600000LL

typedef struct {
    const char *planner;             //  the program
    sb_testredis_t *redis;
    sb_fake_llm_t *llm;
    char dir [256];                  //  configs and inputs
} s_world_t;

//  --------------------------------------------------------------------------
//  Running the planner

static void
s_write_file (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}

//  An sms.received envelope for text, the index-th of a run (its ids).
static json_t *
s_sms (const char *text, int index)
{
    char id [27], sid [35];
    snprintf (id, sizeof id, "01KJYG5G00STWD1NWJG1FCW04%d", index);
    snprintf (sid, sizeof sid, "SM0123456789abcdef0123456789abcd%02d", index);
    return json_pack ("{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:s, s:s, s:s, s:s, "
                      "s:s}}", "v", 1, "id", id, "key", sid, "corr", "conv-llm", "type",
                      "sms.received", "src", "ingress", "tenant", "demo", "created_ms",
                      (json_int_t) (S_NOW_MS + index * 60000), "body", "message_sid", sid,
                      "account_sid", "AC0123456789abcdef0123456789abcdef", "channel", "sms",
                      "from", "+15551234567", "to", "+15557654321", "text", text);
}

//  Runs the planner's harness on inputs (an array of envelopes, taken)
//  with config (ZPL text; NULL: none) and Redis (with_redis). Returns its
//  exit code; what it printed, one JSON value a line, into *lines.
static int
s_run (s_world_t *world, const char *config, json_t *inputs, bool with_redis, json_t **lines)
{
    char input [300], config_path [300], command [1200];
    snprintf (input, sizeof input, "%s/input.json", world->dir);
    snprintf (config_path, sizeof config_path, "%s/planner.cfg", world->dir);
    //  The harness reads concatenated documents: write them one a line
    FILE *file = fopen (input, "w");
    assert_non_null (file);
    for (size_t index = 0; index < json_array_size (inputs); index++)
        json_dumpf (json_array_get (inputs, index), file, JSON_COMPACT), fputc ('\n', file);
    fclose (file);
    json_decref (inputs);
    if (config)
        s_write_file (config_path, config);
    snprintf (command, sizeof command, "'%s' --harness '%s'%s%s%s%s%s", world->planner, input,
              config? " --config '": "", config? config_path: "", config? "'": "",
              with_redis? " --redis ": "", with_redis? sb_testredis_url (world->redis): "");
    FILE *output = popen (command, "r");
    assert_non_null (output);
    *lines = json_array ();
    char line [65536];
    while (fgets (line, sizeof line, output)) {
        json_t *value = json_loads (line, 0, NULL);
        assert_non_null (value);
        json_array_append_new (*lines, value);
    }
    int status = pclose (output);
    return WIFEXITED (status)? WEXITSTATUS (status): -1;
}

//  The config of a planner on the fake server.
static char *
s_llm_config (s_world_t *world, const char *extra)
{
    return zsys_sprintf ("planner\n    backend = llm\n    llm\n        base_url = \"%s\"\n"
                         "        model = test-model\n        api_key_env = %s\n"
                         "        timeout_ms = 300\n%s", sb_fake_llm_url (world->llm),
                         S_KEY_ENV, extra? extra: "");
}

//  Runs one text through the planner on the fake server; returns the
//  plan.tool_call's body (new reference), failing the test otherwise.
static json_t *
s_plan (s_world_t *world, const char *text)
{
    char *config = s_llm_config (world, NULL);
    json_t *lines;
    json_t *inputs = json_array ();
    json_array_append_new (inputs, s_sms (text, 0));
    assert_int_equal (s_run (world, config, inputs, true, &lines), 0);
    zstr_free (&config);
    assert_int_equal (json_array_size (lines), 2);
    json_t *envelope = json_array_get (lines, 0);
    assert_string_equal (json_string_value (json_object_get (envelope, "type")), "plan.tool_call");
    assert_string_equal (json_string_value (json_object_get (json_array_get (lines, 1),
                                                             "outcome")), "done");
    json_t *body = json_incref (json_object_get (envelope, "body"));
    json_decref (lines);
    return body;
}

//  body's value at a path of object keys ("conversation", "entities", ...).
static json_t *
s_at (json_t *body, const char *first, const char *second, const char *third)
{
    json_t *value = json_object_get (body, first);
    if (second)
        value = json_object_get (value, second);
    if (third)
        value = json_object_get (value, third);
    return value;
}

static const char *
s_text_at (json_t *body, const char *first, const char *second, const char *third)
{
    return json_string_value (s_at (body, first, second, third));
}

//  --------------------------------------------------------------------------
//  Tool calls become plan.tool_calls

static void
test_query (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_query",
                        "{\"from_date\":\"2026-02-23\",\"to_date\":\"2026-03-01\","
                        "\"focus\":\"missing\"}");
    json_t *body = s_plan (world, "anything missing from last week?");
    assert_string_equal (s_text_at (body, "tool", NULL, NULL), "timesheet.query");
    assert_string_equal (s_text_at (body, "args", "from_date", NULL), "2026-02-23");
    assert_string_equal (s_text_at (body, "args", "to_date", NULL), "2026-03-01");
    assert_string_equal (s_text_at (body, "conversation", "intent", NULL), "missing_hours");
    assert_string_equal (s_text_at (body, "conversation", "entities", "planner"), "llm");
    assert_string_equal (s_text_at (body, "conversation", "entities", "period"), "range");
    json_decref (body);
}

static void
test_log_submit_lookup (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_log",
                        "{\"date\":\"2026-03-04\",\"hours\":7.5,\"project\":\"Acme\","
                        "\"note\":\"client workshop\"}");
    json_t *body = s_plan (world, "put seven and a half hours on acme for yesterday's workshop");
    assert_string_equal (s_text_at (body, "tool", NULL, NULL), "timesheet.log");
    assert_string_equal (s_text_at (body, "args", "date", NULL), "2026-03-04");
    assert_true (json_number_value (s_at (body, "args", "hours", NULL)) == 7.5);
    assert_string_equal (s_text_at (body, "args", "project", NULL), "Acme");
    assert_string_equal (s_text_at (body, "args", "note", NULL), "client workshop");
    assert_string_equal (s_text_at (body, "conversation", "intent", NULL), "log_hours");
    json_decref (body);

    //  week_of names a day: the whole ISO week is submitted
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_submit",
                        "{\"week_of\":\"2026-02-25\"}");
    body = s_plan (world, "send in last week's sheet");
    assert_string_equal (s_text_at (body, "tool", NULL, NULL), "timesheet.submit");
    assert_string_equal (s_text_at (body, "args", "from_date", NULL), "2026-02-23");
    assert_string_equal (s_text_at (body, "args", "to_date", NULL), "2026-03-01");
    json_decref (body);

    //  No week_of: this week, in the tenant's zone
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_submit", "{}");
    body = s_plan (world, "send in my sheet");
    assert_string_equal (s_text_at (body, "args", "from_date", NULL), "2026-03-02");
    json_decref (body);

    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "employee_lookup",
                        "{\"reason\":\"greeting\"}");
    body = s_plan (world, "yo");
    assert_string_equal (s_text_at (body, "tool", NULL, NULL), "employee.lookup");
    assert_int_equal (json_object_size (s_at (body, "args", NULL, NULL)), 0);
    assert_string_equal (s_text_at (body, "conversation", "intent", NULL), "greeting");
    json_decref (body);
}

//  What the model is sent: model, key, tools, today's date, the text
static void
test_request (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "employee_lookup",
                        "{\"reason\":\"help\"}");
    size_t before = sb_fake_llm_requests (world->llm);
    json_decref (s_plan (world, "what can I ask you?"));
    assert_int_equal (sb_fake_llm_requests (world->llm), before + 1);
    char *authorization = sb_fake_llm_last_authorization (world->llm);
    assert_non_null (authorization);
    assert_string_equal (authorization, "Bearer " S_KEY);
    free (authorization);
    json_t *request = sb_fake_llm_last_body (world->llm);
    assert_non_null (request);
    assert_string_equal (s_text_at (request, "model", NULL, NULL), "test-model");
    json_t *tools = json_object_get (request, "tools");
    const char *names [] = { "timesheet_query", "timesheet_log", "timesheet_submit",
                             "employee_lookup" };
    assert_int_equal (json_array_size (tools), 4);
    for (size_t index = 0; index < 4; index++) {
        json_t *tool = json_array_get (tools, index);
        assert_string_equal (s_text_at (tool, "type", NULL, NULL), "function");
        assert_string_equal (s_text_at (tool, "function", "name", NULL), names [index]);
        assert_true (json_is_object (s_at (tool, "function", "parameters", NULL)));
    }
    json_t *messages = json_object_get (request, "messages");
    const char *system = s_text_at (json_array_get (messages, 0), "content", NULL, NULL);
    assert_string_equal (s_text_at (json_array_get (messages, 0), "role", NULL, NULL), "system");
    assert_non_null (strstr (system, "Thursday 2026-03-05"));
    assert_non_null (strstr (system, "Europe/Helsinki"));
    json_t *last = json_array_get (messages, json_array_size (messages) - 1);
    assert_string_equal (s_text_at (last, "role", NULL, NULL), "user");
    assert_string_equal (s_text_at (last, "content", NULL, NULL), "what can I ask you?");
    json_decref (request);
}

//  The second message's request carries the first as history, once
static void
test_history (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_query",
                        "{\"from_date\":\"2026-03-02\",\"to_date\":\"2026-03-08\"}");
    char *config = s_llm_config (world, NULL);
    json_t *inputs = json_array ();
    json_array_append_new (inputs, s_sms ("history one: hours this week?", 1));
    json_array_append_new (inputs, s_sms ("history two: and last week?", 2));
    json_t *lines;
    assert_int_equal (s_run (world, config, inputs, true, &lines), 0);
    zstr_free (&config);
    json_decref (lines);
    json_t *request = sb_fake_llm_last_body (world->llm);
    json_t *messages = json_object_get (request, "messages");
    size_t count = json_array_size (messages), seen_one = 0, seen_two = 0;
    for (size_t index = 0; index < count; index++) {
        const char *content = s_text_at (json_array_get (messages, index), "content", NULL, NULL);
        seen_one += content && streq (content, "history one: hours this week?");
        seen_two += content && streq (content, "history two: and last week?");
    }
    assert_int_equal (seen_one, 1);
    assert_int_equal (seen_two, 1);
    assert_string_equal (s_text_at (json_array_get (messages, count - 1), "content", NULL, NULL),
                         "history two: and last week?");
    json_decref (request);
}

//  --------------------------------------------------------------------------
//  Every failure falls back to the rules, saying why

static void
s_expect_fallback (s_world_t *world, const char *why)
{
    json_t *body = s_plan (world, "hours last week");
    //  The rules read it
    assert_string_equal (s_text_at (body, "tool", NULL, NULL), "timesheet.query");
    assert_string_equal (s_text_at (body, "args", "from_date", NULL), "2026-02-23");
    assert_string_equal (s_text_at (body, "conversation", "entities", "period"), "last_week");
    const char *planner = s_text_at (body, "conversation", "entities", "planner");
    print_message ("  entities.planner = %s\n", planner);
    assert_non_null (planner);
    char expected [512];
    snprintf (expected, sizeof expected, "rules (llm: %s", why);
    assert_memory_equal (planner, expected, strlen (expected));
    json_decref (body);
}

static void
test_fallbacks (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_ERROR, NULL, NULL);
    s_expect_fallback (world, "HTTP 500)");
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_GARBAGE, NULL, NULL);
    s_expect_fallback (world, "unparseable answer: ");
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_NO_TOOL, NULL, NULL);
    s_expect_fallback (world, "no tool call in the answer)");
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_log",
                        "{\"date\":\"2026-03-04\",\"hours\":30,\"project\":\"Acme\"}");
    s_expect_fallback (world, "timesheet_log: hours is not a number in (0, 24])");
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_query",
                        "{\"from_date\":\"last monday\",\"to_date\":\"2026-03-01\"}");
    s_expect_fallback (world, "timesheet_query: from_date is not a date YYYY-MM-DD)");
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "delete_everything", "{}");
    s_expect_fallback (world, "unknown tool 'delete_everything')");
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "timesheet_query", "not json");
    s_expect_fallback (world, "unparseable answer: tool call arguments are not a JSON object)");
    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_HANG, NULL, NULL);
    s_expect_fallback (world, "timeout after 300 ms)");
}

//  Nobody listening, and no key: still the rules, no Authorization sent
static void
test_unreachable_and_keyless (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    int port = sb_testutil_free_port ();
    assert_true (port > 0);
    char *config = zsys_sprintf ("planner\n    backend = llm\n    llm\n"
                                 "        base_url = \"http://127.0.0.1:%d/\"\n", port);
    json_t *inputs = json_array ();
    json_array_append_new (inputs, s_sms ("hours last week", 0));
    json_t *lines;
    assert_int_equal (s_run (world, config, inputs, true, &lines), 0);
    zstr_free (&config);
    const char *planner = s_text_at (s_at (json_array_get (lines, 0), "body", NULL, NULL),
                                     "conversation", "entities", "planner");
    assert_non_null (planner);
    assert_memory_equal (planner, "rules (llm: ", 12);
    json_decref (lines);

    sb_fake_llm_answer (world->llm, SB_FAKE_LLM_TOOL_CALL, "employee_lookup",
                        "{\"reason\":\"unknown\"}");
    config = zsys_sprintf ("planner\n    backend = llm\n    llm\n        base_url = \"%s\"\n"
                           "        api_key_env = SB_TEST_NO_SUCH_VARIABLE\n",
                           sb_fake_llm_url (world->llm));
    inputs = json_array ();
    json_array_append_new (inputs, s_sms ("hmm", 0));
    assert_int_equal (s_run (world, config, inputs, true, &lines), 0);
    zstr_free (&config);
    json_decref (lines);
    char *authorization = sb_fake_llm_last_authorization (world->llm);
    assert_null (authorization);
    json_t *request = sb_fake_llm_last_body (world->llm);
    assert_string_equal (s_text_at (request, "model", NULL, NULL), "gpt-4o-mini");
    json_decref (request);
}

//  --------------------------------------------------------------------------
//  Config and Redis

static void
test_config (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    const char *bad [] = {
        "planner\n    backend = llm\n",                                      //  no base_url
        "planner\n    backend = llm\n    llm\n        base_url = ftp://x\n",
        ("planner\n    backend = llm\n    llm\n        base_url = http://x\n"
         "        timeout_ms = 5\n"),
        "planner\n    backend = magic\n",
        "planner\n    date_order = ymd\n",
        "planner\n    memory\n        turns = 0\n",
        "planner\n    memory\n        ttl = forever\n",
    };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        json_t *inputs = json_array (), *lines;
        json_array_append_new (inputs, s_sms ("hours", 0));
        assert_int_equal (s_run (world, bad [index], inputs, true, &lines), S_EXIT_CONFIG);
        assert_int_equal (json_array_size (lines), 0);
        json_decref (lines);
    }
    //  date_order = mdy: 5/3 is May 3, the latest one up to 5 March 2026
    json_t *inputs = json_array (), *lines;
    json_array_append_new (inputs, s_sms ("hours on 5/3", 0));
    assert_int_equal (s_run (world, "planner\n    date_order = mdy\n", inputs, true, &lines), 0);
    json_t *body = s_at (json_array_get (lines, 0), "body", NULL, NULL);
    assert_string_equal (s_text_at (body, "args", "from_date", NULL), "2025-05-03");
    json_decref (lines);
}

//  Without Redis the planner does not start: a config error (78), before
//  it handles anything
static void
test_no_redis (void **state)
{
    s_world_t *world = (s_world_t *) *state;
    json_t *inputs = json_array (), *lines;
    json_array_append_new (inputs, s_sms ("hours", 0));
    assert_int_equal (s_run (world, NULL, inputs, false, &lines), 78);
    assert_int_equal (json_array_size (lines), 0);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  The answer reader on its own: outside data, every field checked

static void
s_read_fails (const char *answer, const char *why)
{
    sb_intent_t intent;
    char err [256];
    assert_int_equal (sb_llm_read_answer (answer, strlen (answer), &intent, err, sizeof err), -1);
    print_message ("  %s\n", err);
    assert_memory_equal (err, why, strlen (why));
}

static void
test_read_answer (void **state)
{
    (void) state;
    s_read_fails ("", "unparseable answer: ");
    s_read_fails ("[]", "unparseable answer: no choices[0].message");
    s_read_fails ("{\"choices\":[]}", "unparseable answer: no choices[0].message");
    s_read_fails ("{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}", "no tool call");
    s_read_fails ("{\"choices\":[{\"message\":{\"tool_calls\":[]}}]}", "no tool call");
    s_read_fails ("{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"arguments\":"
                  "\"{}\"}}]}}]}", "unparseable answer: the tool call has no name");
    s_read_fails ("{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":7,"
                  "\"arguments\":\"{}\"}}]}}]}", "unparseable answer: the tool call has no name");
    s_read_fails ("{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":"
                  "\"timesheet_query\",\"arguments\":\"[1]\"}}]}}]}",
                  "unparseable answer: tool call arguments");
    const char *prefix = "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{";
    const struct { const char *function, *why; } cases [] = {
        { "\"name\":\"timesheet_query\",\"arguments\":\"{\\\"from_date\\\":\\\"2026-03-09\\\","
          "\\\"to_date\\\":\\\"2026-03-02\\\"}\"", "timesheet_query: from_date to to_date" },
        { "\"name\":\"timesheet_query\",\"arguments\":\"{\\\"from_date\\\":\\\"2024-01-01\\\","
          "\\\"to_date\\\":\\\"2026-03-02\\\"}\"", "timesheet_query: from_date to to_date" },
        { "\"name\":\"timesheet_query\",\"arguments\":\"{\\\"from_date\\\":\\\"2026-02-30\\\","
          "\\\"to_date\\\":\\\"2026-03-02\\\"}\"", "timesheet_query: from_date is not a date" },
        { "\"name\":\"timesheet_log\",\"arguments\":\"{\\\"date\\\":\\\"2026-03-02\\\","
          "\\\"hours\\\":\\\"8\\\",\\\"project\\\":\\\"Acme\\\"}\"", "timesheet_log: hours" },
        { "\"name\":\"timesheet_log\",\"arguments\":\"{\\\"date\\\":\\\"2026-03-02\\\","
          "\\\"hours\\\":8,\\\"project\\\":\\\"\\\"}\"", "timesheet_log: project" },
        { "\"name\":\"timesheet_log\",\"arguments\":\"{\\\"date\\\":\\\"2026-03-02\\\","
          "\\\"hours\\\":8}\"", "timesheet_log: project" },
        { "\"name\":\"timesheet_submit\",\"arguments\":\"{\\\"week_of\\\":3}\"",
          "timesheet_submit: week_of is not a date" },
        { "\"name\":\"employee_lookup\",\"arguments\":\"{\\\"reason\\\":\\\"log_hours\\\"}\"",
          "employee_lookup: reason" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char *answer = zsys_sprintf ("%s%s}}]}}]}", prefix, cases [index].function);
        s_read_fails (answer, cases [index].why);
        zstr_free (&answer);
    }
    //  Arguments as an object (some servers send it so) are read too
    const char *object = "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":"
                         "\"timesheet_log\",\"arguments\":{\"date\":\"2026-03-02\",\"hours\":8,"
                         "\"project\":\"Acme\"}}}]}}]}";
    sb_intent_t intent;
    char err [256];
    assert_int_equal (sb_llm_read_answer (object, strlen (object), &intent, err, sizeof err), 0);
    assert_int_equal (intent.intent, SB_INTENT_LOG_HOURS);
    assert_true (intent.hours == 8);
    assert_string_equal (intent.from_date, "2026-03-02");
}

//  --------------------------------------------------------------------------

static int
s_world_setup (s_world_t *world, const char *planner)
{
    memset (world, 0, sizeof *world);
    world->planner = planner;
    snprintf (world->dir, sizeof world->dir, "%s/sb-planner-llm-XXXXXX",
              getenv ("TMPDIR")? getenv ("TMPDIR"): "/tmp");
    world->redis = sb_testredis_new ("no");
    world->llm = sb_fake_llm_new ();
    if (!mkdtemp (world->dir))
        world->dir [0] = 0;
    if (!world->redis || !world->llm || !world->dir [0])
        return -1;
    redisContext *redis = sb_testredis_connect (world->redis);
    redisReply *reply = redis? (redisReply *) redisCommand (
        redis, "HSET sb:tenant:demo name Demo timezone Europe/Helsinki"): NULL;
    int rc = reply && reply->type == REDIS_REPLY_INTEGER? 0: -1;
    freeReplyObject (reply);
    if (redis)
        redisFree (redis);
    return rc;
}

int
main (int argc, char *argv [])
{
    if (argc < 2) {
        fprintf (stderr, "usage: test_planner_llm PLANNER\n");
        return 2;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "test_planner_llm: SKIPPED: no redis-server in PATH\n");
        return S_EXIT_SKIP;
    }
    setenv (S_KEY_ENV, S_KEY, 1);
    unsetenv ("SB_REDIS_URL");
    unsetenv ("SB_TEST_NO_SUCH_VARIABLE");
    s_world_t world;
    int rc = 1;
    if (s_world_setup (&world, argv [1]) == 0) {
        const struct CMUnitTest tests [] = {
            cmocka_unit_test_prestate (test_query, &world),
            cmocka_unit_test_prestate (test_log_submit_lookup, &world),
            cmocka_unit_test_prestate (test_request, &world),
            cmocka_unit_test_prestate (test_history, &world),
            cmocka_unit_test_prestate (test_fallbacks, &world),
            cmocka_unit_test_prestate (test_unreachable_and_keyless, &world),
            cmocka_unit_test_prestate (test_config, &world),
            cmocka_unit_test_prestate (test_no_redis, &world),
            cmocka_unit_test (test_read_answer),
        };
        rc = cmocka_run_group_tests (tests, NULL, NULL);
    }
    else
        fprintf (stderr, "test_planner_llm: cannot start Redis, the fake server or a temp dir\n");
    sb_fake_llm_destroy (&world.llm);
    sb_testredis_destroy (&world.redis);
    if (*world.dir)
        sb_testutil_remove_tree (world.dir);
    return rc;
}
