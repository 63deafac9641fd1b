/*  sb_intent.c — text to intent and entities, by rules: a tokenizer that
    folds case and punctuation (sb_intent_words.c), then one pass each for
    the note, the period (sb_intent_period.c), the hours, the intent's cue
    words (here) and the project (sb_intent_hours.c).

    Entities are found first and their words marked as used, so that the
    project after "on" is never "monday" and a note ("note: plan next
    week") never names the period.                                       */

#include "sb_intent_private.h"

static const char *s_period_names [] = {
    "none", "today", "yesterday", "this_week", "last_week", "weekday", "last_weekday",
    "date", "month", "this_month", "last_month", "range"
};
static const char *s_intent_names [] = {
    "unknown", "check_hours", "missing_hours", "log_hours", "submit_week", "help",
    "greeting", "reminder"
};


//  True if the text asks rather than tells: it opens with a question word
//  ("how many hours did I log", "did I submit").
static bool
s_is_question (const sb_intent_words_t *words)
{
    return sb_intent_token_in (words, 0, sb_intent_question_openers);
}

//  Phrases of more than one word that ask for help.
static bool
s_asks_help (const sb_intent_words_t *words)
{
    if (sb_intent_has (words, sb_intent_help_words))
        return true;
    for (size_t index = 0; index + 2 < words->count; index++) {
        if (sb_intent_token_is (words, index, "what") && sb_intent_token_is (words, index + 1, "can")
        &&  (sb_intent_token_is (words, index + 2, "you") || sb_intent_token_is (words, index + 2, "i")))
            return true;
        if (sb_intent_token_is (words, index, "how") && sb_intent_token_is (words, index + 1, "does")
        &&  sb_intent_token_is (words, index + 2, "this"))
            return true;
    }
    return false;
}

//  "how many", "how much": asking for figures.
static bool
s_asks_amount (const sb_intent_words_t *words)
{
    for (size_t index = 0; index + 1 < words->count; index++)
        if (sb_intent_token_is (words, index, "how")
        &&  (sb_intent_token_is (words, index + 1, "many") || sb_intent_token_is (words, index + 1, "much")))
            return true;
    return false;
}

//  The intent the cue words say, strongest first; UNKNOWN if none.
static sb_intent_kind_t
s_intent_from_cues (const sb_intent_words_t *words, const sb_intent_t *intent)
{
    bool question = s_is_question (words);
    bool log_verb = sb_intent_has (words, sb_intent_log_verbs);
    if (log_verb && !question && (intent->has_hours || intent->bad_hours
                                  || sb_intent_token_in (words, 0, sb_intent_log_verbs)))
        return SB_INTENT_LOG_HOURS;
    if (sb_intent_has (words, sb_intent_submit_words) && !question)
        return SB_INTENT_SUBMIT_WEEK;
    if (sb_intent_has (words, sb_intent_missing_words))
        return SB_INTENT_MISSING_HOURS;
    if (s_asks_help (words))
        return SB_INTENT_HELP;
    if (sb_intent_has (words, sb_intent_check_words) || s_asks_amount (words) || sb_intent_has (words, sb_intent_submit_words)
    ||  log_verb)
        return SB_INTENT_CHECK_HOURS;        //  "what did I log on monday?"
    if (sb_intent_has (words, sb_intent_greetings))
        return SB_INTENT_GREETING;
    return SB_INTENT_UNKNOWN;
}

void
sb_intent_parse (const char *text, sb_date_order_t order, sb_intent_t *intent)
{
    memset (intent, 0, sizeof *intent);
    sb_intent_words_t *words = (sb_intent_words_t *) calloc (1, sizeof *words);
    if (!words)
        return;                  //  out of memory: nothing understood
    sb_intent_tokenize (words, text? text: "");
    sb_intent_find_note (words, intent);
    sb_intent_find_period (words, order, intent);
    sb_intent_find_hours (words, false, intent);
    intent->intent = s_intent_from_cues (words, intent);
    if (intent->intent == SB_INTENT_LOG_HOURS)
        sb_intent_find_hours (words, true, intent);
    sb_intent_find_project (words, intent);
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
        json_object_set_new (entities, "weekday", json_string (sb_intent_weekdays [intent->weekday]));
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
    read.weekday = weekday? sb_intent_find (sb_intent_weekdays, weekday): -1;
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
        valid = sb_intent_valid_day (read.year, read.month, read.day);
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
        sb_intent_copy_text (intent->project, SB_INTENT_PROJECT_MAX, project, strlen (project));
    const char *note = json_string_value (json_object_get (entities, "note"));
    if (note && *note)
        sb_intent_copy_text (intent->note, SB_INTENT_NOTE_MAX, note, strlen (note));
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
