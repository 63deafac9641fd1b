/*  sb_chaosload.h — the chaos tests' load: signed SMS webhooks posted to
    ingress at a steady rate, as Twilio posts them, by a thread of its own
    (a zactor), with a ledger of what ingress answered each; and the
    match of that ledger against what reached the fake Twilio.

    Every webhook comes from an employee of its own, so that its reply is
    told apart by its To alone: webhook N is from +1666NNNNNNN, employee
    C<N> named Chaos<N> (N in 7 digits), registered in the demo tenant's
    directory beforehand (sb_chaosload_register). The webhooks ask, in
    turn, for this week's hours, for the missing days, and to log 2 hours
    on Internal yesterday (which must then be written exactly once).

    A refused webhook (503, or no answer) is posted again after retry_ms,
    as Twilio retries, at most max_posts times in all; with retry_ms 0
    never. A refusal is definite when ingress says the broker refused it
    for its bound (over-capacity): then nothing was stored. Any other (no
    answer from ingress, or none from the broker within ingress's time-out)
    leaves the webhook unsure: the broker may have stored it all the same,
    and only a later 200 tells.                                            */

#ifndef SB_CHAOSLOAD_H_INCLUDED
#define SB_CHAOSLOAD_H_INCLUDED

#include "sb_classes.h"
#include <hiredis/hiredis.h>

#define SB_CHAOSLOAD_SID_SIZE    35     //  SM + 32 hex digits + NUL
#define SB_CHAOSLOAD_PHONE_SIZE  16     //  +1666 and 7 digits
#define SB_CHAOSLOAD_REASON_SIZE 160
#define SB_CHAOSLOAD_SLOTS_MAX   64

//  What ingress answered one webhook, over all its posts.
typedef struct {
    char sid [SB_CHAOSLOAD_SID_SIZE];
    int posts;                          //  POSTs made
    int refusals;                       //  answered other than 200, or not at all
    bool accepted;                      //  a 200 came
    bool unsure;                        //  a refusal may have been stored all the same
    bool over_capacity;                 //  a 503 said the broker's bound was reached
    long status;                        //  the last answer's (0: none)
    char reason [SB_CHAOSLOAD_REASON_SIZE]; //  the last refusal's body, or curl's reason
    int64_t due_ms;                     //  its next post (zclock_mono), 0 for none
} sb_chaosload_webhook_t;

typedef struct {
    int port;                           //  ingress's
    double rate;                        //  new webhooks per second
    size_t capacity;                    //  at most this many (employees registered)
    int retry_ms;                       //  a refused webhook is posted again after this; 0: never
    int max_posts;                      //  per webhook
    int connections;                    //  requests at once, at most SB_CHAOSLOAD_SLOTS_MAX
} sb_chaosload_options_t;

//  The ledger's totals so far.
typedef struct {
    size_t webhooks;                    //  posted at least once
    size_t posts;
    size_t accepted;
    size_t refusals;                    //  answers other than 200, and posts without one
    size_t over_capacity;               //  of those, 503s for the broker's bound
    size_t in_flight;
} sb_chaosload_counts_t;

//  What the fake Twilio's messages say of the ledger.
typedef struct {
    size_t messages;                    //  at the fake, in all
    size_t once;                        //  accepted webhooks with exactly one message
    size_t lost;                        //  accepted webhooks with none
    size_t duplicated;                  //  accepted webhooks with more than one
    size_t extra;                       //  their messages beyond the first
    size_t refused;                     //  never accepted, and nothing sent (as it should)
    size_t refused_sent;                //  never accepted, refused for certain, yet sent
    size_t unsure_sent;                 //  never accepted, maybe stored, sent once (allowed)
    size_t stray;                       //  to nobody's number, from another, or the wrong text
    size_t entries_wrong;               //  logged hours not written exactly once
} sb_chaosload_tally_t;

typedef struct _sb_chaosload_t sb_chaosload_t;

//  Writes employee index's number (+1666 and index in 7 digits).
void sb_chaosload_phone (size_t index, char phone [SB_CHAOSLOAD_PHONE_SIZE]);

//  Registers employees 0..count-1 in the demo tenant's directory on redis
//  (docs/tenants.md). Returns 0, or -1 with the reason on stderr.
int sb_chaosload_register (redisContext *redis, size_t count);

//  Starts posting webhooks to ingress at once, as options say (copied).
//  Returns the load, or NULL with the reason on stderr.
sb_chaosload_t *sb_chaosload_new (const sb_chaosload_options_t *options);

//  Stops the load's thread (webhooks in flight are abandoned), frees the
//  ledger and NULLs the caller's pointer. Safe on NULL.
void sb_chaosload_destroy (sb_chaosload_t **self_p);

//  The ledger's totals so far, into *counts. Returns 0, or -1 if the
//  load's thread did not answer within a second.
int sb_chaosload_counts (sb_chaosload_t *self, sb_chaosload_counts_t *counts);

//  Posts no new webhook from now on, and waits up to timeout_ms until
//  every webhook is accepted or has had its posts. Returns 0, or -1 at the
//  deadline (the thread is then still posting: destroy it).
int sb_chaosload_stop (sb_chaosload_t *self, int timeout_ms);

//  The ledger, webhook index at index (*count of them): only once
//  sb_chaosload_stop returned 0 (until then the thread owns it).
const sb_chaosload_webhook_t *sb_chaosload_ledger (sb_chaosload_t *self, size_t *count);

//  Matches the stopped load's ledger against messages (the fake Twilio's
//  "messages": each with to, from, body) and, for the webhooks that log
//  hours, the entries in redis. Fills *tally; prints each thing wrong on
//  stderr. Returns 0 if nothing is (sb_chaosload_tally_t's wrong fields
//  all 0), else -1.
int sb_chaosload_match (sb_chaosload_t *self, const json_t *messages, redisContext *redis,
                        sb_chaosload_tally_t *tally);

#endif
