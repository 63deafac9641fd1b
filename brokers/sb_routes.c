/*  sb_routes.c — routing table and retry policies (see sb_routes.h).      */

#include "sb_classes.h"
#include "sb_routes.h"

#define S_MAX_FANOUT 16

typedef struct {
    char *services [S_MAX_FANOUT];
    size_t count;
    bool reply;                  //  to the envelope's reply_to instead
} s_route_t;

struct _sb_routes_t {
    zhashx_t *routes;            //  type -> s_route_t
    zhashx_t *policies;          //  service -> sb_policy_t
    zlistx_t *services;          //  service names (owned), kept sorted by zlistx_insert:
                                 //  zlistx_sort misordered them (CZMQ 4.2.1)
    sb_policy_t defaults;        //  services/default over the built-in policy
};

static void
s_route_destroy (s_route_t **self_p)
{
    if (self_p && *self_p) {
        for (size_t index = 0; index < (*self_p)->count; index++)
            free ((*self_p)->services [index]);
        free (*self_p);
        *self_p = NULL;
    }
}

//  Service names travel in Redis keys and log lines: keep them plain.
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

//  Parses a space-separated service list into a route.
static s_route_t *
s_route_parse (const char *list, const char *where, char *err, size_t errlen)
{
    s_route_t *route = (s_route_t *) calloc (1, sizeof (s_route_t));
    char *copy = strdup (list);
    char *saved = NULL;
    for (char *name = copy? strtok_r (copy, " ,", &saved): NULL; route && name;
         name = strtok_r (NULL, " ,", &saved)) {
        if (streq (name, SB_ROUTES_REPLY_TO))
            route->reply = true;
        else
        if (!s_service_name_valid (name) || route->count == S_MAX_FANOUT) {
            sb_error_set (err, errlen, "%s: '%s' %s", where, name, route->count == S_MAX_FANOUT
                          ? "is one service too many (16 at most)": "is not a service name");
            s_route_destroy (&route);
        }
        else
            route->services [route->count++] = strdup (name);
    }
    free (copy);
    if (route && route->reply && route->count) {
        //  A reply has one addressee; fan-out would copy it to services
        //  that cannot know the requester
        sb_error_set (err, errlen, "%s: %s stands alone", where, SB_ROUTES_REPLY_TO);
        s_route_destroy (&route);
    }
    return route;
}

static int
s_add_route (sb_routes_t *self, const char *type, const char *list,
             const char *where, char *err, size_t errlen)
{
    s_route_t *route = s_route_parse (list, where, err, errlen);
    if (!route)
        return -1;
    zhashx_update (self->routes, type, route);
    for (size_t index = 0; index < route->count; index++)
        if (!zlistx_find (self->services, route->services [index]))
            zlistx_insert (self->services, strdup (route->services [index]), true);
    return 0;
}

static int
s_parse_number (zconfig_t *item, double low, double high, double *value,
                const char *where, char *err, size_t errlen)
{
    char *end;
    const char *text = zconfig_value (item);
    *value = strtod (text, &end);
    if (!*text || *end || !(*value >= low && *value <= high))
        return sb_error_set (err, errlen, "%s/%s: '%s' is not a number in %g..%g",
                             where, zconfig_name (item), text, low, high);
    return 0;
}

//  The policy keys, their bounds, in the order s_set_policy assigns them.
static const struct {
    const char *key;
    double low, high;
} s_policy_keys [] = {
    { "max-attempts", 1, 1000 },
    { "initial-interval", 0, 864e5 },
    { "backoff", 1, 100 },
    { "max-interval", 0, 864e5 },
    { "jitter", 0, 1 },
    { "lease", 100, 864e5 },
};

