/*  test_msgpack.c — the bounded pre-scan against hostile inputs, every
    msgpack format family accepted, and the peek. msgpack-to-JSON is in
    test_msgpack_json.c.                                                   */

#include "sb_classes.h"
#include <setjmp.h>
#include <cmocka.h>

//  A byte string literal and its length, embedded NULs included
#define S_BYTES(literal) { (const uint8_t *) (literal), sizeof (literal) - 1 }

typedef struct {
    const uint8_t *data;
    size_t size;
} s_bytes_t;

//  Scans a copy of data in a buffer of exactly size bytes (so that the
//  sanitizers catch any read past the end). Expects success when expected
//  is NULL, else a refusal whose message contains expected.
static void
s_scan_expect (const uint8_t *data, size_t size, const sb_limits_t *limits,
               const char *expected)
{
    uint8_t *copy = (uint8_t *) malloc (size? size: 1);
    assert_non_null (copy);
    if (size)
        memcpy (copy, data, size);
    char err [256] = "";
    int rc = sb_msgpack_scan (copy, size, limits, err, sizeof err);
    free (copy);
    if (!expected) {
        if (rc)
            fail_msg ("%zu bytes (0x%02x...): unexpected refusal: %s", size,
                      size? data [0]: 0, err);
        return;
    }
    if (rc == 0)
        fail_msg ("%zu bytes (0x%02x...): accepted, expected '%s'", size,
                  size? data [0]: 0, expected);
    if (!strstr (err, expected))
        fail_msg ("%zu bytes: got '%s', expected '%s'", size, err, expected);
}

static sb_limits_t
s_limits (uint32_t max_depth, uint32_t max_items, uint32_t max_objects,
          uint32_t max_string, size_t max_bytes)
{
    sb_limits_t limits = { max_bytes, max_depth, max_string, max_items, max_objects };
    return limits;
}

//  Writes count nested one-element arrays around a 0 into buffer; returns
//  the size. With empty_inner the innermost array is empty instead.
static size_t
s_nested_arrays (uint8_t *buffer, size_t count, bool empty_inner)
{
    size_t size = 0;
    for (size_t index = 0; index < count; index++)
        buffer [size++] = empty_inner && index == count - 1? 0x90: 0x91;
    if (!empty_inner || count == 0)
        buffer [size++] = 0x00;
    return size;
}

//  An envelope encoded as the services send it
static void
s_encode_envelope (uint8_t **data_p, size_t *size_p)
{
    char err [256] = "";
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    assert_non_null (env);
    assert_int_equal (sb_envelope_set_id (env, "01ARYZ6S41TSV4RRFFQ69G5FAV"), 0);
    assert_int_equal (sb_envelope_set_key (env, "twilio:SM123"), 0);
    assert_int_equal (sb_envelope_set_corr (env, "conv-42"), 0);
    assert_int_equal (sb_envelope_set_src (env, "gateway"), 0);
    assert_int_equal (sb_envelope_set_tenant (env, "acme"), 0);
    assert_int_equal (sb_envelope_set_reply_to (env, "gateway.replies"), 0);
    sb_envelope_set_deadline_ms (env, 1700000060000LL);
    assert_int_equal (sb_envelope_trace_push (env, "gateway", "gw-1", 1700000000000LL, 0), 0);
    json_t *body = json_loads ("{\"from\":\"+4412345\",\"text\":\"h\\u00e9llo\","
                               "\"n\":-7,\"big\":4294967296,\"f\":1.5,\"ok\":true,"
                               "\"none\":null,\"list\":[1,\"two\",[3]],\"map\":{\"a\":{}}}",
                               0, NULL);
    assert_non_null (body);
    assert_int_equal (sb_envelope_set_body (env, body), 0);
    if (sb_envelope_encode (env, data_p, size_p, err, sizeof err))
        fail_msg ("encode: %s", err);
    sb_envelope_destroy (&env);
}

