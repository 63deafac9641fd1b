/*  sb_throttle.h — how fast the sender may go towards Twilio: a bound on
    the requests in flight per Twilio account (a counting semaphore per
    account SID, default 100), and an optional token bucket per sending
    number (off by default: Twilio queues per sender itself).

    One object is shared by the actor's worker threads (a mutex, and one
    condition per account to wait on). A full account or an empty bucket
    holds back only the messages of that account or number. Both maps are
    bounded: an account's entry goes when nothing is in flight on it, and
    past SB_THROTTLE_MAX_NUMBERS buckets the full ones (which are the same
    as none) are dropped.                                                   */

#ifndef SB_THROTTLE_H_INCLUDED
#define SB_THROTTLE_H_INCLUDED

#include <stdint.h>

#define SB_THROTTLE_IN_FLIGHT    100      /* sender/twilio/max_in_flight default */
#define SB_THROTTLE_MAX_NUMBERS  10000    /* buckets kept before a sweep         */

typedef struct _sb_throttle_t sb_throttle_t;

//  max_in_flight requests per account (1..100000); rate messages per
//  second per sending number (0: no limit) with bursts of burst (>= 1).
//  Returns the object, or NULL (out of memory).
sb_throttle_t *sb_throttle_new (int max_in_flight, double rate, double burst);

void sb_throttle_destroy (sb_throttle_t **self_p);

//  Takes one of account's in-flight slots, waiting up to wait_ms for one
//  to come free. Returns 0 (taken: give it back with sb_throttle_leave),
//  or -1 (none came within wait_ms).
int sb_throttle_enter (sb_throttle_t *self, const char *account, int wait_ms);

//  Gives back a slot sb_throttle_enter took.
void sb_throttle_leave (sb_throttle_t *self, const char *account);

//  The requests in flight on account now (for tests and logs).
int sb_throttle_in_flight (sb_throttle_t *self, const char *account);

//  Takes a token from number's bucket at now_ms (a monotonic clock).
//  Returns 0 if one was taken (send now), else the ms until one will be
//  there (nothing taken). Always 0 when the rate is 0.
int64_t sb_throttle_take (sb_throttle_t *self, const char *number, int64_t now_ms);

//  Gives back a token sb_throttle_take took, when nothing was sent with it
//  (the message turned out to be sent already). The bucket stays within
//  its burst.
void sb_throttle_give (sb_throttle_t *self, const char *number);

#endif
