/*  sb_actor_run.c — the runtime's loop: links to the brokers, the handler
    run on worker threads (sb_actor_jobs.c) or, for an inline actor, on
    this thread between polls, heartbeats, reconnects, and the drain on
    SIGTERM/SIGINT.

    The main thread owns every socket; a worker thread owns the job it is
    handed (a pointer passed over its inproc pipe) until it hands it back. */

#include "sb_actor_jobs.h"
#include "sb_hist.h"
#include "sb_monitor.h"
#include "sb_proto.h"

#define S_BACKOFF_MIN_MS 100
#define S_BACKOFF_MAX_MS 5000

//  A connection to one broker.
typedef struct {
    char *endpoint;
    zsock_t *dealer;             //  NULL while waiting to reconnect
    uint64_t generation;         //  bumped on every reconnect
    int heartbeat_ms;
    int liveness;
    int64_t last_heard_ms;
    int64_t next_beat_ms;
    int64_t next_connect_ms;
    int64_t backoff_ms;
    int64_t hello_sent_ms;       //  awaiting WELCOME since, 0 when joined
} s_link_t;

typedef struct {
    sb_actor_options_t *options;
    s_link_t links [SB_ACTOR_MAX_BROKERS];
    sb_actor_workers_t *workers; //  NULL for an inline actor: the handler runs here
    sb_actor_thread_t thread;    //  this thread's own, for inline handlers
    zlistx_t *queue;             //  sb_actor_job_t waiting to run
    bool draining;
    int64_t drain_deadline_ms;
    zsock_t *stats;              //  ROUTER answering STATS, or NULL
    sb_monitor_t *monitor;       //  the links' socket events, or NULL
    uint64_t handled, retried, failed, invalid, dropped;
    sb_hist_t latency;
} s_runtime_t;

//  --------------------------------------------------------------------------
//  Links to brokers

static void
s_send (s_link_t *link, const char *command, const char *handle,
        const char *first, const char *second, zmsg_t **more_p)
{
    zmsg_t *msg = sb_proto_new (command);
    if (handle) zmsg_addstr (msg, handle);
    if (first)  zmsg_addstr (msg, first);
    if (second) zmsg_addstr (msg, second);
    zframe_t *frame;
    while (more_p && *more_p && (frame = zmsg_pop (*more_p)))
        zmsg_append (msg, &frame);
    if (link->dealer)
        zmsg_send (&msg, link->dealer);
    zmsg_destroy (&msg);
}

static void
s_hello (s_runtime_t *self, s_link_t *link)
{
    link->hello_sent_ms = zclock_mono ();
    json_t *hello = json_pack ("{s:s, s:s, s:i}", "service", self->options->def->name,
                               "instance", self->options->instance,
                               "capacity", self->options->capacity);
    zmsg_t *msg = sb_proto_new (SB_PROTO_HELLO);
    sb_proto_add_json (msg, hello);
    json_decref (hello);
    if (link->dealer)
        zmsg_send (&msg, link->dealer);
    zmsg_destroy (&msg);
}

static void
s_connect (s_runtime_t *self, s_link_t *link, int64_t now)
{
    link->dealer = zsock_new (ZMQ_DEALER);
    if (!link->dealer)
        return;
    zsock_set_linger (link->dealer, 0);
    zsock_set_rcvtimeo (link->dealer, 0);
    char name [300];
    snprintf (name, sizeof name, "link %.250s", link->endpoint);
    if (self->monitor && sb_monitor_watch (self->monitor, link->dealer, name))
        zsys_warning ("%s: cannot monitor the link to %s", self->options->def->name, link->endpoint);
    char err [300] = "";
    if (sb_curve_client_apply (link->dealer, err, sizeof err)
    ||  zsock_connect (link->dealer, "%s", link->endpoint) < 0) {
        zsys_error ("%s: cannot connect to %s%s%s", self->options->def->name, link->endpoint,
                    *err? ": ": "", err);
        zsock_destroy (&link->dealer);
        link->next_connect_ms = now + S_BACKOFF_MAX_MS;
        return;
    }
    link->generation++;
    link->last_heard_ms = now;
    link->next_beat_ms = now + link->heartbeat_ms;
    s_hello (self, link);
}

