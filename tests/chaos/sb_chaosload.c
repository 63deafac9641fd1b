/*  sb_chaosload.c — signed webhooks at a steady rate, and what they
    produced (sb_chaosload.h). libcurl's handles belong to the load's
    thread; the ledger is the thread's until it has stopped.               */

#include "sb_chaosload.h"
#include "sb_chaosfleet.h"
#include "sb_testhttp.h"
#include "sb_testtwilio.h"
#include <curl/curl.h>

#define S_TENANT     "demo"
#define S_HTTP_MS    5000           //  a webhook's POST (ingress answers within 2 publish-timeouts)
#define S_LOOP_MS    5              //  the longest the thread waits for curl
#define S_REPLY_MS   1000           //  for the thread to answer a command

//  What the webhooks ask, in turn; the last logs hours
static const char *s_texts [] = { "how many hours this week?", "what am I missing?",
                                  "log 2 hours on Internal yesterday" };
#define S_TEXTS      (sizeof s_texts / sizeof s_texts [0])
#define S_LOGS(index) ((index) % S_TEXTS == S_TEXTS - 1)

//  One request on the wire.
typedef struct {
    CURL *easy;
    struct curl_slist *headers;
    char body [SB_TESTTWILIO_BODY_MAX];
    sb_testhttp_answer_t answer;    //  its body
    size_t webhook;                 //  the ledger's index
    bool busy;
} s_slot_t;

struct _sb_chaosload_t {
    sb_chaosload_options_t options;
    zactor_t *actor;
    sb_chaosload_webhook_t *ledger;     //  the thread's until stopped
    size_t count;                       //  webhooks made so far
    sb_chaosload_counts_t counts;       //  the thread's
    char url [SB_TESTTWILIO_URL_MAX];
    CURLM *multi;                       //  the thread's, and the slots
    s_slot_t slots [SB_CHAOSLOAD_SLOTS_MAX];
};

//  --------------------------------------------------------------------------
//  Employees

void
sb_chaosload_phone (size_t index, char phone [SB_CHAOSLOAD_PHONE_SIZE])
{
    snprintf (phone, SB_CHAOSLOAD_PHONE_SIZE, "+1666%07zu", index % 10000000);
}

//  The employee's name, as replies address them.
static void
s_name (size_t index, char name [16])
{
    snprintf (name, 16, "Chaos%07zu", index % 10000000);
}

//  The employee's id in the directory.
static void
s_id (size_t index, char id [16])
{
    snprintf (id, 16, "C%07zu", index % 10000000);
}

int
sb_chaosload_register (redisContext *redis, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        char phone [SB_CHAOSLOAD_PHONE_SIZE], name [16], id [16];
        sb_chaosload_phone (index, phone);
        s_name (index, name);
        s_id (index, id);
        redisAppendCommand (redis, "SET sb:dir:" S_TENANT ":phone:%s %s", phone, id);
        redisAppendCommand (redis, "HSET sb:emp:" S_TENANT ":%s name %s phone %s", id, name,
                            phone);
    }
    for (size_t index = 0; index < 2 * count; index++) {
        redisReply *reply = NULL;
        if (redisGetReply (redis, (void **) &reply) != REDIS_OK || !reply
        ||  reply->type == REDIS_REPLY_ERROR) {
            fprintf (stderr, "sb_chaosload: registering employees: %s\n",
                     reply? reply->str: redis->errstr);
            freeReplyObject (reply);
            return -1;
        }
        freeReplyObject (reply);
    }
    return 0;
}

//  --------------------------------------------------------------------------
//  Posting (the load's thread)

//  Prepares slot to post webhook index, signed as Twilio signs it. Returns
//  0, or -1 if it could not be made.
static int
s_prepare (sb_chaosload_t *self, s_slot_t *slot, size_t index)
{
    sb_chaosload_webhook_t *webhook = &self->ledger [index];
    char phone [SB_CHAOSLOAD_PHONE_SIZE], signature [SB_TWILIO_SIGNATURE_SIZE], header [128];
    sb_chaosload_phone (index, phone);
    sb_testtwilio_params_t params;
    sb_testtwilio_sms (&params, webhook->sid, SB_CHAOSFLEET_ACCOUNT, phone,
                       SB_CHAOSFLEET_TENANT_NUMBER, s_texts [index % S_TEXTS]);
    if (sb_testtwilio_body (&params, slot->body, sizeof slot->body)
    ||  sb_testtwilio_sign (SB_CHAOSFLEET_TOKEN, self->url, slot->body, signature))
        return -1;
    snprintf (header, sizeof header, "X-Twilio-Signature: %s", signature);
    curl_slist_free_all (slot->headers);
    slot->headers = curl_slist_append (NULL, "Content-Type: application/x-www-form-urlencoded");
    slot->headers = curl_slist_append (slot->headers, "Expect:");
    slot->headers = curl_slist_append (slot->headers, header);
    curl_easy_setopt (slot->easy, CURLOPT_HTTPHEADER, slot->headers);
    curl_easy_setopt (slot->easy, CURLOPT_POSTFIELDS, slot->body);
    memset (&slot->answer, 0, sizeof slot->answer);
    slot->webhook = index;
    return 0;
}

