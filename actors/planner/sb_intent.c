/*  sb_intent.c — text to intent and entities, by rules: a tokenizer that
    folds case and punctuation, then one pass each for the note, the
    period, the hours, the intent's cue words and the project.

    Entities are found first and their words marked as used, so that the
    project after "on" is never "monday" and a note ("note: plan next
    week") never names the period.                                       */

#include "sb_intent.h"
#include "sb_date.h"

#define S_MAX_TOKENS 128
#define S_MAX_TEXT   4096        //  bytes read: a request fits well within
#define S_WORD_MAX   32
#define S_PROJECT_WORDS 4        //  "Acme Corp Berlin Office" at the most

typedef struct {
    char word [S_WORD_MAX];      //  ASCII folded to lower case, apostrophes dropped
    bool long_word;              //  did not fit: never equals a keyword
    size_t start, end;           //  its bytes in the text
    bool after_break;            //  , ; . ! ? : ( ) or the like stands before it
    bool used;                   //  taken by an entity already
} s_token_t;

typedef struct {
    const char *text;
    s_token_t tokens [S_MAX_TOKENS];
    size_t count;
} s_words_t;

typedef enum { S_SPACE, S_BREAK, S_JOIN, S_WORD } s_class_t;

static const char *s_weekdays [8] = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", NULL
};
static const char *s_period_names [] = {
    "none", "today", "yesterday", "this_week", "last_week", "weekday", "last_weekday",
    "date", "month", "this_month", "last_month", "range"
};
static const char *s_intent_names [] = {
    "unknown", "check_hours", "missing_hours", "log_hours", "submit_week", "help",
    "greeting", "reminder"
};

//  --------------------------------------------------------------------------
//  Word lists

