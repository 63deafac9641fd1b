/*  sb_timesheet_store.c — the Redis backend (layout in the header and in
    docs/tenants.md). Logging and submitting are one Lua script each, so
    the idempotency record, the submitted-week check and the write happen
    atomically: two deliveries of one message never both write.          */

#include "sb_timesheet_store.h"
#include "sb_date.h"
#include "sb_script.h"

//  KEYS: entries, submitted, done record. ARGV: day number, entry JSON,
//  hours, ISO week, record TTL. Answers {what, detail}: duplicate (the
//  entry recorded first), submitted, over (the day's hours so far), or
//  recorded (the day's hours now).
static sb_script_t s_log_script = SB_SCRIPT (
    "local done = redis.call('GET', KEYS[3])\n"
    "if done then return {'duplicate', done} end\n"
    "if redis.call('HEXISTS', KEYS[2], ARGV[4]) == 1 then return {'submitted', ARGV[4]} end\n"
    "local total = 0\n"
    "for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])) do\n"
    "  local ok, entry = pcall(cjson.decode, member)\n"
    "  if ok and type(entry) == 'table' and tonumber(entry.hours) then\n"
    "    total = total + tonumber(entry.hours)\n"
    "  end\n"
    "end\n"
    "if total + tonumber(ARGV[3]) > 24.000001 then return {'over', tostring(total)} end\n"
    "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])\n"
    "redis.call('SET', KEYS[3], ARGV[2], 'EX', ARGV[5])\n"
    "return {'recorded', tostring(total + tonumber(ARGV[3]))}\n");

//  KEYS: submitted, done record. ARGV: ISO week, record JSON, record TTL.
//  Answers {what, detail}: duplicate, already (the first record), or
//  submitted.
static sb_script_t s_submit_script = SB_SCRIPT (
    "local done = redis.call('GET', KEYS[2])\n"
    "if done then return {'duplicate', done} end\n"
    "local previous = redis.call('HGET', KEYS[1], ARGV[1])\n"
    "if previous then return {'already', previous} end\n"
    "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
    "redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3])\n"
    "return {'submitted', ARGV[2]}\n");

//  Turns a failed reply into a code and a reason naming what was done:
//  no reply (connection lost) or a busy server is TRANSIENT, a wrong type
//  or a script error BROKEN. Frees reply.
static int
s_failed (redisContext *redis, redisReply *reply, const char *what, char *err, size_t errlen)
{
    int rc = SB_TIMESHEET_TRANSIENT;
    if (!reply)
        snprintf (err, errlen, "Redis %s: %s", what, redis->errstr [0]? redis->errstr: "no reply");
    else
    if (reply->type == REDIS_REPLY_ERROR) {
        bool busy = strncmp (reply->str, "LOADING", 7) == 0
                 || strncmp (reply->str, "BUSY", 4) == 0
                 || strncmp (reply->str, "TRYAGAIN", 8) == 0
                 || strncmp (reply->str, "MASTERDOWN", 10) == 0;
        rc = busy? SB_TIMESHEET_TRANSIENT: SB_TIMESHEET_BROKEN;
        snprintf (err, errlen, "Redis %s: %.200s", what, reply->str);
    }
    else {
        rc = SB_TIMESHEET_BROKEN;
        snprintf (err, errlen, "Redis %s: unexpected reply type %d", what, reply->type);
    }
    freeReplyObject (reply);
    return rc;
}

//  Writes an employee's key prefix "sb:ts:{<tenant>:<id>}" into buffer.
static void
s_prefix (char *buffer, size_t size, const char *tenant, const char *employee)
{
    snprintf (buffer, size, "sb:ts:{%s:%s}", tenant, employee);
}

//  Copies a string reply of at most max bytes into buffer; NULL or nil
//  gives "". Returns 0, or -1 if it is not a string or too long.
static int
s_copy_string (const redisReply *reply, char *buffer, size_t max)
{
    buffer [0] = 0;
    if (!reply || reply->type == REDIS_REPLY_NIL)
        return 0;
    if (reply->type != REDIS_REPLY_STRING || reply->len > max)
        return -1;
    memcpy (buffer, reply->str, reply->len);
    buffer [reply->len] = 0;
    return 0;
}

