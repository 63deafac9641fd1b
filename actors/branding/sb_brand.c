/*  sb_brand.c — channel formatting, emoji policy and tone for a reply.  */

#include "sb_brand.h"
#include "sb_hours.h"
#include "sb_sms.h"
#include "sb_text.h"

typedef enum { S_FRIENDLY, S_FORMAL, S_BRIEF } s_tone_t;

struct _sb_brand_t {
    bool sms;
    bool emoji;                 //  the tenant allows emoji
    s_tone_t tone;
    char *sign_off;             //  with its separator, or ""
    char *short_sign_off;
};

//  Greetings the tone rewords, longest first where one starts another.
static const char *s_greetings [] = {
    "good morning", "good afternoon", "good evening", "hello", "hiya", "hey", "hi", "dear"
};

//  Lower-case words a greeting's name may hold ("Anna van der Berg",
//  "Hi there,").
static const char *s_name_lower [] = { "van", "von", "der", "den", "de", "da", "di", "du", "la",
                                       "le", "del", "bin", "al", "there", "all", "team" };

//  Contractions the formal tone spells out.
static const char *s_spelled [][2] = {
    { "you've", "you have" }, { "you're", "you are" }, { "you'll", "you will" },
    { "don't", "do not" }, { "doesn't", "does not" }, { "didn't", "did not" },
    { "can't", "cannot" }, { "won't", "will not" }, { "isn't", "is not" },
    { "aren't", "are not" }, { "haven't", "have not" }, { "hasn't", "has not" },
    { "it's", "it is" }, { "that's", "that is" }, { "there's", "there is" },
    { "let's", "let us" }, { "we're", "we are" }, { "we've", "we have" },
    { "we'll", "we will" }, { "I'm", "I am" }, { "I've", "I have" }, { "thanks", "thank you" },
};

#define S_COUNT(array) (sizeof (array) / sizeof (array) [0])

//  --------------------------------------------------------------------------
//  Emoji

static bool
s_is_emoji (uint32_t c)
{
    return (c >= 0x1F000 && c <= 0x1FAFF)       //  pictographs, emoticons, flags
        || (c >= 0x2600 && c <= 0x27BF)         //  symbols, dingbats
        || (c >= 0x2B00 && c <= 0x2BFF)         //  arrows, stars, circles
        || c == 0x231A || c == 0x231B || (c >= 0x23E9 && c <= 0x23FA)
        || c == 0x25B6 || c == 0x25C0 || (c >= 0x25FB && c <= 0x25FE)
        || c == 0x2934 || c == 0x2935 || c == 0x3030 || c == 0x303D
        || c == 0x3297 || c == 0x3299
        || c == 0x200D || c == 0x20E3 || c == 0xFE0E || c == 0xFE0F   //  joiners
        || (c >= 0xE0020 && c <= 0xE007F);      //  tag sequences
}

//  Removes, in place, the spaces a dropped emoji leaves: at a line's start
//  or end, doubled, or before punctuation.
static void
s_tidy_spaces (char *text)
{
    size_t used = 0;
    for (size_t at = 0; text [at]; at++) {
        bool at_line_start = used == 0 || text [used - 1] == '\n';
        char next = text [at + 1];
        if (text [at] == ' ' && (at_line_start || !next || strchr (" \n.,!?;:", next)))
            continue;
        text [used++] = text [at];
    }
    text [used] = 0;
}

//  sb_sms_map's function: drops emoji, keeps the rest.
static const char *
s_no_emoji (uint32_t codepoint, void *arg)
{
    (void) arg;
    return s_is_emoji (codepoint)? "": NULL;
}

char *
sb_brand_drop_emoji (const char *text)
{
    char *result = sb_sms_map (text, s_no_emoji, NULL);
    if (result && strlen (result) < strlen (text))
        s_tidy_spaces (result);
    return result;
}

//  --------------------------------------------------------------------------
//  Markdown

