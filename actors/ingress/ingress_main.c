/*  ingress — Switchboard's HTTP front door: Twilio and WhatsApp webhooks
    in, published to the broker, answered at once (docs/ingress.md).

    Exit codes: 0 stopped by SIGTERM/SIGINT; 78 bad configuration or the
    port cannot be bound (do not restart).                                 */

#include "sb_classes.h"
#include <signal.h>
#include "sb_ingress.h"
#include "sb_ingress_config.h"
#include "sb_credentials.h"
#include "sb_curve.h"

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
        "  -b, --broker EP[,EP]   broker endpoint, or several brokers sharing one\n"
        "                         Redis: publishes go to those reachable, and one\n"
        "                         that times out is published once more (its key\n"
        "                         dedups); replies link to the first (ingress/broker;\n"
        "                         env SB_BROKER; default tcp://127.0.0.1:5555)\n"
        "  -u, --public-url URL   the scheme://host[:port] Twilio calls, when a proxy\n"
        "                         sits in front (ingress/public-url; default: http://\n"
        "                         and the request's Host header)\n"
        "  -t, --tenant NAME      tenant of an SMS to a number not listed in the\n"
        "                         ingress/numbers section (ingress/tenant; default demo)\n"
        "  -i, --instance NAME    this instance's name, stable across restarts: its\n"
        "                         replies queue is reply.ingress.NAME (ingress/instance;\n"
        "                         default <hostname>-<port>)\n"
        "      --workspace-timeout MS  no report from agent-sync by then: 504\n"
        "                         (ingress/workspace-timeout; default 15000)\n"
        "      --max-body BYTES   larger bodies get 413 (ingress/max-body; default 65536)\n"
        "      --publish-timeout MS  no broker ACK by then: 503 (ingress/publish-timeout;\n"
        "                         default 2000)\n"
        "      --threads N        HTTP worker threads (ingress/threads; default 8)\n"
        "  -r, --redis URL        the Redis where agent-sync keeps tenants' credentials\n"
        "                         (ingress/redis; env SB_REDIS_URL; tcp://host:port or\n"
        "                         unix:/path): with CREDENTIALS_KEY, an SMS is checked\n"
        "                         against its tenant's own Twilio token when one is stored\n"
        "      --credentials-ttl MS  how long a tenant's token, or its absence, is kept\n"
        "                         before Redis is read again (ingress/credentials-ttl;\n"
        "                         default 30000; 0: read for every SMS)\n"
        "  -h, --help             this text\n\n"
        "Environment (secrets, never logged):\n"
        "  TWILIO_AUTH_TOKEN      verifies X-Twilio-Signature of a tenant with no token\n"
        "                         of its own stored; with neither every such request is\n"
        "                         refused (403)\n"
        "  CREDENTIALS_KEY        the key agent-sync seals credentials with (or\n"
        "                         CREDENTIALS_KEY_FILE naming a file that holds it);\n"
        "                         with --redis, tenants' own tokens are read: Redis\n"
        "                         unreachable then means 503, never the global token\n"
        "  REDIS_PASSWORD         that Redis's password, if it has one\n"
        "  INTERNAL_SECRET        the WhatsApp gateway's X-Internal-Secret; without it\n"
        "                         every /webhook/whatsapp/incoming request is refused (401)\n"
        "  WORKSPACE_API_TOKEN    bearer token of /api/workspace/save for any tenant\n"
        "                         (tenantId in the body); tenants' own tokens go in the\n"
        "                         section ingress/workspace-tokens (<tenant> = env:VAR)\n"
        "  SB_CURVE_CERT, SB_CURVE_SERVER  CURVE to the broker: this program's\n"
        "                         certificate and the broker's key (docs/security.md)\n\n"
        "Config sections: ingress/numbers (<E.164 number> = <tenant>: the tenant of an\n"
        "SMS by its To), ingress/workspace-tokens (<tenant> = <token> or env:VAR).\n"
        "Endpoints: GET /health, GET /ready, GET /metrics, POST /webhook/sms,\n"
        "POST /webhook/whatsapp/incoming, POST /api/workspace/save.\n"
        "Exit codes: 0 stopped by a signal; 78 bad config or port in use.\n");
}

//  The long name of an option that takes a value, or NULL.
static const char *
s_option (const char *arg)
{
    const char *shorts [] = { "-l", "-p", "-b", "-u", "-t", "-i", "-r" };
    const char *longs [] = { "listen", "port", "broker", "public-url", "tenant", "instance",
                             "redis" };
    for (size_t index = 0; index < 7; index++)
        if (streq (arg, shorts [index]))
            return longs [index];
    if (strncmp (arg, "--", 2) == 0 && sb_ingress_config_is_key (arg + 2))
        return arg + 2;
    return NULL;
}

