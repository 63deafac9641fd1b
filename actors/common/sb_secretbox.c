/*  sb_secretbox.c — AES-256-GCM seal and open over OpenSSL's EVP, key
    parsing (hex or base64), and a keyed fingerprint (HMAC-SHA-256).      */

#include "sb_secretbox.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#if OPENSSL_VERSION_NUMBER < 0x10100000L
#   error "sb_secretbox needs OpenSSL 1.1 or newer"
#endif

#define S_FINGERPRINT_LABEL "switchboard fingerprint v1"

struct _sb_secretbox_t {
    uint8_t key [SB_SECRETBOX_KEY_SIZE];
    uint8_t print_key [SB_SECRETBOX_KEY_SIZE];    //  derived: fingerprints only
};

//  --------------------------------------------------------------------------
//  The key

static int
s_hex_digit (int c)
{
    return c >= '0' && c <= '9'? c - '0'
         : c >= 'a' && c <= 'f'? c - 'a' + 10
         : c >= 'A' && c <= 'F'? c - 'A' + 10: -1;
}

//  64 hex characters into key. Returns 0 or -1.
static int
s_parse_hex (const char *text, uint8_t *key)
{
    if (strlen (text) != 2 * SB_SECRETBOX_KEY_SIZE)
        return -1;
    for (size_t index = 0; index < SB_SECRETBOX_KEY_SIZE; index++) {
        int high = s_hex_digit (text [2 * index]), low = s_hex_digit (text [2 * index + 1]);
        if (high < 0 || low < 0)
            return -1;
        key [index] = (uint8_t) (high * 16 + low);
    }
    return 0;
}

//  Standard base64 (with its padding) of exactly 32 bytes into key.
//  Returns 0 or -1.
static int
s_parse_base64 (const char *text, uint8_t *key)
{
    //  32 bytes are 44 characters ending in one '='; EVP_DecodeBlock
    //  counts the padding as zero bytes, so it decodes 33
    uint8_t decoded [48];
    if (strlen (text) != 44 || text [43] != '=' || text [42] == '=')
        return -1;
    int size = EVP_DecodeBlock (decoded, (const unsigned char *) text, 44);
    if (size != 33)
        return -1;
    memcpy (key, decoded, SB_SECRETBOX_KEY_SIZE);
    OPENSSL_cleanse (decoded, sizeof decoded);
    return 0;
}

sb_secretbox_t *
sb_secretbox_new (const char *key_text, char *err, size_t errlen)
{
    if (!key_text || !*key_text) {
        snprintf (err, errlen, "no key given");
        return NULL;
    }
    sb_secretbox_t *self = (sb_secretbox_t *) calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errlen, "out of memory");
        return NULL;
    }
    if (s_parse_hex (key_text, self->key) && s_parse_base64 (key_text, self->key)) {
        snprintf (err, errlen, "the key is neither 64 hex characters nor base64 of 32 bytes "
                               "(%zu characters given)", strlen (key_text));
        sb_secretbox_destroy (&self);
        return NULL;
    }
    unsigned int size = 0;
    if (!HMAC (EVP_sha256 (), self->key, SB_SECRETBOX_KEY_SIZE,
               (const unsigned char *) S_FINGERPRINT_LABEL, strlen (S_FINGERPRINT_LABEL),
               self->print_key, &size) || size != SB_SECRETBOX_KEY_SIZE) {
        snprintf (err, errlen, "cannot derive the fingerprint key (OpenSSL)");
        sb_secretbox_destroy (&self);
    }
    return self;
}

void
sb_secretbox_destroy (sb_secretbox_t **self_p)
{
    sb_secretbox_t *self = *self_p;
    if (!self)
        return;
    OPENSSL_cleanse (self, sizeof *self);
    free (self);
    *self_p = NULL;
}

//  --------------------------------------------------------------------------
//  Seal and open

//  A GCM context with the key and nonce set, for encrypt (1) or decrypt
//  (0), and aad fed. Returns NULL on an OpenSSL failure.
static EVP_CIPHER_CTX *
s_cipher (const sb_secretbox_t *self, int encrypt, const uint8_t *nonce, const uint8_t *aad,
          size_t aad_size)
{
    EVP_CIPHER_CTX *cipher = EVP_CIPHER_CTX_new ();
    int ignored;
    if (!cipher
    ||  EVP_CipherInit_ex (cipher, EVP_aes_256_gcm (), NULL, NULL, NULL, encrypt) != 1
    ||  EVP_CIPHER_CTX_ctrl (cipher, EVP_CTRL_GCM_SET_IVLEN, SB_SECRETBOX_NONCE_SIZE,
                             NULL) != 1
    ||  EVP_CipherInit_ex (cipher, NULL, NULL, self->key, nonce, encrypt) != 1
    ||  (aad_size && EVP_CipherUpdate (cipher, NULL, &ignored, aad, (int) aad_size) != 1)) {
        EVP_CIPHER_CTX_free (cipher);
        return NULL;
    }
    return cipher;
}

