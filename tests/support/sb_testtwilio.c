/*  sb_testtwilio.c — the test as Twilio (sb_testtwilio.h).               */

#include "sb_testtwilio.h"

int
sb_testtwilio_set (sb_testtwilio_params_t *params, const char *name, const char *value)
{
    for (size_t index = 0; index < params->count; index++)
        if (streq (params->names [index], name)) {
            params->values [index] = value;
            return 0;
        }
    if (params->count == SB_TESTTWILIO_PARAMS)
        return -1;
    params->names [params->count] = name;
    params->values [params->count++] = value;
    return 0;
}

void
sb_testtwilio_remove (sb_testtwilio_params_t *params, const char *name)
{
    for (size_t index = 0; index < params->count; index++)
        if (streq (params->names [index], name)) {
            size_t after = params->count - index - 1;
            memmove (params->names + index, params->names + index + 1, after * sizeof (char *));
            memmove (params->values + index, params->values + index + 1, after * sizeof (char *));
            params->count--;
            return;
        }
}

void
sb_testtwilio_sms (sb_testtwilio_params_t *params, const char *sid, const char *account,
                   const char *from, const char *to, const char *text)
{
    const char *names [] = { "ToCountry", "SmsMessageSid", "NumMedia", "SmsSid", "SmsStatus",
                             "Body", "To", "NumSegments", "MessageSid", "AccountSid", "From",
                             "ApiVersion" };
    const char *values [] = { "US", sid, "0", sid, "received", text, to, "1", sid, account,
                              from, "2010-04-01" };
    memset (params, 0, sizeof *params);
    for (size_t index = 0; index < sizeof names / sizeof names [0]; index++)
        sb_testtwilio_set (params, names [index], values [index]);
}

int
sb_testtwilio_body (const sb_testtwilio_params_t *params, char *body, size_t size)
{
    return sb_testhttp_form (params->names, params->values, params->count, body, size);
}

void
sb_testtwilio_url (int port, const char *path, char *url, size_t size)
{
    snprintf (url, size, "http://127.0.0.1:%d%s", port, path);
}

int
sb_testtwilio_sign (const char *token, const char *url, const char *body,
                    char signature [SB_TWILIO_SIGNATURE_SIZE])
{
    char err [256];
    sb_form_t *form = sb_form_parse (body, strlen (body), SB_TESTTWILIO_PARAMS * 2,
                                     err, sizeof err);
    if (!form) {
        fprintf (stderr, "sb_testtwilio: the test's own form does not parse: %s\n", err);
        return -1;
    }
    int rc = sb_twilio_signature (token, url, form, signature);
    sb_form_destroy (&form);
    if (rc)
        fprintf (stderr, "sb_testtwilio: cannot sign (an empty token?)\n");
    return rc;
}

int
sb_testtwilio_post (int port, const char *path, const char *body, const char *signature,
                    const char *header, sb_testhttp_answer_t *answer)
{
    char signed_header [128];
    snprintf (signed_header, sizeof signed_header, "X-Twilio-Signature: %s",
              signature? signature: "");
    const char *headers [] = { "Content-Type: application/x-www-form-urlencoded",
                               signature? signed_header: header, signature? header: NULL, NULL };
    sb_testhttp_request_t request = { "POST", path, headers, body };
    return sb_testhttp_send (port, &request, SB_TESTTWILIO_HTTP_MS, answer);
}

int
sb_testtwilio_post_signed (int port, const char *token, const char *path,
                           const char *url_path, const sb_testtwilio_params_t *params,
                           sb_testhttp_answer_t *answer)
{
    char body [SB_TESTTWILIO_BODY_MAX], url [SB_TESTTWILIO_URL_MAX];
    char signature [SB_TWILIO_SIGNATURE_SIZE];
    memset (answer, 0, sizeof *answer);
    sb_testtwilio_url (port, url_path? url_path: path, url, sizeof url);
    if (sb_testtwilio_body (params, body, sizeof body)
    ||  sb_testtwilio_sign (token, url, body, signature))
        return -1;
    return sb_testtwilio_post (port, path, body, signature, NULL, answer);
}

json_t *
sb_testtwilio_fake_state (int port)
{
    char *text = sb_testhttp_fetch (port, "GET", "/_fake/messages", NULL,
                                    SB_TESTTWILIO_HTTP_MS);
    json_t *state = text? json_loads (text, 0, NULL): NULL;
    if (text && !state)
        fprintf (stderr, "sb_testtwilio: the fake's /_fake/messages is not JSON\n");
    free (text);
    return state;
}

int
sb_testtwilio_fake_script (int port, const char *steps)
{
    char *answer = sb_testhttp_fetch (port, "POST", "/_fake/script", steps,
                                      SB_TESTTWILIO_HTTP_MS);
    free (answer);
    return answer? 0: -1;
}

int
sb_testtwilio_fake_reset (int port)
{
    char *answer = sb_testhttp_fetch (port, "POST", "/_fake/reset", NULL, SB_TESTTWILIO_HTTP_MS);
    free (answer);
    return answer? 0: -1;
}
