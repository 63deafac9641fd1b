/*  fuzz_zmon_web.c — libFuzzer target: arbitrary bytes as what a browser
    sends zmon's web console (bin/zmon/web/sb_zmon_web_http): lines of
    method, path, query count, Authorization, Host, then the body (read
    also as a query's phone number). A
    refusal says why; an accepted route's id is printable ASCII without
    spaces; a replay body gives "all" or such an id; a phone is refused
    with a reason or given as '+' and 1 to 15 digits; only "Bearer " and
    the exact token authorize; a loopback Host is one of its three names.
    Aborts otherwise.                                                      */

#include "sb_classes.h"
#include "sb_zmon_web_http.h"

#define S_TOKEN "fuzz-token"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  The next line of data (up to '\n', at most max - 1 bytes) into line.
static void
s_line (const uint8_t **data, size_t *size, char *line, size_t max)
{
    size_t length = 0;
    while (*size && **data != '\n' && length + 1 < max) {
        line [length++] = (char) **data;
        (*data)++, (*size)--;
    }
    if (*size && **data == '\n')
        (*data)++, (*size)--;
    line [length] = 0;
}

static void
s_check_id (const char *id)
{
    size_t length = strlen (id);
    if (length == 0 || length > SB_ZMON_WEB_ARG_MAX)
        abort ();
    for (size_t index = 0; index < length; index++)
        if ((unsigned char) id [index] <= 0x20 || (unsigned char) id [index] >= 0x7f)
            abort ();
}

static void
s_check_route (const char *method, const char *path)
{
    sb_zmon_web_route_t route;
    char err [256] = "";
    int status = sb_zmon_web_route (method, path, &route, err, sizeof err);
    if (status) {
        if (!*err || (status != 400 && status != 404 && status != 405))
            abort ();
        return;
    }
    if (route.kind == SB_ZMON_WEB_STATIC
    &&  (!route.file || !streq (method, "GET") || !*sb_zmon_web_content_type (route.file->origin)))
        abort ();
    if (route.kind == SB_ZMON_WEB_TRACE || route.kind == SB_ZMON_WEB_DLQ_SHOW)
        s_check_id (route.arg);
    if (route.kind == SB_ZMON_WEB_DLQ_REPLAY && !streq (method, "POST"))
        abort ();
}

static void
s_check_authorization (const char *authorization)
{
    bool expected = streq (authorization, "Bearer " S_TOKEN);
    if (sb_zmon_web_authorized (S_TOKEN, authorization) != expected
    ||  sb_zmon_web_authorized (NULL, authorization) || sb_zmon_web_authorized ("", authorization))
        abort ();
}

static void
s_check_host (const char *host)
{
    if (!sb_zmon_web_host_is_loopback (host))
        return;
    if (strncasecmp (host, "127.0.0.1", 9) && strncasecmp (host, "localhost", 9)
    &&  strncasecmp (host, "[::1]", 5))
        abort ();
}

static void
s_check_body (const uint8_t *data, size_t size)
{
    char id [SB_ZMON_WEB_ARG_MAX + 1], err [256] = "";
    if (sb_zmon_web_replay_parse ((const char *) data, size, id, err, sizeof err)) {
        if (!*err)
            abort ();
        return;
    }
    if (!streq (id, "all"))
        s_check_id (id);
}

static void
s_check_phone (const uint8_t *data, size_t size)
{
    char text [SB_ZMON_WEB_ARG_MAX + 8], phone [SB_SCHEMAS_PHONE_MAX + 1], err [256] = "";
    size_t length = size < sizeof text - 1? size: sizeof text - 1;
    memcpy (text, data, length);
    text [length] = 0;
    if (sb_zmon_web_phone (text, phone, err, sizeof err)) {
        if (!*err)
            abort ();
        return;
    }
    size_t digits = strlen (phone) - 1;
    if (phone [0] != '+' || digits < 1 || digits > SB_SCHEMAS_PHONE_DIGITS
    ||  strspn (phone + 1, "0123456789") != digits)
        abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char method [16], path [512], count [16], authorization [256], host [128];
    s_line (&data, &size, method, sizeof method);
    s_line (&data, &size, path, sizeof path);
    s_line (&data, &size, count, sizeof count);
    s_line (&data, &size, authorization, sizeof authorization);
    s_line (&data, &size, host, sizeof host);
    s_check_route (method, path);
    int64_t number = 0;
    if (sb_zmon_web_count (*count? count: NULL, 1000, &number) == 0
    &&  (number < 1 || number > SB_ZMON_WEB_COUNT_MAX))
        abort ();
    s_check_authorization (authorization);
    s_check_host (host);
    s_check_body (data, size);
    s_check_phone (data, size);
    return 0;
}
