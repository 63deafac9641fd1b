/*  sb_sender.c — the sender's settings, the job a quality.approved becomes
    (To and From worked out), message.sent, outbox mode, and the handler
    that picks Twilio or the outbox for each message.                     */

#include "sb_sender_private.h"
#include "sb_sms.h"
#include "sb_tenant.h"

#define S_WHATSAPP "whatsapp:"

//  --------------------------------------------------------------------------
//  Settings

//  The value at path in section (NULL section: none), or NULL when empty.
static const char *
s_config (zconfig_t *section, const char *path)
{
    const char *value = section? zconfig_get (section, path, NULL): NULL;
    return value && *value? value: NULL;
}

//  The config value, overridden by the environment variable env (if not
//  NULL), or NULL when neither says anything.
static const char *
s_setting (zconfig_t *section, const char *path, const char *env)
{
    const char *value = env? getenv (env): NULL;
    return value && *value? value: s_config (section, path);
}

//  An integer key in low..high, fallback when absent. Returns 0, or -1
//  with the reason naming the key.
static int
s_number (zconfig_t *section, const char *path, long fallback, long low, long high,
          long *value, char *err, size_t errlen)
{
    const char *text = s_config (section, path);
    char *end = NULL;
    *value = text? strtol (text, &end, 10): fallback;
    if (text && (*end || *value < low || *value > high))
        return sb_error_set (err, errlen, "sender/%s '%s': not an integer in %ld..%ld",
                             path, text, low, high);
    return 0;
}

//  A rate in messages per second, 0..10000. Returns 0 or -1 with why.
static int
s_rate (zconfig_t *section, const char *path, double fallback, double *value, char *err,
        size_t errlen)
{
    const char *text = s_config (section, path);
    char *end = NULL;
    *value = text? strtod (text, &end): fallback;
    if (text && (*end || !(*value >= 0 && *value <= 10000)))
        return sb_error_set (err, errlen, "sender/%s '%s': not a number in 0..10000", path, text);
    return 0;
}

//  The limits: time-out, waits, lookups, throttle.
static int
s_read_limits (sb_sender_t *self, zconfig_t *section, char *err, size_t errlen)
{
    long timeout, wait, delay, pages, skew, in_flight, ttl;
    double rate, burst;
    if (s_number (section, "twilio/timeout", 10000, 100, 120000, &timeout, err, errlen)
    ||  s_number (section, "twilio/wait", 1000, 0, 60000, &wait, err, errlen)
    ||  s_number (section, "twilio/lookup_delay", 5000, 0, 600000, &delay, err, errlen)
    ||  s_number (section, "twilio/lookup_pages", 5, 1, 100, &pages, err, errlen)
    ||  s_number (section, "twilio/clock_skew", 5000, 0, 600000, &skew, err, errlen)
    ||  s_number (section, "twilio/max_in_flight", SB_THROTTLE_IN_FLIGHT, 1, 100000, &in_flight,
                  err, errlen)
    ||  s_number (section, "record_ttl", SB_SENT_TTL_S, 3600, 365 * 86400, &ttl, err, errlen)
    ||  s_number (section, "outbox_max", SB_OUTBOX_MAX, 1, 10000000, &self->outbox_max,
                  err, errlen)
    ||  s_rate (section, "twilio/rate", 0, &rate, err, errlen)
    ||  s_rate (section, "twilio/burst", rate, &burst, err, errlen))
        return -1;
    self->timeout_ms = (int) timeout;
    self->wait_ms = (int) wait;
    self->lookup_delay_ms = (int) delay;
    self->lookup_pages = (int) pages;
    self->skew_ms = (int) skew;
    self->ttl_s = (int) ttl;
    self->throttle = sb_throttle_new ((int) in_flight, rate, burst);
    return self->throttle? 0: sb_error_set (err, errlen, "out of memory");
}

