/*  sb_reply_arena_compare.h — for test_reply_arena and fuzz_reply_arena: reads the
    same bytes with hiredis's own reply objects and with sb_reply_arena', and
    says whether the two readings agree, reply by reply.                  */

#ifndef SB_REPLY_ARENA_COMPARE_H_INCLUDED
#define SB_REPLY_ARENA_COMPARE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "sb_reply_arena.h"

//  Feeds data (in pieces of step bytes; 0: at once) to both readers and
//  compares every reply they complete. Returns the number of replies
//  read, or -1 if the readers disagreed (a reply, or one failing where
//  the other did not), with what in why. replies is reset after each whole one.
long sb_reply_arena_compare (sb_reply_arena_t *replies, const char *data, size_t size, size_t step,
                         char *why, size_t whylen);

#endif
