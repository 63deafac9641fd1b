/*  sb_llm.c — the chat-completions backend over sb_http: the request (a
    prompt with today's date, the recent turns, four tool definitions), the
    HTTP exchange with a time-out, and the tool call read back, every field
    of it checked: the answer is outside data.                            */

#include "sb_llm.h"
#include "sb_date.h"
#include "sb_http.h"

struct _sb_llm_t {
    char *url;                   //  <base_url>/v1/chat/completions
    char *model;
    char *api_key;               //  sent as a bearer token, or NULL
    int timeout_ms;
};

//  The tools as the model sees them; each maps to one of our tools.
static const char *s_tools =
    "[{\"type\":\"function\",\"function\":{\"name\":\"timesheet_query\","
    "\"description\":\"Hours the employee logged in a period, per day and project, with "
    "the hours expected and the working days that have none (focus missing: the employee "
    "asks what is missing).\",\"parameters\":{\"type\":\"object\",\"properties\":{"
    "\"from_date\":{\"type\":\"string\",\"description\":\"First day, YYYY-MM-DD\"},"
    "\"to_date\":{\"type\":\"string\",\"description\":\"Last day, inclusive, YYYY-MM-DD\"},"
    "\"focus\":{\"type\":\"string\",\"enum\":[\"hours\",\"missing\"]},"
    "\"project\":{\"type\":\"string\",\"description\":\"Only this project, if named\"}},"
    "\"required\":[\"from_date\",\"to_date\"]}}},"
    "{\"type\":\"function\",\"function\":{\"name\":\"timesheet_log\","
    "\"description\":\"Log hours the employee worked on a project on one day.\","
    "\"parameters\":{\"type\":\"object\",\"properties\":{"
    "\"date\":{\"type\":\"string\",\"description\":\"The day, YYYY-MM-DD\"},"
    "\"hours\":{\"type\":\"number\",\"description\":\"More than 0, at most 24\"},"
    "\"project\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"}},"
    "\"required\":[\"date\",\"hours\",\"project\"]}}},"
    "{\"type\":\"function\",\"function\":{\"name\":\"timesheet_submit\","
    "\"description\":\"Submit the employee's timesheet for a week (Monday to Sunday).\","
    "\"parameters\":{\"type\":\"object\",\"properties\":{"
    "\"week_of\":{\"type\":\"string\",\"description\":\"A day of that week, YYYY-MM-DD; "
    "default this week\"}},\"required\":[]}}},"
    "{\"type\":\"function\",\"function\":{\"name\":\"employee_lookup\","
    "\"description\":\"For a greeting, a request for help, or anything else: looks up "
    "who is writing so that the reply can address them.\",\"parameters\":{\"type\":"
    "\"object\",\"properties\":{\"reason\":{\"type\":\"string\",\"enum\":[\"greeting\","
    "\"help\",\"unknown\"]}},\"required\":[\"reason\"]}}}]";

//  --------------------------------------------------------------------------
//  Configuration

//  The config value at path, or fallback.
static const char *
s_get (zconfig_t *section, const char *path, const char *fallback)
{
    char *value = section? zconfig_get (section, path, NULL): NULL;
    return value && *value? value: fallback;
}

void
sb_llm_destroy (sb_llm_t **self_p)
{
    sb_llm_t *self = *self_p;
    if (!self)
        return;
    free (self->url);
    free (self->model);
    if (self->api_key)                       //  a secret: not left in freed memory
        memset (self->api_key, 0, strlen (self->api_key));
    free (self->api_key);
    free (self);
    *self_p = NULL;
}

