/*  sb_fleet_keys.c — one program's section of a fleet file: every key, its
    default and its check (docs/fleet.md lists the same keys).             */

#include "sb_classes.h"
#include "sb_fleet.h"
#include "sb_fleet_private.h"
#include "sb_fleetvalue.h"
#include <signal.h>

#define S_REASON_MAX 384

//  Where a key may appear: in a program, in defaults, or both.
#define S_IN_PROGRAM  1
#define S_IN_DEFAULTS 2
#define S_ANYWHERE    3

typedef int (s_key_fn) (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node,
                        char *reason);

//  A key: its name, whether it is a section (env, config) or a value, and
//  where it is allowed.
typedef struct {
    const char *name;
    s_key_fn *apply;
    bool section;
    int where;
} s_key_t;

//  --------------------------------------------------------------------------
//  Helpers

static int
s_reason (char *reason, const char *format, ...) SB_PRINTF (2, 3);

static int
s_reason (char *reason, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (reason, S_REASON_MAX, format, args);
    va_end (args);
    return -1;
}

//  Replaces *words_p with the words of the node's value.
static int
s_words (zconfig_t *node, char ***words_p, char *reason)
{
    char **words = NULL;
    size_t count = 0;
    if (sb_fleetvalue_split (zconfig_value (node), &words, &count, reason, S_REASON_MAX))
        return -1;
    sb_fleetvalue_free (words_p);
    *words_p = words;
    return 0;
}

//  A list of names (commas or blanks between them), each checked by
//  is_valid.
static int
s_names (zconfig_t *node, char ***names_p, bool (*is_valid) (const char *), char *reason)
{
    char *copy = strdup (zconfig_value (node));
    for (char *comma = copy? strchr (copy, ','): NULL; comma; comma = strchr (comma, ','))
        *comma = ' ';
    char **names = NULL;
    size_t count = 0;
    int rc = copy? sb_fleetvalue_split (copy, &names, &count, reason, S_REASON_MAX): -1;
    free (copy);
    for (size_t index = 0; rc == 0 && is_valid && index < count; index++)
        if (!is_valid (names [index]))
            rc = s_reason (reason, "'%s' is not a valid name here", names [index]);
    if (rc) {
        sb_fleetvalue_free (&names);
        return -1;
    }
    sb_fleetvalue_free (names_p);
    *names_p = names;
    return 0;
}

static bool
s_is_env_name (const char *name)
{
    if (!*name || isdigit ((unsigned char) *name) || strlen (name) > 128)
        return false;
    for (; *name; name++)
        if (!isalnum ((unsigned char) *name) && *name != '_')
            return false;
    return true;
}

static int
s_duration (zconfig_t *node, int64_t *ms, char *reason)
{
    return sb_fleetvalue_duration (zconfig_value (node), ms, reason, S_REASON_MAX);
}

//  Replaces *value_p with the node's value, expanded.
static int
s_string (zconfig_t *node, char **value_p, char *reason)
{
    char *value = sb_fleetvalue_expand (zconfig_value (node), reason, S_REASON_MAX);
    if (!value)
        return -1;
    free (*value_p);
    *value_p = value;
    return 0;
}

//  --------------------------------------------------------------------------
//  Keys

static int
s_key_command (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    char **words = NULL;
    if (s_words (node, &words, reason))
        return -1;
    if (!words [0] || words [1]) {
        sb_fleetvalue_free (&words);
        return s_reason (reason, "command is one program (a path, or a name found in PATH); "
                         "its arguments go in 'args'");
    }
    free (self->command);
    //  A path with a folder is taken from the fleet's directory
    self->command = strchr (words [0], '/')? sb_fleet_path_join (parse->directory, words [0]):
                                             strdup (words [0]);
    sb_fleetvalue_free (&words);
    return self->command? 0: s_reason (reason, "out of memory");
}

static int
s_key_args (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_words (node, &self->args, reason);
}

//  argv: the command, then the args. Returns 0, or -1 out of memory.
static int
s_make_argv (sb_program_def_t *self)
{
    size_t count = 0;
    while (self->args [count])
        count++;
    self->argv = (char **) calloc (count + 2, sizeof (char *));
    if (!self->argv)
        return -1;
    self->argv [0] = strdup (self->command);
    for (size_t index = 0; index < count; index++)
        self->argv [index + 1] = strdup (self->args [index]);
    for (size_t index = 0; index <= count; index++)
        if (!self->argv [index])
            return -1;
    return 0;
}

