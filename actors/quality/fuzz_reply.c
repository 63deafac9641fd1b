/*  fuzz_reply.c — libFuzzer target for the reply text code that reads
    what a planner (or an LLM behind it) wrote: sb_sms, branding's
    formatting and condensing, and every quality check. Bytes in, no crash,
    no leak, no undefined behaviour; and what branding emits is valid UTF-8
    within its budget, or refused with a reason.

    The first byte picks channel, tone, emoji and budget; the rest is the
    draft. Built with -DSB_FUZZ=ON (actors/quality/CMakeLists.txt).      */

#include "sb_actor.h"
#include "sb_brand.h"
#include "sb_checks.h"
#include "sb_condense.h"
#include "sb_sms.h"

//  A property that must hold, checked in every build (assert is compiled
//  out in release builds).
#define S_REQUIRE(condition) do { if (!(condition)) abort (); } while (0)

#define S_TIMESHEET "{\"tool\":\"timesheet.query\",\"status\":\"ok\",\"total_hours\":23," \
    "\"expected_hours\":32,\"totals_by_day\":{\"2026-03-02\":8}," \
    "\"totals_by_project\":{\"Acme\":12.5},\"entries\":[{\"date\":\"2026-03-02\"," \
    "\"project\":\"Acme\",\"hours\":8,\"note\":\"sprint planning\"}]}"

//  A tenant as the first byte says: tone, emoji, budget 1..4.
static sb_tenant_t *
s_tenant (uint8_t choice)
{
    static const char *tones [] = { "friendly", "formal", "brief" };
    zconfig_t *root = zconfig_new ("root", NULL);
    zconfig_put (root, "tenants/acme/sign_off", "- Acme HR");
    zconfig_put (root, "tenants/acme/tone", tones [choice % 3]);
    zconfig_put (root, "tenants/acme/emoji", (choice & 4)? "1": "0");
    zconfig_putf (root, "tenants/acme/max_segments", "%d", 1 + (choice >> 4) % 4);
    zconfig_put (root, "tenants/acme/deny_list", "heck, free money");
    char err [256];
    sb_tenant_t *tenant = sb_tenant_from_config (root, "acme", err, sizeof err);
    zconfig_destroy (&root);
    S_REQUIRE (tenant);
    return tenant;
}

//  Brands draft as branding does; checks the result as quality does.
static void
s_brand_and_check (const char *draft, const sb_tenant_t *tenant, bool sms, const json_t *timesheet)
{
    char err [512];
    sb_brand_t *brand = sb_brand_new (tenant, sms? "sms": "whatsapp", err, sizeof err);
    S_REQUIRE (brand);
    char *body = sb_brand_body (brand, draft, timesheet);
    bool condensed = false;
    sb_condense_t spec = { sms, sb_tenant_max_segments (tenant), sb_brand_formal (brand),
                           sb_brand_sign_off (brand, false), sb_brand_sign_off (brand, true),
                           timesheet };
    char *text = body? sb_condense (body, &spec, &condensed, err, sizeof err): NULL;
    sb_sms_info_t info;
    if (text) {
        S_REQUIRE (sb_sms_measure (text, &info, err, sizeof err) == 0);
        S_REQUIRE (!sms || info.segments <= sb_tenant_max_segments (tenant));
        S_REQUIRE (sms || strlen (text) <= 4096);
        sb_checks_input_t input = { text, draft, sms, "+15551234567", timesheet, tenant };
        json_t *run = json_array (), *failed = json_array ();
        S_REQUIRE (sb_checks_run (&input, run, failed, err, sizeof err) == 0);
        json_decref (run);
        json_decref (failed);
    }
    free (text);
    free (body);
    sb_brand_destroy (&brand);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4097)
        return 0;
    char *draft = strndup ((const char *) data + 1, size - 1);
    sb_sms_info_t info;
    char err [256];
    if (draft && sb_sms_measure (draft, &info, err, sizeof err) == 0) {
        json_t *timesheet = (data [0] & 8)? json_loads (S_TIMESHEET, 0, NULL): NULL;
        sb_tenant_t *tenant = s_tenant (data [0]);
        s_brand_and_check (draft, tenant, !(data [0] & 64), timesheet);
        sb_tenant_destroy (&tenant);
        json_decref (timesheet);
    }
    free (draft);
    return 0;
}
