/* wenshu build — every form for every record: PDFs, combined files, the manifest.
 *
 * This file reads the command line and checks it, and words what the run reports (the progress
 * line, the summary); pipeline.c loads records and templates, batch/build.c does the batch work
 * (see build.h for what is guaranteed). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/build.h"
#include "batch/manifest.h"
#include "cli/pipeline.h"
#include "cli/volume_cache.h"
#include "cli/cli_opts.h"
#include "batch/outlock.h"
#include "cli/commands.h"
#include "base/diag.h"
#include "base/i18n.h"
#include "batch/jobs.h"
#include "base/util.h"


static void usage(FILE *out)
{
    fputs(_("usage: wenshu build DATA... -o OUT [--form NAME...] [--record ID...] [-j N] [--combined]\n"
          "                    [--volume N] [--shard K/N] [--force] [-q] [--archive] [--strict]\n"
          "                    [--wait] [--time-limit SECONDS] [--keep-orphans] [--style NAME|FILE]\n"
          "       wenshu build --merge-manifests OUT\n"
          "\n"
          "Builds every form for every sound record of the DATA files as PDF under\n"
          "OUT/<organisation>/<form>/<name>.pdf and indexes them in OUT/manifest.json.\n"
          "\n"
          "  -o, --output OUT    output folder (created when missing)\n"
          "  --form NAME         only this form (repeat, or separate names with commas)\n"
          "  --record ID         only this record (repeat, or separate ids with commas)\n"
          "  -j, --jobs N        worker processes (default: the number of processors)\n"
          "  --combined          also one print-ready file per form: OUT/合订本/<form>.pdf,\n"
          "                      each record starting on an odd page, a bookmark per record;\n"
          "                      a form with more records is bound in volumes, <form>（第1册）.pdf…\n"
          "  --volume N          records per combined volume (default 500)\n"
          "  --shard K/N         build only part K of N (for many machines); the last shard to\n"
          "                      finish merges the manifest parts into OUT/manifest.json\n"
          "  --merge-manifests   merge the parts of a sharded build into OUT/manifest.json\n"
          "  --force             make every file again, even those that have not changed\n"
          "  --archive           PDF/A-1b archive copies\n"
          "  --style NAME|FILE   set every form in this style instead of its own (e.g.\n"
          "                      gbt9704-uming, or a .style file of the office's fonts)\n"
          "  --strict            warnings count as errors for the exit status\n"
          "  --keep-orphans      keep the files of records and forms that no longer exist (by\n"
          "                      default a build removes them and their manifest lines)\n"
          "  --wait              when another wenshu is writing OUT, wait for it (default: exit 2)\n"
          "  --time-limit S      seconds one record may take on a worker (default 300); a record\n"
          "                      over it is reported and skipped, the build goes on\n"
          "  -q, --quiet         no progress and no summary line\n"
          "  -h, --help          this text\n"
          "  --version           the program's version\n"
          "\n"
          "exit status: 0 all built, 1 records skipped or files failed, 2 usage or I/O failure\n"),
          out);
}

/* Adds the comma-separated values of arg to a list. */
static void add_values(char ***list, size_t *n, const char *arg)
{
    const char *p = arg;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len) {
            *list = ws_xrealloc(*list, (*n + 1) * sizeof **list);
            (*list)[(*n)++] = ws_xstrndup(p, len);
        }
        if (!p[len]) break;
        p += len + 1;
    }
}

/* "K/N" with 1 <= K <= N. */
static int parse_shard(const char *s, unsigned *k, unsigned *n)
{
    const char *slash = s ? strchr(s, '/') : NULL;
    if (!slash) return -1;
    char *ks = ws_xstrndup(s, (size_t)(slash - s));
    unsigned long kv, nv;
    int rc = cli_parse_uint(ks, 1000000, &kv) || cli_parse_uint(slash + 1, 1000000, &nv) || kv < 1 || nv < 1 || kv > nv ? -1 : 0;
    free(ks);
    if (!rc) *k = (unsigned)kv, *n = (unsigned)nv;
    return rc;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++) free(list[i]);
    free(list);
}

