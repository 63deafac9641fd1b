/*  test_envelope.c — envelopes: msgpack and JSON round trips, forward
    compatibility, every refusal of decode/from_json/check, ownership.     */

#include "sb_classes.h"
#include <setjmp.h>
#include <cmocka.h>

#define S_ID        "01ARYZ6S41TSV4RRFFQ69G5FAV"
#define S_UNICODE   "h\xc3\xa9llo \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x8e\x89"

//  A valid envelope in JSON form, every optional field absent
static const char *s_minimal_json =
    "{\"v\":1,\"id\":\"" S_ID "\",\"key\":\"k1\",\"corr\":\"c1\","
    "\"type\":\"sms.received\",\"src\":\"gateway\",\"tenant\":\"\",\"attempt\":0,"
    "\"created_ms\":1700000000000,\"deadline_ms\":0,\"trace\":[],\"body\":{}}";

//  The body every full envelope carries: every JSON type, nested
static json_t *
s_full_body (void)
{
    json_t *body = json_pack ("{s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:b, s:b, s:n,"
                              " s:[i, s, [f, b], {s:n}], s:{s:{s:[]}, s:{}}, s:s}",
                              "from", "+447700900123",
                              "text", S_UNICODE,
                              "zero", (json_int_t) 0,
                              "max", (json_int_t) INT64_MAX,
                              "min", (json_int_t) INT64_MIN,
                              "ratio", 0.1,
                              "tiny", -1e-300,
                              "yes", 1, "no", 0,
                              "none",
                              "list", 1, "two", 2.5, 1, "k",
                              "map", "inner", "deep", "empty",
                              "cl\xc3\xa9", "valeur");
    assert_non_null (body);
    return body;
}

//  An envelope with every header field set, two hops, and a full body
static sb_envelope_t *
s_full_envelope (void)
{
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    assert_non_null (env);
    assert_int_equal (sb_envelope_set_id (env, S_ID), 0);
    assert_int_equal (sb_envelope_set_key (env, "twilio:SM123"), 0);
    assert_int_equal (sb_envelope_set_corr (env, "conv-42"), 0);
    assert_int_equal (sb_envelope_set_src (env, "gateway"), 0);
    assert_int_equal (sb_envelope_set_tenant (env, "acme"), 0);
    assert_int_equal (sb_envelope_set_reply_to (env, "gateway.replies"), 0);
    sb_envelope_set_attempt (env, 3);
    sb_envelope_set_created_ms (env, 1700000000000LL);
    sb_envelope_set_deadline_ms (env, 1700000060000LL);
    sb_envelope_set_not_before_ms (env, 1700000001000LL);
    assert_int_equal (sb_envelope_trace_push (env, "gateway", "gw-1", 1700000000001LL, 0), 0);
    assert_int_equal (sb_envelope_trace_push (env, "router", NULL, 1700000000002LL, 3), 0);
    assert_int_equal (sb_envelope_set_body (env, s_full_body ()), 0);
    return env;
}

static void
s_assert_full (const sb_envelope_t *env)
{
    assert_int_equal (sb_envelope_version (env), SB_ENVELOPE_VERSION);
    assert_string_equal (sb_envelope_id (env), S_ID);
    assert_string_equal (sb_envelope_key (env), "twilio:SM123");
    assert_string_equal (sb_envelope_corr (env), "conv-42");
    assert_string_equal (sb_envelope_type (env), "sms.received");
    assert_string_equal (sb_envelope_src (env), "gateway");
    assert_string_equal (sb_envelope_tenant (env), "acme");
    assert_string_equal (sb_envelope_reply_to (env), "gateway.replies");
    assert_int_equal (sb_envelope_attempt (env), 3);
    assert_int_equal (sb_envelope_created_ms (env), 1700000000000LL);
    assert_int_equal (sb_envelope_deadline_ms (env), 1700000060000LL);
    assert_int_equal (sb_envelope_not_before_ms (env), 1700000001000LL);

    json_t *trace = json_loads ("[{\"svc\":\"gateway\",\"inst\":\"gw-1\",\"at_ms\":1700000000001,"
                                "\"attempt\":0},{\"svc\":\"router\",\"inst\":\"\","
                                "\"at_ms\":1700000000002,\"attempt\":3}]", 0, NULL);
    assert_non_null (trace);
    assert_true (json_equal (sb_envelope_trace (env), trace));
    json_decref (trace);
    json_t *body = s_full_body ();
    assert_true (json_equal (sb_envelope_body (env), body));
    json_decref (body);
    assert_int_equal (json_object_size (sb_envelope_extra (env)), 0);
}

//  Packs a JSON value as msgpack into a new sbuffer the caller destroys
static void
s_pack (const json_t *json, msgpack_sbuffer *buffer)
{
    msgpack_sbuffer_init (buffer);
    msgpack_packer pk;
    msgpack_packer_init (&pk, buffer, msgpack_sbuffer_write);
    assert_int_equal (sb_msgpack_pack_json (&pk, json), 0);
}

//  Expects json (which this takes) to be refused by from_json and, packed
//  as msgpack, by decode, each with a message containing expected.
static void
s_expect_refused (json_t *json, const sb_limits_t *limits, const char *expected)
{
    assert_non_null (json);
    char err [256] = "";
    sb_envelope_t *env = sb_envelope_from_json (json, limits, err, sizeof err);
    if (env) {
        sb_envelope_destroy (&env);
        fail_msg ("from_json accepted, expected '%s'", expected);
    }
    if (!strstr (err, expected))
        fail_msg ("from_json: got '%s', expected '%s'", err, expected);

    msgpack_sbuffer buffer;
    s_pack (json, &buffer);
    err [0] = 0;
    env = sb_envelope_decode ((const uint8_t *) buffer.data, buffer.size, limits,
                              err, sizeof err);
    msgpack_sbuffer_destroy (&buffer);
    json_decref (json);
    if (env) {
        sb_envelope_destroy (&env);
        fail_msg ("decode accepted, expected '%s'", expected);
    }
    if (!strstr (err, expected))
        fail_msg ("decode: got '%s', expected '%s'", err, expected);
}

