/*  zmon-web — zmon's web console (docs/zmon.md, Web console): the fleet's
    figures, dead letters, conversations and supervise's programs in a
    browser, from the same brokers and the same JSON as `zmon --json`.

    Usage: zmon-web [--listen ADDR[:PORT]] [--port N] [-b EP]... [-c FILE]
                    [-s PATH] [-t MS]
    Read-only unless ZMON_WEB_TOKEN is set in the environment.
    Exit codes: 0 stopped (SIGINT, SIGTERM); 64 bad command line; 69
    cannot listen; 78 bad config.                                          */

#include "sb_classes.h"
#include "sb_zmon_source.h"
#include "sb_zmon_web.h"
#include "sb_curve.h"

#define S_EXIT_USAGE       64
#define S_EXIT_UNAVAILABLE 69
#define S_EXIT_CONFIG      78
#define S_BROKERS_MAX      16
#define S_DEFAULT_SUPERVISE "run/supervise.sock"

typedef struct {
    sb_zmon_web_config_t web;
    const char *brokers [S_BROKERS_MAX];
    char listen [64];
    char *broker_list;           //  zmon/broker's copy, split in place
    const char *config_path;
    zconfig_t *config;
} s_options_t;

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: zmon-web [OPTIONS]\n"
        "Serves zmon's web console: the fleet, dead letters, conversations and\n"
        "supervise's programs in a browser (docs/zmon.md, Web console).\n\n"
        "  -l, --listen ADDR[:PORT]  IPv4 address and port (default 127.0.0.1:%d;\n"
        "                            zmon/web/listen in the config)\n"
        "  -p, --port N              the port alone (0: any free one)\n"
        "  -b, --broker EP           a broker; repeat for several (else zmon/broker,\n"
        "                            $SB_BROKER, tcp://127.0.0.1:5555)\n"
        "  -c, --config FILE         ZPL: zmon/broker, zmon/supervise, zmon/timeout,\n"
        "                            zmon/web/listen, alerts\n"
        "  -s, --supervise PATH      supervise's control socket (default\n"
        "                            " S_DEFAULT_SUPERVISE " when it exists)\n"
        "  -t, --timeout MS          wait for each broker's answer (default 2000)\n"
        "  -h, --help                this text\n\n"
        "Read-only unless ZMON_WEB_TOKEN is set: replaying dead letters then needs\n"
        "the header Authorization: Bearer $ZMON_WEB_TOKEN.\n", SB_ZMON_WEB_PORT);
}

//  Reads ADDR[:PORT] into the options. Returns 0, or -1.
static int
s_listen (s_options_t *self, const char *text)
{
    const char *colon = strchr (text, ':');
    size_t length = colon? (size_t) (colon - text): strlen (text);
    if (length == 0 || length >= sizeof self->listen)
        return -1;
    memcpy (self->listen, text, length);
    self->listen [length] = 0;
    char *end = NULL;
    long port = colon? strtol (colon + 1, &end, 10): self->web.port;
    if (colon && (!colon [1] || *end))
        return -1;
    self->web.port = (int) port;
    return port < 0 || port > 65535? -1: 0;
}

//  Reads a number in low..high. Returns 0, or -1.
static int
s_int (const char *text, long low, long high, int *value)
{
    char *end = NULL;
    long number = strtol (text, &end, 10);
    if (!*text || *end || number < low || number > high)
        return -1;
    *value = (int) number;
    return 0;
}

//  One option and its value. Returns 0, or -1 if the value is bad.
static int
s_option (s_options_t *self, const char *name, const char *value)
{
    if (streq (name, "-l") || streq (name, "--listen"))
        return s_listen (self, value);
    if (streq (name, "-p") || streq (name, "--port"))
        return s_int (value, 0, 65535, &self->web.port);
    if (streq (name, "-t") || streq (name, "--timeout"))
        return s_int (value, 10, 600000, &self->web.timeout_ms);
    if (streq (name, "-s") || streq (name, "--supervise"))
        self->web.supervise = value;
    else
    if (streq (name, "-c") || streq (name, "--config"))
        self->config_path = value;
    else
    if (self->web.broker_count < S_BROKERS_MAX)
        self->brokers [self->web.broker_count++] = value;
    return 0;
}

//  Splits zmon/broker (a list) into the brokers.
static void
s_config_brokers (s_options_t *self, const char *brokers)
{
    self->broker_list = strdup (brokers);
    char *saved = NULL;
    for (char *item = strtok_r (self->broker_list, ", ", &saved);
         item && self->web.broker_count < S_BROKERS_MAX; item = strtok_r (NULL, ", ", &saved))
        self->brokers [self->web.broker_count++] = item;
}

