/*  sb_agent_store.c — credentials, agent records and the per-tenant lock
    in Redis. Each change is one command or one short Lua script, so it is
    atomic, and the lock is compared before anything is written under it. */

#include "sb_classes.h"
#include "sb_agent_store.h"
#include "sb_actor_redis.h"
#include "sb_script.h"

#define S_LOCK_POLL_MS   20
#define S_ARGS_MAX       16

//  Writes an agent's record only while the lock is the writer's.
static sb_script_t s_write_script = SB_SCRIPT (
    "if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end\n"
    "redis.call('HSET', KEYS[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])\n"
    "redis.call('PEXPIRE', KEYS[2], ARGV[6])\n"
    "return 1");

static sb_script_t s_extend_script = SB_SCRIPT (
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2])");

static sb_script_t s_unlock_script = SB_SCRIPT (
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end\n"
    "return redis.call('DEL', KEYS[1])");

struct _sb_agent_store_t {
    char *prefix;
    const sb_secretbox_t *box;
    int lock_ttl_ms;
};

sb_agent_store_t *
sb_agent_store_new (const char *prefix, const sb_secretbox_t *box, int lock_ttl_ms)
{
    sb_agent_store_t *self = (sb_agent_store_t *) calloc (1, sizeof *self);
    if (self) {
        self->prefix = strdup (prefix);
        self->box = box;
        self->lock_ttl_ms = lock_ttl_ms;
    }
    if (self && !self->prefix)
        sb_agent_store_destroy (&self);
    return self;
}

void
sb_agent_store_destroy (sb_agent_store_t **self_p)
{
    sb_agent_store_t *self = *self_p;
    if (!self)
        return;
    free (self->prefix);
    free (self);
    *self_p = NULL;
}

//  --------------------------------------------------------------------------
//  One command

//  Checks reply, from redis (the thread's connection). Returns it (caller
//  frees), or NULL with why in err: the connection failed (marked, so the
//  next call reconnects), or Redis answered an error.
static redisReply *
s_checked (sb_actor_ctx_t *ctx, redisContext *redis, redisReply *reply, char *err, size_t errlen)
{
    if (!reply) {
        snprintf (err, errlen, "Redis: %s", redis->errstr);
        sb_actor_redis_failed (ctx);
        return NULL;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        snprintf (err, errlen, "Redis: %.200s", reply->str);
        freeReplyObject (reply);
        return NULL;
    }
    return reply;
}

//  Runs argv (binary-safe) on the thread's connection. Returns the reply
//  (caller frees), or NULL with why in err: no connection, or as
//  s_checked.
static redisReply *
s_command (sb_actor_ctx_t *ctx, int argc, const char **argv, const size_t *lengths,
           char *err, size_t errlen)
{
    redisContext *redis = sb_actor_redis (ctx, err, errlen);
    if (!redis)
        return NULL;
    return s_checked (ctx, redis, (redisReply *) redisCommandArgv (redis, argc, argv, lengths),
                      err, errlen);
}

//  Runs a script with keys and args (NUL-terminated strings). Returns its
//  integer answer, or -1 with why in err.
static long long
s_script (sb_actor_ctx_t *ctx, sb_script_t *script, int keys, const char **words, int count,
          char *err, size_t errlen)
{
    const char *argv [S_ARGS_MAX];
    char keys_text [8];
    snprintf (keys_text, sizeof keys_text, "%d", keys);
    argv [0] = keys_text;
    int argc = 1;
    for (int index = 0; index < count && argc < S_ARGS_MAX; index++)
        argv [argc++] = words [index];
    redisContext *redis = sb_actor_redis (ctx, err, errlen);
    redisReply *reply = NULL;
    if (redis) {
        reply = sb_script_run (script, redis, argc, argv, NULL);
        reply = s_checked (ctx, redis, reply, err, errlen);
    }
    long long value = reply && reply->type == REDIS_REPLY_INTEGER? reply->integer: -1;
    if (reply && reply->type != REDIS_REPLY_INTEGER)
        snprintf (err, errlen, "Redis: a script answered type %d, not an integer", reply->type);
    freeReplyObject (reply);
    return value;
}

//  --------------------------------------------------------------------------
//  Credentials

int
sb_agent_store_save_credentials (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                                 const char *tenant, const sb_credentials_t *credentials,
                                 char ref [SB_AGENT_STORE_REF_MAX], char *err, size_t errlen)
{
    redisContext *redis = sb_actor_redis (ctx, err, errlen);
    if (!redis)
        return -1;
    int rc = sb_credentials_store (redis, self->prefix, self->box, tenant, credentials, ref,
                                   err, errlen);
    if (redis->err)
        sb_actor_redis_failed (ctx);
    return rc;
}

//  --------------------------------------------------------------------------
//  Agents and the lock