sb_llm_t *
sb_llm_new (zconfig_t *section, char *err, size_t errlen)
{
    const char *base = s_get (section, "llm/base_url", NULL);
    const char *timeout = s_get (section, "llm/timeout_ms", "5000");
    char *end = NULL;
    long timeout_ms = strtol (timeout, &end, 10);
    char *trimmed = sb_http_base_url (base);
    if (!trimmed) {
        snprintf (err, errlen, "planner/llm/base_url '%s': backend llm needs an http:// or "
                               "https:// URL", base? base: "");
        return NULL;
    }
    if (end == timeout || *end || timeout_ms < 100 || timeout_ms > 120000) {
        snprintf (err, errlen, "planner/llm/timeout_ms '%s': not a number of ms in 100..120000",
                  timeout);
        free (trimmed);
        return NULL;
    }
    sb_llm_t *self = (sb_llm_t *) calloc (1, sizeof *self);
    self->url = zsys_sprintf ("%s/v1/chat/completions", trimmed);
    free (trimmed);
    self->model = strdup (s_get (section, "llm/model", "gpt-4o-mini"));
    self->timeout_ms = (int) timeout_ms;
    const char *key = getenv (s_get (section, "llm/api_key_env", "OPENAI_API_KEY"));
    if (key && *key)
        self->api_key = strdup (key);
    return self;
}

int
sb_llm_timeout_ms (const sb_llm_t *self)
{
    return self->timeout_ms;
}

//  --------------------------------------------------------------------------
//  The request

static json_t *
s_system_message (const sb_llm_request_t *request)
{
    static const char *names [7] = {
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"
    };
    char today [11];
    sb_date_format (request->today, today);
    char *prompt = zsys_sprintf (
        "You plan the answers of a timesheet assistant that employees write to by SMS or "
        "WhatsApp. Today is %s %s in the employee's time zone (%s); weeks run Monday to "
        "Sunday. Call exactly one tool for the employee's latest message, resolving every "
        "date yourself as YYYY-MM-DD: timesheet_query for questions about hours logged or "
        "missing, timesheet_log to log hours, timesheet_submit to submit a week, "
        "employee_lookup for a greeting, a request for help, or anything else. A short "
        "follow-up (\"and last week?\") continues the previous question.",
        names [sb_date_weekday (request->today)], today, request->zone? request->zone: "UTC");
    json_t *message = json_pack ("{s:s, s:s}", "role", "system", "content", prompt);
    zstr_free (&prompt);
    return message;
}

//  The messages: the prompt, the recent turns oldest first, the text.
static json_t *
s_messages (const sb_llm_request_t *request)
{
    json_t *messages = json_array ();
    json_array_append_new (messages, s_system_message (request));
    size_t count = request->turns? json_array_size (request->turns): 0;
    for (size_t index = count; index-- > 0;) {
        const json_t *turn = json_array_get (request->turns, index);
        const char *id = json_string_value (json_object_get (turn, "id"));
        const char *role = json_string_value (json_object_get (turn, "role"));
        const char *text = json_string_value (json_object_get (turn, "text"));
        if (!role || !text || (id && request->skip_id && streq (id, request->skip_id)))
            continue;
        if (streq (role, "user") || streq (role, "assistant"))
            json_array_append_new (messages, json_pack ("{s:s, s:s}", "role", role,
                                                        "content", text));
    }
    json_array_append_new (messages, json_pack ("{s:s, s:s}", "role", "user", "content",
                                                request->text? request->text: ""));
    return messages;
}

//  The request body as a new string, or NULL.
static char *
s_request_body (const sb_llm_t *self, const sb_llm_request_t *request)
{
    json_t *body = json_pack ("{s:s, s:o, s:o, s:s, s:i}", "model", self->model,
                              "messages", s_messages (request),
                              "tools", json_loads (s_tools, 0, NULL),
                              "tool_choice", "auto", "temperature", 0);
    char *text = body? json_dumps (body, JSON_COMPACT): NULL;
    json_decref (body);
    return text;
}

//  --------------------------------------------------------------------------
//  The answer

//  A date argument: YYYY-MM-DD. Returns 0, or -1 with why.
static int
s_date_arg (const json_t *args, const char *tool, const char *name, bool required,
            int32_t *days, char *err, size_t errlen)
{
    json_t *value = json_object_get (args, name);
    if (!value && !required)
        return 1;
    if (!json_is_string (value) || sb_date_parse (json_string_value (value), days)) {
        snprintf (err, errlen, "%s: %s is not a date YYYY-MM-DD", tool, name);
        return -1;
    }
    return 0;
}