//  sender/mode, checked: "auto" (the default), "twilio" or "outbox".
//  Returns it, or NULL with why.
static const char *
s_mode (zconfig_t *section, char *err, size_t errlen)
{
    const char *mode = s_config (section, "mode");
    mode = mode? mode: "auto";
    if (streq (mode, "auto") || streq (mode, "twilio") || streq (mode, "outbox"))
        return mode;
    sb_error_set (err, errlen, "sender/mode: '%.32s' is not auto, twilio or outbox", mode);
    return NULL;
}

//  The process's own account: the account SID and TWILIO_AUTH_TOKEN,
//  unless ignored (mode outbox), and the last resort for From. An SID
//  needs the token; the token alone is no account (it is also ingress's
//  key for inbound signatures: a developer who signs test webhooks keeps
//  the outbox). Returns 0 or -1 with why.
static int
s_read_account (sb_sender_t *self, zconfig_t *section, bool ignored, char *err, size_t errlen)
{
    if (s_config (section, "twilio/auth_token"))
        return sb_error_set (err, errlen, "sender/twilio/auth_token: the auth token is a "
                             "secret, read only from the environment (TWILIO_AUTH_TOKEN)");
    const char *sid = s_setting (section, "twilio/account_sid", "TWILIO_ACCOUNT_SID");
    const char *token = getenv ("TWILIO_AUTH_TOKEN");
    token = token && *token? token: NULL;
    const char *number = s_setting (section, "twilio/phone_number", "TWILIO_PHONE_NUMBER");
    self->phone_number = number? strdup (number): NULL;
    if (ignored)
        return 0;
    if (sid && !token)
        return sb_error_set (err, errlen, "the account SID is set without TWILIO_AUTH_TOKEN: "
                             "set it, or sender/mode = outbox");
    if (token && !sid)
        zsys_notice ("sender: TWILIO_AUTH_TOKEN is set without an account SID "
                     "(TWILIO_ACCOUNT_SID): the process has no Twilio account of its own");
    self->account_sid = sid? strdup (sid): NULL;
    self->auth_token = sid? strdup (token): NULL;
    return 0;
}

//  Twilio's settings, by sender/mode. "auto" (the default): each message
//  goes with its tenant's own account (stored by agent-sync, read when
//  CREDENTIALS_KEY is set), else the process's, else to the outbox.
//  "twilio": the same, but never the outbox (a message with no account
//  fails), and at least one kind of account is needed to start. "outbox":
//  always the outbox, credentials ignored. (Redis for the record and the
//  credentials is the runtime's to require: sender.c.)
static int
s_read_twilio (sb_sender_t *self, zconfig_t *section, char *err, size_t errlen)
{
    const char *mode = s_mode (section, err, errlen);
    if (!mode || s_read_account (self, section, streq (mode, "outbox"), err, errlen))
        return -1;
    if (streq (mode, "outbox"))
        return 0;
    self->twilio_only = streq (mode, "twilio");
    if (sb_credentials_box_from_env (&self->box, err, errlen) < 0)
        return -1;
    if (self->twilio_only && !self->account_sid && !self->box)
        return sb_error_set (err, errlen, "sender/mode = twilio needs an account: the process's "
                             "(TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN) or tenants' own "
                             "(CREDENTIALS_KEY, to read what agent-sync stored)");
    if (!self->account_sid && !self->box)
        return 0;
    const char *base = s_setting (section, "twilio/api_base", "TWILIO_API_BASE");
    self->api = sb_twilio_api_new (base, self->timeout_ms, err, errlen);
    return self->api? 0: -1;
}

//  Says at start where messages go.
static void
s_log_mode (const sb_sender_t *self)
{
    char process [SB_SENT_SID_MAX + 32];
    snprintf (process, sizeof process, "account %s", self->account_sid? self->account_sid: "");
    if (self->api)
        zsys_info ("sender: Twilio at %s, %d ms time-out: %s%s", sb_twilio_api_base (self->api),
                   self->timeout_ms, self->box? "a tenant's own account when stored, else ": "",
                   self->account_sid? process: self->outbox? "the outbox": "fail");
    if (self->outbox)
        zsys_info ("sender: %s go to %s and, with a Redis, the list " SB_OUTBOX_LIST,
                   self->api? "messages with no account": "outbox mode: messages",
                   sb_outbox_path (self->outbox));
}