static void
test_bombs (void **state)
{
    (void) state;
    //  The 17-byte bomb: arrays nested three deep, each declaring 2^32-1
    //  elements; msgpack-c alone would try to allocate ~100 GiB
    const uint8_t bomb [] = { 0xdd, 0xff, 0xff, 0xff, 0xff, 0xdd, 0xff, 0xff, 0xff, 0xff,
                              0xdd, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00 };
    assert_int_equal (sizeof bomb, 17);
    s_scan_expect (bomb, sizeof bomb, NULL, "declared count exceeds input");
    //  Even with limits that would allow that many items
    sb_limits_t wide = s_limits (64, UINT32_MAX, UINT32_MAX, UINT32_MAX, SIZE_MAX);
    s_scan_expect (bomb, sizeof bomb, &wide, "declared count exceeds input");
    char err [256] = "";
    assert_null (sb_envelope_decode (bomb, sizeof bomb, NULL, err, sizeof err));
    assert_non_null (strstr (err, "declared count exceeds input"));

    //  A map32 declaring 2^32-1 pairs
    const uint8_t map_bomb [] = { 0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'k', 0x00 };
    s_scan_expect (map_bomb, sizeof map_bomb, NULL, "declared count exceeds input");
    s_scan_expect (map_bomb, sizeof map_bomb, &wide, "declared count exceeds input");
    //  ... and array16/map16 declaring more than the bytes that remain
    const uint8_t array16 [] = { 0xdc, 0x00, 0x10, 0x00, 0x00, 0x00 };
    s_scan_expect (array16, sizeof array16, NULL, "declared count exceeds input");
    const uint8_t map16 [] = { 0xde, 0x00, 0x03, 0xa1, 'k', 0x00, 0xa1, 'l' };
    s_scan_expect (map16, sizeof map16, NULL, "declared count exceeds input");
    //  The bomb hidden inside an otherwise fine map
    const uint8_t hidden [] = { 0x82, 0xa1, 'a', 0x01, 0xa1, 'b',
                                0xdd, 0x7f, 0xff, 0xff, 0xff, 0x00 };
    s_scan_expect (hidden, sizeof hidden, NULL, "declared count exceeds input");
}

static void
test_declared_lengths (void **state)
{
    (void) state;
    sb_limits_t wide = s_limits (16, 4096, 65536, UINT32_MAX, SIZE_MAX);
    //  str32, bin32, ext32 declaring 2^32-1 bytes: over the string limit
    //  with the defaults, beyond the input with a wide limit
    const s_bytes_t huge [] = {
        S_BYTES ("\xdb\xff\xff\xff\xff" "abc"),
        S_BYTES ("\xc6\xff\xff\xff\xff" "abc"),
        S_BYTES ("\xc9\xff\xff\xff\xff\x01" "abc"),
    };
    for (size_t index = 0; index < sizeof huge / sizeof huge [0]; index++) {
        s_scan_expect (huge [index].data, huge [index].size, NULL,
                       "string or binary longer than the limit");
        s_scan_expect (huge [index].data, huge [index].size, &wide,
                       "declared length exceeds input");
    }
    //  Lengths within the limit but beyond the input, every width
    const s_bytes_t beyond [] = {
        S_BYTES ("\xa5" "abc"),
        S_BYTES ("\xd9\x04" "abc"),
        S_BYTES ("\xda\x00\x04" "abc"),
        S_BYTES ("\xdb\x00\x00\x03\xe8" "abc"),
        S_BYTES ("\xc4\x04" "abc"),
        S_BYTES ("\xc5\x00\x04" "abc"),
        S_BYTES ("\xc6\x00\x00\x03\xe8" "abc"),
        S_BYTES ("\xc7\x04\x01" "abc"),
        S_BYTES ("\xc8\x00\x04\x01" "abc"),
        S_BYTES ("\xc9\x00\x00\x03\xe8\x01" "abc"),
        S_BYTES ("\xd8\x01" "abc"),          //  fixext16
        S_BYTES ("\xcb\x00\x00"),            //  float64 cut short
        S_BYTES ("\xcf\x00\x00\x00"),        //  uint64 cut short
    };
    for (size_t index = 0; index < sizeof beyond / sizeof beyond [0]; index++)
        s_scan_expect (beyond [index].data, beyond [index].size, NULL,
                       "declared length exceeds input");
    //  The length field itself cut short
    const s_bytes_t cut [] = {
        S_BYTES ("\xd9"), S_BYTES ("\xda\x00"), S_BYTES ("\xdb\x00\x00"),
        S_BYTES ("\xc6\x00"), S_BYTES ("\xc9\x00\x00\x00"),
        S_BYTES ("\xdc\x00"), S_BYTES ("\xdd\x00\x00\x00"),
        S_BYTES ("\xde"), S_BYTES ("\xdf\x00\x00"),
    };
    for (size_t index = 0; index < sizeof cut / sizeof cut [0]; index++)
        s_scan_expect (cut [index].data, cut [index].size, NULL, "truncated length");
}

