/*  sb_sender_twilio.c — Twilio mode's never-twice protocol (the record in
    sb_sent.h; the whole argument in docs/actors/sender.md):

    - a record with a SID: the message went; message.sent again, from it;
    - no record: claim it (pending), send, then record the SID (done),
      release it (Twilio certainly does not have the message: 429, no
      connection, a refusal) or mark it unsure (Twilio may have it: no
      answer, a 5xx);
    - a pending or unsure record: an earlier attempt may have reached
      Twilio. Once it cannot be in flight any more (a pending claim older
      than the time-out) and Twilio's list has had time to show it, look
      the message up — in the account the claim names, the one its
      request went to; adopt its SID if found, send only if not.

    A first delivery does not read the record before it claims: the claim
    expects no record, and when there is one it reads it in the same round
    trip. The SID's record and its owner's note go in one round trip too:
    two to Redis for a message sent, not four.                           */

#include "sb_sender_private.h"

#define S_IN_FLIGHT_MARGIN_MS 1000    //  beyond the time-out, for a claim's own latency

//  What a lookup's accept callback needs: the key, and whether Redis
//  failed while it asked.
typedef struct {
    redisContext *redis;
    const char *key;
    bool failed;
} s_owner_t;

static bool
s_not_taken (const char *sid, void *arg)
{
    s_owner_t *owner = (s_owner_t *) arg;
    return !sb_sent_taken (owner->redis, sid, owner->key, &owner->failed) && !owner->failed;
}

//  Tells the runtime when the connection broke, so the next call reopens it.
static void
s_check_redis (sb_actor_ctx_t *ctx, redisContext *redis)
{
    if (redis->err)
        sb_actor_redis_failed (ctx);
}

//  Waits, up to the sender's wait, for a token of the number's bucket.
//  Returns 0 when one is taken, else the ms until there will be one.
static int64_t
s_take_token (sb_sender_t *self, const char *number)
{
    int64_t waited = 0;
    for (;;) {
        int64_t wait = sb_throttle_take (self->throttle, number, zclock_mono ());
        if (wait == 0 || waited + wait > self->wait_ms)
            return wait;
        zclock_sleep ((int) wait);
        waited += wait;
    }
}

//  Records the SID after a send or a lookup in account (from expected: the
//  claim or the record read) and emits message.sent. The message is with
//  Twilio either way: a record that cannot be written is logged, not
//  retried (a later delivery would find the pending claim and look it up).
static sb_actor_result_t
s_record_and_emit (sb_sender_t *self, sb_actor_ctx_t *ctx, redisContext *redis,
                   const sb_sender_job_t *job, const char *account, const char *expected,
                   const sb_twilio_message_t *sent, int64_t sent_at_ms)
{
    char err [512];
    json_t *details = sb_sender_details (job, "twilio", sent->segments, sent->status, sent_at_ms);
    if (details)
        json_object_set_new (details, "account_sid", json_string (account));
    int rc = details? sb_sent_done (redis, job->key, expected, sent->sid, details, self->ttl_s,
                                    err, sizeof err): -1;
    s_check_redis (ctx, redis);
    if (rc != 1)
        zsys_warning ("sender: %s: sent as %s, but the record %s: %s", job->key, sent->sid,
                      rc == 0? "changed meanwhile": "cannot be written",
                      rc == 0? "another delivery is at it": details? err: "out of memory");
    sb_actor_result_t result = sb_sender_emit_sent (ctx, job, sent->sid, details);
    json_decref (details);
    return result;
}

