/*  sb_broker_commit.c — the broker's group commit: publishes checked and
    gathered into one Redis command per round, and workers' answers (DONE
    with its outputs, RETRY, FAIL) likewise; then the replies and the
    bookkeeping once Redis has answered.                                   */

#include "sb_broker_private.h"

//  --------------------------------------------------------------------------
//  Publishing

static void
s_publish_destroy (s_publish_t **self_p)
{
    if (self_p && *self_p) {
        zframe_destroy (&(*self_p)->identity);
        zframe_destroy (&(*self_p)->envelope);
        free (*self_p);
        *self_p = NULL;
    }
}

void
sb_broker_publish_destructor (void **item)
{
    s_publish_destroy ((s_publish_t **) item);
}

void
sb_broker_reply_route_destructor (void **item)
{
    s_reply_route_t *route = (s_reply_route_t *) *item;
    if (route) {
        free (route->name);
        free (route);
        *item = NULL;
    }
}

//  Routes a reply type to the service its reply_to names (remembered, up
//  to S_MAX_REPLY_ROUTES names). Returns 0, or -1 with the reason.
static int
s_reply_route (sb_broker_t *self, const sb_envelope_view_t *view, s_publish_t *publish,
               char *err, size_t errlen)
{
    if (!view->has_reply_to || !sb_routes_reply_name_valid (view->reply_to))
        return sb_error_set (err, errlen, "type '%s' is a reply: its reply_to must name a "
                             "service reply.<name>, not '%.64s'", view->type,
                             view->has_reply_to? view->reply_to: "");
    s_reply_route_t *route = (s_reply_route_t *) zhashx_lookup (self->reply_routes,
                                                                view->reply_to);
    if (!route) {
        if (zhashx_size (self->reply_routes) >= S_MAX_REPLY_ROUTES)
            return sb_error_set (err, errlen, "too many reply services (%d)", S_MAX_REPLY_ROUTES);
        route = (s_reply_route_t *) calloc (1, sizeof (s_reply_route_t));
        if (!route || !(route->name = strdup (view->reply_to))) {
            free (route);
            return sb_error_set (err, errlen, "out of memory");
        }
        route->list [0] = route->name;
        zhashx_insert (self->reply_routes, route->name, route);
    }
    publish->services = route->list;
    publish->service_count = 1;
    return 0;
}

//  Checks one envelope from a peer (limits, header, schema: without
//  building an envelope object) and finds its route. On success fills the
//  publish; on failure writes the NACK code and reason.
static int
s_check_envelope (sb_broker_t *self, zframe_t *frame, s_publish_t *publish,
                  const char **code, char *err, size_t errlen)
{
    msgpack_object object;
    sb_envelope_view_t view;
    view.type [0] = 0;   //  stays empty when the bytes fail before the header
    int rc = sb_schemas_check_bytes (self->schemas, zframe_data (frame), zframe_size (frame),
                                     &self->config.limits, self->zone, &object, &view,
                                     err, errlen);
    //  The person it names, for finding its conversation by phone: only
    //  while the trace is on, the one reader of that index
    if (rc == 0 && self->config.trace
    &&  sb_schemas_index_value (self->schemas, view.type, view.body, publish->phone,
                                sizeof publish->phone) != 1)
        publish->phone [0] = 0;
    msgpack_zone_clear (self->zone);   //  view's strings are copied; its body unused from here
    *code = rc && *view.type && !sb_schemas_has (self->schemas, view.type)
          ? "unknown-type": "invalid";
    if (rc)
        return -1;
    if (sb_routes_is_reply (self->routes, view.type)) {
        if (s_reply_route (self, &view, publish, err, errlen))
            return -1;
    }
    else
        publish->services = sb_routes_lookup (self->routes, view.type, &publish->service_count);
    if (!publish->services) {
        *code = "unknown-type";
        return sb_error_set (err, errlen, "type '%s' is routed to no service", view.type);
    }
    memcpy (publish->key, view.key, sizeof publish->key);
    memcpy (publish->id, view.id, sizeof publish->id);
    memcpy (publish->corr, view.corr, sizeof publish->corr);
    memcpy (publish->type, view.type, sizeof publish->type);
    memcpy (publish->tenant, view.tenant, sizeof publish->tenant);
    publish->due_ms = view.not_before_ms;
    return 0;
}

