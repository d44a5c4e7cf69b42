/* What a build's parent keeps per file made: a bounded record, not copies of the file's path, form
 * and record (issue 22: the parent of a 100 000-member build grew ~330 bytes a file and reached
 * 146 MB). A stand-in source makes N tiny outputs in this process (-j 0: the parent's own memory,
 * which a worker's would otherwise hide), and notes the resident set when it is asked for output
 * FROM and for output TO: everything else the run holds (plan, keys) is in place before the first,
 * so what grows between them is what the parent keeps per file made. Measured 2026-12: 184-248 bytes a
 * file (the manifest entry, its strings borrowed from the plan, its room taken before the workers
 * start); 339-358 when it copied them and doubled its array. Resident memory is
 * not the program's under the sanitizers: skipped there. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "batch/build.h"
#include "build_fixture.h"
#include "tap.h"

#define NITEMS 14000
#define FROM 2000
#define TO 14000
/* bytes a file made may add to the parent's resident set */
#define BOUND 290

static size_t calls;
static long rss_from, rss_to;

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
    if (f) fclose(f);
    return kb;
}

static int tiny_make(void *ctx, const build_item *it, const build_member *members, size_t nmembers, int archive,
                     ws_buf *pdf, long *pages, diag *d)
{
    (void)ctx, (void)members, (void)nmembers, (void)archive, (void)d;
    calls++;
    if (calls == FROM) rss_from = rss_kb();
    if (calls == TO) rss_to = rss_kb();
    ws_buf_printf(pdf, "%%PDF-FAKE %s %s\n", it->form, it->record);
    *pages = 1;
    return 0;
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
    CHECK(1, "# SKIP resident memory is not the program's under ASan");
    return TAP_DONE();
#endif
    /* glibc's threshold for mapping a block moves with what is freed; fixed, the transient blocks
     * of the checkpoints (a sort's scratch, the text written) go back when freed instead of
     * leaving resident holes in the heap whose size depends on when the checkpoints fell */
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    char out[] = "/tmp/wenshu-build-made.XXXXXX";
    CHECK(mkdtemp(out) != NULL, "a scratch output folder");
    build_plan *p = build_fixture_plan(NITEMS);
    build_options o = {.out = out, .jobs = 0, .quiet = 1, .version = "test"};
    build_source src = {NULL, tiny_make};
    diag *d = diag_new(stderr);
    build_summary sum;
    int rc = build_run(p, &src, &o, d, &sum);
    CHECK(rc == 0 && sum.built == NITEMS, "the %d outputs are made (exit %d, %zu built)", NITEMS, rc, sum.built);
    long per = rss_to > 0 && rss_from > 0 ? (rss_to - rss_from) * 1024 / (TO - FROM) : -1;
    printf("# resident set %ld KB at output %d, %ld KB at output %d: %ld bytes a file made\n", rss_from, FROM, rss_to,
           TO, per);
    CHECK(per >= 0 && per <= BOUND, "the parent keeps at most %d bytes a file made (got %ld)", BOUND, per);
    free(sum.manifest);
    diag_free(d);
    batch_plan_free(p);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out);
    if (system(cmd)) {
    }
    return TAP_DONE();
}
