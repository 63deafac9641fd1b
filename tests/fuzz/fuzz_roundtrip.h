/*  fuzz_roundtrip.h — the property both envelope fuzz targets assert:
    whatever was accepted checks against its schema without crashing, and
    encodes, decodes and re-encodes to the same JSON. Aborts otherwise.   */

#ifndef FUZZ_ROUNDTRIP_H_INCLUDED
#define FUZZ_ROUNDTRIP_H_INCLUDED

#include "sb_classes.h"

void fuzz_roundtrip (const sb_envelope_t *env);

#endif
