/*  sb_reply.c — drafts: the first one from a timesheet result (or a
    reminder), refined ones from a quality rejection, the fallback after
    the last round, and a failure when even the fallback is rejected.    */

#include "sb_planner.h"
#include "sb_compose.h"
#include "sb_refine.h"
#include "sb_tenant.h"

#define S_LAST_ROUND 2           /* draft.composed's round is 0..2          */

//  Emits draft.composed {text, round, fallback?, timesheet?, conversation}.
//  Takes text and timesheet (NULL: none); copies conversation unchanged.
static sb_actor_result_t
s_emit_draft (sb_actor_ctx_t *ctx, char *text, json_int_t round, bool fallback,
              json_t *timesheet, const json_t *conversation)
{
    json_t *draft = json_pack ("{s:s, s:I, s:O}", "text", text? text: SB_COMPOSE_FALLBACK,
                               "round", round, "conversation", conversation);
    free (text);
    if (draft && fallback)
        json_object_set_new (draft, "fallback", json_true ());
    if (draft && timesheet)
        json_object_set (draft, "timesheet", timesheet);
    json_decref (timesheet);
    if (!draft || sb_actor_emit (ctx, "draft.composed", draft))
        return sb_actor_retry (ctx, 0, "planner: cannot emit draft.composed (out of memory)");
    return SB_ACTOR_DONE;
}

//  The timesheet result a message carries, without its conversation (new,
//  or NULL): a reminder.due's "timesheet", else the body itself.
static json_t *
s_timesheet (const json_t *body)
{
    const json_t *nested = json_object_get (body, "timesheet");
    json_t *timesheet = json_deep_copy (json_is_object (nested)? nested: body);
    json_object_del (timesheet, "conversation");
    return timesheet;
}

sb_actor_result_t
sb_planner_result (sb_actor_ctx_t *ctx, const sb_envelope_t *message)
{
    json_t *body = sb_envelope_body (message);
    const json_t *conversation = json_object_get (body, "conversation");
    json_t *timesheet = s_timesheet (body);
    json_t *sentences = sb_compose_sentences (conversation, timesheet, SB_DETAIL_FULL);
    char *text = sb_compose_join (sentences);
    json_decref (sentences);
    return s_emit_draft (ctx, text, 0, false, timesheet, conversation);
}

//  "hours_match: states 9 hours ...; segment_budget: ..." into buffer.
static void
s_reasons_text (const json_t *body, char *buffer, size_t size)
{
    size_t index;
    json_t *reason;
    *buffer = 0;
    json_array_foreach (json_object_get (body, "reasons"), index, reason) {
        size_t used = strlen (buffer);
        snprintf (buffer + used, size - used, "%s%s: %s", index? "; ": "",
                  json_string_value (json_object_get (reason, "check")),
                  json_string_value (json_object_get (reason, "reason")));
    }
}

//  True if quality named the deny list: only then is the tenant needed.
static bool
s_names_deny_list (const json_t *body)
{
    size_t index;
    json_t *reason;
    json_array_foreach (json_object_get (body, "reasons"), index, reason)
        if (streq (json_string_value (json_object_get (reason, "check")), "deny_list"))
            return true;
    return false;
}

sb_actor_result_t
sb_planner_rejected (sb_actor_ctx_t *ctx, const sb_envelope_t *message)
{
    json_t *body = sb_envelope_body (message);
    json_int_t round = json_integer_value (json_object_get (body, "round"));
    const json_t *conversation = json_object_get (body, "conversation");
    const json_t *result = json_object_get (body, "timesheet");
    char reasons [1024];
    s_reasons_text (body, reasons, sizeof reasons);
    if (json_is_true (json_object_get (body, "fallback")))
        return sb_actor_fail (ctx, "quality rejected the fallback reply (round %d): %s",
                              (int) round, reasons);
    json_t *timesheet = json_is_object (result)? json_deep_copy (result): NULL;
    if (round >= S_LAST_ROUND)
        return s_emit_draft (ctx, strdup (SB_COMPOSE_FALLBACK), S_LAST_ROUND, true,
                             timesheet, conversation);
    sb_tenant_t *tenant = NULL;
    if (s_names_deny_list (body)) {
        char err [512];
        int code = 0;
        tenant = sb_tenant_load (ctx, sb_envelope_tenant (message), &code, err, sizeof err);
        if (!tenant) {
            json_decref (timesheet);
            return sb_tenant_refuse (ctx, code, err);
        }
    }
    char *text = sb_refine (body, tenant);
    sb_tenant_destroy (&tenant);
    //  Nothing left to say after the filters: the fallback, a round early
    return s_emit_draft (ctx, text, round + 1, text == NULL, timesheet, conversation);
}
