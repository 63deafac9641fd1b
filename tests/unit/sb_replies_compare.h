/*  sb_replies_compare.h — for test_replies and fuzz_replies: reads the
    same bytes with hiredis's own reply objects and with sb_replies', and
    says whether the two readings agree, reply by reply.                  */

#ifndef SB_REPLIES_COMPARE_H_INCLUDED
#define SB_REPLIES_COMPARE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "sb_replies.h"

//  Feeds data (in pieces of step bytes; 0: at once) to both readers and
//  compares every reply they complete. Returns the number of replies
//  read, or -1 if the readers disagreed (a reply, or one failing where
//  the other did not), with what in why. replies is reset after each whole one.
long sb_replies_compare (sb_replies_t *replies, const char *data, size_t size, size_t step,
                         char *why, size_t whylen);

#endif
