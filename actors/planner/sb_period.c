/*  sb_period.c — named periods to dates, relative to today.              */

#include "sb_period.h"
#include "sb_date.h"

//  The latest day up to today with this month and day (Feb 29: the latest
//  leap year's).
static int32_t
s_latest_date (int month, int day, int32_t today)
{
    int year, this_month, this_day;
    sb_date_to_civil (today, &year, &this_month, &this_day);
    for (int back = 0; back < 8; back++, year--) {
        if (day > sb_date_month_days (year, month))
            continue;
        int32_t date = sb_date_from_civil (year, month, day);
        if (date <= today)
            return date;
    }
    return today;                //  unreachable for a valid month and day
}

static void
s_month (int year, int month, sb_period_t *period)
{
    period->from = sb_date_from_civil (year, month, 1);
    period->to = period->from + sb_date_month_days (year, month) - 1;
}

//  A month without a year: this year's if it has begun, else last year's.
static void
s_latest_month (const sb_intent_t *intent, int32_t today, sb_period_t *period)
{
    int year, month, day;
    sb_date_to_civil (today, &year, &month, &day);
    if (intent->year)
        year = intent->year;
    else
    if (intent->month > month)
        year--;
    s_month (year, intent->month, period);
}

//  Month offset from today's: 0 this month, -1 last month.
static void
s_relative_month (int32_t today, int offset, sb_period_t *period)
{
    int year, month, day;
    sb_date_to_civil (today, &year, &month, &day);
    month += offset;
    if (month < 1)
        month += 12, year--;
    s_month (year, month, period);
}

void
sb_period_resolve (const sb_intent_t *intent, int32_t today, sb_period_t *period)
{
    int32_t week = sb_date_week_start (today);
    period->from = period->to = today;
    switch (intent->period) {
        case SB_PERIOD_NONE:
        case SB_PERIOD_TODAY:
            break;
        case SB_PERIOD_YESTERDAY:
            period->from = period->to = today - 1;
            break;
        case SB_PERIOD_THIS_WEEK:
            period->from = week, period->to = week + 6;
            break;
        case SB_PERIOD_LAST_WEEK:
            period->from = week - 7, period->to = week - 1;
            break;
        case SB_PERIOD_WEEKDAY:
            period->from = period->to
                = today - (sb_date_weekday (today) - intent->weekday + 7) % 7;
            break;
        case SB_PERIOD_LAST_WEEKDAY:
            period->from = period->to = week - 7 + (intent->weekday + 6) % 7;
            break;
        case SB_PERIOD_DATE:
            period->from = period->to = intent->year
                ? sb_date_from_civil (intent->year, intent->month, intent->day)
                : s_latest_date (intent->month, intent->day, today);
            break;
        case SB_PERIOD_MONTH:
            s_latest_month (intent, today, period);
            break;
        case SB_PERIOD_THIS_MONTH:
            s_relative_month (today, 0, period);
            break;
        case SB_PERIOD_LAST_MONTH:
            s_relative_month (today, -1, period);
            break;
        case SB_PERIOD_RANGE:
            if (sb_date_parse (intent->from_date, &period->from)
            ||  sb_date_parse (intent->to_date, &period->to) || period->to < period->from)
                period->from = period->to = today;
            break;
    }
}

bool
sb_period_single_day (const sb_period_t *period)
{
    return period->from == period->to;
}

json_t *
sb_period_json (const sb_period_t *period)
{
    char from [11], to [11];
    sb_date_format (period->from, from);
    sb_date_format (period->to, to);
    return json_pack ("{s:s, s:s}", "from_date", from, "to_date", to);
}
