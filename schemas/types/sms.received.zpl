#   sms.received: an inbound SMS that ingress accepted from Twilio
type = sms.received
summary = "An inbound SMS, accepted by ingress from Twilio's webhook."
emitted-by = ingress
consumed-by = planner
body
    message_sid
        type = string
        required = 1
        min = 34
        max = 34
        prefix = "SM|MM"
        doc = "Twilio's MessageSid (SM for SMS, MM for MMS); the idempotency key is sms:twilio:<message_sid>."
        example = "SM0123456789abcdef0123456789abcdef"
    account_sid
        type = string
        required = 1
        min = 34
        max = 34
        prefix = "AC"
        doc = "Twilio's AccountSid of the receiving account; names the tenant's Twilio account."
        example = "AC0123456789abcdef0123456789abcdef"
    channel
        type = string
        required = 1
        enum = "sms"
        doc = "Always sms: lets the planner treat both inbound types alike."
        example = "sms"
    from
        type = string
        index = phone
        required = 1
        min = 1
        max = 64
        doc = "The sender's phone number as Twilio gives it (From), E.164: the employee."
        example = "+15551234567"
    to
        type = string
        required = 1
        min = 1
        max = 64
        doc = "The tenant's number the SMS was sent to (To); replies are sent from it."
        example = "+15557654321"
    text
        type = string
        required = 1
        max = 6400
        doc = "The message text (Body), possibly empty for a picture message. Twilio caps it at 1600 characters, up to 4 bytes each in UTF-8."
        example = "how many hours this week?"
    num_media
        type = int
        min = 0
        max = 10
        doc = "Twilio's NumMedia: how many media items are attached."
        example = 0
    media
        type = array
        max = 10
        items = map
        doc = "The attached media, one per item (MediaUrlN, MediaContentTypeN)."
        example = '[{"url":"https://api.twilio.com/media/ME1","content_type":"image/jpeg"}]'
        fields
            url
                type = string
                required = 1
                min = 1
                max = 2048
                doc = "Twilio's URL of the media item."
                example = "https://api.twilio.com/media/ME1"
            content_type
                type = string
                max = 128
                doc = "Its MIME type."
                example = "image/jpeg"
    messaging_service_sid
        type = string
        min = 34
        max = 34
        prefix = "MG"
        doc = "Twilio's MessagingServiceSid, when the number belongs to a messaging service."
        example = "MG0123456789abcdef0123456789abcdef"