sb_sender_t *
sb_sender_new (zconfig_t *section, char *err, size_t errlen)
{
    sb_sender_t *self = (sb_sender_t *) calloc (1, sizeof *self);
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    if (s_read_limits (self, section, err, errlen)
    ||  s_read_twilio (self, section, err, errlen)) {
        sb_sender_destroy (&self);
        return NULL;
    }
    //  The outbox is for messages no account can send, unless mode twilio
    //  fails them
    if (!self->account_sid && !self->twilio_only) {
        const char *path = s_config (section, "outbox");
        self->outbox = sb_outbox_new (path? path: SB_OUTBOX_PATH, err, errlen);
        if (!self->outbox) {
            sb_sender_destroy (&self);
            return NULL;
        }
    }
    s_log_mode (self);
    return self;
}

void
sb_sender_destroy (sb_sender_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_sender_t *self = *self_p;
    sb_twilio_api_destroy (&self->api);
    sb_secretbox_destroy (&self->box);
    if (self->auth_token)
        memset (self->auth_token, 0, strlen (self->auth_token));
    free (self->auth_token);
    free (self->account_sid);
    free (self->phone_number);
    sb_throttle_destroy (&self->throttle);
    sb_outbox_destroy (&self->outbox);
    free (self);
    *self_p = NULL;
}

//  --------------------------------------------------------------------------
//  The job

//  Writes address into target, with "whatsapp:" in front for WhatsApp
//  (unless it has it). Returns 0, or -1 if it does not fit.
static int
s_address (const char *address, bool whatsapp, char *target, size_t size)
{
    bool prefix = whatsapp && strncmp (address, S_WHATSAPP, strlen (S_WHATSAPP));
    int written = snprintf (target, size, "%s%s", prefix? S_WHATSAPP: "", address);
    return written > 0 && (size_t) written < size? 0: -1;
}

//  The number to send from: the conversation's tenant_number, else the
//  tenant's profile number, else fallback (the account's own number: the
//  tenant's stored one, or sender/twilio/phone_number; may be NULL); ""
//  if none. Returns 0, or a result to end the handler with (the profile
//  could not be read).
static int
s_from_number (sb_actor_ctx_t *ctx, const sb_envelope_t *message, const char *tenant_number,
               const char *fallback, char *number, size_t size, sb_actor_result_t *result)
{
    *number = 0;
    if (tenant_number && *tenant_number) {
        snprintf (number, size, "%s", tenant_number);
        return 0;
    }
    char err [512];
    int code = 0;
    sb_tenant_t *tenant = sb_tenant_load (ctx, sb_envelope_tenant (message), &code, err,
                                          sizeof err);
    if (!tenant) {
        *result = sb_tenant_refuse (ctx, code, err);
        return -1;
    }
    const char *profile = sb_tenant_str (tenant, "number");
    snprintf (number, size, "%s", *profile? profile: fallback? fallback: "");
    sb_tenant_destroy (&tenant);
    return 0;
}

