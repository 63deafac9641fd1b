/*  sb_http.c — the HTTP client over libcurl (see the .h): a request's
    options, the body read within its bound, the headers asked for, and
    libcurl's codes turned into outcomes. The only file that sees libcurl. */

#include "sb_classes.h"
#include "sb_http.h"
#include <curl/curl.h>

#if LIBCURL_VERSION_NUM < 0x075500
#   error "sb_http needs libcurl 7.85 or newer (CURLOPT_PROTOCOLS_STR)"
#endif

struct _sb_http_t {
    CURL *curl;                  //  its connection cache outlives each request
};

//  An exchange as it arrives.
typedef struct {
    sb_http_answer_t *answer;
    size_t capacity;             //  of answer->body
    size_t max;                  //  the request's bound
    bool too_large;
    bool no_memory;
} s_reading_t;

//  A no_resend request's body, handed to libcurl piece by piece. Once a
//  piece is taken, a rewind is refused: libcurl's only way to send it
//  again, on a new connection after a reused one died, then fails instead.
typedef struct {
    const char *data;
    size_t size;
    size_t taken;
    bool refused;                //  libcurl wanted to send it again
} s_sending_t;

sb_http_t *
sb_http_new (void)
{
    sb_http_t *self = (sb_http_t *) calloc (1, sizeof *self);
    if (self)
        self->curl = curl_easy_init ();
    if (self && !self->curl)
        sb_http_destroy (&self);
    return self;
}

void
sb_http_destroy (sb_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    curl_easy_cleanup ((*self_p)->curl);
    free (*self_p);
    *self_p = NULL;
}

//  --------------------------------------------------------------------------
//  A no_resend body as it goes out

static size_t
s_on_send (char *buffer, size_t size, size_t count, void *user)
{
    s_sending_t *sending = (s_sending_t *) user;
    size_t bytes = size * count;
    if (bytes > sending->size - sending->taken)
        bytes = sending->size - sending->taken;
    memcpy (buffer, sending->data + sending->taken, bytes);
    sending->taken += bytes;
    return bytes;
}

//  A rewind to the start before anything was taken changes nothing; any
//  other is libcurl about to send the body a second time.
static int
s_on_seek (void *user, curl_off_t offset, int origin)
{
    s_sending_t *sending = (s_sending_t *) user;
    if (origin == SEEK_SET && offset == 0 && sending->taken == 0)
        return CURL_SEEKFUNC_OK;
    sending->refused = true;
    return CURL_SEEKFUNC_FAIL;
}

//  --------------------------------------------------------------------------
//  The answer as it arrives

static size_t
s_on_body (char *data, size_t size, size_t count, void *user)
{
    s_reading_t *reading = (s_reading_t *) user;
    sb_http_answer_t *answer = reading->answer;
    size_t bytes = size * count;
    if (answer->size + bytes > reading->max) {
        reading->too_large = true;
        return 0;                //  curl stops with CURLE_WRITE_ERROR
    }
    if (answer->size + bytes + 1 > reading->capacity) {
        size_t capacity = (answer->size + bytes + 1) * 2;
        char *bigger = (char *) realloc (answer->body, capacity);
        if (!bigger) {
            reading->no_memory = true;
            return 0;
        }
        answer->body = bigger;
        reading->capacity = capacity;
    }
    memcpy (answer->body + answer->size, data, bytes);
    answer->size += bytes;
    answer->body [answer->size] = 0;
    return bytes;
}

static void
s_forget_kept (sb_http_answer_t *answer)
{
    for (int index = 0; index < SB_HTTP_KEEP_MAX; index++)
        zstr_free (&answer->kept [index].value);
}

//  Keeps value (bytes of a header line after its ':'), trimmed, if it fits.
static void
s_keep (char **target, const char *value, size_t bytes)
{
    while (bytes && (*value == ' ' || *value == '\t')) {
        value++;
        bytes--;
    }
    while (bytes && strchr (" \t\r\n", value [bytes - 1]))
        bytes--;
    zstr_free (target);
    if (bytes <= SB_HTTP_VALUE_MAX)
        *target = strndup (value, bytes);
}

//  Each header line of each response: a status line starts a response of
//  its own (after a 100 Continue), whose headers replace what was kept.
static size_t
s_on_header (char *data, size_t size, size_t count, void *user)
{
    sb_http_answer_t *answer = ((s_reading_t *) user)->answer;
    size_t bytes = size * count;
    if (bytes > 5 && memcmp (data, "HTTP/", 5) == 0)
        s_forget_kept (answer);
    const char *colon = (const char *) memchr (data, ':', bytes);
    size_t length = colon? (size_t) (colon - data): 0;
    for (int index = 0; colon && index < SB_HTTP_KEEP_MAX && answer->kept [index].name; index++)
        if (strlen (answer->kept [index].name) == length
        &&  strncasecmp (data, answer->kept [index].name, length) == 0)
            s_keep (&answer->kept [index].value, colon + 1, bytes - length - 1);
    return bytes;
}

