/*  test_e2e.c — the whole conversation end to end (issue 7): a real
    redis-server with the demo data (timesheet-demo, entries until today),
    the broker, ingress, the planner, timesheet, branding and quality
    actors, and the sender in Twilio mode against the fake Twilio
    (tests/fakes/fake_twilio), each a process on this machine. The test
    posts webhooks as Twilio (signed SMS) and as the WhatsApp gateway, and
    asserts what reached the fake: exactly one well-formed message per
    webhook — to whoever wrote, from the tenant's number, saying what the
    demo data says — and nothing else; then the same when Twilio answers
    500 once, when the sender is killed mid-request, when a webhook comes
    three times and when the broker is killed in the middle of the flow.
    Every case ends with an empty backlog and no dead letter.

    "Now" is the wall clock: ingress stamps the inbound envelope, and the
    planner's periods start from that stamp. The expected figures are read
    from the demo's entries in Redis for the same London dates; a case that
    straddles London's midnight skips its figures, saying so.

    Synchronisation is polling with deadlines: the fake's /_fake/messages
    and the broker's STATS (backlog 0: every accepted message done or
    dead-lettered). No fixed sleep.

    Usage: test_e2e BROKER INGRESS PLANNER TIMESHEET BRANDING QUALITY SENDER
                    FAKE_TWILIO TIMESHEET_DEMO [TEST]
    Exits 77 (skipped) without redis-server.                               */

#include "sb_testingress.h"
#include "sb_teststream.h"
#include "sb_date.h"
#include "sb_tz.h"
#include <hiredis/hiredis.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_ACCOUNT       SB_TESTINGRESS_ACCOUNT
#define S_TOKEN         SB_TESTINGRESS_TOKEN
#define S_SECRET        SB_TESTINGRESS_SECRET
#define S_TENANT        "demo"
#define S_ZONE          "Europe/London"
#define S_TENANT_NUMBER "+15557654321"      //  the demo tenant's number: From
#define S_FALLBACK_FROM "+15550000000"      //  TWILIO_PHONE_NUMBER: never used here
#define S_DANA          "+15551234567"
#define S_PRIYA         "+15551234569"      //  on WhatsApp in the directory
#define S_STRANGER      "+15559999999"      //  in no directory
#define S_WAIT_MS       SB_TESTWORLD_WAIT_MS
#define S_HTTP_MS       10000

//  The programs, in main's order (the world's: the broker, then ingress)
enum { S_BROKER, S_INGRESS, S_PLANNER, S_TIMESHEET, S_BRANDING, S_QUALITY, S_SENDER,
       S_FAKE, S_DEMO, S_PROGRAMS };

//  The fleet's one config file (as fleet/switchboard.zpl is): the broker's
//  timings short so that a dead peer is noticed within a second, the
//  sender's service given the attempts its never-twice protocol takes
//  (docs/actors/sender.md), the sender's Twilio time-out short so that a
//  stalled request is settled within seconds
static const char *s_config =
    "#   test_e2e: the fleet's config, with short timings\n"
    "broker\n"
    "    heartbeat = 100\n"
    "    liveness = 3\n"
    "    visibility = 1000\n"
    "    poll = 20\n"
    "services\n"
    "    default\n"
    "        max-attempts = 3\n"
    "        initial-interval = 20\n"
    "        max-interval = 100\n"
    "        lease = 5000\n"
    "    sender\n"
    "        max-attempts = 6\n"
    "sender\n"
    "    twilio\n"
    "        timeout = 2000\n"
    "        lookup_delay = 100\n"
    "        clock_skew = 2000\n";

//  One case's fleet: its world (Redis, broker-a, ingress as the server,
//  the actors and the fake as processes) and what the test keeps track of.
typedef struct {
    sb_testworld_t *world;
    char *const *programs;
    int twilio_port;                     //  the fake's
    char port_file [SB_TESTWORLD_PATH_MAX];
    sb_testproc_t *sender;               //  the running sender
    unsigned senders;                    //  started so far, for instance names
    redisContext *redis;                 //  for the demo's entries and sb:dlq
    sb_tz_t *zone;
    size_t expected;                     //  messages the fake should hold
} s_fleet_t;

