/*  sb_broker.c — the broker's loop (see sb_broker.h, docs/broker.md).

    State held here is only what is in flight: connected workers, the
    deliveries they hold, and messages fetched for a service but not yet
    handed out (at most the idle credit). Everything accepted lives in
    Redis; a broker that dies loses nothing but time.                      */

#include "sb_broker_private.h"

//  --------------------------------------------------------------------------
//  Destructors (services, workers and deliveries: sb_broker_workers.c)

static void
s_zmsg_destructor (void **item)
{
    zmsg_destroy ((zmsg_t **) item);
}

void
sb_broker_string_destructor (void **item)
{
    zstr_free ((char **) item);
}

//  --------------------------------------------------------------------------
//  Replies

//  Sends [identity][SBP1][command][parts...] straight to the socket (the
//  hot path: no message objects). Sending never blocks: a peer that is gone
//  or too slow to read drops it, as ZeroMQ's ROUTER does.
static void
s_send_parts (sb_broker_t *self, zframe_t *identity, const char *command,
              const void *const *parts, const size_t *sizes, size_t count)
{
    void *socket = zsock_resolve (self->router);
    int more = ZMQ_SNDMORE | ZMQ_DONTWAIT;
    if (zmq_send (socket, zframe_data (identity), zframe_size (identity), more) < 0)
        return;
    zmq_send (socket, SB_PROTO_HEADER, strlen (SB_PROTO_HEADER), more);
    zmq_send (socket, command, strlen (command), count? more: ZMQ_DONTWAIT);
    for (size_t index = 0; index < count; index++)
        zmq_send (socket, parts [index], sizes [index], index + 1 < count? more: ZMQ_DONTWAIT);
}

void
sb_broker_tap (sb_broker_t *self, const char *event, const char *services, uint32_t attempt,
               const char *reason, const void *envelope, size_t size)
{
    if (!self->tap)
        return;
    void *socket = zsock_resolve (self->tap);
    char number [16];
    snprintf (number, sizeof number, "%u", attempt);
    int more = ZMQ_SNDMORE | ZMQ_DONTWAIT;
    if (zmq_send (socket, event, strlen (event), more) < 0)
        return;   //  no subscriber, or a slow one past its high-water mark: dropped
    zmq_send (socket, services, strlen (services), more);
    zmq_send (socket, number, strlen (number), more);
    zmq_send (socket, reason, strlen (reason), more);
    zmq_send (socket, envelope, size, ZMQ_DONTWAIT);
}

//  Sends a command whose arguments are in a message (destroyed).
void
sb_broker_send (sb_broker_t *self, zframe_t *identity, const char *command, zmsg_t *args)
{
    size_t count = args? zmsg_size (args): 0;
    const void *parts [8];
    size_t sizes [8];
    if (count > 8)
        count = 8;
    zframe_t *frame = args? zmsg_first (args): NULL;
    for (size_t index = 0; index < count; index++, frame = zmsg_next (args)) {
        parts [index] = zframe_data (frame);
        sizes [index] = zframe_size (frame);
    }
    s_send_parts (self, identity, command, parts, sizes, count);
    zmsg_destroy (&args);
}

void
sb_broker_send_strings (sb_broker_t *self, zframe_t *identity, const char *command,
                const char *first, const char *second, const char *third)
{
    const void *parts [3] = { first, second, third };
    size_t sizes [3] = { first? strlen (first): 0, second? strlen (second): 0,
                         third? strlen (third): 0 };
    size_t count = third? 3: second? 2: first? 1: 0;
    s_send_parts (self, identity, command, parts, sizes, count);
}

void
sb_broker_nack (sb_broker_t *self, zframe_t *identity, const char *token,
        const char *code, const char *reason)
{
    self->refused++;
    sb_broker_send_strings (self, identity, SB_PROTO_NACK, token, code, reason);
}

//  --------------------------------------------------------------------------
//  Delivering

