/*  bench_load.h — the load side of the broker benchmark: producers that
    publish pre-encoded echo.request envelopes (unique keys and ids patched
    in place, a send timestamp in the body), and workers that answer DONE
    at once and measure publish -> deliver latency. The same producers and
    workers run against the Switchboard broker and against the plain
    ZeroMQ broker, so the two are compared like for like.                  */

#ifndef BENCH_LOAD_H_INCLUDED
#define BENCH_LOAD_H_INCLUDED

#include "sb_classes.h"
#include <pthread.h>
#include <stdatomic.h>

//  Every latency measured, in microseconds: percentiles are exact.
typedef struct {
    int64_t *values;
    size_t count, capacity;
} bench_samples_t;

void bench_samples_add (bench_samples_t *self, int64_t value);
//  Moves the samples of from into self.
void bench_samples_merge (bench_samples_t *self, bench_samples_t *from);
//  The value below which fraction of the samples fall (sorts them).
int64_t bench_samples_percentile (bench_samples_t *self, double fraction);
void bench_samples_clear (bench_samples_t *self);

typedef struct {
    const char *endpoint;
    int index;
    size_t count;                //  messages to publish
    double rate;                 //  messages/s, 0: as fast as acks allow
    size_t window;               //  publishes in flight at most
    size_t body_bytes;
    const char *run;             //  distinguishes keys between runs
    bench_samples_t ack_latency; //  us, publish -> ACK
    size_t acked, refused;
    char error [256];
    pthread_t thread;
} bench_producer_t;

typedef struct {
    const char *endpoint;
    int index;
    int capacity;
    atomic_bool *stop;
    atomic_size_t *done;         //  shared: messages answered by all workers
    bench_samples_t deliver_latency;  //  us, publish -> DELIVER received
    pthread_t thread;
} bench_worker_t;

//  Starts a producer or worker thread on its struct; join with
//  pthread_join (self->thread).
int bench_producer_start (bench_producer_t *self);
int bench_worker_start (bench_worker_t *self);

//  Wall clock in microseconds.
int64_t bench_now_us (void);

#endif
