/*  sb_broker.c — the broker's loop (see sb_broker.h, docs/broker.md).

    State held here is only what is in flight: connected workers, the
    deliveries they hold, and messages fetched for a service but not yet
    handed out (at most the idle credit). Everything accepted lives in
    Redis; a broker that dies loses nothing but time.                      */

#include "sb_classes.h"
#include "sb_broker.h"
#include "sb_hist.h"
#include "sb_proto.h"
#include "sb_routes.h"
#include "sb_store.h"

#define S_MAX_CAPACITY   1024     //  credit one worker may declare
#define S_FETCH_MAX      256      //  messages fetched per service per round
#define S_STALL_CHECK_MS 5000     //  how often stalled services are looked for

typedef struct _s_service_t s_service_t;
typedef struct _s_worker_t s_worker_t;

//  One delivery: a message handed to a worker, held until it answers.
typedef struct {
    char handle [SB_PROTO_HANDLE_MAX];
    s_service_t *service;
    s_worker_t *worker;
    sb_store_msg_t *msg;         //  owned
    int64_t sent_us;             //  when it was handed out (wall clock, us)
    int64_t lease_expiry_ms;
    bool committing;             //  an answer is on its way to Redis
} s_delivery_t;

struct _s_worker_t {
    char *key;                   //  identity as hex, the workers table key
    zframe_t *identity;
    s_service_t *service;
    char *instance;
    uint32_t capacity;
    uint32_t credit;             //  deliveries it can still take
    int64_t expiry_ms;           //  dead if silent past this
    zlistx_t *deliveries;        //  s_delivery_t, not owned
    bool draining;               //  said DRAIN: finishing, takes no more work
};

struct _s_service_t {
    char *name;
    const sb_policy_t *policy;
    zlistx_t *idle;              //  workers with credit, least recently used first
    zlistx_t *ready;             //  sb_store_msg_t fetched, not yet handed out (owned)
    size_t workers;
    size_t capacity;
    size_t in_flight;            //  this broker's deliveries
    bool dirty;                  //  work may be waiting in Redis
    int64_t next_poll_ms;
    size_t fetching;             //  asked for in this round's fetch
    size_t fetch_before;         //  ready messages before it
    uint64_t delivered, completed, retried, failed, dead, expired;
    uint64_t completed_at_check; //  stall detection
    uint64_t completed_at_trim;
    int64_t backlog_at_check;
    bool stalled;
    sb_hist_t latency;           //  deliver -> answer, us
};

//  A publish waiting for the round's group commit.
typedef struct {
    zframe_t *identity;
    char token [SB_PROTO_TOKEN_MAX + 1];
    zframe_t *envelope;          //  the bytes, kept as received
    char key [SB_ENVELOPE_MAX_KEY + 1];
    char id [SB_ID_LEN + 1];
    int64_t due_ms;
    const char *const *services;
    size_t service_count;
} s_publish_t;

//  A worker's answer waiting for the round's commit.
typedef struct {
    s_delivery_t *delivery;
    sb_store_kind_t kind;
    int64_t due_ms;
    uint32_t attempts;
    char reason [512];
    zmsg_t *outputs;             //  DONE: the emitted envelopes' frames
    sb_store_put_t *puts;        //  DONE: what the store gets for them
    size_t put_count;
    char (*keys) [SB_ENVELOPE_MAX_KEY + 1];
    char (*ids) [SB_ID_LEN + 1];
} s_answer_t;

struct _sb_broker_t {
    sb_broker_config_t config;
    char *name;
    char *endpoint;
    zsock_t *router;
    sb_store_t *store;
    sb_schemas_t *schemas;
    sb_routes_t *routes;
    zhashx_t *services;          //  name -> s_service_t
    zhashx_t *workers;           //  identity hex -> s_worker_t
    zhashx_t *deliveries;        //  handle -> s_delivery_t (owned)
    zlistx_t *publishes;         //  s_publish_t waiting for the next round
    zlistx_t *sending;           //  s_publish_t of the round in flight
    zlistx_t *tool_requests;     //  zmsg_t [identity][command][args], for between rounds
    zlistx_t *answers;           //  s_answer_t waiting to be committed
    sb_store_put_t *puts;        //  this round's publishes, for the store
    sb_store_put_result_t *put_results;
    sb_store_op_t *ops;          //  this round's answers, for the store
    sb_store_status_t *outcomes;
    size_t op_count;
    int64_t started_ms;
    int64_t next_heartbeat_ms;
    int64_t next_touch_ms;
    int64_t next_reclaim_ms;
    int64_t next_due_ms;         //  when move_due should run next
    int64_t next_stall_check_ms;
    int64_t next_trim_ms;
    int64_t round_started_ms;    //  when the round in flight was sent
    size_t stall_cursor;         //  round-robins over the services
    size_t trim_cursor;
    uint64_t published, duplicates, refused, malformed;
    bool storage_ok;
    char storage_error [256];
};

//  --------------------------------------------------------------------------
//  Config

sb_broker_config_t
sb_broker_config_default (void)
{
    sb_broker_config_t config = {
        .endpoint = "tcp://127.0.0.1:5555",
        .name = NULL,                //  default: host name and endpoint
        .redis_url = "tcp://127.0.0.1:6379",
        .redis_password = NULL,
        .prefix = "sb:",
        .dedup_window_ms = 24 * 3600 * 1000LL,
        .max_backlog = 10 * 1000 * 1000,
        .heartbeat_ms = 1000,
        .liveness = 3,
        .visibility_ms = 30000,
        .poll_ms = 100,
        .redis_timeout_ms = 2000,
        .batch = 512,
        .limits = sb_limits_default (),
    };
    return config;
}

//  The numeric keys of the broker section: name, bounds, and where the
//  value goes (an int64_t, an int or a size_t field of the settings).
typedef enum { S_INT64, S_INT, S_SIZE } s_width_t;

typedef struct {
    const char *key;
    double low, high;
    size_t offset;
    s_width_t width;
} s_number_key_t;

