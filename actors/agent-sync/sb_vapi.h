/*  sb_vapi.h — the parts of Vapi's REST API agent-sync uses: check a key,
    find a tenant's assistant by the metadata we set on it, create one,
    update one (https://docs.vapi.ai/api-reference/assistants).

    Every call takes the tenant's own API key (sent as a Bearer token,
    never logged) and fills an sb_rest_outcome_t: OK, REFUSED (401, 400,
    404, ...: asking again changes nothing) or TRANSIENT (no answer, 429,
    5xx). Answers are outside data: every field used is checked.
    Read-only after sb_vapi_new: any thread may call at once.             */

#ifndef SB_VAPI_H_INCLUDED
#define SB_VAPI_H_INCLUDED

#include "sb_rest.h"

typedef struct _sb_vapi_t sb_vapi_t;

#define SB_VAPI_ID_MAX       128      /* bytes of an assistant id          */
#define SB_VAPI_HASH_MAX     64       /* bytes of a config hash in metadata */
#define SB_VAPI_LIST_LIMIT   1000     /* assistants listed by a lookup     */

//  An assistant as a lookup found it.
typedef struct {
    char id [SB_VAPI_ID_MAX + 1];
    char config_hash [SB_VAPI_HASH_MAX + 1];   //  metadata.config_hash, "" if none
} sb_vapi_assistant_t;

//  base_url: http:// or https://, without the trailing /assistant;
//  timeout_ms: each call's. Returns NULL with the reason in err.
sb_vapi_t *sb_vapi_new (const char *base_url, int timeout_ms, char *err, size_t errlen);

void sb_vapi_destroy (sb_vapi_t **self_p);

//  GET /assistant?limit=1: does Vapi take the key? Returns 0 if so, else
//  -1 (outcome says why).
int sb_vapi_check_key (const sb_vapi_t *self, const char *key, sb_rest_outcome_t *outcome);

//  GET /assistant?limit=SB_VAPI_LIST_LIMIT and keeps the oldest one whose
//  metadata has this tenant and role. Returns 1 and fills *found, 0 if
//  there is none, -1 on failure (outcome says why).
int sb_vapi_find (const sb_vapi_t *self, const char *key, const char *tenant,
                  const char *role, sb_vapi_assistant_t *found, sb_rest_outcome_t *outcome);

//  POST /assistant with body (borrowed). Returns 0 with the new id in id,
//  or -1 (outcome says why).
int sb_vapi_create (const sb_vapi_t *self, const char *key, const json_t *body,
                    char id [SB_VAPI_ID_MAX + 1], sb_rest_outcome_t *outcome);

//  PATCH /assistant/<id> with body (borrowed). Returns 0, or -1 (outcome
//  says why; status 404: Vapi has no such assistant, for this key).
int sb_vapi_update (const sb_vapi_t *self, const char *key, const char *id,
                    const json_t *body, sb_rest_outcome_t *outcome);

#endif
