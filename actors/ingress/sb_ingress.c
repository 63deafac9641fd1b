/*  sb_ingress.c — the HTTP front door (see sb_ingress.h).

    libmicrohttpd calls the handler on its own threads. Each request that
    publishes borrows a broker client from a small pool (one DEALER each,
    used by one thread at a time) and waits, bounded, for the broker's
    ACK; the broker groups concurrent publishes into one Redis commit.     */

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_form.h"
#include "sb_ingress.h"
#include "sb_twilio.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <netinet/in.h>
#include <pthread.h>

#define S_MAX_FORM_FIELDS 256
#define S_TWIML_EMPTY "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"

//  A broker client and the id generator that goes with it: used by one
//  request at a time, kept for the next.
typedef struct {
    sb_client_t *client;
    sb_idgen_t *ids;
} s_publisher_t;

struct _sb_ingress_t {
    sb_ingress_config_t config;
    struct MHD_Daemon *daemon;
    int port;
    pthread_mutex_t lock;        //  guards publishers
    zlistx_t *publishers;        //  idle s_publisher_t
};

//  A request being received: the URI as sent (Twilio signs it with its
//  query string), and the body, bounded.
typedef struct {
    char *uri;
    char *body;
    size_t size;
    bool started;                //  the first call (headers) is past
    bool too_large;
} s_request_t;

sb_ingress_config_t
sb_ingress_config_default (void)
{
    sb_ingress_config_t config = {
        .listen = "127.0.0.1", .port = 8080, .broker = "tcp://127.0.0.1:5555",
        .public_url = NULL, .tenant = "demo", .twilio_token = NULL,
        .max_body = 64 * 1024, .publish_timeout_ms = 2000, .threads = 8,
    };
    return config;
}

//  --------------------------------------------------------------------------
//  Answers

