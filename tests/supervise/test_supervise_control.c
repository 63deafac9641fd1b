/*  test_supervise_control.c — supervise's integration tests, control:
    scaling a program live, the control socket's commands (and supervise
    ctl), reloading the fleet file; and a real fleet: redis-server
    (readiness by NOTIFY_SOCKET), the broker and ingress (by NOTIFY_FD),
    in dependency order.

    Usage: test_supervise_control SUPERVISE TESTCHILD BROKER INGRESS [TEST]
    (paths of the programs, which CTest passes; TEST runs only the tests
    whose names match). The world they run in: supervise_fixture.h.       */

#include "supervise_fixture.h"

static void
test_scale_live (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "worker\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "bystander\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    assert_true (st_wait_rows (self, "worker", "running", 1, true));
    assert_true (st_wait_rows (self, "bystander", "running", 1, true));
    st_command_ok (self, "scale worker=3");
    assert_true (st_wait_rows (self, "worker", "running", 3, true));
    json_t *status = st_status (self);
    int pids [3];
    for (int index = 0; index < 3; index++)
        pids [index] = (int) json_integer_value (json_object_get (st_row (status, "worker",
                                                                         index + 1), "pid"));
    json_decref (status);
    assert_true (pids [0] > 0 && pids [1] > 0 && pids [2] > 0);
    assert_true (pids [0] != pids [1] && pids [1] != pids [2] && pids [0] != pids [2]);
    st_command_ok (self, "scale worker=1");
    assert_true (st_wait_rows (self, "worker", "running", 1, true));
    assert_true (st_wait_gone (pids [1]));
    assert_true (st_wait_gone (pids [2]));
    assert_false (st_is_gone (pids [0]));
    assert_int_equal (st_count_marks (self, "start", "bystander", 0, NULL), 1);
    char *answer = st_command (self, "scale worker=65");
    assert_non_null (answer);
    assert_int_equal (strncmp (answer, "error: ", 7), 0);
    free (answer);
    assert_int_equal (st_stop_supervise (self), 0);
}

//  SIGTERM to supervise: the polite exit at once, the slow within its
//  grace, the stubborn get SIGKILL after theirs; exit 1 (not clean). A
//  fleet that stops within its graces exits 0.
static void
test_control_commands (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "svc\n    command = ${SB_TESTCHILD}\n    args = --print 2 --marker marker.log\n");
    assert_true (st_wait_marks (self, "start", "svc", 1));     //  its SIGTERM handling is set
    st_command_ok (self, "restart svc");
    assert_true (st_wait_marks (self, "start", "svc", 2));
    assert_true (st_wait_rows (self, "svc", "running", 1, true));
    st_command_ok (self, "stop svc");
    assert_true (st_wait_rows (self, "svc", "stopped", 1, true));
    st_command_ok (self, "start svc");
    assert_true (st_wait_marks (self, "start", "svc", 3));
    assert_true (st_wait_rows (self, "svc", "running", 1, true));
    char *answer = st_command (self, "restart nosuch");
    assert_non_null (strstr (answer, "error: no program named 'nosuch'"));
    free (answer);
    answer = st_command (self, "dance");
    assert_non_null (strstr (answer, "error: unknown command 'dance'"));
    free (answer);
    //  The children's lines, labelled
    assert_true (st_log_has (self, "svc[1] line 1 of 2\n"));
    assert_true (st_log_has (self, "svc[1] testchild: started, pid"));
    //  The ctl program, as an operator runs it
    char output [8192];
    char *ctl [] = { (char *) st_programs.supervise, (char *) "ctl", (char *) "-s", self->socket,
                     (char *) "status", NULL };
    assert_int_equal (st_run (self, ctl, output, sizeof output), 0);
    assert_non_null (strstr (output, "PROGRAM"));
    assert_non_null (strstr (output, "svc              1 "));
    assert_non_null (strstr (output, "running"));
    char *shutdown [] = { (char *) st_programs.supervise, (char *) "ctl", (char *) "-f",
                          self->fleet, (char *) "shutdown", NULL };
    assert_int_equal (st_run (self, shutdown, output, sizeof output), 0);
    int status = 0;
    assert_int_equal (sb_testproc_wait (self->supervise, S_WAIT_MS, &status), 0);
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    sb_testproc_destroy (&self->supervise);
    char *gone [] = { (char *) st_programs.supervise, (char *) "ctl", (char *) "-s",
                      self->socket, (char *) "status", NULL };
    assert_int_equal (st_run (self, gone, output, sizeof output), 69);
}

