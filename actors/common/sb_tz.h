/*  sb_tz.h — time zones from the system's TZif files (RFC 8536), read
    without libc's TZ environment variable, which is process-wide state no
    thread can change safely. A zone answers: what is the local date and
    time at this instant, and what instant is this local time.

    Zone names are IANA names ("Europe/London"); files are read from
    $TZDIR or /usr/share/zoneinfo. "UTC" needs no file. Instants past the
    file's last transition follow its POSIX TZ footer (e.g.
    "GMT0BST,M3.5.0/1,M10.5.0"), so slim and fat files agree.           */

#ifndef SB_TZ_H_INCLUDED
#define SB_TZ_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

typedef struct _sb_tz_t sb_tz_t;

//  Loads zone name. Returns the zone (caller destroys), or NULL with
//  "zone 'name': reason" in err (unknown name, unsafe name such as
//  "../x", unreadable or malformed file).
sb_tz_t *sb_tz_load (const char *name, char *err, size_t errlen);

//  Parses TZif bytes (version 1, 2 or 3); name is kept for messages.
//  Same contract. Bytes from outside: every count and offset is checked.
sb_tz_t *sb_tz_parse (const uint8_t *data, size_t size, const char *name,
                      char *err, size_t errlen);

void sb_tz_destroy (sb_tz_t **self_p);

const char *sb_tz_name (const sb_tz_t *self);

//  Seconds east of UTC in force at instant utc_s (Unix seconds).
int32_t sb_tz_offset (const sb_tz_t *self, int64_t utc_s);

//  The local civil time at instant utc_ms (Unix milliseconds).
typedef struct {
    int year, month, day;       //  month 1..12, day 1..31
    int hour, minute, second;
    int weekday;                //  0 Sunday .. 6 Saturday
    int32_t days;               //  the local date as sb_date day number
} sb_tz_civil_t;

void sb_tz_civil (const sb_tz_t *self, int64_t utc_ms, sb_tz_civil_t *civil);

//  The instant (Unix milliseconds) of local time days + hour:minute. In a
//  gap (spring forward) the time is read with the offset before the gap
//  (02:30 becomes 03:30 local); in an overlap the earlier instant.
int64_t sb_tz_instant_ms (const sb_tz_t *self, int32_t days, int hour, int minute);

#endif
