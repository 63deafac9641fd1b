/*  sb_testsupervise.c — a running supervise's status, for tests
    (sb_testsupervise.h).                                                 */

#include "sb_testsupervise.h"
#include "sb_control.h"

json_t *
sb_testsupervise_status (const char *socket, bool quiet)
{
    char err [256];
    char *answer = sb_control_call (socket, "status --json", SB_TESTSUPERVISE_REPLY_MS, err,
                                    sizeof err);
    json_t *status = answer && strncmp (answer, "ok\n", 3) == 0
                   ? json_loads (answer + 3, 0, NULL): NULL;
    if (!status && !quiet)
        fprintf (stderr, "sb_testsupervise: %s's status: %s\n", socket, answer? answer: err);
    free (answer);
    return status;
}

json_t *
sb_testsupervise_row (json_t *status, const char *program, int instance)
{
    size_t index;
    json_t *row;
    json_array_foreach (json_object_get (status, "instances"), index, row)
        if (streq (json_string_value (json_object_get (row, "program")), program)
        &&  json_integer_value (json_object_get (row, "instance")) == instance)
            return row;
    return NULL;
}
