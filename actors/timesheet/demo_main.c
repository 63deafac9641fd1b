/*  timesheet-demo — writes the demo tenant into Redis: its profile
    (sb:tenant:demo), four employees in its directory, and a month of
    entries before --until with a few days missing; with --broker, also
    publishes the tenant's first reminder.tick. Running it again changes
    nothing (the same keys, members and idempotency keys).

        timesheet-demo --redis unix:run/redis.sock [--until 2026-03-06]
                       [--broker tcp://127.0.0.1:5555]                     */

#include "sb_timesheet_store.h"
#include "sb_timesheet_reminder.h"
#include "sb_timesheet_report.h"
#include "sb_client.h"
#include "sb_redis.h"
#include "sb_date.h"
#include "sb_tz.h"

#define S_TENANT     "demo"
#define S_ZONE       "Europe/London"
#define S_DAYS       30                 //  the entries cover this many days
#define S_TIMEOUT_MS 5000

//  The demo's people: how much they log, on what, and how often they
//  forget (every gap-th working day; 0: never).
typedef struct {
    const char *id, *name, *phone, *channel;
    double hours [2];                   //  per day, on project [0] and [1]
    const char *projects [2];
    int gap;
} s_person_t;

static const s_person_t s_people [] = {
    { "D001", "Dana", "+15551234567", "sms", { 8, 0 }, { "Acme Portal", NULL }, 9 },
    { "D002", "Sam", "+15551234568", "sms", { 6, 2 }, { "Acme Portal", "Internal" }, 7 },
    { "D003", "Priya", "+15551234569", "whatsapp", { 7.5, 0 }, { "Beta Launch", NULL }, 0 },
    { "D004", "Lee", "+15551234570", "sms", { 4, 4 }, { "Acme Portal", "Beta Launch" }, 5 },
};
#define S_PEOPLE (sizeof s_people / sizeof s_people [0])

typedef struct {
    const char *redis_url;
    const char *broker;                 //  NULL: no first tick
    int32_t until;                      //  entries end the day before
} s_options_t;

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: timesheet-demo [OPTIONS]\n"
        "Writes the demo tenant '" S_TENANT "' into Redis: its profile (sb:tenant:" S_TENANT
        ",\nname Acme, " S_ZONE "), four employees (+15551234567 Dana, +15551234568 Sam,\n"
        "+15551234569 Priya on WhatsApp, +15551234570 Lee) and their entries for the %d days\n"
        "before --until, with a few working days left empty. Safe to run again.\n\n"
        "Options:\n"
        "  -r, --redis URL      tcp://host:port or unix:/path (env SB_REDIS_URL; password\n"
        "                       from REDIS_PASSWORD); required\n"
        "  -u, --until DATE     YYYY-MM-DD, the day after the last entries (default: today\n"
        "                       in " S_ZONE ")\n"
        "  -b, --broker EP      also publish the tenant's first reminder.tick there (env\n"
        "                       SB_BROKER), for this week's reminder time or next week's\n"
        "  -h, --help           this text\n\n"
        "Exit codes: 0 written; 64 bad usage; 69 Redis or the broker unreachable.\n",
        S_DAYS);
}

//  Reads the command line. Returns 0, 1 for --help, or -1 with the reason
//  printed.
static int
s_parse (s_options_t *options, int argc, char *argv [], const sb_tz_t *zone)
{
    options->redis_url = getenv ("SB_REDIS_URL");
    options->broker = getenv ("SB_BROKER");
    sb_tz_civil_t today;
    sb_tz_civil (zone, zclock_time (), &today);
    options->until = today.days;
    for (int index = 1; index < argc; index++) {
        const char *arg = argv [index], *value = index + 1 < argc? argv [index + 1]: NULL;
        if (streq (arg, "-h") || streq (arg, "--help"))
            return 1;
        if (!value) {
            fprintf (stderr, "timesheet-demo: %s: unknown option or missing value (try --help)\n",
                     arg);
            return -1;
        }
        index++;
        if (streq (arg, "-r") || streq (arg, "--redis"))
            options->redis_url = value;
        else
        if (streq (arg, "-b") || streq (arg, "--broker"))
            options->broker = value;
        else
        if (streq (arg, "-u") || streq (arg, "--until")) {
            if (sb_date_parse (value, &options->until)) {
                fprintf (stderr, "timesheet-demo: --until '%s' is not a date as YYYY-MM-DD\n",
                         value);
                return -1;
            }
        }
        else {
            fprintf (stderr, "timesheet-demo: %s: unknown option (try --help)\n", arg);
            return -1;
        }
    }
    if (!options->redis_url || !*options->redis_url) {
        fprintf (stderr, "timesheet-demo: no Redis: give --redis URL or set SB_REDIS_URL\n");
        return -1;
    }
    return 0;
}

