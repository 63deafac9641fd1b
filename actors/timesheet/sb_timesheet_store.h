/*  sb_timesheet_store.h — the Redis backend: the tenant directory,
    entries and submitted weeks in Redis (layout: docs/tenants.md).

        sb:dir:<tenant>:phone:<e164>        string: employee id
        sb:emp:<tenant>:<id>                hash: name, phone, channel?
        sb:emps:<tenant>                    set: employee ids
        sb:ts:{<tenant>:<id>}:entries       sorted set: entry JSON by day number
        sb:ts:{<tenant>:<id>}:submitted     hash: ISO week -> {"key","at_ms"}
        sb:ts:{<tenant>:<id>}:done:<key>    string: what key did (30 days)

    An employee's keys share one hash tag, so the scripts that log and
    submit atomically also run on Redis Cluster. The calls return the
    SB_TIMESHEET_* codes; on TRANSIENT the connection may be broken
    (redis->err set) and the caller should reopen it.                    */

#ifndef SB_TIMESHEET_STORE_H_INCLUDED
#define SB_TIMESHEET_STORE_H_INCLUDED

#include <hiredis/hiredis.h>
#include "sb_timesheet_backend.h"

//  How long a key's record stays: redeliveries come within minutes.
#define SB_TIMESHEET_DONE_TTL_S  (30 * 86400)

//  The employee phone reaches in tenant's directory: id and name. guess
//  (may be NULL) is the id the caller found last time: the directory and
//  that employee's name are then read in one round trip, and the guess
//  used only if the directory still says it (else a second round trip
//  reads the right name). Never stale: the directory is read every time.
//  With prefetch (may be NULL) and a guess, the guessed employee's entries
//  of its period come in the same round trip, kept only if the guess held
//  and they read well (else prefetch->entries, NULL on the way in, stays
//  NULL).
int sb_timesheet_store_lookup (redisContext *redis, const char *tenant, const char *phone,
                               const char *guess, sb_timesheet_prefetch_t *prefetch,
                               sb_timesheet_employee_t *employee, char *err, size_t errlen);

int sb_timesheet_store_entries (redisContext *redis, const char *tenant, const char *employee,
                                int32_t from, int32_t to, json_t **entries,
                                char *err, size_t errlen);

int sb_timesheet_store_log (redisContext *redis, const char *tenant, const char *employee,
                            const char *key, const json_t *entry, json_t **recorded,
                            char *err, size_t errlen);

int sb_timesheet_store_submit (redisContext *redis, const char *tenant, const char *employee,
                               int32_t week_start, const char *key, int64_t now_ms,
                               char *err, size_t errlen);

int sb_timesheet_store_employees (redisContext *redis, const char *tenant, json_t **employees,
                                  char *err, size_t errlen);

//  Writes employee id (name, phone, channel: sms or whatsapp) into
//  tenant's directory, replacing what it had; a number the employee no
//  longer has leaves the directory (demo data, operators). Returns
//  SB_TIMESHEET_OK, or another code with the reason.
int sb_timesheet_store_put_employee (redisContext *redis, const char *tenant, const char *id,
                                     const char *name, const char *phone, const char *channel,
                                     char *err, size_t errlen);

#endif
