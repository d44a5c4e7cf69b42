/* outlock — see outlock.h. */
#include "batch/outlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int lock(int fd, int op)
{
    int rc;
    while ((rc = flock(fd, op)) != 0 && errno == EINTR) {
    }
    return rc;
}

int outlock_take(const char *out, int exclusive, int wait, int *busy, char *err, size_t errlen)
{
    *busy = 0;
    int fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "无法打开输出文件夹 %s：%s", out, strerror(errno));
        return -1;
    }
    int op = exclusive ? LOCK_EX : LOCK_SH;
    int rc = lock(fd, op | LOCK_NB);
    if (rc != 0 && errno == EWOULDBLOCK && wait) {
        fprintf(stderr, "wenshu: 另一个 wenshu 正在写入 %s，等待它结束……\n", out);
        rc = lock(fd, op);
    }
    if (rc != 0) {
        if (errno == EWOULDBLOCK) {
            *busy = 1;
            snprintf(err, errlen,
                     "另一个 wenshu 正在写入 %s：同一输出文件夹同时只能有一个写入者。请等它结束后再运行，"
                     "或加 --wait 排队等待",
                     out);
        } else {
            snprintf(err, errlen, "无法锁定输出文件夹 %s：%s", out, strerror(errno));
        }
        close(fd);
        return -1;
    }
    return fd;
}

int outlock_exclusive(int fd, const char *out, char *err, size_t errlen)
{
    if (lock(fd, LOCK_EX) == 0) return 0;
    snprintf(err, errlen, "无法锁定输出文件夹 %s：%s", out, strerror(errno));
    return -1;
}

static void shard_lock_name(char *buf, size_t len, unsigned k, unsigned n)
{
    snprintf(buf, len, "manifest.%u-of-%u.json.lock", k, n);
}

int outlock_is_shard_lock(const char *name)
{
    unsigned k, n;
    int end = 0;
    return sscanf(name, "manifest.%u-of-%u.json.lock%n", &k, &n, &end) == 2 && end > 0 && !name[end];
}

int outlock_shard(const char *out, unsigned k, unsigned n, int wait, int *busy, char *err, size_t errlen)
{
    *busy = 0;
    char name[96];
    shard_lock_name(name, sizeof name, k, n);
    int dfd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        snprintf(err, errlen, "无法打开输出文件夹 %s：%s", out, strerror(errno));
        return -1;
    }
    int said = 0;
    for (;;) {
        int fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
            snprintf(err, errlen, "无法创建分片锁文件 %s/%s：%s", out, name, strerror(errno));
            close(dfd);
            return -1;
        }
        int rc = lock(fd, LOCK_EX | LOCK_NB);
        if (rc != 0 && errno == EWOULDBLOCK && wait) {
            if (!said)
                fprintf(stderr, "wenshu: 另一个 wenshu 正在生成 %s 的第 %u/%u 部分，等待它结束……\n", out, k, n);
            said = 1;
            rc = lock(fd, LOCK_EX);
        }
        if (rc != 0) {
            if (errno == EWOULDBLOCK) {
                *busy = 1;
                snprintf(err, errlen,
                         "另一个 wenshu 正在生成 %s 的第 %u/%u 部分（--shard %u/%u）：同一部分同时只能运行一份。"
                         "请等它结束后再运行，或加 --wait 排队等待",
                         out, k, n, k, n);
            } else {
                snprintf(err, errlen, "无法锁定分片锁文件 %s/%s：%s", out, name, strerror(errno));
            }
            close(fd);
            close(dfd);
            return -1;
        }
        /* Locked: but is it still the file of that name? The holder before removes it on release. */
        struct stat held, named;
        if (fstat(fd, &held) == 0 && fstatat(dfd, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
            held.st_dev == named.st_dev && held.st_ino == named.st_ino) {
            close(dfd);
            return fd;
        }
        close(fd);
    }
}

void outlock_shard_release(int fd, const char *out, unsigned k, unsigned n)
{
    if (fd < 0) return;
    char name[96];
    shard_lock_name(name, sizeof name, k, n);
    int dfd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    /* Removed while still locked, so no one can lock this name and then lose it to the unlink. */
    if (dfd >= 0) {
        unlinkat(dfd, name, 0);
        close(dfd);
    }
    close(fd);
}
