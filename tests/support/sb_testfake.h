/*  sb_testfake.h — test support: starts one of the fake HTTP services
    (tests/fakes: fake_twilio, fake_vapi)
    on a free port. Each fake takes --port 0 --port-file FILE and writes the
    port it bound there once it listens.                                   */

#ifndef SB_TESTFAKE_H_INCLUDED
#define SB_TESTFAKE_H_INCLUDED

#include <stddef.h>
#include "sb_testproc.h"

//  Starts program with --port 0 --port-file DIR/NAME.port and the
//  NULL-terminated extra arguments (NULL: none), and waits (polling, up to
//  10 s) for the port file. Returns the process with url set to
//  "http://127.0.0.1:PORT", or NULL with the reason on stderr.
sb_testproc_t *sb_testfake_start (const char *dir, const char *program, const char *name,
                                  const char *const extra [], char *url, size_t size);

#endif
