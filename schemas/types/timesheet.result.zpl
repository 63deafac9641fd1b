#   timesheet.result: the timesheet actor's answer to a plan.tool_call
type = timesheet.result
summary = "The result of a plan.tool_call: the employee's entries, totals, expected hours and missing days for the period, or why the tool could not run."
emitted-by = timesheet
consumed-by = planner
body
    tool
        type = string
        required = 1
        enum = "timesheet.query|timesheet.log|timesheet.submit|employee.lookup"
        doc = "The tool that ran (plan.tool_call's tool); employee.lookup answers only status and employee."
        example = "timesheet.query"
    status
        type = string
        required = 1
        enum = "ok|not_registered|error"
        doc = "ok; not_registered when no tenant directory knows the number (the reply says only that); error when the backend refused the request."
        example = "ok"
    error
        type = string
        max = 512
        doc = "Why the tool could not run (status error), in words the planner can relay."
        example = "week 2026-W10 is already submitted"
    employee
        type = map
        doc = "The employee the number belongs to (absent when not registered)."
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
    period
        type = map
        doc = "The period the result covers."
        example = '{"from_date":"2026-03-02","to_date":"2026-03-08"}'
        fields
            from_date
                type = string
                required = 1
                min = 10
                max = 10
                doc = "First day, YYYY-MM-DD."
                example = "2026-03-02"
            to_date
                type = string
                required = 1
                min = 10
                max = 10
                doc = "Last day, inclusive, YYYY-MM-DD."
                example = "2026-03-08"
    entries
        type = array
        max = 1000
        items = map
        doc = "The period's entries, by date (for timesheet.log: the entry recorded)."
        example = '[{"date":"2026-03-02","project":"Acme","hours":8,"note":"sprint planning"}]'
        fields
            date
                type = string
                required = 1
                min = 10
                max = 10
                doc = "The day, YYYY-MM-DD."
                example = "2026-03-02"
            project
                type = string
                required = 1
                min = 1
                max = 128
                doc = "The project."
                example = "Acme"
            hours
                type = number
                required = 1
                min = 0
                max = 24
                doc = "Hours worked."
                example = 8
            note
                type = string
                max = 512
                doc = "The entry's note."
                example = "sprint planning"
    total_hours
        type = number
        min = 0
        doc = "Hours logged in the period."
        example = 8
    totals_by_day
        type = map
        doc = "Hours per day, YYYY-MM-DD to hours."
        example = '{"2026-03-02":8}'
    totals_by_project
        type = map
        doc = "Hours per project, project to hours."
        example = '{"Acme":8}'
    expected_hours
        type = number
        min = 0
        doc = "Hours expected for the period's working days that have ended (at the tenant's working hours per day)."
        example = 32
    missing_days
        type = array
        max = 366
        items = string
        doc = "Working days of the period that have ended with no hours logged, YYYY-MM-DD."
        example = '["2026-03-03","2026-03-04","2026-03-05"]'
    duplicate
        type = bool
        doc = "True when this log or submit was already done under the same idempotency key (nothing was written again)."
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
