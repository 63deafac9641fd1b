/*  sb_actor.h — the actor runtime: an actor is a handler plus a name;
    everything else is the runtime's (docs/writing-an-actor.md).

    The runtime connects a DEALER to each broker it is given, says HELLO
    (service, instance, capacity), keeps heartbeats both ways, reconnects
    with backoff, decodes and checks every delivered envelope against its
    schema before the handler sees it (FAIL with the reason otherwise),
    runs up to `capacity` handlers at once on its own threads (an inline
    actor's one after another on its main thread), fills the header of
    what a handler emits, and on SIGTERM or SIGINT stops taking work
    (DRAIN), finishes what it holds within a grace period, hands back the
    rest (BYE) and exits 0. With --harness it runs the handler on
    envelopes read as JSON, with no broker, for fixtures.

    Threads: the handler runs on one of the runtime's worker threads, one
    message at a time per thread; it may block on I/O. Anything it shares
    with other calls (the state from setup) must be safe to use from
    several threads, or the actor declares capacity 1. An actor whose
    handler never blocks for long declares inline_handler: it then runs on
    the runtime's main thread, one message after another, with no worker
    threads (unless the operator says threads = on).                      */

#ifndef SB_ACTOR_H_INCLUDED
#define SB_ACTOR_H_INCLUDED

#include "sb_classes.h"

typedef struct _sb_actor_ctx_t sb_actor_ctx_t;

//  What a handler answers for a message.
typedef enum {
    SB_ACTOR_DONE,       //  handled: what it emitted is published
    SB_ACTOR_RETRY,      //  transient failure: deliver again later
    SB_ACTOR_FAIL        //  permanent failure: to the dead-letter queue
} sb_actor_result_t;

//  Handles one message (borrowed, valid during the call). state is what
//  setup returned.
typedef sb_actor_result_t (sb_actor_handler_fn) (sb_actor_ctx_t *ctx,
                                                 const sb_envelope_t *message,
                                                 void *state);

typedef struct {
    const char *name;            //  the service: routing and HELLO use it
    const char *summary;         //  one line for --help
    sb_actor_handler_fn *handler;
    //  Optional: builds the handler's shared state from the actor's config
    //  section (NULL if none). Returns NULL with the reason in err to stop
    //  the actor at start (exit 78).
    void *(*setup) (zconfig_t *section, char *err, size_t errlen);
    void (*teardown) (void **state_p);
    const char *config_help;     //  lines for --help about its own keys, or NULL
    bool needs_redis;            //  without a Redis configured: exit 78 at start
    //  The handler's promise that it never blocks for long: CPU work and at
    //  most a few quick Redis commands on its thread's connection (no
    //  outbound HTTP, no sleeps, no waits on other services). The runtime
    //  then starts no worker threads and runs it on its main thread between
    //  polls, in the order messages come, which saves two thread hand-offs
    //  per message; heartbeats wait while it runs. The broker's credit
    //  stays capacity. The operator may force threads (threads = on).
    bool inline_handler;
    //  Optional, with inline_handler: whether the handler keeps that promise
    //  with the state setup built (a backend chosen by config may be an
    //  HTTP service). NULL: it always does.
    bool (*inline_with) (const void *state);
    //  Optional: its capacity when neither the config nor the command line
    //  sets one (0: SB_ACTOR_CAPACITY). Inline, it is how far the broker
    //  may send ahead (a burst is handled in one pass); with threads, how
    //  many wait on outbound calls at once.
    int capacity;
} sb_actor_def_t;

#define SB_ACTOR_CAPACITY 4          //  the capacity an actor declares none

//  Runs the actor: parses the command line (--help lists it), reads its
//  config, and runs until stopped. Returns the process exit code: 0
//  stopped cleanly, 78 bad config, 65 a harness expectation not met.
int sb_actor_main (const sb_actor_def_t *def, int argc, char *argv []);

//  --------------------------------------------------------------------------
//  Inside a handler

//  Emits an envelope of type with body (ownership taken): the runtime sets
//  id (derived from the message's id and the emit's index, so a redelivered
//  message emits the same ids), key (the message's key + "/" + type + "/"
//  + index, unless sb_actor_emit_keyed), corr, tenant, src, trace (plus
//  this hop), created_ms. It is checked against its schema when the handler
//  returns DONE: an invalid one turns DONE into FAIL, naming it. Returns 0,
//  or -1 (too many emits, out of memory).
int sb_actor_emit (sb_actor_ctx_t *ctx, const char *type, json_t *body);

//  The same with an idempotency key of the handler's own.
int sb_actor_emit_keyed (sb_actor_ctx_t *ctx, const char *type, const char *key,
                         json_t *body);

//  The same, delivered no earlier than not_before_ms (Unix ms; 0: now),
//  key NULL for the default: the broker keeps it in its delay set
//  (reminders, scheduled ticks).
int sb_actor_emit_at (sb_actor_ctx_t *ctx, const char *type, const char *key,
                      int64_t not_before_ms, json_t *body);

//  Sets the reason (and for retry the delay, 0: the service's back-off)
//  and returns SB_ACTOR_RETRY or SB_ACTOR_FAIL, to end a handler with:
//      return sb_actor_retry (ctx, 0, "timesheet API: %s", error);
sb_actor_result_t sb_actor_retry (sb_actor_ctx_t *ctx, int64_t delay_ms,
                                  const char *format, ...) SB_PRINTF (3, 4);
sb_actor_result_t sb_actor_fail (sb_actor_ctx_t *ctx, const char *format, ...) SB_PRINTF (2, 3);

//  The delivery attempt (1 on the first), the message's deadline (0: none),
//  this instance's name, and the actor's config section (borrowed; NULL
//  if it has none).
uint32_t sb_actor_attempt (sb_actor_ctx_t *ctx);
int64_t sb_actor_deadline_ms (sb_actor_ctx_t *ctx);
const char *sb_actor_instance (sb_actor_ctx_t *ctx);
zconfig_t *sb_actor_config (sb_actor_ctx_t *ctx);

#endif
