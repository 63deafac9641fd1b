/*  bench_pipeline — the whole fleet under load (issue 7): signed Twilio SMS
    webhooks into ingress, through the broker, the planner (2 instances, as
    in fleet/default.zpl), timesheet, branding, quality and the sender in
    Twilio mode, out to the fake Twilio (tests/fakes/fake_twilio); Redis
    with the demo data (AOF on, fsync every second). Every process runs on
    this machine. Prints, in one run:

      1. the ceiling: a fake Twilio alone (a second one, the same program,
         stopped after), create requests on kept-alive connections (as the
         sender sends them) at saturation;
      2. the fleet at saturation: at most --window conversations in flight
         (posted, not yet sent), for --seconds;
      3. the fleet at a fixed offered rate (open loop, --rate; default half
         of what 2 achieved), for --seconds;

    with conversations per second, webhook-to-Twilio latency p50/p99 and,
    per process, the CPU each conversation cost (from /proc). Latency is
    from the webhook's POST (its scheduled time, open loop) to the sender's
    receipt of Twilio's 201, read afterwards from the sender's record
    (sb:sent:<key>, sent_at_ms: millisecond resolution): the fake had the
    message a moment before. Every posted conversation is checked to have
    reached the fake exactly once. Asserts nothing.

    --rates runs several fixed rates instead of one; --csv appends a row a
    phase (with p90, and chains done over the time to the last one done)
    for bench/compare, which sets this fleet beside the RQ stack.

    Usage: bench_pipeline [--seconds S] [--rate R | --rates R1,R2,...]
                          [--max-load F] [--window W] [--connections C]
                          [--capacity N] [--csv FILE]                      */

#include "sb_classes.h"
#include "bench_fake.h"
#include "bench_http.h"
#include "bench_proc.h"
#include "sb_client.h"
#include "sb_testproc.h"
#include "sb_testredis.h"
#include "sb_testutil.h"
#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <libgen.h>
#include <unistd.h>

#define S_TOKEN        "bench-auth-token-0123456789abcdef"
#define S_ACCOUNT      "AC0123456789abcdef0123456789abcdef"
#define S_TENANT_NUMBER "+15557654321"
#define S_PROCS_MAX    16
#define S_WAIT_MS      120000    //  for a phase to drain
#define S_STATS_MS     10        //  between looks at the fake's counts (saturation)
                                 //  or the broker's STATS (draining)
#define S_TARGET_RATE  2750.0    //  issue 7: conversations/s at saturation
#define S_TARGET_P99   10.0      //  ms, at half that rate
#define S_FAKE_BODY    "To=%2B15551234567&From=%2B15557654321&Body=Hi+Dana%2C+you+have+32+" \
    "hours+logged+this+week.+All+on+Acme+Portal.+Expected+so+far%3A+40+hours%2C+so+8+" \
    "hours+are+missing.%0AThanks%2C+Acme+HR"

//  The demo's employees (timesheet-demo) and what they ask, in turn
static const char *s_phones [] = { "+15551234567", "+15551234568", "+15551234569",
                                   "+15551234570" };
static const char *s_texts [] = { "how+many+hours+this+week%3F", "what+am+I+missing%3F",
                                  "how+many+hours+yesterday%3F", "hello" };

typedef struct {
    int seconds, connections, window, capacity;
    double rate;                 //  0: half of what saturation achieved
    char rates [256];            //  several rates, comma-separated, instead
    double max_load;             //  skip rates above this x saturation (0: none)
    const char *csv;             //  a row a phase appended here, or NULL
} s_options_t;

//  A process of the fleet, for its CPU.
typedef struct {
    const char *name;
    sb_testproc_t *process;
    pid_t pid;
    double cpu_mark;             //  CPU seconds at the phase's start
    uint64_t switch_mark;        //  context switches at the phase's start
} s_proc_t;

typedef struct {
    s_options_t options;
    char dir [256];
    char config [300];
    char ingress_url [96];
    char fake_base [96];
    sb_testredis_t *redis;
    char endpoint [64];
    s_proc_t procs [S_PROCS_MAX];
    size_t proc_count;
    sb_client_t *client;         //  STATS
    int64_t *posted_us;          //  per conversation number: when it was posted
    size_t posted_size;
    uint64_t sequence;           //  conversations posted in all phases
    int64_t completed;           //  the sender's completions, at the last look
    void *counts;                //  the fake's counts' connection (bench_http_fetch_on)
    int64_t rounds_mark;         //  the broker's rounds to Redis at the phase's start
} s_bench_t;

