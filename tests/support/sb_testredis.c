/*  sb_testredis.c — test support: a private redis-server for one test.

    Messages go to stderr with fprintf, not zsys_error: zsys logging may
    initialise CZMQ (context, signal handlers) in tests that never use it. */

//  _GNU_SOURCE (nftw flags, pipe2, close_range) comes from CMake
#include "sb_classes.h"
#include "sb_testproc.h"
#include "sb_testutil.h"
#include "sb_testredis.h"
#include <arpa/inet.h>
#include <hiredis/hiredis.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

//  A port bound by someone else between our probe and redis's bind makes
//  redis exit; a fresh port is then tried this many times in all
#define S_START_ATTEMPTS 3
#define S_LOG_TAIL       2048   //  bytes of redis.log shown on failure

struct _sb_testredis_t {
    char dir [PATH_MAX];        //  the temporary directory, ours to remove
    char url [64];              //  tcp://127.0.0.1:PORT
    char appendfsync [16];
    char password [64];         //  requirepass, "" for none
    int port;
    sb_testproc_t *server;      //  NULL while killed
};

//  Returns 1 if the server answers PING with PONG, 0 if not (yet): refused,
//  still LOADING the AOF, or too slow. Short time-outs, so a caller can
//  poll against its own deadline.
static int
s_ping (sb_testredis_t *self)
{
    struct timeval timeout = { 0, 200 * 1000 };
    redisContext *redis = redisConnectWithTimeout ("127.0.0.1", self->port, timeout);
    if (!redis || redis->err
    ||  redisSetTimeout (redis, timeout) != REDIS_OK) {
        redisFree (redis);
        return 0;
    }
    redisReply *reply = NULL;
    if (*self->password) {
        reply = (redisReply *) redisCommand (redis, "AUTH %s", self->password);
        freeReplyObject (reply);
    }
    reply = (redisReply *) redisCommand (redis, "PING");
    int pong = reply && reply->type == REDIS_REPLY_STATUS
            && streq (reply->str, "PONG");
    freeReplyObject (reply);
    redisFree (redis);
    return pong;
}

//  Prints the last S_LOG_TAIL bytes of redis.log to stderr.
static void
s_print_log_tail (sb_testredis_t *self)
{
    char path [PATH_MAX + 16];
    snprintf (path, sizeof path, "%s/redis.log", self->dir);
    FILE *file = fopen (path, "r");
    if (!file) {
        fprintf (stderr, "sb_testredis: no %s: %s\n", path, strerror (errno));
        return;
    }
    fprintf (stderr, "sb_testredis: tail of %s:\n", path);
    if (fseek (file, -S_LOG_TAIL, SEEK_END))
        rewind (file);      //  shorter than the tail
    char buffer [S_LOG_TAIL];
    size_t size = fread (buffer, 1, sizeof buffer, file);
    fwrite (buffer, 1, size, stderr);
    fclose (file);
}

//  Waits until the server answers PONG. Returns 0, -1 if it exited (as it
//  does when its port was taken), or -2 if the deadline passed; on failure
//  self->server is destroyed.
static int
s_wait_ready (sb_testredis_t *self)
{
    int64_t deadline = zclock_mono () + SB_TESTREDIS_TIMEOUT_MS;
    int rc = -1;
    while (true) {
        int status;
        if (sb_testproc_wait (self->server, 0, &status) == 0) {
            fprintf (stderr, "sb_testredis: redis-server on port %d %s %d\n",
                     self->port, WIFSIGNALED (status)? "died of signal":
                     "exited with status", WIFSIGNALED (status)?
                     WTERMSIG (status): WEXITSTATUS (status));
            break;
        }
        if (s_ping (self))
            return 0;
        if (zclock_mono () >= deadline) {
            fprintf (stderr, "sb_testredis: redis-server on port %d did not "
                     "answer PING within %d ms\n", self->port,
                     SB_TESTREDIS_TIMEOUT_MS);
            rc = -2;
            break;
        }
        zclock_sleep (10);
    }
    sb_testproc_destroy (&self->server);
    return rc;
}

//  Starts redis-server on self->port and self->dir and waits until it is
//  ready. Returns 0, or -1 or -2 as s_wait_ready.
static int
s_start (sb_testredis_t *self)
{
    char port [16];
    snprintf (port, sizeof port, "%d", self->port);
    char logfile [PATH_MAX + 16];
    snprintf (logfile, sizeof logfile, "%s/redis.log", self->dir);
    //  save "": no RDB snapshots, so the AOF alone carries the data
    char *argv [] = {
        "redis-server", "--port", port, "--bind", "127.0.0.1",
        "--dir", self->dir, "--appendonly", "yes",
        "--appendfsync", self->appendfsync, "--save", "",
        "--daemonize", "no", "--logfile", logfile,
        "--protected-mode", "no", NULL, NULL, NULL
    };
    if (*self->password) {   //  after a restart, as before it
        argv [sizeof argv / sizeof argv [0] - 3] = "--requirepass";
        argv [sizeof argv / sizeof argv [0] - 2] = self->password;
    }
    self->server = sb_testproc_new (argv);
    if (!self->server)
        return -1;
    return s_wait_ready (self);
}

//  Makes the temporary directory. Returns 0 or -1.
static int
s_make_dir (sb_testredis_t *self)
{
    const char *tmpdir = getenv ("TMPDIR");
    if (!tmpdir || !*tmpdir)
        tmpdir = "/tmp";
    int size = snprintf (self->dir, sizeof self->dir, "%s/sb-testredis-XXXXXX",
                         tmpdir);
    if (size < 0 || (size_t) size >= sizeof self->dir) {
        fprintf (stderr, "sb_testredis: TMPDIR too long\n");
        return -1;
    }
    if (!mkdtemp (self->dir)) {
        fprintf (stderr, "sb_testredis: mkdtemp %s: %s\n", self->dir,
                 strerror (errno));
        return -1;
    }
    return 0;
}

