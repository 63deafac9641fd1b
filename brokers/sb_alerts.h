/*  sb_alerts.h — alert thresholds on a service's figures, read from the
    config's alerts section (shared by the broker, which exports the
    crossed ones in STATS, and zmon, which highlights them): docs/broker.md
    "Alerts".

        alerts
            queue-depth = 1000        # queued + delayed messages
            oldest-age = 60000        # ms the oldest unfinished message waited
            failure-rate = 0.2        # retried + dead-lettered per answer (0..1)
            p99 = 5000                # ms, deliver -> answer
            restarts = 3              # supervise restarts of one instance (zmon)

    An absent key is no alert.                                            */

#ifndef SB_ALERTS_H_INCLUDED
#define SB_ALERTS_H_INCLUDED

#include "sb_classes.h"

typedef struct {
    int64_t queue_depth;         //  0: none
    int64_t oldest_age_ms;
    double failure_rate;
    int64_t p99_ms;
    int64_t restarts;
} sb_alerts_t;

//  A service's figures, as STATS reports them.
typedef struct {
    int64_t queue_depth;
    int64_t oldest_age_ms;
    double failure_rate;         //  < 0: unknown (nothing answered)
    int64_t p99_us;
} sb_alerts_figures_t;

//  Reads the alerts section of config (may be NULL: no alerts) into
//  *alerts. Returns 0, or -1 with "alerts/key: reason" in err.
int sb_alerts_load (sb_alerts_t *alerts, zconfig_t *config, char *err, size_t errlen);

//  True if any threshold is set.
bool sb_alerts_any (const sb_alerts_t *alerts);

//  The thresholds figures cross: a new array of {alert, value, threshold}
//  (alert: queue-depth, oldest-age, failure-rate, p99), empty if none.
json_t *sb_alerts_check (const sb_alerts_t *alerts, const sb_alerts_figures_t *figures);

#endif
