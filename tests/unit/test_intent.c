/*  test_intent.c — the planner's rule-based reading of texts (sb_intent):
    every intent and period form, hours, projects and notes, follow-ups,
    case, punctuation and UTF-8, and the entities' JSON round trip; and
    the periods they name as dates (sb_period) around week, month, year
    and leap-day edges.                                                 */

#include "sb_intent.h"
#include "sb_period.h"
#include "sb_date.h"
#include <setjmp.h>
#include <cmocka.h>

//  One text and what it must read as. Fields left 0 are checked as 0 / none.
typedef struct {
    const char *text;
    sb_intent_kind_t intent;
    sb_period_kind_t period;
    int weekday, year, month, day;
    double hours;                //  0: no hours
    const char *project;         //  NULL: none
    const char *note;            //  NULL: none
    bool follow_up;
} s_case_t;

static void
s_check (const s_case_t *expected, sb_date_order_t order)
{
    sb_intent_t got;
    sb_intent_parse (expected->text, order, &got);
    print_message ("  %s\n", expected->text);
    assert_string_equal (sb_intent_name (got.intent), sb_intent_name (expected->intent));
    assert_int_equal (got.period, expected->period);
    assert_int_equal (got.follow_up, expected->follow_up);
    if (expected->period == SB_PERIOD_WEEKDAY || expected->period == SB_PERIOD_LAST_WEEKDAY)
        assert_int_equal (got.weekday, expected->weekday);
    if (expected->period == SB_PERIOD_DATE || expected->period == SB_PERIOD_MONTH) {
        assert_int_equal (got.year, expected->year);
        assert_int_equal (got.month, expected->month);
        assert_int_equal (got.day, expected->day);
    }
    assert_int_equal (got.has_hours, expected->hours > 0);
    if (expected->hours > 0)
        assert_true (fabs (got.hours - expected->hours) < 1e-9);
    assert_string_equal (got.project, expected->project? expected->project: "");
    assert_string_equal (got.note, expected->note? expected->note: "");
}

static void
s_check_all (const s_case_t *cases, size_t count, sb_date_order_t order)
{
    for (size_t index = 0; index < count; index++)
        s_check (&cases [index], order);
}

#define S_COUNT(array) (sizeof (array) / sizeof (array [0]))

static void
test_check_hours_periods (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { .text = "how many hours this week?", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_THIS_WEEK },
        { .text = "Check my timesheet", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_NONE },
        { .text = "HOURS TODAY", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_TODAY },
        { .text = "hours yesterday!!!", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_YESTERDAY },
        { .text = "how many hours did I log last week", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_LAST_WEEK },
        { .text = "hours for the previous week", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_LAST_WEEK },
        { .text = "what did I log on monday?", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_WEEKDAY, .weekday = 1 },
        { .text = "hours last friday", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_LAST_WEEKDAY, .weekday = 5 },
        { .text = "hours on Tues", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_WEEKDAY, .weekday = 2 },
        { .text = "hours on march 5", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .month = 3, .day = 5 },
        { .text = "hours on 5 March", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .month = 3, .day = 5 },
        { .text = "hours on the 5th of march", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .month = 3, .day = 5 },
        { .text = "hours on Mar 5th 2026", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .year = 2026, .month = 3, .day = 5 },
        { .text = "hours on 2026-03-05", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .year = 2026, .month = 3, .day = 5 },
        { .text = "hours on 5/3", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_DATE,
          .month = 3, .day = 5 },
        { .text = "hours on 5/3/2026", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .year = 2026, .month = 3, .day = 5 },
        { .text = "hours on 05/03/26", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .year = 2026, .month = 3, .day = 5 },
        { .text = "hours in february", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_MONTH, .month = 2 },
        { .text = "hours in may", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_MONTH,
          .month = 5 },
        { .text = "hours in Sept 2025", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_MONTH, .year = 2025, .month = 9 },
        { .text = "hours this month", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_THIS_MONTH },
        { .text = "total for last month?", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_LAST_MONTH },
        { .text = "how much did I work yesterday", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_YESTERDAY },
        { .text = "Hi! how many hours this week?", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_THIS_WEEK },
        { .text = "hours on Acme this week", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_THIS_WEEK, .project = "Acme" },
        { .text = "did I submit my week?", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_THIS_WEEK },
    };
    s_check_all (cases, S_COUNT (cases), SB_DATE_ORDER_DMY);
}

