/*  fuzz_config.c — libFuzzer target: arbitrary bytes as the ZPL config
    file the broker and the actors load (sb_config_parse), then through
    every loader that takes it: the broker's settings (broker/..., with
    broker/curve), its routes and retry policies (routes, services), the
    alert thresholds (alerts), the planner (with llm/...), the sender, the
    timesheet backend, agent-sync, every tenant profile a section names
    (<section>/tenants/<id>) and each section's tenant_cache_ms, ingress's
    section (with its numbers and workspace-tokens maps), and the actor
    runtime's own keys (broker, instance, capacity, ...) of every section,
    as an actor of that name. A refusal must say why; an accepted
    config's values must be within the ranges the loaders document.
    Aborts otherwise; ASan's leak check covers what the loaders free.

    Hermetic: no loader here opens broker/curve's files (sb_broker_new
    does, and is not called), the sender's outbox is always a file in a
    private temporary folder, and the environment the loaders read is set
    once, at start (a fixed credentials key; no Twilio or Vapi overrides,
    so that the config's own values are what is checked).                 */

#include "sb_classes.h"
#include "sb_broker.h"
#include "sb_routes.h"
#include "sb_alerts.h"
#include "sb_tenant.h"
#include "sb_tenant_cache.h"
#include "sb_planner.h"
#include "sb_sender_private.h"
#include "sb_timesheet_backend.h"
#include "sb_agent_sync_private.h"
#include "sb_ingress_config.h"
#include "sb_actor_private.h"

//  Config files are small; sb_config_parse looks for the bad line of a
//  refused one by parsing each prefix again, so larger inputs only slow
//  the search down
#define S_MAX_INPUT 8192

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  Set once at start, read-only afterwards.
static sb_schemas_t *s_schemas;
static char s_folder [] = "/tmp/fuzz_config.XXXXXX";
static char s_outbox [sizeof s_folder + 32];

static void
s_cleanup (void)
{
    unlink (s_outbox);
    rmdir (s_folder);
    sb_schemas_destroy (&s_schemas);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc;
    (void) argv;
    char err [512];
    s_schemas = sb_schemas_new_builtin (err, sizeof err);
    if (!s_schemas || !mkdtemp (s_folder)) {
        fprintf (stderr, "fuzz_config: %s\n", s_schemas? strerror (errno): err);
        abort ();
    }
    snprintf (s_outbox, sizeof s_outbox, "%s/outbox.jsonl", s_folder);
    atexit (s_cleanup);
    const char *unset [] = { "CREDENTIALS_KEY_FILE", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                             "TWILIO_PHONE_NUMBER", "TWILIO_API_BASE", "VAPI_API_BASE" };
    for (size_t index = 0; index < sizeof unset / sizeof unset [0]; index++)
        unsetenv (unset [index]);
    setenv ("CREDENTIALS_KEY", "000102030405060708090a0b0c0d0e0f"
                               "101112131415161718191a1b1c1d1e1f", 1);
    //  The loaders log what they chose, and zconfig prints each syntax
    //  error to stdout (zclock_log): a million lines that say nothing
    //  here. libFuzzer reports on stderr.
    zsys_init ();
    zsys_set_logstream (NULL);
    if (!freopen ("/dev/null", "w", stdout))
        abort ();
    return 0;
}

//  A refusal says why: err is not empty and starts with prefix.
static void
s_check_refusal (const char *err, const char *prefix)
{
    if (strlen (err) < 4 || strncmp (err, prefix, strlen (prefix)))
        abort ();
}

static bool
s_within (double value, double low, double high)
{
    return value >= low && value <= high;
}

//  The broker section: every string set and not empty, every number in
//  the range sb_broker_config.c gives it, CURVE both or neither.
static void
s_check_broker (zconfig_t *config)
{
    char err [512] = "";
    sb_broker_config_t settings = sb_broker_config_default ();
    if (sb_broker_config_load (&settings, config, err, sizeof err)) {
        s_check_refusal (err, "broker/");
        return;
    }
    const char *strings [] = { settings.endpoint, settings.redis_url, settings.prefix };
    for (size_t index = 0; index < 3; index++)
        if (!strings [index] || !*strings [index])
            abort ();
    const char *optional [] = { settings.name, settings.tap, settings.monitor,
                                settings.curve_certificate, settings.curve_clients };
    for (size_t index = 0; index < 5; index++)
        if (optional [index] && !*optional [index])
            abort ();
    if (!settings.curve_certificate != !settings.curve_clients
    ||  !s_within ((double) settings.dedup_window_ms, 1000, 365 * 864e5)
    ||  !s_within ((double) settings.max_backlog, 1, 1e12)
    ||  !s_within (settings.heartbeat_ms, 10, 60000)
    ||  !s_within (settings.liveness, 1, 100)
    ||  !s_within ((double) settings.visibility_ms, 100, 864e5)
    ||  !s_within ((double) settings.poll_ms, 1, 60000)
    ||  !s_within (settings.redis_timeout_ms, 10, 60000)
    ||  !s_within ((double) settings.batch, 1, 100000)
    ||  !s_within ((double) settings.limits.max_bytes, 1024, 64 << 20)
    ||  !s_within ((double) settings.trace_ttl_ms, 1000, 365 * 864e5))
        abort ();
}

