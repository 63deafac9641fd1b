/*  test_envelope_refusals.c — envelopes: every refusal of decode and
    from_json (missing fields, wrong types, bad values, lengths, trace,
    structure, msgpack values JSON cannot hold) and the limits.           */

#include "test_envelope.h"

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

//  Expects json (kept) packed as msgpack to be refused by the broker's
//  view (sb_envelope_view) with a message containing expected, or, when
//  expected is NULL, accepted: the view must agree with decode.
static void
s_expect_view (const json_t *json, const char *expected)
{
    msgpack_sbuffer buffer;
    s_pack (json, &buffer);
    msgpack_zone zone;
    msgpack_zone_init (&zone, 2048);
    msgpack_object root;
    assert_int_equal (sb_msgpack_unpack ((const uint8_t *) buffer.data, buffer.size, &zone,
                                         &root), 0);
    sb_envelope_view_t view;
    char err [256] = "";
    int rc = sb_envelope_view (&root, &view, err, sizeof err);
    msgpack_zone_destroy (&zone);
    msgpack_sbuffer_destroy (&buffer);
    if (!expected && rc)
        fail_msg ("view refused: %s", err);
    if (expected && rc == 0)
        fail_msg ("view accepted, expected '%s'", expected);
    if (expected && !strstr (err, expected))
        fail_msg ("view: got '%s', expected '%s'", err, expected);
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

//  A trace refused by decode, from_json and the broker's view alike
static void
s_trace_refused (const char *trace, const char *expected)
{
    json_t *value = json_loads (trace, JSON_ALLOW_NUL, NULL);
    assert_non_null (value);
    json_t *json = s_with ("trace", value);
    s_expect_view (json, expected);
    s_expect_refused (json, NULL, expected);
}

static void
test_trace (void **state)
{
    (void) state;
    s_trace_refused ("[{\"inst\":\"x\",\"at_ms\":1}]", "trace[0].svc: expected a service name");
    s_trace_refused ("[{\"svc\":\"gw\",\"at_ms\":1},{\"svc\":\"gw\"}]",
                     "trace[1].at_ms: expected a non-negative integer");
    s_trace_refused ("[{\"svc\":\"gw\",\"at_ms\":-1}]", "trace[0].at_ms: expected a non-negative integer");
    s_trace_refused ("[{\"svc\":\"gw\",\"at_ms\":\"1\"}]",
                     "trace[0].at_ms: expected a non-negative integer");
    s_trace_refused ("[{\"svc\":\"gw\",\"at_ms\":1.5}]", "trace[0].at_ms: expected a non-negative integer");
    s_trace_refused ("[{\"svc\":\"g w\",\"at_ms\":1}]", "trace[0].svc: expected a service name");
    s_trace_refused ("[{\"svc\":5,\"at_ms\":1}]", "trace[0].svc: expected a service name");
    s_trace_refused ("[{\"svc\":\"\",\"at_ms\":1}]", "trace[0].svc: expected a service name");
    s_trace_refused ("[{\"svc\":\"gw\",\"inst\":\"a/b\",\"at_ms\":1}]",
                     "trace[0].inst: expected an instance name");
    s_trace_refused ("[{\"svc\":\"gw\",\"inst\":null,\"at_ms\":1}]",
                     "trace[0].inst: expected an instance name");
    s_trace_refused ("[{\"svc\":\"gw\",\"at_ms\":1,\"attempt\":\"1\"}]",
                     "trace[0].attempt: expected a non-negative integer");
    s_trace_refused ("[{\"svc\":\"gw\",\"at_ms\":1,\"attempt\":4294967296}]",
                     "trace[0].attempt: expected a non-negative integer");
    s_trace_refused ("[{\"svc\":\"gw\",\"at_ms\":1,\"attempt\":-1}]",
                     "trace[0].attempt: expected a non-negative integer");
    s_trace_refused ("[5]", "trace[0]: expected a map");
    //  A name is read up to a NUL, in every reader
    s_trace_refused ("[{\"svc\":\"\\u0000gw\",\"at_ms\":1}]", "trace[0].svc: expected a service name");
    json_t *json = s_with ("trace", json_loads ("[{\"svc\":\"gw\\u0000 x\",\"inst\":\"\","
                                                "\"at_ms\":0,\"attempt\":4294967295}]",
                                                JSON_ALLOW_NUL, NULL));
    assert_non_null (json_object_get (json, "trace"));
    s_expect_view (json, NULL);
    json_decref (json);
    //  A minimal hop: svc and at_ms
    s_expect_accepted ("trace", json_loads ("[{\"svc\":\"gw\",\"at_ms\":0}]", 0, NULL));

    //  At most 64 hops, decoded or pushed
    s_expect_accepted ("trace", s_trace (SB_ENVELOPE_MAX_HOPS));
    json = s_with ("trace", s_trace (SB_ENVELOPE_MAX_HOPS));
    s_expect_view (json, NULL);
    json_decref (json);
    json = s_with ("trace", s_trace (SB_ENVELOPE_MAX_HOPS + 1));
    s_expect_view (json, "trace: more than 64 hops");
    s_expect_refused (json, NULL, "trace: more than 64 hops");
    sb_envelope_t *env = sb_envelope_new ("sms.received");
    for (int hop = 0; hop < SB_ENVELOPE_MAX_HOPS; hop++)
        assert_int_equal (sb_envelope_trace_push (env, "router", "r-1", hop, 0), 0);
    assert_int_equal (sb_envelope_trace_push (env, "router", "r-1", 99, 0), -1);
    assert_int_equal (json_array_size (sb_envelope_trace (env)), SB_ENVELOPE_MAX_HOPS);
    //  An output's trace extends its message's: the hops as they are,
    //  within the same bound, nothing appended past it
    sb_envelope_t *output = sb_envelope_new ("draft.composed");
    assert_int_equal (sb_envelope_trace_push (output, "planner", "p-1", 1, 2), 0);
    assert_int_equal (sb_envelope_trace_extend (output, env), -1);
    assert_int_equal (json_array_size (sb_envelope_trace (output)), 1);
    sb_envelope_destroy (&output);
    output = sb_envelope_new ("draft.composed");
    assert_int_equal (sb_envelope_trace_extend (output, env), 0);
    assert_true (json_equal (sb_envelope_trace (output), sb_envelope_trace (env)));
    assert_int_equal (sb_envelope_trace_push (output, "router", "r-1", 99, 0), -1);
    sb_envelope_destroy (&env);
    //  ... and outlives it
    assert_int_equal (json_integer_value (json_object_get (
        json_array_get (sb_envelope_trace (output), SB_ENVELOPE_MAX_HOPS - 1), "at_ms")),
        SB_ENVELOPE_MAX_HOPS - 1);
    sb_envelope_destroy (&output);

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
        cmocka_unit_test (test_missing_fields),
        cmocka_unit_test (test_wrong_types),
        cmocka_unit_test (test_bad_values),
        cmocka_unit_test (test_lengths),
        cmocka_unit_test (test_embedded_nul),
        cmocka_unit_test (test_trace),
        cmocka_unit_test (test_structure),
        cmocka_unit_test (test_decode_paths),
        cmocka_unit_test (test_long_body_key),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
