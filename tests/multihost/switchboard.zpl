#   tests/multihost/switchboard.zpl — the multi-host test's config, read by
#   every program on every host (as fleet/switchboard.zpl is). The brokers'
#   timings are short so that the cut-off is seen within seconds: a worker
#   silent for 300 ms is dead, a delivery idle for 1 s in Redis is another
#   broker's to reclaim, and a Redis call gives up after 500 ms (a broker
#   whose host is cut off must not sit in one call for long). The rest is
#   the chaos tests' (tests/chaos/switchboard.zpl.in).

broker
    heartbeat = 100
    liveness = 3
    visibility = 1000
    poll = 20
    redis-timeout = 500

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
