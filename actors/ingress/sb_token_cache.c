/*  sb_token_cache.c — tenants' Twilio auth tokens from Redis, kept for a
    TTL, one read per tenant at a time (see sb_token_cache.h).

    Each tenant has an entry, made at its first request and kept until the
    cache goes. An entry is fresh (an answer younger than the TTL),
    loading (one thread reads Redis; the others wait on the condition
    variable), or stale. A read that fails counts a failure on the entry:
    the threads that waited for it answer with its reason.                */

#include "sb_classes.h"
#include "sb_token_cache.h"
#include "sb_credentials.h"
#include "sb_redis.h"
#include <hiredis/hiredis.h>
#include <pthread.h>

#define S_WHY_MAX 256

typedef struct {
    char *token;                 //  the stored token; NULL: none stored
    int64_t fresh_until;         //  monotonic ms; the answer is stale from then on
    bool loading;                //  a thread is reading it now
    uint64_t failures;           //  reads that failed, so far
    char why [S_WHY_MAX];        //  the last failure's reason
} s_entry_t;

struct _sb_token_cache_t {
    char *url;
    char *password;              //  a secret: wiped when freed
    const sb_secretbox_t *box;
    int ttl_ms;
    int timeout_ms;
    pthread_mutex_t lock;        //  guards entries and idle
    pthread_cond_t loaded;       //  a read ended (CLOCK_MONOTONIC)
    zhashx_t *entries;           //  tenant -> s_entry_t
    zlistx_t *idle;              //  idle redisContext *
};

//  Wipes and frees a string, NULLs the pointer.
static void
s_wipe (char **text_p)
{
    if (*text_p)
        sb_secretbox_free (text_p, strlen (*text_p) + 1);
}

static void
s_entry_destroy (void **item)
{
    s_entry_t *entry = (s_entry_t *) *item;
    s_wipe (&entry->token);
    free (entry);
    *item = NULL;
}

static void
s_connection_destroy (void **item)
{
    redisFree ((redisContext *) *item);
    *item = NULL;
}

sb_token_cache_t *
sb_token_cache_new (const char *redis_url, const char *password, const sb_secretbox_t *box,
                    int ttl_ms, int timeout_ms)
{
    sb_token_cache_t *self = (sb_token_cache_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_condattr_t attributes;
    pthread_condattr_init (&attributes);
    pthread_condattr_setclock (&attributes, CLOCK_MONOTONIC);
    pthread_cond_init (&self->loaded, &attributes);
    pthread_condattr_destroy (&attributes);
    pthread_mutex_init (&self->lock, NULL);
    self->url = strdup (redis_url);
    self->password = password? strdup (password): NULL;
    self->box = box;
    self->ttl_ms = ttl_ms;
    self->timeout_ms = timeout_ms;
    self->entries = zhashx_new ();
    self->idle = zlistx_new ();
    if (!self->url || (password && !self->password) || !self->entries || !self->idle) {
        sb_token_cache_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->entries, s_entry_destroy);
    zlistx_set_destructor (self->idle, s_connection_destroy);
    return self;
}

void
sb_token_cache_destroy (sb_token_cache_t **self_p)
{
    sb_token_cache_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->entries);
    zlistx_destroy (&self->idle);
    s_wipe (&self->password);
    free (self->url);
    pthread_cond_destroy (&self->loaded);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

void
sb_token_cache_free (char **token_p)
{
    s_wipe (token_p);
}

//  --------------------------------------------------------------------------
//  Reading Redis

//  An idle connection, or a new one. Returns it, or NULL with why.
static redisContext *
s_connection_take (sb_token_cache_t *self, char *err, size_t errlen)
{
    pthread_mutex_lock (&self->lock);
    redisContext *redis = (redisContext *) zlistx_detach (self->idle, NULL);
    pthread_mutex_unlock (&self->lock);
    return redis? redis: sb_redis_connect (self->url, self->password, self->timeout_ms,
                                           err, errlen);
}

//  Gives a connection back, or closes it when it failed.
static void
s_connection_give (sb_token_cache_t *self, redisContext *redis)
{
    if (redis->err) {
        redisFree (redis);
        return;
    }
    pthread_mutex_lock (&self->lock);
    zlistx_add_end (self->idle, redis);
    pthread_mutex_unlock (&self->lock);
}

//  Reads the tenant's token from Redis. Returns 0 with it in *token_p
//  (caller wipes), 1 if none is stored, -1 with why.
static int
s_read (sb_token_cache_t *self, const char *tenant, char **token_p, char *err, size_t errlen)
{
    *token_p = NULL;
    redisContext *redis = s_connection_take (self, err, errlen);
    if (!redis)
        return -1;
    sb_tenant_credentials_t credentials;
    int rc = sb_credentials_fetch (redis, SB_CREDENTIALS_PREFIX, self->box, tenant,
                                   &credentials, err, errlen);
    s_connection_give (self, redis);
    if (rc == 0) {
        *token_p = credentials.twilio_auth_token;      //  taken: the rest is wiped
        credentials.twilio_auth_token = NULL;
    }
    sb_credentials_clear (&credentials);
    return rc == 0 || rc == SB_CREDENTIALS_NONE? rc: -1;
}

//  --------------------------------------------------------------------------
//  The cache

//  The tenant's entry, made if it has none. Called under the lock.
static s_entry_t *
s_entry (sb_token_cache_t *self, const char *tenant)
{
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, tenant);
    if (entry)
        return entry;
    entry = (s_entry_t *) calloc (1, sizeof *entry);
    if (entry && zhashx_insert (self->entries, tenant, entry)) {
        free (entry);
        entry = NULL;
    }
    return entry;
}