uint8_t *
sb_secretbox_seal (const sb_secretbox_t *self, const uint8_t *aad, size_t aad_size,
                   const uint8_t *plain, size_t size, size_t *sealed_size,
                   char *err, size_t errlen)
{
    if (size > SB_SECRETBOX_PLAIN_MAX || aad_size > SB_SECRETBOX_PLAIN_MAX) {
        snprintf (err, errlen, "%zu bytes: more than %d", size, SB_SECRETBOX_PLAIN_MAX);
        return NULL;
    }
    uint8_t *sealed = (uint8_t *) malloc (size + SB_SECRETBOX_OVERHEAD);
    uint8_t *nonce = sealed? sealed + 1: NULL;
    EVP_CIPHER_CTX *cipher = NULL;
    int written = 0, final = 0;
    bool ok = sealed && RAND_bytes (nonce, SB_SECRETBOX_NONCE_SIZE) == 1
           && (cipher = s_cipher (self, 1, nonce, aad, aad_size))
           && EVP_EncryptUpdate (cipher, nonce + SB_SECRETBOX_NONCE_SIZE, &written,
                                 plain, (int) size) == 1
           && EVP_EncryptFinal_ex (cipher, nonce + SB_SECRETBOX_NONCE_SIZE + written,
                                   &final) == 1
           && EVP_CIPHER_CTX_ctrl (cipher, EVP_CTRL_GCM_GET_TAG, SB_SECRETBOX_TAG_SIZE,
                                   sealed + 1 + SB_SECRETBOX_NONCE_SIZE + size) == 1;
    EVP_CIPHER_CTX_free (cipher);
    if (!ok) {
        snprintf (err, errlen, sealed? "AES-256-GCM failed (OpenSSL)": "out of memory");
        free (sealed);
        return NULL;
    }
    sealed [0] = SB_SECRETBOX_VERSION;
    *sealed_size = size + SB_SECRETBOX_OVERHEAD;
    return sealed;
}

char *
sb_secretbox_open (const sb_secretbox_t *self, const uint8_t *aad, size_t aad_size,
                   const uint8_t *sealed, size_t sealed_size, size_t *size,
                   char *err, size_t errlen)
{
    if (sealed_size < SB_SECRETBOX_OVERHEAD) {
        snprintf (err, errlen, "too short: %zu bytes", sealed_size);
        return NULL;
    }
    if (sealed [0] != SB_SECRETBOX_VERSION) {
        snprintf (err, errlen, "unknown version %u", sealed [0]);
        return NULL;
    }
    size_t length = sealed_size - SB_SECRETBOX_OVERHEAD;
    if (length > SB_SECRETBOX_PLAIN_MAX || aad_size > SB_SECRETBOX_PLAIN_MAX) {
        snprintf (err, errlen, "%zu bytes: more than %d", length, SB_SECRETBOX_PLAIN_MAX);
        return NULL;
    }
    const uint8_t *nonce = sealed + 1;
    const uint8_t *body = nonce + SB_SECRETBOX_NONCE_SIZE;
    uint8_t tag [SB_SECRETBOX_TAG_SIZE];
    memcpy (tag, body + length, sizeof tag);    //  the ctrl call takes a mutable pointer
    char *plain = (char *) malloc (length + 1);
    EVP_CIPHER_CTX *cipher = NULL;
    int written = 0, final = 0;
    bool ok = plain && (cipher = s_cipher (self, 0, nonce, aad, aad_size))
           && EVP_DecryptUpdate (cipher, (uint8_t *) plain, &written, body, (int) length) == 1
           && EVP_CIPHER_CTX_ctrl (cipher, EVP_CTRL_GCM_SET_TAG, sizeof tag, tag) == 1
           && EVP_DecryptFinal_ex (cipher, (uint8_t *) plain + written, &final) == 1;
    EVP_CIPHER_CTX_free (cipher);
    if (!ok) {
        snprintf (err, errlen, plain? "does not authenticate (wrong key, or altered bytes)"
                                    : "out of memory");
        sb_secretbox_free (&plain, length + 1);
        return NULL;
    }
    plain [length] = 0;
    *size = length;
    return plain;
}

void
sb_secretbox_free (char **plain_p, size_t size)
{
    if (!*plain_p)
        return;
    OPENSSL_cleanse (*plain_p, size);
    free (*plain_p);
    *plain_p = NULL;
}

void
sb_secretbox_fingerprint (const sb_secretbox_t *self, const uint8_t *data, size_t size,
                          char print [SB_SECRETBOX_PRINT_SIZE])
{
    uint8_t digest [32];
    unsigned int length = 0;
    if (!HMAC (EVP_sha256 (), self->print_key, SB_SECRETBOX_KEY_SIZE, data, size, digest,
               &length) || length != sizeof digest) {
        //  Never equal to a real fingerprint, so a failure reads as "changed"
        snprintf (print, SB_SECRETBOX_PRINT_SIZE, "unavailable");
        return;
    }
    for (size_t index = 0; index < sizeof digest; index++)
        snprintf (print + 2 * index, 3, "%02x", digest [index]);
}
