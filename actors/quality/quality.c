/*  quality — checks every branded draft before it is sent
    (docs/actors/quality.md).

    Consumes draft.branded {text, draft_text?, round, fallback?, timesheet?,
    conversation, ...}. Runs every check (sb_checks.h: not_empty,
    segment_budget on SMS, placeholders, contact_details, hours_match,
    deny_list) and emits
      quality.approved {text, encoding?, segments?, checks, round, fallback,
                        conversation} when all pass (encoding and segments
                        on SMS only, measured here), else
      quality.rejected {text, reasons: [{check, reason}], draft_text?,
                        fallback, round, timesheet?, conversation}
                        naming every failed check; a fallback draft that
                        fails is rejected too, and the planner fails it.
    The tenant (the envelope's) gives max_segments and the deny list:
    bad tenant data fails the message, unreachable Redis retries it.      */

#include "sb_actor.h"
#include "sb_checks.h"
#include "sb_sms.h"
#include "sb_tenant_cache.h"

//  Copies body's key into out when present.
static void
s_copy (json_t *out, const json_t *body, const char *key)
{
    json_t *value = json_object_get (body, key);
    if (value)
        json_object_set (out, key, value);
}

//  The fields both answers carry: text, round, fallback, conversation.
static json_t *
s_answer (const json_t *body)
{
    json_t *out = json_object ();
    s_copy (out, body, "text");
    s_copy (out, body, "round");
    s_copy (out, body, "conversation");
    json_object_set_new (out, "fallback",
                         json_boolean (json_is_true (json_object_get (body, "fallback"))));
    return out;
}

static json_t *
s_approved (const json_t *body, json_t *checks, bool sms)
{
    json_t *out = s_answer (body);
    json_object_set_new (out, "checks", checks);
    sb_sms_info_t info;
    char err [128];
    if (sms && sb_sms_measure (json_string_value (json_object_get (body, "text")), &info,
                               err, sizeof err) == 0) {
        json_object_set_new (out, "encoding", json_string (sb_sms_encoding_name (info.encoding)));
        json_object_set_new (out, "segments", json_integer (info.segments));
    }
    return out;
}

static json_t *
s_rejected (const json_t *body, json_t *reasons)
{
    json_t *out = s_answer (body);
    json_object_set_new (out, "reasons", reasons);
    s_copy (out, body, "draft_text");
    s_copy (out, body, "timesheet");
    return out;
}

static sb_actor_result_t
s_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    (void) state;
    json_t *body = sb_envelope_body (message);
    json_t *conversation = json_object_get (body, "conversation");
    char err [512];
    int code = 0;
    sb_tenant_t *tenant = sb_tenant_load (ctx, sb_envelope_tenant (message), &code, err, sizeof err);
    if (!tenant)
        return sb_tenant_refuse (ctx, code, err);
    bool sms = streq (json_string_value (json_object_get (conversation, "channel")), "sms");
    sb_checks_input_t input = {
        .text = json_string_value (json_object_get (body, "text")),
        .draft_text = json_string_value (json_object_get (body, "draft_text")),
        .sms = sms,
        .recipient = json_string_value (json_object_get (conversation, "employee_phone")),
        .timesheet = json_object_get (body, "timesheet"),
        .tenant = tenant,
    };
    json_t *run = json_array (), *failed = json_array ();
    int rc = sb_checks_run (&input, run, failed, err, sizeof err);
    sb_tenant_destroy (&tenant);
    if (rc) {
        json_decref (run);
        json_decref (failed);
        return sb_actor_fail (ctx, "body.%s", err);
    }
    bool approved = json_array_size (failed) == 0;
    json_t *out = approved? s_approved (body, run, sms): s_rejected (body, failed);
    json_decref (approved? failed: run);
    if (sb_actor_emit (ctx, approved? "quality.approved": "quality.rejected", out))
        return sb_actor_retry (ctx, 0, "cannot emit the answer (out of memory)");
    return SB_ACTOR_DONE;
}

int
main (int argc, char *argv [])
{
    sb_actor_def_t def = {
        .name = "quality",
        .summary = "Checks each branded draft (draft.branded) and approves it for sending "
                   "(quality.approved) or rejects it with every failed check's reason "
                   "(quality.rejected).",
        .handler = s_handle,
        //  CPU work and one HGETALL of the tenant on the thread's Redis
        .inline_handler = true,
        .capacity = 32,          //  bursts handled in one pass (measured: bench_pipeline)
        .config_help =
            "  tenants/<id>/max_segments  the tenant's SMS budget, 1..10 (default 3); the\n"
            "                             Redis hash sb:tenant:<id> overrides config\n"
            "  tenants/<id>/deny_list     words the reply must not contain, whole and in\n"
            "                             any case, separated by commas (default none)\n"
            "  redis                      where sb:tenant:<id> lives (optional: without it\n"
            "                             tenants come from config alone)\n"
            SB_TENANT_CACHE_HELP,
    };
    return sb_actor_main (&def, argc, argv);
}