static void
test_truncated_prefixes (void **state)
{
    (void) state;
    uint8_t *data;
    size_t size;
    s_encode_envelope (&data, &size);
    s_scan_expect (data, size, NULL, NULL);
    char err [256];
    for (size_t prefix = 0; prefix < size; prefix++) {
        err [0] = 0;
        uint8_t *copy = (uint8_t *) malloc (prefix? prefix: 1);
        assert_non_null (copy);
        memcpy (copy, data, prefix);
        if (sb_msgpack_scan (copy, prefix, NULL, err, sizeof err) == 0)
            fail_msg ("prefix of %zu of %zu bytes accepted", prefix, size);
        if (!strstr (err, "msgpack: "))
            fail_msg ("prefix of %zu bytes: no reason given ('%s')", prefix, err);
        err [0] = 0;
        sb_envelope_t *env = sb_envelope_decode (copy, prefix, NULL, err, sizeof err);
        if (env)
            fail_msg ("prefix of %zu of %zu bytes decoded", prefix, size);
        assert_true (strlen (err) > 0);
        free (copy);
    }
    //  Cut inside a container: which message depends on where, but it
    //  must name truncation or a length beyond the input
    const uint8_t short_array [] = { 0x93, 0x01, 0x02 };
    s_scan_expect (short_array, sizeof short_array, NULL, "declared count exceeds input");
    const uint8_t short_map [] = { 0x82, 0xa1, 'a', 0x01, 0xa1 };
    s_scan_expect (short_map, sizeof short_map, NULL, "declared length exceeds input");
    const uint8_t missing_value [] = { 0x92, 0x92, 0x01, 0x02 };
    s_scan_expect (missing_value, sizeof missing_value, NULL, "truncated input");
    free (data);
}

static void
test_malformed (void **state)
{
    (void) state;
    //  Trailing bytes after one complete value
    const uint8_t trailing [] = { 0x01, 0x02 };
    s_scan_expect (trailing, sizeof trailing, NULL, "trailing bytes after the value");
    uint8_t *data;
    size_t size;
    s_encode_envelope (&data, &size);
    uint8_t *longer = (uint8_t *) malloc (size + 1);
    assert_non_null (longer);
    memcpy (longer, data, size);
    longer [size] = 0xc0;
    s_scan_expect (longer, size + 1, NULL, "trailing bytes after the value");
    char err [256] = "";
    assert_null (sb_envelope_decode (longer, size + 1, NULL, err, sizeof err));
    assert_non_null (strstr (err, "trailing bytes"));
    free (longer);
    free (data);

    //  0xc1 is never used, alone or inside a container
    const uint8_t never [] = { 0xc1 };
    s_scan_expect (never, sizeof never, NULL, "invalid type byte 0xc1");
    const uint8_t inside [] = { 0x92, 0x01, 0xc1 };
    s_scan_expect (inside, sizeof inside, NULL, "invalid type byte 0xc1");
    const uint8_t as_key [] = { 0x81, 0xc1, 0x01 };
    s_scan_expect (as_key, sizeof as_key, NULL, "invalid type byte 0xc1");

    //  Empty input, with or without a pointer
    s_scan_expect ((const uint8_t *) "", 0, NULL, "empty input");
    err [0] = 0;
    assert_int_equal (sb_msgpack_scan (NULL, 0, NULL, err, sizeof err), -1);
    assert_non_null (strstr (err, "empty input"));
}

