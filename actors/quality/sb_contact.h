/*  sb_contact.h — contact details in a reply: phone numbers and e-mail
    addresses, as people write them.

    A phone number is 7 to 15 digits in groups separated by one space,
    hyphen or dot, with an optional leading + and parentheses around a
    group: "+44 20 7946 0958", "(555) 123-4567", "555-123-4567",
    "555.123.4567", "07946 095812". Not phone numbers: dates
    ("2026-03-05", "05/03/2026"), times, hours and other short figures
    ("7.5", "Tue 3, Wed 4"), runs of small numbers ("10 12 14 16": no group
    of three digits), numbers glued to letters (ids like "E0421234567").  */

#ifndef SB_CONTACT_H_INCLUDED
#define SB_CONTACT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    SB_CONTACT_PHONE,
    SB_CONTACT_EMAIL
} sb_contact_kind_t;

typedef struct {
    sb_contact_kind_t kind;
    size_t start, end;          //  byte offsets in the text, end excluded
    char digits [16];           //  a phone number's digits, NUL-terminated
    bool international;         //  a phone number written with a leading +
} sb_contact_t;

//  Finds the contact details in text, in order, at most max of them into
//  found. Returns how many there are (may be more than max).
size_t sb_contact_find (const char *text, sb_contact_t *found, size_t max);

//  True if phone (a phone number found in a text) is the E.164 number
//  e164, written internationally ("+1 555 123 4567", "001 555...") or
//  nationally ("(555) 123-4567"; "07946 095812" for +447946095812).
bool sb_contact_same_number (const sb_contact_t *phone, const char *e164);

#endif
