/*  sb_proto.c — frames of the broker protocol (see sb_proto.h).           */

#include "sb_proto.h"

zmsg_t *
sb_proto_new (const char *command)
{
    zmsg_t *msg = zmsg_new ();
    if (msg && (zmsg_addstr (msg, SB_PROTO_HEADER) || zmsg_addstr (msg, command)))
        zmsg_destroy (&msg);
    return msg;
}

int
sb_proto_parse (zmsg_t *msg, char command [SB_PROTO_COMMAND_MAX + 1],
                char *err, size_t errlen)
{
    zframe_t *header = zmsg_first (msg);
    if (!header || zframe_size (header) != strlen (SB_PROTO_HEADER)
    ||  memcmp (zframe_data (header), SB_PROTO_HEADER, zframe_size (header)))
        return sb_error_set (err, errlen, "not an SBP1 message (bad protocol header)");
    zframe_t *frame = zmsg_pop (msg);
    zframe_destroy (&frame);
    if (sb_proto_pop_string (msg, command, SB_PROTO_COMMAND_MAX + 1))
        return sb_error_set (err, errlen, "missing or malformed command frame");
    return 0;
}

int
sb_proto_pop_string (zmsg_t *msg, char *buffer, size_t size)
{
    zframe_t *frame = zmsg_pop (msg);
    size_t length = frame? zframe_size (frame): 0;
    int rc = 0;
    if (!frame || length >= size || (length && memchr (zframe_data (frame), 0, length)))
        rc = -1;
    else {
        if (length)
            memcpy (buffer, zframe_data (frame), length);
        buffer [length] = 0;
    }
    zframe_destroy (&frame);
    return rc;
}

int
sb_proto_pop_number (zmsg_t *msg, uint64_t *value)
{
    char text [24], *end;
    if (sb_proto_pop_string (msg, text, sizeof text) || !isdigit ((unsigned char) text [0]))
        return -1;
    errno = 0;
    *value = strtoull (text, &end, 10);
    return (*end || errno)? -1: 0;
}

int
sb_proto_add_json (zmsg_t *msg, const json_t *value)
{
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    int rc = sb_msgpack_pack_json (&packer, value);
    if (rc == 0)
        rc = zmsg_addmem (msg, buffer.data, buffer.size);
    msgpack_sbuffer_destroy (&buffer);
    return rc? -1: 0;
}

json_t *
sb_proto_pop_json (zmsg_t *msg, char *err, size_t errlen)
{
    zframe_t *frame = zmsg_pop (msg);
    if (!frame) {
        sb_error_set (err, errlen, "missing msgpack frame");
        return NULL;
    }
    json_t *value = NULL;
    if (sb_msgpack_scan (zframe_data (frame), zframe_size (frame), NULL, err, errlen) == 0) {
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        size_t offset = 0;
        if (msgpack_unpack_next (&unpacked, (const char *) zframe_data (frame),
                                 zframe_size (frame), &offset) == MSGPACK_UNPACK_SUCCESS)
            value = sb_msgpack_to_json (&unpacked.data, "frame", err, errlen);
        else
            sb_error_set (err, errlen, "frame: msgpack-c refused it");
        msgpack_unpacked_destroy (&unpacked);
    }
    zframe_destroy (&frame);
    return value;
}

int
sb_proto_pop_welcome (zmsg_t *msg, int *heartbeat_ms, int *liveness)
{
    char err [128];
    json_t *welcome = sb_proto_pop_json (msg, err, sizeof err);
    json_int_t beat = json_integer_value (json_object_get (welcome, "heartbeat_ms"));
    json_int_t lives = json_integer_value (json_object_get (welcome, "liveness"));
    if (beat > 0 && beat <= 60000)
        *heartbeat_ms = (int) beat;
    if (lives > 0 && lives <= 100)
        *liveness = (int) lives;
    int rc = json_is_object (welcome)? 0: -1;
    json_decref (welcome);
    return rc;
}
