#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/jobs.h"
#include "tap.h"

/* tap.h's CHECK evaluates its condition twice; these conditions have side effects. */
#define CHECK_ONCE(cond, ...)       \
    do {                            \
        int once_ = !!(cond);       \
        CHECK(once_, __VA_ARGS__);  \
    } while (0)
#include "base/util.h"

typedef struct {
    ws_buf log;          /* "index:status:result\n" per done call */
    size_t last_index; /* to check the order */
    int in_order;
    size_t ticks;
    const char *marker; /* for the crash-once work */
} run_state;

static int square_work(size_t i, void *ctx, ws_buf *result)
{
    (void)ctx;
    usleep((useconds_t)((i * 7919) % 5) * 1000); /* finish out of order */
    ws_buf_printf(result, "item %zu squared is %zu", i, i * i);
    return i % 3 == 0 ? 1 : 0;
}

static int killing_work(size_t i, void *ctx, ws_buf *result)
{
    if (i == 5) raise(SIGKILL);
    if (i == 7) _exit(7);
    return square_work(i, ctx, result);
}

static int crash_once_work(size_t i, void *ctx, ws_buf *result)
{
    run_state *s = ctx;
    if (i == 3 && access(s->marker, F_OK) != 0) {
        FILE *f = fopen(s->marker, "w");
        if (f) fclose(f);
        raise(SIGKILL);
    }
    return square_work(i, ctx, result);
}

static int pid_work(size_t i, void *ctx, ws_buf *result)
{
    (void)ctx;
    usleep((useconds_t)(i % 7) * 300);
    ws_buf_printf(result, "%ld", (long)getpid());
    return 0;
}

/* Set by start_worker in a worker process; the caller's copy stays 0. */
static long started_in;
static int starts;

static void start_worker(void *ctx)
{
    (void)ctx;
    started_in = (long)getpid();
    starts++;
}

/* Reports whether this process ran start_worker, once, before its first item. */
static int started_work(size_t i, void *ctx, ws_buf *result)
{
    (void)i;
    (void)ctx;
    ws_buf_printf(result, "%d", started_in == (long)getpid() && starts == 1);
    return 0;
}

typedef struct {
    long pid[200];
    size_t order[200], norder;
} finish_log;

static void log_finished(size_t i, int status, const char *result, size_t len, void *ctx)
{
    finish_log *f = ctx;
    (void)status, (void)len;
    if (i < 200) f->pid[i] = atol(result);
    if (f->norder < 200) f->order[f->norder++] = i;
}

/* Item 2 never ends: only the per-item time limit stops it. */
static int hanging_work(size_t i, void *ctx, ws_buf *result)
{
    (void)ctx;
    while (i == 2) pause();
    ws_buf_printf(result, "item %zu", i);
    return 0;
}

static void ignore_done(size_t i, int status, const char *result, size_t len, void *ctx)
{
    (void)i, (void)status, (void)result, (void)len, (void)ctx;
}

static void record_done(size_t i, int status, const char *result, size_t len, void *ctx)
{
    run_state *s = ctx;
    if (s->log.len && i != s->last_index + 1) s->in_order = 0;
    if (!s->log.len && i != 0) s->in_order = 0;
    s->last_index = i;
    ws_buf_printf(&s->log, "%zu:%d:%.*s\n", i, status, (int)len, result);
}

static void count_tick(size_t finished, size_t total, void *ctx)
{
    run_state *s = ctx;
    (void)total;
    s->ticks = finished;
}

static char *run(int workers, size_t n, jobs_work_fn work, run_state *s, int *rc)
{
    *s = (run_state){.in_order = 1, .marker = s->marker};
    jobs_opts o = {workers, -1, work, record_done, count_tick, s, NULL, NULL, 0};
    char err[256];
    *rc = jobs_run(n, &o, err, sizeof err);
    return ws_buf_steal(&s->log);
}

