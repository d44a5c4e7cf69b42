/* jobs — see jobs.h. */
#include "batch/jobs.h"
#include "base/i18n.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* What a worker sends back for each item: this header, then len bytes. */
typedef struct {
    uint64_t index;
    int32_t status;
    uint32_t len;
} reply_header;

/* Items handed to one worker and not yet answered. Two, so that a worker finishing an item finds
 * the next already in its pipe instead of waiting for the parent to wake up and answer: with as
 * many workers as processors the parent competes with them for a processor, and each such wait
 * was a gap in a worker's work. Replies come back in the order the items were sent. */
#define JOBS_DEPTH 2

typedef struct {
    pid_t pid;
    int cmd_fd;   /* parent writes item indices */
    int res_fd;   /* parent reads replies */
    int busy;     /* items in flight, 0..JOBS_DEPTH */
    size_t item[JOBS_DEPTH]; /* which, oldest first: item[0] is the one being worked on */
} worker;

typedef struct {
    int finished;
    int status;
    char *data;
    size_t len;
} slot;

/* The items a worker takes next, in order: [next, end). */
typedef struct {
    size_t next, end;
} segment;

/* The next item for worker k from its segment — or, when that is used up, from the second half
 * of the largest segment left, which becomes k's. Workers so take long runs of neighbouring
 * items, which share a DATA file (each worker reads a file once, not every worker every file),
 * and finish together. With item NULL, only says whether there is one. */
static int next_in_segment(segment *segs, int nw, int k, size_t *item)
{
    if (segs[k].next >= segs[k].end) {
        int from = -1;
        size_t most = 0;
        for (int j = 0; j < nw; j++)
            if (segs[j].end - segs[j].next > most) most = segs[j].end - segs[j].next, from = j;
        if (from < 0) return 0;
        if (!item) return 1;
        size_t mid = segs[from].end - most / 2;
        if (most == 1) mid = segs[from].next;
        segs[k] = (segment){mid, segs[from].end};
        segs[from].end = mid;
    }
    if (item) *item = segs[k].next++;
    return 1;
}

