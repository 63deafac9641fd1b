/*  test_chaos_bounds.c — resource bounds under a dead Twilio (issue 11):
    the whole fleet under bin/supervise (sb_chaosfleet) with a broker whose
    backlog bound is small (broker/max-backlog = 60) takes signed webhooks
    at a steady rate (sb_chaosload, 20/s, refused ones not posted again).
    Once the fleet has sent a few dozen replies, the fake Twilio refuses
    every request (503: nothing is created) for a while, then comes back.

    While Twilio is away: the broker's backlog grows to its bound and no
    further (STATS, every 100 ms), ingress answers 503 saying the broker's
    bound was reached, and the resident memory of the broker and the sender
    (VmRSS) grows by less than 8 MB over the most it was before (24 MB
    under ASan).
    The sender's service keeps fleet/switchboard.zpl's max-attempts (6):
    with a 1 s lookup delay, a reply whose attempts run out while Twilio
    refuses is dead-lettered with the reason (docs/chaos.md).

    When Twilio is back (the test reads the fake's messages, then resets it:
    nothing was created meanwhile, so nothing is forgotten): ingress accepts
    webhooks again, everything drains, the dead letters are the sender's
    with Twilio's 503 as their reason, and DLQ-REPLAY all sends each once.
    Then every webhook ingress accepted has exactly one message, every one
    it refused none, and the dead-letter stream is empty.

    Usage: test_chaos_bounds SUPERVISE BINDIR TEMPLATES
    Exits 77 (skipped) without redis-server.                               */

#include "sb_chaosfleet.h"
#include "sb_chaosload.h"
#include "sb_testtwilio.h"
#include "sb_testutil.h"
#include "sb_testworld.h"
#include <setjmp.h>
#include <cmocka.h>

#define S_BOUND          60         //  broker/max-backlog
#define S_RATE           20.0       //  webhooks per second
#define S_SENDER_TRIES   6          //  services/sender/max-attempts, as fleet/switchboard.zpl
#define S_LOOKUP_MS      1000       //  sender/twilio/lookup_delay
#define S_WARM_MESSAGES  40         //  replies sent before Twilio goes
#define S_OUTAGE_MS      20000      //  Twilio away, counted from the bound's being reached
#define S_RECOVERED      20         //  webhooks accepted again once Twilio is back
#define S_SAMPLE_MS      100        //  between looks at STATS and /proc
#define S_WAIT_MS        30000      //  for each of those to happen
#define S_DRAIN_MS       120000
#define S_DEAD           "503 code=20503 count=1000000 on=any"     //  fake_twilio's script
//  The most the broker's and the sender's resident memory may grow while
//  Twilio refuses (over the most seen before): 8 MB, or 24 MB under ASan,
//  whose shadow and (4 MB, sb_chaosfleet) quarantine grow with the work
#if defined (__has_feature)
#   if __has_feature (address_sanitizer)
#       define S_ASAN 1
#   endif
#endif
#if defined (__SANITIZE_ADDRESS__) || defined (S_ASAN)
#   define S_RSS_GROWTH_KB (24 * 1024)
#else
#   define S_RSS_GROWTH_KB (8 * 1024)
#endif

//  The processes whose memory is watched
static const char *s_watched [] = { "broker", "sender" };
#define S_WATCHED (sizeof s_watched / sizeof s_watched [0])

typedef struct {
    const char *supervise, *bindir, *templates;
    sb_chaosfleet_t *fleet;
    sb_chaosload_t *load;
    json_t *messages;                   //  what the fake had before Twilio came back
    int pids [S_WATCHED];
    long rss_before [S_WATCHED];        //  kB, the most seen before the outage
    long rss_most [S_WATCHED];          //  kB, the most seen during it
    int64_t backlog_most;               //  during the outage
    size_t samples;
} s_bounds_t;

//  --------------------------------------------------------------------------
//  The fleet and its load

static int
s_setup (void **state)
{
    s_bounds_t *self = (s_bounds_t *) *state;
    sb_chaosfleet_config_t config = { .max_backlog = S_BOUND,
                                      .sender_attempts = S_SENDER_TRIES,
                                      .lookup_delay_ms = S_LOOKUP_MS,
                                      //  every 503 here must be the bound's, never
                                      //  a slow answer on a loaded (ASan) machine
                                      .publish_timeout_ms = 2000 };
    self->fleet = sb_chaosfleet_new (self->supervise, self->bindir, self->templates, &config);
    if (!self->fleet)
        return -1;
    sb_chaosload_options_t options = {
        .port = self->fleet->ingress_port, .rate = S_RATE, .retry_ms = 0, .max_posts = 1,
        .connections = 32, .capacity = (size_t) (S_RATE * (S_OUTAGE_MS / 1000 + 120)) };
    if (sb_chaosload_register (self->fleet->redis, options.capacity))
        return -1;
    for (size_t index = 0; index < S_WATCHED; index++)
        self->pids [index] = sb_chaosfleet_pid (self->fleet, s_watched [index], 1, NULL);
    self->load = sb_chaosload_new (&options);
    return self->load? 0: -1;
}

