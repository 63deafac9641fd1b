/*  sb_memory.h — the planner's conversation memory: the last turns of one
    employee of one tenant, whatever the channel, in Redis.

    Keys: sb:memory:{<tenant>:<phone>} is a list of turns, newest first,
    capped at max_turns; sb:memory:{<tenant>:<phone>}:seen is a sorted set
    of the message ids already recorded (the newest 64), so that a
    redelivered message is not recorded twice. Both expire ttl seconds
    after the last turn. The braces keep both keys in one Redis Cluster
    slot, as the script that writes them needs.

    A turn is a JSON object: {"id", "role": "user"|"assistant", "channel",
    "text", "intent"?, "entities"?, "at_ms"}.                             */

#ifndef SB_MEMORY_H_INCLUDED
#define SB_MEMORY_H_INCLUDED

#include "sb_classes.h"
#include <hiredis/hiredis.h>

#define SB_MEMORY_TEXT_MAX 1000      /* bytes of a turn's text kept     */

typedef struct {
    size_t max_turns;                //  1..100, default 10
    int64_t ttl_s;                   //  seconds, default 86400
} sb_memory_limits_t;

//  The recent turns of tenant's employee phone, newest first, as a new
//  JSON array (turns that are not JSON objects are left out). Returns 0,
//  or -1 with the reason in err (the caller then tells the runtime the
//  connection failed if redis->err is set).
int sb_memory_recent (redisContext *redis, const char *tenant, const char *phone,
                      const sb_memory_limits_t *limits, json_t **turns,
                      char *err, size_t errlen);

//  Records turn (borrowed; its "id" names it) unless its id is recorded
//  already. Returns 1 recorded, 0 already there, -1 with the reason in err.
int sb_memory_record (redisContext *redis, const char *tenant, const char *phone,
                      const json_t *turn, const sb_memory_limits_t *limits,
                      char *err, size_t errlen);

//  The newest user turn in turns other than the one with skip_id (the
//  message being handled, if a redelivery finds it recorded), or NULL.
//  Borrowed from turns.
const json_t *sb_memory_last_user_turn (const json_t *turns, const char *skip_id);

//  A new turn object; text is cut to SB_MEMORY_TEXT_MAX bytes on a
//  character boundary. intent and entities may be NULL.
json_t *sb_memory_turn (const char *id, const char *role, const char *channel,
                        const char *text, const char *intent, const json_t *entities,
                        int64_t at_ms);

#endif
