/*  sb_testsink.h — reading what tests/broker/testworker --sink recorded:
    one line per delivery, "id attempt now_ms type text".                 */

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

//  Reads the complete lines of path (a line being written is left for the
//  next read). Sets *lines (caller frees; NULL when none) and returns how
//  many. A missing file is no line: nothing was delivered yet.
size_t sb_testsink_load (const char *path, sb_testsink_line_t **lines);

#endif
