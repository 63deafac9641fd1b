/*  sb_timesheet_reminder.c — a tenant's weekly reminder tick: who has
    missing days this week, one reminder.due each, and the next tick.     */

#include "sb_timesheet_private.h"
#include "sb_timesheet_reminder.h"
#include "sb_timesheet_report.h"
#include "sb_date.h"

int
sb_timesheet_reminder_parse (const char *text, int *weekday, int *hour, int *minute)
{
    static const char *names [7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
    if (strcasecmp (text, "off") == 0)
        return 1;
    //  Exactly "ddd HH:MM"
    const char *digits = "0123456789";
    if (strlen (text) != 9 || text [3] != ' ' || text [6] != ':'
    ||  !strchr (digits, text [4]) || !strchr (digits, text [5])
    ||  !strchr (digits, text [7]) || !strchr (digits, text [8]))
        return -1;
    *hour = (text [4] - '0') * 10 + text [5] - '0';
    *minute = (text [7] - '0') * 10 + text [8] - '0';
    if (*hour > 23 || *minute > 59)
        return -1;
    for (*weekday = 0; *weekday < 7; (*weekday)++)
        if (strncasecmp (text, names [*weekday], 3) == 0)
            return 0;
    return -1;
}

int64_t
sb_timesheet_reminder_at (const sb_tz_t *zone, int32_t week_start, int weekday, int hour,
                          int minute)
{
    int32_t day = week_start + (weekday + 6) % 7;       //  Monday-based
    return sb_tz_instant_ms (zone, day, hour, minute);
}

//  The week's report for employee {id, name, phone, channel}: a new
//  timesheet.result body without conversation, or NULL with *result set.
static json_t *
s_week (sb_timesheet_call_t *call, const json_t *employee, int32_t week_start,
        sb_actor_result_t *result)
{
    const char *id = json_string_value (json_object_get (employee, "id"));
    const char *name = json_string_value (json_object_get (employee, "name"));
    json_t *entries = NULL;
    int rc = sb_timesheet_backend_entries (call->backend, call->ctx, call->tenant_id, id,
                                           week_start, week_start + 6, &entries, call->err,
                                           sizeof call->err);
    if (rc != SB_TIMESHEET_OK) {
        *result = sb_timesheet_call_failed (call, rc);
        return NULL;
    }
    json_t *week = json_pack ("{s:s, s:s, s:{s:s}}", "tool", "timesheet.query", "status", "ok",
                              "employee", "id", id);
    if (name && *name)
        json_object_set_new (json_object_get (week, "employee"), "name", json_string (name));
    sb_timesheet_report (week, entries, week_start, week_start + 6, call->today, call->tenant);
    json_decref (entries);
    return week;
}

//  Emits the reminder.due of employee for week (taken), keyed per
//  employee and week. Returns 0, or -1 (out of memory, too many emits).
static int
s_remind (sb_timesheet_call_t *call, const json_t *employee, const char *label, json_t *week)
{
    const char *id = json_string_value (json_object_get (employee, "id"));
    const char *number = sb_tenant_str (call->tenant, "number");
    json_t *conversation = json_pack ("{s:O, s:O, s:s, s:I}",
        "channel", json_object_get (employee, "channel"),
        "employee_phone", json_object_get (employee, "phone"), "intent", "reminder",
        "received_at_ms", (json_int_t) call->now_ms);
    if (*number)
        json_object_set_new (conversation, "tenant_number", json_string (number));
    json_t *body = json_pack ("{s:O, s:s, s:o, s:o}",
        "employee", json_object_get (week, "employee"), "week", label, "timesheet", week,
        "conversation", conversation);
    char key [400];
    snprintf (key, sizeof key, "reminder:%s:%s:%s", call->tenant_id, id, label);
    return sb_actor_emit_keyed (call->ctx, "reminder.due", key, body);
}

//  Emits the tick that goes on with week_start: after an employee id
//  (more to remind this week, at once), or the next week's at its time.
static int
s_next_tick (sb_timesheet_call_t *call, int32_t week_start, const char *after,
             const int when [3])
{
    int32_t next = after? week_start: week_start + 7;
    int64_t at = after? 0: sb_timesheet_reminder_at (call->zone, next, when [0], when [1],
                                                     when [2]);
    char date [11], label [16], key [400];
    sb_date_format (next, date);
    sb_timesheet_week_label (next, label);
    json_t *body = json_pack ("{s:s, s:I}", "week_start", date, "scheduled_ms",
                              (json_int_t) (after? call->now_ms: at));
    if (after)
        json_object_set_new (body, "after", json_string (after));
    snprintf (key, sizeof key, "reminder.tick:%s:%s%s%s", call->tenant_id, label,
              after? ":after:": "", after? after: "");
    return sb_actor_emit_at (call->ctx, "reminder.tick", key, at, body);
}

//  Reminds every employee after `after` (NULL: all) with missing days in
//  the week, then emits the tick that goes on.
static sb_actor_result_t
s_tick (sb_timesheet_call_t *call, int32_t week_start, const char *after, const int when [3])
{
    json_t *employees = NULL;
    int rc = sb_timesheet_backend_employees (call->backend, call->ctx, call->tenant_id,
                                             &employees, call->err, sizeof call->err);
    if (rc != SB_TIMESHEET_OK)
        return sb_timesheet_call_failed (call, rc);
    char label [16];
    sb_timesheet_week_label (week_start, label);
    sb_actor_result_t result = SB_ACTOR_DONE;
    const char *last = NULL;            //  the last employee looked at
    size_t reminded = 0, looked = 0, index;
    json_t *employee;
    json_array_foreach (employees, index, employee) {
        const char *id = json_string_value (json_object_get (employee, "id"));
        const char *phone = json_string_value (json_object_get (employee, "phone"));
        if ((after && strcmp (id, after) <= 0) || !*phone)
            continue;
        if (reminded == SB_TIMESHEET_REMINDERS_PER_TICK
        ||  looked == SB_TIMESHEET_EMPLOYEES_PER_TICK)
            break;                      //  the rest in the next tick
        last = id;
        looked++;
        json_t *week = s_week (call, employee, week_start, &result);
        if (!week)
            break;
        if (json_array_size (json_object_get (week, "missing_days")) == 0)
            json_decref (week);
        else
        if (s_remind (call, employee, label, week) == 0)
            reminded++;
        else
            result = sb_actor_retry (call->ctx, 0, "cannot emit reminder.due (out of memory)");
        if (result != SB_ACTOR_DONE)
            break;
    }
    bool more = index < json_array_size (employees);
    if (result == SB_ACTOR_DONE && s_next_tick (call, week_start, more? last: NULL, when))
        result = sb_actor_retry (call->ctx, 0, "cannot emit reminder.tick (out of memory)");
    json_decref (employees);
    return result;
}

sb_actor_result_t
sb_timesheet_reminder_tick (sb_timesheet_call_t *call)
{
    json_t *body = sb_envelope_body (call->message);
    const char *date = json_string_value (json_object_get (body, "week_start"));
    int64_t scheduled = json_integer_value (json_object_get (body, "scheduled_ms"));
    const char *after = json_string_value (json_object_get (body, "after"));
    int32_t week_start;
    if (sb_date_parse (date, &week_start) || sb_date_weekday (week_start) != 1)
        return sb_actor_fail (call->ctx, "reminder.tick: week_start '%s' is not a Monday as "
                              "YYYY-MM-DD", date);
    sb_actor_result_t result = SB_ACTOR_DONE;
    if (sb_timesheet_call_prepare (call, scheduled, &result) == 0) {
        const char *setting = sb_tenant_str (call->tenant, "reminder");
        int when [3], rc = sb_timesheet_reminder_parse (setting, &when [0], &when [1], &when [2]);
        if (rc < 0)
            result = sb_actor_fail (call->ctx, "tenant %s: reminder '%.32s': neither off nor a "
                                    "day and time like fri 15:00", call->tenant_id, setting);
        else
        if (rc == 0)
            result = s_tick (call, week_start, after, when);
        //  off: the chain of ticks ends here
    }
    sb_timesheet_call_clear (call);
    return result;
}
