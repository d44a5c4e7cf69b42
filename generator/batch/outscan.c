/* outscan — see outscan.h. */
#include "batch/outscan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/outlock.h"
#include "base/i18n.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Walks the folder open as dfd (taking it over: closed here). Every entry is looked at relative
 * to dfd without following links (fstatat AT_SYMLINK_NOFOLLOW), and a subfolder is entered by
 * openat(O_NOFOLLOW|O_DIRECTORY) from dfd, its identity checked against what fstatat saw: a
 * folder swapped for a link (or for another folder) between the two calls is not entered. So the
 * walk never leaves the tree under root, whatever is renamed meanwhile, and the callback can act
 * on an entry through (dfd, name) — unlinkat — without a path that a swapped folder could
 * redirect. */
static int walk(int dfd, const char *full, const char *rel, outscan_fn fn, void *ctx, int depth, char *err, size_t errlen)
{
    if (depth > 64) { /* deeper than any output we make */
        close(dfd);
        return 0;
    }
    DIR *dir = fdopendir(dfd);
    if (!dir) {
        snprintf(err, errlen, _("cannot read folder %s: %s"), full, strerror(errno));
        close(dfd);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (n == cap) names = ws_xrealloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
        names[n++] = ws_xstrdup(de->d_name);
    }
    if (n) qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc) {
            free(names[i]);
            continue;
        }
        ws_buf f = {0}, r = {0};
        ws_buf_printf(&f, "%s/%s", full, names[i]);
        if (rel[0]) ws_buf_printf(&r, "%s/%s", rel, names[i]);
        else ws_buf_puts(&r, names[i]);
        struct stat st, sub_st;
        if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0) {
            if (S_ISDIR(st.st_mode)) {
                int sub = openat(dfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0 && fstat(sub, &sub_st) == 0 && sub_st.st_dev == st.st_dev && sub_st.st_ino == st.st_ino)
                    rc = walk(sub, f.data, r.data, fn, ctx, depth + 1, err, errlen);
                else if (sub >= 0)
                    close(sub); /* replaced since it was looked at: not ours to walk */
            } else {
                rc = fn(r.data, f.data, dfd, names[i], &st, ctx);
            }
        }
        ws_buf_free(&f);
        ws_buf_free(&r);
        free(names[i]);
    }
    free(names);
    closedir(dir); /* closes dfd */
    return rc;
}

int outscan_walk(const char *root, outscan_fn fn, void *ctx, char *err, size_t errlen)
{
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, _("cannot read folder %s: %s"), root, strerror(errno));
        return -1;
    }
    return walk(fd, root, "", fn, ctx, 0, err, errlen);
}

int outscan_is_temp(const char *name)
{
    const char *t = strstr(name, ".tmp.");
    if (!t) return 0;
    const char *last;
    do { /* the last occurrence */
        last = t;
        t = strstr(t + 1, ".tmp.");
    } while (t);
    const char *d = last + 5;
    if (!*d) return 0;
    for (; *d; d++)
        if (*d < '0' || *d > '9') return 0;
    return 1;
}

typedef struct {
    const manifest *mine; /* NULL: every temporary */
    size_t removed;
} temp_scan;

static int remove_temp(const char *rel, const char *full, int dirfd, const char *name, const struct stat *st, void *ctx)
{
    temp_scan *t = ctx;
    (void)st;
    (void)full;
    const char *base = strrchr(rel, '/');
    /* A shard's lock file at the top of OUT, left by a killed shard: only a run holding OUT
     * exclusively (mine NULL) gets here, and then no shard is running. */
    if (!t->mine && !base && outlock_is_shard_lock(rel)) {
        if (unlinkat(dirfd, name, 0) == 0) t->removed++;
        return 0;
    }
    if (!outscan_is_temp(base ? base + 1 : rel)) return 0;
    if (t->mine) {
        char *target = ws_xstrdup(rel);
        char *cut = strstr(target, ".tmp."), *later;
        while ((later = strstr(cut + 1, ".tmp."))) cut = later; /* the suffix is the last ".tmp." */
        *cut = 0;
        int ours = manifest_find(t->mine, target) != NULL;
        free(target);
        if (!ours) return 0;
    }
    if (unlinkat(dirfd, name, 0) == 0) t->removed++; /* in the folder walked, never by path */
    return 0;
}

size_t outscan_remove_temps(const char *root, const manifest *mine)
{
    temp_scan ts = {mine, 0};
    char err[1024];
    outscan_walk(root, remove_temp, &ts, err, sizeof err); /* an unreadable folder: nothing to remove there */
    return ts.removed;
}