//  The minimal envelope with one field replaced (value taken), or removed
//  when value is NULL
static json_t *
s_with (const char *field, json_t *value)
{
    json_t *json = json_loads (s_minimal_json, 0, NULL);
    assert_non_null (json);
    if (value)
        assert_int_equal (json_object_set_new (json, field, value), 0);
    else
        assert_int_equal (json_object_del (json, field), 0);
    return json;
}

//  Expects the minimal envelope with field set to value to be accepted
static void
s_expect_accepted (const char *field, json_t *value)
{
    json_t *json = s_with (field, value);
    char err [256] = "";
    sb_envelope_t *env = sb_envelope_from_json (json, NULL, err, sizeof err);
    if (!env)
        fail_msg ("%s: refused: %s", field, err);
    sb_envelope_destroy (&env);
    json_decref (json);
}

//  A string of length bytes of c, which the caller frees
static char *
s_repeat (char c, size_t length)
{
    char *text = (char *) malloc (length + 1);
    assert_non_null (text);
    memset (text, c, length);
    text [length] = 0;
    return text;
}

static void
test_msgpack_round_trip (void **state)
{
    (void) state;
    sb_envelope_t *env = s_full_envelope ();
    s_assert_full (env);
    char err [256] = "";
    uint8_t *data = NULL;
    size_t size = 0;
    if (sb_envelope_encode (env, &data, &size, err, sizeof err))
        fail_msg ("encode: %s", err);
    assert_non_null (data);
    assert_true (size > 0);
    assert_int_equal (sb_msgpack_scan (data, size, NULL, err, sizeof err), 0);

    sb_envelope_t *decoded = sb_envelope_decode (data, size, NULL, err, sizeof err);
    if (!decoded)
        fail_msg ("decode: %s", err);
    s_assert_full (decoded);
    json_t *before = sb_envelope_to_json (env);
    json_t *after = sb_envelope_to_json (decoded);
    assert_non_null (before);
    assert_non_null (after);
    assert_true (json_equal (before, after));
    assert_string_equal (json_string_value (json_object_get (after, "reply_to")), "gateway.replies");
    assert_int_equal (json_integer_value (json_object_get (after, "not_before_ms")), 1700000001000LL);

    //  Encoding again gives a decodable copy of the same envelope
    uint8_t *again = NULL;
    size_t again_size = 0;
    assert_int_equal (sb_envelope_encode (decoded, &again, &again_size, err, sizeof err), 0);
    assert_int_equal (again_size, size);
    sb_envelope_t *twice = sb_envelope_decode (again, again_size, NULL, err, sizeof err);
    assert_non_null (twice);
    s_assert_full (twice);

    json_decref (before);
    json_decref (after);
    free (data);
    free (again);
    sb_envelope_destroy (&twice);
    sb_envelope_destroy (&decoded);
    sb_envelope_destroy (&env);
    assert_null (env);
    sb_envelope_destroy (&env);   //  idempotent
    sb_envelope_destroy (NULL);
}

static void
test_json_round_trip (void **state)
{
    (void) state;
    sb_envelope_t *env = s_full_envelope ();
    json_t *first = sb_envelope_to_json (env);
    assert_non_null (first);
    char err [256] = "";
    sb_envelope_t *copy = sb_envelope_from_json (first, NULL, err, sizeof err);
    if (!copy)
        fail_msg ("from_json: %s", err);
    s_assert_full (copy);
    json_t *second = sb_envelope_to_json (copy);
    assert_true (json_equal (first, second));

    //  Through text, as tools and fixtures hold it
    char *text = json_dumps (second, JSON_COMPACT);
    assert_non_null (text);
    json_t *loaded = json_loads (text, 0, NULL);
    assert_non_null (loaded);
    sb_envelope_t *from_text = sb_envelope_from_json (loaded, NULL, err, sizeof err);
    if (!from_text)
        fail_msg ("from_json (text): %s", err);
    json_t *third = sb_envelope_to_json (from_text);
    assert_true (json_equal (first, third));

    //  The minimal form: optional fields stay absent
    json_t *minimal = json_loads (s_minimal_json, 0, NULL);
    sb_envelope_t *small = sb_envelope_from_json (minimal, NULL, err, sizeof err);
    assert_non_null (small);
    assert_null (sb_envelope_reply_to (small));
    assert_int_equal (sb_envelope_not_before_ms (small), 0);
    json_t *small_json = sb_envelope_to_json (small);
    assert_true (json_equal (minimal, small_json));

    json_decref (small_json);
    json_decref (minimal);
    sb_envelope_destroy (&small);
    json_decref (third);
    sb_envelope_destroy (&from_text);
    json_decref (loaded);
    free (text);
    json_decref (second);
    sb_envelope_destroy (&copy);
    json_decref (first);
    sb_envelope_destroy (&env);
}

static void
s_pack_str (msgpack_packer *pk, const char *text)
{
    msgpack_pack_str_with_body (pk, text, strlen (text));
}