static const s_number_key_t s_number_keys [] = {
    { "dedup-window", 1000, 365 * 864e5, offsetof (sb_broker_config_t, dedup_window_ms), S_INT64 },
    { "max-backlog", 1, 1e12, offsetof (sb_broker_config_t, max_backlog), S_INT64 },
    { "heartbeat", 10, 60000, offsetof (sb_broker_config_t, heartbeat_ms), S_INT },
    { "liveness", 1, 100, offsetof (sb_broker_config_t, liveness), S_INT },
    { "visibility", 100, 864e5, offsetof (sb_broker_config_t, visibility_ms), S_INT64 },
    { "poll", 1, 60000, offsetof (sb_broker_config_t, poll_ms), S_INT64 },
    { "redis-timeout", 10, 60000, offsetof (sb_broker_config_t, redis_timeout_ms), S_INT },
    { "batch", 1, 100000, offsetof (sb_broker_config_t, batch), S_SIZE },
    { "max-envelope", 1024, 64 << 20, offsetof (sb_broker_config_t, limits.max_bytes), S_SIZE },
};

static int
s_config_number (sb_broker_config_t *settings, zconfig_t *section,
                 const s_number_key_t *spec, char *err, size_t errlen)
{
    char *text = zconfig_get (section, spec->key, NULL);
    if (!text)
        return 0;   //  absent: keep the default
    char *end;
    double value = strtod (text, &end);
    if (!*text || *end || !(value >= spec->low && value <= spec->high))
        return sb_error_set (err, errlen, "broker/%s: '%s' is not a number in %g..%g",
                             spec->key, text, spec->low, spec->high);
    char *field = (char *) settings + spec->offset;
    if (spec->width == S_INT64)
        *(int64_t *) field = (int64_t) value;
    else
    if (spec->width == S_INT)
        *(int *) field = (int) value;
    else
        *(size_t *) field = (size_t) value;
    return 0;
}

