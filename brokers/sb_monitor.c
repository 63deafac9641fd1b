/*  sb_monitor.c — socket events republished for tools (see sb_monitor.h).

    The monitor thread owns the XPUB socket and one PAIR per watched
    socket (connected to that socket's zmq_socket_monitor endpoint). The
    caller's thread only starts a monitor on its own socket and tells the
    thread where to read it, waiting until it does.

    Thread API (the pipe): "WATCH" inproc-endpoint name -> signal 0/-1.    */

#include "sb_monitor.h"
#include "sb_curve.h"
#include "sb_proto.h"
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/un.h>

struct _sb_monitor_t {
    zactor_t *actor;
    char *endpoint;
    size_t watches;              //  for unique inproc endpoints
};

//  The thread's state.
typedef struct {
    zsock_t *pipe;
    zsock_t *xpub;
    zpoller_t *poller;
    char *source;
    zhashx_t *names;             //  PAIR pointer as text -> socket name
    zhashx_t *peers;             //  fd as text -> peer address
    zlistx_t *pairs;             //  zsock_t PAIRs (owned)
    zlistx_t *history;           //  zmsg_t, the last events (owned)
    uint64_t seq;
    bool stopped;
} s_thread_t;

//  --------------------------------------------------------------------------
//  Names and reasons

typedef struct {
    int event;
    const char *name;
} s_event_name_t;

static const s_event_name_t s_event_names [] = {
    { ZMQ_EVENT_CONNECTED, "connected" },
    { ZMQ_EVENT_CONNECT_DELAYED, "connect_delayed" },
    { ZMQ_EVENT_CONNECT_RETRIED, "connect_retried" },
    { ZMQ_EVENT_LISTENING, "listening" },
    { ZMQ_EVENT_BIND_FAILED, "bind_failed" },
    { ZMQ_EVENT_ACCEPTED, "accepted" },
    { ZMQ_EVENT_ACCEPT_FAILED, "accept_failed" },
    { ZMQ_EVENT_CLOSED, "closed" },
    { ZMQ_EVENT_CLOSE_FAILED, "close_failed" },
    { ZMQ_EVENT_DISCONNECTED, "disconnected" },
    { ZMQ_EVENT_MONITOR_STOPPED, "monitor_stopped" },
    { ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, "handshake_failed" },
    { ZMQ_EVENT_HANDSHAKE_SUCCEEDED, "handshake_succeeded" },
    { ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, "handshake_failed" },
    { ZMQ_EVENT_HANDSHAKE_FAILED_AUTH, "handshake_failed" },
};

const char *
sb_monitor_event_name (int event)
{
    for (size_t index = 0; index < sizeof s_event_names / sizeof s_event_names [0]; index++)
        if (s_event_names [index].event == event)
            return s_event_names [index].name;
    return "unknown";
}

//  ZMTP protocol errors (ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL's value).
static const char *
s_protocol_error (int value)
{
    switch (value) {
        case ZMQ_PROTOCOL_ERROR_ZMTP_UNEXPECTED_COMMAND: return "unexpected ZMTP command";
        case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_SEQUENCE: return "invalid ZMTP sequence";
        case ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE: return "ZMTP key exchange failed";
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED:
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_MESSAGE:
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_HELLO:
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_INITIATE:
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_ERROR:
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_READY:
        case ZMQ_PROTOCOL_ERROR_ZMTP_MALFORMED_COMMAND_WELCOME: return "malformed ZMTP command";
        case ZMQ_PROTOCOL_ERROR_ZMTP_INVALID_METADATA: return "invalid ZMTP metadata";
        case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC: return "cryptographic error";
        case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH: return "security mechanism mismatch";
        default: break;
    }
    if ((value & 0xff000000) == ZMQ_PROTOCOL_ERROR_ZAP_UNSPECIFIED)
        return "ZAP handler error";
    return "ZMTP protocol error (not a ZeroMQ peer?)";
}

void
sb_monitor_reason (int event, int value, char *reason, size_t size)
{
    *reason = 0;
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        snprintf (reason, size, "%s (0x%x)", s_protocol_error (value), (unsigned) value);
    else
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        snprintf (reason, size, "authentication refused (ZAP status %d)", value);
    else
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
        snprintf (reason, size, "%s", value? strerror (value): "peer went away during the handshake");
    else
    if (event == ZMQ_EVENT_BIND_FAILED || event == ZMQ_EVENT_ACCEPT_FAILED
    ||  event == ZMQ_EVENT_CLOSE_FAILED)
        snprintf (reason, size, "%s", strerror (value));
}

//  --------------------------------------------------------------------------
//  The thread

//  The remote address of a connected socket descriptor ("" if unknown).
static void
s_peer_address (int fd, char *peer, size_t size)
{
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    *peer = 0;
    if (getpeername (fd, (struct sockaddr *) &address, &length))
        return;
    char host [INET6_ADDRSTRLEN] = "";
    if (address.ss_family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *) &address;
        inet_ntop (AF_INET, &in->sin_addr, host, sizeof host);
        snprintf (peer, size, "tcp://%s:%u", host, ntohs (in->sin_port));
    }
    else
    if (address.ss_family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) &address;
        inet_ntop (AF_INET6, &in6->sin6_addr, host, sizeof host);
        snprintf (peer, size, "tcp://[%s]:%u", host, ntohs (in6->sin6_port));
    }
    else
    if (address.ss_family == AF_UNIX)
        snprintf (peer, size, "ipc peer (fd %d)", fd);
}

