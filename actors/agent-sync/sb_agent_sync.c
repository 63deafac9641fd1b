/*  sb_agent_sync.c — agent-sync's setup and handler: the steps in order,
    the failure kept with the secrets taken out, and the report (or a
    retry, while attempts remain).                                        */

#include "sb_agent_sync_private.h"

const char *const sb_agent_sync_config_help =
    "  vapi/base = https://api.vapi.ai      Vapi's API (env VAPI_API_BASE overrides)\n"
    "  vapi/timeout = 10000                 ms per Vapi call, 100..120000\n"
    "  twilio/base = https://api.twilio.com Twilio's API (env TWILIO_API_BASE overrides)\n"
    "  twilio/timeout = 10000               ms per Twilio call, 100..120000\n"
    "  max-attempts = 3                     the attempt that reports a transient failure\n"
    "                                       instead of retrying: the broker's max-attempts\n"
    "  lock-ttl = 30000                     ms a tenant's lock lives unless extended;\n"
    "                                       at least 3 x vapi/timeout\n"
    "  lock-wait = 10000                    ms a save waits for another save of its tenant\n"
    "  prefix = sb:                         Redis key prefix (sb:cred:<tenant>, ...)\n"
    "  Env CREDENTIALS_KEY (required, or CREDENTIALS_KEY_FILE naming a file that holds\n"
    "  it): the key sealing credentials at rest, 64 hex\n"
    "  characters or base64 of 32 bytes (openssl rand -hex 32).\n";

static const char *s_step_names [SB_STEPS] = {
    "credentials_stored", "vapi_validated", "twilio_validated", "agents_synced"
};

//  --------------------------------------------------------------------------
//  Setup

//  The value at path, then the environment variable env (if not NULL),
//  overriding it, or fallback.
static const char *
s_setting (zconfig_t *section, const char *path, const char *env, const char *fallback)
{
    const char *from_env = env? getenv (env): NULL;
    if (from_env && *from_env)
        return from_env;
    const char *value = section? zconfig_get (section, path, NULL): NULL;
    return value && *value? value: fallback;
}

//  An integer setting in min..max into *value. Returns 0, or -1 with why.
static int
s_number (zconfig_t *section, const char *path, long fallback, long min, long max,
          long *value, char *err, size_t errlen)
{
    const char *text = s_setting (section, path, NULL, NULL);
    char *end = NULL;
    *value = text? strtol (text, &end, 10): fallback;
    if ((text && (end == text || *end)) || *value < min || *value > max) {
        snprintf (err, errlen, "agent-sync/%s '%s': not a number in %ld..%ld", path,
                  text? text: "", min, max);
        return -1;
    }
    return 0;
}

//  The credentials key from the environment (sb_credentials): required.
static sb_secretbox_t *
s_box (char *err, size_t errlen)
{
    sb_secretbox_t *box = NULL;
    sb_credentials_box_from_env (&box, err, errlen);
    return box;
}

//  The numeric settings. Returns 0, or -1 with why.
static int
s_numbers (sb_agent_sync_t *self, zconfig_t *section, long *vapi_timeout, long *lock_ttl,
           char *err, size_t errlen)
{
    long twilio_timeout, attempts, lock_wait;
    if (s_number (section, "vapi/timeout", SB_AGENT_SYNC_TIMEOUT_MS, 100, 120000,
                  vapi_timeout, err, errlen)
    ||  s_number (section, "twilio/timeout", SB_AGENT_SYNC_TIMEOUT_MS, 100, 120000,
                  &twilio_timeout, err, errlen)
    ||  s_number (section, "max-attempts", SB_AGENT_SYNC_MAX_ATTEMPTS, 1, 100, &attempts,
                  err, errlen)
    ||  s_number (section, "lock-ttl", *vapi_timeout > SB_AGENT_SYNC_TIMEOUT_MS
                                       ? 3 * *vapi_timeout: 3 * SB_AGENT_SYNC_TIMEOUT_MS,
                  1000, 3600000, lock_ttl, err, errlen)
    ||  s_number (section, "lock-wait", SB_AGENT_SYNC_LOCK_WAIT_MS, 0, 600000, &lock_wait,
                  err, errlen))
        return -1;
    if (*lock_ttl < 3 * *vapi_timeout) {
        //  A lock that ends between two of its holder's calls lets a second
        //  save create the same agent
        snprintf (err, errlen, "agent-sync/lock-ttl %ld: less than 3 x vapi/timeout (%ld)",
                  *lock_ttl, *vapi_timeout);
        return -1;
    }
    self->twilio_timeout_ms = (int) twilio_timeout;
    self->max_attempts = (uint32_t) attempts;
    self->lock_wait_ms = lock_wait;
    return 0;
}

