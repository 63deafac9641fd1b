/*  sb_testmsg.c — envelopes published by tests (sb_testmsg.h).           */

#include "sb_testmsg.h"

uint8_t *
sb_testmsg_encode (sb_idgen_t *ids, const sb_testmsg_t *msg, json_t *body,
                   char id [SB_ID_LEN + 1], size_t *size)
{
    char err [256] = "out of memory";
    uint8_t *data = NULL;
    sb_envelope_t *env = sb_envelope_new (msg->type);
    if (env && sb_idgen_next (ids, 0, id))
        snprintf (err, sizeof err, "no new id");
    else
    if (env) {
        sb_envelope_set_id (env, id);
        sb_envelope_set_key (env, msg->key);
        sb_envelope_set_corr (env, msg->corr? msg->corr: msg->key);
        sb_envelope_set_src (env, msg->src? msg->src: "test");
        sb_envelope_set_tenant (env, msg->tenant? msg->tenant: "test");
        sb_envelope_set_not_before_ms (env, msg->not_before_ms);
        sb_envelope_set_deadline_ms (env, msg->deadline_ms);
        if (sb_envelope_set_body (env, body) == 0)
            body = NULL;    //  the envelope's now
        else
            snprintf (err, sizeof err, "the body is not an object");
        if (!body && sb_envelope_encode (env, &data, size, err, sizeof err))
            data = NULL;
    }
    if (!data)
        fprintf (stderr, "sb_testmsg: cannot encode %s %s: %s\n", msg->type, msg->key, err);
    json_decref (body);
    sb_envelope_destroy (&env);
    return data;
}

int
sb_testmsg_publish (sb_client_t *client, sb_idgen_t *ids, const sb_testmsg_t *msg,
                    json_t *body, int timeout_ms, char id [SB_ID_LEN + 1],
                    sb_client_reply_t *reply)
{
    size_t size = 0;
    uint8_t *data = sb_testmsg_encode (ids, msg, body, id, &size);
    if (!data)
        return -1;
    int rc = sb_client_publish (client, data, size, timeout_ms, reply);
    free (data);
    if (rc)
        fprintf (stderr, "sb_testmsg: publish %s: %s\n", msg->key, reply->reason);
    return rc;
}

//  Checks that reply is an ACK with id. Returns 0, or -1 with the reply on
//  stderr.
static int
s_check_acked (const sb_client_reply_t *reply, const char *key, const char *id)
{
    if (reply->outcome == SB_CLIENT_ACK && streq (reply->id, id))
        return 0;
    fprintf (stderr, "sb_testmsg: publish %s: not ACKed with %s: %s %s %s\n", key, id,
             reply->outcome == SB_CLIENT_DUP? "DUP": reply->outcome == SB_CLIENT_ACK? "ACK":
             "NACK", reply->code, reply->reason);
    return -1;
}

int
sb_testmsg_publish_acked (sb_client_t *client, sb_idgen_t *ids, const sb_testmsg_t *msg,
                          json_t *body, int timeout_ms, char id [SB_ID_LEN + 1])
{
    sb_client_reply_t reply;
    if (sb_testmsg_publish (client, ids, msg, body, timeout_ms, id, &reply))
        return -1;
    return s_check_acked (&reply, msg->key, id);
}

//  Sends batch's message index without waiting for its reply; the key is
//  the token the reply carries back. Returns 0 or -1.
static int
s_send_one (sb_client_t *client, sb_idgen_t *ids, const sb_testmsg_batch_t *batch,
            size_t index, char id [SB_ID_LEN + 1])
{
    char key [SB_PROTO_TOKEN_MAX + 1];
    snprintf (key, sizeof key, "%s-%zu", batch->prefix, index);
    sb_testmsg_t msg = batch->msg;
    msg.key = key;
    msg.corr = key;
    size_t size = 0;
    uint8_t *data = sb_testmsg_encode (ids, &msg, batch->body_fn (key, batch->arg), id, &size);
    int rc = data? sb_client_send_publish (client, key, data, size): -1;
    free (data);
    return rc;
}

//  Waits for one reply of the batch and checks it. Returns 0 or -1.
static int
s_recv_one (sb_client_t *client, const sb_testmsg_batch_t *batch, int timeout_ms,
            char (*out) [SB_ID_LEN + 1])
{
    sb_client_reply_t reply;
    if (sb_client_recv_reply (client, timeout_ms, &reply)) {
        fprintf (stderr, "sb_testmsg: publish %s: %s\n", batch->prefix, reply.reason);
        return -1;
    }
    const char *dash = strrchr (reply.token, '-');
    size_t index = dash? strtoul (dash + 1, NULL, 10): SIZE_MAX;
    if (index < batch->first || index >= batch->first + batch->count) {
        fprintf (stderr, "sb_testmsg: a reply to '%s', not of the batch\n", reply.token);
        return -1;
    }
    return s_check_acked (&reply, reply.token, out [index]);
}

int
sb_testmsg_publish_many (sb_client_t *client, sb_idgen_t *ids,
                         const sb_testmsg_batch_t *batch, int timeout_ms,
                         char (*out) [SB_ID_LEN + 1])
{
    size_t last = batch->first + batch->count;
    for (size_t index = batch->first; index < last; index++)
        if (s_send_one (client, ids, batch, index, out [index])) {
            fprintf (stderr, "sb_testmsg: cannot send %s-%zu\n", batch->prefix, index);
            return -1;
        }
    for (size_t answered = 0; answered < batch->count; answered++)
        if (s_recv_one (client, batch, timeout_ms, out))
            return -1;
    return 0;
}
