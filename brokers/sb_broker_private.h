/*  sb_broker_private.h — what the broker's modules share: its state and
    the few functions they call across files (sb_broker.c: the loop,
    replies, workers, answers, deliveries; sb_broker_round.c: the rounds
    of group commits in flight to Redis; sb_broker_commit.c: what goes in
    them; sb_broker_timers.c; sb_broker_tools.c). Not for use outside
    brokers/.                                                              */

#ifndef SB_BROKER_PRIVATE_H_INCLUDED
#define SB_BROKER_PRIVATE_H_INCLUDED

#include "sb_classes.h"
#include "sb_alerts.h"
#include "sb_broker.h"
#include "sb_curve.h"
#include "sb_hist.h"
#include "sb_monitor.h"
#include "sb_proto.h"
#include "sb_routes.h"
#include "sb_store.h"

#define S_MAX_CAPACITY   1024     //  credit one worker may declare
#define S_FETCH_MAX      1024     //  messages fetched per service per round
#define S_ROUNDS_MAX     2        //  rounds in flight to Redis at once
#define S_STALL_CHECK_MS 5000     //  how often stalled services are looked for
#define S_MAX_REPLY_ROUTES 10000  //  distinct reply_to services remembered
#define S_FAILURE_WINDOW_MS 60000 //  failure rates cover one to two of these

typedef struct _s_service_t s_service_t;
typedef struct _s_worker_t s_worker_t;

//  One delivery: a message handed to a worker, held until it answers.
typedef struct {
    char handle [SB_PROTO_HANDLE_MAX];
    s_service_t *service;
    s_worker_t *worker;
    void *in_worker;             //  its place in worker->deliveries
    sb_store_msg_t *msg;         //  owned
    int64_t sent_us;             //  when it was handed out (monotonic, us)
    int64_t sent_ms;             //  the same, Unix ms (for the trace)
    int64_t lease_expiry_ms;     //  as handed out; its worker's messages
                                 //  renew it (s_worker_t.heard_ms)
    bool committing;             //  an answer is on its way to Redis
    char corr [SB_ENVELOPE_MAX_CORR + 1];   //  for the trace ("" when it is off)
    char type [SB_ENVELOPE_MAX_NAME + 1];
} s_delivery_t;

struct _s_worker_t {
    char *key;                   //  identity as hex, the workers table key
    zframe_t *identity;
    s_service_t *service;
    char *instance;
    uint32_t capacity;
    uint32_t credit;             //  deliveries it can still take
    int64_t expiry_ms;           //  dead if silent past this
    int64_t heard_ms;            //  its last message (monotonic): each one
                                 //  extends the leases of all it holds
    zlistx_t *deliveries;        //  s_delivery_t, not owned
    void *in_idle;               //  its place in service->idle, or NULL
    bool draining;               //  said DRAIN: finishing, takes no more work
};

struct _s_service_t {
    char *name;
    const sb_policy_t *policy;
    zlistx_t *idle;              //  workers with credit, least recently used first
    zlistx_t *ready;             //  sb_store_msg_t fetched, not yet handed out (owned)
    size_t workers;
    size_t capacity;
    size_t in_flight;            //  this broker's deliveries
    bool dirty;                  //  work may be waiting in Redis
    int64_t next_poll_ms;
    size_t fetching;             //  asked for in the fetch in flight
    size_t fetch_before;         //  ready messages before its reply was read
    uint64_t fetch_round;        //  the round carrying it, 0: none
    uint64_t delivered, completed, retried, failed, dead, expired;
    uint64_t completed_at_check; //  stall detection
    uint64_t completed_at_trim;
    int64_t backlog_at_check;
    bool stalled;
    sb_hist_t latency;           //  deliver -> answer, us
    uint64_t window_answers [2]; //  failure rate: counts at the start of the
    uint64_t window_failures [2];//  last two windows (S_FAILURE_WINDOW_MS)
    int64_t window_ms;           //  when the newer one started
};

//  A reply route: the one-service list of the reply_to it names, kept for
//  the broker's life so that publishes and outputs can point at it.
typedef struct {
    char *name;
    const char *list [1];
} s_reply_route_t;

void sb_broker_reply_route_destructor (void **item);

//  A publish waiting for the round's group commit.
typedef struct {
    zframe_t *identity;
    char token [SB_PROTO_TOKEN_MAX + 1];
    zframe_t *envelope;          //  the bytes, kept as received
    char key [SB_ENVELOPE_MAX_KEY + 1];
    char id [SB_ID_LEN + 1];
    char corr [SB_ENVELOPE_MAX_CORR + 1];
    char type [SB_ENVELOPE_MAX_NAME + 1];
    char tenant [SB_ENVELOPE_MAX_NAME + 1];
    char phone [SB_SCHEMAS_PHONE_MAX + 1];   //  its indexed value; "": none
    int64_t due_ms;
    const char *const *services;
    size_t service_count;
} s_publish_t;

