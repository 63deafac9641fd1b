/*  sb_testsink.h — reading what tests/broker/testworker --sink recorded:
    one line per delivery, "id attempt now_ms type text"; counting it,
    waiting for it, and checking that each request's reply is there once. */

#ifndef SB_TESTSINK_H_INCLUDED
#define SB_TESTSINK_H_INCLUDED

#include "sb_classes.h"

typedef struct {
    char id [SB_ID_LEN + 1];
    unsigned attempt;
    int64_t at_ms;
    char type [SB_ENVELOPE_MAX_NAME + 1];
    char text [64];
} sb_testsink_line_t;

//  What a sink file held when it was read.
typedef struct {
    sb_testsink_line_t *lines;   //  NULL when none
    size_t count;
} sb_testsink_t;

//  Reads the complete lines of path (a line being written is left for the
//  next read). Sets *lines (caller frees; NULL when none) and returns how
//  many. A missing file is no line: nothing was delivered yet.
size_t sb_testsink_load (const char *path, sb_testsink_line_t **lines);

//  Reads path into sink, as sb_testsink_load; the caller frees it with
//  sb_testsink_free.
void sb_testsink_read (const char *path, sb_testsink_t *sink);

//  Frees what sb_testsink_read read. Safe to call twice.
void sb_testsink_free (sb_testsink_t *sink);

//  How many distinct ids of type the sink saw.
size_t sb_testsink_distinct (const sb_testsink_t *sink, const char *type);

//  How many lines the sink has for id; *first_attempts (may be NULL)
//  counts those of a first delivery attempt.
size_t sb_testsink_lines_for (const sb_testsink_t *sink, const char *id, size_t *first_attempts);

//  Polls the file at path until it holds wanted distinct ids of type, for
//  up to timeout_ms (0: reads once). Returns the number seen at the end.
size_t sb_testsink_wait (const char *path, const char *type, size_t wanted, int timeout_ms);

//  Checks that the sink at path holds one echo.reply per request of ids
//  (count of them), each with the id the echo worker derives from its
//  request's, none of them twice on a first attempt (a repeat is allowed
//  only as a redelivery, never as a second stored reply), and, unless
//  prefix is NULL, each with the text "prefix-N" of request N. Returns 0,
//  or -1 with the first difference on stderr.
int sb_testsink_check_replies (const char *path, char (*ids) [SB_ID_LEN + 1], size_t count,
                               const char *prefix);

#endif