//  --------------------------------------------------------------------------
//  Processes

//  Adds a process to the fleet's list (name borrowed).
static void
s_track (s_bench_t *self, const char *name, sb_testproc_t *process, pid_t pid)
{
    if (self->proc_count < S_PROCS_MAX)
        self->procs [self->proc_count++] = (s_proc_t) { name, process, pid, 0, 0 };
}

//  Starts program (beside this one, in bindir) with args (NULL-terminated)
//  as name. Returns 0 or -1.
static int
s_spawn (s_bench_t *self, const char *bindir, const char *program, const char *name,
         const char *const *args)
{
    char path [600];
    char *argv [24] = { path };
    snprintf (path, sizeof path, "%s/%s", bindir, program);
    size_t count = 1;
    for (; args [count - 1] && count < 23; count++)
        argv [count] = (char *) args [count - 1];
    argv [count] = NULL;
    //  Its stdout (logs, a fake's port) onto stderr: stdout is the figures
    fflush (stdout);
    int saved = dup (STDOUT_FILENO);
    dup2 (STDERR_FILENO, STDOUT_FILENO);
    sb_testproc_t *process = sb_testproc_new (argv);
    dup2 (saved, STDOUT_FILENO);
    close (saved);
    if (process)
        s_track (self, name, process, sb_testproc_pid (process));
    return process? 0: -1;
}

//  Redis's process id, from INFO server; 0 if unknown.
static pid_t
s_redis_pid (s_bench_t *self)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    redisReply *reply = redis? (redisReply *) redisCommand (redis, "INFO server"): NULL;
    const char *at = reply && reply->type == REDIS_REPLY_STRING
                   ? strstr (reply->str, "process_id:"): NULL;
    pid_t pid = at? (pid_t) atoi (at + 11): 0;
    freeReplyObject (reply);
    if (redis)
        redisFree (redis);
    return pid;
}

//  --------------------------------------------------------------------------
//  HTTP load

//  Sends conversation number's webhook on driver, due at start_us: a form
//  as Twilio posts it, signed with the fleet's token. Returns false if
//  every slot is busy.
static bool
s_webhook (bench_http_t *driver, uint64_t number, int64_t start_us)
{
    char body [512];
    snprintf (body, sizeof body,
              "MessageSid=SM%032" PRIx64 "&AccountSid=" S_ACCOUNT "&From=%%2B%s&To=%%2B%s"
              "&Body=%s&NumMedia=0", number, s_phones [number % 4] + 1, &S_TENANT_NUMBER [1],
              s_texts [(number / 4) % 4]);
    return bench_http_send (driver, body, S_TOKEN, start_us);
}

//  --------------------------------------------------------------------------
//  The fleet

//  The sender's completions (broker STATS), into self->completed; the
//  backlog into *backlog if not NULL. Returns 0, or -1 with no answer.
static int
s_look (s_bench_t *self, int64_t *backlog)
{
    char err [256];
    json_t *stats = sb_client_request (self->client, "STATS", NULL, 2000, err, sizeof err);
    json_t *sender = json_object_get (json_object_get (stats, "services"), "sender");
    if (stats)
        self->completed = json_integer_value (json_object_get (sender, "completed"));
    if (stats && backlog)
        *backlog = json_integer_value (json_object_get (stats, "backlog"));
    json_decref (stats);
    return stats? 0: -1;
}

//  How many rounds the broker has sent Redis (STATS redis_rounds), or -1.
static int64_t
s_rounds (s_bench_t *self)
{
    char err [256];
    json_t *stats = sb_client_request (self->client, "STATS", NULL, 2000, err, sizeof err);
    json_t *count = json_object_get (json_object_get (stats, "redis_rounds"), "count");
    int64_t rounds = json_is_integer (count)? json_integer_value (count): -1;
    json_decref (stats);
    return rounds;
}

//  Waits until the broker has a worker for each of the fleet's services.
static int
s_wait_workers (s_bench_t *self)
{
    const char *services [] = { "planner", "timesheet", "branding", "quality", "sender" };
    for (int tries = 0; tries < 1000; tries++) {
        char err [256];
        json_t *stats = sb_client_request (self->client, "STATS", NULL, 1000, err, sizeof err);
        size_t ready = 0;
        for (size_t index = 0; index < 5; index++) {
            json_t *service = json_object_get (json_object_get (stats, "services"),
                                               services [index]);
            ready += json_integer_value (json_object_get (service, "workers")) > 0;
        }
        json_decref (stats);
        if (ready == 5)
            return 0;
        zclock_sleep (20);
    }
    return -1;
}

