/*  sb_testworld.c — one integration test's world (sb_testworld.h).

    Messages go to stderr with fprintf, as in sb_testredis.               */

#include "sb_testworld.h"
#include "sb_testutil.h"
#include <setjmp.h>
#include <sys/wait.h>
#include <cmocka.h>

//  The variables through which Switchboard's programs read their
//  environment: a test gives them only what it sets itself
static const char *s_program_variables [] = {
    "SB_BROKER", "TWILIO_AUTH_TOKEN", "INTERNAL_SECRET", "WORKSPACE_API_TOKEN", "SB_REDIS_URL",
    "REDIS_PASSWORD", "CREDENTIALS_KEY", "CREDENTIALS_KEY_FILE", "SB_CURVE_CERT",
    "SB_CURVE_SERVER", NULL
};

void
sb_testworld_clean_env (void)
{
    for (const char **name = s_program_variables; *name; name++)
        unsetenv (*name);
}

int
sb_testworld_run (int argc, char *argv [], int programs, const char *usage,
                  const struct CMUnitTest *tests, size_t count)
{
    if (argc < programs + 1) {
        fprintf (stderr, "Usage: %s %s\n", program_invocation_short_name, usage);
        return SB_TESTWORLD_USAGE;
    }
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
        return SB_TESTWORLD_SKIP;
    }
    if (argc > programs + 1)
        cmocka_set_test_filter (argv [programs + 1]);
    sb_testworld_clean_env ();
    struct CMUnitTest *cases = (struct CMUnitTest *) calloc (count, sizeof (struct CMUnitTest));
    if (!cases)
        return 1;
    for (size_t index = 0; index < count; index++) {
        cases [index] = tests [index];
        cases [index].initial_state = (void *) (argv + 1);
    }
    int failed = _cmocka_run_group_tests (program_invocation_short_name, cases, count, NULL,
                                          NULL);
    free (cases);
    return failed;
}

int
sb_testworld_setup (void **state)
{
    sb_testworld_t *self = (sb_testworld_t *) calloc (1, sizeof (sb_testworld_t));
    if (!self)
        return -1;
    self->programs = (char *const *) *state;
    const char *tmpdir = getenv ("TMPDIR");
    int size = snprintf (self->dir, sizeof self->dir, "%s/sb-%s-XXXXXX",
                         tmpdir && *tmpdir? tmpdir: "/tmp", program_invocation_short_name);
    bool made = size > 0 && (size_t) size < sizeof self->dir && mkdtemp (self->dir);
    self->ids = sb_idgen_new ();
    if (!made || !self->ids || sb_testworld_path (self, "sink.txt", self->sink, sizeof self->sink)) {
        fprintf (stderr, "sb_testworld: cannot make %s: %s\n", self->dir, strerror (errno));
        sb_idgen_destroy (&self->ids);
        free (self);
        return -1;
    }
    *state = self;
    return 0;
}

int
sb_testworld_teardown (void **state)
{
    sb_testworld_t *self = (sb_testworld_t *) *state;
    int rc = sb_testworld_serve_stop (self);
    for (size_t index = 0; index < SB_TESTWORLD_BROKERS; index++)
        sb_client_destroy (&self->brokers [index].client);
    for (size_t index = self->proc_count; index-- > 0;)
        rc |= sb_testproc_stop (&self->procs [index], SB_TESTWORLD_STOP_MS, self->whats [index]);
    for (size_t index = 0; index < SB_TESTWORLD_BROKERS; index++)
        rc |= sb_testproc_stop (&self->brokers [index].process, SB_TESTWORLD_STOP_MS,
                                self->brokers [index].name);
    sb_testredis_destroy (&self->redis);
    sb_idgen_destroy (&self->ids);
    sb_testutil_remove_tree (self->dir);
    free (self);
    return rc? -1: 0;
}

int
sb_testworld_path (sb_testworld_t *self, const char *name, char *path, size_t size)
{
    int length = snprintf (path, size, "%s/%s", self->dir, name);
    return length > 0 && (size_t) length < size? 0: -1;
}

