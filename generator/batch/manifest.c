/* manifest — see manifest.h. */
#include "batch/manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/outpath.h"
#include "base/i18n.h"

static char *dup_or_empty(const char *s)
{
    return ws_xstrdup(s ? s : "");
}

/* The blocks of a manifest's pool, newest first; strings are never split across two. */
struct manifest_pool {
    struct manifest_pool *next;
    size_t used, cap;
    const char *last_form; /* the form last pooled: most entries share their neighbour's */
    char data[];
};

#define MANIFEST_POOL_BLOCK (256u << 10)

static char *pool_dup(manifest *m, const char *s)
{
    size_t n = strlen(s) + 1;
    struct manifest_pool *b = m->pool;
    if (b->cap - b->used < n) {
        size_t cap = n > MANIFEST_POOL_BLOCK ? n : MANIFEST_POOL_BLOCK;
        struct manifest_pool *nb = ws_xmalloc(sizeof *nb + cap);
        *nb = (struct manifest_pool){b, 0, cap, b->last_form};
        m->pool = b = nb;
    }
    char *c = b->data + b->used;
    memcpy(c, s, n);
    b->used += n;
    return c;
}

static void pool_start(manifest *m)
{
    m->pool = ws_xmalloc(sizeof *m->pool);
    *m->pool = (struct manifest_pool){NULL, 0, 0, NULL};
}

void manifest_add(manifest *m, const manifest_entry *e)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = ws_xrealloc(m->v, m->cap * sizeof *m->v);
    }
    manifest_entry *c = &m->v[m->n++];
    *c = *e;
    if (m->borrowed) {
        if (!c->path) c->path = "";
        if (!c->form) c->form = "";
        if (!c->record) c->record = "";
    } else if (m->pool) {
        const char *form = e->form ? e->form : "";
        if (!m->pool->last_form || strcmp(m->pool->last_form, form)) {
            const char *pooled = pool_dup(m, form); /* may start a new block: m->pool after it */
            m->pool->last_form = pooled;
        }
        c->form = (char *)m->pool->last_form;
        c->path = pool_dup(m, e->path ? e->path : "");
        c->record = e->record && *e->record ? pool_dup(m, e->record) : "";
    } else {
        c->path = dup_or_empty(e->path);
        c->form = dup_or_empty(e->form);
        c->record = dup_or_empty(e->record);
    }
    c->sha256[SHA256_HEX_LEN] = 0;
    c->key[SHA256_HEX_LEN] = 0;
    m->sorted = 0;
}

static void entry_free(const manifest *m, manifest_entry *e)
{
    if (m->borrowed || m->pool) return;
    free(e->path);
    free(e->form);
    free(e->record);
}

void manifest_reserve(manifest *m, size_t n)
{
    if (n <= m->cap) return;
    m->v = ws_xrealloc(m->v, n * sizeof *m->v);
    m->cap = n;
}

void manifest_keep(manifest *m, const unsigned char *keep)
{
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (keep[i]) m->v[k++] = m->v[i];
        else entry_free(m, &m->v[i]);
    }
    m->n = k;
}

/* Sort by path, then by insertion order, so that "last added wins" is well defined. The entries
 * are ordered through an array of pointers into m->v (whose addresses are the insertion order)
 * and then moved into place by following the permutation's cycles: the scratch is 16 bytes an
 * entry, not a second copy of the entries (those of a 100 000-file manifest are ~18 MB). */
static int cmp_entry_ptr(const void *a, const void *b)
{
    const manifest_entry *x = *(const manifest_entry *const *)a, *y = *(const manifest_entry *const *)b;
    int c = strcmp(x->path, y->path);
    if (c) return c;
    return x < y ? -1 : x > y;
}

void manifest_sort(manifest *m)
{
    if (m->sorted) return;
    manifest_entry **o = ws_xmalloc((m->n ? m->n : 1) * sizeof *o);
    for (size_t i = 0; i < m->n; i++) o[i] = &m->v[i];
    qsort(o, m->n, sizeof *o, cmp_entry_ptr);
    /* from[i]: the index of the entry that belongs at i */
    size_t *from = ws_xmalloc((m->n ? m->n : 1) * sizeof *from);
    for (size_t i = 0; i < m->n; i++) from[i] = (size_t)(o[i] - m->v);
    free(o);
    for (size_t i = 0; i < m->n; i++) {
        if (from[i] == i) continue;
        manifest_entry hold = m->v[i];
        size_t j = i;
        while (from[j] != i) {
            size_t next = from[j];
            m->v[j] = m->v[next];
            from[j] = j;
            j = next;
        }
        m->v[j] = hold;
        from[j] = j;
    }
    free(from);
    size_t k = 0;
    for (size_t i = 0; i < m->n; i++) {
        if (i + 1 < m->n && !strcmp(m->v[i].path, m->v[i + 1].path)) {
            entry_free(m, &m->v[i]);
            continue;
        }
        m->v[k++] = m->v[i];
    }
    m->n = k;
    m->sorted = 1;
}

