/*  sb_timesheet_backend.c — the backend the config chooses: Redis through
    the handler's per-thread connection, or the HTTP service.             */

#include "sb_timesheet_backend.h"
#include "sb_timesheet_http.h"
#include "sb_timesheet_store.h"
#include "sb_actor_redis.h"
#include "sb_date.h"

struct _sb_timesheet_backend_t {
    sb_timesheet_http_t *http;          //  NULL: Redis
};

sb_timesheet_backend_t *
sb_timesheet_backend_new (zconfig_t *section, char *err, size_t errlen)
{
    const char *kind = section? zconfig_get (section, "backend", "redis"): "redis";
    if (!streq (kind, "redis") && !streq (kind, "http")) {
        snprintf (err, errlen, "timesheet/backend: '%.64s' is not redis or http", kind);
        return NULL;
    }
    sb_timesheet_backend_t *self = calloc (1, sizeof *self);
    if (self && streq (kind, "http")) {
        self->http = sb_timesheet_http_new (zconfig_locate (section, "http"), err, errlen);
        if (!self->http)
            sb_timesheet_backend_destroy (&self);
    }
    return self;
}

void
sb_timesheet_backend_destroy (sb_timesheet_backend_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_timesheet_http_destroy (&(*self_p)->http);
    free (*self_p);
    *self_p = NULL;
}

bool
sb_timesheet_backend_remote (const sb_timesheet_backend_t *self)
{
    return self->http != NULL;
}

//  The calling thread's Redis, or NULL with the reason.
static redisContext *
s_redis (sb_actor_ctx_t *ctx, char *err, size_t errlen)
{
    char why [256] = "";
    redisContext *redis = sb_actor_redis (ctx, why, sizeof why);
    if (!redis)
        snprintf (err, errlen, "timesheet store: %s", why);
    return redis;
}

//  After a store call: a connection that failed is reopened next time.
static int
s_after (sb_actor_ctx_t *ctx, redisContext *redis, int rc)
{
    if (rc == SB_TIMESHEET_TRANSIENT && redis->err)
        sb_actor_redis_failed (ctx);
    return rc;
}

//  The ids this thread's lookups found, by "<tenant> <phone>": guesses
//  that let the next lookup read the name with the directory, in one
//  round trip (the store checks each against the directory).
static void *
s_guesses_new (sb_actor_ctx_t *ctx, char *err, size_t errlen)
{
    (void) ctx;
    zhashx_t *guesses = zhashx_new ();
    if (!guesses)
        snprintf (err, errlen, "out of memory for the directory's guesses");
    else {
        zhashx_set_duplicator (guesses, (zhashx_duplicator_fn *) strdup);
        zhashx_set_destructor (guesses, (zhashx_destructor_fn *) zstr_free);
    }
    return guesses;
}

static void
s_guesses_destroy (void **guesses_p)
{
    zhashx_destroy ((zhashx_t **) guesses_p);
}

//  Notes what a lookup of key found (rc, employee) among the guesses.
static void
s_guess_note (zhashx_t *guesses, const char *key, int rc, const char *id)
{
    if (rc == SB_TIMESHEET_NOT_FOUND)
        zhashx_delete (guesses, key);
    else
    if (rc == SB_TIMESHEET_OK) {
        //  Bounded: starting over only costs the next lookups a round trip
        if (zhashx_size (guesses) >= SB_TIMESHEET_GUESSES_MAX && !zhashx_lookup (guesses, key))
            zhashx_purge (guesses);
        zhashx_update (guesses, key, (void *) id);
    }
}

