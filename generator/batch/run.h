/* run — making the outputs a build selected, on worker processes (jobs.h), and recording them.
 *
 * Every PDF is written atomically: a worker writes a temporary (PATH.tmp.PID), and the parent's
 * durable thread (durable.h) makes batches of them durable (one syncfs instead of an fsync per
 * file) and renames them into place while the workers go on, before the manifest names them.
 * Results are taken in item order (jobs.h), so the manifest and the messages are the same for
 * any -j. Every so often during a long run the manifest is checkpointed, so that a killed run's
 * finished files need not be made again. Progress goes out as numbers (build_reporter). */
#ifndef WENSHU_RUN_H
#define WENSHU_RUN_H

#include <stddef.h>

#include "batch/build.h"
#include "batch/durable.h"
#include "batch/manifest.h"
#include "batch/statcache.h"

/* One run's state, shared by build.c (which fills the first block) and the workers' callbacks. */
typedef struct {
    build_plan *p;
    const build_source *src;
    const build_options *o;
    diag *d;
    char (*keys)[SHA256_HEX_LEN + 1]; /* per plan item: final input key, hex (selected items only) */
    size_t *todo;       /* plan indices to make */
    size_t ntodo;
    manifest old;       /* manifest.json as found (and, for a shard, its part before it) */
    const char *checkpoint_path; /* where to checkpoint the manifest; NULL: never */
    unsigned char *old_unchanged; /* a single run: per entry of old, whether it was found unchanged (not copied into made) */
    statcache stats;    /* the stat side file as found, and what this run found of the files it checked (statcache.h) */

    /* Filled by run_make (and build.c's count of unchanged outputs). */
    manifest made;      /* entries for this run's selected outputs (borrowed strings: the plan's, old's) */
    size_t built, unchanged, failed;
    size_t io_failed; /* of those failed: outputs that could not be written (disk full, …) */
    long worker_errors, worker_warnings;

    /* run.c's own. */
    double started;
    double next_checkpoint, checkpoint_cost;
    /* Files written by workers as temporaries, made durable together and renamed into place on
     * durable.h's thread while the workers go on: `filling` collects the next batch, `flying` is
     * the batch the thread has. */
    struct pending_batch {
        struct pending_file {
            size_t item;
            long pages;
            unsigned long long bytes;
            char sha[SHA256_HEX_LEN + 1];
            char *tmp, *full;
        } *v;
        durable_file *files;
        size_t n, cap;
    } filling, flying;
    durable *durable;
    double last_flush;
    char *checked_dir; /* in a worker: the folder (under OUT) last made and opened */
    int dir_fd;        /* its descriptor (outpath_open_dir), valid while checked_dir is set */
    ws_buf pdf;        /* in a worker: the file being made, its room kept from one file to the next */
} run_state;

/* Seconds on a monotonic clock. */
double run_clock(void);

/* Makes the outputs r->todo names, on r->o->jobs workers. When it returns, every output made is
 * durable, in place and in r->made, and each one that failed has its previous entry in r->made
 * if its file is still intact. Returns 0, or -1 with err filled when the workers could not be
 * started or kept alive. */
int run_make(run_state *r, char *err, size_t errlen);

/* Tells the reporter to wipe its progress line, before anything is written to standard error. */
void run_clear_progress(const run_state *r);

#endif