static int
s_teardown (void **state)
{
    s_bounds_t *self = (s_bounds_t *) *state;
    sb_chaosload_destroy (&self->load);
    json_decref (self->messages);
    self->messages = NULL;
    return sb_chaosfleet_destroy (&self->fleet);
}

//  The load's totals (fails the test if its thread does not answer).
static sb_chaosload_counts_t
s_counts (s_bounds_t *self)
{
    sb_chaosload_counts_t counts;
    assert_int_equal (sb_chaosload_counts (self->load, &counts), 0);
    return counts;
}

//  Samples the watched processes' memory into most (kB). Fails the test
//  if one is gone: nothing is killed here.
static void
s_sample_rss (s_bounds_t *self, long most [S_WATCHED])
{
    for (size_t index = 0; index < S_WATCHED; index++) {
        long rss = sb_testutil_rss_kb (self->pids [index]);
        if (rss < 0)
            fail_msg ("%s (pid %d) is gone", s_watched [index], self->pids [index]);
        most [index] = rss > most [index]? rss: most [index];
    }
}

//  --------------------------------------------------------------------------
//  The phases

//  Waits until the fleet has sent S_WARM_MESSAGES replies, noting the
//  watched processes' memory meanwhile.
static void
s_warm_up (s_bounds_t *self)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    json_int_t creates = 0;
    while (creates < S_WARM_MESSAGES && zclock_mono () < deadline) {
        json_t *fake = sb_testtwilio_fake_state (self->fleet->twilio_port);
        creates = json_integer_value (json_object_get (fake, "creates"));
        json_decref (fake);
        s_sample_rss (self, self->rss_before);
        zclock_sleep (S_SAMPLE_MS);
    }
    if (creates < S_WARM_MESSAGES)
        fail_msg ("%d replies expected at the fake within %d ms, %lld came", S_WARM_MESSAGES,
                  S_WAIT_MS, (long long) creates);
}

//  One look during the outage: the backlog (never past the bound) and the
//  memory. Returns the backlog.
static int64_t
s_watch (s_bounds_t *self)
{
    int64_t backlog = sb_chaosfleet_backlog (self->fleet);
    if (backlog > S_BOUND)
        fail_msg ("the broker's backlog is %lld, past its bound %d", (long long) backlog,
                  S_BOUND);
    self->backlog_most = backlog > self->backlog_most? backlog: self->backlog_most;
    s_sample_rss (self, self->rss_most);
    self->samples++;
    return backlog;
}

//  Twilio refuses everything: waits until the backlog reaches its bound
//  and ingress refuses for it, then goes on for S_OUTAGE_MS, watching.
static void
s_outage (s_bounds_t *self)
{
    assert_int_equal (sb_testtwilio_fake_script (self->fleet->twilio_port, S_DEAD), 0);
    int64_t started = zclock_mono (), deadline = started + S_WAIT_MS, full = 0;
    while (!full && zclock_mono () < deadline) {
        if (s_watch (self) == S_BOUND && s_counts (self).over_capacity > 0)
            full = zclock_mono ();
        zclock_sleep (S_SAMPLE_MS);
    }
    if (!full)
        fail_msg ("the backlog did not reach its bound %d with ingress refusing within %d ms "
                  "(%lld at most)", S_BOUND, S_WAIT_MS, (long long) self->backlog_most);
    printf ("test_chaos_bounds: Twilio refusing: the backlog reached its bound (%d) after %lld "
            "ms; %zu webhooks refused for it so far\n", S_BOUND, (long long) (full - started),
            s_counts (self).over_capacity);
    while (zclock_mono () < full + S_OUTAGE_MS) {
        s_watch (self);
        zclock_sleep (S_SAMPLE_MS);
    }
}

//  Twilio is back: keeps what the fake holds (nothing was created since
//  it began refusing), resets it, and waits until ingress accepts again.
static void
s_recover (s_bounds_t *self)
{
    json_t *fake = sb_testtwilio_fake_state (self->fleet->twilio_port);
    assert_non_null (fake);
    self->messages = json_deep_copy (json_object_get (fake, "messages"));
    assert_int_equal (json_integer_value (json_object_get (fake, "unauthorized")), 0);
    json_decref (fake);
    assert_int_equal (sb_testtwilio_fake_reset (self->fleet->twilio_port), 0);
    size_t accepted = s_counts (self).accepted;
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (s_counts (self).accepted < accepted + S_RECOVERED && zclock_mono () < deadline)
        zclock_sleep (S_SAMPLE_MS);
    if (s_counts (self).accepted < accepted + S_RECOVERED)
        fail_msg ("ingress did not accept %d webhooks within %d ms of Twilio's return",
                  S_RECOVERED, S_WAIT_MS);
    assert_int_equal (sb_chaosload_stop (self->load, S_WAIT_MS), 0);
    bool drained = sb_chaosfleet_wait_drained (self->fleet, S_DRAIN_MS);
    self->fleet->keep = !drained;
    assert_true (drained);
}

