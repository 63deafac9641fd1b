/*  sb_checks.c — the quality checks, one function each, run from a table.
    A failed check writes a reason that says what is wrong and what to do,
    quoting what it found, so that the planner can refine the draft.      */

#include "sb_checks.h"
#include "sb_contact.h"
#include "sb_hours.h"
#include "sb_sms.h"
#include "sb_text.h"

#define S_REASON_MAX   512     /* the schema's limit for a reason, bytes  */
#define S_LIST_ITEMS   8       /* quoted findings named in one reason     */
#define S_MAX_CONTACTS 32

//  A check: true if it failed, with the reason written.
typedef bool (s_check_fn) (const sb_checks_input_t *input, char *reason, size_t reasonlen);

//  Findings quoted and joined by ", " for a reason, each named once.
typedef struct {
    char items [384];
    size_t count;
} s_list_t;

//  Writes a reason and returns true (failed), for: return s_fail (...).
static bool SB_PRINTF (3, 4)
s_fail (char *reason, size_t reasonlen, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (reason, reasonlen, format, args);
    va_end (args);
    sb_text_fix_end (reason);
    return true;
}

//  Adds the size bytes at text, quoted, unless the list names them already.
static void
s_list_add (s_list_t *list, const char *text, size_t size)
{
    char quoted [72], item [80];
    sb_text_quote (text, size, quoted, sizeof quoted);
    snprintf (item, sizeof item, "'%s'", quoted);
    if (strstr (list->items, item))
        return;
    size_t used = strlen (list->items);
    if (list->count < S_LIST_ITEMS && used + strlen (item) + 8 < sizeof list->items)
        snprintf (list->items + used, sizeof list->items - used, "%s%s",
                  list->count? ", ": "", item);
    else
    if (!strstr (list->items, ", ..."))
        snprintf (list->items + used, sizeof list->items - used, ", ...");
    list->count++;
}

//  True if codepoint is a letter, digit, symbol or emoji rather than
//  space or punctuation.
static bool
s_is_content (uint32_t codepoint)
{
    if (codepoint < 0x80)
        return isalnum ((int) codepoint);
    return !(codepoint <= 0xBF || (codepoint >= 0x2000 && codepoint <= 0x206F)
             || (codepoint >= 0x3000 && codepoint <= 0x303F)
             || (codepoint >= 0xFE00 && codepoint <= 0xFE0F) || codepoint == 0xFEFF);
}

static bool
s_not_empty (const sb_checks_input_t *input, char *reason, size_t reasonlen)
{
    if (!sb_sms_any (input->text, s_is_content))
        return s_fail (reason, reasonlen, "the reply has no words, only whitespace or "
                       "punctuation: write the answer");
    if (input->draft_text && !sb_sms_any (input->draft_text, s_is_content))
        return s_fail (reason, reasonlen, "the draft has no words, so the reply would be only "
                       "the sign-off: write the answer");
    return false;
}

//  Describes why a UCS-2 text is UCS-2: its first character outside GSM-7.
static void
s_why_ucs2 (const char *text, const sb_sms_info_t *info, char *why, size_t whylen)
{
    size_t offset = (size_t) info->first_ucs2, position = 1;
    for (size_t index = 0; index < offset; index++)
        position += ((unsigned char) text [index] & 0xC0) != 0x80;
    uint32_t codepoint = 0;
    int length = sb_sms_utf8_next (text + offset, strlen (text + offset), &codepoint);
    snprintf (why, whylen, " because of '%.*s' (character %zu), which is not in GSM-7; "
              "without such characters a segment holds 160 characters, not 70",
              length > 0? length: 0, text + offset, position);
}

static bool
s_segment_budget (const sb_checks_input_t *input, char *reason, size_t reasonlen)
{
    sb_sms_info_t info;
    char err [128], why [256] = "";
    int budget = sb_tenant_max_segments (input->tenant);
    if (sb_sms_measure (input->text, &info, err, sizeof err) || info.segments <= budget)
        return false;
    size_t capacity = sb_sms_capacity (info.encoding, budget);
    size_t over = info.units > capacity? info.units - capacity: 1;
    if (info.encoding == SB_SMS_UCS2)
        s_why_ucs2 (input->text, &info, why, sizeof why);
    return s_fail (reason, reasonlen, "the SMS takes %d segments, over the tenant's budget of %d: "
                   "it is %zu %s%s, and %d %s %zu; shorten it by at least %zu character%s",
                   info.segments, budget, info.units,
                   info.encoding == SB_SMS_GSM7? "GSM-7 septets": "UCS-2 units", why,
                   budget, budget > 1? "segments hold": "segment holds", capacity, over,
                   over > 1? "s": "");
}

