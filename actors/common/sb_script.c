/*  sb_script.c — Lua scripts sent to Redis by SHA1 (EVALSHA), with EVAL
    when Redis answers NOSCRIPT (see the .h).                             */

#include "sb_script.h"
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Scripts' argument lists are short; longer ones are allocated
#define S_ARGS_ON_STACK 24

//  Hashes text into sha (hex). Returns 0, or -1 if libcrypto failed.
static int
s_hash (const char *text, char sha [41])
{
    unsigned char digest [EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!EVP_Digest (text, strlen (text), digest, &size, EVP_sha1 (), NULL) || size != 20)
        return -1;
    for (unsigned int index = 0; index < size; index++)
        snprintf (sha + 2 * index, 3, "%02x", digest [index]);
    return 0;
}

const char *
sb_script_sha (sb_script_t *self)
{
    if (atomic_load_explicit (&self->ready, memory_order_acquire))
        return self->sha;
    pthread_mutex_lock (&self->lock);
    if (!atomic_load_explicit (&self->ready, memory_order_relaxed)
    &&  s_hash (self->text, self->sha) == 0)
        atomic_store_explicit (&self->ready, true, memory_order_release);
    pthread_mutex_unlock (&self->lock);
    return atomic_load_explicit (&self->ready, memory_order_acquire)? self->sha: NULL;
}

//  Appends command (EVALSHA or EVAL), body (the SHA1 or the text), then
//  argv to redis's output. With reply, sends it and reads the reply into
//  *reply (NULL: connection failed, out of memory); without, leaves it in
//  the pipeline. Returns REDIS_OK or REDIS_ERR.
static int
s_command (redisContext *redis, const char *command, const char *body, int argc,
           const char **argv, const size_t *argvlen, redisReply **reply)
{
    const char *words_on_stack [S_ARGS_ON_STACK];
    size_t lengths_on_stack [S_ARGS_ON_STACK];
    size_t count = (size_t) argc + 2;
    const char **words = count <= S_ARGS_ON_STACK? words_on_stack
                       : (const char **) malloc (count * sizeof (char *));
    size_t *lengths = count <= S_ARGS_ON_STACK? lengths_on_stack
                    : (size_t *) malloc (count * sizeof (size_t));
    int rc = REDIS_ERR;
    if (reply)
        *reply = NULL;
    if (words && lengths) {
        words [0] = command, lengths [0] = strlen (command);
        words [1] = body, lengths [1] = strlen (body);
        for (int index = 0; index < argc; index++) {
            words [index + 2] = argv [index];
            lengths [index + 2] = argvlen? argvlen [index]: strlen (argv [index]);
        }
        if (reply) {
            *reply = (redisReply *) redisCommandArgv (redis, (int) count, words, lengths);
            rc = *reply? REDIS_OK: REDIS_ERR;
        }
        else
            rc = redisAppendCommandArgv (redis, (int) count, words, lengths);
    }
    if (words != words_on_stack)
        free (words);
    if (lengths != lengths_on_stack)
        free (lengths);
    return rc;
}

//  As s_command, sending at once and answering the reply.
static redisReply *
s_send (redisContext *redis, const char *command, const char *body, int argc,
        const char **argv, const size_t *argvlen)
{
    redisReply *reply = NULL;
    s_command (redis, command, body, argc, argv, argvlen, &reply);
    return reply;
}

//  True if reply is Redis's NOSCRIPT: it does not hold the script.
static bool
s_noscript (const redisReply *reply)
{
    return reply && reply->type == REDIS_REPLY_ERROR && strncmp (reply->str, "NOSCRIPT", 8) == 0;
}

redisReply *
sb_script_run (sb_script_t *self, redisContext *redis, int argc, const char **argv,
               const size_t *argvlen)
{
    const char *sha = sb_script_sha (self);
    if (!sha)
        return s_send (redis, "EVAL", self->text, argc, argv, argvlen);
    redisReply *reply = s_send (redis, "EVALSHA", sha, argc, argv, argvlen);
    return sb_script_after (self, redis, reply, argc, argv, argvlen);
}

int
sb_script_append (sb_script_t *self, redisContext *redis, int argc, const char **argv,
                  const size_t *argvlen)
{
    const char *sha = sb_script_sha (self);
    return sha? s_command (redis, "EVALSHA", sha, argc, argv, argvlen, NULL)
              : s_command (redis, "EVAL", self->text, argc, argv, argvlen, NULL);
}

redisReply *
sb_script_after (sb_script_t *self, redisContext *redis, redisReply *reply, int argc,
                 const char **argv, const size_t *argvlen)
{
    if (!s_noscript (reply))
        return reply;
    //  Redis does not hold it (yet, or any more): EVAL runs and loads it
    freeReplyObject (reply);
    return s_send (redis, "EVAL", self->text, argc, argv, argvlen);
}
