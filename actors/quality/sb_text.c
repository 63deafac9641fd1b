/*  sb_text.c — whole words, phrase replacement and safe copies in UTF-8. */

#include "sb_text.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_RIGHT_QUOTE "\xE2\x80\x99"    /* U+2019, a typographic apostrophe */

bool
sb_text_word_byte (char byte)
{
    unsigned char c = (unsigned char) byte;
    return isalnum (c) || c == '_' || c >= 0x80;
}

//  Length of the match of word at text (ASCII case ignored, an apostrophe
//  matching either form), or 0.
static size_t
s_match_at (const char *text, const char *word)
{
    size_t used = 0;
    for (; *word; word++) {
        if (*word == '\'' && strncmp (text + used, S_RIGHT_QUOTE, 3) == 0)
            used += 3;
        else
        if (text [used] && tolower ((unsigned char) text [used]) == tolower ((unsigned char) *word))
            used++;
        else
            return 0;
    }
    return used;
}

long
sb_text_find_word (const char *text, size_t offset, const char *word, size_t *length)
{
    if (!*word)
        return -1;
    size_t size = strlen (text);
    for (size_t at = offset; at < size; at++) {
        if (at > 0 && sb_text_word_byte (text [at - 1]) && sb_text_word_byte (word [0]))
            continue;
        size_t used = s_match_at (text + at, word);
        if (used && !(sb_text_word_byte (text [at + used])
                      && sb_text_word_byte (word [strlen (word) - 1]))) {
            *length = used;
            return (long) at;
        }
    }
    return -1;
}

char *
sb_text_replace_word (const char *text, const char *from, const char *to)
{
    size_t length = 0, to_size = strlen (to);
    long at = sb_text_find_word (text, 0, from, &length);
    if (at < 0)
        return NULL;
    //  Each replacement grows the text by at most to_size bytes
    size_t capacity = strlen (text) + 1, done = 0, used = 0;
    for (long next = at; next >= 0; next = sb_text_find_word (text, (size_t) next + 1, from, &length))
        capacity += to_size;
    char *result = malloc (capacity);
    if (!result)
        return NULL;
    for (; at >= 0; at = sb_text_find_word (text, done, from, &length)) {
        memcpy (result + used, text + done, (size_t) at - done);
        used += (size_t) at - done;
        memcpy (result + used, to, to_size);
        if (to_size && isupper ((unsigned char) text [at]))
            result [used] = (char) toupper ((unsigned char) result [used]);
        used += to_size;
        done = (size_t) at + length;
    }
    strcpy (result + used, text + done);
    return result;
}

void
sb_text_fix_end (char *text)
{
    size_t size = strlen (text), lead = size;
    //  The last character's first byte: at most three continuation bytes back
    while (lead > 0 && size - lead < 4 && ((unsigned char) text [lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0 || ((unsigned char) text [lead - 1] & 0x80) == 0)
        return;             //  ends in ASCII, or no lead byte found
    unsigned char first = (unsigned char) text [--lead];
    size_t needed = first >= 0xF0? 4: first >= 0xE0? 3: first >= 0xC0? 2: 1;
    if (size - lead < needed)
        text [lead] = 0;
}

void
sb_text_quote (const char *text, size_t size, char *out, size_t outlen)
{
    if (outlen < 4) {
        if (outlen)
            *out = 0;
        return;
    }
    size_t room = outlen - 4;       //  for "..." and the terminator
    bool cut = size > outlen - 1;
    size_t copied = cut? room: size;
    memcpy (out, text, copied);
    out [copied] = 0;
    sb_text_fix_end (out);
    if (cut)
        strcat (out, "...");
}
