/*  sb_testsupervise.h — test support: a running supervise (bin/supervise)
    seen as `supervise ctl status --json` sees it, through its control
    socket: the status parsed, and one instance's row (program, instance,
    pid, state, uptime_ms, restarts, reason; docs/operations.md).          */

#ifndef SB_TESTSUPERVISE_H_INCLUDED
#define SB_TESTSUPERVISE_H_INCLUDED

#include "sb_classes.h"

#define SB_TESTSUPERVISE_REPLY_MS 5000      //  for supervise's answer

//  status --json from the supervise listening on socket, parsed (caller
//  decrefs); NULL if it did not answer, with the reason on stderr unless
//  quiet (a supervise that may not be listening yet).
json_t *sb_testsupervise_status (const char *socket, bool quiet);

//  The row of instance (1...) of program in status (borrowed), or NULL.
json_t *sb_testsupervise_row (json_t *status, const char *program, int instance);

#endif
