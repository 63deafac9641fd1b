/*  test_msgpack_json.c — msgpack to JSON (sb_msgpack_to_json, the actors'
    reader) and its check without converting (sb_msgpack_check_json, the
    broker's): what both refuse, keys twice included, and the values they
    carry over.                                                            */

#include "sb_classes.h"
#include <setjmp.h>
#include <cmocka.h>

static void
s_to_json_expect (const msgpack_sbuffer *buffer, const char *path, const char *expected)
{
    char err [256] = "";
    if (sb_msgpack_scan ((const uint8_t *) buffer->data, buffer->size, NULL, err, sizeof err))
        fail_msg ("test input does not scan: %s", err);
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    assert_int_equal (msgpack_unpack_next (&unpacked, buffer->data, buffer->size, &offset),
                      MSGPACK_UNPACK_SUCCESS);
    json_t *json = sb_msgpack_to_json (&unpacked.data, path, err, sizeof err);
    msgpack_unpacked_destroy (&unpacked);
    if (json) {
        json_decref (json);
        fail_msg ("converted, expected '%s'", expected);
    }
    if (!strstr (err, expected))
        fail_msg ("got '%s', expected '%s'", err, expected);
}

static void
s_pack_key (msgpack_packer *pk, const char *key)
{
    msgpack_pack_str_with_body (pk, key, strlen (key));
}

//  Checks the map in buffer both ways (sb_msgpack_check_json, the broker's;
//  sb_msgpack_to_json, the actors'): refused by both with the reason
//  naming path (expected), or accepted by both (expected NULL).
static void
s_both_ways (const msgpack_sbuffer *buffer, const char *expected)
{
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    assert_int_equal (msgpack_unpack_next (&unpacked, buffer->data, buffer->size, &offset),
                      MSGPACK_UNPACK_SUCCESS);
    char check_err [256] = "", json_err [256] = "";
    int checked = sb_msgpack_check_json (&unpacked.data, "body", check_err, sizeof check_err);
    json_t *json = sb_msgpack_to_json (&unpacked.data, "body", json_err, sizeof json_err);
    msgpack_unpacked_destroy (&unpacked);
    if (!expected) {
        assert_int_equal (checked, 0);
        assert_non_null (json);
    }
    else {
        assert_int_equal (checked, -1);
        assert_null (json);
        assert_non_null (strstr (check_err, expected));
        assert_non_null (strstr (json_err, expected));
    }
    json_decref (json);
}

//  A key twice in a map is refused by both readers: JSON would keep the
//  last value and the msgpack view the first (found by
//  fuzz_envelope_msgpack: the broker refused what the actors accepted)
static void
test_duplicate_keys (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);

    //  {"x": {"a": 1, "b": 2, "a": 3}}: compared pair by pair
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, "x");
    msgpack_pack_map (&pk, 3);
    const char *keys [] = { "a", "b", "a" };
    for (int index = 0; index < 3; index++) {
        s_pack_key (&pk, keys [index]);
        msgpack_pack_int (&pk, index);
    }
    s_both_ways (&buffer, "body.x: a map key appears twice");
    msgpack_sbuffer_destroy (&buffer);

    //  40 keys, past the pairwise limit: k0..k39, then again with k5 for k39
    for (int twice = 0; twice < 2; twice++) {
        msgpack_sbuffer_init (&buffer);
        msgpack_pack_map (&pk, 40);
        for (int index = 0; index < 40; index++) {
            char key [8];
            snprintf (key, sizeof key, "k%d", twice && index == 39? 5: index);
            s_pack_key (&pk, key);
            msgpack_pack_int (&pk, index);
        }
        s_both_ways (&buffer, twice? "body: a map key appears twice": NULL);
        msgpack_sbuffer_destroy (&buffer);
    }
}

static void
test_to_json_refusals (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);

    //  Map key not a string: {1: "a"}
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    msgpack_pack_int (&pk, 1);
    s_pack_key (&pk, "a");
    s_to_json_expect (&buffer, "body", "body: map key is not a string");
    msgpack_sbuffer_destroy (&buffer);

    //  Binary value, nested: {"a": {"b": bin}}
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, "a");
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, "b");
    msgpack_pack_bin_with_body (&pk, "\x00\x01", 2);
    s_to_json_expect (&buffer, "body", "body.a.b: binary values are not allowed");
    msgpack_sbuffer_destroy (&buffer);

    //  Extension value in an array: {"list": [1, ext]}
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, "list");
    msgpack_pack_array (&pk, 2);
    msgpack_pack_int (&pk, 1);
    msgpack_pack_ext_with_body (&pk, "abcd", 4, 7);
    s_to_json_expect (&buffer, "body", "body.list[1]: extension values are not allowed");
    msgpack_sbuffer_destroy (&buffer);

    //  Unsigned integer above INT64_MAX
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, "n");
    msgpack_pack_uint64 (&pk, (uint64_t) INT64_MAX + 1);
    s_to_json_expect (&buffer, "body", "body.n: integer above 2^63-1");
    msgpack_sbuffer_destroy (&buffer);
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_uint64 (&pk, UINT64_MAX);
    s_to_json_expect (&buffer, "trace[2]", "trace[2]: integer above 2^63-1");
    msgpack_sbuffer_destroy (&buffer);

    //  NaN and infinities, 64 and 32 bits
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, "f");
    msgpack_pack_double (&pk, NAN);
    s_to_json_expect (&buffer, "body", "body.f: float is NaN or infinite");
    msgpack_sbuffer_destroy (&buffer);
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_array (&pk, 1);
    msgpack_pack_float (&pk, -INFINITY);
    s_to_json_expect (&buffer, "body", "body[0]: float is NaN or infinite");
    msgpack_sbuffer_destroy (&buffer);
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_float (&pk, NAN);
    s_to_json_expect (&buffer, "body", "body: float is NaN or infinite");
    msgpack_sbuffer_destroy (&buffer);

    //  Invalid UTF-8: a bare continuation byte, an overlong NUL, a surrogate
    const char *invalid [] = { "\xff\xfe", "ok\x80", "\xc0\x80", "\xed\xa0\x80" };
    for (size_t index = 0; index < sizeof invalid / sizeof invalid [0]; index++) {
        msgpack_sbuffer_init (&buffer);
        msgpack_pack_map (&pk, 1);
        s_pack_key (&pk, "text");
        s_pack_key (&pk, invalid [index]);
        s_to_json_expect (&buffer, "body", "body.text: string is not valid UTF-8");
        msgpack_sbuffer_destroy (&buffer);
    }
    //  ... and as a map key
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, "\xff");
    msgpack_pack_int (&pk, 1);
    s_to_json_expect (&buffer, "body", "invalid UTF-8 key");
    msgpack_sbuffer_destroy (&buffer);

    //  Keys holding NUL or longer than a key may be
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    msgpack_pack_str_with_body (&pk, "a\0b", 3);
    msgpack_pack_int (&pk, 1);
    s_to_json_expect (&buffer, "body", "body: map key too long or holds NUL");
    msgpack_sbuffer_destroy (&buffer);
    char long_key [SB_ENVELOPE_MAX_KEY + 2];
    memset (long_key, 'k', sizeof long_key - 1);
    long_key [sizeof long_key - 1] = 0;
    msgpack_sbuffer_init (&buffer);
    msgpack_pack_map (&pk, 1);
    s_pack_key (&pk, long_key);
    msgpack_pack_int (&pk, 1);
    s_to_json_expect (&buffer, "body", "body: map key too long or holds NUL");
    msgpack_sbuffer_destroy (&buffer);
}

