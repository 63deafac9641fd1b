/*  sb_zmon_render.h — zmon's text output: the stats table, alert changes,
    socket events, a trace, dead letters. Only rendering: what it prints
    is gathered by the sbzmon library (sb_zmon_source.h, sb_zmon_stats.h,
    sb_zmon_trace.h, sb_zmon_decode.h) as JSON, which --json prints
    instead.                                                              */

#ifndef SB_ZMON_RENDER_H_INCLUDED
#define SB_ZMON_RENDER_H_INCLUDED

#include "sb_classes.h"

//  Writes a Unix time in ms as 2026-11-22T16:30:01.123Z into text (32 bytes).
void sb_zmon_render_time (int64_t at_ms, char text [32]);

//  The stats view (sb_zmon_stats.h) as a table per broker; crossed alerts
//  marked with '!' and, with color, in bold red; an unreachable broker as
//  one line saying so.
void sb_zmon_render_stats (FILE *file, const json_t *view, bool color);

//  One alert change: "TIME ALERT raised|cleared BROKER SERVICE ALERT".
void sb_zmon_render_alert (FILE *file, const json_t *change);

//  One socket event: "TIME SOURCE SOCKET EVENT endpoint ... peer ... (reason)".
void sb_zmon_render_socket (FILE *file, const json_t *event);

//  A trace's rows (sb_zmon_trace.h), one line each.
void sb_zmon_render_trace (FILE *file, const char *corr, const json_t *rows);

//  A phone number's conversations (sb_zmon_trace_phone's document): its
//  brokers that did not answer, one line per conversation, newest first,
//  then the newest one's trace when the document holds it.
void sb_zmon_render_conversations (FILE *file, const json_t *document);

//  DLQ-LIST results of several brokers: one line per dead letter.
void sb_zmon_render_dlq (FILE *file, const json_t *results);

//  The brokers of results (or a document's brokers) that say error, i.e.
//  gave no reply: one line each on file,
//  "UNREACHABLE" for those that did not answer, "error" for a refusal.
//  Returns how many there were.
size_t sb_zmon_render_unreachable (FILE *file, const json_t *results);

#endif
