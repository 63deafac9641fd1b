/*  planner — reads what an employee wants, asks the timesheet actor for it,
    and composes (and refines) the reply (docs/actors/planner.md).

    Consumes sms.received, whatsapp.received, timesheet.result,
    quality.rejected, message.sent; emits plan.tool_call, draft.composed.  */

#include "sb_planner.h"
#include <curl/curl.h>

int
main (int argc, char *argv [])
{
    //  Process-wide, once, before any thread: libcurl's global state
    if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf (stderr, "planner: libcurl cannot start\n");
        return 1;
    }
    sb_actor_def_t def = {
        .name = "planner",
        .summary = "Reads what an employee wants (rules or an LLM), asks the timesheet actor, "
                   "composes and refines the reply.",
        .handler = sb_planner_handle,
        .setup = sb_planner_setup,
        .teardown = sb_planner_teardown,
        .config_help = sb_planner_config_help,
        .needs_redis = true,     //  conversation memory and tenant profiles
    };
    int rc = sb_actor_main (&def, argc, argv);
    curl_global_cleanup ();
    return rc;
}