//  After the request to account: records, releases or marks the claim by
//  what Twilio said, and ends the handler accordingly.
static sb_actor_result_t
s_after_send (sb_sender_t *self, sb_actor_ctx_t *ctx, redisContext *redis,
              const sb_sender_job_t *job, const char *account, int64_t at_ms,
              const sb_twilio_result_t *result)
{
    uint32_t attempt = sb_actor_attempt (ctx);
    char claim [SB_SENT_RAW_MAX], err [512] = "";
    sb_sent_claim_value (attempt, at_ms, account, claim);
    if (result->outcome == SB_TWILIO_SENT)
        return s_record_and_emit (self, ctx, redis, job, account, claim, &result->message,
                                  zclock_time ());
    int rc = result->outcome == SB_TWILIO_UNSURE
           ? sb_sent_unsure (redis, job->key, attempt, account, at_ms, self->ttl_s, err,
                             sizeof err)
           : sb_sent_release (redis, job->key, attempt, account, at_ms, err, sizeof err);
    s_check_redis (ctx, redis);
    if (rc != 1)
        zsys_warning ("sender: %s: cannot update the claim: %s", job->key,
                      rc == 0? "the record changed meanwhile": err);
    int64_t after = result->retry_after_ms > 0? result->retry_after_ms: 0;
    if (result->outcome == SB_TWILIO_REFUSED)
        return sb_actor_fail (ctx, "Twilio refused it: HTTP %ld, code %d: %s",
                              result->http_status, result->code, result->reason);
    if (result->outcome == SB_TWILIO_NOT_SENT)
        return sb_actor_retry (ctx, after, "Twilio did not take it (HTTP %ld): %s",
                               result->http_status, result->reason);
    return sb_actor_retry (ctx, after > self->lookup_delay_ms? after: self->lookup_delay_ms,
                           "no answer says whether Twilio has it (HTTP %ld: %s): the next "
                           "attempt looks it up", result->http_status, result->reason);
}

static sb_actor_result_t s_resolve (sb_sender_t *self, sb_actor_ctx_t *ctx,
                                     const sb_twilio_account_t *account,
                                     const sb_sender_job_t *job, redisContext *redis,
                                     const sb_sent_record_t *record);

//  What the record found instead of a first claim says: the message went
//  (message.sent again, from it), or an earlier attempt may have reached
//  Twilio (look it up).
static sb_actor_result_t
s_found (sb_sender_t *self, sb_actor_ctx_t *ctx, const sb_twilio_account_t *account,
         const sb_sender_job_t *job, redisContext *redis, const sb_sent_record_t *record)
{
    if (record->state == SB_SENT_DONE)
        return sb_sender_emit_sent (ctx, job, record->sid, record->details);
    return s_resolve (self, ctx, account, job, redis, record);
}

//  Sends job once, the record's value being expected ("" for none, as on
//  a first look): waits for a token and a slot, claims, sends, and
//  records the outcome. A claim that finds another value reads it in the
//  same round trip: on a first look that is the record to act on; after
//  a lookup it means another delivery got there first.
static sb_actor_result_t
s_send (sb_sender_t *self, sb_actor_ctx_t *ctx, const sb_twilio_account_t *account,
        const sb_sender_job_t *job, redisContext *redis, const char *expected)
{
    int64_t wait = s_take_token (self, job->from);
    if (wait > 0)
        return sb_actor_retry (ctx, wait, "rate limit of %s: next token in %" PRId64 " ms",
                               job->from, wait);
    if (sb_throttle_enter (self->throttle, account->account_sid, self->wait_ms))
        return sb_actor_retry (ctx, 0, "account %s: no request slot free within %d ms",
                               account->account_sid, self->wait_ms);
    //  The claim comes after the slot, so that its time is when the
    //  request starts: the lookup's wait for a pending claim counts on it
    char err [512];
    int64_t at_ms = 0;
    sb_sent_record_t record;
    int claimed = sb_sent_claim (redis, job->key, expected, sb_actor_attempt (ctx),
                                 account->account_sid, self->ttl_s, &at_ms, &record, err,
                                 sizeof err);
    sb_twilio_result_t result;
    if (claimed == 1)
        sb_twilio_api_send (self->api, account, job->to, job->from, job->text, &result);
    else
        sb_throttle_give (self->throttle, job->from);
    sb_throttle_leave (self->throttle, account->account_sid);
    s_check_redis (ctx, redis);
    sb_actor_result_t outcome;
    if (claimed == 1)
        outcome = s_after_send (self, ctx, redis, job, account->account_sid, at_ms, &result);
    else
    if (claimed == SB_SENT_CORRUPT)
        outcome = sb_actor_fail (ctx, "never-twice record %s%s: %s", SB_SENT_PREFIX, job->key,
                                 err);
    else
    if (claimed < 0)
        outcome = sb_actor_retry (ctx, 0, "never-twice record: %s", err);
    else
    if (*expected)
        outcome = sb_actor_retry (ctx, 0, "another delivery of this message claimed it first");
    else
        outcome = s_found (self, ctx, account, job, redis, &record);
    sb_sent_record_clear (&record);
    return outcome;
}