//  The length of a marker run (1 to 3 of the same *, _, ~ or `) at at
//  that opens a span: after no word, before no space. 0 if none.
static size_t
s_opening (const char *text, size_t at)
{
    char marker = text [at];
    if (!marker || !strchr ("*_~`", marker) || (at > 0 && (sb_text_word_byte (text [at - 1])
                                                           || text [at - 1] == marker)))
        return 0;
    size_t run = strspn (text + at, (char []) { marker, 0 });
    char next = text [at + run];
    return run <= 3 && next && next != ' ' && next != '\n'? run: 0;
}

//  Where the span opened by run markers at at closes on the same line:
//  the same run after a non-space, before no word. 0 if it does not.
static size_t
s_closing (const char *text, size_t at, size_t run)
{
    char marker = text [at];
    for (size_t close = at + run + 1; text [close] && text [close] != '\n'; close++) {
        if (text [close] != marker || text [close - 1] == ' ' || text [close - 1] == marker)
            continue;
        size_t length = strspn (text + close, (char []) { marker, 0 });
        if (length == run && !sb_text_word_byte (text [close + run]))
            return close;
    }
    return 0;
}

//  Line-start markup: "# Title" loses its hashes (no channel shows them);
//  on SMS a "* " or "+ " bullet becomes "- ". Marks bytes to drop.
static void
s_line_markup (char *text, size_t at, bool *drop, bool sms)
{
    size_t hashes = strspn (text + at, "#");
    if (hashes >= 1 && hashes <= 6 && text [at + hashes] == ' ')
        memset (drop + at, 1, hashes + 1);
    else
    if (sms && (text [at] == '*' || text [at] == '+') && text [at + 1] == ' ')
        text [at] = '-';
}

//  Copies the bytes of text not marked in drop; frees text.
static char *
s_without (char *text, const bool *drop)
{
    size_t used = 0;
    for (size_t at = 0; text [at]; at++)
        if (!drop [at])
            text [used++] = text [at];
    text [used] = 0;
    return text;
}

//  SMS: takes the markers of *bold*, _italic_, ~strike~, `code` and their
//  doubled forms out. WhatsApp: its own single markers stay, doubled ones
//  (**bold**) become single. Consumes text.
static char *
s_markdown (char *text, bool sms)
{
    size_t size = text? strlen (text): 0;
    bool *drop = text? calloc (size + 1, sizeof (bool)): NULL;
    for (size_t at = 0; drop && at < size; at++) {
        if (at == 0 || text [at - 1] == '\n')
            s_line_markup (text, at, drop, sms);
        size_t run = drop [at]? 0: s_opening (text, at);
        size_t close = run? s_closing (text, at, run): 0;
        if (!close)
            continue;
        //  WhatsApp keeps one marker of each run (none of them for `)
        size_t dropped = sms? run: text [at] == '`'? 0: run - 1;
        memset (drop + at, 1, dropped);
        memset (drop + close, 1, dropped);
        at += run - 1;
    }
    char *result = drop? s_without (text, drop): NULL;
    if (!result)
        free (text);
    free (drop);
    return result;
}

//  --------------------------------------------------------------------------
//  Tone

//  True if the word of length bytes at text may be part of a name: starts
//  with a capital (or a letter outside ASCII), or is one of s_name_lower,
//  and has no digit.
static bool
s_name_word (const char *text, size_t length)
{
    for (size_t index = 0; index < length; index++)
        if (isdigit ((unsigned char) text [index]) || text [index] == '_')
            return false;
    if (isupper ((unsigned char) text [0]) || (unsigned char) text [0] >= 0x80)
        return true;
    for (size_t index = 0; index < S_COUNT (s_name_lower); index++)
        if (strlen (s_name_lower [index]) == length
        &&  strncmp (text, s_name_lower [index], length) == 0)
            return true;
    return false;
}

