#   workspace.saved: a tenant saved its workspace credentials; agent-sync must apply them
type = workspace.saved
summary = "A tenant saved its workspace (Vapi and Twilio credentials) through ingress; agent-sync stores them, validates them, syncs the voice agents and replies to reply_to. The only envelope that carries secrets."
emitted-by = ingress
consumed-by = agent-sync
body
    vapi_api_key
        type = string
        required = 1
        min = 1
        max = 256
        doc = "secret: redacted by tools. The tenant's Vapi API key."
        example = "vapi-test-key-0000"
    twilio_account_sid
        type = string
        required = 1
        min = 34
        max = 34
        prefix = "AC"
        doc = "The tenant's Twilio AccountSid."
        example = "AC0123456789abcdef0123456789abcdef"
    twilio_auth_token
        type = string
        required = 1
        min = 1
        max = 128
        doc = "secret: redacted by tools. The tenant's Twilio auth token."
        example = "0123456789abcdef0123456789abcdef"
    twilio_phone_number
        type = string
        required = 1
        min = 1
        max = 64
        doc = "The tenant's Twilio number replies and calls are made from, E.164."
        example = "+15557654321"
    agent_config
        type = map
        doc = "Optional assistant settings applied to both voice agents (name, voice, first message, ...); a change makes agent-sync patch the assistants."
        example = '{"name":"Acme Timesheets","voice":"jennifer"}'
