/*  test_ingress_sms.c — ingress's integration tests (actors/ingress/), the
    SMS webhook: the ingress program as a real process, in front of a real
    broker and a private redis-server, with this test acting as Twilio
    over libcurl (tests/support/sb_testingress, sb_testtwilio).

    Requests are form-encoded here as Twilio encodes them and signed over
    the exact URL called (http://127.0.0.1:PORT/webhook/sms...) with
    sb_twilio_signature; one case computes the signature independently
    with OpenSSL's HMAC-SHA1 and base64, so the test does not only trust
    sb_twilio. What was published is read back from the broker's queue in
    Redis (sb:q:planner, the service sms.received is routed to): ingress
    answers 200 only after the broker has stored the message, so it must
    be there, once, the moment the answer arrives.

    A tenant's own token (issue 5) is stored as agent-sync stores it
    (sb_credentials_store: sealed with the key ingress is given) in a
    redis-server of its own, so that a test can count the reads ingress
    makes there and stop it without touching the broker's.

    Each test starts its own world (sb_testworld) and synchronises by
    polling with a deadline; it never sleeps for a fixed time.

    Usage: test_ingress_sms BROKER INGRESS [TEST]   (paths of the programs,
    which CTest passes; TEST runs only the tests whose names match).
    Exits 77 (skipped) without redis-server.                                */

#include "sb_classes.h"
#include "sb_credentials.h"
#include "sb_testingress.h"
#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <setjmp.h>
#include <cmocka.h>

#define S_TOKEN      SB_TESTINGRESS_TOKEN
#define S_BODY_MAX   SB_TESTTWILIO_BODY_MAX
#define S_URL_MAX    SB_TESTTWILIO_URL_MAX
#define S_CONCURRENT 12     //  redeliveries of one message at once
#define S_KEY_HEX    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define S_ACME_TOKEN "acme-own-auth-token-7f3a9c51d2e8"   //  acme's, stored
#define S_NEW_TOKEN  "acme-new-auth-token-0b1e449c0d11"   //  acme's, after a save
#define S_GLOBEX_TO  "+15550001111"                       //  globex's number

#define S_EXPECT(answer, status, text) \
    assert_int_equal (sb_testhttp_expect (answer, status, text), 0)
#define S_EXPECT_TWIML(answer) assert_int_equal (sb_testingress_expect_twiml (answer), 0)
#define S_EXPECT_STORED_ONCE(world, sid) \
    assert_int_equal (sb_testingress_expect_stored_once (world, sid), 0)

//  Signs the form-encoded body posted to url with token, by sb_twilio.
static void
s_sign (const char *token, const char *url, const char *body,
        char signature [SB_TWILIO_SIGNATURE_SIZE])
{
    assert_int_equal (sb_testtwilio_sign (token, url, body, signature), 0);
}

//  POSTs body to /webhook/sms with signature (NULL: none) and one more
//  header (NULL: none).
static void
s_post (sb_testworld_t *world, const char *body, const char *signature, const char *header,
        sb_testhttp_answer_t *answer)
{
    sb_testtwilio_post (world->port, "/webhook/sms", body, signature, header, answer);
}

//  One SMS as this test posts it: its MessageSid, its parameters, their
//  form-encoded body, the URL of /webhook/sms it is signed over, and the
//  body's signature with S_TOKEN. Its parameters borrow its sid: it stays
//  where it was made.
typedef struct {
    char sid [SB_TESTINGRESS_SID_SIZE];
    sb_testtwilio_params_t params;
    char body [S_BODY_MAX];
    char url [S_URL_MAX];
    char signature [SB_TWILIO_SIGNATURE_SIZE];
} s_sms_t;

//  Encodes sms's parameters (again) into its body, URL and signature with
//  token.
static void
s_sms_encode_with (sb_testworld_t *world, s_sms_t *sms, const char *token)
{
    assert_int_equal (sb_testtwilio_body (&sms->params, sms->body, sizeof sms->body), 0);
    sb_testtwilio_url (world->port, "/webhook/sms", sms->url, sizeof sms->url);
    s_sign (token, sms->url, sms->body, sms->signature);
}

