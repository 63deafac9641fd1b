/*  sb_envelope.h — the envelope: the one msgpack map every message between
    Switchboard processes travels in (docs/envelope.md).

        v           envelope format version (SB_ENVELOPE_VERSION)
        id          ULID, unique per message, sortable by time
        key         idempotency key: equal keys are the same logical message
        corr        conversation (correlation) id
        type        dotted message type, e.g. "sms.received"
        src         service that sent it
        tenant      tenant it belongs to ("" for none)
        attempt     delivery attempt, 0 before the first delivery
        created_ms  creation time, Unix milliseconds
        deadline_ms after this it is dead-lettered, not delivered (0: none)
        not_before_ms  not delivered before this (0: at once)   [optional]
        reply_to    where a reply is awaited                    [optional]
        trace       array of hops {svc, inst, at_ms, attempt}
        body        map, its fields defined by type's schema

    Decoding checks the structure and the header fields; checking the body
    against its type's schema is sb_schemas_check's job (sb_schema.h).
    Unknown top-level fields are kept and re-encoded (forward compatible).  */

#ifndef SB_ENVELOPE_H_INCLUDED
#define SB_ENVELOPE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <msgpack.h>
#include "sb_id.h"
#include "sb_limits.h"

#define SB_ENVELOPE_VERSION     1
#define SB_ENVELOPE_MAX_KEY     256   /* bytes of an idempotency key       */
#define SB_ENVELOPE_MAX_NAME    64    /* type, src, tenant, trace svc/inst */
#define SB_ENVELOPE_MAX_CORR    128
#define SB_ENVELOPE_MAX_REPLY   256
#define SB_ENVELOPE_MAX_HOPS    64

typedef struct _sb_envelope_t sb_envelope_t;

//  Creates an envelope of the given type with an empty body, version set,
//  created_ms now, and no id (set one with sb_envelope_set_id).
sb_envelope_t *sb_envelope_new (const char *type);

//  Destroys the envelope and NULLs the caller's pointer. Safe on NULL.
void sb_envelope_destroy (sb_envelope_t **self_p);

//  Returns a deep copy, or NULL if out of memory.
sb_envelope_t *sb_envelope_dup (const sb_envelope_t *self);

//  Decodes one envelope from msgpack bytes, within limits (NULL: defaults).
//  Never reads past size, never allocates more than the input's real size
//  warrants. Returns a new envelope, or NULL with the reason, naming the
//  field, in err.
sb_envelope_t *sb_envelope_decode (const uint8_t *data, size_t size,
                                   const sb_limits_t *limits,
                                   char *err, size_t errlen);

//  The same from a msgpack map already unpacked (and scanned within
//  limits): its JSON form, then sb_envelope_from_json.
sb_envelope_t *sb_envelope_from_object (const msgpack_object *object,
                                        const sb_limits_t *limits,
                                        char *err, size_t errlen);

//  Encodes the envelope as msgpack. On success *data_p is a new buffer the
//  caller frees with free() and *size_p its size; returns 0. Returns -1 with
//  the reason in err if the envelope is incomplete (see sb_envelope_check).
int sb_envelope_encode (const sb_envelope_t *self, uint8_t **data_p,
                        size_t *size_p, char *err, size_t errlen);

//  Checks the header fields: all required ones set, id a ULID, type dotted
//  lower case, lengths within bounds, trace well-formed. Returns 0, or -1
//  with the reason in err.
int sb_envelope_check (const sb_envelope_t *self, char *err, size_t errlen);

//  JSON form (same keys, body as a JSON object): for tools, fixtures and
//  the monitor. to_json returns a new value the caller owns. from_json
//  applies the same checks as decode and returns NULL with the reason.
json_t *sb_envelope_to_json (const sb_envelope_t *self);
sb_envelope_t *sb_envelope_from_json (const json_t *json,
                                      const sb_limits_t *limits,
                                      char *err, size_t errlen);