//  Packs by hand what a newer peer might send: all fields, plus "future"
static void
s_pack_future (msgpack_sbuffer *buffer)
{
    msgpack_sbuffer_init (buffer);
    msgpack_packer pk;
    msgpack_packer_init (&pk, buffer, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 13);
    s_pack_str (&pk, "future");
    msgpack_pack_map (&pk, 1);
    s_pack_str (&pk, "x");
    msgpack_pack_int (&pk, 1);
    s_pack_str (&pk, "v");         msgpack_pack_int (&pk, 1);
    s_pack_str (&pk, "id");        s_pack_str (&pk, S_ID);
    s_pack_str (&pk, "key");       s_pack_str (&pk, "k1");
    s_pack_str (&pk, "corr");      s_pack_str (&pk, "c1");
    s_pack_str (&pk, "type");      s_pack_str (&pk, "sms.received");
    s_pack_str (&pk, "src");       s_pack_str (&pk, "gateway");
    s_pack_str (&pk, "tenant");    s_pack_str (&pk, "acme");
    s_pack_str (&pk, "attempt");   msgpack_pack_uint32 (&pk, 2);
    s_pack_str (&pk, "created_ms"); msgpack_pack_int64 (&pk, 1700000000000LL);
    s_pack_str (&pk, "deadline_ms"); msgpack_pack_int64 (&pk, 0);
    s_pack_str (&pk, "trace");     msgpack_pack_array (&pk, 0);
    s_pack_str (&pk, "body");
    msgpack_pack_map (&pk, 1);
    s_pack_str (&pk, "text");
    s_pack_str (&pk, S_UNICODE);
}

static void
s_assert_future (const sb_envelope_t *env)
{
    json_t *expected = json_loads ("{\"future\":{\"x\":1}}", 0, NULL);
    assert_true (json_equal (sb_envelope_extra (env), expected));
    json_decref (expected);
    assert_string_equal (sb_envelope_tenant (env), "acme");
    assert_int_equal (sb_envelope_attempt (env), 2);
    assert_string_equal (json_string_value (json_object_get (sb_envelope_body (env), "text")),
                         S_UNICODE);
}

static void
test_forward_compatible (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    s_pack_future (&buffer);
    char err [256] = "";
    sb_envelope_t *env = sb_envelope_decode ((const uint8_t *) buffer.data, buffer.size,
                                             NULL, err, sizeof err);
    msgpack_sbuffer_destroy (&buffer);
    if (!env)
        fail_msg ("decode: %s", err);
    s_assert_future (env);

    //  decode -> encode -> decode keeps it
    uint8_t *data;
    size_t size;
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), 0);
    sb_envelope_t *again = sb_envelope_decode (data, size, NULL, err, sizeof err);
    free (data);
    if (!again)
        fail_msg ("decode again: %s", err);
    s_assert_future (again);

    //  ... as do the JSON form and a copy
    json_t *json = sb_envelope_to_json (again);
    assert_int_equal (json_integer_value (json_object_get (json_object_get (json, "future"), "x")), 1);
    sb_envelope_t *from_json = sb_envelope_from_json (json, NULL, err, sizeof err);
    assert_non_null (from_json);
    s_assert_future (from_json);
    sb_envelope_t *copy = sb_envelope_dup (again);
    assert_non_null (copy);
    s_assert_future (copy);

    sb_envelope_destroy (&copy);
    sb_envelope_destroy (&from_json);
    json_decref (json);
    sb_envelope_destroy (&again);
    sb_envelope_destroy (&env);
}

//  Regression: unknown fields are copied in and out, never shared with the
//  caller's JSON (a change to that JSON must not change the envelope).
static void
test_extra_not_shared (void **state)
{
    (void) state;
    msgpack_sbuffer buffer;
    s_pack_future (&buffer);
    char err [256] = "";
    sb_envelope_t *env = sb_envelope_decode ((const uint8_t *) buffer.data, buffer.size,
                                             NULL, err, sizeof err);
    msgpack_sbuffer_destroy (&buffer);
    assert_non_null (env);

    json_t *json = sb_envelope_to_json (env);
    json_object_set_new (json_object_get (json, "future"), "x", json_integer (2));
    json_decref (json);
    json_t *future = json_object_get (sb_envelope_extra (env), "future");
    bool shared_out = json_integer_value (json_object_get (future, "x")) != 1;

    json = sb_envelope_to_json (env);
    sb_envelope_t *from_json = sb_envelope_from_json (json, NULL, err, sizeof err);
    assert_non_null (from_json);
    json_object_set_new (json_object_get (json, "future"), "y", json_integer (3));
    json_decref (json);
    future = json_object_get (sb_envelope_extra (from_json), "future");
    bool shared_in = json_object_get (future, "y") != NULL;
    sb_envelope_destroy (&from_json);
    sb_envelope_destroy (&env);
    assert_false (shared_out);
    assert_false (shared_in);
}

static void
test_missing_fields (void **state)
{
    (void) state;
    const char *required [] = { "v", "id", "key", "corr", "type", "src", "created_ms", "body" };
    for (size_t index = 0; index < sizeof required / sizeof required [0]; index++) {
        char expected [64];
        snprintf (expected, sizeof expected, "missing required field '%s'", required [index]);
        s_expect_refused (s_with (required [index], NULL), NULL, expected);
    }
    //  Empty strings and a zero time count as missing
    s_expect_refused (s_with ("key", json_string ("")), NULL, "missing required field 'key'");
    s_expect_refused (s_with ("corr", json_string ("")), NULL, "missing required field 'corr'");
    s_expect_refused (s_with ("src", json_string ("")), NULL, "missing required field 'src'");
    s_expect_refused (s_with ("created_ms", json_integer (0)), NULL,
                      "missing required field 'created_ms'");
    //  The optional fields may be absent
    const char *optional [] = { "tenant", "attempt", "deadline_ms", "trace" };
    for (size_t index = 0; index < sizeof optional / sizeof optional [0]; index++) {
        json_t *json = s_with (optional [index], NULL);
        char err [256] = "";
        sb_envelope_t *env = sb_envelope_from_json (json, NULL, err, sizeof err);
        if (!env)
            fail_msg ("without %s: %s", optional [index], err);
        sb_envelope_destroy (&env);
        json_decref (json);
    }
}

