/*  sb_ingress_private.h — what ingress's modules share: the server's
    state, a request being received, answering (counted for /metrics) and
    publishing. Not for other programs.                                   */

#ifndef SB_INGRESS_PRIVATE_H_INCLUDED
#define SB_INGRESS_PRIVATE_H_INCLUDED

#include "sb_classes.h"
#include "sb_client.h"
#include "sb_ingress.h"
#include "sb_metrics.h"
#include "sb_replies.h"
#include "sb_token_cache.h"
#include <microhttpd.h>
#include <pthread.h>

struct _sb_ingress_t {
    sb_ingress_config_t config;
    struct MHD_Daemon *daemon;
    int port;
    pthread_mutex_t lock;        //  guards publishers
    zlistx_t *publishers;        //  idle s_publisher_t
    sb_metrics_t *metrics;
    sb_replies_t *replies;       //  the workspace save's answers
    char *reply_service;         //  reply.<instance>
    sb_token_cache_t *tokens;    //  tenants' own Twilio tokens; NULL: not configured
};

//  A request being received: the URI as sent (Twilio signs it with its
//  query string), the path it was routed by, and the body, bounded. A
//  workspace save also holds its wait for agent-sync's report.
typedef struct {
    char *uri;
    const char *path;            //  libmicrohttpd's, valid while the request is
    char *body;
    size_t size;
    bool started;                //  the first call (headers) is past
    bool too_large;
    sb_waiter_t *waiter;
    struct MHD_Connection *connection;
} sb_ingress_request_t;

//  Queues the answer (text copied) and counts it. Returns libmicrohttpd's
//  result for the handler to return.
enum MHD_Result sb_ingress_answer (sb_ingress_t *self, sb_ingress_request_t *request,
                                   unsigned int status, const char *content_type,
                                   const char *text);

//  A one-line reason, as plain text.
enum MHD_Result sb_ingress_refuse (sb_ingress_t *self, sb_ingress_request_t *request,
                                   unsigned int status, const char *format, ...)
    SB_PRINTF (4, 5);

//  Publishes env (its id set here) and waits for the broker. Returns the
//  HTTP status to answer: 200 (ACK or DUP), 400 (refused as invalid), 503
//  (the broker or its storage cannot take it now), with why in reason.
unsigned int sb_ingress_publish (sb_ingress_t *self, sb_envelope_t *env,
                                 char *reason, size_t reasonlen);

//  The tenant an SMS to number belongs to (ingress/numbers), else (also
//  for a NULL number) the configured default tenant. Borrowed.
const char *sb_ingress_tenant_for (sb_ingress_t *self, const char *number);

//  True if the request's Content-Type is media_type, with or without
//  parameters ("; charset=utf-8").
bool sb_ingress_content_type_is (struct MHD_Connection *connection, const char *media_type);

//  The whatsapp.received envelopes of a gateway's JSON body, all checked
//  before any is published (nothing half-processed): a list that destroys
//  them (possibly empty: no text messages), or NULL with the first fault,
//  named (payload.messages[2].key.remoteJid: ...), in err.
zlistx_t *sb_ingress_whatsapp_envelopes (const char *body, size_t size, char *err, size_t errlen);

//  The workspace.saved body from a save's JSON (camelCase names, as a
//  browser sends them): new, or NULL with the missing or wrong field named.
json_t *sb_ingress_saved_body (const json_t *json, char *err, size_t errlen);

//  The endpoints, each answering one complete request.
enum MHD_Result sb_ingress_on_sms (sb_ingress_t *self, sb_ingress_request_t *request);
enum MHD_Result sb_ingress_on_whatsapp (sb_ingress_t *self, sb_ingress_request_t *request);
enum MHD_Result sb_ingress_on_workspace (sb_ingress_t *self, sb_ingress_request_t *request);

#endif
