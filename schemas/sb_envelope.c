/*  sb_envelope.c — the envelope: fields, checks, msgpack and JSON forms
    (the broker's view over unpacked msgpack: sb_envelope_view.c).

    Decoding goes bytes -> bounded scan -> msgpack-c -> JSON -> envelope, so
    that the msgpack and JSON forms share one parser of header fields and
    one set of error messages.                                              */

#include "sb_classes.h"
#include "sb_envelope_checks.h"

struct _sb_envelope_t {
    uint32_t v;
    char id [SB_ID_LEN + 1];
    char *key;
    char *corr;
    char *type;
    char *src;
    char *tenant;
    char *reply_to;         //  NULL when absent
    uint32_t attempt;
    int64_t created_ms;
    int64_t deadline_ms;    //  0: none
    int64_t not_before_ms;  //  0: at once
    json_t *trace;          //  array of hop objects
    json_t *body;           //  object
    json_t *extra;          //  unknown top-level fields, kept
};

//  Replaces *field with a copy of value (NULL allowed: clears).
static int
s_set_string (char **field, const char *value)
{
    char *copy = value? strdup (value): NULL;
    if (value && !copy)
        return -1;
    free (*field);
    *field = copy;
    return 0;
}

sb_envelope_t *
sb_envelope_new (const char *type)
{
    sb_envelope_t *self = (sb_envelope_t *) calloc (1, sizeof (sb_envelope_t));
    if (!self)
        return NULL;
    self->v = SB_ENVELOPE_VERSION;
    self->created_ms = zclock_time ();
    self->trace = json_array ();
    self->body = json_object ();
    self->extra = json_object ();
    if (!self->trace || !self->body || !self->extra
    ||  s_set_string (&self->tenant, "")
    ||  (type && s_set_string (&self->type, type)))
        sb_envelope_destroy (&self);
    return self;
}

void
sb_envelope_destroy (sb_envelope_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_envelope_t *self = *self_p;
    free (self->key);
    free (self->corr);
    free (self->type);
    free (self->src);
    free (self->tenant);
    free (self->reply_to);
    json_decref (self->trace);
    json_decref (self->body);
    json_decref (self->extra);
    free (self);
    *self_p = NULL;
}

//  Copies a string field; false only when out of memory.
static bool
s_copy_string (char **target, const char *source)
{
    return s_set_string (target, source) == 0;
}

//  Replaces *target with a deep copy of source; false when out of memory.
static bool
s_copy_json (json_t **target, const json_t *source)
{
    json_t *copy = json_deep_copy (source);
    json_decref (*target);
    *target = copy;
    return copy != NULL;
}

sb_envelope_t *
sb_envelope_dup (const sb_envelope_t *self)
{
    sb_envelope_t *copy = sb_envelope_new (self->type);
    if (!copy)
        return NULL;
    memcpy (copy->id, self->id, sizeof copy->id);
    copy->v = self->v;
    copy->attempt = self->attempt;
    copy->created_ms = self->created_ms;
    copy->deadline_ms = self->deadline_ms;
    copy->not_before_ms = self->not_before_ms;
    if (!s_copy_string (&copy->key, self->key) || !s_copy_string (&copy->corr, self->corr)
    ||  !s_copy_string (&copy->src, self->src) || !s_copy_string (&copy->tenant, self->tenant)
    ||  !s_copy_string (&copy->reply_to, self->reply_to)
    ||  !s_copy_json (&copy->trace, self->trace) || !s_copy_json (&copy->body, self->body)
    ||  !s_copy_json (&copy->extra, self->extra))
        sb_envelope_destroy (&copy);
    return copy;
}

//  --------------------------------------------------------------------------
//  Checks

//  Service, instance and tenant names: short, and only characters that
//  are safe in Redis keys, log lines and file names.
bool
sb_envelope_name_valid (const char *name, bool allow_empty)
{
    size_t length = strlen (name);
    if ((length == 0 && !allow_empty) || length > SB_ENVELOPE_MAX_NAME)
        return false;
    for (size_t index = 0; index < length; index++) {
        char c = name [index];
        if (!isalnum ((unsigned char) c) && !strchr ("_.:-", c))
            return false;
    }
    return true;
}