//  Reads one stored entry (JSON text) as {date, project, hours, note?}.
//  Returns a new object, or NULL if it is not one.
static json_t *
s_parse_entry (const char *text, size_t length)
{
    json_t *stored = json_loadb (text, length, 0, NULL);
    json_t *entry = sb_timesheet_entry_checked (stored);
    json_decref (stored);
    return entry;
}

//  A ZRANGEBYSCORE reply of prefix's entries from..to (borrowed) into a
//  new array in *entries. Returns OK, or BROKEN naming the bad member.
static int
s_entries_reply (const redisReply *reply, const char *prefix, int32_t from, int32_t to,
                 json_t **entries, char *err, size_t errlen)
{
    *entries = json_array ();
    for (size_t index = 0; index < reply->elements; index++) {
        const redisReply *member = reply->element [index];
        json_t *entry = member->type == REDIS_REPLY_STRING
                      ? s_parse_entry (member->str, member->len): NULL;
        if (!entry) {
            char from_text [11], to_text [11];
            sb_date_format (from, from_text);
            sb_date_format (to, to_text);
            snprintf (err, errlen, "%s:entries: member %zu of %s..%s is not an entry "
                      "{date, project, hours, note?}", prefix, index, from_text, to_text);
            json_decref (*entries);
            *entries = NULL;
            return SB_TIMESHEET_BROKEN;
        }
        json_array_append_new (*entries, entry);
    }
    return SB_TIMESHEET_OK;
}

//  The directory's reply (GET key, taken) into employee->id. Returns OK,
//  NOT_FOUND, or a failure code with why.
static int
s_take_id (redisContext *redis, redisReply *reply, const char *key,
           sb_timesheet_employee_t *employee, char *err, size_t errlen)
{
    if (!reply || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_NIL)) {
        char what [320];
        snprintf (what, sizeof what, "GET %s", key);
        return s_failed (redis, reply, what, err, errlen);
    }
    bool found = reply->type == REDIS_REPLY_STRING;
    int rc = found && (reply->len == 0
                    || s_copy_string (reply, employee->id, SB_TIMESHEET_ID_MAX));
    freeReplyObject (reply);
    if (rc)
        return sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "%s: not an employee id "
                                   "of 1..%d bytes", key, SB_TIMESHEET_ID_MAX);
    return found? SB_TIMESHEET_OK: SB_TIMESHEET_NOT_FOUND;
}

//  The employee's reply (HGET <sb:emp:tenant:id> name, taken) into
//  employee->name. Returns OK, or a failure code with why.
static int
s_take_name (redisContext *redis, redisReply *reply, const char *tenant, const char *id,
             sb_timesheet_employee_t *employee, char *err, size_t errlen)
{
    char key [300];
    snprintf (key, sizeof key, "sb:emp:%s:%s", tenant, id);
    if (!reply || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_NIL)) {
        char what [320];
        snprintf (what, sizeof what, "HGET %s name", key);
        return s_failed (redis, reply, what, err, errlen);
    }
    int rc = s_copy_string (reply, employee->name, SB_TIMESHEET_NAME_MAX);
    freeReplyObject (reply);
    if (rc)
        return sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "%s: name longer than %d "
                                   "bytes", key, SB_TIMESHEET_NAME_MAX);
    return SB_TIMESHEET_OK;
}

//  s_lookup_guessed's answer when the directory names another id
#define S_GUESS_MISSED  100