//  Copies the corr of an encoded envelope (already peeked: a map within
//  limits) into corr, for the trace; "" if it has none. Unpacks into the
//  broker's zone (no allocation per message) and clears it.
static void
s_peek_corr (sb_broker_t *self, const uint8_t *data, size_t size, char *corr, size_t corrlen)
{
    *corr = 0;
    msgpack_object object;
    msgpack_unpack_return rc = msgpack_unpack ((const char *) data, size, NULL, self->zone,
                                               &object);
    if ((rc == MSGPACK_UNPACK_SUCCESS || rc == MSGPACK_UNPACK_EXTRA_BYTES)
    &&  object.type == MSGPACK_OBJECT_MAP) {
        const msgpack_object_map *map = &object.via.map;
        for (uint32_t index = 0; index < map->size; index++) {
            const msgpack_object *key = &map->ptr [index].key, *value = &map->ptr [index].val;
            if (key->type == MSGPACK_OBJECT_STR && key->via.str.size == 4
            &&  memcmp (key->via.str.ptr, "corr", 4) == 0 && value->type == MSGPACK_OBJECT_STR
            &&  value->via.str.size < corrlen) {
                memcpy (corr, value->via.str.ptr, value->via.str.size);
                corr [value->via.str.size] = 0;
            }
        }
    }
    msgpack_zone_clear (self->zone);
}

//  Writes value in decimal at at; returns the digits written (at most 10)
static size_t
s_decimal (char *at, uint32_t value)
{
    char digits [10];
    size_t count = 0;
    do
        digits [count++] = (char) ('0' + value % 10);
    while ((value /= 10));
    for (size_t index = 0; index < count; index++)
        at [index] = digits [count - 1 - index];
    return count;
}

//  A delivery's handle, service/stream_id/count, written without printf
//  (once per delivery); truncated as snprintf would if it were too long
static void
s_handle_format (char handle [SB_PROTO_HANDLE_MAX], const char *service, const char *stream_id,
                 uint32_t count)
{
    size_t service_size = strlen (service), stream_size = strlen (stream_id);
    if (service_size + stream_size + 2 + 10 >= SB_PROTO_HANDLE_MAX) {
        snprintf (handle, SB_PROTO_HANDLE_MAX, "%s/%s/%u", service, stream_id, count);
        return;
    }
    char *at = handle;
    memcpy (at, service, service_size);
    at += service_size;
    *at++ = '/';
    memcpy (at, stream_id, stream_size);
    at += stream_size;
    *at++ = '/';
    at += s_decimal (at, count);
    *at = 0;
}

//  Hands msg (ownership taken) to the least recently used idle worker of
//  service, or dead-letters it when its deadline has passed.
static void
s_deliver (sb_broker_t *self, s_service_t *service, sb_store_msg_t *msg)
{
    s_delivery_t *delivery = (s_delivery_t *) calloc (1, sizeof (s_delivery_t));
    if (!delivery) {
        sb_store_msg_destroy (&msg);   //  still held in Redis: reclaimed later
        return;
    }
    s_handle_format (delivery->handle, service->name, msg->stream_id, msg->delivery_count);
    delivery->service = service;
    delivery->msg = msg;
    delivery->sent_us = zclock_usecs ();
    delivery->sent_ms = zclock_time ();
    delivery->lease_expiry_ms = zclock_mono () + service->policy->lease_ms;
    zhashx_update (self->deliveries, delivery->handle, delivery);
    service->in_flight++;

    int64_t deadline_ms = 0;
    if (sb_envelope_peek (msg->envelope, msg->size, &deadline_ms, delivery->type,
                          sizeof delivery->type)) {
        sb_broker_answer_queue (self, delivery, SB_STORE_FAIL, "stored envelope no longer decodes", 0);
        return;
    }
    if (self->config.trace)
        s_peek_corr (self, msg->envelope, msg->size, delivery->corr, sizeof delivery->corr);
    if (deadline_ms && deadline_ms <= zclock_time ()) {
        service->expired++;
        sb_broker_answer_queue (self, delivery, SB_STORE_FAIL, "deadline passed before delivery", 0);
        return;
    }
    s_worker_t *worker = (s_worker_t *) zlistx_first (service->idle);
    delivery->worker = worker;
    delivery->in_worker = zlistx_add_end (worker->deliveries, delivery);
    worker->credit--;
    sb_broker_worker_requeue (worker);
    service->delivered++;
    sb_broker_tap (self, "delivered", service->name, sb_broker_attempts (delivery), "",
                   msg->envelope, msg->size);

    char attempt [16];
    attempt [s_decimal (attempt, sb_broker_attempts (delivery))] = 0;
    const void *parts [3] = { delivery->handle, attempt, msg->envelope };
    size_t sizes [3] = { strlen (delivery->handle), strlen (attempt), msg->size };
    s_send_parts (self, worker->identity, SB_PROTO_DELIVER, parts, sizes, 3);
}

