/*  sb_supervisor_private.h — what the supervision tree (sb_supervisor.c)
    and its control commands and status (sb_supervisor_ctl.c) share.       */

#ifndef SB_SUPERVISOR_PRIVATE_H_INCLUDED
#define SB_SUPERVISOR_PRIVATE_H_INCLUDED

#include "sb_supervisor.h"
#include "sb_child.h"
#include "sb_probe.h"

#define S_MAX_RESTART_TIMES 1001        //  intensity is at most 1000
#define S_MAX_PROGRAMS      (2 * SB_FLEET_MAX_PROGRAMS)  //  with those a reload removes
#define S_REASON_MAX        256

typedef enum {
    S_STOPPED,                  //  not running (or waiting for its dependencies)
    S_STARTING,                 //  running, not ready yet
    S_RUNNING,                  //  ready
    S_STOPPING,                 //  stop signal sent, grace running
    S_BACKOFF,                  //  exited, restarting at deadline
    S_EXITED,                   //  exited and not to be restarted (policy)
    S_FAILED                    //  its program failed
} s_state_t;

typedef struct _s_program_t s_program_t;

typedef struct {
    s_program_t *program;
    int number;                 //  1-based
    s_state_t state;
    sb_child_t *child;
    sb_probe_t *probe;
    int64_t started_at;
    int64_t ready_at;
    int64_t deadline;           //  STARTING: ready by; STOPPING: SIGKILL at;
                                //  BACKOFF: restart at
    int64_t next_probe_at;
    int64_t probe_deadline;
    bool killed;                //  SIGKILL sent after the grace
    bool start_failed;          //  stopped because it was not ready in time
    bool restart_after_stop;    //  ctl restart: start again once stopped
    bool exit_ok;               //  EXITED with status 0
    int failures;               //  in a row, for the backoff
    int restarts;               //  automatic restarts since supervise started
    char reason [S_REASON_MAX]; //  of its last exit
} s_instance_t;

struct _s_program_t {
    sb_program_def_t *def;
    int count;                  //  instances wanted (scale changes it)
    bool enabled;               //  ctl stop clears it, ctl start sets it
    bool failed;
    bool removed;               //  by a reload: goes once stopped
    char failure [S_REASON_MAX];
    int64_t restart_times [S_MAX_RESTART_TIMES];
    size_t restart_count;
    s_instance_t instances [SB_FLEET_MAX_INSTANCES];
};

struct _sb_supervisor_t {
    char *path;                 //  the fleet file, for reload
    char *directory;
    char *run_dir;
    s_program_t *programs [S_MAX_PROGRAMS];     //  start order
    size_t count;
    int output;
    bool shutting_down;
    bool unclean;               //  a stop took SIGKILL or ended badly
    uint64_t random;            //  xorshift state, for jitter
};

//  A program named name, or NULL.
s_program_t *sb_supervisor_find (sb_supervisor_t *self, const char *name);

//  A new program (enabled, its count from def) taking def; NULL if out of
//  memory (def is then destroyed).
s_program_t *sb_supervisor_program_new (sb_program_def_t *def);

//  Frees a program whose instances all stopped.
void sb_supervisor_program_destroy (s_program_t **program_p);

//  The state's name in status: stopped, waiting, starting, running,
//  stopping, backoff, exited, failed.
const char *sb_supervisor_state_name (sb_supervisor_t *self, s_instance_t *instance);

//  True if the instance has a live child.
bool sb_supervisor_is_live (s_instance_t *instance);

//  Clears a program's failure and restart history, so it starts again.
void sb_supervisor_revive (s_program_t *program);

//  Writes a line of supervise's own to its output.
void sb_supervisor_log (sb_supervisor_t *self, const char *format, ...) SB_PRINTF (2, 3);

#endif