//  Types are lower-case words joined by dots, at least two words.
static bool
s_type_valid (const char *type)
{
    size_t length = strlen (type);
    if (length == 0 || length > SB_ENVELOPE_MAX_NAME)
        return false;
    bool word_start = true;
    int dots = 0;
    for (size_t index = 0; index < length; index++) {
        char c = type [index];
        if (c == '.') {
            if (word_start)
                return false;
            dots++;
            word_start = true;
        }
        else
        if ((c >= 'a' && c <= 'z') || (!word_start && ((c >= '0' && c <= '9') || c == '_')))
            word_start = false;
        else
            return false;
    }
    return dots > 0 && !word_start;
}

static int
s_check_text (const char *name, const char *value, size_t max,
              char *err, size_t errlen)
{
    if (!value || !*value)
        return sb_error_set (err, errlen, "missing required field '%s'", name);
    if (strlen (value) > max)
        return sb_error_set (err, errlen, "%s: longer than %zu bytes", name, max);
    return 0;
}

static int
s_check_hop (const json_t *hop, size_t index, char *err, size_t errlen)
{
    const json_t *svc = json_object_get (hop, "svc");
    const json_t *inst = json_object_get (hop, "inst");
    const json_t *at = json_object_get (hop, "at_ms");
    const json_t *attempt = json_object_get (hop, "attempt");
    if (!json_is_object (hop))
        return sb_error_set (err, errlen, "trace[%zu]: expected a map", index);
    if (!json_is_string (svc) || !sb_envelope_name_valid (json_string_value (svc), false))
        return sb_error_set (err, errlen, "trace[%zu].svc: expected a service name", index);
    if (inst && !(json_is_string (inst) && sb_envelope_name_valid (json_string_value (inst), true)))
        return sb_error_set (err, errlen, "trace[%zu].inst: expected an instance name", index);
    if (!json_is_integer (at) || json_integer_value (at) < 0)
        return sb_error_set (err, errlen, "trace[%zu].at_ms: expected a non-negative integer", index);
    if (attempt && !(json_is_integer (attempt) && json_integer_value (attempt) >= 0
                     && json_integer_value (attempt) <= UINT32_MAX))
        return sb_error_set (err, errlen, "trace[%zu].attempt: expected a non-negative integer", index);
    return 0;
}

int
sb_envelope_header_check (const sb_envelope_header_t *header, char *err, size_t errlen)
{
    if (header->v != SB_ENVELOPE_VERSION)
        return sb_error_set (err, errlen, "v: unsupported envelope version %u (this build speaks %d)",
                             header->v, SB_ENVELOPE_VERSION);
    if (!sb_id_valid (header->id))
        return sb_error_set (err, errlen, *header->id? "id: '%s' is not a ULID"
                                                     : "missing required field 'id'%s", header->id);
    if (s_check_text ("key", header->key, SB_ENVELOPE_MAX_KEY, err, errlen)
    ||  s_check_text ("corr", header->corr, SB_ENVELOPE_MAX_CORR, err, errlen)
    ||  s_check_text ("type", header->type, SB_ENVELOPE_MAX_NAME, err, errlen)
    ||  s_check_text ("src", header->src, SB_ENVELOPE_MAX_NAME, err, errlen))
        return -1;
    if (!s_type_valid (header->type))
        return sb_error_set (err, errlen, "type: '%s' is not lower-case dotted words", header->type);
    if (!sb_envelope_name_valid (header->src, false))
        return sb_error_set (err, errlen, "src: '%s' is not a service name", header->src);
    if (!sb_envelope_name_valid (header->tenant, true))
        return sb_error_set (err, errlen, "tenant: '%s' is not a tenant name", header->tenant);
    if (header->reply_to && strlen (header->reply_to) > SB_ENVELOPE_MAX_REPLY)
        return sb_error_set (err, errlen, "reply_to: longer than %d bytes", SB_ENVELOPE_MAX_REPLY);
    if (header->created_ms == 0)
        return sb_error_set (err, errlen, "missing required field 'created_ms'");
    if (header->created_ms < 0)
        return sb_error_set (err, errlen, "created_ms: %" PRId64 " is negative", header->created_ms);
    if (header->deadline_ms < 0)
        return sb_error_set (err, errlen, "deadline_ms: %" PRId64 " is negative", header->deadline_ms);
    if (header->not_before_ms < 0)
        return sb_error_set (err, errlen, "not_before_ms: %" PRId64 " is negative", header->not_before_ms);
    return 0;
}

static int
s_check_trace (const json_t *trace, char *err, size_t errlen)
{
    if (json_array_size (trace) > SB_ENVELOPE_MAX_HOPS)
        return sb_error_set (err, errlen, "trace: more than %d hops", SB_ENVELOPE_MAX_HOPS);
    for (size_t index = 0; index < json_array_size (trace); index++)
        if (s_check_hop (json_array_get (trace, index), index, err, errlen))
            return -1;
    return 0;
}

