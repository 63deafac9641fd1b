/*  test_multihost.c — the multi-host test (issue 11): Switchboard on four
    hosts the test builds of network namespaces and veth pairs to a bridge
    (sb_netns; docs/multihost.md):

        h-redis  Redis
        h-a      broker A, and an instance of every actor
        h-b      broker B, and an instance of every actor
        h-in     ingress, the fake Twilio, and the test itself (its load
                 of signed webhooks, sb_chaosload, and its look at Redis)

    Every actor is given both brokers; ingress too (it publishes to those
    it can reach). It shows, in order:

    1. conversations flow across hosts: webhooks to ingress on h-in become
       replies at the fake Twilio on h-in, and both brokers complete work;
    2. h-a cut off (its cable pulled at the switch) while broker A holds
       deliveries in Redis: broker B reclaims every one of them after the
       visibility time-out and finishes them, and ingress's publishes go
       to B meanwhile (its /ready says 200);
    3. the cable back: broker A's STATS say its storage is ok, every actor
       is its worker again, and it delivers and completes work again;
    4. at the end (the load stopped, the backlog 0) every webhook ingress
       accepted produced exactly one message at the fake Twilio, none was
       sent twice, and the dead-letter stream is empty. The counts are
       printed.

    Every wait is a poll with a deadline; the load's pace and the tail
    after the cable is back are the only sleeps.

    Usage: test_multihost BINDIR CONFIG [--keep]
    (--keep: the folder with every program's log stays, even on success)
    Exits 77 (skipped) where namespaces cannot be made (not root, no
    iproute2, a container without the rights) or without redis-server.  */

#include "sb_netns.h"
#include "sb_chaosfleet.h"
#include "sb_chaosload.h"
#include "sb_client.h"
#include "sb_testhttp.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testtwilio.h"
#include "sb_testutil.h"
#include "sb_testworld.h"
#include <curl/curl.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_ACCOUNT      SB_CHAOSFLEET_ACCOUNT   //  sb_chaosload signs with the chaos fleet's
#define S_TOKEN        SB_CHAOSFLEET_TOKEN
#define S_REDIS_PORT   6379           //  each host has its own ports: fixed ones are no clash
#define S_BROKER_PORT  5555
#define S_INGRESS_PORT 8080
#define S_TWILIO_PORT  8081
#define S_PROCS_MAX    16
//  Every create answered after a while (the message made at once): the
//  senders have requests in flight, and a cut may end one unanswered
#define S_TWILIO_STALL "stall ms=200 count=100000"
#define S_RATE         10.0           //  webhooks per second
#define S_RETRY_MS     1000           //  a refused webhook is posted again after this ...
#define S_MAX_POSTS    20             //  ... this many times at most
#define S_UP_MS        30000          //  for a program, or the whole, to come up
#define S_WAIT_MS      20000          //  for each step of the story
#define S_REPLY_MS     1000           //  for one STATS
#define S_TAIL_MS      2000           //  load after broker A is back
#define S_DRAIN_MS     30000
#define S_CUT_TRIES    5
#define S_POLL_MS      20

static const char *s_hosts [] = { "redis", "a", "b", "in" };
static const char *s_services [] = { "planner", "timesheet", "branding", "quality", "sender" };
#define S_SERVICES (sizeof s_services / sizeof s_services [0])

typedef struct {
    const char *bindir, *config;
    char dir [256];
    char broker_secret [300];       //  the brokers' certificate (sbkeys)
    char clients [300];             //  the brokers' allowed client keys
    sb_netns_t *net;
    char brokers [128];             //  both, for the actors and ingress
    char endpoint [2][64];          //  broker A's, broker B's
    char redis_url [64];
    sb_testproc_t *procs [S_PROCS_MAX];
    char labels [S_PROCS_MAX][32];
    size_t count;
    redisContext *redis;            //  the test's own, from h-in
    sb_chaosload_t *load;
    bool keep;                      //  the test failed: the folder and its logs stay
} s_world_t;

//  --------------------------------------------------------------------------
//  The programs

//  Starts command on host, its output in DIR/label.log. Returns 0 or -1.
static int
s_start (s_world_t *self, const char *host, const char *label, char *const *command)
{
    char *argv [32], log [320];
    snprintf (log, sizeof log, "%s/%s.log", self->dir, label);
    if (self->count == S_PROCS_MAX || sb_netns_argv (self->net, host, command, argv, 32))
        return -1;
    self->procs [self->count] = sb_testproc_new_logged (argv, log);
    if (!self->procs [self->count])
        return -1;
    snprintf (self->labels [self->count++], 32, "%s", label);
    return 0;
}

