/*  sb_zmon_web_http.c — the web console's request decoders (see
    sb_zmon_web_http.h).                                                   */

#include "sb_zmon_web_http.h"

//  The embedded file served at path ("/" is index.html), or NULL.
static const sb_embed_t *
s_static_file (const char *path)
{
    const char *name = streq (path, "/")? "index.html": path + 1;
    if (!*name || strchr (name, '/'))
        return NULL;
    for (size_t index = 0; index < sb_zmon_web_files_count; index++) {
        const char *origin = sb_zmon_web_files [index].origin;
        const char *base = strrchr (origin, '/');
        if (streq (base? base + 1: origin, name))
            return &sb_zmon_web_files [index];
    }
    return NULL;
}

//  Copies an id (printable ASCII, no space, 1..SB_ZMON_WEB_ARG_MAX bytes)
//  into arg. Returns 0, or 400 with the reason.
static int
s_id (const char *text, char *arg, char *err, size_t errlen)
{
    size_t length = strlen (text);
    if (length == 0 || length > SB_ZMON_WEB_ARG_MAX) {
        sb_error_set (err, errlen, "an id is 1 to %d characters", SB_ZMON_WEB_ARG_MAX);
        return 400;
    }
    for (size_t index = 0; index < length; index++)
        if ((unsigned char) text [index] <= 0x20 || (unsigned char) text [index] >= 0x7f) {
            sb_error_set (err, errlen, "an id is printable ASCII without spaces");
            return 400;
        }
    memcpy (arg, text, length + 1);
    return 0;
}

//  The routes of the API: path (a prefix when it ends in '/'), method, kind.
static const struct {
    const char *path, *method;
    sb_zmon_web_kind_t kind;
} s_routes [] = {
    { "/api/stats", "GET", SB_ZMON_WEB_STATS },
    { "/api/supervise", "GET", SB_ZMON_WEB_SUPERVISE },
    { "/api/dlq", "GET", SB_ZMON_WEB_DLQ_LIST },
    { "/api/dlq/replay", "POST", SB_ZMON_WEB_DLQ_REPLAY },
    { "/api/dlq/", "GET", SB_ZMON_WEB_DLQ_SHOW },
    { "/api/trace/", "GET", SB_ZMON_WEB_TRACE },
    { "/api/conversations", "GET", SB_ZMON_WEB_CONVERSATIONS },
};
#define S_ROUTES (sizeof s_routes / sizeof s_routes [0])

int
sb_zmon_web_route (const char *method, const char *path, sb_zmon_web_route_t *route,
                   char *err, size_t errlen)
{
    memset (route, 0, sizeof *route);
    for (size_t index = 0; index < S_ROUTES; index++) {
        const char *prefix = s_routes [index].path;
        size_t length = strlen (prefix);
        bool is_prefix = prefix [length - 1] == '/';
        if (is_prefix? strncmp (path, prefix, length) != 0: !streq (path, prefix))
            continue;
        if (!streq (method, s_routes [index].method)) {
            sb_error_set (err, errlen, "method not allowed on %s: use %s", prefix,
                          s_routes [index].method);
            return 405;
        }
        route->kind = s_routes [index].kind;
        return is_prefix? s_id (path + length, route->arg, err, errlen): 0;
    }
    route->kind = SB_ZMON_WEB_STATIC;
    route->file = s_static_file (path);
    if (!route->file || strncmp (path, "/api/", 5) == 0) {
        sb_error_set (err, errlen, "no such page");
        return 404;
    }
    if (!streq (method, "GET")) {
        sb_error_set (err, errlen, "method not allowed on a page: use GET");
        return 405;
    }
    return 0;
}

