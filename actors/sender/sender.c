/*  sender — sends each approved reply to the employee's phone, once
    (docs/actors/sender.md).

    Consumes quality.approved; emits message.sent. Twilio mode (with
    TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, and a Redis): through
    Twilio's Messages API, never twice for one idempotency key. Outbox
    mode (neither set): to the Redis list sb:outbox and ./run/outbox.jsonl.
    The handler and its modules: sb_sender.h.                              */

#include "sb_sender.h"
#include <curl/curl.h>

static void *
s_setup (zconfig_t *section, char *err, size_t errlen)
{
    return sb_sender_new (section, err, errlen);
}

static void
s_teardown (void **state_p)
{
    sb_sender_destroy ((sb_sender_t **) state_p);
}

int
main (int argc, char *argv [])
{
    //  Process-wide, once, before any thread: libcurl's global state
    if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf (stderr, "sender: libcurl cannot initialise\n");
        return 70;
    }
    //  The auth token comes only from the environment, and Twilio mode
    //  needs it: with it, the never-twice record's Redis is required at
    //  start (78 without), as the runtime checks for needs_redis
    const char *token = getenv ("TWILIO_AUTH_TOKEN");
    sb_actor_def_t def = {
        .name = "sender",
        .summary = "Sends each approved reply (quality.approved) by SMS or WhatsApp through "
                   "Twilio, never twice, or to the local outbox; emits message.sent.",
        .handler = sb_sender_handle,
        .setup = s_setup,
        .teardown = s_teardown,
        .config_help = SB_SENDER_CONFIG_HELP,
        .needs_redis = token && *token,
    };
    int rc = sb_actor_main (&def, argc, argv);
    curl_global_cleanup ();
    return rc;
}
