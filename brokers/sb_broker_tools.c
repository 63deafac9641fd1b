/*  sb_broker_tools.c — what the broker answers between rounds, when it
    may talk to Redis synchronously: tools (STATS, DLQ-LIST, DLQ-REPLAY)
    and the first HELLO of a reply service.                                */

#include "sb_broker_private.h"

//  --------------------------------------------------------------------------
//  Tools: STATS, DLQ-LIST, DLQ-REPLAY

static json_t *
s_service_stats (sb_broker_t *self, s_service_t *service, int64_t now_wall)
{
    sb_store_figures_t figures = { 0 };
    bool known = sb_store_figures (self->store, service->name, &figures) == 0;
    return json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b}",
        "workers", (json_int_t) service->workers,
        "capacity", (json_int_t) service->capacity,
        "in_flight", (json_int_t) service->in_flight,
        "queued", (json_int_t) (known? figures.queued: -1),
        "pending", (json_int_t) (known? figures.pending: -1),
        "delayed", (json_int_t) (known? figures.delayed: -1),
        "oldest_age_ms", (json_int_t) (figures.oldest_ms? now_wall - figures.oldest_ms: 0),
        "delivered", (json_int_t) service->delivered,
        "completed", (json_int_t) service->completed,
        "retried", (json_int_t) service->retried,
        "dead_lettered", (json_int_t) service->dead,
        "p50_us", (json_int_t) sb_hist_percentile (&service->latency, 0.50),
        "p99_us", (json_int_t) sb_hist_percentile (&service->latency, 0.99),
        "stalled", service->stalled,
        "storage_known", known);
}

static void
s_on_stats (sb_broker_t *self, zframe_t *identity)
{
    int64_t now_wall = zclock_time ();
    int64_t backlog = -1, dead = -1;
    sb_store_backlog (self->store, &backlog);
    sb_store_dlq_size (self->store, &dead);
    json_t *services = json_object ();
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services))
        json_object_set_new (services, service->name, s_service_stats (self, service, now_wall));
    json_t *stats = json_pack ("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
        "broker", self->name, "endpoint", self->endpoint,
        "uptime_ms", (json_int_t) (zclock_mono () - self->started_ms),
        "storage", self->storage_ok? "ok": self->storage_error,
        "published", (json_int_t) self->published,
        "duplicates", (json_int_t) self->duplicates,
        "refused", (json_int_t) self->refused,
        "malformed", (json_int_t) self->malformed,
        "backlog", (json_int_t) backlog,
        "dead_letters", (json_int_t) dead,
        "services", services);
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
        if (identity && command)
            s_on_reply_hello (self, identity, msg);
        zstr_free (&command);
        zframe_destroy (&identity);
        zmsg_destroy (&msg);
    }
}
