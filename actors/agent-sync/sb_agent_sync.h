/*  sb_agent_sync.h — agent-sync's handler: a tenant's workspace save
    (workspace.saved) becomes stored credentials, checked Vapi and Twilio
    accounts, and exactly one inbound and one outbound Vapi assistant,
    reported to the waiting request (agents.synced). docs/actors/agent-sync.md.

    Steps, in order, each reported:
      1. credentials_stored  the four credentials sealed into Redis
      2. vapi_validated      GET /assistant with the tenant's key
      3. twilio_validated    GET /2010-04-01/Accounts/<sid>.json
      4. agents_synced       per role, under the tenant's lock: create,
                             update, or leave alone, by the config's hash
    A refusal (401, 404, a bad config) ends the save with a failure report.
    A transient failure (no answer, 429, 5xx, Redis) retries through the
    broker, until the last attempt, which reports the failure instead.

    The state is read-only after setup, so all worker threads share it.   */

#ifndef SB_AGENT_SYNC_H_INCLUDED
#define SB_AGENT_SYNC_H_INCLUDED

#include "sb_actor.h"

#define SB_AGENT_SYNC_TIMEOUT_MS     10000   /* each Vapi or Twilio call       */
#define SB_AGENT_SYNC_MAX_ATTEMPTS   3       /* = the broker's default policy */
#define SB_AGENT_SYNC_LOCK_WAIT_MS   10000   /* for another save of the tenant */

//  The actor's setup: reads CREDENTIALS_KEY (64 hex characters or base64
//  of 32 bytes; required), VAPI_API_BASE, TWILIO_API_BASE and the section's
//  keys (config_help lists them). Returns the state, or NULL with the
//  reason in err (the actor then exits 78).
void *sb_agent_sync_setup (zconfig_t *section, char *err, size_t errlen);

void sb_agent_sync_teardown (void **state_p);

//  Handles one workspace.saved.
sb_actor_result_t sb_agent_sync_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message,
                                        void *state);

//  The lines --help prints about the keys above.
extern const char *const sb_agent_sync_config_help;

#endif
