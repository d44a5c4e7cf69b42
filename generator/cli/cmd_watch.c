/* wenshu watch — makes one record's PDF again whenever its template, a partial, the style or a
 * records file is saved: the form writer's edit-and-see loop.
 *
 * The styles and their fonts stay loaded between rebuilds (serve/preview.h), so a rebuild costs
 * what one record's merge, layout and PDF cost — a few milliseconds. The PDF is replaced
 * atomically (a temporary file renamed over it: replace_file), so a viewer that reloads on change (evince, okular,
 * SumatraPDF) never sees half a file; when the new version has an error the last good PDF stays
 * and the error is printed with its file and line. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"
#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "serve/fswatch.h"
#include "serve/preview.h"
#include "base/i18n.h"

static void usage(FILE *out)
{
    fputs(_("usage: wenshu watch TEMPLATE DATA... [--record ID] [-o OUT.pdf]\n"
          "\n"
          "Makes the PDF of one record of the template (the first it selects, or --record ID),\n"
          "then makes it again each time the template, a partial, its style or a DATA file is\n"
          "saved, until interrupted (Ctrl-C). The PDF is replaced atomically, so PDF viewers that\n"
          "reload on change show each new version; when the new version has an error, the error\n"
          "is printed with its file and line and the last good PDF is kept. Each PDF written is\n"
          "announced on standard output with its path.\n"
          "\n"
          "  --record ID          the record to show (default: the first the template selects)\n"
          "  -o, --output OUT.pdf the PDF to write (default: the template's name with .pdf, here)\n"
          "  -h, --help           this text\n"
          "  --version            the program's version\n"
          "\n"
          "exit status: 0 after an interrupt, 2 usage or I/O failure at the start\n"),
          out);
}

enum { OPT_RECORD = CLI_LONG_ONLY };
static const cli_option watch_options[] = {
    {"record", OPT_RECORD, 1, N_("a record id")},
    {"output", 'o', 1, N_("the PDF to write")},
    {0},
};

static volatile sig_atomic_t watch_stop;
static void on_signal(int sig)
{
    (void)sig;
    watch_stop = 1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

/* The folder of path ("." for a bare name). free() it. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? ws_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : ws_xstrdup(".");
}

typedef struct {
    preview *pv;
    fswatch *fw;
    const char *tpl, *only, *out;
    int form;     /* the form's number in pv; -1 until the template first loads */
    int tpl_ok;   /* the template as it is now on disk loaded */
} watch_state;

/* Watches what the PDF depends on. The style is known once the template has loaded. */
static void watch_inputs(watch_state *s, char *const *data, size_t ndata, diag *d)
{
    fswatch_add_file(s->fw, s->tpl);
    char *dir = dir_of(s->tpl);
    ws_buf partials = {0};
    ws_buf_printf(&partials, "%s/partials", dir);
    struct stat st;
    if (stat(partials.data, &st) == 0 && S_ISDIR(st.st_mode)) fswatch_add_dir(s->fw, partials.data, ".md");
    ws_buf_free(&partials);
    free(dir);
    for (size_t i = 0; i < ndata; i++) fswatch_add_file(s->fw, data[i]);
    if (s->form >= 0) {
        const char *style = preview_style_path(s->pv, (size_t)s->form, d);
        if (style) fswatch_add_file(s->fw, style);
    }
}

/* Replaces the file at path with data atomically but not durably: base's temporary file
 * (PATH.tmp.PID, util.h), renamed into place without waiting for the disk. A viewer never reads
 * half a file, and the preview is made again at the next save anyway; waiting for the disk
 * (ws_write_file_atomic's fsync) was most of the time from a save to the new PDF on a busy
 * machine. */
static int replace_file(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    if (ws_write_file_temporary(path, data, len, err, errlen) < 0) return -1;
    ws_buf tmp = {0};
    ws_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    int rc = rename(tmp.data, path);
    if (rc) {
        snprintf(err, errlen, "%s", strerror(errno));
        unlink(tmp.data);
    }
    ws_buf_free(&tmp);
    return rc ? -1 : 0;
}