void
sb_broker_on_publish (sb_broker_t *self, zframe_t *identity, zmsg_t *args)
{
    char token [SB_PROTO_TOKEN_MAX + 1];
    if (sb_proto_pop_string (args, token, sizeof token) || zmsg_size (args) != 1) {
        self->malformed++;
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR,
                        "PUBLISH needs a token (<= 64 bytes) and one envelope frame", NULL, NULL);
        return;
    }
    zframe_t *envelope = zmsg_pop (args);
    sb_broker_publish_envelope (self, identity, token, &envelope);
}

void
sb_broker_publish_envelope (sb_broker_t *self, zframe_t *identity, const char *token,
                            zframe_t **envelope_p)
{
    s_publish_t *publish = (s_publish_t *) calloc (1, sizeof (s_publish_t));
    if (!publish) {
        zframe_destroy (envelope_p);
        return;   //  no reply: the publisher's time-out tells it
    }
    snprintf (publish->token, sizeof publish->token, "%s", token);
    publish->envelope = *envelope_p;
    *envelope_p = NULL;
    const char *code;
    char err [512];
    if (s_check_envelope (self, publish->envelope, publish, &code, err, sizeof err)) {
        sb_broker_nack (self, identity, publish->token, code, err);
        s_publish_destroy (&publish);
        return;
    }
    publish->identity = zframe_dup (identity);
    zlistx_add_end (self->publishes, publish);
}

//  Taps a stored envelope: "published" to its services (space-separated).
static void
s_tap_published (sb_broker_t *self, const char *const *services, size_t count,
                 const void *envelope, size_t size)
{
    if (!self->tap)
        return;
    char names [512] = "";
    size_t used = 0;
    for (size_t index = 0; index < count && used < sizeof names; index++)
        used += (size_t) snprintf (names + used, sizeof names - used, "%s%s",
                                   index? " ": "", services [index]);
    sb_broker_tap (self, "published", names, 0, "", envelope, size);
}

//  Marks the services of a route as having work waiting.
static void
s_mark_dirty (sb_broker_t *self, const char *const *services, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        s_service_t *service = (s_service_t *) zhashx_lookup (self->services, services [index]);
        if (service)
            service->dirty = true;
    }
}

void
sb_broker_storage_failed (sb_broker_t *self, const char *what)
{
    if (self->storage_ok)
        zsys_error ("broker: storage down (%s): %s", what, sb_store_error (self->store));
    self->storage_ok = false;
    snprintf (self->storage_error, sizeof self->storage_error, "%s", sb_store_error (self->store));
}

//  The round's group commit, first half: every publish of the round in one
//  Redis command, queued in the round's pipeline. The arrays live in the
//  broker until the replies are read.
void
sb_broker_queue_publishes (sb_broker_t *self, s_round_t *round)
{
    //  The round takes what has arrived; what arrives meanwhile waits for
    //  the next one
    zlistx_t *swap = round->sending;
    round->sending = self->publishes;
    self->publishes = swap;
    size_t count = zlistx_size (round->sending);
    if (count == 0)
        return;
    round->puts = (sb_store_put_t *) calloc (count, sizeof (sb_store_put_t));
    round->put_results = (sb_store_put_result_t *) calloc (count, sizeof (sb_store_put_result_t));
    if (!round->puts || !round->put_results)
        return;   //  all NACKed as storage failures in sb_broker_reply_publishes
    size_t index = 0;
    for (s_publish_t *publish = (s_publish_t *) zlistx_first (round->sending); publish;
         publish = (s_publish_t *) zlistx_next (round->sending), index++) {
        round->puts [index] = (sb_store_put_t) { publish->key, publish->id,
            zframe_data (publish->envelope), zframe_size (publish->envelope),
            publish->due_ms, publish->services, publish->service_count, publish->corr,
            publish->type, publish->phone, publish->tenant };
        //  The round's fetches follow this script in the same pipeline, so
        //  they see what it stores: a message is delivered one round trip
        //  after its publish, not two
        s_mark_dirty (self, publish->services, publish->service_count);
    }
    sb_store_publish (self->store, round->puts, count, zclock_time (),
                      self->config.dedup_window_ms, self->config.max_backlog, round->put_results);
}

//  Once Redis answered: sets the round's publishes aside with their
//  results, so that the next round can be sent before they are replied
//  to (Redis works on it meanwhile).
void
sb_broker_settle_publishes (sb_broker_t *self, s_round_t *round)
{
    zlistx_t *swap = self->replying;
    self->replying = round->sending;
    round->sending = swap;
    self->reply_results = round->put_results;
    round->put_results = NULL;
    free (round->puts);
    round->puts = NULL;
}

