/*  sb_llm.h — the planner's second reasoning backend: an OpenAI-compatible
    chat-completions endpoint (POST <base_url>/v1/chat/completions) that is
    given the employee's text, the recent turns and four tools
    (timesheet_query, timesheet_log, timesheet_submit, employee_lookup), and
    answers with one tool call, read back as an intent with its entities.

    The exchange goes through sb_http. The object is read-only after
    sb_llm_new, so every worker thread may use it at once (each request
    has a connection of its own). The API key is read once, from the
    environment variable the config names, never logged, and wiped when
    the object goes.                                                      */

#ifndef SB_LLM_H_INCLUDED
#define SB_LLM_H_INCLUDED

#include "sb_intent.h"

typedef struct _sb_llm_t sb_llm_t;

#define SB_LLM_TIMEOUT_MS    5000    /* llm/timeout_ms default             */
#define SB_LLM_ANSWER_MAX    (1024 * 1024)   /* bytes of an answer read   */

//  Reads llm/base_url (required: http:// or https://), llm/model (default
//  gpt-4o-mini), llm/api_key_env (default OPENAI_API_KEY; unset or empty:
//  no Authorization header, for local servers) and llm/timeout_ms
//  (100..120000) from the planner's config section. Returns the backend,
//  or NULL with the reason in err.
sb_llm_t *sb_llm_new (zconfig_t *section, char *err, size_t errlen);

void sb_llm_destroy (sb_llm_t **self_p);

//  What one request is about.
typedef struct {
    const char *text;            //  the employee's message
    const json_t *turns;         //  recent turns, newest first (sb_memory), or NULL
    const char *skip_id;         //  the turn of this message, if recorded already
    int32_t today;               //  the tenant's date now (sb_date day number)
    const char *zone;            //  the tenant's zone name, for the prompt
    int64_t deadline_ms;         //  the message's deadline, 0: none
} sb_llm_request_t;

//  Asks the model and reads its tool call into *intent. Returns 0, or -1
//  with why in err ("timeout after 2000 ms", "HTTP 500", "unparseable
//  answer: ...", "no tool call in the answer", ...).
int sb_llm_plan (sb_llm_t *self, const sb_llm_request_t *request, sb_intent_t *intent,
                 char *err, size_t errlen);

//  The configured time-out, for messages.
int sb_llm_timeout_ms (const sb_llm_t *self);

//  Reads a chat-completions answer (size bytes, outside data) into
//  *intent: choices[0].message.tool_calls[0].function {name, arguments,
//  a JSON string}. Returns 0, or -1 with why in err.
int sb_llm_read_answer (const char *answer, size_t size, sb_intent_t *intent,
                        char *err, size_t errlen);

#endif
