sender
    mode = twilio
    twilio
        account_sid = AC1
