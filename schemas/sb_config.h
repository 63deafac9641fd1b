/*  sb_config.h — reading ZPL config files (CZMQ's zconfig) with errors
    that name the file and line, and without CZMQ's leak on a bad file.    */

#ifndef SB_CONFIG_H_INCLUDED
#define SB_CONFIG_H_INCLUDED

#include <stddef.h>
#include <czmq.h>

//  Loads path. Returns the tree (caller destroys), or NULL with
//  "path: reason" or "path:LINE: reason" in err.
zconfig_t *sb_config_load (const char *path, char *err, size_t errlen);

//  Parses ZPL text; origin names it in err. Same contract.
zconfig_t *sb_config_parse (const char *text, const char *origin, char *err, size_t errlen);

#endif
