/*  sb_sent.c — the never-twice record in Redis (see the .h). Each change
    that depends on what was read is one Lua script, so it happens whole or
    not at all, with nothing between the compare and the set.             */

#include "sb_sent.h"
#include "sb_script.h"

//  GET and Redis's clock in one round trip.
static sb_script_t s_read_script = SB_SCRIPT (
    "local t = redis.call('TIME')\n"
    "return {redis.call('GET', KEYS[1]) or '', t[1], t[2]}\n");

//  Claim: ARGV expected, "pending:<attempt>", ttl, ":<account>". If the
//  value is not the one expected, returns it as the read script does (so
//  that a first delivery learns in one round trip either that it holds
//  the claim or what the record says); else the claim's time in ms.
static sb_script_t s_claim_script = SB_SCRIPT (
    "local v = redis.call('GET', KEYS[1]) or ''\n"
    "local t = redis.call('TIME')\n"
    "if v ~= ARGV[1] then return {v, t[1], t[2]} end\n"
    "local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)\n"
    "redis.call('SET', KEYS[1], ARGV[2] .. ':' .. string.format('%d', ms) .. ARGV[4],\n"
    "           'EX', ARGV[3])\n"
    "return ms\n");

//  Compare-and-set: ARGV expected, new value ("" deletes), ttl.
static sb_script_t s_cas_script = SB_SCRIPT (
    "if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end\n"
    "if ARGV[2] == '' then redis.call('DEL', KEYS[1])\n"
    "else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end\n"
    "return 1\n");

//  Push once: KEYS record, list; ARGV record value, item, ttl, max. Returns
//  the record's value if there is one, else 1 after the push.
static sb_script_t s_push_script = SB_SCRIPT (
    "local v = redis.call('GET', KEYS[1])\n"
    "if v then return v end\n"
    "redis.call('RPUSH', KEYS[2], ARGV[2])\n"
    "redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)\n"
    "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])\n"
    "return 1\n");

//  Runs a script on key (and a second key when key2 is not NULL) with
//  count string arguments. Returns the reply, or NULL with why in err.
static redisReply *
s_eval (redisContext *redis, sb_script_t *script, const char *key, const char *key2,
        int count, const char *args [], char *err, size_t errlen)
{
    const char *argv [10];
    char *record = zsys_sprintf ("%s%s", SB_SENT_PREFIX, key);
    int argc = 0, keys = key2? 2: 1;
    char keys_text [4];
    snprintf (keys_text, sizeof keys_text, "%d", keys);
    argv [argc++] = keys_text;
    argv [argc++] = record;
    if (key2)
        argv [argc++] = key2;
    for (int index = 0; index < count && argc < 10; index++)
        argv [argc++] = args [index];
    redisReply *reply = record? sb_script_run (script, redis, argc, argv, NULL): NULL;
    zstr_free (&record);
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
        sb_error_set (err, errlen, "redis: %s", reply? reply->str: redis->errstr);
        freeReplyObject (reply);
        return NULL;
    }
    return reply;
}

//  An account SID as a claim names it: letters and digits, 2 to
//  SB_SENT_SID_MAX of them. Returns 0 or -1.
static int
s_parse_account (const char *text, sb_sent_record_t *record)
{
    size_t length = strlen (text);
    if (length < 2 || length > SB_SENT_SID_MAX)
        return -1;
    for (size_t index = 0; index < length; index++)
        if (!isalnum ((unsigned char) text [index]))
            return -1;
    memcpy (record->account, text, length + 1);
    return 0;
}

//  "<attempt>:<ms>[:<account>]", after "pending:" or "unsure:", into
//  record. Returns 0 or -1.
static int
s_parse_claim (const char *text, sb_sent_record_t *record)
{
    char *end = NULL;
    errno = 0;
    unsigned long attempt = strtoul (text, &end, 10);
    if (end == text || *end != ':' || errno || attempt > UINT32_MAX)
        return -1;
    const char *ms = end + 1;
    long long at_ms = strtoll (ms, &end, 10);
    if (end == ms || (*end && *end != ':') || errno || at_ms < 0)
        return -1;
    if (*end && s_parse_account (end + 1, record))
        return -1;
    record->attempt = (uint32_t) attempt;
    record->at_ms = at_ms;
    return 0;
}

