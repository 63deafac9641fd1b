/*  sb_teststream.c — the broker's streams read back (sb_teststream.h).   */

#include "sb_teststream.h"
#include <hiredis/hiredis.h>

static void
s_envelope_destructor (void **item)
{
    sb_envelope_destroy ((sb_envelope_t **) item);
}

//  Sends the command argv (argc words) on a new connection to redis.
//  Returns the reply (caller frees), or NULL with the reason on stderr if
//  none came or it is not of type.
static redisReply *
s_command (sb_testredis_t *redis, int type, int argc, const char **argv)
{
    redisContext *context = sb_testredis_connect (redis);
    redisReply *reply = context? (redisReply *) redisCommandArgv (context, argc, argv, NULL):
                                 NULL;
    if (reply && reply->type != type) {
        fprintf (stderr, "sb_teststream: %s %s: a reply of type %d: %s\n", argv [0], argv [1],
                 reply->type, reply->type == REDIS_REPLY_ERROR? reply->str: "");
        freeReplyObject (reply);
        reply = NULL;
    }
    else
    if (!reply)
        fprintf (stderr, "sb_teststream: %s %s: %s\n", argv [0], argv [1],
                 context? context->errstr: "Redis does not answer");
    redisFree (context);
    return reply;
}

//  The envelope of one entry ([id, [field, value, ...]]), decoded; NULL
//  with the reason on stderr if it holds none that decodes.
static sb_envelope_t *
s_entry_envelope (const redisReply *entry, const char *stream)
{
    const redisReply *fields = entry->type == REDIS_REPLY_ARRAY && entry->elements == 2?
                               entry->element [1]: NULL;
    for (size_t index = 0; fields && index + 1 < fields->elements; index += 2)
        if (streq (fields->element [index]->str, "e")) {
            char err [256];
            const redisReply *value = fields->element [index + 1];
            sb_envelope_t *env = sb_envelope_decode ((const uint8_t *) value->str, value->len,
                                                     NULL, err, sizeof err);
            if (!env)
                fprintf (stderr, "sb_teststream: %s holds an undecodable envelope: %s\n",
                         stream, err);
            return env;
        }
    fprintf (stderr, "sb_teststream: an entry of %s without its envelope\n", stream);
    return NULL;
}

zlistx_t *
sb_teststream_read (sb_testredis_t *redis, const char *stream)
{
    const char *argv [] = { "XRANGE", stream, "-", "+" };
    redisReply *reply = s_command (redis, REDIS_REPLY_ARRAY, 4, argv);
    if (!reply)
        return NULL;
    zlistx_t *envelopes = zlistx_new ();
    zlistx_set_destructor (envelopes, s_envelope_destructor);
    for (size_t index = 0; envelopes && index < reply->elements; index++) {
        sb_envelope_t *env = s_entry_envelope (reply->element [index], stream);
        if (env)
            zlistx_add_end (envelopes, env);
        else
            zlistx_destroy (&envelopes);
    }
    freeReplyObject (reply);
    return envelopes;
}

long long
sb_teststream_length (sb_testredis_t *redis, const char *stream)
{
    const char *argv [] = { "XLEN", stream };
    redisReply *reply = s_command (redis, REDIS_REPLY_INTEGER, 2, argv);
    long long length = reply? reply->integer: -1;
    freeReplyObject (reply);
    return length;
}

long
sb_teststream_count_key (sb_testredis_t *redis, const char *stream, const char *key,
                         sb_envelope_t **env_p)
{
    if (env_p)
        *env_p = NULL;
    zlistx_t *envelopes = sb_teststream_read (redis, stream);
    if (!envelopes)
        return -1;
    long count = 0;
    const sb_envelope_t *last = NULL;
    for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (envelopes); env;
         env = (sb_envelope_t *) zlistx_next (envelopes))
        if (streq (sb_envelope_key (env), key)) {
            count++;
            last = env;
        }
    if (env_p && last)
        *env_p = sb_envelope_dup (last);
    zlistx_destroy (&envelopes);
    return count;
}
