/*  sb_ingress_webhooks.c — the providers' webhooks: Twilio's inbound SMS
    (signed) and a WhatsApp gateway's messages (shared secret). Each is
    checked whole, then published; answered when the broker has ACKed.    */

#include "sb_ingress_private.h"
#include "sb_date.h"
#include "sb_form.h"
#include "sb_twilio.h"
#include <openssl/crypto.h>

#define S_MAX_FORM_FIELDS 256
#define S_TWIML_EMPTY "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"

//  --------------------------------------------------------------------------
//  POST /webhook/sms

//  The URL Twilio signed: the configured public base, else http:// and the
//  Host header; then the URI as it was sent.
static char *
s_signed_url (sb_ingress_t *self, struct MHD_Connection *connection, const sb_ingress_request_t *request)
{
    if (self->config.public_url)
        return zsys_sprintf ("%s%s", self->config.public_url, request->uri);
    const char *host = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "Host");
    return host? zsys_sprintf ("http://%s%s", host, request->uri): NULL;
}

//  Checks X-Twilio-Signature with token (NULL: none, nothing is valid).
static bool
s_signature_valid (sb_ingress_t *self, struct MHD_Connection *connection,
                   const sb_ingress_request_t *request, const sb_form_t *form, const char *token)
{
    const char *header = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                      "X-Twilio-Signature");
    //  sb_twilio_signature_valid tries the URL with and without its port
    char *url = token? s_signed_url (self, connection, request): NULL;
    bool valid = url && sb_twilio_signature_valid (token, url, form, header);
    zstr_free (&url);
    return valid;
}

//  The token the tenant's SMS are signed with: its own (agent-sync stored
//  it) when ingress reads tenants' tokens and one is stored, else
//  TWILIO_AUTH_TOKEN (NULL if unset). Never the latter when the tenant
//  may have its own: if that cannot be told now (Redis), returns -1 with
//  why. Else 0, with *token_p set and *stored_p the copy to free
//  (sb_token_cache_free) or NULL.
static int
s_token_for (sb_ingress_t *self, const char *tenant, char **stored_p, const char **token_p,
             char *err, size_t errlen)
{
    *stored_p = NULL;
    *token_p = self->config.twilio_token;
    int rc = self->tokens? sb_token_cache_get (self->tokens, tenant, stored_p, err, errlen): 1;
    if (rc == 0)
        *token_p = *stored_p;
    return rc < 0? -1: 0;
}

//  Checks the signature with the tenant's token. Returns 200 when valid,
//  else the status to refuse with: 403 (missing or wrong, or no token),
//  503 (the tenant's token cannot be read now).
static unsigned int
s_check_signature (sb_ingress_t *self, sb_ingress_request_t *request, const sb_form_t *form,
                   const char *tenant)
{
    char err [512], *stored = NULL;
    const char *token = NULL;
    if (s_token_for (self, tenant, &stored, &token, err, sizeof err)) {
        zsys_warning ("ingress: /webhook/sms: tenant %s: cannot read its Twilio credentials: %s",
                      tenant, err);
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    bool valid = s_signature_valid (self, request->connection, request, form, token);
    sb_token_cache_free (&stored);
    if (valid)
        return MHD_HTTP_OK;
    sb_metrics_auth_failure (self->metrics, request->path);
    zsys_warning ("ingress: /webhook/sms: tenant %s: missing or wrong X-Twilio-Signature", tenant);
    return MHD_HTTP_FORBIDDEN;
}

//  The sms.received body from Twilio's form, or NULL with the missing
//  field named in err.
static json_t *
s_sms_body (const sb_form_t *form, char *err, size_t errlen)
{
    const char *required [] = { "MessageSid", "AccountSid", "From", "To", "Body" };
    for (size_t index = 0; index < 5; index++)
        if (!sb_form_get (form, required [index])) {
            sb_error_set (err, errlen, "missing form field %s", required [index]);
            return NULL;
        }
    const char *media_count = sb_form_get (form, "NumMedia");
    char *end = NULL;
    long media = media_count? strtol (media_count, &end, 10): 0;
    if (media_count && (!*media_count || *end || media < 0 || media > 10)) {
        sb_error_set (err, errlen, "NumMedia: '%.32s' is not a number in 0..10", media_count);
        return NULL;
    }
    json_t *body = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
        "message_sid", sb_form_get (form, "MessageSid"),
        "account_sid", sb_form_get (form, "AccountSid"),
        "channel", "sms", "from", sb_form_get (form, "From"), "to", sb_form_get (form, "To"),
        "text", sb_form_get (form, "Body"), "num_media", (json_int_t) (media > 0? media: 0));
    json_t *list = json_array ();
    for (long index = 0; body && list && index < media && index < 10; index++) {
        char name [32], type [40];
        snprintf (name, sizeof name, "MediaUrl%ld", index);
        snprintf (type, sizeof type, "MediaContentType%ld", index);
        const char *url = sb_form_get (form, name);
        const char *content_type = sb_form_get (form, type);
        if (url)
            json_array_append_new (list, content_type
                ? json_pack ("{s:s, s:s}", "url", url, "content_type", content_type)
                : json_pack ("{s:s}", "url", url));
    }
    if (body && json_array_size (list))
        json_object_set (body, "media", list);
    json_decref (list);
    const char *service = sb_form_get (form, "MessagingServiceSid");
    if (body && service)
        json_object_set_new (body, "messaging_service_sid", json_string (service));
    return body;
}

