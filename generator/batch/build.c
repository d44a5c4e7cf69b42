/* build — see build.h. */
#include "batch/build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch/durable.h"
#include "batch/jobs.h"
#include "batch/manifest.h"
#include "batch/outpath.h"
#include "batch/outscan.h"

/* A plan of a large run holds many items whose form and organisation repeat: those strings are
 * kept once (interned), the rest per item. */
typedef struct {
    char **v;
    size_t cap, n;
} strset;

struct build_plan {
    build_item *items;
    size_t n, cap;
    size_t skipped;
    strset shared; /* form, form_alias and org strings of the items */
};

build_plan *build_plan_new(void)
{
    return ws_xcalloc(1, sizeof(build_plan));
}

static size_t str_hash(const char *s)
{
    size_t h = 14695981039346656037u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The set's copy of s (made on first use). */
static const char *intern(strset *t, const char *s)
{
    if ((t->n + 1) * 2 > t->cap) {
        strset old = *t;
        t->cap = old.cap ? old.cap * 2 : 64;
        t->v = ws_xcalloc(t->cap, sizeof *t->v);
        for (size_t i = 0; i < old.cap; i++) {
            if (!old.v[i]) continue;
            size_t j = str_hash(old.v[i]) & (t->cap - 1);
            while (t->v[j]) j = (j + 1) & (t->cap - 1);
            t->v[j] = old.v[i];
        }
        free(old.v);
    }
    size_t j = str_hash(s) & (t->cap - 1);
    while (t->v[j] && strcmp(t->v[j], s)) j = (j + 1) & (t->cap - 1);
    if (!t->v[j]) {
        t->v[j] = ws_xstrdup(s);
        t->n++;
    }
    return t->v[j];
}

static void item_free(build_item *it)
{
    free((char *)it->record);
    free((char *)it->name);
    free((char *)it->title);
    free((char *)it->relpath);
}

void build_plan_free(build_plan *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->n; i++) item_free(&p->items[i]);
    free(p->items);
    for (size_t i = 0; i < p->shared.cap; i++) free(p->shared.v[i]);
    free(p->shared.v);
    free(p);
}

static char *dup_or(const char *s, const char *otherwise)
{
    return s ? ws_xstrdup(s) : otherwise ? ws_xstrdup(otherwise) : NULL;
}

void build_plan_add(build_plan *p, const build_item *it)
{
    if (p->n == p->cap) p->items = ws_xrealloc(p->items, (p->cap = p->cap ? p->cap * 2 : 64) * sizeof *p->items);
    build_item *c = &p->items[p->n];
    *c = *it;
    c->form = intern(&p->shared, it->form ? it->form : "");
    c->form_alias = it->form_alias ? intern(&p->shared, it->form_alias) : NULL;
    c->record = dup_or(it->record, "");
    c->org = intern(&p->shared, it->org ? it->org : "");
    c->name = dup_or(it->name, "");
    c->title = dup_or(it->title, NULL);
    c->relpath = NULL;
    c->index = p->n++;
}

void build_plan_note_skipped(build_plan *p, size_t n)
{
    p->skipped += n;
}

size_t build_plan_count(const build_plan *p)
{
    return p->n;
}

const build_item *build_plan_item(const build_plan *p, size_t i)
{
    return i < p->n ? &p->items[i] : NULL;
}

unsigned build_shard_of(const char *form, const char *record, unsigned n)
{
    sha256_state s;
    uint8_t d[SHA256_LEN];
    sha256_begin(&s);
    sha256_add_str(&s, form);
    sha256_add_str(&s, record);
    sha256_end(&s, d);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | d[i];
    return n ? (unsigned)(v % n) : 0;
}

void build_key_file_bytes(sha256_state *s, const char *path)
{
    uint8_t d[SHA256_LEN];
    char err[256];
    sha256_add_str(s, path);
    if (sha256_file(path, d, NULL, err, sizeof err) == 0) sha256_add(s, d, sizeof d);
    else sha256_add_str(s, "(absent)");
}

void build_key_file_identity(sha256_state *s, const char *path)
{
    struct stat st;
    char line[128];
    sha256_add_str(s, path);
    if (stat(path, &st) == 0)
        snprintf(line, sizeof line, "%lld %lld.%09ld", (long long)st.st_size, (long long)st.st_mtim.tv_sec,
                 st.st_mtim.tv_nsec);
    else
        snprintf(line, sizeof line, "(absent)");
    sha256_add_str(s, line);
}

/* ---- one run ---- */

