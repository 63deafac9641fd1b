/*  sb_actor_ctx.c — the context a handler works in: what it emits, how it
    ends, and turning its emits into envelopes the broker will accept.     */

#include "sb_actor_private.h"
#include "sb_actor_redis.h"
#include "sb_redis.h"

struct _sb_actor_ctx_t {
    const sb_actor_options_t *options;
    const sb_envelope_t *message;
    uint32_t attempt;
    sb_actor_thread_t *thread;
    zlistx_t *emits;                 //  sb_envelope_t, owned
    char reason [512];
    int64_t delay_ms;
};

static void
s_envelope_destructor (void **item)
{
    sb_envelope_destroy ((sb_envelope_t **) item);
}

sb_actor_ctx_t *
sb_actor_ctx_new (const sb_actor_options_t *options, const sb_envelope_t *message,
                  uint32_t attempt, sb_actor_thread_t *thread)
{
    sb_actor_ctx_t *self = (sb_actor_ctx_t *) calloc (1, sizeof (sb_actor_ctx_t));
    if (!self)
        return NULL;
    self->options = options;
    self->message = message;
    self->attempt = attempt;
    self->thread = thread;
    self->emits = zlistx_new ();
    if (!self->emits) {
        free (self);
        return NULL;
    }
    zlistx_set_destructor (self->emits, s_envelope_destructor);
    return self;
}

void
sb_actor_ctx_destroy (sb_actor_ctx_t **self_p)
{
    if (self_p && *self_p) {
        zlistx_destroy (&(*self_p)->emits);
        free (*self_p);
        *self_p = NULL;
    }
}

int
sb_actor_emit_keyed (sb_actor_ctx_t *ctx, const char *type, const char *key, json_t *body)
{
    return sb_actor_emit_at (ctx, type, key, 0, body);
}

int
sb_actor_emit_at (sb_actor_ctx_t *ctx, const char *type, const char *key,
                  int64_t not_before_ms, json_t *body)
{
    sb_envelope_t *env = zlistx_size (ctx->emits) < SB_ACTOR_MAX_EMITS
                       ? sb_envelope_new (type): NULL;
    if (!env || !json_is_object (body)) {
        json_decref (body);
        sb_envelope_destroy (&env);
        return -1;
    }
    sb_envelope_set_body (env, body);
    if (key)
        sb_envelope_set_key (env, key);
    if (not_before_ms > 0)
        sb_envelope_set_not_before_ms (env, not_before_ms);
    zlistx_add_end (ctx->emits, env);
    return 0;
}

int
sb_actor_emit (sb_actor_ctx_t *ctx, const char *type, json_t *body)
{
    return sb_actor_emit_keyed (ctx, type, NULL, body);
}

sb_actor_result_t
sb_actor_retry (sb_actor_ctx_t *ctx, int64_t delay_ms, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (ctx->reason, sizeof ctx->reason, format, args);
    va_end (args);
    ctx->delay_ms = delay_ms > 0? delay_ms: 0;
    return SB_ACTOR_RETRY;
}

sb_actor_result_t
sb_actor_fail (sb_actor_ctx_t *ctx, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (ctx->reason, sizeof ctx->reason, format, args);
    va_end (args);
    return SB_ACTOR_FAIL;
}

uint32_t sb_actor_attempt (sb_actor_ctx_t *ctx) { return ctx->attempt; }
int64_t sb_actor_deadline_ms (sb_actor_ctx_t *ctx) { return sb_envelope_deadline_ms (ctx->message); }
const char *sb_actor_instance (sb_actor_ctx_t *ctx) { return ctx->options->instance; }
zconfig_t *sb_actor_config (sb_actor_ctx_t *ctx) { return ctx->options->section; }
zlistx_t *sb_actor_ctx_emits (sb_actor_ctx_t *self) { return self->emits; }

//  What a thread owns beyond one message (sb_actor_thread_t).
struct _sb_actor_thread_own_t {
    redisContext *redis;             //  opened on demand, reopened after an error
    struct {
        const char *name;            //  NULL: a free slot
        void *state;
        sb_actor_state_destroy_fn *destroy;
    } states [SB_ACTOR_THREAD_STATES];
};

//  The thread's own resources, made at their first use. NULL if out of
//  memory.
static sb_actor_thread_own_t *
s_own (sb_actor_thread_t *thread)
{
    if (!thread->own)
        thread->own = (sb_actor_thread_own_t *) calloc (1, sizeof (sb_actor_thread_own_t));
    return thread->own;
}

redisContext *
sb_actor_redis (sb_actor_ctx_t *ctx, char *err, size_t errlen)
{
    if (!ctx->options->redis_url) {
        sb_error_set (err, errlen, "no Redis configured (--redis, %s/redis or SB_REDIS_URL)",
                      ctx->options->def->name);
        return NULL;
    }
    sb_actor_thread_own_t *own = s_own (ctx->thread);
    if (!own) {
        sb_error_set (err, errlen, "out of memory for the thread's Redis connection");
        return NULL;
    }
    if (!own->redis)
        own->redis = sb_redis_connect (ctx->options->redis_url, getenv ("REDIS_PASSWORD"),
                                       2000, err, errlen);
    return own->redis;
}

