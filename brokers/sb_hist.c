/*  sb_hist.c — log-scale latency histogram (see sb_hist.h).               */

#include "sb_hist.h"
#include <math.h>

//  Bucket i holds values up to 2^(i/4) us.
static int
s_bucket (int64_t usec)
{
    if (usec <= 1)
        return 0;
    int bucket = (int) ceil (4.0 * log2 ((double) usec));
    return bucket < SB_HIST_BUCKETS? bucket: SB_HIST_BUCKETS - 1;
}

void
sb_hist_record (sb_hist_t *self, int64_t usec)
{
    self->counts [s_bucket (usec)]++;
    self->total++;
}

int64_t
sb_hist_percentile (const sb_hist_t *self, double fraction)
{
    if (self->total == 0)
        return 0;
    uint64_t wanted = (uint64_t) ceil (fraction * (double) self->total);
    uint64_t seen = 0;
    for (int bucket = 0; bucket < SB_HIST_BUCKETS; bucket++) {
        seen += self->counts [bucket];
        if (seen >= wanted && seen > 0)
            return (int64_t) ceil (pow (2.0, bucket / 4.0));
    }
    return (int64_t) ceil (pow (2.0, (SB_HIST_BUCKETS - 1) / 4.0));
}
