/* records_read — reading records files on a helper thread, one file ahead of the caller.
 *
 * Both passes over the DATA files (building the index, planning a build) spend about half their
 * time reading, checking and parsing each file — and, in the index pass, validating it — and the
 * rest using the tree. The helper thread does the first half of file i+1 while the caller does
 * the second half of file i, so on two processors a pass takes little more than its larger half.
 *
 * What the thread reports about a file (parse errors, schema violations, records found bad) is
 * kept with the file and replayed through the caller's diag when the caller takes the file, so
 * messages come out exactly as they did when files were read in the caller: in file order, each
 * file's read and validation messages before whatever the caller says about it.
 *
 * libxml2 keeps its structured error handler per thread, and each thread here has its own parser
 * and validation contexts; the schema is shared read-only, and the deny-all entity loader (a
 * process global) is installed by the caller before the thread starts and left alone until the
 * reader is closed. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlschemas.h>

#include "records_rules.h"

#define READ_AHEAD 1 /* files read but not yet taken: memory grows by one DOM */

typedef struct {
    int ready;
    records_load_status status;
    records_src src;
    diag *msgs;       /* what the thread reported, to replay */
    char **bad;       /* ids of records found bad while reading and validating */
    size_t nbad;
} read_result;

struct records_reader {
    char **paths;
    size_t n;
    xmlSchemaPtr schema; /* NULL: parse only */
    read_result *res;
    size_t taken;        /* files handed to the caller */
    int closing;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    pthread_t thread;
    int threaded;
    records_safety caller; /* the deny-all loader, installed for the reader's lifetime */
    /* Sources the caller is done with, freed on the thread: their memory came from the thread's
     * malloc arena, and freeing it from another thread contends for that arena's lock. */
    records_src *done;
    size_t ndone, capdone;
};

static void note_bad(void *ud, const char *id)
{
    read_result *r = ud;
    r->bad = xrealloc(r->bad, (r->nbad + 1) * sizeof *r->bad);
    r->bad[r->nbad++] = xstrdup(id);
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

/* Frees what the caller handed back; called with the lock held, releases it meanwhile. */
static void free_done(records_reader *rd)
{
    while (rd->ndone) {
        records_src src = rd->done[--rd->ndone];
        pthread_mutex_unlock(&rd->lock);
        records_src_free(&src);
        pthread_mutex_lock(&rd->lock);
    }
}

static void *thread_main(void *arg)
{
    records_reader *rd = arg;
    records_safety ts = {0};
    xmlSchemaValidCtxtPtr vc = new_validator(rd, &ts);
    for (size_t i = 0; i <= rd->n; i++) {
        pthread_mutex_lock(&rd->lock);
        free_done(rd);
        while (!rd->closing && (i == rd->n || i >= rd->taken + READ_AHEAD)) {
            pthread_cond_wait(&rd->changed, &rd->lock);
            free_done(rd);
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

records_reader *records_reader_open_validating(char *const *paths, size_t n, xmlSchemaPtr schema, diag *d)
{
    records_reader *rd = xcalloc(1, sizeof *rd);
    rd->paths = xcalloc(n ? n : 1, sizeof *rd->paths);
    for (size_t i = 0; i < n; i++) rd->paths[i] = xstrdup(paths[i]);
    rd->n = n;
    rd->schema = schema;
    rd->res = xcalloc(n ? n : 1, sizeof *rd->res);
    xmlInitParser(); /* before any thread parses */
    records_safety_begin(&rd->caller, d, NULL);
    pthread_mutex_init(&rd->lock, NULL);
    pthread_cond_init(&rd->changed, NULL);
    rd->threaded = n > 1 && pthread_create(&rd->thread, NULL, thread_main, rd) == 0;
    return rd;
}

records_load_status records_reader_next(records_reader *rd, records_src *src, diag *d, rules_mark_bad bad, void *ud)
{
    memset(src, 0, sizeof *src);
    if (rd->taken >= rd->n) return LOAD_IO_ERROR;
    size_t i = rd->taken;
    read_result *r = &rd->res[i];
    if (rd->threaded) {
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
    for (size_t k = 0; k < r->nbad; k++) {
        if (bad) bad(ud, r->bad[k]);
        free(r->bad[k]);
    }
    free(r->bad);
    diag_free(r->msgs);
    *src = r->src;
    records_load_status status = r->status;
    memset(r, 0, sizeof *r);
    pthread_mutex_lock(&rd->lock);
    rd->taken++;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
    return status;
}

void records_reader_recycle(records_reader *rd, records_src *src)
{
    if (!rd->threaded) {
        records_src_free(src);
        return;
    }
    pthread_mutex_lock(&rd->lock);
    if (rd->ndone == rd->capdone) rd->done = xrealloc(rd->done, (rd->capdone = rd->capdone * 2 + 4) * sizeof *rd->done);
    rd->done[rd->ndone++] = *src;
    pthread_cond_broadcast(&rd->changed);
    pthread_mutex_unlock(&rd->lock);
    memset(src, 0, sizeof *src);
}

void records_reader_close(records_reader *rd)
{
    if (!rd) return;
    if (rd->threaded) {
        pthread_mutex_lock(&rd->lock);
        rd->closing = 1;
        pthread_cond_broadcast(&rd->changed);
        pthread_mutex_unlock(&rd->lock);
        pthread_join(rd->thread, NULL);
    }
    for (size_t i = 0; i < rd->ndone; i++) records_src_free(&rd->done[i]);
    free(rd->done);
    for (size_t i = rd->taken; i < rd->n; i++) {
        read_result *r = &rd->res[i];
        records_src_free(&r->src);
        for (size_t k = 0; k < r->nbad; k++) free(r->bad[k]);
        free(r->bad);
        diag_free(r->msgs);
    }
    records_safety_end(&rd->caller);
    pthread_mutex_destroy(&rd->lock);
    pthread_cond_destroy(&rd->changed);
    for (size_t i = 0; i < rd->n; i++) free(rd->paths[i]);
    free(rd->paths);
    free(rd->res);
    free(rd);
}

records_reader *records_reader_open(char *const *paths, size_t n, diag *d)
{
    return records_reader_open_validating(paths, n, NULL, d);
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