size_t
sb_broker_idle_credit (s_service_t *service)
{
    size_t credit = 0;
    for (s_worker_t *worker = (s_worker_t *) zlistx_first (service->idle); worker;
         worker = (s_worker_t *) zlistx_next (service->idle))
        credit += worker->credit;
    return credit;
}

static void
s_hand_out_ready (sb_broker_t *self, s_service_t *service)
{
    while (zlistx_size (service->idle) && zlistx_size (service->ready)) {
        sb_store_msg_t *msg = (sb_store_msg_t *) zlistx_detach (service->ready, NULL);
        s_deliver (self, service, msg);
    }
}

void
sb_broker_dispatch (sb_broker_t *self)
{
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services))
        s_hand_out_ready (self, service);
}

//  --------------------------------------------------------------------------
//  The loop

//  The registered worker identity names, if any, proved alive by what it
//  just sent (every message from a worker counts). NULL: not a worker.
static s_worker_t *
s_worker_seen (sb_broker_t *self, zframe_t *identity)
{
    s_worker_t *worker = sb_broker_worker_lookup (self, identity);
    if (worker)
        sb_broker_worker_alive (self, worker, zclock_mono ());
    return worker;
}

static void
s_handle (sb_broker_t *self, zmsg_t *msg)
{
    zframe_t *identity = zmsg_pop (msg);
    char command [SB_PROTO_COMMAND_MAX + 1];
    char err [256];
    if (!identity || sb_proto_parse (msg, command, err, sizeof err)) {
        self->malformed++;
        if (identity)
            sb_broker_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
        zframe_destroy (&identity);
        return;
    }
    s_worker_t *worker = s_worker_seen (self, identity);
    if (streq (command, SB_PROTO_PUBLISH))
        sb_broker_on_publish (self, identity, msg);
    else
    if (streq (command, SB_PROTO_DONE) || streq (command, SB_PROTO_RETRY)
    ||  streq (command, SB_PROTO_FAIL))
        sb_broker_on_answer (self, worker, identity, msg, command);
    else
    if (streq (command, SB_PROTO_HEARTBEAT)) {
        //  A worker this broker dropped (silent too long) or never knew
        //  (the broker restarted) must say HELLO again to get work
        if (!worker)
            sb_broker_send_strings (self, identity, SB_PROTO_ERROR,
                            "not registered: say HELLO", NULL, NULL);
    }
    else
    if (streq (command, SB_PROTO_HELLO))
        sb_broker_on_hello (self, identity, msg);
    else
    if (streq (command, SB_PROTO_BYE)) {
        if (worker)
            sb_broker_worker_remove (self, worker, "said BYE");
    }
    else
    if (streq (command, SB_PROTO_DRAIN)) {
        //  Shutting down: it finishes what it holds and gets nothing new
        if (worker) {
            worker->draining = true;
            sb_broker_worker_requeue (worker);
            zsys_info ("broker: worker %s/%s draining, %zu deliveries to finish",
                       worker->service->name, worker->instance, zlistx_size (worker->deliveries));
        }
    }
    else
    if (streq (command, SB_PROTO_STATS) || streq (command, SB_PROTO_DLQ_LIST)
    ||  streq (command, SB_PROTO_DLQ_REPLAY) || streq (command, SB_PROTO_TRACE)
    ||  streq (command, SB_PROTO_CONVERSATIONS)) {
        //  Tools talk to Redis synchronously: they wait for the gap between
        //  rounds, when no pipeline is in flight on the connection
        zmsg_pushstr (msg, command);
        zmsg_pushmem (msg, zframe_data (identity), zframe_size (identity));
        zlistx_add_end (self->tool_requests, zmsg_dup (msg));
    }
    else {
        self->malformed++;
        snprintf (err, sizeof err, "unknown command '%s'", command);
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
    }
    zframe_destroy (&identity);
}