int jobs_default_workers(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

static int write_full(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Returns the number of bytes read: n, or less at end of file or on error. */
static size_t read_full(int fd, void *p, size_t n)
{
    char *c = p;
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, c + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    return got;
}

static void worker_main(int cmd_fd, int res_fd, const jobs_opts *o, size_t nitems)
{
    for (;;) {
        uint64_t index;
        if (read_full(cmd_fd, &index, sizeof index) != sizeof index) _exit(0);
        if (index >= nitems) _exit(3);
        ws_buf result = {0};
        /* SIGALRM's default action ends the worker: the parent sees its pipe close and why. */
        if (o->item_seconds) alarm(o->item_seconds);
        int status = o->work((size_t)index, o->ctx, &result);
        alarm(0);
        if (status == JOBS_CRASHED) status = JOBS_CRASHED + 1;
        reply_header h = {index, status, (uint32_t)(result.len > UINT32_MAX ? UINT32_MAX : result.len)};
        /* One buffer, one write: a reply is either whole or absent when the worker dies. */
        ws_buf msg = {0};
        ws_buf_put(&msg, &h, sizeof h);
        if (h.len) ws_buf_put(&msg, result.data, h.len);
        int rc = write_full(res_fd, msg.data, msg.len);
        ws_buf_free(&msg);
        ws_buf_free(&result);
        if (rc) _exit(4);
    }
}

static int spawn(worker *ws, int nw, int k, const jobs_opts *o, size_t nitems, char *err, size_t errlen)
{
    int cmd[2], res[2];
    if (pipe(cmd) != 0) goto fail;
    if (pipe(res) != 0) {
        close(cmd[0]);
        close(cmd[1]);
        goto fail;
    }
    fflush(NULL); /* or buffered output would be written twice */
    pid_t pid = fork();
    if (pid < 0) {
        close(cmd[0]), close(cmd[1]), close(res[0]), close(res[1]);
        goto fail;
    }
    if (pid == 0) {
        for (int i = 0; i < nw; i++)
            if (ws[i].pid > 0) close(ws[i].cmd_fd), close(ws[i].res_fd);
        close(cmd[1]);
        close(res[0]);
        signal(SIGPIPE, SIG_DFL);
        if (o->worker_start) o->worker_start(o->ctx);
        worker_main(cmd[0], res[1], o, nitems);
        _exit(0);
    }
    close(cmd[0]);
    close(res[1]);
    ws[k] = (worker){.pid = pid, .cmd_fd = cmd[1], .res_fd = res[0]};
    return 0;
fail:
    snprintf(err, errlen, _("cannot start a worker process: %s"), strerror(errno));
    return -1;
}

/* Reaps a worker whose pipe closed and says how it ended; returns the signal that ended it, or 0. */
static int reap(worker *w, unsigned item_seconds, char *why, size_t whylen)
{
    int st = 0;
    close(w->cmd_fd);
    close(w->res_fd);
    pid_t pid = w->pid;
    w->pid = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM && item_seconds)
        snprintf(why, whylen, _("over the time limit of %u s per record; stopped (--time-limit)"), item_seconds);
    else if (WIFSIGNALED(st))
        snprintf(why, whylen, _("worker process %ld was killed by signal %d (%s)"), (long)pid, WTERMSIG(st),
                 strsignal(WTERMSIG(st)));
    else
        snprintf(why, whylen, _("worker process %ld exited with status %d"), (long)pid, WEXITSTATUS(st));
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void finish(slot *slots, size_t i, int status, char *data, size_t len)
{
    slots[i] = (slot){1, status, data, len};
}

/* Hands finished items to done, in order, as far as the prefix is complete. */
static void flush_done(slot *slots, size_t nitems, size_t *next, const jobs_opts *o)
{
    while (*next < nitems && slots[*next].finished) {
        slot *s = &slots[*next];
        o->done(*next, s->status, s->data ? s->data : "", s->len, o->ctx);
        free(s->data);
        s->data = NULL;
        (*next)++;
    }
}

static int run_here(size_t nitems, const jobs_opts *o)
{
    for (size_t i = 0; i < nitems; i++) {
        ws_buf result = {0};
        int status = o->work(i, o->ctx, &result);
        if (o->finished) o->finished(i, status, result.data ? result.data : "", result.len, o->ctx);
        o->done(i, status, result.data ? result.data : "", result.len, o->ctx);
        ws_buf_free(&result);
        if (o->tick) o->tick(i + 1, nitems, o->ctx);
    }
    return 0;
}

int jobs_run(size_t nitems, const jobs_opts *o, char *err, size_t errlen)
{
    if (nitems == 0) return 0;
    if (o->workers <= 0) return run_here(nitems, o);
    int retries = o->retries < 0 ? 1 : o->retries;
    int nw = (size_t)o->workers > nitems ? (int)nitems : o->workers;

    slot *slots = ws_xcalloc(nitems, sizeof *slots);
    int *tries = ws_xcalloc(nitems, sizeof *tries);
    /* Items to hand out: retried items first (a small stack), then each worker's own segment. */
    size_t *again = ws_xmalloc(nitems * sizeof *again);
    size_t nagain = 0, finished = 0, next_done = 0;
    worker *ws = ws_xcalloc((size_t)nw, sizeof *ws);
    segment *segs = ws_xcalloc((size_t)nw, sizeof *segs);
    for (int k = 0; k < nw; k++) segs[k] = (segment){nitems * (size_t)k / (size_t)nw, nitems * (size_t)(k + 1) / (size_t)nw};
    struct pollfd *pfd = ws_xcalloc((size_t)nw, sizeof *pfd);
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
    int rc = 0;

    for (int k = 0; k < nw; k++)
        if (spawn(ws, nw, k, o, nitems, err, errlen)) {
            rc = -1;
            goto out;
        }

    while (finished < nitems) {
        /* Keep every live worker's queue full: first an item for each idle one, then the next
         * in line for each, so that a few items still spread over all the workers. */
        for (int depth = 1; depth <= JOBS_DEPTH; depth++)
            for (int k = 0; k < nw; k++) {
                if (ws[k].busy >= depth || (nagain == 0 && !next_in_segment(segs, nw, k, NULL))) continue;
                if (ws[k].pid == 0 && spawn(ws, nw, k, o, nitems, err, errlen)) {
                    rc = -1;
                    goto out;
                }
                size_t item = 0;
                if (nagain) item = again[--nagain];
                else next_in_segment(segs, nw, k, &item);
                uint64_t index = item;
                tries[item]++;
                ws[k].item[ws[k].busy++] = item;
                /* A worker that died meanwhile reports EOF below, and its items go back. */
                (void)write_full(ws[k].cmd_fd, &index, sizeof index);
            }
        int np = 0;
        for (int k = 0; k < nw; k++) {
            pfd[k] = (struct pollfd){ws[k].pid ? ws[k].res_fd : -1, POLLIN, 0};
            np += ws[k].pid != 0;
        }
        if (np == 0) break; /* cannot happen: every unfinished item is in flight or queued */
        if (poll(pfd, (nfds_t)nw, -1) < 0) {
            if (errno == EINTR) continue;
            snprintf(err, errlen, _("waiting for workers: %s"), strerror(errno));
            rc = -1;
            goto out;
        }
        for (int k = 0; k < nw; k++) {
            if (!ws[k].pid || !(pfd[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            reply_header h;
            size_t got = read_full(ws[k].res_fd, &h, sizeof h);
            char *data = NULL;
            int whole = got == sizeof h && ws[k].busy && h.index == ws[k].item[0];
            if (whole) {
                data = ws_xmalloc((size_t)h.len + 1);
                whole = read_full(ws[k].res_fd, data, h.len) == h.len;
                data[h.len] = 0;
            }
            if (whole) {
                finish(slots, ws[k].item[0], h.status, data, h.len);
                if (o->finished) o->finished(ws[k].item[0], h.status, data, h.len, o->ctx);
                memmove(ws[k].item, ws[k].item + 1, (JOBS_DEPTH - 1) * sizeof ws[k].item[0]);
                ws[k].busy--;
                finished++;
                if (o->tick) o->tick(finished, nitems, o->ctx);
                continue;
            }
            free(data);
            char why[256];
            worker dead = ws[k];
            int sig = reap(&ws[k], o->item_seconds, why, sizeof why);
            ws[k].busy = 0;
            /* Items queued behind the one it died on were never started: they go back untried. */
            for (int q = dead.busy - 1; q >= 1; q--) {
                tries[dead.item[q]]--;
                again[nagain++] = dead.item[q];
            }
            if (dead.busy == 0) continue;
            size_t item = dead.item[0];
            if (tries[item] <= retries && !(sig == SIGALRM && o->item_seconds)) {
                again[nagain++] = item;
            } else {
                char msg[320];
                if (sig == SIGALRM && o->item_seconds)
                    snprintf(msg, sizeof msg, "%s", why);
                else
                    snprintf(msg, sizeof msg, _("%s while making this item (tried %d times)"), why, tries[item]);
                finish(slots, item, JOBS_CRASHED, ws_xstrdup(msg), strlen(msg));
                finished++;
                if (o->tick) o->tick(finished, nitems, o->ctx);
            }
        }
        flush_done(slots, nitems, &next_done, o);
    }
    flush_done(slots, nitems, &next_done, o);

out:
    for (int k = 0; k < nw; k++)
        if (ws[k].pid > 0) {
            char why[256];
            if (rc) kill(ws[k].pid, SIGKILL);
            reap(&ws[k], 0, why, sizeof why);
        }
    signal(SIGPIPE, old_pipe);
    for (size_t i = 0; i < nitems; i++) free(slots[i].data);
    free(slots);
    free(tries);
    free(again);
    free(segs);
    free(ws);
    free(pfd);
    return rc;
}
