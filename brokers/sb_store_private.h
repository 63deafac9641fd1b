/*  sb_store_private.h — what the store's two files share (sb_store.c:
    connection, scripts, queues, pipelines; sb_store_admin.c: dead letters
    and figures): the store's state, argument vectors and command helpers.
    hiredis's types stay behind this header, inside brokers/.             */

#ifndef SB_STORE_PRIVATE_H_INCLUDED
#define SB_STORE_PRIVATE_H_INCLUDED

#include "sb_classes.h"
#include "sb_store.h"
#include <hiredis/hiredis.h>

typedef enum {
    S_PUBLISH, S_COMPLETE, S_CLAIM, S_TOUCH, S_MOVE_DUE, S_DLQ_REPLAY, S_TRIM, S_SCRIPTS
} sb_store_script_t;

struct _sb_store_t {
    redisContext *redis;         //  NULL while disconnected
    char *url;
    char *prefix;
    char *consumer;
    char *password;
    int timeout_ms;
    int64_t next_connect_ms;     //  while disconnected: no attempt before (zclock_mono)
    int64_t trace_ttl_ms;        //  0: no trace written
    char sha [S_SCRIPTS][41];    //  loaded scripts' SHA1s
    char error [256];
    bool pipelining;             //  between pipeline_begin and _send
    bool reload_scripts;         //  Redis said NOSCRIPT in a pipeline
    zlistx_t *pending;           //  s_pending_t: replies owed, in order
    uint64_t connection;         //  counts connections made: a reply owed
                                 //  on a dropped one never comes
    struct _sb_reply_arena_t *arena;     //  where pipelined replies are built
    char *command;               //  a pipelined command in RESP, reused
    size_t command_size;         //  its capacity
};

//  Closes a connection that failed (its reason already set by
//  sb_store_fail); the next attempt comes a second later (at least),
//  not at once: a call that timed out would be followed by a connect that
//  blocks as long, and the broker's loop would go deaf twice over.
void sb_store_drop (sb_store_t *self);

//  A reply owed to a command sent in a pipeline, and what reads it.
typedef int (s_parse_fn) (sb_store_t *self, redisReply *reply, void *output, size_t count);

typedef struct {
    s_parse_fn *parse;
    void *output;
    size_t count;
    uint64_t connection;         //  the store's connection it was sent on
} s_pending_t;

//  An argument vector for one command, with the storage of the numbers
//  formatted into it.
#define S_NUMBERS_PER_CHUNK 128

typedef struct {
    const char **argv;
    size_t *lengths;
    size_t count, capacity;
    zlistx_t *owned;             //  chunks of formatted numbers
    char (*numbers) [24];        //  the current chunk
    size_t numbers_used;
    bool failed;                 //  out of memory along the way
} sb_store_args_t;

//  Writes the reason into the store's error buffer; returns -1.
int sb_store_fail (sb_store_t *self, const char *format, ...) SB_PRINTF (2, 3);

//  Argument vectors: init, add (strings borrowed; numbers formatted into
//  the vector's own storage), clear.
void sb_store_args_init (sb_store_args_t *args);
void sb_store_args_clear (sb_store_args_t *args);
void sb_store_args_add (sb_store_args_t *args, const void *data, size_t size);
void sb_store_args_add_str (sb_store_args_t *args, const char *text);
void sb_store_args_add_int (sb_store_args_t *args, int64_t value);

//  Writes value in decimal at at (room for 20 digits); returns the bytes
//  written.
size_t sb_store_decimal (char *at, uint64_t value);

//  Starts an EVALSHA of script (the caller adds its ARGV after the prefix).
void sb_store_args_eval (sb_store_t *self, sb_store_args_t *args, sb_store_script_t script);

//  Runs a command, or an EVALSHA (scripts reloaded once if Redis lost
//  them). Returns the reply (caller frees) or NULL with the reason set.
redisReply *sb_store_command (sb_store_t *self, sb_store_args_t *args);
redisReply *sb_store_eval (sb_store_t *self, sb_store_args_t *args);

//  A field's value in a stream entry's flat field list, or NULL; a reply
//  read as an unsigned number (0 if it is not one).
const redisReply *sb_store_field (const redisReply *fields, const char *name);
uint32_t sb_store_reply_uint (const redisReply *reply);

#endif
