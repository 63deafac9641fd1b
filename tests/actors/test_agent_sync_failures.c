/*  test_agent_sync_failures.c — agent-sync when things go wrong, the
    real program through --harness: keys and credentials refused,
    transient failures, an assistant deleted on Vapi's side, and the
    credentials key missing or malformed.

    Usage: test_agent_sync_failures AGENT_SYNC FAKE_VAPI FAKE_TWILIO [TEST]
    (sb_agentsynctest.h tells how each run goes).                          */

#include "sb_agentsynctest.h"

//  --------------------------------------------------------------------------
//  5. A key Vapi refuses: the step fails with a clear report, the
//     credentials stay stored, nothing else is done

static void
test_invalid_vapi_key (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t save = s_acme;
    save.vapi_key = S_WRONG_VAPI_KEY;
    json_t *lines = s_run (self, &save, 1, NULL);
    const json_t *report = s_report (lines);
    s_assert_failure (report, "vapi_validated", "Vapi refused the API key (HTTP 401)");
    assert_false (json_is_true (json_object_get (json_object_get (report, "steps"),
                                                 "twilio_validated")));
    assert_int_equal (json_object_size (json_object_get (report, "agent_ids")), 0);
    assert_int_equal (s_count (self, "unauthorized"), 1);
    assert_int_equal (s_count (self, "create") + s_count (self, "patch"), 0);
    json_t *twilio = s_fake_call (self->twilio_url, "/_fake/counts", NULL);
    assert_int_equal (json_integer_value (json_object_get (twilio, "accounts")), 0);
    json_decref (twilio);
    redisReply *reply = s_redis (self, "EXISTS %s", "sb:agents:acme");
    assert_int_equal (reply->integer, 0);
    freeReplyObject (reply);
    reply = s_redis (self, "EXISTS %s", "sb:cred:acme");
    assert_int_equal (reply->integer, 1);
    freeReplyObject (reply);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  6. Twilio credentials refused: a wrong token (401), another account
//     (404); Vapi is never written to

static void
test_invalid_twilio (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t saves [2] = { s_acme, s_acme };
    saves [0].token = S_WRONG_TOKEN;
    saves [1].sid = S_OTHER_SID;
    json_t *lines = s_run (self, saves, 2, NULL);
    assert_int_equal (json_array_size (lines), 4);
    s_assert_failure (s_report_at (lines, 0), "twilio_validated", "HTTP 401");
    s_assert_failure (s_report_at (lines, 2), "twilio_validated", "no account " S_OTHER_SID);
    assert_true (json_is_true (json_object_get (json_object_get (s_report_at (lines, 0),
                                                                 "steps"), "vapi_validated")));
    assert_int_equal (s_count (self, "create") + s_count (self, "patch"), 0);
    redisReply *reply = s_redis (self, "EXISTS %s", "sb:agents:acme");
    assert_int_equal (reply->integer, 0);
    freeReplyObject (reply);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  7. Transient failures: a 429's Retry-After is the retry's delay, a 5xx
//     retries, a time-out retries; the last attempt reports instead

static void
test_transient (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    char config [S_PATH_MAX];
    snprintf (config, sizeof config, "%s/agent-sync.zpl", self->dir);
    FILE *file = fopen (config, "w");
    assert_non_null (file);
    fprintf (file, "agent-sync\n    lock-ttl = 2000\n    vapi\n        timeout = 500\n");
    assert_int_equal (fclose (file), 0);
    const char *extra [] = { "-c", config, NULL };
    s_fault (self, "{\"op\":\"list\",\"status\":429,\"retry_after\":2}");
    s_fault (self, "{\"op\":\"list\",\"delay_ms\":1500}");
    s_fault (self, "{\"op\":\"create\",\"status\":503,\"times\":3}");
    s_save_t saves [4] = { s_acme, s_acme, s_acme, s_acme };
    saves [2].attempt = 2;
    saves [3].attempt = 3;                       //  the last: a report
    json_t *lines = s_run (self, saves, 4, extra);
    assert_int_equal (json_array_size (lines), 5);
    const json_t *limited = json_array_get (lines, 0);
    assert_string_equal (s_get (limited, "outcome", NULL), "retry");
    assert_int_equal (json_integer_value (json_object_get (limited, "delay_ms")), 2000);
    assert_non_null (strstr (s_get (json_array_get (lines, 1), "reason", NULL), "timed out"));
    assert_non_null (strstr (s_get (json_array_get (lines, 2), "reason", NULL), "HTTP 503"));
    const json_t *report = s_report_at (lines, 3);
    s_assert_failure (report, "agents_synced", "HTTP 503");
    assert_non_null (strstr (s_get (report, "error", NULL), "(3 attempts)"));
    assert_int_equal (s_count (self, "assistants"), 0);
    json_decref (lines);
}

//  --------------------------------------------------------------------------
//  8. An assistant deleted on Vapi's side is made again at the next change

static void
test_deleted_assistant (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_save_t save = s_acme;
    json_t *first = s_run (self, &save, 1, NULL);
    const json_t *report = s_assert_success (s_report (first), "created", "created");
    char url [S_PATH_MAX];
    snprintf (url, sizeof url, "%s/assistant/%s", self->vapi_url,
              s_get (report, "agent_ids", "outbound"));
    CURL *curl = curl_easy_init ();
    struct curl_slist *headers = curl_slist_append (NULL, "Authorization: Bearer "
                                                          S_VAPI_KEY);
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, "DELETE");
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_data);
    zchunk_t *ignored = zchunk_new (NULL, 0);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, ignored);
    assert_int_equal (curl_easy_perform (curl), CURLE_OK);
    zchunk_destroy (&ignored);
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
    save.config = "{\"name\":\"Acme again\"}";
    json_t *second = s_run (self, &save, 1, NULL);
    s_assert_success (s_report (second), "updated", "created");
    assert_int_equal (s_count (self, "create"), 3);
    s_assert_assistants (self, s_report (second));
    json_decref (first);
    json_decref (second);
}

