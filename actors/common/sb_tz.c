/*  sb_tz.c — time zones from TZif files (RFC 8536): the transition table
    of the 64-bit data block (the 32-bit one for version 1 files), and the
    POSIX TZ footer rule for instants after the last transition.

    A zone is immutable once parsed, so threads may share one.            */

#include "sb_tz.h"
#include "sb_date.h"
#include "sb_error.h"
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_HEADER_SIZE   44
#define S_MAX_TYPES     256             //  type indices are one byte
#define S_MAX_OFFSET    89999           //  RFC 9636: offsets in -89999..93599;
#define S_MIN_OFFSET    (-89999)        //  POSIX footers reach 24:59:59
#define S_MAX_FILE      (64 * 1024)     //  real files are under 4 KiB
#define S_DAY           86400
//  Instants are clamped to about +-34,000 years so that the footer's year
//  arithmetic stays in range; civil times to the years sb_date knows.
#define S_CLAMP         ((int64_t) 1 << 40)
#define S_CIVIL_MIN     (-62135596800LL)        //  0001-01-01T00:00:00Z
#define S_CIVIL_MAX     SB_DATE_SECONDS_MAX

//  One day of a footer rule: Jn (1..365, February 29 never counted),
//  n (0..365, counted), or Mm.w.d (month, week 1..5 with 5 the last,
//  weekday 0 Sunday); time is seconds after local midnight (-167h..167h).
typedef enum { S_JULIAN1, S_JULIAN0, S_MONTH_WEEK } s_day_kind_t;
typedef struct {
    s_day_kind_t kind;
    int day, week, month;
    int32_t time;
} s_when_t;

//  The footer: standard offset, and if the zone has daylight time, its
//  offset and when it starts and ends each year (offsets east of UTC).
typedef struct {
    int32_t std_offset;
    bool has_dst;
    int32_t dst_offset;
    s_when_t start, end;
} s_rule_t;

struct _sb_tz_t {
    char *name;
    int64_t *times;             //  transition instants, strictly ascending
    uint8_t *indexes;           //  the type in force from each transition
    size_t time_count;
    int32_t offsets [S_MAX_TYPES];
    size_t type_count;
    bool has_rule;              //  a non-empty footer
    s_rule_t rule;
};

//  --------------------------------------------------------------------------
//  Reading bytes from outside: every read is checked against the size

typedef struct {
    const uint8_t *data;
    size_t size, at;
} s_reader_t;

static uint32_t
s_u32 (const uint8_t *at)
{
    return (uint32_t) at [0] << 24 | (uint32_t) at [1] << 16 | (uint32_t) at [2] << 8 | at [3];
}

static int64_t
s_i64 (const uint8_t *at)
{
    return (int64_t) ((uint64_t) s_u32 (at) << 32 | s_u32 (at + 4));
}

//  Writes "zone 'name': <why>" into err; returns NULL for the caller.
static void *
s_refuse (char *err, size_t errlen, const char *name, const char *format, ...) SB_PRINTF (4, 5);
static void *
s_refuse (char *err, size_t errlen, const char *name, const char *format, ...)
{
    char why [200];
    va_list args;
    va_start (args, format);
    vsnprintf (why, sizeof why, format, args);
    va_end (args);
    snprintf (err, errlen, "zone '%.64s': %s", name, why);
    return NULL;
}

//  The six counts of a header, in the file's order.
typedef struct {
    char version;               //  0, '2', '3' or '4'
    uint32_t isut, isstd, leap, time, type, chars;
} s_header_t;

//  Reads a header at reader->at. Returns 0, or -1 with why in err.
static int
s_read_header (s_reader_t *reader, s_header_t *header, char *why, size_t whylen)
{
    if (reader->size - reader->at < S_HEADER_SIZE)
        return sb_error_set (why, whylen, "header at byte %zu: truncated (%zu bytes left, need %d)",
                             reader->at, reader->size - reader->at, S_HEADER_SIZE);
    const uint8_t *at = reader->data + reader->at;
    if (memcmp (at, "TZif", 4))
        return sb_error_set (why, whylen, "header at byte %zu: no TZif magic", reader->at);
    header->version = (char) at [4];
    if (header->version != 0 && (header->version < '2' || header->version > '4'))
        return sb_error_set (why, whylen, "header at byte %zu: unknown version byte 0x%02x",
                             reader->at, at [4]);
    header->isut = s_u32 (at + 20);
    header->isstd = s_u32 (at + 24);
    header->leap = s_u32 (at + 28);
    header->time = s_u32 (at + 32);
    header->type = s_u32 (at + 36);
    header->chars = s_u32 (at + 40);
    reader->at += S_HEADER_SIZE;
    return 0;
}

