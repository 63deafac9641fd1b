/*  sb_check.c — the preflight of a fleet (see sb_check.h).               */

#include "sb_classes.h"
#include "sb_check.h"
#include "sb_control.h"
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

//  One problem: what is wrong, and what to do.
static int
s_problem (FILE *out, const sb_program_def_t *program, const char *path, const char *what,
           const char *todo)
{
    if (program)
        fprintf (out, "PROBLEM  %s (%s:%zu): %s\n         what to do: %s\n", program->name,
                 path, program->line, what, todo);
    else
        fprintf (out, "PROBLEM  %s: %s\n         what to do: %s\n", path, what, todo);
    return 1;
}

bool
sb_check_executable (const char *command, char *found, size_t size)
{
    struct stat info;
    if (strchr (command, '/')) {
        if (found)
            snprintf (found, size, "%s", command);
        return stat (command, &info) == 0 && S_ISREG (info.st_mode) && access (command, X_OK) == 0;
    }
    const char *path = getenv ("PATH");
    char *copy = strdup (path? path: "/usr/local/bin:/usr/bin:/bin"), *saved = NULL;
    bool ok = false;
    for (char *folder = copy? strtok_r (copy, ":", &saved): NULL; folder && !ok;
         folder = strtok_r (NULL, ":", &saved)) {
        char *candidate = zsys_sprintf ("%s/%s", folder, command);
        ok = candidate && stat (candidate, &info) == 0 && S_ISREG (info.st_mode)
          && access (candidate, X_OK) == 0;
        if (ok && found)
            snprintf (found, size, "%s", candidate);
        free (candidate);
    }
    free (copy);
    return ok;
}

//  True if nothing listens on TCP port (on any address).
static bool
s_port_free (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int on = 1;
    setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                   .sin_addr.s_addr = htonl (INADDR_ANY) };
    bool free_port = fd >= 0 && bind (fd, (struct sockaddr *) &address, sizeof address) == 0;
    if (fd >= 0)
        close (fd);
    return free_port;
}

//  The port of a tcp probe on this machine, or 0.
static int
s_probe_port (const sb_program_def_t *program)
{
    if (program->ready != SB_READY_TCP && program->ready != SB_READY_HTTP)
        return 0;
    const char *target = program->ready_target;
    if (program->ready == SB_READY_HTTP)
        target += 7;
    bool local = strncmp (target, "127.", 4) == 0 || strncmp (target, "localhost", 9) == 0
              || strncmp (target, "[::1]", 5) == 0 || strncmp (target, "0.0.0.0", 7) == 0;
    size_t size = strcspn (target, "/");
    const char *colon = memrchr (target, ':', size);
    if (!local || !colon || (target [0] == '[' && colon < (const char *) memchr (target, ']', size)))
        return program->ready == SB_READY_HTTP && local? 80: 0;
    return atoi (colon + 1);
}

//  The program's ports, and its probe's port on this machine: each must
//  be free before it starts (else a probe would pass without it).
static int
s_check_ports (const sb_fleet_t *fleet, const sb_program_def_t *program, FILE *out)
{
    int ports [SB_FLEET_MAX_PORTS + 1], problems = 0;
    size_t count = program->port_count;
    memcpy (ports, program->ports, count * sizeof (int));
    int probe = s_probe_port (program);
    bool listed = false;
    for (size_t index = 0; index < count; index++)
        listed = listed || ports [index] == probe;
    if (probe > 0 && !listed)
        ports [count++] = probe;
    for (size_t index = 0; index < count; index++) {
        if (s_port_free (ports [index]))
            continue;
        char what [128], todo [256];
        snprintf (what, sizeof what, "TCP port %d is already in use", ports [index]);
        snprintf (todo, sizeof todo, "stop what listens there (ss -ltnp 'sport = :%d' names "
                  "it), or give %s another port", ports [index], program->name);
        problems += s_problem (out, program, fleet->path, what, todo);
    }
    return problems;
}