typedef struct {
    build_plan *p;
    const build_source *src;
    const build_options *o;
    diag *d;
    char (*keys)[SHA256_HEX_LEN + 1]; /* per plan item: final input key, hex (selected items only) */
    unsigned char *selected;
    size_t *todo;       /* plan indices to make */
    size_t ntodo;
    manifest old;       /* manifest.json as found (and, for a shard, its part before it) */
    manifest made;      /* entries for this run's selected outputs */
    size_t built, unchanged, failed;
    size_t io_failed; /* of those failed: outputs that could not be written (disk full, …) */
    long worker_errors, worker_warnings;
    /* progress */
    int show_progress, progress_drawn;
    double started, last_drawn;
    /* checkpoints of the manifest, so that a killed run's finished files need not be made again */
    const char *checkpoint_path;
    double next_checkpoint, checkpoint_cost;
    /* Files written by workers as temporaries, made durable together (one syncfs instead of an
     * fsync per file, which serialised workers on the file system's journal) and renamed into
     * place on durable.h's thread while the workers go on: `filling` collects the next batch,
     * `flying` is the batch the thread has. */
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
    char *checked_dir; /* in a worker: the folder (under OUT) last made and checked */
} run;

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

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clear_progress(run *r)
{
    if (r->progress_drawn) fputs("\r\033[K", stderr);
    r->progress_drawn = 0;
}

static void draw_progress(size_t finished, size_t total, void *ctx)
{
    run *r = ctx;
    if (!r->show_progress) return;
    double t = now_seconds();
    if (finished < total && t - r->last_drawn < 0.2) return; /* at most five times a second */
    r->last_drawn = t;
    double rate = finished / (t - r->started > 1e-3 ? t - r->started : 1e-3);
    long left = rate > 0 ? (long)((total - finished) / rate + 0.5) : 0;
    fprintf(stderr, "\r\033[K已生成 %zu/%zu 个文件，每秒 %.1f 个，预计还需 ", finished, total, rate);
    if (left >= 3600) fprintf(stderr, "%ld 小时 %ld 分", left / 3600, left % 3600 / 60);
    else if (left >= 60) fprintf(stderr, "%ld 分 %ld 秒", left / 60, left % 60);
    else fprintf(stderr, "%ld 秒", left);
    fflush(stderr);
    r->progress_drawn = 1;
}

static int form_matches(const build_item *it, const char *name)
{
    return !strcmp(it->form, name) || (it->form_alias && !strcmp(it->form_alias, name));
}

static int form_selected(const build_options *o, const build_item *it)
{
    if (!o->nforms) return 1;
    for (size_t i = 0; i < o->nforms; i++)
        if (form_matches(it, o->forms[i])) return 1;
    return 0;
}

static int record_selected(const build_options *o, const char *record)
{
    if (!o->nrecords) return 1;
    for (size_t i = 0; i < o->nrecords; i++)
        if (!strcmp(o->records[i], record)) return 1;
    return 0;
}

/* Whether plan item i belongs in the combined file comb. */
static int combined_member(const run *r, const build_item *comb, const build_item *it)
{
    return it->record[0] && !strcmp(it->form, comb->form) && it->ordinal >= comb->first && it->ordinal < comb->end &&
           record_selected(r->o, it->record);
}

/* The index of the first item of each form among the first n, in plan order. Forms are few, so
 * this is linear in the items. */
static size_t *distinct_forms(const build_plan *p, size_t n, size_t *count)
{
    size_t *firsts = NULL, nf = 0;
    for (size_t i = 0; i < n; i++) {
        size_t f = 0;
        while (f < nf && strcmp(p->items[firsts[f]].form, p->items[i].form)) f++;
        if (f < nf) continue;
        firsts = ws_xrealloc(firsts, (nf + 1) * sizeof *firsts);
        firsts[nf++] = i;
    }
    *count = nf;
    return firsts;
}

/* An organisation folder must not take a name wenshu uses at the top of OUT. */
static char *org_folder(const char *org)
{
    char *c = outpath_component(org, "未署单位");
    char *lower = ws_xstrdup(c);
    for (char *p = lower; *p; p++)
        if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
    size_t n = strlen(lower);
    int taken = !strcmp(c, BUILD_COMBINED_DIR) ||
                (!strncmp(lower, "manifest.", 9) && (n >= 5 && (!strcmp(lower + n - 5, ".json") ||
                                                                strstr(lower, ".json.") != NULL)));
    free(lower);
    if (!taken) return c;
    char *p = ws_xmalloc(strlen(c) + 2);
    p[0] = '_';
    strcpy(p + 1, c);
    free(c);
    return p;
}

