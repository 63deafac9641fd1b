/*  sb_schema.c — message type definitions: parsing the ZPL files,
    checking bodies against them, and writing their docs and examples.     */

#include "sb_classes.h"
#include "sb_embed.h"

typedef enum {
    S_STRING, S_INT, S_NUMBER, S_BOOL, S_MAP, S_ARRAY, S_ANY
} s_kind_t;

static const char *s_kind_names [] = {
    "string", "int", "number", "bool", "map", "array", "any"
};

typedef struct _s_field_t s_field_t;
struct _s_field_t {
    char *name;
    s_kind_t kind;
    s_kind_t items;          //  arrays: the kind of every item
    bool required;
    bool has_min, has_max;
    double min, max;         //  lengths, values or item counts
    char *choices;           //  enum: "a|b|c", or NULL
    char *prefixes;          //  prefix: "SM|MM", or NULL
    char *doc;
    char *index;             //  "phone": the body's value names a person, or NULL
    json_t *example;         //  NULL when none given
    s_field_t *fields;       //  nested fields of a map (or map items)
    size_t field_count;
};

typedef struct {
    char *type;
    char *summary;
    char *emitted_by;
    char *consumed_by;
    s_field_t body;          //  a map field holding the body's fields
    const s_field_t *indexed;    //  the body field with an index, or NULL
} s_schema_t;

struct _sb_schemas_t {
    zhashx_t *by_type;       //  type -> s_schema_t
    zlistx_t *types;         //  sorted type names (borrowed from schemas)
};

static void
s_field_clear (s_field_t *field)
{
    for (size_t index = 0; index < field->field_count; index++)
        s_field_clear (&field->fields [index]);
    free (field->fields);
    free (field->name);
    free (field->choices);
    free (field->prefixes);
    free (field->doc);
    free (field->index);
    json_decref (field->example);
    memset (field, 0, sizeof *field);
}

static void
s_schema_destroy (s_schema_t **self_p)
{
    if (self_p && *self_p) {
        s_schema_t *self = *self_p;
        free (self->type);
        free (self->summary);
        free (self->emitted_by);
        free (self->consumed_by);
        s_field_clear (&self->body);
        free (self);
        *self_p = NULL;
    }
}

static void
s_schema_destructor (void **item)
{
    s_schema_destroy ((s_schema_t **) item);
}

sb_schemas_t *
sb_schemas_new (void)
{
    sb_schemas_t *self = (sb_schemas_t *) calloc (1, sizeof (sb_schemas_t));
    if (!self)
        return NULL;
    self->by_type = zhashx_new ();
    self->types = zlistx_new ();
    if (!self->by_type || !self->types) {
        sb_schemas_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->by_type, s_schema_destructor);
    zlistx_set_comparator (self->types, (zlistx_comparator_fn *) strcmp);
    return self;
}

void
sb_schemas_destroy (sb_schemas_t **self_p)
{
    if (self_p && *self_p) {
        sb_schemas_t *self = *self_p;
        zlistx_destroy (&self->types);
        zhashx_destroy (&self->by_type);
        free (self);
        *self_p = NULL;
    }
}

sb_schemas_t *
sb_schemas_new_builtin (char *err, size_t errlen)
{
    sb_schemas_t *self = sb_schemas_new ();
    for (size_t index = 0; self && index < sb_schema_builtin_count; index++) {
        const sb_embed_t *source = &sb_schema_builtin [index];
        if (sb_schemas_add (self, source->origin, source->text, err, errlen))
            sb_schemas_destroy (&self);
    }
    return self;
}

//  --------------------------------------------------------------------------
//  Parsing definitions

static s_kind_t
s_kind_parse (const char *name)
{
    for (int kind = S_STRING; kind <= S_ANY; kind++)
        if (streq (name, s_kind_names [kind]))
            return (s_kind_t) kind;
    return (s_kind_t) -1;
}

static int
s_parse_bound (const char *text, double *value, bool *has)
{
    char *end;
    *value = strtod (text, &end);
    *has = true;
    return (*text && !*end && isfinite (*value))? 0: -1;
}

//  Parses an example: the raw text for strings, JSON for everything else.
static json_t *
s_parse_example (s_kind_t kind, const char *text)
{
    if (kind == S_STRING)
        return json_string (text);
    return json_loads (text, JSON_DECODE_ANY, NULL);
}

