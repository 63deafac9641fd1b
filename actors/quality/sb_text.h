/*  sb_text.h — small operations on UTF-8 reply text that branding and
    quality share: whole-word search, phrase replacement, and copies that
    never cut a character in two.                                          */

#ifndef SB_TEXT_H_INCLUDED
#define SB_TEXT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

//  True if byte is part of a word: an ASCII letter or digit, '_', or any
//  byte of a character outside ASCII (so "café" is one word).
bool sb_text_word_byte (char byte);

//  Finds word (or a phrase of words) in text, whole (not inside a longer
//  word) and ignoring ASCII case, at or after offset. An apostrophe in
//  word also matches a typographic one (U+2019). Returns the byte offset
//  of the match and its length in *length, or -1.
long sb_text_find_word (const char *text, size_t offset, const char *word, size_t *length);

//  Replaces every whole-word match of from with to, keeping an upper-case
//  first letter upper case ("You have" -> "You've"). Returns a new string
//  (caller frees) or NULL if from does not occur.
char *sb_text_replace_word (const char *text, const char *from, const char *to);

//  Copies at most size bytes of text (and never part of a character) into
//  out (outlen bytes, terminated), with "..." when it was cut.
void sb_text_quote (const char *text, size_t size, char *out, size_t outlen);

//  Cuts a trailing incomplete UTF-8 character off text (left by a
//  truncating snprintf), so that it is valid UTF-8 again.
void sb_text_fix_end (char *text);

#endif
