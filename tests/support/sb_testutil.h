/*  sb_testutil.h — small things every integration test and benchmark
    needs: a free TCP port, a port held busy, removing a temp directory
    tree, and a process's resident memory.                                */

#ifndef SB_TESTUTIL_H_INCLUDED
#define SB_TESTUTIL_H_INCLUDED

//  A free TCP port on loopback (bound to 0 and released at once: another
//  process may take it first, so callers that bind it retry). -1 on error.
int sb_testutil_free_port (void);

//  A socket listening on a free port of loopback, its port in *port: a
//  port in use, for as long as the caller keeps it (close it). -1 on error.
int sb_testutil_listen (int *port);

//  Removes path and everything below it, as much as it can. Returns 0, or
//  -1 if something stayed (the reasons printed to stderr).
int sb_testutil_remove_tree (const char *path);

//  The resident set of process pid in kB (VmRSS in /proc/PID/status), or
//  -1 if it cannot be read (the process is gone).
long sb_testutil_rss_kb (int pid);

#endif
