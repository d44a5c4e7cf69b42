/* outlock — see outlock.h. */
#include "batch/outlock.h"
#include "base/i18n.h"

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
        snprintf(err, errlen, _("cannot open the output folder %s: %s"), out, strerror(errno));
        return -1;
    }
    int op = exclusive ? LOCK_EX : LOCK_SH;
    int rc = lock(fd, op | LOCK_NB);
    if (rc != 0 && errno == EWOULDBLOCK && wait) {
        fprintf(stderr, _("wenshu: another wenshu is writing %s; waiting for it to finish...\n"), out);
        rc = lock(fd, op);
    }
    if (rc != 0) {
        if (errno == EWOULDBLOCK) {
            *busy = 1;
            snprintf(err, errlen,
                     _("another wenshu is writing %s: one output folder takes one writer at a time. Run again when "
                       "it has finished, or add --wait to queue"),
                     out);
        } else {
            snprintf(err, errlen, _("cannot lock the output folder %s: %s"), out, strerror(errno));
        }
        close(fd);
        return -1;
    }
    return fd;
}

int outlock_exclusive(int fd, const char *out, char *err, size_t errlen)
{
    if (lock(fd, LOCK_EX) == 0) return 0;
    snprintf(err, errlen, _("cannot lock the output folder %s: %s"), out, strerror(errno));
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
        snprintf(err, errlen, _("cannot open the output folder %s: %s"), out, strerror(errno));
        return -1;
    }
    int said = 0;
    for (;;) {
        int fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0) {
            snprintf(err, errlen, _("cannot create the shard lock file %s/%s: %s"), out, name, strerror(errno));
            close(dfd);
            return -1;
        }
        int rc = lock(fd, LOCK_EX | LOCK_NB);
        if (rc != 0 && errno == EWOULDBLOCK && wait) {
            if (!said)
                fprintf(stderr, _("wenshu: another wenshu is building %s, part %u/%u; waiting for it to finish...\n"), out, k, n);
            said = 1;
            rc = lock(fd, LOCK_EX);
        }
        if (rc != 0) {
            if (errno == EWOULDBLOCK) {
                *busy = 1;
                snprintf(err, errlen,
                         _("another wenshu is building %s, part %u/%u (--shard %u/%u): one part runs once at a time. Run "
                           "again when it has finished, or add --wait to queue"),
                         out, k, n, k, n);
            } else {
                snprintf(err, errlen, _("cannot lock the shard lock file %s/%s: %s"), out, name, strerror(errno));
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
