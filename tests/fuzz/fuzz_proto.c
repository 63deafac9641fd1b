/*  fuzz_proto.c — SBP/1 frames from a peer (sb_proto): the bytes are cut
    into frames (each a length byte and that many bytes), parsed as a
    command, and its arguments read the ways the broker and the runtime
    read them. Nothing may crash, leak or read out of bounds.            */

#include "sb_classes.h"
#include "sb_proto.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static zmsg_t *
s_frames (const uint8_t *data, size_t size)
{
    zmsg_t *msg = zmsg_new ();
    size_t at = 0;
    while (at < size && zmsg_size (msg) < 16) {
        size_t length = data [at++];
        if (length > size - at)
            length = size - at;
        zmsg_addmem (msg, data + at, length);
        at += length;
    }
    return msg;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    zmsg_t *msg = s_frames (data, size);
    char command [SB_PROTO_COMMAND_MAX + 1], err [256], text [SB_PROTO_HANDLE_MAX];
    if (sb_proto_parse (msg, command, err, sizeof err) == 0) {
        uint64_t number;
        int heartbeat = 1000, liveness = 3;
        //  The shapes the commands take: a token or handle, a number, a
        //  msgpack body
        if (size % 3 == 0)
            sb_proto_pop_welcome (msg, &heartbeat, &liveness);
        else {
            sb_proto_pop_string (msg, text, sizeof text);
            sb_proto_pop_number (msg, &number);
            json_decref (sb_proto_pop_json (msg, err, sizeof err));
        }
    }
    zmsg_destroy (&msg);
    return 0;
}
