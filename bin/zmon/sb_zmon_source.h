/*  sb_zmon_source.h — zmon's reach into a fleet: tool requests (STATS,
    DLQ-LIST, DLQ-REPLAY, TRACE) to one or several brokers, each on a
    fresh connection with a time-out, so that one broker that does not
    answer is reported as unreachable and holds nobody else up; and the
    restart counts of a supervise's control socket.

    What these return is plain JSON, the data model that zmon's rendering
    and the web console share (docs/zmon.md).                             */

#ifndef SB_ZMON_SOURCE_H_INCLUDED
#define SB_ZMON_SOURCE_H_INCLUDED

#include "sb_classes.h"

#define SB_ZMON_TIMEOUT_MS 2000    //  default wait for one broker's reply

//  Sends command (with arg, or NULL) to the broker at endpoint and waits
//  up to timeout_ms. Returns the reply's body (caller decrefs), or NULL
//  with the reason in err ("no answer within 2000 ms", "broker refused
//  ...").
json_t *sb_zmon_request (const char *endpoint, const char *command, const char *arg,
                         int timeout_ms, char *err, size_t errlen);

//  The same request to every endpoint at once (sent together, replies
//  awaited together: the slowest bounds the wait, not their sum). Returns a
//  new array with one object per endpoint, in order: {endpoint, reachable:
//  true, reply} or {endpoint, reachable: false, error}.
json_t *sb_zmon_request_all (const char *const *endpoints, size_t count, const char *command,
                             const char *arg, int timeout_ms);

//  A copy of sb_zmon_request_all's results without their replies: which
//  brokers answered, for a document that shows the replies merged.
json_t *sb_zmon_request_brokers (const json_t *results);

//  The restarts of every instance a supervise runs, from its control
//  socket at path ("status --json"): a new object {reachable, error?,
//  instances: [{program, instance, state, restarts}]}. Never NULL.
json_t *sb_zmon_supervise_status (const char *path, int timeout_ms);

#endif