//  Tenants' own Twilio tokens are read when both a Redis and the
//  credentials key are given (without a Redis the key is not looked at).
//  Returns 0 with *box_p the key's box (caller destroys) or NULL when
//  there is none, or -1 when a key is given but unreadable or malformed
//  (the reason printed).
static int
s_credentials (sb_ingress_config_t *config, sb_secretbox_t **box_p)
{
    char err [512];
    *box_p = NULL;
    if (config->redis && sb_credentials_box_from_env (box_p, err, sizeof err) < 0) {
        fprintf (stderr, "ingress: %s\n", err);
        return -1;
    }
    config->credentials_box = *box_p;
    const char *password = getenv ("REDIS_PASSWORD");
    config->redis_password = password && *password? password: NULL;
    return 0;
}

//  Says at start where each tenant's signing token comes from.
static void
s_log_tokens (const sb_ingress_config_t *config)
{
    if (config->credentials_box)
        zsys_info ("ingress: /webhook/sms: a tenant's own Twilio token from Redis %s (kept %d ms), "
                   "else %s", config->redis, config->credentials_ttl_ms,
                   config->twilio_token? "TWILIO_AUTH_TOKEN": "refused (no TWILIO_AUTH_TOKEN)");
    else
    if (config->redis)
        zsys_notice ("ingress: no CREDENTIALS_KEY: tenants' own Twilio tokens are not read "
                     "from Redis");
    if (!config->credentials_box && !config->twilio_token)
        zsys_notice ("ingress: no TWILIO_AUTH_TOKEN: /webhook/sms refuses all");
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
             || sb_ingress_config_load (&config, file, argv [index + 1], err, sizeof err))) {
            fprintf (stderr, "ingress: %s\n", err);
            zconfig_destroy (&file);
            return S_EXIT_CONFIG;
        }
    }
    const char *broker = getenv ("SB_BROKER");
    if (broker && *broker)
        config.broker = broker;
    const char *redis = getenv ("SB_REDIS_URL");
    if (redis && *redis)
        config.redis = redis;
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
        if (sb_ingress_config_apply (&config, name, argv [++index], option, err, sizeof err)) {
            fprintf (stderr, "ingress: %s\n", err);
            zconfig_destroy (&file);
            return S_EXIT_CONFIG;
        }
    }
    char instance [128];
    if (streq (config.instance, "ingress")) {
        //  The default names host and port: the same after a restart
        char *host = zsys_hostname ();
        snprintf (instance, sizeof instance, "%.60s-%d", host? host: "host", config.port);
        for (char *c = instance; *c; c++)
            if (!isalnum ((unsigned char) *c) && *c != '-' && *c != '_')
                *c = '_';
        zstr_free (&host);
        config.instance = instance;
    }
    config.twilio_token = getenv ("TWILIO_AUTH_TOKEN");
    config.workspace_token = getenv ("WORKSPACE_API_TOKEN");
    config.internal_secret = getenv ("INTERNAL_SECRET");
    if (sb_curve_client_check (err, sizeof err)) {
        fprintf (stderr, "ingress: %s\n", err);
        zconfig_destroy (&file);
        return S_EXIT_CONFIG;
    }
    sb_secretbox_t *box = NULL;
    if (s_credentials (&config, &box)) {
        zconfig_destroy (&file);
        return S_EXIT_CONFIG;
    }
    //  A write to a Redis or HTTP peer that went away must fail with EPIPE,
    //  which the caller handles, not kill the process
    signal (SIGPIPE, SIG_IGN);
    zsys_init ();
    zsys_set_logident ("ingress");
    sb_ingress_t *ingress = sb_ingress_new (&config, err, sizeof err);
    if (!ingress) {
        fprintf (stderr, "ingress: %s\n", err);
        sb_secretbox_destroy (&box);
        zconfig_destroy (&file);
        return S_EXIT_CONFIG;
    }
    zsys_info ("ingress: listening on http://%s:%d, broker %s", config.listen,
               sb_ingress_port (ingress), config.broker);
    s_log_tokens (&config);
    const char *notify = getenv ("NOTIFY_FD");
    if (notify && atoi (notify) > 2 && write (atoi (notify), "\n", 1) != 1)
        zsys_warning ("ingress: cannot write readiness to fd %s", notify);
    while (!zsys_interrupted)
        zclock_sleep (100);
    zsys_info ("ingress: stopping");
    sb_ingress_destroy (&ingress);
    sb_secretbox_destroy (&box);
    zconfig_destroy (&file);
    return 0;
}
