/*  test_timesheet.c — the timesheet actor's pure parts: ISO week labels
    (at the year ends), reminder times and their instants across daylight
    saving, what a period adds up to (working days, hours per day, today,
    rounding, the entry cap), and the checks on entries and employees read
    from a backend.                                                       */

#include "sb_timesheet_backend.h"
#include "sb_timesheet_reminder.h"
#include "sb_timesheet_report.h"
#include "sb_date.h"
#include <setjmp.h>
#include <cmocka.h>

static int32_t
s_day (const char *text)
{
    int32_t day = 0;
    assert_int_equal (sb_date_parse (text, &day), 0);
    return day;
}

static void
s_assert_week (const char *monday, const char *label)
{
    char got [16];
    assert_int_equal (sb_date_weekday (s_day (monday)), 1);
    sb_timesheet_week_label (s_day (monday), got);
    assert_string_equal (got, label);
}

static void
test_week_labels (void **state)
{
    (void) state;
    s_assert_week ("2026-03-02", "2026-W10");
    s_assert_week ("2025-12-29", "2026-W01");       //  holds Thursday 2026-01-01
    s_assert_week ("2026-12-28", "2026-W53");       //  2026 has 53 weeks
    s_assert_week ("2027-01-04", "2027-W01");
    s_assert_week ("2024-12-30", "2025-W01");
    s_assert_week ("2021-01-04", "2021-W01");
    s_assert_week ("2020-12-28", "2020-W53");
    s_assert_week ("2018-12-31", "2019-W01");
    //  Every Monday of 400 years: weeks count up by one, or start at 1
    char previous [16] = "", label [16];
    for (int32_t monday = s_day ("2000-01-03"); monday < s_day ("2400-01-01"); monday += 7) {
        sb_timesheet_week_label (monday, label);
        int week = atoi (label + 6);
        if (*previous && week != atoi (previous + 6) + 1)
            assert_int_equal (week, 1);
        assert_true (week >= 1 && week <= 53);
        memcpy (previous, label, sizeof label);
    }
}

static void
test_reminder_setting (void **state)
{
    (void) state;
    int weekday = -1, hour = -1, minute = -1;
    assert_int_equal (sb_timesheet_reminder_parse ("fri 15:00", &weekday, &hour, &minute), 0);
    assert_int_equal (weekday, 5);
    assert_int_equal (hour, 15);
    assert_int_equal (minute, 0);
    assert_int_equal (sb_timesheet_reminder_parse ("Mon 08:30", &weekday, &hour, &minute), 0);
    assert_int_equal (weekday, 1);
    assert_int_equal (minute, 30);
    assert_int_equal (sb_timesheet_reminder_parse ("sun 00:00", &weekday, &hour, &minute), 0);
    assert_int_equal (weekday, 0);
    assert_int_equal (sb_timesheet_reminder_parse ("off", &weekday, &hour, &minute), 1);
    assert_int_equal (sb_timesheet_reminder_parse ("OFF", &weekday, &hour, &minute), 1);
    const char *refused [] = { "friday 15:00", "fri 3pm", "fri 24:00", "fri 15:60", "fri 15",
                               "fri 15:00 ", " fri 15:00", "xyz 15:00", "", "fri  5:00",
                               "fri 15:00x", "on" };
    for (size_t index = 0; index < sizeof refused / sizeof refused [0]; index++)
        if (sb_timesheet_reminder_parse (refused [index], &weekday, &hour, &minute) != -1)
            fail_msg ("'%s' was accepted", refused [index]);
}

static void
test_reminder_instants (void **state)
{
    (void) state;
    char err [256];
    sb_tz_t *london = sb_tz_load ("Europe/London", err, sizeof err);
    if (!london)
        skip ();
    //  Friday 15:00 is 15:00 UTC in winter, 14:00 UTC in summer
    assert_int_equal (sb_timesheet_reminder_at (london, s_day ("2026-03-02"), 5, 15, 0),
                      1772809200000LL);
    assert_int_equal (sb_timesheet_reminder_at (london, s_day ("2026-03-30"), 5, 15, 0),
                      1775224800000LL);
    //  Sunday is the week's last day, Monday its first
    assert_int_equal (sb_timesheet_reminder_at (london, s_day ("2026-03-02"), 0, 12, 0),
                      (s_day ("2026-03-08") * 86400LL + 12 * 3600) * 1000);
    assert_int_equal (sb_timesheet_reminder_at (london, s_day ("2026-03-02"), 1, 9, 0),
                      (s_day ("2026-03-02") * 86400LL + 9 * 3600) * 1000);
    sb_tz_destroy (&london);
}

