/*  sb_intent_period.c — numbers and the period a text names: dates
    ("march 5", "2026-03-05", "5/3"), weekdays, "last week", months.        */

#include "sb_intent_private.h"

//  --------------------------------------------------------------------------
//  Numbers and dates

//  Reads token as a number with an optional unit ("7.5h", "8", "7,5",
//  "eight"). Returns true with the value and the unit (possibly "").
bool
sb_intent_read_number (const sb_intent_token_t *token, double *value, const char **unit)
{
    if (token->long_word)
        return false;
    int word = sb_intent_find (sb_intent_number_words, token->word);
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
s_day_number (const sb_intent_words_t *words, size_t index)
{
    if (index >= words->count || words->tokens [index].used)
        return 0;
    double value;
    const char *unit;
    if (!sb_intent_read_number (&words->tokens [index], &value, &unit)
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
s_year (const sb_intent_words_t *words, size_t index)
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
s_month (const sb_intent_words_t *words, size_t index)
{
    const sb_intent_token_t *token = &words->tokens [index];
    if (token->long_word)
        return 0;
    int month = sb_intent_find (sb_intent_months, token->word);
    if (month < 0)
        month = sb_intent_find (sb_intent_month_abbreviations, token->word);
    if (month < 0 && streq (token->word, "sept"))
        month = 8;
    if (month == 4 && !s_day_number (words, index + 1)
    &&  !(index > 0 && s_day_number (words, index - 1))
    &&  !(index > 0 && (sb_intent_token_is (words, index - 1, "in") || sb_intent_token_is (words, index - 1, "for")
                        || sb_intent_token_is (words, index - 1, "during")
                        || sb_intent_token_is (words, index - 1, "of"))))
        return 0;
    return month + 1;
}

//  True if day can be a day of month (in year, or in any year if 0).
bool
sb_intent_valid_day (int year, int month, int day)
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
s_numeric_date (const sb_intent_words_t *words, size_t index, sb_date_order_t order,
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
    if (!sb_intent_valid_day (year, month, day))
        return false;
    s_set_date (intent, year, month, day);
    return true;
}

//  Reads a month name with its day ("march 5", "5 march", "5th of march",
//  "march 5 2026") or alone ("in february"). Marks the words used.
static bool
s_month_date (sb_intent_words_t *words, size_t index, sb_intent_t *intent)
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
    if (index > 1 && sb_intent_token_is (words, index - 1, "of") && (day = s_day_number (words, index - 2)))
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
    if (!sb_intent_valid_day (year, month, day))
        return false;
    s_set_date (intent, year, month, day);
    return true;
}

//  A weekday name at index: 0..6, or -1.
int
sb_intent_weekday (const sb_intent_words_t *words, size_t index)
{
    const sb_intent_token_t *token = &words->tokens [index];
    if (token->long_word)
        return -1;
    int day = sb_intent_find (sb_intent_weekdays, token->word);
    if (day < 0)
        day = sb_intent_find (sb_intent_weekday_abbreviations, token->word);
    if (day < 0 && (streq (token->word, "tues") || streq (token->word, "weds")))
        day = streq (token->word, "tues")? 2: 3;
    if (day < 0 && (streq (token->word, "thur") || streq (token->word, "thurs")))
        day = 4;
    return day;
}

//  A period word at index ("week", "month", a weekday), read with the
//  word before it ("last week"). Returns true if it set the period.
static bool
s_relative_period (sb_intent_words_t *words, size_t index, sb_intent_t *intent)
{
    bool last = index > 0 && sb_intent_token_in (words, index - 1, sb_intent_last_words);
    bool next = index > 0 && sb_intent_token_is (words, index - 1, "next");
    int weekday = sb_intent_weekday (words, index);
    if (next)
        return false;            //  the future has no hours to tell
    if (sb_intent_token_is (words, index, "today") || sb_intent_token_is (words, index, "tonight"))
        intent->period = SB_PERIOD_TODAY;
    else
    if (sb_intent_token_is (words, index, "yesterday") || sb_intent_token_is (words, index, "yday"))
        intent->period = SB_PERIOD_YESTERDAY;
    else
    if (sb_intent_token_is (words, index, "week") || sb_intent_token_is (words, index, "weekly"))
        intent->period = last? SB_PERIOD_LAST_WEEK: SB_PERIOD_THIS_WEEK;
    else
    if (sb_intent_token_is (words, index, "month"))
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
void
sb_intent_find_period (sb_intent_words_t *words, sb_date_order_t order, sb_intent_t *intent)
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