int
sb_testworld_write (sb_testworld_t *self, const char *name, const char *text, char *path,
                    size_t size)
{
    FILE *file = NULL;
    if (sb_testworld_path (self, name, path, size) == 0)
        file = fopen (path, "w");
    bool written = file && fputs (text, file) >= 0;
    if (file && fclose (file))
        written = false;
    if (!written)
        fprintf (stderr, "sb_testworld: cannot write %s: %s\n", path, strerror (errno));
    return written? 0: -1;
}

int
sb_testworld_redis_start (sb_testworld_t *self, const char *appendfsync)
{
    assert (!self->redis);
    self->redis = sb_testredis_new (appendfsync);
    return self->redis? 0: -1;
}

//  Runs broker index on its endpoint and waits until it answers STATS.
//  Returns 0, or -1 if it exited first (its port was taken) or never
//  answered within SB_TESTWORLD_READY_MS.
static int
s_broker_spawn (sb_testworld_t *self, size_t index)
{
    sb_testworld_broker_t *broker = &self->brokers [index];
    char *argv [] = { self->programs [0], "--endpoint", broker->endpoint,
                      "--redis", (char *) sb_testredis_url (self->redis), "--name", broker->name,
                      *broker->config? "--config": NULL, broker->config, NULL };
    broker->process = *broker->log? sb_testproc_new_logged (argv, broker->log)
                                  : sb_testproc_new (argv);
    int64_t deadline = zclock_mono () + SB_TESTWORLD_READY_MS;
    while (broker->process && zclock_mono () < deadline) {
        int status;
        if (sb_testproc_wait (broker->process, 0, &status) == 0) {
            fprintf (stderr, "sb_testworld: %s on %s exited with status %d\n", broker->name,
                     broker->endpoint, WIFEXITED (status)? WEXITSTATUS (status): -1);
            break;
        }
        json_t *stats = sb_testworld_request (self, index, SB_PROTO_STATS, NULL, 200);
        json_decref (stats);
        if (stats)
            return 0;
    }
    sb_testproc_destroy (&broker->process);
    return -1;
}

int
sb_testworld_broker_start (sb_testworld_t *self, size_t index, const char *config)
{
    assert (index < SB_TESTWORLD_BROKERS);
    sb_testworld_broker_t *broker = &self->brokers [index];
    assert (!broker->process);
    if (!self->redis && sb_testworld_redis_start (self, NULL))
        return -1;
    char letter = (char) ('a' + index), file [32];
    snprintf (broker->name, sizeof broker->name, "broker-%c", letter);
    snprintf (file, sizeof file, "broker-%c.zpl", letter);
    if (config && sb_testworld_write (self, file, config, broker->config, sizeof broker->config))
        return -1;
    for (int attempt = 0; attempt < SB_TESTWORLD_ATTEMPTS; attempt++) {
        snprintf (broker->endpoint, sizeof broker->endpoint, "tcp://127.0.0.1:%d",
                  sb_testutil_free_port ());
        if (s_broker_spawn (self, index) == 0)
            return 0;
    }
    fprintf (stderr, "sb_testworld: %s did not start\n", broker->name);
    return -1;
}

int
sb_testworld_broker_log (sb_testworld_t *self, size_t index)
{
    assert (index < SB_TESTWORLD_BROKERS);
    char file [32];
    snprintf (file, sizeof file, "broker-%c.log", (char) ('a' + index));
    sb_testworld_broker_t *broker = &self->brokers [index];
    return sb_testworld_path (self, file, broker->log, sizeof broker->log);
}

char *
sb_testworld_read (const char *path)
{
    zfile_t *file = zfile_new (NULL, path);
    zchunk_t *chunk = file && zfile_input (file) == 0? zfile_read (file, 1 << 22, 0): NULL;
    char *text = chunk? zchunk_strdup (chunk): strdup ("");
    zchunk_destroy (&chunk);
    zfile_destroy (&file);
    return text;
}

bool
sb_testworld_log_wait (const char *path, const char *text, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (true) {
        char *content = sb_testworld_read (path);
        bool found = content && strstr (content, text);
        free (content);
        if (found)
            return true;
        if (zclock_mono () >= deadline) {
            fprintf (stderr, "sb_testworld: '%s' not in %s after %d ms\n", text, path, timeout_ms);
            return false;
        }
        zclock_sleep (20);
    }
}

