/*  supervise — runs a Switchboard fleet from a fleet file (docs/fleet.md):
    starts its programs in dependency order once what they need is ready,
    restarts them with backoff, stops them in reverse order; `check` is the
    preflight, `ctl` talks to a running supervise (docs/operations.md).

    Exit codes: 0 stopped cleanly; 1 stopped, but a child needed SIGKILL
    or ended badly (run), problems found (check), an error answer (ctl);
    78 bad fleet file or another supervise on the control socket (do not
    restart); 69 ctl found no supervise.                                   */

#include "sb_classes.h"
#include "sb_check.h"
#include "sb_control.h"
#include "sb_fleet.h"
#include "sb_supervisor.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define S_EXIT_OK          0
#define S_EXIT_FAILED      1
#define S_EXIT_USAGE       64
#define S_EXIT_UNAVAILABLE 69
#define S_EXIT_CONFIG      78
#define S_CTL_TIMEOUT_MS   30000
#define S_DEFAULT_CONTROL  "run/supervise.sock"

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: supervise FLEETFILE              run the fleet in the foreground\n"
        "       supervise check FLEETFILE        preflight: the file, programs, secrets,\n"
        "                                        ports; what to do about each problem\n"
        "       supervise ctl [-s SOCKET | -f FLEETFILE] COMMAND\n\n"
        "Runs the programs a fleet file names (docs/fleet.md): each instance in a\n"
        "process group of its own, started once what it depends on is ready,\n"
        "restarted with backoff, failed loudly past its restart intensity; their\n"
        "output on stdout as 'program[instance] line'. SIGTERM or SIGINT stops the\n"
        "fleet, dependents first; SIGHUP reloads the file.\n\n"
        "ctl commands (to the control socket: -s SOCKET, or the one FLEETFILE names,\n"
        "default ./" S_DEFAULT_CONTROL "):\n"
        "  status [--json]   program, instance, pid, state, uptime, restarts, last exit\n"
        "  restart NAME      stop and start its instances (clears a failure)\n"
        "  stop NAME         stop it, and keep it stopped\n"
        "  start NAME        start it again (clears a failure)\n"
        "  scale NAME=N      run N instances of it (0..64), now\n"
        "  reload            re-read the fleet file and apply the difference\n"
        "  shutdown          stop the fleet and exit, as SIGTERM does\n\n"
        "Exit codes: 0 stopped cleanly (run), no problems (check), ok (ctl);\n"
        "1 a child needed SIGKILL or ended badly / problems found / error answer;\n"
        "78 bad fleet file or control socket taken (do not restart);\n"
        "69 ctl: no supervise answers.\n");
}

//  --------------------------------------------------------------------------
//  run

//  The signals supervise handles come through a descriptor; blocked,
//  they interrupt nothing.
static int
s_signal_fd (void)
{
    sigset_t signals;
    sigemptyset (&signals);
    sigaddset (&signals, SIGCHLD);
    sigaddset (&signals, SIGTERM);
    sigaddset (&signals, SIGINT);
    sigaddset (&signals, SIGHUP);
    sigprocmask (SIG_BLOCK, &signals, NULL);
    return signalfd (-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
}

typedef struct {
    int signals;
    sb_supervisor_t *supervisor;
    sb_control_t *control;
} s_run_t;

static void
s_on_signal (void *arg, short revents)
{
    (void) revents;
    s_run_t *run = (s_run_t *) arg;
    struct signalfd_siginfo info;
    while (read (run->signals, &info, sizeof info) == (ssize_t) sizeof info) {
        if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGINT)
            sb_supervisor_shutdown (run->supervisor);
        else
        if (info.ssi_signo == SIGHUP) {
            char *answer = sb_supervisor_command (run->supervisor, "reload");
            if (answer && strncmp (answer, "ok", 2))
                fprintf (stdout, "supervise: SIGHUP: %s", answer);
            free (answer);
        }
    }
}

static char *
s_on_command (void *arg, const char *line)
{
    return sb_supervisor_command ((sb_supervisor_t *) arg, line);
}

//  The loop: poll, reap, tick, until the fleet is stopped.
static void
s_loop (s_run_t *run)
{
    sb_watch_t *watch = (sb_watch_t *) calloc (1, sizeof (sb_watch_t));
    assert (watch);
    int64_t wait = sb_supervisor_tick (run->supervisor, zclock_mono ());
    while (!sb_supervisor_done (run->supervisor) || sb_control_busy (run->control)) {
        sb_watch_reset (watch);
        sb_watch_add (watch, run->signals, POLLIN, s_on_signal, run);
        sb_control_watch (run->control, watch);
        sb_supervisor_watch (run->supervisor, watch);
        sb_watch_poll (watch, (int) wait);
        sb_supervisor_reap (run->supervisor);
        int64_t now = zclock_mono ();
        wait = sb_supervisor_tick (run->supervisor, now);
        sb_control_tick (run->control, now);
        if (sb_supervisor_done (run->supervisor) && sb_control_busy (run->control))
            wait = wait > 50? 50: wait;
    }
    free (watch);
}