//  Writes the fleet's config (as fleet/switchboard.zpl: the sender's
//  service with the attempts its protocol takes) into the bench's folder.
static int
s_write_config (s_bench_t *self)
{
    snprintf (self->config, sizeof self->config, "%s/fleet.zpl", self->dir);
    FILE *file = fopen (self->config, "w");
    if (!file)
        return -1;
    fprintf (file, "services\n    sender\n        max-attempts = 6\n");
    return fclose (file) == 0? 0: -1;
}

//  Starts a fake Twilio as name (its port file named after it) and writes
//  its base URL into base.
static int
s_start_fake (s_bench_t *self, const char *bindir, const char *name, char *base,
              size_t size)
{
    char port_file [300];
    snprintf (port_file, sizeof port_file, "%s/%s.port", self->dir, name);
    const char *args [] = { "--account", S_ACCOUNT, "--token", S_TOKEN, "--port-file",
                            port_file, NULL };
    if (s_spawn (self, bindir, "fake_twilio", name, args))
        return -1;
    for (int tries = 0; tries < 500; tries++) {
        FILE *file = fopen (port_file, "r");
        int port = 0;
        if (file && fscanf (file, "%d", &port) != 1)
            port = 0;
        if (file)
            fclose (file);
        if (port > 0) {
            snprintf (base, size, "http://127.0.0.1:%d", port);
            return 0;
        }
        zclock_sleep (10);
    }
    return -1;
}

//  Starts the actors as fleet/default.zpl does (the planner twice).
static int
s_start_actors (s_bench_t *self, const char *bindir)
{
    static const char *programs [] = { "planner", "planner", "timesheet", "branding",
                                       "quality", "sender" };
    static const char *names [] = { "planner-1", "planner-2", "timesheet", "branding",
                                    "quality", "sender" };
    char capacity [16];
    snprintf (capacity, sizeof capacity, "%d", self->options.capacity);
    for (size_t index = 0; index < 6; index++) {
        const char *args [] = { "-b", self->endpoint, "-r", sb_testredis_url (self->redis),
                                "-c", self->config, "-i", names [index],
                                self->options.capacity? "-n": NULL, capacity, NULL };
        if (s_spawn (self, bindir, programs [index], names [index], args))
            return -1;
    }
    return 0;
}

//  Runs timesheet-demo (the demo tenant, entries until today).
static int
s_demo_data (s_bench_t *self, const char *bindir)
{
    char path [600], log [300], output [1024];
    snprintf (path, sizeof path, "%s/timesheet-demo", bindir);
    snprintf (log, sizeof log, "%s/demo.log", self->dir);
    char *argv [] = { path, "--redis", (char *) sb_testredis_url (self->redis), NULL };
    return sb_testproc_run (argv, log, output, sizeof output, 30000) == 0? 0: -1;
}

//  Polls ingress's GET /ready until it answers 200 (up, and its broker
//  too). Returns 0, or -1 after S_WAIT_MS.
static int
s_wait_ingress (s_bench_t *self)
{
    char url [128];
    snprintf (url, sizeof url, "%.*s/ready",
              (int) (strlen (self->ingress_url) - strlen ("/webhook/sms")), self->ingress_url);
    return bench_http_wait (url, S_WAIT_MS);
}

//  Starts the whole fleet. Returns 0, or -1 with the reason on stderr.
static int
s_fleet_start (s_bench_t *self, const char *bindir)
{
    char ingress_port [16], err [256];
    snprintf (ingress_port, sizeof ingress_port, "%d", sb_testutil_free_port ());
    snprintf (self->ingress_url, sizeof self->ingress_url, "http://127.0.0.1:%s/webhook/sms",
              ingress_port);
    snprintf (self->endpoint, sizeof self->endpoint, "tcp://127.0.0.1:%d",
              sb_testutil_free_port ());
    const char *broker [] = { "-e", self->endpoint, "-r", sb_testredis_url (self->redis),
                              "-n", "bench", "-c", self->config, NULL };
    const char *ingress [] = { "-p", ingress_port, "-b", self->endpoint, "-t", "demo", NULL };
    s_track (self, "redis", NULL, s_redis_pid (self));
    if (s_write_config (self) || s_demo_data (self, bindir)
    ||  s_start_fake (self, bindir, "fake_twilio", self->fake_base, sizeof self->fake_base)
    ||  s_spawn (self, bindir, "broker", "broker", broker))
        return -1;
    setenv ("TWILIO_API_BASE", self->fake_base, 1);
    if (s_start_actors (self, bindir) || s_spawn (self, bindir, "ingress", "ingress", ingress))
        return -1;
    self->client = sb_client_new (self->endpoint, err, sizeof err);
    return self->client && s_wait_workers (self) == 0 && s_wait_ingress (self) == 0? 0: -1;
}

