/*  test_envelope.c — envelopes: msgpack and JSON round trips, forward
    compatibility, check and encode, ownership (dup, set_body). Every
    refusal of decode/from_json is in test_envelope_refusals.c.           */

#include "test_envelope.h"

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

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_msgpack_round_trip),
        cmocka_unit_test (test_json_round_trip),
        cmocka_unit_test (test_forward_compatible),
        cmocka_unit_test (test_extra_not_shared),
        cmocka_unit_test (test_check_and_encode),
        cmocka_unit_test (test_check_negative_times),
        cmocka_unit_test (test_dup),
        cmocka_unit_test (test_dup_incomplete),
        cmocka_unit_test (test_set_body),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
