/*  sb_form.h — a bounded decoder of application/x-www-form-urlencoded
    bodies (what Twilio's webhooks POST).

    Fields are separated by '&' (empty ones, as from a trailing '&', are
    skipped), a name from its value by the first '='; a field without '='
    has an empty value. '+' decodes to a space and %XX to its byte. Names
    may repeat: every field is kept, in the body's order. Refused, with the
    reason and byte offset: more fields than allowed, a malformed
    %-escape, a NUL byte (raw or %00), a name or value that is not valid
    UTF-8 once decoded, an empty name.

    A form is immutable once parsed; it allocates in proportion to the
    body and nothing else, and keeps no state outside itself.              */

#ifndef SB_FORM_H_INCLUDED
#define SB_FORM_H_INCLUDED

#include <stddef.h>

typedef struct _sb_form_t sb_form_t;

//  Decodes size bytes of body (not NUL-terminated; NULL only if size is 0)
//  holding at most max_fields fields. Returns a new form (caller destroys
//  it; an empty body gives an empty form) or NULL with the reason in err.
sb_form_t *sb_form_parse (const char *body, size_t size, size_t max_fields,
                          char *err, size_t errlen);

//  Destroys the form and NULLs the caller's pointer. Safe on NULL.
void sb_form_destroy (sb_form_t **self_p);

//  Returns the number of fields.
size_t sb_form_size (const sb_form_t *self);

//  Returns the index-th field's decoded name, borrowed from the form, or
//  NULL if index is out of range. Names are never empty.
const char *sb_form_name_at (const sb_form_t *self, size_t index);

//  Returns the index-th field's decoded value, borrowed from the form (""
//  when the field had none), or NULL if index is out of range.
const char *sb_form_value_at (const sb_form_t *self, size_t index);

//  Returns the value of the first field called name, borrowed from the
//  form, or NULL if there is none.
const char *sb_form_get (const sb_form_t *self, const char *name);

#endif