int
sb_broker_config_load (sb_broker_config_t *settings, zconfig_t *config,
                       char *err, size_t errlen)
{
    zconfig_t *section = config? zconfig_locate (config, "broker"): NULL;
    if (!section)
        return 0;
    const char *strings [] = { "endpoint", "name", "redis", "prefix" };
    const char **targets [] = { &settings->endpoint, &settings->name,
                                &settings->redis_url, &settings->prefix };
    for (size_t index = 0; index < 4; index++) {
        char *value = zconfig_get (section, strings [index], NULL);
        if (value && !*value)
            return sb_error_set (err, errlen, "broker/%s: empty", strings [index]);
        if (value)
            *targets [index] = value;   //  borrowed from config
    }
    for (size_t index = 0; index < sizeof s_number_keys / sizeof s_number_keys [0]; index++)
        if (s_config_number (settings, section, &s_number_keys [index], err, errlen))
            return -1;
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        bool known = false;
        for (size_t index = 0; index < 4; index++)
            known = known || streq (zconfig_name (item), strings [index]);
        for (size_t index = 0; index < sizeof s_number_keys / sizeof s_number_keys [0]; index++)
            known = known || streq (zconfig_name (item), s_number_keys [index].key);
        if (!known)
            return sb_error_set (err, errlen, "broker/%s: unknown key", zconfig_name (item));
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Services, workers, deliveries

static void
s_zmsg_destructor (void **item)
{
    zmsg_destroy ((zmsg_t **) item);
}

static void
s_string_destructor_fn (void **item)
{
    zstr_free ((char **) item);
}

static void
s_msg_destructor (void **item)
{
    sb_store_msg_destroy ((sb_store_msg_t **) item);
}

static void
s_service_destroy (s_service_t **self_p)
{
    if (self_p && *self_p) {
        s_service_t *self = *self_p;
        zlistx_destroy (&self->idle);
        zlistx_destroy (&self->ready);
        free (self->name);
        free (self);
        *self_p = NULL;
    }
}

static void
s_service_destructor (void **item)
{
    s_service_destroy ((s_service_t **) item);
}

//  Workers in the idle list are found by identity, not by content.
static int
s_pointer_compare (const void *one, const void *two)
{
    return one == two? 0: one < two? -1: 1;
}

static s_service_t *
s_service_new (const char *name, const sb_policy_t *policy)
{
    s_service_t *self = (s_service_t *) calloc (1, sizeof (s_service_t));
    if (!self)
        return NULL;
    self->name = strdup (name);
    self->policy = policy;
    self->idle = zlistx_new ();
    self->ready = zlistx_new ();
    self->dirty = true;   //  there may be work from before we started
    if (!self->name || !self->idle || !self->ready)
        s_service_destroy (&self);
    else {
        zlistx_set_destructor (self->ready, s_msg_destructor);
        zlistx_set_comparator (self->idle, s_pointer_compare);
    }
    return self;
}

static void
s_delivery_destroy (s_delivery_t **self_p)
{
    if (self_p && *self_p) {
        sb_store_msg_destroy (&(*self_p)->msg);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_delivery_destructor (void **item)
{
    s_delivery_destroy ((s_delivery_t **) item);
}

static void
s_worker_destroy (s_worker_t **self_p)
{
    if (self_p && *self_p) {
        s_worker_t *self = *self_p;
        zframe_destroy (&self->identity);
        zlistx_destroy (&self->deliveries);
        free (self->key);
        free (self->instance);
        free (self);
        *self_p = NULL;
    }
}

static void
s_worker_destructor (void **item)
{
    s_worker_destroy ((s_worker_t **) item);
}

//  Puts a worker with credit at the back of its service's idle list (or
//  takes it out when it has none left).
static void
s_worker_requeue (s_worker_t *worker)
{
    zlistx_t *idle = worker->service->idle;
    void *handle = zlistx_find (idle, worker);
    if (handle)
        zlistx_detach (idle, handle);
    if (worker->credit > 0 && !worker->draining)
        zlistx_add_end (idle, worker);
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

//  Sends a command whose arguments are in a message (destroyed).
static void
s_send (sb_broker_t *self, zframe_t *identity, const char *command, zmsg_t *args)
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

static void
s_send_strings (sb_broker_t *self, zframe_t *identity, const char *command,
                const char *first, const char *second, const char *third)
{
    const void *parts [3] = { first, second, third };
    size_t sizes [3] = { first? strlen (first): 0, second? strlen (second): 0,
                         third? strlen (third): 0 };
    size_t count = third? 3: second? 2: first? 1: 0;
    s_send_parts (self, identity, command, parts, sizes, count);
}

static void
s_nack (sb_broker_t *self, zframe_t *identity, const char *token,
        const char *code, const char *reason)
{
    self->refused++;
    s_send_strings (self, identity, SB_PROTO_NACK, token, code, reason);
}

//  --------------------------------------------------------------------------
//  Workers

static s_worker_t *
s_worker_lookup (sb_broker_t *self, zframe_t *identity)
{
    char *key = zframe_strhex (identity);
    s_worker_t *worker = key? (s_worker_t *) zhashx_lookup (self->workers, key): NULL;
    free (key);
    return worker;
}

//  Hands a delivery's message back to its service for another attempt:
//  claimed again in Redis (which counts the attempt) and queued for the
//  next worker, or dead-lettered when the attempts are spent.
static void s_answer_queue (sb_broker_t *self, s_delivery_t *delivery,
                            sb_store_kind_t kind, const char *reason, int64_t delay_ms);

static void
s_worker_remove (sb_broker_t *self, s_worker_t *worker, const char *why)
{
    zsys_info ("broker: worker %s/%s gone (%s), %zu deliveries to hand back",
               worker->service->name, worker->instance, why,
               zlistx_size (worker->deliveries));
    for (s_delivery_t *delivery = (s_delivery_t *) zlistx_first (worker->deliveries);
         delivery; delivery = (s_delivery_t *) zlistx_next (worker->deliveries)) {
        delivery->worker = NULL;
        if (!delivery->committing)
            s_answer_queue (self, delivery, SB_STORE_RETRY, why, -1);
    }
    void *handle = zlistx_find (worker->service->idle, worker);
    if (handle)
        zlistx_detach (worker->service->idle, handle);
    worker->service->workers--;
    worker->service->capacity -= worker->capacity;
    zhashx_delete (self->workers, worker->key);
}

static void
s_send_welcome (sb_broker_t *self, zframe_t *identity)
{
    json_t *welcome = json_pack ("{s:s, s:i, s:i}", "broker", self->name,
                                 "heartbeat_ms", self->config.heartbeat_ms,
                                 "liveness", self->config.liveness);
    zmsg_t *reply = zmsg_new ();
    sb_proto_add_json (reply, welcome);
    json_decref (welcome);
    s_send (self, identity, SB_PROTO_WELCOME, reply);
}

static void
s_on_hello (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char err [256];
    json_t *hello = sb_proto_pop_json (args, err, sizeof err);
    const char *service_name = json_string_value (json_object_get (hello, "service"));
    const char *instance = json_string_value (json_object_get (hello, "instance"));
    json_int_t capacity = json_integer_value (json_object_get (hello, "capacity"));
    s_service_t *service = service_name
        ? (s_service_t *) zhashx_lookup (self->services, service_name): NULL;
    if (!hello || !service_name || !instance || capacity < 1 || capacity > S_MAX_CAPACITY) {
        s_send_strings (self, identity, SB_PROTO_ERROR,
                        "HELLO needs {service, instance, capacity 1..1024}", NULL, NULL);
        json_decref (hello);
        return;
    }
    if (!service) {
        snprintf (err, sizeof err, "unknown service '%.64s': no message type is routed to it",
                  service_name);
        s_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
        json_decref (hello);
        return;
    }
    s_worker_t *old = s_worker_lookup (self, identity);
    if (old && old->service == service && !old->draining) {
        //  A repeated HELLO (the worker missed our WELCOME, or answered a
        //  burst of errors with several): it keeps what it holds
        s_send_welcome (self, identity);
        json_decref (hello);
        return;
    }
    if (old)
        s_worker_remove (self, old, "said HELLO again");
    s_worker_t *worker = (s_worker_t *) calloc (1, sizeof (s_worker_t));
    worker->key = zframe_strhex (identity);
    worker->identity = zframe_dup (identity);
    worker->service = service;
    worker->instance = strdup (instance);
    worker->capacity = worker->credit = (uint32_t) capacity;
    worker->expiry_ms = zclock_mono () + self->config.heartbeat_ms * self->config.liveness;
    worker->deliveries = zlistx_new ();
    zhashx_insert (self->workers, worker->key, worker);
    service->workers++;
    service->capacity += worker->capacity;
    s_worker_requeue (worker);
    json_decref (hello);
    s_send_welcome (self, identity);
    zsys_info ("broker: worker %s/%s joined with capacity %u", service->name,
               worker->instance, worker->capacity);
}

//  --------------------------------------------------------------------------
//  Publishing

static void
s_publish_destroy (s_publish_t **self_p)
{
    if (self_p && *self_p) {
        zframe_destroy (&(*self_p)->identity);
        zframe_destroy (&(*self_p)->envelope);
        free (*self_p);
        *self_p = NULL;
    }
}

static void
s_publish_destructor (void **item)
{
    s_publish_destroy ((s_publish_t **) item);
}

//  Checks one envelope from a peer (limits, header, schema: without
//  building an envelope object) and finds its route. On success fills the
//  publish; on failure writes the NACK code and reason.
static int
s_check_envelope (sb_broker_t *self, zframe_t *frame, s_publish_t *publish,
                  const char **code, char *err, size_t errlen)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    sb_envelope_view_t view;
    view.type [0] = 0;   //  stays empty when the bytes fail before the header
    int rc = sb_schemas_check_bytes (self->schemas, zframe_data (frame), zframe_size (frame),
                                     &self->config.limits, &unpacked, &view, err, errlen);
    msgpack_unpacked_destroy (&unpacked);
    *code = rc && *view.type && !sb_schemas_has (self->schemas, view.type)
          ? "unknown-type": "invalid";
    if (rc)
        return -1;
    publish->services = sb_routes_lookup (self->routes, view.type, &publish->service_count);
    if (!publish->services) {
        *code = "unknown-type";
        return sb_error_set (err, errlen, "type '%s' is routed to no service", view.type);
    }
    memcpy (publish->key, view.key, sizeof publish->key);
    memcpy (publish->id, view.id, sizeof publish->id);
    publish->due_ms = view.not_before_ms;
    return 0;
}

static void
s_on_publish (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    s_publish_t *publish = (s_publish_t *) calloc (1, sizeof (s_publish_t));
    if (!publish)
        return;   //  no reply: the publisher's time-out tells it
    if (sb_proto_pop_string (args, publish->token, sizeof publish->token)
    ||  zmsg_size (args) != 1) {
        self->malformed++;
        s_send_strings (self, identity, SB_PROTO_ERROR,
                        "PUBLISH needs a token (<= 64 bytes) and one envelope frame", NULL, NULL);
        s_publish_destroy (&publish);
        return;
    }
    publish->envelope = zmsg_pop (args);
    const char *code;
    char err [512];
    if (s_check_envelope (self, publish->envelope, publish, &code, err, sizeof err)) {
        s_nack (self, identity, publish->token, code, err);
        s_publish_destroy (&publish);
        return;
    }
    publish->identity = zframe_dup (identity);
    zlistx_add_end (self->publishes, publish);
}

//  Marks the services of a route as having work waiting.
static void
s_mark_dirty (sb_broker_t *self, const char *const *services, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        s_service_t *service = (s_service_t *) zhashx_lookup (self->services, services [index]);
        if (service)
            service->dirty = true;
    }
}

static void
s_storage_failed (sb_broker_t *self, const char *what)
{
    if (self->storage_ok)
        zsys_error ("broker: storage down (%s): %s", what, sb_store_error (self->store));
    self->storage_ok = false;
    snprintf (self->storage_error, sizeof self->storage_error, "%s", sb_store_error (self->store));
}

//  The round's group commit, first half: every publish of the round in one
//  Redis command, queued in the round's pipeline. The arrays live in the
//  broker until the replies are read.
static void
s_queue_publishes (sb_broker_t *self)
{
    //  The round takes what has arrived; what arrives meanwhile waits for
    //  the next one
    zlistx_t *swap = self->sending;
    self->sending = self->publishes;
    self->publishes = swap;
    size_t count = zlistx_size (self->sending);
    if (count == 0)
        return;
    self->puts = (sb_store_put_t *) calloc (count, sizeof (sb_store_put_t));
    self->put_results = (sb_store_put_result_t *) calloc (count, sizeof (sb_store_put_result_t));
    if (!self->puts || !self->put_results)
        return;   //  all NACKed as storage failures in s_reply_publishes
    size_t index = 0;
    for (s_publish_t *publish = (s_publish_t *) zlistx_first (self->sending); publish;
         publish = (s_publish_t *) zlistx_next (self->sending), index++)
        self->puts [index] = (sb_store_put_t) { publish->key, publish->id,
            zframe_data (publish->envelope), zframe_size (publish->envelope),
            publish->due_ms, publish->services, publish->service_count };
    sb_store_publish (self->store, self->puts, count, zclock_time (),
                      self->config.dedup_window_ms, self->config.max_backlog, self->put_results);
}

//  Second half, once Redis answered: every reply of the round.
static void
s_reply_publishes (sb_broker_t *self)
{
    size_t index = 0;
    for (s_publish_t *publish = (s_publish_t *) zlistx_first (self->sending); publish;
         publish = (s_publish_t *) zlistx_next (self->sending), index++) {
        sb_store_put_result_t *result = self->put_results? &self->put_results [index]: NULL;
        if (!result || result->status == SB_STORE_FAILED)
            s_nack (self, publish->identity, publish->token, "storage", self->storage_error);
        else
        if (result->status == SB_STORE_DUPLICATE) {
            self->duplicates++;
            s_send_strings (self, publish->identity, SB_PROTO_DUP, publish->token,
                            result->first_id, NULL);
        }
        else
        if (result->status == SB_STORE_OVER_CAPACITY)
            s_nack (self, publish->identity, publish->token, "over-capacity",
                    "the broker's backlog bound is reached: try again later");
        else {
            self->published++;
            s_mark_dirty (self, publish->services, publish->service_count);
            s_send_strings (self, publish->identity, SB_PROTO_ACK, publish->token,
                            publish->id, NULL);
        }
    }
    free (self->puts);
    free (self->put_results);
    self->puts = NULL;
    self->put_results = NULL;
    zlistx_purge (self->sending);
}

//  --------------------------------------------------------------------------
//  Answers

static void
s_answer_destroy (s_answer_t **self_p)
{
    if (self_p && *self_p) {
        s_answer_t *self = *self_p;
        zmsg_destroy (&self->outputs);
        free (self->puts);
        free (self->keys);
        free (self->ids);
        free (self);
        *self_p = NULL;
    }
}

static void
s_answer_destructor (void **item)
{
    s_answer_destroy ((s_answer_t **) item);
}

static uint32_t
s_attempts (const s_delivery_t *delivery)
{
    return delivery->msg->base_attempts + delivery->msg->delivery_count;
}

//  Queues the answer for a delivery. A retry past the service's attempts
//  becomes a dead letter; delay_ms < 0 means the service's back-off.
static void
s_answer_queue (sb_broker_t *self, s_delivery_t *delivery, sb_store_kind_t kind,
                const char *reason, int64_t delay_ms)
{
    s_answer_t *answer = (s_answer_t *) calloc (1, sizeof (s_answer_t));
    if (!answer)
        return;   //  the delivery stays held; its lease expires and retries it
    const sb_policy_t *policy = delivery->service->policy;
    uint32_t attempts = s_attempts (delivery);
    answer->delivery = delivery;
    answer->kind = kind;
    answer->attempts = attempts;
    snprintf (answer->reason, sizeof answer->reason, "attempt %u: %s", attempts, reason);
    if (kind == SB_STORE_RETRY && attempts >= policy->max_attempts) {
        answer->kind = SB_STORE_FAIL;
        snprintf (answer->reason, sizeof answer->reason,
                  "attempt %u: %s (attempts exhausted: %u of %u)", attempts, reason,
                  attempts, policy->max_attempts);
    }
    if (answer->kind == SB_STORE_RETRY) {
        if (delay_ms < 0)
            delay_ms = sb_policy_delay (policy, attempts, (double) randof (10000) / 10000.0);
        answer->due_ms = zclock_time () + delay_ms;
    }
    delivery->committing = true;
    zlistx_add_end (self->answers, answer);
}

//  Detaches a delivery from its worker, giving the worker its credit back.
static void
s_release (s_delivery_t *delivery)
{
    s_worker_t *worker = delivery->worker;
    if (!worker)
        return;
    void *handle = zlistx_find (worker->deliveries, delivery);
    if (handle)
        zlistx_detach (worker->deliveries, handle);
    delivery->worker = NULL;
    worker->credit++;
    s_worker_requeue (worker);
}

//  Checks the outputs of a DONE and prepares them for the store. Returns
//  0, or -1 with the reason (the DONE is then a FAIL).
static int
s_prepare_outputs (sb_broker_t *self, s_answer_t *answer, char *err, size_t errlen)
{
    size_t count = zmsg_size (answer->outputs);
    answer->puts = (sb_store_put_t *) calloc (count + 1, sizeof (sb_store_put_t));
    answer->keys = calloc (count + 1, sizeof *answer->keys);
    answer->ids = calloc (count + 1, sizeof *answer->ids);
    if (!answer->puts || !answer->keys || !answer->ids)
        return sb_error_set (err, errlen, "out of memory");
    size_t index = 0;
    for (zframe_t *frame = zmsg_first (answer->outputs); frame;
         frame = zmsg_next (answer->outputs), index++) {
        s_publish_t probe = { 0 };
        const char *code;
        char reason [400];
        if (s_check_envelope (self, frame, &probe, &code, reason, sizeof reason))
            return sb_error_set (err, errlen, "output %zu refused (%s): %s", index, code, reason);
        memcpy (answer->keys [index], probe.key, sizeof probe.key);
        memcpy (answer->ids [index], probe.id, sizeof probe.id);
        answer->puts [index] = (sb_store_put_t) { answer->keys [index], answer->ids [index],
            zframe_data (frame), zframe_size (frame), probe.due_ms,
            probe.services, probe.service_count };
    }
    answer->put_count = count;
    return 0;
}

static s_delivery_t *
s_delivery_for (sb_broker_t *self, zframe_t *identity, zmsg_t *args, const char *command)
{
    char handle [SB_PROTO_HANDLE_MAX];
    s_worker_t *worker = s_worker_lookup (self, identity);
    if (!worker) {
        s_send_strings (self, identity, SB_PROTO_ERROR, "say HELLO first", NULL, NULL);
        return NULL;
    }
    worker->expiry_ms = zclock_mono () + self->config.heartbeat_ms * self->config.liveness;
    if (sb_proto_pop_string (args, handle, sizeof handle)) {
        self->malformed++;
        s_send_strings (self, identity, SB_PROTO_ERROR, "missing delivery handle", NULL, NULL);
        return NULL;
    }
    s_delivery_t *delivery = (s_delivery_t *) zhashx_lookup (self->deliveries, handle);
    if (!delivery || delivery->worker != worker || delivery->committing) {
        //  Fenced: this attempt's lease was given to another, or the
        //  answer came twice. The message is not completed again.
        zsys_warning ("broker: stale %s for %s from %s/%s ignored", command, handle,
                      worker->service->name, worker->instance);
        return NULL;
    }
    return delivery;
}

static void
s_on_answer (sb_broker_t *self, zframe_t *identity, zmsg_t *args, const char *command)
{
    s_delivery_t *delivery = s_delivery_for (self, identity, args, command);
    if (!delivery)
        return;
    s_service_t *service = delivery->service;
    sb_hist_record (&service->latency, zclock_usecs () - delivery->sent_us);
    s_release (delivery);
    if (streq (command, SB_PROTO_DONE)) {
        s_answer_queue (self, delivery, SB_STORE_DONE, "done", 0);
        s_answer_t *answer = (s_answer_t *) zlistx_last (self->answers);
        if (!answer || answer->delivery != delivery)
            return;
        answer->outputs = zmsg_dup (args);
        char err [512];
        if (s_prepare_outputs (self, answer, err, sizeof err)) {
            answer->kind = SB_STORE_FAIL;
            snprintf (answer->reason, sizeof answer->reason, "attempt %u: %.480s",
                      answer->attempts, err);
            zsys_warning ("broker: %s: %s", delivery->handle, err);
        }
        return;
    }
    uint64_t delay = 0;
    char reason [400] = "no reason given";
    if (streq (command, SB_PROTO_RETRY)
    &&  (sb_proto_pop_number (args, &delay) || delay > 864e5)) {
        self->malformed++;
        delay = 0;
    }
    if (zmsg_size (args))
        sb_proto_pop_string (args, reason, sizeof reason);
    if (streq (command, SB_PROTO_RETRY))
        s_answer_queue (self, delivery, SB_STORE_RETRY, reason, delay? (int64_t) delay: -1);
    else
        s_answer_queue (self, delivery, SB_STORE_FAIL, reason, 0);
}

//  Counts what an applied answer did, and lets go of its delivery.
static void
s_answer_applied (sb_broker_t *self, s_answer_t *answer, bool applied)
{
    s_delivery_t *delivery = answer->delivery;
    s_service_t *service = delivery->service;
    if (!applied)
        zsys_warning ("broker: %s was taken over (lease expired or another broker "
                      "reclaimed it): answer dropped", delivery->handle);
    else
    if (answer->kind == SB_STORE_DONE) {
        service->completed++;
        for (size_t index = 0; index < answer->put_count; index++)
            s_mark_dirty (self, answer->puts [index].services, answer->puts [index].service_count);
    }
    else
    if (answer->kind == SB_STORE_RETRY) {
        service->retried++;
        if (answer->due_ms < self->next_due_ms)
            self->next_due_ms = answer->due_ms;
    }
    else {
        service->dead++;
        zsys_warning ("broker: %s dead-lettered: %s", delivery->handle, answer->reason);
    }
    service->in_flight--;
    zhashx_delete (self->deliveries, delivery->handle);
}

//  Queues the waiting answers as one Redis command in the round's pipeline.
static void
s_queue_answers (sb_broker_t *self)
{
    size_t count = zlistx_size (self->answers);
    if (count == 0)
        return;
    self->ops = (sb_store_op_t *) calloc (count, sizeof (sb_store_op_t));
    self->outcomes = (sb_store_status_t *) calloc (count, sizeof (sb_store_status_t));
    self->op_count = count;
    if (!self->ops || !self->outcomes)
        return;   //  outcomes stay FAILED: tried again next round
    size_t index = 0;
    for (s_answer_t *answer = (s_answer_t *) zlistx_first (self->answers); answer;
         answer = (s_answer_t *) zlistx_next (self->answers), index++) {
        sb_store_msg_t *msg = answer->delivery->msg;
        s_service_t *service = answer->delivery->service;
        self->ops [index] = (sb_store_op_t) { answer->kind, service->name,
            msg->stream_id, msg->delivery_count,
            service->in_flight + zlistx_size (service->ready) + 16, msg->envelope_id,
            answer->puts, answer->put_count, answer->due_ms, answer->attempts,
            answer->reason, msg->envelope, msg->size };
    }
    sb_store_complete (self->store, self->ops, count, zclock_time (),
                       self->config.dedup_window_ms, self->outcomes);
}

//  Once Redis answered: applied and fenced answers are done with; those
//  Redis did not answer stay queued for the next round (their deliveries
//  are still held).
static void
s_finish_answers (sb_broker_t *self)
{
    if (self->op_count == 0)
        return;
    size_t index = 0;
    s_answer_t *answer = (s_answer_t *) zlistx_first (self->answers);
    while (answer && index < self->op_count) {
        sb_store_status_t outcome = self->outcomes? self->outcomes [index]: SB_STORE_FAILED;
        void *cursor = zlistx_cursor (self->answers);
        answer = (s_answer_t *) zlistx_next (self->answers);
        if (outcome != SB_STORE_FAILED) {
            s_answer_t *done = (s_answer_t *) zlistx_handle_item (cursor);
            s_answer_applied (self, done, outcome == SB_STORE_APPLIED);
            zlistx_delete (self->answers, cursor);
        }
        index++;
    }
    free (self->ops);
    free (self->outcomes);
    self->ops = NULL;
    self->outcomes = NULL;
    self->op_count = 0;
}

//  --------------------------------------------------------------------------
//  Delivering

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
    snprintf (delivery->handle, sizeof delivery->handle, "%s/%s/%u", service->name,
              msg->stream_id, msg->delivery_count);
    delivery->service = service;
    delivery->msg = msg;
    delivery->sent_us = zclock_usecs ();
    delivery->lease_expiry_ms = zclock_mono () + service->policy->lease_ms;
    zhashx_update (self->deliveries, delivery->handle, delivery);
    service->in_flight++;

    int64_t deadline_ms = 0;
    if (sb_envelope_peek (msg->envelope, msg->size, &deadline_ms, NULL, 0)) {
        s_answer_queue (self, delivery, SB_STORE_FAIL, "stored envelope no longer decodes", 0);
        return;
    }
    if (deadline_ms && deadline_ms <= zclock_time ()) {
        service->expired++;
        s_answer_queue (self, delivery, SB_STORE_FAIL, "deadline passed before delivery", 0);
        return;
    }
    s_worker_t *worker = (s_worker_t *) zlistx_first (service->idle);
    delivery->worker = worker;
    zlistx_add_end (worker->deliveries, delivery);
    worker->credit--;
    s_worker_requeue (worker);
    service->delivered++;

    char attempt [16];
    snprintf (attempt, sizeof attempt, "%u", s_attempts (delivery));
    const void *parts [3] = { delivery->handle, attempt, msg->envelope };
    size_t sizes [3] = { strlen (delivery->handle), strlen (attempt), msg->size };
    s_send_parts (self, worker->identity, SB_PROTO_DELIVER, parts, sizes, 3);
}

static size_t
s_idle_credit (s_service_t *service)
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

//  Queues, in the round's pipeline, a fetch for every service with idle
//  credit whose queue may hold work.
static void
s_queue_fetches (sb_broker_t *self, int64_t now)
{
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services)) {
        service->fetching = 0;
        size_t credit = s_idle_credit (service);
        size_t ready = zlistx_size (service->ready);
        if (credit <= ready || (!service->dirty && now < service->next_poll_ms))
            continue;
        size_t wanted = credit - ready < S_FETCH_MAX? credit - ready: S_FETCH_MAX;
        service->fetch_before = ready;
        service->fetching = wanted;
        service->next_poll_ms = now + self->config.poll_ms;
        sb_store_fetch (self->store, service->name, wanted, service->ready);
    }
}

