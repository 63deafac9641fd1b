/*  sb_chaosfleet.h — the chaos tests' fleet: what fleet/default.zpl runs
    (Redis with the demo data, the broker, ingress, the planner twice,
    timesheet, branding, quality, the sender in Twilio mode) and the fake
    Twilio the sender sends to, all under bin/supervise, from the fleet
    file and config the test fills in from tests/chaos/fleet.zpl.in and
    switchboard.zpl.in: free ports, a folder of its own, quick restarts.

    The test sees the fleet as an operator does: supervise's control socket
    (status --json: pids, states, restarts), the broker's STATS and
    DLQ-LIST/DLQ-REPLAY, and the fleet's Redis. Everything supervise and
    its programs print goes to the log file (DIR/supervise.log), whose
    tail is shown when something fails.

    Failures are reported on stderr and by the return value (0 / -1, NULL,
    false), so that the test asserts where it stands.                      */

#ifndef SB_CHAOSFLEET_H_INCLUDED
#define SB_CHAOSFLEET_H_INCLUDED

#include "sb_classes.h"
#include "sb_testproc.h"
#include <hiredis/hiredis.h>

#define SB_CHAOSFLEET_ACCOUNT       "AC0123456789abcdef0123456789abcdef"
#define SB_CHAOSFLEET_TOKEN         "chaos-auth-token-0123456789abcdef"
#define SB_CHAOSFLEET_TENANT_NUMBER "+15557654321"    //  the demo tenant's: To, and From
#define SB_CHAOSFLEET_WAIT_MS       30000             //  for the fleet to come up or recover
#define SB_CHAOSFLEET_DIR_MAX       256
#define SB_CHAOSFLEET_PATH_MAX      (SB_CHAOSFLEET_DIR_MAX + 64)

//  What the config template (switchboard.zpl.in) takes.
typedef struct {
    int64_t max_backlog;                    //  broker/max-backlog
    int sender_attempts;                    //  services/sender/max-attempts
    int lookup_delay_ms;                    //  sender/twilio/lookup_delay
    int publish_timeout_ms;                 //  ingress/publish-timeout
} sb_chaosfleet_config_t;

typedef struct {
    char dir [SB_CHAOSFLEET_DIR_MAX];
    char log [SB_CHAOSFLEET_PATH_MAX];      //  supervise's output, and its programs'
    char socket [SB_CHAOSFLEET_PATH_MAX];   //  supervise's control socket
    char endpoint [64];                     //  the broker's
    int redis_port, broker_port, ingress_port, twilio_port;
    sb_testproc_t *supervise;
    redisContext *redis;                    //  the test's own connection
    bool keep;                              //  set when the test failed: the folder stays
} sb_chaosfleet_t;

struct CMUnitTest;

//  A chaos test's main, once it has read its command line: returns
//  SB_TESTWORLD_SKIP, loudly, if redis-server is not in PATH; else unsets
//  the variables through which the caller's environment would reach the
//  fleet (sb_testworld_clean_env), runs the count tests with libcurl
//  initialised and returns how many failed.
int sb_chaosfleet_run (const struct CMUnitTest *tests, size_t count);

//  Fills the templates in the folder templates (fleet.zpl.in,
//  switchboard.zpl.in) with a new folder, free ports, the programs of
//  bindir (made absolute) and config, starts supervise (the program at
//  path supervise) on them, and waits until every program runs, the broker
//  has every service's workers and ingress is ready. Returns the fleet, or
//  NULL with the reason (and the log's tail) on stderr.
sb_chaosfleet_t *sb_chaosfleet_new (const char *supervise, const char *bindir,
                                    const char *templates, const sb_chaosfleet_config_t *config);

//  Stops the fleet (SIGTERM to supervise, which stops every program in
//  reverse order), removes its folder (unless keep is set: then says where
//  it is) and NULLs the caller's pointer.
//  Returns 0, or -1 if supervise did not exit 0 (a program needed SIGKILL
//  or ended badly: under ASan, a leak), with the log's tail on stderr.
//  Safe on NULL.
int sb_chaosfleet_destroy (sb_chaosfleet_t **self_p);

//  supervise's status --json (caller decrefs), or NULL with the reason.
json_t *sb_chaosfleet_status (sb_chaosfleet_t *self);

//  The pid of instance (1...) of program while it is running, or -1; its
//  restarts so far in *restarts when not NULL (-1 if unknown).
int sb_chaosfleet_pid (sb_chaosfleet_t *self, const char *program, int instance,
                       int *restarts);

//  Waits until instance of program runs with another pid than old_pid
//  (supervise restarted it) and the broker has every service's workers
//  again. Returns the new pid, or -1 with the reason after
//  SB_CHAOSFLEET_WAIT_MS.
int sb_chaosfleet_wait_restarted (sb_chaosfleet_t *self, const char *program, int instance,
                                  int old_pid);

//  The broker's answer to command (STATS, DLQ-LIST, DLQ-REPLAY) with arg
//  (or NULL), on a client of its own, so a late reply cannot be taken for
//  the next (caller decrefs); NULL after timeout_ms, quietly (the broker
//  may be down).
json_t *sb_chaosfleet_request (sb_chaosfleet_t *self, const char *command, const char *arg,
                               int timeout_ms);

//  The broker's backlog (queued and delayed messages of every service), or
//  -1 if it did not answer.
int64_t sb_chaosfleet_backlog (sb_chaosfleet_t *self);

//  Polls the broker until its backlog is 0: every message it accepted is
//  done or dead-lettered. Returns true if it was within timeout_ms, else
//  false with the last STATS on stderr.
bool sb_chaosfleet_wait_drained (sb_chaosfleet_t *self, int timeout_ms);

//  How many dead letters the stream sb:dlq holds (XLEN), or -1.
long long sb_chaosfleet_dead_letters (sb_chaosfleet_t *self);

//  Prints the last lines of the fleet's log (at most bytes of it) on
//  stderr, for a failure's evidence.
void sb_chaosfleet_print_log (sb_chaosfleet_t *self, size_t bytes);

#endif