enum MHD_Result
sb_ingress_on_sms (sb_ingress_t *self, sb_ingress_request_t *request)
{
    struct MHD_Connection *connection = request->connection;
    if (!sb_ingress_content_type_is (connection, "application/x-www-form-urlencoded"))
        return sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST,
                         "content type must be application/x-www-form-urlencoded");
    char err [512], reason [600];
    sb_form_t *form = sb_form_parse (request->body? request->body: "", request->size,
                                     S_MAX_FORM_FIELDS, err, sizeof err);
    if (!form)
        return sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST, "malformed form: %s", err);
    //  The tenant, by To, only chooses the token: the signature covers To
    const char *tenant = sb_ingress_tenant_for (self, sb_form_get (form, "To"));
    unsigned int status = s_check_signature (self, request, form, tenant);
    if (status != MHD_HTTP_OK) {
        sb_form_destroy (&form);
        return status == MHD_HTTP_FORBIDDEN
             ? sb_ingress_refuse (self, request, status, "missing or wrong X-Twilio-Signature")
             : sb_ingress_refuse (self, request, status, "the tenant's Twilio credentials "
                                  "cannot be read now: try again later");
    }
    json_t *body = s_sms_body (form, err, sizeof err);
    char *key = body? zsys_sprintf ("sms:twilio:%s", sb_form_get (form, "MessageSid")): NULL;
    sb_form_destroy (&form);
    if (!body)
        return sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST, "%s", err);
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    sb_envelope_set_key (env, key);
    sb_envelope_set_corr (env, key);
    sb_envelope_set_src (env, "ingress");
    sb_envelope_set_tenant (env, tenant);
    sb_envelope_set_body (env, body);
    zstr_free (&key);
    status = sb_ingress_publish (self, env, reason, sizeof reason);
    sb_envelope_destroy (&env);
    if (status != MHD_HTTP_OK)
        return sb_ingress_refuse (self, request, status, "%s", reason);
    return sb_ingress_answer (self, request, MHD_HTTP_OK, "text/xml", S_TWIML_EMPTY);
}

//  --------------------------------------------------------------------------
//  POST /webhook/whatsapp/incoming

//  True if the request carries the configured internal secret (compared in
//  constant time). No secret configured: nothing is let in.
static bool
s_secret_valid (sb_ingress_t *self, struct MHD_Connection *connection)
{
    const char *given = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                     "X-Internal-Secret");
    const char *secret = self->config.internal_secret;
    if (!secret || !*secret || !given || strlen (given) != strlen (secret))
        return false;
    return CRYPTO_memcmp (given, secret, strlen (secret)) == 0;
}

//  The sender's number from a WhatsApp id: "972501234567@s.whatsapp.net"
//  gives "+972501234567". Only one-to-one chats carry a person's number.
static int
s_whatsapp_number (const char *jid, char *number, size_t size)
{
    const char *at = strchr (jid, '@');
    size_t digits = at? (size_t) (at - jid): 0;
    if (!at || !streq (at, "@s.whatsapp.net") || digits == 0 || digits > 20)
        return -1;
    for (size_t index = 0; index < digits; index++)
        if (!isdigit ((unsigned char) jid [index]))
            return -1;
    snprintf (number, size, "+%.*s", (int) digits, jid);
    return 0;
}

