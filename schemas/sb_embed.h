/*  sb_embed.h — text files embedded in the binaries at build time by
    schemas/embed.cmake (message type definitions, the broker's Redis
    scripts): a table of (file name, text) per embedding.                   */

#ifndef SB_EMBED_H_INCLUDED
#define SB_EMBED_H_INCLUDED

#include <stddef.h>

typedef struct {
    const char *origin;   //  file name, relative to the source tree
    const char *text;     //  its text, NUL-terminated
} sb_embed_t;

//  The definitions in schemas/types/*.zpl
extern const sb_embed_t sb_schema_builtin [];
extern const size_t sb_schema_builtin_count;

//  The broker's Redis scripts, the files in brokers/lua
extern const sb_embed_t sb_store_scripts [];
extern const size_t sb_store_scripts_count;

#endif
