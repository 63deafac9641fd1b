#   agents.synced: agent-sync's report on a workspace save, sent to the waiting ingress request
type = agents.synced
summary = "agent-sync's report on a workspace.saved: each step's outcome and the voice agents' ids, sent to the save's reply_to (ingress answers the HTTP request with it, in camelCase)."
emitted-by = agent-sync
consumed-by = "@reply_to"
body
    success
        type = bool
        required = 1
        doc = "True if every step succeeded."
        example = false
    steps
        type = map
        required = 1
        doc = "Each step's outcome: true if it succeeded, false if it failed or was not reached."
        example = '{"credentials_stored":true,"vapi_validated":true,"twilio_validated":true,"agents_synced":false}'
        fields
            credentials_stored
                type = bool
                required = 1
                doc = "The credentials are stored, encrypted (credentialsStored)."
                example = true
            vapi_validated
                type = bool
                required = 1
                doc = "Vapi accepted the API key (vapiValidated)."
                example = true
            twilio_validated
                type = bool
                required = 1
                doc = "Twilio accepted the account SID and auth token (twilioValidated)."
                example = true
            agents_synced
                type = bool
                required = 1
                doc = "The inbound and outbound agents exist with the current config (agentsSynced)."
                example = false
    failed_step
        type = string
        enum = "credentials_stored|vapi_validated|twilio_validated|agents_synced"
        doc = "The step that failed, when success is false."
        example = "agents_synced"
    error
        type = string
        max = 1024
        doc = "Why the failed step failed, in one line fit to show the tenant (never a secret)."
        example = "Vapi answered 500 to updating the outbound agent, 3 attempts"
    agent_ids
        type = map
        doc = "The Vapi assistant ids of the tenant's agents (agentIds), as far as known."
        example = '{"inbound":"asst_in_0001","outbound":"asst_out_0001"}'
        fields
            inbound
                type = string
                max = 128
                doc = "The inbound agent's assistant id."
                example = "asst_in_0001"
            outbound
                type = string
                max = 128
                doc = "The outbound agent's assistant id."
                example = "asst_out_0001"
    agent_actions
        type = map
        doc = "What the sync did to each agent this time (unchanged also when its update failed)."
        example = '{"inbound":"updated","outbound":"unchanged"}'
        fields
            inbound
                type = string
                enum = "created|updated|unchanged"
                doc = "created, updated (patched) or unchanged."
                example = "updated"
            outbound
                type = string
                enum = "created|updated|unchanged"
                doc = "created, updated (patched) or unchanged."
                example = "unchanged"
    credentials_ref
        type = string
        max = 256
        doc = "Where the encrypted credentials are stored; later envelopes carry this reference, never the secrets."
        example = "credentials:acme"
    elapsed_ms
        type = int
        min = 0
        doc = "How long the save took in agent-sync, milliseconds."
        example = 840
