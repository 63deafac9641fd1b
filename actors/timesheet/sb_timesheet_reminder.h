/*  sb_timesheet_reminder.h — weekly reminders: a reminder.tick for a
    tenant's week becomes one reminder.due per employee with working days
    of the week that ended with no hours, and the next week's tick, at the
    tenant's reminder time (profile key reminder: "fri 15:00" local by
    default, "off" to stop).

        reminder.tick {week_start, scheduled_ms, after?}
            -> reminder.due {employee, week, timesheet, conversation}
               (key reminder:<tenant>:<employee>:<week>), per employee
            -> reminder.tick of the next week, not before its time
               (key reminder.tick:<tenant>:<week>)                         */

#ifndef SB_TIMESHEET_REMINDER_H_INCLUDED
#define SB_TIMESHEET_REMINDER_H_INCLUDED

#include "sb_tz.h"
#include <stdint.h>

//  The most reminder.due one tick emits (the runtime allows 64 emits a
//  message), and the most employees it looks at (a backend call each);
//  more continue in a tick of the same week.
#define SB_TIMESHEET_REMINDERS_PER_TICK  50
#define SB_TIMESHEET_EMPLOYEES_PER_TICK  200

//  Reads a reminder time "fri 15:00" (a day of the week, then HH:MM).
//  Returns 0 with *weekday (0 Sunday .. 6 Saturday), *hour and *minute;
//  1 for "off"; -1 if it is neither.
int sb_timesheet_reminder_parse (const char *text, int *weekday, int *hour, int *minute);

//  The instant (Unix ms) of the reminder time in the week that starts on
//  Monday week_start, in zone.
int64_t sb_timesheet_reminder_at (const sb_tz_t *zone, int32_t week_start, int weekday,
                                  int hour, int minute);

#endif