//  A service name as sb_routes.h promises it: plain, for Redis keys.
static bool
s_service_name_valid (const char *name)
{
    size_t length = strlen (name);
    if (length == 0 || length > SB_ENVELOPE_MAX_NAME)
        return false;
    for (size_t index = 0; index < length; index++)
        if (!isalnum ((unsigned char) name [index]) && !strchr ("_.-", name [index]))
            return false;
    return true;
}

static void
s_check_policy (const sb_policy_t *policy)
{
    if (!policy
    ||  !s_within (policy->max_attempts, 1, 1000) || !s_within ((double) policy->initial_ms, 0, 864e5)
    ||  !s_within (policy->backoff, 1, 100) || !s_within ((double) policy->max_ms, 0, 864e5)
    ||  !s_within (policy->jitter, 0, 1) || !s_within ((double) policy->lease_ms, 100, 864e5))
        abort ();
    int64_t delay = sb_policy_delay (policy, policy->max_attempts, 0.999);
    if (delay < 0 || (double) delay > 2.0 * (double) policy->max_ms + 1)
        abort ();
}

//  Routes and policies: every service plainly named with a policy in
//  range, every type routed to at most 16 services or to @reply_to.
static void
s_check_routes (zconfig_t *config)
{
    char err [512] = "";
    sb_routes_t *routes = sb_routes_new (config, s_schemas, err, sizeof err);
    if (!routes) {
        s_check_refusal (err, "");
        return;
    }
    s_check_policy (sb_routes_default_policy (routes));
    for (size_t index = 0; index < sb_routes_service_count (routes); index++) {
        const char *service = sb_routes_service_at (routes, index);
        if (!service || !s_service_name_valid (service))
            abort ();
        s_check_policy (sb_routes_policy (routes, service));
    }
    for (size_t index = 0; index < sb_schemas_size (s_schemas); index++) {
        const char *type = sb_schemas_type_at (s_schemas, index);
        size_t count = 0;
        const char *const *services = sb_routes_lookup (routes, type, &count);
        if (count > 16 || (count && sb_routes_is_reply (routes, type)))
            abort ();
        for (size_t at = 0; at < count; at++)
            if (!s_service_name_valid (services [at]) || !sb_routes_policy (routes, services [at]))
                abort ();
    }
    sb_routes_destroy (&routes);
}

static void
s_check_alerts (zconfig_t *config)
{
    char err [512] = "";
    sb_alerts_t alerts;
    if (sb_alerts_load (&alerts, config, err, sizeof err)) {
        s_check_refusal (err, "alerts/");
        return;
    }
    if ((alerts.queue_depth && !s_within ((double) alerts.queue_depth, 1, 1e12))
    ||  (alerts.oldest_age_ms && !s_within ((double) alerts.oldest_age_ms, 1, 1e12))
    ||  !s_within (alerts.failure_rate, 0, 1)
    ||  (alerts.p99_ms && !s_within ((double) alerts.p99_ms, 1, 1e9))
    ||  (alerts.restarts && !s_within ((double) alerts.restarts, 1, 1e6)))
        abort ();
}

//  A tenant's profile from section: typed values in their ranges.
static void
s_check_tenant (zconfig_t *section, const char *tenant_id)
{
    char err [512] = "";
    sb_tenant_t *tenant = sb_tenant_from_config (section, tenant_id, err, sizeof err);
    if (!tenant) {
        s_check_refusal (err, "tenant ");
        return;
    }
    const char *keys [] = { "name", "timezone", "sign_off", "tone", "number", "reminder" };
    for (size_t index = 0; index < sizeof keys / sizeof keys [0]; index++) {
        const char *value = sb_tenant_str (tenant, keys [index]);
        if (!value || strlen (value) > 1024)
            abort ();
    }
    const char *tone = sb_tenant_str (tenant, "tone");
    if (!streq (tone, "friendly") && !streq (tone, "formal") && !streq (tone, "brief"))
        abort ();
    if (!s_within (sb_tenant_max_segments (tenant), 1, 10)
    ||  !s_within (sb_tenant_hours_per_day (tenant), 0, 24)
    ||  sb_tenant_deny_count (tenant) > 64)
        abort ();
    for (size_t index = 0; index < sb_tenant_deny_count (tenant); index++) {
        const char *word = sb_tenant_deny_word (tenant, index);
        size_t length = strlen (word);
        if (!length || isspace ((unsigned char) word [0]) || isspace ((unsigned char) word [length - 1]))
            abort ();
        for (const char *at = word; *at; at++)
            if (isupper ((unsigned char) *at))
                abort ();
    }
    sb_tenant_destroy (&tenant);
}

