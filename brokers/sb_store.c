/*  sb_store.c — the broker's durable store over Redis (see sb_store.h and
    docs/broker.md). The Lua scripts are the brokers/lua files, embedded. */

#include "sb_classes.h"
#include "sb_embed.h"
#include "sb_redis.h"
#include "sb_reply_arena.h"
#include "sb_store_private.h"

#define S_CONNECT_INTERVAL_MIN_MS 1000   //  between connects while Redis is unreachable

static const char *s_script_files [S_SCRIPTS] = {
    "brokers/lua/publish.lua", "brokers/lua/complete.lua", "brokers/lua/claim.lua",
    "brokers/lua/touch.lua", "brokers/lua/move_due.lua", "brokers/lua/dlq_replay.lua",
    "brokers/lua/trim.lua"
};

//  Put before the two scripts that store messages: what they share
#define S_BATCH_TRACE "brokers/lua/batch_trace.lua"

int
sb_store_fail (sb_store_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (self->error, sizeof self->error, format, args);
    va_end (args);
    return -1;
}

//  --------------------------------------------------------------------------
//  Connection

//  The embedded text of file, or NULL.
static const char *
s_script_text (const char *file)
{
    for (size_t index = 0; index < sb_store_scripts_count; index++)
        if (streq (sb_store_scripts [index].origin, file))
            return sb_store_scripts [index].text;
    return NULL;
}

static int
s_load_scripts (sb_store_t *self)
{
    const char *prelude = s_script_text (S_BATCH_TRACE);
    if (!prelude)
        return sb_store_fail (self, "%s is not built in", S_BATCH_TRACE);
    for (int script = 0; script < S_SCRIPTS; script++) {
        const char *text = s_script_text (s_script_files [script]);
        if (!text)
            return sb_store_fail (self, "%s is not built in", s_script_files [script]);
        char *whole = script == S_PUBLISH || script == S_COMPLETE
                    ? zsys_sprintf ("%s%s", prelude, text): strdup (text);
        redisReply *reply = whole? redisCommand (self->redis, "SCRIPT LOAD %s", whole): NULL;
        free (whole);
        if (!reply || reply->type != REDIS_REPLY_STRING || reply->len != 40) {
            sb_store_fail (self, "loading %s: %s", s_script_files [script],
                    reply? reply->str: self->redis->errstr);
            freeReplyObject (reply);
            return -1;
        }
        memcpy (self->sha [script], reply->str, 41);
        freeReplyObject (reply);
    }
    return 0;
}

//  Connects anew (Redis restarted, connection lost). Returns 0 when
//  connected and the scripts are loaded.
static int
s_reconnect (sb_store_t *self)
{
    self->connection++;   //  replies owed on the last one never come
    if (self->redis)
        redisFree (self->redis);
    self->redis = sb_redis_connect (self->url, self->password, self->timeout_ms,
                                    self->error, sizeof self->error);
    if (self->redis && s_load_scripts (self)) {
        redisFree (self->redis);
        self->redis = NULL;
    }
    return self->redis? 0: -1;
}

void
sb_store_drop (sb_store_t *self)
{
    redisFree (self->redis);
    self->redis = NULL;
    self->connection++;
    self->next_connect_ms = zclock_mono () + S_CONNECT_INTERVAL_MIN_MS;
}

int
sb_store_ensure (sb_store_t *self)
{
    if (self->redis)
        return 0;
    int64_t now = zclock_mono ();
    if (now < self->next_connect_ms)
        return -1;                  //  the last attempt's reason stands
    int64_t interval = 2 * (int64_t) self->timeout_ms;
    self->next_connect_ms = now + (interval < S_CONNECT_INTERVAL_MIN_MS
                                   ? S_CONNECT_INTERVAL_MIN_MS: interval);
    return s_reconnect (self);
}