//  The peer of a connection event: looked up when it opens, remembered
//  until it closes.
static void
s_event_peer (s_thread_t *self, int event, int value, char *peer, size_t size)
{
    char key [16];
    snprintf (key, sizeof key, "%d", value);
    *peer = 0;
    if (event == ZMQ_EVENT_ACCEPTED || event == ZMQ_EVENT_CONNECTED) {
        s_peer_address (value, peer, size);
        zhashx_update (self->peers, key, strdup (peer));
    }
    else
    if (event == ZMQ_EVENT_DISCONNECTED || event == ZMQ_EVENT_CLOSED) {
        const char *known = (const char *) zhashx_lookup (self->peers, key);
        snprintf (peer, size, "%s", known? known: "");
        zhashx_delete (self->peers, key);
    }
}

//  Publishes one event and keeps it in the history.
static void
s_publish (s_thread_t *self, const char *socket, int event, int value, const char *endpoint)
{
    char peer [128], reason [160];
    s_event_peer (self, event, value, peer, sizeof peer);
    sb_monitor_reason (event, value, reason, sizeof reason);
    json_t *map = json_pack ("{s:s, s:s, s:I, s:I, s:s, s:i, s:s, s:s, s:s}",
        "source", self->source, "socket", socket, "seq", (json_int_t) ++self->seq,
        "at_ms", (json_int_t) zclock_time (), "event", sb_monitor_event_name (event),
        "value", value, "endpoint", endpoint, "peer", peer, "reason", reason);
    zmsg_t *msg = zmsg_new ();
    if (map && msg && sb_proto_add_json (msg, map) == 0) {
        zmsg_t *copy = zmsg_dup (msg);
        zmsg_send (&msg, self->xpub);
        if (copy)
            zlistx_add_end (self->history, copy);
        if (zlistx_size (self->history) > SB_MONITOR_HISTORY) {
            zmsg_t *oldest = (zmsg_t *) zlistx_detach (self->history, NULL);
            zmsg_destroy (&oldest);
        }
    }
    zmsg_destroy (&msg);
    json_decref (map);
}

//  Reads one event from a watched socket's PAIR: [uint16 event, uint32
//  value][endpoint]. The PAIR is dropped when its socket's monitor stops.
static void
s_on_pair (s_thread_t *self, zsock_t *pair)
{
    zmsg_t *msg = zmsg_recv (pair);
    zframe_t *head = msg? zmsg_first (msg): NULL;
    zframe_t *address = msg? zmsg_next (msg): NULL;
    char key [32];
    snprintf (key, sizeof key, "%p", (void *) pair);
    if (head && zframe_size (head) == 6 && address) {
        uint16_t event;
        uint32_t value;
        memcpy (&event, zframe_data (head), 2);
        memcpy (&value, zframe_data (head) + 2, 4);
        char endpoint [256];
        snprintf (endpoint, sizeof endpoint, "%.*s", (int) zframe_size (address),
                  (const char *) zframe_data (address));
        const char *name = (const char *) zhashx_lookup (self->names, key);
        if (event != ZMQ_EVENT_MONITOR_STOPPED)
            s_publish (self, name? name: "?", event, (int) value, endpoint);
        else {
            zpoller_remove (self->poller, pair);
            zhashx_delete (self->names, key);
            void *handle = zlistx_find (self->pairs, pair);
            if (handle)
                zlistx_delete (self->pairs, handle);
        }
    }
    zmsg_destroy (&msg);
}

//  A subscriber joined (XPUB verbose: every one): the history again.
static void
s_on_xpub (s_thread_t *self)
{
    zframe_t *frame = zframe_recv (self->xpub);
    bool subscribed = frame && zframe_size (frame) >= 1 && zframe_data (frame) [0] == 1;
    zframe_destroy (&frame);
    for (zmsg_t *msg = (zmsg_t *) zlistx_first (self->history); subscribed && msg;
         msg = (zmsg_t *) zlistx_next (self->history)) {
        zmsg_t *copy = zmsg_dup (msg);
        zmsg_send (&copy, self->xpub);
        zmsg_destroy (&copy);
    }
}

static void
s_on_pipe (s_thread_t *self)
{
    char *command = NULL, *endpoint = NULL, *name = NULL;
    if (zsock_recv (self->pipe, "sss", &command, &endpoint, &name) < 0 || !command
    ||  streq (command, "$TERM"))
        self->stopped = true;
    else
    if (streq (command, "WATCH") && endpoint && name) {
        zsock_t *pair = zsock_new_pair (endpoint);   //  a PAIR connects by default
        if (pair) {
            char key [32];
            snprintf (key, sizeof key, "%p", (void *) pair);
            zlistx_add_end (self->pairs, pair);
            zhashx_update (self->names, key, strdup (name));
            zpoller_add (self->poller, pair);
        }
        zsock_signal (self->pipe, pair? 0: 1);
    }
    zstr_free (&command);
    zstr_free (&endpoint);
    zstr_free (&name);
}

