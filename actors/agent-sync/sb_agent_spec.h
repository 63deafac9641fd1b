/*  sb_agent_spec.h — what a tenant's voice agent should look like on
    Vapi: the assistant body agent-sync sends to create or update it, built
    from the save's agent_config for one role (inbound or outbound).

    agent_config's keys are Vapi assistant fields and are sent as given,
    except:
        name              the agents' common name; each gets " inbound" or
                          " outbound" after it (default: the tenant's id),
                          cut to Vapi's 40 characters
        first_message     taken as Vapi's firstMessage
        voice             a string is an ElevenLabs voice id: {"provider":
                          "11labs", "voiceId": ...}; an object is sent as is
        inbound, outbound a map of the same for that role only, applied last
        metadata          kept, but tenant, role and managed_by are ours
    The body's metadata names the tenant and role (how a lookup finds the
    agent again) and carries config_hash once the caller has set it.      */

#ifndef SB_AGENT_SPEC_H_INCLUDED
#define SB_AGENT_SPEC_H_INCLUDED

#include "sb_classes.h"

#define SB_AGENT_SPEC_NAME_MAX  40      /* Vapi's limit on an assistant's name */

//  The roles, in the order agent-sync syncs them.
#define SB_AGENT_SPEC_ROLES     2
extern const char *const sb_agent_spec_roles [SB_AGENT_SPEC_ROLES];

//  Builds the assistant body for tenant's agent in role from agent_config
//  (borrowed; NULL: none). Returns a new object (caller decrefs), or NULL
//  with why in err (a field of agent_config that cannot be used).
json_t *sb_agent_spec_body (const char *tenant, const char *role, const json_t *agent_config,
                            char *err, size_t errlen);

#endif