/* Makes the PDF; returns 0 when it was written. */
static int rebuild(watch_state *s, diag *d, double since)
{
    if (!s->tpl_ok || s->form < 0) {
        fprintf(stderr, _("wenshu watch: the template has errors; %s not updated (the last good version is kept)\n"), s->out);
        return -1;
    }
    ws_buf pdf = {0};
    char *id = NULL;
    char err[512];
    int rc = preview_render(s->pv, (size_t)s->form, s->only, &pdf, &id, d);
    if (rc == 0 && diag_count(d, DIAG_ERROR)) rc = -1;
    if (rc == 0 && replace_file(s->out, pdf.data, pdf.len, err, sizeof err) < 0) {
        fprintf(stderr, _("wenshu watch: cannot write %s: %s\n"), s->out, err);
        rc = -1;
    } else if (rc == 0) {
        printf(_("wenshu watch: made %s (record %s, %.0f ms)\n"), s->out, id, now_ms() - since);
    } else {
        fprintf(stderr, _("wenshu watch: errors; %s not updated (the last good version is kept)\n"), s->out);
    }
    fflush(stdout);
    free(id);
    ws_buf_free(&pdf);
    return rc;
}

int cmd_watch(int argc, char **argv)
{
    const char *only = NULL, *out = NULL;
    cli_parser p = {.command = "watch", .synopsis = N_("usage: wenshu watch TEMPLATE DATA... [--record ID] [-o OUT.pdf]"),
                    .help = usage, .options = watch_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        if (c == OPT_RECORD) only = p.value;
        else if (c == 'o') out = p.value;
        else return p.status;
    }
    char **pos = argv + p.first;
    int npos = argc - p.first;
    if (npos < 2) return cli_usage_error(&p, npos ? _("no records file given") : _("no template given"));
    for (int f = 0; f < npos; f++) {
        struct stat st;
        if (stat(pos[f], &st) != 0 || !S_ISREG(st.st_mode) || access(pos[f], R_OK) != 0) {
            fprintf(stderr, _("%s: error: cannot read: %s\n"), pos[f],
                    stat(pos[f], &st) != 0 ? strerror(errno) : S_ISDIR(st.st_mode) ? _("is a directory") : _("not a readable file"));
            return EXIT_USAGE;
        }
    }
    ws_buf default_out = {0};
    if (!out) {
        const char *base = strrchr(pos[0], '/') ? strrchr(pos[0], '/') + 1 : pos[0];
        size_t len = ends_with(base, ".md") ? strlen(base) - 3 : strlen(base);
        ws_buf_printf(&default_out, "%.*s.pdf", (int)len, base);
        out = default_out.data;
    }

    watch_state s = {.tpl = pos[0], .only = only, .out = out, .form = -1};
    s.pv = preview_new(cli_schema_path(), cli_datadir(), pos + 1, (size_t)(npos - 1));
    s.fw = fswatch_new();
    int status = EXIT_OK;
    if (!s.fw) {
        fprintf(stderr, _("wenshu watch: cannot watch the files for changes (inotify): %s\n"), strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal; /* no SA_RESTART: the wait returns on a signal */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    double t0 = now_ms();
    diag *d = diag_new(stderr);
    if (preview_load_records(s.pv, d) < 0) {
        diag_free(d);
        status = EXIT_USAGE;
        goto done;
    }
    s.form = preview_load_template(s.pv, s.tpl, d);
    s.tpl_ok = s.form >= 0;
    watch_inputs(&s, pos + 1, (size_t)(npos - 1), d);
    rebuild(&s, d, t0);
    diag_free(d);
    fprintf(stderr, _("wenshu watch: watching %s and its records files; the PDF is made again whenever one is saved. Ctrl-C ends.\n"), s.tpl);

    while (!watch_stop) {
        int n = fswatch_wait(s.fw, -1, 5);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "wenshu watch: %s\n", strerror(errno));
            status = EXIT_USAGE;
            break;
        }
        double t = now_ms();
        int records = 0, styles = 0;
        for (int i = 0; i < n; i++) {
            const char *path = fswatch_changed(s.fw, (size_t)i);
            if (ends_with(path, ".style")) styles = 1;
            else if (!ends_with(path, ".md")) records = 1;
        }
        d = diag_new(stderr);
        if (styles) preview_forget_styles(s.pv);
        if (records) preview_load_records(s.pv, d);
        /* The template is loaded again after every change: a partial or the style may have
         * changed what it checks, and loading it costs less than a millisecond. */
        int k = preview_load_template(s.pv, s.tpl, d);
        s.tpl_ok = k >= 0;
        if (k >= 0) s.form = k;
        watch_inputs(&s, pos + 1, (size_t)(npos - 1), d);
        rebuild(&s, d, t);
        diag_free(d);
    }

done:
    fswatch_free(s.fw);
    preview_free(s.pv);
    ws_buf_free(&default_out);
    return status;
}
