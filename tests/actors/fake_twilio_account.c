/*  fake_twilio_account — a fake of the one Twilio call agent-sync makes,
    GET /2010-04-01/Accounts/<sid>.json with basic auth (sid:token):

        the configured sid and token   200, Twilio's account JSON (status
                                       as --status says, default active)
        another sid                    404 {"code": 20404, ...}
        a wrong token, or none         401 {"code": 20003, ...}
        GET /_fake/counts              {"accounts": calls, "unauthorized": n}

    Usage: fake_twilio_account [--port N] [--port-file PATH] [--sid SID]
                               [--token TOKEN] [--status STATUS]
    Prints "port N" once listening (port 0, the default: any free port);
    SIGTERM or SIGINT stops it.                                           */

#include "sb_fakehttp.h"
#include <pthread.h>

#define S_DEFAULT_SID    "AC0123456789abcdef0123456789abcdef"
#define S_DEFAULT_TOKEN  "0123456789abcdef0123456789abcdef"

typedef struct {
    pthread_mutex_t lock;
    const char *sid;
    const char *token;
    const char *status;
    size_t calls;
    size_t unauthorized;
} s_fake_t;

//  Twilio's error document.
static json_t *
s_error (int code, unsigned status, const char *message)
{
    char more [64];
    snprintf (more, sizeof more, "https://www.twilio.com/docs/errors/%d", code);
    return json_pack ("{s:i, s:s, s:s, s:i}", "code", code, "message", message,
                      "more_info", more, "status", (int) status);
}

static void
s_account (s_fake_t *self, const sb_fakehttp_request_t *request, const char *sid,
           sb_fakehttp_answer_t *answer)
{
    self->calls++;
    if (!streq (sid, self->sid)) {
        answer->status = 404;
        answer->body = s_error (20404, 404, "The requested resource was not found");
    }
    else
    if (!request->user || !streq (request->user, self->sid) || !request->password
    ||  !streq (request->password, self->token)) {
        self->unauthorized++;
        answer->status = 401;
        answer->body = s_error (20003, 401, "Authenticate");
    }
    else {
        char uri [128];
        snprintf (uri, sizeof uri, "/2010-04-01/Accounts/%s.json", sid);
        answer->status = 200;
        answer->body = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
                                  "sid", sid, "friendly_name", "Fake account",
                                  "status", self->status, "type", "Full",
                                  "auth_token", self->token, "owner_account_sid", sid,
                                  "date_created", "Thu, 01 Jan 2026 00:00:00 +0000",
                                  "date_updated", "Thu, 01 Jan 2026 00:00:00 +0000",
                                  "uri", uri);
    }
}

static void
s_serve (void *state, const sb_fakehttp_request_t *request, sb_fakehttp_answer_t *answer)
{
    s_fake_t *self = (s_fake_t *) state;
    const char *prefix = "/2010-04-01/Accounts/";
    size_t length = strlen (request->path);
    pthread_mutex_lock (&self->lock);
    if (streq (request->path, "/_fake/counts")) {
        answer->status = 200;
        answer->body = json_pack ("{s:I, s:I}", "accounts", (json_int_t) self->calls,
                                  "unauthorized", (json_int_t) self->unauthorized);
    }
    else
    if (streq (request->method, "GET") && !strncmp (request->path, prefix, strlen (prefix))
    &&  length > strlen (prefix) + 5 && streq (request->path + length - 5, ".json")) {
        char sid [64];
        snprintf (sid, sizeof sid, "%.*s", (int) (length - strlen (prefix) - 5),
                  request->path + strlen (prefix));
        s_account (self, request, sid, answer);
    }
    else {
        answer->status = 404;
        answer->body = s_error (20404, 404, "The requested resource was not found");
    }
    pthread_mutex_unlock (&self->lock);
}

static void
s_usage (void)
{
    printf ("Usage: fake_twilio_account [--port N] [--port-file PATH] [--sid SID]\n"
            "                           [--token TOKEN] [--status STATUS]\n"
            "A fake of Twilio's GET /2010-04-01/Accounts/<sid>.json for tests.\n"
            "  --port N          listen on 127.0.0.1:N (default 0: any free port; prints it)\n"
            "  --port-file PATH  also write the port there\n"
            "  --sid SID         the account (default " S_DEFAULT_SID ")\n"
            "  --token TOKEN     its auth token (default " S_DEFAULT_TOKEN ")\n"
            "  --status STATUS   the account's status (default active)\n");
}

int
main (int argc, char *argv [])
{
    s_fake_t fake = { .sid = S_DEFAULT_SID, .token = S_DEFAULT_TOKEN, .status = "active" };
    int port = 0;
    const char *port_file = NULL;
    for (int index = 1; index < argc; index += 2) {      //  each option takes a value
        const char *option = argv [index], *value = index + 1 < argc? argv [index + 1]: NULL;
        if (streq (option, "-h") || streq (option, "--help")) {
            s_usage ();
            return 0;
        }
        if      (value && streq (option, "--port"))      port = atoi (value);
        else if (value && streq (option, "--port-file")) port_file = value;
        else if (value && streq (option, "--sid"))       fake.sid = value;
        else if (value && streq (option, "--token"))     fake.token = value;
        else if (value && streq (option, "--status"))    fake.status = value;
        else {
            fprintf (stderr, "fake_twilio_account: unknown or incomplete option '%s' "
                             "(see --help)\n", option);
            return 2;
        }
    }
    pthread_mutex_init (&fake.lock, NULL);
    sb_fakehttp_t *http = sb_fakehttp_new (port, s_serve, &fake);
    int rc = http? sb_fakehttp_serve (http, "fake_twilio_account", port_file): 1;
    sb_fakehttp_destroy (&http);
    pthread_mutex_destroy (&fake.lock);
    return rc;
}
