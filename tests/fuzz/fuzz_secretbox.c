/*  fuzz_secretbox.c — libFuzzer target: arbitrary bytes as what agent-sync
    reads back from Redis and the environment. The first byte chooses:

        even  the rest is aad length (1 byte), aad, then a sealed value,
              opened with a fixed key: it must open to at most the sealed
              size less the overhead, or be refused with a reason; what
              opens must seal and open again to the same bytes, and must
              not open under another aad
        odd   the rest is a CREDENTIALS_KEY text: a box, or a refusal
              with a reason that never quotes the text

    Aborts otherwise.                                                      */

#include "sb_secretbox.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define S_KEY "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

//  What opened seals again, opens to the same bytes, and is bound to aad.
static void
s_check_round_trip (const sb_secretbox_t *box, const uint8_t *aad, size_t aad_size,
                    const char *plain, size_t size)
{
    char err [256];
    size_t sealed_size = 0, again_size = 0;
    uint8_t *sealed = sb_secretbox_seal (box, aad, aad_size, (const uint8_t *) plain, size,
                                         &sealed_size, err, sizeof err);
    if (!sealed || sealed_size != size + SB_SECRETBOX_OVERHEAD)
        abort ();
    char *again = sb_secretbox_open (box, aad, aad_size, sealed, sealed_size, &again_size,
                                     err, sizeof err);
    if (!again || again_size != size || memcmp (again, plain, size))
        abort ();
    uint8_t other [1] = { aad_size? (uint8_t) (aad [0] ^ 1): 'x' };
    if (sb_secretbox_open (box, other, 1, sealed, sealed_size, &again_size, err, sizeof err))
        abort ();   //  another aad must not open it
    sb_secretbox_free (&again, size);
    free (sealed);
}

static void
s_open (const uint8_t *data, size_t size)
{
    char err [256] = "";
    sb_secretbox_t *box = sb_secretbox_new (S_KEY, err, sizeof err);
    if (!box || size < 1)
        goto done;
    size_t aad_size = data [0] < size? data [0]: size - 1;
    const uint8_t *aad = data + 1, *sealed = data + 1 + aad_size;
    size_t sealed_size = size - 1 - aad_size, plain_size = 0;
    char *plain = sb_secretbox_open (box, aad, aad_size, sealed, sealed_size, &plain_size,
                                     err, sizeof err);
    if (!plain && !*err)
        abort ();   //  every refusal says why
    if (plain) {
        if (plain_size + SB_SECRETBOX_OVERHEAD != sealed_size || plain [plain_size])
            abort ();
        s_check_round_trip (box, aad, aad_size, plain, plain_size);
        sb_secretbox_free (&plain, plain_size);
    }
done:
    sb_secretbox_destroy (&box);
}

static void
s_key (const uint8_t *data, size_t size)
{
    char *text = (char *) malloc (size + 1);
    memcpy (text, data, size);
    text [size] = 0;
    char err [256] = "";
    sb_secretbox_t *box = sb_secretbox_new (text, err, sizeof err);
    if (!box && (!*err || (strlen (text) >= 8 && strstr (err, text))))
        abort ();   //  a refusal says why, without the key
    if (box) {
        char print [SB_SECRETBOX_PRINT_SIZE];
        sb_secretbox_fingerprint (box, data, size, print);
        if (strlen (print) != SB_SECRETBOX_PRINT_SIZE - 1)
            abort ();
    }
    sb_secretbox_destroy (&box);
    free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data [0] & 1)
        s_key (data + 1, size - 1);
    else
        s_open (data + 1, size - 1);
    return 0;
}
