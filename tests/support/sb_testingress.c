/*  sb_testingress.c — ingress in a test's world (sb_testingress.h).       */

#include "sb_testingress.h"
#include "sb_teststream.h"
#include <unistd.h>

#define S_ARGS_MAX 24

//  Sets (or with set false, unsets) each NAME=VALUE of env. Returns 0, or
//  -1 if one is not NAME=VALUE or setenv failed.
static int
s_environment (const char *const *env, bool set)
{
    for (size_t index = 0; env && env [index]; index++) {
        const char *equals = strchr (env [index], '=');
        char name [64];
        if (!equals || (size_t) (equals - env [index]) >= sizeof name)
            return -1;
        snprintf (name, sizeof name, "%.*s", (int) (equals - env [index]), env [index]);
        if (set? setenv (name, equals + 1, 1): unsetenv (name))
            return -1;
    }
    return 0;
}

int
sb_testingress_launch (sb_testworld_t *world, const char *const *env, const char *const *args)
{
    char *argv [S_ARGS_MAX] = { world->programs [SB_TESTINGRESS_PROGRAM], "-p", "PORT", "-b",
                                world->brokers [0].endpoint };
    size_t count = 5;
    for (size_t index = 0; args && args [index]; index++) {
        if (count == S_ARGS_MAX - 1) {
            fprintf (stderr, "sb_testingress: more than %d arguments\n", S_ARGS_MAX - 6);
            return -1;
        }
        argv [count++] = (char *) args [index];
    }
    int rc = s_environment (env, true);
    if (rc == 0)
        rc = sb_testworld_serve (world, argv, 2, "ingress", sb_testhttp_healthy);
    else
        fprintf (stderr, "sb_testingress: cannot set its environment\n");
    s_environment (env, false);
    return rc;
}

int
sb_testingress_start (sb_testworld_t *world, const char *token)
{
    char variable [128];
    snprintf (variable, sizeof variable, "TWILIO_AUTH_TOKEN=%s", token? token: "");
    const char *env [] = { variable, "INTERNAL_SECRET=" SB_TESTINGRESS_SECRET, NULL };
    const char *args [] = { "-t", SB_TESTINGRESS_TENANT, "--max-body", SB_TESTINGRESS_MAX_BODY,
                            "--publish-timeout", SB_TESTINGRESS_PUBLISH_MS, "--threads", "4",
                            NULL };
    return sb_testingress_launch (world, token? env: NULL, args);
}

int
sb_testingress_world (sb_testworld_t *world, const char *token)
{
    if (sb_testworld_redis_start (world, "always")
    ||  sb_testworld_broker_start (world, 0, NULL))
        return -1;
    return sb_testingress_start (world, token);
}

void
sb_testingress_new_sid (sb_testworld_t *world, char sid [SB_TESTINGRESS_SID_SIZE])
{
    snprintf (sid, SB_TESTINGRESS_SID_SIZE, "SM%016" PRIx64 "%016x", (uint64_t) getpid (),
              ++world->serial);
}

void
sb_testingress_sms (sb_testtwilio_params_t *params, const char *sid)
{
    sb_testtwilio_sms (params, sid, SB_TESTINGRESS_ACCOUNT, SB_TESTINGRESS_FROM,
                       SB_TESTINGRESS_TO, SB_TESTINGRESS_TEXT);
}

int
sb_testingress_post (sb_testworld_t *world, const char *path, const char *url_path,
                     const sb_testtwilio_params_t *params, sb_testhttp_answer_t *answer)
{
    return sb_testtwilio_post_signed (world->port, SB_TESTINGRESS_TOKEN, path, url_path, params,
                                      answer);
}

int
sb_testingress_expect_twiml (const sb_testhttp_answer_t *answer)
{
    if (sb_testhttp_expect (answer, 200, "<Response></Response>"))
        return -1;
    if (strncmp (answer->type, "text/xml", 8) == 0)
        return 0;
    fprintf (stderr, "sb_testingress: Content-Type is '%s', not text/xml\n", answer->type);
    return -1;
}

long long
sb_testingress_queued (sb_testworld_t *world)
{
    return sb_teststream_length (world->redis, SB_TESTINGRESS_QUEUE);
}

long
sb_testingress_stored (sb_testworld_t *world, const char *key, sb_envelope_t **env_p)
{
    return sb_teststream_count_key (world->redis, SB_TESTINGRESS_QUEUE, key, env_p);
}

int
sb_testingress_expect_stored_once (sb_testworld_t *world, const char *sid)
{
    char key [64];
    snprintf (key, sizeof key, "sms:twilio:%s", sid);
    long count = sb_testingress_stored (world, key, NULL);
    if (count == 1)
        return 0;
    fprintf (stderr, "sb_testingress: %s stored %ld times, not once\n", key, count);
    return -1;
}
