/* outlock — see outlock.h. */
#include "batch/outlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
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
