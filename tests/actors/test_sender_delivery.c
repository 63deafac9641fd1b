/*  test_sender_delivery.c — the sender program (actors/sender/,
    docs/actors/sender.md) against the fake Twilio: sent once, never twice;
    Twilio's failures, retries and lookups; WhatsApp; the rate limit.

    Each case runs `sender --harness` against the fake Twilio and a
    private redis-server, as sb_sendertest.h tells.

    Usage: test_sender_delivery SENDER FAKE_TWILIO [TEST]
    (sb_sendertest.h tells more).                                          */

#include "sb_sendertest.h"

//  --------------------------------------------------------------------------
//  The program against the fake Twilio

//  201: one message at the fake, message.sent from its answer, the SID
//  recorded.
static void
test_sent_once (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000001", "t:once", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "done", &run);
    s_assert_fake (self, 1, 1, 0);
    char *sid = s_fake_sid (self, 0);
    const json_t *sent = s_sent (&run);
    assert_string_equal (json_string_value (json_object_get (sent, "message_sid")), sid);
    assert_string_equal (json_string_value (json_object_get (sent, "provider")), "twilio");
    assert_string_equal (json_string_value (json_object_get (sent, "to")), S_EMPLOYEE);
    assert_string_equal (json_string_value (json_object_get (sent, "from")), S_TENANT_NUMBER);
    assert_string_equal (json_string_value (json_object_get (sent, "status")), "queued");
    assert_int_equal (json_integer_value (json_object_get (sent, "segments")), 1);
    json_t *state_json = s_fake_state (self);
    json_t *message = json_array_get (json_object_get (state_json, "messages"), 0);
    assert_string_equal (json_string_value (json_object_get (message, "body")), S_TEXT);
    assert_string_equal (json_string_value (json_object_get (message, "from")), S_TENANT_NUMBER);
    json_decref (state_json);
    char *record = s_record (self, SB_SENT_PREFIX, "t:once");
    char *owner = s_record (self, SB_SENT_SID_PREFIX, sid);
    assert_true (record && strncmp (record, "sid:", 4) == 0 && !strncmp (record + 4, sid, 34));
    assert_string_equal (owner, "t:once");
    free (record);
    free (owner);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  The same approved message delivered three times: one message, the same
//  message.sent (id and body) each time.
static void
test_three_deliveries (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000002", "t:thrice", "sms", S_EMPLOYEE);
    json_t *first = NULL;
    for (unsigned attempt = 1; attempt <= 3; attempt++) {
        s_run_t run;
        s_deliver (self, envelope, attempt, "done", &run);
        json_t *emitted = json_array_get (run.lines, 0);
        if (first) {
            assert_string_equal (json_string_value (json_object_get (emitted, "id")),
                                 json_string_value (json_object_get (first, "id")));
            assert_true (json_equal (json_object_get (emitted, "body"),
                                     json_object_get (first, "body")));
        }
        else
            first = json_incref (emitted);
        json_decref (run.lines);
    }
    s_assert_fake (self, 1, 1, 0);
    json_decref (first);
    json_decref (envelope);
}

//  500, then 201 at the retry: the retry looks first (nothing), then sends.
static void
test_500_then_201 (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "500");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000003", "t:500", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "HTTP 500"));
    json_decref (run.lines);
    char *record = s_record (self, SB_SENT_PREFIX, "t:500");
    assert_true (record && strncmp (record, "unsure:1:", 9) == 0);
    free (record);
    s_assert_fake (self, 0, 1, 0);
    s_deliver (self, envelope, 2, "done", &run);
    s_assert_fake (self, 1, 2, 1);
    json_decref (run.lines);
    json_decref (envelope);
}

//  429 with Retry-After: 7: retried after 7000 ms (the outcome's delay),
//  the claim released (Twilio has nothing), no lookup at the retry.
static void
test_429_retry_after (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "429 retry_after=7");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000004", "t:429", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    assert_int_equal (json_integer_value (json_object_get (s_outcome (&run, 0), "delay_ms")), 7000);
    json_decref (run.lines);
    char *record = s_record (self, SB_SENT_PREFIX, "t:429");
    assert_null (record);
    s_deliver (self, envelope, 2, "done", &run);
    s_assert_fake (self, 1, 2, 0);
    json_decref (run.lines);
    json_decref (envelope);
}

//  400 21211 (scripted), and a To the fake itself finds invalid: a
//  permanent failure with Twilio's code and message, nothing recorded.
static void
test_400_invalid_to (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "400 code=21211");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000005", "t:400", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "fail", &run);
    const char *reason = json_string_value (json_object_get (s_outcome (&run, 0), "reason"));
    assert_non_null (strstr (reason, "code 21211"));
    assert_non_null (strstr (reason, "Invalid 'To' Phone Number: " S_EMPLOYEE));
    json_decref (run.lines);
    json_decref (envelope);
    envelope = s_approved ("01KK1602M0SNDTEST000000006", "t:bad-to", "sms", "12345");
    s_deliver (self, envelope, 1, "fail", &run);
    reason = json_string_value (json_object_get (s_outcome (&run, 0), "reason"));
    assert_non_null (strstr (reason, "HTTP 400, code 21211"));
    json_decref (run.lines);
    json_decref (envelope);
    char *record = s_record (self, SB_SENT_PREFIX, "t:400");
    assert_null (record);
    s_assert_fake (self, 0, 2, 0);
}

//  The ambiguous case: the fake creates the message and drops the
//  connection. The retry finds it by lookup and sends nothing.
static void
test_ambiguous_drop (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "drop");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000007", "t:drop", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    s_assert_fake (self, 1, 1, 0);
    char *sid = s_fake_sid (self, 0);
    s_deliver (self, envelope, 2, "done", &run);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, 1, 1, 1);
    char *record = s_record (self, SB_SENT_PREFIX, "t:drop");
    assert_true (record && !strncmp (record + 4, sid, 34));
    free (record);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  The same on a kept-alive connection: the first message goes out and
//  its connection stays open; the second is created on it and the
//  connection drops before the answer. libcurl would send that request
//  again on a new connection on its own (a second SMS); the sender's
//  creates refuse it, and the retry finds the message by lookup.
static void
test_ambiguous_drop_on_kept_connection (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "pass\ndrop");
    json_t *first = s_approved ("01KK1602M0SNDTEST00000000K", "t:kept-1", "sms", S_EMPLOYEE);
    json_t *second = s_approved ("01KK1602M0SNDTEST00000000M", "t:kept-2", "sms", S_EMPLOYEE);
    json_t *both = json_pack ("[OO]", first, second);
    s_run_t run;
    s_run (self, both, 1, NULL, &run);
    assert_string_equal (json_string_value (json_object_get (s_outcome (&run, 0), "outcome")),
                         "done");
    assert_string_equal (json_string_value (json_object_get (s_outcome (&run, 1), "outcome")),
                         "retry");
    json_decref (run.lines);
    s_assert_fake (self, 2, 2, 0);         //  one create each, not three
    s_deliver (self, second, 2, "done", &run);
    s_assert_fake (self, 2, 2, 1);
    json_decref (run.lines);
    json_decref (both);
    json_decref (first);
    json_decref (second);
}

//  A request stalled past the sender's time-out (Twilio took it, the
//  answer never came in time): the same, found by lookup.
static void
test_stall_past_timeout (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    char step [64];
    snprintf (step, sizeof step, "stall ms=%d", S_TIMEOUT_MS * 3);
    s_script (self, step);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000008", "t:stall", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "Timeout"));
    json_decref (run.lines);
    s_deliver (self, envelope, 2, "done", &run);
    char *sid = s_fake_sid (self, 0);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, 1, 1, 1);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  A claim younger than the time-out may still be in flight (another
//  instance, or one killed mid-request): the sender waits, touching
//  nothing, for as long as it may still be.
static void
test_pending_in_flight (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    redisContext *redis = sb_testredis_connect (self->redis);
    char err [256];
    int64_t at_ms;
    sb_sent_record_t record;
    assert_int_equal (sb_sent_claim (redis, "t:pending", "", 1, S_ACCOUNT, 60, &at_ms, &record, err,
                                     sizeof err), 1);
    redisFree (redis);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST000000009", "t:pending", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 2, "retry", &run);
    json_int_t delay = json_integer_value (json_object_get (s_outcome (&run, 0), "delay_ms"));
    assert_true (delay > 0 && delay <= S_TIMEOUT_MS + 1000);
    json_t *fake = s_fake_state (self);
    assert_int_equal (json_integer_value (json_object_get (fake, "requests")), 0);
    json_decref (fake);
    json_decref (run.lines);
    json_decref (envelope);
}

//  A lookup does not adopt a message another outbound message recorded:
//  the same text to the same number, legitimately twice.
static void
test_lookup_skips_taken (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *first = s_approved ("01KK1602M0SNDTEST00000000A", "t:first", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, first, 1, "done", &run);
    json_decref (run.lines);
    //  The second one's attempt 1 ended unsure before reaching Twilio
    redisContext *redis = sb_testredis_connect (self->redis);
    char err [256];
    int64_t at_ms;
    sb_sent_record_t record;
    assert_int_equal (sb_sent_claim (redis, "t:second", "", 1, S_ACCOUNT, 60, &at_ms, &record, err,
                                     sizeof err), 1);
    assert_int_equal (sb_sent_unsure (redis, "t:second", 1, S_ACCOUNT, at_ms, 60, err,
                                      sizeof err), 1);
    redisFree (redis);
    json_t *second = s_approved ("01KK1602M0SNDTEST00000000B", "t:second", "sms", S_EMPLOYEE);
    s_deliver (self, second, 2, "done", &run);
    char *sid = s_fake_sid (self, 1);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, 2, 2, 1);
    free (sid);
    json_decref (run.lines);
    json_decref (first);
    json_decref (second);
}

//  A lookup reads past the first page: the message dropped is older than
//  a page of others to the same number (sent by someone else since).
static void
test_lookup_pages (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_script (self, "drop");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000J", "t:pages", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    char *sid = s_fake_sid (self, 0);
    size_t others = SB_TWILIO_PAGE_SIZE + 20;
    for (size_t index = 0; index < others; index++) {
        char body [128];
        snprintf (body, sizeof body, "To=%%2B15551234567&From=%%2B15557654321&Body=other+%zu",
                  index);
        json_decref (s_http (self, "POST", "/2010-04-01/Accounts/" S_ACCOUNT "/Messages.json",
                             body, S_ACCOUNT ":" S_TOKEN, 201));
    }
    s_deliver (self, envelope, 2, "done", &run);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "message_sid")), sid);
    s_assert_fake (self, others + 1, (int) others + 1, 2);
    free (sid);
    json_decref (run.lines);
    json_decref (envelope);
}

//  WhatsApp: whatsapp: addresses both ways, no SMS segments.
static void
test_whatsapp (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000C", "t:wa", "whatsapp", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "done", &run);
    const json_t *sent = s_sent (&run);
    assert_string_equal (json_string_value (json_object_get (sent, "to")), "whatsapp:" S_EMPLOYEE);
    assert_string_equal (json_string_value (json_object_get (sent, "from")),
                         "whatsapp:" S_TENANT_NUMBER);
    assert_string_equal (json_string_value (json_object_get (sent, "channel")), "whatsapp");
    assert_null (json_object_get (sent, "segments"));
    json_t *fake = s_fake_state (self);
    json_t *message = json_array_get (json_object_get (fake, "messages"), 0);
    assert_string_equal (json_string_value (json_object_get (message, "to")), "whatsapp:" S_EMPLOYEE);
    assert_string_equal (json_string_value (json_object_get (message, "from")),
                         "whatsapp:" S_TENANT_NUMBER);
    json_decref (fake);
    json_decref (run.lines);
    json_decref (envelope);
}

//  A wrong auth token: Twilio's 401 (20003) is permanent.
static void
test_wrong_token (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    setenv ("TWILIO_AUTH_TOKEN", "not-the-token", 1);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000D", "t:401", "sms", S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "HTTP 401, code 20003: Authenticate"));
    json_t *fake = s_fake_state (self);
    assert_int_equal (json_integer_value (json_object_get (fake, "unauthorized")), 1);
    json_decref (fake);
    json_decref (run.lines);
    json_decref (envelope);
}

//  The per-number rate limit: the second message from the same number in
//  one process waits for its token (retried after at most a second).
static void
test_rate_limit (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_write_config (self, false, "        rate = 1\n        burst = 1\n        wait = 0\n");
    json_t *envelopes = json_pack ("[o, o]",
        s_approved ("01KK1602M0SNDTEST00000000E", "t:rate-1", "sms", S_EMPLOYEE),
        s_approved ("01KK1602M0SNDTEST00000000F", "t:rate-2", "sms", S_EMPLOYEE));
    s_run_t run;
    s_run (self, envelopes, 1, NULL, &run);
    assert_string_equal (json_string_value (json_object_get (s_outcome (&run, 0), "outcome")),
                         "done");
    const json_t *second = s_outcome (&run, 1);
    assert_string_equal (json_string_value (json_object_get (second, "outcome")), "retry");
    json_int_t delay = json_integer_value (json_object_get (second, "delay_ms"));
    assert_true (delay > 0 && delay <= 1000);
    s_assert_fake (self, 1, 1, 0);
    json_decref (run.lines);
    json_decref (envelopes);
}

//  --------------------------------------------------------------------------

int
main (int argc, char *argv [])
{
    struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_sent_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_three_deliveries, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_500_then_201, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_429_retry_after, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_400_invalid_to, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_ambiguous_drop, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_ambiguous_drop_on_kept_connection, s_setup,
                                         s_teardown),
        cmocka_unit_test_setup_teardown (test_stall_past_timeout, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_pending_in_flight, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_lookup_skips_taken, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_lookup_pages, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_whatsapp, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_wrong_token, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_rate_limit, s_setup, s_teardown),
    };
    return s_main (argc, argv, "delivery", tests, sizeof tests / sizeof tests [0]);
}
