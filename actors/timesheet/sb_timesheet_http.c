/*  sb_timesheet_http.c — the HTTP backend over sb_http: URL templates,
    JSON in and out, an Idempotency-Key on every write, and HTTP answers
    turned into the backend's codes.                                      */

#include "sb_timesheet_http.h"
#include "sb_date.h"
#include "sb_http.h"

#define S_MAX_ANSWER  (1024 * 1024)     //  a year of entries is ~100 KiB

//  The templates, their config keys, defaults, and the placeholders each
//  may use.
typedef enum { S_LOOKUP, S_ENTRIES, S_LOG, S_SUBMIT, S_EMPLOYEES, S_TEMPLATES } s_template_t;
static const struct {
    const char *key, *fallback, *placeholders;
} s_templates [S_TEMPLATES] = {
    { "lookup", "/tenants/{tenant}/employees/by-phone/{phone}", "tenant phone" },
    { "entries", "/tenants/{tenant}/employees/{employee}/entries?from={from}&to={to}",
      "tenant employee from to" },
    { "log", "/tenants/{tenant}/employees/{employee}/entries", "tenant employee" },
    { "submit", "/tenants/{tenant}/employees/{employee}/weeks/{week}/submit",
      "tenant employee week" },
    { "employees", "/tenants/{tenant}/employees", "tenant" },
};

struct _sb_timesheet_http_t {
    char *base_url;
    char *templates [S_TEMPLATES];
    char *token;                        //  the bearer token (a secret), or NULL
    long timeout_ms;
};

//  Checks that every {name} in text is one of placeholders (a space
//  separated list). Returns 0, or -1 with the reason.
static int
s_check_template (const char *key, const char *text, const char *placeholders,
                  char *err, size_t errlen)
{
    for (const char *open = strchr (text, '{'); open; open = strchr (open + 1, '{')) {
        const char *close = strchr (open, '}');
        char name [32];
        size_t length = close? (size_t) (close - open - 1): 0;
        if (!close || length == 0 || length >= sizeof name)
            return sb_error_set (err, errlen, "timesheet/http/%s: '{' at %zu opens no "
                                 "{placeholder}", key, (size_t) (open - text));
        memcpy (name, open + 1, length);
        name [length] = 0;
        const char *at = strstr (placeholders, name);
        if (!at || (at != placeholders && at [-1] != ' ') || (at [length] && at [length] != ' '))
            return sb_error_set (err, errlen, "timesheet/http/%s: {%s} is not one of {%s}",
                                 key, name, placeholders);
    }
    return 0;
}

//  Reads the settings into self. Returns 0, or -1 with the reason.
static int
s_configure (sb_timesheet_http_t *self, zconfig_t *section, char *err, size_t errlen)
{
    const char *base = section? zconfig_get (section, "base_url", ""): "";
    self->base_url = sb_http_base_url (base);       //  templates start with '/'
    if (!self->base_url)
        return sb_error_set (err, errlen, "timesheet/http/base_url: '%.64s' is not an http:// "
                             "or https:// URL (required with backend = http)", base);
    for (int index = 0; index < S_TEMPLATES; index++) {
        const char *text = section? zconfig_get (section, s_templates [index].key, NULL): NULL;
        self->templates [index] = strdup (text? text: s_templates [index].fallback);
        if (s_check_template (s_templates [index].key, self->templates [index],
                              s_templates [index].placeholders, err, errlen))
            return -1;
    }
    const char *timeout = section? zconfig_get (section, "timeout", "5000"): "5000";
    char *end = NULL;
    self->timeout_ms = strtol (timeout, &end, 10);
    if (!*timeout || *end || self->timeout_ms < 1 || self->timeout_ms > 600000)
        return sb_error_set (err, errlen, "timesheet/http/timeout: '%.32s' is not a number of "
                             "ms in 1..600000", timeout);
    const char *variable = section? zconfig_get (section, "token_env", "SB_TIMESHEET_TOKEN")
                                  : "SB_TIMESHEET_TOKEN";
    const char *token = getenv (variable);
    if (token && *token)
        self->token = strdup (token);
    else
        zsys_warning ("timesheet: $%s is not set: requests carry no bearer token", variable);
    return 0;
}

sb_timesheet_http_t *
sb_timesheet_http_new (zconfig_t *section, char *err, size_t errlen)
{
    sb_timesheet_http_t *self = calloc (1, sizeof *self);
    if (self && s_configure (self, section, err, errlen))
        sb_timesheet_http_destroy (&self);
    return self;
}

void
sb_timesheet_http_destroy (sb_timesheet_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_timesheet_http_t *self = *self_p;
    free (self->base_url);
    for (int index = 0; index < S_TEMPLATES; index++)
        free (self->templates [index]);
    if (self->token)                    //  a secret: not left in freed memory
        memset (self->token, 0, strlen (self->token));
    zstr_free (&self->token);
    free (self);
    *self_p = NULL;
}

