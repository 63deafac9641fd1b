ingress
    listen = 0.0.0.0
    port = 8081
    broker = "tcp://127.0.0.1:5555,tcp://127.0.0.1:5556"
    public-url = https://sms.example.com
    tenant = acme
    instance = web-1
    max-body = 131072
    publish-timeout = 3000
    threads = 16
    workspace-timeout = 20000
    redis = tcp://127.0.0.1:6379
    credentials-ttl = 0
    numbers
        +15557654321 = acme
        +15550001111 = globex
    workspace-tokens
        acme = env:ACME_WORKSPACE_TOKEN
        globex = s3cret
