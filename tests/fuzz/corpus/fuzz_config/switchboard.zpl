#   fleet/switchboard.zpl — the default fleet's configuration: one file, a
#   section per program (each reads its own; the broker reads routes and
#   services). Every key: docs/broker.md, docs/ingress.md, docs/actors/.

#   Retry policies (docs/broker.md)
services
    default
        max-attempts = 3
    sender
        max-attempts = 6            # an unanswered Twilio request takes attempts to settle
                                    # (docs/actors/sender.md)
    agent-sync
        max-attempts = 3            # = agent-sync/max-attempts: its last attempt reports

#   The demo tenant's number (timesheet-demo's tenant "demo"): an SMS to it
#   belongs to demo
ingress
    numbers
        +15557654321 = demo

#   What zmon watches (docs/zmon.md): the broker's tap (live traffic) and
#   socket events, on loopback only
broker
    tap = tcp://127.0.0.1:5557
    monitor = tcp://127.0.0.1:5556
#   Between hosts, CURVE (docs/security.md): keys made with sbkeys, and
#   SB_CURVE_CERT / SB_CURVE_SERVER in defaults/env of every fleet file
#   curve
#       certificate = /etc/switchboard/curve/broker.key_secret
#       clients = /etc/switchboard/curve/clients

#   Alert thresholds, read by the broker (exported in STATS) and by zmon
#   (zmon -c fleet/switchboard.zpl)
alerts
    queue-depth = 1000
    oldest-age = 60000
    failure-rate = 0.2
    p99 = 5000
    restarts = 3
