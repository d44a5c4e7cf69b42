/* outpath — see outpath.h. */
#include "batch/outpath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "base/i18n.h"

#define FALLBACK_NAME "未命名"

/* What to do with one character of a name. */
typedef enum { KEEP, SPACE, DROP, UNDERSCORE } char_fate;

static char_fate fate_of(uint32_t cp)
{
    switch (cp) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case 0x85: case 0x2028: case 0x2029:
        return SPACE;
    case '/': case '\\': case '<': case '>': case ':': case '"': case '|': case '?': case '*':
        return UNDERSCORE;
    default:
        break;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return UNDERSCORE;
    /* Invisible formatting: zero-width characters and bidirectional overrides, which could make a
     * name look like something else ("gpj.exe" shown backwards). */
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
        (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0xAD)
        return DROP;
    if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF)) return UNDERSCORE; /* non-characters */
    return KEEP;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int outpath_reserved(const char *name)
{
    static const char *const devices[] = {"con", "prn", "aux", "nul", "conin$", "conout$"};
    /* The part Windows looks at: up to the first dot, without trailing spaces. */
    size_t n = strcspn(name, ".");
    while (n > 0 && name[n - 1] == ' ') n--;
    char base[16];
    if (n == 0 || n >= sizeof base) return 0;
    for (size_t i = 0; i < n; i++) base[i] = (char)ascii_lower((unsigned char)name[i]);
    base[n] = 0;
    for (size_t i = 0; i < sizeof devices / sizeof *devices; i++)
        if (!strcmp(base, devices[i])) return 1;
    if (!strncmp(base, "com", 3) || !strncmp(base, "lpt", 3)) {
        const char *d = base + 3;
        if (d[0] >= '0' && d[0] <= '9' && !d[1]) return 1;
        /* Windows also treats superscript one, two and three as port numbers. */
        if (!strcmp(d, "\xc2\xb9") || !strcmp(d, "\xc2\xb2") || !strcmp(d, "\xc2\xb3")) return 1;
    }
    return 0;
}

/* Cuts s to at most max bytes without splitting a UTF-8 sequence (s is valid UTF-8). */
static void cap_utf8(char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max) return;
    size_t cut = max;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
    s[cut] = 0;
}

static void trim_end(char *s)
{
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '.')) s[--len] = 0;
}

char *outpath_component_n(const char *name, size_t len, const char *fallback, size_t max_bytes)
{
    if (max_bytes == 0) max_bytes = OUTPATH_COMPONENT_MAX;
    if (max_bytes < 8) max_bytes = 8; /* room for one CJK character and a prefix */
    ws_buf b = {0};
    ws_buf_putc(&b, 0); /* keep data non-NULL */
    b.len = 0;
    size_t i = 0;
    while (name && i < len) {
        uint32_t cp;
        int n = ws_utf8_decode(name + i, len - i, &cp);
        if (n <= 0) { /* invalid byte: one underscore per byte */
            cp = '_';
            n = 1;
        }
        char_fate f = fate_of(cp);
        char enc[4];
        size_t elen = 0;
        if (f == KEEP) {
            elen = ws_utf8_encode(cp, enc);
        } else if (f != DROP) {
            enc[0] = f == SPACE ? ' ' : '_';
            elen = 1;
        }
        if (elen == 1 && (enc[0] == ' ' || enc[0] == '.') && b.len > 0 && b.data[b.len - 1] == enc[0]) {
            /* runs of spaces become one space; runs of dots one dot, so ".." never appears */
        } else if (elen == 1 && enc[0] == ' ' && b.len == 0) {
            /* no leading space */
        } else if (elen > 0) {
            ws_buf_put(&b, enc, elen);
        }
        i += (size_t)n;
    }
    char *s = ws_buf_steal(&b);
    trim_end(s);
    if (s[0] == '.') s[0] = '_'; /* no hidden files */
    cap_utf8(s, max_bytes);
    trim_end(s);
    if (!s[0]) {
        free(s);
        if (fallback) return outpath_component_n(fallback, strlen(fallback), NULL, max_bytes);
        return ws_xstrdup(FALLBACK_NAME);
    }
    if (outpath_reserved(s)) {
        char *p = ws_xmalloc(strlen(s) + 2);
        p[0] = '_';
        strcpy(p + 1, s);
        free(s);
        s = p;
        cap_utf8(s, max_bytes);
        trim_end(s);
    }
    return s;
}

