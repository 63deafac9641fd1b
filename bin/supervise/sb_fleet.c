/*  sb_fleet.c — fleet files: the tree, its keys, defaults and dependency
    order (see sb_fleet.h; values in sb_fleetvalue.c, program keys in
    sb_fleet_keys.c).                                                      */

#include "sb_classes.h"
#include "sb_fleet.h"
#include "sb_fleet_private.h"
#include "sb_fleetvalue.h"
#include <libgen.h>
#include <limits.h>
#include <unistd.h>

//  --------------------------------------------------------------------------
//  Lines: zconfig keeps none, but makes exactly one node per line that is
//  not blank or a comment, in file order, so a walk in that order finds
//  each node's line.

static bool
s_is_significant (const char *line, const char *end)
{
    while (line < end && *line == ' ')
        line++;
    return line < end && *line != '#' && *line != '\r';
}

//  Numbers the text's significant lines, then pairs them with the tree's
//  nodes in preorder. Leaves lines empty (every line 0) if they disagree.
static void
s_lines_walk (s_parse_t *self, zconfig_t *node, const size_t *numbers, size_t count)
{
    for (zconfig_t *child = zconfig_child (node); child; child = zconfig_next (child)) {
        if (self->line_count < count && self->line_count < S_MAX_NODES) {
            self->nodes [self->line_count] = child;
            self->lines [self->line_count] = numbers [self->line_count];
        }
        self->line_count++;
        s_lines_walk (self, child, numbers, count);
    }
}

static int
s_lines_build (s_parse_t *self, const char *text, zconfig_t *root)
{
    size_t room = 64, count = 0, number = 0;
    size_t *numbers = (size_t *) malloc (room * sizeof (size_t));
    for (const char *line = text; numbers && *line; ) {
        const char *end = strchr (line, '\n');
        end = end? end: line + strlen (line);
        number++;
        if (s_is_significant (line, end)) {
            if (count == room) {
                size_t *grown = (size_t *) realloc (numbers, (room *= 2) * sizeof (size_t));
                if (!grown)
                    break;
                numbers = grown;
            }
            numbers [count++] = number;
        }
        line = *end? end + 1: end;
    }
    if (!numbers)
        return -1;
    self->nodes = (zconfig_t **) calloc (count + 1, sizeof (zconfig_t *));
    self->lines = (size_t *) calloc (count + 1, sizeof (size_t));
    if (self->nodes && self->lines)
        s_lines_walk (self, root, numbers, count);
    if (self->line_count != count)
        self->line_count = 0;       //  no line rather than a wrong one
    free (numbers);
    return self->nodes && self->lines? 0: -1;
}

size_t
sb_fleet_line_of (s_parse_t *self, zconfig_t *node)
{
    for (size_t index = 0; index < self->line_count; index++)
        if (self->nodes [index] == node)
            return self->lines [index];
    return 0;
}

int
sb_fleet_fail (s_parse_t *self, zconfig_t *node, const char *format, ...)
{
    char reason [512];
    va_list args;
    va_start (args, format);
    vsnprintf (reason, sizeof reason, format, args);
    va_end (args);
    size_t line = node? sb_fleet_line_of (self, node): 0;
    if (line)
        return sb_error_set (self->err, self->errlen, "%s:%zu: %s", self->origin, line, reason);
    return sb_error_set (self->err, self->errlen, "%s: %s", self->origin, reason);
}

//  --------------------------------------------------------------------------
//  Paths

//  Returns path joined to folder unless it is absolute; a new string.
char *
sb_fleet_path_join (const char *folder, const char *path)
{
    if (*path == '/' || !*folder)
        return strdup (path);
    if (streq (path, "."))
        return strdup (folder);
    return zsys_sprintf ("%s%s%s", folder, folder [strlen (folder) - 1] == '/'? "": "/", path);
}

//  The supervise section: the children's directory, the control socket,
//  the run folder. Unknown keys are refused.
static int
s_parse_supervise (s_parse_t *self, zconfig_t *section, sb_fleet_t *fleet)
{
    const char *directory = NULL, *control = "run/supervise.sock", *run_dir = "run";
    for (zconfig_t *key = section? zconfig_child (section): NULL; key; key = zconfig_next (key)) {
        const char *name = zconfig_name (key);
        const char **slot = streq (name, "directory")? &directory:
                            streq (name, "control")? &control:
                            streq (name, "run-dir")? &run_dir: NULL;
        if (!slot)
            return sb_fleet_fail (self, key, "supervise: unknown key '%s' (known: directory, control, "
                           "run-dir)", name);
        if (zconfig_child (key) || !*zconfig_value (key))
            return sb_fleet_fail (self, key, "supervise/%s needs a value", name);
        *slot = zconfig_value (key);
    }
    char reason [256];
    char *expanded = directory? sb_fleetvalue_expand (directory, reason, sizeof reason): NULL;
    if (directory && !expanded)
        return sb_fleet_fail (self, zconfig_locate (section, "directory"), "supervise/directory: %s",
                       reason);
    fleet->directory = expanded? sb_fleet_path_join (self->base, expanded): strdup (self->cwd);
    free (expanded);
    fleet->control = sb_fleet_path_join (fleet->directory, control);
    fleet->run_dir = sb_fleet_path_join (fleet->directory, run_dir);
    return 0;
}