/* The progress line on a terminal: rewritten in place at most five times a second, wiped before
 * anything else is written to standard error. Where the terminal cannot take escape sequences
 * (TERM=dumb), or NO_COLOR asks for none, the line is wiped by overwriting it with spaces; for
 * `wenshu serve`, which reads it from a pipe (WENSHU_PROGRESS=1), it is the bare count
 * "progress N/M", a line of a protocol rather than a message, so that its language does not matter.
 * The time left is shown only once there is enough to go by (BUILD_ETA_*): the first files
 * include starting the workers and loading fonts, and an estimate from them is far off. */
#define BUILD_ETA_SECONDS 2.0
#define BUILD_ETA_FRACTION 0.05
typedef struct {
    int drawn;
    int mode;          /* PROGRESS_ESC, PROGRESS_PLAIN or PROGRESS_PIPE */
    size_t width;      /* columns of the line drawn (PROGRESS_PLAIN wipes that many) */
    double last_drawn; /* seconds since the workers started; < 0: never drawn */
} progress_line;
enum { PROGRESS_ESC, PROGRESS_PLAIN, PROGRESS_PIPE };

/* Columns of UTF-8 text on a terminal: CJK (three-byte sequences here) two, others one. */
static size_t progress_columns(const char *s)
{
    size_t w = 0;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if ((*c & 0xC0) != 0x80) w += *c >= 0xE0 ? 2 : 1;
    return w;
}

static void progress_clear(void *ctx)
{
    progress_line *pl = ctx;
    if (pl->drawn && pl->mode == PROGRESS_ESC) fputs("\r\033[K", stderr);
    else if (pl->drawn && pl->mode == PROGRESS_PLAIN) fprintf(stderr, "\r%*s\r", (int)pl->width, "");
    pl->drawn = 0;
}

static void progress_update(const build_progress *p, void *ctx)
{
    progress_line *pl = ctx;
    double t = p->seconds;
    if (p->done < p->total && pl->last_drawn >= 0 && t - pl->last_drawn < 0.2) return;
    pl->last_drawn = t;
    if (pl->mode == PROGRESS_PIPE) {
        fprintf(stderr, "progress %zu/%zu\n", p->done, p->total);
        fflush(stderr);
        return;
    }
    double rate = p->done / (t > 1e-3 ? t : 1e-3);
    char line[256], left_text[96] = "";
    if (t >= BUILD_ETA_SECONDS && p->done >= BUILD_ETA_FRACTION * p->total && p->done < p->total && rate > 0) {
        long left = (long)((p->total - p->done) / rate + 0.5);
        if (left >= 3600) snprintf(left_text, sizeof left_text, _(", about %ld h %ld min left"), left / 3600, left % 3600 / 60);
        else if (left >= 60) snprintf(left_text, sizeof left_text, _(", about %ld min %ld s left"), left / 60, left % 60);
        else snprintf(left_text, sizeof left_text, _(", about %ld s left"), left);
    }
    snprintf(line, sizeof line, _("%zu/%zu files made, %.1f a second%s"), p->done, p->total, rate, left_text);
    size_t width = progress_columns(line);
    if (pl->mode == PROGRESS_ESC) fprintf(stderr, "\r\033[K%s", line);
    else fprintf(stderr, "\r%s%*s", line, pl->drawn && pl->width > width ? (int)(pl->width - width) : 0, "");
    fflush(stderr);
    pl->width = width;
    pl->drawn = 1;
}

static void print_summary(const build_summary *s)
{
    /* One sentence built of parts, each a whole message (the order of words differs between
     * languages, so no part is cut in two). */
    fprintf(stderr, P_("wenshu build: %zu file made", "wenshu build: %zu files made", s->built), s->built);
    fprintf(stderr, P_(", %zu unchanged", ", %zu unchanged", s->unchanged), s->unchanged);
    if (s->failed) fprintf(stderr, P_(", %zu failed", ", %zu failed", s->failed), s->failed);
    if (s->skipped) fprintf(stderr, P_(", %zu record not built for its errors", ", %zu records not built for their errors", s->skipped), s->skipped);
    if (s->orphans) fprintf(stderr, P_(", %zu stale file removed", ", %zu stale files removed", s->orphans), s->orphans);
    fprintf(stderr, _("; %.1f s; manifest %s"), s->seconds, s->manifest);
    if (s->sharded)
        fputs(s->merged ? _(" (all shards done, merged into manifest.json)") : _(" (merged when the other shards finish)"), stderr);
    fputc('\n', stderr);
    /* every record (and input) left out, by id and name, with the reason (cli/pipeline.c) */
    if (s->nnot_built) fprintf(stderr, "%s\n", _("not built:"));
    for (size_t i = 0; i < s->nnot_built; i++) fprintf(stderr, "  %s\n", s->not_built[i]);
}