//  Prints the end of DIR/label.log on stderr: a failure's evidence.
static void
s_print_log (s_world_t *self, const char *label)
{
    char path [320], text [3073];
    snprintf (path, sizeof path, "%s/%s.log", self->dir, label);
    FILE *file = fopen (path, "r");
    if (!file)
        return;
    fseek (file, 0, SEEK_END);
    long size = ftell (file);
    fseek (file, size > 3072? size - 3072: 0, SEEK_SET);
    text [fread (text, 1, 3072, file)] = 0;
    fclose (file);
    fprintf (stderr, "---- the end of %s ----\n%s\n", path, text);
}

//  The broker at endpoint's answer to command, on a client of its own (a
//  late reply is never taken for the next); NULL if it did not answer.
static json_t *
s_request (const char *endpoint, const char *command)
{
    char err [256];
    sb_client_t *client = sb_client_new (endpoint, err, sizeof err);
    json_t *reply = client? sb_client_request (client, command, NULL, S_REPLY_MS, err,
                                               sizeof err): NULL;
    sb_client_destroy (&client);
    return reply;
}

//  Whether the brokers refuse a peer without the fleet's key across hosts:
//  a client on h-in with CURVE off gets no answer from either broker.
static bool
s_plain_refused (s_world_t *self)
{
    char *cert = strdup (getenv ("SB_CURVE_CERT"));
    char *server = strdup (getenv ("SB_CURVE_SERVER"));
    unsetenv ("SB_CURVE_CERT");
    unsetenv ("SB_CURVE_SERVER");
    json_t *answers [2] = { s_request (self->endpoint [0], "STATS"),
                            s_request (self->endpoint [1], "STATS") };
    setenv ("SB_CURVE_CERT", cert, 1);
    setenv ("SB_CURVE_SERVER", server, 1);
    free (cert);
    free (server);
    bool refused = !answers [0] && !answers [1];
    json_decref (answers [0]);
    json_decref (answers [1]);
    return refused;
}

//  Broker index's total of figure key (completed, delivered) over the
//  services, with its storage ok and every service's workers == workers
//  (-1: any). Returns -1 if it does not answer, or those do not hold.
static int64_t
s_broker_total (s_world_t *self, int index, const char *key, int64_t workers)
{
    json_t *stats = s_request (self->endpoint [index], "STATS");
    const char *storage = json_string_value (json_object_get (stats, "storage"));
    int64_t total = stats && storage && streq (storage, "ok")? 0: -1;
    for (size_t service = 0; total >= 0 && service < S_SERVICES; service++) {
        if (workers >= 0
        &&  sb_testworld_figure (stats, s_services [service], "workers") != workers)
            total = -1;
        else
            total += sb_testworld_figure (stats, s_services [service], key);
    }
    json_decref (stats);
    return total;
}

//  Polls until broker index answers with its storage ok and workers on
//  every service, and its total of key is at least least. Returns the
//  total, or -1 at the deadline (with what was seen on stderr).
static int64_t
s_wait_broker (s_world_t *self, int index, const char *key, int64_t least, int64_t workers,
               int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms, total = -1;
    while (zclock_mono () < deadline) {
        total = s_broker_total (self, index, key, workers);
        if (total >= least)
            return total;
        zclock_sleep (S_POLL_MS * 5);
    }
    json_t *stats = s_request (self->endpoint [index], "STATS");
    char *text = stats? json_dumps (stats, JSON_COMPACT): NULL;
    fprintf (stderr, "test_multihost: broker %c: %s not >= %" PRId64 " with %" PRId64
             " workers a service within %d ms; STATS: %s\n", 'A' + index, key, least, workers,
             timeout_ms, text? text: "(no answer)");
    free (text);
    json_decref (stats);
    return -1;
}

