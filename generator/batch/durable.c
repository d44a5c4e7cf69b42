/* durable — see durable.h. */
#include "batch/durable.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/outpath.h"

struct durable {
    char *dir;
    durable_file *files; /* the batch in flight, or NULL */
    size_t n;
    int threaded;        /* the batch in flight runs on thread */
    pthread_t thread;
};

durable *durable_new(const char *dir)
{
    durable *d = ws_xcalloc(1, sizeof *d);
    d->dir = ws_xstrdup(dir);
    return d;
}

static void settle(durable *d)
{
    int sync_err = 0;
    int fd = open(d->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || syncfs(fd) != 0) sync_err = errno ? errno : EIO;
    if (fd >= 0) close(fd);
    for (size_t i = 0; i < d->n; i++) {
        durable_file *f = &d->files[i];
        f->err = sync_err;
        /* By the folder's descriptor, walked from OUT without following links: a folder swapped
         * for a link since the worker wrote the temporary is refused, not renamed through. */
        size_t skip = strlen(d->dir) + 1;
        if (!f->err && (strncmp(f->tmp, d->dir, skip - 1) || strncmp(f->dest, d->dir, skip - 1) ||
                        outpath_rename(d->dir, f->tmp + skip, f->dest + skip) != 0))
            f->err = errno ? errno : EIO;
    }
}

static void *thread_main(void *arg)
{
    settle(arg);
    return NULL;
}

durable_file *durable_wait(durable *d, size_t *n)
{
    if (!d->files) {
        *n = 0;
        return NULL;
    }
    if (d->threaded) pthread_join(d->thread, NULL);
    durable_file *f = d->files;
    *n = d->n;
    d->files = NULL;
    d->n = 0;
    d->threaded = 0;
    return f;
}

void durable_submit(durable *d, durable_file *files, size_t n)
{
    size_t ignored;
    durable_wait(d, &ignored);
    d->files = files;
    d->n = n;
    /* Without a thread (none could be started) the batch is settled here, just as safely. */
    d->threaded = pthread_create(&d->thread, NULL, thread_main, d) == 0;
    if (!d->threaded) settle(d);
}

void durable_free(durable *d)
{
    if (!d) return;
    size_t ignored;
    durable_wait(d, &ignored);
    free(d->dir);
    free(d);
}
