/*  sb_sender_private.h — what the sender's modules share: its settings,
    the message being sent (a job), and the message.sent it emits.       */

#ifndef SB_SENDER_PRIVATE_H_INCLUDED
#define SB_SENDER_PRIVATE_H_INCLUDED

#include "sb_sender.h"
#include "sb_actor_redis.h"
#include "sb_credentials.h"
#include "sb_outbox.h"
#include "sb_sent.h"
#include "sb_throttle.h"
#include "sb_twilio_api.h"

struct _sb_sender_t {
    //  Twilio: the process's own account (account_sid and auth_token set),
    //  and tenants' own accounts (box set: they are read from Redis)
    sb_twilio_api_t *api;        //  NULL: never Twilio (mode outbox, or no account)
    char *account_sid;           //  NULL: the process has no account
    char *auth_token;            //  a secret: never logged, wiped when freed
    char *phone_number;          //  the last resort for From with the process's
                                 //  account or the outbox, or NULL
    sb_secretbox_t *box;         //  opens tenants' credentials; NULL: not read
    bool twilio_only;            //  mode twilio: a message with no account fails
    int timeout_ms;
    int wait_ms;
    int lookup_delay_ms;
    int lookup_pages;
    int skew_ms;
    sb_throttle_t *throttle;
    //  The outbox: messages with no account (mode auto), or all (mode outbox)
    sb_outbox_t *outbox;         //  NULL: never the outbox
    long outbox_max;
    //  Both
    int ttl_s;
};

//  One quality.approved being handled: borrowed from the message, and the
//  addresses worked out for it.
typedef struct {
    const char *id;              //  the envelope's id
    const char *key;             //  its idempotency key: the record's name
    const char *text;
    const char *channel;         //  "sms" or "whatsapp"
    const json_t *conversation;
    char to [SB_TWILIO_ADDRESS_MAX + 1];
    char from [SB_TWILIO_ADDRESS_MAX + 1];   //  "" if none is known
    int segments;                //  ours, by sb_sms; 0 for WhatsApp
} sb_sender_job_t;

//  Emits message.sent for job: message_sid sid, then the fields details
//  recorded (provider, to, from, segments, status, sent_at_ms; NULL: the
//  job's own, provider from the SID's kind). Returns DONE, or RETRY if
//  the emit failed.
sb_actor_result_t sb_sender_emit_sent (sb_actor_ctx_t *ctx, const sb_sender_job_t *job,
                                       const char *sid, const json_t *details);

//  The details recorded with a SID (a new object): provider, to, from (if
//  any), segments (SMS only: Twilio's when it said, else ours), status (if
//  any), sent_at_ms.
json_t *sb_sender_details (const sb_sender_job_t *job, const char *provider, int segments,
                           const char *status, int64_t sent_at_ms);

//  The Twilio path: send once, resolve an earlier attempt, or re-emit.
sb_actor_result_t sb_sender_twilio (sb_sender_t *self, sb_actor_ctx_t *ctx,
                                    const sb_twilio_account_t *account, sb_sender_job_t *job,
                                    redisContext *redis);

#endif