//  The account an earlier attempt's request went to, for its lookup: the
//  one its claim names, if that is account (the message's now) or the
//  process's own. A claim that names none was written before claims named
//  accounts, when every message used the process's account. NULL if that
//  account's credentials are no longer at hand.
static const sb_twilio_account_t *
s_claim_account (const sb_sender_t *self, const sb_twilio_account_t *account,
                 const sb_sent_record_t *record, sb_twilio_account_t *storage)
{
    const char *sid = *record->account? record->account: self->account_sid;
    if (!sid || streq (sid, account->account_sid))
        return account;
    if (!self->account_sid || !streq (sid, self->account_sid))
        return NULL;
    storage->account_sid = self->account_sid;
    storage->auth_token = self->auth_token;
    return storage;
}

//  Looks up what an earlier attempt (record: pending or unsure) did in the
//  account it used, and adopts its message, or sends (with account) if
//  Twilio has none.
static sb_actor_result_t
s_resolve (sb_sender_t *self, sb_actor_ctx_t *ctx, const sb_twilio_account_t *account,
           const sb_sender_job_t *job, redisContext *redis, const sb_sent_record_t *record)
{
    sb_twilio_account_t storage;
    const sb_twilio_account_t *used = s_claim_account (self, account, record, &storage);
    if (!used)
        return sb_actor_fail (ctx, "attempt %u's request went to account %s, whose credentials "
                              "the sender no longer has (the tenant's changed since?): whether "
                              "Twilio has the message cannot be told, so it is not sent again",
                              record->attempt, record->account);
    //  A pending claim may still be in flight until its time-out has run;
    //  then Twilio's list needs lookup_delay to show what it took
    int64_t settle = self->lookup_delay_ms
                   + (record->state == SB_SENT_PENDING? self->timeout_ms + S_IN_FLIGHT_MARGIN_MS: 0);
    //  (A claim "from the future", Redis's clock having gone back, waits
    //  settle at most)
    int64_t age = record->now_ms - record->at_ms;
    int64_t wait = age < 0? settle: settle - age;
    if (wait > 0)
        return sb_actor_retry (ctx, wait, "attempt %u's request %s: looking it up in "
                               "%" PRId64 " ms", record->attempt,
                               record->state == SB_SENT_PENDING? "may still be in flight"
                                                                : "had no answer", wait);
    if (sb_throttle_enter (self->throttle, used->account_sid, self->wait_ms))
        return sb_actor_retry (ctx, 0, "account %s: no request slot free within %d ms",
                               used->account_sid, self->wait_ms);
    char err [512] = "";
    s_owner_t owner = { redis, job->key, false };
    sb_twilio_message_t found;
    int64_t since_s = (record->at_ms - self->skew_ms) / 1000;
    int rc = sb_twilio_api_find (self->api, used, job->to, job->text, since_s,
                                 self->lookup_pages, s_not_taken, &owner, &found, err, sizeof err);
    sb_throttle_leave (self->throttle, used->account_sid);
    s_check_redis (ctx, redis);
    if (rc < 0 || owner.failed)
        return sb_actor_retry (ctx, self->lookup_delay_ms, "cannot tell whether attempt %u "
                               "reached Twilio: %s", record->attempt,
                               owner.failed? "Redis failed during the lookup": err);
    if (rc == 1) {
        zsys_info ("sender: %s: attempt %u's message found at Twilio as %s: not sent again",
                   job->key, record->attempt, found.sid);
        return s_record_and_emit (self, ctx, redis, job, used->account_sid, record->raw, &found,
                                  found.created_s * 1000);
    }
    return s_send (self, ctx, account, job, redis, record->raw);
}

sb_actor_result_t
sb_sender_twilio (sb_sender_t *self, sb_actor_ctx_t *ctx, const sb_twilio_account_t *account,
                  sb_sender_job_t *job, redisContext *redis)
{
    //  Most messages have no record yet: the first look claims at once
    return s_send (self, ctx, account, job, redis, "");
}