static int s_parse_fields (s_field_t *parent, zconfig_t *block, const char *where,
                           char *err, size_t errlen);

//  index = phone: only on a top-level field ("body.NAME"), the one kind
//  of index the broker keeps (docs/schemas.md).
static int
s_parse_index (s_field_t *field, const char *value, const char *where, char *err, size_t errlen)
{
    if (!streq (value, "phone"))
        return sb_error_set (err, errlen, "%s: index: unknown index '%s' (phone is the one known)",
                             where, value);
    if (strncmp (where, "body.", 5) || strchr (where + 5, '.'))
        return sb_error_set (err, errlen, "%s: index applies to top-level body fields only", where);
    free (field->index);
    field->index = strdup (value);
    return field->index? 0: sb_error_set (err, errlen, "%s: out of memory", where);
}

//  Applies one attribute (key = value) of a field definition.
static int
s_parse_attribute (s_field_t *field, zconfig_t *item, const char *where,
                   char *err, size_t errlen)
{
    const char *key = zconfig_name (item);
    const char *value = zconfig_value (item);
    int rc = 0;
    if (streq (key, "type") || streq (key, "items")) {
        s_kind_t kind = s_kind_parse (value);
        if ((int) kind < 0)
            return sb_error_set (err, errlen, "%s: %s: unknown type '%s'", where, key, value);
        *(streq (key, "type")? &field->kind: &field->items) = kind;
    }
    else
    if (streq (key, "required")) {
        if (!streq (value, "0") && !streq (value, "1"))
            return sb_error_set (err, errlen, "%s: required: expected 0 or 1, got '%s'", where, value);
        field->required = streq (value, "1");
    }
    else
    if (streq (key, "min"))
        rc = s_parse_bound (value, &field->min, &field->has_min);
    else
    if (streq (key, "max"))
        rc = s_parse_bound (value, &field->max, &field->has_max);
    else
    if (streq (key, "enum"))    field->choices = strdup (value);
    else
    if (streq (key, "prefix"))  field->prefixes = strdup (value);
    else
    if (streq (key, "doc"))     field->doc = strdup (value);
    else
    if (streq (key, "index"))
        return s_parse_index (field, value, where, err, errlen);
    else
    if (streq (key, "example")) {}   //  parsed once the type is known
    else
    if (streq (key, "fields"))
        return s_parse_fields (field, item, where, err, errlen);
    else
        return sb_error_set (err, errlen, "%s: unknown attribute '%s'", where, key);
    if (rc)
        return sb_error_set (err, errlen, "%s: %s: '%s' is not a number", where, key, value);
    return 0;
}

static int
s_check_field (s_field_t *field, zconfig_t *block, const char *where,
               char *err, size_t errlen)
{
    if (!zconfig_locate (block, "type"))
        return sb_error_set (err, errlen, "%s: no type given", where);
    if ((field->choices || field->prefixes || field->index) && field->kind != S_STRING)
        return sb_error_set (err, errlen, "%s: enum, prefix and index apply to strings only",
                             where);
    if (field->field_count && field->kind != S_MAP
    &&  !(field->kind == S_ARRAY && field->items == S_MAP))
        return sb_error_set (err, errlen, "%s: fields apply to maps and arrays of maps only", where);
    if (field->has_min && field->has_max && field->min > field->max)
        return sb_error_set (err, errlen, "%s: min is above max", where);
    char *example = zconfig_get (block, "example", NULL);
    if (example) {
        field->example = s_parse_example (field->kind, example);
        if (!field->example)
            return sb_error_set (err, errlen, "%s: example: '%s' is not valid JSON", where, example);
    }
    return 0;
}

static int
s_parse_field (s_field_t *field, zconfig_t *block, const char *where,
               char *err, size_t errlen)
{
    field->name = strdup (zconfig_name (block));
    field->items = S_ANY;
    char path [512];
    snprintf (path, sizeof path, "%.255s.%.200s", where, field->name);
    for (zconfig_t *item = zconfig_child (block); item; item = zconfig_next (item))
        if (s_parse_attribute (field, item, path, err, errlen))
            return -1;
    return s_check_field (field, block, path, err, errlen);
}

