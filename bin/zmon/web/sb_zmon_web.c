/*  sb_zmon_web.c — zmon's web console (see sb_zmon_web.h).               */

#include "sb_zmon_web.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <microhttpd.h>
#include "sb_control.h"
#include "sb_proto.h"
#include "sb_zmon_decode.h"
#include "sb_zmon_source.h"
#include "sb_zmon_stats.h"
#include "sb_zmon_trace.h"
#include "sb_zmon_web_http.h"

#define S_CSP "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
#define S_RATE_MIN_MS 500      //  a stats snapshot younger than this is not a "before"

struct _sb_zmon_web_t {
    sb_zmon_web_config_t config;
    struct MHD_Daemon *daemon;
    int port;
    bool loopback;             //  bound to 127.0.0.0/8: Host must name it
    pthread_mutex_t lock;      //  guards what follows: the STATS before this one
    json_t *before;
    int64_t before_ms;
};

//  One request's state: its body (POST), up to SB_ZMON_WEB_BODY_MAX.
typedef struct {
    char body [SB_ZMON_WEB_BODY_MAX];
    size_t size;
    bool too_large;
} s_request_t;

//  --------------------------------------------------------------------------
//  Answers

//  Queues text (taken: freed by libmicrohttpd) with status and type, and
//  the headers every answer carries.
static enum MHD_Result
s_answer (struct MHD_Connection *connection, unsigned int status, char *text, const char *type)
{
    struct MHD_Response *response = MHD_create_response_from_buffer (
        text? strlen (text): 0, text, text? MHD_RESPMEM_MUST_FREE: MHD_RESPMEM_PERSISTENT);
    if (!response) {
        free (text);
        return MHD_NO;
    }
    MHD_add_response_header (response, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header (response, "Content-Security-Policy", S_CSP);
    MHD_add_response_header (response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header (response, "Referrer-Policy", "no-referrer");
    MHD_add_response_header (response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header (response, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

//  Answers value (taken) as JSON.
static enum MHD_Result
s_answer_json (struct MHD_Connection *connection, unsigned int status, json_t *value)
{
    char *text = value? json_dumps (value, JSON_COMPACT): NULL;
    json_decref (value);
    if (!text)
        return MHD_NO;
    return s_answer (connection, status, text, "application/json");
}

//  Answers {"error": reason} with status.
static enum MHD_Result
s_refuse (struct MHD_Connection *connection, unsigned int status, const char *reason)
{
    return s_answer_json (connection, status, json_pack ("{s:s}", "error", reason));
}

//  --------------------------------------------------------------------------
//  The API

//  The rates' before: the last snapshot, unless it is too recent to be
//  one; snapshot becomes the next one's. Returns a new reference or NULL.
static json_t *
s_stats_before (sb_zmon_web_t *self, json_t *snapshot, int64_t now, int64_t *interval_ms)
{
    pthread_mutex_lock (&self->lock);
    json_t *before = self->before? json_incref (self->before): NULL;
    *interval_ms = now - self->before_ms;
    if (!before || *interval_ms >= S_RATE_MIN_MS) {
        json_decref (self->before);
        self->before = json_incref (snapshot);
        self->before_ms = now;
    }
    pthread_mutex_unlock (&self->lock);
    if (before && *interval_ms < S_RATE_MIN_MS) {
        //  Another client's request a moment ago: no rates from so short a
        //  time, and the older before is gone
        json_decref (before);
        before = NULL;
    }
    return before;
}

static json_t *
s_supervise_status (sb_zmon_web_t *self)
{
    return self->config.supervise
         ? sb_zmon_supervise_status (self->config.supervise, self->config.timeout_ms): NULL;
}

static enum MHD_Result
s_on_stats (sb_zmon_web_t *self, struct MHD_Connection *connection)
{
    json_t *snapshot = sb_zmon_request_all (self->config.brokers, self->config.broker_count,
                                            SB_PROTO_STATS, NULL, self->config.timeout_ms);
    int64_t interval_ms = 0;
    json_t *before = s_stats_before (self, snapshot, zclock_mono (), &interval_ms);
    json_t *supervise = s_supervise_status (self);
    json_t *view = sb_zmon_stats_view (before, snapshot, interval_ms, &self->config.alerts,
                                       supervise);
    json_decref (supervise);
    json_decref (before);
    json_decref (snapshot);
    return s_answer_json (connection, MHD_HTTP_OK, view);
}

static enum MHD_Result
s_on_trace (sb_zmon_web_t *self, struct MHD_Connection *connection, const char *corr)
{
    json_t *results = sb_zmon_request_all (self->config.brokers, self->config.broker_count,
                                           SB_PROTO_TRACE, corr, self->config.timeout_ms);
    json_t *document = json_pack ("{s:s, s:o, s:o}", "corr", corr,
                                  "rows", sb_zmon_trace_rows (results),
                                  "brokers", sb_zmon_request_brokers (results));
    json_decref (results);
    return s_answer_json (connection, MHD_HTTP_OK, document);
}

//  GET /api/conversations?phone=NUMBER: the number's conversations, as
//  `zmon trace --phone --json` gives them (without the newest's trace:
//  the page asks for the one chosen).
static enum MHD_Result
s_on_conversations (sb_zmon_web_t *self, struct MHD_Connection *connection)
{
    const char *text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "phone");
    char phone [SB_SCHEMAS_PHONE_MAX + 1], err [256];
    if (sb_zmon_web_phone (text, phone, err, sizeof err))
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, err);
    json_t *document = sb_zmon_trace_phone (self->config.brokers, self->config.broker_count,
                                            phone, false, self->config.timeout_ms, err,
                                            sizeof err);
    if (!document)
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, err);
    return s_answer_json (connection, MHD_HTTP_OK, document);
}

//  Every broker's dead letters (up to count each), their envelopes'
//  secrets redacted. Returns the results, never NULL.
static json_t *
s_dlq_results (sb_zmon_web_t *self, int64_t count)
{
    char text [24];
    snprintf (text, sizeof text, "%" PRId64, count);
    json_t *results = sb_zmon_request_all (self->config.brokers, self->config.broker_count,
                                           SB_PROTO_DLQ_LIST, text, self->config.timeout_ms);
    char err [256];
    sb_zmon_redactor_t *redactor = sb_zmon_redactor_new (err, sizeof err);
    if (!redactor)
        zsys_error ("zmon-web: %s: dead letters shown without their bodies", err);
    size_t index, at;
    json_t *result, *entry;
    json_array_foreach (results, index, result)
        json_array_foreach (json_object_get (result, "reply"), at, entry) {
            if (redactor)
                sb_zmon_redact_envelope (redactor, json_object_get (entry, "envelope"));
            else
                json_object_del (entry, "envelope");
        }
    sb_zmon_redactor_destroy (&redactor);
    return results;
}

static enum MHD_Result
s_on_dlq_list (sb_zmon_web_t *self, struct MHD_Connection *connection)
{
    const char *text = MHD_lookup_connection_value (connection, MHD_GET_ARGUMENT_KIND, "count");
    int64_t count;
    if (sb_zmon_web_count (text, 1000, &count))
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, "count is a number in 1..10000");
    return s_answer_json (connection, MHD_HTTP_OK, s_dlq_results (self, count));
}

//  The entry of results whose entry id or envelope id is id, or NULL.
static json_t *
s_dlq_find (json_t *results, const char *id)
{
    size_t index, at;
    json_t *result, *entry;
    json_array_foreach (results, index, result)
        json_array_foreach (json_object_get (result, "reply"), at, entry) {
            const char *entry_id = json_string_value (json_object_get (entry, "entry"));
            const char *envelope_id = json_string_value (json_object_get (entry, "id"));
            if ((entry_id && streq (entry_id, id)) || (envelope_id && streq (envelope_id, id)))
                return entry;
        }
    return NULL;
}

static enum MHD_Result
s_on_dlq_show (sb_zmon_web_t *self, struct MHD_Connection *connection, const char *id)
{
    json_t *results = s_dlq_results (self, SB_ZMON_WEB_COUNT_MAX);
    json_t *entry = json_incref (s_dlq_find (results, id));
    json_decref (results);
    if (!entry)
        return s_refuse (connection, MHD_HTTP_NOT_FOUND, "no such dead letter");
    return s_answer_json (connection, MHD_HTTP_OK, entry);
}

//  POST /api/dlq/replay: the action, once its token and body are checked.
static enum MHD_Result
s_on_replay (sb_zmon_web_t *self, struct MHD_Connection *connection, s_request_t *request)
{
    if (!self->config.token || !*self->config.token)
        return s_refuse (connection, MHD_HTTP_FORBIDDEN,
                         "read-only: actions are refused while no ZMON_WEB_TOKEN is configured");
    const char *authorization = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                             MHD_HTTP_HEADER_AUTHORIZATION);
    if (!sb_zmon_web_authorized (self->config.token, authorization))
        return s_refuse (connection, MHD_HTTP_UNAUTHORIZED,
                         "an action needs the header Authorization: Bearer ZMON_WEB_TOKEN");
    if (request->too_large)
        return s_refuse (connection, MHD_HTTP_CONTENT_TOO_LARGE, "body larger than 4096 bytes");
    char id [SB_ZMON_WEB_ARG_MAX + 1], err [256];
    if (sb_zmon_web_replay_parse (request->body, request->size, id, err, sizeof err))
        return s_refuse (connection, MHD_HTTP_BAD_REQUEST, err);
    zsys_notice ("zmon-web: replay %s", id);
    return s_answer_json (connection, MHD_HTTP_OK, sb_zmon_request_all (
        self->config.brokers, self->config.broker_count, SB_PROTO_DLQ_REPLAY, id,
        self->config.timeout_ms));
}