char *outpath_component(const char *name, const char *fallback)
{
    return outpath_component_n(name, name ? strlen(name) : 0, fallback, 0);
}

int outpath_rel_ok(const char *rel)
{
    if (!rel || !rel[0] || rel[0] == '/') return 0;
    const char *p = rel;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0) return 0;
        char *clean = outpath_component_n(p, n, NULL, 255);
        int same = strlen(clean) == n && !memcmp(clean, p, n);
        free(clean);
        if (!same) return 0;
        if (!slash) return 1;
        p = slash + 1;
    }
}

char *outpath_join(const char *root, const char *rel)
{
    if (!outpath_rel_ok(rel)) return NULL;
    ws_buf b = {0};
    ws_buf_puts(&b, root);
    if (b.len == 0 || b.data[b.len - 1] != '/') ws_buf_putc(&b, '/');
    ws_buf_puts(&b, rel);
    return ws_buf_steal(&b);
}

int outpath_check_inside(const char *root, const char *dir, char *err, size_t errlen)
{
    char r[PATH_MAX], d[PATH_MAX];
    if (!realpath(root, r)) {
        snprintf(err, errlen, _("cannot resolve %s: %s"), root, strerror(errno));
        return -1;
    }
    if (!realpath(dir, d)) {
        snprintf(err, errlen, _("cannot resolve %s: %s"), dir, strerror(errno));
        return -1;
    }
    size_t rn = strlen(r);
    if (!strcmp(r, "/")) return 0;
    if (!strncmp(d, r, rn) && (d[rn] == 0 || d[rn] == '/')) return 0;
    snprintf(err, errlen, _("%s leads outside %s (to %s); refusing to write there"), dir, root, d);
    return -1;
}

int outpath_make_dirs(const char *root, const char *rel, char *err, size_t errlen)
{
    if (!outpath_rel_ok(rel)) {
        snprintf(err, errlen, _("unsafe folder name '%s'"), rel);
        return -1;
    }
    ws_buf path = {0};
    ws_buf_puts(&path, root);
    const char *p = rel;
    int rc = 0;
    while (*p && !rc) {
        size_t n = strcspn(p, "/");
        ws_buf_putc(&path, '/');
        ws_buf_put(&path, p, n);
        struct stat st;
        if (mkdir(path.data, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, _("cannot create folder %s: %s"), path.data, strerror(errno));
            rc = -1;
        } else if (lstat(path.data, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen,
                     S_ISLNK(st.st_mode) ? _("%s is a symbolic link; refusing to write through it")
                                         : _("%s is not a folder; refusing to write through it"),
                     path.data);
            rc = -1;
        }
        p += n;
        if (*p == '/') p++;
    }
    ws_buf_free(&path);
    return rc;
}

int outpath_open_dir(const char *root, const char *rel, int create, char *err, size_t errlen)
{
    if (*rel && !outpath_rel_ok(rel)) {
        snprintf(err, errlen, _("unsafe folder name '%s'"), rel);
        return -1;
    }
    int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, _("cannot open folder %s: %s"), root, strerror(errno));
        return -1;
    }
    for (const char *p = rel; *p && fd >= 0;) {
        size_t n = strcspn(p, "/");
        char name[OUTPATH_COMPONENT_MAX + 8];
        snprintf(name, sizeof name, "%.*s", (int)n, p);
        if (create && mkdirat(fd, name, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, _("cannot create folder %s/%.*s: %s"), root, (int)(p - rel + n), rel, strerror(errno));
            close(fd);
            return -1;
        }
        int next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            int e = errno;
            struct stat st;
            int link = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
            if (link || e == ELOOP || e == ENOTDIR)
                snprintf(err, errlen, link ? _("%s/%.*s is a symbolic link; refusing to write or read through it")
                                      : _("%s/%.*s is not a folder; refusing to write or read through it"),
                         root, (int)(p - rel + n), rel);
            else
                snprintf(err, errlen, _("cannot open folder %s/%.*s: %s"), root, (int)(p - rel + n), rel, strerror(e));
            e = link ? ELOOP : e;
            close(fd);
            errno = e;
            return -1;
        }
        close(fd);
        fd = next;
        p += n;
        if (*p == '/') p++;
    }
    return fd;
}