//  Gives fetched work to idle workers. A full fetch means more may be
//  waiting: the service stays dirty and is fetched again next round.
static void
s_dispatch (sb_broker_t *self)
{
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services)) {
        if (service->fetching)
            service->dirty = zlistx_size (service->ready) - service->fetch_before
                          >= service->fetching;
        service->fetching = 0;
        s_hand_out_ready (self, service);
    }
}

//  Ends the round: every reply, then the deliveries.
static void
s_round_finish (sb_broker_t *self)
{
    if (sb_store_pipeline_end (self->store))
        s_storage_failed (self, "round");
    else
    if (sb_store_connected (self->store))
        self->storage_ok = true;   //  an empty round without Redis proves nothing
    s_reply_publishes (self);
    s_finish_answers (self);
    s_dispatch (self);
}

//  Starts the round: the publishes, the answers and the fetches, queued as
//  one pipeline and sent; the loop goes on reading commands while Redis
//  works, and s_round_finish reads the replies.
static void
s_round_start (sb_broker_t *self, int64_t now)
{
    sb_store_pipeline_begin (self->store);
    s_queue_publishes (self);
    s_queue_answers (self);
    s_queue_fetches (self, now);
    self->round_started_ms = now;
    if (sb_store_pipeline_send (self->store))
        s_storage_failed (self, "round");
    if (!sb_store_pipeline_pending (self->store))
        s_round_finish (self);   //  nothing owed (empty, or Redis gone): settle now
}

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
            s_send (self, worker->identity, SB_PROTO_HEARTBEAT, NULL);
    }
    for (s_worker_t *worker = (s_worker_t *) zlistx_first (dead); worker;
         worker = (s_worker_t *) zlistx_next (dead))
        s_worker_remove (self, worker, "missed heartbeats");
    zlistx_destroy (&dead);
}

