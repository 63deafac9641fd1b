#   draft.composed: a reply the planner composed, to be branded
type = draft.composed
summary = "A reply draft the planner composed (or refined after a quality.rejected), for branding to format for the channel and the tenant's brand."
emitted-by = planner
consumed-by = branding
body
    text
        type = string
        required = 1
        min = 1
        max = 4096
        doc = "The draft reply, plain text."
        example = "Hi Dana, this week you have logged 8 hours on Acme (expected 32). No hours yet for Tue 3, Wed 4 and Thu 5 March."
    round
        type = int
        required = 1
        min = 0
        max = 2
        doc = "Refinement round: 0 for the first draft, 1 or 2 for a draft refined after a rejection."
        example = 0
    fallback
        type = bool
        doc = "True for the planner's safe fallback reply after the last refinement round; it is never refined again."
        example = false
    timesheet
        type = map
        doc = "The timesheet.result body (without conversation) the draft was built from: quality checks every hours figure against it, planner refines from it; absent when no tool ran."
        example = '{"tool":"timesheet.query","status":"ok","employee":{"id":"E042","name":"Dana"},"period":{"from_date":"2026-03-02","to_date":"2026-03-08"},"entries":[{"date":"2026-03-02","project":"Acme","hours":8,"note":"sprint planning"}],"total_hours":8,"expected_hours":32,"missing_days":["2026-03-03","2026-03-04","2026-03-05"]}'
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
