/*  sb_twilio.h — Twilio's webhook signature (X-Twilio-Signature): base64
    of HMAC-SHA1, keyed with the account's auth token, over the full URL
    Twilio called followed by every POST parameter, sorted by name, each
    name immediately followed by its value.

    Repeated names are ordered by value, as Twilio's own Python and Node
    libraries do (byte order for both, which is code point order). Like
    those libraries, validation accepts the URL with and without the
    scheme's default port. OpenSSL's types stay inside sb_twilio.c.       */

#ifndef SB_TWILIO_H_INCLUDED
#define SB_TWILIO_H_INCLUDED

#include <stdbool.h>
#include "sb_form.h"

#define SB_TWILIO_SIGNATURE_SIZE 64     /* out buffer: 28 characters + NUL */
#define SB_TWILIO_URL_MAX        2048   /* a URL variant, with its NUL     */

//  Writes the signature of params posted to url, NUL-terminated, into out.
//  Returns 0, or -1 if the token is NULL or empty, url or params is NULL,
//  or OpenSSL fails.
int sb_twilio_signature (const char *auth_token, const char *url, const sb_form_t *params,
                         char out [SB_TWILIO_SIGNATURE_SIZE]);

//  True if header is the signature of params posted to url or to its other
//  form (sb_twilio_url_variants), compared in constant time. False for a
//  NULL or empty header or token, and on any failure.
bool sb_twilio_signature_valid (const char *auth_token, const char *url,
                                const sb_form_t *params, const char *header);

//  Writes url as given into variants [0] and, for an http or https URL,
//  its other form into variants [1]: without the scheme's default port
//  (443 or 80) if it names it, with it if it names no port. Returns how
//  many were written (1 when the URL names another port, has another
//  scheme, or its other form would not fit), or -1 if url is NULL or does
//  not fit in SB_TWILIO_URL_MAX bytes.
int sb_twilio_url_variants (const char *url, char variants [2][SB_TWILIO_URL_MAX]);

#endif
