/*  sb_replies.h — answers that come back to a waiting HTTP request (the
    workspace save): this ingress instance is the worker of its own reply
    service, reply.<instance>, on the broker. A request registers what it
    waits for (the corr of what it publishes) with a deadline, parks, and
    is woken when the reply is delivered or the deadline passes.

    The link runs on its own thread: HELLO, heartbeats both ways, DONE for
    every delivery (a late reply, its requester gone, is logged and
    acknowledged: nobody can use it), reconnect after a silent broker.

    Waiters are shared by the HTTP threads and the link thread; wake is
    called on the link thread, under the registry's lock, exactly once for
    a parked waiter (libmicrohttpd's resume).                              */

#ifndef SB_REPLIES_H_INCLUDED
#define SB_REPLIES_H_INCLUDED

#include "sb_classes.h"

typedef struct _sb_replies_t sb_replies_t;
typedef struct _sb_waiter_t sb_waiter_t;
typedef void (sb_replies_fn) (void *arg);

//  Starts the link to broker as service `service` (reply.<name>).
//  Returns NULL with the reason in err.
sb_replies_t *sb_replies_new (const char *broker, const char *service, const char *instance,
                              char *err, size_t errlen);

//  Stops the link and ends every wait (outcome gone), waking the parked
//  ones; later waits end at once. Call it before stopping the HTTP server,
//  which must still take the woken requests, then destroy.
void sb_replies_stop (sb_replies_t *self);

//  Frees everything (stops first if not yet stopped).
void sb_replies_destroy (sb_replies_t **self_p);

//  True once the broker has welcomed the link (replies can arrive).
bool sb_replies_ready (sb_replies_t *self);

//  Registers a wait for the reply whose corr is corr, until deadline_ms
//  (wall clock). wake(arg) resumes the parked request. Returns the waiter
//  (owned by the registry until sb_replies_take), or NULL if corr is
//  already awaited.
sb_waiter_t *sb_replies_expect (sb_replies_t *self, const char *corr, int64_t deadline_ms,
                                sb_replies_fn *wake, void *arg);

//  Parks the request: calls park(arg) (libmicrohttpd's suspend) under the
//  lock unless the waiter is already answered. Returns true if parked
//  (wake follows), false if the outcome is there already.
bool sb_replies_park (sb_replies_t *self, sb_waiter_t *waiter, sb_replies_fn *park, void *arg);

//  What happened to a wait.
typedef enum {
    SB_REPLIES_PENDING,          //  not yet
    SB_REPLIES_ANSWERED,         //  the reply is there
    SB_REPLIES_TIMED_OUT,        //  the deadline passed first
    SB_REPLIES_GONE              //  the link is shutting down
} sb_replies_outcome_t;

sb_replies_outcome_t sb_replies_outcome (sb_replies_t *self, sb_waiter_t *waiter);

//  Ends the wait: removes the waiter and returns the reply's body (caller
//  owns; NULL unless answered). Safe whatever the outcome.
json_t *sb_replies_take (sb_replies_t *self, sb_waiter_t **waiter_p);

#endif