//  Fills job from message, From's last resort being fallback (may be
//  NULL). Returns 0, or -1 with *result to end with.
static int
s_job (sb_actor_ctx_t *ctx, const sb_envelope_t *message, const char *fallback,
       sb_sender_job_t *job, sb_actor_result_t *result)
{
    memset (job, 0, sizeof *job);
    json_t *body = sb_envelope_body (message);
    job->id = sb_envelope_id (message);
    job->key = sb_envelope_key (message);
    job->text = json_string_value (json_object_get (body, "text"));
    job->conversation = json_object_get (body, "conversation");
    job->channel = json_string_value (json_object_get (job->conversation, "channel"));
    bool whatsapp = streq (job->channel, "whatsapp");
    const char *phone = json_string_value (json_object_get (job->conversation, "employee_phone"));
    const char *tenant_number = json_string_value (json_object_get (job->conversation,
                                                                    "tenant_number"));
    char number [SB_TWILIO_ADDRESS_MAX + 1];
    if (s_from_number (ctx, message, tenant_number, fallback, number, sizeof number, result))
        return -1;
    if (s_address (phone, whatsapp, job->to, sizeof job->to)
    ||  (*number && s_address (number, whatsapp, job->from, sizeof job->from))) {
        *result = sb_actor_fail (ctx, "an address is longer than %d bytes with its prefix",
                                 SB_TWILIO_ADDRESS_MAX);
        return -1;
    }
    sb_sms_info_t info;
    char err [256];
    if (!whatsapp && sb_sms_measure (job->text, &info, err, sizeof err) == 0)
        job->segments = info.segments > 64? 64: info.segments;
    return 0;
}

//  --------------------------------------------------------------------------
//  message.sent

json_t *
sb_sender_details (const sb_sender_job_t *job, const char *provider, int segments,
                   const char *status, int64_t sent_at_ms)
{
    json_t *details = json_pack ("{s:s, s:s, s:I}", "provider", provider, "to", job->to,
                                 "sent_at_ms", (json_int_t) sent_at_ms);
    if (details && *job->from)
        json_object_set_new (details, "from", json_string (job->from));
    if (details && !streq (job->channel, "whatsapp") && (segments > 0 || job->segments > 0))
        json_object_set_new (details, "segments",
                             json_integer (segments > 0? segments: job->segments));
    if (details && status && *status)
        json_object_set_new (details, "status", json_string (status));
    return details;
}

//  Copies from details into body the fields message.sent has, each only
//  if it is of the right kind (a record is outside data).
static void
s_apply_details (json_t *body, const json_t *details)
{
    const char *strings [] = { "provider", "to", "from", "status" };
    for (size_t index = 0; index < 4; index++) {
        json_t *value = json_object_get (details, strings [index]);
        if (json_is_string (value))
            json_object_set (body, strings [index], value);
    }
    const char *integers [] = { "segments", "sent_at_ms" };
    for (size_t index = 0; index < 2; index++) {
        json_t *value = json_object_get (details, integers [index]);
        if (json_is_integer (value))
            json_object_set (body, integers [index], value);
    }
}

sb_actor_result_t
sb_sender_emit_sent (sb_actor_ctx_t *ctx, const sb_sender_job_t *job, const char *sid,
                     const json_t *details)
{
    const char *provider = strncmp (sid, "OB", 2) == 0? "outbox": "twilio";
    json_t *body = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:O}", "message_sid", sid,
                              "provider", provider, "channel", job->channel, "to", job->to,
                              "text", job->text, "conversation", job->conversation);
    if (body && *job->from)
        json_object_set_new (body, "from", json_string (job->from));
    if (body && job->segments > 0)
        json_object_set_new (body, "segments", json_integer (job->segments));
    if (body)
        s_apply_details (body, details);
    if (!body || sb_actor_emit (ctx, "message.sent", body))
        return sb_actor_retry (ctx, 0, "cannot emit message.sent (out of memory)");
    return SB_ACTOR_DONE;
}

//  --------------------------------------------------------------------------
//  Outbox mode

//  The line written for job: what a reader of the outbox wants to see.
static json_t *
s_outbox_line (const sb_sender_job_t *job, const char *sid, const char *tenant, int64_t at_ms)
{
    json_t *line = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", sid, "key", job->key,
                              "tenant", tenant, "channel", job->channel, "to", job->to,
                              "text", job->text, "at_ms", (json_int_t) at_ms);
    if (line && *job->from)
        json_object_set_new (line, "from", json_string (job->from));
    return line;
}

