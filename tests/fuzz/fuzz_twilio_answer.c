/*  fuzz_twilio_answer.c — libFuzzer target: arbitrary bytes as an answer
    from Twilio's Messages API, read by the sender (actors/sender/
    sb_twilio_api): as a created message, an error, a list page, and a
    Retry-After value. Whatever reads must hold what the readers promise
    (a SID of 2..64 alphanumerics, fields within their buffers, segments
    0..64, a next page that fits, a delay within a day); aborts otherwise. */

#include "sb_classes.h"
#include "sb_twilio_api.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  Aborts unless message holds what a read message promises.
static void
s_check_message (const sb_twilio_message_t *message)
{
    size_t length = strnlen (message->sid, sizeof message->sid);
    if (length < 2 || length > SB_TWILIO_SID_MAX)
        abort ();
    for (size_t index = 0; index < length; index++)
        if (!isalnum ((unsigned char) message->sid [index]))
            abort ();
    if (strnlen (message->to, sizeof message->to) == sizeof message->to
    ||  strnlen (message->from, sizeof message->from) == sizeof message->from
    ||  strnlen (message->status, sizeof message->status) == sizeof message->status
    ||  strnlen (message->body, sizeof message->body) == sizeof message->body
    ||  message->segments < 0 || message->segments > 64 || message->created_s < 0)
        abort ();
}

static bool
s_each (const sb_twilio_message_t *message, void *arg)
{
    s_check_message (message);
    (*(size_t *) arg)++;
    return false;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    const char *answer = (const char *) data;
    char err [256], reason [SB_TWILIO_REASON_MAX], next [64];
    sb_twilio_message_t message;
    if (sb_twilio_api_read_message (answer, size, &message, err, sizeof err) == 0)
        s_check_message (&message);
    else
    if (!*err)
        abort ();            //  a refusal says why
    int code = -1;
    sb_twilio_api_read_error (answer, size, &code, reason, sizeof reason);
    if (code < 0 || strnlen (reason, sizeof reason) == sizeof reason)
        abort ();
    size_t count = 0, skipped = 0;
    int rc = sb_twilio_api_read_list (answer, size, s_each, &count, next, sizeof next, &skipped,
                                      err, sizeof err);
    if (rc < -1 || rc > 0 || strnlen (next, sizeof next) == sizeof next)
        abort ();            //  s_each never stops the walk
    //  As a header value: NUL-terminated, at most a header's length
    char value [128];
    size_t length = size < sizeof value - 1? size: sizeof value - 1;
    memcpy (value, data, length);
    value [length] = 0;
    int64_t delay = sb_twilio_api_read_retry_after (value, 1772701200);
    if (delay < -1 || delay > 86400000)
        abort ();
    return 0;
}
