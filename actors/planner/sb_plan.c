/*  sb_plan.c — an inbound message to a plan.tool_call: who wrote, what
    they want (the rules or the LLM, then the memory for a follow-up), the
    period in the tenant's zone at the time the message was received, and
    the tool; and message.sent into the memory as the assistant's turn.   */

#include "sb_planner.h"
#include "sb_actor_redis.h"
#include "sb_tenant.h"
#include "sb_tz_cache.h"
#include "sb_period.h"
#include "sb_date.h"

//  One inbound message, filled in step by step.
typedef struct {
    sb_actor_ctx_t *ctx;
    sb_planner_t *self;
    json_t *body;                //  the message's body (borrowed)
    const char *tenant_id, *phone, *text, *id, *channel;
    int64_t now_ms;              //  when it was received: "now" for the periods
    int32_t today;               //  its date in the tenant's zone
    char zone [128];
    redisContext *redis;
    json_t *turns;               //  recent turns, newest first
    sb_intent_t intent;
    bool followed;               //  a follow-up that inherited an earlier intent
    char backend [300];          //  entities.planner: how it was read ("" by rules)
    json_t *missing;             //  what a log lacks, or NULL
} s_inbound_t;

//  Ends the handling after a Redis error: a broken connection is reopened
//  on the next message, the message is tried again.
static sb_actor_result_t
s_redis_retry (sb_actor_ctx_t *ctx, redisContext *redis, const char *err)
{
    if (redis && redis->err)
        sb_actor_redis_failed (ctx);
    return sb_actor_retry (ctx, 0, "%s", err);
}

//  The calling thread's Redis into *redis (one is configured: the runtime
//  refuses to start the planner without, def.needs_redis).
static sb_actor_result_t
s_connect (sb_actor_ctx_t *ctx, redisContext **redis)
{
    char err [256];
    *redis = sb_actor_redis (ctx, err, sizeof err);
    return *redis? SB_ACTOR_DONE: sb_actor_retry (ctx, 0, "planner: Redis: %s", err);
}

//  The tenant's zone, and today's date there at the time received.
static sb_actor_result_t
s_today (s_inbound_t *in)
{
    char err [512];
    int code = 0;
    sb_tenant_t *tenant = sb_tenant_load (in->ctx, in->tenant_id, &code, err, sizeof err);
    if (!tenant)
        return sb_tenant_refuse (in->ctx, code, err);
    snprintf (in->zone, sizeof in->zone, "%s", sb_tenant_str (tenant, "timezone"));
    sb_tenant_destroy (&tenant);
    const sb_tz_t *zone = sb_tz_cache_get (in->ctx, in->zone, err, sizeof err);
    if (!zone)
        return sb_actor_fail (in->ctx, "tenant %s: timezone: %s", in->tenant_id, err);
    sb_tz_civil_t civil;
    sb_tz_civil (zone, in->now_ms, &civil);
    in->today = civil.days;
    return SB_ACTOR_DONE;
}

//  Reads the text: with the LLM if configured, by the rules otherwise or
//  when the LLM fails (the reason goes into entities.planner).
static void
s_analyse (s_inbound_t *in)
{
    if (in->self->llm) {
        sb_llm_request_t request = { in->text, in->turns, in->id, in->today, in->zone,
                                     sb_actor_deadline_ms (in->ctx) };
        char why [256];
        if (sb_llm_plan (in->self->llm, &request, &in->intent, why, sizeof why) == 0) {
            snprintf (in->backend, sizeof in->backend, "llm");
            return;
        }
        zsys_warning ("planner: llm: %s; the rules read message %s instead", why, in->id);
        snprintf (in->backend, sizeof in->backend, "rules (llm: %s)", why);
    }
    sb_intent_parse (in->text, in->self->date_order, &in->intent);
}

