/*  sb_zmon_trace.h — one conversation's history from what the brokers
    stored (TRACE corr, docs/protocol.md): the events of every broker
    asked, merged without repeats (brokers sharing a Redis answer the
    same), each answer preceded by its delivery, in time order, with each
    row's offset from the first.                                          */

#ifndef SB_ZMON_TRACE_H_INCLUDED
#define SB_ZMON_TRACE_H_INCLUDED

#include "sb_classes.h"

//  The rows of a trace from the TRACE results of several brokers
//  (sb_zmon_request_all's array; unreachable ones skipped): a new array of
//  {at_ms, offset_ms, event, type, id, service, attempt, delay_ms, reason}
//  where event is published, delivered, done, retry or dead.
json_t *sb_zmon_trace_rows (const json_t *results);

#endif
