/*  sb_tz_cache.c — time zones kept per handler thread (see the .h).       */

#include "sb_classes.h"
#include "sb_tz_cache.h"
#include "sb_actor_redis.h"

static void
s_zone_destroy (void **item_p)
{
    sb_tz_destroy ((sb_tz_t **) item_p);
}

static void *
s_cache_new (sb_actor_ctx_t *ctx, char *err, size_t errlen)
{
    (void) ctx;
    zhashx_t *zones = zhashx_new ();
    if (!zones)
        snprintf (err, errlen, "out of memory for the time zone cache");
    else
        zhashx_set_destructor (zones, s_zone_destroy);
    return zones;
}

static void
s_cache_destroy (void **cache_p)
{
    zhashx_destroy ((zhashx_t **) cache_p);
}

const sb_tz_t *
sb_tz_cache_get (sb_actor_ctx_t *ctx, const char *name, char *err, size_t errlen)
{
    zhashx_t *zones = (zhashx_t *) sb_actor_thread_state (ctx, "sb_tz", s_cache_new,
                                                          s_cache_destroy, err, errlen);
    if (!zones)
        return NULL;
    sb_tz_t *zone = name? (sb_tz_t *) zhashx_lookup (zones, name): NULL;
    if (zone)
        return zone;
    zone = sb_tz_load (name, err, errlen);
    if (!zone)
        return NULL;
    //  Names that load are files under zoneinfo: few, but bounded anyway.
    //  Starting over is safe: what this thread borrowed before is done with
    if (zhashx_size (zones) >= SB_TZ_CACHE_MAX)
        zhashx_purge (zones);
    if (zhashx_insert (zones, name, zone)) {
        sb_tz_destroy (&zone);
        snprintf (err, errlen, "out of memory for the time zone cache");
        return NULL;
    }
    return zone;
}