//  --------------------------------------------------------------------------
//  The request

//  Wipes the lines (one may hold a token) and frees them.
static void
s_lines_free (struct curl_slist *lines)
{
    for (struct curl_slist *item = lines; item; item = item->next)
        memset (item->data, 0, strlen (item->data));
    curl_slist_free_all (lines);
}

//  Appends line (NULL: out of memory) to *lines; on failure frees them
//  and sets NULL. Wipes and frees line if owned.
static void
s_append (struct curl_slist **lines, char *line, bool owned)
{
    struct curl_slist *more = *lines && line? curl_slist_append (*lines, line): NULL;
    if (!more)
        s_lines_free (*lines);
    *lines = more;
    if (owned && line)
        memset (line, 0, strlen (line));
    if (owned)
        zstr_free (&line);
}

//  The request's header lines, or NULL (out of memory).
static struct curl_slist *
s_lines (const sb_http_request_t *request)
{
    //  No "Expect: 100-continue": the body goes at once
    struct curl_slist *lines = curl_slist_append (NULL, "Expect:");
    if (request->content_type)
        s_append (&lines, zsys_sprintf ("Content-Type: %s", request->content_type), true);
    if (request->bearer)
        s_append (&lines, zsys_sprintf ("Authorization: Bearer %s", request->bearer), true);
    for (int index = 0; index < SB_HTTP_LINES_MAX && request->lines [index]; index++)
        s_append (&lines, (char *) request->lines [index], false);
    return lines;
}

//  The method and body: POSTFIELDS makes a POST (no_resend: a read
//  callback that refuses rewinds), CUSTOMREQUEST renames it.
static void
s_set_method (CURL *curl, const sb_http_request_t *request, s_sending_t *sending)
{
    const char *method = request->method;
    bool post = request->body || (method && streq (method, "POST"));
    if (post) {
        size_t size = request->body_size || !request->body? request->body_size
                                                          : strlen (request->body);
        curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
        if (request->no_resend) {
            *sending = (s_sending_t) { request->body? request->body: "", size, 0, false };
            curl_easy_setopt (curl, CURLOPT_POST, 1L);
            curl_easy_setopt (curl, CURLOPT_READFUNCTION, s_on_send);
            curl_easy_setopt (curl, CURLOPT_READDATA, sending);
            curl_easy_setopt (curl, CURLOPT_SEEKFUNCTION, s_on_seek);
            curl_easy_setopt (curl, CURLOPT_SEEKDATA, sending);
        }
        else
            curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request->body? request->body: "");
    }
    if (method && streq (method, "HEAD"))
        curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
    else
    if (method && !streq (method, post? "POST": "GET"))
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
}

static void
s_setup (CURL *curl, const sb_http_request_t *request, struct curl_slist *lines,
         s_reading_t *reading, s_sending_t *sending, char *detail)
{
    curl_easy_setopt (curl, CURLOPT_URL, request->url);
    curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (curl, CURLOPT_HTTPHEADER, lines);
    s_set_method (curl, request, sending);
    if (request->user) {
        curl_easy_setopt (curl, CURLOPT_HTTPAUTH, (long) CURLAUTH_BASIC);
        curl_easy_setopt (curl, CURLOPT_USERNAME, request->user);
        curl_easy_setopt (curl, CURLOPT_PASSWORD, request->password? request->password: "");
    }
    if (request->user_agent)
        curl_easy_setopt (curl, CURLOPT_USERAGENT, request->user_agent);
    curl_easy_setopt (curl, CURLOPT_TIMEOUT_MS, (long) request->timeout_ms);
    curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);       //  threads: no SIGALRM
    curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, s_on_body);
    curl_easy_setopt (curl, CURLOPT_WRITEDATA, reading);
    curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, s_on_header);
    curl_easy_setopt (curl, CURLOPT_HEADERDATA, reading);
    curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, detail);
}

//  Turns code into the answer's outcome. Whether any request byte went
//  out (CURLINFO_REQUEST_SIZE) tells a failure the server cannot have
//  acted on from one it may have.
static void
s_classify (CURL *curl, CURLcode code, const s_reading_t *reading, const char *detail,
            sb_http_answer_t *answer)
{
    long sent = 0;
    curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &answer->status);
    curl_easy_getinfo (curl, CURLINFO_REQUEST_SIZE, &sent);
    answer->timed_out = code == CURLE_OPERATION_TIMEDOUT;
    if (code == CURLE_OK) {
        answer->outcome = SB_HTTP_ANSWERED;
        return;
    }
    snprintf (answer->error, sizeof answer->error, "%s", curl_easy_strerror (code));
    snprintf (answer->detail, sizeof answer->detail, "%s",
              reading->no_memory? "out of memory reading the answer"
                                : *detail? detail: answer->error);
    if (reading->too_large)
        answer->outcome = SB_HTTP_TOO_LARGE;
    else
    if (sent <= 0)
        answer->outcome = SB_HTTP_NOT_SENT;
    else
        answer->outcome = answer->timed_out? SB_HTTP_TIMED_OUT: SB_HTTP_DROPPED;
}