//  Any message from a worker proves it alive and extends its leases.
static void
s_worker_alive (sb_broker_t *self, s_worker_t *worker, int64_t now)
{
    worker->expiry_ms = now + self->config.heartbeat_ms * self->config.liveness;
    for (s_delivery_t *delivery = (s_delivery_t *) zlistx_first (worker->deliveries);
         delivery; delivery = (s_delivery_t *) zlistx_next (worker->deliveries))
        delivery->lease_expiry_ms = now + delivery->service->policy->lease_ms;
}

//  Deliveries whose lease ran out go back for another attempt.
static void
s_expire_leases (sb_broker_t *self, int64_t now)
{
    zlistx_t *expired = zlistx_new ();
    for (s_delivery_t *delivery = (s_delivery_t *) zhashx_first (self->deliveries);
         delivery; delivery = (s_delivery_t *) zhashx_next (self->deliveries))
        if (!delivery->committing && now > delivery->lease_expiry_ms)
            zlistx_add_end (expired, delivery);
    for (s_delivery_t *delivery = (s_delivery_t *) zlistx_first (expired); delivery;
         delivery = (s_delivery_t *) zlistx_next (expired)) {
        zsys_warning ("broker: lease of %s expired", delivery->handle);
        s_release (delivery);
        s_answer_queue (self, delivery, SB_STORE_RETRY, "lease expired", 0);
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
            s_storage_failed (self, "touch");
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
        size_t credit = s_idle_credit (service);
        if (credit <= before)
            continue;
        size_t wanted = credit - before < S_FETCH_MAX? credit - before: S_FETCH_MAX;
        if (sb_store_claim (self->store, service->name, "stale", self->config.visibility_ms,
                            wanted, NULL, 0, service->ready))
            s_storage_failed (self, "reclaim");
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
    zlistx_set_destructor (services, s_string_destructor_fn);
    int64_t next_due = -1;
    if (sb_store_move_due (self->store, now, 1000, &next_due, services))
        s_storage_failed (self, "move due");
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

//  The next service in a round-robin over all of them (services never
//  change after start, so the order is stable).
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
    if (!service || sb_store_figures (self->store, service->name, &figures))
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
        s_storage_failed (self, "trim");
}

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
    s_send (self, identity, SB_PROTO_STATS, reply);
}