static void
test_depth_limit (void **state)
{
    (void) state;
    uint8_t buffer [128];
    size_t size;
    //  Default limit: exactly max_depth nested containers pass, one more fails
    size = s_nested_arrays (buffer, SB_LIMITS_MAX_DEPTH, false);
    s_scan_expect (buffer, size, NULL, NULL);
    size = s_nested_arrays (buffer, SB_LIMITS_MAX_DEPTH + 1, false);
    s_scan_expect (buffer, size, NULL, "nesting deeper than the limit");
    //  A deep bomb: far deeper than the scanner's own stack
    size = s_nested_arrays (buffer, 120, false);
    s_scan_expect (buffer, size, NULL, "nesting deeper than the limit");
    sb_limits_t deep = s_limits (1000, 4096, 65536, 1024, 1024 * 1024);
    s_scan_expect (buffer, size, &deep, "nesting deeper than the limit");

    //  A tighter limit, with maps
    sb_limits_t three = s_limits (3, 4096, 65536, 1024, 1024 * 1024);
    const uint8_t maps3 [] = { 0x81, 0xa1, 'a', 0x81, 0xa1, 'b', 0x81, 0xa1, 'c', 0x01 };
    s_scan_expect (maps3, sizeof maps3, &three, NULL);
    const uint8_t maps4 [] = { 0x81, 0xa1, 'a', 0x81, 0xa1, 'b', 0x81, 0xa1, 'c',
                               0x81, 0xa1, 'd', 0x01 };
    s_scan_expect (maps4, sizeof maps4, &three, "nesting deeper than the limit");
    //  Depth comes back down: siblings at the limit are fine
    const uint8_t wide3 [] = { 0x92, 0x91, 0x91, 0x01, 0x91, 0x91, 0x02 };
    s_scan_expect (wide3, sizeof wide3, &three, NULL);
    //  A limit of zero allows scalars and empty containers only
    sb_limits_t flat = s_limits (0, 4096, 65536, 1024, 1024 * 1024);
    s_scan_expect ((const uint8_t *) "\x01", 1, &flat, NULL);
    s_scan_expect ((const uint8_t *) "\x91\x01", 2, &flat, "nesting deeper than the limit");
}

//  Regression: an empty container counts as a level of nesting, so the
//  scan agrees with the envelope's limit check: with max_depth 3,
//  91 91 91 90 ([[[[]]]]) is refused.
static void
test_depth_limit_empty_container (void **state)
{
    (void) state;
    sb_limits_t three = s_limits (3, 4096, 65536, 1024, 1024 * 1024);
    const uint8_t four [] = { 0x91, 0x91, 0x91, 0x90 };
    char err [256] = "";
    assert_int_equal (sb_msgpack_scan (four, sizeof four, &three, err, sizeof err), -1);
    assert_non_null (strstr (err, "nesting deeper than the limit"));
}

static void
test_count_limits (void **state)
{
    (void) state;
    //  One array's count: default 4096
    size_t size = 3 + SB_LIMITS_MAX_ITEMS + 1;
    uint8_t *buffer = (uint8_t *) calloc (1, size);
    assert_non_null (buffer);
    buffer [0] = 0xdc;
    buffer [1] = (SB_LIMITS_MAX_ITEMS + 1) >> 8;
    buffer [2] = (SB_LIMITS_MAX_ITEMS + 1) & 0xff;
    s_scan_expect (buffer, size, NULL, "array or map larger than the limit");
    buffer [1] = SB_LIMITS_MAX_ITEMS >> 8;
    buffer [2] = SB_LIMITS_MAX_ITEMS & 0xff;
    s_scan_expect (buffer, size - 1, NULL, NULL);
    free (buffer);

    //  Tight limits: two items, four values
    sb_limits_t tight = s_limits (16, 2, 4, 1024, 1024 * 1024);
    s_scan_expect ((const uint8_t *) "\x92\x01\x02", 3, &tight, NULL);
    s_scan_expect ((const uint8_t *) "\x93\x01\x02\x03", 4, &tight,
                   "array or map larger than the limit");
    s_scan_expect ((const uint8_t *) "\x83\xa1" "a" "\x01\xa1" "b" "\x02\xa1" "c" "\x03", 10,
                   &tight, "array or map larger than the limit");
    //  Objects count every value, map keys and containers included
    s_scan_expect ((const uint8_t *) "\x92\x91\x01\x02", 4, &tight, NULL);
    s_scan_expect ((const uint8_t *) "\x92\x92\x01\x02\x03", 5, &tight,
                   "more values than the limit");
    s_scan_expect ((const uint8_t *) "\x82\xa1" "a" "\x01\xa1" "b" "\x02", 7, &tight,
                   "more values than the limit");

    //  Default objects limit: 16 arrays of 4096 nils, 65553 values
    size = 3 + 16 * (3 + 4096);
    buffer = (uint8_t *) malloc (size);
    assert_non_null (buffer);
    size_t pos = 0;
    buffer [pos++] = 0xdc;
    buffer [pos++] = 0x00;
    buffer [pos++] = 16;
    for (int array = 0; array < 16; array++) {
        buffer [pos++] = 0xdc;
        buffer [pos++] = 0x10;
        buffer [pos++] = 0x00;
        memset (buffer + pos, 0xc0, 4096);
        pos += 4096;
    }
    assert_int_equal (pos, size);
    s_scan_expect (buffer, size, NULL, "more values than the limit");
    buffer [2] = 15;   //  15 arrays: 61456 values, within the limit
    s_scan_expect (buffer, size - (3 + 4096), NULL, NULL);
    free (buffer);
}