//  A section's tenant_cache_ms: refused naming it, or in 0..the maximum.
static void
s_check_tenant_cache (zconfig_t *section)
{
    char err [512] = "", prefix [256];
    int64_t ttl_ms = -1;
    snprintf (prefix, sizeof prefix, "%s/%s '", zconfig_name (section), SB_TENANT_CACHE_KEY);
    if (sb_tenant_cache_ttl (section, &ttl_ms, err, sizeof err))
        s_check_refusal (err, prefix);
    else
    if (!s_within ((double) ttl_ms, 0, SB_TENANT_CACHE_MS_MAX))
        abort ();
}

//  Every tenants/<id> of every section, and an id no section names.
static void
s_check_tenants (zconfig_t *config)
{
    for (zconfig_t *section = zconfig_child (config); section; section = zconfig_next (section)) {
        s_check_tenant_cache (section);
        s_check_tenant (section, "acme");
        zconfig_t *tenants = zconfig_locate (section, "tenants");
        for (zconfig_t *item = tenants? zconfig_child (tenants): NULL; item; item = zconfig_next (item))
            s_check_tenant (section, zconfig_name (item));
    }
}

static void
s_check_planner (zconfig_t *config)
{
    char err [512] = "";
    sb_planner_t *planner = sb_planner_new (zconfig_locate (config, "planner"), err, sizeof err);
    if (!planner) {
        s_check_refusal (err, "planner/");
        return;
    }
    if (!s_within ((double) planner->memory.max_turns, 1, 100)
    ||  !s_within ((double) planner->memory.ttl_s, 60, 31 * 86400)
    ||  (planner->llm && !s_within (sb_llm_timeout_ms (planner->llm), 100, 120000)))
        abort ();
    sb_planner_destroy (&planner);
}

//  The sender, its outbox kept in the private folder whatever the config
//  says (an outbox path is a file the sender creates).
static void
s_check_sender (zconfig_t *config)
{
    zconfig_put (config, "sender/outbox", s_outbox);
    char err [512] = "";
    sb_sender_t *sender = sb_sender_new (zconfig_locate (config, "sender"), err, sizeof err);
    if (!sender) {
        s_check_refusal (err, "");
        return;
    }
    if (!s_within (sender->timeout_ms, 100, 120000) || !s_within (sender->wait_ms, 0, 60000)
    ||  !s_within (sender->lookup_delay_ms, 0, 600000) || !s_within (sender->lookup_pages, 1, 100)
    ||  !s_within (sender->skew_ms, 0, 600000) || !s_within (sender->ttl_s, 3600, 365 * 86400)
    ||  !s_within ((double) sender->outbox_max, 1, 1e7) || !sender->throttle
    ||  sender->account_sid             //  no TWILIO_AUTH_TOKEN: no account of its own
    ||  (sender->twilio_only && !sender->box)
    ||  (!sender->outbox && !sender->twilio_only))
        abort ();
    sb_sender_destroy (&sender);
}

static void
s_check_timesheet (zconfig_t *config)
{
    char err [512] = "";
    sb_timesheet_backend_t *backend =
        sb_timesheet_backend_new (zconfig_locate (config, "timesheet"), err, sizeof err);
    if (!backend) {
        s_check_refusal (err, "timesheet/");
        return;
    }
    sb_timesheet_backend_destroy (&backend);
}

static void
s_check_agent_sync (zconfig_t *config)
{
    char err [512] = "";
    sb_agent_sync_t *state =
        (sb_agent_sync_t *) sb_agent_sync_setup (zconfig_locate (config, "agent-sync"), err,
                                                 sizeof err);
    if (!state) {
        s_check_refusal (err, "");
        return;
    }
    if (!state->box || !state->vapi || !state->store || !state->twilio_base
    ||  (strncmp (state->twilio_base, "http://", 7) && strncmp (state->twilio_base, "https://", 8))
    ||  !s_within (state->twilio_timeout_ms, 100, 120000)
    ||  !s_within (state->max_attempts, 1, 100) || !s_within ((double) state->lock_wait_ms, 0, 600000))
        abort ();
    sb_agent_sync_teardown ((void **) &state);
}