int outpath_open_file(const char *root, const char *rel)
{
    if (!outpath_rel_ok(rel)) {
        errno = EINVAL;
        return -1;
    }
    const char *slash = strrchr(rel, '/');
    char err[64];
    char *dir = ws_xstrdup(rel);
    dir[slash ? (size_t)(slash - rel) : 0] = 0;
    int dfd = outpath_open_dir(root, dir, 0, err, sizeof err);
    free(dir);
    if (dfd < 0) return -1;
    int fd = openat(dfd, slash ? slash + 1 : rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int e = errno;
    close(dfd);
    errno = e;
    return fd;
}

/* The descriptor of rel's folder (outpath_open_dir, not created), and in *base its last part. */
static int open_parent(const char *root, const char *rel, const char **base)
{
    const char *slash = strrchr(rel, '/');
    *base = slash ? slash + 1 : rel;
    char err[64];
    char *dir = ws_xstrdup(rel);
    dir[slash ? (size_t)(slash - rel) : 0] = 0;
    int dfd = outpath_open_dir(root, dir, 0, err, sizeof err);
    free(dir);
    return dfd;
}

int outpath_rename(const char *root, const char *tmp_rel, const char *dest_rel)
{
    const char *tb, *db;
    int tfd = open_parent(root, tmp_rel, &tb);
    if (tfd < 0) return -1;
    int dfd = open_parent(root, dest_rel, &db);
    int rc = dfd < 0 ? -1 : renameat(tfd, tb, dfd, db);
    int e = errno;
    close(tfd);
    if (dfd >= 0) close(dfd);
    errno = e;
    return rc;
}

int outpath_unlink(const char *root, const char *rel)
{
    if (!outpath_rel_ok(rel)) {
        errno = EINVAL;
        return -1;
    }
    const char *slash = strrchr(rel, '/');
    char err[64];
    char *dir = ws_xstrdup(rel);
    dir[slash ? (size_t)(slash - rel) : 0] = 0;
    int dfd = outpath_open_dir(root, dir, 0, err, sizeof err);
    free(dir);
    if (dfd < 0) return -1;
    int rc = unlinkat(dfd, slash ? slash + 1 : rel, 0);
    int e = errno;
    close(dfd);
    errno = e;
    return rc;
}

/* A small string-keyed table: open addressing, keys owned. */
typedef struct {
    char **keys;
    size_t *counts;
    size_t cap, n;
} strtab;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static size_t *strtab_slot(strtab *t, const char *key, int insert)
{
    if (insert && (t->n + 1) * 2 > t->cap) {
        strtab old = *t;
        t->cap = old.cap ? old.cap * 2 : 64;
        t->keys = ws_xcalloc(t->cap, sizeof *t->keys);
        t->counts = ws_xcalloc(t->cap, sizeof *t->counts);
        t->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) {
                *strtab_slot(t, old.keys[i], 1) = old.counts[i];
                free(old.keys[i]);
            }
        free(old.keys);
        free(old.counts);
    }
    if (!t->cap) return NULL;
    for (size_t i = hash_str(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->keys[i]) {
            if (!insert) return NULL;
            t->keys[i] = ws_xstrdup(key);
            t->n++;
            return &t->counts[i];
        }
        if (!strcmp(t->keys[i], key)) return &t->counts[i];
    }
}

static void strtab_free(strtab *t)
{
    for (size_t i = 0; i < t->cap; i++) free(t->keys[i]);
    free(t->keys);
    free(t->counts);
}

/* The comparison key: Windows and macOS compare names without case. */
static char *fold_key(const char *dir, const char *name)
{
    ws_buf b = {0};
    ws_buf_puts(&b, dir);
    ws_buf_putc(&b, '/');
    ws_buf_puts(&b, name);
    for (size_t i = 0; i < b.len; i++) b.data[i] = (char)ascii_lower((unsigned char)b.data[i]);
    return ws_buf_steal(&b);
}

/* stem + suffix + ext, with stem shortened so the whole stays within the component limit. */
static char *compose(const char *stem, const char *suffix, const char *ext)
{
    size_t room = OUTPATH_COMPONENT_MAX - strlen(suffix) - strlen(ext);
    char *s = ws_xstrdup(stem);
    cap_utf8(s, room);
    trim_end(s);
    ws_buf b = {0};
    ws_buf_puts(&b, s);
    ws_buf_puts(&b, suffix);
    ws_buf_puts(&b, ext);
    free(s);
    char *out = ws_buf_steal(&b);
    /* A cut stem may have become empty or reserved ("CON-x" is fine, "CON" is not). */
    char *clean = outpath_component(out, NULL);
    free(out);
    return clean;
}

