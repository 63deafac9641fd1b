/*  sb_supervisor.c — the supervision tree: starting in dependency order,
    readiness, restarts with backoff and intensity, stopping (see
    sb_supervisor.h; commands and status in sb_supervisor_ctl.c).           */

#include "sb_classes.h"
#include "sb_supervisor_private.h"
#include "sb_fleetvalue.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define S_PROBE_ATTEMPT_MIN_MS 1000     //  one probe attempt gets at least this
#define S_IDLE_MS              1000     //  longest sleep with nothing due
#define S_LINE_MAX             1024

//  --------------------------------------------------------------------------
//  Small things

//  supervise's own lines share the children's stream (one ordered log),
//  so they are written the same way rather than through zsys's stderr.
void
sb_supervisor_log (sb_supervisor_t *self, const char *format, ...)
{
    char line [S_LINE_MAX];
    va_list args;
    va_start (args, format);
    int size = vsnprintf (line, sizeof line - 1, format, args);
    va_end (args);
    size = size < 0? 0: size > (int) sizeof line - 2? (int) sizeof line - 2: size;
    line [size++] = '\n';
    char stamped [S_LINE_MAX + 16];
    int total = snprintf (stamped, sizeof stamped, "supervise: %.*s", size, line);
    ssize_t written = write (self->output, stamped, (size_t) total);
    (void) written;
}

//  xorshift64: jitter needs spread, not secrecy.
static double
s_random (sb_supervisor_t *self)
{
    self->random ^= self->random << 13;
    self->random ^= self->random >> 7;
    self->random ^= self->random << 17;
    return (double) (self->random >> 11) / (double) (1ULL << 53);
}

s_program_t *
sb_supervisor_find (sb_supervisor_t *self, const char *name)
{
    for (size_t index = 0; index < self->count; index++)
        if (!self->programs [index]->removed && streq (self->programs [index]->def->name, name))
            return self->programs [index];
    return NULL;
}

bool
sb_supervisor_is_live (s_instance_t *instance)
{
    return instance->child && !sb_child_has_exited (instance->child);
}

void
sb_supervisor_revive (s_program_t *program)
{
    program->failed = false;
    program->failure [0] = 0;
    program->restart_count = 0;
    for (int index = 0; index < SB_FLEET_MAX_INSTANCES; index++) {
        s_instance_t *instance = &program->instances [index];
        instance->failures = 0;
        if (instance->state == S_FAILED || instance->state == S_EXITED
        ||  instance->state == S_BACKOFF)
            instance->state = S_STOPPED;
    }
}

s_program_t *
sb_supervisor_program_new (sb_program_def_t *def)
{
    s_program_t *program = (s_program_t *) calloc (1, sizeof (s_program_t));
    if (!program) {
        sb_fleet_program_destroy (&def);
        return NULL;
    }
    program->def = def;
    program->count = def->instances;
    program->enabled = true;
    for (int index = 0; index < SB_FLEET_MAX_INSTANCES; index++) {
        program->instances [index].program = program;
        program->instances [index].number = index + 1;
    }
    return program;
}

void
sb_supervisor_program_destroy (s_program_t **program_p)
{
    if (program_p && *program_p) {
        s_program_t *program = *program_p;
        for (int index = 0; index < SB_FLEET_MAX_INSTANCES; index++) {
            sb_probe_destroy (&program->instances [index].probe);
            sb_child_destroy (&program->instances [index].child);
        }
        sb_fleet_program_destroy (&program->def);
        free (program);
        *program_p = NULL;
    }
}

//  --------------------------------------------------------------------------
//  Dependencies

//  True if every instance of program is ready, or exited 0 and is not to
//  run again (a job that had to finish first).
static bool
s_is_ready (s_program_t *program)
{
    if (program->failed || !program->enabled || program->removed)
        return false;
    for (int index = 0; index < program->count; index++) {
        s_instance_t *instance = &program->instances [index];
        if (instance->state != S_RUNNING && !(instance->state == S_EXITED && instance->exit_ok))
            return false;
    }
    return true;
}

static bool
s_dependencies_ready (sb_supervisor_t *self, s_program_t *program)
{
    for (char **name = program->def->depends; *name; name++) {
        s_program_t *dependency = sb_supervisor_find (self, *name);
        if (dependency && !s_is_ready (dependency))
            return false;
    }
    return true;
}