//  The size of the data block that follows header, with time_size-byte
//  instants (4 in version 1 blocks, 8 after).
static uint64_t
s_block_size (const s_header_t *header, unsigned time_size)
{
    return (uint64_t) header->time * time_size + header->time
         + (uint64_t) header->type * 6 + header->chars
         + (uint64_t) header->leap * (time_size + 4) + header->isstd + header->isut;
}

//  Checks the header's counts against each other and against the bytes
//  left. Returns 0, or -1 with why in err.
static int
s_check_counts (const s_reader_t *reader, const s_header_t *header, unsigned time_size,
                char *why, size_t whylen)
{
    uint64_t need = s_block_size (header, time_size);
    if (header->leap)   //  before the size: their records are not read
        return sb_error_set (why, whylen, "%" PRIu32 " leap-second records: leap-second "
                             "zones (right/...) are not supported", header->leap);
    if (need > reader->size - reader->at)
        return sb_error_set (why, whylen, "data block at byte %zu: truncated (%zu bytes left, "
                             "the counts need %" PRIu64 ")", reader->at,
                             reader->size - reader->at, need);
    if (header->type == 0 || header->type > S_MAX_TYPES)
        return sb_error_set (why, whylen, "typecnt %" PRIu32 " is not in 1..%d",
                             header->type, S_MAX_TYPES);
    if (header->chars == 0)
        return sb_error_set (why, whylen, "charcnt is 0 (at least one designation is needed)");
    if ((header->isut && header->isut != header->type)
    ||  (header->isstd && header->isstd != header->type))
        return sb_error_set (why, whylen, "isutcnt %" PRIu32 " / isstdcnt %" PRIu32
                             " are neither 0 nor typecnt %" PRIu32,
                             header->isut, header->isstd, header->type);
    return 0;
}

//  Reads the transitions of a data block. Returns 0, or -1 with why.
static int
s_read_times (sb_tz_t *self, const s_reader_t *reader, const s_header_t *header,
              unsigned time_size, char *why, size_t whylen)
{
    const uint8_t *times = reader->data + reader->at;
    const uint8_t *indexes = times + (size_t) header->time * time_size;
    self->time_count = header->time;
    self->times = malloc ((header->time? header->time: 1) * sizeof (int64_t));
    self->indexes = malloc (header->time? header->time: 1);
    if (!self->times || !self->indexes)
        return sb_error_set (why, whylen, "out of memory for %" PRIu32 " transitions",
                             header->time);
    for (size_t index = 0; index < header->time; index++) {
        const uint8_t *at = times + index * time_size;
        int64_t instant = time_size == 8? s_i64 (at): (int64_t) (int32_t) s_u32 (at);
        if (index && instant <= self->times [index - 1])
            return sb_error_set (why, whylen, "transition %zu at byte %zu: not after the one "
                                 "before it", index, reader->at + index * time_size);
        if (indexes [index] >= header->type)
            return sb_error_set (why, whylen, "transition %zu at byte %zu: type %u is not below "
                                 "typecnt %" PRIu32, index,
                                 reader->at + (size_t) (indexes - times) + index,
                                 indexes [index], header->type);
        self->times [index] = instant;
        self->indexes [index] = indexes [index];
    }
    return 0;
}