static int
s_key_instances (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    long value = 0;
    if (sb_fleetvalue_number (zconfig_value (node), 0, SB_FLEET_MAX_INSTANCES, false, &value,
                              reason, S_REASON_MAX))
        return -1;
    self->instances = (int) value;
    return 0;
}

//  Sets NAME=value in env, replacing an earlier NAME (from defaults).
static int
s_env_set (sb_program_def_t *self, const char *name, const char *value)
{
    size_t count = 0, size = strlen (name);
    while (self->env [count])
        count++;
    char *entry = zsys_sprintf ("%s=%s", name, value);
    for (size_t index = 0; entry && index < count; index++)
        if (strncmp (self->env [index], entry, size + 1) == 0) {
            free (self->env [index]);
            self->env [index] = entry;
            return 0;
        }
    char **grown = entry? (char **) realloc (self->env, (count + 2) * sizeof (char *)): NULL;
    if (!grown) {
        free (entry);
        return -1;
    }
    grown [count] = entry;
    grown [count + 1] = NULL;
    self->env = grown;
    return 0;
}

static int
s_key_env (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    for (zconfig_t *entry = zconfig_child (node); entry; entry = zconfig_next (entry)) {
        const char *name = zconfig_name (entry);
        if (!s_is_env_name (name) || zconfig_child (entry)) {
            char where [64];
            snprintf (where, sizeof where, "%s:%zu", parse->origin,
                      sb_fleet_line_of (parse, entry));
            return s_reason (reason, "env: '%s' (%s) is not NAME = value", name, where);
        }
        char *value = sb_fleetvalue_expand (zconfig_value (entry), reason, S_REASON_MAX);
        int rc = value? s_env_set (self, name, value): -1;
        free (value);
        if (rc)
            return -1;
    }
    return 0;
}

static int
s_key_secrets (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_names (node, &self->secrets, s_is_env_name, reason);
}

static int
s_key_optional_secrets (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node,
                        char *reason)
{
    (void) parse;
    return s_names (node, &self->optional_secrets, s_is_env_name, reason);
}

static int
s_key_depends (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_names (node, &self->depends, sb_fleetvalue_is_name, reason);
}

//  Writes node's children as ZPL text into buffer, indented by depth.
static void
s_write_zpl (zconfig_t *node, int depth, zchunk_t *buffer)
{
    for (zconfig_t *child = zconfig_child (node); child; child = zconfig_next (child)) {
        const char *value = zconfig_value (child);
        char quote = strchr (value, '"')? '\'': '"';
        char *line = *value? zsys_sprintf ("%*s%s = %c%s%c\n", depth * 4, "",
                                           zconfig_name (child), quote, value, quote):
                             zsys_sprintf ("%*s%s\n", depth * 4, "", zconfig_name (child));
        if (line)
            zchunk_extend (buffer, line, strlen (line));
        free (line);
        s_write_zpl (child, depth + 1, buffer);
    }
}

static int
s_key_config (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    if (!zconfig_child (node))
        return s_reason (reason, "config is a section: the program's own ZPL, indented "
                         "under it");
    zchunk_t *buffer = zchunk_new (NULL, 0);
    s_write_zpl (node, 0, buffer);
    free (self->config_text);
    self->config_text = strndup ((char *) zchunk_data (buffer), zchunk_size (buffer));
    zchunk_destroy (&buffer);
    return self->config_text? 0: s_reason (reason, "out of memory");
}

static int
s_key_config_file (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    char *path = NULL;
    if (s_string (node, &path, reason))
        return -1;
    free (self->config_file);
    self->config_file = sb_fleet_path_join (parse->directory, path);
    free (path);
    return 0;
}

static int
s_key_config_option (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_string (node, &self->config_option, reason);
}

//  host:port, port 1..65535.
static bool
s_is_host_port (const char *target)
{
    const char *colon = strrchr (target, ':');
    long port = 0;
    char reason [S_REASON_MAX];
    return colon && colon > target
        && sb_fleetvalue_number (colon + 1, 1, 65535, false, &port, reason, sizeof reason) == 0;
}