static int
s_parse_fields (s_field_t *parent, zconfig_t *block, const char *where,
                char *err, size_t errlen)
{
    size_t count = 0;
    for (zconfig_t *item = zconfig_child (block); item; item = zconfig_next (item))
        count++;
    parent->fields = (s_field_t *) calloc (count? count: 1, sizeof (s_field_t));
    if (!parent->fields)
        return sb_error_set (err, errlen, "%s: out of memory", where);
    for (zconfig_t *item = zconfig_child (block); item; item = zconfig_next (item)) {
        for (size_t index = 0; index < parent->field_count; index++)
            if (streq (parent->fields [index].name, zconfig_name (item)))
                return sb_error_set (err, errlen, "%s: field '%s' defined twice", where,
                               zconfig_name (item));
        if (s_parse_field (&parent->fields [parent->field_count++], item, where, err, errlen))
            return -1;
    }
    return 0;
}

//  Reads the top-level keys of a definition into schema.
static int
s_parse_schema (s_schema_t *schema, zconfig_t *root, char *err, size_t errlen)
{
    schema->body.kind = S_MAP;
    for (zconfig_t *item = zconfig_child (root); item; item = zconfig_next (item)) {
        const char *key = zconfig_name (item);
        char **text = streq (key, "type")?        &schema->type
                    : streq (key, "summary")?     &schema->summary
                    : streq (key, "emitted-by")?  &schema->emitted_by
                    : streq (key, "consumed-by")? &schema->consumed_by: NULL;
        if (text)
            *text = strdup (zconfig_value (item));
        else
        if (streq (key, "body")) {
            if (s_parse_fields (&schema->body, item, "body", err, errlen))
                return -1;
        }
        else
            return sb_error_set (err, errlen, "unknown key '%s'", key);
    }
    if (!schema->type)
        return sb_error_set (err, errlen, "no type given");
    if (!schema->summary)
        return sb_error_set (err, errlen, "no summary given");
    if (!schema->body.fields)
        return sb_error_set (err, errlen, "no body given");
    for (size_t index = 0; index < schema->body.field_count; index++) {
        const s_field_t *field = &schema->body.fields [index];
        if (field->index && schema->indexed)
            return sb_error_set (err, errlen, "body.%s: index: only one field may be indexed "
                                 "(body.%s is)", field->name, schema->indexed->name);
        if (field->index)
            schema->indexed = field;
    }
    return 0;
}

//  A throwaway envelope of the type tells whether the name is well formed,
//  with the same rule the envelope applies.
static bool
s_type_name_valid (const char *type)
{
    sb_envelope_t *probe = sb_envelope_new (type);
    char id [SB_ID_LEN + 1] = "00000000000000000000000000";
    sb_envelope_set_id (probe, id);
    sb_envelope_set_key (probe, "k");
    sb_envelope_set_corr (probe, "c");
    sb_envelope_set_src (probe, "s");
    char err [256];
    bool valid = sb_envelope_check (probe, err, sizeof err) == 0;
    sb_envelope_destroy (&probe);
    return valid;
}

int
sb_schemas_add (sb_schemas_t *self, const char *origin, const char *zpl,
                char *err, size_t errlen)
{
    zconfig_t *root = zconfig_str_load (zpl);
    if (!root)
        return sb_error_set (err, errlen, "%s: malformed ZPL", origin);
    s_schema_t *schema = (s_schema_t *) calloc (1, sizeof (s_schema_t));
    char reason [256] = "out of memory";
    int rc = schema? s_parse_schema (schema, root, reason, sizeof reason): -1;
    zconfig_destroy (&root);
    if (rc == 0 && !s_type_name_valid (schema->type))
        rc = sb_error_set (reason, sizeof reason, "type '%s' is not lower-case dotted words",
                     schema->type);
    if (rc == 0 && zhashx_lookup (self->by_type, schema->type))
        rc = sb_error_set (reason, sizeof reason, "type '%s' is defined twice", schema->type);
    if (rc) {
        s_schema_destroy (&schema);
        return sb_error_set (err, errlen, "%s: %s", origin, reason);
    }
    zhashx_insert (self->by_type, schema->type, schema);
    zlistx_insert (self->types, schema->type, false);
    return 0;
}

size_t
sb_schemas_size (const sb_schemas_t *self)
{
    return zlistx_size (self->types);
}