//  Writes the tenant's profile (docs/tenants.md).
static int
s_write_tenant (redisContext *redis)
{
    redisReply *reply = redisCommand (redis,
        "HSET sb:tenant:" S_TENANT " name Acme timezone " S_ZONE " sign_off %s number %s "
        "max_segments 3 tone friendly emoji 0 hours_per_day 8 working_days %s reminder %s "
        "deny_list %s", "- Acme HR", "+15557654321", "mon,tue,wed,thu,fri", "fri 15:00",
        "guarantee,lawsuit,confidential");
    int rc = reply && reply->type == REDIS_REPLY_INTEGER? 0: -1;
    if (rc)
        fprintf (stderr, "timesheet-demo: HSET sb:tenant:" S_TENANT ": %s\n",
                 reply? reply->str: redis->errstr);
    freeReplyObject (reply);
    return rc;
}

//  Logs person's day: one entry per project, keyed so that a second run
//  finds them done. Adds to *written and *there.
static int
s_write_day (redisContext *redis, const s_person_t *person, int32_t day, int *written,
             int *there)
{
    static const char *notes [4] = { "client workshop", NULL, "code review", NULL };
    char date [11], key [64], err [512];
    sb_date_format (day, date);
    for (int project = 0; project < 2 && person->hours [project] > 0; project++) {
        json_t *entry = json_pack ("{s:s, s:o, s:s}", "date", date, "hours",
                                   sb_timesheet_hours (person->hours [project]),
                                   "project", person->projects [project]);
        if (notes [day % 4] && project == 0)
            json_object_set_new (entry, "note", json_string (notes [day % 4]));
        snprintf (key, sizeof key, "demo:%s:%s:%d", person->id, date, project);
        json_t *recorded = NULL;
        int rc = sb_timesheet_store_log (redis, S_TENANT, person->id, key, entry, &recorded,
                                         err, sizeof err);
        json_decref (entry);
        json_decref (recorded);
        if (rc == SB_TIMESHEET_OK)
            (*written)++;
        else
        if (rc == SB_TIMESHEET_DUPLICATE || rc == SB_TIMESHEET_REFUSED)
            (*there)++;         //  done before, or its week was submitted since
        else {
            fprintf (stderr, "timesheet-demo: %s %s: %s\n", person->name, date, err);
            return -1;
        }
    }
    return 0;
}

//  Writes the employees and their entries for the S_DAYS days before
//  until, each forgetting every gap-th working day.
static int
s_write_people (redisContext *redis, int32_t until, int *written, int *there)
{
    char err [512];
    for (size_t index = 0; index < S_PEOPLE; index++) {
        const s_person_t *person = &s_people [index];
        if (sb_timesheet_store_put_employee (redis, S_TENANT, person->id, person->name,
                                             person->phone, person->channel, err, sizeof err)) {
            fprintf (stderr, "timesheet-demo: %s: %s\n", person->name, err);
            return -1;
        }
        int working = 0;
        for (int32_t day = until - S_DAYS; day < until; day++) {
            int weekday = sb_date_weekday (day);
            if (weekday == 0 || weekday == 6)
                continue;
            bool forgot = person->gap && (working++ + (int) index) % person->gap == 0;
            if (!forgot && s_write_day (redis, person, day, written, there))
                return -1;
        }
    }
    return 0;
}