static void
test_date_order (void **state)
{
    (void) state;
    const s_case_t month_first [] = {
        { .text = "hours on 5/3", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_DATE,
          .month = 5, .day = 3 },
        { .text = "hours on 12/31/2025", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_DATE, .year = 2025, .month = 12, .day = 31 },
        //  31/12 is no date month first: nothing but the intent is read
        { .text = "hours on 31/12", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_NONE },
    };
    s_check_all (month_first, S_COUNT (month_first), SB_DATE_ORDER_MDY);
    const s_case_t impossible [] = {
        { .text = "hours on 30/2", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_NONE },
        { .text = "hours on 2026-02-29", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_NONE },
        { .text = "hours on 29 feb", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_DATE,
          .month = 2, .day = 29 },
        { .text = "hours on feb 30", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_NONE },
        //  "may" as a verb is no month
        { .text = "may I see my hours", .intent = SB_INTENT_CHECK_HOURS,
          .period = SB_PERIOD_NONE },
        //  the future has no hours to tell
        { .text = "hours next week", .intent = SB_INTENT_CHECK_HOURS, .period = SB_PERIOD_NONE },
    };
    s_check_all (impossible, S_COUNT (impossible), SB_DATE_ORDER_DMY);
}

static void
test_missing_submit_help_greeting (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { .text = "what am I missing", .intent = SB_INTENT_MISSING_HOURS },
        { .text = "Which days are missing?", .intent = SB_INTENT_MISSING_HOURS },
        { .text = "which days did I forget last week", .intent = SB_INTENT_MISSING_HOURS,
          .period = SB_PERIOD_LAST_WEEK },
        { .text = "how many hours am I missing this month", .intent = SB_INTENT_MISSING_HOURS,
          .period = SB_PERIOD_THIS_MONTH },
        { .text = "submit my week", .intent = SB_INTENT_SUBMIT_WEEK,
          .period = SB_PERIOD_THIS_WEEK },
        { .text = "Submit timesheet.", .intent = SB_INTENT_SUBMIT_WEEK },
        { .text = "please submit last week", .intent = SB_INTENT_SUBMIT_WEEK,
          .period = SB_PERIOD_LAST_WEEK },
        { .text = "help", .intent = SB_INTENT_HELP },
        { .text = "HELP!", .intent = SB_INTENT_HELP },
        { .text = "what can you do?", .intent = SB_INTENT_HELP },
        { .text = "how does this work", .intent = SB_INTENT_HELP },
        { .text = "hi", .intent = SB_INTENT_GREETING },
        { .text = "Hello there", .intent = SB_INTENT_GREETING },
        { .text = "good morning :)", .intent = SB_INTENT_GREETING },
        { .text = "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d",
          .intent = SB_INTENT_GREETING },          //  shalom, Hebrew
        { .text = "thanks!", .intent = SB_INTENT_GREETING },
        { .text = "", .intent = SB_INTENT_UNKNOWN },
        { .text = "?!", .intent = SB_INTENT_UNKNOWN },
        { .text = "I like turtles", .intent = SB_INTENT_UNKNOWN },
        { .text = "what time is it", .intent = SB_INTENT_UNKNOWN },
    };
    s_check_all (cases, S_COUNT (cases), SB_DATE_ORDER_DMY);
}

