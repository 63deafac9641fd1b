/*  sb_fleetvalue.c — the value syntax of fleet files (see sb_fleetvalue.h). */

#include "sb_classes.h"
#include "sb_fleetvalue.h"
#include <signal.h>

#define S_MAX_DURATION_MS (7LL * 24 * 3600 * 1000)
#define S_MAX_VAR_NAME    64

//  A growing string; its contents are NUL-terminated when text is not NULL.
typedef struct {
    char *text;
    size_t size;
    size_t room;
} s_buffer_t;

static int
s_buffer_add (s_buffer_t *self, const char *bytes, size_t size)
{
    if (self->size + size + 1 > self->room) {
        size_t room = (self->size + size + 1) * 2;
        char *grown = (char *) realloc (self->text, room);
        if (!grown)
            return -1;
        self->text = grown;
        self->room = room;
    }
    memcpy (self->text + self->size, bytes, size);
    self->size += size;
    self->text [self->size] = 0;
    return 0;
}

//  Per-instance names stay for sb_fleetvalue_instance.
static bool
s_is_instance_name (const char *name, size_t size)
{
    return (size == 8 && memcmp (name, "instance", 8) == 0)
        || (size == 7 && memcmp (name, "program", 7) == 0);
}

//  Expands one ${...} starting at text (just after "${"); adds its value
//  to out and returns the length consumed up to and with the '}', or -1.
static int
s_expand_one (const char *text, s_buffer_t *out, char *err, size_t errlen)
{
    const char *close = strchr (text, '}');
    if (!close)
        return sb_error_set (err, errlen, "'${' without its '}'");
    const char *colon = strstr (text, ":-");
    size_t name_size = colon && colon < close? (size_t) (colon - text): (size_t) (close - text);
    if (name_size == 0 || name_size > S_MAX_VAR_NAME)
        return sb_error_set (err, errlen, "'${...}' needs a variable name of 1 to %d characters",
                             S_MAX_VAR_NAME);
    char name [S_MAX_VAR_NAME + 1];
    memcpy (name, text, name_size);
    name [name_size] = 0;
    for (size_t index = 0; index < name_size; index++)
        if (!isalnum ((unsigned char) name [index]) && name [index] != '_')
            return sb_error_set (err, errlen, "'${%s}': a variable name is letters, digits "
                                 "and '_'", name);
    int rc = 0;
    if (s_is_instance_name (name, name_size))
        rc = s_buffer_add (out, text - 2, (size_t) (close - text) + 3);
    else {
        const char *value = getenv (name);
        if (value && *value)
            rc = s_buffer_add (out, value, strlen (value));
        else
        if (colon && colon < close)
            rc = s_buffer_add (out, colon + 2, (size_t) (close - colon - 2));
        else
            return sb_error_set (err, errlen, "${%s} is not set in the environment (set it, "
                                 "or give a default: ${%s:-value})", name, name);
    }
    if (rc)
        return sb_error_set (err, errlen, "out of memory");
    return (int) (close - text) + 1;
}

char *
sb_fleetvalue_expand (const char *text, char *err, size_t errlen)
{
    s_buffer_t out = { NULL, 0, 0 };
    int rc = s_buffer_add (&out, "", 0);
    while (rc == 0 && *text) {
        const char *dollar = strchr (text, '$');
        size_t plain = dollar? (size_t) (dollar - text): strlen (text);
        rc = s_buffer_add (&out, text, plain);
        text += plain;
        if (rc || !dollar)
            break;
        if (text [1] == '$') {
            rc = s_buffer_add (&out, "$", 1);
            text += 2;
        }
        else
        if (text [1] == '{') {
            int used = s_expand_one (text + 2, &out, err, errlen);
            rc = used < 0? -1: 0;
            text += used < 0? 0: (size_t) used + 2;
        }
        else
            rc = sb_error_set (err, errlen, "a '$' starts ${NAME} or is written $$");
    }
    if (rc == 0 && !out.text)
        sb_error_set (err, errlen, "out of memory");
    if (rc) {
        free (out.text);
        return NULL;
    }
    return out.text;
}

char *
sb_fleetvalue_instance (const char *text, const char *program, int instance)
{
    char number [16];
    snprintf (number, sizeof number, "%d", instance);
    s_buffer_t out = { NULL, 0, 0 };
    int rc = s_buffer_add (&out, "", 0);
    while (rc == 0 && *text) {
        if (strncmp (text, "${instance}", 11) == 0) {
            rc = s_buffer_add (&out, number, strlen (number));
            text += 11;
        }
        else
        if (strncmp (text, "${program}", 10) == 0) {
            rc = s_buffer_add (&out, program, strlen (program));
            text += 10;
        }
        else
            rc = s_buffer_add (&out, text++, 1);
    }
    if (rc) {
        free (out.text);
        return NULL;
    }
    return out.text;
}

