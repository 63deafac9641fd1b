/*  fake_twilio — a fake of Twilio's REST API for tests (Messages and the
    account), on the fakes' sb_fakehttp, speaking the real API's shape:

      POST /2010-04-01/Accounts/{AccountSid}/Messages.json   create
           form To, From (or MessagingServiceSid), Body; HTTP basic auth
           AccountSid:AuthToken. 201 with the message resource (sid "SM" +
           32 hex, status "queued", num_segments, date_created RFC 2822,
           uri, ...); 401 {"code":20003,"message":"Authenticate",...}; 400
           with Twilio's codes: 21604 To missing, 21602 Body missing, 21603
           From missing, 21211 To invalid, 21212 From invalid (neither
           E.164 nor an alphanumeric sender ID), 21910 From and To of
           different channels, 21617 Body over 1600 characters.
      GET  /2010-04-01/Accounts/{AccountSid}/Messages.json   list, newest
           first: To, From, DateSent>=, DateSent<=, DateSent (YYYY-MM-DD),
           PageSize (default 50), Page; {"messages":[...], page fields,
           next_page_uri}. date_sent is date_created here (sent at once).
      GET  /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json   fetch
      GET  /2010-04-01/Accounts/{AccountSid}.json   the account, as
           agent-sync checks it: 200 {sid, friendly_name, status
           (--account-status, default "active"), type, auth_token,
           owner_account_sid, date_created, date_updated, uri}; 401
           {"code":20003,...} without its basic auth; 404 {"code":20404,
           ...} for another AccountSid, whatever the auth.

    For tests (no auth):
      GET  /_fake/counts     {"requests", "creates", "lists", "accounts",
                             "unauthorized"}
      GET  /_fake/messages   the counts and "messages": [every message
                             accepted, oldest first]
      POST /_fake/script     steps, one per line (below), appended to the
                             script; answers {"steps": N queued}
      POST /_fake/reset      forgets messages, script and counters

    A step answers the next requests it applies to, in order:
      STATUS [code=N] [retry_after=S] [count=N] [on=create|list|any] [message=TEXT]
          an error answer with HTTP STATUS (429, 500, 400 code=21211, ...)
          and Twilio's JSON; nothing is created
      stall ms=N [count=N] [on=...]   creates the message (a list: reads
          it), waits N ms, then answers: past the client's time-out
      drop [count=N] [on=...]         creates the message, then closes the
          connection without an answer: the ambiguous case
    on= defaults to create; message= takes the rest of the line.

    Usage: fake_twilio --account SID --token TOKEN [--port N] [--port-file
    PATH] [--account-status STATUS] [--step SPEC]... [--verbose]. Port 0
    (the default) takes a free one; "port N" is printed on stdout (and N
    written to PATH, atomically). Runs until SIGTERM or SIGINT, then exits
    0.                                                                     */

#include "sb_date.h"
#include "sb_fakehttp.h"
#include "sb_form.h"
#include "sb_sms.h"
#include <pthread.h>
#include <sys/random.h>

#define S_MAX_STEPS     256
#define S_MAX_FIELDS    64
#define S_MAX_MESSAGES  100000
#define S_API           "/2010-04-01/Accounts/"
#define S_MORE_INFO     "https://www.twilio.com/docs/errors/"

typedef enum { S_ON_CREATE, S_ON_LIST, S_ON_ANY } s_on_t;
typedef enum { S_ERROR, S_STALL, S_DROP } s_kind_t;

//  One step of the script.
typedef struct {
    s_kind_t kind;
    int status;              //  S_ERROR: the HTTP status
    int code;                //  S_ERROR: Twilio's code (0: the status's usual one)
    int retry_after;         //  seconds, -1: no header
    int ms;                  //  S_STALL
    int count;               //  requests it still answers
    s_on_t on;
    char message [256];      //  "" for the code's usual text
} s_step_t;

typedef struct {
    const char *account;
    const char *token;
    const char *account_status;
    bool verbose;
    pthread_mutex_t lock;
    json_t *messages;        //  accepted, oldest first
    s_step_t steps [S_MAX_STEPS];
    size_t step_count;
    uint64_t requests, creates, lists, accounts, unauthorized;
} s_fake_t;

typedef sb_fakehttp_request_t s_request_t;
typedef sb_fakehttp_answer_t s_answer_t;

//  --------------------------------------------------------------------------
//  Answers