static void
test_wrong_types (void **state)
{
    (void) state;
    s_expect_refused (s_with ("v", json_string ("1")), NULL, "v: expected an integer");
    s_expect_refused (s_with ("id", json_integer (5)), NULL, "id: expected a 26-character ULID");
    s_expect_refused (s_with ("id", json_null ()), NULL, "id: expected a 26-character ULID");
    s_expect_refused (s_with ("key", json_integer (5)), NULL, "key: expected a string");
    s_expect_refused (s_with ("corr", json_true ()), NULL, "corr: expected a string");
    s_expect_refused (s_with ("type", json_null ()), NULL, "type: expected a string");
    s_expect_refused (s_with ("src", json_array ()), NULL, "src: expected a string");
    s_expect_refused (s_with ("tenant", json_integer (1)), NULL, "tenant: expected a string");
    s_expect_refused (s_with ("tenant", json_null ()), NULL, "tenant: expected a string");
    s_expect_refused (s_with ("reply_to", json_integer (1)), NULL, "reply_to: expected a string");
    s_expect_refused (s_with ("attempt", json_string ("1")), NULL, "attempt: expected an integer");
    s_expect_refused (s_with ("attempt", json_real (1.0)), NULL, "attempt: expected an integer");
    s_expect_refused (s_with ("created_ms", json_string ("1700000000000")), NULL,
                      "created_ms: expected an integer");
    s_expect_refused (s_with ("deadline_ms", json_real (1.5)), NULL,
                      "deadline_ms: expected an integer");
    s_expect_refused (s_with ("not_before_ms", json_false ()), NULL,
                      "not_before_ms: expected an integer");
    s_expect_refused (s_with ("body", json_array ()), NULL, "body: expected a map");
    s_expect_refused (s_with ("body", json_string ("{}")), NULL, "body: expected a map");
    s_expect_refused (s_with ("body", json_null ()), NULL, "body: expected a map");
    s_expect_refused (s_with ("trace", json_object ()), NULL, "trace: expected a");
    s_expect_refused (s_with ("trace", json_pack ("[i]", 5)), NULL, "trace[0]: expected a map");
    //  reply_to may be null: absent
    s_expect_accepted ("reply_to", json_null ());
    s_expect_accepted ("reply_to", json_string ("gateway.replies"));
}

static void
test_bad_values (void **state)
{
    (void) state;
    s_expect_refused (s_with ("v", json_integer (2)), NULL, "v: unsupported envelope version 2");
    s_expect_refused (s_with ("v", json_integer (0)), NULL, "v: unsupported envelope version 0");
    s_expect_refused (s_with ("v", json_integer (-1)), NULL, "v: -1 is out of range");
    s_expect_refused (s_with ("id", json_string ("01aryz6s41tsv4rrffq69g5fav")), NULL,
                      "id: '01aryz6s41tsv4rrffq69g5fav' is not a ULID");
    s_expect_refused (s_with ("id", json_string ("81ARYZ6S41TSV4RRFFQ69G5FAV")), NULL,
                      "is not a ULID");
    s_expect_refused (s_with ("id", json_string ("01ARYZ6S41TSV4RRFFQ69G5FAU")), NULL,
                      "is not a ULID");
    s_expect_refused (s_with ("id", json_string ("01ARYZ6S41TSV4RRFFQ69G5FA")), NULL,
                      "id: expected a 26-character ULID");
    s_expect_refused (s_with ("created_ms", json_integer (-1)), NULL,
                      "created_ms: -1 is out of range");
    s_expect_refused (s_with ("deadline_ms", json_integer (-1)), NULL,
                      "deadline_ms: -1 is out of range");
    s_expect_refused (s_with ("not_before_ms", json_integer (-5)), NULL,
                      "not_before_ms: -5 is out of range");
    s_expect_refused (s_with ("attempt", json_integer (-1)), NULL, "attempt: -1 is out of range");
    s_expect_refused (s_with ("attempt", json_integer ((json_int_t) UINT32_MAX + 1)), NULL,
                      "attempt: 4294967296 is out of range");
    s_expect_accepted ("attempt", json_integer (UINT32_MAX));

    //  Types are lower-case dotted words
    const char *bad_types [] = { "SMS.received", "sms", "sms..x", ".sms", "sms.",
                                 "sms.rec eived", "sms.Received", "sms.2x", "sms-x.y",
                                 "_sms.x", "sms.x\xc3\xa9" };
    for (size_t index = 0; index < sizeof bad_types / sizeof bad_types [0]; index++) {
        char expected [128];
        snprintf (expected, sizeof expected, "type: '%s' is not lower-case dotted words",
                  bad_types [index]);
        s_expect_refused (s_with ("type", json_string (bad_types [index])), NULL, expected);
    }
    const char *good_types [] = { "sms.received", "a.b.c", "sms.v2_x", "x9.y" };
    for (size_t index = 0; index < sizeof good_types / sizeof good_types [0]; index++)
        s_expect_accepted ("type", json_string (good_types [index]));

    //  Names: src and tenant
    const char *bad_names [] = { "gate way", "gw/1", "gw*", "gw\xc3\xa9", "gw\n" };
    for (size_t index = 0; index < sizeof bad_names / sizeof bad_names [0]; index++) {
        char expected [128];
        snprintf (expected, sizeof expected, "src: '%s' is not a service name", bad_names [index]);
        s_expect_refused (s_with ("src", json_string (bad_names [index])), NULL, expected);
        snprintf (expected, sizeof expected, "tenant: '%s' is not a tenant name", bad_names [index]);
        s_expect_refused (s_with ("tenant", json_string (bad_names [index])), NULL, expected);
    }
    s_expect_accepted ("src", json_string ("gw-1_a.b:c"));
    s_expect_accepted ("tenant", json_string ("acme-EU_1"));
}

