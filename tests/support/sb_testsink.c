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