//  Reads the name after a greeting, up to its mark (, ! or :): at most
//  three name words. Returns the name's length (0: none) and the mark's
//  offset in *mark, or false if what follows is not a name and a mark.
static bool
s_greeting_name (const char *text, size_t *name_length, size_t *mark)
{
    size_t at = 0, words = 0;
    while (text [at] == ' ' && words < 3) {
        size_t length = strcspn (text + at + 1, " ,!:.?;\n");
        if (length == 0 || !s_name_word (text + at + 1, length))
            break;
        at += 1 + length;
        words++;
    }
    if (!text [at] || !strchr (",!:", text [at]))
        return false;
    *name_length = at;              //  with its leading space
    *mark = at;
    return true;
}

//  Rewords the greeting at the start of text for the tone: "Hi Dana,"
//  (friendly), "Hello Dana," (formal), or none (brief). A text that is
//  only a greeting keeps one. Consumes text.
static char *
s_greeting (char *text, s_tone_t tone)
{
    for (size_t index = 0; text && index < S_COUNT (s_greetings); index++) {
        size_t length = strlen (s_greetings [index]), name = 0, mark = 0;
        if (strncasecmp (text, s_greetings [index], length) != 0
        ||  sb_text_word_byte (text [length]) || !s_greeting_name (text + length, &name, &mark))
            continue;
        const char *rest = text + length + mark + 1;
        rest += strspn (rest, " ");
        char *result = NULL;
        if (tone == S_BRIEF && *rest) {
            result = strdup (rest);
            if (result)
                result [0] = (char) toupper ((unsigned char) result [0]);
        }
        else
            result = zsys_sprintf ("%s%.*s%c%s%s", tone == S_FORMAL? "Hello": "Hi",
                                   (int) name, text + length, text [length + mark],
                                   *rest? " ": "", rest);
        free (text);
        return result;
    }
    return text;
}

//  Spells out contractions for the formal tone. Consumes text.
static char *
s_spell_out (char *text)
{
    for (size_t index = 0; text && index < S_COUNT (s_spelled); index++) {
        char *spelled = sb_text_replace_word (text, s_spelled [index][0], s_spelled [index][1]);
        if (spelled) {
            free (text);
            text = spelled;
        }
    }
    return text;
}

//  WhatsApp: puts the first figure that states the total in bold, unless
//  it is already. Consumes text.
static char *
s_bold_total (char *text, const json_t *timesheet)
{
    json_t *total = json_object_get (timesheet, "total_hours");
    sb_hours_figure_t figure;
    for (size_t offset = 0; text && json_is_number (total)
                            && sb_hours_next (text, offset, &figure); offset = figure.end) {
        if (!sb_hours_says (&figure, json_number_value (total)))
            continue;
        if (figure.start > 0 && text [figure.start - 1] == '*')
            break;
        char *bold = zsys_sprintf ("%.*s*%.*s*%s", (int) figure.start, text,
                                   (int) (figure.end - figure.start), text + figure.start,
                                   text + figure.end);
        free (text);
        return bold;
    }
    return text;
}

char *
sb_brand_body (const sb_brand_t *self, const char *draft, const json_t *timesheet)
{
    char *text = self->sms? sb_sms_to_gsm (draft, SB_SMS_PUNCTUATION): strdup (draft);
    text = s_markdown (text, self->sms);
    if (text && !self->emoji) {
        char *plain = sb_brand_drop_emoji (text);
        free (text);
        text = plain;
    }
    text = s_greeting (text, self->tone);
    if (self->tone == S_FORMAL)
        text = s_spell_out (text);
    if (!self->sms)
        text = s_bold_total (text, timesheet);
    return text;
}

//  --------------------------------------------------------------------------
//  Sign-off