const char *
sb_schemas_type_at (const sb_schemas_t *self, size_t index)
{
    const char *type = (const char *) zlistx_first (self->types);
    while (type && index--)
        type = (const char *) zlistx_next (self->types);
    return type;
}

bool
sb_schemas_has (const sb_schemas_t *self, const char *type)
{
    return type && zhashx_lookup (self->by_type, type) != NULL;
}

const char *
sb_schemas_emitted_by (const sb_schemas_t *self, const char *type)
{
    s_schema_t *schema = type? (s_schema_t *) zhashx_lookup (self->by_type, type): NULL;
    return schema? (schema->emitted_by? schema->emitted_by: ""): NULL;
}

const char *
sb_schemas_consumed_by (const sb_schemas_t *self, const char *type)
{
    s_schema_t *schema = type? (s_schema_t *) zhashx_lookup (self->by_type, type): NULL;
    return schema? (schema->consumed_by? schema->consumed_by: ""): NULL;
}

//  --------------------------------------------------------------------------
//  Checking bodies

//  True if the text (size bytes, not terminated) is one of the
//  '|'-separated words (exact) or starts with one of them (prefix).
static bool
s_matches_one (const char *list, const char *text, size_t size, bool prefix)
{
    const char *word = list;
    while (word) {
        const char *bar = strchr (word, '|');
        size_t length = bar? (size_t) (bar - word): strlen (word);
        if (prefix? (size >= length && memcmp (text, word, length) == 0)
                  : (size == length && memcmp (text, word, length) == 0))
            return true;
        word = bar? bar + 1: NULL;
    }
    return false;
}

static bool
s_kind_matches (s_kind_t kind, const msgpack_object *value)
{
    bool integer = value->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                || value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER;
    switch (kind) {
        case S_STRING: return value->type == MSGPACK_OBJECT_STR;
        case S_INT:    return integer;
        case S_NUMBER: return integer || value->type == MSGPACK_OBJECT_FLOAT32
                                      || value->type == MSGPACK_OBJECT_FLOAT64;
        case S_BOOL:   return value->type == MSGPACK_OBJECT_BOOLEAN;
        case S_MAP:    return value->type == MSGPACK_OBJECT_MAP;
        case S_ARRAY:  return value->type == MSGPACK_OBJECT_ARRAY;
        default:       return true;
    }
}

