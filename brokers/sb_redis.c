/*  sb_redis.c — Redis connections from a URL (see sb_redis.h).           */

#include "sb_classes.h"
#include "sb_redis.h"
#include <hiredis/hiredis.h>

static redisContext *
s_open (const char *url, struct timeval timeout)
{
    if (strncmp (url, "unix:", 5) == 0)
        return redisConnectUnixWithTimeout (url + 5, timeout);
    const char *address = strncmp (url, "tcp://", 6) == 0? url + 6: url;
    const char *colon = strrchr (address, ':');
    size_t length = colon? (size_t) (colon - address): strlen (address);
    char host [256];
    if (length >= sizeof host)
        return NULL;
    memcpy (host, address, length);
    host [length] = 0;
    return redisConnectWithTimeout (host, colon? atoi (colon + 1): 6379, timeout);
}

//  One PING, so that a Redis wanting a password says so now, in words,
//  rather than as NOAUTH on the caller's first command. Other errors
//  (LOADING) are the caller's to meet. Frees redis and returns -1 with the
//  reason when it wants a password or does not answer.
static int
s_check (redisContext *redis, const char *url, char *err, size_t errlen)
{
    redisReply *reply = (redisReply *) redisCommand (redis, "PING");
    bool noauth = reply && reply->type == REDIS_REPLY_ERROR
               && strncmp (reply->str, "NOAUTH", 6) == 0;
    int rc = 0;
    if (!reply || noauth) {
        rc = sb_error_set (err, errlen, noauth? "Redis at %s wants a password (AUTH): set "
                           "REDIS_PASSWORD (%s)": "Redis at %s does not answer PING: %s",
                           url, reply? reply->str: redis->errstr);
        redisFree (redis);
    }
    freeReplyObject (reply);
    return rc;
}

struct redisContext *
sb_redis_connect (const char *url, const char *password, int timeout_ms,
                  char *err, size_t errlen)
{
    struct timeval timeout = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    redisContext *redis = s_open (url, timeout);
    if (!redis || redis->err) {
        sb_error_set (err, errlen, "cannot connect to Redis at %s: %s", url,
                      redis? redis->errstr: "bad address");
        if (redis)
            redisFree (redis);
        return NULL;
    }
    redisSetTimeout (redis, timeout);
    if (password && *password) {
        redisReply *reply = (redisReply *) redisCommand (redis, "AUTH %s", password);
        bool refused = !reply || reply->type == REDIS_REPLY_ERROR;
        if (refused && reply)
            sb_error_set (err, errlen, "Redis at %s refused AUTH: %s", url, reply->str);
        else
        if (refused)   //  no answer at all: not a refusal (a TLS port, a dead peer)
            sb_error_set (err, errlen, "Redis at %s does not answer: %s", url, redis->errstr);
        freeReplyObject (reply);
        if (refused) {
            redisFree (redis);
            return NULL;
        }
    }
    return s_check (redis, url, err, errlen)? NULL: redis;
}
