/* statcache — see statcache.h. */
#include "batch/statcache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch/outpath.h"

/* Whether the file may still change without its stat showing it: its mtime is not two ticks of
 * the coarsest filesystem older than the clock read before its stat was taken. */
static int racy(const struct stat *st, const struct timespec *before)
{
    int64_t m = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    int64_t b = (int64_t)before->tv_sec * 1000000000LL + before->tv_nsec;
    return b - m < STATCACHE_RACY_NS;
}

void statcache_note(statcache *c, const char *path, const char *sha, const struct stat *st, const struct timespec *before)
{
    if (strchr(path, '\n') || strlen(sha) != SHA256_HEX_LEN) return; /* one line per entry */
    if (racy(st, before)) return;
    if (c->n == c->cap) c->v = ws_xrealloc(c->v, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof *c->v);
    statcache_entry *e = &c->v[c->n++];
    e->path = ws_xstrdup(path);
    memcpy(e->sha256, sha, SHA256_HEX_LEN + 1);
    e->size = (uint64_t)st->st_size;
    e->ino = (uint64_t)st->st_ino;
    e->dev = (uint64_t)st->st_dev;
    e->mtime_s = st->st_mtim.tv_sec;
    e->mtime_ns = st->st_mtim.tv_nsec;
    e->ctime_s = st->st_ctim.tv_sec;
    e->ctime_ns = st->st_ctim.tv_nsec;
    c->sorted = 0;
}

void statcache_free(statcache *c)
{
    for (size_t i = 0; i < c->n; i++) free(c->v[i].path);
    free(c->v);
    *c = (statcache){0};
}

/* By path; of equal paths the one noted last first, so that the later note wins (qsort is not
 * stable: the index decides). */
static int cmp_entry(const void *a, const void *b)
{
    const statcache_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : x < y ? 1 : x > y ? -1 : 0;
}

static void sort(statcache *c)
{
    if (c->sorted) return;
    if (c->n) qsort(c->v, c->n, sizeof *c->v, cmp_entry); /* v is NULL when empty */
    size_t k = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (k && !strcmp(c->v[k - 1].path, c->v[i].path)) {
            free(c->v[i].path);
            continue;
        }
        c->v[k++] = c->v[i];
    }
    c->n = k;
    c->sorted = 1;
}

static const statcache_entry *find(statcache *c, const char *path)
{
    sort(c);
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = strcmp(c->v[mid].path, path);
        if (!d) return &c->v[mid];
        if (d < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* One line "<sha> <size> <ms>.<mns> <cs>.<cns> <ino> <dev> <path>" into e (path copied). */
static int parse_line(const char *s, const char *end, statcache_entry *e)
{
    if (end - s < SHA256_HEX_LEN + 1 || s[SHA256_HEX_LEN] != ' ') return -1;
    for (int i = 0; i < SHA256_HEX_LEN; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return -1;
    memcpy(e->sha256, s, SHA256_HEX_LEN);
    e->sha256[SHA256_HEX_LEN] = 0;
    char *line = ws_xstrndup(s + SHA256_HEX_LEN + 1, (size_t)(end - s - SHA256_HEX_LEN - 1));
    unsigned long long size, ino, dev;
    long long ms, mns, cs, cns;
    int used = -1;
    if (sscanf(line, "%llu %lld.%lld %lld.%lld %llu %llu %n", &size, &ms, &mns, &cs, &cns, &ino, &dev, &used) != 7 ||
        used < 0 || !line[used] || mns < 0 || mns > 999999999 || cns < 0 || cns > 999999999 ||
        !outpath_rel_ok(line + used)) {
        free(line);
        return -1;
    }
    *e = (statcache_entry){ws_xstrdup(line + used), {0}, size, ino, dev, ms, mns, cs, cns};
    memcpy(e->sha256, s, SHA256_HEX_LEN + 1);
    e->sha256[SHA256_HEX_LEN] = 0;
    free(line);
    return 0;
}

void statcache_read(statcache *c, const char *path)
{
    *c = (statcache){0};
    ws_buf text = {0};
    int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MANIFEST_MAX_BYTES) goto done;
    for (;;) {
        char chunk[65536];
        ssize_t got = read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) goto done;
        if (got == 0) break;
        if (text.len + (size_t)got > MANIFEST_MAX_BYTES) goto done;
        ws_buf_put(&text, chunk, (size_t)got);
    }
    const char *s = text.data ? text.data : "", *end = s + text.len;
    size_t hl = strlen(STATCACHE_FORMAT);
    if ((size_t)(end - s) < hl + 1 || memcmp(s, STATCACHE_FORMAT "\n", hl + 1)) goto done;
    s += hl + 1;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl) goto damaged;
        statcache_entry e;
        if (parse_line(s, nl, &e)) goto damaged;
        if (c->n == c->cap) c->v = ws_xrealloc(c->v, (c->cap = c->cap ? c->cap * 2 : 64) * sizeof *c->v);
        c->v[c->n++] = e;
        s = nl + 1;
    }
    goto done;
