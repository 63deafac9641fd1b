/*  sb_zmon_render.c — zmon's text output (see sb_zmon_render.h).          */

#include "sb_zmon_render.h"

#define S_RED   "\033[1;31m"
#define S_RESET "\033[0m"

void
sb_zmon_render_time (int64_t at_ms, char text [32])
{
    time_t seconds = (time_t) (at_ms / 1000);
    struct tm utc;
    gmtime_r (&seconds, &utc);
    size_t length = strftime (text, 32, "%Y-%m-%dT%H:%M:%S", &utc);
    snprintf (text + length, 32 - length, ".%03dZ", (int) (at_ms % 1000));
}

static int64_t
s_int (const json_t *object, const char *key)
{
    return json_integer_value (json_object_get (object, key));
}

//  A duration in ms, short: 850ms, 12.3s, 4m05s, 2h10m.
static void
s_duration (int64_t ms, char *text, size_t size)
{
    if (ms < 1000)
        snprintf (text, size, "%" PRId64 "ms", ms);
    else
    if (ms < 60000)
        snprintf (text, size, "%.1fs", (double) ms / 1000.0);
    else
    if (ms < 3600000)
        snprintf (text, size, "%" PRId64 "m%02" PRId64 "s", ms / 60000, ms / 1000 % 60);
    else
        snprintf (text, size, "%" PRId64 "h%02" PRId64 "m", ms / 3600000, ms / 60000 % 60);
}

//  A rate, or "-" when there is none yet.
static void
s_rate (const json_t *value, char *text, size_t size)
{
    if (json_is_number (value))
        snprintf (text, size, "%.1f", json_number_value (value));
    else
        snprintf (text, size, "-");
}

static void
s_alert_names (const json_t *alerts, char *text, size_t size)
{
    size_t used = 0;
    text [0] = 0;
    for (size_t index = 0; index < json_array_size (alerts) && used < size; index++)
        used += (size_t) snprintf (text + used, size - used, "%s%s", index? ",": "",
                                   json_string_value (json_array_get (alerts, index)));
}

static void
s_service_row (FILE *file, const char *name, const json_t *service, bool color)
{
    char delivered [48], retries [48], oldest [48], p50 [48], p99 [48], alerts [128];
    s_rate (json_object_get (service, "delivered_rate"), delivered, sizeof delivered);
    s_rate (json_object_get (service, "retry_rate"), retries, sizeof retries);
    s_duration (s_int (service, "oldest_age_ms"), oldest, sizeof oldest);
    snprintf (p50, sizeof p50, "%.1fms", (double) s_int (service, "p50_us") / 1000.0);
    snprintf (p99, sizeof p99, "%.1fms", (double) s_int (service, "p99_us") / 1000.0);
    const json_t *crossed = json_object_get (service, "alerts");
    s_alert_names (crossed, alerts, sizeof alerts);
    bool alert = json_array_size (crossed) > 0;
    fprintf (file, "%s%c %-20s %7" PRId64 " %8" PRId64 " %7" PRId64 " %9" PRId64
             " %8s %8s %6" PRId64 " %8s %8s %8s  %s%s\n",
             alert && color? S_RED: "", alert? '!': ' ', name, s_int (service, "workers"),
             s_int (service, "capacity"), s_int (service, "queued"), s_int (service, "in_flight"),
             delivered, retries, s_int (service, "dead_lettered"), oldest, p50, p99, alerts,
             alert && color? S_RESET: "");
}

static int
s_compare_names (const void *one, const void *two)
{
    return strcmp (*(const char *const *) one, *(const char *const *) two);
}