//  Sets the answer: status with json (ownership taken), Retry-After when
//  retry_after >= 0.
static void
s_answer (s_answer_t *answer, unsigned int status, json_t *json, int retry_after)
{
    answer->status = status;
    answer->body = json;
    answer->retry_after_s = retry_after;
}

//  Twilio's usual text for code; %s, if any, takes the To number.
static const char *
s_code_text (int code)
{
    switch (code) {
        case 20003: return "Authenticate";
        case 20404: return "The requested resource %s was not found";
        case 20429: return "Too Many Requests";
        case 20500: return "An internal server error has occurred";
        case 20503: return "Service unavailable";
        case 21211: return "Invalid 'To' Phone Number: %s";
        case 21212: return "Invalid 'From' Phone Number: %s";
        case 21602: return "Message body is required.";
        case 21603: return "A 'From' phone number is required.";
        case 21604: return "A 'To' phone number is required.";
        case 21608: return "The number %s is unverified. Trial accounts cannot send messages "
                           "to unverified numbers.";
        case 21610: return "Attempt to send to unsubscribed recipient";
        case 21617: return "The concatenated message body exceeds the 1600 character limit.";
        case 21910: return "Invalid From and To pair. From and To should be of the same channel";
        default:    return "Error";
    }
}

//  The code Twilio gives with an HTTP status when none is named.
static int
s_status_code (int status)
{
    return status == 400? 21211: status == 401? 20003: status == 404? 20404
         : status == 429? 20429: status == 503? 20503: status >= 500? 20500: 20001;
}

//  Answers Twilio's error JSON: {code, message, more_info, status}. The
//  message is message as given, else the code's usual text with argument
//  in place of its %s.
static void
s_error (s_answer_t *answer, int status, int code, const char *message, const char *argument,
         int retry_after)
{
    char text [512];
    code = code? code: s_status_code (status);
    const char *usual = s_code_text (code);
    const char *slot = strstr (usual, "%s");
    if (message && *message)
        snprintf (text, sizeof text, "%s", message);
    else
    if (slot)
        snprintf (text, sizeof text, "%.*s%s%s", (int) (slot - usual), usual,
                  argument? argument: "", slot + 2);
    else
        snprintf (text, sizeof text, "%s", usual);
    char more [96];
    snprintf (more, sizeof more, "%s%d", S_MORE_INFO, code);
    s_answer (answer, (unsigned int) status,
              json_pack ("{s:i, s:s, s:s, s:i}", "code", code, "message", text,
                         "more_info", more, "status", status), retry_after);
}

//  --------------------------------------------------------------------------
//  The script

//  Reads one key=value of a step. Returns 0, or -1 if unknown or bad.
static int
s_step_option (s_step_t *step, const char *name, const char *value)
{
    char *end = NULL;
    long number = strtol (value, &end, 10);
    bool integer = *value && !*end && number >= 0 && number <= 100000000;
    if (streq (name, "on")) {
        step->on = streq (value, "list")? S_ON_LIST: streq (value, "any")? S_ON_ANY: S_ON_CREATE;
        return streq (value, "list") || streq (value, "any") || streq (value, "create")? 0: -1;
    }
    int *target = streq (name, "count")? &step->count: streq (name, "code")? &step->code
                : streq (name, "retry_after")? &step->retry_after: streq (name, "ms")? &step->ms
                : NULL;
    if (!target || !integer)
        return -1;
    *target = (int) number;
    return 0;
}

//  Parses a step spec (see the top of the file). Returns 0 or -1.
static int
s_step_parse (const char *spec, s_step_t *step)
{
    memset (step, 0, sizeof *step);
    step->count = 1;
    step->retry_after = -1;
    char copy [512];
    snprintf (copy, sizeof copy, "%s", spec);
    char *message = strstr (copy, "message=");
    if (message) {
        snprintf (step->message, sizeof step->message, "%s", message + 8);
        *message = 0;
    }
    char *saved = NULL;
    char *action = strtok_r (copy, " \t\r\n", &saved);
    if (!action)
        return -1;
    step->kind = streq (action, "stall")? S_STALL: streq (action, "drop")? S_DROP: S_ERROR;
    step->status = step->kind == S_ERROR? atoi (action): 0;
    if (step->kind == S_ERROR && (step->status < 300 || step->status > 599))
        return -1;
    for (char *item = strtok_r (NULL, " \t\r\n", &saved); item;
         item = strtok_r (NULL, " \t\r\n", &saved)) {
        char *equals = strchr (item, '=');
        if (!equals)
            return -1;
        *equals = 0;
        if (s_step_option (step, item, equals + 1))
            return -1;
    }
    return step->count > 0? 0: -1;
}