static enum MHD_Result
s_reply (struct MHD_Connection *connection, unsigned int status,
         const char *content_type, const char *text)
{
    struct MHD_Response *response = MHD_create_response_from_buffer (
        strlen (text), (void *) text, MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

//  A one-line reason, as plain text.
static enum MHD_Result
s_refuse (struct MHD_Connection *connection, unsigned int status, const char *format, ...)
    SB_PRINTF (3, 4);

static enum MHD_Result
s_refuse (struct MHD_Connection *connection, unsigned int status, const char *format, ...)
{
    char text [512];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text - 1, format, args);
    va_end (args);
    strcat (text, "\n");
    return s_reply (connection, status, "text/plain; charset=utf-8", text);
}

//  --------------------------------------------------------------------------
//  Publishing

static s_publisher_t *
s_publisher_take (sb_ingress_t *self)
{
    pthread_mutex_lock (&self->lock);
    s_publisher_t *publisher = (s_publisher_t *) zlistx_detach (self->publishers, NULL);
    pthread_mutex_unlock (&self->lock);
    if (publisher)
        return publisher;
    publisher = (s_publisher_t *) calloc (1, sizeof (s_publisher_t));
    char err [256];
    if (publisher) {
        publisher->client = sb_client_new (self->config.broker, err, sizeof err);
        publisher->ids = sb_idgen_new ();
    }
    if (publisher && (!publisher->client || !publisher->ids)) {
        sb_client_destroy (&publisher->client);
        sb_idgen_destroy (&publisher->ids);
        free (publisher);
        publisher = NULL;
    }
    return publisher;
}

//  Gives a publisher back, or drops it when its socket may hold a late
//  reply (after a time-out) that would confuse the next request.
static void
s_publisher_give (sb_ingress_t *self, s_publisher_t *publisher, bool clean)
{
    if (clean) {
        pthread_mutex_lock (&self->lock);
        zlistx_add_end (self->publishers, publisher);
        pthread_mutex_unlock (&self->lock);
        return;
    }
    sb_client_destroy (&publisher->client);
    sb_idgen_destroy (&publisher->ids);
    free (publisher);
}

static void
s_publisher_destructor (void **item)
{
    s_publisher_t *publisher = (s_publisher_t *) *item;
    sb_client_destroy (&publisher->client);
    sb_idgen_destroy (&publisher->ids);
    free (publisher);
    *item = NULL;
}

//  Publishes env (its id set here) and waits for the broker. Returns the
//  HTTP status to answer: 200 (ACK or DUP), 400 (refused as invalid), 503
//  (the broker or its storage cannot take it now), with why in reason.
static unsigned int
s_publish (sb_ingress_t *self, sb_envelope_t *env, char *reason, size_t reasonlen)
{
    s_publisher_t *publisher = s_publisher_take (self);
    if (!publisher) {
        snprintf (reason, reasonlen, "cannot reach the broker");
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    char id [SB_ID_LEN + 1], err [512];
    uint8_t *data = NULL;
    size_t size = 0;
    sb_idgen_next (publisher->ids, 0, id);
    sb_envelope_set_id (env, id);
    if (sb_envelope_encode (env, &data, &size, err, sizeof err)) {
        s_publisher_give (self, publisher, true);
        snprintf (reason, reasonlen, "cannot build the envelope: %s", err);
        return MHD_HTTP_BAD_REQUEST;
    }
    sb_client_reply_t reply;
    int rc = sb_client_publish (publisher->client, data, size, self->config.publish_timeout_ms, &reply);
    free (data);
    s_publisher_give (self, publisher, rc == 0);
    if (rc) {
        snprintf (reason, reasonlen, "broker did not answer within %d ms", self->config.publish_timeout_ms);
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    if (reply.outcome != SB_CLIENT_NACK)
        return MHD_HTTP_OK;
    snprintf (reason, reasonlen, "broker refused it (%s): %s", reply.code, reply.reason);
    return streq (reply.code, "invalid") || streq (reply.code, "unknown-type")
         ? MHD_HTTP_BAD_REQUEST: MHD_HTTP_SERVICE_UNAVAILABLE;
}

//  --------------------------------------------------------------------------
//  POST /webhook/sms

//  The URL Twilio signed: the configured public base, else http:// and the
//  Host header; then the URI as it was sent.
static char *
s_signed_url (sb_ingress_t *self, struct MHD_Connection *connection, const s_request_t *request)
{
    if (self->config.public_url)
        return zsys_sprintf ("%s%s", self->config.public_url, request->uri);
    const char *host = MHD_lookup_connection_value (connection, MHD_HEADER_KIND, "Host");
    return host? zsys_sprintf ("http://%s%s", host, request->uri): NULL;
}

//  Checks X-Twilio-Signature.
static bool
s_signature_valid (sb_ingress_t *self, struct MHD_Connection *connection,
                   const s_request_t *request, const sb_form_t *form)
{
    const char *header = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                      "X-Twilio-Signature");
    //  sb_twilio_signature_valid tries the URL with and without its port
    char *url = s_signed_url (self, connection, request);
    bool valid = url && sb_twilio_signature_valid (self->config.twilio_token, url, form, header);
    zstr_free (&url);
    return valid;
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

static enum MHD_Result
s_on_sms (sb_ingress_t *self, struct MHD_Connection *connection, s_request_t *request)
{
    const char *type = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_CONTENT_TYPE);
    //  The media type, then nothing or parameters ("; charset=utf-8")
    if (!type || strncasecmp (type, "application/x-www-form-urlencoded", 33)
    ||  (type [33] && type [33] != ';' && type [33] != ' '))
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST,
                         "content type must be application/x-www-form-urlencoded");
    char err [512], reason [600];
    sb_form_t *form = sb_form_parse (request->body? request->body: "", request->size,
                                     S_MAX_FORM_FIELDS, err, sizeof err);
    if (!form)
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, "malformed form: %s", err);
    if (!self->config.twilio_token || !s_signature_valid (self, connection, request, form)) {
        sb_form_destroy (&form);
        zsys_warning ("ingress: /webhook/sms: missing or wrong X-Twilio-Signature");
        return s_refuse (connection, MHD_HTTP_FORBIDDEN, "missing or wrong X-Twilio-Signature");
    }
    json_t *body = s_sms_body (form, err, sizeof err);
    char *key = body? zsys_sprintf ("sms:twilio:%s", sb_form_get (form, "MessageSid")): NULL;
    sb_form_destroy (&form);
    if (!body)
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, "%s", err);
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    sb_envelope_set_key (env, key);
    sb_envelope_set_corr (env, key);
    sb_envelope_set_src (env, "ingress");
    sb_envelope_set_tenant (env, self->config.tenant);
    sb_envelope_set_body (env, body);
    zstr_free (&key);
    unsigned int status = s_publish (self, env, reason, sizeof reason);
    sb_envelope_destroy (&env);
    if (status != MHD_HTTP_OK)
        return s_refuse (connection, status, "%s", reason);
    return s_reply (connection, MHD_HTTP_OK, "text/xml", S_TWIML_EMPTY);
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
    if (!text) {
        *skip = true;
        return NULL;
    }
    json_t *body = json_pack ("{s:s, s:s, s:s, s:s, s:s}", "message_id", id, "channel", "whatsapp",
                              "from", number, "remote_jid", jid, "text", text);
    const char *name = json_string_value (json_object_get (message, "pushName"));
    json_int_t sent = json_integer_value (json_object_get (message, "messageTimestamp"));
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

