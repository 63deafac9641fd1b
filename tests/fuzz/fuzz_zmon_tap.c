/*  fuzz_zmon_tap.c — libFuzzer target: arbitrary bytes as one message of
    the broker's tap, read by zmon (bin/zmon/sb_zmon_decode). The input is
    cut into frames: each a 2-byte big-endian length and that many bytes,
    the rest of the input the last frame (at most 8). A refusal says why;
    an accepted message has a non-empty event, an attempt within bounds,
    an envelope (or why it is undecodable), and no secret left in its body
    (every secret field reads "[redacted]"). Aborts otherwise.            */

#include "sb_classes.h"
#include "sb_zmon_decode.h"

#define S_MAX_FRAMES 8

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  libFuzzer's one-time setup: reading the schemas for every input would
//  leave little time for the decoder itself.
static sb_zmon_redactor_t *s_redactor;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    char err [256];
    s_redactor = sb_zmon_redactor_new (err, sizeof err);
    if (!s_redactor)
        abort ();
    return 0;
}

//  The secret fields a workspace.saved may carry must read "[redacted]".
static void
s_check_redacted (const json_t *envelope)
{
    const char *type = json_string_value (json_object_get (envelope, "type"));
    const json_t *body = json_object_get (envelope, "body");
    if (!type || !streq (type, "workspace.saved"))
        return;
    const char *secrets [] = { "vapi_api_key", "twilio_auth_token" };
    for (size_t index = 0; index < 2; index++) {
        const json_t *value = json_object_get (body, secrets [index]);
        if (value && !json_is_null (value)
        &&  !(json_is_string (value) && streq (json_string_value (value), SB_ZMON_REDACTED)))
            abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    const uint8_t *parts [S_MAX_FRAMES];
    size_t sizes [S_MAX_FRAMES], count = 0, at = 0;
    while (count < S_MAX_FRAMES - 1 && at + 2 <= size) {
        size_t length = (size_t) data [at] << 8 | data [at + 1];
        if (at + 2 + length > size)
            break;
        parts [count] = data + at + 2;
        sizes [count++] = length;
        at += 2 + length;
    }
    parts [count] = data + at;
    sizes [count++] = size - at;
    char err [256] = "";
    json_t *message = sb_zmon_tap_decode (s_redactor, parts, sizes, count, err, sizeof err);
    if (!message) {
        if (!*err)
            abort ();
        return 0;
    }
    const char *event = json_string_value (json_object_get (message, "event"));
    json_int_t attempt = json_integer_value (json_object_get (message, "attempt"));
    const json_t *envelope = json_object_get (message, "envelope");
    if (!event || !*event || attempt < 0 || attempt > 1000000 || !json_is_object (envelope))
        abort ();
    s_check_redacted (envelope);
    sb_zmon_tap_match (message, "echo.request", NULL);
    char *text = json_dumps (message, JSON_COMPACT);
    if (!text)
        abort ();
    free (text);
    json_decref (message);
    return 0;
}
