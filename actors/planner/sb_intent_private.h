/*  sb_intent_private.h — what the modules of sb_intent share: the tokens
    of a text and the word lists (sb_intent_words.c), the readers of
    periods (sb_intent_period.c) and of hours, note and project
    (sb_intent_hours.c); sb_intent.c reads the intent's cues and speaks
    JSON. Internal to the planner.                                         */

#ifndef SB_INTENT_PRIVATE_H_INCLUDED
#define SB_INTENT_PRIVATE_H_INCLUDED

#include "sb_intent.h"
#include "sb_date.h"

#define SB_INTENT_TOKENS_MAX    128
#define SB_INTENT_TEXT_MAX      4096  //  bytes read: a request fits well within
#define SB_INTENT_WORD_MAX      32
#define SB_INTENT_PROJECT_WORDS 4     //  "Acme Corp Berlin Office" at the most

typedef struct {
    char word [SB_INTENT_WORD_MAX];  //  ASCII folded to lower case, apostrophes dropped
    bool long_word;              //  did not fit: never equals a keyword
    size_t start, end;           //  its bytes in the text
    bool after_break;            //  , ; . ! ? : ( ) or the like stands before it
    bool used;                   //  taken by an entity already
} sb_intent_token_t;

typedef struct {
    const char *text;
    sb_intent_token_t tokens [SB_INTENT_TOKENS_MAX];
    size_t count;
} sb_intent_words_t;

//  --------------------------------------------------------------------------
//  sb_intent_words.c: the word lists, looking words up, the tokenizer

extern const char *const sb_intent_weekdays [8];
extern const char *const sb_intent_log_verbs [];
//  A text that opens with one of these asks, it does not tell
extern const char *const sb_intent_question_openers [];
extern const char *const sb_intent_submit_words [];
extern const char *const sb_intent_missing_words [];
extern const char *const sb_intent_help_words [];
extern const char *const sb_intent_check_words [];
extern const char *const sb_intent_greetings [];
extern const char *const sb_intent_hour_units [];
extern const char *const sb_intent_last_words [];
extern const char *const sb_intent_project_prepositions [];
extern const char *const sb_intent_note_words [];
extern const char *const sb_intent_number_words [];
extern const char *const sb_intent_months [];
extern const char *const sb_intent_month_abbreviations [];
extern const char *const sb_intent_weekday_abbreviations [];
//  Words that are never (part of) a project name
extern const char *const sb_intent_stopwords [];

//  Index of word in list, or -1.
int sb_intent_find (const char *const *list, const char *word);

//  True if the token at index is one of list (a long word never is).
bool sb_intent_token_in (const sb_intent_words_t *words, size_t index, const char *const *list);

//  True if the token at index is word.
bool sb_intent_token_is (const sb_intent_words_t *words, size_t index, const char *word);

//  True if any token is one of list.
bool sb_intent_has (const sb_intent_words_t *words, const char *const *list);

//  Splits text (its first SB_INTENT_TEXT_MAX bytes, SB_INTENT_TOKENS_MAX
//  tokens at the most) into words; words->text borrows text.
void sb_intent_tokenize (sb_intent_words_t *words, const char *text);

//  Copies length bytes of source into target (capacity bytes plus the
//  NUL), cut on a character boundary, trimmed of spaces at both ends.
void sb_intent_copy_text (char *target, size_t capacity, const char *source, size_t length);

//  --------------------------------------------------------------------------
//  sb_intent_period.c: numbers, dates and periods

//  Reads token as a number with an optional unit ("7.5h", "8", "7,5",
//  "eight"). Returns true with the value and the unit (possibly "").
bool sb_intent_read_number (const sb_intent_token_t *token, double *value, const char **unit);

//  True if day can be a day of month (in year, or in any year if 0).
bool sb_intent_valid_day (int year, int month, int day);

//  A weekday name at index: 0..6, or -1.
int sb_intent_weekday (const sb_intent_words_t *words, size_t index);

//  Finds the first period the text names.
void sb_intent_find_period (sb_intent_words_t *words, sb_date_order_t order, sb_intent_t *intent);

//  --------------------------------------------------------------------------
//  sb_intent_hours.c: hours, note and project

//  Finds a quantity of hours: said in words ("half an hour"), a number
//  with an hour unit, joined ("7.5h") or apart ("8 hours"). A bare number
//  counts only for a log (bare_ok).
void sb_intent_find_hours (sb_intent_words_t *words, bool bare_ok, sb_intent_t *intent);

//  Splits off "note: ..." (or notes, comment, memo), not at the start:
//  what follows is the note, and not read for entities.
void sb_intent_find_note (sb_intent_words_t *words, sb_intent_t *intent);

//  The project: the words after "on", "to", "for", "at", "project"; for a
//  log with none, the first free word after the verb ("log 8h acme").
void sb_intent_find_project (sb_intent_words_t *words, sb_intent_t *intent);

#endif
