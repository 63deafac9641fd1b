/*  sb_replies.c — the reply link and the waiters (see sb_replies.h).     */

#include "sb_replies.h"
#include "sb_curve.h"
#include "sb_proto.h"
#include <pthread.h>

#define S_CAPACITY      64       //  deliveries the broker may hand us at once
#define S_TICK_MS       50       //  how often deadlines are looked at
#define S_RECONNECT_MS  1000

struct _sb_waiter_t {
    char *corr;
    int64_t deadline_ms;
    sb_replies_outcome_t outcome;
    json_t *body;                //  the reply's, once answered
    bool parked;
    sb_replies_fn *wake;
    void *arg;
};

struct _sb_replies_t {
    char *broker, *service, *instance;
    pthread_mutex_t lock;        //  guards waiters, welcomed
    zhashx_t *waiters;           //  corr -> sb_waiter_t
    bool welcomed;
    bool stopped;                //  no more replies: waits end at once
    zactor_t *link;
};

//  The link thread's own state.
typedef struct {
    sb_replies_t *owner;
    zsock_t *dealer;
    int heartbeat_ms, liveness;
    int64_t last_heard_ms, next_beat_ms, hello_sent_ms;
} s_link_t;

//  --------------------------------------------------------------------------
//  Waiters (any thread)

static void
s_waiter_free (sb_waiter_t *waiter)
{
    json_decref (waiter->body);
    free (waiter->corr);
    free (waiter);
}

//  Sets the outcome and wakes a parked waiter; lock held.
static void
s_settle (sb_waiter_t *waiter, sb_replies_outcome_t outcome, json_t *body)
{
    if (waiter->outcome != SB_REPLIES_PENDING) {
        json_decref (body);
        return;
    }
    waiter->outcome = outcome;
    waiter->body = body;
    if (waiter->parked)
        waiter->wake (waiter->arg);
}

sb_waiter_t *
sb_replies_expect (sb_replies_t *self, const char *corr, int64_t deadline_ms,
                   sb_replies_fn *wake, void *arg)
{
    sb_waiter_t *waiter = (sb_waiter_t *) calloc (1, sizeof (sb_waiter_t));
    if (!waiter || !(waiter->corr = strdup (corr))) {
        free (waiter);
        return NULL;
    }
    waiter->deadline_ms = deadline_ms;
    waiter->wake = wake;
    waiter->arg = arg;
    pthread_mutex_lock (&self->lock);
    if (self->stopped)
        waiter->outcome = SB_REPLIES_GONE;
    int rc = zhashx_insert (self->waiters, corr, waiter);
    pthread_mutex_unlock (&self->lock);
    if (rc) {
        free (waiter->corr);
        free (waiter);
        return NULL;
    }
    return waiter;
}

bool
sb_replies_park (sb_replies_t *self, sb_waiter_t *waiter, sb_replies_fn *park, void *arg)
{
    pthread_mutex_lock (&self->lock);
    bool parked = waiter->outcome == SB_REPLIES_PENDING;
    if (parked) {
        park (arg);
        waiter->parked = true;
    }
    pthread_mutex_unlock (&self->lock);
    return parked;
}

sb_replies_outcome_t
sb_replies_outcome (sb_replies_t *self, sb_waiter_t *waiter)
{
    pthread_mutex_lock (&self->lock);
    sb_replies_outcome_t outcome = waiter->outcome;
    pthread_mutex_unlock (&self->lock);
    return outcome;
}

json_t *
sb_replies_take (sb_replies_t *self, sb_waiter_t **waiter_p)
{
    sb_waiter_t *waiter = *waiter_p;
    if (!waiter)
        return NULL;
    pthread_mutex_lock (&self->lock);
    zhashx_delete (self->waiters, waiter->corr);
    pthread_mutex_unlock (&self->lock);
    json_t *body = waiter->body;
    waiter->body = NULL;
    s_waiter_free (waiter);
    *waiter_p = NULL;
    return body;
}

bool
sb_replies_ready (sb_replies_t *self)
{
    pthread_mutex_lock (&self->lock);
    bool welcomed = self->welcomed;
    pthread_mutex_unlock (&self->lock);
    return welcomed;
}

