/*  sb_tenant.h — a tenant's profile, as the conversation actors read it:
    time zone, working week, brand voice, SMS budget, deny list.

    One profile per message: defaults, then the actor's config section
    (tenants/<id>/<key>), then the Redis hash sb:tenant:<id> (written by the
    demo-data loader or an operator; docs/tenants.md), as the handler
    thread's cache holds it if read less than the actor's tenant_cache_ms
    before (default 1000; 0: read for every message; sb_tenant_cache.h).
    Every value is checked when loaded, so a handler reads typed values
    without checking again, and a bad value names its source: "tenant
    acme: max_segments 'x' (redis sb:tenant:acme): not an integer in
    1..10".                                                               */

#ifndef SB_TENANT_H_INCLUDED
#define SB_TENANT_H_INCLUDED

#include "sb_actor.h"

typedef struct _sb_tenant_t sb_tenant_t;

//  What sb_tenant_load tells apart: the tenant's data is bad (a permanent
//  failure for the message), or Redis could not be read (transient).
#define SB_TENANT_BAD      -1
#define SB_TENANT_STORAGE  -2

//  Loads the profile of tenant_id for the message being handled. Reads
//  Redis only if the actor has one configured (sb_actor_redis), and only
//  if the thread's cache has no copy younger than tenant_cache_ms. Returns
//  the profile (caller destroys), or NULL with *code set to SB_TENANT_BAD
//  (also for a bad tenant_cache_ms) or SB_TENANT_STORAGE and the reason in
//  err.
sb_tenant_t *sb_tenant_load (sb_actor_ctx_t *ctx, const char *tenant_id, int *code,
                             char *err, size_t errlen);

//  Ends a handler whose sb_tenant_load failed: storage → retry, bad data
//  → fail, with the reason.
sb_actor_result_t sb_tenant_refuse (sb_actor_ctx_t *ctx, int code, const char *err);

//  The same from a config section alone (NULL: defaults), for tests and
//  programs without a handler context.
sb_tenant_t *sb_tenant_from_config (zconfig_t *section, const char *tenant_id,
                                    char *err, size_t errlen);

void sb_tenant_destroy (sb_tenant_t **self_p);

//  Its id (borrowed).
const char *sb_tenant_id (const sb_tenant_t *self);

//  String keys (borrowed, never NULL):
//    name       display name, e.g. "Acme" (default: the id)
//    timezone   IANA zone, e.g. "Europe/London" (default "UTC")
//    sign_off   appended by branding, e.g. "- Acme HR" (default "")
//    tone       friendly | formal | brief (default friendly; checked)
//    number     the tenant's sending number, E.164 (default "")
//    reminder   weekly reminder time, "fri 15:00" (default), or "off"
const char *sb_tenant_str (const sb_tenant_t *self, const char *key);

//  emoji allowed (default false)
bool sb_tenant_emoji (const sb_tenant_t *self);

//  SMS segment budget, 1..10 (default 3)
int sb_tenant_max_segments (const sb_tenant_t *self);

//  Hours expected per working day, 0..24 (default 8)
double sb_tenant_hours_per_day (const sb_tenant_t *self);

//  True if weekday (0 Sunday .. 6 Saturday) is a working day
//  (working_days, default "mon,tue,wed,thu,fri").
bool sb_tenant_works_on (const sb_tenant_t *self, int weekday);

//  The deny list (deny_list: words separated by commas, matched whole and
//  case-insensitively by quality): its count and each word (borrowed).
size_t sb_tenant_deny_count (const sb_tenant_t *self);
const char *sb_tenant_deny_word (const sb_tenant_t *self, size_t index);

#endif
