/*  sb_broker_tools.c — what the broker answers between rounds, when it
    may talk to Redis synchronously: tools (STATS, DLQ-LIST, DLQ-REPLAY,
    TRACE, CONVERSATIONS) and the first HELLO of a reply service.                         */

#include "sb_broker_private.h"

//  --------------------------------------------------------------------------
//  Tools: STATS, DLQ-LIST, DLQ-REPLAY

//  Retries and dead letters per answer over the last one to two windows,
//  or -1 when nothing was answered then.
static double
s_failure_rate (s_service_t *service, int64_t now)
{
    uint64_t answers = service->completed + service->retried + service->dead;
    uint64_t failures = service->retried + service->dead;
    if (now - service->window_ms >= S_FAILURE_WINDOW_MS) {
        service->window_answers [0] = service->window_answers [1];
        service->window_failures [0] = service->window_failures [1];
        service->window_answers [1] = answers;
        service->window_failures [1] = failures;
        service->window_ms = now;
    }
    uint64_t recent = answers - service->window_answers [0];
    return recent? (double) (failures - service->window_failures [0]) / (double) recent: -1;
}

//  The thresholds a service crosses (names), counted in *crossed.
static json_t *
s_service_alerts (sb_broker_t *self, json_t *stats, double failure_rate, size_t *crossed)
{
    sb_alerts_figures_t figures = {
        json_integer_value (json_object_get (stats, "queued"))
            + json_integer_value (json_object_get (stats, "delayed")),
        json_integer_value (json_object_get (stats, "oldest_age_ms")),
        failure_rate, json_integer_value (json_object_get (stats, "p99_us")) };
    json_t *list = sb_alerts_check (&self->alerts, &figures);
    json_t *names = json_array ();
    for (size_t index = 0; index < json_array_size (list); index++)
        json_array_append (names, json_object_get (json_array_get (list, index), "alert"));
    *crossed += json_array_size (names);
    json_decref (list);
    return names;
}

static json_t *
s_service_stats (sb_broker_t *self, s_service_t *service, const sb_store_figures_t *figures,
                 int64_t now_wall, size_t *crossed)
{
    bool known = figures->known;
    double failure_rate = s_failure_rate (service, zclock_mono ());
    json_t *stats = json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:f}",
        "workers", (json_int_t) service->workers,
        "capacity", (json_int_t) service->capacity,
        "in_flight", (json_int_t) service->in_flight,
        "queued", (json_int_t) (known? figures->queued: -1),
        "pending", (json_int_t) (known? figures->pending: -1),
        "delayed", (json_int_t) (known? figures->delayed: -1),
        "oldest_age_ms", (json_int_t) (figures->oldest_ms? now_wall - figures->oldest_ms: 0),
        "delivered", (json_int_t) service->delivered,
        "completed", (json_int_t) service->completed,
        "retried", (json_int_t) service->retried,
        "dead_lettered", (json_int_t) service->dead,
        "p50_us", (json_int_t) sb_hist_percentile (&service->latency, 0.50),
        "p99_us", (json_int_t) sb_hist_percentile (&service->latency, 0.99),
        "stalled", service->stalled,
        "storage_known", known,
        "failure_rate", failure_rate);
    if (stats)
        json_object_set_new (stats, "alerts", s_service_alerts (self, stats, failure_rate, crossed));
    return stats;
}

