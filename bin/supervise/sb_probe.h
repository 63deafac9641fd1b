/*  sb_probe.h — one attempt of a readiness probe: a TCP or unix-socket
    connect, an HTTP GET that must answer 200, or a command that must exit
    0. Never blocks: sockets are non-blocking and polled by supervise's
    loop; a command runs as a child that supervise reaps.                  */

#ifndef SB_PROBE_H_INCLUDED
#define SB_PROBE_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "sb_fleet.h"
#include "sb_watch.h"

typedef enum {
    SB_PROBE_PENDING,
    SB_PROBE_PASSED,
    SB_PROBE_FAILED
} sb_probe_result_t;

typedef struct _sb_probe_t sb_probe_t;

//  Starts one attempt of the program's probe (its ready kind is TCP, UNIX,
//  HTTP or COMMAND), with the fleet's directory for a command. Returns the
//  attempt, or NULL when it could not even start (counts as failed).
sb_probe_t *sb_probe_start (const sb_program_def_t *program, const char *directory);

//  Ends the attempt: closes its socket, kills and reaps its command.
//  NULLs the caller's pointer; safe on NULL.
void sb_probe_destroy (sb_probe_t **self_p);

//  Adds the attempt's socket to the turn's set (nothing for a command).
void sb_probe_watch (sb_probe_t *self, sb_watch_t *watch);

//  Where the attempt is.
sb_probe_result_t sb_probe_result (sb_probe_t *self);

//  The command's pid, or 0 for a socket probe.
pid_t sb_probe_pid (sb_probe_t *self);

//  The command was reaped with this waitpid status.
void sb_probe_exited (sb_probe_t *self, int status);

#endif