//  A worker's answer waiting for the round's commit.
typedef struct {
    s_delivery_t *delivery;
    sb_store_kind_t kind;
    int64_t due_ms;
    uint32_t attempts;
    char reason [512];
    zmsg_t *outputs;             //  DONE: the emitted envelopes' frames
    sb_store_put_t *puts;        //  DONE: what the store gets for them
    size_t put_count;
    s_publish_t *heads;          //  DONE: their checked headers and routes
} s_answer_t;

//  A round: one pipeline of commands sent to Redis (the round's publishes
//  in one script, its answers in another, its fetches), and what waits on
//  its replies. Rounds are read back oldest first.
typedef struct {
    uint64_t seq;                //  1, 2, ...: which fetches it carries
    size_t replies;              //  the Redis replies it is owed
    int64_t started_ms;          //  when it was sent
    int64_t started_us;          //  the same, for its round trip
    zlistx_t *sending;           //  s_publish_t it stores
    sb_store_put_t *puts;        //  their items, for the store
    sb_store_put_result_t *put_results;
    zlistx_t *answers;           //  s_answer_t it commits
    sb_store_op_t *ops;          //  their items, for the store
    sb_store_status_t *outcomes;
} s_round_t;

//  How long the rounds waited for Redis, from the pipeline's send to its
//  last reply read: what tells a slow Redis (a fork, its copy-on-write, a
//  slow script) from a broker or a machine slow to schedule. Counts only
//  grow, so a tool can take differences over a window.
typedef struct {
    sb_hist_t hist;              //  us
    uint64_t over_1ms, over_2ms, over_10ms;
    int64_t max_us;
} s_round_trips_t;

struct _sb_broker_t {
    sb_broker_config_t config;
    sb_alerts_t alerts;          //  thresholds (the config's alerts section)
    char *name;
    char *endpoint;
    zsock_t *router;
    zsock_t *tap;                //  PUB: a copy of the traffic, or NULL
    char *tap_endpoint;          //  where it is bound
    sb_monitor_t *monitor;       //  the router's socket events, or NULL
    sb_curve_server_t *curve;    //  CURVE keys and zauth, or NULL: plain TCP
    sb_store_t *store;
    sb_schemas_t *schemas;
    msgpack_zone *zone;          //  unpacked envelopes' maps, cleared after each
    sb_routes_t *routes;
    zhashx_t *services;          //  name -> s_service_t
    zhashx_t *reply_routes;      //  reply service name -> s_reply_route_t
    zhashx_t *workers;           //  identity hex -> s_worker_t
    zhashx_t *deliveries;        //  handle -> s_delivery_t (owned)
    zlistx_t *publishes;         //  s_publish_t waiting for the next round
    zlistx_t *replying;          //  s_publish_t of the round Redis answered, to reply to
    sb_store_put_result_t *reply_results;   //  their outcomes
    zlistx_t *tool_requests;     //  zmsg_t [identity][command][args], for between rounds
    zlistx_t *answers;           //  s_answer_t waiting for the next round
    s_round_t rounds [S_ROUNDS_MAX];   //  a ring: in flight from round_first on
    size_t round_first, round_count;
    uint64_t round_seq;          //  the last round's seq
    s_round_trips_t round_trips;   //  for STATS
    int64_t started_ms;
    int64_t next_heartbeat_ms;
    int64_t next_touch_ms;
    int64_t next_reclaim_ms;
    int64_t next_due_ms;         //  when move_due should run next
    int64_t next_stall_check_ms;
    int64_t next_trim_ms;
    size_t stall_cursor;         //  round-robins over the services
    size_t trim_cursor;
    uint64_t published, duplicates, refused, malformed;
    bool storage_ok;
    char storage_error [256];
};

//  Replies: [identity][SBP1][command][args] (args destroyed), or up to three
//  string arguments (NULL for fewer).
void sb_broker_send (sb_broker_t *self, zframe_t *identity, const char *command, zmsg_t *args);
void sb_broker_send_strings (sb_broker_t *self, zframe_t *identity, const char *command,
                             const char *first, const char *second, const char *third);

//  Registers a worker (HELLO). A reply service unknown so far is created
//  first, between rounds (it needs its queue in Redis).
void sb_broker_on_hello (sb_broker_t *self, zframe_t *identity, zmsg_t *args);
int sb_broker_add_reply_service (sb_broker_t *self, const char *name, char *err, size_t errlen);

//  Workers: removed (what they hold goes back for another attempt), proved
//  alive (leases extended), their idle credit.
void sb_broker_worker_remove (sb_broker_t *self, s_worker_t *worker, const char *why);
void sb_broker_worker_alive (sb_broker_t *self, s_worker_t *worker, int64_t now);
size_t sb_broker_idle_credit (s_service_t *service);

