/*  sb_broker_round.c — the broker's rounds: each is one pipeline to Redis
    (the publishes that arrived since the last round in one script, the
    workers' answers in another, a fetch for each service that wants work),
    then the replies and deliveries once Redis has answered it.

    Two rounds may be in flight: while Redis runs one, the next is queued
    behind it on the same connection, so that Redis has work while the
    broker reads the last round's replies, answers its publishers and
    hands out its fetches (one round at a time left Redis idle for that
    part of every round). Replies come back in order, so each round reads
    exactly the replies it is owed. A service has at most one fetch in
    flight, so that what a fetch brings is counted once. The timers talk to
    Redis on the same connection, outside any pipeline: when one is due, no
    new round starts until those in flight are read.                       */

#include "sb_broker_private.h"

//  A second round starts only with this many publishes and answers
//  waiting: below that, the round in flight is short and the next one
//  gathers more by waiting for it (a round's fixed cost, in the broker and
//  in Redis, is paid by fewer messages otherwise: ~1 us more per message
//  with the trace on, measured)
#define S_SECOND_ROUND_MIN 64

static s_round_t *
s_oldest (sb_broker_t *self)
{
    return self->round_count? &self->rounds [self->round_first]: NULL;
}

int
sb_broker_rounds_init (sb_broker_t *self)
{
    for (size_t index = 0; index < S_ROUNDS_MAX; index++) {
        s_round_t *round = &self->rounds [index];
        round->sending = zlistx_new ();
        round->answers = zlistx_new ();
        if (!round->sending || !round->answers)
            return -1;
        zlistx_set_destructor (round->sending, sb_broker_publish_destructor);
        zlistx_set_destructor (round->answers, sb_broker_answer_destructor);
    }
    return 0;
}

void
sb_broker_rounds_destroy (sb_broker_t *self)
{
    for (size_t index = 0; index < S_ROUNDS_MAX; index++) {
        s_round_t *round = &self->rounds [index];
        zlistx_destroy (&round->sending);
        zlistx_destroy (&round->answers);
        free (round->puts);
        free (round->put_results);
        free (round->ops);
        free (round->outcomes);
    }
}

size_t
sb_broker_rounds_in_flight (sb_broker_t *self)
{
    return self->round_count;
}

int64_t
sb_broker_rounds_deadline (sb_broker_t *self)
{
    s_round_t *round = s_oldest (self);
    return round? round->started_ms + self->config.redis_timeout_ms: 0;
}

//  --------------------------------------------------------------------------
//  Fetches

//  How many a service's fetch would ask for now (0: none). It asks for
//  its idle credit and as many again as it has in flight: a worker's DONE
//  then finds its next delivery ready here (handed out as soon as the DONE
//  is read), not one Redis round trip away.
static size_t
s_fetch_wanted (s_service_t *service, int64_t now)
{
    if (service->fetch_round || (!service->dirty && now < service->next_poll_ms))
        return 0;
    size_t credit = sb_broker_idle_credit (service);
    size_t wanted_ready = credit? credit + service->in_flight: 0;
    size_t ready = zlistx_size (service->ready);
    if (wanted_ready <= ready)
        return 0;
    return wanted_ready - ready < S_FETCH_MAX? wanted_ready - ready: S_FETCH_MAX;
}

//  Queues, in the round's pipeline, a fetch for every service that wants
//  work and has no fetch in flight.
static void
s_queue_fetches (sb_broker_t *self, s_round_t *round, int64_t now)
{
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services)) {
        size_t wanted = s_fetch_wanted (service, now);
        if (!wanted)
            continue;
        service->fetching = wanted;
        service->fetch_round = round->seq;
        service->dirty = false;   //  this fetch sees what was stored so far
        service->next_poll_ms = now + self->config.poll_ms;
        sb_store_fetch (self->store, service->name, wanted, service->ready);
    }
}

//  Counts what the round's fetches find ready before their replies are
//  read (only reading them adds to it), for s_note_fetched.
static void
s_count_ready (sb_broker_t *self, s_round_t *round)
{
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services))
        if (service->fetch_round == round->seq)
            service->fetch_before = zlistx_size (service->ready);
}

