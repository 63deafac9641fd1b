/*  sb_zmon_web.h — zmon's web console (docs/zmon.md, Web console): an
    HTTP server (libmicrohttpd, a pool of its own threads) serving the
    pages embedded from bin/zmon/web/static and JSON endpoints that answer
    what `zmon --json` prints, gathered by the sbzmon library:

        GET  /api/stats           the stats view (sb_zmon_stats.h)
        GET  /api/trace/CORR      {corr, rows, brokers} as `zmon trace --json`
        GET  /api/conversations?phone=NUMBER
                                  {phone, conversations, brokers}: the number's
                                  conversations, newest first (400: not a number)
        GET  /api/dlq[?count=N]   DLQ-LIST results, redacted, as `zmon dlq list --json`
        GET  /api/dlq/ID          one dead letter, as `zmon dlq show --json`
        GET  /api/supervise       supervise's status, when its socket is set
        POST /api/dlq/replay      {"id": ID} | {"all": true}: DLQ-REPLAY results

    Read-only unless a token is configured: a POST needs "Authorization:
    Bearer TOKEN" (compared in constant time); without a token every
    action is refused (403). Every answer carries a Content-Security-Policy
    of default-src 'self'; bound to loopback, it refuses other Host names. */

#ifndef SB_ZMON_WEB_H_INCLUDED
#define SB_ZMON_WEB_H_INCLUDED

#include "sb_classes.h"
#include "sb_alerts.h"

#define SB_ZMON_WEB_PORT    8081
#define SB_ZMON_WEB_THREADS 4

typedef struct {
    const char *listen;                //  IPv4 address (default 127.0.0.1)
    int port;                          //  0: any free one
    const char *const *brokers;        //  the brokers asked, broker_count of them
    size_t broker_count;
    const char *supervise;             //  supervise's control socket, or NULL
    int timeout_ms;                    //  wait for each broker's answer
    sb_alerts_t alerts;                //  zmon's own thresholds
    const char *token;                 //  actions' bearer token; NULL: none allowed
} sb_zmon_web_config_t;

typedef struct _sb_zmon_web_t sb_zmon_web_t;

//  Starts serving. The config's strings are borrowed and must outlive the
//  server. Returns NULL with the reason in err if it cannot listen.
sb_zmon_web_t *sb_zmon_web_new (const sb_zmon_web_config_t *config, char *err, size_t errlen);

//  Stops serving (requests under way finish first) and frees the server.
void sb_zmon_web_destroy (sb_zmon_web_t **self_p);

//  The port it listens on (the one chosen when the config said 0).
int sb_zmon_web_port (sb_zmon_web_t *self);

#endif
