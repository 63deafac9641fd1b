/*  sb_schema_decode.c — an envelope checked and decoded from one unpack
    (sb_schemas_decode in sb_schema.h): what every actor does with each
    DELIVER. sb_envelope_decode followed by sb_schemas_check scanned the
    bytes, unpacked them, made JSON of them, then packed the body again and
    unpacked it once more to check it against its schema.                 */

#include "sb_classes.h"

sb_envelope_t *
sb_schemas_decode (const sb_schemas_t *self, const uint8_t *data, size_t size,
                   const sb_limits_t *limits, char *err, size_t errlen)
{
    msgpack_zone zone;
    if (!msgpack_zone_init (&zone, SB_MSGPACK_ZONE_CHUNK)) {
        sb_error_set (err, errlen, "msgpack: out of memory");
        return NULL;
    }
    msgpack_object object;
    sb_envelope_view_t view;
    sb_envelope_t *envelope = NULL;
    if (sb_schemas_check_bytes (self, data, size, limits, &zone, &object, &view, err,
                                errlen) == 0)
        envelope = sb_envelope_from_object (&object, limits, err, errlen);
    msgpack_zone_destroy (&zone);
    return envelope;
}