//  Stops the fleet, newest first.
static void
s_fleet_stop (s_bench_t *self)
{
    sb_client_destroy (&self->client);
    bench_http_fetch_close (&self->counts);
    for (size_t index = self->proc_count; index-- > 0;)
        if (self->procs [index].process)
            sb_testproc_stop (&self->procs [index].process, 15000, self->procs [index].name);
    sb_testredis_destroy (&self->redis);
}

//  --------------------------------------------------------------------------
//  Phases and figures

static void
s_cpu_mark (s_bench_t *self)
{
    for (size_t index = 0; index < self->proc_count; index++) {
        self->procs [index].cpu_mark = bench_proc_cpu (self->procs [index].pid);
        self->procs [index].switch_mark = bench_proc_switches (self->procs [index].pid);
    }
    self->rounds_mark = s_rounds (self);
}

//  Prints each process's CPU since the mark: per conversation and as a
//  share of one core over elapsed_s; the bench itself (the load) last.
//  Returns the whole machine's CPU per conversation, in us.
static double
s_cpu_report (s_bench_t *self, double self_mark, size_t conversations, double elapsed_s)
{
    printf ("    CPU per conversation (and share of one core):");
    double total = 0;
    for (size_t index = 0; index <= self->proc_count; index++) {
        bool load = index == self->proc_count;
        double used = load? bench_proc_cpu (getpid ()) - self_mark
                          : bench_proc_cpu (self->procs [index].pid) - self->procs [index].cpu_mark;
        total += used;
        printf ("%s %s %.0f us (%.0f%%)", index % 4? ",": "\n     ",
                load? "load generator": self->procs [index].name,
                conversations? used * 1e6 / (double) conversations: 0, used * 100 / elapsed_s);
    }
    printf ("\n    all: %.0f us per conversation, %.0f%% of the machine's %ld cores\n",
            conversations? total * 1e6 / (double) conversations: 0,
            total * 100 / elapsed_s / (double) sysconf (_SC_NPROCESSORS_ONLN),
            sysconf (_SC_NPROCESSORS_ONLN));
    printf ("    context switches per conversation (all threads):");
    double switches = 0;
    for (size_t index = 0; index < self->proc_count; index++) {
        double count = (double) (bench_proc_switches (self->procs [index].pid)
                                 - self->procs [index].switch_mark);
        switches += count;
        printf ("%s %s %.1f", index % 6? ",": "\n     ", self->procs [index].name,
                conversations? count / (double) conversations: 0);
    }
    printf ("\n    all but the load generator: %.1f per conversation\n",
            conversations? switches / (double) conversations: 0);
    int64_t rounds = s_rounds (self);
    if (rounds > self->rounds_mark && self->rounds_mark >= 0 && conversations)
        printf ("    the broker's rounds to Redis: %.1f per conversation\n",
                (double) (rounds - self->rounds_mark) / (double) conversations);
    return conversations? total * 1e6 / (double) conversations: 0;
}

//  Notes that conversation number was posted at when_us.
static void
s_note_posted (s_bench_t *self, uint64_t number, int64_t when_us)
{
    if (number >= self->posted_size) {
        size_t size = self->posted_size? self->posted_size * 2: 65536;
        while (size <= number)
            size *= 2;
        int64_t *grown = (int64_t *) realloc (self->posted_us, size * sizeof (int64_t));
        if (!grown)
            return;
        memset (grown + self->posted_size, 0, (size - self->posted_size) * sizeof (int64_t));
        self->posted_us = grown;
        self->posted_size = size;
    }
    self->posted_us [number] = when_us;
}

//  Waits until the backlog is empty and the sender has completed until
//  (conversations). Returns 0, or -1 after S_WAIT_MS.
static int
s_drain (s_bench_t *self, int64_t until)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS, backlog = -1;
    while (zclock_mono () < deadline) {
        if (s_look (self, &backlog) == 0 && backlog == 0 && self->completed >= until)
            return 0;
        zclock_sleep (S_STATS_MS);
    }
    fprintf (stderr, "bench_pipeline: not drained after %d ms (backlog %" PRId64 ", sender "
             "completed %" PRId64 " of %" PRId64 ")\n", S_WAIT_MS, backlog, self->completed,
             until);
    return -1;
}