static void
test_size_limits (void **state)
{
    (void) state;
    //  A string longer than max_string; exactly max_string passes
    sb_limits_t small = s_limits (16, 4096, 65536, 4, 1024);
    s_scan_expect ((const uint8_t *) "\xa4" "abcd", 5, &small, NULL);
    s_scan_expect ((const uint8_t *) "\xa5" "abcde", 6, &small,
                   "string or binary longer than the limit");
    s_scan_expect ((const uint8_t *) "\xc4\x05" "abcde", 7, &small,
                   "string or binary longer than the limit");
    s_scan_expect ((const uint8_t *) "\x91\xd9\x05" "abcde", 8, &small,
                   "string or binary longer than the limit");

    size_t size = 5 + SB_LIMITS_MAX_STRING + 1;
    uint8_t *buffer = (uint8_t *) calloc (1, size);
    assert_non_null (buffer);
    buffer [0] = 0xdb;
    buffer [2] = (SB_LIMITS_MAX_STRING + 1) >> 16;
    buffer [3] = ((SB_LIMITS_MAX_STRING + 1) >> 8) & 0xff;
    buffer [4] = (SB_LIMITS_MAX_STRING + 1) & 0xff;
    s_scan_expect (buffer, size, NULL, "string or binary longer than the limit");
    buffer [2] = SB_LIMITS_MAX_STRING >> 16;
    buffer [3] = (SB_LIMITS_MAX_STRING >> 8) & 0xff;
    buffer [4] = SB_LIMITS_MAX_STRING & 0xff;
    s_scan_expect (buffer, size - 1, NULL, NULL);
    free (buffer);

    //  Input larger than max_bytes, refused before it is read
    sb_limits_t four = s_limits (16, 4096, 65536, 1024, 4);
    s_scan_expect ((const uint8_t *) "\xa3" "abc", 4, &four, NULL);
    s_scan_expect ((const uint8_t *) "\xa4" "abcd", 5, &four, "input larger than the limit");
    size = SB_LIMITS_MAX_BYTES + 1;
    buffer = (uint8_t *) calloc (1, size);
    assert_non_null (buffer);
    buffer [0] = 0xc6;   //  bin32 of exactly the rest
    buffer [2] = (uint8_t) ((size - 5) >> 16);
    buffer [3] = (uint8_t) ((size - 5) >> 8);
    buffer [4] = (uint8_t) (size - 5);
    sb_limits_t strings = s_limits (16, 4096, 65536, UINT32_MAX, SB_LIMITS_MAX_BYTES);
    s_scan_expect (buffer, size, &strings, "input larger than the limit");
    free (buffer);
}

