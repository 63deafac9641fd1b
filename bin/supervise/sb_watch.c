/*  sb_watch.c — one turn of supervise's poll loop (see sb_watch.h).      */

#include "sb_watch.h"

void
sb_watch_reset (sb_watch_t *self)
{
    self->count = 0;
}

int
sb_watch_add (sb_watch_t *self, int fd, short events, sb_watch_fn *handler, void *arg)
{
    if (fd < 0)
        return 0;
    if (self->count == SB_WATCH_MAX) {
        self->refused++;
        return -1;
    }
    self->fds [self->count] = (struct pollfd) { .fd = fd, .events = events };
    self->handlers [self->count] = handler;
    self->args [self->count] = arg;
    self->count++;
    return 0;
}

int
sb_watch_poll (sb_watch_t *self, int timeout_ms)
{
    int rc = poll (self->fds, self->count, timeout_ms);
    for (size_t index = 0; rc > 0 && index < self->count; index++)
        if (self->fds [index].revents)
            self->handlers [index] (self->args [index], self->fds [index].revents);
    return rc;
}
