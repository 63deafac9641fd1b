/*  sender — sends each approved reply to the employee's phone, once
    (docs/actors/sender.md).

    Consumes quality.approved; emits message.sent. Through Twilio's
    Messages API, never twice for one idempotency key, with the tenant's
    own account (stored by agent-sync, read with CREDENTIALS_KEY) or the
    process's (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN), and a Redis;
    with neither, to the outbox: the Redis list sb:outbox and
    ./run/outbox.jsonl. The handler and its modules: sb_sender.h.          */

#include "sb_sender.h"
#include "sb_http.h"

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
    //  The auth token and the credentials key come only from the
    //  environment, and sending through Twilio needs one of them: with
    //  either, the Redis of the never-twice record and of tenants'
    //  credentials is required at start (78 without), as the runtime
    //  checks for needs_redis
    const char *token = getenv ("TWILIO_AUTH_TOKEN");
    const char *key = getenv ("CREDENTIALS_KEY");
    const char *key_file = getenv ("CREDENTIALS_KEY_FILE");
    sb_actor_def_t def = {
        .name = "sender",
        .summary = "Sends each approved reply (quality.approved) by SMS or WhatsApp through "
                   "Twilio, never twice, or to the local outbox; emits message.sent.",
        .handler = sb_sender_handle,
        .setup = s_setup,
        .teardown = s_teardown,
        .config_help = SB_SENDER_CONFIG_HELP,
        .needs_redis = (token && *token) || (key && *key) || (key_file && *key_file),
        //  A send waits on Twilio: at 4 threads the sender, not the
        //  per-account bound (twilio/max_in_flight), limited the fleet
        .capacity = 32,
    };
    return sb_http_actor_main (&def, argc, argv);
}
