/*  sb_tenant.c — a tenant's profile: defaults, config, Redis; each value
    checked once, when loaded.                                            */

#include "sb_tenant.h"
#include "sb_tenant_cache.h"
#include "sb_actor_redis.h"

#define SB_TENANT_MAX_DENY 64

//  The keys a profile knows, with their defaults and how each is checked.
typedef enum { S_STR, S_BOOL, S_INT, S_HOURS, S_DAYS, S_TONE } s_kind_t;
typedef struct {
    const char *key;
    s_kind_t kind;
    const char *fallback;
} s_key_t;

static const s_key_t s_keys [] = {
    { "name",          S_STR,   NULL },     //  NULL: the tenant's id
    { "timezone",      S_STR,   "UTC" },
    { "sign_off",      S_STR,   "" },
    { "tone",          S_TONE,  "friendly" },
    { "number",        S_STR,   "" },
    { "reminder",      S_STR,   "fri 15:00" },
    { "emoji",         S_BOOL,  "0" },
    { "max_segments",  S_INT,   "3" },
    { "hours_per_day", S_HOURS, "8" },
    { "working_days",  S_DAYS,  "mon,tue,wed,thu,fri" },
    { "deny_list",     S_STR,   "" },
};
#define S_KEY_COUNT (sizeof (s_keys) / sizeof (s_keys [0]))

struct _sb_tenant_t {
    char *id;
    char *values [S_KEY_COUNT];          //  owned strings, one per s_keys
    bool emoji;
    int max_segments;
    double hours_per_day;
    bool works_on [7];
    char *deny [SB_TENANT_MAX_DENY];     //  owned, lower case
    size_t deny_count;
};

static int
s_index (const char *key)
{
    for (size_t index = 0; index < S_KEY_COUNT; index++)
        if (streq (s_keys [index].key, key))
            return (int) index;
    return -1;
}

static void
s_set (sb_tenant_t *self, int index, const char *value)
{
    free (self->values [index]);
    self->values [index] = strdup (value);
}

//  Parses working_days ("mon,tue,...") into works_on. Returns 0 or -1.
static int
s_parse_days (const char *text, bool works_on [7])
{
    static const char *names [7] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
    memset (works_on, 0, 7 * sizeof (bool));
    char *copy = strdup (text), *saved = NULL;
    int rc = 0;
    for (char *item = strtok_r (copy, ", ", &saved); item; item = strtok_r (NULL, ", ", &saved)) {
        int day = -1;
        for (int index = 0; index < 7; index++)
            if (strcasecmp (item, names [index]) == 0)
                day = index;
        if (day < 0)
            rc = -1;
        else
            works_on [day] = true;
    }
    free (copy);
    return rc;
}

//  Checks one value for key; stores the typed form. Returns 0, or -1 with
//  why in err.
static int
s_check (sb_tenant_t *self, const s_key_t *key, const char *value, char *err, size_t errlen)
{
    char *end = NULL;
    switch (key->kind) {
        case S_STR:
            if (strlen (value) > 1024)
                return snprintf (err, errlen, "longer than 1024 bytes"), -1;
            return 0;
        case S_BOOL:
            if (!streq (value, "0") && !streq (value, "1")
            &&  !streq (value, "true") && !streq (value, "false"))
                return snprintf (err, errlen, "not 0, 1, true or false"), -1;
            self->emoji = streq (value, "1") || streq (value, "true");
            return 0;
        case S_INT: {
            long number = strtol (value, &end, 10);
            if (end == value || *end || number < 1 || number > 10)
                return snprintf (err, errlen, "not an integer in 1..10"), -1;
            self->max_segments = (int) number;
            return 0;
        }
        case S_HOURS: {
            double hours = strtod (value, &end);
            if (end == value || *end || !(hours >= 0 && hours <= 24))
                return snprintf (err, errlen, "not a number of hours in 0..24"), -1;
            self->hours_per_day = hours;
            return 0;
        }
        case S_TONE:
            if (!streq (value, "friendly") && !streq (value, "formal") && !streq (value, "brief"))
                return snprintf (err, errlen, "not friendly, formal or brief"), -1;
            return 0;
        case S_DAYS:
            if (s_parse_days (value, self->works_on))
                return snprintf (err, errlen, "not a list of days like mon,tue,wed"), -1;
            return 0;
    }
    return -1;
}

