/*  sb_supervisor_ctl.c — the supervision tree's control commands, its
    status (a table, or JSON) and reload (see sb_supervisor.h).            */

#include "sb_classes.h"
#include "sb_supervisor_private.h"

#define S_COMMAND_MAX 512

//  --------------------------------------------------------------------------
//  Status

//  "12s", "3m04s", "5h02m", "2d03h".
static void
s_duration (int64_t ms, char *text, size_t size)
{
    int64_t seconds = ms / 1000;
    if (seconds < 60)
        snprintf (text, size, "%" PRId64 "s", seconds);
    else
    if (seconds < 3600)
        snprintf (text, size, "%" PRId64 "m%02" PRId64 "s", seconds / 60, seconds % 60);
    else
    if (seconds < 86400)
        snprintf (text, size, "%" PRId64 "h%02" PRId64 "m", seconds / 3600, seconds / 60 % 60);
    else
        snprintf (text, size, "%" PRId64 "d%02" PRId64 "h", seconds / 86400, seconds / 3600 % 24);
}

//  The rows status shows: the instances wanted, and any still running.
static bool
s_shown (s_instance_t *instance)
{
    return instance->number <= instance->program->count || sb_supervisor_is_live (instance);
}

static const char *
s_reason (s_instance_t *instance)
{
    if (instance->program->failed && instance->state == S_FAILED)
        return instance->program->failure;
    return instance->reason [0]? instance->reason: "-";
}

static json_t *
s_status_row (sb_supervisor_t *self, s_instance_t *instance, int64_t now)
{
    bool live = sb_supervisor_is_live (instance);
    return json_pack ("{s:s, s:i, s:o, s:s, s:I, s:i, s:s}",
                      "program", instance->program->def->name,
                      "instance", instance->number,
                      "pid", live? json_integer (sb_child_pid (instance->child)): json_null (),
                      "state", sb_supervisor_state_name (self, instance),
                      "uptime_ms", (json_int_t) (live? now - instance->started_at: 0),
                      "restarts", instance->restarts,
                      "reason", s_reason (instance));
}

static char *
s_status_json (sb_supervisor_t *self, int64_t now)
{
    json_t *rows = json_array (), *programs = json_array ();
    for (size_t index = 0; index < self->count; index++) {
        s_program_t *program = self->programs [index];
        json_array_append_new (programs, json_pack ("{s:s, s:i, s:b, s:b, s:s, s:b}",
            "name", program->def->name, "instances", program->count,
            "enabled", program->enabled, "failed", program->failed,
            "failure", program->failure, "removed", program->removed));
        for (int number = 0; number < SB_FLEET_MAX_INSTANCES; number++)
            if (s_shown (&program->instances [number]))
                json_array_append_new (rows, s_status_row (self, &program->instances [number],
                                                           now));
    }
    json_t *root = json_pack ("{s:s, s:b, s:o, s:o}", "fleet", self->path,
                              "shutting_down", self->shutting_down,
                              "programs", programs, "instances", rows);
    char *text = root? json_dumps (root, JSON_INDENT (2)): NULL;
    json_decref (root);
    char *answer = text? zsys_sprintf ("ok\n%s\n", text): NULL;
    free (text);
    return answer;
}

static void
s_status_line (sb_supervisor_t *self, s_instance_t *instance, int64_t now, zchunk_t *out)
{
    char pid [16] = "-", uptime [32] = "-";
    if (sb_supervisor_is_live (instance)) {
        snprintf (pid, sizeof pid, "%d", (int) sb_child_pid (instance->child));
        s_duration (now - instance->started_at, uptime, sizeof uptime);
    }
    char *line = zsys_sprintf ("%-16s %-8d %-8s %-9s %-8s %-8d %s\n",
                               instance->program->def->name, instance->number, pid,
                               sb_supervisor_state_name (self, instance), uptime,
                               instance->restarts, s_reason (instance));
    if (line)
        zchunk_extend (out, line, strlen (line));
    free (line);
}

static char *
s_status_table (sb_supervisor_t *self, int64_t now)
{
    zchunk_t *out = zchunk_new (NULL, 0);
    const char *header = "ok\nPROGRAM          INSTANCE PID      STATE     UPTIME   RESTARTS "
                         "LAST EXIT\n";
    zchunk_extend (out, header, strlen (header));
    for (size_t index = 0; index < self->count; index++)
        for (int number = 0; number < SB_FLEET_MAX_INSTANCES; number++)
            if (s_shown (&self->programs [index]->instances [number]))
                s_status_line (self, &self->programs [index]->instances [number], now, out);
    char *text = strndup ((char *) zchunk_data (out), zchunk_size (out));
    zchunk_destroy (&out);
    return text;
}

//  --------------------------------------------------------------------------
//  Commands on one program

static char *
s_error (const char *format, const char *name)
{
    char *reason = zsys_sprintf (format, name);
    char *answer = zsys_sprintf ("error: %s\n", reason? reason: "out of memory");
    free (reason);
    return answer;
}

static void
s_restart (sb_supervisor_t *self, s_program_t *program)
{
    sb_supervisor_revive (program);
    program->enabled = true;
    for (int number = 0; number < SB_FLEET_MAX_INSTANCES; number++)
        if (sb_supervisor_is_live (&program->instances [number]))
            program->instances [number].restart_after_stop = true;
    sb_supervisor_log (self, "%s: restart asked", program->def->name);
}