//  "<SID>[ <json>]" into record. Returns 0 or -1.
static int
s_parse_done (const char *text, sb_sent_record_t *record)
{
    size_t length = strcspn (text, " ");
    if (length < 2 || length > SB_SENT_SID_MAX)
        return -1;
    for (size_t index = 0; index < length; index++)
        if (!isalnum ((unsigned char) text [index]))
            return -1;
    memcpy (record->sid, text, length);
    record->sid [length] = 0;
    if (text [length]) {
        //  What message.sent said; without it the caller rebuilds it
        record->details = json_loads (text + length + 1, 0, NULL);
        if (!json_is_object (record->details)) {
            json_decref (record->details);
            record->details = NULL;
        }
    }
    return 0;
}

//  Parses a record's value into record. Returns 0 or SB_SENT_CORRUPT.
static int
s_parse_value (const char *value, sb_sent_record_t *record, char *err, size_t errlen)
{
    int rc = 0;
    if (!*value)
        record->state = SB_SENT_NONE;
    else
    if (strncmp (value, "sid:", 4) == 0) {
        record->state = SB_SENT_DONE;
        rc = s_parse_done (value + 4, record);
    }
    else {
        bool pending = strncmp (value, "pending:", 8) == 0;
        record->state = pending? SB_SENT_PENDING: SB_SENT_UNSURE;
        rc = (pending || strncmp (value, "unsure:", 7) == 0)
           ? s_parse_claim (value + (pending? 8: 7), record): -1;
        if (rc == 0 && strlen (value) < sizeof record->raw)
            strcpy (record->raw, value);
        else
            rc = -1;
    }
    if (rc) {
        sb_error_set (err, errlen, "unreadable record '%.80s'", value);
        return SB_SENT_CORRUPT;
    }
    return 0;
}

//  A read's reply, {value, seconds, microseconds}, into record. Returns
//  0, -1 (not such a reply) or SB_SENT_CORRUPT, with why.
static int
s_parse_read (const redisReply *reply, sb_sent_record_t *record, char *err, size_t errlen)
{
    int rc = -1;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3
    &&  reply->element [0]->type == REDIS_REPLY_STRING
    &&  reply->element [1]->type == REDIS_REPLY_STRING
    &&  reply->element [2]->type == REDIS_REPLY_STRING) {
        record->now_ms = atoll (reply->element [1]->str) * 1000
                       + atoll (reply->element [2]->str) / 1000;
        rc = s_parse_value (reply->element [0]->str, record, err, errlen);
    }
    else
        sb_error_set (err, errlen, "redis: unexpected answer to the record's read");
    return rc;
}

int
sb_sent_read (redisContext *redis, const char *key, sb_sent_record_t *record, char *err,
              size_t errlen)
{
    memset (record, 0, sizeof *record);
    redisReply *reply = s_eval (redis, &s_read_script, key, NULL, 0, NULL, err, errlen);
    if (!reply)
        return -1;
    int rc = s_parse_read (reply, record, err, errlen);
    freeReplyObject (reply);
    return rc;
}

void
sb_sent_record_clear (sb_sent_record_t *record)
{
    json_decref (record->details);
    record->details = NULL;
}

//  Runs a script expected to answer an integer. Returns it, or -1 on a
//  failure (which the scripts here never answer themselves, except claim,
//  whose -1 the caller maps).
static int64_t
s_eval_integer (redisContext *redis, sb_script_t *script, const char *key, int count,
                const char *args [], bool *failed, char *err, size_t errlen)
{
    redisReply *reply = s_eval (redis, script, key, NULL, count, args, err, errlen);
    *failed = !reply || reply->type != REDIS_REPLY_INTEGER;
    if (reply && *failed)
        sb_error_set (err, errlen, "redis: unexpected answer to a record script");
    int64_t value = *failed? -1: (int64_t) reply->integer;
    freeReplyObject (reply);
    return value;
}