//  --------------------------------------------------------------------------
//  The fake Twilio's state and script

//  The fake's /_fake/messages answer (caller decrefs); fails the test if
//  the fake does not answer.
static json_t *
s_fake_state (s_fleet_t *self)
{
    json_t *state = sb_testtwilio_fake_state (self->twilio_port);
    if (!state)
        fail_msg ("the fake Twilio did not answer /_fake/messages");
    return state;
}

//  A counter of the fake's state: requests, creates, lists, unauthorized.
static json_int_t
s_fake_count (const json_t *state, const char *name)
{
    return json_integer_value (json_object_get (state, name));
}

//  Appends steps (one per line, fake_twilio --help) to the fake's script.
static void
s_fake_script (s_fleet_t *self, const char *steps)
{
    assert_int_equal (sb_testtwilio_fake_script (self->twilio_port, steps), 0);
}

//  --------------------------------------------------------------------------
//  The fleet

//  Reads the fake's port from its port file, polled until it is there.
//  Returns the port, or -1 after S_WAIT_MS.
static int
s_read_port (const char *path)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (zclock_mono () < deadline) {
        FILE *file = fopen (path, "r");
        int port = -1;
        if (file && fscanf (file, "%d", &port) != 1)
            port = -1;
        if (file)
            fclose (file);
        if (port > 0)
            return port;
        zclock_sleep (10);
    }
    return -1;
}

//  Writes the demo data (timesheet-demo, entries until today in London)
//  into the world's Redis. Returns 0, or -1 with its output on stderr.
static int
s_demo_data (s_fleet_t *self)
{
    char log [SB_TESTWORLD_PATH_MAX], output [2048];
    sb_testworld_path (self->world, "timesheet-demo.log", log, sizeof log);
    char *argv [] = { self->programs [S_DEMO], "--redis",
                      (char *) sb_testredis_url (self->world->redis), NULL };
    int status = sb_testproc_run (argv, log, output, sizeof output, S_WAIT_MS);
    if (status)
        fprintf (stderr, "test_e2e: timesheet-demo exited %d:\n%s\n", status, output);
    return status? -1: 0;
}

//  Starts the fake Twilio on a port of its choosing. Returns 0 or -1.
static int
s_fake_start (s_fleet_t *self)
{
    sb_testworld_path (self->world, "fake_twilio.port", self->port_file, sizeof self->port_file);
    char *argv [] = { self->programs [S_FAKE], "--account", S_ACCOUNT, "--token", S_TOKEN,
                      "--port", "0", "--port-file", self->port_file, NULL };
    if (!sb_testworld_spawn (self->world, argv, "fake_twilio"))
        return -1;
    self->twilio_port = s_read_port (self->port_file);
    return self->twilio_port > 0? 0: -1;
}

//  Starts the actor program (one of S_PLANNER..S_SENDER) on broker-a, the
//  world's Redis and the fleet's config, as instance. Returns it (the
//  world's to stop), or NULL.
static sb_testproc_t *
s_actor_start (s_fleet_t *self, int program, const char *instance)
{
    sb_testworld_t *world = self->world;
    char *argv [] = { self->programs [program], "-b", world->brokers [0].endpoint,
                      "-r", (char *) sb_testredis_url (world->redis),
                      "-c", world->brokers [0].config, "-i", (char *) instance, NULL };
    return sb_testworld_spawn (world, argv, instance);
}

