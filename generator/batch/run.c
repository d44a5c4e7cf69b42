/* run — see run.h. */
#include "batch/run.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch/jobs.h"
#include "batch/outpath.h"
#include "batch/plan.h"
#include "base/i18n.h"

double run_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void run_clear_progress(const run_state *r)
{
    const build_reporter *rep = r->o->reporter;
    if (rep && rep->clear) rep->clear(rep->ctx);
}

static void report_progress(size_t finished, size_t total, void *ctx)
{
    run_state *r = ctx;
    const build_reporter *rep = r->o->reporter;
    if (!rep || !rep->update) return;
    build_progress p = {finished, total, run_clock() - r->started};
    rep->update(&p, rep->ctx);
}

/* A worker makes one document after another, each allocating and freeing much the same memory
 * (its file's DOM, the PDF being written, libharu's objects). main() has every block of 64 KiB
 * and more mapped on its own, and glibc gives the top of the heap back past 128 KiB free: right
 * for the parent, whose freed pages workers would otherwise copy, but in a worker it makes every
 * document fault its pages in again. Measured on 2 000 notices at -j 2: 49 600 page faults ->
 * 26 300-28 200 for the run (bench/PROFILE.md, fourth round). The worker exits when the batch ends, which
 * is when this memory goes back. */
