/*  sb_store_admin.c — the store's side of the tools: dead letters (list,
    replay) and the figures STATS shows (backlog, queue lengths, pending,
    delayed, oldest message).                                              */

#include "sb_classes.h"
#include "sb_store_private.h"

//  --------------------------------------------------------------------------
//  Dead letters and figures

//  Turns one dead-letter stream entry into its JSON description.
static json_t *
s_dead_letter (const redisReply *entry)
{
    if (entry->elements != 2 || entry->element [1]->type != REDIS_REPLY_ARRAY)
        return NULL;
    const redisReply *fields = entry->element [1];
    const redisReply *envelope = sb_store_field (fields, "e");
    const redisReply *errors = sb_store_field (fields, "errors");
    json_t *json = json_object ();
    json_object_set_new (json, "entry", json_string (entry->element [0]->str));
    const char *names [] = { "service", "id", "reason" };
    for (size_t index = 0; index < 3; index++) {
        const redisReply *value = sb_store_field (fields, names [index]);
        json_object_set_new (json, names [index], value && value->type == REDIS_REPLY_STRING
                                                  ? json_string (value->str): json_null ());
    }
    const redisReply *attempts = sb_store_field (fields, "attempts");
    const redisReply *failed = sb_store_field (fields, "failed_ms");
    json_object_set_new (json, "attempts", json_integer (attempts? sb_store_reply_uint (attempts): 0));
    json_object_set_new (json, "failed_ms", json_integer (
        failed && failed->type == REDIS_REPLY_STRING? strtoll (failed->str, NULL, 10): 0));
    json_t *history = errors && errors->type == REDIS_REPLY_STRING
                    ? json_loads (errors->str, 0, NULL): NULL;
    json_object_set_new (json, "errors", json_is_array (history)? history: json_array ());
    if (history && !json_is_array (history))
        json_decref (history);   //  cjson writes {} for an empty list
    char err [256];
    sb_envelope_t *env = envelope && envelope->type == REDIS_REPLY_STRING
        ? sb_envelope_decode ((const uint8_t *) envelope->str, envelope->len, NULL, err, sizeof err)
        : NULL;
    json_object_set_new (json, "envelope", env? sb_envelope_to_json (env): json_null ());
    sb_envelope_destroy (&env);
    return json;
}

//  Reads dead-letter entries with XREVRANGE (newest first) or XRANGE.
static redisReply *
s_dlq_range (sb_store_t *self, bool newest_first, const char *from, size_t count)
{
    char *dlq = zsys_sprintf ("%sdlq", self->prefix);
    sb_store_args_t args;
    sb_store_args_init (&args);
    sb_store_args_add_str (&args, newest_first? "XREVRANGE": "XRANGE");
    sb_store_args_add_str (&args, dlq? dlq: "");
    sb_store_args_add_str (&args, newest_first? "+": from);
    sb_store_args_add_str (&args, newest_first? "-": "+");
    sb_store_args_add_str (&args, "COUNT");
    sb_store_args_add_int (&args, (int64_t) count);
    redisReply *reply = dlq? sb_store_command (self, &args): NULL;
    sb_store_args_clear (&args);
    zstr_free (&dlq);
    if (reply && reply->type != REDIS_REPLY_ARRAY) {
        sb_store_fail (self, "dead letters: unexpected reply from Redis");
        freeReplyObject (reply);
        reply = NULL;
    }
    return reply;
}

int
sb_store_dlq_list (sb_store_t *self, size_t count, json_t **entries)
{
    redisReply *reply = s_dlq_range (self, true, NULL, count);
    if (!reply)
        return -1;
    json_t *list = json_array ();
    for (size_t index = 0; index < reply->elements; index++) {
        json_t *entry = s_dead_letter (reply->element [index]);
        if (entry)
            json_array_append_new (list, entry);
    }
    freeReplyObject (reply);
    *entries = list;
    return 0;
}

//  Replays the given dead-letter entries; adds to *replayed.
static int
s_replay (sb_store_t *self, const char *const *entries, size_t count,
          size_t *replayed, zlistx_t *services)
{
    sb_store_args_t args;
    sb_store_args_eval (self, &args, S_DLQ_REPLAY);
    for (size_t index = 0; index < count; index++)
        sb_store_args_add_str (&args, entries [index]);
    redisReply *reply = sb_store_eval (self, &args);
    sb_store_args_clear (&args);
    if (!reply)
        return -1;
    for (size_t index = 0; reply->type == REDIS_REPLY_ARRAY && index < reply->elements; index++) {
        zlistx_add_end (services, strdup (reply->element [index]->str));
        (*replayed)++;
    }
    freeReplyObject (reply);
    return 0;
}