//  Second half: every reply of the settled round. Their services were
//  marked as having work when the round was queued (its fetches saw it).
void
sb_broker_reply_publishes (sb_broker_t *self)
{
    size_t index = 0;
    for (s_publish_t *publish = (s_publish_t *) zlistx_first (self->replying); publish;
         publish = (s_publish_t *) zlistx_next (self->replying), index++) {
        sb_store_put_result_t *result = self->reply_results? &self->reply_results [index]: NULL;
        if (!result || result->status == SB_STORE_FAILED)
            sb_broker_nack (self, publish->identity, publish->token, "storage", self->storage_error);
        else
        if (result->status == SB_STORE_DUPLICATE) {
            self->duplicates++;
            sb_broker_send_strings (self, publish->identity, SB_PROTO_DUP, publish->token,
                            result->first_id, NULL);
        }
        else
        if (result->status == SB_STORE_OVER_CAPACITY)
            sb_broker_nack (self, publish->identity, publish->token, "over-capacity",
                    "the broker's backlog bound is reached: try again later");
        else {
            self->published++;
            s_tap_published (self, publish->services, publish->service_count,
                             zframe_data (publish->envelope), zframe_size (publish->envelope));
            sb_broker_send_strings (self, publish->identity, SB_PROTO_ACK, publish->token,
                            publish->id, NULL);
        }
    }
    free (self->reply_results);
    self->reply_results = NULL;
    zlistx_purge (self->replying);
}

//  --------------------------------------------------------------------------
//  Answers

static void
s_answer_destroy (s_answer_t **self_p)
{
    if (self_p && *self_p) {
        s_answer_t *self = *self_p;
        zmsg_destroy (&self->outputs);
        free (self->puts);
        free (self->heads);
        free (self);
        *self_p = NULL;
    }
}

void
sb_broker_answer_destructor (void **item)
{
    s_answer_destroy ((s_answer_t **) item);
}

uint32_t
sb_broker_attempts (const s_delivery_t *delivery)
{
    return delivery->msg->base_attempts + delivery->msg->delivery_count;
}

//  Queues the answer for a delivery. A retry past the service's attempts
//  becomes a dead letter; delay_ms < 0 means the service's back-off.
void
sb_broker_answer_queue (sb_broker_t *self, s_delivery_t *delivery, sb_store_kind_t kind,
                const char *reason, int64_t delay_ms)
{
    s_answer_t *answer = (s_answer_t *) calloc (1, sizeof (s_answer_t));
    if (!answer)
        return;   //  the delivery stays held; its lease expires and retries it
    const sb_policy_t *policy = delivery->service->policy;
    uint32_t attempts = sb_broker_attempts (delivery);
    answer->delivery = delivery;
    answer->kind = kind;
    answer->attempts = attempts;
    //  A DONE has no reason to store: no printf per message for nothing
    if (kind != SB_STORE_DONE)
        snprintf (answer->reason, sizeof answer->reason, "attempt %u: %s", attempts, reason);
    if (kind == SB_STORE_RETRY && attempts >= policy->max_attempts) {
        answer->kind = SB_STORE_FAIL;
        snprintf (answer->reason, sizeof answer->reason,
                  "attempt %u: %s (attempts exhausted: %u of %u)", attempts, reason,
                  attempts, policy->max_attempts);
    }
    if (answer->kind == SB_STORE_RETRY) {
        if (delay_ms < 0)
            delay_ms = sb_policy_delay (policy, attempts, (double) randof (10000) / 10000.0);
        answer->due_ms = zclock_time () + delay_ms;
    }
    delivery->committing = true;
    zlistx_add_end (self->answers, answer);
}

//  Detaches a delivery from its worker, giving the worker its credit back.
void
sb_broker_release (s_delivery_t *delivery)
{
    s_worker_t *worker = delivery->worker;
    if (!worker)
        return;
    if (delivery->in_worker)
        zlistx_detach (worker->deliveries, delivery->in_worker);
    delivery->in_worker = NULL;
    delivery->worker = NULL;
    worker->credit++;
    sb_broker_worker_requeue (worker);
}

