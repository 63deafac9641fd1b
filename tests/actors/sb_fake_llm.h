/*  sb_fake_llm.h — test support: a fake OpenAI-compatible chat-completions
    server (tests/fakes' sb_fakehttp, 127.0.0.1, an ephemeral port) for the
    planner's LLM backend.

    POST /v1/chat/completions is answered as the test tells it: a real
    answer with one tool call (choices[0].message.tool_calls[0].function
    {name, arguments as a JSON string}), an answer with no tool call, HTTP
    500, a body that is not JSON, or no answer at all until the server is
    destroyed (a hang, for the client's time-out). Each request's body and
    Authorization header are kept for the test to check.                 */

#ifndef SB_FAKE_LLM_H_INCLUDED
#define SB_FAKE_LLM_H_INCLUDED

#include "sb_classes.h"

typedef enum {
    SB_FAKE_LLM_TOOL_CALL,       //  200, one tool call
    SB_FAKE_LLM_NO_TOOL,         //  200, a text answer without tool calls
    SB_FAKE_LLM_ERROR,           //  500 with an OpenAI-style error body
    SB_FAKE_LLM_GARBAGE,         //  200, a body that is not JSON
    SB_FAKE_LLM_HANG             //  no answer until destroyed (10 s at most)
} sb_fake_llm_mode_t;

typedef struct _sb_fake_llm_t sb_fake_llm_t;

//  Starts the server. Returns NULL, with the reason on stderr, if it
//  cannot listen.
sb_fake_llm_t *sb_fake_llm_new (void);

//  Releases any request held by HANG, stops the server, NULLs the pointer.
void sb_fake_llm_destroy (sb_fake_llm_t **self_p);

//  Its base URL, "http://127.0.0.1:PORT" (borrowed).
const char *sb_fake_llm_url (sb_fake_llm_t *self);

//  How the next requests are answered; for TOOL_CALL the function's name
//  and its arguments (a JSON text, sent as a string as the API does).
void sb_fake_llm_answer (sb_fake_llm_t *self, sb_fake_llm_mode_t mode, const char *name,
                         const char *arguments);

//  Requests received so far.
size_t sb_fake_llm_requests (sb_fake_llm_t *self);

//  The last request's body as JSON (new reference; NULL if none or not
//  JSON) and its Authorization header (a new string, NULL if none).
json_t *sb_fake_llm_last_body (sb_fake_llm_t *self);
char *sb_fake_llm_last_authorization (sb_fake_llm_t *self);

#endif