int
sb_envelope_check (const sb_envelope_t *self, char *err, size_t errlen)
{
    sb_envelope_header_t header = { self->v, self->id, self->key, self->corr, self->type, self->src,
                          self->tenant, self->reply_to, self->created_ms, self->deadline_ms,
                          self->not_before_ms };
    if (sb_envelope_header_check (&header, err, errlen))
        return -1;
    return s_check_trace (self->trace, err, errlen);
}

//  --------------------------------------------------------------------------
//  JSON form, which decode also goes through

//  Checks a JSON value against the decoding limits, so that envelopes built
//  from JSON obey the same bounds as envelopes decoded from msgpack.
static int
s_check_limits (const json_t *value, uint32_t depth, const sb_limits_t *limits,
                size_t *objects, char *err, size_t errlen)
{
    if (++*objects > limits->max_objects)
        return sb_error_set (err, errlen, "envelope: more values than the limit (%u)", limits->max_objects);
    if (json_is_string (value) && json_string_length (value) > limits->max_string)
        return sb_error_set (err, errlen, "envelope: a string is longer than the limit (%u)", limits->max_string);
    if (!json_is_object (value) && !json_is_array (value))
        return 0;
    if (depth >= limits->max_depth)
        return sb_error_set (err, errlen, "envelope: nesting deeper than the limit (%u)", limits->max_depth);
    size_t size = json_is_object (value)? json_object_size (value): json_array_size (value);
    if (size > limits->max_items)
        return sb_error_set (err, errlen, "envelope: a map or array is larger than the limit (%u)", limits->max_items);
    const char *name;
    json_t *child;
    size_t index;
    if (json_is_object (value)) {
        size_t length;
        json_object_keylen_foreach ((json_t *) value, name, length, child) {
            //  The same rule as for msgpack map keys: what decodes must
            //  also be what a JSON envelope may hold
            if (length > SB_ENVELOPE_MAX_KEY || strlen (name) != length)
                return sb_error_set (err, errlen, "envelope: map key too long or holds NUL");
            if (s_check_limits (child, depth + 1, limits, objects, err, errlen))
                return -1;
        }
    }
    else
        json_array_foreach (value, index, child)
            if (s_check_limits (child, depth + 1, limits, objects, err, errlen))
                return -1;
    return 0;
}

static int
s_take_string (char **field, const char *name, const json_t *value, bool nullable,
               char *err, size_t errlen)
{
    if (nullable && json_is_null (value))
        return s_set_string (field, NULL);
    if (!json_is_string (value))
        return sb_error_set (err, errlen, "%s: expected a string", name);
    if (strlen (json_string_value (value)) != json_string_length (value))
        return sb_error_set (err, errlen, "%s: holds a NUL byte", name);
    return s_set_string (field, json_string_value (value))
         ? sb_error_set (err, errlen, "%s: out of memory", name): 0;
}

static int
s_take_integer (int64_t *field, const char *name, const json_t *value,
                int64_t max, char *err, size_t errlen)
{
    if (!json_is_integer (value))
        return sb_error_set (err, errlen, "%s: expected an integer", name);
    json_int_t number = json_integer_value (value);
    if (number < 0 || number > max)
        return sb_error_set (err, errlen, "%s: %lld is out of range 0..%lld", name,
                       (long long) number, (long long) max);
    *field = number;
    return 0;
}

//  share: value's tree is the caller's to give (a JSON form made only for
//  this envelope), so it is kept rather than copied.
static int
s_take_json (json_t **field, const char *name, json_t *value, bool object, bool share,
             char *err, size_t errlen)
{
    if (object? !json_is_object (value): !json_is_array (value))
        return sb_error_set (err, errlen, "%s: expected %s", name, object? "a map": "an array");
    json_t *copy = share? json_incref (value): json_deep_copy (value);
    if (!copy)
        return sb_error_set (err, errlen, "%s: out of memory", name);
    json_decref (*field);
    *field = copy;
    return 0;
}

