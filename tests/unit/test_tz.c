/*  test_tz.c — time zones: known answers from the system's zoneinfo
    (daylight switches of 2026 in London, New York and Lord Howe, India's
    half hour, 2100 through the footer), slim files (footer only) agreeing
    with fat ones, gaps and overlaps, the footer's rule forms, and TZif
    bytes and names that are refused with a reason.

    The zoneinfo files are the system's (tzdata); without them the test
    exits 77 (skipped), which CI counts as a failure.                     */

#include "sb_tz.h"
#include "sb_date.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define S_HOUR 3600

//  Unix seconds of a UT civil time.
static int64_t
s_utc (int year, int month, int day, int hour, int minute)
{
    return (int64_t) sb_date_from_civil (year, month, day) * 86400 + hour * S_HOUR + minute * 60;
}

static sb_tz_t *
s_load (const char *name)
{
    char err [256] = "";
    sb_tz_t *zone = sb_tz_load (name, err, sizeof err);
    if (!zone)
        fail_msg ("%s", err);
    assert_string_equal (sb_tz_name (zone), name);
    return zone;
}

//  Asserts the offset is before just before instant and after from it on.
static void
s_assert_switch (const sb_tz_t *zone, int64_t instant, int32_t before, int32_t after)
{
    assert_int_equal (sb_tz_offset (zone, instant - 1), before);
    assert_int_equal (sb_tz_offset (zone, instant), after);
    assert_int_equal (sb_tz_offset (zone, instant + 1), after);
}

//  --------------------------------------------------------------------------
//  A TZif writer for synthetic files

typedef struct {
    uint8_t bytes [4096];
    size_t size;
} s_file_t;

static void
s_put32 (s_file_t *file, uint32_t value)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        file->bytes [file->size++] = (uint8_t) (value >> shift);
}

static void
s_put (s_file_t *file, const void *data, size_t size)
{
    if (size)                   //  memcpy wants a pointer even for nothing
        memcpy (file->bytes + file->size, data, size);
    file->size += size;
}

//  A header and data block: count transitions at times (time_size bytes
//  each) into types with offsets (designation "ZZZ" each).
static void
s_block (s_file_t *file, char version, unsigned time_size, const int64_t *times,
         const uint8_t *indexes, uint32_t count, const int32_t *offsets, uint32_t types)
{
    s_put (file, "TZif", 4);
    file->bytes [file->size++] = (uint8_t) version;
    memset (file->bytes + file->size, 0, 15);
    file->size += 15;
    const uint32_t counts [6] = { 0, 0, 0, count, types, 4 };
    for (int index = 0; index < 6; index++)
        s_put32 (file, counts [index]);
    for (uint32_t index = 0; index < count; index++) {
        if (time_size == 8)
            s_put32 (file, (uint32_t) ((uint64_t) times [index] >> 32));
        s_put32 (file, (uint32_t) times [index]);
    }
    s_put (file, indexes, count);
    for (uint32_t index = 0; index < types; index++) {
        s_put32 (file, (uint32_t) offsets [index]);
        const uint8_t rest [2] = { (uint8_t) (index > 0), 0 };
        s_put (file, rest, 2);
    }
    s_put (file, "ZZZ", 4);
}

//  A version 2 file: an empty version 1 block, then the transitions and
//  the footer (without its newlines).
static void
s_build (s_file_t *file, const int64_t *times, const uint8_t *indexes, uint32_t count,
         const int32_t *offsets, uint32_t types, const char *footer)
{
    file->size = 0;
    s_block (file, '2', 4, NULL, NULL, 0, offsets, 1);
    s_block (file, '2', 8, times, indexes, count, offsets, types);
    file->bytes [file->size++] = '\n';
    s_put (file, footer, strlen (footer));
    file->bytes [file->size++] = '\n';
}

