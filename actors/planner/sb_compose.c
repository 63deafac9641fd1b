/*  sb_compose.c — reply sentences from a timesheet result, per intent, at
    three levels of detail. Figures come from the result only; what the
    employee said (entities) decides the wording, never a figure.        */

#include "sb_compose.h"
#include "sb_intent.h"
#include "sb_date.h"

#define S_DAYS_LISTED     8      /* missing days named before "and N more" */
#define S_PROJECTS_LISTED 6

typedef struct {
    const json_t *result;        //  the timesheet.result body, or NULL
    sb_intent_t said;            //  the conversation's intent and entities
    const char *name;            //  the employee's name, or NULL
    sb_detail_t detail;
    json_t *sentences;           //  what is composed
} s_compose_t;

static const char *s_weekday_names [7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *s_month_names [12] = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"
};

//  Appends one sentence.
static void
s_add (s_compose_t *self, const char *format, ...) SB_PRINTF (2, 3);

static void
s_add (s_compose_t *self, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char *sentence = zsys_vprintf (format, args);
    va_end (args);
    if (sentence)
        json_array_append_new (self->sentences, json_string (sentence));
    zstr_free (&sentence);
}

void
sb_compose_hours (double hours, char *buffer, size_t size)
{
    char number [32];
    snprintf (number, sizeof number, "%.2f", hours);
    char *end = number + strlen (number) - 1;
    while (*end == '0')
        *end-- = 0;
    if (*end == '.')
        *end = 0;
    snprintf (buffer, size, "%s %s", number, streq (number, "1")? "hour": "hours");
}

//  The number at key of the result, or -1 if it has none.
static double
s_figure (const json_t *object, const char *key)
{
    json_t *value = json_object_get (object, key);
    return json_is_number (value)? json_number_value (value): -1;
}

//  "Thu 5 March" (with_month) or "Thu 5" for a YYYY-MM-DD; the text
//  itself if it is no date.
static void
s_day_text (const char *date, bool with_month, char *buffer, size_t size)
{
    int32_t days;
    if (!date || sb_date_parse (date, &days)) {
        snprintf (buffer, size, "%s", date? date: "");
        return;
    }
    int year, month, day;
    sb_date_to_civil (days, &year, &month, &day);
    snprintf (buffer, size, "%s %d%s%s", s_weekday_names [sb_date_weekday (days)], day,
              with_month? " ": "", with_month? s_month_names [month - 1]: "");
}

//  The result's period dates (borrowed, NULL if absent).
static const char *
s_period_date (const s_compose_t *self, const char *key)
{
    return json_string_value (json_object_get (json_object_get (self->result, "period"), key));
}

//  The words for the period the reply is about: "this week", "on Thu 5
//  March", "in February", "from Mon 2 March to Sun 8 March".
static void
s_period_phrase (const s_compose_t *self, char *buffer, size_t size)
{
    static const char *relative [] = {
        [SB_PERIOD_TODAY] = "today", [SB_PERIOD_YESTERDAY] = "yesterday",
        [SB_PERIOD_THIS_WEEK] = "this week", [SB_PERIOD_LAST_WEEK] = "last week",
        [SB_PERIOD_THIS_MONTH] = "this month", [SB_PERIOD_LAST_MONTH] = "last month",
    };
    const char *from = s_period_date (self, "from_date");
    const char *to = s_period_date (self, "to_date");
    sb_period_kind_t period = self->said.period;
    char first [40], last [40];
    s_day_text (from, true, first, sizeof first);
    s_day_text (to, true, last, sizeof last);
    if (period < sizeof relative / sizeof relative [0] && relative [period])
        snprintf (buffer, size, "%s", relative [period]);
    else
    if (self->said.intent == SB_INTENT_REMINDER && period == SB_PERIOD_NONE && from)
        snprintf (buffer, size, "in the week of %s", first);
    else
    if (period == SB_PERIOD_MONTH && from && strlen (from) == 10
    &&  atoi (from + 5) >= 1 && atoi (from + 5) <= 12)
        snprintf (buffer, size, "in %s", s_month_names [atoi (from + 5) - 1]);
    else
    if (from && to && streq (from, to))
        snprintf (buffer, size, "on %s", first);
    else
    if (from && to)
        snprintf (buffer, size, "from %s to %s", first, last);
    else
        snprintf (buffer, size, "so far");
}