static bool
s_has_break (const char *text)
{
    return text && strpbrk (text, "\r\n");
}

//  True if a header value would end its line: outside bytes (a key, a
//  token) that would add headers of their own.
static bool
s_breaks_lines (const sb_http_request_t *request)
{
    bool found = s_has_break (request->content_type) || s_has_break (request->bearer)
              || s_has_break (request->user_agent);
    for (int index = 0; index < SB_HTTP_LINES_MAX && request->lines [index]; index++)
        found = found || s_has_break (request->lines [index]);
    return found;
}

//  A request that does not start: NOT_SENT, why in answer. Returns -1.
static int
s_not_started (sb_http_answer_t *answer, const char *why)
{
    snprintf (answer->error, sizeof answer->error, "%s", why);
    snprintf (answer->detail, sizeof answer->detail, "%s", why);
    return -1;
}

int
sb_http_request (sb_http_t *client, const sb_http_request_t *request, sb_http_answer_t *answer)
{
    memset (answer, 0, sizeof *answer);
    answer->outcome = SB_HTTP_NOT_SENT;
    for (int index = 0; index < SB_HTTP_KEEP_MAX && request->keep [index]; index++)
        answer->kept [index].name = request->keep [index];
    if (request->timeout_ms <= 0)                //  every wait has a time-out
        return s_not_started (answer, "no time-out given");
    if (s_breaks_lines (request))
        return s_not_started (answer, "a header line holds a line break");
    CURL *curl = client? client->curl: curl_easy_init ();
    struct curl_slist *lines = s_lines (request);
    if (!curl || !lines) {
        s_lines_free (lines);
        if (!client)
            curl_easy_cleanup (curl);
        return s_not_started (answer, curl_easy_strerror (CURLE_OUT_OF_MEMORY));
    }
    char detail [CURL_ERROR_SIZE] = "";
    s_reading_t reading = {
        answer, 0, request->answer_max? request->answer_max: SB_HTTP_ANSWER_MAX, false, false
    };
    s_sending_t sending = { 0 };
    s_setup (curl, request, lines, &reading, &sending, detail);
    s_classify (curl, curl_easy_perform (curl), &reading, detail, answer);
    if (sending.refused && answer->outcome != SB_HTTP_ANSWERED) {
        //  The request went out on a reused connection that died before
        //  an answer: the server may have acted on it
        answer->outcome = SB_HTTP_DROPPED;
        snprintf (answer->detail, sizeof answer->detail, "the connection closed before an "
                  "answer, and the request was not sent again (%.150s)", answer->error);
    }
    //  A client forgets the options (which point at this call's memory)
    //  and keeps its connections
    if (client)
        curl_easy_reset (curl);
    else
        curl_easy_cleanup (curl);
    s_lines_free (lines);
    return answer->outcome == SB_HTTP_ANSWERED? 0: -1;
}

void
sb_http_answer_clear (sb_http_answer_t *answer)
{
    free (answer->body);
    s_forget_kept (answer);
    memset (answer, 0, sizeof *answer);
}

const char *
sb_http_header (const sb_http_answer_t *answer, const char *name)
{
    for (int index = 0; index < SB_HTTP_KEEP_MAX && answer->kept [index].name; index++)
        if (strcasecmp (answer->kept [index].name, name) == 0)
            return answer->kept [index].value;
    return NULL;
}

//  --------------------------------------------------------------------------
//  URLs, dates

char *
sb_http_escape (const char *text)
{
    char *escaped = curl_easy_escape (NULL, text, 0);
    char *copy = escaped? strdup (escaped): NULL;
    curl_free (escaped);
    return copy;
}

int64_t
sb_http_date (const char *text)
{
    time_t when = text? curl_getdate (text, NULL): -1;
    return when < 0? -1: (int64_t) when;
}

int64_t
sb_http_retry_after_ms (const char *value, int64_t now_s)
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
    int64_t when = strlen (value) < sizeof date? sb_http_date (date): -1;
    if (when < 0)
        return -1;
    //  Clamped before scaling: a date far ahead must not overflow
    int64_t seconds = (int64_t) when - now_s;
    return seconds < 0? 0: seconds > 86400? 86400000: seconds * 1000;
}

char *
sb_http_base_url (const char *text)
{
    if (!text || (strncmp (text, "http://", 7) && strncmp (text, "https://", 8)))
        return NULL;
    size_t length = strlen (text);
    while (length && text [length - 1] == '/')
        length--;
    return strndup (text, length);
}

int
sb_http_actor_main (const sb_actor_def_t *def, int argc, char *argv [])
{
    if (curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf (stderr, "%s: libcurl cannot start\n", def->name);
        return 70;          //  EX_SOFTWARE
    }
    int rc = sb_actor_main (def, argc, argv);
    curl_global_cleanup ();
    return rc;
}