//  The probe's target, by kind; words [1] is there.
static int
s_ready_target (s_parse_t *parse, sb_program_def_t *self, char **words, char *reason)
{
    if (self->ready == SB_READY_COMMAND) {
        sb_fleetvalue_free (&self->ready_argv);
        self->ready_argv = (char **) calloc (SB_FLEETVALUE_MAX_WORDS + 1, sizeof (char *));
        for (size_t index = 1; self->ready_argv && words [index]; index++)
            self->ready_argv [index - 1] = strdup (words [index]);
        return self->ready_argv? 0: s_reason (reason, "out of memory");
    }
    if (words [2])
        return s_reason (reason, "ready = %s takes one target", words [0]);
    if (self->ready == SB_READY_TCP && !s_is_host_port (words [1]))
        return s_reason (reason, "ready = tcp needs HOST:PORT, not '%s'", words [1]);
    if (self->ready == SB_READY_HTTP && (strncmp (words [1], "http://", 7) != 0
                                     ||  !strchr ("0123456789abcdefghijklmnopqrstuvwxyz[",
                                                  tolower ((unsigned char) words [1][7]))
                                     ||  !words [1][7]))
        return s_reason (reason, "ready = http needs a URL http://HOST[:PORT]/PATH, not '%s' "
                         "(no https: probe a local port)", words [1]);
    free (self->ready_target);
    self->ready_target = self->ready == SB_READY_UNIX?
        sb_fleet_path_join (parse->directory, words [1]): strdup (words [1]);
    return 0;
}

static int
s_key_ready (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    static const char *kinds [] = { "none", "notify-fd", "notify-socket", "exit", "tcp", "unix",
                                    "http", "command" };
    char **words = NULL;
    if (s_words (node, &words, reason))
        return -1;
    size_t kind = 0;
    while (words [0] && kind <= SB_READY_COMMAND && !streq (words [0], kinds [kind]))
        kind++;
    int rc = 0;
    if (!words [0] || kind > SB_READY_COMMAND)
        rc = s_reason (reason, "ready is none, notify-fd, notify-socket, exit, tcp HOST:PORT, "
                       "unix PATH, http URL or command ARGS, not '%s'", zconfig_value (node));
    else
    if (kind >= SB_READY_TCP && !words [1])
        rc = s_reason (reason, "ready = %s needs what to probe", words [0]);
    else
    if (kind < SB_READY_TCP && words [1])
        rc = s_reason (reason, "ready = %s takes nothing after it", words [0]);
    else {
        self->ready = (sb_ready_kind_t) kind;
        rc = kind >= SB_READY_TCP? s_ready_target (parse, self, words, reason): 0;
    }
    sb_fleetvalue_free (&words);
    return rc;
}

static int
s_key_ready_timeout (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_duration (node, &self->ready_timeout_ms, reason);
}

static int
s_key_probe_interval (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    if (s_duration (node, &self->probe_interval_ms, reason))
        return -1;
    return self->probe_interval_ms >= 10? 0: s_reason (reason, "probe-interval is at least 10ms");
}

static int
s_key_restart (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    const char *value = zconfig_value (node);
    if (streq (value, "permanent"))
        self->restart = SB_RESTART_PERMANENT;
    else
    if (streq (value, "transient"))
        self->restart = SB_RESTART_TRANSIENT;
    else
    if (streq (value, "temporary"))
        self->restart = SB_RESTART_TEMPORARY;
    else
        return s_reason (reason, "restart is permanent (always), transient (unless it exited "
                         "0) or temporary (never), not '%s'", value);
    return 0;
}

static int
s_key_intensity (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    long value = 0;
    if (sb_fleetvalue_number (zconfig_value (node), 0, 1000, false, &value, reason,
                              S_REASON_MAX))
        return -1;
    self->intensity = (int) value;
    return 0;
}

static int
s_key_period (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    if (s_duration (node, &self->period_ms, reason))
        return -1;
    return self->period_ms >= 1000? 0: s_reason (reason, "period is at least 1s");
}

static int
s_key_on_failure (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    const char *value = zconfig_value (node);
    if (!streq (value, "stop") && !streq (value, "keep"))
        return s_reason (reason, "on-failure is stop (stop the programs that depend on it) "
                         "or keep, not '%s'", value);
    self->stop_dependents = streq (value, "stop");
    return 0;
}

static int
s_key_backoff (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_duration (node, &self->backoff_initial_ms, reason);
}

static int
s_key_backoff_max (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_duration (node, &self->backoff_max_ms, reason);
}