static sb_tz_t *
s_parse_footer (const char *footer)
{
    s_file_t file;
    const int32_t offsets [1] = { 0 };
    s_build (&file, NULL, NULL, 0, offsets, 1, footer);
    char err [256] = "";
    sb_tz_t *zone = sb_tz_parse (file.bytes, file.size, footer, err, sizeof err);
    if (!zone)
        fail_msg ("%s", err);
    return zone;
}

//  Asserts bytes are refused with a reason that holds needle.
static void
s_assert_refused (const uint8_t *bytes, size_t size, const char *needle)
{
    char err [256] = "";
    sb_tz_t *zone = sb_tz_parse (bytes, size, "bad", err, sizeof err);
    if (zone)
        fail_msg ("accepted; expected a refusal naming '%s'", needle);
    if (!strstr (err, needle) || strncmp (err, "zone 'bad': ", 12))
        fail_msg ("reason '%s' does not name '%s'", err, needle);
}

//  --------------------------------------------------------------------------

static void
test_london_2026 (void **state)
{
    (void) state;
    sb_tz_t *zone = s_load ("Europe/London");
    s_assert_switch (zone, s_utc (2026, 3, 29, 1, 0), 0, S_HOUR);
    s_assert_switch (zone, s_utc (2026, 10, 25, 1, 0), S_HOUR, 0);
    sb_tz_civil_t civil;
    sb_tz_civil (zone, s_utc (2026, 3, 29, 1, 0) * 1000, &civil);
    assert_int_equal (civil.year, 2026);
    assert_int_equal (civil.month, 3);
    assert_int_equal (civil.day, 29);
    assert_int_equal (civil.hour, 2);
    assert_int_equal (civil.minute, 0);
    assert_int_equal (civil.weekday, 0);
    assert_int_equal (civil.days, sb_date_from_civil (2026, 3, 29));
    //  Late on a summer evening UT is the next day in London
    sb_tz_civil (zone, s_utc (2026, 7, 5, 23, 30) * 1000 + 999, &civil);
    assert_int_equal (civil.day, 6);
    assert_int_equal (civil.hour, 0);
    assert_int_equal (civil.minute, 30);
    assert_int_equal (civil.second, 0);
    assert_int_equal (civil.weekday, 1);
    sb_tz_destroy (&zone);
    assert_null (zone);
    sb_tz_destroy (&zone);
}

static void
test_new_york_2026 (void **state)
{
    (void) state;
    sb_tz_t *zone = s_load ("America/New_York");
    s_assert_switch (zone, s_utc (2026, 3, 8, 7, 0), -5 * S_HOUR, -4 * S_HOUR);
    s_assert_switch (zone, s_utc (2026, 11, 1, 6, 0), -4 * S_HOUR, -5 * S_HOUR);
    //  Before 1970, and before the first transition (local mean time)
    assert_int_equal (sb_tz_offset (zone, s_utc (1960, 1, 15, 12, 0)), -5 * S_HOUR);
    assert_int_equal (sb_tz_offset (zone, s_utc (1800, 1, 1, 0, 0)), -17762);
    sb_tz_civil_t civil;
    sb_tz_civil (zone, -1, &civil);     //  1969-12-31 18:59:59.999 EST
    assert_int_equal (civil.year, 1969);
    assert_int_equal (civil.hour, 18);
    assert_int_equal (civil.second, 59);
    assert_int_equal (civil.days, -1);
    sb_tz_destroy (&zone);
}