sb_store_t *
sb_store_new (const char *url, const char *prefix, const char *consumer,
              const char *password, int timeout_ms, char *err, size_t errlen)
{
    sb_store_t *self = (sb_store_t *) calloc (1, sizeof (sb_store_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->url = strdup (url);
    self->prefix = strdup (prefix? prefix: "sb:");
    self->consumer = strdup (consumer);
    self->password = password? strdup (password): NULL;
    self->timeout_ms = timeout_ms > 0? timeout_ms: 2000;
    self->pending = zlistx_new ();
    self->arena = sb_reply_arena_new ();
    if (!self->url || !self->prefix || !self->consumer || (password && !self->password)
    ||  !self->pending || !self->arena) {
        sb_error_set (err, errlen, "out of memory");
        sb_store_destroy (&self);
    }
    else
    if (s_reconnect (self)) {
        sb_error_set (err, errlen, "%s", self->error);
        sb_store_destroy (&self);
    }
    return self;
}

void
sb_store_destroy (sb_store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_store_t *self = *self_p;
    if (self->redis)
        redisFree (self->redis);
    s_pending_t *pending;
    while (self->pending && (pending = (s_pending_t *) zlistx_detach (self->pending, NULL)))
        free (pending);
    zlistx_destroy (&self->pending);
    sb_reply_arena_destroy (&self->arena);
    free (self->command);
    free (self->url);
    free (self->prefix);
    free (self->consumer);
    free (self->password);
    free (self);
    *self_p = NULL;
}

const char *
sb_store_error (sb_store_t *self)
{
    return self->error;
}

bool
sb_store_connected (sb_store_t *self)
{
    return self->redis != NULL;
}

//  Runs one command; returns its reply (caller frees) or NULL with the
//  reason set. A lost connection is dropped, to be reopened by the next
//  call; an error reply is a failure too.
redisReply *
sb_store_command (sb_store_t *self, sb_store_args_t *args)
{
    if (args->failed) {
        sb_store_fail (self, "out of memory building a Redis command");
        return NULL;
    }
    if (sb_store_ensure (self))
        return NULL;
    redisReply *reply = (redisReply *) redisCommandArgv (
        self->redis, (int) args->count, args->argv, args->lengths);
    if (!reply) {
        sb_store_fail (self, "Redis at %s: %s", self->url, self->redis->errstr);
        sb_store_drop (self);
        return NULL;
    }
    if (reply->type == REDIS_REPLY_ERROR) {
        sb_store_fail (self, "Redis: %s", reply->str);
        freeReplyObject (reply);
        return NULL;
    }
    return reply;
}

//  Starts an EVALSHA of script: the caller adds its ARGV after.
void
sb_store_args_eval (sb_store_t *self, sb_store_args_t *args, sb_store_script_t script)
{
    sb_store_args_init (args);
    sb_store_args_add_str (args, "EVALSHA");
    sb_store_args_add_str (args, self->sha [script]);
    sb_store_args_add_str (args, "0");
    sb_store_args_add_str (args, self->prefix);
}

//  Runs an EVALSHA; if Redis lost the scripts (restarted without its
//  script cache), loads them again and retries once.
redisReply *
sb_store_eval (sb_store_t *self, sb_store_args_t *args)
{
    redisReply *reply = sb_store_command (self, args);
    if (!reply && strstr (self->error, "NOSCRIPT") && s_load_scripts (self) == 0)
        reply = sb_store_command (self, args);
    return reply;
}

//  --------------------------------------------------------------------------
//  Queues

int
sb_store_ensure_service (sb_store_t *self, const char *service)
{
    char *queue = zsys_sprintf ("%sq:%s", self->prefix, service);
    sb_store_args_t args;
    sb_store_args_init (&args);
    sb_store_args_add_str (&args, "XGROUP");
    sb_store_args_add_str (&args, "CREATE");
    sb_store_args_add_str (&args, queue? queue: "");
    sb_store_args_add_str (&args, SB_STORE_GROUP);
    sb_store_args_add_str (&args, "0");
    sb_store_args_add_str (&args, "MKSTREAM");
    redisReply *reply = queue? sb_store_command (self, &args): NULL;
    sb_store_args_clear (&args);
    zstr_free (&queue);
    if (reply) {
        freeReplyObject (reply);
        return 0;
    }
    //  The group exists already: what every broker but the first sees
    return strstr (self->error, "BUSYGROUP")? 0: -1;
}

void
sb_store_set_trace (sb_store_t *self, int64_t ttl_ms)
{
    self->trace_ttl_ms = ttl_ms > 0? ttl_ms: 0;
}

static void
s_args_add_put (sb_store_args_t *args, const sb_store_put_t *item)
{
    sb_store_args_add_str (args, item->key);
    sb_store_args_add_str (args, item->id);
    sb_store_args_add_str (args, item->corr? item->corr: "");
    sb_store_args_add_str (args, item->type? item->type: "");
    sb_store_args_add (args, item->envelope, item->size);
    sb_store_args_add_int (args, item->due_ms);
    sb_store_args_add_int (args, (int64_t) item->service_count);
    for (size_t index = 0; index < item->service_count; index++)
        sb_store_args_add_str (args, item->services [index]);
    sb_store_args_add_str (args, item->phone? item->phone: "");
    sb_store_args_add_str (args, item->tenant? item->tenant: "");
}

static int
s_parse_publish (sb_store_t *self, redisReply *reply, void *output, size_t count)
{
    sb_store_put_result_t *results = (sb_store_put_result_t *) output;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != count)
        return sb_store_fail (self, "publish: unexpected reply from Redis");
    for (size_t index = 0; index < count; index++) {
        const redisReply *item = reply->element [index];
        sb_store_put_result_t *result = &results [index];
        if (item->type != REDIS_REPLY_STRING || item->len < 1)
            return sb_store_fail (self, "publish: unexpected reply item from Redis");
        if (item->str [0] == 'D') {
            result->status = SB_STORE_DUPLICATE;
            snprintf (result->first_id, sizeof result->first_id, "%s", item->str + 1);
        }
        else
            result->status = item->str [0] == 'O'? SB_STORE_OVER_CAPACITY: SB_STORE_STORED;
    }
    return 0;
}

//  Appends args to the pipeline as one RESP command, formatted here into
//  the store's reused buffer: hiredis's own formatting (an sdscatfmt per
//  argument) was a twentieth of the broker's time. 0, or -1 (reason set).
static int
s_append (sb_store_t *self, const sb_store_args_t *args)
{
    //  '*' or '$', up to 20 digits and CRLFs: 32 bytes bound each header
    size_t size = 32;
    for (size_t index = 0; index < args->count; index++)
        size += args->lengths [index] + 32;
    if (size > self->command_size) {
        char *command = (char *) realloc (self->command, size);
        if (!command)
            return sb_store_fail (self, "out of memory building a Redis command");
        self->command = command;
        self->command_size = size;
    }
    char *at = self->command;
    *at++ = '*';
    at += sb_store_decimal (at, args->count);
    *at++ = '\r';
    *at++ = '\n';
    for (size_t index = 0; index < args->count; index++) {
        *at++ = '$';
        at += sb_store_decimal (at, args->lengths [index]);
        *at++ = '\r';
        *at++ = '\n';
        if (args->lengths [index])
            memcpy (at, args->argv [index], args->lengths [index]);
        at += args->lengths [index];
        *at++ = '\r';
        *at++ = '\n';
    }
    if (redisAppendFormattedCommand (self->redis, self->command,
                                     (size_t) (at - self->command)) != REDIS_OK)
        return sb_store_fail (self, "Redis at %s: %s", self->url, self->redis->errstr);
    return 0;
}

//  Queues a command in the pipeline with the parser of its reply. Clears
//  args.
static int
s_queue (sb_store_t *self, sb_store_args_t *args, s_parse_fn *parse, void *output,
         size_t count)
{
    int rc = 0;
    s_pending_t *pending = (s_pending_t *) malloc (sizeof (s_pending_t));
    if (args->failed || !pending)
        rc = sb_store_fail (self, "out of memory building a Redis command");
    else
    if (sb_store_ensure (self))
        rc = -1;
    else
    if (s_append (self, args))
        rc = -1;
    sb_store_args_clear (args);
    if (rc) {
        free (pending);
        return -1;
    }
    *pending = (s_pending_t) { parse, output, count, self->connection };
    zlistx_add_end (self->pending, pending);
    return 0;
}

//  Runs a command now, or in a pipeline queues it with the parser of its
//  reply. Clears args.
static int
s_run (sb_store_t *self, sb_store_args_t *args, bool script, s_parse_fn *parse,
       void *output, size_t count)
{
    if (self->pipelining)
        return s_queue (self, args, parse, output, count);
    redisReply *reply = script? sb_store_eval (self, args): sb_store_command (self, args);
    sb_store_args_clear (args);
    int rc = reply? parse (self, reply, output, count): -1;
    freeReplyObject (reply);
    return rc;
}

int
sb_store_publish (sb_store_t *self, const sb_store_put_t *items, size_t count,
                  int64_t now_ms, int64_t dedup_ttl_ms, int64_t max_backlog,
                  sb_store_put_result_t *results)
{
    memset (results, 0, count * sizeof *results);   //  FAILED until answered
    sb_store_args_t args;
    sb_store_args_eval (self, &args, S_PUBLISH);
    sb_store_args_add_int (&args, now_ms);
    sb_store_args_add_int (&args, dedup_ttl_ms);
    sb_store_args_add_int (&args, max_backlog);
    sb_store_args_add_int (&args, self->trace_ttl_ms);
    sb_store_args_add_int (&args, (int64_t) count);
    for (size_t index = 0; index < count; index++)
        s_args_add_put (&args, &items [index]);
    return s_run (self, &args, true, s_parse_publish, results, count);
}

static void
s_args_add_op (sb_store_args_t *args, const sb_store_op_t *op)
{
    sb_store_args_add_str (args, op->kind == SB_STORE_DONE? "D"
                        : op->kind == SB_STORE_RETRY? "R": "F");
    sb_store_args_add_str (args, op->service);
    sb_store_args_add_str (args, op->stream_id);
    sb_store_args_add_int (args, op->delivery_count);
    sb_store_args_add_str (args, op->envelope_id);
    sb_store_args_add_int (args, op->attempts);
    sb_store_args_add_str (args, op->corr? op->corr: "");
    sb_store_args_add_str (args, op->type? op->type: "");
    sb_store_args_add_int (args, op->delivered_ms);
    if (op->fetched)
        sb_store_args_add_int (args, (int64_t) op->claims);
    else
        sb_store_args_add_str (args, "");
    if (op->kind == SB_STORE_DONE) {
        sb_store_args_add_int (args, (int64_t) op->output_count);
        for (size_t index = 0; index < op->output_count; index++)
            s_args_add_put (args, &op->outputs [index]);
    }
    else {
        if (op->kind == SB_STORE_RETRY)
            sb_store_args_add_int (args, op->due_ms);
        sb_store_args_add_str (args, op->reason);
        sb_store_args_add (args, op->envelope, op->size);
    }
}

static int
s_parse_complete (sb_store_t *self, redisReply *reply, void *output, size_t count)
{
    sb_store_status_t *outcomes = (sb_store_status_t *) output;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != count)
        return sb_store_fail (self, "complete: unexpected reply from Redis");
    for (size_t index = 0; index < count; index++)
        outcomes [index] = reply->element [index]->type == REDIS_REPLY_STRING
                        && streq (reply->element [index]->str, "OK")
                         ? SB_STORE_APPLIED: SB_STORE_STALE;
    return 0;
}

