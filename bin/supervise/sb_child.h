/*  sb_child.h — one child process of supervise: started in a process group
    of its own, killed with supervise (PR_SET_PDEATHSIG), its stdout and
    stderr relayed line by line to supervise's stdout behind a label
    ("program[instance] "), its readiness heard on a notification fd (s6)
    or socket (systemd's READY=1), stopped through its whole group.

    supervise reaps every child with waitpid itself and tells the object
    with sb_child_exited; the object never waits.                          */

#ifndef SB_CHILD_H_INCLUDED
#define SB_CHILD_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "sb_watch.h"

//  The fd number a child finds its notification pipe on ($NOTIFY_FD)
#define SB_CHILD_NOTIFY_FILENO 3
//  Longest line relayed as one; longer ones are cut into pieces
#define SB_CHILD_LINE_MAX    4096

typedef enum {
    SB_CHILD_NOTIFY_NONE,
    SB_CHILD_NOTIFY_FD,         //  a pipe on fd 3, NOTIFY_FD=3
    SB_CHILD_NOTIFY_SOCKET      //  a datagram socket, NOTIFY_SOCKET=@name
} sb_child_notify_t;

typedef struct {
    const char *label;          //  "program[instance]", before each line
    char *const *argv;          //  argv [0] is a path or a name in PATH
    char *const *env;           //  "NAME=value" set over supervise's own
    const char *directory;      //  the child's working directory
    sb_child_notify_t notify;
    int output;                 //  where lines go (supervise's stdout)
} sb_child_spec_t;

typedef struct _sb_child_t sb_child_t;

//  Starts the child. Returns it, or NULL with the reason in err (pipe,
//  fork or exec failed: "cannot execute build/bin/x: No such file...").
//  spec is only read during the call.
sb_child_t *sb_child_start (const sb_child_spec_t *spec, char *err, size_t errlen);

//  Destroys the object: a child still running gets SIGKILL (to its group)
//  and is reaped here. NULLs the caller's pointer; safe on NULL.
void sb_child_destroy (sb_child_t **self_p);

//  The child's pid, which is also its process group's id.
pid_t sb_child_pid (sb_child_t *self);

//  True once sb_child_exited was called.
bool sb_child_has_exited (sb_child_t *self);

//  Sends sig to the child's whole process group. Returns 0, or -1 once it
//  has exited (its pid may belong to someone else).
int sb_child_signal (sb_child_t *self, int sig);

//  Adds the child's pipes and notification channel to the turn's set.
void sb_child_watch (sb_child_t *self, sb_watch_t *watch);

//  True once the child said it is ready (consumes the news: later calls
//  return false).
bool sb_child_take_ready (sb_child_t *self);

//  The child was reaped with this waitpid status: relays what is left in
//  its pipes, kills whatever stayed in its process group, closes them.
void sb_child_exited (sb_child_t *self, int status);

//  Its waitpid status, once exited.
int sb_child_status (sb_child_t *self);

//  Writes a readable account of a waitpid status ("exit 1", "signal
//  SEGV (core dumped)") into text.
void sb_child_describe (int status, char *text, size_t size);

#endif