const manifest_entry *manifest_find(const manifest *m, const char *path)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(m->v[mid].path, path);
        if (!c) return &m->v[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

void manifest_free(manifest *m)
{
    for (size_t i = 0; i < m->n; i++) entry_free(m, &m->v[i]);
    free(m->v);
    while (m->pool) {
        struct manifest_pool *next = m->pool->next;
        free(m->pool);
        m->pool = next;
    }
    *m = (manifest){0};
}

/* s as a JSON string: runs of bytes that need no escape are copied whole. */
static void put_json_string(ws_buf *b, const char *s)
{
    ws_buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (; *p; p++) {
        if (*p != '"' && *p != '\\' && *p >= 0x20 && *p != 0x7F) continue;
        ws_buf_put(b, run, (size_t)(p - run));
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            ws_buf_put(b, esc, 2);
        } else {
            ws_buf_printf(b, "\\u%04x", *p);
        }
        run = p + 1;
    }
    ws_buf_put(b, run, (size_t)(p - run));
    ws_buf_putc(b, '"');
}

/* key (a literal) then v in decimal: what printf's ", key: %lld" gives, without printf (put_entry
 * runs for every entry at every checkpoint). */
static void put_num(ws_buf *b, const char *key, long long v)
{
    char d[24];
    size_t i = sizeof d;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do d[--i] = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) d[--i] = '-';
    ws_buf_puts(b, key);
    ws_buf_put(b, d + i, sizeof d - i);
}

static void put_unum(ws_buf *b, const char *key, unsigned long long u)
{
    char d[24];
    size_t i = sizeof d;
    do d[--i] = (char)('0' + u % 10); while (u /= 10);
    ws_buf_puts(b, key);
    ws_buf_put(b, d + i, sizeof d - i);
}

static void put_entry(ws_buf *out, const manifest_entry *e, int first)
{
    ws_buf_puts(out, first ? "\n    {\"path\": " : ",\n    {\"path\": ");
    put_json_string(out, e->path);
    ws_buf_puts(out, ", \"form\": ");
    put_json_string(out, e->form);
    ws_buf_puts(out, ", \"record\": ");
    put_json_string(out, e->record);
    if (!*e->record && e->volume) put_unum(out, ", \"volume\": ", e->volume);
    put_num(out, ", \"pages\": ", e->pages);
    put_unum(out, ", \"bytes\": ", (unsigned long long)e->bytes);
    ws_buf_puts(out, ", \"sha256\": \"");
    ws_buf_puts(out, e->sha256);
    ws_buf_puts(out, "\", \"key\": \"");
    ws_buf_puts(out, e->key);
    ws_buf_puts(out, "\"}");
}

/* Receives the text a piece at a time; returns 0 to go on, -1 to stop. */
typedef int (*text_sink)(const char *data, size_t len, void *ctx);

/* The text of the union of a and b (b may be NULL): both sorted, then walked together in path
 * order; of two entries with the same path, a's is written. With a sink, out is handed to it
 * whenever it holds piece bytes (and at the end) and emptied, so that the whole text need not be
 * in memory; without one, out gets it all. Returns 0, or -1 when the sink stopped. */
static int serialize_union(manifest *a, manifest *b, ws_buf *out, size_t piece, text_sink sink, void *ctx)
{
    manifest_sort(a);
    if (b) manifest_sort(b);
    size_t nb = b ? b->n : 0, i = 0, j = 0, written = 0;
    ws_buf_puts(out, "{\n  \"format\": \"" MANIFEST_FORMAT "\",\n  \"files\": [");
    while (i < a->n || j < nb) {
        int c = i == a->n ? 1 : j == nb ? -1 : strcmp(a->v[i].path, b->v[j].path);
        if (c <= 0) put_entry(out, &a->v[i++], written++ == 0);
        else put_entry(out, &b->v[j], written++ == 0);
        if (c >= 0) j++;
        if (sink && out->len >= piece) {
            if (sink(out->data, out->len, ctx)) return -1;
            out->len = 0;
        }
    }
    ws_buf_puts(out, written ? "\n  ]\n}\n" : "]\n}\n");
    if (sink) {
        int rc = sink(out->data, out->len, ctx);
        out->len = 0;
        return rc;
    }
    return 0;
}

