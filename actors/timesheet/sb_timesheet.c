/*  sb_timesheet.c — the timesheet actor's handler: who wrote, which tool,
    its arguments checked, the backend asked, one timesheet.result.       */

#include "sb_timesheet_private.h"
#include "sb_timesheet_report.h"
#include "sb_date.h"

//  The longest period timesheet.query accepts, in days
#define S_MAX_PERIOD 366

//  One plan.tool_call being handled: what it asks, for whom.
typedef struct {
    sb_timesheet_call_t common;         //  context, tenant, zone, now, err
    const char *tool;
    const char *key;                    //  the message's idempotency key
    json_t *args;                       //  borrowed from the message
    json_t *conversation;               //  borrowed from the message
    sb_timesheet_employee_t employee;
    sb_timesheet_prefetch_t prefetch;   //  a query's entries, if the lookup read them
} s_call_t;

//  A new timesheet.result body: tool, status, the conversation as it came,
//  and the employee once known.
static json_t *
s_result (s_call_t *call, const char *status)
{
    json_t *body = json_pack ("{s:s, s:s, s:o}", "tool", call->tool, "status", status,
                              "conversation", json_deep_copy (call->conversation));
    if (call->employee.id [0]) {
        json_t *employee = json_pack ("{s:s}", "id", call->employee.id);
        if (call->employee.name [0])
            json_object_set_new (employee, "name", json_string (call->employee.name));
        json_object_set_new (body, "employee", employee);
    }
    return body;
}

//  Writes the reason a tool cannot run into call->common.err.
static void
s_why (s_call_t *call, const char *format, ...) SB_PRINTF (2, 3);
static void
s_why (s_call_t *call, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (call->common.err, sizeof call->common.err, format, args);
    va_end (args);
}

//  Emits body as the timesheet.result and ends the handler.
static sb_actor_result_t
s_emit (s_call_t *call, json_t *body)
{
    if (!body || sb_actor_emit (call->common.ctx, "timesheet.result", body))
        return sb_actor_retry (call->common.ctx, 0, "cannot emit timesheet.result "
                               "(out of memory)");
    return SB_ACTOR_DONE;
}

//  Answers status error with the reason in call->common.err: the tool
//  could not run, and the planner tells the employee why.
static sb_actor_result_t
s_refuse (s_call_t *call)
{
    json_t *body = s_result (call, "error");
    json_object_set_new (body, "error", json_string (call->common.err));
    return s_emit (call, body);
}

//  Ends the handler for a backend's failure code: refused (status error),
//  transient (retry) or broken (fail).
static sb_actor_result_t
s_backend_failed (s_call_t *call, int rc)
{
    if (rc == SB_TIMESHEET_REFUSED)
        return s_refuse (call);
    return sb_timesheet_call_failed (&call->common, rc);
}

//  Reads args.<name> as a date. Returns 0, 1 if absent, or -1 with the
//  reason in call->common.err.
static int
s_date_arg (s_call_t *call, const char *name, int32_t *day)
{
    json_t *value = json_object_get (call->args, name);
    if (!value)
        return 1;
    if (!json_is_string (value) || sb_date_parse (json_string_value (value), day)) {
        s_why (call, "args.%s '%.16s' is not a date as YYYY-MM-DD", name,
               json_is_string (value)? json_string_value (value): "");
        return -1;
    }
    return 0;
}

//  Reads a required date argument. Returns 0, or -1 with the reason.
static int
s_required_date (s_call_t *call, const char *name, int32_t *day)
{
    int rc = s_date_arg (call, name, day);
    if (rc == 1)
        s_why (call, "%s needs args.%s as YYYY-MM-DD", call->tool, name);
    return rc? -1: 0;
}

//  Asks the backend for the employee's entries from..to, and answers the
//  report of that period (for timesheet.log, with only recorded as its
//  entries). Takes duplicate (-1: leave it out).
static sb_actor_result_t
s_report (s_call_t *call, int32_t from, int32_t to, json_t *recorded, int duplicate)
{
    json_t *entries = NULL;
    sb_timesheet_call_t *common = &call->common;
    sb_timesheet_prefetch_t *prefetch = &call->prefetch;
    int rc = SB_TIMESHEET_OK;
    if (prefetch->entries && prefetch->from == from && prefetch->to == to) {
        entries = prefetch->entries;        //  read with the lookup
        prefetch->entries = NULL;
    }
    else
        rc = sb_timesheet_backend_entries (common->backend, common->ctx, common->tenant_id,
                                           call->employee.id, from, to, &entries,
                                           common->err, sizeof common->err);
    if (rc != SB_TIMESHEET_OK) {
        json_decref (recorded);
        return s_backend_failed (call, rc);
    }
    json_t *body = s_result (call, "ok");
    sb_timesheet_report (body, entries, from, to, call->common.today, call->common.tenant);
    json_decref (entries);
    if (recorded)
        json_object_set_new (body, "entries", json_pack ("[o]", recorded));
    if (duplicate >= 0)
        json_object_set_new (body, "duplicate", json_boolean (duplicate));
    return s_emit (call, body);
}