static int
s_run (const char *path)
{
    char err [1024];
    sb_fleet_t *fleet = sb_fleet_load (path, err, sizeof err);
    if (!fleet) {
        fprintf (stderr, "supervise: %s\n", err);
        return S_EXIT_CONFIG;
    }
    s_run_t run = { .signals = s_signal_fd () };
    //  Orphans of the children come to supervise, which reaps them
    prctl (PR_SET_CHILD_SUBREAPER, 1);
    char *control = strdup (fleet->control);
    run.supervisor = sb_supervisor_new (&fleet, STDOUT_FILENO, err, sizeof err);
    run.control = run.supervisor && control? sb_control_new (control, s_on_command,
                                                             run.supervisor, err, sizeof err):
                                             NULL;
    free (control);
    if (run.signals < 0 || !run.supervisor || !run.control) {
        fprintf (stderr, "supervise: %s\n", run.signals < 0? strerror (errno): err);
        sb_supervisor_destroy (&run.supervisor);
        sb_fleet_destroy (&fleet);
        if (run.signals >= 0)
            close (run.signals);
        return S_EXIT_CONFIG;
    }
    fprintf (stdout, "supervise: running %s (pid %d); ctl socket ready\n", path, (int) getpid ());
    fflush (stdout);
    s_loop (&run);
    bool clean = sb_supervisor_clean (run.supervisor);
    fprintf (stdout, "supervise: fleet stopped%s\n", clean? "": " (not cleanly: see above)");
    sb_control_destroy (&run.control);
    sb_supervisor_destroy (&run.supervisor);
    close (run.signals);
    return clean? S_EXIT_OK: S_EXIT_FAILED;
}

//  --------------------------------------------------------------------------
//  check and ctl

static int
s_check (const char *path)
{
    char err [1024];
    sb_fleet_t *fleet = sb_fleet_load (path, err, sizeof err);
    if (!fleet) {
        fprintf (stdout, "PROBLEM  %s\n         what to do: correct the fleet file "
                 "(docs/fleet.md lists every key)\n", err);
        return S_EXIT_CONFIG;
    }
    int problems = sb_check_fleet (fleet, stdout);
    sb_fleet_destroy (&fleet);
    return problems? S_EXIT_FAILED: S_EXIT_OK;
}

//  The control socket: -s SOCKET, or FLEETFILE's, or the default.
static char *
s_control_path (int *argc_p, char ***argv_p)
{
    int argc = *argc_p;
    char **argv = *argv_p;
    char *path = NULL;
    if (argc >= 2 && (streq (argv [0], "-s") || streq (argv [0], "--socket")))
        path = strdup (argv [1]);
    else
    if (argc >= 2 && (streq (argv [0], "-f") || streq (argv [0], "--fleet"))) {
        char err [1024];
        sb_fleet_t *fleet = sb_fleet_load (argv [1], err, sizeof err);
        if (!fleet)
            fprintf (stderr, "supervise: %s\n", err);
        path = fleet? strdup (fleet->control): NULL;
        sb_fleet_destroy (&fleet);
        if (!path)
            return NULL;
    }
    else
        return strdup (S_DEFAULT_CONTROL);
    *argc_p = argc - 2;
    *argv_p = argv + 2;
    return path;
}

static int
s_ctl (int argc, char **argv)
{
    char *path = s_control_path (&argc, &argv);
    if (!path)
        return S_EXIT_CONFIG;
    if (argc < 1) {
        free (path);
        s_usage (stderr);
        return S_EXIT_USAGE;
    }
    char line [SB_CONTROL_LINE_MAX] = "";
    for (int index = 0; index < argc; index++)
        snprintf (line + strlen (line), sizeof line - strlen (line), "%s%s",
                  index? " ": "", argv [index]);
    char err [1024];
    char *answer = sb_control_call (path, line, S_CTL_TIMEOUT_MS, err, sizeof err);
    free (path);
    if (!answer) {
        fprintf (stderr, "supervise: %s\n", err);
        return S_EXIT_UNAVAILABLE;
    }
    bool ok = strncmp (answer, "ok\n", 3) == 0;
    fputs (ok? answer + 3: answer, ok? stdout: stderr);
    free (answer);
    return ok? S_EXIT_OK: S_EXIT_FAILED;
}

int
main (int argc, char *argv [])
{
    //  A control client that went away must fail a write, not kill us
    signal (SIGPIPE, SIG_IGN);
    //  Its own lines and the children's (written whole) share stdout in order
    setvbuf (stdout, NULL, _IOLBF, 0);
    //  Descriptors 0-2 must be taken, or a pipe could become a child's stdout
    while (fcntl (2, F_GETFD) < 0 && open ("/dev/null", O_RDWR) >= 0)
        ;
    if (argc == 2 && (streq (argv [1], "-h") || streq (argv [1], "--help"))) {
        s_usage (stdout);
        return S_EXIT_OK;
    }
    if (argc == 3 && streq (argv [1], "check"))
        return s_check (argv [2]);
    if (argc >= 2 && streq (argv [1], "ctl"))
        return s_ctl (argc - 2, argv + 2);
    if (argc == 2 && argv [1][0] != '-')
        return s_run (argv [1]);
    if (argc == 3 && streq (argv [1], "run"))
        return s_run (argv [2]);
    s_usage (stderr);
    return S_EXIT_USAGE;
}
