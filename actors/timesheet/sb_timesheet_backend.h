/*  sb_timesheet_backend.h — where the timesheet actor keeps timesheets:
    the tenant directory (phone number to employee), entries, submitted
    weeks. One of two backends, chosen by config (timesheet/backend):
    redis (sb_timesheet_store, the default) or http (sb_timesheet_http, a
    timesheet service). The handler sees only this interface.

    Every call answers one of the codes below, so that the handler can tell
    what to say (OK, NOT_FOUND, DUPLICATE), what to relay to the employee
    (REFUSED: the reason is theirs to read), what to try again (TRANSIENT)
    and what an operator must repair (BROKEN: bad data or config).         */

#ifndef SB_TIMESHEET_BACKEND_H_INCLUDED
#define SB_TIMESHEET_BACKEND_H_INCLUDED

#include "sb_actor.h"

#define SB_TIMESHEET_OK          0
#define SB_TIMESHEET_NOT_FOUND   1      //  lookup: the number is in no directory
#define SB_TIMESHEET_DUPLICATE   2      //  log, submit: done before under this key
#define SB_TIMESHEET_REFUSED    -1      //  a rule says no: reason for the employee
#define SB_TIMESHEET_TRANSIENT  -2      //  storage or service unreachable: retry
#define SB_TIMESHEET_BROKEN     -3      //  bad stored data or answer: fail

#define SB_TIMESHEET_ID_MAX      128
#define SB_TIMESHEET_NAME_MAX    128
#define SB_TIMESHEET_GUESSES_MAX 4096   //  directory ids a handler thread remembers

//  An employee as the directory knows them (name "" when it has none).
typedef struct {
    char id [SB_TIMESHEET_ID_MAX + 1];
    char name [SB_TIMESHEET_NAME_MAX + 1];
} sb_timesheet_employee_t;

typedef struct _sb_timesheet_backend_t sb_timesheet_backend_t;

//  Entries a lookup may read on its way (timesheet.query's period): the
//  Redis backend does when it knows the employee's id already, in the
//  lookup's round trip. entries stays NULL when it did not: the caller
//  reads them as usual. The caller owns what it gets.
typedef struct {
    int32_t from, to;                //  day numbers (sb_date)
    json_t *entries;                 //  NULL, or as sb_timesheet_backend_entries
} sb_timesheet_prefetch_t;

//  Builds the backend the actor's config section chooses (NULL section:
//  redis). Returns it, or NULL with the reason in err (a bad key names
//  itself: "timesheet/http/base_url: missing").
sb_timesheet_backend_t *sb_timesheet_backend_new (zconfig_t *section, char *err, size_t errlen);
void sb_timesheet_backend_destroy (sb_timesheet_backend_t **self_p);

//  Whether it calls an HTTP service (backend = http), which may wait up to
//  its time-out: the actor then keeps worker threads.
bool sb_timesheet_backend_remote (const sb_timesheet_backend_t *self);

//  Finds the employee whose phone number (E.164) is in tenant's directory,
//  and, if prefetch is not NULL, may read their entries of its period.
int sb_timesheet_backend_lookup (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                                 const char *tenant, const char *phone,
                                 sb_timesheet_prefetch_t *prefetch,
                                 sb_timesheet_employee_t *employee, char *err, size_t errlen);

//  The employee's entries from day from to day to (inclusive), as a new
//  array of {date, project, hours, note?} in date order, in *entries.
int sb_timesheet_backend_entries (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                                  const char *tenant, const char *employee, int32_t from,
                                  int32_t to, json_t **entries, char *err, size_t errlen);

//  Records entry {date, project, hours, note?} (borrowed) once per key;
//  *recorded is a new copy of what is recorded under key (on DUPLICATE,
//  the entry recorded the first time). REFUSED when the entry's week is
//  submitted or the day would pass 24 hours.
int sb_timesheet_backend_log (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                              const char *tenant, const char *employee, const char *key,
                              const json_t *entry, json_t **recorded, char *err, size_t errlen);

//  Marks the ISO week starting on Monday week_start submitted, once per
//  key (now_ms is recorded as when). REFUSED when it was already submitted
//  under another key.
int sb_timesheet_backend_submit (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                                 const char *tenant, const char *employee, int32_t week_start,
                                 const char *key, int64_t now_ms, char *err, size_t errlen);

//  Every employee in tenant's directory, as a new array of {id, name,
//  phone, channel} in *employees, ordered by id (reminders).
int sb_timesheet_backend_employees (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                                    const char *tenant, json_t **employees,
                                    char *err, size_t errlen);

//  What backends read from outside, checked: an entry (a new {date,
//  project, hours, note?}, or NULL if entry is not one); a list of them
//  (a new array in date order, each dated from..to, or NULL with "where:
//  entries[i]: why"); employees (a new array of {id, name, phone,
//  channel} by id, channel sms unless whatsapp, or NULL with the reason).
json_t *sb_timesheet_entry_checked (const json_t *entry);
json_t *sb_timesheet_entries_checked (const json_t *entries, int32_t from, int32_t to,
                                      const char *where, char *err, size_t errlen);
json_t *sb_timesheet_employees_checked (const json_t *employees, const char *where,
                                        char *err, size_t errlen);

//  Writes the reason into err and returns code, to end a call with.
int sb_timesheet_error (int code, char *err, size_t errlen, const char *format, ...)
    SB_PRINTF (4, 5);

//  Writes the ISO week label of the week starting on Monday week_start,
//  "2026-W10", into label.
void sb_timesheet_week_label (int32_t week_start, char label [16]);

#endif
