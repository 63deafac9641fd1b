/*  sb_metrics.c — ingress's counters (see sb_metrics.h).                 */

#include "sb_metrics.h"
#include <pthread.h>

//  The endpoints counted; the last is everything else.
static const char *s_endpoints [] = {
    "/webhook/sms", "/webhook/whatsapp/incoming", "/api/workspace/save",
    "/health", "/ready", "/metrics", "other"
};
#define S_ENDPOINTS (sizeof s_endpoints / sizeof s_endpoints [0])
#define S_STATUSES  600          //  HTTP status codes 0..599

//  Upper bounds of the latency buckets, seconds (Prometheus convention).
static const double s_bounds [] = {
    0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
};
#define S_BUCKETS (sizeof s_bounds / sizeof s_bounds [0])

struct _sb_metrics_t {
    pthread_mutex_t lock;
    uint64_t requests [S_ENDPOINTS][S_STATUSES];
    uint64_t auth_failures [S_ENDPOINTS];
    uint64_t buckets [S_BUCKETS];        //  non-cumulative; summed when rendered
    uint64_t publishes;
    double publish_seconds;
    uint64_t duplicates;
};

sb_metrics_t *
sb_metrics_new (void)
{
    sb_metrics_t *self = (sb_metrics_t *) calloc (1, sizeof (sb_metrics_t));
    if (self)
        pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
sb_metrics_destroy (sb_metrics_t **self_p)
{
    if (*self_p) {
        pthread_mutex_destroy (&(*self_p)->lock);
        free (*self_p);
        *self_p = NULL;
    }
}

static size_t
s_endpoint (const char *endpoint)
{
    for (size_t index = 0; index + 1 < S_ENDPOINTS; index++)
        if (streq (endpoint, s_endpoints [index]))
            return index;
    return S_ENDPOINTS - 1;
}

void
sb_metrics_request (sb_metrics_t *self, const char *endpoint, unsigned int status)
{
    size_t index = s_endpoint (endpoint);
    pthread_mutex_lock (&self->lock);
    self->requests [index][status < S_STATUSES? status: 0]++;
    pthread_mutex_unlock (&self->lock);
}

void
sb_metrics_publish (sb_metrics_t *self, int64_t micros)
{
    double seconds = (double) micros / 1e6;
    size_t bucket = 0;
    while (bucket < S_BUCKETS && seconds > s_bounds [bucket])
        bucket++;
    pthread_mutex_lock (&self->lock);
    if (bucket < S_BUCKETS)
        self->buckets [bucket]++;
    self->publishes++;
    self->publish_seconds += seconds;
    pthread_mutex_unlock (&self->lock);
}

void
sb_metrics_duplicate (sb_metrics_t *self)
{
    pthread_mutex_lock (&self->lock);
    self->duplicates++;
    pthread_mutex_unlock (&self->lock);
}

void
sb_metrics_auth_failure (sb_metrics_t *self, const char *endpoint)
{
    size_t index = s_endpoint (endpoint);
    pthread_mutex_lock (&self->lock);
    self->auth_failures [index]++;
    pthread_mutex_unlock (&self->lock);
}

//  Renders under the lock into a memory stream.
char *
sb_metrics_render (sb_metrics_t *self)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream (&text, &size);
    if (!out)
        return NULL;
    pthread_mutex_lock (&self->lock);
    fprintf (out, "# HELP sb_ingress_requests_total HTTP requests answered, by endpoint and status.\n"
                  "# TYPE sb_ingress_requests_total counter\n");
    for (size_t endpoint = 0; endpoint < S_ENDPOINTS; endpoint++)
        for (unsigned status = 0; status < S_STATUSES; status++)
            if (self->requests [endpoint][status])
                fprintf (out, "sb_ingress_requests_total{endpoint=\"%s\",status=\"%u\"} %" PRIu64 "\n",
                         s_endpoints [endpoint], status, self->requests [endpoint][status]);
    fprintf (out, "# HELP sb_ingress_publish_seconds Time from publishing to the broker's answer.\n"
                  "# TYPE sb_ingress_publish_seconds histogram\n");
    uint64_t cumulative = 0;
    for (size_t bucket = 0; bucket < S_BUCKETS; bucket++) {
        cumulative += self->buckets [bucket];
        fprintf (out, "sb_ingress_publish_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
                 s_bounds [bucket], cumulative);
    }
    fprintf (out, "sb_ingress_publish_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n"
                  "sb_ingress_publish_seconds_sum %.6f\n"
                  "sb_ingress_publish_seconds_count %" PRIu64 "\n",
             self->publishes, self->publish_seconds, self->publishes);
    fprintf (out, "# HELP sb_ingress_duplicates_total Messages the broker had already accepted "
                  "(a provider's redelivery).\n# TYPE sb_ingress_duplicates_total counter\n"
                  "sb_ingress_duplicates_total %" PRIu64 "\n", self->duplicates);
    fprintf (out, "# HELP sb_ingress_auth_failures_total Requests refused for a missing or wrong "
                  "signature, secret or token.\n# TYPE sb_ingress_auth_failures_total counter\n");
    for (size_t endpoint = 0; endpoint + 1 < S_ENDPOINTS; endpoint++)
        if (endpoint < 3)
            fprintf (out, "sb_ingress_auth_failures_total{endpoint=\"%s\"} %" PRIu64 "\n",
                     s_endpoints [endpoint], self->auth_failures [endpoint]);
    pthread_mutex_unlock (&self->lock);
    fclose (out);
    return text;
}
