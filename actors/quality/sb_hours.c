/*  sb_hours.c — hours figures in text: a number, at most one separator
    (a space, a no-break space or a hyphen), then an hours unit.           */

#include "sb_hours.h"
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

//  Length of the hours unit at text (hours, hour, hrs, hr, h, any case)
//  when no letter follows it, else 0.
static size_t
s_unit (const char *text)
{
    static const char *units [] = { "hours", "hour", "hrs", "hr", "h" };
    for (size_t index = 0; index < sizeof units / sizeof units [0]; index++) {
        size_t length = strlen (units [index]);
        if (strncasecmp (text, units [index], length) == 0
        &&  !isalpha ((unsigned char) text [length]))
            return length;
    }
    return 0;
}

//  Length of the separator at text allowed between number and unit.
static size_t
s_separator (const char *text)
{
    if (text [0] == ' ' || text [0] == '-')
        return 1;
    return strncmp (text, "\xC2\xA0", 2) == 0? 2: 0;
}

//  Parses the number at text (digits, then '.' or ',' and digits).
//  Returns its length, with its value and decimals.
static size_t
s_number (const char *text, double *value, int *decimals)
{
    size_t length = 0;
    *value = 0;
    *decimals = 0;
    while (isdigit ((unsigned char) text [length]))
        *value = *value * 10 + (text [length++] - '0');
    if ((text [length] == '.' || text [length] == ',')
    &&  isdigit ((unsigned char) text [length + 1])) {
        double scale = 1;
        for (length++; isdigit ((unsigned char) text [length]); length++) {
            scale /= 10;
            *value += (text [length] - '0') * scale;
            (*decimals)++;
        }
    }
    return length;
}

//  True if a number may start at offset: a digit not glued to a word or
//  to a number before it.
static bool
s_number_starts (const char *text, size_t offset)
{
    if (!isdigit ((unsigned char) text [offset]))
        return false;
    if (offset == 0)
        return true;
    char before = text [offset - 1];
    return !isalnum ((unsigned char) before) && before != '_'
        && !((before == '.' || before == ',') && offset >= 2
             && isdigit ((unsigned char) text [offset - 2]));
}

bool
sb_hours_next (const char *text, size_t offset, sb_hours_figure_t *figure)
{
    size_t size = strlen (text);
    while (offset < size) {
        if (!s_number_starts (text, offset)) {
            offset++;
            continue;
        }
        double value;
        int decimals;
        size_t end = offset + s_number (text + offset, &value, &decimals);
        size_t unit = 0;
        if (!isalnum ((unsigned char) text [end])) {
            size_t separator = s_separator (text + end);
            unit = s_unit (text + end + separator);
            unit = unit? separator + unit: 0;
        }
        else
            unit = s_unit (text + end);
        if (unit) {
            *figure = (sb_hours_figure_t) { value, decimals, offset, end + unit };
            return true;
        }
        offset = end;
    }
    return false;
}

bool
sb_hours_says (const sb_hours_figure_t *stated, double value)
{
    int decimals = stated->decimals < 6? stated->decimals: 6;
    double tolerance = decimals? 0.5 * pow (10, -decimals): 0;
    return fabs (stated->value - value) <= tolerance + 1e-9;
}
