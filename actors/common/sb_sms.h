/*  sb_sms.h — SMS encoding and segments, counted as carriers count them.

    A text is sent in GSM-7 (3GPP TS 23.038: the default alphabet, and its
    extension table whose characters ^ { } \ [ ~ ] | € and form feed take
    two septets, an escape and the character) when every character is in
    it, else in UCS-2 (UTF-16 code units: a character outside the Basic
    Multilingual Plane, such as most emoji, is a surrogate pair, two
    units). One segment holds 160 septets or 70 units; a longer text is
    concatenated, each part holding 153 septets or 67 units (the rest is
    the concatenation header), and neither an escape pair nor a surrogate
    pair is split across parts, so a part may end one short.

    Input is UTF-8; invalid UTF-8 (an overlong form, a surrogate, a code
    point past U+10FFFF, a truncated or stray byte) is an error naming the
    byte, never a crash. No globals: safe on any thread.                   */

#ifndef SB_SMS_H_INCLUDED
#define SB_SMS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    SB_SMS_GSM7,
    SB_SMS_UCS2
} sb_sms_encoding_t;

#define SB_SMS_GSM7_SINGLE  160     /* septets in a single segment          */
#define SB_SMS_GSM7_PART    153     /* septets per part when concatenated   */
#define SB_SMS_UCS2_SINGLE  70      /* UTF-16 units in a single segment     */
#define SB_SMS_UCS2_PART    67      /* UTF-16 units per part                */

//  What a text takes as an SMS.
typedef struct {
    sb_sms_encoding_t encoding;
    size_t units;           //  septets (GSM-7) or UTF-16 code units (UCS-2)
    int segments;           //  1 or more (an empty text is one segment)
    size_t chars;           //  Unicode characters (code points)
    long first_ucs2;        //  UCS-2: byte offset of the first character
                            //  not in GSM-7 (why it is UCS-2); GSM-7: -1
} sb_sms_info_t;

//  Measures a NUL-terminated UTF-8 text. Returns 0 with info filled, or -1
//  with the reason in err ("invalid UTF-8 at byte 12: ...").
int sb_sms_measure (const char *text, sb_sms_info_t *info, char *err, size_t errlen);

//  Decodes the UTF-8 character at text (size bytes available). Returns its
//  length in bytes (1..4) with the code point in *codepoint, or -1 if the
//  bytes there are not valid UTF-8 (size 0 included).
int sb_sms_utf8_next (const char *text, size_t size, uint32_t *codepoint);

//  Septets codepoint takes in GSM-7: 1 (default alphabet), 2 (extension
//  table), or 0 (not in GSM-7).
int sb_sms_gsm_septets (uint32_t codepoint);

//  "gsm7" or "ucs2", the names the message schemas use.
const char *sb_sms_encoding_name (sb_sms_encoding_t encoding);

//  The most units a text of segments segments can hold in encoding (160 or
//  70 for one; 153 or 67 per part beyond), before any pair at a part's
//  edge costs one more.
size_t sb_sms_capacity (sb_sms_encoding_t encoding, int segments);

//  What sb_sms_to_gsm replaces with a GSM-7 look-alike.
#define SB_SMS_PUNCTUATION  1   /* ‘ ’ “ ” – — … • and Unicode spaces    */
#define SB_SMS_LETTERS      2   /* accented Latin letters: ê -> e, ç -> c */

//  Replaces the characters outside GSM-7 that have a look-alike in it
//  (what flags selects), so that a text can go as GSM-7: “Zoë’s” becomes
//  "Zoe's". Characters without one (emoji, other scripts) are kept.
//  Returns a new string (caller frees), or NULL (invalid UTF-8, memory).
char *sb_sms_to_gsm (const char *text, int flags);

//  Rewrites text character by character: map returns a replacement (UTF-8,
//  no longer than the character; "" drops it) or NULL to keep it. Returns
//  a new string (caller frees), or NULL (invalid UTF-8, a replacement
//  longer than its character, memory).
typedef const char *(sb_sms_map_fn) (uint32_t codepoint, void *arg);
char *sb_sms_map (const char *text, sb_sms_map_fn *map, void *arg);

//  True if test holds for a character of text (stops at invalid UTF-8).
bool sb_sms_any (const char *text, bool (*test) (uint32_t codepoint));

#endif
