/*  sb_agent_sync_agents.c — step 4: under the tenant's lock, each role's
    agent is left alone (its recorded hash is the config's), updated (it is
    recorded, with another hash), found again on Vapi by its metadata (a
    create whose answer was lost), or created. Every write to Vapi first
    extends the lock, and every record is written only while the lock is
    still ours, so two saves of one tenant never both create an agent.    */

#include "sb_agent_sync_private.h"

//  Ends step 4 with a failure from Vapi while doing what to role's agent.
static int
s_vapi_failed (sb_save_t *save, size_t index, const char *what,
               const sb_rest_outcome_t *outcome)
{
    return sb_save_failed (save, SB_STEP_AGENTS, outcome->verdict, outcome->retry_after_ms,
                           "%s the %s agent: Vapi: %s", what, sb_agent_spec_roles [index],
                           outcome->why);
}

//  The assistant body for role, with its config hash (in metadata and in
//  hash): a keyed fingerprint of the API key and the body, so that a new
//  key (perhaps another Vapi organisation) counts as a change too.
static json_t *
s_desired (sb_save_t *save, size_t index, char hash [SB_SECRETBOX_PRINT_SIZE])
{
    char err [256];
    json_t *body = sb_agent_spec_body (save->tenant, sb_agent_spec_roles [index],
                                       save->agent_config, err, sizeof err);
    if (!body) {
        sb_save_failed (save, SB_STEP_AGENTS, SB_REST_REFUSED, -1, "%s", err);
        return NULL;
    }
    char *text = json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS);
    char *material = text? zsys_sprintf ("%s\n%s", save->credentials.vapi_api_key, text): NULL;
    if (!material) {
        free (text);
        json_decref (body);
        sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1, "out of memory");
        return NULL;
    }
    sb_secretbox_fingerprint (save->self->box, (const uint8_t *) material, strlen (material),
                              hash);
    memset (material, 0, strlen (material));
    zstr_free (&material);
    free (text);
    json_object_set_new (json_object_get (body, "metadata"), "config_hash", json_string (hash));
    return body;
}

//  Extends the lock before a write to Vapi. Returns 0, or -1 (failed).
static int
s_extend (sb_save_t *save)
{
    char err [256];
    int rc = sb_agent_store_extend (save->self->store, save->ctx, save->tenant, save->token,
                                    err, sizeof err);
    if (rc == 1)
        return sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1,
                               "the tenant's lock ran out before its agents were synced");
    if (rc < 0)
        return sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1, "%s", err);
    return 0;
}

//  Records role's agent as id with hash, and what was done to it.
static int
s_record (sb_save_t *save, size_t index, const char *id, const char *hash, const char *action)
{
    sb_agent_record_t *record = &save->agents [index];
    if (id != record->id)                        //  an update keeps the recorded id
        snprintf (record->id, sizeof record->id, "%s", id);
    snprintf (record->hash, sizeof record->hash, "%s", hash);
    char err [256];
    int rc = sb_agent_store_write_agent (save->self->store, save->ctx, save->tenant,
                                         sb_agent_spec_roles [index], record, save->token,
                                         err, sizeof err);
    if (rc == 1)
        return sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1,
                               "the tenant's lock ran out before the %s agent was recorded",
                               sb_agent_spec_roles [index]);
    if (rc < 0)
        return sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1,
                               "cannot record the %s agent: %s", sb_agent_spec_roles [index],
                               err);
    save->actions [index] = action;
    return 0;
}

//  PATCHes assistant id to body. Returns 0 (recorded), 1 if Vapi has no
//  such assistant, or -1 (failed).
static int
s_update (sb_save_t *save, size_t index, const char *id, const json_t *body, const char *hash)
{
    sb_rest_outcome_t outcome;
    if (s_extend (save))
        return -1;
    if (sb_vapi_update (save->self->vapi, save->credentials.vapi_api_key, id, body, &outcome))
        return outcome.status == 404? 1: s_vapi_failed (save, index, "updating", &outcome);
    return s_record (save, index, id, hash, "updated");
}

