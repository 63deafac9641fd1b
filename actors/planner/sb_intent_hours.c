/*  sb_intent_hours.c — the quantity of hours, the note and the project a
    text names; each marks its words used.                                 */

#include "sb_intent_private.h"

//  True if the words from index are "and a half" (then *after is the
//  index past them).
static bool
s_and_a_half (const sb_intent_words_t *words, size_t index, size_t *after)
{
    if (sb_intent_token_is (words, index, "and") && sb_intent_token_is (words, index + 1, "a")
    &&  sb_intent_token_is (words, index + 2, "half")) {
        *after = index + 3;
        return true;
    }
    return false;
}

//  Reads hours said in words at index: "half an hour", "an hour (and a
//  half)", "seven and a half hours". Returns the hours (0: none there)
//  and the index past the phrase in *after.
static double
s_hours_phrase (const sb_intent_words_t *words, size_t index, size_t *after)
{
    double value;
    const char *unit;
    size_t at = index;
    if (sb_intent_token_is (words, at, "half")) {
        at += sb_intent_token_is (words, at + 1, "an") || sb_intent_token_is (words, at + 1, "a");
        *after = at + 2;
        return sb_intent_token_in (words, at + 1, sb_intent_hour_units)? 0.5: 0;
    }
    if (sb_intent_token_is (words, at, "an") || sb_intent_token_is (words, at, "a")) {
        if (!sb_intent_token_in (words, at + 1, sb_intent_hour_units))
            return 0;
        *after = at + 2;
        return s_and_a_half (words, at + 2, after)? 1.5: 1;
    }
    if (at < words->count && !words->tokens [at].used
    &&  sb_intent_read_number (&words->tokens [at], &value, &unit) && !*unit
    &&  s_and_a_half (words, at + 1, &at) && sb_intent_token_in (words, at, sb_intent_hour_units)) {
        *after = at + 1;
        return value + 0.5;
    }
    return 0;
}

//  Sets the hours read, if they are in (0, 24], and marks the words.
static void
s_take_hours (sb_intent_words_t *words, size_t from, size_t after, double value, sb_intent_t *intent)
{
    for (size_t index = from; index < after && index < words->count; index++)
        words->tokens [index].used = true;
    if (value > 0 && value <= 24)
        intent->has_hours = true, intent->hours = value;
    else
        intent->bad_hours = true;
}

//  Finds a quantity of hours: said in words ("half an hour"), a number
//  with an hour unit, joined ("7.5h") or apart ("8 hours"). A bare number
//  counts only for a log (bare_ok).
void
sb_intent_find_hours (sb_intent_words_t *words, bool bare_ok, sb_intent_t *intent)
{
    for (size_t index = 0; index < words->count && !intent->has_hours && !intent->bad_hours;
         index++) {
        double value;
        const char *unit;
        size_t after = index;
        if (words->tokens [index].used)
            continue;
        if ((value = s_hours_phrase (words, index, &after)) > 0) {
            s_take_hours (words, index, after, value, intent);
            return;
        }
        if (!sb_intent_read_number (&words->tokens [index], &value, &unit))
            continue;
        bool apart = !*unit && sb_intent_token_in (words, index + 1, sb_intent_hour_units);
        if (!(*unit && sb_intent_find (sb_intent_hour_units, unit) >= 0) && !apart && !(bare_ok && !*unit))
            continue;
        s_take_hours (words, index, index + 1 + apart, value, intent);
    }
}

//  --------------------------------------------------------------------------
//  Note, project, intent

//  Splits off "note: ..." (or notes, comment, memo), not at the start:
//  what follows is the note, and not read for entities.
void
sb_intent_find_note (sb_intent_words_t *words, sb_intent_t *intent)
{
    for (size_t index = 1; index < words->count; index++)
        if (sb_intent_token_in (words, index, sb_intent_note_words)) {
            const char *rest = words->text + words->tokens [index].end;
            rest += strspn (rest, " \t:=-");
            sb_intent_copy_text (intent->note, SB_INTENT_NOTE_MAX, rest, strlen (rest));
            words->count = index;
            return;
        }
}

//  True if the token at index can be (part of) a project name: a word with
//  a letter that is no keyword (one too long to be a keyword can).
static bool
s_project_word (const sb_intent_words_t *words, size_t index)
{
    if (index >= words->count)
        return false;
    const sb_intent_token_t *token = &words->tokens [index];
    double value;
    const char *unit;
    bool letters = false;
    for (const char *at = token->word; *at; at++)
        letters |= isalpha ((unsigned char) *at) || (unsigned char) *at >= 0x80;
    return letters && !token->used
        && sb_intent_find (sb_intent_stopwords, token->word) < 0 && sb_intent_find (sb_intent_check_words, token->word) < 0
        && sb_intent_find (sb_intent_log_verbs, token->word) < 0 && sb_intent_find (sb_intent_last_words, token->word) < 0
        && sb_intent_find (sb_intent_project_prepositions, token->word) < 0
        && sb_intent_find (sb_intent_question_openers, token->word) < 0
        && !sb_intent_read_number (token, &value, &unit) && sb_intent_weekday (words, index) < 0;
}

//  Copies the project starting at token first (up to SB_INTENT_PROJECT_WORDS
//  words, stopping at punctuation), marking it used.
static void
s_take_project (sb_intent_words_t *words, size_t first, sb_intent_t *intent)
{
    size_t last = first;
    while (last + 1 < words->count && last + 1 - first < SB_INTENT_PROJECT_WORDS
       &&  !words->tokens [last + 1].after_break && s_project_word (words, last + 1))
        last++;
    for (size_t index = first; index <= last; index++)
        words->tokens [index].used = true;
    sb_intent_copy_text (intent->project, SB_INTENT_PROJECT_MAX, words->text + words->tokens [first].start,
                 words->tokens [last].end - words->tokens [first].start);
}

//  The project: the words after "on", "to", "for", "at", "project"; for a
//  log with none, the first free word after the verb ("log 8h acme").
void
sb_intent_find_project (sb_intent_words_t *words, sb_intent_t *intent)
{
    for (size_t index = 0; index + 1 < words->count; index++)
        if (sb_intent_token_in (words, index, sb_intent_project_prepositions) && s_project_word (words, index + 1)) {
            s_take_project (words, index + 1, intent);
            return;
        }
    if (intent->intent != SB_INTENT_LOG_HOURS)
        return;
    bool after_verb = false;
    for (size_t index = 0; index < words->count; index++) {
        if (after_verb && s_project_word (words, index)) {
            s_take_project (words, index, intent);
            return;
        }
        after_verb |= sb_intent_token_in (words, index, sb_intent_log_verbs);
    }
}