static void
s_broker_table (FILE *file, const json_t *broker, bool color)
{
    const char *endpoint = json_string_value (json_object_get (broker, "endpoint"));
    if (!json_is_true (json_object_get (broker, "reachable"))) {
        fprintf (file, "%sbroker %s: UNREACHABLE (%s)%s\n", color? S_RED: "", endpoint,
                 json_string_value (json_object_get (broker, "error")), color? S_RESET: "");
        return;
    }
    char uptime [48], rate [48];
    s_duration (s_int (broker, "uptime_ms"), uptime, sizeof uptime);
    s_rate (json_object_get (broker, "publish_rate"), rate, sizeof rate);
    fprintf (file, "broker %s (%s)  up %s  storage %s  publish %s/s  dead letters %" PRId64 "\n",
             json_string_value (json_object_get (broker, "broker")), endpoint, uptime,
             json_string_value (json_object_get (broker, "storage")), rate,
             s_int (broker, "dead_letters"));
    const json_t *rounds = json_object_get (broker, "redis_rounds");
    if (rounds) {
        char per_second [48];
        s_rate (json_object_get (broker, "redis_round_rate"), per_second, sizeof per_second);
        fprintf (file, "  rounds to Redis %s/s  p50 %.2fms  p99 %.2fms  max %.1fms  "
                 "over 2ms %" PRId64 ", over 10ms %" PRId64 " (since it started)\n", per_second,
                 (double) s_int (rounds, "p50_us") / 1000.0,
                 (double) s_int (rounds, "p99_us") / 1000.0,
                 (double) s_int (rounds, "max_us") / 1000.0, s_int (rounds, "over_2ms"),
                 s_int (rounds, "over_10ms"));
    }
    fprintf (file, "  %-20s %7s %8s %7s %9s %8s %8s %6s %8s %8s %8s  %s\n", "service", "workers",
             "capacity", "queued", "in-flight", "deliv/s", "retry/s", "dead", "oldest", "p50",
             "p99", "alerts");
    const json_t *services = json_object_get (broker, "services");
    size_t count = json_object_size (services), at = 0;
    const char **names = (const char **) calloc (count + 1, sizeof (char *));
    const char *name;
    json_t *service;
    json_object_foreach ((json_t *) services, name, service)
        if (names)
            names [at++] = name;
    if (names)
        qsort (names, count, sizeof (char *), s_compare_names);
    for (at = 0; names && at < count; at++)
        s_service_row (file, names [at], json_object_get (services, names [at]), color);
    free (names);
}

void
sb_zmon_render_stats (FILE *file, const json_t *view, bool color)
{
    char at [32];
    sb_zmon_render_time (s_int (view, "at_ms"), at);
    fprintf (file, "zmon stats  %s\n", at);
    const json_t *brokers = json_object_get (view, "brokers");
    for (size_t index = 0; index < json_array_size (brokers); index++)
        s_broker_table (file, json_array_get (brokers, index), color);
    const json_t *supervise = json_object_get (view, "supervise");
    if (supervise && !json_is_true (json_object_get (supervise, "reachable")))
        fprintf (file, "supervise: unreachable (%s)\n",
                 json_string_value (json_object_get (supervise, "error")));
    const json_t *instances = json_object_get (supervise, "instances");
    for (size_t index = 0; index < json_array_size (instances); index++) {
        const json_t *instance = json_array_get (instances, index);
        bool alert = json_array_size (json_object_get (instance, "alerts")) > 0;
        fprintf (file, "%s%c %s[%" PRId64 "] %s, %" PRId64 " restarts%s\n",
                 alert && color? S_RED: "", alert? '!': ' ',
                 json_string_value (json_object_get (instance, "program")),
                 s_int (instance, "instance"), json_string_value (json_object_get (instance, "state")),
                 s_int (instance, "restarts"), alert && color? S_RESET: "");
    }
}

void
sb_zmon_render_alert (FILE *file, const json_t *change)
{
    char at [32];
    sb_zmon_render_time (s_int (change, "at_ms"), at);
    fprintf (file, "%s ALERT %s %s %s %s\n", at,
             json_string_value (json_object_get (change, "state")),
             json_string_value (json_object_get (change, "broker")),
             json_string_value (json_object_get (change, "service")),
             json_string_value (json_object_get (change, "alert")));
}

void
sb_zmon_render_socket (FILE *file, const json_t *event)
{
    char at [32];
    sb_zmon_render_time (s_int (event, "at_ms"), at);
    const char *peer = json_string_value (json_object_get (event, "peer"));
    const char *reason = json_string_value (json_object_get (event, "reason"));
    fprintf (file, "%s %s %s %s %s%s%s%s%s%s\n", at,
             json_string_value (json_object_get (event, "source")),
             json_string_value (json_object_get (event, "socket")),
             json_string_value (json_object_get (event, "event")),
             json_string_value (json_object_get (event, "endpoint")),
             peer && *peer? " peer ": "", peer && *peer? peer: "",
             reason && *reason? " (": "", reason && *reason? reason: "", reason && *reason? ")": "");
}