int
sb_store_dlq_replay (sb_store_t *self, const char *entry, size_t *replayed,
                     zlistx_t *services)
{
    *replayed = 0;
    if (entry)
        return s_replay (self, &entry, 1, replayed, services);
    //  All: oldest first, a page at a time, each page one atomic script
    while (true) {
        redisReply *reply = s_dlq_range (self, false, "-", 500);
        if (!reply)
            return -1;
        const char *ids [500];
        size_t count = 0;
        for (size_t index = 0; index < reply->elements && count < 500; index++)
            ids [count++] = reply->element [index]->element [0]->str;
        int rc = count? s_replay (self, ids, count, replayed, services): 0;
        freeReplyObject (reply);
        if (rc || count == 0)
            return rc;
    }
}

//  An integer reply (an integer, a number as text, or nil for 0) into
//  *value; frees the reply. Returns 0, or -1 (the store failed) for any
//  other.
static int
s_reply_integer (sb_store_t *self, redisReply *reply, int64_t *value)
{
    int rc = 0;
    if (reply->type == REDIS_REPLY_INTEGER)
        *value = reply->integer;
    else
    if (reply->type == REDIS_REPLY_STRING)
        *value = strtoll (reply->str, NULL, 10);
    else
    if (reply->type == REDIS_REPLY_NIL)
        *value = 0;
    else
        rc = sb_store_fail (self, "Redis: %s", reply->type == REDIS_REPLY_ERROR? reply->str: "unexpected reply");
    freeReplyObject (reply);
    return rc;
}

//  Runs a command given as a format (no binary arguments) and returns its
//  integer reply in *value.
static int
s_integer (sb_store_t *self, int64_t *value, const char *format, ...)
{
    if (sb_store_ensure (self))
        return -1;
    va_list args;
    va_start (args, format);
    redisReply *reply = (redisReply *) redisvCommand (self->redis, format, args);
    va_end (args);
    if (!reply) {
        sb_store_fail (self, "Redis at %s: %s", self->url, self->redis->errstr);
        sb_store_drop (self);
        return -1;
    }
    return s_reply_integer (self, reply, value);
}

int
sb_store_backlog (sb_store_t *self, int64_t *backlog)
{
    return s_integer (self, backlog, "GET %sbacklog", self->prefix);
}

int
sb_store_dlq_size (sb_store_t *self, int64_t *size)
{
    return s_integer (self, size, "XLEN %sdlq", self->prefix);
}

//  Reads the consumer group's lag (entries not yet delivered), pending
//  count and last delivered id from XINFO GROUPS; lag is -1 when Redis
//  cannot tell.
static void
s_group_figures (const redisReply *reply, sb_store_figures_t *figures, int64_t *lag,
                 char *last, size_t lastlen)
{
    *lag = -1;
    snprintf (last, lastlen, "0-0");
    for (size_t group = 0; reply && reply->type == REDIS_REPLY_ARRAY && group < reply->elements; group++) {
        const redisReply *info = reply->element [group];
        const redisReply *name = sb_store_field (info, "name");
        if (!name || name->type != REDIS_REPLY_STRING || !streq (name->str, SB_STORE_GROUP))
            continue;
        const redisReply *pending = sb_store_field (info, "pending");
        const redisReply *behind = sb_store_field (info, "lag");
        const redisReply *delivered = sb_store_field (info, "last-delivered-id");
        figures->pending = pending && pending->type == REDIS_REPLY_INTEGER? pending->integer: 0;
        if (behind && behind->type == REDIS_REPLY_INTEGER)
            *lag = behind->integer;
        if (delivered && delivered->type == REDIS_REPLY_STRING)
            snprintf (last, lastlen, "%s", delivered->str);
    }
}

//  The millisecond a stream id was made at (its first part).
static int64_t
s_id_ms (const redisReply *id)
{
    return id && id->type == REDIS_REPLY_STRING? strtoll (id->str, NULL, 10): 0;
}

