/*  bench_load.h — the load side of the broker benchmark: producers that
    publish pre-encoded echo.request envelopes (unique keys and ids patched
    in place, a send timestamp in the body), and workers that answer DONE
    at once and measure publish -> deliver latency. The same producers and
    workers run against the Switchboard broker and against the plain
    ZeroMQ broker, so the two are compared like for like.                  */

#ifndef BENCH_LOAD_H_INCLUDED
#define BENCH_LOAD_H_INCLUDED

#include "sb_classes.h"
#include "sb_hist.h"
#include <pthread.h>
#include <stdatomic.h>

typedef struct {
    const char *endpoint;
    int index;
    size_t count;                //  messages to publish
    double rate;                 //  messages/s, 0: as fast as acks allow
    size_t window;               //  publishes in flight at most
    size_t body_bytes;
    const char *run;             //  distinguishes keys between runs
    sb_hist_t ack_latency;       //  us, publish -> ACK
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
    sb_hist_t deliver_latency;   //  us, publish -> DELIVER received
    pthread_t thread;
} bench_worker_t;

//  Starts a producer or worker thread on its struct; join with
//  pthread_join (self->thread).
int bench_producer_start (bench_producer_t *self);
int bench_worker_start (bench_worker_t *self);

//  Wall clock in microseconds.
int64_t bench_now_us (void);

#endif
