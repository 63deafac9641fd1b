broker
    endpoint = tcp://127.0.0.1:5555
    name = broker-a
    redis = tcp://127.0.0.1:6379
    prefix = sb:
    dedup-window = 86400000
    max-backlog = 10000000
    heartbeat = 1000
    liveness = 3
    visibility = 30000
    poll = 100
    redis-timeout = 2000
    batch = 512
    max-envelope = 1048576
    trace = on
    trace-ttl = 86400000
    tap = tcp://127.0.0.1:5557
    monitor = tcp://127.0.0.1:5556
    curve
        certificate = /etc/switchboard/curve/broker.key_secret
        clients = /etc/switchboard/curve/clients