int
sb_testworld_broker_quick (sb_testworld_t *self, size_t index, int lease_ms,
                           const char *broker_extra, const char *routes)
{
    char *config = zsys_sprintf (
        "#   %s: short timings, so that failures are found fast\n"
        "broker\n"
        "    heartbeat = 100\n"
        "    liveness = 3\n"
        "    visibility = 1000\n"
        "    poll = 20\n"
        "%s"
        "services\n"
        "    default\n"
        "        initial-interval = 20\n"
        "        max-interval = 100\n"
        "        lease = %d\n"
        "%s%s", program_invocation_short_name, broker_extra? broker_extra: "", lease_ms,
        routes? "routes\n": "", routes? routes: "");
    int rc = config? sb_testworld_broker_start (self, index, config): -1;
    zstr_free (&config);
    return rc;
}

int
sb_testworld_broker_restart (sb_testworld_t *self, size_t index)
{
    assert (index < SB_TESTWORLD_BROKERS && !self->brokers [index].process);
    if (s_broker_spawn (self, index) == 0)
        return 0;
    fprintf (stderr, "sb_testworld: %s did not start again on %s\n", self->brokers [index].name,
             self->brokers [index].endpoint);
    return -1;
}

int
sb_testworld_broker_kill (sb_testworld_t *self, size_t index)
{
    assert (index < SB_TESTWORLD_BROKERS);
    sb_testworld_broker_t *broker = &self->brokers [index];
    sb_client_destroy (&broker->client);
    int rc = broker->process? sb_testproc_kill (broker->process, SB_TESTWORLD_STOP_MS): -1;
    sb_testproc_destroy (&broker->process);
    return rc;
}

json_t *
sb_testworld_request (sb_testworld_t *self, size_t index, const char *command, const char *arg,
                      int timeout_ms)
{
    assert (index < SB_TESTWORLD_BROKERS);
    char err [256];
    sb_client_t *client = sb_client_new (self->brokers [index].endpoint, err, sizeof err);
    json_t *reply = client? sb_client_request (client, command, arg, timeout_ms,
                                               err, sizeof err): NULL;
    if (!reply && timeout_ms >= SB_TESTWORLD_REPLY_MS)
        fprintf (stderr, "sb_testworld: %s to %s: %s\n", command, self->brokers [index].name,
                 err);
    sb_client_destroy (&client);
    return reply;
}

json_t *
sb_testworld_stats (sb_testworld_t *self, size_t index)
{
    return sb_testworld_request (self, index, SB_PROTO_STATS, NULL, SB_TESTWORLD_REPLY_MS);
}

int64_t
sb_testworld_figure (json_t *stats, const char *service, const char *key)
{
    json_t *services = json_object_get (stats, "services");
    json_t *value = json_object_get (json_object_get (services, service), key);
    return json_is_integer (value)? json_integer_value (value): -1;
}

bool
sb_testworld_wait_workers (sb_testworld_t *self, size_t index, const char *service,
                           int64_t count)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = sb_testworld_stats (self, index);
        int64_t workers = sb_testworld_figure (stats, service, "workers");
        json_decref (stats);
        if (workers == count)
            return true;
        zclock_sleep (10);
    }
    fprintf (stderr, "sb_testworld: %s has not %" PRId64 " workers after %d ms\n", service,
             count, SB_TESTWORLD_WAIT_MS);
    return false;
}

bool
sb_testworld_wait_drained (sb_testworld_t *self, size_t index)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    while (zclock_mono () < deadline) {
        json_t *stats = sb_testworld_stats (self, index);
        json_t *backlog = json_object_get (stats, "backlog");
        bool empty = json_is_integer (backlog) && json_integer_value (backlog) == 0;
        json_decref (stats);
        if (empty)
            return true;
        zclock_sleep (10);
    }
    fprintf (stderr, "sb_testworld: the backlog is not empty after %d ms\n",
             SB_TESTWORLD_WAIT_MS);
    return false;
}

