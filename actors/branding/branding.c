/*  branding — formats each draft for its channel and the tenant's brand
    (docs/actors/branding.md).

    Consumes draft.composed {text, round, fallback?, timesheet?,
    conversation}. Emits draft.branded {text, draft_text, encoding?,
    segments?, max_segments, condensed, round, fallback, timesheet?,
    conversation}: the draft formatted for conversation.channel (sb_brand:
    SMS plain text, WhatsApp markup, emoji policy, tone, sign-off) and
    fitted to its budget (sb_condense: the tenant's max_segments on SMS,
    where encoding and segments say what the text takes). Fallback drafts
    are branded the same way. The tenant is the envelope's: bad tenant data
    fails the message with the reason, unreachable Redis retries it.      */

#include "sb_actor.h"
#include "sb_brand.h"
#include "sb_condense.h"
#include "sb_sms.h"
#include "sb_tenant_cache.h"

//  The draft.branded body for text, from the draft.composed body.
static json_t *
s_branded (const json_t *draft, const char *text, bool condensed, int max_segments, bool sms)
{
    json_t *out = json_pack ("{s:s, s:O, s:b, s:i, s:O, s:b, s:O}", "text", text,
                             "draft_text", json_object_get (draft, "text"),
                             "condensed", condensed, "max_segments", max_segments,
                             "round", json_object_get (draft, "round"),
                             "fallback", json_is_true (json_object_get (draft, "fallback")),
                             "conversation", json_object_get (draft, "conversation"));
    json_t *timesheet = json_object_get (draft, "timesheet");
    if (out && timesheet)
        json_object_set (out, "timesheet", timesheet);
    sb_sms_info_t info;
    char err [128];
    if (out && sms && sb_sms_measure (text, &info, err, sizeof err) == 0) {
        json_object_set_new (out, "encoding", json_string (sb_sms_encoding_name (info.encoding)));
        json_object_set_new (out, "segments", json_integer (info.segments));
    }
    return out;
}

//  Formats and fits the draft's text for brand. Returns the text (caller
//  frees), or NULL with the reason in err.
static char *
s_brand_text (const sb_brand_t *brand, const sb_tenant_t *tenant, const json_t *draft,
              bool *condensed, char *err, size_t errlen)
{
    const json_t *timesheet = json_object_get (draft, "timesheet");
    char *body = sb_brand_body (brand, json_string_value (json_object_get (draft, "text")),
                                timesheet);
    if (!body || !body [strspn (body, " \n")]) {
        snprintf (err, errlen, "nothing is left of the draft once formatted for %s (only "
                  "emoji, which tenant %s does not allow, or markup)",
                  sb_brand_sms (brand)? "SMS": "WhatsApp", sb_tenant_id (tenant));
        free (body);
        return NULL;
    }
    //  A number in no directory learns nothing else, not even who signs
    const char *status = json_string_value (json_object_get (timesheet, "status"));
    bool anonymous = status && streq (status, "not_registered");
    sb_condense_t spec = {
        .sms = sb_brand_sms (brand),
        .max_segments = sb_tenant_max_segments (tenant),
        .formal = sb_brand_formal (brand),
        .sign_off = anonymous? "": sb_brand_sign_off (brand, false),
        .short_sign_off = anonymous? "": sb_brand_sign_off (brand, true),
        .timesheet = timesheet,
    };
    char *text = sb_condense (body, &spec, condensed, err, errlen);
    free (body);
    return text;
}

static sb_actor_result_t
s_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    (void) state;
    json_t *draft = sb_envelope_body (message);
    const char *channel = json_string_value (json_object_get (json_object_get (draft,
                                                              "conversation"), "channel"));
    char err [512];
    int code = 0;
    sb_tenant_t *tenant = sb_tenant_load (ctx, sb_envelope_tenant (message), &code, err, sizeof err);
    if (!tenant)
        return sb_tenant_refuse (ctx, code, err);
    sb_brand_t *brand = sb_brand_new (tenant, channel, err, sizeof err);
    bool condensed = false;
    char *text = brand? s_brand_text (brand, tenant, draft, &condensed, err, sizeof err): NULL;
    json_t *out = text? s_branded (draft, text, condensed, sb_tenant_max_segments (tenant),
                                   sb_brand_sms (brand)): NULL;
    sb_brand_destroy (&brand);
    sb_tenant_destroy (&tenant);
    if (!text)
        return sb_actor_fail (ctx, "%s", err);
    free (text);
    if (!out || sb_actor_emit (ctx, "draft.branded", out))
        return sb_actor_retry (ctx, 0, "cannot emit draft.branded (out of memory)");
    return SB_ACTOR_DONE;
}

int
main (int argc, char *argv [])
{
    sb_actor_def_t def = {
        .name = "branding",
        .summary = "Formats each draft (draft.composed) for its channel and the tenant's brand "
                   "and fits it to the SMS budget (draft.branded).",
        .handler = s_handle,
        //  CPU work and one HGETALL of the tenant on the thread's Redis
        .inline_handler = true,
        .capacity = 32,          //  bursts handled in one pass (measured: bench_pipeline)
        .config_help =
            "  tenants/<id>/<key>, each overridden by the Redis hash sb:tenant:<id>:\n"
            "    name          who signs when sign_off is empty (default: the id, which\n"
            "                  does not sign)\n"
            "    sign_off      '- Acme HR' (a dash: worded by tone) or any closing, as\n"
            "                  written (default none)\n"
            "    tone          friendly | formal | brief (default friendly)\n"
            "    emoji         1/true: keep emoji (default 0: dropped)\n"
            "    max_segments  SMS budget, 1..10 segments (default 3)\n"
            "  redis           where sb:tenant:<id> lives (optional: without it tenants\n"
            "                  come from config alone)\n"
            SB_TENANT_CACHE_HELP,
    };
    return sb_actor_main (&def, argc, argv);
}
