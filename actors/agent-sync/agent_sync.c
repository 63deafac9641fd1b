/*  agent-sync — a tenant's workspace save becomes stored credentials,
    checked Vapi and Twilio accounts, and exactly one inbound and one
    outbound voice agent on Vapi (docs/actors/agent-sync.md).

    Consumes workspace.saved; emits agents.synced, routed to the save's
    reply_to (the waiting ingress request).                               */

#include "sb_agent_sync.h"
#include "sb_http.h"

int
main (int argc, char *argv [])
{
    sb_actor_def_t def = {
        .name = "agent-sync",
        .summary = "Stores a tenant's workspace credentials (encrypted), checks them with Vapi "
                   "and Twilio, and syncs its inbound and outbound voice agents.",
        .handler = sb_agent_sync_handle,
        .setup = sb_agent_sync_setup,
        .teardown = sb_agent_sync_teardown,
        .config_help = sb_agent_sync_config_help,
        .needs_redis = true,         //  credentials and agent records live there
    };
    return sb_http_actor_main (&def, argc, argv);
}
