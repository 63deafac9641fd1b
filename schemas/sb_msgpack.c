/*  sb_msgpack.c — bounded pre-scan of msgpack bytes, and conversion between
    msgpack objects and jansson values.                                    */

#include "sb_classes.h"

//  However deep a caller allows, the scanner's stack is a fixed array:
//  nothing about the walk is allocated.
#define S_DEPTH_CAP 64

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t pos;
    const sb_limits_t *limits;
    char *err;
    size_t errlen;
} s_scan_t;

static int
s_fail (s_scan_t *scan, const char *what)
{
    snprintf (scan->err, scan->errlen, "msgpack: %s at byte %zu", what,
              scan->pos);
    return -1;
}

//  Reads a big-endian unsigned integer of width bytes at pos+1 (after the
//  type byte); returns -1 if the bytes are not there.
static int
s_read_be (s_scan_t *scan, size_t width, uint64_t *value)
{
    if (scan->size - scan->pos < 1 + width)
        return s_fail (scan, "truncated length");
    uint64_t result = 0;
    for (size_t index = 0; index < width; index++)
        result = (result << 8) | scan->data [scan->pos + 1 + index];
    *value = result;
    return 0;
}

//  Skips header bytes plus a payload of length bytes, checking both fit.
static int
s_skip (s_scan_t *scan, size_t header, uint64_t length)
{
    size_t left = scan->size - scan->pos;
    if (header > left || length > left - header)
        return s_fail (scan, "declared length exceeds input");
    scan->pos += header + (size_t) length;
    return 0;
}

static int
s_skip_string (s_scan_t *scan, size_t header, uint64_t length)
{
    if (length > scan->limits->max_string)
        return s_fail (scan, "string or binary longer than the limit");
    return s_skip (scan, header, length);
}

//  Size of the fixed-width formats 0xc0..0xdf by type byte, 0 if the
//  format carries a length to read instead. Includes the type byte.
static size_t
s_fixed_size (uint8_t type)
{
    switch (type) {
        case 0xc0: case 0xc2: case 0xc3: return 1;
        case 0xcc: case 0xd0: return 2;
        case 0xcd: case 0xd1: case 0xd4: return 3;
        case 0xd5: return 4;
        case 0xca: case 0xce: case 0xd2: return 5;
        case 0xd6: return 6;
        case 0xcb: case 0xcf: case 0xd3: return 9;
        case 0xd7: return 10;
        case 0xd8: return 18;
        default: return 0;
    }
}

//  Reads one value's header at pos. Leaves *children at the number of
//  values that follow inside it (0 for scalars), *count at its item or
//  pair count (UINT64_MAX for scalars), and pos after the header
//  (containers) or after the whole value (scalars).
static int
s_scan_header (s_scan_t *scan, uint64_t *children, uint64_t *count)
{
    uint8_t type = scan->data [scan->pos];
    uint64_t n = 0;
    *children = 0;
    *count = UINT64_MAX;   //  not a container
    if (type <= 0x7f || type >= 0xe0)
        return s_skip (scan, 1, 0);
    if (type >= 0xa0 && type <= 0xbf)
        return s_skip_string (scan, 1, type & 0x1f);
    if (type >= 0x80 && type <= 0x9f) {
        n = type & 0x0f;
        *count = n;
        *children = type >= 0x90? n: 2 * n;
        scan->pos += 1;
        return 0;
    }
    size_t fixed = s_fixed_size (type);
    if (fixed)
        return s_skip (scan, fixed, 0);
    switch (type) {
        case 0xc4: case 0xd9:
            return s_read_be (scan, 1, &n)? -1: s_skip_string (scan, 2, n);
        case 0xc5: case 0xda:
            return s_read_be (scan, 2, &n)? -1: s_skip_string (scan, 3, n);
        case 0xc6: case 0xdb:
            return s_read_be (scan, 4, &n)? -1: s_skip_string (scan, 5, n);
        case 0xc7:   //  ext: length, then a type byte, then the data
            return s_read_be (scan, 1, &n)? -1: s_skip_string (scan, 3, n);
        case 0xc8:
            return s_read_be (scan, 2, &n)? -1: s_skip_string (scan, 4, n);
        case 0xc9:
            return s_read_be (scan, 4, &n)? -1: s_skip_string (scan, 6, n);
        case 0xdc: case 0xde:
            if (s_read_be (scan, 2, &n))
                return -1;
            *count = n;
            *children = type == 0xde? 2 * n: n;
            scan->pos += 3;
            return 0;
        case 0xdd: case 0xdf:
            if (s_read_be (scan, 4, &n))
                return -1;
            *count = n;
            *children = type == 0xdf? 2 * n: n;
            scan->pos += 5;
            return 0;
        default:
            return s_fail (scan, "invalid type byte 0xc1");
    }
}

