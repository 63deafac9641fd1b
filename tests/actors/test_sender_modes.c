/*  test_sender_modes.c — the sender program (actors/sender/,
    docs/actors/sender.md) in its modes: the outbox, Twilio mode's need of
    Redis, tenants' own Twilio accounts (issue 7) and sender/mode = twilio.

    Each case runs `sender --harness` against the fake Twilio and a
    private redis-server, as sb_sendertest.h tells.

    Usage: test_sender_modes SENDER FAKE_TWILIO [TEST]
    (sb_sendertest.h tells more).                                          */

#include "sb_sendertest.h"

//  --------------------------------------------------------------------------
//  The outbox, and Redis required

//  Outbox mode: no account SID (the auth token alone is ingress's signing
//  key, as on a developer's machine: still the outbox); two deliveries
//  write the Redis list and the file once, and emit the same message.sent.
static void
test_outbox_once (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    setenv ("TWILIO_AUTH_TOKEN", S_TOKEN, 1);
    s_write_config (self, true, NULL);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000G", "t:outbox", "sms", S_EMPLOYEE);
    s_run_t run;
    for (unsigned attempt = 1; attempt <= 2; attempt++) {
        s_deliver (self, envelope, attempt, "done", &run);
        const json_t *sent = s_sent (&run);
        assert_string_equal (json_string_value (json_object_get (sent, "provider")), "outbox");
        assert_string_equal (json_string_value (json_object_get (sent, "message_sid")),
                             "OB01KK1602M0SNDTEST00000000G");
        json_decref (run.lines);
    }
    redisContext *redis = sb_testredis_connect (self->redis);
    redisReply *reply = (redisReply *) redisCommand (redis, "LRANGE sb:outbox 0 -1");
    assert_int_equal (reply->elements, 1);
    json_t *item = json_loads (reply->element [0]->str, 0, NULL);
    assert_string_equal (json_string_value (json_object_get (item, "text")), S_TEXT);
    assert_string_equal (json_string_value (json_object_get (item, "to")), S_EMPLOYEE);
    json_decref (item);
    freeReplyObject (reply);
    redisFree (redis);
    char path [320];
    snprintf (path, sizeof path, "%s/outbox.jsonl", self->dir);
    json_t *lines = s_read_lines (path);
    assert_int_equal (json_array_size (lines), 1);
    json_decref (lines);
    s_assert_fake (self, 0, 0, 0);
    json_decref (envelope);
}

//  Twilio mode without Redis stops at start: exit 78, nothing sent.
static void
test_twilio_needs_redis (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    snprintf (self->config, sizeof self->config, "%s/no-redis.cfg", self->dir);
    FILE *file = fopen (self->config, "w");
    fprintf (file, "sender\n    twilio\n        account_sid = %s\n"
                   "        api_base = http://127.0.0.1:%d\n", S_ACCOUNT, self->port);
    fclose (file);
    unsetenv ("SB_REDIS_URL");
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000H", "t:no-redis", "sms", S_EMPLOYEE);
    s_run_t run;
    s_run (self, envelope, 1, NULL, &run);
    assert_int_equal (run.status, S_EXIT_CONFIG);
    json_decref (run.lines);
    //  --redis on the command line is enough
    const char *extra [] = { "--redis", sb_testredis_url (self->redis), NULL };
    s_run (self, envelope, 1, extra, &run);
    assert_int_equal (run.status, 0);
    s_assert_outcome (&run, "done");
    json_decref (run.lines);
    json_decref (envelope);
}

//  --------------------------------------------------------------------------
//  Tenants' own accounts (issue 7)

//  Stores acme's Twilio account in Redis as agent-sync does (sealed with
//  S_KEY_HEX), with account sid.
static void
s_store_acme (s_world_t *self, const char *sid)
{
    char err [256], ref [SB_CREDENTIALS_REF_MAX];
    sb_secretbox_t *box = sb_secretbox_new (S_KEY_HEX, err, sizeof err);
    redisContext *redis = sb_testredis_connect (self->redis);
    assert_true (box && redis);
    sb_credentials_t credentials = { "vapi-key-for-tests", sid, S_ACME_TOKEN, S_ACME_NUMBER };
    if (sb_credentials_store (redis, SB_CREDENTIALS_PREFIX, box, "acme", &credentials, ref,
                              err, sizeof err))
        fail_msg ("cannot store acme's credentials: %s", err);
    redisFree (redis);
    sb_secretbox_destroy (&box);
}

//  An approved message of acme's (no tenant_number in its conversation:
//  From is the number stored with acme's account).
static json_t *
s_acme_approved (const char *id, const char *key)
{
    json_t *envelope = s_approved (id, key, "sms", S_EMPLOYEE);
    json_object_set_new (envelope, "tenant", json_string ("acme"));
    json_object_del (json_object_get (json_object_get (envelope, "body"), "conversation"),
                     "tenant_number");
    return envelope;
}