//  Reads the local time types, their designations and standard/UT
//  indicators. Returns 0, or -1 with why.
static int
s_read_types (sb_tz_t *self, const s_reader_t *reader, const s_header_t *header,
              unsigned time_size, char *why, size_t whylen)
{
    size_t types_at = reader->at + (size_t) header->time * (time_size + 1);
    const uint8_t *types = reader->data + types_at;
    const uint8_t *chars = types + (size_t) header->type * 6;
    const uint8_t *isstd = chars + header->chars;       //  no leap records
    const uint8_t *isut = isstd + header->isstd;
    self->type_count = header->type;
    for (size_t index = 0; index < header->type; index++) {
        const uint8_t *type = types + index * 6;
        int32_t offset = (int32_t) s_u32 (type);
        if (offset < S_MIN_OFFSET || offset > S_MAX_OFFSET)
            return sb_error_set (why, whylen, "type %zu at byte %zu: UT offset %" PRId32
                                 " s is beyond 25 hours", index, types_at + index * 6, offset);
        if (type [4] > 1)
            return sb_error_set (why, whylen, "type %zu at byte %zu: isdst %u is not 0 or 1",
                                 index, types_at + index * 6 + 4, type [4]);
        if (type [5] >= header->chars || !memchr (chars + type [5], 0, header->chars - type [5]))
            return sb_error_set (why, whylen, "type %zu at byte %zu: designation index %u has no "
                                 "NUL-terminated string within charcnt %" PRIu32,
                                 index, types_at + index * 6 + 5, type [5], header->chars);
        bool is_std = header->isstd && isstd [index], is_ut = header->isut && isut [index];
        if ((header->isstd && isstd [index] > 1) || (header->isut && isut [index] > 1)
        ||  (is_ut && !is_std))
            return sb_error_set (why, whylen, "type %zu: standard/UT indicators %u/%u are not "
                                 "0/0, 1/0 or 1/1", index, header->isstd? isstd [index]: 0,
                                 header->isut? isut [index]: 0);
        self->offsets [index] = offset;
    }
    return 0;
}

//  Reads the data block after header into self. Returns 0, or -1 with why.
static int
s_read_block (sb_tz_t *self, s_reader_t *reader, const s_header_t *header,
              unsigned time_size, char *why, size_t whylen)
{
    if (s_check_counts (reader, header, time_size, why, whylen)
    ||  s_read_times (self, reader, header, time_size, why, whylen)
    ||  s_read_types (self, reader, header, time_size, why, whylen))
        return -1;
    reader->at += (size_t) s_block_size (header, time_size);
    return 0;
}

//  --------------------------------------------------------------------------
//  The POSIX TZ footer, e.g. "GMT0BST,M3.5.0/1,M10.5.0" or "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"

//  Reads an unsigned number of at most max at *text. Returns 0, or -1.
static int
s_number (const char **text, int max, int *value)
{
    const char *at = *text;
    long number = 0;
    while (*at >= '0' && *at <= '9' && number <= max)
        number = number * 10 + (*at++ - '0');
    if (at == *text || number > max)
        return -1;
    *value = (int) number;
    *text = at;
    return 0;
}

//  Reads [+-]hh[:mm[:ss]] with hh up to max_hours, as signed seconds.
static int
s_clock (const char **text, int max_hours, int32_t *seconds)
{
    int sign = 1;
    if (**text == '+' || **text == '-')
        sign = *(*text)++ == '-'? -1: 1;
    int hours = 0, minutes = 0, secs = 0;
    if (s_number (text, max_hours, &hours))
        return -1;
    if (**text == ':' && ((*text)++, s_number (text, 59, &minutes)))
        return -1;
    if (**text == ':' && ((*text)++, s_number (text, 59, &secs)))
        return -1;
    *seconds = sign * (hours * 3600 + minutes * 60 + secs);
    return 0;
}

//  Reads a designation: three or more letters, or <...> of letters,
//  digits, '+' and '-'. Returns 0, or -1.
static int
s_designation (const char **text)
{
    const char *at = *text;
    size_t length = 0;
    if (*at == '<') {
        for (at++; (*at >= 'A' && *at <= 'Z') || (*at >= 'a' && *at <= 'z')
                || (*at >= '0' && *at <= '9') || *at == '+' || *at == '-'; at++)
            length++;
        if (*at++ != '>')
            return -1;
    }
    else
        for (; (*at >= 'A' && *at <= 'Z') || (*at >= 'a' && *at <= 'z'); at++)
            length++;
    if (length < 3)
        return -1;
    *text = at;
    return 0;
}

//  Reads ",date[/time]" of a rule. Returns 0, or -1.
static int
s_when (const char **text, s_when_t *when)
{
    if (*(*text)++ != ',')
        return -1;
    int rc = 0;
    if (**text == 'M') {
        (*text)++;
        when->kind = S_MONTH_WEEK;
        rc = s_number (text, 12, &when->month) || when->month < 1 || *(*text)++ != '.'
          || s_number (text, 5, &when->week) || when->week < 1 || *(*text)++ != '.'
          || s_number (text, 6, &when->day);
    }
    else
    if (**text == 'J') {
        (*text)++;
        when->kind = S_JULIAN1;
        rc = s_number (text, 365, &when->day) || when->day < 1;
    }
    else {
        when->kind = S_JULIAN0;
        rc = s_number (text, 365, &when->day);
    }
    when->time = 7200;          //  02:00 local unless given
    if (rc == 0 && **text == '/') {
        (*text)++;
        rc = s_clock (text, 167, &when->time);
    }
    return rc? -1: 0;
}

