/* build — one run, step by step (build.h); each step's work is in its own module: plan.h
 * (names, selection), keys.h, outscan.h (stale temporaries), run.h (the workers), manifest.h. */
#include "batch/build.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch/keys.h"
#include "batch/manifest.h"
#include "batch/outlock.h"
#include "batch/outpath.h"
#include "batch/outscan.h"
#include "batch/plan.h"
#include "batch/run.h"
#include "batch/statcache.h"
#include "batch/volumes.h"
#include "base/i18n.h"

/* Adds the entries of the manifest at path (if any) to r->old; a damaged one is reported and
 * ignored, so everything is made again. Parsed straight into r->old, whose strings then sit in its
 * pool (manifest.h), not into a manifest of its own copied entry by entry: for 100 000 files that
 * was the entries twice over, each string in a block of its own. */
static void read_old(run_state *r, const char *path)
{
    char err[1024];
    int missing = 0;
    size_t before = r->old.n;
    int rc = manifest_read(path, &r->old, &missing, err, sizeof err);
    if (rc == -1 || (rc == -2 && !missing))
        diag_report(r->d, DIAG_WARNING, (diag_loc){path, 0, 0, NULL}, _("ignoring the previous manifest (%s); everything is made again"), err);
    /* A damaged one adds nothing: what it added before the damage goes (parsing sorts only when
     * it succeeds, so those entries are the last ones). */
    if (rc && r->old.n > before) {
        unsigned char *keep = ws_xcalloc(r->old.n, 1);
        memset(keep, 1, before);
        manifest_keep(&r->old, keep);
        free(keep);
    }
}

/* Outputs of earlier runs that nothing in this run's plan would make any more — their record left
 * the data, their form was deleted, or their name changed — are removed with their manifest lines
 * (listed on stderr), so OUT holds only what the data makes. Combined files count only in a
 * --combined run (otherwise they are simply not planned). No orphan is removed with
 * --keep-orphans, by a run with --form (the other forms are not planned), or when a record was
 * skipped for errors or failed: its earlier file is then all there is, and removing it would lose
 * it. A run without --combined judges each combined volume the manifest lists (volumes.h): one
 * that no longer binds what its records say — one of them changed, left or came, with the number
 * of records per volume it was made with — is removed; the others stay, as they are exactly what
 * a --combined run would make. A shard removes nothing (it sees only its part). */
static int cmp_path_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t remove_orphans(run_state *r, const build_plan *p, const build_options *o)
{
    if (o->shard_n) return 0;
    /* With --form, only the forms asked for are planned: the others' files are not orphans. */
    int orphans_too = !o->keep_orphans && !o->nforms && !p->skipped && !r->failed;
    /* The planned paths, sorted, to look the old entries up in: pointers into the plan, not a
     * manifest of copies (~300 bytes an item at the end of a large run). */
    const char **all = ws_xmalloc((p->n ? p->n : 1) * sizeof *all);
    for (size_t i = 0; i < p->n; i++) all[i] = p->items[i].relpath;
    qsort(all, p->n, sizeof *all, cmp_path_ptr);
    volume_state *vs = o->combined ? NULL : volumes_judge(p, o, &r->old, NULL);
    /* r->old is thinned in place, not copied: r->made borrows the strings of its entries */
    unsigned char *kept = ws_xmalloc(r->old.n ? r->old.n : 1);
    size_t removed = 0;
    for (size_t i = 0; i < r->old.n; i++) {
        const manifest_entry *e = &r->old.v[i];
        int combined = !e->record || !*e->record;
        /* Without --combined: a volume goes when it is stale (or its form's records no longer make
         * a volume of that name); one whose form is not planned goes only as an orphan. */
        int stale_volume = vs && (vs[i] == VOLUME_STALE || vs[i] == VOLUME_GONE);
        int keep = bsearch(&e->path, all, p->n, sizeof *all, cmp_path_ptr) || (!stale_volume && !orphans_too) ||
                   (vs && combined && (vs[i] == VOLUME_CURRENT || (vs[i] == VOLUME_UNKNOWN && o->nforms)));
        kept[i] = (unsigned char)keep;
        if (keep) continue;
        if (outpath_unlink(o->out, e->path) == 0 || errno == ENOENT) {
            removed++;
            if (!o->quiet)
                fprintf(stderr,
                        stale_volume ? _("wenshu build: removed (the records of the combined file changed; --combined "
                                         "makes it again): %s\n")
                                     : _("wenshu build: removed (its record or form no longer exists): %s\n"),
                        e->path);
        } else {
            diag_report(r->d, DIAG_WARNING, (diag_loc){e->path, 0, 0, NULL}, _("cannot remove the stale file: %s"), strerror(errno));
            kept[i] = 1;
        }
    }
    free(vs);
    size_t k = 0; /* r->old_unchanged follows r->old */
    for (size_t i = 0; i < r->old.n; i++)
        if (kept[i]) r->old_unchanged[k++] = r->old_unchanged[i];
    manifest_keep(&r->old, kept);
    free(kept);
    free(all);
    return removed;
}