//  Starts a sender in Twilio mode against the fake, its settings in its
//  environment only (set in this process while it starts), and waits until
//  the broker has it as the sender service's one worker. Returns 0 or -1.
static int
s_sender_start (s_fleet_t *self)
{
    static const char *instances [] = { "sender-1", "sender-2", "sender-3" };
    if (self->senders == sizeof instances / sizeof instances [0])
        return -1;
    char base [64];
    snprintf (base, sizeof base, "http://127.0.0.1:%d", self->twilio_port);
    setenv ("TWILIO_API_BASE", base, 1);
    setenv ("TWILIO_ACCOUNT_SID", S_ACCOUNT, 1);
    setenv ("TWILIO_AUTH_TOKEN", S_TOKEN, 1);
    setenv ("TWILIO_PHONE_NUMBER", S_FALLBACK_FROM, 1);
    self->sender = s_actor_start (self, S_SENDER, instances [self->senders++]);
    unsetenv ("TWILIO_API_BASE");
    unsetenv ("TWILIO_ACCOUNT_SID");
    unsetenv ("TWILIO_AUTH_TOKEN");
    unsetenv ("TWILIO_PHONE_NUMBER");
    return self->sender && sb_testworld_wait_workers (self->world, 0, "sender", 1)? 0: -1;
}

//  Starts the conversation actors and waits until each is a worker.
//  Returns 0 or -1.
static int
s_actors_start (s_fleet_t *self)
{
    const char *names [] = { "planner", "timesheet", "branding", "quality" };
    for (int program = S_PLANNER; program <= S_QUALITY; program++)
        if (!s_actor_start (self, program, names [program - S_PLANNER]))
            return -1;
    for (int program = S_PLANNER; program <= S_QUALITY; program++)
        if (!sb_testworld_wait_workers (self->world, 0, names [program - S_PLANNER], 1))
            return -1;
    return 0;
}

//  Starts ingress in front of broker-a, checking Twilio's signatures with
//  the fleet's token and the gateway's secret, SMS for tenant demo.
static int
s_ingress_start (s_fleet_t *self)
{
    const char *env [] = { "TWILIO_AUTH_TOKEN=" S_TOKEN, "INTERNAL_SECRET=" S_SECRET, NULL };
    const char *args [] = { "-t", S_TENANT, "--threads", "4", NULL };
    return sb_testingress_launch (self->world, env, args);
}

//  Starts the whole fleet in the fleet's world. Returns 0, or -1 with the
//  reason on stderr.
static int
s_fleet_start (s_fleet_t *self)
{
    char err [256];
    self->zone = sb_tz_load (S_ZONE, err, sizeof err);
    if (!self->zone) {
        fprintf (stderr, "test_e2e: %s\n", err);
        return -1;
    }
    if (sb_testworld_redis_start (self->world, NULL) || s_demo_data (self)
    ||  s_fake_start (self) || sb_testworld_broker_start (self->world, 0, s_config)
    ||  s_actors_start (self) || s_sender_start (self) || s_ingress_start (self))
        return -1;
    self->redis = sb_testredis_connect (self->world->redis);
    return self->redis? 0: -1;
}

//  cmocka setup: a world, and the fleet's record of it (the fleet itself
//  is started by the test, s_started, so that teardown runs whatever
//  fails).
static int
s_setup (void **state)
{
    char *const *programs = (char *const *) *state;
    if (sb_testworld_setup (state))
        return -1;
    s_fleet_t *self = (s_fleet_t *) calloc (1, sizeof (s_fleet_t));
    if (!self) {
        sb_testworld_teardown (state);
        return -1;
    }
    self->world = (sb_testworld_t *) *state;
    self->programs = programs;
    *state = self;
    return 0;
}

//  The case's fleet, started (fails the test if it does not start).
static s_fleet_t *
s_started (void **state)
{
    s_fleet_t *self = (s_fleet_t *) *state;
    assert_int_equal (s_fleet_start (self), 0);
    return self;
}

static int
s_teardown (void **state)
{
    s_fleet_t *self = (s_fleet_t *) *state;
    void *world = self->world;
    if (self->redis)
        redisFree (self->redis);
    sb_tz_destroy (&self->zone);
    free (self);
    return sb_testworld_teardown (&world);
}

//  --------------------------------------------------------------------------
//  What reached the fake