//  Posts webhook index on a free slot. Returns false if every slot is busy.
static bool
s_post (sb_chaosload_t *self, size_t index)
{
    s_slot_t *slot = NULL;
    for (int at = 0; at < self->options.connections && !slot; at++)
        if (!self->slots [at].busy)
            slot = &self->slots [at];
    if (!slot)
        return false;
    sb_chaosload_webhook_t *webhook = &self->ledger [index];
    webhook->posts++;
    webhook->due_ms = 0;
    self->counts.posts++;
    if (s_prepare (self, slot, index)) {
        webhook->refusals++;
        snprintf (webhook->reason, sizeof webhook->reason, "the test could not sign it");
        return true;
    }
    slot->busy = true;
    self->counts.in_flight++;
    curl_multi_add_handle (self->multi, slot->easy);
    return true;
}

//  Notes the answer of slot's post (rc curl's result, status its HTTP
//  status), and plans the webhook's next post if it was refused.
static void
s_answered (sb_chaosload_t *self, s_slot_t *slot, CURLcode rc, long status)
{
    sb_chaosload_webhook_t *webhook = &self->ledger [slot->webhook];
    webhook->status = rc == CURLE_OK? status: 0;
    if (webhook->status == 200) {
        self->counts.accepted += !webhook->accepted;
        webhook->accepted = true;
        return;
    }
    bool bound = webhook->status == 503 && strstr (slot->answer.body, "over-capacity");
    webhook->refusals++;
    webhook->over_capacity |= bound;
    webhook->unsure |= !bound;
    self->counts.refusals++;
    self->counts.over_capacity += bound;
    snprintf (webhook->reason, sizeof webhook->reason, "%.*s", (int) sizeof webhook->reason - 1,
              rc == CURLE_OK? slot->answer.body: curl_easy_strerror (rc));
    size_t end = strlen (webhook->reason);
    while (end && isspace ((unsigned char) webhook->reason [end - 1]))
        webhook->reason [--end] = 0;
    if (self->options.retry_ms > 0 && webhook->posts < self->options.max_posts
    &&  !webhook->accepted)
        webhook->due_ms = zclock_mono () + self->options.retry_ms;
}