//  Reads one word from *text_p into word, unquoting; advances *text_p.
//  Returns 0, or -1 with the reason.
static int
s_next_word (const char **text_p, s_buffer_t *word, char *err, size_t errlen)
{
    const char *text = *text_p;
    int rc = s_buffer_add (word, "", 0);
    while (rc == 0 && *text && !isspace ((unsigned char) *text)) {
        if (*text == '\'') {
            const char *close = strchr (text + 1, '\'');
            if (!close)
                return sb_error_set (err, errlen, "a ' quote is not closed");
            //  Quoted literally, as in a shell: a '$' stays one
            for (const char *byte = text + 1; rc == 0 && byte < close; byte++)
                rc = s_buffer_add (word, *byte == '$'? "$$": byte, *byte == '$'? 2: 1);
            text = close + 1;
        }
        else
        if (*text == '"') {
            for (text++; rc == 0 && *text && *text != '"'; text++) {
                if (*text == '\\' && (text [1] == '"' || text [1] == '\\'))
                    text++;
                rc = s_buffer_add (word, text, 1);
            }
            if (*text != '"')
                return sb_error_set (err, errlen, "a \" quote is not closed");
            text++;
        }
        else
        if (*text == '\\' && text [1]) {
            rc = s_buffer_add (word, text [1] == '$'? "$$": text + 1, text [1] == '$'? 2: 1);
            text += 2;
        }
        else
            rc = s_buffer_add (word, text++, 1);
    }
    *text_p = text;
    return rc? sb_error_set (err, errlen, "out of memory"): 0;
}

int
sb_fleetvalue_split (const char *text, char ***words_p, size_t *count_p, char *err,
                     size_t errlen)
{
    char **words = (char **) calloc (SB_FLEETVALUE_MAX_WORDS + 1, sizeof (char *));
    size_t count = 0;
    int rc = words? 0: sb_error_set (err, errlen, "out of memory");
    while (rc == 0) {
        while (isspace ((unsigned char) *text))
            text++;
        if (!*text)
            break;
        if (count == SB_FLEETVALUE_MAX_WORDS) {
            rc = sb_error_set (err, errlen, "more than %d words", SB_FLEETVALUE_MAX_WORDS);
            break;
        }
        s_buffer_t word = { NULL, 0, 0 };
        rc = s_next_word (&text, &word, err, errlen);
        if (rc == 0) {
            words [count] = sb_fleetvalue_expand (word.text, err, errlen);
            rc = words [count]? 0: -1;
            count += rc == 0;
        }
        free (word.text);
    }
    if (rc) {
        sb_fleetvalue_free (&words);
        return -1;
    }
    *words_p = words;
    *count_p = count;
    return 0;
}

void
sb_fleetvalue_free (char ***words_p)
{
    if (words_p && *words_p) {
        for (char **word = *words_p; *word; word++)
            free (*word);
        free (*words_p);
        *words_p = NULL;
    }
}

int
sb_fleetvalue_duration (const char *text, int64_t *ms, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    long long number = isdigit ((unsigned char) *text)? strtoll (text, &end, 10): -1;
    long long unit = 0;
    if (end && (streq (end, "") || streq (end, "ms")))
        unit = 1;
    else
    if (end && streq (end, "s"))
        unit = 1000;
    else
    if (end && streq (end, "m"))
        unit = 60000;
    else
    if (end && streq (end, "h"))
        unit = 3600000;
    if (number < 0 || unit == 0 || errno || number > S_MAX_DURATION_MS / unit)
        return sb_error_set (err, errlen, "'%s' is not a duration (a number with ms, s, m "
                             "or h after it, at most 7 days; a bare number is ms)", text);
    *ms = number * unit;
    return 0;
}

int
sb_fleetvalue_number (const char *text, long low, long high, bool percent, long *value,
                      char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    long number = isdigit ((unsigned char) *text)? strtol (text, &end, 10): 0;
    bool ok = end && !errno && (streq (end, "") || (percent && streq (end, "%")));
    if (!ok || number < low || number > high)
        return sb_error_set (err, errlen, "'%s' is not a whole number from %ld to %ld%s", text,
                             low, high, percent? " (a % may follow)": "");
    *value = number;
    return 0;
}

int
sb_fleetvalue_signal (const char *text, int *signal, char *err, size_t errlen)
{
    static const struct { const char *name; int number; } names [] = {
        { "TERM", SIGTERM }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "HUP", SIGHUP },
        { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "KILL", SIGKILL }
    };
    const char *name = strncmp (text, "SIG", 3) == 0? text + 3: text;
    for (size_t index = 0; index < sizeof names / sizeof names [0]; index++)
        if (streq (name, names [index].name)) {
            *signal = names [index].number;
            return 0;
        }
    return sb_error_set (err, errlen, "'%s' is not a stop signal (TERM, INT, QUIT, HUP, "
                         "USR1, USR2 or KILL)", text);
}

bool
sb_fleetvalue_is_name (const char *name)
{
    size_t size = strlen (name);
    if (size == 0 || size > 32 || !isalpha ((unsigned char) name [0]))
        return false;
    for (size_t index = 0; index < size; index++)
        if (!isalnum ((unsigned char) name [index]) && name [index] != '-'
        &&  name [index] != '_')
            return false;
    return true;
}

int
sb_fleetvalue_distance (const char *a, const char *b)
{
    size_t size_a = strlen (a), size_b = strlen (b);
    if (size_a > 32 || size_b > 32)
        return 9;
    int row [33];
    for (size_t j = 0; j <= size_b; j++)
        row [j] = (int) j;
    for (size_t i = 1; i <= size_a; i++) {
        int diagonal = row [0];
        row [0] = (int) i;
        for (size_t j = 1; j <= size_b; j++) {
            int above = row [j];
            int cost = a [i - 1] == b [j - 1]? 0: 1;
            int best = diagonal + cost;
            if (row [j] + 1 < best)
                best = row [j] + 1;
            if (row [j - 1] + 1 < best)
                best = row [j - 1] + 1;
            row [j] = best;
            diagonal = above;
        }
    }
    return row [size_b] < 9? row [size_b]: 9;
}
