/*  fuzz_tz.c — libFuzzer target: arbitrary bytes as a TZif file. A
    refusal names the zone and says why; an accepted zone answers for any
    instant, from the far past to the far future, with offsets within 25
    hours, civil times whose fields are in range and agree with their day
    number, and local times that map back to a nearby instant. Aborts
    otherwise.                                                             */

#include "sb_tz.h"
#include "sb_date.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  Civil time at instant: every field in range and consistent.
static void
s_check_civil (const sb_tz_t *zone, int64_t utc_ms)
{
    sb_tz_civil_t civil;
    sb_tz_civil (zone, utc_ms, &civil);
    if (civil.month < 1 || civil.month > 12 || civil.day < 1
    ||  civil.day > sb_date_month_days (civil.year, civil.month)
    ||  civil.hour < 0 || civil.hour > 23 || civil.minute < 0 || civil.minute > 59
    ||  civil.second < 0 || civil.second > 59 || civil.weekday != sb_date_weekday (civil.days)
    ||  sb_date_from_civil (civil.year, civil.month, civil.day) != civil.days)
        abort ();
    //  The local time maps back to an instant no further from this one
    //  than two offsets apart (a zone may repeat a day: the earlier wins)
    int64_t back = sb_tz_instant_ms (zone, civil.days, civil.hour, civil.minute);
    if (civil.year > 1 && civil.year < 9999
    &&  llabs (back - utc_ms) > (89999 + 93599 + 60) * 1000LL)
        abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err [256] = "";
    sb_tz_t *zone = sb_tz_parse (data, size, "fuzz", err, sizeof err);
    if (!zone) {
        if (strncmp (err, "zone 'fuzz': ", 13) || strlen (err) < 16)
            abort ();   //  every refusal says why
        return 0;
    }
    if (strcmp (sb_tz_name (zone), "fuzz"))
        abort ();
    const int64_t instants [] = { INT64_MIN, -62135596800LL, -2147483649LL, -1, 0, 1,
                                  1772787600LL, 2147483648LL, 4102444800LL, 253402300799LL,
                                  INT64_MAX };
    for (size_t index = 0; index < sizeof instants / sizeof instants [0]; index++) {
        int32_t offset = sb_tz_offset (zone, instants [index]);
        if (offset < -89999 || offset > 93599)
            abort ();
        if (instants [index] > -9000000000000LL && instants [index] < 9000000000000LL)
            s_check_civil (zone, instants [index] * 1000);
    }
    sb_tz_destroy (&zone);
    return 0;
}
