/* util — small things every stage needs: growable buffers, UTF-8, bounded reads, atomic writes. */
#ifndef WENSHU_UTIL_H
#define WENSHU_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation failure is not recoverable in a batch tool: these print and abort. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer, always NUL-terminated after its len bytes. */
typedef struct {
    char *data;
    size_t len, cap;
} wbuf;

void wbuf_put(wbuf *b, const void *p, size_t n);
void wbuf_puts(wbuf *b, const char *s);
void wbuf_putc(wbuf *b, char c);
void wbuf_printf(wbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void wbuf_vprintf(wbuf *b, const char *fmt, va_list ap);
char *wbuf_steal(wbuf *b); /* returns data (never NULL), leaves b empty */
void wbuf_free(wbuf *b);

/* UTF-8. utf8_decode returns the length of the sequence at s (1..4) and stores the scalar value,
 * or -1 for an invalid, overlong, surrogate or truncated sequence. */
int utf8_decode(const char *s, size_t len, uint32_t *cp);
size_t utf8_encode(uint32_t cp, char out[4]);
/* For text already refused or reported elsewhere: like utf8_decode, but an invalid byte reads as
 * U+FFFD and counts as one byte, so a loop always advances. */
int utf8_decode_lossy(const char *s, size_t len, uint32_t *cp);
int utf8_valid(const char *s, size_t len, size_t *bad_offset);
size_t utf8_count(const char *s, size_t len); /* scalar values; invalid bytes count one each */

/* Reads a whole regular file (not a directory, FIFO or device) of at most max bytes.
 * On failure returns -1 and writes a human-readable reason (errno text, "is a directory",
 * "larger than N bytes") into err. */
int read_file(const char *path, size_t max, wbuf *out, char *err, size_t errlen);

/* Writes data to path atomically: a temporary file in the same folder, fsync, rename.
 * A crash or a full disk leaves either the old file or the new one, never a partial file. */
int write_file_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* The first half of write_file_atomic, for batches: writes data to PATH.tmp.PID (created as
 * write_file_atomic does) without waiting for the disk. The caller makes a batch of them durable
 * at once (syncfs) and only then renames each into place, so that a file still never appears
 * under its name before its bytes are on disk. */
int write_file_temporary(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* mkdir -p; returns 0 or -1 with err filled. */
int make_dirs(const char *path, char *err, size_t errlen);

#endif
