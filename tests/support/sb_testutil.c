/*  sb_testutil.c — free ports and temp trees for tests (sb_testutil.h).  */

#include "sb_classes.h"
#include "sb_testutil.h"
#include <arpa/inet.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sys/socket.h>

int
sb_testutil_free_port (void)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in address = { .sin_family = AF_INET };
    address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    int port = -1;
    if (bind (fd, (struct sockaddr *) &address, size) == 0
    &&  getsockname (fd, (struct sockaddr *) &address, &size) == 0)
        port = ntohs (address.sin_port);
    close (fd);
    return port;
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
