/*  test_twilio.c — Twilio's webhook signature: the known-answer vector
    (its path is the first argument: tests/vectors/twilio_signature.json),
    what must fail, the order of parameters, the URL's port variants.     */

#include "sb_classes.h"
#include "sb_twilio.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_EXPECTED "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
#define S_TOKEN    "12345"

//  The vector file, read once in main and handed to the tests as state
typedef struct {
    char *auth_token;
    char *url;
    char *body;              //  its params, form-encoded
    char *expected;
} s_vector_t;

//  Appends text to out form-encoded as Twilio does (space as '+').
static void
s_encode (char *out, size_t size, const char *text)
{
    size_t length = strlen (out);
    for (const uint8_t *at = (const uint8_t *) text; *at; at++) {
        assert_true (length + 4 < size);
        if (isalnum (*at) || strchr ("-._~", *at))
            out [length++] = (char) *at;
        else
        if (*at == ' ')
            out [length++] = '+';
        else
            length += (size_t) sprintf (out + length, "%%%02X", *at);
    }
    out [length] = '\0';
}

static int
s_vector_load (s_vector_t *vector, const char *path)
{
    json_error_t error;
    json_t *json = json_load_file (path, 0, &error);
    const char *token, *url, *expected, *name;
    json_t *params, *value;
    if (!json || json_unpack (json, "{s:s, s:s, s:o, s:s}", "auth_token", &token, "url", &url,
                              "params", &params, "expected_signature", &expected)) {
        fprintf (stderr, "%s: not a signature vector (%s)\n", path, error.text);
        json_decref (json);
        return -1;
    }
    char body [4096] = "";
    json_object_foreach (params, name, value) {
        if (*body)
            strcat (body, "&");
        s_encode (body, sizeof body, name);
        strcat (body, "=");
        s_encode (body, sizeof body, json_string_value (value));
    }
    *vector = (s_vector_t) { strdup (token), strdup (url), strdup (body), strdup (expected) };
    json_decref (json);
    return 0;
}

static sb_form_t *
s_parse (const char *body)
{
    char err [256] = "";
    sb_form_t *form = sb_form_parse (body, strlen (body), 64, err, sizeof err);
    if (!form)
        fail_msg ("'%s' refused: %s", body, err);
    return form;
}

