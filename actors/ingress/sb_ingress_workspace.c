/*  sb_ingress_workspace.c — POST /api/workspace/save: a tenant saves its
    Vapi and Twilio credentials; ingress publishes workspace.saved with
    reply_to its own reply service and answers with agent-sync's report
    (agents.synced), or 504 once the deadline has passed (the save goes
    on). The HTTP request is parked (libmicrohttpd suspend) meanwhile, so
    it holds no worker thread.

    Auth: "Authorization: Bearer <token>", a tenant's own token from
    ingress/workspace-tokens/<tenant> (then tenantId may be left out), or
    WORKSPACE_API_TOKEN with the body's tenantId. No token configured: the
    endpoint refuses everything. Tokens are compared in constant time.    */

#include "sb_ingress_private.h"
#include <openssl/crypto.h>

static bool
s_token_equal (const char *given, const char *token)
{
    return token && *token && strlen (given) == strlen (token)
        && CRYPTO_memcmp (given, token, strlen (token)) == 0;
}

//  A configured token: the value, or "env:NAME" for the environment's.
static const char *
s_token_value (const char *value)
{
    return value && strncmp (value, "env:", 4) == 0? getenv (value + 4): value;
}

//  The tenant the bearer token stands for: a tenant's own, else the global
//  token with the body's tenantId. Returns the tenant (borrowed), or NULL
//  with the HTTP status and reason.
static const char *
s_authorize (sb_ingress_t *self, sb_ingress_request_t *request, const json_t *json,
             unsigned int *status, char *reason, size_t reasonlen)
{
    const char *header = MHD_lookup_connection_value (request->connection, MHD_HEADER_KIND,
                                                      MHD_HTTP_HEADER_AUTHORIZATION);
    const char *given = header && strncmp (header, "Bearer ", 7) == 0? header + 7: NULL;
    const char *body_tenant = json_string_value (json_object_get (json, "tenantId"));
    *status = MHD_HTTP_UNAUTHORIZED;
    snprintf (reason, reasonlen, "missing or wrong bearer token");
    if (!given)
        return NULL;
    zconfig_t *tokens = self->config.workspace_tokens;
    for (zconfig_t *item = tokens? zconfig_child (tokens): NULL; item; item = zconfig_next (item))
        if (s_token_equal (given, s_token_value (zconfig_value (item)))) {
            if (body_tenant && !streq (body_tenant, zconfig_name (item))) {
                *status = MHD_HTTP_FORBIDDEN;
                snprintf (reason, reasonlen, "this token is not tenant '%.64s''s", body_tenant);
                return NULL;
            }
            return zconfig_name (item);
        }
    if (!s_token_equal (given, self->config.workspace_token))
        return NULL;
    if (!body_tenant || !*body_tenant) {
        *status = MHD_HTTP_BAD_REQUEST;
        snprintf (reason, reasonlen, "tenantId is required with the global token");
    }
    return body_tenant && *body_tenant? body_tenant: NULL;
}

json_t *
sb_ingress_saved_body (const json_t *json, char *err, size_t errlen)
{
    static const char *fields [][2] = {
        { "vapiApiKey", "vapi_api_key" }, { "twilioAccountSid", "twilio_account_sid" },
        { "twilioAuthToken", "twilio_auth_token" }, { "twilioPhoneNumber", "twilio_phone_number" },
    };
    json_t *body = json_object ();
    for (size_t index = 0; index < 4; index++) {
        const char *value = json_string_value (json_object_get (json, fields [index][0]));
        if (!value || !*value) {
            sb_error_set (err, errlen, "%s: required, a non-empty string", fields [index][0]);
            json_decref (body);
            return NULL;
        }
        json_object_set_new (body, fields [index][1], json_string (value));
    }
    const json_t *agent = json_object_get (json, "agentConfig");
    if (agent && !json_is_object (agent)) {
        sb_error_set (err, errlen, "agentConfig: must be an object");
        json_decref (body);
        return NULL;
    }
    if (agent)
        json_object_set (body, "agent_config", (json_t *) agent);
    return body;
}

//  The envelope of one save: a key of its own (each save is new work; a
//  client's retry is a new save, which agent-sync applies idempotently),
//  the corr the reply is matched by, reply_to this instance's queue.
static sb_envelope_t *
s_saved_envelope (sb_ingress_t *self, const char *tenant, json_t *body)
{
    char id [SB_ID_LEN + 1];
    sb_idgen_t *ids = sb_idgen_new ();
    if (!ids || sb_idgen_next (ids, 0, id)) {
        sb_idgen_destroy (&ids);
        json_decref (body);
        return NULL;
    }
    sb_idgen_destroy (&ids);
    char *key = zsys_sprintf ("workspace:%s:%s", tenant, id);
    sb_envelope_t *env = sb_envelope_new ("workspace.saved");
    if (env && key) {
        sb_envelope_set_key (env, key);
        sb_envelope_set_corr (env, key);
        sb_envelope_set_src (env, "ingress");
        sb_envelope_set_tenant (env, tenant);
        sb_envelope_set_reply_to (env, self->reply_service);
        sb_envelope_set_body (env, body);
    }
    else
        json_decref (body);
    zstr_free (&key);
    return env;
}

static void
s_suspend (void *connection)
{
    MHD_suspend_connection ((struct MHD_Connection *) connection);
}

static void
s_resume (void *connection)
{
    MHD_resume_connection ((struct MHD_Connection *) connection);
}

