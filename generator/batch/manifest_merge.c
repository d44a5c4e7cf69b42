/* manifest_merge — the manifest parts of a sharded build (manifest.h). */
#include "batch/manifest.h"
#include "base/i18n.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void manifest_merge_part_path(ws_buf *b, const char *out, unsigned k, unsigned n)
{
    ws_buf_printf(b, "%s/manifest.%u-of-%u.json", out, k, n);
}

void manifest_merge_carry_over(manifest *m, const manifest *base, const char *out)
{
    manifest_sort(m);
    size_t n = m->n;
    for (size_t i = 0; i < base->n; i++) {
        const manifest_entry *e = &base->v[i];
        int have = 0;
        /* m is sorted up to n; entries appended after n are from base, which has unique paths */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(m->v[mid].path, e->path);
            if (!c) {
                have = 1;
                break;
            }
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        if (!have && (!out || manifest_file_present(out, e))) manifest_add(m, e);
    }
    manifest_sort(m);
}

/* The N of the manifest parts in OUT; 0 when there are none, -1 when parts of different N mix. */
static long parts_n(const char *out)
{
    DIR *dir = opendir(out);
    if (!dir) return 0;
    long n = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        unsigned k, pn;
        int end = 0;
        if (sscanf(de->d_name, "manifest.%u-of-%u.json%n", &k, &pn, &end) != 2 || de->d_name[end] || !pn || k > pn) continue;
        if (n && (unsigned long)n != pn) n = -1;
        if (n >= 0) n = pn;
    }
    closedir(dir);
    return n;
}

int manifest_merge_parts(const char *out, int require_all, char *err, size_t errlen)
{
    long pn = parts_n(out);
    if (pn < 0) {
        snprintf(err, errlen, _("manifest parts of different shard counts in %s; remove the stale ones"), out);
        return -1;
    }
    if (pn == 0) {
        snprintf(err, errlen, _("no manifest parts (manifest.K-of-N.json) in %s"), out);
        return 1;
    }
    unsigned n = (unsigned)pn;
    manifest merged = {0};
    ws_buf missing = {0};
    for (unsigned k = 1; k <= n; k++) {
        ws_buf name = {0};
        manifest_merge_part_path(&name, out, k, n);
        manifest part = {0};
        int gone = 0;
        char why[1024];
        int rc = manifest_read(name.data, &part, &gone, why, sizeof why);
        if (rc == -2 && gone) {
            ws_buf_printf(&missing, "%s%u", missing.len ? ", " : "", k);
        } else if (rc) {
            snprintf(err, errlen, "%s", why);
            manifest_free(&part);
            manifest_free(&merged);
            ws_buf_free(&name);
            ws_buf_free(&missing);
            return -1;
        }
        for (size_t i = 0; i < part.n; i++) manifest_add(&merged, &part.v[i]);
        manifest_free(&part);
        ws_buf_free(&name);
    }
    int partial = missing.len > 0;
    if (partial) {
        snprintf(err, errlen, _("shards %s of %u have not finished yet"), missing.data, n);
        ws_buf_free(&missing);
        if (require_all) {
            manifest_free(&merged);
            return 1;
        }
    }
    ws_buf mpath = {0};
    ws_buf_printf(&mpath, "%s/%s", out, MANIFEST_NAME);
    manifest old = {0};
    char why[1024], werr[1024];
    if (manifest_read(mpath.data, &old, NULL, why, sizeof why) == 0) manifest_merge_carry_over(&merged, &old, out);
    manifest_free(&old);
    int rc = manifest_write(&merged, mpath.data, werr, sizeof werr);
    manifest_free(&merged);
    ws_buf_free(&mpath);
    if (rc) {
        snprintf(err, errlen, "%s", werr);
        return -1;
    }
    for (unsigned k = 1; k <= n; k++) {
        ws_buf name = {0};
        manifest_merge_part_path(&name, out, k, n);
        unlink(name.data);
        ws_buf_free(&name);
    }
    return partial ? 2 : 0;
}
