/*  sb_planner.h — the planner actor's handler and its shared, read-only
    state (docs/actors/planner.md).

    Consumes sms.received and whatsapp.received (-> plan.tool_call),
    timesheet.result (-> draft.composed round 0), quality.rejected (->
    draft.composed round + 1, or the fallback; a rejected fallback fails),
    message.sent (the assistant's turn into the conversation memory).    */

#ifndef SB_PLANNER_H_INCLUDED
#define SB_PLANNER_H_INCLUDED

#include "sb_actor.h"
#include "sb_intent.h"
#include "sb_memory.h"
#include "sb_llm.h"

typedef struct {
    sb_llm_t *llm;                   //  backend llm, else NULL (rules)
    sb_date_order_t date_order;
    sb_memory_limits_t memory;
} sb_planner_t;

//  The planner's config keys, for --help.
extern const char *sb_planner_config_help;

//  Reads the config section (NULL: defaults). Returns the state, or NULL
//  with the reason in err. As the actor's setup: sb_planner_setup.
sb_planner_t *sb_planner_new (zconfig_t *section, char *err, size_t errlen);
void sb_planner_destroy (sb_planner_t **self_p);
void *sb_planner_setup (zconfig_t *section, char *err, size_t errlen);
void sb_planner_teardown (void **state_p);

//  The handler: dispatches on the message's type.
sb_actor_result_t sb_planner_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message,
                                     void *state);

//  Per type (sb_plan.c, sb_reply.c).
sb_actor_result_t sb_planner_inbound (sb_actor_ctx_t *ctx, const sb_envelope_t *message,
                                      sb_planner_t *self);
sb_actor_result_t sb_planner_sent (sb_actor_ctx_t *ctx, const sb_envelope_t *message,
                                   sb_planner_t *self);
sb_actor_result_t sb_planner_result (sb_actor_ctx_t *ctx, const sb_envelope_t *message);
sb_actor_result_t sb_planner_rejected (sb_actor_ctx_t *ctx, const sb_envelope_t *message);

#endif