//  Appends the steps of text (one per line). Returns how many, or -1 with
//  nothing appended if a line does not parse or the script is full.
static int
s_script_add (s_fake_t *self, const char *text)
{
    s_step_t parsed [S_MAX_STEPS];
    int count = 0;
    char *copy = strdup (text), *saved = NULL;
    int rc = copy? 0: -1;
    for (char *line = copy? strtok_r (copy, "\n", &saved): NULL; line && rc == 0;
         line = strtok_r (NULL, "\n", &saved)) {
        if (!*line || *line == '#' || strspn (line, " \t\r") == strlen (line))
            continue;
        if (count == S_MAX_STEPS || s_step_parse (line, &parsed [count++]))
            rc = -1;
    }
    free (copy);
    pthread_mutex_lock (&self->lock);
    if (rc == 0 && self->step_count + (size_t) count <= S_MAX_STEPS) {
        memcpy (self->steps + self->step_count, parsed, (size_t) count * sizeof (s_step_t));
        self->step_count += (size_t) count;
    }
    else
        rc = -1;
    pthread_mutex_unlock (&self->lock);
    return rc? -1: count;
}

//  Takes the first step that applies to a request of kind on (its count
//  goes down; gone at 0). Returns true with *step filled, false if none.
//  Called with the lock held.
static bool
s_script_take (s_fake_t *self, s_on_t on, s_step_t *step)
{
    for (size_t index = 0; index < self->step_count; index++) {
        s_step_t *candidate = &self->steps [index];
        if (candidate->on != S_ON_ANY && candidate->on != on)
            continue;
        *step = *candidate;
        if (--candidate->count == 0) {
            memmove (candidate, candidate + 1, (self->step_count - index - 1) * sizeof *step);
            self->step_count--;
        }
        return true;
    }
    return false;
}

//  --------------------------------------------------------------------------
//  Messages

//  "SM" and 32 random hex digits.
static void
s_new_sid (char sid [35])
{
    uint8_t bytes [16] = { 0 };
    if (getrandom (bytes, sizeof bytes, 0) != (ssize_t) sizeof bytes)
        for (size_t index = 0; index < sizeof bytes; index++)
            bytes [index] = (uint8_t) rand ();
    strcpy (sid, "SM");
    for (size_t index = 0; index < sizeof bytes; index++)
        sprintf (sid + 2 + 2 * index, "%02x", bytes [index]);
}

//  Twilio's date format: "Thu, 05 Mar 2026 09:00:00 +0000".
static void
s_rfc2822 (time_t when, char *text, size_t size)
{
    struct tm utc;
    gmtime_r (&when, &utc);
    strftime (text, size, "%a, %d %b %Y %H:%M:%S +0000", &utc);
}

//  num_segments as Twilio writes it (a string): by sb_sms, 1 for WhatsApp.
static json_t *
s_segments (const char *to, const char *body)
{
    sb_sms_info_t info;
    char err [128], text [16];
    int segments = 1;
    if (strncmp (to, "whatsapp:", 9) && sb_sms_measure (body, &info, err, sizeof err) == 0)
        segments = info.segments;
    snprintf (text, sizeof text, "%d", segments);
    return json_string (text);
}

//  The message resource for an accepted request.
static json_t *
s_message_new (s_fake_t *self, const char *to, const char *from, const char *service,
               const char *body)
{
    char sid [35], date [64], uri [160], media [176];
    s_new_sid (sid);
    time_t now = time (NULL);
    s_rfc2822 (now, date, sizeof date);
    snprintf (uri, sizeof uri, "%s%s/Messages/%s.json", S_API, self->account, sid);
    snprintf (media, sizeof media, "%s%s/Messages/%s/Media.json", S_API, self->account, sid);
    json_t *message = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:n, s:n, "
        "s:s?, s:s, s:o, s:n, s:s, s:s, s:s, s:{s:s}, s:s, s:s}",
        "account_sid", self->account, "api_version", "2010-04-01", "body", body,
        "date_created", date, "date_sent", date, "date_updated", date,
        "direction", "outbound-api", "from", from, "error_code", "error_message",
        "messaging_service_sid", service, "num_media", "0",
        "num_segments", s_segments (to, body), "price", "price_unit", "USD", "sid", sid,
        "status", "queued", "subresource_uris", "media", media, "to", to, "uri", uri);
    json_object_set_new (message, "_created", json_integer ((json_int_t) now));
    return message;
}

