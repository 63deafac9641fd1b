/*  fuzz_envelope_msgpack.c — libFuzzer target: arbitrary bytes into the
    envelope decoder (what every peer's frame goes through), and into the
    broker's fast check, which must accept exactly what decode + schema
    check accept, reading the same header; and the actors' one-unpack
    decode (sb_schemas_decode), which must give the same envelope.        */

#include "fuzz_roundtrip.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  The fast path (no envelope object) against the full one.
static void
s_compare_fast_path (const uint8_t *data, size_t size, const sb_envelope_t *env)
{
    static sb_schemas_t *schemas = NULL;   //  libFuzzer gives no setup hook
    char err [512];
    if (!schemas && !(schemas = sb_schemas_new_builtin (err, sizeof err)))
        abort ();
    bool slow = env && sb_schemas_check (schemas, env, err, sizeof err) == 0;
    msgpack_zone *zone = msgpack_zone_new (MSGPACK_ZONE_CHUNK_SIZE);
    if (!zone)
        abort ();
    msgpack_object object;
    sb_envelope_view_t view;
    bool fast = sb_schemas_check_bytes (schemas, data, size, NULL, zone, &object, &view,
                                        err, sizeof err) == 0;
    if (fast != slow)
        abort ();   //  the two paths disagree on what is valid
    if (fast && (strcmp (view.key, sb_envelope_key (env)) || strcmp (view.id, sb_envelope_id (env))
             ||  strcmp (view.type, sb_envelope_type (env))
             ||  view.not_before_ms != sb_envelope_not_before_ms (env)))
        abort ();   //  or on what the header says
    //  The delivery path's peek reads the same deadline and type
    int64_t deadline = -1;
    char type [SB_ENVELOPE_MAX_NAME + 1];
    if (env && (sb_envelope_peek (data, size, &deadline, type, sizeof type)
            ||  deadline != sb_envelope_deadline_ms (env) || strcmp (type, sb_envelope_type (env))))
        abort ();
    msgpack_zone_free (zone);
    //  The actors' decode: valid exactly when the two above are, and the
    //  same envelope (encoded alike) when it is
    sb_envelope_t *decoded = sb_schemas_decode (schemas, data, size, NULL, err, sizeof err);
    if ((decoded != NULL) != slow)
        abort ();
    if (decoded) {
        uint8_t *mine = NULL, *theirs = NULL;
        size_t mine_size = 0, theirs_size = 0;
        if (sb_envelope_encode (decoded, &mine, &mine_size, err, sizeof err)
        ||  sb_envelope_encode (env, &theirs, &theirs_size, err, sizeof err)
        ||  mine_size != theirs_size || memcmp (mine, theirs, mine_size))
            abort ();
        free (mine);
        free (theirs);
    }
    sb_envelope_destroy (&decoded);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char err [512];
    sb_envelope_t *env = sb_envelope_decode (data, size, NULL, err, sizeof err);
    s_compare_fast_path (data, size, env);
    if (env)
        fuzz_roundtrip (env);
    sb_envelope_destroy (&env);
    return 0;
}