//  Renders the sign-off for the tone, with its separator (short_form: the
//  brief one). A signature is sign_off after its dash, or else the name.
static char *
s_render_sign_off (const sb_tenant_t *tenant, s_tone_t tone, bool sms, bool short_form)
{
    const char *sign_off = sb_tenant_str (tenant, "sign_off");
    const char *separator = sms? "\n": "\n\n";
    const char *signature = sign_off + strspn (sign_off, " ");
    bool dashed = *signature == '-' || strncmp (signature, "\xE2\x80\x93", 3) == 0
               || strncmp (signature, "\xE2\x80\x94", 3) == 0;
    if (*signature && !dashed)
        return zsys_sprintf ("%s%s", separator, signature);
    signature += *signature == '-'? 1: dashed? 3: 0;
    signature += strspn (signature, " ");
    if (!*signature && !streq (sb_tenant_str (tenant, "name"), sb_tenant_id (tenant)))
        signature = sb_tenant_str (tenant, "name");
    if (!*signature)
        return strdup ("");
    const char *lead = short_form || tone == S_BRIEF? "- "
                     : tone == S_FORMAL? "Kind regards, ": "Thanks, ";
    return zsys_sprintf ("%s%s%s", separator, lead, signature);
}

//  The sign-off as the channel and the emoji policy want it. Consumes it.
static char *
s_sign_off_for (const sb_brand_t *self, char *sign_off)
{
    char *result = sign_off && self->sms? sb_sms_to_gsm (sign_off, SB_SMS_PUNCTUATION)
                 : sign_off? strdup (sign_off): NULL;
    free (sign_off);
    if (result && !self->emoji) {
        char *plain = sb_brand_drop_emoji (result);
        free (result);
        result = plain;
    }
    return result;
}

//  Checks the tenant's strings that go into a reply are UTF-8 (Redis and
//  config files hold bytes). Returns 0, or -1 with the reason in err.
static int
s_check_strings (const sb_tenant_t *tenant, char *err, size_t errlen)
{
    const char *keys [] = { "sign_off", "name" };
    for (size_t index = 0; index < S_COUNT (keys); index++) {
        sb_sms_info_t info;
        char why [128];
        if (sb_sms_measure (sb_tenant_str (tenant, keys [index]), &info, why, sizeof why))
            return sb_error_set (err, errlen, "tenant %s: %s: %s", sb_tenant_id (tenant),
                                 keys [index], why);
    }
    return 0;
}

sb_brand_t *
sb_brand_new (const sb_tenant_t *tenant, const char *channel, char *err, size_t errlen)
{
    if (s_check_strings (tenant, err, errlen))
        return NULL;
    const char *tone = sb_tenant_str (tenant, "tone");
    if (!streq (tone, "friendly") && !streq (tone, "formal") && !streq (tone, "brief")) {
        snprintf (err, errlen, "tenant %s: tone '%.64s' is not friendly, formal or brief",
                  sb_tenant_id (tenant), tone);
        return NULL;
    }
    sb_brand_t *self = calloc (1, sizeof *self);
    self->sms = streq (channel, "sms");
    self->emoji = sb_tenant_emoji (tenant);
    self->tone = streq (tone, "formal")? S_FORMAL: streq (tone, "brief")? S_BRIEF: S_FRIENDLY;
    self->sign_off = s_sign_off_for (self, s_render_sign_off (tenant, self->tone, self->sms, false));
    self->short_sign_off = s_sign_off_for (self, s_render_sign_off (tenant, self->tone,
                                                                    self->sms, true));
    if (!self->sign_off || !self->short_sign_off) {
        snprintf (err, errlen, "tenant %s: out of memory for the sign-off", sb_tenant_id (tenant));
        sb_brand_destroy (&self);
    }
    return self;
}

void
sb_brand_destroy (sb_brand_t **self_p)
{
    sb_brand_t *self = *self_p;
    if (!self)
        return;
    free (self->sign_off);
    free (self->short_sign_off);
    free (self);
    *self_p = NULL;
}

const char *
sb_brand_sign_off (const sb_brand_t *self, bool short_form)
{
    return short_form? self->short_sign_off: self->sign_off;
}

bool
sb_brand_sms (const sb_brand_t *self)
{
    return self->sms;
}

bool
sb_brand_formal (const sb_brand_t *self)
{
    return self->tone == S_FORMAL;
}
