/*  sb_token_cache.h — the tenants' own Twilio auth tokens, for the SMS
    webhook's signature: read from Redis, where agent-sync sealed them
    (sb_credentials), through a pool of connections (each used by one
    thread at a time, like the publishers), and kept — a token, or the
    absence of one — for a short TTL, so that a burst of one tenant's
    webhooks costs one Redis read: requests that miss the cache while a
    read of their tenant is under way wait for its answer.

    Failures are not kept: the next request reads again. Entries are
    kept per tenant, and tenants are those of ingress/numbers and the
    default one, so the cache is bounded by the config. Thread-safe:
    libmicrohttpd's threads share one cache. Tokens are secrets: never
    logged, wiped when dropped.                                           */

#ifndef SB_TOKEN_CACHE_H_INCLUDED
#define SB_TOKEN_CACHE_H_INCLUDED

#include <stddef.h>
#include "sb_secretbox.h"

typedef struct _sb_token_cache_t sb_token_cache_t;

//  A cache over the Redis at redis_url (password: NULL for none; copied),
//  each connect and command bounded by timeout_ms; box (borrowed: it must
//  outlive the cache) opens the tokens; an answer is kept ttl_ms (0: not
//  kept). Connects at first use. Returns NULL if out of memory.
sb_token_cache_t *sb_token_cache_new (const char *redis_url, const char *password,
                                      const sb_secretbox_t *box, int ttl_ms, int timeout_ms);

//  Wipes the tokens, closes the connections, frees the cache and NULLs
//  the caller's pointer. Safe on NULL.
void sb_token_cache_destroy (sb_token_cache_t **self_p);

//  The tenant's stored Twilio auth token. Returns 0 with a copy in
//  *token_p (caller frees it with sb_token_cache_free), 1 if the tenant
//  has none stored, or -1 if it cannot be told now (Redis unreachable or
//  failing, what is stored does not open), with why in err (never a
//  secret).
int sb_token_cache_get (sb_token_cache_t *self, const char *tenant, char **token_p,
                        char *err, size_t errlen);

//  Wipes and frees a token from sb_token_cache_get, NULLs the pointer.
//  Safe on NULL.
void sb_token_cache_free (char **token_p);

#endif