int
sb_sent_claim (redisContext *redis, const char *key, const char *expected, uint32_t attempt,
               const char *account, int ttl_s, int64_t *at_ms, sb_sent_record_t *record,
               char *err, size_t errlen)
{
    memset (record, 0, sizeof *record);
    char prefix [32], ttl [16], suffix [SB_SENT_SID_MAX + 2];
    snprintf (prefix, sizeof prefix, "pending:%u", attempt);
    snprintf (ttl, sizeof ttl, "%d", ttl_s);
    snprintf (suffix, sizeof suffix, ":%s", account);
    const char *args [] = { expected, prefix, ttl, suffix };
    redisReply *reply = s_eval (redis, &s_claim_script, key, NULL, 4, args, err, errlen);
    if (!reply)
        return -1;
    int rc = 1;
    if (reply->type == REDIS_REPLY_INTEGER && reply->integer >= 0)
        *at_ms = (int64_t) reply->integer;
    else
    if (reply->type == REDIS_REPLY_ARRAY)
        rc = s_parse_read (reply, record, err, errlen);
    else {
        sb_error_set (err, errlen, "redis: unexpected answer to the claim");
        rc = -1;
    }
    freeReplyObject (reply);
    return rc;
}

void
sb_sent_claim_value (uint32_t attempt, int64_t at_ms, const char *account,
                     char value [SB_SENT_RAW_MAX])
{
    snprintf (value, SB_SENT_RAW_MAX, "pending:%u:%" PRId64 ":%s", attempt, at_ms, account);
}

//  Compare-and-set of key from the claim by attempt to account at at_ms
//  to value ("": delete).
static int
s_from_claim (redisContext *redis, const char *key, uint32_t attempt, const char *account,
              int64_t at_ms, const char *value, int ttl_s, char *err, size_t errlen)
{
    char expected [SB_SENT_RAW_MAX], ttl [16];
    sb_sent_claim_value (attempt, at_ms, account, expected);
    snprintf (ttl, sizeof ttl, "%d", ttl_s);
    const char *args [] = { expected, value, ttl };
    bool failed;
    int64_t rc = s_eval_integer (redis, &s_cas_script, key, 3, args, &failed, err, errlen);
    return failed? -1: (int) rc;
}

int
sb_sent_unsure (redisContext *redis, const char *key, uint32_t attempt, const char *account,
                int64_t at_ms, int ttl_s, char *err, size_t errlen)
{
    char value [SB_SENT_RAW_MAX];
    snprintf (value, sizeof value, "unsure:%u:%" PRId64 ":%s", attempt, at_ms, account);
    return s_from_claim (redis, key, attempt, account, at_ms, value, ttl_s, err, errlen);
}

int
sb_sent_release (redisContext *redis, const char *key, uint32_t attempt, const char *account,
                 int64_t at_ms, char *err, size_t errlen)
{
    return s_from_claim (redis, key, attempt, account, at_ms, "", 1, err, errlen);
}

//  "sid:<SID> <details>" as a new string (NULL: out of memory).
static char *
s_done_value (const char *sid, const json_t *details)
{
    char *json = details? json_dumps (details, JSON_COMPACT): NULL;
    char *value = zsys_sprintf ("sid:%s%s%s", sid, json? " ": "", json? json: "");
    free (json);
    return value;
}

//  Warns when the note of sid's owner failed (reply: its reply, taken).
//  Best effort: the note only narrows what a lookup may adopt.
static void
s_owner_noted (redisContext *redis, redisReply *reply, const char *sid)
{
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        zsys_warning ("sender: cannot note the owner of %s: %s", sid,
                      reply? reply->str: redis->errstr);
    freeReplyObject (reply);
}

//  Notes which key holds sid, on its own round trip.
static void
s_note_owner (redisContext *redis, const char *sid, const char *key, int ttl_s)
{
    s_owner_noted (redis, (redisReply *) redisCommand (redis, "SET %s%s %s EX %d",
                                                       SB_SENT_SID_PREFIX, sid, key, ttl_s),
                   sid);
}

