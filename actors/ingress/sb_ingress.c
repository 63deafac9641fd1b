/*  sb_ingress.c — the HTTP front door (see sb_ingress.h).

    libmicrohttpd calls the handler on its own threads. Each request that
    publishes borrows a broker client from a small pool (one DEALER each,
    used by one thread at a time) and waits, bounded, for the broker's
    ACK; the broker groups concurrent publishes into one Redis commit.     */

#include "sb_ingress_private.h"
#include <arpa/inet.h>
#include <netinet/in.h>

//  A broker client and the id generator that goes with it: used by one
//  request at a time, kept for the next.
typedef struct {
    sb_client_t *client;
    sb_idgen_t *ids;
} s_publisher_t;

sb_ingress_config_t
sb_ingress_config_default (void)
{
    sb_ingress_config_t config = {
        .listen = "127.0.0.1", .port = 8080, .broker = "tcp://127.0.0.1:5555",
        .public_url = NULL, .tenant = "demo", .twilio_token = NULL,
        .max_body = 64 * 1024, .publish_timeout_ms = 2000, .threads = 8,
        .instance = "ingress", .workspace_timeout_ms = 15000,
        .credentials_ttl_ms = 30000,
    };
    return config;
}

//  --------------------------------------------------------------------------
//  Answers

