/*  test_schema.c — message type definitions: parsing, every rejection of a
    malformed definition, body checks, and the built-in definitions.       */

#include "sb_classes.h"
#include <setjmp.h>
#include <cmocka.h>

static const char *s_order_zpl =
    "type = order.placed\n"
    "summary = \"An order.\"\n"
    "emitted-by = shop\n"
    "consumed-by = \"billing audit\"\n"
    "body\n"
    "    sku\n"
    "        type = string\n"
    "        required = 1\n"
    "        min = 3\n"
    "        max = 8\n"
    "        prefix = \"SK|XX\"\n"
    "        example = SK123\n"
    "    channel\n"
    "        type = string\n"
    "        enum = \"sms|whatsapp\"\n"
    "        example = sms\n"
    "    quantity\n"
    "        type = int\n"
    "        required = 1\n"
    "        min = 1\n"
    "        max = 100\n"
    "        example = 2\n"
    "    price\n"
    "        type = number\n"
    "        min = 0\n"
    "        example = 9.5\n"
    "    gift\n"
    "        type = bool\n"
    "        example = false\n"
    "    tags\n"
    "        type = array\n"
    "        items = string\n"
    "        max = 2\n"
    "        example = '[\"a\"]'\n"
    "    lines\n"
    "        type = array\n"
    "        items = map\n"
    "        fields\n"
    "            hours\n"
    "                type = number\n"
    "                required = 1\n"
    "                example = 7.5\n"
    "    address\n"
    "        type = map\n"
    "        fields\n"
    "            city\n"
    "                type = string\n"
    "                required = 1\n"
    "                example = Paris\n";

static sb_schemas_t *
s_registry (void)
{
    char err [256] = "";
    sb_schemas_t *schemas = sb_schemas_new ();
    assert_non_null (schemas);
    int rc = sb_schemas_add (schemas, "order.zpl", s_order_zpl, err, sizeof err);
    if (rc)
        fail_msg ("%s", err);
    return schemas;
}

//  Checks body (JSON text) against order.placed; expects ok, or a failure
//  whose message contains expected.
static void
s_expect (const sb_schemas_t *schemas, const char *body_json, const char *expected)
{
    char err [256] = "";
    json_t *body = json_loads (body_json, 0, NULL);
    assert_non_null (body);
    int rc = sb_schemas_check_body (schemas, "order.placed", body, err, sizeof err);
    json_decref (body);
    if (!expected) {
        if (rc)
            fail_msg ("%s: unexpected failure: %s", body_json, err);
        return;
    }
    if (rc == 0)
        fail_msg ("%s: accepted, expected '%s'", body_json, expected);
    if (!strstr (err, expected))
        fail_msg ("%s: got '%s', expected '%s'", body_json, err, expected);
}

static void
test_valid_bodies (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_registry ();
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1}", NULL);
    s_expect (schemas, "{\"sku\":\"XX12345\",\"quantity\":100,\"price\":0,\"gift\":true,"
                       "\"tags\":[\"a\",\"b\"],\"lines\":[{\"hours\":1},{\"hours\":2.5}],"
                       "\"address\":{\"city\":\"Oslo\"},\"channel\":\"whatsapp\"}", NULL);
    //  Unknown fields are kept for newer senders; null means absent
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"future\":{\"x\":1},\"price\":null}", NULL);
    sb_schemas_destroy (&schemas);
    assert_null (schemas);
}

static void
test_body_rejections (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_registry ();
    s_expect (schemas, "{\"quantity\":1}", "body.sku: missing required field");
    s_expect (schemas, "{\"sku\":null,\"quantity\":1}", "body.sku: missing required field");
    s_expect (schemas, "{\"sku\":5,\"quantity\":1}", "body.sku: expected string");
    s_expect (schemas, "{\"sku\":\"SK\",\"quantity\":1}", "body.sku: length 2 is below the minimum 3");
    s_expect (schemas, "{\"sku\":\"SK1234567\",\"quantity\":1}", "body.sku: length 9 is above the maximum 8");
    s_expect (schemas, "{\"sku\":\"AB123\",\"quantity\":1}", "body.sku: 'AB123' does not start with SK|XX");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1.5}", "body.quantity: expected int");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":0}", "body.quantity: value 0 is below the minimum 1");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":101}", "body.quantity: value 101 is above");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"price\":\"9\"}", "body.price: expected number");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"price\":-1}", "body.price: value -1 is below");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"gift\":1}", "body.gift: expected bool");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"channel\":\"fax\"}", "body.channel: 'fax' is not one of sms|whatsapp");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"tags\":\"a\"}", "body.tags: expected array");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"tags\":[\"a\",\"b\",\"c\"]}", "body.tags: item count 3 is above the maximum 2");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"tags\":[1]}", "body.tags[0]: expected string");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"lines\":[{\"hours\":1},{}]}", "body.lines[1].hours: missing required field");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"lines\":[3]}", "body.lines[0]: expected map");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"address\":{\"city\":3}}", "body.address.city: expected string");
    s_expect (schemas, "{\"sku\":\"SK1\",\"quantity\":1,\"address\":[]}", "body.address: expected map");

    char err [256];
    json_t *body = json_object ();
    assert_int_equal (sb_schemas_check_body (schemas, "no.such", body, err, sizeof err), -1);
    assert_non_null (strstr (err, "unknown message type 'no.such'"));
    json_decref (body);
    sb_schemas_destroy (&schemas);
}

