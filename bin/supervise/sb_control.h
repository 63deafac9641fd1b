/*  sb_control.h — supervise's control socket: a unix stream socket (mode
    0600: only its owner controls the fleet) where `supervise ctl` sends
    one command line and reads the answer until the socket closes.

    The answer's first line is "ok" or "error: reason"; what follows is
    the command's output (the status table, or JSON).                      */

#ifndef SB_CONTROL_H_INCLUDED
#define SB_CONTROL_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sb_watch.h"

#define SB_CONTROL_MAX_CLIENTS 16       //  at once; more wait in the backlog
#define SB_CONTROL_LINE_MAX    512      //  of a command
#define SB_CONTROL_TIMEOUT_MS  5000     //  a client that says nothing by then is dropped

typedef struct _sb_control_t sb_control_t;

//  Answers one command line: returns a new string ("ok\n..." or
//  "error: ...\n"), or NULL when out of memory.
typedef char *(sb_control_fn) (void *arg, const char *line);

//  Binds the socket at path. A stale socket file is replaced; one that a
//  live supervise answers on is not (-1: "another supervise..."). Returns
//  NULL with the reason in err.
sb_control_t *sb_control_new (const char *path, sb_control_fn *handler, void *arg, char *err,
                              size_t errlen);

//  Closes the socket and its clients, removes the socket file, NULLs the
//  caller's pointer. Safe on NULL.
void sb_control_destroy (sb_control_t **self_p);

//  Adds the listening socket and the clients to the turn's set.
void sb_control_watch (sb_control_t *self, sb_watch_t *watch);

//  Drops clients that said nothing for too long, and closes those done
//  (after the turn: handlers only mark them).
void sb_control_tick (sb_control_t *self, int64_t now);

//  True while an answer is still being sent (supervise finishes sending
//  "ok" to a shutdown before it exits).
bool sb_control_busy (sb_control_t *self);

//  The client side: sends line to the socket at path and returns the whole
//  answer (a new string), or NULL with the reason in err (no supervise
//  there, or it did not answer within timeout_ms).
char *sb_control_call (const char *path, const char *line, int timeout_ms, char *err,
                       size_t errlen);

#endif
