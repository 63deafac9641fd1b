/*  fuzz_envelope_json.c — libFuzzer target: arbitrary bytes as a JSON
    envelope (what the tools, fixtures and harnesses read).                */

#include "fuzz_roundtrip.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err [512];
    json_t *json = json_loadb ((const char *) data, size, 0, NULL);
    sb_envelope_t *env = json? sb_envelope_from_json (json, NULL, err, sizeof err): NULL;
    json_decref (json);
    if (env)
        fuzz_roundtrip (env);
    sb_envelope_destroy (&env);
    return 0;
}
