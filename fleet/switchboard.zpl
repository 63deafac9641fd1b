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