static void
test_half_hours (void **state)
{
    (void) state;
    sb_tz_t *zone = s_load ("Asia/Kolkata");
    assert_int_equal (sb_tz_offset (zone, s_utc (2026, 1, 1, 0, 0)), 19800);
    assert_int_equal (sb_tz_offset (zone, s_utc (2026, 7, 1, 0, 0)), 19800);
    assert_int_equal (sb_tz_offset (zone, s_utc (2100, 7, 1, 0, 0)), 19800);
    sb_tz_civil_t civil;
    sb_tz_civil (zone, s_utc (2026, 3, 1, 18, 45) * 1000, &civil);
    assert_int_equal (civil.day, 2);
    assert_int_equal (civil.hour, 0);
    assert_int_equal (civil.minute, 15);
    sb_tz_destroy (&zone);

    //  Lord Howe: +10:30 standard, half an hour of daylight saving
    zone = s_load ("Australia/Lord_Howe");
    s_assert_switch (zone, s_utc (2026, 4, 4, 15, 0), 11 * S_HOUR, 37800);
    s_assert_switch (zone, s_utc (2026, 10, 3, 15, 30), 37800, 11 * S_HOUR);
    s_assert_switch (zone, s_utc (2100, 4, 3, 15, 0), 11 * S_HOUR, 37800);
    s_assert_switch (zone, s_utc (2100, 10, 2, 15, 30), 37800, 11 * S_HOUR);
    sb_tz_destroy (&zone);
}

static void
test_past_the_table (void **state)
{
    (void) state;
    //  The fat files' tables end in 2037: 2100 comes from the footer
    sb_tz_t *zone = s_load ("Europe/London");
    s_assert_switch (zone, s_utc (2100, 3, 28, 1, 0), 0, S_HOUR);
    s_assert_switch (zone, s_utc (2100, 10, 31, 1, 0), S_HOUR, 0);
    sb_tz_destroy (&zone);
    zone = s_load ("America/New_York");
    s_assert_switch (zone, s_utc (2100, 3, 14, 7, 0), -5 * S_HOUR, -4 * S_HOUR);
    s_assert_switch (zone, s_utc (2100, 11, 7, 6, 0), -4 * S_HOUR, -5 * S_HOUR);
    //  Far beyond: no overflow, still the rule
    assert_int_equal (sb_tz_offset (zone, s_utc (9999, 7, 1, 0, 0)), -4 * S_HOUR);
    int32_t last = sb_tz_offset (zone, INT64_MAX);
    assert_true (last == -5 * S_HOUR || last == -4 * S_HOUR);
    assert_int_equal (sb_tz_offset (zone, INT64_MIN), -17762);
    sb_tz_civil_t civil;
    sb_tz_civil (zone, INT64_MAX, &civil);
    assert_int_equal (civil.year, 9999);
    sb_tz_destroy (&zone);
}

//  A slim file (the footer alone) answers as the fat file does, hour by
//  hour over ten years of the fat file's table.
static void
test_slim_agrees_with_fat (void **state)
{
    (void) state;
    const char *names [3] = { "Europe/London", "America/New_York", "Australia/Lord_Howe" };
    const char *footers [3] = { "GMT0BST,M3.5.0/1,M10.5.0", "EST5EDT,M3.2.0,M11.1.0",
                                "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0" };
    for (int index = 0; index < 3; index++) {
        sb_tz_t *fat = s_load (names [index]);
        sb_tz_t *slim = s_parse_footer (footers [index]);
        for (int64_t at = s_utc (2026, 1, 1, 0, 0); at < s_utc (2036, 1, 1, 0, 0); at += 1800)
            if (sb_tz_offset (fat, at) != sb_tz_offset (slim, at))
                fail_msg ("%s at %lld: fat %d, slim %d", names [index], (long long) at,
                          sb_tz_offset (fat, at), sb_tz_offset (slim, at));
        sb_tz_destroy (&fat);
        sb_tz_destroy (&slim);
    }
}

//  The instant, in Unix seconds, of a local civil time in zone.
static int64_t
s_local (const sb_tz_t *zone, int year, int month, int day, int hour, int minute)
{
    int32_t days = sb_date_from_civil (year, month, day);
    int64_t instant_ms = sb_tz_instant_ms (zone, days, hour, minute);
    assert_int_equal (instant_ms % 1000, 0);
    return instant_ms / 1000;
}