int
sb_store_complete (sb_store_t *self, const sb_store_op_t *ops, size_t count,
                   int64_t now_ms, int64_t dedup_ttl_ms, sb_store_status_t *outcomes)
{
    for (size_t index = 0; index < count; index++)
        outcomes [index] = SB_STORE_FAILED;   //  until Redis says otherwise
    sb_store_args_t args;
    sb_store_args_eval (self, &args, S_COMPLETE);
    sb_store_args_add_str (&args, SB_STORE_GROUP);
    sb_store_args_add_str (&args, self->consumer);
    sb_store_args_add_int (&args, now_ms);
    sb_store_args_add_int (&args, dedup_ttl_ms);
    sb_store_args_add_int (&args, self->trace_ttl_ms);
    sb_store_args_add_int (&args, (int64_t) count);
    for (size_t index = 0; index < count; index++)
        s_args_add_op (&args, &ops [index]);
    return s_run (self, &args, true, s_parse_complete, outcomes, count);
}

uint32_t
sb_store_reply_uint (const redisReply *reply)
{
    if (reply->type == REDIS_REPLY_INTEGER)
        return reply->integer > 0? (uint32_t) reply->integer: 0;
    if (reply->type == REDIS_REPLY_STRING)
        return (uint32_t) strtoul (reply->str, NULL, 10);
    return 0;
}