//  Reads count replies off the connection into replies. Returns 0, or -1
//  (the connection failed, and is dropped) with those read freed.
static int
s_read_replies (sb_store_t *self, redisReply **replies, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        void *reply = NULL;
        if (redisGetReply (self->redis, &reply) != REDIS_OK || !reply) {
            while (index)
                freeReplyObject (replies [--index]);
            sb_store_fail (self, "Redis at %s: %s", self->url, self->redis->errstr);
            sb_store_drop (self);
            return -1;
        }
        replies [index] = (redisReply *) reply;
    }
    return 0;
}

//  One service's figures from its four replies (XLEN, HGET, XINFO GROUPS,
//  XPENDING; all freed), its group's last delivered id into last.
static void
s_service_figures (sb_store_t *self, redisReply **replies, sb_store_figures_t *figures,
                   char *last, size_t lastlen)
{
    int64_t length = 0, lag = -1;
    int bad = s_reply_integer (self, replies [0], &length);
    bad |= s_reply_integer (self, replies [1], &figures->delayed);
    s_group_figures (replies [2], figures, &lag, last, lastlen);
    //  Without a lag from Redis, the stream's length less what is pending
    //  is an upper bound (acknowledged entries wait for the next trim)
    figures->queued = lag >= 0? lag: length - figures->pending;
    //  The oldest unfinished message: the oldest pending, else (below) the
    //  first not yet delivered
    const redisReply *pending = replies [3];
    if (pending->type == REDIS_REPLY_ARRAY && pending->elements >= 2)
        figures->oldest_ms = s_id_ms (pending->element [1]);
    freeReplyObject (replies [2]);
    freeReplyObject (replies [3]);
    figures->known = !bad;
}

int
sb_store_figures (sb_store_t *self, const char *const *services, size_t count,
                  sb_store_figures_t *figures)
{
    memset (figures, 0, count * sizeof *figures);
    if (sb_store_ensure (self))
        return -1;
    char (*last) [SB_STORE_STREAM_ID_MAX] = calloc (count? count: 1, sizeof *last);
    if (!last)
        return sb_store_fail (self, "out of memory");
    //  STATS asks for every service at once: two pipelines, not five
    //  round trips a service, while the broker's loop waits
    int rc = 0;
    for (size_t index = 0; index < count; index++) {
        rc |= redisAppendCommand (self->redis, "XLEN %sq:%s", self->prefix, services [index]);
        rc |= redisAppendCommand (self->redis, "HGET %sdelayed %s", self->prefix, services [index]);
        rc |= redisAppendCommand (self->redis, "XINFO GROUPS %sq:%s", self->prefix, services [index]);
        rc |= redisAppendCommand (self->redis, "XPENDING %sq:%s %s", self->prefix, services [index],
                                  SB_STORE_GROUP);
    }
    size_t asked = 0;
    for (size_t index = 0; index < count && rc == 0; index++) {
        redisReply *replies [4];
        rc = s_read_replies (self, replies, 4);
        if (rc == 0)
            s_service_figures (self, replies, &figures [index], last [index], sizeof last [index]);
    }
    for (size_t index = 0; index < count && rc == 0; index++)
        if (figures [index].known && !figures [index].oldest_ms) {
            rc |= redisAppendCommand (self->redis, "XRANGE %sq:%s (%s + COUNT 1", self->prefix,
                                      services [index], last [index]);
            asked++;
        }
    for (size_t index = 0; index < count && rc == 0 && asked; index++) {
        if (!figures [index].known || figures [index].oldest_ms)
            continue;
        redisReply *reply = NULL;
        rc = s_read_replies (self, &reply, 1);
        if (rc == 0 && reply->type == REDIS_REPLY_ARRAY && reply->elements == 1
        &&  reply->element [0]->type == REDIS_REPLY_ARRAY && reply->element [0]->elements >= 1)
            figures [index].oldest_ms = s_id_ms (reply->element [0]->element [0]);
        freeReplyObject (reply);
    }
    free (last);
    if (rc) {
        //  Replies may still be owed on the connection: it goes
        if (self->redis) {
            sb_store_fail (self, "Redis at %s: figures failed", self->url);
            sb_store_drop (self);
        }
        memset (figures, 0, count * sizeof *figures);
    }
    return rc? -1: 0;
}

//  --------------------------------------------------------------------------
//  Conversation traces

