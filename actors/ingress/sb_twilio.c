/*  sb_twilio.c — computing and checking Twilio's webhook signature.       */

#include "sb_classes.h"
#include "sb_twilio.h"
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <strings.h>

#define S_SIGNATURE_LEN 28   /* base64 of a 20-byte SHA-1 HMAC */

typedef struct {
    const char *name;
    const char *value;
} s_param_t;

//  By name, then by value, both in byte order.
static int
s_param_compare (const void *left, const void *right)
{
    const s_param_t *one = left, *other = right;
    int order = strcmp (one->name, other->name);
    return order? order: strcmp (one->value, other->value);
}

//  Returns the form's fields in signing order (caller frees), or NULL if
//  allocation fails. An empty form gives NULL with *count 0.
static s_param_t *
s_sorted_params (const sb_form_t *form, size_t *count)
{
    *count = sb_form_size (form);
    if (*count == 0)
        return NULL;
    s_param_t *params = malloc (*count * sizeof (s_param_t));
    if (!params)
        return NULL;
    for (size_t index = 0; index < *count; index++) {
        params [index].name = sb_form_name_at (form, index);
        params [index].value = sb_form_value_at (form, index);
    }
    qsort (params, *count, sizeof (s_param_t), s_param_compare);
    return params;
}

static bool
s_update (EVP_MAC_CTX *ctx, const char *text)
{
    return EVP_MAC_update (ctx, (const unsigned char *) text, strlen (text)) == 1;
}

//  Writes base64 (HMAC-SHA1 (token, url + sorted names and values)) into
//  out. Returns 0, or -1 if OpenSSL fails.
static int
s_sign (const char *auth_token, const char *url, const s_param_t *params, size_t count,
        char out [SB_TWILIO_SIGNATURE_SIZE])
{
    char digest_name [] = "SHA1";
    OSSL_PARAM settings [] = {
        OSSL_PARAM_construct_utf8_string (OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end ()
    };
    unsigned char digest [EVP_MAX_MD_SIZE];
    size_t digest_size = 0;
    EVP_MAC *mac = EVP_MAC_fetch (NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac? EVP_MAC_CTX_new (mac): NULL;
    bool ok = ctx && EVP_MAC_init (ctx, (const unsigned char *) auth_token,
                                   strlen (auth_token), settings) == 1
           && s_update (ctx, url);
    for (size_t index = 0; ok && index < count; index++)
        ok = s_update (ctx, params [index].name) && s_update (ctx, params [index].value);
    ok = ok && EVP_MAC_final (ctx, digest, &digest_size, sizeof digest) == 1;
    EVP_MAC_CTX_free (ctx);
    EVP_MAC_free (mac);
    if (!ok)
        return -1;
    //  4 * ceil (20 / 3) = 28 characters and a NUL: well within out
    EVP_EncodeBlock ((unsigned char *) out, digest, (int) digest_size);
    return 0;
}

int
sb_twilio_signature (const char *auth_token, const char *url, const sb_form_t *params,
                     char out [SB_TWILIO_SIGNATURE_SIZE])
{
    if (!auth_token || !*auth_token || !url || !params || !out)
        return -1;
    size_t count;
    s_param_t *sorted = s_sorted_params (params, &count);
    if (count && !sorted)
        return -1;
    int rc = s_sign (auth_token, url, sorted, count, out);
    free (sorted);
    return rc;
}

bool
sb_twilio_signature_valid (const char *auth_token, const char *url,
                           const sb_form_t *params, const char *header)
{
    char variants [2][SB_TWILIO_URL_MAX];
    if (!auth_token || !*auth_token || !params || !header || strlen (header) != S_SIGNATURE_LEN)
        return false;
    int variant_count = sb_twilio_url_variants (url, variants);
    size_t count;
    s_param_t *sorted = s_sorted_params (params, &count);
    if (variant_count < 1 || (count && !sorted)) {
        free (sorted);
        return false;
    }
    //  Every variant is computed and compared: the time taken does not
    //  depend on which one, if any, matched
    bool valid = false;
    for (int index = 0; index < variant_count; index++) {
        char expected [SB_TWILIO_SIGNATURE_SIZE];
        if (s_sign (auth_token, variants [index], sorted, count, expected) == 0
        &&  CRYPTO_memcmp (expected, header, S_SIGNATURE_LEN) == 0)
            valid = true;
    }
    free (sorted);
    return valid;
}

//  Where the port of an http or https URL is. authority_end is the offset
//  of the first '/', '?' or '#' after "scheme://" (or the end); colon is
//  the offset of the port's ':' or 0 if it names none.
typedef struct {
    const char *default_port;
    size_t authority_end;
    size_t colon;
} s_url_port_t;

static int
s_url_port (const char *url, s_url_port_t *port)
{
    size_t start;
    if (strncasecmp (url, "https://", 8) == 0) {
        port->default_port = "443";
        start = 8;
    }
    else
    if (strncasecmp (url, "http://", 7) == 0) {
        port->default_port = "80";
        start = 7;
    }
    else
        return -1;
    port->authority_end = start + strcspn (url + start, "/?#");
    //  The host follows any user info, and an IPv6 host's colons are
    //  inside its brackets
    size_t host = start;
    for (size_t pos = start; pos < port->authority_end; pos++)
        if (url [pos] == '@' || url [pos] == ']')
            host = pos + 1;
    const char *colon = memchr (url + host, ':', port->authority_end - host);
    port->colon = colon? (size_t) (colon - url): 0;
    return 0;
}

//  True if the port text url [from, to) is default_port, written as such:
//  ":0443" is a port of its own spelling, with no other form, so that a
//  URL's other form always leads back to it.
static bool
s_is_default (const char *url, size_t from, size_t to, const char *default_port)
{
    size_t length = strlen (default_port);
    return to - from == length && memcmp (url + from, default_port, length) == 0;
}

int
sb_twilio_url_variants (const char *url, char variants [2][SB_TWILIO_URL_MAX])
{
    if (!url || strlen (url) >= SB_TWILIO_URL_MAX)
        return -1;
    strcpy (variants [0], url);
    s_url_port_t port;
    if (s_url_port (url, &port))
        return 1;
    size_t end = port.authority_end;
    int written;
    if (port.colon == 0)
        written = snprintf (variants [1], SB_TWILIO_URL_MAX, "%.*s:%s%s",
                            (int) end, url, port.default_port, url + end);
    else
    if (s_is_default (url, port.colon + 1, end, port.default_port))
        written = snprintf (variants [1], SB_TWILIO_URL_MAX, "%.*s%s",
                            (int) port.colon, url, url + end);
    else
        return 1;
    return written > 0 && written < SB_TWILIO_URL_MAX? 2: 1;
}
