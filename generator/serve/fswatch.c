/* fswatch — see fswatch.h. */
#include "serve/fswatch.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "base/util.h"

typedef struct {
    int wd;
    char *dir;
    char *name;   /* a watched file's name; NULL: any name ending with suffix */
    char *suffix;
} fswatch_target;

struct fswatch {
    int fd;
    fswatch_target *targets;
    size_t ntargets;
    char **changed;
    size_t nchanged;
};

#define FSWATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_DELETE)

fswatch *fswatch_new(void)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return NULL;
    fswatch *w = ws_xcalloc(1, sizeof *w);
    w->fd = fd;
    return w;
}

static void clear_changed(fswatch *w)
{
    for (size_t i = 0; i < w->nchanged; i++) free(w->changed[i]);
    free(w->changed);
    w->changed = NULL;
    w->nchanged = 0;
}

void fswatch_free(fswatch *w)
{
    if (!w) return;
    close(w->fd);
    for (size_t i = 0; i < w->ntargets; i++) {
        free(w->targets[i].dir);
        free(w->targets[i].name);
        free(w->targets[i].suffix);
    }
    free(w->targets);
    clear_changed(w);
    free(w);
}

int fswatch_fd(const fswatch *w) { return w->fd; }

static int add_target(fswatch *w, const char *dir, const char *name, const char *suffix)
{
    for (size_t i = 0; i < w->ntargets; i++) {
        const fswatch_target *t = &w->targets[i];
        if (strcmp(t->dir, dir)) continue;
        if (name ? t->name && !strcmp(t->name, name) : !t->name && !strcmp(t->suffix, suffix)) return 0;
    }
    /* A folder watched for several targets has one watch: inotify returns its descriptor again. */
    int wd = inotify_add_watch(w->fd, dir, FSWATCH_MASK | IN_ONLYDIR);
    if (wd < 0) return -1;
    w->targets = ws_xrealloc(w->targets, (w->ntargets + 1) * sizeof *w->targets);
    w->targets[w->ntargets++] = (fswatch_target){wd, ws_xstrdup(dir), name ? ws_xstrdup(name) : NULL,
                                                 ws_xstrdup(suffix ? suffix : "")};
    return 0;
}

int fswatch_add_file(fswatch *w, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? ws_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : ws_xstrdup(".");
    int rc = add_target(w, dir, slash ? slash + 1 : path, NULL);
    free(dir);
    return rc;
}

int fswatch_add_dir(fswatch *w, const char *dir, const char *suffix)
{
    return add_target(w, dir, NULL, suffix ? suffix : "");
}

/* Whether name (in a folder watched for any name with suffix) counts. */
static int name_counts(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    if (!n || name[0] == '.' || name[n - 1] == '~' || !strcmp(name, "4913")) return 0;
    return n > s && !strcmp(name + n - s, suffix);
}

static void note(fswatch *w, const fswatch_target *t, const char *name)
{
    ws_buf path = {0};
    ws_buf_printf(&path, "%s%s%s", t->dir, t->dir[strlen(t->dir) - 1] == '/' ? "" : "/", name);
    for (size_t i = 0; i < w->nchanged; i++)
        if (!strcmp(w->changed[i], path.data)) {
            ws_buf_free(&path);
            return;
        }
    w->changed = ws_xrealloc(w->changed, (w->nchanged + 1) * sizeof *w->changed);
    w->changed[w->nchanged++] = ws_buf_steal(&path);
}

/* Reads the waiting events; returns how many touched a watched file. */
static int drain(fswatch *w)
{
    int hits = 0;
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t len = read(w->fd, buf, sizeof buf);
        if (len <= 0) break;
        for (char *at = buf; at < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)at;
            at += sizeof *ev + ev->len;
            if (!ev->len || (ev->mask & IN_ISDIR)) continue;
            for (size_t i = 0; i < w->ntargets; i++) {
                const fswatch_target *t = &w->targets[i];
                if (t->wd != ev->wd) continue;
                if (t->name ? !strcmp(t->name, ev->name) : name_counts(ev->name, t->suffix)) {
                    note(w, t, ev->name);
                    hits++;
                }
            }
        }
    }
    return hits;
}

int fswatch_wait(fswatch *w, int timeout_ms, int settle_ms)
{
    clear_changed(w);
    struct pollfd pfd = {w->fd, POLLIN, 0};
    for (;;) {
        int r = poll(&pfd, 1, timeout_ms);
        if (r < 0) return -1;
        if (r == 0) return 0;
        if (drain(w)) break;
    }
    /* The burst: until settle_ms pass quietly. */
    for (;;) {
        int r = poll(&pfd, 1, settle_ms);
        if (r < 0 && errno != EINTR) return -1;
        if (r <= 0) break;
        drain(w);
    }
    return (int)w->nchanged;
}

const char *fswatch_changed(const fswatch *w, size_t i) { return i < w->nchanged ? w->changed[i] : NULL; }