bool
sb_actor_redis_configured (sb_actor_ctx_t *ctx)
{
    return ctx->options->redis_url != NULL;
}

void
sb_actor_redis_failed (sb_actor_ctx_t *ctx)
{
    //  Only the connection: what modules keep per thread (caches of what
    //  they read) stays valid
    sb_actor_thread_own_t *own = ctx->thread->own;
    if (own && own->redis) {
        redisFree (own->redis);
        own->redis = NULL;
    }
}

void *
sb_actor_thread_state (sb_actor_ctx_t *ctx, const char *name, sb_actor_state_new_fn *create,
                       sb_actor_state_destroy_fn *destroy, char *err, size_t errlen)
{
    sb_actor_thread_own_t *own = s_own (ctx->thread);
    if (!own) {
        sb_error_set (err, errlen, "out of memory for the thread's %s state", name);
        return NULL;
    }
    size_t index = 0;
    for (; index < SB_ACTOR_THREAD_STATES && own->states [index].name; index++)
        if (streq (own->states [index].name, name))
            return own->states [index].state;
    if (index == SB_ACTOR_THREAD_STATES) {
        sb_error_set (err, errlen, "no room for %s's state: a thread holds at most %d",
                      name, SB_ACTOR_THREAD_STATES);
        return NULL;
    }
    void *state = create (ctx, err, errlen);
    if (state) {
        own->states [index].name = name;
        own->states [index].state = state;
        own->states [index].destroy = destroy;
    }
    return state;
}

void
sb_actor_thread_end (sb_actor_thread_t *thread)
{
    sb_actor_thread_own_t *own = thread->own;
    if (!own)
        return;
    if (own->redis)
        redisFree (own->redis);
    for (size_t index = 0; index < SB_ACTOR_THREAD_STATES && own->states [index].name; index++)
        own->states [index].destroy (&own->states [index].state);
    free (own);
    thread->own = NULL;
}

//  Fills the header of the index-th emitted envelope from the message.
static int
s_fill_header (sb_actor_ctx_t *self, sb_envelope_t *env, uint32_t index)
{
    const sb_envelope_t *parent = self->message;
    char id [SB_ID_LEN + 1];
    if (sb_id_derive (sb_envelope_id (parent), index, id))
        return -1;
    int rc = sb_envelope_set_id (env, id)
           | sb_envelope_set_corr (env, sb_envelope_corr (parent))
           | sb_envelope_set_tenant (env, sb_envelope_tenant (parent))
           | sb_envelope_set_src (env, self->options->def->name);
    //  A requester waits for an answer: reply_to travels with the work
    //  until a reply type (routed to @reply_to) reaches it
    if (!sb_envelope_reply_to (env) && sb_envelope_reply_to (parent))
        rc |= sb_envelope_set_reply_to (env, sb_envelope_reply_to (parent));
    if (!sb_envelope_key (env)) {
        char *key = zsys_sprintf ("%.200s/%s/%u", sb_envelope_key (parent),
                                  sb_envelope_type (env), index);
        rc |= key? sb_envelope_set_key (env, key): -1;
        zstr_free (&key);
    }
    //  The trace so far (its hops shared with the message's), then this hop
    rc |= sb_envelope_trace_extend (env, parent);
    rc |= sb_envelope_trace_push (env, self->options->def->name, self->options->instance,
                                  zclock_time (), self->attempt);
    return rc? -1: 0;
}

sb_actor_result_t
sb_actor_ctx_finish (sb_actor_ctx_t *self, sb_actor_result_t result, zmsg_t *outputs,
                     char *reason, size_t reasonlen, int64_t *delay_ms)
{
    *delay_ms = self->delay_ms;
    snprintf (reason, reasonlen, "%s", *self->reason? self->reason: "no reason given");
    if (result != SB_ACTOR_DONE)
        return result == SB_ACTOR_RETRY? SB_ACTOR_RETRY: SB_ACTOR_FAIL;
    uint32_t index = 0;
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (self->emits); env;
         env = (sb_envelope_t *) zlistx_next (self->emits), index++) {
        uint8_t *data = NULL;
        size_t size = 0;
        char err [400] = "its header cannot be filled (trace too long?)";
        if (s_fill_header (self, env, index)
        ||  sb_schemas_check (self->options->schemas, env, err, sizeof err)
        ||  sb_envelope_encode (env, &data, &size, err, sizeof err)) {
            snprintf (reason, reasonlen, "emitted %s #%u is invalid: %s",
                      sb_envelope_type (env), index, err);
            free (data);
            return SB_ACTOR_FAIL;
        }
        if (outputs)
            zmsg_addmem (outputs, data, size);
        free (data);
    }
    return SB_ACTOR_DONE;
}