/* Names every output: records by organisation and form, then one combined file per form. */
static void assign_paths(build_plan *p, int combined, size_t volume)
{
    size_t nrec = p->n;
    outpath_req *reqs = ws_xcalloc(nrec ? nrec : 1, sizeof *reqs);
    char **dirs = ws_xcalloc(nrec ? nrec : 1, sizeof *dirs), **stems = ws_xcalloc(nrec ? nrec : 1, sizeof *stems);
    for (size_t i = 0; i < nrec; i++) {
        build_item *it = &p->items[i];
        char *org = org_folder(it->org);
        char *form = outpath_component(it->form, "表单");
        ws_buf dir = {0};
        ws_buf_printf(&dir, "%s/%s", org, form);
        dirs[i] = ws_buf_steal(&dir);
        stems[i] = outpath_component(it->name, it->record);
        free(org);
        free(form);
        reqs[i] = (outpath_req){dirs[i], stems[i], it->record, NULL};
    }
    outpath_resolve(reqs, nrec, ".pdf");
    for (size_t i = 0; i < nrec; i++) {
        p->items[i].relpath = reqs[i].result;
        free(dirs[i]);
        free(stems[i]);
    }
    free(reqs);
    free(dirs);
    free(stems);
    if (!combined) return;
    size_t nforms;
    size_t *firsts = distinct_forms(p, nrec, &nforms);
    size_t *count = ws_xcalloc(nforms ? nforms : 1, sizeof *count);
    for (size_t i = 0; i < nrec; i++) {
        size_t f = 0;
        while (f + 1 < nforms && strcmp(p->items[firsts[f]].form, p->items[i].form)) f++;
        p->items[i].ordinal = count[f]++;
    }
    size_t per = volume ? volume : BUILD_VOLUME_DEFAULT;
    for (size_t f = 0; f < nforms; f++) {
        size_t i = firsts[f], nvol = (count[f] + per - 1) / per;
        for (size_t v = 0; v < nvol; v++) {
            ws_buf title = {0};
            if (nvol > 1) ws_buf_printf(&title, "%s（合订本第%zu册）", p->items[i].form, v + 1);
            else ws_buf_printf(&title, "%s（合订本）", p->items[i].form);
            build_item c = {.form = p->items[i].form, .form_alias = p->items[i].form_alias, .record = "", .org = "",
                            .name = p->items[i].form, .title = title.data, .data = p->items[i].data};
            build_plan_add(p, &c);
            ws_buf_free(&title);
            build_item *added = &p->items[p->n - 1];
            added->first = v * per;
            added->end = v + 1 < nvol ? (v + 1) * per : count[f];
            char *form = outpath_component(added->form, "表单");
            ws_buf rel = {0};
            if (nvol > 1) ws_buf_printf(&rel, "%s/%s（第%zu册）.pdf", BUILD_COMBINED_DIR, form, v + 1);
            else ws_buf_printf(&rel, "%s/%s.pdf", BUILD_COMBINED_DIR, form);
            free(form);
            added->relpath = ws_buf_steal(&rel);
        }
    }
    free(count);
    free(firsts);
}

static void final_key(run *r, size_t i, char hex[SHA256_HEX_LEN + 1])
{
    const build_item *it = &r->p->items[i];
    sha256_state s;
    uint8_t d[SHA256_LEN];
    sha256_begin(&s);
    sha256_add_str(&s, "wenshu build key 1");
    sha256_add_str(&s, r->o->version ? r->o->version : "");
    sha256_add_str(&s, r->o->archive ? "archive" : "plain");
    sha256_add_str(&s, it->relpath);
    if (it->record[0]) {
        sha256_add(&s, it->key, SHA256_LEN);
    } else {
        sha256_add_str(&s, "combined");
        for (size_t j = 0; j < r->p->n; j++) {
            const build_item *m = &r->p->items[j];
            if (!combined_member(r, it, m)) continue;
            sha256_add_str(&s, m->relpath);
            sha256_add_str(&s, m->title ? m->title : m->name);
            sha256_add(&s, m->key, SHA256_LEN);
        }
    }
    sha256_end(&s, d);
    sha256_hex(d, hex);
}