static const char *s_log_verbs [] = {
    "log", "add", "record", "book", "enter", "put", "worked", "spent", NULL
};
//  A text that opens with one of these asks, it does not tell
static const char *s_question_openers [] = {
    "how", "what", "whats", "which", "did", "have", "has", "when", "where", "why", "is",
    "are", "am", "do", "does", "was", "were", NULL
};
static const char *s_submit_words [] = { "submit", "submitting", "finalise", "finalize", NULL };
static const char *s_missing_words [] = {
    "missing", "miss", "missed", "forgot", "forget", "forgotten", "gap", "gaps", "unlogged",
    "empty", "blank", "lacking", NULL
};
static const char *s_help_words [] = {
    "help", "commands", "command", "menu", "options", "instructions", "usage", NULL
};
static const char *s_check_words [] = {
    "hours", "hour", "hrs", "timesheet", "timesheets", "logged", "worked", "total", "totals",
    "summary", "balance", "status", "check", "show", "overview", "report", NULL
};
static const char *s_greetings [] = {
    "hi", "hello", "hey", "hiya", "howdy", "yo", "morning", "afternoon", "evening",
    "greetings", "shalom", "hola", "hallo", "bonjour", "hej", "ciao", "salut", "ola",
    "ol\xc3\xa1", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", "thanks", "thank", "thx", "cheers", NULL
};
static const char *s_hour_units [] = { "h", "hr", "hrs", "hour", "hours", NULL };
static const char *s_last_words [] = { "last", "previous", "past", "prev", NULL };
static const char *s_project_prepositions [] = { "on", "to", "for", "at", "project", "into", NULL };
static const char *s_note_words [] = { "note", "notes", "comment", "memo", NULL };
static const char *s_number_words [] = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", NULL
};
static const char *s_months [] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", NULL
};
static const char *s_month_abbreviations [] = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", NULL
};
static const char *s_weekday_abbreviations [] = {
    "sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL
};
//  Words that are never (part of) a project name
static const char *s_stopwords [] = {
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
static int
s_find (const char *const *list, const char *word)
{
    for (int index = 0; list [index]; index++)
        if (streq (list [index], word))
            return index;
    return -1;
}

static bool
s_token_in (const s_words_t *words, size_t index, const char *const *list)
{
    return index < words->count && !words->tokens [index].long_word
        && s_find (list, words->tokens [index].word) >= 0;
}

static bool
s_token_is (const s_words_t *words, size_t index, const char *word)
{
    return index < words->count && !words->tokens [index].long_word
        && streq (words->tokens [index].word, word);
}

static bool
s_has (const s_words_t *words, const char *const *list)
{
    for (size_t index = 0; index < words->count; index++)
        if (s_token_in (words, index, list))
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
s_append (s_token_t *token, const char *bytes, size_t length)
{
    size_t used = strlen (token->word);
    if (used + length >= S_WORD_MAX) {
        token->long_word = true;
        return;
    }
    for (size_t index = 0; index < length; index++)
        token->word [used + index] = (char) tolower ((unsigned char) bytes [index]);
    token->word [used + length] = 0;
}

static void
s_tokenize (s_words_t *words, const char *text)
{
    memset (words, 0, sizeof *words);
    words->text = text;
    size_t size = strnlen (text, S_MAX_TEXT);
    while (size > 0 && (text [size] & 0xC0) == 0x80)
        size--;                  //  cut on a character boundary
    bool pending_break = false;
    s_token_t *token = NULL;
    for (size_t at = 0, length; at < size; at += length) {
        uint32_t code;
        length = s_decode ((const unsigned char *) text + at, size - at, &code);
        s_class_t kind = s_class (text, size, at, code);
        if (kind == S_WORD) {
            if (!token) {
                if (words->count == S_MAX_TOKENS)
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
static void
s_copy_text (char *target, size_t capacity, const char *source, size_t length)
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

//  --------------------------------------------------------------------------
//  Numbers and dates

//  Reads token as a number with an optional unit ("7.5h", "8", "7,5",
//  "eight"). Returns true with the value and the unit (possibly "").
static bool
s_number (const s_token_t *token, double *value, const char **unit)
{
    if (token->long_word)
        return false;
    int word = s_find (s_number_words, token->word);
    if (word >= 0) {
        *value = word;
        *unit = "";
        return true;
    }
    const char *at = token->word;
    if (!isdigit ((unsigned char) *at))
        return false;
    double number = 0;
    while (isdigit ((unsigned char) *at))
        number = number * 10 + (*at++ - '0');
    if ((*at == '.' || *at == ',') && isdigit ((unsigned char) at [1])) {
        double scale = 0.1;
        for (at++; isdigit ((unsigned char) *at); at++, scale /= 10)
            number += (*at - '0') * scale;
    }
    for (const char *rest = at; *rest; rest++)
        if (!isalpha ((unsigned char) *rest))
            return false;
    *value = number;
    *unit = at;
    return true;
}

//  Reads token as a day of the month: "5", "05", "5th", "1st", "22nd".
static int
s_day_number (const s_words_t *words, size_t index)
{
    if (index >= words->count || words->tokens [index].used)
        return 0;
    double value;
    const char *unit;
    if (!s_number (&words->tokens [index], &value, &unit)
    ||  !isdigit ((unsigned char) words->tokens [index].word [0]) || value != floor (value)
    ||  value < 1 || value > 31)
        return 0;
    if (*unit && !streq (unit, "st") && !streq (unit, "nd") && !streq (unit, "rd")
    &&  !streq (unit, "th"))
        return 0;
    return (int) value;
}

//  Reads token as a four-digit year 1970..2199 (0 if it is not one).
static int
s_year (const s_words_t *words, size_t index)
{
    if (index >= words->count)
        return 0;
    const char *word = words->tokens [index].word;
    if (strlen (word) != 4 || strspn (word, "0123456789") != 4)
        return 0;
    int year = atoi (word);
    return year >= 1970 && year < 2200? year: 0;
}

//  The month a token names (1..12), or 0. "may" alone is a verb as often
//  as a month: it counts only beside a day or after in/for/during/of.
static int
s_month (const s_words_t *words, size_t index)
{
    const s_token_t *token = &words->tokens [index];
    if (token->long_word)
        return 0;
    int month = s_find (s_months, token->word);
    if (month < 0)
        month = s_find (s_month_abbreviations, token->word);
    if (month < 0 && streq (token->word, "sept"))
        month = 8;
    if (month == 4 && !s_day_number (words, index + 1)
    &&  !(index > 0 && s_day_number (words, index - 1))
    &&  !(index > 0 && (s_token_is (words, index - 1, "in") || s_token_is (words, index - 1, "for")
                        || s_token_is (words, index - 1, "during")
                        || s_token_is (words, index - 1, "of"))))
        return 0;
    return month + 1;
}

//  True if day can be a day of month (in year, or in any year if 0).
static bool
s_valid_day (int year, int month, int day)
{
    return month >= 1 && month <= 12 && day >= 1
        && day <= sb_date_month_days (year? year: 2000, month);
}

static void
s_set_date (sb_intent_t *intent, int year, int month, int day)
{
    intent->period = SB_PERIOD_DATE;
    intent->year = year;
    intent->month = month;
    intent->day = day;
}

//  Reads "2026-03-05", "5/3", "5/3/2026" or "5/3/26" at token index.
static bool
s_numeric_date (const s_words_t *words, size_t index, sb_date_order_t order,
                sb_intent_t *intent)
{
    const char *word = words->tokens [index].word;
    int32_t days;
    if (strlen (word) == 10 && sb_date_parse (word, &days) == 0) {
        int year, month, day;
        sb_date_to_civil (days, &year, &month, &day);
        s_set_date (intent, year, month, day);
        return true;
    }
    int first = 0, second = 0, year = 0, consumed = 0;
    int fields = sscanf (word, "%2d/%2d%n/%4d%n", &first, &second, &consumed, &year, &consumed);
    if (fields < 2 || word [consumed] != 0)
        return false;
    if (fields == 3 && year < 100)
        year += 2000;
    if (fields == 3 && (year < 1970 || year >= 2200))
        return false;
    int day = order == SB_DATE_ORDER_DMY? first: second;
    int month = order == SB_DATE_ORDER_DMY? second: first;
    if (!s_valid_day (year, month, day))
        return false;
    s_set_date (intent, year, month, day);
    return true;
}

//  Reads a month name with its day ("march 5", "5 march", "5th of march",
//  "march 5 2026") or alone ("in february"). Marks the words used.
static bool
s_month_date (s_words_t *words, size_t index, sb_intent_t *intent)
{
    int month = s_month (words, index);
    if (!month)
        return false;
    size_t last = index;
    int day = s_day_number (words, index + 1);
    if (day)
        last = index + 1;
    else
    if (index > 0 && (day = s_day_number (words, index - 1)))
        words->tokens [index - 1].used = true;
    else
    if (index > 1 && s_token_is (words, index - 1, "of") && (day = s_day_number (words, index - 2)))
        words->tokens [index - 2].used = words->tokens [index - 1].used = true;
    int year = s_year (words, last + 1);
    if (year)
        words->tokens [++last].used = true;
    for (size_t at = index; at <= last; at++)
        words->tokens [at].used = true;
    if (!day) {
        intent->period = SB_PERIOD_MONTH;
        intent->month = month;
        intent->year = year;
        return true;
    }
    if (!s_valid_day (year, month, day))
        return false;
    s_set_date (intent, year, month, day);
    return true;
}

//  A weekday name at index: 0..6, or -1.
static int
s_weekday (const s_words_t *words, size_t index)
{
    const s_token_t *token = &words->tokens [index];
    if (token->long_word)
        return -1;
    int day = s_find (s_weekdays, token->word);
    if (day < 0)
        day = s_find (s_weekday_abbreviations, token->word);
    if (day < 0 && (streq (token->word, "tues") || streq (token->word, "weds")))
        day = streq (token->word, "tues")? 2: 3;
    if (day < 0 && (streq (token->word, "thur") || streq (token->word, "thurs")))
        day = 4;
    return day;
}

//  A period word at index ("week", "month", a weekday), read with the
//  word before it ("last week"). Returns true if it set the period.
static bool
s_relative_period (s_words_t *words, size_t index, sb_intent_t *intent)
{
    bool last = index > 0 && s_token_in (words, index - 1, s_last_words);
    bool next = index > 0 && s_token_is (words, index - 1, "next");
    int weekday = s_weekday (words, index);
    if (next)
        return false;            //  the future has no hours to tell
    if (s_token_is (words, index, "today") || s_token_is (words, index, "tonight"))
        intent->period = SB_PERIOD_TODAY;
    else
    if (s_token_is (words, index, "yesterday") || s_token_is (words, index, "yday"))
        intent->period = SB_PERIOD_YESTERDAY;
    else
    if (s_token_is (words, index, "week") || s_token_is (words, index, "weekly"))
        intent->period = last? SB_PERIOD_LAST_WEEK: SB_PERIOD_THIS_WEEK;
    else
    if (s_token_is (words, index, "month"))
        intent->period = last? SB_PERIOD_LAST_MONTH: SB_PERIOD_THIS_MONTH;
    else
    if (weekday >= 0) {
        intent->period = last? SB_PERIOD_LAST_WEEKDAY: SB_PERIOD_WEEKDAY;
        intent->weekday = weekday;
    }
    else
        return false;
    words->tokens [index].used = true;
    if (last)
        words->tokens [index - 1].used = true;
    return true;
}

//  Finds the first period the text names.
static void
s_find_period (s_words_t *words, sb_date_order_t order, sb_intent_t *intent)
{
    for (size_t index = 0; index < words->count && intent->period == SB_PERIOD_NONE; index++) {
        if (words->tokens [index].long_word || words->tokens [index].used)
            continue;
        if (s_numeric_date (words, index, order, intent))
            words->tokens [index].used = true;
        else
        if (!s_month_date (words, index, intent))
            s_relative_period (words, index, intent);
    }
}

//  True if the words from index are "and a half" (then *after is the
//  index past them).
static bool
s_and_a_half (const s_words_t *words, size_t index, size_t *after)
{
    if (s_token_is (words, index, "and") && s_token_is (words, index + 1, "a")
    &&  s_token_is (words, index + 2, "half")) {
        *after = index + 3;
        return true;
    }
    return false;
}

//  Reads hours said in words at index: "half an hour", "an hour (and a
//  half)", "seven and a half hours". Returns the hours (0: none there)
//  and the index past the phrase in *after.
static double
s_hours_phrase (const s_words_t *words, size_t index, size_t *after)
{
    double value;
    const char *unit;
    size_t at = index;
    if (s_token_is (words, at, "half")) {
        at += s_token_is (words, at + 1, "an") || s_token_is (words, at + 1, "a");
        *after = at + 2;
        return s_token_in (words, at + 1, s_hour_units)? 0.5: 0;
    }
    if (s_token_is (words, at, "an") || s_token_is (words, at, "a")) {
        if (!s_token_in (words, at + 1, s_hour_units))
            return 0;
        *after = at + 2;
        return s_and_a_half (words, at + 2, after)? 1.5: 1;
    }
    if (at < words->count && !words->tokens [at].used
    &&  s_number (&words->tokens [at], &value, &unit) && !*unit
    &&  s_and_a_half (words, at + 1, &at) && s_token_in (words, at, s_hour_units)) {
        *after = at + 1;
        return value + 0.5;
    }
    return 0;
}

//  Sets the hours read, if they are in (0, 24], and marks the words.
static void
s_take_hours (s_words_t *words, size_t from, size_t after, double value, sb_intent_t *intent)
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
static void
s_find_hours (s_words_t *words, bool bare_ok, sb_intent_t *intent)
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
        if (!s_number (&words->tokens [index], &value, &unit))
            continue;
        bool apart = !*unit && s_token_in (words, index + 1, s_hour_units);
        if (!(*unit && s_find (s_hour_units, unit) >= 0) && !apart && !(bare_ok && !*unit))
            continue;
        s_take_hours (words, index, index + 1 + apart, value, intent);
    }
}

//  --------------------------------------------------------------------------
//  Note, project, intent

//  Splits off "note: ..." (or notes, comment, memo), not at the start:
//  what follows is the note, and not read for entities.
static void
s_find_note (s_words_t *words, sb_intent_t *intent)
{
    for (size_t index = 1; index < words->count; index++)
        if (s_token_in (words, index, s_note_words)) {
            const char *rest = words->text + words->tokens [index].end;
            rest += strspn (rest, " \t:=-");
            s_copy_text (intent->note, SB_INTENT_NOTE_MAX, rest, strlen (rest));
            words->count = index;
            return;
        }
}

//  True if the token at index can be (part of) a project name: a word with
//  a letter that is no keyword (one too long to be a keyword can).
static bool
s_project_word (const s_words_t *words, size_t index)
{
    if (index >= words->count)
        return false;
    const s_token_t *token = &words->tokens [index];
    double value;
    const char *unit;
    bool letters = false;
    for (const char *at = token->word; *at; at++)
        letters |= isalpha ((unsigned char) *at) || (unsigned char) *at >= 0x80;
    return letters && !token->used
        && s_find (s_stopwords, token->word) < 0 && s_find (s_check_words, token->word) < 0
        && s_find (s_log_verbs, token->word) < 0 && s_find (s_last_words, token->word) < 0
        && s_find (s_project_prepositions, token->word) < 0
        && s_find (s_question_openers, token->word) < 0
        && !s_number (token, &value, &unit) && s_weekday (words, index) < 0;
}

//  Copies the project starting at token first (up to S_PROJECT_WORDS
//  words, stopping at punctuation), marking it used.
static void
s_take_project (s_words_t *words, size_t first, sb_intent_t *intent)
{
    size_t last = first;
    while (last + 1 < words->count && last + 1 - first < S_PROJECT_WORDS
       &&  !words->tokens [last + 1].after_break && s_project_word (words, last + 1))
        last++;
    for (size_t index = first; index <= last; index++)
        words->tokens [index].used = true;
    s_copy_text (intent->project, SB_INTENT_PROJECT_MAX, words->text + words->tokens [first].start,
                 words->tokens [last].end - words->tokens [first].start);
}

//  The project: the words after "on", "to", "for", "at", "project"; for a
//  log with none, the first free word after the verb ("log 8h acme").
static void
s_find_project (s_words_t *words, sb_intent_t *intent)
{
    for (size_t index = 0; index + 1 < words->count; index++)
        if (s_token_in (words, index, s_project_prepositions) && s_project_word (words, index + 1)) {
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
        after_verb |= s_token_in (words, index, s_log_verbs);
    }
}

//  True if the text asks rather than tells: it opens with a question word
//  ("how many hours did I log", "did I submit").
static bool
s_is_question (const s_words_t *words)
{
    return s_token_in (words, 0, s_question_openers);
}

//  Phrases of more than one word that ask for help.
static bool
s_asks_help (const s_words_t *words)
{
    if (s_has (words, s_help_words))
        return true;
    for (size_t index = 0; index + 2 < words->count; index++) {
        if (s_token_is (words, index, "what") && s_token_is (words, index + 1, "can")
        &&  (s_token_is (words, index + 2, "you") || s_token_is (words, index + 2, "i")))
            return true;
        if (s_token_is (words, index, "how") && s_token_is (words, index + 1, "does")
        &&  s_token_is (words, index + 2, "this"))
            return true;
    }
    return false;
}

//  "how many", "how much": asking for figures.
static bool
s_asks_amount (const s_words_t *words)
{
    for (size_t index = 0; index + 1 < words->count; index++)
        if (s_token_is (words, index, "how")
        &&  (s_token_is (words, index + 1, "many") || s_token_is (words, index + 1, "much")))
            return true;
    return false;
}

//  The intent the cue words say, strongest first; UNKNOWN if none.
static sb_intent_kind_t
s_intent_from_cues (const s_words_t *words, const sb_intent_t *intent)
{
    bool question = s_is_question (words);
    bool log_verb = s_has (words, s_log_verbs);
    if (log_verb && !question && (intent->has_hours || intent->bad_hours
                                  || s_token_in (words, 0, s_log_verbs)))
        return SB_INTENT_LOG_HOURS;
    if (s_has (words, s_submit_words) && !question)
        return SB_INTENT_SUBMIT_WEEK;
    if (s_has (words, s_missing_words))
        return SB_INTENT_MISSING_HOURS;
    if (s_asks_help (words))
        return SB_INTENT_HELP;
    if (s_has (words, s_check_words) || s_asks_amount (words) || s_has (words, s_submit_words)
    ||  log_verb)
        return SB_INTENT_CHECK_HOURS;        //  "what did I log on monday?"
    if (s_has (words, s_greetings))
        return SB_INTENT_GREETING;
    return SB_INTENT_UNKNOWN;
}

void
sb_intent_parse (const char *text, sb_date_order_t order, sb_intent_t *intent)
{
    memset (intent, 0, sizeof *intent);
    s_words_t *words = (s_words_t *) calloc (1, sizeof *words);
    if (!words)
        return;                  //  out of memory: nothing understood
    s_tokenize (words, text? text: "");
    s_find_note (words, intent);
    s_find_period (words, order, intent);
    s_find_hours (words, false, intent);
    intent->intent = s_intent_from_cues (words, intent);
    if (intent->intent == SB_INTENT_LOG_HOURS)
        s_find_hours (words, true, intent);
    s_find_project (words, intent);
    if (intent->intent == SB_INTENT_UNKNOWN)
        intent->follow_up = intent->period != SB_PERIOD_NONE || intent->project [0]
                         || intent->has_hours;
    free (words);
}

//  --------------------------------------------------------------------------
//  Names and JSON

const char *
sb_intent_name (sb_intent_kind_t kind)
{
    return kind <= SB_INTENT_REMINDER? s_intent_names [kind]: "unknown";
}

int
sb_intent_from_name (const char *name)
{
    for (int index = 0; name && index <= SB_INTENT_REMINDER; index++)
        if (streq (s_intent_names [index], name))
            return index;
    return -1;
}

json_t *
sb_intent_number (double value)
{
    if (value == floor (value) && fabs (value) < 1e15)
        return json_integer ((json_int_t) value);
    return json_real (value);
}

json_t *
sb_intent_entities (const sb_intent_t *intent)
{
    json_t *entities = json_object ();
    sb_period_kind_t period = intent->period;
    if (period != SB_PERIOD_NONE)
        json_object_set_new (entities, "period", json_string (s_period_names [period]));
    if (period == SB_PERIOD_WEEKDAY || period == SB_PERIOD_LAST_WEEKDAY)
        json_object_set_new (entities, "weekday", json_string (s_weekdays [intent->weekday]));
    if ((period == SB_PERIOD_DATE || period == SB_PERIOD_MONTH) && intent->year)
        json_object_set_new (entities, "year", json_integer (intent->year));
    if (period == SB_PERIOD_DATE || period == SB_PERIOD_MONTH)
        json_object_set_new (entities, "month", json_integer (intent->month));
    if (period == SB_PERIOD_DATE)
        json_object_set_new (entities, "day", json_integer (intent->day));
    if (period == SB_PERIOD_RANGE) {
        json_object_set_new (entities, "from_date", json_string (intent->from_date));
        json_object_set_new (entities, "to_date", json_string (intent->to_date));
    }
    if (intent->has_hours)
        json_object_set_new (entities, "hours", sb_intent_number (intent->hours));
    if (intent->bad_hours)
        json_object_set_new (entities, "hours_out_of_range", json_true ());
    if (intent->project [0])
        json_object_set_new (entities, "project", json_string (intent->project));
    if (intent->note [0])
        json_object_set_new (entities, "note", json_string (intent->note));
    return entities;
}

//  The integer at key if it is one within low..high, else 0.
static int
s_int_in (const json_t *entities, const char *key, int low, int high)
{
    json_t *value = json_object_get (entities, key);
    json_int_t number = json_is_integer (value)? json_integer_value (value): 0;
    return number >= low && number <= high? (int) number: 0;
}

//  Reads the period fields; leaves the intent's period alone if they are
//  not a complete, valid period.
static void
s_read_period (sb_intent_t *intent, const json_t *entities)
{
    const char *name = json_string_value (json_object_get (entities, "period"));
    int kind = -1;
    for (int index = 1; name && index <= SB_PERIOD_RANGE; index++)
        if (streq (s_period_names [index], name))
            kind = index;
    sb_intent_t read = { .period = kind > 0? (sb_period_kind_t) kind: SB_PERIOD_NONE };
    const char *weekday = json_string_value (json_object_get (entities, "weekday"));
    read.weekday = weekday? s_find (s_weekdays, weekday): -1;
    read.year = s_int_in (entities, "year", 1970, 2199);
    read.month = s_int_in (entities, "month", 1, 12);
    read.day = s_int_in (entities, "day", 1, 31);
    const char *from = json_string_value (json_object_get (entities, "from_date"));
    const char *to = json_string_value (json_object_get (entities, "to_date"));
    int32_t from_days, to_days;
    bool valid = kind > 0;
    if (kind == SB_PERIOD_WEEKDAY || kind == SB_PERIOD_LAST_WEEKDAY)
        valid = read.weekday >= 0;
    if (kind == SB_PERIOD_MONTH)
        valid = read.month > 0;
    if (kind == SB_PERIOD_DATE)
        valid = s_valid_day (read.year, read.month, read.day);
    if (kind == SB_PERIOD_RANGE)
        valid = sb_date_parse (from, &from_days) == 0 && sb_date_parse (to, &to_days) == 0
             && from_days <= to_days;
    if (!valid)
        return;
    intent->period = read.period;
    intent->weekday = read.weekday;
    intent->year = read.year;
    intent->month = read.month;
    intent->day = read.day;
    if (kind == SB_PERIOD_RANGE) {
        snprintf (intent->from_date, sizeof intent->from_date, "%s", from);
        snprintf (intent->to_date, sizeof intent->to_date, "%s", to);
    }
}

void
sb_intent_read_entities (sb_intent_t *intent, const json_t *entities)
{
    if (!json_is_object (entities))
        return;
    s_read_period (intent, entities);
    json_t *hours = json_object_get (entities, "hours");
    if (json_is_number (hours) && json_number_value (hours) > 0 && json_number_value (hours) <= 24) {
        intent->has_hours = true;
        intent->hours = json_number_value (hours);
    }
    intent->bad_hours = json_is_true (json_object_get (entities, "hours_out_of_range"));
    const char *project = json_string_value (json_object_get (entities, "project"));
    if (project && *project)
        s_copy_text (intent->project, SB_INTENT_PROJECT_MAX, project, strlen (project));
    const char *note = json_string_value (json_object_get (entities, "note"));
    if (note && *note)
        s_copy_text (intent->note, SB_INTENT_NOTE_MAX, note, strlen (note));
}

void
sb_intent_merge (sb_intent_t *previous, const sb_intent_t *follow_up)
{
    if (follow_up->period != SB_PERIOD_NONE) {
        previous->period = follow_up->period;
        previous->weekday = follow_up->weekday;
        previous->year = follow_up->year;
        previous->month = follow_up->month;
        previous->day = follow_up->day;
        memcpy (previous->from_date, follow_up->from_date, sizeof previous->from_date);
        memcpy (previous->to_date, follow_up->to_date, sizeof previous->to_date);
    }
    if (follow_up->has_hours || follow_up->bad_hours) {
        previous->has_hours = follow_up->has_hours;
        previous->bad_hours = follow_up->bad_hours;
        previous->hours = follow_up->hours;
    }
    if (follow_up->project [0])
        memcpy (previous->project, follow_up->project, sizeof previous->project);
    if (follow_up->note [0])
        memcpy (previous->note, follow_up->note, sizeof previous->note);
    previous->follow_up = false;
}
