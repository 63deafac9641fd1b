/*  test_routes.c — the broker's routing table and retry policies: routes
    from the schemas and the config, fan-out, policy defaults and
    overrides, back-off arithmetic, and every config mistake refused with
    its path.                                                              */

#include "sb_classes.h"
#include "sb_routes.h"
#include <setjmp.h>
#include <cmocka.h>

static sb_schemas_t *
s_schemas (void)
{
    char err [256];
    sb_schemas_t *schemas = sb_schemas_new_builtin (err, sizeof err);
    if (!schemas)
        fail_msg ("%s", err);
    return schemas;
}

//  Builds routes from ZPL text; expects success (expected NULL) or a
//  failure whose message contains expected.
static sb_routes_t *
s_routes (const sb_schemas_t *schemas, const char *zpl, const char *expected)
{
    zconfig_t *config = zpl? zconfig_str_load (zpl): NULL;
    if (zpl && !config)
        fail_msg ("test config is not ZPL: %s", zpl);
    char err [256] = "";
    sb_routes_t *routes = sb_routes_new (config, schemas, err, sizeof err);
    zconfig_destroy (&config);
    if (!expected) {
        if (!routes)
            fail_msg ("refused: %s", err);
        return routes;
    }
    if (routes)
        fail_msg ("accepted, expected '%s'", expected);
    if (!strstr (err, expected))
        fail_msg ("got '%s', expected '%s'", err, expected);
    return NULL;
}

static void
test_schema_routes (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_schemas ();
    sb_routes_t *routes = s_routes (schemas, NULL, NULL);
    size_t count = 0;
    const char *const *services = sb_routes_lookup (routes, "echo.request", &count);
    assert_int_equal (count, 1);
    assert_string_equal (services [0], "echo");
    assert_null (sb_routes_lookup (routes, "no.such", &count));
    assert_int_equal (count, 0);
    //  Every routed service has the built-in default policy
    const sb_policy_t *policy = sb_routes_policy (routes, "echo");
    assert_non_null (policy);
    assert_int_equal (policy->max_attempts, 3);
    assert_int_equal (policy->initial_ms, 1000);
    assert_int_equal (policy->max_ms, 10000);
    sb_routes_destroy (&routes);
    assert_null (routes);
    sb_schemas_destroy (&schemas);
}

static void
test_config_routes_and_policies (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_schemas ();
    sb_routes_t *routes = s_routes (schemas,
        "routes\n"
        "    echo.request = \"echo audit\"\n"
        "    echo.reply = \"\"\n"
        "services\n"
        "    default\n"
        "        max-attempts = 5\n"
        "        jitter = 0\n"
        "    audit\n"
        "        max-attempts = 1\n"
        "        lease = 500\n", NULL);
    size_t count = 0;
    const char *const *services = sb_routes_lookup (routes, "echo.request", &count);
    assert_int_equal (count, 2);
    assert_string_equal (services [0], "echo");
    assert_string_equal (services [1], "audit");
    assert_null (sb_routes_lookup (routes, "echo.reply", &count));   //  routed nowhere
    assert_int_equal (sb_routes_policy (routes, "echo")->max_attempts, 5);
    assert_int_equal (sb_routes_policy (routes, "audit")->max_attempts, 1);
    assert_int_equal (sb_routes_policy (routes, "audit")->lease_ms, 500);
    //  Services are listed once each, sorted
    const char *previous = "";
    for (size_t index = 0; index < sb_routes_service_count (routes); index++) {
        const char *service = sb_routes_service_at (routes, index);
        assert_true (strcmp (previous, service) < 0);
        previous = service;
    }
    sb_routes_destroy (&routes);
    sb_schemas_destroy (&schemas);
}

static void
test_backoff (void **state)
{
    (void) state;
    sb_policy_t policy = { 5, 1000, 2.0, 10000, 0.0, 30000 };
    assert_int_equal (sb_policy_delay (&policy, 1, 0.5), 1000);
    assert_int_equal (sb_policy_delay (&policy, 2, 0.5), 2000);
    assert_int_equal (sb_policy_delay (&policy, 3, 0.5), 4000);
    assert_int_equal (sb_policy_delay (&policy, 4, 0.5), 8000);
    assert_int_equal (sb_policy_delay (&policy, 5, 0.5), 10000);    //  capped
    assert_int_equal (sb_policy_delay (&policy, 50, 0.5), 10000);
    policy.jitter = 0.1;
    assert_int_equal (sb_policy_delay (&policy, 1, 0.0), 900);      //  -10 %
    assert_int_equal (sb_policy_delay (&policy, 1, 0.5), 1000);
    assert_true (sb_policy_delay (&policy, 1, 0.9999) <= 1100);     //  +10 %
}

static void
test_config_mistakes (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_schemas ();
    s_routes (schemas, "routes\n    no.such = echo\n", "routes/no.such: no such message type");
    s_routes (schemas, "routes\n    echo.request = \"echo b@d\"\n", "routes/echo.request: 'b@d' is not a service name");
    s_routes (schemas, "services\n    echo\n        max-attempts = 0\n", "services/echo/max-attempts: '0' is not a number in 1..1000");
    s_routes (schemas, "services\n    echo\n        backoff = fast\n", "services/echo/backoff: 'fast' is not a number");
    s_routes (schemas, "services\n    echo\n        jitter = 2\n", "services/echo/jitter: '2' is not a number in 0..1");
    s_routes (schemas, "services\n    default\n        retries = 3\n", "services/default: unknown key 'retries'");
    s_routes (schemas, "services\n    a$b\n        max-attempts = 3\n", "services/a$b: not a service name");
    sb_schemas_destroy (&schemas);
}

//  A reply type goes to the service its envelope's reply_to names: the
//  schema says so for agents.synced; config may make other types replies,
//  never mixed with named services; reply services are reply.<name>, and
//  take the services/default policy.
static void
test_reply_routes (void **state)
{
    (void) state;
    sb_schemas_t *schemas = s_schemas ();
    sb_routes_t *routes = s_routes (schemas,
        "routes\n    echo.reply = \"@reply_to\"\n"
        "services\n    default\n        max-attempts = 7\n", NULL);
    size_t count = 9;
    assert_true (sb_routes_is_reply (routes, "agents.synced"));
    assert_true (sb_routes_is_reply (routes, "echo.reply"));
    assert_false (sb_routes_is_reply (routes, "echo.request"));
    assert_null (sb_routes_lookup (routes, "echo.reply", &count));
    assert_int_equal (count, 0);
    assert_int_equal (sb_routes_default_policy (routes)->max_attempts, 7);
    //  "@reply_to" is not a service of its own
    for (size_t index = 0; index < sb_routes_service_count (routes); index++)
        assert_int_not_equal (sb_routes_service_at (routes, index) [0], '@');
    assert_true (sb_routes_reply_name_valid ("reply.ingress.host-8080"));
    assert_false (sb_routes_reply_name_valid ("reply."));
    assert_false (sb_routes_reply_name_valid ("planner"));
    assert_false (sb_routes_reply_name_valid ("reply.a b"));
    assert_false (sb_routes_reply_name_valid ("reply.a/../b"));
    sb_routes_destroy (&routes);
    s_routes (schemas, "routes\n    echo.reply = \"@reply_to audit\"\n",
              "routes/echo.reply: @reply_to stands alone");
    sb_schemas_destroy (&schemas);
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_schema_routes),
        cmocka_unit_test (test_config_routes_and_policies),
        cmocka_unit_test (test_backoff),
        cmocka_unit_test (test_config_mistakes),
        cmocka_unit_test (test_reply_routes),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