static void
test_gap_and_overlap (void **state)
{
    (void) state;
    sb_tz_t *zone = s_load ("America/New_York");
    //  Ordinary times, either side
    assert_int_equal (s_local (zone, 2026, 3, 8, 1, 59), s_utc (2026, 3, 8, 6, 59));
    assert_int_equal (s_local (zone, 2026, 3, 8, 3, 0), s_utc (2026, 3, 8, 7, 0));
    //  The gap: 02:30 does not exist, read as EST it is 03:30 EDT
    assert_int_equal (s_local (zone, 2026, 3, 8, 2, 30), s_utc (2026, 3, 8, 7, 30));
    //  The overlap: 01:30 happens twice, the first (EDT) wins
    assert_int_equal (s_local (zone, 2026, 11, 1, 1, 30), s_utc (2026, 11, 1, 5, 30));
    assert_int_equal (s_local (zone, 2026, 11, 1, 2, 0), s_utc (2026, 11, 1, 7, 0));
    //  Round trip over a year at every quarter hour outside the gap
    sb_tz_civil_t civil;
    for (int64_t at = s_utc (2026, 1, 1, 0, 0); at < s_utc (2027, 1, 1, 0, 0); at += 900) {
        sb_tz_civil (zone, at * 1000, &civil);
        int64_t back = sb_tz_instant_ms (zone, civil.days, civil.hour, civil.minute);
        bool second_of_overlap = at >= s_utc (2026, 11, 1, 6, 0) && at < s_utc (2026, 11, 1, 7, 0);
        assert_int_equal (back, (second_of_overlap? at - S_HOUR: at) * 1000);
    }
    sb_tz_destroy (&zone);

    zone = s_load ("Europe/London");
    assert_int_equal (s_local (zone, 2026, 3, 29, 1, 30), s_utc (2026, 3, 29, 1, 30));
    assert_int_equal (s_local (zone, 2026, 10, 25, 1, 30), s_utc (2026, 10, 25, 0, 30));
    //  Midnight of a day in summer, and 24:00 is the next midnight
    assert_int_equal (s_local (zone, 2026, 7, 6, 0, 0), s_utc (2026, 7, 5, 23, 0));
    assert_int_equal (s_local (zone, 2026, 7, 6, 24, 0), s_utc (2026, 7, 6, 23, 0));
    sb_tz_destroy (&zone);

    zone = s_load ("Australia/Lord_Howe");     //  a half-hour gap: 02:00-02:30
    assert_int_equal (s_local (zone, 2026, 10, 4, 2, 15), s_utc (2026, 10, 3, 15, 45));
    sb_tz_destroy (&zone);
}

static void
test_utc_and_tzdir (void **state)
{
    (void) state;
    char err [256] = "";
    //  UTC needs no file, even with a zone folder that has nothing
    setenv ("TZDIR", "/nonexistent-zoneinfo", 1);
    sb_tz_t *zone = sb_tz_load ("UTC", err, sizeof err);
    assert_non_null (zone);
    assert_int_equal (sb_tz_offset (zone, s_utc (2026, 6, 1, 0, 0)), 0);
    assert_int_equal (s_local (zone, 2026, 6, 1, 12, 0), s_utc (2026, 6, 1, 12, 0));
    sb_tz_destroy (&zone);
    assert_null (sb_tz_load ("Europe/London", err, sizeof err));
    assert_non_null (strstr (err, "zone 'Europe/London': cannot open /nonexistent-zoneinfo/"
                                  "Europe/London"));
    //  $TZDIR names the folder
    char folder [] = "/tmp/test_tz.XXXXXX";
    assert_non_null (mkdtemp (folder));
    char path [256];
    snprintf (path, sizeof path, "%s/Test_Zone", folder);
    s_file_t file;
    const int32_t offsets [1] = { 0 };
    s_build (&file, NULL, NULL, 0, offsets, 1, "<+0530>-5:30");
    FILE *out = fopen (path, "wb");
    assert_non_null (out);
    assert_int_equal (fwrite (file.bytes, 1, file.size, out), file.size);
    fclose (out);
    setenv ("TZDIR", folder, 1);
    zone = sb_tz_load ("Test_Zone", err, sizeof err);
    assert_non_null (zone);
    assert_int_equal (sb_tz_offset (zone, 0), 19800);
    sb_tz_destroy (&zone);
    remove (path);
    rmdir (folder);
    unsetenv ("TZDIR");
}