//  An optional string argument of 1..max bytes into target.
static int
s_string_arg (const json_t *args, const char *tool, const char *name, bool required,
              char *target, size_t max, char *err, size_t errlen)
{
    json_t *value = json_object_get (args, name);
    if (!value && !required)
        return 0;
    const char *text = json_string_value (value);
    if (!text || !*text || strlen (text) > max) {
        snprintf (err, errlen, "%s: %s is not a string of 1..%zu bytes", tool, name, max);
        return -1;
    }
    memcpy (target, text, strlen (text) + 1);
    return 0;
}

static void
s_set_range (sb_intent_t *intent, int32_t from, int32_t to)
{
    intent->period = SB_PERIOD_RANGE;
    sb_date_format (from, intent->from_date);
    sb_date_format (to, intent->to_date);
}

static int
s_read_query (const json_t *args, sb_intent_t *intent, char *err, size_t errlen)
{
    int32_t from, to;
    if (s_date_arg (args, "timesheet_query", "from_date", true, &from, err, errlen)
    ||  s_date_arg (args, "timesheet_query", "to_date", true, &to, err, errlen)
    ||  s_string_arg (args, "timesheet_query", "project", false, intent->project,
                      SB_INTENT_PROJECT_MAX, err, errlen))
        return -1;
    if (to < from || to - from > 366) {
        snprintf (err, errlen, "timesheet_query: from_date to to_date is not 1..367 days");
        return -1;
    }
    const char *focus = json_string_value (json_object_get (args, "focus"));
    intent->intent = focus && streq (focus, "missing")? SB_INTENT_MISSING_HOURS
                                                      : SB_INTENT_CHECK_HOURS;
    s_set_range (intent, from, to);
    return 0;
}

static int
s_read_log (const json_t *args, sb_intent_t *intent, char *err, size_t errlen)
{
    int32_t date;
    json_t *hours = json_object_get (args, "hours");
    if (s_date_arg (args, "timesheet_log", "date", true, &date, err, errlen)
    ||  s_string_arg (args, "timesheet_log", "project", true, intent->project,
                      SB_INTENT_PROJECT_MAX, err, errlen)
    ||  s_string_arg (args, "timesheet_log", "note", false, intent->note, SB_INTENT_NOTE_MAX,
                      err, errlen))
        return -1;
    if (!json_is_number (hours) || !(json_number_value (hours) > 0)
    ||  json_number_value (hours) > 24) {
        snprintf (err, errlen, "timesheet_log: hours is not a number in (0, 24]");
        return -1;
    }
    intent->intent = SB_INTENT_LOG_HOURS;
    intent->has_hours = true;
    intent->hours = json_number_value (hours);
    s_set_range (intent, date, date);
    return 0;
}

static int
s_read_submit (const json_t *args, sb_intent_t *intent, char *err, size_t errlen)
{
    int32_t day;
    int rc = s_date_arg (args, "timesheet_submit", "week_of", false, &day, err, errlen);
    if (rc < 0)
        return -1;
    intent->intent = SB_INTENT_SUBMIT_WEEK;
    if (rc == 0)
        s_set_range (intent, sb_date_week_start (day), sb_date_week_start (day) + 6);
    return 0;
}

static int
s_read_lookup (const json_t *args, sb_intent_t *intent, char *err, size_t errlen)
{
    const char *reason = json_string_value (json_object_get (args, "reason"));
    int kind = reason? sb_intent_from_name (reason): -1;
    if (kind != SB_INTENT_GREETING && kind != SB_INTENT_HELP && kind != SB_INTENT_UNKNOWN) {
        snprintf (err, errlen, "employee_lookup: reason is not greeting, help or unknown");
        return -1;
    }
    intent->intent = (sb_intent_kind_t) kind;
    return 0;
}

//  Reads the arguments of the tool called name into *intent.
static int
s_read_tool (const char *name, const json_t *args, sb_intent_t *intent, char *err,
             size_t errlen)
{
    if (streq (name, "timesheet_query"))
        return s_read_query (args, intent, err, errlen);
    if (streq (name, "timesheet_log"))
        return s_read_log (args, intent, err, errlen);
    if (streq (name, "timesheet_submit"))
        return s_read_submit (args, intent, err, errlen);
    if (streq (name, "employee_lookup"))
        return s_read_lookup (args, intent, err, errlen);
    snprintf (err, errlen, "unknown tool '%.64s'", name);
    return -1;
}