//  A broker silent past its liveness: drop the connection and try again
//  after a back-off. What it delivered stays its to redeliver: answers to
//  an older connection are not sent on a new one.
static void
s_disconnect (s_runtime_t *self, s_link_t *link, int64_t now)
{
    zsys_warning ("%s: broker %s silent for %d ms: reconnecting in %" PRId64 " ms",
                  self->options->def->name, link->endpoint,
                  link->heartbeat_ms * link->liveness, link->backoff_ms);
    zsock_destroy (&link->dealer);
    link->next_connect_ms = now + link->backoff_ms;
    link->backoff_ms = link->backoff_ms * 2 < S_BACKOFF_MAX_MS? link->backoff_ms * 2: S_BACKOFF_MAX_MS;
}

//  --------------------------------------------------------------------------
//  Jobs

//  Jobs held: running on a worker (an inline handler is never running
//  when this is asked) or waiting to run.
static size_t
s_held (s_runtime_t *self)
{
    return sb_actor_workers_busy (self->workers) + zlistx_size (self->queue);
}

//  Sends a job's answer to the broker it came from, if that connection
//  still stands; then lets go of the job.
static void
s_answer (s_runtime_t *self, sb_actor_job_t *job)
{
    s_link_t *link = &self->links [job->link];
    sb_hist_record (&self->latency, zclock_usecs () - job->started_us);
    if (job->result == SB_ACTOR_DONE)
        self->handled++;
    else
    if (job->result == SB_ACTOR_RETRY)
        self->retried++;
    else {
        self->failed++;
        zsys_warning ("%s: %s failed: %s", self->options->def->name, job->handle, job->reason);
    }
    if (link->generation != job->generation || !link->dealer)
        self->dropped++;   //  that broker redelivers it after it misses us
    else
    if (job->result == SB_ACTOR_DONE)
        s_send (link, SB_PROTO_DONE, job->handle, NULL, NULL, &job->outputs);
    else
    if (job->result == SB_ACTOR_RETRY) {
        char delay [24];
        snprintf (delay, sizeof delay, "%" PRId64, job->delay_ms);
        s_send (link, SB_PROTO_RETRY, job->handle, delay, job->reason, NULL);
    }
    else
        s_send (link, SB_PROTO_FAIL, job->handle, job->reason, NULL, NULL);
    sb_actor_job_destroy (&job);
}

//  A DELIVER: decoded and checked here, so that the handler only ever sees
//  valid messages; an invalid one is failed with the reason at once.
static void
s_on_deliver (s_runtime_t *self, size_t index, zmsg_t *msg)
{
    s_link_t *link = &self->links [index];
    sb_actor_job_t *job = (sb_actor_job_t *) calloc (1, sizeof (sb_actor_job_t));
    uint64_t attempt = 0;
    if (!job || sb_proto_pop_string (msg, job->handle, sizeof job->handle)
    ||  sb_proto_pop_number (msg, &attempt) || zmsg_size (msg) != 1) {
        zsys_warning ("%s: malformed DELIVER from %s", self->options->def->name, link->endpoint);
        free (job);
        return;
    }
    job->link = index;
    job->generation = link->generation;
    job->attempt = (uint32_t) attempt;
    zframe_t *frame = zmsg_pop (msg);
    char err [400];
    job->message = sb_schemas_decode (self->options->schemas, zframe_data (frame),
                                      zframe_size (frame), NULL, err, sizeof err);
    zframe_destroy (&frame);
    if (!job->message) {
        self->invalid++;
        char reason [512];
        snprintf (reason, sizeof reason, "invalid message: %.480s", err);
        s_send (link, SB_PROTO_FAIL, job->handle, reason, NULL, NULL);
        sb_actor_job_destroy (&job);
        return;
    }
    sb_envelope_set_attempt (job->message, job->attempt);
    zlistx_add_end (self->queue, job);
}

