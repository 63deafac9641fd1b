/*  sb_throttle.c — per-account in-flight bound and per-number token
    buckets (see the .h). Waits use a monotonic clock, so a change of the
    wall clock neither stalls nor frees them.                             */

#include "sb_classes.h"
#include "sb_throttle.h"
#include <pthread.h>

//  One account's semaphore.
typedef struct {
    int count;               //  requests in flight
    int waiters;             //  threads waiting for a slot
    pthread_cond_t freed;
} s_account_t;

//  One number's bucket.
typedef struct {
    double tokens;
    int64_t at_ms;           //  when tokens was last brought up to date
} s_bucket_t;

struct _sb_throttle_t {
    pthread_mutex_t lock;
    zhashx_t *accounts;      //  account SID -> s_account_t
    zhashx_t *buckets;       //  sending number -> s_bucket_t
    int max_in_flight;
    double rate;             //  tokens per ms
    double burst;
};

static void
s_account_destroy (void **item_p)
{
    s_account_t *account = (s_account_t *) *item_p;
    if (account) {
        pthread_cond_destroy (&account->freed);
        free (account);
        *item_p = NULL;
    }
}

static void
s_bucket_destroy (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

sb_throttle_t *
sb_throttle_new (int max_in_flight, double rate, double burst)
{
    sb_throttle_t *self = (sb_throttle_t *) calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_mutex_init (&self->lock, NULL);
    self->accounts = zhashx_new ();
    self->buckets = zhashx_new ();
    if (!self->accounts || !self->buckets) {
        sb_throttle_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->accounts, s_account_destroy);
    zhashx_set_destructor (self->buckets, s_bucket_destroy);
    self->max_in_flight = max_in_flight < 1? 1: max_in_flight;
    self->rate = rate > 0? rate / 1000.0: 0;
    self->burst = burst < 1? 1: burst;
    return self;
}

void
sb_throttle_destroy (sb_throttle_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_throttle_t *self = *self_p;
    zhashx_destroy (&self->accounts);
    zhashx_destroy (&self->buckets);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

//  The account's entry, made if it has none. NULL: out of memory.
static s_account_t *
s_account (sb_throttle_t *self, const char *name)
{
    s_account_t *account = (s_account_t *) zhashx_lookup (self->accounts, name);
    if (account)
        return account;
    account = (s_account_t *) calloc (1, sizeof *account);
    if (!account)
        return NULL;
    pthread_condattr_t attributes;
    pthread_condattr_init (&attributes);
    pthread_condattr_setclock (&attributes, CLOCK_MONOTONIC);
    pthread_cond_init (&account->freed, &attributes);
    pthread_condattr_destroy (&attributes);
    zhashx_insert (self->accounts, name, account);
    return account;
}

//  The monotonic time wait_ms from now.
static struct timespec
s_deadline (int wait_ms)
{
    struct timespec when;
    clock_gettime (CLOCK_MONOTONIC, &when);
    when.tv_sec += wait_ms / 1000;
    when.tv_nsec += (long) (wait_ms % 1000) * 1000000L;
    if (when.tv_nsec >= 1000000000L) {
        when.tv_sec++;
        when.tv_nsec -= 1000000000L;
    }
    return when;
}

//  Drops the account's entry when nobody uses or waits for it.
static void
s_account_tidy (sb_throttle_t *self, const char *name, s_account_t *account)
{
    if (account->count == 0 && account->waiters == 0)
        zhashx_delete (self->accounts, name);
}

int
sb_throttle_enter (sb_throttle_t *self, const char *name, int wait_ms)
{
    struct timespec deadline = s_deadline (wait_ms < 0? 0: wait_ms);
    pthread_mutex_lock (&self->lock);
    s_account_t *account = s_account (self, name);
    int rc = account? 0: -1;
    while (account && account->count >= self->max_in_flight) {
        account->waiters++;
        int waited = pthread_cond_timedwait (&account->freed, &self->lock, &deadline);
        account->waiters--;
        if (waited == ETIMEDOUT && account->count >= self->max_in_flight) {
            rc = -1;
            break;
        }
    }
    if (rc == 0)
        account->count++;
    else
    if (account)
        s_account_tidy (self, name, account);
    pthread_mutex_unlock (&self->lock);
    return rc;
}

void
sb_throttle_leave (sb_throttle_t *self, const char *name)
{
    pthread_mutex_lock (&self->lock);
    s_account_t *account = (s_account_t *) zhashx_lookup (self->accounts, name);
    if (account && account->count > 0) {
        account->count--;
        pthread_cond_signal (&account->freed);
        s_account_tidy (self, name, account);
    }
    pthread_mutex_unlock (&self->lock);
}

int
sb_throttle_in_flight (sb_throttle_t *self, const char *name)
{
    pthread_mutex_lock (&self->lock);
    s_account_t *account = (s_account_t *) zhashx_lookup (self->accounts, name);
    int count = account? account->count: 0;
    pthread_mutex_unlock (&self->lock);
    return count;
}

//  Brings bucket up to now_ms. True if it is then full.
static bool
s_refill (sb_throttle_t *self, s_bucket_t *bucket, int64_t now_ms)
{
    if (now_ms > bucket->at_ms) {
        bucket->tokens += (double) (now_ms - bucket->at_ms) * self->rate;
        bucket->at_ms = now_ms;
    }
    if (bucket->tokens >= self->burst)
        bucket->tokens = self->burst;
    return bucket->tokens >= self->burst;
}

//  Past the bound, forgets the full buckets: a full bucket and no bucket
//  say the same.
static void
s_sweep (sb_throttle_t *self, int64_t now_ms)
{
    if (zhashx_size (self->buckets) < SB_THROTTLE_MAX_NUMBERS)
        return;
    zlistx_t *keys = zhashx_keys (self->buckets);
    for (const char *key = (const char *) zlistx_first (keys); key;
         key = (const char *) zlistx_next (keys))
        if (s_refill (self, (s_bucket_t *) zhashx_lookup (self->buckets, key), now_ms))
            zhashx_delete (self->buckets, key);
    zlistx_destroy (&keys);
}

int64_t
sb_throttle_take (sb_throttle_t *self, const char *number, int64_t now_ms)
{
    if (self->rate <= 0)
        return 0;
    pthread_mutex_lock (&self->lock);
    s_bucket_t *bucket = (s_bucket_t *) zhashx_lookup (self->buckets, number);
    if (!bucket) {
        s_sweep (self, now_ms);
        bucket = (s_bucket_t *) calloc (1, sizeof *bucket);
        if (bucket) {
            bucket->tokens = self->burst;
            bucket->at_ms = now_ms;
            zhashx_insert (self->buckets, number, bucket);
        }
    }
    int64_t wait_ms = 0;
    if (bucket) {
        s_refill (self, bucket, now_ms);
        if (bucket->tokens >= 1)
            bucket->tokens -= 1;
        else
            wait_ms = (int64_t) ceil ((1 - bucket->tokens) / self->rate);
    }
    pthread_mutex_unlock (&self->lock);
    return wait_ms;
}

void
sb_throttle_give (sb_throttle_t *self, const char *number)
{
    if (self->rate <= 0)
        return;
    pthread_mutex_lock (&self->lock);
    s_bucket_t *bucket = (s_bucket_t *) zhashx_lookup (self->buckets, number);
    if (bucket)
        bucket->tokens = bucket->tokens + 1 < self->burst? bucket->tokens + 1: self->burst;
    pthread_mutex_unlock (&self->lock);
}
