/*  sb_condense.c — fitting a reply into its budget, step by step, from
    what costs the reader least to what costs most (sb_condense.h).       */

#include "sb_condense.h"
#include "sb_brand.h"
#include "sb_date.h"
#include "sb_hours.h"
#include "sb_sms.h"
#include "sb_text.h"

#define S_WHATSAPP_MAX  4096    /* bytes: the schema's limit for text     */
#define S_MAX_SENTENCES 256
#define S_COUNT(array) (sizeof (array) / sizeof (array) [0])

//  Shorter phrasings, tried one rule at a time in this order; the
//  contractions not for the formal tone.
static const char *s_phrases [][2] = {
    { "you have logged", "you logged" },
};
static const char *s_contractions [][2] = {
    { "thank you", "thanks" }, { "have not", "haven't" }, { "has not", "hasn't" }, { "do not", "don't" },
    { "does not", "doesn't" }, { "did not", "didn't" }, { "is not", "isn't" },
    { "are not", "aren't" }, { "cannot", "can't" }, { "will not", "won't" },
    { "you have", "you've" }, { "you are", "you're" }, { "you will", "you'll" },
    { "it is", "it's" }, { "that is", "that's" }, { "there is", "there's" },
    { "we are", "we're" }, { "I am", "I'm" },
};
static const char *s_months [][2] = {
    { "January", "Jan" }, { "February", "Feb" }, { "March", "Mar" }, { "April", "Apr" },
    { "June", "Jun" }, { "July", "Jul" }, { "August", "Aug" }, { "September", "Sep" },
    { "October", "Oct" }, { "November", "Nov" }, { "December", "Dec" },
};
static const char *s_days [][2] = {
    { "Monday", "Mon" }, { "Tuesday", "Tue" }, { "Wednesday", "Wed" }, { "Thursday", "Thu" },
    { "Friday", "Fri" }, { "Saturday", "Sat" }, { "Sunday", "Sun" },
};
static const char *s_last_phrases [][2] = {
    { "for example", "e.g." }, { "as soon as possible", "ASAP" },
    { "approximately", "about" }, { "information", "info" }, { "minutes", "min" },
    { "and", "&" },
};

//  How pleasantries start: sentences without a figure that start so are
//  the first to go.
static const char *s_pleasantries [] = {
    "thank", "thanks", "have a", "keep up", "keep it up", "great", "well done", "cheers",
    "see you", "enjoy",
};

//  Kinds of sentence, in the order they are dropped.
typedef enum { S_PLEASANTRY, S_NOTE, S_PER_PROJECT, S_PER_DAY, S_KEEP } s_rank_t;

typedef struct {
    size_t start, end;          //  with the spaces after it
} s_span_t;

typedef struct {
    char *body;                 //  the body so far (owned)
    const char *sign_off;       //  the sign-off in use
    const sb_condense_t *spec;
} s_work_t;

static bool
s_fits_text (const char *text, const sb_condense_t *spec)
{
    if (!spec->sms)
        return strlen (text) <= S_WHATSAPP_MAX;
    sb_sms_info_t info;
    char err [128];
    return sb_sms_measure (text, &info, err, sizeof err) == 0
        && info.segments <= spec->max_segments;
}

static bool
s_fits (const s_work_t *work)
{
    char *text = zsys_sprintf ("%s%s", work->body, work->sign_off);
    bool fits = text && s_fits_text (text, work->spec);
    free (text);
    return fits;
}

//  Makes changed (if any) the body. Returns true if it did.
static bool
s_take (s_work_t *work, char *changed)
{
    if (!changed)
        return false;
    free (work->body);
    work->body = changed;
    return true;
}

//  Step 1: look-alikes and no emoji, kept only if the text becomes GSM-7.
static bool
s_step_gsm (s_work_t *work)
{
    char *folded = sb_sms_to_gsm (work->body, SB_SMS_PUNCTUATION | SB_SMS_LETTERS);
    char *plain = folded? sb_brand_drop_emoji (folded): NULL;
    char *text = plain? zsys_sprintf ("%s%s", plain, work->sign_off): NULL;
    sb_sms_info_t info;
    char err [128];
    bool gsm = text && sb_sms_measure (text, &info, err, sizeof err) == 0
            && info.encoding == SB_SMS_GSM7;
    free (text);
    free (folded);
    if (!gsm || !s_take (work, plain))
        free (plain);
    return gsm && s_fits (work);
}

//  Writes each hours figure as "8h". Returns a new string, or NULL if
//  there was nothing to shorten.
static char *
s_short_hours (const char *text)
{
    sb_hours_figure_t figure;
    size_t done = 0;
    char *result = NULL;
    for (size_t offset = 0; sb_hours_next (text, offset, &figure); offset = figure.end) {
        size_t number = strspn (text + figure.start, "0123456789.,");
        if (figure.end - figure.start == number + 1)
            continue;           //  "8h" already
        char *longer = zsys_sprintf ("%s%.*sh", result? result: "",
                                     (int) (figure.start + number - done), text + done);
        free (result);
        result = longer;
        done = figure.end;
    }
    char *whole = result? zsys_sprintf ("%s%s", result, text + done): NULL;
    free (result);
    return whole;
}