static void
test_lengths (void **state)
{
    (void) state;
    struct {
        const char *field;
        size_t max;
        const char *expected;
    } bounds [] = {
        { "key", SB_ENVELOPE_MAX_KEY, "key: longer than 256 bytes" },
        { "corr", SB_ENVELOPE_MAX_CORR, "corr: longer than 128 bytes" },
        { "src", SB_ENVELOPE_MAX_NAME, "src: longer than 64 bytes" },
        { "tenant", SB_ENVELOPE_MAX_NAME, "tenant: '" },
        { "reply_to", SB_ENVELOPE_MAX_REPLY, "reply_to: longer than 256 bytes" },
    };
    for (size_t index = 0; index < sizeof bounds / sizeof bounds [0]; index++) {
        char *text = s_repeat ('a', bounds [index].max);
        s_expect_accepted (bounds [index].field, json_string (text));
        free (text);
        text = s_repeat ('a', bounds [index].max + 1);
        s_expect_refused (s_with (bounds [index].field, json_string (text)), NULL,
                          bounds [index].expected);
        free (text);
    }
    //  Types: 64 bytes at most
    char *type = s_repeat ('a', SB_ENVELOPE_MAX_NAME);
    type [1] = '.';
    s_expect_accepted ("type", json_string (type));
    free (type);
    type = s_repeat ('a', SB_ENVELOPE_MAX_NAME + 1);
    type [1] = '.';
    s_expect_refused (s_with ("type", json_string (type)), NULL, "type: longer than 64 bytes");
    free (type);
}

static void
test_embedded_nul (void **state)
{
    (void) state;
    const char *fields [] = { "key", "corr", "type", "src", "tenant", "reply_to" };
    for (size_t index = 0; index < sizeof fields / sizeof fields [0]; index++) {
        char expected [64];
        snprintf (expected, sizeof expected, "%s: holds a NUL byte", fields [index]);
        s_expect_refused (s_with (fields [index], json_stringn ("sms\0.received", 13)),
                          NULL, expected);
    }
    //  An id with a NUL inside is 26 bytes long but not a ULID
    s_expect_refused (s_with ("id", json_stringn ("01ARYZ6S41\0SV4RRFFQ69G5FAV", 26)),
                      NULL, "id: '01ARYZ6S41' is not a ULID");
}

//  A trace of count well-formed hops
static json_t *
s_trace (size_t count)
{
    json_t *trace = json_array ();
    for (size_t index = 0; index < count; index++)
        json_array_append_new (trace, json_pack ("{s:s, s:s, s:I, s:i}", "svc", "router",
                                                 "inst", "r-1", "at_ms", (json_int_t) index,
                                                 "attempt", 0));
    return trace;
}

static void
test_trace (void **state)
{
    (void) state;
    s_expect_refused (s_with ("trace", json_loads ("[{\"inst\":\"x\",\"at_ms\":1}]", 0, NULL)),
                      NULL, "trace[0].svc: expected a service name");
    s_expect_refused (s_with ("trace", json_loads ("[{\"svc\":\"gw\",\"at_ms\":1},"
                                                   "{\"svc\":\"gw\"}]", 0, NULL)),
                      NULL, "trace[1].at_ms: expected a non-negative integer");
    s_expect_refused (s_with ("trace", json_loads ("[{\"svc\":\"gw\",\"at_ms\":-1}]", 0, NULL)),
                      NULL, "trace[0].at_ms: expected a non-negative integer");
    s_expect_refused (s_with ("trace", json_loads ("[{\"svc\":\"gw\",\"at_ms\":\"1\"}]", 0, NULL)),
                      NULL, "trace[0].at_ms: expected a non-negative integer");
    s_expect_refused (s_with ("trace", json_loads ("[{\"svc\":\"g w\",\"at_ms\":1}]", 0, NULL)),
                      NULL, "trace[0].svc: expected a service name");
    s_expect_refused (s_with ("trace", json_loads ("[{\"svc\":5,\"at_ms\":1}]", 0, NULL)),
                      NULL, "trace[0].svc: expected a service name");
    s_expect_refused (s_with ("trace", json_loads ("[{\"svc\":\"gw\",\"inst\":\"a/b\",\"at_ms\":1}]",
                                                   0, NULL)),
                      NULL, "trace[0].inst: expected an instance name");
    s_expect_refused (s_with ("trace", json_loads ("[{\"svc\":\"gw\",\"at_ms\":1,\"attempt\":\"1\"}]",
                                                   0, NULL)),
                      NULL, "trace[0].attempt: expected a non-negative integer");
    //  A minimal hop: svc and at_ms
    s_expect_accepted ("trace", json_loads ("[{\"svc\":\"gw\",\"at_ms\":0}]", 0, NULL));

    //  At most 64 hops, decoded or pushed
    s_expect_accepted ("trace", s_trace (SB_ENVELOPE_MAX_HOPS));
    s_expect_refused (s_with ("trace", s_trace (SB_ENVELOPE_MAX_HOPS + 1)), NULL,
                      "trace: more than 64 hops");
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    for (int hop = 0; hop < SB_ENVELOPE_MAX_HOPS; hop++)
        assert_int_equal (sb_envelope_trace_push (env, "router", "r-1", hop, 0), 0);
    assert_int_equal (sb_envelope_trace_push (env, "router", "r-1", 99, 0), -1);
    assert_int_equal (json_array_size (sb_envelope_trace (env)), SB_ENVELOPE_MAX_HOPS);
    sb_envelope_destroy (&env);

    //  Pushed hops are checked like decoded ones
    env = s_full_envelope ();
    assert_int_equal (sb_envelope_trace_push (env, "bad svc", NULL, 5, 0), 0);
    char err [256] = "";
    assert_int_equal (sb_envelope_check (env, err, sizeof err), -1);
    assert_non_null (strstr (err, "trace[2].svc: expected a service name"));
    sb_envelope_destroy (&env);
    env = s_full_envelope ();
    assert_int_equal (sb_envelope_trace_push (env, "router", NULL, -1, 0), 0);
    assert_int_equal (sb_envelope_check (env, err, sizeof err), -1);
    assert_non_null (strstr (err, "trace[2].at_ms"));
    assert_int_equal (sb_envelope_trace_push (env, NULL, NULL, 5, 0), -1);
    sb_envelope_destroy (&env);
}

