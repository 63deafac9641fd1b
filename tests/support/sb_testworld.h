/*  sb_testworld.h — test support: one integration test's world, made by
    cmocka's setup and taken down by its teardown: a private directory, a
    private redis-server, brokers on free ports (another port tried when
    one is taken between probe and bind), the test's other processes and
    at most one server it talks to over TCP (ingress), each waited for by
    polling with a deadline, never by sleeping a fixed time.

    The world is a plain struct the tests read; change it only through
    these functions. Its processes are killed if the test dies
    (sb_testproc); teardown stops them with SIGTERM and fails if one does
    not exit cleanly (under ASan a leak at exit shows there).

    Failures are reported on stderr and by the return value (0 / -1, NULL,
    false), so that the test asserts where it stands.                      */

#ifndef SB_TESTWORLD_H_INCLUDED
#define SB_TESTWORLD_H_INCLUDED

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_testproc.h"
#include "sb_testredis.h"

#define SB_TESTWORLD_WAIT_MS   20000   //  longest wait for anything to happen
#define SB_TESTWORLD_READY_MS  10000   //  for a process to come up
#define SB_TESTWORLD_STOP_MS   10000   //  for a process to exit after SIGTERM
#define SB_TESTWORLD_REPLY_MS  5000    //  for one reply to one request
#define SB_TESTWORLD_ATTEMPTS  3       //  free ports tried per server
#define SB_TESTWORLD_BROKERS   2
#define SB_TESTWORLD_PROCS     8
#define SB_TESTWORLD_DIR_MAX   256     //  the world's directory (TMPDIR/...)
#define SB_TESTWORLD_PATH_MAX  (SB_TESTWORLD_DIR_MAX + 64)
#define SB_TESTWORLD_USAGE     64      //  main's exit code for a bad command line
#define SB_TESTWORLD_SKIP      77      //  CTest's SKIP_RETURN_CODE

typedef struct {
    char name [32];                         //  "broker-a", "broker-b"
    char endpoint [64];                     //  tcp://127.0.0.1:PORT
    char config [SB_TESTWORLD_PATH_MAX];    //  its config file, "" for none
    char log [SB_TESTWORLD_PATH_MAX];       //  its output's file, "" for the test's
    sb_testproc_t *process;                 //  NULL while stopped or killed
    sb_client_t *client;                    //  publishing client, made on first use
} sb_testworld_broker_t;

typedef struct {
    char *const *programs;                  //  main's argv + 1: the broker first
    char dir [SB_TESTWORLD_DIR_MAX];
    char sink [SB_TESTWORLD_PATH_MAX];      //  DIR/sink.txt, for testworker --sink
    sb_testredis_t *redis;                  //  NULL until sb_testworld_redis_start
    sb_testworld_broker_t brokers [SB_TESTWORLD_BROKERS];
    sb_testproc_t *procs [SB_TESTWORLD_PROCS];
    const char *whats [SB_TESTWORLD_PROCS]; //  what each is, for reports
    size_t proc_count;
    sb_testproc_t *server;                  //  the server on port, if any
    const char *server_what;
    int port;
    sb_idgen_t *ids;                        //  for the envelopes the test makes
    unsigned serial;                        //  for names unique to the run
} sb_testworld_t;

//  Tells whether the server on port is ready, within timeout_ms.
typedef bool (sb_testworld_ready_fn) (int port, int timeout_ms);

struct CMUnitTest;

//  A cmocka test case, test, in a world of its own (for sb_testworld_run).
#define SB_TESTWORLD_CASE(test) \
    cmocka_unit_test_setup_teardown (test, sb_testworld_setup, sb_testworld_teardown)

//  A test program's main: returns SB_TESTWORLD_USAGE, with "Usage: PROGRAM
//  usage" on stderr, unless argv names at least programs paths (a further
//  argument is cmocka's test filter: the tests whose names match);
//  SB_TESTWORLD_SKIP, loudly, if redis-server is not in PATH. Else unsets
//  the variables through which the caller's environment would reach the
//  programs under test (SB_BROKER, SB_REDIS_URL, ingress's tokens, secrets
//  and keys), runs the count tests (SB_TESTWORLD_CASEs), each given
//  argv + 1 as its programs, and returns how many failed.
int sb_testworld_run (int argc, char *argv [], int programs, const char *usage,
                      const struct CMUnitTest *tests, size_t count);

//  Unsets the variables through which the caller's environment would reach
//  the programs under test (SB_BROKER, SB_REDIS_URL, ingress's tokens,
//  secrets and keys), as sb_testworld_run does: for a test's own main.
void sb_testworld_clean_env (void);

//  cmocka setup: *state holds main's argv + 1 (the programs' paths, the
//  broker first); replaces it by a new world
//  with a directory of its own ($TMPDIR, else /tmp). Returns 0, or -1 with
//  the reason on stderr.
int sb_testworld_setup (void **state);

//  cmocka teardown: stops the server, the processes (newest first), the
//  brokers and Redis, removes the directory and frees the world. Returns
//  -1 if a process did not exit cleanly on SIGTERM, else 0.
int sb_testworld_teardown (void **state);

//  Writes DIR/name into path (size bytes). Returns 0, or -1 if it does not
//  fit.
int sb_testworld_path (sb_testworld_t *self, const char *name, char *path, size_t size);

//  Writes text to the file DIR/name, its path into path (size bytes).
//  Returns 0, or -1 with the reason on stderr.
int sb_testworld_write (sb_testworld_t *self, const char *name, const char *text, char *path,
                        size_t size);

//  Starts the world's redis-server with appendfsync (NULL: "everysec").
//  Returns 0, or -1 with the reason on stderr.
int sb_testworld_redis_start (sb_testworld_t *self, const char *appendfsync);

