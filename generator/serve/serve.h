/* serve — `wenshu serve`: a local workbench page for the clerk. It lists the organisation tree and
 * its members with the forms each gets and the problems of every record where they are, shows
 * any form of any record as the PDF `wenshu build` would make (rendered on request, shown by the
 * browser's own PDF viewer), reloads the page when a template, style or records file is saved
 * (server-sent events), and runs the whole build into OUT on request, its progress shown.
 *
 * Security: it listens on 127.0.0.1 only, and every URL starts with a random token (getrandom)
 * that only the printed address carries, so neither other users of the machine nor other web
 * pages can use it; a request without the token gets 403. It only reads, except the build it is
 * asked for, and it serves no file outside the DATA files, the templates and OUT (paths are
 * resolved, symlinks included, and must stay inside those folders). */
#ifndef WENSHU_SERVE_H
#define WENSHU_SERVE_H

#include <stddef.h>

typedef struct {
    char *const *data;     /* the DATA files */
    size_t ndata;
    const char *out;       /* OUT for 生成全部; NULL: no build offered */
    unsigned port;         /* 0: any free port */
    const char *schema;    /* schemas/campaign.xsd */
    const char *datadir;   /* wenshu's data (templates/, styles) */
    const char *self;      /* the wenshu binary, run for the build */
} serve_config;

/* Runs until SIGINT or SIGTERM; prints the page's address on standard output first. Returns the
 * exit status (diag.h): 0 after a signal, 2 when it cannot start (port taken, unreadable files). */
int serve_run(const serve_config *cfg);

#endif
