/*  sb_timesheet_http.h — the HTTP backend: a timesheet service reached
    over HTTPS with sb_http, at URLs built from templates in the config
    (timesheet/http/...; docs/actors/timesheet.md), a bearer token from an
    environment variable. Time-outs, connection failures and 5xx answers
    are TRANSIENT; 404 on lookup is NOT_FOUND; 409 and 422 are REFUSED
    with the service's reason; other 4xx and unreadable answers BROKEN.

    The object holds settings only: each call has a connection of its
    own, so threads may share it. The token is wiped when it goes.        */

#ifndef SB_TIMESHEET_HTTP_H_INCLUDED
#define SB_TIMESHEET_HTTP_H_INCLUDED

#include "sb_timesheet_backend.h"

typedef struct _sb_timesheet_http_t sb_timesheet_http_t;

//  Reads the settings from section (the actor's http subsection; NULL:
//  none, which fails since base_url is required). Returns the backend,
//  or NULL with "timesheet/http/<key>: why" in err.
sb_timesheet_http_t *sb_timesheet_http_new (zconfig_t *section, char *err, size_t errlen);
void sb_timesheet_http_destroy (sb_timesheet_http_t **self_p);

int sb_timesheet_http_lookup (sb_timesheet_http_t *self, const char *tenant, const char *phone,
                              sb_timesheet_employee_t *employee, char *err, size_t errlen);
int sb_timesheet_http_entries (sb_timesheet_http_t *self, const char *tenant,
                               const char *employee, int32_t from, int32_t to,
                               json_t **entries, char *err, size_t errlen);
int sb_timesheet_http_log (sb_timesheet_http_t *self, const char *tenant, const char *employee,
                           const char *key, const json_t *entry, json_t **recorded,
                           char *err, size_t errlen);
int sb_timesheet_http_submit (sb_timesheet_http_t *self, const char *tenant,
                              const char *employee, int32_t week_start, const char *key,
                              int64_t now_ms, char *err, size_t errlen);
int sb_timesheet_http_employees (sb_timesheet_http_t *self, const char *tenant,
                                 json_t **employees, char *err, size_t errlen);

#endif
