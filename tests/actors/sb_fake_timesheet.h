/*  sb_fake_timesheet.h — test support: a fake timesheet service for the
    timesheet actor's HTTP backend (tests/fakes' sb_fakehttp, 127.0.0.1, an
    ephemeral port), speaking the default URL templates under /v1
    (docs/actors/timesheet.md).

    Tenant acme's directory: +15551234567 is E042 Dana, +15551230000 is
    E666 whose entries come back malformed; +15550000503 answers 503,
    +15550000401 answers 401, +15550000999 hangs until the server is
    destroyed (10 s at most); any other number is 404. Dana's week
    2026-W09 is submitted (a log into it is 409); her entries are kept in
    memory, answered out of date order; writes are recorded once per
    Idempotency-Key. Every request needs "Authorization: Bearer
    test-token" (else 401). Each request's method, path, Authorization and
    Idempotency-Key are kept for the test to check.                      */

#ifndef SB_FAKE_TIMESHEET_H_INCLUDED
#define SB_FAKE_TIMESHEET_H_INCLUDED

#include "sb_classes.h"

typedef struct _sb_fake_timesheet_t sb_fake_timesheet_t;

//  Starts the service. Returns NULL, with the reason on stderr, if it
//  cannot listen.
sb_fake_timesheet_t *sb_fake_timesheet_new (void);
void sb_fake_timesheet_destroy (sb_fake_timesheet_t **self_p);

//  "http://127.0.0.1:<port>" (borrowed).
const char *sb_fake_timesheet_url (sb_fake_timesheet_t *self);

//  The requests seen so far, each {method, path, authorization?,
//  idempotency_key?, body?}: a new array.
json_t *sb_fake_timesheet_requests (sb_fake_timesheet_t *self);

//  How many entries Dana has (what the writes did).
size_t sb_fake_timesheet_entry_count (sb_fake_timesheet_t *self);

#endif