void manifest_serialize(manifest *m, ws_buf *out)
{
    serialize_union(m, NULL, out, 0, NULL, NULL);
}

int manifest_write(manifest *m, const char *path, char *err, size_t errlen)
{
    ws_buf b = {0};
    manifest_serialize(m, &b);
    int rc = ws_write_file_atomic(path, b.data, b.len, err, errlen);
    ws_buf_free(&b);
    return rc;
}

/* ---- reading: a small JSON reader for exactly this shape, strict about what it accepts ---- */

/* The text is either whole in memory (fd -1) or read from fd a window at a time: the window always
 * holds the whole of the file entry being parsed (refill_for_entry), so the parser never sees an
 * entry cut short; what lies before the window is gone, counted in lines_before for messages. A
 * 100 000-file manifest is ~25 MB, which a build's parent held whole (doubled as it was read) at
 * the same time as the entries it parsed. */
typedef struct {
    const char *s, *end, *start;
    char *err;
    size_t errlen;
    int failed;
    int fd, eof;     /* fd -1: the text is whole */
    char *window;      /* wlen bytes of text, room for wcap (and a NUL) */
    size_t wlen, wcap;
    long lines_before; /* lines of the text before start */
    uint64_t read;     /* bytes read from fd */
    int io_failed;     /* reading fd failed: err says why */
} reader;

#define MANIFEST_WINDOW (256u << 10)

/* Moves the unparsed rest to the window's start and reads at least want bytes more (or to the
 * end). 0, or -1 when the file cannot be read (err filled). */
static int refill(reader *r, size_t want)
{
    if (r->fd < 0 || r->eof) return 0;
    for (const char *p = r->start; p < r->s; p++) r->lines_before += *p == '\n';
    size_t keep = (size_t)(r->end - r->s);
    if (keep) memmove(r->window, r->s, keep);
    r->wlen = keep;
    if (keep + want > r->wcap) {
        r->wcap = keep + want;
        r->window = ws_xrealloc(r->window, r->wcap + 1);
    }
    while (r->wlen < keep + want) {
        ssize_t got = read(r->fd, r->window + r->wlen, keep + want - r->wlen);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            snprintf(r->err, r->errlen, _("cannot read: %s"), strerror(errno));
            r->failed = r->io_failed = 1;
            return -1;
        }
        if (got == 0 || (r->read += (uint64_t)got) > MANIFEST_MAX_BYTES) {
            r->eof = 1; /* a file that grew past the limit while read: its rest is not parsed */
            break;
        }
        r->wlen += (size_t)got;
    }
    r->window[r->wlen] = 0;
    r->start = r->s = r->window;
    r->end = r->window + r->wlen;
    return 0;
}

/* Some text ahead for the small things between entries (names, the format). */
static int refill_some(reader *r)
{
    return r->fd >= 0 && !r->eof && r->end - r->s < (ptrdiff_t)(MANIFEST_WINDOW / 4) ? refill(r, MANIFEST_WINDOW) : 0;
}

/* Until the window holds the next entry up to its closing brace (outside strings), or the end. */
static int refill_for_entry(reader *r)
{
    if (refill_some(r)) return -1;
    for (;;) {
        int in_string = 0;
        for (const char *p = r->s; p < r->end; p++) {
            if (in_string) {
                if (*p == '\\') p++;
                else if (*p == '"') in_string = 0;
            } else if (*p == '"') {
                in_string = 1;
            } else if (*p == '}') {
                return 0;
            }
        }
        if (r->fd < 0 || r->eof) return 0;
        /* twice what it holds: a huge entry is scanned a few times, not once per window */
        if (refill(r, 2 * (size_t)(r->end - r->s) + MANIFEST_WINDOW)) return -1;
    }
}

static int fail_at(reader *r, const char *at, const char *what)
{
    if (!r->failed) {
        long line = 1 + r->lines_before;
        for (const char *p = r->start; p < at; p++) line += *p == '\n';
        snprintf(r->err, r->errlen, _("line %ld: %s"), line, what);
    }
    r->failed = 1;
    return -1;
}

static int fail(reader *r, const char *what)
{
    return fail_at(r, r->s, what);
}