//  Notes what the round's fetches brought. A full fetch means more may be
//  waiting: the service is dirty again and fetched again next round; so is
//  one that a later round stored work for while this fetch was in flight
//  (marked dirty since), which this fetch may not have seen.
static void
s_note_fetched (sb_broker_t *self, s_round_t *round)
{
    for (s_service_t *service = (s_service_t *) zhashx_first (self->services); service;
         service = (s_service_t *) zhashx_next (self->services)) {
        if (service->fetch_round != round->seq)
            continue;
        service->dirty = service->dirty
                      || zlistx_size (service->ready) - service->fetch_before
                         >= service->fetching;
        service->fetching = 0;
        service->fetch_round = 0;
    }
}

//  --------------------------------------------------------------------------
//  Rounds

static void
s_round_trip_note (s_round_trips_t *trips, int64_t usec)
{
    sb_hist_record (&trips->hist, usec);
    trips->over_1ms += usec > 1000;
    trips->over_2ms += usec > 2000;
    trips->over_10ms += usec > 10000;
    if (usec > trips->max_us)
        trips->max_us = usec;
}

//  Ends the oldest round in the broker's books: its replies read, answers
//  applied, fetches noted, publishes set aside for s_round_reply.
static void
s_round_finish (sb_broker_t *self)
{
    s_round_t *round = s_oldest (self);
    s_count_ready (self, round);
    if (sb_store_pipeline_read (self->store, round->replies))
        sb_broker_storage_failed (self, "round");
    else
    if (sb_store_connected (self->store))
        self->storage_ok = true;   //  an empty round without Redis proves nothing
    if (round->replies)
        s_round_trip_note (&self->round_trips, zclock_usecs () - round->started_us);
    sb_broker_settle_publishes (self, round);
    sb_broker_finish_answers (self, round);
    s_note_fetched (self, round);
    round->replies = 0;
    self->round_first = (self->round_first + 1) % S_ROUNDS_MAX;
    self->round_count--;
}

//  The finished round's replies (ACK, DUP, NACK), then its deliveries.
static void
s_round_reply (sb_broker_t *self)
{
    sb_broker_reply_publishes (self);
    sb_broker_dispatch (self);
}

//  Starts a round: the publishes, the answers and the fetches, queued as
//  one pipeline and sent; then the finished round's replies and deliveries
//  go out while Redis works on it. A round that owes no reply (nothing to
//  send, or Redis gone) is settled at once.
static void
s_round_start (sb_broker_t *self, int64_t now)
{
    s_round_t *round = &self->rounds [(self->round_first + self->round_count) % S_ROUNDS_MAX];
    self->round_count++;
    round->seq = ++self->round_seq;
    round->started_ms = now;
    round->started_us = zclock_usecs ();
    size_t owed_before = sb_store_pipeline_size (self->store);
    sb_store_pipeline_begin (self->store);
    sb_broker_queue_publishes (self, round);
    sb_broker_queue_answers (self, round);
    s_queue_fetches (self, round, now);
    round->replies = sb_store_pipeline_size (self->store) - owed_before;
    if (sb_store_pipeline_send (self->store))
        sb_broker_storage_failed (self, "round");
    s_round_reply (self);
    if (round->replies == 0 && self->round_count == 1) {
        s_round_finish (self);
        s_round_reply (self);
    }
}

void
sb_broker_rounds_advance (sb_broker_t *self, bool redis_ready, int64_t now)
{
    bool finished = false;
    s_round_t *oldest = s_oldest (self);
    if (oldest && (redis_ready || oldest->replies == 0
                   || now >= sb_broker_rounds_deadline (self))) {
        s_round_finish (self);
        finished = true;
    }
    if (self->round_count == 0) {
        sb_broker_timers (self, now);
        s_round_start (self, zclock_mono ());
    }
    else
    if (self->round_count < S_ROUNDS_MAX
    &&  zlistx_size (self->publishes) + zlistx_size (self->answers) >= S_SECOND_ROUND_MIN
    &&  !sb_broker_timers_due (self, now))
        s_round_start (self, now);
    else
    if (finished)
        s_round_reply (self);
}

void
sb_broker_rounds_end (sb_broker_t *self)
{
    do {
        if (self->round_count)
            s_round_finish (self);
        s_round_reply (self);
    } while (self->round_count);
}
