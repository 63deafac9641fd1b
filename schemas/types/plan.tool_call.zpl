#   plan.tool_call: the planner asks the timesheet actor to run a tool
type = plan.tool_call
summary = "The planner asks the timesheet actor to run one tool for the employee named by conversation.employee_phone."
emitted-by = planner
consumed-by = timesheet
body
    tool
        type = string
        required = 1
        enum = "timesheet.query|timesheet.log|timesheet.submit|employee.lookup"
        doc = "The tool to run: query a period, log an entry, submit a week, or employee.lookup: only find the employee by number (greetings, help, anything else), so that an unregistered number gets exactly one not_registered answer and learns nothing else."
        example = "timesheet.query"
    args
        type = map
        required = 1
        doc = "The tool's arguments: from_date and to_date for timesheet.query; date, hours, project and note for timesheet.log; for timesheet.submit from_date names a day of the ISO week to submit (absent: the current week); none for employee.lookup."
        example = '{"from_date":"2026-03-02","to_date":"2026-03-08"}'
        fields
            from_date
                type = string
                min = 10
                max = 10
                doc = "First day of the period, YYYY-MM-DD in the tenant's time zone."
                example = "2026-03-02"
            to_date
                type = string
                min = 10
                max = 10
                doc = "Last day of the period, inclusive, YYYY-MM-DD."
                example = "2026-03-08"
            date
                type = string
                min = 10
                max = 10
                doc = "The day to log hours on, YYYY-MM-DD."
                example = "2026-03-05"
            hours
                type = number
                min = 0
                max = 24
                doc = "The hours to log."
                example = 7.5
            project
                type = string
                min = 1
                max = 128
                doc = "The project to log hours on."
                example = "Acme"
            note
                type = string
                max = 512
                doc = "A note for the entry."
                example = "client workshop"
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
