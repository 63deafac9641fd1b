#   whatsapp.received: an inbound WhatsApp message that ingress accepted from the gateway
type = whatsapp.received
summary = "An inbound WhatsApp text message, accepted by ingress from the WhatsApp gateway's webhook (one envelope per message; the tenant is the envelope's tenant)."
emitted-by = ingress
consumed-by = planner
body
    message_id
        type = string
        required = 1
        min = 1
        max = 128
        doc = "The gateway's message id (key.id); the idempotency key is whatsapp:baileys:<message_id>."
        example = "3EB0C767D26A1D8E2F4B"
    channel
        type = string
        required = 1
        enum = "whatsapp"
        doc = "Always whatsapp: lets the planner treat both inbound types alike."
        example = "whatsapp"
    from
        type = string
        index = phone
        required = 1
        min = 1
        max = 64
        doc = "The sender's phone number in E.164, taken from key.remoteJid: the employee."
        example = "+972501234567"
    remote_jid
        type = string
        max = 128
        doc = "The sender's WhatsApp id as the gateway gave it (key.remoteJid)."
        example = "972501234567@s.whatsapp.net"
    text
        type = string
        required = 1
        max = 65536
        doc = "The message text (message.conversation or an extended text's text)."
        example = "how many hours this week?"
    push_name
        type = string
        max = 256
        doc = "The display name the sender set in WhatsApp, when the gateway gives it."
        example = "Dana"
    sent_at_ms
        type = int
        min = 0
        doc = "When the sender's phone sent it (messageTimestamp), Unix milliseconds."
        example = 1772787599000
