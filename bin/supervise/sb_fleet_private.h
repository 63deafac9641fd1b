/*  sb_fleet_private.h — what sb_fleet.c (the tree, order) and
    sb_fleet_keys.c (one program's keys) share while parsing.              */

#ifndef SB_FLEET_PRIVATE_H_INCLUDED
#define SB_FLEET_PRIVATE_H_INCLUDED

#include "sb_fleet.h"

#define S_MAX_FILE  (1024 * 1024)      //  a fleet file is small
#define S_MAX_NODES (1024 * 1024)
#define S_MAX_DEPTH 16                 //  levels of indentation

//  One parse: where errors go, the folders paths are relative to, and each
//  node's line in the file.
typedef struct {
    const char *origin;         //  the file's name, for errors
    const char *base;           //  the file's folder
    const char *cwd;            //  supervise's working directory
    const char *directory;      //  the fleet's: relative paths start there
    char *err;
    size_t errlen;
    zconfig_t **nodes;          //  node i is on line lines [i]
    size_t *lines;
    size_t line_count;
    zconfig_t *depends_nodes [SB_FLEET_MAX_PROGRAMS];  //  per program, for errors
} s_parse_t;

//  The line of node in the file, or 0 if unknown.
size_t sb_fleet_line_of (s_parse_t *self, zconfig_t *node);

//  Writes "origin:line: reason" (the line of node, if known) to the
//  parse's err. Returns -1.
int sb_fleet_fail (s_parse_t *self, zconfig_t *node, const char *format, ...) SB_PRINTF (3, 4);

//  Returns path joined to folder unless it is absolute; a new string.
char *sb_fleet_path_join (const char *folder, const char *path);

//  Parses the program section node, over the defaults section (may be
//  NULL). Returns the definition, or NULL with the reason in the parse.
sb_program_def_t *sb_fleet_program_parse (s_parse_t *self, zconfig_t *node, zconfig_t *defaults,
                                          sb_fleet_t *fleet);

#endif
