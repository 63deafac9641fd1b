/*  sb_actor_jobs.h — the runtime's jobs (one delivered message, from
    arrival to answer) and its worker threads, which run a threaded
    actor's handler. The broker loop (sb_actor_run.c) owns the jobs that
    are queued or answered; a worker owns the one it was handed until it
    hands it back. Private to the runtime.                                 */

#ifndef SB_ACTOR_JOBS_H_INCLUDED
#define SB_ACTOR_JOBS_H_INCLUDED

#include "sb_actor_private.h"
#include "sb_proto.h"

//  One delivered message, from arrival to answer.
typedef struct {
    size_t link;                 //  the index of the broker link it came on
    uint64_t generation;         //  of that link: answers go back there only
    char handle [SB_PROTO_HANDLE_MAX];
    uint32_t attempt;
    sb_envelope_t *message;
    int64_t started_us;
    sb_actor_result_t result;
    char reason [512];
    int64_t delay_ms;
    zmsg_t *outputs;             //  what it emitted, encoded (DONE)
} sb_actor_job_t;

//  Frees a job and what it holds; NULLs the caller's pointer.
void sb_actor_job_destroy (sb_actor_job_t **self_p);

//  Runs the handler on job->message on the calling thread (thread: that
//  thread's own resources) and fills in result, reason, delay_ms and
//  outputs. Out of memory is a RETRY.
void sb_actor_job_run (const sb_actor_options_t *options, sb_actor_job_t *job,
                       sb_actor_thread_t *thread);

//  A pool of worker threads, each running one job at a time.
typedef struct _sb_actor_workers_t sb_actor_workers_t;

//  Starts count threads running options' handler. Returns the pool, or
//  NULL if a thread cannot start.
sb_actor_workers_t *sb_actor_workers_new (const sb_actor_options_t *options, size_t count);

//  Stops and joins every thread (none may be running a job: see
//  sb_actor_workers_busy) and frees the pool; NULLs the caller's pointer.
void sb_actor_workers_destroy (sb_actor_workers_t **self_p);

//  How many threads are running a job.
size_t sb_actor_workers_busy (sb_actor_workers_t *self);

//  Hands the jobs at the front of queue to idle threads, in order, until
//  either runs out; each job's started_us is set.
void sb_actor_workers_dispatch (sb_actor_workers_t *self, zlistx_t *queue);

//  Fills items with the pipes of the busy threads (at most max), and
//  workers with their indexes, for zmq_poll. Returns how many.
size_t sb_actor_workers_poll_items (sb_actor_workers_t *self, zmq_pollitem_t *items,
                                    size_t *workers, size_t max);

//  The job worker hands back (its pipe polled ready), or NULL if what it
//  sent is not its job. The caller owns the job.
sb_actor_job_t *sb_actor_workers_finished (sb_actor_workers_t *self, size_t worker);

#endif