static void
test_names_refused (void **state)
{
    (void) state;
    const char *cases [][2] = {
        { "../../etc/passwd", "'..' in the name" },
        { "Europe/../../etc/passwd", "'..' in the name" },
        { "/etc/localtime", "absolute path" },
        { "", "empty name" },
        { "Europe/London\n", "characters outside" },
        { "Europe London", "characters outside" },
        { "Europe/Lon.don", "characters outside" },
        { "No/Such_Zone", "cannot open" },
        { "Europe", "cannot read" },            //  a folder
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        char err [256] = "";
        sb_tz_t *zone = sb_tz_load (cases [index][0], err, sizeof err);
        assert_null (zone);
        if (!strstr (err, cases [index][1]) || strncmp (err, "zone '", 6))
            fail_msg ("'%s': reason '%s' does not say '%s'", cases [index][0], err,
                      cases [index][1]);
    }
    char err [256] = "";
    assert_null (sb_tz_load (NULL, err, sizeof err));
}

static void
test_footer_forms (void **state)
{
    (void) state;
    //  Jn: day n of 365 (J60 is March 1 even in leap years); n counts Feb 29
    sb_tz_t *zone = s_parse_footer ("AAA-1BBB,J60/0,300");
    s_assert_switch (zone, s_utc (2028, 3, 1, 0, 0) - S_HOUR, S_HOUR, 2 * S_HOUR);
    s_assert_switch (zone, s_utc (2027, 3, 1, 0, 0) - S_HOUR, S_HOUR, 2 * S_HOUR);
    //  300 (0-based) is October 27 in 2028, October 28 in 2027; 02:00 BBB
    s_assert_switch (zone, s_utc (2028, 10, 27, 0, 0), 2 * S_HOUR, S_HOUR);
    s_assert_switch (zone, s_utc (2027, 10, 28, 0, 0), 2 * S_HOUR, S_HOUR);
    sb_tz_destroy (&zone);
    //  Explicit daylight offset, negative and over-24h rule times (v3)
    zone = s_parse_footer ("<-03>3<-02>2:30,M3.5.0/-2,M10.5.0/26");
    s_assert_switch (zone, s_utc (2026, 3, 28, 22 + 3, 0), -3 * S_HOUR, -9000);
    s_assert_switch (zone, s_utc (2026, 10, 26, 2, 0) + 9000, -9000, -3 * S_HOUR);
    sb_tz_destroy (&zone);
    //  Daylight all year: ends on Dec 31 at 25:00, where next year's starts
    zone = s_parse_footer ("EST5EDT,0/0,J365/25");
    for (int year = 2026; year < 2030; year++)
        for (int month = 1; month <= 12; month++)
            assert_int_equal (sb_tz_offset (zone, s_utc (year, month, 1, 5, 0)), -4 * S_HOUR);
    sb_tz_destroy (&zone);
    //  No rule given: POSIX leaves it open, tzcode uses the US rule
    zone = s_parse_footer ("EST5EDT");
    s_assert_switch (zone, s_utc (2026, 3, 8, 7, 0), -5 * S_HOUR, -4 * S_HOUR);
    sb_tz_destroy (&zone);
    //  Standard time only; week 5 is the last such weekday
    zone = s_parse_footer ("<+14>-14");
    assert_int_equal (sb_tz_offset (zone, 0), 14 * S_HOUR);
    sb_tz_destroy (&zone);
    zone = s_parse_footer ("XXX0YYY,M2.5.0,M11.5.6");
    s_assert_switch (zone, s_utc (2026, 2, 22, 2, 0), 0, S_HOUR);
    s_assert_switch (zone, s_utc (2026, 11, 28, 1, 0), S_HOUR, 0);
    sb_tz_destroy (&zone);
    //  An empty footer: the last transition's type goes on
    zone = s_parse_footer ("");
    assert_int_equal (sb_tz_offset (zone, s_utc (2100, 1, 1, 0, 0)), 0);
    sb_tz_destroy (&zone);
}

