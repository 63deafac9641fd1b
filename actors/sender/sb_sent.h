/*  sb_sent.h — the sender's never-twice record: one Redis string per
    outbound message, keyed by the idempotency key of the quality.approved
    envelope it answers (docs/actors/sender.md has the whole protocol).

        sb:sent:<key> = "pending:<attempt>:<ms>:<account>"   a request is (or
                                              may still be) on its way to
                                              Twilio's account <account>
                      = "unsure:<attempt>:<ms>:<account>"   it ended with no
                                              answer that says whether
                                              Twilio has it
                      = "sid:<SID>[ <json>]"  done: the SID, and what
                                              message.sent said (with the
                                              account_sid it was sent with)
        sb:sid:<SID>  = <key>                      which message holds a SID

    <ms> is Redis's clock (TIME) when the request was claimed, so instances
    on other machines compare times on one clock. Every change of a
    pending record is a compare-and-set (a small Lua script) on the value
    the caller saw, so two deliveries of one message racing each other
    cannot both claim it. Records expire after a TTL (days), well past any
    redelivery. A claim names the account its request went to, so that
    the lookup that resolves it asks that account (a tenant's credentials
    may change in between); claims written before accounts were recorded
    name none (":<account>" absent).

    Functions take the calling thread's connection; -1 means Redis failed
    (redis->err says whether the connection is broken), with the reason.  */

#ifndef SB_SENT_H_INCLUDED
#define SB_SENT_H_INCLUDED

#include "sb_classes.h"
#include <hiredis/hiredis.h>

#define SB_SENT_PREFIX      "sb:sent:"
#define SB_SENT_SID_PREFIX  "sb:sid:"
#define SB_SENT_TTL_S       (7 * 86400)    /* sender/record_ttl default     */
#define SB_SENT_SID_MAX     64
#define SB_SENT_RAW_MAX     128            /* a pending value, for the CAS */
#define SB_SENT_CORRUPT     -2             /* a value in none of the forms */

typedef enum {
    SB_SENT_NONE,            //  no record: never sent
    SB_SENT_PENDING,
    SB_SENT_UNSURE,
    SB_SENT_DONE
} sb_sent_state_t;

typedef struct {
    sb_sent_state_t state;
    char raw [SB_SENT_RAW_MAX];   //  PENDING/UNSURE: the value as read (""
                                  //  for NONE): what a compare-and-set expects
    uint32_t attempt;             //  PENDING/UNSURE: the attempt that claimed it
    int64_t at_ms;                //  PENDING/UNSURE: when, on Redis's clock
    char account [SB_SENT_SID_MAX + 1];   //  PENDING/UNSURE: the account the
                                  //  request went to, "" if the claim names none
    char sid [SB_SENT_SID_MAX + 1];   //  DONE
    json_t *details;              //  DONE: the message.sent fields recorded with
                                  //  it (owned), or NULL if the record has none
    int64_t now_ms;               //  Redis's clock when the record was read
} sb_sent_record_t;

//  Reads key's record into record (sb_sent_record_clear frees it).
//  Returns 0, -1 (Redis failed) or SB_SENT_CORRUPT (a value that is none
//  of the forms: someone else wrote it; nothing can be said), with why.
int sb_sent_read (redisContext *redis, const char *key, sb_sent_record_t *record,
                  char *err, size_t errlen);

//  Frees what a read record holds. Safe to call twice.
void sb_sent_record_clear (sb_sent_record_t *record);

//  Claims key for a request by attempt to account (an account SID:
//  letters and digits): sets "pending:<attempt>:<now>:<account>" if its
//  value is still expected (the raw value read; "" for none). Returns 1
//  (claimed; *at_ms is <now>), 0 (the value is not expected: what it is
//  was read into *record, as sb_sent_read does, in the same round trip),
//  or -1 / SB_SENT_CORRUPT (then as sb_sent_read). A first delivery
//  claims with "" and reads nothing beforehand. Clear *record after.
int sb_sent_claim (redisContext *redis, const char *key, const char *expected,
                   uint32_t attempt, const char *account, int ttl_s, int64_t *at_ms,
                   sb_sent_record_t *record, char *err, size_t errlen);

//  The value of the claim by attempt to account at at_ms, into value.
void sb_sent_claim_value (uint32_t attempt, int64_t at_ms, const char *account,
                          char value [SB_SENT_RAW_MAX]);

//  After a claim by attempt to account at at_ms: marks the request unsure
//  (it ended and Twilio may have the message), or releases the claim
//  (Twilio certainly does not have it: the record is deleted). Both only
//  if the claim is still there. Returns 1, 0 (the record changed), or -1.
int sb_sent_unsure (redisContext *redis, const char *key, uint32_t attempt,
                    const char *account, int64_t at_ms, int ttl_s, char *err, size_t errlen);
int sb_sent_release (redisContext *redis, const char *key, uint32_t attempt,
                     const char *account, int64_t at_ms, char *err, size_t errlen);

//  Records key as done with sid and details (a JSON object, borrowed; may
//  be NULL): if expected is not NULL, only while key's value is still
//  expected. Notes sid's owner (sb:sid:<sid>) in the same round trip,
//  whatever the record's write finds (sid was made for key either way).
//  Returns 1, 0 (the record changed: not written), or -1.
int sb_sent_done (redisContext *redis, const char *key, const char *expected, const char *sid,
                  const json_t *details, int ttl_s, char *err, size_t errlen);

//  The outbox's write, atomic: if key has no record, appends item to the
//  Redis list (keeping its newest max items) and records key as done with
//  sid and details. Returns 1 (appended), 0 (key had a record: read into
//  *record, as sb_sent_read), or -1 / SB_SENT_CORRUPT.
int sb_sent_push_once (redisContext *redis, const char *key, const char *list,
                       const char *item, long max, const char *sid, const json_t *details,
                       int ttl_s, sb_sent_record_t *record, char *err, size_t errlen);

//  True if sid is recorded for a key other than key (so a lookup must not
//  adopt it). Sets *failed on a Redis error (then says false).
bool sb_sent_taken (redisContext *redis, const char *sid, const char *key, bool *failed);

#endif
