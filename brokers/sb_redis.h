/*  sb_redis.h — opening a Redis connection from Switchboard's URL form
    ("tcp://host:port", "host:port", or "unix:/path"), with a time-out on
    every call and AUTH when a password is given. The broker's store and
    the actors' per-thread connections both open theirs here.             */

#ifndef SB_REDIS_H_INCLUDED
#define SB_REDIS_H_INCLUDED

#include <stddef.h>

struct redisContext;

//  Returns a connected context that answered PING (caller frees with
//  redisFree), or NULL with "cannot connect to Redis at URL: why", "Redis
//  at URL refused AUTH: why" or "Redis at URL wants a password (AUTH)" in
//  err; never the password. password may be NULL or "" (none).
struct redisContext *sb_redis_connect (const char *url, const char *password,
                                       int timeout_ms, char *err, size_t errlen);

#endif
