/*  sb_vapi.c — Vapi's assistants over sb_rest: the URLs, the bodies, and
    the answers read with every field checked.                            */

#include "sb_classes.h"
#include "sb_vapi.h"

struct _sb_vapi_t {
    char *base;                  //  without a trailing '/'
    int timeout_ms;
};

sb_vapi_t *
sb_vapi_new (const char *base_url, int timeout_ms, char *err, size_t errlen)
{
    if (!base_url || (strncmp (base_url, "http://", 7) && strncmp (base_url, "https://", 8))) {
        snprintf (err, errlen, "Vapi's base URL '%s' is not http:// or https://",
                  base_url? base_url: "");
        return NULL;
    }
    sb_vapi_t *self = (sb_vapi_t *) calloc (1, sizeof *self);
    size_t length = strlen (base_url);
    while (length && base_url [length - 1] == '/')
        length--;
    self->base = zsys_sprintf ("%.*s", (int) length, base_url);
    self->timeout_ms = timeout_ms;
    return self;
}

void
sb_vapi_destroy (sb_vapi_t **self_p)
{
    sb_vapi_t *self = *self_p;
    if (!self)
        return;
    zstr_free (&self->base);
    free (self);
    *self_p = NULL;
}

//  One call: method on base + path, with body (NULL:
//  none). Returns the answer as JSON if OK (caller decrefs), else NULL.
static json_t *
s_call (const sb_vapi_t *self, const char *key, const char *method, const json_t *body,
        sb_rest_outcome_t *outcome, const char *path)
{
    char *url = zsys_sprintf ("%s%s", self->base, path);
    char *json = body? json_dumps (body, JSON_COMPACT): NULL;
    sb_rest_request_t request = {
        .method = method, .url = url, .bearer = key, .json = json,
        .timeout_ms = self->timeout_ms
    };
    json_t *answer = url && (json || !body)? sb_rest_call_json (&request, outcome): NULL;
    if (!url || (body && !json)) {
        outcome->verdict = SB_REST_TRANSIENT;
        snprintf (outcome->why, sizeof outcome->why, "cannot build the request (out of memory)");
    }
    zstr_free (&url);
    free (json);
    return answer;
}

//  An id from outside: 1..SB_VAPI_ID_MAX printable, URL-safe bytes.
static bool
s_valid_id (const char *id)
{
    size_t length = id? strlen (id): 0;
    if (length == 0 || length > SB_VAPI_ID_MAX)
        return false;
    for (const char *at = id; *at; at++)
        if (!isalnum ((unsigned char) *at) && !strchr ("-_.", *at))
            return false;
    return true;
}

int
sb_vapi_check_key (const sb_vapi_t *self, const char *key, sb_rest_outcome_t *outcome)
{
    json_t *answer = s_call (self, key, "GET", NULL, outcome, "/assistant?limit=1");
    int rc = answer? 0: -1;
    json_decref (answer);
    return rc;
}

//  True if assistant's metadata names tenant and role.
static bool
s_is_ours (const json_t *assistant, const char *tenant, const char *role)
{
    const json_t *metadata = json_object_get (assistant, "metadata");
    const char *its_tenant = json_string_value (json_object_get (metadata, "tenant"));
    const char *its_role = json_string_value (json_object_get (metadata, "role"));
    return its_tenant && its_role && streq (its_tenant, tenant) && streq (its_role, role);
}

//  Vapi lists newest first; the oldest match is kept, so that two finders
//  agree on one even if a duplicate ever slipped in.
static int
s_pick (const json_t *list, const char *tenant, const char *role, sb_vapi_assistant_t *found)
{
    int rc = 0;
    size_t index;
    const json_t *assistant;
    json_array_foreach (list, index, assistant) {
        const char *id = json_string_value (json_object_get (assistant, "id"));
        if (!s_is_ours (assistant, tenant, role) || !s_valid_id (id))
            continue;
        const char *hash = json_string_value (json_object_get (
            json_object_get (assistant, "metadata"), "config_hash"));
        snprintf (found->id, sizeof found->id, "%s", id);
        snprintf (found->config_hash, sizeof found->config_hash, "%s",
                  hash && strlen (hash) <= SB_VAPI_HASH_MAX? hash: "");
        rc = 1;
    }
    return rc;
}

int
sb_vapi_find (const sb_vapi_t *self, const char *key, const char *tenant, const char *role,
              sb_vapi_assistant_t *found, sb_rest_outcome_t *outcome)
{
    char path [64];
    snprintf (path, sizeof path, "/assistant?limit=%d", SB_VAPI_LIST_LIMIT);
    json_t *answer = s_call (self, key, "GET", NULL, outcome, path);
    if (!answer)
        return -1;
    int rc = json_is_array (answer)? s_pick (answer, tenant, role, found): -1;
    if (rc < 0) {
        outcome->verdict = SB_REST_REFUSED;
        snprintf (outcome->why, sizeof outcome->why, "Vapi's list of assistants is not a list");
    }
    json_decref (answer);
    return rc;
}

int
sb_vapi_create (const sb_vapi_t *self, const char *key, const json_t *body,
                char id [SB_VAPI_ID_MAX + 1], sb_rest_outcome_t *outcome)
{
    json_t *answer = s_call (self, key, "POST", body, outcome, "/assistant");
    if (!answer)
        return -1;
    const char *new_id = json_string_value (json_object_get (answer, "id"));
    int rc = s_valid_id (new_id)? 0: -1;
    if (rc == 0)
        snprintf (id, SB_VAPI_ID_MAX + 1, "%s", new_id);
    else {
        //  Created, perhaps, but unusable: the next lookup finds it
        outcome->verdict = SB_REST_TRANSIENT;
        snprintf (outcome->why, sizeof outcome->why, "Vapi's answer to a create has no valid id");
    }
    json_decref (answer);
    return rc;
}

int
sb_vapi_update (const sb_vapi_t *self, const char *key, const char *id, const json_t *body,
                sb_rest_outcome_t *outcome)
{
    if (!s_valid_id (id)) {
        outcome->verdict = SB_REST_REFUSED;
        outcome->status = 404;                   //  as good as unknown to Vapi
        snprintf (outcome->why, sizeof outcome->why, "the recorded assistant id is not valid");
        return -1;
    }
    char path [SB_VAPI_ID_MAX + 16];
    snprintf (path, sizeof path, "/assistant/%s", id);
    json_t *answer = s_call (self, key, "PATCH", body, outcome, path);
    json_decref (answer);
    return answer? 0: -1;
}
