/*  sb_condense.h — fitting a branded reply into its budget: the tenant's
    SMS segments (sb_sms), or on WhatsApp the 4096 bytes a message holds.

    On SMS, in this order, stopping as soon as the text fits:
      1. GSM-7 look-alikes for accented letters (and emoji dropped) when
         that makes a UCS-2 text GSM-7: 160 characters a segment, not 70;
      2. shorter phrasings, one rule at a time: "you have logged" -> "you
         logged", contractions ("have not" -> "haven't", "Thank you" ->
         "Thanks"; not for the formal tone), month and weekday names ->
         "Mar", "Tue", hours figures -> "8h", ...;
      3. the sign-off's shortest form ("- Acme HR");
      4. whole sentences dropped, the least important first and the last
         of a kind first: pleasantries ("Thanks for...", "Have a great
         weekend!"), notes, then per-project, then per-day detail.
         The first sentence, and any that states the total, the expected
         or the missing hours, are never dropped;
      5. last resort: cut at a word boundary with "...", never mid-word.
    No step changes a figure: quality checks each against the timesheet.
    On WhatsApp only step 5 applies.                                      */

#ifndef SB_CONDENSE_H_INCLUDED
#define SB_CONDENSE_H_INCLUDED

#include "sb_classes.h"

typedef struct {
    bool sms;
    int max_segments;           //  SMS: the tenant's budget
    bool formal;                //  the formal tone: no contractions
    const char *sign_off;       //  appended, with its separator ("" none)
    const char *short_sign_off; //  its shortest form
    const json_t *timesheet;    //  what the figures are, or NULL
} sb_condense_t;

//  The reply body + sign-off, fitted (above). Returns it (caller frees),
//  *condensed telling whether anything had to be shortened; or NULL with
//  the reason in err when nothing fits (the sign-off alone is over the
//  budget; the first word is).
char *sb_condense (const char *body, const sb_condense_t *spec, bool *condensed,
                   char *err, size_t errlen);

#endif