//  The record's write as a pipeline's second step: the compare-and-set
//  from expected, or a plain SET without. Returns REDIS_OK or REDIS_ERR.
static int
s_append_done (redisContext *redis, const char *record, const char *expected, const char *value,
               const char *ttl, const char *argv [5])
{
    if (!expected)
        return redisAppendCommand (redis, "SET %s %s EX %s", record, value, ttl);
    argv [0] = "1", argv [1] = record, argv [2] = expected, argv [3] = value, argv [4] = ttl;
    return sb_script_append (&s_cas_script, redis, 5, argv, NULL);
}

//  The record write's reply (taken) as sb_sent_done answers.
static int
s_done_result (redisContext *redis, redisReply *reply, bool cas, char *err, size_t errlen)
{
    int rc = -1;
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        sb_error_set (err, errlen, "redis: %s", reply? reply->str: redis->errstr);
    else
    if (cas && reply->type == REDIS_REPLY_INTEGER)
        rc = reply->integer == 1;
    else
    if (!cas && reply->type == REDIS_REPLY_STATUS)
        rc = 1;
    else
        sb_error_set (err, errlen, "redis: unexpected answer to the record's write");
    freeReplyObject (reply);
    return rc;
}

int
sb_sent_done (redisContext *redis, const char *key, const char *expected, const char *sid,
              const json_t *details, int ttl_s, char *err, size_t errlen)
{
    char *value = s_done_value (sid, details);
    char *record = zsys_sprintf ("%s%s", SB_SENT_PREFIX, key);
    char ttl [16];
    snprintf (ttl, sizeof ttl, "%d", ttl_s);
    const char *argv [5];
    //  One round trip: the owner's note, then the record. The note is
    //  true whatever the record's write finds (sid is the message made
    //  for key), so it needs no compare of its own.
    int rc = -1;
    if (!value || !record
    ||  redisAppendCommand (redis, "SET %s%s %s EX %s", SB_SENT_SID_PREFIX, sid, key, ttl)
    ||  s_append_done (redis, record, expected, value, ttl, argv))
        sb_error_set (err, errlen, "out of memory");
    else {
        redisReply *noted = NULL, *written = NULL;
        if (redisGetReply (redis, (void **) &noted) == REDIS_OK)
            redisGetReply (redis, (void **) &written);
        s_owner_noted (redis, noted, sid);
        if (expected)
            written = sb_script_after (&s_cas_script, redis, written, 5, argv, NULL);
        rc = s_done_result (redis, written, expected != NULL, err, errlen);
    }
    zstr_free (&record);
    zstr_free (&value);
    return rc;
}

int
sb_sent_push_once (redisContext *redis, const char *key, const char *list, const char *item,
                   long max, const char *sid, const json_t *details, int ttl_s,
                   sb_sent_record_t *record, char *err, size_t errlen)
{
    memset (record, 0, sizeof *record);
    char *value = s_done_value (sid, details);
    char ttl [16], most [24];
    snprintf (ttl, sizeof ttl, "%d", ttl_s);
    snprintf (most, sizeof most, "%ld", max);
    const char *args [] = { value, item, ttl, most };
    redisReply *reply = value? s_eval (redis, &s_push_script, key, list, 4, args, err, errlen): NULL;
    zstr_free (&value);
    int rc = -1;
    if (reply && reply->type == REDIS_REPLY_INTEGER)
        rc = 1;
    else
    if (reply && reply->type == REDIS_REPLY_STRING)
        rc = s_parse_value (reply->str, record, err, errlen);
    else
    if (reply)
        sb_error_set (err, errlen, "redis: unexpected answer to the outbox script");
    freeReplyObject (reply);
    if (rc == 1)
        s_note_owner (redis, sid, key, ttl_s);
    return rc;
}

bool
sb_sent_taken (redisContext *redis, const char *sid, const char *key, bool *failed)
{
    redisReply *reply = (redisReply *) redisCommand (redis, "GET %s%s", SB_SENT_SID_PREFIX, sid);
    bool taken = false;
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        *failed = true;
    else
    if (reply->type == REDIS_REPLY_STRING)
        taken = !streq (reply->str, key);
    freeReplyObject (reply);
    return taken;
}
