/*  test_agent_sync_saves.c — agent-sync's saves, the real program
    through --harness (one process per run, as many at once as a test
    wants): the first save, the same save and a changed one, saves at
    once, and a create whose answer is lost.

    Usage: test_agent_sync_saves AGENT_SYNC FAKE_VAPI FAKE_TWILIO [TEST]
    (sb_agentsynctest.h tells how each run goes).                          */

#include "sb_agentsynctest.h"

//  --------------------------------------------------------------------------
//  1. The first save creates both agents, with the tenant and role in their
//     metadata, records them, and stores the credentials sealed

//  Fails unless every credential in sb:cred:acme is sealed: no secret in
//  the clear, and each opens with the key and its own tenant and field.
static void
s_assert_sealed (s_world_t *self)
{
    redisReply *reply = s_redis (self, "HGETALL %s", "sb:cred:acme");
    assert_int_equal (reply->type, REDIS_REPLY_ARRAY);
    char err [256];
    sb_secretbox_t *box = sb_secretbox_new (S_KEY_HEX, err, sizeof err);
    assert_non_null (box);
    size_t sealed = 0;
    for (size_t index = 0; index + 1 < reply->elements; index += 2) {
        const char *field = reply->element [index]->str;
        const redisReply *value = reply->element [index + 1];
        for (size_t secret = 0; secret < sizeof s_secrets / sizeof s_secrets [0]; secret++)
            assert_null (memmem (value->str, value->len, s_secrets [secret],
                                 strlen (s_secrets [secret])));
        if (streq (field, "version") || streq (field, "updated_ms"))
            continue;
        char aad [64], other [64];
        int size = snprintf (aad, sizeof aad, "acme%c%s", 0, field);
        int other_size = snprintf (other, sizeof other, "globex%c%s", 0, field);
        size_t length = 0;
        char *plain = sb_secretbox_open (box, (uint8_t *) aad, (size_t) size,
                                         (uint8_t *) value->str, value->len, &length,
                                         err, sizeof err);
        if (!plain)
            fail_msg ("%s does not open: %s", field, err);
        if (streq (field, "vapi_api_key"))        assert_string_equal (plain, S_VAPI_KEY);
        if (streq (field, "twilio_auth_token"))   assert_string_equal (plain, S_TOKEN);
        if (streq (field, "twilio_account_sid"))  assert_string_equal (plain, S_SID);
        if (streq (field, "twilio_phone_number")) assert_string_equal (plain, S_NUMBER);
        sb_secretbox_free (&plain, length);
        //  Moved to another tenant, it does not open
        assert_null (sb_secretbox_open (box, (uint8_t *) other, (size_t) other_size,
                                        (uint8_t *) value->str, value->len, &length,
                                        err, sizeof err));
        sealed++;
    }
    assert_int_equal (sealed, 4);
    sb_secretbox_destroy (&box);
    freeReplyObject (reply);
}


static void
test_first_save (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    json_t *lines = s_run (self, &s_acme, 1, NULL);
    const json_t *report = s_assert_success (s_report (lines), "created", "created");
    fprintf (stderr, "first save: elapsed_ms %" JSON_INTEGER_FORMAT "\n",
             json_integer_value (json_object_get (report, "elapsed_ms")));
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "patch"), 0);
    s_assert_assistants (self, report);
    redisReply *reply = s_redis (self, "HGET %s inbound_id", "sb:agents:acme");
    assert_int_equal (reply->type, REDIS_REPLY_STRING);
    assert_string_equal (reply->str, s_get (report, "agent_ids", "inbound"));
    freeReplyObject (reply);
    reply = s_redis (self, "EXISTS %s", "sb:agents:acme:lock");
    assert_int_equal (reply->integer, 0);         //  released
    freeReplyObject (reply);
    s_assert_sealed (self);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  2. The same save again writes nothing; a changed config patches both

static void
test_same_then_changed (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t save = s_acme;
    save.config = "{\"name\":\"Acme Timesheets\",\"first_message\":\"Hello!\"}";
    json_t *first = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (first), "created", "created");
    json_t *again = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (again), "unchanged", "unchanged");
    assert_string_equal (s_get (s_report (first), "agent_ids", "inbound"),
                         s_get (s_report (again), "agent_ids", "inbound"));
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "patch"), 0);
    save.config = "{\"name\":\"Acme Hours\",\"outbound\":{\"first_message\":\"Hi, Acme here\"}}";
    json_t *changed = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (changed), "updated", "updated");
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "patch"), 2);
    json_t *assistants = s_fake_call (self->vapi_url, "/_fake/assistants", NULL);
    assert_string_equal (s_get (json_array_get (assistants, 0), "name", NULL),
                         "Acme Hours inbound");
    assert_string_equal (s_get (json_array_get (assistants, 1), "firstMessage", NULL),
                         "Hi, Acme here");
    json_decref (assistants);
    s_assert_assistants (self, s_report (changed));
    json_decref (first);
    json_decref (again);
    json_decref (changed);
}

//  --------------------------------------------------------------------------
//  3. Saves of one tenant at once, by separate processes (as separate
//     instances would), make exactly two assistants; Vapi answers slowly so
//     that they overlap

#define S_CONCURRENT 4

static void
test_concurrent_saves (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_fault (self, "{\"op\":\"any\",\"delay_ms\":150,\"times\":100}");
    s_run_t runs [S_CONCURRENT];
    for (size_t index = 0; index < S_CONCURRENT; index++)
        s_run_start (self, json_pack ("[o]", s_envelope (self, &s_acme)), NULL, &runs [index]);
    size_t created = 0;
    const char *inbound = NULL;
    json_t *all = json_array ();
    for (size_t index = 0; index < S_CONCURRENT; index++) {
        int status = -1;
        json_t *lines = s_run_finish (&runs [index], &status);
        assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
        const json_t *report = s_report (lines);
        assert_true (json_is_true (json_object_get (report, "success")));
        created += streq (s_get (report, "agent_actions", "inbound"), "created");
        if (!inbound)
            inbound = s_get (report, "agent_ids", "inbound");
        assert_string_equal (s_get (report, "agent_ids", "inbound"), inbound);
        json_array_append_new (all, lines);      //  keeps inbound alive
    }
    assert_int_equal (created, 1);
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "assistants"), 2);
    json_decref (all);
}

//  --------------------------------------------------------------------------
//  4. A create whose answer is lost (the connection drops after Vapi made
//     the assistant) is retried; the retry finds it by its metadata and
//     records it instead of making a third

static void
test_lost_answer (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_fault (self, "{\"op\":\"create\",\"drop\":true}");
    s_save_t saves [2] = { s_acme, s_acme };
    saves [1].attempt = 2;                       //  the broker's redelivery
    json_t *lines = s_run (self, saves, 2, NULL);
    assert_int_equal (json_array_size (lines), 3);
    const json_t *retry = json_array_get (lines, 0);
    assert_string_equal (s_get (retry, "outcome", NULL), "retry");
    assert_non_null (strstr (s_get (retry, "reason", NULL), "creating the inbound agent"));
    const json_t *report = s_report_at (lines, 1);
    s_assert_success (report, "created", "created");
    assert_int_equal (s_count (self, "create"), 2);
    assert_int_equal (s_count (self, "assistants"), 2);
    s_assert_assistants (self, report);
    json_decref (lines);
}


int
main (int argc, char *argv [])
{
    struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_first_save, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_same_then_changed, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_concurrent_saves, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_lost_answer, s_setup, s_teardown),
    };
    return s_main (argc, argv, "saves", tests, sizeof tests / sizeof tests [0]);
}
