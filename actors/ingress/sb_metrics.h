/*  sb_metrics.h — ingress's counters for GET /metrics, in Prometheus's
    text format (version 0.0.4): requests by endpoint and status, the
    publish latency histogram (request to broker ACK), duplicates (DUP
    answers), signature and secret failures. Shared by the HTTP threads. */

#ifndef SB_METRICS_H_INCLUDED
#define SB_METRICS_H_INCLUDED

#include "sb_classes.h"

typedef struct _sb_metrics_t sb_metrics_t;

sb_metrics_t *sb_metrics_new (void);
void sb_metrics_destroy (sb_metrics_t **self_p);

//  A request answered: endpoint is the route ("/webhook/sms"; anything
//  unknown counts as "other", so clients cannot grow the table).
void sb_metrics_request (sb_metrics_t *self, const char *endpoint, unsigned int status);

//  One publish's time to the broker's answer, in microseconds.
void sb_metrics_publish (sb_metrics_t *self, int64_t micros);
void sb_metrics_duplicate (sb_metrics_t *self);
void sb_metrics_auth_failure (sb_metrics_t *self, const char *endpoint);

//  The whole exposition (caller frees).
char *sb_metrics_render (sb_metrics_t *self);

#endif