static void
s_on_link (s_runtime_t *self, size_t index, int64_t now)
{
    s_link_t *link = &self->links [index];
    zmsg_t *msg;
    while (link->dealer && (msg = zmsg_recv (link->dealer))) {
        char command [SB_PROTO_COMMAND_MAX + 1], err [256];
        link->last_heard_ms = now;
        if (sb_proto_parse (msg, command, err, sizeof err))
            zsys_warning ("%s: from %s: %s", self->options->def->name, link->endpoint, err);
        else
        if (streq (command, SB_PROTO_DELIVER))
            s_on_deliver (self, index, msg);
        else
        if (streq (command, SB_PROTO_WELCOME)) {
            sb_proto_pop_welcome (msg, &link->heartbeat_ms, &link->liveness);
            link->backoff_ms = S_BACKOFF_MIN_MS;
            link->next_beat_ms = now + link->heartbeat_ms;   //  the new interval from now
            link->hello_sent_ms = 0;
            zsys_info ("%s: %s joined %s", self->options->def->name, self->options->instance,
                       link->endpoint);
        }
        else
        if (streq (command, SB_PROTO_ERROR)) {
            char reason [256] = "";
            sb_proto_pop_string (msg, reason, sizeof reason);
            zsys_warning ("%s: broker %s: %s", self->options->def->name, link->endpoint, reason);
            //  The broker dropped us (silent too long) or restarted. Every
            //  command it did not expect says so: one HELLO answers them all,
            //  another only if no WELCOME came within a heartbeat
            if (strstr (reason, "say HELLO") && !self->draining
            &&  (!link->hello_sent_ms || now - link->hello_sent_ms > link->heartbeat_ms))
                s_hello (self, link);
        }
        zmsg_destroy (&msg);
    }
}

//  Heartbeats out, silent brokers dropped, dropped ones reconnected.
static void
s_links_tick (s_runtime_t *self, int64_t now)
{
    for (size_t index = 0; index < self->options->broker_count; index++) {
        s_link_t *link = &self->links [index];
        if (!link->dealer) {
            if (now >= link->next_connect_ms && !self->draining)
                s_connect (self, link, now);
            continue;
        }
        if (now - link->last_heard_ms > (int64_t) link->heartbeat_ms * link->liveness)
            s_disconnect (self, link, now);
        else
        if (now >= link->next_beat_ms) {
            s_send (link, SB_PROTO_HEARTBEAT, NULL, NULL, NULL, NULL);
            link->next_beat_ms = now + link->heartbeat_ms;
        }
    }
}

//  Answers STATS requests with this instance's counters.
static void
s_on_stats (s_runtime_t *self)
{
    zmsg_t *msg;
    while ((msg = zmsg_recv (self->stats))) {
        zframe_t *identity = zmsg_pop (msg);
        char command [SB_PROTO_COMMAND_MAX + 1], err [128];
        zmsg_t *reply = NULL;
        if (identity && sb_proto_parse (msg, command, err, sizeof err) == 0
        &&  streq (command, SB_PROTO_STATS)) {
            json_t *stats = json_pack ("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
                "service", self->options->def->name, "instance", self->options->instance,
                "capacity", (json_int_t) self->options->capacity,
                "in_flight", (json_int_t) sb_actor_workers_busy (self->workers),
                "queued", (json_int_t) zlistx_size (self->queue),
                "handled", (json_int_t) self->handled, "retried", (json_int_t) self->retried,
                "failed", (json_int_t) self->failed, "invalid", (json_int_t) self->invalid,
                "p50_us", (json_int_t) sb_hist_percentile (&self->latency, 0.5),
                "p99_us", (json_int_t) sb_hist_percentile (&self->latency, 0.99),
                "draining", self->draining);
            reply = sb_proto_new (SB_PROTO_STATS);
            sb_proto_add_json (reply, stats);
            json_decref (stats);
        }
        else
        if (identity) {
            reply = sb_proto_new (SB_PROTO_ERROR);
            zmsg_addstr (reply, "this endpoint answers STATS only");
        }
        if (reply) {
            zmsg_prepend (reply, &identity);
            zmsg_send (&reply, self->stats);
        }
        zframe_destroy (&identity);
        zmsg_destroy (&msg);
    }
}

//  --------------------------------------------------------------------------
//  The loop

//  SIGTERM or SIGINT: no more work (DRAIN), finish what is held.
static void
s_start_drain (s_runtime_t *self, int64_t now)
{
    self->draining = true;
    self->drain_deadline_ms = now + self->options->grace_ms;
    zsys_info ("%s: stopping: finishing %zu message(s) within %" PRId64 " ms",
               self->options->def->name, s_held (self),
               self->options->grace_ms);
    for (size_t index = 0; index < self->options->broker_count; index++)
        s_send (&self->links [index], SB_PROTO_DRAIN, NULL, NULL, NULL, NULL);
}

