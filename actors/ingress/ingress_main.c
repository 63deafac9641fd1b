/*  ingress — Switchboard's HTTP front door: Twilio and WhatsApp webhooks
    in, published to the broker, answered at once (docs/ingress.md).

    Exit codes: 0 stopped by SIGTERM/SIGINT; 78 bad configuration or the
    port cannot be bound (do not restart).                                 */

#include "sb_classes.h"
#include <signal.h>
#include "sb_ingress.h"

#define S_EXIT_CONFIG 78

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: ingress [OPTIONS]\n"
        "Switchboard's HTTP front door: webhooks in, published to the broker,\n"
        "answered as soon as the broker has stored them.\n\n"
        "Options (each overrides the config file's ingress/... keys):\n"
        "  -c, --config FILE      ZPL config, section 'ingress'\n"
        "  -l, --listen ADDR      bind address (ingress/listen; default 127.0.0.1)\n"
        "  -p, --port N           port, 0 for any free one (ingress/port; default 8080)\n"
        "  -b, --broker EP        broker endpoint (ingress/broker; env SB_BROKER;\n"
        "                         default tcp://127.0.0.1:5555)\n"
        "  -u, --public-url URL   the scheme://host[:port] Twilio calls, when a proxy\n"
        "                         sits in front (ingress/public-url; default: http://\n"
        "                         and the request's Host header)\n"
        "  -t, --tenant NAME      tenant of inbound SMS (ingress/tenant; default demo)\n"
        "      --max-body BYTES   larger bodies get 413 (ingress/max-body; default 65536)\n"
        "      --publish-timeout MS  no broker ACK by then: 503 (ingress/publish-timeout;\n"
        "                         default 2000)\n"
        "      --threads N        HTTP worker threads (ingress/threads; default 8)\n"
        "  -h, --help             this text\n\n"
        "Environment (secrets, never logged):\n"
        "  TWILIO_AUTH_TOKEN      verifies X-Twilio-Signature; without it every\n"
        "                         /webhook/sms request is refused (403)\n"
        "  INTERNAL_SECRET        the WhatsApp gateway's X-Internal-Secret; without it\n"
        "                         every /webhook/whatsapp/incoming request is refused (401)\n\n"
        "Endpoints: GET /health, GET /ready, POST /webhook/sms,\n"
        "POST /webhook/whatsapp/incoming.\n"
        "Exit codes: 0 stopped by a signal; 78 bad config or port in use.\n");
}

//  Applies one setting; returns -1 with a message printed when invalid.
static int
s_apply (sb_ingress_config_t *config, const char *name, const char *value, const char *where)
{
    char *end;
    long number = strtol (value, &end, 10);
    bool numeric = *value && !*end;
    if (streq (name, "listen"))          config->listen = value;
    else if (streq (name, "broker"))     config->broker = value;
    else if (streq (name, "public-url")) config->public_url = value;
    else if (streq (name, "tenant"))     config->tenant = value;
    else if (streq (name, "port") && numeric && number >= 0 && number <= 65535)
        config->port = (int) number;
    else if (streq (name, "max-body") && numeric && number >= 1024 && number <= (64 << 20))
        config->max_body = (size_t) number;
    else if (streq (name, "publish-timeout") && numeric && number >= 10 && number <= 60000)
        config->publish_timeout_ms = (int) number;
    else if (streq (name, "threads") && numeric && number >= 1 && number <= 256)
        config->threads = (int) number;
    else {
        fprintf (stderr, "ingress: %s: '%s' is not a valid %s\n", where, value, name);
        return -1;
    }
    return 0;
}

static const char *s_keys [] = { "listen", "port", "broker", "public-url", "tenant",
                                 "max-body", "publish-timeout", "threads" };
#define S_KEYS (sizeof s_keys / sizeof s_keys [0])

