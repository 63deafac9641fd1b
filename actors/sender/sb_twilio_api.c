/*  sb_twilio_api.c — Twilio's Messages API over libcurl (see the .h).

    Every create request goes out on a connection of its own. libcurl
    silently sends a request again when a reused keep-alive connection
    turns out to be closed before any answer byte came back; for a POST
    that is the ambiguous case itself (Twilio may have created the message
    and closed before answering), and a second request would be a second
    SMS. A fresh connection is never retried that way, so whatever happens
    to it comes back here, once, for the caller to resolve.               */

#include "sb_classes.h"
#include "sb_twilio_api.h"
#include <curl/curl.h>

#if LIBCURL_VERSION_NUM < 0x075500
#   error "the sender needs libcurl 7.85 or newer (CURLOPT_PROTOCOLS_STR)"
#endif

#define S_LIST_PREFIX "/2010-04-01/Accounts/"

struct _sb_twilio_api_t {
    char *base;              //  without a trailing '/'
    int timeout_ms;
};

//  What one exchange brought back.
typedef struct {
    char *data;              //  the body, NUL-terminated (owned)
    size_t size;
    bool too_large;          //  more than SB_TWILIO_ANSWER_MAX: the rest dropped
    int64_t retry_after_ms;  //  -1: no Retry-After header
    long status;             //  0: no answer
    bool request_sent;       //  request bytes went out (the ambiguous kind of failure)
    CURLcode code;
} s_answer_t;

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
    size_t length = strlen (base);
    while (length && base [length - 1] == '/')
        length--;
    sb_twilio_api_t *self = (sb_twilio_api_t *) calloc (1, sizeof *self);
    if (self)
        self->base = strndup (base, length);
    if (!self || !self->base) {
        free (self);
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->timeout_ms = timeout_ms;
    return self;
}

void
sb_twilio_api_destroy (sb_twilio_api_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->base);
    free (*self_p);
    *self_p = NULL;
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
    time_t when = created && strlen (created) < 64? curl_getdate (created, NULL): -1;
    message->created_s = when > 0? (int64_t) when: 0;
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
    while (*value == ' ' || *value == '\t')
        value++;
    if (isdigit ((unsigned char) *value)) {
        char *end = NULL;
        errno = 0;
        long long seconds = strtoll (value, &end, 10);
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            end++;
        //  A day at most: a larger number is not a back-off we can honour
        if (*end || errno || seconds > 86400)
            return -1;
        return (int64_t) seconds * 1000;
    }
    char date [64];
    snprintf (date, sizeof date, "%s", value);
    date [strcspn (date, "\r\n")] = 0;
    time_t when = strlen (value) < sizeof date? curl_getdate (date, NULL): -1;
    if (when < 0)
        return -1;
    //  Clamped before scaling: a date far ahead must not overflow
    int64_t seconds = (int64_t) when - now_s;
    return seconds < 0? 0: seconds > 86400? 86400000: seconds * 1000;
}

//  --------------------------------------------------------------------------
//  Exchanges

static size_t
s_on_body (char *data, size_t size, size_t count, void *user)
{
    s_answer_t *answer = (s_answer_t *) user;
    size_t bytes = size * count;
    if (answer->size + bytes > SB_TWILIO_ANSWER_MAX) {
        answer->too_large = true;
        return 0;            //  ends the transfer with CURLE_WRITE_ERROR
    }
    char *bigger = (char *) realloc (answer->data, answer->size + bytes + 1);
    if (!bigger)
        return 0;
    answer->data = bigger;
    memcpy (answer->data + answer->size, data, bytes);
    answer->size += bytes;
    answer->data [answer->size] = 0;
    return bytes;
}

static size_t
s_on_header (char *data, size_t size, size_t count, void *user)
{
    s_answer_t *answer = (s_answer_t *) user;
    size_t bytes = size * count;
    const char *name = "retry-after:";
    if (bytes > 12 && bytes < 128 && strncasecmp (data, name, 12) == 0) {
        char value [128];
        memcpy (value, data + 12, bytes - 12);
        value [bytes - 12] = 0;
        answer->retry_after_ms = sb_twilio_api_read_retry_after (value, (int64_t) time (NULL));
    }
    return bytes;
}

