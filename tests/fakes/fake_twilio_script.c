/*  fake_twilio_script.c — fake_twilio's answers (Twilio's JSON errors and
    their codes), its script of faults (parsed, queued, taken by the next
    request it applies to), and its own /_fake endpoints (counts,
    messages, script, reset). The steps' syntax: fake_twilio.c.           */

#include "fake_twilio.h"

//  --------------------------------------------------------------------------
//  Answers

//  Sets the answer: status with json (ownership taken), Retry-After when
//  retry_after >= 0.
void
ft_answer (ft_answer_t *answer, unsigned int status, json_t *json, int retry_after)
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
void
ft_error (ft_answer_t *answer, int status, int code, const char *message, const char *argument,
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
    snprintf (more, sizeof more, "%s%d", FT_MORE_INFO, code);
    ft_answer (answer, (unsigned int) status,
               json_pack ("{s:i, s:s, s:s, s:i}", "code", code, "message", text,
                          "more_info", more, "status", status), retry_after);
}

//  --------------------------------------------------------------------------
//  The script

//  Reads one key=value of a step. Returns 0, or -1 if unknown or bad.
static int
s_step_option (ft_step_t *step, const char *name, const char *value)
{
    char *end = NULL;
    long number = strtol (value, &end, 10);
    bool integer = *value && !*end && number >= 0 && number <= 100000000;
    if (streq (name, "on")) {
        step->on = streq (value, "list")? FT_ON_LIST: streq (value, "any")? FT_ON_ANY: FT_ON_CREATE;
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
s_step_parse (const char *spec, ft_step_t *step)
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
    step->kind = streq (action, "stall")? FT_STALL: streq (action, "drop")? FT_DROP
               : streq (action, "pass")? FT_PASS: FT_ERROR;
    step->status = step->kind == FT_ERROR? atoi (action): 0;
    if (step->kind == FT_ERROR && (step->status < 300 || step->status > 599))
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
int
ft_script_add (ft_fake_t *self, const char *text)
{
    ft_step_t parsed [FT_MAX_STEPS];
    int count = 0;
    char *copy = strdup (text), *saved = NULL;
    int rc = copy? 0: -1;
    for (char *line = copy? strtok_r (copy, "\n", &saved): NULL; line && rc == 0;
         line = strtok_r (NULL, "\n", &saved)) {
        if (!*line || *line == '#' || strspn (line, " \t\r") == strlen (line))
            continue;
        if (count == FT_MAX_STEPS || s_step_parse (line, &parsed [count++]))
            rc = -1;
    }
    free (copy);
    pthread_mutex_lock (&self->lock);
    if (rc == 0 && self->step_count + (size_t) count <= FT_MAX_STEPS) {
        memcpy (self->steps + self->step_count, parsed, (size_t) count * sizeof (ft_step_t));
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
bool
ft_script_take (ft_fake_t *self, ft_on_t on, ft_step_t *step)
{
    for (size_t index = 0; index < self->step_count; index++) {
        ft_step_t *candidate = &self->steps [index];
        if (candidate->on != FT_ON_ANY && candidate->on != on)
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
//  The fake's own endpoints

//  GET /_fake/counts, and GET /_fake/messages (with the messages).
void
ft_fake_counts (ft_fake_t *self, bool with_messages, ft_answer_t *answer)
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
            json_array_append_new (messages, ft_public (message));
        json_object_set_new (counts, "messages", messages);
    }
    pthread_mutex_unlock (&self->lock);
    ft_answer (answer, 200, counts, -1);
}

void
ft_fake_reset (ft_fake_t *self, ft_answer_t *answer)
{
    pthread_mutex_lock (&self->lock);
    json_array_clear (self->messages);
    self->step_count = 0;
    self->requests = self->creates = self->lists = self->accounts = self->unauthorized = 0;
    pthread_mutex_unlock (&self->lock);
    ft_answer (answer, 200, json_pack ("{s:b}", "reset", 1), -1);
}

void
ft_fake_script (ft_fake_t *self, const ft_request_t *request, ft_answer_t *answer)
{
    int count = ft_script_add (self, request->body);
    if (count < 0)
        ft_answer (answer, 400, json_pack ("{s:s}", "error",
                                           "a step does not parse, or the script is full"), -1);
    else
        ft_answer (answer, 200, json_pack ("{s:i}", "steps", count), -1);
}