//  acme's message goes with acme's stored account (the fake of that
//  account, basic auth its SID and token), From its stored number, and
//  its record names that account; demo's (nothing stored) with the
//  process's; acme's is never sent with the process's account.
static void
test_tenant_accounts (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    int process_port = self->port, acme_port = 0;
    sb_testproc_t *acme = s_fake_start (self, "fake-acme", S_ACME_ACCOUNT, S_ACME_TOKEN,
                                        &acme_port);
    s_store_acme (self, S_ACME_ACCOUNT);
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    //  Each run's config names one fake: acme's first (self->port is the
    //  fake that s_write_config and s_fake_state speak of)
    self->port = acme_port;
    s_write_config (self, false, NULL);
    json_t *envelope = s_acme_approved ("01KK1602M0SNDTEST00000000K", "t:acme");
    s_run_t run;
    s_deliver (self, envelope, 1, "done", &run);
    s_assert_fake (self, 1, 1, 0);
    assert_string_equal (json_string_value (json_object_get (s_sent (&run), "from")),
                         S_ACME_NUMBER);
    char *record = s_record (self, SB_SENT_PREFIX, "t:acme");
    assert_non_null (strstr (record, "\"account_sid\":\"" S_ACME_ACCOUNT "\""));
    free (record);
    json_decref (run.lines);
    json_decref (envelope);

    //  demo has nothing stored: the process's account, at its fake
    self->port = process_port;
    s_write_config (self, false, NULL);
    envelope = s_approved ("01KK1602M0SNDTEST00000000Q", "t:demo", "sms", S_EMPLOYEE);
    s_deliver (self, envelope, 1, "done", &run);
    s_assert_fake (self, 1, 1, 0);
    json_decref (run.lines);
    json_decref (envelope);

    //  acme's, with only the process's fake to reach: still with acme's
    //  credentials, which that fake refuses (401), never the process's
    envelope = s_acme_approved ("01KK1602M0SNDTEST00000000M", "t:acme-2");
    s_deliver (self, envelope, 1, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "HTTP 401"));
    json_t *fake = s_fake_state (self);
    assert_int_equal (json_integer_value (json_object_get (fake, "unauthorized")), 1);
    json_decref (fake);
    s_assert_fake (self, 1, 1, 0);
    json_decref (run.lines);
    json_decref (envelope);
    unsetenv ("CREDENTIALS_KEY");
    assert_int_equal (sb_testproc_stop (&acme, S_WAIT_MS, "fake_twilio (acme)"), 0);
}

//  An attempt whose answer was lost is looked up in the account it was
//  sent with: acme's, found there; and if acme's account changed since,
//  it cannot be looked up, so it is not sent again (fail).
static void
test_tenant_lookup (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    int process_port = self->port;
    sb_testproc_t *acme = s_fake_start (self, "fake-acme", S_ACME_ACCOUNT, S_ACME_TOKEN,
                                        &self->port);
    s_store_acme (self, S_ACME_ACCOUNT);
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    s_write_config (self, false, NULL);
    s_script (self, "drop");
    json_t *envelope = s_acme_approved ("01KK1602M0SNDTEST00000000N", "t:acme-drop");
    s_run_t run;
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    char *record = s_record (self, SB_SENT_PREFIX, "t:acme-drop");
    assert_true (record && strstr (record, ":" S_ACME_ACCOUNT));
    free (record);
    s_deliver (self, envelope, 2, "done", &run);
    s_assert_fake (self, 1, 1, 1);
    json_decref (run.lines);
    json_decref (envelope);

    //  Unsure under acme's account, then acme saves another account
    s_script (self, "drop");
    envelope = s_acme_approved ("01KK1602M0SNDTEST00000000P", "t:acme-moved");
    s_deliver (self, envelope, 1, "retry", &run);
    json_decref (run.lines);
    s_store_acme (self, "ACbdbdbdbdbdbdbdbdbdbdbdbdbdbdbdbd");
    s_deliver (self, envelope, 2, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "no longer has"));
    s_assert_fake (self, 2, 2, 1);
    json_decref (run.lines);
    json_decref (envelope);
    unsetenv ("CREDENTIALS_KEY");
    self->port = process_port;
    assert_int_equal (sb_testproc_stop (&acme, S_WAIT_MS, "fake_twilio (acme)"), 0);
}

//  sender/mode = twilio without an account of the process's: tenants'
//  own accounts only, never the outbox (demo has none stored: fail); with
//  no key either, it refuses to start.
static void
test_mode_twilio (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    snprintf (self->config, sizeof self->config, "%s/twilio-only.cfg", self->dir);
    FILE *file = fopen (self->config, "w");
    assert_non_null (file);
    fprintf (file, "sender\n    mode = twilio\n    redis = %s\n    outbox = %s/outbox.jsonl\n"
                   "    twilio\n        api_base = http://127.0.0.1:%d\n",
             sb_testredis_url (self->redis), self->dir, self->port);
    fclose (file);
    unsetenv ("TWILIO_AUTH_TOKEN");
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    json_t *envelope = s_approved ("01KK1602M0SNDTEST00000000R", "t:twilio-only", "sms",
                                   S_EMPLOYEE);
    s_run_t run;
    s_deliver (self, envelope, 1, "fail", &run);
    assert_non_null (strstr (json_string_value (json_object_get (s_outcome (&run, 0), "reason")),
                             "never the outbox"));
    json_decref (run.lines);
    char path [320];
    snprintf (path, sizeof path, "%s/outbox.jsonl", self->dir);
    assert_int_equal (access (path, F_OK), -1);
    unsetenv ("CREDENTIALS_KEY");
    s_run (self, envelope, 1, NULL, &run);
    assert_int_equal (run.status, S_EXIT_CONFIG);
    json_decref (run.lines);
    json_decref (envelope);
    s_assert_fake (self, 0, 0, 0);
}

//  --------------------------------------------------------------------------

int
main (int argc, char *argv [])
{
    struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_outbox_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_twilio_needs_redis, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tenant_accounts, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_tenant_lookup, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_mode_twilio, s_setup, s_teardown),
    };
    return s_main (argc, argv, "modes", tests, sizeof tests / sizeof tests [0]);
}
