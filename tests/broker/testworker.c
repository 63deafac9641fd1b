/*  testworker — a worker for the broker's integration tests, driven by the
    text of each echo.request it receives:

        ok...          DONE, emitting an echo.reply (id derived from the parent)
        retry          RETRY every time (delay 0: the service's back-off)
        retry-once     RETRY on attempt 1, then DONE
        fail           FAIL (permanent)
        crash-once     exit at once without answering on attempt 1, else DONE
        hang           never answer
        slow:N         sleep N ms, then DONE

    As the sink service (--sink FILE) it DONEs everything and appends a line
    "id attempt now_ms type text" per delivery to FILE.

    It beats at the heartbeat_ms the broker's WELCOME names (500 ms until
    then), so it stays alive under a broker configured with short beats.

    Usage: testworker ENDPOINT SERVICE INSTANCE CAPACITY [--sink FILE]      */

#include "sb_classes.h"
#include "sb_curve.h"
#include "sb_proto.h"

typedef struct {
    zsock_t *dealer;
    const char *service;
    FILE *sink;
} s_worker_t;

static void
s_send (s_worker_t *self, const char *command, const char *handle, const char *arg1,
        const char *arg2, const uint8_t *data, size_t size)
{
    zmsg_t *msg = sb_proto_new (command);
    if (handle) zmsg_addstr (msg, handle);
    if (arg1)   zmsg_addstr (msg, arg1);
    if (arg2)   zmsg_addstr (msg, arg2);
    if (data)   zmsg_addmem (msg, data, size);
    zmsg_send (&msg, self->dealer);
}

//  The echo.reply for parent: id and key derived, so a redelivered parent
//  emits the same message again.
static uint8_t *
s_reply (sb_envelope_t *parent, const char *service, size_t *size)
{
    char id [SB_ID_LEN + 1], err [256];
    sb_id_derive (sb_envelope_id (parent), 0, id);
    sb_envelope_t *reply = sb_envelope_new ("echo.reply");
    char *key = zsys_sprintf ("%s/echo.reply/0", sb_envelope_key (parent));
    sb_envelope_set_id (reply, id);
    sb_envelope_set_key (reply, key);
    sb_envelope_set_corr (reply, sb_envelope_corr (parent));
    sb_envelope_set_src (reply, service);
    sb_envelope_set_tenant (reply, sb_envelope_tenant (parent));
    json_t *body = json_object_get (sb_envelope_body (parent), "text");
    sb_envelope_set_body (reply, json_pack ("{s:O, s:I}", "text", body,
                                            "echoed_at_ms", (json_int_t) zclock_time ()));
    uint8_t *data = NULL;
    if (sb_envelope_encode (reply, &data, size, err, sizeof err))
        fprintf (stderr, "testworker: cannot encode reply: %s\n", err);
    zstr_free (&key);
    sb_envelope_destroy (&reply);
    return data;
}

static void
s_on_deliver (s_worker_t *self, zmsg_t *msg)
{
    char handle [SB_PROTO_HANDLE_MAX], err [256];
    uint64_t attempt = 0;
    if (sb_proto_pop_string (msg, handle, sizeof handle) || sb_proto_pop_number (msg, &attempt))
        return;
    zframe_t *frame = zmsg_pop (msg);
    sb_envelope_t *env = frame? sb_envelope_decode (zframe_data (frame), zframe_size (frame),
                                                    NULL, err, sizeof err): NULL;
    zframe_destroy (&frame);
    if (!env) {
        s_send (self, SB_PROTO_FAIL, handle, "undecodable envelope", NULL, NULL, 0);
        return;
    }
    const char *text = json_string_value (json_object_get (sb_envelope_body (env), "text"));
    text = text? text: "";
    if (self->sink) {
        fprintf (self->sink, "%s %" PRIu64 " %" PRId64 " %s %s\n", sb_envelope_id (env),
                 attempt, zclock_time (), sb_envelope_type (env), text);
        fflush (self->sink);
        s_send (self, SB_PROTO_DONE, handle, NULL, NULL, NULL, 0);
    }
    else
    if (streq (text, "retry") || (streq (text, "retry-once") && attempt == 1))
        s_send (self, SB_PROTO_RETRY, handle, "0", "asked to retry", NULL, 0);
    else
    if (streq (text, "fail"))
        s_send (self, SB_PROTO_FAIL, handle, "asked to fail", NULL, NULL, 0);
    else
    if (streq (text, "crash-once") && attempt == 1)
        _exit (3);
    else
    if (!streq (text, "hang")) {
        if (strncmp (text, "slow:", 5) == 0)
            zclock_sleep (atoi (text + 5));
        size_t size = 0;
        uint8_t *reply = s_reply (env, self->service, &size);
        s_send (self, SB_PROTO_DONE, handle, NULL, NULL, reply, size);
        free (reply);
    }
    sb_envelope_destroy (&env);
}