/* Whether the file at rel still is what entry e says (size and SHA-256). */
static int file_matches(const char *out, const manifest_entry *e)
{
    char *full = outpath_join(out, e->path);
    struct stat st;
    int ok = 0;
    if (full && lstat(full, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == e->bytes) {
        uint8_t d[SHA256_LEN];
        char hex[SHA256_HEX_LEN + 1], err[256];
        uint64_t size;
        if (sha256_file(full, d, &size, err, sizeof err) == 0) {
            sha256_hex(d, hex);
            ok = size == e->bytes && !strcmp(hex, e->sha256);
        }
    }
    free(full);
    return ok;
}

/* Cheap check for carrying an entry over: the file is there with the recorded size. */
static int file_present(const char *out, const manifest_entry *e)
{
    char *full = outpath_join(out, e->path);
    struct stat st;
    int ok = full && lstat(full, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == e->bytes;
    free(full);
    return ok;
}

/* ---- making one output (runs in a worker) ---- */

/* A worker's status for an item that could not be written (full disk, unwritable folder): the
 * run then ends with EXIT_USAGE, as for any output it cannot write, rather than EXIT_DATA. */
#define WORK_IO_FAILED 2

static int make_doc(run *r, const build_item *it, dlist_doc **out, diag *d)
{
    if (it->record[0]) return r->src->layout(r->src->ctx, it, out, d);
    dlist_doc *all = NULL;
    for (size_t j = 0; j < r->p->n; j++) {
        const build_item *m = &r->p->items[j];
        if (!combined_member(r, it, m)) continue;
        dlist_doc *doc = NULL;
        if (r->src->layout(r->src->ctx, m, &doc, d) || !doc) {
            diag_report(d, DIAG_ERROR, (diag_loc){it->relpath, 0, 0, m->record},
                        "the combined file cannot be made without this record");
            dlist_doc_free(doc);
            dlist_doc_free(all);
            return -1;
        }
        if (!all) {
            all = dlist_doc_new(doc->width, doc->height);
            dlist_meta_set(&all->meta.subject, doc->meta.subject);
            dlist_meta_set(&all->meta.author, doc->meta.author);
            dlist_meta_set(&all->meta.creator, doc->meta.creator);
            dlist_meta_set(&all->meta.date, doc->meta.date);
            ws_buf t = {0};
            ws_buf_puts(&t, it->title ? it->title : it->form); /* "<form>（合订本[第N册]）", set by assign_paths */
            dlist_meta_set(&all->meta.title, t.data);
            dlist_meta_set(&all->meta.keywords, it->form);
            ws_buf_free(&t);
        } else if (doc->width != all->width || doc->height != all->height) {
            diag_report(d, DIAG_ERROR, (diag_loc){it->relpath, 0, 0, m->record},
                        "page size differs from the other records of the form; cannot combine");
            dlist_doc_free(doc);
            dlist_doc_free(all);
            return -1;
        }
        /* The author (the organisation) only when every record shares it. */
        const char *a = all->meta.author, *b = doc->meta.author;
        if (a && (!b || strcmp(a, b))) dlist_meta_set(&all->meta.author, NULL);
        if (all->npages % 2) dlist_page_add(all); /* start every record on an odd (right-hand) page */
        size_t first_own = all->noutlines + 1;
        dlist_outline_add(all, 1, m->title ? m->title : m->name[0] ? m->name : m->record, all->npages, doc->height);
        dlist_doc_append(all, doc);
        for (size_t k = first_own; k < all->noutlines; k++) all->outlines[k].level++;
        dlist_doc_free(doc);
    }
    if (!all) {
        diag_report(d, DIAG_ERROR, (diag_loc){it->relpath, 0, 0, NULL}, "no records to combine");
        return -1;
    }
    *out = all;
    return 0;
}

static int make_one(run *r, const build_item *it, long *pages, uint64_t *bytes, char sha[SHA256_HEX_LEN + 1], diag *d)
{
    char err[1024];
    char *full = outpath_join(r->o->out, it->relpath);
    if (!full) {
        diag_report(d, DIAG_ERROR, (diag_loc){it->relpath, 0, 0, it->record[0] ? it->record : NULL},
                    "unsafe output path (internal error)");
        return -1;
    }
    char *dir = ws_xstrdup(full);
    *strrchr(dir, '/') = 0;
    int rc = -1;
    dlist_doc *doc = NULL;
    ws_buf pdf = {0};
    char *reldir = ws_xstrdup(it->relpath);
    *strrchr(reldir, '/') = 0;
    /* Items come in plan order, so most share the previous item's folder: checked once for a
     * run of them (the checks cost a dozen system calls), not per file. */
    if (!r->checked_dir || strcmp(r->checked_dir, reldir)) {
        free(r->checked_dir);
        r->checked_dir = NULL;
        if (outpath_make_dirs(r->o->out, reldir, err, sizeof err) ||
            outpath_check_inside(r->o->out, dir, err, sizeof err)) {
            diag_report(d, DIAG_ERROR, (diag_loc){full, 0, 0, NULL}, "%s", err);
            free(reldir);
            rc = -2;
            goto done;
        }
        r->checked_dir = reldir;
        reldir = NULL;
    }
    free(reldir);
    if (make_doc(r, it, &doc, d) || !doc) goto done;
    if (r->src->render(r->src->ctx, it, doc, r->o->archive, &pdf, d)) goto done;
    if (ws_write_file_temporary(full, pdf.data, pdf.len, err, sizeof err)) {
        diag_report(d, DIAG_ERROR, (diag_loc){full, 0, 0, NULL}, "%s", err);
        rc = -2;
        goto done;
    }
    uint8_t digest[SHA256_LEN];
    sha256_bytes(pdf.data, pdf.len, digest);
    sha256_hex(digest, sha);
    *pages = (long)doc->npages;
    *bytes = pdf.len;
    rc = 0;
done:
    dlist_doc_free(doc);
    ws_buf_free(&pdf);
    free(dir);
    free(full);
    return rc;
}

/* Result format, parent side parses it: "pages bytes sha errors warnings\n" then the messages. */
static int work(size_t k, void *ctx, ws_buf *result)
{
    run *r = ctx;
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

static const manifest_entry *old_entry(const run *r, const char *path)
{
    return manifest_find(&r->old, path);
}

static void add_entry(run *r, const build_item *it, long pages, uint64_t bytes, const char *sha, const char *key)
{
    manifest_entry e = {(char *)it->relpath, (char *)it->form, (char *)it->record, pages, bytes, {0}, {0}};
    snprintf(e.sha256, sizeof e.sha256, "%s", sha);
    snprintf(e.key, sizeof e.key, "%s", key ? key : "");
    manifest_add(&r->made, &e);
}

static int write_if_changed(manifest *m, const char *path, char *err, size_t errlen);

/* Every so often during a long run, the manifest as it stands: what this run made so far plus
 * the previous entries. A run killed after this resumes from here (entries whose files changed
 * since are caught by the SHA-256 check). The interval grows with the cost of writing it, so a
 * huge manifest takes at most a few percent of the time. */
static void checkpoint(run *r)
{
    double t = now_seconds();
    if (!r->checkpoint_path || t < r->next_checkpoint) return;
    manifest m = {0};
    for (size_t i = 0; i < r->made.n; i++) manifest_add(&m, &r->made.v[i]);
    manifest_sort(&m);
    size_t n = m.n;
    for (size_t i = 0; i < r->old.n; i++) {
        const manifest_entry *e = &r->old.v[i];
        size_t lo = 0, hi = n;
        int have = 0;
        while (lo < hi && !have) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(m.v[mid].path, e->path);
            if (!c) have = 1;
            else if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        if (!have) manifest_add(&m, e);
    }
    char err[512];
    if (write_if_changed(&m, r->checkpoint_path, err, sizeof err) == 0) {
        double cost = now_seconds() - t;
        r->checkpoint_cost = cost;
        r->next_checkpoint = now_seconds() + (cost * 50 > 2.0 ? cost * 50 : 2.0);
    } else {
        r->checkpoint_path = NULL; /* the final write will report the problem */
    }
    manifest_free(&m);
}

/* Takes the results of the batch on the durable thread: a file made durable and renamed is
 * recorded as built; one that could not be is reported and its temporary removed (the previous
 * file, if any, stays as it was). */
static void settle_flying(run *r)
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
            clear_progress(r);
            diag_report(r->d, DIAG_ERROR, (diag_loc){pf->full, 0, 0, it->record[0] ? it->record : NULL},
                        "cannot write the file: %s", strerror(files[k].err));
            unlink(pf->tmp);
            r->failed++;
            r->io_failed++;
            const manifest_entry *e = old_entry(r, it->relpath);
            if (e && file_matches(r->o->out, e)) manifest_add(&r->made, e);
        }
        free(pf->tmp);
        free(pf->full);
    }
    r->flying.n = 0;
    checkpoint(r);
}