//  The Redis side of the outbox, once per key. Returns what
//  sb_sent_push_once does, or 1 without a Redis (the file is the outbox).
static int
s_outbox_push (sb_sender_t *self, sb_actor_ctx_t *ctx, const sb_sender_job_t *job,
               const char *sid, const json_t *details, const char *item,
               sb_sent_record_t *record, char *err, size_t errlen)
{
    if (!sb_actor_redis_configured (ctx))
        return 1;
    redisContext *redis = sb_actor_redis (ctx, err, errlen);
    int rc = redis? sb_sent_push_once (redis, job->key, SB_OUTBOX_LIST, item, self->outbox_max,
                                       sid, details, self->ttl_s, record, err, errlen): -1;
    if (redis && redis->err)
        sb_actor_redis_failed (ctx);
    return rc;
}

//  Writes job to the Redis list and the file once per key (or, without
//  Redis, to the file every time), and emits message.sent.
static sb_actor_result_t
s_outbox (sb_sender_t *self, sb_actor_ctx_t *ctx, const sb_envelope_t *message,
          const sb_sender_job_t *job)
{
    char sid [SB_SENT_SID_MAX + 1], err [512] = "out of memory";
    snprintf (sid, sizeof sid, "OB%s", job->id);
    int64_t now = zclock_time ();
    json_t *details = sb_sender_details (job, "outbox", 0, NULL, now);
    json_t *line = s_outbox_line (job, sid, sb_envelope_tenant (message), now);
    char *item = line? json_dumps (line, JSON_COMPACT): NULL;
    sb_sent_record_t record;
    memset (&record, 0, sizeof record);
    int rc = details && item? s_outbox_push (self, ctx, job, sid, details, item, &record, err,
                                             sizeof err): -1;
    //  After the Redis record: a crash between the two leaves the line in
    //  the list only, never twice in the file. Without Redis the file is
    //  all there is: a failed write is retried
    if (rc == 1 && sb_outbox_append (self->outbox, line, err, sizeof err)) {
        if (sb_actor_redis_configured (ctx))
            zsys_warning ("sender: %s (%s is in Redis only)", err, sid);
        else
            rc = -1;
    }
    sb_actor_result_t result;
    if (rc == 1)
        result = sb_sender_emit_sent (ctx, job, sid, details);
    else
    if (rc == 0 && record.state == SB_SENT_DONE)
        result = sb_sender_emit_sent (ctx, job, record.sid, record.details);
    else
    if (rc == 0 || rc == SB_SENT_CORRUPT)
        result = sb_actor_fail (ctx, "outbox: %s", rc? err: "a Twilio request for this message "
                                "is unresolved (record pending): outbox mode cannot resolve it");
    else
        result = sb_actor_retry (ctx, 0, "outbox: %s", err);
    free (item);
    json_decref (line);
    json_decref (details);
    sb_sent_record_clear (&record);
    return result;
}

//  --------------------------------------------------------------------------
//  The handler

//  True if sid can name an account in Twilio's URLs: AC and letters and
//  digits, at most SB_SENT_SID_MAX (what is stored is outside data).
static bool
s_account_sid_valid (const char *sid)
{
    size_t length = strlen (sid);
    if (length < 3 || length > SB_SENT_SID_MAX || strncmp (sid, "AC", 2))
        return false;
    for (size_t index = 0; index < length; index++)
        if (!isalnum ((unsigned char) sid [index]))
            return false;
    return true;
}

