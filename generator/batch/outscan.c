/* outscan — see outscan.h. */
#include "batch/outscan.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(const char *full, const char *rel, outscan_fn fn, void *ctx, int depth, char *err, size_t errlen)
{
    if (depth > 64) return 0; /* deeper than any output we make */
    DIR *dir = opendir(full);
    if (!dir) {
        snprintf(err, errlen, "cannot read folder %s: %s", full, strerror(errno));
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
    closedir(dir);
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
        struct stat st;
        if (lstat(f.data, &st) == 0) {
            if (S_ISDIR(st.st_mode)) rc = walk(f.data, r.data, fn, ctx, depth + 1, err, errlen);
            else rc = fn(r.data, f.data, &st, ctx);
        }
        ws_buf_free(&f);
        ws_buf_free(&r);
        free(names[i]);
    }
    free(names);
    return rc;
}

int outscan_walk(const char *root, outscan_fn fn, void *ctx, char *err, size_t errlen)
{
    return walk(root, "", fn, ctx, 0, err, errlen);
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

static int remove_temp(const char *rel, const char *full, const struct stat *st, void *ctx)
{
    temp_scan *t = ctx;
    (void)st;
    const char *base = strrchr(rel, '/');
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
    if (unlink(full) == 0) t->removed++;
    return 0;
}

size_t outscan_remove_temps(const char *root, const manifest *mine)
{
    temp_scan ts = {mine, 0};
    char err[1024];
    outscan_walk(root, remove_temp, &ts, err, sizeof err); /* an unreadable folder: nothing to remove there */
    return ts.removed;
}