/* Hands the batch collected so far to the durable thread (after taking the previous one's
 * results). */
static void flush_pending(run *r)
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
    r->last_flush = now_seconds();
}

static void queue_pending(run *r, size_t item, long pages, unsigned long long bytes, const char *sha, long pid)
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
    if (b->n >= 128 || now_seconds() - r->last_flush > 1.0) flush_pending(r);
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
    run *r = ctx;
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
    run *r = ctx;
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
    if (*messages || status == JOBS_CRASHED) clear_progress(r);
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
    if (e && file_matches(r->o->out, e)) manifest_add(&r->made, e);
}

/* ---- stale temporary files and manifests ---- */

typedef struct {
    const run *r;
    const manifest *mine; /* shard runs: only temporaries of these targets; NULL: all */
    size_t removed;
} temp_scan;

static int remove_temp(const char *rel, const char *full, const struct stat *st, void *ctx)
{
    temp_scan *t = ctx;
    (void)st;
    const char *base = strrchr(rel, '/');
    if (!outscan_is_temp(base ? base + 1 : rel)) return 0;
    if (t->mine) {
        char *target = ws_xstrdup(rel);
        char *cut = strstr(target, ".tmp."), *later;
        while ((later = strstr(cut + 1, ".tmp."))) cut = later; /* the suffix is the last ".tmp." */
        *cut = 0;
        int ours = manifest_find(t->mine, target) != NULL;
        free(target);
        if (!ours) return 0;
    }
    if (unlink(full) == 0) t->removed++;
    return 0;
}