static void
s_on_stats (sb_broker_t *self, zframe_t *identity)
{
    int64_t now_wall = zclock_time ();
    int64_t backlog = -1, dead = -1;
    sb_store_backlog (self->store, &backlog);
    sb_store_dlq_size (self->store, &dead);
    json_t *services = json_object ();
    size_t crossed = 0, count = zhashx_size (self->services), index = 0;
    const char **names = (const char **) calloc (count + 1, sizeof (char *));
    sb_store_figures_t *figures = (sb_store_figures_t *) calloc (count + 1, sizeof *figures);
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services);
         service && names; service = (s_service_t *) zhashx_next (self->services))
        names [index++] = service->name;
    if (names && figures)
        sb_store_figures (self->store, names, count, figures);   //  unknown ones say so
    index = 0;
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services);
         service && figures; service = (s_service_t *) zhashx_next (self->services))
        json_object_set_new (services, service->name,
                             s_service_stats (self, service, &figures [index++], now_wall, &crossed));
    free (names);
    free (figures);
    json_t *stats = json_pack ("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:o}",
        "broker", self->name, "endpoint", self->endpoint,
        "uptime_ms", (json_int_t) (zclock_mono () - self->started_ms),
        "storage", self->storage_ok? "ok": self->storage_error,
        "published", (json_int_t) self->published,
        "duplicates", (json_int_t) self->duplicates,
        "refused", (json_int_t) self->refused,
        "malformed", (json_int_t) self->malformed,
        "backlog", (json_int_t) backlog,
        "dead_letters", (json_int_t) dead,
        "alerts", (json_int_t) crossed,
        "trace", self->config.trace,
        "services", services);
    const s_round_trips_t *trips = &self->round_trips;
    json_object_set_new (stats, "redis_rounds", json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
        "count", (json_int_t) trips->hist.total,
        "p50_us", (json_int_t) sb_hist_percentile (&trips->hist, 0.50),
        "p99_us", (json_int_t) sb_hist_percentile (&trips->hist, 0.99),
        "max_us", (json_int_t) trips->max_us,
        "over_1ms", (json_int_t) trips->over_1ms,
        "over_2ms", (json_int_t) trips->over_2ms,
        "over_10ms", (json_int_t) trips->over_10ms));
    //  Where tools find the tap and the socket events (null: not configured)
    json_object_set_new (stats, "tap", self->tap_endpoint? json_string (self->tap_endpoint)
                                                         : json_null ());
    const char *monitor = self->monitor? sb_monitor_endpoint (self->monitor): NULL;
    json_object_set_new (stats, "monitor", monitor? json_string (monitor): json_null ());
    zmsg_t *reply = zmsg_new ();
    sb_proto_add_json (reply, stats);
    json_decref (stats);
    sb_broker_send (self, identity, SB_PROTO_STATS, reply);
}

static void
s_on_dlq_list (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    uint64_t count = 100;
    if (zmsg_size (args) && (sb_proto_pop_number (args, &count) || count > 10000)) {
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, "DLQ-LIST count: 0..10000", NULL, NULL);
        return;
    }
    json_t *entries = NULL;
    if (sb_store_dlq_list (self->store, (size_t) count, &entries)) {
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, sb_store_error (self->store), NULL, NULL);
        return;
    }
    zmsg_t *reply = zmsg_new ();
    sb_proto_add_json (reply, entries);
    json_decref (entries);
    sb_broker_send (self, identity, SB_PROTO_DLQ, reply);
}

static void
s_on_dlq_replay (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char entry [64];
    if (sb_proto_pop_string (args, entry, sizeof entry)) {
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, "DLQ-REPLAY needs an entry id or 'all'",
                        NULL, NULL);
        return;
    }
    zlistx_t *services = zlistx_new ();
    zlistx_set_destructor (services, sb_broker_string_destructor);
    size_t replayed = 0;
    if (sb_store_dlq_replay (self->store, streq (entry, "all")? NULL: entry, &replayed, services))
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, sb_store_error (self->store), NULL, NULL);
    else {
        for (char *name = (char *) zlistx_first (services); name;
             name = (char *) zlistx_next (services)) {
            s_service_t *service = (s_service_t *) zhashx_lookup (self->services, name);
            if (service)
                service->dirty = true;
        }
        char count [24];
        snprintf (count, sizeof count, "%zu", replayed);
        sb_broker_send_strings (self, identity, SB_PROTO_REPLAYED, count, NULL, NULL);
        zsys_info ("broker: replayed %zu dead letter(s)", replayed);
    }
    zlistx_destroy (&services);
}

