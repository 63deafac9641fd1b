/*  broker — the Switchboard broker program: routes envelopes between
    publishers and actor workers, durably, over Redis. See docs/broker.md.

    Exit codes: 0 stopped by SIGTERM/SIGINT; 78 bad configuration, the
    endpoint cannot be bound, or Redis wants another password (do not
    restart: it will fail again); 69 Redis unreachable at start (restart
    later).                                                                */

#include "sb_classes.h"
#include <signal.h>
#include "sb_broker.h"

#define S_EXIT_CONFIG 78        //  sysexits.h EX_CONFIG
#define S_EXIT_UNAVAILABLE 69   //  EX_UNAVAILABLE

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: broker [OPTIONS]\n"
        "The Switchboard broker: a ZeroMQ ROUTER endpoint speaking SBP/1\n"
        "(docs/protocol.md), storing what it accepts in Redis (docs/broker.md).\n\n"
        "Options (each overrides the config file):\n"
        "  -c, --config FILE     ZPL config: broker/..., routes/..., services/...\n"
        "  -e, --endpoint EP     where to bind (default tcp://127.0.0.1:5555)\n"
        "  -r, --redis URL       tcp://host:port or unix:/path (default tcp://127.0.0.1:6379)\n"
        "  -n, --name NAME       this broker's name in the consumer group\n"
        "                        (default host|endpoint; unique per broker, stable\n"
        "                        across restarts)\n"
        "  -p, --prefix PREFIX   Redis key prefix (default sb:)\n"
        "      --curve-cert FILE     CURVE on: this broker's certificate (the _secret\n"
        "                        file of sbkeys new; broker/curve/certificate)\n"
        "      --curve-clients DIR   the allowed clients' public certificates\n"
        "                        (broker/curve/clients; docs/security.md)\n"
        "  -h, --help            this text\n\n"
        "Environment:\n"
        "  REDIS_PASSWORD        Redis AUTH password (never put it in a file)\n\n"
        "Exit codes: 0 stopped by a signal; 78 bad config, endpoint in use or\n"
        "Redis password missing or refused (do not restart); 69 Redis unreachable\n"
        "at start.\n");
}

//  Applies one command-line option with a value; returns -1 if unknown.
static int
s_option (sb_broker_config_t *settings, const char *option, const char *value)
{
    if (streq (option, "-e") || streq (option, "--endpoint"))
        settings->endpoint = value;
    else
    if (streq (option, "-r") || streq (option, "--redis"))
        settings->redis_url = value;
    else
    if (streq (option, "-n") || streq (option, "--name"))
        settings->name = value;
    else
    if (streq (option, "-p") || streq (option, "--prefix"))
        settings->prefix = value;
    else
    if (streq (option, "--curve-cert"))
        settings->curve_certificate = value;
    else
    if (streq (option, "--curve-clients"))
        settings->curve_clients = value;
    else
        return -1;
    return 0;
}

int
main (int argc, char *argv [])
{
    const char *config_path = NULL;
    for (int index = 1; index < argc; index++) {
        if (streq (argv [index], "-h") || streq (argv [index], "--help")) {
            s_usage (stdout);
            return 0;
        }
        if ((streq (argv [index], "-c") || streq (argv [index], "--config")) && index + 1 < argc)
            config_path = argv [++index];
    }
    zconfig_t *config = NULL;
    char err [512];
    if (config_path && !(config = sb_config_load (config_path, err, sizeof err))) {
        fprintf (stderr, "broker: %s\n", err);
        return S_EXIT_CONFIG;
    }
    sb_broker_config_t settings = sb_broker_config_default ();
    if (sb_broker_config_load (&settings, config, err, sizeof err)) {
        fprintf (stderr, "broker: %s: %s\n", config_path, err);
        zconfig_destroy (&config);
        return S_EXIT_CONFIG;
    }
    for (int index = 1; index < argc; index++) {
        const char *option = argv [index];
        if (streq (option, "-c") || streq (option, "--config")) {
            index++;
            continue;
        }
        if (index + 1 >= argc || s_option (&settings, option, argv [index + 1])) {
            fprintf (stderr, "broker: unknown option or missing value: %s (try --help)\n", option);
            zconfig_destroy (&config);
            return S_EXIT_CONFIG;
        }
        index++;
    }
    if (sb_broker_config_check_curve (&settings, err, sizeof err)) {
        fprintf (stderr, "broker: %s\n", err);
        zconfig_destroy (&config);
        return S_EXIT_CONFIG;
    }
    const char *password = getenv ("REDIS_PASSWORD");
    settings.redis_password = password && *password? password: NULL;

    //  A write to a Redis or HTTP peer that went away must fail with EPIPE,
    //  which the caller handles, not kill the process
    signal (SIGPIPE, SIG_IGN);
    zsys_init ();
    zsys_set_logident ("broker");
    sb_broker_t *broker = sb_broker_new (&settings, config, err, sizeof err);
    if (!broker) {
        fprintf (stderr, "broker: %s\n", err);
        zconfig_destroy (&config);
        //  A password refused or missing is a setting to fix, not an outage
        bool auth = strstr (err, "refused AUTH") || strstr (err, "wants a password");
        return strstr (err, "Redis") && !auth? S_EXIT_UNAVAILABLE: S_EXIT_CONFIG;
    }
    zsys_info ("broker: %s ready on %s, Redis %s%s", sb_broker_name (broker),
               sb_broker_endpoint (broker), settings.redis_url,
               settings.redis_password? " (with a password)": "");
    if (settings.curve_certificate)
        zsys_info ("broker: CURVE on, public key %s, clients allowed from %s",
                   sb_broker_curve_public_key (broker), settings.curve_clients);
    //  s6-style readiness: a line on the fd named by NOTIFY_FD, if any
    const char *notify = getenv ("NOTIFY_FD");
    if (notify && atoi (notify) > 2 && write (atoi (notify), "\n", 1) != 1)
        zsys_warning ("broker: cannot write readiness to fd %s", notify);
    sb_broker_run (broker, NULL);
    zsys_info ("broker: stopping");
    sb_broker_destroy (&broker);
    zconfig_destroy (&config);
    return 0;
}
