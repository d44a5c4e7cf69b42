#include "base/util.h"
#include "base/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void out_of_memory(void)
{
    fputs(_("wenshu: out of memory\n"), stderr);
    abort();
}

void *ws_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

void *ws_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) out_of_memory();
    return p;
}

void *ws_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

char *ws_xstrdup(const char *s) { return ws_xstrndup(s, strlen(s)); }

char *ws_xstrndup(const char *s, size_t n)
{
    char *p = ws_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static void ws_buf_reserve(ws_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) cap *= 2;
    b->data = ws_xrealloc(b->data, cap);
    b->cap = cap;
}

void ws_buf_put(ws_buf *b, const void *p, size_t n)
{
    /* the room is checked here first: a worker makes some 4 000 puts a notice, nearly all into
     * room already there, and calling ws_buf_reserve for each was 1 % of its instructions */
    if (b->len + n + 1 > b->cap) ws_buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void ws_buf_puts(ws_buf *b, const char *s) { ws_buf_put(b, s, strlen(s)); }
void ws_buf_putc(ws_buf *b, char c)
{
    if (b->len + 2 > b->cap) ws_buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = 0;
}

/* Formats straight into the room left (at least 64 bytes are made free first), so most calls
 * run vsnprintf once; a longer result is formatted again once the room is there. */
void ws_buf_vprintf(ws_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    ws_buf_reserve(b, 64);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    if (n >= 0 && (size_t)n >= room) {
        ws_buf_reserve(b, (size_t)n);
        n = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (n < 0) {
        b->data[b->len] = 0; /* nothing added */
        return;
    }
    b->len += (size_t)n;
}

void ws_buf_printf(ws_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ws_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *ws_buf_steal(ws_buf *b)
{
    char *p = b->data ? b->data : ws_xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void ws_buf_free(ws_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int ws_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len == 0) return -1;
    if (u[0] < 0x80) { *cp = u[0]; return 1; }
    int n;
    uint32_t c, min;
    if ((u[0] & 0xE0) == 0xC0) { n = 2; c = u[0] & 0x1F; min = 0x80; }
    else if ((u[0] & 0xF0) == 0xE0) { n = 3; c = u[0] & 0x0F; min = 0x800; }
    else if ((u[0] & 0xF8) == 0xF0) { n = 4; c = u[0] & 0x07; min = 0x10000; }
    else return -1;
    if ((size_t)n > len) return -1;
    for (int i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) return -1;
        c = (c << 6) | (u[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return -1;
    *cp = c;
    return n;
}

int ws_utf8_decode_lossy(const char *s, size_t len, uint32_t *cp)
{
    int n = ws_utf8_decode(s, len, cp);
    if (n > 0) return n;
    *cp = 0xFFFD;
    return 1;
}

size_t ws_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int ws_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        int n = ws_utf8_decode(s + i, len - i, &cp);
        if (n < 0) {
            if (bad_offset) *bad_offset = i;
            return 0;
        }
        i += (size_t)n;
    }
    return 1;
}

size_t ws_utf8_count(const char *s, size_t len)
{
    size_t i = 0, count = 0;
    while (i < len) {
        uint32_t cp;
        int n = ws_utf8_decode(s + i, len - i, &cp);
        i += n > 0 ? (size_t)n : 1;
        count++;
    }
    return count;
}

static int read_file(const char *path, int flags, size_t max, ws_buf *out, char *err, size_t errlen);

int ws_read_file(const char *path, size_t max, ws_buf *out, char *err, size_t errlen)
{
    return read_file(path, 0, max, out, err, errlen);
}

int ws_read_file_nofollow(const char *path, size_t max, ws_buf *out, char *err, size_t errlen)
{
    return read_file(path, O_NOFOLLOW, max, out, err, errlen);
}

static int read_file(const char *path, int flags, size_t max, ws_buf *out, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | flags);
    if (fd < 0) {
        if (errno == ELOOP && (flags & O_NOFOLLOW))
            snprintf(err, errlen, _("a symbolic link; not read (links are not followed)"));
        else
            snprintf(err, errlen, _("cannot open: %s"), strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, _("cannot stat: %s"), strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, _("is a directory, not a file"));
        close(fd);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, _("not a regular file"));
        close(fd);
        return -1;
    }
    if ((unsigned long long)st.st_size > max) {
        snprintf(err, errlen, _("file too large (%lld bytes; the limit is %zu)"), (long long)st.st_size, max);
        close(fd);
        return -1;
    }
    out->len = 0;
    ws_buf_reserve(out, (size_t)st.st_size);
    for (;;) {
        ws_buf_reserve(out, 65536);
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0) {
            if (errno == EINTR) continue;
            snprintf(err, errlen, _("read error: %s"), strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0) break;
        out->len += (size_t)n;
        if (out->len > max) {
            snprintf(err, errlen, _("file too large (the limit is %zu bytes)"), max);
            close(fd);
            return -1;
        }
    }
    out->data[out->len] = 0;
    close(fd);
    return 0;
}

/* dirfd: the folder path is relative to (AT_FDCWD for the working directory); shown: the name
 * used in messages. */
static int write_temporary(int dirfd, const char *path, const char *shown, const void *data, size_t len, int durable,
                           char **tmp_out, char *err, size_t errlen)
{
    size_t plen = strlen(path);
    char *tmp = ws_xmalloc(plen + 32);
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    /* The name is predictable: never write through a link planted there, nor into someone else's
     * file. A leftover of a killed run that had our pid is removed (unlink removes a link, not its
     * target) and the create tried once more, still exclusively. */
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST && unlinkat(dirfd, tmp, 0) == 0)
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, _("cannot create %s.tmp.%ld: %s"), shown, (long)getpid(), strerror(errno));
        free(tmp);
        return -1;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            snprintf(err, errlen, _("cannot write %s: %s"), shown, strerror(errno));
            close(fd);
            unlinkat(dirfd, tmp, 0);
            free(tmp);
            return -1;
        }
        p += n;
        left -= (size_t)n;
    }
    if ((durable && fsync(fd) != 0) || close(fd) != 0) {
        snprintf(err, errlen, _("cannot write %s: %s"), shown, strerror(errno));
        unlinkat(dirfd, tmp, 0);
        free(tmp);
        return -1;
    }
    *tmp_out = tmp;
    return 0;
}

