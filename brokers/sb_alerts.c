/*  sb_alerts.c — alert thresholds (see sb_alerts.h).                      */

#include "sb_alerts.h"

typedef struct {
    const char *key;
    double low, high;
} s_alert_key_t;

static const s_alert_key_t s_keys [] = {
    { "queue-depth", 1, 1e12 }, { "oldest-age", 1, 1e12 }, { "failure-rate", 0, 1 },
    { "p99", 1, 1e9 }, { "restarts", 1, 1e6 }
};

#define S_KEYS (sizeof s_keys / sizeof s_keys [0])

int
sb_alerts_load (sb_alerts_t *alerts, zconfig_t *config, char *err, size_t errlen)
{
    memset (alerts, 0, sizeof *alerts);
    zconfig_t *section = config? zconfig_locate (config, "alerts"): NULL;
    for (zconfig_t *item = section? zconfig_child (section): NULL; item; item = zconfig_next (item)) {
        size_t index = 0;
        while (index < S_KEYS && !streq (s_keys [index].key, zconfig_name (item)))
            index++;
        if (index == S_KEYS)
            return sb_error_set (err, errlen, "alerts/%s: unknown key", zconfig_name (item));
        const char *text = zconfig_value (item);
        char *end;
        double value = strtod (text, &end);
        if (!*text || *end || !(value >= s_keys [index].low && value <= s_keys [index].high)
        ||  (index != 2 && value != floor (value)))
            return sb_error_set (err, errlen, "alerts/%s: '%s' is not a number in %g..%g",
                                 s_keys [index].key, text, s_keys [index].low, s_keys [index].high);
        if (index == 0) alerts->queue_depth = (int64_t) value;
        if (index == 1) alerts->oldest_age_ms = (int64_t) value;
        if (index == 2) alerts->failure_rate = value;
        if (index == 3) alerts->p99_ms = (int64_t) value;
        if (index == 4) alerts->restarts = (int64_t) value;
    }
    return 0;
}

bool
sb_alerts_any (const sb_alerts_t *alerts)
{
    return alerts->queue_depth || alerts->oldest_age_ms || alerts->failure_rate > 0
        || alerts->p99_ms || alerts->restarts;
}

static void
s_crossed (json_t *list, const char *alert, double value, double threshold)
{
    json_array_append_new (list, json_pack ("{s:s, s:f, s:f}", "alert", alert,
                                            "value", value, "threshold", threshold));
}

json_t *
sb_alerts_check (const sb_alerts_t *alerts, const sb_alerts_figures_t *figures)
{
    json_t *list = json_array ();
    if (alerts->queue_depth && figures->queue_depth >= alerts->queue_depth)
        s_crossed (list, "queue-depth", (double) figures->queue_depth, (double) alerts->queue_depth);
    if (alerts->oldest_age_ms && figures->oldest_age_ms >= alerts->oldest_age_ms)
        s_crossed (list, "oldest-age", (double) figures->oldest_age_ms,
                   (double) alerts->oldest_age_ms);
    if (alerts->failure_rate > 0 && figures->failure_rate >= alerts->failure_rate)
        s_crossed (list, "failure-rate", figures->failure_rate, alerts->failure_rate);
    if (alerts->p99_ms && figures->p99_us >= alerts->p99_ms * 1000)
        s_crossed (list, "p99", (double) figures->p99_us / 1000.0, (double) alerts->p99_ms);
    return list;
}