//  Makes a message from the fields of a stream entry or claim reply.
static sb_store_msg_t *
s_msg_new (const redisReply *stream_id, const redisReply *envelope,
           const redisReply *base, const redisReply *envelope_id, uint32_t count)
{
    if (!stream_id || !envelope || !envelope_id || stream_id->type != REDIS_REPLY_STRING
    ||  envelope->type != REDIS_REPLY_STRING || envelope_id->type != REDIS_REPLY_STRING
    ||  stream_id->len >= SB_STORE_STREAM_ID_MAX || envelope_id->len > SB_ID_LEN)
        return NULL;
    sb_store_msg_t *msg = (sb_store_msg_t *) calloc (1, sizeof (sb_store_msg_t));
    uint8_t *copy = (uint8_t *) malloc (envelope->len? envelope->len: 1);
    if (!msg || !copy) {
        free (msg);
        free (copy);
        return NULL;
    }
    memcpy (msg->stream_id, stream_id->str, stream_id->len);
    memcpy (msg->envelope_id, envelope_id->str, envelope_id->len);
    memcpy (copy, envelope->str, envelope->len);
    msg->envelope = copy;
    msg->size = envelope->len;
    msg->base_attempts = base? sb_store_reply_uint (base): 0;
    msg->delivery_count = count;
    return msg;
}

