/*  sb_testmsg.h — test support: the envelopes a test publishes, encoded
    with a new id and published on a broker client (sb_client): one and
    its reply, or many at once (pipelined, as a busy publisher would),
    each checked ACKed with its own id.

    Failures are reported on stderr and by the return value, so that the
    test asserts where it stands (0 / -1, NULL from an encoder).         */

#ifndef SB_TESTMSG_H_INCLUDED
#define SB_TESTMSG_H_INCLUDED

#include "sb_classes.h"
#include "sb_client.h"

//  An envelope's header as a test fills it.
typedef struct {
    const char *type;
    const char *key;            //  the idempotency key
    const char *corr;           //  NULL: the key
    const char *src;            //  NULL: "test"
    const char *tenant;         //  NULL: "test"
    int64_t not_before_ms;      //  0: none
    int64_t deadline_ms;        //  0: none
} sb_testmsg_t;

//  Makes the body of the message keyed key (a new JSON object).
typedef json_t *(sb_testmsg_body_fn) (const char *key, void *arg);

//  Many messages like msg, keyed (and correlated) "prefix-N" for N from
//  first to first + count - 1, each with the body body_fn makes.
typedef struct {
    sb_testmsg_t msg;           //  its key and corr are not used
    const char *prefix;
    size_t first;
    size_t count;
    sb_testmsg_body_fn *body_fn;
    void *arg;                  //  body_fn's
} sb_testmsg_batch_t;

//  Encodes msg with body (taken, even on failure) and a new id from ids,
//  written to id. Returns the msgpack bytes (caller frees) with their
//  size in *size, or NULL with the reason on stderr.
uint8_t *sb_testmsg_encode (sb_idgen_t *ids, const sb_testmsg_t *msg, json_t *body,
                            char id [SB_ID_LEN + 1], size_t *size);

//  Encodes msg with body (taken) and a new id (written to id), publishes it
//  on client and waits up to timeout_ms for the reply, in *reply. Returns
//  0 if a reply came (ACK, DUP or NACK), else -1 with the reason on stderr.
int sb_testmsg_publish (sb_client_t *client, sb_idgen_t *ids, const sb_testmsg_t *msg,
                        json_t *body, int timeout_ms, char id [SB_ID_LEN + 1],
                        sb_client_reply_t *reply);

//  sb_testmsg_publish, and checks the reply is an ACK with the message's
//  own id. Returns 0, or -1 with the reply on stderr.
int sb_testmsg_publish_acked (sb_client_t *client, sb_idgen_t *ids, const sb_testmsg_t *msg,
                              json_t *body, int timeout_ms, char id [SB_ID_LEN + 1]);

//  Publishes batch's messages all at once on client, then waits for every
//  reply (up to timeout_ms each). out [N] receives message N's id (out has
//  first + count rows). Returns 0 if each was ACKed with its own id, else
//  -1 with the first difference on stderr.
int sb_testmsg_publish_many (sb_client_t *client, sb_idgen_t *ids,
                             const sb_testmsg_batch_t *batch, int timeout_ms,
                             char (*out) [SB_ID_LEN + 1]);

#endif
