/*  sb_envelope_checks.h — the checks that the envelope's two readers
    share: the envelope object (sb_envelope.c) and the broker's view over
    unpacked msgpack (sb_envelope_view.c), so that both accept the same
    envelopes and refuse the rest with the same messages. Internal to
    schemas/.                                                              */

#ifndef SB_ENVELOPE_CHECKS_H_INCLUDED
#define SB_ENVELOPE_CHECKS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  The header fields as plain values.
typedef struct {
    uint32_t v;
    const char *id, *key, *corr, *type, *src, *tenant, *reply_to;
    int64_t created_ms, deadline_ms, not_before_ms;
} sb_envelope_header_t;

//  True if name is a service, instance or tenant name: at most
//  SB_ENVELOPE_MAX_NAME characters, letters, digits and "_.:-" only;
//  empty only if allow_empty.
bool sb_envelope_name_valid (const char *name, bool allow_empty);

//  Checks the header. Returns 0, or -1 with the reason in err.
int sb_envelope_header_check (const sb_envelope_header_t *header, char *err, size_t errlen);

#endif
