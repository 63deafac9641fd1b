/*  bench_broker — the broker benchmark: messages/s and latency through the
    Switchboard broker (durability on: Redis with AOF, fsync every second)
    beside a plain ZeroMQ load-balancing broker measured in the same run,
    then a fixed-rate latency run, then a queue-depth sweep and the
    broker's memory with the deepest queue. Starts its own Redis and broker
    processes; prints figures, asserts nothing.

    --csv FILE appends a row per broker and run (for bench/compare);
    --depths "" skips the sweep.

    Usage: bench_broker [--messages N] [--producers P] [--workers W]
                        [--rate R] [--depths 10,1000,...] [--body BYTES]
                        [--csv FILE] [--curve] [--trace on|off] [--skip-plain]
                        [--redis-stats]

    --curve runs the broker with CURVE on (keys made for the run) and every
    producer and worker with a key (docs/security.md); the plain ZeroMQ
    broker is then skipped: compare with a run without --curve.
    --trace is the broker's conversation trace (broker/trace, docs/broker.md):
    on by default, as in the fleet.                                        */

#include "sb_classes.h"
#include "bench_load.h"
#include "bench_plain.h"
#include "bench_proc.h"
#include "sb_client.h"
#include "sb_curve.h"
#include "sb_testproc.h"
#include "sb_testutil.h"
#include "sb_testredis.h"
#include <arpa/inet.h>
#include <libgen.h>
#include <netinet/in.h>
#include <hiredis/hiredis.h>

typedef struct {
    size_t messages, producers, workers, window, body;
    int capacity;
    double rate;
    char depths [256];
    bool skip_plain;
    bool redis_stats;
    const char *csv;             //  a row per broker and run appended, or NULL
    bool curve;
    bool trace_off;
} s_options_t;

typedef struct {
    double per_second;
    int64_t deliver_p50, deliver_p99, ack_p50, ack_p99;
    size_t acked, refused;
} s_result_t;

//  Runs producers and workers against endpoint until every message is
//  answered by a worker; workers == 0 only publishes.
static s_result_t
s_run_load (const char *endpoint, const s_options_t *options, size_t messages,
            double rate, size_t workers, const char *run)
{
    s_result_t result = { 0 };
    atomic_bool stop = false;
    atomic_size_t done = 0;
    bench_producer_t *producers = calloc (options->producers, sizeof (bench_producer_t));
    bench_worker_t *pool = calloc (workers + 1, sizeof (bench_worker_t));
    for (size_t index = 0; index < workers; index++) {
        pool [index] = (bench_worker_t) { .endpoint = endpoint, .index = (int) index,
                                          .capacity = options->capacity, .stop = &stop, .done = &done };
        bench_worker_start (&pool [index]);
    }
    zclock_sleep (200);   //  let the workers say HELLO before the clock starts
    int64_t start = bench_now_us ();
    for (size_t index = 0; index < options->producers; index++) {
        producers [index] = (bench_producer_t) { .endpoint = endpoint, .index = (int) index,
            .count = messages / options->producers, .rate = rate / (double) options->producers,
            .window = options->window, .body_bytes = options->body, .run = run };
        bench_producer_start (&producers [index]);
    }
    bench_samples_t acks = { 0 }, delivers = { 0 };
    for (size_t index = 0; index < options->producers; index++) {
        pthread_join (producers [index].thread, NULL);
        if (*producers [index].error)
            fprintf (stderr, "bench: %s\n", producers [index].error);
        result.acked += producers [index].acked;
        result.refused += producers [index].refused;
        bench_samples_merge (&acks, &producers [index].ack_latency);
    }
    int64_t deadline = zclock_mono () + 120000;
    while (workers && atomic_load (&done) < result.acked && zclock_mono () < deadline)
        zclock_sleep (1);
    int64_t elapsed = bench_now_us () - start;
    atomic_store (&stop, true);
    for (size_t index = 0; index < workers; index++) {
        pthread_join (pool [index].thread, NULL);
        bench_samples_merge (&delivers, &pool [index].deliver_latency);
    }
    result.per_second = (double) result.acked * 1e6 / (double) elapsed;
    result.deliver_p50 = bench_samples_percentile (&delivers, 0.50);
    result.deliver_p99 = bench_samples_percentile (&delivers, 0.99);
    result.ack_p50 = bench_samples_percentile (&acks, 0.50);
    result.ack_p99 = bench_samples_percentile (&acks, 0.99);
    bench_samples_clear (&delivers);
    bench_samples_clear (&acks);
    free (producers);
    free (pool);
    return result;
}