static int
s_key_backoff_jitter (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    long value = 0;
    if (sb_fleetvalue_number (zconfig_value (node), 0, 100, true, &value, reason,
                              S_REASON_MAX))
        return -1;
    self->backoff_jitter = (int) value;
    return 0;
}

static int
s_key_backoff_reset (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_duration (node, &self->backoff_reset_ms, reason);
}

static int
s_key_stop_signal (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return sb_fleetvalue_signal (zconfig_value (node), &self->stop_signal, reason, S_REASON_MAX);
}

static int
s_key_grace (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    return s_duration (node, &self->grace_ms, reason);
}

//  A list of numbers low..high, commas or blanks between them, each passed
//  to add. "none" is the empty list.
static int
s_numbers (zconfig_t *node, long low, long high, void (*add) (sb_program_def_t *, long),
           sb_program_def_t *self, char *reason)
{
    char **words = NULL;
    if (s_names (node, &words, NULL, reason))
        return -1;
    int rc = 0;
    bool none = words [0] && streq (words [0], "none") && !words [1];
    for (size_t index = 0; rc == 0 && !none && words [index]; index++) {
        long value = 0;
        rc = sb_fleetvalue_number (words [index], low, high, false, &value, reason,
                                   S_REASON_MAX);
        if (rc == 0)
            add (self, value);
    }
    sb_fleetvalue_free (&words);
    return rc;
}

static void
s_add_exit_code (sb_program_def_t *self, long code)
{
    self->no_restart [code] = true;
}

static int
s_key_no_restart (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    memset (self->no_restart, 0, sizeof self->no_restart);
    return s_numbers (node, 1, 255, s_add_exit_code, self, reason);
}

static void
s_add_port (sb_program_def_t *self, long port)
{
    if (self->port_count < SB_FLEET_MAX_PORTS)
        self->ports [self->port_count++] = (int) port;
}

static int
s_key_ports (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node, char *reason)
{
    (void) parse;
    self->port_count = 0;
    return s_numbers (node, 1, 65535, s_add_port, self, reason);
}

static const s_key_t s_keys [] = {
    { "command",          s_key_command,          false, S_IN_PROGRAM },
    { "args",             s_key_args,             false, S_IN_PROGRAM },
    { "instances",        s_key_instances,        false, S_ANYWHERE },
    { "env",              s_key_env,              true,  S_ANYWHERE },
    { "secrets",          s_key_secrets,          false, S_IN_PROGRAM },
    { "optional-secrets", s_key_optional_secrets, false, S_IN_PROGRAM },
    { "depends",          s_key_depends,          false, S_IN_PROGRAM },
    { "config",           s_key_config,           true,  S_IN_PROGRAM },
    { "config-file",      s_key_config_file,      false, S_IN_PROGRAM },
    { "config-option",    s_key_config_option,    false, S_ANYWHERE },
    { "ready",            s_key_ready,            false, S_ANYWHERE },
    { "ready-timeout",    s_key_ready_timeout,    false, S_ANYWHERE },
    { "probe-interval",   s_key_probe_interval,   false, S_ANYWHERE },
    { "restart",          s_key_restart,          false, S_ANYWHERE },
    { "intensity",        s_key_intensity,        false, S_ANYWHERE },
    { "period",           s_key_period,           false, S_ANYWHERE },
    { "on-failure",       s_key_on_failure,       false, S_ANYWHERE },
    { "backoff",          s_key_backoff,          false, S_ANYWHERE },
    { "backoff-max",      s_key_backoff_max,      false, S_ANYWHERE },
    { "backoff-jitter",   s_key_backoff_jitter,   false, S_ANYWHERE },
    { "backoff-reset",    s_key_backoff_reset,    false, S_ANYWHERE },
    { "stop-signal",      s_key_stop_signal,      false, S_ANYWHERE },
    { "grace",            s_key_grace,            false, S_ANYWHERE },
    { "no-restart",       s_key_no_restart,       false, S_ANYWHERE },
    { "ports",            s_key_ports,            false, S_IN_PROGRAM },
};
#define S_KEY_COUNT (sizeof s_keys / sizeof s_keys [0])

//  --------------------------------------------------------------------------
//  A program