//  A new reminder.tick envelope (msgpack) for the first reminder time
//  after now: this week's, or next week's once it has passed. Sets the
//  week's label for messages.
static uint8_t *
s_first_tick (const sb_tz_t *zone, int64_t now_ms, size_t *size, char label [16])
{
    int weekday, hour, minute;
    sb_timesheet_reminder_parse ("fri 15:00", &weekday, &hour, &minute);
    sb_tz_civil_t today;
    sb_tz_civil (zone, now_ms, &today);
    int32_t week = sb_date_week_start (today.days);
    int64_t at = sb_timesheet_reminder_at (zone, week, weekday, hour, minute);
    if (at <= now_ms) {
        week += 7;
        at = sb_timesheet_reminder_at (zone, week, weekday, hour, minute);
    }
    char date [11], key [64], id [SB_ID_LEN + 1], err [256];
    sb_date_format (week, date);
    sb_timesheet_week_label (week, label);
    snprintf (key, sizeof key, "reminder.tick:" S_TENANT ":%s", label);
    sb_idgen_t *ids = sb_idgen_new ();
    sb_idgen_next (ids, now_ms, id);
    sb_idgen_destroy (&ids);
    sb_envelope_t *tick = sb_envelope_new ("reminder.tick");
    sb_envelope_set_id (tick, id);
    sb_envelope_set_key (tick, key);
    sb_envelope_set_corr (tick, "reminders-" S_TENANT);
    sb_envelope_set_src (tick, "timesheet-demo");
    sb_envelope_set_tenant (tick, S_TENANT);
    sb_envelope_set_not_before_ms (tick, at);
    sb_envelope_set_body (tick, json_pack ("{s:s, s:I}", "week_start", date, "scheduled_ms",
                                           (json_int_t) at));
    uint8_t *data = NULL;
    if (sb_envelope_encode (tick, &data, size, err, sizeof err))
        fprintf (stderr, "timesheet-demo: reminder.tick: %s\n", err);
    sb_envelope_destroy (&tick);
    return data;
}

//  Publishes the first reminder.tick to broker. Returns 0 or -1.
static int
s_publish_tick (const char *broker, const sb_tz_t *zone)
{
    char label [16], err [256];
    size_t size = 0;
    uint8_t *data = s_first_tick (zone, zclock_time (), &size, label);
    sb_client_t *client = data? sb_client_new (broker, err, sizeof err): NULL;
    sb_client_reply_t reply = { .outcome = SB_CLIENT_NACK };
    int rc = client? sb_client_publish (client, data, size, S_TIMEOUT_MS, &reply): -1;
    if (data && !client)
        fprintf (stderr, "timesheet-demo: broker %s: %s\n", broker, err);
    else
    if (client && (rc || reply.outcome == SB_CLIENT_NACK))
        fprintf (stderr, "timesheet-demo: broker %s: reminder.tick not taken: %s\n", broker,
                 rc? "no answer": reply.reason);
    else
    if (client)
        printf ("reminder.tick for %s published (%s)\n", label,
                reply.outcome == SB_CLIENT_DUP? "it was already": "new");
    sb_client_destroy (&client);
    free (data);
    return rc == 0 && reply.outcome != SB_CLIENT_NACK? 0: -1;
}

int
main (int argc, char *argv [])
{
    char err [512];
    sb_tz_t *zone = sb_tz_load (S_ZONE, err, sizeof err);
    if (!zone) {
        fprintf (stderr, "timesheet-demo: %s\n", err);
        return 69;
    }
    s_options_t options = { NULL, NULL, 0 };
    int rc = s_parse (&options, argc, argv, zone);
    if (rc) {
        if (rc == 1)
            s_usage (stdout);
        sb_tz_destroy (&zone);
        return rc == 1? 0: 64;
    }
    redisContext *redis = sb_redis_connect (options.redis_url, getenv ("REDIS_PASSWORD"),
                                            S_TIMEOUT_MS, err, sizeof err);
    int written = 0, there = 0;
    if (!redis)
        fprintf (stderr, "timesheet-demo: %s\n", err);
    rc = !redis || s_write_tenant (redis) || s_write_people (redis, options.until, &written,
                                                             &there)? 69: 0;
    if (rc == 0) {
        char from [11], to [11];
        sb_date_format (options.until - S_DAYS, from);
        sb_date_format (options.until - 1, to);
        printf ("tenant " S_TENANT ": %zu employees, %d entries written and %d already there, "
                "%s to %s\n", S_PEOPLE, written, there, from, to);
    }
    if (rc == 0 && options.broker && *options.broker && s_publish_tick (options.broker, zone))
        rc = 69;
    if (redis)
        redisFree (redis);
    sb_tz_destroy (&zone);
    return rc;
}