//  A copy of a stored message without the fake's own fields.
static json_t *
s_public (const json_t *message)
{
    json_t *copy = json_deep_copy (message);
    json_object_del (copy, "_created");
    return copy;
}

//  True if address is E.164 (+ and 8..15 digits), after "whatsapp:" if
//  whatsapp.
static bool
s_valid_address (const char *address, bool whatsapp)
{
    if (whatsapp)
        address += 9;
    size_t digits = strspn (address + 1, "0123456789");
    return address [0] == '+' && digits >= 8 && digits <= 15 && !address [1 + digits];
}

//  True if text is an alphanumeric sender ID: 1..11 letters, digits and
//  spaces, at least one a letter.
static bool
s_sender_id (const char *text)
{
    size_t length = strlen (text);
    bool letter = false;
    for (const char *at = text; *at; at++) {
        if (!isalnum ((unsigned char) *at) && *at != ' ')
            return false;
        letter = letter || isalpha ((unsigned char) *at);
    }
    return length >= 1 && length <= 11 && letter;
}

//  Checks a create request's fields as Twilio does. Returns 0, or the
//  error code (and *argument, what it is about).
static int
s_check_create (const sb_form_t *form, const char **argument)
{
    const char *to = sb_form_get (form, "To"), *from = sb_form_get (form, "From");
    const char *body = sb_form_get (form, "Body");
    *argument = to;
    if (!to || !*to)
        return 21604;
    bool whatsapp = strncmp (to, "whatsapp:", 9) == 0;
    if (!s_valid_address (to, whatsapp))
        return 21211;
    if ((!from || !*from) && !sb_form_get (form, "MessagingServiceSid"))
        return 21603;
    *argument = from;
    if (from && *from && !s_valid_address (from, strncmp (from, "whatsapp:", 9) == 0)
    &&  !s_sender_id (from))
        return 21212;
    *argument = to;
    if (from && *from && (strncmp (from, "whatsapp:", 9) == 0) != whatsapp)
        return 21910;
    if (!body || !*body)
        return 21602;
    sb_sms_info_t info;
    char err [128];
    if (sb_sms_measure (body, &info, err, sizeof err) == 0 && info.chars > 1600)
        return 21617;
    return 0;
}

//  --------------------------------------------------------------------------
//  The API

//  Stores message (ownership taken). Lock held.
static void
s_store (s_fake_t *self, json_t *message)
{
    if (json_array_size (self->messages) < S_MAX_MESSAGES)
        json_array_append (self->messages, message);
    json_decref (message);
}

//  Answers a create request that passed its step (if any): checks it,
//  creates the message, then answers 201, later (stall) or never (drop).
static void
s_create_with (s_fake_t *self, const sb_form_t *form, const s_step_t *step, bool scripted,
               s_answer_t *answer)
{
    const char *argument = NULL;
    int code = s_check_create (form, &argument);
    if (code) {
        s_error (answer, 400, code, NULL, argument, -1);
        return;
    }
    json_t *message = s_message_new (self, sb_form_get (form, "To"), sb_form_get (form, "From"),
                                     sb_form_get (form, "MessagingServiceSid"),
                                     sb_form_get (form, "Body"));
    if (!message) {
        s_error (answer, 500, 20500, NULL, NULL, -1);
        return;
    }
    s_answer (answer, 201, s_public (message), -1);
    pthread_mutex_lock (&self->lock);
    s_store (self, message);
    pthread_mutex_unlock (&self->lock);
    if (scripted && step->kind == S_STALL)
        answer->delay_ms = step->ms;
    answer->drop = scripted && step->kind == S_DROP;
}

static void
s_create (s_fake_t *self, const s_request_t *request, s_answer_t *answer)
{
    char err [256];
    sb_form_t *form = sb_form_parse (request->body, request->size, S_MAX_FIELDS, err, sizeof err);
    if (!form) {
        char message [320];
        snprintf (message, sizeof message, "Invalid form: %s", err);
        s_error (answer, 400, 20001, message, NULL, -1);
        return;
    }
    s_step_t step;
    pthread_mutex_lock (&self->lock);
    self->creates++;
    bool scripted = s_script_take (self, S_ON_CREATE, &step);
    pthread_mutex_unlock (&self->lock);
    if (scripted && step.kind == S_ERROR)
        s_error (answer, step.status, step.code, step.message, sb_form_get (form, "To"),
                 step.retry_after);
    else
        s_create_with (self, form, &step, scripted, answer);
    sb_form_destroy (&form);
}