//  Answers: queue one for the next round (a retry past the service's
//  attempts becomes a dead letter; delay_ms < 0: the service's back-off);
//  detach a delivery from its worker, giving the credit back.
void sb_broker_answer_queue (sb_broker_t *self, s_delivery_t *delivery,
                             sb_store_kind_t kind, const char *reason, int64_t delay_ms);
void sb_broker_release (s_delivery_t *delivery);

//  Services, workers and deliveries (sb_broker_workers.c): a service (name
//  copied, policy borrowed; NULL if out of memory), and the zhashx/zlistx
//  destructors of each.
s_service_t *sb_broker_service_new (const char *name, const sb_policy_t *policy);
void sb_broker_service_destructor (void **item);
void sb_broker_worker_destructor (void **item);
void sb_broker_delivery_destructor (void **item);

//  Looks a worker up by its identity frame (NULL: not registered); puts
//  it back in its service's idle list when it has credit.
s_worker_t *sb_broker_worker_lookup (sb_broker_t *self, zframe_t *identity);
void sb_broker_worker_requeue (s_worker_t *worker);

//  NACK token code reason, counted as refused.
void sb_broker_nack (sb_broker_t *self, zframe_t *identity, const char *token,
                     const char *code, const char *reason);

//  The group commit (sb_broker_commit.c): commands from peers, their
//  queueing into the round's pipeline, and the round's outcome.
void sb_broker_on_publish (sb_broker_t *self, zframe_t *identity, zmsg_t *args);
//  A PUBLISH already taken apart: token (a checked string) and the
//  envelope (ownership taken, *envelope_p set to NULL).
void sb_broker_publish_envelope (sb_broker_t *self, zframe_t *identity, const char *token,
                                 zframe_t **envelope_p);
//  An answer (DONE, RETRY, FAIL) from worker, the registered worker that
//  identity names (NULL: none, which is told to say HELLO), already seen
//  alive by the caller.
void sb_broker_on_answer (sb_broker_t *self, s_worker_t *worker, zframe_t *identity,
                          zmsg_t *args, const char *command);
//  A DONE without outputs, already taken apart (handle: a checked string).
void sb_broker_on_done (sb_broker_t *self, s_worker_t *worker, zframe_t *identity,
                        const char *handle);
void sb_broker_queue_publishes (sb_broker_t *self, s_round_t *round);
void sb_broker_settle_publishes (sb_broker_t *self, s_round_t *round);
void sb_broker_reply_publishes (sb_broker_t *self);
void sb_broker_queue_answers (sb_broker_t *self, s_round_t *round);
void sb_broker_finish_answers (sb_broker_t *self, s_round_t *round);
void sb_broker_publish_destructor (void **item);
void sb_broker_answer_destructor (void **item);

//  Attempts a delivery's message has had, this one included.
uint32_t sb_broker_attempts (const s_delivery_t *delivery);

//  Notes a Redis failure (logged once, shown in STATS until Redis answers).
void sb_broker_storage_failed (sb_broker_t *self, const char *what);

//  The tap (docs/protocol.md, "Tap"): when configured, one message per
//  event: [event][services][attempt][reason][envelope]; nothing otherwise.
void sb_broker_tap (sb_broker_t *self, const char *event, const char *services,
                    uint32_t attempt, const char *reason, const void *envelope, size_t size);

//  zlistx destructor for strings.
void sb_broker_string_destructor (void **item);

//  Rounds (sb_broker_round.c). init: 0, or -1 out of memory; destroy
//  frees what rounds hold (none in flight by then: see end). advance:
//  finishes the oldest round when Redis has answered it (redis_ready) or
//  it timed out, and starts one when there is room and work; with none in
//  flight it runs the timers first. end: finishes every round in flight
//  and sends their replies. deadline: when the oldest times out.
int sb_broker_rounds_init (sb_broker_t *self);
void sb_broker_rounds_destroy (sb_broker_t *self);
size_t sb_broker_rounds_in_flight (sb_broker_t *self);
int64_t sb_broker_rounds_deadline (sb_broker_t *self);
void sb_broker_rounds_advance (sb_broker_t *self, bool redis_ready, int64_t now);
void sb_broker_rounds_end (sb_broker_t *self);

//  Hands fetched work to idle workers (sb_broker.c).
void sb_broker_dispatch (sb_broker_t *self);

//  Between rounds: the timers (sb_broker_timers.c), then the tool requests
//  that came in during the round (sb_broker_tools.c). due: whether any
//  timer or tool request is waiting (no new round is started then, so
//  that the rounds in flight drain and the timers can talk to Redis).
void sb_broker_timers (sb_broker_t *self, int64_t now);
bool sb_broker_timers_due (sb_broker_t *self, int64_t now);
void sb_broker_tool_requests (sb_broker_t *self);

#endif