//  --------------------------------------------------------------------------
//  Dependencies: a depth-first walk puts each program after what it
//  depends on, and finds the first cycle with its path.

static int
s_visit (s_parse_t *self, sb_fleet_t *fleet, size_t index, int *colour, size_t *stack,
         size_t depth, sb_program_def_t **order, size_t *ordered)
{
    sb_program_def_t *program = fleet->programs [index];
    colour [index] = 1;
    stack [depth] = index;
    for (char **name = program->depends; *name; name++) {
        size_t target = 0;
        while (target < fleet->count && !streq (fleet->programs [target]->name, *name))
            target++;
        if (target == fleet->count)
            return sb_fleet_fail (self, self->depends_nodes [index], "%s: depends on '%s', which is "
                           "not a program of this fleet", program->name, *name);
        if (colour [target] == 1) {
            char path [512] = "";
            size_t from = 0;
            while (stack [from] != target)
                from++;
            for (size_t step = from; step <= depth; step++)
                snprintf (path + strlen (path), sizeof path - strlen (path), "%s -> ",
                          fleet->programs [stack [step]]->name);
            return sb_fleet_fail (self, self->depends_nodes [index], "%s: dependency cycle: %s%s",
                           program->name, path, *name);
        }
        if (colour [target] == 0
        &&  s_visit (self, fleet, target, colour, stack, depth + 1, order, ordered))
            return -1;
    }
    colour [index] = 2;
    order [(*ordered)++] = program;
    return 0;
}

static int
s_order (s_parse_t *self, sb_fleet_t *fleet)
{
    int colour [SB_FLEET_MAX_PROGRAMS] = { 0 };
    size_t stack [SB_FLEET_MAX_PROGRAMS];
    sb_program_def_t *order [SB_FLEET_MAX_PROGRAMS];
    size_t ordered = 0;
    for (size_t index = 0; index < fleet->count; index++)
        if (colour [index] == 0
        &&  s_visit (self, fleet, index, colour, stack, 0, order, &ordered))
            return -1;
    memcpy (fleet->programs, order, fleet->count * sizeof (sb_program_def_t *));
    return 0;
}

//  --------------------------------------------------------------------------
//  The whole file

static int
s_parse_tree (s_parse_t *self, zconfig_t *root, sb_fleet_t *fleet)
{
    zconfig_t *supervise = NULL, *defaults = NULL;
    for (zconfig_t *node = zconfig_child (root); node; node = zconfig_next (node)) {
        zconfig_t **slot = streq (zconfig_name (node), "supervise")? &supervise:
                           streq (zconfig_name (node), "defaults")? &defaults: NULL;
        if (slot && *slot)
            return sb_fleet_fail (self, node, "a second '%s' section (the first is at line %zu)",
                           zconfig_name (node), sb_fleet_line_of (self, *slot));
        if (slot)
            *slot = node;
    }
    if (s_parse_supervise (self, supervise, fleet))
        return -1;
    self->directory = fleet->directory;
    fleet->programs = (sb_program_def_t **) calloc (SB_FLEET_MAX_PROGRAMS,
                                                     sizeof (sb_program_def_t *));
    if (!fleet->programs)
        return sb_fleet_fail (self, NULL, "out of memory");
    for (zconfig_t *node = zconfig_child (root); node; node = zconfig_next (node)) {
        if (node == supervise || node == defaults)
            continue;
        if (fleet->count == SB_FLEET_MAX_PROGRAMS)
            return sb_fleet_fail (self, node, "more than %d programs", SB_FLEET_MAX_PROGRAMS);
        if (sb_fleet_program (fleet, zconfig_name (node)))
            return sb_fleet_fail (self, node, "a second program named '%s'", zconfig_name (node));
        self->depends_nodes [fleet->count] = NULL;
        sb_program_def_t *program = sb_fleet_program_parse (self, node, defaults, fleet);
        if (!program)
            return -1;
        fleet->programs [fleet->count++] = program;
    }
    if (fleet->count == 0)
        return sb_fleet_fail (self, NULL, "no programs: a fleet file names at least one (docs/fleet.md)");
    return s_order (self, fleet);
}