//  With a guess of the id, the directory and the guessed employee's name
//  in one round trip. Returns OK (the guess held: employee filled),
//  S_GUESS_MISSED (the directory's id is in employee->id, its name still
//  to read), NOT_FOUND, or a failure code.
static int
s_lookup_guessed (redisContext *redis, const char *tenant, const char *key, const char *guess,
                  sb_timesheet_prefetch_t *prefetch, sb_timesheet_employee_t *employee,
                  char *err, size_t errlen)
{
    char prefix [300];
    s_prefix (prefix, sizeof prefix, tenant, guess);
    redisReply *directory = NULL, *name = NULL, *entries = NULL;
    bool sent = redisAppendCommand (redis, "GET %s", key) == REDIS_OK
             && redisAppendCommand (redis, "HGET sb:emp:%s:%s name", tenant, guess) == REDIS_OK
             && (!prefetch || redisAppendCommand (redis, "ZRANGEBYSCORE %s:entries %d %d",
                                                  prefix, (int) prefetch->from,
                                                  (int) prefetch->to) == REDIS_OK);
    if (sent && redisGetReply (redis, (void **) &directory) == REDIS_OK
    &&  redisGetReply (redis, (void **) &name) == REDIS_OK && prefetch)
        redisGetReply (redis, (void **) &entries);
    int rc = s_take_id (redis, directory, key, employee, err, errlen);
    bool held = rc == SB_TIMESHEET_OK && streq (employee->id, guess);
    if (held)
        rc = s_take_name (redis, name, tenant, guess, employee, err, errlen);
    else
        freeReplyObject (name);
    //  Entries that do not read well are left for the query to read (and
    //  to fail on, naming them) as it would without a prefetch
    char unused [8];
    if (held && rc == SB_TIMESHEET_OK && entries && entries->type == REDIS_REPLY_ARRAY
    &&  s_entries_reply (entries, prefix, prefetch->from, prefetch->to, &prefetch->entries,
                         unused, sizeof unused) != SB_TIMESHEET_OK)
        prefetch->entries = NULL;
    freeReplyObject (entries);
    return rc == SB_TIMESHEET_OK && !held? S_GUESS_MISSED: rc;
}

int
sb_timesheet_store_lookup (redisContext *redis, const char *tenant, const char *phone,
                           const char *guess, sb_timesheet_prefetch_t *prefetch,
                           sb_timesheet_employee_t *employee, char *err, size_t errlen)
{
    char key [300];
    snprintf (key, sizeof key, "sb:dir:%s:phone:%s", tenant, phone);
    bool guessing = guess && *guess;
    int rc = guessing
           ? s_lookup_guessed (redis, tenant, key, guess, prefetch, employee, err, errlen)
           : s_take_id (redis, (redisReply *) redisCommand (redis, "GET %s", key), key,
                        employee, err, errlen);
    //  Without a guess, or past one that missed, the name is still to read
    if (rc == S_GUESS_MISSED || (rc == SB_TIMESHEET_OK && !guessing))
        rc = s_take_name (redis, (redisReply *) redisCommand (redis, "HGET sb:emp:%s:%s name",
                                                              tenant, employee->id),
                          tenant, employee->id, employee, err, errlen);
    return rc;
}

int
sb_timesheet_store_entries (redisContext *redis, const char *tenant, const char *employee,
                            int32_t from, int32_t to, json_t **entries, char *err, size_t errlen)
{
    char prefix [300];
    s_prefix (prefix, sizeof prefix, tenant, employee);
    char from_text [11], to_text [11], what [400];
    sb_date_format (from, from_text);
    sb_date_format (to, to_text);
    snprintf (what, sizeof what, "ZRANGEBYSCORE %s:entries (%s..%s)", prefix, from_text, to_text);
    redisReply *reply = redisCommand (redis, "ZRANGEBYSCORE %s:entries %d %d", prefix,
                                      (int) from, (int) to);
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        return s_failed (redis, reply, what, err, errlen);
    int rc = s_entries_reply (reply, prefix, from, to, entries, err, errlen);
    freeReplyObject (reply);
    return rc;
}

//  Runs script with its keys and arguments (argc strings in all, the
//  number of keys first). Answers {what, detail} as two strings, or a
//  failure code with the reason.
static int
s_eval (redisContext *redis, sb_script_t *script, int argc, const char **argv, char what [16],
        char **detail, char *err, size_t errlen)
{
    redisReply *reply = sb_script_run (script, redis, argc, argv, NULL);
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2
    ||  reply->element [0]->type != REDIS_REPLY_STRING
    ||  reply->element [1]->type != REDIS_REPLY_STRING
    ||  reply->element [0]->len >= 16) {
        if (reply && reply->type == REDIS_REPLY_ARRAY) {
            freeReplyObject (reply);
            return sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen,
                                       "Redis script: not {what, detail}");
        }
        return s_failed (redis, reply, "EVAL", err, errlen);
    }
    memcpy (what, reply->element [0]->str, reply->element [0]->len + 1);
    *detail = strndup (reply->element [1]->str, reply->element [1]->len);
    freeReplyObject (reply);
    return SB_TIMESHEET_OK;
}

