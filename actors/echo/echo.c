/*  echo — the smallest actor, kept as the example of one
    (docs/writing-an-actor.md).

    Consumes echo.request {text, delay_ms?}; emits echo.reply {text,
    echoed_at_ms}. delay_ms (0..60000) makes it wait first, standing in for
    the slow I/O a real actor does.                                        */

#include "sb_actor.h"

static sb_actor_result_t
s_handle (sb_actor_ctx_t *ctx, const sb_envelope_t *message, void *state)
{
    (void) state;
    json_t *body = sb_envelope_body (message);
    json_int_t delay = json_integer_value (json_object_get (body, "delay_ms"));
    if (delay > 0)
        zclock_sleep ((int) delay);
    json_t *reply = json_pack ("{s:O, s:I}", "text", json_object_get (body, "text"),
                               "echoed_at_ms", (json_int_t) zclock_time ());
    if (sb_actor_emit (ctx, "echo.reply", reply))
        return sb_actor_retry (ctx, 0, "cannot emit echo.reply (out of memory)");
    return SB_ACTOR_DONE;
}

int
main (int argc, char *argv [])
{
    sb_actor_def_t def = {
        .name = "echo",
        .summary = "The example actor: answers every echo.request with an echo.reply.",
        .handler = s_handle,
    };
    return sb_actor_main (&def, argc, argv);
}