int
sb_timesheet_backend_lookup (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                             const char *tenant, const char *phone,
                             sb_timesheet_prefetch_t *prefetch,
                             sb_timesheet_employee_t *employee, char *err, size_t errlen)
{
    memset (employee, 0, sizeof *employee);
    if (prefetch)
        prefetch->entries = NULL;
    if (self->http)
        return sb_timesheet_http_lookup (self->http, tenant, phone, employee, err, errlen);
    redisContext *redis = s_redis (ctx, err, errlen);
    if (!redis)
        return SB_TIMESHEET_TRANSIENT;
    //  Without the guesses (out of memory) the lookup takes two round trips
    char why [128], key [300];
    zhashx_t *guesses = (zhashx_t *) sb_actor_thread_state (ctx, "sb_ts_dir", s_guesses_new,
                                                            s_guesses_destroy, why, sizeof why);
    snprintf (key, sizeof key, "%s %s", tenant, phone);
    const char *guess = guesses? (const char *) zhashx_lookup (guesses, key): NULL;
    int rc = sb_timesheet_store_lookup (redis, tenant, phone, guess, prefetch, employee, err,
                                        errlen);
    if (guesses)
        s_guess_note (guesses, key, rc, employee->id);
    return s_after (ctx, redis, rc);
}

int
sb_timesheet_backend_entries (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                              const char *tenant, const char *employee, int32_t from,
                              int32_t to, json_t **entries, char *err, size_t errlen)
{
    *entries = NULL;
    if (self->http)
        return sb_timesheet_http_entries (self->http, tenant, employee, from, to, entries,
                                          err, errlen);
    redisContext *redis = s_redis (ctx, err, errlen);
    return !redis? SB_TIMESHEET_TRANSIENT
         : s_after (ctx, redis, sb_timesheet_store_entries (redis, tenant, employee, from, to,
                                                            entries, err, errlen));
}

int
sb_timesheet_backend_log (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                          const char *tenant, const char *employee, const char *key,
                          const json_t *entry, json_t **recorded, char *err, size_t errlen)
{
    *recorded = NULL;
    if (self->http)
        return sb_timesheet_http_log (self->http, tenant, employee, key, entry, recorded,
                                      err, errlen);
    redisContext *redis = s_redis (ctx, err, errlen);
    return !redis? SB_TIMESHEET_TRANSIENT
         : s_after (ctx, redis, sb_timesheet_store_log (redis, tenant, employee, key, entry,
                                                        recorded, err, errlen));
}

int
sb_timesheet_backend_submit (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                             const char *tenant, const char *employee, int32_t week_start,
                             const char *key, int64_t now_ms, char *err, size_t errlen)
{
    if (self->http)
        return sb_timesheet_http_submit (self->http, tenant, employee, week_start, key, now_ms,
                                         err, errlen);
    redisContext *redis = s_redis (ctx, err, errlen);
    return !redis? SB_TIMESHEET_TRANSIENT
         : s_after (ctx, redis, sb_timesheet_store_submit (redis, tenant, employee, week_start,
                                                           key, now_ms, err, errlen));
}

int
sb_timesheet_backend_employees (sb_timesheet_backend_t *self, sb_actor_ctx_t *ctx,
                                const char *tenant, json_t **employees, char *err, size_t errlen)
{
    *employees = NULL;
    if (self->http)
        return sb_timesheet_http_employees (self->http, tenant, employees, err, errlen);
    redisContext *redis = s_redis (ctx, err, errlen);
    return !redis? SB_TIMESHEET_TRANSIENT
         : s_after (ctx, redis, sb_timesheet_store_employees (redis, tenant, employees,
                                                              err, errlen));
}

int
sb_timesheet_error (int code, char *err, size_t errlen, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    vsnprintf (err, errlen, format, args);
    va_end (args);
    return code;
}

void
sb_timesheet_week_label (int32_t week_start, char label [16])
{
    //  The ISO week's year is its Thursday's; week 1 holds the first Thursday
    int32_t thursday = week_start + 3;
    int year, month, day;
    sb_date_to_civil (thursday, &year, &month, &day);
    unsigned week = (unsigned) (thursday - sb_date_from_civil (year, 1, 1)) / 7 + 1;
    snprintf (label, 16, "%04u-W%02u", (unsigned) year % 10000, week % 100);
}

json_t *
sb_timesheet_entry_checked (const json_t *entry)
{
    const char *date = json_string_value (json_object_get (entry, "date"));
    const char *project = json_string_value (json_object_get (entry, "project"));
    json_t *hours = json_object_get (entry, "hours"), *note = json_object_get (entry, "note");
    int32_t day;
    if (!date || sb_date_parse (date, &day) || !project || !*project || strlen (project) > 128
    ||  !json_is_number (hours) || !(json_number_value (hours) >= 0)
    ||  json_number_value (hours) > 24
    ||  (note && !json_is_null (note)
      && (!json_is_string (note) || json_string_length (note) > 512)))
        return NULL;
    json_t *checked = json_pack ("{s:s, s:s, s:O}", "date", date, "project", project,
                                 "hours", hours);
    if (json_is_string (note))
        json_object_set (checked, "note", note);
    return checked;
}

