/*  sb_zmon_decode.h — zmon's decoders of what it reads off the wire: the
    broker's tap (a copy of its traffic: [event][services][attempt]
    [reason][envelope], docs/protocol.md) and the socket events that the
    broker and actors publish (one msgpack map each, sb_monitor.h). Every
    byte comes from outside: bounded, checked, refused with a reason, never
    trusted (tests/fuzz/fuzz_zmon_tap.c, fuzz_zmon_socket.c).

    Secrets are redacted from every envelope shown: a body field whose
    schema doc starts with "secret" (its definition in schemas/types, docs/schemas.md)
    is replaced by "[redacted]".                                          */

#ifndef SB_ZMON_DECODE_H_INCLUDED
#define SB_ZMON_DECODE_H_INCLUDED

#include "sb_classes.h"

#define SB_ZMON_REDACTED "[redacted]"

typedef struct _sb_zmon_redactor_t sb_zmon_redactor_t;

//  Reads which fields are secret from the built-in type definitions.
//  Returns NULL with the reason in err if one cannot be read.
sb_zmon_redactor_t *sb_zmon_redactor_new (char *err, size_t errlen);
void sb_zmon_redactor_destroy (sb_zmon_redactor_t **self_p);

//  Replaces the secret fields of a body of type (changed in place; nested
//  maps and arrays of maps followed). Returns how many were redacted.
size_t sb_zmon_redact (const sb_zmon_redactor_t *self, const char *type, json_t *body);

//  The same on an envelope in its JSON form ({type, body, ...}).
size_t sb_zmon_redact_envelope (const sb_zmon_redactor_t *self, json_t *envelope);

//  Decodes one tap message (count frames: data and sizes) into a new
//  object {event, services, attempt, reason, envelope} with the envelope
//  in its JSON form, redacted; an envelope that does not decode is kept
//  as {"undecodable": reason}. Returns NULL with the reason in err if the
//  frames are not a tap message.
json_t *sb_zmon_tap_decode (const sb_zmon_redactor_t *redactor, const uint8_t *const *parts,
                            const size_t *sizes, size_t count, char *err, size_t errlen);

//  True if a decoded tap message is of type (NULL: any) and belongs to
//  conversation corr (NULL: any).
bool sb_zmon_tap_match (const json_t *message, const char *type, const char *corr);

//  Decodes one socket event (a msgpack map) into a new object with
//  exactly the fields sb_monitor.h lists, checked: strings, numbers, seq
//  >= 1. Returns NULL with the reason in err.
json_t *sb_zmon_socket_decode (const uint8_t *data, size_t size, char *err, size_t errlen);

#endif