//  Performs one request to url: a POST of form when form is not NULL,
//  else a GET. Fills answer (the caller frees answer->data).
static void
s_exchange (sb_twilio_api_t *self, const sb_twilio_account_t *account, const char *url,
            const char *form, s_answer_t *answer)
{
    memset (answer, 0, sizeof *answer);
    answer->retry_after_ms = -1;
    CURL *curl = curl_easy_init ();
    if (!curl) {
        answer->code = CURLE_OUT_OF_MEMORY;
        return;
    }
    curl_easy_setopt (curl, CURLOPT_URL, url);
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
    curl_easy_setopt (curl, CURLOPT_USERNAME, account->account_sid);
    curl_easy_setopt (curl, CURLOPT_PASSWORD, account->auth_token);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) self->timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (curl, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt (curl, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt (curl, CURLOPT_USERAGENT, "switchboard-sender/1");
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, answer);
    struct curl_slist *headers = curl_slist_append (NULL, "Expect:");   //  body at once
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
    if (form)
        curl_easy_setopt (curl, CURLOPT_POSTFIELDS, form);
    answer->code = curl_easy_perform (curl);
    long request_size = 0;
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
    curl_easy_getinfo (curl, CURLINFO_REQUEST_SIZE, &request_size);
    answer->request_sent = request_size > 0;
    curl_slist_free_all (headers);
    curl_easy_cleanup (curl);
}

//  Appends name=value (value URL-encoded) to form. Returns 0 or -1.
static int
s_form_add (char *form, size_t size, const char *name, const char *value)
{
    char *escaped = curl_easy_escape (NULL, value, 0);
    size_t used = strlen (form);
    int written = escaped? snprintf (form + used, size - used, "%s%s=%s", used? "&": "",
                                     name, escaped): -1;
    curl_free (escaped);
    return written >= 0 && (size_t) written < size - used? 0: -1;
}

//  The account's Messages.json URL, as a new string (NULL: out of memory).
static char *
s_messages_url (sb_twilio_api_t *self, const sb_twilio_account_t *account)
{
    char *sid = curl_easy_escape (NULL, account->account_sid, 0);
    char *url = sid? zsys_sprintf ("%s%s%s/Messages.json", self->base, S_LIST_PREFIX, sid): NULL;
    curl_free (sid);
    return url;
}

//  Classifies an answer that came (CURLE_OK) to a create request.
static void
s_classify_answer (const s_answer_t *answer, sb_twilio_result_t *result)
{
    char why [256];
    if (answer->status == 200 || answer->status == 201) {
        if (sb_twilio_api_read_message (answer->data, answer->size, &result->message,
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
    sb_twilio_api_read_error (answer->data, answer->size, &result->code, result->reason,
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
    s_answer_t answer;
    s_exchange (self, account, url, form, &answer);
    free (form);
    zstr_free (&url);
    result->http_status = answer.status;
    result->retry_after_ms = answer.retry_after_ms;
    if (answer.code == CURLE_OK)
        s_classify_answer (&answer, result);
    else {
        //  A 201 too large to read was still a creation
        bool created = answer.status == 200 || answer.status == 201;
        result->outcome = answer.request_sent || created? SB_TWILIO_UNSURE: SB_TWILIO_NOT_SENT;
        snprintf (result->reason, sizeof result->reason, "%s%s",
                  answer.too_large? "answer too large: ": "", curl_easy_strerror (answer.code));
    }
    free (answer.data);
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
    char *escaped = curl_easy_escape (NULL, to, 0);
    char *url = list && escaped
              ? zsys_sprintf ("%s?To=%s&DateSent%%3E=%04d-%02d-%02d&PageSize=%d", list, escaped,
                              day.tm_year + 1900, day.tm_mon + 1, day.tm_mday,
                              SB_TWILIO_PAGE_SIZE)
              : NULL;
    curl_free (escaped);
    zstr_free (&list);
    return url;
}

//  Reads one fetched list page. Returns what sb_twilio_api_read_list does.
static int
s_search_page (const s_answer_t *answer, s_search_t *search, char *next, size_t nextlen,
               char *err, size_t errlen)
{
    if (answer->code != CURLE_OK)
        return sb_error_set (err, errlen, "listing messages: %s",
                             curl_easy_strerror (answer->code));
    if (answer->status != 200) {
        int code;
        char reason [256];
        sb_twilio_api_read_error (answer->data, answer->size, &code, reason, sizeof reason);
        return sb_error_set (err, errlen, "listing messages: HTTP %ld, code %d: %s",
                             answer->status, code, reason);
    }
    return sb_twilio_api_read_list (answer->data, answer->size, s_match, search, next, nextlen,
                                    NULL, err, errlen);
}

int
sb_twilio_api_find (sb_twilio_api_t *self, const sb_twilio_account_t *account, const char *to,
                    const char *body, int64_t since_s, int max_pages, sb_twilio_accept_fn *accept,
                    void *arg, sb_twilio_message_t *found, char *err, size_t errlen)
{
    s_search_t search = { to, body, since_s, accept, arg, found, 0 };
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
        s_answer_t answer;
        char next [1024];
        s_exchange (self, account, url, NULL, &answer);
        rc = s_search_page (&answer, &search, next, sizeof next, err, errlen);
        free (answer.data);
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
    return rc;
}
