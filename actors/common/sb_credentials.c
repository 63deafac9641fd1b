/*  sb_credentials.c — a tenant's sealed credentials in Redis: the key from
    the environment, the aad, storing (one Lua script) and reading back
    (HMGET, then each field opened).                                      */

#include "sb_classes.h"
#include "sb_credentials.h"
#include "sb_script.h"
#include <hiredis/hiredis.h>

#define S_AAD_MAX   512
#define S_KEY_LINE  256

//  Stores the sealed fields and counts the save, in one step.
static sb_script_t s_store_script = SB_SCRIPT (
    "redis.call('HSET', KEYS[1], unpack(ARGV))\n"
    "return redis.call('HINCRBY', KEYS[1], 'version', 1)");

//  The stored fields, in the order of sb_credentials_t.
static const char *s_fields [4] = {
    "vapi_api_key", "twilio_account_sid", "twilio_auth_token", "twilio_phone_number"
};

//  --------------------------------------------------------------------------
//  The key

//  The first line of the file at path (a secret kept out of the
//  environment, as container platforms mount them). Returns it (caller
//  wipes and frees) or NULL with why.
static char *
s_key_from_file (const char *path, char *err, size_t errlen)
{
    FILE *file = fopen (path, "r");
    char line [S_KEY_LINE] = "";
    if (!file || !fgets (line, sizeof line, file)) {
        snprintf (err, errlen, "CREDENTIALS_KEY_FILE %s: %s", path,
                  file? "empty": strerror (errno));
        if (file)
            fclose (file);
        return NULL;
    }
    fclose (file);
    line [strcspn (line, "\r\n")] = 0;
    char *key = strdup (line);
    explicit_bzero (line, sizeof line);
    if (!key)
        snprintf (err, errlen, "out of memory");
    return key;
}

int
sb_credentials_box_from_env (sb_secretbox_t **box_p, char *err, size_t errlen)
{
    *box_p = NULL;
    const char *env = getenv ("CREDENTIALS_KEY");
    const char *path = getenv ("CREDENTIALS_KEY_FILE");
    bool from_env = env && *env;
    if (!from_env && !(path && *path)) {
        snprintf (err, errlen, "CREDENTIALS_KEY is not set: the key that seals tenants' "
                               "credentials at rest (64 hex characters or base64 of 32 bytes, "
                               "e.g. from `openssl rand -hex 32`; or a file holding it named "
                               "by CREDENTIALS_KEY_FILE)");
        return 1;
    }
    char *key = from_env? strdup (env): s_key_from_file (path, err, errlen);
    if (!key) {
        if (from_env)
            snprintf (err, errlen, "out of memory");
        return -1;
    }
    char why [256];
    *box_p = sb_secretbox_new (key, why, sizeof why);
    if (!*box_p)
        snprintf (err, errlen, "%s: %s", from_env? "CREDENTIALS_KEY": "CREDENTIALS_KEY_FILE", why);
    explicit_bzero (key, strlen (key));
    free (key);
    return *box_p? 0: -1;
}

//  --------------------------------------------------------------------------
//  Sealing

int
sb_credentials_ref (const char *prefix, const char *tenant, char ref [SB_CREDENTIALS_REF_MAX])
{
    int size = snprintf (ref, SB_CREDENTIALS_REF_MAX, "%scred:%s", prefix, tenant);
    return size > 0 && size < SB_CREDENTIALS_REF_MAX? 0: -1;
}

//  "<tenant>\0<field>" into aad: tenant "a:b" field "c" is not "a" "b:c".
//  Returns its size, or 0 (with why) if it does not fit.
static size_t
s_aad (const char *tenant, const char *field, uint8_t aad [S_AAD_MAX], char *err, size_t errlen)
{
    size_t tenant_size = strlen (tenant), field_size = strlen (field);
    if (tenant_size + 1 + field_size > S_AAD_MAX) {
        snprintf (err, errlen, "tenant name too long to seal for");
        return 0;
    }
    memcpy (aad, tenant, tenant_size);
    aad [tenant_size] = 0;
    memcpy (aad + tenant_size + 1, field, field_size);
    return tenant_size + 1 + field_size;
}

uint8_t *
sb_credentials_seal (const sb_secretbox_t *box, const char *tenant, const char *field,
                     const char *value, size_t *sealed_size, char *err, size_t errlen)
{
    uint8_t aad [S_AAD_MAX];
    size_t aad_size = s_aad (tenant, field, aad, err, errlen);
    return aad_size? sb_secretbox_seal (box, aad, aad_size, (const uint8_t *) value,
                                        strlen (value), sealed_size, err, errlen): NULL;
}

//  Opens a sealed value of tenant's field, which must be text (no NUL).
//  Returns it (caller wipes with sb_secretbox_free) or NULL with why.
static char *
s_open (const sb_secretbox_t *box, const char *tenant, const char *field,
        const redisReply *value, char *err, size_t errlen)
{
    uint8_t aad [S_AAD_MAX];
    size_t aad_size = s_aad (tenant, field, aad, err, errlen), size = 0;
    char why [256];
    char *plain = aad_size? sb_secretbox_open (box, aad, aad_size, (const uint8_t *) value->str,
                                               value->len, &size, why, sizeof why): NULL;
    if (aad_size && !plain)
        snprintf (err, errlen, "%s %s", field, why);
    if (plain && strlen (plain) != size) {
        snprintf (err, errlen, "%s holds a NUL byte", field);
        sb_secretbox_free (&plain, size + 1);
    }
    return plain;
}

