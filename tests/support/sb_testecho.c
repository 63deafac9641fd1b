/*  sb_testecho.c — the echo service in a test's world (sb_testecho.h).    */

#include "sb_testecho.h"

int
sb_testecho_workers (sb_testworld_t *world, const char *program, size_t broker,
                     int64_t echo_count)
{
    if (!sb_testworld_worker (world, program, broker, "echo", "e1", "10")
    ||  !sb_testworld_worker (world, program, broker, "echo-sink", "s1", "10"))
        return -1;
    return sb_testworld_wait_workers (world, broker, "echo", echo_count)
        && sb_testworld_wait_workers (world, broker, "echo-sink", 1)? 0: -1;
}

int
sb_testecho_publish (sb_testworld_t *world, size_t broker, const char *key,
                     const char *text, int64_t not_before_ms, int64_t deadline_ms,
                     char id [SB_ID_LEN + 1])
{
    sb_client_t *client = sb_testworld_client (world, broker);
    sb_testmsg_t msg = { .type = "echo.request", .key = key, .not_before_ms = not_before_ms,
                         .deadline_ms = deadline_ms };
    return client? sb_testmsg_publish_acked (client, world->ids, &msg,
                                             json_pack ("{s:s}", "text", text),
                                             SB_TESTWORLD_REPLY_MS, id): -1;
}

//  An echo.request's body: {"text": text}.
static json_t *
s_text_body (const char *key, void *text)
{
    (void) key;
    return json_pack ("{s:s}", "text", (const char *) text);
}

int
sb_testecho_publish_many (sb_testworld_t *world, size_t broker, size_t count,
                          const char *text, const char *prefix,
                          char (*ids) [SB_ID_LEN + 1])
{
    sb_client_t *client = sb_testworld_client (world, broker);
    sb_testmsg_batch_t batch = { { .type = "echo.request" }, prefix, 0, count, s_text_body,
                                 (void *) text };
    return client? sb_testmsg_publish_many (client, world->ids, &batch, SB_TESTWORLD_REPLY_MS,
                                            ids): -1;
}
