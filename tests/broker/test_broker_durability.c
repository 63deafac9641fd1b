/*  test_broker_durability.c — the broker's integration tests, durability:
    nothing the broker ACKed is lost when it, a worker or one of two
    brokers on one Redis dies, and the store's fencing refuses answers for
    superseded attempts. Real broker processes (brokers/broker_main.c), a
    private redis-server per test and the test program testworker, driven
    as a user would drive them: processes, sockets, Redis. Each test
    synchronises by polling with a deadline (the one sleep, in the crash
    test, is a scenario step: time passing).

    The brokers run with short timings (sb_testworld_broker_quick) so that
    dead workers and dead brokers are noticed within a second. A client
    given both brokers goes on publishing when one of them falls silent.

    Usage: test_broker_durability BROKER TESTWORKER TESTPUBLISH [TEST]
    (paths of the three programs; CTest passes them). Exits 77 (skipped)
    without redis-server.                                                   */

#include "sb_classes.h"
#include "sb_store.h"
#include "sb_testecho.h"
#include "sb_testsink.h"
#include "sb_testutil.h"
#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_WORKER     1           //  testworker's path in the world's programs
#define S_LEASE_MS   2000
#define S_WAIT_MS    SB_TESTWORLD_WAIT_MS

//  Starts broker index with the short timings.
static void
s_broker_start (sb_testworld_t *world, size_t index)
{
    assert_int_equal (sb_testworld_broker_quick (world, index, S_LEASE_MS, NULL, NULL), 0);
}

//  Starts an echo and a sink testworker on broker and waits until it has
//  echo_count echo workers in all, and the sink.
static void
s_workers_start (sb_testworld_t *world, size_t broker, int64_t echo_count)
{
    assert_int_equal (sb_testecho_workers (world, world->programs [S_WORKER], broker,
                                           echo_count), 0);
}

//  Asserts that each request's echo.reply reached the sink, none of them
//  twice on a first attempt.
static void
s_assert_replies (sb_testworld_t *world, char (*ids) [SB_ID_LEN + 1], size_t count)
{
    assert_int_equal (sb_testsink_check_replies (world->sink, ids, count, NULL), 0);
}

//  --------------------------------------------------------------------------
//  1. A broker killed mid-stream loses nothing it ACKed

static void
test_broker_crash (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, 0);
    s_workers_start (world, 0, 1);
    char ids [200][SB_ID_LEN + 1];
    assert_int_equal (sb_testecho_publish_many (world, 0, 200, "slow:5", "crash", ids), 0);
    size_t before = sb_testsink_wait (world->sink, "echo.reply", 20, S_WAIT_MS);
    assert_int_equal (sb_testworld_broker_kill (world, 0), 0);
    assert_true (before >= 20);
    if (sb_testsink_wait (world->sink, "echo.reply", 200, 0) >= 200)
        fail_msg ("everything was done before the kill: the test proves nothing");

    //  The scenario, not a synchronisation: the echo worker works through
    //  the deliveries it holds (5 ms each) and its DONEs, with their
    //  replies, are lost with the broker; those come back as attempt 2 and
    //  their replies must then be stored once
    zclock_sleep (200);
    //  testworker says HELLO once: workers of the dead broker are replaced
    sb_testworld_kill_all (world);
    assert_int_equal (sb_testworld_broker_restart (world, 0), 0);
    s_workers_start (world, 0, 1);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 200, S_WAIT_MS), 200);
    assert_true (sb_testworld_wait_drained (world, 0));
    s_assert_replies (world, ids, 200);
}

//  --------------------------------------------------------------------------
//  2. A worker that dies holding a message: redelivered once, done once