//  The failed program (itself, or one it depends on, directly or not,
//  that stops its dependents) that keeps program down, or NULL.
static s_program_t *
s_blocker (sb_supervisor_t *self, s_program_t *program, int depth)
{
    if (depth > SB_FLEET_MAX_PROGRAMS)
        return NULL;            //  the fleet file has no cycles: cannot happen
    for (char **name = program->def->depends; *name; name++) {
        s_program_t *dependency = sb_supervisor_find (self, *name);
        if (dependency && dependency->failed && dependency->def->stop_dependents)
            return dependency;
        s_program_t *further = dependency? s_blocker (self, dependency, depth + 1): NULL;
        if (further)
            return further;
    }
    return NULL;
}

//  While shutting down, a program stops only once nothing that depends on
//  it still runs.
static bool
s_may_stop (sb_supervisor_t *self, s_program_t *program)
{
    if (!self->shutting_down)
        return true;
    for (size_t index = 0; index < self->count; index++) {
        s_program_t *other = self->programs [index];
        bool depends = false;
        for (char **name = other->def->depends; *name && !depends; name++)
            depends = streq (*name, program->def->name);
        for (int number = 0; depends && number < SB_FLEET_MAX_INSTANCES; number++)
            if (sb_supervisor_is_live (&other->instances [number]))
                return false;
    }
    return true;
}

static bool
s_wanted (sb_supervisor_t *self, s_program_t *program, s_instance_t *instance)
{
    return !self->shutting_down && !program->removed && program->enabled && !program->failed
        && instance->number <= program->count && !s_blocker (self, program, 0);
}

const char *
sb_supervisor_state_name (sb_supervisor_t *self, s_instance_t *instance)
{
    static const char *names [] = { "stopped", "starting", "running", "stopping", "backoff",
                                    "exited", "failed" };
    s_program_t *program = instance->program;
    if (instance->state == S_STOPPED && s_wanted (self, program, instance)
    &&  !s_dependencies_ready (self, program))
        return "waiting";
    return names [instance->state];
}

//  --------------------------------------------------------------------------
//  Starting

//  The instance's argv: the program's, expanded, with its config after.
//  A new array (sb_fleetvalue_free), or NULL.
static char **
s_argv (sb_supervisor_t *self, s_program_t *program, s_instance_t *instance, char *err,
        size_t errlen)
{
    sb_program_def_t *def = program->def;
    size_t count = 0;
    while (def->argv [count])
        count++;
    char **argv = (char **) calloc (count + 3, sizeof (char *));
    for (size_t index = 0; argv && index < count; index++)
        argv [index] = sb_fleetvalue_instance (def->argv [index], def->name, instance->number);
    if (argv && def->config_file) {
        argv [count] = strdup (def->config_option);
        argv [count + 1] = sb_fleetvalue_instance (def->config_file, def->name,
                                                   instance->number);
    }
    if (argv && def->config_text) {
        char *text = sb_fleetvalue_instance (def->config_text, def->name, instance->number);
        char *path = zsys_sprintf ("%s/%s.%d.zpl", self->run_dir, def->name, instance->number);
        FILE *file = text && path? fopen (path, "w"): NULL;
        bool written = file && fputs (text, file) >= 0;
        if (file && fclose (file))
            written = false;
        if (!written)
            sb_error_set (err, errlen, "cannot write its config to %s: %s", path? path: "?",
                          strerror (errno));
        argv [count] = strdup (def->config_option);
        argv [count + 1] = written? path: NULL;
        if (!written)
            free (path);
        free (text);
        if (!written)
            sb_fleetvalue_free (&argv);
    }
    return argv;
}

//  The instance's own env: the program's, expanded, and its names.
static char **
s_env (s_program_t *program, s_instance_t *instance)
{
    size_t count = 0;
    while (program->def->env [count])
        count++;
    char **env = (char **) calloc (count + 3, sizeof (char *));
    for (size_t index = 0; env && index < count; index++)
        env [index] = sb_fleetvalue_instance (program->def->env [index], program->def->name,
                                              instance->number);
    if (env) {
        env [count] = zsys_sprintf ("SB_PROGRAM=%s", program->def->name);
        env [count + 1] = zsys_sprintf ("SB_INSTANCE=%d", instance->number);
    }
    return env;
}

static void s_schedule_restart (sb_supervisor_t *self, s_instance_t *instance, int64_t now);

