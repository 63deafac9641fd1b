routes
    sms.received = planner
    echo.reply = "echo-sink audit"
    agents.synced = @reply_to
services
    default
        max-attempts = 3
    planner
        max-attempts = 5
        initial-interval = 1000
        backoff = 2.0
        max-interval = 10000
        jitter = 0.1
        lease = 30000
alerts
    queue-depth = 1000
    oldest-age = 60000
    failure-rate = 0.2
    p99 = 5000
    restarts = 3