static void
test_worker_crash (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    const char *program = world->programs [S_WORKER];
    s_broker_start (world, 0);
    sb_testproc_t *first = sb_testworld_worker (world, program, 0, "echo", "e1", "1");
    sb_testproc_t *second = sb_testworld_worker (world, program, 0, "echo", "e2", "1");
    assert_true (first && second);
    assert_non_null (sb_testworld_worker (world, program, 0, "echo-sink", "s1", "10"));
    assert_true (sb_testworld_wait_workers (world, 0, "echo", 2));
    assert_true (sb_testworld_wait_workers (world, 0, "echo-sink", 1));

    char id [SB_ID_LEN + 1], reply_id [SB_ID_LEN + 1];
    assert_int_equal (sb_testecho_publish (world, 0, "crash-once", "crash-once", 0, 0, id), 0);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 1, S_WAIT_MS), 1);
    assert_true (sb_testworld_wait_drained (world, 0));

    //  The worker that had attempt 1 exited; the other did attempt 2 (on
    //  attempt 1 it would have exited too)
    int status_first = 0, status_second = 0;
    bool first_gone = sb_testproc_wait (first, 0, &status_first) == 0;
    bool second_gone = sb_testproc_wait (second, 0, &status_second) == 0;
    assert_true (first_gone != second_gone);
    int status = first_gone? status_first: status_second;
    assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 3);

    sb_testsink_t sink;
    sb_testsink_read (world->sink, &sink);
    assert_int_equal (sb_id_derive (id, 0, reply_id), 0);
    assert_int_equal (sink.count, 1);
    assert_string_equal (sink.lines [0].id, reply_id);
    assert_string_equal (sink.lines [0].text, "crash-once");
    sb_testsink_free (&sink);
    json_t *stats = sb_testworld_stats (world, 0);
    assert_int_equal (sb_testworld_figure (stats, "echo", "delivered"), 2);
    assert_int_equal (sb_testworld_figure (stats, "echo", "completed"), 1);
    assert_int_equal (sb_testworld_figure (stats, "echo", "workers"), 1);
    json_decref (stats);
}

//  --------------------------------------------------------------------------
//  3. Two brokers on one Redis: a dead broker's deliveries are reclaimed

//  How many entries of service's queue consumer holds unanswered (its
//  pending entries in the consumer group).
static long long
s_pending_of (sb_testworld_t *world, const char *service, const char *consumer)
{
    redisContext *redis = sb_testredis_connect (world->redis);
    assert_non_null (redis);
    redisReply *reply = (redisReply *) redisCommand (redis, "XPENDING sb:q:%s %s", service,
                                                     SB_STORE_GROUP);
    assert_non_null (reply);
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    long long pending = 0;
    redisReply *consumers = reply->elements == 4? reply->element [3]: NULL;
    for (size_t index = 0; consumers && index < consumers->elements; index++) {
        redisReply *pair = consumers->element [index];
        if (pair->elements == 2 && streq (pair->element [0]->str, consumer))
            pending = strtoll (pair->element [1]->str, NULL, 10);
    }
    freeReplyObject (reply);
    redisFree (redis);
    return pending;
}

static void
test_failover (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, 0);
    s_broker_start (world, 1);
    s_workers_start (world, 0, 1);
    char ids [100][SB_ID_LEN + 1];
    assert_int_equal (sb_testecho_publish_many (world, 0, 100, "slow:20", "failover", ids), 0);
    assert_true (sb_testsink_wait (world->sink, "echo.reply", 5, S_WAIT_MS) >= 5);
    assert_int_equal (sb_testworld_broker_kill (world, 0), 0);
    sb_testworld_kill_all (world);
    //  What only the visibility time-out can give back: A's pending work
    long long held = s_pending_of (world, "echo", "broker-a");
    assert_true (held > 0);
    assert_true (sb_testsink_wait (world->sink, "echo.reply", 100, 0) < 100);

    s_workers_start (world, 1, 1);
    assert_int_equal (sb_testsink_wait (world->sink, "echo.reply", 100, S_WAIT_MS), 100);
    assert_true (sb_testworld_wait_drained (world, 1));
    s_assert_replies (world, ids, 100);
    assert_int_equal (s_pending_of (world, "echo", "broker-a"), 0);
    assert_int_equal (s_pending_of (world, "echo-sink", "broker-a"), 0);
}

//  --------------------------------------------------------------------------
//  4. Fencing in the store: an answer for a superseded attempt is refused

static void
s_msg_destructor (void **item)
{
    sb_store_msg_destroy ((sb_store_msg_t **) item);
}