//  Polls until Redis on h-redis answers PING. Returns 0 or -1.
static int
s_wait_redis (s_world_t *self)
{
    const char *address = sb_netns_address (self->net, "redis");
    int64_t deadline = zclock_mono () + S_UP_MS;
    struct timeval timeout = { 1, 0 };
    while (zclock_mono () < deadline) {
        self->redis = redisConnectWithTimeout (address, S_REDIS_PORT, timeout);
        redisReply *reply = self->redis && !self->redis->err
                          ? (redisReply *) redisCommand (self->redis, "PING"): NULL;
        bool up = reply && reply->type == REDIS_REPLY_STATUS;
        freeReplyObject (reply);
        if (up)
            return redisSetTimeout (self->redis, timeout) == REDIS_OK? 0: -1;
        redisFree (self->redis);
        self->redis = NULL;
        zclock_sleep (S_POLL_MS * 5);
    }
    fprintf (stderr, "test_multihost: Redis on %s does not answer\n", address);
    return -1;
}

//  Polls ingress's /ready. Returns 0, or -1 with its last answer.
static int
s_wait_ingress (void)
{
    int64_t deadline = zclock_mono () + S_UP_MS;
    sb_testhttp_answer_t answer = { 0 };
    while (zclock_mono () < deadline) {
        if (sb_testhttp_get (S_INGRESS_PORT, "/ready", S_REPLY_MS, &answer) == 0
        &&  answer.status == 200)
            return 0;
        zclock_sleep (S_POLL_MS * 5);
    }
    fprintf (stderr, "test_multihost: ingress not ready: %ld %s\n", answer.status, answer.body);
    return -1;
}

//  --------------------------------------------------------------------------
//  The hosts

//  Redis on h-redis, the demo tenant's data written from h-in.
static int
s_start_redis (s_world_t *self)
{
    char port [16], path [320], output [1024];
    snprintf (port, sizeof port, "%d", S_REDIS_PORT);
    char *redis [] = { "redis-server", "--port", port, "--bind",
                       (char *) sb_netns_address (self->net, "redis"), "--save", "",
                       "--protected-mode", "no",     //  other hosts: only the test's own
                       "--appendonly", "no", "--loglevel", "warning", NULL };
    if (s_start (self, "redis", "redis", redis) || s_wait_redis (self))
        return -1;
    snprintf (path, sizeof path, "%s/timesheet-demo", self->bindir);
    char *demo [] = { path, "--redis", self->redis_url, NULL };
    char log [320];
    snprintf (log, sizeof log, "%s/demo.log", self->dir);
    return sb_testproc_run (demo, log, output, sizeof output, S_UP_MS) == 0? 0: -1;
}

//  Broker A on h-a and B on h-b, both on the Redis of h-redis, with CURVE:
//  both hold the broker certificate and allow the fleet's client key.
static int
s_start_brokers (s_world_t *self)
{
    char program [300];
    snprintf (program, sizeof program, "%s/broker", self->bindir);
    for (int index = 0; index < 2; index++) {
        char host [2] = { (char) ('a' + index), 0 }, name [16], label [16];
        snprintf (name, sizeof name, "broker-%s", host);
        snprintf (label, sizeof label, "broker-%s", host);
        char *broker [] = { program, "--config", (char *) self->config, "--redis",
                            self->redis_url, "--endpoint", self->endpoint [index], "--name",
                            name, "--curve-cert", self->broker_secret, "--curve-clients",
                            self->clients, NULL };
        if (s_start (self, host, label, broker))
            return -1;
    }
    for (int index = 0; index < 2; index++)
        if (s_wait_broker (self, index, "completed", 0, -1, S_UP_MS) < 0)
            return -1;
    return 0;
}

//  Every actor on h-a and on h-b, each given both brokers (its own host's
//  first), then waits until both brokers have two workers for each
//  service.
static int
s_start_actors (s_world_t *self)
{
    for (int index = 0; index < 2; index++) {
        char host [2] = { (char) ('a' + index), 0 }, brokers [140];
        snprintf (brokers, sizeof brokers, "%s,%s", self->endpoint [index],
                  self->endpoint [1 - index]);
        for (size_t service = 0; service < S_SERVICES; service++) {
            char program [300], instance [32];
            snprintf (program, sizeof program, "%s/%s", self->bindir, s_services [service]);
            snprintf (instance, sizeof instance, "%s-%s", s_services [service], host);
            char *actor [] = { program, "--config", (char *) self->config, "--broker", brokers,
                               "--instance", instance, NULL };
            if (s_start (self, host, instance, actor))
                return -1;
        }
    }
    for (int index = 0; index < 2; index++)
        if (s_wait_broker (self, index, "completed", 0, 2, S_UP_MS) < 0)
            return -1;
    return 0;
}

