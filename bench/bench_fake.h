/*  bench_fake.h — what bench_pipeline asks the fake Twilio
    (tests/fakes/fake_twilio) through its test endpoints: its counts while
    a phase runs, its messages after it.                                   */

#ifndef BENCH_FAKE_H_INCLUDED
#define BENCH_FAKE_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

//  What reached the fake at base (http://host:port) since its last reset:
//  messages and create requests, into *messages and *creates; then resets
//  it.
void bench_fake_take (const char *base, size_t *messages, size_t *creates);

//  How many create requests reached the fake since its last reset, or -1
//  without an answer; asked on *handle's connection (see
//  bench_http_fetch_on), so that a poll every few ms opens none.
int64_t bench_fake_creates (const char *base, void **handle);

#endif