//  Applies the rules of table one at a time. Returns true once it fits.
static bool
s_apply (s_work_t *work, const char *table [][2], size_t count)
{
    for (size_t index = 0; index < count; index++)
        if (s_take (work, sb_text_replace_word (work->body, table [index][0], table [index][1]))
        &&  s_fits (work))
            return true;
    return false;
}

//  Step 2: shorter phrasings.
static bool
s_step_phrases (s_work_t *work)
{
    return s_apply (work, s_phrases, S_COUNT (s_phrases))
        || (!work->spec->formal && s_apply (work, s_contractions, S_COUNT (s_contractions)))
        || s_apply (work, s_months, S_COUNT (s_months))
        || s_apply (work, s_days, S_COUNT (s_days))
        || (s_take (work, s_short_hours (work->body)) && s_fits (work))
        || s_apply (work, s_last_phrases, S_COUNT (s_last_phrases));
}

//  Step 3: the sign-off's shortest form.
static bool
s_step_sign_off (s_work_t *work)
{
    work->sign_off = work->spec->short_sign_off;
    return s_fits (work);
}

//  Splits text into sentences: each ends at . ! or ? before a space or
//  the end, or at a line end. Returns how many (the last takes the rest).
static size_t
s_sentences (const char *text, s_span_t *spans, size_t max)
{
    size_t count = 0, start = 0, size = strlen (text);
    for (size_t at = 0; at < size && count < max - 1; at++) {
        char next = text [at + 1];
        bool ends = text [at] == '\n'
                 || (strchr (".!?", text [at]) && (next == ' ' || next == '\n' || !next));
        if (!ends)
            continue;
        size_t end = at + 1 + strspn (text + at + 1, " \n");
        spans [count++] = (s_span_t) { start, end };
        start = end;
        at = end - 1;
    }
    if (start < size)
        spans [count++] = (s_span_t) { start, size };
    return count;
}

//  True if a figure in sentence says the total, the expected or the
//  missing hours: what the reply is for.
static bool
s_states_key_figure (const char *sentence, const json_t *timesheet)
{
    json_t *total = json_object_get (timesheet, "total_hours");
    json_t *expected = json_object_get (timesheet, "expected_hours");
    double missing = json_number_value (expected) - json_number_value (total);
    sb_hours_figure_t figure;
    for (size_t offset = 0; sb_hours_next (sentence, offset, &figure); offset = figure.end)
        if ((json_is_number (total) && sb_hours_says (&figure, json_number_value (total)))
        ||  (json_is_number (expected) && sb_hours_says (&figure, json_number_value (expected)))
        ||  (json_is_number (total) && json_is_number (expected) && missing > 0
             && sb_hours_says (&figure, missing)))
            return true;
    return false;
}

//  True if sentence has word (whole, any case).
static bool
s_has_word (const char *sentence, const char *word)
{
    size_t length;
    return word && *word && sb_text_find_word (sentence, 0, word, &length) >= 0;
}

//  True if sentence names one of the entries' field (or, for a project,
//  one of totals_by_project's).
static bool
s_names_entry_field (const char *sentence, const json_t *timesheet, const char *field)
{
    size_t index;
    json_t *entry;
    json_array_foreach (json_object_get (timesheet, "entries"), index, entry) {
        const char *value = json_string_value (json_object_get (entry, field));
        if (value && strlen (value) >= 3 && (streq (field, "project")
                                             ? s_has_word (sentence, value)
                                             : strcasestr (sentence, value) != NULL))
            return true;
    }
    const char *project;
    json_t *hours;
    json_object_foreach (json_object_get (timesheet, "totals_by_project"), project, hours)
        if (streq (field, "project") && s_has_word (sentence, project))
            return true;
    return false;
}

//  True if sentence names a day: a weekday, a month, a date, today.
static bool
s_names_day (const char *sentence)
{
    for (size_t index = 0; index < S_COUNT (s_days); index++)
        if (s_has_word (sentence, s_days [index][0]) || s_has_word (sentence, s_days [index][1]))
            return true;
    for (size_t index = 0; index < S_COUNT (s_months); index++)
        if (s_has_word (sentence, s_months [index][0]) || s_has_word (sentence, s_months [index][1]))
            return true;
    for (const char *at = sentence; *at; at++) {
        int32_t days;
        char date [11];
        snprintf (date, sizeof date, "%s", at);
        if (sb_date_parse (date, &days) == 0)
            return true;
    }
    return s_has_word (sentence, "today") || s_has_word (sentence, "yesterday");
}

