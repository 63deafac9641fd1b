#   message.sent: the sender delivered a reply to Twilio (or the local outbox)
type = message.sent
summary = "A reply the sender handed to Twilio (or, in outbox mode, wrote to the local outbox); the planner records it as the conversation's last turn."
emitted-by = sender
consumed-by = planner
body
    message_sid
        type = string
        required = 1
        min = 1
        max = 64
        doc = "Twilio's MessageSid of the outbound message, or an outbox id in outbox mode."
        example = "SMfedcba9876543210fedcba9876543210"
    provider
        type = string
        required = 1
        enum = "twilio|outbox"
        doc = "Who took the message: twilio, or outbox when no Twilio credentials are configured."
        example = "twilio"
    channel
        type = string
        required = 1
        enum = "sms|whatsapp"
        doc = "The channel it was sent on."
        example = "sms"
    to
        type = string
        index = phone
        required = 1
        min = 1
        max = 80
        doc = "The To address as sent (whatsapp:+... for WhatsApp)."
        example = "+15551234567"
    from
        type = string
        max = 80
        doc = "The From address as sent."
        example = "+15557654321"
    text
        type = string
        required = 1
        min = 1
        max = 4096
        doc = "The text sent."
        example = "Hi Dana, this week you have logged 8 hours on Acme (expected 32). No hours yet for Tue 3, Wed 4 and Thu 5 March. - Acme HR"
    segments
        type = int
        min = 1
        max = 64
        doc = "SMS only: segments billed (Twilio's num_segments, else ours)."
        example = 1
    status
        type = string
        max = 32
        doc = "Twilio's status in its answer (queued, accepted, ...)."
        example = "queued"
    sent_at_ms
        type = int
        min = 0
        doc = "When Twilio (or the outbox) accepted it, Unix milliseconds."
        example = 1772787601250
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