//  The key named name, or NULL; hint gets the closest known key.
static const s_key_t *
s_key_find (const char *name, const char **hint)
{
    int best = 3;
    *hint = NULL;
    for (size_t index = 0; index < S_KEY_COUNT; index++) {
        if (streq (s_keys [index].name, name))
            return &s_keys [index];
        int distance = sb_fleetvalue_distance (name, s_keys [index].name);
        if (distance < best) {
            best = distance;
            *hint = s_keys [index].name;
        }
    }
    return NULL;
}

//  Applies one key of section (a program, or defaults when in_defaults).
//  where names the section in errors.
static int
s_apply (s_parse_t *parse, sb_program_def_t *self, zconfig_t *section, zconfig_t *key,
         bool in_defaults, const char *where)
{
    const char *name = zconfig_name (key), *hint = NULL;
    const s_key_t *known = s_key_find (name, &hint);
    if (!known)
        return sb_fleet_fail (parse, key, "%s: unknown key '%s'%s%s%s (docs/fleet.md lists "
                              "them)", where, name, hint? " (did you mean '": "",
                              hint? hint: "", hint? "'?)": "");
    if (!(known->where & (in_defaults? S_IN_DEFAULTS: S_IN_PROGRAM)))
        return sb_fleet_fail (parse, key, "%s: '%s' belongs in a program, not in defaults",
                              where, name);
    if (!known->section && (zconfig_child (key) || !*zconfig_value (key)))
        return sb_fleet_fail (parse, key, "%s: '%s' needs a value ('%s = ...')", where, name,
                              name);
    if (known->section && *zconfig_value (key))
        return sb_fleet_fail (parse, key, "%s: '%s' is a section: its entries go on the lines "
                              "below it, indented", where, name);
    for (zconfig_t *seen = zconfig_child (section); seen != key;
         seen = zconfig_next (seen))
        if (streq (zconfig_name (seen), name))
            return sb_fleet_fail (parse, key, "%s: '%s' given twice (first at line %zu)",
                                  where, name, sb_fleet_line_of (parse, seen));
    char reason [S_REASON_MAX] = "out of memory";
    if (known->apply (parse, self, key, reason))
        return sb_fleet_fail (parse, key, "%s: %s: %s", where, name, reason);
    return 0;
}

//  Every key's default (docs/fleet.md).
static sb_program_def_t *
s_program_new (const char *name, size_t line)
{
    sb_program_def_t *self = (sb_program_def_t *) calloc (1, sizeof (sb_program_def_t));
    if (!self)
        return NULL;
    self->name = strdup (name);
    self->line = line;
    self->args = (char **) calloc (1, sizeof (char *));
    self->env = (char **) calloc (1, sizeof (char *));
    self->secrets = (char **) calloc (1, sizeof (char *));
    self->optional_secrets = (char **) calloc (1, sizeof (char *));
    self->depends = (char **) calloc (1, sizeof (char *));
    self->config_option = strdup ("-c");
    self->instances = 1;
    self->ready = SB_READY_NONE;
    self->ready_timeout_ms = 30000;
    self->probe_interval_ms = 200;
    self->restart = SB_RESTART_PERMANENT;
    self->intensity = 5;
    self->period_ms = 60000;
    self->stop_dependents = true;
    self->backoff_initial_ms = 100;
    self->backoff_max_ms = 30000;
    self->backoff_jitter = 20;
    self->backoff_reset_ms = 10000;
    self->stop_signal = SIGTERM;
    self->grace_ms = 15000;
    self->no_restart [78] = true;
    if (!self->name || !self->args || !self->env || !self->secrets || !self->optional_secrets
    ||  !self->depends || !self->config_option)
        sb_fleet_program_destroy (&self);
    return self;
}

//  Appends one string field to the fingerprint, with a separator that
//  cannot be in a ZPL value.
static void
s_print_words (zchunk_t *print, char **words)
{
    for (; words && *words; words++) {
        zchunk_extend (print, *words, strlen (*words));
        zchunk_extend (print, "\x1f", 1);
    }
    zchunk_extend (print, "\x1e", 1);
}

