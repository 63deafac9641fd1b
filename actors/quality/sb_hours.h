/*  sb_hours.h — the hours figures a reply states: a number followed by an
    hours unit ("8 hours", "7.5h", "8 hrs", "1 hour", "32 hours expected",
    "an 8-hour day", "7,5 h"), found in UTF-8 text. Quality checks each
    against the timesheet; branding finds the total to bold and keeps the
    sentences that state the main figures.

    A number glued to a letter or inside a longer number ("E042h",
    "2026-03-05") is not a figure; a number without a unit ("expected 32")
    is not an hours figure either.                                        */

#ifndef SB_HOURS_H_INCLUDED
#define SB_HOURS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    double value;           //  7.5 for "7.5h"
    int decimals;           //  digits written after the decimal mark (0..)
    size_t start, end;      //  byte offsets of "7.5h" in the text, end excluded
} sb_hours_figure_t;

//  Finds the first hours figure starting at or after byte offset in text.
//  Returns true with figure filled, false if there is none.
bool sb_hours_next (const char *text, size_t offset, sb_hours_figure_t *figure);

//  True if stated (a figure) says value: equal, or for a figure written
//  with decimals, value rounded to that many ("7.3h" says 7.33; "7h"
//  does not say 7.33, nor "8h" 7.5).
bool sb_hours_says (const sb_hours_figure_t *stated, double value);

#endif
