/*  sb_actor_harness.c — runs an actor's handler with no broker: envelopes
    in as JSON, what it emits and its outcome out as JSON lines, or checked
    against expected lines in which "<ulid>", "<ms>", "<int>", "<string>"
    and "<any>" match values that vary from run to run.                     */

#include "sb_actor_private.h"

//  Reads a whole file ("-": stdin). Returns a new string or NULL.
static char *
s_slurp (const char *path)
{
    FILE *file = streq (path, "-")? stdin: fopen (path, "rb");
    if (!file)
        return NULL;
    size_t size = 0, capacity = 65536;
    char *text = (char *) malloc (capacity + 1);
    size_t got;
    while (text && (got = fread (text + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            char *bigger = (char *) realloc (text, capacity * 2 + 1);
            if (!bigger)
                free (text);
            text = bigger;
            capacity *= 2;
        }
    }
    if (file != stdin)
        fclose (file);
    if (text)
        text [size] = 0;
    return text;
}

//  Parses every JSON document in text (one per line, or concatenated).
//  Returns an array, or NULL with the reason printed.
static json_t *
s_documents (const char *text, const char *origin)
{
    json_t *list = json_array ();
    size_t offset = 0, size = strlen (text);
    while (list) {
        while (offset < size && isspace ((unsigned char) text [offset]))
            offset++;
        if (offset >= size)
            break;
        json_error_t error;
        json_t *json = json_loadb (text + offset, size - offset, JSON_DISABLE_EOF_CHECK, &error);
        if (!json) {
            fprintf (stderr, "%s: document %zu: invalid JSON: %s\n", origin,
                     json_array_size (list) + 1, error.text);
            json_decref (list);
            return NULL;
        }
        json_array_append_new (list, json);
        offset += (size_t) error.position;
    }
    return list;
}

static json_t *
s_outcome (sb_actor_result_t result, const char *reason, int64_t delay_ms)
{
    if (result == SB_ACTOR_DONE)
        return json_pack ("{s:s}", "outcome", "done");
    if (result == SB_ACTOR_RETRY)
        return json_pack ("{s:s, s:I, s:s}", "outcome", "retry", "delay_ms",
                          (json_int_t) delay_ms, "reason", reason);
    return json_pack ("{s:s, s:s}", "outcome", "fail", "reason", reason);
}

//  Handles one input envelope; appends the output lines to lines.
static void
s_handle (sb_actor_options_t *options, const json_t *input, json_t *lines,
          sb_actor_thread_t *thread)
{
    char err [512], reason [512];
    int64_t delay_ms = 0;
    sb_envelope_t *message = sb_envelope_from_json (input, NULL, err, sizeof err);
    if (!message || sb_schemas_check (options->schemas, message, err, sizeof err)) {
        //  What the runtime does too: an invalid message never reaches the
        //  handler
        snprintf (reason, sizeof reason, "invalid message: %.480s", err);
        json_array_append_new (lines, s_outcome (SB_ACTOR_FAIL, reason, 0));
        sb_envelope_destroy (&message);
        return;
    }
    uint32_t attempt = sb_envelope_attempt (message)? sb_envelope_attempt (message): 1;
    sb_actor_ctx_t *ctx = sb_actor_ctx_new (options, message, attempt, thread);
    sb_actor_result_t result = options->def->handler (ctx, message, options->state);
    result = sb_actor_ctx_finish (ctx, result, NULL, reason, sizeof reason, &delay_ms);
    if (result == SB_ACTOR_DONE) {
        zlistx_t *emits = sb_actor_ctx_emits (ctx);
        for (sb_envelope_t *env = (sb_envelope_t *) zlistx_first (emits); env;
             env = (sb_envelope_t *) zlistx_next (emits))
            json_array_append_new (lines, sb_envelope_to_json (env));
    }
    json_array_append_new (lines, s_outcome (result, reason, delay_ms));
    sb_actor_ctx_destroy (&ctx);
    sb_envelope_destroy (&message);
}

//  True if actual matches expected, where expected strings "<ulid>",
//  "<ms>" (an integer within a day of now), "<int>", "<string>" and
//  "<any>" match by kind. Writes where they differ into path.
static bool
s_matches (const json_t *expected, const json_t *actual, char *path, size_t pathlen)
{
    const char *pattern = json_string_value (expected);
    if (pattern && pattern [0] == '<') {
        if (streq (pattern, "<any>"))    return true;
        if (streq (pattern, "<string>")) return json_is_string (actual);
        if (streq (pattern, "<int>"))    return json_is_integer (actual);
        if (streq (pattern, "<ulid>"))   return sb_id_valid (json_string_value (actual));
        if (streq (pattern, "<ms>"))
            return json_is_integer (actual)
                && llabs ((long long) (json_integer_value (actual) - zclock_time ())) < 86400000LL;
    }
    if (json_typeof (expected) != json_typeof (actual))
        return false;
    size_t used = strlen (path);
    if (json_is_object (expected)) {
        const char *name;
        json_t *value;
        if (json_object_size (expected) != json_object_size (actual))
            return false;
        json_object_foreach ((json_t *) expected, name, value) {
            snprintf (path + used, pathlen - used, ".%s", name);
            if (!s_matches (value, json_object_get (actual, name), path, pathlen))
                return false;
        }
        path [used] = 0;
        return true;
    }
    if (json_is_array (expected)) {
        if (json_array_size (expected) != json_array_size (actual))
            return false;
        for (size_t index = 0; index < json_array_size (expected); index++) {
            snprintf (path + used, pathlen - used, "[%zu]", index);
            if (!s_matches (json_array_get (expected, index), json_array_get (actual, index),
                            path, pathlen))
                return false;
        }
        path [used] = 0;
        return true;
    }
    return json_equal (expected, actual);
}

//  Compares the output lines with the expected ones; reports the first
//  difference. Returns 0 when they match.
static int
s_compare (const json_t *lines, const json_t *expected, const char *origin)
{
    if (json_array_size (lines) != json_array_size (expected)) {
        fprintf (stderr, "%s: expected %zu lines, got %zu:\n", origin,
                 json_array_size (expected), json_array_size (lines));
        json_dumpf (lines, stderr, JSON_INDENT (2));
        fprintf (stderr, "\n");
        return -1;
    }
    for (size_t index = 0; index < json_array_size (lines); index++) {
        char path [512] = "";
        if (!s_matches (json_array_get (expected, index), json_array_get (lines, index),
                        path, sizeof path)) {
            char *got = json_dumps (json_array_get (lines, index), JSON_COMPACT);
            char *want = json_dumps (json_array_get (expected, index), JSON_COMPACT);
            fprintf (stderr, "%s: line %zu differs at '%s':\n  expected %s\n  got      %s\n",
                     origin, index + 1, *path? path: "(top)", want, got);
            free (got);
            free (want);
            return -1;
        }
    }
    return 0;
}

int
sb_actor_harness (sb_actor_options_t *options)
{
    char *text = s_slurp (options->harness);
    json_t *inputs = text? s_documents (text, options->harness): NULL;
    free (text);
    if (!inputs) {
        fprintf (stderr, "%s: --harness %s: cannot read its envelopes\n",
                 options->def->name, options->harness);
        return SB_ACTOR_EXIT_CONFIG;
    }
    json_t *lines = json_array ();
    size_t index;
    json_t *input;
    sb_actor_thread_t thread = { NULL };
    json_array_foreach (inputs, index, input)
        s_handle (options, input, lines, &thread);
    sb_actor_thread_end (&thread);
    json_decref (inputs);
    int rc = 0;
    if (options->expect) {
        char *wanted = s_slurp (options->expect);
        if (!wanted)
            fprintf (stderr, "%s: --expect %s: cannot read it\n", options->def->name,
                     options->expect);
        json_t *expected = wanted? s_documents (wanted, options->expect): NULL;
        free (wanted);
        rc = !expected? SB_ACTOR_EXIT_CONFIG
           : s_compare (lines, expected, options->expect)? SB_ACTOR_EXIT_DATA: 0;
        json_decref (expected);
        if (rc == 0)
            printf ("%s: %zu lines as expected\n", options->expect, json_array_size (lines));
    }
    else
        json_array_foreach (lines, index, input) {
            json_dumpf (input, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
            printf ("\n");
        }
    json_decref (lines);
    return rc;
}
