/*  sb_config.c — ZPL files with precise errors (see sb_config.h).         */

#include "sb_classes.h"
#include "sb_config.h"

#define S_MAX_CONFIG (4 * 1024 * 1024)

//  zconfig says only that text failed: the first line whose prefix fails
//  is the one at fault. Config files are small; this runs only on error.
static size_t
s_bad_line (const char *text)
{
    char *copy = strdup (text);
    size_t line = 0;
    for (char *end = copy; copy && end; line++) {
        end = strchr (end, '\n');
        char saved = end? end [1]: 0;
        if (end)
            end [1] = 0;
        zconfig_t *tree = zconfig_str_load (copy);
        if (!tree) {
            free (copy);
            return line + 1;
        }
        zconfig_destroy (&tree);
        if (end) {
            end [1] = saved;
            end++;
        }
    }
    free (copy);
    return line;
}

zconfig_t *
sb_config_parse (const char *text, const char *origin, char *err, size_t errlen)
{
    //  zconfig logs its own terse complaint; ours names the file and line
    zconfig_t *tree = zconfig_str_load (text);
    if (!tree)
        sb_error_set (err, errlen, "%s:%zu: not valid ZPL (a 'name = value' or a section "
                      "name per line, each level indented by exactly 4 spaces)",
                      origin, s_bad_line (text));
    return tree;
}

zconfig_t *
sb_config_load (const char *path, char *err, size_t errlen)
{
    FILE *file = fopen (path, "rb");
    if (!file) {
        sb_error_set (err, errlen, "%s: cannot read: %s", path, strerror (errno));
        return NULL;
    }
    char *text = (char *) malloc (S_MAX_CONFIG + 1);
    size_t size = text? fread (text, 1, S_MAX_CONFIG + 1, file): 0;
    fclose (file);
    zconfig_t *tree = NULL;
    if (!text)
        sb_error_set (err, errlen, "%s: out of memory", path);
    else
    if (size > S_MAX_CONFIG)
        sb_error_set (err, errlen, "%s: larger than %d bytes", path, S_MAX_CONFIG);
    else {
        text [size] = 0;
        tree = sb_config_parse (text, path, err, errlen);
    }
    free (text);
    return tree;
}