//  Polls the fake until it holds count messages. Returns its state (caller
//  decrefs); fails the test after S_WAIT_MS.
static json_t *
s_wait_messages (s_fleet_t *self, size_t count)
{
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (true) {
        json_t *state = s_fake_state (self);
        size_t held = json_array_size (json_object_get (state, "messages"));
        if (held >= count || zclock_mono () >= deadline) {
            if (held < count)
                fail_msg ("the fake Twilio holds %zu messages after %d ms, expected %zu", held,
                          S_WAIT_MS, count);
            return state;
        }
        json_decref (state);
        zclock_sleep (10);
    }
}

//  Waits until the broker's backlog is empty (the conversation and all it
//  caused are done), then checks that the fake holds exactly the messages
//  expected, every request was authorised, and nothing was dead-lettered.
static void
s_assert_settled (s_fleet_t *self)
{
    assert_true (sb_testworld_wait_drained (self->world, 0));
    json_t *state = s_fake_state (self);
    size_t held = json_array_size (json_object_get (state, "messages"));
    if (held != self->expected) {
        char *text = json_dumps (state, JSON_INDENT (2));
        fail_msg ("the fake Twilio holds %zu messages, expected %zu:\n%s", held, self->expected,
                  text);
    }
    assert_int_equal (s_fake_count (state, "unauthorized"), 0);
    json_decref (state);
    assert_int_equal (sb_teststream_length (self->world->redis, "sb:dlq"), 0);
    json_t *stats = sb_testworld_stats (self->world, 0);
    assert_non_null (stats);
    assert_int_equal (json_integer_value (json_object_get (stats, "dead_letters")), 0);
    json_decref (stats);
}

//  Checks that message is a well-formed message of the fake's account, to
//  to, from from. Returns its body (borrowed from message).
static const char *
s_check_message (const json_t *message, const char *to, const char *from)
{
    const char *sid = json_string_value (json_object_get (message, "sid"));
    const char *body = json_string_value (json_object_get (message, "body"));
    assert_non_null (sid);
    assert_int_equal (strlen (sid), 34);
    assert_int_equal (strncmp (sid, "SM", 2), 0);
    assert_string_equal (json_string_value (json_object_get (message, "account_sid")), S_ACCOUNT);
    assert_string_equal (json_string_value (json_object_get (message, "to")), to);
    assert_string_equal (json_string_value (json_object_get (message, "from")), from);
    assert_string_equal (json_string_value (json_object_get (message, "status")), "queued");
    assert_non_null (body);
    assert_true (strlen (body) > 0);
    if (getenv ("SB_TEST_VERBOSE"))
        printf ("  %s -> %s: %s\n", from, to, body);
    return body;
}

//  Waits for the one new message the last webhook causes, to to (E.164;
//  with "whatsapp:" on both addresses for whatsapp), and for the fleet to
//  settle with nothing more sent. Returns its body (caller frees).
static char *
s_reply (s_fleet_t *self, const char *to, bool whatsapp)
{
    char to_address [64], from_address [64];
    snprintf (to_address, sizeof to_address, "%s%s", whatsapp? "whatsapp:": "", to);
    snprintf (from_address, sizeof from_address, "%s%s", whatsapp? "whatsapp:": "",
              S_TENANT_NUMBER);
    self->expected++;
    json_t *state = s_wait_messages (self, self->expected);
    json_t *message = json_array_get (json_object_get (state, "messages"), self->expected - 1);
    char *body = strdup (s_check_message (message, to_address, from_address));
    json_decref (state);
    s_assert_settled (self);
    return body;
}

//  --------------------------------------------------------------------------
//  Webhooks

//  Makes params the inbound SMS from `from` to the tenant saying text, with
//  a new MessageSid in sid (which params borrow, as they borrow text).
static void
s_sms (s_fleet_t *self, sb_testtwilio_params_t *params, char sid [SB_TESTINGRESS_SID_SIZE],
       const char *from, const char *text)
{
    sb_testingress_new_sid (self->world, sid);
    sb_testtwilio_sms (params, sid, S_ACCOUNT, from, S_TENANT_NUMBER, text);
}

