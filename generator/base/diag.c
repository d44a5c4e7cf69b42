#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DIAG_KEEP 10000 /* messages kept for inspection; counting goes on past it */

struct diag {
    FILE *out;
    long counts[3];
    char **kept;
    unsigned char *kept_sev;
    size_t nkept;
};

diag *diag_new(FILE *out)
{
    diag *d = calloc(1, sizeof *d);
    if (!d) abort();
    d->out = out;
    return d;
}

void diag_free(diag *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->nkept; i++) free(d->kept[i]);
    free(d->kept);
    free(d->kept_sev);
    free(d);
}

static void emit(diag *d, diag_severity sev, const char *line);

static const char *severity_name(diag_severity s)
{
    return s == DIAG_ERROR ? "error" : s == DIAG_WARNING ? "warning" : "note";
}

void diag_report(diag *d, diag_severity sev, diag_loc loc, const char *fmt, ...)
{
    char msg[2048], line[3072]; /* where (600) + severity + record (300) + msg */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    char where[600] = "";
    if (loc.file && loc.line > 0 && loc.col > 0)
        snprintf(where, sizeof where, "%s:%ld:%ld: ", loc.file, loc.line, loc.col);
    else if (loc.file && loc.line > 0)
        snprintf(where, sizeof where, "%s:%ld: ", loc.file, loc.line);
    else if (loc.file)
        snprintf(where, sizeof where, "%s: ", loc.file);
    char rec[300] = "";
    if (loc.record) snprintf(rec, sizeof rec, "record %s: ", loc.record);
    snprintf(line, sizeof line, "%s%s: %s%s", where, severity_name(sev), rec, msg);

    emit(d, sev, line);
}

static void emit(diag *d, diag_severity sev, const char *line)
{
    d->counts[sev]++;
    if (d->out) {
        fputs(line, d->out);
        fputc('\n', d->out);
    }
    if (d->nkept < DIAG_KEEP) {
        char **k = realloc(d->kept, (d->nkept + 1) * sizeof *k);
        unsigned char *ks = realloc(d->kept_sev, d->nkept + 1);
        if (!k || !ks) abort();
        d->kept = k;
        d->kept_sev = ks;
        d->kept_sev[d->nkept] = (unsigned char)sev;
        d->kept[d->nkept++] = strdup(line);
    }
}

void diag_replay(diag *to, const diag *from)
{
    for (size_t i = 0; i < from->nkept; i++) emit(to, (diag_severity)from->kept_sev[i], from->kept[i]);
    long rest = from->counts[0] + from->counts[1] + from->counts[2] - (long)from->nkept;
    if (rest > 0) {
        char line[200];
        snprintf(line, sizeof line, "note: %ld further messages about the same input left out", rest);
        emit(to, DIAG_NOTE, line);
        /* the counts that decide the exit status stay exact */
        for (int s = 0; s < 3; s++) to->counts[s] += from->counts[s];
        for (size_t i = 0; i < from->nkept; i++) to->counts[from->kept_sev[i]]--;
        to->counts[DIAG_NOTE]--;
    }
}

long diag_count(const diag *d, diag_severity sev) { return d->counts[sev]; }
size_t diag_nmessages(const diag *d) { return d->nkept; }
const char *diag_message(const diag *d, size_t i) { return i < d->nkept ? d->kept[i] : NULL; }