static double
s_number (const msgpack_object *value)
{
    if (value->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return (double) value->via.u64;
    if (value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return (double) value->via.i64;
    return value->via.f64;
}

//  The value of a map's field, or NULL when absent. A key given twice
//  means its last value, as in the JSON form (where the last one wins), so
//  that both forms of an envelope check alike.
static const msgpack_object *
s_lookup (const msgpack_object *map, const char *name)
{
    size_t length = strlen (name);
    for (uint32_t index = map->via.map.size; index-- > 0;) {
        const msgpack_object *key = &map->via.map.ptr [index].key;
        if (key->type == MSGPACK_OBJECT_STR && key->via.str.size == length
        &&  memcmp (key->via.str.ptr, name, length) == 0)
            return &map->via.map.ptr [index].val;
    }
    return NULL;
}

static int s_check_fields (const s_field_t *parent, const msgpack_object *map,
                           const char *path, char *err, size_t errlen);

static int
s_check_range (const s_field_t *field, double measure, const char *unit,
               const char *path, char *err, size_t errlen)
{
    if (field->has_min && measure < field->min)
        return sb_error_set (err, errlen, "%s: %s %g is below the minimum %g", path, unit,
                       measure, field->min);
    if (field->has_max && measure > field->max)
        return sb_error_set (err, errlen, "%s: %s %g is above the maximum %g", path, unit,
                       measure, field->max);
    return 0;
}

static int
s_check_string (const s_field_t *field, const msgpack_object *value, const char *path,
                char *err, size_t errlen)
{
    const char *text = value->via.str.size? value->via.str.ptr: "";
    int size = (int) value->via.str.size;
    if (s_check_range (field, (double) size, "length", path, err, errlen))
        return -1;
    if (field->choices && !s_matches_one (field->choices, text, (size_t) size, false))
        return sb_error_set (err, errlen, "%s: '%.*s' is not one of %s", path,
                             size < 64? size: 64, text, field->choices);
    if (field->prefixes && !s_matches_one (field->prefixes, text, (size_t) size, true))
        return sb_error_set (err, errlen, "%s: '%.*s' does not start with %s", path,
                             size < 64? size: 64, text, field->prefixes);
    return 0;
}

static int
s_check_array (const s_field_t *field, const msgpack_object *value, const char *path,
               char *err, size_t errlen)
{
    if (s_check_range (field, (double) value->via.array.size, "item count", path, err, errlen))
        return -1;
    for (uint32_t index = 0; index < value->via.array.size; index++) {
        const msgpack_object *item = &value->via.array.ptr [index];
        char item_path [512];
        item_path [0] = 0;       //  named in messages only when path is
        if (path)
            snprintf (item_path, sizeof item_path, "%.255s[%u]", path, index);
        if (!s_kind_matches (field->items, item))
            return sb_error_set (err, errlen, "%s: expected %s", item_path, s_kind_names [field->items]);
        if (field->items == S_MAP && s_check_fields (field, item, path? item_path: NULL, err, errlen))
            return -1;
    }
    return 0;
}

static int
s_check_value (const s_field_t *field, const msgpack_object *value, const char *path,
               char *err, size_t errlen)
{
    if (!s_kind_matches (field->kind, value))
        return sb_error_set (err, errlen, "%s: expected %s", path, s_kind_names [field->kind]);
    switch (field->kind) {
        case S_STRING: return s_check_string (field, value, path, err, errlen);
        case S_INT:
        case S_NUMBER: return s_check_range (field, s_number (value), "value", path, err, errlen);
        case S_ARRAY:  return s_check_array (field, value, path, err, errlen);
        case S_MAP:    return s_check_fields (field, value, path, err, errlen);
        default:       return 0;
    }
}

static int
s_check_fields (const s_field_t *parent, const msgpack_object *map, const char *path,
                char *err, size_t errlen)
{
    for (size_t index = 0; index < parent->field_count; index++) {
        const s_field_t *field = &parent->fields [index];
        const msgpack_object *value = s_lookup (map, field->name);
        char field_path [512];
        field_path [0] = 0;
        if (path)
            snprintf (field_path, sizeof field_path, "%.255s.%.200s", path, field->name);
        if (!value || value->type == MSGPACK_OBJECT_NIL) {
            if (field->required)
                return sb_error_set (err, errlen, "%s: missing required field", field_path);
            continue;
        }
        if (s_check_value (field, value, path? field_path: NULL, err, errlen))
            return -1;
    }
    return 0;
}

int
sb_schemas_check_object (const sb_schemas_t *self, const char *type,
                         const msgpack_object *body, char *err, size_t errlen)
{
    const s_schema_t *schema = type? (s_schema_t *) zhashx_lookup (self->by_type, type): NULL;
    if (!schema)
        return sb_error_set (err, errlen, "type: unknown message type '%s'", type? type: "(none)");
    if (!body || body->type != MSGPACK_OBJECT_MAP)
        return sb_error_set (err, errlen, "body: expected map");
    //  Paths only name a failure: a first pass builds none (no err, so no
    //  message is formatted either), and only a body that fails is
    //  checked again to say where
    if (s_check_fields (&schema->body, body, NULL, NULL, 0) == 0)
        return 0;
    return s_check_fields (&schema->body, body, "body", err, errlen);
}

//  JSON bodies are checked in their msgpack form: one checker for both.
int
sb_schemas_check_body (const sb_schemas_t *self, const char *type,
                       const json_t *body, char *err, size_t errlen)
{
    if (!json_is_object (body))
        return sb_schemas_check_object (self, type, NULL, err, errlen);
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer packer;
    msgpack_packer_init (&packer, &buffer, msgpack_sbuffer_write);
    int rc = sb_msgpack_pack_json (&packer, body)
           ? sb_error_set (err, errlen, "body: cannot be packed"): 0;
    msgpack_zone zone;
    msgpack_object object;
    bool zoned = rc == 0 && msgpack_zone_init (&zone, SB_MSGPACK_ZONE_CHUNK);
    if (rc == 0 && !zoned)
        rc = sb_error_set (err, errlen, "body: out of memory");
    if (rc == 0 && sb_msgpack_unpack ((const uint8_t *) buffer.data, buffer.size, &zone, &object))
        rc = sb_error_set (err, errlen, "body: cannot be unpacked");
    if (rc == 0)
        rc = sb_schemas_check_object (self, type, &object, err, errlen);
    if (zoned)
        msgpack_zone_destroy (&zone);
    msgpack_sbuffer_destroy (&buffer);
    return rc;
}

int
sb_schemas_check (const sb_schemas_t *self, const sb_envelope_t *env,
                  char *err, size_t errlen)
{
    if (sb_envelope_check (env, err, errlen))
        return -1;
    return sb_schemas_check_body (self, sb_envelope_type (env), sb_envelope_body (env),
                                  err, errlen);
}

int
sb_schemas_check_bytes (const sb_schemas_t *self, const uint8_t *data, size_t size,
                        const sb_limits_t *limits, msgpack_zone *zone,
                        msgpack_object *object, sb_envelope_view_t *view,
                        char *err, size_t errlen)
{
    if (sb_msgpack_scan (data, size, limits, err, errlen))
        return -1;
    //  msgpack_unpack_next would allocate a fresh 8 KiB zone per call; this
    //  one unpacks into the caller's. Trailing bytes are accepted as
    //  msgpack_unpack_next accepts them (the scan has judged them already)
    size_t offset = 0;
    msgpack_unpack_return rc = msgpack_unpack ((const char *) data, size, &offset, zone, object);
    if (rc != MSGPACK_UNPACK_SUCCESS && rc != MSGPACK_UNPACK_EXTRA_BYTES)
        return sb_error_set (err, errlen, "msgpack: unpacker refused the input");
    if (sb_envelope_view (object, view, err, errlen))
        return -1;
    return sb_schemas_check_object (self, view->type, view->body, err, errlen);
}

//  --------------------------------------------------------------------------
//  Indexes

int
sb_schemas_phone_normalise (const char *text, size_t length, char *value, size_t size,
                            char *err, size_t errlen)
{
    const char *scheme = "whatsapp:";
    if (length >= strlen (scheme) && memcmp (text, scheme, strlen (scheme)) == 0) {
        text += strlen (scheme);
        length -= strlen (scheme);
    }
    size_t used = 0, digits = 0;
    bool plus = false, valid = true;
    for (size_t index = 0; index < length && valid; index++) {
        char c = text [index];
        if (memchr (" -.()", c, 5))
            continue;   //  how people write numbers: not part of them (a NUL is
                        //  none: strchr would match the terminator)
        if (c == '+' && !plus && used == 0)
            plus = true;
        else
        if (!isdigit ((unsigned char) c) || !plus)
            valid = false;
        else
            digits++;
        if (used + 1 < size)
            value [used++] = c;
    }
    //  used != digits + 1: the value did not fit
    if (!valid || !plus || digits == 0 || digits > SB_SCHEMAS_PHONE_DIGITS
    ||  used != digits + 1)
        return sb_error_set (err, errlen, "'%.*s' is not a phone number in E.164 "
                             "(+ and 1 to 15 digits, optionally after whatsapp:)",
                             (int) (length < 64? length: 64), text);
    value [used] = 0;
    return 0;
}

const char *
sb_schemas_index (const sb_schemas_t *self, const char *type)
{
    const s_schema_t *schema = type? (s_schema_t *) zhashx_lookup (self->by_type, type): NULL;
    return schema && schema->indexed? schema->indexed->index: NULL;
}

int
sb_schemas_index_value (const sb_schemas_t *self, const char *type, const msgpack_object *body,
                        char *value, size_t size)
{
    const s_schema_t *schema = type? (s_schema_t *) zhashx_lookup (self->by_type, type): NULL;
    if (!schema || !schema->indexed || !body || body->type != MSGPACK_OBJECT_MAP)
        return 0;
    const msgpack_object *field = s_lookup (body, schema->indexed->name);
    if (!field || field->type != MSGPACK_OBJECT_STR)
        return 0;
    char err [128];
    return sb_schemas_phone_normalise (field->via.str.size? field->via.str.ptr: "",
                                       field->via.str.size, value, size, err, sizeof err)
         ? 0: 1;
}

//  --------------------------------------------------------------------------
//  Docs and examples

//  Builds a field's example: its own, else one made of its nested fields'
//  examples (maps, arrays of maps), else NULL.
static json_t *
s_example (const s_field_t *field)
{
    if (field->example)
        return json_deep_copy (field->example);
    if (!field->field_count)
        return NULL;
    json_t *map = json_object ();
    for (size_t index = 0; map && index < field->field_count; index++) {
        json_t *child = s_example (&field->fields [index]);
        if (child)
            json_object_set_new (map, field->fields [index].name, child);
    }
    if (field->kind == S_ARRAY)
        return map? json_pack ("[o]", map): NULL;
    return map;
}

json_t *
sb_schemas_example_body (const sb_schemas_t *self, const char *type)
{
    const s_schema_t *schema = type? (s_schema_t *) zhashx_lookup (self->by_type, type): NULL;
    return schema? s_example (&schema->body): NULL;
}

//  Describes a field's bounds in words, e.g. "1..64 bytes; one of a|b".
static void
s_bounds_text (const s_field_t *field, char *text, size_t size)
{
    const char *unit = field->kind == S_STRING? " bytes"
                     : field->kind == S_ARRAY? " items": "";
    char range [96] = "";
    if (field->has_min && field->has_max)
        snprintf (range, sizeof range, "%g..%g%s", field->min, field->max, unit);
    else
    if (field->has_min)
        snprintf (range, sizeof range, "≥ %g%s", field->min, unit);
    else
    if (field->has_max)
        snprintf (range, sizeof range, "≤ %g%s", field->max, unit);
    snprintf (text, size, "%s%s%s%s%s%s", range,
              field->choices && *range? "; ": "", field->choices? "one of `": "",
              field->choices? field->choices: "", field->choices? "`": "",
              field->prefixes? "; starts with a listed prefix": "");
    if (field->prefixes) {
        size_t used = strlen (text);
        snprintf (text + used, size - used, " (`%s`)", field->prefixes);
    }
}

static void
s_write_fields (const s_field_t *parent, const char *prefix, FILE *file)
{
    for (size_t index = 0; index < parent->field_count; index++) {
        const s_field_t *field = &parent->fields [index];
        char name [512], kind [64], bounds [512];
        snprintf (name, sizeof name, "%.255s%.200s", prefix, field->name);
        if (field->kind == S_ARRAY)
            snprintf (kind, sizeof kind, "array of %s", s_kind_names [field->items]);
        else
            snprintf (kind, sizeof kind, "%s", s_kind_names [field->kind]);
        s_bounds_text (field, bounds, sizeof bounds);
        for (char *bar = strchr (bounds, '|'); bar; bar = strchr (bar + 2, '|')) {
            if (strlen (bounds) + 2 > sizeof bounds)
                break;
            memmove (bar + 1, bar, strlen (bar) + 1);   //  escape for tables
            *bar = '\\';
        }
        fprintf (file, "| `%s` | %s | %s | %s | %s%s%s%s |\n", name, kind,
                 field->required? "yes": "no", bounds, field->doc? field->doc: "",
                 field->index? " Indexed (`index = ": "", field->index? field->index: "",
                 field->index? "`): its conversations are found by it.": "");
        if (field->field_count) {
            char nested [512];
            snprintf (nested, sizeof nested, "%.480s%s", name, field->kind == S_ARRAY? "[].": ".");
            s_write_fields (field, nested, file);
        }
    }
}

int
sb_schemas_write_doc (const sb_schemas_t *self, FILE *file)
{
    fprintf (file, "# Message types\n\n"
                   "Generated from `schemas/types/*.zpl` by `envelope schema-doc`:"
                   " do not edit by hand (`make docs` rewrites it).\n"
                   "The envelope around every body is described in"
                   " [envelope.md](envelope.md), the definition format in"
                   " [schemas.md](schemas.md).\n");
    for (size_t index = 0; index < sb_schemas_size (self); index++) {
        const char *type = sb_schemas_type_at (self, index);
        const s_schema_t *schema = (s_schema_t *) zhashx_lookup (self->by_type, type);
        fprintf (file, "\n## `%s`\n\n%s\n\n", schema->type, schema->summary);
        fprintf (file, "Emitted by: %s. Consumed by: %s.\n\n",
                 schema->emitted_by? schema->emitted_by: "—",
                 schema->consumed_by? schema->consumed_by: "—");
        fprintf (file, "| field | type | required | bounds | meaning |\n"
                       "|---|---|---|---|---|\n");
        s_write_fields (&schema->body, "", file);
    }
    return ferror (file)? -1: 0;
}