static void
test_valid_formats (void **state)
{
    (void) state;
    const s_bytes_t valid [] = {
        S_BYTES ("\x00"), S_BYTES ("\x7f"),                    //  positive fixint
        S_BYTES ("\xe0"), S_BYTES ("\xff"),                    //  negative fixint
        S_BYTES ("\xcc\xff"),                                  //  uint8
        S_BYTES ("\xcd\xff\xff"),                              //  uint16
        S_BYTES ("\xce\xff\xff\xff\xff"),                      //  uint32
        S_BYTES ("\xcf\x7f\xff\xff\xff\xff\xff\xff\xff"),      //  uint64
        S_BYTES ("\xd0\x80"),                                  //  int8
        S_BYTES ("\xd1\x80\x00"),                              //  int16
        S_BYTES ("\xd2\x80\x00\x00\x00"),                      //  int32
        S_BYTES ("\xd3\x80\x00\x00\x00\x00\x00\x00\x00"),      //  int64
        S_BYTES ("\xca\x3f\xc0\x00\x00"),                      //  float32 1.5
        S_BYTES ("\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00"),      //  float64 1.5
        S_BYTES ("\xa3" "abc"),                                //  fixstr
        S_BYTES ("\x92\xa1" "x" "\xa0"),                       //  fixstr, empty
        S_BYTES ("\xd9\x03" "abc"), S_BYTES ("\xd9\x00"),       //  str8
        S_BYTES ("\xda\x00\x03" "abc"),                        //  str16
        S_BYTES ("\xdb\x00\x00\x00\x03" "abc"),                //  str32
        S_BYTES ("\xc0"),                                      //  nil
        S_BYTES ("\xc2"), S_BYTES ("\xc3"),                    //  false, true
        S_BYTES ("\x90"), S_BYTES ("\x93\x01\xa1" "x" "\xc0"), //  fixarray
        S_BYTES ("\xdc\x00\x02\x01\x02"),                      //  array16
        S_BYTES ("\xdd\x00\x00\x00\x01\x01"),                  //  array32
        S_BYTES ("\x80"), S_BYTES ("\x81\xa1" "k" "\x01"),     //  fixmap
        S_BYTES ("\xde\x00\x01\xa1" "k" "\x91\x01"),           //  map16
        S_BYTES ("\xdf\x00\x00\x00\x01\xa1" "k" "\x80"),       //  map32
    };
    char err [256];
    for (size_t index = 0; index < sizeof valid / sizeof valid [0]; index++) {
        s_scan_expect (valid [index].data, valid [index].size, NULL, NULL);
        //  msgpack-c agrees, and each converts to JSON
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        size_t offset = 0;
        int rc = msgpack_unpack_next (&unpacked, (const char *) valid [index].data,
                                      valid [index].size, &offset);
        assert_int_equal (rc, MSGPACK_UNPACK_SUCCESS);
        assert_int_equal (offset, valid [index].size);
        json_t *json = sb_msgpack_to_json (&unpacked.data, "body", err, sizeof err);
        if (!json)
            fail_msg ("format 0x%02x: %s", valid [index].data [0], err);
        json_decref (json);
        msgpack_unpacked_destroy (&unpacked);
    }
    //  Binary and extension values are well-formed msgpack (the scan
    //  passes them) even though bodies refuse them later
    const s_bytes_t other [] = {
        S_BYTES ("\xc4\x02" "ab"), S_BYTES ("\xc5\x00\x02" "ab"),
        S_BYTES ("\xc6\x00\x00\x00\x02" "ab"),
        S_BYTES ("\xd4\x01\x00"), S_BYTES ("\xd5\x01\x00\x00"),
        S_BYTES ("\xd6\x01\x00\x00\x00\x00"),
        S_BYTES ("\xd7\x01\x00\x00\x00\x00\x00\x00\x00\x00"),
        S_BYTES ("\xd8\x01" "0123456789abcdef"),
        S_BYTES ("\xc7\x02\x01" "ab"), S_BYTES ("\xc8\x00\x02\x01" "ab"),
        S_BYTES ("\xc9\x00\x00\x00\x02\x01" "ab"),
    };
    for (size_t index = 0; index < sizeof other / sizeof other [0]; index++)
        s_scan_expect (other [index].data, other [index].size, NULL, NULL);
}

