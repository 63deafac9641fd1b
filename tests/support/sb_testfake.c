/*  sb_testfake.c — a fake HTTP service on a free port (see the .h).      */

#include "sb_classes.h"
#include "sb_testfake.h"

#define S_WAIT_MS  10000
#define S_ARGS_MAX 16

//  The port the fake wrote, or 0 while the file is not there (or empty).
static int
s_port (const char *path)
{
    FILE *file = fopen (path, "r");
    int port = 0;
    if (file) {
        if (fscanf (file, "%d", &port) != 1)
            port = 0;
        fclose (file);
    }
    return port;
}

sb_testproc_t *
sb_testfake_start (const char *dir, const char *program, const char *name,
                   const char *const extra [], char *url, size_t size)
{
    char port_file [512];
    snprintf (port_file, sizeof port_file, "%s/%s.port", dir, name);
    remove (port_file);
    char *argv [S_ARGS_MAX + 6] = { (char *) program, "--port", "0", "--port-file", port_file };
    size_t count = 5;
    for (size_t index = 0; extra && extra [index] && index < S_ARGS_MAX; index++)
        argv [count++] = (char *) extra [index];
    argv [count] = NULL;
    sb_testproc_t *proc = sb_testproc_new (argv);
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    int port = 0;
    while (proc && !(port = s_port (port_file)) && zclock_mono () < deadline
           && sb_testproc_wait (proc, 0, NULL) != 0)
        zclock_sleep (10);
    if (!port) {
        fprintf (stderr, "sb_testfake: %s did not write its port to %s\n", name, port_file);
        sb_testproc_destroy (&proc);
        return NULL;
    }
    snprintf (url, size, "http://127.0.0.1:%d", port);
    return proc;
}