//  TRACE corr: the conversation's events as the scripts noted them.
static void
s_on_trace (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char corr [SB_ENVELOPE_MAX_CORR + 1];
    json_t *events = NULL;
    if (sb_proto_pop_string (args, corr, sizeof corr) || !*corr)
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, "TRACE needs a corr (<= 128 bytes)",
                                NULL, NULL);
    else
    if (sb_store_trace (self->store, corr, &events))
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, sb_store_error (self->store),
                                NULL, NULL);
    else {
        zmsg_t *reply = zmsg_new ();
        sb_proto_add_json (reply, events);
        json_decref (events);
        sb_broker_send (self, identity, SB_PROTO_TRACE, reply);
    }
}

//  CONVERSATIONS phone [tenant]: the conversations noted under a phone
//  number (normalised as the schemas' index is), newest first; every
//  tenant's when none is given.
static void
s_on_conversations (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char text [SB_ENVELOPE_MAX_NAME + 1], tenant [SB_ENVELOPE_MAX_NAME + 1] = "";
    char phone [SB_SCHEMAS_PHONE_MAX + 1], err [256];
    json_t *conversations = NULL;
    if (sb_proto_pop_string (args, text, sizeof text)
    ||  (zmsg_size (args) && sb_proto_pop_string (args, tenant, sizeof tenant)))
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR,
                                "CONVERSATIONS needs a phone number and optionally a tenant "
                                "(<= 64 bytes each)", NULL, NULL);
    else
    if (sb_schemas_phone_normalise (text, strlen (text), phone, sizeof phone, err, sizeof err))
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
    else
    if (sb_store_conversations (self->store, phone, *tenant? tenant: NULL, zclock_time (),
                                &conversations))
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, sb_store_error (self->store),
                                NULL, NULL);
    else {
        zmsg_t *reply = zmsg_new ();
        sb_proto_add_json (reply, conversations);
        json_decref (conversations);
        sb_broker_send (self, identity, SB_PROTO_CONVERSATIONS, reply);
    }
}

//  A HELLO for a reply service met for the first time: its queue is
//  created, then the HELLO is taken like any other.
static void
s_on_reply_hello (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char err [256] = "HELLO needs {service, instance, capacity 1..1024}";
    zmsg_t *copy = zmsg_dup (args);
    json_t *hello = sb_proto_pop_json (copy, err, sizeof err);
    const char *name = json_string_value (json_object_get (hello, "service"));
    if (name && sb_broker_add_reply_service (self, name, err, sizeof err) == 0)
        sb_broker_on_hello (self, identity, args);
    else {
        if (name)
            sb_broker_storage_failed (self, "reply service");
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
    }
    json_decref (hello);
    zmsg_destroy (&copy);
}

//  Answers the tool requests that came in during the last round.
void
sb_broker_tool_requests (sb_broker_t *self)
{
    zmsg_t *msg;
    while ((msg = (zmsg_t *) zlistx_detach (self->tool_requests, NULL))) {
        zframe_t *identity = zmsg_pop (msg);
        char *command = zmsg_popstr (msg);
        if (identity && command && streq (command, SB_PROTO_STATS))
            s_on_stats (self, identity);
        else
        if (identity && command && streq (command, SB_PROTO_DLQ_LIST))
            s_on_dlq_list (self, identity, msg);
        else
        if (identity && command && streq (command, SB_PROTO_DLQ_REPLAY))
            s_on_dlq_replay (self, identity, msg);
        else
        if (identity && command && streq (command, SB_PROTO_TRACE))
            s_on_trace (self, identity, msg);
        else
        if (identity && command && streq (command, SB_PROTO_CONVERSATIONS))
            s_on_conversations (self, identity, msg);
        else
        if (identity && command)
            s_on_reply_hello (self, identity, msg);
        zstr_free (&command);
        zframe_destroy (&identity);
        zmsg_destroy (&msg);
    }
}