//  Collects the webhook-to-Twilio latency of conversations first..last
//  from the sender's records (sb:sent:sms:twilio:SM<number>/...), and the
//  latest sent_at into *last_us. Returns how many records were found.
static size_t
s_latencies (s_bench_t *self, uint64_t first, uint64_t last, bench_samples_t *samples,
             int64_t *last_us)
{
    redisContext *redis = sb_testredis_connect (self->redis);
    size_t found = 0;
    char cursor [32] = "0";
    do {
        redisReply *page = redis? (redisReply *) redisCommand (
            redis, "SCAN %s MATCH sb:sent:sms:twilio:SM* COUNT 1000", cursor): NULL;
        if (!page || page->type != REDIS_REPLY_ARRAY || page->elements != 2) {
            freeReplyObject (page);
            break;
        }
        snprintf (cursor, sizeof cursor, "%s", page->element [0]->str);
        redisReply *keys = page->element [1];
        for (size_t index = 0; index < keys->elements; index++) {
            uint64_t number = 0;
            if (sscanf (keys->element [index]->str, "sb:sent:sms:twilio:SM%32" SCNx64, &number) != 1
            ||  number < first || number > last || number >= self->posted_size)
                continue;
            redisReply *value = (redisReply *) redisCommand (redis, "GET %s",
                                                             keys->element [index]->str);
            const char *json = value && value->type == REDIS_REPLY_STRING
                             ? strchr (value->str, ' '): NULL;
            json_t *details = json? json_loads (json + 1, 0, NULL): NULL;
            json_t *sent_at = json_object_get (details, "sent_at_ms");
            if (json_is_integer (sent_at)) {
                int64_t sent_us = json_integer_value (sent_at) * 1000;
                bench_samples_add (samples, sent_us - self->posted_us [number]);
                *last_us = sent_us > *last_us? sent_us: *last_us;
                found++;
            }
            json_decref (details);
            freeReplyObject (value);
        }
        freeReplyObject (page);
    } while (strcmp (cursor, "0"));
    if (redis)
        redisFree (redis);
    return found;
}

//  The latency samples' p50 and p99 in ms, into text.
static void
s_percentiles (bench_samples_t *samples, char *text, size_t size)
{
    snprintf (text, size, "p50 %6.2f ms  p99 %6.2f ms",
              (double) bench_samples_percentile (samples, 0.50) / 1000.0,
              (double) bench_samples_percentile (samples, 0.99) / 1000.0);
}

//  Appends the phase's row to --csv, if asked (the columns bench_rq
//  writes): achieved is the conversations done over the time from the
//  phase's start to the last one done. Returns that rate.
static double
s_csv_row (s_bench_t *self, double offered, size_t posted, size_t found, int64_t last_us,
           int64_t begin_us, bench_samples_t *samples, double cpu_us)
{
    double achieved = last_us > begin_us? (double) found * 1e6 / (double) (last_us - begin_us)
                                        : 0;
    FILE *file = self->options.csv? fopen (self->options.csv, "a"): NULL;
    if (self->options.csv && !file)
        fprintf (stderr, "bench_pipeline: cannot append to %s: %s\n", self->options.csv,
                 strerror (errno));
    if (!file)
        return achieved;
    if (ftell (file) == 0)
        fprintf (file, "stack,phase,offered_per_s,achieved_per_s,chains,completed,"
                       "p50_ms,p90_ms,p99_ms,cpu_us_per_chain\n");
    char rate [32] = "";
    if (offered > 0)
        snprintf (rate, sizeof rate, "%.0f", offered);
    fprintf (file, "switchboard,%s,%s,%.1f,%zu,%zu,%.2f,%.2f,%.2f,%.0f\n",
             offered > 0? "rate": "saturation", rate, achieved, posted, found,
             (double) bench_samples_percentile (samples, 0.50) / 1000.0,
             (double) bench_samples_percentile (samples, 0.90) / 1000.0,
             (double) bench_samples_percentile (samples, 0.99) / 1000.0, cpu_us);
    if (fclose (file))
        fprintf (stderr, "bench_pipeline: cannot write %s\n", self->options.csv);
    return achieved;
}

