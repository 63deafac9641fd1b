/*  sb_limits.h — bounds applied to every decoded envelope.

    Bytes from a peer are never trusted: every declared length and count is
    checked against these limits and against the bytes that remain before
    anything is allocated. Defaults suit chat traffic; each process may
    tighten or widen them from its config.                                  */

#ifndef SB_LIMITS_H_INCLUDED
#define SB_LIMITS_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define SB_LIMITS_MAX_BYTES    (1024 * 1024)  /* whole encoded envelope      */
#define SB_LIMITS_MAX_DEPTH    16             /* nested arrays/maps          */
#define SB_LIMITS_MAX_STRING   (256 * 1024)   /* one string or binary        */
#define SB_LIMITS_MAX_ITEMS    4096           /* one array's or map's count  */
#define SB_LIMITS_MAX_OBJECTS  65536          /* values in one envelope      */

typedef struct {
    size_t max_bytes;
    uint32_t max_depth;
    uint32_t max_string;
    uint32_t max_items;
    uint32_t max_objects;
} sb_limits_t;

//  Returns the default limits (the SB_LIMITS_* values above).
sb_limits_t sb_limits_default (void);

#endif