//  A map of ingress/ as sb_ingress_config.h promises it: name = value,
//  every value non-empty, nothing below.
static void
s_check_ingress_map (zconfig_t *map)
{
    for (zconfig_t *item = map? zconfig_child (map): NULL; item; item = zconfig_next (item))
        if (!zconfig_value (item) || !*zconfig_value (item) || zconfig_child (item))
            abort ();
}

//  Ingress's section: every number in the range sb_ingress_config.c
//  gives it, the instance a plain name, a Redis (when set) not empty.
static void
s_check_ingress (zconfig_t *config)
{
    char err [512] = "";
    sb_ingress_config_t settings = sb_ingress_config_default ();
    if (sb_ingress_config_load (&settings, config, "fuzz.zpl", err, sizeof err)) {
        s_check_refusal (err, "fuzz.zpl: ingress/");
        return;
    }
    const char *instance = settings.instance;
    if (!settings.listen || !settings.broker || !settings.tenant || !instance
    ||  !*instance || strlen (instance) > 48
    ||  strspn (instance, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
        != strlen (instance)
    ||  (settings.redis && !*settings.redis)
    ||  !s_within (settings.port, 0, 65535)
    ||  !s_within ((double) settings.max_body, 1024, 64 << 20)
    ||  !s_within (settings.publish_timeout_ms, 10, 60000)
    ||  !s_within (settings.threads, 1, 256)
    ||  !s_within (settings.workspace_timeout_ms, 100, 600000)
    ||  !s_within (settings.credentials_ttl_ms, 0, 3600000))
        abort ();
    s_check_ingress_map (settings.numbers);
    s_check_ingress_map (settings.workspace_tokens);
}

//  The runtime's own keys of section, as an actor named after it: a
//  non-empty list of at most SB_ACTOR_MAX_BROKERS endpoints, none empty
//  or holding a separator, the numbers in sb_actor.c's ranges.
static void
s_check_actor (zconfig_t *section)
{
    sb_actor_def_t def = { .name = zconfig_name (section) };
    sb_actor_options_t options;
    sb_actor_options_default (&options, &def);
    char err [512] = "", prefix [256];
    snprintf (prefix, sizeof prefix, "fuzz.zpl: %s/", def.name);
    if (sb_actor_options_load_section (&options, section, "fuzz.zpl", err, sizeof err))
        s_check_refusal (err, prefix);
    else {
        if (options.broker_count < 1 || options.broker_count > SB_ACTOR_MAX_BROKERS
        ||  !options.instance || !*options.instance
        ||  !s_within (options.capacity, 1, 256) || !s_within ((double) options.grace_ms, 0, 3600000)
        ||  options.threads > SB_ACTOR_THREADS_OFF
        ||  (options.stats_endpoint && !*options.stats_endpoint)
        ||  (options.redis_url && !*options.redis_url)
        ||  (options.monitor_endpoint && !*options.monitor_endpoint))
            abort ();
        for (size_t index = 0; index < options.broker_count; index++)
            if (!options.brokers [index] || !*options.brokers [index]
            ||  strpbrk (options.brokers [index], ", "))
                abort ();
    }
    sb_actor_options_clear (&options);
}

//  Every section as an actor's (the first 16: each costs a host lookup).
static void
s_check_actors (zconfig_t *config)
{
    size_t count = 0;
    for (zconfig_t *section = zconfig_child (config); section && count < 16;
         section = zconfig_next (section), count++)
        s_check_actor (section);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size > S_MAX_INPUT)
        return 0;
    char *text = (char *) malloc (size + 1);
    if (!text)
        return 0;
    memcpy (text, data, size);
    text [size] = 0;
    char err [1024] = "";
    zconfig_t *config = sb_config_parse (text, "fuzz.zpl", err, sizeof err);
    free (text);
    if (!config) {
        s_check_refusal (err, "fuzz.zpl:");      //  names the file and the line
        return 0;
    }
    s_check_broker (config);
    s_check_routes (config);
    s_check_alerts (config);
    s_check_tenants (config);
    s_check_planner (config);
    s_check_timesheet (config);
    s_check_agent_sync (config);
    s_check_ingress (config);
    s_check_actors (config);
    s_check_sender (config);          //  last: it writes its outbox into config
    zconfig_destroy (&config);
    return 0;
}
