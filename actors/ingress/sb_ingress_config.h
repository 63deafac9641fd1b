/*  sb_ingress_config.h — ingress's settings from its config section
    (ingress/...) and from the command line, one key at a time, with the
    same checks for both. Values are borrowed: the strings stay those of
    the zconfig tree or argv they came from.                              */

#ifndef SB_INGRESS_CONFIG_H_INCLUDED
#define SB_INGRESS_CONFIG_H_INCLUDED

#include "sb_ingress.h"

//  Applies one setting by name; where names its origin in messages (a
//  file's key, an option). Returns 0, or -1 with the reason in err.
int sb_ingress_config_apply (sb_ingress_config_t *config, const char *name, const char *value,
                             const char *where, char *err, size_t errlen);

//  True when name is a plain key of ingress/ (not numbers or
//  workspace-tokens), that is an option --name too.
bool sb_ingress_config_is_key (const char *name);

//  Applies file's section 'ingress' (none: nothing changes), path naming
//  the file in messages; numbers and workspace-tokens are borrowed from
//  file. Returns 0, or -1 with the reason in err (unknown key, bad value,
//  a map entry without a value).
int sb_ingress_config_load (sb_ingress_config_t *config, zconfig_t *file, const char *path,
                            char *err, size_t errlen);

#endif
