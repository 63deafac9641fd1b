/*  sb_outbox.h — outbox mode's file: the messages the sender would have
    sent, one JSON object per line, appended to a file (sender/outbox,
    default ./run/outbox.jsonl) so that a newcomer without Twilio
    credentials sees the replies (`tail -f run/outbox.jsonl`).

    Shared by the worker threads: each line is one write() under a mutex on
    a file opened O_APPEND, so lines never interleave, not even with
    another sender process appending to the same file.                   */

#ifndef SB_OUTBOX_H_INCLUDED
#define SB_OUTBOX_H_INCLUDED

#include "sb_classes.h"

#define SB_OUTBOX_PATH   "./run/outbox.jsonl"   /* sender/outbox default        */
#define SB_OUTBOX_LIST   "sb:outbox"            /* the Redis list beside it     */
#define SB_OUTBOX_MAX    10000                  /* sender/outbox_max: newest kept */

typedef struct _sb_outbox_t sb_outbox_t;

//  Opens (creating it and its folder if needed) the file at path for
//  appending. Returns the outbox, or NULL with the reason in err.
sb_outbox_t *sb_outbox_new (const char *path, char *err, size_t errlen);

void sb_outbox_destroy (sb_outbox_t **self_p);

//  The file's path (borrowed).
const char *sb_outbox_path (const sb_outbox_t *self);

//  Appends line (a JSON object, borrowed) and a newline. Returns 0, or -1
//  with the reason in err.
int sb_outbox_append (sb_outbox_t *self, const json_t *line, char *err, size_t errlen);

#endif