static void
s_hello (s_worker_t *self, const char *instance, int capacity)
{
    json_t *hello = json_pack ("{s:s, s:s, s:i}", "service", self->service, "instance", instance,
                               "capacity", capacity);
    zmsg_t *msg = sb_proto_new (SB_PROTO_HELLO);
    sb_proto_add_json (msg, hello);
    json_decref (hello);
    zmsg_send (&msg, self->dealer);
}

//  The heartbeat interval a WELCOME names, else current.
static int
s_welcome_beat (zmsg_t *msg, int current)
{
    char err [256];
    json_t *welcome = sb_proto_pop_json (msg, err, sizeof err);
    json_int_t beat = json_integer_value (json_object_get (welcome, "heartbeat_ms"));
    json_decref (welcome);
    return beat > 0 && beat <= 60000? (int) beat: current;
}

int
main (int argc, char *argv [])
{
    if (argc < 5 || streq (argv [1], "--help")) {
        printf ("Usage: testworker ENDPOINT SERVICE INSTANCE CAPACITY [--sink FILE]\n");
        return argc < 5? 64: 0;
    }
    //  CURVE from SB_CURVE_CERT and SB_CURVE_SERVER when set, as every
    //  program connecting to a broker (sb_curve.h)
    s_worker_t self = { zsock_new (ZMQ_DEALER), argv [2], NULL };
    char curve_err [300] = "connect failed";
    if (!self.dealer || sb_curve_client_apply (self.dealer, curve_err, sizeof curve_err)
    ||  zsock_connect (self.dealer, "%s", argv [1]) < 0) {
        fprintf (stderr, "testworker: cannot connect to %s: %s\n", argv [1],
                 self.dealer? curve_err: "no socket");
        zsock_destroy (&self.dealer);
        return 78;
    }
    if (argc >= 7 && streq (argv [5], "--sink"))
        self.sink = fopen (argv [6], "a");
    s_hello (&self, argv [3], atoi (argv [4]));
    zmsg_t *msg;
    zpoller_t *poller = zpoller_new (self.dealer, NULL);
    int beat_ms = 500;
    int64_t last_hello = zclock_mono ();
    int64_t next_beat = zclock_mono () + beat_ms;
    while (!zsys_interrupted) {
        int64_t wait = next_beat - zclock_mono ();
        if (zpoller_wait (poller, wait > 0? (int) wait: 0)) {
            msg = zmsg_recv (self.dealer);
            char command [SB_PROTO_COMMAND_MAX + 1], err [256];
            if (msg && sb_proto_parse (msg, command, err, sizeof err) == 0) {
                if (streq (command, SB_PROTO_DELIVER))
                    s_on_deliver (&self, msg);
                else
                if (streq (command, SB_PROTO_WELCOME)) {
                    beat_ms = s_welcome_beat (msg, beat_ms);
                    next_beat = zclock_mono () + beat_ms;
                }
                else
                if (streq (command, SB_PROTO_ERROR)) {
                    char *reason = zmsg_popstr (msg);
                    fprintf (stderr, "testworker: broker error: %s\n", reason? reason: "");
                    //  Dropped by the broker (or a restarted one): join again,
                    //  once per heartbeat at most (every command draws the error)
                    if (reason && strstr (reason, "say HELLO")
                    &&  zclock_mono () - last_hello > beat_ms) {
                        s_hello (&self, argv [3], atoi (argv [4]));
                        last_hello = zclock_mono ();
                    }
                    zstr_free (&reason);
                }
            }
            zmsg_destroy (&msg);
        }
        if (zclock_mono () >= next_beat) {
            s_send (&self, SB_PROTO_HEARTBEAT, NULL, NULL, NULL, NULL, 0);
            next_beat = zclock_mono () + beat_ms;
        }
    }
    s_send (&self, SB_PROTO_BYE, NULL, NULL, NULL, NULL, 0);
    zpoller_destroy (&poller);
    zsock_destroy (&self.dealer);
    if (self.sink)
        fclose (self.sink);
    return 0;
}