//  The program's own checks: command, probe command, config, secrets.
static int
s_check_program (const sb_fleet_t *fleet, const sb_program_def_t *program, FILE *out)
{
    int problems = 0;
    char what [512], todo [512];
    if (!sb_check_executable (program->argv [0], NULL, 0)) {
        snprintf (what, sizeof what, "command '%s' is not an executable file%s",
                  program->argv [0], strchr (program->argv [0], '/')? "": " found in PATH");
        snprintf (todo, sizeof todo, "build or install it (make build builds build/bin/*; "
                  "apt-get installs redis-server), or correct 'command'");
        problems += s_problem (out, program, fleet->path, what, todo);
    }
    if (program->ready_argv && program->ready_argv [0]
    &&  !sb_check_executable (program->ready_argv [0], NULL, 0)) {
        snprintf (what, sizeof what, "the ready command '%s' is not an executable file",
                  program->ready_argv [0]);
        problems += s_problem (out, program, fleet->path, what, "install it, or correct 'ready'");
    }
    char err [512];
    zconfig_t *config = program->config_file? sb_config_load (program->config_file, err,
                                                             sizeof err): NULL;
    if (program->config_file && !config && !strstr (program->config_file, "${"))
        problems += s_problem (out, program, fleet->path, err, "write the config file, or "
                               "correct 'config-file'");
    zconfig_destroy (&config);
    for (char **name = program->secrets; *name; name++)
        if (!getenv (*name) || !*getenv (*name)) {
            snprintf (what, sizeof what, "the secret %s is not set in the environment", *name);
            snprintf (todo, sizeof todo, "export %s=... in the shell that starts supervise "
                      "(from your secret store, never a file in the repository)", *name);
            problems += s_problem (out, program, fleet->path, what, todo);
        }
    for (char **name = program->optional_secrets; *name; name++)
        if (!getenv (*name) || !*getenv (*name))
            fprintf (out, "note     %s: %s is not set: what needs it stays off (docs of %s)\n",
                     program->name, *name, program->name);
    return problems + s_check_ports (fleet, program, out);
}

//  The fleet's own: its directory, run folder, control socket.
static int
s_check_fleet_paths (const sb_fleet_t *fleet, FILE *out)
{
    int problems = 0;
    char what [512], err [512];
    struct stat info;
    if (stat (fleet->directory, &info) || !S_ISDIR (info.st_mode)) {
        snprintf (what, sizeof what, "the fleet's directory %s is not a folder",
                  fleet->directory);
        problems += s_problem (out, NULL, fleet->path, what, "correct supervise/directory");
    }
    char *parent = strdup (fleet->run_dir);
    char *slash = parent? strrchr (parent, '/'): NULL;
    if (slash)
        *slash = 0;
    if (access (fleet->run_dir, W_OK) && (!parent || access (parent, W_OK))) {
        snprintf (what, sizeof what, "cannot write the run folder %s", fleet->run_dir);
        problems += s_problem (out, NULL, fleet->path, what, "make it writable, or correct "
                               "supervise/run-dir");
    }
    free (parent);
    char *answer = sb_control_call (fleet->control, "status", 2000, err, sizeof err);
    if (answer) {
        snprintf (what, sizeof what, "a supervise already runs this fleet (it answers on %s)",
                  fleet->control);
        problems += s_problem (out, NULL, fleet->path, what, "supervise ctl -f FLEETFILE "
                               "status shows it; shutdown stops it");
    }
    free (answer);
    return problems;
}

int
sb_check_fleet (sb_fleet_t *fleet, FILE *out)
{
    int problems = s_check_fleet_paths (fleet, out);
    for (size_t index = 0; index < fleet->count; index++)
        problems += s_check_program (fleet, fleet->programs [index], out);
    fprintf (out, "supervise check: %s: %zu program%s, %d problem%s\n", fleet->path,
             fleet->count, fleet->count == 1? "": "s", problems, problems == 1? "": "s");
    return problems;
}
