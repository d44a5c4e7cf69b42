#include "base/diag.h"
#include "base/i18n.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DIAG_KEEP 10000 /* messages kept for inspection; counting goes on past it */

struct diag {
    FILE *out;
    int colour; /* out is a terminal that takes colours: the severity is coloured (diag_colour_wanted) */
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
    d->colour = out && diag_colour_wanted(fileno(out));
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

/* The severity with what separates it from the rest ("error: "; in Chinese "错误："), translated:
 * file:line:col stay first and ASCII in every language, so that editors can jump to them. */
static const char *severity_label(diag_severity s)
{
    return s == DIAG_ERROR ? _("error: ") : s == DIAG_WARNING ? _("warning: ") : _("note: ");
}

int diag_colour_wanted(int fd)
{
    const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");
    if (no_color && *no_color) return 0; /* https://no-color.org */
    if (!term || !*term || !strcmp(term, "dumb")) return 0;
    return isatty(fd);
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
    if (loc.record) snprintf(rec, sizeof rec, _("record %s: "), loc.record);
    snprintf(line, sizeof line, "%s%s%s%s", where, severity_label(sev), rec, msg);

    emit(d, sev, line);
}

static void emit(diag *d, diag_severity sev, const char *line)
{
    d->counts[sev]++;
    if (d->out) {
        /* On a terminal the severity is coloured: red errors, magenta warnings, cyan notes. */
        const char *label = severity_label(sev);
        const char *at = d->colour ? strstr(line, label) : NULL;
        if (at) {
            static const char *const colours[] = {"\033[1;36m", "\033[1;35m", "\033[1;31m"};
            fprintf(d->out, "%.*s%s%s\033[0m%s\n", (int)(at - line), line, colours[sev], label, at + strlen(label));
        } else {
            fputs(line, d->out);
            fputc('\n', d->out);
        }
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
        snprintf(line, sizeof line, P_("%s%ld further message about the same input left out",
                                       "%s%ld further messages about the same input left out", rest),
                 severity_label(DIAG_NOTE), rest);
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