int
sb_agent_store_read_agent (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                           const char *tenant, const char *role, sb_agent_record_t *record,
                           char *err, size_t errlen)
{
    memset (record, 0, sizeof *record);
    char key [SB_AGENT_STORE_REF_MAX], id_field [32], hash_field [32];
    snprintf (key, sizeof key, "%sagents:%s", self->prefix, tenant);
    snprintf (id_field, sizeof id_field, "%s_id", role);
    snprintf (hash_field, sizeof hash_field, "%s_hash", role);
    const char *argv [] = { "HMGET", key, id_field, hash_field };
    size_t lengths [] = { 5, strlen (key), strlen (id_field), strlen (hash_field) };
    redisReply *reply = s_command (ctx, 4, argv, lengths, err, errlen);
    if (!reply)
        return -1;
    int rc = reply->type == REDIS_REPLY_ARRAY && reply->elements == 2? 0: -1;
    for (size_t index = 0; rc == 0 && index < 2; index++) {
        const redisReply *value = reply->element [index];
        char *target = index? record->hash: record->id;
        size_t room = index? sizeof record->hash: sizeof record->id;
        if (value->type == REDIS_REPLY_STRING && value->len < room)
            memcpy (target, value->str, value->len + 1);
    }
    if (rc)
        snprintf (err, errlen, "Redis: HMGET answered an unexpected reply");
    freeReplyObject (reply);
    return rc;
}

//  The lock's key for tenant into key.
static void
s_lock_key (const sb_agent_store_t *self, const char *tenant, char *key, size_t size)
{
    snprintf (key, size, "%sagents:%s:lock", self->prefix, tenant);
}

int
sb_agent_store_write_agent (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                            const char *tenant, const char *role,
                            const sb_agent_record_t *record, const char *token,
                            char *err, size_t errlen)
{
    char key [SB_AGENT_STORE_REF_MAX], lock [SB_AGENT_STORE_REF_MAX];
    char id_field [32], hash_field [32], ttl [16];
    snprintf (key, sizeof key, "%sagents:%s", self->prefix, tenant);
    s_lock_key (self, tenant, lock, sizeof lock);
    snprintf (id_field, sizeof id_field, "%s_id", role);
    snprintf (hash_field, sizeof hash_field, "%s_hash", role);
    snprintf (ttl, sizeof ttl, "%d", self->lock_ttl_ms);
    const char *words [] = { key, lock, token, id_field, record->id, hash_field, record->hash,
                             ttl };
    long long held = s_script (ctx, &s_write_script, 2, words, 8, err, errlen);
    return held < 0? -1: held == 1? 0: 1;
}

int
sb_agent_store_lock (const sb_agent_store_t *self, sb_actor_ctx_t *ctx, const char *tenant,
                     const char *token, int64_t wait_ms, char *err, size_t errlen)
{
    char lock [SB_AGENT_STORE_REF_MAX], ttl [16];
    s_lock_key (self, tenant, lock, sizeof lock);
    snprintf (ttl, sizeof ttl, "%d", self->lock_ttl_ms);
    const char *argv [] = { "SET", lock, token, "NX", "PX", ttl };
    size_t lengths [] = { 3, strlen (lock), strlen (token), 2, 2, strlen (ttl) };
    int64_t deadline = zclock_mono () + wait_ms;
    while (true) {
        redisReply *reply = s_command (ctx, 6, argv, lengths, err, errlen);
        if (!reply)
            return -1;
        bool held = reply->type == REDIS_REPLY_STATUS;     //  "OK"; nil when taken
        freeReplyObject (reply);
        if (held)
            return 0;
        if (zclock_mono () + S_LOCK_POLL_MS > deadline)
            return 1;
        zclock_sleep (S_LOCK_POLL_MS);
    }
}

int
sb_agent_store_extend (const sb_agent_store_t *self, sb_actor_ctx_t *ctx, const char *tenant,
                       const char *token, char *err, size_t errlen)
{
    char lock [SB_AGENT_STORE_REF_MAX], ttl [16];
    s_lock_key (self, tenant, lock, sizeof lock);
    snprintf (ttl, sizeof ttl, "%d", self->lock_ttl_ms);
    const char *words [] = { lock, token, ttl };
    long long held = s_script (ctx, &s_extend_script, 1, words, 3, err, errlen);
    return held < 0? -1: held == 1? 0: 1;
}

void
sb_agent_store_unlock (const sb_agent_store_t *self, sb_actor_ctx_t *ctx, const char *tenant,
                       const char *token)
{
    char lock [SB_AGENT_STORE_REF_MAX], err [256];
    s_lock_key (self, tenant, lock, sizeof lock);
    const char *words [] = { lock, token };
    if (s_script (ctx, &s_unlock_script, 1, words, 2, err, sizeof err) < 0)
        zsys_warning ("agent-sync: tenant %s: cannot release the lock (its TTL will): %s",
                      tenant, err);
}
