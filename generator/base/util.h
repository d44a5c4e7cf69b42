/* util — small things every stage needs: growable buffers, UTF-8, bounded reads, atomic writes. */
#ifndef WENSHU_UTIL_H
#define WENSHU_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failure is not recoverable in a batch tool: these print and abort. */
void *ws_xmalloc(size_t n);
void *ws_xcalloc(size_t n, size_t size);
void *ws_xrealloc(void *p, size_t n);
char *ws_xstrdup(const char *s);
char *ws_xstrndup(const char *s, size_t n);

/* A growable byte buffer, always NUL-terminated after its len bytes. */
typedef struct {
    char *data;
    size_t len, cap;
} ws_buf;

void ws_buf_put(ws_buf *b, const void *p, size_t n);
void ws_buf_puts(ws_buf *b, const char *s);
void ws_buf_putc(ws_buf *b, char c);
void ws_buf_printf(ws_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ws_buf_vprintf(ws_buf *b, const char *fmt, va_list ap);
char *ws_buf_steal(ws_buf *b); /* returns data (never NULL), leaves b empty */
void ws_buf_free(ws_buf *b);

/* UTF-8. ws_utf8_decode returns the length of the sequence at s (1..4) and stores the scalar value,
 * or -1 for an invalid, overlong, surrogate or truncated sequence. */
int ws_utf8_decode(const char *s, size_t len, uint32_t *cp);
size_t ws_utf8_encode(uint32_t cp, char out[4]);
/* For text already refused or reported elsewhere: like ws_utf8_decode, but an invalid byte reads as
 * U+FFFD and counts as one byte, so a loop always advances. */
int ws_utf8_decode_lossy(const char *s, size_t len, uint32_t *cp);
int ws_utf8_valid(const char *s, size_t len, size_t *bad_offset);
size_t ws_utf8_count(const char *s, size_t len); /* scalar values; invalid bytes count one each */

/* Reads a whole regular file (not a directory, FIFO or device) of at most max bytes.
 * On failure returns -1 and writes a human-readable reason (errno text, "is a directory",
 * "larger than N bytes") into err. */
int ws_read_file(const char *path, size_t max, ws_buf *out, char *err, size_t errlen);
/* The same, refusing a symbolic link at path itself (O_NOFOLLOW): for files in OUT, where anyone
 * who can write the folder could plant one. */
int ws_read_file_nofollow(const char *path, size_t max, ws_buf *out, char *err, size_t errlen);

/* Writes data to path atomically: a temporary file in the same folder, fsync, rename.
 * A crash or a full disk leaves either the old file or the new one, never a partial file. */
int ws_write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* The first half of ws_write_file_atomic, for batches: writes data to PATH.tmp.PID (created as
 * ws_write_file_atomic does) without waiting for the disk. The caller makes a batch of them durable
 * at once (syncfs) and only then renames each into place, so that a file still never appears
 * under its name before its bytes are on disk. */
int ws_write_file_temporary(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* The same, name relative to the open folder dirfd (never through a link: the folder is held
 * open, the file created O_EXCL|O_NOFOLLOW); shown is the path used in messages. */
int ws_write_file_temporary_at(int dirfd, const char *name, const char *shown, const void *data, size_t len, char *err,
                               size_t errlen);

/* ws_write_file_atomic for text made a piece at a time, so that it is never whole in memory:
 * ws_atomic_open creates PATH.tmp.PID as ws_write_file_atomic does, ws_atomic_put appends,
 * ws_atomic_commit makes it durable and renames it into place; on any failure (or
 * ws_atomic_abort) the temporary is removed and path is untouched. Each returns 0 or -1 with err
 * filled (put and commit report the first failure once, and later calls do nothing). */
typedef struct {
    int fd;     /* -1 after a failure or the end */
    char *path, *tmp;
} ws_atomic;
int ws_atomic_open(ws_atomic *w, const char *path, char *err, size_t errlen);
int ws_atomic_put(ws_atomic *w, const void *data, size_t len, char *err, size_t errlen);
int ws_atomic_commit(ws_atomic *w, char *err, size_t errlen);
/* ws_atomic_commit without the fsync, for a side file a crash may lose (the stat side file:
 * its reader checks every line against the file it describes). */
int ws_atomic_commit_unsynced(ws_atomic *w, char *err, size_t errlen);
void ws_atomic_abort(ws_atomic *w);
/* ws_atomic as a sink for text made a piece at a time: 0, or -1 with err filled once (the
 * temporary is then gone, as after any failed ws_atomic_put). */
typedef struct {
    ws_atomic w;
    char *err;
    size_t errlen;
} ws_atomic_sink;
int ws_atomic_sink_put(const char *data, size_t len, void *sink);

/* Text made a piece at a time, compared with the file as it is, so that an unchanged file is
 * neither rewritten nor read whole (a 100 000-entry manifest is ~25 MB). ws_same_open opens it
 * (not through a link; fd -1 when absent or not a regular file, which is never the same);
 * ws_same_put is the sink: -1 at the first difference, which stops the producer;
 * ws_same_close closes it and says whether the producer succeeded (made_ok), every byte
 * matched and the file holds no more: 1, else 0. */
typedef struct {
    int fd;
    uint64_t size, at;
} ws_same;
void ws_same_open(ws_same *s, const char *path);
int ws_same_put(const char *data, size_t len, void *same);
int ws_same_close(ws_same *s, int made_ok);

/* A 64-bit multiply-xorshift hash over 8-byte words (a few GB/s), for telling bytes apart in
 * memory caches and for the layout cache's checksums on disk (cli/volume_cache.c: changing it
 * makes every cache file read as damaged, and so made again). Not a defence against a forger. */
uint64_t ws_hash64(const void *bytes, size_t len);

/* mkdir -p; returns 0 or -1 with err filled. */
int ws_make_dirs(const char *path, char *err, size_t errlen);

#endif