//  reload: a program added starts, one removed stops, one changed
//  restarts, an unchanged one is left alone; a bad file changes nothing.
static void
test_reload (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    st_start (self, "keep\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "change\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
                   "drop\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    assert_true (st_wait_marks (self, "start", "drop", 1));
    assert_true (st_wait_marks (self, "start", "change", 1));
    char *text = zsys_sprintf ("%s%s", S_HEADER,
        "keep\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n"
        "change\n    command = ${SB_TESTCHILD}\n    args = --print 1 --marker marker.log\n"
        "    instances = 2\n"
        "added\n    command = ${SB_TESTCHILD}\n    args = --marker marker.log\n");
    st_write_file (self->fleet, text);
    free (text);
    st_command_ok (self, "reload");
    assert_true (st_wait_rows (self, "added", "running", 1, true));
    assert_true (st_wait_marks (self, "start", "change", 3));
    assert_true (st_wait_rows (self, "change", "running", 2, true));
    assert_true (st_wait_rows (self, "drop", NULL, 0, true));
    assert_true (st_wait_marks (self, "exit", "drop", 1));
    assert_int_equal (st_count_marks (self, "start", "change", 0, NULL), 3);
    assert_int_equal (st_count_marks (self, "start", "keep", 0, NULL), 1);
    st_write_file (self->fleet, S_HEADER "keep\n    command = ${SB_TESTCHILD}\n    bogus = 1\n");
    char *answer = st_command (self, "reload");
    assert_non_null (strstr (answer, "error: reload refused, nothing changed"));
    assert_non_null (strstr (answer, "fleet.zpl:10: keep: unknown key 'bogus'"));
    free (answer);
    assert_true (st_wait_rows (self, "added", "running", 1, true));
    assert_int_equal (st_stop_supervise (self), 0);
}

//  GET path from 127.0.0.1:port; returns the status line's code, or 0.
static int
s_http_get (int port, const char *path)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                   .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    struct timeval timeout = { 5, 0 };
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char request [256], answer [256] = "";
    int size = snprintf (request, sizeof request, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
                         path);
    int code = 0;
    if (fd >= 0 && connect (fd, (struct sockaddr *) &address, sizeof address) == 0
    &&  send (fd, request, (size_t) size, MSG_NOSIGNAL) == size
    &&  recv (fd, answer, sizeof answer - 1, 0) > 12)
        code = atoi (answer + 9);
    if (fd >= 0)
        close (fd);
    return code;
}

//  The real programs: Redis, the broker, ingress, each started once what
//  it depends on said it is ready, stopped the other way round, exit 0.
static void
test_real_fleet (void **state)
{
    st_fixture_t *self = (st_fixture_t *) *state;
    char redis [512];
    if (!sb_check_executable ("redis-server", redis, sizeof redis)) {
        fprintf (stderr, "test_real_fleet: SKIPPED: no redis-server in PATH "
                 "(bin/install-deps installs it)\n");
        skip ();
    }
    int broker_port = sb_testutil_free_port (), ingress_port = sb_testutil_free_port ();
    char *programs = zsys_sprintf (
        "run-folder\n    command = mkdir\n    args = -p redis\n    ready = exit\n"
        "redis\n    command = redis-server\n"
        "    args = \"--port 0 --dir redis --unixsocket redis.sock --appendonly yes --save '' "
        "--supervised systemd --loglevel warning\"\n"
        "    depends = run-folder\n    ready = notify-socket\n"
        "broker\n    command = %s\n"
        "    args = --redis unix:redis/redis.sock --endpoint tcp://127.0.0.1:%d\n"
        "    depends = redis\n    ready = notify-fd\n    ports = %d\n"
        "ingress\n    command = %s\n"
        "    args = --listen 127.0.0.1 --port %d --broker tcp://127.0.0.1:%d\n"
        "    depends = broker\n    ready = notify-fd\n    ports = %d\n",
        st_programs.broker, broker_port, broker_port, st_programs.ingress, ingress_port,
        broker_port, ingress_port);
    st_start (self, programs);
    free (programs);
    assert_true (st_wait_rows (self, "ingress", "running", 1, true));
    json_t *status = st_status (self);
    assert_int_equal (st_rows (status, "redis", "running"), 1);
    assert_int_equal (st_rows (status, "broker", "running"), 1);
    assert_int_equal (st_rows (status, "run-folder", "exited"), 1);
    json_decref (status);
    assert_int_equal (s_http_get (ingress_port, "/health"), 200);
    char *log = st_log (self);
    const char *order [] = { "run-folder[1]: done", "redis[1]: ready", "broker[1]: started",
                             "broker[1]: ready", "ingress[1]: started", "ingress[1]: ready" };
    const char *at = log;
    for (size_t index = 0; index < 6; index++) {
        at = strstr (at, order [index]);
        if (!at)
            fprintf (stderr, "test_real_fleet: '%s' missing or out of order\n", order [index]);
        assert_non_null (at);
    }
    free (log);
    assert_int_equal (st_stop_supervise (self), 0);
    log = st_log (self);
    const char *stops [] = { "ingress[1]: stopped: exit 0", "broker[1]: stopping",
                             "broker[1]: stopped: exit 0", "redis[1]: stopping",
                             "redis[1]: stopped: exit 0", "supervise: fleet stopped" };
    at = log;
    for (size_t index = 0; index < 6; index++) {
        at = strstr (at, stops [index]);
        if (!at)
            fprintf (stderr, "test_real_fleet: '%s' missing or out of order\n", stops [index]);
        assert_non_null (at);
    }
    free (log);
}

int
main (int argc, char *argv [])
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_scale_live, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_control_commands, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_reload, st_setup, st_teardown),
        cmocka_unit_test_setup_teardown (test_real_fleet, st_setup, st_teardown),
    };
    return st_main (argc, argv, "test_supervise_control", tests, sizeof tests / sizeof tests [0]);
}
