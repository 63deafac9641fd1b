/*  envelope — inspect, convert and validate Switchboard envelopes, and
    print the message type reference generated from schemas/types/.

        envelope validate [FILE]    check JSON envelopes (one per line or
                                    concatenated) against their schemas
        envelope encode [FILE]      JSON envelope -> msgpack on stdout
        envelope decode [FILE]      msgpack envelope -> JSON on stdout
        envelope example TYPE       a complete example envelope of TYPE
        envelope types              the message types, one per line
        envelope schema-doc         Markdown reference of every type     */

#include "sb_classes.h"

#define S_EXIT_USAGE 64     //  sysexits.h EX_USAGE
#define S_EXIT_INVALID 65   //  EX_DATAERR: an envelope was refused

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: envelope COMMAND [ARGS]\n"
        "Inspect, convert and validate Switchboard envelopes (docs/envelope.md).\n\n"
        "Commands:\n"
        "  validate [FILE]   check JSON envelopes (one per line, or concatenated)\n"
        "                    against their message type's schema; exit 65 on the\n"
        "                    first invalid one, naming it and the field\n"
        "  encode [FILE]     read one JSON envelope, write its msgpack bytes\n"
        "  decode [FILE]     read one msgpack envelope, write it as JSON\n"
        "  example TYPE      print a complete, valid example envelope of TYPE\n"
        "  types             list the message types this build knows\n"
        "  schema-doc        print the Markdown reference of every message type\n\n"
        "FILE defaults to standard input. Options:\n"
        "  --max-bytes N     refuse envelopes larger than N bytes (default %d)\n"
        "  -h, --help        this text\n", SB_LIMITS_MAX_BYTES);
}

//  Reads a whole file (or stdin for NULL/"-") up to limit bytes. Returns a
//  new buffer the caller frees, or NULL with a message printed.
static uint8_t *
s_read_all (const char *path, size_t limit, size_t *size_p)
{
    bool is_stdin = !path || streq (path, "-");
    FILE *file = is_stdin? stdin: fopen (path, "rb");
    if (!file) {
        fprintf (stderr, "envelope: cannot open %s: %s\n", path, strerror (errno));
        return NULL;
    }
    size_t size = 0, capacity = 4096;
    uint8_t *data = (uint8_t *) malloc (capacity + 1);
    while (data) {
        size_t got = fread (data + size, 1, capacity - size, file);
        size += got;
        if (got == 0 || size > limit)
            break;
        if (size == capacity) {
            uint8_t *bigger = (uint8_t *) realloc (data, capacity * 2 + 1);
            if (!bigger)
                free (data);
            data = bigger;
            capacity *= 2;
        }
    }
    bool failed = !data || ferror (file) || size > limit;
    if (failed)
        fprintf (stderr, "envelope: %s: %s\n", is_stdin? "stdin": path,
                 !data? "out of memory": size > limit? "larger than --max-bytes": "read error");
    if (!is_stdin)
        fclose (file);
    if (failed) {
        free (data);
        return NULL;
    }
    data [size] = 0;
    *size_p = size;
    return data;
}

//  Validates every JSON document in data; reports the first bad one by its
//  position (document number and byte offset) and returns non-zero.
static int
s_validate (const sb_schemas_t *schemas, const char *text, size_t size,
            const sb_limits_t *limits, const char *origin)
{
    size_t offset = 0, count = 0;
    char err [512];
    while (true) {
        while (offset < size && isspace ((unsigned char) text [offset]))
            offset++;
        if (offset >= size)
            break;
        json_error_t error;
        json_t *json = json_loadb (text + offset, size - offset,
                                   JSON_DISABLE_EOF_CHECK, &error);
        if (!json) {
            fprintf (stderr, "%s: envelope %zu (byte %zu): invalid JSON: %s\n", origin,
                     count + 1, offset + (size_t) error.position, error.text);
            return S_EXIT_INVALID;
        }
        sb_envelope_t *env = sb_envelope_from_json (json, limits, err, sizeof err);
        int rc = env? sb_schemas_check (schemas, env, err, sizeof err): -1;
        sb_envelope_destroy (&env);
        json_decref (json);
        if (rc) {
            fprintf (stderr, "%s: envelope %zu (byte %zu): %s\n", origin, count + 1, offset, err);
            return S_EXIT_INVALID;
        }
        offset += (size_t) error.position;
        count++;
    }
    printf ("%zu envelope%s valid\n", count, count == 1? "": "s");
    return 0;
}

static int
s_encode (const sb_schemas_t *schemas, const char *text, size_t size,
          const sb_limits_t *limits)
{
    json_error_t error;
    char err [512];
    json_t *json = json_loadb (text, size, 0, &error);
    if (!json) {
        fprintf (stderr, "envelope: invalid JSON at line %d: %s\n", error.line, error.text);
        return S_EXIT_INVALID;
    }
    sb_envelope_t *env = sb_envelope_from_json (json, limits, err, sizeof err);
    json_decref (json);
    uint8_t *data = NULL;
    size_t length = 0;
    int rc = env? sb_schemas_check (schemas, env, err, sizeof err): -1;
    if (rc == 0)
        rc = sb_envelope_encode (env, &data, &length, err, sizeof err);
    sb_envelope_destroy (&env);
    if (rc) {
        fprintf (stderr, "envelope: %s\n", err);
        return S_EXIT_INVALID;
    }
    fwrite (data, 1, length, stdout);
    free (data);
    return 0;
}