//  Orders entries by date, then as they came (qsort is not stable).
typedef struct {
    json_t *entry;
    size_t index;
} s_sorted_t;

static int
s_compare_entries (const void *a, const void *b)
{
    const s_sorted_t *left = a, *right = b;
    int order = strcmp (json_string_value (json_object_get (left->entry, "date")),
                        json_string_value (json_object_get (right->entry, "date")));
    return order? order: (left->index > right->index) - (left->index < right->index);
}

json_t *
sb_timesheet_entries_checked (const json_t *entries, int32_t from, int32_t to,
                              const char *where, char *err, size_t errlen)
{
    if (!json_is_array (entries)) {
        snprintf (err, errlen, "%s: no array of entries", where);
        return NULL;
    }
    size_t count = json_array_size (entries), good;
    s_sorted_t *sorted = calloc (count + 1, sizeof *sorted);
    for (good = 0; good < count; good++) {
        json_t *entry = sb_timesheet_entry_checked (json_array_get (entries, good));
        int32_t day = from - 1;
        if (entry)
            sb_date_parse (json_string_value (json_object_get (entry, "date")), &day);
        if (day < from || day > to) {
            json_decref (entry);
            break;
        }
        sorted [good] = (s_sorted_t) { entry, good };
    }
    json_t *checked = good == count? json_array (): NULL;
    if (checked)
        qsort (sorted, count, sizeof *sorted, s_compare_entries);
    else
        snprintf (err, errlen, "%s: entries[%zu]: not an entry {date, project, hours, note?} "
                  "dated in the period asked", where, good);
    for (size_t index = 0; index < good; index++)
        if (checked)
            json_array_append_new (checked, sorted [index].entry);
        else
            json_decref (sorted [index].entry);
    free (sorted);
    return checked;
}

//  A new {id, name, phone, channel} from employee (channel sms unless it
//  says whatsapp), or NULL if it is not one.
static json_t *
s_employee_checked (const json_t *employee)
{
    const char *id = json_string_value (json_object_get (employee, "id"));
    const char *name = json_string_value (json_object_get (employee, "name"));
    const char *phone = json_string_value (json_object_get (employee, "phone"));
    const char *channel = json_string_value (json_object_get (employee, "channel"));
    if (!id || !*id || strlen (id) > SB_TIMESHEET_ID_MAX
    ||  (name && strlen (name) > SB_TIMESHEET_NAME_MAX) || !phone || strlen (phone) > 64)
        return NULL;
    return json_pack ("{s:s, s:s, s:s, s:s}", "id", id, "name", name? name: "", "phone", phone,
                      "channel", channel && streq (channel, "whatsapp")? "whatsapp": "sms");
}

static int
s_compare_ids (const void *a, const void *b)
{
    return strcmp (json_string_value (json_object_get (*(json_t * const *) a, "id")),
                   json_string_value (json_object_get (*(json_t * const *) b, "id")));
}

json_t *
sb_timesheet_employees_checked (const json_t *employees, const char *where,
                                char *err, size_t errlen)
{
    size_t count = json_array_size (employees), good;
    json_t **sorted = calloc (count + 1, sizeof *sorted);
    for (good = 0; good < count; good++)
        if (!(sorted [good] = s_employee_checked (json_array_get (employees, good))))
            break;
    json_t *checked = json_is_array (employees) && good == count? json_array (): NULL;
    if (checked)
        qsort (sorted, count, sizeof *sorted, s_compare_ids);
    else
        snprintf (err, errlen, "%s: employees[%zu]: not an employee {id, name?, phone, "
                  "channel?}", where, good);
    for (size_t index = 0; index < good; index++)
        if (checked)
            json_array_append_new (checked, sorted [index]);
        else
            json_decref (sorted [index]);
    free (sorted);
    return checked;
}
