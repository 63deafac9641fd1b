/*  test_date.c — civil dates as day numbers: known answers, a round trip
    over every day of years 1..9999, weekdays, ISO week starts, month
    lengths, and the strict YYYY-MM-DD parser.                             */

#include "sb_date.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static void
test_known_answers (void **state)
{
    (void) state;
    assert_int_equal (sb_date_from_civil (1970, 1, 1), 0);
    assert_int_equal (sb_date_from_civil (1969, 12, 31), -1);
    assert_int_equal (sb_date_from_civil (2000, 3, 1), 11017);
    assert_int_equal (sb_date_from_civil (2026, 3, 6), 20518);     //  1772755200 s
    assert_int_equal (sb_date_from_civil (1, 1, 1), -719162);
    assert_int_equal (sb_date_from_civil (9999, 12, 31), 2932896);
    int year, month, day;
    sb_date_to_civil (-719162, &year, &month, &day);
    assert_int_equal (year, 1);
    assert_int_equal (month, 1);
    assert_int_equal (day, 1);
}

//  Every day from 0001-01-01 to 9999-12-31: to civil and back, each the
//  day after the one before, its weekday one later.
static void
test_round_trip (void **state)
{
    (void) state;
    int32_t first = sb_date_from_civil (1, 1, 1), last = sb_date_from_civil (9999, 12, 31);
    int previous_year = 0, previous_month = 12, previous_day = 31;
    for (int32_t days = first; days <= last; days++) {
        int year, month, day;
        sb_date_to_civil (days, &year, &month, &day);
        assert_int_equal (sb_date_from_civil (year, month, day), days);
        assert_true (month >= 1 && month <= 12);
        assert_true (day >= 1 && day <= sb_date_month_days (year, month));
        bool next_day = year == previous_year && month == previous_month && day == previous_day + 1;
        bool next_month = year == previous_year && month == previous_month + 1 && day == 1
                       && previous_day == sb_date_month_days (year, previous_month);
        bool next_year = year == previous_year + 1 && month == 1 && day == 1
                      && previous_month == 12 && previous_day == 31;
        assert_true (next_day || next_month || next_year);
        if (days > first)
            assert_int_equal (sb_date_weekday (days), (sb_date_weekday (days - 1) + 1) % 7);
        previous_year = year, previous_month = month, previous_day = day;
    }
}

static void
test_weekdays (void **state)
{
    (void) state;
    assert_int_equal (sb_date_weekday (0), 4);                                 //  Thursday
    assert_int_equal (sb_date_weekday (-1), 3);
    assert_int_equal (sb_date_weekday (-4), 0);
    assert_int_equal (sb_date_weekday (-5), 6);
    assert_int_equal (sb_date_weekday (sb_date_from_civil (2026, 3, 8)), 0);   //  Sunday
    assert_int_equal (sb_date_weekday (sb_date_from_civil (2026, 3, 9)), 1);
    assert_int_equal (sb_date_weekday (sb_date_from_civil (2000, 2, 29)), 2);
    assert_int_equal (sb_date_weekday (sb_date_from_civil (1, 1, 1)), 1);      //  Monday
    for (int32_t days = -800000; days < 3000000; days += 997) {
        int weekday = sb_date_weekday (days);
        assert_true (weekday >= 0 && weekday <= 6);
    }
}

static void
test_week_start (void **state)
{
    (void) state;
    //  2026-03-02 is a Monday: its week runs to Sunday 2026-03-08
    int32_t monday = sb_date_from_civil (2026, 3, 2);
    for (int offset = 0; offset < 7; offset++)
        assert_int_equal (sb_date_week_start (monday + offset), monday);
    assert_int_equal (sb_date_week_start (monday + 7), monday + 7);
    assert_int_equal (sb_date_week_start (monday - 1), monday - 7);
    //  Across a year: 2026-01-01 (Thursday) is in the week of 2025-12-29
    assert_int_equal (sb_date_week_start (sb_date_from_civil (2026, 1, 1)),
                      sb_date_from_civil (2025, 12, 29));
    //  Before 1970
    assert_int_equal (sb_date_week_start (-1), sb_date_from_civil (1969, 12, 29));
    for (int32_t days = -10000; days < 30000; days++) {
        int32_t start = sb_date_week_start (days);
        assert_int_equal (sb_date_weekday (start), 1);
        assert_true (days - start >= 0 && days - start < 7);
    }
}

static void
test_month_days (void **state)
{
    (void) state;
    assert_int_equal (sb_date_month_days (2026, 2), 28);
    assert_int_equal (sb_date_month_days (2028, 2), 29);
    assert_int_equal (sb_date_month_days (1900, 2), 28);
    assert_int_equal (sb_date_month_days (2000, 2), 29);
    assert_int_equal (sb_date_month_days (2026, 4), 30);
    assert_int_equal (sb_date_month_days (2026, 12), 31);
}

static void
test_parse_and_format (void **state)
{
    (void) state;
    int32_t days = 0;
    assert_int_equal (sb_date_parse ("2026-03-06", &days), 0);
    assert_int_equal (days, 20518);
    assert_int_equal (sb_date_parse ("2028-02-29", &days), 0);
    assert_int_equal (sb_date_parse ("0001-01-01", &days), 0);
    assert_int_equal (days, -719162);
    assert_int_equal (sb_date_parse ("9999-12-31", &days), 0);
    const char *refused [] = {
        "2026-02-30", "2026-02-29", "1900-02-29", "2026-1-01", "2026-01-1", "26-01-01",
        "2026-13-01", "2026-00-10", "2026-01-00", "0000-01-01", "2026/01/01", "2026-01-01 ",
        " 2026-01-01", "2026-01-0a", "+026-01-01", "2026-01-01T00:00", "", "2026--1-01",
    };
    for (size_t index = 0; index < sizeof refused / sizeof refused [0]; index++) {
        days = 12345;
        if (sb_date_parse (refused [index], &days) != -1)
            fail_msg ("'%s' was accepted", refused [index]);
        assert_int_equal (days, 12345);         //  untouched on refusal
    }
    assert_int_equal (sb_date_parse (NULL, &days), -1);

    char text [11];
    sb_date_format (20518, text);
    assert_string_equal (text, "2026-03-06");
    sb_date_format (-719162, text);
    assert_string_equal (text, "0001-01-01");
    for (int32_t day = -719162; day <= 2932896; day += 13) {
        int32_t back = 0;
        sb_date_format (day, text);
        assert_int_equal (sb_date_parse (text, &back), 0);
        assert_int_equal (back, day);
    }
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_known_answers),
        cmocka_unit_test (test_round_trip),
        cmocka_unit_test (test_weekdays),
        cmocka_unit_test (test_week_start),
        cmocka_unit_test (test_month_days),
        cmocka_unit_test (test_parse_and_format),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