void *
sb_agent_sync_setup (zconfig_t *section, char *err, size_t errlen)
{
    sb_agent_sync_t *self = (sb_agent_sync_t *) calloc (1, sizeof *self);
    long vapi_timeout = 0, lock_ttl = 0;
    const char *twilio = s_setting (section, "twilio/base", "TWILIO_API_BASE",
                                    "https://api.twilio.com");
    if (!self || s_numbers (self, section, &vapi_timeout, &lock_ttl, err, errlen)
    ||  !(self->box = s_box (err, errlen))
    ||  !(self->vapi = sb_vapi_new (s_setting (section, "vapi/base", "VAPI_API_BASE",
                                               "https://api.vapi.ai"),
                                    (int) vapi_timeout, err, errlen))) {
        sb_agent_sync_teardown ((void **) &self);
        return NULL;
    }
    if (strncmp (twilio, "http://", 7) && strncmp (twilio, "https://", 8)) {
        snprintf (err, errlen, "Twilio's base URL '%s' is not http:// or https://", twilio);
        sb_agent_sync_teardown ((void **) &self);
        return NULL;
    }
    self->twilio_base = strdup (twilio);
    self->store = sb_agent_store_new (s_setting (section, "prefix", NULL, "sb:"), self->box,
                                      (int) lock_ttl);
    return self;
}

void
sb_agent_sync_teardown (void **state_p)
{
    sb_agent_sync_t *self = (sb_agent_sync_t *) *state_p;
    if (!self)
        return;
    sb_agent_store_destroy (&self->store);
    sb_vapi_destroy (&self->vapi);
    sb_secretbox_destroy (&self->box);
    free (self->twilio_base);
    free (self);
    *state_p = NULL;
}

//  --------------------------------------------------------------------------
//  Failures, with the secrets out

//  Replaces every occurrence of secret in text with "[redacted]".
static void
s_redact (char *text, size_t size, const char *secret)
{
    size_t length = secret? strlen (secret): 0;
    char *at = length? strstr (text, secret): NULL;
    while (at) {
        char rest [S_WHY_MAX];
        snprintf (rest, sizeof rest, "%s", at + length);
        snprintf (at, size - (size_t) (at - text), "[redacted]%s", rest);
        size_t next = (size_t) (at - text) + strlen ("[redacted]");
        at = next < strlen (text)? strstr (text + next, secret): NULL;
    }
}

int
sb_save_failed (sb_save_t *save, sb_step_t step, sb_rest_verdict_t verdict,
                int64_t retry_after_ms, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (save->why, sizeof save->why, format, args);
    va_end (args);
    s_redact (save->why, sizeof save->why, save->credentials.vapi_api_key);
    s_redact (save->why, sizeof save->why, save->credentials.twilio_auth_token);
    save->failed_step = step;
    save->verdict = verdict;
    save->retry_after_ms = retry_after_ms;
    return -1;
}

//  --------------------------------------------------------------------------
//  Steps 1 to 3

static int
s_store_credentials (sb_save_t *save)
{
    char err [512];
    if (sb_agent_store_save_credentials (save->self->store, save->ctx, save->tenant,
                                         &save->credentials, save->credentials_ref,
                                         err, sizeof err))
        return sb_save_failed (save, SB_STEP_STORE, SB_REST_TRANSIENT, -1,
                               "cannot store the credentials: %s", err);
    save->done [SB_STEP_STORE] = true;
    return 0;
}

//  True if text has a control character: it would end an HTTP header.
static bool
s_has_control (const char *text)
{
    for (const unsigned char *at = (const unsigned char *) text; *at; at++)
        if (*at < 0x20 || *at == 0x7f)
            return true;
    return false;
}

static int
s_validate_vapi (sb_save_t *save)
{
    sb_rest_outcome_t outcome;
    if (s_has_control (save->credentials.vapi_api_key))
        return sb_save_failed (save, SB_STEP_VAPI, SB_REST_REFUSED, -1,
                               "the Vapi API key holds a control character: check the key");
    if (sb_vapi_check_key (save->self->vapi, save->credentials.vapi_api_key, &outcome) == 0) {
        save->done [SB_STEP_VAPI] = true;
        return 0;
    }
    if (outcome.status == 401 || outcome.status == 403)
        return sb_save_failed (save, SB_STEP_VAPI, SB_REST_REFUSED, -1,
                               "Vapi refused the API key (HTTP %ld): check the key",
                               outcome.status);
    return sb_save_failed (save, SB_STEP_VAPI, outcome.verdict, outcome.retry_after_ms,
                           "Vapi: %s", outcome.why);
}

static int
s_validate_twilio (sb_save_t *save)
{
    sb_rest_outcome_t outcome;
    if (sb_twilio_account_check (save->self->twilio_base, save->self->twilio_timeout_ms,
                                 save->credentials.twilio_account_sid,
                                 save->credentials.twilio_auth_token, &outcome) == 0) {
        save->done [SB_STEP_TWILIO] = true;
        return 0;
    }
    return sb_save_failed (save, SB_STEP_TWILIO, outcome.verdict, outcome.retry_after_ms,
                           "%s%s", outcome.status == 401 || outcome.status == 404? "": "Twilio: ",
                           outcome.why);
}