//  A body of levels maps nested inside it, the innermost holding a 1
static json_t *
s_deep_body (int levels)
{
    json_t *value = json_integer (1);
    for (int level = 0; level <= levels; level++) {
        json_t *map = json_object ();
        json_object_set_new (map, "a", value);
        value = map;
    }
    return value;
}

static void
test_structure (void **state)
{
    (void) state;
    char err [256] = "";
    //  Root not a map
    json_t *array = json_array ();
    assert_null (sb_envelope_from_json (array, NULL, err, sizeof err));
    assert_non_null (strstr (err, "envelope: expected a map"));
    json_decref (array);
    assert_null (sb_envelope_from_json (NULL, NULL, err, sizeof err));
    assert_non_null (strstr (err, "envelope: expected a map"));
    const uint8_t not_maps [][2] = { { 0x91, 0x01 }, { 0xa1, 'x' }, { 0xc0, 0 } };
    const size_t sizes [] = { 2, 2, 1 };
    for (size_t index = 0; index < 3; index++) {
        err [0] = 0;
        assert_null (sb_envelope_decode (not_maps [index], sizes [index], NULL, err, sizeof err));
        assert_non_null (strstr (err, "envelope: expected a map"));
    }
    //  Nothing, or not msgpack
    assert_null (sb_envelope_decode ((const uint8_t *) "", 0, NULL, err, sizeof err));
    assert_non_null (strstr (err, "empty input"));
    assert_null (sb_envelope_decode ((const uint8_t *) "\xc1", 1, NULL, err, sizeof err));
    assert_non_null (strstr (err, "0xc1"));

    //  The body within the default depth (root, body, 14 more maps: 16
    //  levels), and one deeper
    sb_limits_t defaults = sb_limits_default ();
    s_expect_accepted ("body", s_deep_body (SB_LIMITS_MAX_DEPTH - 2));
    s_expect_refused (s_with ("body", s_deep_body (SB_LIMITS_MAX_DEPTH - 1)), &defaults,
                      "nesting deeper than the limit");
    s_expect_refused (s_with ("body", s_deep_body (200)), NULL, "nesting deeper than the limit");
    //  ... and tighter limits
    sb_limits_t tight = sb_limits_default ();
    tight.max_depth = 4;
    s_expect_refused (s_with ("body", s_deep_body (3)), &tight, "nesting deeper than the limit");
    tight = sb_limits_default ();
    tight.max_string = 30;
    char *key = s_repeat ('k', 31);
    s_expect_refused (s_with ("key", json_string (key)), &tight, "longer than the limit");
    free (key);
    tight = sb_limits_default ();
    tight.max_items = 12;   //  the root map's 12 fields fit, the body's 13 items do not
    s_expect_refused (s_with ("body", json_pack ("{s:[i,i,i,i,i,i,i,i,i,i,i,i,i]}", "a",
                                                 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)),
                      &tight, "larger than the limit");
    tight = sb_limits_default ();
    tight.max_objects = 20;
    s_expect_refused (s_with ("body", json_pack ("{s:[i,i,i,i,i,i,i,i,i,i]}", "a",
                                                 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)),
                      &tight, "more values than the limit");
}

