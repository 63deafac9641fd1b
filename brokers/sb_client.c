/*  sb_client.c — broker client for publishers and tools (sb_client.h).   */

#include "sb_client.h"
#include "sb_curve.h"

struct _sb_client_t {
    zsock_t *dealer;
    zpoller_t *poller;
    uint64_t sequence;           //  for the tokens of one-at-a-time publishes
    bool several;                //  given several brokers: sends wait for one (bounded)
};

//  Connects the dealer to each endpoint of the comma-separated list.
//  With several, a broker whose connection is not up gets no message
//  (ZMQ_IMMEDIATE), and a connection silent past the heartbeat time-out
//  is closed, so that publishes go to the brokers still reachable (a
//  broker's host cut off sends no FIN: without the heartbeat its
//  connection would look alive until TCP gives up, minutes later).
//  Returns 0, or -1 with the reason in err.
static int
s_connect_all (sb_client_t *self, const char *endpoints, char *err, size_t errlen)
{
    if (strchr (endpoints, ',')) {
        //  With no broker connected a send waits for one, at most this long
        //  (or a request's own time-out): never for ever
        self->several = true;
        zsock_set_sndtimeo (self->dealer, SB_CLIENT_HEARTBEAT_MS * 3);
        zsock_set_immediate (self->dealer, 1);
        zsock_set_heartbeat_ivl (self->dealer, SB_CLIENT_HEARTBEAT_MS);
        zsock_set_heartbeat_timeout (self->dealer, SB_CLIENT_HEARTBEAT_MS * 3);
    }
    char *list = strdup (endpoints), *saved = NULL;
    int rc = list? 0: sb_error_set (err, errlen, "out of memory");
    size_t connected = 0;
    for (char *item = list? strtok_r (list, ",", &saved): NULL; item && rc == 0;
         item = strtok_r (NULL, ",", &saved))
        if (zsock_connect (self->dealer, "%s", item) < 0)
            rc = sb_error_set (err, errlen, "cannot connect to %s: %s", item,
                               zmq_strerror (zmq_errno ()));
        else
            connected++;
    if (rc == 0 && connected == 0)
        rc = sb_error_set (err, errlen, "no broker endpoint in '%s'", endpoints);
    free (list);
    return rc;
}