static void
s_print (const char *name, const s_result_t *result)
{
    printf ("  %-34s %9.0f   %8.3f %8.3f   %8.3f %8.3f   %zu/%zu\n", name, result->per_second,
            result->deliver_p50 / 1000.0, result->deliver_p99 / 1000.0,
            result->ack_p50 / 1000.0, result->ack_p99 / 1000.0, result->acked,
            result->acked + result->refused);
}

//  Appends result's row (run: saturation or rate; broker: plain or
//  switchboard) to --csv, if asked, a header first into a new file.
static void
s_csv (const s_options_t *options, const char *run, const char *broker,
       const s_result_t *result)
{
    FILE *file = options->csv? fopen (options->csv, "a"): NULL;
    if (options->csv && !file)
        fprintf (stderr, "bench_broker: cannot append to %s: %s\n", options->csv,
                 strerror (errno));
    if (!file)
        return;
    if (ftell (file) == 0)
        fprintf (file, "run,broker,msgs_per_s,deliver_p50_ms,deliver_p99_ms,acked\n");
    fprintf (file, "%s,%s,%.0f,%.3f,%.3f,%zu\n", run, broker, result->per_second,
             result->deliver_p50 / 1000.0, result->deliver_p99 / 1000.0, result->acked);
    if (fclose (file))
        fprintf (stderr, "bench_broker: cannot write %s\n", options->csv);
}

static void
s_header (void)
{
    printf ("  %-34s %9s   %8s %8s   %8s %8s   %s\n", "", "msgs/s", "deliv p50", "p99",
            "ack p50", "p99", "acked");
    printf ("  %-34s %9s   %17s   %17s\n", "", "", "(publish->deliver, ms)", "(publish->ACK, ms)");
}

//  Waits until the broker answers STATS; returns 0 when it does.
static int
s_wait_ready (const char *endpoint)
{
    char err [256];
    sb_client_t *client = sb_client_new (endpoint, err, sizeof err);
    int rc = -1;
    for (int tries = 0; client && tries < 100 && rc; tries++) {
        json_t *stats = sb_client_request (client, SB_PROTO_STATS, NULL, 100, err, sizeof err);
        rc = stats? 0: -1;
        json_decref (stats);
    }
    sb_client_destroy (&client);
    return rc;
}

//  Fills options from the command line; -1 (with the reason printed) on a
//  bad value.
static int
s_parse (s_options_t *options, int argc, char *argv [])
{
    *options = (s_options_t) { .messages = 200000, .producers = 2, .workers = 2,
                               .window = 500, .body = 200, .capacity = 100, .rate = 10000 };
    snprintf (options->depths, sizeof options->depths, "10,1000,100000,1000000");
    //  Flags stand alone, the other options take the next argument
    for (int index = 1; index < argc; index++) {
        const char *option = argv [index];
        if (streq (option, "--skip-plain") || streq (option, "--redis-stats")
        ||  streq (option, "--curve")) {
            options->skip_plain = options->skip_plain || streq (option, "--skip-plain");
            options->redis_stats = options->redis_stats || streq (option, "--redis-stats");
            if (streq (option, "--curve"))
                options->curve = options->skip_plain = true;
            continue;
        }
        const char *value = index + 1 < argc? argv [++index]: NULL;
        if (!value) {
            fprintf (stderr, "bench_broker: %s: unknown, or its value is missing (try --help)\n",
                     option);
            return -1;
        }
        if (streq (option, "--messages"))  options->messages = strtoul (value, NULL, 10);
        else
        if (streq (option, "--producers")) options->producers = strtoul (value, NULL, 10);
        else
        if (streq (option, "--workers"))   options->workers = strtoul (value, NULL, 10);
        else
        if (streq (option, "--rate"))      options->rate = atof (value);
        else
        if (streq (option, "--body"))      options->body = strtoul (value, NULL, 10);
        else
        if (streq (option, "--depths"))    snprintf (options->depths, sizeof options->depths, "%s", value);
        else
        if (streq (option, "--csv"))       options->csv = value;
        else
        if (streq (option, "--trace") && (streq (value, "on") || streq (value, "off")))
            options->trace_off = streq (value, "off");
        else {
            fprintf (stderr, "bench_broker: %s %s: unknown option or bad value (--trace takes "
                     "on or off; try --help)\n", option, value);
            return -1;
        }
    }
    return 0;
}

