/*  test_broker_conversations.c — the broker's integration tests,
    conversations by phone number (issue 12; docs/broker.md, Conversations
    by phone number; docs/protocol.md, CONVERSATIONS): a real broker
    process on a private redis-server is given inbound messages whose
    schema indexes their sender (sms.received and whatsapp.received,
    `index = phone` on from), and asked with the tool command
    CONVERSATIONS, as zmon does. The SMS from +15551230001 and the
    WhatsApp message from whatsapp:+15551230001 are both found under
    +15551230001, newest first, however the operator writes the number;
    another number finds none; a tenant narrows the answer; a reply a
    worker emits in its DONE (message.sent, `index = phone` on to) is noted
    under the number it goes to; a number that is not one is refused with
    the reason; with the broker's trace off nothing is noted.

    Usage: test_broker_conversations BROKER TESTWORKER TESTPUBLISH [TEST]
    (CTest passes them). Exits 77 (skipped) without redis-server.        */

#include "sb_classes.h"
#include "sb_proto.h"
#include "sb_testmsg.h"
#include "sb_testzmon.h"
#include <setjmp.h>
#include <cmocka.h>

#define S_PHONE "+15551230001"

//  Asks broker-a CONVERSATIONS phone [tenant] on a socket of its own.
//  Returns the reply's list (a new reference), or NULL on an ERROR reply,
//  whose reason is written to error.
static json_t *
s_conversations (sb_testworld_t *world, const char *phone, const char *tenant,
                 char *error, size_t size)
{
    zsock_t *dealer = zsock_new_dealer (world->brokers [0].endpoint);
    assert_non_null (dealer);
    zsock_set_rcvtimeo (dealer, SB_TESTWORLD_REPLY_MS);
    zmsg_t *msg = sb_proto_new (SB_PROTO_CONVERSATIONS);
    zmsg_addstr (msg, phone);
    if (tenant)
        zmsg_addstr (msg, tenant);
    assert_int_equal (zmsg_send (&msg, dealer), 0);
    zmsg_t *reply = zmsg_recv (dealer);
    assert_non_null (reply);
    char command [SB_PROTO_COMMAND_MAX + 1], err [256];
    assert_int_equal (sb_proto_parse (reply, command, err, sizeof err), 0);
    json_t *result = NULL;
    if (streq (command, SB_PROTO_ERROR))
        assert_int_equal (sb_proto_pop_string (reply, error, size), 0);
    else {
        assert_string_equal (command, SB_PROTO_CONVERSATIONS);
        result = sb_proto_pop_json (reply, err, sizeof err);
        assert_true (json_is_array (result));
    }
    zmsg_destroy (&reply);
    zsock_destroy (&dealer);
    return result;
}

//  The corrs of a CONVERSATIONS list, in order, space-separated, after
//  checking each entry's tenant and that first_ms never grows.
static void
s_corrs (const json_t *list, const char *tenant, char *corrs, size_t size)
{
    *corrs = 0;
    size_t index;
    json_t *entry;
    json_array_foreach (list, index, entry) {
        assert_string_equal (json_string_value (json_object_get (entry, "tenant")), tenant);
        json_int_t first_ms = json_integer_value (json_object_get (entry, "first_ms"));
        assert_true (first_ms > 0);
        if (index)
            assert_true (first_ms <= json_integer_value (json_object_get (
                json_array_get (list, index - 1), "first_ms")));
        size_t used = strlen (corrs);
        snprintf (corrs + used, size - used, "%s%s", index? " ": "",
                  json_string_value (json_object_get (entry, "corr")));
    }
}

//  Both channels' conversations under one number, newest first; however
//  the number is written; narrowed by tenant; another number's apart.
static void
test_by_phone (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_broker_quick (world, 0, 2000, NULL, NULL), 0);
    assert_int_equal (sb_testzmon_publish_phone (world, S_PHONE, "+15559990000"), 0);
    char corrs [256], error [256] = "";
    const char *spellings [] = { S_PHONE, "whatsapp:+15551230001", "+1 (555) 123-0001" };
    for (size_t index = 0; index < 3; index++) {
        json_t *list = s_conversations (world, spellings [index], NULL, error, sizeof error);
        assert_non_null (list);
        s_corrs (list, "acme", corrs, sizeof corrs);
        assert_string_equal (corrs, "k-whatsapp k-sms");
        json_decref (list);
    }
    json_t *list = s_conversations (world, S_PHONE, "acme", error, sizeof error);
    s_corrs (list, "acme", corrs, sizeof corrs);
    assert_string_equal (corrs, "k-whatsapp k-sms");
    json_decref (list);
    list = s_conversations (world, S_PHONE, "globex", error, sizeof error);
    assert_int_equal (json_array_size (list), 0);
    json_decref (list);
    list = s_conversations (world, "+15559990000", NULL, error, sizeof error);
    s_corrs (list, "acme", corrs, sizeof corrs);
    assert_string_equal (corrs, "k-other");
    json_decref (list);
    list = s_conversations (world, "+15550000000", NULL, error, sizeof error);
    assert_int_equal (json_array_size (list), 0);
    json_decref (list);
}