//  Expands template with values (names[i] -> values[i], count of them),
//  after the base URL. Returns a new string.
static char *
s_url (sb_timesheet_http_t *self, s_template_t which, const char **names, const char **values,
       size_t count)
{
    zchunk_t *url = zchunk_new (self->base_url, strlen (self->base_url));
    for (const char *at = self->templates [which]; *at; at++) {
        const char *close = *at == '{'? strchr (at, '}'): NULL;
        size_t index = count;
        for (size_t name = 0; close && name < count; name++)
            if (strlen (names [name]) == (size_t) (close - at - 1)
            &&  strncmp (at + 1, names [name], (size_t) (close - at - 1)) == 0)
                index = name;
        char *escaped = index < count? sb_http_escape (values [index]): NULL;
        if (escaped) {
            zchunk_extend (url, escaped, strlen (escaped));
            zstr_free (&escaped);
            at = close;
        }
        else
            zchunk_extend (url, at, 1);
    }
    zchunk_extend (url, "", 1);
    char *text = strdup ((char *) zchunk_data (url));
    zchunk_destroy (&url);
    return text;
}

//  One exchange: method and url, body (JSON text, NULL: none), key (for
//  Idempotency-Key, NULL: none). Returns the HTTP status with the answer
//  parsed into *answer (NULL when it is empty or not JSON), or
//  SB_TIMESHEET_TRANSIENT when no answer came, with the reason.
static long
s_exchange (sb_timesheet_http_t *self, const char *method, const char *url, const char *body,
            const char *key, json_t **answer, char *err, size_t errlen)
{
    *answer = NULL;
    char *idempotency = key? zsys_sprintf ("Idempotency-Key: %s", key): NULL;
    if (key && !idempotency)            //  never a write without its key
        return sb_timesheet_error (SB_TIMESHEET_TRANSIENT, err, errlen,
                                   "timesheet service: out of memory");
    sb_http_request_t request = {
        .method = method, .url = url, .lines = { "Accept: application/json", idempotency },
        .content_type = body? "application/json": NULL, .body = body, .bearer = self->token,
        .timeout_ms = (int) self->timeout_ms, .answer_max = S_MAX_ANSWER
    };
    sb_http_answer_t reply;
    long status = SB_TIMESHEET_TRANSIENT;
    if (sb_http_request (NULL, &request, &reply) == 0)
        status = reply.status;
    else
        snprintf (err, errlen, "timesheet service: %s %s: %s", method, url, reply.error);
    if (status > 0 && reply.size)
        *answer = json_loadb (reply.body, reply.size, 0, NULL);
    zstr_free (&idempotency);
    sb_http_answer_clear (&reply);
    return status;
}

//  Turns status and answer into a backend code: 2xx with a JSON object
//  OK, 5xx and 429 TRANSIENT, 409 and 422 REFUSED with the service's
//  error, anything else BROKEN. Names method and url in the reason.
static int
s_code (long status, const json_t *answer, const char *method, const char *url,
        char *err, size_t errlen)
{
    if (status < 0)
        return (int) status;            //  no answer: the reason is set
    const char *why = json_string_value (json_object_get (answer, "error"));
    if (status >= 200 && status < 300 && json_is_object (answer))
        return SB_TIMESHEET_OK;
    if (status >= 200 && status < 300)
        return sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "timesheet service: "
                                   "%s %s: %ld without a JSON object", method, url, status);
    if (status == 409 || status == 422)
        return sb_timesheet_error (SB_TIMESHEET_REFUSED, err, errlen, "%.400s",
                                   why? why: "the timesheet service refused the request");
    return sb_timesheet_error (status >= 500 || status == 429? SB_TIMESHEET_TRANSIENT
                                                            : SB_TIMESHEET_BROKEN,
                               err, errlen, "timesheet service: %s %s: %ld %.200s", method,
                               url, status, why? why: "");
}

//  A GET or POST of url, its answer's JSON object in *answer when OK.
static int
s_call (sb_timesheet_http_t *self, const char *method, char *url, const char *body,
        const char *key, json_t **answer, char *err, size_t errlen)
{
    long status = s_exchange (self, method, url, body, key, answer, err, errlen);
    int rc = s_code (status, *answer, method, url, err, errlen);
    if (rc != SB_TIMESHEET_OK) {
        json_decref (*answer);
        *answer = NULL;
    }
    free (url);
    return rc;
}

int
sb_timesheet_http_lookup (sb_timesheet_http_t *self, const char *tenant, const char *phone,
                          sb_timesheet_employee_t *employee, char *err, size_t errlen)
{
    const char *names [] = { "tenant", "phone" }, *values [] = { tenant, phone };
    char *url = s_url (self, S_LOOKUP, names, values, 2);
    json_t *answer = NULL;
    long status = s_exchange (self, "GET", url, NULL, NULL, &answer, err, errlen);
    int rc = status == 404? SB_TIMESHEET_NOT_FOUND
                          : s_code (status, answer, "GET", url, err, errlen);
    const char *id = json_string_value (json_object_get (answer, "id"));
    const char *name = json_string_value (json_object_get (answer, "name"));
    if (rc == SB_TIMESHEET_OK && (!id || !*id || strlen (id) > SB_TIMESHEET_ID_MAX
                               || (name && strlen (name) > SB_TIMESHEET_NAME_MAX)))
        rc = sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "timesheet service: GET %s: "
                                 "no employee {id, name?} in the answer", url);
    if (rc == SB_TIMESHEET_OK) {
        snprintf (employee->id, sizeof employee->id, "%s", id);
        snprintf (employee->name, sizeof employee->name, "%s", name? name: "");
    }
    json_decref (answer);
    free (url);
    return rc;
}