typedef struct {
    sb_testredis_t *redis;
    sb_testproc_t *broker;
    char endpoint [64];
    char keys [64];              //  --curve: the run's keys, "" without
    char config [64];            //  the broker's config file, "" for none
} s_fleet_t;

//  Saves a new key pair as keys/name.key{,_secret}, and its public
//  certificate into allowed too unless NULL. Returns 0 or -1.
static int
s_keys_save (const char *keys, const char *name, const char *allowed)
{
    zcert_t *cert = zcert_new ();
    char path [128];
    snprintf (path, sizeof path, "%s/%s.key", keys, name);
    int rc = cert? zcert_save (cert, path): -1;
    snprintf (path, sizeof path, "%s/%s.key", allowed? allowed: "", name);
    if (rc == 0 && allowed)
        rc = zcert_save_public (cert, path);
    zcert_destroy (&cert);
    return rc;
}

//  --curve: keys for the broker and one client (allowed), the client's in
//  this process's environment for every producer and worker; the broker's
//  certificate and clients directory in cert and clients. Returns 0 or -1.
static int
s_curve_setup (s_fleet_t *fleet, char *cert, char *clients, size_t size)
{
    snprintf (fleet->keys, sizeof fleet->keys, "/tmp/sb-bench-curve-XXXXXX");
    if (!mkdtemp (fleet->keys))
        return -1;
    snprintf (clients, size, "%s/clients", fleet->keys);
    snprintf (cert, size, "%s/broker.key_secret", fleet->keys);
    if (zsys_dir_create ("%s", clients) || s_keys_save (fleet->keys, "broker", NULL)
    ||  s_keys_save (fleet->keys, "client", clients))
        return -1;
    char path [128];
    snprintf (path, sizeof path, "%s/client.key_secret", fleet->keys);
    setenv (SB_CURVE_ENV_CERT, path, 1);
    snprintf (path, sizeof path, "%s/broker.key", fleet->keys);
    setenv (SB_CURVE_ENV_SERVER, path, 1);
    return 0;
}

//  Writes a broker config with the trace off; 0 or -1.
static int
s_write_trace_off (s_fleet_t *fleet)
{
    snprintf (fleet->config, sizeof fleet->config, "/tmp/bench_broker.XXXXXX");
    int fd = mkstemp (fleet->config);
    const char *text = "broker\n    trace = off\n";
    bool written = fd >= 0 && write (fd, text, strlen (text)) == (ssize_t) strlen (text);
    if (fd >= 0)
        close (fd);
    if (!written)
        fprintf (stderr, "bench_broker: cannot write %s: %s\n", fleet->config, strerror (errno));
    return written? 0: -1;
}