static void part_name(ws_buf *b, const char *out, unsigned k, unsigned n)
{
    ws_buf_printf(b, "%s/manifest.%u-of-%u.json", out, k, n);
}

/* Adds to m the entries of base whose paths m lacks and whose files are still in OUT. */
static void carry_over(manifest *m, const manifest *base, const char *out)
{
    manifest_sort(m);
    size_t n = m->n;
    for (size_t i = 0; i < base->n; i++) {
        const manifest_entry *e = &base->v[i];
        int have = 0;
        /* m is sorted up to n; entries appended after n are from base, which has unique paths */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(m->v[mid].path, e->path);
            if (!c) {
                have = 1;
                break;
            }
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        if (!have && file_present(out, e)) manifest_add(m, e);
    }
    manifest_sort(m);
}

/* The N of the manifest parts in OUT; 0 when there are none, -1 when parts of different N mix. */
static long parts_n(const char *out)
{
    DIR *dir = opendir(out);
    if (!dir) return 0;
    long n = 0;
    struct dirent *de;
    while ((de = readdir(dir))) {
        unsigned k, pn;
        int end = 0;
        if (sscanf(de->d_name, "manifest.%u-of-%u.json%n", &k, &pn, &end) != 2 || de->d_name[end] || !pn || k > pn) continue;
        if (n && (unsigned long)n != pn) n = -1;
        if (n >= 0) n = pn;
    }
    closedir(dir);
    return n;
}

int build_merge_manifests(const char *out, int require_all, char *err, size_t errlen)
{
    long pn = parts_n(out);
    if (pn < 0) {
        snprintf(err, errlen, "manifest parts of different shard counts in %s; remove the stale ones", out);
        return -1;
    }
    if (pn == 0) {
        snprintf(err, errlen, "no manifest parts (manifest.K-of-N.json) in %s", out);
        return 1;
    }
    unsigned n = (unsigned)pn;
    manifest merged = {0};
    ws_buf missing = {0};
    for (unsigned k = 1; k <= n; k++) {
        ws_buf name = {0};
        part_name(&name, out, k, n);
        manifest part = {0};
        int gone = 0;
        char why[1024];
        int rc = manifest_read(name.data, &part, &gone, why, sizeof why);
        if (rc == -2 && gone) {
            ws_buf_printf(&missing, "%s%u", missing.len ? ", " : "", k);
        } else if (rc) {
            snprintf(err, errlen, "%s", why);
            manifest_free(&part);
            manifest_free(&merged);
            ws_buf_free(&name);
            ws_buf_free(&missing);
            return -1;
        }
        for (size_t i = 0; i < part.n; i++) manifest_add(&merged, &part.v[i]);
        manifest_free(&part);
        ws_buf_free(&name);
    }
    int partial = missing.len > 0;
    if (partial) {
        snprintf(err, errlen, "shards %s of %u have not finished yet", missing.data, n);
        ws_buf_free(&missing);
        if (require_all) {
            manifest_free(&merged);
            return 1;
        }
    }
    ws_buf mpath = {0};
    ws_buf_printf(&mpath, "%s/%s", out, MANIFEST_NAME);
    manifest old = {0};
    char why[1024], werr[1024];
    if (manifest_read(mpath.data, &old, NULL, why, sizeof why) == 0) carry_over(&merged, &old, out);
    manifest_free(&old);
    int rc = manifest_write(&merged, mpath.data, werr, sizeof werr);
    manifest_free(&merged);
    ws_buf_free(&mpath);
    if (rc) {
        snprintf(err, errlen, "%s", werr);
        return -1;
    }
    for (unsigned k = 1; k <= n; k++) {
        ws_buf name = {0};
        part_name(&name, out, k, n);
        unlink(name.data);
        ws_buf_free(&name);
    }
    return partial ? 2 : 0;
}

/* ---- the run ---- */

/* Writes the manifest unless the file already holds exactly these bytes, so that a run that
 * changed nothing leaves OUT untouched. */
static int write_if_changed(manifest *m, const char *path, char *err, size_t errlen)
{
    ws_buf text = {0}, old = {0};
    char why[256];
    manifest_serialize(m, &text);
    int rc = 0;
    if (ws_read_file(path, text.len + 1, &old, why, sizeof why) < 0 || old.len != text.len ||
        memcmp(old.data, text.data, text.len))
        rc = ws_write_file_atomic(path, text.data, text.len, err, errlen);
    ws_buf_free(&text);
    ws_buf_free(&old);
    return rc;
}

