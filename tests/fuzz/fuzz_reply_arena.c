/*  fuzz_reply_arena.c — Redis's answers as the broker reads them (sb_reply_arena,
    hiredis replies built in an arena): any bytes are read both with
    hiredis's own objects and with the arena's, whole and in pieces, and
    the two readings must agree; nothing may crash, leak or read out of
    bounds.                                                             */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "sb_reply_arena_compare.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  True if data declares an array longer than data itself could fill:
//  hiredis's own reader would allocate it in full (up to gigabytes), and
//  the arena refuses what is past its bound; neither is worth fuzzing
static bool
s_declares_too_much (const uint8_t *data, size_t size)
{
    for (size_t at = 0; at < size; at++) {
        if (data [at] != '*')
            continue;
        uint64_t count = 0;
        for (size_t digit = at + 1; digit < size && data [digit] >= '0' && data [digit] <= '9'
                                    && count <= size; digit++)
            count = count * 10 + (uint64_t) (data [digit] - '0');
        if (count > size)
            return true;
    }
    return false;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (s_declares_too_much (data, size))
        return 0;
    sb_reply_arena_t *replies = sb_reply_arena_new ();
    if (!replies)
        return 0;
    char why [128];
    size_t step = size? 1 + data [0] % 16: 0;
    if (sb_reply_arena_compare (replies, (const char *) data, size, 0, why, sizeof why) < 0
    ||  sb_reply_arena_compare (replies, (const char *) data, size, step, why, sizeof why) < 0)
        abort ();   //  the readings disagree: a bug of the arena's
    sb_reply_arena_destroy (&replies);
    return 0;
}