//  A follow-up ("and last week?") takes the previous user turn's intent
//  and entities, its own replacing theirs. With nothing to follow, a period
//  or project alone is a question about hours.
static void
s_follow_up (s_inbound_t *in)
{
    if (!in->intent.follow_up)
        return;
    const json_t *turn = sb_memory_last_user_turn (in->turns, in->id);
    int previous = turn? sb_intent_from_name (json_string_value (json_object_get (turn,
                                                                                  "intent"))): -1;
    if (previous == SB_INTENT_CHECK_HOURS || previous == SB_INTENT_MISSING_HOURS
    ||  previous == SB_INTENT_LOG_HOURS || previous == SB_INTENT_SUBMIT_WEEK) {
        sb_intent_t base;
        memset (&base, 0, sizeof base);
        base.intent = (sb_intent_kind_t) previous;
        sb_intent_read_entities (&base, json_object_get (turn, "entities"));
        sb_intent_merge (&base, &in->intent);
        in->intent = base;
        in->followed = true;
        return;
    }
    in->intent.follow_up = false;
    if (in->intent.period != SB_PERIOD_NONE || in->intent.project [0])
        in->intent.intent = SB_INTENT_CHECK_HOURS;
}

//  The period an intent means when the text names none.
static void
s_default_period (sb_intent_t *intent)
{
    if (intent->period != SB_PERIOD_NONE)
        return;
    if (intent->intent == SB_INTENT_LOG_HOURS)
        intent->period = SB_PERIOD_TODAY;
    else
    if (intent->intent == SB_INTENT_CHECK_HOURS || intent->intent == SB_INTENT_MISSING_HOURS
    ||  intent->intent == SB_INTENT_SUBMIT_WEEK)
        intent->period = SB_PERIOD_THIS_WEEK;
}

//  timesheet.log's arguments, or NULL with what is missing listed.
static json_t *
s_log_args (s_inbound_t *in, const sb_period_t *period)
{
    in->missing = json_array ();
    if (!in->intent.has_hours)
        json_array_append_new (in->missing, json_string ("hours"));
    if (!in->intent.project [0])
        json_array_append_new (in->missing, json_string ("project"));
    if (!sb_period_single_day (period))
        json_array_append_new (in->missing, json_string ("day"));
    if (json_array_size (in->missing))
        return NULL;
    json_decref (in->missing);
    in->missing = NULL;
    char date [11];
    sb_date_format (period->from, date);
    json_t *args = json_pack ("{s:s, s:o, s:s}", "date", date,
                              "hours", sb_intent_number (in->intent.hours),
                              "project", in->intent.project);
    if (in->intent.note [0])
        json_object_set_new (args, "note", json_string (in->intent.note));
    return args;
}

//  The tool to ask for, its arguments into *args (new).
static const char *
s_tool (s_inbound_t *in, json_t **args)
{
    sb_period_t period;
    sb_period_resolve (&in->intent, in->today, &period);
    switch (in->intent.intent) {
        case SB_INTENT_CHECK_HOURS:
        case SB_INTENT_MISSING_HOURS:
            *args = sb_period_json (&period);
            return "timesheet.query";
        case SB_INTENT_SUBMIT_WEEK:
            period.from = sb_date_week_start (period.from);
            period.to = period.from + 6;
            *args = sb_period_json (&period);
            return "timesheet.submit";
        case SB_INTENT_LOG_HOURS:
            if ((*args = s_log_args (in, &period)))
                return "timesheet.log";
            break;
        default:
            break;
    }
    //  Greetings, help, the unknown, a log that lacks something: the
    //  lookup tells who wrote (or that the number is not registered)
    *args = json_object ();
    return "employee.lookup";
}

//  The conversation this message starts (new).
static json_t *
s_conversation (s_inbound_t *in)
{
    json_t *entities = sb_intent_entities (&in->intent);
    if (in->followed)
        json_object_set_new (entities, "follow_up", json_true ());
    if (in->missing)
        json_object_set (entities, "missing", in->missing);
    if (*in->backend)
        json_object_set_new (entities, "planner", json_string (in->backend));
    json_t *conversation = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:o, s:I}", "channel", in->channel, "employee_phone",
        in->phone, "inbound_message_id", in->id, "text", in->text,
        "intent", sb_intent_name (in->intent.intent), "entities", entities,
        "received_at_ms", (json_int_t) in->now_ms);
    const char *to = json_string_value (json_object_get (in->body, "to"));
    if (conversation && to)
        json_object_set_new (conversation, "tenant_number", json_string (to));
    return conversation;
}

