/*  sb_chaosfleet.c — the chaos tests' fleet under supervise
    (sb_chaosfleet.h).                                                    */

#include "sb_chaosfleet.h"
#include "sb_client.h"
#include "sb_testhttp.h"
#include "sb_testutil.h"
#include "sb_testredis.h"
#include "sb_testsupervise.h"
#include "sb_testworld.h"
#include <curl/curl.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_POLL_MS     20
#define S_REPLY_MS    2000        //  for one answer of the broker or supervise
#define S_STOP_MS     60000       //  for the fleet to stop (each program's grace is 10 s)
#define S_TEMPLATE_MAX (64 * 1024)
#define S_QUARANTINE_MB 4         //  ASan's quarantine in the fleet's programs

//  The services of the fleet and how many workers each has
static const struct {
    const char *name;
    int64_t workers;
} s_services [] = {
    { "planner", 2 }, { "timesheet", 1 }, { "branding", 1 }, { "quality", 1 }, { "sender", 1 }
};
#define S_SERVICES (sizeof s_services / sizeof s_services [0])

//  --------------------------------------------------------------------------
//  The files

//  Reads the file at path (at most S_TEMPLATE_MAX bytes) into a new string
//  (caller frees), or NULL with the reason on stderr.
static char *
s_read_file (const char *path)
{
    FILE *file = fopen (path, "r");
    char *text = file? (char *) calloc (1, S_TEMPLATE_MAX + 1): NULL;
    size_t size = text? fread (text, 1, S_TEMPLATE_MAX, file): 0;
    if (file)
        fclose (file);
    if (!text || size == S_TEMPLATE_MAX || size == 0) {
        fprintf (stderr, "sb_chaosfleet: cannot read %s (or it is empty or too large)\n", path);
        free (text);
        return NULL;
    }
    return text;
}

//  Writes template (a file of the folder templates) into the fleet's
//  folder as name, each @NAME@ of it replaced by the value of that name in
//  names/values (count pairs). Returns 0, or -1 with the reason on stderr
//  (an @NAME@ left that is not given).
static int
s_fill (sb_chaosfleet_t *self, const char *templates, const char *template, const char *name,
        const char *const *names, const char *const *values, size_t count)
{
    char path [SB_CHAOSFLEET_PATH_MAX * 2];
    snprintf (path, sizeof path, "%s/%s", templates, template);
    char *text = s_read_file (path);
    zchunk_t *filled = zchunk_new (NULL, 0);
    int rc = text && filled? 0: -1;
    for (char *at = text; rc == 0 && at && *at;) {
        char *open = strchr (at, '@'), *close = open? strchr (open + 1, '@'): NULL;
        zchunk_extend (filled, at, open? (size_t) (open - at): strlen (at));
        if (!open)
            break;
        size_t index = 0;
        while (close && index < count && (strlen (names [index]) != (size_t) (close - open - 1)
                                      ||  strncmp (names [index], open + 1, close - open - 1)))
            index++;
        if (!close || index == count) {
            fprintf (stderr, "sb_chaosfleet: %s: '%.20s' is no value the test fills in\n", path,
                     open);
            rc = -1;
            break;
        }
        zchunk_extend (filled, values [index], strlen (values [index]));
        at = close + 1;
    }
    snprintf (path, sizeof path, "%s/%s", self->dir, name);
    FILE *file = rc == 0? fopen (path, "w"): NULL;
    if (rc == 0 && (!file || fwrite (zchunk_data (filled), 1, zchunk_size (filled), file)
                             != zchunk_size (filled))) {
        fprintf (stderr, "sb_chaosfleet: cannot write %s\n", path);
        rc = -1;
    }
    if (file && fclose (file))
        rc = -1;
    zchunk_destroy (&filled);
    free (text);
    return rc;
}

