/*  sb_fake_llm.c — a fake chat-completions server for tests, on the
    fakes' sb_fakehttp (one thread per connection, so a hang holds only
    its own); the mode and what the requests carried behind one mutex.   */

#include "sb_fake_llm.h"
#include "sb_fakehttp.h"
#include <pthread.h>

struct _sb_fake_llm_t {
    sb_fakehttp_t *http;
    pthread_mutex_t lock;
    sb_fake_llm_mode_t mode;
    char *name, *arguments;
    size_t requests;
    char *last_body, *last_authorization;
};

//  The bodies of the answers that are texts, by mode.
static const char *const s_texts [SB_FAKE_LLM_HANG + 1] = {
    [SB_FAKE_LLM_NO_TOOL] = "{\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion\","
                            "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                            "\"content\":\"Hello! How can I help?\"},\"finish_reason\":\"stop\"}]}",
    [SB_FAKE_LLM_ERROR] = "{\"error\":{\"message\":\"The server had an error\",\"type\":"
                          "\"server_error\"}}",
    [SB_FAKE_LLM_GARBAGE] = "this is not json {{{"
};

//  Fills in the answer mode asks for: for TOOL_CALL, one tool call as the
//  API gives it (arguments, a JSON text, inside a string).
static void
s_answer_as (sb_fake_llm_mode_t mode, const char *name, const char *arguments,
             sb_fakehttp_answer_t *answer)
{
    answer->status = mode == SB_FAKE_LLM_ERROR? 500: 200;
    answer->delay_ms = mode == SB_FAKE_LLM_HANG? SB_FAKEHTTP_HANG_MS: 0;
    answer->drop = mode == SB_FAKE_LLM_HANG;
    if (mode == SB_FAKE_LLM_TOOL_CALL)
        answer->body = json_pack (
            "{s:s, s:s, s:i, s:s, s:[{s:i, s:{s:s, s:n, s:[{s:s, s:s, s:{s:s, s:s}}]}, s:s}]}",
            "id", "chatcmpl-fake", "object", "chat.completion", "created", 1772697600,
            "model", "fake", "choices", "index", 0, "message", "role", "assistant", "content",
            "tool_calls", "id", "call_1", "type", "function", "function", "name", name,
            "arguments", arguments, "finish_reason", "tool_calls");
    else
    if (s_texts [mode])
        answer->text = strdup (s_texts [mode]);
}

//  Records the request and answers it as the mode says.
static void
s_chat (sb_fake_llm_t *self, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    const char *authorization = sb_fakehttp_header (request, "Authorization");
    pthread_mutex_lock (&self->lock);
    self->requests++;
    free (self->last_body);
    self->last_body = strdup (request->body);
    free (self->last_authorization);
    self->last_authorization = authorization? strdup (authorization): NULL;
    s_answer_as (self->mode, self->name? self->name: "", self->arguments? self->arguments: "{}",
                 answer);
    pthread_mutex_unlock (&self->lock);
}

//  Every request (sb_fakehttp's callback, on the connection's thread).
static void
s_on_request (void *state, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    if (!streq (request->method, "POST") || !streq (request->path, "/v1/chat/completions")) {
        answer->status = 404;
        answer->text = strdup ("{\"error\":{\"message\":\"not found\"}}");
    }
    else
    if (request->too_long) {
        answer->status = 413;
        answer->text = strdup ("{\"error\":{}}");
    }
    else
        s_chat ((sb_fake_llm_t *) state, request, answer);
}

sb_fake_llm_t *
sb_fake_llm_new (void)
{
    sb_fake_llm_t *self = (sb_fake_llm_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init (&self->lock, NULL);
    self->http = sb_fakehttp_new (0, s_on_request, self);
    if (!self->http)
        sb_fake_llm_destroy (&self);
    return self;
}

void
sb_fake_llm_destroy (sb_fake_llm_t **self_p)
{
    sb_fake_llm_t *self = *self_p;
    if (!self)
        return;
    sb_fakehttp_destroy (&self->http);
    pthread_mutex_destroy (&self->lock);
    free (self->name);
    free (self->arguments);
    free (self->last_body);
    free (self->last_authorization);
    free (self);
    *self_p = NULL;
}

const char *
sb_fake_llm_url (sb_fake_llm_t *self)
{
    return sb_fakehttp_url (self->http);
}

void
sb_fake_llm_answer (sb_fake_llm_t *self, sb_fake_llm_mode_t mode, const char *name,
                    const char *arguments)
{
    pthread_mutex_lock (&self->lock);
    self->mode = mode;
    free (self->name);
    free (self->arguments);
    self->name = name? strdup (name): NULL;
    self->arguments = arguments? strdup (arguments): NULL;
    pthread_mutex_unlock (&self->lock);
}

size_t
sb_fake_llm_requests (sb_fake_llm_t *self)
{
    pthread_mutex_lock (&self->lock);
    size_t requests = self->requests;
    pthread_mutex_unlock (&self->lock);
    return requests;
}

json_t *
sb_fake_llm_last_body (sb_fake_llm_t *self)
{
    pthread_mutex_lock (&self->lock);
    json_t *body = self->last_body? json_loads (self->last_body, 0, NULL): NULL;
    pthread_mutex_unlock (&self->lock);
    return body;
}

char *
sb_fake_llm_last_authorization (sb_fake_llm_t *self)
{
    pthread_mutex_lock (&self->lock);
    char *authorization = self->last_authorization? strdup (self->last_authorization): NULL;
    pthread_mutex_unlock (&self->lock);
    return authorization;
}