//  "Tue 3, Wed 4 and Thu 5 March, and 2 more days": up to max days of a
//  list of YYYY-MM-DD, the month written once per run of one month.
static void
s_days_list (const json_t *days, size_t max, char *buffer, size_t size)
{
    size_t count = json_array_size (days), shown = count < max? count: max;
    *buffer = 0;
    for (size_t index = 0; index < shown; index++) {
        const char *date = json_string_value (json_array_get (days, index));
        const char *next = index + 1 < shown
                         ? json_string_value (json_array_get (days, index + 1)): NULL;
        bool month_changes = !next || !date || strlen (date) < 7 || strncmp (date, next, 7);
        char day [40];
        s_day_text (date, month_changes, day, sizeof day);
        const char *separator = index == 0? "": index + 1 == shown && shown == count? " and ": ", ";
        size_t used = strlen (buffer);
        snprintf (buffer + used, size - used, "%s%s", separator, day);
    }
    size_t used = strlen (buffer);
    if (count > shown)
        snprintf (buffer + used, size - used, " and %zu more day%s", count - shown,
                  count - shown == 1? "": "s");
}

//  word and the name: "Sorry Dana" or "Sorry".
static const char *
s_named (const s_compose_t *self, const char *word, char *buffer, size_t size)
{
    snprintf (buffer, size, "%s%s%s", word, self->name? " ": "", self->name? self->name: "");
    return buffer;
}

//  --------------------------------------------------------------------------
//  check_hours and the reminder

//  The hours on project (matched without case) in the result: its
//  totals_by_project entry, else the sum of its entries; -1 if none. The
//  result's spelling of the project into spelled.
static double
s_project_hours (const json_t *result, const char *project, char *spelled, size_t size)
{
    const char *key;
    json_t *value;
    snprintf (spelled, size, "%s", project);
    json_object_foreach ((json_t *) json_object_get (result, "totals_by_project"), key, value)
        if (strcasecmp (key, project) == 0 && json_is_number (value)) {
            snprintf (spelled, size, "%s", key);
            return json_number_value (value);
        }
    return -1;
}

//  The opening sentence: the total (or one project's) in the period,
//  after lead ("Hi Dana,").
static void
s_total_sentence (s_compose_t *self, const char *lead, const char *period)
{
    char hours [48], project [SB_INTENT_PROJECT_MAX + 1];
    if (self->said.project [0]) {
        double on_project = s_project_hours (self->result, self->said.project, project,
                                             sizeof project);
        sb_compose_hours (on_project, hours, sizeof hours);
        if (on_project > 0)
            s_add (self, "%s you have %s logged on %s %s.", lead, hours, project, period);
        else
            s_add (self, "%s you have no hours logged on %s %s.", lead, project, period);
        return;
    }
    double total = s_figure (self->result, "total_hours");
    sb_compose_hours (total, hours, sizeof hours);
    if (total > 0)
        s_add (self, "%s you have %s logged %s.", lead, hours, period);
    else
        s_add (self, "%s you have no hours logged %s.", lead, period);
}

//  "By project: Acme 5 hours, Globex 3 hours." or "All on Acme."
static void
s_projects_sentence (s_compose_t *self)
{
    json_t *projects = json_object_get (self->result, "totals_by_project");
    size_t count = json_object_size (projects), shown = 0;
    const char *key;
    json_t *value;
    if (count == 1) {
        json_object_foreach (projects, key, value)
            s_add (self, "All on %s.", key);
        return;
    }
    char text [1024] = "By project: ";
    json_object_foreach (projects, key, value) {
        if (!json_is_number (value) || shown == S_PROJECTS_LISTED)
            continue;
        char hours [48];
        sb_compose_hours (json_number_value (value), hours, sizeof hours);
        size_t used = strlen (text);
        snprintf (text + used, sizeof text - used, "%s%.128s %s", shown++? ", ": "", key, hours);
    }
    if (count > shown) {
        size_t used = strlen (text);
        snprintf (text + used, sizeof text - used, " and %zu more", count - shown);
    }
    if (shown)
        s_add (self, "%s.", text);
}

//  Expected hours, and how many are missing (expected - total).
static void
s_expected_sentence (s_compose_t *self)
{
    double expected = s_figure (self->result, "expected_hours");
    double total = s_figure (self->result, "total_hours");
    if (expected <= 0 || total < 0)
        return;
    char expected_text [48], missing_text [48];
    sb_compose_hours (expected, expected_text, sizeof expected_text);
    sb_compose_hours (expected - total, missing_text, sizeof missing_text);
    if (total == 0)
        s_add (self, "Expected so far: %s.", expected_text);
    else
    if (total < expected)
        s_add (self, "Expected so far: %s, so %s %s missing.", expected_text, missing_text,
               expected - total == 1? "is": "are");
    else
        s_add (self, "That covers the %s expected so far.", expected_text);
}

