/*  fake_twilio_messages.c — fake_twilio's Messages resource: a message's
    making (sid, segments, dates) and checks (addresses, sender IDs,
    Twilio's 21xxx codes), and the endpoints create, list (filters, pages)
    and fetch, each taking the script's next step that applies.          */

#include "fake_twilio.h"

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
s_message_new (ft_fake_t *self, const char *to, const char *from, const char *service,
               const char *body)
{
    char sid [35], date [64], uri [160], media [176];
    s_new_sid (sid);
    time_t now = time (NULL);
    s_rfc2822 (now, date, sizeof date);
    snprintf (uri, sizeof uri, "%s%s/Messages/%s.json", FT_API, self->account, sid);
    snprintf (media, sizeof media, "%s%s/Messages/%s/Media.json", FT_API, self->account, sid);
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
json_t *
ft_public (const json_t *message)
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
s_store (ft_fake_t *self, json_t *message)
{
    if (json_array_size (self->messages) < FT_MAX_MESSAGES)
        json_array_append (self->messages, message);
    json_decref (message);
}

//  Answers a create request that passed its step (if any): checks it,
//  creates the message, then answers 201, later (stall) or never (drop).
static void
s_create_with (ft_fake_t *self, const sb_form_t *form, const ft_step_t *step, bool scripted,
               ft_answer_t *answer)
{
    const char *argument = NULL;
    int code = s_check_create (form, &argument);
    if (code) {
        ft_error (answer, 400, code, NULL, argument, -1);
        return;
    }
    json_t *message = s_message_new (self, sb_form_get (form, "To"), sb_form_get (form, "From"),
                                     sb_form_get (form, "MessagingServiceSid"),
                                     sb_form_get (form, "Body"));
    if (!message) {
        ft_error (answer, 500, 20500, NULL, NULL, -1);
        return;
    }
    ft_answer (answer, 201, ft_public (message), -1);
    pthread_mutex_lock (&self->lock);
    s_store (self, message);
    pthread_mutex_unlock (&self->lock);
    if (scripted && step->kind == FT_STALL)
        answer->delay_ms = step->ms;
    answer->drop = scripted && step->kind == FT_DROP;
}

void
ft_create (ft_fake_t *self, const ft_request_t *request, ft_answer_t *answer)
{
    char err [256];
    sb_form_t *form = sb_form_parse (request->body, request->size, FT_MAX_FIELDS, err, sizeof err);
    if (!form) {
        char message [320];
        snprintf (message, sizeof message, "Invalid form: %s", err);
        ft_error (answer, 400, 20001, message, NULL, -1);
        return;
    }
    ft_step_t step;
    pthread_mutex_lock (&self->lock);
    self->creates++;
    bool scripted = ft_script_take (self, FT_ON_CREATE, &step);
    pthread_mutex_unlock (&self->lock);
    if (scripted && step.kind == FT_ERROR)
        ft_error (answer, step.status, step.code, step.message, sb_form_get (form, "To"),
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
s_filter_read (const ft_request_t *request, s_filter_t *filter)
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
s_page_uri (ft_fake_t *self, const s_filter_t *filter, long page, char *uri, size_t size)
{
    snprintf (uri, size, "%s%s/Messages.json", FT_API, self->account);
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
s_list_page (ft_fake_t *self, const s_filter_t *filter)
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
        json_array_append_new (messages, ft_public (message));
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

void
ft_list (ft_fake_t *self, const ft_request_t *request, ft_answer_t *answer)
{
    s_filter_t filter;
    if (s_filter_read (request, &filter)) {
        ft_error (answer, 400, 20001, "Invalid list parameters", NULL, -1);
        return;
    }
    ft_step_t step;
    pthread_mutex_lock (&self->lock);
    self->lists++;
    bool scripted = ft_script_take (self, FT_ON_LIST, &step);
    json_t *page = scripted && step.kind == FT_ERROR? NULL: s_list_page (self, &filter);
    pthread_mutex_unlock (&self->lock);
    if (scripted && step.kind == FT_ERROR) {
        ft_error (answer, step.status, step.code, step.message, NULL, step.retry_after);
        return;
    }
    ft_answer (answer, 200, page, -1);
    answer->delay_ms = scripted && step.kind == FT_STALL? step.ms: 0;
    answer->drop = scripted && step.kind == FT_DROP;
}

//  GET .../Messages/{Sid}.json
void
ft_fetch (ft_fake_t *self, const char *sid, size_t length, ft_answer_t *answer)
{
    json_t *found = NULL;
    pthread_mutex_lock (&self->lock);
    size_t index;
    json_t *message;
    json_array_foreach (self->messages, index, message) {
        const char *candidate = json_string_value (json_object_get (message, "sid"));
        if (candidate && strlen (candidate) == length && !strncmp (candidate, sid, length))
            found = ft_public (message);
    }
    pthread_mutex_unlock (&self->lock);
    if (found)
        ft_answer (answer, 200, found, -1);
    else
        ft_error (answer, 404, 20404, NULL, "", -1);
}