#define FAIL(...)                                            \
    do {                                                     \
        fputs("wenshu build: ", stderr);                     \
        fprintf(stderr, __VA_ARGS__);       \
        fputc('\n', stderr);                                 \
        status = EXIT_USAGE;                                 \
        goto out;                                            \
    } while (0)

enum { OPT_FORM = CLI_LONG_ONLY, OPT_RECORD, OPT_SHARD, OPT_MERGE, OPT_COMBINED, OPT_VOLUME, OPT_FORCE, OPT_ARCHIVE, OPT_STRICT, OPT_WAIT, OPT_TIME_LIMIT, OPT_KEEP_ORPHANS, OPT_STYLE };
/* build_options.release: the workers are done, and the records' index, the templates and the
 * fonts go before the manifest is written (a shard's merge holds every output's entry). */
static void release_source(void *ctx)
{
    pipeline_close(ctx);
}

static const cli_option build_options_table[] = {
    {"output", 'o', 1, N_("an output folder")},
    {"form", OPT_FORM, 1, N_("a form name")},
    {"record", OPT_RECORD, 1, N_("a record id")},
    {"jobs", 'j', 1, N_("a number of worker processes from 1 to 1024")},
    {"shard", OPT_SHARD, 1, N_("K/N with 1 <= K <= N (e.g. --shard 3/8)")},
    {"merge-manifests", OPT_MERGE, 1, N_("the output folder")},
    {"combined", OPT_COMBINED, 0, NULL},
    {"volume", OPT_VOLUME, 1, N_("the number of records per combined volume (1 to 1000000)")},
    {"force", OPT_FORCE, 0, NULL},
    {"quiet", 'q', 0, NULL},
    {"archive", OPT_ARCHIVE, 0, NULL},
    {"strict", OPT_STRICT, 0, NULL},
    {"wait", OPT_WAIT, 0, NULL},
    {"keep-orphans", OPT_KEEP_ORPHANS, 0, NULL},
    {"time-limit", OPT_TIME_LIMIT, 1, N_("a number of seconds from 1 to 86400")},
    {"style", OPT_STYLE, 1, N_("a style name or .style file")},
    {0},
};

