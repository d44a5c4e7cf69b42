/* volume_cache — see volume_cache.h.
 *
 * The file: the magic line "wenshu layouts 1\n", u32 0x01020304 (the byte order that wrote it),
 * u32 length and bytes of the program identity, u32 number of records, then per record its
 * 32-byte key, u64 length and that many bytes of dlist_store, and last a u64 checksum of
 * everything before it. */
#include "cli/volume_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "typeset/dlist_store.h"

#define CACHE_MAGIC "wenshu layouts 1\n"
#define CACHE_MAX_BYTES ((size_t)1 << 30)

typedef struct {
    uint8_t key[SHA256_LEN];
    size_t off, len; /* the record's dlist_store bytes in the file */
} cache_entry;

struct volume_cache {
    char *path;
    char *identity;
    ws_buf file;          /* the file as read; empty when there was none (or it was unusable) */
    cache_entry *entries; /* the records it holds, in its order */
    size_t n;
    size_t next;          /* where the next lookup starts: records come in the order stored */
    const cache_entry *last; /* the entry volume_cache_get gave last, for volume_cache_note */
    size_t nmade;         /* records noted */
    int used;             /* the file was read and is a cache of this program's */
    int changed;          /* a noted record was not the stored one at its place: */
    ws_buf made;          /* then the file to write, with the records noted so far */
};

/* The records' checksum (ws_hash64) tells a damaged file (a crash between write and rename, a
 * full disk); it is no defence against a forger: the folder is the user's own. */

/* The cache's folder sub ("layouts", "outputs"), or NULL for none (free() it). */
static char *cache_dir(const char *sub)
{
    const char *own = getenv("WENSHU_CACHE_DIR");
    ws_buf b = {0};
    if (own) {
        if (!*own) return NULL;
        ws_buf_printf(&b, "%s/%s", own, sub);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && *xdg == '/') ws_buf_printf(&b, "%s/wenshu/%s", xdg, sub);
        else if (home && *home) ws_buf_printf(&b, "%s/.cache/wenshu/%s", home, sub);
        else return NULL;
    }
    return ws_buf_steal(&b);
}

/* The hex digest naming OUT's file in a cache folder: of OUT's real path (the same folder reached
 * another way is the same cache; one not made yet by its parent's) and of what, if not NULL. */
static void out_digest(const char *out, const char *what, char hex[SHA256_HEX_LEN + 1])
{
    char *real = realpath(out, NULL);
    ws_buf b = {0};
    if (!real) {
        const char *slash = strrchr(out, '/');
        char *parent = slash ? ws_xstrndup(out, slash == out ? 1 : (size_t)(slash - out)) : ws_xstrdup(".");
        char *rp = realpath(parent, NULL);
        if (rp) ws_buf_printf(&b, "%s/%s", strcmp(rp, "/") ? rp : "", slash ? slash + 1 : out);
        free(rp);
        free(parent);
    }
    sha256_state s;
    sha256_begin(&s);
    sha256_add_str(&s, real ? real : b.data ? b.data : out);
    if (what) sha256_add_str(&s, what);
    uint8_t d[SHA256_LEN];
    sha256_end(&s, d);
    sha256_hex(d, hex);
    free(real);
    ws_buf_free(&b);
}

/* ---- the bound: oldest-used files go first ---- */

size_t volume_cache_max_bytes(void)
{
    const char *v = getenv("WENSHU_CACHE_MAX");
    if (v && *v >= '0' && *v <= '9') {
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        int shift = !*end ? 0 : !strcmp(end, "K") ? 10 : !strcmp(end, "M") ? 20 : !strcmp(end, "G") ? 30 : -1;
        if (shift >= 0 && n <= ((unsigned long long)SIZE_MAX >> shift)) return (size_t)(n << shift);
    }
    return (size_t)VOLUME_CACHE_MAX_MB << 20;
}

typedef struct {
    char *name;
    off_t size;
    struct timespec used;
} cached_file;

static int cmp_used(const void *a, const void *b)
{
    const cached_file *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec) return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec) return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Removes the least recently used files (their mtime: set when written or used, see use()) of
 * the cache folder dir whose names end in ext until the rest fit in max bytes; keep (a name, or
 * NULL) is never removed — the file this run just wrote or read. */