static enum MHD_Result
s_on_supervise (sb_zmon_web_t *self, struct MHD_Connection *connection)
{
    if (!self->config.supervise)
        return s_refuse (connection, MHD_HTTP_NOT_FOUND,
                         "no supervise control socket configured (--supervise, zmon/supervise)");
    char err [256];
    char *answer = sb_control_call (self->config.supervise, "status --json",
                                    self->config.timeout_ms, err, sizeof err);
    json_t *status = answer && strncmp (answer, "ok\n", 3) == 0
                   ? json_loads (answer + 3, 0, NULL): NULL;
    if (answer && !status)
        snprintf (err, sizeof err, "supervise answered: %.200s", answer);
    free (answer);
    if (!json_is_object (status)) {
        json_decref (status);
        return s_answer_json (connection, MHD_HTTP_OK,
                              json_pack ("{s:b, s:s}", "reachable", false, "error", err));
    }
    json_object_set_new (status, "reachable", json_true ());
    return s_answer_json (connection, MHD_HTTP_OK, status);
}

//  --------------------------------------------------------------------------
//  libmicrohttpd's callbacks

static enum MHD_Result
s_dispatch (sb_zmon_web_t *self, struct MHD_Connection *connection, const char *method,
            const char *url, s_request_t *request)
{
    const char *host = MHD_lookup_connection_value (connection, MHD_HEADER_KIND,
                                                    MHD_HTTP_HEADER_HOST);
    if (self->loopback && !sb_zmon_web_host_is_loopback (host))
        return s_refuse (connection, MHD_HTTP_MISDIRECTED_REQUEST,
                         "this console answers to 127.0.0.1 and localhost only");
    sb_zmon_web_route_t route;
    char err [256];
    int status = sb_zmon_web_route (method, url, &route, err, sizeof err);
    if (status)
        return s_refuse (connection, (unsigned int) status, err);
    switch (route.kind) {
        case SB_ZMON_WEB_STATIC:
            return s_answer (connection, MHD_HTTP_OK, strdup (route.file->text),
                             sb_zmon_web_content_type (route.file->origin));
        case SB_ZMON_WEB_STATS:      return s_on_stats (self, connection);
        case SB_ZMON_WEB_TRACE:      return s_on_trace (self, connection, route.arg);
        case SB_ZMON_WEB_DLQ_LIST:   return s_on_dlq_list (self, connection);
        case SB_ZMON_WEB_DLQ_SHOW:   return s_on_dlq_show (self, connection, route.arg);
        case SB_ZMON_WEB_DLQ_REPLAY: return s_on_replay (self, connection, request);
        case SB_ZMON_WEB_SUPERVISE:  return s_on_supervise (self, connection);
        case SB_ZMON_WEB_CONVERSATIONS: return s_on_conversations (self, connection);
    }
    return s_refuse (connection, MHD_HTTP_NOT_FOUND, "no such page");
}

