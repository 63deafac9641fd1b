/*  sb_twilio_api.c — Twilio's Messages API over sb_http (see the .h).

    Requests go out on kept-alive connections, from a pool of sb_http
    clients that the sender's threads take one at a time. libcurl silently
    sends a request again when a reused connection turns out to be closed
    before any answer byte came back; for a POST that is the ambiguous case
    itself (Twilio may have created the message and closed before
    answering), and a second request would be a second SMS. So creates
    are sb_http's no_resend: libcurl cannot send the body twice, and such a
    death comes back here as DROPPED, once, for the caller to resolve (it
    looks Twilio up before sending again). A lookup's GETs may be re-sent:
    asking twice for a page changes nothing.                              */

#include "sb_classes.h"
#include "sb_twilio_api.h"
#include "sb_http.h"
#include <pthread.h>

#define S_LIST_PREFIX "/2010-04-01/Accounts/"
#define S_IDLE_MAX 64        //  idle clients kept (each its connections)

struct _sb_twilio_api_t {
    char *base;              //  without a trailing '/'
    int timeout_ms;
    pthread_mutex_t lock;    //  guards idle
    sb_http_t *idle [S_IDLE_MAX];
    size_t idle_count;
};

sb_twilio_api_t *
sb_twilio_api_new (const char *base, int timeout_ms, char *err, size_t errlen)
{
    base = base && *base? base: SB_TWILIO_API_BASE;
    if (strncmp (base, "http://", 7) && strncmp (base, "https://", 8)) {
        sb_error_set (err, errlen, "Twilio API base '%s' is not an http:// or https:// URL", base);
        return NULL;
    }
    if (timeout_ms < 100 || timeout_ms > 120000) {
        sb_error_set (err, errlen, "Twilio time-out %d ms is not in 100..120000", timeout_ms);
        return NULL;
    }
    sb_twilio_api_t *self = (sb_twilio_api_t *) calloc (1, sizeof *self);
    if (self)
        self->base = sb_http_base_url (base);
    if (!self || !self->base) {
        free (self);
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->timeout_ms = timeout_ms;
    pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
sb_twilio_api_destroy (sb_twilio_api_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_twilio_api_t *self = *self_p;
    while (self->idle_count)
        sb_http_destroy (&self->idle [--self->idle_count]);
    pthread_mutex_destroy (&self->lock);
    free (self->base);
    free (self);
    *self_p = NULL;
}

//  A client for one thread's exchanges: an idle one with its connections,
//  else a new one (NULL when out of memory: sb_http then makes a handle
//  for the call).
static sb_http_t *
s_client_take (sb_twilio_api_t *self)
{
    pthread_mutex_lock (&self->lock);
    sb_http_t *client = self->idle_count? self->idle [--self->idle_count]: NULL;
    pthread_mutex_unlock (&self->lock);
    return client? client: sb_http_new ();
}

//  Gives a client back to the pool, or closes it when the pool is full.
static void
s_client_give (sb_twilio_api_t *self, sb_http_t **client_p)
{
    pthread_mutex_lock (&self->lock);
    if (*client_p && self->idle_count < S_IDLE_MAX) {
        self->idle [self->idle_count++] = *client_p;
        *client_p = NULL;
    }
    pthread_mutex_unlock (&self->lock);
    sb_http_destroy (client_p);
}

const char *
sb_twilio_api_base (const sb_twilio_api_t *self)
{
    return self->base;
}

//  --------------------------------------------------------------------------
//  Readers

//  Copies the string member name of object into target (size bytes):
//  absent or null give "" when optional; returns -1 if it is required and
//  missing, not a string, or does not fit.
static int
s_copy_string (const json_t *object, const char *name, bool required, char *target,
               size_t size)
{
    json_t *value = json_object_get (object, name);
    *target = 0;
    if (!value || json_is_null (value))
        return required? -1: 0;
    if (!json_is_string (value) || json_string_length (value) >= size
    ||  strlen (json_string_value (value)) != json_string_length (value))
        return -1;
    memcpy (target, json_string_value (value), json_string_length (value) + 1);
    return 0;
}

//  num_segments: Twilio writes it as a string ("1"); an integer is taken
//  too. Returns 0..64, or 0 if absent or unreadable.
static int
s_segments (const json_t *object)
{
    json_t *value = json_object_get (object, "num_segments");
    long long number = -1;
    if (json_is_integer (value))
        number = json_integer_value (value);
    else
    if (json_is_string (value)) {
        const char *text = json_string_value (value);
        char *end = NULL;
        errno = 0;
        number = strtoll (text, &end, 10);
        if (end == text || *end || errno)
            number = -1;
    }
    return number >= 1 && number <= 64? (int) number: 0;
}

//  Reads one message object into message. Returns 0, or -1 with why.
static int
s_read_message_object (const json_t *object, sb_twilio_message_t *message, char *err,
                       size_t errlen)
{
    memset (message, 0, sizeof *message);
    if (!json_is_object (object))
        return sb_error_set (err, errlen, "a message is not a JSON object");
    if (s_copy_string (object, "sid", true, message->sid, sizeof message->sid)
    ||  strlen (message->sid) < 2)
        return sb_error_set (err, errlen, "no sid of 2..%d bytes", SB_TWILIO_SID_MAX);
    for (const char *at = message->sid; *at; at++)
        if (!isalnum ((unsigned char) *at))
            return sb_error_set (err, errlen, "sid is not alphanumeric");
    if (s_copy_string (object, "to", false, message->to, sizeof message->to)
    ||  s_copy_string (object, "from", false, message->from, sizeof message->from)
    ||  s_copy_string (object, "status", false, message->status, sizeof message->status))
        return sb_error_set (err, errlen, "message %s: to, from or status is not a string "
                             "that fits", message->sid);
    if (s_copy_string (object, "body", false, message->body, sizeof message->body))
        *message->body = 0;     //  longer than any text we send: never ours
    message->segments = s_segments (object);
    const char *created = json_string_value (json_object_get (object, "date_created"));
    int64_t when = created && strlen (created) < 64? sb_http_date (created): -1;
    message->created_s = when > 0? when: 0;
    return 0;
}

//  Parses size bytes of answer as JSON. Returns a new value or NULL with why.
static json_t *
s_parse (const char *answer, size_t size, char *err, size_t errlen)
{
    json_error_t error;
    json_t *json = answer? json_loadb (answer, size, 0, &error): NULL;
    if (!json)
        sb_error_set (err, errlen, "not JSON: %s", answer? error.text: "no answer");
    return json;
}

int
sb_twilio_api_read_message (const char *answer, size_t size, sb_twilio_message_t *message,
                            char *err, size_t errlen)
{
    memset (message, 0, sizeof *message);
    json_t *json = s_parse (answer, size, err, errlen);
    int rc = json? s_read_message_object (json, message, err, errlen): -1;
    json_decref (json);
    return rc;
}

void
sb_twilio_api_read_error (const char *answer, size_t size, int *code, char *reason,
                          size_t reasonlen)
{
    *code = 0;
    json_t *json = answer? json_loadb (answer, size, 0, NULL): NULL;
    json_t *number = json_object_get (json, "code");
    if (json_is_integer (number) && json_integer_value (number) > 0
    &&  json_integer_value (number) < 1000000)
        *code = (int) json_integer_value (number);
    const char *message = json_string_value (json_object_get (json, "message"));
    if (message)
        snprintf (reason, reasonlen, "%s", message);
    else {
        //  Not Twilio's shape (a proxy's page): a printable sample of it
        size_t length = 0;
        for (size_t index = 0; answer && index < size && length + 1 < reasonlen && length < 120;
             index++)
            reason [length++] = isprint ((unsigned char) answer [index])? answer [index]: '.';
        if (reasonlen)
            reason [length] = 0;
    }
    json_decref (json);
}

int
sb_twilio_api_read_list (const char *answer, size_t size, sb_twilio_each_fn *each, void *arg,
                         char *next, size_t nextlen, size_t *skipped, char *err, size_t errlen)
{
    if (nextlen)
        *next = 0;
    json_t *json = s_parse (answer, size, err, errlen);
    json_t *messages = json_object_get (json, "messages");
    if (!json_is_array (messages)) {
        if (json)
            sb_error_set (err, errlen, "no messages array in the list");
        json_decref (json);
        return -1;
    }
    int rc = 0;
    size_t index;
    json_t *item;
    json_array_foreach (messages, index, item) {
        sb_twilio_message_t message;
        char why [128];
        if (s_read_message_object (item, &message, why, sizeof why)) {
            if (skipped)
                (*skipped)++;
        }
        else
        if (each (&message, arg)) {
            rc = 1;
            break;
        }
    }
    if (rc == 0 && s_copy_string (json, "next_page_uri", false, next, nextlen))
        *next = 0;
    json_decref (json);
    return rc;
}

int64_t
sb_twilio_api_read_retry_after (const char *value, int64_t now_s)
{
    return sb_http_retry_after_ms (value, now_s);
}

//  --------------------------------------------------------------------------
//  Exchanges

//  Performs one request to url with client (NULL: a connection of its
//  own): a POST of form, never sent twice, when form is not NULL, else a
//  GET. Fills answer (the caller clears it); returns its
//  Retry-After in ms, -1 if none.
static int64_t
s_exchange (sb_twilio_api_t *self, sb_http_t *client, const sb_twilio_account_t *account,
            const char *url, const char *form, sb_http_answer_t *answer)
{
    sb_http_request_t request = {
        .url = url, .body = form, .no_resend = form != NULL,
        .user = account->account_sid, .password = account->auth_token,
        .user_agent = "switchboard-sender/1", .timeout_ms = self->timeout_ms,
        .answer_max = SB_TWILIO_ANSWER_MAX, .keep = { "Retry-After" }
    };
    sb_http_request (client, &request, answer);
    const char *retry_after = sb_http_header (answer, "Retry-After");
    return retry_after? sb_http_retry_after_ms (retry_after, (int64_t) time (NULL)): -1;
}

//  Appends name=value (value URL-encoded) to form. Returns 0 or -1.
static int
s_form_add (char *form, size_t size, const char *name, const char *value)
{
    char *escaped = sb_http_escape (value);
    size_t used = strlen (form);
    int written = escaped? snprintf (form + used, size - used, "%s%s=%s", used? "&": "",
                                     name, escaped): -1;
    free (escaped);
    return written >= 0 && (size_t) written < size - used? 0: -1;
}

//  The account's Messages.json URL, as a new string (NULL: out of memory).
static char *
s_messages_url (sb_twilio_api_t *self, const sb_twilio_account_t *account)
{
    char *sid = sb_http_escape (account->account_sid);
    char *url = sid? zsys_sprintf ("%s%s%s/Messages.json", self->base, S_LIST_PREFIX, sid): NULL;
    free (sid);
    return url;
}

//  Classifies a whole answer to a create request.
static void
s_classify_answer (const sb_http_answer_t *answer, sb_twilio_result_t *result)
{
    char why [256];
    if (answer->status == 200 || answer->status == 201) {
        if (sb_twilio_api_read_message (answer->body, answer->size, &result->message,
                                        why, sizeof why) == 0)
            result->outcome = SB_TWILIO_SENT;
        else {
            //  Twilio created it, we cannot read which: the lookup will
            result->outcome = SB_TWILIO_UNSURE;
            snprintf (result->reason, sizeof result->reason, "HTTP %ld with an unreadable "
                      "answer: %s", answer->status, why);
        }
        return;
    }
    sb_twilio_api_read_error (answer->body, answer->size, &result->code, result->reason,
                              sizeof result->reason);
    if (answer->status == 429)
        result->outcome = SB_TWILIO_NOT_SENT;
    else
    if (answer->status >= 500)
        result->outcome = SB_TWILIO_UNSURE;
    else
        result->outcome = SB_TWILIO_REFUSED;
}

void
sb_twilio_api_send (sb_twilio_api_t *self, const sb_twilio_account_t *account, const char *to,
                    const char *from, const char *body, sb_twilio_result_t *result)
{
    memset (result, 0, sizeof *result);
    result->retry_after_ms = -1;
    result->outcome = SB_TWILIO_NOT_SENT;
    //  Three fields, each at most thrice its size once encoded
    size_t size = 3 * (strlen (to) + strlen (from) + strlen (body)) + 64;
    char *form = (char *) calloc (1, size);
    char *url = s_messages_url (self, account);
    bool service = strncmp (from, "MG", 2) == 0 && strlen (from) == 34;
    if (!form || !url || s_form_add (form, size, "To", to)
    ||  s_form_add (form, size, service? "MessagingServiceSid": "From", from)
    ||  s_form_add (form, size, "Body", body)) {
        snprintf (result->reason, sizeof result->reason, "out of memory");
        free (form);
        zstr_free (&url);
        return;
    }
    sb_http_answer_t answer;
    sb_http_t *client = s_client_take (self);
    result->retry_after_ms = s_exchange (self, client, account, url, form, &answer);
    s_client_give (self, &client);
    free (form);
    zstr_free (&url);
    result->http_status = answer.status;
    if (answer.outcome == SB_HTTP_ANSWERED)
        s_classify_answer (&answer, result);
    else {
        //  Only a request that never went out certainly created nothing;
        //  a 201 too large to read was still a creation
        bool created = answer.status == 200 || answer.status == 201;
        result->outcome = answer.outcome != SB_HTTP_NOT_SENT || created? SB_TWILIO_UNSURE
                                                                        : SB_TWILIO_NOT_SENT;
        snprintf (result->reason, sizeof result->reason, "%s%s",
                  answer.outcome == SB_HTTP_TOO_LARGE? "answer too large: ": "", answer.error);
    }
    sb_http_answer_clear (&answer);
}

//  --------------------------------------------------------------------------
//  Finding a message already created

typedef struct {
    const char *to;
    const char *body;
    int64_t since_s;
    sb_twilio_accept_fn *accept;
    void *arg;
    sb_twilio_message_t *found;
    int64_t oldest_s;        //  the oldest date_created seen so far (0: none)
} s_search_t;

static bool
s_match (const sb_twilio_message_t *message, void *arg)
{
    s_search_t *search = (s_search_t *) arg;
    if (message->created_s && (!search->oldest_s || message->created_s < search->oldest_s))
        search->oldest_s = message->created_s;
    if (!streq (message->to, search->to) || !streq (message->body, search->body)
    ||  message->created_s < search->since_s
    ||  (search->accept && !search->accept (message->sid, search->arg)))
        return false;
    *search->found = *message;
    return true;
}

//  The first page's URL: To, DateSent>= the day of since_s (UTC), PageSize.
static char *
s_first_page_url (sb_twilio_api_t *self, const sb_twilio_account_t *account, const char *to,
                  int64_t since_s)
{
    time_t when = (time_t) (since_s > 0? since_s: 0);
    struct tm day;
    gmtime_r (&when, &day);
    char *list = s_messages_url (self, account);
    char *escaped = sb_http_escape (to);
    char *url = list && escaped
              ? zsys_sprintf ("%s?To=%s&DateSent%%3E=%04d-%02d-%02d&PageSize=%d", list, escaped,
                              day.tm_year + 1900, day.tm_mon + 1, day.tm_mday,
                              SB_TWILIO_PAGE_SIZE)
              : NULL;
    free (escaped);
    zstr_free (&list);
    return url;
}

//  Reads one fetched list page. Returns what sb_twilio_api_read_list does.
static int
s_search_page (const sb_http_answer_t *answer, s_search_t *search, char *next, size_t nextlen,
               char *err, size_t errlen)
{
    if (answer->outcome != SB_HTTP_ANSWERED)
        return sb_error_set (err, errlen, "listing messages: %s", answer->error);
    if (answer->status != 200) {
        int code;
        char reason [256];
        sb_twilio_api_read_error (answer->body, answer->size, &code, reason, sizeof reason);
        return sb_error_set (err, errlen, "listing messages: HTTP %ld, code %d: %s",
                             answer->status, code, reason);
    }
    return sb_twilio_api_read_list (answer->body, answer->size, s_match, search, next, nextlen,
                                    NULL, err, errlen);
}

int
sb_twilio_api_find (sb_twilio_api_t *self, const sb_twilio_account_t *account, const char *to,
                    const char *body, int64_t since_s, int max_pages, sb_twilio_accept_fn *accept,
                    void *arg, sb_twilio_message_t *found, char *err, size_t errlen)
{
    s_search_t search = { to, body, since_s, accept, arg, found, 0 };
    sb_http_t *client = s_client_take (self);   //  the pages' connection
    char *url = s_first_page_url (self, account, to, since_s);
    int rc = url? 0: sb_error_set (err, errlen, "out of memory");
    for (int page = 0; url && rc == 0; page++) {
        if (page == max_pages) {
            //  More messages to this number than we may read: it may be
            //  among them, so nothing can be said (and nothing sent)
            rc = sb_error_set (err, errlen, "more than %d pages of messages to %s: cannot "
                               "tell whether it was sent", max_pages, to);
            break;
        }
        sb_http_answer_t answer;
        char next [1024];
        s_exchange (self, client, account, url, NULL, &answer);
        rc = s_search_page (&answer, &search, next, sizeof next, err, errlen);
        sb_http_answer_clear (&answer);
        zstr_free (&url);
        //  Newest first: once past since_s, later pages are older still.
        //  Only a path below the API is followed, never a host it names
        bool older = search.oldest_s && search.oldest_s < since_s;
        if (rc == 0 && *next && !older) {
            if (strncmp (next, S_LIST_PREFIX, strlen (S_LIST_PREFIX)))
                rc = sb_error_set (err, errlen, "next_page_uri '%.80s' is not a path below "
                                   "the API", next);
            else
                url = zsys_sprintf ("%s%s", self->base, next);
        }
    }
    zstr_free (&url);
    s_client_give (self, &client);
    return rc;
}
