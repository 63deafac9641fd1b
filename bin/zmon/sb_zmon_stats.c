/*  sb_zmon_stats.c — the fleet's figures as one view (see sb_zmon_stats.h). */

#include "sb_zmon_stats.h"

static int64_t
s_int (const json_t *object, const char *key)
{
    return json_integer_value (json_object_get (object, key));
}

//  (after - before) / seconds, or null without a before.
static json_t *
s_rate (const json_t *before, const json_t *after, const char *key, int64_t interval_ms)
{
    if (!before || interval_ms <= 0)
        return json_null ();
    int64_t change = s_int (after, key) - s_int (before, key);
    return json_real (change < 0? 0: (double) change * 1000.0 / (double) interval_ms);
}

//  Adds name to a list of alert names unless it is there.
static void
s_add_alert (json_t *names, const char *name)
{
    for (size_t index = 0; index < json_array_size (names); index++)
        if (streq (json_string_value (json_array_get (names, index)), name))
            return;
    json_array_append_new (names, json_string (name));
}

static json_t *
s_service_view (const json_t *before, const json_t *stats, int64_t interval_ms,
                const sb_alerts_t *alerts)
{
    json_t *view = json_pack ("{s:I, s:I, s:I, s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:O}",
        "workers", s_int (stats, "workers"), "capacity", s_int (stats, "capacity"),
        "queued", s_int (stats, "queued") + s_int (stats, "delayed"),
        "in_flight", s_int (stats, "pending"),
        "delivered_rate", s_rate (before, stats, "delivered", interval_ms),
        "retry_rate", s_rate (before, stats, "retried", interval_ms),
        "dead_lettered", s_int (stats, "dead_lettered"),
        "oldest_age_ms", s_int (stats, "oldest_age_ms"),
        "p50_us", s_int (stats, "p50_us"), "p99_us", s_int (stats, "p99_us"),
        "stalled", (json_int_t) json_is_true (json_object_get (stats, "stalled")),
        "failure_rate", json_object_get (stats, "failure_rate")
                        ? json_object_get (stats, "failure_rate"): json_null ());
    json_t *names = json_array ();
    json_t *reported = json_object_get (stats, "alerts");
    for (size_t index = 0; index < json_array_size (reported); index++)
        if (json_is_string (json_array_get (reported, index)))
            s_add_alert (names, json_string_value (json_array_get (reported, index)));
    json_t *rate = json_object_get (stats, "failure_rate");
    sb_alerts_figures_t figures = { s_int (view, "queued"), s_int (view, "oldest_age_ms"),
                                    json_is_number (rate)? json_number_value (rate): -1,
                                    s_int (view, "p99_us") };
    json_t *crossed = sb_alerts_check (alerts, &figures);
    for (size_t index = 0; index < json_array_size (crossed); index++)
        s_add_alert (names, json_string_value (json_object_get (json_array_get (crossed, index),
                                                                "alert")));
    json_decref (crossed);
    json_object_set_new (view, "alerts", names);
    return view;
}

//  One broker's part of the view: its STATS reply (or why there is none).
static json_t *
s_broker_view (const json_t *before, const json_t *result, int64_t interval_ms,
               const sb_alerts_t *alerts)
{
    const json_t *stats = json_object_get (result, "reply");
    json_t *view = json_pack ("{s:O, s:b}", "endpoint", json_object_get (result, "endpoint"),
                              "reachable", stats != NULL);
    if (!json_is_object (stats)) {
        json_object_set (view, "error", json_object_get (result, "error"));
        return view;
    }
    const json_t *old = json_object_get (before, "reply");
    json_object_set (view, "broker", json_object_get (stats, "broker"));
    json_object_set (view, "storage", json_object_get (stats, "storage"));
    json_object_set_new (view, "uptime_ms", json_integer (s_int (stats, "uptime_ms")));
    json_object_set_new (view, "published", json_integer (s_int (stats, "published")));
    json_object_set_new (view, "publish_rate", s_rate (old, stats, "published", interval_ms));
    json_object_set_new (view, "dead_letters", json_integer (s_int (stats, "dead_letters")));
    //  Its rounds to Redis (counts since it started) and how many a second
    const json_t *rounds = json_object_get (stats, "redis_rounds");
    if (json_is_object (rounds)) {
        json_object_set (view, "redis_rounds", (json_t *) rounds);
        json_object_set_new (view, "redis_round_rate",
                             s_rate (json_object_get (old, "redis_rounds"), rounds, "count",
                                     interval_ms));
    }
    json_t *services = json_object ();
    const char *name;
    json_t *figures;
    json_object_foreach ((json_t *) json_object_get (stats, "services"), name, figures)
        json_object_set_new (services, name, s_service_view (
            json_object_get (json_object_get (old, "services"), name), figures, interval_ms, alerts));
    json_object_set_new (view, "services", services);
    return view;
}