//  Formats a number of hours as briefly as it reads: 8, 7.5, 0.25.
static void
s_hours_text (double hours, char text [32])
{
    snprintf (text, 32, "%.10g", hours);
}

int
sb_timesheet_store_log (redisContext *redis, const char *tenant, const char *employee,
                        const char *key, const json_t *entry, json_t **recorded,
                        char *err, size_t errlen)
{
    const char *date = json_string_value (json_object_get (entry, "date"));
    int32_t day;
    if (!date || sb_date_parse (date, &day))
        return sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "entry without a valid date");
    char prefix [300], entries [320], submitted [320], done [600], day_text [16], hours [32];
    char week [16], ttl [16], what [16];
    s_prefix (prefix, sizeof prefix, tenant, employee);
    snprintf (entries, sizeof entries, "%s:entries", prefix);
    snprintf (submitted, sizeof submitted, "%s:submitted", prefix);
    snprintf (done, sizeof done, "%s:done:%s", prefix, key);
    snprintf (day_text, sizeof day_text, "%d", (int) day);
    snprintf (hours, sizeof hours, "%.17g", json_number_value (json_object_get (entry, "hours")));
    snprintf (ttl, sizeof ttl, "%d", SB_TIMESHEET_DONE_TTL_S);
    sb_timesheet_week_label (sb_date_week_start (day), week);
    json_t *stored = json_deep_copy (entry);
    json_object_set_new (stored, "id", json_string (key));
    char *member = json_dumps (stored, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (stored);
    const char *argv [] = { "3", entries, submitted, done, day_text, member, hours, week, ttl };
    char *detail = NULL;
    int rc = s_eval (redis, &s_log_script, 9, argv, what, &detail, err, errlen);
    free (member);
    if (rc == 0) {
        rc = streq (what, "recorded")? SB_TIMESHEET_OK
           : streq (what, "duplicate")? SB_TIMESHEET_DUPLICATE: SB_TIMESHEET_REFUSED;
        if (streq (what, "submitted"))
            snprintf (err, errlen, "week %s is already submitted", week);
        else
        if (streq (what, "over")) {
            char more [32], total [32];
            s_hours_text (json_number_value (json_object_get (entry, "hours")), more);
            s_hours_text (strtod (detail, NULL), total);
            snprintf (err, errlen, "%s already has %s hours logged: %s more would pass 24 "
                      "hours in a day", date, total, more);
        }
        *recorded = rc == SB_TIMESHEET_DUPLICATE? s_parse_entry (detail, strlen (detail))
                  : rc == SB_TIMESHEET_OK? json_deep_copy (entry): NULL;
        if (rc == SB_TIMESHEET_DUPLICATE && !*recorded)
            rc = sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "%s: not an entry", done);
    }
    free (detail);
    return rc;
}

int
sb_timesheet_store_submit (redisContext *redis, const char *tenant, const char *employee,
                           int32_t week_start, const char *key, int64_t now_ms,
                           char *err, size_t errlen)
{
    char prefix [300], submitted [320], done [600], week [16], ttl [16], what [16];
    s_prefix (prefix, sizeof prefix, tenant, employee);
    snprintf (submitted, sizeof submitted, "%s:submitted", prefix);
    snprintf (done, sizeof done, "%s:done:%s", prefix, key);
    snprintf (ttl, sizeof ttl, "%d", SB_TIMESHEET_DONE_TTL_S);
    sb_timesheet_week_label (week_start, week);
    json_t *record = json_pack ("{s:s, s:I}", "key", key, "at_ms", (json_int_t) now_ms);
    char *text = json_dumps (record, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (record);
    const char *argv [] = { "2", submitted, done, week, text, ttl };
    char *detail = NULL;
    int rc = s_eval (redis, &s_submit_script, 6, argv, what, &detail, err, errlen);
    free (text);
    if (rc == 0 && streq (what, "already")) {
        snprintf (err, errlen, "week %s is already submitted", week);
        rc = SB_TIMESHEET_REFUSED;
    }
    else
    if (rc == 0 && streq (what, "duplicate"))
        rc = SB_TIMESHEET_DUPLICATE;
    free (detail);
    return rc;
}

//  Reads employee id's name, phone and channel into a new {id, name,
//  phone, channel}, or answers a failure code.
static int
s_employee (redisContext *redis, const char *tenant, const char *id, json_t **employee,
            char *err, size_t errlen)
{
    char what [300];
    snprintf (what, sizeof what, "HMGET sb:emp:%s:%s name phone channel", tenant, id);
    redisReply *reply = redisCommand (redis, "HMGET sb:emp:%s:%s name phone channel", tenant,
                                      id);
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
        return s_failed (redis, reply, what, err, errlen);
    char name [SB_TIMESHEET_NAME_MAX + 1], phone [65], channel [16];
    int rc = s_copy_string (reply->element [0], name, SB_TIMESHEET_NAME_MAX)
          || s_copy_string (reply->element [1], phone, 64)
          || s_copy_string (reply->element [2], channel, 15);
    freeReplyObject (reply);
    if (rc)
        return sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen,
                                   "sb:emp:%s:%s: name, phone or channel too long", tenant, id);
    *employee = json_pack ("{s:s, s:s, s:s, s:s}", "id", id, "name", name, "phone", phone,
                           "channel", channel);
    return SB_TIMESHEET_OK;
}