//  The dead letters (if any) are the sender's, for Twilio's refusals;
//  replays them all and waits until they are sent. Returns how many.
static long long
s_replay (s_bounds_t *self)
{
    long long dead = sb_chaosfleet_dead_letters (self->fleet);
    char count [24];
    snprintf (count, sizeof count, "%lld", dead);
    json_t *letters = dead > 0? sb_chaosfleet_request (self->fleet, "DLQ-LIST", count, 5000)
                              : json_array ();
    assert_int_equal (json_array_size (letters), (size_t) dead);
    size_t index;
    json_t *letter;
    json_array_foreach (letters, index, letter) {
        const char *service = json_string_value (json_object_get (letter, "service"));
        const char *reason = json_string_value (json_object_get (letter, "reason"));
        if (!service || !streq (service, "sender") || !reason || !strstr (reason, "HTTP 503"))
            fail_msg ("a dead letter of %s: %s", service? service: "?", reason? reason: "?");
        if (index == 0)
            printf ("test_chaos_bounds: %lld dead letters, all the sender's; the first: %s\n",
                    dead, reason);
    }
    json_decref (letters);
    if (dead > 0) {
        json_t *replayed = sb_chaosfleet_request (self->fleet, "DLQ-REPLAY", "all", 5000);
        assert_int_equal (json_integer_value (replayed), dead);
        json_decref (replayed);
        assert_true (sb_chaosfleet_wait_drained (self->fleet, S_DRAIN_MS));
    }
    assert_int_equal (sb_chaosfleet_dead_letters (self->fleet), 0);
    return dead;
}

//  Every accepted webhook has exactly one message, among what the fake
//  had before Twilio came back and what it has now; refused ones none.
static void
s_check_messages (s_bounds_t *self, long long replayed)
{
    json_t *fake = sb_testtwilio_fake_state (self->fleet->twilio_port);
    assert_non_null (fake);
    json_array_extend (self->messages, json_object_get (fake, "messages"));
    json_int_t unauthorized = json_integer_value (json_object_get (fake, "unauthorized"));
    json_decref (fake);
    size_t count;
    const sb_chaosload_webhook_t *ledger = sb_chaosload_ledger (self->load, &count);
    size_t accepted = 0, refused = 0;
    const char *reason = NULL;
    for (size_t index = 0; index < count; index++) {
        accepted += ledger [index].accepted;
        refused += ledger [index].over_capacity;
        if (ledger [index].over_capacity && !reason)
            reason = ledger [index].reason;
    }
    sb_chaosload_tally_t tally;
    int matched = sb_chaosload_match (self->load, self->messages, self->fleet->redis, &tally);
    printf ("test_chaos_bounds: %zu webhooks, %zu accepted, %zu refused (503: %s); %zu messages "
            "at the fake Twilio: %zu exactly once, %zu lost, %zu duplicated, %zu for refused "
            "webhooks, %zu stray; %lld replayed from the dead letters\n", count, accepted,
            refused, reason? reason: "-", tally.messages, tally.once, tally.lost,
            tally.duplicated, tally.refused_sent + tally.unsure_sent, tally.stray, replayed);
    self->fleet->keep = matched != 0;
    assert_int_equal (matched, 0);
    assert_int_equal (tally.unsure_sent, 0);
    assert_int_equal (refused + accepted, count);
    assert_non_null (reason);
    assert_non_null (strstr (reason, "over-capacity"));
    assert_int_equal (unauthorized, 0);
}

//  The memory watched grew by less than S_RSS_GROWTH_KB.
static void
s_check_memory (s_bounds_t *self)
{
    for (size_t index = 0; index < S_WATCHED; index++) {
        long growth = self->rss_most [index] - self->rss_before [index];
        printf ("test_chaos_bounds: %s's resident memory: %ld kB before, at most %ld kB while "
                "Twilio refused (%+ld kB; bound +%d kB), %zu samples\n", s_watched [index],
                self->rss_before [index], self->rss_most [index], growth, S_RSS_GROWTH_KB,
                self->samples);
        assert_true (growth < S_RSS_GROWTH_KB);
    }
}

//  Twilio away, then back.
static void
test_bounds (void **state)
{
    s_bounds_t *self = (s_bounds_t *) *state;
    s_warm_up (self);
    s_outage (self);
    s_recover (self);
    long long replayed = s_replay (self);
    s_check_messages (self, replayed);
    s_check_memory (self);
}

int
main (int argc, char *argv [])
{
    if (argc != 4) {
        fprintf (stderr, "Usage: test_chaos_bounds SUPERVISE BINDIR TEMPLATES\n");
        return SB_TESTWORLD_USAGE;
    }
    s_bounds_t bounds;
    memset (&bounds, 0, sizeof bounds);
    bounds.supervise = argv [1];
    bounds.bindir = argv [2];
    bounds.templates = argv [3];
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_prestate_setup_teardown (test_bounds, s_setup, s_teardown, &bounds),
    };
    return sb_chaosfleet_run (tests, sizeof tests / sizeof tests [0]);
}
