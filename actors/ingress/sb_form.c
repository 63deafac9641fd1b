/*  sb_form.c — decoding application/x-www-form-urlencoded bodies.         */

#include "sb_classes.h"
#include "sb_form.h"

typedef struct {
    const char *name;
    const char *value;
} s_field_t;

//  One allocation: the header, the fields, then their decoded text (each
//  name and value NUL-terminated, never longer than its encoded form).
struct _sb_form_t {
    size_t size;
    s_field_t fields [];
};

//  Where one component (a name or a value) is, and where it decodes to.
typedef struct {
    const char *body;
    size_t from;        //  first byte in body
    size_t to;          //  one past its last byte
    const char *what;   //  "name" or "value", for messages
} s_span_t;

//  Counts the non-empty '&'-separated fields, refusing NUL bytes and more
//  than max_fields fields before anything is allocated.
static int
s_count_fields (const char *body, size_t size, size_t max_fields,
                size_t *count, char *err, size_t errlen)
{
    size_t fields = 0;
    for (size_t pos = 0; pos < size; pos++) {
        if (body [pos] == '\0')
            return sb_error_set (err, errlen, "form: NUL byte at byte %zu", pos);
        bool starts = body [pos] != '&' && (pos == 0 || body [pos - 1] == '&');
        if (starts && ++fields > max_fields)
            return sb_error_set (err, errlen, "form: more than %zu fields", max_fields);
    }
    *count = fields;
    return 0;
}

static int
s_hex (char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

//  Returns the index of the first byte of text that does not start a
//  well-formed UTF-8 sequence (overlongs, surrogates and code points above
//  U+10FFFF are malformed), or size if all of it is well-formed.
static size_t
s_utf8_invalid_at (const uint8_t *text, size_t size)
{
    static const uint32_t smallest [] = { 0, 0x80, 0x800, 0x10000 };
    size_t at = 0;
    while (at < size) {
        uint8_t c = text [at];
        size_t extra = c < 0x80? 0: (c >> 5) == 0x6? 1: (c >> 4) == 0xe? 2: (c >> 3) == 0x1e? 3: 4;
        if (extra == 4 || size - at <= extra)
            return at;   //  not a lead byte, or a truncated sequence
        uint32_t point = c & (0x7f >> extra);
        for (size_t index = 1; index <= extra; index++) {
            if ((text [at + index] & 0xc0) != 0x80)
                return at;
            point = (point << 6) | (text [at + index] & 0x3f);
        }
        if (point < smallest [extra] || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))
            return at;
        at += extra + 1;
    }
    return size;
}

//  The offset in body of the encoded form of the index-th decoded byte.
static size_t
s_source_offset (const s_span_t *span, size_t index)
{
    size_t pos = span->from;
    for (size_t done = 0; done < index; done++)
        pos += span->body [pos] == '%'? 3: 1;
    return pos;
}

//  Decodes the span into out, NUL-terminated; *end is left after the NUL.
//  Returns 0, or -1 with the reason in err.
static int
s_decode (const s_span_t *span, char *out, char **end, char *err, size_t errlen)
{
    const char *body = span->body;
    size_t length = 0;
    for (size_t pos = span->from; pos < span->to; pos++) {
        char c = body [pos];
        if (c == '+')
            c = ' ';
        else
        if (c == '%') {
            if (span->to - pos < 3 || s_hex (body [pos + 1]) < 0 || s_hex (body [pos + 2]) < 0)
                return sb_error_set (err, errlen, "form: bad %%-escape at byte %zu", pos);
            c = (char) (s_hex (body [pos + 1]) * 16 + s_hex (body [pos + 2]));
            if (c == '\0')
                return sb_error_set (err, errlen, "form: NUL byte (%%00) at byte %zu", pos);
            pos += 2;
        }
        out [length++] = c;
    }
    out [length] = '\0';
    size_t invalid = s_utf8_invalid_at ((const uint8_t *) out, length);
    if (invalid < length)
        return sb_error_set (err, errlen, "form: invalid UTF-8 in a %s at byte %zu",
                             span->what, s_source_offset (span, invalid));
    *end = out + length + 1;
    return 0;
}

//  Decodes the field in body [from, to) into field, its text at *text.
static int
s_parse_field (const char *body, size_t from, size_t to, s_field_t *field,
               char **text, char *err, size_t errlen)
{
    const char *equals = memchr (body + from, '=', to - from);
    size_t split = equals? (size_t) (equals - body): to;
    if (split == from)
        return sb_error_set (err, errlen, "form: empty name at byte %zu", from);
    s_span_t name = { body, from, split, "name" };
    s_span_t value = { body, equals? split + 1: to, to, "value" };
    field->name = *text;
    if (s_decode (&name, *text, text, err, errlen))
        return -1;
    field->value = *text;
    return s_decode (&value, *text, text, err, errlen);
}

//  Allocates a form for count fields decoded from size bytes: each field's
//  text is at most its encoded length plus two NULs.
static sb_form_t *
s_form_new (size_t size, size_t count, char *err, size_t errlen)
{
    //  count <= size, so size * (sizeof (s_field_t) + 4) bounds it all
    if (size > (SIZE_MAX - sizeof (sb_form_t) - 1) / (sizeof (s_field_t) + 4)) {
        sb_error_set (err, errlen, "form: body of %zu bytes is too large", size);
        return NULL;
    }
    sb_form_t *self = malloc (sizeof (sb_form_t) + count * sizeof (s_field_t) + size + 2 * count + 1);
    if (!self) {
        sb_error_set (err, errlen, "form: out of memory for %zu bytes", size);
        return NULL;
    }
    self->size = count;
    return self;
}

sb_form_t *
sb_form_parse (const char *body, size_t size, size_t max_fields, char *err, size_t errlen)
{
    size_t count = 0;
    if (!body && size) {
        sb_error_set (err, errlen, "form: no body");
        return NULL;
    }
    if (s_count_fields (body, size, max_fields, &count, err, errlen))
        return NULL;
    sb_form_t *self = s_form_new (size, count, err, errlen);
    char *text = self? (char *) (self->fields + count): NULL;
    size_t field = 0, from = 0;
    while (self && from < size) {
        const char *amp = memchr (body + from, '&', size - from);
        size_t to = amp? (size_t) (amp - body): size;
        if (to > from && s_parse_field (body, from, to, &self->fields [field++], &text, err, errlen))
            sb_form_destroy (&self);
        from = to + 1;
    }
    return self;
}

void
sb_form_destroy (sb_form_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

size_t
sb_form_size (const sb_form_t *self)
{
    return self->size;
}

const char *
sb_form_name_at (const sb_form_t *self, size_t index)
{
    return index < self->size? self->fields [index].name: NULL;
}

const char *
sb_form_value_at (const sb_form_t *self, size_t index)
{
    return index < self->size? self->fields [index].value: NULL;
}

const char *
sb_form_get (const sb_form_t *self, const char *name)
{
    for (size_t index = 0; name && index < self->size; index++)
        if (streq (self->fields [index].name, name))
            return self->fields [index].value;
    return NULL;
}