int
sb_msgpack_scan (const uint8_t *data, size_t size, const sb_limits_t *limits,
                 char *err, size_t errlen)
{
    sb_limits_t defaults = sb_limits_default ();
    s_scan_t scan = { data, size, 0, limits? limits: &defaults, err, errlen };
    if (size == 0)
        return s_fail (&scan, "empty input");
    if (size > scan.limits->max_bytes)
        return s_fail (&scan, "input larger than the limit");
    uint32_t max_depth = scan.limits->max_depth < S_DEPTH_CAP
                       ? scan.limits->max_depth: S_DEPTH_CAP;

    uint64_t pending [S_DEPTH_CAP + 1];   //  values left at each depth
    int depth = 0;
    pending [0] = 1;
    uint64_t objects = 0;
    while (depth >= 0) {
        if (pending [depth] == 0) {
            depth--;
            continue;
        }
        pending [depth]--;
        if (scan.pos >= size)
            return s_fail (&scan, "truncated input");
        if (++objects > scan.limits->max_objects)
            return s_fail (&scan, "more values than the limit");
        uint64_t children, count;
        if (s_scan_header (&scan, &children, &count))
            return -1;
        if (count == UINT64_MAX)
            continue;   //  a scalar
        //  An empty container still counts as a level of nesting
        if ((uint32_t) depth + 1 > max_depth)
            return s_fail (&scan, "nesting deeper than the limit");
        if (children == 0)
            continue;
        //  Every value takes at least one byte: a count larger than what
        //  remains is a lie, refused before msgpack-c allocates for it
        if (children > size - scan.pos)
            return s_fail (&scan, "declared count exceeds input");
        if (count > scan.limits->max_items)
            return s_fail (&scan, "array or map larger than the limit");
        pending [++depth] = children;
    }
    if (scan.pos != size)
        return s_fail (&scan, "trailing bytes after the value");
    return 0;
}

//  Skips one whole value at pos (containers with everything inside),
//  bounds-checked like the scan. Returns 0, or -1 if malformed.
static int
s_skip_value (s_scan_t *scan)
{
    uint64_t pending = 1;
    while (pending) {
        if (scan->pos >= scan->size)
            return s_fail (scan, "truncated input");
        uint64_t children, count;
        if (s_scan_header (scan, &children, &count))
            return -1;
        if (children > scan->size - scan->pos)
            return s_fail (scan, "declared count exceeds input");
        pending += children - 1;
    }
    return 0;
}

//  Reads a str value at pos into text (NUL-terminated, cut to size).
static int
s_read_string (s_scan_t *scan, char *text, size_t size)
{
    uint8_t type = scan->data [scan->pos];
    uint64_t length = 0;
    size_t header = 1;
    if (type >= 0xa0 && type <= 0xbf)
        length = type & 0x1f;
    else
    if (type == 0xd9 || type == 0xda || type == 0xdb) {
        header = type == 0xd9? 2: type == 0xda? 3: 5;
        if (s_read_be (scan, header - 1, &length))
            return -1;
    }
    else
        return -1;
    if (header > scan->size - scan->pos || length > scan->size - scan->pos - header)
        return -1;
    size_t copy = length < size - 1? (size_t) length: size - 1;
    memcpy (text, scan->data + scan->pos + header, copy);
    text [copy] = 0;
    scan->pos += header + (size_t) length;
    return 0;
}

//  Reads a non-negative integer value at pos, in any of msgpack's integer
//  formats (a signed one holding a non-negative value included, as
//  msgpack-c reads it).
static int
s_read_uint (s_scan_t *scan, int64_t *value)
{
    uint8_t type = scan->data [scan->pos];
    uint64_t number = 0;
    if (type <= 0x7f)
        number = type;
    else
    if (type >= 0xcc && type <= 0xcf) {
        if (s_read_be (scan, (size_t) 1 << (type - 0xcc), &number))
            return -1;
    }
    else
    if (type >= 0xd0 && type <= 0xd3) {
        size_t width = (size_t) 1 << (type - 0xd0);
        if (s_read_be (scan, width, &number))
            return -1;
        if (number >> (8 * width - 1) & 1)
            return -1;   //  negative
    }
    else
        return -1;
    if (number > INT64_MAX)
        return -1;
    *value = (int64_t) number;
    return s_skip_value (scan);
}

