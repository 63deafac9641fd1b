/*  sb_intent_words.c — the words sb_intent knows (cue words, units,
    months, weekdays, stopwords), looking them up among a text's tokens, and
    the tokenizer that folds case and punctuation.                         */

#include "sb_intent_private.h"

typedef enum { S_SPACE, S_BREAK, S_JOIN, S_WORD } s_class_t;

//  --------------------------------------------------------------------------
//  Word lists

const char *const sb_intent_weekdays [8] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", NULL
};

const char *const sb_intent_log_verbs [] = {
    "log", "add", "record", "book", "enter", "put", "worked", "spent", NULL
};
//  A text that opens with one of these asks, it does not tell
const char *const sb_intent_question_openers [] = {
    "how", "what", "whats", "which", "did", "have", "has", "when", "where", "why", "is",
    "are", "am", "do", "does", "was", "were", NULL
};
const char *const sb_intent_submit_words [] = { "submit", "submitting", "finalise", "finalize", NULL };
const char *const sb_intent_missing_words [] = {
    "missing", "miss", "missed", "forgot", "forget", "forgotten", "gap", "gaps", "unlogged",
    "empty", "blank", "lacking", NULL
};
const char *const sb_intent_help_words [] = {
    "help", "commands", "command", "menu", "options", "instructions", "usage", NULL
};
const char *const sb_intent_check_words [] = {
    "hours", "hour", "hrs", "timesheet", "timesheets", "logged", "worked", "total", "totals",
    "summary", "balance", "status", "check", "show", "overview", "report", NULL
};
const char *const sb_intent_greetings [] = {
    "hi", "hello", "hey", "hiya", "howdy", "yo", "morning", "afternoon", "evening",
    "greetings", "shalom", "hola", "hallo", "bonjour", "hej", "ciao", "salut", "ola",
    "ol\xc3\xa1", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "thanks", "thank", "thx", "cheers", NULL
};
const char *const sb_intent_hour_units [] = { "h", "hr", "hrs", "hour", "hours", NULL };
const char *const sb_intent_last_words [] = { "last", "previous", "past", "prev", NULL };
const char *const sb_intent_project_prepositions [] = { "on", "to", "for", "at", "project", "into", NULL };
const char *const sb_intent_note_words [] = { "note", "notes", "comment", "memo", NULL };
const char *const sb_intent_number_words [] = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", NULL
};
const char *const sb_intent_months [] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", NULL
};
const char *const sb_intent_month_abbreviations [] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", NULL
};
const char *const sb_intent_weekday_abbreviations [] = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL
};
//  Words that are never (part of) a project name
const char *const sb_intent_stopwords [] = {
    "i", "me", "my", "mine", "the", "a", "an", "this", "that", "these", "next", "current",
    "please", "pls", "and", "or", "of", "in", "with", "so", "far", "about", "many", "much",
    "day", "days", "week", "weeks", "month", "months", "today", "yesterday", "tonight",
    "it", "them", "you", "can", "could", "would", "will", "be", "been", "am", "yet", "all",
    "any", "anything", "some", "entry", "entries", "hours", "hour", "time", "timesheet",
    "what", "about", "ok", "okay", "also", "too", "then", "again", "instead", "there",
    "same", "mon", "sun", "sat", "work", "working", "from", "until", "since", "during",
    "only", "just", "half", NULL
};

//  Index of word in list, or -1.
int
sb_intent_find (const char *const *list, const char *word)
{
    for (int index = 0; list [index]; index++)
        if (streq (list [index], word))
            return index;
    return -1;
}

bool
sb_intent_token_in (const sb_intent_words_t *words, size_t index, const char *const *list)
{
    return index < words->count && !words->tokens [index].long_word
        && sb_intent_find (list, words->tokens [index].word) >= 0;
}

bool
sb_intent_token_is (const sb_intent_words_t *words, size_t index, const char *word)
{
    return index < words->count && !words->tokens [index].long_word
        && streq (words->tokens [index].word, word);
}

bool
sb_intent_has (const sb_intent_words_t *words, const char *const *list)
{
    for (size_t index = 0; index < words->count; index++)
        if (sb_intent_token_in (words, index, list))
            return true;
    return false;
}

//  --------------------------------------------------------------------------
//  Tokenizer

