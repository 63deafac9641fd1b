/*  test_chaos_kills.c — the chaos test (issue 11): the whole fleet under
    bin/supervise (sb_chaosfleet: Redis with the demo data, the broker,
    ingress, the planner twice, timesheet, branding, quality, the sender in
    Twilio mode and the fake Twilio) takes signed webhooks at a steady rate
    (sb_chaosload, 20/s by default) while, for a fixed number of rounds, a
    process chosen at random among the broker, the actors and the sender
    is SIGKILLed; supervise restarts it. Webhooks refused meanwhile (503
    while the broker is down) are posted again a second later, as Twilio
    retries.

    At the end (the load stopped, the broker's backlog 0) every webhook
    ingress accepted produced exactly one message at the fake Twilio (to
    its employee, answering them), one never accepted produced none unless
    it may have been stored (then at most one), each "log 2 hours" was
    written exactly once, no request was unauthorised, the dead-letter
    stream is empty, and supervise restarted each program exactly as often
    as it was killed. The counts are printed.

    Rounds are paced by sleeps on purpose (a fault every 1 to 4 s); every
    wait for the fleet is a poll with a deadline. The seed of the victims
    and pauses is printed; --seed (or SB_CHAOS_SEED) replays them.

    Usage: test_chaos_kills SUPERVISE BINDIR TEMPLATES [--seed N] [--rounds N]
                            [--rate R]
    Exits 77 (skipped) without redis-server.                               */

#include "sb_chaosfleet.h"
#include "sb_chaosload.h"
#include "sb_testhttp.h"
#include "sb_testtwilio.h"
#include "sb_testworld.h"
#include <signal.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_ROUNDS       16
#define S_RATE         20.0       //  webhooks per second
#define S_PAUSE_MIN_MS 1000       //  between two kills
#define S_PAUSE_MAX_MS 4000
#define S_TAIL_MS      2000       //  load after the last round
#define S_RETRY_MS     1000       //  a refused webhook is posted again after this ...
#define S_MAX_POSTS    20         //  ... this many times at most
#define S_DRAIN_MS     90000      //  for the backlog to empty at the end
#define S_FIRST_MS     30000      //  for the first message to reach the fake

//  What can be killed: the broker, each actor instance, the sender
static const struct {
    const char *program;
    int instance;
} s_victims [] = {
    { "broker", 1 }, { "planner", 1 }, { "planner", 2 }, { "timesheet", 1 },
    { "branding", 1 }, { "quality", 1 }, { "sender", 1 }
};
#define S_VICTIMS (sizeof s_victims / sizeof s_victims [0])

typedef struct {
    const char *supervise, *bindir, *templates;
    uint64_t seed;
    int rounds;
    double rate;
} s_options_t;

typedef struct {
    s_options_t options;
    uint64_t random;                //  splitmix64's state, from the seed
    sb_chaosfleet_t *fleet;
    sb_chaosload_t *load;
    int kills [S_VICTIMS];
} s_chaos_t;

//  The next number of the seeded sequence (splitmix64).
static uint64_t
s_random (s_chaos_t *self)
{
    uint64_t value = (self->random += 0x9e3779b97f4a7c15ULL);
    value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
    value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
    return value ^ (value >> 31);
}

//  --------------------------------------------------------------------------
//  The fleet and its load

static int
s_setup (void **state)
{
    s_chaos_t *self = (s_chaos_t *) *state;
    printf ("test_chaos_kills: seed %" PRIu64 " (replay: --seed %" PRIu64 " or SB_CHAOS_SEED=%"
            PRIu64 "), %d rounds, %.0f webhooks/s\n", self->options.seed, self->options.seed,
            self->options.seed, self->options.rounds, self->options.rate);
    fflush (stdout);
    self->random = self->options.seed;
    sb_chaosfleet_config_t config = { .max_backlog = 10000000, .sender_attempts = 6,
                                      .lookup_delay_ms = 100,
                                      //  short: a killed broker costs the load little
                                      .publish_timeout_ms = 300 };
    self->fleet = sb_chaosfleet_new (self->options.supervise, self->options.bindir,
                                     self->options.templates, &config);
    return self->fleet? 0: -1;
}

static int
s_teardown (void **state)
{
    s_chaos_t *self = (s_chaos_t *) *state;
    sb_chaosload_destroy (&self->load);
    return sb_chaosfleet_destroy (&self->fleet);
}

