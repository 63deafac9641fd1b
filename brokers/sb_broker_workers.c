/*  sb_broker_workers.c — the broker's services, workers and deliveries:
    their lifecycle, and the workers' HELLO (a reply service opened on
    demand), lookup, idle list and removal.                                */

#include "sb_broker_private.h"

//  --------------------------------------------------------------------------
//  Services, workers, deliveries

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

void
sb_broker_service_destructor (void **item)
{
    s_service_destroy ((s_service_t **) item);
}

//  A service (name copied) with its policy (borrowed); NULL if out of memory.
s_service_t *
sb_broker_service_new (const char *name, const sb_policy_t *policy)
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
    else
        zlistx_set_destructor (self->ready, s_msg_destructor);
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

void
sb_broker_delivery_destructor (void **item)
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

void
sb_broker_worker_destructor (void **item)
{
    s_worker_destroy ((s_worker_t **) item);
}

//  Puts a worker with credit at the back of its service's idle list (or
//  takes it out when it has none left).
void
sb_broker_worker_requeue (s_worker_t *worker)
{
    zlistx_t *idle = worker->service->idle;
    if (worker->credit > 0 && !worker->draining) {
        if (worker->in_idle)
            zlistx_move_end (idle, worker->in_idle);
        else
            worker->in_idle = zlistx_add_end (idle, worker);
    }
    else
    if (worker->in_idle) {
        zlistx_detach (idle, worker->in_idle);
        worker->in_idle = NULL;
    }
}

//  --------------------------------------------------------------------------
//  Workers

//  A worker's key in the table: its routing id in hex, written into key
//  (zframe_strhex would malloc it, once per message). -1 if the id is
//  longer than ZeroMQ's 255 bytes.
#define S_KEY_MAX (2 * 255 + 1)

static int
s_identity_key (zframe_t *identity, char key [S_KEY_MAX])
{
    static const char digits [] = "0123456789ABCDEF";
    size_t size = zframe_size (identity);
    if (size > 255)
        return -1;
    const byte *data = zframe_data (identity);
    for (size_t index = 0; index < size; index++) {
        key [2 * index] = digits [data [index] >> 4];
        key [2 * index + 1] = digits [data [index] & 15];
    }
    key [2 * size] = 0;
    return 0;
}

s_worker_t *
sb_broker_worker_lookup (sb_broker_t *self, zframe_t *identity)
{
    char key [S_KEY_MAX];
    return s_identity_key (identity, key) == 0
         ? (s_worker_t *) zhashx_lookup (self->workers, key): NULL;
}

void
sb_broker_worker_remove (sb_broker_t *self, s_worker_t *worker, const char *why)
{
    zsys_info ("broker: worker %s/%s gone (%s), %zu deliveries to hand back",
               worker->service->name, worker->instance, why,
               zlistx_size (worker->deliveries));
    for (s_delivery_t *delivery = (s_delivery_t *) zlistx_first (worker->deliveries);
         delivery; delivery = (s_delivery_t *) zlistx_next (worker->deliveries)) {
        delivery->worker = NULL;
        delivery->in_worker = NULL;   //  the list goes with the worker
        if (!delivery->committing)
            sb_broker_answer_queue (self, delivery, SB_STORE_RETRY, why, -1);
    }
    if (worker->in_idle)
        zlistx_detach (worker->service->idle, worker->in_idle);
    worker->in_idle = NULL;
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
    sb_broker_send (self, identity, SB_PROTO_WELCOME, reply);
}

//  A HELLO for a reply service this broker does not have yet: answered
//  between rounds, once its queue exists in Redis.
static bool
s_hello_deferred (sb_broker_t *self, zframe_t *identity, const json_t *hello, const char *name)
{
    if (!sb_routes_reply_name_valid (name))
        return false;
    zmsg_t *request = zmsg_new ();
    sb_proto_add_json (request, hello);
    zmsg_pushstr (request, SB_PROTO_HELLO);
    zmsg_pushmem (request, zframe_data (identity), zframe_size (identity));
    zlistx_add_end (self->tool_requests, request);
    return true;
}

int
sb_broker_add_reply_service (sb_broker_t *self, const char *name, char *err, size_t errlen)
{
    if (zhashx_lookup (self->services, name))
        return 0;
    s_service_t *service = sb_broker_service_new (name, sb_routes_default_policy (self->routes));
    if (!service)
        return sb_error_set (err, errlen, "out of memory");
    if (sb_store_ensure_service (self->store, name)) {
        s_service_destroy (&service);
        return sb_error_set (err, errlen, "cannot create the queue of %s: %s", name,
                             sb_store_error (self->store));
    }
    zhashx_insert (self->services, name, service);
    zsys_info ("broker: reply service %s opened", name);
    return 0;
}

void
sb_broker_on_hello (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char err [256];
    json_t *hello = sb_proto_pop_json (args, err, sizeof err);
    const char *service_name = json_string_value (json_object_get (hello, "service"));
    const char *instance = json_string_value (json_object_get (hello, "instance"));
    json_int_t capacity = json_integer_value (json_object_get (hello, "capacity"));
    s_service_t *service = service_name
        ? (s_service_t *) zhashx_lookup (self->services, service_name): NULL;
    if (!hello || !service_name || !instance || capacity < 1 || capacity > S_MAX_CAPACITY) {
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR,
                        "HELLO needs {service, instance, capacity 1..1024}", NULL, NULL);
        json_decref (hello);
        return;
    }
    if (!service && s_hello_deferred (self, identity, hello, service_name)) {
        json_decref (hello);
        return;
    }
    if (!service) {
        snprintf (err, sizeof err, "unknown service '%.64s': no message type is routed to it",
                  service_name);
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, err, NULL, NULL);
        json_decref (hello);
        return;
    }
    s_worker_t *old = sb_broker_worker_lookup (self, identity);
    if (old && old->service == service && !old->draining) {
        //  A repeated HELLO (the worker missed our WELCOME, or answered a
        //  burst of errors with several): it keeps what it holds
        s_send_welcome (self, identity);
        json_decref (hello);
        return;
    }
    if (old)
        sb_broker_worker_remove (self, old, "said HELLO again");
    s_worker_t *worker = (s_worker_t *) calloc (1, sizeof (s_worker_t));
    char key [S_KEY_MAX];
    if (worker) {
        worker->key = s_identity_key (identity, key) == 0? strdup (key): NULL;
        worker->identity = zframe_dup (identity);
        worker->instance = strdup (instance);
        worker->deliveries = zlistx_new ();
    }
    if (!worker || !worker->key || !worker->identity || !worker->instance
    ||  !worker->deliveries) {
        //  It may say HELLO again; nothing of it was kept
        s_worker_destroy (&worker);
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, "broker out of memory",
                                NULL, NULL);
        json_decref (hello);
        return;
    }
    worker->service = service;
    worker->capacity = worker->credit = (uint32_t) capacity;
    worker->expiry_ms = zclock_mono () + self->config.heartbeat_ms * self->config.liveness;
    zhashx_insert (self->workers, worker->key, worker);
    service->workers++;
    service->capacity += worker->capacity;
    sb_broker_worker_requeue (worker);
    json_decref (hello);
    s_send_welcome (self, identity);
    zsys_info ("broker: worker %s/%s joined with capacity %u", service->name,
               worker->instance, worker->capacity);
}
