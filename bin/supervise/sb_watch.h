/*  sb_watch.h — the descriptors supervise's loop polls in one turn, each
    with what to call when it is ready. Built afresh every turn by whoever
    owns the descriptors, so nothing is ever registered twice or left
    behind when its owner goes.

    Handlers must not destroy objects that other entries of the same turn
    point at: they mark them, and the owner cleans up after the turn.      */

#ifndef SB_WATCH_H_INCLUDED
#define SB_WATCH_H_INCLUDED

#include <poll.h>
#include <stddef.h>

#define SB_WATCH_MAX 2048

//  Called with the arg given to sb_watch_add and poll's revents.
typedef void (sb_watch_fn) (void *arg, short revents);

typedef struct {
    struct pollfd fds [SB_WATCH_MAX];
    sb_watch_fn *handlers [SB_WATCH_MAX];
    void *args [SB_WATCH_MAX];
    size_t count;
    size_t refused;             //  entries beyond SB_WATCH_MAX, counted
} sb_watch_t;

//  Empties the set for a new turn.
void sb_watch_reset (sb_watch_t *self);

//  Adds fd (ignored when negative) with events and its handler. Returns 0,
//  or -1 when the set is full (counted in refused).
int sb_watch_add (sb_watch_t *self, int fd, short events, sb_watch_fn *handler, void *arg);

//  Polls up to timeout_ms (negative: without limit) and calls the handler
//  of each ready entry. Returns poll's result (-1 with EINTR is harmless).
int sb_watch_poll (sb_watch_t *self, int timeout_ms);

#endif