//  Sets one top-level field from its JSON value; unknown names go to extra.
static int
s_take_field (sb_envelope_t *self, const char *name, json_t *value, bool share,
              char *err, size_t errlen)
{
    int64_t number = 0;
    int rc = 0;
    if (streq (name, "v")) {
        rc = s_take_integer (&number, name, value, UINT32_MAX, err, errlen);
        self->v = (uint32_t) number;
    }
    else
    if (streq (name, "id")) {
        if (!json_is_string (value) || json_string_length (value) != SB_ID_LEN)
            return sb_error_set (err, errlen, "id: expected a 26-character ULID");
        memcpy (self->id, json_string_value (value), SB_ID_LEN + 1);
    }
    else
    if (streq (name, "key"))      rc = s_take_string (&self->key, name, value, false, err, errlen);
    else
    if (streq (name, "corr"))     rc = s_take_string (&self->corr, name, value, false, err, errlen);
    else
    if (streq (name, "type"))     rc = s_take_string (&self->type, name, value, false, err, errlen);
    else
    if (streq (name, "src"))      rc = s_take_string (&self->src, name, value, false, err, errlen);
    else
    if (streq (name, "tenant"))   rc = s_take_string (&self->tenant, name, value, false, err, errlen);
    else
    if (streq (name, "reply_to")) rc = s_take_string (&self->reply_to, name, value, true, err, errlen);
    else
    if (streq (name, "attempt")) {
        rc = s_take_integer (&number, name, value, UINT32_MAX, err, errlen);
        self->attempt = (uint32_t) number;
    }
    else
    if (streq (name, "created_ms"))    rc = s_take_integer (&self->created_ms, name, value, INT64_MAX, err, errlen);
    else
    if (streq (name, "deadline_ms"))   rc = s_take_integer (&self->deadline_ms, name, value, INT64_MAX, err, errlen);
    else
    if (streq (name, "not_before_ms")) rc = s_take_integer (&self->not_before_ms, name, value, INT64_MAX, err, errlen);
    else
    if (streq (name, "trace"))    rc = s_take_json (&self->trace, name, value, false, share, err, errlen);
    else
    if (streq (name, "body"))     rc = s_take_json (&self->body, name, value, true, share, err, errlen);
    else
    if (json_object_set_new (self->extra, name, json_deep_copy (value)))
        rc = sb_error_set (err, errlen, "%s: out of memory", name);
    return rc;
}

static sb_envelope_t *
s_from_json (const json_t *json, const sb_limits_t *limits, bool share, char *err, size_t errlen)
{
    sb_limits_t defaults = sb_limits_default ();
    size_t objects = 0;
    if (!json_is_object (json)) {
        sb_error_set (err, errlen, "envelope: expected a map");
        return NULL;
    }
    if (s_check_limits (json, 0, limits? limits: &defaults, &objects, err, errlen))
        return NULL;
    sb_envelope_t *self = sb_envelope_new (NULL);
    if (!self) {
        sb_error_set (err, errlen, "envelope: out of memory");
        return NULL;
    }
    self->v = 0;           //  must be given, not defaulted
    self->created_ms = 0;
    bool has_body = false;
    const char *name;
    json_t *value;
    json_object_foreach ((json_t *) json, name, value) {
        has_body = has_body || streq (name, "body");
        if (s_take_field (self, name, value, share, err, errlen)) {
            sb_envelope_destroy (&self);
            return NULL;
        }
    }
    if (!json_object_get (json, "v"))
        sb_error_set (err, errlen, "missing required field 'v'");
    else
    if (!has_body)
        sb_error_set (err, errlen, "missing required field 'body'");
    if (!json_object_get (json, "v") || !has_body || sb_envelope_check (self, err, errlen))
        sb_envelope_destroy (&self);
    return self;
}

sb_envelope_t *
sb_envelope_from_json (const json_t *json, const sb_limits_t *limits, char *err, size_t errlen)
{
    return s_from_json (json, limits, false, err, errlen);
}

json_t *
sb_envelope_to_json (const sb_envelope_t *self)
{
    json_t *json = json_object ();
    if (!json)
        return NULL;
    int rc = json_object_set_new (json, "v", json_integer (self->v))
           | json_object_set_new (json, "id", json_string (self->id))
           | json_object_set_new (json, "key", self->key? json_string (self->key): json_null ())
           | json_object_set_new (json, "corr", self->corr? json_string (self->corr): json_null ())
           | json_object_set_new (json, "type", self->type? json_string (self->type): json_null ())
           | json_object_set_new (json, "src", self->src? json_string (self->src): json_null ())
           | json_object_set_new (json, "tenant", json_string (self->tenant))
           | json_object_set_new (json, "attempt", json_integer (self->attempt))
           | json_object_set_new (json, "created_ms", json_integer (self->created_ms))
           | json_object_set_new (json, "deadline_ms", json_integer (self->deadline_ms))
           | json_object_set_new (json, "trace", json_deep_copy (self->trace))
           | json_object_set_new (json, "body", json_deep_copy (self->body));
    if (self->not_before_ms)
        rc |= json_object_set_new (json, "not_before_ms", json_integer (self->not_before_ms));
    if (self->reply_to)
        rc |= json_object_set_new (json, "reply_to", json_string (self->reply_to));
    json_t *extra = json_deep_copy (self->extra);
    rc |= json_object_update_missing_new (json, extra);
    if (rc) {
        json_decref (json);
        return NULL;
    }
    return json;
}