int
sb_msgpack_peek (const uint8_t *data, size_t size, int64_t *deadline_ms,
                 char *type, size_t typelen)
{
    char err [128];
    sb_limits_t limits = sb_limits_default ();
    s_scan_t scan = { data, size, 0, &limits, err, sizeof err };
    uint64_t children, pairs;
    if (size == 0 || s_scan_header (&scan, &children, &pairs) || pairs == UINT64_MAX
    ||  children != 2 * pairs)
        return -1;   //  not a map
    for (uint64_t pair = 0; pair < pairs; pair++) {
        char name [16];
        if (scan.pos >= size || s_read_string (&scan, name, sizeof name))
            return -1;
        if (scan.pos >= size)
            return -1;
        int rc = streq (name, "deadline_ms")? s_read_uint (&scan, deadline_ms)
               : streq (name, "type") && type? s_read_string (&scan, type, typelen)
               : s_skip_value (&scan);
        if (rc)
            return -1;
    }
    return 0;
}

//  A failure at path, named in err; with no path (the first pass, which
//  keeps none) only NULL.
static json_t *
s_to_json_fail (char *err, size_t errlen, const char *path, const char *why)
{
    if (path)
        snprintf (err, errlen, "%s: %s", *path? path: "envelope", why);
    return NULL;
}

static json_t *s_object_to_json (const msgpack_object *obj, const char *path,
                                 char *err, size_t errlen);

static json_t *
s_map_to_json (const msgpack_object_map *map, const char *path,
               char *err, size_t errlen)
{
    if (sb_msgpack_map_duplicate (map) >= 0)
        return s_to_json_fail (err, errlen, path, "a map key appears twice");
    json_t *object = json_object ();
    for (uint32_t index = 0; object && index < map->size; index++) {
        const msgpack_object_kv *kv = &map->ptr [index];
        if (kv->key.type != MSGPACK_OBJECT_STR) {
            json_decref (object);
            return s_to_json_fail (err, errlen, path, "map key is not a string");
        }
        char name [SB_ENVELOPE_MAX_KEY + 1];
        uint32_t length = kv->key.via.str.size;
        if (length > SB_ENVELOPE_MAX_KEY || (length && memchr (kv->key.via.str.ptr, 0, length))) {
            json_decref (object);
            return s_to_json_fail (err, errlen, path, "map key too long or holds NUL");
        }
        if (length)   //  msgpack-c leaves ptr NULL for some empty strings
            memcpy (name, kv->key.via.str.ptr, length);
        name [length] = 0;
        //  Paths only name values in messages: a long one is cut, not grown
        char child_path [512];
        if (path)
            snprintf (child_path, sizeof child_path, "%.255s%s%.200s", path, *path? ".": "",
                      name);
        json_t *child = s_object_to_json (&kv->val, path? child_path: NULL, err, errlen);
        if (!child || json_object_set_new (object, name, child)) {
            json_decref (object);
            return child? s_to_json_fail (err, errlen, path? child_path: NULL,
                                          "invalid UTF-8 key"): NULL;
        }
    }
    return object;
}

static json_t *
s_array_to_json (const msgpack_object_array *array, const char *path,
                 char *err, size_t errlen)
{
    json_t *list = json_array ();
    for (uint32_t index = 0; list && index < array->size; index++) {
        char child_path [512];
        if (path)
            snprintf (child_path, sizeof child_path, "%.255s[%u]", path, index);
        json_t *child = s_object_to_json (&array->ptr [index], path? child_path: NULL,
                                          err, errlen);
        if (!child || json_array_append_new (list, child)) {
            json_decref (list);
            return NULL;
        }
    }
    return list;
}

static json_t *
s_object_to_json (const msgpack_object *obj, const char *path,
                  char *err, size_t errlen)
{
    json_t *value = NULL;
    switch (obj->type) {
        case MSGPACK_OBJECT_NIL:
            return json_null ();
        case MSGPACK_OBJECT_BOOLEAN:
            return json_boolean (obj->via.boolean);
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            if (obj->via.u64 > INT64_MAX)
                return s_to_json_fail (err, errlen, path, "integer above 2^63-1");
            return json_integer ((json_int_t) obj->via.u64);
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            return json_integer ((json_int_t) obj->via.i64);
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
            //  JSON has no NaN or infinity: refuse them here rather than
            //  fail later when a tool prints the message
            if (!isfinite (obj->via.f64))
                return s_to_json_fail (err, errlen, path, "float is NaN or infinite");
            return json_real (obj->via.f64);
        case MSGPACK_OBJECT_STR:
            value = obj->via.str.size? json_stringn (obj->via.str.ptr, obj->via.str.size)
                                     : json_string ("");
            return value? value: s_to_json_fail (err, errlen, path, "string is not valid UTF-8");
        case MSGPACK_OBJECT_ARRAY:
            return s_array_to_json (&obj->via.array, path, err, errlen);
        case MSGPACK_OBJECT_MAP:
            return s_map_to_json (&obj->via.map, path, err, errlen);
        case MSGPACK_OBJECT_BIN:
            return s_to_json_fail (err, errlen, path, "binary values are not allowed");
        default:
            return s_to_json_fail (err, errlen, path, "extension values are not allowed");
    }
}

