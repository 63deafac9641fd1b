/*  test_form.c — the form decoder: Twilio bodies, '+' and %-escapes,
    repeated names, empty values and fields, max_fields, every refusal.   */

#include "sb_classes.h"
#include "sb_form.h"
#include <setjmp.h>
#include <cmocka.h>

//  Inbound SMS as Twilio posts it (fields in Twilio's order)
static const char *s_twilio_sms =
    "ToCountry=US&ToState=CA&SmsMessageSid=SM1f0e6a5b8c2d4e7f9a0b1c2d3e4f5a6b"
    "&NumMedia=0&ToCity=SAN+FRANCISCO&FromZip=94105&SmsSid=SM1f0e6a5b8c2d4e7f9a0b1c2d3e4f5a6b"
    "&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO&Body=Check+my+timesheet"
    "&FromCountry=US&To=%2B15557654321&ToZip=94103&NumSegments=1"
    "&MessageSid=SM1f0e6a5b8c2d4e7f9a0b1c2d3e4f5a6b&AccountSid=AC0123456789abcdef0123456789abcdef"
    "&From=%2B15551234567&ApiVersion=2010-04-01";

static sb_form_t *
s_parse (const char *body, size_t max_fields)
{
    char err [256] = "";
    sb_form_t *form = sb_form_parse (body, strlen (body), max_fields, err, sizeof err);
    if (!form)
        fail_msg ("'%s' refused: %s", body, err);
    return form;
}

//  Asserts that body (size bytes) is refused with exactly reason.
static void
s_assert_refused (const char *body, size_t size, size_t max_fields, const char *reason)
{
    char err [256] = "";
    sb_form_t *form = sb_form_parse (body, size, max_fields, err, sizeof err);
    if (form)
        fail_msg ("'%.*s' was accepted, expected: %s", body ? (int) size : 0, body ? body : "", reason);
    assert_string_equal (err, reason);
}

static void
s_assert_field (const sb_form_t *form, size_t index, const char *name, const char *value)
{
    assert_string_equal (sb_form_name_at (form, index), name);
    assert_string_equal (sb_form_value_at (form, index), value);
}

static void
test_twilio_body (void **state)
{
    (void) state;
    sb_form_t *form = s_parse (s_twilio_sms, 64);
    assert_int_equal (sb_form_size (form), 19);
    s_assert_field (form, 0, "ToCountry", "US");
    s_assert_field (form, 18, "ApiVersion", "2010-04-01");
    assert_string_equal (sb_form_get (form, "MessageSid"), "SM1f0e6a5b8c2d4e7f9a0b1c2d3e4f5a6b");
    assert_string_equal (sb_form_get (form, "AccountSid"), "AC0123456789abcdef0123456789abcdef");
    assert_string_equal (sb_form_get (form, "From"), "+15551234567");
    assert_string_equal (sb_form_get (form, "To"), "+15557654321");
    assert_string_equal (sb_form_get (form, "Body"), "Check my timesheet");
    assert_string_equal (sb_form_get (form, "ToCity"), "SAN FRANCISCO");
    assert_string_equal (sb_form_get (form, "NumMedia"), "0");
    assert_null (sb_form_get (form, "MediaUrl0"));
    assert_null (sb_form_get (form, "body"));          //  names are case-sensitive
    assert_null (sb_form_get (form, NULL));
    assert_null (sb_form_name_at (form, 19));
    assert_null (sb_form_value_at (form, 19));
    sb_form_destroy (&form);
    assert_null (form);
    sb_form_destroy (&form);                            //  idempotent
    sb_form_destroy (NULL);
}