static void
test_log_hours (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { .text = "log 7.5h on Acme yesterday", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_YESTERDAY, .hours = 7.5, .project = "Acme" },
        { .text = "add 8 hours to Globex for monday, note: workshop",
          .intent = SB_INTENT_LOG_HOURS, .period = SB_PERIOD_WEEKDAY, .weekday = 1, .hours = 8, .project = "Globex", .note = "workshop" },
        { .text = "Log 7,5 hrs on acme corp", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_NONE, .hours = 7.5, .project = "acme corp" },
        { .text = "log 8 on Acme", .intent = SB_INTENT_LOG_HOURS, .period = SB_PERIOD_NONE,
          .hours = 8, .project = "Acme" },
        { .text = "log eight hours on Acme today", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_TODAY, .hours = 8, .project = "Acme" },
        { .text = "please log 6h acme 5 march", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_DATE, .month = 3, .day = 5, .hours = 6, .project = "acme" },
        { .text = "I worked 4 hours on Initech today", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_TODAY, .hours = 4, .project = "Initech" },
        { .text = "can you log 2h to Acme on 2026-03-04 note planning for next week",
          .intent = SB_INTENT_LOG_HOURS, .period = SB_PERIOD_DATE, .year = 2026, .month = 3, .day = 4, .hours = 2, .project = "Acme", .note = "planning for next week" },
        { .text = "log hours", .intent = SB_INTENT_LOG_HOURS },
        //  hours in words
        { .text = "add half an hour internal yesterday", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_YESTERDAY, .hours = 0.5, .project = "internal" },
        { .text = "log an hour and a half on Acme", .intent = SB_INTENT_LOG_HOURS,
          .hours = 1.5, .project = "Acme" },
        { .text = "log an hour on Acme", .intent = SB_INTENT_LOG_HOURS, .hours = 1,
          .project = "Acme" },
        { .text = "log seven and a half hours on Acme", .intent = SB_INTENT_LOG_HOURS,
          .hours = 7.5, .project = "Acme" },
        { .text = "log 3 and a half hours to Globex on friday", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_WEEKDAY, .weekday = 5, .hours = 3.5, .project = "Globex" },
        //  a project in another script is copied whole
        { .text = "log 3h on \xd7\x90\xd7\xa7\xd7\x9e\xd7\x99 today",
          .intent = SB_INTENT_LOG_HOURS, .period = SB_PERIOD_TODAY, .hours = 3,
          .project = "\xd7\x90\xd7\xa7\xd7\x9e\xd7\x99" },
        { .text = "log 8h on Caf\xc3\xa9 Noir", .intent = SB_INTENT_LOG_HOURS,
          .period = SB_PERIOD_NONE, .hours = 8, .project = "Caf\xc3\xa9 Noir" },
        //  curly apostrophes join, dashes and quotes break
        { .text = "log 8h on O\xe2\x80\x99" "Brien \xe2\x80\x94 yesterday",
          .intent = SB_INTENT_LOG_HOURS, .period = SB_PERIOD_YESTERDAY, .hours = 8,
          .project = "O\xe2\x80\x99" "Brien" },
    };
    s_check_all (cases, S_COUNT (cases), SB_DATE_ORDER_DMY);

    sb_intent_t intent;
    sb_intent_parse ("log 30 hours on Acme", SB_DATE_ORDER_DMY, &intent);
    assert_int_equal (intent.intent, SB_INTENT_LOG_HOURS);
    assert_false (intent.has_hours);
    assert_true (intent.bad_hours);
    sb_intent_parse ("log 0h on Acme", SB_DATE_ORDER_DMY, &intent);
    assert_true (intent.bad_hours);
}

static void
test_follow_ups (void **state)
{
    (void) state;
    const s_case_t cases [] = {
        { .text = "and last week?", .intent = SB_INTENT_UNKNOWN, .period = SB_PERIOD_LAST_WEEK,
          .follow_up = true },
        { .text = "what about yesterday?", .intent = SB_INTENT_UNKNOWN,
          .period = SB_PERIOD_YESTERDAY, .follow_up = true },
        { .text = "and on Acme?", .intent = SB_INTENT_UNKNOWN, .period = SB_PERIOD_NONE,
          .project = "Acme", .follow_up = true },
        { .text = "And Friday?", .intent = SB_INTENT_UNKNOWN, .period = SB_PERIOD_WEEKDAY,
          .weekday = 5, .follow_up = true },
        { .text = "in february?", .intent = SB_INTENT_UNKNOWN, .period = SB_PERIOD_MONTH,
          .month = 2, .follow_up = true },
    };
    s_check_all (cases, S_COUNT (cases), SB_DATE_ORDER_DMY);

    //  The follow-up's period replaces the earlier one; the rest is kept
    sb_intent_t previous, follow_up;
    sb_intent_parse ("how many hours on Acme this week", SB_DATE_ORDER_DMY, &previous);
    sb_intent_parse ("and last week?", SB_DATE_ORDER_DMY, &follow_up);
    sb_intent_merge (&previous, &follow_up);
    assert_int_equal (previous.intent, SB_INTENT_CHECK_HOURS);
    assert_int_equal (previous.period, SB_PERIOD_LAST_WEEK);
    assert_string_equal (previous.project, "Acme");
    assert_false (previous.follow_up);

    sb_intent_parse ("and on Globex?", SB_DATE_ORDER_DMY, &follow_up);
    sb_intent_merge (&previous, &follow_up);
    assert_int_equal (previous.period, SB_PERIOD_LAST_WEEK);
    assert_string_equal (previous.project, "Globex");
}