//  A list's filters, from the query.
typedef struct {
    const char *to, *from, *after, *before, *on;   //  dates YYYY-MM-DD
    long page_size, page;
} s_filter_t;

//  True if a date filter is absent or YYYY-MM-DD.
static bool
s_date_ok (const char *date)
{
    int32_t days;
    return !date || (strlen (date) == 10 && sb_date_parse (date, &days) == 0);
}

//  Reads the list's query. Returns 0, or -1 if a value is bad.
static int
s_filter_read (const s_request_t *request, s_filter_t *filter)
{
    memset (filter, 0, sizeof *filter);
    filter->to = sb_fakehttp_query (request, "To");
    filter->from = sb_fakehttp_query (request, "From");
    filter->after = sb_fakehttp_query (request, "DateSent>");
    filter->before = sb_fakehttp_query (request, "DateSent<");
    filter->on = sb_fakehttp_query (request, "DateSent");
    const char *size = sb_fakehttp_query (request, "PageSize");
    const char *page = sb_fakehttp_query (request, "Page");
    filter->page_size = size? atol (size): 50;
    filter->page = page? atol (page): 0;
    bool dates = s_date_ok (filter->after) && s_date_ok (filter->before) && s_date_ok (filter->on);
    return dates && filter->page_size >= 1 && filter->page_size <= 1000 && filter->page >= 0
         && filter->page < 100000? 0: -1;
}

//  True if message passes filter.
static bool
s_filter_match (const s_filter_t *filter, const json_t *message)
{
    time_t created = (time_t) json_integer_value (json_object_get (message, "_created"));
    struct tm utc;
    gmtime_r (&created, &utc);
    char day [16];
    strftime (day, sizeof day, "%Y-%m-%d", &utc);
    const char *to = json_string_value (json_object_get (message, "to"));
    const char *from = json_string_value (json_object_get (message, "from"));
    return (!filter->to || (to && streq (filter->to, to)))
        && (!filter->from || (from && streq (filter->from, from)))
        && (!filter->after || strcmp (day, filter->after) >= 0)
        && (!filter->before || strcmp (day, filter->before) <= 0)
        && (!filter->on || streq (day, filter->on));
}

//  Appends text %-encoded at uri + used. Returns the new length.
static size_t
s_encode (char *uri, size_t used, const char *text)
{
    for (const uint8_t *at = (const uint8_t *) text; *at; at++)
        used += (size_t) (isalnum (*at) || strchr ("-._~", *at)
                          ? sprintf (uri + used, "%c", *at): sprintf (uri + used, "%%%02X", *at));
    return used;
}

//  Appends "?name=value" or "&name=value", both %-encoded, to uri.
static void
s_query_add (char *uri, size_t size, const char *name, const char *value)
{
    size_t used = strlen (uri);
    if (!value || used + 3 * (strlen (name) + strlen (value)) + 3 >= size)
        return;
    used += (size_t) sprintf (uri + used, "%s", strchr (uri, '?')? "&": "?");
    used = s_encode (uri, used, name);
    used += (size_t) sprintf (uri + used, "=");
    s_encode (uri, used, value);
}

//  The URI of page of the list filter describes, into uri.
static void
s_page_uri (s_fake_t *self, const s_filter_t *filter, long page, char *uri, size_t size)
{
    snprintf (uri, size, "%s%s/Messages.json", S_API, self->account);
    s_query_add (uri, size, "To", filter->to);
    s_query_add (uri, size, "From", filter->from);
    s_query_add (uri, size, "DateSent>", filter->after);
    s_query_add (uri, size, "DateSent<", filter->before);
    s_query_add (uri, size, "DateSent", filter->on);
    char number [24];
    snprintf (number, sizeof number, "%ld", filter->page_size);
    s_query_add (uri, size, "PageSize", number);
    snprintf (number, sizeof number, "%ld", page);
    s_query_add (uri, size, "Page", number);
}