static void skip_ws(reader *r)
{
    while (r->s < r->end && (*r->s == ' ' || *r->s == '\n' || *r->s == '\r' || *r->s == '\t')) r->s++;
}

static int expect_char(reader *r, char c)
{
    skip_ws(r);
    if (r->s >= r->end || *r->s != c) {
        char msg[48];
        snprintf(msg, sizeof msg, _("expected '%c'"), c);
        return fail(r, msg);
    }
    r->s++;
    return 0;
}

static int hex4(const char *p, uint32_t *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        *v = *v * 16 + (uint32_t)d;
    }
    return 0;
}

/* A string into out (UTF-8, NUL-free). */
static int read_string(reader *r, ws_buf *out)
{
    if (!out->data) ws_buf_putc(out, 0);
    out->len = 0;
    out->data[0] = 0;
    if (expect_char(r, '"')) return -1;
    while (r->s < r->end && *r->s != '"') {
        unsigned char c = (unsigned char)*r->s;
        if (c < 0x20) return fail(r, _("control character in a string"));
        if (c != '\\') {
            ws_buf_putc(out, (char)c);
            r->s++;
            continue;
        }
        if (r->end - r->s < 2) break;
        char e = r->s[1];
        r->s += 2;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            ws_buf_putc(out, map[simple - "\"\\/bfnrt"]);
            continue;
        }
        if (e != 'u' || r->end - r->s < 4) return fail(r, _("bad escape in a string"));
        uint32_t cp;
        if (hex4(r->s, &cp)) return fail(r, _("bad \\u escape"));
        r->s += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo;
            if (r->end - r->s < 6 || r->s[0] != '\\' || r->s[1] != 'u' || hex4(r->s + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                return fail(r, _("unpaired surrogate"));
            r->s += 6;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if ((cp >= 0xDC00 && cp < 0xE000) || cp == 0) {
            return fail(r, _("bad \\u escape"));
        }
        char enc[4];
        ws_buf_put(out, enc, ws_utf8_encode(cp, enc));
    }
    if (r->s >= r->end) return fail(r, _("unterminated string"));
    r->s++;
    if (!ws_utf8_valid(out->data ? out->data : "", out->len, NULL)) return fail(r, _("invalid UTF-8 in a string"));
    return 0;
}

static int read_uint(reader *r, uint64_t *v)
{
    skip_ws(r);
    if (r->s >= r->end || *r->s < '0' || *r->s > '9') return fail(r, _("expected a number"));
    *v = 0;
    while (r->s < r->end && *r->s >= '0' && *r->s <= '9') {
        if (*v > (UINT64_MAX - 9) / 10) return fail(r, _("number too large"));
        *v = *v * 10 + (uint64_t)(*r->s - '0');
        r->s++;
    }
    return 0;
}

static int is_hex64(const char *s)
{
    if (strlen(s) != SHA256_HEX_LEN) return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return 0;
    return 1;
}

static int read_entry(reader *r, manifest *m)
{
    if (expect_char(r, '{')) return -1;
    manifest_entry e = {0};
    ws_buf path = {0}, form = {0}, record = {0}, sha = {0}, key = {0};
    int have_path = 0, have_sha = 0, rc = 0;
    const char *entry_start = r->s;
    for (int first = 1;; first = 0) {
        skip_ws(r);
        if (r->s < r->end && *r->s == '}') {
            r->s++;
            break;
        }
        if (!first && expect_char(r, ',')) goto bad;
        ws_buf name = {0};
        if (read_string(r, &name) || expect_char(r, ':')) {
            ws_buf_free(&name);
            goto bad;
        }
        ws_buf *target = NULL;
        uint64_t num = 0;
        if (!strcmp(name.data, "path")) target = &path, have_path = 1;
        else if (!strcmp(name.data, "form")) target = &form;
        else if (!strcmp(name.data, "record")) target = &record;
        else if (!strcmp(name.data, "sha256")) target = &sha, have_sha = 1;
        else if (!strcmp(name.data, "key")) target = &key;
        else if (!strcmp(name.data, "pages") || !strcmp(name.data, "bytes") || !strcmp(name.data, "volume")) {
            char which = name.data[0];
            ws_buf_free(&name);
            if (read_uint(r, &num)) goto bad;
            if (which == 'p') e.pages = num > 1000000000 ? 1000000000 : (long)num;
            else if (which == 'v') e.volume = num > 1000000000 ? 1000000000 : (size_t)num;
            else e.bytes = num;
            continue;
        } else {
            fail(r, _("unknown field in a file entry"));
            ws_buf_free(&name);
            goto bad;
        }
        ws_buf_free(&name);
        if (read_string(r, target)) goto bad;
    }
    if (!have_path || !have_sha) {
        fail_at(r, entry_start, _("a file entry needs \"path\" and \"sha256\""));
        goto bad;
    }
    if (!outpath_rel_ok(path.data)) {
        fail_at(r, entry_start, _("unsafe path in the manifest"));
        goto bad;
    }
    if (!is_hex64(sha.data) || (key.len && !is_hex64(key.data))) {
        fail_at(r, entry_start, _("sha256 and key must be 64 lower-case hex digits"));
        goto bad;
    }
    e.path = path.data;
    e.form = form.data ? form.data : "";
    e.record = record.data ? record.data : "";
    if (*e.record) e.volume = 0; /* only combined files have one */
    memcpy(e.sha256, sha.data, SHA256_HEX_LEN + 1);
    if (key.len) memcpy(e.key, key.data, SHA256_HEX_LEN + 1);
    manifest_add(m, &e);
    goto done;
bad:
    rc = -1;
done:
    ws_buf_free(&path);
    ws_buf_free(&form);
    ws_buf_free(&record);
    ws_buf_free(&sha);
    ws_buf_free(&key);
    return rc;
}

static int parse(reader *r, manifest *m)
{
    int have_format = 0, have_files = 0;
    if (!m->n && !m->borrowed && !m->pool) pool_start(m);
    if (refill_some(r) || expect_char(r, '{')) return -1;
    for (int first = 1;; first = 0) {
        if (refill_some(r)) return -1;
        skip_ws(r);
        if (r->s < r->end && *r->s == '}') {
            r->s++;
            break;
        }
        if (!first && expect_char(r, ',')) return -1;
        ws_buf name = {0};
        if (read_string(r, &name) || expect_char(r, ':')) {
            ws_buf_free(&name);
            return -1;
        }
        if (!strcmp(name.data, "format")) {
            ws_buf v = {0};
            int rc = read_string(r, &v);
            if (!rc && strcmp(v.data, MANIFEST_FORMAT)) rc = fail(r, _("not a wenshu manifest (format)"));
            ws_buf_free(&v);
            if (rc) {
                ws_buf_free(&name);
                return -1;
            }
            have_format = 1;
        } else if (!strcmp(name.data, "files")) {
            if (expect_char(r, '[')) {
                ws_buf_free(&name);
                return -1;
            }
            skip_ws(r);
            if (r->s < r->end && *r->s == ']') {
                r->s++;
            } else {
                for (;;) {
                    if (refill_for_entry(r) || read_entry(r, m)) {
                        ws_buf_free(&name);
                        return -1;
                    }
                    if (refill_some(r)) {
                        ws_buf_free(&name);
                        return -1;
                    }
                    skip_ws(r);
                    if (r->s < r->end && *r->s == ']') {
                        r->s++;
                        break;
                    }
                    if (expect_char(r, ',')) {
                        ws_buf_free(&name);
                        return -1;
                    }
                }
            }
            have_files = 1;
        } else {
            fail(r, _("unknown field"));
            ws_buf_free(&name);
            return -1;
        }
        ws_buf_free(&name);
    }
    if (refill_some(r)) return -1;
    skip_ws(r);
    if (r->s != r->end) return fail(r, _("text after the manifest"));
    if (!have_format || !have_files) return fail(r, _("not a wenshu manifest (needs \"format\" and \"files\")"));
    manifest_sort(m);
    /* The array doubled as it filled: what is left over goes back (a large one is mapped, and
     * shrinking it unmaps its tail). */
    if (m->n && m->cap > m->n + m->n / 16) {
        m->v = ws_xrealloc(m->v, m->n * sizeof *m->v);
        m->cap = m->n;
    }
    return 0;
}

int manifest_parse(const char *text, size_t len, manifest *m, char *err, size_t errlen)
{
    reader r = {text, text + len, text, err, errlen, 0, -1, 1, NULL, 0, 0, 0, 0, 0};
    return parse(&r, m);
}

int manifest_read(const char *path, manifest *m, int *missing, char *err, size_t errlen)
{
    if (missing) *missing = 0;
    struct stat st = {0};
    if (lstat(path, &st) != 0 && errno == ENOENT) {
        if (missing) *missing = 1;
        snprintf(err, errlen, _("%s: no such file"), path);
        return -2;
    }
    ws_buf text = {0};
    char why[512];
    if (S_ISREG(st.st_mode) && (unsigned long long)st.st_size > MANIFEST_MAX_BYTES) {
        snprintf(err, errlen, _("%s: the file has %lld bytes, over the limit of %u MiB for a manifest; not read"), path, (long long)st.st_size,
                 MANIFEST_MAX_BYTES >> 20);
        return -2;
    }
    /* A regular file is read a window at a time (reader); anything else, or one that will not
     * open, goes the way of every file in OUT, which says why it is not read. */
    int fd = S_ISREG(st.st_mode) ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) : -1;
    struct stat fst;
    if (fd >= 0 && (fstat(fd, &fst) != 0 || !S_ISREG(fst.st_mode))) close(fd), fd = -1;
    if (fd >= 0) {
        /* the entries' room, for the most a file of this size can list (a line is ~250 bytes;
         * no less than 150): taken once, its pages resident only as they fill, the rest given
         * back when parsed; not the copies a doubling array leaves behind */
        if (!m->n) manifest_reserve(m, (size_t)fst.st_size / 150 + 16);
        reader r = {"", "", "", why, sizeof why, 0, fd, 0, NULL, 0, 0, 0, 0, 0};
        int rc = parse(&r, m);
        close(fd);
        free(r.window);
        if (rc) snprintf(err, errlen, "%s: %s", path, why);
        return rc == 0 ? 0 : r.io_failed ? -2 : -1;
    }
    if (ws_read_file_nofollow(path, MANIFEST_MAX_BYTES, &text, why, sizeof why) < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        ws_buf_free(&text);
        return -2;
    }
    int rc = manifest_parse(text.data ? text.data : "", text.len, m, why, sizeof why);
    if (rc) snprintf(err, errlen, "%s: %s", path, why);
    ws_buf_free(&text);
    return rc ? -1 : 0;
}