//  A fresh entry's answer, copied into *token_p. Returns 0 or 1 as
//  sb_token_cache_get, or -1 if out of memory. Called under the lock.
static int
s_answer (const s_entry_t *entry, char **token_p, char *err, size_t errlen)
{
    *token_p = entry->token? strdup (entry->token): NULL;
    if (entry->token && !*token_p)
        return sb_error_set (err, errlen, "out of memory");
    return entry->token? 0: 1;
}

//  Waits, under the lock, until the entry's read ends or deadline (an
//  absolute CLOCK_MONOTONIC time) passes. Returns 0 when it ended, -1
//  with why if it failed or did not end in time.
static int
s_wait_read (sb_token_cache_t *self, s_entry_t *entry, const struct timespec *deadline,
             char *err, size_t errlen)
{
    uint64_t failures = entry->failures;
    int rc = 0;
    while (entry->loading && rc == 0)
        rc = pthread_cond_timedwait (&self->loaded, &self->lock, deadline);
    if (entry->failures != failures)
        return sb_error_set (err, errlen, "%s", entry->why);
    if (entry->loading)
        return sb_error_set (err, errlen, "Redis: no answer within %d ms", 2 * self->timeout_ms);
    return 0;
}

//  Reads the entry's tenant (the entry marked loading, the lock released
//  meanwhile) and records the answer or the failure. Returns as s_read.
//  Called under the lock.
static int
s_load (sb_token_cache_t *self, s_entry_t *entry, const char *tenant, char *err,
        size_t errlen)
{
    entry->loading = true;
    pthread_mutex_unlock (&self->lock);
    char *token = NULL;
    int rc = s_read (self, tenant, &token, err, errlen);
    pthread_mutex_lock (&self->lock);
    entry->loading = false;
    if (rc >= 0) {
        s_wipe (&entry->token);
        entry->token = token;
        entry->fresh_until = zclock_mono () + self->ttl_ms;
    }
    else {
        entry->failures++;
        snprintf (entry->why, sizeof entry->why, "%s", err);
    }
    pthread_cond_broadcast (&self->loaded);
    return rc;
}

int
sb_token_cache_get (sb_token_cache_t *self, const char *tenant, char **token_p, char *err,
                    size_t errlen)
{
    *token_p = NULL;
    struct timespec deadline;
    clock_gettime (CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 2 * self->timeout_ms / 1000 + 1;     //  a connect and a command
    pthread_mutex_lock (&self->lock);
    s_entry_t *entry = s_entry (self, tenant);
    int rc = entry? 0: sb_error_set (err, errlen, "out of memory");
    while (rc == 0 && entry->loading)
        rc = s_wait_read (self, entry, &deadline, err, errlen);
    if (rc == 0 && entry->fresh_until <= zclock_mono ())
        rc = s_load (self, entry, tenant, err, errlen);
    if (rc >= 0)
        rc = s_answer (entry, token_p, err, errlen);
    pthread_mutex_unlock (&self->lock);
    return rc;
}
