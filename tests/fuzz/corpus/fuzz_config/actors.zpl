planner
    backend = llm
    date_order = mdy
    memory
        turns = 10
        ttl = 86400
    llm
        base_url = http://127.0.0.1:8080/
        model = gpt-4o-mini
        api_key_env = OPENAI_API_KEY
        timeout_ms = 5000
    tenants
        acme
            name = Acme
            timezone = Europe/London
            sign_off = "- Acme HR"
            tone = formal
            number = +15557654321
            reminder = fri 15:00
            emoji = true
            max_segments = 2
            hours_per_day = 7.5
            working_days = mon,tue,wed,thu
            deny_list = "Foo, bar ,baz"
sender
    mode = auto
    twilio
        api_base = http://127.0.0.1:9000
        phone_number = +15550001111
        timeout = 10000
        max_in_flight = 100
        rate = 1.5
        burst = 3
        wait = 1000
        lookup_delay = 5000
        lookup_pages = 5
        clock_skew = 5000
    record_ttl = 604800
    outbox_max = 10000
timesheet
    backend = http
    http
        base_url = https://timesheets.example.com/api/
        timeout = 5000
        token_env = SB_TIMESHEET_TOKEN
agent-sync
    vapi
        base = http://127.0.0.1:9001
        timeout = 10000
    twilio
        base = http://127.0.0.1:9002
        timeout = 10000
    max-attempts = 3
    lock-ttl = 30000
    lock-wait = 10000
    prefix = sb:
