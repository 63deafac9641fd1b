/*  test_sender_modules.c — the sender's modules (actors/sender/,
    docs/actors/sender.md): the readers of Twilio's answers (known answers
    in Twilio's own shape), the throttle (per-account slots across threads,
    per-number buckets on a given clock) and the never-twice record's
    compare-and-set steps against a real redis-server.

    Usage: test_sender_modules SENDER FAKE_TWILIO [TEST]
    (sb_sendertest.h tells more).                                          */

#include "sb_sendertest.h"

//  --------------------------------------------------------------------------
//  Module tests: the readers of Twilio's answers

//  A 201's answer as Twilio writes it.
static const char *s_created =
    "{\"account_sid\": \"AC0123456789abcdef0123456789abcdef\", \"api_version\": \"2010-04-01\","
    " \"body\": \"Hi Dana\", \"date_created\": \"Thu, 05 Mar 2026 09:00:00 +0000\","
    " \"date_sent\": null, \"date_updated\": \"Thu, 05 Mar 2026 09:00:00 +0000\","
    " \"direction\": \"outbound-api\", \"error_code\": null, \"error_message\": null,"
    " \"from\": \"+15557654321\", \"messaging_service_sid\": null, \"num_media\": \"0\","
    " \"num_segments\": \"2\", \"price\": null, \"price_unit\": \"USD\","
    " \"sid\": \"SM0123456789abcdef0123456789abcdef\", \"status\": \"queued\","
    " \"subresource_uris\": {\"media\": \"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef"
    "/Messages/SM0123456789abcdef0123456789abcdef/Media.json\"}, \"to\": \"+15551234567\","
    " \"uri\": \"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/"
    "SM0123456789abcdef0123456789abcdef.json\"}";

static void
test_read_message (void **state)
{
    (void) state;
    sb_twilio_message_t message;
    char err [256];
    assert_int_equal (sb_twilio_api_read_message (s_created, strlen (s_created), &message,
                                                  err, sizeof err), 0);
    assert_string_equal (message.sid, "SM0123456789abcdef0123456789abcdef");
    assert_string_equal (message.to, "+15551234567");
    assert_string_equal (message.from, "+15557654321");
    assert_string_equal (message.status, "queued");
    assert_string_equal (message.body, "Hi Dana");
    assert_int_equal (message.segments, 2);
    assert_int_equal (message.created_s, 1772701200);     //  2026-03-05T09:00:00Z
    //  Outside bytes: what does not read is refused with a reason
    const char *bad [] = { "", "[]", "{\"sid\": 5}", "{\"sid\": \"S\"}", "{\"sid\": \"SM 1\"}",
                           "{\"sid\": \"SM01\", \"to\": 7}", "{\"sid\": \"SM01\"", "null" };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++)
        assert_int_equal (sb_twilio_api_read_message (bad [index], strlen (bad [index]), &message,
                                                      err, sizeof err), -1);
    //  Absent and odd optional fields read as nothing
    const char *lean = "{\"sid\": \"SM01\", \"num_segments\": \"x\", \"date_created\": 3}";
    assert_int_equal (sb_twilio_api_read_message (lean, strlen (lean), &message, err,
                                                  sizeof err), 0);
    assert_int_equal (message.segments, 0);
    assert_int_equal (message.created_s, 0);
}

static void
test_read_error (void **state)
{
    (void) state;
    const char *answer = "{\"code\": 21211, \"message\": \"Invalid 'To' Phone Number: +1555\","
                         " \"more_info\": \"https://www.twilio.com/docs/errors/21211\","
                         " \"status\": 400}";
    int code;
    char reason [128];
    sb_twilio_api_read_error (answer, strlen (answer), &code, reason, sizeof reason);
    assert_int_equal (code, 21211);
    assert_string_equal (reason, "Invalid 'To' Phone Number: +1555");
    //  A proxy's page: no code, a printable sample as the reason
    const char *page = "<html>\n502 Bad Gateway</html>";
    sb_twilio_api_read_error (page, strlen (page), &code, reason, sizeof reason);
    assert_int_equal (code, 0);
    assert_string_equal (reason, "<html>.502 Bad Gateway</html>");
    sb_twilio_api_read_error (NULL, 0, &code, reason, sizeof reason);
    assert_string_equal (reason, "");
}

static bool
s_count_each (const sb_twilio_message_t *message, void *arg)
{
    (void) message;
    (*(int *) arg)++;
    return false;
}

static void
test_read_list (void **state)
{
    (void) state;
    char *list = zsys_sprintf ("{\"messages\": [%s, {\"sid\": 1}, %s], \"page\": 0,"
                               " \"next_page_uri\": \"/2010-04-01/Accounts/AC1/Messages.json"
                               "?Page=1\"}", s_created, s_created);
    int count = 0;
    size_t skipped = 0;
    char next [256], err [256];
    assert_int_equal (sb_twilio_api_read_list (list, strlen (list), s_count_each, &count, next,
                                               sizeof next, &skipped, err, sizeof err), 0);
    assert_int_equal (count, 2);
    assert_int_equal (skipped, 1);
    assert_string_equal (next, "/2010-04-01/Accounts/AC1/Messages.json?Page=1");
    zstr_free (&list);
    const char *last = "{\"messages\": [], \"next_page_uri\": null}";
    assert_int_equal (sb_twilio_api_read_list (last, strlen (last), s_count_each, &count, next,
                                               sizeof next, NULL, err, sizeof err), 0);
    assert_string_equal (next, "");
    assert_int_equal (sb_twilio_api_read_list ("{}", 2, s_count_each, &count, next, sizeof next,
                                               NULL, err, sizeof err), -1);
}

static void
test_retry_after (void **state)
{
    (void) state;
    assert_int_equal (sb_twilio_api_read_retry_after (" 7\r\n", 0), 7000);
    assert_int_equal (sb_twilio_api_read_retry_after ("0", 0), 0);
    //  An HTTP date, 90 s after "now"
    assert_int_equal (sb_twilio_api_read_retry_after ("Thu, 05 Mar 2026 09:01:30 GMT",
                                                      1772701200), 90000);
    assert_int_equal (sb_twilio_api_read_retry_after ("Thu, 05 Mar 2026 08:00:00 GMT",
                                                      1772701200), 0);
    assert_int_equal (sb_twilio_api_read_retry_after ("soon", 0), -1);
    assert_int_equal (sb_twilio_api_read_retry_after ("7x", 0), -1);
    assert_int_equal (sb_twilio_api_read_retry_after ("99999999999999999999", 0), -1);
}

//  --------------------------------------------------------------------------
//  Module tests: the throttle

typedef struct {
    sb_throttle_t *throttle;
    int rc;
} s_waiter_t;

static void *
s_wait_for_slot (void *arg)
{
    s_waiter_t *waiter = (s_waiter_t *) arg;
    waiter->rc = sb_throttle_enter (waiter->throttle, "AC-a", S_WAIT_MS);
    return NULL;
}

static void
test_throttle_accounts (void **state)
{
    (void) state;
    sb_throttle_t *throttle = sb_throttle_new (2, 0, 0);
    assert_int_equal (sb_throttle_enter (throttle, "AC-a", 0), 0);
    assert_int_equal (sb_throttle_enter (throttle, "AC-a", 0), 0);
    //  Full: a third waits and gives up; another account is not held back
    assert_int_equal (sb_throttle_enter (throttle, "AC-a", 20), -1);
    assert_int_equal (sb_throttle_enter (throttle, "AC-b", 0), 0);
    assert_int_equal (sb_throttle_in_flight (throttle, "AC-a"), 2);
    //  A waiting thread takes the slot given back
    s_waiter_t waiter = { throttle, -2 };
    pthread_t thread;
    assert_int_equal (pthread_create (&thread, NULL, s_wait_for_slot, &waiter), 0);
    sb_throttle_leave (throttle, "AC-a");
    pthread_join (thread, NULL);
    assert_int_equal (waiter.rc, 0);
    assert_int_equal (sb_throttle_in_flight (throttle, "AC-a"), 2);
    sb_throttle_leave (throttle, "AC-a");
    sb_throttle_leave (throttle, "AC-a");
    sb_throttle_leave (throttle, "AC-b");
    assert_int_equal (sb_throttle_in_flight (throttle, "AC-a"), 0);
    sb_throttle_destroy (&throttle);
}

static void
test_throttle_numbers (void **state)
{
    (void) state;
    sb_throttle_t *throttle = sb_throttle_new (100, 2, 2);     //  2 per second, bursts of 2
    assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 0);
    assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 0);
    assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 500);
    assert_int_equal (sb_throttle_take (throttle, "+2", 1000), 0);    //  its own bucket
    assert_int_equal (sb_throttle_take (throttle, "+1", 1250), 250);
    assert_int_equal (sb_throttle_take (throttle, "+1", 1500), 0);
    //  A token given back (nothing was sent with it) is there again, and
    //  giving back never fills a bucket past its burst
    assert_int_equal (sb_throttle_take (throttle, "+1", 1500), 500);
    sb_throttle_give (throttle, "+1");
    assert_int_equal (sb_throttle_take (throttle, "+1", 1500), 0);
    assert_int_equal (sb_throttle_take (throttle, "+2", 2000), 0);
    sb_throttle_give (throttle, "+2");
    sb_throttle_give (throttle, "+2");
    assert_int_equal (sb_throttle_take (throttle, "+2", 2000), 0);
    assert_int_equal (sb_throttle_take (throttle, "+2", 2000), 0);
    assert_int_equal (sb_throttle_take (throttle, "+2", 2000), 500);
    sb_throttle_destroy (&throttle);
    throttle = sb_throttle_new (100, 0, 0);                    //  off
    for (int index = 0; index < 100; index++)
        assert_int_equal (sb_throttle_take (throttle, "+1", 1000), 0);
    sb_throttle_destroy (&throttle);
}

//  --------------------------------------------------------------------------
//  Module tests: the never-twice record against Redis

