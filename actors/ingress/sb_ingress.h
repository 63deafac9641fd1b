/*  sb_ingress.h — the HTTP front door (libmicrohttpd, its own thread
    pool): webhooks in, validated, deduplicated by idempotency key,
    published to the broker, and answered as soon as the broker has ACKed
    (or refused, quickly, when it cannot). Never waits for the pipeline.

        GET  /health            the process is up
        GET  /ready             the broker answers: 200, else 503 with why
        POST /webhook/sms       Twilio inbound SMS (X-Twilio-Signature)
        POST /webhook/whatsapp/incoming   a WhatsApp gateway's messages
                                (X-Internal-Secret)
        POST /api/workspace/save  a tenant's credentials (bearer token);
                                waits for agent-sync's report
        GET  /metrics           Prometheus text format                    */

#ifndef SB_INGRESS_H_INCLUDED
#define SB_INGRESS_H_INCLUDED

#include "sb_classes.h"
#include "sb_secretbox.h"

typedef struct {
    const char *listen;            //  bind address (default 127.0.0.1)
    int port;                      //  0: any free port (see sb_ingress_port)
    const char *broker;            //  broker endpoint, or several comma-separated
    const char *public_url;        //  base URL Twilio calls (scheme://host[:port]),
                                   //  NULL: rebuilt from each request's Host
    const char *tenant;            //  the tenant of an SMS to a number not in numbers
    zconfig_t *numbers;            //  E.164 number -> tenant (borrowed; may be NULL)
    const char *instance;          //  names the reply queue: reply.ingress.<instance>
    const char *twilio_token;      //  TWILIO_AUTH_TOKEN (secret; never logged)
    const char *redis;             //  where tenants' own tokens are (agent-sync's),
                                   //  NULL: none, every tenant's SMS is checked
                                   //  against twilio_token
    const char *redis_password;    //  REDIS_PASSWORD (secret), NULL: none
    const sb_secretbox_t *credentials_box;   //  opens them (borrowed: outlives
                                   //  ingress); NULL: tenants' tokens not read
    int credentials_ttl_ms;        //  a tenant's token (or its absence) kept so long
    const char *internal_secret;   //  INTERNAL_SECRET (secret; never logged)
    const char *workspace_token;   //  WORKSPACE_API_TOKEN (secret; never logged)
    zconfig_t *workspace_tokens;   //  tenant -> its own token, or env:NAME (borrowed)
    int workspace_timeout_ms;      //  no report from agent-sync by then: 504
    size_t max_body;               //  bytes; larger bodies get 413
    int publish_timeout_ms;        //  no ACK by then: 503
    int threads;                   //  HTTP worker threads
} sb_ingress_config_t;

sb_ingress_config_t sb_ingress_config_default (void);

typedef struct _sb_ingress_t sb_ingress_t;

//  Starts serving. Returns NULL with the reason in err (port in use, ...).
sb_ingress_t *sb_ingress_new (const sb_ingress_config_t *config, char *err, size_t errlen);

//  Stops serving (requests in progress finish) and frees everything.
void sb_ingress_destroy (sb_ingress_t **self_p);

//  The port actually bound.
int sb_ingress_port (sb_ingress_t *self);

#endif