//  Makes the fleet's folder (with redis/ inside) and picks its ports.
//  Returns 0, or -1 with the reason on stderr.
static int
s_make_folder (sb_chaosfleet_t *self)
{
    const char *tmpdir = getenv ("TMPDIR");
    snprintf (self->dir, sizeof self->dir, "%s/sb-chaos-XXXXXX", tmpdir && *tmpdir? tmpdir: "/tmp");
    char redis_dir [SB_CHAOSFLEET_PATH_MAX];
    bool made = mkdtemp (self->dir) != NULL;
    snprintf (redis_dir, sizeof redis_dir, "%s/redis", self->dir);
    if (!made || mkdir (redis_dir, 0700)) {
        fprintf (stderr, "sb_chaosfleet: cannot make %s: %s\n", self->dir, strerror (errno));
        return -1;
    }
    snprintf (self->log, sizeof self->log, "%s/supervise.log", self->dir);
    snprintf (self->socket, sizeof self->socket, "%s/ctl.sock", self->dir);
    int *ports [] = { &self->redis_port, &self->broker_port, &self->ingress_port,
                      &self->twilio_port };
    for (size_t index = 0; index < 4; index++) {
        *ports [index] = sb_testutil_free_port ();
        for (size_t other = 0; other < index; other++)
            if (*ports [other] == *ports [index])
                *ports [index] = -1;
        if (*ports [index] <= 0)
            return -1;
    }
    snprintf (self->endpoint, sizeof self->endpoint, "tcp://127.0.0.1:%d", self->broker_port);
    return 0;
}

//  Writes the fleet file and the config from the templates. Returns 0 or
//  -1.
static int
s_write_files (sb_chaosfleet_t *self, const char *bindir, const char *templates,
               const sb_chaosfleet_config_t *config)
{
    char *absolute = realpath (bindir, NULL);
    if (!absolute) {
        fprintf (stderr, "sb_chaosfleet: %s: %s\n", bindir, strerror (errno));
        return -1;
    }
    char ports [4][16], settings [4][24];
    snprintf (ports [0], 16, "%d", self->redis_port);
    snprintf (ports [1], 16, "%d", self->broker_port);
    snprintf (ports [2], 16, "%d", self->ingress_port);
    snprintf (ports [3], 16, "%d", self->twilio_port);
    snprintf (settings [0], 24, "%" PRId64, config->max_backlog);
    snprintf (settings [1], 24, "%d", config->sender_attempts);
    snprintf (settings [2], 24, "%d", config->lookup_delay_ms);
    snprintf (settings [3], 24, "%d", config->publish_timeout_ms);
    const char *names [] = { "DIR", "BIN", "REDIS_PORT", "BROKER_PORT", "INGRESS_PORT",
                             "TWILIO_PORT", "ACCOUNT", "MAX_BACKLOG", "SENDER_ATTEMPTS",
                             "LOOKUP_DELAY", "PUBLISH_TIMEOUT" };
    const char *values [] = { self->dir, absolute, ports [0], ports [1], ports [2], ports [3],
                              SB_CHAOSFLEET_ACCOUNT, settings [0], settings [1], settings [2],
                              settings [3] };
    size_t count = sizeof names / sizeof names [0];
    int rc = s_fill (self, templates, "fleet.zpl.in", "fleet.zpl", names, values, count)
          || s_fill (self, templates, "switchboard.zpl.in", "switchboard.zpl", names, values,
                     count)? -1: 0;
    free (absolute);
    return rc;
}

//  --------------------------------------------------------------------------
//  Watching it

json_t *
sb_chaosfleet_status (sb_chaosfleet_t *self)
{
    return sb_testsupervise_status (self->socket, false);
}

int
sb_chaosfleet_pid (sb_chaosfleet_t *self, const char *program, int instance, int *restarts)
{
    json_t *status = sb_chaosfleet_status (self);
    json_t *row = sb_testsupervise_row (status, program, instance);
    const char *state = json_string_value (json_object_get (row, "state"));
    json_t *pid = json_object_get (row, "pid");
    int running = state && streq (state, "running") && json_is_integer (pid)
                ? (int) json_integer_value (pid): -1;
    if (restarts)
        *restarts = row? (int) json_integer_value (json_object_get (row, "restarts")): -1;
    json_decref (status);
    return running;
}

//  True if every instance of the fleet runs, or has exited 0 as a job.
static bool
s_all_running (sb_chaosfleet_t *self)
{
    json_t *status = sb_testsupervise_status (self->socket, true);
    size_t index;
    json_t *row;
    bool all = status != NULL;
    json_array_foreach (json_object_get (status, "instances"), index, row) {
        const char *state = json_string_value (json_object_get (row, "state"));
        all = all && state && (streq (state, "running") || streq (state, "exited"));
    }
    json_decref (status);
    return all;
}