//  Lets curl work for at most S_LOOP_MS, then takes the answers that came.
static void
s_run_curl (sb_chaosload_t *self)
{
    int running = 0, left = 0;
    curl_multi_perform (self->multi, &running);
    curl_multi_poll (self->multi, NULL, 0, S_LOOP_MS, NULL);
    curl_multi_perform (self->multi, &running);
    for (CURLMsg *message; (message = curl_multi_info_read (self->multi, &left));) {
        if (message->msg != CURLMSG_DONE)
            continue;
        s_slot_t *slot = NULL;
        long status = 0;
        CURLcode rc = message->data.result;
        curl_easy_getinfo (message->easy_handle, CURLINFO_PRIVATE, (char **) &slot);
        curl_easy_getinfo (message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle (self->multi, message->easy_handle);
        s_answered (self, slot, rc, status);
        slot->busy = false;
        self->counts.in_flight--;
    }
}

//  Posts the webhooks that are due: new ones on the rate's schedule from
//  started (unless stopping), and refused ones whose retry is due. Returns
//  how many webhooks are still waiting for a post or an answer.
static size_t
s_post_due (sb_chaosload_t *self, int64_t started, bool stopping)
{
    int64_t now = zclock_mono ();
    while (!stopping && self->count < self->options.capacity
       &&  started + (int64_t) (self->count * 1000.0 / self->options.rate) <= now) {
        sb_chaosload_webhook_t *webhook = &self->ledger [self->count];
        snprintf (webhook->sid, sizeof webhook->sid, "SM%08x%08x%016zx", (unsigned) getpid (),
                  (unsigned) started, self->count);
        webhook->due_ms = now;
        self->count++;
        self->counts.webhooks++;
    }
    size_t waiting = 0;
    bool room = true;           //  until every slot is busy: then the rest wait
    for (size_t index = 0; index < self->count; index++) {
        sb_chaosload_webhook_t *webhook = &self->ledger [index];
        if (room && webhook->due_ms && webhook->due_ms <= now)
            room = s_post (self, index);
        waiting += webhook->due_ms != 0;
    }
    return waiting + self->counts.in_flight;
}

//  Answers one command from the pipe: COUNTS, STOP, $TERM. Returns false
//  on $TERM; sets *stopping on STOP.
static bool
s_command (sb_chaosload_t *self, zsock_t *pipe, bool *stopping)
{
    char *command = zstr_recv (pipe);
    bool alive = command && !streq (command, "$TERM");
    if (command && streq (command, "COUNTS"))
        zsock_send (pipe, "b", &self->counts, sizeof self->counts);
    if (command && streq (command, "STOP"))
        *stopping = true;
    zstr_free (&command);
    return alive;
}

//  The load's thread: posts until $TERM; after STOP, only retries, then
//  says STOPPED once every webhook is settled.
static void
s_actor (zsock_t *pipe, void *args)
{
    sb_chaosload_t *self = (sb_chaosload_t *) args;
    zpoller_t *poller = zpoller_new (pipe, NULL);
    zsock_signal (pipe, 0);
    int64_t started = zclock_mono ();
    bool alive = true, stopping = false, said = false;
    while (alive) {
        if (zpoller_wait (poller, 0))
            alive = s_command (self, pipe, &stopping);
        size_t waiting = s_post_due (self, started, stopping);
        if (stopping && !said && waiting == 0) {
            zstr_send (pipe, "STOPPED");
            said = true;
        }
        s_run_curl (self);
    }
    zpoller_destroy (&poller);
}

//  --------------------------------------------------------------------------
//  The load

sb_chaosload_t *
sb_chaosload_new (const sb_chaosload_options_t *options)
{
    sb_chaosload_t *self = (sb_chaosload_t *) calloc (1, sizeof (sb_chaosload_t));
    if (!self)
        return NULL;
    self->options = *options;
    if (self->options.connections > SB_CHAOSLOAD_SLOTS_MAX || self->options.connections < 1)
        self->options.connections = SB_CHAOSLOAD_SLOTS_MAX;
    sb_testtwilio_url (options->port, "/webhook/sms", self->url, sizeof self->url);
    self->ledger = (sb_chaosload_webhook_t *) calloc (options->capacity + 1,
                                                      sizeof (sb_chaosload_webhook_t));
    self->multi = curl_multi_init ();
    bool made = self->ledger && self->multi && options->rate > 0;
    for (int index = 0; made && index < self->options.connections; index++) {
        s_slot_t *slot = &self->slots [index];
        slot->easy = curl_easy_init ();
        made = slot->easy != NULL;
        if (!made)
            break;
        curl_easy_setopt (slot->easy, CURLOPT_URL, self->url);
        curl_easy_setopt (slot->easy, CURLOPT_TIMEOUT_MS, (long) S_HTTP_MS);
        curl_easy_setopt (slot->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt (slot->easy, CURLOPT_WRITEFUNCTION, sb_testhttp_keep_body);
        curl_easy_setopt (slot->easy, CURLOPT_WRITEDATA, &slot->answer);
        curl_easy_setopt (slot->easy, CURLOPT_PRIVATE, slot);
    }
    if (made)
        self->actor = zactor_new (s_actor, self);
    if (!self->actor) {
        fprintf (stderr, "sb_chaosload: cannot start the load\n");
        sb_chaosload_destroy (&self);
    }
    return self;
}

void
sb_chaosload_destroy (sb_chaosload_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_chaosload_t *self = *self_p;
    zactor_destroy (&self->actor);
    for (int index = 0; index < SB_CHAOSLOAD_SLOTS_MAX; index++) {
        if (self->slots [index].easy && self->multi)
            curl_multi_remove_handle (self->multi, self->slots [index].easy);
        curl_easy_cleanup (self->slots [index].easy);
        curl_slist_free_all (self->slots [index].headers);
    }
    if (self->multi)
        curl_multi_cleanup (self->multi);
    free (self->ledger);
    free (self);
    *self_p = NULL;
}

int
sb_chaosload_counts (sb_chaosload_t *self, sb_chaosload_counts_t *counts)
{
    zsock_set_rcvtimeo (self->actor, S_REPLY_MS);
    zstr_send (self->actor, "COUNTS");
    zframe_t *frame = zframe_recv (self->actor);
    bool got = frame && zframe_size (frame) == sizeof *counts;
    if (got)
        memcpy (counts, zframe_data (frame), sizeof *counts);
    zframe_destroy (&frame);
    return got? 0: -1;
}

int
sb_chaosload_stop (sb_chaosload_t *self, int timeout_ms)
{
    zsock_set_rcvtimeo (self->actor, timeout_ms);
    zstr_send (self->actor, "STOP");
    char *answer = zstr_recv (self->actor);
    bool stopped = answer && streq (answer, "STOPPED");
    zstr_free (&answer);
    if (!stopped)
        fprintf (stderr, "sb_chaosload: webhooks still unsettled after %d ms\n", timeout_ms);
    return stopped? 0: -1;
}

const sb_chaosload_webhook_t *
sb_chaosload_ledger (sb_chaosload_t *self, size_t *count)
{
    *count = self->count;
    return self->ledger;
}

//  --------------------------------------------------------------------------
//  What they produced

//  The webhook a message answers (its To, From and text right), or -1
//  with the reason on stderr.
static long
s_webhook_of (sb_chaosload_t *self, const json_t *message)
{
    const char *to = json_string_value (json_object_get (message, "to"));
    const char *from = json_string_value (json_object_get (message, "from"));
    const char *body = json_string_value (json_object_get (message, "body"));
    size_t index = 0;
    char name [16] = "", phone [SB_CHAOSLOAD_PHONE_SIZE] = "";
    if (to && sscanf (to, "+1666%zu", &index) == 1 && index < self->count) {
        sb_chaosload_phone (index, phone);
        s_name (index, name);
    }
    if (!to || !streq (to, phone) || !from || !streq (from, SB_CHAOSFLEET_TENANT_NUMBER)
    ||  !body || !strstr (body, name)) {
        fprintf (stderr, "sb_chaosload: a message for no webhook, or not its answer: to %s, "
                 "from %s: %s\n", to? to: "-", from? from: "-", body? body: "-");
        return -1;
    }
    return (long) index;
}

//  How many entries the employee of webhook index has (-1: unknown).
static long long
s_entries (redisContext *redis, size_t index)
{
    char id [16];
    s_id (index, id);
    redisReply *reply = (redisReply *) redisCommand (redis, "ZCARD sb:ts:{" S_TENANT ":%s}:entries",
                                                     id);
    long long count = reply && reply->type == REDIS_REPLY_INTEGER? reply->integer: -1;
    freeReplyObject (reply);
    return count;
}

//  Tallies webhook index, which has sent messages at the fake and, if it
//  logs hours, entries entries. Prints what is wrong.
static void
s_tally_one (const sb_chaosload_webhook_t *webhook, size_t index, size_t sent,
             long long entries, sb_chaosload_tally_t *tally)
{
    const char *what = NULL;
    if (webhook->accepted) {
        tally->once += sent == 1;
        tally->lost += sent == 0;
        tally->duplicated += sent > 1;
        tally->extra += sent > 1? sent - 1: 0;
        what = sent == 0? "accepted, no message": sent > 1? "accepted, sent more than once": NULL;
    }
    else {
        tally->refused += sent == 0;
        tally->refused_sent += sent > 0 && (!webhook->unsure || sent > 1);
        tally->unsure_sent += sent == 1 && webhook->unsure;
        what = sent > 1? "refused, sent more than once"
             : sent == 1 && !webhook->unsure? "refused for certain, yet sent": NULL;
    }
    bool entries_right = entries < 0
                      || (webhook->accepted? entries == 1
                                           : entries == (long long) (sent == 1 && webhook->unsure));
    tally->entries_wrong += !entries_right;
    if (!entries_right && !what)
        what = "its 2 hours are not written exactly once";
    if (what)
        fprintf (stderr, "sb_chaosload: webhook %zu (%s, %d posts, %d refused, last %ld %s): "
                 "%s: %zu messages, %lld entries\n", index, webhook->sid, webhook->posts,
                 webhook->refusals, webhook->status, webhook->reason, what, sent, entries);
}

int
sb_chaosload_match (sb_chaosload_t *self, const json_t *messages, redisContext *redis,
                    sb_chaosload_tally_t *tally)
{
    memset (tally, 0, sizeof *tally);
    size_t *sent = (size_t *) calloc (self->count + 1, sizeof (size_t));
    if (!sent)
        return -1;
    size_t at;
    const json_t *message;
    json_array_foreach (messages, at, message) {
        long index = s_webhook_of (self, message);
        tally->messages++;
        tally->stray += index < 0;
        if (index >= 0)
            sent [index]++;
    }
    for (size_t index = 0; index < self->count; index++)
        s_tally_one (&self->ledger [index], index, sent [index],
                     S_LOGS (index)? s_entries (redis, index): -1, tally);
    free (sent);
    return tally->lost || tally->duplicated || tally->refused_sent || tally->stray
        || tally->entries_wrong? -1: 0;
}
