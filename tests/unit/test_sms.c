/*  test_sms.c — SMS encoding and segments (sb_sms): the GSM-7 alphabet and
    its extension table, UCS-2 detection, the exact segment boundaries,
    pairs never split across parts, and invalid UTF-8 refused.            */

#include "sb_classes.h"
#include "sb_sms.h"
#include <setjmp.h>
#include <cmocka.h>

//  count copies of unit (a UTF-8 character or string), then tail; the
//  caller frees.
static char *
s_repeat (const char *unit, size_t count, const char *tail)
{
    size_t unit_size = strlen (unit), tail_size = strlen (tail);
    char *text = malloc (unit_size * count + tail_size + 1);
    assert_non_null (text);
    for (size_t index = 0; index < count; index++)
        memcpy (text + index * unit_size, unit, unit_size);
    memcpy (text + unit_size * count, tail, tail_size + 1);
    return text;
}

//  Measures text and checks encoding, units and segments.
static void
s_expect (const char *text, sb_sms_encoding_t encoding, size_t units, int segments)
{
    sb_sms_info_t info;
    char err [256] = "";
    if (sb_sms_measure (text, &info, err, sizeof err))
        fail_msg ("measure failed: %s", err);
    if (info.encoding != encoding || info.units != units || info.segments != segments)
        fail_msg ("'%.40s...': expected %s %zu units %d segments, got %s %zu units %d segments",
                  text, sb_sms_encoding_name (encoding), units, segments,
                  sb_sms_encoding_name (info.encoding), info.units, info.segments);
}

//  count copies of unit, then tail: its encoding, units and segments.
typedef struct {
    const char *unit;
    size_t count;
    const char *tail;
    sb_sms_encoding_t encoding;
    size_t units;
    int segments;
} s_case_t;

#define S_EURO  "\xE2\x82\xAC"         /* €: GSM-7 extension, 2 septets  */
#define S_ECIRC "\xC3\xAA"              /* ê: not in GSM-7                */
#define S_GRIN  "\xF0\x9F\x98\x80"      /* U+1F600: a surrogate pair      */

static const s_case_t s_boundaries [] = {
    { "a", 160, "", SB_SMS_GSM7, 160, 1 },
    { "a", 161, "", SB_SMS_GSM7, 161, 2 },
    { "a", 306, "", SB_SMS_GSM7, 306, 2 },
    { "a", 307, "", SB_SMS_GSM7, 307, 3 },
    { "a", 459, "", SB_SMS_GSM7, 459, 3 },
    { "a", 460, "", SB_SMS_GSM7, 460, 4 },
    //  159 characters and a euro sign are 161 septets: two segments
    { "a", 159, S_EURO, SB_SMS_GSM7, 161, 2 },
    { "a", 158, S_EURO, SB_SMS_GSM7, 160, 1 },
    //  ê is UCS-2, one unit each
    { S_ECIRC, 70, "", SB_SMS_UCS2, 70, 1 },
    { S_ECIRC, 71, "", SB_SMS_UCS2, 71, 2 },
    { S_ECIRC, 134, "", SB_SMS_UCS2, 134, 2 },
    { S_ECIRC, 135, "", SB_SMS_UCS2, 135, 3 },
    //  An emoji is two units
    { "a", 68, S_GRIN, SB_SMS_UCS2, 70, 1 },
    { "a", 69, S_GRIN, SB_SMS_UCS2, 71, 2 },
};

static void
test_boundaries (void **state)
{
    (void) state;
    for (size_t index = 0; index < sizeof s_boundaries / sizeof s_boundaries [0]; index++) {
        const s_case_t *test = &s_boundaries [index];
        char *text = s_repeat (test->unit, test->count, test->tail);
        s_expect (text, test->encoding, test->units, test->segments);
        free (text);
    }
    //  An empty text is still one (empty) segment
    s_expect ("", SB_SMS_GSM7, 0, 1);
}

static void
test_gsm_extension_counts_two (void **state)
{
    (void) state;
    //  Each of the extension table's characters is an escape and itself
    s_expect ("^{}\\[~]|\xE2\x82\xAC", SB_SMS_GSM7, 18, 1);
    s_expect ("\f", SB_SMS_GSM7, 2, 1);
    //  Line ends are in the default alphabet, one septet each
    s_expect ("a\r\nb\n", SB_SMS_GSM7, 5, 1);
}

