/*  sb_netns.c — the multi-host test's network of namespaces (sb_netns.h). */

#include "sb_netns.h"
#include "sb_testproc.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define S_PREFIX   "sbmh"
#define S_IP_MS    10000            //  for one `ip` command
#define S_ARGS_MAX 24
#define S_PATH_MAX 512

typedef struct {
    char name [SB_NETNS_NAME_MAX];
    char ns [SB_NETNS_NAME_MAX + 24];
    char address [20];
} s_host_t;

struct _sb_netns_t {
    char dir [S_PATH_MAX];
    char sw [SB_NETNS_NAME_MAX + 24];     //  the switch's namespace
    bool sw_made;
    s_host_t hosts [SB_NETNS_HOSTS_MAX];
    size_t count;                         //  hosts made (their namespaces exist)
};

//  Runs `ip` with the NULL-terminated arguments, its output into a file in
//  dir. Returns 0, or -1 with the command and its output on stderr unless
//  quiet.
static int
s_ip (const char *dir, int quiet, ...)
{
    char *argv [S_ARGS_MAX] = { (char *) "ip" };
    size_t count = 1;
    va_list args;
    va_start (args, quiet);
    for (char *arg = va_arg (args, char *); arg && count < S_ARGS_MAX - 1;
         arg = va_arg (args, char *))
        argv [count++] = arg;
    va_end (args);
    argv [count] = NULL;
    char path [S_PATH_MAX + 16], output [2048];
    snprintf (path, sizeof path, "%s/ip.out", dir);
    int status = sb_testproc_run (argv, path, output, sizeof output, S_IP_MS);
    if (status != 0 && !quiet) {
        fprintf (stderr, "sb_netns: 'ip");
        for (size_t index = 1; index < count; index++)
            fprintf (stderr, " %s", argv [index]);
        fprintf (stderr, "' failed (exit %d): %s\n", status, output);
    }
    return status == 0? 0: -1;
}

//  Sends SIGKILL to every process in namespace ns (`ip netns pids`): only
//  ever the test's own namespaces, so only its own processes.
static void
s_kill_all (const char *dir, const char *ns)
{
    char path [S_PATH_MAX + 16], output [4096];
    snprintf (path, sizeof path, "%s/ip.out", dir);
    char *argv [] = { (char *) "ip", (char *) "netns", (char *) "pids", (char *) ns, NULL };
    if (sb_testproc_run (argv, path, output, sizeof output, S_IP_MS) != 0)
        return;
    char *saved = NULL;
    for (char *line = strtok_r (output, "\n", &saved); line; line = strtok_r (NULL, "\n", &saved)) {
        long pid = strtol (line, NULL, 10);
        if (pid > 1 && pid != (long) getpid ())
            kill ((pid_t) pid, SIGKILL);
    }
}

int
sb_netns_check (const char *dir, char *reason, size_t reasonlen)
{
    if (geteuid () != 0) {
        snprintf (reason, reasonlen, "not root: network namespaces need CAP_SYS_ADMIN and "
                  "CAP_NET_ADMIN (run the test as root)");
        return -1;
    }
    char probe [SB_NETNS_NAME_MAX + 24];
    snprintf (probe, sizeof probe, S_PREFIX "%d-probe", (int) getpid ());
    if (s_ip (dir, 1, "netns", "add", probe, NULL)) {
        snprintf (reason, reasonlen, "'ip netns add %s' failed (no iproute2 in PATH, or "
                  "namespaces not permitted here, as in an unprivileged container)", probe);
        return -1;
    }
    //  The parts the network is made of: a bridge and a veth pair
    int rc = 0;
    if (s_ip (dir, 1, "-n", probe, "link", "add", "br0", "type", "bridge", NULL)
    ||  s_ip (dir, 1, "-n", probe, "link", "add", "v0", "type", "veth", "peer", "name", "v1",
              NULL)) {
        snprintf (reason, reasonlen, "a bridge or a veth pair cannot be made in a namespace "
                  "(the kernel's bridge or veth module missing?)");
        rc = -1;
    }
    s_ip (dir, 1, "netns", "del", probe, NULL);
    return rc;
}

//  True if name is one of this pid's: "sbmh<pid>-...".
static bool
s_is_own (const char *name, long *pid)
{
    char *end = NULL;
    if (strncmp (name, S_PREFIX, strlen (S_PREFIX)))
        return false;
    *pid = strtol (name + strlen (S_PREFIX), &end, 10);
    return end && *end == '-' && *pid > 0;
}

void
sb_netns_sweep (const char *dir)
{
    DIR *netns = opendir ("/run/netns");
    struct dirent *entry;
    long pid;
    while (netns && (entry = readdir (netns)))
        if (s_is_own (entry->d_name, &pid) && kill ((pid_t) pid, 0) && errno == ESRCH) {
            fprintf (stderr, "sb_netns: deleting %s, left by run %ld that is gone\n",
                     entry->d_name, pid);
            s_kill_all (dir, entry->d_name);
            s_ip (dir, 0, "netns", "del", entry->d_name, NULL);
        }
    if (netns)
        closedir (netns);
}

