/*  sb_zmon_decode.c — the tap's and the socket events' decoders, and the
    redaction of secrets (see sb_zmon_decode.h).                          */

#include "sb_classes.h"
#include "sb_embed.h"
#include "sb_proto.h"
#include "sb_zmon_decode.h"

#define S_MAX_EVENT 32          //  "published", "handshake_failed", ...
#define S_MAX_SERVICES 1024     //  a fan-out's service names, spaces between
#define S_MAX_REASON 1024

struct _sb_zmon_redactor_t {
    zlistx_t *secrets;           //  "type body.path.to.field" strings
};

//  --------------------------------------------------------------------------
//  Redaction

//  Notes the secret fields of one definition's (nested) fields.
static void
s_collect (zlistx_t *secrets, const char *type, const char *path, zconfig_t *fields)
{
    for (zconfig_t *field = zconfig_child (fields); field; field = zconfig_next (field)) {
        char *name = zsys_sprintf ("%s.%s", path, zconfig_name (field));
        const char *doc = zconfig_get (field, "doc", "");
        if (strncmp (doc, "secret", 6) == 0)
            zlistx_add_end (secrets, zsys_sprintf ("%s %s", type, name));
        zconfig_t *nested = zconfig_locate (field, "fields");
        if (nested)
            s_collect (secrets, type, name, nested);
        zstr_free (&name);
    }
}

static void
s_string_destructor (void **item)
{
    zstr_free ((char **) item);
}

