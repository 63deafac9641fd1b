/*  zmon — how an operator sees a running Switchboard fleet, on one machine
    or several (docs/zmon.md): the brokers' figures, their traffic, socket
    events, one conversation's history, dead letters.

    Exit codes: 0 done; 1 done, but a broker did not answer (said on
    stdout); 64 bad command line; 69 no broker answered; 78 bad config.   */

#include "sb_classes.h"
#include <signal.h>
#include "sb_curve.h"
#include "sb_proto.h"
#include "sb_zmon_decode.h"
#include "sb_zmon_render.h"
#include "sb_zmon_source.h"
#include "sb_zmon_stats.h"
#include "sb_zmon_trace.h"

#define S_EXIT_PARTIAL     1
#define S_EXIT_USAGE       64
#define S_EXIT_UNAVAILABLE 69
#define S_EXIT_CONFIG      78
#define S_MAX_ENDPOINTS    16
#define S_DEFAULT_SUPERVISE "run/supervise.sock"

typedef struct {
    const char *brokers [S_MAX_ENDPOINTS];
    size_t broker_count;
    char *config_brokers;        //  zmon/broker's copy, split in place
    const char *supervise;       //  control socket, or NULL
    int timeout_ms;
    bool json;
    bool once;
    int64_t interval_ms;
    int64_t count;               //  stats refreshes, tap/sockets events; 0: no end
    int64_t for_ms;              //  tap/sockets: stop after; 0: no end
    const char *type;            //  tap filters
    const char *corr;
    const char *phone;           //  trace --phone
    const char *all;             //  dlq replay --all
    const char *args [S_MAX_ENDPOINTS + 2];
    size_t arg_count;            //  the command and its operands
    sb_alerts_t alerts;
    zconfig_t *config;
} s_options_t;

static void
s_usage (FILE *file)
{
    fprintf (file,
        "Usage: zmon [OPTIONS] COMMAND [ARGS]\n"
        "Watches a Switchboard fleet through its brokers (docs/zmon.md).\n\n"
        "Commands:\n"
        "  stats                  a live table of every broker and service, refreshed\n"
        "                         every --interval; --once for one (two STATS apart)\n"
        "  tap [ENDPOINT...]      live traffic as JSON lines, secrets redacted;\n"
        "                         --type T, --corr ID filter (default: each broker's tap)\n"
        "  sockets [ENDPOINT...]  socket events of brokers and actors (default: each\n"
        "                         broker's monitor endpoint; actors: their --monitor)\n"
        "  trace CORR             one conversation's history, from what brokers stored\n"
        "  trace --phone NUMBER   the conversations of a phone number (E.164), newest\n"
        "                         first, and the newest one's history\n"
        "  dlq list               dead letters, newest first (--count N, default 100)\n"
        "  dlq show ID            one dead letter (entry or envelope id) in full\n"
        "  dlq replay ID|--all    back to their queue, attempts reset\n\n"
        "Options:\n"
        "  -b, --broker EP        a broker; repeat for several (zmon/broker in the\n"
        "                         config, a list; else $SB_BROKER; else\n"
        "                         tcp://127.0.0.1:5555)\n"
        "  -c, --config FILE      ZPL: zmon/broker, zmon/supervise, zmon/timeout, and\n"
        "                         the alerts section (docs/broker.md, Alerts)\n"
        "  -s, --supervise PATH   supervise's control socket, for restarts (default\n"
        "                         " S_DEFAULT_SUPERVISE " when it exists)\n"
        "  -t, --timeout MS       wait for each broker's answer (default 2000)\n"
        "      --json             JSON instead of text (one object per line)\n"
        "      --once             stats: one table, then exit\n"
        "      --interval MS      stats: between refreshes (default 1000)\n"
        "      --count N          stop after N refreshes / events / dead letters listed\n"
        "      --for MS           tap, sockets: stop after MS\n"
        "      --type TYPE        tap: only this message type\n"
        "      --corr ID          tap: only this conversation\n"
        "      --phone NUMBER     trace: by phone number instead of CORR\n"
        "  -h, --help             this text\n\n"
        "Environment: SB_CURVE_CERT and SB_CURVE_SERVER turn CURVE on (docs/security.md).\n"
        "Exit codes: 0 done; 1 done, but a broker did not answer (said in the\n"
        "output); 64 bad command line; 69 no broker answered; 78 bad config.\n");
}

