/*  sb_envelope_view.c — the broker's view over an unpacked envelope: its
    header fields copied into fixed buffers, its body and trace left where
    msgpack-c put them, every value checked to be what the JSON form
    accepts, and the header and trace checked as the envelope object's are
    (sb_envelope_checks.h). fuzz_envelope_msgpack requires it to accept
    exactly what decoding accepts.                                         */

#include "sb_classes.h"
#include "sb_envelope_checks.h"

//  Copies a string value into a fixed buffer of max bytes (plus NUL).
static int
s_view_string (const char *name, const msgpack_object *value, char *target, size_t max,
               char *err, size_t errlen)
{
    if (value->type != MSGPACK_OBJECT_STR)
        return sb_error_set (err, errlen, "%s: expected a string", name);
    size_t size = value->via.str.size;
    if (size && memchr (value->via.str.ptr, 0, size))
        return sb_error_set (err, errlen, "%s: holds a NUL byte", name);
    if (!sb_msgpack_utf8_valid (value->via.str.ptr, size))
        return sb_error_set (err, errlen, "%s: string is not valid UTF-8", name);
    if (size > max)
        return sb_error_set (err, errlen, "%s: longer than %zu bytes", name, max);
    if (size)
        memcpy (target, value->via.str.ptr, size);
    target [size] = 0;
    return 0;
}

