/*  sb_hist.h — a latency histogram: fixed log-scale buckets (four per
    doubling, from 1 us to about 70 minutes), constant memory, percentiles
    within 19 % of the true value.                                         */

#ifndef SB_HIST_H_INCLUDED
#define SB_HIST_H_INCLUDED

#include <stdint.h>

#define SB_HIST_BUCKETS 128

typedef struct {
    uint64_t counts [SB_HIST_BUCKETS];
    uint64_t total;
} sb_hist_t;

//  Records one value in microseconds (negative values count as 0).
void sb_hist_record (sb_hist_t *self, int64_t usec);

//  The value (us) below which fraction (0..1) of the records fall: the
//  upper bound of that bucket. 0 when empty.
int64_t sb_hist_percentile (const sb_hist_t *self, double fraction);

#endif