//  Checks the outputs of a DONE and prepares them for the store. Returns
//  0, or -1 with the reason (the DONE is then a FAIL).
static int
s_prepare_outputs (sb_broker_t *self, s_answer_t *answer, char *err, size_t errlen)
{
    size_t count = zmsg_size (answer->outputs);
    answer->puts = (sb_store_put_t *) calloc (count + 1, sizeof (sb_store_put_t));
    answer->heads = (s_publish_t *) calloc (count + 1, sizeof (s_publish_t));
    if (!answer->puts || !answer->heads)
        return sb_error_set (err, errlen, "out of memory");
    size_t index = 0;
    for (zframe_t *frame = zmsg_first (answer->outputs); frame;
         frame = zmsg_next (answer->outputs), index++) {
        s_publish_t *head = &answer->heads [index];
        const char *code;
        char reason [400];
        if (s_check_envelope (self, frame, head, &code, reason, sizeof reason))
            return sb_error_set (err, errlen, "output %zu refused (%s): %s", index, code, reason);
        answer->puts [index] = (sb_store_put_t) { head->key, head->id,
            zframe_data (frame), zframe_size (frame), head->due_ms,
            head->services, head->service_count, head->corr, head->type, head->phone,
            head->tenant };
    }
    answer->put_count = count;
    return 0;
}

//  The delivery an answer names (handle NULL: it named none, malformed),
//  or NULL with the error sent or the stale answer logged.
static s_delivery_t *
s_delivery_for (sb_broker_t *self, s_worker_t *worker, zframe_t *identity, const char *handle,
                const char *command)
{
    if (!worker) {
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, "say HELLO first", NULL, NULL);
        return NULL;
    }
    if (!handle) {
        self->malformed++;
        sb_broker_send_strings (self, identity, SB_PROTO_ERROR, "missing delivery handle", NULL, NULL);
        return NULL;
    }
    s_delivery_t *delivery = (s_delivery_t *) zhashx_lookup (self->deliveries, handle);
    if (!delivery || delivery->worker != worker || delivery->committing) {
        //  Fenced: this attempt's lease was given to another, or the
        //  answer came twice. The message is not completed again.
        zsys_warning ("broker: stale %s for %s from %s/%s ignored", command, handle,
                      worker->service->name, worker->instance);
        return NULL;
    }
    return delivery;
}

//  An answer: args holds what follows the handle (NULL: nothing).
static void
s_answer (sb_broker_t *self, s_worker_t *worker, zframe_t *identity, const char *handle,
          zmsg_t *args, const char *command)
{
    s_delivery_t *delivery = s_delivery_for (self, worker, identity, handle, command);
    if (!delivery)
        return;
    s_service_t *service = delivery->service;
    sb_hist_record (&service->latency, zclock_usecs () - delivery->sent_us);
    sb_broker_release (delivery);
    if (streq (command, SB_PROTO_DONE)) {
        sb_broker_answer_queue (self, delivery, SB_STORE_DONE, "done", 0);
        s_answer_t *answer = (s_answer_t *) zlistx_last (self->answers);
        if (!answer || answer->delivery != delivery)
            return;
        answer->outputs = args? zmsg_dup (args): zmsg_new ();
        char err [512];
        if (s_prepare_outputs (self, answer, err, sizeof err)) {
            answer->kind = SB_STORE_FAIL;
            snprintf (answer->reason, sizeof answer->reason, "attempt %u: %.480s",
                      answer->attempts, err);
            zsys_warning ("broker: %s: %s", delivery->handle, err);
        }
        return;
    }
    uint64_t delay = 0;
    char reason [400] = "no reason given";
    if (streq (command, SB_PROTO_RETRY)
    &&  (!args || sb_proto_pop_number (args, &delay) || delay > 864e5)) {
        self->malformed++;
        delay = 0;
    }
    if (args && zmsg_size (args))
        sb_proto_pop_string (args, reason, sizeof reason);
    if (streq (command, SB_PROTO_RETRY))
        sb_broker_answer_queue (self, delivery, SB_STORE_RETRY, reason, delay? (int64_t) delay: -1);
    else
        sb_broker_answer_queue (self, delivery, SB_STORE_FAIL, reason, 0);
}

void
sb_broker_on_answer (sb_broker_t *self, s_worker_t *worker, zframe_t *identity, zmsg_t *args,
                     const char *command)
{
    char handle [SB_PROTO_HANDLE_MAX];
    bool named = sb_proto_pop_string (args, handle, sizeof handle) == 0;
    s_answer (self, worker, identity, named? handle: NULL, args, command);
}

void
sb_broker_on_done (sb_broker_t *self, s_worker_t *worker, zframe_t *identity,
                   const char *handle)
{
    s_answer (self, worker, identity, handle, NULL, SB_PROTO_DONE);
}

