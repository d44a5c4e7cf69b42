/* sha256 — SHA-256 for the manifest and the incremental cache, over Debian's nettle.
 *
 * A thin wrapper so the rest of wenshu names one small API rather than nettle's macros. */
#ifndef WENSHU_SHA256_H
#define WENSHU_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

/* Incremental hashing: sha256_begin, sha256_add as often as needed, sha256_end. */
typedef struct {
    struct sha256_ctx ctx;
} sha256_state;

void sha256_begin(sha256_state *s);
void sha256_add(sha256_state *s, const void *data, size_t len);
/* Adds a string and its terminating NUL, so that ("ab","c") and ("a","bc") hash differently. */
void sha256_add_str(sha256_state *s, const char *str);
void sha256_end(sha256_state *s, uint8_t out[SHA256_LEN]);

/* One call for a buffer in memory. */
void sha256_bytes(const void *data, size_t len, uint8_t out[SHA256_LEN]);

/* Lower-case hex, NUL-terminated (hex holds SHA256_HEX_LEN + 1 bytes). */
void sha256_hex(const uint8_t digest[SHA256_LEN], char hex[SHA256_HEX_LEN + 1]);

/* Hashes a file by streaming it (no size limit). Returns 0, or -1 with err filled; *size gets
 * the number of bytes read when size is not NULL. */
int sha256_file(const char *path, uint8_t out[SHA256_LEN], uint64_t *size, char *err, size_t errlen);
/* The same for an open descriptor (closed here); path only names it in messages. */
int sha256_fd(int fd, const char *path, uint8_t out[SHA256_LEN], uint64_t *size, char *err, size_t errlen);

#endif