//  A PUBLISH as it comes: [identity][SBP1][PUBLISH][token][envelope];
//  a DONE without outputs: [identity][SBP1][DONE][handle]
#define S_PUBLISH_FRAMES 5
#define S_DONE_FRAMES    4

//  Whether a frame holds exactly text.
static bool
s_part_is (zmq_msg_t *part, const char *text)
{
    return zmq_msg_size (part) == strlen (text)
        && memcmp (zmq_msg_data (part), text, strlen (text)) == 0;
}

//  Whether a frame is a string that fits in size bytes with its NUL.
static bool
s_part_fits (zmq_msg_t *part, size_t size)
{
    return zmq_msg_size (part) < size && !memchr (zmq_msg_data (part), 0, zmq_msg_size (part));
}

//  Copies a checked string frame into buffer.
static void
s_part_copy (zmq_msg_t *part, char *buffer)
{
    memcpy (buffer, zmq_msg_data (part), zmq_msg_size (part));
    buffer [zmq_msg_size (part)] = 0;
}

//  Whether parts (count frames, the message complete) are a well-formed
//  PUBLISH: the one command that arrives once per message, taken without
//  building a zmsg (a zmsg and its frames were a tenth of the broker's
//  time). Anything else goes the general way, which has every error reply.
static bool
s_is_publish (zmq_msg_t *parts, size_t count, bool more)
{
    return !more && count == S_PUBLISH_FRAMES && s_part_is (&parts [1], SB_PROTO_HEADER)
        && s_part_is (&parts [2], SB_PROTO_PUBLISH)
        && s_part_fits (&parts [3], SB_PROTO_TOKEN_MAX + 1);
}

//  The same for a DONE without outputs, a worker's usual answer.
static bool
s_is_bare_done (zmq_msg_t *parts, size_t count, bool more)
{
    return !more && count == S_DONE_FRAMES && s_part_is (&parts [1], SB_PROTO_HEADER)
        && s_part_is (&parts [2], SB_PROTO_DONE) && s_part_fits (&parts [3], SB_PROTO_HANDLE_MAX);
}

//  Handles a bare DONE's frames as s_handle would.
static void
s_handle_done (sb_broker_t *self, zmq_msg_t *parts)
{
    zframe_t *identity = zframe_new (zmq_msg_data (&parts [0]), zmq_msg_size (&parts [0]));
    if (!identity)
        return;
    char handle [SB_PROTO_HANDLE_MAX];
    s_part_copy (&parts [3], handle);
    s_worker_t *worker = s_worker_seen (self, identity);
    sb_broker_on_done (self, worker, identity, handle);
    zframe_destroy (&identity);
}

//  Handles a well-formed PUBLISH's frames as s_handle would.
static void
s_handle_publish (sb_broker_t *self, zmq_msg_t *parts)
{
    zframe_t *identity = zframe_new (zmq_msg_data (&parts [0]), zmq_msg_size (&parts [0]));
    zframe_t *envelope = zframe_new (zmq_msg_data (&parts [4]), zmq_msg_size (&parts [4]));
    char token [SB_PROTO_TOKEN_MAX + 1];
    s_part_copy (&parts [3], token);
    if (identity && envelope) {
        s_worker_seen (self, identity);
        sb_broker_publish_envelope (self, identity, token, &envelope);
    }
    zframe_destroy (&envelope);
    zframe_destroy (&identity);
}

