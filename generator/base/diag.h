/* diag — every problem wenshu reports goes through here, in one format:
 *
 *     file:line:col: error: record M012: message
 *     file:line:col: 错误：记录 M012：message            (LANG=zh_CN.UTF-8, base/i18n.h)
 *
 * so that editors and CI logs can jump to it, and so that counts decide exit codes. */
#ifndef WENSHU_DIAG_H
#define WENSHU_DIAG_H

#include <stdio.h>

typedef enum { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR } diag_severity;

/* Where a problem is. Any field may be 0/NULL when unknown; line and col are 1-based. */
typedef struct {
    const char *file;
    long line;
    long col;
    const char *record; /* id of the record concerned, printed as "record ID: " */
} diag_loc;

typedef struct diag diag;

diag *diag_new(FILE *out);            /* out may be NULL: count only, print nothing */
void diag_free(diag *d);
void diag_report(diag *d, diag_severity sev, diag_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
long diag_count(const diag *d, diag_severity sev);
/* Whether messages written to fd may be coloured: a terminal, TERM set and not "dumb", NO_COLOR
 * unset or empty. diag_new colours the severity of what it prints when this holds for out. */
int diag_colour_wanted(int fd);
/* Messages are also kept (up to a limit) so tests and callers can inspect them. */
size_t diag_nmessages(const diag *d);
const char *diag_message(const diag *d, size_t i); /* the formatted line, without newline */
/* Reports again through `to`, in order, what was reported through `from` (made with out NULL, e.g.
 * by a helper thread): `to` prints and counts them as if they were reported now. Messages past
 * the number kept are summed up in one note; the counts stay exact. */
void diag_replay(diag *to, const diag *from);

/* Exit statuses shared by every command (documented in README and wenshu.1). */
enum {
    EXIT_OK = 0,       /* clean */
    EXIT_DATA = 1,     /* the input had errors (or warnings under --strict); records skipped */
    EXIT_USAGE = 2,    /* bad command line, unreadable/unwritable file, missing font or schema */
};

#endif
