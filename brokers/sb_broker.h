/*  sb_broker.h — the broker: a ROUTER endpoint speaking SBP/1
    (docs/protocol.md) over a Redis store (sb_store.h), routing by message
    type to services (sb_routes.h). One thread, one loop: it reads every
    command that is waiting, commits the publishes and the answers of that
    round to Redis in one call each (group commit), replies, then hands
    queued work to workers with credit. docs/broker.md has the design.     */

#ifndef SB_BROKER_H_INCLUDED
#define SB_BROKER_H_INCLUDED

#include "sb_classes.h"

typedef struct {
    const char *endpoint;        //  where the ROUTER binds
    const char *name;            //  this broker in the consumer group
    const char *redis_url;       //  tcp://host:port or unix:/path
    const char *redis_password;  //  NULL: none
    const char *prefix;          //  Redis key prefix
    int64_t dedup_window_ms;     //  idempotency window
    int64_t max_backlog;         //  queued messages before over-capacity
    int heartbeat_ms;
    int liveness;                //  missed heartbeats before a worker is dead
    int64_t visibility_ms;       //  idle time before another broker reclaims
    int64_t poll_ms;             //  how often queues are polled for work
                                 //  other brokers (or delays) put there
    int redis_timeout_ms;
    size_t batch;                //  most commands taken in one round
    sb_limits_t limits;          //  envelope decoding bounds
    bool trace;                  //  note every event per conversation in Redis
    int64_t trace_ttl_ms;        //  how long a conversation's trace is kept
    const char *tap;             //  PUB endpoint for a copy of the traffic, or NULL
    const char *monitor;         //  PUB endpoint for socket events, or NULL
    const char *curve_certificate;   //  broker/curve/certificate (a secret
                                     //  file), or NULL: plain TCP
    const char *curve_clients;       //  broker/curve/clients: a directory
                                     //  of allowed public certificates
} sb_broker_config_t;

//  The defaults (docs/broker.md lists them).
sb_broker_config_t sb_broker_config_default (void);

//  Reads the broker section of config ("broker/endpoint", ...) over the
//  values in *settings. Returns 0, or -1 with "broker/key: reason".
int sb_broker_config_load (sb_broker_config_t *settings, zconfig_t *config,
                           char *err, size_t errlen);

//  Checks that broker/curve's certificate and clients are both set or
//  both unset. Returns 0, or -1 with the reason.
int sb_broker_config_check_curve (const sb_broker_config_t *settings, char *err,
                                  size_t errlen);

typedef struct _sb_broker_t sb_broker_t;

//  Creates the broker: routes from config (its routes and services
//  sections; may be NULL), binds the endpoint, connects to Redis and
//  creates the services' queues. Returns NULL with the reason in err.
sb_broker_t *sb_broker_new (const sb_broker_config_t *settings, zconfig_t *config,
                            char *err, size_t errlen);
void sb_broker_destroy (sb_broker_t **self_p);

//  The endpoint actually bound (with a port chosen for tcp://...:*).
const char *sb_broker_endpoint (sb_broker_t *self);

//  This broker's name in the consumer group.
const char *sb_broker_name (sb_broker_t *self);

//  The socket-event endpoint actually bound, or NULL without broker/monitor.
const char *sb_broker_monitor_endpoint (sb_broker_t *self);

//  The CURVE public key in Z85 (borrowed), or NULL when CURVE is off.
const char *sb_broker_curve_public_key (sb_broker_t *self);

//  Runs the loop until *stop becomes true (set from a signal handler) or
//  CZMQ's interrupt flag is raised. Returns 0.
int sb_broker_run (sb_broker_t *self, volatile int *stop);

#endif
