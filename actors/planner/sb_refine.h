/*  sb_refine.h — a rejected draft made acceptable: rebuilt from its
    timesheet result with the reasons quality gave addressed.

    segment_budget: less detail (round 0 -> the totals and a count of days,
    later -> the main figure only); hours_match: the main figure only,
    recomputed from the result; contact_details, placeholders: the
    sentences holding them dropped; deny_list: the tenant's denied words
    dropped from the sentences. Without a result (none ran) the rejected
    draft's own sentences are filtered the same way.                      */

#ifndef SB_REFINE_H_INCLUDED
#define SB_REFINE_H_INCLUDED

#include "sb_classes.h"
#include "sb_tenant.h"

//  The refined text for rejected (a quality.rejected body, borrowed), the
//  deny list read from tenant (NULL: none). Returns a new string, or NULL
//  when no sentence is left (the caller sends the fallback).
char *sb_refine (const json_t *rejected, const sb_tenant_t *tenant);

//  True if text holds something that looks like contact details: an
//  e-mail address, a link, or a run of seven or more digits.
bool sb_refine_has_contact (const char *text);

//  True if text holds a template placeholder: braces, angle or square
//  brackets, %s, TODO, XXX.
bool sb_refine_has_placeholder (const char *text);

#endif
