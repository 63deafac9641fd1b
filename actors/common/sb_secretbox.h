/*  sb_secretbox.h — secrets at rest: AES-256-GCM with a random 96-bit
    nonce per seal and the caller's associated data (who and which field,
    so a sealed value moved to another tenant or field does not open).

    Tenants' credentials at rest (sb_credentials: agent-sync seals them,
    ingress and the sender open them). A sealed value is

        version (1 byte, 1) | nonce (12) | ciphertext | tag (16)

    The object holds only the key and is read-only after sb_secretbox_new,
    so every worker thread may use it at once.                             */

#ifndef SB_SECRETBOX_H_INCLUDED
#define SB_SECRETBOX_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

typedef struct _sb_secretbox_t sb_secretbox_t;

#define SB_SECRETBOX_KEY_SIZE     32
#define SB_SECRETBOX_NONCE_SIZE   12
#define SB_SECRETBOX_TAG_SIZE     16
#define SB_SECRETBOX_VERSION      1
#define SB_SECRETBOX_OVERHEAD     (1 + SB_SECRETBOX_NONCE_SIZE + SB_SECRETBOX_TAG_SIZE)
#define SB_SECRETBOX_PLAIN_MAX    65536       /* bytes sealed or opened at most */
#define SB_SECRETBOX_PRINT_SIZE   65          /* a fingerprint: 64 hex + NUL    */

//  Makes a box from a key written as 64 hex characters or as standard
//  base64 of 32 bytes (what `openssl rand -hex 32` or `-base64 32`
//  print). Returns NULL with the reason in err (which never quotes the
//  key).
sb_secretbox_t *sb_secretbox_new (const char *key_text, char *err, size_t errlen);

//  Wipes the key, frees the box and NULLs the caller's pointer. Safe on
//  NULL.
void sb_secretbox_destroy (sb_secretbox_t **self_p);

//  Seals size bytes of plain with aad. Returns a new buffer (caller frees)
//  of size + SB_SECRETBOX_OVERHEAD bytes, its length in *sealed_size, or
//  NULL with the reason in err.
uint8_t *sb_secretbox_seal (const sb_secretbox_t *self, const uint8_t *aad, size_t aad_size,
                            const uint8_t *plain, size_t size, size_t *sealed_size,
                            char *err, size_t errlen);

//  Opens a sealed value (outside bytes: any size, any content) with the
//  aad it was sealed with. Returns a new NUL-terminated buffer (caller
//  wipes and frees it with sb_secretbox_free) holding *size bytes, or NULL
//  with the reason in err ("too short", "unknown version 7", "does not
//  authenticate": a wrong key, aad, or altered bytes).
char *sb_secretbox_open (const sb_secretbox_t *self, const uint8_t *aad, size_t aad_size,
                         const uint8_t *sealed, size_t sealed_size, size_t *size,
                         char *err, size_t errlen);

//  Wipes size bytes at plain and frees it, then NULLs the pointer. Safe on
//  NULL.
void sb_secretbox_free (char **plain_p, size_t size);

//  A keyed fingerprint of data: HMAC-SHA-256 under a key derived from the
//  box's, as 64 lower-case hex characters in print. Tells whether a secret
//  or a config changed without storing anything it could be guessed from.
void sb_secretbox_fingerprint (const sb_secretbox_t *self, const uint8_t *data, size_t size,
                               char print [SB_SECRETBOX_PRINT_SIZE]);

#endif
