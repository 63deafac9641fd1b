/*  sb_timesheet_report.c — a period's totals, expected hours and missing
    days, from its entries.                                               */

#include "sb_timesheet_report.h"
#include "sb_date.h"

json_t *
sb_timesheet_hours (double hours)
{
    double rounded = round (hours * 100) / 100;
    if (rounded == floor (rounded) && fabs (rounded) < 1e15)
        return json_integer ((json_int_t) rounded);
    return json_real (rounded);
}

//  Adds hours to the number at name in totals (a map of names to reals).
static void
s_add (json_t *totals, const char *name, double hours)
{
    json_t *total = json_object_get (totals, name);
    json_object_set_new (totals, name, json_real (json_number_value (total) + hours));
}

//  Rewrites every total in totals through sb_timesheet_hours.
static void
s_round_all (json_t *totals)
{
    const char *name;
    json_t *total;
    json_object_foreach (totals, name, total)
        json_object_set_new (totals, name, sb_timesheet_hours (json_number_value (total)));
}

void
sb_timesheet_report (json_t *result, const json_t *entries, int32_t from, int32_t to,
                     int32_t today, const sb_tenant_t *tenant)
{
    char from_text [11], to_text [11], date [11];
    sb_date_format (from, from_text);
    sb_date_format (to, to_text);
    json_t *copied = json_array (), *by_day = json_object (), *by_project = json_object ();
    double total = 0;
    size_t index;
    json_t *entry;
    json_array_foreach (entries, index, entry) {
        double hours = json_number_value (json_object_get (entry, "hours"));
        s_add (by_day, json_string_value (json_object_get (entry, "date")), hours);
        s_add (by_project, json_string_value (json_object_get (entry, "project")), hours);
        total += hours;
        if (index < SB_TIMESHEET_MAX_ENTRIES)
            json_array_append (copied, entry);
    }
    //  Working days that have ended: before today in the tenant's zone
    json_t *missing = json_array ();
    int working = 0;
    for (int32_t day = from; day <= to && day < today; day++) {
        if (!sb_tenant_works_on (tenant, sb_date_weekday (day)))
            continue;
        working++;
        sb_date_format (day, date);
        if (json_number_value (json_object_get (by_day, date)) <= 0)
            json_array_append_new (missing, json_string (date));
    }
    s_round_all (by_day);
    s_round_all (by_project);
    json_object_set_new (result, "period", json_pack ("{s:s, s:s}", "from_date", from_text,
                                                      "to_date", to_text));
    json_object_set_new (result, "entries", copied);
    json_object_set_new (result, "totals_by_day", by_day);
    json_object_set_new (result, "totals_by_project", by_project);
    json_object_set_new (result, "total_hours", sb_timesheet_hours (total));
    json_object_set_new (result, "expected_hours",
                         sb_timesheet_hours (working * sb_tenant_hours_per_day (tenant)));
    json_object_set_new (result, "missing_days", missing);
}