//  Settles every waiter past its deadline (or all of them, as gone).
static void
s_expire (sb_replies_t *self, int64_t now_ms, bool all)
{
    pthread_mutex_lock (&self->lock);
    for (sb_waiter_t *waiter = (sb_waiter_t *) zhashx_first (self->waiters); waiter;
         waiter = (sb_waiter_t *) zhashx_next (self->waiters))
        if (all || now_ms >= waiter->deadline_ms)
            s_settle (waiter, all? SB_REPLIES_GONE: SB_REPLIES_TIMED_OUT, NULL);
    pthread_mutex_unlock (&self->lock);
}

//  --------------------------------------------------------------------------
//  The link (its own thread)

static void
s_send (s_link_t *link, const char *command, const char *argument)
{
    zmsg_t *msg = sb_proto_new (command);
    if (argument)
        zmsg_addstr (msg, argument);
    zmsg_send (&msg, link->dealer);
}

static void
s_hello (s_link_t *link)
{
    sb_replies_t *self = link->owner;
    json_t *hello = json_pack ("{s:s, s:s, s:i}", "service", self->service,
                               "instance", self->instance, "capacity", S_CAPACITY);
    zmsg_t *msg = sb_proto_new (SB_PROTO_HELLO);
    sb_proto_add_json (msg, hello);
    json_decref (hello);
    zmsg_send (&msg, link->dealer);
    link->hello_sent_ms = zclock_mono ();
}

//  A fresh socket and HELLO: after start, and after a silent broker.
static int
s_connect (s_link_t *link)
{
    zsock_destroy (&link->dealer);
    link->dealer = zsock_new (ZMQ_DEALER);
    if (!link->dealer)
        return -1;
    zsock_set_linger (link->dealer, 0);
    char err [300];
    if (sb_curve_client_apply (link->dealer, err, sizeof err)) {
        zsys_error ("ingress: replies: %s", err);
        return -1;
    }
    if (zsock_connect (link->dealer, "%s", link->owner->broker) < 0)
        return -1;
    pthread_mutex_lock (&link->owner->lock);
    link->owner->welcomed = false;
    pthread_mutex_unlock (&link->owner->lock);
    link->last_heard_ms = zclock_mono ();
    s_hello (link);
    return 0;
}

//  A delivered reply: handed to its waiter, then acknowledged either way.
static void
s_on_deliver (s_link_t *link, zmsg_t *args)
{
    char handle [SB_PROTO_HANDLE_MAX], err [256];
    uint64_t attempt;
    if (sb_proto_pop_string (args, handle, sizeof handle) || sb_proto_pop_number (args, &attempt))
        return;
    zframe_t *frame = zmsg_pop (args);
    sb_envelope_t *env = frame? sb_envelope_decode (zframe_data (frame), zframe_size (frame),
                                                    NULL, err, sizeof err): NULL;
    zframe_destroy (&frame);
    sb_replies_t *self = link->owner;
    if (env) {
        pthread_mutex_lock (&self->lock);
        sb_waiter_t *waiter = (sb_waiter_t *) zhashx_lookup (self->waiters, sb_envelope_corr (env));
        if (waiter)
            s_settle (waiter, SB_REPLIES_ANSWERED, json_incref (sb_envelope_body (env)));
        else
            zsys_info ("ingress: reply %s for %s came after its request ended: dropped",
                       sb_envelope_type (env), sb_envelope_corr (env));
        pthread_mutex_unlock (&self->lock);
        sb_envelope_destroy (&env);
    }
    else
        zsys_warning ("ingress: undecodable reply dropped: %s", err);
    s_send (link, SB_PROTO_DONE, handle);
}