/* Resolves the requests idx[0..m) of one folder (their folded dirs equal), in request order.
 * Names clash only within a folder, so the tables hold one folder's names at a time. */
static void resolve_folder(outpath_req *reqs, const size_t *idx, size_t m, const char *ext)
{
    strtab stems = {0}, taken = {0};
    for (size_t j = 0; j < m; j++) {
        outpath_req *r = &reqs[idx[j]];
        char *name = compose(r->stem, "", ext);
        char *k = fold_key(r->dir, name);
        (*strtab_slot(&stems, k, 1))++;
        free(k);
        free(name);
    }
    for (size_t j = 0; j < m; j++) {
        outpath_req *r = &reqs[idx[j]];
        char *name = compose(r->stem, "", ext);
        char *k = fold_key(r->dir, name);
        int shared = *strtab_slot(&stems, k, 0) > 1;
        free(k);
        char *suffix = NULL;
        if (shared && r->id && r->id[0]) {
            char *id = outpath_component_n(r->id, strlen(r->id), NULL, 40);
            size_t sl = strlen(id) + 2;
            suffix = ws_xmalloc(sl);
            snprintf(suffix, sl, "-%s", id);
            free(id);
            free(name);
            name = compose(r->stem, suffix, ext);
        }
        for (int extra = 2;; extra++) {
            k = fold_key(r->dir, name);
            size_t *c = strtab_slot(&taken, k, 0);
            if (!c) {
                *strtab_slot(&taken, k, 1) = 1;
                free(k);
                break;
            }
            free(k);
            free(name);
            char more[64];
            snprintf(more, sizeof more, "%s-%d", suffix ? suffix : "", extra);
            name = compose(r->stem, more, ext);
        }
        free(suffix);
        ws_buf b = {0};
        if (r->dir && r->dir[0]) {
            ws_buf_puts(&b, r->dir);
            ws_buf_putc(&b, '/');
        }
        ws_buf_puts(&b, name);
        free(name);
        r->result = ws_xstrdup(b.data); /* its own size: a buffer's room doubles */
        ws_buf_free(&b);
    }
    strtab_free(&stems);
    strtab_free(&taken);
}

/* The requests are grouped by folder (folded as names are compared) and each folder resolved on
 * its own: the outcome is the same as over all requests at once, since names that differ in
 * their folder never clash, but the tables of names hold one folder's, not every output's (for
 * 100 000 outputs they were ~20 MB at the peak of a build's planning). */
void outpath_resolve(outpath_req *reqs, size_t n, const char *ext)
{
    if (!ext) ext = "";
    strtab folders = {0};
    uint32_t *group = ws_xmalloc((n ? n : 1) * sizeof *group);
    for (size_t i = 0; i < n; i++) {
        /* requests in a row often share their dir string: looked up once */
        if (i && reqs[i].dir == reqs[i - 1].dir) {
            group[i] = group[i - 1];
            continue;
        }
        char *k = fold_key(reqs[i].dir ? reqs[i].dir : "", "");
        size_t *g = strtab_slot(&folders, k, 0);
        if (!g) {
            g = strtab_slot(&folders, k, 1);
            *g = folders.n - 1;
        }
        group[i] = (uint32_t)*g;
        free(k);
    }
    size_t ngroups = folders.n;
    strtab_free(&folders);
    /* the requests' indices by folder, in request order within each (a counting sort) */
    size_t *start = ws_xcalloc(ngroups + 1, sizeof *start);
    for (size_t i = 0; i < n; i++) start[group[i] + 1]++;
    for (size_t g = 0; g < ngroups; g++) start[g + 1] += start[g];
    size_t *idx = ws_xmalloc((n ? n : 1) * sizeof *idx), *at = ws_xmalloc((ngroups ? ngroups : 1) * sizeof *at);
    memcpy(at, start, ngroups * sizeof *at);
    for (size_t i = 0; i < n; i++) idx[at[group[i]]++] = i;
    free(at);
    free(group);
    for (size_t g = 0; g < ngroups; g++) resolve_folder(reqs, idx + start[g], start[g + 1] - start[g], ext);
    free(idx);
    free(start);
}