//  Builds the whatsapp.received envelope of one gateway message, or NULL
//  with the reason naming it; *skip says it carries no text (an image, a
//  reaction): nothing the pipeline handles, not an error.
static sb_envelope_t *
s_whatsapp_message (const char *tenant, const json_t *message, size_t index, bool *skip,
                    char *err, size_t errlen)
{
    *skip = false;
    const char *id = json_string_value (json_object_get (json_object_get (message, "key"), "id"));
    const char *jid = json_string_value (json_object_get (json_object_get (message, "key"), "remoteJid"));
    const json_t *content = json_object_get (message, "message");
    const char *text = json_string_value (json_object_get (content, "conversation"));
    if (!text)
        text = json_string_value (json_object_get (json_object_get (content, "extendedTextMessage"), "text"));
    char number [32];
    if (!json_is_object (message) || !id || !*id || !jid) {
        sb_error_set (err, errlen, "payload.messages[%zu]: needs key.id and key.remoteJid", index);
        return NULL;
    }
    if (s_whatsapp_number (jid, number, sizeof number)) {
        sb_error_set (err, errlen, "payload.messages[%zu].key.remoteJid: '%.64s' is not a one-to-one "
                      "chat id (digits@s.whatsapp.net)", index, jid);
        return NULL;
    }
    const json_t *stamp = json_object_get (message, "messageTimestamp");
    json_int_t sent = json_integer_value (stamp);
    //  Unix seconds, up to the year 9999: beyond, milliseconds overflow
    if (stamp && (!json_is_integer (stamp) || sent < 0 || sent > SB_DATE_SECONDS_MAX)) {
        sb_error_set (err, errlen, "payload.messages[%zu].messageTimestamp: not Unix seconds "
                      "(0 to %lld)", index, (long long) SB_DATE_SECONDS_MAX);
        return NULL;
    }
    if (!text) {
        *skip = true;
        return NULL;
    }
    json_t *body = json_pack ("{s:s, s:s, s:s, s:s, s:s}", "message_id", id, "channel", "whatsapp",
                              "from", number, "remote_jid", jid, "text", text);
    const char *name = json_string_value (json_object_get (message, "pushName"));
    if (body && name)
        json_object_set_new (body, "push_name", json_string (name));
    if (body && sent > 0)
        json_object_set_new (body, "sent_at_ms", json_integer (sent * 1000));
    char *key = zsys_sprintf ("whatsapp:baileys:%s", id);
    sb_envelope_t *env = body? sb_envelope_new ("whatsapp.received"): NULL;
    if (env) {
        sb_envelope_set_key (env, key);
        sb_envelope_set_corr (env, key);
        sb_envelope_set_src (env, "ingress");
        sb_envelope_set_tenant (env, tenant);
        sb_envelope_set_body (env, body);
    }
    else
        json_decref (body);
    zstr_free (&key);
    if (!env)
        sb_error_set (err, errlen, "out of memory");
    return env;
}

static void
s_envelope_destructor (void **item)
{
    sb_envelope_destroy ((sb_envelope_t **) item);
}

zlistx_t *
sb_ingress_whatsapp_envelopes (const char *body, size_t size, char *err, size_t errlen)
{
    json_error_t error;
    json_t *json = json_loadb (body, size, JSON_REJECT_DUPLICATES, &error);
    if (!json) {
        sb_error_set (err, errlen, "malformed JSON at line %d, column %d: %s",
                      error.line, error.column, error.text);
        return NULL;
    }
    const char *tenant = json_string_value (json_object_get (json, "tenantId"));
    const json_t *messages = json_object_get (json_object_get (json, "payload"), "messages");
    if (!tenant || !*tenant || !json_is_array (messages)) {
        json_decref (json);
        sb_error_set (err, errlen, "needs tenantId and payload.messages (an array)");
        return NULL;
    }
    zlistx_t *envelopes = zlistx_new ();
    zlistx_set_destructor (envelopes, s_envelope_destructor);
    *err = 0;
    size_t index;
    json_t *message;
    json_array_foreach (messages, index, message) {
        bool skip;
        sb_envelope_t *env = s_whatsapp_message (tenant, message, index, &skip, err, errlen);
        if (env)
            zlistx_add_end (envelopes, env);
        else
        if (!skip)
            break;
    }
    json_decref (json);
    if (*err)
        zlistx_destroy (&envelopes);
    return envelopes;
}

//  Every message is checked before any is published: a bad one refuses
//  the whole request (nothing half-processed); the gateway's retry of a
//  partly published batch is deduplicated by the messages' keys.
enum MHD_Result
sb_ingress_on_whatsapp (sb_ingress_t *self, sb_ingress_request_t *request)
{
    struct MHD_Connection *connection = request->connection;
    if (!s_secret_valid (self, connection)) {
        sb_metrics_auth_failure (self->metrics, request->path);
        return sb_ingress_refuse (self, request, MHD_HTTP_UNAUTHORIZED, "missing or wrong X-Internal-Secret");
    }
    if (!sb_ingress_content_type_is (connection, "application/json"))
        return sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST, "content type must be application/json");
    char err [512] = "", reason [600];
    zlistx_t *envelopes = sb_ingress_whatsapp_envelopes (request->body? request->body: "",
                                                         request->size, err, sizeof err);
    if (!envelopes)
        return sb_ingress_refuse (self, request, MHD_HTTP_BAD_REQUEST, "%s", err);
    unsigned int status = MHD_HTTP_OK;
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (envelopes);
         env && status == MHD_HTTP_OK; env = (sb_envelope_t *) zlistx_next (envelopes))
        status = sb_ingress_publish (self, env, reason, sizeof reason);
    zlistx_destroy (&envelopes);
    if (status != MHD_HTTP_OK)
        return sb_ingress_refuse (self, request, status, "%s", reason);
    return sb_ingress_answer (self, request, MHD_HTTP_OK, "text/plain", "");
}

