/*  sb_routes.h — the routing table (message type -> subscribed services)
    and each service's retry policy, from the broker's config (ZPL):

        routes
            sms.received = planner             # overrides the schema's
            echo.reply = "echo-sink audit"     # fan-out: each gets a copy
        services
            default                            # applies to every service
                max-attempts = 3
            planner
                max-attempts = 5
                initial-interval = 1000        # ms
                backoff = 2.0
                max-interval = 10000           # ms
                jitter = 0.1                   # +-10 % of each delay
                lease = 30000                  # ms a delivery is held

    Without a routes entry a type goes to its schema's consumed-by
    services; a type routed nowhere is refused at publish.

    A reply type is routed to "@reply_to": each envelope goes to the
    service its reply_to header names, which must start with "reply."
    (a waiting requester's own queue: ingress says HELLO as
    reply.<instance>). Such services exist from their first HELLO on.     */

#ifndef SB_ROUTES_H_INCLUDED
#define SB_ROUTES_H_INCLUDED

#include "sb_classes.h"

typedef struct {
    uint32_t max_attempts;       //  deliveries before dead-lettering
    int64_t initial_ms;          //  first retry delay
    double backoff;              //  delay multiplier per attempt
    int64_t max_ms;              //  delay cap
    double jitter;               //  0..1: fraction of randomness
    int64_t lease_ms;            //  how long a delivery may go unanswered
} sb_policy_t;

typedef struct _sb_routes_t sb_routes_t;

#define SB_ROUTES_REPLY_TO      "@reply_to"
#define SB_ROUTES_REPLY_PREFIX  "reply."

//  Builds the table from config (may be NULL: schema routes and default
//  policies only). Returns NULL with "path: reason" in err for a bad
//  entry: unknown type, bad service name, bad number.
sb_routes_t *sb_routes_new (zconfig_t *config, const sb_schemas_t *schemas,
                            char *err, size_t errlen);
void sb_routes_destroy (sb_routes_t **self_p);

//  The services type goes to, or NULL (count 0) when it goes nowhere.
const char *const *sb_routes_lookup (const sb_routes_t *self, const char *type,
                                     size_t *count);

//  True if type is routed to the service its envelopes' reply_to names.
bool sb_routes_is_reply (const sb_routes_t *self, const char *type);

//  True if name can be a reply service ("reply." and a plain name).
bool sb_routes_reply_name_valid (const char *name);

//  The policy of services no config names (reply services).
const sb_policy_t *sb_routes_default_policy (const sb_routes_t *self);

//  The services that receive anything, and each one's policy.
size_t sb_routes_service_count (const sb_routes_t *self);
const char *sb_routes_service_at (const sb_routes_t *self, size_t index);
const sb_policy_t *sb_routes_policy (const sb_routes_t *self, const char *service);

//  The delay before the next delivery after attempts failed deliveries:
//  initial * backoff^(attempts-1), capped, then jittered by random01 (a
//  number in [0, 1)).
int64_t sb_policy_delay (const sb_policy_t *policy, uint32_t attempts, double random01);

#endif