static void
s_on_broker (s_link_t *link)
{
    zmsg_t *msg = zmsg_recv (link->dealer);
    char command [SB_PROTO_COMMAND_MAX + 1], err [256];
    if (!msg || sb_proto_parse (msg, command, err, sizeof err)) {
        zmsg_destroy (&msg);
        return;
    }
    link->last_heard_ms = zclock_mono ();
    if (streq (command, SB_PROTO_WELCOME)) {
        sb_proto_pop_welcome (msg, &link->heartbeat_ms, &link->liveness);
        pthread_mutex_lock (&link->owner->lock);
        link->owner->welcomed = true;
        pthread_mutex_unlock (&link->owner->lock);
    }
    else
    if (streq (command, SB_PROTO_DELIVER))
        s_on_deliver (link, msg);
    else
    if (streq (command, SB_PROTO_ERROR) && zclock_mono () - link->hello_sent_ms > S_RECONNECT_MS)
        s_hello (link);      //  the broker forgot us (restart, silence): again
    zmsg_destroy (&msg);
}

//  Heartbeats, and a new connection when the broker has gone silent.
static void
s_keep_alive (s_link_t *link)
{
    int64_t now = zclock_mono ();
    if (now - link->last_heard_ms > (int64_t) link->heartbeat_ms * link->liveness) {
        zsys_warning ("ingress: broker silent for %d ms: reconnecting the reply link",
                      link->heartbeat_ms * link->liveness);
        s_connect (link);
    }
    if (now >= link->next_beat_ms) {
        s_send (link, SB_PROTO_HEARTBEAT, NULL);
        link->next_beat_ms = now + link->heartbeat_ms;
    }
}

static void
s_link_actor (zsock_t *pipe, void *args)
{
    s_link_t link = { .owner = (sb_replies_t *) args, .heartbeat_ms = 1000, .liveness = 3 };
    if (s_connect (&link)) {
        zsock_signal (pipe, 1);
        zsock_destroy (&link.dealer);
        return;
    }
    zsock_signal (pipe, 0);
    bool running = true;
    while (running) {
        zmq_pollitem_t items [] = {
            { zsock_resolve (pipe), 0, ZMQ_POLLIN, 0 },
            { zsock_resolve (link.dealer), 0, ZMQ_POLLIN, 0 },
        };
        if (zmq_poll (items, 2, S_TICK_MS) < 0)
            break;
        if (items [0].revents & ZMQ_POLLIN) {
            zmsg_t *msg = zmsg_recv (pipe);      //  $TERM
            zmsg_destroy (&msg);
            running = false;
        }
        if (items [1].revents & ZMQ_POLLIN)
            s_on_broker (&link);
        s_keep_alive (&link);
        s_expire (link.owner, zclock_time (), false);
    }
    s_send (&link, SB_PROTO_BYE, NULL);
    zsock_destroy (&link.dealer);
}

//  --------------------------------------------------------------------------
//  Lifecycle


sb_replies_t *
sb_replies_new (const char *broker, const char *service, const char *instance,
                char *err, size_t errlen)
{
    sb_replies_t *self = (sb_replies_t *) calloc (1, sizeof (sb_replies_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init (&self->lock, NULL);
    self->broker = strdup (broker);
    self->service = strdup (service);
    self->instance = strdup (instance);
    //  No destructor: sb_replies_take removes a waiter and frees it itself
    self->waiters = zhashx_new ();
    self->link = self->waiters? zactor_new (s_link_actor, self): NULL;
    if (!self->link) {
        sb_error_set (err, errlen, "cannot start the reply link to %s", broker);
        sb_replies_destroy (&self);
    }
    return self;
}

void
sb_replies_stop (sb_replies_t *self)
{
    zactor_destroy (&self->link);
    pthread_mutex_lock (&self->lock);
    self->stopped = true;
    pthread_mutex_unlock (&self->lock);
    if (self->waiters)
        s_expire (self, 0, true);
}

void
sb_replies_destroy (sb_replies_t **self_p)
{
    sb_replies_t *self = *self_p;
    if (!self)
        return;
    sb_replies_stop (self);
    //  Waits nobody took (their requests never completed)
    for (sb_waiter_t *waiter = self->waiters? (sb_waiter_t *) zhashx_first (self->waiters): NULL;
         waiter; waiter = (sb_waiter_t *) zhashx_next (self->waiters))
        s_waiter_free (waiter);
    zhashx_destroy (&self->waiters);
    pthread_mutex_destroy (&self->lock);
    free (self->broker);
    free (self->service);
    free (self->instance);
    free (self);
    *self_p = NULL;
}