//  The general way: the frames so far and the rest of the message as a
//  zmsg for s_handle.
static void
s_handle_parts (sb_broker_t *self, zmq_msg_t *parts, size_t count, bool more)
{
    zmsg_t *msg = zmsg_new ();
    for (size_t index = 0; msg && index < count; index++)
        if (zmsg_addmem (msg, zmq_msg_data (&parts [index]), zmq_msg_size (&parts [index])))
            zmsg_destroy (&msg);
    while (more) {
        zframe_t *frame = zframe_recv (self->router);
        more = frame && zframe_more (frame);
        if (msg && frame)
            zmsg_append (msg, &frame);
        zframe_destroy (&frame);
    }
    if (msg)
        s_handle (self, msg);
    zmsg_destroy (&msg);
}

//  Receives one message's first frames into parts (initialised); returns
//  how many, 0 when the socket is empty. *more: frames are left.
static size_t
s_recv_parts (void *socket, zmq_msg_t *parts, size_t max, bool *more)
{
    size_t count = 0;
    *more = true;
    while (*more && count < max) {
        zmq_msg_init (&parts [count]);
        if (zmq_msg_recv (&parts [count], socket, count? 0: ZMQ_DONTWAIT) < 0) {
            zmq_msg_close (&parts [count]);
            *more = false;   //  empty (first frame) or interrupted: what came is handled
            break;
        }
        *more = zmq_msg_more (&parts [count++]);
    }
    return count;
}

//  Takes every command waiting on the socket, up to one batch (an empty
//  socket ends the round).
static void
s_read_round (sb_broker_t *self)
{
    void *socket = zsock_resolve (self->router);
    zmq_msg_t parts [S_PUBLISH_FRAMES + 1];
    for (size_t count = 0; count < self->config.batch; count++) {
        bool more;
        size_t received = s_recv_parts (socket, parts, S_PUBLISH_FRAMES + 1, &more);
        if (received == 0)
            break;
        if (s_is_publish (parts, received, more))
            s_handle_publish (self, parts);
        else
        if (s_is_bare_done (parts, received, more))
            s_handle_done (self, parts);
        else
            s_handle_parts (self, parts, received, more);
        for (size_t index = 0; index < received; index++)
            zmq_msg_close (&parts [index]);
    }
}

//  How long the loop may sleep: until the next timer, shorter while work
//  or answers wait on Redis.
static int
s_poll_timeout (sb_broker_t *self, int64_t now)
{
    int64_t wake = self->next_heartbeat_ms;
    if (zlistx_size (self->answers))
        wake = now + 10;   //  Redis was down: try again soon
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services))
        if (zlistx_size (service->idle) && service->next_poll_ms < wake)
            wake = service->dirty? now: service->next_poll_ms;
    int64_t due = self->next_due_ms - zclock_time () + now;
    if (due < wake)
        wake = due;
    return wake <= now? 0: (int) (wake - now);
}

int
sb_broker_run (sb_broker_t *self, volatile int *stop)
{
    zmq_pollitem_t items [2] = {
        { zsock_resolve (self->router), 0, ZMQ_POLLIN, 0 },
        { NULL, -1, ZMQ_POLLIN, 0 }
    };
    while (!(stop && *stop) && !zsys_interrupted) {
        int64_t now = zclock_mono ();
        bool in_flight = sb_broker_rounds_in_flight (self) > 0;
        //  Replies already read off the socket would not wake the poll
        bool buffered = in_flight && sb_store_pipeline_buffered (self->store);
        items [1].fd = sb_store_fd (self->store);
        int count = in_flight && items [1].fd >= 0? 2: 1;
        int64_t left = sb_broker_rounds_deadline (self) - now;
        int timeout = buffered? 0: in_flight? (int) (left > 0? left: 0): s_poll_timeout (self, now);
        items [1].revents = 0;
        if (zmq_poll (items, count, timeout) < 0 && errno != EINTR)
            break;
        s_read_round (self);
        sb_broker_dispatch (self);   //  credit the DONEs just read gave back, to ready work
        bool redis_ready = buffered || count == 1 || (items [1].revents & ZMQ_POLLIN);
        sb_broker_rounds_advance (self, in_flight && redis_ready, zclock_mono ());
    }
    sb_broker_rounds_end (self);
    return 0;
}

