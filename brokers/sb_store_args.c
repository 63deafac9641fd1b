/*  sb_store_args.c — the argument vectors the store builds its Redis
    commands in (sb_store_private.h): borrowed strings and byte runs, and
    numbers formatted into the vector's own storage.                       */

#include "sb_classes.h"
#include "sb_store_private.h"

static void
s_chunk_destructor (void **item)
{
    free (*item);
    *item = NULL;
}

void
sb_store_args_init (sb_store_args_t *args)
{
    memset (args, 0, sizeof *args);
    args->owned = zlistx_new ();
    if (args->owned)
        zlistx_set_destructor (args->owned, s_chunk_destructor);
    else
        args->failed = true;
    args->numbers_used = S_NUMBERS_PER_CHUNK;   //  no chunk yet
}

void
sb_store_args_clear (sb_store_args_t *args)
{
    free (args->argv);
    free (args->lengths);
    zlistx_destroy (&args->owned);
}

void
sb_store_args_add (sb_store_args_t *args, const void *data, size_t size)
{
    if (args->count == args->capacity) {
        size_t capacity = args->capacity? args->capacity * 2: 64;
        const char **argv = (const char **) realloc (args->argv, capacity * sizeof (char *));
        if (argv)
            args->argv = argv;
        size_t *lengths = (size_t *) realloc (args->lengths, capacity * sizeof (size_t));
        if (lengths)
            args->lengths = lengths;
        if (!argv || !lengths) {
            args->failed = true;
            return;
        }
        args->capacity = capacity;
    }
    args->argv [args->count] = (const char *) data;
    args->lengths [args->count++] = size;
}

void
sb_store_args_add_str (sb_store_args_t *args, const char *text)
{
    sb_store_args_add (args, text, strlen (text));
}

//  Formats a number into the vector's own storage (chunks of slots, so
//  earlier numbers never move: argv points at them).
void
sb_store_args_add_int (sb_store_args_t *args, int64_t value)
{
    if (args->numbers_used == S_NUMBERS_PER_CHUNK) {
        args->numbers = malloc (S_NUMBERS_PER_CHUNK * sizeof *args->numbers);
        if (!args->numbers || !args->owned) {
            free (args->numbers);
            args->failed = true;
            return;
        }
        zlistx_add_end (args->owned, args->numbers);
        args->numbers_used = 0;
    }
    char *text = args->numbers [args->numbers_used++];
    size_t at = 0;
    if (value < 0)
        text [at++] = '-';
    at += sb_store_decimal (text + at, value < 0? 0 - (uint64_t) value: (uint64_t) value);
    sb_store_args_add (args, text, at);
}

size_t
sb_store_decimal (char *at, uint64_t value)
{
    char digits [24];
    size_t length = 0;
    do {
        digits [length++] = (char) ('0' + value % 10);
        value /= 10;
    } while (value);
    for (size_t index = 0; index < length; index++)
        at [index] = digits [length - 1 - index];
    return length;
}
