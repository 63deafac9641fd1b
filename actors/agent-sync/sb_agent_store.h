/*  sb_agent_store.h — what agent-sync keeps in Redis, through the calling
    worker thread's connection (sb_actor_redis):

        <prefix>cred:<tenant>         the tenant's credentials, sealed
                                      (sb_credentials.h has the layout)
        <prefix>agents:<tenant>       hash: <role>_id, <role>_hash for the
                                      roles inbound and outbound
        <prefix>agents:<tenant>:lock  string: the holder's token, with a TTL

    The only module of agent-sync that speaks to Redis. A Redis failure
    marks the connection failed (the next call reconnects) and says why
    in err. Read-only after sb_agent_store_new: any thread may use it.    */

#ifndef SB_AGENT_STORE_H_INCLUDED
#define SB_AGENT_STORE_H_INCLUDED

#include "sb_actor.h"
#include "sb_credentials.h"
#include "sb_vapi.h"

typedef struct _sb_agent_store_t sb_agent_store_t;

#define SB_AGENT_STORE_REF_MAX   SB_CREDENTIALS_REF_MAX   /* a credentials reference */
#define SB_AGENT_STORE_TOKEN_MAX 64     /* bytes of a lock token            */

//  What is recorded of one agent ("" when nothing is).
typedef struct {
    char id [SB_VAPI_ID_MAX + 1];
    char hash [SB_SECRETBOX_PRINT_SIZE];
} sb_agent_record_t;

//  prefix: the keys' prefix (e.g. "sb:"); box (borrowed: must outlive the
//  store) seals the credentials. lock_ttl_ms: how long a lock lives
//  unless extended. Returns NULL if out of memory.
sb_agent_store_t *sb_agent_store_new (const char *prefix, const sb_secretbox_t *box,
                                      int lock_ttl_ms);

void sb_agent_store_destroy (sb_agent_store_t **self_p);

//  Seals and stores the tenant's credentials in one transaction
//  (sb_credentials_store) and writes the reference later envelopes carry
//  ("<prefix>cred:<tenant>") into ref. Returns 0, or -1 with why in err.
int sb_agent_store_save_credentials (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                                     const char *tenant, const sb_credentials_t *credentials,
                                     char ref [SB_AGENT_STORE_REF_MAX], char *err,
                                     size_t errlen);

//  Reads what is recorded of the tenant's agent in role into *record.
//  Returns 0, or -1 with why in err.
int sb_agent_store_read_agent (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                               const char *tenant, const char *role,
                               sb_agent_record_t *record, char *err, size_t errlen);

//  Records the agent's id and config hash, only while token holds the
//  tenant's lock (and extends the lock). Returns 0, 1 if the lock is no
//  longer ours (nothing written), -1 with why in err.
int sb_agent_store_write_agent (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                                const char *tenant, const char *role,
                                const sb_agent_record_t *record, const char *token,
                                char *err, size_t errlen);

//  Takes the tenant's lock for token (SET NX PX), trying every 20 ms for
//  up to wait_ms. Returns 0 when held, 1 if another holder kept it all
//  that time, -1 with why in err.
int sb_agent_store_lock (const sb_agent_store_t *self, sb_actor_ctx_t *ctx, const char *tenant,
                         const char *token, int64_t wait_ms, char *err, size_t errlen);

//  Extends the lock by its TTL if token still holds it. Returns 0, 1 if it
//  is no longer ours, -1 with why in err.
int sb_agent_store_extend (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                           const char *tenant, const char *token, char *err, size_t errlen);

//  Releases the lock if token holds it (compare and delete). Failures are
//  logged: the TTL ends the lock anyway.
void sb_agent_store_unlock (const sb_agent_store_t *self, sb_actor_ctx_t *ctx,
                            const char *tenant, const char *token);

#endif
