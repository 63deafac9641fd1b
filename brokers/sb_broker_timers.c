/*  sb_broker_timers.c — the broker's timers: heartbeats and dead workers,
    leases, holding and reclaiming deliveries in Redis, delayed work,
    stalled services and trimming. They run between rounds only, since
    they talk to Redis on the round's connection.                          */

#include "sb_broker_private.h"

//  --------------------------------------------------------------------------
//  Timers

static void
s_heartbeat (sb_broker_t *self, int64_t now)
{
    if (now < self->next_heartbeat_ms)
        return;
    self->next_heartbeat_ms = now + self->config.heartbeat_ms;
    zlistx_t *dead = zlistx_new ();
    for (s_worker_t *worker = (s_worker_t *) zhashx_first (self->workers); worker;
         worker = (s_worker_t *) zhashx_next (self->workers)) {
        if (now > worker->expiry_ms)
            zlistx_add_end (dead, worker);
        else
            sb_broker_send (self, worker->identity, SB_PROTO_HEARTBEAT, NULL);
    }
    for (s_worker_t *worker = (s_worker_t *) zlistx_first (dead); worker;
         worker = (s_worker_t *) zlistx_next (dead))
        sb_broker_worker_remove (self, worker, "missed heartbeats");
    zlistx_destroy (&dead);
}

//  Any message from a worker proves it alive and extends its leases (not
//  each one here: that was a walk of all it holds per message).
void
sb_broker_worker_alive (sb_broker_t *self, s_worker_t *worker, int64_t now)
{
    worker->expiry_ms = now + self->config.heartbeat_ms * self->config.liveness;
    worker->heard_ms = now;
}

//  When a delivery's lease runs out: a lease past its worker's last word
static int64_t
s_lease_expiry (const s_delivery_t *delivery)
{
    int64_t expiry = delivery->lease_expiry_ms;
    if (delivery->worker) {
        int64_t renewed = delivery->worker->heard_ms + delivery->service->policy->lease_ms;
        if (renewed > expiry)
            expiry = renewed;
    }
    return expiry;
}

//  Deliveries whose lease ran out go back for another attempt.
static void
s_expire_leases (sb_broker_t *self, int64_t now)
{
    zlistx_t *expired = zlistx_new ();
    for (s_delivery_t *delivery = (s_delivery_t *) zhashx_first (self->deliveries);
         delivery; delivery = (s_delivery_t *) zhashx_next (self->deliveries))
        if (!delivery->committing && now > s_lease_expiry (delivery))
            zlistx_add_end (expired, delivery);
    for (s_delivery_t *delivery = (s_delivery_t *) zlistx_first (expired); delivery;
         delivery = (s_delivery_t *) zlistx_next (expired)) {
        zsys_warning ("broker: lease of %s expired", delivery->handle);
        sb_broker_release (delivery);
        sb_broker_answer_queue (self, delivery, SB_STORE_RETRY, "lease expired", 0);
    }
    zlistx_destroy (&expired);
}

//  Renews this broker's hold, in Redis, on everything it has in flight.
static void
s_touch (sb_broker_t *self, int64_t now)
{
    if (now < self->next_touch_ms)
        return;
    self->next_touch_ms = now + self->config.visibility_ms / 3;
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services)) {
        //  In flight, and fetched but waiting for a worker: both are held
        size_t held = service->in_flight + zlistx_size (service->ready);
        const char **ids = (const char **) calloc (held + 1, sizeof (char *));
        size_t count = 0;
        for (s_delivery_t *delivery = (s_delivery_t *) zhashx_first (self->deliveries);
             ids && delivery; delivery = (s_delivery_t *) zhashx_next (self->deliveries))
            if (delivery->service == service && count < held)
                ids [count++] = delivery->msg->stream_id;
        for (sb_store_msg_t *msg = (sb_store_msg_t *) zlistx_first (service->ready);
             ids && msg && count < held; msg = (sb_store_msg_t *) zlistx_next (service->ready))
            ids [count++] = msg->stream_id;
        if (count && sb_store_touch (self->store, service->name, ids, count))
            sb_broker_storage_failed (self, "touch");
        free (ids);
    }
}

//  Takes over deliveries a dead broker held (idle past the visibility
//  time-out), as new attempts.
static void
s_reclaim (sb_broker_t *self, int64_t now)
{
    if (now < self->next_reclaim_ms)
        return;
    self->next_reclaim_ms = now + self->config.visibility_ms / 2;
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services)) {
        //  Take over only what idle workers can start on now: a claim
        //  counts an attempt, and waiting here helps nobody
        size_t before = zlistx_size (service->ready);
        size_t credit = sb_broker_idle_credit (service);
        if (credit <= before)
            continue;
        size_t wanted = credit - before < S_FETCH_MAX? credit - before: S_FETCH_MAX;
        if (sb_store_claim (self->store, service->name, "stale", self->config.visibility_ms,
                            wanted, NULL, 0, service->ready))
            sb_broker_storage_failed (self, "reclaim");
        else
        if (zlistx_size (service->ready) > before)
            zsys_info ("broker: reclaimed %zu %s deliveries from a silent broker",
                       zlistx_size (service->ready) - before, service->name);
    }
}