//  Adds definition text; expects failure with a message containing expected.
static void
s_expect_bad_definition (const char *zpl, const char *expected)
{
    char err [256] = "";
    sb_schemas_t *schemas = sb_schemas_new ();
    int rc = sb_schemas_add (schemas, "bad.zpl", zpl, err, sizeof err);
    sb_schemas_destroy (&schemas);
    if (rc == 0)
        fail_msg ("accepted a bad definition, expected '%s'", expected);
    if (!strstr (err, expected) || strncmp (err, "bad.zpl: ", 9))
        fail_msg ("got '%s', expected 'bad.zpl: ...%s'", err, expected);
}

#define S_HEAD "type = a.b\nsummary = s\nbody\n"

static void
test_definition_rejections (void **state)
{
    (void) state;
    s_expect_bad_definition ("type = a.b\nbody\n    x\n        type = string\n", "no summary given");
    s_expect_bad_definition ("summary = s\nbody\n    x\n        type = string\n", "no type given");
    s_expect_bad_definition ("type = a.b\nsummary = s\n", "no body given");
    s_expect_bad_definition ("type = A.b\nsummary = s\nbody\n    x\n        type = int\n",
                             "type 'A.b' is not lower-case dotted words");
    s_expect_bad_definition ("type = a.b\nsummary = s\ncolour = red\nbody\n", "unknown key 'colour'");
    s_expect_bad_definition (S_HEAD "    x\n        type = strng\n", "body.x: type: unknown type 'strng'");
    s_expect_bad_definition (S_HEAD "    x\n        required = 1\n", "body.x: no type given");
    s_expect_bad_definition (S_HEAD "    x\n        type = int\n        requird = 1\n",
                             "body.x: unknown attribute 'requird'");
    s_expect_bad_definition (S_HEAD "    x\n        type = int\n        required = yes\n",
                             "body.x: required: expected 0 or 1");
    s_expect_bad_definition (S_HEAD "    x\n        type = int\n        max = ten\n",
                             "body.x: max: 'ten' is not a number");
    s_expect_bad_definition (S_HEAD "    x\n        type = int\n        min = 5\n        max = 1\n",
                             "body.x: min is above max");
    s_expect_bad_definition (S_HEAD "    x\n        type = int\n        enum = \"a|b\"\n",
                             "body.x: enum, prefix and index apply to strings only");
    s_expect_bad_definition (S_HEAD "    x\n        type = string\n        index = email\n",
                             "body.x: index: unknown index 'email' (phone is the one known)");
    s_expect_bad_definition (S_HEAD "    m\n        type = map\n        fields\n"
                             "            y\n                type = string\n"
                             "                index = phone\n",
                             "body.m.y: index applies to top-level body fields only");
    s_expect_bad_definition (S_HEAD "    x\n        type = string\n        index = phone\n"
                             "    y\n        type = string\n        index = phone\n",
                             "body.y: index: only one field may be indexed (body.x is)");
    s_expect_bad_definition (S_HEAD "    x\n        type = int\n        example = abc\n",
                             "body.x: example: 'abc' is not valid JSON");
    s_expect_bad_definition (S_HEAD "    x\n        type = string\n        fields\n"
                             "            y\n                type = int\n",
                             "body.x: fields apply to maps and arrays of maps only");
    s_expect_bad_definition (S_HEAD "    m\n        type = map\n        fields\n"
                             "            y\n                type = bogus\n",
                             "body.m.y: type: unknown type 'bogus'");
    s_expect_bad_definition (S_HEAD "    x\n        type = int\n    x\n        type = int\n",
                             "field 'x' defined twice");
    s_expect_bad_definition ("type = a.b\n  bad indent = \n", "malformed ZPL");

    char err [256];
    sb_schemas_t *schemas = s_registry ();
    assert_int_equal (sb_schemas_add (schemas, "again.zpl", s_order_zpl, err, sizeof err), -1);
    assert_non_null (strstr (err, "type 'order.placed' is defined twice"));
    sb_schemas_destroy (&schemas);
}