//  The fake Twilio and ingress on h-in.
static int
s_start_ingress (s_world_t *self)
{
    char program [300], port [16];
    snprintf (program, sizeof program, "%s/fake_twilio", self->bindir);
    snprintf (port, sizeof port, "%d", S_TWILIO_PORT);
    char *fake [] = { program, "--account", S_ACCOUNT, "--token", S_TOKEN, "--listen",
                      "0.0.0.0", "--port", port, "--step", S_TWILIO_STALL, NULL };
    if (s_start (self, "in", "fake_twilio", fake))
        return -1;
    snprintf (program, sizeof program, "%s/ingress", self->bindir);
    snprintf (port, sizeof port, "%d", S_INGRESS_PORT);
    char *ingress [] = { program, "--config", (char *) self->config, "--port", port,
                         "--broker", self->brokers, "--instance", "multihost", NULL };
    return s_start (self, "in", "ingress", ingress) || s_wait_ingress ()? -1: 0;
}

//  Makes one key pair with sbkeys (the documented command), as an operator
//  would: DIR/keys/NAME.key and NAME.key_secret.
static int
s_keys_new (s_world_t *self, const char *name)
{
    char program [300], keys [300], log [320], output [1024];
    snprintf (program, sizeof program, "%s/sbkeys", self->bindir);
    snprintf (keys, sizeof keys, "%s/keys", self->dir);
    snprintf (log, sizeof log, "%s/sbkeys-%s.log", self->dir, name);
    char *argv [] = { program, "new", (char *) name, "--dir", keys, NULL };
    if (zsys_dir_create ("%s", keys))
        return -1;
    return sb_testproc_run (argv, log, output, sizeof output, S_UP_MS) == 0? 0: -1;
}

//  The fleet's keys: the brokers' certificate, one client key shared by
//  every actor, ingress and the test itself, and the brokers' folder of
//  allowed client keys holding it. Traffic between hosts is then CURVE
//  (docs/security.md): nothing crosses the bridge in clear.
static int
s_make_keys (s_world_t *self)
{
    if (s_keys_new (self, "broker") || s_keys_new (self, "client"))
        return -1;
    snprintf (self->broker_secret, sizeof self->broker_secret, "%s/keys/broker.key_secret",
              self->dir);
    snprintf (self->clients, sizeof self->clients, "%s/keys/clients", self->dir);
    char from [320], to [340];
    snprintf (from, sizeof from, "%s/keys/client.key", self->dir);
    snprintf (to, sizeof to, "%s/client.key", self->clients);
    zcert_t *client = zcert_load (from);
    int rc = client && zsys_dir_create ("%s", self->clients) == 0
           ? zcert_save_public (client, to): -1;
    zcert_destroy (&client);
    if (rc)
        return -1;
    snprintf (from, sizeof from, "%s/keys/client.key_secret", self->dir);
    setenv ("SB_CURVE_CERT", from, 1);
    snprintf (from, sizeof from, "%s/keys/broker.key", self->dir);
    setenv ("SB_CURVE_SERVER", from, 1);
    return 0;
}

//  What every program takes from its environment, as supervise would give
//  it (secrets included: the test's own). ASan's quarantine is kept small:
//  sixteen programs share the machine.
static void
s_set_env (s_world_t *self)
{
    char twilio [64];
    snprintf (twilio, sizeof twilio, "http://%s:%d", sb_netns_address (self->net, "in"),
              S_TWILIO_PORT);
    setenv ("SB_REDIS_URL", self->redis_url, 1);
    setenv ("TWILIO_AUTH_TOKEN", S_TOKEN, 1);
    setenv ("TWILIO_API_BASE", twilio, 1);
    setenv ("TWILIO_ACCOUNT_SID", S_ACCOUNT, 1);
    setenv ("TWILIO_PHONE_NUMBER", "+15550000000", 1);
    const char *asan = getenv ("ASAN_OPTIONS");
    char *options = zsys_sprintf ("%s%squarantine_size_mb=4", asan? asan: "",
                                  asan && *asan? ":": "");
    setenv ("ASAN_OPTIONS", options, 1);
    free (options);
}

static int s_teardown (void **state);

