/* records_read — reading records files on helper threads, ahead of the caller.
 *
 * Both passes over the DATA files (building the index, planning a build) spend about half their
 * time reading, checking and parsing each file — and, in the index pass, validating it — and the
 * rest using the tree. Helper threads do the first half of the next files while the caller does
 * the second half of file i, so a pass takes little more than its larger half. A run allowed k
 * processors (`-j k`) reads with k threads, thread t taking files t, t + k, t + 2k …, each at most
 * one file ahead of the caller; a `-j 1` run keeps to one helper.
 *
 * What a thread reports about a file (parse errors, schema violations, records found bad) is
 * kept with the file and replayed through the caller's diag when the caller takes the file, so
 * messages come out exactly as they did when files were read in the caller: in file order, each
 * file's read and validation messages before whatever the caller says about it.
 *
 * Memory: the files held at once — read ahead by the threads, or handed to the caller and not yet
 * freed — cost at most RECORDS_MAX_ALIVE_BYTES together (RECORDS_COST: their bytes and the nodes
 * of their DOMs). A thread charges a file before reading it, by its size on disk and as many
 * nodes as it could hold (at most RECORDS_MAX_NODES); once the pre-scan has counted them, the
 * charge drops to the real cost, before anything is parsed. It is released when the caller hands
 * the file back and its DOM is freed. Files are admitted in order: file i is read only once every
 * file before it was admitted, and then only when its charge fits beside what is alive. That
 * order is what keeps it from deadlocking: the earliest file not admitted waits only for files
 * before it, which the caller takes and hands back in turn, so what is alive drains to nothing
 * at worst, and any file is admitted then. Without it, five files at the node cap took 779 MiB at
 * -j 2 (and 822 MiB at -j 4), twice what -j 1 took.
 *
 * libxml2 keeps its structured error handler per thread, and each thread here has its own parser
 * and validation contexts; the schema is shared read-only, and the deny-all entity loader (a
 * process global) is installed by the caller before the threads start and left alone until the
 * reader is closed. */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xmlschemas.h>

#include "records/records_int.h"

#define MAX_READERS 8 /* more threads read no faster: the caller's half is then the longer */

typedef struct {
    int ready;
    records_load_status status;
    records_src src;
    diag *msgs;       /* what the thread reported, to replay */
    char **bad;       /* ids of records found bad while reading and validating */
    size_t nbad;
} read_result;

typedef struct {
    records_src src;
    unsigned owner;   /* the thread that read it, and frees it */
    size_t charge;    /* the nodes its DOM counted in the budget (0: no DOM) */
} done_src;

typedef struct {
    struct records_reader *rd;
    unsigned t;
    pthread_t thread;
} reader_thread;

struct records_reader {
    char **paths;
    size_t n;
    xmlSchemaPtr schema; /* NULL: parse only */
    read_result *res;
    xmlDocPtr *handed;   /* the document each file gave the caller, to know whose it is when freed */
    size_t taken;        /* files handed to the caller */
    int closing;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    reader_thread threads[MAX_READERS];
    unsigned nthreads;   /* 0: files are read in the caller */
    records_safety caller; /* the deny-all loader, installed for the reader's lifetime */
    /* Sources the caller is done with, freed on the thread that read them: their memory came from
     * that thread's malloc arena, and freeing it from another thread contends for the arena's
     * lock (measured: the reading thread went 40 % slower). */
    done_src *done;
    size_t ndone, capdone;
    /* The budget of DOMs alive (see the top of this file). */
    size_t alive;          /* nodes of the DOMs alive */
    size_t next_admit;     /* the earliest file not admitted yet */
    unsigned char *admitted; /* per file: admitted (parsed, or failed before parsing) */
    size_t *charge;        /* per file: the nodes its DOM counts while alive */
};

/* What a thread's admit callback needs: the reader, the thread, the file. */
typedef struct {
    struct records_reader *rd;
    unsigned t;
    size_t i;
} admit_ctx;

static void note_bad(void *ud, const char *id)
{
    read_result *r = ud;
    r->bad = ws_xrealloc(r->bad, (r->nbad + 1) * sizeof *r->bad);
    r->bad[r->nbad++] = ws_xstrdup(id);
}

static void free_done(records_reader *rd, unsigned t);