static void
s_spawn (sb_supervisor_t *self, s_instance_t *instance, int64_t now)
{
    s_program_t *program = instance->program;
    sb_program_def_t *def = program->def;
    char label [64], err [256] = "out of memory";
    snprintf (label, sizeof label, "%s[%d]", def->name, instance->number);
    char **argv = s_argv (self, program, instance, err, sizeof err);
    char **env = s_env (program, instance);
    sb_child_spec_t spec = {
        .label = label, .argv = argv, .env = env, .directory = self->directory,
        .output = self->output,
        .notify = def->ready == SB_READY_NOTIFY_FD? SB_CHILD_NOTIFY_FD:
                  def->ready == SB_READY_NOTIFY_SOCKET? SB_CHILD_NOTIFY_SOCKET:
                                                        SB_CHILD_NOTIFY_NONE
    };
    instance->child = argv && env && argv [0]? sb_child_start (&spec, err, sizeof err): NULL;
    sb_fleetvalue_free (&argv);
    sb_fleetvalue_free (&env);
    instance->started_at = now;
    instance->killed = instance->start_failed = false;
    if (!instance->child) {
        snprintf (instance->reason, sizeof instance->reason, "%.150s", err);
        s_schedule_restart (self, instance, now);
        return;
    }
    sb_supervisor_log (self, "%s: started, pid %d", label, (int) sb_child_pid (instance->child));
    instance->state = S_STARTING;
    instance->deadline = now + def->ready_timeout_ms;
    instance->next_probe_at = now;
    if (def->ready == SB_READY_NONE) {
        instance->state = S_RUNNING;
        instance->ready_at = now;
    }
}

//  --------------------------------------------------------------------------
//  Failing, restarting, stopping

//  Marks the program failed, loudly; its instances stop on the next tick.
static void
s_fail_program (sb_supervisor_t *self, s_program_t *program, const char *why)
{
    program->failed = true;
    snprintf (program->failure, sizeof program->failure, "%s", why);
    bool dependents = false;
    for (size_t index = 0; index < self->count; index++)
        for (char **name = self->programs [index]->def->depends; *name; name++)
            dependents = dependents || streq (*name, program->def->name);
    sb_supervisor_log (self, "!!! PROGRAM %s FAILED: %s; not restarted (`supervise ctl start "
                       "%s` tries again)%s", program->def->name, why, program->def->name,
                       !dependents? "": program->def->stop_dependents?
                       "; what depends on it is stopped": "; what depends on it keeps running");
}

static int64_t
s_backoff_ms (sb_supervisor_t *self, sb_program_def_t *def, int failures)
{
    double delay = (double) def->backoff_initial_ms;
    for (int step = 0; step < failures && delay < (double) def->backoff_max_ms; step++)
        delay *= 2;
    if (delay > (double) def->backoff_max_ms)
        delay = (double) def->backoff_max_ms;
    delay *= 1.0 + (s_random (self) * 2 - 1) * def->backoff_jitter / 100.0;
    return delay < 0? 0: (int64_t) delay;
}

//  The instance ended when it should not have: back off and restart, or
//  fail the program once it restarted more than its intensity allows.
static void
s_schedule_restart (sb_supervisor_t *self, s_instance_t *instance, int64_t now)
{
    s_program_t *program = instance->program;
    sb_program_def_t *def = program->def;
    if (instance->ready_at && now - instance->ready_at >= def->backoff_reset_ms)
        instance->failures = 0;         //  it was up long enough: start over
    size_t kept = 0;
    for (size_t index = 0; index < program->restart_count; index++)
        if (now - program->restart_times [index] < def->period_ms)
            program->restart_times [kept++] = program->restart_times [index];
    program->restart_count = kept;
    if ((int) kept >= def->intensity) {
        char why [S_REASON_MAX];
        snprintf (why, sizeof why, "%d restarts within %" PRId64 "s (intensity %d in %" PRId64
                  "s), last: %.120s", (int) kept, def->period_ms / 1000, def->intensity,
                  def->period_ms / 1000, instance->reason);
        instance->state = S_FAILED;
        s_fail_program (self, program, why);
        return;
    }
    program->restart_times [program->restart_count++] = now;
    int64_t delay = s_backoff_ms (self, def, instance->failures++);
    instance->restarts++;
    instance->state = S_BACKOFF;
    instance->deadline = now + delay;
    instance->ready_at = 0;
    sb_supervisor_log (self, "%s[%d]: %s; restarting in %" PRId64 " ms", def->name,
                       instance->number, instance->reason, delay);
}