//  Encodes sms, signed with the global token.
static void
s_sms_encode (sb_testworld_t *world, s_sms_t *sms)
{
    s_sms_encode_with (world, sms, S_TOKEN);
}

//  Makes sms a new SMS (a new MessageSid), encoded and signed.
static void
s_sms_new (sb_testworld_t *world, s_sms_t *sms)
{
    sb_testingress_new_sid (world, sms->sid);
    sb_testingress_sms (&sms->params, sms->sid);
    s_sms_encode (world, sms);
}

//  Starts the test's world, ingress with token, and returns it.
static sb_testworld_t *
s_world (void **state, const char *token)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    assert_int_equal (sb_testingress_world (world, token), 0);
    return world;
}

//  --------------------------------------------------------------------------
//  1. A valid SMS: 200 with empty TwiML, stored once; its redelivery too

//  POSTs sms to /webhook/sms, signed, count times at once (one connection
//  each), and asserts every answer is Twilio's 200.
static void
s_post_concurrently (sb_testworld_t *world, const s_sms_t *sms, size_t count)
{
    char header [128];
    snprintf (header, sizeof header, "X-Twilio-Signature: %s", sms->signature);
    const char *headers [] = { header, NULL };
    sb_testhttp_request_t requests [S_CONCURRENT];
    assert_true (count <= S_CONCURRENT);
    for (size_t index = 0; index < count; index++)
        requests [index] = (sb_testhttp_request_t) { "POST", "/webhook/sms", headers,
                                                     sms->body };
    sb_testhttp_answer_t *answers = (sb_testhttp_answer_t *) calloc (count, sizeof *answers);
    assert_non_null (answers);
    int rc = sb_testhttp_send_all (world->port, requests, count, SB_TESTTWILIO_HTTP_MS, answers);
    size_t ok = 0;
    for (size_t index = 0; index < count; index++)
        ok += answers [index].status == 200;
    free (answers);
    if (rc || ok != count)
        fail_msg ("%zu of %zu concurrent deliveries answered 200", ok, count);
}

static void
test_valid_sms (void **state)
{
    sb_testworld_t *world = s_world (state, S_TOKEN);
    s_sms_t sms;
    s_sms_new (world, &sms);
    char key [64];
    snprintf (key, sizeof key, "sms:twilio:%s", sms.sid);
    sb_testhttp_answer_t answer;
    sb_testingress_post (world, "/webhook/sms", NULL, &sms.params, &answer);
    S_EXPECT_TWIML (&answer);

    //  Stored by the time the answer came, as Twilio posted it
    assert_int_equal (sb_testingress_queued (world), 1);
    sb_envelope_t *env = NULL;
    assert_int_equal (sb_testingress_stored (world, key, &env), 1);
    assert_string_equal (sb_envelope_type (env), "sms.received");
    assert_string_equal (sb_envelope_key (env), key);
    assert_string_equal (sb_envelope_tenant (env), SB_TESTINGRESS_TENANT);
    assert_string_equal (sb_envelope_src (env), "ingress");
    json_t *body = sb_envelope_body (env);
    assert_string_equal (json_string_value (json_object_get (body, "message_sid")), sms.sid);
    assert_string_equal (json_string_value (json_object_get (body, "account_sid")),
                         SB_TESTINGRESS_ACCOUNT);
    assert_string_equal (json_string_value (json_object_get (body, "from")), SB_TESTINGRESS_FROM);
    assert_string_equal (json_string_value (json_object_get (body, "to")), SB_TESTINGRESS_TO);
    assert_string_equal (json_string_value (json_object_get (body, "text")), SB_TESTINGRESS_TEXT);
    assert_string_equal (json_string_value (json_object_get (body, "channel")), "sms");
    assert_int_equal (json_integer_value (json_object_get (body, "num_media")), 0);
    sb_envelope_destroy (&env);

    //  Twilio's redelivery: answered the same, processed once
    sb_testingress_post (world, "/webhook/sms", NULL, &sms.params, &answer);
    S_EXPECT_TWIML (&answer);
    assert_int_equal (sb_testingress_queued (world), 1);
    S_EXPECT_STORED_ONCE (world, sms.sid);

    //  Redeliveries of a new message arriving together: all 200, one stored
    s_sms_new (world, &sms);
    s_post_concurrently (world, &sms, S_CONCURRENT);
    S_EXPECT_STORED_ONCE (world, sms.sid);
    assert_int_equal (sb_testingress_queued (world), 2);
}