//  The page of the list filter describes, newest first. Lock held.
static json_t *
s_list_page (s_fake_t *self, const s_filter_t *filter)
{
    json_t *messages = json_array ();
    size_t skip = (size_t) (filter->page * filter->page_size), matched = 0;
    bool more = false;
    for (size_t index = json_array_size (self->messages); index-- > 0;) {
        json_t *message = json_array_get (self->messages, index);
        if (!s_filter_match (filter, message) || matched++ < skip)
            continue;
        if (json_array_size (messages) == (size_t) filter->page_size) {
            more = true;
            break;
        }
        json_array_append_new (messages, s_public (message));
    }
    char uri [1024], first [1024], next [1024], previous [1024];
    s_page_uri (self, filter, filter->page, uri, sizeof uri);
    s_page_uri (self, filter, 0, first, sizeof first);
    s_page_uri (self, filter, filter->page + 1, next, sizeof next);
    s_page_uri (self, filter, filter->page - 1, previous, sizeof previous);
    size_t count = json_array_size (messages);
    return json_pack ("{s:o, s:I, s:I, s:I, s:I, s:s, s:s, s:s?, s:s?}", "messages", messages,
                      "page", (json_int_t) filter->page, "page_size", (json_int_t) filter->page_size,
                      "start", (json_int_t) skip, "end", (json_int_t) (skip + (count? count - 1: 0)),
                      "uri", uri, "first_page_uri", first, "next_page_uri", more? next: NULL,
                      "previous_page_uri", filter->page > 0? previous: NULL);
}

static void
s_list (s_fake_t *self, const s_request_t *request, s_answer_t *answer)
{
    s_filter_t filter;
    if (s_filter_read (request, &filter)) {
        s_error (answer, 400, 20001, "Invalid list parameters", NULL, -1);
        return;
    }
    s_step_t step;
    pthread_mutex_lock (&self->lock);
    self->lists++;
    bool scripted = s_script_take (self, S_ON_LIST, &step);
    json_t *page = scripted && step.kind == S_ERROR? NULL: s_list_page (self, &filter);
    pthread_mutex_unlock (&self->lock);
    if (scripted && step.kind == S_ERROR) {
        s_error (answer, step.status, step.code, step.message, NULL, step.retry_after);
        return;
    }
    s_answer (answer, 200, page, -1);
    answer->delay_ms = scripted && step.kind == S_STALL? step.ms: 0;
    answer->drop = scripted && step.kind == S_DROP;
}

//  GET .../Messages/{Sid}.json
static void
s_fetch (s_fake_t *self, const char *sid, size_t length, s_answer_t *answer)
{
    json_t *found = NULL;
    pthread_mutex_lock (&self->lock);
    size_t index;
    json_t *message;
    json_array_foreach (self->messages, index, message) {
        const char *candidate = json_string_value (json_object_get (message, "sid"));
        if (candidate && strlen (candidate) == length && !strncmp (candidate, sid, length))
            found = s_public (message);
    }
    pthread_mutex_unlock (&self->lock);
    if (found)
        s_answer (answer, 200, found, -1);
    else
        s_error (answer, 404, 20404, NULL, "", -1);
}

//  --------------------------------------------------------------------------
//  The fake's own endpoints

//  GET /_fake/counts, and GET /_fake/messages (with the messages).
static void
s_fake_counts (s_fake_t *self, bool with_messages, s_answer_t *answer)
{
    pthread_mutex_lock (&self->lock);
    json_t *counts = json_pack ("{s:I, s:I, s:I, s:I, s:I}", "requests",
                                (json_int_t) self->requests, "creates",
                                (json_int_t) self->creates, "lists", (json_int_t) self->lists,
                                "accounts", (json_int_t) self->accounts, "unauthorized",
                                (json_int_t) self->unauthorized);
    if (with_messages) {
        json_t *messages = json_array ();
        size_t index;
        json_t *message;
        json_array_foreach (self->messages, index, message)
            json_array_append_new (messages, s_public (message));
        json_object_set_new (counts, "messages", messages);
    }
    pthread_mutex_unlock (&self->lock);
    s_answer (answer, 200, counts, -1);
}

static void
s_fake_reset (s_fake_t *self, s_answer_t *answer)
{
    pthread_mutex_lock (&self->lock);
    json_array_clear (self->messages);
    self->step_count = 0;
    self->requests = self->creates = self->lists = self->accounts = self->unauthorized = 0;
    pthread_mutex_unlock (&self->lock);
    s_answer (answer, 200, json_pack ("{s:b}", "reset", 1), -1);
}

static void
s_fake_script (s_fake_t *self, const s_request_t *request, s_answer_t *answer)
{
    int count = s_script_add (self, request->body);
    if (count < 0)
        s_answer (answer, 400, json_pack ("{s:s}", "error",
                                          "a step does not parse, or the script is full"), -1);
    else
        s_answer (answer, 200, json_pack ("{s:i}", "steps", count), -1);
}