//  The supervise part: each instance with its restart alert.
static json_t *
s_supervise_view (const json_t *supervise, const sb_alerts_t *alerts)
{
    json_t *view = json_deep_copy (supervise);
    json_t *instances = json_object_get (view, "instances");
    for (size_t index = 0; index < json_array_size (instances); index++) {
        json_t *instance = json_array_get (instances, index);
        json_t *names = json_array ();
        if (alerts->restarts && s_int (instance, "restarts") >= alerts->restarts)
            json_array_append_new (names, json_string ("restarts"));
        json_object_set_new (instance, "alerts", names);
    }
    return view;
}

json_t *
sb_zmon_stats_view (const json_t *before, const json_t *snapshot, int64_t interval_ms,
                    const sb_alerts_t *alerts, const json_t *supervise)
{
    json_t *brokers = json_array ();
    for (size_t index = 0; index < json_array_size (snapshot); index++)
        json_array_append_new (brokers, s_broker_view (json_array_get (before, index),
                                                       json_array_get (snapshot, index),
                                                       before? interval_ms: 0, alerts));
    json_t *view = json_pack ("{s:I, s:I, s:o}", "at_ms", (json_int_t) zclock_time (),
                              "interval_ms", (json_int_t) (before? interval_ms: 0),
                              "brokers", brokers);
    if (supervise)
        json_object_set_new (view, "supervise", s_supervise_view (supervise, alerts));
    return view;
}

//  True if list (of names) holds name.
static bool
s_holds (const json_t *list, const char *name)
{
    for (size_t index = 0; index < json_array_size (list); index++)
        if (streq (json_string_value (json_array_get (list, index)), name))
            return true;
    return false;
}

//  The alerts of one owner (a service, or a supervised instance) that are
//  in one list and not the other, noted as state.
static void
s_diff (json_t *changes, const char *broker, const char *owner, const json_t *from,
        const json_t *to, const char *state, int64_t at_ms)
{
    for (size_t index = 0; index < json_array_size (to); index++) {
        const char *alert = json_string_value (json_array_get (to, index));
        if (alert && !s_holds (from, alert))
            json_array_append_new (changes, json_pack ("{s:I, s:s, s:s, s:s, s:s}",
                "at_ms", (json_int_t) at_ms, "broker", broker, "service", owner,
                "alert", alert, "state", state));
    }
}

//  The alert lists of a view by owner: "broker\tservice" -> list.
static json_t *
s_alert_index (const json_t *view)
{
    json_t *index = json_object ();
    const json_t *brokers = json_object_get (view, "brokers");
    for (size_t at = 0; at < json_array_size (brokers); at++) {
        const json_t *broker = json_array_get (brokers, at);
        const char *endpoint = json_string_value (json_object_get (broker, "endpoint"));
        const char *name;
        json_t *service;
        json_object_foreach ((json_t *) json_object_get (broker, "services"), name, service) {
            char *key = zsys_sprintf ("%s\t%s", endpoint? endpoint: "?", name);
            json_object_set (index, key, json_object_get (service, "alerts"));
            zstr_free (&key);
        }
    }
    const json_t *instances = json_object_get (json_object_get (view, "supervise"), "instances");
    for (size_t at = 0; at < json_array_size (instances); at++) {
        const json_t *instance = json_array_get (instances, at);
        char *key = zsys_sprintf ("supervise\t%s[%" JSON_INTEGER_FORMAT "]",
            json_string_value (json_object_get (instance, "program")),
            json_integer_value (json_object_get (instance, "instance")));
        json_object_set (index, key, json_object_get (instance, "alerts"));
        zstr_free (&key);
    }
    return index;
}

json_t *
sb_zmon_stats_alert_changes (const json_t *before, const json_t *view)
{
    json_t *changes = json_array ();
    json_t *old = before? s_alert_index (before): json_object ();
    json_t *now = s_alert_index (view);
    int64_t at_ms = s_int (view, "at_ms");
    const char *key;
    json_t *list;
    json_object_foreach (now, key, list) {
        const char *tab = strchr (key, '\t');
        char broker [256];
        snprintf (broker, sizeof broker, "%.*s", (int) (tab - key), key);
        s_diff (changes, broker, tab + 1, json_object_get (old, key), list, "raised", at_ms);
        s_diff (changes, broker, tab + 1, list, json_object_get (old, key), "cleared", at_ms);
    }
    json_decref (old);
    json_decref (now);
    return changes;
}
