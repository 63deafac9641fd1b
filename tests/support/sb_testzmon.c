/*  sb_testzmon.c — test support for zmon's tests (see sb_testzmon.h).     */

#include "sb_testzmon.h"
#include "sb_testecho.h"

int
sb_testzmon_broker_start (sb_testworld_t *world)
{
    char *config = zsys_sprintf (
        "broker\n"
        "    heartbeat = 100\n"
        "    poll = 20\n"
        "    tap = ipc://%s/tap\n"
        "    monitor = ipc://%s/monitor\n"
        "services\n"
        "    default\n"
        "        max-attempts = 3\n"
        "        initial-interval = 20\n"
        "        max-interval = 100\n"
        "alerts\n"
        "    failure-rate = 0.1\n", world->dir, world->dir);
    int rc = sb_testworld_broker_start (world, 0, config);
    zstr_free (&config);
    return rc;
}

int
sb_testzmon_flow (sb_testworld_t *world, const char *worker, char retry_id [SB_ID_LEN + 1],
                  char fail_id [SB_ID_LEN + 1])
{
    if (sb_testecho_workers (world, worker, 0, 1)
    ||  sb_testecho_publish (world, 0, "k-retry", "retry-once", 0, 0, retry_id)
    ||  sb_testecho_publish (world, 0, "k-fail", "fail", 0, 0, fail_id))
        return -1;
    if (!sb_testworld_wait_drained (world, 0)) {
        fprintf (stderr, "sb_testzmon: the flow did not drain\n");
        return -1;
    }
    return 0;
}

int
sb_testzmon_publish_from (sb_testworld_t *world, size_t broker, const char *type,
                          const char *key, const char *tenant, const char *from,
                          char id [SB_ID_LEN + 1])
{
    char err [256];
    sb_schemas_t *schemas = sb_schemas_new_builtin (err, sizeof err);
    json_t *body = schemas? sb_schemas_example_body (schemas, type): NULL;
    sb_schemas_destroy (&schemas);
    sb_client_t *client = sb_testworld_client (world, broker);
    if (!body || !client) {
        fprintf (stderr, "sb_testzmon: no example body of %s, or no client\n", type);
        json_decref (body);
        return -1;
    }
    json_object_set_new (body, "from", json_string (from));
    sb_testmsg_t msg = { .type = type, .key = key, .tenant = tenant };
    return sb_testmsg_publish_acked (client, world->ids, &msg, body, SB_TESTWORLD_REPLY_MS, id);
}

int
sb_testzmon_publish_phone (sb_testworld_t *world, const char *phone, const char *other)
{
    char id [SB_ID_LEN + 1], whatsapp [64];
    snprintf (whatsapp, sizeof whatsapp, "whatsapp:%s", phone);
    if (sb_testzmon_publish_from (world, 0, "sms.received", "k-sms", "acme", phone, id))
        return -1;
    int64_t after = zclock_time () + 1;
    while (zclock_time () < after)
        zclock_sleep (1);        //  one clock tick: time passing is the scenario
    if (sb_testzmon_publish_from (world, 0, "whatsapp.received", "k-whatsapp", "acme",
                                  whatsapp, id))
        return -1;
    return other? sb_testzmon_publish_from (world, 0, "sms.received", "k-other", "acme", other,
                                            id): 0;
}

int
sb_testzmon_web_start (sb_testworld_t *world, const char *program, const char *name,
                       const char *token, const char *args)
{
    char path [SB_TESTWORLD_PATH_MAX];
    if (sb_testworld_path (world, name, path, sizeof path))
        return -1;
    char *command = zsys_sprintf ("exec env %s%s '%s' -b '%s' %s > '%s' 2>&1",
                                  token? "ZMON_WEB_TOKEN=": "", token? token: "", program,
                                  world->brokers [0].endpoint, args, path);
    char *argv [] = { "/bin/sh", "-c", command, NULL };
    bool started = sb_testworld_spawn (world, argv, name) != NULL;
    zstr_free (&command);
    if (!started || !sb_testzmon_wait_output (world, name, "listening on http://", NULL))
        return -1;
    char *text = sb_testzmon_read (world, name);
    const char *at = strstr (text, "listening on http://127.0.0.1:");
    int port = at? atoi (at + strlen ("listening on http://127.0.0.1:")): -1;
    if (port <= 0)
        fprintf (stderr, "sb_testzmon: zmon-web not on loopback: %s\n", text);
    free (text);
    return port > 0? port: -1;
}

char *
sb_testzmon_read (sb_testworld_t *world, const char *name)
{
    char path [SB_TESTWORLD_PATH_MAX];
    return sb_testworld_path (world, name, path, sizeof path)? strdup (""): sb_testworld_read (path);
}

bool
sb_testzmon_wait_output (sb_testworld_t *world, const char *name, const char *first,
                         const char *second)
{
    int64_t deadline = zclock_mono () + SB_TESTWORLD_WAIT_MS;
    while (zclock_mono () < deadline) {
        char *text = sb_testzmon_read (world, name);
        bool found = strstr (text, first) && (!second || strstr (text, second));
        free (text);
        if (found)
            return true;
        zclock_sleep (20);   //  polling interval, not a synchronisation
    }
    char *text = sb_testzmon_read (world, name);
    fprintf (stderr, "sb_testzmon: %s never held '%s'%s%s; it holds:\n%s\n", name, first,
             second? " and ": "", second? second: "", text);
    free (text);
    return false;
}
