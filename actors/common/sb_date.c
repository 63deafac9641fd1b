/*  sb_date.c — civil dates as day numbers (Howard Hinnant's
    days_from_civil / civil_from_days algorithms, on 400-year eras).      */

#include "sb_date.h"
#include <string.h>

int32_t
sb_date_from_civil (int year, int month, int day)
{
    int y = year - (month <= 2);
    int era = (y >= 0? y: y - 399) / 400;
    int yoe = y - era * 400;                                    //  0..399
    int doy = (153 * (month + (month > 2? -3: 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            //  0..146096
    return era * 146097 + doe - 719468;
}

void
sb_date_to_civil (int32_t days, int *year, int *month, int *day)
{
    int32_t z = days + 719468;
    int32_t era = (z >= 0? z: z - 146096) / 146097;
    int32_t doe = z - era * 146097;
    int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int32_t mp = (5 * doy + 2) / 153;
    *day = doy - (153 * mp + 2) / 5 + 1;
    *month = mp < 10? mp + 3: mp - 9;
    *year = yoe + era * 400 + (*month <= 2);
}

int
sb_date_weekday (int32_t days)
{
    //  1970-01-01 was a Thursday (4)
    return days >= -4? (days + 4) % 7: (days + 5) % 7 + 6;
}

int
sb_date_month_days (int year, int month)
{
    static const int lengths [12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2 && (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
        return 29;
    return lengths [month - 1];
}

int32_t
sb_date_week_start (int32_t days)
{
    //  Monday-based: Monday 0 .. Sunday 6
    return days - (sb_date_weekday (days) + 6) % 7;
}

int
sb_date_parse (const char *text, int32_t *days)
{
    if (!text || strlen (text) != 10 || text [4] != '-' || text [7] != '-')
        return -1;
    int parts [3] = { 0, 0, 0 };
    const int starts [3] = { 0, 5, 8 }, widths [3] = { 4, 2, 2 };
    for (int part = 0; part < 3; part++)
        for (int index = 0; index < widths [part]; index++) {
            char c = text [starts [part] + index];
            if (c < '0' || c > '9')
                return -1;
            parts [part] = parts [part] * 10 + (c - '0');
        }
    if (parts [0] < 1 || parts [1] < 1 || parts [1] > 12 || parts [2] < 1
    ||  parts [2] > sb_date_month_days (parts [0], parts [1]))
        return -1;
    *days = sb_date_from_civil (parts [0], parts [1], parts [2]);
    return 0;
}

void
sb_date_format (int32_t days, char buffer [11])
{
    int year, month, day;
    sb_date_to_civil (days, &year, &month, &day);
    //  Digit by digit: the compiler cannot prove snprintf's fields fit
    unsigned values [3] = { (unsigned) year % 10000, (unsigned) month, (unsigned) day };
    const int starts [3] = { 0, 5, 8 }, widths [3] = { 4, 2, 2 };
    for (int part = 0; part < 3; part++)
        for (int index = widths [part] - 1; index >= 0; index--) {
            buffer [starts [part] + index] = (char) ('0' + values [part] % 10);
            values [part] /= 10;
        }
    buffer [4] = buffer [7] = '-';
    buffer [10] = 0;
}