/* Each thread allocates from a malloc arena of its own, and glibc keeps an arena's freed pages for
 * its next use: with k threads each parsing a file at the cap in turn, the process kept k DOMs'
 * worth of pages although the budget let only two live at once (822 MiB at -j 4, five files at
 * the cap). So a thread that frees a large DOM gives the free pages of every arena back to the
 * system (a few milliseconds, against the seconds such a file takes to parse). */
#define TRIM_NODES 100000u
static void trim_memory(void)
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

/* Marks file i admitted (with the lock held) and moves next_admit past every admitted file. */
static void mark_admitted(records_reader *rd, size_t i)
{
    rd->admitted[i] = 1;
    while (rd->next_admit < rd->n && rd->admitted[rd->next_admit]) rd->next_admit++;
    pthread_cond_broadcast(&rd->changed);
}

/* Before thread t reads file i: waits until it is the earliest file not admitted and its charge
 * (by its size, and as many nodes as it could hold) fits beside what is alive, freeing meanwhile
 * what the caller handed back. 0 when the reader is closing. */
static int admit_file(records_reader *rd, unsigned t, size_t i)
{
    struct stat st;
    size_t bytes = stat(rd->paths[i], &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
    if (bytes > RECORDS_MAX_FILE) bytes = RECORDS_MAX_FILE; /* refused unread */
    size_t nodes = bytes < RECORDS_MAX_NODES ? bytes : RECORDS_MAX_NODES;
    size_t cost = RECORDS_COST(bytes, nodes);
    pthread_mutex_lock(&rd->lock);
    free_done(rd, t);
    while (!rd->closing && (rd->next_admit != i || (rd->alive > 0 && rd->alive + cost > RECORDS_MAX_ALIVE_BYTES))) {
        pthread_cond_wait(&rd->changed, &rd->lock);
        free_done(rd, t);
    }
    int go = !rd->closing;
    if (go) {
        rd->alive += cost;
        rd->charge[i] = cost;
        mark_admitted(rd, i);
    }
    pthread_mutex_unlock(&rd->lock);
    return go;
}

/* records_safety.admit: the pre-scan has counted the file's nodes; its charge drops to its cost. */
static int admit_counted(void *ctx, size_t nodes)
{
    admit_ctx *a = ctx;
    records_reader *rd = a->rd;
    pthread_mutex_lock(&rd->lock);
    size_t cost = RECORDS_COST(rd->res[a->i].src.buf.len, nodes);
    if (cost < rd->charge[a->i]) {
        rd->alive -= rd->charge[a->i] - cost;
        rd->charge[a->i] = cost;
        pthread_cond_broadcast(&rd->changed);
    }
    int go = !rd->closing;
    pthread_mutex_unlock(&rd->lock);
    return go;
}

/* Reads file i into rd->res[i]; runs on thread t (or in the caller when none could start: then
 * there is no budget to keep, one file at a time). */
static void read_one(records_reader *rd, size_t i, unsigned t, xmlSchemaValidCtxtPtr vc, records_safety *ts)
{
    read_result *r = &rd->res[i];
    r->msgs = diag_new(NULL);
    admit_ctx a = {rd, t, i};
    *ts = (records_safety){.d = r->msgs, .bad = note_bad, .ud = r};
    if (rd->nthreads) {
        if (!admit_file(rd, t, i)) {
            r->status = LOAD_IO_ERROR; /* closing: nobody will look at it */
            return;
        }
        ts->admit = admit_counted;
        ts->admit_ctx = &a;
    }
    xmlSetStructuredErrorFunc(ts, records_xml_error);
    r->status = records_load(rd->paths[i], &r->src, ts);
    if (r->status == LOAD_OK && vc) xmlSchemaValidateDoc(vc, r->src.doc);
    if (r->status == LOAD_OK) records_unqualify(r->src.doc);
    ts->src = NULL;
    xmlSetStructuredErrorFunc(NULL, NULL);
}

static xmlSchemaValidCtxtPtr new_validator(records_reader *rd, records_safety *ts)
{
    if (!rd->schema) return NULL;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(rd->schema);
    if (!vc) abort();
    xmlSchemaSetValidStructuredErrors(vc, records_xml_error, ts);
    /* fill in the schema's defaults (targets, leader="false") so later stages see them */
    xmlSchemaSetValidOptions(vc, XML_SCHEMA_VAL_VC_I_CREATE);
    return vc;
}

/* Frees what the caller handed back that thread t read; called with the lock held, releases it
 * meanwhile. */
static void free_done(records_reader *rd, unsigned t)
{
    for (size_t k = 0; k < rd->ndone;) {
        if (rd->done[k].owner != t) {
            k++;
            continue;
        }
        records_src src = rd->done[k].src;
        size_t charge = rd->done[k].charge;
        rd->done[k] = rd->done[--rd->ndone];
        pthread_mutex_unlock(&rd->lock);
        records_src_free(&src);
        pthread_mutex_lock(&rd->lock);
        if (charge >= TRIM_NODES) trim_memory();
        if (charge) {
            rd->alive -= charge;
            pthread_cond_broadcast(&rd->changed);
        }
        k = 0; /* the list may have changed meanwhile */
    }
}

static void *thread_main(void *arg)
{
    reader_thread *self = arg;
    records_reader *rd = self->rd;
    records_safety ts = {0};
    xmlSchemaValidCtxtPtr vc = new_validator(rd, &ts);
    /* Files t, t + k, …: file i waits until the caller has taken file i - k, so each thread is at
     * most one file ahead. After its last file the thread stays to free what comes back. */
    for (size_t i = self->t;; i += rd->nthreads) {
        pthread_mutex_lock(&rd->lock);
        free_done(rd, self->t);
        while (!rd->closing && (i >= rd->n || i >= rd->taken + rd->nthreads)) {
            pthread_cond_wait(&rd->changed, &rd->lock);
            free_done(rd, self->t);
        }
        int closing = rd->closing;
        pthread_mutex_unlock(&rd->lock);
        if (closing) break;
        read_one(rd, i, self->t, vc, &ts);
        pthread_mutex_lock(&rd->lock);
        rd->res[i].ready = 1;
        pthread_cond_broadcast(&rd->changed);
        pthread_mutex_unlock(&rd->lock);
    }
    if (vc) xmlSchemaFreeValidCtxt(vc);
    return NULL;
}

/* Empties a result: its messages and bad ids; its source, unless the caller took it. */
static void clear_result(read_result *r)
{
    records_src_free(&r->src);
    for (size_t k = 0; k < r->nbad; k++) free(r->bad[k]);
    free(r->bad);
    diag_free(r->msgs);
    memset(r, 0, sizeof *r);
}

/* Frees what was read but not taken. */
static void free_unread(records_reader *rd)
{
    for (size_t i = rd->taken; i < rd->n; i++) clear_result(&rd->res[i]);
}

/* Stops and joins the threads (they free what came back to them on their way out of the wait). */
static void stop_threads(records_reader *rd, unsigned started)
{
    pthread_mutex_lock(&rd->lock);
    rd->closing = 1;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
    for (unsigned t = 0; t < started; t++) pthread_join(rd->threads[t].thread, NULL);
}

records_reader *records_reader_open_validating(char *const *paths, size_t n, unsigned threads, xmlSchemaPtr schema,
                                               diag *d)
{
    records_reader *rd = ws_xcalloc(1, sizeof *rd);
    rd->paths = ws_xcalloc(n ? n : 1, sizeof *rd->paths);
    for (size_t i = 0; i < n; i++) rd->paths[i] = ws_xstrdup(paths[i]);
    rd->n = n;
    rd->schema = schema;
    rd->res = ws_xcalloc(n ? n : 1, sizeof *rd->res);
    rd->handed = ws_xcalloc(n ? n : 1, sizeof *rd->handed);
    rd->admitted = ws_xcalloc(n ? n : 1, 1);
    rd->charge = ws_xcalloc(n ? n : 1, sizeof *rd->charge);
    xmlInitParser(); /* before any thread parses */
    records_safety_begin(&rd->caller, d, NULL);
    pthread_mutex_init(&rd->lock, NULL);
    pthread_cond_init(&rd->changed, NULL);
    /* One file needs no helper; nor do more helpers than there are files after the first. */
    unsigned want = threads < 1 ? 1 : threads > MAX_READERS ? MAX_READERS : threads;
    if (n < 2) want = 0;
    else if (want > n - 1) want = (unsigned)(n - 1);
    rd->nthreads = want; /* set before the threads start: they read it */
    unsigned started = 0;
    for (; started < want; started++) {
        rd->threads[started] = (reader_thread){.rd = rd, .t = started};
        if (pthread_create(&rd->threads[started].thread, NULL, thread_main, &rd->threads[started])) break;
    }
    if (started < want) { /* the system refused a thread: stop those started, read in the caller */
        stop_threads(rd, started);
        free_unread(rd);
        rd->closing = 0;
        rd->nthreads = 0;
        rd->alive = 0;
    }
    return rd;
}

records_load_status records_reader_next(records_reader *rd, records_src *src, diag *d, records_rules_mark_bad bad, void *ud)
{
    memset(src, 0, sizeof *src);
    if (rd->taken >= rd->n) return LOAD_IO_ERROR;
    size_t i = rd->taken;
    read_result *r = &rd->res[i];
    if (rd->nthreads) {
        pthread_mutex_lock(&rd->lock);
        while (!r->ready) pthread_cond_wait(&rd->changed, &rd->lock);
        pthread_mutex_unlock(&rd->lock);
    } else {
        records_safety ts = {0};
        xmlSchemaValidCtxtPtr vc = new_validator(rd, &ts);
        read_one(rd, i, 0, vc, &ts);
        if (vc) xmlSchemaFreeValidCtxt(vc);
        xmlSetStructuredErrorFunc(&rd->caller, records_xml_error);
    }
    diag_replay(d, r->msgs);
    for (size_t k = 0; bad && k < r->nbad; k++) bad(ud, r->bad[k]);
    *src = r->src;
    rd->handed[i] = src->doc;
    records_load_status status = r->status;
    r->src = (records_src){0}; /* the caller's now */
    clear_result(r);
    pthread_mutex_lock(&rd->lock);
    rd->taken++;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
    return status;
}

/* The file src came from (known by its path, or its document); SIZE_MAX when unknown. Its
 * thread, which frees it, is the index modulo the threads. */
static size_t file_of(const records_reader *rd, const records_src *src)
{
    for (size_t i = rd->taken; i-- > 0;)
        if ((src->path && src->path == rd->paths[i]) || (src->doc && src->doc == rd->handed[i])) return i;
    return SIZE_MAX;
}

void records_reader_recycle(records_reader *rd, records_src *src)
{
    if (!rd->nthreads) {
        records_src_free(src);
        return;
    }
    size_t i = file_of(rd, src);
    unsigned owner = i == SIZE_MAX ? 0 : (unsigned)(i % rd->nthreads);
    pthread_mutex_lock(&rd->lock);
    size_t charge = 0;
    /* The charge leaves the budget with the DOM, or with the source of a file that has none. */
    if (i != SIZE_MAX && (src->doc || !rd->handed[i])) {
        charge = rd->charge[i];
        rd->charge[i] = 0;
    }
    if (rd->ndone == rd->capdone) rd->done = ws_xrealloc(rd->done, (rd->capdone = rd->capdone * 2 + 4) * sizeof *rd->done);
    rd->done[rd->ndone++] = (done_src){*src, owner, charge};
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
    memset(src, 0, sizeof *src);
}

void records_reader_close(records_reader *rd)
{
    if (!rd) return;
    if (rd->nthreads) stop_threads(rd, rd->nthreads);
    for (size_t i = 0; i < rd->ndone; i++) records_src_free(&rd->done[i].src);
    free(rd->done);
    free_unread(rd);
    records_safety_end(&rd->caller);
    pthread_mutex_destroy(&rd->lock);
    pthread_cond_destroy(&rd->changed);
    for (size_t i = 0; i < rd->n; i++) free(rd->paths[i]);
    free(rd->paths);
    free(rd->res);
    free(rd->handed);
    free(rd->admitted);
    free(rd->charge);
    free(rd);
}

records_reader *records_reader_open(char *const *paths, size_t n, unsigned threads, diag *d)
{
    return records_reader_open_validating(paths, n, threads, NULL, d);
}

xmlDocPtr records_reader_next_doc(records_reader *rd, diag *d)
{
    records_src src;
    records_load_status st = records_reader_next(rd, &src, d, NULL, NULL);
    xmlDocPtr doc = st == LOAD_OK ? src.doc : NULL;
    src.doc = NULL;
    records_reader_recycle(rd, &src);
    return doc;
}

void records_reader_done_doc(records_reader *rd, xmlDocPtr doc)
{
    records_src src = {.doc = doc};
    records_reader_recycle(rd, &src);
}