//  Sets key from source (for messages); unknown keys are ignored, so that
//  profiles can grow without every actor knowing every key.
static int
s_apply (sb_tenant_t *self, const char *key, const char *value, const char *source,
         char *err, size_t errlen)
{
    int index = s_index (key);
    if (index < 0)
        return 0;
    char why [128];
    if (s_check (self, &s_keys [index], value, why, sizeof why)) {
        snprintf (err, errlen, "tenant %s: %s '%.64s' (%s): %s", self->id, key, value, source, why);
        return -1;
    }
    s_set (self, index, value);
    return 0;
}

//  Splits the deny list into lower-case words.
static void
s_split_deny (sb_tenant_t *self)
{
    char *copy = strdup (self->values [s_index ("deny_list")]), *saved = NULL;
    for (char *item = strtok_r (copy, ",", &saved); item && self->deny_count < SB_TENANT_MAX_DENY;
         item = strtok_r (NULL, ",", &saved)) {
        while (isspace ((unsigned char) *item))
            item++;
        size_t length = strlen (item);
        while (length && isspace ((unsigned char) item [length - 1]))
            item [--length] = 0;
        if (!length)
            continue;
        for (char *c = item; *c; c++)
            *c = (char) tolower ((unsigned char) *c);
        self->deny [self->deny_count++] = strdup (item);
    }
    free (copy);
}

static sb_tenant_t *
s_new (const char *tenant_id)
{
    sb_tenant_t *self = calloc (1, sizeof *self);
    self->id = strdup (tenant_id);
    char err [256];
    for (size_t index = 0; index < S_KEY_COUNT; index++) {
        const char *value = s_keys [index].fallback? s_keys [index].fallback: tenant_id;
        int rc = s_apply (self, s_keys [index].key, value, "default", err, sizeof err);
        assert (rc == 0);       //  the defaults above are valid
        (void) rc;
    }
    return self;
}

//  Applies the config section's tenants/<id>/* keys.
static int
s_apply_config (sb_tenant_t *self, zconfig_t *section, char *err, size_t errlen)
{
    if (!section)
        return 0;
    char path [256];
    snprintf (path, sizeof path, "tenants/%s", self->id);
    zconfig_t *tenant = zconfig_locate (section, path);
    for (zconfig_t *item = tenant? zconfig_child (tenant): NULL; item; item = zconfig_next (item)) {
        const char *value = zconfig_value (item);
        if (s_apply (self, zconfig_name (item), value? value: "", "config", err, errlen))
            return -1;
    }
    return 0;
}

sb_tenant_t *
sb_tenant_from_config (zconfig_t *section, const char *tenant_id, char *err, size_t errlen)
{
    sb_tenant_t *self = s_new (tenant_id);
    if (s_apply_config (self, section, err, errlen)) {
        sb_tenant_destroy (&self);
        return NULL;
    }
    s_split_deny (self);
    return self;
}

//  Makes the thread's cache of profile hashes (sb_actor_thread_state).
static void *
s_cache_new (sb_actor_ctx_t *ctx, char *err, size_t errlen)
{
    int64_t ttl_ms = 0;
    if (sb_tenant_cache_ttl (sb_actor_config (ctx), &ttl_ms, err, errlen))
        return NULL;
    sb_tenant_cache_t *cache = sb_tenant_cache_new (ttl_ms);
    if (!cache)
        snprintf (err, errlen, "out of memory for the tenant cache");
    return cache;
}

static void
s_cache_destroy (void **cache_p)
{
    sb_tenant_cache_destroy ((sb_tenant_cache_t **) cache_p);
}

//  HGETALL sb:tenant:<id> on the thread's connection into *fresh (the
//  caller frees it). Returns 0, SB_TENANT_BAD or SB_TENANT_STORAGE.
static int
s_read_redis (sb_tenant_t *self, sb_actor_ctx_t *ctx, redisReply **fresh,
              char *err, size_t errlen)
{
    char why [256] = "";
    redisContext *redis = sb_actor_redis (ctx, why, sizeof why);
    if (!redis) {
        snprintf (err, errlen, "tenant %s: %s", self->id, why);
        return SB_TENANT_STORAGE;
    }
    redisReply *reply = redisCommand (redis, "HGETALL sb:tenant:%s", self->id);
    if (reply && reply->type == REDIS_REPLY_ERROR && strncmp (reply->str, "WRONGTYPE", 9) == 0) {
        //  Not a hash: no retry can mend the key, an operator must
        snprintf (err, errlen, "tenant %s: sb:tenant:%s is not a hash", self->id, self->id);
        freeReplyObject (reply);
        return SB_TENANT_BAD;
    }
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        snprintf (err, errlen, "tenant %s: cannot read sb:tenant:%s: %s", self->id, self->id,
                  reply? reply->str: redis->errstr);
        if (!reply)
            sb_actor_redis_failed (ctx);
        freeReplyObject (reply);
        return SB_TENANT_STORAGE;
    }
    *fresh = reply;
    return 0;
}