//  An entry {date, project, hours}.
static json_t *
s_entry (const char *date, const char *project, double hours)
{
    return json_pack ("{s:s, s:s, s:f}", "date", date, "project", project, "hours", hours);
}

static void
test_report (void **state)
{
    (void) state;
    zconfig_t *config = zconfig_str_load ("tenants\n    t\n        hours_per_day = 7.5\n"
                                          "        working_days = \"sun,mon,tue\"\n");
    char err [256];
    sb_tenant_t *tenant = sb_tenant_from_config (config, "t", err, sizeof err);
    assert_non_null (tenant);
    json_t *entries = json_pack ("[o, o, o, o]", s_entry ("2026-03-01", "A", 0.1),
                                 s_entry ("2026-03-01", "B", 0.2), s_entry ("2026-03-03", "A", 8),
                                 s_entry ("2026-03-05", "A", 2));
    json_t *result = json_object ();
    //  Today Thursday 03-05: Sun 1, Mon 2, Tue 3 have ended and are working days
    sb_timesheet_report (result, entries, s_day ("2026-03-01"), s_day ("2026-03-07"),
                         s_day ("2026-03-05"), tenant);
    //  Sums rounded to hundredths (0.1 + 0.2 is 0.3), whole ones integers
    assert_int_equal (json_array_size (json_object_get (result, "entries")), 4);
    assert_true (json_real_value (json_object_get (result, "total_hours")) == 10.3);
    assert_true (json_real_value (json_object_get (result, "expected_hours")) == 22.5);
    json_t *by_day = json_object_get (result, "totals_by_day");
    assert_int_equal (json_object_size (by_day), 3);
    assert_true (json_real_value (json_object_get (by_day, "2026-03-01")) == 0.3);
    assert_int_equal (json_integer_value (json_object_get (by_day, "2026-03-03")), 8);
    json_t *by_project = json_object_get (result, "totals_by_project");
    assert_true (json_real_value (json_object_get (by_project, "A")) == 10.1);
    assert_true (json_real_value (json_object_get (by_project, "B")) == 0.2);
    char *text = json_dumps (json_object_get (result, "missing_days"), JSON_COMPACT);
    assert_string_equal (text, "[\"2026-03-02\"]");
    free (text);
    text = json_dumps (json_object_get (result, "period"), JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"from_date\":\"2026-03-01\",\"to_date\":\"2026-03-07\"}");
    free (text);
    json_decref (result);
    //  Today before the period: nothing expected, nothing missing
    result = json_object ();
    sb_timesheet_report (result, entries, s_day ("2026-03-01"), s_day ("2026-03-07"),
                         s_day ("2026-03-01"), tenant);
    assert_int_equal (json_integer_value (json_object_get (result, "expected_hours")), 0);
    assert_int_equal (json_array_size (json_object_get (result, "missing_days")), 0);
    json_decref (result);
    json_decref (entries);
    sb_tenant_destroy (&tenant);
    zconfig_destroy (&config);
}

//  More entries than a result carries: the first 1000, totals of all
static void
test_report_cap (void **state)
{
    (void) state;
    sb_tenant_t *tenant = sb_tenant_from_config (NULL, "t", NULL, 0);
    json_t *entries = json_array ();
    for (int index = 0; index < 1200; index++)
        json_array_append_new (entries, s_entry ("2026-03-02", "A", 0.01));
    json_t *result = json_object ();
    sb_timesheet_report (result, entries, s_day ("2026-03-02"), s_day ("2026-03-02"),
                         s_day ("2026-03-03"), tenant);
    assert_int_equal (json_array_size (json_object_get (result, "entries")),
                      SB_TIMESHEET_MAX_ENTRIES);
    assert_int_equal (json_integer_value (json_object_get (result, "total_hours")), 12);
    json_decref (result);
    json_decref (entries);
    sb_tenant_destroy (&tenant);
}

static void
test_hours (void **state)
{
    (void) state;
    json_t *value = sb_timesheet_hours (8);
    assert_true (json_is_integer (value));
    json_decref (value);
    value = sb_timesheet_hours (0.1 + 0.2);
    assert_true (json_is_real (value) && json_real_value (value) == 0.3);
    json_decref (value);
    value = sb_timesheet_hours (7.999999);
    assert_true (json_is_integer (value) && json_integer_value (value) == 8);
    json_decref (value);
}