sb_client_t *
sb_testworld_client (sb_testworld_t *self, size_t index)
{
    assert (index < SB_TESTWORLD_BROKERS);
    sb_testworld_broker_t *broker = &self->brokers [index];
    char err [256];
    if (!broker->client)
        broker->client = sb_client_new (broker->endpoint, err, sizeof err);
    if (!broker->client)
        fprintf (stderr, "sb_testworld: a client of %s: %s\n", broker->name, err);
    return broker->client;
}

zsock_t *
sb_testworld_raw_worker (sb_testworld_t *self, size_t index, const char *service,
                         const char *instance, int capacity)
{
    assert (index < SB_TESTWORLD_BROKERS);
    zsock_t *worker = zsock_new_dealer (self->brokers [index].endpoint);
    zmsg_t *hello = sb_proto_new (SB_PROTO_HELLO);
    json_t *body = json_pack ("{s:s, s:s, s:i}", "service", service, "instance", instance,
                              "capacity", capacity);
    if (!worker || !hello || !body || sb_proto_add_json (hello, body)
    ||  zmsg_send (&hello, worker)) {
        fprintf (stderr, "sb_testworld: no HELLO from a raw %s worker\n", service);
        zsock_destroy (&worker);
    }
    zmsg_destroy (&hello);
    json_decref (body);
    return worker;
}

sb_testproc_t *
sb_testworld_spawn (sb_testworld_t *self, char *argv [], const char *what)
{
    if (self->proc_count == SB_TESTWORLD_PROCS) {
        fprintf (stderr, "sb_testworld: %s would be process %d\n", what, SB_TESTWORLD_PROCS + 1);
        return NULL;
    }
    sb_testproc_t *process = sb_testproc_new (argv);
    if (process) {
        self->whats [self->proc_count] = what;
        self->procs [self->proc_count++] = process;
    }
    return process;
}

sb_testproc_t *
sb_testworld_worker (sb_testworld_t *self, const char *program, size_t broker,
                     const char *service, const char *instance, const char *capacity)
{
    bool sink = streq (service, "echo-sink");
    char *argv [] = { (char *) program, self->brokers [broker].endpoint, (char *) service,
                      (char *) instance, (char *) capacity, sink? "--sink": NULL, self->sink,
                      NULL };
    return sb_testworld_spawn (self, argv, sink? "a sink testworker": "a testworker");
}

void
sb_testworld_kill_all (sb_testworld_t *self)
{
    for (size_t index = 0; index < self->proc_count; index++)
        sb_testproc_kill (self->procs [index], SB_TESTWORLD_STOP_MS);
}

//  Polls ready until the server on self->port says yes. Returns 0, or -1
//  if it exited first (its port was taken) or did not come up in time.
static int
s_server_wait (sb_testworld_t *self, sb_testworld_ready_fn *ready)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_READY_MS;
    while (zclock_mono () < deadline) {
        if (sb_testproc_wait (self->server, 0, NULL) == 0)
            return -1;
        if (ready (self->port, 200))
            return 0;
        zclock_sleep (10);
    }
    return -1;
}

int
sb_testworld_serve (sb_testworld_t *self, char *const argv [], size_t port_arg,
                    const char *what, sb_testworld_ready_fn *ready)
{
    assert (!self->server);
    size_t count = 0;
    while (argv [count])
        count++;
    assert (port_arg < count);
    char **with_port = (char **) calloc (count + 1, sizeof (char *));
    if (!with_port)
        return -1;
    memcpy (with_port, argv, count * sizeof (char *));
    char port [16];
    with_port [port_arg] = port;
    self->server_what = what;
    for (int attempt = 0; attempt < SB_TESTWORLD_ATTEMPTS && !self->server; attempt++) {
        self->port = sb_testutil_free_port ();
        snprintf (port, sizeof port, "%d", self->port);
        self->server = sb_testproc_new (with_port);
        if (self->server && s_server_wait (self, ready))
            sb_testproc_stop (&self->server, SB_TESTWORLD_STOP_MS, what);
    }
    free (with_port);
    if (self->server)
        return 0;
    fprintf (stderr, "sb_testworld: %s did not start\n", what);
    return -1;
}

int
sb_testworld_serve_stop (sb_testworld_t *self)
{
    return sb_testproc_stop (&self->server, SB_TESTWORLD_STOP_MS, self->server_what);
}
