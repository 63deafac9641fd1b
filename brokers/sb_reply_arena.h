/*  sb_reply_arena.h — hiredis reply objects built in one reused arena.

    hiredis makes every reply element a malloc'd redisReply, and every
    string another malloc: a fetched stream entry is about eighteen
    allocations, freed again a moment later, which measured about a
    twentieth of the broker's CPU at saturation. While attached, a
    context's replies are carved out of this arena instead; a reply stays
    valid until sb_reply_arena_reset, which frees them all at once. Never
    pass these replies to freeReplyObject.

    The store attaches it only around the reads of its pipelines, where
    exactly one reply is alive at a time (hiredis completes a reply before
    it starts the next, so none is half-built in between).  */

#ifndef SB_REPLY_ARENA_H_INCLUDED
#define SB_REPLY_ARENA_H_INCLUDED

#include <hiredis/hiredis.h>

typedef struct _sb_reply_arena_t sb_reply_arena_t;

sb_reply_arena_t *sb_reply_arena_new (void);
void sb_reply_arena_destroy (sb_reply_arena_t **self_p);

//  Replies read by reader (a context's, or one of its own) are built in
//  self until sb_reply_arena_detach, which gives it back its own functions.
//  Nothing may be half-read when either is called.
void sb_reply_arena_attach (sb_reply_arena_t *self, redisReader *reader);
void sb_reply_arena_detach (sb_reply_arena_t *self, redisReader *reader);

//  Frees every reply built so far (keeps a little memory for the next).
void sb_reply_arena_reset (sb_reply_arena_t *self);

#endif
