/*  sb_actor.c — an actor process's start: command line, config, the
    handler's state, then the harness or the broker loop.                  */

#include "sb_actor_private.h"
#include "sb_curve.h"
#include <signal.h>

static void
s_usage (const sb_actor_def_t *def, FILE *file)
{
    fprintf (file,
        "Usage: %s [OPTIONS]\n%s\n\n"
        "Options (each overrides the config file's %s/... keys):\n"
        "  -c, --config FILE        ZPL config; this actor reads its section '%s'\n"
        "  -b, --broker EP[,EP...]  broker endpoints (%s/broker; env SB_BROKER;\n"
        "                           default tcp://127.0.0.1:5555)\n"
        "  -i, --instance NAME      this instance's name (%s/instance; default host-pid)\n"
        "  -n, --capacity N         messages handled at once, 1..256 (%s/capacity; default %d)\n"
        "  -t, --threads MODE       where the handler runs (%s/threads): on = worker\n"
        "                           threads, off = the main thread, one message after\n"
        "                           another (only for handlers that never block long),\n"
        "                           auto = as the actor declares (the default): for\n"
        "                           this one, %s\n"
        "  -g, --grace MS           on SIGTERM, time to finish what is held (%s/grace;\n"
        "                           default 10000)\n"
        "  -s, --stats EP           bind EP (e.g. tcp://127.0.0.1:*) and answer SBP/1 STATS\n"
        "                           there with this instance's counters (%s/stats)\n"
        "  -m, --monitor EP         bind EP and publish the broker links' socket events\n"
        "                           there, for zmon sockets (%s/monitor)\n"
        "  -r, --redis URL          Redis for handlers that use it: tcp://host:port or\n"
        "                           unix:/path (%s/redis; env SB_REDIS_URL; password\n"
        "                           from REDIS_PASSWORD)\n"
        "      --harness [FILE]     no broker: run the handler on JSON envelopes from FILE\n"
        "                           (default stdin), print what it emits and its outcome\n"
        "      --expect FILE        with --harness: compare with FILE instead, exit 65\n"
        "                           on a difference (fixtures: docs/writing-an-actor.md)\n"
        "  -h, --help               this text\n\n"
        "Environment: SB_CURVE_CERT (this actor's certificate, the _secret file) and\n"
        "SB_CURVE_SERVER (the brokers' public key or certificate) turn CURVE on\n"
        "(docs/security.md).\n",
        def->name, def->summary, def->name, def->name, def->name, def->name, def->name,
        def->capacity > 0? def->capacity: SB_ACTOR_CAPACITY,
        def->name, !def->inline_handler? "worker threads"
                                 : def->inline_with? "inline unless its config needs threads"
                                 : "inline", def->name, def->name,
        def->name, def->name);
    if (def->config_help)
        fprintf (file, "\nIts own config keys (section '%s'):\n%s", def->name, def->config_help);
    fprintf (file, "\nExit codes: 0 stopped cleanly; 78 bad config (do not restart); "
                   "65 harness mismatch.\n");
}

//  Splits a list of endpoints separated by commas or spaces.
static int
s_set_brokers (sb_actor_options_t *options, const char *list)
{
    for (size_t index = 0; index < options->broker_count; index++)
        zstr_free (&options->brokers [index]);
    options->broker_count = 0;
    char *copy = strdup (list), *saved = NULL;
    for (char *item = copy? strtok_r (copy, ", ", &saved): NULL; item;
         item = strtok_r (NULL, ", ", &saved)) {
        if (options->broker_count == SB_ACTOR_MAX_BROKERS) {
            free (copy);
            return -1;
        }
        options->brokers [options->broker_count++] = strdup (item);
    }
    free (copy);
    return options->broker_count? 0: -1;
}

static int
s_set_threads (const char *text, sb_actor_threads_t *threads)
{
    if (streq (text, "auto"))
        *threads = SB_ACTOR_THREADS_AUTO;
    else
    if (streq (text, "on"))
        *threads = SB_ACTOR_THREADS_ON;
    else
    if (streq (text, "off"))
        *threads = SB_ACTOR_THREADS_OFF;
    else
        return -1;
    return 0;
}

static int
s_set_number (const char *text, long low, long high, long *value)
{
    char *end;
    *value = strtol (text, &end, 10);
    return (*text && !*end && *value >= low && *value <= high)? 0: -1;
}

