/*  sb_fleet.h — a fleet file (ZPL, docs/fleet.md): the programs supervise
    runs, parsed and checked as a whole before anything starts.

    Every mistake is refused with "FILE:LINE: reason": unknown or repeated
    keys, bad values, unknown or circular dependencies, repeated names. The
    programs come out in start order (each after what it depends on).      */

#ifndef SB_FLEET_H_INCLUDED
#define SB_FLEET_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SB_FLEET_MAX_PROGRAMS  64
#define SB_FLEET_MAX_INSTANCES 64
#define SB_FLEET_MAX_PORTS     8
#define SB_FLEET_EXIT_CODES    256

typedef enum {
    SB_READY_NONE,              //  ready as soon as it runs
    SB_READY_NOTIFY_FD,         //  writes a newline to the fd in $NOTIFY_FD (s6)
    SB_READY_NOTIFY_SOCKET,     //  sends READY=1 to $NOTIFY_SOCKET (systemd)
    SB_READY_EXIT,              //  a job: ready once it exited 0
    SB_READY_TCP,               //  a TCP connect to host:port succeeds
    SB_READY_UNIX,              //  a connect to a unix socket path succeeds
    SB_READY_HTTP,              //  GET url answers 200
    SB_READY_COMMAND            //  a command exits 0
} sb_ready_kind_t;

typedef enum {
    SB_RESTART_PERMANENT,       //  always restarted
    SB_RESTART_TRANSIENT,       //  restarted unless it exited 0
    SB_RESTART_TEMPORARY        //  never restarted
} sb_restart_t;

//  One program of the fleet, with every default applied. Strings may hold
//  ${program} and ${instance}, replaced when an instance starts.
typedef struct {
    char *name;
    size_t line;                //  of its section in the file
    char *command;              //  as the file gives it (resolved if a path)
    char **args;                //  NULL-terminated
    char **argv;                //  command then args: what runs, NULL-terminated
    char **env;                 //  "NAME=value", NULL-terminated
    char **secrets;             //  names that must be set, NULL-terminated
    char **optional_secrets;    //  names reported when unset, NULL-terminated
    char **depends;             //  program names, NULL-terminated
    char *config_file;          //  passed after config_option, or NULL
    char *config_text;          //  ZPL written to a file and passed, or NULL
    char *config_option;        //  "-c" unless told
    int instances;
    sb_ready_kind_t ready;
    char *ready_target;         //  host:port, path or URL for probes
    char **ready_argv;          //  the probe command, NULL-terminated
    int64_t ready_timeout_ms;
    int64_t probe_interval_ms;
    sb_restart_t restart;
    int intensity;              //  at most this many restarts ...
    int64_t period_ms;          //  ... in this period, else failed
    bool stop_dependents;       //  on-failure = stop
    int64_t backoff_initial_ms;
    int64_t backoff_max_ms;
    int backoff_jitter;         //  percent
    int64_t backoff_reset_ms;   //  up this long: backoff starts over
    int stop_signal;
    int64_t grace_ms;
    bool no_restart [SB_FLEET_EXIT_CODES];
    int ports [SB_FLEET_MAX_PORTS];
    size_t port_count;
    char *fingerprint;          //  all of the above but instances, for reload
} sb_program_def_t;

typedef struct {
    char *path;                 //  the file, as given
    char *directory;            //  the children's working directory
    char *control;              //  the control socket's path
    char *run_dir;              //  where supervise writes config files
    sb_program_def_t **programs;
    size_t count;               //  programs, in start order
} sb_fleet_t;

//  Reads and checks the fleet file at path. Relative paths in it are taken
//  from supervise/directory, itself relative to the file's folder (default
//  cwd). Returns the fleet (caller destroys) or NULL with "path:LINE:
//  reason" in err.
sb_fleet_t *sb_fleet_load (const char *path, char *err, size_t errlen);

//  The same for text, whose folder is base (the fleet's default directory
//  is cwd). origin names the text in errors.
sb_fleet_t *sb_fleet_parse (const char *text, const char *origin, const char *base,
                            const char *cwd, char *err, size_t errlen);

//  Destroys the fleet and NULLs the caller's pointer. Safe on NULL.
void sb_fleet_destroy (sb_fleet_t **self_p);

//  Returns the program named name, or NULL. Borrowed.
sb_program_def_t *sb_fleet_program (sb_fleet_t *self, const char *name);

//  Takes program def out of the fleet (the fleet no longer frees it); the
//  caller destroys it with sb_fleet_program_destroy.
sb_program_def_t *sb_fleet_take (sb_fleet_t *self, const char *name);

//  Destroys one program definition; safe on NULL.
void sb_fleet_program_destroy (sb_program_def_t **self_p);

//  Names of ready kinds and restart policies, for status and logs.
const char *sb_fleet_ready_name (sb_ready_kind_t kind);
const char *sb_fleet_restart_name (sb_restart_t restart);

#endif
