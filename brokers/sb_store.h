/*  sb_store.h — the broker's durable store: Redis, through hiredis, whose
    types never leave this module. Queues are Redis Streams (one per
    service) read through one consumer group shared by every broker, so any
    broker can deliver what another accepted; delayed work is a sorted set;
    every multi-step change is one Lua script, so it is atomic. The layout
    and the reasons are in docs/broker.md.

    Every call is synchronous with a time-out (default 2 s) and returns 0,
    or -1 with the reason in sb_store_error (). A batch is one round trip.  */

#ifndef SB_STORE_H_INCLUDED
#define SB_STORE_H_INCLUDED

#include "sb_classes.h"

#define SB_STORE_GROUP "sb"          /* the consumer group every broker reads */
#define SB_STORE_STREAM_ID_MAX 48

typedef struct _sb_store_t sb_store_t;

//  One envelope to store for its routed services (publish, or DONE output).
typedef struct {
    const char *key;             //  idempotency key
    const char *id;              //  envelope id
    const uint8_t *envelope;     //  msgpack bytes
    size_t size;
    int64_t due_ms;              //  > now: delayed until then
    const char *const *services; //  where it is routed
    size_t service_count;
    const char *corr;            //  its conversation, for the trace (NULL: "")
    const char *type;            //  its type, for the trace (NULL: "")
    const char *phone;           //  the person it names (its schema's index,
                                 //  normalised), noted with the trace; NULL
                                 //  or "": none
    const char *tenant;          //  its tenant, with the phone (NULL: "")
} sb_store_put_t;

typedef enum {
    SB_STORE_FAILED,             //  no answer from Redis: unknown
    SB_STORE_STORED,
    SB_STORE_DUPLICATE,          //  key seen: first_id says with which id
    SB_STORE_OVER_CAPACITY,      //  backlog bound reached: nothing stored
    SB_STORE_APPLIED,            //  an answer was applied
    SB_STORE_STALE               //  an answer was fenced: nothing changed
} sb_store_status_t;

typedef struct {
    sb_store_status_t status;
    char first_id [SB_ID_LEN + 1];
} sb_store_put_result_t;

//  A worker's answer to apply: DONE (with outputs), RETRY or FAIL.
typedef enum {
    SB_STORE_DONE = 'D',
    SB_STORE_RETRY = 'R',
    SB_STORE_FAIL = 'F'
} sb_store_kind_t;

typedef struct {
    sb_store_kind_t kind;
    const char *service;
    const char *stream_id;
    uint32_t delivery_count;     //  the fence: the count this delivery had
    const char *envelope_id;
    const sb_store_put_t *outputs;   //  DONE
    size_t output_count;
    int64_t due_ms;              //  RETRY: when to deliver again
    uint32_t attempts;           //  attempts made so far, this one included
    const char *reason;          //  RETRY, FAIL
    const uint8_t *envelope;     //  RETRY, FAIL: the message itself
    size_t size;
    const char *corr;            //  the message's conversation (NULL: ""), its
    const char *type;            //  type (NULL: "") and when it was handed to
    int64_t delivered_ms;        //  the worker (Unix ms): for the trace
    bool fetched;                //  its delivery came from sb_store_fetch,
    uint64_t claims;             //  when the queue had seen so many claims
                                 //  (see sb_store_msg_t); false: the fence
                                 //  looks the entry up
} sb_store_op_t;

//  A message taken from a queue for delivery. The caller owns it.
typedef struct {
    char stream_id [SB_STORE_STREAM_ID_MAX];
    char envelope_id [SB_ID_LEN + 1];
    uint8_t *envelope;
    size_t size;
    uint32_t base_attempts;      //  attempts made before this queue entry
    uint32_t delivery_count;     //  deliveries of this entry, this one included
    bool fetched;                //  new from sb_store_fetch (not a claim), at
    uint64_t claims;             //  the moment the queue had seen so many
                                 //  claims: while it sees no more, the entry
                                 //  is still this broker's first delivery,
                                 //  and its answer's fence needs no lookup
} sb_store_msg_t;

void sb_store_msg_destroy (sb_store_msg_t **self_p);

//  Connects to url ("tcp://host:port" or "unix:/path"), loads the scripts.
//  prefix starts every key (default "sb:"); consumer names this broker in
//  the consumer group (stable across restarts, unique per broker).
//  password is Redis's AUTH password or NULL. Returns NULL with the reason
//  in err.
sb_store_t *sb_store_new (const char *url, const char *prefix, const char *consumer,
                          const char *password, int timeout_ms, char *err, size_t errlen);
void sb_store_destroy (sb_store_t **self_p);

//  The reason the last call failed (borrowed).
const char *sb_store_error (sb_store_t *self);

//  Connected, or reconnects if the last attempt is far enough behind:
//  returns 0 when connected, else -1 (the last reason in sb_store_error).
//  While Redis cannot be reached (its host cut off), a connect blocks up
//  to the time-out, so attempts are spaced by twice the time-out (at least
//  a second): the broker's loop keeps answering heartbeats and STATS
//  between them instead of spending its every pass in connects.
int sb_store_ensure (sb_store_t *self);
bool sb_store_connected (sb_store_t *self);