//  Moves delayed work whose time has come into the queues.
static void
s_move_due (sb_broker_t *self)
{
    int64_t now = zclock_time ();
    if (now < self->next_due_ms)
        return;
    zlistx_t *services = zlistx_new ();
    zlistx_set_destructor (services, sb_broker_string_destructor);
    int64_t next_due = -1;
    if (sb_store_move_due (self->store, now, 1000, &next_due, services))
        sb_broker_storage_failed (self, "move due");
    else
        self->storage_ok = true;   //  Redis answered: back after an outage
    for (char *name = (char *) zlistx_first (services); name;
         name = (char *) zlistx_next (services)) {
        s_service_t *service = (s_service_t *) zhashx_lookup (self->services, name);
        if (service)
            service->dirty = true;
    }
    //  Other brokers schedule delays too: look at least once a second
    self->next_due_ms = now + 1000;
    if (next_due >= 0 && next_due < self->next_due_ms)
        self->next_due_ms = next_due;
    zlistx_destroy (&services);
}

//  The next service in a round-robin over all of them (services are only
//  ever added, reply services on their first HELLO: the order is stable
//  enough for fairness).
static s_service_t *
s_next_service (sb_broker_t *self, size_t *cursor)
{
    size_t count = zhashx_size (self->services);
    if (count == 0)
        return NULL;
    size_t target = (*cursor)++ % count;
    s_service_t *service = (s_service_t *) zhashx_first (self->services);
    while (service && target--)
        service = (s_service_t *) zhashx_next (self->services);
    return service;
}

//  A service whose backlog grows while nothing completes is stalled: say
//  so once in the log, and in STATS until it moves again. One service per
//  tick, so that each is looked at every S_STALL_CHECK_MS without a burst
//  of Redis calls that would hold up the loop.
static void
s_check_stalls (sb_broker_t *self, int64_t now)
{
    if (now < self->next_stall_check_ms)
        return;
    size_t count = zhashx_size (self->services);
    self->next_stall_check_ms = now + S_STALL_CHECK_MS / (int64_t) (count? count: 1);
    s_service_t *service = s_next_service (self, &self->stall_cursor);
    sb_store_figures_t figures;
    const char *name = service? service->name: NULL;
    if (!service || sb_store_figures (self->store, &name, 1, &figures) || !figures.known)
        return;
    int64_t backlog = figures.queued + figures.delayed;
    bool stalled = backlog > 0 && backlog >= service->backlog_at_check
                && service->completed == service->completed_at_check
                && service->backlog_at_check > 0;
    if (stalled && !service->stalled)
        zsys_warning ("broker: service %s is stalled: %" PRId64 " queued, nothing "
                      "completed in %d s (%zu workers)", service->name, backlog,
                      S_STALL_CHECK_MS / 1000, service->workers);
    service->stalled = stalled;
    service->backlog_at_check = backlog;
    service->completed_at_check = service->completed;
}

//  Trims finished entries from the queues: one service per tick, each
//  about once a second, and only one that completed something since.
static void
s_trim (sb_broker_t *self, int64_t now)
{
    if (now < self->next_trim_ms)
        return;
    size_t count = zhashx_size (self->services);
    self->next_trim_ms = now + 1000 / (int64_t) (count? count: 1);
    s_service_t *service = s_next_service (self, &self->trim_cursor);
    if (!service || service->completed == service->completed_at_trim)
        return;
    service->completed_at_trim = service->completed;
    int64_t removed = 0;
    if (sb_store_trim (self->store, service->name, &removed))
        sb_broker_storage_failed (self, "trim");
}

bool
sb_broker_timers_due (sb_broker_t *self, int64_t now)
{
    int64_t next = self->next_heartbeat_ms;
    const int64_t others [] = { self->next_touch_ms, self->next_reclaim_ms,
                                self->next_stall_check_ms, self->next_trim_ms };
    for (size_t index = 0; index < sizeof others / sizeof others [0]; index++)
        if (others [index] < next)
            next = others [index];
    return now >= next || zclock_time () >= self->next_due_ms
        || zlistx_size (self->tool_requests) > 0;
}

//  Runs the timers: only between rounds, since they talk to Redis on the
//  same connection.
void
sb_broker_timers (sb_broker_t *self, int64_t now)
{
    s_heartbeat (self, now);
    s_expire_leases (self, now);
    s_touch (self, now);
    s_reclaim (self, now);
    s_move_due (self);
    s_check_stalls (self, now);
    s_trim (self, now);
    sb_broker_tool_requests (self);
}