static void
test_entities_round_trip (void **state)
{
    (void) state;
    const char *texts [] = {
        "add 7.5 hours to Globex for last monday, note: workshop",
        "hours on 5 march 2026", "hours in february", "hours this month", "hours on 29 feb",
        "log 30h on Acme",
    };
    for (size_t index = 0; index < S_COUNT (texts); index++) {
        sb_intent_t parsed, read;
        sb_intent_parse (texts [index], SB_DATE_ORDER_DMY, &parsed);
        json_t *entities = sb_intent_entities (&parsed);
        memset (&read, 0, sizeof read);
        read.intent = parsed.intent;
        sb_intent_read_entities (&read, entities);
        json_t *again = sb_intent_entities (&read);
        assert_true (json_equal (entities, again));
        json_decref (entities);
        json_decref (again);
    }
    //  The names the conversation carries, whole hours as integers
    sb_intent_t parsed;
    sb_intent_parse ("log 8h on Acme last friday", SB_DATE_ORDER_DMY, &parsed);
    json_t *entities = sb_intent_entities (&parsed);
    char *text = json_dumps (entities, JSON_SORT_KEYS | JSON_COMPACT);
    assert_string_equal (text, "{\"hours\":8,\"period\":\"last_weekday\",\"project\":\"Acme\","
                               "\"weekday\":\"friday\"}");
    free (text);
    json_decref (entities);

    //  What comes from Redis or a model is checked, not trusted
    json_t *bad = json_pack ("{s:s, s:i, s:i, s:s, s:f, s:i}", "period", "date", "month", 2,
                             "day", 30, "weekday", "funday", "hours", 99.0, "project", 7);
    sb_intent_t read;
    memset (&read, 0, sizeof read);
    sb_intent_read_entities (&read, bad);
    assert_int_equal (read.period, SB_PERIOD_NONE);
    assert_false (read.has_hours);
    assert_string_equal (read.project, "");
    json_decref (bad);
    json_t *range = json_pack ("{s:s, s:s, s:s}", "period", "range", "from_date", "2026-03-09",
                               "to_date", "2026-03-02");
    sb_intent_read_entities (&read, range);
    assert_int_equal (read.period, SB_PERIOD_NONE);         //  to before from
    json_decref (range);
}

static void
test_names (void **state)
{
    (void) state;
    for (int kind = SB_INTENT_UNKNOWN; kind <= SB_INTENT_REMINDER; kind++)
        assert_int_equal (sb_intent_from_name (sb_intent_name ((sb_intent_kind_t) kind)), kind);
    assert_int_equal (sb_intent_from_name ("dance"), -1);
    assert_int_equal (sb_intent_from_name (NULL), -1);
}

//  Long, odd and cut texts: never read past the text, never split a
//  character in what is copied out
static void
test_limits (void **state)
{
    (void) state;
    char *text = (char *) malloc (70000);
    //  A project of 200 two-byte characters is cut to 128 bytes, whole
    strcpy (text, "log 8h on ");
    for (int index = 0; index < 200; index++)
        strcat (text, "\xc3\xa9");
    sb_intent_t intent;
    sb_intent_parse (text, SB_DATE_ORDER_DMY, &intent);
    assert_int_equal (strlen (intent.project), 128);  //  64 whole characters
    assert_memory_equal (intent.project + 126, "\xc3\xa9", 2);
    strcpy (text, "log 8h on x note: ");
    for (int index = 0; index < 400; index++)
        strcat (text, "\xe2\x82\xac");                //  euro signs, 3 bytes each
    sb_intent_parse (text, SB_DATE_ORDER_DMY, &intent);
    assert_int_equal (strlen (intent.note), 510);     //  170 whole characters
    //  Past the first 4096 bytes nothing is read
    memset (text, 'a', 69990);
    strcpy (text + 69990, " help");
    sb_intent_parse (text, SB_DATE_ORDER_DMY, &intent);
    assert_int_equal (intent.intent, SB_INTENT_UNKNOWN);
    //  Malformed UTF-8 is read as word bytes, nothing more
    sb_intent_parse ("\xff\xfe hours \xc3", SB_DATE_ORDER_DMY, &intent);
    assert_int_equal (intent.intent, SB_INTENT_CHECK_HOURS);
    sb_intent_parse (NULL, SB_DATE_ORDER_DMY, &intent);
    assert_int_equal (intent.intent, SB_INTENT_UNKNOWN);
    free (text);
}

//  Resolves text's period at today (YYYY-MM-DD) and checks from and to.
static void
s_period_is (const char *text, const char *today, const char *from, const char *to)
{
    sb_intent_t intent;
    sb_intent_parse (text, SB_DATE_ORDER_DMY, &intent);
    int32_t day;
    assert_int_equal (sb_date_parse (today, &day), 0);
    sb_period_t period;
    sb_period_resolve (&intent, day, &period);
    json_t *dates = sb_period_json (&period);
    print_message ("  %s at %s\n", text, today);
    assert_string_equal (json_string_value (json_object_get (dates, "from_date")), from);
    assert_string_equal (json_string_value (json_object_get (dates, "to_date")), to);
    json_decref (dates);
}

