/*  sender — sends each approved reply to the employee's phone, once
    (docs/actors/sender.md).

    Consumes quality.approved; emits message.sent. Twilio mode (with
    TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, and a Redis): through
    Twilio's Messages API, never twice for one idempotency key. Outbox
    mode (neither set): to the Redis list sb:outbox and ./run/outbox.jsonl.
    The handler and its modules: sb_sender.h.                              */

#include "sb_sender.h"
#include <curl/curl.h>

//  True if a Redis is configured for the actor: sender/redis, SB_REDIS_URL
//  or --redis (which main has put into SB_REDIS_URL for this check).
static bool
s_redis_configured (zconfig_t *section)
{
    const char *url = section? zconfig_get (section, "redis", NULL): NULL;
    const char *env = getenv ("SB_REDIS_URL");
    return (url && *url) || (env && *env);
}

static void *
s_setup (zconfig_t *section, char *err, size_t errlen)
{
    return sb_sender_new (section, s_redis_configured (section), err, errlen);
}

static void
s_teardown (void **state_p)
{
    sb_sender_destroy ((sb_sender_t **) state_p);
}

int
main (int argc, char *argv [])
{
    //  setup sees the config section and the environment, not the command
    //  line: a --redis given there is exported as SB_REDIS_URL, which the
    //  runtime reads before the command line (that still has the last word)
    for (int index = 1; index + 1 < argc; index++)
        if (streq (argv [index], "--redis") || streq (argv [index], "-r"))
            setenv ("SB_REDIS_URL", argv [index + 1], 1);
    //  Process-wide, once, before any thread: logs on stderr, so that
    //  --harness output on stdout stays JSON lines; libcurl's global state
    zsys_set_logstream (stderr);
    if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf (stderr, "sender: libcurl cannot initialise\n");
        return 70;
    }
    sb_actor_def_t def = {
        .name = "sender",
        .summary = "Sends each approved reply (quality.approved) by SMS or WhatsApp through "
                   "Twilio, never twice, or to the local outbox; emits message.sent.",
        .handler = sb_sender_handle,
        .setup = s_setup,
        .teardown = s_teardown,
        .config_help = SB_SENDER_CONFIG_HELP,
    };
    int rc = sb_actor_main (&def, argc, argv);
    curl_global_cleanup ();
    return rc;
}
