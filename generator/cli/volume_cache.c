/* volume_cache — see volume_cache.h.
 *
 * The file: the magic line "wenshu layouts 1\n", u32 0x01020304 (the byte order that wrote it),
 * u32 length and bytes of the program identity, u32 number of records, then per record its
 * 32-byte key, u64 length and that many bytes of dlist_store, and last a u64 checksum of
 * everything before it. */
#include "cli/volume_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    int changed;          /* a noted record was not the stored one at its place: */
    ws_buf made;          /* then the file to write, with the records noted so far */
};

/* A checksum to tell a damaged file (a crash between write and rename, a full disk), not a
 * defence against a forger: the folder is the user's own. 64-bit multiply-xorshift over 8-byte
 * words, a few GB/s. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p + i, n - i);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 29);
}

/* The cache folder, or NULL for none (free() it). */
static char *cache_dir(void)
{
    const char *own = getenv("WENSHU_CACHE_DIR");
    ws_buf b = {0};
    if (own) {
        if (!*own) return NULL;
        ws_buf_printf(&b, "%s/layouts", own);
    } else {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if (xdg && *xdg == '/') ws_buf_printf(&b, "%s/wenshu/layouts", xdg);
        else if (home && *home) ws_buf_printf(&b, "%s/.cache/wenshu/layouts", home);
        else return NULL;
    }
    return ws_buf_steal(&b);
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
    if (checksum(p, (size_t)(end - p)) != sum) return -1;
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
    char *dir = cache_dir();
    if (!dir) return NULL;
    /* OUT by its real path: the same folder reached another way is the same cache */
    char *real = realpath(out, NULL);
    sha256_state s;
    sha256_begin(&s);
    sha256_add_str(&s, real ? real : out);
    sha256_add_str(&s, relpath);
    uint8_t d[SHA256_LEN];
    char hex[SHA256_HEX_LEN + 1];
    sha256_end(&s, d);
    sha256_hex(d, hex);
    free(real);

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
        uint64_t sum = checksum((const unsigned char *)c->made.data, c->made.len);
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
    }
    free(c->path);
    free(c->identity);
    ws_buf_free(&c->file);
    free(c->entries);
    ws_buf_free(&c->made);
    free(c);
}
