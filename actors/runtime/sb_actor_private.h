/*  sb_actor_private.h — what the runtime's modules share: the options of
    one actor process, the handler context's construction and finishing,
    the harness and the broker loop. Not for actors.                      */

#ifndef SB_ACTOR_PRIVATE_H_INCLUDED
#define SB_ACTOR_PRIVATE_H_INCLUDED

#include "sb_actor.h"

#define SB_ACTOR_MAX_EMITS   64      /* envelopes one message may emit     */
#define SB_ACTOR_MAX_BROKERS 8
#define SB_ACTOR_EXIT_CONFIG 78      /* sysexits EX_CONFIG: do not restart  */
#define SB_ACTOR_EXIT_DATA   65      /* EX_DATAERR: harness mismatch        */

//  Where the handler runs (threads = on|off|auto).
typedef enum {
    SB_ACTOR_THREADS_AUTO,           //  as the definition says (inline_handler)
    SB_ACTOR_THREADS_ON,             //  worker threads, even for an inline actor
    SB_ACTOR_THREADS_OFF             //  the main thread, even for a threaded one
} sb_actor_threads_t;

//  One actor process's settings: defaults, then its config section, then
//  the environment, then the command line.
typedef struct {
    const sb_actor_def_t *def;
    zconfig_t *config;               //  the whole file (owned), or NULL
    zconfig_t *section;              //  the actor's section (borrowed)
    char *brokers [SB_ACTOR_MAX_BROKERS];
    size_t broker_count;
    char *instance;
    int capacity;
    sb_actor_threads_t threads;
    int64_t grace_ms;
    char *stats_endpoint;            //  where to answer STATS, or NULL
    char *monitor_endpoint;          //  where to publish socket events, or NULL
    char *redis_url;                 //  for sb_actor_redis, or NULL
    const char *harness;             //  input file ("-": stdin), or NULL
    const char *expect;              //  harness: expected output file
    sb_schemas_t *schemas;
    void *state;                     //  from def->setup
} sb_actor_options_t;

//  The defaults: capacity 4, grace 10 s, instance <host>-<pid>, the one
//  broker tcp://127.0.0.1:5555. Clear with sb_actor_options_clear.
void sb_actor_options_default (sb_actor_options_t *options, const sb_actor_def_t *def);

//  Whether the handler runs on the main thread: threads off, or auto and
//  the definition declares inline_handler (and inline_with agrees with
//  the handler's state).
bool sb_actor_options_inline (const sb_actor_options_t *options);

//  Applies the runtime's own keys of an actor's config section (broker,
//  instance, capacity, threads, grace, stats, redis, monitor; others are the
//  handler's), path naming the file in messages; section NULL: nothing.
//  Returns 0, or -1 with the reason in err (the first bad value).
int sb_actor_options_load_section (sb_actor_options_t *options, zconfig_t *section,
                                   const char *path, char *err, size_t errlen);

//  Frees what options own (the handler's state by def->teardown).
void sb_actor_options_clear (sb_actor_options_t *options);

//  A thread's own resources that outlive one message: its Redis
//  connection and the modules' per-thread state (sb_actor_thread_state),
//  made on demand (sb_actor_ctx.c). Owned by the thread; freed with
//  sb_actor_thread_end. One pointer, so that `= { NULL }` starts a thread.
typedef struct _sb_actor_thread_own_t sb_actor_thread_own_t;
typedef struct {
    sb_actor_thread_own_t *own;      //  NULL until the first use
} sb_actor_thread_t;

void sb_actor_thread_end (sb_actor_thread_t *thread);

//  The context of one message's handling, on thread (borrowed).
sb_actor_ctx_t *sb_actor_ctx_new (const sb_actor_options_t *options,
                                  const sb_envelope_t *message, uint32_t attempt,
                                  sb_actor_thread_t *thread);
void sb_actor_ctx_destroy (sb_actor_ctx_t **self_p);

//  Ends the handling: fills in and checks what the handler emitted, and
//  returns the final result (DONE turns into FAIL if an emit is invalid).
//  Appends each emitted envelope's msgpack to outputs (DONE only), and
//  writes the reason and delay (RETRY, FAIL).
sb_actor_result_t sb_actor_ctx_finish (sb_actor_ctx_t *self, sb_actor_result_t result,
                                       zmsg_t *outputs, char *reason, size_t reasonlen,
                                       int64_t *delay_ms);

//  The emitted envelopes, for the harness (borrowed, after finish).
zlistx_t *sb_actor_ctx_emits (sb_actor_ctx_t *self);

//  Runs the handler on JSON envelopes (options->harness), printing what it
//  emits and its outcome as JSON lines, or comparing with options->expect.
int sb_actor_harness (sb_actor_options_t *options);

//  Runs the actor against its brokers until stopped. Returns an exit code.
int sb_actor_run (sb_actor_options_t *options);

#endif