//  Every message is checked before any is published: a bad one refuses
//  the whole request (nothing half-processed); the gateway's retry of a
//  partly published batch is deduplicated by the messages' keys.
static enum MHD_Result
s_on_whatsapp (sb_ingress_t *self, struct MHD_Connection *connection, s_request_t *request)
{
    if (!s_secret_valid (self, connection))
        return s_refuse (connection, MHD_HTTP_UNAUTHORIZED, "missing or wrong X-Internal-Secret");
    const char *type = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_CONTENT_TYPE);
    if (!type || strncasecmp (type, "application/json", 16) || (type [16] && type [16] != ';'))
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, "content type must be application/json");
    json_error_t error;
    json_t *json = json_loadb (request->body? request->body: "", request->size,
                               JSON_REJECT_DUPLICATES, &error);
    if (!json)
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, "malformed JSON at line %d, column %d: %s",
                         error.line, error.column, error.text);
    const char *tenant = json_string_value (json_object_get (json, "tenantId"));
    const json_t *messages = json_object_get (json_object_get (json, "payload"), "messages");
    if (!tenant || !*tenant || !json_is_array (messages)) {
        json_decref (json);
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, "needs tenantId and payload.messages (an array)");
    }
    zlistx_t *envelopes = zlistx_new ();
    zlistx_set_destructor (envelopes, s_envelope_destructor);
    char err [512] = "", reason [600];
    size_t index;
    json_t *message;
    json_array_foreach (messages, index, message) {
        bool skip;
        sb_envelope_t *env = s_whatsapp_message (tenant, message, index, &skip, err, sizeof err);
        if (env)
            zlistx_add_end (envelopes, env);
        else
        if (!skip)
            break;
    }
    json_decref (json);
    unsigned int status = *err? MHD_HTTP_BAD_REQUEST: MHD_HTTP_OK;
    snprintf (reason, sizeof reason, "%s", err);
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (envelopes);
         env && status == MHD_HTTP_OK; env = (sb_envelope_t *) zlistx_next (envelopes))
        status = s_publish (self, env, reason, sizeof reason);
    zlistx_destroy (&envelopes);
    if (status != MHD_HTTP_OK)
        return s_refuse (connection, status, "%s", reason);
    return s_reply (connection, MHD_HTTP_OK, "text/plain", "");
}

//  --------------------------------------------------------------------------
//  GET /health, GET /ready

static enum MHD_Result
s_on_ready (sb_ingress_t *self, struct MHD_Connection *connection)
{
    s_publisher_t *publisher = s_publisher_take (self);
    char err [256] = "cannot reach the broker";
    json_t *stats = publisher? sb_client_request (publisher->client, "STATS", NULL,
                                                  self->config.publish_timeout_ms,
                                                  err, sizeof err): NULL;
    const char *storage = json_string_value (json_object_get (stats, "storage"));
    if (publisher)
        s_publisher_give (self, publisher, stats != NULL);
    enum MHD_Result rc = !stats? s_refuse (connection, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err)
        : storage && !streq (storage, "ok")
        ? s_refuse (connection, MHD_HTTP_SERVICE_UNAVAILABLE, "broker storage: %s", storage)
        : s_refuse (connection, MHD_HTTP_OK, "ready");
    json_decref (stats);
    return rc;
}

//  --------------------------------------------------------------------------
//  libmicrohttpd's callbacks

//  Called with the URI exactly as sent, before anything else: the request
//  state starts here, so the handler has the raw query string.
static void *
s_on_uri (void *cls, const char *uri, struct MHD_Connection *connection)
{
    (void) cls;
    (void) connection;
    s_request_t *request = (s_request_t *) calloc (1, sizeof (s_request_t));
    if (request)
        request->uri = strdup (uri);
    return request;
}

