/*  sb_refine.c — refining a rejected draft: pick the detail, rebuild,
    then filter sentence by sentence.                                    */

#include "sb_refine.h"
#include "sb_compose.h"

//  What the reasons ask for.
typedef struct {
    bool shorter, figures, contact, placeholders, deny;
} s_asked_t;

static s_asked_t
s_read_reasons (const json_t *rejected)
{
    s_asked_t asked = { false, false, false, false, false };
    size_t index;
    json_t *reason;
    json_array_foreach (json_object_get (rejected, "reasons"), index, reason) {
        const char *check = json_string_value (json_object_get (reason, "check"));
        if (!check)
            continue;
        asked.shorter |= streq (check, "segment_budget");
        asked.figures |= streq (check, "hours_match");
        asked.contact |= streq (check, "contact_details");
        asked.placeholders |= streq (check, "placeholders");
        asked.deny |= streq (check, "deny_list");
    }
    return asked;
}

bool
sb_refine_has_contact (const char *text)
{
    if (strchr (text, '@') || strstr (text, "http") || strstr (text, "www."))
        return true;
    int digits = 0;
    for (const char *at = text; *at; at++) {
        if (isdigit ((unsigned char) *at))
            digits++;
        else
        if (*at == ' ' && digits && !isdigit ((unsigned char) at [1]))
            digits = 0;          //  "on 5 March": a figure, then words
        else
        if (!strchr (" -().+/", *at))
            digits = 0;
        if (digits >= 7)
            return true;
    }
    return false;
}

bool
sb_refine_has_placeholder (const char *text)
{
    return strpbrk (text, "{}<>[]") || strstr (text, "%s") || strstr (text, "%d")
        || strstr (text, "TODO") || strstr (text, "XXX");
}

//  True if text at offset starts word (no case), a whole word there.
static bool
s_word_at (const char *text, size_t offset, const char *word)
{
    size_t length = strlen (word);
    if (strncasecmp (text + offset, word, length))
        return false;
    bool start = offset == 0 || !isalnum ((unsigned char) text [offset - 1]);
    bool end = !isalnum ((unsigned char) text [offset + length]);
    return start && end;
}

//  Removes the tenant's denied words from sentence (a new string), then
//  the doubled spaces and the spaces before punctuation it leaves.
static char *
s_without_denied (const char *sentence, const sb_tenant_t *tenant)
{
    char *text = strdup (sentence);
    for (size_t word = 0; text && tenant && word < sb_tenant_deny_count (tenant); word++) {
        const char *denied = sb_tenant_deny_word (tenant, word);
        size_t length = strlen (denied);
        for (size_t at = 0; length && text [at]; )
            if (s_word_at (text, at, denied))
                memmove (text + at, text + at + length, strlen (text + at + length) + 1);
            else
                at++;
    }
    char *out = text;
    for (const char *in = text; text && *in; in++) {
        if (*in == ' ' && (out == text || out [-1] == ' ' || strchr (",.!?:;", in [1])
                           || in [1] == 0))
            continue;
        *out++ = *in;
    }
    if (text)
        *out = 0;
    return text;
}

//  True if sentence still says something: a letter or a digit.
static bool
s_says_something (const char *sentence)
{
    for (const char *at = sentence; *at; at++)
        if (isalnum ((unsigned char) *at))
            return true;
    return false;
}

//  The rejected draft's own sentences, when no result came with it.
static json_t *
s_split (const char *text)
{
    json_t *sentences = json_array ();
    const char *start = text;
    for (const char *at = text; at && *at; at++)
        if (strchr (".!?", *at) && (at [1] == ' ' || at [1] == 0)) {
            json_array_append_new (sentences, json_stringn (start, (size_t) (at + 1 - start)));
            start = at + 1 + (at [1] == ' ');
        }
    if (start && *start)
        json_array_append_new (sentences, json_string (start));
    return sentences;
}

//  The detail for the next round.
static sb_detail_t
s_detail (const s_asked_t *asked, json_int_t round)
{
    if (asked->figures || (asked->shorter && round > 0))
        return SB_DETAIL_MINIMAL;
    return asked->shorter? SB_DETAIL_SHORT: SB_DETAIL_FULL;
}

//  The sentences to start from: rebuilt from the result, or split from
//  the rejected draft (cut to fit when shorter is asked).
static json_t *
s_start (const json_t *rejected, sb_detail_t detail)
{
    const json_t *result = json_object_get (rejected, "timesheet");
    if (json_is_object (result))
        return sb_compose_sentences (json_object_get (rejected, "conversation"), result, detail);
    const char *draft = json_string_value (json_object_get (rejected, "draft_text"));
    json_t *sentences = s_split (draft? draft: json_string_value (json_object_get (rejected,
                                                                                   "text")));
    size_t keep = detail == SB_DETAIL_MINIMAL? 1: detail == SB_DETAIL_SHORT? 2: SIZE_MAX;
    while (json_array_size (sentences) > keep)
        json_array_remove (sentences, json_array_size (sentences) - 1);
    return sentences;
}

char *
sb_refine (const json_t *rejected, const sb_tenant_t *tenant)
{
    s_asked_t asked = s_read_reasons (rejected);
    json_int_t round = json_integer_value (json_object_get (rejected, "round"));
    json_t *sentences = s_start (rejected, s_detail (&asked, round));
    json_t *kept = json_array ();
    size_t index;
    json_t *sentence;
    json_array_foreach (sentences, index, sentence) {
        const char *text = json_string_value (sentence);
        if ((asked.contact && sb_refine_has_contact (text))
        ||  (asked.placeholders && sb_refine_has_placeholder (text)))
            continue;
        char *cleaned = asked.deny? s_without_denied (text, tenant): strdup (text);
        if (cleaned && s_says_something (cleaned))
            json_array_append_new (kept, json_string (cleaned));
        free (cleaned);
    }
    char *refined = sb_compose_join (kept);
    json_decref (kept);
    json_decref (sentences);
    return refined;
}
