/*  sb_zmon_web_http.h — the web console's reading of what a browser sends
    (docs/zmon.md, Web console): a request's method and path to a route,
    the body of POST /api/dlq/replay, the query's count and phone, the Authorization
    header against the configured token, and the embedded pages' content
    types. Every byte comes from outside: bounded, checked, refused with
    an HTTP status and a reason, never trusted (tests/fuzz/fuzz_zmon_web.c).
    No libmicrohttpd type appears here.                                    */

#ifndef SB_ZMON_WEB_HTTP_H_INCLUDED
#define SB_ZMON_WEB_HTTP_H_INCLUDED

#include "sb_classes.h"
#include "sb_embed.h"

#define SB_ZMON_WEB_ARG_MAX   200      //  a conversation or dead letter id
#define SB_ZMON_WEB_BODY_MAX  4096     //  the largest POST body read
#define SB_ZMON_WEB_COUNT_MAX 10000    //  dead letters listed at most

typedef enum {
    SB_ZMON_WEB_STATIC,                //  a page, style sheet or script: file
    SB_ZMON_WEB_STATS,                 //  GET /api/stats
    SB_ZMON_WEB_TRACE,                 //  GET /api/trace/CORR: arg
    SB_ZMON_WEB_DLQ_LIST,              //  GET /api/dlq
    SB_ZMON_WEB_DLQ_SHOW,              //  GET /api/dlq/ID: arg
    SB_ZMON_WEB_DLQ_REPLAY,            //  POST /api/dlq/replay (an action)
    SB_ZMON_WEB_SUPERVISE,             //  GET /api/supervise
    SB_ZMON_WEB_CONVERSATIONS          //  GET /api/conversations?phone=NUMBER
} sb_zmon_web_kind_t;

typedef struct {
    sb_zmon_web_kind_t kind;
    const sb_embed_t *file;            //  STATIC: the embedded file
    char arg [SB_ZMON_WEB_ARG_MAX + 1];
} sb_zmon_web_route_t;

//  The files of bin/zmon/web/static, embedded at build time.
extern const sb_embed_t sb_zmon_web_files [];
extern const size_t sb_zmon_web_files_count;

//  Reads method and path (as libmicrohttpd gives it: %-decoded, without
//  the query) into route. Returns 0, or the HTTP status to answer (404 no
//  such path, 405 wrong method, 400 bad id) with the reason in err.
int sb_zmon_web_route (const char *method, const char *path, sb_zmon_web_route_t *route,
                       char *err, size_t errlen);

//  Reads a replay body, {"id": "ID"} or {"all": true}, writing the id or
//  "all" into id (SB_ZMON_WEB_ARG_MAX + 1 bytes). Returns 0, or -1 with
//  the reason in err.
int sb_zmon_web_replay_parse (const char *body, size_t size, char *id, char *err,
                              size_t errlen);

//  Reads the query's count (NULL: default) into count. Returns 0, or -1
//  if it is not a number in 1..SB_ZMON_WEB_COUNT_MAX.
int sb_zmon_web_count (const char *text, int64_t default_count, int64_t *count);

//  Reads the query's phone (NULL: absent) into phone (SB_SCHEMAS_PHONE_MAX
//  + 1 bytes), normalised (sb_schemas_phone_normalise). A '+' sent
//  unencoded in a query arrives as a space: a leading space is read as
//  '+'. Returns 0, or -1 with the reason in err.
int sb_zmon_web_phone (const char *text, char *phone, char *err, size_t errlen);

//  True if authorization (the header's value, or NULL) is "Bearer TOKEN"
//  with token's exact bytes; compared in time that does not depend on
//  where they differ. Always false when token is NULL or empty.
bool sb_zmon_web_authorized (const char *token, const char *authorization);

//  True if host (the Host header, or NULL) names the loopback interface
//  (127.0.0.1, localhost, [::1], with any port): a page served from a
//  loopback console is refused to any other name (DNS rebinding).
bool sb_zmon_web_host_is_loopback (const char *host);

//  The Content-Type of an embedded file, by its name's extension.
const char *sb_zmon_web_content_type (const char *name);

#endif