static void prune(const char *dir, const char *ext, const char *keep, size_t max)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return;
    }
    cached_file *v = NULL;
    size_t n = 0, cap = 0, el = strlen(ext);
    unsigned long long total = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        struct stat st;
        if (len <= el || strcmp(de->d_name + len - el, ext)) continue;
        if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode)) continue;
        if (n == cap) v = ws_xrealloc(v, (cap = cap ? cap * 2 : 32) * sizeof *v);
        v[n++] = (cached_file){ws_xstrdup(de->d_name), st.st_size, st.st_mtim};
        total += (unsigned long long)st.st_size;
    }
    if (total > max) {
        qsort(v, n, sizeof *v, cmp_used);
        for (size_t i = 0; i < n && total > max; i++) {
            if (keep && !strcmp(v[i].name, keep)) continue;
            if (unlinkat(dfd, v[i].name, 0) == 0 || errno == ENOENT) total -= (unsigned long long)v[i].size;
        }
    }
    for (size_t i = 0; i < n; i++) free(v[i].name);
    free(v);
    closedir(d); /* closes dfd */
}

/* Marks path as just used (its mtime now), so that pruning takes it last. */
static void use(const char *path)
{
    utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
}

char *volume_cache_stat_path(const char *out)
{
    char *dir = cache_dir("outputs");
    if (!dir) return NULL;
    char hex[SHA256_HEX_LEN + 1];
    out_digest(out, NULL, hex);
    ws_buf b = {0};
    ws_buf_printf(&b, "%s/%s.stat", dir, hex);
    free(dir);
    return ws_buf_steal(&b);
}

void volume_cache_stat_done(const char *path)
{
    if (!path) return;
    use(path);
    char *dir = ws_xstrdup(path);
    char *slash = strrchr(dir, '/');
    *slash = 0;
    prune(dir, ".stat", slash + 1, volume_cache_max_bytes() / 16);
    free(dir);
}

static int read_u32(const unsigned char **p, const unsigned char *end, uint32_t *v)
{
    if (end - *p < 4) return -1;
    memcpy(v, *p, 4);
    *p += 4;
    return 0;
}

/* Indexes c->file; -1 when it is not a cache of this program's. */
static int parse(volume_cache *c)
{
    const unsigned char *p = (const unsigned char *)c->file.data, *end = p + c->file.len;
    size_t ml = strlen(CACHE_MAGIC);
    if (c->file.len < ml + 8 + 8 || memcmp(p, CACHE_MAGIC, ml)) return -1;
    uint64_t sum;
    memcpy(&sum, end - 8, 8);
    end -= 8;
    if (ws_hash64(p, (size_t)(end - p)) != sum) return -1;
    p += ml;
    uint32_t probe, idlen, n;
    if (read_u32(&p, end, &probe) || probe != 0x01020304u || read_u32(&p, end, &idlen) ||
        (size_t)(end - p) < idlen || idlen != strlen(c->identity) || memcmp(p, c->identity, idlen))
        return -1;
    p += idlen;
    if (read_u32(&p, end, &n) || (uint64_t)n * (SHA256_LEN + 8) > (uint64_t)(end - p)) return -1;
    c->entries = ws_xcalloc(n ? n : 1, sizeof *c->entries);
    for (uint32_t i = 0; i < n; i++) {
        cache_entry *e = &c->entries[i];
        uint64_t len;
        if ((size_t)(end - p) < SHA256_LEN + 8) return -1;
        memcpy(e->key, p, SHA256_LEN);
        memcpy(&len, p + SHA256_LEN, 8);
        p += SHA256_LEN + 8;
        if (len > (uint64_t)(end - p)) return -1;
        e->off = (size_t)(p - (const unsigned char *)c->file.data);
        e->len = (size_t)len;
        p += len;
    }
    if (p != end) return -1;
    c->n = n;
    return 0;
}

volume_cache *volume_cache_open(const char *out, const char *relpath, const char *identity)
{
    char *dir = cache_dir("layouts");
    if (!dir) return NULL;
    char hex[SHA256_HEX_LEN + 1];
    out_digest(out, relpath, hex);

    volume_cache *c = ws_xcalloc(1, sizeof *c);
    ws_buf path = {0};
    ws_buf_printf(&path, "%s/%s.layouts", dir, hex);
    free(dir);
    c->path = ws_buf_steal(&path);
    c->identity = ws_xstrdup(identity ? identity : "");
    char err[256];
    if (ws_read_file(c->path, CACHE_MAX_BYTES, &c->file, err, sizeof err) < 0 || parse(c) < 0) {
        free(c->entries);
        c->entries = NULL;
        c->n = 0;
        ws_buf_free(&c->file);
    } else {
        c->used = 1;
    }
    return c;
}