int ws_write_file_temporary(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char *tmp = NULL;
    if (write_temporary(AT_FDCWD, path, path, data, len, 0, &tmp, err, errlen)) return -1;
    free(tmp);
    return 0;
}

int ws_write_file_temporary_at(int dirfd, const char *name, const char *shown, const void *data, size_t len, char *err,
                               size_t errlen)
{
    char *tmp = NULL;
    if (write_temporary(dirfd, name, shown, data, len, 0, &tmp, err, errlen)) return -1;
    free(tmp);
    return 0;
}

int ws_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    char *tmp = NULL;
    if (write_temporary(AT_FDCWD, path, path, data, len, 1, &tmp, err, errlen)) return -1;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, _("cannot rename into %s: %s"), path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int ws_atomic_open(ws_atomic *w, const char *path, char *err, size_t errlen)
{
    size_t plen = strlen(path);
    *w = (ws_atomic){-1, ws_xstrdup(path), ws_xmalloc(plen + 32)};
    snprintf(w->tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    /* As write_temporary: exclusively, never through a planted link; our own pid's leftover goes. */
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (w->fd < 0 && errno == EEXIST && unlink(w->tmp) == 0)
        w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        snprintf(err, errlen, _("cannot create %s.tmp.%ld: %s"), path, (long)getpid(), strerror(errno));
        free(w->path);
        free(w->tmp);
        *w = (ws_atomic){-1, NULL, NULL};
        return -1;
    }
    return 0;
}

void ws_atomic_abort(ws_atomic *w)
{
    if (w->fd >= 0) close(w->fd);
    if (w->tmp) unlink(w->tmp);
    free(w->path);
    free(w->tmp);
    *w = (ws_atomic){-1, NULL, NULL};
}

int ws_atomic_put(ws_atomic *w, const void *data, size_t len, char *err, size_t errlen)
{
    if (w->fd < 0) return -1;
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            snprintf(err, errlen, _("cannot write %s: %s"), w->path, strerror(errno));
            ws_atomic_abort(w);
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int atomic_finish(ws_atomic *w, int sync, char *err, size_t errlen)
{
    if (w->fd < 0) return -1;
    int fd = w->fd;
    w->fd = -1;
    int e = sync && fsync(fd) != 0 ? errno : 0;
    if (close(fd) != 0 && !e) e = errno;
    if (e) {
        snprintf(err, errlen, _("cannot write %s: %s"), w->path, strerror(e));
        ws_atomic_abort(w);
        return -1;
    }
    if (rename(w->tmp, w->path) != 0) {
        snprintf(err, errlen, _("cannot rename into %s: %s"), w->path, strerror(errno));
        ws_atomic_abort(w);
        return -1;
    }
    free(w->tmp);
    w->tmp = NULL;
    ws_atomic_abort(w); /* frees path; there is no temporary left */
    return 0;
}

int ws_atomic_commit(ws_atomic *w, char *err, size_t errlen)
{
    return atomic_finish(w, 1, err, errlen);
}

int ws_atomic_commit_unsynced(ws_atomic *w, char *err, size_t errlen)
{
    return atomic_finish(w, 0, err, errlen);
}

int ws_atomic_sink_put(const char *data, size_t len, void *sink)
{
    ws_atomic_sink *k = sink;
    return ws_atomic_put(&k->w, data, len, k->err, k->errlen);
}

void ws_same_open(ws_same *s, const char *path)
{
    struct stat st;
    *s = (ws_same){open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), 0, 0};
    if (s->fd >= 0 && (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode))) close(s->fd), s->fd = -1;
    if (s->fd >= 0) s->size = (uint64_t)st.st_size;
}

int ws_same_put(const char *data, size_t len, void *same)
{
    ws_same *s = same;
    char piece[1 << 16];
    if (s->fd < 0 || s->at + len > s->size) return -1;
    while (len > 0) {
        size_t want = len < sizeof piece ? len : sizeof piece;
        ssize_t got = read(s->fd, piece, want);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0 || memcmp(piece, data, (size_t)got)) return -1;
        data += got;
        len -= (size_t)got;
        s->at += (uint64_t)got;
    }
    return 0;
}

int ws_same_close(ws_same *s, int made_ok)
{
    int same = made_ok && s->fd >= 0 && s->at == s->size;
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    return same;
}

int ws_make_dirs(const char *path, char *err, size_t errlen)
{
    char *p = ws_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            snprintf(err, errlen, _("cannot create folder %s: %s"), p, strerror(errno));
            free(p);
            return -1;
        }
        *s = '/';
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, _("cannot create folder %s: %s"), p, strerror(errno));
        free(p);
        return -1;
    }
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, _("%s exists and is not a folder"), p);
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

uint64_t ws_hash64(const void *bytes, size_t len)
{
    const unsigned char *p = bytes;
    uint64_t h = 0x9E3779B97F4A7C15ull ^ len;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    uint64_t w = 0;
    memcpy(&w, p + i, len - i);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 29);
}
