/*  sb_tenant_cache.c — tenants' profile hashes read from Redis, kept for a
    TTL, at most SB_TENANT_CACHE_MAX of them (see the .h).                */

#include "sb_tenant_cache.h"

typedef struct {
    redisReply *reply;               //  HGETALL's answer, an array (owned)
    int64_t read_ms;                 //  when, on the monotonic clock
    uint64_t order;                  //  the cache's count of reads then
} s_entry_t;

struct _sb_tenant_cache_t {
    int64_t ttl_ms;
    zhashx_t *entries;               //  tenant id → s_entry_t (owned)
    uint64_t reads;                  //  reads kept so far: orders them (the
                                     //  clock's milliseconds may tie)
};

static void
s_entry_destroy (void **item)
{
    s_entry_t *entry = (s_entry_t *) *item;
    if (entry) {
        freeReplyObject (entry->reply);
        free (entry);
        *item = NULL;
    }
}

int
sb_tenant_cache_ttl (zconfig_t *section, int64_t *ttl_ms, char *err, size_t errlen)
{
    *ttl_ms = SB_TENANT_CACHE_MS_DEFAULT;
    const char *text = section? zconfig_get (section, SB_TENANT_CACHE_KEY, NULL): NULL;
    if (!text)
        return 0;
    char *end = NULL;
    errno = 0;
    long long value = strtoll (text, &end, 10);
    if (end == text || *end || errno || value < 0 || value > SB_TENANT_CACHE_MS_MAX) {
        snprintf (err, errlen, "%s/%s '%.64s' (config): not a whole number of milliseconds "
                  "in 0..%d", zconfig_name (section), SB_TENANT_CACHE_KEY, text,
                  SB_TENANT_CACHE_MS_MAX);
        return -1;
    }
    *ttl_ms = value;
    return 0;
}

sb_tenant_cache_t *
sb_tenant_cache_new (int64_t ttl_ms)
{
    sb_tenant_cache_t *self = (sb_tenant_cache_t *) calloc (1, sizeof (sb_tenant_cache_t));
    if (!self)
        return NULL;
    self->ttl_ms = ttl_ms;
    self->entries = zhashx_new ();
    if (!self->entries) {
        free (self);
        return NULL;
    }
    zhashx_set_destructor (self->entries, s_entry_destroy);
    return self;
}

void
sb_tenant_cache_destroy (sb_tenant_cache_t **self_p)
{
    if (self_p && *self_p) {
        zhashx_destroy (&(*self_p)->entries);
        free (*self_p);
        *self_p = NULL;
    }
}

const redisReply *
sb_tenant_cache_get (sb_tenant_cache_t *self, const char *tenant_id, int64_t now_ms)
{
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, tenant_id);
    return entry && now_ms - entry->read_ms < self->ttl_ms? entry->reply: NULL;
}

//  Drops the tenant read longest ago, to make room.
static void
s_drop_oldest (sb_tenant_cache_t *self)
{
    const void *oldest_key = NULL;
    uint64_t oldest = UINT64_MAX;
    for (s_entry_t *entry = (s_entry_t *) zhashx_first (self->entries); entry;
         entry = (s_entry_t *) zhashx_next (self->entries))
        if (entry->order < oldest) {
            oldest = entry->order;
            oldest_key = zhashx_cursor (self->entries);
        }
    if (oldest_key)
        zhashx_delete (self->entries, oldest_key);
}

const redisReply *
sb_tenant_cache_put (sb_tenant_cache_t *self, const char *tenant_id, redisReply **reply_p,
                     int64_t now_ms)
{
    redisReply *reply = *reply_p;
    if (self->ttl_ms == 0 || !reply || reply->type != REDIS_REPLY_ARRAY)
        return NULL;            //  0: nothing kept, read for every message
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, tenant_id);
    if (entry)
        freeReplyObject (entry->reply);      //  an expired read of it: replaced
    else {
        if (zhashx_size (self->entries) >= SB_TENANT_CACHE_MAX)
            s_drop_oldest (self);
        entry = (s_entry_t *) calloc (1, sizeof (s_entry_t));
        if (!entry || zhashx_insert (self->entries, tenant_id, entry)) {
            free (entry);
            return NULL;
        }
    }
    entry->reply = reply;
    entry->read_ms = now_ms;
    entry->order = self->reads++;
    *reply_p = NULL;
    return reply;
}