sb_zmon_redactor_t *
sb_zmon_redactor_new (char *err, size_t errlen)
{
    sb_zmon_redactor_t *self = (sb_zmon_redactor_t *) calloc (1, sizeof (sb_zmon_redactor_t));
    if (!self || !(self->secrets = zlistx_new ())) {
        free (self);
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    zlistx_set_destructor (self->secrets, s_string_destructor);
    for (size_t index = 0; index < sb_schema_builtin_count; index++) {
        zconfig_t *root = zconfig_str_load (sb_schema_builtin [index].text);
        const char *type = root? zconfig_get (root, "type", NULL): NULL;
        if (!type) {
            sb_error_set (err, errlen, "%s: cannot be read", sb_schema_builtin [index].origin);
            zconfig_destroy (&root);
            sb_zmon_redactor_destroy (&self);
            return NULL;
        }
        zconfig_t *body = zconfig_locate (root, "body");
        if (body)
            s_collect (self->secrets, type, "body", body);
        zconfig_destroy (&root);
    }
    return self;
}

void
sb_zmon_redactor_destroy (sb_zmon_redactor_t **self_p)
{
    if (self_p && *self_p) {
        zlistx_destroy (&(*self_p)->secrets);
        free (*self_p);
        *self_p = NULL;
    }
}

//  Redacts the field at path (dot-separated, below value) wherever it is:
//  through objects, and through every item of arrays.
static size_t
s_redact_path (json_t *value, const char *path)
{
    if (json_is_array (value)) {
        size_t count = 0;
        for (size_t index = 0; index < json_array_size (value); index++)
            count += s_redact_path (json_array_get (value, index), path);
        return count;
    }
    if (!json_is_object (value))
        return 0;
    const char *dot = strchr (path, '.');
    if (!dot) {
        json_t *field = json_object_get (value, path);
        if (!field || json_is_null (field))
            return 0;
        json_object_set_new (value, path, json_string (SB_ZMON_REDACTED));
        return 1;
    }
    char name [128];
    snprintf (name, sizeof name, "%.*s", (int) (dot - path), path);
    return s_redact_path (json_object_get (value, name), dot + 1);
}

size_t
sb_zmon_redact (const sb_zmon_redactor_t *self, const char *type, json_t *body)
{
    size_t count = 0, length = strlen (type);
    for (const char *secret = (const char *) zlistx_first (self->secrets); secret;
         secret = (const char *) zlistx_next (self->secrets))
        if (strncmp (secret, type, length) == 0 && secret [length] == ' ')
            count += s_redact_path (body, secret + length + 1 + strlen ("body."));
    return count;
}

size_t
sb_zmon_redact_envelope (const sb_zmon_redactor_t *self, json_t *envelope)
{
    const char *type = json_string_value (json_object_get (envelope, "type"));
    json_t *body = json_object_get (envelope, "body");
    return type && body? sb_zmon_redact (self, type, body): 0;
}

//  --------------------------------------------------------------------------
//  The tap

//  Copies a frame that must be printable text of at most max bytes.
static int
s_text (const uint8_t *data, size_t size, size_t max, char *text, const char *what,
        char *err, size_t errlen)
{
    if (size > max)
        return sb_error_set (err, errlen, "tap %s: longer than %zu bytes", what, max);
    for (size_t index = 0; index < size; index++)
        if (data [index] < 0x20 || data [index] == 0x7f)
            return sb_error_set (err, errlen, "tap %s: control byte at %zu", what, index);
    if (!sb_msgpack_utf8_valid ((const char *) data, size))
        return sb_error_set (err, errlen, "tap %s: not UTF-8", what);
    if (size)
        memcpy (text, data, size);
    text [size] = 0;
    return 0;
}

static json_t *
s_tap_envelope (const sb_zmon_redactor_t *redactor, const uint8_t *data, size_t size)
{
    char reason [256];
    sb_envelope_t *envelope = sb_envelope_decode (data, size, NULL, reason, sizeof reason);
    if (!envelope) {
        //  The reason may quote the bad bytes: keep it printable ASCII
        for (char *byte = reason; *byte; byte++)
            if ((unsigned char) *byte < 0x20 || (unsigned char) *byte >= 0x7f)
                *byte = '?';
        return json_pack ("{s:s}", "undecodable", reason);
    }
    json_t *json = sb_envelope_to_json (envelope);
    sb_envelope_destroy (&envelope);
    if (json)
        sb_zmon_redact_envelope (redactor, json);
    return json? json: json_pack ("{s:s}", "undecodable", "out of memory");
}

json_t *
sb_zmon_tap_decode (const sb_zmon_redactor_t *redactor, const uint8_t *const *parts,
                    const size_t *sizes, size_t count, char *err, size_t errlen)
{
    if (count != 5) {
        sb_error_set (err, errlen, "tap message: %zu frames, not 5", count);
        return NULL;
    }
    char event [S_MAX_EVENT + 1], services [S_MAX_SERVICES + 1], attempt [16];
    char *reason = (char *) malloc (S_MAX_REASON + 1);
    char *end = NULL;
    int rc = reason? 0: sb_error_set (err, errlen, "out of memory");
    if (rc == 0)
        rc = s_text (parts [0], sizes [0], S_MAX_EVENT, event, "event", err, errlen)
          || s_text (parts [1], sizes [1], S_MAX_SERVICES, services, "services", err, errlen)
          || s_text (parts [2], sizes [2], sizeof attempt - 1, attempt, "attempt", err, errlen)
          || s_text (parts [3], sizes [3], S_MAX_REASON, reason, "reason", err, errlen)? -1: 0;
    unsigned long number = rc == 0? strtoul (attempt, &end, 10): 0;
    if (rc == 0 && (!*attempt || *end || number > 1000000))
        rc = sb_error_set (err, errlen, "tap attempt: '%s' is not a number", attempt);
    if (rc == 0 && !*event)
        rc = sb_error_set (err, errlen, "tap event: empty");
    json_t *message = NULL;
    if (rc == 0)
        message = json_pack ("{s:s, s:s, s:I, s:s, s:o}", "event", event, "services", services,
                             "attempt", (json_int_t) number, "reason", reason,
                             "envelope", s_tap_envelope (redactor, parts [4], sizes [4]));
    if (rc == 0 && !message)
        sb_error_set (err, errlen, "tap message: cannot be represented (out of memory)");
    free (reason);
    return message;
}

bool
sb_zmon_tap_match (const json_t *message, const char *type, const char *corr)
{
    const json_t *envelope = json_object_get (message, "envelope");
    const char *its_type = json_string_value (json_object_get (envelope, "type"));
    const char *its_corr = json_string_value (json_object_get (envelope, "corr"));
    return (!type || (its_type && streq (its_type, type)))
        && (!corr || (its_corr && streq (its_corr, corr)));
}

//  --------------------------------------------------------------------------
//  Socket events

json_t *
sb_zmon_socket_decode (const uint8_t *data, size_t size, char *err, size_t errlen)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, data, size);
    json_t *value = sb_proto_pop_json (msg, err, errlen);
    zmsg_destroy (&msg);
    if (!value)
        return NULL;
    const char *strings [] = { "source", "socket", "event", "endpoint", "peer", "reason" };
    const char *numbers [] = { "seq", "at_ms", "value" };
    json_t *event = json_is_object (value)? json_object (): NULL;
    for (size_t index = 0; event && index < 6; index++) {
        json_t *field = json_object_get (value, strings [index]);
        if (json_is_string (field) && json_string_length (field) <= 512)
            json_object_set (event, strings [index], field);
        else {
            sb_error_set (err, errlen, "socket event: %s is not a string of <= 512 bytes",
                          strings [index]);
            json_decref (event);
            event = NULL;
        }
    }
    for (size_t index = 0; event && index < 3; index++) {
        json_t *field = json_object_get (value, numbers [index]);
        if (json_is_integer (field) && (index == 2 || json_integer_value (field) >= 1))
            json_object_set (event, numbers [index], field);
        else {
            sb_error_set (err, errlen, "socket event: %s is not a number in range", numbers [index]);
            json_decref (event);
            event = NULL;
        }
    }
    if (!json_is_object (value))
        sb_error_set (err, errlen, "socket event: not a map");
    json_decref (value);
    return event;
}