static int
s_load (sb_ingress_config_t *config, zconfig_t *file, const char *path)
{
    zconfig_t *section = zconfig_locate (file, "ingress");
    for (zconfig_t *item = section? zconfig_child (section): NULL; item; item = zconfig_next (item)) {
        char where [512];
        snprintf (where, sizeof where, "%s: ingress/%s", path, zconfig_name (item));
        size_t key = 0;
        while (key < S_KEYS && !streq (s_keys [key], zconfig_name (item)))
            key++;
        if (key == S_KEYS) {
            fprintf (stderr, "ingress: %s: unknown key\n", where);
            return -1;
        }
        if (s_apply (config, zconfig_name (item), zconfig_value (item), where))
            return -1;
    }
    return 0;
}

//  The long name of an option that takes a value, or NULL.
static const char *
s_option (const char *arg)
{
    const char *shorts [] = { "-l", "-p", "-b", "-u", "-t" };
    const char *longs [] = { "listen", "port", "broker", "public-url", "tenant" };
    for (size_t index = 0; index < 5; index++)
        if (streq (arg, shorts [index]))
            return longs [index];
    for (size_t index = 0; index < S_KEYS; index++)
        if (strncmp (arg, "--", 2) == 0 && streq (arg + 2, s_keys [index]))
            return s_keys [index];
    return NULL;
}

int
main (int argc, char *argv [])
{
    sb_ingress_config_t config = sb_ingress_config_default ();
    zconfig_t *file = NULL;
    char err [512];
    for (int index = 1; index < argc; index++) {
        if (streq (argv [index], "-h") || streq (argv [index], "--help")) {
            s_usage (stdout);
            return 0;
        }
        if ((streq (argv [index], "-c") || streq (argv [index], "--config")) && index + 1 < argc
        &&  (!(file = sb_config_load (argv [index + 1], err, sizeof err))
             || s_load (&config, file, argv [index + 1]))) {
            if (!file)
                fprintf (stderr, "ingress: %s\n", err);
            zconfig_destroy (&file);
            return S_EXIT_CONFIG;
        }
    }
    const char *broker = getenv ("SB_BROKER");
    if (broker && *broker)
        config.broker = broker;
    for (int index = 1; index < argc; index++) {
        const char *option = argv [index];
        const char *name = s_option (option);
        if (streq (option, "-c") || streq (option, "--config")) {
            index++;
            continue;
        }
        if (!name || index + 1 >= argc) {
            fprintf (stderr, "ingress: unknown option or missing value: %s (try --help)\n", option);
            zconfig_destroy (&file);
            return S_EXIT_CONFIG;
        }
        if (s_apply (&config, name, argv [++index], option)) {
            zconfig_destroy (&file);
            return S_EXIT_CONFIG;
        }
    }
    config.twilio_token = getenv ("TWILIO_AUTH_TOKEN");
    config.internal_secret = getenv ("INTERNAL_SECRET");
    //  A write to a Redis or HTTP peer that went away must fail with EPIPE,
    //  which the caller handles, not kill the process
    signal (SIGPIPE, SIG_IGN);
    zsys_init ();
    zsys_set_logident ("ingress");
    sb_ingress_t *ingress = sb_ingress_new (&config, err, sizeof err);
    if (!ingress) {
        fprintf (stderr, "ingress: %s\n", err);
        zconfig_destroy (&file);
        return S_EXIT_CONFIG;
    }
    zsys_info ("ingress: listening on http://%s:%d, broker %s%s", config.listen,
               sb_ingress_port (ingress), config.broker,
               config.twilio_token? "": " (no TWILIO_AUTH_TOKEN: /webhook/sms refuses all)");
    const char *notify = getenv ("NOTIFY_FD");
    if (notify && atoi (notify) > 2 && write (atoi (notify), "\n", 1) != 1)
        zsys_warning ("ingress: cannot write readiness to fd %s", notify);
    while (!zsys_interrupted)
        zclock_sleep (100);
    zsys_info ("ingress: stopping");
    sb_ingress_destroy (&ingress);
    zconfig_destroy (&file);
    return 0;
}