//  After a webhook phase (offered: its rate, 0 at saturation): drains the
//  fleet, checks that each of the conversations posted (from first)
//  reached the fake once, prints the phase's line (what, per_second) with
//  its latency and CPU, and appends its --csv row. Returns the rate
//  achieved (conversations done over the time to the last one).
static double
s_phase_report (s_bench_t *self, const char *what, double offered, uint64_t first,
                int64_t completed_base, double per_second, double self_mark, int64_t begin_us)
{
    size_t posted = (size_t) (self->sequence - first + 1), messages = 0, creates = 0;
    int drained = s_drain (self, completed_base + (int64_t) posted);
    double elapsed_s = (double) (bench_now_us () - begin_us) / 1e6;
    bench_samples_t samples = { 0 };
    int64_t last_us = 0;
    size_t found = s_latencies (self, first, self->sequence, &samples, &last_us);
    bench_fake_take (self->fake_base, &messages, &creates);
    char latency [64];
    s_percentiles (&samples, latency, sizeof latency);
    printf ("  %-38s %7.0f conv/s  %s  (%zu posted, %zu at the fake in %zu creates, %zu "
            "timed%s)\n", what, per_second, latency, posted, messages, creates, found,
            drained? ", NOT DRAINED": "");
    if (messages != posted || creates != posted)
        printf ("    NOT EXACTLY ONCE: %zu conversations, %zu messages at the fake\n", posted,
                messages);
    double cpu_us = s_cpu_report (self, self_mark, posted, elapsed_s);
    double achieved = s_csv_row (self, offered, posted, found, last_us, begin_us, &samples,
                                 cpu_us);
    bench_samples_clear (&samples);
    return achieved;
}

//  Stops the processes tracked after the first count (the last ones
//  started), and leaves them out of the later phases' figures.
static void
s_stop_since (s_bench_t *self, size_t count)
{
    while (self->proc_count > count) {
        s_proc_t *proc = &self->procs [--self->proc_count];
        sb_testproc_stop (&proc->process, 15000, proc->name);
    }
}

//  1. The ceiling: a fake Twilio alone, creates on kept-alive connections at
//  saturation, as many at once as the sender makes. A fake of its own, the
//  same program, stopped after: the fleet's fake would otherwise carry the
//  hundreds of thousands of messages this phase makes into the next, and
//  freeing them cost it a second of CPU in the middle of the saturation
//  phase. Returns its req/s.
static double
s_phase_fake (s_bench_t *self, const char *bindir)
{
    char base [96], url [192];
    size_t tracked = self->proc_count;
    if (s_start_fake (self, bindir, "fake (ceiling)", base, sizeof base)) {
        fprintf (stderr, "bench_pipeline: the ceiling's fake Twilio did not start\n");
        s_stop_since (self, tracked);
        return 0;
    }
    snprintf (url, sizeof url, "%s/2010-04-01/Accounts/" S_ACCOUNT "/Messages.json", base);
    int connections = self->options.capacity? self->options.capacity: 4;
    bench_http_t *driver = bench_http_new (url, connections, 201);
    if (!driver) {
        s_stop_since (self, tracked);
        return 0;
    }
    bench_http_set_basic_auth (driver, S_ACCOUNT ":" S_TOKEN);
    s_cpu_mark (self);
    double self_mark = bench_proc_cpu (getpid ());
    int64_t begin = bench_now_us (), end = begin + (int64_t) self->options.seconds * 1000000;
    while (bench_now_us () < end) {
        while (bench_http_send (driver, S_FAKE_BODY, NULL, bench_now_us ()))
            ;
        bench_http_run (driver, bench_now_us () + 10000);
    }
    bench_http_finish (driver);
    double elapsed_s = (double) (bench_now_us () - begin) / 1e6;
    double per_second = (double) bench_http_ok (driver) / elapsed_s;
    char latency [64], what [96];
    s_percentiles (bench_http_latency (driver), latency, sizeof latency);
    snprintf (what, sizeof what, "1. fake Twilio alone, %d at once", connections);
    printf ("  %-38s %7.0f req/s   %s  (%zu created, %zu failed)\n", what, per_second, latency,
            bench_http_ok (driver), bench_http_failed (driver));
    s_cpu_report (self, self_mark, bench_http_ok (driver), elapsed_s);
    bench_http_destroy (&driver);
    s_stop_since (self, tracked);
    return per_second;
}

