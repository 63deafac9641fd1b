/*  sb_testecho.h — test support: the echo service the broker's tests
    drive in a world (sb_testworld): test workers (tests/broker/testworker)
    serving echo, and echo-sink recording every delivery to the world's
    sink file (sb_testsink); echo.requests published with a text, which a
    testworker reads as what to do (ok, slow:N, retry, fail, crash-once).

    Failures are reported on stderr and by the return value, so that the
    test asserts where it stands.                                         */

#ifndef SB_TESTECHO_H_INCLUDED
#define SB_TESTECHO_H_INCLUDED

#include "sb_testmsg.h"
#include "sb_testworld.h"

//  Starts a testworker (program its path) for echo (instance e1) and one
//  for echo-sink (s1), each of capacity 10, on broker, and waits until the
//  broker has echo_count echo workers in all and one sink. Returns 0, or
//  -1 with the reason on stderr.
int sb_testecho_workers (sb_testworld_t *world, const char *program, size_t broker,
                         int64_t echo_count);

//  Publishes an echo.request keyed key with text to broker, with
//  not_before_ms and deadline_ms (0: none), its new id written to id.
//  Returns 0 if it was ACKed with that id, else -1 with the reply on
//  stderr.
int sb_testecho_publish (sb_testworld_t *world, size_t broker, const char *key,
                         const char *text, int64_t not_before_ms, int64_t deadline_ms,
                         char id [SB_ID_LEN + 1]);

//  Publishes count echo.requests with text, keyed "prefix-N", to broker
//  all at once (pipelined, as a busy publisher would); ids receives their
//  ids (count rows). Returns 0 if each was ACKed with its own id, else -1
//  with the first difference on stderr.
int sb_testecho_publish_many (sb_testworld_t *world, size_t broker, size_t count,
                              const char *text, const char *prefix,
                              char (*ids) [SB_ID_LEN + 1]);

#endif