//  Regression: msgpack-c leaves via.str.ptr NULL for some empty strings
//  (0xa0 with nothing before it): they must convert to "" as values and
//  as keys, without passing NULL to memcpy.
static void
test_empty_strings (void **state)
{
    (void) state;
    const s_bytes_t inputs [] = {
        S_BYTES ("\xa0"), S_BYTES ("\x91\xa0"), S_BYTES ("\x81\xa0\x01"),
    };
    const char *expected [] = { "\"\"", "[\"\"]", "{\"\": 1}" };
    for (size_t index = 0; index < sizeof inputs / sizeof inputs [0]; index++) {
        char err [256] = "";
        s_scan_expect (inputs [index].data, inputs [index].size, NULL, NULL);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        size_t offset = 0;
        assert_int_equal (msgpack_unpack_next (&unpacked, (const char *) inputs [index].data,
                                               inputs [index].size, &offset),
                          MSGPACK_UNPACK_SUCCESS);
        json_t *json = sb_msgpack_to_json (&unpacked.data, "body", err, sizeof err);
        msgpack_unpacked_destroy (&unpacked);
        if (!json)
            fail_msg ("empty string refused: %s", err);
        json_t *want = json_loads (expected [index], JSON_DECODE_ANY, NULL);
        assert_non_null (want);
        assert_true (json_equal (json, want));
        json_decref (want);
        json_decref (json);
    }
}

//  Converts packed bytes to JSON at path; expects a refusal whose message
//  contains expected (which names the path).
static void
test_peek (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 4);
    msgpack_pack_str_with_body (&pk, "body", 4);
    msgpack_pack_map (&pk, 1);
    msgpack_pack_str_with_body (&pk, "deadline_ms", 11);   //  nested: not the one
    msgpack_pack_int64 (&pk, 7);
    msgpack_pack_str_with_body (&pk, "a_rather_long_key_name", 22);
    msgpack_pack_array (&pk, 2);
    msgpack_pack_nil (&pk);
    msgpack_pack_double (&pk, 1.5);
    msgpack_pack_str_with_body (&pk, "deadline_ms", 11);
    msgpack_pack_int64 (&pk, 1795352235778LL);
    msgpack_pack_str_with_body (&pk, "type", 4);
    msgpack_pack_str_with_body (&pk, "echo.request", 12);
    int64_t deadline = 0;
    char type [16] = "";
    assert_int_equal (sb_msgpack_peek ((uint8_t *) buffer.data, buffer.size, &deadline,
                                       type, sizeof type), 0);
    assert_int_equal (deadline, 1795352235778LL);
    assert_string_equal (type, "echo.request");
    //  Every strict prefix is refused, never read past
    for (size_t length = 0; length < buffer.size; length++)
        assert_int_equal (sb_msgpack_peek ((uint8_t *) buffer.data, length, &deadline,
                                           type, sizeof type), -1);
    msgpack_sbuffer_destroy (&buffer);
    const uint8_t array [] = { 0x91, 0x01 };
    assert_int_equal (sb_msgpack_peek (array, sizeof array, &deadline, NULL, 0), -1);
    //  Any integer format holding a non-negative value, as msgpack-c reads
    //  it (int8 5); a negative one is not a deadline
    const uint8_t int8 [] = { 0x81, 0xab, 'd', 'e', 'a', 'd', 'l', 'i', 'n', 'e', '_', 'm', 's', 0xd0, 0x05 };
    assert_int_equal (sb_msgpack_peek (int8, sizeof int8, &deadline, NULL, 0), 0);
    assert_int_equal (deadline, 5);
    const uint8_t negative [] = { 0x81, 0xab, 'd', 'e', 'a', 'd', 'l', 'i', 'n', 'e', '_', 'm', 's', 0xd0, 0xff };
    assert_int_equal (sb_msgpack_peek (negative, sizeof negative, &deadline, NULL, 0), -1);
    const uint8_t empty [] = { 0x80 };
    deadline = 42;
    assert_int_equal (sb_msgpack_peek (empty, sizeof empty, &deadline, NULL, 0), 0);
    assert_int_equal (deadline, 42);   //  absent: left alone
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_peek),
        cmocka_unit_test (test_bombs),
        cmocka_unit_test (test_declared_lengths),
        cmocka_unit_test (test_truncated_prefixes),
        cmocka_unit_test (test_malformed),
        cmocka_unit_test (test_depth_limit),
        cmocka_unit_test (test_depth_limit_empty_container),
        cmocka_unit_test (test_count_limits),
        cmocka_unit_test (test_size_limits),
        cmocka_unit_test (test_valid_formats),
        cmocka_unit_test (test_empty_strings),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