//  Starts the load, with an employee registered for every webhook it may
//  make, and waits until the first message reached the fake.
static void
s_load_start (s_chaos_t *self)
{
    sb_chaosload_options_t options = {
        .port = self->fleet->ingress_port, .rate = self->options.rate,
        .retry_ms = S_RETRY_MS, .max_posts = S_MAX_POSTS, .connections = 48,
        .capacity = (size_t) (self->options.rate * (self->options.rounds * 6 + 60)) };
    assert_int_equal (sb_chaosload_register (self->fleet->redis, options.capacity), 0);
    self->load = sb_chaosload_new (&options);
    assert_non_null (self->load);
    int64_t deadline = zclock_mono () + S_FIRST_MS;
    json_int_t creates = 0;
    while (creates == 0 && zclock_mono () < deadline) {
        json_t *fake = sb_testtwilio_fake_state (self->fleet->twilio_port);
        creates = json_integer_value (json_object_get (fake, "creates"));
        json_decref (fake);
        zclock_sleep (50);
    }
    if (creates == 0)
        fail_msg ("no message reached the fake Twilio within %d ms", S_FIRST_MS);
}

//  --------------------------------------------------------------------------
//  The rounds

//  One round: a pause, then SIGKILL to a victim chosen at random, and the
//  wait for supervise to have it back (and the broker every worker).
static void
s_round (s_chaos_t *self, int round)
{
    int pause = S_PAUSE_MIN_MS
              + (int) (s_random (self) % (S_PAUSE_MAX_MS - S_PAUSE_MIN_MS + 1));
    size_t victim = (size_t) (s_random (self) % S_VICTIMS);
    zclock_sleep (pause);           //  the faults' pace, not a synchronisation
    const char *program = s_victims [victim].program;
    int instance = s_victims [victim].instance;
    int pid = sb_chaosfleet_pid (self->fleet, program, instance, NULL);
    if (pid <= 0)
        fail_msg ("round %d: %s[%d] is not running", round, program, instance);
    assert_int_equal (kill (pid, SIGKILL), 0);
    self->kills [victim]++;
    int64_t killed = zclock_mono ();
    int back = sb_chaosfleet_wait_restarted (self->fleet, program, instance, pid);
    if (back <= 0)
        fail_msg ("round %d: %s[%d] did not come back", round, program, instance);
    sb_chaosload_counts_t counts;
    assert_int_equal (sb_chaosload_counts (self->load, &counts), 0);
    printf ("test_chaos_kills: round %2d: after %4d ms SIGKILL %s[%d] (pid %d), back as %d in "
            "%4" PRId64 " ms; webhooks %zu, accepted %zu, refusals %zu\n", round, pause,
            program, instance, pid, back, zclock_mono () - killed, counts.webhooks,
            counts.accepted, counts.refusals);
    fflush (stdout);
}

//  --------------------------------------------------------------------------
//  The end

//  Prints the ledger's refusals by their last reason.
static void
s_print_refusals (const sb_chaosload_webhook_t *ledger, size_t count)
{
    zhashx_t *reasons = zhashx_new ();
    for (size_t index = 0; index < count; index++)
        if (ledger [index].refusals) {
            size_t seen = (size_t) zhashx_lookup (reasons, ledger [index].reason);
            zhashx_update (reasons, ledger [index].reason, (void *) (seen + 1));
        }
    for (void *seen = zhashx_first (reasons); seen; seen = zhashx_next (reasons))
        printf ("  %5zu webhooks last refused with: %s\n", (size_t) seen,
                (const char *) zhashx_cursor (reasons));
    zhashx_destroy (&reasons);
}

//  Prints the counts: webhooks, messages, kills and restarts per program.
static void
s_report (s_chaos_t *self, const sb_chaosload_tally_t *tally, size_t webhooks, size_t posts,
          size_t accepted)
{
    printf ("test_chaos_kills: seed %" PRIu64 ": %zu webhooks sent (%zu posts), %zu accepted, "
            "%zu never accepted; %zu messages at the fake Twilio: %zu exactly once, %zu lost, "
            "%zu duplicated (%zu extra), %zu for refused webhooks (%zu of them maybe stored), "
            "%zu stray; %zu hours not written once\n", self->options.seed, webhooks, posts,
            accepted, webhooks - accepted, tally->messages, tally->once, tally->lost,
            tally->duplicated, tally->extra, tally->refused_sent + tally->unsure_sent,
            tally->unsure_sent, tally->stray, tally->entries_wrong);
    for (size_t victim = 0; victim < S_VICTIMS; victim++) {
        int restarts = -1;
        sb_chaosfleet_pid (self->fleet, s_victims [victim].program, s_victims [victim].instance,
                           &restarts);
        printf ("  %s[%d]: %d kills, %d restarts\n", s_victims [victim].program,
                s_victims [victim].instance, self->kills [victim], restarts);
        if (restarts != self->kills [victim])
            fprintf (stderr, "test_chaos_kills: %s[%d] restarted %d times, killed %d\n",
                     s_victims [victim].program, s_victims [victim].instance, restarts,
                     self->kills [victim]);
        assert_int_equal (restarts, self->kills [victim]);
    }
}

