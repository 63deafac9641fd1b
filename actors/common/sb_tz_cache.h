/*  sb_tz_cache.h — time zones for handlers, each loaded and parsed once
    per handler thread (sb_actor_thread_state) instead of read from
    /usr/share/zoneinfo for every message: the planner and timesheet ask
    for their tenant's zone on every message (perf: about 5 % of the
    planner's CPU went to reading and parsing the file).                   */

#ifndef SB_TZ_CACHE_H_INCLUDED
#define SB_TZ_CACHE_H_INCLUDED

#include "sb_actor.h"
#include "sb_tz.h"

#define SB_TZ_CACHE_MAX 256     /* zones a thread keeps; past that it starts over */

//  The zone named name (as sb_tz_load reads it), from the calling thread's
//  cache or loaded into it. Borrowed: valid until the thread's next call.
//  NULL with the reason in err when it cannot be loaded (nothing kept: the
//  next call tries again).
const sb_tz_t *sb_tz_cache_get (sb_actor_ctx_t *ctx, const char *name, char *err, size_t errlen);

#endif
