/* outlock — see outlock.h. */
#include "batch/outlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/util.h"

int outlock_take(const char *out, const char *name, int exclusive, int wait, int *busy, char *err, size_t errlen)
{
    *busy = 0;
    ws_buf path = {0};
    ws_buf_printf(&path, "%s/%s", out, name);
    int fd = open(path.data, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "无法打开锁文件 %s：%s", path.data, strerror(errno));
        ws_buf_free(&path);
        return -1;
    }
    int op = exclusive ? LOCK_EX : LOCK_SH;
    int rc;
    while ((rc = flock(fd, op | LOCK_NB)) != 0 && errno == EINTR) {
    }
    if (rc != 0 && errno == EWOULDBLOCK && wait) {
        fprintf(stderr, "wenshu: 另一个 wenshu 正在写入 %s，等待它结束……\n", out);
        while ((rc = flock(fd, op)) != 0 && errno == EINTR) {
        }
    }
    if (rc != 0) {
        if (errno == EWOULDBLOCK) {
            *busy = 1;
            snprintf(err, errlen,
                     "另一个 wenshu 正在写入 %s（锁文件 %s）：同一输出文件夹同时只能有一个写入者。请等它结束后再运行，"
                     "或加 --wait 排队等待",
                     out, path.data);
        } else {
            snprintf(err, errlen, "无法锁定 %s：%s", path.data, strerror(errno));
        }
        close(fd);
        fd = -1;
    }
    ws_buf_free(&path);
    return fd;
}