//  Starts Redis (AOF on, fsync every second) and a broker process.
static int
s_fleet_start (s_fleet_t *fleet, const char *self_path, bool curve, bool trace_off)
{
    char cert [128] = "", clients [128] = "";
    if (curve && s_curve_setup (fleet, cert, clients, sizeof cert))
        return -1;
    if (trace_off && s_write_trace_off (fleet))
        return -1;
    fleet->redis = sb_testredis_new ("everysec");
    if (!fleet->redis)
        return -1;
    snprintf (fleet->endpoint, sizeof fleet->endpoint, "tcp://127.0.0.1:%d", sb_testutil_free_port ());
    char *copy = strdup (self_path);
    char *broker = zsys_sprintf ("%s/broker", dirname (copy));
    char *argv [16] = { broker, "-e", fleet->endpoint, "-r",
                        (char *) sb_testredis_url (fleet->redis), "-n", "bench" };
    size_t count = 7;
    if (curve) {
        char *more [] = { "--curve-cert", cert, "--curve-clients", clients };
        memcpy (argv + count, more, sizeof more);
        count += 4;
    }
    if (trace_off) {
        argv [count++] = "-c";
        argv [count++] = fleet->config;
    }
    argv [count] = NULL;
    fleet->broker = sb_testproc_new (argv);
    zstr_free (&broker);
    free (copy);
    return fleet->broker && s_wait_ready (fleet->endpoint) == 0? 0: -1;
}

static void
s_fleet_stop (s_fleet_t *fleet)
{
    if (fleet->broker)
        sb_testproc_signal (fleet->broker, SIGTERM);
    sb_testproc_destroy (&fleet->broker);
    sb_testredis_destroy (&fleet->redis);
    if (*fleet->keys)
        sb_testutil_remove_tree (fleet->keys);
    if (*fleet->config)
        unlink (fleet->config);
}

//  Prints Redis's per-command figures (calls, us per call), for finding
//  what bounds the broker's throughput.
static void
s_redis_commandstats (sb_testredis_t *redis)
{
    redisContext *context = sb_testredis_connect (redis);
    redisReply *reply = context? (redisReply *) redisCommand (context, "INFO commandstats"): NULL;
    if (reply && reply->type == REDIS_REPLY_STRING)
        printf ("  Redis INFO commandstats:\n%s", reply->str);
    freeReplyObject (reply);
    if (context)
        redisFree (context);
}

//  The sum of the named figures ("name:" each, NULL-terminated) in INFO
//  section, 0 for those missing.
static double
s_redis_info (sb_testredis_t *redis, const char *section, const char *const *names)
{
    redisContext *context = sb_testredis_connect (redis);
    redisReply *reply = context? (redisReply *) redisCommand (context, "INFO %s", section): NULL;
    double sum = 0;
    for (size_t index = 0; reply && reply->type == REDIS_REPLY_STRING && names [index]; index++) {
        const char *at = strstr (reply->str, names [index]);
        if (at)
            sum += atof (at + strlen (names [index]));
    }
    freeReplyObject (reply);
    if (context)
        redisFree (context);
    return sum;
}

//  CPU seconds Redis has used, from INFO cpu.
static double
s_redis_cpu (sb_testredis_t *redis)
{
    const char *names [] = { "used_cpu_sys:", "used_cpu_user:", NULL };
    return s_redis_info (redis, "cpu", names);
}

//  How many times Redis has forked (its AOF rewrites), from INFO stats.
static double
s_redis_forks (sb_testredis_t *redis)
{
    const char *names [] = { "total_forks:", NULL };
    return s_redis_info (redis, "stats", names);
}

//  Waits (up to 60 s) until Redis runs no AOF rewrite and has none
//  scheduled: the saturation phase's growth of the AOF sets one off, and
//  a phase that starts during it measures that phase's debt.
static void
s_redis_rewrite_wait (sb_testredis_t *redis)
{
    const char *names [] = { "aof_rewrite_in_progress:", "aof_rewrite_scheduled:", NULL };
    for (int tries = 0; tries < 600 && s_redis_info (redis, "persistence", names) > 0; tries++)
        zclock_sleep (100);
}

