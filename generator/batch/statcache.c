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

static uint32_t path_hash(const char *path)
{
    return (uint32_t)ws_hash64(path, strlen(path));
}

/* The slot of path: its record's, or the empty one where it would go. */
static uint32_t *slot_of(const statcache *c, const char *path)
{
    size_t mask = c->nslot - 1, i = path_hash(path) & mask;
    for (;; i = (i + 1) & mask) {
        uint32_t s = c->slot[i];
        if (!s || !strcmp(c->v[s - 1].path, path)) return &c->slot[i];
    }
}

static statcache_entry *find(const statcache *c, const char *path)
{
    if (!c->nslot) return NULL;
    uint32_t s = *slot_of(c, path);
    return s ? &c->v[s - 1] : NULL;
}

/* Room for n records in all, and a table at most half full. */
static void reserve(statcache *c, size_t n)
{
    if (n > c->cap) {
        c->cap = n > c->cap * 2 ? n : c->cap * 2;
        c->v = ws_xrealloc(c->v, c->cap * sizeof *c->v);
    }
    if (2 * n <= c->nslot) return;
    size_t ns = c->nslot ? c->nslot : 64;
    while (ns < 2 * n) ns *= 2;
    free(c->slot);
    c->slot = ws_xcalloc(ns, sizeof *c->slot);
    c->nslot = ns;
    for (size_t i = 0; i < c->n; i++) *slot_of(c, c->v[i].path) = (uint32_t)(i + 1);
}

/* The record of path, made (empty) if it has none. path is borrowed: it must outlive c. */
static statcache_entry *record(statcache *c, const char *path, int owned)
{
    statcache_entry *e = find(c, path);
    if (e) return e;
    reserve(c, c->n + 1);
    e = &c->v[c->n];
    *e = (statcache_entry){.path = owned ? ws_xstrdup(path) : path, .owned = owned};
    *slot_of(c, path) = (uint32_t)++c->n;
    return e;
}

void statcache_free(statcache *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].owned) free((char *)c->v[i].path);
    free(c->v);
    free(c->slot);
    *c = (statcache){0};
}

