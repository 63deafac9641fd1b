/*  sb_monitor.h — a process's ZeroMQ socket events, published for tools
    (bin/zmon): ZeroMQ's socket monitor (zmq_socket_monitor) on each socket
    it is given, read on a thread of its own and republished on an XPUB
    endpoint, one msgpack map per event (docs/protocol.md, "Socket
    events"):

        {source, socket, seq, at_ms, event, value, endpoint, peer, reason}

    event is connected, accepted, disconnected, handshake_failed (reason:
    why), closed, listening, ... ; peer the remote address of the
    connection where there is one. seq counts this process's events from 1.
    The last SB_MONITOR_HISTORY events are sent again whenever a subscriber
    joins, so a tool that connects late still sees how things started (it
    drops what it has seen by seq).                                        */

#ifndef SB_MONITOR_H_INCLUDED
#define SB_MONITOR_H_INCLUDED

#include "sb_classes.h"
#include "sb_curve.h"

#define SB_MONITOR_HISTORY 64

typedef struct _sb_monitor_t sb_monitor_t;

//  Binds an XPUB socket at endpoint (tcp://, ipc://; a port of * is
//  chosen) on a thread of its own; source names this process in every
//  event ("broker broker-a", "echo e1"). curve, when not NULL, makes the
//  XPUB a CURVE server (sb_curve.h; the caller keeps it, and destroys it
//  after the monitor). Returns NULL with the reason in err.
sb_monitor_t *sb_monitor_new (const char *endpoint, const char *source,
                              sb_curve_server_t *curve, char *err, size_t errlen);

//  Stops the thread and closes its sockets; NULLs the caller's pointer.
//  Safe on NULL. Destroy it after the sockets it watches.
void sb_monitor_destroy (sb_monitor_t **self_p);

//  The endpoint bound (borrowed).
const char *sb_monitor_endpoint (sb_monitor_t *self);

//  Publishes the events of socket, named name in them ("router", "link
//  tcp://127.0.0.1:5555"), from now on. Call it on the socket's own thread
//  before the socket binds or connects, so that no event is missed; the
//  watch ends when the socket is closed. Returns 0, or -1 if ZeroMQ
//  refused.
int sb_monitor_watch (sb_monitor_t *self, zsock_t *socket, const char *name);

//  The name of a ZeroMQ event (ZMQ_EVENT_*) as published, and for a
//  failure its reason in words from value (an errno or a ZMTP protocol
//  error code) written into reason; "" when there is none.
const char *sb_monitor_event_name (int event);
void sb_monitor_reason (int event, int value, char *reason, size_t size);

#endif
