/*  sb_zmon_trace.c — a conversation's rows (see sb_zmon_trace.h).         */

#include "sb_zmon_trace.h"

static int
s_compare (const void *one, const void *two)
{
    const json_t *a = *(const json_t *const *) one, *b = *(const json_t *const *) two;
    json_int_t at_a = json_integer_value (json_object_get (a, "at_ms"));
    json_int_t at_b = json_integer_value (json_object_get (b, "at_ms"));
    if (at_a != at_b)
        return at_a < at_b? -1: 1;
    //  The same millisecond: in the order they were noted
    json_int_t order_a = json_integer_value (json_object_get (a, "offset_ms"));
    json_int_t order_b = json_integer_value (json_object_get (b, "offset_ms"));
    return order_a < order_b? -1: order_a > order_b;
}

//  A row from a stored event, with the given event name and time.
static json_t *
s_row (const json_t *stored, const char *event, json_int_t at_ms)
{
    const char *strings [] = { "type", "id", "service", "reason" };
    json_t *row = json_pack ("{s:I, s:s}", "at_ms", at_ms, "event", event);
    for (size_t index = 0; index < 4; index++) {
        const char *value = json_string_value (json_object_get (stored, strings [index]));
        json_object_set_new (row, strings [index], json_string (value? value: ""));
    }
    json_object_set_new (row, "attempt", json_integer (
        json_integer_value (json_object_get (stored, "attempt"))));
    json_object_set_new (row, "delay_ms", json_integer (
        json_integer_value (json_object_get (stored, "delay_ms"))));
    if (streq (event, "delivered"))
        json_object_set_new (row, "reason", json_string (""));
    return row;
}

//  Adds the rows of one stored event, unless an equal one is there.
static void
s_add (json_t *rows, json_t *seen, const json_t *stored)
{
    const char *event = json_string_value (json_object_get (stored, "event"));
    if (!event)
        return;
    char *key = json_dumps (stored, JSON_SORT_KEYS | JSON_COMPACT);
    bool repeat = !key || json_object_get (seen, key);
    if (key && !repeat)
        json_object_set_new (seen, key, json_true ());
    free (key);
    if (repeat)
        return;
    json_int_t delivered = json_integer_value (json_object_get (stored, "delivered_ms"));
    if (!streq (event, "published") && delivered > 0)
        json_array_append_new (rows, s_row (stored, "delivered", delivered));
    json_array_append_new (rows, s_row (stored, event,
                                        json_integer_value (json_object_get (stored, "at_ms"))));
}

json_t *
sb_zmon_trace_rows (const json_t *results)
{
    json_t *rows = json_array (), *seen = json_object ();
    for (size_t index = 0; index < json_array_size (results); index++) {
        const json_t *events = json_object_get (json_array_get (results, index), "reply");
        for (size_t at = 0; at < json_array_size (events); at++)
            s_add (rows, seen, json_array_get (events, at));
    }
    json_decref (seen);
    size_t count = json_array_size (rows);
    json_t **items = (json_t **) calloc (count + 1, sizeof (json_t *));
    for (size_t index = 0; items && index < count; index++) {
        items [index] = json_incref (json_array_get (rows, index));
        json_object_set_new (items [index], "offset_ms", json_integer ((json_int_t) index));
    }
    if (items)
        qsort (items, count, sizeof (json_t *), s_compare);
    json_t *sorted = json_array ();
    json_int_t first = count && items? json_integer_value (json_object_get (items [0], "at_ms")): 0;
    for (size_t index = 0; items && index < count; index++) {
        json_object_set_new (items [index], "offset_ms", json_integer (
            json_integer_value (json_object_get (items [index], "at_ms")) - first));
        json_array_append_new (sorted, items [index]);
    }
    free (items);
    json_decref (rows);
    return sorted;
}