//  Counts what an applied answer did, and lets go of its delivery.
static void
s_answer_applied (sb_broker_t *self, s_answer_t *answer, bool applied)
{
    s_delivery_t *delivery = answer->delivery;
    s_service_t *service = delivery->service;
    if (applied)
        sb_broker_tap (self, answer->kind == SB_STORE_DONE? "done"
                           : answer->kind == SB_STORE_RETRY? "retry": "dead",
                       service->name, answer->attempts,
                       answer->kind == SB_STORE_DONE? "": answer->reason,
                       delivery->msg->envelope, delivery->msg->size);
    if (!applied)
        zsys_warning ("broker: %s was taken over (lease expired or another broker "
                      "reclaimed it): answer dropped", delivery->handle);
    else
    if (answer->kind == SB_STORE_DONE) {
        service->completed++;
        //  Its outputs' services were marked when the answer was queued:
        //  the round's fetches came after the script (sb_broker_queue_answers)
        for (size_t index = 0; index < answer->put_count; index++) {
            const sb_store_put_t *put = &answer->puts [index];
            s_tap_published (self, put->services, put->service_count, put->envelope, put->size);
        }
    }
    else
    if (answer->kind == SB_STORE_RETRY) {
        service->retried++;
        if (answer->due_ms < self->next_due_ms)
            self->next_due_ms = answer->due_ms;
    }
    else {
        service->dead++;
        zsys_warning ("broker: %s dead-lettered: %s", delivery->handle, answer->reason);
    }
    service->in_flight--;
    zhashx_delete (self->deliveries, delivery->handle);
}

//  Queues the waiting answers as one Redis command in the round's pipeline
//  (the round takes them: what arrives meanwhile waits for the next one).
void
sb_broker_queue_answers (sb_broker_t *self, s_round_t *round)
{
    zlistx_t *swap = round->answers;
    round->answers = self->answers;
    self->answers = swap;
    size_t count = zlistx_size (round->answers);
    if (count == 0)
        return;
    round->ops = (sb_store_op_t *) calloc (count, sizeof (sb_store_op_t));
    round->outcomes = (sb_store_status_t *) calloc (count, sizeof (sb_store_status_t));
    if (!round->ops || !round->outcomes)
        return;   //  outcomes stay FAILED: tried again next round
    size_t index = 0;
    for (s_answer_t *answer = (s_answer_t *) zlistx_first (round->answers); answer;
         answer = (s_answer_t *) zlistx_next (round->answers), index++) {
        sb_store_msg_t *msg = answer->delivery->msg;
        s_service_t *service = answer->delivery->service;
        round->ops [index] = (sb_store_op_t) { answer->kind, service->name,
            msg->stream_id, msg->delivery_count, msg->envelope_id,
            answer->puts, answer->put_count, answer->due_ms, answer->attempts,
            answer->reason, msg->envelope, msg->size, answer->delivery->corr,
            answer->delivery->type, answer->delivery->sent_ms, msg->fetched, msg->claims };
        //  The outputs too: fetched in this round, after the script
        for (size_t put = 0; put < answer->put_count; put++)
            s_mark_dirty (self, answer->puts [put].services, answer->puts [put].service_count);
    }
    sb_store_complete (self->store, round->ops, count, zclock_time (),
                       self->config.dedup_window_ms, round->outcomes);
}

//  Once Redis answered: applied and fenced answers are done with; those
//  Redis did not answer go back to wait for the next round (their
//  deliveries are still held).
void
sb_broker_finish_answers (sb_broker_t *self, s_round_t *round)
{
    size_t index = 0;
    s_answer_t *answer;
    while ((answer = (s_answer_t *) zlistx_detach (round->answers, NULL))) {
        sb_store_status_t outcome = round->outcomes? round->outcomes [index]: SB_STORE_FAILED;
        if (outcome == SB_STORE_FAILED) {
            //  Redis may have applied it before the reply was lost: sent
            //  again, the fence must look the entry up, not trust the fetch
            answer->delivery->msg->fetched = false;
            zlistx_add_end (self->answers, answer);
        }
        else {
            s_answer_applied (self, answer, outcome == SB_STORE_APPLIED);
            s_answer_destroy (&answer);
        }
        index++;
    }
    free (round->ops);
    free (round->outcomes);
    round->ops = NULL;
    round->outcomes = NULL;
}