//  A store on the test's Redis as broker consumer.
static sb_store_t *
s_store (sb_testworld_t *world, const char *consumer)
{
    char err [256];
    sb_store_t *store = sb_store_new (sb_testredis_url (world->redis), "sb:", consumer, NULL,
                                      2000, err, sizeof err);
    if (!store)
        fail_msg ("store: %s", err);
    return store;
}

//  Publishes one message of key for "svc" on store (at once, or queued in
//  a pipeline: the store copies the command); its id written to id.
//  Returns what sb_store_publish returned.
static int
s_publish_one (sb_testworld_t *world, sb_store_t *store, const char *key,
               char id [SB_ID_LEN + 1], sb_store_put_result_t *result)
{
    size_t size = 0;
    sb_testmsg_t msg = { .type = "echo.request", .key = key };
    uint8_t *data = sb_testmsg_encode (world->ids, &msg, json_pack ("{s:s}", "text", "x"), id,
                                       &size);
    assert_non_null (data);
    static const char *services [] = { "svc" };
    sb_store_put_t put = { .key = key, .id = id, .envelope = data, .size = size,
                           .services = services, .service_count = 1 };
    result->status = SB_STORE_FAILED;
    int rc = sb_store_publish (store, &put, 1, zclock_time (), 60000, 1000, result);
    free (data);
    return rc;
}

//  Stores one message for "svc" and returns its id in id.
static void
s_store_put (sb_testworld_t *world, sb_store_t *store, const char *key, char id [SB_ID_LEN + 1])
{
    sb_store_put_result_t result;
    assert_int_equal (s_publish_one (world, store, key, id, &result), 0);
    assert_int_equal (result.status, SB_STORE_STORED);
}

//  A list for fetched messages, which it owns
static zlistx_t *
s_msgs_new (void)
{
    zlistx_t *msgs = zlistx_new ();
    assert_non_null (msgs);
    zlistx_set_destructor (msgs, s_msg_destructor);
    return msgs;
}

//  Applies DONE for msg as held with delivery_count, by a store that
//  holds one entry of "svc", as the broker does (trusting a fetch while
//  the queue's claim count has not moved); returns true if applied, false
//  if fenced.
static bool
s_store_done (sb_store_t *store, sb_store_msg_t *msg, uint32_t delivery_count)
{
    sb_store_op_t op = { .kind = SB_STORE_DONE, .service = "svc", .stream_id = msg->stream_id,
                         .delivery_count = delivery_count,
                         .envelope_id = msg->envelope_id, .attempts = delivery_count,
                         .fetched = msg->fetched, .claims = msg->claims };
    sb_store_status_t outcome = SB_STORE_FAILED;
    assert_int_equal (sb_store_complete (store, &op, 1, zclock_time (), 60000, &outcome), 0);
    assert_true (outcome == SB_STORE_APPLIED || outcome == SB_STORE_STALE);
    return outcome == SB_STORE_APPLIED;
}

