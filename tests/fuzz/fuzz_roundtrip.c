/*  fuzz_roundtrip.c — see fuzz_roundtrip.h.                               */

#include "fuzz_roundtrip.h"

void
fuzz_roundtrip (const sb_envelope_t *env)
{
    //  libFuzzer offers no setup hook: the registry is made once and kept
    static sb_schemas_t *schemas = NULL;
    char err [512];
    if (!schemas)
        schemas = sb_schemas_new_builtin (err, sizeof err);
    if (!schemas)
        abort ();
    sb_schemas_check (schemas, env, err, sizeof err);

    uint8_t *encoded = NULL;
    size_t size = 0;
    if (sb_envelope_encode (env, &encoded, &size, err, sizeof err) != 0)
        abort ();   //  what was accepted must encode
    sb_envelope_t *again = sb_envelope_decode (encoded, size, NULL, err, sizeof err);
    if (!again)
        abort ();   //  and decode again
    json_t *first = sb_envelope_to_json (env);
    json_t *second = sb_envelope_to_json (again);
    if (!json_equal (first, second))
        abort ();   //  to the same envelope
    json_decref (first);
    json_decref (second);
    free (encoded);
    sb_envelope_destroy (&again);
}
