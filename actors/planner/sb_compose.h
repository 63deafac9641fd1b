/*  sb_compose.h — the reply's text from a timesheet result: one sentence
    per fact, so that a refinement can shorten the reply or drop the one
    sentence quality objected to.

    Every hours figure in a draft is a figure of the result as it stands
    (total_hours, totals_by_project, totals_by_day, expected_hours, an
    entry's hours) or expected_hours - total_hours, written "8 hours",
    "7.5 hours", so that quality can check each against the result.
    Examples in help texts spell numbers out ("log eight hours").          */

#ifndef SB_COMPOSE_H_INCLUDED
#define SB_COMPOSE_H_INCLUDED

#include "sb_classes.h"

//  How much a draft says: everything; the totals and a count of days; the
//  main figure only.
typedef enum { SB_DETAIL_FULL, SB_DETAIL_SHORT, SB_DETAIL_MINIMAL } sb_detail_t;

//  The safe fallback, figure- and name-free.
#define SB_COMPOSE_FALLBACK "Sorry, I could not prepare your answer. Please try again later " \
                            "or contact your manager."

//  The one reply a number in no tenant directory gets.
#define SB_COMPOSE_NOT_REGISTERED "Sorry, this number is not registered. Please ask your " \
                                  "manager to add it."

//  The sentences answering conversation (its intent and entities) with
//  result (a timesheet.result body; NULL: none), as a new JSON array of
//  strings, never empty.
json_t *sb_compose_sentences (const json_t *conversation, const json_t *result,
                              sb_detail_t detail);

//  The sentences joined by spaces: a new string, NULL if there are none.
char *sb_compose_join (const json_t *sentences);

//  Hours as a draft writes them into buffer: "8 hours", "7.5 hours",
//  "1 hour" (at most two decimals, no trailing zeros).
void sb_compose_hours (double hours, char *buffer, size_t size);

#endif
