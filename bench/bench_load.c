/*  bench_load.c — benchmark producers and workers (see bench_load.h).    */

#include "bench_load.h"
#include "sb_client.h"
#include "sb_curve.h"

#define S_STAMP "@@TS"       //  marks the 16 hex digits of the send time

void
bench_samples_add (bench_samples_t *self, int64_t value)
{
    if (self->count == self->capacity) {
        size_t capacity = self->capacity? self->capacity * 2: 4096;
        int64_t *values = (int64_t *) realloc (self->values, capacity * sizeof (int64_t));
        if (!values)
            return;   //  a benchmark short of memory drops samples, not the run
        self->values = values;
        self->capacity = capacity;
    }
    self->values [self->count++] = value;
}

void
bench_samples_merge (bench_samples_t *self, bench_samples_t *from)
{
    for (size_t index = 0; index < from->count; index++)
        bench_samples_add (self, from->values [index]);
    bench_samples_clear (from);
}

static int
s_compare (const void *one, const void *two)
{
    int64_t a = *(const int64_t *) one, b = *(const int64_t *) two;
    return a < b? -1: a > b;
}

int64_t
bench_samples_percentile (bench_samples_t *self, double fraction)
{
    if (self->count == 0)
        return 0;
    qsort (self->values, self->count, sizeof (int64_t), s_compare);
    size_t index = (size_t) (fraction * (double) (self->count - 1) + 0.5);
    return self->values [index];
}

void
bench_samples_clear (bench_samples_t *self)
{
    free (self->values);
    memset (self, 0, sizeof *self);
}