//  POSTs params to /webhook/sms signed as Twilio signs, and checks the
//  answer: 200 with an empty TwiML Response.
static void
s_post_sms (s_fleet_t *self, const sb_testtwilio_params_t *params)
{
    sb_testhttp_answer_t answer;
    assert_int_equal (sb_testtwilio_post_signed (self->world->port, S_TOKEN, "/webhook/sms",
                                                 NULL, params, &answer), 0);
    assert_int_equal (sb_testingress_expect_twiml (&answer), 0);
}

//  Texts the fleet from `from` as Twilio would, and returns the body of
//  the one reply (caller frees).
static char *
s_text (s_fleet_t *self, const char *from, const char *text)
{
    sb_testtwilio_params_t params;
    char sid [SB_TESTINGRESS_SID_SIZE];
    s_sms (self, &params, sid, from, text);
    s_post_sms (self, &params);
    return s_reply (self, from, false);
}

//  Sends text from `from` (E.164) as the WhatsApp gateway would, and
//  returns the body of the one reply (caller frees).
static char *
s_whatsapp (s_fleet_t *self, const char *from, const char *text)
{
    char id [32], jid [64];
    snprintf (id, sizeof id, "WA%08x%08x", (unsigned) getpid (), ++self->world->serial);
    snprintf (jid, sizeof jid, "%s@s.whatsapp.net", from + 1);
    json_t *json = json_pack ("{s:s, s:{s:[{s:{s:s, s:s}, s:s, s:i, s:{s:s}}]}}",
                              "tenantId", S_TENANT, "payload", "messages", "key", "id", id,
                              "remoteJid", jid, "pushName", "E2E", "messageTimestamp",
                              (int) time (NULL), "message", "conversation", text);
    char *body = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    const char *headers [] = { "Content-Type: application/json",
                               "X-Internal-Secret: " S_SECRET, NULL };
    sb_testhttp_request_t request = { "POST", "/webhook/whatsapp/incoming", headers, body };
    sb_testhttp_answer_t answer;
    assert_int_equal (sb_testhttp_send (self->world->port, &request, S_HTTP_MS, &answer), 0);
    free (body);
    assert_int_equal (sb_testhttp_expect (&answer, 200, NULL), 0);
    return s_reply (self, from, true);
}

//  --------------------------------------------------------------------------
//  The demo data, as the replies should state it

//  Today's date in the tenant's zone, as an sb_date day number.
static int32_t
s_today (s_fleet_t *self)
{
    sb_tz_civil_t civil;
    sb_tz_civil (self->zone, zclock_time (), &civil);
    return civil.days;
}

//  The hours the demo employee id logged from day first to day last (sum
//  of the entries stored in sb:ts:{demo:<id>}:entries, docs/tenants.md).
static double
s_logged (s_fleet_t *self, const char *id, int32_t first, int32_t last)
{
    redisReply *reply = (redisReply *) redisCommand (
        self->redis, "ZRANGEBYSCORE sb:ts:{" S_TENANT ":%s}:entries %d %d", id, (int) first,
        (int) last);
    assert_true (reply && reply->type == REDIS_REPLY_ARRAY);
    double hours = 0;
    for (size_t index = 0; index < reply->elements; index++) {
        json_t *entry = json_loads (reply->element [index]->str, 0, NULL);
        assert_true (json_is_number (json_object_get (entry, "hours")));
        hours += json_number_value (json_object_get (entry, "hours"));
        json_decref (entry);
    }
    freeReplyObject (reply);
    return hours;
}

static void
s_assert_contains (const char *text, const char *part)
{
    if (!strstr (text, part))
        fail_msg ("'%s' does not contain '%s'", text, part);
}

//  Asks text from `from` (through the WhatsApp gateway if whatsapp, else
//  by SMS) and checks that the one reply contains part.
static void
s_ask (s_fleet_t *self, bool whatsapp, const char *from, const char *text, const char *part)
{
    char *body = whatsapp? s_whatsapp (self, from, text): s_text (self, from, text);
    s_assert_contains (body, part);
    free (body);
}

