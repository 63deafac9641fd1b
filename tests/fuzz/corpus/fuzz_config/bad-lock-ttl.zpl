agent-sync
    vapi
        timeout = 20000
    lock-ttl = 30000
