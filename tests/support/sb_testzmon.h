/*  sb_testzmon.h — test support shared by zmon's tests (tests/zmon:
    test_zmon for the zmon program, test_zmon_web for its web console): a
    broker with its tap, monitor and an alert configured, the known flow
    run through it, and the output files of the zmon processes a test
    starts, read and polled with a deadline.

    Failures are reported on stderr and by the return value, so that the
    test asserts where it stands.                                          */

#ifndef SB_TESTZMON_H_INCLUDED
#define SB_TESTZMON_H_INCLUDED

#include "sb_testworld.h"

//  Starts broker-a with its tap and monitor (ipc, in the world's
//  directory), quick retries (3 attempts, 20 to 100 ms apart) and an alert
//  on echo's failure rate (0.1). Returns 0, or -1 with the reason on stderr.
int sb_testzmon_broker_start (sb_testworld_t *world);

//  Starts the echo and echo-sink test workers (worker: testworker's path)
//  on broker-a and runs the known flow: k-retry (retried once, then done,
//  its echo.reply done by the sink) and k-fail (dead-lettered), until the
//  broker's backlog is empty; their ids written to retry_id and fail_id.
//  Returns 0, or -1 with the reason on stderr.
int sb_testzmon_flow (sb_testworld_t *world, const char *worker, char retry_id [SB_ID_LEN + 1],
                      char fail_id [SB_ID_LEN + 1]);

//  The file DIR/name's text (a new string; "" if absent).
char *sb_testzmon_read (sb_testworld_t *world, const char *name);

//  Polls DIR/name until it holds first and second (NULL: only first), up
//  to SB_TESTWORLD_WAIT_MS. Returns true if it did, else false with what
//  it holds on stderr.
bool sb_testzmon_wait_output (sb_testworld_t *world, const char *name, const char *first,
                              const char *second);

#endif
