/*  sb_zmon_stats.h — the figures zmon shows of a fleet, gathered into one
    JSON view (the data model the web console shares, docs/zmon.md):

        {at_ms, interval_ms, brokers: [{endpoint, reachable, error?, broker,
         uptime_ms, storage, published, publish_rate, dead_letters,
         services: {name: {workers, capacity, queued, in_flight,
           delivered_rate, retry_rate, dead_lettered, oldest_age_ms,
           p50_us, p99_us, failure_rate, alerts: [name...]}}}],
         supervise?: {reachable, instances: [{program, instance, state,
           restarts, alerts}]}}

    Rates (per second) come from two STATS snapshots; without an earlier
    one they are null. A service's alerts are those its broker reports
    (the broker's own thresholds) and those crossed under zmon's own.     */

#ifndef SB_ZMON_STATS_H_INCLUDED
#define SB_ZMON_STATS_H_INCLUDED

#include "sb_classes.h"
#include "sb_alerts.h"

//  The view of snapshot (sb_zmon_request_all's STATS results), with rates
//  against before (the same, interval_ms earlier; NULL for none) and the
//  supervise status (sb_zmon_supervise_status, or NULL). Returns a new
//  object; arguments are borrowed.
json_t *sb_zmon_stats_view (const json_t *before, const json_t *snapshot, int64_t interval_ms,
                            const sb_alerts_t *alerts, const json_t *supervise);

//  What changed between two views' alerts: a new array of {at_ms, broker,
//  service, alert, state: "raised"|"cleared"} (before NULL: all raised).
json_t *sb_zmon_stats_alert_changes (const json_t *before, const json_t *view);

#endif