//  True if sentence is a pleasantry: no digit, and starts like one.
static bool
s_is_pleasantry (const char *sentence)
{
    size_t length;
    if (strpbrk (sentence, "0123456789"))
        return false;
    for (size_t index = 0; index < S_COUNT (s_pleasantries); index++)
        if (sb_text_find_word (sentence, 0, s_pleasantries [index], &length) == 0)
            return true;
    return false;
}

static s_rank_t
s_rank (const char *sentence, const json_t *timesheet)
{
    sb_hours_figure_t figure;
    bool has_figure = sb_hours_next (sentence, 0, &figure);
    if (s_states_key_figure (sentence, timesheet))
        return S_KEEP;
    if (s_is_pleasantry (sentence))
        return S_PLEASANTRY;
    if (s_has_word (sentence, "note") || s_has_word (sentence, "notes")
    ||  s_names_entry_field (sentence, timesheet, "note"))
        return S_NOTE;
    if (has_figure && s_names_entry_field (sentence, timesheet, "project"))
        return S_PER_PROJECT;
    if (has_figure && s_names_day (sentence))
        return S_PER_DAY;
    return S_KEEP;
}

//  Drops the last sentence (never the first) of rank. Returns true if it
//  dropped one.
static bool
s_drop_last (s_work_t *work, s_rank_t rank)
{
    s_span_t spans [S_MAX_SENTENCES];
    size_t count = s_sentences (work->body, spans, S_MAX_SENTENCES);
    for (size_t index = count; index-- > 1;) {
        const s_span_t *span = &spans [index];
        char *sentence = strndup (work->body + span->start, span->end - span->start);
        bool match = sentence && s_rank (sentence, work->spec->timesheet) == rank;
        free (sentence);
        if (!match)
            continue;
        memmove (work->body + span->start, work->body + span->end,
                 strlen (work->body + span->end) + 1);
        size_t length = strlen (work->body);
        while (length && (work->body [length - 1] == ' ' || work->body [length - 1] == '\n'))
            work->body [--length] = 0;
        return true;
    }
    return false;
}

//  Step 4: sentences dropped, pleasantries and notes first, then
//  per-project and per-day detail, the last of each kind first.
static bool
s_step_drop (s_work_t *work)
{
    for (s_rank_t rank = S_PLEASANTRY; rank < S_KEEP; rank++)
        while (s_drop_last (work, rank))
            if (s_fits (work))
                return true;
    return false;
}

//  Step 5, the last resort: the longest start of the body that fits with
//  "..." and the sign-off, cut at a word boundary. Returns the text, or
//  NULL with the reason.
static char *
s_cut (s_work_t *work, char *err, size_t errlen)
{
    const char *body = work->body;
    for (size_t at = strlen (body); at > 0; at--) {
        if (body [at] != ' ' && body [at] != '\n')
            continue;
        size_t keep = at;
        while (keep > 0 && strchr (" \n,;:-.!?", body [keep - 1]))
            keep--;
        char *text = keep? zsys_sprintf ("%.*s...%s", (int) keep, body, work->sign_off): NULL;
        if (text && s_fits_text (text, work->spec))
            return text;
        free (text);
    }
    char *alone = zsys_sprintf ("...%s", work->sign_off), quoted [72], budget [64];
    if (work->spec->sms)
        snprintf (budget, sizeof budget, "%d SMS segment%s", work->spec->max_segments,
                  work->spec->max_segments > 1? "s": "");
    else
        snprintf (budget, sizeof budget, "%d bytes", S_WHATSAPP_MAX);
    const char *sign_off = work->sign_off + strspn (work->sign_off, "\n");
    sb_text_quote (sign_off, strlen (sign_off), quoted, sizeof quoted);
    bool sign_off_fits = alone && s_fits_text (alone, work->spec);
    free (alone);
    if (sign_off_fits)
        snprintf (err, errlen, "cannot fit the draft in %s: its first word alone is too long",
                  budget);
    else
        snprintf (err, errlen, "cannot fit the draft in %s: the sign-off '%s' alone is over "
                  "the budget", budget, quoted);
    return NULL;
}

char *
sb_condense (const char *body, const sb_condense_t *spec, bool *condensed,
             char *err, size_t errlen)
{
    s_work_t work = { strdup (body), spec->sign_off, spec };
    if (!work.body) {
        snprintf (err, errlen, "out of memory");
        return NULL;
    }
    *condensed = !s_fits (&work);
    bool fits = !*condensed || (spec->sms && (s_step_gsm (&work) || s_step_phrases (&work)
                                              || s_step_sign_off (&work) || s_step_drop (&work)));
    char *text = fits? zsys_sprintf ("%s%s", work.body, work.sign_off)
                     : s_cut (&work, err, errlen);
    free (work.body);
    return text;
}