static void worker_start(void *ctx)
{
    (void)ctx;
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

/* ---- making one output (runs in a worker) ---- */

/* A worker's status for an item that could not be written (full disk, unwritable folder): the
 * run then ends with EXIT_USAGE, as for any output it cannot write, rather than EXIT_DATA. */
#define WORK_IO_FAILED 2

static int make_one(run_state *r, const build_item *it, long *pages, uint64_t *bytes, char sha[SHA256_HEX_LEN + 1], diag *d)
{
    char err[1024];
    char *full = outpath_join(r->o->out, it->relpath);
    if (!full) {
        diag_report(d, DIAG_ERROR, (diag_loc){it->relpath, 0, 0, it->record[0] ? it->record : NULL},
                    _("unsafe output path (internal error)"));
        return -1;
    }
    char *dir = ws_xstrdup(full);
    *strrchr(dir, '/') = 0;
    int rc = -1;
    /* A notice is some 100 KB: grown from nothing by doubling in every file, it was copied on the
     * way and freed whole at the end, which makes glibc consolidate its small free chunks each
     * time (bench/PROFILE.md, eighth round). The worker keeps the room; it exits with the batch. */
    ws_buf *pdf = &r->pdf;
    pdf->len = 0;
    char *reldir = ws_xstrdup(it->relpath);
    *strrchr(reldir, '/') = 0;
    /* Items come in plan order, so most share the previous item's folder: checked once for a
     * run of them (the checks cost a dozen system calls), not per file. */
    if (!r->checked_dir || strcmp(r->checked_dir, reldir)) {
        if (r->checked_dir) close(r->dir_fd);
        free(r->checked_dir);
        r->checked_dir = NULL;
        /* The folder is held open by descriptor, walked from OUT without following links: the
         * temporary is created in it (openat), so swapping the folder for a link afterwards
         * cannot carry the output outside OUT. */
        r->dir_fd = outpath_open_dir(r->o->out, reldir, 1, err, sizeof err);
        if (r->dir_fd < 0) {
            diag_report(d, DIAG_ERROR, (diag_loc){full, 0, 0, NULL}, "%s", err);
            free(reldir);
            rc = -2;
            goto done;
        }
        r->checked_dir = reldir;
        reldir = NULL;
    }
    free(reldir);
    build_member *members = NULL;
    size_t nmembers = 0;
    if (!it->record[0]) members = plan_members(r->p, r->o, it, &nmembers);
    long npages = 0;
    int made = r->src->make(r->src->ctx, it, members, nmembers, r->o->archive, pdf, &npages, d);
    free(members);
    if (made) goto done;
    if (ws_write_file_temporary_at(r->dir_fd, strrchr(full, '/') + 1, full, pdf->data, pdf->len, err, sizeof err)) {
        diag_report(d, DIAG_ERROR, (diag_loc){full, 0, 0, NULL}, "%s", err);
        rc = -2;
        goto done;
    }
    uint8_t digest[SHA256_LEN];
    sha256_bytes(pdf->data, pdf->len, digest);
    sha256_hex(digest, sha);
    *pages = npages;
    *bytes = pdf->len;
    rc = 0;
done:
    free(dir);
    free(full);
    return rc;
}

/* Result format, parent side parses it: "pages bytes sha errors warnings\n" then the messages. */
static int work(size_t k, void *ctx, ws_buf *result)
{
    run_state *r = ctx;
    const build_item *it = &r->p->items[r->todo[k]];
    diag *d = diag_new(NULL);
    long pages = 0;
    uint64_t bytes = 0;
    char sha[SHA256_HEX_LEN + 1];
    memset(sha, '0', SHA256_HEX_LEN);
    sha[SHA256_HEX_LEN] = 0;
    int rc = make_one(r, it, &pages, &bytes, sha, d);
    /* the pid names the temporary (PATH.tmp.PID) that the parent renames once it is durable */
    ws_buf_printf(result, "%ld %llu %s %ld %ld %ld\n", pages, (unsigned long long)bytes, sha, diag_count(d, DIAG_ERROR),
                diag_count(d, DIAG_WARNING), (long)getpid());
    for (size_t i = 0; i < diag_nmessages(d); i++) ws_buf_printf(result, "%s\n", diag_message(d, i));
    diag_free(d);
    return rc == -2 ? WORK_IO_FAILED : rc ? 1 : 0;
}

/* ---- in the parent: results, durable renames, checkpoints ---- */

static const manifest_entry *old_entry(const run_state *r, const char *path)
{
    return manifest_find(&r->old, path);
}

static void add_entry(run_state *r, const build_item *it, long pages, uint64_t bytes, const char *sha, const char *key)
{
    manifest_entry e = {(char *)it->relpath, (char *)it->form, (char *)it->record, pages, bytes, {0}, {0}, 0};
    snprintf(e.sha256, sizeof e.sha256, "%s", sha);
    snprintf(e.key, sizeof e.key, "%s", key ? key : "");
    if (!it->record[0]) e.volume = r->o->volume ? r->o->volume : BUILD_VOLUME_DEFAULT;
    manifest_add(&r->made, &e);
}

/* Every so often during a long run, the manifest as it stands: what this run made so far plus
 * the previous entries. A run killed after this resumes from here (entries whose files changed
 * since are caught by the SHA-256 check). The interval grows with the cost of writing it, so a
 * huge manifest takes at most a few percent of the time. The union is written straight from
 * r->made and r->old (sorting r->made in place, which later additions and the final sort keep
 * right: of equal paths the last added still wins), not from a copy of them: for a run of
 * 100 000 files a copy was ~35 MB more at every checkpoint. */
static void checkpoint(run_state *r)
{
    double t = run_clock();
    if (!r->checkpoint_path || t < r->next_checkpoint) return;
    char err[512];
    if (manifest_write_union_if_changed(&r->made, &r->old, r->checkpoint_path, err, sizeof err) == 0) {
        double cost = run_clock() - t;
        r->checkpoint_cost = cost;
        r->next_checkpoint = run_clock() + (cost * 50 > 2.0 ? cost * 50 : 2.0);
    } else {
        r->checkpoint_path = NULL; /* the final write will report the problem */
    }
}

/* Takes the results of the batch on the durable thread: a file made durable and renamed is
 * recorded as built; one that could not be is reported and its temporary removed (the previous
 * file, if any, stays as it was). */
static void settle_flying(run_state *r)
{
    size_t n;
    durable_file *files = durable_wait(r->durable, &n);
    if (!files) return;
    for (size_t k = 0; k < n; k++) {
        struct pending_file *pf = &r->flying.v[k];
        const build_item *it = &r->p->items[pf->item];
        if (!files[k].err) {
            r->built++;
            add_entry(r, it, pf->pages, pf->bytes, pf->sha, r->keys[pf->item]);
        } else {
            run_clear_progress(r);
            diag_report(r->d, DIAG_ERROR, (diag_loc){pf->full, 0, 0, it->record[0] ? it->record : NULL},
                        _("cannot write the file: %s"), strerror(files[k].err));
            unlink(pf->tmp);
            r->failed++;
            r->io_failed++;
            const manifest_entry *e = old_entry(r, it->relpath);
            if (e && manifest_file_matches(r->o->out, e)) manifest_add(&r->made, e);
        }
        free(pf->tmp);
        free(pf->full);
    }
    r->flying.n = 0;
    checkpoint(r);
}

/* Hands the batch collected so far to the durable thread (after taking the previous one's
 * results). */
static void flush_pending(run_state *r)
{
    settle_flying(r);
    if (!r->filling.n) return;
    struct pending_batch t = r->flying;
    r->flying = r->filling;
    r->filling = t;
    r->flying.files = ws_xrealloc(r->flying.files, r->flying.n * sizeof *r->flying.files);
    for (size_t k = 0; k < r->flying.n; k++)
        r->flying.files[k] = (durable_file){r->flying.v[k].tmp, r->flying.v[k].full, 0};
    durable_submit(r->durable, r->flying.files, r->flying.n);
    r->last_flush = run_clock();
}

static void queue_pending(run_state *r, size_t item, long pages, unsigned long long bytes, const char *sha, long pid)
{
    struct pending_batch *b = &r->filling;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->v = ws_xrealloc(b->v, b->cap * sizeof *b->v);
    }
    struct pending_file *pf = &b->v[b->n++];
    pf->item = item;
    pf->pages = pages;
    pf->bytes = bytes;
    snprintf(pf->sha, sizeof pf->sha, "%s", sha);
    char *full = outpath_join(r->o->out, r->p->items[item].relpath);
    pf->full = full ? full : ws_xstrdup(r->p->items[item].relpath);
    ws_buf tmp = {0};
    ws_buf_printf(&tmp, "%s.tmp.%ld", pf->full, pid);
    pf->tmp = ws_buf_steal(&tmp);
    if (b->n >= 128 || run_clock() - r->last_flush > 1.0) flush_pending(r);
}

