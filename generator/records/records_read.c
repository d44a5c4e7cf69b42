/* records_read — reading records files on helper threads, ahead of the caller, piece by piece.
 *
 * Both passes over the DATA files (building the index, planning a build) spend about half their
 * time reading, checking and parsing — and, in the index pass, validating — and the rest using
 * the tree. Helper threads do the first half of the next pieces while the caller does the second
 * half of the piece in hand, so a pass takes little more than its larger half. A run allowed k
 * processors (`-j k`) reads with k threads, thread t taking files t, t + k, t + 2k …, starting
 * file i once the caller is done with file i - k; a `-j 1` run keeps to one helper.
 *
 * A file is read as a sequence of pieces (records_stream.c), so what a pass holds follows the
 * largest record, not the largest file: a thread makes a piece of its file only when the caller
 * has taken the one before, so at most one piece per thread waits, one is being made, and one is
 * in the caller's hands.
 *
 * What a thread reports about a piece (parse errors, schema violations, records found bad) is
 * kept with the piece and replayed through the caller's diag when the caller takes the piece, so
 * messages come out exactly as they did when files were read in the caller: in file order, each
 * piece's read and validation messages before whatever the caller says about it.
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

/* One piece of a file, or the file's failure, as a thread made it. */
typedef struct piece_result {
    records_load_status status;
    records_src src;
    diag *msgs; /* what the thread reported, to replay */
    char **bad; /* ids of records found bad while reading and validating */
    size_t nbad;
    struct piece_result *next;
} piece_result;

typedef struct {
    piece_result *head, *tail; /* made, not yet taken */
    int ended;                 /* the thread has made the file's last result */
} file_queue;

typedef struct {
    struct records_reader *rd;
    unsigned t;
    pthread_t thread;
} reader_thread;

struct records_reader {
    char **paths;
    size_t n;
    xmlSchemaPtr schema; /* NULL: parse only */
    file_queue *q;
    size_t cur;          /* the file the caller is taking pieces of */
    int closing;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    reader_thread threads[MAX_READERS];
    unsigned nthreads;   /* 0: files are read in the caller */
    records_stream *inline_st; /* without threads: the caller's stream of file cur */
    records_safety inline_safety;
    records_safety caller; /* the deny-all loader, installed for the reader's lifetime */
    /* Pieces the caller is done with, freed on the thread that read them: their memory came from
     * that thread's malloc arena, and freeing it from another thread contends for the arena's
     * lock (measured: the reading thread went 40 % slower). */
    records_src *done;
    size_t ndone, capdone;
};

static void note_bad(void *ud, const char *id)
{
    piece_result *r = ud;
    r->bad = ws_xrealloc(r->bad, (r->nbad + 1) * sizeof *r->bad);
    r->bad[r->nbad++] = ws_xstrdup(id);
}

static void free_result(piece_result *r)
{
    if (!r) return;
    records_src_free(&r->src);
    for (size_t k = 0; k < r->nbad; k++) free(r->bad[k]);
    free(r->bad);
    diag_free(r->msgs);
    free(r);
}

/* Makes the next piece of file i from st (validated and unqualified), or its failure. ts is the
 * thread's safety; its d and ud are pointed at the result. */
static piece_result *make_piece(size_t i, records_stream *st, xmlSchemaValidCtxtPtr vc, records_safety *ts)
{
    piece_result *r = ws_xcalloc(1, sizeof *r);
    r->msgs = diag_new(NULL);
    ts->d = r->msgs;
    ts->bad = note_bad;
    ts->ud = r;
    ts->src = NULL;
    xmlSetStructuredErrorFunc(ts, records_xml_error);
    r->status = records_stream_next(st, &r->src, ts);
    r->src.file = i;
    if (r->status == LOAD_OK) {
        ts->src = &r->src;
        if (vc) xmlSchemaValidateDoc(vc, r->src.doc);
        records_unqualify(r->src.doc);
        ts->src = NULL;
    }
    xmlSetStructuredErrorFunc(NULL, NULL);
    return r;
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
        if (rd->done[k].file % rd->nthreads != t) {
            k++;
            continue;
        }
        records_src src = rd->done[k];
        rd->done[k] = rd->done[--rd->ndone];
        pthread_mutex_unlock(&rd->lock);
        records_src_free(&src);
        pthread_mutex_lock(&rd->lock);
        k = 0; /* the list may have changed meanwhile */
    }
}