//  A worker hands a job back: answer it.
static void
s_on_worker (s_runtime_t *self, size_t worker)
{
    sb_actor_job_t *job = sb_actor_workers_finished (self->workers, worker);
    if (job)
        s_answer (self, job);
}

//  What the loop does between polls, caught up after an inline handler
//  ran: reads what the links hold (their heartbeats count, new DELIVERs
//  join the queue), beats, and drops a broker that really was silent past
//  its liveness, so that an answer goes only to the connection its job
//  came on, as with worker threads. A signal starts the drain at once.
static void
s_catch_up (s_runtime_t *self)
{
    for (size_t index = 0; index < self->options->broker_count; index++)
        s_on_link (self, index, zclock_mono ());
    if (zsys_interrupted && !self->draining)
        s_start_drain (self, zclock_mono ());
    s_links_tick (self, zclock_mono ());
}

//  An inline actor: runs every queued job on this thread, in order, and
//  answers each as it ends; DELIVERs that came meanwhile run in the same
//  pass, so a burst costs one wake-up. Past the drain's grace, what is
//  left stays queued and goes back to the broker with the BYE.
static void
s_run_inline (s_runtime_t *self)
{
    sb_actor_job_t *job;
    while (!(self->draining && zclock_mono () >= self->drain_deadline_ms)
           && (job = (sb_actor_job_t *) zlistx_detach (self->queue, NULL))) {
        job->started_us = zclock_usecs ();
        sb_actor_job_run (self->options, job, &self->thread);
        s_catch_up (self);
        s_answer (self, job);
    }
}

//  Polls the links and the busy workers once.
static void
s_poll (s_runtime_t *self, int timeout_ms)
{
    zmq_pollitem_t items [SB_ACTOR_MAX_BROKERS + 256];
    size_t links [SB_ACTOR_MAX_BROKERS + 256];
    size_t count = 0, link_items = 0;
    for (size_t index = 0; index < self->options->broker_count; index++)
        if (self->links [index].dealer) {
            items [count] = (zmq_pollitem_t) { zsock_resolve (self->links [index].dealer), 0, ZMQ_POLLIN, 0 };
            links [count++] = index;
        }
    link_items = count;
    size_t stats_item = count;
    if (self->stats)
        items [count++] = (zmq_pollitem_t) { zsock_resolve (self->stats), 0, ZMQ_POLLIN, 0 };
    count += sb_actor_workers_poll_items (self->workers, items + count, links + count,
                                          sizeof items / sizeof items [0] - count);
    if (zmq_poll (items, (int) count, timeout_ms) <= 0)
        return;
    int64_t now = zclock_mono ();
    for (size_t item = 0; item < count; item++)
        if (items [item].revents & ZMQ_POLLIN) {
            if (item < link_items)
                s_on_link (self, links [item], now);
            else
            if (self->stats && item == stats_item)
                s_on_stats (self);
            else
                s_on_worker (self, links [item]);
        }
}

static int
s_runtime_init (s_runtime_t *self, sb_actor_options_t *options)
{
    memset (self, 0, sizeof *self);
    self->options = options;
    self->queue = zlistx_new ();
    bool inline_handler = sb_actor_options_inline (options);
    if (!inline_handler)
        self->workers = sb_actor_workers_new (options, (size_t) options->capacity);
    if (!self->queue || (!inline_handler && !self->workers))
        return -1;
    if (options->stats_endpoint) {
        self->stats = zsock_new (ZMQ_ROUTER);
        if (!self->stats || zsock_bind (self->stats, "%s", options->stats_endpoint) < 0) {
            fprintf (stderr, "%s: cannot bind the stats endpoint %s\n", options->def->name,
                     options->stats_endpoint);
            return -1;
        }
        zsock_set_rcvtimeo (self->stats, 0);
        char *bound = zsock_last_endpoint (self->stats);
        zsys_info ("%s: STATS on %s", options->def->name, bound);
        zstr_free (&bound);
    }
    if (options->monitor_endpoint) {
        char source [300], err [300];
        snprintf (source, sizeof source, "%.64s %.200s", options->def->name, options->instance);
        self->monitor = sb_monitor_new (options->monitor_endpoint, source, NULL, err,
                                        sizeof err);
        if (!self->monitor) {
            fprintf (stderr, "%s: %s\n", options->def->name, err);
            return -1;
        }
        zsys_info ("%s: socket events on %s", options->def->name,
                   sb_monitor_endpoint (self->monitor));
    }
    int64_t now = zclock_mono ();
    for (size_t index = 0; index < options->broker_count; index++) {
        s_link_t *link = &self->links [index];
        link->endpoint = options->brokers [index];
        link->heartbeat_ms = 1000;
        link->liveness = 3;
        link->backoff_ms = S_BACKOFF_MIN_MS;
        s_connect (self, link, now);
    }
    return 0;
}