//  Adds each open...close span in text (or the opening alone when it is
//  not closed on the same line, nearby) to list.
static void
s_find_braces (const char *text, const char *open, const char *close, s_list_t *list)
{
    size_t open_size = strlen (open);
    for (const char *at = strstr (text, open); at; at = strstr (at + open_size, open)) {
        const char *end = strstr (at + open_size, close);
        bool closed = end && end - at < 64 && !memchr (at, '\n', (size_t) (end - at));
        s_list_add (list, at, closed? (size_t) (end - at) + strlen (close): open_size);
    }
}

//  Length of a printf conversion (%s, %d, %5.2f, %ld...) at text, or 0.
static size_t
s_printf_spec (const char *text)
{
    size_t length = 1;
    length += strspn (text + length, "-+0#");
    length += strspn (text + length, "0123456789");
    if (text [length] == '.')
        length += 1 + strspn (text + length + 1, "0123456789");
    size_t modifiers = strspn (text + length, "hlLqjzt");
    length += modifiers < 3? modifiers: 2;
    if (!text [length] || !strchr ("sdiufxXcpeEgG@", text [length]))
        return 0;
    length++;
    return sb_text_word_byte (text [length])? 0: length;
}

//  Adds each whole-word match of word in text to list; exact: the case
//  must match too ("NaN", not the name "Nan").
static void
s_find_words (const char *text, const char *word, bool exact, s_list_t *list)
{
    size_t length = 0;
    for (long at = sb_text_find_word (text, 0, word, &length); at >= 0;
         at = sb_text_find_word (text, (size_t) at + length, word, &length))
        if (!exact || strncmp (text + at, word, length) == 0)
            s_list_add (list, text + at, length);
}

static bool
s_placeholders (const sb_checks_input_t *input, char *reason, size_t reasonlen)
{
    const char *text = input->text;
    s_list_t found = { "", 0 };
    s_find_braces (text, "{{", "}}", &found);
    s_find_braces (text, "${", "}", &found);
    for (const char *at = strchr (text, '%'); at; at = strchr (at + 1, '%')) {
        size_t length = s_printf_spec (at);
        if (length)
            s_list_add (&found, at, length);
    }
    s_find_words (text, "null", false, &found);
    s_find_words (text, "undefined", false, &found);
    s_find_words (text, "NaN", true, &found);
    s_find_words (text, "[object Object]", false, &found);
    if (!found.count)
        return false;
    return s_fail (reason, reasonlen, "contains %s %s: fill %s in or rephrase without %s",
                   found.count > 1? "unfilled placeholders": "an unfilled placeholder",
                   found.items, found.count > 1? "them": "it", found.count > 1? "them": "it");
}

static bool
s_contact_details (const sb_checks_input_t *input, char *reason, size_t reasonlen)
{
    sb_contact_t contacts [S_MAX_CONTACTS];
    size_t count = sb_contact_find (input->text, contacts, S_MAX_CONTACTS);
    s_list_t found = { "", 0 };
    for (size_t index = 0; index < count && index < S_MAX_CONTACTS; index++) {
        const sb_contact_t *contact = &contacts [index];
        if (contact->kind == SB_CONTACT_PHONE && sb_contact_same_number (contact, input->recipient))
            continue;
        s_list_add (&found, input->text + contact->start, contact->end - contact->start);
    }
    if (!found.count)
        return false;
    return s_fail (reason, reasonlen, "contains contact details other than the recipient's own "
                   "number: %s; remove %s", found.items, found.count > 1? "them": "it");
}

//  Called for each hours value of the timesheet with its label; true stops.
typedef bool (s_value_fn) (const char *label, double value, void *arg);

//  Walks the timesheet's hours values: total, expected, missing (expected
//  minus total), per day, per project, each entry's. True if fn stopped.
static bool
s_each_value (const json_t *timesheet, s_value_fn *fn, void *arg)
{
    json_t *total = json_object_get (timesheet, "total_hours");
    json_t *expected = json_object_get (timesheet, "expected_hours");
    double missing = json_number_value (expected) - json_number_value (total);
    if ((json_is_number (total) && fn ("total", json_number_value (total), arg))
    ||  (json_is_number (expected) && fn ("expected", json_number_value (expected), arg))
    ||  (json_is_number (total) && json_is_number (expected) && missing > 0
         && fn ("missing", missing, arg)))
        return true;
    const char *labels [] = { "totals_by_day", "per day", "totals_by_project", "per project" };
    for (size_t index = 0; index < 4; index += 2) {
        const char *key;
        json_t *value;
        json_object_foreach (json_object_get (timesheet, labels [index]), key, value)
            if (json_is_number (value) && fn (labels [index + 1], json_number_value (value), arg))
                return true;
    }
    size_t index;
    json_t *entry;
    json_array_foreach (json_object_get (timesheet, "entries"), index, entry) {
        json_t *hours = json_object_get (entry, "hours");
        if (json_is_number (hours) && fn ("entries", json_number_value (hours), arg))
            return true;
    }
    return false;
}

