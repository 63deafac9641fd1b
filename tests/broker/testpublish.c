/*  testpublish — publishes COUNT echo.request envelopes for the broker's
    tests and prints one line per reply: "ACK id", "DUP first-id" or
    "NACK code reason". Keys are PREFIX-<n>, so running it twice with the
    same prefix publishes duplicates.

    Usage: testpublish ENDPOINT COUNT TEXT [PREFIX] [--not-before-ms N]
                       [--deadline-ms N] [--window N]                        */

#include "sb_classes.h"
#include "sb_client.h"

static uint8_t *
s_envelope (sb_idgen_t *ids, const char *key, const char *text, int64_t not_before,
            int64_t deadline, size_t *size)
{
    char id [SB_ID_LEN + 1], err [256];
    sb_idgen_next (ids, 0, id);
    sb_envelope_t *env = sb_envelope_new ("echo.request");
    sb_envelope_set_id (env, id);
    sb_envelope_set_key (env, key);
    sb_envelope_set_corr (env, key);
    sb_envelope_set_src (env, "testpublish");
    sb_envelope_set_tenant (env, "test");
    sb_envelope_set_not_before_ms (env, not_before);
    sb_envelope_set_deadline_ms (env, deadline);
    sb_envelope_set_body (env, json_pack ("{s:s}", "text", text));
    uint8_t *data = NULL;
    if (sb_envelope_encode (env, &data, size, err, sizeof err))
        fprintf (stderr, "testpublish: %s\n", err);
    sb_envelope_destroy (&env);
    return data;
}

static void
s_print (const sb_client_reply_t *reply)
{
    if (reply->outcome == SB_CLIENT_ACK)
        printf ("ACK %s\n", reply->id);
    else
    if (reply->outcome == SB_CLIENT_DUP)
        printf ("DUP %s\n", reply->id);
    else
        printf ("NACK %s %s\n", reply->code, reply->reason);
}

int
main (int argc, char *argv [])
{
    if (argc < 4 || streq (argv [1], "--help")) {
        printf ("Usage: testpublish ENDPOINT COUNT TEXT [PREFIX] [--not-before-ms N] "
                "[--deadline-ms N] [--window N]\n");
        return argc < 4? 64: 0;
    }
    int count = atoi (argv [2]);
    const char *prefix = argc > 4 && argv [4][0] != '-'? argv [4]: "k";
    int64_t not_before = 0, deadline = 0;
    int window = 1;   //  publishes in flight at once
    for (int index = 4; index + 1 < argc; index++) {
        if (streq (argv [index], "--not-before-ms"))
            not_before = zclock_time () + atoll (argv [index + 1]);
        if (streq (argv [index], "--deadline-ms"))
            deadline = zclock_time () + atoll (argv [index + 1]);
        if (streq (argv [index], "--window"))
            window = atoi (argv [index + 1]);
    }
    char err [256];
    sb_client_t *client = sb_client_new (argv [1], err, sizeof err);
    sb_idgen_t *ids = sb_idgen_new ();
    if (!client || !ids) {
        fprintf (stderr, "testpublish: %s\n", err);
        return 1;
    }
    int sent = 0, answered = 0, rc = 0;
    while (answered < count && rc == 0) {
        while (sent < count && sent - answered < window) {
            char key [128];
            snprintf (key, sizeof key, "%s-%d", prefix, sent);
            size_t size = 0;
            uint8_t *data = s_envelope (ids, key, argv [3], not_before, deadline, &size);
            sb_client_send_publish (client, key, data, size);
            free (data);
            sent++;
        }
        sb_client_reply_t reply;
        if (sb_client_recv_reply (client, 5000, &reply)) {
            fprintf (stderr, "testpublish: %s\n", reply.reason);
            rc = 1;
        }
        else {
            s_print (&reply);
            answered++;
        }
    }
    sb_idgen_destroy (&ids);
    sb_client_destroy (&client);
    return rc;
}
