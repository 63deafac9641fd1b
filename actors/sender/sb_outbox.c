/*  sb_outbox.c — outbox mode's JSON-lines file (see the .h).             */

#include "sb_outbox.h"
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

struct _sb_outbox_t {
    char *path;
    int fd;
    pthread_mutex_t lock;
};

sb_outbox_t *
sb_outbox_new (const char *path, char *err, size_t errlen)
{
    char *folder = strdup (path);
    char *slash = folder? strrchr (folder, '/'): NULL;
    if (slash && slash != folder) {
        *slash = 0;
        zsys_dir_create ("%s", folder);      //  ./run on a first start
    }
    free (folder);
    int fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        sb_error_set (err, errlen, "outbox %s: %s", path, strerror (errno));
        return NULL;
    }
    sb_outbox_t *self = (sb_outbox_t *) calloc (1, sizeof *self);
    if (self)
        self->path = strdup (path);
    if (!self || !self->path) {
        free (self);
        close (fd);
        sb_error_set (err, errlen, "out of memory");
        return NULL;
    }
    self->fd = fd;
    pthread_mutex_init (&self->lock, NULL);
    return self;
}

void
sb_outbox_destroy (sb_outbox_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sb_outbox_t *self = *self_p;
    close (self->fd);
    pthread_mutex_destroy (&self->lock);
    free (self->path);
    free (self);
    *self_p = NULL;
}

const char *
sb_outbox_path (const sb_outbox_t *self)
{
    return self->path;
}

int
sb_outbox_append (sb_outbox_t *self, const json_t *line, char *err, size_t errlen)
{
    char *text = json_dumps (line, JSON_COMPACT);
    char *with_newline = text? zsys_sprintf ("%s\n", text): NULL;
    free (text);
    if (!with_newline)
        return sb_error_set (err, errlen, "out of memory");
    size_t size = strlen (with_newline);
    pthread_mutex_lock (&self->lock);
    ssize_t written = write (self->fd, with_newline, size);
    pthread_mutex_unlock (&self->lock);
    zstr_free (&with_newline);
    if (written != (ssize_t) size)
        return sb_error_set (err, errlen, "outbox %s: %s", self->path,
                             written < 0? strerror (errno): "short write");
    return 0;
}
