/*  fuzz_envelope_msgpack.c — libFuzzer target: arbitrary bytes into the
    envelope decoder (what every peer's frame goes through).               */

#include "fuzz_roundtrip.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err [512];
    sb_envelope_t *env = sb_envelope_decode (data, size, NULL, err, sizeof err);
    if (env)
        fuzz_roundtrip (env);
    sb_envelope_destroy (&env);
    return 0;
}