//  As sb_msgpack_check_json: a first pass builds no path, and only a value
//  that fails is converted again to name where.
json_t *
sb_msgpack_to_json (const msgpack_object *obj, const char *path,
                    char *err, size_t errlen)
{
    json_t *json = s_object_to_json (obj, NULL, NULL, 0);
    return json? json: s_object_to_json (obj, path? path: "", err, errlen);
}

int
sb_msgpack_pack_json (msgpack_packer *pk, const json_t *value)
{
    int rc = 0;
    switch (json_typeof (value)) {
        case JSON_OBJECT: {
            const char *name;
            json_t *child;
            rc = msgpack_pack_map (pk, json_object_size (value));
            json_object_foreach ((json_t *) value, name, child) {
                size_t length = strlen (name);
                rc = rc? rc: msgpack_pack_str_with_body (pk, name, length);
                rc = rc? rc: sb_msgpack_pack_json (pk, child);
            }
            return rc;
        }
        case JSON_ARRAY: {
            size_t index;
            json_t *child;
            rc = msgpack_pack_array (pk, json_array_size (value));
            json_array_foreach (value, index, child)
                rc = rc? rc: sb_msgpack_pack_json (pk, child);
            return rc;
        }
        case JSON_STRING:
            return msgpack_pack_str_with_body (pk, json_string_value (value),
                                               json_string_length (value));
        case JSON_INTEGER:
            return msgpack_pack_int64 (pk, json_integer_value (value));
        case JSON_REAL:
            return msgpack_pack_double (pk, json_real_value (value));
        case JSON_TRUE:
            return msgpack_pack_true (pk);
        case JSON_FALSE:
            return msgpack_pack_false (pk);
        default:
            return msgpack_pack_nil (pk);
    }
}

bool
sb_msgpack_utf8_valid (const char *text, size_t size)
{
    if (size == 0)
        return true;   //  msgpack-c gives some empty strings a NULL pointer
    const uint8_t *at = (const uint8_t *) text, *end = at + size;
    while (at < end) {
        uint8_t c = *at;
        size_t extra = c < 0x80? 0: (c >> 5) == 0x6? 1: (c >> 4) == 0xe? 2: (c >> 3) == 0x1e? 3: 9;
        if (extra == 9 || (size_t) (end - at) <= extra)
            return extra == 0;
        uint32_t point = extra? c & (0x3f >> extra): c;
        for (size_t index = 1; index <= extra; index++) {
            if ((at [index] & 0xc0) != 0x80)
                return false;
            point = (point << 6) | (at [index] & 0x3f);
        }
        static const uint32_t smallest [] = { 0, 0x80, 0x800, 0x10000 };
        if (point < smallest [extra] || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))
            return false;   //  overlong, beyond Unicode, or a surrogate
        at += extra + 1;
    }
    return true;
}

//  A failure at path, named in err; with no path (the first pass, which
//  keeps none) only -1.
static int
s_check_fail (char *err, size_t errlen, const char *path, const char *why)
{
    return path? sb_error_set (err, errlen, "%s: %s", *path? path: "envelope", why): -1;
}