static void
s_set_policy (sb_policy_t *policy, size_t key, double value)
{
    switch (key) {
        case 0: policy->max_attempts = (uint32_t) value; break;
        case 1: policy->initial_ms = (int64_t) value; break;
        case 2: policy->backoff = value; break;
        case 3: policy->max_ms = (int64_t) value; break;
        case 4: policy->jitter = value; break;
        default: policy->lease_ms = (int64_t) value; break;
    }
}

//  Applies the keys of a services/<name> section to policy.
static int
s_parse_policy (sb_policy_t *policy, zconfig_t *section, const char *where,
                char *err, size_t errlen)
{
    size_t keys = sizeof s_policy_keys / sizeof s_policy_keys [0];
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        size_t key = 0;
        while (key < keys && !streq (s_policy_keys [key].key, zconfig_name (item)))
            key++;
        if (key == keys)
            return sb_error_set (err, errlen, "%s: unknown key '%s'", where, zconfig_name (item));
        double value;
        if (s_parse_number (item, s_policy_keys [key].low, s_policy_keys [key].high,
                            &value, where, err, errlen))
            return -1;
        s_set_policy (policy, key, value);
    }
    return 0;
}

static void
s_route_destructor (void **item)
{
    s_route_destroy ((s_route_t **) item);
}

static void
s_policy_destructor (void **item)
{
    free (*item);
    *item = NULL;
}

static void
s_string_destructor (void **item)
{
    zstr_free ((char **) item);
}

static sb_routes_t *
s_routes_empty (void)
{
    sb_routes_t *self = (sb_routes_t *) calloc (1, sizeof (sb_routes_t));
    if (!self)
        return NULL;
    self->routes = zhashx_new ();
    self->policies = zhashx_new ();
    self->services = zlistx_new ();
    if (!self->routes || !self->policies || !self->services) {
        sb_routes_destroy (&self);
        return NULL;
    }
    zhashx_set_destructor (self->routes, s_route_destructor);
    zhashx_set_destructor (self->policies, s_policy_destructor);
    zlistx_set_destructor (self->services, s_string_destructor);
    zlistx_set_comparator (self->services, (zlistx_comparator_fn *) strcmp);
    return self;
}

//  Routes from the schemas' consumed-by, then the config's routes section.
static int
s_load_routes (sb_routes_t *self, zconfig_t *config, const sb_schemas_t *schemas,
               char *err, size_t errlen)
{
    for (size_t index = 0; index < sb_schemas_size (schemas); index++) {
        const char *type = sb_schemas_type_at (schemas, index);
        char where [128];
        snprintf (where, sizeof where, "schema %.64s: consumed-by", type);
        if (s_add_route (self, type, sb_schemas_consumed_by (schemas, type), where, err, errlen))
            return -1;
    }
    zconfig_t *section = config? zconfig_locate (config, "routes"): NULL;
    for (zconfig_t *item = section? zconfig_child (section): NULL; item; item = zconfig_next (item)) {
        char where [128];
        snprintf (where, sizeof where, "routes/%.64s", zconfig_name (item));
        if (!sb_schemas_has (schemas, zconfig_name (item)))
            return sb_error_set (err, errlen, "%s: no such message type (see: envelope types)", where);
        if (s_add_route (self, zconfig_name (item), zconfig_value (item), where, err, errlen))
            return -1;
    }
    return 0;
}

