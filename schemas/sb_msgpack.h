/*  sb_msgpack.h — the guarded edge between outside bytes and msgpack-c.

    msgpack-c's unpacker allocates whatever an input declares (a 17-byte
    input can ask for tens of GiB). sb_msgpack_scan walks the bytes first,
    without allocating, and refuses any input whose declared lengths exceed
    the bytes that remain or the limits; only then does msgpack-c unpack it,
    so what it allocates is bounded by the input's real size.

    The module also converts between msgpack objects and jansson values,
    which is how envelope bodies are held in memory.                        */

#ifndef SB_MSGPACK_H_INCLUDED
#define SB_MSGPACK_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <msgpack.h>
#include "sb_limits.h"

//  Checks that data holds exactly one well-formed msgpack value within
//  limits. Allocates nothing. Returns 0, or -1 with the reason (and byte
//  offset) in err.
int sb_msgpack_scan (const uint8_t *data, size_t size,
                     const sb_limits_t *limits, char *err, size_t errlen);

//  Reads deadline_ms and type from the top-level map of an encoded
//  envelope without allocating (type may be NULL; truncated to typelen).
//  Leaves fields it does not find alone. Returns 0, or -1 if data is not a
//  well-formed map.
int sb_msgpack_peek (const uint8_t *data, size_t size, int64_t *deadline_ms,
                     char *type, size_t typelen);

//  Converts a msgpack value into a new jansson value. Map keys must be
//  strings; binary and extension values are refused (bodies are JSON-shaped),
//  as are unsigned integers above INT64_MAX. path names the value in
//  messages ("body", "trace[2]"). Returns the value (caller owns it) or NULL
//  with the reason in err.
json_t *sb_msgpack_to_json (const msgpack_object *obj, const char *path,
                            char *err, size_t errlen);

//  Checks, without converting anything, that obj is what
//  sb_msgpack_to_json accepts (string keys, valid UTF-8, no binary or
//  extension values, integers within int64, finite floats). Returns 0, or
//  -1 with the reason naming the path in err.
int sb_msgpack_check_json (const msgpack_object *obj, const char *path,
                           char *err, size_t errlen);

//  True if the bytes are well-formed UTF-8 (no overlongs, no surrogates).
bool sb_msgpack_utf8_valid (const char *text, size_t size);

//  The index of the first string key of map that repeats an earlier one,
//  or -1 if none does. A map with a key twice is refused everywhere: the
//  JSON form would keep the last value and a reader of the msgpack form
//  the first, so the broker and the actors would read different messages.
int64_t sb_msgpack_map_duplicate (const msgpack_object_map *map);

//  Unpacks the first value of data (trailing bytes are accepted, as
//  msgpack_unpack_next accepts them) into a zone of the caller's, which
//  owns what the object points to. 0, or -1 if msgpack-c refused it.
//  Make the zone with msgpack_zone_init (&zone, SB_MSGPACK_ZONE_CHUNK):
//  msgpack_unpack_next's own is 8 KiB, and glibc consolidates its fast
//  bins before every malloc of 1,008 bytes or more, so that a decode per
//  message cost the actors about a tenth of their time.
#define SB_MSGPACK_ZONE_CHUNK 960
int sb_msgpack_unpack (const uint8_t *data, size_t size, msgpack_zone *zone,
                       msgpack_object *object);

//  Packs a jansson value. Returns 0, or -1 if it holds a value msgpack
//  cannot carry (never for values that came from sb_msgpack_to_json).
int sb_msgpack_pack_json (msgpack_packer *pk, const json_t *value);

#endif