static void
s_on_dlq_list (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    uint64_t count = 100;
    if (zmsg_size (args) && (sb_proto_pop_number (args, &count) || count > 10000)) {
        s_send_strings (self, identity, SB_PROTO_ERROR, "DLQ-LIST count: 0..10000", NULL, NULL);
        return;
    }
    json_t *entries = NULL;
    if (sb_store_dlq_list (self->store, (size_t) count, &entries)) {
        s_send_strings (self, identity, SB_PROTO_ERROR, sb_store_error (self->store), NULL, NULL);
        return;
    }
    zmsg_t *reply = zmsg_new ();
    sb_proto_add_json (reply, entries);
    json_decref (entries);
    s_send (self, identity, SB_PROTO_DLQ, reply);
}

static void
s_on_dlq_replay (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char entry [64];
    if (sb_proto_pop_string (args, entry, sizeof entry)) {
        s_send_strings (self, identity, SB_PROTO_ERROR, "DLQ-REPLAY needs an entry id or 'all'",
                        NULL, NULL);
        return;
    }
    zlistx_t *services = zlistx_new ();
    zlistx_set_destructor (services, s_string_destructor_fn);
    size_t replayed = 0;
    if (sb_store_dlq_replay (self->store, streq (entry, "all")? NULL: entry, &replayed, services))
        s_send_strings (self, identity, SB_PROTO_ERROR, sb_store_error (self->store), NULL, NULL);
    else {
        for (char *name = (char *) zlistx_first (services); name;
             name = (char *) zlistx_next (services)) {
            s_service_t *service = (s_service_t *) zhashx_lookup (self->services, name);
            if (service)
                service->dirty = true;
        }
        char count [24];
        snprintf (count, sizeof count, "%zu", replayed);
        s_send_strings (self, identity, SB_PROTO_REPLAYED, count, NULL, NULL);
        zsys_info ("broker: replayed %zu dead letter(s)", replayed);
    }
    zlistx_destroy (&services);
}

