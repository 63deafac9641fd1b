/*  sb_testredis.h — test support: a private redis-server for one
    integration test, on a free port of 127.0.0.1, in a temporary directory
    of its own, with the append-only file on.

    The server runs as a child process (sb_testproc) and is killed if the
    test dies. Crash tests kill it with sb_testredis_kill and bring it back
    on the same port and data with sb_testredis_restart.                    */

#ifndef SB_TESTREDIS_H_INCLUDED
#define SB_TESTREDIS_H_INCLUDED

#include <stdbool.h>

//  How long starting or restarting may take before it counts as failed,
//  and how long a SIGTERM gets before SIGKILL
#define SB_TESTREDIS_TIMEOUT_MS 5000

typedef struct _sb_testredis_t sb_testredis_t;

//  True if redis-server is found in PATH; a test that needs it should skip
//  loudly when it is not.
bool sb_testredis_available (void);

//  Makes a temporary directory (under $TMPDIR, else /tmp), starts
//  redis-server there on a free port and waits until it answers PING.
//  appendfsync is "always", "everysec" or "no"; NULL means "everysec".
//  Returns NULL, with the reason and the tail of redis.log on stderr, if
//  the server did not come up within SB_TESTREDIS_TIMEOUT_MS.
sb_testredis_t *sb_testredis_new (const char *appendfsync);

//  Stops the server (SIGTERM, then SIGKILL after SB_TESTREDIS_TIMEOUT_MS),
//  removes its directory with everything in it, destroys the object and
//  NULLs the caller's pointer. Safe on NULL.
void sb_testredis_destroy (sb_testredis_t **self_p);

//  Returns the TCP port the server listens on; it stays the same across
//  sb_testredis_restart.
int sb_testredis_port (sb_testredis_t *self);

//  Returns the server's directory (AOF, redis.log). Borrowed.
const char *sb_testredis_dir (sb_testredis_t *self);

//  Returns "tcp://127.0.0.1:PORT". Borrowed.
const char *sb_testredis_url (sb_testredis_t *self);

//  Kills the server with SIGKILL, as a crash would, and reaps it: whatever
//  was not yet written to the AOF is lost. Returns 0, or -1 if it was not
//  running.
int sb_testredis_kill (sb_testredis_t *self);

//  Starts the server again on the same port and directory, so it reloads
//  the same AOF, and waits until it answers PING (not LOADING). Returns 0,
//  or -1 with the reason on stderr if it is still running (kill it first)
//  or did not come up within SB_TESTREDIS_TIMEOUT_MS.
int sb_testredis_restart (sb_testredis_t *self);

//  A new connection to the server, as redis-cli would open one (2 s
//  time-out; authenticated once sb_testredis_require_password was called),
//  or NULL if it does not answer. The caller frees it with
//  redisFree.
struct redisContext *sb_testredis_connect (sb_testredis_t *self);

//  From now on the server wants password (CONFIG SET requirepass, and
//  --requirepass after a restart); sb_testredis_connect and the readiness
//  check authenticate with it. Returns 0, or -1 with the reason on stderr.
int sb_testredis_require_password (sb_testredis_t *self, const char *password);

//  How many times the server behind redis ran command (lower case, as
//  INFO commandstats names it: "hgetall") since it started or since
//  CONFIG RESETSTAT; -1 if INFO failed.
long sb_testredis_calls (struct redisContext *redis, const char *command);

#endif
