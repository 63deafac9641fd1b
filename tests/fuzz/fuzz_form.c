/*  fuzz_form.c — libFuzzer target: arbitrary bytes as a form-encoded
    webhook body. A refusal says why; an accepted form has non-empty UTF-8
    names and UTF-8 values, re-encodes to a body that parses to the same
    fields and signature, and its signature validates. The same bytes, as
    a URL, have variants that lead back to it. Aborts otherwise.          */

#include "sb_classes.h"
#include "sb_form.h"
#include "sb_twilio.h"

#define S_MAX_FIELDS 256
#define S_TOKEN      "0123456789abcdef0123456789abcdef"
#define S_URL        "https://ingress.example.com/webhook/sms"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  Writes text form-encoded at out (every byte outside [A-Za-z0-9]
//  escaped, spaces as '+'), returning the end.
static char *
s_encode (char *out, const char *text)
{
    for (const uint8_t *at = (const uint8_t *) text; *at; at++) {
        if (isalnum (*at))
            *out++ = (char) *at;
        else
        if (*at == ' ')
            *out++ = '+';
        else
            out += sprintf (out, "%%%02x", *at);
    }
    return out;
}

static void
s_check_fields (const sb_form_t *form)
{
    for (size_t index = 0; index < sb_form_size (form); index++) {
        const char *name = sb_form_name_at (form, index);
        const char *value = sb_form_value_at (form, index);
        if (!name || !value || !*name
        ||  !sb_msgpack_utf8_valid (name, strlen (name))
        ||  !sb_msgpack_utf8_valid (value, strlen (value)))
            abort ();
        size_t first = 0;   //  sb_form_get answers the first of its name
        while (strcmp (sb_form_name_at (form, first), name))
            first++;
        if (sb_form_get (form, name) != sb_form_value_at (form, first))
            abort ();
    }
    if (sb_form_name_at (form, sb_form_size (form)))
        abort ();
}

//  Re-encodes the form, parses that, and asserts the same fields result.
static void
s_check_reencoded (const sb_form_t *form, size_t size, const char *signature)
{
    //  A field of n bytes decodes to at most n, re-encodes to at most
    //  3n + 2 (with its '=' and '&'): 5n as n >= 1
    char *body = malloc (5 * size + 1), *end = body;
    if (!body)
        abort ();
    for (size_t index = 0; index < sb_form_size (form); index++) {
        end = s_encode (end, sb_form_name_at (form, index));
        *end++ = '=';
        end = s_encode (end, sb_form_value_at (form, index));
        *end++ = '&';
    }
    char err [256], again_signature [SB_TWILIO_SIGNATURE_SIZE];
    sb_form_t *again = sb_form_parse (body, (size_t) (end - body), S_MAX_FIELDS, err, sizeof err);
    if (!again || sb_form_size (again) != sb_form_size (form))
        abort ();
    for (size_t index = 0; index < sb_form_size (form); index++)
        if (strcmp (sb_form_name_at (form, index), sb_form_name_at (again, index))
        ||  strcmp (sb_form_value_at (form, index), sb_form_value_at (again, index)))
            abort ();
    if (sb_twilio_signature (S_TOKEN, S_URL, again, again_signature)
    ||  strcmp (signature, again_signature))
        abort ();
    sb_form_destroy (&again);
    free (body);
}

//  The bytes as a URL: its other form's other form is itself.
static void
s_check_url (const uint8_t *data, size_t size)
{
    char url [SB_TWILIO_URL_MAX], variants [2][SB_TWILIO_URL_MAX], back [2][SB_TWILIO_URL_MAX];
    if (size >= sizeof url || memchr (data, 0, size))
        return;
    memcpy (url, data, size);
    url [size] = '\0';
    int count = sb_twilio_url_variants (url, variants);
    if (count < 1 || strcmp (variants [0], url))
        abort ();
    if (count == 2
    && (sb_twilio_url_variants (variants [1], back) != 2 || strcmp (back [1], url)))
        abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err [256] = "";
    sb_form_t *form = sb_form_parse ((const char *) data, size, S_MAX_FIELDS, err, sizeof err);
    if (!form) {
        if (strncmp (err, "form: ", 6))
            abort ();   //  every refusal says why
    }
    else {
        s_check_fields (form);
        char signature [SB_TWILIO_SIGNATURE_SIZE];
        if (sb_twilio_signature (S_TOKEN, S_URL, form, signature) || strlen (signature) != 28
        ||  !sb_twilio_signature_valid (S_TOKEN, S_URL, form, signature)
        ||  sb_twilio_signature_valid (S_TOKEN "x", S_URL, form, signature))
            abort ();
        s_check_reencoded (form, size, signature);
    }
    sb_form_destroy (&form);
    s_check_url (data, size);
    return 0;
}
