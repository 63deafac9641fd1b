/*  sb_planner.c — the planner's config and the dispatch by message type. */

#include "sb_planner.h"
#include "sb_tenant_cache.h"

const char *sb_planner_config_help =
    "  backend = rules          rules | llm: who reads the texts; llm falls back to the\n"
    "                           rules on any error, and says so in conversation.entities\n"
    "  date_order = dmy         how \"5/3\" reads: dmy (5 March) or mdy (May 3)\n"
    "  memory/turns = 10        turns remembered per employee, 1..100\n"
    "  memory/ttl = 86400       seconds a conversation is remembered after its last turn\n"
    "  llm/base_url             OpenAI-compatible server (backend llm): POSTs to\n"
    "                           <base_url>/v1/chat/completions\n"
    "  llm/model = gpt-4o-mini  the model asked\n"
    "  llm/api_key_env = OPENAI_API_KEY   environment variable holding the API key\n"
    "  llm/timeout_ms = 5000    per request, 100..120000 (less if the deadline is nearer)\n"
    "  tenants/<id>/<key>       tenant profile values (timezone, name, ...) under the\n"
    "                           Redis hash sb:tenant:<id>\n"
    SB_TENANT_CACHE_HELP
    "  The planner needs Redis (--redis): conversation memory and tenant profiles.\n";

//  Reads an integer config value in low..high. Returns 0, or -1 with why.
static int
s_number (zconfig_t *section, const char *path, long fallback, long low, long high,
          long *value, char *err, size_t errlen)
{
    char *text = section? zconfig_get (section, path, NULL): NULL;
    *value = fallback;
    if (!text)
        return 0;
    char *end = NULL;
    *value = strtol (text, &end, 10);
    if (end == text || *end || *value < low || *value > high) {
        snprintf (err, errlen, "planner/%s '%s': not a number in %ld..%ld", path, text, low, high);
        return -1;
    }
    return 0;
}

//  Reads a config value that must be one of two words: 0 for the first.
static int
s_choice (zconfig_t *section, const char *path, const char *first, const char *second,
          int *value, char *err, size_t errlen)
{
    char *text = section? zconfig_get (section, path, first): (char *) first;
    *value = streq (text, first)? 0: streq (text, second)? 1: -1;
    if (*value < 0)
        snprintf (err, errlen, "planner/%s '%s': not %s or %s", path, text, first, second);
    return *value < 0? -1: 0;
}

sb_planner_t *
sb_planner_new (zconfig_t *section, char *err, size_t errlen)
{
    long turns, ttl;
    int backend, order;
    if (s_choice (section, "backend", "rules", "llm", &backend, err, errlen)
    ||  s_choice (section, "date_order", "dmy", "mdy", &order, err, errlen)
    ||  s_number (section, "memory/turns", 10, 1, 100, &turns, err, errlen)
    ||  s_number (section, "memory/ttl", 86400, 60, 31 * 86400, &ttl, err, errlen))
        return NULL;
    sb_planner_t *self = (sb_planner_t *) calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errlen, "out of memory");
        return NULL;
    }
    self->date_order = order? SB_DATE_ORDER_MDY: SB_DATE_ORDER_DMY;
    self->memory.max_turns = (size_t) turns;
    self->memory.ttl_s = ttl;
    if (backend == 1 && !(self->llm = sb_llm_new (section, err, errlen)))
        sb_planner_destroy (&self);
    return self;
}

void
sb_planner_destroy (sb_planner_t **self_p)
{
    sb_planner_t *self = *self_p;
    if (!self)
        return;
    sb_llm_destroy (&self->llm);
    free (self);
    *self_p = NULL;
}

void *
sb_planner_setup (zconfig_t *section, char *err, size_t errlen)
{
    return sb_planner_new (section, err, errlen);
}

void
sb_planner_teardown (void **state_p)
{
    sb_planner_destroy ((sb_planner_t **) state_p);
}

sb_actor_result_t
sb_planner_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    sb_planner_t *self = (sb_planner_t *) state;
    const char *type = sb_envelope_type (message);
    if (streq (type, "sms.received") || streq (type, "whatsapp.received"))
        return sb_planner_inbound (ctx, message, self);
    if (streq (type, "timesheet.result") || streq (type, "reminder.due"))
        return sb_planner_result (ctx, message);
    if (streq (type, "quality.rejected"))
        return sb_planner_rejected (ctx, message);
    if (streq (type, "message.sent"))
        return sb_planner_sent (ctx, message, self);
    return sb_actor_fail (ctx, "planner: message type '%s' is not one it handles "
                               "(routing sends it here by mistake)", type);
}