//  Reads the tenant's own credentials into stored, when the sender has the
//  key and a Redis. Returns 0 when stored, 1 when not (or not read), or -1
//  with *result to end the handler with: Redis failed (retry), or what is
//  stored cannot be used (fail: never another account in its place).
static int
s_read_stored (sb_sender_t *self, sb_actor_ctx_t *ctx, const char *tenant,
               sb_tenant_credentials_t *stored, sb_actor_result_t *result)
{
    memset (stored, 0, sizeof *stored);
    if (!self->api || !self->box || !sb_actor_redis_configured (ctx) || !tenant || !*tenant)
        return 1;
    char err [512];
    redisContext *redis = sb_actor_redis (ctx, err, sizeof err);
    int rc = redis? sb_credentials_fetch (redis, SB_CREDENTIALS_PREFIX, self->box, tenant,
                                          stored, err, sizeof err): SB_CREDENTIALS_STORAGE;
    if (redis && redis->err)
        sb_actor_redis_failed (ctx);
    if (rc == 0 && !s_account_sid_valid (stored->twilio_account_sid)) {
        snprintf (err, sizeof err, "the stored account SID is not AC and letters and digits");
        rc = SB_CREDENTIALS_BAD;
    }
    if (rc == SB_CREDENTIALS_STORAGE)
        *result = sb_actor_retry (ctx, 0, "tenant %s's Twilio credentials: %s", tenant, err);
    else
    if (rc == SB_CREDENTIALS_BAD)
        *result = sb_actor_fail (ctx, "tenant %s's stored Twilio credentials cannot be used: %s",
                                 tenant, err);
    return rc < 0? -1: rc;
}

//  The Twilio account to send the tenant's messages with: its own, stored
//  by agent-sync, else the process's; *account_p NULL (the outbox, or a
//  failure in mode twilio) when neither has one. *fallback_p: the
//  account's own number, From's last resort. Returns 0, or -1 with
//  *result to end the handler with.
static int
s_account_for (sb_sender_t *self, sb_actor_ctx_t *ctx, const char *tenant,
               sb_tenant_credentials_t *stored, sb_twilio_account_t *account,
               const sb_twilio_account_t **account_p, const char **fallback_p,
               sb_actor_result_t *result)
{
    *account_p = NULL;
    *fallback_p = self->phone_number;
    int rc = s_read_stored (self, ctx, tenant, stored, result);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        account->account_sid = stored->twilio_account_sid;
        account->auth_token = stored->twilio_auth_token;
        *fallback_p = stored->twilio_phone_number;
        *account_p = account;
    }
    else
    if (self->api && self->account_sid) {
        account->account_sid = self->account_sid;
        account->auth_token = self->auth_token;
        *account_p = account;
    }
    return 0;
}

//  Sends job with account, the tenant's own or the process's (the
//  never-twice record on the thread's Redis).
static sb_actor_result_t
s_twilio (sb_sender_t *self, sb_actor_ctx_t *ctx, const sb_envelope_t *message,
          const sb_twilio_account_t *account, bool tenants, sb_sender_job_t *job)
{
    if (!*job->from)
        return sb_actor_fail (ctx, "no From number: the conversation has no tenant_number, "
                              "tenant %s no number, %s", sb_envelope_tenant (message),
                              tenants? "its stored credentials none"
                                     : "sender/twilio/phone_number is unset");
    char err [512];
    redisContext *redis = sb_actor_redis (ctx, err, sizeof err);
    if (!redis)
        return sb_actor_retry (ctx, 0, "never-twice record: %s", err);
    return sb_sender_twilio (self, ctx, account, job, redis);
}

sb_actor_result_t
sb_sender_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    sb_sender_t *self = (sb_sender_t *) state;
    const char *tenant = sb_envelope_tenant (message);
    sb_tenant_credentials_t stored;
    sb_twilio_account_t storage;
    const sb_twilio_account_t *account;
    const char *fallback;
    sb_sender_job_t job;
    sb_actor_result_t result = SB_ACTOR_DONE;     //  each path below sets it
    if (s_account_for (self, ctx, tenant, &stored, &storage, &account, &fallback, &result) == 0
    &&  s_job (ctx, message, fallback, &job, &result) == 0)
        result = account? s_twilio (self, ctx, message, account,
                                    stored.twilio_account_sid != NULL, &job)
               : self->outbox? s_outbox (self, ctx, message, &job)
               : sb_actor_fail (ctx, "tenant %s has no Twilio credentials stored and the sender "
                                "no account of its own (sender/mode = twilio: never the outbox)",
                                tenant);
    sb_credentials_clear (&stored);
    return result;
}