int main(void)
{
    run_state s = {0};
    int rc;
    char *ref = run(0, 40, square_work, &s, &rc);
    CHECK_ONCE(rc == 0 && s.in_order && s.ticks == 40, "in-process run: done in order, 40 ticks");
    CHECK_ONCE(strstr(ref, "38:0:item 38 squared is 1444\n") && strstr(ref, "3:1:item 3 squared is 9\n"),
          "statuses and results arrive");
    int workers[] = {1, 2, 4, 64};
    for (size_t k = 0; k < sizeof workers / sizeof *workers; k++) {
        char *got = run(workers[k], 40, square_work, &s, &rc);
        CHECK_ONCE(rc == 0 && s.in_order && s.ticks == 40 && !strcmp(got, ref),
              "-j %d: the same results, in item order", workers[k]);
        free(got);
    }

    char *crashed = run(2, 12, killing_work, &s, &rc);
    CHECK_ONCE(rc == 0 && s.in_order && s.ticks == 12, "a run with dying workers still finishes every item");
    CHECK_ONCE(strstr(crashed, "5:-1000:worker process") && strstr(crashed, "killed by signal 9"),
          "an item killing its worker every time is reported with the signal");
    CHECK_ONCE(strstr(crashed, "7:-1000:") && strstr(crashed, "exited with status 7"), "an item exiting its worker is reported");
    CHECK_ONCE(strstr(crashed, "8:0:item 8 squared is 64\n") && strstr(crashed, "11:0:item 11 squared is 121\n"),
          "the items after a crash are still made");
    free(crashed);

    char marker[] = "/tmp/wenshu-jobs-marker.XXXXXX";
    int fd = mkstemp(marker);
    if (fd >= 0) close(fd), unlink(marker);
    s.marker = marker;
    char *retried = run(2, 8, crash_once_work, &s, &rc);
    CHECK_ONCE(rc == 0 && strstr(retried, "3:1:item 3 squared is 9\n") != NULL,
          "an item whose worker died once is retried on a fresh worker");
    free(retried);
    unlink(marker);

    /* One worker holds two items at a time: the one queued behind a crash was never started, so
     * it is made on the next worker even when no retries are allowed. */
    s = (run_state){.in_order = 1};
    jobs_opts strict = {1, 0, killing_work, record_done, count_tick, &s, NULL, NULL, 0};
    char err[256];
    rc = jobs_run(10, &strict, err, sizeof err);
    char *queued = ws_buf_steal(&s.log);
    CHECK_ONCE(rc == 0 && s.in_order && strstr(queued, "5:-1000:") && strstr(queued, "(tried 1 times)") &&
                   strstr(queued, "6:1:item 6 squared is 36\n") && strstr(queued, "8:0:item 8 squared is 64\n"),
               "no retries: the item queued behind a crash is still made");
    free(queued);

    /* A worker over the per-item time limit is stopped, the item reported once (no second try,
     * which would only take as long), and the other items are made. */
    s = (run_state){.in_order = 1};
    jobs_opts limited = {2, -1, hanging_work, record_done, count_tick, &s, NULL, NULL, 1};
    rc = jobs_run(6, &limited, err, sizeof err);
    char *timed = ws_buf_steal(&s.log);
    CHECK_ONCE(rc == 0 && s.in_order && strstr(timed, "2:-1000:over the time limit of 1 s per record") &&
                   strstr(timed, "5:0:item 5\n") && strstr(timed, "1:0:item 1\n"),
               "an item over --time-limit is reported and skipped, the others are made");
    free(timed);

    /* Workers take long runs of neighbouring items (which share a DATA file in a build), and the
     * finished callback sees every item once, as it arrives. */
    finish_log fl = {0};
    jobs_opts runs = {2, -1, pid_work, ignore_done, NULL, &fl, log_finished, NULL, 0};
    rc = jobs_run(200, &runs, err, sizeof err);
    size_t switches = 0, seen = 0;
    for (size_t i = 1; i < 200; i++) switches += fl.pid[i] != fl.pid[i - 1];
    unsigned char hit[200] = {0};
    for (size_t i = 0; i < fl.norder; i++) seen += !hit[fl.order[i]]++;
    CHECK_ONCE(rc == 0 && fl.norder == 200 && seen == 200, "finished sees each of 200 items once");
    CHECK_ONCE(switches >= 1 && switches <= 12, "two workers take long runs of neighbouring items (%zu changes of worker)",
               switches);

    /* The worker_start hook runs in each worker, once, before its first item; not in the caller. */
    run_state ws = {.in_order = 1};
    jobs_opts hooked = {2, -1, started_work, record_done, NULL, &ws, NULL, start_worker, 0};
    rc = jobs_run(20, &hooked, err, sizeof err);
    char *hooklog = ws_buf_steal(&ws.log);
    CHECK_ONCE(rc == 0 && !strstr(hooklog, ":0\n") && strstr(hooklog, "19:0:1\n") && starts == 0 && started_in == 0,
               "worker_start ran once in every worker before its items, never in the caller");
    free(hooklog);

    char *none = run(3, 0, square_work, &s, &rc);
    CHECK_ONCE(rc == 0 && !none[0], "no items, nothing done");
    free(none);
    free(ref);
    return TAP_DONE();
}
