/*  sb_proto.h — frames of the broker protocol SBP/1 (docs/protocol.md):
    [header "SBP1"][COMMAND][arguments...]. Shared by the broker, the actor
    runtime, ingress and the tools.                                        */

#ifndef SB_PROTO_H_INCLUDED
#define SB_PROTO_H_INCLUDED

#include "sb_classes.h"

#define SB_PROTO_HEADER      "SBP1"
#define SB_PROTO_COMMAND_MAX 15
#define SB_PROTO_TOKEN_MAX   64     /* a publisher's correlation token     */
#define SB_PROTO_HANDLE_MAX  160    /* a delivery handle                   */

#define SB_PROTO_PUBLISH     "PUBLISH"
#define SB_PROTO_ACK         "ACK"
#define SB_PROTO_DUP         "DUP"
#define SB_PROTO_NACK        "NACK"
#define SB_PROTO_HELLO       "HELLO"
#define SB_PROTO_WELCOME     "WELCOME"
#define SB_PROTO_DELIVER     "DELIVER"
#define SB_PROTO_DONE        "DONE"
#define SB_PROTO_RETRY       "RETRY"
#define SB_PROTO_FAIL        "FAIL"
#define SB_PROTO_HEARTBEAT   "HEARTBEAT"
#define SB_PROTO_BYE         "BYE"
#define SB_PROTO_DRAIN       "DRAIN"
#define SB_PROTO_STATS       "STATS"
#define SB_PROTO_DLQ_LIST    "DLQ-LIST"
#define SB_PROTO_DLQ         "DLQ"
#define SB_PROTO_DLQ_REPLAY  "DLQ-REPLAY"
#define SB_PROTO_REPLAYED    "REPLAYED"
#define SB_PROTO_TRACE       "TRACE"
#define SB_PROTO_CONVERSATIONS "CONVERSATIONS"
#define SB_PROTO_ERROR       "ERROR"

//  Returns a new message holding the header and command; append the
//  arguments with zmsg_addstr/zmsg_addmem, send with zmsg_send.
zmsg_t *sb_proto_new (const char *command);

//  Checks and removes the header and command frames of a received message
//  (a ROUTER's identity frame already removed), copying the command.
//  Returns 0, or -1 with the reason in err.
int sb_proto_parse (zmsg_t *msg, char command [SB_PROTO_COMMAND_MAX + 1],
                    char *err, size_t errlen);

//  Removes the next frame into buffer as a string (at most size-1 bytes,
//  no NUL inside). Returns 0, or -1 if it is missing or unfit.
int sb_proto_pop_string (zmsg_t *msg, char *buffer, size_t size);

//  Removes the next frame as a decimal number. Returns 0, or -1.
int sb_proto_pop_number (zmsg_t *msg, uint64_t *value);

//  Appends a JSON value as one msgpack frame. Returns 0 or -1.
int sb_proto_add_json (zmsg_t *msg, const json_t *value);

//  Removes the next frame, a msgpack value within limits, as JSON (caller
//  owns). Returns NULL with the reason in err.
json_t *sb_proto_pop_json (zmsg_t *msg, char *err, size_t errlen);

//  Takes a WELCOME's body (the next frame): sets *heartbeat_ms (1..60000)
//  and *liveness (1..100) from it, leaving either as it is when absent or
//  out of range. Returns 0, or -1 if the frame is not a msgpack map.
int sb_proto_pop_welcome (zmsg_t *msg, int *heartbeat_ms, int *liveness);

#endif