//  Creates role's agent with body and records it.
static int
s_create (sb_save_t *save, size_t index, const json_t *body, const char *hash)
{
    sb_rest_outcome_t outcome;
    char id [SB_VAPI_ID_MAX + 1];
    if (s_extend (save))
        return -1;
    if (sb_vapi_create (save->self->vapi, save->credentials.vapi_api_key, body, id, &outcome))
        return s_vapi_failed (save, index, "creating", &outcome);
    return s_record (save, index, id, hash, "created");
}

//  No agent recorded for role: the one a lost answer left on Vapi, made
//  current, or a new one.
static int
s_find_or_create (sb_save_t *save, size_t index, const json_t *body, const char *hash)
{
    sb_rest_outcome_t outcome;
    sb_vapi_assistant_t found;
    int got = sb_vapi_find (save->self->vapi, save->credentials.vapi_api_key, save->tenant,
                            sb_agent_spec_roles [index], &found, &outcome);
    if (got < 0)
        return s_vapi_failed (save, index, "looking up", &outcome);
    if (got == 0)
        return s_create (save, index, body, hash);
    zsys_info ("agent-sync: tenant %s: the %s agent %s was on Vapi but not recorded (a lost "
               "answer): recorded now", save->tenant, sb_agent_spec_roles [index], found.id);
    if (streq (found.config_hash, hash))
        return s_record (save, index, found.id, hash, "created");
    int rc = s_update (save, index, found.id, body, hash);
    return rc == 1? sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1,
                                    "the %s agent %s vanished from Vapi while being synced",
                                    sb_agent_spec_roles [index], found.id)
                  : rc;
}

//  Syncs role's agent. Returns 0, or -1 (failed).
static int
s_sync_role (sb_save_t *save, size_t index)
{
    char hash [SB_SECRETBOX_PRINT_SIZE], err [256];
    json_t *body = s_desired (save, index, hash);
    if (!body)
        return -1;
    sb_agent_record_t *record = &save->agents [index];
    int rc = sb_agent_store_read_agent (save->self->store, save->ctx, save->tenant,
                                        sb_agent_spec_roles [index], record, err, sizeof err);
    if (rc)
        sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1, "%s", err);
    else
    if (*record->id && streq (record->hash, hash))
        save->actions [index] = "unchanged";
    else
    if (*record->id) {
        save->actions [index] = "unchanged";       //  until the update lands
        rc = s_update (save, index, record->id, body, hash);
        if (rc == 1) {
            zsys_info ("agent-sync: tenant %s: Vapi has no %s agent %s any more: replacing it",
                       save->tenant, sb_agent_spec_roles [index], record->id);
            *record->id = 0;
            save->actions [index] = NULL;
            rc = s_find_or_create (save, index, body, hash);
        }
    }
    else
        rc = s_find_or_create (save, index, body, hash);
    json_decref (body);
    return rc;
}

//  How long to wait for the lock: the setting, or less if the message's
//  deadline is nearer.
static int64_t
s_lock_wait (const sb_save_t *save)
{
    int64_t deadline = sb_actor_deadline_ms (save->ctx);
    int64_t left = deadline? deadline - zclock_time (): save->self->lock_wait_ms;
    return left < 0? 0: left < save->self->lock_wait_ms? left: save->self->lock_wait_ms;
}

int
sb_agent_sync_agents (sb_save_t *save)
{
    zuuid_t *uuid = zuuid_new ();
    snprintf (save->token, sizeof save->token, "%s", uuid? zuuid_str (uuid): "");
    zuuid_destroy (&uuid);
    if (!*save->token)
        return sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1, "out of memory");
    char err [256];
    int64_t wait_ms = s_lock_wait (save);
    int rc = sb_agent_store_lock (save->self->store, save->ctx, save->tenant, save->token,
                                  wait_ms, err, sizeof err);
    if (rc == 1)
        return sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1,
                               "another save of this tenant's agents still runs after %" PRId64
                               " ms", wait_ms);
    if (rc < 0)
        return sb_save_failed (save, SB_STEP_AGENTS, SB_REST_TRANSIENT, -1, "%s", err);
    for (size_t index = 0; rc == 0 && index < SB_AGENT_SPEC_ROLES; index++)
        rc = s_sync_role (save, index);
    sb_agent_store_unlock (save->self->store, save->ctx, save->tenant, save->token);
    return rc;
}
