/*  sb_timesheet_report.h — what a period's entries add up to: totals by
    day and project, the hours expected for the working days that have
    ended, and those with no hours. Pure: "today" is an argument (the day
    the conversation was received, in the tenant's time zone), so a
    redelivered message and a fixture get the same answer.                */

#ifndef SB_TIMESHEET_REPORT_H_INCLUDED
#define SB_TIMESHEET_REPORT_H_INCLUDED

#include "sb_tenant.h"

//  The most entries a result carries (the schema's bound); totals count
//  them all.
#define SB_TIMESHEET_MAX_ENTRIES  1000

//  Sets in result (a timesheet.result body) period {from_date, to_date},
//  entries (copied from entries, an array of {date, project, hours,
//  note?} in date order), totals_by_day (days with hours), totals_by_project,
//  total_hours, expected_hours (working days of the period before today,
//  times the tenant's hours per day) and missing_days (those of them with
//  no hours).
void sb_timesheet_report (json_t *result, const json_t *entries, int32_t from, int32_t to,
                          int32_t today, const sb_tenant_t *tenant);

//  Hours as JSON (a new value): an integer when whole, else a real
//  rounded to hundredths, so sums read as people write them (7.6, not
//  7.6000000000000005).
json_t *sb_timesheet_hours (double hours);

#endif