//  Builds the hosts and starts everything; on failure shows every log and
//  cleans up at once (cmocka runs no teardown after a failed setup).
static int
s_setup (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    self->net = sb_netns_new (self->dir, s_hosts, sizeof s_hosts / sizeof s_hosts [0]);
    if (!self->net || sb_netns_enter (self->net, "in"))
        return -1;
    for (int index = 0; index < 2; index++)
        snprintf (self->endpoint [index], sizeof self->endpoint [index], "tcp://%s:%d",
                  sb_netns_address (self->net, index? "b": "a"), S_BROKER_PORT);
    snprintf (self->brokers, sizeof self->brokers, "%s,%s", self->endpoint [0],
              self->endpoint [1]);
    snprintf (self->redis_url, sizeof self->redis_url, "tcp://%s:%d",
              sb_netns_address (self->net, "redis"), S_REDIS_PORT);
    s_set_env (self);
    int rc = s_make_keys (self) || s_start_redis (self) || s_start_brokers (self) || s_start_actors (self)
          || s_start_ingress (self)? -1: 0;
    if (rc) {
        for (size_t index = 0; index < self->count; index++)
            s_print_log (self, self->labels [index]);
        self->keep = true;
        s_teardown (state);
    }
    return rc;
}

static int
s_teardown (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    sb_chaosload_destroy (&self->load);
    if (self->net)
        sb_netns_link (self->net, "a", true);     //  a failed test may have left it out
    int rc = 0;
    while (self->count) {
        self->count--;
        if (sb_testproc_stop (&self->procs [self->count], 15000, self->labels [self->count])) {
            s_print_log (self, self->labels [self->count]);
            rc = -1;
        }
    }
    if (self->redis)
        redisFree (self->redis);
    self->redis = NULL;
    sb_netns_destroy (&self->net);
    return rc;
}

//  --------------------------------------------------------------------------
//  The story

//  How many deliveries broker A holds in Redis (its consumer's pending
//  entries) of service only (NULL: over every service), or -1 if Redis did
//  not answer.
static long long
s_held_by_a (s_world_t *self, const char *only)
{
    long long held = 0;
    for (size_t service = 0; held >= 0 && service < S_SERVICES; service++) {
        if (only && !streq (only, s_services [service]))
            continue;
        redisReply *reply = (redisReply *) redisCommand (self->redis, "XINFO CONSUMERS sb:q:%s sb",
                                                         s_services [service]);
        if (!reply || reply->type != REDIS_REPLY_ARRAY)
            held = -1;
        for (size_t row = 0; held >= 0 && row < reply->elements; row++) {
            redisReply *fields = reply->element [row];
            bool ours = false;
            for (size_t at = 0; at + 1 < fields->elements; at += 2) {
                const char *key = fields->element [at]->str;
                redisReply *value = fields->element [at + 1];
                if (key && streq (key, "name") && value->str)
                    ours = streq (value->str, "broker-a");
                if (key && streq (key, "pending") && ours)
                    held += value->integer;
            }
        }
        freeReplyObject (reply);
    }
    return held;
}

//  The load, with an employee registered for every webhook it may make.
static void
s_load_start (s_world_t *self)
{
    sb_chaosload_options_t options = {
        .port = S_INGRESS_PORT, .rate = S_RATE, .retry_ms = S_RETRY_MS,
        .max_posts = S_MAX_POSTS, .connections = 16, .capacity = (size_t) (S_RATE * 180) };
    assert_int_equal (sb_chaosload_register (self->redis, options.capacity), 0);
    self->load = sb_chaosload_new (&options);
    assert_non_null (self->load);
}

static size_t
s_accepted (s_world_t *self)
{
    sb_chaosload_counts_t counts;
    assert_int_equal (sb_chaosload_counts (self->load, &counts), 0);
    return counts.accepted;
}

//  Pulls h-a's cable at a moment broker A holds a sender's delivery in
//  Redis (a request to Twilio may be on its way): polls until it holds
//  one, pulls, and reads again (A cannot answer anything any more); if it
//  had finished it in between, plugs the cable back, waits for A, and
//  tries again. Returns what A held when cut off, *senders of it the
//  sender's.
static long long
s_cut_a (s_world_t *self, long long *senders)
{
    for (int attempt = 1; attempt <= S_CUT_TRIES; attempt++) {
        int64_t deadline = zclock_mono () + S_WAIT_MS;
        while (s_held_by_a (self, "sender") < 1 && zclock_mono () < deadline)
            zclock_sleep (2);
        assert_int_equal (sb_netns_link (self->net, "a", false), 0);
        *senders = s_held_by_a (self, "sender");
        if (*senders > 0)
            return s_held_by_a (self, NULL);
        printf ("test_multihost: broker A held no sender's delivery when cut off (try %d): "
                "again\n", attempt);
        assert_int_equal (sb_netns_link (self->net, "a", true), 0);
        assert_true (s_wait_broker (self, 0, "completed", 0, 2, S_WAIT_MS) >= 0);
    }
    fail_msg ("broker A held nothing in %d cuts", S_CUT_TRIES);
    return 0;
}