//  Checks that text states hours as the planner writes them ("8 hours",
//  "7.5 hours", "1 hour"), or as branding shortens them ("7.5h").
static void
s_assert_hours (const char *text, double hours)
{
    char number [32], long_form [48], short_form [48];
    snprintf (number, sizeof number, "%.2f", hours);
    char *end = number + strlen (number) - 1;
    while (*end == '0')
        *end-- = 0;
    if (*end == '.')
        *end = 0;
    snprintf (long_form, sizeof long_form, " %s hour", number);
    snprintf (short_form, sizeof short_form, " %sh", number);
    if (!strstr (text, long_form) && !strstr (text, short_form))
        fail_msg ("'%s' does not state %s hours", text, number);
}

//  "Wed 4" for a day number: how the planner names a day in a list.
static void
s_day_name (int32_t day, char *name, size_t size)
{
    static const char *weekdays [] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    int year, month, number;
    sb_date_to_civil (day, &year, &month, &number);
    snprintf (name, size, "%s %d", weekdays [sb_date_weekday (day)], number);
}

//  True, with a note on stdout, if London's date moved from day during a
//  conversation: its figures then belong to either day.
static bool
s_midnight_passed (s_fleet_t *self, int32_t day)
{
    if (s_today (self) == day)
        return false;
    printf ("test_e2e: London's midnight passed during the conversation: its figures "
            "are not checked\n");
    return true;
}

//  --------------------------------------------------------------------------
//  The cases

//  Dana asks about this week by SMS: her total this week, from the demo.
static void
s_check_week (s_fleet_t *self)
{
    int32_t today = s_today (self), monday = sb_date_week_start (today);
    char *body = s_text (self, S_DANA, "how many hours this week?");
    s_assert_contains (body, "Hi Dana");
    s_assert_contains (body, "Acme HR");                  //  the tenant's sign-off
    double total = s_logged (self, "D001", monday, monday + 6);
    if (!s_midnight_passed (self, today) && total > 0) {
        s_assert_contains (body, "logged this week");
        s_assert_hours (body, total);
    }
    else
    if (!s_midnight_passed (self, today))
        s_assert_contains (body, "no hours logged this week");
    free (body);
}

//  Yesterday's hours, then the missing days of this week.
static void
s_check_yesterday_and_missing (s_fleet_t *self)
{
    int32_t today = s_today (self), monday = sb_date_week_start (today);
    char *body = s_text (self, S_DANA, "how many hours yesterday?");
    double yesterday = s_logged (self, "D001", today - 1, today - 1);
    if (!s_midnight_passed (self, today)) {
        s_assert_contains (body, yesterday > 0? "logged yesterday": "no hours logged yesterday");
        if (yesterday > 0)
            s_assert_hours (body, yesterday);
    }
    free (body);
    body = s_text (self, S_DANA, "what am I missing?");
    size_t missing = 0;
    for (int32_t day = monday; day < today; day++) {
        int weekday = sb_date_weekday (day);
        if (weekday == 0 || weekday == 6 || s_logged (self, "D001", day, day) > 0)
            continue;
        char name [32];
        s_day_name (day, name, sizeof name);
        if (!s_midnight_passed (self, today))
            s_assert_contains (body, name);
        missing++;
    }
    if (!s_midnight_passed (self, today) && missing == 0)
        s_assert_contains (body, "nothing is missing this week");
    free (body);
}

//  Dana logs two hours on Internal for yesterday; asked again, yesterday
//  has them.
static void
s_log_then_check (s_fleet_t *self)
{
    int32_t today = s_today (self);
    double before = s_logged (self, "D001", today - 1, today - 1);
    char *body = s_text (self, S_DANA, "log 2 hours on Internal yesterday");
    char day [32];
    s_day_name (today - 1, day, sizeof day);
    if (!s_midnight_passed (self, today)) {
        s_assert_contains (body, "2 hours on Internal for");
        s_assert_contains (body, day);
        assert_true (s_logged (self, "D001", today - 1, today - 1) == before + 2);
    }
    free (body);
    body = s_text (self, S_DANA, "how many hours yesterday?");
    if (!s_midnight_passed (self, today))
        s_assert_hours (body, before + 2);
    free (body);
}