//  2. Saturation: webhooks posted as fast as the fleet sends, at most
//  --window conversations in flight. Returns conversations/s.
static double
s_phase_saturation (s_bench_t *self)
{
    bench_http_t *driver = bench_http_new (self->ingress_url, self->options.connections, 200);
    if (!driver)
        return 0;
    s_look (self, NULL);
    int64_t base = self->completed, next_look = 0;
    int64_t creates_base = bench_fake_creates (self->fake_base, &self->counts), fake_done = creates_base;
    uint64_t first = self->sequence + 1;
    s_cpu_mark (self);
    double self_mark = bench_proc_cpu (getpid ());
    int64_t begin = bench_now_us (), end = begin + (int64_t) self->options.seconds * 1000000;
    while (bench_now_us () < end) {
        if (zclock_mono () >= next_look) {
            int64_t creates = bench_fake_creates (self->fake_base, &self->counts);
            fake_done = creates >= 0? creates: fake_done;
            next_look = zclock_mono () + S_STATS_MS;
        }
        int64_t in_flight = (int64_t) (self->sequence - first + 1) - (fake_done - creates_base);
        for (; in_flight < self->options.window; in_flight++) {
            int64_t now = bench_now_us ();
            if (!s_webhook (driver, self->sequence + 1, now))
                break;
            s_note_posted (self, ++self->sequence, now);
        }
        bench_http_run (driver, bench_now_us () + 1000);
    }
    int64_t creates = bench_fake_creates (self->fake_base, &self->counts);
    fake_done = creates >= 0? creates: fake_done;
    double per_second = (double) (fake_done - creates_base) * 1e6
                      / (double) (bench_now_us () - begin);
    bench_http_finish (driver);
    char what [96];
    snprintf (what, sizeof what, "2. saturation, window %d", self->options.window);
    s_phase_report (self, what, 0, first, base, per_second, self_mark, begin);
    bench_http_destroy (&driver);
    return per_second;
}

//  3. A fixed offered rate, open loop: each webhook's latency counts from
//  its scheduled time.
static void
s_phase_rate (s_bench_t *self, double rate)
{
    bench_http_t *driver = bench_http_new (self->ingress_url, self->options.connections, 200);
    if (!driver)
        return;
    s_look (self, NULL);
    int64_t base = self->completed;
    uint64_t first = self->sequence + 1;
    size_t total = (size_t) (rate * self->options.seconds), started = 0;
    s_cpu_mark (self);
    double self_mark = bench_proc_cpu (getpid ());
    int64_t begin = bench_now_us ();
    double interval_us = 1e6 / rate;
    while (started < total) {
        int64_t due = begin + (int64_t) ((double) started * interval_us);
        if (bench_now_us () >= due && s_webhook (driver, self->sequence + 1, due)) {
            s_note_posted (self, ++self->sequence, due);
            started++;
            continue;
        }
        bench_http_run (driver, due);
    }
    bench_http_finish (driver);
    char what [96];
    snprintf (what, sizeof what, "3. %.0f conversations/s offered", rate);
    s_phase_report (self, what, rate, first, base, (double) total * 1e6 /
                    (double) (bench_now_us () - begin), self_mark, begin);
    bench_http_destroy (&driver);
}

//  0 if rates is empty or a comma-separated list of positive numbers;
//  else -1, with the item at fault on stderr.
static int
s_rates_check (const char *rates)
{
    char list [256], *saved = NULL, *end = NULL;
    snprintf (list, sizeof list, "%s", rates);
    for (char *item = strtok_r (list, ",", &saved); item; item = strtok_r (NULL, ",", &saved))
        if (strtod (item, &end) <= 0 || *end) {
            fprintf (stderr, "bench_pipeline: --rates: '%s' is not a positive number\n", item);
            return -1;
        }
    return 0;
}

static int
s_parse (s_options_t *options, int argc, char *argv [])
{
    *options = (s_options_t) { .seconds = 5, .connections = 64, .window = 100 };
    for (int index = 1; index + 1 < argc; index += 2) {
        const char *option = argv [index], *value = argv [index + 1];
        if (streq (option, "--seconds"))     options->seconds = atoi (value);
        else
        if (streq (option, "--rate"))        options->rate = atof (value);
        else
        if (streq (option, "--window"))      options->window = atoi (value);
        else
        if (streq (option, "--connections")) options->connections = atoi (value);
        else
        if (streq (option, "--capacity"))    options->capacity = atoi (value);
        else
        if (streq (option, "--rates"))       snprintf (options->rates, sizeof options->rates,
                                                       "%s", value);
        else
        if (streq (option, "--max-load"))    options->max_load = atof (value);
        else
        if (streq (option, "--csv"))         options->csv = value;
        else
            return -1;
    }
    bool valid = options->seconds > 0 && options->rate >= 0 && options->window > 0
              && options->connections > 0 && options->capacity >= 0
              && options->capacity <= 256 && options->max_load >= 0 && argc % 2 == 1;
    return valid? s_rates_check (options->rates): -1;
}