static void
test_to_json_values (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    msgpack_sbuffer_init (&buffer);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 8);
    s_pack_key (&pk, "max");
    msgpack_pack_uint64 (&pk, INT64_MAX);
    s_pack_key (&pk, "min");
    msgpack_pack_int64 (&pk, INT64_MIN);
    s_pack_key (&pk, "f32");
    msgpack_pack_float (&pk, 0.25f);
    s_pack_key (&pk, "f64");
    msgpack_pack_double (&pk, -1e300);
    s_pack_key (&pk, "nul");
    msgpack_pack_str_with_body (&pk, "a\0b", 3);   //  NUL inside a value is fine
    s_pack_key (&pk, "utf8");
    s_pack_key (&pk, "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x8e\x89");
    s_pack_key (&pk, "flags");
    msgpack_pack_array (&pk, 3);
    msgpack_pack_true (&pk);
    msgpack_pack_false (&pk);
    msgpack_pack_nil (&pk);
    s_pack_key (&pk, "empty");
    msgpack_pack_map (&pk, 0);

    char err [256] = "";
    msgpack_unpacked unpacked;
    msgpack_unpacked_init (&unpacked);
    size_t offset = 0;
    assert_int_equal (msgpack_unpack_next (&unpacked, buffer.data, buffer.size, &offset),
                      MSGPACK_UNPACK_SUCCESS);
    json_t *json = sb_msgpack_to_json (&unpacked.data, "body", err, sizeof err);
    if (!json)
        fail_msg ("%s", err);
    msgpack_unpacked_destroy (&unpacked);
    assert_int_equal (json_integer_value (json_object_get (json, "max")), INT64_MAX);
    assert_true (json_integer_value (json_object_get (json, "min")) == INT64_MIN);
    assert_true (json_real_value (json_object_get (json, "f32")) == 0.25);
    assert_true (json_real_value (json_object_get (json, "f64")) == -1e300);
    assert_int_equal (json_string_length (json_object_get (json, "nul")), 3);
    assert_memory_equal (json_string_value (json_object_get (json, "nul")), "a\0b", 3);
    assert_string_equal (json_string_value (json_object_get (json, "utf8")),
                         "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x8e\x89");
    json_t *expected = json_loads ("[true,false,null]", 0, NULL);
    assert_true (json_equal (json_object_get (json, "flags"), expected));
    json_decref (expected);
    assert_int_equal (json_object_size (json_object_get (json, "empty")), 0);

    //  And back: packing the JSON gives bytes that convert to equal JSON
    msgpack_sbuffer repacked;
    msgpack_sbuffer_init (&repacked);
    msgpack_packer_init (&pk, &repacked, msgpack_sbuffer_write);
    assert_int_equal (sb_msgpack_pack_json (&pk, json), 0);
    assert_int_equal (sb_msgpack_scan ((const uint8_t *) repacked.data, repacked.size,
                                       NULL, err, sizeof err), 0);
    msgpack_unpacked_init (&unpacked);
    offset = 0;
    assert_int_equal (msgpack_unpack_next (&unpacked, repacked.data, repacked.size, &offset),
                      MSGPACK_UNPACK_SUCCESS);
    json_t *again = sb_msgpack_to_json (&unpacked.data, "body", err, sizeof err);
    assert_non_null (again);
    assert_true (json_equal (json, again));
    json_decref (again);
    json_decref (json);
    msgpack_unpacked_destroy (&unpacked);
    msgpack_sbuffer_destroy (&repacked);
    msgpack_sbuffer_destroy (&buffer);
}

//  sb_msgpack_peek reads deadline_ms and type wherever they sit in the
//  map, skipping everything else without allocating, and refuses what is
//  not a well-formed map.

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_duplicate_keys),
        cmocka_unit_test (test_to_json_refusals),
        cmocka_unit_test (test_to_json_values),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