//  Answers the tool requests that came in during the last round.
static void
s_tool_requests (sb_broker_t *self)
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
        if (identity && command)
            s_on_dlq_replay (self, identity, msg);
        zstr_free (&command);
        zframe_destroy (&identity);
        zmsg_destroy (&msg);
    }
}

//  --------------------------------------------------------------------------
//  The loop

static void
s_handle (sb_broker_t *self, zmsg_t *msg)
{
    zframe_t *identity = zmsg_pop (msg);
    char command [SB_PROTO_COMMAND_MAX + 1];
    char err [256];
    if (!identity || sb_proto_parse (msg, command, err, sizeof err)) {
        self->malformed++;
        if (identity)
            s_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
        zframe_destroy (&identity);
        return;
    }
    s_worker_t *worker = s_worker_lookup (self, identity);
    if (worker)
        s_worker_alive (self, worker, zclock_mono ());
    if (streq (command, SB_PROTO_PUBLISH))
        s_on_publish (self, identity, msg);
    else
    if (streq (command, SB_PROTO_DONE) || streq (command, SB_PROTO_RETRY)
    ||  streq (command, SB_PROTO_FAIL))
        s_on_answer (self, identity, msg, command);
    else
    if (streq (command, SB_PROTO_HEARTBEAT)) {
        //  A worker this broker dropped (silent too long) or never knew
        //  (the broker restarted) must say HELLO again to get work
        if (!worker)
            s_send_strings (self, identity, SB_PROTO_ERROR,
                            "not registered: say HELLO", NULL, NULL);
    }
    else
    if (streq (command, SB_PROTO_HELLO))
        s_on_hello (self, identity, msg);
    else
    if (streq (command, SB_PROTO_BYE)) {
        if (worker)
            s_worker_remove (self, worker, "said BYE");
    }
    else
    if (streq (command, SB_PROTO_DRAIN)) {
        //  Shutting down: it finishes what it holds and gets nothing new
        if (worker) {
            worker->draining = true;
            s_worker_requeue (worker);
            zsys_info ("broker: worker %s/%s draining, %zu deliveries to finish",
                       worker->service->name, worker->instance, zlistx_size (worker->deliveries));
        }
    }
    else
    if (streq (command, SB_PROTO_STATS) || streq (command, SB_PROTO_DLQ_LIST)
    ||  streq (command, SB_PROTO_DLQ_REPLAY)) {
        //  Tools talk to Redis synchronously: they wait for the gap between
        //  rounds, when no pipeline is in flight on the connection
        zmsg_pushstr (msg, command);
        zmsg_pushmem (msg, zframe_data (identity), zframe_size (identity));
        zlistx_add_end (self->tool_requests, zmsg_dup (msg));
    }
    else {
        self->malformed++;
        snprintf (err, sizeof err, "unknown command '%s'", command);
        s_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
    }
    zframe_destroy (&identity);
}