//  The signature computed independently: one HMAC over the whole text.
static void
s_reference (const char *token, const char *text, char out [SB_TWILIO_SIGNATURE_SIZE])
{
    unsigned char digest [EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    assert_non_null (HMAC (EVP_sha1 (), token, (int) strlen (token),
                           (const unsigned char *) text, strlen (text), digest, &digest_size));
    EVP_EncodeBlock ((unsigned char *) out, digest, (int) digest_size);
}

static void
test_known_answer (void **state)
{
    const s_vector_t *vector = *state;
    assert_string_equal (vector->expected, S_EXPECTED);
    sb_form_t *form = s_parse (vector->body);
    assert_int_equal (sb_form_size (form), 5);
    assert_string_equal (sb_form_get (form, "Caller"), "+12349013030");
    char signature [SB_TWILIO_SIGNATURE_SIZE];
    assert_int_equal (sb_twilio_signature (vector->auth_token, vector->url, form, signature), 0);
    assert_string_equal (signature, vector->expected);
    assert_true (sb_twilio_signature_valid (vector->auth_token, vector->url, form, vector->expected));
    sb_form_destroy (&form);

    //  The order of the body's fields does not matter: they are sorted
    form = s_parse ("To=%2B18005551212&From=%2B12349013030&Digits=1234"
                    "&Caller=%2B12349013030&CallSid=CA1234567890ABCDE");
    assert_true (sb_twilio_signature_valid (S_TOKEN, vector->url, form, S_EXPECTED));
    sb_form_destroy (&form);
}

static void
test_what_fails (void **state)
{
    const s_vector_t *vector = *state;
    sb_form_t *form = s_parse (vector->body);
    const char *url = vector->url;
    assert_false (sb_twilio_signature_valid ("12346", url, form, S_EXPECTED));
    assert_false (sb_twilio_signature_valid ("", url, form, S_EXPECTED));
    assert_false (sb_twilio_signature_valid (NULL, url, form, S_EXPECTED));
    assert_false (sb_twilio_signature_valid (S_TOKEN, url, form, NULL));
    assert_false (sb_twilio_signature_valid (S_TOKEN, url, form, ""));
    assert_false (sb_twilio_signature_valid (S_TOKEN, url, form, "0/KCTR6DLpKmkAf8muzZqo1nDgQ"));
    assert_false (sb_twilio_signature_valid (S_TOKEN, url, form, S_EXPECTED "="));
    assert_false (sb_twilio_signature_valid (S_TOKEN, url, form, "1/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    assert_false (sb_twilio_signature_valid (S_TOKEN, url, NULL, S_EXPECTED));
    assert_false (sb_twilio_signature_valid (S_TOKEN, NULL, form, S_EXPECTED));
    //  A changed URL: query, path, scheme, host, a port that is not the default
    assert_false (sb_twilio_signature_valid (S_TOKEN, "https://mycompany.com/myapp.php?foo=1&bar=3", form, S_EXPECTED));
    assert_false (sb_twilio_signature_valid (S_TOKEN, "https://mycompany.com/myapp.php?foo=1", form, S_EXPECTED));
    assert_false (sb_twilio_signature_valid (S_TOKEN, "http://mycompany.com/myapp.php?foo=1&bar=2", form, S_EXPECTED));
    assert_false (sb_twilio_signature_valid (S_TOKEN, "https://mycompany.org/myapp.php?foo=1&bar=2", form, S_EXPECTED));
    assert_false (sb_twilio_signature_valid (S_TOKEN, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", form, S_EXPECTED));
    sb_form_destroy (&form);

    //  A changed, missing or added parameter
    const char *bodies [] = {
        "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1235&From=%2B12349013030&To=%2B18005551212",
        "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030",
        "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212&X=",
        "CallSid=CA1234567890ABCDE&Caller=%2B12349013030&digits=1234&From=%2B12349013030&To=%2B18005551212",
        "CallSid=CA1234567890ABCDE&Caller=+12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212",
    };
    for (size_t index = 0; index < sizeof bodies / sizeof bodies [0]; index++) {
        form = s_parse (bodies [index]);
        assert_false (sb_twilio_signature_valid (S_TOKEN, url, form, S_EXPECTED));
        sb_form_destroy (&form);
    }

    //  Nothing can be signed without a token
    char signature [SB_TWILIO_SIGNATURE_SIZE];
    form = s_parse (vector->body);
    assert_int_equal (sb_twilio_signature ("", url, form, signature), -1);
    assert_int_equal (sb_twilio_signature (NULL, url, form, signature), -1);
    assert_int_equal (sb_twilio_signature (S_TOKEN, NULL, form, signature), -1);
    assert_int_equal (sb_twilio_signature (S_TOKEN, url, NULL, signature), -1);
    sb_form_destroy (&form);
}

//  Names in byte order (upper case before lower, UTF-8 after ASCII); a
//  repeated name's values in byte order too, as Twilio's libraries do.
static void
test_parameter_order (void **state)
{
    (void) state;
    const char *url = "https://example.com/webhook/sms";
    char signature [SB_TWILIO_SIGNATURE_SIZE], expected [SB_TWILIO_SIGNATURE_SIZE];
    sb_form_t *form = s_parse ("b=2&%C3%A9=e&a=x&B=1&a=&a=w&ab=0&a=w");
    assert_int_equal (sb_twilio_signature (S_TOKEN, url, form, signature), 0);
    s_reference (S_TOKEN, "https://example.com/webhook/smsB1aawawaxab0b2\xc3\xa9" "e", expected);
    assert_string_equal (signature, expected);
    assert_true (sb_twilio_signature_valid (S_TOKEN, url, form, expected));
    sb_form_destroy (&form);

    //  No parameters: the URL alone
    form = s_parse ("");
    assert_int_equal (sb_twilio_signature (S_TOKEN, url, form, signature), 0);
    s_reference (S_TOKEN, url, expected);
    assert_string_equal (signature, expected);
    sb_form_destroy (&form);
}

//  Asserts the variants of url: its other form, or only itself if NULL.
static void
s_assert_variants (const char *url, const char *other)
{
    char variants [2][SB_TWILIO_URL_MAX];
    int count = sb_twilio_url_variants (url, variants);
    assert_string_equal (variants [0], url);
    if (other) {
        assert_int_equal (count, 2);
        assert_string_equal (variants [1], other);
        //  ... and back again
        assert_int_equal (sb_twilio_url_variants (other, variants), 2);
        assert_string_equal (variants [1], url);
    }
    else
        assert_int_equal (count, 1);
}

static void
test_url_variants (void **state)
{
    (void) state;
    s_assert_variants ("https://example.com:443/x", "https://example.com/x");
    s_assert_variants ("http://example.com:80/x", "http://example.com/x");
    s_assert_variants ("https://example.com:443", "https://example.com");
    s_assert_variants ("https://example.com:443?a=1:2", "https://example.com?a=1:2");
    s_assert_variants ("https://example.com:443#frag", "https://example.com#frag");
    s_assert_variants ("https://example.com/x?url=http://a:80/", "https://example.com:443/x?url=http://a:80/");
    s_assert_variants ("HTTPS://Example.COM/x", "HTTPS://Example.COM:443/x");
    s_assert_variants ("https://user:secret@example.com/x", "https://user:secret@example.com:443/x");
    s_assert_variants ("https://[2001:db8::1]:443/x", "https://[2001:db8::1]/x");
    s_assert_variants ("http://127.0.0.1:80/webhook/sms", "http://127.0.0.1/webhook/sms");

    //  A port that is not the scheme's default, or not a port: only itself
    s_assert_variants ("https://example.com:8443/x", NULL);
    s_assert_variants ("http://example.com:443/x", NULL);
    s_assert_variants ("https://example.com:80/x", NULL);
    s_assert_variants ("https://example.com:/x", NULL);
    s_assert_variants ("https://example.com:44a/x", NULL);
    s_assert_variants ("https://example.com:000443/x", NULL);
    s_assert_variants ("https://example.com:0443/x", NULL);   //  found by fuzz_form
    s_assert_variants ("ftp://example.com/x", NULL);
    s_assert_variants ("example.com/x", NULL);
    s_assert_variants ("", NULL);

    //  Too long for the buffers, or its other form would not fit
    char long_url [SB_TWILIO_URL_MAX + 1];
    char variants [2][SB_TWILIO_URL_MAX];
    assert_int_equal (sb_twilio_url_variants (NULL, variants), -1);
    memset (long_url, 'x', sizeof long_url - 1);
    memcpy (long_url, "https://example.com/", 20);
    long_url [SB_TWILIO_URL_MAX] = '\0';
    assert_int_equal (sb_twilio_url_variants (long_url, variants), -1);
    long_url [SB_TWILIO_URL_MAX - 1] = '\0';
    assert_int_equal (sb_twilio_url_variants (long_url, variants), 1);
    assert_string_equal (variants [0], long_url);
    long_url [SB_TWILIO_URL_MAX - 5] = '\0';
    assert_int_equal (sb_twilio_url_variants (long_url, variants), 2);
    assert_int_equal (strlen (variants [1]), SB_TWILIO_URL_MAX - 1);
}

//  Validation accepts the signature of either form of the URL
static void
test_port_variants_validate (void **state)
{
    const s_vector_t *vector = *state;
    sb_form_t *form = s_parse (vector->body);
    assert_true (sb_twilio_signature_valid (S_TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                                            form, S_EXPECTED));
    char signature [SB_TWILIO_SIGNATURE_SIZE];
    const char *with_port = "http://example.com:80/webhook/sms";
    assert_int_equal (sb_twilio_signature (S_TOKEN, with_port, form, signature), 0);
    assert_true (sb_twilio_signature_valid (S_TOKEN, "http://example.com/webhook/sms", form, signature));
    assert_true (sb_twilio_signature_valid (S_TOKEN, with_port, form, signature));
    assert_false (sb_twilio_signature_valid (S_TOKEN, "https://example.com/webhook/sms", form, signature));

    const char *other_port = "https://example.com:8443/webhook/sms";
    assert_int_equal (sb_twilio_signature (S_TOKEN, other_port, form, signature), 0);
    assert_true (sb_twilio_signature_valid (S_TOKEN, other_port, form, signature));
    assert_false (sb_twilio_signature_valid (S_TOKEN, "https://example.com/webhook/sms", form, signature));
    assert_false (sb_twilio_signature_valid (S_TOKEN, "https://example.com:443/webhook/sms", form, signature));
    sb_form_destroy (&form);
}

int
main (int argc, char *argv [])
{
    s_vector_t vector;
    if (argc != 2 || s_vector_load (&vector, argv [1])) {
        fprintf (stderr, "usage: %s VECTOR (tests/vectors/twilio_signature.json)\n", argv [0]);
        return 1;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate (test_known_answer, &vector),
        cmocka_unit_test_prestate (test_what_fails, &vector),
        cmocka_unit_test (test_parameter_order),
        cmocka_unit_test (test_url_variants),
        cmocka_unit_test_prestate (test_port_variants_validate, &vector),
    };
    int failed = cmocka_run_group_tests (tests, NULL, NULL);
    free (vector.auth_token);
    free (vector.url);
    free (vector.body);
    free (vector.expected);
    return failed;
}