static void
s_begin_stop (sb_supervisor_t *self, s_instance_t *instance, int64_t now)
{
    sb_probe_destroy (&instance->probe);
    if (!sb_supervisor_is_live (instance)) {
        instance->state = S_STOPPED;
        return;
    }
    sb_program_def_t *def = instance->program->def;
    sb_child_signal (instance->child, def->stop_signal);
    instance->state = S_STOPPING;
    instance->deadline = now + def->grace_ms;
    sb_supervisor_log (self, "%s[%d]: stopping (SIG%s, grace %" PRId64 " ms)", def->name,
                       instance->number, sigabbrev_np (def->stop_signal), def->grace_ms);
}

//  A stop we asked for ended: clean if it exited 0 or of the stop signal
//  before the grace ran out.
static void
s_on_stopped (sb_supervisor_t *self, s_instance_t *instance, int status)
{
    int stop_signal = instance->program->def->stop_signal;
    bool clean = !instance->killed && ((WIFEXITED (status) && WEXITSTATUS (status) == 0)
                                   ||  (WIFSIGNALED (status) && WTERMSIG (status) == stop_signal));
    if (!clean && self->shutting_down)
        self->unclean = true;
    char text [S_REASON_MAX];
    snprintf (text, sizeof text, "%s", instance->reason);
    snprintf (instance->reason, sizeof instance->reason, "stopped: %.100s%s", text,
              instance->killed? " after SIGKILL (grace ran out)": "");
    sb_supervisor_log (self, "%s[%d]: %s", instance->program->def->name, instance->number,
                       instance->reason);
    instance->state = S_STOPPED;
    instance->restart_after_stop = false;
}

//  The instance's child exited with status.
static void
s_on_exit (sb_supervisor_t *self, s_instance_t *instance, int status, int64_t now)
{
    sb_program_def_t *def = instance->program->def;
    sb_child_exited (instance->child, status);
    sb_child_destroy (&instance->child);
    sb_probe_destroy (&instance->probe);
    sb_child_describe (status, instance->reason, sizeof instance->reason);
    if (instance->state == S_STOPPING && !instance->start_failed) {
        s_on_stopped (self, instance, status);
        return;
    }
    if (instance->start_failed)
        snprintf (instance->reason, sizeof instance->reason, "not ready within %" PRId64 " ms",
                  def->ready_timeout_ms);
    bool exited_ok = WIFEXITED (status) && WEXITSTATUS (status) == 0 && !instance->start_failed;
    if (exited_ok && def->ready == SB_READY_EXIT) {
        instance->state = S_EXITED;             //  a job, done: what waits for it starts
        instance->exit_ok = true;
        sb_supervisor_log (self, "%s[%d]: done (exit 0)", def->name, instance->number);
    }
    else
    if (WIFEXITED (status) && def->no_restart [WEXITSTATUS (status)]) {
        char why [S_REASON_MAX];
        snprintf (why, sizeof why, "exit %d, which says not to restart it (bad config, port "
                  "in use: see its output above)", WEXITSTATUS (status));
        instance->state = S_FAILED;
        s_fail_program (self, instance->program, why);
    }
    else
    if (def->restart == SB_RESTART_TEMPORARY || (def->restart == SB_RESTART_TRANSIENT
                                              && exited_ok)) {
        instance->state = S_EXITED;
        instance->exit_ok = exited_ok;
        sb_supervisor_log (self, "%s[%d]: %s (restart = %s: not restarted)", def->name,
                           instance->number, instance->reason,
                           sb_fleet_restart_name (def->restart));
    }
    else
        s_schedule_restart (self, instance, now);
}

//  --------------------------------------------------------------------------
//  Ticks