//  Everything that, changed by a reload, means restarting the program.
static char *
s_fingerprint (sb_program_def_t *self)
{
    zchunk_t *print = zchunk_new (NULL, 0);
    char *strings [] = { self->config_file, self->config_text, self->config_option,
                         self->ready_target, NULL };
    for (size_t index = 0; index < 4; index++)
        s_print_words (print, (char *[]) { strings [index]? strings [index]: (char *) "-",
                                           NULL });
    char **lists [] = { self->argv, self->env, self->secrets, self->optional_secrets,
                        self->depends, self->ready_argv };
    for (size_t index = 0; index < 6; index++)
        s_print_words (print, lists [index]);
    char *numbers = zsys_sprintf ("%d %" PRId64 " %" PRId64 " %d %d %" PRId64 " %d %" PRId64
        " %" PRId64 " %d %" PRId64 " %d %" PRId64, (int) self->ready, self->ready_timeout_ms,
        self->probe_interval_ms, (int) self->restart, self->intensity, self->period_ms,
        (int) self->stop_dependents, self->backoff_initial_ms, self->backoff_max_ms,
        self->backoff_jitter, self->backoff_reset_ms, self->stop_signal, self->grace_ms);
    if (numbers)
        zchunk_extend (print, numbers, strlen (numbers));
    free (numbers);
    zchunk_extend (print, self->no_restart, sizeof self->no_restart);
    zchunk_extend (print, self->ports, self->port_count * sizeof (int));
    char *text = zchunk_strhex (print);
    zchunk_destroy (&print);
    return text;
}

//  Checks what only the whole program can tell.
static int
s_program_check (s_parse_t *parse, sb_program_def_t *self, zconfig_t *node)
{
    if (!self->command)
        return sb_fleet_fail (parse, node, "%s: no 'command' (the program to run)", self->name);
    if (s_make_argv (self))
        return sb_fleet_fail (parse, node, "out of memory");
    if (self->config_file && self->config_text)
        return sb_fleet_fail (parse, node, "%s: both 'config' and 'config-file': give one",
                              self->name);
    if (self->backoff_max_ms < self->backoff_initial_ms)
        return sb_fleet_fail (parse, node, "%s: backoff-max is less than backoff", self->name);
    for (char **name = self->depends; *name; name++)
        for (char **other = self->depends; other < name; other++)
            if (streq (*name, *other))
                return sb_fleet_fail (parse, zconfig_locate (node, "depends"), "%s: depends "
                                      "on '%s' twice", self->name, *name);
    self->fingerprint = s_fingerprint (self);
    return self->fingerprint? 0: sb_fleet_fail (parse, node, "out of memory");
}

sb_program_def_t *
sb_fleet_program_parse (s_parse_t *parse, zconfig_t *node, zconfig_t *defaults,
                        sb_fleet_t *fleet)
{
    const char *name = zconfig_name (node);
    if (!sb_fleetvalue_is_name (name)) {
        sb_fleet_fail (parse, node, "'%s' is not a program name (a letter, then letters, "
                       "digits, '-' or '_'; at most 32)", name);
        return NULL;
    }
    if (*zconfig_value (node) || !zconfig_child (node)) {
        sb_fleet_fail (parse, node, "program '%s': a program is a section, its keys indented "
                       "below it (docs/fleet.md)", name);
        return NULL;
    }
    sb_program_def_t *self = s_program_new (name, sb_fleet_line_of (parse, node));
    int rc = self? 0: sb_fleet_fail (parse, node, "out of memory");
    for (zconfig_t *key = defaults? zconfig_child (defaults): NULL; rc == 0 && key;
         key = zconfig_next (key))
        rc = s_apply (parse, self, defaults, key, true, "defaults");
    for (zconfig_t *key = zconfig_child (node); rc == 0 && key; key = zconfig_next (key)) {
        if (streq (zconfig_name (key), "depends"))
            parse->depends_nodes [fleet->count] = key;
        rc = s_apply (parse, self, node, key, false, name);
    }
    if (rc == 0)
        rc = s_program_check (parse, self, node);
    if (rc)
        sb_fleet_program_destroy (&self);
    return self;
}

void
sb_fleet_program_destroy (sb_program_def_t **self_p)
{
    if (self_p && *self_p) {
        sb_program_def_t *self = *self_p;
        free (self->name);
        free (self->command);
        sb_fleetvalue_free (&self->args);
        sb_fleetvalue_free (&self->argv);
        sb_fleetvalue_free (&self->env);
        sb_fleetvalue_free (&self->secrets);
        sb_fleetvalue_free (&self->optional_secrets);
        sb_fleetvalue_free (&self->depends);
        sb_fleetvalue_free (&self->ready_argv);
        free (self->config_file);
        free (self->config_text);
        free (self->config_option);
        free (self->ready_target);
        free (self->fingerprint);
        free (self);
        *self_p = NULL;
    }
}
