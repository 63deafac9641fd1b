/*  sb_sms.c — GSM-7 / UCS-2 detection and segment counting over UTF-8
    (3GPP TS 23.038 for the alphabet, TS 23.040 for concatenation).      */

#include "sb_sms.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  The default alphabet's characters outside ASCII, by code point. ASCII
//  itself is in it except ` (absent) and ^ { } \ [ ] ~ | (extension).
static const uint16_t s_gsm_basic [] = {
    0x00A1, 0x00A3, 0x00A4, 0x00A5, 0x00A7, 0x00BF, 0x00C4, 0x00C5,
    0x00C6, 0x00C7, 0x00C9, 0x00D1, 0x00D6, 0x00D8, 0x00DC, 0x00DF,
    0x00E0, 0x00E4, 0x00E5, 0x00E6, 0x00E8, 0x00E9, 0x00EC, 0x00F1,
    0x00F2, 0x00F6, 0x00F8, 0x00F9, 0x00FC, 0x0393, 0x0394, 0x0398,
    0x039B, 0x039E, 0x03A0, 0x03A3, 0x03A6, 0x03A8, 0x03A9
};

int
sb_sms_gsm_septets (uint32_t codepoint)
{
    if (codepoint == '\n' || codepoint == '\r')
        return 1;
    if (codepoint == '\f' || codepoint == 0x20AC
    ||  (codepoint && codepoint < 0x80 && strchr ("^{}\\[]~|", (int) codepoint)))
        return 2;
    if (codepoint >= 0x20 && codepoint < 0x7F)
        return codepoint == '`'? 0: 1;
    for (size_t index = 0; index < sizeof s_gsm_basic / sizeof s_gsm_basic [0]; index++)
        if (s_gsm_basic [index] == codepoint)
            return 1;
    return 0;
}