//  --------------------------------------------------------------------------
//  Construction

//  Creates every routed service, its queue in Redis, and takes back what
//  this broker held before a restart (as new attempts).
static int
s_open_services (sb_broker_t *self, char *err, size_t errlen)
{
    for (size_t index = 0; index < sb_routes_service_count (self->routes); index++) {
        const char *name = sb_routes_service_at (self->routes, index);
        s_service_t *service = sb_broker_service_new (name, sb_routes_policy (self->routes, name));
        if (!service)
            return sb_error_set (err, errlen, "out of memory");
        zhashx_insert (self->services, name, service);
        if (sb_store_ensure_service (self->store, name)
        ||  sb_store_claim (self->store, name, "own", 0, 100000, NULL, 0, service->ready))
            return sb_error_set (err, errlen, "%s", sb_store_error (self->store));
        if (zlistx_size (service->ready))
            zsys_info ("broker: %zu %s deliveries held before a restart taken back",
                       zlistx_size (service->ready), name);
    }
    return 0;
}

//  The tap and the monitor, when configured: bound before the router, so
//  that the monitor sees it bind.
static int
s_bind_tools (sb_broker_t *self, char *err, size_t errlen)
{
    if (self->config.tap) {
        self->tap = zsock_new (ZMQ_PUB);
        if (self->tap && self->curve)
            sb_curve_server_apply (self->curve, self->tap);
        if (!self->tap || zsock_bind (self->tap, "%s", self->config.tap) < 0)
            return sb_error_set (err, errlen, "cannot bind the tap %s: %s", self->config.tap,
                                 zmq_strerror (zmq_errno ()));
        zsock_set_sndhwm (self->tap, 10000);
        self->tap_endpoint = zsock_last_endpoint (self->tap);
    }
    if (self->config.monitor) {
        char source [128];
        snprintf (source, sizeof source, "broker %.100s",
                  self->config.name? self->config.name: self->config.endpoint);
        self->monitor = sb_monitor_new (self->config.monitor, source, self->curve, err, errlen);
        if (!self->monitor || sb_monitor_watch (self->monitor, self->router, "router"))
            return self->monitor? sb_error_set (err, errlen, "cannot monitor the router"): -1;
    }
    return 0;
}

static int
s_bind (sb_broker_t *self, char *err, size_t errlen)
{
    if (self->config.curve_certificate
    &&  !(self->curve = sb_curve_server_new (self->config.curve_certificate,
                                             self->config.curve_clients, err, errlen)))
        return -1;
    self->router = zsock_new (ZMQ_ROUTER);
    if (!self->router)
        return sb_error_set (err, errlen, "cannot create a ZeroMQ socket");
    if (self->curve)
        sb_curve_server_apply (self->curve, self->router);
    if (s_bind_tools (self, err, errlen))
        return -1;
    zsock_set_rcvtimeo (self->router, 0);
    zsock_set_sndtimeo (self->router, 0);
    zsock_set_router_mandatory (self->router, 0);   //  gone peers: drop
    zsock_set_sndhwm (self->router, 100000);
    zsock_set_rcvhwm (self->router, 100000);
    if (zsock_bind (self->router, "%s", self->config.endpoint) < 0)
        return sb_error_set (err, errlen, "cannot bind %s: %s", self->config.endpoint,
                             zmq_strerror (zmq_errno ()));
    self->endpoint = zsock_last_endpoint (self->router);
    return 0;
}