//  --------------------------------------------------------------------------
//  msgpack form

sb_envelope_t *
sb_envelope_decode (const uint8_t *data, size_t size, const sb_limits_t *limits,
                    char *err, size_t errlen)
{
    if (sb_msgpack_scan (data, size, limits, err, errlen))
        return NULL;
    //  The scan proved every declared length fits in size bytes, so what
    //  msgpack-c allocates now is proportional to the input's real size
    msgpack_zone zone;
    if (!msgpack_zone_init (&zone, SB_MSGPACK_ZONE_CHUNK)) {
        sb_error_set (err, errlen, "msgpack: out of memory");
        return NULL;
    }
    msgpack_object object;
    sb_envelope_t *self = NULL;
    if (sb_msgpack_unpack (data, size, &zone, &object))
        sb_error_set (err, errlen, "msgpack: unpacker refused the input");
    else
    if (object.type != MSGPACK_OBJECT_MAP)
        sb_error_set (err, errlen, "envelope: expected a map");
    else
        self = sb_envelope_from_object (&object, limits, err, errlen);
    msgpack_zone_destroy (&zone);
    return self;
}

sb_envelope_t *
sb_envelope_from_object (const msgpack_object *object, const sb_limits_t *limits,
                         char *err, size_t errlen)
{
    json_t *json = sb_msgpack_to_json (object, "", err, errlen);
    sb_envelope_t *self = json? s_from_json (json, limits, true, err, errlen): NULL;
    json_decref (json);
    return self;
}

static int
s_pack_str (msgpack_packer *pk, const char *value)
{
    return msgpack_pack_str_with_body (pk, value, strlen (value));
}

static int
s_pack_pair_str (msgpack_packer *pk, const char *name, const char *value)
{
    return s_pack_str (pk, name) | s_pack_str (pk, value);
}

static int
s_pack_pair_int (msgpack_packer *pk, const char *name, int64_t value)
{
    return s_pack_str (pk, name) | msgpack_pack_int64 (pk, value);
}

static int
s_pack_pair_json (msgpack_packer *pk, const char *name, const json_t *value)
{
    return s_pack_str (pk, name) | sb_msgpack_pack_json (pk, value);
}

int
sb_envelope_encode (const sb_envelope_t *self, uint8_t **data_p, size_t *size_p,
                    char *err, size_t errlen)
{
    if (sb_envelope_check (self, err, errlen))
        return -1;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
    size_t fields = 12 + (self->not_before_ms != 0) + (self->reply_to != NULL)
                  + json_object_size (self->extra);
    int rc = msgpack_pack_map (&pk, fields)
           | s_pack_pair_int (&pk, "v", self->v)
           | s_pack_pair_str (&pk, "id", self->id)
           | s_pack_pair_str (&pk, "key", self->key)
           | s_pack_pair_str (&pk, "corr", self->corr)
           | s_pack_pair_str (&pk, "type", self->type)
           | s_pack_pair_str (&pk, "src", self->src)
           | s_pack_pair_str (&pk, "tenant", self->tenant)
           | s_pack_pair_int (&pk, "attempt", self->attempt)
           | s_pack_pair_int (&pk, "created_ms", self->created_ms)
           | s_pack_pair_int (&pk, "deadline_ms", self->deadline_ms)
           | s_pack_pair_json (&pk, "trace", self->trace)
           | s_pack_pair_json (&pk, "body", self->body);
    if (self->not_before_ms)
        rc |= s_pack_pair_int (&pk, "not_before_ms", self->not_before_ms);
    if (self->reply_to)
        rc |= s_pack_pair_str (&pk, "reply_to", self->reply_to);
    const char *name;
    json_t *value;
    json_object_foreach (self->extra, name, value)
        rc |= s_pack_pair_json (&pk, name, value);
    if (rc) {
        msgpack_sbuffer_destroy (&buffer);
        return sb_error_set (err, errlen, "envelope: out of memory while encoding");
    }
    *data_p = (uint8_t *) buffer.data;   //  sbuffer's memory is malloc'd
    *size_p = buffer.size;
    return 0;
}