//  Asks Redis for an AOF rewrite now (BGREWRITEAOF): its fork and its
//  child's work then fall in the phase that follows.
static void
s_redis_rewrite_start (sb_testredis_t *redis)
{
    redisContext *context = sb_testredis_connect (redis);
    redisReply *reply = context? (redisReply *) redisCommand (context, "BGREWRITEAOF"): NULL;
    if (!reply || reply->type == REDIS_REPLY_ERROR)
        fprintf (stderr, "bench_broker: BGREWRITEAOF: %s\n",
                 reply? reply->str: context? context->errstr: "no connection");
    freeReplyObject (reply);
    if (context)
        redisFree (context);
}

//  The broker's Redis round trips so far (STATS redis_rounds): count, over
//  1, 2 and 10 ms, the slowest; all 0 when it does not answer.
typedef struct {
    int64_t count, over_1ms, over_2ms, over_10ms, max_us;
} s_trips_t;

static s_trips_t
s_broker_trips (const char *endpoint)
{
    s_trips_t trips = { 0 };
    char err [256];
    sb_client_t *client = sb_client_new (endpoint, err, sizeof err);
    json_t *stats = client? sb_client_request (client, SB_PROTO_STATS, NULL, 2000, err, sizeof err)
                          : NULL;
    json_t *rounds = json_object_get (stats, "redis_rounds");
    trips.count = json_integer_value (json_object_get (rounds, "count"));
    trips.over_1ms = json_integer_value (json_object_get (rounds, "over_1ms"));
    trips.over_2ms = json_integer_value (json_object_get (rounds, "over_2ms"));
    trips.over_10ms = json_integer_value (json_object_get (rounds, "over_10ms"));
    trips.max_us = json_integer_value (json_object_get (rounds, "max_us"));
    json_decref (stats);
    sb_client_destroy (&client);
    return trips;
}

//  One fixed-rate run of the broker, printed as name, with what Redis and
//  the broker's round trips to it did meanwhile.
static void
s_fixed_run (const s_options_t *options, s_fleet_t *fleet, const char *name, bool rewrite)
{
    size_t fixed = (size_t) options->rate * 5;
    s_redis_rewrite_wait (fleet->redis);
    double forks = s_redis_forks (fleet->redis);
    s_trips_t before = s_broker_trips (fleet->endpoint);
    if (rewrite)
        s_redis_rewrite_start (fleet->redis);
    s_result_t ours = s_run_load (fleet->endpoint, options, fixed, options->rate, options->workers,
                                  rewrite? "rewrite": "rate");
    s_trips_t after = s_broker_trips (fleet->endpoint);
    s_print (name, &ours);
    s_csv (options, rewrite? "rate-rewrite": "rate", "switchboard", &ours);
    //  A fork copies Redis's page tables (Redis stops meanwhile), then its
    //  child takes a core for the rewrite and every write of the parent
    //  may copy a page: the round trips say how much of the tail is Redis
    const char *fork_usec [] = { "latest_fork_usec:", NULL };
    forks = s_redis_forks (fleet->redis) - forks;
    printf ("    Redis forked %.0f time(s) for an AOF rewrite", forks);
    if (forks > 0)
        printf (" (the last fork stopped it %.1f ms)",
                s_redis_info (fleet->redis, "stats", fork_usec) / 1000.0);
    printf ("; the broker's %" PRId64 " rounds to Redis: %" PRId64 " over 1 ms, %" PRId64
            " over 2 ms, %" PRId64 " over 10 ms\n", after.count - before.count,
            after.over_1ms - before.over_1ms, after.over_2ms - before.over_2ms,
            after.over_10ms - before.over_10ms);
}

