/*  sb_sms.c — GSM-7 / UCS-2 detection and segment counting over UTF-8
    (3GPP TS 23.038 for the alphabet, TS 23.040 for concatenation).      */

#include "sb_sms.h"
#include <stdbool.h>
#include <stdio.h>
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