dlist_doc *volume_cache_get(volume_cache *c, const uint8_t key[SHA256_LEN])
{
    if (!c) return NULL;
    c->last = NULL;
    for (size_t k = 0; k < c->n; k++) {
        const cache_entry *e = &c->entries[(c->next + k) % c->n];
        if (memcmp(e->key, key, SHA256_LEN)) continue;
        dlist_doc *doc = dlist_store_get(c->file.data + e->off, e->len);
        if (!doc) return NULL;
        c->next = (size_t)(e - c->entries) + 1;
        c->last = e;
        return doc;
    }
    return NULL;
}

/* Starts c->made: the header and the first c->nmade records, which are the file's first ones
 * (nothing changed before them), copied as they are. */
static void begin_made(volume_cache *c)
{
    c->changed = 1;
    ws_buf_puts(&c->made, CACHE_MAGIC);
    uint32_t probe = 0x01020304u, idlen = (uint32_t)strlen(c->identity), zero = 0;
    ws_buf_put(&c->made, &probe, 4);
    ws_buf_put(&c->made, &idlen, 4);
    ws_buf_put(&c->made, c->identity, idlen);
    ws_buf_put(&c->made, &zero, 4); /* the number of records, set when written */
    if (c->nmade) {
        size_t from = c->entries[0].off - SHA256_LEN - 8;
        const cache_entry *last = &c->entries[c->nmade - 1];
        ws_buf_put(&c->made, c->file.data + from, last->off + last->len - from);
    }
}

void volume_cache_note(volume_cache *c, const uint8_t key[SHA256_LEN], const dlist_doc *doc)
{
    if (!c) return;
    const cache_entry *e = c->last && !memcmp(c->last->key, key, SHA256_LEN) ? c->last : NULL;
    c->last = NULL;
    /* the file changes unless this record is the stored one at the same place */
    if (!c->changed) {
        if (e && (size_t)(e - c->entries) == c->nmade) {
            c->nmade++;
            return;
        }
        begin_made(c);
    }
    ws_buf_put(&c->made, key, SHA256_LEN);
    size_t at = c->made.len;
    uint64_t len = 0;
    ws_buf_put(&c->made, &len, 8);
    if (e) {
        ws_buf_put(&c->made, c->file.data + e->off, e->len);
    } else {
        dlist_store_put(&c->made, doc);
    }
    len = c->made.len - at - 8;
    memcpy(c->made.data + at, &len, 8);
    c->nmade++;
}

void volume_cache_close(volume_cache *c, int complete)
{
    if (!c) return;
    if (complete && !c->changed && c->nmade != c->n) begin_made(c); /* records left the volume */
    if (complete && c->changed) {
        uint32_t n = (uint32_t)c->nmade;
        memcpy(c->made.data + strlen(CACHE_MAGIC) + 8 + strlen(c->identity), &n, 4);
        uint64_t sum = ws_hash64(c->made.data, c->made.len);
        ws_buf_put(&c->made, &sum, 8);
        char err[512];
        size_t cut = strrchr(c->path, '/') - c->path;
        char *dir = ws_xstrdup(c->path);
        dir[cut] = 0;
        /* a temporary file renamed into place: a reader sees the old file or the new one */
        if (ws_make_dirs(dir, err, sizeof err) == 0 &&
            ws_write_file_temporary(c->path, c->made.data, c->made.len, err, sizeof err) == 0) {
            ws_buf tmp = {0};
            ws_buf_printf(&tmp, "%s.tmp.%ld", c->path, (long)getpid());
            if (rename(tmp.data, c->path) != 0) unlink(tmp.data);
            ws_buf_free(&tmp);
        }
        free(dir);
    } else if (c->used) {
        use(c->path);
    }
    /* The folder within its bound, this volume's file kept whatever its size. */
    if (c->used || (complete && c->changed)) {
        char *dir = ws_xstrdup(c->path);
        char *slash = strrchr(dir, '/');
        *slash = 0;
        prune(dir, ".layouts", slash + 1, volume_cache_max_bytes());
        free(dir);
    }
    free(c->path);
    free(c->identity);
    ws_buf_free(&c->file);
    free(c->entries);
    ws_buf_free(&c->made);
    free(c);
}