//  zconfig recurses once per level of indentation: refuse deep nesting
//  before it sees the text. Returns the first line too deep, or 0.
static size_t
s_too_deep (const char *text)
{
    size_t number = 1;
    for (const char *line = text; *line; number++) {
        size_t spaces = strspn (line, " ");
        if (spaces > S_MAX_DEPTH * 4 && line [spaces] != '#' && line [spaces] != '\n')
            return number;
        const char *end = strchr (line, '\n');
        line = end? end + 1: line + strlen (line);
    }
    return 0;
}

sb_fleet_t *
sb_fleet_parse (const char *text, const char *origin, const char *base, const char *cwd,
                char *err, size_t errlen)
{
    size_t deep = s_too_deep (text);
    if (deep) {
        sb_error_set (err, errlen, "%s:%zu: indented more than %d levels", origin, deep,
                      S_MAX_DEPTH);
        return NULL;
    }
    zconfig_t *root = sb_config_parse (text, origin, err, errlen);
    if (!root)
        return NULL;
    s_parse_t parse = { .origin = origin, .base = base, .cwd = cwd, .err = err,
                        .errlen = errlen };
    sb_fleet_t *fleet = (sb_fleet_t *) calloc (1, sizeof (sb_fleet_t));
    int rc = fleet && s_lines_build (&parse, text, root) == 0? 0: -1;
    if (rc)
        sb_error_set (err, errlen, "%s: out of memory", origin);
    else {
        fleet->path = strdup (origin);
        rc = s_parse_tree (&parse, root, fleet);
    }
    if (rc)
        sb_fleet_destroy (&fleet);
    free (parse.nodes);
    free (parse.lines);
    zconfig_destroy (&root);
    return fleet;
}

//  Reads a whole file of at most S_MAX_FILE bytes; a new string, or NULL
//  with the reason.
static char *
s_read_file (const char *path, char *err, size_t errlen)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        sb_error_set (err, errlen, "%s: cannot read: %s", path, strerror (errno));
        return NULL;
    }
    char *text = (char *) malloc (S_MAX_FILE + 1);
    size_t size = text? fread (text, 1, S_MAX_FILE + 1, file): 0;
    bool failed = ferror (file);
    fclose (file);
    if (!text || failed || size > S_MAX_FILE) {
        sb_error_set (err, errlen, "%s: %s", path, !text? "out of memory":
                      failed? "cannot read": "larger than 1 MiB: not a fleet file");
        free (text);
        return NULL;
    }
    text [size] = 0;
    return text;
}

sb_fleet_t *
sb_fleet_load (const char *path, char *err, size_t errlen)
{
    char *text = s_read_file (path, err, errlen);
    if (!text)
        return NULL;
    char cwd [PATH_MAX], resolved [PATH_MAX];
    if (!getcwd (cwd, sizeof cwd) || !realpath (path, resolved)) {
        sb_error_set (err, errlen, "%s: %s", path, strerror (errno));
        free (text);
        return NULL;
    }
    sb_fleet_t *fleet = sb_fleet_parse (text, path, dirname (resolved), cwd, err, errlen);
    free (text);
    return fleet;
}

void
sb_fleet_destroy (sb_fleet_t **self_p)
{
    if (self_p && *self_p) {
        sb_fleet_t *self = *self_p;
        for (size_t index = 0; self->programs && index < self->count; index++)
            sb_fleet_program_destroy (&self->programs [index]);
        free (self->programs);
        free (self->path);
        free (self->directory);
        free (self->control);
        free (self->run_dir);
        free (self);
        *self_p = NULL;
    }
}

sb_program_def_t *
sb_fleet_program (sb_fleet_t *self, const char *name)
{
    for (size_t index = 0; index < self->count; index++)
        if (self->programs [index] && streq (self->programs [index]->name, name))
            return self->programs [index];
    return NULL;
}

sb_program_def_t *
sb_fleet_take (sb_fleet_t *self, const char *name)
{
    for (size_t index = 0; index < self->count; index++)
        if (self->programs [index] && streq (self->programs [index]->name, name)) {
            sb_program_def_t *program = self->programs [index];
            self->programs [index] = NULL;
            return program;
        }
    return NULL;
}

const char *
sb_fleet_ready_name (sb_ready_kind_t kind)
{
    static const char *names [] = { "none", "notify-fd", "notify-socket", "exit", "tcp", "unix",
                                    "http", "command" };
    return kind <= SB_READY_COMMAND? names [kind]: "?";
}

const char *
sb_fleet_restart_name (sb_restart_t restart)
{
    return restart == SB_RESTART_PERMANENT? "permanent":
           restart == SB_RESTART_TRANSIENT? "transient": "temporary";
}