//  Makes the switch: a namespace with a bridge, up.
static int
s_make_switch (sb_netns_t *self)
{
    snprintf (self->sw, sizeof self->sw, S_PREFIX "%d-sw", (int) getpid ());
    if (s_ip (self->dir, 0, "netns", "add", self->sw, NULL))
        return -1;
    self->sw_made = true;
    return s_ip (self->dir, 0, "-n", self->sw, "link", "add", "br0", "type", "bridge", NULL)
        || s_ip (self->dir, 0, "-n", self->sw, "link", "set", "dev", "br0", "up", NULL)? -1: 0;
}

//  Makes host index: its namespace, lo up, a veth pair made inside it
//  (eth0 there, its peer moved straight into the switch: never in the
//  machine's namespace), the address, the peer on the bridge, all up.
static int
s_make_host (sb_netns_t *self, size_t index, const char *name)
{
    s_host_t *host = &self->hosts [index];
    snprintf (host->name, sizeof host->name, "%s", name);
    snprintf (host->ns, sizeof host->ns, S_PREFIX "%d-%s", (int) getpid (), name);
    snprintf (host->address, sizeof host->address, SB_NETNS_SUBNET "%zu", 10 + index);
    if (s_ip (self->dir, 0, "netns", "add", host->ns, NULL))
        return -1;
    self->count = index + 1;
    char cidr [32];
    snprintf (cidr, sizeof cidr, "%s/24", host->address);
    const char *ns = host->ns, *sw = self->sw;
    return s_ip (self->dir, 0, "-n", ns, "link", "set", "dev", "lo", "up", NULL)
        || s_ip (self->dir, 0, "-n", ns, "link", "add", "eth0", "type", "veth", "peer",
                 "name", name, "netns", sw, NULL)
        || s_ip (self->dir, 0, "-n", ns, "addr", "add", cidr, "dev", "eth0", NULL)
        || s_ip (self->dir, 0, "-n", ns, "link", "set", "dev", "eth0", "up", NULL)
        || s_ip (self->dir, 0, "-n", sw, "link", "set", "dev", name, "master", "br0", NULL)
        || s_ip (self->dir, 0, "-n", sw, "link", "set", "dev", name, "up", NULL)? -1: 0;
}

sb_netns_t *
sb_netns_new (const char *dir, const char *const *names, size_t count)
{
    sb_netns_t *self = (sb_netns_t *) calloc (1, sizeof (sb_netns_t));
    if (!self || count > SB_NETNS_HOSTS_MAX) {
        free (self);
        return NULL;
    }
    snprintf (self->dir, sizeof self->dir, "%s", dir);
    int rc = s_make_switch (self);
    for (size_t index = 0; rc == 0 && index < count; index++)
        if (strlen (names [index]) >= 12 || s_make_host (self, index, names [index]))
            rc = -1;
    if (rc) {
        fprintf (stderr, "sb_netns: cannot make the network (host names under 12 "
                 "characters)\n");
        sb_netns_destroy (&self);
    }
    return self;
}

void
sb_netns_destroy (sb_netns_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_netns_t *self = *self_p;
    for (size_t index = 0; index < self->count; index++) {
        s_kill_all (self->dir, self->hosts [index].ns);
        s_ip (self->dir, 0, "netns", "del", self->hosts [index].ns, NULL);
    }
    if (self->sw_made)
        s_ip (self->dir, 0, "netns", "del", self->sw, NULL);
    free (self);
    *self_p = NULL;
}

static s_host_t *
s_host (sb_netns_t *self, const char *name)
{
    for (size_t index = 0; index < self->count; index++)
        if (strcmp (self->hosts [index].name, name) == 0)
            return &self->hosts [index];
    return NULL;
}

const char *
sb_netns_address (sb_netns_t *self, const char *name)
{
    s_host_t *host = s_host (self, name);
    return host? host->address: NULL;
}

int
sb_netns_enter (sb_netns_t *self, const char *name)
{
    s_host_t *host = s_host (self, name);
    char path [S_PATH_MAX];
    snprintf (path, sizeof path, "/run/netns/%s", host? host->ns: "");
    int fd = host? open (path, O_RDONLY | O_CLOEXEC): -1;
    int rc = fd >= 0? setns (fd, CLONE_NEWNET): -1;
    if (rc)
        fprintf (stderr, "sb_netns: cannot enter %s: %s\n", path, strerror (errno));
    if (fd >= 0)
        close (fd);
    return rc;
}

int
sb_netns_link (sb_netns_t *self, const char *name, bool up)
{
    if (!s_host (self, name)) {
        fprintf (stderr, "sb_netns: no host %s\n", name);
        return -1;
    }
    return s_ip (self->dir, 0, "-n", self->sw, "link", "set", "dev", name,
                 up? "up": "down", NULL);
}

int
sb_netns_argv (sb_netns_t *self, const char *name, char *const *command, char **argv,
               size_t size)
{
    s_host_t *host = s_host (self, name);
    size_t count = 0;
    while (command [count])
        count++;
    if (!host || count + 5 > size)
        return -1;
    argv [0] = (char *) "ip";
    argv [1] = (char *) "netns";
    argv [2] = (char *) "exec";
    argv [3] = host->ns;
    for (size_t index = 0; index <= count; index++)
        argv [4 + index] = command [index];
    return 0;
}
