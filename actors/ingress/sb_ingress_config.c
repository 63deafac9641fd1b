/*  sb_ingress_config.c — ingress's settings from ingress/... and options.  */

#include "sb_ingress_config.h"

static const char *s_keys [] = { "listen", "port", "broker", "public-url", "tenant",
                                 "max-body", "publish-timeout", "threads", "instance",
                                 "workspace-timeout", "redis", "credentials-ttl" };
#define S_KEYS (sizeof s_keys / sizeof s_keys [0])

bool
sb_ingress_config_is_key (const char *name)
{
    for (size_t index = 0; index < S_KEYS; index++)
        if (streq (name, s_keys [index]))
            return true;
    return false;
}

//  An instance names a Redis key (reply.ingress.<instance>): plain.
static bool
s_instance_valid (const char *value)
{
    return *value && strlen (value) <= 48
        && strspn (value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
           == strlen (value);
}

int
sb_ingress_config_apply (sb_ingress_config_t *config, const char *name, const char *value,
                         const char *where, char *err, size_t errlen)
{
    char *end;
    long number = strtol (value, &end, 10);
    bool numeric = *value && !*end;
    if (streq (name, "listen"))          config->listen = value;
    else if (streq (name, "broker"))     config->broker = value;
    else if (streq (name, "public-url")) config->public_url = value;
    else if (streq (name, "tenant"))     config->tenant = value;
    else if (streq (name, "instance") && s_instance_valid (value))
        config->instance = value;
    else if (streq (name, "workspace-timeout") && numeric && number >= 100 && number <= 600000)
        config->workspace_timeout_ms = (int) number;
    else if (streq (name, "port") && numeric && number >= 0 && number <= 65535)
        config->port = (int) number;
    else if (streq (name, "max-body") && numeric && number >= 1024 && number <= (64 << 20))
        config->max_body = (size_t) number;
    else if (streq (name, "publish-timeout") && numeric && number >= 10 && number <= 60000)
        config->publish_timeout_ms = (int) number;
    else if (streq (name, "threads") && numeric && number >= 1 && number <= 256)
        config->threads = (int) number;
    else if (streq (name, "redis") && *value)
        config->redis = value;
    else if (streq (name, "credentials-ttl") && numeric && number >= 0 && number <= 3600000)
        config->credentials_ttl_ms = (int) number;
    else {
        snprintf (err, errlen, "%s: '%s' is not a valid %s", where, value, name);
        return -1;
    }
    return 0;
}

//  A section of name = value pairs, each value non-empty.
static int
s_load_map (zconfig_t *section, const char *where, char *err, size_t errlen)
{
    for (zconfig_t *item = zconfig_child (section); item; item = zconfig_next (item)) {
        const char *value = zconfig_value (item);
        if (!value || !*value || zconfig_child (item)) {
            snprintf (err, errlen, "%s/%s: needs a value (name = value)", where,
                      zconfig_name (item));
            return -1;
        }
    }
    return 0;
}

int
sb_ingress_config_load (sb_ingress_config_t *config, zconfig_t *file, const char *path,
                        char *err, size_t errlen)
{
    zconfig_t *section = zconfig_locate (file, "ingress");
    for (zconfig_t *item = section? zconfig_child (section): NULL; item; item = zconfig_next (item)) {
        const char *name = zconfig_name (item);
        char where [512];
        snprintf (where, sizeof where, "%s: ingress/%s", path, name);
        if (streq (name, "numbers") || streq (name, "workspace-tokens")) {
            if (s_load_map (item, where, err, errlen))
                return -1;
            if (streq (name, "numbers"))
                config->numbers = item;
            else
                config->workspace_tokens = item;
            continue;
        }
        if (!sb_ingress_config_is_key (name)) {
            snprintf (err, errlen, "%s: unknown key", where);
            return -1;
        }
        if (sb_ingress_config_apply (config, name, zconfig_value (item), where, err, errlen))
            return -1;
    }
    return 0;
}
