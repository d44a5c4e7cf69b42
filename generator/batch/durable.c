/* durable — see durable.h. */
#include "batch/durable.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* A folder of OUT held open for the files of one batch that lie in it. Items come in plan
 * order, so a batch is a few runs of files in one folder each: the folder is walked from OUT
 * (outpath_open_dir: one descriptor per component, no link followed) once per run, not twice per
 * file (for the temporary and for the destination, which share it) — 12 openat and close a file
 * fewer. The descriptor lives for one batch only, as the worker's does for its run of items: a
 * folder swapped for a link after it was opened is not walked through, and the next batch walks
 * again. */
typedef struct {
    char rel[PATH_MAX]; /* the folder, relative to OUT ("" for OUT) */
    int fd;             /* its descriptor, or -1 */
} held_dir;

/* The descriptor of rel[0..len) under root, the held one when it is that folder. -1 with errno. */
static int held_dir_fd(held_dir *h, const char *root, const char *rel, size_t len)
{
    if (h->fd >= 0 && strlen(h->rel) == len && !memcmp(h->rel, rel, len)) return h->fd;
    if (h->fd >= 0) close(h->fd);
    h->fd = -1;
    if (len >= sizeof h->rel) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(h->rel, rel, len);
    h->rel[len] = 0;
    char err[64];
    errno = 0;
    h->fd = outpath_open_dir(root, h->rel, 0, err, sizeof err);
    return h->fd;
}

/* Renames root/tmp_rel to root/dest_rel as outpath_rename does, through h's descriptors. */
static int rename_held(held_dir *h, const char *root, const char *tmp_rel, const char *dest_rel)
{
    const char *ts = strrchr(tmp_rel, '/'), *ds = strrchr(dest_rel, '/');
    size_t tl = ts ? (size_t)(ts - tmp_rel) : 0, dl = ds ? (size_t)(ds - dest_rel) : 0;
    if (tl != dl || memcmp(tmp_rel, dest_rel, tl)) return outpath_rename(root, tmp_rel, dest_rel);
    int fd = held_dir_fd(h, root, tmp_rel, tl);
    if (fd < 0) return -1;
    return renameat(fd, ts ? ts + 1 : tmp_rel, fd, ds ? ds + 1 : dest_rel);
}

static void settle(durable *d)
{
    int sync_err = 0;
    int fd = open(d->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || syncfs(fd) != 0) sync_err = errno ? errno : EIO;
    if (fd >= 0) close(fd);
    held_dir h = {"", -1};
    for (size_t i = 0; i < d->n; i++) {
        durable_file *f = &d->files[i];
        f->err = sync_err;
        /* By the folder's descriptor, walked from OUT without following links: a folder swapped
         * for a link since the worker wrote the temporary is refused, not renamed through. */
        size_t skip = strlen(d->dir) + 1;
        errno = 0;
        if (!f->err && (strncmp(f->tmp, d->dir, skip - 1) || strncmp(f->dest, d->dir, skip - 1) ||
                        rename_held(&h, d->dir, f->tmp + skip, f->dest + skip) != 0))
            f->err = errno ? errno : EIO;
    }
    if (h.fd >= 0) close(h.fd);
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