//  Applies one setting by name (broker, instance, capacity, threads,
//  grace, stats, redis, monitor) from where (for messages). Returns 0, or -1 with the
//  reason in err.
static int
s_apply (sb_actor_options_t *options, const char *name, const char *value, const char *where,
         char *err, size_t errlen)
{
    long number = 0;
    int rc = 0;
    if (streq (name, "broker"))
        rc = s_set_brokers (options, value);
    else
    if (streq (name, "instance")) {
        zstr_free (&options->instance);
        options->instance = strdup (value);
        rc = *value? 0: -1;
    }
    else
    if (streq (name, "capacity") && !(rc = s_set_number (value, 1, 256, &number)))
        options->capacity = (int) number;
    else
    if (streq (name, "threads") && (rc = s_set_threads (value, &options->threads))) {
        snprintf (err, errlen, "%s: '%s' is not on, off or auto", where, value);
        return rc;
    }
    else
    if (streq (name, "grace") && !(rc = s_set_number (value, 0, 3600000, &number)))
        options->grace_ms = number;
    else
    if (streq (name, "stats") || streq (name, "redis") || streq (name, "monitor")) {
        char **target = streq (name, "stats")? &options->stats_endpoint
                      : streq (name, "redis")? &options->redis_url: &options->monitor_endpoint;
        zstr_free (target);
        *target = strdup (value);
        rc = *value? 0: -1;
    }
    if (rc)
        snprintf (err, errlen, "%s: '%s' is not a valid %s", where, value, name);
    return rc;
}

int
sb_actor_options_load_section (sb_actor_options_t *options, zconfig_t *section, const char *path,
                               char *err, size_t errlen)
{
    const char *keys [] = { "broker", "instance", "capacity", "threads", "grace", "stats",
                            "redis", "monitor" };
    for (size_t index = 0; section && index < sizeof keys / sizeof keys [0]; index++) {
        char *value = zconfig_get (section, keys [index], NULL);
        char where [256];
        snprintf (where, sizeof where, "%s: %s/%s", path, options->def->name, keys [index]);
        if (value && s_apply (options, keys [index], value, where, err, errlen))
            return -1;
    }
    return 0;
}

//  Reads the config file's section for this actor.
static int
s_load_config (sb_actor_options_t *options, const char *path)
{
    char err [512];
    options->config = sb_config_load (path, err, sizeof err);
    options->section = options->config? zconfig_locate (options->config, options->def->name)
                                      : NULL;
    if (!options->config
    ||  sb_actor_options_load_section (options, options->section, path, err, sizeof err)) {
        fprintf (stderr, "%s: %s\n", options->def->name, err);
        return -1;
    }
    return 0;
}

//  The options that take a value, long and short.
static const char *
s_option_name (const char *arg)
{
    const char *names [][2] = { { "--broker", "-b" }, { "--instance", "-i" },
                                { "--capacity", "-n" }, { "--threads", "-t" },
                                { "--grace", "-g" }, { "--stats", "-s" },
                                { "--redis", "-r" }, { "--monitor", "-m" } };
    for (size_t index = 0; index < sizeof names / sizeof names [0]; index++)
        if (streq (arg, names [index][0]) || streq (arg, names [index][1]))
            return names [index][0] + 2;
    return NULL;
}

static int
s_parse_arguments (sb_actor_options_t *options, int argc, char *argv [])
{
    for (int index = 1; index < argc; index++) {
        const char *arg = argv [index];
        const char *name = s_option_name (arg);
        if (streq (arg, "-c") || streq (arg, "--config"))
            index++;   //  read already
        else
        if (name && index + 1 < argc) {
            char err [512];
            if (s_apply (options, name, argv [++index], arg, err, sizeof err)) {
                fprintf (stderr, "%s: %s\n", options->def->name, err);
                return -1;
            }
        }
        else
        if (streq (arg, "--harness"))
            options->harness = index + 1 < argc && (argv [index + 1][0] != '-'
                                                    || streq (argv [index + 1], "-"))
                             ? argv [++index]: "-";
        else
        if (streq (arg, "--expect") && index + 1 < argc)
            options->expect = argv [++index];
        else {
            fprintf (stderr, "%s: unknown option or missing value: %s (try --help)\n",
                     options->def->name, arg);
            return -1;
        }
    }
    return 0;
}