static void
s_on_completed (void *cls, struct MHD_Connection *connection, void **con_cls,
                enum MHD_RequestTerminationCode code)
{
    (void) cls;
    (void) connection;
    (void) code;
    s_request_t *request = (s_request_t *) *con_cls;
    if (request) {
        free (request->uri);
        free (request->body);
        free (request);
    }
    *con_cls = NULL;
}

//  Appends a chunk of body, up to the limit; beyond it only remembers.
static void
s_take_body (sb_ingress_t *self, s_request_t *request, const char *data, size_t size)
{
    if (request->too_large || request->size + size > self->config.max_body) {
        request->too_large = true;
        return;
    }
    char *bigger = (char *) realloc (request->body, request->size + size + 1);
    if (!bigger) {
        request->too_large = true;
        return;
    }
    memcpy (bigger + request->size, data, size);
    request->body = bigger;
    request->size += size;
    request->body [request->size] = 0;
}

static enum MHD_Result
s_handler (void *cls, struct MHD_Connection *connection, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
    (void) version;
    sb_ingress_t *self = (sb_ingress_t *) cls;
    s_request_t *request = (s_request_t *) *con_cls;
    if (!request || !request->uri)
        return MHD_NO;   //  out of memory: drop the connection
    if (!request->started) {
        request->started = true;
        if (streq (method, MHD_HTTP_METHOD_POST))
            return MHD_YES;   //  the body follows
    }
    else
    if (*upload_data_size) {
        s_take_body (self, request, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (request->too_large)
        return s_refuse (connection, MHD_HTTP_CONTENT_TOO_LARGE,
                         "body larger than %zu bytes", self->config.max_body);
    bool get = streq (method, MHD_HTTP_METHOD_GET), post = streq (method, MHD_HTTP_METHOD_POST);
    if (get && streq (url, "/health"))
        return s_refuse (connection, MHD_HTTP_OK, "ok");
    if (get && streq (url, "/ready"))
        return s_on_ready (self, connection);
    if (post && streq (url, "/webhook/sms"))
        return s_on_sms (self, connection, request);
    if (post && streq (url, "/webhook/whatsapp/incoming"))
        return s_on_whatsapp (self, connection, request);
    if (streq (url, "/health") || streq (url, "/ready") || streq (url, "/webhook/sms")
    ||  streq (url, "/webhook/whatsapp/incoming"))
        return s_refuse (connection, MHD_HTTP_METHOD_NOT_ALLOWED, "method %s not allowed on %s",
                         method, url);
    return s_refuse (connection, MHD_HTTP_NOT_FOUND, "no such endpoint: %s", url);
}

//  --------------------------------------------------------------------------
//  Lifecycle

sb_ingress_t *
sb_ingress_new (const sb_ingress_config_t *config, char *err, size_t errlen)
{
    sb_ingress_t *self = (sb_ingress_t *) calloc (1, sizeof (sb_ingress_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->config = *config;
    pthread_mutex_init (&self->lock, NULL);
    self->publishers = zlistx_new ();
    if (self->publishers)
        zlistx_set_destructor (self->publishers, s_publisher_destructor);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) config->port) };
    if (!self->publishers || inet_pton (AF_INET, config->listen, &address.sin_addr) != 1) {
        sb_error_set (err, errlen, "listen address '%s' is not an IPv4 address", config->listen);
        sb_ingress_destroy (&self);
        return NULL;
    }
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t) config->port, NULL, NULL,
        s_handler, self,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) config->threads,
        MHD_OPTION_URI_LOG_CALLBACK, s_on_uri, self,
        MHD_OPTION_NOTIFY_COMPLETED, s_on_completed, self,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 30,
        MHD_OPTION_END);
    if (!self->daemon) {
        sb_error_set (err, errlen, "cannot listen on %s:%d (in use, or not permitted)",
                      config->listen, config->port);
        sb_ingress_destroy (&self);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT);
    self->port = info? info->port: config->port;
    return self;
}

void
sb_ingress_destroy (sb_ingress_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_ingress_t *self = *self_p;
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    zlistx_destroy (&self->publishers);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

int
sb_ingress_port (sb_ingress_t *self)
{
    return self->port;
}