//  GETs the URL of template which with values, and answers its field (a
//  new reference, NULL if absent) in *value, with "timesheet service: GET
//  <url>" in where for the caller's messages.
static int
s_get (sb_timesheet_http_t *self, s_template_t which, const char **names, const char **values,
       size_t count, const char *field, json_t **value, char *where, size_t wherelen,
       char *err, size_t errlen)
{
    char *url = s_url (self, which, names, values, count);
    snprintf (where, wherelen, "timesheet service: GET %s", url);
    json_t *answer = NULL;
    int rc = s_call (self, "GET", url, NULL, NULL, &answer, err, errlen);
    *value = json_incref (json_object_get (answer, field));
    json_decref (answer);
    return rc;
}

int
sb_timesheet_http_entries (sb_timesheet_http_t *self, const char *tenant, const char *employee,
                           int32_t from, int32_t to, json_t **entries, char *err, size_t errlen)
{
    char from_text [11], to_text [11], where [300];
    sb_date_format (from, from_text);
    sb_date_format (to, to_text);
    const char *names [] = { "tenant", "employee", "from", "to" };
    const char *values [] = { tenant, employee, from_text, to_text };
    json_t *list = NULL;
    int rc = s_get (self, S_ENTRIES, names, values, 4, "entries", &list, where, sizeof where,
                    err, errlen);
    if (rc == SB_TIMESHEET_OK) {
        *entries = sb_timesheet_entries_checked (list, from, to, where, err, errlen);
        rc = *entries? SB_TIMESHEET_OK: SB_TIMESHEET_BROKEN;
    }
    json_decref (list);
    return rc;
}

int
sb_timesheet_http_log (sb_timesheet_http_t *self, const char *tenant, const char *employee,
                       const char *key, const json_t *entry, json_t **recorded,
                       char *err, size_t errlen)
{
    const char *names [] = { "tenant", "employee" }, *values [] = { tenant, employee };
    char *url = s_url (self, S_LOG, names, values, 2);
    char where [300];
    snprintf (where, sizeof where, "timesheet service: POST %s", url);
    char *body = json_dumps (entry, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *answer = NULL;
    int rc = s_call (self, "POST", url, body, key, &answer, err, errlen);
    free (body);
    if (rc == SB_TIMESHEET_OK) {
        *recorded = sb_timesheet_entry_checked (json_object_get (answer, "entry"));
        if (!*recorded)
            rc = sb_timesheet_error (SB_TIMESHEET_BROKEN, err, errlen, "%s: no entry {date, "
                                     "project, hours, note?} in the answer", where);
        else
        if (json_is_true (json_object_get (answer, "duplicate")))
            rc = SB_TIMESHEET_DUPLICATE;
    }
    json_decref (answer);
    return rc;
}

int
sb_timesheet_http_submit (sb_timesheet_http_t *self, const char *tenant, const char *employee,
                          int32_t week_start, const char *key, int64_t now_ms,
                          char *err, size_t errlen)
{
    char week [16];
    sb_timesheet_week_label (week_start, week);
    const char *names [] = { "tenant", "employee", "week" };
    const char *values [] = { tenant, employee, week };
    char *url = s_url (self, S_SUBMIT, names, values, 3);
    json_t *request = json_pack ("{s:s, s:I}", "week", week, "at_ms", (json_int_t) now_ms);
    char *body = json_dumps (request, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (request);
    json_t *answer = NULL;
    int rc = s_call (self, "POST", url, body, key, &answer, err, errlen);
    free (body);
    if (rc == SB_TIMESHEET_OK && json_is_true (json_object_get (answer, "duplicate")))
        rc = SB_TIMESHEET_DUPLICATE;
    json_decref (answer);
    return rc;
}

int
sb_timesheet_http_employees (sb_timesheet_http_t *self, const char *tenant, json_t **employees,
                             char *err, size_t errlen)
{
    const char *names [] = { "tenant" }, *values [] = { tenant };
    char where [300];
    json_t *list = NULL;
    int rc = s_get (self, S_EMPLOYEES, names, values, 1, "employees", &list, where, sizeof where,
                    err, errlen);
    if (rc == SB_TIMESHEET_OK) {
        *employees = sb_timesheet_employees_checked (list, where, err, errlen);
        rc = *employees? SB_TIMESHEET_OK: SB_TIMESHEET_BROKEN;
    }
    json_decref (list);
    return rc;
}