void
sb_actor_options_default (sb_actor_options_t *options, const sb_actor_def_t *def)
{
    memset (options, 0, sizeof *options);
    options->def = def;
    options->capacity = def->capacity > 0? def->capacity: SB_ACTOR_CAPACITY;
    options->grace_ms = 10000;
    char *host = zsys_hostname ();   //  a new string
    options->instance = zsys_sprintf ("%s-%d", host? host: "host", (int) getpid ());
    zstr_free (&host);
    s_set_brokers (options, "tcp://127.0.0.1:5555");
}

//  The environment's overrides, SB_BROKER and SB_REDIS_URL.
static int
s_apply_env (sb_actor_options_t *options, char *err, size_t errlen)
{
    const char *env = getenv ("SB_BROKER");
    if (env && *env && s_apply (options, "broker", env, "SB_BROKER", err, errlen))
        return -1;
    env = getenv ("SB_REDIS_URL");
    if (env && *env && s_apply (options, "redis", env, "SB_REDIS_URL", err, errlen))
        return -1;
    return 0;
}

static int
s_options_init (sb_actor_options_t *options, const sb_actor_def_t *def, int argc, char *argv [])
{
    sb_actor_options_default (options, def);
    for (int index = 1; index + 1 < argc; index++)
        if ((streq (argv [index], "-c") || streq (argv [index], "--config"))
        &&  s_load_config (options, argv [index + 1]))
            return -1;
    char err [512];
    if (s_apply_env (options, err, sizeof err)) {
        fprintf (stderr, "%s: %s\n", def->name, err);
        return -1;
    }
    if (s_parse_arguments (options, argc, argv))
        return -1;
    if (sb_curve_client_check (err, sizeof err)) {
        fprintf (stderr, "%s: %s\n", def->name, err);
        return -1;
    }
    options->schemas = sb_schemas_new_builtin (err, sizeof err);
    if (!options->schemas) {
        fprintf (stderr, "%s: built-in schemas: %s\n", def->name, err);
        return -1;
    }
    return 0;
}

bool
sb_actor_options_inline (const sb_actor_options_t *options)
{
    if (options->threads != SB_ACTOR_THREADS_AUTO)
        return options->threads == SB_ACTOR_THREADS_OFF;
    return options->def->inline_handler
        && (!options->def->inline_with || options->def->inline_with (options->state));
}

void
sb_actor_options_clear (sb_actor_options_t *options)
{
    if (options->def->teardown && options->state)
        options->def->teardown (&options->state);
    for (size_t index = 0; index < options->broker_count; index++)
        zstr_free (&options->brokers [index]);
    zstr_free (&options->instance);
    zstr_free (&options->stats_endpoint);
    zstr_free (&options->monitor_endpoint);
    zstr_free (&options->redis_url);
    sb_schemas_destroy (&options->schemas);
    zconfig_destroy (&options->config);
}

int
sb_actor_main (const sb_actor_def_t *def, int argc, char *argv [])
{
    for (int index = 1; index < argc; index++)
        if (streq (argv [index], "-h") || streq (argv [index], "--help")) {
            s_usage (def, stdout);
            return 0;
        }
    //  A write to a Redis or HTTP peer that went away must fail with EPIPE,
    //  which the caller handles, not kill the process
    signal (SIGPIPE, SIG_IGN);
    //  Logs go to stderr: stdout is the harness's output, compared line by
    //  line with a fixture's expectation
    zsys_set_logstream (stderr);
    sb_actor_options_t options;
    int rc = s_options_init (&options, def, argc, argv)? SB_ACTOR_EXIT_CONFIG: 0;
    if (rc == 0 && def->needs_redis && !options.redis_url) {
        fprintf (stderr, "%s: needs Redis: give --redis URL, %s/redis in the config, "
                         "or SB_REDIS_URL\n", def->name, def->name);
        rc = SB_ACTOR_EXIT_CONFIG;
    }
    if (rc == 0 && def->setup) {
        char err [512] = "setup failed";
        options.state = def->setup (options.section, err, sizeof err);
        if (!options.state) {
            fprintf (stderr, "%s: %s\n", def->name, err);
            rc = SB_ACTOR_EXIT_CONFIG;
        }
    }
    if (rc == 0)
        rc = options.harness? sb_actor_harness (&options): sb_actor_run (&options);
    sb_actor_options_clear (&options);
    return rc;
}