static void
test_footers_refused (void **state)
{
    (void) state;
    const char *cases [] = {
        "GMT", "GM0", "GMT0BST,M3.5.0", "GMT0BST,M13.5.0,M10.5.0", "GMT0BST,M3.6.0,M10.5.0",
        "GMT0BST,M3.5.7,M10.5.0", "GMT0BST,J0,J100", "GMT0BST,366,J100", "GMT25",
        "GMT0BST,M3.5.0/168,M10.5.0", "GMT0BST,M3.5.0,M10.5.0x", "<GMT0", "<+1>1",
        "GMT0:60", "GMT0BST,M3.5.0/1:60,M10.5.0", "GMT+", "GMT0BS", "GMT0,M3.5.0,M10.5.0",
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        s_file_t file;
        const int32_t offsets [1] = { 0 };
        s_build (&file, NULL, NULL, 0, offsets, 1, cases [index]);
        s_assert_refused (file.bytes, file.size, "footer '");
    }
}

//  Builds a valid two-transition file, then breaks it byte by byte.
static void
test_bytes_refused (void **state)
{
    (void) state;
    s_file_t good, file;
    const int64_t times [2] = { 1000, 2000 };
    const uint8_t indexes [2] = { 1, 0 };
    const int32_t offsets [2] = { 0, 3600 };
    s_build (&good, times, indexes, 2, offsets, 2, "ZZZ0");
    char err [256] = "";
    sb_tz_t *zone = sb_tz_parse (good.bytes, good.size, "good", err, sizeof err);
    assert_non_null (zone);
    assert_int_equal (sb_tz_offset (zone, 999), 0);
    assert_int_equal (sb_tz_offset (zone, 1000), 3600);
    assert_int_equal (sb_tz_offset (zone, 2000), 0);
    sb_tz_destroy (&zone);

    //  The second block's header starts after the empty first block
    size_t second = 44 + 6 + 4, counts = second + 20, data = second + 44;
    s_assert_refused (NULL, 0, "header at byte 0: truncated");
    s_assert_refused ((const uint8_t *) "TZif2", 5, "header at byte 0: truncated");
    memcpy (&file, &good, sizeof file);
    file.bytes [0] = 'X';
    s_assert_refused (file.bytes, file.size, "no TZif magic");
    memcpy (&file, &good, sizeof file);
    file.bytes [4] = '9';
    s_assert_refused (file.bytes, file.size, "unknown version byte 0x39");
    memcpy (&file, &good, sizeof file);
    file.bytes [second + 4] = '3';
    s_assert_refused (file.bytes, file.size, "second header at byte 54: version 0x33");
    s_assert_refused (good.bytes, 50, "version 1 block at byte 44: truncated");
    s_assert_refused (good.bytes, data + 5, "data block at byte 98: truncated");
    //  timecnt far beyond the bytes
    memcpy (&file, &good, sizeof file);
    file.bytes [counts + 12] = 0x7f;
    s_assert_refused (file.bytes, file.size, "truncated");
    //  typecnt 0, and over 256
    memcpy (&file, &good, sizeof file);
    memset (file.bytes + counts + 16, 0, 4);
    s_assert_refused (file.bytes, file.size, "typecnt 0 is not in 1..256");
    //  Transitions not ascending
    memcpy (&file, &good, sizeof file);
    file.bytes [data + 8 + 6] = 0x03;   //  the second becomes 768
    file.bytes [data + 8 + 7] = 0x00;
    s_assert_refused (file.bytes, file.size, "transition 1 at byte 106: not after");
    //  A type index past typecnt
    memcpy (&file, &good, sizeof file);
    file.bytes [data + 16] = 2;
    s_assert_refused (file.bytes, file.size, "transition 0 at byte 114: type 2 is not below");
    //  An offset beyond 25 hours, isdst 2, a designation past charcnt
    size_t types = data + 18;
    memcpy (&file, &good, sizeof file);
    file.bytes [types] = 0x7f;
    s_assert_refused (file.bytes, file.size, "type 0 at byte 116: UT offset");
    memcpy (&file, &good, sizeof file);
    file.bytes [types + 4] = 2;
    s_assert_refused (file.bytes, file.size, "isdst 2 is not 0 or 1");
    memcpy (&file, &good, sizeof file);
    file.bytes [types + 5] = 4;
    s_assert_refused (file.bytes, file.size, "designation index 4");
    memcpy (&file, &good, sizeof file);
    file.bytes [types + 12 + 3] = 'Z';  //  "ZZZ" loses its NUL
    s_assert_refused (file.bytes, file.size, "designation index 0 has no NUL-terminated");
    //  Leap seconds, isstdcnt neither 0 nor typecnt
    memcpy (&file, &good, sizeof file);
    file.bytes [counts + 11] = 1;
    s_assert_refused (file.bytes, file.size, "leap-second");
    memcpy (&file, &good, sizeof file);
    file.bytes [counts + 7] = 1;
    s_assert_refused (file.bytes, file.size, "isstdcnt 1 are neither 0 nor typecnt 2");
    //  Footer: missing, unterminated, trailing bytes
    s_assert_refused (good.bytes, good.size - 6, "footer at byte 132: not a TZ string");
    s_assert_refused (good.bytes, good.size - 1, "footer at byte 132: not a TZ string");
    memcpy (&file, &good, sizeof file);
    file.bytes [file.size++] = 'x';
    s_assert_refused (file.bytes, file.size, "1 bytes after the end at byte 138");
    memcpy (&file, &good, sizeof file);
    file.bytes [good.size - 3] = 0;
    s_assert_refused (file.bytes, file.size, "holds a NUL byte");
}