//  While h-a is cut off: broker B reclaims all A held, and ingress goes on
//  accepting (through B) and answers /ready. Returns the ms to the reclaim.
static int64_t
s_while_cut (s_world_t *self, size_t accepted_at_cut)
{
    int64_t cut = zclock_mono (), deadline = cut + S_WAIT_MS, reclaimed = -1;
    while (zclock_mono () < deadline && (reclaimed < 0 || s_accepted (self) < accepted_at_cut
                                                                               + 20)) {
        if (reclaimed < 0 && s_held_by_a (self, NULL) == 0)
            reclaimed = zclock_mono () - cut;
        zclock_sleep (S_POLL_MS);
    }
    if (reclaimed < 0)
        fail_msg ("broker B did not reclaim broker A's deliveries within %d ms (A holds %lld)",
                  S_WAIT_MS, s_held_by_a (self, NULL));
    if (s_accepted (self) < accepted_at_cut + 20)
        fail_msg ("ingress accepted %zu webhooks in %d ms with h-a cut off",
                  s_accepted (self) - accepted_at_cut, S_WAIT_MS);
    //  ... and says it is ready: a load balancer keeps sending it webhooks
    sb_testhttp_answer_t answer = { 0 };
    assert_int_equal (sb_testhttp_get (S_INGRESS_PORT, "/ready", S_REPLY_MS * 2, &answer), 0);
    if (answer.status != 200)
        fail_msg ("ingress's /ready with h-a cut off: %ld %s", answer.status, answer.body);
    return reclaimed;
}

//  Matches the stopped load against the fake's messages; prints the counts.
static void
s_check (s_world_t *self)
{
    json_t *fake = sb_testtwilio_fake_state (S_TWILIO_PORT);
    assert_non_null (fake);
    size_t count, posts = 0, accepted = 0;
    const sb_chaosload_webhook_t *ledger = sb_chaosload_ledger (self->load, &count);
    for (size_t index = 0; index < count; index++) {
        posts += (size_t) ledger [index].posts;
        accepted += ledger [index].accepted;
    }
    sb_chaosload_tally_t tally;
    int matched = sb_chaosload_match (self->load, json_object_get (fake, "messages"),
                                      self->redis, &tally);
    json_int_t unauthorized = json_integer_value (json_object_get (fake, "unauthorized"));
    json_int_t creates = json_integer_value (json_object_get (fake, "creates"));
    json_int_t lists = json_integer_value (json_object_get (fake, "lists"));
    json_decref (fake);
    redisReply *reply = (redisReply *) redisCommand (self->redis, "XLEN sb:dlq");
    long long dead = reply && reply->type == REDIS_REPLY_INTEGER? reply->integer: -1;
    freeReplyObject (reply);
    printf ("test_multihost: %zu webhooks (%zu posts), %zu accepted; %zu messages at the fake "
            "Twilio: %zu exactly once, %zu lost, %zu duplicated, %zu for never-accepted "
            "webhooks (%zu maybe stored), %zu stray; %zu hours not written once; "
            "%lld dead letters; the fake took %lld creates and %lld lookups (a sender "
            "resolving a request left unanswered)\n", count, posts, accepted, tally.messages,
            tally.once, tally.lost, tally.duplicated, tally.refused_sent + tally.unsure_sent,
            tally.unsure_sent, tally.stray, tally.entries_wrong, dead, (long long) creates,
            (long long) lists);
    fflush (stdout);
    self->keep = matched != 0 || dead != 0;
    assert_int_equal (matched, 0);
    assert_int_equal (dead, 0);
    assert_int_equal (unauthorized, 0);
}