//  Readiness news and probes of a starting instance.
static void
s_check_ready (sb_supervisor_t *self, s_instance_t *instance, int64_t now)
{
    sb_program_def_t *def = instance->program->def;
    bool ready = instance->child && sb_child_take_ready (instance->child);
    if (!ready && instance->probe) {
        sb_probe_result_t result = sb_probe_result (instance->probe);
        ready = result == SB_PROBE_PASSED;
        if (result != SB_PROBE_PENDING || now >= instance->probe_deadline)
            sb_probe_destroy (&instance->probe);
    }
    else
    if (!ready && def->ready >= SB_READY_TCP && now >= instance->next_probe_at) {
        instance->probe = sb_probe_start (def, self->directory);
        instance->next_probe_at = now + def->probe_interval_ms;
        int64_t attempt = def->probe_interval_ms < S_PROBE_ATTEMPT_MIN_MS?
                          S_PROBE_ATTEMPT_MIN_MS: def->probe_interval_ms;
        instance->probe_deadline = now + attempt;
        if (instance->probe && sb_probe_result (instance->probe) == SB_PROBE_PASSED) {
            ready = true;
            sb_probe_destroy (&instance->probe);
        }
    }
    if (ready) {
        instance->state = S_RUNNING;
        instance->ready_at = now;
        sb_supervisor_log (self, "%s[%d]: ready after %" PRId64 " ms", def->name,
                           instance->number, now - instance->started_at);
    }
    else
    if (now >= instance->deadline) {
        sb_supervisor_log (self, "%s[%d]: not ready within %" PRId64 " ms (ready = %s)",
                           def->name, instance->number, def->ready_timeout_ms,
                           sb_fleet_ready_name (def->ready));
        s_begin_stop (self, instance, now);
        instance->start_failed = true;
    }
}

//  The next time something is due for the instance, or INT64_MAX.
static int64_t
s_due (s_instance_t *instance, int64_t now)
{
    switch (instance->state) {
        case S_STARTING: {
            int64_t due = instance->deadline;
            int64_t probe = instance->probe? instance->probe_deadline: instance->next_probe_at;
            return probe < due && instance->program->def->ready >= SB_READY_TCP? probe: due;
        }
        case S_STOPPING:
            return instance->killed? INT64_MAX: instance->deadline;
        case S_BACKOFF:         //  past it, it waits for its dependencies
            return instance->deadline > now? instance->deadline: INT64_MAX;
        default:
            return INT64_MAX;
    }
}

static void
s_tick_instance (sb_supervisor_t *self, s_instance_t *instance, int64_t now)
{
    s_program_t *program = instance->program;
    bool wanted = s_wanted (self, program, instance);
    bool up = instance->state == S_STARTING || instance->state == S_RUNNING;
    if (up && wanted && instance->restart_after_stop)
        s_begin_stop (self, instance, now);     //  ctl restart, or a changed definition
    else
    if (!wanted && up) {
        if (s_may_stop (self, program))
            s_begin_stop (self, instance, now);
    }
    else
    if (!wanted && instance->state == S_BACKOFF)
        instance->state = S_STOPPED;
    else
    if (instance->state == S_STARTING)
        s_check_ready (self, instance, now);
    else
    if (instance->state == S_STOPPING && !instance->killed && now >= instance->deadline) {
        sb_child_signal (instance->child, SIGKILL);
        instance->killed = true;
        sb_supervisor_log (self, "%s[%d]: still running after its grace: SIGKILL",
                           program->def->name, instance->number);
    }
    else
    if (wanted && (instance->state == S_STOPPED
               || (instance->state == S_BACKOFF && now >= instance->deadline))
    &&  s_dependencies_ready (self, program))
        s_spawn (self, instance, now);
    if (!wanted && program->failed && instance->state == S_STOPPED)
        instance->state = S_FAILED;
    if (instance->state == S_RUNNING && instance->child)
        sb_child_take_ready (instance->child);      //  said twice: nothing new
}

//  Frees programs a reload removed, once all their instances stopped.
static void
s_collect (sb_supervisor_t *self)
{
    size_t kept = 0;
    for (size_t index = 0; index < self->count; index++) {
        s_program_t *program = self->programs [index];
        bool live = false;
        for (int number = 0; number < SB_FLEET_MAX_INSTANCES && !live; number++)
            live = sb_supervisor_is_live (&program->instances [number]);
        if (program->removed && !live) {
            sb_supervisor_log (self, "%s: removed", program->def->name);
            sb_supervisor_program_destroy (&program);
        }
        else
            self->programs [kept++] = program;
    }
    self->count = kept;
}

int64_t
sb_supervisor_tick (sb_supervisor_t *self, int64_t now)
{
    int64_t due = INT64_MAX;
    for (size_t index = 0; index < self->count; index++)
        for (int number = 0; number < SB_FLEET_MAX_INSTANCES; number++) {
            s_instance_t *instance = &self->programs [index]->instances [number];
            s_tick_instance (self, instance, now);
            int64_t next = s_due (instance, now);
            due = next < due? next: due;
        }
    s_collect (self);
    int64_t wait = due == INT64_MAX? S_IDLE_MS: due - now;
    return wait < 0? 0: wait > S_IDLE_MS? S_IDLE_MS: wait;
}

