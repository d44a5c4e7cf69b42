/* jobs — running N independent items on worker processes, with results merged in item order.
 *
 * Workers are fork()ed from the caller, so they share everything it loaded before jobs_run (the
 * records, the templates, the fonts) without copying it by hand. Each worker starts on its own
 * stretch of the items (worker k of N on the k-th Nth) and takes them in order, a couple at a time;
 * one that runs out takes over the second half of the largest stretch left, so slow items do not
 * hold up a fixed share and neighbouring items (which share inputs) stay on one worker. The parent
 * collects each item's status and result bytes through a pipe. Whatever the number of workers
 * and whatever order items finish in, the done callback sees them in item order 0, 1, 2… — so a
 * manifest or a log built from it is identical for -j 1 and -j 8.
 *
 * A worker that dies (a crash, kill -9, the OOM killer) is noticed through its pipe closing; the
 * item it was working on is tried again on a fresh worker, and if it kills that one too, it is
 * reported as JOBS_CRASHED with the signal, and the run goes on with the other items. */
#ifndef WENSHU_JOBS_H
#define WENSHU_JOBS_H

#include <stddef.h>

#include "base/util.h"

/* The status of an item whose worker died on every try. */
#define JOBS_CRASHED (-1000)

/* Runs in a worker (or in the caller when workers == 0): does item index, appends whatever the
 * parent needs to know to result, returns a status (0 for success; any value but JOBS_CRASHED). */
typedef int (*jobs_work_fn)(size_t index, void *ctx, ws_buf *result);
/* Runs in the caller, once per item, in item order. For JOBS_CRASHED, result is a message. */
typedef void (*jobs_done_fn)(size_t index, int status, const char *result, size_t len, void *ctx);
/* Runs in the caller after each item finishes, in finishing order (progress display). */
typedef void (*jobs_tick_fn)(size_t finished, size_t total, void *ctx);
/* Runs in the caller as soon as an item's result arrives, in finishing order, before done sees it
 * in item order (e.g. to start on its output without waiting for the items before it). */
typedef void (*jobs_finished_fn)(size_t index, int status, const char *result, size_t len, void *ctx);

typedef struct {
    int workers;  /* 0: run in this process; >= 1: that many worker processes (at most one per item) */
    int retries;  /* further tries of an item whose worker died; < 0 means the default, 1 */
    jobs_work_fn work;
    jobs_done_fn done;
    jobs_tick_fn tick; /* may be NULL */
    void *ctx;
    jobs_finished_fn finished; /* may be NULL; not called for an item whose worker died */
    /* Runs in each worker process once, as it starts (not at all when workers == 0): settings
     * that suit a worker and not the caller. May be NULL. */
    void (*worker_start)(void *ctx);
    /* Seconds a worker may spend on one item (0: no limit). A worker over it is ended by SIGALRM
     * and the item reported as JOBS_CRASHED with a message saying so, without a second try. */
    unsigned item_seconds;
} jobs_opts;

/* Returns 0 when every item was handed to done (whatever their statuses), -1 with err filled when
 * the workers could not be started or kept alive (pipe or fork failing). */
int jobs_run(size_t nitems, const jobs_opts *o, char *err, size_t errlen);

/* The number of processors online, at least 1: the default for -j. */
int jobs_default_workers(void);

#endif