//  Parses a footer into rule. Returns 0, or -1 with why.
static int
s_parse_rule (const char *text, s_rule_t *rule, char *why, size_t whylen)
{
    const char *at = text;
    int32_t offset;
    memset (rule, 0, sizeof *rule);
    if (s_designation (&at) || s_clock (&at, 24, &offset))
        return sb_error_set (why, whylen, "footer '%.64s': no standard name and offset at "
                             "character %zu", text, (size_t) (at - text));
    rule->std_offset = -offset;         //  POSIX counts west of UT
    if (*at) {
        rule->has_dst = true;
        rule->dst_offset = rule->std_offset + 3600;
        if (s_designation (&at))
            return sb_error_set (why, whylen, "footer '%.64s': bad daylight name at character "
                                 "%zu", text, (size_t) (at - text));
        if (*at && *at != ',') {
            if (s_clock (&at, 24, &offset))
                return sb_error_set (why, whylen, "footer '%.64s': bad daylight offset at "
                                     "character %zu", text, (size_t) (at - text));
            rule->dst_offset = -offset;
        }
        const char *fallback = ",M3.2.0,M11.1.0";       //  POSIX leaves it open; tzcode's
        const char *rules = *at? at: fallback;
        if (s_when (&rules, &rule->start) || s_when (&rules, &rule->end) || *rules)
            return sb_error_set (why, whylen, "footer '%.64s': bad rule at character %zu", text,
                                 (size_t) ((*at? rules: at) - text));
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  The footer's transitions

static bool
s_leap (int year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

//  The day number on which when falls in year.
static int32_t
s_when_day (const s_when_t *when, int year)
{
    int32_t january = sb_date_from_civil (year, 1, 1);
    if (when->kind == S_JULIAN0)
        return january + when->day;
    if (when->kind == S_JULIAN1)
        return january + when->day - 1 + (s_leap (year) && when->day >= 60);
    int32_t first = sb_date_from_civil (year, when->month, 1);
    int32_t day = first + (when->day - sb_date_weekday (first) + 7) % 7 + 7 * (when->week - 1);
    while (day >= first + sb_date_month_days (year, when->month))
        day -= 7;               //  week 5: the last such weekday
    return day;
}

//  The instant when happens in year, its local time read with offset.
static int64_t
s_when_instant (const s_when_t *when, int year, int32_t offset)
{
    return (int64_t) s_when_day (when, year) * S_DAY + when->time - offset;
}

//  The rule's offset at instant: the last of the transitions of the years
//  around it that is not after it (start and end times are read in the
//  time in force before each; on a tie the start wins, so a rule that
//  ends where the next starts is daylight all year).
static int32_t
s_rule_offset (const s_rule_t *rule, int64_t instant)
{
    if (!rule->has_dst)
        return rule->std_offset;
    int year, month, day;
    sb_date_to_civil ((int32_t) (instant / S_DAY), &year, &month, &day);
    int64_t best = INT64_MIN;
    bool dst = false;
    for (int y = year - 1; y <= year + 1; y++) {
        int64_t start = s_when_instant (&rule->start, y, rule->std_offset);
        int64_t end = s_when_instant (&rule->end, y, rule->dst_offset);
        if (end <= instant && end > best)
            best = end, dst = false;
        if (start <= instant && start >= best)
            best = start, dst = true;
    }
    return dst? rule->dst_offset: rule->std_offset;
}

//  --------------------------------------------------------------------------
//  Parsing and loading

//  Reads the footer "\n<TZ string>\n" that ends a version 2+ file; an
//  empty string means no rule. Returns 0, or -1 with why.
static int
s_read_footer (sb_tz_t *self, s_reader_t *reader, char *why, size_t whylen)
{
    const uint8_t *at = reader->data + reader->at;
    size_t left = reader->size - reader->at;
    const uint8_t *close = left > 1? memchr (at + 1, '\n', left - 1): NULL;
    if (!left || at [0] != '\n' || !close)
        return sb_error_set (why, whylen, "footer at byte %zu: not a TZ string between two "
                             "newlines", reader->at);
    size_t length = (size_t) (close - at) - 1;
    char text [256];
    if (length >= sizeof text || memchr (at + 1, 0, length))
        return sb_error_set (why, whylen, "footer at byte %zu: %s", reader->at,
                             length >= sizeof text? "longer than 255 bytes": "holds a NUL byte");
    memcpy (text, at + 1, length);
    text [length] = 0;
    reader->at += length + 2;
    self->has_rule = length > 0;
    return self->has_rule? s_parse_rule (text, &self->rule, why, whylen): 0;
}

sb_tz_t *
sb_tz_parse (const uint8_t *data, size_t size, const char *name, char *err, size_t errlen)
{
    name = name? name: "(unnamed)";
    char why [200] = "";
    s_reader_t reader = { data, data? size: 0, 0 };
    s_header_t header;
    sb_tz_t *self = calloc (1, sizeof *self);
    if (!self || !(self->name = strdup (name))) {
        free (self);
        return s_refuse (err, errlen, name, "out of memory");
    }
    int rc = s_read_header (&reader, &header, why, sizeof why);
    if (rc == 0 && header.version >= '2') {
        //  Skip the version 1 block: the 64-bit block after it is the truth
        uint64_t skip = s_block_size (&header, 4);
        if (skip > reader.size - reader.at)
            rc = sb_error_set (why, sizeof why, "version 1 block at byte %zu: truncated (%zu "
                               "bytes left, the counts need %" PRIu64 ")", reader.at,
                               reader.size - reader.at, skip);
        else {
            char version = header.version;
            reader.at += (size_t) skip;
            rc = s_read_header (&reader, &header, why, sizeof why);
            if (rc == 0 && header.version != version)
                rc = sb_error_set (why, sizeof why, "second header at byte %zu: version 0x%02x, "
                                   "the first said 0x%02x", reader.at - S_HEADER_SIZE,
                                   (unsigned) (uint8_t) header.version,
                                   (unsigned) (uint8_t) version);
        }
    }
    unsigned time_size = header.version >= '2'? 8: 4;
    if (rc == 0)
        rc = s_read_block (self, &reader, &header, time_size, why, sizeof why);
    if (rc == 0 && time_size == 8)
        rc = s_read_footer (self, &reader, why, sizeof why);
    if (rc == 0 && reader.at != reader.size)
        rc = sb_error_set (why, sizeof why, "%zu bytes after the end at byte %zu",
                           reader.size - reader.at, reader.at);
    if (rc) {
        sb_tz_destroy (&self);
        return s_refuse (err, errlen, name, "%s", why);
    }
    return self;
}

//  True if name is an IANA-style name that stays inside the zone folder.
static bool
s_name_safe (const char *name, const char **why)
{
    size_t length = strlen (name);
    *why = !length? "empty name": length > 128? "name longer than 128 bytes"
         : name [0] == '/'? "absolute path": strstr (name, "..")? "'..' in the name": NULL;
    for (const char *at = name; !*why && *at; at++)
        if (!((*at >= 'A' && *at <= 'Z') || (*at >= 'a' && *at <= 'z')
           || (*at >= '0' && *at <= '9') || strchr ("_+-/", *at)))
            *why = "characters outside A-Z a-z 0-9 _ + - /";
    return *why == NULL;
}

//  Reads the whole file at path (at most S_MAX_FILE bytes) into a fresh
//  buffer. Returns it (caller frees), or NULL with why.
static uint8_t *
s_read_file (const char *path, size_t *size, char *why, size_t whylen)
{
    FILE *file = fopen (path, "rb");
    if (!file)
        return snprintf (why, whylen, "cannot open %.200s: %s", path, strerror (errno)), NULL;
    uint8_t *data = malloc (S_MAX_FILE + 1);
    *size = data? fread (data, 1, S_MAX_FILE + 1, file): 0;
    if (!data || ferror (file) || *size > S_MAX_FILE) {
        snprintf (why, whylen, "cannot read %.200s: %s", path, !data? "out of memory"
                  : ferror (file)? strerror (errno): "larger than 64 KiB");
        free (data);
        data = NULL;
    }
    fclose (file);
    return data;
}

//  UTC, without a file: no transitions, one type at offset 0.
static sb_tz_t *
s_utc (void)
{
    sb_tz_t *self = calloc (1, sizeof *self);
    if (self && !(self->name = strdup ("UTC")))
        free (self), self = NULL;
    if (self)
        self->type_count = 1;
    return self;
}

sb_tz_t *
sb_tz_load (const char *name, char *err, size_t errlen)
{
    const char *unsafe = NULL;
    if (!name)
        return s_refuse (err, errlen, "", "no name");
    if (strcmp (name, "UTC") == 0) {
        sb_tz_t *self = s_utc ();
        return self? self: s_refuse (err, errlen, name, "out of memory");
    }
    if (!s_name_safe (name, &unsafe))
        return s_refuse (err, errlen, name, "%s", unsafe);
    const char *folder = getenv ("TZDIR");
    char path [1024], why [300];
    snprintf (path, sizeof path, "%s/%s", folder && *folder? folder: "/usr/share/zoneinfo", name);
    size_t size = 0;
    uint8_t *data = s_read_file (path, &size, why, sizeof why);
    if (!data)
        return s_refuse (err, errlen, name, "%s", why);
    sb_tz_t *self = sb_tz_parse (data, size, name, err, errlen);
    free (data);
    return self;
}

void
sb_tz_destroy (sb_tz_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_tz_t *self = *self_p;
    free (self->name);
    free (self->times);
    free (self->indexes);
    free (self);
    *self_p = NULL;
}

const char *
sb_tz_name (const sb_tz_t *self)
{
    return self->name;
}

//  --------------------------------------------------------------------------
//  Answers

int32_t
sb_tz_offset (const sb_tz_t *self, int64_t utc_s)
{
    utc_s = utc_s < -S_CLAMP? -S_CLAMP: utc_s > S_CLAMP? S_CLAMP: utc_s;
    size_t count = self->time_count;
    if (self->has_rule && (count == 0 || utc_s >= self->times [count - 1]))
        return s_rule_offset (&self->rule, utc_s);
    if (count == 0 || utc_s < self->times [0])
        return self->offsets [0];       //  RFC 8536: type 0 before the first
    size_t low = 0, high = count;       //  the last transition <= utc_s
    while (high - low > 1) {
        size_t middle = low + (high - low) / 2;
        if (self->times [middle] <= utc_s)
            low = middle;
        else
            high = middle;
    }
    return self->offsets [self->indexes [low]];
}

//  Floor division, for instants before 1970.
static int64_t
s_floor_div (int64_t value, int64_t divisor)
{
    return value / divisor - (value % divisor < 0);
}

void
sb_tz_civil (const sb_tz_t *self, int64_t utc_ms, sb_tz_civil_t *civil)
{
    int64_t utc_s = s_floor_div (utc_ms, 1000);
    int64_t local = utc_s + sb_tz_offset (self, utc_s);
    local = local < S_CIVIL_MIN? S_CIVIL_MIN: local > S_CIVIL_MAX? S_CIVIL_MAX: local;
    civil->days = (int32_t) s_floor_div (local, S_DAY);
    int32_t second = (int32_t) (local - (int64_t) civil->days * S_DAY);
    sb_date_to_civil (civil->days, &civil->year, &civil->month, &civil->day);
    civil->hour = second / 3600;
    civil->minute = second / 60 % 60;
    civil->second = second % 60;
    civil->weekday = sb_date_weekday (civil->days);
}

int64_t
sb_tz_instant_ms (const sb_tz_t *self, int32_t days, int hour, int minute)
{
    int64_t local = (int64_t) days * S_DAY + (int64_t) hour * 3600 + (int64_t) minute * 60;
    //  The offsets in force two days either side (no zone changes twice in
    //  four days), and at local read as UT: a mapping is valid when the
    //  instant it gives has that offset. In an overlap both are: the
    //  earlier wins; in a gap none is: the offset before the gap reads it.
    int32_t before = sb_tz_offset (self, local - 2 * S_DAY);
    int32_t candidates [3] = { before, sb_tz_offset (self, local),
                               sb_tz_offset (self, local + 2 * S_DAY) };
    int64_t best = INT64_MAX;
    for (int index = 0; index < 3; index++) {
        int64_t instant = local - candidates [index];
        if (sb_tz_offset (self, instant) == candidates [index] && instant < best)
            best = instant;
    }
    return (best == INT64_MAX? local - before: best) * 1000;
}