int
sb_sms_utf8_next (const char *text, size_t size, uint32_t *codepoint)
{
    const unsigned char *bytes = (const unsigned char *) text;
    if (size == 0)
        return -1;
    int length = bytes [0] < 0x80? 1: bytes [0] < 0xC2? -1: bytes [0] < 0xE0? 2
               : bytes [0] < 0xF0? 3: bytes [0] < 0xF5? 4: -1;
    if (length < 0 || (size_t) length > size)
        return -1;
    uint32_t value = length == 1? bytes [0]: bytes [0] & (0x3F >> (length - 1));
    for (int index = 1; index < length; index++) {
        if ((bytes [index] & 0xC0) != 0x80)
            return -1;
        value = (value << 6) | (bytes [index] & 0x3F);
    }
    //  Overlong 3- and 4-byte forms, surrogates, past U+10FFFF (overlong
    //  2-byte forms were refused by the lead byte above)
    if ((length == 3 && value < 0x800) || (length == 4 && value < 0x10000)
    ||  (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF)
        return -1;
    *codepoint = value;
    return length;
}

const char *
sb_sms_encoding_name (sb_sms_encoding_t encoding)
{
    return encoding == SB_SMS_GSM7? "gsm7": "ucs2";
}

size_t
sb_sms_capacity (sb_sms_encoding_t encoding, int segments)
{
    bool gsm = encoding == SB_SMS_GSM7;
    if (segments <= 1)
        return segments < 1? 0: gsm? SB_SMS_GSM7_SINGLE: SB_SMS_UCS2_SINGLE;
    return (size_t) segments * (gsm? SB_SMS_GSM7_PART: SB_SMS_UCS2_PART);
}

//  What one character costs in each encoding.
static int
s_cost (uint32_t codepoint, sb_sms_encoding_t encoding)
{
    if (encoding == SB_SMS_GSM7)
        return sb_sms_gsm_septets (codepoint);
    return codepoint > 0xFFFF? 2: 1;
}

//  Walks text once, for encoding: its units and, when concatenated, its
//  parts (a character that does not fit whole in a part starts the next).
static void
s_count (const char *text, sb_sms_encoding_t encoding, size_t *units, int *parts)
{
    size_t part_size = encoding == SB_SMS_GSM7? SB_SMS_GSM7_PART: SB_SMS_UCS2_PART;
    size_t size = strlen (text), offset = 0, used = 0;
    *units = 0;
    *parts = 1;
    while (offset < size) {
        uint32_t codepoint = 0;
        int length = sb_sms_utf8_next (text + offset, size - offset, &codepoint);
        size_t cost = (size_t) s_cost (codepoint, encoding);
        offset += (size_t) length;      //  valid: checked by the caller
        *units += cost;
        if (used + cost > part_size) {
            (*parts)++;
            used = 0;
        }
        used += cost;
    }
}

//  Checks text is UTF-8 and finds the first character outside GSM-7.
//  Returns 0, or -1 with the reason in err.
static int
s_scan (const char *text, sb_sms_info_t *info, char *err, size_t errlen)
{
    size_t size = strlen (text), offset = 0;
    info->chars = 0;
    info->first_ucs2 = -1;
    while (offset < size) {
        uint32_t codepoint = 0;
        int length = sb_sms_utf8_next (text + offset, size - offset, &codepoint);
        if (length < 0) {
            snprintf (err, errlen, "invalid UTF-8 at byte %zu (0x%02X): not a valid "
                      "character start or sequence", offset, (unsigned char) text [offset]);
            return -1;
        }
        if (info->first_ucs2 < 0 && sb_sms_gsm_septets (codepoint) == 0)
            info->first_ucs2 = (long) offset;
        info->chars++;
        offset += (size_t) length;
    }
    return 0;
}

int
sb_sms_measure (const char *text, sb_sms_info_t *info, char *err, size_t errlen)
{
    if (s_scan (text, info, err, errlen))
        return -1;
    info->encoding = info->first_ucs2 < 0? SB_SMS_GSM7: SB_SMS_UCS2;
    int parts = 1;
    s_count (text, info->encoding, &info->units, &parts);
    info->segments = info->units <= sb_sms_capacity (info->encoding, 1)? 1: parts;
    return 0;
}

//  Look-alikes in GSM-7 for characters outside it: never longer in UTF-8
//  than the character they replace.
typedef struct {
    uint16_t codepoint;
    const char *gsm;
} s_alike_t;

static const s_alike_t s_punctuation [] = {
    { 0x00A0, " " }, { 0x2009, " " }, { 0x200A, " " }, { 0x202F, " " }, { 0x2007, " " },
    { 0x200B, "" }, { 0xFEFF, "" },
    { 0x2018, "'" }, { 0x2019, "'" }, { 0x201A, "'" }, { 0x201B, "'" }, { 0x2032, "'" },
    { 0x201C, "\"" }, { 0x201D, "\"" }, { 0x201E, "\"" }, { 0x2033, "\"" },
    { 0x00AB, "\"" }, { 0x00BB, "\"" },
    { 0x2010, "-" }, { 0x2011, "-" }, { 0x2012, "-" }, { 0x2013, "-" }, { 0x2014, "-" },
    { 0x2015, "-" }, { 0x2212, "-" }, { 0x2022, "-" },
    { 0x2026, "..." }, { 0x00D7, "x" },
};

static const s_alike_t s_letters [] = {
    { 0x00E1, "a" }, { 0x00E2, "a" }, { 0x00E3, "a" }, { 0x0101, "a" }, { 0x0103, "a" },
    { 0x0105, "a" }, { 0x00C0, "A" }, { 0x00C1, "A" }, { 0x00C2, "A" }, { 0x00C3, "A" },
    { 0x0100, "A" }, { 0x0102, "A" }, { 0x0104, "A" },
    { 0x00E7, "c" }, { 0x0107, "c" }, { 0x010D, "c" }, { 0x0106, "C" }, { 0x010C, "C" },
    { 0x010F, "d" }, { 0x00F0, "d" }, { 0x010E, "D" }, { 0x00D0, "D" },
    { 0x00EA, "e" }, { 0x00EB, "e" }, { 0x0113, "e" }, { 0x0117, "e" }, { 0x0119, "e" },
    { 0x011B, "e" }, { 0x00C8, "E" }, { 0x00CA, "E" }, { 0x00CB, "E" }, { 0x0112, "E" },
    { 0x0118, "E" }, { 0x011A, "E" },
    { 0x011F, "g" }, { 0x011E, "G" },
    { 0x00ED, "i" }, { 0x00EE, "i" }, { 0x00EF, "i" }, { 0x012B, "i" }, { 0x0131, "i" },
    { 0x00CC, "I" }, { 0x00CD, "I" }, { 0x00CE, "I" }, { 0x00CF, "I" }, { 0x0130, "I" },
    { 0x0142, "l" }, { 0x0141, "L" },
    { 0x0144, "n" }, { 0x0148, "n" }, { 0x0143, "N" }, { 0x0147, "N" },
    { 0x00F3, "o" }, { 0x00F4, "o" }, { 0x00F5, "o" }, { 0x014D, "o" }, { 0x0151, "o" },
    { 0x00D2, "O" }, { 0x00D3, "O" }, { 0x00D4, "O" }, { 0x00D5, "O" }, { 0x0150, "O" },
    { 0x0153, "oe" }, { 0x0152, "OE" },
    { 0x0159, "r" }, { 0x0158, "R" },
    { 0x015B, "s" }, { 0x0161, "s" }, { 0x015F, "s" }, { 0x015A, "S" }, { 0x0160, "S" },
    { 0x015E, "S" },
    { 0x0165, "t" }, { 0x0163, "t" }, { 0x0164, "T" },
    { 0x00FA, "u" }, { 0x00FB, "u" }, { 0x016B, "u" }, { 0x016F, "u" }, { 0x0171, "u" },
    { 0x00D9, "U" }, { 0x00DA, "U" }, { 0x00DB, "U" }, { 0x016E, "U" }, { 0x0170, "U" },
    { 0x00FD, "y" }, { 0x00FF, "y" }, { 0x00DD, "Y" }, { 0x0178, "Y" },
    { 0x017A, "z" }, { 0x017C, "z" }, { 0x017E, "z" }, { 0x0179, "Z" }, { 0x017B, "Z" },
    { 0x017D, "Z" },
};

//  The look-alike for codepoint in table, or NULL.
static const char *
s_alike (const s_alike_t *table, size_t count, uint32_t codepoint)
{
    for (size_t index = 0; index < count; index++)
        if (table [index].codepoint == codepoint)
            return table [index].gsm;
    return NULL;
}

//  sb_sms_map's function for sb_sms_to_gsm: arg points to the flags.
static const char *
s_look_alike (uint32_t codepoint, void *arg)
{
    int flags = *(int *) arg;
    const char *gsm = NULL;
    if (flags & SB_SMS_PUNCTUATION)
        gsm = s_alike (s_punctuation, sizeof s_punctuation / sizeof s_punctuation [0], codepoint);
    if (!gsm && (flags & SB_SMS_LETTERS))
        gsm = s_alike (s_letters, sizeof s_letters / sizeof s_letters [0], codepoint);
    return gsm;
}

char *
sb_sms_to_gsm (const char *text, int flags)
{
    return sb_sms_map (text, s_look_alike, &flags);
}

char *
sb_sms_map (const char *text, sb_sms_map_fn *map, void *arg)
{
    size_t size = strlen (text), offset = 0, used = 0;
    char *result = malloc (size + 1);
    while (result && offset < size) {
        uint32_t codepoint = 0;
        int length = sb_sms_utf8_next (text + offset, size - offset, &codepoint);
        const char *replacement = length > 0? map (codepoint, arg): NULL;
        size_t replaced = replacement? strlen (replacement): (size_t) length;
        if (length < 0 || replaced > (size_t) length) {
            free (result);
            return NULL;
        }
        memcpy (result + used, replacement? replacement: text + offset, replaced);
        used += replaced;
        offset += (size_t) length;
    }
    if (result)
        result [used] = 0;
    return result;
}

bool
sb_sms_any (const char *text, bool (*test) (uint32_t codepoint))
{
    size_t size = strlen (text), offset = 0;
    while (offset < size) {
        uint32_t codepoint = 0;
        int length = sb_sms_utf8_next (text + offset, size - offset, &codepoint);
        if (length < 0)
            return false;
        if (test (codepoint))
            return true;
        offset += (size_t) length;
    }
    return false;
}
