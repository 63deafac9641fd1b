/*  bench_plain.c — plain ZeroMQ LRU broker for comparison (bench_plain.h). */

#include "bench_plain.h"
#include "sb_proto.h"
#include <pthread.h>
#include <stdatomic.h>

typedef struct {
    zframe_t *identity;
    int credit;
} s_worker_t;

struct _bench_plain_t {
    zsock_t *router;
    zlistx_t *queue;         //  zmsg_t: [envelope] waiting for a worker
    zlistx_t *workers;       //  s_worker_t, least recently used first
    atomic_bool stop;
    uint64_t handles;
    char *endpoint;
    pthread_t thread;
};

static void
s_send (bench_plain_t *self, zframe_t *identity, const char *command,
        const char *arg, zframe_t **data_p)
{
    zmsg_t *msg = sb_proto_new (command);
    zmsg_pushmem (msg, zframe_data (identity), zframe_size (identity));
    if (arg)
        zmsg_addstr (msg, arg);
    if (data_p)
        zmsg_append (msg, data_p);
    zmsg_send (&msg, self->router);
}

static s_worker_t *
s_find (bench_plain_t *self, zframe_t *identity)
{
    for (s_worker_t *worker = (s_worker_t *) zlistx_first (self->workers); worker;
         worker = (s_worker_t *) zlistx_next (self->workers))
        if (zframe_eq (worker->identity, identity))
            return worker;
    return NULL;
}

//  Hands queued messages to the least recently used workers with credit.
static void
s_dispatch (bench_plain_t *self)
{
    size_t tries = zlistx_size (self->workers);
    while (zlistx_size (self->queue) && tries) {
        s_worker_t *worker = (s_worker_t *) zlistx_first (self->workers);
        zlistx_move_end (self->workers, zlistx_cursor (self->workers));
        if (worker->credit <= 0) {
            tries--;
            continue;
        }
        tries = zlistx_size (self->workers);
        zframe_t *envelope = (zframe_t *) zlistx_detach (self->queue, NULL);
        char handle [32];
        snprintf (handle, sizeof handle, "h%" PRIu64, ++self->handles);
        zmsg_t *msg = sb_proto_new (SB_PROTO_DELIVER);
        zmsg_pushmem (msg, zframe_data (worker->identity), zframe_size (worker->identity));
        zmsg_addstr (msg, handle);
        zmsg_addstr (msg, "1");
        zmsg_append (msg, &envelope);
        zmsg_send (&msg, self->router);
        worker->credit--;
    }
}

static void
s_handle (bench_plain_t *self, zmsg_t *msg)
{
    zframe_t *identity = zmsg_pop (msg);
    char command [SB_PROTO_COMMAND_MAX + 1], err [64], token [SB_PROTO_TOKEN_MAX + 1];
    if (identity && sb_proto_parse (msg, command, err, sizeof err) == 0) {
        if (streq (command, SB_PROTO_PUBLISH) && sb_proto_pop_string (msg, token, sizeof token) == 0) {
            zlistx_add_end (self->queue, zmsg_pop (msg));
            zframe_t *id = zframe_new ("-", 1);   //  no id: nothing was stored
            s_send (self, identity, SB_PROTO_ACK, token, &id);
        }
        else
        if (streq (command, SB_PROTO_HELLO)) {
            s_worker_t *worker = (s_worker_t *) calloc (1, sizeof (s_worker_t));
            worker->identity = zframe_dup (identity);
            char hello_err [64];
            json_t *hello = sb_proto_pop_json (msg, hello_err, sizeof hello_err);
            worker->credit = (int) json_integer_value (json_object_get (hello, "capacity"));
            json_decref (hello);
            zlistx_add_start (self->workers, worker);
        }
        else
        if (streq (command, SB_PROTO_BYE)) {
            s_worker_t *worker = s_find (self, identity);
            if (worker)
                zlistx_delete (self->workers, zlistx_cursor (self->workers));
        }
        else
        if (streq (command, SB_PROTO_DONE)) {
            s_worker_t *worker = s_find (self, identity);
            if (worker)
                worker->credit++;
        }
    }
    zframe_destroy (&identity);
}

static void *
s_run (void *arg)
{
    bench_plain_t *self = (bench_plain_t *) arg;
    zmq_pollitem_t item = { zsock_resolve (self->router), 0, ZMQ_POLLIN, 0 };
    while (!atomic_load (&self->stop)) {
        zmq_poll (&item, 1, 100);
        for (int count = 0; count < 512; count++) {
            zmsg_t *msg = zmsg_recv (self->router);
            if (!msg)
                break;
            s_handle (self, msg);
            zmsg_destroy (&msg);
        }
        s_dispatch (self);
    }
    return NULL;
}

static void
s_worker_destructor (void **item)
{
    s_worker_t *worker = (s_worker_t *) *item;
    zframe_destroy (&worker->identity);
    free (worker);
    *item = NULL;
}

static void
s_frame_destructor (void **item)
{
    zframe_destroy ((zframe_t **) item);
}

bench_plain_t *
bench_plain_new (const char *endpoint)
{
    bench_plain_t *self = (bench_plain_t *) calloc (1, sizeof (bench_plain_t));
    self->router = zsock_new (ZMQ_ROUTER);
    zsock_set_rcvtimeo (self->router, 0);
    zsock_set_sndhwm (self->router, 100000);
    zsock_set_rcvhwm (self->router, 100000);
    self->queue = zlistx_new ();
    self->workers = zlistx_new ();
    zlistx_set_destructor (self->queue, s_frame_destructor);
    zlistx_set_destructor (self->workers, s_worker_destructor);
    if (zsock_bind (self->router, "%s", endpoint) < 0
    ||  pthread_create (&self->thread, NULL, s_run, self)) {
        zsock_destroy (&self->router);
        zlistx_destroy (&self->queue);
        zlistx_destroy (&self->workers);
        free (self);
        return NULL;
    }
    self->endpoint = zsock_last_endpoint (self->router);
    return self;
}

void
bench_plain_destroy (bench_plain_t **self_p)
{
    if (self_p && *self_p) {
        bench_plain_t *self = *self_p;
        atomic_store (&self->stop, true);
        pthread_join (self->thread, NULL);
        zsock_destroy (&self->router);
        zlistx_destroy (&self->queue);
        zlistx_destroy (&self->workers);
        free (self->endpoint);
        free (self);
        *self_p = NULL;
    }
}

const char *
bench_plain_endpoint (bench_plain_t *self)
{
    return self->endpoint;
}