//  Every intent by SMS, and a number in no directory: one reply each, to
//  whoever wrote, from the tenant's number, saying what the data says.
static void
test_sms_intents (void **state)
{
    s_fleet_t *self = s_started (state);
    s_check_week (self);
    s_check_yesterday_and_missing (self);
    s_log_then_check (self);
    s_ask (self, false, S_DANA, "hello", "Hi Dana");
    s_ask (self, false, S_DANA, "blah blah", "did not understand");
    char *body = s_text (self, S_STRANGER, "how many hours this week?");
    s_assert_contains (body, "not registered");
    assert_null (strstr (body, "Dana"));
    assert_null (strstr (body, "Acme"));                //  not even who signs
    free (body);
}

//  WhatsApp: Priya (WhatsApp in the directory) through the gateway's
//  webhook; the reply goes to whatsapp:+... from whatsapp:<tenant number>,
//  the total in WhatsApp's bold.
static void
test_whatsapp (void **state)
{
    s_fleet_t *self = s_started (state);
    int32_t today = s_today (self), monday = sb_date_week_start (today);
    char *body = s_whatsapp (self, S_PRIYA, "how many hours this week?");
    s_assert_contains (body, "Hi Priya");
    double total = s_logged (self, "D003", monday, monday + 6);
    if (!s_midnight_passed (self, today) && total > 0) {
        char bold [64];
        snprintf (bold, sizeof bold, "*%g hours*", total);
        s_assert_contains (body, bold);
    }
    free (body);
    s_ask (self, true, S_PRIYA, "hi", "Hi Priya");
    s_ask (self, true, S_STRANGER, "hi", "not registered");
}

//  Checks the fake's request counters: creates create requests, at least
//  lists list requests (the sender's lookups).
static void
s_assert_requests (s_fleet_t *self, json_int_t creates, json_int_t lists)
{
    json_t *fake = s_fake_state (self);
    assert_int_equal (s_fake_count (fake, "creates"), creates);
    assert_true (s_fake_count (fake, "lists") >= lists);
    json_decref (fake);
}

//  Scripts the fake with steps, texts the fleet as Dana, and waits until
//  the fake has created her reply: the sender's request is now at Twilio.
static void
s_text_into (s_fleet_t *self, const char *steps, const char *text)
{
    s_fake_script (self, steps);
    sb_testtwilio_params_t params;
    char sid [SB_TESTINGRESS_SID_SIZE];
    s_sms (self, &params, sid, S_DANA, text);
    s_post_sms (self, &params);
    json_decref (s_wait_messages (self, self->expected + 1));
}

//  Twilio answers 500 once: the sender cannot tell whether Twilio has the
//  message, looks it up, finds nothing, sends again: one message.
static void
test_twilio_500_then_201 (void **state)
{
    s_fleet_t *self = s_started (state);
    s_fake_script (self, "500");
    s_ask (self, false, S_DANA, "how many hours this week?", "Hi Dana");
    s_assert_requests (self, 2, 1);
}

//  The sender is killed while Twilio holds its request (the fake has
//  created the message and stalls the answer); a new sender takes the
//  redelivery, waits the dead claim out, finds the message by lookup and
//  adopts it: one create request, one message.
static void
test_sender_killed (void **state)
{
    s_fleet_t *self = s_started (state);
    s_text_into (self, "stall ms=3000", "how many hours this week?");
    assert_int_equal (sb_testproc_kill (self->sender, SB_TESTWORLD_STOP_MS), 0);
    assert_int_equal (s_sender_start (self), 0);
    char *body = s_reply (self, S_DANA, false);
    s_assert_contains (body, "Hi Dana");
    free (body);
    s_assert_requests (self, 1, 1);
}