sb_client_t *
sb_client_new (const char *endpoint, char *err, size_t errlen)
{
    sb_client_t *self = (sb_client_t *) calloc (1, sizeof (sb_client_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->dealer = zsock_new (ZMQ_DEALER);
    if (!self->dealer) {
        sb_error_set (err, errlen, "cannot make a socket: %s", zmq_strerror (zmq_errno ()));
        sb_client_destroy (&self);
        return NULL;
    }
    zsock_set_sndhwm (self->dealer, 100000);
    zsock_set_rcvhwm (self->dealer, 100000);
    zsock_set_linger (self->dealer, 0);
    if (sb_curve_client_apply (self->dealer, err, errlen)) {
        sb_client_destroy (&self);   //  CURVE settings wrong: err says which
        return NULL;
    }
    if (s_connect_all (self, endpoint, err, errlen)) {
        sb_client_destroy (&self);
        return NULL;
    }
    self->poller = zpoller_new (self->dealer, NULL);
    return self;
}

void
sb_client_destroy (sb_client_t **self_p)
{
    if (self_p && *self_p) {
        zpoller_destroy (&(*self_p)->poller);
        zsock_destroy (&(*self_p)->dealer);
        free (*self_p);
        *self_p = NULL;
    }
}

zsock_t *
sb_client_socket (sb_client_t *self)
{
    return self->dealer;
}

int
sb_client_send_publish (sb_client_t *self, const char *token,
                        const uint8_t *envelope, size_t size)
{
    zmsg_t *msg = sb_proto_new (SB_PROTO_PUBLISH);
    if (!msg || zmsg_addstr (msg, token) || zmsg_addmem (msg, envelope, size)) {
        zmsg_destroy (&msg);
        return -1;
    }
    if (zmsg_send (&msg, self->dealer)) {
        zmsg_destroy (&msg);
        return -1;
    }
    return 0;
}

//  Given several brokers, the next send waits for a connected one at most
//  timeout_ms.
static void
s_send_within (sb_client_t *self, int timeout_ms)
{
    if (self->several)
        zsock_set_sndtimeo (self->dealer, timeout_ms > 0? timeout_ms: 0);
}

//  Waits for one message; returns it with header and command parsed.
static zmsg_t *
s_recv (sb_client_t *self, int timeout_ms, char command [SB_PROTO_COMMAND_MAX + 1],
        char *err, size_t errlen)
{
    if (!zpoller_wait (self->poller, timeout_ms)) {
        sb_error_set (err, errlen, "no reply from the broker within %d ms", timeout_ms);
        return NULL;
    }
    zmsg_t *msg = zmsg_recv (self->dealer);
    if (!msg || sb_proto_parse (msg, command, err, errlen))
        zmsg_destroy (&msg);
    return msg;
}

static int
s_parse_reply (zmsg_t *msg, const char *command, sb_client_reply_t *reply)
{
    memset (reply, 0, sizeof *reply);
    if (sb_proto_pop_string (msg, reply->token, sizeof reply->token))
        return sb_error_set (reply->reason, sizeof reply->reason, "reply without a token");
    if (streq (command, SB_PROTO_ACK) || streq (command, SB_PROTO_DUP)) {
        reply->outcome = streq (command, SB_PROTO_ACK)? SB_CLIENT_ACK: SB_CLIENT_DUP;
        if (sb_proto_pop_string (msg, reply->id, sizeof reply->id))
            return sb_error_set (reply->reason, sizeof reply->reason, "%s without an id", command);
        return 0;
    }
    if (streq (command, SB_PROTO_NACK)) {
        reply->outcome = SB_CLIENT_NACK;
        if (sb_proto_pop_string (msg, reply->code, sizeof reply->code))
            return sb_error_set (reply->reason, sizeof reply->reason, "NACK without a code");
        sb_proto_pop_string (msg, reply->reason, sizeof reply->reason);
        return 0;
    }
    return sb_error_set (reply->reason, sizeof reply->reason,
                         "unexpected reply '%s' to PUBLISH", command);
}

int
sb_client_recv_reply (sb_client_t *self, int timeout_ms, sb_client_reply_t *reply)
{
    char command [SB_PROTO_COMMAND_MAX + 1];
    char err [256];
    zmsg_t *msg = s_recv (self, timeout_ms, command, err, sizeof err);
    if (!msg) {
        memset (reply, 0, sizeof *reply);
        snprintf (reply->reason, sizeof reply->reason, "%s", err);
        return -1;
    }
    int rc = s_parse_reply (msg, command, reply);
    zmsg_destroy (&msg);
    return rc;
}

int
sb_client_publish (sb_client_t *self, const uint8_t *envelope, size_t size,
                   int timeout_ms, sb_client_reply_t *reply)
{
    char token [32];
    snprintf (token, sizeof token, "p%" PRIu64, ++self->sequence);
    int64_t deadline = zclock_mono () + timeout_ms;
    s_send_within (self, timeout_ms);
    if (sb_client_send_publish (self, token, envelope, size))
        return sb_error_set (reply->reason, sizeof reply->reason,
                             "cannot send (no broker connected within %d ms)", timeout_ms);
    while (true) {
        int64_t left = deadline - zclock_mono ();
        if (left <= 0 || sb_client_recv_reply (self, (int) left, reply))
            return sb_error_set (reply->reason, sizeof reply->reason,
                                 "no reply from the broker within %d ms", timeout_ms);
        if (streq (reply->token, token))
            return 0;
    }
}

json_t *
sb_client_request (sb_client_t *self, const char *command, const char *arg,
                   int timeout_ms, char *err, size_t errlen)
{
    zmsg_t *msg = sb_proto_new (command);
    if (arg)
        zmsg_addstr (msg, arg);
    s_send_within (self, timeout_ms);
    if (!msg || zmsg_send (&msg, self->dealer)) {
        zmsg_destroy (&msg);
        sb_error_set (err, errlen, "cannot send %s", command);
        return NULL;
    }
    char reply_command [SB_PROTO_COMMAND_MAX + 1];
    zmsg_t *reply = s_recv (self, timeout_ms, reply_command, err, errlen);
    json_t *result = NULL;
    if (reply && streq (reply_command, SB_PROTO_REPLAYED)) {
        uint64_t count = 0;
        if (sb_proto_pop_number (reply, &count) == 0)
            result = json_integer ((json_int_t) count);
    }
    else
    if (reply && streq (reply_command, SB_PROTO_ERROR)) {
        char reason [400] = "";
        sb_proto_pop_string (reply, reason, sizeof reason);
        sb_error_set (err, errlen, "broker refused %s: %s", command, reason);
    }
    else
    if (reply)
        result = sb_proto_pop_json (reply, err, errlen);
    zmsg_destroy (&reply);
    return result;
}
