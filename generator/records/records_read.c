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
 * libxml2 keeps its structured error handler per thread, and each thread here has its own parser
 * and validation contexts; the schema is shared read-only, and the deny-all entity loader (a
 * process global) is installed by the caller before the threads start and left alone until the
 * reader is closed. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
};

static void note_bad(void *ud, const char *id)
{
    read_result *r = ud;
    r->bad = ws_xrealloc(r->bad, (r->nbad + 1) * sizeof *r->bad);
    r->bad[r->nbad++] = ws_xstrdup(id);
}

/* Reads file i into rd->res[i]; runs on the thread (or in the caller when none could start). */
static void read_one(records_reader *rd, size_t i, xmlSchemaValidCtxtPtr vc, records_safety *ts)
{
    read_result *r = &rd->res[i];
    r->msgs = diag_new(NULL);
    *ts = (records_safety){.d = r->msgs, .bad = note_bad, .ud = r};
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
        rd->done[k] = rd->done[--rd->ndone];
        pthread_mutex_unlock(&rd->lock);
        records_src_free(&src);
        pthread_mutex_lock(&rd->lock);
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
        read_one(rd, i, vc, &ts);
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
        read_one(rd, i, vc, &ts);
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

/* The thread that read the file src came from (known by its path, or its document). */
static unsigned owner_of(const records_reader *rd, const records_src *src)
{
    for (size_t i = rd->taken; i-- > 0;)
        if ((src->path && src->path == rd->paths[i]) || (src->doc && src->doc == rd->handed[i]))
            return (unsigned)(i % rd->nthreads);
    return 0;
}

void records_reader_recycle(records_reader *rd, records_src *src)
{
    if (!rd->nthreads) {
        records_src_free(src);
        return;
    }
    unsigned owner = owner_of(rd, src);
    pthread_mutex_lock(&rd->lock);
    if (rd->ndone == rd->capdone) rd->done = ws_xrealloc(rd->done, (rd->capdone = rd->capdone * 2 + 4) * sizeof *rd->done);
    rd->done[rd->ndone++] = (done_src){*src, owner};
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