json_t *
sb_chaosfleet_request (sb_chaosfleet_t *self, const char *command, const char *arg,
                       int timeout_ms)
{
    char err [256];
    sb_client_t *client = sb_client_new (self->endpoint, err, sizeof err);
    json_t *reply = client? sb_client_request (client, command, arg, timeout_ms, err,
                                               sizeof err): NULL;
    sb_client_destroy (&client);
    return reply;
}

int64_t
sb_chaosfleet_backlog (sb_chaosfleet_t *self)
{
    json_t *stats = sb_chaosfleet_request (self, "STATS", NULL, S_REPLY_MS);
    json_t *backlog = json_object_get (stats, "backlog");
    int64_t value = json_is_integer (backlog)? json_integer_value (backlog): -1;
    json_decref (stats);
    return value;
}

//  True if the broker answers STATS with every service's workers.
static bool
s_workers_joined (sb_chaosfleet_t *self)
{
    json_t *stats = sb_chaosfleet_request (self, "STATS", NULL, S_REPLY_MS);
    bool joined = stats != NULL;
    for (size_t index = 0; joined && index < S_SERVICES; index++)
        joined = sb_testworld_figure (stats, s_services [index].name, "workers")
              == s_services [index].workers;
    json_decref (stats);
    return joined;
}

//  Polls until the fleet runs, the broker has its workers and ingress is
//  ready. Returns 0, or -1 with the reason on stderr.
static int
s_wait_up (sb_chaosfleet_t *self)
{
    int64_t deadline = zclock_mono () + SB_CHAOSFLEET_WAIT_MS;
    sb_testhttp_answer_t answer = { 0 };
    while (zclock_mono () < deadline) {
        if (sb_testproc_wait (self->supervise, 0, NULL) == 0) {
            fprintf (stderr, "sb_chaosfleet: supervise exited\n");
            return -1;
        }
        if (s_all_running (self) && s_workers_joined (self)
        &&  sb_testhttp_get (self->ingress_port, "/ready", S_REPLY_MS / 4, &answer) == 0
        &&  answer.status == 200)
            return 0;
        zclock_sleep (S_POLL_MS * 5);
    }
    fprintf (stderr, "sb_chaosfleet: the fleet is not up after %d ms (ingress's /ready: %ld "
             "%s)\n", SB_CHAOSFLEET_WAIT_MS, answer.status, answer.body);
    return -1;
}

int
sb_chaosfleet_wait_restarted (sb_chaosfleet_t *self, const char *program, int instance,
                              int old_pid)
{
    int64_t deadline = zclock_mono () + SB_CHAOSFLEET_WAIT_MS;
    int pid = -1;
    while (zclock_mono () < deadline) {
        pid = sb_chaosfleet_pid (self, program, instance, NULL);
        if (pid > 0 && pid != old_pid && s_workers_joined (self))
            return pid;
        zclock_sleep (S_POLL_MS);
    }
    fprintf (stderr, "sb_chaosfleet: %s[%d] (pid %d before) is not back with every worker "
             "after %d ms (pid now %d)\n", program, instance, old_pid, SB_CHAOSFLEET_WAIT_MS,
             pid);
    return -1;
}

bool
sb_chaosfleet_wait_drained (sb_chaosfleet_t *self, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (zclock_mono () < deadline) {
        if (sb_chaosfleet_backlog (self) == 0)
            return true;
        zclock_sleep (S_POLL_MS * 5);
    }
    json_t *stats = sb_chaosfleet_request (self, "STATS", NULL, S_REPLY_MS);
    char *text = stats? json_dumps (stats, JSON_INDENT (2)): NULL;
    fprintf (stderr, "sb_chaosfleet: the backlog is not empty after %d ms; STATS:\n%s\n",
             timeout_ms, text? text: "(no answer)");
    free (text);
    json_decref (stats);
    return false;
}

long long
sb_chaosfleet_dead_letters (sb_chaosfleet_t *self)
{
    redisReply *reply = (redisReply *) redisCommand (self->redis, "XLEN sb:dlq");
    long long length = reply && reply->type == REDIS_REPLY_INTEGER? reply->integer: -1;
    freeReplyObject (reply);
    return length;
}