void
sb_store_msg_destroy (sb_store_msg_t **self_p)
{
    if (self_p && *self_p) {
        free ((*self_p)->envelope);
        free (*self_p);
        *self_p = NULL;
    }
}

//  Finds a field's value in a stream entry's flat field list.
const redisReply *
sb_store_field (const redisReply *fields, const char *name)
{
    for (size_t index = 0; index + 1 < fields->elements; index += 2)
        if (fields->element [index]->type == REDIS_REPLY_STRING
        &&  streq (fields->element [index]->str, name))
            return fields->element [index + 1];
    return NULL;
}

//  What MULTI and each command queued after it answer: OK, QUEUED
static int
s_parse_queued (sb_store_t *self, redisReply *reply, void *output, size_t count)
{
    (void) output;
    (void) count;
    if (reply->type != REDIS_REPLY_STATUS)
        return sb_store_fail (self, "fetch: unexpected reply from Redis to MULTI or a queued command");
    return 0;
}

//  Reads a fetch's EXEC reply: [XREADGROUP's (nil, or [[queue, [[id,
//  [field, value, ...]], ...]]]), the queue's claim count (nil: none)]
static int
s_parse_fetch (sb_store_t *self, redisReply *reply, void *output, size_t count)
{
    zlistx_t *out = (zlistx_t *) output;
    (void) count;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
        return sb_store_fail (self, "fetch: unexpected reply from Redis to EXEC");
    const redisReply *read = reply->element [0], *claims = reply->element [1];
    if (read->type == REDIS_REPLY_ERROR || claims->type == REDIS_REPLY_ERROR)
        return sb_store_fail (self, "fetch: Redis: %s", read->type == REDIS_REPLY_ERROR
                                                      ? read->str: claims->str);
    if (read->type != REDIS_REPLY_ARRAY || read->elements != 1
    ||  read->element [0]->elements != 2)
        return 0;   //  nothing new
    uint64_t claim_count = claims->type == REDIS_REPLY_STRING
                         ? strtoull (claims->str, NULL, 10): 0;
    const redisReply *entries = read->element [0]->element [1];
    for (size_t index = 0; index < entries->elements; index++) {
        const redisReply *entry = entries->element [index];
        const redisReply *fields = entry->elements == 2? entry->element [1]: NULL;
        sb_store_msg_t *msg = fields && fields->type == REDIS_REPLY_ARRAY
            ? s_msg_new (entry->element [0], sb_store_field (fields, "e"), sb_store_field (fields, "a"),
                         sb_store_field (fields, "i"), 1)
            : NULL;
        if (!msg)
            return sb_store_fail (self, "fetch: malformed queue entry %zu", index);
        msg->fetched = true;
        msg->claims = claim_count;
        zlistx_add_end (out, msg);
    }
    return 0;
}

