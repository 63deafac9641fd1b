#   reminder.due: an employee should be reminded to log their hours
type = reminder.due
summary = "An employee has working days of the week that ended with no hours logged: the planner composes a reminder from the timesheet into a draft.composed, which goes through branding and quality like any reply. Keyed reminder:<tenant>:<employee>:<week>, so a week reminds each employee once."
emitted-by = timesheet
consumed-by = planner
body
    employee
        type = map
        required = 1
        doc = "The employee to remind."
        example = '{"id":"E042","name":"Dana"}'
        fields
            id
                type = string
                required = 1
                min = 1
                max = 128
                doc = "The employee's id in the tenant directory."
                example = "E042"
            name
                type = string
                max = 128
                doc = "The name to address them by."
                example = "Dana"
    week
        type = string
        required = 1
        min = 8
        max = 8
        doc = "The ISO week the reminder is about, YYYY-Www."
        example = "2026-W10"
    timesheet
        type = map
        required = 1
        doc = "The week's timesheet.result body without its conversation (tool timesheet.query, status ok, employee, period, entries, totals, expected_hours, missing_days): the planner composes from it and quality checks every hours figure against it."
        example = '{"tool":"timesheet.query","status":"ok","employee":{"id":"E042","name":"Dana"},"period":{"from_date":"2026-03-02","to_date":"2026-03-08"},"entries":[{"date":"2026-03-02","project":"Acme","hours":8}],"totals_by_day":{"2026-03-02":8},"totals_by_project":{"Acme":8},"total_hours":8,"expected_hours":32,"missing_days":["2026-03-03","2026-03-04","2026-03-05"]}'
    conversation
        type = map
        required = 1
        doc = "The conversation the reminder starts, as the planner's would start from an inbound message: intent reminder, no text or inbound id, received_at_ms the tick's time; every actor copies it unchanged into what it emits."
        example = '{"channel":"sms","employee_phone":"+15551234567","tenant_number":"+15557654321","intent":"reminder","received_at_ms":1772809200000}'
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