//  Turns one trace line (at_ms, event, type, id, service, attempt,
//  delay_ms, reason, delivered_ms, tab-separated, as the scripts write it)
//  into its JSON form, or NULL if it is not one.
static json_t *
s_trace_event (const char *line, size_t length)
{
    const char *fields [9];
    size_t sizes [9], count = 0;
    const char *start = line, *end = line + length;
    while (count < 9) {
        const char *tab = memchr (start, '\t', (size_t) (end - start));
        fields [count] = start;
        sizes [count++] = (size_t) ((tab? tab: end) - start);
        if (!tab)
            break;
        start = tab + 1;
    }
    if (count != 9)
        return NULL;
    json_t *event = json_object ();
    const char *names [9] = { "at_ms", "event", "type", "id", "service", "attempt",
                              "delay_ms", "reason", "delivered_ms" };
    for (size_t index = 0; index < 9; index++) {
        bool number = index == 0 || index == 5 || index == 6 || index == 8;
        json_object_set_new (event, names [index], number
            ? json_integer (strtoll (fields [index], NULL, 10))
            : json_stringn (fields [index], sizes [index]));
    }
    return event;
}

int
sb_store_trace (sb_store_t *self, const char *corr, json_t **events)
{
    char *list = zsys_sprintf ("%strace:%s", self->prefix, corr);
    sb_store_args_t args;
    sb_store_args_init (&args);
    sb_store_args_add_str (&args, "LRANGE");
    sb_store_args_add_str (&args, list? list: "");
    sb_store_args_add_str (&args, "0");
    sb_store_args_add_str (&args, "-1");
    redisReply *reply = list? sb_store_command (self, &args): NULL;
    sb_store_args_clear (&args);
    zstr_free (&list);
    if (!reply)
        return -1;
    json_t *array = json_array ();
    for (size_t index = 0; reply->type == REDIS_REPLY_ARRAY && index < reply->elements; index++) {
        const redisReply *line = reply->element [index];
        json_t *event = line->type == REDIS_REPLY_STRING? s_trace_event (line->str, line->len): NULL;
        if (event)
            json_array_append_new (array, event);
    }
    freeReplyObject (reply);
    *events = array;
    return 0;
}

//  One member of a phone's conversations (tenant TAB corr) with its score,
//  as {corr, tenant, first_ms}; NULL if it is not one or not tenant's.
static json_t *
s_conversation (const redisReply *member, const redisReply *score, const char *tenant)
{
    if (member->type != REDIS_REPLY_STRING)
        return NULL;
    const char *tab = memchr (member->str, '\t', member->len);
    if (!tab)
        return NULL;
    size_t tenant_length = (size_t) (tab - member->str);
    if (tenant && (strlen (tenant) != tenant_length
               ||  memcmp (tenant, member->str, tenant_length) != 0))
        return NULL;
    int64_t first_ms = score->type == REDIS_REPLY_STRING? strtoll (score->str, NULL, 10): 0;
    return json_pack ("{s:s%, s:s%, s:I}",
                      "corr", tab + 1, member->len - tenant_length - 1,
                      "tenant", member->str, tenant_length,
                      "first_ms", (json_int_t) first_ms);
}

int
sb_store_conversations (sb_store_t *self, const char *phone, const char *tenant,
                        int64_t now_ms, json_t **conversations)
{
    char *key = zsys_sprintf ("%sphone:%s", self->prefix, phone);
    char oldest [24] = "-inf";
    if (self->trace_ttl_ms > 0)
        snprintf (oldest, sizeof oldest, "%" PRId64, now_ms - self->trace_ttl_ms);
    sb_store_args_t args;
    sb_store_args_init (&args);
    const char *words [] = { "ZREVRANGEBYSCORE", key? key: "", "+inf", oldest, "WITHSCORES" };
    for (size_t index = 0; index < 5; index++)
        sb_store_args_add_str (&args, words [index]);
    redisReply *reply = key? sb_store_command (self, &args): NULL;
    sb_store_args_clear (&args);
    zstr_free (&key);
    if (!reply)
        return -1;
    json_t *array = json_array ();
    for (size_t index = 0; reply->type == REDIS_REPLY_ARRAY && index + 1 < reply->elements;
         index += 2) {
        json_t *conversation = s_conversation (reply->element [index],
                                               reply->element [index + 1], tenant);
        if (conversation)
            json_array_append_new (array, conversation);
    }
    freeReplyObject (reply);
    *conversations = array;
    return 0;
}
