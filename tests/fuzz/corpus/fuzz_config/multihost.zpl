#   tests/multihost/switchboard.zpl — the multi-host test's config, read by
#   every program on every host (as fleet/switchboard.zpl is). The brokers'
#   timings are short so that the cut-off is seen within seconds: a worker
#   silent for 500 ms is dead, a delivery idle for 1 s in Redis is another
#   broker's to reclaim, and a Redis call gives up after 250 ms (a broker
#   whose host is cut off blocks that long in each attempt to reconnect:
#   shorter than the workers' liveness, so that they stay its workers
#   meanwhile). The rest is the chaos tests' (tests/chaos/switchboard.zpl.in).

broker
    heartbeat = 100
    liveness = 5
    visibility = 1000
    poll = 20
    redis-timeout = 250

services
    default
        max-attempts = 5
        initial-interval = 20
        max-interval = 100
        lease = 5000
    sender
        max-attempts = 8

ingress
    publish-timeout = 500
    threads = 8
    numbers
        +15557654321 = demo

sender
    mode = twilio
    twilio
        timeout = 2000
        lookup_delay = 100
        clock_skew = 2000
