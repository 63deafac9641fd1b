/*  sb_period.h — a period the employee named, as dates: "last friday" or
    "march 5" become from/to day numbers relative to today, the date in the
    tenant's zone when the conversation was received (sb_tz gives it).

    Pure: today is an argument, so that a redelivered message, a fixture
    and a unit test all get the same answer.                              */

#ifndef SB_PERIOD_H_INCLUDED
#define SB_PERIOD_H_INCLUDED

#include "sb_intent.h"

typedef struct {
    int32_t from, to;            //  sb_date day numbers, inclusive
} sb_period_t;

//  Resolves intent's period at today (a day number). A period it does not
//  name resolves as SB_PERIOD_TODAY. Names without a year mean the latest
//  such day or month up to today ("march 5" in February is last year's).
//  Weeks run Monday to Sunday; months whole; "on monday" is the latest
//  Monday up to today (today, if it is one), "last monday" the Monday of
//  the previous week.
void sb_period_resolve (const sb_intent_t *intent, int32_t today, sb_period_t *period);

//  True if the period is one day.
bool sb_period_single_day (const sb_period_t *period);

//  Writes from and to as YYYY-MM-DD into a new JSON object
//  {"from_date", "to_date"}.
json_t *sb_period_json (const sb_period_t *period);

#endif
