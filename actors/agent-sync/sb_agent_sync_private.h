/*  sb_agent_sync_private.h — what the handler's files share: the actor's
    state, and one save in progress with what it has done so far.         */

#ifndef SB_AGENT_SYNC_PRIVATE_H_INCLUDED
#define SB_AGENT_SYNC_PRIVATE_H_INCLUDED

#include "sb_agent_sync.h"
#include "sb_agent_spec.h"
#include "sb_agent_store.h"
#include "sb_credentials.h"
#include "sb_twilio_account.h"
#include "sb_vapi.h"

#define S_WHY_MAX 640

typedef struct {
    sb_secretbox_t *box;
    sb_agent_store_t *store;
    sb_vapi_t *vapi;
    char *twilio_base;
    int twilio_timeout_ms;
    uint32_t max_attempts;
    int64_t lock_wait_ms;
} sb_agent_sync_t;

//  The steps, in order; each one's name is its key in agents.synced.
typedef enum {
    SB_STEP_STORE, SB_STEP_VAPI, SB_STEP_TWILIO, SB_STEP_AGENTS, SB_STEPS
} sb_step_t;

//  One save in progress.
typedef struct {
    sb_agent_sync_t *self;
    sb_actor_ctx_t *ctx;
    const char *tenant;
    sb_credentials_t credentials;            //  borrowed from the message
    const json_t *agent_config;              //  borrowed; NULL: none
    int64_t started_ms;                      //  monotonic
    bool done [SB_STEPS];
    //  The failure that ended the save, when one did
    sb_step_t failed_step;
    sb_rest_verdict_t verdict;               //  OK: no failure
    int64_t retry_after_ms;
    char why [S_WHY_MAX];
    char credentials_ref [SB_AGENT_STORE_REF_MAX];
    sb_agent_record_t agents [SB_AGENT_SPEC_ROLES];
    const char *actions [SB_AGENT_SPEC_ROLES];   //  NULL: not reached
    char token [SB_AGENT_STORE_TOKEN_MAX];       //  the lock's, while held
} sb_save_t;

//  Records that step failed (verdict REFUSED or TRANSIENT) with why, the
//  secrets of the save replaced in it. Returns -1, to end a step with.
int sb_save_failed (sb_save_t *save, sb_step_t step, sb_rest_verdict_t verdict,
                    int64_t retry_after_ms, const char *format, ...) SB_PRINTF (5, 6);

//  Step 4: syncs both agents under the tenant's lock. Returns 0, or -1
//  with the failure recorded.
int sb_agent_sync_agents (sb_save_t *save);

#endif
