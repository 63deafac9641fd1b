/*  sb_schema_builtin.h — the definitions in schemas/types/, embedded at
    build time by schemas/embed.cmake into sb_schema_builtin.c.            */

#ifndef SB_SCHEMA_BUILTIN_H_INCLUDED
#define SB_SCHEMA_BUILTIN_H_INCLUDED

#include <stddef.h>

typedef struct {
    const char *origin;   //  file name, for error messages
    const char *text;     //  its ZPL text
} sb_schema_source_t;

extern const sb_schema_source_t sb_schema_builtin [];
extern const size_t sb_schema_builtin_count;

#endif