sb_broker_t *
sb_broker_new (const sb_broker_config_t *settings, zconfig_t *config,
               char *err, size_t errlen)
{
    sb_broker_t *self = (sb_broker_t *) calloc (1, sizeof (sb_broker_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->config = *settings;
    if (sb_alerts_load (&self->alerts, config, err, errlen)) {
        free (self);
        return NULL;
    }
    self->started_ms = zclock_mono ();
    self->storage_ok = true;
    self->services = zhashx_new ();
    self->reply_routes = zhashx_new ();
    self->workers = zhashx_new ();
    self->deliveries = zhashx_new ();
    self->publishes = zlistx_new ();
    self->replying = zlistx_new ();
    self->tool_requests = zlistx_new ();
    self->answers = zlistx_new ();
    self->zone = msgpack_zone_new (MSGPACK_ZONE_CHUNK_SIZE);
    if (!self->services || !self->workers || !self->deliveries || !self->publishes
    ||  !self->replying || !self->tool_requests || !self->answers
    ||  !self->zone || sb_broker_rounds_init (self)) {
        sb_error_set (err, errlen, "out of memory");
        sb_broker_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->services, sb_broker_service_destructor);
    zhashx_set_destructor (self->reply_routes, sb_broker_reply_route_destructor);
    zhashx_set_destructor (self->workers, sb_broker_worker_destructor);
    zhashx_set_destructor (self->deliveries, sb_broker_delivery_destructor);
    zlistx_set_destructor (self->publishes, sb_broker_publish_destructor);
    zlistx_set_destructor (self->replying, sb_broker_publish_destructor);
    zlistx_set_destructor (self->tool_requests, s_zmsg_destructor);
    zlistx_set_destructor (self->answers, sb_broker_answer_destructor);

    if (s_bind (self, err, errlen)) {
        sb_broker_destroy (&self);
        return NULL;
    }
    //  The default name is stable across restarts on one host and endpoint,
    //  so a restarted broker takes back its own deliveries at once
    char *host = zsys_hostname ();   //  a new string
    self->name = settings->name? strdup (settings->name)
                               : zsys_sprintf ("%s|%s", host? host: "host", self->endpoint);
    zstr_free (&host);
    self->schemas = sb_schemas_new_builtin (err, errlen);
    self->routes = self->schemas? sb_routes_new (config, self->schemas, err, errlen): NULL;
    if (self->routes)
        self->store = sb_store_new (settings->redis_url, settings->prefix, self->name,
                                    settings->redis_password, settings->redis_timeout_ms,
                                    err, errlen);
    if (self->store)
        sb_store_set_trace (self->store, settings->trace? settings->trace_ttl_ms: 0);
    if (!self->store || s_open_services (self, err, errlen))
        sb_broker_destroy (&self);
    return self;
}

void
sb_broker_destroy (sb_broker_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_broker_t *self = *self_p;
    //  Deliveries first: workers and services are pointed at from them
    zhashx_destroy (&self->deliveries);
    sb_broker_rounds_destroy (self);
    zlistx_destroy (&self->answers);
    zlistx_destroy (&self->publishes);
    zlistx_destroy (&self->replying);
    free (self->reply_results);
    zlistx_destroy (&self->tool_requests);
    zhashx_destroy (&self->workers);
    zhashx_destroy (&self->services);
    zhashx_destroy (&self->reply_routes);
    sb_routes_destroy (&self->routes);
    sb_schemas_destroy (&self->schemas);
    sb_store_destroy (&self->store);
    if (self->zone)
        msgpack_zone_free (self->zone);
    zsock_destroy (&self->router);
    zsock_destroy (&self->tap);
    zstr_free (&self->tap_endpoint);
    sb_monitor_destroy (&self->monitor);   //  after the socket it watches
    sb_curve_server_destroy (&self->curve);   //  after the sockets it secures
    free (self->endpoint);
    free (self->name);
    free (self);
    *self_p = NULL;
}

const char *
sb_broker_endpoint (sb_broker_t *self)
{
    return self->endpoint;
}

const char *
sb_broker_name (sb_broker_t *self)
{
    return self->name;
}

const char *
sb_broker_monitor_endpoint (sb_broker_t *self)
{
    return self->monitor? sb_monitor_endpoint (self->monitor): NULL;
}

const char *
sb_broker_curve_public_key (sb_broker_t *self)
{
    return self->curve? sb_curve_server_public_key (self->curve): NULL;
}