//  count heads, a pair (two septets or two units), count tails, where
//  count is one less than a part holds: the pair cannot end the first
//  part, so it starts the second, and the text needs three parts though
//  its units would fit in two; one tail less and the second part is full.
static void
s_expect_pair_at_edge (const char *head, const char *pair, const char *tail, size_t count,
                       sb_sms_encoding_t encoding)
{
    char *tails = s_repeat (tail, count, "");
    char *middle = s_repeat (pair, 1, tails);
    char *text = s_repeat (head, count, middle);
    s_expect (text, encoding, 2 * count + 2, 3);
    text [strlen (text) - strlen (tail)] = 0;
    s_expect (text, encoding, 2 * count + 1, 2);
    free (text);
    free (middle);
    free (tails);
}

static void
test_gsm_escape_never_split (void **state)
{
    (void) state;
    //  152 septets, then a euro sign (escape + character), then 152 more
    s_expect_pair_at_edge ("a", S_EURO, "a", 152, SB_SMS_GSM7);
}

static void
test_surrogate_pair_never_split (void **state)
{
    (void) state;
    //  66 units, then an emoji (a surrogate pair), then 66 ê
    s_expect_pair_at_edge ("a", S_GRIN, S_ECIRC, 66, SB_SMS_UCS2);
}

static void
test_encoding_detection (void **state)
{
    (void) state;
    //  é is in GSM-7, ê is not
    s_expect ("caf\xC3\xA9", SB_SMS_GSM7, 4, 1);
    s_expect ("f\xC3\xAAte", SB_SMS_UCS2, 4, 1);
    //  One emoji makes a GSM text UCS-2
    s_expect ("You logged 8 hours \xF0\x9F\x91\x8D", SB_SMS_UCS2, 21, 1);
    //  Greek capitals of the default alphabet, but not lower case
    s_expect ("\xCE\x94\xCE\xA9\xCE\xA3", SB_SMS_GSM7, 3, 1);
    s_expect ("\xCE\xB1", SB_SMS_UCS2, 1, 1);
    //  The backtick and the tab are not in GSM-7; $ @ _ are
    s_expect ("`", SB_SMS_UCS2, 1, 1);
    s_expect ("a\tb", SB_SMS_UCS2, 3, 1);
    s_expect ("$@_\xC2\xA3\xC2\xA5\xC2\xA7\xC2\xBF", SB_SMS_GSM7, 7, 1);
    //  Typographic quotes and dashes force UCS-2
    s_expect ("it\xE2\x80\x99s", SB_SMS_UCS2, 4, 1);

    sb_sms_info_t info;
    char err [128];
    assert_int_equal (sb_sms_measure ("Hi D\xC3\xA9 f\xC3\xAAte", &info, err, sizeof err), 0);
    assert_int_equal (info.first_ucs2, 8);      //  the byte where ê starts
    assert_int_equal (info.chars, 10);
    assert_int_equal (sb_sms_measure ("plain", &info, err, sizeof err), 0);
    assert_int_equal (info.first_ucs2, -1);
    assert_string_equal (sb_sms_encoding_name (SB_SMS_GSM7), "gsm7");
    assert_string_equal (sb_sms_encoding_name (SB_SMS_UCS2), "ucs2");
}

//  text must be refused, the reason naming byte offset.
static void
s_expect_invalid (const char *text, size_t offset)
{
    sb_sms_info_t info;
    char err [256] = "";
    assert_int_equal (sb_sms_measure (text, &info, err, sizeof err), -1);
    char where [64];
    snprintf (where, sizeof where, "invalid UTF-8 at byte %zu", offset);
    if (!strstr (err, where))
        fail_msg ("expected '%s' in '%s'", where, err);
}

