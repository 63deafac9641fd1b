/*  sb_tenant_cache.h — what HGETALL sb:tenant:<id> answered, kept for a
    short time (the actor's tenant_cache_ms), so that a conversation's
    messages do not each read their tenant's profile from Redis
    (sb_tenant_load: one cache per handler thread, so it needs no lock).

    Bounded: at most SB_TENANT_CACHE_MAX tenants, the one read longest ago
    dropped for a new one. Only hashes are kept: an error, or a failed
    read, is for the caller to report, never kept. A change in Redis is
    seen once the kept answer is older than the TTL.                       */

#ifndef SB_TENANT_CACHE_H_INCLUDED
#define SB_TENANT_CACHE_H_INCLUDED

#include <hiredis/hiredis.h>
#include "sb_actor.h"

#define SB_TENANT_CACHE_MAX         256
#define SB_TENANT_CACHE_MS_DEFAULT  1000
#define SB_TENANT_CACHE_MS_MAX      3600000

//  The config key, in the actor's own section, and its lines in each
//  actor's --help (config_help).
#define SB_TENANT_CACHE_KEY "tenant_cache_ms"
#define SB_TENANT_CACHE_TEXT_(value) #value
#define SB_TENANT_CACHE_TEXT(value) SB_TENANT_CACHE_TEXT_(value)
#define SB_TENANT_CACHE_HELP \
    "  " SB_TENANT_CACHE_KEY " = " SB_TENANT_CACHE_TEXT (SB_TENANT_CACHE_MS_DEFAULT) \
    "   how long a profile read from Redis is reused, per\n" \
    "                           handler thread, 0.." SB_TENANT_CACHE_TEXT (SB_TENANT_CACHE_MS_MAX) \
    " ms (0: read every message)\n"

typedef struct _sb_tenant_cache_t sb_tenant_cache_t;

//  Reads the TTL from an actor's config section (NULL, or no key: the
//  default) into *ttl_ms. Returns 0, or -1 with what, where and why in
//  err: "quality/tenant_cache_ms 'soon' (config): not a whole number of
//  milliseconds in 0..3600000".
int sb_tenant_cache_ttl (zconfig_t *section, int64_t *ttl_ms, char *err, size_t errlen);

//  A cache keeping answers ttl_ms (0: none kept). Returns NULL if out of
//  memory.
sb_tenant_cache_t *sb_tenant_cache_new (int64_t ttl_ms);

//  Frees the cache and what it keeps, NULLs the caller's pointer. Safe
//  on NULL.
void sb_tenant_cache_destroy (sb_tenant_cache_t **self_p);

//  The hash kept for tenant_id if it was read less than the TTL before
//  now_ms (a monotonic clock), else NULL. Borrowed: valid until the next
//  sb_tenant_cache_put or destroy.
const redisReply *sb_tenant_cache_get (sb_tenant_cache_t *self, const char *tenant_id,
                                       int64_t now_ms);

//  Keeps *reply_p, the hash (an array reply: errors are never kept) of
//  tenant_id read at now_ms, over what was kept for it; when full, drops
//  the tenant read longest ago. Takes ownership on success, like
//  zmsg_send: NULLs *reply_p and returns the kept reply (borrowed, as for
//  get). Returns NULL, leaving *reply_p to the caller, if the TTL is 0
//  (nothing is kept), it is not an array or memory ran out.
const redisReply *sb_tenant_cache_put (sb_tenant_cache_t *self, const char *tenant_id,
                                       redisReply **reply_p, int64_t now_ms);

#endif