//  Decoding refuses msgpack values JSON cannot hold, naming the field
static void
test_decode_paths (void **state)
{
    (void) state;
    //  Each case: the minimal envelope with field replaced by a value of
    //  the given kind, packed by hand
    struct {
        const char *field;
        int kind;
        const char *expected;
    } cases [] = {
        { "key", 0, "key: binary values are not allowed" },
        { "body", 1, "body.media: binary values are not allowed" },
        { "created_ms", 2, "created_ms: integer above 2^63-1" },
        { "body", 3, "body: map key is not a string" },
        { "corr", 4, "corr: string is not valid UTF-8" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        json_t *json = json_loads (s_minimal_json, 0, NULL);
        json_object_del (json, cases [index].field);
        msgpack_sbuffer buffer;
        msgpack_sbuffer_init (&buffer);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
        msgpack_pack_map (&pk, json_object_size (json) + 1);
        const char *name;
        json_t *value;
        json_object_foreach (json, name, value) {
            s_pack_str (&pk, name);
            sb_msgpack_pack_json (&pk, value);
        }
        s_pack_str (&pk, cases [index].field);
        switch (cases [index].kind) {
            case 0: msgpack_pack_bin_with_body (&pk, "k1", 2); break;
            case 1:
                msgpack_pack_map (&pk, 1);
                s_pack_str (&pk, "media");
                msgpack_pack_bin_with_body (&pk, "\x89PNG", 4);
                break;
            case 2: msgpack_pack_uint64 (&pk, UINT64_MAX); break;
            case 3:
                msgpack_pack_map (&pk, 1);
                msgpack_pack_true (&pk);
                msgpack_pack_int (&pk, 1);
                break;
            default: s_pack_str (&pk, "c\xff"); break;
        }
        json_decref (json);
        char err [256] = "";
        sb_envelope_t *env = sb_envelope_decode ((const uint8_t *) buffer.data, buffer.size,
                                                 NULL, err, sizeof err);
        msgpack_sbuffer_destroy (&buffer);
        if (env) {
            sb_envelope_destroy (&env);
            fail_msg ("case %zu accepted", index);
        }
        if (!strstr (err, cases [index].expected))
            fail_msg ("case %zu: got '%s', expected '%s'", index, err, cases [index].expected);
    }
}

static void
test_check_and_encode (void **state)
{
    (void) state;
    char err [256] = "";
    uint8_t *data = NULL;
    size_t size = 0;
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    assert_non_null (env);
    assert_int_equal (sb_envelope_version (env), SB_ENVELOPE_VERSION);
    assert_string_equal (sb_envelope_type (env), "sms.received");
    assert_string_equal (sb_envelope_tenant (env), "");
    assert_null (sb_envelope_reply_to (env));
    assert_int_equal (sb_envelope_attempt (env), 0);
    assert_true (sb_envelope_created_ms (env) > 0);
    assert_true (llabs (sb_envelope_created_ms (env) - zclock_time ()) < 60000);

    //  Each missing field, in turn, is the reason encode refuses
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), -1);
    assert_non_null (strstr (err, "missing required field 'id'"));
    assert_null (data);
    assert_int_equal (sb_envelope_set_id (env, "short"), -1);
    assert_int_equal (sb_envelope_set_id (env, NULL), -1);
    assert_int_equal (sb_envelope_set_id (env, "01ARYZ6S41TSV4RRFFQ69G5FAu"), 0);
    assert_int_equal (sb_envelope_check (env, err, sizeof err), -1);
    assert_non_null (strstr (err, "id: '01ARYZ6S41TSV4RRFFQ69G5FAu' is not a ULID"));
    assert_int_equal (sb_envelope_set_id (env, S_ID), 0);
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), -1);
    assert_non_null (strstr (err, "missing required field 'key'"));
    assert_int_equal (sb_envelope_set_key (env, "k1"), 0);
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), -1);
    assert_non_null (strstr (err, "missing required field 'corr'"));
    assert_int_equal (sb_envelope_set_corr (env, "c1"), 0);
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), -1);
    assert_non_null (strstr (err, "missing required field 'src'"));
    assert_int_equal (sb_envelope_set_src (env, "gateway"), 0);
    assert_int_equal (sb_envelope_set_type (env, NULL), 0);
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), -1);
    assert_non_null (strstr (err, "missing required field 'type'"));
    assert_int_equal (sb_envelope_set_type (env, "SMS.received"), 0);
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), -1);
    assert_non_null (strstr (err, "type: 'SMS.received' is not lower-case dotted words"));
    assert_int_equal (sb_envelope_set_type (env, "sms.received"), 0);
    assert_int_equal (sb_envelope_set_tenant (env, "a b"), 0);
    assert_int_equal (sb_envelope_check (env, err, sizeof err), -1);
    assert_non_null (strstr (err, "tenant: 'a b' is not a tenant name"));
    assert_int_equal (sb_envelope_set_tenant (env, NULL), 0);
    assert_string_equal (sb_envelope_tenant (env), "");
    sb_envelope_set_created_ms (env, 0);
    assert_int_equal (sb_envelope_check (env, err, sizeof err), -1);
    assert_non_null (strstr (err, "created_ms"));
    sb_envelope_set_created_ms (env, -5);
    assert_int_equal (sb_envelope_check (env, err, sizeof err), -1);
    assert_non_null (strstr (err, "created_ms"));
    sb_envelope_set_created_ms (env, 1700000000000LL);
    char *reply = s_repeat ('r', SB_ENVELOPE_MAX_REPLY + 1);
    assert_int_equal (sb_envelope_set_reply_to (env, reply), 0);
    free (reply);
    assert_int_equal (sb_envelope_check (env, err, sizeof err), -1);
    assert_non_null (strstr (err, "reply_to: longer than 256 bytes"));
    assert_int_equal (sb_envelope_set_reply_to (env, NULL), 0);
    assert_null (sb_envelope_reply_to (env));

    //  Complete now
    assert_int_equal (sb_envelope_check (env, err, sizeof err), 0);
    assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), 0);
    assert_non_null (data);
    free (data);

    //  A new envelope without a type
    sb_envelope_t *untyped = sb_envelope_new (NULL);
    assert_non_null (untyped);
    assert_null (sb_envelope_type (untyped));
    sb_envelope_destroy (&untyped);
    sb_envelope_destroy (&env);
}

//  Regression: check (and so encode) refuses negative times, naming the
//  field, so encode never emits bytes that decode would refuse.
static void
test_check_negative_times (void **state)
{
    (void) state;
    const char *fields [] = { "deadline_ms", "not_before_ms" };
    for (size_t index = 0; index < 2; index++) {
        sb_envelope_t *env = s_full_envelope ();
        if (index == 0)
            sb_envelope_set_deadline_ms (env, -1);
        else
            sb_envelope_set_not_before_ms (env, -1);
        char err [256] = "";
        int rc = sb_envelope_check (env, err, sizeof err);
        sb_envelope_destroy (&env);
        assert_int_equal (rc, -1);
        assert_non_null (strstr (err, fields [index]));
    }
}