//  Queues one command of a fetch's transaction: a string list ending NULL.
static int
s_queue_strings (sb_store_t *self, s_parse_fn *parse, void *output, size_t count, ...)
{
    sb_store_args_t args;
    sb_store_args_init (&args);
    va_list strings;
    va_start (strings, count);
    for (const char *string = va_arg (strings, const char *); string;
         string = va_arg (strings, const char *))
        sb_store_args_add_str (&args, string);
    va_end (strings);
    return s_queue (self, &args, parse, output, count);
}

//  The entries and the claim count are read in one transaction, so that
//  no claim falls between them: complete.lua trusts a fetched entry to be
//  still this broker's while the count has not moved.
int
sb_store_fetch (sb_store_t *self, const char *service, size_t max, zlistx_t *out)
{
    char queue [256], claims [256], count [24];
    snprintf (queue, sizeof queue, "%sq:%.200s", self->prefix, service);
    snprintf (claims, sizeof claims, "%sclaims:%.200s", self->prefix, service);
    snprintf (count, sizeof count, "%zu", max);
    bool alone = !self->pipelining;
    self->pipelining = true;
    size_t owed = zlistx_size (self->pending);
    int rc = s_queue_strings (self, s_parse_queued, NULL, 0, "MULTI", NULL);
    if (rc == 0
    &&  (s_queue_strings (self, s_parse_queued, NULL, 0, "XREADGROUP", "GROUP", SB_STORE_GROUP,
                          self->consumer, "COUNT", count, "STREAMS", queue, ">", NULL)
    ||   s_queue_strings (self, s_parse_queued, NULL, 0, "GET", claims, NULL)
    ||   s_queue_strings (self, s_parse_fetch, out, max, "EXEC", NULL))) {
        //  A transaction half queued cannot be taken back: the connection
        //  goes (its replies owed fail), the reason kept
        sb_store_drop (self);
        rc = -1;
    }
    if (!alone)
        return rc;
    //  Called on its own: sent and read at once
    if (sb_store_pipeline_send (self))
        rc = -1;
    if (sb_store_pipeline_read (self, zlistx_size (self->pending) - owed))
        rc = -1;
    return rc;
}

//  --------------------------------------------------------------------------
//  Pipelines: the broker's round trip per loop

void
sb_store_pipeline_begin (sb_store_t *self)
{
    self->pipelining = true;
}

int
sb_store_pipeline_send (sb_store_t *self)
{
    self->pipelining = false;
    if (!self->redis)
        return zlistx_size (self->pending)? -1: 0;
    int done = 0;
    while (!done)
        if (redisBufferWrite (self->redis, &done) != REDIS_OK) {
            sb_store_fail (self, "Redis at %s: %s", self->url, self->redis->errstr);
            sb_store_drop (self);
            return -1;
        }
    return 0;
}

int
sb_store_fd (sb_store_t *self)
{
    return self->redis? self->redis->fd: -1;
}

size_t
sb_store_pipeline_size (sb_store_t *self)
{
    return zlistx_size (self->pending);
}

bool
sb_store_pipeline_buffered (sb_store_t *self)
{
    return self->redis && self->redis->reader && self->redis->reader->pos < self->redis->reader->len;
}

int
sb_store_pipeline_read (sb_store_t *self, size_t count)
{
    int rc = 0;
    s_pending_t *pending;
    //  The replies are built in the arena, one alive at a time
    redisContext *attached = self->redis;
    if (attached)
        sb_reply_arena_attach (self->arena, attached->reader);
    //  Each of the count replies is read, whatever failed before it, so
    //  that the connection stays in step; a lost connection fails the rest
    while (count-- && (pending = (s_pending_t *) zlistx_detach (self->pending, NULL))) {
        redisReply *reply = NULL;
        if (pending->connection != self->connection)
            rc = -1;   //  sent on a connection since dropped: that reply is lost
        else
        if (self->redis && redisGetReply (self->redis, (void **) &reply) != REDIS_OK) {
            rc = sb_store_fail (self, "Redis at %s: %s", self->url, self->redis->errstr);
            sb_store_drop (self);
        }
        else
        if (!reply)
            rc = -1;
        else
        if (reply->type == REDIS_REPLY_ERROR) {
            rc = sb_store_fail (self, "Redis: %s", reply->str);
            //  Redis lost them: load them once the pipeline is read
            self->reload_scripts = self->reload_scripts || strstr (reply->str, "NOSCRIPT");
        }
        else
        if (pending->parse (self, reply, pending->output, pending->count))
            rc = -1;
        sb_reply_arena_reset (self->arena);
        free (pending);
    }
    //  A dropped connection took its reader with it
    if (attached && attached == self->redis)
        sb_reply_arena_detach (self->arena, attached->reader);
    //  Loading is a command of its own: only with no other reply owed
    if (self->reload_scripts && self->redis && zlistx_size (self->pending) == 0
    &&  s_load_scripts (self) == 0)
        self->reload_scripts = false;
    return rc;
}