//  --------------------------------------------------------------------------
//  2. The signature computed here from Twilio's algorithm, not by sb_twilio

typedef struct {
    const char *name;
    const char *value;
} s_pair_t;

static int
s_pair_compare (const void *left, const void *right)
{
    const s_pair_t *one = (const s_pair_t *) left, *other = (const s_pair_t *) right;
    int order = strcmp (one->name, other->name);
    return order? order: strcmp (one->value, other->value);
}

//  base64 (HMAC-SHA1 (token, url + every name and value, sorted by name)),
//  with OpenSSL directly.
static void
s_twilio_reference (const char *token, const char *url, const sb_testtwilio_params_t *params,
                    char signature [SB_TWILIO_SIGNATURE_SIZE])
{
    s_pair_t pairs [SB_TESTTWILIO_PARAMS];
    for (size_t index = 0; index < params->count; index++)
        pairs [index] = (s_pair_t) { params->names [index], params->values [index] };
    qsort (pairs, params->count, sizeof (s_pair_t), s_pair_compare);
    char data [S_BODY_MAX];
    snprintf (data, sizeof data, "%s", url);
    for (size_t index = 0; index < params->count; index++) {
        assert_true (strlen (data) + strlen (pairs [index].name)
                     + strlen (pairs [index].value) < sizeof data);
        strcat (data, pairs [index].name);
        strcat (data, pairs [index].value);
    }
    unsigned char digest [EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    assert_non_null (HMAC (EVP_sha1 (), token, (int) strlen (token),
                           (const unsigned char *) data, strlen (data), digest, &length));
    assert_int_equal (length, 20);
    assert_int_equal (EVP_EncodeBlock ((unsigned char *) signature, digest, (int) length), 28);
}

static void
test_signature_reference (void **state)
{
    sb_testworld_t *world = s_world (state, S_TOKEN);
    s_sms_t sms;
    s_sms_new (world, &sms);
    char reference [SB_TWILIO_SIGNATURE_SIZE];
    s_twilio_reference (S_TOKEN, sms.url, &sms.params, reference);
    assert_string_equal (sms.signature, reference);

    sb_testhttp_answer_t answer;
    s_post (world, sms.body, reference, NULL, &answer);
    S_EXPECT_TWIML (&answer);
    S_EXPECT_STORED_ONCE (world, sms.sid);
}

//  --------------------------------------------------------------------------
//  3. What URL is signed: the query string is part of it; the default
//     port may be named or not

//  POSTs sms, made new, to /webhook/sms with header, signed over url.
static void
s_post_signed_over (sb_testworld_t *world, const char *url, const char *header, s_sms_t *sms,
                    sb_testhttp_answer_t *answer)
{
    s_sms_new (world, sms);
    s_sign (S_TOKEN, url, sms->body, sms->signature);
    s_post (world, sms->body, sms->signature, header, answer);
}

static void
test_signed_url (void **state)
{
    sb_testworld_t *world = s_world (state, S_TOKEN);
    s_sms_t sms;
    sb_testhttp_answer_t answer;

    //  Signed with the query string it was called with: accepted
    s_sms_new (world, &sms);
    sb_testingress_post (world, "/webhook/sms?tenant=x&b=2", NULL, &sms.params, &answer);
    S_EXPECT_TWIML (&answer);
    S_EXPECT_STORED_ONCE (world, sms.sid);

    //  Signed without it: refused, nothing stored
    s_sms_new (world, &sms);
    sb_testingress_post (world, "/webhook/sms?tenant=x", "/webhook/sms", &sms.params, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    //  ... and signed with one it was not called with
    sb_testingress_post (world, "/webhook/sms", "/webhook/sms?tenant=x", &sms.params, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    assert_int_equal (sb_testingress_queued (world), 1);

    //  Called as http://127.0.0.1/... (Host without a port), signed with
    //  an explicit :80, as some of Twilio's libraries do: accepted
    s_post_signed_over (world, "http://127.0.0.1:80/webhook/sms", "Host: 127.0.0.1", &sms,
                        &answer);
    S_EXPECT_TWIML (&answer);
    S_EXPECT_STORED_ONCE (world, sms.sid);

    //  The other way round: Host names :80, signed without it: accepted
    s_post_signed_over (world, "http://127.0.0.1/webhook/sms", "Host: 127.0.0.1:80", &sms,
                        &answer);
    S_EXPECT_TWIML (&answer);
    S_EXPECT_STORED_ONCE (world, sms.sid);

    //  Another port is another URL: refused
    s_post_signed_over (world, "http://127.0.0.1:81/webhook/sms", "Host: 127.0.0.1", &sms,
                        &answer);
    S_EXPECT (&answer, 403, NULL);
    assert_int_equal (sb_testingress_queued (world), 3);
}

//  --------------------------------------------------------------------------
//  4. A missing or wrong signature: 403, nothing stored

static void
test_bad_signature (void **state)
{
    sb_testworld_t *world = s_world (state, S_TOKEN);
    s_sms_t sms;
    s_sms_new (world, &sms);
    sb_testhttp_answer_t answer;

    //  Signed with another token
    char signature [SB_TWILIO_SIGNATURE_SIZE];
    s_sign ("another-token", sms.url, sms.body, signature);
    s_post (world, sms.body, signature, NULL, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");

    //  Signed, then the body changed on the way
    sb_testtwilio_set (&sms.params, "Body", "transfer all the hours to me");
    assert_int_equal (sb_testtwilio_body (&sms.params, sms.body, sizeof sms.body), 0);
    s_post (world, sms.body, sms.signature, NULL, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");

    //  Garbage, empty, missing
    s_post (world, sms.body, "not-a-signature", NULL, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    s_post (world, sms.body, NULL, "X-Twilio-Signature;", &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    s_post (world, sms.body, NULL, NULL, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    assert_int_equal (sb_testingress_queued (world), 0);
}

//  --------------------------------------------------------------------------
//  5. Without TWILIO_AUTH_TOKEN, /webhook/sms refuses everything

static void
test_no_token (void **state)
{
    sb_testworld_t *world = s_world (state, NULL);
    s_sms_t sms;
    s_sms_new (world, &sms);
    sb_testhttp_answer_t answer;
    sb_testingress_post (world, "/webhook/sms", NULL, &sms.params, &answer);
    S_EXPECT (&answer, 403, NULL);
    s_post (world, sms.body, NULL, NULL, &answer);
    S_EXPECT (&answer, 403, NULL);
    assert_int_equal (sb_testingress_queued (world), 0);
    //  The rest still works
    sb_testhttp_get (world->port, "/ready", SB_TESTTWILIO_HTTP_MS, &answer);
    S_EXPECT (&answer, 200, NULL);

    //  An empty TWILIO_AUTH_TOKEN is none: a signature made with the empty
    //  key (computed here: sb_twilio refuses to) does not pass
    assert_int_equal (sb_testworld_serve_stop (world), 0);
    assert_int_equal (sb_testingress_start (world, ""), 0);
    char signature [SB_TWILIO_SIGNATURE_SIZE];
    s_sms_encode (world, &sms);   //  the URL names ingress's new port
    s_twilio_reference ("", sms.url, &sms.params, signature);
    s_post (world, sms.body, signature, NULL, &answer);
    S_EXPECT (&answer, 403, NULL);
    assert_int_equal (sb_testingress_queued (world), 0);
}

//  --------------------------------------------------------------------------
//  6. Bad input: 400 or 413 with a one-line reason, nothing stored

//  POSTs body to /webhook/sms as content_type (a header line), signed.
static void
s_post_typed (sb_testworld_t *world, const char *content_type, const char *body,
              const char *signature, sb_testhttp_answer_t *answer)
{
    char signed_header [128];
    snprintf (signed_header, sizeof signed_header, "X-Twilio-Signature: %s", signature);
    const char *headers [] = { content_type, signed_header, NULL };
    sb_testhttp_request_t request = { "POST", "/webhook/sms", headers, body };
    sb_testhttp_send (world->port, &request, SB_TESTTWILIO_HTTP_MS, answer);
}

static void
test_bad_input (void **state)
{
    sb_testworld_t *world = s_world (state, S_TOKEN);
    s_sms_t sms;
    s_sms_new (world, &sms);
    sb_testhttp_answer_t answer;

    //  Wrong content type, or none, though correctly signed
    s_post_typed (world, "Content-Type: application/json", sms.body, sms.signature, &answer);
    S_EXPECT (&answer, 400, "content type");
    s_post_typed (world, "Content-Type:", sms.body, sms.signature, &answer);
    S_EXPECT (&answer, 400, "content type");

    //  A malformed %-escape
    s_post (world, "MessageSid=SM%zz&From=%2", sms.signature, NULL, &answer);
    S_EXPECT (&answer, 400, "malformed");
    assert_non_null (strchr (answer.body, '\n'));
    assert_ptr_equal (strchr (answer.body, '\n'), answer.body + answer.size - 1);

    //  No MessageSid, correctly signed: the field is named
    sb_testtwilio_remove (&sms.params, "MessageSid");
    sb_testingress_post (world, "/webhook/sms", NULL, &sms.params, &answer);
    S_EXPECT (&answer, 400, "MessageSid");

    //  A MessageSid the schema refuses (too long): the broker's reason
    char *long_sid = zsys_sprintf ("%s0123456789", sms.sid);
    sb_testingress_sms (&sms.params, long_sid);
    sb_testingress_post (world, "/webhook/sms", NULL, &sms.params, &answer);
    zstr_free (&long_sid);
    S_EXPECT (&answer, 400, "message_sid");
    if (!strstr (answer.body, "invalid"))
        fail_msg ("the reason does not carry the broker's code: %s", answer.body);

    //  A body over --max-body, correctly signed
    char large [S_BODY_MAX];
    memset (large, 'x', sizeof large - 1);
    large [sizeof large - 1] = 0;
    sb_testingress_sms (&sms.params, sms.sid);
    sb_testtwilio_set (&sms.params, "Body", large + 4096);   //  ~4 kB of text, + the rest
    sb_testtwilio_set (&sms.params, "Padding", large + 6000);
    sb_testingress_post (world, "/webhook/sms", NULL, &sms.params, &answer);
    S_EXPECT (&answer, 413, SB_TESTINGRESS_MAX_BODY);
    assert_int_equal (sb_testingress_queued (world), 0);

    //  After all that, the same SMS done right is accepted
    sb_testingress_sms (&sms.params, sms.sid);
    sb_testingress_post (world, "/webhook/sms", NULL, &sms.params, &answer);
    S_EXPECT_TWIML (&answer);
    S_EXPECT_STORED_ONCE (world, sms.sid);
}

//  --------------------------------------------------------------------------
//  7. A tenant's own token (stored by agent-sync) signs its SMS; a tenant
//     with none stored falls back to TWILIO_AUTH_TOKEN

//  Stores tenant's credentials, token its Twilio auth token, in redis as
//  agent-sync does (sealed with S_KEY_HEX).
static void
s_store_token (sb_testredis_t *redis, const char *tenant, const char *token)
{
    char err [256], ref [SB_CREDENTIALS_REF_MAX];
    sb_secretbox_t *box = sb_secretbox_new (S_KEY_HEX, err, sizeof err);
    redisContext *context = sb_testredis_connect (redis);
    assert_true (box && context);
    sb_credentials_t credentials = { "vapi-key-for-tests", SB_TESTINGRESS_ACCOUNT, token,
                                     SB_TESTINGRESS_TO };
    if (sb_credentials_store (context, SB_CREDENTIALS_PREFIX, box, tenant, &credentials, ref,
                              err, sizeof err))
        fail_msg ("cannot store %s's credentials: %s", tenant, err);
    redisFree (context);
    sb_secretbox_destroy (&box);
}

//  How many HMGETs credentials (the Redis) has answered: ingress's reads.
static long
s_reads (sb_testredis_t *credentials)
{
    redisContext *context = sb_testredis_connect (credentials);
    assert_non_null (context);
    long calls = sb_testredis_calls (context, "hmget");
    redisFree (context);
    assert_true (calls >= 0);
    return calls;
}

//  Starts ingress (the world's Redis and broker first, unless up) with
//  TWILIO_AUTH_TOKEN, the key, tenants' tokens read from credentials and
//  kept ttl ms; acme is the default tenant (SB_TESTINGRESS_TO is not
//  listed), globex has S_GLOBEX_TO.
static void
s_start_reading (sb_testworld_t *world, sb_testredis_t *credentials, const char *ttl)
{
    if (!world->redis)
        assert_int_equal (sb_testworld_redis_start (world, "always"), 0);
    if (!world->brokers [0].process)
        assert_int_equal (sb_testworld_broker_start (world, 0, NULL), 0);
    char config [SB_TESTWORLD_PATH_MAX];
    assert_int_equal (sb_testworld_write (world, "ingress.cfg", "ingress\n    numbers\n"
                                          "        " S_GLOBEX_TO " = globex\n", config,
                                          sizeof config), 0);
    const char *env [] = { "TWILIO_AUTH_TOKEN=" S_TOKEN, "CREDENTIALS_KEY=" S_KEY_HEX, NULL };
    const char *args [] = { "-c", config, "-t", SB_TESTINGRESS_TENANT, "--redis",
                            sb_testredis_url (credentials), "--credentials-ttl", ttl,
                            "--publish-timeout", SB_TESTINGRESS_PUBLISH_MS, NULL };
    assert_int_equal (sb_testingress_launch (world, env, args), 0);
}

//  A Redis of credentials (appendfsync for sb_testredis_new) with acme's
//  own token stored, and ingress reading it, keeping tokens ttl ms.
//  Returns the Redis (the test destroys it).
static sb_testredis_t *
s_reading_world (sb_testworld_t *world, const char *appendfsync, const char *ttl)
{
    sb_testredis_t *credentials = sb_testredis_new (appendfsync);
    assert_non_null (credentials);
    s_store_token (credentials, SB_TESTINGRESS_TENANT, S_ACME_TOKEN);
    s_start_reading (world, credentials, ttl);
    return credentials;
}

//  Makes sms a new SMS to number, signed with token, and POSTs it.
static void
s_post_to (sb_testworld_t *world, s_sms_t *sms, const char *number, const char *token,
           sb_testhttp_answer_t *answer)
{
    sb_testingress_new_sid (world, sms->sid);
    sb_testingress_sms (&sms->params, sms->sid);
    sb_testtwilio_set (&sms->params, "To", number);
    s_sms_encode_with (world, sms, token);
    s_post (world, sms->body, sms->signature, NULL, answer);
}

//  Asserts the SMS with MessageSid sid was stored once, for tenant.
static void
s_assert_stored_for (sb_testworld_t *world, const char *sid, const char *tenant)
{
    char key [64];
    snprintf (key, sizeof key, "sms:twilio:%s", sid);
    sb_envelope_t *env = NULL;
    assert_int_equal (sb_testingress_stored (world, key, &env), 1);
    assert_string_equal (sb_envelope_tenant (env), tenant);
    sb_envelope_destroy (&env);
}

static void
test_tenant_token (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    sb_testredis_t *credentials = s_reading_world (world, NULL, "30000");
    s_sms_t sms;
    sb_testhttp_answer_t answer;

    //  acme's SMS signed with acme's own token: accepted, as acme's
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_ACME_TOKEN, &answer);
    S_EXPECT_TWIML (&answer);
    s_assert_stored_for (world, sms.sid, SB_TESTINGRESS_TENANT);
    //  ... with the global token: refused, acme has a token of its own
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_TOKEN, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");

    //  globex has nothing stored: the global token signs its SMS, not acme's
    s_post_to (world, &sms, S_GLOBEX_TO, S_TOKEN, &answer);
    S_EXPECT_TWIML (&answer);
    s_assert_stored_for (world, sms.sid, "globex");
    s_post_to (world, &sms, S_GLOBEX_TO, S_ACME_TOKEN, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    assert_int_equal (sb_testingress_queued (world), 2);

    //  Both refusals counted as signature failures
    sb_testhttp_get (world->port, "/metrics", SB_TESTTWILIO_HTTP_MS, &answer);
    S_EXPECT (&answer, 200, "sb_ingress_auth_failures_total{endpoint=\"/webhook/sms\"} 2\n");
    sb_testredis_destroy (&credentials);
}

//  --------------------------------------------------------------------------
//  8. The credentials' Redis unreachable: 503 (Twilio retries), never the
//     global token in a tenant's place; back, accepted again

static void
test_credentials_redis_down (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    sb_testredis_t *credentials = s_reading_world (world, "always", "30000");
    assert_int_equal (sb_testredis_kill (credentials), 0);
    s_sms_t sms;
    sb_testhttp_answer_t answer;

    //  Signed with acme's token, or with the global one (which acme's
    //  might not be, or globex's might be): it cannot be told which to check
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_ACME_TOKEN, &answer);
    S_EXPECT (&answer, 503, "cannot be read now");
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_TOKEN, &answer);
    S_EXPECT (&answer, 503, "cannot be read now");
    s_post_to (world, &sms, S_GLOBEX_TO, S_TOKEN, &answer);
    S_EXPECT (&answer, 503, "cannot be read now");
    assert_int_equal (sb_testingress_queued (world), 0);

    //  Redis back: Twilio's retry is accepted (a failure is not kept)
    assert_int_equal (sb_testredis_restart (credentials), 0);
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_ACME_TOKEN, &answer);
    S_EXPECT_TWIML (&answer);
    S_EXPECT_STORED_ONCE (world, sms.sid);
    sb_testredis_destroy (&credentials);
}

//  --------------------------------------------------------------------------
//  9. Tokens are kept for credentials-ttl: a burst costs one Redis read; a
//     token changed in Redis is used once the TTL has run

static void
test_credentials_cache (void **state)
{
    sb_testworld_t *world = (sb_testworld_t *) *state;
    sb_testredis_t *credentials = s_reading_world (world, NULL, "60000");
    s_sms_t sms;
    sb_testhttp_answer_t answer;

    //  Twelve deliveries at once, then one more: one read
    sb_testingress_new_sid (world, sms.sid);
    sb_testingress_sms (&sms.params, sms.sid);
    s_sms_encode_with (world, &sms, S_ACME_TOKEN);
    s_post_concurrently (world, &sms, S_CONCURRENT);
    S_EXPECT_STORED_ONCE (world, sms.sid);
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_ACME_TOKEN, &answer);
    S_EXPECT_TWIML (&answer);
    assert_int_equal (s_reads (credentials), 1);

    //  A new token saved: the kept one still signs, for the TTL
    s_store_token (credentials, SB_TESTINGRESS_TENANT, S_NEW_TOKEN);
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_NEW_TOKEN, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    assert_int_equal (s_reads (credentials), 1);

    //  With a TTL of 200 ms, the new token is read and used once it has run
    assert_int_equal (sb_testworld_serve_stop (world), 0);
    s_start_reading (world, credentials, "200");
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_ACME_TOKEN, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    s_store_token (credentials, SB_TESTINGRESS_TENANT, S_ACME_TOKEN);   //  saved back
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    do
        s_post_to (world, &sms, SB_TESTINGRESS_TO, S_ACME_TOKEN, &answer);
    while (answer.status == 403 && zclock_mono () < deadline);
    S_EXPECT_TWIML (&answer);
    s_post_to (world, &sms, SB_TESTINGRESS_TO, S_NEW_TOKEN, &answer);
    S_EXPECT (&answer, 403, "X-Twilio-Signature");
    sb_testredis_destroy (&credentials);
}

static const struct CMUnitTest s_tests [] = {
    SB_TESTWORLD_CASE (test_valid_sms),
    SB_TESTWORLD_CASE (test_signature_reference),
    SB_TESTWORLD_CASE (test_signed_url),
    SB_TESTWORLD_CASE (test_bad_signature),
    SB_TESTWORLD_CASE (test_no_token),
    SB_TESTWORLD_CASE (test_bad_input),
    SB_TESTWORLD_CASE (test_tenant_token),
    SB_TESTWORLD_CASE (test_credentials_redis_down),
    SB_TESTWORLD_CASE (test_credentials_cache),
};

int
main (int argc, char *argv [])
{
    return sb_testhttp_run (argc, argv, 2, "BROKER INGRESS [TEST]", s_tests,
                            sizeof s_tests / sizeof s_tests [0]);
}
