/*  sb_timesheet.h — the timesheet actor's handler: runs the tool a
    plan.tool_call names for the employee whose number wrote, and answers
    with one timesheet.result (docs/actors/timesheet.md).

        plan.tool_call {tool, args, conversation}
            -> timesheet.result {tool, status, error?, employee?, period?,
               entries?, totals_by_day?, totals_by_project?, total_hours?,
               expected_hours?, missing_days?, duplicate?, conversation}

    Tools: timesheet.query {from_date, to_date?}; timesheet.log {date,
    hours, project, note?}; timesheet.submit {from_date?}; employee.lookup.
    A number in no directory gets status not_registered and nothing else;
    arguments that cannot be right get status error with the reason;
    storage that cannot be reached is retried; bad stored data fails.
    "Now" is when the conversation was received (conversation.received_at_ms,
    else the envelope's created_ms), in the tenant's time zone.           */

#ifndef SB_TIMESHEET_H_INCLUDED
#define SB_TIMESHEET_H_INCLUDED

#include "sb_timesheet_backend.h"

//  Handles one plan.tool_call with backend. Returns what the handler
//  returns.
sb_actor_result_t sb_timesheet_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message,
                                       sb_timesheet_backend_t *backend);

#endif