static void
test_decoding (void **state)
{
    (void) state;
    sb_form_t *form = s_parse ("a=one+two&b=one%20two&c=1%2B1&d=1%2b1&e=+%2B+&f%20g=x%3Dy"
                               "&h=%C3%A9t%C3%A9&i=\xc3\xa9t\xc3\xa9&j=%F0%9F%8E%89&k=%26%25%2b", 16);
    assert_int_equal (sb_form_size (form), 10);
    s_assert_field (form, 0, "a", "one two");
    s_assert_field (form, 1, "b", "one two");
    s_assert_field (form, 2, "c", "1+1");
    s_assert_field (form, 3, "d", "1+1");
    s_assert_field (form, 4, "e", " + ");
    s_assert_field (form, 5, "f g", "x=y");
    s_assert_field (form, 6, "h", "\xc3\xa9t\xc3\xa9");
    s_assert_field (form, 7, "i", "\xc3\xa9t\xc3\xa9");
    s_assert_field (form, 8, "j", "\xf0\x9f\x8e\x89");
    s_assert_field (form, 9, "k", "&%+");
    assert_string_equal (sb_form_get (form, "f g"), "x=y");
    sb_form_destroy (&form);

    //  Only the first '=' separates: the rest belong to the value
    form = s_parse ("a=b=c&d==", 4);
    s_assert_field (form, 0, "a", "b=c");
    s_assert_field (form, 1, "d", "=");
    sb_form_destroy (&form);
}

static void
test_repeated_names (void **state)
{
    (void) state;
    sb_form_t *form = s_parse ("MediaUrl=first&x=1&MediaUrl=second&MediaUrl=first", 8);
    assert_int_equal (sb_form_size (form), 4);
    s_assert_field (form, 0, "MediaUrl", "first");
    s_assert_field (form, 1, "x", "1");
    s_assert_field (form, 2, "MediaUrl", "second");
    s_assert_field (form, 3, "MediaUrl", "first");
    assert_string_equal (sb_form_get (form, "MediaUrl"), "first");
    sb_form_destroy (&form);
}

static void
test_empty_values_and_fields (void **state)
{
    (void) state;
    sb_form_t *form = s_parse ("a=&b&c=&&d=1&", 8);
    assert_int_equal (sb_form_size (form), 4);
    s_assert_field (form, 0, "a", "");
    s_assert_field (form, 1, "b", "");
    s_assert_field (form, 2, "c", "");
    s_assert_field (form, 3, "d", "1");
    assert_string_equal (sb_form_get (form, "b"), "");
    sb_form_destroy (&form);

    //  Leading, doubled and trailing '&' make no fields
    form = s_parse ("&&Body=hi&&&", 1);
    assert_int_equal (sb_form_size (form), 1);
    s_assert_field (form, 0, "Body", "hi");
    sb_form_destroy (&form);

    //  An empty body (even without a pointer) is an empty form
    const char *empties [] = { "", "&", "&&&" };
    for (size_t index = 0; index < sizeof empties / sizeof empties [0]; index++) {
        form = s_parse (empties [index], 0);
        assert_int_equal (sb_form_size (form), 0);
        assert_null (sb_form_name_at (form, 0));
        assert_null (sb_form_get (form, "a"));
        sb_form_destroy (&form);
    }
    char err [64];
    form = sb_form_parse (NULL, 0, 0, err, sizeof err);
    assert_non_null (form);
    assert_int_equal (sb_form_size (form), 0);
    sb_form_destroy (&form);
    s_assert_refused (NULL, 3, 10, "form: no body");
}

static void
test_max_fields (void **state)
{
    (void) state;
    sb_form_t *form = s_parse ("a=1&b=2&c=3", 3);
    assert_int_equal (sb_form_size (form), 3);
    sb_form_destroy (&form);
    //  Empty fields are not counted
    form = s_parse ("&a=1&&b=2&&c=3&", 3);
    assert_int_equal (sb_form_size (form), 3);
    sb_form_destroy (&form);

    s_assert_refused ("a=1&b=2&c=3", 11, 2, "form: more than 2 fields");
    s_assert_refused ("a", 1, 0, "form: more than 0 fields");
    //  Counted before anything is decoded: the bad escape comes later
    s_assert_refused ("a=1&b=2&c=%zz", 13, 2, "form: more than 2 fields");

    //  Many fields: every one kept, in order
    char body [6000] = "";
    size_t length = 0;
    for (int index = 0; index < 1000; index++)
        length += (size_t) sprintf (body + length, "%sk=%d", index? "&": "", index);
    form = s_parse (body, 1000);
    assert_int_equal (sb_form_size (form), 1000);
    assert_string_equal (sb_form_value_at (form, 999), "999");
    assert_string_equal (sb_form_get (form, "k"), "0");
    sb_form_destroy (&form);
    s_assert_refused (body, length, 999, "form: more than 999 fields");
}