int
sb_zmon_web_replay_parse (const char *body, size_t size, char *id, char *err, size_t errlen)
{
    json_error_t error;
    json_t *root = size <= SB_ZMON_WEB_BODY_MAX
                 ? json_loadb (body, size, JSON_REJECT_DUPLICATES, &error): NULL;
    json_t *all = json_object_get (root, "all");
    const char *text = json_string_value (json_object_get (root, "id"));
    int rc = -1;
    if (!json_is_object (root))
        sb_error_set (err, errlen, "the body is not a JSON object: {\"id\": ID} or {\"all\": true}");
    else
    if (json_object_size (root) != 1 || (all? !json_is_true (all): !text))
        sb_error_set (err, errlen, "the body is {\"id\": ID} or {\"all\": true}, nothing else");
    else
    if (all) {
        memcpy (id, "all", 4);
        rc = 0;
    }
    else
    if (streq (text, "all"))
        sb_error_set (err, errlen, "\"all\" is not an id: use {\"all\": true}");
    else
        rc = s_id (text, id, err, errlen)? -1: 0;
    json_decref (root);
    return rc;
}

int
sb_zmon_web_phone (const char *text, char *phone, char *err, size_t errlen)
{
    if (!text || !*text)
        return sb_error_set (err, errlen,
                             "phone is required: /api/conversations?phone=%%2B15551230001");
    size_t length = strnlen (text, SB_ZMON_WEB_ARG_MAX + 1);
    if (length > SB_ZMON_WEB_ARG_MAX)
        return sb_error_set (err, errlen, "phone: longer than %d characters", SB_ZMON_WEB_ARG_MAX);
    char copy [SB_ZMON_WEB_ARG_MAX + 1];
    memcpy (copy, text, length + 1);
    if (copy [0] == ' ' && isdigit ((unsigned char) copy [1]))
        copy [0] = '+';
    char reason [256];
    if (sb_schemas_phone_normalise (copy, length, phone, SB_SCHEMAS_PHONE_MAX + 1, reason,
                                    sizeof reason))
        return sb_error_set (err, errlen, "phone: %s", reason);
    return 0;
}

int
sb_zmon_web_count (const char *text, int64_t default_count, int64_t *count)
{
    if (!text) {
        *count = default_count;
        return 0;
    }
    int64_t value = 0;
    size_t length = strlen (text);
    if (length == 0 || length > 5)
        return -1;
    for (size_t index = 0; index < length; index++) {
        if (!isdigit ((unsigned char) text [index]))
            return -1;
        value = value * 10 + (text [index] - '0');
    }
    if (value < 1 || value > SB_ZMON_WEB_COUNT_MAX)
        return -1;
    *count = value;
    return 0;
}

bool
sb_zmon_web_authorized (const char *token, const char *authorization)
{
    if (!token || !*token || !authorization || strncmp (authorization, "Bearer ", 7) != 0)
        return false;
    const char *given = authorization + 7;
    size_t token_length = strlen (token), given_length = strlen (given);
    //  Every byte of the token is compared, whatever the length given:
    //  the time tells neither where they differ nor the token's length
    unsigned char differ = (unsigned char) (token_length != given_length);
    for (size_t index = 0; index < token_length; index++)
        differ |= (unsigned char) token [index]
                ^ (unsigned char) given [index < given_length? index: 0];
    return differ == 0;
}

bool
sb_zmon_web_host_is_loopback (const char *host)
{
    if (!host)
        return false;
    const char *names [] = { "127.0.0.1", "localhost", "[::1]" };
    for (size_t index = 0; index < sizeof names / sizeof names [0]; index++) {
        size_t length = strlen (names [index]);
        if (strncasecmp (host, names [index], length) != 0)
            continue;
        const char *port = host + length;
        if (!*port)
            return true;
        if (*port++ != ':' || !*port || strlen (port) > 5)
            return false;
        while (isdigit ((unsigned char) *port))
            port++;
        return *port == 0;
    }
    return false;
}

const char *
sb_zmon_web_content_type (const char *name)
{
    const char *dot = strrchr (name, '.');
    if (dot && streq (dot, ".html"))
        return "text/html; charset=utf-8";
    if (dot && streq (dot, ".css"))
        return "text/css; charset=utf-8";
    if (dot && streq (dot, ".js"))
        return "text/javascript; charset=utf-8";
    return "application/octet-stream";
}