//  Takes every command waiting on the socket, up to one batch (the
//  socket's receive time-out is 0: an empty socket ends the round).
static void
s_read_round (sb_broker_t *self)
{
    for (size_t count = 0; count < self->config.batch; count++) {
        zmsg_t *msg = zmsg_recv (self->router);
        if (!msg)
            break;
        s_handle (self, msg);
        zmsg_destroy (&msg);
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

//  Runs the timers: only between rounds, since they talk to Redis on the
//  same connection.
static void
s_timers (sb_broker_t *self, int64_t now)
{
    s_heartbeat (self, now);
    s_expire_leases (self, now);
    s_touch (self, now);
    s_reclaim (self, now);
    s_move_due (self);
    s_check_stalls (self, now);
    s_trim (self, now);
    s_tool_requests (self);
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
        bool in_flight = sb_store_pipeline_pending (self->store);
        items [1].fd = sb_store_fd (self->store);
        int count = in_flight && items [1].fd >= 0? 2: 1;
        int64_t left = self->round_started_ms + self->config.redis_timeout_ms - now;
        int timeout = in_flight? (int) (left > 0? left: 0): s_poll_timeout (self, now);
        items [1].revents = 0;
        if (zmq_poll (items, count, timeout) < 0 && errno != EINTR)
            break;
        s_read_round (self);
        now = zclock_mono ();
        if (in_flight && ((items [1].revents & ZMQ_POLLIN) || count == 1
                          || now - self->round_started_ms >= self->config.redis_timeout_ms)) {
            s_round_finish (self);
            in_flight = false;
        }
        if (!in_flight) {
            s_timers (self, now);
            s_round_start (self, zclock_mono ());
        }
    }
    if (sb_store_pipeline_pending (self->store))
        s_round_finish (self);
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
        s_service_t *service = s_service_new (name, sb_routes_policy (self->routes, name));
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

static int
s_bind (sb_broker_t *self, char *err, size_t errlen)
{
    self->router = zsock_new (ZMQ_ROUTER);
    if (!self->router)
        return sb_error_set (err, errlen, "cannot create a ZeroMQ socket");
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
    self->started_ms = zclock_mono ();
    self->storage_ok = true;
    self->services = zhashx_new ();
    self->workers = zhashx_new ();
    self->deliveries = zhashx_new ();
    self->publishes = zlistx_new ();
    self->sending = zlistx_new ();
    self->tool_requests = zlistx_new ();
    self->answers = zlistx_new ();
    if (!self->services || !self->workers || !self->deliveries || !self->publishes
    ||  !self->sending || !self->tool_requests || !self->answers) {
        sb_error_set (err, errlen, "out of memory");
        sb_broker_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->services, s_service_destructor);
    zhashx_set_destructor (self->workers, s_worker_destructor);
    zhashx_set_destructor (self->deliveries, s_delivery_destructor);
    zlistx_set_destructor (self->publishes, s_publish_destructor);
    zlistx_set_destructor (self->sending, s_publish_destructor);
    zlistx_set_destructor (self->tool_requests, s_zmsg_destructor);
    zlistx_set_destructor (self->answers, s_answer_destructor);

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
    zlistx_destroy (&self->answers);
    zlistx_destroy (&self->publishes);
    zlistx_destroy (&self->sending);
    zlistx_destroy (&self->tool_requests);
    zhashx_destroy (&self->workers);
    zhashx_destroy (&self->services);
    sb_routes_destroy (&self->routes);
    sb_schemas_destroy (&self->schemas);
    sb_store_destroy (&self->store);
    zsock_destroy (&self->router);
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