//  Decodes the UTF-8 character at text (size bytes left) into *code.
//  Returns its length; a malformed byte is one character of its own.
static size_t
s_decode (const unsigned char *text, size_t size, uint32_t *code)
{
    size_t length = text [0] < 0x80? 1: text [0] >= 0xF0? 4: text [0] >= 0xE0? 3:
                    text [0] >= 0xC0? 2: 0;
    if (length == 0 || length > size) {
        *code = 0xFFFD;
        return 1;
    }
    *code = length == 1? text [0]: (uint32_t) (text [0] & (0x7F >> length));
    for (size_t index = 1; index < length; index++) {
        if ((text [index] & 0xC0) != 0x80) {
            *code = 0xFFFD;
            return 1;
        }
        *code = (*code << 6) | (text [index] & 0x3F);
    }
    return length;
}

//  What the character code at offset at is to the tokenizer. Separators
//  between digits ("7.5", "5/3", "2026-03-05") are part of the word.
static s_class_t
s_class (const char *text, size_t size, size_t at, uint32_t code)
{
    if (code >= 0x80) {
        if (code == 0x2018 || code == 0x2019)
            return S_JOIN;                                  //  ‘ ’
        if (code == 0x00A0 || code == 0x3000 || (code >= 0x2000 && code <= 0x200B))
            return S_SPACE;                                 //  no-break and other spaces
        if ((code >= 0x2010 && code <= 0x2027) || code == 0x00BF || code == 0x00A1
        ||  code == 0x00AB || code == 0x00BB || code == 0xFF1F || code == 0xFF0C)
            return S_BREAK;                                 //  dashes, quotes, … ¿ ¡ « »
        return S_WORD;
    }
    if (isalnum ((int) code))
        return S_WORD;
    if (code == '\'' || code == '`')
        return S_JOIN;
    if (strchr (".,:/-", (int) code) && at > 0 && at + 1 < size
    &&  isdigit ((unsigned char) text [at - 1]) && isdigit ((unsigned char) text [at + 1]))
        return S_WORD;
    return strchr (",;.!?:()[]{}\"", (int) code)? S_BREAK: S_SPACE;
}

//  Appends one character's bytes to token's word, folding ASCII.
static void
s_append (sb_intent_token_t *token, const char *bytes, size_t length)
{
    size_t used = strlen (token->word);
    if (used + length >= SB_INTENT_WORD_MAX) {
        token->long_word = true;
        return;
    }
    for (size_t index = 0; index < length; index++)
        token->word [used + index] = (char) tolower ((unsigned char) bytes [index]);
    token->word [used + length] = 0;
}

void
sb_intent_tokenize (sb_intent_words_t *words, const char *text)
{
    memset (words, 0, sizeof *words);
    words->text = text;
    size_t size = strnlen (text, SB_INTENT_TEXT_MAX);
    while (size > 0 && (text [size] & 0xC0) == 0x80)
        size--;                  //  cut on a character boundary
    bool pending_break = false;
    sb_intent_token_t *token = NULL;
    for (size_t at = 0, length; at < size; at += length) {
        uint32_t code;
        length = s_decode ((const unsigned char *) text + at, size - at, &code);
        s_class_t kind = s_class (text, size, at, code);
        if (kind == S_WORD) {
            if (!token) {
                if (words->count == SB_INTENT_TOKENS_MAX)
                    break;
                token = &words->tokens [words->count++];
                token->start = at;
                token->after_break = pending_break;
                pending_break = false;
            }
            s_append (token, text + at, length);
            token->end = at + length;
        }
        else
        if (kind != S_JOIN) {
            token = NULL;
            pending_break |= kind == S_BREAK;
        }
    }
}

//  Copies length bytes of source into target (capacity bytes plus the
//  NUL), cut on a character boundary, trimmed of spaces at both ends.
void
sb_intent_copy_text (char *target, size_t capacity, const char *source, size_t length)
{
    while (length && isspace ((unsigned char) *source))
        source++, length--;
    while (length && isspace ((unsigned char) source [length - 1]))
        length--;
    if (length > capacity) {
        length = capacity;
        while (length > 0 && (source [length] & 0xC0) == 0x80)
            length--;
    }
    memcpy (target, source, length);
    target [length] = 0;
}