//  Pipelines: after begin, sb_store_publish, sb_store_complete and
//  sb_store_fetch only queue their commands (and return 0, or -1 if they
//  cannot be sent); send writes them and returns at once, so that the
//  caller can work while Redis does; when the socket (sb_store_fd) is
//  readable, read takes count replies, oldest first, and fills the outputs
//  the calls were given, which must stay valid until then. read returns 0,
//  or -1 if any failed: the outputs of a failed command say FAILED (fetch:
//  nothing appended); the others are filled. Several pipelines may be
//  sent before their replies are read; no other call may be made while
//  replies are owed. size: how many are owed now (read after a send, it
//  gives that pipeline's count). buffered: replies already read off the
//  socket wait in the reader (the socket may not wake a poll).
void sb_store_pipeline_begin (sb_store_t *self);
int sb_store_pipeline_send (sb_store_t *self);
size_t sb_store_pipeline_size (sb_store_t *self);
int sb_store_pipeline_read (sb_store_t *self, size_t count);
bool sb_store_pipeline_buffered (sb_store_t *self);
int sb_store_fd (sb_store_t *self);

//  Turns the per-conversation trace on (ttl_ms > 0: every event of a
//  publish or an answer is noted in sb:trace:<corr>, kept ttl_ms after the
//  last one) or off (0). Off by default.
void sb_store_set_trace (sb_store_t *self, int64_t ttl_ms);

//  The trace of conversation corr, oldest first, as a JSON array of
//  {at_ms, event, type, id, service, attempt, delay_ms, reason,
//  delivered_ms} (empty when none: unknown, expired, or the trace is off).
//  The caller owns *events.
int sb_store_trace (sb_store_t *self, const char *corr, json_t **events);

//  The conversations noted under phone (a normalised number, see
//  sb_schemas_phone_normalise) while the trace was on, newest first, as a
//  JSON array of {corr, tenant, first_ms} (first_ms: when the number was
//  first seen in it); only tenant's when tenant is not NULL; none older
//  than the trace's time to live at now_ms (their traces are gone). Empty
//  when none. The caller owns *conversations. Returns 0, or -1 with the
//  reason in sb_store_error.
int sb_store_conversations (sb_store_t *self, const char *phone, const char *tenant,
                            int64_t now_ms, json_t **conversations);

//  Creates service's queue and consumer group if missing.
int sb_store_ensure_service (sb_store_t *self, const char *service);

//  Stores a batch atomically with its deduplication (group commit); fills
//  results[count] (FAILED where Redis did not answer). dedup_ttl_ms is the dedup window; max_backlog the bound
//  on queued messages across services.
int sb_store_publish (sb_store_t *self, const sb_store_put_t *items, size_t count,
                      int64_t now_ms, int64_t dedup_ttl_ms, int64_t max_backlog,
                      sb_store_put_result_t *results);

//  Applies a batch of answers, each fenced; outcomes[i] is APPLIED, STALE
//  (op i no longer held its delivery: nothing changed) or FAILED (Redis did
//  not answer: try again).
int sb_store_complete (sb_store_t *self, const sb_store_op_t *ops, size_t count,
                       int64_t now_ms, int64_t dedup_ttl_ms, sb_store_status_t *outcomes);

//  Takes up to max new messages of service for this broker; appends
//  sb_store_msg_t items (caller owns) to out. One transaction (MULTI/EXEC,
//  four replies in a pipeline) that also reads the queue's claim count.
int sb_store_fetch (sb_store_t *self, const char *service, size_t max, zlistx_t *out);

//  Claims deliveries as a new attempt: mode "own" (this broker's pending
//  ones, after a restart), "stale" (anyone's idle over min_idle_ms: a dead
//  broker's) or "ids" (the given stream ids). Appends to out like fetch.
//  Whatever it takes adds one to the queue's claim count (sb:claims:<service>).
int sb_store_claim (sb_store_t *self, const char *service, const char *mode,
                    int64_t min_idle_ms, size_t max, const char *const *ids,
                    size_t id_count, zlistx_t *out);

//  Removes a service's finished entries from its queue (completions only
//  acknowledge; this trims them in bulk). Sets *removed.
int sb_store_trim (sb_store_t *self, const char *service, int64_t *removed);

//  Renews this broker's hold on its in-flight deliveries.
int sb_store_touch (sb_store_t *self, const char *service, const char *const *ids,
                    size_t count);

//  Moves due delayed entries into their queues. Sets *next_due_ms (or -1:
//  nothing delayed) and appends the services that got work (strings the
//  caller frees) to services.
int sb_store_move_due (sb_store_t *self, int64_t now_ms, size_t max,
                       int64_t *next_due_ms, zlistx_t *services);

//  Dead letters: newest first, as a JSON array of {entry, service, id,
//  reason, attempts, failed_ms, errors, envelope}; envelope is the message
//  in its JSON form (null if it no longer decodes). The caller owns *entries.
int sb_store_dlq_list (sb_store_t *self, size_t count, json_t **entries);

//  Replays one dead letter (entry id) or all (entry NULL) into their
//  queues; sets *replayed and appends the services (strings, caller frees).
int sb_store_dlq_replay (sb_store_t *self, const char *entry, size_t *replayed,
                         zlistx_t *services);

//  Figures for STATS: per service queue length, in flight (pending),
//  delayed, oldest queued message's age; and the total backlog.
typedef struct {
    bool known;           //  false: Redis could not tell (the rest 0)
    int64_t queued;       //  in the stream, not yet delivered
    int64_t pending;      //  delivered, not yet answered (all brokers)
    int64_t delayed;
    int64_t oldest_ms;    //  when the oldest entry was queued, 0 if none
} sb_store_figures_t;

//  Fills figures [i] for each of count services, in two round trips to
//  Redis however many they are. Returns 0, or -1 when Redis failed (then
//  none is known).
int sb_store_figures (sb_store_t *self, const char *const *services, size_t count,
                      sb_store_figures_t *figures);
int sb_store_backlog (sb_store_t *self, int64_t *backlog);
int sb_store_dlq_size (sb_store_t *self, int64_t *size);

#endif