//  Header accessors. Strings returned are borrowed (valid until the field
//  is set again or the envelope destroyed); setters copy their argument
//  and return 0, or -1 if out of memory. A NULL optional string clears it.
uint32_t sb_envelope_version (const sb_envelope_t *self);
const char *sb_envelope_id (const sb_envelope_t *self);
const char *sb_envelope_key (const sb_envelope_t *self);
const char *sb_envelope_corr (const sb_envelope_t *self);
const char *sb_envelope_type (const sb_envelope_t *self);
const char *sb_envelope_src (const sb_envelope_t *self);
const char *sb_envelope_tenant (const sb_envelope_t *self);
const char *sb_envelope_reply_to (const sb_envelope_t *self);
uint32_t sb_envelope_attempt (const sb_envelope_t *self);
int64_t sb_envelope_created_ms (const sb_envelope_t *self);
int64_t sb_envelope_deadline_ms (const sb_envelope_t *self);
int64_t sb_envelope_not_before_ms (const sb_envelope_t *self);

int sb_envelope_set_id (sb_envelope_t *self, const char *id);
int sb_envelope_set_key (sb_envelope_t *self, const char *key);
int sb_envelope_set_corr (sb_envelope_t *self, const char *corr);
int sb_envelope_set_type (sb_envelope_t *self, const char *type);
int sb_envelope_set_src (sb_envelope_t *self, const char *src);
int sb_envelope_set_tenant (sb_envelope_t *self, const char *tenant);
int sb_envelope_set_reply_to (sb_envelope_t *self, const char *reply_to);
void sb_envelope_set_attempt (sb_envelope_t *self, uint32_t attempt);
void sb_envelope_set_created_ms (sb_envelope_t *self, int64_t ms);
void sb_envelope_set_deadline_ms (sb_envelope_t *self, int64_t ms);
void sb_envelope_set_not_before_ms (sb_envelope_t *self, int64_t ms);

//  The body, a JSON object owned by the envelope: read it and change it in
//  place. set_body takes ownership of body (an object) on success.
json_t *sb_envelope_body (const sb_envelope_t *self);
int sb_envelope_set_body (sb_envelope_t *self, json_t *body);

//  The trace: a JSON array of hop objects, owned by the envelope. push
//  appends a hop; returns -1 past SB_ENVELOPE_MAX_HOPS or out of memory.
const json_t *sb_envelope_trace (const sb_envelope_t *self);
int sb_envelope_trace_push (sb_envelope_t *self, const char *svc,
                            const char *inst, int64_t at_ms, uint32_t attempt);

//  Appends every hop of from's trace to self's, shared rather than copied
//  (hops are never changed once made): what an output does with the trace
//  of the message it answers. Returns -1, appending nothing, if that would
//  pass SB_ENVELOPE_MAX_HOPS, or out of memory.
int sb_envelope_trace_extend (sb_envelope_t *self, const sb_envelope_t *from);

//  Unknown top-level fields read by decode, kept so that a process that
//  forwards an envelope does not strip what a newer peer added. Borrowed;
//  an object, possibly empty.
const json_t *sb_envelope_extra (const sb_envelope_t *self);

//  Reads a few header fields of an encoded envelope without converting its
//  body: for the broker's delivery path. The bytes are scanned within the
//  default limits first. type (may be NULL) receives the type, truncated
//  to typelen. Returns 0, or -1 if the bytes are not an envelope map.
int sb_envelope_peek (const uint8_t *data, size_t size, int64_t *deadline_ms,
                      char *type, size_t typelen);

//  A view of an encoded envelope: the header fields copied into fixed
//  buffers, body and trace borrowed from the unpacked msgpack (valid while
//  it lives). For paths that must check envelopes fast without building
//  an sb_envelope_t (the broker).
typedef struct {
    uint32_t v;
    char id [SB_ID_LEN + 1];
    char key [SB_ENVELOPE_MAX_KEY + 1];
    char corr [SB_ENVELOPE_MAX_CORR + 1];
    char type [SB_ENVELOPE_MAX_NAME + 1];
    char src [SB_ENVELOPE_MAX_NAME + 1];
    char tenant [SB_ENVELOPE_MAX_NAME + 1];
    char reply_to [SB_ENVELOPE_MAX_REPLY + 1];
    bool has_reply_to;
    uint32_t attempt;
    int64_t created_ms;
    int64_t deadline_ms;
    int64_t not_before_ms;
    const msgpack_object *trace;   //  NULL when absent
    const msgpack_object *body;
} sb_envelope_view_t;

//  Reads and checks root, an unpacked envelope map (already scanned within
//  limits), into view: it accepts exactly what sb_envelope_decode accepts,
//  with the same messages, without converting the body. Returns 0, or -1
//  with the reason in err.
int sb_envelope_view (const msgpack_object *root, sb_envelope_view_t *view,
                      char *err, size_t errlen);

#endif