/* The first line of a worker's result (see work); 0 when it is whole. */
static int parse_result(const char *res, long *pages, unsigned long long *bytes, char sha[SHA256_HEX_LEN + 1],
                        long *errors, long *warnings, long *pid)
{
    return sscanf(res, "%ld %llu %64s %ld %ld %ld", pages, bytes, sha, errors, warnings, pid) == 6 ? 0 : -1;
}

/* In finishing order: a file made is handed to the durable thread at once, whatever the items
 * before it are still doing (each worker takes its own stretch of the plan, so "before" can be
 * half the run). */
static void finished_item(size_t k, int status, const char *res, size_t len, void *ctx)
{
    run_state *r = ctx;
    long pages, errors, warnings, pid;
    unsigned long long bytes;
    char sha[SHA256_HEX_LEN + 1];
    (void)len;
    if (status == 0 && parse_result(res, &pages, &bytes, sha, &errors, &warnings, &pid) == 0)
        queue_pending(r, r->todo[k], pages, bytes, sha, pid);
}

/* In item order: messages, counts, and what stays in the manifest for an item that failed. */
static void done(size_t k, int status, const char *res, size_t len, void *ctx)
{
    run_state *r = ctx;
    size_t i = r->todo[k];
    const build_item *it = &r->p->items[i];
    long pages = 0, errors = 0, warnings = 0, pid = 0;
    unsigned long long bytes = 0;
    char sha[SHA256_HEX_LEN + 1] = "";
    const char *messages = res;
    if (status != JOBS_CRASHED && parse_result(res, &pages, &bytes, sha, &errors, &warnings, &pid) == 0) {
        const char *nl = memchr(res, '\n', len);
        messages = nl ? nl + 1 : res + len;
    } else if (status != JOBS_CRASHED) {
        status = 1;
    }
    if (*messages || status == JOBS_CRASHED) run_clear_progress(r);
    if (status == JOBS_CRASHED) {
        diag_report(r->d, DIAG_ERROR, (diag_loc){it->relpath, 0, 0, it->record[0] ? it->record : NULL}, "%s", res);
    } else {
        fputs(messages, stderr);
    }
    r->worker_errors += errors;
    r->worker_warnings += warnings;
    if (status == 0) return; /* queued by finished_item */
    r->failed++;
    if (status == WORK_IO_FAILED) r->io_failed++;
    /* Keep describing what is really in OUT: the previous file, if it is still intact. */
    const manifest_entry *e = old_entry(r, it->relpath);
    if (e && manifest_file_matches(r->o->out, e)) manifest_add(&r->made, e);
}

int run_make(run_state *r, char *err, size_t errlen)
{
    r->started = r->last_flush = run_clock();
    r->next_checkpoint = r->started + 2.0;
    r->durable = durable_new(r->o->out);
    jobs_opts jo = {r->o->jobs, -1, work, done, report_progress, r, finished_item, worker_start, r->o->time_limit};
    int rc = jobs_run(r->ntodo, &jo, err, errlen);
    if (rc) run_clear_progress(r);
    flush_pending(r); /* the last batch: durable and in place before the manifest names it */
    settle_flying(r);
    durable_free(r->durable);
    r->durable = NULL;
    if (r->checked_dir) close(r->dir_fd);
    free(r->checked_dir);
    r->checked_dir = NULL;
    ws_buf_free(&r->pdf);
    free(r->filling.v);
    free(r->filling.files);
    free(r->flying.v);
    free(r->flying.files);
    r->filling = r->flying = (struct pending_batch){0};
    run_clear_progress(r);
    return rc;
}