//  Called once with the headers (the request's state starts), then with
//  each chunk of body, then once more to answer.
static enum MHD_Result
s_handler (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size,
           void **con_cls)
{
    (void) version;
    s_request_t *request = (s_request_t *) *con_cls;
    if (!request) {
        *con_cls = calloc (1, sizeof (s_request_t));
        return *con_cls? MHD_YES: MHD_NO;
    }
    if (*upload_data_size) {
        if (request->size + *upload_data_size > sizeof request->body)
            request->too_large = true;
        else {
            memcpy (request->body + request->size, upload_data, *upload_data_size);
            request->size += *upload_data_size;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return s_dispatch ((sb_zmon_web_t *) cls, connection, method, url, request);
}

static void
s_on_completed (void *cls, struct MHD_Connection *connection, void **con_cls,
                enum MHD_RequestTerminationCode code)
{
    (void) cls;
    (void) connection;
    (void) code;
    free (*con_cls);
    *con_cls = NULL;
}

//  --------------------------------------------------------------------------
//  Lifecycle

static int
s_listen (sb_zmon_web_t *self, char *err, size_t errlen)
{
    const sb_zmon_web_config_t *config = &self->config;
    struct sockaddr_in address = { .sin_family = AF_INET,
                                   .sin_port = htons ((uint16_t) config->port) };
    if (inet_pton (AF_INET, config->listen, &address.sin_addr) != 1)
        return sb_error_set (err, errlen, "listen address '%s' is not an IPv4 address",
                             config->listen);
    self->loopback = (ntohl (address.sin_addr.s_addr) >> 24) == 127;
    self->daemon = MHD_start_daemon (
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t) config->port, NULL, NULL,
        s_handler, self,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) SB_ZMON_WEB_THREADS,
        MHD_OPTION_NOTIFY_COMPLETED, s_on_completed, self,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 30,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 64,
        MHD_OPTION_END);
    if (!self->daemon)
        return sb_error_set (err, errlen, "cannot listen on %s:%d (in use, or not permitted)",
                             config->listen, config->port);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info (self->daemon,
                                                            MHD_DAEMON_INFO_BIND_PORT);
    self->port = info? info->port: config->port;
    return 0;
}

sb_zmon_web_t *
sb_zmon_web_new (const sb_zmon_web_config_t *config, char *err, size_t errlen)
{
    sb_zmon_web_t *self = (sb_zmon_web_t *) calloc (1, sizeof (sb_zmon_web_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->config = *config;
    pthread_mutex_init (&self->lock, NULL);
    if (s_listen (self, err, errlen))
        sb_zmon_web_destroy (&self);
    return self;
}

void
sb_zmon_web_destroy (sb_zmon_web_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_zmon_web_t *self = *self_p;
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    json_decref (self->before);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

int
sb_zmon_web_port (sb_zmon_web_t *self)
{
    return self->port;
}