static bool
s_value_said (const char *label, double value, void *arg)
{
    (void) label;
    return sb_hours_says ((const sb_hours_figure_t *) arg, value);
}

//  The timesheet's figures described for a reason: "total 8, expected 32,
//  per day 8, 7.5", each value once per label.
typedef struct {
    char text [256];
    const char *label;
    double seen [6];
    size_t seen_count;
} s_known_t;

static bool
s_value_described (const char *label, double value, void *arg)
{
    s_known_t *known = (s_known_t *) arg;
    if (known->label != label) {
        known->label = label;
        known->seen_count = 0;
    }
    for (size_t index = 0; index < known->seen_count; index++)
        if (fabs (known->seen [index] - value) < 1e-9)
            return false;
    char number [32];
    snprintf (number, sizeof number, "%.2f", value);
    while (strchr (number, '.') && (number [strlen (number) - 1] == '0'
                                    || number [strlen (number) - 1] == '.'))
        number [strlen (number) - 1] = 0;
    size_t used = strlen (known->text);
    if (known->seen_count < 6)
        snprintf (known->text + used, sizeof known->text - used, "%s%s%s%s",
                  used? ", ": "", known->seen_count? "": label, known->seen_count? "": " ", number);
    if (known->seen_count < 6)
        known->seen [known->seen_count++] = value;
    return false;
}

//  The timesheet result's status, for a reason.
static const char *
s_status (const json_t *timesheet)
{
    const char *status = json_string_value (json_object_get (timesheet, "status"));
    return status? status: "not given";
}

static bool
s_hours_match (const sb_checks_input_t *input, char *reason, size_t reasonlen)
{
    s_list_t wrong = { "", 0 };
    sb_hours_figure_t figure;
    for (size_t offset = 0; sb_hours_next (input->text, offset, &figure); offset = figure.end)
        if (!input->timesheet || !s_each_value (input->timesheet, s_value_said, &figure))
            s_list_add (&wrong, input->text + figure.start, figure.end - figure.start);
    if (!wrong.count)
        return false;
    if (!input->timesheet)
        return s_fail (reason, reasonlen, "states %s but no timesheet result came with the draft "
                       "to check against: state no hours figures", wrong.items);
    s_known_t known = { "", NULL, { 0 }, 0 };
    s_each_value (input->timesheet, s_value_described, &known);
    if (!*known.text)
        return s_fail (reason, reasonlen, "states %s but the timesheet result has no hours "
                       "figures (status %s): state no hours figures", wrong.items,
                       s_status (input->timesheet));
    return s_fail (reason, reasonlen, "states %s, which the timesheet does not have: its "
                   "figures are %s; state only these", wrong.items, known.text);
}

static bool
s_deny_list (const sb_checks_input_t *input, char *reason, size_t reasonlen)
{
    s_list_t found = { "", 0 };
    for (size_t index = 0; index < sb_tenant_deny_count (input->tenant); index++)
        s_find_words (input->text, sb_tenant_deny_word (input->tenant, index), false, &found);
    if (!found.count)
        return false;
    return s_fail (reason, reasonlen, "contains %s on tenant %s's deny list: %s; rephrase "
                   "without %s", found.count > 1? "words": "a word",
                   sb_tenant_id (input->tenant), found.items, found.count > 1? "them": "it");
}

static const struct {
    const char *name;           //  as quality.rejected's schema names it
    s_check_fn *check;
    bool sms_only;
} s_checks [] = {
    { "not_empty",       s_not_empty,       false },
    { "segment_budget",  s_segment_budget,  true },
    { "placeholders",    s_placeholders,    false },
    { "contact_details", s_contact_details, false },
    { "hours_match",     s_hours_match,     false },
    { "deny_list",       s_deny_list,       false },
};

int
sb_checks_run (const sb_checks_input_t *input, json_t *run, json_t *failed,
               char *err, size_t errlen)
{
    sb_sms_info_t info;
    char why [256];
    if (sb_sms_measure (input->text, &info, why, sizeof why))
        return sb_error_set (err, errlen, "text: %s", why);
    if (input->draft_text && sb_sms_measure (input->draft_text, &info, why, sizeof why))
        return sb_error_set (err, errlen, "draft_text: %s", why);
    for (size_t index = 0; index < sizeof s_checks / sizeof s_checks [0]; index++) {
        if (s_checks [index].sms_only && !input->sms)
            continue;
        char reason [S_REASON_MAX];
        json_array_append_new (run, json_string (s_checks [index].name));
        if (!s_checks [index].check (input, reason, sizeof reason))
            continue;
        json_t *item = json_pack ("{s:s, s:s}", "check", s_checks [index].name, "reason", reason);
        if (!item)      //  never lose a failure, even to a reason jansson refuses
            item = json_pack ("{s:s, s:s}", "check", s_checks [index].name,
                              "reason", "failed (its reason could not be encoded)");
        json_array_append_new (failed, item);
    }
    return 0;
}