//  --------------------------------------------------------------------------
//  Routing

//  The API's routes, below /2010-04-01/Accounts/{our account}.
static void
s_api (s_fake_t *self, const s_request_t *request, const char *rest, s_answer_t *answer)
{
    bool post = streq (request->method, "POST"), get = streq (request->method, "GET");
    size_t length = strlen (rest);
    if (streq (rest, "/Messages.json") && post)
        s_create (self, request, answer);
    else
    if (streq (rest, "/Messages.json") && get)
        s_list (self, request, answer);
    else
    if (get && strncmp (rest, "/Messages/", 10) == 0 && length > 15
    &&  streq (rest + length - 5, ".json"))
        s_fetch (self, rest + 10, length - 15, answer);
    else
        s_error (answer, 404, 20404, NULL, request->path, -1);
}

//  Counts the request; true if it carries basic auth account:token.
static bool
s_authorized (s_fake_t *self, const s_request_t *request)
{
    bool valid = request->user && request->password && streq (request->user, self->account)
              && streq (request->password, self->token);
    pthread_mutex_lock (&self->lock);
    self->requests++;
    self->unauthorized += !valid;
    pthread_mutex_unlock (&self->lock);
    return valid;
}

//  True if the request is GET /2010-04-01/Accounts/{sid}.json, any sid.
static bool
s_account_path (const s_request_t *request)
{
    size_t prefix = strlen (S_API), length = strlen (request->path);
    return streq (request->method, "GET") && length > prefix + 5
        && !strncmp (request->path, S_API, prefix) && streq (request->path + length - 5, ".json")
        && !strchr (request->path + prefix, '/');
}

//  GET /2010-04-01/Accounts/{sid}.json: 404 for another account, then
//  401 without its basic auth, else the account resource.
static void
s_account (s_fake_t *self, const s_request_t *request, s_answer_t *answer)
{
    const char *sid = request->path + strlen (S_API);
    bool ours = strlen (sid) == strlen (self->account) + 5
             && !strncmp (sid, self->account, strlen (self->account));
    pthread_mutex_lock (&self->lock);
    self->accounts++;
    pthread_mutex_unlock (&self->lock);
    if (!ours)
        s_error (answer, 404, 20404, NULL, request->path, -1);
    else
    if (!s_authorized (self, request))
        s_error (answer, 401, 20003, NULL, NULL, -1);
    else
        s_answer (answer, 200, json_pack (
            "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "sid", self->account,
            "friendly_name", "Fake account", "status", self->account_status, "type", "Full",
            "auth_token", self->token, "owner_account_sid", self->account,
            "date_created", "Thu, 01 Jan 2026 00:00:00 +0000",
            "date_updated", "Thu, 01 Jan 2026 00:00:00 +0000", "uri", request->path), -1);
}

//  Every request (sb_fakehttp's callback, on the connection's thread).
static void
s_on_request (void *state, const s_request_t *request, s_answer_t *answer)
{
    s_fake_t *self = (s_fake_t *) state;
    const char *path = request->path, *method = request->method;
    if (self->verbose)
        fprintf (stderr, "fake_twilio: %s %s (%zu bytes)\n", method, path, request->size);
    size_t prefix = strlen (S_API), account = strlen (self->account);
    if (streq (path, "/_fake/counts") && streq (method, "GET"))
        s_fake_counts (self, false, answer);
    else
    if (streq (path, "/_fake/messages") && streq (method, "GET"))
        s_fake_counts (self, true, answer);
    else
    if (streq (path, "/_fake/script") && streq (method, "POST"))
        s_fake_script (self, request, answer);
    else
    if (streq (path, "/_fake/reset") && streq (method, "POST"))
        s_fake_reset (self, answer);
    else
    if (s_account_path (request))
        s_account (self, request, answer);
    else
    if (!s_authorized (self, request))
        s_error (answer, 401, 20003, NULL, NULL, -1);
    else
    if (request->too_long)
        s_error (answer, 413, 20001, "Request body too large", NULL, -1);
    else
    if (strncmp (path, S_API, prefix) || strncmp (path + prefix, self->account, account))
        s_error (answer, 404, 20404, NULL, path, -1);
    else
        s_api (self, request, path + prefix + account, answer);
}

//  --------------------------------------------------------------------------
//  Main

