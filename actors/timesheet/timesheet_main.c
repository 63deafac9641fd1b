/*  timesheet — the timesheet actor (docs/actors/timesheet.md): answers
    each plan.tool_call with a timesheet.result, from Redis or an HTTP
    timesheet service.                                                    */

#include "sb_timesheet.h"
#include "sb_http.h"
#include "sb_tenant_cache.h"

static void *
s_setup (zconfig_t *section, char *err, size_t errlen)
{
    return sb_timesheet_backend_new (section, err, errlen);
}

static void
s_teardown (void **state_p)
{
    sb_timesheet_backend_destroy ((sb_timesheet_backend_t **) state_p);
}

//  Redis commands are quick: inline on the main thread; an HTTP service
//  may take its whole time-out: worker threads.
static bool
s_inline_with (const void *state)
{
    return !sb_timesheet_backend_remote ((const sb_timesheet_backend_t *) state);
}

static sb_actor_result_t
s_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    return sb_timesheet_handle (ctx, message, (sb_timesheet_backend_t *) state);
}

int
main (int argc, char *argv [])
{
    sb_actor_def_t def = {
        .name = "timesheet",
        .summary = "The timesheet actor: runs each plan.tool_call (query, log, submit, "
                   "employee.lookup) and answers with a timesheet.result.",
        .handler = s_handle,
        .setup = s_setup,
        .teardown = s_teardown,
        .inline_handler = true,
        .capacity = 32,          //  bursts handled in one pass (measured: bench_pipeline)
        .inline_with = s_inline_with,
        .config_help =
            "  backend = redis          redis (the actor's --redis) or http\n"
            "  http/base_url            the timesheet service, e.g. https://ts.example.com/v1\n"
            "                           (required with backend = http)\n"
            "  http/lookup              URL template, default\n"
            "                           /tenants/{tenant}/employees/by-phone/{phone}\n"
            "  http/entries             default /tenants/{tenant}/employees/{employee}/entries\n"
            "                           ?from={from}&to={to}\n"
            "  http/log                 default /tenants/{tenant}/employees/{employee}/entries\n"
            "  http/submit              default /tenants/{tenant}/employees/{employee}/weeks/\n"
            "                           {week}/submit\n"
            "  http/employees           default /tenants/{tenant}/employees\n"
            "  http/token_env = SB_TIMESHEET_TOKEN   environment variable with the bearer token\n"
            "  http/timeout = 5000      ms per request; a time-out is retried\n"
            "  tenants/<id>/<key>       tenant profile keys (docs/tenants.md), under Redis's\n"
            "                           sb:tenant:<id>\n"
            SB_TENANT_CACHE_HELP,
    };
    return sb_http_actor_main (&def, argc, argv);
}
