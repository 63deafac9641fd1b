/*  sb_contact.c — phone numbers and e-mail addresses in text.            */

#include "sb_contact.h"
#include "sb_text.h"
#include <ctype.h>
#include <string.h>

#define S_MAX_SCAN 64           /* e-mail addresses kept to skip phones in */

//  A phone number candidate's shape while it is read.
typedef struct {
    size_t groups;
    size_t lengths [4];         //  the first groups' lengths, for dates
    size_t longest;
    size_t digit_count;
    bool short_group;           //  a one-digit group after the first
    char separator;             //  the last separator between groups
    bool mixed;                 //  separators differ
} s_shape_t;

static bool
s_email_byte (char byte, bool local)
{
    unsigned char c = (unsigned char) byte;
    return isalnum (c) || byte == '.' || byte == '-' || (local && strchr ("_%+", byte) && byte);
}

//  The e-mail address around the '@' at at, if there is one.
static bool
s_email_at (const char *text, size_t at, sb_contact_t *email)
{
    size_t start = at, end = at + 1, last_dot = 0;
    while (start > 0 && s_email_byte (text [start - 1], true))
        start--;
    while (s_email_byte (text [end], false)) {
        if (text [end] == '.')
            last_dot = end;
        end++;
    }
    while (end > at + 1 && (text [end - 1] == '.' || text [end - 1] == '-'))
        end--;          //  a sentence's full stop after the address
    if (last_dot >= end - 1)
        last_dot = 0;
    for (size_t dot = end; last_dot == 0 && dot > at + 1; dot--)
        if (text [dot - 1] == '.')
            last_dot = dot - 1;
    if (start == at || last_dot <= at + 1 || end - last_dot < 3)
        return false;
    for (size_t index = last_dot + 1; index < end; index++)
        if (!isalpha ((unsigned char) text [index]))
            return false;
    *email = (sb_contact_t) { .kind = SB_CONTACT_EMAIL, .start = start, .end = end };
    return true;
}

//  Length of the separator at text between two digit groups (one space,
//  hyphen or dot, or a parenthesis with or without a space), or 0.
static size_t
s_separator (const char *text, bool in_parens)
{
    //  Inside parentheses only the closing one may follow a group
    static const char *closing [] = { ") ", ")-", ")", NULL };
    static const char *between [] = { " (", "(", " ", "-", ".", NULL };
    for (const char **item = in_parens? closing: between; *item; item++) {
        size_t length = strlen (*item);
        if (strncmp (text, *item, length) == 0 && isdigit ((unsigned char) text [length]))
            return length;
    }
    return 0;
}

//  Records one group of digits at text; returns its length.
static size_t
s_group (const char *text, s_shape_t *shape, sb_contact_t *phone)
{
    size_t length = 0;
    for (; isdigit ((unsigned char) text [length]); length++)
        if (shape->digit_count < sizeof phone->digits - 1)
            phone->digits [shape->digit_count++] = text [length];
        else
            shape->digit_count = sizeof phone->digits;     //  too many
    if (shape->groups < 4)
        shape->lengths [shape->groups] = length;
    if (shape->groups > 0 && length == 1)
        shape->short_group = true;
    if (length > shape->longest)
        shape->longest = length;
    shape->groups++;
    return length;
}

//  True if the shape is a date: three groups, one separator, 4-2-2 or
//  d-m-y with a two- or four-digit year.
static bool
s_is_date (const s_shape_t *shape)
{
    const size_t *length = shape->lengths;
    if (shape->groups != 3 || shape->mixed || shape->separator == ' ')
        return false;
    return (length [0] == 4 && length [1] <= 2 && length [2] <= 2)
        || (length [0] <= 2 && length [1] <= 2 && (length [2] == 4 || length [2] == 2));
}

