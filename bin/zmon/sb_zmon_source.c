/*  sb_zmon_source.c — tool requests to brokers, and supervise's restarts
    (see sb_zmon_source.h).                                               */

#include "sb_classes.h"
#include "sb_control.h"
#include "sb_curve.h"
#include "sb_proto.h"
#include "sb_zmon_source.h"

//  Reads one reply's body: REPLAYED as a number, ERROR as a failure, any
//  other reply as its msgpack body. Returns the body or NULL with err set.
static json_t *
s_reply_body (zmsg_t *msg, const char *command, char *err, size_t errlen)
{
    char reply [SB_PROTO_COMMAND_MAX + 1];
    if (sb_proto_parse (msg, reply, err, errlen))
        return NULL;
    if (streq (reply, SB_PROTO_REPLAYED)) {
        uint64_t count = 0;
        if (sb_proto_pop_number (msg, &count) == 0)
            return json_integer ((json_int_t) count);
        sb_error_set (err, errlen, "REPLAYED without a count");
        return NULL;
    }
    if (streq (reply, SB_PROTO_ERROR)) {
        char reason [400] = "";
        sb_proto_pop_string (msg, reason, sizeof reason);
        sb_error_set (err, errlen, "broker refused %s: %s", command, reason);
        return NULL;
    }
    return sb_proto_pop_json (msg, err, errlen);
}

static zsock_t *
s_send_request (const char *endpoint, const char *command, const char *arg)
{
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    if (!dealer)
        return NULL;
    zsock_set_linger (dealer, 0);
    zsock_set_sndtimeo (dealer, 0);
    zmsg_t *msg = sb_proto_new (command);
    if (arg)
        zmsg_addstr (msg, arg);
    char err [300];   //  zmon's start checked the CURVE settings (sb_curve_client_check)
    if (sb_curve_client_apply (dealer, err, sizeof err)
    ||  zsock_connect (dealer, "%s", endpoint) < 0 || zmsg_send (&msg, dealer)) {
        zmsg_destroy (&msg);
        zsock_destroy (&dealer);
    }
    return dealer;
}

//  Waits for the reply of every request still open (NULL sockets are
//  done) until the deadline; fills results.
static void
s_collect (zsock_t **dealers, size_t count, const char *command, int timeout_ms,
           json_t *results)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    size_t open = 0;
    for (size_t index = 0; index < count; index++)
        open += dealers [index] != NULL;
    zmq_pollitem_t *items = (zmq_pollitem_t *) calloc (count, sizeof (zmq_pollitem_t));
    while (items && open) {
        int64_t left = deadline - zclock_mono ();
        for (size_t index = 0; index < count; index++)
            items [index] = (zmq_pollitem_t) { dealers [index]? zsock_resolve (dealers [index]): NULL,
                                               -1, dealers [index]? ZMQ_POLLIN: 0, 0 };
        if (left <= 0 || zmq_poll (items, (int) count, left) <= 0)
            break;
        for (size_t index = 0; index < count; index++) {
            if (!(items [index].revents & ZMQ_POLLIN))
                continue;
            zmsg_t *msg = zmsg_recv (dealers [index]);
            char err [512] = "malformed reply";
            json_t *body = msg? s_reply_body (msg, command, err, sizeof err): NULL;
            json_t *result = json_array_get (results, index);
            json_object_set_new (result, "reachable", json_true ());   //  it answered
            if (body) {
                json_object_set_new (result, "reply", body);
                json_object_del (result, "error");
            }
            else
                json_object_set_new (result, "error", json_string (err));
            zmsg_destroy (&msg);
            zsock_destroy (&dealers [index]);
            open--;
        }
    }
    free (items);
}

json_t *
sb_zmon_request_all (const char *const *endpoints, size_t count, const char *command,
                     const char *arg, int timeout_ms)
{
    json_t *results = json_array ();
    zsock_t **dealers = (zsock_t **) calloc (count + 1, sizeof (zsock_t *));
    for (size_t index = 0; index < count; index++) {
        char *reason = zsys_sprintf ("no answer within %d ms", timeout_ms);
        json_array_append_new (results, json_pack ("{s:s, s:b, s:s}", "endpoint", endpoints [index],
                                                   "reachable", false, "error", reason));
        zstr_free (&reason);
        if (dealers && !(dealers [index] = s_send_request (endpoints [index], command, arg)))
            json_object_set_new (json_array_get (results, index), "error",
                                 json_string ("cannot connect (bad endpoint?)"));
    }
    if (dealers)
        s_collect (dealers, count, command, timeout_ms, results);
    for (size_t index = 0; dealers && index < count; index++)
        zsock_destroy (&dealers [index]);
    free (dealers);
    return results;
}

json_t *
sb_zmon_request (const char *endpoint, const char *command, const char *arg, int timeout_ms,
                 char *err, size_t errlen)
{
    json_t *results = sb_zmon_request_all (&endpoint, 1, command, arg, timeout_ms);
    json_t *result = json_array_get (results, 0);
    json_t *reply = json_incref (json_object_get (result, "reply"));
    if (!reply)
        sb_error_set (err, errlen, "%s: %s", endpoint,
                      json_string_value (json_object_get (result, "error")));
    json_decref (results);
    return reply;
}

json_t *
sb_zmon_request_brokers (const json_t *results)
{
    json_t *brokers = json_deep_copy (results);
    size_t index;
    json_t *result;
    json_array_foreach (brokers, index, result)
        json_object_del (result, "reply");
    return brokers;
}

json_t *
sb_zmon_supervise_status (const char *path, int timeout_ms)
{
    char err [256];
    char *answer = sb_control_call (path, "status --json", timeout_ms, err, sizeof err);
    json_t *status = NULL;
    if (answer && strncmp (answer, "ok\n", 3) == 0)
        status = json_loads (answer + 3, 0, NULL);
    else
    if (answer)
        snprintf (err, sizeof err, "%.200s", answer);
    free (answer);
    json_t *instances = json_array ();
    json_t *rows = json_object_get (status, "instances");
    for (size_t index = 0; index < json_array_size (rows); index++) {
        json_t *row = json_array_get (rows, index);
        if (json_is_string (json_object_get (row, "program")))
            json_array_append_new (instances, json_pack ("{s:O, s:I, s:s, s:I}",
                "program", json_object_get (row, "program"),
                "instance", json_integer_value (json_object_get (row, "instance")),
                "state", json_string_value (json_object_get (row, "state"))
                         ? json_string_value (json_object_get (row, "state")): "?",
                "restarts", json_integer_value (json_object_get (row, "restarts"))));
    }
    json_t *result = json_pack ("{s:b, s:o}", "reachable", status != NULL, "instances", instances);
    if (!status)
        json_object_set_new (result, "error", json_string (err));
    json_decref (status);
    return result;
}