//  Starts broker index ("broker-a", "broker-b") on the world's Redis
//  (started with the defaults if it is not yet) on a free port, with config (ZPL text, written to DIR/broker-X.zpl; NULL:
//  none), and waits until it answers STATS. Returns 0, or -1 with the
//  reason on stderr if it did not come up within SB_TESTWORLD_READY_MS on
//  any of SB_TESTWORLD_ATTEMPTS ports.
int sb_testworld_broker_start (sb_testworld_t *self, size_t index, const char *config);

//  From now on broker index's stdout and stderr go to DIR/broker-X.log
//  (its path in brokers [index].log; a restart appends), for a test that
//  reads what the broker logged (sb_testworld_log_wait). Call it before
//  starting the broker. Returns 0, or -1 if the path does not fit.
int sb_testworld_broker_log (sb_testworld_t *self, size_t index);

//  The text of the file at path (a new string; "" if absent or unreadable).
char *sb_testworld_read (const char *path);

//  Polls the file at path until it contains text, for up to timeout_ms.
//  Returns true if it did.
bool sb_testworld_log_wait (const char *path, const char *text, int timeout_ms);

//  sb_testworld_broker_start with a config of short timings, so that dead
//  peers and retries are noticed within a second: heartbeat 100 ms,
//  liveness 3, visibility 1000 ms, poll 20 ms, retries from 20 to 100 ms
//  apart, a lease of lease_ms; broker_extra (indented lines, or NULL) ends
//  the broker section, and routes (the same) makes a routes section.
int sb_testworld_broker_quick (sb_testworld_t *self, size_t index, int lease_ms,
                               const char *broker_extra, const char *routes);

//  Starts broker index again after it was killed, on the same endpoint
//  with the same config and Redis, and waits until it answers STATS.
//  Returns 0, or -1 with the reason on stderr.
int sb_testworld_broker_restart (sb_testworld_t *self, size_t index);

//  Kills broker index with SIGKILL, as a crash would: nothing is flushed,
//  nothing said. Its publishing client goes with it. Returns 0, or -1 if
//  it was not running.
int sb_testworld_broker_kill (sb_testworld_t *self, size_t index);

//  Sends command (with arg, or NULL) to broker index on a client of its
//  own, so that a late reply cannot be taken for the next one. Returns the
//  reply (caller decrefs; REPLAYED is an integer), or NULL after
//  timeout_ms or on an ERROR reply, with the reason on stderr when
//  timeout_ms is SB_TESTWORLD_REPLY_MS or more (a short poll is quiet).
json_t *sb_testworld_request (sb_testworld_t *self, size_t index, const char *command,
                              const char *arg, int timeout_ms);

//  Broker index's STATS (caller decrefs), or NULL with the reason on
//  stderr if it did not answer within SB_TESTWORLD_REPLY_MS.
json_t *sb_testworld_stats (sb_testworld_t *self, size_t index);

//  A service's figure (workers, delivered, ...) in a STATS reply, or -1 if
//  absent.
int64_t sb_testworld_figure (json_t *stats, const char *service, const char *key);

//  Polls broker index's STATS until service has count workers. Returns
//  true if it did within SB_TESTWORLD_WAIT_MS.
bool sb_testworld_wait_workers (sb_testworld_t *self, size_t index, const char *service,
                                int64_t count);

//  Polls broker index's STATS until its backlog is empty: every message
//  accepted is done or dead-lettered. Returns true if it was within
//  SB_TESTWORLD_WAIT_MS.
bool sb_testworld_wait_drained (sb_testworld_t *self, size_t index);

//  The publishing client of broker index, made on first use (borrowed), or
//  NULL with the reason on stderr.
sb_client_t *sb_testworld_client (sb_testworld_t *self, size_t index);

//  A worker of the test's own on broker index: a DEALER that has said
//  HELLO for service as instance with capacity (the caller reads the
//  WELCOME and destroys it), or NULL with the reason on stderr.
zsock_t *sb_testworld_raw_worker (sb_testworld_t *self, size_t index, const char *service,
                                  const char *instance, int capacity);

//  Starts argv as one of the world's processes (what names it in reports).
//  Returns it (borrowed: teardown stops it), or NULL with the reason on
//  stderr.
sb_testproc_t *sb_testworld_spawn (sb_testworld_t *self, char *argv [], const char *what);

//  Starts the test worker (tests/broker/testworker, program its path) for
//  service on broker, as instance with capacity; a service named echo-sink
//  records what it is given to self->sink. As sb_testworld_spawn.
sb_testproc_t *sb_testworld_worker (sb_testworld_t *self, const char *program, size_t broker,
                                    const char *service, const char *instance,
                                    const char *capacity);

//  Kills every process spawned so far (not the brokers, not the server)
//  with SIGKILL, as a crash would.
void sb_testworld_kill_all (sb_testworld_t *self);

//  Starts argv as the world's server on a free port, which takes the
//  place of argv [port_arg] (a placeholder), and polls ready until it says
//  yes. A server that exits first (its port was taken) is tried on another
//  port. Returns 0 with self->port set, or -1 with the reason on stderr if
//  it did not come up within SB_TESTWORLD_READY_MS on any of
//  SB_TESTWORLD_ATTEMPTS ports.
int sb_testworld_serve (sb_testworld_t *self, char *const argv [], size_t port_arg,
                        const char *what, sb_testworld_ready_fn *ready);

//  Stops the server as teardown does. Returns 0 (also when there is none),
//  or -1 if it did not exit cleanly on SIGTERM.
int sb_testworld_serve_stop (sb_testworld_t *self);

#endif