static void
test_store_fencing (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_redis_start (world, NULL), 0);
    sb_store_t *store = s_store (world, "c1");
    sb_store_t *other = s_store (world, "c2");
    zlistx_t *msgs = s_msgs_new ();
    assert_int_equal (sb_store_ensure_service (store, "svc"), 0);
    char id [SB_ID_LEN + 1];
    s_store_put (world, store, "fence-1", id);
    assert_int_equal (sb_store_fetch (store, "svc", 10, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 1);
    sb_store_msg_t *msg = (sb_store_msg_t *) zlistx_first (msgs);
    assert_string_equal (msg->envelope_id, id);
    assert_int_equal (msg->delivery_count, 1);

    //  Claimed again (its worker died): a new attempt, count 2
    const char *stream_ids [] = { msg->stream_id };
    assert_int_equal (sb_store_claim (store, "svc", "ids", 0, 10, stream_ids, 1, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 2);
    sb_store_msg_t *again = (sb_store_msg_t *) zlistx_last (msgs);
    assert_string_equal (again->stream_id, msg->stream_id);
    assert_int_equal (again->delivery_count, 2);
    //  Another consumer cannot take it by id
    assert_int_equal (sb_store_claim (other, "svc", "ids", 0, 10, stream_ids, 1, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 2);
    assert_false (s_store_done (store, msg, 1));   //  the old attempt: stale
    assert_true (s_store_done (store, again, 2));
    assert_false (s_store_done (store, again, 2));   //  done once only
    zlistx_purge (msgs);

    //  A second broker takes a stale delivery only after min_idle
    s_store_put (world, store, "fence-2", id);
    int64_t fetched = zclock_mono ();
    assert_int_equal (sb_store_fetch (store, "svc", 10, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 1);
    msg = (sb_store_msg_t *) zlistx_first (msgs);
    assert_int_equal (sb_store_claim (other, "svc", "stale", 500, 10, NULL, 0, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 1);   //  too fresh to take
    while (zlistx_size (msgs) == 1 && zclock_mono () < fetched + S_WAIT_MS) {
        assert_int_equal (sb_store_claim (other, "svc", "stale", 500, 10, NULL, 0, msgs), 0);
        if (zlistx_size (msgs) == 1)
            zclock_sleep (10);
    }
    assert_int_equal (zlistx_size (msgs), 2);
    //  Redis and we each count whole milliseconds: allow for both
    assert_true (zclock_mono () - fetched >= 500 - 2);
    again = (sb_store_msg_t *) zlistx_last (msgs);
    assert_string_equal (again->envelope_id, id);
    assert_int_equal (again->delivery_count, 2);
    assert_false (s_store_done (store, msg, 1));   //  c1 lost it
    assert_true (s_store_done (other, again, 2));

    zlistx_destroy (&msgs);
    sb_store_destroy (&store);
    sb_store_destroy (&other);
}

//  An answer to a fresh fetch is fenced by the queue's claim count, with
//  no lookup of its entry; an answer sent again (its outcome lost) is
//  looked up, and refused when the first one was applied.
static void
test_store_fence_by_claims (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_redis_start (world, NULL), 0);
    sb_store_t *store = s_store (world, "c1");
    redisContext *admin = sb_testredis_connect (world->redis);
    assert_non_null (admin);
    zlistx_t *msgs = s_msgs_new ();
    assert_int_equal (sb_store_ensure_service (store, "svc"), 0);
    char id [SB_ID_LEN + 1];
    s_store_put (world, store, "claims-1", id);
    assert_int_equal (sb_store_fetch (store, "svc", 10, msgs), 0);
    sb_store_msg_t *msg = (sb_store_msg_t *) zlistx_first (msgs);
    assert_non_null (msg);
    assert_true (msg->fetched);
    assert_int_equal (msg->claims, 0);
    long lookups = sb_testredis_calls (admin, "xpending");
    assert_true (s_store_done (store, msg, 1));
    assert_int_equal (sb_testredis_calls (admin, "xpending"), lookups);
    //  The same answer again, as after a lost reply: looked up, refused
    msg->fetched = false;
    assert_false (s_store_done (store, msg, 1));
    assert_int_equal (sb_testredis_calls (admin, "xpending"), lookups + 1);
    zlistx_purge (msgs);

    //  A claim on the queue moves its count: fetches read the new one
    s_store_put (world, store, "claims-2", id);
    assert_int_equal (sb_store_fetch (store, "svc", 10, msgs), 0);
    msg = (sb_store_msg_t *) zlistx_first (msgs);
    const char *stream_ids [] = { msg->stream_id };
    assert_int_equal (sb_store_claim (store, "svc", "ids", 0, 10, stream_ids, 1, msgs), 0);
    s_store_put (world, store, "claims-3", id);
    assert_int_equal (sb_store_fetch (store, "svc", 10, msgs), 0);
    assert_int_equal (zlistx_size (msgs), 3);
    sb_store_msg_t *later = (sb_store_msg_t *) zlistx_last (msgs);
    assert_true (later->fetched);
    assert_int_equal (later->claims, 1);
    assert_false (s_store_done (store, msg, 1));   //  claimed since: looked up
    assert_true (s_store_done (store, later, 1));

    zlistx_destroy (&msgs);
    redisFree (admin);
    sb_store_destroy (&store);
}

//  Queues one publish of key in a pipeline and sends it; returns what
//  sb_store_publish returned (-1: not queued, e.g. no connection yet).
static int
s_pipeline_put (sb_testworld_t *world, sb_store_t *store, const char *key,
                char id [SB_ID_LEN + 1], sb_store_put_result_t *result)
{
    sb_store_pipeline_begin (store);
    int rc = s_publish_one (world, store, key, id, result);
    int sent = sb_store_pipeline_send (store);
    if (rc == 0)
        assert_int_equal (sent, 0);
    return rc;
}

//  The broker keeps two rounds in flight on one connection: each reads
//  its own replies, oldest first; and replies owed on a connection that
//  was lost fail, never taking those of the next connection's pipeline.
static void
test_store_pipelines (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_redis_start (world, NULL), 0);
    sb_store_t *store = s_store (world, "c1");
    assert_int_equal (sb_store_ensure_service (store, "svc"), 0);
    char first_id [SB_ID_LEN + 1], second_id [SB_ID_LEN + 1];
    sb_store_put_result_t first, second;
    assert_int_equal (s_pipeline_put (world, store, "pipe-1", first_id, &first), 0);
    assert_int_equal (sb_store_pipeline_size (store), 1);
    assert_int_equal (s_pipeline_put (world, store, "pipe-1", second_id, &second), 0);
    assert_int_equal (sb_store_pipeline_size (store), 2);
    assert_int_equal (sb_store_pipeline_read (store, 1), 0);
    assert_int_equal (first.status, SB_STORE_STORED);
    assert_int_equal (second.status, SB_STORE_FAILED);   //  not read yet
    assert_int_equal (sb_store_pipeline_read (store, 1), 0);
    assert_int_equal (second.status, SB_STORE_DUPLICATE);
    assert_string_equal (second.first_id, first_id);
    assert_int_equal (sb_store_pipeline_size (store), 0);

    //  Two in flight when Redis goes away (paused first, so that neither
    //  is answered before it dies): the first read fails
    redisContext *admin = sb_testredis_connect (world->redis);
    assert_non_null (admin);
    redisReply *reply = (redisReply *) redisCommand (admin, "CLIENT PAUSE 10000 ALL");
    assert_true (reply && reply->type == REDIS_REPLY_STATUS);
    freeReplyObject (reply);
    redisFree (admin);
    sb_store_put_result_t lost [2];
    char lost_ids [2][SB_ID_LEN + 1];
    assert_int_equal (s_pipeline_put (world, store, "pipe-2", lost_ids [0], &lost [0]), 0);
    assert_int_equal (s_pipeline_put (world, store, "pipe-3", lost_ids [1], &lost [1]), 0);
    assert_int_equal (sb_testredis_kill (world->redis), 0);
    assert_int_equal (sb_testredis_restart (world->redis), 0);
    assert_int_equal (sb_store_pipeline_read (store, 1), -1);
    assert_int_equal (lost [0].status, SB_STORE_FAILED);
    assert_int_equal (sb_store_pipeline_size (store), 1);   //  the second's reply: owed, lost
    //  A pipeline on the next connection (made once the store retries)
    char id [SB_ID_LEN + 1];
    sb_store_put_result_t fresh;
    int64_t deadline = zclock_mono () + S_WAIT_MS;
    while (s_pipeline_put (world, store, "pipe-4", id, &fresh) && zclock_mono () < deadline)
        zclock_sleep (50);
    assert_int_equal (sb_store_pipeline_size (store), 2);
    assert_int_equal (sb_store_pipeline_read (store, 1), -1);
    assert_int_equal (lost [1].status, SB_STORE_FAILED);
    assert_int_equal (sb_store_pipeline_read (store, 1), 0);
    assert_int_equal (fresh.status, SB_STORE_STORED);
    sb_store_destroy (&store);
}

//  --------------------------------------------------------------------------
//  5. A client given two brokers leaves out one that went silent

//  Publishes one echo.request with key on client, as ingress does: once
//  more on a fresh client if it times out (the key deduplicates). Returns
//  how many tries it took (1 or 2), or 0 if neither was answered.
static int
s_publish_failover (sb_testworld_t *world, sb_client_t *client, const char *brokers,
                    const char *key)
{
    char id [SB_ID_LEN + 1], err [256];
    size_t size = 0;
    sb_testmsg_t msg = { .type = "echo.request", .key = key };
    uint8_t *data = sb_testmsg_encode (world->ids, &msg, json_pack ("{s:s}", "text", key), id,
                                       &size);
    assert_non_null (data);
    sb_client_reply_t reply;
    int tries = sb_client_publish (client, data, size, 500, &reply) == 0? 1: 0;
    if (!tries) {
        sb_client_t *fresh = sb_client_new (brokers, err, sizeof err);
        assert_non_null (fresh);
        tries = sb_client_publish (fresh, data, size, 500, &reply) == 0? 2: 0;
        sb_client_destroy (&fresh);
    }
    free (data);
    assert_true (tries == 0 || reply.outcome != SB_CLIENT_NACK);
    return tries;
}

static void
test_client_failover (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    s_broker_start (world, 0);
    s_broker_start (world, 1);
    char brokers [160], err [256], key [32];
    snprintf (brokers, sizeof brokers, "%s,%s", world->brokers [0].endpoint,
              world->brokers [1].endpoint);
    sb_client_t *client = sb_client_new (brokers, err, sizeof err);
    assert_non_null (client);
    //  Both take publishes while both answer (once the client's connection
    //  to each is up: until then the first one connected takes them all)
    int64_t both_by = zclock_mono () + S_WAIT_MS;
    bool both = false;
    for (int index = 0; !both && zclock_mono () < both_by; index++) {
        snprintf (key, sizeof key, "both-%d", index);
        assert_int_equal (s_publish_failover (world, client, brokers, key), 1);
        both = true;
        for (size_t broker = 0; broker < 2; broker++) {
            json_t *stats = sb_testworld_stats (world, broker);
            both = both && json_integer_value (json_object_get (stats, "published")) > 0;
            json_decref (stats);
        }
    }
    assert_true (both);
    //  Broker A stopped: its connection stays open but nothing answers, as
    //  when its host is cut off. Every publish gets through, at worst on
    //  the second try; within the heartbeat time-out the first try does
    int64_t deadline = zclock_mono () + SB_CLIENT_HEARTBEAT_MS * 3 + S_WAIT_MS;
    int first_tries = 0, index = 0;
    assert_int_equal (sb_testproc_signal (world->brokers [0].process, SIGSTOP), 0);
    while (first_tries < 20 && zclock_mono () < deadline) {
        snprintf (key, sizeof key, "one-%d", index++);
        int tries = s_publish_failover (world, client, brokers, key);
        assert_true (tries > 0);
        first_tries = tries == 1? first_tries + 1: 0;
    }
    assert_int_equal (sb_testproc_signal (world->brokers [0].process, SIGCONT), 0);
    assert_int_equal (first_tries, 20);
    sb_client_destroy (&client);
    //  No broker there at all: a publish ends at its time-out, never hangs
    int ports [2] = { sb_testutil_free_port (), sb_testutil_free_port () };
    snprintf (brokers, sizeof brokers, "tcp://127.0.0.1:%d,tcp://127.0.0.1:%d", ports [0],
              ports [1]);
    client = sb_client_new (brokers, err, sizeof err);
    assert_non_null (client);
    sb_client_reply_t reply;
    int64_t started = zclock_mono ();
    assert_int_equal (sb_client_publish (client, (const uint8_t *) "x", 1, 300, &reply), -1);
    assert_true (zclock_mono () - started < 300 + 1000);
    assert_non_null (strstr (reply.reason, "no broker connected"));
    sb_client_destroy (&client);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_broker_crash),
    SB_TESTWORLD_CASE (test_worker_crash),
    SB_TESTWORLD_CASE (test_failover),
    SB_TESTWORLD_CASE (test_store_fencing),
    SB_TESTWORLD_CASE (test_store_fence_by_claims),
    SB_TESTWORLD_CASE (test_store_pipelines),
    SB_TESTWORLD_CASE (test_client_failover),
};

int
main (int argc, char *argv [])
{
    return sb_testworld_run (argc, argv, 3, "BROKER TESTWORKER TESTPUBLISH [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
