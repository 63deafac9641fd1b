/*  sb_id.c — ULID generation, validation and derivation.                 */

#include "sb_classes.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/random.h>

struct _sb_idgen_t {
    int64_t last_ms;       //  timestamp of the last id made
    uint8_t random [10];   //  its random part, incremented within one ms
};

static const char s_alphabet [] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int
s_fill_random (uint8_t *buffer, size_t size)
{
    size_t filled = 0;
    while (filled < size) {
        ssize_t rc = getrandom (buffer + filled, size - filled, 0);
        if (rc < 0)
            return -1;
        filled += (size_t) rc;
    }
    return 0;
}

//  Writes 16 bytes (6 of time, 10 random) as 26 Crockford base32 chars:
//  the 128 bits are read as one big-endian number, 5 bits a character,
//  with two leading zero bits to make 130.
static void
s_encode (const uint8_t bytes [16], char out [SB_ID_LEN + 1])
{
    for (int index = 0; index < SB_ID_LEN; index++) {
        int bit = index * 5 - 2;   //  first bit of this char, in 0..127
        int value = 0;
        for (int b = 0; b < 5; b++, bit++) {
            int set = bit >= 0 && (bytes [bit / 8] >> (7 - bit % 8)) & 1;
            value = (value << 1) | set;
        }
        out [index] = s_alphabet [value];
    }
    out [SB_ID_LEN] = 0;
}

static int
s_decode_char (char c)
{
    const char *found = c? strchr (s_alphabet, c): NULL;
    return found? (int) (found - s_alphabet): -1;
}

static void
s_put_time (uint8_t bytes [16], int64_t ms)
{
    for (int index = 0; index < 6; index++)
        bytes [index] = (uint8_t) (ms >> (8 * (5 - index)));
}

sb_idgen_t *
sb_idgen_new (void)
{
    sb_idgen_t *self = (sb_idgen_t *) calloc (1, sizeof (sb_idgen_t));
    if (self && s_fill_random (self->random, sizeof self->random)) {
        free (self);
        self = NULL;
    }
    return self;
}

void
sb_idgen_destroy (sb_idgen_t **self_p)
{
    if (self_p && *self_p) {
        free (*self_p);
        *self_p = NULL;
    }
}

//  Adds one to the 80-bit random part; returns -1 when it wraps.
static int
s_increment (uint8_t random [10])
{
    for (int index = 9; index >= 0; index--)
        if (++random [index] != 0)
            return 0;
    return -1;
}

int
sb_idgen_next (sb_idgen_t *self, int64_t now_ms, char out [SB_ID_LEN + 1])
{
    if (now_ms <= 0)
        now_ms = zclock_time ();
    if (now_ms >= ((int64_t) 1 << 48))
        return -1;
    if (now_ms <= self->last_ms) {
        //  Same (or an earlier, the clock stepped back) millisecond: keep
        //  the last timestamp and count up, so ids stay strictly increasing
        now_ms = self->last_ms;
        if (s_increment (self->random))
            return -1;
    }
    else
    if (s_fill_random (self->random, sizeof self->random))
        return -1;
    self->last_ms = now_ms;

    uint8_t bytes [16];
    s_put_time (bytes, now_ms);
    memcpy (bytes + 6, self->random, 10);
    s_encode (bytes, out);
    return 0;
}

bool
sb_id_valid (const char *text)
{
    if (!text || strlen (text) != SB_ID_LEN)
        return false;
    //  26 chars carry 130 bits: the top two must be zero, so the first
    //  character is at most '7'
    if (s_decode_char (text [0]) > 7)
        return false;
    for (int index = 0; index < SB_ID_LEN; index++)
        if (s_decode_char (text [index]) < 0)
            return false;
    return true;
}

int64_t
sb_id_time_ms (const char *id)
{
    if (!sb_id_valid (id))
        return -1;
    //  The first 10 characters carry 50 bits: the 48-bit time, top 2 zero
    int64_t ms = 0;
    for (int index = 0; index < 10; index++)
        ms = (ms << 5) | s_decode_char (id [index]);
    return ms;
}

//  SHA-256, fetched from OpenSSL's providers once per process. Given
//  EVP_sha256 (), OpenSSL 3 fetches the algorithm again on every digest
//  (an implicit fetch: a lookup in the provider store, under its lock);
//  perf put sb_id_derive at 3-4 % of an actor's CPU that way. The fetched
//  algorithm is immutable and shared by every thread, and lives as long
//  as the process (reachable, not a leak).
static EVP_MD *s_sha256_fetched;

static void
s_sha256_fetch (void)
{
    s_sha256_fetched = EVP_MD_fetch (NULL, "SHA256", NULL);
}

static const EVP_MD *
s_sha256 (void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once (&once, s_sha256_fetch);
    return s_sha256_fetched? s_sha256_fetched: EVP_sha256 ();
}

int
sb_id_derive (const char *parent, uint32_t index, char out [SB_ID_LEN + 1])
{
    int64_t ms = sb_id_time_ms (parent);
    if (ms < 0)
        return -1;
    uint8_t input [SB_ID_LEN + 4];
    memcpy (input, parent, SB_ID_LEN);
    for (int b = 0; b < 4; b++)
        input [SB_ID_LEN + b] = (uint8_t) (index >> (8 * (3 - b)));
    uint8_t digest [EVP_MAX_MD_SIZE];
    //  Not SHA256 (): in OpenSSL 3 that one looks the algorithm up by name
    //  on every call (EVP_Q_digest)
    if (!EVP_Digest (input, sizeof input, digest, NULL, s_sha256 (), NULL))
        return -1;

    uint8_t bytes [16];
    s_put_time (bytes, ms);
    memcpy (bytes + 6, digest, 10);
    s_encode (bytes, out);
    return 0;
}

void
sb_id_thread_end (void)
{
    OPENSSL_thread_stop ();
}