static void
test_invalid_utf8 (void **state)
{
    (void) state;
    s_expect_invalid ("ab\xC3", 2);                  //  truncated
    s_expect_invalid ("\xC0\xAF", 0);                //  overlong '/'
    s_expect_invalid ("x\xE0\x80\xAF", 1);           //  overlong, 3 bytes
    s_expect_invalid ("\xF0\x80\x80\xAF", 0);        //  overlong, 4 bytes
    s_expect_invalid ("abc\xED\xA0\x80", 3);         //  a surrogate, U+D800
    s_expect_invalid ("\xF4\x90\x80\x80", 0);        //  past U+10FFFF
    s_expect_invalid ("ok \x80", 3);                 //  stray continuation
    s_expect_invalid ("\xE2\x82 x", 0);              //  bad continuation
    s_expect_invalid ("\xFF", 0);

    uint32_t codepoint = 0;
    assert_int_equal (sb_sms_utf8_next ("\xF0\x9F\x98\x80", 4, &codepoint), 4);
    assert_int_equal (codepoint, 0x1F600);
    assert_int_equal (sb_sms_utf8_next ("\xF0\x9F\x98\x80", 3, &codepoint), -1);
    assert_int_equal (sb_sms_utf8_next ("", 0, &codepoint), -1);
    assert_int_equal (sb_sms_utf8_next ("\xEF\xBF\xBF", 3, &codepoint), 3);
    assert_int_equal (codepoint, 0xFFFF);
}

static void
test_septets_and_capacity (void **state)
{
    (void) state;
    assert_int_equal (sb_sms_gsm_septets ('A'), 1);
    assert_int_equal (sb_sms_gsm_septets ('{'), 2);
    assert_int_equal (sb_sms_gsm_septets (0x20AC), 2);
    assert_int_equal (sb_sms_gsm_septets (0x00E9), 1);
    assert_int_equal (sb_sms_gsm_septets (0x00EA), 0);
    assert_int_equal (sb_sms_gsm_septets (0), 0);
    assert_int_equal (sb_sms_gsm_septets (0x7F), 0);
    assert_int_equal (sb_sms_capacity (SB_SMS_GSM7, 1), 160);
    assert_int_equal (sb_sms_capacity (SB_SMS_GSM7, 3), 459);
    assert_int_equal (sb_sms_capacity (SB_SMS_UCS2, 1), 70);
    assert_int_equal (sb_sms_capacity (SB_SMS_UCS2, 2), 134);
    assert_int_equal (sb_sms_capacity (SB_SMS_UCS2, 0), 0);
}

//  sb_sms_to_gsm on text with flags gives expected.
static void
s_expect_gsm (const char *text, int flags, const char *expected)
{
    char *gsm = sb_sms_to_gsm (text, flags);
    assert_non_null (gsm);
    assert_string_equal (gsm, expected);
    free (gsm);
}

static void
test_gsm_look_alikes (void **state)
{
    (void) state;
    //  Typographic punctuation: quotes, dashes, the ellipsis, no-break space
    const char *typographic = "\xE2\x80\x9CZo\xC3\xAB\xE2\x80\x99s\xE2\x80\x9D \xE2\x80\x93"
                              "\xC2\xA0" "8 hours\xE2\x80\xA6";
    s_expect_gsm (typographic, SB_SMS_PUNCTUATION, "\"Zo\xC3\xAB's\" - 8 hours...");
    s_expect_gsm (typographic, SB_SMS_PUNCTUATION | SB_SMS_LETTERS, "\"Zoe's\" - 8 hours...");
    //  Letters of the default alphabet stay; emoji and other scripts too
    s_expect_gsm ("\xC3\xA9\xC3\xA8\xC3\xAA \xC5\x93 \xF0\x9F\x98\x80 \xCE\xB1",
                  SB_SMS_LETTERS, "\xC3\xA9\xC3\xA8" "e oe \xF0\x9F\x98\x80 \xCE\xB1");
    s_expect_gsm ("f\xC3\xAAte", 0, "f\xC3\xAAte");
    //  The result measures as GSM-7 when every character had a look-alike
    char *gsm = sb_sms_to_gsm ("\xE2\x80\x9C" "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e\xE2\x80\x9D",
                               SB_SMS_PUNCTUATION | SB_SMS_LETTERS);
    s_expect (gsm, SB_SMS_GSM7, 14, 1);
    free (gsm);
    assert_null (sb_sms_to_gsm ("bad \xC3", SB_SMS_PUNCTUATION));
}

int
main (void)
{
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_boundaries),
        cmocka_unit_test (test_gsm_extension_counts_two),
        cmocka_unit_test (test_gsm_escape_never_split),
        cmocka_unit_test (test_surrogate_pair_never_split),
        cmocka_unit_test (test_encoding_detection),
        cmocka_unit_test (test_invalid_utf8),
        cmocka_unit_test (test_septets_and_capacity),
        cmocka_unit_test (test_gsm_look_alikes),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
