/*  planner — reads what an employee wants, asks the timesheet actor for it,
    and composes (and refines) the reply (docs/actors/planner.md).

    Consumes sms.received, whatsapp.received, timesheet.result,
    quality.rejected, message.sent; emits plan.tool_call, draft.composed.  */

#include "sb_planner.h"
#include "sb_http.h"

//  Reading texts by rules is CPU and a few quick Redis commands (memory,
//  tenant): inline on the main thread; an LLM request may take its whole
//  time-out: worker threads.
static bool
s_inline_with (const void *state)
{
    return ((const sb_planner_t *) state)->llm == NULL;
}

int
main (int argc, char *argv [])
{
    sb_actor_def_t def = {
        .name = "planner",
        .summary = "Reads what an employee wants (rules or an LLM), asks the timesheet actor, "
                   "composes and refines the reply.",
        .handler = sb_planner_handle,
        .setup = sb_planner_setup,
        .teardown = sb_planner_teardown,
        .config_help = sb_planner_config_help,
        .needs_redis = true,     //  conversation memory and tenant profiles
        .inline_handler = true,
        .capacity = 32,          //  bursts handled in one pass (measured: bench_pipeline)
        .inline_with = s_inline_with,
    };
    return sb_http_actor_main (&def, argc, argv);
}