static void
test_examples_and_docs (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_registry ();
    json_t *body = sb_schemas_example_body (schemas, "order.placed");
    assert_non_null (body);
    char err [256];
    if (sb_schemas_check_body (schemas, "order.placed", body, err, sizeof err))
        fail_msg ("example body invalid: %s", err);
    //  Nested examples are built from the nested fields
    assert_string_equal (json_string_value (json_object_get (json_object_get (body, "address"), "city")),
                         "Paris");
    assert_true (json_is_array (json_object_get (body, "lines")));
    json_decref (body);
    assert_null (sb_schemas_example_body (schemas, "no.such"));
    assert_string_equal (sb_schemas_consumed_by (schemas, "order.placed"), "billing audit");
    assert_string_equal (sb_schemas_emitted_by (schemas, "order.placed"), "shop");

    char *text = NULL;
    size_t size = 0;
    FILE *file = open_memstream (&text, &size);
    assert_int_equal (sb_schemas_write_doc (schemas, file), 0);
    fclose (file);
    assert_non_null (strstr (text, "## `order.placed`"));
    assert_non_null (strstr (text, "| `lines[].hours` | number | yes |"));
    assert_non_null (strstr (text, "| `address.city` | string | yes |"));
    assert_non_null (strstr (text, "3..8 bytes"));
    assert_non_null (strstr (text, "one of `sms\\|whatsapp`"));   //  escaped for tables
    free (text);
    sb_schemas_destroy (&schemas);
}

//  Every built-in type loads, and its example envelope passes the whole
//  check, encodes, decodes and checks again: the definitions, docs and
//  fixtures agree.
static void
test_builtin_examples_validate (void **state)
{
    (void) state;
    char err [512];
    sb_schemas_t *schemas = sb_schemas_new_builtin (err, sizeof err);
    if (!schemas)
        fail_msg ("built-in schemas: %s", err);
    assert_true (sb_schemas_size (schemas) > 0);
    const char *previous = "";
    for (size_t index = 0; index < sb_schemas_size (schemas); index++) {
        const char *type = sb_schemas_type_at (schemas, index);
        assert_true (strcmp (previous, type) < 0);   //  sorted, unique
        previous = type;
        sb_envelope_t *env = sb_envelope_new (type);
        sb_envelope_set_id (env, "01ARYZ6S41TSV4RRFFQ69G5FAV");
        sb_envelope_set_key (env, "k");
        sb_envelope_set_corr (env, "c");
        sb_envelope_set_src (env, "test");
        sb_envelope_set_body (env, sb_schemas_example_body (schemas, type));
        if (sb_schemas_check (schemas, env, err, sizeof err))
            fail_msg ("%s: example does not validate: %s", type, err);
        uint8_t *data;
        size_t size;
        assert_int_equal (sb_envelope_encode (env, &data, &size, err, sizeof err), 0);
        sb_envelope_t *decoded = sb_envelope_decode (data, size, NULL, err, sizeof err);
        assert_non_null (decoded);
        assert_int_equal (sb_schemas_check (schemas, decoded, err, sizeof err), 0);
        free (data);
        sb_envelope_destroy (&decoded);
        sb_envelope_destroy (&env);
    }
    assert_true (sb_schemas_has (schemas, "echo.request"));
    assert_false (sb_schemas_has (schemas, "no.such"));
    sb_schemas_destroy (&schemas);
}

//  Regression (found by fuzz_envelope_msgpack): a key given twice in a
//  msgpack map means its last value, as in JSON, so the broker's check and
//  the full decode agree.
static void
test_duplicate_keys (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_registry ();
    const char *cases [][2] = { { "\"x\"", "2" }, { "2", "\"x\"" } };
    for (int index = 0; index < 2; index++) {
        msgpack_sbuffer buffer;
        msgpack_sbuffer_init (&buffer);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
        msgpack_pack_map (&pk, 3);
        msgpack_pack_str_with_body (&pk, "sku", 3);
        msgpack_pack_str_with_body (&pk, "SK1", 3);
        for (int which = 0; which < 2; which++) {
            msgpack_pack_str_with_body (&pk, "quantity", 8);
            json_t *value = json_loads (cases [index][which], JSON_DECODE_ANY, NULL);
            sb_msgpack_pack_json (&pk, value);
            json_decref (value);
        }
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        size_t offset = 0;
        assert_int_equal (msgpack_unpack_next (&unpacked, buffer.data, buffer.size, &offset),
                          MSGPACK_UNPACK_SUCCESS);
        char err [256];
        int rc = sb_schemas_check_object (schemas, "order.placed", &unpacked.data, err, sizeof err);
        assert_int_equal (rc, index == 0? 0: -1);   //  the last value decides
        msgpack_unpacked_destroy (&unpacked);
        msgpack_sbuffer_destroy (&buffer);
    }
    sb_schemas_destroy (&schemas);
}