static void
test_record_steps (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    redisContext *redis = sb_testredis_connect (self->redis);
    char err [256];
    sb_sent_record_t record;
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_NONE);
    assert_true (record.now_ms > 0);
    //  Only one of two claims from the same reading wins; the other
    //  reads, in the same round trip, the claim that won
    int64_t at_ms = 0, other = 0;
    assert_int_equal (sb_sent_claim (redis, "k1", "", 1, S_ACCOUNT, 60, &at_ms, &record, err,
                                     sizeof err), 1);
    assert_int_equal (sb_sent_claim (redis, "k1", "", 2, S_ACCOUNT, 60, &other, &record, err,
                                     sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_PENDING);
    assert_int_equal (record.attempt, 1);
    assert_int_equal (record.at_ms, at_ms);
    assert_true (record.now_ms >= at_ms);
    assert_string_equal (record.account, S_ACCOUNT);
    char won [SB_SENT_RAW_MAX];
    sb_sent_claim_value (1, at_ms, S_ACCOUNT, won);
    assert_string_equal (record.raw, won);
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_PENDING);
    assert_string_equal (record.raw, won);
    //  Unsure, then a claim from that value; the old claim cannot release it
    assert_int_equal (sb_sent_unsure (redis, "k1", 1, S_ACCOUNT, at_ms, 60, err, sizeof err), 1);
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_UNSURE);
    assert_string_equal (record.account, S_ACCOUNT);
    assert_int_equal (sb_sent_release (redis, "k1", 1, S_ACCOUNT, at_ms, err, sizeof err), 0);
    char unsure [SB_SENT_RAW_MAX];
    snprintf (unsure, sizeof unsure, "%s", record.raw);
    assert_int_equal (sb_sent_claim (redis, "k1", unsure, 2, S_ACCOUNT, 60, &other, &record, err,
                                     sizeof err), 1);
    //  Done from the claim, with the SID's owner noted in the same round
    //  trip; Redis having lost the script (a restart) costs a second one
    json_t *details = json_pack ("{s:s}", "status", "queued");
    char claim [SB_SENT_RAW_MAX];
    sb_sent_claim_value (2, other, S_ACCOUNT, claim);
    redisReply *reply = (redisReply *) redisCommand (redis, "SCRIPT FLUSH");
    freeReplyObject (reply);
    assert_int_equal (sb_sent_done (redis, "k1", claim, "SM01", details, 60, err, sizeof err), 1);
    //  A later write from the same claim finds the record changed, yet
    //  notes its own SID's owner: that message was made for k1 too
    assert_int_equal (sb_sent_done (redis, "k1", claim, "SM02", details, 60, err, sizeof err), 0);
    json_decref (details);
    assert_int_equal (sb_sent_read (redis, "k1", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_DONE);
    assert_string_equal (record.sid, "SM01");
    assert_string_equal (json_string_value (json_object_get (record.details, "status")), "queued");
    sb_sent_record_clear (&record);
    //  A first claim on a done record reads it whole and claims nothing
    assert_int_equal (sb_sent_claim (redis, "k1", "", 3, S_ACCOUNT, 60, &other, &record, err,
                                     sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_DONE);
    assert_string_equal (record.sid, "SM01");
    assert_string_equal (json_string_value (json_object_get (record.details, "status")), "queued");
    sb_sent_record_clear (&record);
    bool failed = false;
    assert_true (sb_sent_taken (redis, "SM01", "k2", &failed));
    assert_false (sb_sent_taken (redis, "SM01", "k1", &failed));
    assert_true (sb_sent_taken (redis, "SM02", "k2", &failed));
    assert_false (sb_sent_taken (redis, "SM02", "k1", &failed));
    assert_false (failed);
    //  Done without a claim to compare: a plain write, owner noted
    assert_int_equal (sb_sent_done (redis, "k6", NULL, "SM06", NULL, 60, err, sizeof err), 1);
    assert_int_equal (sb_sent_read (redis, "k6", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_DONE);
    assert_string_equal (record.sid, "SM06");
    assert_null (record.details);
    assert_true (sb_sent_taken (redis, "SM06", "k1", &failed));
    //  A value in none of the forms, read or met by a claim
    reply = (redisReply *) redisCommand (redis, "SET sb:sent:k3 pending:x:1");
    freeReplyObject (reply);
    assert_int_equal (sb_sent_read (redis, "k3", &record, err, sizeof err), SB_SENT_CORRUPT);
    assert_int_equal (sb_sent_claim (redis, "k3", "", 1, S_ACCOUNT, 60, &other, &record, err,
                                     sizeof err), SB_SENT_CORRUPT);
    assert_non_null (strstr (err, "pending:x:1"));
    reply = (redisReply *) redisCommand (redis, "SET sb:sent:k4 unsure:1:1000:AC/../x");
    freeReplyObject (reply);
    assert_int_equal (sb_sent_read (redis, "k4", &record, err, sizeof err), SB_SENT_CORRUPT);
    //  A claim written before claims named their account: none
    reply = (redisReply *) redisCommand (redis, "SET sb:sent:k5 unsure:3:1000");
    freeReplyObject (reply);
    assert_int_equal (sb_sent_read (redis, "k5", &record, err, sizeof err), 0);
    assert_int_equal (record.state, SB_SENT_UNSURE);
    assert_int_equal (record.attempt, 3);
    assert_string_equal (record.account, "");
    redisFree (redis);
}

//  --------------------------------------------------------------------------

int
main (int argc, char *argv [])
{
    struct CMUnitTest tests [] = {
        cmocka_unit_test (test_read_message),
        cmocka_unit_test (test_read_error),
        cmocka_unit_test (test_read_list),
        cmocka_unit_test (test_retry_after),
        cmocka_unit_test (test_throttle_accounts),
        cmocka_unit_test (test_throttle_numbers),
        cmocka_unit_test_setup_teardown (test_record_steps, s_setup, s_teardown),
    };
    return s_main (argc, argv, "modules", tests, sizeof tests / sizeof tests [0]);
}