//  timesheet.query's period {from_date, to_date?}: at most 366 days.
//  Returns 0, or -1 with the reason in call->common.err.
static int
s_query_period (s_call_t *call, int32_t *from, int32_t *to)
{
    if (s_required_date (call, "from_date", from))
        return -1;
    int rc = s_date_arg (call, "to_date", to);
    if (rc < 0)
        return -1;
    if (rc == 1)
        *to = *from;                    //  one day
    char from_text [11], to_text [11];
    sb_date_format (*from, from_text);
    sb_date_format (*to, to_text);
    if (*from > *to) {
        s_why (call, "args.from_date %s is after args.to_date %s", from_text, to_text);
        return -1;
    }
    if (*to - *from + 1 > S_MAX_PERIOD) {
        s_why (call, "the period %s to %s is %d days: at most %d", from_text, to_text,
               (int) (*to - *from + 1), S_MAX_PERIOD);
        return -1;
    }
    return 0;
}

//  timesheet.query {from_date, to_date?}: the period's report.
static sb_actor_result_t
s_query (s_call_t *call)
{
    int32_t from = 0, to = 0;
    if (s_query_period (call, &from, &to))
        return s_refuse (call);
    return s_report (call, from, to, NULL, -1);
}

//  Checks timesheet.log's arguments and builds the entry to record.
//  Returns it (new), or NULL with the reason in call->common.err.
static json_t *
s_log_entry (s_call_t *call, int32_t *day)
{
    json_t *hours = json_object_get (call->args, "hours");
    json_t *project = json_object_get (call->args, "project");
    json_t *note = json_object_get (call->args, "note");
    char date [11], today [11];
    if (s_required_date (call, "date", day))
        return NULL;
    sb_date_format (*day, date);
    sb_date_format (call->common.today, today);
    if (!json_is_number (hours) || !(json_number_value (hours) > 0))
        s_why (call, "timesheet.log needs args.hours, more than 0");
    else
    if (!json_is_string (project) || !json_string_length (project))
        s_why (call, "timesheet.log needs args.project");
    else
    if (*day > call->common.today)
        s_why (call, "%s is in the future (today is %s in %s): hours are logged once the "
               "day has started", date, today, sb_tz_name (call->common.zone));
    else {
        json_t *entry = json_pack ("{s:s, s:O, s:O}", "date", date, "hours", hours,
                                   "project", project);
        if (json_is_string (note) && json_string_length (note))
            json_object_set (entry, "note", note);
        return entry;
    }
    return NULL;
}

//  timesheet.log {date, hours, project, note?}: recorded once per key.
static sb_actor_result_t
s_log (s_call_t *call)
{
    int32_t day = 0;
    json_t *entry = s_log_entry (call, &day), *recorded = NULL;
    if (!entry)
        return s_refuse (call);
    sb_timesheet_call_t *common = &call->common;
    int rc = sb_timesheet_backend_log (common->backend, common->ctx, common->tenant_id,
                                       call->employee.id, call->key, entry, &recorded,
                                       common->err, sizeof common->err);
    json_decref (entry);
    if (rc != SB_TIMESHEET_OK && rc != SB_TIMESHEET_DUPLICATE)
        return s_backend_failed (call, rc);
    return s_report (call, day, day, recorded, rc == SB_TIMESHEET_DUPLICATE);
}

//  timesheet.submit {from_date?}: the ISO week holding from_date (absent:
//  today), once it has started; once per key.
static sb_actor_result_t
s_submit (s_call_t *call)
{
    int32_t day = call->common.today;
    if (s_date_arg (call, "from_date", &day) < 0)
        return s_refuse (call);
    int32_t week_start = sb_date_week_start (day);
    if (week_start > call->common.today) {
        char week [16];
        sb_timesheet_week_label (week_start, week);
        s_why (call, "week %s has not started yet", week);
        return s_refuse (call);
    }
    sb_timesheet_call_t *common = &call->common;
    int rc = sb_timesheet_backend_submit (common->backend, common->ctx, common->tenant_id,
                                          call->employee.id, week_start, call->key,
                                          common->now_ms, common->err, sizeof common->err);
    if (rc != SB_TIMESHEET_OK && rc != SB_TIMESHEET_DUPLICATE)
        return s_backend_failed (call, rc);
    return s_report (call, week_start, week_start + 6, NULL, rc == SB_TIMESHEET_DUPLICATE);
}