static int check_filters(const build_plan *p, const build_options *o, diag *d)
{
    int bad = 0;
    for (size_t f = 0; f < o->nforms; f++) {
        int found = 0;
        for (size_t i = 0; i < p->n && !found; i++) found = form_matches(&p->items[i], o->forms[f]);
        if (found) continue;
        ws_buf known = {0};
        size_t nforms;
        size_t *firsts = distinct_forms(p, p->n, &nforms);
        for (size_t k = 0; k < nforms; k++) {
            const build_item *it = &p->items[firsts[k]];
            ws_buf_printf(&known, "%s%s", known.len ? "、" : "", it->form);
            if (it->form_alias) ws_buf_printf(&known, "（%s）", it->form_alias);
        }
        free(firsts);
        if (known.len)
            diag_report(d, DIAG_ERROR, (diag_loc){0}, "--form %s: no record has this document (forms with documents: %s)",
                        o->forms[f], known.data);
        else
            diag_report(d, DIAG_ERROR, (diag_loc){0}, "--form %s: no record has this document", o->forms[f]);
        ws_buf_free(&known);
        bad = 1;
    }
    for (size_t r = 0; r < o->nrecords; r++) {
        int found = 0;
        for (size_t i = 0; i < p->n && !found; i++) found = !strcmp(p->items[i].record, o->records[r]);
        if (!found) {
            diag_report(d, DIAG_ERROR, (diag_loc){0}, "--record %s: no sound record with this id has a document%s",
                        o->records[r], o->nforms ? " of the forms chosen with --form" : "");
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

static int read_old(run *r, const char *path)
{
    char err[1024];
    int missing = 0;
    manifest m = {0};
    int rc = manifest_read(path, &m, &missing, err, sizeof err);
    if (rc == -1 || (rc == -2 && !missing))
        diag_report(r->d, DIAG_WARNING, (diag_loc){path, 0, 0, NULL}, "ignoring the previous manifest (%s); everything is made again", err);
    for (size_t i = 0; i < m.n; i++) manifest_add(&r->old, &m.v[i]);
    manifest_free(&m);
    return 0;
}

int build_run(build_plan *p, const build_source *src, const build_options *o, diag *d)
{
    char err[1024];
    double t0 = now_seconds();
    if (o->shard_n && (o->shard_k < 1 || o->shard_k > o->shard_n)) {
        diag_report(d, DIAG_ERROR, (diag_loc){0}, "--shard %u/%u: K must be between 1 and N", o->shard_k, o->shard_n);
        return EXIT_USAGE;
    }
    if (ws_make_dirs(o->out, err, sizeof err)) {
        diag_report(d, DIAG_ERROR, (diag_loc){o->out, 0, 0, NULL}, "%s", err);
        return EXIT_USAGE;
    }
    if (check_filters(p, o, d)) return EXIT_USAGE;

    size_t nrecords = p->n;
    assign_paths(p, o->combined, o->volume);
    run r = {.p = p, .src = src, .o = o, .d = d, .last_flush = now_seconds(), .durable = durable_new(o->out)};
    r.keys = ws_xcalloc(p->n ? p->n : 1, sizeof *r.keys);
    r.selected = ws_xcalloc(p->n ? p->n : 1, 1);
    r.todo = ws_xcalloc(p->n ? p->n : 1, sizeof *r.todo);

    /* Selection. A combined file is selected when its form is and it has any member. */
    manifest mine = {0}; /* this run's targets, as a set, for the temporary-file cleanup */
    for (size_t i = 0; i < p->n; i++) {
        build_item *it = &p->items[i];
        int sel = form_selected(o, it);
        if (i < nrecords) {
            sel = sel && record_selected(o, it->record);
        } else if (sel) {
            int members = 0;
            for (size_t j = 0; j < nrecords && !members; j++) members = combined_member(&r, it, &p->items[j]);
            sel = members;
        }
        if (sel && o->shard_n) sel = build_shard_of(it->form, it->record, o->shard_n) == o->shard_k - 1;
        r.selected[i] = (unsigned char)sel;
        if (!sel) continue;
        final_key(&r, i, r.keys[i]);
        manifest_entry e = {(char *)it->relpath, NULL, NULL, 0, 0, {0}, {0}};
        manifest_add(&mine, &e);
    }
    manifest_sort(&mine);

    /* Previous state: the manifest, and for a shard its own part (newer, so added last). */
    ws_buf mpath = {0}, partpath = {0};
    ws_buf_printf(&mpath, "%s/%s", o->out, MANIFEST_NAME);
    read_old(&r, mpath.data);
    if (o->shard_n) {
        part_name(&partpath, o->out, o->shard_k, o->shard_n);
        read_old(&r, partpath.data);
        ws_buf cp = {0};
        ws_buf_printf(&cp, "%s.partial", partpath.data);
        read_old(&r, cp.data);
        ws_buf_free(&cp);
    }
    manifest_sort(&r.old);

    /* What a killed run left half-written. A shard touches only its own, since other shards may
     * be writing into the same folder right now. */
    ws_buf own_manifest = {0};
    ws_buf_puts(&own_manifest, o->shard_n ? strrchr(partpath.data, '/') + 1 : MANIFEST_NAME);
    manifest_entry me = {own_manifest.data, NULL, NULL, 0, 0, {0}, {0}};
    manifest_add(&mine, &me);
    manifest_sort(&mine);
    temp_scan ts = {&r, o->shard_n ? &mine : NULL, 0};
    outscan_walk(o->out, remove_temp, &ts, err, sizeof err);
    ws_buf_free(&own_manifest);
    manifest_free(&mine);

    /* What is unchanged. */
    for (size_t i = 0; i < p->n; i++) {
        if (!r.selected[i]) continue;
        const manifest_entry *e = old_entry(&r, p->items[i].relpath);
        if (!o->force && e && !strcmp(e->key, r.keys[i]) && file_matches(o->out, e)) {
            manifest_add(&r.made, e);
            r.unchanged++;
        } else {
            r.todo[r.ntodo++] = i;
        }
    }

    r.show_progress = o->progress > 0 || (o->progress < 0 && !o->quiet && isatty(2));
    r.started = now_seconds();
    /* A shard's checkpoint must not look like a finished part, or another shard would merge it. */
    ws_buf partial = {0};
    if (o->shard_n) ws_buf_printf(&partial, "%s.partial", partpath.data);
    r.checkpoint_path = o->shard_n ? partial.data : mpath.data;
    r.next_checkpoint = r.started + 2.0;
    jobs_opts jo = {o->jobs, -1, work, done, draw_progress, &r, finished_item, worker_start};
    int status = EXIT_OK;
    double made_from = now_seconds();
    if (o->timing) o->timing->prepare = made_from - t0;
    int jobs_failed = jobs_run(r.ntodo, &jo, err, sizeof err);
    double made_to = now_seconds();
    if (o->timing) o->timing->make = made_to - made_from;
    if (jobs_failed) {
        clear_progress(&r);
        diag_report(d, DIAG_ERROR, (diag_loc){0}, "%s", err);
        status = EXIT_USAGE;
    }
    flush_pending(&r); /* the last batch: durable and in place before the manifest names it */
    settle_flying(&r);
    durable_free(r.durable);
    free(r.checked_dir);
    free(r.filling.v);
    free(r.filling.files);
    free(r.flying.v);
    free(r.flying.files);
    clear_progress(&r);

    /* The manifest: this run's outputs, plus what earlier runs made that is still there. */
    const char *written = mpath.data;
    if (status == EXIT_OK) {
        if (o->shard_n) {
            written = partpath.data;
        } else {
            carry_over(&r.made, &r.old, o->out);
        }
        if (write_if_changed(&r.made, written, err, sizeof err)) {
            diag_report(d, DIAG_ERROR, (diag_loc){written, 0, 0, NULL}, "%s", err);
            status = EXIT_USAGE;
        }
    }
    if (status == EXIT_OK && o->shard_n) unlink(partial.data);
    ws_buf_free(&partial);
    int merged = 0;
    if (status == EXIT_OK && o->shard_n) {
        int rc = build_merge_manifests(o->out, 1, err, sizeof err);
        if (rc < 0) diag_report(d, DIAG_WARNING, (diag_loc){o->out, 0, 0, NULL}, "cannot merge the manifest parts: %s", err);
        merged = rc == 0;
    }

    if (o->timing) o->timing->finish = now_seconds() - made_to;
    long errors = diag_count(d, DIAG_ERROR) + r.worker_errors;
    long warnings = diag_count(d, DIAG_WARNING) + r.worker_warnings;
    if (status == EXIT_OK && r.io_failed) status = EXIT_USAGE;
    if (status == EXIT_OK && (r.failed || errors || p->skipped || (o->strict && warnings))) status = EXIT_DATA;
    if (!o->quiet) {
        fprintf(stderr, "wenshu build: 生成 %zu 个文件，%zu 个未变无需重做", r.built, r.unchanged);
        if (r.failed) fprintf(stderr, "，%zu 个失败", r.failed);
        if (p->skipped) fprintf(stderr, "，%zu 条记录有错未生成", p->skipped);
        fprintf(stderr, "；用时 %.1f 秒；清单 %s%s\n", now_seconds() - t0, written,
                o->shard_n ? (merged ? "（各分片已齐，已合并为 manifest.json）" : "（待其余分片完成后合并）") : "");
    }

    free(r.keys);
    free(r.selected);
    free(r.todo);
    manifest_free(&r.old);
    manifest_free(&r.made);
    ws_buf_free(&mpath);
    ws_buf_free(&partpath);
    return status;
}