//  The load stopped and the fleet drained: checks what reached the fake.
static void
s_check (s_chaos_t *self)
{
    json_t *fake = sb_testtwilio_fake_state (self->fleet->twilio_port);
    assert_non_null (fake);
    size_t count;
    const sb_chaosload_webhook_t *ledger = sb_chaosload_ledger (self->load, &count);
    sb_chaosload_counts_t counts;
    memset (&counts, 0, sizeof counts);
    for (size_t index = 0; index < count; index++) {
        counts.posts += (size_t) ledger [index].posts;
        counts.accepted += ledger [index].accepted;
    }
    sb_chaosload_tally_t tally;
    int matched = sb_chaosload_match (self->load, json_object_get (fake, "messages"),
                                      self->fleet->redis, &tally);
    json_int_t unauthorized = json_integer_value (json_object_get (fake, "unauthorized"));
    json_decref (fake);
    s_print_refusals (ledger, count);
    s_report (self, &tally, count, counts.posts, counts.accepted);
    long long dead = sb_chaosfleet_dead_letters (self->fleet);
    printf ("  dead letters: %lld; unauthorised requests at the fake: %lld\n", dead,
            (long long) unauthorized);
    fflush (stdout);
    self->fleet->keep = matched != 0 || dead != 0;
    assert_int_equal (matched, 0);
    assert_int_equal (dead, 0);
    assert_int_equal (unauthorized, 0);
}

//  The chaos: load, rounds of kills, then everything drained and checked.
static void
test_kills (void **state)
{
    s_chaos_t *self = (s_chaos_t *) *state;
    s_load_start (self);
    for (int round = 1; round <= self->options.rounds; round++)
        s_round (self, round);
    zclock_sleep (S_TAIL_MS);        //  the load goes on a little, unharmed
    assert_int_equal (sb_chaosload_stop (self->load, S_RETRY_MS * S_MAX_POSTS + 30000), 0);
    bool drained = sb_chaosfleet_wait_drained (self->fleet, S_DRAIN_MS);
    self->fleet->keep = !drained;
    assert_true (drained);
    s_check (self);
}

//  --------------------------------------------------------------------------
//  The command line

//  Reads the command line into options. Returns 0, or -1 with the usage
//  on stderr.
static int
s_parse (int argc, char *argv [], s_options_t *options)
{
    const char *seed = getenv ("SB_CHAOS_SEED");
    options->seed = seed && *seed? strtoull (seed, NULL, 10)
                  : (uint64_t) zclock_time () * 1000003u ^ (uint64_t) getpid ();
    options->rounds = S_ROUNDS;
    options->rate = S_RATE;
    int positional = 0;
    for (int index = 1; index < argc; index++) {
        const char *value = index + 1 < argc? argv [index + 1]: NULL;
        if (streq (argv [index], "--seed") && value)
            options->seed = strtoull (argv [++index], NULL, 10);
        else
        if (streq (argv [index], "--rounds") && value)
            options->rounds = atoi (argv [++index]);
        else
        if (streq (argv [index], "--rate") && value)
            options->rate = atof (argv [++index]);
        else
        if (positional < 3 && argv [index][0] != '-') {
            const char **targets [] = { &options->supervise, &options->bindir,
                                        &options->templates };
            *targets [positional++] = argv [index];
        }
        else
            positional = -1;
    }
    if (positional == 3 && options->rounds > 0 && options->rate > 0 && options->rate <= 1000)
        return 0;
    fprintf (stderr, "Usage: test_chaos_kills SUPERVISE BINDIR TEMPLATES [--seed N] "
             "[--rounds N] [--rate R]\n");
    return -1;
}

int
main (int argc, char *argv [])
{
    s_chaos_t chaos;
    memset (&chaos, 0, sizeof chaos);
    if (s_parse (argc, argv, &chaos.options))
        return SB_TESTWORLD_USAGE;
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_kills, s_setup, s_teardown, &chaos),
    };
    return sb_chaosfleet_run (tests, sizeof tests / sizeof tests [0]);
}