typedef struct {
    const char *account, *token, *account_status, *port_file;
    int port;
    bool verbose;
    char *steps;             //  --step specs, one per line (owned)
} s_options_t;

static void
s_usage (FILE *stream)
{
    fprintf (stream,
        "Usage: fake_twilio --account SID --token TOKEN [OPTIONS]\n"
        "A fake of Twilio's Messages API for tests (create, list, fetch), with a script of\n"
        "failures to play (429, 5xx, 4xx codes, stalls, dropped connections), and of its\n"
        "account (GET /2010-04-01/Accounts/SID.json).\n\n"
        "  --account SID     the account SID its URLs and basic auth accept\n"
        "  --token TOKEN     the auth token basic auth accepts\n"
        "  --port N          port on 127.0.0.1 (default 0: a free one)\n"
        "  --port-file PATH  also write the port to PATH (atomically)\n"
        "  --account-status STATUS   the account's status (default active)\n"
        "  --step SPEC       a step of the script (repeatable), as POST /_fake/script takes:\n"
        "                      STATUS [code=N] [retry_after=S] [count=N] [on=create|list|any]\n"
        "                             [message=TEXT]     an error answer, nothing created\n"
        "                      stall ms=N [count=N] [on=...]   create, wait, then answer\n"
        "                      drop [count=N] [on=...]         create, close, no answer\n"
        "  --verbose         log each request on stderr\n"
        "  -h, --help        this text\n\n"
        "Test endpoints: GET /_fake/counts (counters), GET /_fake/messages (counters and all\n"
        "accepted messages), POST /_fake/script (steps, one per line), POST /_fake/reset.\n"
        "It prints \"port N\" on stdout and runs until SIGTERM or SIGINT (exit 0).\n");
}

//  Appends a --step spec to the options' script text.
static int
s_add_step (s_options_t *options, const char *spec)
{
    char *joined = zsys_sprintf ("%s%s\n", options->steps? options->steps: "", spec);
    zstr_free (&options->steps);
    options->steps = joined;
    return joined? 0: -1;
}

//  Reads one option with its value. Returns 0, or -1 if unknown.
static int
s_option (s_options_t *options, const char *arg, const char *value)
{
    if (streq (arg, "--account"))
        options->account = value;
    else
    if (streq (arg, "--token"))
        options->token = value;
    else
    if (streq (arg, "--port"))
        options->port = atoi (value);
    else
    if (streq (arg, "--port-file"))
        options->port_file = value;
    else
    if (streq (arg, "--account-status"))
        options->account_status = value;
    else
    if (!streq (arg, "--step") || s_add_step (options, value))
        return -1;
    return 0;
}

//  Parses the command line. Returns 0, 1 (help shown) or -1.
static int
s_parse (s_options_t *options, int argc, char *argv [])
{
    for (int index = 1; index < argc; index++) {
        const char *arg = argv [index];
        if (streq (arg, "-h") || streq (arg, "--help")) {
            s_usage (stdout);
            return 1;
        }
        if (streq (arg, "--verbose"))
            options->verbose = true;
        else
        if (index + 1 >= argc || s_option (options, arg, argv [++index])) {
            fprintf (stderr, "fake_twilio: unknown option or missing value: %s (try --help)\n",
                     arg);
            return -1;
        }
    }
    if (!options->account || !options->token || options->port < 0 || options->port > 65535) {
        fprintf (stderr, "fake_twilio: --account and --token are required (try --help)\n");
        return -1;
    }
    return 0;
}

int
main (int argc, char *argv [])
{
    s_options_t options;
    memset (&options, 0, sizeof options);
    int parsed = s_parse (&options, argc, argv);
    if (parsed) {
        zstr_free (&options.steps);
        return parsed > 0? 0: 2;
    }
    s_fake_t self = { .account = options.account, .token = options.token,
                      .account_status = options.account_status? options.account_status: "active",
                      .verbose = options.verbose };
    pthread_mutex_init (&self.lock, NULL);
    self.messages = json_array ();
    int rc = 0;
    if (options.steps && s_script_add (&self, options.steps) < 0) {
        fprintf (stderr, "fake_twilio: a --step does not parse (try --help)\n");
        rc = 2;
    }
    if (rc == 0)
        rc = sb_fakehttp_serve ("fake_twilio", options.port, options.port_file, s_on_request,
                                &self);
    json_decref (self.messages);
    pthread_mutex_destroy (&self.lock);
    zstr_free (&options.steps);
    return rc;
}