//  --------------------------------------------------------------------------
//  Options

static int
s_number (const char *text, int64_t low, int64_t high, int64_t *value)
{
    char *end;
    long long number = strtoll (text, &end, 10);
    if (!*text || *end || number < low || number > high)
        return -1;
    *value = number;
    return 0;
}

//  One option with a value; returns -1 if unknown or out of range.
static int
s_option (s_options_t *self, const char *name, const char *value)
{
    int64_t number = 0;
    if ((streq (name, "-b") || streq (name, "--broker")) && self->broker_count < S_MAX_ENDPOINTS)
        self->brokers [self->broker_count++] = value;
    else
    if (streq (name, "-s") || streq (name, "--supervise"))
        self->supervise = value;
    else
    if ((streq (name, "-t") || streq (name, "--timeout")) && !s_number (value, 10, 600000, &number))
        self->timeout_ms = (int) number;
    else
    if (streq (name, "--interval") && !s_number (value, 100, 3600000, &number))
        self->interval_ms = number;
    else
    if (streq (name, "--count") && !s_number (value, 1, 10000000, &number))
        self->count = number;
    else
    if (streq (name, "--for") && !s_number (value, 1, 86400000, &number))
        self->for_ms = number;
    else
    if (streq (name, "--type"))
        self->type = value;
    else
    if (streq (name, "--corr"))
        self->corr = value;
    else
    if (streq (name, "--phone"))
        self->phone = value;
    else
        return -1;
    return 0;
}

static bool
s_takes_value (const char *name)
{
    const char *names [] = { "-b", "--broker", "-s", "--supervise", "-t", "--timeout",
                             "--interval", "--count", "--for", "--type", "--corr", "--phone", "-c",
                             "--config" };
    for (size_t index = 0; index < sizeof names / sizeof names [0]; index++)
        if (streq (name, names [index]))
            return true;
    return false;
}

//  The config file: zmon/broker (when no --broker), zmon/supervise,
//  zmon/timeout, alerts.
static int
s_load_config (s_options_t *self, const char *path)
{
    char err [512];
    if (path && !(self->config = sb_config_load (path, err, sizeof err))) {
        fprintf (stderr, "zmon: %s\n", err);
        return -1;
    }
    if (sb_alerts_load (&self->alerts, self->config, err, sizeof err)) {
        fprintf (stderr, "zmon: %s: %s\n", path, err);
        return -1;
    }
    char *brokers = self->config? zconfig_get (self->config, "zmon/broker", NULL): NULL;
    if (brokers && !self->broker_count) {
        self->config_brokers = strdup (brokers);
        char *saved = NULL;
        for (char *item = strtok_r (self->config_brokers, ", ", &saved);
             item && self->broker_count < S_MAX_ENDPOINTS; item = strtok_r (NULL, ", ", &saved))
            self->brokers [self->broker_count++] = item;
    }
    char *supervise = self->config? zconfig_get (self->config, "zmon/supervise", NULL): NULL;
    if (supervise && !self->supervise)
        self->supervise = supervise;
    char *timeout = self->config? zconfig_get (self->config, "zmon/timeout", NULL): NULL;
    int64_t number;
    if (timeout && s_number (timeout, 10, 600000, &number)) {
        fprintf (stderr, "zmon: %s: zmon/timeout: '%s' is not a number in 10..600000\n", path,
                 timeout);
        return -1;
    }
    if (timeout && self->timeout_ms == SB_ZMON_TIMEOUT_MS)
        self->timeout_ms = (int) number;
    return 0;
}