//  Says goodbye to every broker (what was not answered is redelivered at
//  once) and frees everything. With handlers still running past the grace
//  period, the threads cannot be joined: the process leaves at once.
static void
s_runtime_end (s_runtime_t *self)
{
    for (size_t index = 0; index < self->options->broker_count; index++)
        s_send (&self->links [index], SB_PROTO_BYE, NULL, NULL, NULL, NULL);
    zsys_info ("%s: %s stopped: %" PRIu64 " handled, %" PRIu64 " retried, %" PRIu64
               " failed, %" PRIu64 " invalid, %" PRIu64 " answers dropped; handling p50 %"
               PRId64 " us, p99 %" PRId64 " us", self->options->def->name,
               self->options->instance, self->handled, self->retried, self->failed,
               self->invalid, self->dropped, sb_hist_percentile (&self->latency, 0.5),
               sb_hist_percentile (&self->latency, 0.99));
    size_t busy = sb_actor_workers_busy (self->workers);
    if (busy) {
        zsys_warning ("%s: %zu handler(s) still running after the grace period: "
                      "their messages go back to the broker", self->options->def->name, busy);
        //  Stopgap: _exit kills ZeroMQ's I/O thread, so give the BYEs a moment
        //  (linger 0 would drop them at close); a context of the links' own,
        //  terminated before _exit, would wait exactly as long as needed
        for (size_t index = 0; index < self->options->broker_count; index++) {
            if (self->links [index].dealer)
                zsock_set_linger (self->links [index].dealer, 1000);
            zsock_destroy (&self->links [index].dealer);
        }
        zclock_sleep (50);
        _exit (0);
    }
    sb_actor_workers_destroy (&self->workers);
    sb_actor_job_t *job;
    while (self->queue && (job = (sb_actor_job_t *) zlistx_detach (self->queue, NULL)))
        sb_actor_job_destroy (&job);
    zlistx_destroy (&self->queue);
    zsock_destroy (&self->stats);
    for (size_t index = 0; index < self->options->broker_count; index++)
        zsock_destroy (&self->links [index].dealer);
    sb_monitor_destroy (&self->monitor);   //  after the sockets it watches
    //  The handlers' per-thread state of this thread (used inline; ending
    //  unused state is a no-op), as a worker thread ends its own
    sb_actor_thread_end (&self->thread);
    sb_id_thread_end ();
}

int
sb_actor_run (sb_actor_options_t *options)
{
    zsys_init ();
    zsys_set_logident (options->def->name);
    s_runtime_t self;
    if (s_runtime_init (&self, options)) {
        fprintf (stderr, "%s: cannot start its threads or sockets\n", options->def->name);
        s_runtime_end (&self);
        return SB_ACTOR_EXIT_CONFIG;
    }
    zsys_info ("%s: %s started, capacity %d (%s), brokers %s%s", options->def->name,
               options->instance, options->capacity,
               self.workers? "worker threads": "inline: handled on the main thread",
               options->brokers [0],
               options->broker_count > 1? " and more": "");
    while (true) {
        int64_t now = zclock_mono ();
        if (zsys_interrupted && !self.draining)
            s_start_drain (&self, now);
        if (self.draining && (s_held (&self) == 0 || now >= self.drain_deadline_ms))
            break;
        s_poll (&self, 50);
        s_links_tick (&self, zclock_mono ());
        if (self.workers)
            sb_actor_workers_dispatch (self.workers, self.queue);
        else
            s_run_inline (&self);
    }
    s_runtime_end (&self);
    return 0;
}