//  Phone numbers as the index keeps them: E.164, however written.
static void
test_phone_normalise (void **state)
{
    (void) state;
    const char *good [][2] = {
        { "+15551230001", "+15551230001" }, { "whatsapp:+15551230001", "+15551230001" },
        { "+1 (555) 123-0001", "+15551230001" }, { "+972.50.123.4567", "+972501234567" },
        { "+123456789012345", "+123456789012345" } };
    for (size_t index = 0; index < 5; index++) {
        char value [SB_SCHEMAS_PHONE_MAX + 1], err [256];
        assert_int_equal (sb_schemas_phone_normalise (good [index][0], strlen (good [index][0]),
                                                      value, sizeof value, err, sizeof err), 0);
        assert_string_equal (value, good [index][1]);
    }
    const char *bad [] = { "", "+", "15551230001", "+1555abc", "++1555", "+1234567890123456",
                           "whatsapp:", "sms:+1555", "+1555+1", "972501234567@s.whatsapp.net" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        char value [SB_SCHEMAS_PHONE_MAX + 1], err [256] = "";
        assert_int_equal (sb_schemas_phone_normalise (bad [index], strlen (bad [index]), value,
                                                      sizeof value, err, sizeof err), -1);
        assert_non_null (strstr (err, "is not a phone number in E.164"));
    }
    //  A NUL inside the value (msgpack strings may hold one) is no separator
    char value [SB_SCHEMAS_PHONE_MAX + 1], err [256] = "";
    assert_int_equal (sb_schemas_phone_normalise ("+1555\0" "1230001", 12, value, sizeof value,
                                                  err, sizeof err), -1);
    assert_non_null (strstr (err, "is not a phone number in E.164"));
}

//  The built-in inbound types index their sender; the value is read from
//  a body in its msgpack form, normalised, and absent when unfit.
static void
test_index_value (void **state)
{
    (void) state;
    char err [256];
    sb_schemas_t *schemas = sb_schemas_new_builtin (err, sizeof err);
    assert_non_null (schemas);
    assert_string_equal (sb_schemas_index (schemas, "sms.received"), "phone");
    assert_string_equal (sb_schemas_index (schemas, "whatsapp.received"), "phone");
    assert_string_equal (sb_schemas_index (schemas, "message.sent"), "phone");
    assert_null (sb_schemas_index (schemas, "echo.request"));
    assert_null (sb_schemas_index (schemas, "no.such"));
    const char *cases [][3] = {
        { "whatsapp.received", "{\"from\":\"whatsapp:+15551230001\"}", "+15551230001" },
        { "sms.received", "{\"from\":\"+15551230001\",\"to\":\"+15557654321\"}",
          "+15551230001" },
        { "message.sent", "{\"to\":\"whatsapp:+15551230001\"}", "+15551230001" },
        { "sms.received", "{\"from\":\"anonymous\"}", NULL },
        { "sms.received", "{\"from\":5}", NULL },
        { "sms.received", "{}", NULL },
        { "echo.request", "{\"from\":\"+15551230001\"}", NULL } };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        json_t *body = json_loads (cases [index][1], 0, NULL);
        msgpack_sbuffer buffer;
        msgpack_sbuffer_init (&buffer);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &buffer, msgpack_sbuffer_write);
        assert_int_equal (sb_msgpack_pack_json (&pk, body), 0);
        msgpack_unpacked unpacked;
        msgpack_unpacked_init (&unpacked);
        size_t offset = 0;
        assert_int_equal (msgpack_unpack_next (&unpacked, buffer.data, buffer.size, &offset),
                          MSGPACK_UNPACK_SUCCESS);
        char value [SB_SCHEMAS_PHONE_MAX + 1] = "";
        int found = sb_schemas_index_value (schemas, cases [index][0], &unpacked.data, value,
                                            sizeof value);
        assert_int_equal (found, cases [index][2]? 1: 0);
        if (cases [index][2])
            assert_string_equal (value, cases [index][2]);
        msgpack_unpacked_destroy (&unpacked);
        msgpack_sbuffer_destroy (&buffer);
        json_decref (body);
    }
    sb_schemas_destroy (&schemas);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_valid_bodies),
        cmocka_unit_test (test_body_rejections),
        cmocka_unit_test (test_definition_rejections),
        cmocka_unit_test (test_examples_and_docs),
        cmocka_unit_test (test_builtin_examples_validate),
        cmocka_unit_test (test_duplicate_keys),
        cmocka_unit_test (test_phone_normalise),
        cmocka_unit_test (test_index_value),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