/* Waits (lock held) until cond holds or the reader closes, freeing what comes back meanwhile.
 * Returns 0 when closing. */
#define WAIT_UNTIL(rd, t, cond)                                                                                  \
    do {                                                                                                         \
        free_done(rd, t);                                                                                        \
        while (!(rd)->closing && !(cond)) {                                                                      \
            pthread_cond_wait(&(rd)->changed, &(rd)->lock);                                                      \
            free_done(rd, t);                                                                                    \
        }                                                                                                        \
    } while (0)

static void *thread_main(void *arg)
{
    reader_thread *self = arg;
    records_reader *rd = self->rd;
    records_safety ts = {0};
    xmlSchemaValidCtxtPtr vc = new_validator(rd, &ts);
    /* Files t, t + k, …: file i starts once the caller is done with file i - k. After its last
     * file the thread stays to free what comes back. */
    for (size_t i = self->t;; i += rd->nthreads) {
        pthread_mutex_lock(&rd->lock);
        WAIT_UNTIL(rd, self->t, i < rd->n && i < rd->cur + rd->nthreads);
        int closing = rd->closing;
        pthread_mutex_unlock(&rd->lock);
        if (closing) break;
        records_stream *st = records_stream_open(rd->paths[i], RECORDS_PIECE_RECORDS, RECORDS_PIECE_BYTES);
        ts.root_reported = 0;
        ts.parse_err_line = ts.parse_err_col = -1;
        for (int ended = 0; !ended;) {
            piece_result *r = make_piece(i, st, vc, &ts);
            ended = r->status != LOAD_OK || r->src.last;
            pthread_mutex_lock(&rd->lock);
            if (rd->q[i].tail) rd->q[i].tail->next = r;
            else rd->q[i].head = r;
            rd->q[i].tail = r;
            rd->q[i].ended = ended;
            pthread_cond_broadcast(&rd->changed);
            /* one piece waiting at most: the next is made once the caller took this one */
            WAIT_UNTIL(rd, self->t, rd->q[i].head == NULL);
            closing = rd->closing;
            pthread_mutex_unlock(&rd->lock);
            if (closing) break;
        }
        records_stream_close(st);
        if (closing) break;
    }
    if (vc) xmlSchemaFreeValidCtxt(vc);
    pthread_mutex_lock(&rd->lock);
    WAIT_UNTIL(rd, self->t, 0); /* frees what comes back until the reader closes */
    pthread_mutex_unlock(&rd->lock);
    return NULL;
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

static void free_queues(records_reader *rd)
{
    for (size_t i = 0; i < rd->n; i++) {
        for (piece_result *r = rd->q[i].head, *next; r; r = next) {
            next = r->next;
            free_result(r);
        }
        rd->q[i] = (file_queue){0};
    }
}

records_reader *records_reader_open_validating(char *const *paths, size_t n, unsigned threads, xmlSchemaPtr schema,
                                               diag *d)
{
    records_reader *rd = ws_xcalloc(1, sizeof *rd);
    rd->paths = ws_xcalloc(n ? n : 1, sizeof *rd->paths);
    for (size_t i = 0; i < n; i++) rd->paths[i] = ws_xstrdup(paths[i]);
    rd->n = n;
    rd->schema = schema;
    rd->q = ws_xcalloc(n ? n : 1, sizeof *rd->q);
    xmlInitParser(); /* before any thread parses */
    records_safety_begin(&rd->caller, d, NULL);
    pthread_mutex_init(&rd->lock, NULL);
    pthread_cond_init(&rd->changed, NULL);
    /* A file read in pieces keeps one helper busy; more helpers than files have nothing to do. */
    unsigned want = threads < 1 ? 1 : threads > MAX_READERS ? MAX_READERS : threads;
    if (!n) want = 0;
    else if (want > n) want = (unsigned)n;
    rd->nthreads = want; /* set before the threads start: they read it */
    unsigned started = 0;
    for (; started < want; started++) {
        rd->threads[started] = (reader_thread){.rd = rd, .t = started};
        if (pthread_create(&rd->threads[started].thread, NULL, thread_main, &rd->threads[started])) break;
    }
    if (started < want) { /* the system refused a thread: stop those started, read in the caller */
        stop_threads(rd, started);
        free_queues(rd);
        rd->closing = 0;
        rd->nthreads = 0;
    }
    return rd;
}

/* Without threads: the next result of file cur, made here. */
static piece_result *make_inline(records_reader *rd)
{
    if (!rd->inline_st) {
        rd->inline_st = records_stream_open(rd->paths[rd->cur], RECORDS_PIECE_RECORDS, RECORDS_PIECE_BYTES);
        rd->inline_safety = (records_safety){0};
    }
    xmlSchemaValidCtxtPtr vc = new_validator(rd, &rd->inline_safety);
    piece_result *r = make_piece(rd->cur, rd->inline_st, vc, &rd->inline_safety);
    if (vc) xmlSchemaFreeValidCtxt(vc);
    xmlSetStructuredErrorFunc(&rd->caller, records_xml_error);
    if (r->status != LOAD_OK || r->src.last) {
        records_stream_close(rd->inline_st);
        rd->inline_st = NULL;
    }
    return r;
}

records_load_status records_reader_next(records_reader *rd, records_src *src, size_t *file, diag *d,
                                        records_rules_mark_bad bad, void *ud)
{
    memset(src, 0, sizeof *src);
    if (rd->cur >= rd->n) return LOAD_END;
    size_t i = rd->cur;
    piece_result *r;
    if (rd->nthreads) {
        pthread_mutex_lock(&rd->lock);
        while (!rd->q[i].head) pthread_cond_wait(&rd->changed, &rd->lock);
        r = rd->q[i].head;
        rd->q[i].head = r->next;
        if (!r->next) rd->q[i].tail = NULL;
        pthread_mutex_unlock(&rd->lock);
    } else {
        r = make_inline(rd);
    }
    diag_replay(d, r->msgs);
    for (size_t k = 0; bad && k < r->nbad; k++) bad(ud, r->bad[k]);
    *file = i;
    records_load_status status = r->status;
    *src = r->src;
    src->file = i;
    r->src = (records_src){0}; /* the caller's now */
    int ended = status != LOAD_OK || src->last;
    free_result(r);
    pthread_mutex_lock(&rd->lock);
    if (ended) rd->cur++;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
    return status;
}

void records_reader_recycle(records_reader *rd, records_src *src)
{
    if (!rd->nthreads) {
        records_src_free(src);
        return;
    }
    pthread_mutex_lock(&rd->lock);
    if (rd->ndone == rd->capdone) rd->done = ws_xrealloc(rd->done, (rd->capdone = rd->capdone * 2 + 4) * sizeof *rd->done);
    rd->done[rd->ndone++] = *src;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
    memset(src, 0, sizeof *src);
}

void records_reader_close(records_reader *rd)
{
    if (!rd) return;
    if (rd->nthreads) stop_threads(rd, rd->nthreads);
    for (size_t i = 0; i < rd->ndone; i++) records_src_free(&rd->done[i]);
    free(rd->done);
    free_queues(rd);
    records_stream_close(rd->inline_st);
    records_safety_end(&rd->caller);
    pthread_mutex_destroy(&rd->lock);
    pthread_cond_destroy(&rd->changed);
    for (size_t i = 0; i < rd->n; i++) free(rd->paths[i]);
    free(rd->paths);
    free(rd->q);
    free(rd);
}

records_reader *records_reader_open(char *const *paths, size_t n, unsigned threads, diag *d)
{
    return records_reader_open_validating(paths, n, threads, NULL, d);
}

int records_reader_next_piece(records_reader *rd, records_piece *p, diag *d)
{
    records_src src;
    size_t file = 0;
    records_load_status st = records_reader_next(rd, &src, &file, d, NULL, NULL);
    *p = (records_piece){0};
    if (st == LOAD_END) return 0;
    p->file = file;
    p->piece = src.piece;
    p->last = st != LOAD_OK || src.last;
    p->doc = st == LOAD_OK ? src.doc : NULL;
    src.doc = NULL;
    records_reader_recycle(rd, &src);
    return 1;
}

void records_reader_done_piece(records_reader *rd, records_piece *p)
{
    records_src src = {.doc = p->doc, .file = p->file};
    records_reader_recycle(rd, &src);
    p->doc = NULL;
}
