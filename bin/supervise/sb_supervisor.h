/*  sb_supervisor.h — the supervision tree of one fleet: which instance of
    which program runs, starts after its dependencies are ready, restarts
    with backoff within its restart intensity, fails loudly, stops in
    reverse dependency order.

    The object never blocks and never waits for a child: supervise's loop
    gives it the descriptors' events (sb_supervisor_watch), the children it
    reaped (sb_supervisor_reap) and the time (sb_supervisor_tick). Control
    commands (sb_supervisor_command) are what `supervise ctl` sends.

    Commands:   status [--json]   restart NAME   stop NAME   start NAME
                scale NAME=N      reload         shutdown                  */

#ifndef SB_SUPERVISOR_H_INCLUDED
#define SB_SUPERVISOR_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include "sb_fleet.h"
#include "sb_watch.h"

typedef struct _sb_supervisor_t sb_supervisor_t;

//  Takes the fleet (only on success: *fleet_p becomes NULL). Lines of the
//  children, and supervise's own, are written to output. Starts nothing
//  until the first tick. Returns NULL with the reason in err.
sb_supervisor_t *sb_supervisor_new (sb_fleet_t **fleet_p, int output, char *err, size_t errlen);

//  Kills (SIGKILL, to each group) and reaps whatever still runs, destroys
//  the object and NULLs the caller's pointer. Safe on NULL.
void sb_supervisor_destroy (sb_supervisor_t **self_p);

//  Adds every child's pipes, notification channels and probe sockets to
//  the turn's set.
void sb_supervisor_watch (sb_supervisor_t *self, sb_watch_t *watch);

//  Reaps every child that has exited (waitpid, never blocking) and acts
//  on each: restart, backoff, failure. Orphans adopted by supervise (it is
//  a subreaper) are reaped too.
void sb_supervisor_reap (sb_supervisor_t *self);

//  Moves every instance along at time now (zclock_mono ms): starts what
//  is due, gives up on what is not ready in time, kills what outlived its
//  grace. Returns the milliseconds until something is next due.
int64_t sb_supervisor_tick (sb_supervisor_t *self, int64_t now);

//  Stops the whole fleet, dependents before what they depend on.
void sb_supervisor_shutdown (sb_supervisor_t *self);

//  True once shut down and nothing runs any more.
bool sb_supervisor_done (sb_supervisor_t *self);

//  True if every child stopped by the shutdown exited 0 or of the stop
//  signal within its grace.
bool sb_supervisor_clean (sb_supervisor_t *self);

//  Runs one control command (the line `supervise ctl` sent). Returns the
//  answer, a new string: "ok\n" and what it has to say, or "error: ...\n".
char *sb_supervisor_command (sb_supervisor_t *self, const char *line);

//  Re-reads the fleet file and applies the difference: new programs
//  start, removed ones stop, changed ones restart, a changed instance
//  count scales. Returns 0, or -1 with the reason (then nothing changed).
int sb_supervisor_reload (sb_supervisor_t *self, char *err, size_t errlen);

#endif