//  Reads a phone number starting at at. Returns true with phone filled.
static bool
s_phone_at (const char *text, size_t at, sb_contact_t *phone)
{
    if (at > 0 && (sb_text_word_byte (text [at - 1]) || strchr ("+.,/-", text [at - 1])))
        return false;
    s_shape_t shape = { 0 };
    *phone = (sb_contact_t) { .kind = SB_CONTACT_PHONE, .start = at };
    size_t offset = at;
    phone->international = text [offset] == '+';
    offset += phone->international;
    bool in_parens = text [offset] == '(';
    offset += in_parens;
    if (!isdigit ((unsigned char) text [offset]))
        return false;
    while (true) {
        offset += s_group (text + offset, &shape, phone);
        size_t separator = s_separator (text + offset, in_parens);
        if (in_parens && text [offset] == ')' && !separator)
            offset++;           //  "(555)" at the end
        if (!separator)
            break;
        char kind = text [offset + separator - 1] == '('? ' ': text [offset + separator - 1];
        shape.mixed |= shape.separator && kind != shape.separator;
        shape.separator = kind;
        in_parens = text [offset + separator - 1] == '(';
        offset += separator;
    }
    phone->end = offset;
    phone->digits [shape.digit_count < sizeof phone->digits? shape.digit_count: 0] = 0;
    return shape.digit_count >= 7 && shape.digit_count <= 15 && !shape.short_group
        && shape.longest >= 3 && !s_is_date (&shape)
        && !sb_text_word_byte (text [offset]) && text [offset] != '@';
}

//  True if offset lies inside one of the e-mail addresses.
static bool
s_inside (const sb_contact_t *emails, size_t count, size_t offset)
{
    for (size_t index = 0; index < count; index++)
        if (offset >= emails [index].start && offset < emails [index].end)
            return true;
    return false;
}

//  Stores contact in found if there is room; returns the new count.
static size_t
s_keep (sb_contact_t *found, size_t max, size_t count, const sb_contact_t *contact)
{
    if (count < max)
        found [count] = *contact;
    return count + 1;
}

size_t
sb_contact_find (const char *text, sb_contact_t *found, size_t max)
{
    sb_contact_t emails [S_MAX_SCAN];
    size_t email_count = 0, count = 0, size = strlen (text);
    for (const char *at = strchr (text, '@'); at && email_count < S_MAX_SCAN; at = strchr (at + 1, '@'))
        if (s_email_at (text, (size_t) (at - text), &emails [email_count]))
            email_count++;
    size_t next_email = 0;
    for (size_t offset = 0; offset < size; offset++) {
        if (next_email < email_count && offset == emails [next_email].start) {
            count = s_keep (found, max, count, &emails [next_email]);
            offset = emails [next_email++].end - 1;
            continue;
        }
        sb_contact_t phone;
        if (!s_inside (emails, email_count, offset) && s_phone_at (text, offset, &phone)) {
            count = s_keep (found, max, count, &phone);
            offset = phone.end - 1;
        }
    }
    return count;
}

//  True if national is the end of digits, leaving a country code of 1 to
//  3 digits before it, and long enough to be a national number.
static bool
s_national_form (const char *digits, const char *national)
{
    size_t length = strlen (digits), national_length = strlen (national);
    return national_length >= 7 && national_length < length && length - national_length <= 3
        && strcmp (digits + length - national_length, national) == 0;
}

bool
sb_contact_same_number (const sb_contact_t *phone, const char *e164)
{
    char digits [32];
    size_t count = 0;
    for (const char *c = e164; *c && count < sizeof digits - 1; c++)
        if (isdigit ((unsigned char) *c))
            digits [count++] = *c;
    digits [count] = 0;
    const char *written = phone->digits;
    if (!count || strcmp (written, digits) == 0)
        return count > 0;
    if (phone->international)
        return false;
    if (strncmp (written, "00", 2) == 0)        //  the international prefix
        return strcmp (written + 2, digits) == 0;
    if (written [0] == '0')                     //  a national trunk prefix
        written++;
    return s_national_form (digits, written);
}