//  The config: alerts, and what the command line did not say (--listen
//  or --port replace zmon/web/listen). Returns 0, or -1 with the reason
//  on stderr.
static int
s_configure (s_options_t *self, bool listen_given)
{
    char err [512];
    if (!self->config_path)
        return sb_alerts_load (&self->web.alerts, NULL, err, sizeof err);
    if (!(self->config = sb_config_load (self->config_path, err, sizeof err))
    ||  sb_alerts_load (&self->web.alerts, self->config, err, sizeof err)) {
        fprintf (stderr, "zmon-web: %s: %s\n", self->config_path, err);
        return -1;
    }
    const char *listen = zconfig_get (self->config, "zmon/web/listen", NULL);
    const char *timeout = zconfig_get (self->config, "zmon/timeout", NULL);
    const char *brokers = zconfig_get (self->config, "zmon/broker", NULL);
    if (!self->web.supervise)
        self->web.supervise = zconfig_get (self->config, "zmon/supervise", NULL);
    if (brokers && !self->web.broker_count)
        s_config_brokers (self, brokers);
    if (listen && !listen_given && s_listen (self, listen)) {
        fprintf (stderr, "zmon-web: %s: zmon/web/listen: '%s' is not ADDR[:PORT]\n",
                 self->config_path, listen);
        return -1;
    }
    if (timeout && self->web.timeout_ms == SB_ZMON_TIMEOUT_MS
    &&  s_int (timeout, 10, 600000, &self->web.timeout_ms)) {
        fprintf (stderr, "zmon-web: %s: zmon/timeout: '%s' is not a number in 10..600000\n",
                 self->config_path, timeout);
        return -1;
    }
    return 0;
}

//  Parses the command line. Returns 0, -1 for --help, or an exit code.
static int
s_parse (s_options_t *self, int argc, char *argv [])
{
    const char *with_value = " -l --listen -p --port -b --broker -c --config -s --supervise "
                             "-t --timeout ";
    bool listen_given = false;
    for (int index = 1; index < argc; index += 2) {
        char word [32];
        snprintf (word, sizeof word, " %s ", argv [index]);
        if (streq (argv [index], "-h") || streq (argv [index], "--help")) {
            s_usage (stdout);
            return -1;
        }
        if (!strstr (with_value, word) || index + 1 == argc || strlen (argv [index]) > 16) {
            fprintf (stderr, "zmon-web: unknown option or missing value: %s (try --help)\n",
                     argv [index]);
            return S_EXIT_USAGE;
        }
        listen_given = listen_given || strstr (" -l --listen -p --port ", word);
        if (s_option (self, argv [index], argv [index + 1])) {
            fprintf (stderr, "zmon-web: %s: bad value '%s'\n", argv [index], argv [index + 1]);
            return S_EXIT_USAGE;
        }
    }
    if (s_configure (self, listen_given))
        return S_EXIT_CONFIG;
    const char *broker = getenv ("SB_BROKER");
    if (!self->web.broker_count)
        self->brokers [self->web.broker_count++] = broker && *broker? broker: "tcp://127.0.0.1:5555";
    if (!self->web.supervise && zsys_file_exists (S_DEFAULT_SUPERVISE))
        self->web.supervise = S_DEFAULT_SUPERVISE;
    if (!*self->listen)
        snprintf (self->listen, sizeof self->listen, "127.0.0.1");
    return 0;
}

int
main (int argc, char *argv [])
{
    s_options_t options = { .web = { .port = SB_ZMON_WEB_PORT, .timeout_ms = SB_ZMON_TIMEOUT_MS } };
    int code = s_parse (&options, argc, argv);
    char err [300];
    //  A bad SB_CURVE_* ends it now, not at each page's broker request
    if (code == 0 && sb_curve_client_check (err, sizeof err)) {
        fprintf (stderr, "zmon-web: %s\n", err);
        code = S_EXIT_CONFIG;
    }
    if (code == 0) {
        zsys_init ();
        zsys_set_logident ("zmon-web");
        //  zsys_init catches SIGINT and SIGTERM alike: either ends the loop
        const char *token = getenv ("ZMON_WEB_TOKEN");
        options.web.token = token && *token? token: NULL;
        options.web.listen = options.listen;
        options.web.brokers = options.brokers;
        sb_zmon_web_t *web = sb_zmon_web_new (&options.web, err, sizeof err);
        if (web) {
            printf ("zmon-web: listening on http://%s:%d/ (%s)\n", options.listen,
                    sb_zmon_web_port (web), options.web.token
                    ? "actions allowed with ZMON_WEB_TOKEN": "read-only: no ZMON_WEB_TOKEN");
            fflush (stdout);
            while (!zsys_interrupted)
                zmq_poll (NULL, 0, 200);
            sb_zmon_web_destroy (&web);
        }
        else {
            fprintf (stderr, "zmon-web: %s\n", err);
            code = S_EXIT_UNAVAILABLE;
        }
    }
    zconfig_destroy (&options.config);
    free (options.broker_list);
    return code < 0? 0: code;
}