//  The rates phases after saturation: --rates's, each unless above
//  --max-load x saturation, or the one --rate (default half saturation).
static void
s_phase_rates (s_bench_t *self, double saturation)
{
    if (!*self->options.rates) {
        double rate = self->options.rate > 0? self->options.rate
                    : saturation / 2 > 1? saturation / 2: 1;
        s_phase_rate (self, rate);
        return;
    }
    char list [256], *saved = NULL;
    snprintf (list, sizeof list, "%s", self->options.rates);
    for (char *item = strtok_r (list, ",", &saved); item; item = strtok_r (NULL, ",", &saved)) {
        double rate = atof (item);
        if (self->options.max_load > 0 && rate > self->options.max_load * saturation)
            printf ("  %.0f conversations/s: skipped, above %g x saturation\n", rate,
                    self->options.max_load);
        else
            s_phase_rate (self, rate);
    }
}

int
main (int argc, char *argv [])
{
    s_bench_t self = { 0 };
    if (s_parse (&self.options, argc, argv)) {
        printf ("Usage: bench_pipeline [--seconds 5] [--rate R | --rates R1,R2,...] [--max-load F]\n"
                "                      [--window 100] [--connections 64] [--capacity N]\n"
                "                      [--csv FILE]\n"
                "Signed SMS webhooks through the whole fleet to the fake Twilio: the fake alone\n"
                "(the ceiling), saturation, and a fixed offered rate (default: half of what\n"
                "saturation achieved). --capacity: each actor's (default: the actors' own).\n"
                "--rates: several fixed rates, each skipped if above --max-load x saturation.\n"
                "--csv: append a row a phase (bench/compare's columns: p50/p90/p99 ms, chains\n"
                "done over the time to the last one done, CPU us per chain).\n");
        return streq (argc > 1? argv [1]: "", "--help") || streq (argc > 1? argv [1]: "", "-h")
             ? 0: 64;
    }
    zsys_init ();
    curl_global_init (CURL_GLOBAL_DEFAULT);
    setenv ("TWILIO_ACCOUNT_SID", S_ACCOUNT, 1);
    setenv ("TWILIO_AUTH_TOKEN", S_TOKEN, 1);
    setenv ("TWILIO_PHONE_NUMBER", S_TENANT_NUMBER, 1);
    unsetenv ("SB_BROKER");
    char exe [4096];
    ssize_t length = readlink ("/proc/self/exe", exe, sizeof exe - 1);
    exe [length > 0? length: 0] = 0;
    const char *bindir = dirname (exe);          //  the programs sit beside this one
    snprintf (self.dir, sizeof self.dir, "%s/bench_pipeline.XXXXXX",
              getenv ("TMPDIR")? getenv ("TMPDIR"): "/tmp");
    int rc = 1;
    if (mkdtemp (self.dir) && (self.redis = sb_testredis_new ("everysec"))
    &&  s_fleet_start (&self, bindir) == 0) {
        printf ("bench_pipeline: the whole fleet on this machine (%ld cores): Redis (AOF, "
                "everysec), broker, ingress, planner x2, timesheet, branding, quality, sender "
                "(Twilio mode), fake Twilio and this load generator (%d connections); %d s a "
                "phase\n", sysconf (_SC_NPROCESSORS_ONLN), self.options.connections,
                self.options.seconds);
        s_phase_fake (&self, bindir);
        s_phase_rates (&self, s_phase_saturation (&self));
        printf ("\n  targets (issue 7): >= %.0f conversations/s at saturation, p99 <= %.0f ms "
                "at %.0f/s;\n  the stack replaced, on this machine: RQ 55/s (p50 10 ms), "
                "Celery 123/s (p50 8 ms)\n", S_TARGET_RATE, S_TARGET_P99, S_TARGET_RATE / 2);
        rc = 0;
    }
    else
        fprintf (stderr, "bench_pipeline: the fleet did not start\n");
    s_fleet_stop (&self);
    sb_testutil_remove_tree (self.dir);
    free (self.posted_us);
    curl_global_cleanup ();
    return rc;
}
