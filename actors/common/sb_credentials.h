/*  sb_credentials.h — a tenant's credentials at rest in Redis, sealed by
    sb_secretbox: written by agent-sync, read by ingress (the tenant's
    Twilio signatures) and the sender (the tenant's Twilio account).

        <prefix>cred:<tenant>   hash: vapi_api_key, twilio_account_sid,
                                twilio_auth_token, twilio_phone_number
                                (each sealed, aad "<tenant>\0<field>", so a
                                value moved to another tenant or field does
                                not open), version (counts saves),
                                updated_ms (the last save, Unix ms)

    The key comes from the environment: CREDENTIALS_KEY, else the file
    CREDENTIALS_KEY_FILE names (sb_credentials_box_from_env). The one
    module that knows the hash's layout; functions take the caller's
    connection (one thread's at a time) and never log or return a secret
    in a reason.                                                          */

#ifndef SB_CREDENTIALS_H_INCLUDED
#define SB_CREDENTIALS_H_INCLUDED

#include <stddef.h>
#include "sb_secretbox.h"

struct redisContext;

#define SB_CREDENTIALS_PREFIX   "sb:"    /* the keys' prefix agent-sync writes by default */
#define SB_CREDENTIALS_REF_MAX  256      /* bytes of "<prefix>cred:<tenant>"              */
#define SB_CREDENTIALS_NONE     1        /* sb_credentials_fetch: nothing stored          */
#define SB_CREDENTIALS_STORAGE  -1       /* Redis failed: transient                       */
#define SB_CREDENTIALS_BAD      -2       /* stored, but does not open or is not whole     */

//  A tenant's credentials to store (borrowed, NUL-terminated).
typedef struct {
    const char *vapi_api_key;
    const char *twilio_account_sid;
    const char *twilio_auth_token;
    const char *twilio_phone_number;
} sb_credentials_t;

//  A tenant's Twilio credentials as read back, each opened value the
//  holder's: wiped and freed by sb_credentials_clear. (The Vapi key is
//  not read: only agent-sync needs it, and it has it from the save.)
typedef struct {
    char *twilio_account_sid;
    char *twilio_auth_token;
    char *twilio_phone_number;
} sb_tenant_credentials_t;

//  The box for the key in the environment: CREDENTIALS_KEY (64 hex
//  characters or base64 of 32 bytes), else the first line of the file
//  CREDENTIALS_KEY_FILE names. Returns 0 with the box in *box_p (caller
//  destroys), 1 if neither variable is set (err says so: a caller that
//  requires the key reports it as it is), or -1 if the key is unreadable
//  or malformed, with why in err (never quoting the key).
int sb_credentials_box_from_env (sb_secretbox_t **box_p, char *err, size_t errlen);

//  Writes "<prefix>cred:<tenant>" into ref. Returns 0, or -1 if it does
//  not fit.
int sb_credentials_ref (const char *prefix, const char *tenant,
                        char ref [SB_CREDENTIALS_REF_MAX]);

//  Seals value as tenant's field (aad "<tenant>\0<field>"). Returns a new
//  buffer (caller frees) of *sealed_size bytes, or NULL with why in err.
uint8_t *sb_credentials_seal (const sb_secretbox_t *box, const char *tenant, const char *field,
                              const char *value, size_t *sealed_size, char *err, size_t errlen);

//  Seals and stores the tenant's four credentials, with version counted
//  and updated_ms, in one script (all or nothing), and writes the hash's
//  key into ref. Returns 0, or -1 with why in err (redis->err set: the
//  connection is broken).
int sb_credentials_store (struct redisContext *redis, const char *prefix,
                          const sb_secretbox_t *box, const char *tenant,
                          const sb_credentials_t *credentials,
                          char ref [SB_CREDENTIALS_REF_MAX], char *err, size_t errlen);

//  Reads and opens the tenant's Twilio credentials into *out (cleared
//  first). Returns 0 when stored (all three fields), SB_CREDENTIALS_NONE
//  when none is, SB_CREDENTIALS_STORAGE when Redis failed (redis->err
//  set: the connection is broken), or SB_CREDENTIALS_BAD when what is
//  stored cannot be used (a field does not open: another key, altered
//  bytes; some fields missing; a value with a NUL), with why in err.
int sb_credentials_fetch (struct redisContext *redis, const char *prefix,
                          const sb_secretbox_t *box, const char *tenant,
                          sb_tenant_credentials_t *out, char *err, size_t errlen);

//  Wipes and frees what a fetch opened. Safe to call twice.
void sb_credentials_clear (sb_tenant_credentials_t *credentials);

#endif
