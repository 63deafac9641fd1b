/*  sb_date.h — civil (proleptic Gregorian) dates as day numbers, the
    arithmetic the conversation actors do on periods: weeks, months,
    weekdays, YYYY-MM-DD text. No time zones here (sb_tz), no globals,
    no libc time functions (they are neither thread-safe nor zone-free). */

#ifndef SB_DATE_H_INCLUDED
#define SB_DATE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  The last second of year 9999 (9999-12-31T23:59:59Z), in Unix seconds:
//  the end of the range these dates cover.
#define SB_DATE_SECONDS_MAX 253402300799LL

//  Days since 1970-01-01 (negative before), for year 1..9999.
int32_t sb_date_from_civil (int year, int month, int day);
void sb_date_to_civil (int32_t days, int *year, int *month, int *day);

//  0 Sunday .. 6 Saturday.
int sb_date_weekday (int32_t days);

//  Days in month (1..12) of year.
int sb_date_month_days (int year, int month);

//  The Monday of the ISO week that holds days.
int32_t sb_date_week_start (int32_t days);

//  Parses exactly "YYYY-MM-DD" (a real date). Returns 0, or -1.
int sb_date_parse (const char *text, int32_t *days);

//  Writes "YYYY-MM-DD" (11 bytes with the NUL) into buffer.
void sb_date_format (int32_t days, char buffer [11]);

#endif