static void
test_checked (void **state)
{
    (void) state;
    const char *refused [] = {
        "{\"date\":\"2026-02-30\",\"project\":\"A\",\"hours\":1}",
        "{\"date\":\"2026-03-02\",\"project\":\"\",\"hours\":1}",
        "{\"date\":\"2026-03-02\",\"project\":\"A\",\"hours\":25}",
        "{\"date\":\"2026-03-02\",\"project\":\"A\",\"hours\":-1}",
        "{\"date\":\"2026-03-02\",\"project\":\"A\",\"hours\":\"8\"}",
        "{\"date\":\"2026-03-02\",\"project\":\"A\",\"hours\":1,\"note\":7}",
        "{\"project\":\"A\",\"hours\":1}", "[]", "null",
    };
    for (size_t index = 0; index < sizeof refused / sizeof refused [0]; index++) {
        json_t *entry = json_loads (refused [index], JSON_DECODE_ANY, NULL);
        json_t *checked = sb_timesheet_entry_checked (entry);
        if (checked)
            fail_msg ("accepted %s", refused [index]);
        json_decref (entry);
    }
    //  Unknown fields are dropped, a null note is no note
    json_t *entry = json_pack ("{s:s, s:s, s:i, s:n, s:s}", "date", "2026-03-02", "project", "A",
                               "hours", 8, "note", "x", "y");
    json_t *checked = sb_timesheet_entry_checked (entry);
    assert_non_null (checked);
    assert_int_equal (json_object_size (checked), 3);
    json_decref (checked);
    json_decref (entry);

    //  Lists: sorted by date, stable; one outside the period refuses all
    char err [256] = "";
    json_t *list = json_pack ("[o, o, o]", s_entry ("2026-03-04", "A", 1),
                              s_entry ("2026-03-02", "B", 1), s_entry ("2026-03-04", "C", 1));
    checked = sb_timesheet_entries_checked (list, s_day ("2026-03-02"), s_day ("2026-03-08"),
                                            "here", err, sizeof err);
    assert_non_null (checked);
    assert_string_equal (json_string_value (json_object_get (json_array_get (checked, 0),
                                                             "project")), "B");
    assert_string_equal (json_string_value (json_object_get (json_array_get (checked, 1),
                                                             "project")), "A");
    json_decref (checked);
    assert_null (sb_timesheet_entries_checked (list, s_day ("2026-03-03"), s_day ("2026-03-08"),
                                               "here", err, sizeof err));
    assert_string_equal (err, "here: entries[1]: not an entry {date, project, hours, note?} "
                              "dated in the period asked");
    assert_null (sb_timesheet_entries_checked (json_object_get (list, "x"), 0, 1, "here",
                                               err, sizeof err));
    assert_string_equal (err, "here: no array of entries");
    json_decref (list);

    //  Employees: sorted by id, channel sms unless whatsapp
    list = json_loads ("[{\"id\":\"B\",\"phone\":\"+1\",\"channel\":\"pigeon\"},"
                       "{\"id\":\"A\",\"name\":\"Ann\",\"phone\":\"+2\",\"channel\":\"whatsapp\"}]",
                       0, NULL);
    checked = sb_timesheet_employees_checked (list, "here", err, sizeof err);
    char *text = json_dumps (checked, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "[{\"channel\":\"whatsapp\",\"id\":\"A\",\"name\":\"Ann\","
                               "\"phone\":\"+2\"},{\"channel\":\"sms\",\"id\":\"B\",\"name\":\"\","
                               "\"phone\":\"+1\"}]");
    free (text);
    json_decref (checked);
    json_decref (list);
    list = json_loads ("[{\"id\":\"A\",\"phone\":\"+1\"},{\"id\":\"\",\"phone\":\"+2\"}]", 0, NULL);
    assert_null (sb_timesheet_employees_checked (list, "here", err, sizeof err));
    assert_string_equal (err, "here: employees[1]: not an employee {id, name?, phone, channel?}");
    json_decref (list);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_week_labels),
        cmocka_unit_test (test_reminder_setting),
        cmocka_unit_test (test_reminder_instants),
        cmocka_unit_test (test_report),
        cmocka_unit_test (test_report_cap),
        cmocka_unit_test (test_hours),
        cmocka_unit_test (test_checked),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