//  --------------------------------------------------------------------------
//  The report

//  The agents' ids and actions as far as known, each into its own map.
static void
s_report_agents (const sb_save_t *save, json_t *report)
{
    json_t *ids = json_object (), *actions = json_object ();
    for (size_t index = 0; index < SB_AGENT_SPEC_ROLES; index++) {
        const char *role = sb_agent_spec_roles [index];
        if (*save->agents [index].id)
            json_object_set_new (ids, role, json_string (save->agents [index].id));
        if (save->actions [index])
            json_object_set_new (actions, role, json_string (save->actions [index]));
    }
    json_object_set_new (report, "agent_ids", ids);
    json_object_set_new (report, "agent_actions", actions);
}

//  agents.synced for the save as it stands (caller owns it).
static json_t *
s_report (const sb_save_t *save)
{
    bool success = save->verdict == SB_REST_OK;
    json_t *steps = json_object ();
    for (size_t step = 0; step < SB_STEPS; step++)
        json_object_set_new (steps, s_step_names [step], json_boolean (save->done [step]));
    json_t *report = json_pack ("{s:b, s:o, s:I}", "success", success, "steps", steps,
                                "elapsed_ms", (json_int_t) (zclock_mono () - save->started_ms));
    if (!report)
        return NULL;
    if (!success) {
        json_object_set_new (report, "failed_step",
                             json_string (s_step_names [save->failed_step]));
        json_object_set_new (report, "error", json_string (save->why));
    }
    if (save->done [SB_STEP_STORE])
        json_object_set_new (report, "credentials_ref", json_string (save->credentials_ref));
    s_report_agents (save, report);
    return report;
}

//  Logs what the save came to, never a secret (why is redacted).
static void
s_log (const sb_save_t *save, const char *ending)
{
    if (save->verdict == SB_REST_OK)
        zsys_info ("agent-sync: tenant %s: saved, inbound %s %s, outbound %s %s, in %" PRId64
                   " ms", save->tenant, save->actions [0], save->agents [0].id,
                   save->actions [1], save->agents [1].id, zclock_mono () - save->started_ms);
    else
        zsys_warning ("agent-sync: tenant %s: %s failed (%s), attempt %u: %s", save->tenant,
                      s_step_names [save->failed_step], ending, sb_actor_attempt (save->ctx),
                      save->why);
}

//  How the save ends: a retry while a transient failure has attempts left,
//  else the report.
static sb_actor_result_t
s_finish (sb_save_t *save)
{
    uint32_t attempt = sb_actor_attempt (save->ctx);
    if (save->verdict == SB_REST_TRANSIENT && attempt < save->self->max_attempts) {
        s_log (save, "will retry");
        return sb_actor_retry (save->ctx, save->retry_after_ms > 0? save->retry_after_ms: 0,
                               "%s: %s", s_step_names [save->failed_step], save->why);
    }
    if (save->verdict == SB_REST_TRANSIENT) {
        size_t length = strlen (save->why);
        snprintf (save->why + length, sizeof save->why - length, " (%u attempts)", attempt);
    }
    s_log (save, "reported");
    json_t *report = s_report (save);
    if (!report || sb_actor_emit (save->ctx, "agents.synced", report))
        return sb_actor_retry (save->ctx, 0, "cannot emit agents.synced (out of memory)");
    return SB_ACTOR_DONE;
}

//  --------------------------------------------------------------------------
//  The handler

static const char *
s_field (const json_t *body, const char *name)
{
    return json_string_value (json_object_get (body, name));
}

sb_actor_result_t
sb_agent_sync_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    json_t *body = sb_envelope_body (message);
    sb_save_t save = {
        .self = (sb_agent_sync_t *) state, .ctx = ctx, .tenant = sb_envelope_tenant (message),
        .credentials = { s_field (body, "vapi_api_key"), s_field (body, "twilio_account_sid"),
                         s_field (body, "twilio_auth_token"),
                         s_field (body, "twilio_phone_number") },
        .agent_config = json_object_get (body, "agent_config"),
        .started_ms = zclock_mono (), .verdict = SB_REST_OK
    };
    if (!save.tenant || !*save.tenant)
        sb_save_failed (&save, SB_STEP_STORE, SB_REST_REFUSED, -1, "the save names no tenant");
    else
    if (s_store_credentials (&save) == 0 && s_validate_vapi (&save) == 0
    &&  s_validate_twilio (&save) == 0 && sb_agent_sync_agents (&save) == 0)
        save.done [SB_STEP_AGENTS] = true;
    return s_finish (&save);
}