//  --------------------------------------------------------------------------
//  Storing

int
sb_credentials_store (redisContext *redis, const char *prefix, const sb_secretbox_t *box,
                      const char *tenant, const sb_credentials_t *credentials,
                      char ref [SB_CREDENTIALS_REF_MAX], char *err, size_t errlen)
{
    if (sb_credentials_ref (prefix, tenant, ref)) {
        snprintf (err, errlen, "tenant name too long for a Redis key");
        return -1;
    }
    const char *values [4] = { credentials->vapi_api_key, credentials->twilio_account_sid,
                               credentials->twilio_auth_token,
                               credentials->twilio_phone_number };
    char now [24];
    snprintf (now, sizeof now, "%" PRId64, zclock_time ());
    //  The number of keys, the key, then each field and its sealed value
    const char *argv [12] = { "1", ref };
    size_t lengths [12] = { 1, strlen (ref) };
    int rc = 0;
    for (int index = 0; index < 4 && rc == 0; index++) {
        size_t size = 0;
        argv [2 + 2 * index] = s_fields [index];
        lengths [2 + 2 * index] = strlen (s_fields [index]);
        argv [3 + 2 * index] = (const char *) sb_credentials_seal (box, tenant, s_fields [index],
                                                                   values [index], &size,
                                                                   err, errlen);
        lengths [3 + 2 * index] = size;
        rc = argv [3 + 2 * index]? 0: -1;
    }
    argv [10] = "updated_ms", lengths [10] = 10;
    argv [11] = now, lengths [11] = strlen (now);
    redisReply *reply = rc == 0? sb_script_run (&s_store_script, redis, 12, argv, lengths): NULL;
    for (int index = 0; index < 4; index++)
        free ((void *) argv [3 + 2 * index]);
    if (rc == 0 && (!reply || reply->type == REDIS_REPLY_ERROR)) {
        snprintf (err, errlen, "Redis: %.200s", reply? reply->str: redis->errstr);
        rc = -1;
    }
    freeReplyObject (reply);
    return rc;
}

//  --------------------------------------------------------------------------
//  Reading

//  HMGET's answer for the three Twilio fields, or NULL with the code in
//  *code and why in err.
static redisReply *
s_read (redisContext *redis, const char *ref, int *code, char *err, size_t errlen)
{
    redisReply *reply = (redisReply *) redisCommand (redis, "HMGET %s %s %s %s", ref,
                                                     s_fields [1], s_fields [2], s_fields [3]);
    *code = SB_CREDENTIALS_STORAGE;
    if (!reply)
        snprintf (err, errlen, "Redis: %s", redis->errstr);
    else
    if (reply->type == REDIS_REPLY_ERROR) {
        //  A key that is not a hash is bad data; anything else, Redis's trouble
        *code = strncmp (reply->str, "WRONGTYPE", 9)? SB_CREDENTIALS_STORAGE: SB_CREDENTIALS_BAD;
        snprintf (err, errlen, "Redis: %.200s", reply->str);
    }
    else
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) {
        snprintf (err, errlen, "Redis: HMGET answered an unexpected reply");
        *code = SB_CREDENTIALS_BAD;
    }
    else
        return reply;
    freeReplyObject (reply);
    return NULL;
}

int
sb_credentials_fetch (redisContext *redis, const char *prefix, const sb_secretbox_t *box,
                      const char *tenant, sb_tenant_credentials_t *out, char *err,
                      size_t errlen)
{
    memset (out, 0, sizeof *out);
    char ref [SB_CREDENTIALS_REF_MAX];
    if (sb_credentials_ref (prefix, tenant, ref)) {
        snprintf (err, errlen, "tenant name too long for a Redis key");
        return SB_CREDENTIALS_BAD;
    }
    int code;
    redisReply *reply = s_read (redis, ref, &code, err, errlen);
    if (!reply)
        return code;
    size_t stored = 0;
    for (size_t index = 0; index < 3; index++)
        stored += reply->element [index]->type == REDIS_REPLY_STRING;
    char **targets [3] = { &out->twilio_account_sid, &out->twilio_auth_token,
                           &out->twilio_phone_number };
    int rc = stored == 0? SB_CREDENTIALS_NONE: 0;
    if (stored > 0 && stored < 3) {
        snprintf (err, errlen, "%s holds %zu of the 3 Twilio fields", ref, stored);
        rc = SB_CREDENTIALS_BAD;
    }
    for (size_t index = 0; rc == 0 && index < 3; index++) {
        *targets [index] = s_open (box, tenant, s_fields [index + 1], reply->element [index],
                                   err, errlen);
        rc = *targets [index]? 0: SB_CREDENTIALS_BAD;
    }
    freeReplyObject (reply);
    if (rc == SB_CREDENTIALS_BAD)
        sb_credentials_clear (out);
    return rc;
}

void
sb_credentials_clear (sb_tenant_credentials_t *credentials)
{
    char **values [3] = { &credentials->twilio_account_sid, &credentials->twilio_auth_token,
                          &credentials->twilio_phone_number };
    for (size_t index = 0; index < 3; index++)
        if (*values [index])
            sb_secretbox_free (values [index], strlen (*values [index]) + 1);
}
