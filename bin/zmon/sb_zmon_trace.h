/*  sb_zmon_trace.h — one conversation's history from what the brokers
    stored (TRACE corr, docs/protocol.md): the events of every broker
    asked, merged without repeats (brokers sharing a Redis answer the
    same), each answer preceded by its delivery, in time order, with each
    row's offset from the first. And the conversations a phone number
    was seen in (CONVERSATIONS phone), from every broker, newest first.  */

#ifndef SB_ZMON_TRACE_H_INCLUDED
#define SB_ZMON_TRACE_H_INCLUDED

#include "sb_classes.h"

//  The rows of a trace from the TRACE results of several brokers
//  (sb_zmon_request_all's array; unreachable ones skipped): a new array of
//  {at_ms, offset_ms, event, type, id, service, attempt, delay_ms, reason}
//  where event is published, delivered, done, retry or dead.
json_t *sb_zmon_trace_rows (const json_t *results);

//  The conversations of CONVERSATIONS results of several brokers
//  (unreachable ones skipped), merged without repeats (brokers sharing a
//  Redis answer the same: one row per tenant and corr, with the earliest
//  first_ms), newest first: a new array of {corr, tenant, first_ms}.
json_t *sb_zmon_trace_conversations (const json_t *results);

//  Asks every broker for phone's conversations (each within timeout_ms)
//  and returns a new document {phone (normalised), conversations (as
//  above), brokers: [{endpoint, reachable, error?}]}; with newest, also
//  newest: {corr, tenant, rows} (the newest conversation's trace, rows as
//  above), or null when there is none. Returns NULL with the reason in
//  err if phone is not a phone number (sb_schemas_phone_normalise).
json_t *sb_zmon_trace_phone (const char *const *brokers, size_t count, const char *phone,
                             bool newest, int timeout_ms, char *err, size_t errlen);

#endif