void
sb_chaosfleet_print_log (sb_chaosfleet_t *self, size_t bytes)
{
    FILE *file = fopen (self->log, "r");
    char *text = file? (char *) calloc (1, bytes + 1): NULL;
    if (text && fseek (file, 0, SEEK_END) == 0) {
        long size = ftell (file);
        fseek (file, size > (long) bytes? size - (long) bytes: 0, SEEK_SET);
        text [fread (text, 1, bytes, file)] = 0;
        fprintf (stderr, "---- the end of %s ----\n%s\n---- end ----\n", self->log, text);
    }
    free (text);
    if (file)
        fclose (file);
}

//  --------------------------------------------------------------------------
//  Its life

//  Starts supervise on the fleet file, the auth token in its environment
//  only (its programs take it from there as a secret). Under ASan, the
//  fleet's freed memory is held in a quarantine of S_QUARANTINE_MB, not
//  ASan's 256 MB, so that resident memory says what the programs keep.
//  Returns 0 or -1.
static int
s_start_supervise (sb_chaosfleet_t *self, const char *supervise)
{
    char fleet [SB_CHAOSFLEET_PATH_MAX];
    snprintf (fleet, sizeof fleet, "%s/fleet.zpl", self->dir);
    char *argv [] = { (char *) supervise, fleet, NULL };
    const char *asan = getenv ("ASAN_OPTIONS");
    char *saved = asan? strdup (asan): NULL;
    char *options = zsys_sprintf ("%s%squarantine_size_mb=%d", saved? saved: "",
                                  saved && *saved? ":": "", S_QUARANTINE_MB);
    setenv ("ASAN_OPTIONS", options, 1);
    setenv ("TWILIO_AUTH_TOKEN", SB_CHAOSFLEET_TOKEN, 1);
    self->supervise = sb_testproc_new_logged (argv, self->log);
    unsetenv ("TWILIO_AUTH_TOKEN");
    if (saved)
        setenv ("ASAN_OPTIONS", saved, 1);
    else
        unsetenv ("ASAN_OPTIONS");
    free (saved);
    free (options);
    return self->supervise? 0: -1;
}

int
sb_chaosfleet_run (const struct CMUnitTest *tests, size_t count)
{
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return SB_TESTWORLD_SKIP;
    }
    sb_testworld_clean_env ();
    if (curl_global_init (CURL_GLOBAL_DEFAULT)) {
        fprintf (stderr, "sb_chaosfleet: curl_global_init failed\n");
        return 1;
    }
    int failed = _cmocka_run_group_tests (program_invocation_short_name, tests, count, NULL,
                                          NULL);
    curl_global_cleanup ();
    return failed;
}

sb_chaosfleet_t *
sb_chaosfleet_new (const char *supervise, const char *bindir, const char *templates,
                   const sb_chaosfleet_config_t *config)
{
    sb_chaosfleet_t *self = (sb_chaosfleet_t *) calloc (1, sizeof (sb_chaosfleet_t));
    if (!self)
        return NULL;
    int rc = s_make_folder (self);
    if (rc == 0)
        rc = s_write_files (self, bindir, templates, config);
    if (rc == 0)
        rc = s_start_supervise (self, supervise);
    if (rc == 0)
        rc = s_wait_up (self);
    if (rc == 0) {
        self->redis = redisConnect ("127.0.0.1", self->redis_port);
        if (!self->redis || self->redis->err)
            rc = -1;
    }
    if (rc) {
        if (self->supervise)
            sb_chaosfleet_print_log (self, 8192);
        sb_chaosfleet_destroy (&self);
    }
    return self;
}

int
sb_chaosfleet_destroy (sb_chaosfleet_t **self_p)
{
    if (!self_p || !*self_p)
        return 0;
    sb_chaosfleet_t *self = *self_p;
    if (self->redis)
        redisFree (self->redis);
    int rc = sb_testproc_stop (&self->supervise, S_STOP_MS, "supervise (the fleet)");
    if (rc)
        sb_chaosfleet_print_log (self, 8192);
    if (self->keep)
        fprintf (stderr, "sb_chaosfleet: the fleet's folder, its log and Redis's AOF are "
                 "kept in %s\n", self->dir);
    else
    if (*self->dir)
        sb_testutil_remove_tree (self->dir);
    free (self);
    *self_p = NULL;
    return rc;
}