static void
test_dup (void **state)
{
    (void) state;
    sb_envelope_t *env = s_full_envelope ();
    sb_envelope_t *copy = sb_envelope_dup (env);
    assert_non_null (copy);
    s_assert_full (copy);

    //  Changing the copy leaves the original alone
    json_t *body = sb_envelope_body (copy);
    assert_ptr_not_equal (body, sb_envelope_body (env));
    json_object_set_new (body, "text", json_string ("changed"));
    json_array_append_new (json_object_get (body, "list"), json_integer (9));
    json_object_set_new (json_object_get (json_object_get (body, "map"), "inner"),
                         "added", json_true ());
    assert_int_equal (sb_envelope_set_key (copy, "other"), 0);
    assert_int_equal (sb_envelope_trace_push (copy, "copy", NULL, 1, 0), 0);
    s_assert_full (env);
    assert_string_equal (json_string_value (json_object_get (sb_envelope_body (copy), "text")),
                         "changed");
    assert_int_equal (json_array_size (sb_envelope_trace (copy)), 3);

    //  And the other way round
    json_object_clear (sb_envelope_body (env));
    assert_int_equal (json_object_size (sb_envelope_body (copy)), 13);
    sb_envelope_destroy (&env);
    assert_string_equal (sb_envelope_key (copy), "other");
    sb_envelope_destroy (&copy);
}

//  Regression: dup copies an incomplete envelope too (NULL only when out
//  of memory).
static void
test_dup_incomplete (void **state)
{
    (void) state;
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    assert_non_null (env);
    assert_int_equal (sb_envelope_set_key (env, "k1"), 0);
    sb_envelope_t *copy = sb_envelope_dup (env);
    assert_non_null (copy);
    assert_string_equal (sb_envelope_type (copy), "sms.received");
    assert_string_equal (sb_envelope_key (copy), "k1");
    assert_string_equal (sb_envelope_id (copy), "");
    assert_int_equal (sb_envelope_created_ms (copy), sb_envelope_created_ms (env));
    sb_envelope_destroy (&copy);
    sb_envelope_destroy (&env);
}

static void
test_set_body (void **state)
{
    (void) state;
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    assert_non_null (env);
    assert_true (json_is_object (sb_envelope_body (env)));
    assert_int_equal (json_object_size (sb_envelope_body (env)), 0);

    //  Refused values stay the caller's
    json_t *refused [] = { json_array (), json_string ("x"), json_integer (1), json_null () };
    for (size_t index = 0; index < sizeof refused / sizeof refused [0]; index++) {
        assert_int_equal (sb_envelope_set_body (env, refused [index]), -1);
        json_decref (refused [index]);
    }
    assert_int_equal (sb_envelope_set_body (env, NULL), -1);
    assert_true (json_is_object (sb_envelope_body (env)));

    //  An accepted body is the envelope's: replaced and freed with it
    assert_int_equal (sb_envelope_set_body (env, json_pack ("{s:i}", "a", 1)), 0);
    assert_int_equal (sb_envelope_set_body (env, json_pack ("{s:i}", "b", 2)), 0);
    assert_int_equal (json_integer_value (json_object_get (sb_envelope_body (env), "b")), 2);
    assert_null (json_object_get (sb_envelope_body (env), "a"));
    json_object_set_new (sb_envelope_body (env), "c", json_string (S_UNICODE));
    assert_int_equal (json_object_size (sb_envelope_body (env)), 2);

    //  Setters copy their argument; a NULL optional clears it
    char reply [] = "gateway.replies";
    assert_int_equal (sb_envelope_set_reply_to (env, reply), 0);
    reply [0] = 'X';
    assert_string_equal (sb_envelope_reply_to (env), "gateway.replies");
    assert_int_equal (sb_envelope_set_reply_to (env, NULL), 0);
    assert_null (sb_envelope_reply_to (env));
    assert_int_equal (sb_envelope_set_key (env, "a"), 0);
    assert_int_equal (sb_envelope_set_key (env, "b"), 0);
    assert_string_equal (sb_envelope_key (env), "b");
    sb_envelope_destroy (&env);
}

//  Regression (found by fuzz_envelope_json): a body key longer than 256
//  bytes was accepted from JSON but refused by decode, so an envelope
//  could be built that no peer would take. Both refuse it now.
static void
test_long_body_key (void **state)
{
    (void) state;
    char *name = s_repeat ('k', SB_ENVELOPE_MAX_KEY + 1);
    json_t *body = json_object ();
    json_object_set_new (body, name, json_integer (1));
    free (name);
    s_expect_refused (s_with ("body", body), NULL, "map key too long or holds NUL");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_msgpack_round_trip),
        cmocka_unit_test (test_json_round_trip),
        cmocka_unit_test (test_forward_compatible),
        cmocka_unit_test (test_extra_not_shared),
        cmocka_unit_test (test_missing_fields),
        cmocka_unit_test (test_wrong_types),
        cmocka_unit_test (test_bad_values),
        cmocka_unit_test (test_lengths),
        cmocka_unit_test (test_embedded_nul),
        cmocka_unit_test (test_trace),
        cmocka_unit_test (test_structure),
        cmocka_unit_test (test_decode_paths),
        cmocka_unit_test (test_check_and_encode),
        cmocka_unit_test (test_check_negative_times),
        cmocka_unit_test (test_dup),
        cmocka_unit_test (test_dup_incomplete),
        cmocka_unit_test (test_set_body),
        cmocka_unit_test (test_long_body_key),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