/* ---- the manifest and OUT ---- */

/* Entries are opened by descriptors from OUT down (outpath_open_file): a link planted anywhere
 * in the entry's path is never followed, so a tampered manifest cannot make wenshu read (or
 * vouch for) a file outside OUT. */
int manifest_file_matches(const char *out, const manifest_entry *e)
{
    int fd = outpath_open_file(out, e->path);
    struct stat st;
    int ok = 0;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == e->bytes) {
        uint8_t d[SHA256_LEN];
        char hex[SHA256_HEX_LEN + 1], err[256];
        uint64_t size;
        int hashed = sha256_fd(fd, e->path, d, &size, err, sizeof err) == 0;
        fd = -1; /* closed by sha256_fd */
        if (hashed) {
            sha256_hex(d, hex);
            ok = size == e->bytes && !strcmp(hex, e->sha256);
        }
    }
    if (fd >= 0) close(fd);
    return ok;
}

int manifest_file_present(const char *out, const manifest_entry *e)
{
    int fd = outpath_open_file(out, e->path);
    struct stat st;
    int ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == e->bytes;
    if (fd >= 0) close(fd);
    return ok;
}

/* The text is made twice when it changed — once to compare, once to write — in pieces of this
 * size: a 100 000-file manifest is ~25 MB, which a build's parent held whole (and, to compare,
 * the old file's too) at every checkpoint. */
#define MANIFEST_PIECE (256u << 10)

int manifest_write_union_if_changed(manifest *a, manifest *b, const char *path, char *err, size_t errlen)
{
    ws_buf text = {0};
    ws_same c;
    ws_same_open(&c, path);
    int same = ws_same_close(&c, serialize_union(a, b, &text, MANIFEST_PIECE, ws_same_put, &c) == 0);
    int rc = 0;
    if (!same) {
        ws_atomic_sink w = {.err = err, .errlen = errlen};
        rc = ws_atomic_open(&w.w, path, err, errlen);
        /* a failed put has removed the temporary and filled err */
        text.len = 0; /* what the comparison stopped on */
        if (rc == 0) rc = serialize_union(a, b, &text, MANIFEST_PIECE, ws_atomic_sink_put, &w);
        if (rc == 0) rc = ws_atomic_commit(&w.w, err, errlen);
    }
    ws_buf_free(&text);
    return rc;
}

int manifest_write_if_changed(manifest *m, const char *path, char *err, size_t errlen)
{
    return manifest_write_union_if_changed(m, NULL, path, err, errlen);
}