int
sb_timesheet_store_employees (redisContext *redis, const char *tenant, json_t **employees,
                              char *err, size_t errlen)
{
    char what [300];
    snprintf (what, sizeof what, "SMEMBERS sb:emps:%s", tenant);
    redisReply *reply = redisCommand (redis, "SMEMBERS sb:emps:%s", tenant);
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        return s_failed (redis, reply, what, err, errlen);
    json_t *stored = json_array ();
    int rc = SB_TIMESHEET_OK;
    for (size_t index = 0; rc == SB_TIMESHEET_OK && index < reply->elements; index++) {
        const redisReply *member = reply->element [index];
        json_t *employee = NULL;
        if (member->type != REDIS_REPLY_STRING || !member->len
        ||  member->len > SB_TIMESHEET_ID_MAX)
            rc = sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "sb:emps:%s: member %zu "
                                     "is not an employee id", tenant, index);
        else
            rc = s_employee (redis, tenant, member->str, &employee, err, errlen);
        if (rc == SB_TIMESHEET_OK)
            json_array_append_new (stored, employee);
    }
    freeReplyObject (reply);
    if (rc == SB_TIMESHEET_OK) {
        *employees = sb_timesheet_employees_checked (stored, what, err, errlen);
        rc = *employees? SB_TIMESHEET_OK: SB_TIMESHEET_BROKEN;
    }
    json_decref (stored);
    return rc;
}

int
sb_timesheet_store_put_employee (redisContext *redis, const char *tenant, const char *id,
                                 const char *name, const char *phone, const char *channel,
                                 char *err, size_t errlen)
{
    char what [300];
    snprintf (what, sizeof what, "HGET sb:emp:%s:%s phone", tenant, id);
    redisReply *reply = redisCommand (redis, "HGET sb:emp:%s:%s phone", tenant, id);
    if (!reply || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_NIL))
        return s_failed (redis, reply, what, err, errlen);
    //  A number the employee no longer has leaves the directory
    char *old = reply->type == REDIS_REPLY_STRING && !streq (reply->str, phone)
              ? strdup (reply->str): NULL;
    freeReplyObject (reply);
    redisAppendCommand (redis, "MULTI");
    if (old)
        redisAppendCommand (redis, "DEL sb:dir:%s:phone:%s", tenant, old);
    redisAppendCommand (redis, "SET sb:dir:%s:phone:%s %s", tenant, phone, id);
    redisAppendCommand (redis, "HSET sb:emp:%s:%s name %s phone %s channel %s", tenant, id,
                        name, phone, channel);
    redisAppendCommand (redis, "SADD sb:emps:%s %s", tenant, id);
    redisAppendCommand (redis, "EXEC");
    int rc = SB_TIMESHEET_OK;
    for (int index = 0; index < (old? 6: 5); index++) {
        reply = NULL;
        if (redisGetReply (redis, (void **) &reply) != REDIS_OK || !reply
        ||  reply->type == REDIS_REPLY_ERROR) {
            rc = s_failed (redis, reply, "MULTI ... EXEC (directory entry)", err, errlen);
            break;
        }
        freeReplyObject (reply);
    }
    free (old);
    return rc;
}
