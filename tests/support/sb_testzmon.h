/*  sb_testzmon.h — test support shared by zmon's tests (tests/zmon:
    test_zmon for the zmon program, test_zmon_web and test_zmon_web_pages
    for its web console, test_broker_conversations): a broker with its
    tap, monitor and an alert configured, the known flow run through it,
    inbound messages from a phone number, zmon-web started on a free port,
    and the output files of the processes a test starts, read and polled
    with a deadline.

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

//  Publishes a message of type (sms.received, whatsapp.received: the
//  body of its schema's example) whose from is from, keyed and correlated
//  key, for tenant, to broker; its id written to id. Returns 0 if it was
//  ACKed with that id, else -1 with the reason on stderr.
int sb_testzmon_publish_from (sb_testworld_t *world, size_t broker, const char *type,
                              const char *key, const char *tenant, const char *from,
                              char id [SB_ID_LEN + 1]);

//  Publishes for tenant acme, to broker 0, an SMS from phone (key and corr
//  k-sms), then a WhatsApp message from whatsapp:phone (k-whatsapp) at
//  least a clock tick later, so that newest first is defined (the phone
//  index scores whole ms; a tie would fall back to the corrs' order, which
//  already puts k-whatsapp first), and, if other is given, an SMS from it
//  (k-other). Returns 0, or -1 as sb_testzmon_publish_from.
int sb_testzmon_publish_phone (sb_testworld_t *world, const char *phone, const char *other);

//  Starts zmon-web (program: its path) on broker-a with the arguments
//  args (e.g. "--port 0") and ZMON_WEB_TOKEN=token (NULL: unset), its
//  output in DIR/name. Returns the port it says it listens on at
//  127.0.0.1, or -1 with the reason on stderr (not up within
//  SB_TESTWORLD_WAIT_MS, or listening elsewhere).
int sb_testzmon_web_start (sb_testworld_t *world, const char *program, const char *name,
                           const char *token, const char *args);

//  The file DIR/name's text (a new string; "" if absent).
char *sb_testzmon_read (sb_testworld_t *world, const char *name);

//  Polls DIR/name until it holds first and second (NULL: only first), up
//  to SB_TESTWORLD_WAIT_MS. Returns true if it did, else false with what
//  it holds on stderr.
bool sb_testzmon_wait_output (sb_testworld_t *world, const char *name, const char *first,
                              const char *second);

#endif