static void
s_pair_destructor (void **item)
{
    zsock_destroy ((zsock_t **) item);
}

static void
s_msg_destructor (void **item)
{
    zmsg_destroy ((zmsg_t **) item);
}

static void
s_string_destructor (void **item)
{
    zstr_free ((char **) item);
}

//  What the caller hands the thread; read only until the thread signals.
typedef struct {
    const char *endpoint;
    const char *source;
    sb_curve_server_t *curve;    //  NULL: plain
} s_args_t;

//  The thread: binds the XPUB (args: an s_args_t), says whether it could,
//  then serves the pipe, the PAIRs and the subscribers.
static void
s_thread (zsock_t *pipe, void *args_p)
{
    const s_args_t *args = (const s_args_t *) args_p;
    const char *endpoint = args->endpoint;
    s_thread_t self = { .pipe = pipe, .source = strdup (args->source) };
    self.xpub = zsock_new (ZMQ_XPUB);
    if (self.xpub && args->curve)
        sb_curve_server_apply (args->curve, self.xpub);
    self.names = zhashx_new ();
    self.peers = zhashx_new ();
    self.pairs = zlistx_new ();
    self.history = zlistx_new ();
    zhashx_set_destructor (self.names, s_string_destructor);
    zhashx_set_destructor (self.peers, s_string_destructor);
    zlistx_set_destructor (self.pairs, s_pair_destructor);
    zlistx_set_destructor (self.history, s_msg_destructor);
    if (self.xpub) {
        zsock_set_xpub_verbose (self.xpub, 1);
        zsock_set_sndhwm (self.xpub, 10000);
    }
    bool bound = self.xpub && zsock_bind (self.xpub, "%s", endpoint) >= 0;
    char *last = bound? zsock_last_endpoint (self.xpub): NULL;
    zsock_signal (pipe, 0);   //  zactor_new waits for this; then the outcome
    zsock_send (pipe, "is", bound? 0: -1, bound? last: zmq_strerror (zmq_errno ()));
    zstr_free (&last);
    self.poller = bound? zpoller_new (pipe, self.xpub, NULL): NULL;
    if (self.poller)
        zpoller_set_nonstop (self.poller, true);   //  the owner says when to stop
    while (self.poller && !self.stopped) {
        zsock_t *which = (zsock_t *) zpoller_wait (self.poller, -1);
        if (!which && zmq_errno () == ETERM)
            break;
        if (!which)
            continue;   //  a signal: the owner decides
        if (which == pipe)
            s_on_pipe (&self);
        else
        if (which == self.xpub)
            s_on_xpub (&self);
        else
            s_on_pair (&self, which);
    }
    zpoller_destroy (&self.poller);
    zlistx_destroy (&self.pairs);
    zlistx_destroy (&self.history);
    zhashx_destroy (&self.names);
    zhashx_destroy (&self.peers);
    zsock_destroy (&self.xpub);
    free (self.source);
}

//  --------------------------------------------------------------------------
//  The caller's side

sb_monitor_t *
sb_monitor_new (const char *endpoint, const char *source, sb_curve_server_t *curve, char *err,
                size_t errlen)
{
    sb_monitor_t *self = (sb_monitor_t *) calloc (1, sizeof (sb_monitor_t));
    if (!self) {
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    s_args_t args = { endpoint, source, curve };
    self->actor = zactor_new (s_thread, &args);
    int status = -1;
    char *bound = NULL;
    if (self->actor)
        zsock_recv (self->actor, "is", &status, &bound);
    if (status) {
        sb_error_set (err, errlen, "cannot bind the monitor endpoint %s: %s", endpoint,
                      bound? bound: "cannot start its thread");
        zstr_free (&bound);
        sb_monitor_destroy (&self);
        return NULL;
    }
    self->endpoint = bound;
    return self;
}

void
sb_monitor_destroy (sb_monitor_t **self_p)
{
    if (self_p && *self_p) {
        zactor_destroy (&(*self_p)->actor);
        zstr_free (&(*self_p)->endpoint);
        free (*self_p);
        *self_p = NULL;
    }
}

const char *
sb_monitor_endpoint (sb_monitor_t *self)
{
    return self->endpoint;
}

int
sb_monitor_watch (sb_monitor_t *self, zsock_t *socket, const char *name)
{
    char endpoint [64];
    snprintf (endpoint, sizeof endpoint, "inproc://sb-monitor-%p-%zu", (void *) self,
              ++self->watches);
    if (zmq_socket_monitor (zsock_resolve (socket), endpoint, ZMQ_EVENT_ALL) < 0)
        return -1;
    if (zsock_send (self->actor, "sss", "WATCH", endpoint, name) < 0)
        return -1;
    return zsock_wait (self->actor) == 0? 0: -1;
}
