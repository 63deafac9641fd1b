/*  sb_timesheet_private.h — what the handler's modules share: one message
    being handled (sb_timesheet.c for tool calls, sb_timesheet_reminder.c
    for reminder ticks).                                                  */

#ifndef SB_TIMESHEET_PRIVATE_H_INCLUDED
#define SB_TIMESHEET_PRIVATE_H_INCLUDED

#include "sb_timesheet.h"
#include "sb_tenant.h"
#include "sb_tz_cache.h"

//  One message being handled: its tenant's profile and zone, and "now".
typedef struct {
    sb_actor_ctx_t *ctx;
    sb_timesheet_backend_t *backend;
    const sb_envelope_t *message;
    const char *tenant_id;
    sb_tenant_t *tenant;
    const sb_tz_t *zone;         //  borrowed from the thread's cache (sb_tz_cache)
    int64_t now_ms;
    int32_t today;                      //  the tenant's date at now_ms
    char err [512];
} sb_timesheet_call_t;

//  Loads the tenant's profile and zone for message, with today at now_ms.
//  Returns 0, or -1 with *result set to end the handler with (retry when
//  Redis cannot be read, fail for a bad profile or zone).
int sb_timesheet_call_prepare (sb_timesheet_call_t *call, int64_t now_ms,
                               sb_actor_result_t *result);
void sb_timesheet_call_clear (sb_timesheet_call_t *call);

//  Ends a handler for a backend's failure code with call->err: refused
//  is not expected here (fail), transient retries, broken fails.
sb_actor_result_t sb_timesheet_call_failed (sb_timesheet_call_t *call, int rc);

//  Handles a reminder.tick (sb_timesheet_reminder.c).
sb_actor_result_t sb_timesheet_reminder_tick (sb_timesheet_call_t *call);

#endif