static int hex_digit(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* 64 lower-case hex digits into bytes; -1 if they are not. */
static int unhex(const char *s, uint8_t out[SHA256_LEN])
{
    for (int i = 0; i < SHA256_LEN; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* One line "<sha> <size> <ms>.<mns> <cs>.<cns> <ino> <dev> <path>" (without its newline) into
 * c: a later line of the same path replaces an earlier one. */
static int parse_line(statcache *c, const manifest *old, char *line, size_t len)
{
    uint8_t sha[SHA256_LEN];
    if (len < SHA256_HEX_LEN + 1 || line[SHA256_HEX_LEN] != ' ' || unhex(line, sha)) return -1;
    char *rest = line + SHA256_HEX_LEN + 1;
    unsigned long long size, ino, dev;
    long long ms, mns, cs, cns;
    int used = -1;
    if (sscanf(rest, "%llu %lld.%lld %lld.%lld %llu %llu %n", &size, &ms, &mns, &cs, &cns, &ino, &dev, &used) != 7 ||
        used < 0 || !rest[used] || mns < 0 || mns > 999999999 || cns < 0 || cns > 999999999 || !outpath_rel_ok(rest + used))
        return -1;
    const char *path = rest + used;
    const manifest_entry *me = old ? manifest_find(old, path) : NULL;
    statcache_entry *e = record(c, me ? me->path : path, !me);
    memcpy(e->sha256, sha, SHA256_LEN);
    e->size = size;
    e->ino = ino;
    e->dev = dev;
    e->mtime_s = ms;
    e->mtime_ns = (int32_t)mns;
    e->ctime_s = cs;
    e->ctime_ns = (int32_t)cns;
    return 0;
}

void statcache_read(statcache *c, const char *path, const manifest *old)
{
    *c = (statcache){0};
    int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
    struct stat st;
    if (fd < 0) return;
    FILE *f = NULL;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > MANIFEST_MAX_BYTES || !(f = fdopen(fd, "r"))) {
        close(fd);
        return;
    }
    /* Most records belong to paths the old manifest lists: their room is taken at once. */
    reserve(c, old ? old->n : 0);
    char *line = NULL;
    size_t linecap = 0;
    uint64_t total = 0;
    int ok = 0;
    for (int first = 1;; first = 0) {
        errno = 0;
        ssize_t got = getline(&line, &linecap, f);
        if (got < 0) {
            ok = !first && !ferror(f); /* the end; a file without the header line is not one */
            break;
        }
        total += (uint64_t)got;
        if (total > MANIFEST_MAX_BYTES || line[got - 1] != '\n') break; /* a line cut short: damaged */
        line[--got] = 0;
        if (first ? strcmp(line, STATCACHE_FORMAT) || (size_t)got != strlen(STATCACHE_FORMAT) : parse_line(c, old, line, (size_t)got) != 0)
            break;
    }
    free(line);
    fclose(f);
    if (!ok) statcache_free(c); /* not used at all: every file is hashed */
}

int statcache_check(statcache *c, const char *out, const manifest_entry *e)
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
    uint8_t want[SHA256_LEN];
    if (unhex(e->sha256, want)) {
        close(fd);
        return 0; /* a manifest's entries have 64 hex digits: never here */
    }
    int how = 0;
    statcache_entry *r = find(c, e->path);
    if (r && !memcmp(r->sha256, want, SHA256_LEN) && r->size == (uint64_t)st.st_size && r->ino == (uint64_t)st.st_ino &&
        r->dev == (uint64_t)st.st_dev && r->mtime_s == st.st_mtim.tv_sec && r->mtime_ns == st.st_mtim.tv_nsec &&
        r->ctime_s == st.st_ctim.tv_sec && r->ctime_ns == st.st_ctim.tv_nsec) {
        close(fd);
        how = STATCACHE_BY_STAT;
    } else {
        /* Hashed as manifest_file_matches does; the stat noted is the one taken before reading,
         * so a change made while it is read shows as another mtime next time. */
        uint8_t d[SHA256_LEN];
        char err[256];
        uint64_t size;
        if (sha256_fd(fd, e->path, d, &size, err, sizeof err)) return 0; /* closes fd */
        if (size != e->bytes || memcmp(d, want, SHA256_LEN)) return 0;
        how = STATCACHE_HASHED;
    }
    /* Noted unless racy, or a path no line can hold. */
    if (racy(&st, &before) || strchr(e->path, '\n')) return how;
    if (!r) r = record(c, e->path, 0);
    memcpy(r->sha256, want, SHA256_LEN);
    r->size = (uint64_t)st.st_size;
    r->ino = (uint64_t)st.st_ino;
    r->dev = (uint64_t)st.st_dev;
    r->mtime_s = st.st_mtim.tv_sec;
    r->mtime_ns = (int32_t)st.st_mtim.tv_nsec;
    r->ctime_s = st.st_ctim.tv_sec;
    r->ctime_ns = (int32_t)st.st_ctim.tv_nsec;
    return how;
}

/* ---- writing, a piece at a time ---- */

#define STATCACHE_PIECE (256u << 10)

/* Receives the text a piece at a time; 0 to go on, -1 to stop. */
typedef int (*stat_sink)(const char *data, size_t len, void *ctx);

static void put_u64(ws_buf *b, uint64_t u)
{
    char d[24];
    size_t i = sizeof d;
    do d[--i] = (char)('0' + u % 10); while (u /= 10);
    ws_buf_put(b, d + i, sizeof d - i);
}

static void put_i64(ws_buf *b, int64_t v)
{
    if (v < 0) ws_buf_putc(b, '-');
    put_u64(b, v < 0 ? 0ull - (uint64_t)v : (uint64_t)v);
}

/* "%09d" */
static void put_ns(ws_buf *b, int32_t ns)
{
    char d[9];
    for (int i = 8; i >= 0; i--, ns /= 10) d[i] = (char)('0' + ns % 10);
    ws_buf_put(b, d, 9);
}

/* The text for the union of m and also (both sorted; m's entry of a path both list), handed to
 * sink whenever buf holds a piece, and at the end. */
static int emit(const manifest *m, const manifest *also, statcache *c, ws_buf *buf, stat_sink sink, void *ctx)
{
    buf->len = 0;
    ws_buf_puts(buf, STATCACHE_FORMAT "\n");
    size_t na = also ? also->n : 0;
    for (size_t i = 0, j = 0; i < m->n || j < na;) {
        int d = i == m->n ? 1 : j == na ? -1 : strcmp(m->v[i].path, also->v[j].path);
        const manifest_entry *me = d <= 0 ? &m->v[i] : &also->v[j];
        if (d <= 0) i++;
        if (d >= 0) j++;
        const statcache_entry *e = find(c, me->path);
        char hex[SHA256_HEX_LEN + 1];
        if (!e) continue;
        sha256_hex(e->sha256, hex);
        if (strcmp(hex, me->sha256)) continue;
        ws_buf_put(buf, hex, SHA256_HEX_LEN);
        ws_buf_putc(buf, ' ');
        put_u64(buf, e->size);
        ws_buf_putc(buf, ' ');
        put_i64(buf, e->mtime_s);
        ws_buf_putc(buf, '.');
        put_ns(buf, e->mtime_ns);
        ws_buf_putc(buf, ' ');
        put_i64(buf, e->ctime_s);
        ws_buf_putc(buf, '.');
        put_ns(buf, e->ctime_ns);
        ws_buf_putc(buf, ' ');
        put_u64(buf, e->ino);
        ws_buf_putc(buf, ' ');
        put_u64(buf, e->dev);
        ws_buf_putc(buf, ' ');
        ws_buf_puts(buf, e->path);
        ws_buf_putc(buf, '\n');
        if (buf->len >= STATCACHE_PIECE) {
            if (sink(buf->data, buf->len, ctx)) return -1;
            buf->len = 0;
        }
    }
    int rc = sink(buf->data, buf->len, ctx);
    buf->len = 0;
    return rc;
}

int statcache_write(const char *path, manifest *m, manifest *also, statcache *c, char *err, size_t errlen)
{
    if (!path) return 0;
    manifest_sort(m);
    if (also) manifest_sort(also);
    ws_buf buf = {0};
    ws_same cs;
    ws_same_open(&cs, path);
    int same = ws_same_close(&cs, emit(m, also, c, &buf, ws_same_put, &cs) == 0);
    int rc = 0;
    if (!same) {
        char *dir = ws_xstrdup(path);
        *strrchr(dir, '/') = 0;
        rc = ws_make_dirs(dir, err, errlen) ? -1 : 0;
        free(dir);
        /* created as ws_write_file_temporary does (never through a link planted at the name),
         * and not synced: a lost or stale side file only makes the next run hash again */
        ws_atomic_sink w = {.err = err, .errlen = errlen};
        if (rc == 0) rc = ws_atomic_open(&w.w, path, err, errlen);
        if (rc == 0) rc = emit(m, also, c, &buf, ws_atomic_sink_put, &w); /* a failed put removed the temporary */
        if (rc == 0) rc = ws_atomic_commit_unsynced(&w.w, err, errlen);
    }
    ws_buf_free(&buf);
    return rc;
}