//  --------------------------------------------------------------------------
//  The loop's side

void
sb_supervisor_watch (sb_supervisor_t *self, sb_watch_t *watch)
{
    for (size_t index = 0; index < self->count; index++)
        for (int number = 0; number < SB_FLEET_MAX_INSTANCES; number++) {
            s_instance_t *instance = &self->programs [index]->instances [number];
            if (instance->child)
                sb_child_watch (instance->child, watch);
            if (instance->probe)
                sb_probe_watch (instance->probe, watch);
        }
}

//  Hands a reaped pid to the instance or probe it belongs to.
static void
s_dispatch_exit (sb_supervisor_t *self, pid_t pid, int status, int64_t now)
{
    for (size_t index = 0; index < self->count; index++)
        for (int number = 0; number < SB_FLEET_MAX_INSTANCES; number++) {
            s_instance_t *instance = &self->programs [index]->instances [number];
            if (sb_supervisor_is_live (instance) && sb_child_pid (instance->child) == pid) {
                s_on_exit (self, instance, status, now);
                return;
            }
            if (instance->probe && sb_probe_pid (instance->probe) == pid) {
                sb_probe_exited (instance->probe, status);
                return;
            }
        }
    //  An orphan adopted as subreaper: reaped, nothing else to do
}

void
sb_supervisor_reap (sb_supervisor_t *self)
{
    int64_t now = zclock_mono ();
    int status;
    pid_t pid;
    while ((pid = waitpid (-1, &status, WNOHANG)) > 0 || (pid < 0 && errno == EINTR))
        if (pid > 0)
            s_dispatch_exit (self, pid, status, now);
}

void
sb_supervisor_shutdown (sb_supervisor_t *self)
{
    if (!self->shutting_down)
        sb_supervisor_log (self, "stopping the fleet, dependents first");
    self->shutting_down = true;
}

bool
sb_supervisor_done (sb_supervisor_t *self)
{
    if (!self->shutting_down)
        return false;
    for (size_t index = 0; index < self->count; index++)
        for (int number = 0; number < SB_FLEET_MAX_INSTANCES; number++)
            if (sb_supervisor_is_live (&self->programs [index]->instances [number]))
                return false;
    return true;
}

bool
sb_supervisor_clean (sb_supervisor_t *self)
{
    return !self->unclean;
}

//  --------------------------------------------------------------------------
//  Lifecycle

sb_supervisor_t *
sb_supervisor_new (sb_fleet_t **fleet_p, int output, char *err, size_t errlen)
{
    sb_fleet_t *fleet = *fleet_p;
    if (mkdir (fleet->run_dir, 0700) && errno != EEXIST) {
        sb_error_set (err, errlen, "cannot make the run folder %s: %s", fleet->run_dir,
                      strerror (errno));
        return NULL;
    }
    sb_supervisor_t *self = (sb_supervisor_t *) calloc (1, sizeof (sb_supervisor_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->output = output;
    self->random = (uint64_t) zclock_time () ^ ((uint64_t) getpid () << 32) ^ 0x9E3779B97F4A7C15ULL;
    self->path = strdup (fleet->path);
    self->directory = strdup (fleet->directory);
    self->run_dir = strdup (fleet->run_dir);
    for (size_t index = 0; index < fleet->count; index++) {
        sb_program_def_t *def = sb_fleet_take (fleet, fleet->programs [index]->name);
        s_program_t *program = sb_supervisor_program_new (def);
        if (program)
            self->programs [self->count++] = program;
    }
    if (!self->path || !self->directory || !self->run_dir || self->count != fleet->count) {
        sb_error_set (err, errlen, "out of memory");
        sb_supervisor_destroy (&self);
        return NULL;
    }
    sb_fleet_destroy (fleet_p);
    return self;
}

void
sb_supervisor_destroy (sb_supervisor_t **self_p)
{
    if (self_p && *self_p) {
        sb_supervisor_t *self = *self_p;
        for (size_t index = 0; index < self->count; index++)
            sb_supervisor_program_destroy (&self->programs [index]);
        free (self->path);
        free (self->directory);
        free (self->run_dir);
        free (self);
        *self_p = NULL;
    }
}