int cmd_build(int argc, char **argv)
{
    build_options o = {.jobs = jobs_default_workers(), .version = cli_program_identity(), .time_limit = BUILD_TIME_LIMIT};
    char **data = NULL;
    size_t ndata = 0;
    const char *merge = NULL;
    int status = EXIT_OK;
    build_plan *plan = NULL;
    diag *d = NULL;

    cli_parser p = {.command = "build",
                    .synopsis = N_("usage: wenshu build DATA... -o OUT [OPTION...]  or  wenshu build --merge-manifests OUT"),
                    .help = usage,
                    .options = build_options_table};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        const char *v = p.value;
        unsigned long n;
        if (c == 'o') {
            if (o.out) FAIL(_("-o given twice ('%s' and '%s')"), o.out, v);
            o.out = v;
        } else if (c == OPT_FORM) {
            add_values(&o.forms, &o.nforms, v);
        } else if (c == OPT_RECORD) {
            add_values(&o.records, &o.nrecords, v);
        } else if (c == 'j') {
            if (!cli_number(&p, 1, 1024, &n)) o.jobs = (int)n;
        } else if (c == OPT_SHARD) {
            if (parse_shard(v, &o.shard_k, &o.shard_n)) cli_bad_value(&p);
        } else if (c == OPT_MERGE) {
            merge = v;
        } else if (c == OPT_COMBINED) {
            o.combined = 1;
        } else if (c == OPT_VOLUME) {
            if (!cli_number(&p, 1, 1000000, &n)) o.volume = (size_t)n;
        } else if (c == OPT_FORCE) {
            o.force = 1;
        } else if (c == 'q') {
            o.quiet = 1;
        } else if (c == OPT_ARCHIVE) {
            o.archive = 1;
        } else if (c == OPT_STRICT) {
            o.strict = 1;
        } else if (c == OPT_KEEP_ORPHANS) {
            o.keep_orphans = 1;
        } else if (c == OPT_WAIT) {
            o.wait = 1;
        } else if (c == OPT_TIME_LIMIT) {
            if (!cli_number(&p, 1, 86400, &n)) o.time_limit = (unsigned)n;
        } else if (c == OPT_STYLE) {
            o.style = v;
        }
        /* CLI_STOP: help or version printed, or a usage error reported (also for a bad value) */
        if (c == CLI_STOP || p.status != EXIT_OK) {
            status = p.status;
            goto out;
        }
    }
    /* getopt_long has moved the DATA files to argv's end, in their order. */
    for (int i = p.first; i < argc; i++) {
        data = ws_xrealloc(data, (ndata + 1) * sizeof *data);
        data[ndata++] = ws_xstrdup(argv[i]);
    }

    if (merge) {
        if (ndata || o.out) FAIL(_("--merge-manifests takes only the output folder"));
        char err[1024];
        int busy, lock_fd = outlock_take(merge, 1, o.wait, &busy, err, sizeof err);
        if (lock_fd < 0) FAIL("%s", err);
        int rc = manifest_merge_parts(merge, 0, err, sizeof err);
        close(lock_fd);
        if (rc == 1 || rc < 0) FAIL("%s", err);
        if (rc == 2) fprintf(stderr, _("wenshu build: warning: %s; merged the parts present\n"), err);
        if (!o.quiet) fprintf(stderr, _("wenshu build: merged the shards' manifests into %s/manifest.json\n"), merge);
        goto out;
    }
    if (!ndata) FAIL(_("no record files given (usage: wenshu build DATA... -o OUT)"));
    if (!o.out) FAIL(_("no output folder given: add -o OUT"));
    for (size_t i = 0; i < ndata; i++) {
        struct stat st;
        if (stat(data[i], &st) != 0) FAIL("%s: %s", data[i], strerror(errno));
        if (!S_ISREG(st.st_mode)) FAIL(_("%s: not a file (give the XML record files themselves)"), data[i]);
    }
    struct stat st;
    if (stat(o.out, &st) == 0 && !S_ISDIR(st.st_mode)) FAIL(_("%s exists and is not a folder"), o.out);

    d = diag_new(stderr);
    plan = batch_plan_new();
    const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");
    progress_line line = {.mode = !isatty(2)                                           ? PROGRESS_PIPE
                                  : (term && !strcmp(term, "dumb")) || (no_color && *no_color) ? PROGRESS_PLAIN
                                                                                         : PROGRESS_ESC,
                          .last_drawn = -1};
    build_reporter reporter = {progress_update, progress_clear, &line};
    /* WENSHU_PROGRESS=1: the progress line also when standard error is no terminal — `wenshu
     * serve` runs the build with it and reads the line from a pipe (serve/serve_build.c). */
    int progress = getenv("WENSHU_PROGRESS") && !strcmp(getenv("WENSHU_PROGRESS"), "1");
    if (!o.quiet && (isatty(2) || progress)) o.reporter = &reporter;
    build_source src;
    /* WENSHU_PHASES=1: where the time of a run went, for the benchmark (bench/bench.py) */
    struct build_timing timing = {0};
    int phases = getenv("WENSHU_PHASES") && !strcmp(getenv("WENSHU_PHASES"), "1");
    if (phases) o.timing = &timing;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    status = pipeline_open(data, ndata, &o, plan, &src, d);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (status) goto out;
    build_summary summary;
    char *stat_cache = volume_cache_stat_path(o.out);
    o.stat_cache = stat_cache;
    o.release = release_source;
    o.release_ctx = &src;
    status = build_run(plan, &src, &o, d, &summary);
    volume_cache_stat_done(stat_cache);
    free(stat_cache);
    pipeline_close(&src);
    if (!o.quiet && summary.manifest) print_summary(&summary);
    free(summary.manifest);
    if (phases)
        fprintf(stderr,
                "wenshu build: phases: records %.3f s, preparing %.3f s, workers %.3f s, finishing %.3f s; "
                "unchanged outputs: %zu trusted by their stat, %zu hashed\n",
                (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, timing.prepare, timing.make,
                timing.finish, timing.by_stat, timing.hashed);

out:
    batch_plan_free(plan);
    diag_free(d);
    free_list(data, ndata);
    free_list(o.forms, o.nforms);
    free_list(o.records, o.nrecords);
    return status;
}