//  --------------------------------------------------------------------------
//  9. No key, or a malformed one: agent-sync refuses to start (78) and
//     says why, without quoting the key

static void
s_assert_refuses (s_world_t *self, const char *key, const char *why)
{
    if (key)
        setenv ("CREDENTIALS_KEY", key, 1);
    else
        unsetenv ("CREDENTIALS_KEY");
    s_run_t run;
    s_run_start (self, json_array (), NULL, &run);
    setenv ("CREDENTIALS_KEY", S_KEY_HEX, 1);
    int status = -1;
    if (sb_testproc_wait (run.proc, S_RUN_MS, &status))
        fail_msg ("agent-sync did not exit");
    sb_testproc_destroy (&run.proc);
    char *err = s_slurp (run.err);
    assert_non_null (err);
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 78 || !strstr (err, why)
    ||  (key && *key && strstr (err, key)))
        fail_msg ("expected exit 78 saying '%s', got status %d: %s", why, status, err);
    free (err);
}

static void
test_key_required (void **state)
{
    s_world_t *self = (s_world_t *) *state;
    s_assert_refuses (self, NULL, "CREDENTIALS_KEY is not set");
    s_assert_refuses (self, "", "CREDENTIALS_KEY is not set");
    s_assert_refuses (self, "0123456789abcdef", "CREDENTIALS_KEY: the key is neither");
    s_assert_refuses (self, "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                      "CREDENTIALS_KEY: the key is neither");
}

int
main (int argc, char *argv [])
{
    struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_invalid_vapi_key, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_invalid_twilio, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_transient, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_deleted_assistant, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_key_required, s_setup, s_teardown),
    };
    return s_main (argc, argv, "failures", tests, sizeof tests / sizeof tests [0]);
}