static void
test_rejections (void **state)
{
    (void) state;
    //  Bad %-escapes, at the '%'
    s_assert_refused ("a=%zz", 5, 8, "form: bad %-escape at byte 2");
    s_assert_refused ("a=%2", 4, 8, "form: bad %-escape at byte 2");
    s_assert_refused ("a=%", 3, 8, "form: bad %-escape at byte 2");
    s_assert_refused ("a=%2G", 5, 8, "form: bad %-escape at byte 2");
    s_assert_refused ("a=%%41", 6, 8, "form: bad %-escape at byte 2");
    s_assert_refused ("ab%=1", 5, 8, "form: bad %-escape at byte 2");
    s_assert_refused ("a%4=1", 5, 8, "form: bad %-escape at byte 1");
    s_assert_refused ("a=1&b=x%4&c=1", 13, 8, "form: bad %-escape at byte 7");
    s_assert_refused ("a=%41%4", 7, 8, "form: bad %-escape at byte 5");

    //  NUL bytes, raw or escaped
    s_assert_refused ("a=1\0b", 5, 8, "form: NUL byte at byte 3");
    s_assert_refused ("\0", 1, 8, "form: NUL byte at byte 0");
    s_assert_refused ("a=x%00", 6, 8, "form: NUL byte (%00) at byte 3");
    s_assert_refused ("a%00=x", 6, 8, "form: NUL byte (%00) at byte 1");

    //  Invalid UTF-8, at the encoded offset of the first bad sequence
    s_assert_refused ("a=ok%FF", 7, 8, "form: invalid UTF-8 in a value at byte 4");
    s_assert_refused ("a=\xff", 3, 8, "form: invalid UTF-8 in a value at byte 2");
    s_assert_refused ("a=%C3", 5, 8, "form: invalid UTF-8 in a value at byte 2");
    s_assert_refused ("a=x%C3+", 7, 8, "form: invalid UTF-8 in a value at byte 3");
    s_assert_refused ("a=%C0%AF", 8, 8, "form: invalid UTF-8 in a value at byte 2");
    s_assert_refused ("a=%ED%A0%80", 11, 8, "form: invalid UTF-8 in a value at byte 2");
    s_assert_refused ("a=%F4%90%80%80", 14, 8, "form: invalid UTF-8 in a value at byte 2");
    s_assert_refused ("a=%E2%82", 8, 8, "form: invalid UTF-8 in a value at byte 2");
    s_assert_refused ("a=%80", 5, 8, "form: invalid UTF-8 in a value at byte 2");
    s_assert_refused ("a=+%C3%A9+\xe9", 11, 8, "form: invalid UTF-8 in a value at byte 10");
    s_assert_refused ("\xff=1", 3, 8, "form: invalid UTF-8 in a name at byte 0");
    s_assert_refused ("ok=1&n+%E9=1", 12, 8, "form: invalid UTF-8 in a name at byte 7");

    //  Empty names
    s_assert_refused ("=v", 2, 8, "form: empty name at byte 0");
    s_assert_refused ("a=1&=2", 6, 8, "form: empty name at byte 4");
    s_assert_refused ("a=1&=", 5, 8, "form: empty name at byte 4");

    //  No error buffer: still refused, nothing written
    assert_null (sb_form_parse ("=v", 2, 8, NULL, 0));
    //  A short buffer gets a truncated, terminated reason
    char err [10];
    assert_null (sb_form_parse ("=v", 2, 8, err, sizeof err));
    assert_string_equal (err, "form: emp");
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_twilio_body),
        cmocka_unit_test (test_decoding),
        cmocka_unit_test (test_repeated_names),
        cmocka_unit_test (test_empty_values_and_fields),
        cmocka_unit_test (test_max_fields),
        cmocka_unit_test (test_rejections),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