static int
s_view_integer (const char *name, const msgpack_object *value, int64_t max, int64_t *target,
                char *err, size_t errlen)
{
    if (value->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return sb_error_set (err, errlen, "%s: %lld is out of range 0..%lld", name,
                             (long long) value->via.i64, (long long) max);
    if (value->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return sb_error_set (err, errlen, "%s: expected an integer", name);
    if (value->via.u64 > (uint64_t) max)
        return sb_error_set (err, errlen, "%s: %llu is out of range 0..%lld", name,
                             (unsigned long long) value->via.u64, (long long) max);
    *target = (int64_t) value->via.u64;
    return 0;
}

//  Sets one header field of the view; unknown fields must only be JSON-able.
static int
s_view_field (sb_envelope_view_t *view, const char *name, const msgpack_object *value,
              char *err, size_t errlen)
{
    int64_t number = 0;
    int rc = 0;
    if (streq (name, "v")) {
        rc = s_view_integer (name, value, UINT32_MAX, &number, err, errlen);
        view->v = (uint32_t) number;
    }
    else
    if (streq (name, "id")) {
        if (value->type != MSGPACK_OBJECT_STR || value->via.str.size != SB_ID_LEN)
            return sb_error_set (err, errlen, "id: expected a 26-character ULID");
        rc = s_view_string (name, value, view->id, SB_ID_LEN, err, errlen);
    }
    else
    if (streq (name, "key"))    rc = s_view_string (name, value, view->key, SB_ENVELOPE_MAX_KEY, err, errlen);
    else
    if (streq (name, "corr"))   rc = s_view_string (name, value, view->corr, SB_ENVELOPE_MAX_CORR, err, errlen);
    else
    if (streq (name, "type"))   rc = s_view_string (name, value, view->type, SB_ENVELOPE_MAX_NAME, err, errlen);
    else
    if (streq (name, "src"))    rc = s_view_string (name, value, view->src, SB_ENVELOPE_MAX_NAME, err, errlen);
    else
    if (streq (name, "tenant")) rc = s_view_string (name, value, view->tenant, SB_ENVELOPE_MAX_NAME, err, errlen);
    else
    if (streq (name, "reply_to")) {
        view->has_reply_to = value->type != MSGPACK_OBJECT_NIL;
        rc = view->has_reply_to? s_view_string (name, value, view->reply_to, SB_ENVELOPE_MAX_REPLY,
                                                err, errlen): 0;
    }
    else
    if (streq (name, "attempt")) {
        rc = s_view_integer (name, value, UINT32_MAX, &number, err, errlen);
        view->attempt = (uint32_t) number;
    }
    else
    if (streq (name, "created_ms"))    rc = s_view_integer (name, value, INT64_MAX, &view->created_ms, err, errlen);
    else
    if (streq (name, "deadline_ms"))   rc = s_view_integer (name, value, INT64_MAX, &view->deadline_ms, err, errlen);
    else
    if (streq (name, "not_before_ms")) rc = s_view_integer (name, value, INT64_MAX, &view->not_before_ms, err, errlen);
    else
    if (streq (name, "trace") || streq (name, "body")) {
        bool body = streq (name, "body");
        *(body? &view->body: &view->trace) = value;
        if (value->type != (body? MSGPACK_OBJECT_MAP: MSGPACK_OBJECT_ARRAY))
            return sb_error_set (err, errlen, body? "body: expected a map"
                                                  : "trace: expected an array");
        rc = sb_msgpack_check_json (value, name, err, errlen);
    }
    else
        rc = sb_msgpack_check_json (value, name, err, errlen);
    return rc;
}

//  The value of key name in map, or NULL. Keys were checked by
//  sb_msgpack_check_json (strings, each once).
static const msgpack_object *
s_map_get (const msgpack_object *map, const char *name)
{
    size_t length = strlen (name);
    for (uint32_t index = 0; index < map->via.map.size; index++) {
        const msgpack_object *key = &map->via.map.ptr [index].key;
        if (key->via.str.size == length && memcmp (key->via.str.ptr, name, length) == 0)
            return &map->via.map.ptr [index].val;
    }
    return NULL;
}

//  True if value is a string that is a valid name. As in the JSON form,
//  a string is read up to its first NUL.
static bool
s_view_name (const msgpack_object *value, bool allow_empty)
{
    if (value->type != MSGPACK_OBJECT_STR)
        return false;
    char name [SB_ENVELOPE_MAX_NAME + 2];
    size_t size = value->via.str.size? strnlen (value->via.str.ptr, value->via.str.size): 0;
    if (size > SB_ENVELOPE_MAX_NAME)
        return false;
    if (size)
        memcpy (name, value->via.str.ptr, size);
    name [size] = 0;
    return sb_envelope_name_valid (name, allow_empty);
}

//  One hop, checked as sb_envelope.c's s_check_hop checks its JSON form
//  (the same messages), without making that form.
static int
s_view_hop (const msgpack_object *hop, size_t index, char *err, size_t errlen)
{
    if (hop->type != MSGPACK_OBJECT_MAP)
        return sb_error_set (err, errlen, "trace[%zu]: expected a map", index);
    const msgpack_object *svc = s_map_get (hop, "svc");
    const msgpack_object *inst = s_map_get (hop, "inst");
    const msgpack_object *at = s_map_get (hop, "at_ms");
    const msgpack_object *attempt = s_map_get (hop, "attempt");
    if (!svc || !s_view_name (svc, false))
        return sb_error_set (err, errlen, "trace[%zu].svc: expected a service name", index);
    if (inst && !s_view_name (inst, true))
        return sb_error_set (err, errlen, "trace[%zu].inst: expected an instance name", index);
    if (!at || at->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return sb_error_set (err, errlen, "trace[%zu].at_ms: expected a non-negative integer", index);
    if (attempt && !(attempt->type == MSGPACK_OBJECT_POSITIVE_INTEGER
                     && attempt->via.u64 <= UINT32_MAX))
        return sb_error_set (err, errlen, "trace[%zu].attempt: expected a non-negative integer", index);
    return 0;
}

static int
s_view_trace (const sb_envelope_view_t *view, char *err, size_t errlen)
{
    if (!view->trace)
        return 0;
    if (view->trace->via.array.size > SB_ENVELOPE_MAX_HOPS)
        return sb_error_set (err, errlen, "trace: more than %d hops", SB_ENVELOPE_MAX_HOPS);
    for (uint32_t index = 0; index < view->trace->via.array.size; index++)
        if (s_view_hop (&view->trace->via.array.ptr [index], index, err, errlen))
            return -1;
    return 0;
}

int
sb_envelope_view (const msgpack_object *root, sb_envelope_view_t *view,
                  char *err, size_t errlen)
{
    memset (view, 0, sizeof *view);
    if (root->type != MSGPACK_OBJECT_MAP)
        return sb_error_set (err, errlen, "envelope: expected a map");
    if (sb_msgpack_map_duplicate (&root->via.map) >= 0)
        return sb_error_set (err, errlen, "envelope: a map key appears twice");
    bool has_v = false;
    for (uint32_t index = 0; index < root->via.map.size; index++) {
        const msgpack_object *key = &root->via.map.ptr [index].key;
        char name [SB_ENVELOPE_MAX_KEY + 1];
        if (key->type != MSGPACK_OBJECT_STR)
            return sb_error_set (err, errlen, "envelope: map key is not a string");
        if (s_view_string ("envelope key", key, name, SB_ENVELOPE_MAX_KEY, err, errlen)
        ||  s_view_field (view, name, &root->via.map.ptr [index].val, err, errlen))
            return -1;
        has_v = has_v || streq (name, "v");
    }
    if (!has_v)
        return sb_error_set (err, errlen, "missing required field 'v'");
    if (!view->body)
        return sb_error_set (err, errlen, "missing required field 'body'");
    sb_envelope_header_t header = { view->v, view->id, view->key, view->corr, view->type, view->src,
                          view->tenant, view->has_reply_to? view->reply_to: NULL,
                          view->created_ms, view->deadline_ms, view->not_before_ms };
    if (sb_envelope_header_check (&header, err, errlen))
        return -1;
    return s_view_trace (view, err, errlen);
}