static void
test_periods (void **state)
{
    (void) state;
    //  Thursday 5 March 2026
    s_period_is ("hours", "2026-03-05", "2026-03-05", "2026-03-05");
    s_period_is ("hours today", "2026-03-05", "2026-03-05", "2026-03-05");
    s_period_is ("hours yesterday", "2026-03-05", "2026-03-04", "2026-03-04");
    s_period_is ("hours this week", "2026-03-05", "2026-03-02", "2026-03-08");
    s_period_is ("hours last week", "2026-03-05", "2026-02-23", "2026-03-01");
    s_period_is ("hours on monday", "2026-03-05", "2026-03-02", "2026-03-02");
    s_period_is ("hours on thursday", "2026-03-05", "2026-03-05", "2026-03-05");
    s_period_is ("hours on friday", "2026-03-05", "2026-02-27", "2026-02-27");
    s_period_is ("hours last monday", "2026-03-05", "2026-02-23", "2026-02-23");
    s_period_is ("hours last sunday", "2026-03-05", "2026-03-01", "2026-03-01");
    s_period_is ("hours on march 5", "2026-03-05", "2026-03-05", "2026-03-05");
    s_period_is ("hours on march 6", "2026-03-05", "2025-03-06", "2025-03-06");
    s_period_is ("hours on 5 march 2027", "2026-03-05", "2027-03-05", "2027-03-05");
    s_period_is ("hours this month", "2026-03-05", "2026-03-01", "2026-03-31");
    s_period_is ("hours last month", "2026-03-05", "2026-02-01", "2026-02-28");
    s_period_is ("hours in march", "2026-03-05", "2026-03-01", "2026-03-31");
    s_period_is ("hours in april", "2026-03-05", "2025-04-01", "2025-04-30");
    s_period_is ("hours in february 2024", "2026-03-05", "2024-02-01", "2024-02-29");
    //  Sunday: still this week, Monday to Sunday
    s_period_is ("hours this week", "2026-03-08", "2026-03-02", "2026-03-08");
    s_period_is ("hours last week", "2026-03-08", "2026-02-23", "2026-03-01");
    //  Monday: "on monday" is today, "last monday" a week ago
    s_period_is ("hours on monday", "2026-03-09", "2026-03-09", "2026-03-09");
    s_period_is ("hours last monday", "2026-03-09", "2026-03-02", "2026-03-02");
    //  Across the year: a week that straddles it, January's last month
    s_period_is ("hours this week", "2026-01-01", "2025-12-29", "2026-01-04");
    s_period_is ("hours last month", "2026-01-15", "2025-12-01", "2025-12-31");
    s_period_is ("hours in december", "2026-01-15", "2025-12-01", "2025-12-31");
    //  29 February: the latest leap year's
    s_period_is ("hours on 29 feb", "2026-03-05", "2024-02-29", "2024-02-29");
    s_period_is ("hours on 29 feb", "2028-02-29", "2028-02-29", "2028-02-29");
    //  A range as the LLM gives it, and a bad one read as today
    sb_intent_t intent;
    memset (&intent, 0, sizeof intent);
    intent.period = SB_PERIOD_RANGE;
    strcpy (intent.from_date, "2026-02-26");
    strcpy (intent.to_date, "2026-03-03");
    int32_t today = sb_date_from_civil (2026, 3, 5);
    sb_period_t period;
    sb_period_resolve (&intent, today, &period);
    assert_int_equal (period.from, sb_date_from_civil (2026, 2, 26));
    assert_int_equal (period.to, sb_date_from_civil (2026, 3, 3));
    assert_false (sb_period_single_day (&period));
    strcpy (intent.to_date, "2026-02-25");
    sb_period_resolve (&intent, today, &period);
    assert_int_equal (period.from, today);
    assert_true (sb_period_single_day (&period));
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_check_hours_periods),
        cmocka_unit_test (test_date_order),
        cmocka_unit_test (test_missing_submit_help_greeting),
        cmocka_unit_test (test_log_hours),
        cmocka_unit_test (test_follow_ups),
        cmocka_unit_test (test_entities_round_trip),
        cmocka_unit_test (test_names),
        cmocka_unit_test (test_limits),
        cmocka_unit_test (test_periods),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
