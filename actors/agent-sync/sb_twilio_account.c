/*  sb_twilio_account.c — one GET on Twilio's Accounts resource and what
    its answer means for a workspace save.                                */

#include "sb_classes.h"
#include "sb_twilio_account.h"

//  AC followed by 32 letters and digits: safe in a URL path.
static bool
s_valid_sid (const char *sid)
{
    if (!sid || strlen (sid) != 34 || strncmp (sid, "AC", 2))
        return false;
    for (const char *at = sid + 2; *at; at++)
        if (!isalnum ((unsigned char) *at))
            return false;
    return true;
}

//  The clear reason for a refusal Twilio gave.
static void
s_refusal (const char *sid, sb_rest_outcome_t *outcome)
{
    if (outcome->status == 401)
        snprintf (outcome->why, sizeof outcome->why, "Twilio refused the account SID and auth "
                  "token (HTTP 401): check the auth token");
    else
    if (outcome->status == 404)
        snprintf (outcome->why, sizeof outcome->why, "Twilio has no account %s (HTTP 404): "
                  "check the account SID", sid);
}

int
sb_twilio_account_check (const char *base, int timeout_ms, const char *sid, const char *token,
                         sb_rest_outcome_t *outcome)
{
    memset (outcome, 0, sizeof *outcome);
    if (!s_valid_sid (sid)) {
        outcome->verdict = SB_REST_REFUSED;
        snprintf (outcome->why, sizeof outcome->why, "the account SID is not AC followed by "
                  "32 letters and digits");
        return -1;
    }
    size_t length = strlen (base);
    while (length && base [length - 1] == '/')
        length--;
    char *url = zsys_sprintf ("%.*s/2010-04-01/Accounts/%s.json", (int) length, base, sid);
    sb_rest_request_t request = {
        .method = "GET", .url = url, .user = sid, .password = token, .timeout_ms = timeout_ms
    };
    json_t *account = sb_rest_call_json (&request, outcome);
    zstr_free (&url);
    if (!account) {
        s_refusal (sid, outcome);
        return -1;
    }
    const char *status = json_string_value (json_object_get (account, "status"));
    int rc = status && streq (status, "active")? 0: -1;
    if (rc) {
        outcome->verdict = SB_REST_REFUSED;
        snprintf (outcome->why, sizeof outcome->why, "the Twilio account is %.32s, not active",
                  status? status: "of no known status");
    }
    json_decref (account);
    return rc;
}
