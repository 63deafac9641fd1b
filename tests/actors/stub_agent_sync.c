/*  stub_agent_sync — a stand-in for agent-sync in integration tests
    (tests/actors/test_workspace.c): a real actor on the runtime, service
    "agent-sync", that consumes workspace.saved and answers the save's
    reply_to with agents.synced, its answer chosen by the saved number:

        twilio_phone_number +15550000001  a failure report: success false,
                                          failed_step vapi_validated,
                                          error "Vapi answered 401"
        twilio_phone_number +15550000002  no report at all: FAIL (the
                                          message is dead-lettered, the
                                          waiting request times out)
        anything else                     success, every step true,
                                          agent_ids asst_in_<tenant> and
                                          asst_out_<tenant>

    It calls nobody: no Vapi, no Twilio, no credential store.             */

#include "sb_actor.h"

#define S_NUMBER_FAILS   "+15550000001"
#define S_NUMBER_SILENT  "+15550000002"

//  The report of a save that failed at Vapi's validation.
static json_t *
s_failure_report (void)
{
    return json_pack ("{s:b, s:{s:b, s:b, s:b, s:b}, s:s, s:s}", "success", 0,
                      "steps", "credentials_stored", 1, "vapi_validated", 0,
                      "twilio_validated", 0, "agents_synced", 0,
                      "failed_step", "vapi_validated", "error", "Vapi answered 401");
}

//  The report of a save that went through, with the tenant's agent ids.
static json_t *
s_success_report (const char *tenant)
{
    char inbound [128], outbound [128];
    snprintf (inbound, sizeof inbound, "asst_in_%.100s", tenant);
    snprintf (outbound, sizeof outbound, "asst_out_%.100s", tenant);
    return json_pack ("{s:b, s:{s:b, s:b, s:b, s:b}, s:{s:s, s:s}, s:I}", "success", 1,
                      "steps", "credentials_stored", 1, "vapi_validated", 1,
                      "twilio_validated", 1, "agents_synced", 1,
                      "agent_ids", "inbound", inbound, "outbound", outbound,
                      "elapsed_ms", (json_int_t) 1);
}

static sb_actor_result_t
s_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    (void) state;
    const char *number = json_string_value (json_object_get (sb_envelope_body (message),
                                                             "twilio_phone_number"));
    if (number && streq (number, S_NUMBER_SILENT))
        return sb_actor_fail (ctx, "stub: %s is the number that never answers", number);
    const char *tenant = sb_envelope_tenant (message);
    json_t *report = number && streq (number, S_NUMBER_FAILS)
                   ? s_failure_report (): s_success_report (tenant? tenant: "");
    if (!report || sb_actor_emit (ctx, "agents.synced", report))
        return sb_actor_retry (ctx, 0, "stub: cannot emit agents.synced (out of memory)");
    return SB_ACTOR_DONE;
}

int
main (int argc, char *argv [])
{
    sb_actor_def_t def = {
        .name = "agent-sync",
        .summary = "Test stub of agent-sync: answers workspace.saved by the saved number.",
        .handler = s_handle,
    };
    return sb_actor_main (&def, argc, argv);
}
