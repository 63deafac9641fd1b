/*  sb_script.h — a Lua script the actors run in Redis, sent by its SHA1
    (EVALSHA) rather than as text (EVAL): Redis then neither receives nor
    hashes the text on every call. If Redis does not hold it (NOSCRIPT:
    first use, a restart, SCRIPT FLUSH) the call is sent once more as EVAL,
    which also loads it for the next EVALSHA.

        static sb_script_t s_claim = SB_SCRIPT ("return redis.call('GET', KEYS[1])");
        const char *argv [] = { "1", key };
        redisReply *reply = sb_script_run (&s_claim, redis, 2, argv, NULL);

    An sb_script_t is a file's constant: its SHA1 is computed at its first
    run, once, under its own lock, then only read; it is never freed.     */

#ifndef SB_SCRIPT_H_INCLUDED
#define SB_SCRIPT_H_INCLUDED

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct {
    const char *text;                //  the Lua source (borrowed, a literal)
    pthread_mutex_t lock;            //  held while the SHA1 is computed
    atomic_bool ready;               //  sha is set (written once, then read)
    char sha [41];                   //  hex SHA1 of text, as Redis names it
} sb_script_t;

//  A script with its text; the SHA1 is filled in at first use.
#define SB_SCRIPT(text_) { (text_), PTHREAD_MUTEX_INITIALIZER, false, "" }

//  The script's SHA1 in hex (borrowed, 40 characters), computed at the
//  first call. NULL if libcrypto failed (then sb_script_run uses EVAL).
const char *sb_script_sha (sb_script_t *self);

//  Runs the script with argv (argc words: the number of keys, the keys,
//  then the arguments; argvlen NULL: NUL-terminated strings, else each
//  word's length, as redisCommandArgv) on redis, as EVALSHA, and once more
//  as EVAL if Redis answers NOSCRIPT. Returns Redis's reply (caller frees
//  it; an error reply, such as the script's own error, is returned as
//  is), or NULL if the connection failed (redis->errstr says why) or
//  memory ran out (redis->err is 0 then).
redisReply *sb_script_run (sb_script_t *self, redisContext *redis, int argc,
                           const char **argv, const size_t *argvlen);

//  The same call, appended to redis's output as a pipeline's step (with
//  redisAppendCommand and the like), to send several commands in one
//  round trip. Returns REDIS_OK, or REDIS_ERR (out of memory). Once every
//  reply of the pipeline is read (redisGetReply), pass this call's to
//  sb_script_after with the same arguments.
//
//      sb_script_append (&s_claim, redis, 2, argv, NULL);
//      redisAppendCommand (redis, "SET %s %s", owner, key);
//      redisGetReply (redis, (void **) &claimed);
//      redisGetReply (redis, (void **) &noted);
//      claimed = sb_script_after (&s_claim, redis, claimed, 2, argv, NULL);
int sb_script_append (sb_script_t *self, redisContext *redis, int argc, const char **argv,
                      const size_t *argvlen);

//  The reply to an appended call, which it takes: as it is, or, if Redis
//  answered NOSCRIPT, the reply of the script run again as EVAL (which
//  is why this comes after the pipeline's other replies are read). As
//  sb_script_run, NULL if reply is NULL or the connection failed.
redisReply *sb_script_after (sb_script_t *self, redisContext *redis, redisReply *reply,
                             int argc, const char **argv, const size_t *argvlen);

#endif
