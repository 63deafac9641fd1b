/*  sb_actor_jobs.c — running a job's handler, and the worker threads of a
    threaded actor. A job passes to a worker as a pointer over its inproc
    pipe and comes back the same way: whoever holds it owns it.            */

#include "sb_actor_jobs.h"

typedef struct {
    zactor_t *actor;
    sb_actor_job_t *job;         //  the job it runs, NULL when idle
} s_worker_t;

struct _sb_actor_workers_t {
    s_worker_t *workers;
    size_t count;
};

void
sb_actor_job_destroy (sb_actor_job_t **self_p)
{
    if (self_p && *self_p) {
        sb_envelope_destroy (&(*self_p)->message);
        zmsg_destroy (&(*self_p)->outputs);
        free (*self_p);
        *self_p = NULL;
    }
}

void
sb_actor_job_run (const sb_actor_options_t *options, sb_actor_job_t *job,
                  sb_actor_thread_t *thread)
{
    sb_actor_ctx_t *ctx = sb_actor_ctx_new (options, job->message, job->attempt, thread);
    job->outputs = zmsg_new ();
    if (!ctx || !job->outputs) {
        job->result = SB_ACTOR_RETRY;
        snprintf (job->reason, sizeof job->reason, "out of memory");
    }
    else {
        sb_actor_result_t result = options->def->handler (ctx, job->message, options->state);
        job->result = sb_actor_ctx_finish (ctx, result, job->outputs, job->reason,
                                           sizeof job->reason, &job->delay_ms);
    }
    sb_actor_ctx_destroy (&ctx);
}

//  A worker thread: takes a job, runs the handler, hands the job back.
static void
s_worker_thread (zsock_t *pipe, void *args)
{
    const sb_actor_options_t *options = (const sb_actor_options_t *) args;
    sb_actor_thread_t thread = { NULL };
    zsock_signal (pipe, 0);
    while (true) {
        char *command = NULL;
        void *job = NULL;
        if (zsock_recv (pipe, "sp", &command, &job) < 0) {
            if (zmq_errno () == ETERM)
                break;
            continue;   //  a signal interrupted the wait: the main thread decides
        }
        bool stop = !command || streq (command, "$TERM");
        zstr_free (&command);
        if (stop)
            break;
        if (job) {
            sb_actor_job_run (options, (sb_actor_job_t *) job, &thread);
            zsock_send (pipe, "p", job);
        }
    }
    sb_actor_thread_end (&thread);
    sb_id_thread_end ();
}

sb_actor_workers_t *
sb_actor_workers_new (const sb_actor_options_t *options, size_t count)
{
    sb_actor_workers_t *self = (sb_actor_workers_t *) calloc (1, sizeof *self);
    if (self)
        self->workers = (s_worker_t *) calloc (count, sizeof (s_worker_t));
    if (!self || !self->workers) {
        free (self);
        return NULL;
    }
    for (self->count = 0; self->count < count; self->count++) {
        //  zactor_new takes a void *: the thread only reads the options
        s_worker_t *worker = &self->workers [self->count];
        if (!(worker->actor = zactor_new (s_worker_thread, (void *) options))) {
            sb_actor_workers_destroy (&self);
            return NULL;
        }
    }
    return self;
}

void
sb_actor_workers_destroy (sb_actor_workers_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_actor_workers_t *self = *self_p;
    for (size_t index = 0; index < self->count; index++)
        zactor_destroy (&self->workers [index].actor);
    free (self->workers);
    free (self);
    *self_p = NULL;
}

size_t
sb_actor_workers_busy (sb_actor_workers_t *self)
{
    size_t busy = 0;
    for (size_t index = 0; self && index < self->count; index++)
        busy += self->workers [index].job != NULL;
    return busy;
}

static s_worker_t *
s_idle_worker (sb_actor_workers_t *self)
{
    for (size_t index = 0; index < self->count; index++)
        if (!self->workers [index].job)
            return &self->workers [index];
    return NULL;
}

void
sb_actor_workers_dispatch (sb_actor_workers_t *self, zlistx_t *queue)
{
    s_worker_t *worker;
    while (zlistx_size (queue) && (worker = s_idle_worker (self))) {
        sb_actor_job_t *job = (sb_actor_job_t *) zlistx_detach (queue, NULL);
        job->started_us = zclock_usecs ();
        worker->job = job;
        zsock_send (worker->actor, "sp", "JOB", job);
    }
}

size_t
sb_actor_workers_poll_items (sb_actor_workers_t *self, zmq_pollitem_t *items,
                             size_t *workers, size_t max)
{
    size_t count = 0;
    for (size_t index = 0; self && index < self->count && count < max; index++)
        if (self->workers [index].job) {
            items [count] = (zmq_pollitem_t) { zsock_resolve (zactor_sock (self->workers [index].actor)),
                                               0, ZMQ_POLLIN, 0 };
            workers [count++] = index;
        }
    return count;
}

sb_actor_job_t *
sb_actor_workers_finished (sb_actor_workers_t *self, size_t worker)
{
    s_worker_t *which = &self->workers [worker];
    void *job = NULL;
    if (zsock_recv (which->actor, "p", &job) || !job || job != which->job)
        return NULL;
    which->job = NULL;
    return (sb_actor_job_t *) job;
}