//  The working days with no hours: named (FULL) or counted (SHORT).
static void
s_missing_days_sentence (s_compose_t *self)
{
    json_t *days = json_object_get (self->result, "missing_days");
    size_t count = json_array_size (days);
    if (count == 0)
        return;
    if (self->detail == SB_DETAIL_FULL) {
        char list [600];
        s_days_list (days, S_DAYS_LISTED, list, sizeof list);
        s_add (self, "No hours yet on %s.", list);
    }
    else
        s_add (self, "%zu working day%s no hours yet.", count, count == 1? " has": "s have");
}

static void
s_check_hours (s_compose_t *self, bool reminder)
{
    char period [120], hi [160], lead [200];
    s_period_phrase (self, period, sizeof period);
    s_named (self, "Hi", hi, sizeof hi);
    snprintf (lead, sizeof lead, "%s,%s", hi, reminder? " a reminder:": "");
    s_total_sentence (self, lead, period);
    if (self->detail == SB_DETAIL_MINIMAL || self->said.project [0])
        return;
    if (self->detail == SB_DETAIL_FULL && json_object_size (json_object_get (self->result,
                                                                             "totals_by_project")))
        s_projects_sentence (self);
    s_expected_sentence (self);
    s_missing_days_sentence (self);
    if (reminder)
        s_add (self, "Reply \"submit my week\" when it is complete.");
}

//  --------------------------------------------------------------------------
//  missing_hours, log_hours, submit_week

static void
s_missing_hours (s_compose_t *self)
{
    char hi [160], period [120];
    s_named (self, "Hi", hi, sizeof hi);
    s_period_phrase (self, period, sizeof period);
    json_t *days = json_object_get (self->result, "missing_days");
    size_t count = json_array_size (days);
    if (count == 0) {
        s_add (self, "%s, nothing is missing %s: every working day has hours.", hi, period);
        return;
    }
    if (self->detail == SB_DETAIL_MINIMAL) {
        s_add (self, "%s, %s %zu working day%s no hours yet.", hi, period, count,
               count == 1? " has": "s have");
        return;
    }
    char list [600];
    s_days_list (days, self->detail == SB_DETAIL_FULL? S_DAYS_LISTED: 3, list, sizeof list);
    if (count == 1)
        s_add (self, "%s, %s %s has no hours yet.", hi, period, list);
    else
        s_add (self, "%s, %s these days have no hours yet: %s.", hi, period, list);
}

//  The error the timesheet gave, without a closing full stop.
static void
s_error_text (const json_t *result, char *buffer, size_t size)
{
    const char *error = json_string_value (json_object_get (result, "error"));
    snprintf (buffer, size, "%s", error && *error? error: "the timesheet service refused it");
    size_t length = strlen (buffer);
    while (length && (buffer [length - 1] == '.' || isspace ((unsigned char) buffer [length - 1])))
        buffer [--length] = 0;
}

static void
s_log_hours (s_compose_t *self)
{
    char done [160], hours [48], day [40];
    snprintf (done, sizeof done, "Done%s%s", self->name? ", ": "", self->name? self->name: "");
    const json_t *entry = json_array_get (json_object_get (self->result, "entries"), 0);
    const char *date = json_string_value (json_object_get (entry, "date"));
    const char *project = json_string_value (json_object_get (entry, "project"));
    const char *note = json_string_value (json_object_get (entry, "note"));
    double logged = s_figure (entry, "hours");
    if (!entry || !date || !project || logged < 0) {
        s_add (self, "%s: your hours are logged.", done);
        return;
    }
    sb_compose_hours (logged, hours, sizeof hours);
    s_day_text (date, true, day, sizeof day);
    if (json_is_true (json_object_get (self->result, "duplicate")))
        s_add (self, "%s: %s on %s for %s were logged already, so nothing was added.",
               done, hours, project, day);
    else
        s_add (self, "%s: %s on %s for %s are logged.", done, hours, project, day);
    if (self->detail != SB_DETAIL_FULL)
        return;
    if (note && *note)
        s_add (self, "Note: %s.", note);
    double on_day = s_figure (json_object_get (self->result, "totals_by_day"), date);
    if (on_day > 0 && fabs (on_day - logged) > 1e-9) {
        sb_compose_hours (on_day, hours, sizeof hours);
        s_add (self, "%s now has %s in total.", day, hours);
    }
}