//  Parses the command line. Returns 0, or an exit code.
static int
s_parse (s_options_t *self, int argc, char *argv [])
{
    const char *config = NULL;
    for (int index = 1; index < argc; index++) {
        const char *arg = argv [index];
        if (streq (arg, "-h") || streq (arg, "--help")) {
            s_usage (stdout);
            return -1;
        }
        if (streq (arg, "--json") || streq (arg, "--once") || streq (arg, "--all")) {
            self->json = self->json || streq (arg, "--json");
            self->once = self->once || streq (arg, "--once");
            self->all = streq (arg, "--all")? "all": self->all;
            continue;
        }
        if (s_takes_value (arg) && index + 1 < argc) {
            const char *value = argv [++index];
            if (streq (arg, "-c") || streq (arg, "--config"))
                config = value;
            else
            if (s_option (self, arg, value)) {
                fprintf (stderr, "zmon: %s: bad value '%s' (try --help)\n", arg, value);
                return S_EXIT_USAGE;
            }
            continue;
        }
        if (*arg == '-' || self->arg_count == S_MAX_ENDPOINTS + 2) {
            fprintf (stderr, "zmon: unknown option, missing value or too many operands: %s "
                             "(try --help)\n", arg);
            return S_EXIT_USAGE;
        }
        self->args [self->arg_count++] = arg;
    }
    if (s_load_config (self, config))
        return S_EXIT_CONFIG;
    if (!self->broker_count)
        self->brokers [self->broker_count++] = getenv ("SB_BROKER") && *getenv ("SB_BROKER")
                                             ? getenv ("SB_BROKER"): "tcp://127.0.0.1:5555";
    if (!self->supervise && zsys_file_exists (S_DEFAULT_SUPERVISE))
        self->supervise = S_DEFAULT_SUPERVISE;
    if (!self->arg_count) {
        s_usage (stderr);
        return S_EXIT_USAGE;
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Commands

static void
s_print_json (const json_t *value)
{
    char *text = json_dumps (value, JSON_COMPACT);
    if (text)
        printf ("%s\n", text);
    free (text);
    fflush (stdout);
}

//  The exit code for results (or a document's brokers, their replies
//  taken out): 69 if none answered, 1 if some did not (those say error).
static int
s_results_code (const json_t *results)
{
    size_t answered = 0;
    for (size_t index = 0; index < json_array_size (results); index++)
        answered += json_object_get (json_array_get (results, index), "error") == NULL;
    return answered == 0? S_EXIT_UNAVAILABLE: answered < json_array_size (results)? S_EXIT_PARTIAL: 0;
}

//  Waits interval_ms unless interrupted; returns false when interrupted.
static bool
s_pause (int64_t interval_ms)
{
    int64_t until = zclock_mono () + interval_ms;
    while (!zsys_interrupted && zclock_mono () < until)
        zmq_poll (NULL, 0, (long) (until - zclock_mono ()));
    return !zsys_interrupted;
}

static json_t *
s_stats_snapshot (s_options_t *self)
{
    return sb_zmon_request_all (self->brokers, self->broker_count, SB_PROTO_STATS, NULL,
                                self->timeout_ms);
}

//  One view: rendered, with the alerts that changed since the last.
static void
s_stats_show (s_options_t *self, const json_t *view, const json_t *last, bool tty)
{
    json_t *changes = sb_zmon_stats_alert_changes (last, view);
    if (self->json)
        s_print_json (view);
    else {
        if (tty && !self->once)
            printf ("\033[H\033[2J");
        sb_zmon_render_stats (stdout, view, tty);
    }
    for (size_t index = 0; index < json_array_size (changes); index++) {
        if (self->json)
            s_print_json (json_array_get (changes, index));
        else
            sb_zmon_render_alert (stdout, json_array_get (changes, index));
    }
    fflush (stdout);
    json_decref (changes);
}

static int
s_stats (s_options_t *self)
{
    bool tty = isatty (STDOUT_FILENO) && !self->json;
    json_t *before = s_stats_snapshot (self), *last = NULL;
    int code = s_results_code (before);
    for (int64_t shown = 0; (!self->count || shown < self->count) && s_pause (self->interval_ms);
         shown++) {
        json_t *snapshot = s_stats_snapshot (self);
        json_t *supervise = self->supervise? sb_zmon_supervise_status (self->supervise,
                                                                       self->timeout_ms): NULL;
        json_t *view = sb_zmon_stats_view (before, snapshot, self->interval_ms, &self->alerts,
                                           supervise);
        s_stats_show (self, view, last, tty);
        code = s_results_code (snapshot);
        json_decref (supervise);
        json_decref (before);
        json_decref (last);
        before = snapshot;
        last = view;
        if (self->once)
            break;
    }
    json_decref (before);
    json_decref (last);
    return code;
}

//  The tap or monitor endpoints: the operands, else what each broker's
//  STATS names (field). Fills endpoints (strings the caller frees).
static size_t
s_stream_endpoints (s_options_t *self, const char *field, char **endpoints)
{
    size_t count = 0;
    for (size_t index = 1; index < self->arg_count; index++)
        endpoints [count++] = strdup (self->args [index]);
    if (count)
        return count;
    json_t *results = s_stats_snapshot (self);
    sb_zmon_render_unreachable (stderr, results);
    for (size_t index = 0; index < json_array_size (results); index++) {
        const char *endpoint = json_string_value (json_object_get (
            json_object_get (json_array_get (results, index), "reply"), field));
        if (endpoint && count < S_MAX_ENDPOINTS)
            endpoints [count++] = strdup (endpoint);
    }
    json_decref (results);
    return count;
}

//  One tap message: decoded, filtered, printed. Returns true if printed.
static bool
s_tap_message (s_options_t *self, const sb_zmon_redactor_t *redactor, zmsg_t *msg)
{
    const uint8_t *parts [8];
    size_t sizes [8], count = 0;
    for (zframe_t *frame = zmsg_first (msg); frame && count < 8; frame = zmsg_next (msg), count++) {
        parts [count] = zframe_data (frame);
        sizes [count] = zframe_size (frame);
    }
    char err [256];
    json_t *message = zmsg_size (msg) <= 8
                    ? sb_zmon_tap_decode (redactor, parts, sizes, count, err, sizeof err): NULL;
    bool shown = message && sb_zmon_tap_match (message, self->type, self->corr);
    if (!message)
        fprintf (stderr, "zmon: tap: %s\n", zmsg_size (msg) > 8? "too many frames": err);
    if (shown) {
        json_object_set_new (message, "at_ms", json_integer (zclock_time ()));
        s_print_json (message);
    }
    json_decref (message);
    return shown;
}

//  One socket event: printed unless its source's sequence shows it was
//  seen (a monitor repeats its history to every new subscriber).
static bool
s_socket_message (s_options_t *self, zhashx_t *seen, zmsg_t *msg)
{
    zframe_t *frame = zmsg_first (msg);
    char err [256] = "not one frame";
    json_t *event = zmsg_size (msg) == 1
                  ? sb_zmon_socket_decode (zframe_data (frame), zframe_size (frame), err, sizeof err)
                  : NULL;
    if (!event) {
        fprintf (stderr, "zmon: socket event: %s\n", err);
        return false;
    }
    const char *source = json_string_value (json_object_get (event, "source"));
    uint64_t seq = (uint64_t) json_integer_value (json_object_get (event, "seq"));
    uint64_t last = (uint64_t) (uintptr_t) zhashx_lookup (seen, source);
    bool shown = seq > last;
    if (shown) {
        zhashx_update (seen, source, (void *) (uintptr_t) seq);
        if (self->json)
            s_print_json (event);
        else
            sb_zmon_render_socket (stdout, event);
        fflush (stdout);
    }
    json_decref (event);
    return shown;
}

//  tap and sockets: subscribes to every endpoint and prints what comes
//  until --count events, --for ms, or an interrupt.
static int
s_stream (s_options_t *self, bool tap)
{
    char *endpoints [S_MAX_ENDPOINTS + 2];
    size_t count = s_stream_endpoints (self, tap? "tap": "monitor", endpoints);
    if (!count) {
        fprintf (stderr, "zmon: no %s endpoint: give one, or configure broker/%s\n",
                 tap? "tap": "monitor", tap? "tap": "monitor");
        return S_EXIT_UNAVAILABLE;
    }
    char err [256];
    sb_zmon_redactor_t *redactor = sb_zmon_redactor_new (err, sizeof err);
    zsock_t *sub = zsock_new (ZMQ_SUB);
    if (sb_curve_client_apply (sub, err, sizeof err))
        fprintf (stderr, "zmon: %s\n", err);   //  checked at start: not reached
    zsock_set_subscribe (sub, "");
    zsock_set_rcvtimeo (sub, 100);
    for (size_t index = 0; index < count; index++) {
        if (zsock_connect (sub, "%s", endpoints [index]) < 0)
            fprintf (stderr, "zmon: cannot connect to %s\n", endpoints [index]);
        zstr_free (&endpoints [index]);
    }
    zhashx_t *seen = zhashx_new ();
    int64_t shown = 0, until = self->for_ms? zclock_mono () + self->for_ms: 0;
    while (redactor && !zsys_interrupted && (!self->count || shown < self->count)
       &&  (!until || zclock_mono () < until)) {
        zmsg_t *msg = zmsg_recv (sub);
        if (msg)
            shown += tap? s_tap_message (self, redactor, msg): s_socket_message (self, seen, msg);
        zmsg_destroy (&msg);
    }
    int code = redactor? 0: S_EXIT_CONFIG;
    if (!redactor)
        fprintf (stderr, "zmon: %s\n", err);
    zhashx_destroy (&seen);
    zsock_destroy (&sub);
    sb_zmon_redactor_destroy (&redactor);
    return code;
}

//  trace --phone: the number's conversations (sb_zmon_trace.h).
static int
s_trace_phone (s_options_t *self)
{
    char err [256];
    json_t *document = self->arg_count == 1
        ? sb_zmon_trace_phone (self->brokers, self->broker_count, self->phone, true,
                               self->timeout_ms, err, sizeof err): NULL;
    if (!document) {
        fprintf (stderr, "zmon: trace --phone: %s\n", self->arg_count == 1? err
                 : "takes a phone number instead of a conversation id, not both");
        return S_EXIT_USAGE;
    }
    if (self->json)
        s_print_json (document);
    else
        sb_zmon_render_conversations (stdout, document);
    int code = s_results_code (json_object_get (document, "brokers"));
    json_decref (document);
    return code;
}

static int
s_trace (s_options_t *self)
{
    if (self->phone)
        return s_trace_phone (self);
    if (self->arg_count != 2) {
        fprintf (stderr, "zmon: trace takes one conversation id (corr)\n");
        return S_EXIT_USAGE;
    }
    json_t *results = sb_zmon_request_all (self->brokers, self->broker_count, SB_PROTO_TRACE,
                                           self->args [1], self->timeout_ms);
    json_t *rows = sb_zmon_trace_rows (results);
    if (self->json) {
        json_t *document = json_pack ("{s:s, s:O, s:o}", "corr", self->args [1], "rows", rows,
                                      "brokers", sb_zmon_request_brokers (results));
        s_print_json (document);
        json_decref (document);
    }
    else {
        sb_zmon_render_unreachable (stdout, results);
        sb_zmon_render_trace (stdout, self->args [1], rows);
    }
    int code = s_results_code (results);
    json_decref (rows);
    json_decref (results);
    return code;
}

//  Redacts the envelopes of DLQ-LIST results in place.
static void
s_dlq_redact (json_t *results)
{
    char err [256];
    sb_zmon_redactor_t *redactor = sb_zmon_redactor_new (err, sizeof err);
    for (size_t index = 0; redactor && index < json_array_size (results); index++) {
        json_t *entries = json_object_get (json_array_get (results, index), "reply");
        for (size_t at = 0; at < json_array_size (entries); at++)
            sb_zmon_redact_envelope (redactor, json_object_get (json_array_get (entries, at),
                                                                "envelope"));
    }
    sb_zmon_redactor_destroy (&redactor);
}

//  dlq show: the entry (or envelope id) from every broker's list.
static int
s_dlq_show (s_options_t *self, json_t *results)
{
    json_t *found = NULL;
    for (size_t index = 0; !found && index < json_array_size (results); index++) {
        json_t *entries = json_object_get (json_array_get (results, index), "reply");
        for (size_t at = 0; !found && at < json_array_size (entries); at++) {
            json_t *entry = json_array_get (entries, at);
            const char *entry_id = json_string_value (json_object_get (entry, "entry"));
            const char *id = json_string_value (json_object_get (entry, "id"));
            if ((entry_id && streq (entry_id, self->args [2])) || (id && streq (id, self->args [2])))
                found = entry;
        }
    }
    sb_zmon_render_unreachable (stderr, results);
    if (!found) {
        fprintf (stderr, "zmon: no dead letter %s\n", self->args [2]);
        return S_EXIT_PARTIAL;
    }
    char *text = json_dumps (found, self->json? JSON_COMPACT: JSON_INDENT (2));
    printf ("%s\n", text? text: "");
    free (text);
    return 0;
}

static int
s_dlq (s_options_t *self)
{
    const char *verb = self->arg_count > 1? self->args [1]: "";
    bool list = streq (verb, "list") && self->arg_count == 2;
    bool show = streq (verb, "show") && self->arg_count == 3;
    bool replay = streq (verb, "replay") && (self->arg_count == 3) != (self->all != NULL);
    if (!list && !show && !replay) {
        fprintf (stderr, "zmon: dlq list | dlq show ID | dlq replay ID|--all\n");
        return S_EXIT_USAGE;
    }
    char count [24];
    snprintf (count, sizeof count, "%" PRId64, list && self->count? self->count: 10000);
    json_t *results = sb_zmon_request_all (self->brokers, self->broker_count,
                                           replay? SB_PROTO_DLQ_REPLAY: SB_PROTO_DLQ_LIST,
                                           replay? (self->all? self->all: self->args [2]): count,
                                           self->timeout_ms);
    int code = s_results_code (results);
    s_dlq_redact (results);
    if (show)
        code = code == S_EXIT_UNAVAILABLE? code: s_dlq_show (self, results);
    else
    if (self->json)
        s_print_json (results);
    else {
        sb_zmon_render_unreachable (stdout, results);
        if (list)
            sb_zmon_render_dlq (stdout, results);
        json_int_t replayed = 0;
        for (size_t index = 0; replay && index < json_array_size (results); index++)
            replayed += json_integer_value (json_object_get (json_array_get (results, index), "reply"));
        if (replay)
            printf ("replayed %" JSON_INTEGER_FORMAT "\n", replayed);
    }
    json_decref (results);
    return code;
}

//  SIGTERM ends zmon as Ctrl-C does: the streams and the live table
//  stop at their next look, and zmon exits 0.
static void
s_on_terminate (int signal_number)
{
    (void) signal_number;
    zsys_interrupted = 1;
}

int
main (int argc, char *argv [])
{
    s_options_t options = { .timeout_ms = SB_ZMON_TIMEOUT_MS, .interval_ms = 1000 };
    int code = s_parse (&options, argc, argv);
    char err [300];
    if (code == 0 && sb_curve_client_check (err, sizeof err)) {
        fprintf (stderr, "zmon: %s\n", err);
        code = S_EXIT_CONFIG;
    }
    if (code == 0) {
        zsys_init ();
        zsys_set_logident ("zmon");
        signal (SIGTERM, s_on_terminate);
        const char *command = options.args [0];
        if (streq (command, "stats") && options.arg_count == 1)
            code = s_stats (&options);
        else
        if (streq (command, "tap") || streq (command, "sockets"))
            code = s_stream (&options, streq (command, "tap"));
        else
        if (streq (command, "trace"))
            code = s_trace (&options);
        else
        if (streq (command, "dlq"))
            code = s_dlq (&options);
        else {
            fprintf (stderr, "zmon: unknown command '%s' (try --help)\n", command);
            code = S_EXIT_USAGE;
        }
    }
    zconfig_destroy (&options.config);
    free (options.config_brokers);
    return code < 0? 0: code;
}