//  The check itself; path NULL keeps no path (see sb_msgpack_check_json).
static int
s_check (const msgpack_object *obj, const char *path, char *err, size_t errlen)
{
    char child [512];
    switch (obj->type) {
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            return obj->via.u64 > INT64_MAX? s_check_fail (err, errlen, path, "integer above 2^63-1"): 0;
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
            return isfinite (obj->via.f64)? 0: s_check_fail (err, errlen, path, "float is NaN or infinite");
        case MSGPACK_OBJECT_STR:
            return sb_msgpack_utf8_valid (obj->via.str.ptr, obj->via.str.size)
                 ? 0: s_check_fail (err, errlen, path, "string is not valid UTF-8");
        case MSGPACK_OBJECT_BIN:
            return s_check_fail (err, errlen, path, "binary values are not allowed");
        case MSGPACK_OBJECT_EXT:
            return s_check_fail (err, errlen, path, "extension values are not allowed");
        case MSGPACK_OBJECT_ARRAY:
            for (uint32_t index = 0; index < obj->via.array.size; index++) {
                if (path)
                    snprintf (child, sizeof child, "%.255s[%u]", path, index);
                if (s_check (&obj->via.array.ptr [index], path? child: NULL, err, errlen))
                    return -1;
            }
            return 0;
        case MSGPACK_OBJECT_MAP:
            if (sb_msgpack_map_duplicate (&obj->via.map) >= 0)
                return s_check_fail (err, errlen, path, "a map key appears twice");
            for (uint32_t index = 0; index < obj->via.map.size; index++) {
                const msgpack_object *key = &obj->via.map.ptr [index].key;
                if (key->type != MSGPACK_OBJECT_STR)
                    return s_check_fail (err, errlen, path, "map key is not a string");
                if (key->via.str.size > SB_ENVELOPE_MAX_KEY
                ||  (key->via.str.size && memchr (key->via.str.ptr, 0, key->via.str.size)))
                    return s_check_fail (err, errlen, path, "map key too long or holds NUL");
                if (path)
                    snprintf (child, sizeof child, "%.255s%s%.*s", path, *path? ".": "",
                              (int) (key->via.str.size < 200? key->via.str.size: 200),
                              key->via.str.size? key->via.str.ptr: "");
                if (!sb_msgpack_utf8_valid (key->via.str.ptr, key->via.str.size))
                    return s_check_fail (err, errlen, path? child: NULL, "invalid UTF-8 key");
                if (s_check (&obj->via.map.ptr [index].val, path? child: NULL, err, errlen))
                    return -1;
            }
            return 0;
        default:
            return 0;   //  nil, booleans, negative integers
    }
}

//  A path only names a failure: the first pass keeps none (an snprintf
//  per key and element was most of the check's cost, measured in the
//  broker), and only a value that fails is checked again to name where.
int
sb_msgpack_check_json (const msgpack_object *obj, const char *path, char *err, size_t errlen)
{
    if (s_check (obj, NULL, NULL, 0) == 0)
        return 0;
    return s_check (obj, path? path: "", err, errlen);
}

int
sb_msgpack_unpack (const uint8_t *data, size_t size, msgpack_zone *zone, msgpack_object *object)
{
    size_t offset = 0;
    msgpack_unpack_return rc = msgpack_unpack ((const char *) data, size, &offset, zone, object);
    return rc == MSGPACK_UNPACK_SUCCESS || rc == MSGPACK_UNPACK_EXTRA_BYTES? 0: -1;
}

//  Pairwise up to this many keys; a hash of the names above
#define S_PAIRWISE_MAX 32

static bool
s_same_key (const msgpack_object *a, const msgpack_object *b)
{
    return a->type == MSGPACK_OBJECT_STR && b->type == MSGPACK_OBJECT_STR
        && a->via.str.size == b->via.str.size
        && (a->via.str.size == 0 || memcmp (a->via.str.ptr, b->via.str.ptr, a->via.str.size) == 0);
}

int64_t
sb_msgpack_map_duplicate (const msgpack_object_map *map)
{
    if (map->size <= S_PAIRWISE_MAX) {
        for (uint32_t index = 1; index < map->size; index++)
            for (uint32_t earlier = 0; earlier < index; earlier++)
                if (s_same_key (&map->ptr [index].key, &map->ptr [earlier].key))
                    return index;
        return -1;
    }
    //  Names as hex, so that any bytes (NULs included) are told apart
    zhashx_t *seen = zhashx_new ();
    int64_t found = seen? -1: 0;   //  out of memory: refused, never let through
    for (uint32_t index = 0; seen && found < 0 && index < map->size; index++) {
        const msgpack_object *key = &map->ptr [index].key;
        if (key->type != MSGPACK_OBJECT_STR)
            continue;
        char *name = (char *) malloc (2 * (size_t) key->via.str.size + 1);
        if (!name) {
            found = index;
            break;
        }
        for (uint32_t at = 0; at < key->via.str.size; at++)
            snprintf (name + 2 * at, 3, "%02x", (unsigned char) key->via.str.ptr [at]);
        name [2 * (size_t) key->via.str.size] = 0;
        if (zhashx_insert (seen, name, (void *) 1))
            found = index;
        free (name);
    }
    zhashx_destroy (&seen);
    return found;
}
