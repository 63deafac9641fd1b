/*  sb_agent_spec.c — the assistant body for one role from a save's
    agent_config (rules in the header).                                   */

#include "sb_agent_spec.h"

const char *const sb_agent_spec_roles [SB_AGENT_SPEC_ROLES] = { "inbound", "outbound" };

//  "<name> <role>" within Vapi's limit, cut on a UTF-8 character boundary.
static json_t *
s_name (const char *name, const char *role)
{
    size_t room = SB_AGENT_SPEC_NAME_MAX - strlen (role) - 1;
    size_t length = strlen (name);
    if (length > room) {
        length = room;
        while (length && ((unsigned char) name [length] & 0xC0) == 0x80)
            length--;                            //  not inside a character
    }
    char text [SB_AGENT_SPEC_NAME_MAX + 1];
    snprintf (text, sizeof text, "%.*s %s", (int) length, name, role);
    return json_string (text);
}

//  Sets one agent_config entry on body, translated. Returns 0, or -1 with
//  why in err.
static int
s_apply_field (json_t *body, const char *field, json_t *value, char *err, size_t errlen)
{
    if (streq (field, "name") || streq (field, "inbound") || streq (field, "outbound"))
        return 0;                                //  handled by the caller
    if (streq (field, "metadata")) {
        if (!json_is_object (value)) {
            snprintf (err, errlen, "agent_config.metadata is not a map");
            return -1;
        }
        json_object_update (json_object_get (body, "metadata"), value);
        return 0;
    }
    if (streq (field, "first_message"))
        field = "firstMessage";
    if (streq (field, "voice") && json_is_string (value))
        return json_object_set_new (body, field, json_pack ("{s:s, s:O}", "provider", "11labs",
                                                            "voiceId", value));
    return json_object_set (body, field, value);
}

//  Applies every entry of config to body.
static int
s_apply (json_t *body, const json_t *config, char *err, size_t errlen)
{
    const char *field;
    json_t *value;
    json_object_foreach ((json_t *) config, field, value)
        if (s_apply_field (body, field, value, err, errlen))
            return -1;
    return 0;
}

json_t *
sb_agent_spec_body (const char *tenant, const char *role, const json_t *agent_config,
                    char *err, size_t errlen)
{
    const json_t *own = json_object_get (agent_config, role);
    if (own && !json_is_object (own)) {
        snprintf (err, errlen, "agent_config.%s is not a map", role);
        return NULL;
    }
    const char *name = json_string_value (json_object_get (own, "name"));
    if (!name)
        name = json_string_value (json_object_get (agent_config, "name"));
    json_t *body = json_pack ("{s:o, s:{}}", "name", s_name (name && *name? name: tenant, role),
                              "metadata");
    if (!body
    ||  (agent_config && s_apply (body, agent_config, err, errlen))
    ||  (own && s_apply (body, own, err, errlen))) {
        if (!body)
            snprintf (err, errlen, "out of memory");
        json_decref (body);
        return NULL;
    }
    json_t *metadata = json_object_get (body, "metadata");
    json_object_set_new (metadata, "tenant", json_string (tenant));
    json_object_set_new (metadata, "role", json_string (role));
    json_object_set_new (metadata, "managed_by", json_string ("switchboard"));
    return body;
}
