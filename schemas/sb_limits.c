/*  sb_limits.c — default decoding bounds.                                 */

#include "sb_classes.h"

sb_limits_t
sb_limits_default (void)
{
    sb_limits_t limits = {
        .max_bytes = SB_LIMITS_MAX_BYTES,
        .max_depth = SB_LIMITS_MAX_DEPTH,
        .max_string = SB_LIMITS_MAX_STRING,
        .max_items = SB_LIMITS_MAX_ITEMS,
        .max_objects = SB_LIMITS_MAX_OBJECTS,
    };
    return limits;
}
