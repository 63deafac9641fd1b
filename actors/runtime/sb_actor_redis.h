/*  sb_actor_redis.h — opt-in: the Redis connection a handler may use
    (conversation memory, idempotency records, stored credentials). The
    only place the actor API shows hiredis: actors that need Redis include
    this header, the others never see it.

    Each worker thread has its own connection, opened at first use from
    the actor's `redis` setting (--redis, <name>/redis, or SB_REDIS_URL:
    tcp://host:port or unix:/path; the password from REDIS_PASSWORD), and
    reopened after an error.                                               */

#ifndef SB_ACTOR_REDIS_H_INCLUDED
#define SB_ACTOR_REDIS_H_INCLUDED

#include <hiredis/hiredis.h>
#include "sb_actor.h"

//  The calling thread's connection, or NULL (none configured, or Redis
//  unreachable: the reason in err; a handler then usually retries).
//  Borrowed: never freed or kept by the handler.
redisContext *sb_actor_redis (sb_actor_ctx_t *ctx, char *err, size_t errlen);

//  True if the actor has a Redis configured at all (without one, actors
//  whose Redis is optional run on their config alone).
bool sb_actor_redis_configured (sb_actor_ctx_t *ctx);

//  Tells the runtime the connection failed (a reply with ctx->err set):
//  the next sb_actor_redis opens a fresh one.
void sb_actor_redis_failed (sb_actor_ctx_t *ctx);

//  Per-thread state of a module that keeps what it read from Redis (a
//  cache: sb_tenant's profiles), found by name (a literal: it is kept):
//  the calling thread's, made by create at its first use on this thread,
//  destroyed with destroy when the thread ends. It needs no lock: only
//  this thread sees it. Returns it (borrowed), or NULL with the reason in
//  err (create failed and said why, or the thread holds
//  SB_ACTOR_THREAD_STATES already); a failed create is tried again at the
//  next call.
#define SB_ACTOR_THREAD_STATES 4
typedef void *(sb_actor_state_new_fn) (sb_actor_ctx_t *ctx, char *err, size_t errlen);
typedef void (sb_actor_state_destroy_fn) (void **state_p);
void *sb_actor_thread_state (sb_actor_ctx_t *ctx, const char *name, sb_actor_state_new_fn *create,
                             sb_actor_state_destroy_fn *destroy, char *err, size_t errlen);

#endif