//  A version 1 file: 32-bit times, no footer.
static void
test_version_1 (void **state)
{
    (void) state;
    s_file_t file = { .size = 0 };
    const int64_t times [1] = { -100 };
    const uint8_t indexes [1] = { 1 };
    const int32_t offsets [2] = { 0, -7200 };
    s_block (&file, 0, 4, times, indexes, 1, offsets, 2);
    char err [256] = "";
    sb_tz_t *zone = sb_tz_parse (file.bytes, file.size, "v1", err, sizeof err);
    assert_non_null (zone);
    assert_int_equal (sb_tz_offset (zone, -101), 0);
    assert_int_equal (sb_tz_offset (zone, -100), -7200);
    assert_int_equal (sb_tz_offset (zone, s_utc (2100, 1, 1, 0, 0)), -7200);
    sb_tz_destroy (&zone);
    file.bytes [file.size++] = '\n';
    s_assert_refused (file.bytes, file.size, "1 bytes after the end");
}

int
main (void)
{
    char err [256] = "";
    sb_tz_t *probe = sb_tz_load ("Europe/London", err, sizeof err);
    if (!probe) {
        fprintf (stderr, "SKIP: no zoneinfo (install tzdata): %s\n", err);
        return 77;
    }
    sb_tz_destroy (&probe);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_london_2026),
        cmocka_unit_test (test_new_york_2026),
        cmocka_unit_test (test_half_hours),
        cmocka_unit_test (test_past_the_table),
        cmocka_unit_test (test_slim_agrees_with_fat),
        cmocka_unit_test (test_gap_and_overlap),
        cmocka_unit_test (test_utc_and_tzdir),
        cmocka_unit_test (test_names_refused),
        cmocka_unit_test (test_footer_forms),
        cmocka_unit_test (test_footers_refused),
        cmocka_unit_test (test_bytes_refused),
        cmocka_unit_test (test_version_1),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