int64_t
bench_now_us (void)
{
    struct timespec now;
    clock_gettime (CLOCK_REALTIME, &now);
    return (int64_t) now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

//  The template envelope: placeholders for the id, the key's number and
//  the time stamp, found again by their offsets in the encoded bytes.
typedef struct {
    uint8_t *data;
    size_t size;
    size_t id_at, key_at, stamp_at;
} s_template_t;

static int
s_template (s_template_t *self, const char *run, int producer, size_t body_bytes)
{
    char key [64], err [256];
    snprintf (key, sizeof key, "bench-%s-%02d-##########", run, producer);
    char *text = (char *) malloc (body_bytes + 1);
    size_t stamp = strlen (S_STAMP) + 16;
    memset (text, 'x', body_bytes);
    memcpy (text, S_STAMP "0000000000000000", stamp);
    text [body_bytes > stamp? body_bytes: stamp] = 0;
    sb_envelope_t *env = sb_envelope_new ("echo.request");
    sb_envelope_set_id (env, "0ZZZZZZZZZZZZZZZZZZZZZZZZZ");
    sb_envelope_set_key (env, key);
    sb_envelope_set_corr (env, "bench");
    sb_envelope_set_src (env, "bench");
    sb_envelope_set_body (env, json_pack ("{s:s}", "text", text));
    free (text);
    int rc = sb_envelope_encode (env, &self->data, &self->size, err, sizeof err);
    sb_envelope_destroy (&env);
    if (rc)
        return -1;
    uint8_t *id = memmem (self->data, self->size, "0ZZZZZZZZZZZZZZZZZZZZZZZZZ", SB_ID_LEN);
    uint8_t *number = memmem (self->data, self->size, "##########", 10);
    uint8_t *mark = memmem (self->data, self->size, S_STAMP, strlen (S_STAMP));
    if (!id || !number || !mark)
        return -1;
    self->id_at = (size_t) (id - self->data);
    self->key_at = (size_t) (number - self->data);
    self->stamp_at = (size_t) (mark - self->data) + strlen (S_STAMP);
    return 0;
}

static void
s_put_hex (uint8_t *target, uint64_t value, int digits)
{
    for (int index = digits - 1; index >= 0; index--, value >>= 4)
        target [index] = "0123456789abcdef" [value & 15];
}

static void
s_put_decimal (uint8_t *target, uint64_t value, int digits)
{
    for (int index = digits - 1; index >= 0; index--, value /= 10)
        target [index] = (uint8_t) ('0' + value % 10);
}

//  Reads the send time back from an envelope's bytes.
static int64_t
s_stamp (const uint8_t *data, size_t size)
{
    const uint8_t *mark = memmem (data, size, S_STAMP, strlen (S_STAMP));
    if (!mark || (size_t) (mark - data) + strlen (S_STAMP) + 16 > size)
        return 0;
    int64_t value = 0;
    for (int index = 0; index < 16; index++) {
        uint8_t c = mark [strlen (S_STAMP) + index];
        value = (value << 4) | (c <= '9'? c - '0': c - 'a' + 10);
    }
    return value;
}

//  Paced publishing: keeps at most window in flight, and at most rate/s.
static void *
s_producer (void *arg)
{
    bench_producer_t *self = (bench_producer_t *) arg;
    s_template_t tpl;
    sb_client_t *client = sb_client_new (self->endpoint, self->error, sizeof self->error);
    sb_idgen_t *ids = sb_idgen_new ();
    if (!client || !ids || s_template (&tpl, self->run, self->index, self->body_bytes)) {
        snprintf (self->error, sizeof self->error, "producer %d cannot start", self->index);
        sb_client_destroy (&client);
        sb_idgen_destroy (&ids);
        return NULL;
    }
    int64_t start = bench_now_us ();
    size_t sent = 0, answered = 0;
    int64_t *sent_at = (int64_t *) calloc (self->count, sizeof (int64_t));
    while (answered < self->count) {
        int64_t now = bench_now_us ();
        size_t allowed = self->rate > 0? (size_t) ((double) (now - start) * self->rate / 1e6) + 1
                                        : self->count;
        while (sent < self->count && sent - answered < self->window && sent < allowed) {
            char id [SB_ID_LEN + 1], token [24];
            sb_idgen_next (ids, 0, id);
            memcpy (tpl.data + tpl.id_at, id, SB_ID_LEN);
            s_put_decimal (tpl.data + tpl.key_at, sent, 10);
            sent_at [sent] = bench_now_us ();
            s_put_hex (tpl.data + tpl.stamp_at, (uint64_t) sent_at [sent], 16);
            snprintf (token, sizeof token, "%zu", sent);
            sb_client_send_publish (client, token, tpl.data, tpl.size);
            sent++;
        }
        sb_client_reply_t reply;
        int wait = sent < self->count && sent - answered < self->window? 1: 5000;
        if (sb_client_recv_reply (client, wait, &reply)) {
            if (wait == 5000) {
                snprintf (self->error, sizeof self->error, "producer %d: %.200s", self->index,
                          reply.reason);
                break;
            }
            continue;
        }
        size_t which = strtoul (reply.token, NULL, 10);
        if (which < self->count)
            bench_samples_add (&self->ack_latency, bench_now_us () - sent_at [which]);
        if (reply.outcome == SB_CLIENT_ACK)
            self->acked++;
        else
            self->refused++;
        answered++;
    }
    free (sent_at);
    free (tpl.data);
    sb_idgen_destroy (&ids);
    sb_client_destroy (&client);
    return NULL;
}

static void
s_worker_send (zsock_t *dealer, const char *command, const char *handle)
{
    zmsg_t *msg = sb_proto_new (command);
    if (handle)
        zmsg_addstr (msg, handle);
    zmsg_send (&msg, dealer);
}

//  Says HELLO, then answers DONE to every delivery at once.
static void *
s_worker (void *arg)
{
    bench_worker_t *self = (bench_worker_t *) arg;
    //  CURVE from SB_CURVE_CERT and SB_CURVE_SERVER, as the producers'
    //  sb_client (bench_broker --curve sets them)
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    char why [256] = "connect failed";
    if (sb_curve_client_apply (dealer, why, sizeof why)
    ||  zsock_connect (dealer, "%s", self->endpoint) < 0) {
        fprintf (stderr, "bench: worker %d: cannot connect to %s: %s\n", self->index,
                 self->endpoint, why);
        zsock_destroy (&dealer);
        return NULL;
    }
    zsock_set_rcvtimeo (dealer, 100);
    char instance [32];
    snprintf (instance, sizeof instance, "bench-%d", self->index);
    json_t *hello = json_pack ("{s:s, s:s, s:i}", "service", "echo", "instance", instance,
                               "capacity", self->capacity);
    zmsg_t *msg = sb_proto_new (SB_PROTO_HELLO);
    sb_proto_add_json (msg, hello);
    json_decref (hello);
    zmsg_send (&msg, dealer);
    int64_t next_beat = zclock_mono () + 200;
    while (!atomic_load (self->stop)) {
        msg = zmsg_recv (dealer);
        char command [SB_PROTO_COMMAND_MAX + 1], err [128], handle [SB_PROTO_HANDLE_MAX];
        if (msg && sb_proto_parse (msg, command, err, sizeof err) == 0
        &&  streq (command, SB_PROTO_DELIVER)
        &&  sb_proto_pop_string (msg, handle, sizeof handle) == 0) {
            zframe_t *attempt = zmsg_pop (msg);
            zframe_t *envelope = zmsg_pop (msg);
            if (envelope)
                bench_samples_add (&self->deliver_latency, bench_now_us ()
                                - s_stamp (zframe_data (envelope), zframe_size (envelope)));
            zframe_destroy (&attempt);
            zframe_destroy (&envelope);
            s_worker_send (dealer, SB_PROTO_DONE, handle);
            atomic_fetch_add (self->done, 1);
        }
        zmsg_destroy (&msg);
        if (zclock_mono () >= next_beat) {
            s_worker_send (dealer, SB_PROTO_HEARTBEAT, NULL);
            next_beat = zclock_mono () + 200;
        }
    }
    s_worker_send (dealer, SB_PROTO_BYE, NULL);
    zsock_destroy (&dealer);
    return NULL;
}

int
bench_producer_start (bench_producer_t *self)
{
    return pthread_create (&self->thread, NULL, s_producer, self);
}

int
bench_worker_start (bench_worker_t *self)
{
    return pthread_create (&self->thread, NULL, s_worker, self);
}