//  Records the employee's turn (once, however often the message comes).
static sb_actor_result_t
s_remember (s_inbound_t *in, const json_t *conversation)
{
    char err [512];
    json_t *turn = sb_memory_turn (in->id, "user", in->channel, in->text,
                                   sb_intent_name (in->intent.intent),
                                   json_object_get (conversation, "entities"), in->now_ms);
    int rc = turn? sb_memory_record (in->redis, in->tenant_id, in->phone, turn,
                                     &in->self->memory, err, sizeof err): -1;
    if (!turn)
        snprintf (err, sizeof err, "conversation memory: out of memory");
    json_decref (turn);
    return rc < 0? s_redis_retry (in->ctx, in->redis, err): SB_ACTOR_DONE;
}

//  Reads the recent turns into in->turns, once.
static sb_actor_result_t
s_recall (s_inbound_t *in)
{
    char err [512];
    if (!in->turns
    &&  sb_memory_recent (in->redis, in->tenant_id, in->phone, &in->self->memory, &in->turns,
                          err, sizeof err))
        return s_redis_retry (in->ctx, in->redis, err);
    return SB_ACTOR_DONE;
}

//  Everything after the connection: memory, reading, tool, emit. The
//  recent turns are read only when something reads them: the LLM always,
//  the rules for a follow-up alone (most messages are not one, and that
//  read was a round trip to Redis and a JSON parse per turn).
static sb_actor_result_t
s_plan (s_inbound_t *in)
{
    sb_actor_result_t result = s_today (in);
    if (result == SB_ACTOR_DONE && in->self->llm)
        result = s_recall (in);
    if (result != SB_ACTOR_DONE)
        return result;
    s_analyse (in);
    if (in->intent.follow_up && (result = s_recall (in)) != SB_ACTOR_DONE)
        return result;
    s_follow_up (in);
    s_default_period (&in->intent);
    json_t *args = NULL;
    const char *tool = s_tool (in, &args);
    json_t *conversation = s_conversation (in);
    result = conversation? s_remember (in, conversation)
                         : sb_actor_retry (in->ctx, 0, "planner: out of memory");
    if (result == SB_ACTOR_DONE
    &&  sb_actor_emit (in->ctx, "plan.tool_call", json_pack ("{s:s, s:O, s:O}", "tool", tool,
                                                             "args", args,
                                                             "conversation", conversation)))
        result = sb_actor_retry (in->ctx, 0, "planner: cannot emit plan.tool_call");
    json_decref (args);
    json_decref (conversation);
    return result;
}

sb_actor_result_t
sb_planner_inbound (sb_actor_ctx_t *ctx, const sb_envelope_t *message, sb_planner_t *self)
{
    s_inbound_t in = { .ctx = ctx, .self = self, .body = sb_envelope_body (message) };
    bool sms = streq (sb_envelope_type (message), "sms.received");
    in.tenant_id = sb_envelope_tenant (message);
    in.phone = json_string_value (json_object_get (in.body, "from"));
    in.text = json_string_value (json_object_get (in.body, "text"));
    in.id = json_string_value (json_object_get (in.body, sms? "message_sid": "message_id"));
    in.channel = sms? "sms": "whatsapp";
    in.now_ms = sb_envelope_created_ms (message);
    sb_actor_result_t result = s_connect (ctx, &in.redis);
    if (result == SB_ACTOR_DONE)
        result = s_plan (&in);
    json_decref (in.turns);
    json_decref (in.missing);
    return result;
}

sb_actor_result_t
sb_planner_sent (sb_actor_ctx_t *ctx, const sb_envelope_t *message, sb_planner_t *self)
{
    json_t *body = sb_envelope_body (message);
    const json_t *conversation = json_object_get (body, "conversation");
    const char *phone = json_string_value (json_object_get (conversation, "employee_phone"));
    json_t *sent_at = json_object_get (body, "sent_at_ms");
    redisContext *redis = NULL;
    sb_actor_result_t result = s_connect (ctx, &redis);
    if (result != SB_ACTOR_DONE)
        return result;
    json_t *turn = sb_memory_turn (
        json_string_value (json_object_get (body, "message_sid")), "assistant",
        json_string_value (json_object_get (body, "channel")),
        json_string_value (json_object_get (body, "text")), NULL, NULL,
        json_is_integer (sent_at)? json_integer_value (sent_at): sb_envelope_created_ms (message));
    char err [512] = "conversation memory: out of memory";
    int rc = turn? sb_memory_record (redis, sb_envelope_tenant (message), phone, turn,
                                     &self->memory, err, sizeof err): -1;
    json_decref (turn);
    return rc < 0? s_redis_retry (ctx, redis, err): SB_ACTOR_DONE;
}