//  Removes the directory and everything in it, children before parents,
//  without following symbolic links.
static void
s_remove_dir (const char *dir)
{
    sb_testutil_remove_tree (dir);
}

bool
sb_testredis_available (void)
{
    const char *path = getenv ("PATH");
    if (!path)
        return false;
    char candidate [PATH_MAX];
    while (*path) {
        size_t length = strcspn (path, ":");
        int size = snprintf (candidate, sizeof candidate, "%.*s/redis-server",
                             (int) length, path);
        if (length > 0 && size > 0 && (size_t) size < sizeof candidate
        &&  access (candidate, X_OK) == 0)
            return true;
        path += length;
        if (*path == ':')
            path++;
    }
    return false;
}

sb_testredis_t *
sb_testredis_new (const char *appendfsync)
{
    if (!appendfsync)
        appendfsync = "everysec";
    if (!streq (appendfsync, "always") && !streq (appendfsync, "everysec")
    &&  !streq (appendfsync, "no")) {
        fprintf (stderr, "sb_testredis: bad appendfsync '%s'\n", appendfsync);
        return NULL;
    }
    sb_testredis_t *self = (sb_testredis_t *) calloc (1, sizeof (sb_testredis_t));
    if (!self)
        return NULL;
    snprintf (self->appendfsync, sizeof self->appendfsync, "%s", appendfsync);
    if (s_make_dir (self)) {
        free (self);
        return NULL;
    }
    //  Only an early exit is worth another port: a server that hangs
    //  would hang again
    int rc = -1;
    for (int attempt = 0; attempt < S_START_ATTEMPTS && rc == -1; attempt++) {
        self->port = sb_testutil_free_port ();
        if (self->port > 0)
            rc = s_start (self);
        else
            fprintf (stderr, "sb_testredis: no free port: %s\n", strerror (errno));
    }
    if (rc) {
        s_print_log_tail (self);
        sb_testredis_destroy (&self);
        return NULL;
    }
    snprintf (self->url, sizeof self->url, "tcp://127.0.0.1:%d", self->port);
    return self;
}

void
sb_testredis_destroy (sb_testredis_t **self_p)
{
    if (self_p && *self_p) {
        sb_testredis_t *self = *self_p;
        if (self->server) {
            sb_testproc_signal (self->server, SIGTERM);
            sb_testproc_wait (self->server, SB_TESTREDIS_TIMEOUT_MS, NULL);
            sb_testproc_destroy (&self->server);   //  SIGKILL if still up
        }
        s_remove_dir (self->dir);
        free (self);
        *self_p = NULL;
    }
}

int
sb_testredis_port (sb_testredis_t *self)
{
    assert (self);
    return self->port;
}

const char *
sb_testredis_dir (sb_testredis_t *self)
{
    assert (self);
    return self->dir;
}

const char *
sb_testredis_url (sb_testredis_t *self)
{
    assert (self);
    return self->url;
}

int
sb_testredis_kill (sb_testredis_t *self)
{
    assert (self);
    if (!self->server)
        return -1;
    sb_testproc_destroy (&self->server);    //  SIGKILL and reap
    return 0;
}

int
sb_testredis_restart (sb_testredis_t *self)
{
    assert (self);
    if (self->server) {
        fprintf (stderr, "sb_testredis: restart while port %d is still "
                 "running\n", self->port);
        return -1;
    }
    if (s_start (self)) {
        s_print_log_tail (self);
        return -1;
    }
    return 0;
}

struct redisContext *
sb_testredis_connect (sb_testredis_t *self)
{
    struct timeval timeout = { 2, 0 };
    redisContext *redis = redisConnectWithTimeout ("127.0.0.1", self->port, timeout);
    if (redis && redis->err) {
        redisFree (redis);
        redis = NULL;
    }
    if (redis && *self->password) {
        redisReply *reply = (redisReply *) redisCommand (redis, "AUTH %s", self->password);
        bool refused = !reply || reply->type == REDIS_REPLY_ERROR;
        freeReplyObject (reply);
        if (refused) {
            redisFree (redis);
            redis = NULL;
        }
    }
    return redis;
}

int
sb_testredis_require_password (sb_testredis_t *self, const char *password)
{
    if (strlen (password) >= sizeof self->password) {
        fprintf (stderr, "sb_testredis: password too long\n");
        return -1;
    }
    redisContext *redis = sb_testredis_connect (self);
    redisReply *reply = redis? (redisReply *) redisCommand (redis, "CONFIG SET requirepass %s",
                                                             password): NULL;
    bool done = reply && reply->type == REDIS_REPLY_STATUS;
    if (!done)
        fprintf (stderr, "sb_testredis: CONFIG SET requirepass failed: %s\n",
                 reply? reply->str: redis? redis->errstr: "no connection");
    freeReplyObject (reply);
    redisFree (redis);
    if (done)
        snprintf (self->password, sizeof self->password, "%s", password);
    return done? 0: -1;
}

long
sb_testredis_calls (struct redisContext *redis, const char *command)
{
    redisReply *reply = (redisReply *) redisCommand (redis, "INFO commandstats");
    if (!reply || reply->type != REDIS_REPLY_STRING) {
        freeReplyObject (reply);
        return -1;
    }
    char label [64];
    snprintf (label, sizeof label, "cmdstat_%s:calls=", command);
    const char *line = strstr (reply->str, label);
    long calls = line? strtol (line + strlen (label), NULL, 10): 0;
    freeReplyObject (reply);
    return calls;
}
