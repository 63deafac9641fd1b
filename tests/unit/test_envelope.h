/*  test_envelope.h — what test_envelope and test_envelope_refusals share:
    an id, a minimal JSON envelope, a full envelope, msgpack and string
    helpers. Included by exactly those two test programs.                 */

#ifndef TEST_ENVELOPE_H
#define TEST_ENVELOPE_H

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
s_pack_str (msgpack_packer *pk, const char *text)
{
    msgpack_pack_str_with_body (pk, text, strlen (text));
}

#endif