//  The fixed-rate phase: the plain broker, then the broker between AOF
//  rewrites (any rewrite the saturation phase set off is waited for),
//  then the broker with one rewrite asked for at the start.
static void
s_fixed_rate (const s_options_t *options, s_fleet_t *fleet, const char *plain_endpoint)
{
    size_t fixed = (size_t) options->rate * 5;
    printf ("\nFixed rate: %.0f msgs/s offered for 5 s\n", options->rate);
    s_header ();
    if (!options->skip_plain) {
        s_result_t ceiling = s_run_load (plain_endpoint, options, fixed, options->rate,
                                         options->workers, "plainrate");
        s_print ("plain ZeroMQ LB broker (ceiling)", &ceiling);
        s_csv (options, "rate", "plain", &ceiling);
    }
    s_fixed_run (options, fleet, "switchboard broker, durable", false);
    s_fixed_run (options, fleet, "the same, AOF rewrite at its start", true);
    printf ("  targets: publish->deliver p50 <= 0.5 ms, p99 <= 2 ms\n");
}

static void
s_compare (const s_options_t *options, s_fleet_t *fleet)
{
    bench_plain_t *plain = bench_plain_new ("tcp://127.0.0.1:*");
    if (!plain) {
        fprintf (stderr, "bench_broker: cannot start the plain broker\n");
        return;
    }
    const char *plain_endpoint = bench_plain_endpoint (plain);
    printf ("\nSaturation: %zu messages, %zu producers (window %zu), %zu workers (capacity %d), "
            "%zu-byte bodies\n", options->messages, options->producers, options->window,
            options->workers, options->capacity, options->body);
    s_header ();
    s_result_t ceiling = { .per_second = 1 };
    if (!options->skip_plain) {
        ceiling = s_run_load (plain_endpoint, options, options->messages, 0, options->workers, "plain");
        s_print ("plain ZeroMQ LB broker (ceiling)", &ceiling);
        s_csv (options, "saturation", "plain", &ceiling);
    }
    double broker_cpu = bench_proc_cpu (sb_testproc_pid (fleet->broker));
    double redis_cpu = s_redis_cpu (fleet->redis);
    double own_cpu = bench_proc_cpu (getpid ());
    s_result_t ours = s_run_load (fleet->endpoint, options, options->messages, 0,
                                  options->workers, "sat");
    s_print ("switchboard broker, durable", &ours);
    s_csv (options, "saturation", "switchboard", &ours);
    broker_cpu = bench_proc_cpu (sb_testproc_pid (fleet->broker)) - broker_cpu;
    redis_cpu = s_redis_cpu (fleet->redis) - redis_cpu;
    own_cpu = bench_proc_cpu (getpid ()) - own_cpu;
    printf ("  CPU per message: broker %.1f us, Redis %.1f us, this benchmark's producers and "
            "workers %.1f us\n  (2 cores = %.1f us per message at 50,000 msgs/s for everything; "
            "Redis's AOF rewrites run in forked children, not counted)\n",
            broker_cpu * 1e6 / (double) ours.acked, redis_cpu * 1e6 / (double) ours.acked,
            own_cpu * 1e6 / (double) ours.acked, 2e6 / 50000.0);
    if (options->redis_stats)
        s_redis_commandstats (fleet->redis);
    if (options->skip_plain)
        printf ("  switchboard / plain: not measured (--skip-plain); target >= 50,000 msgs/s\n");
    else
        printf ("  switchboard / plain: %.1f %% (target >= 35 %%); target >= 50,000 msgs/s\n",
                100.0 * ours.per_second / ceiling.per_second);

    s_fixed_rate (options, fleet, plain_endpoint);
    bench_plain_destroy (&plain);
}

//  Starts workers, waits until they have answered count messages, stops
//  them; returns the rate and fills the deliver latency histogram.
static double
s_drain (const s_options_t *options, const char *endpoint, size_t count, bench_samples_t *delivers)
{
    atomic_bool stop = false;
    atomic_size_t done = 0;
    bench_worker_t *pool = calloc (options->workers, sizeof (bench_worker_t));
    int64_t start = bench_now_us ();
    for (size_t index = 0; index < options->workers; index++) {
        pool [index] = (bench_worker_t) { .endpoint = endpoint, .index = (int) index,
            .capacity = options->capacity, .stop = &stop, .done = &done };
        bench_worker_start (&pool [index]);
    }
    int64_t deadline = zclock_mono () + 600000;
    while (atomic_load (&done) < count && zclock_mono () < deadline)
        zclock_sleep (1);
    double rate = (double) atomic_load (&done) * 1e6 / (double) (bench_now_us () - start);
    atomic_store (&stop, true);
    for (size_t index = 0; index < options->workers; index++) {
        pthread_join (pool [index].thread, NULL);
        bench_samples_merge (delivers, &pool [index].deliver_latency);
    }
    free (pool);
    return rate;
}

