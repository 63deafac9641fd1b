#   quality.approved: a reply that passed every quality check, to be sent
type = quality.approved
summary = "A reply that passed every quality check: the sender sends text to conversation.employee_phone on conversation.channel."
emitted-by = quality
consumed-by = sender
body
    text
        type = string
        required = 1
        min = 1
        max = 4096
        doc = "The reply to send, exactly."
        example = "Hi Dana, this week you have logged 8 hours on Acme (expected 32). No hours yet for Tue 3, Wed 4 and Thu 5 March. - Acme HR"
    encoding
        type = string
        enum = "gsm7|ucs2"
        doc = "SMS only: gsm7 or ucs2 (from draft.branded)."
        example = "gsm7"
    segments
        type = int
        min = 1
        max = 64
        doc = "SMS only: segments the text takes (from draft.branded)."
        example = 1
    checks
        type = array
        required = 1
        min = 1
        max = 32
        items = string
        doc = "The checks quality ran, all passed."
        example = '["not_empty","segment_budget","placeholders","contact_details","hours_match","deny_list"]'
    round
        type = int
        required = 1
        min = 0
        max = 2
        doc = "The round of the approved draft."
        example = 0
    fallback
        type = bool
        doc = "True for the planner's safe fallback reply after the last refinement round; it is never refined again."
        example = false
    conversation
        type = map
        required = 1
        doc = "The conversation this message belongs to: planner starts it from the inbound message and every actor copies it unchanged (unknown fields included) into what it emits."
        example = '{"channel":"sms","employee_phone":"+15551234567","tenant_number":"+15557654321","inbound_message_id":"SM0123456789abcdef0123456789abcdef","text":"how many hours this week?","intent":"check_hours","entities":{"period":"this_week"},"received_at_ms":1772787600000}'
        fields
            channel
                type = string
                required = 1
                enum = "sms|whatsapp"
                doc = "The channel the employee wrote on; the reply goes back on it."
                example = "sms"
            employee_phone
                type = string
                required = 1
                min = 1
                max = 64
                doc = "The employee's phone number in E.164, the reply's recipient (the sender adds whatsapp: for WhatsApp)."
                example = "+15551234567"
            tenant_number
                type = string
                max = 64
                doc = "The tenant's number the employee wrote to; the reply is sent from it (absent: the tenant's configured number)."
                example = "+15557654321"
            inbound_message_id
                type = string
                max = 128
                doc = "The provider's id of the inbound message being answered (Twilio MessageSid or WhatsApp key id); absent for reminders."
                example = "SM0123456789abcdef0123456789abcdef"
            text
                type = string
                max = 65536
                doc = "The employee's message being answered, as received; absent for reminders."
                example = "how many hours this week?"
            intent
                type = string
                required = 1
                enum = "check_hours|missing_hours|log_hours|submit_week|help|greeting|unknown|reminder"
                doc = "What the planner understood the employee to want."
                example = "check_hours"
            entities
                type = map
                doc = "What the planner extracted from the text (period, dates, hours, project), as the planner names them."
                example = '{"period":"this_week"}'
            received_at_ms
                type = int
                min = 0
                doc = "When ingress accepted the inbound message, Unix milliseconds (end-to-end latency)."
                example = 1772787600000