enum MHD_Result
sb_ingress_answer (sb_ingress_t *self, sb_ingress_request_t *request, unsigned int status,
                   const char *content_type, const char *text)
{
    sb_metrics_request (self->metrics, request->path? request->path: "other", status);
    struct MHD_Response *response = MHD_create_response_from_buffer (
        strlen (text), (void *) text, MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    enum MHD_Result rc = MHD_queue_response (request->connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

enum MHD_Result
sb_ingress_refuse (sb_ingress_t *self, sb_ingress_request_t *request, unsigned int status,
                   const char *format, ...)
{
    char text [512];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text - 1, format, args);
    va_end (args);
    strcat (text, "\n");
    return sb_ingress_answer (self, request, status, "text/plain; charset=utf-8", text);
}

bool
sb_ingress_content_type_is (struct MHD_Connection *connection, const char *media_type)
{
    const char *type = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t length = strlen (media_type);
    //  The media type, then nothing or parameters ("; charset=utf-8")
    return type && strncasecmp (type, media_type, length) == 0
        && (!type [length] || type [length] == ';' || type [length] == ' ');
}

//  --------------------------------------------------------------------------
//  Publishing

const char *
sb_ingress_tenant_for (sb_ingress_t *self, const char *number)
{
    zconfig_t *numbers = number? self->config.numbers: NULL;
    for (zconfig_t *item = numbers? zconfig_child (numbers): NULL; item; item = zconfig_next (item))
        if (streq (zconfig_name (item), number))
            return zconfig_value (item);
    return self->config.tenant;
}

//  A new publisher: a client of its own on the brokers. NULL if it cannot
//  be made.
static s_publisher_t *
s_publisher_new (sb_ingress_t *self)
{
    s_publisher_t *publisher = (s_publisher_t *) calloc (1, sizeof (s_publisher_t));
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

//  An idle publisher from the pool, else a new one.
static s_publisher_t *
s_publisher_take (sb_ingress_t *self)
{
    pthread_mutex_lock (&self->lock);
    s_publisher_t *publisher = (s_publisher_t *) zlistx_detach (self->publishers, NULL);
    pthread_mutex_unlock (&self->lock);
    return publisher? publisher: s_publisher_new (self);
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

//  For a second try after a time-out, given several brokers (the one that
//  timed out may be cut off): a new publisher, whose client only sends to
//  brokers it could connect to, where a pooled one may not have noticed
//  the silence yet. NULL with one broker, or if it cannot be made.
static s_publisher_t *
s_publisher_retry (sb_ingress_t *self)
{
    return strchr (self->config.broker, ',')? s_publisher_new (self): NULL;
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

unsigned int
sb_ingress_publish (sb_ingress_t *self, sb_envelope_t *env, char *reason, size_t reasonlen)
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
    int64_t started = zclock_usecs ();
    int rc = sb_client_publish (publisher->client, data, size, self->config.publish_timeout_ms, &reply);
    s_publisher_give (self, publisher, rc == 0);
    //  The same bytes go once more (same id and key: stored at most once)
    if (rc && (publisher = s_publisher_retry (self))) {
        rc = sb_client_publish (publisher->client, data, size, self->config.publish_timeout_ms,
                                &reply);
        s_publisher_give (self, publisher, rc == 0);
    }
    sb_metrics_publish (self->metrics, zclock_usecs () - started);
    free (data);
    if (rc) {
        snprintf (reason, reasonlen, "broker did not answer within %d ms", self->config.publish_timeout_ms);
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    if (reply.outcome == SB_CLIENT_DUP)
        sb_metrics_duplicate (self->metrics);
    if (reply.outcome != SB_CLIENT_NACK)
        return MHD_HTTP_OK;
    snprintf (reason, reasonlen, "broker refused it (%s): %s", reply.code, reply.reason);
    return streq (reply.code, "invalid") || streq (reply.code, "unknown-type")
         ? MHD_HTTP_BAD_REQUEST: MHD_HTTP_SERVICE_UNAVAILABLE;
}

//  --------------------------------------------------------------------------
//  GET /health, GET /ready, GET /metrics

static enum MHD_Result
s_on_ready (sb_ingress_t *self, sb_ingress_request_t *request)
{
    s_publisher_t *publisher = s_publisher_take (self);
    char err [256] = "cannot reach the broker";
    json_t *stats = publisher? sb_client_request (publisher->client, "STATS", NULL,
                                                  self->config.publish_timeout_ms,
                                                  err, sizeof err): NULL;
    if (publisher)
        s_publisher_give (self, publisher, stats != NULL);
    if (!stats && (publisher = s_publisher_retry (self))) {
        stats = sb_client_request (publisher->client, "STATS", NULL,
                                   self->config.publish_timeout_ms, err, sizeof err);
        s_publisher_give (self, publisher, stats != NULL);
    }
    const char *storage = json_string_value (json_object_get (stats, "storage"));
    enum MHD_Result rc = !stats
        ? sb_ingress_refuse (self, request, MHD_HTTP_SERVICE_UNAVAILABLE, "%s", err)
        : storage && !streq (storage, "ok")
        ? sb_ingress_refuse (self, request, MHD_HTTP_SERVICE_UNAVAILABLE, "broker storage: %s", storage)
        : sb_ingress_refuse (self, request, MHD_HTTP_OK, "ready");
    json_decref (stats);
    return rc;
}

static enum MHD_Result
s_on_metrics (sb_ingress_t *self, sb_ingress_request_t *request)
{
    //  Counted before rendering, so a scrape sees itself
    sb_metrics_request (self->metrics, request->path, MHD_HTTP_OK);
    char *text = sb_metrics_render (self->metrics);
    if (!text)
        return MHD_NO;
    struct MHD_Response *response = MHD_create_response_from_buffer (
        strlen (text), text, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE,
                             "text/plain; version=0.0.4; charset=utf-8");
    enum MHD_Result rc = MHD_queue_response (request->connection, MHD_HTTP_OK, response);
    MHD_destroy_response (response);
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
    sb_ingress_request_t *request = (sb_ingress_request_t *) calloc (1, sizeof (sb_ingress_request_t));
    if (request) {
        request->uri = strdup (uri);
        request->connection = connection;
    }
    return request;
}

static void
s_on_completed (void *cls, struct MHD_Connection *connection, void **con_cls,
                enum MHD_RequestTerminationCode code)
{
    (void) connection;
    (void) code;
    sb_ingress_t *self = (sb_ingress_t *) cls;
    sb_ingress_request_t *request = (sb_ingress_request_t *) *con_cls;
    if (request) {
        json_decref (sb_replies_take (self->replies, &request->waiter));
        free (request->uri);
        free (request->body);
        free (request);
    }
    *con_cls = NULL;
}

//  Appends a chunk of body, up to the limit; beyond it only remembers.
static void
s_take_body (sb_ingress_t *self, sb_ingress_request_t *request, const char *data, size_t size)
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

//  The routes: path, method, endpoint.
typedef enum MHD_Result (s_endpoint_fn) (sb_ingress_t *self, sb_ingress_request_t *request);
static const struct {
    const char *path, *method;
    s_endpoint_fn *handler;
} s_routes [] = {
    { "/health", MHD_HTTP_METHOD_GET, NULL },
    { "/ready", MHD_HTTP_METHOD_GET, s_on_ready },
    { "/metrics", MHD_HTTP_METHOD_GET, s_on_metrics },
    { "/webhook/sms", MHD_HTTP_METHOD_POST, sb_ingress_on_sms },
    { "/webhook/whatsapp/incoming", MHD_HTTP_METHOD_POST, sb_ingress_on_whatsapp },
    { "/api/workspace/save", MHD_HTTP_METHOD_POST, sb_ingress_on_workspace },
};
#define S_ROUTES (sizeof s_routes / sizeof s_routes [0])

static enum MHD_Result
s_dispatch (sb_ingress_t *self, sb_ingress_request_t *request, const char *method)
{
    for (size_t index = 0; index < S_ROUTES; index++) {
        if (!streq (request->path, s_routes [index].path))
            continue;
        request->path = s_routes [index].path;      //  static: outlives the call
        if (!streq (method, s_routes [index].method))
            return sb_ingress_refuse (self, request, MHD_HTTP_METHOD_NOT_ALLOWED,
                                      "method %s not allowed on %s", method, request->path);
        return s_routes [index].handler? s_routes [index].handler (self, request)
             : sb_ingress_refuse (self, request, MHD_HTTP_OK, "ok");
    }
    const char *path = request->path;
    request->path = "other";
    return sb_ingress_refuse (self, request, MHD_HTTP_NOT_FOUND, "no such endpoint: %s", path);
}

static enum MHD_Result
s_handler (void *cls, struct MHD_Connection *connection, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
    (void) version;
    (void) connection;
    sb_ingress_t *self = (sb_ingress_t *) cls;
    sb_ingress_request_t *request = (sb_ingress_request_t *) *con_cls;
    if (!request || !request->uri)
        return MHD_NO;   //  out of memory: drop the connection
    if (request->waiter)
        return sb_ingress_on_workspace (self, request);    //  woken: its answer
    if (!request->started) {
        request->started = true;
        request->path = url;
        if (streq (method, MHD_HTTP_METHOD_POST))
            return MHD_YES;   //  the body follows
    }
    else
    if (*upload_data_size) {
        s_take_body (self, request, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    request->path = url;
    if (request->too_large)
        return sb_ingress_refuse (self, request, MHD_HTTP_CONTENT_TOO_LARGE,
                                  "body larger than %zu bytes", self->config.max_body);
    return s_dispatch (self, request, method);
}

//  --------------------------------------------------------------------------
//  Lifecycle

static int
s_start_http (sb_ingress_t *self, char *err, size_t errlen)
{
    const sb_ingress_config_t *config = &self->config;
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) config->port) };
    if (inet_pton (AF_INET, config->listen, &address.sin_addr) != 1)
        return sb_error_set (err, errlen, "listen address '%s' is not an IPv4 address", config->listen);
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME,
        (uint16_t) config->port, NULL, NULL, s_handler, self,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) config->threads,
        MHD_OPTION_URI_LOG_CALLBACK, s_on_uri, self,
        MHD_OPTION_NOTIFY_COMPLETED, s_on_completed, self,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 30,
        MHD_OPTION_END);
    if (!self->daemon)
        return sb_error_set (err, errlen, "cannot listen on %s:%d (in use, or not permitted)",
                             config->listen, config->port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT);
    self->port = info? info->port: config->port;
    return 0;
}

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
    self->metrics = sb_metrics_new ();
    if (!self->publishers || !self->metrics) {
        sb_error_set (err, errlen, "out of memory");
        sb_ingress_destroy (&self);
        return NULL;
    }
    zlistx_set_destructor (self->publishers, s_publisher_destructor);
    //  Replies come to this instance's own queue: a stable instance name
    //  (the default: host and port) finds the late ones after a restart
    //  Tenants' own tokens, when both the Redis and the key are given
    if (config->redis && config->credentials_box
    &&  !(self->tokens = sb_token_cache_new (config->redis, config->redis_password,
                                             config->credentials_box, config->credentials_ttl_ms,
                                             config->publish_timeout_ms))) {
        sb_error_set (err, errlen, "out of memory");
        sb_ingress_destroy (&self);
        return NULL;
    }
    self->reply_service = zsys_sprintf ("reply.ingress.%s", config->instance);
    //  The reply queue is a worker's link: one broker, the first listed
    char *first = strdup (config->broker);
    if (first)
        first [strcspn (first, ",")] = 0;
    self->replies = first? sb_replies_new (first, self->reply_service, config->instance,
                                           err, errlen): NULL;
    free (first);
    if (!self->replies || s_start_http (self, err, errlen))
        sb_ingress_destroy (&self);
    return self;
}

void
sb_ingress_destroy (sb_ingress_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_ingress_t *self = *self_p;
    //  Parked requests are woken first: the server cannot stop with any
    //  suspended, and they still answer (503) as it stops
    if (self->replies)
        sb_replies_stop (self->replies);
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    sb_replies_destroy (&self->replies);
    zlistx_destroy (&self->publishers);
    sb_metrics_destroy (&self->metrics);
    sb_token_cache_destroy (&self->tokens);
    zstr_free (&self->reply_service);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

int
sb_ingress_port (sb_ingress_t *self)
{
    return self->port;
}