//  Copies a step flag from snake_case to camelCase.
static void
s_copy_step (json_t *to, const json_t *from, const char *snake, const char *camel)
{
    json_object_set_new (to, camel, json_boolean (json_is_true (json_object_get (from, snake))));
}

//  agents.synced as the client reads it: camelCase.
static json_t *
s_report (const json_t *synced)
{
    const json_t *steps = json_object_get (synced, "steps");
    json_t *camel_steps = json_object ();
    s_copy_step (camel_steps, steps, "credentials_stored", "credentialsStored");
    s_copy_step (camel_steps, steps, "vapi_validated", "vapiValidated");
    s_copy_step (camel_steps, steps, "twilio_validated", "twilioValidated");
    s_copy_step (camel_steps, steps, "agents_synced", "agentsSynced");
    json_t *report = json_pack ("{s:b, s:o}", "success",
                                json_is_true (json_object_get (synced, "success")),
                                "steps", camel_steps);
    static const char *optional [][2] = {
        { "agent_ids", "agentIds" }, { "failed_step", "failedStep" }, { "error", "error" },
        { "agent_actions", "agentActions" }, { "elapsed_ms", "elapsedMs" },
        { "credentials_ref", "credentialsRef" },
    };
    for (size_t index = 0; index < sizeof optional / sizeof optional [0]; index++) {
        json_t *value = json_object_get (synced, optional [index][0]);
        if (value)
            json_object_set (report, optional [index][1], value);
    }
    return report;
}

//  The answer once the wait has ended: the report (200, or 422 when a step
//  failed), 504 past the deadline, 503 when ingress is stopping.
static enum MHD_Result
s_answer_wait (sb_ingress_t *self, sb_ingress_request_t *request)
{
    sb_replies_outcome_t outcome = sb_replies_outcome (self->replies, request->waiter);
    json_t *synced = sb_replies_take (self->replies, &request->waiter);
    if (outcome == SB_REPLIES_TIMED_OUT || outcome == SB_REPLIES_GONE) {
        json_decref (synced);
        return outcome == SB_REPLIES_GONE
            ? sb_ingress_refuse (self, request, MHD_HTTP_SERVICE_UNAVAILABLE,
                                 "ingress is stopping; the save goes on")
            : sb_ingress_refuse (self, request, MHD_HTTP_GATEWAY_TIMEOUT,
                                 "agent-sync has not answered within %d ms; the save goes on",
                                 self->config.workspace_timeout_ms);
    }
    json_t *report = s_report (synced);
    bool success = json_is_true (json_object_get (report, "success"));
    char *text = json_dumps (report, JSON_COMPACT);
    json_decref (report);
    json_decref (synced);
    enum MHD_Result rc = sb_ingress_answer (self, request,
        success? MHD_HTTP_OK: MHD_HTTP_UNPROCESSABLE_CONTENT, "application/json", text? text: "{}");
    free (text);
    return rc;
}

//  Checks, publishes and parks; or answers at once when it cannot.
static enum MHD_Result
s_start_save (sb_ingress_t *self, sb_ingress_request_t *request, json_t *json)
{
    char reason [600];
    unsigned int status;
    const char *tenant = s_authorize (self, request, json, &status, reason, sizeof reason);
    if (!tenant) {
        if (status != MHD_HTTP_BAD_REQUEST)
            sb_metrics_auth_failure (self->metrics, request->path);
        return sb_ingress_refuse (self, request, status, "%s", reason);
    }
    json_t *body = sb_ingress_saved_body (json, reason, sizeof reason);
    if (!body)
        return sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST, "%s", reason);
    if (!sb_replies_ready (self->replies)) {
        json_decref (body);
        return sb_ingress_refuse (self, request, MHD_HTTP_SERVICE_UNAVAILABLE,
                                  "the broker has not welcomed ingress's reply queue yet");
    }
    sb_envelope_t *env = s_saved_envelope (self, tenant, body);
    request->waiter = env? sb_replies_expect (self->replies, sb_envelope_corr (env),
                                              zclock_time () + self->config.workspace_timeout_ms,
                                              s_resume, request->connection): NULL;
    status = request->waiter? sb_ingress_publish (self, env, reason, sizeof reason)
           : MHD_HTTP_SERVICE_UNAVAILABLE;
    if (!request->waiter)
        snprintf (reason, sizeof reason, "out of memory");
    sb_envelope_destroy (&env);
    if (status != MHD_HTTP_OK) {
        json_decref (sb_replies_take (self->replies, &request->waiter));
        return sb_ingress_refuse (self, request, status, "%s", reason);
    }
    if (sb_replies_park (self->replies, request->waiter, s_suspend, request->connection))
        return MHD_YES;          //  woken by the reply or the deadline
    return s_answer_wait (self, request);
}

enum MHD_Result
sb_ingress_on_workspace (sb_ingress_t *self, sb_ingress_request_t *request)
{
    if (request->waiter)
        return s_answer_wait (self, request);
    if (!sb_ingress_content_type_is (request->connection, "application/json"))
        return sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST,
                                  "content type must be application/json");
    json_error_t error;
    json_t *json = json_loadb (request->body? request->body: "", request->size,
                               JSON_REJECT_DUPLICATES, &error);
    if (!json_is_object (json)) {
        json_decref (json);
        return json
            ? sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST, "the body must be a JSON object")
            : sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST,
                                 "malformed JSON at line %d, column %d: %s",
                                 error.line, error.column, error.text);
    }
    enum MHD_Result rc = s_start_save (self, request, json);
    json_decref (json);
    return rc;
}
