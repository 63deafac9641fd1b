/*  sb_fleetvalue.h — the value syntax of fleet files: shell-like words,
    ${VAR} expansion, durations, lists of names and numbers, signal names.

    Every function reads bytes from a file an operator wrote: none asserts
    on them; each returns 0 or -1 with the reason in err (without the
    file:line, which the caller knows).                                     */

#ifndef SB_FLEETVALUE_H_INCLUDED
#define SB_FLEETVALUE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

//  Most words in one value (args, a probe command, a list)
#define SB_FLEETVALUE_MAX_WORDS 128

//  Splits text into words as a shell would, without running anything:
//  blanks separate words, '...' quotes literally, "..." quotes with \" and
//  \\ escapes, a backslash outside quotes escapes the next character.
//  Each word is then expanded (sb_fleetvalue_expand), but a '$' in single
//  quotes or after a backslash stays a '$', as in a shell. On success *words_p
//  is a new NULL-terminated array (free with sb_fleetvalue_free) and
//  *count_p its length. Returns 0, or -1 with the reason in err.
int sb_fleetvalue_split (const char *text, char ***words_p, size_t *count_p, char *err,
                         size_t errlen);

//  Returns a new string: text with ${NAME} and ${NAME:-default} replaced
//  from the environment, and $$ as one $. ${instance} and ${program} are
//  left as they are: they are replaced per instance when it starts
//  (sb_fleetvalue_instance). NULL with the reason in err when a variable
//  is unset and has no default, or the syntax is wrong.
char *sb_fleetvalue_expand (const char *text, char *err, size_t errlen);

//  Returns a new string: text with ${program} and ${instance} replaced.
//  NULL only when out of memory.
char *sb_fleetvalue_instance (const char *text, const char *program, int instance);

//  Frees a NULL-terminated array from sb_fleetvalue_split and NULLs the
//  caller's pointer. Safe on NULL.
void sb_fleetvalue_free (char ***words_p);

//  Parses a duration: a number with ms, s, m or h after it; a bare number
//  is milliseconds. Between 0 and 7 days. Returns 0, or -1 with the reason.
int sb_fleetvalue_duration (const char *text, int64_t *ms, char *err, size_t errlen);

//  Parses a whole number between low and high (a trailing % allowed when
//  percent). Returns 0, or -1 with the reason.
int sb_fleetvalue_number (const char *text, long low, long high, bool percent, long *value,
                          char *err, size_t errlen);

//  Parses a signal name (TERM, SIGTERM, INT, QUIT, HUP, USR1, USR2, KILL).
//  Returns 0, or -1 with the reason.
int sb_fleetvalue_signal (const char *text, int *signal, char *err, size_t errlen);

//  True if name is a valid program name: a letter, then letters, digits,
//  '-' or '_', at most 32 characters.
bool sb_fleetvalue_is_name (const char *name);

//  The Levenshtein distance between a and b, capped at 9 (for "did you
//  mean" hints on short key names).
int sb_fleetvalue_distance (const char *a, const char *b);

#endif
