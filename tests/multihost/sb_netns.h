/*  sb_netns.h — the multi-host test's network: hosts made of Linux network
    namespaces, each with one veth pair to a bridge that lives in a
    namespace of its own (the switch), so that no packet of the test ever
    touches the machine's own namespace (docs/multihost.md).

    Host i is named sbmh<pid>-<name> and has lo and eth0 = 10.77.0.<10+i>/24;
    its cable's other end is called <name> in the switch (sbmh<pid>-sw),
    where taking it down cuts the host off as a pulled cable would.
    Namespaces are named after the test's pid, so parallel runs never meet
    (each has its own switch, the same addresses are no clash), and a run
    that was killed is swept by the next (sb_netns_sweep).

    Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) and iproute2's `ip`;
    sb_netns_check says whether this machine permits it. The `ip` commands'
    output goes to a file in the folder given, shown on failure.          */

#ifndef SB_NETNS_H_INCLUDED
#define SB_NETNS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

#define SB_NETNS_HOSTS_MAX 8
#define SB_NETNS_NAME_MAX  32
#define SB_NETNS_SUBNET    "10.77.0."   //  host i is SUBNET(10+i), /24

typedef struct _sb_netns_t sb_netns_t;

//  Returns 0 if namespaces can be made here (root, `ip` in PATH, and a
//  probe namespace made and deleted), else -1 with why in reason: the
//  test then skips.
int sb_netns_check (const char *dir, char *reason, size_t reasonlen);

//  Deletes the namespaces sbmh<pid>-* of runs whose pid is no longer alive
//  (a run killed before its clean-up), killing what still runs in them.
void sb_netns_sweep (const char *dir);

//  Makes the switch and count hosts (names: short, letters and digits), all
//  cables up. Returns the network, or NULL with the reason on stderr (what
//  was made is deleted).
sb_netns_t *sb_netns_new (const char *dir, const char *const *names, size_t count);

//  Kills every process still in the network's namespaces (the test's
//  own), deletes the namespaces (cables and bridge go with them) and NULLs
//  the caller's pointer. Safe on NULL.
void sb_netns_destroy (sb_netns_t **self_p);

//  Host name's address ("10.77.0.N"), or NULL if no such host (borrowed).
const char *sb_netns_address (sb_netns_t *self, const char *name);

//  Moves the calling thread into host name's namespace: the sockets it
//  (and the threads it starts later) makes are that host's. Call it
//  before any other thread starts. Returns 0, or -1 with the reason on
//  stderr.
int sb_netns_enter (sb_netns_t *self, const char *name);

//  Plugs host name's cable in (up) or pulls it (down), at the switch.
//  Returns 0, or -1 with the reason on stderr.
int sb_netns_link (sb_netns_t *self, const char *name, bool up);

//  Fills argv (size slots) with "ip netns exec <host's namespace>" and
//  then command (NULL-terminated): the command runs on that host. Returns
//  0, or -1 if it does not fit.
int sb_netns_argv (sb_netns_t *self, const char *name, char *const *command, char **argv,
                   size_t size);

#endif
