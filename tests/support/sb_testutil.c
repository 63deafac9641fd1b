/*  sb_testutil.c — free ports, temp trees and resident memory for tests
    (sb_testutil.h).                                                      */

#include "sb_classes.h"
#include "sb_testutil.h"
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sys/socket.h>

//  A socket bound to a free port of loopback (listening if listening),
//  its port in *port; -1 on error.
static int
s_bind_free (bool listening, int *port)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in address = { .sin_family = AF_INET };
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind (fd, (struct sockaddr *) &address, size) == 0
    &&  (!listening || listen (fd, 1) == 0)
    &&  getsockname (fd, (struct sockaddr *) &address, &size) == 0) {
        *port = ntohs (address.sin_port);
        return fd;
    }
    close (fd);
    return -1;
}

int
sb_testutil_free_port (void)
{
    int port = -1;
    int fd = s_bind_free (false, &port);
    if (fd < 0)
        return -1;
    close (fd);
    return port;
}

int
sb_testutil_listen (int *port)
{
    return s_bind_free (true, port);
}

//  nftw gives no context pointer: a failure is reported where it happens
//  and counted through the return value of the walk
static int
s_remove_entry (const char *path, const struct stat *info, int type, struct FTW *walk)
{
    (void) info, (void) type, (void) walk;
    if (remove (path)) {
        fprintf (stderr, "sb_testutil: remove %s: %s\n", path, strerror (errno));
        return 0;   //  carry on: remove as much as we can
    }
    return 0;
}

int
sb_testutil_remove_tree (const char *path)
{
    nftw (path, s_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return access (path, F_OK) == 0? -1: 0;
}

long
sb_testutil_rss_kb (int pid)
{
    char path [64], line [256];
    snprintf (path, sizeof path, "/proc/%d/status", pid);
    FILE *file = fopen (path, "r");
    long rss = -1;
    while (file && rss < 0 && fgets (line, sizeof line, file))
        if (sscanf (line, "VmRSS: %ld kB", &rss) != 1)
            rss = -1;
    if (file)
        fclose (file);
    return rss;
}