damaged:
    statcache_free(c); /* not used at all: every file is hashed */
done:
    if (fd >= 0) close(fd);
    ws_buf_free(&text);
    sort(c);
}

int statcache_check(statcache *old, statcache *now, const char *out, const manifest_entry *e)
{
    struct timespec before;
    clock_gettime(CLOCK_REALTIME, &before);
    int fd = outpath_open_file(out, e->path);
    struct stat st;
    if (fd < 0) return 0;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size != e->bytes) {
        close(fd);
        return 0;
    }
    const statcache_entry *r = find(old, e->path);
    if (r && !strcmp(r->sha256, e->sha256) && r->size == (uint64_t)st.st_size && r->ino == (uint64_t)st.st_ino &&
        r->dev == (uint64_t)st.st_dev && r->mtime_s == st.st_mtim.tv_sec && r->mtime_ns == st.st_mtim.tv_nsec &&
        r->ctime_s == st.st_ctim.tv_sec && r->ctime_ns == st.st_ctim.tv_nsec) {
        close(fd);
        statcache_note(now, e->path, e->sha256, &st, &before);
        return STATCACHE_BY_STAT;
    }
    /* Hashed as manifest_file_matches does; the stat noted is the one taken before reading, so a
     * change made while it is read shows as another mtime next time. */
    uint8_t d[SHA256_LEN];
    char hex[SHA256_HEX_LEN + 1], err[256];
    uint64_t size;
    if (sha256_fd(fd, e->path, d, &size, err, sizeof err)) return 0; /* closes fd */
    sha256_hex(d, hex);
    if (size != e->bytes || strcmp(hex, e->sha256)) return 0;
    statcache_note(now, e->path, e->sha256, &st, &before);
    return STATCACHE_HASHED;
}

int statcache_write(const char *path, manifest *m, statcache *now, statcache *old, char *err, size_t errlen)
{
    if (!path) return 0;
    manifest_sort(m);
    ws_buf text = {0}, was = {0};
    ws_buf_puts(&text, STATCACHE_FORMAT "\n");
    for (size_t i = 0; i < m->n; i++) {
        const manifest_entry *me = &m->v[i];
        const statcache_entry *e = find(now, me->path);
        if (!e || strcmp(e->sha256, me->sha256)) e = find(old, me->path);
        if (!e || strcmp(e->sha256, me->sha256)) continue;
        ws_buf_printf(&text, "%s %" PRIu64 " %" PRId64 ".%09" PRId64 " %" PRId64 ".%09" PRId64 " %" PRIu64 " %" PRIu64 " %s\n",
                      e->sha256, e->size, e->mtime_s, e->mtime_ns, e->ctime_s, e->ctime_ns, e->ino, e->dev, e->path);
    }
    char why[256];
    int rc = 0;
    if (ws_read_file_nofollow(path, text.len + 1, &was, why, sizeof why) < 0 || was.len != text.len ||
        memcmp(was.data, text.data, text.len)) {
        char *dir = ws_xstrdup(path);
        *strrchr(dir, '/') = 0;
        rc = ws_make_dirs(dir, err, errlen) ? -1 : ws_write_file_temporary(path, text.data, text.len, err, errlen);
        if (rc == 0) {
            ws_buf tmp = {0};
            ws_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
            if (rename(tmp.data, path) != 0) {
                snprintf(err, errlen, "%s: %s", path, strerror(errno));
                unlink(tmp.data);
                rc = -1;
            }
            ws_buf_free(&tmp);
        }
        free(dir);
    }
    ws_buf_free(&text);
    ws_buf_free(&was);
    return rc;
}