static void
test_multihost (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    self->keep = true;                             //  until it passes
    s_load_start (self);
    //  1. Across hosts, over CURVE: both brokers complete work, and neither
    //  answers a peer without the fleet's key
    assert_true (s_plain_refused (self));
    int64_t done [2];
    for (int index = 0; index < 2; index++)
        assert_true ((done [index] = s_wait_broker (self, index, "completed", 20, 2, S_WAIT_MS))
                     >= 20);
    printf ("test_multihost: flowing: broker A completed %" PRId64 ", broker B %" PRId64
            ", %zu webhooks accepted\n", done [0], done [1], s_accepted (self));
    //  2. h-a cut off: B reclaims what A held, ingress goes on through B
    long long senders = 0, held = s_cut_a (self, &senders);
    size_t accepted = s_accepted (self);
    int64_t reclaimed_ms = s_while_cut (self, accepted);
    printf ("test_multihost: h-a cut off holding %lld deliveries (%lld of the sender); broker "
            "B reclaimed them in %" PRId64 " ms; %zu webhooks accepted meanwhile\n", held,
            senders, reclaimed_ms, s_accepted (self) - accepted);
    //  3. The cable back: A's storage ok, its workers back, work done again
    assert_int_equal (sb_netns_link (self->net, "a", true), 0);
    int64_t back = zclock_mono ();
    int64_t before = s_wait_broker (self, 0, "completed", 0, 2, S_WAIT_MS);
    assert_true (before >= 0);
    int64_t rejoined_ms = zclock_mono () - back;
    int64_t after = s_wait_broker (self, 0, "completed", before + 5, 2, S_WAIT_MS);
    assert_true (after >= before + 5);
    printf ("test_multihost: h-a back: broker A's storage ok with every worker in %" PRId64
            " ms; it completed %" PRId64 " more since\n", rejoined_ms, after - before);
    //  4. Nothing lost, nothing twice
    zclock_sleep (S_TAIL_MS);                      //  the load goes on a little, unharmed
    assert_int_equal (sb_chaosload_stop (self->load, S_RETRY_MS * S_MAX_POSTS + 10000), 0);
    int64_t deadline = zclock_mono () + S_DRAIN_MS;
    json_t *stats = NULL;
    while (zclock_mono () < deadline) {
        stats = s_request (self->endpoint [1], "STATS");
        if (json_integer_value (json_object_get (stats, "backlog")) == 0 && stats)
            break;
        json_decref (stats);
        stats = NULL;
        zclock_sleep (S_POLL_MS * 5);
    }
    assert_non_null (stats);                       //  drained
    json_decref (stats);
    s_check (self);
}

int
main (int argc, char *argv [])
{
    bool keep = argc == 4 && streq (argv [3], "--keep");
    if (argc != 3 && !keep) {
        fprintf (stderr, "Usage: test_multihost BINDIR CONFIG [--keep]\n");
        return SB_TESTWORLD_USAGE;
    }
    s_world_t world;
    memset (&world, 0, sizeof world);
    world.bindir = argv [1];
    world.config = argv [2];
    const char *tmpdir = getenv ("TMPDIR");
    snprintf (world.dir, sizeof world.dir, "%s/sb-multihost-XXXXXX",
              tmpdir && *tmpdir? tmpdir: "/tmp");
    if (!mkdtemp (world.dir)) {
        fprintf (stderr, "test_multihost: cannot make %s: %s\n", world.dir, strerror (errno));
        return 1;
    }
    char reason [256];
    int rc = SB_TESTWORLD_SKIP;
    if (!sb_testredis_available ())
        fprintf (stderr, "SKIP: redis-server is not in PATH (install Debian's redis-server)\n");
    else
    if (sb_netns_check (world.dir, reason, sizeof reason))
        fprintf (stderr, "SKIP: this test builds its hosts of network namespaces: %s\n",
                 reason);
    else {
        sb_netns_sweep (world.dir);
        sb_testworld_clean_env ();
        curl_global_init (CURL_GLOBAL_DEFAULT);
        const struct CMUnitTest tests [] = {
            cmocka_unit_test_prestate_setup_teardown (test_multihost, s_setup, s_teardown,
                                                      &world),
        };
        rc = cmocka_run_group_tests (tests, NULL, NULL);
        curl_global_cleanup ();
    }
    if ((world.keep && rc) || keep)
        fprintf (stderr, "test_multihost: the logs are kept in %s\n", world.dir);
    else
        sb_testutil_remove_tree (world.dir);
    return rc;
}
