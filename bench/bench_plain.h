/*  bench_plain.h — the peer the broker is measured against: a plain
    ZeroMQ load-balancing broker (the guide's LRU pattern, ROUTER over TCP)
    speaking the same SBP/1 frames, with no validation, no storage and no
    retries: the transport's ceiling on this machine.                      */

#ifndef BENCH_PLAIN_H_INCLUDED
#define BENCH_PLAIN_H_INCLUDED

#include "sb_classes.h"

typedef struct _bench_plain_t bench_plain_t;

//  Starts the plain broker on a thread, bound to endpoint (a port of *
//  picks a free one: see bench_plain_endpoint).
bench_plain_t *bench_plain_new (const char *endpoint);

//  The endpoint it is bound to.
const char *bench_plain_endpoint (bench_plain_t *self);

//  Stops and joins it.
void bench_plain_destroy (bench_plain_t **self_p);

#endif