static void
s_submit_week (s_compose_t *self)
{
    char thanks [160], week [40], hours [48];
    s_named (self, "Thanks", thanks, sizeof thanks);
    s_day_text (s_period_date (self, "from_date"), true, week, sizeof week);
    if (json_is_true (json_object_get (self->result, "duplicate"))) {
        s_add (self, "%s, your timesheet for the week of %s was submitted already.", thanks, week);
        return;
    }
    s_add (self, "%s, your timesheet for the week of %s is submitted.", thanks, week);
    double total = s_figure (self->result, "total_hours");
    sb_compose_hours (total, hours, sizeof hours);
    if (total > 0 && self->detail != SB_DETAIL_MINIMAL)
        s_add (self, "It has %s.", hours);
}

//  --------------------------------------------------------------------------
//  Replies without figures: greeting, help, unknown, a log that lacks
//  something, an error

static void
s_lookup_reply (s_compose_t *self)
{
    char hi [160], sorry [160];
    s_named (self, "Hi", hi, sizeof hi);
    s_named (self, "Sorry", sorry, sizeof sorry);
    bool minimal = self->detail == SB_DETAIL_MINIMAL;
    switch (self->said.intent) {
        case SB_INTENT_GREETING:
            s_add (self, "%s! Ask me about your hours, for example \"hours this week\" or "
                         "\"what am I missing\", or send \"help\".", hi);
            break;
        case SB_INTENT_HELP:
            s_add (self, "%s! You can ask me \"hours this week\"%s, \"what am I missing\", "
                         "\"log eight hours on Acme yesterday\" or \"submit my week\".", hi,
                   minimal? "": " (or today, yesterday, last week, last friday, in february)");
            break;
        case SB_INTENT_LOG_HOURS:
            s_add (self, "%s, %sto log time tell me the hours, the project and the day, for "
                         "example \"log eight hours on Acme yesterday\".", hi,
                   self->said.bad_hours? "one entry holds at most a full day: ": "");
            break;
        default:
            s_add (self, "%s, I did not understand that. Try \"hours this week\", "
                         "\"what am I missing\" or \"help\".", sorry);
            break;
    }
}

static void
s_error_reply (s_compose_t *self, const char *tool)
{
    char sorry [160], error [600];
    s_named (self, "Sorry", sorry, sizeof sorry);
    s_error_text (self->result, error, sizeof error);
    const char *what = streq (tool, "timesheet.log")? "log those hours"
                     : streq (tool, "timesheet.submit")? "submit your week"
                     : "read your timesheet";
    //  Two sentences: a refinement can drop the relayed error (it is the
    //  timesheet's text) and keep the apology
    s_add (self, "%s, I could not %s.", sorry, what);
    s_add (self, "The timesheet says: %s.", error);
}

json_t *
sb_compose_sentences (const json_t *conversation, const json_t *result, sb_detail_t detail)
{
    s_compose_t self = { .result = result, .detail = detail, .sentences = json_array () };
    const char *intent = json_string_value (json_object_get (conversation, "intent"));
    int kind = sb_intent_from_name (intent);
    self.said.intent = kind < 0? SB_INTENT_UNKNOWN: (sb_intent_kind_t) kind;
    sb_intent_read_entities (&self.said, json_object_get (conversation, "entities"));
    const char *name = json_string_value (json_object_get (json_object_get (result, "employee"),
                                                           "name"));
    self.name = name && *name? name: NULL;
    const char *status = json_string_value (json_object_get (result, "status"));
    const char *tool = json_string_value (json_object_get (result, "tool"));
    if (status && streq (status, "not_registered"))
        s_add (&self, "%s", SB_COMPOSE_NOT_REGISTERED);
    else
    if (status && streq (status, "error"))
        s_error_reply (&self, tool? tool: "");
    else
    if (!tool || streq (tool, "employee.lookup"))
        s_lookup_reply (&self);
    else
    if (self.said.intent == SB_INTENT_MISSING_HOURS)
        s_missing_hours (&self);
    else
    if (streq (tool, "timesheet.log"))
        s_log_hours (&self);
    else
    if (streq (tool, "timesheet.submit"))
        s_submit_week (&self);
    else
        s_check_hours (&self, self.said.intent == SB_INTENT_REMINDER);
    if (json_array_size (self.sentences) == 0)
        s_add (&self, "%s", SB_COMPOSE_FALLBACK);
    return self.sentences;
}

char *
sb_compose_join (const json_t *sentences)
{
    size_t index, size = 1;
    json_t *sentence;
    json_array_foreach (sentences, index, sentence)
        size += strlen (json_string_value (sentence)) + 1;
    if (json_array_size (sentences) == 0)
        return NULL;
    char *text = (char *) calloc (1, size);
    if (!text)
        return NULL;
    json_array_foreach (sentences, index, sentence) {
        if (index)
            strcat (text, " ");
        strcat (text, json_string_value (sentence));
    }
    return text;
}
