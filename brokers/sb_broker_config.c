/*  sb_broker_config.c — the broker's settings: defaults and the broker
    section of its ZPL config.                                             */

#include "sb_classes.h"
#include "sb_broker.h"

sb_broker_config_t
sb_broker_config_default (void)
{
    sb_broker_config_t config = {
        .endpoint = "tcp://127.0.0.1:5555",
        .name = NULL,                //  default: host name and endpoint
        .redis_url = "tcp://127.0.0.1:6379",
        .redis_password = NULL,
        .prefix = "sb:",
        .dedup_window_ms = 24 * 3600 * 1000LL,
        .max_backlog = 10 * 1000 * 1000,
        .heartbeat_ms = 1000,
        .liveness = 3,
        .visibility_ms = 30000,
        .poll_ms = 100,
        .redis_timeout_ms = 2000,
        .batch = 512,
        .limits = sb_limits_default (),
        .trace = true,
        .trace_ttl_ms = 24 * 3600 * 1000LL,
        .tap = NULL,
        .monitor = NULL,
        .curve_certificate = NULL,
        .curve_clients = NULL,
    };
    return config;
}

//  The numeric keys of the broker section: name, bounds, and where the
//  value goes (an int64_t, an int or a size_t field of the settings).
typedef enum { S_INT64, S_INT, S_SIZE } s_width_t;

typedef struct {
    const char *key;
    double low, high;
    size_t offset;
    s_width_t width;
} s_number_key_t;

static const s_number_key_t s_number_keys [] = {
    { "dedup-window", 1000, 365 * 864e5, offsetof (sb_broker_config_t, dedup_window_ms), S_INT64 },
    { "max-backlog", 1, 1e12, offsetof (sb_broker_config_t, max_backlog), S_INT64 },
    { "heartbeat", 10, 60000, offsetof (sb_broker_config_t, heartbeat_ms), S_INT },
    { "liveness", 1, 100, offsetof (sb_broker_config_t, liveness), S_INT },
    { "visibility", 100, 864e5, offsetof (sb_broker_config_t, visibility_ms), S_INT64 },
    { "poll", 1, 60000, offsetof (sb_broker_config_t, poll_ms), S_INT64 },
    { "redis-timeout", 10, 60000, offsetof (sb_broker_config_t, redis_timeout_ms), S_INT },
    { "batch", 1, 100000, offsetof (sb_broker_config_t, batch), S_SIZE },
    { "max-envelope", 1024, 64 << 20, offsetof (sb_broker_config_t, limits.max_bytes), S_SIZE },
    { "trace-ttl", 1000, 365 * 864e5, offsetof (sb_broker_config_t, trace_ttl_ms), S_INT64 },
};

#define S_STRING_KEYS 6

//  broker/trace: on or off.
static int
s_config_switch (sb_broker_config_t *settings, zconfig_t *section, char *err, size_t errlen)
{
    char *text = zconfig_get (section, "trace", NULL);
    if (text && !streq (text, "on") && !streq (text, "off"))
        return sb_error_set (err, errlen, "broker/trace: '%s' is not on or off", text);
    if (text)
        settings->trace = streq (text, "on");
    return 0;
}

//  broker/curve: certificate and clients, both or neither (docs/security.md).
static int
s_config_curve (sb_broker_config_t *settings, zconfig_t *section, char *err, size_t errlen)
{
    zconfig_t *curve = zconfig_locate (section, "curve");
    if (!curve)
        return 0;
    for (zconfig_t *item = zconfig_child (curve); item; item = zconfig_next (item)) {
        const char *name = zconfig_name (item);
        const char *value = zconfig_value (item);
        if (!streq (name, "certificate") && !streq (name, "clients"))
            return sb_error_set (err, errlen, "broker/curve/%s: unknown key "
                                 "(certificate, clients)", name);
        if (!value || !*value)
            return sb_error_set (err, errlen, "broker/curve/%s: empty", name);
        if (streq (name, "certificate"))
            settings->curve_certificate = value;   //  borrowed from config
        else
            settings->curve_clients = value;
    }
    return sb_broker_config_check_curve (settings, err, errlen);
}

int
sb_broker_config_check_curve (const sb_broker_config_t *settings, char *err, size_t errlen)
{
    if (!settings->curve_certificate != !settings->curve_clients)
        return sb_error_set (err, errlen, "broker/curve: %s is set but %s is not: CURVE "
                             "needs both", settings->curve_certificate? "certificate": "clients",
                             settings->curve_certificate? "clients": "certificate");
    return 0;
}

static int
s_config_number (sb_broker_config_t *settings, zconfig_t *section,
                 const s_number_key_t *spec, char *err, size_t errlen)
{
    char *text = zconfig_get (section, spec->key, NULL);
    if (!text)
        return 0;   //  absent: keep the default
    char *end;
    double value = strtod (text, &end);
    if (!*text || *end || !(value >= spec->low && value <= spec->high))
        return sb_error_set (err, errlen, "broker/%s: '%s' is not a number in %g..%g",
                             spec->key, text, spec->low, spec->high);
    char *field = (char *) settings + spec->offset;
    if (spec->width == S_INT64)
        *(int64_t *) field = (int64_t) value;
    else
    if (spec->width == S_INT)
        *(int *) field = (int) value;
    else
        *(size_t *) field = (size_t) value;
    return 0;
}

int
sb_broker_config_load (sb_broker_config_t *settings, zconfig_t *config,
                       char *err, size_t errlen)
{
    zconfig_t *section = config? zconfig_locate (config, "broker"): NULL;
    if (!section)
        return 0;
    const char *strings [S_STRING_KEYS] = { "endpoint", "name", "redis", "prefix", "tap",
                                            "monitor" };
    const char **targets [S_STRING_KEYS] = { &settings->endpoint, &settings->name,
                                             &settings->redis_url, &settings->prefix,
                                             &settings->tap, &settings->monitor };
    for (size_t index = 0; index < S_STRING_KEYS; index++) {
        char *value = zconfig_get (section, strings [index], NULL);
        if (value && !*value)
            return sb_error_set (err, errlen, "broker/%s: empty", strings [index]);
        if (value)
            *targets [index] = value;   //  borrowed from config
    }
    for (size_t index = 0; index < sizeof s_number_keys / sizeof s_number_keys [0]; index++)
        if (s_config_number (settings, section, &s_number_keys [index], err, errlen))
            return -1;
    if (s_config_switch (settings, section, err, errlen)
    ||  s_config_curve (settings, section, err, errlen))
        return -1;
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        bool known = streq (zconfig_name (item), "trace") || streq (zconfig_name (item), "curve");
        for (size_t index = 0; index < S_STRING_KEYS; index++)
            known = known || streq (zconfig_name (item), strings [index]);
        for (size_t index = 0; index < sizeof s_number_keys / sizeof s_number_keys [0]; index++)
            known = known || streq (zconfig_name (item), s_number_keys [index].key);
        if (!known)
            return sb_error_set (err, errlen, "broker/%s: unknown key", zconfig_name (item));
    }
    return 0;
}