//  True if ingress's /metrics says it has counted duplicates duplicates.
static bool
s_ingress_duplicates (s_fleet_t *self, int duplicates)
{
    char *metrics = sb_testhttp_fetch (self->world->port, "GET", "/metrics", NULL, S_HTTP_MS);
    char line [64];
    snprintf (line, sizeof line, "\nsb_ingress_duplicates_total %d\n", duplicates);
    bool found = metrics && strstr (metrics, line);
    if (!found)
        fprintf (stderr, "test_e2e: ingress's /metrics lacks '%s':\n%s\n", line + 1,
                 metrics? metrics: "(no answer)");
    free (metrics);
    return found;
}

//  The same webhook three times (Twilio's retries): twice at once, then
//  once after the reply went out. Each is answered 200, one is processed.
static void
test_same_webhook_three_times (void **state)
{
    s_fleet_t *self = s_started (state);
    sb_testtwilio_params_t params;
    char sid [SB_TESTINGRESS_SID_SIZE], body [SB_TESTTWILIO_BODY_MAX], url [SB_TESTTWILIO_URL_MAX];
    char signature [SB_TWILIO_SIGNATURE_SIZE], header [128];
    s_sms (self, &params, sid, S_DANA, "how many hours this week?");
    assert_int_equal (sb_testtwilio_body (&params, body, sizeof body), 0);
    sb_testtwilio_url (self->world->port, "/webhook/sms", url, sizeof url);
    assert_int_equal (sb_testtwilio_sign (S_TOKEN, url, body, signature), 0);
    snprintf (header, sizeof header, "X-Twilio-Signature: %s", signature);
    const char *headers [] = { "Content-Type: application/x-www-form-urlencoded", header, NULL };
    sb_testhttp_request_t requests [2] = { { "POST", "/webhook/sms", headers, body },
                                           { "POST", "/webhook/sms", headers, body } };
    sb_testhttp_answer_t answers [2];
    assert_int_equal (sb_testhttp_send_all (self->world->port, requests, 2, S_HTTP_MS, answers), 0);
    for (size_t index = 0; index < 2; index++)
        assert_int_equal (sb_testingress_expect_twiml (&answers [index]), 0);
    char *reply = s_reply (self, S_DANA, false);
    s_assert_contains (reply, "Hi Dana");
    free (reply);
    s_post_sms (self, &params);
    s_assert_settled (self);
    assert_true (s_ingress_duplicates (self, 2));
}

//  Kills broker-a with SIGKILL and starts it again on the same endpoint,
//  name, config and Redis.
static void
s_broker_crash (s_fleet_t *self)
{
    assert_int_equal (sb_testworld_broker_kill (self->world, 0), 0);
    assert_int_equal (sb_testworld_broker_restart (self->world, 0), 0);
}

//  The broker is killed and restarted in the middle of the flow: once
//  while the sender's request is at Twilio (the sender's answer goes to a
//  dead broker; the redelivery finds the SID recorded and sends nothing),
//  once right after ingress has the webhook stored. One message each.
static void
test_broker_restarted (void **state)
{
    s_fleet_t *self = s_started (state);
    s_text_into (self, "stall ms=1000", "how many hours this week?");
    s_broker_crash (self);
    char *body = s_reply (self, S_DANA, false);
    s_assert_contains (body, "Hi Dana");
    free (body);
    sb_testtwilio_params_t params;
    char sid [SB_TESTINGRESS_SID_SIZE];
    s_sms (self, &params, sid, S_DANA, "what am I missing?");
    s_post_sms (self, &params);
    s_broker_crash (self);
    body = s_reply (self, S_DANA, false);
    s_assert_contains (body, "Hi Dana");
    free (body);
    s_assert_requests (self, 2, 0);
}

int
main (int argc, char *argv [])
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_sms_intents, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_whatsapp, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_twilio_500_then_201, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_sender_killed, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_same_webhook_three_times, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_broker_restarted, s_setup, s_teardown),
    };
    return sb_testhttp_run (argc, argv, S_PROGRAMS,
                            "BROKER INGRESS PLANNER TIMESHEET BRANDING QUALITY SENDER "
                            "FAKE_TWILIO TIMESHEET_DEMO [TEST]",
                            tests, sizeof tests / sizeof tests [0]);
}
