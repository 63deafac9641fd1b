/*  fuzz_zmon_socket.c — libFuzzer target: arbitrary bytes as one socket
    event a broker or actor publishes (brokers/sb_monitor.h), read by zmon
    (bin/zmon/sb_zmon_decode). A refusal says why; an accepted event has
    exactly its nine fields, strings of at most 512 bytes and seq, at_ms
    >= 1. Aborts otherwise.                                               */

#include "sb_classes.h"
#include "sb_zmon_decode.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err [256] = "";
    json_t *event = sb_zmon_socket_decode (data, size, err, sizeof err);
    if (!event) {
        if (!*err)
            abort ();
        return 0;
    }
    const char *strings [] = { "source", "socket", "event", "endpoint", "peer", "reason" };
    for (size_t index = 0; index < 6; index++) {
        const json_t *field = json_object_get (event, strings [index]);
        if (!json_is_string (field) || json_string_length (field) > 512)
            abort ();
    }
    if (json_object_size (event) != 9
    ||  json_integer_value (json_object_get (event, "seq")) < 1
    ||  json_integer_value (json_object_get (event, "at_ms")) < 1
    ||  !json_is_integer (json_object_get (event, "value")))
        abort ();
    json_decref (event);
    return 0;
}
