/*  sb_sender.h — the sender actor's state and handler.

    Consumes quality.approved {text, conversation {channel, employee_phone,
    tenant_number?}}; sends text to employee_phone on the channel through
    Twilio's Messages API with the tenant's own account (stored by
    agent-sync) or else the process's, or, with neither, to the local
    outbox; emits message.sent {message_sid, provider, channel, to, from,
    text, segments, status, sent_at_ms, conversation}. One outbound message
    per idempotency key, however often it is delivered: the record in
    sb_sent.h, the protocol and its guarantee in docs/actors/sender.md.    */

#ifndef SB_SENDER_H_INCLUDED
#define SB_SENDER_H_INCLUDED

#include "sb_actor.h"
#include "sb_tenant_cache.h"

typedef struct _sb_sender_t sb_sender_t;

//  The sender's own config keys, for --help.
#define SB_SENDER_CONFIG_HELP \
    "  mode                  auto (default): each message with its tenant's own Twilio\n" \
    "                        account (stored by agent-sync; read with env CREDENTIALS_KEY\n" \
    "                        or CREDENTIALS_KEY_FILE), else the process's, else the outbox;\n" \
    "                        twilio: the same but never the outbox (no account: fail; none\n" \
    "                        of either kind configured: refuse to start); outbox: always\n" \
    "  twilio/api_base       Twilio's API (env TWILIO_API_BASE; default https://api.twilio.com)\n" \
    "  twilio/account_sid    the account (env TWILIO_ACCOUNT_SID); the auth token comes only\n" \
    "                        from env TWILIO_AUTH_TOKEN (also ingress's signing key: alone,\n" \
    "                        it leaves mode auto in the outbox)\n" \
    "  twilio/phone_number   From when neither the conversation nor the tenant has a number\n" \
    "                        (env TWILIO_PHONE_NUMBER)\n" \
    "  twilio/timeout        ms per Twilio request (default 10000)\n" \
    "  twilio/max_in_flight  requests in flight per account (default 100)\n" \
    "  twilio/rate           messages per second per sending number (default 0: no limit)\n" \
    "  twilio/burst          the token bucket's size (default: rate, at least 1)\n" \
    "  twilio/wait           ms a message may wait for a slot or a token (default 1000)\n" \
    "  twilio/lookup_delay   ms before an unanswered request is looked up (default 5000)\n" \
    "  twilio/lookup_pages   list pages read by a lookup (default 5)\n" \
    "  twilio/clock_skew     ms of skew allowed between Redis's and Twilio's clocks (default 5000)\n" \
    "  record_ttl            seconds a never-twice record is kept (default 604800)\n" \
    "  outbox                outbox mode's file (default ./run/outbox.jsonl)\n" \
    "  outbox_max            entries kept in the Redis list sb:outbox (default 10000)\n" \
    SB_TENANT_CACHE_HELP \
    "The environment overrides the file. With TWILIO_AUTH_TOKEN or the credentials key\n" \
    "set, Redis (--redis) is required: without one it stops at start (exit 78).\n"

//  Builds the sender from its config section (NULL: defaults) and the
//  environment. Returns it, or NULL with the reason in err.
sb_sender_t *sb_sender_new (zconfig_t *section, char *err, size_t errlen);

void sb_sender_destroy (sb_sender_t **self_p);

//  The actor's handler (state: the sender).
sb_actor_result_t sb_sender_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message,
                                    void *state);

#endif
