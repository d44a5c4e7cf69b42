/* sha256 — see sha256.h. */
#include "base/sha256.h"
#include "base/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sha256_begin(sha256_state *s)
{
    sha256_init(&s->ctx);
}

void sha256_add(sha256_state *s, const void *data, size_t len)
{
    sha256_update(&s->ctx, len, data);
}

void sha256_add_str(sha256_state *s, const char *str)
{
    sha256_update(&s->ctx, strlen(str) + 1, (const uint8_t *)str);
}

void sha256_end(sha256_state *s, uint8_t out[SHA256_LEN])
{
    sha256_digest(&s->ctx, SHA256_LEN, out);
}

void sha256_bytes(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
    sha256_state s;
    sha256_begin(&s);
    sha256_add(&s, data, len);
    sha256_end(&s, out);
}

void sha256_hex(const uint8_t digest[SHA256_LEN], char hex[SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_LEN; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[SHA256_HEX_LEN] = 0;
}

int sha256_file(const char *path, uint8_t out[SHA256_LEN], uint64_t *size, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, _("cannot open %s: %s"), path, strerror(errno));
        return -1;
    }
    return sha256_fd(fd, path, out, size, err, errlen);
}

int sha256_fd(int fd, const char *path, uint8_t out[SHA256_LEN], uint64_t *size, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, _("%s is not a regular file"), path);
        close(fd);
        return -1;
    }
    sha256_state s;
    sha256_begin(&s);
    uint64_t total = 0;
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            snprintf(err, errlen, _("cannot read %s: %s"), path, strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0) break;
        sha256_add(&s, buf, (size_t)n);
        total += (uint64_t)n;
    }
    close(fd);
    sha256_end(&s, out);
    if (size) *size = total;
    return 0;
}