/* What the final manifest takes from r->old beside r->made (whose entries win): the unchanged
 * outputs, and the entries of earlier runs whose paths r->made lacks and whose files are still
 * there (the union manifest_merge_carry_over makes, without copying r->old's entries). */
static void keep_carried(run_state *r, const build_options *o)
{
    manifest_sort(&r->made);
    unsigned char *kept = ws_xmalloc(r->old.n ? r->old.n : 1);
    for (size_t i = 0; i < r->old.n; i++) {
        const manifest_entry *e = &r->old.v[i];
        kept[i] = r->old_unchanged[i] || (!manifest_find(&r->made, e->path) && manifest_file_present(o->out, e));
    }
    manifest_keep(&r->old, kept);
    free(kept);
}

int build_run(build_plan *p, const build_source *src, const build_options *o, diag *d, build_summary *summary)
{
    char err[1024];
    build_summary sum = {0};
    if (summary) *summary = sum;
    double t0 = run_clock();
    if (o->shard_n && (o->shard_k < 1 || o->shard_k > o->shard_n)) {
        diag_report(d, DIAG_ERROR, (diag_loc){0}, _("--shard %u/%u: K must be between 1 and N"), o->shard_k, o->shard_n);
        return EXIT_USAGE;
    }
    if (ws_make_dirs(o->out, err, sizeof err)) {
        diag_report(d, DIAG_ERROR, (diag_loc){o->out, 0, 0, NULL}, "%s", err);
        return EXIT_USAGE;
    }
    if (plan_check_filters(p, o, d)) return EXIT_USAGE;

    /* One writer per OUT (outlock.h): held until the manifest is written; shared by shards. */
    int busy, lock_fd = outlock_take(o->out, !o->shard_n, o->wait, &busy, err, sizeof err);
    if (lock_fd < 0) {
        diag_report(d, DIAG_ERROR, (diag_loc){0}, "%s", err);
        return EXIT_USAGE;
    }

    /* Two copies of the same shard would write the same files and part: one at a time. */
    int shard_fd = -1;
    if (o->shard_n) {
        shard_fd = outlock_shard(o->out, o->shard_k, o->shard_n, o->wait, &busy, err, sizeof err);
        if (shard_fd < 0) {
            diag_report(d, DIAG_ERROR, (diag_loc){0}, "%s", err);
            close(lock_fd);
            return EXIT_USAGE;
        }
    }

    plan_assign_paths(p, o->combined, o->volume);
    plan_keep_shard(p, o);
    run_state r = {.p = p, .src = src, .o = o, .d = d};
    /* r.made's entries borrow their strings from the plan (which the caller frees after build_run)
     * and from r.old (freed last, below) */
    r.made.borrowed = 1;
    r.keys = ws_xcalloc(p->n ? p->n : 1, sizeof *r.keys);
    unsigned char *selected = ws_xcalloc(p->n ? p->n : 1, 1);
    r.todo = ws_xcalloc(p->n ? p->n : 1, sizeof *r.todo);

    /* Selection, and the keys of what is selected. */
    /* A shard's targets, as a set, for its temporary-file cleanup (a single run removes every
     * temporary, and keeps no such set: for 100 000 outputs it was ~30 MB at the parent's peak). */
    manifest mine = {0};
    size_t nselected = 0;
    for (size_t i = 0; i < p->n; i++) {
        selected[i] = (unsigned char)plan_selected(p, o, i);
        if (!selected[i]) continue;
        nselected++;
        keys_final(p, o, i, r.keys[i]);
        manifest_entry e = {(char *)p->items[i].relpath, NULL, NULL, 0, 0, {0}, {0}, 0};
        if (o->shard_n) manifest_add(&mine, &e);
    }

    /* The plan's strings are packed (plan_pack says why) before the previous state is read: the
     * packed copy and the strings it replaces are both held for a moment, ~11 MB for 100 000
     * outputs, which beside the old manifest and the stat records was the peak of a rebuild. */
    plan_pack(p);

    /* Previous state: the manifest, and for a shard its own part (newer, so added last). */
    ws_buf mpath = {0}, partpath = {0}, partial = {0};
    ws_buf_printf(&mpath, "%s/%s", o->out, MANIFEST_NAME);
    read_old(&r, mpath.data);
    if (o->shard_n) {
        manifest_merge_part_path(&partpath, o->out, o->shard_k, o->shard_n);
        /* A shard's checkpoint must not look like a finished part, or another shard would merge it. */
        ws_buf_printf(&partial, "%s.partial", partpath.data);
        read_old(&r, partpath.data);
        read_old(&r, partial.data);
    }
    manifest_sort(&r.old);

    /* What a killed run left half-written. A shard touches only its own (and its own manifest's). */
    if (o->shard_n) {
        manifest_entry me = {strrchr(partpath.data, '/') + 1, NULL, NULL, 0, 0, {0}, {0}, 0};
        manifest_add(&mine, &me);
        manifest_sort(&mine);
    }
    outscan_remove_temps(o->out, o->shard_n ? &mine : NULL);
    manifest_free(&mine);

    /* What is unchanged: a file whose stat is as recorded is not read again (statcache.h). */
    /* Read when an output may be unchanged (its key is the manifest's); when none may — a new
     * wenshu, --force — only for writing it again at the end, after the workers and the source's
     * release: a run that remakes everything does not hold it beside what it makes (~11 MB for
     * 100 000 outputs). The file is the same then: only a single run, holding OUT, writes it. */
    int stats_read = 0;
    for (size_t i = 0; i < p->n && !o->force && !stats_read; i++) {
        if (!selected[i]) continue;
        const manifest_entry *e = manifest_find(&r.old, p->items[i].relpath);
        stats_read = e && !strcmp(e->key, r.keys[i]);
    }
    if (stats_read) statcache_read(&r.stats, o->stat_cache, &r.old);
    /* An unchanged output's entry is the one r.old has: a single run marks it there and writes the
     * union of r.made and r.old, as its checkpoints do, rather than copying it into r.made (184
     * bytes an output, all of them when nothing is to be made). A shard's part lists only its own
     * outputs, so a shard copies them, into room taken once. */
    if (o->shard_n) manifest_reserve(&r.made, nselected);
    else r.old_unchanged = ws_xcalloc(r.old.n ? r.old.n : 1, 1);
    for (size_t i = 0; i < p->n; i++) {
        if (!selected[i]) continue;
        const manifest_entry *e = manifest_find(&r.old, p->items[i].relpath);
        int same = !o->force && e && !strcmp(e->key, r.keys[i]) ? statcache_check(&r.stats, o->out, e) : 0;
        if (same) {
            if (o->timing) same == STATCACHE_BY_STAT ? o->timing->by_stat++ : o->timing->hashed++;
            if (r.old_unchanged) r.old_unchanged[e - r.old.v] = 1;
            else manifest_add(&r.made, e);
            r.unchanged++;
        } else {
            r.todo[r.ntodo++] = i;
        }
    }
    free(selected);

    /* The rest, on the workers. Each output adds one entry to r.made (its own, or the previous
     * one when it fails): their room is taken at once, the parent's only growth per file. */
    manifest_reserve(&r.made, r.made.n + r.ntodo);
    r.checkpoint_path = o->shard_n ? partial.data : mpath.data;
    int status = EXIT_OK;
    double made_from = run_clock();
    if (o->timing) o->timing->prepare = made_from - t0;
    /* The workers are forked with what the parent holds now: the plan's strings packed (above),
     * and the heap's free pages given back (plan_pack says why). */
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
    int jobs_failed = run_make(&r, err, sizeof err);
    double made_to = run_clock();
    if (o->release) {
        o->release(o->release_ctx);
#if defined(__GLIBC__)
        malloc_trim(0); /* what the source freed, back before the manifest's entries grow */
#endif
    }
    if (o->timing) o->timing->make = made_to - made_from;
    if (jobs_failed) {
        diag_report(d, DIAG_ERROR, (diag_loc){0}, "%s", err);
        status = EXIT_USAGE;
    }

    /* The manifest: this run's outputs, plus what earlier runs made that is still there. A shard
     * writes its part, and merges the parts when it is the last to finish. */
    const char *written = mpath.data;
    /* (before r.old is thinned below: the records borrow its paths) */
    if (status == EXIT_OK && !o->shard_n && !stats_read) statcache_read(&r.stats, o->stat_cache, &r.old);
    if (status == EXIT_OK) {
        if (o->shard_n) written = partpath.data;
        else {
            sum.orphans = remove_orphans(&r, p, o);
            keep_carried(&r, o);
        }
        if (manifest_write_union_if_changed(&r.made, o->shard_n ? NULL : &r.old, written, err, sizeof err)) {
            diag_report(d, DIAG_ERROR, (diag_loc){written, 0, 0, NULL}, "%s", err);
            status = EXIT_USAGE;
        }
        /* Only a run holding OUT exclusively writes the side file. It is a cache: failing to
         * write it is no error (the next run hashes the files instead), and the manifest's write
         * just before has reported any trouble with OUT. */
        if (status == EXIT_OK && !o->shard_n) statcache_write(o->stat_cache, &r.made, &r.old, &r.stats, err, sizeof err);
    }
    if (status == EXIT_OK && o->shard_n) unlink(partial.data);
    /* Before waiting for OUT exclusively: a copy of this shard waiting for its lock holds OUT
     * shared, and would otherwise wait for us while we wait for it. */
    outlock_shard_release(shard_fd, o->out, o->shard_k, o->shard_n);
    if (status == EXIT_OK && o->shard_n) {
        /* Exclusive for the merge: after every other running shard has written its part. */
        int rc = outlock_exclusive(lock_fd, o->out, err, sizeof err) ? -1 : manifest_merge_parts(o->out, 1, err, sizeof err);
        if (rc < 0) diag_report(d, DIAG_WARNING, (diag_loc){o->out, 0, 0, NULL}, _("cannot merge the manifest parts: %s"), err);
        sum.merged = rc == 0;
    }

    if (o->timing) o->timing->finish = run_clock() - made_to;
    long errors = diag_count(d, DIAG_ERROR) + r.worker_errors;
    long warnings = diag_count(d, DIAG_WARNING) + r.worker_warnings;
    if (status == EXIT_OK && r.io_failed) status = EXIT_USAGE;
    if (status == EXIT_OK && (r.failed || errors || p->skipped || (o->strict && warnings))) status = EXIT_DATA;
    sum.built = r.built;
    sum.unchanged = r.unchanged;
    sum.failed = r.failed;
    sum.skipped = p->skipped;
    sum.not_built = p->skipped_lines;
    sum.nnot_built = p->nskipped_lines;
    sum.sharded = o->shard_n != 0;
    sum.seconds = run_clock() - t0;
    sum.manifest = ws_xstrdup(written);
    if (summary) *summary = sum;
    else free(sum.manifest);

    close(lock_fd);
    free(r.keys);
    free(r.todo);
    free(r.old_unchanged);
    manifest_free(&r.old);
    manifest_free(&r.made);
    statcache_free(&r.stats);
    ws_buf_free(&mpath);
    ws_buf_free(&partpath);
    ws_buf_free(&partial);
    return status;
}
