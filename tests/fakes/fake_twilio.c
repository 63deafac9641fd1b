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
      pass [count=N] [on=...]         answers as usual (lets requests
          through before a later step)
    on= defaults to create; message= takes the rest of the line.

    Usage: fake_twilio --account SID --token TOKEN [--listen ADDR] [--port N] [--port-file
    PATH] [--account-status STATUS] [--step SPEC]... [--verbose]. Port 0
    (the default) takes a free one; "port N" is printed on stdout (and N
    written to PATH, atomically). Runs until SIGTERM or SIGINT, then exits
    0.                                                                     */

#include "fake_twilio.h"

//  --------------------------------------------------------------------------
//  Routing

//  The API's routes, below /2010-04-01/Accounts/{our account}.
static void
s_api (ft_fake_t *self, const ft_request_t *request, const char *rest, ft_answer_t *answer)
{
    bool post = streq (request->method, "POST"), get = streq (request->method, "GET");
    size_t length = strlen (rest);
    if (streq (rest, "/Messages.json") && post)
        ft_create (self, request, answer);
    else
    if (streq (rest, "/Messages.json") && get)
        ft_list (self, request, answer);
    else
    if (get && strncmp (rest, "/Messages/", 10) == 0 && length > 15
    &&  streq (rest + length - 5, ".json"))
        ft_fetch (self, rest + 10, length - 15, answer);
    else
        ft_error (answer, 404, 20404, NULL, request->path, -1);
}

//  Counts the request; true if it carries basic auth account:token.
static bool
s_authorized (ft_fake_t *self, const ft_request_t *request)
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
s_account_path (const ft_request_t *request)
{
    size_t prefix = strlen (FT_API), length = strlen (request->path);
    return streq (request->method, "GET") && length > prefix + 5
        && !strncmp (request->path, FT_API, prefix) && streq (request->path + length - 5, ".json")
        && !strchr (request->path + prefix, '/');
}

//  GET /2010-04-01/Accounts/{sid}.json: 404 for another account, then
//  401 without its basic auth, else the account resource.
static void
s_account (ft_fake_t *self, const ft_request_t *request, ft_answer_t *answer)
{
    const char *sid = request->path + strlen (FT_API);
    bool ours = strlen (sid) == strlen (self->account) + 5
             && !strncmp (sid, self->account, strlen (self->account));
    pthread_mutex_lock (&self->lock);
    self->accounts++;
    pthread_mutex_unlock (&self->lock);
    if (!ours)
        ft_error (answer, 404, 20404, NULL, request->path, -1);
    else
    if (!s_authorized (self, request))
        ft_error (answer, 401, 20003, NULL, NULL, -1);
    else
        ft_answer (answer, 200, json_pack (
            "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "sid", self->account,
            "friendly_name", "Fake account", "status", self->account_status, "type", "Full",
            "auth_token", self->token, "owner_account_sid", self->account,
            "date_created", "Thu, 01 Jan 2026 00:00:00 +0000",
            "date_updated", "Thu, 01 Jan 2026 00:00:00 +0000", "uri", request->path), -1);
}

//  Every request (sb_fakehttp's callback, on the connection's thread).
static void
s_on_request (void *state, const ft_request_t *request, ft_answer_t *answer)
{
    ft_fake_t *self = (ft_fake_t *) state;
    const char *path = request->path, *method = request->method;
    if (self->verbose)
        fprintf (stderr, "fake_twilio: %s %s (%zu bytes)\n", method, path, request->size);
    size_t prefix = strlen (FT_API), account = strlen (self->account);
    if (streq (path, "/_fake/counts") && streq (method, "GET"))
        ft_fake_counts (self, false, answer);
    else
    if (streq (path, "/_fake/messages") && streq (method, "GET"))
        ft_fake_counts (self, true, answer);
    else
    if (streq (path, "/_fake/script") && streq (method, "POST"))
        ft_fake_script (self, request, answer);
    else
    if (streq (path, "/_fake/reset") && streq (method, "POST"))
        ft_fake_reset (self, answer);
    else
    if (s_account_path (request))
        s_account (self, request, answer);
    else
    if (!s_authorized (self, request))
        ft_error (answer, 401, 20003, NULL, NULL, -1);
    else
    if (request->too_long)
        ft_error (answer, 413, 20001, "Request body too large", NULL, -1);
    else
    if (strncmp (path, FT_API, prefix) || strncmp (path + prefix, self->account, account))
        ft_error (answer, 404, 20404, NULL, path, -1);
    else
        s_api (self, request, path + prefix + account, answer);
}

//  --------------------------------------------------------------------------
//  Main

typedef struct {
    const char *account, *token, *account_status, *port_file, *listen;
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
        "  --listen ADDR     IPv4 address to listen on (default 127.0.0.1; 0.0.0.0: all)\n"
        "  --port N          port on that address (default 0: a free one)\n"
        "  --port-file PATH  also write the port to PATH (atomically)\n"
        "  --account-status STATUS   the account's status (default active)\n"
        "  --step SPEC       a step of the script (repeatable), as POST /_fake/script takes:\n"
        "                      STATUS [code=N] [retry_after=S] [count=N] [on=create|list|any]\n"
        "                             [message=TEXT]     an error answer, nothing created\n"
        "                      stall ms=N [count=N] [on=...]   create, wait, then answer\n"
        "                      drop [count=N] [on=...]         create, close, no answer\n"
        "                      pass [count=N] [on=...]         answer as usual\n"
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
    if (streq (arg, "--listen"))
        options->listen = value;
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
    ft_fake_t self = { .account = options.account, .token = options.token,
                      .account_status = options.account_status? options.account_status: "active",
                      .verbose = options.verbose };
    pthread_mutex_init (&self.lock, NULL);
    self.messages = json_array ();
    int rc = 0;
    if (options.steps && ft_script_add (&self, options.steps) < 0) {
        fprintf (stderr, "fake_twilio: a --step does not parse (try --help)\n");
        rc = 2;
    }
    if (rc == 0)
        rc = sb_fakehttp_serve ("fake_twilio", options.listen? options.listen: "127.0.0.1",
                                options.port, options.port_file, s_on_request, &self);
    json_decref (self.messages);
    pthread_mutex_destroy (&self.lock);
    zstr_free (&options.steps);
    return rc;
}