//  Polls CONVERSATIONS phone until it lists count conversations; returns
//  the last answer.
static json_t *
s_wait_conversations (sb_testworld_t *world, const char *phone, size_t count)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    char error [256];
    json_t *list = s_conversations (world, phone, NULL, error, sizeof error);
    while (json_array_size (list) != count && zclock_mono () < deadline) {
        json_decref (list);
        zclock_sleep (20);       //  polling interval, not a synchronisation
        list = s_conversations (world, phone, NULL, error, sizeof error);
    }
    return list;
}

//  A DONE's output is noted too (complete.lua): the test, as the planner,
//  answers the SMS with a message.sent to the employee's WhatsApp number.
static void
test_done_output (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_broker_quick (world, 0, 2000, NULL, NULL), 0);
    char id [SB_ID_LEN + 1];
    assert_int_equal (sb_testzmon_publish_from (world, 0, "sms.received", "k-reply", "acme",
                                                "+15551230001", id), 0);
    zsock_t *planner = sb_testworld_raw_worker (world, 0, "planner", "p1", 1);
    assert_non_null (planner);
    zsock_set_rcvtimeo (planner, SB_TESTWORLD_REPLY_MS);
    char command [SB_PROTO_COMMAND_MAX + 1], err [256], handle [SB_PROTO_HANDLE_MAX + 1] = "";
    //  WELCOME, then the SMS's DELIVER
    while (!*handle) {
        zmsg_t *reply = zmsg_recv (planner);
        assert_non_null (reply);
        assert_int_equal (sb_proto_parse (reply, command, err, sizeof err), 0);
        if (streq (command, SB_PROTO_DELIVER))
            assert_int_equal (sb_proto_pop_string (reply, handle, sizeof handle), 0);
        else
            assert_string_equal (command, SB_PROTO_WELCOME);
        zmsg_destroy (&reply);
    }
    char schemas_err [256];
    sb_schemas_t *schemas = sb_schemas_new_builtin (schemas_err, sizeof schemas_err);
    json_t *body = sb_schemas_example_body (schemas, "message.sent");
    sb_schemas_destroy (&schemas);
    json_object_set_new (body, "to", json_string ("whatsapp:+15557770002"));
    sb_testmsg_t sent = { .type = "message.sent", .key = "k-reply-sent", .corr = "k-reply",
                          .tenant = "acme" };
    size_t size;
    uint8_t *envelope = sb_testmsg_encode (world->ids, &sent, body, id, &size);
    assert_non_null (envelope);
    zmsg_t *msg = sb_proto_new (SB_PROTO_DONE);
    zmsg_addstr (msg, handle);
    zmsg_addmem (msg, envelope, size);
    free (envelope);
    assert_int_equal (zmsg_send (&msg, planner), 0);
    json_t *list = s_wait_conversations (world, "+15557770002", 1);
    char corrs [256];
    s_corrs (list, "acme", corrs, sizeof corrs);
    assert_string_equal (corrs, "k-reply");
    json_decref (list);
    zsock_destroy (&planner);
}

//  A number that is not one is refused, with the reason.
static void
test_refused (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_broker_quick (world, 0, 2000, NULL, NULL), 0);
    const char *bad [] = { "15551230001", "+1555abc", "+1234567890123456", "+", "" };
    for (size_t index = 0; index < 5; index++) {
        char error [256] = "";
        assert_null (s_conversations (world, bad [index], NULL, error, sizeof error));
        if (*bad [index])
            assert_non_null (strstr (error, "is not a phone number in E.164"));
        else
            assert_true (*error);
    }
}

//  With the broker's trace off, nothing is noted under any number.
static void
test_trace_off (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testworld_broker_quick (world, 0, 2000, "    trace = off\n", NULL), 0);
    assert_int_equal (sb_testzmon_publish_phone (world, S_PHONE, "+15559990000"), 0);
    char error [256];
    json_t *list = s_conversations (world, S_PHONE, NULL, error, sizeof error);
    assert_non_null (list);
    assert_int_equal (json_array_size (list), 0);
    json_decref (list);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_by_phone),
    SB_TESTWORLD_CASE (test_done_output),
    SB_TESTWORLD_CASE (test_refused),
    SB_TESTWORLD_CASE (test_trace_off),
};

int
main (int argc, char *argv [])
{
    return sb_testworld_run (argc, argv, 3, "BROKER TESTWORKER TESTPUBLISH [TEST]", s_tests,
                             sizeof s_tests / sizeof s_tests [0]);
}
