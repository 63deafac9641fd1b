/*  sb_id.h — message ids: ULIDs (128 bits, 48-bit millisecond time then 80
    random bits, Crockford base32, 26 characters), sortable by creation time.

    A generator is monotonic: ids made in the same millisecond increase, so
    ids from one process sort in the order they were made.                  */

#ifndef SB_ID_H_INCLUDED
#define SB_ID_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>

#define SB_ID_LEN 26   /* characters, without the terminating NUL */

typedef struct _sb_idgen_t sb_idgen_t;

//  Creates a generator seeded from the kernel's random source. Returns NULL
//  when no randomness can be had (getrandom failed).
sb_idgen_t *sb_idgen_new (void);

//  Destroys the generator and NULLs the caller's pointer. Safe on NULL.
void sb_idgen_destroy (sb_idgen_t **self_p);

//  Writes a new id, NUL-terminated, into out. now_ms is the wall clock in
//  milliseconds (pass 0 to read it here). Returns 0, or -1 if the clock is
//  beyond the 48-bit range or the random part overflowed within one
//  millisecond (2^80 ids: never in practice).
int sb_idgen_next (sb_idgen_t *self, int64_t now_ms, char out[SB_ID_LEN + 1]);

//  True if text is a well-formed ULID (26 Crockford base32 characters,
//  upper case, first character 0-7).
bool sb_id_valid (const char *text);

//  Returns the millisecond timestamp of a valid id, or -1 if it is invalid.
int64_t sb_id_time_ms (const char *id);

//  Derives the id of the index-th envelope emitted while handling parent:
//  same timestamp as parent, random part from SHA-256(parent, index). A
//  redelivered parent that emits again therefore makes the same ids, and
//  downstream deduplication sees the same messages. Returns 0 or -1 if
//  parent is not a valid id.
int sb_id_derive (const char *parent, uint32_t index, char out[SB_ID_LEN + 1]);

//  A thread that made or derived ids calls this before it ends: the
//  hashing library keeps per-thread state that is otherwise never freed.
void sb_id_thread_end (void);

#endif
