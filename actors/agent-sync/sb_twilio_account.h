/*  sb_twilio_account.h — checks a tenant's Twilio account SID and auth
    token: GET {base}/2010-04-01/Accounts/{sid}.json with basic auth
    (https://www.twilio.com/docs/iam/api/account). The token is a secret:
    it goes only into the request's basic auth (sb_http).                 */

#ifndef SB_TWILIO_ACCOUNT_H_INCLUDED
#define SB_TWILIO_ACCOUNT_H_INCLUDED

#include "sb_rest.h"

//  Asks Twilio for the account. Returns 0 if it answers with the account
//  and its status is "active"; else -1 with outcome saying why (REFUSED:
//  401 wrong credentials, 404 no such account, an account suspended or
//  closed, a SID that is not AC + 32 letters and digits; TRANSIENT: no
//  answer, 429, 5xx). base: http:// or https://, no trailing slash needed.
int sb_twilio_account_check (const char *base, int timeout_ms, const char *sid,
                             const char *token, sb_rest_outcome_t *outcome);

#endif