static int
s_decode (const sb_schemas_t *schemas, const uint8_t *data, size_t size,
          const sb_limits_t *limits)
{
    char err [512];
    sb_envelope_t *env = sb_envelope_decode (data, size, limits, err, sizeof err);
    int rc = env? sb_schemas_check (schemas, env, err, sizeof err): -1;
    if (rc) {
        fprintf (stderr, "envelope: %s\n", err);
        sb_envelope_destroy (&env);
        return S_EXIT_INVALID;
    }
    json_t *json = sb_envelope_to_json (env);
    json_dumpf (json, stdout, JSON_COMPACT);
    printf ("\n");
    json_decref (json);
    sb_envelope_destroy (&env);
    return 0;
}

static int
s_example (const sb_schemas_t *schemas, const char *type)
{
    json_t *body = type? sb_schemas_example_body (schemas, type): NULL;
    if (!body) {
        fprintf (stderr, "envelope: unknown message type '%s' (see: envelope types)\n",
                 type? type: "");
        return S_EXIT_USAGE;
    }
    sb_idgen_t *ids = sb_idgen_new ();
    char id [SB_ID_LEN + 1];
    sb_envelope_t *env = sb_envelope_new (type);
    if (!ids || !env || sb_idgen_next (ids, 0, id)) {
        fprintf (stderr, "envelope: cannot make an id\n");
        sb_idgen_destroy (&ids);
        sb_envelope_destroy (&env);
        json_decref (body);
        return 1;
    }
    sb_envelope_set_id (env, id);
    sb_envelope_set_key (env, "example:1");
    sb_envelope_set_corr (env, "conv-example");
    sb_envelope_set_src (env, "example");
    sb_envelope_set_tenant (env, "demo");
    sb_envelope_set_body (env, body);
    json_t *json = sb_envelope_to_json (env);
    json_dumpf (json, stdout, JSON_INDENT (2));
    printf ("\n");
    json_decref (json);
    sb_envelope_destroy (&env);
    sb_idgen_destroy (&ids);
    return 0;
}

static int
s_run (const sb_schemas_t *schemas, const char *command, const char *arg,
       const sb_limits_t *limits)
{
    if (streq (command, "types")) {
        for (size_t index = 0; index < sb_schemas_size (schemas); index++)
            printf ("%s\n", sb_schemas_type_at (schemas, index));
        return 0;
    }
    if (streq (command, "schema-doc"))
        return sb_schemas_write_doc (schemas, stdout)? 1: 0;
    if (streq (command, "example"))
        return s_example (schemas, arg);
    if (!streq (command, "validate") && !streq (command, "encode")
    &&  !streq (command, "decode")) {
        fprintf (stderr, "envelope: unknown command '%s' (try --help)\n", command);
        return S_EXIT_USAGE;
    }
    size_t size = 0;
    //  validate reads many envelopes: allow its input to be larger
    size_t limit = streq (command, "validate")? 64 * limits->max_bytes: limits->max_bytes;
    uint8_t *data = s_read_all (arg, limit, &size);
    if (!data)
        return 1;
    int rc = streq (command, "validate")
           ? s_validate (schemas, (char *) data, size, limits, arg? arg: "stdin")
           : streq (command, "encode")? s_encode (schemas, (char *) data, size, limits)
           : s_decode (schemas, data, size, limits);
    free (data);
    return rc;
}

int
main (int argc, char *argv [])
{
    sb_limits_t limits = sb_limits_default ();
    const char *command = NULL, *arg = NULL;
    for (int index = 1; index < argc; index++) {
        if (streq (argv [index], "-h") || streq (argv [index], "--help")) {
            s_usage (stdout);
            return 0;
        }
        if (streq (argv [index], "--max-bytes") && index + 1 < argc) {
            char *end;
            unsigned long long value = strtoull (argv [++index], &end, 10);
            if (*end || value == 0) {
                fprintf (stderr, "envelope: --max-bytes: '%s' is not a positive number\n",
                         argv [index]);
                return S_EXIT_USAGE;
            }
            limits.max_bytes = (size_t) value;
        }
        else
        if (!command)
            command = argv [index];
        else
        if (!arg)
            arg = argv [index];
        else {
            fprintf (stderr, "envelope: unexpected argument '%s' (try --help)\n", argv [index]);
            return S_EXIT_USAGE;
        }
    }
    if (!command) {
        s_usage (stderr);
        return S_EXIT_USAGE;
    }
    char err [512];
    sb_schemas_t *schemas = sb_schemas_new_builtin (err, sizeof err);
    if (!schemas) {
        fprintf (stderr, "envelope: built-in schemas: %s\n", err);
        return 1;
    }
    int rc = s_run (schemas, command, arg, &limits);
    sb_schemas_destroy (&schemas);
    return rc;
}
