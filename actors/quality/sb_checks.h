/*  sb_checks.h — quality's checks on a branded reply, each with a reason
    the planner can act on when it fails:

      not_empty        the reply (and the draft under the sign-off) has words
      segment_budget   SMS only: segments within the tenant's max_segments
      placeholders     no {{...}}, ${...}, %s/%d, or the words null,
                       undefined, NaN, [object Object]
      contact_details  no phone number or e-mail address but the
                       recipient's own number
      hours_match      every hours figure stated is one of the timesheet's
      deny_list        none of the tenant's denied words                   */

#ifndef SB_CHECKS_H_INCLUDED
#define SB_CHECKS_H_INCLUDED

#include "sb_tenant.h"

//  What the checks look at, all borrowed.
typedef struct {
    const char *text;               //  the branded reply
    const char *draft_text;         //  the planner's draft, or NULL
    bool sms;                       //  SMS (else WhatsApp)
    const char *recipient;          //  conversation.employee_phone
    const json_t *timesheet;        //  the timesheet.result body, or NULL
    const sb_tenant_t *tenant;
} sb_checks_input_t;

//  Runs every check that applies (segment_budget on SMS only). Appends
//  each check's name to run (a JSON array) and, for each that failed,
//  {"check", "reason"} to failed. Returns 0, or -1 with the reason in err
//  when the text cannot be checked at all (it is not valid UTF-8).
int sb_checks_run (const sb_checks_input_t *input, json_t *run, json_t *failed,
                   char *err, size_t errlen);

#endif
