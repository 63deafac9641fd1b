/*  testchild.c — a program for supervise's tests to supervise: exits with
    a chosen code after a delay, says it is ready after a delay (on
    $NOTIFY_FD, s6-style, or READY=1 on $NOTIFY_SOCKET, systemd-style),
    ignores SIGTERM or takes its time over it, prints lines, and records
    what it did in a marker file the test reads.

    Usage: testchild [--exit CODE] [--after MS] [--ready-after MS]
                     [--ignore-term] [--term-delay MS] [--print N]
                     [--marker FILE]
    On SIGTERM (unless ignored) it exits 0, after --term-delay.
    Marker lines: "EVENT PROGRAM INSTANCE PID MS" (EVENT start, ready,
    term, exit; MS the realtime clock), appended whole.                     */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int exit_code;
    long after_ms;              //  -1: run until told
    long ready_after_ms;        //  -1: never say ready
    bool ignore_term;
    long term_delay_ms;
    long print;
    const char *marker;
} s_options_t;

static int64_t
s_now_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int64_t
s_mono_ms (void)
{
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    return (int64_t) now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void
s_mark (const s_options_t *options, const char *event)
{
    if (!options->marker)
        return;
    char line [256];
    const char *program = getenv ("SB_PROGRAM"), *instance = getenv ("SB_INSTANCE");
    int size = snprintf (line, sizeof line, "%s %s %s %d %lld\n", event,
                         program? program: "-", instance? instance: "-", (int) getpid (),
                         (long long) s_now_ms ());
    int fd = open (options->marker, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0 && write (fd, line, (size_t) size) != size)
        perror ("testchild: marker");
    if (fd >= 0)
        close (fd);
}

//  Says ready the way the supervisor asked: NOTIFY_FD or NOTIFY_SOCKET.
static void
s_say_ready (const s_options_t *options)
{
    //  Marked first: once told, the supervisor may start a dependent
    //  that marks its start before this would
    s_mark (options, "ready");
    const char *fd = getenv ("NOTIFY_FD"), *socket_name = getenv ("NOTIFY_SOCKET");
    if (fd && write (atoi (fd), "\n", 1) != 1)
        perror ("testchild: NOTIFY_FD");
    if (socket_name && *socket_name) {
        struct sockaddr_un address = { .sun_family = AF_UNIX };
        size_t size = strlen (socket_name);
        if (size >= sizeof address.sun_path)
            return;
        memcpy (address.sun_path, socket_name, size);
        if (address.sun_path [0] == '@')
            address.sun_path [0] = 0;
        int sock = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        socklen_t length = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + size);
        if (sock < 0 || sendto (sock, "READY=1\nSTATUS=up", 17, 0,
                                (struct sockaddr *) &address, length) != 17)
            perror ("testchild: NOTIFY_SOCKET");
        if (sock >= 0)
            close (sock);
    }
}

static long
s_number (const char *text)
{
    char *end;
    long value = strtol (text, &end, 10);
    if (!*text || *end) {
        fprintf (stderr, "testchild: '%s' is not a number\n", text);
        exit (64);
    }
    return value;
}

static void
s_parse (int argc, char *argv [], s_options_t *options)
{
    *options = (s_options_t) { .after_ms = -1, .ready_after_ms = -1 };
    for (int index = 1; index < argc; index++) {
        const char *name = argv [index], *value = index + 1 < argc? argv [index + 1]: NULL;
        if (strcmp (name, "--ignore-term") == 0) {
            options->ignore_term = true;
            continue;
        }
        if (!value) {
            fprintf (stderr, "testchild: %s needs a value (see the file's header)\n", name);
            exit (64);
        }
        index++;
        if (strcmp (name, "--exit") == 0)
            options->exit_code = (int) s_number (value);
        else if (strcmp (name, "--after") == 0)
            options->after_ms = s_number (value);
        else if (strcmp (name, "--ready-after") == 0)
            options->ready_after_ms = s_number (value);
        else if (strcmp (name, "--term-delay") == 0)
            options->term_delay_ms = s_number (value);
        else if (strcmp (name, "--print") == 0)
            options->print = s_number (value);
        else if (strcmp (name, "--marker") == 0)
            options->marker = value;
        else {
            fprintf (stderr, "testchild: unknown option %s\n", name);
            exit (64);
        }
    }
}

int
main (int argc, char *argv [])
{
    s_options_t options;
    s_parse (argc, argv, &options);
    sigset_t term;
    sigemptyset (&term);
    sigaddset (&term, SIGTERM);
    sigprocmask (SIG_BLOCK, &term, NULL);   //  taken with sigtimedwait below
    s_mark (&options, "start");
    for (long line = 0; line < options.print; line++)
        printf ("line %ld of %ld\n", line + 1, options.print);
    fprintf (stderr, "testchild: started, pid %d\n", (int) getpid ());
    fflush (stdout);
    int64_t started = s_mono_ms (), term_at = -1;
    bool ready = false;
    while (true) {
        int64_t now = s_mono_ms ();
        if (!ready && options.ready_after_ms >= 0 && now - started >= options.ready_after_ms) {
            s_say_ready (&options);
            ready = true;
        }
        if (options.after_ms >= 0 && now - started >= options.after_ms)
            break;
        if (term_at >= 0 && now - term_at >= options.term_delay_ms)
            break;
        struct timespec tick = { 0, 5 * 1000000 };
        if (sigtimedwait (&term, NULL, &tick) == SIGTERM) {
            s_mark (&options, "term");
            if (!options.ignore_term && term_at < 0)
                term_at = s_mono_ms ();
        }
    }
    s_mark (&options, "exit");
    return term_at >= 0? 0: options.exit_code;     //  stopped as asked: clean
}