//  The function object of the first tool call, or NULL with why.
static const json_t *
s_tool_call (const json_t *root, char *err, size_t errlen)
{
    const json_t *choice = json_array_get (json_object_get (root, "choices"), 0);
    const json_t *message = json_object_get (choice, "message");
    const json_t *calls = json_object_get (message, "tool_calls");
    const json_t *function = json_object_get (json_array_get (calls, 0), "function");
    if (!json_is_object (message))
        snprintf (err, errlen, "unparseable answer: no choices[0].message");
    else
    if (!json_is_object (function))
        snprintf (err, errlen, "no tool call in the answer");
    return json_is_object (message) && json_is_object (function)? function: NULL;
}

int
sb_llm_read_answer (const char *answer, size_t size, sb_intent_t *intent, char *err,
                    size_t errlen)
{
    memset (intent, 0, sizeof *intent);
    json_error_t error;
    json_t *root = json_loadb (answer, size, 0, &error);
    if (!root) {
        snprintf (err, errlen, "unparseable answer: %s", error.text);
        return -1;
    }
    const json_t *function = s_tool_call (root, err, errlen);
    const char *name = json_string_value (json_object_get (function, "name"));
    json_t *arguments = json_object_get (function, "arguments");
    //  The arguments are a JSON string; a few servers send the object itself
    json_t *args = json_is_string (arguments)
                 ? json_loads (json_string_value (arguments), 0, NULL): json_incref (arguments);
    int rc = -1;
    if (function && !json_is_object (args))
        snprintf (err, errlen, "unparseable answer: tool call arguments are not a JSON object");
    else
    if (function && name)
        rc = s_read_tool (name, args, intent, err, errlen);
    else
    if (function)
        snprintf (err, errlen, "unparseable answer: the tool call has no name");
    json_decref (args);
    json_decref (root);
    return rc;
}

//  --------------------------------------------------------------------------
//  The exchange

//  The time this request may take: the configured time-out, or less if
//  the message's deadline comes first.
static long
s_timeout_ms (const sb_llm_t *self, int64_t deadline_ms)
{
    int64_t left = deadline_ms? deadline_ms - zclock_time (): self->timeout_ms;
    return (long) (left < 1? 1: left < self->timeout_ms? left: self->timeout_ms);
}

//  POSTs body; the answer into *answer (the caller clears it). Returns 0
//  for HTTP 200, or -1 with why.
static int
s_post (const sb_llm_t *self, const char *body, long timeout_ms, sb_http_answer_t *answer,
        char *err, size_t errlen)
{
    sb_http_request_t request = {
        .url = self->url, .content_type = "application/json", .body = body,
        .bearer = self->api_key, .timeout_ms = (int) timeout_ms,
        .answer_max = SB_LLM_ANSWER_MAX
    };
    int rc = sb_http_request (NULL, &request, answer);
    if (answer->timed_out)
        snprintf (err, errlen, "timeout after %ld ms", timeout_ms);
    else
    if (rc)
        snprintf (err, errlen, "%s", answer->outcome == SB_HTTP_TOO_LARGE
                                     ? "answer longer than 1 MiB": answer->detail);
    else
    if (answer->status != 200)
        snprintf (err, errlen, "HTTP %ld", answer->status);
    return rc == 0 && answer->status == 200? 0: -1;
}

int
sb_llm_plan (sb_llm_t *self, const sb_llm_request_t *request, sb_intent_t *intent, char *err,
             size_t errlen)
{
    char *body = s_request_body (self, request);
    if (!body) {
        snprintf (err, errlen, "cannot build the request (out of memory)");
        return -1;
    }
    sb_http_answer_t answer;
    int rc = s_post (self, body, s_timeout_ms (self, request->deadline_ms), &answer,
                     err, errlen);
    free (body);
    if (rc == 0)
        rc = sb_llm_read_answer (answer.body? answer.body: "", answer.size, intent,
                                 err, errlen);
    sb_http_answer_clear (&answer);
    return rc;
}
