/*  sb_reply_arena_compare.c — two readings of the same bytes (see the header). */

#include <stdio.h>
#include <string.h>
#include "sb_reply_arena_compare.h"

static bool
s_same (const redisReply *mine, const redisReply *theirs)
{
    if (mine->type != theirs->type)
        return false;
    switch (mine->type) {
        case REDIS_REPLY_INTEGER:
            return mine->integer == theirs->integer;
        case REDIS_REPLY_NIL:
            return true;
        case REDIS_REPLY_ARRAY:
            if (mine->elements != theirs->elements)
                return false;
            for (size_t index = 0; index < mine->elements; index++)
                if (!s_same (mine->element [index], theirs->element [index]))
                    return false;
            return true;
        default:
            return mine->len == theirs->len && mine->str [mine->len] == 0
                && memcmp (mine->str, theirs->str, mine->len) == 0;
    }
}

long
sb_reply_arena_compare (sb_reply_arena_t *replies, const char *data, size_t size, size_t step,
                    char *why, size_t whylen)
{
    redisReader *mine = redisReaderCreate (), *theirs = redisReaderCreate ();
    long read = 0;
    if (!mine || !theirs) {
        snprintf (why, whylen, "out of memory");
        read = -1;
    }
    else
        sb_reply_arena_attach (replies, mine);
    size_t at = 0;
    while (read >= 0 && at < size) {
        size_t piece = step && step < size - at? step: size - at;
        redisReaderFeed (mine, data + at, piece);
        redisReaderFeed (theirs, data + at, piece);
        at += piece;
        while (read >= 0) {
            void *a = NULL, *b = NULL;
            int rc_a = redisReaderGetReply (mine, &a);
            int rc_b = redisReaderGetReply (theirs, &b);
            if (rc_a != rc_b || (a == NULL) != (b == NULL)) {
                snprintf (why, whylen, "reply %ld: one reader %s where the other did not",
                          read, rc_a != rc_b? "failed": "finished");
                read = -1;
            }
            else
            if (a && !s_same ((redisReply *) a, (redisReply *) b)) {
                snprintf (why, whylen, "reply %ld differs", read);
                read = -1;
            }
            if (b)
                freeReplyObject (b);
            if (read < 0 || rc_a != REDIS_OK || !a)
                break;   //  a reply half read stays in the arena until done
            sb_reply_arena_reset (replies);
            read++;
        }
        if (mine->err)
            break;   //  both failed alike: the bytes were no RESP
    }
    //  Freed attached: a reply it may have half read is the arena's (a
    //  detached reader would hand it to freeReplyObject)
    if (mine)
        redisReaderFree (mine);
    if (theirs)
        redisReaderFree (theirs);
    return read;
}