static char *
s_on_program (sb_supervisor_t *self, const char *verb, char *argument)
{
    char *equals = streq (verb, "scale")? strchr (argument, '='): NULL;
    if (equals)
        *equals = 0;
    s_program_t *program = sb_supervisor_find (self, argument);
    if (!program)
        return s_error ("no program named '%s' in this fleet", argument);
    if (streq (verb, "restart"))
        s_restart (self, program);
    else
    if (streq (verb, "stop")) {
        program->enabled = false;
        sb_supervisor_log (self, "%s: stop asked", program->def->name);
    }
    else
    if (streq (verb, "start")) {
        sb_supervisor_revive (program);
        program->enabled = true;
        sb_supervisor_log (self, "%s: start asked", program->def->name);
    }
    else {
        char *end = NULL;
        long count = equals? strtol (equals + 1, &end, 10): -1;
        if (!equals || !end || *end || end == equals + 1 || count < 0
        ||  count > SB_FLEET_MAX_INSTANCES)
            return s_error ("scale takes NAME=N, N from 0 to 64 (for %s)", argument);
        sb_supervisor_log (self, "%s: scale from %d to %ld", program->def->name,
                           program->count, count);
        program->count = (int) count;
    }
    return strdup ("ok\n");
}

char *
sb_supervisor_command (sb_supervisor_t *self, const char *line)
{
    char trimmed [S_COMMAND_MAX], copy [S_COMMAND_MAX];
    snprintf (trimmed, sizeof trimmed, "%s", line);
    trimmed [strcspn (trimmed, "\r\n")] = 0;
    memcpy (copy, trimmed, sizeof copy);
    char *saved = NULL;
    char *verb = strtok_r (copy, " ", &saved);
    char *argument = verb? strtok_r (NULL, " ", &saved): NULL;
    char *extra = argument? strtok_r (NULL, " ", &saved): NULL;
    int64_t now = zclock_mono ();
    if (!verb)
        return strdup ("error: empty command\n");
    if (streq (verb, "status") && !extra)
        return argument && streq (argument, "--json")? s_status_json (self, now):
               !argument? s_status_table (self, now):
                          s_error ("status takes --json or nothing, not '%s'", argument);
    if ((streq (verb, "restart") || streq (verb, "stop") || streq (verb, "start")
    ||   streq (verb, "scale")) && argument && !extra)
        return s_on_program (self, verb, argument);
    if (streq (verb, "reload") && !argument) {
        char err [512];
        if (sb_supervisor_reload (self, err, sizeof err))
            return s_error ("reload refused, nothing changed: %s", err);
        return strdup ("ok\nreloaded\n");
    }
    if (streq (verb, "shutdown") && !argument) {
        sb_supervisor_shutdown (self);
        return strdup ("ok\nstopping the fleet\n");
    }
    return s_error ("unknown command '%s' (status [--json], restart NAME, stop NAME, start "
                    "NAME, scale NAME=N, reload, shutdown)", trimmed);
}

//  --------------------------------------------------------------------------
//  Reload

//  Applies a new definition to a program that stays.
static void
s_update (sb_supervisor_t *self, s_program_t *program, sb_program_def_t *def)
{
    if (def->instances != program->def->instances) {
        sb_supervisor_log (self, "%s: instances %d -> %d", def->name, program->count,
                           def->instances);
        program->count = def->instances;
    }
    if (streq (def->fingerprint, program->def->fingerprint)) {
        program->def->instances = def->instances;
        sb_fleet_program_destroy (&def);
        return;
    }
    sb_fleet_program_destroy (&program->def);
    program->def = def;
    sb_supervisor_log (self, "%s: definition changed", def->name);
    s_restart (self, program);
}

int
sb_supervisor_reload (sb_supervisor_t *self, char *err, size_t errlen)
{
    sb_fleet_t *fleet = sb_fleet_load (self->path, err, errlen);
    if (!fleet)
        return -1;
    size_t removed = 0;
    for (size_t index = 0; index < self->count; index++)
        removed += self->programs [index]->removed
                || !sb_fleet_program (fleet, self->programs [index]->def->name);
    if (fleet->count + removed > S_MAX_PROGRAMS) {
        sb_fleet_destroy (&fleet);
        return sb_error_set (err, errlen, "programs removed by the last reload are still "
                             "stopping: try again in a moment");
    }
    s_program_t *order [S_MAX_PROGRAMS];
    size_t count = 0;
    for (size_t index = 0; index < fleet->count; index++) {
        sb_program_def_t *def = sb_fleet_take (fleet, fleet->programs [index]->name);
        s_program_t *program = sb_supervisor_find (self, def->name);
        if (program)
            s_update (self, program, def);
        else {
            program = sb_supervisor_program_new (def);
            if (program)
                sb_supervisor_log (self, "%s: added", program->def->name);
        }
        if (program)
            order [count++] = program;
    }
    for (size_t index = 0; index < self->count; index++) {
        s_program_t *program = self->programs [index];
        bool kept = false;
        for (size_t other = 0; other < count && !kept; other++)
            kept = order [other] == program;
        if (!kept && !program->removed)
            sb_supervisor_log (self, "%s: no longer in the fleet file: stopping it",
                               program->def->name);
        if (!kept)
            program->removed = true;
        if (!kept)
            order [count++] = program;
    }
    memcpy (self->programs, order, count * sizeof (s_program_t *));
    self->count = count;
    free (self->directory);
    self->directory = strdup (fleet->directory);
    sb_fleet_destroy (&fleet);
    return self->directory? 0: sb_error_set (err, errlen, "out of memory");
}
