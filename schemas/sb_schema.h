/*  sb_schema.h — message type definitions: one ZPL file per type under
    schemas/types/, embedded in the binaries at build time, so that one
    definition drives validation, the docs (envelope schema-doc) and the
    JSON shape of fixtures (envelope example). docs/schemas.md gives the
    file format.                                                           */

#ifndef SB_SCHEMA_H_INCLUDED
#define SB_SCHEMA_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "sb_envelope.h"

typedef struct _sb_schemas_t sb_schemas_t;

//  Creates an empty registry.
sb_schemas_t *sb_schemas_new (void);

//  Creates a registry holding every definition built into the binary
//  (schemas/types/*.zpl). Returns NULL with the reason in err if one of
//  them is malformed (a build that passes its tests never is).
sb_schemas_t *sb_schemas_new_builtin (char *err, size_t errlen);

//  Destroys the registry and NULLs the caller's pointer. Safe on NULL.
void sb_schemas_destroy (sb_schemas_t **self_p);

//  Parses one definition from ZPL text and adds it. origin names the text
//  in messages (a file name). Returns 0, or -1 with "origin: reason" in err:
//  malformed ZPL, unknown field type, bad bound, duplicate type.
int sb_schemas_add (sb_schemas_t *self, const char *origin, const char *zpl,
                    char *err, size_t errlen);

//  Number of types, and their names in sorted order (borrowed).
size_t sb_schemas_size (const sb_schemas_t *self);
const char *sb_schemas_type_at (const sb_schemas_t *self, size_t index);

//  True if the registry defines type.
bool sb_schemas_has (const sb_schemas_t *self, const char *type);

//  Checks a body against type's schema: required fields present, types,
//  string length, prefix and enum bounds, numeric ranges, array sizes, enums,
//  recursively. Unknown fields are allowed (forward compatible). Returns 0,
//  or -1 with the reason naming the field ("body.from: ...") in err.
int sb_schemas_check_body (const sb_schemas_t *self, const char *type,
                           const json_t *body, char *err, size_t errlen);

//  The same check on a body in its msgpack form (borrowed).
int sb_schemas_check_object (const sb_schemas_t *self, const char *type,
                             const msgpack_object *body, char *err, size_t errlen);

//  Checks an encoded envelope completely (limits, structure, header, body
//  schema) without building an sb_envelope_t: the broker's fast path. The
//  envelope is unpacked into object, its maps and arrays allocated in the
//  caller's zone (strings point into data): view's body and trace point
//  into both until the caller clears the zone (msgpack_zone_clear), which
//  it can reuse for the next envelope without allocating again. Accepts
//  exactly what decode + sb_schemas_check accept.
int sb_schemas_check_bytes (const sb_schemas_t *self, const uint8_t *data, size_t size,
                            const sb_limits_t *limits, msgpack_zone *zone,
                            msgpack_object *object, sb_envelope_view_t *view,
                            char *err, size_t errlen);

//  Decodes an encoded envelope that sb_schemas_check_bytes accepts, from
//  the one unpack that checks it: the same as sb_envelope_decode followed
//  by sb_schemas_check, for less. The caller owns it; NULL with the reason
//  in err.
sb_envelope_t *sb_schemas_decode (const sb_schemas_t *self, const uint8_t *data, size_t size,
                                  const sb_limits_t *limits, char *err, size_t errlen);

//  Checks a whole envelope: header (sb_envelope_check), type known, body.
int sb_schemas_check (const sb_schemas_t *self, const sb_envelope_t *env,
                      char *err, size_t errlen);

//  Indexes: a top-level string field marked `index = phone` names the
//  person a message is from or to; the broker notes each conversation
//  under that value (docs/broker.md, Conversations by phone number).

#define SB_SCHEMAS_PHONE_DIGITS 15     /* E.164's most                    */
#define SB_SCHEMAS_PHONE_MAX    16     /* '+' and the digits               */

//  Normalises a phone number (length bytes of text, not terminated): an
//  optional "whatsapp:" prefix dropped, spaces, dashes, dots and
//  parentheses ignored, then '+' and 1 to 15 digits required. Writes
//  "+DIGITS" into value (size >= SB_SCHEMAS_PHONE_MAX + 1). Returns 0, or
//  -1 with the reason in err.
int sb_schemas_phone_normalise (const char *text, size_t length, char *value, size_t size,
                                char *err, size_t errlen);

//  The index type's schema declares ("phone", borrowed), or NULL if none.
const char *sb_schemas_index (const sb_schemas_t *self, const char *type);

//  The normalised value of type's indexed field in body (a checked body,
//  borrowed) into value (size >= SB_SCHEMAS_PHONE_MAX + 1). Returns 1 if
//  written; 0 if the type has no index, or the body lacks the field or its
//  value is not a phone number (then nothing is indexed, nothing refused).
int sb_schemas_index_value (const sb_schemas_t *self, const char *type,
                            const msgpack_object *body, char *value, size_t size);

//  Writes the Markdown reference of every type (fields, bounds, who emits
//  and consumes) to file. Returns 0 or -1 on a write error.
int sb_schemas_write_doc (const sb_schemas_t *self, FILE *file);

//  Returns a new example body for type built from each field's example
//  value, or NULL if type is unknown. The caller owns it.
json_t *sb_schemas_example_body (const sb_schemas_t *self, const char *type);

//  The services that emit and that consume type, as written in its
//  definition (borrowed, possibly empty strings), or NULL if unknown.
const char *sb_schemas_emitted_by (const sb_schemas_t *self, const char *type);
const char *sb_schemas_consumed_by (const sb_schemas_t *self, const char *type);

#endif
