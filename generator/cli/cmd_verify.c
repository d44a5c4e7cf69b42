/* wenshu verify [--data DATA...] OUT — re-hashes an output folder against its manifest and, with
 * --data, compares the manifest with what the records would make now (batch/build_check.h).
 *
 * Every file the manifest lists is read again and compared by size and SHA-256; every file in OUT
 * that the manifest does not list (except manifest.json itself) is reported as added. The report,
 * one line per difference in path order, goes to stdout:
 *
 *     changed: 一支部/评议意见反馈通知书/张三.pdf
 *     missing: 合订本/评议意见反馈通知书.pdf
 *     added: 一支部/notes.txt
 *     stale: 一支部/评议意见反馈通知书/李四.pdf      (--data: the records now make it differently)
 *     orphaned: 一支部/评议意见反馈通知书/王五.pdf   (--data: no record or form makes it any more)
 *     missing: 一支部/评议意见反馈通知书/赵六.pdf    (--data: the records make it; not built yet)
 *
 * Entries are opened through descriptors from OUT down (outpath_open_file): a link planted in OUT
 * is never followed, so a tampered manifest cannot make verify vouch for a file outside OUT.
 *
 * Exit status: 0 everything matches, 1 any difference (or a damaged manifest), 2 usage or I/O. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_opts.h"
#include "cli/commands.h"
#include "base/diag.h"
#include "batch/build_check.h"
#include "batch/jobs.h"
#include "batch/manifest.h"
#include "cli/pipeline.h"
#include "batch/outpath.h"
#include "batch/outscan.h"
#include "base/sha256.h"
#include "base/util.h"
#include "base/i18n.h"

static void usage(FILE *out)
{
    fputs(_("usage: wenshu verify [-q] [--data DATA...] OUT\n"
          "  Re-hashes every file listed in OUT/manifest.json and reports each file changed, missing,\n"
          "  or added (in OUT but not in the manifest).\n"
          "  --data       the arguments before OUT are record files: also report each output that\n"
          "               the records would now make differently (stale), that no record or form\n"
          "               makes any more (orphaned), or that is not built yet (missing), without\n"
          "               making anything\n"
          "  -q, --quiet  no summary line\n"
          "  -h, --help   this text\n"
          "  --version    the program's version\n"
          "exit status: 0 all files match, 1 differences found, 2 usage or I/O failure\n"),
          out);
}

typedef struct {
    const manifest *m;
    char **added;
    size_t nadded, cap;
} scan_state;

static int note_file(const char *rel, const char *full, int dirfd, const char *name, const struct stat *st, void *ctx)
{
    (void)full;
    (void)dirfd;
    (void)name;
    (void)st;
    scan_state *s = ctx;
    if (!strcmp(rel, MANIFEST_NAME) || manifest_find(s->m, rel)) return 0;
    if (s->nadded == s->cap) s->added = ws_xrealloc(s->added, (s->cap = s->cap ? s->cap * 2 : 16) * sizeof *s->added);
    s->added[s->nadded++] = ws_xstrdup(rel);
    return 0;
}

enum { OPT_DATA = CLI_LONG_ONLY };
static const cli_option verify_options[] = {
    {"quiet", 'q', 0, NULL},
    {"data", OPT_DATA, 0, NULL},
    {0},
};

int cmd_verify(int argc, char **argv)
{
    int quiet = 0, with_data = 0;
    cli_parser p = {.command = "verify", .synopsis = N_("usage: wenshu verify [-q] [--data DATA...] OUT"), .help = usage,
                    .options = verify_options};
    for (int c; (c = cli_next(&p, argc, argv)) != CLI_END;) {
        if (c == 'q') quiet = 1;
        else if (c == OPT_DATA) with_data = 1;
        else return p.status;
    }
    if (p.first >= argc) return cli_usage_error(&p, _("no output folder given"));
    if (with_data && p.first + 1 >= argc) return cli_usage_error(&p, _("--data: no record files given before OUT"));
    if (!with_data && p.first + 1 < argc)
        return cli_usage_error(&p, _("one output folder only ('%s' and '%s')"), argv[p.first], argv[p.first + 1]);
    const char *out = argv[argc - 1];

    char err[1024];
    ws_buf mpath = {0};
    ws_buf_printf(&mpath, "%s/%s", out, MANIFEST_NAME);
    manifest m = {0};
    int missing = 0;
    int rc = manifest_read(mpath.data, &m, &missing, err, sizeof err);
    ws_buf_free(&mpath);
    if (rc) manifest_free(&m); /* it may hold the room taken for the entries, or some of them */
    if (rc == -2) {
        fprintf(stderr, missing ? _("wenshu verify: %s (is this a folder made by wenshu build?)\n") : "wenshu verify: %s\n", err);
        return EXIT_USAGE;
    }
    if (rc == -1) {
        fprintf(stderr, _("wenshu verify: the manifest is damaged: %s\n"), err);
        return EXIT_DATA;
    }

    long changed = 0, gone = 0, io = 0;
    for (size_t i = 0; i < m.n; i++) {
        const manifest_entry *e = &m.v[i];
        int fd = outpath_open_file(out, e->path); /* never through a link */
        struct stat st;
        if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
            printf("missing: %s\n", e->path);
            gone++;
        } else if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            printf("changed: %s (no longer a regular file%s)\n", e->path,
                   fd < 0 && errno == ELOOP ? ", or reached through a symbolic link" : "");
            changed++;
        } else {
            uint8_t digest[SHA256_LEN];
            char hex[SHA256_HEX_LEN + 1];
            uint64_t size = 0;
            int hashed = sha256_fd(fd, e->path, digest, &size, err, sizeof err);
            fd = -1; /* closed by sha256_fd */
            if (hashed < 0) {
                fprintf(stderr, "wenshu verify: %s\n", err);
                io++;
            } else {
                sha256_hex(digest, hex);
                if (size != e->bytes || strcmp(hex, e->sha256)) {
                    printf("changed: %s\n", e->path);
                    changed++;
                }
            }
        }
        if (fd >= 0) close(fd);
    }

    scan_state s = {&m, NULL, 0, 0};
    if (outscan_walk(out, note_file, &s, err, sizeof err) < 0) {
        fprintf(stderr, "wenshu verify: %s\n", err);
        io++;
    }
    for (size_t i = 0; i < s.nadded; i++) {
        printf("added: %s\n", s.added[i]);
        free(s.added[i]);
    }
    free(s.added);
    long added = (long)s.nadded;

    build_check_counts bc = {0};
    if (with_data) {
        build_options o = {.out = out, .version = cli_program_identity()};
        diag *d = diag_new(stderr);
        build_plan *plan = batch_plan_new();
        build_source src;
        if (pipeline_open(argv + p.first, (size_t)(argc - 1 - p.first), &o, plan, &src, d) != EXIT_OK) {
            io++;
        } else {
            fflush(stdout);
            build_check_run(plan, &o, &m, &bc);
            pipeline_close(&src);
        }
        batch_plan_free(plan);
        diag_free(d);
    }
    fflush(stdout);

    if (!quiet) {
        if (!changed && !gone && !added && !io)
            fprintf(stderr, P_("wenshu verify: the %zu file listed in the manifest matches.\n",
                               "wenshu verify: all %zu files listed in the manifest match.\n", m.n),
                    m.n);
        else
            fprintf(stderr,
                    io ? _("wenshu verify: of the %zu files listed in the manifest, %ld changed and %ld missing; %ld "
                           "more not in the manifest; some files could not be read.\n")
                       : _("wenshu verify: of the %zu files listed in the manifest, %ld changed and %ld missing; %ld "
                           "more not in the manifest.\n"),
                    m.n, changed, gone, added);
        if (with_data && !io)
            fprintf(stderr,
                    bc.stale || bc.orphaned || bc.missing
                        ? _("wenshu verify: against the records: %ld files out of date, %ld whose record or form no "
                            "longer exists, %ld not built yet (wenshu build updates them)\n")
                        : _("wenshu verify: against the records: %ld files out of date, %ld whose record or form no "
                            "longer exists, %ld not built yet.\n"),
                    bc.stale, bc.orphaned, bc.missing);
    }
    manifest_free(&m);
    if (io) return EXIT_USAGE;
    return changed || gone || added || bc.stale || bc.orphaned || bc.missing ? EXIT_DATA : EXIT_OK;
}
