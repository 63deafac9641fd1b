/*  sb_client.h — a broker client for publishers and tools: PUBLISH with
    ACK/DUP/NACK (pipelined or one at a time), STATS, DLQ-LIST, DLQ-REPLAY.
    One DEALER socket; a client belongs to one thread.                     */

#ifndef SB_CLIENT_H_INCLUDED
#define SB_CLIENT_H_INCLUDED

#include "sb_proto.h"

typedef enum {
    SB_CLIENT_ACK,           //  stored durably
    SB_CLIENT_DUP,           //  key already accepted: id is the first id
    SB_CLIENT_NACK           //  refused: code and reason say why
} sb_client_outcome_t;

typedef struct {
    sb_client_outcome_t outcome;
    char token [SB_PROTO_TOKEN_MAX + 1];
    char id [SB_ID_LEN + 1];
    char code [32];
    char reason [512];
} sb_client_reply_t;

typedef struct _sb_client_t sb_client_t;

//  ZMTP heartbeat interval of a client given several brokers; a connection
//  silent for three of them is closed.
#define SB_CLIENT_HEARTBEAT_MS 1000

//  Connects to a broker endpoint (with CURVE when SB_CURVE_CERT and
//  SB_CURVE_SERVER say so, sb_curve.h), or to each of a comma-separated list of
//  brokers sharing one Redis: then each message goes to one of those whose
//  connection is up, in turn, and a broker gone silent (its host cut off)
//  is left out within 3 heartbeats; a message already sent to it gets no
//  reply (time-out: publish again, its key deduplicates). With no broker
//  connected, a send waits for one at most the call's time-out (3
//  heartbeats for sb_client_send_publish). Returns NULL with the reason in
//  err.
sb_client_t *sb_client_new (const char *endpoint, char *err, size_t errlen);
void sb_client_destroy (sb_client_t **self_p);

//  The socket, to poll it with others.
zsock_t *sb_client_socket (sb_client_t *self);

//  Sends a PUBLISH; the reply carries token back. Returns 0 or -1.
int sb_client_send_publish (sb_client_t *self, const char *token,
                            const uint8_t *envelope, size_t size);

//  Waits up to timeout_ms for the next publish reply. Returns 0, or -1 on
//  time-out or a malformed reply (reason in reply->reason).
int sb_client_recv_reply (sb_client_t *self, int timeout_ms, sb_client_reply_t *reply);

//  Publishes one envelope and waits for its reply (replies to earlier,
//  timed-out publishes are skipped). Returns 0 with the reply, or -1 on
//  time-out: then the envelope may or may not have been stored; publishing
//  it again is safe (its key deduplicates).
int sb_client_publish (sb_client_t *self, const uint8_t *envelope, size_t size,
                       int timeout_ms, sb_client_reply_t *reply);

//  Tools: sends command (STATS, DLQ-LIST, DLQ-REPLAY, TRACE) with an optional
//  argument and returns the reply's body as JSON (REPLAYED: an integer),
//  or NULL with the reason in err (time-out, ERROR reply).
json_t *sb_client_request (sb_client_t *self, const char *command, const char *arg,
                           int timeout_ms, char *err, size_t errlen);

#endif
