/*  sb_memory.c — conversation memory in Redis: a capped list of turns and
    a set of recorded ids, written together by one script so that a
    redelivered message never appends twice.                              */

#include "sb_memory.h"
#include "sb_script.h"

#define S_SEEN_KEPT 64               /* ids remembered for redeliveries */

//  KEYS: the list, the seen set. ARGV: id, turn, max turns, ttl, at_ms,
//  ids kept. Returns 1 recorded, 0 already recorded.
static sb_script_t s_record_script = SB_SCRIPT (
    "if redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end\n"
    "redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])\n"
    "redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[6]) + 1))\n"
    "redis.call('EXPIRE', KEYS[2], ARGV[4])\n"
    "redis.call('LPUSH', KEYS[1], ARGV[2])\n"
    "redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)\n"
    "redis.call('EXPIRE', KEYS[1], ARGV[4])\n"
    "return 1\n");

//  The list's key into key (the seen set's is it plus ":seen").
static void
s_key (char *key, size_t size, const char *tenant, const char *phone)
{
    snprintf (key, size, "sb:memory:{%s:%s}", tenant, phone);
}

//  Writes why a reply is not what was asked for.
static void
s_reply_error (redisContext *redis, redisReply *reply, const char *what, char *err,
               size_t errlen)
{
    snprintf (err, errlen, "conversation memory: %s: %s", what,
              !reply? redis->errstr: reply->type == REDIS_REPLY_ERROR? reply->str
              : "unexpected reply type");
}

int
sb_memory_recent (redisContext *redis, const char *tenant, const char *phone,
                  const sb_memory_limits_t *limits, json_t **turns, char *err, size_t errlen)
{
    char key [512];
    s_key (key, sizeof key, tenant, phone);
    redisReply *reply = (redisReply *) redisCommand (redis, "LRANGE %s 0 %d", key,
                                                     (int) limits->max_turns - 1);
    if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        s_reply_error (redis, reply, "LRANGE", err, errlen);
        freeReplyObject (reply);
        return -1;
    }
    *turns = json_array ();
    for (size_t index = 0; index < reply->elements; index++) {
        redisReply *item = reply->element [index];
        json_t *turn = item->type == REDIS_REPLY_STRING
                     ? json_loadb (item->str, item->len, 0, NULL): NULL;
        if (json_is_object (turn))
            json_array_append (*turns, turn);
        else
            zsys_warning ("planner: %s: turn %zu is not a JSON object, left out", key, index);
        json_decref (turn);
    }
    freeReplyObject (reply);
    return 0;
}

int
sb_memory_record (redisContext *redis, const char *tenant, const char *phone,
                  const json_t *turn, const sb_memory_limits_t *limits, char *err, size_t errlen)
{
    char key [512], seen [520];
    s_key (key, sizeof key, tenant, phone);
    snprintf (seen, sizeof seen, "%s:seen", key);
    const char *id = json_string_value (json_object_get (turn, "id"));
    char *text = json_dumps (turn, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (!id || !text) {
        free (text);
        snprintf (err, errlen, "conversation memory: a turn without an id (or out of memory)");
        return -1;
    }
    json_int_t at_ms = json_integer_value (json_object_get (turn, "at_ms"));
    char max_turns [24], ttl [24], at [24], kept [24];
    snprintf (max_turns, sizeof max_turns, "%d", (int) limits->max_turns);
    snprintf (ttl, sizeof ttl, "%lld", (long long) limits->ttl_s);
    snprintf (at, sizeof at, "%lld", (long long) at_ms);
    snprintf (kept, sizeof kept, "%d", S_SEEN_KEPT);
    const char *argv [] = { "2", key, seen, id, text, max_turns, ttl, at, kept };
    redisReply *reply = sb_script_run (&s_record_script, redis, 9, argv, NULL);
    free (text);
    if (!reply || reply->type != REDIS_REPLY_INTEGER) {
        s_reply_error (redis, reply, "recording a turn", err, errlen);
        freeReplyObject (reply);
        return -1;
    }
    int recorded = reply->integer == 1;
    freeReplyObject (reply);
    return recorded;
}

const json_t *
sb_memory_last_user_turn (const json_t *turns, const char *skip_id)
{
    size_t index;
    const json_t *turn;
    json_array_foreach (turns, index, turn) {
        const char *id = json_string_value (json_object_get (turn, "id"));
        const char *role = json_string_value (json_object_get (turn, "role"));
        if (role && streq (role, "user") && !(id && skip_id && streq (id, skip_id)))
            return turn;
    }
    return NULL;
}

//  A copy of text cut to at most max bytes on a character boundary.
static json_t *
s_cut (const char *text, size_t max)
{
    size_t length = strlen (text);
    if (length > max) {
        length = max;
        while (length > 0 && ((unsigned char) text [length] & 0xC0) == 0x80)
            length--;
    }
    return json_stringn (text, length);
}

json_t *
sb_memory_turn (const char *id, const char *role, const char *channel, const char *text,
                const char *intent, const json_t *entities, int64_t at_ms)
{
    json_t *turn = json_pack ("{s:s, s:s, s:s}", "id", id, "role", role, "channel", channel);
    if (!turn)
        return NULL;
    json_object_set_new (turn, "text", s_cut (text? text: "", SB_MEMORY_TEXT_MAX));
    if (intent)
        json_object_set_new (turn, "intent", json_string (intent));
    if (entities)
        json_object_set_new (turn, "entities", json_deep_copy (entities));
    json_object_set_new (turn, "at_ms", json_integer (at_ms));
    return turn;
}