//  For each depth: fill the queue with that many messages (no workers),
//  note the broker's memory, then drain it with workers.
static void
s_depths (const s_options_t *options, s_fleet_t *fleet)
{
    printf ("\nQueue depth: publish into a queue nobody drains, then drain it\n");
    printf ("  %10s %12s %10s %12s %10s\n", "queued", "publish/s", "ack p99",
            "broker RSS", "drain/s");
    char list [256];
    snprintf (list, sizeof list, "%s", options->depths);
    char *saved = NULL;
    for (char *item = strtok_r (list, ",", &saved); item; item = strtok_r (NULL, ",", &saved)) {
        size_t depth = strtoul (item, NULL, 10);
        depth = depth < options->producers? options->producers: depth;
        char run [32];
        snprintf (run, sizeof run, "d%zu", depth);
        s_result_t fill = s_run_load (fleet->endpoint, options, depth, 0, 0, run);
        long rss = sb_testutil_rss_kb (sb_testproc_pid (fleet->broker));
        bench_samples_t delivers = { 0 };
        double drain = s_drain (options, fleet->endpoint, fill.acked, &delivers);
        bench_samples_clear (&delivers);
        printf ("  %10zu %12.0f %7.3f ms %8.1f MiB %10.0f\n", fill.acked, fill.per_second,
                fill.ack_p99 / 1000.0, rss / 1024.0, drain);
    }
}

int
main (int argc, char *argv [])
{
    if (argc > 1 && (streq (argv [1], "-h") || streq (argv [1], "--help"))) {
        printf ("Usage: bench_broker [--messages N] [--producers P] [--workers W] [--rate R]\n"
                "                    [--depths 10,1000,100000,1000000] [--body BYTES]\n"
                "                    [--skip-plain] [--redis-stats] [--csv FILE] [--curve]\n"
                "                    [--trace on|off]\n"
                "Measures the broker beside a plain ZeroMQ broker in the same run.\n"
                "--csv: append a row per broker and run; --depths \"\": no depth sweep.\n"
                "--curve: the broker and its clients with CURVE (keys made for the run;\n"
                "the plain broker skipped: compare with a run without it).\n"
                "--trace: the broker's conversation trace, on by default as in the fleet.\n");
        return 0;
    }
    s_options_t options;
    if (s_parse (&options, argc, argv))
        return 64;
    zsys_init ();
    zsys_set_logstream (NULL);
    s_fleet_t fleet = { 0 };
    char self_path [4096];
    ssize_t length = readlink ("/proc/self/exe", self_path, sizeof self_path - 1);
    if (length <= 0
    ||  (self_path [length] = 0,
         s_fleet_start (&fleet, self_path, options.curve, options.trace_off))) {
        fprintf (stderr, "bench_broker: cannot start Redis and the broker\n");
        s_fleet_stop (&fleet);
        return 1;
    }
    printf ("Switchboard broker benchmark (%d cores; Redis AOF on, appendfsync everysec; "
            "broker trace %s; producers, workers, broker and Redis on this machine%s)\n",
            (int) sysconf (_SC_NPROCESSORS_ONLN), options.trace_off? "off": "on",
            options.curve? "; CURVE on": "");
    s_compare (&options, &fleet);
    s_depths (&options, &fleet);
    printf ("\nbroker RSS target: <= 64 MiB with 1,000,000 queued\n");
    s_fleet_stop (&fleet);
    return 0;
}