//  Applies the Redis hash sb:tenant:<id>, as the thread's cache holds it
//  if it was read less than tenant_cache_ms ago, else read now (and kept:
//  only hashes are, never an error). Returns 0, SB_TENANT_BAD (also for a
//  bad tenant_cache_ms) or SB_TENANT_STORAGE.
static int
s_apply_redis (sb_tenant_t *self, sb_actor_ctx_t *ctx, char *err, size_t errlen)
{
    sb_tenant_cache_t *cache = (sb_tenant_cache_t *) sb_actor_thread_state (
        ctx, "sb_tenant", s_cache_new, s_cache_destroy, err, errlen);
    if (!cache)
        return SB_TENANT_BAD;
    int64_t now_ms = zclock_mono ();
    const redisReply *hash = sb_tenant_cache_get (cache, self->id, now_ms);
    redisReply *fresh = NULL;
    if (!hash) {
        int rc = s_read_redis (self, ctx, &fresh, err, errlen);
        if (rc)
            return rc;
        const redisReply *kept = sb_tenant_cache_put (cache, self->id, &fresh, now_ms);
        hash = kept? kept: fresh;
    }
    char source [300];
    snprintf (source, sizeof source, "redis sb:tenant:%s", self->id);
    int rc = 0;
    for (size_t index = 0; rc == 0 && index + 1 < hash->elements; index += 2)
        if (s_apply (self, hash->element [index]->str, hash->element [index + 1]->str,
                     source, err, errlen))
            rc = SB_TENANT_BAD;
    freeReplyObject (fresh);
    return rc;
}

sb_tenant_t *
sb_tenant_load (sb_actor_ctx_t *ctx, const char *tenant_id, int *code, char *err, size_t errlen)
{
    if (!tenant_id || !*tenant_id || strlen (tenant_id) > 128 || strpbrk (tenant_id, " \t\r\n")) {
        snprintf (err, errlen, "no valid tenant id on the message");
        *code = SB_TENANT_BAD;
        return NULL;
    }
    sb_tenant_t *self = s_new (tenant_id);
    *code = 0;
    if (s_apply_config (self, sb_actor_config (ctx), err, errlen))
        *code = SB_TENANT_BAD;
    if (*code == 0 && sb_actor_redis_configured (ctx))
        *code = s_apply_redis (self, ctx, err, errlen);
    if (*code) {
        sb_tenant_destroy (&self);
        return NULL;
    }
    s_split_deny (self);
    return self;
}

void
sb_tenant_destroy (sb_tenant_t **self_p)
{
    sb_tenant_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < S_KEY_COUNT; index++)
        free (self->values [index]);
    for (size_t index = 0; index < self->deny_count; index++)
        free (self->deny [index]);
    free (self->id);
    free (self);
    *self_p = NULL;
}

const char *
sb_tenant_id (const sb_tenant_t *self)
{
    return self->id;
}

const char *
sb_tenant_str (const sb_tenant_t *self, const char *key)
{
    int index = s_index (key);
    assert (index >= 0);        //  a programmer's typo, not outside data
    return self->values [index];
}

bool
sb_tenant_emoji (const sb_tenant_t *self)
{
    return self->emoji;
}

int
sb_tenant_max_segments (const sb_tenant_t *self)
{
    return self->max_segments;
}

double
sb_tenant_hours_per_day (const sb_tenant_t *self)
{
    return self->hours_per_day;
}

bool
sb_tenant_works_on (const sb_tenant_t *self, int weekday)
{
    return weekday >= 0 && weekday < 7 && self->works_on [weekday];
}

size_t
sb_tenant_deny_count (const sb_tenant_t *self)
{
    return self->deny_count;
}

const char *
sb_tenant_deny_word (const sb_tenant_t *self, size_t index)
{
    return index < self->deny_count? self->deny [index]: NULL;
}

sb_actor_result_t
sb_tenant_refuse (sb_actor_ctx_t *ctx, int code, const char *err)
{
    return code == SB_TENANT_STORAGE? sb_actor_retry (ctx, 0, "%s", err)
                                    : sb_actor_fail (ctx, "%s", err);
}