//  A policy for every routed service: built-in defaults, then
//  services/default, then services/<name>.
static int
s_load_policies (sb_routes_t *self, zconfig_t *config, char *err, size_t errlen)
{
    sb_policy_t defaults = { 3, 1000, 2.0, 10000, 0.1, 30000 };
    zconfig_t *section = config? zconfig_locate (config, "services"): NULL;
    zconfig_t *common = section? zconfig_locate (section, "default"): NULL;
    if (common && s_parse_policy (&defaults, common, "services/default", err, errlen))
        return -1;
    self->defaults = defaults;
    for (zconfig_t *item = section? zconfig_child (section): NULL; item; item = zconfig_next (item)) {
        const char *name = zconfig_name (item);
        //  A policy section makes a queue: its name goes into Redis keys
        //  like a routed service's (found by tests/fuzz/fuzz_config.c)
        if (!streq (name, "default") && !s_service_name_valid (name))
            return sb_error_set (err, errlen, "services/%.64s: not a service name (letters, "
                                 "digits, '_', '.', '-'; 1..%d)", name, SB_ENVELOPE_MAX_NAME);
        if (!streq (name, "default") && !zlistx_find (self->services, (void *) name))
            zlistx_insert (self->services, strdup (name), true);
    }
    for (char *service = (char *) zlistx_first (self->services); service;
         service = (char *) zlistx_next (self->services)) {
        sb_policy_t *policy = (sb_policy_t *) malloc (sizeof (sb_policy_t));
        if (!policy)
            return sb_error_set (err, errlen, "out of memory");
        *policy = defaults;
        zhashx_insert (self->policies, service, policy);
        zconfig_t *own = section? zconfig_locate (section, service): NULL;
        char where [128];
        snprintf (where, sizeof where, "services/%.64s", service);
        if (own && s_parse_policy (policy, own, where, err, errlen))
            return -1;
    }
    return 0;
}

sb_routes_t *
sb_routes_new (zconfig_t *config, const sb_schemas_t *schemas, char *err, size_t errlen)
{
    sb_routes_t *self = s_routes_empty ();
    if (!self)
        sb_error_set (err, errlen, "out of memory");
    else
    if (s_load_routes (self, config, schemas, err, errlen)
    ||  s_load_policies (self, config, err, errlen))
        sb_routes_destroy (&self);
    return self;
}

void
sb_routes_destroy (sb_routes_t **self_p)
{
    if (self_p && *self_p) {
        sb_routes_t *self = *self_p;
        zhashx_destroy (&self->routes);
        zhashx_destroy (&self->policies);
        zlistx_destroy (&self->services);
        free (self);
        *self_p = NULL;
    }
}

const char *const *
sb_routes_lookup (const sb_routes_t *self, const char *type, size_t *count)
{
    s_route_t *route = (s_route_t *) zhashx_lookup (self->routes, type);
    *count = route? route->count: 0;
    return route && route->count? (const char *const *) route->services: NULL;
}

size_t
sb_routes_service_count (const sb_routes_t *self)
{
    return zlistx_size (self->services);
}

const char *
sb_routes_service_at (const sb_routes_t *self, size_t index)
{
    const char *service = (const char *) zlistx_first (self->services);
    while (service && index--)
        service = (const char *) zlistx_next (self->services);
    return service;
}

const sb_policy_t *
sb_routes_policy (const sb_routes_t *self, const char *service)
{
    return (const sb_policy_t *) zhashx_lookup (self->policies, service);
}

int64_t
sb_policy_delay (const sb_policy_t *policy, uint32_t attempts, double random01)
{
    double delay = (double) policy->initial_ms;
    for (uint32_t index = 1; index < attempts && delay < (double) policy->max_ms; index++)
        delay *= policy->backoff;
    if (delay > (double) policy->max_ms)
        delay = (double) policy->max_ms;
    delay *= 1.0 + policy->jitter * (2.0 * random01 - 1.0);
    return delay > 0? (int64_t) delay: 0;
}

bool
sb_routes_is_reply (const sb_routes_t *self, const char *type)
{
    s_route_t *route = (s_route_t *) zhashx_lookup (self->routes, type);
    return route && route->reply;
}

bool
sb_routes_reply_name_valid (const char *name)
{
    size_t prefix = strlen (SB_ROUTES_REPLY_PREFIX);
    return strncmp (name, SB_ROUTES_REPLY_PREFIX, prefix) == 0 && name [prefix]
        && s_service_name_valid (name);
}

const sb_policy_t *
sb_routes_default_policy (const sb_routes_t *self)
{
    return &self->defaults;
}
