/*  sb_reply_arena.c — hiredis reply objects built in one reused arena
    (sb_reply_arena.h). A bump allocator over a list of chunks: reset rewinds
    to the first chunk and lets go of the others when they grew large
    (one huge reply should not pin its memory for ever).  */

#include <stdlib.h>
#include <string.h>
#include "sb_reply_arena.h"

#define S_CHUNK_SIZE (64 * 1024)
#define S_KEEP_MAX (1024 * 1024)     //  kept across resets at most
#define S_ELEMENTS_MAX (1 << 20)     //  an array longer than any the store
                                     //  asks for is refused, not allocated

typedef struct s_chunk_t {
    struct s_chunk_t *next;
    size_t size, used;
    //  the memory follows, aligned as max_align_t
} s_chunk_t;

#define S_HEADER (((sizeof (s_chunk_t) + 15) / 16) * 16)

struct _sb_reply_arena_t {
    s_chunk_t *first;                //  the chunks, oldest first
    s_chunk_t *current;              //  where allocations come from now
    size_t total;                    //  bytes in every chunk
    redisReplyObjectFunctions functions;
    redisReplyObjectFunctions *saved;    //  the context's own, while attached
    void *saved_privdata;
};

static void *s_create_string (const redisReadTask *task, char *str, size_t len);
static void *s_create_array (const redisReadTask *task, int elements);
static void *s_create_integer (const redisReadTask *task, long long value);
static void *s_create_nil (const redisReadTask *task);
static void s_free_object (void *reply);

sb_reply_arena_t *
sb_reply_arena_new (void)
{
    sb_reply_arena_t *self = (sb_reply_arena_t *) calloc (1, sizeof (sb_reply_arena_t));
    if (self)
        self->functions = (redisReplyObjectFunctions) { s_create_string, s_create_array,
            s_create_integer, s_create_nil, s_free_object };
    return self;
}

static void
s_free_chunks (s_chunk_t *chunk)
{
    while (chunk) {
        s_chunk_t *next = chunk->next;
        free (chunk);
        chunk = next;
    }
}

void
sb_reply_arena_destroy (sb_reply_arena_t **self_p)
{
    if (self_p && *self_p) {
        s_free_chunks ((*self_p)->first);
        free (*self_p);
        *self_p = NULL;
    }
}

void
sb_reply_arena_attach (sb_reply_arena_t *self, redisReader *reader)
{
    self->saved = reader->fn;
    self->saved_privdata = reader->privdata;
    reader->fn = &self->functions;
    reader->privdata = self;
}

void
sb_reply_arena_detach (sb_reply_arena_t *self, redisReader *reader)
{
    if (reader->fn == &self->functions) {
        reader->fn = self->saved;
        reader->privdata = self->saved_privdata;
    }
}

void
sb_reply_arena_reset (sb_reply_arena_t *self)
{
    if (!self->first)
        return;
    //  Chunks past the limit go; the rest are rewound
    size_t kept = 0;
    s_chunk_t *chunk = self->first, *last = NULL;
    while (chunk && kept + chunk->size <= S_KEEP_MAX) {
        kept += chunk->size;
        chunk->used = 0;
        last = chunk;
        chunk = chunk->next;
    }
    if (last) {
        s_free_chunks (last->next);
        last->next = NULL;
    }
    else {
        s_free_chunks (self->first);
        self->first = NULL;
    }
    self->total = kept;
    self->current = self->first;
}

//  size bytes aligned to 16, from the current chunk or a new one
static void *
s_alloc (sb_reply_arena_t *self, size_t size)
{
    size = ((size + 15) / 16) * 16;
    while (self->current && self->current->used + size > self->current->size)
        self->current = self->current->next;   //  a rewound chunk too small
    if (!self->current) {
        size_t room = size > S_CHUNK_SIZE? size: S_CHUNK_SIZE;
        s_chunk_t *chunk = (s_chunk_t *) malloc (S_HEADER + room);
        if (!chunk)
            return NULL;   //  hiredis takes NULL as out of memory
        *chunk = (s_chunk_t) { NULL, room, 0 };
        //  Appended at the end: the chunks stay in the order they are used
        s_chunk_t **tail = &self->first;
        while (*tail)
            tail = &(*tail)->next;
        *tail = chunk;
        self->current = chunk;
        self->total += room;
    }
    void *memory = (char *) self->current + S_HEADER + self->current->used;
    self->current->used += size;
    return memory;
}

//  The arena of a task: the reader's privdata, which hiredis copies into
//  the root task (and children), else found through the parents
static sb_reply_arena_t *
s_arena (const redisReadTask *task)
{
    while (!task->privdata && task->parent)
        task = task->parent;
    return (sb_reply_arena_t *) task->privdata;
}

//  A reply of type for task, placed in its parent array if it has one
static redisReply *
s_reply (const redisReadTask *task, int type)
{
    redisReply *reply = (redisReply *) s_alloc (s_arena (task), sizeof (redisReply));
    if (!reply)
        return NULL;
    memset (reply, 0, sizeof *reply);
    reply->type = type;
    if (task->parent) {
        redisReply *parent = (redisReply *) task->parent->obj;
        parent->element [task->idx] = reply;
    }
    return reply;
}

static void *
s_create_string (const redisReadTask *task, char *str, size_t len)
{
    char *copy = (char *) s_alloc (s_arena (task), len + 1);
    if (!copy)
        return NULL;
    redisReply *reply = s_reply (task, task->type);
    if (!reply)
        return NULL;
    memcpy (copy, str, len);
    copy [len] = 0;
    reply->str = copy;
    reply->len = len;
    return reply;
}

static void *
s_create_array (const redisReadTask *task, int elements)
{
    redisReply **element = NULL;
    if (elements > S_ELEMENTS_MAX)
        return NULL;   //  hiredis: out of memory, the connection fails
    if (elements > 0) {
        element = (redisReply **) s_alloc (s_arena (task), (size_t) elements * sizeof *element);
        if (!element)
            return NULL;
        memset (element, 0, (size_t) elements * sizeof *element);
    }
    redisReply *reply = s_reply (task, REDIS_REPLY_ARRAY);
    if (!reply)
        return NULL;
    reply->elements = elements > 0? (size_t) elements: 0;
    reply->element = element;
    return reply;
}

static void *
s_create_integer (const redisReadTask *task, long long value)
{
    redisReply *reply = s_reply (task, REDIS_REPLY_INTEGER);
    if (reply)
        reply->integer = value;
    return reply;
}

static void *
s_create_nil (const redisReadTask *task)
{
    return s_reply (task, REDIS_REPLY_NIL);
}

//  hiredis frees a half-built reply on a protocol error: the arena owns
//  it, and reset takes it back
static void
s_free_object (void *reply)
{
    (void) reply;
}
