/*  agent-sync — a tenant's workspace save becomes stored credentials,
    checked Vapi and Twilio accounts, and exactly one inbound and one
    outbound voice agent on Vapi (docs/actors/agent-sync.md).

    Consumes workspace.saved; emits agents.synced, routed to the save's
    reply_to (the waiting ingress request).                               */

#include "sb_agent_sync.h"
#include <curl/curl.h>

int
main (int argc, char *argv [])
{
    //  Process-wide, once, before any thread: libcurl's global state
    if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf (stderr, "agent-sync: libcurl cannot start\n");
        return 1;
    }
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
    int rc = sb_actor_main (&def, argc, argv);
    curl_global_cleanup ();
    return rc;
}