//  True if phone is E.164: '+', then 8 to 15 digits, the first not 0.
static bool
s_e164 (const char *phone)
{
    size_t length = phone? strlen (phone): 0;
    if (length < 9 || length > 16 || phone [0] != '+' || phone [1] == '0')
        return false;
    for (size_t index = 1; index < length; index++)
        if (!isdigit ((unsigned char) phone [index]))
            return false;
    return true;
}

//  Finds who wrote, then runs the tool.
static sb_actor_result_t
s_dispatch (s_call_t *call)
{
    json_t *number = json_object_get (call->conversation, "employee_phone");
    const char *phone = json_string_value (number);
    //  A query's period, known before the lookup, lets the lookup read the
    //  entries on its way (a query that cannot run is refused after it)
    sb_timesheet_prefetch_t *prefetch = NULL;
    if (streq (call->tool, "timesheet.query")
    &&  s_query_period (call, &call->prefetch.from, &call->prefetch.to) == 0)
        prefetch = &call->prefetch;
    int rc = s_e164 (phone)
           ? sb_timesheet_backend_lookup (call->common.backend, call->common.ctx,
                                          call->common.tenant_id, phone, prefetch,
                                          &call->employee, call->common.err,
                                          sizeof call->common.err)
           : SB_TIMESHEET_NOT_FOUND;    //  no directory holds what is not a number
    if (rc == SB_TIMESHEET_NOT_FOUND)
        return s_emit (call, s_result (call, "not_registered"));
    if (rc != SB_TIMESHEET_OK)
        return s_backend_failed (call, rc);
    if (streq (call->tool, "timesheet.query"))
        return s_query (call);
    if (streq (call->tool, "timesheet.log"))
        return s_log (call);
    if (streq (call->tool, "timesheet.submit"))
        return s_submit (call);
    return s_emit (call, s_result (call, "ok"));       //  employee.lookup
}

int
sb_timesheet_call_prepare (sb_timesheet_call_t *call, int64_t now_ms, sb_actor_result_t *result)
{
    int code = 0;
    call->tenant = sb_tenant_load (call->ctx, call->tenant_id, &code, call->err, sizeof call->err);
    if (!call->tenant) {
        *result = sb_tenant_refuse (call->ctx, code, call->err);
        return -1;
    }
    char why [256];
    call->zone = sb_tz_cache_get (call->ctx, sb_tenant_str (call->tenant, "timezone"), why,
                                  sizeof why);
    if (!call->zone) {
        *result = sb_actor_fail (call->ctx, "tenant %s: %s", call->tenant_id, why);
        return -1;
    }
    sb_tz_civil_t civil;
    sb_tz_civil (call->zone, now_ms, &civil);
    call->now_ms = now_ms;
    call->today = civil.days;
    return 0;
}

void
sb_timesheet_call_clear (sb_timesheet_call_t *call)
{
    call->zone = NULL;           //  the thread's cache keeps it
    sb_tenant_destroy (&call->tenant);
}

sb_actor_result_t
sb_timesheet_call_failed (sb_timesheet_call_t *call, int rc)
{
    if (rc == SB_TIMESHEET_TRANSIENT)
        return sb_actor_retry (call->ctx, 0, "%s", call->err);
    return sb_actor_fail (call->ctx, "%s", call->err);
}

//  Handles a plan.tool_call. "Now" is when the conversation was received,
//  else when the message was made.
static sb_actor_result_t
s_tool_call (sb_timesheet_call_t *common)
{
    json_t *body = sb_envelope_body (common->message);
    s_call_t call = {
        .common = *common,
        .tool = json_string_value (json_object_get (body, "tool")),
        .key = sb_envelope_key (common->message),
        .args = json_object_get (body, "args"),
        .conversation = json_object_get (body, "conversation"),
    };
    json_t *received = json_object_get (call.conversation, "received_at_ms");
    int64_t now_ms = json_is_integer (received)? (int64_t) json_integer_value (received)
                                               : sb_envelope_created_ms (common->message);
    sb_actor_result_t result = SB_ACTOR_DONE;
    if (sb_timesheet_call_prepare (&call.common, now_ms, &result) == 0)
        result = s_dispatch (&call);
    json_decref (call.prefetch.entries);
    sb_timesheet_call_clear (&call.common);
    return result;
}

sb_actor_result_t
sb_timesheet_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message,
                     sb_timesheet_backend_t *backend)
{
    sb_timesheet_call_t call = {
        .ctx = ctx, .backend = backend, .message = message,
        .tenant_id = sb_envelope_tenant (message),
    };
    if (streq (sb_envelope_type (message), "reminder.tick"))
        return sb_timesheet_reminder_tick (&call);
    return s_tool_call (&call);
}