//  --------------------------------------------------------------------------
//  Accessors

uint32_t sb_envelope_version (const sb_envelope_t *self) { return self->v; }
const char *sb_envelope_id (const sb_envelope_t *self) { return self->id; }
const char *sb_envelope_key (const sb_envelope_t *self) { return self->key; }
const char *sb_envelope_corr (const sb_envelope_t *self) { return self->corr; }
const char *sb_envelope_type (const sb_envelope_t *self) { return self->type; }
const char *sb_envelope_src (const sb_envelope_t *self) { return self->src; }
const char *sb_envelope_tenant (const sb_envelope_t *self) { return self->tenant; }
const char *sb_envelope_reply_to (const sb_envelope_t *self) { return self->reply_to; }
uint32_t sb_envelope_attempt (const sb_envelope_t *self) { return self->attempt; }
int64_t sb_envelope_created_ms (const sb_envelope_t *self) { return self->created_ms; }
int64_t sb_envelope_deadline_ms (const sb_envelope_t *self) { return self->deadline_ms; }
int64_t sb_envelope_not_before_ms (const sb_envelope_t *self) { return self->not_before_ms; }
json_t *sb_envelope_body (const sb_envelope_t *self) { return self->body; }
const json_t *sb_envelope_trace (const sb_envelope_t *self) { return self->trace; }
const json_t *sb_envelope_extra (const sb_envelope_t *self) { return self->extra; }

int
sb_envelope_set_id (sb_envelope_t *self, const char *id)
{
    if (!id || strlen (id) != SB_ID_LEN)
        return -1;
    memcpy (self->id, id, SB_ID_LEN + 1);
    return 0;
}

int sb_envelope_set_key (sb_envelope_t *self, const char *key) { return s_set_string (&self->key, key); }
int sb_envelope_set_corr (sb_envelope_t *self, const char *corr) { return s_set_string (&self->corr, corr); }
int sb_envelope_set_type (sb_envelope_t *self, const char *type) { return s_set_string (&self->type, type); }
int sb_envelope_set_src (sb_envelope_t *self, const char *src) { return s_set_string (&self->src, src); }
int sb_envelope_set_reply_to (sb_envelope_t *self, const char *to) { return s_set_string (&self->reply_to, to); }
void sb_envelope_set_attempt (sb_envelope_t *self, uint32_t attempt) { self->attempt = attempt; }
void sb_envelope_set_created_ms (sb_envelope_t *self, int64_t ms) { self->created_ms = ms; }
void sb_envelope_set_deadline_ms (sb_envelope_t *self, int64_t ms) { self->deadline_ms = ms; }
void sb_envelope_set_not_before_ms (sb_envelope_t *self, int64_t ms) { self->not_before_ms = ms; }

int
sb_envelope_set_tenant (sb_envelope_t *self, const char *tenant)
{
    return s_set_string (&self->tenant, tenant? tenant: "");
}

int
sb_envelope_set_body (sb_envelope_t *self, json_t *body)
{
    if (!json_is_object (body))
        return -1;
    json_decref (self->body);
    self->body = body;
    return 0;
}

int
sb_envelope_trace_push (sb_envelope_t *self, const char *svc, const char *inst,
                        int64_t at_ms, uint32_t attempt)
{
    if (json_array_size (self->trace) >= SB_ENVELOPE_MAX_HOPS)
        return -1;
    json_t *hop = json_pack ("{s:s, s:s, s:I, s:I}", "svc", svc, "inst", inst? inst: "",
                             "at_ms", (json_int_t) at_ms, "attempt", (json_int_t) attempt);
    return hop? json_array_append_new (self->trace, hop): -1;
}

int
sb_envelope_trace_extend (sb_envelope_t *self, const sb_envelope_t *from)
{
    if (json_array_size (self->trace) + json_array_size (from->trace) > SB_ENVELOPE_MAX_HOPS)
        return -1;
    return json_array_extend (self->trace, from->trace);
}

int
sb_envelope_peek (const uint8_t *data, size_t size, int64_t *deadline_ms,
                  char *type, size_t typelen)
{
    //  The delivery path runs this for every message: a walk over the
    //  bytes, no allocation (sb_msgpack_peek)
    *deadline_ms = 0;
    if (type && typelen)
        *type = 0;
    return sb_msgpack_peek (data, size, deadline_ms, type, typelen);
}
