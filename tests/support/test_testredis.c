/*  test_testredis.c — the test-support modules themselves: a private
    redis-server that keeps its data across a crash through the AOF, and
    child processes that are signalled, waited for and cleaned up.        */

#include "sb_classes.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include <dirent.h>
#include <hiredis/hiredis.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

//  Skips loudly: CI treats a skip as a failure
static void
s_require_redis (void)
{
    if (!sb_testredis_available ()) {
        fprintf (stderr, "SKIP: redis-server is not in PATH "
                 "(install Debian's redis-server)\n");
        skip ();
    }
}

//  Connects to the test server; the caller frees the context.
static redisContext *
s_connect (sb_testredis_t *redis)
{
    struct timeval timeout = { 2, 0 };
    redisContext *context = redisConnectWithTimeout (
        "127.0.0.1", sb_testredis_port (redis), timeout);
    assert_non_null (context);
    assert_int_equal (context->err, 0);
    assert_int_equal (redisSetTimeout (context, timeout), REDIS_OK);
    return context;
}

static void
test_start_and_stop (void **state)
{
    (void) state;
    s_require_redis ();
    sb_testredis_t *redis = sb_testredis_new (NULL);
    assert_non_null (redis);
    int port = sb_testredis_port (redis);
    assert_true (port > 0 && port < 65536);
    char url [64];
    snprintf (url, sizeof url, "tcp://127.0.0.1:%d", port);
    assert_string_equal (sb_testredis_url (redis), url);

    char dir [PATH_MAX];
    snprintf (dir, sizeof dir, "%s", sb_testredis_dir (redis));
    struct stat info;
    assert_int_equal (stat (dir, &info), 0);
    assert_true (S_ISDIR (info.st_mode));

    redisContext *context = s_connect (redis);
    redisReply *reply = (redisReply *) redisCommand (context, "PING");
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_STATUS);
    assert_string_equal (reply->str, "PONG");
    freeReplyObject (reply);
    redisFree (context);

    //  Restarting a running server is refused
    assert_int_equal (sb_testredis_restart (redis), -1);

    sb_testredis_destroy (&redis);
    assert_null (redis);
    sb_testredis_destroy (&redis);  //  idempotent
    sb_testredis_destroy (NULL);
    assert_int_equal (stat (dir, &info), -1);
    assert_int_equal (errno, ENOENT);
}

static void
test_aof_survives_kill (void **state)
{
    (void) state;
    s_require_redis ();
    sb_testredis_t *redis = sb_testredis_new ("always");
    assert_non_null (redis);
    int port = sb_testredis_port (redis);

    redisContext *context = s_connect (redis);
    redisReply *reply = (redisReply *) redisCommand (context,
                                                     "CONFIG GET appendfsync");
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    assert_int_equal (reply->elements, 2);
    assert_string_equal (reply->element [1]->str, "always");
    freeReplyObject (reply);

    reply = (redisReply *) redisCommand (context, "SET %s %s",
                                         "sb:test", "survives");
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_STATUS);
    freeReplyObject (reply);
    redisFree (context);

    assert_int_equal (sb_testredis_kill (redis), 0);
    assert_int_equal (sb_testredis_kill (redis), -1);   //  not running
    //  Nobody listens now
    struct timeval timeout = { 1, 0 };
    context = redisConnectWithTimeout ("127.0.0.1", port, timeout);
    assert_non_null (context);
    assert_int_not_equal (context->err, 0);
    redisFree (context);

    assert_int_equal (sb_testredis_restart (redis), 0);
    assert_int_equal (sb_testredis_port (redis), port);
    context = s_connect (redis);
    reply = (redisReply *) redisCommand (context, "GET %s", "sb:test");
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_STRING);
    assert_string_equal (reply->str, "survives");
    freeReplyObject (reply);
    redisFree (context);
    sb_testredis_destroy (&redis);
}

static void
test_bad_appendfsync (void **state)
{
    (void) state;
    assert_null (sb_testredis_new ("sometimes"));
}

static void
test_proc_exits (void **state)
{
    (void) state;
    char *argv [] = { "/bin/true", NULL };
    sb_testproc_t *proc = sb_testproc_new (argv);
    assert_non_null (proc);
    assert_true (sb_testproc_pid (proc) > 0);
    int status = -1;
    assert_int_equal (sb_testproc_wait (proc, 5000, &status), 0);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 0);
    //  Reaped: waiting again gives the same answer, signalling is refused
    status = -1;
    assert_int_equal (sb_testproc_wait (proc, 0, &status), 0);
    assert_true (WIFEXITED (status));
    assert_int_equal (sb_testproc_signal (proc, SIGTERM), -1);
    sb_testproc_destroy (&proc);
    assert_null (proc);
    sb_testproc_destroy (&proc);
}

static void
test_proc_signalled (void **state)
{
    (void) state;
    char *argv [] = { "/bin/sleep", "10", NULL };
    sb_testproc_t *proc = sb_testproc_new (argv);
    assert_non_null (proc);
    int status;
    assert_int_equal (sb_testproc_wait (proc, 0, &status), -1);
    assert_int_equal (sb_testproc_wait (proc, 20, &status), -1);
    assert_int_equal (sb_testproc_signal (proc, SIGTERM), 0);
    assert_int_equal (sb_testproc_wait (proc, 5000, &status), 0);
    assert_true (WIFSIGNALED (status));
    assert_int_equal (WTERMSIG (status), SIGTERM);
    sb_testproc_destroy (&proc);
}

static void
test_proc_destroy_kills (void **state)
{
    (void) state;
    char *argv [] = { "sleep", "10", NULL };   //  found through PATH
    sb_testproc_t *proc = sb_testproc_new (argv);
    assert_non_null (proc);
    pid_t pid = sb_testproc_pid (proc);
    sb_testproc_destroy (&proc);
    assert_null (proc);
    //  Killed and reaped: the pid names no process (reuse this quickly
    //  would need the kernel to wrap around its pid space)
    assert_int_equal (kill (pid, 0), -1);
    assert_int_equal (errno, ESRCH);
}

static void
test_proc_missing_program (void **state)
{
    (void) state;
    char *argv [] = { "/nonexistent/sb-no-such-program", NULL };
    assert_null (sb_testproc_new (argv));
}

//  The child gets stdin, stdout and stderr, and none of the test's other
//  descriptors, such as a listening socket
static void
test_proc_closes_descriptors (void **state)
{
    (void) state;
    int listener = socket (AF_INET, SOCK_STREAM, 0);    //  no CLOEXEC
    assert_true (listener >= 3);
    char *argv [] = { "/bin/sleep", "10", NULL };
    sb_testproc_t *proc = sb_testproc_new (argv);
    assert_non_null (proc);
    //  sb_testproc_new returns after exec, so the child's table is final
    char path [64];
    snprintf (path, sizeof path, "/proc/%d/fd", (int) sb_testproc_pid (proc));
    DIR *fds = opendir (path);
    assert_non_null (fds);
    struct dirent *entry;
    while ((entry = readdir (fds)))
        if (entry->d_name [0] != '.')
            assert_true (atoi (entry->d_name) < 3);
    closedir (fds);
    sb_testproc_destroy (&proc);
    close (listener);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_start_and_stop),
        cmocka_unit_test (test_aof_survives_kill),
        cmocka_unit_test (test_bad_appendfsync),
        cmocka_unit_test (test_proc_exits),
        cmocka_unit_test (test_proc_signalled),
        cmocka_unit_test (test_proc_destroy_kills),
        cmocka_unit_test (test_proc_missing_program),
        cmocka_unit_test (test_proc_closes_descriptors),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
