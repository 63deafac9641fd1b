/*  sb_zmon_trace.c — a conversation's rows (see sb_zmon_trace.h).         */

#include "sb_zmon_trace.h"
#include "sb_proto.h"
#include "sb_zmon_source.h"

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

//  Newest first; the same millisecond: by corr, for a stable order.
static int
s_compare_newest (const void *one, const void *two)
{
    const json_t *a = *(const json_t *const *) one, *b = *(const json_t *const *) two;
    json_int_t first_a = json_integer_value (json_object_get (a, "first_ms"));
    json_int_t first_b = json_integer_value (json_object_get (b, "first_ms"));
    if (first_a != first_b)
        return first_a > first_b? -1: 1;
    return -strcmp (json_string_value (json_object_get (a, "corr")),
                    json_string_value (json_object_get (b, "corr")));
}

//  Adds a broker's entry to merged (tenant TAB corr -> entry), keeping
//  the earliest first_ms of a repeat; skips what is not an entry.
static void
s_merge (json_t *merged, const json_t *entry)
{
    const char *corr = json_string_value (json_object_get (entry, "corr"));
    const char *tenant = json_string_value (json_object_get (entry, "tenant"));
    json_t *first = json_object_get (entry, "first_ms");
    if (!corr || !tenant || !json_is_integer (first))
        return;
    char *key = zsys_sprintf ("%s\t%s", tenant, corr);
    json_t *seen = key? json_object_get (merged, key): NULL;
    if (key && (!seen || json_integer_value (first)
                         < json_integer_value (json_object_get (seen, "first_ms"))))
        json_object_set_new (merged, key, json_pack ("{s:s, s:s, s:O}", "corr", corr,
                                                     "tenant", tenant, "first_ms", first));
    zstr_free (&key);
}

json_t *
sb_zmon_trace_conversations (const json_t *results)
{
    json_t *merged = json_object ();
    for (size_t index = 0; index < json_array_size (results); index++) {
        const json_t *list = json_object_get (json_array_get (results, index), "reply");
        for (size_t at = 0; at < json_array_size (list); at++)
            s_merge (merged, json_array_get (list, at));
    }
    size_t count = json_object_size (merged), used = 0;
    json_t **items = (json_t **) calloc (count + 1, sizeof (json_t *));
    const char *key;
    json_t *entry;
    json_object_foreach (merged, key, entry)
        if (items)
            items [used++] = entry;
    if (items)
        qsort (items, used, sizeof (json_t *), s_compare_newest);
    json_t *sorted = json_array ();
    for (size_t index = 0; index < used; index++)
        json_array_append (sorted, items [index]);
    free (items);
    json_decref (merged);
    return sorted;
}

//  {corr, tenant, rows} of the newest of conversations, or null.
static json_t *
s_newest (const char *const *brokers, size_t count, const json_t *conversations,
          int timeout_ms)
{
    json_t *newest = json_array_get (conversations, 0);
    if (!newest)
        return json_null ();
    const char *corr = json_string_value (json_object_get (newest, "corr"));
    json_t *results = sb_zmon_request_all (brokers, count, SB_PROTO_TRACE, corr, timeout_ms);
    json_t *trace = json_pack ("{s:s, s:O, s:o}", "corr", corr,
                               "tenant", json_object_get (newest, "tenant"),
                               "rows", sb_zmon_trace_rows (results));
    json_decref (results);
    return trace;
}

json_t *
sb_zmon_trace_phone (const char *const *brokers, size_t count, const char *phone,
                     bool newest, int timeout_ms, char *err, size_t errlen)
{
    char value [SB_SCHEMAS_PHONE_MAX + 1];
    if (sb_schemas_phone_normalise (phone, strlen (phone), value, sizeof value, err, errlen))
        return NULL;
    json_t *results = sb_zmon_request_all (brokers, count, SB_PROTO_CONVERSATIONS, value,
                                           timeout_ms);
    json_t *conversations = sb_zmon_trace_conversations (results);
    json_t *document = json_pack ("{s:s, s:o, s:o}", "phone", value,
                                  "conversations", conversations,
                                  "brokers", sb_zmon_request_brokers (results));
    json_decref (results);
    if (document && newest)
        json_object_set_new (document, "newest", s_newest (brokers, count, conversations,
                                                           timeout_ms));
    return document;
}
