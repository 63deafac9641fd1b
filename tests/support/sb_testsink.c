/*  sb_testsink.c — reading a sink worker's record (sb_testsink.h).      */

#include "sb_testsink.h"

size_t
sb_testsink_load (const char *path, sb_testsink_line_t **lines)
{
    *lines = NULL;
    FILE *file = fopen (path, "r");
    if (!file)
        return 0;
    char *text = NULL;
    size_t room = 0, allocated = 0, count = 0;
    ssize_t length;
    while ((length = getline (&text, &room, file)) > 0 && text [length - 1] == '\n') {
        if (count == allocated) {
            allocated = allocated? allocated * 2: 256;
            sb_testsink_line_t *bigger = (sb_testsink_line_t *) realloc (*lines,
                                                 allocated * sizeof (sb_testsink_line_t));
            if (!bigger)
                break;
            *lines = bigger;
        }
        sb_testsink_line_t *line = &(*lines) [count];
        memset (line, 0, sizeof *line);
        if (sscanf (text, "%26s %u %" SCNd64 " %64s %63s", line->id, &line->attempt,
                    &line->at_ms, line->type, line->text) >= 4)
            count++;
    }
    free (text);
    fclose (file);
    return count;
}

void
sb_testsink_read (const char *path, sb_testsink_t *sink)
{
    sink->count = sb_testsink_load (path, &sink->lines);
}

void
sb_testsink_free (sb_testsink_t *sink)
{
    free (sink->lines);
    sink->lines = NULL;
    sink->count = 0;
}

size_t
sb_testsink_distinct (const sb_testsink_t *sink, const char *type)
{
    zhashx_t *seen = zhashx_new ();
    for (size_t index = 0; index < sink->count; index++)
        if (streq (sink->lines [index].type, type))
            zhashx_insert (seen, sink->lines [index].id, (void *) "");
    size_t distinct = zhashx_size (seen);
    zhashx_destroy (&seen);
    return distinct;
}

size_t
sb_testsink_lines_for (const sb_testsink_t *sink, const char *id, size_t *first_attempts)
{
    size_t lines = 0, firsts = 0;
    for (size_t index = 0; index < sink->count; index++)
        if (streq (sink->lines [index].id, id)) {
            lines++;
            firsts += sink->lines [index].attempt == 1;
        }
    if (first_attempts)
        *first_attempts = firsts;
    return lines;
}

size_t
sb_testsink_wait (const char *path, const char *type, size_t wanted, int timeout_ms)
{
    int64_t deadline = zclock_mono () + timeout_ms;
    while (true) {
        sb_testsink_t sink;
        sb_testsink_read (path, &sink);
        size_t distinct = sb_testsink_distinct (&sink, type);
        sb_testsink_free (&sink);
        if (distinct >= wanted || zclock_mono () >= deadline)
            return distinct;
        zclock_sleep (5);
    }
}

//  Checks the lines of the reply to request index (see
//  sb_testsink_check_replies). Returns 0, or -1 with the reason on stderr.
static int
s_check_reply (const sb_testsink_t *sink, const char *request_id, size_t index,
               const char *prefix)
{
    char reply_id [SB_ID_LEN + 1], text [64];
    if (sb_id_derive (request_id, 0, reply_id))
        return -1;
    snprintf (text, sizeof text, "%s-%zu", prefix? prefix: "", index);
    size_t first_attempts = 0;
    size_t lines = sb_testsink_lines_for (sink, reply_id, &first_attempts);
    for (size_t line = 0; prefix && line < sink->count; line++)
        if (streq (sink->lines [line].id, reply_id)
        &&  !(streq (sink->lines [line].type, "echo.reply")
              && streq (sink->lines [line].text, text))) {
            fprintf (stderr, "sb_testsink: reply to %s is %s '%s', not echo.reply '%s'\n",
                     request_id, sink->lines [line].type, sink->lines [line].text, text);
            return -1;
        }
    if (lines > 0 && first_attempts <= 1)
        return 0;
    fprintf (stderr, "sb_testsink: reply to %s: %zu lines, %zu of them first attempts\n",
             request_id, lines, first_attempts);
    return -1;
}

int
sb_testsink_check_replies (const char *path, char (*ids) [SB_ID_LEN + 1], size_t count,
                           const char *prefix)
{
    sb_testsink_t sink;
    sb_testsink_read (path, &sink);
    size_t distinct = sb_testsink_distinct (&sink, "echo.reply");
    int rc = 0;
    if (distinct != count) {
        fprintf (stderr, "sb_testsink: %zu distinct echo.replies, not %zu\n", distinct, count);
        rc = -1;
    }
    for (size_t index = 0; rc == 0 && index < count; index++)
        rc = s_check_reply (&sink, ids [index], index, prefix);
    sb_testsink_free (&sink);
    return rc;
}