int
sb_store_claim (sb_store_t *self, const char *service, const char *mode,
                int64_t min_idle_ms, size_t max, const char *const *ids,
                size_t id_count, zlistx_t *out)
{
    sb_store_args_t args;
    sb_store_args_eval (self, &args, S_CLAIM);
    sb_store_args_add_str (&args, SB_STORE_GROUP);
    sb_store_args_add_str (&args, self->consumer);
    sb_store_args_add_str (&args, service);
    sb_store_args_add_str (&args, mode);
    sb_store_args_add_int (&args, min_idle_ms);
    sb_store_args_add_int (&args, (int64_t) max);
    for (size_t index = 0; index < id_count; index++)
        sb_store_args_add_str (&args, ids [index]);
    redisReply *reply = sb_store_eval (self, &args);
    sb_store_args_clear (&args);
    if (!reply)
        return -1;
    int rc = 0;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 5)
        rc = sb_store_fail (self, "claim: unexpected reply from Redis");
    for (size_t index = 0; rc == 0 && index < reply->elements; index += 5) {
        redisReply **item = reply->element + index;
        sb_store_msg_t *msg = s_msg_new (item [0], item [1], item [2], item [3],
                                         sb_store_reply_uint (item [4]));
        if (msg)
            zlistx_add_end (out, msg);
        else
            rc = sb_store_fail (self, "claim: malformed entry in %s's queue", service);
    }
    freeReplyObject (reply);
    return rc;
}

int
sb_store_touch (sb_store_t *self, const char *service, const char *const *ids, size_t count)
{
    sb_store_args_t args;
    sb_store_args_eval (self, &args, S_TOUCH);
    sb_store_args_add_str (&args, SB_STORE_GROUP);
    sb_store_args_add_str (&args, self->consumer);
    sb_store_args_add_str (&args, service);
    for (size_t index = 0; index < count; index++)
        sb_store_args_add_str (&args, ids [index]);
    redisReply *reply = sb_store_eval (self, &args);
    sb_store_args_clear (&args);
    freeReplyObject (reply);
    return reply? 0: -1;
}

int
sb_store_trim (sb_store_t *self, const char *service, int64_t *removed)
{
    sb_store_args_t args;
    sb_store_args_eval (self, &args, S_TRIM);
    sb_store_args_add_str (&args, SB_STORE_GROUP);
    sb_store_args_add_str (&args, service);
    redisReply *reply = sb_store_eval (self, &args);
    sb_store_args_clear (&args);
    if (!reply)
        return -1;
    *removed = reply->type == REDIS_REPLY_INTEGER? reply->integer: 0;
    freeReplyObject (reply);
    return 0;
}

int
sb_store_move_due (sb_store_t *self, int64_t now_ms, size_t max,
                   int64_t *next_due_ms, zlistx_t *services)
{
    sb_store_args_t args;
    sb_store_args_eval (self, &args, S_MOVE_DUE);
    sb_store_args_add_int (&args, now_ms);
    sb_store_args_add_int (&args, (int64_t) max);
    redisReply *reply = sb_store_eval (self, &args);
    sb_store_args_clear (&args);
    if (!reply)
        return -1;
    int rc = 0;
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements < 2)
        rc = sb_store_fail (self, "move_due: unexpected reply from Redis");
    else {
        *next_due_ms = reply->element [1]->type == REDIS_REPLY_INTEGER
                     ? reply->element [1]->integer: -1;
        for (size_t index = 2; index < reply->elements; index++)
            if (reply->element [index]->type == REDIS_REPLY_STRING)
                zlistx_add_end (services, strdup (reply->element [index]->str));
    }
    freeReplyObject (reply);
    return rc;
}