void
sb_zmon_render_trace (FILE *file, const char *corr, const json_t *rows)
{
    fprintf (file, "conversation %s: %zu events\n", corr, json_array_size (rows));
    for (size_t index = 0; index < json_array_size (rows); index++) {
        const json_t *row = json_array_get (rows, index);
        char at [32];
        sb_zmon_render_time (s_int (row, "at_ms"), at);
        const char *event = json_string_value (json_object_get (row, "event"));
        const char *reason = json_string_value (json_object_get (row, "reason"));
        fprintf (file, "%s %+8" PRId64 "ms  %-9s %-22s %s  %s %s", at, s_int (row, "offset_ms"),
                 event, json_string_value (json_object_get (row, "type")),
                 json_string_value (json_object_get (row, "id")),
                 streq (event, "published")? "->": "at",
                 json_string_value (json_object_get (row, "service")));
        if (!streq (event, "published"))
            fprintf (file, " attempt %" PRId64, s_int (row, "attempt"));
        if (s_int (row, "delay_ms") > 0)
            fprintf (file, " delay %" PRId64 "ms", s_int (row, "delay_ms"));
        fprintf (file, "%s%s\n", reason && *reason? ": ": "", reason && *reason? reason: "");
    }
}

void
sb_zmon_render_conversations (FILE *file, const json_t *document)
{
    sb_zmon_render_unreachable (file, json_object_get (document, "brokers"));
    const json_t *list = json_object_get (document, "conversations");
    fprintf (file, "phone %s: %zu conversations\n",
             json_string_value (json_object_get (document, "phone")), json_array_size (list));
    for (size_t index = 0; index < json_array_size (list); index++) {
        const json_t *entry = json_array_get (list, index);
        char at [32];
        sb_zmon_render_time (s_int (entry, "first_ms"), at);
        const char *tenant = json_string_value (json_object_get (entry, "tenant"));
        fprintf (file, "%s  tenant %-16s %s\n", at, tenant && *tenant? tenant: "-",
                 json_string_value (json_object_get (entry, "corr")));
    }
    const json_t *newest = json_object_get (document, "newest");
    if (json_is_object (newest)) {
        fprintf (file, "\nnewest: ");
        sb_zmon_render_trace (file, json_string_value (json_object_get (newest, "corr")),
                              json_object_get (newest, "rows"));
    }
}

void
sb_zmon_render_dlq (FILE *file, const json_t *results)
{
    for (size_t index = 0; index < json_array_size (results); index++) {
        const json_t *result = json_array_get (results, index);
        const json_t *entries = json_object_get (result, "reply");
        if (!entries)
            continue;
        fprintf (file, "broker %s: %zu dead letters\n",
                 json_string_value (json_object_get (result, "endpoint")), json_array_size (entries));
        for (size_t at = 0; at < json_array_size (entries); at++) {
            const json_t *entry = json_array_get (entries, at);
            char failed [32];
            sb_zmon_render_time (s_int (entry, "failed_ms"), failed);
            fprintf (file, "  %s  %s  %s  %s  attempts %" PRId64 "  %s\n",
                     json_string_value (json_object_get (entry, "entry")), failed,
                     json_string_value (json_object_get (entry, "service")),
                     json_string_value (json_object_get (entry, "id")),
                     s_int (entry, "attempts"), json_string_value (json_object_get (entry, "reason")));
        }
    }
}

size_t
sb_zmon_render_unreachable (FILE *file, const json_t *results)
{
    size_t count = 0;
    for (size_t index = 0; index < json_array_size (results); index++) {
        const json_t *result = json_array_get (results, index);
        if (!json_object_get (result, "error"))
            continue;
        fprintf (file, "broker %s: %s (%s)\n",
                 json_string_value (json_object_get (result, "endpoint")),
                 json_is_true (json_object_get (result, "reachable"))? "error": "UNREACHABLE",
                 json_string_value (json_object_get (result, "error")));
        count++;
    }
    return count;
}
