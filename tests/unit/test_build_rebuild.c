/* What a build's parent holds per existing output when it builds again into the folder of an
 * earlier build (issue 22: 100 000 members rebuilt took 154-186 MB with every file remade,
 * 179-200 MB with nothing to make): the old manifest's entries, the stat side file's records, the entries of
 * this run. A stand-in source makes N tiny outputs in this process (-j 0), their files are dated
 * an hour back (so that the stat side file may note them: statcache.h), one rebuild reads and
 * notes them all, and then, measured:
 *   - a rebuild with nothing to make (every output trusted by its stat), and
 *   - a rebuild that makes every output again (another program version: every key changes),
 * each as the rise of the peak resident set (VmHWM, reset through /proc/self/clear_refs) over the
 * resident set before it, at N = 4 000 and N = 16 000 in a process of its own; the difference
 * over 12 000 outputs is what one more output costs, whatever the run holds anyway. Measured
 * 2026-12: 680-700 bytes an output with nothing to make, 770-810 remaking (the old manifest's
 * entries with their strings pooled and the file read a window at a time, one stat record an
 * output found through a table of indices, unchanged outputs not copied into the run's entries);
 * 1 574 and 1 356 before (two tables of stat records, each with its own copy of every path; the
 * old manifest read whole, parsed, then copied entry by entry with three blocks of strings each).
 * Resident memory is not the program's under the sanitizers: skipped there. */
#include <fcntl.h>
#include <ftw.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "batch/build.h"
#include "build_fixture.h"
#include "tap.h"

#define SMALL 4000
#define LARGE 16000
/* bytes one more existing output may add to the parent's peak on a rebuild */
#define BOUND_UNCHANGED 900
#define BOUND_REMADE 950

static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, n)) kb = strtol(line + n, NULL, 10);
    if (f) fclose(f);
    return kb;
}

/* Resets VmHWM to the present resident set; 0 or -1. */
static int reset_peak(void)
{
    int fd = open("/proc/self/clear_refs", O_WRONLY);
    int ok = fd >= 0 && write(fd, "5", 1) == 1;
    if (fd >= 0) close(fd);
    return ok ? 0 : -1;
}

static int tiny_make(void *ctx, const build_item *it, const build_member *members, size_t nmembers, int archive,
                     ws_buf *pdf, long *pages, diag *d)
{
    (void)ctx, (void)members, (void)nmembers, (void)archive, (void)d;
    ws_buf_printf(pdf, "%%PDF-FAKE %s %s\n", it->form, it->record);
    *pages = 1;
    return 0;
}

static int backdate(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)ftw;
    struct timespec t[2] = {{time(NULL) - 3600, 0}, {time(NULL) - 3600, 0}};
    if (flag == FTW_F) utimensat(AT_FDCWD, path, t, 0);
    return 0;
}

/* In a process of its own: n outputs made, noted, then rebuilt twice. Writes to fd the rise of
 * the peak over the resident set before each measured rebuild (KB), and whether each run did what
 * it should: "unchanged_kb remade_kb ok". */
static void child(size_t n, int fd)
{
    mallopt(M_MMAP_THRESHOLD, 128 << 10); /* as test_build_made.c: holes in the heap not left to chance */
    char dir[] = "/tmp/wenshu-build-rebuild.XXXXXX";
    if (!mkdtemp(dir)) _exit(1);
    char out[128], stat_file[128];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(stat_file, sizeof stat_file, "%s/cache/out.stat", dir);
    build_plan *p = build_fixture_plan(n);
    build_source src = {NULL, tiny_make};
    diag *d = diag_new(stderr);
    struct build_timing timing = {0};
    build_options o = {.out = out, .jobs = 0, .quiet = 1, .version = "one", .stat_cache = stat_file, .timing = &timing};
    build_summary sum;
    int ok = 1;
    ok &= build_run(p, &src, &o, d, &sum) == 0 && sum.built == n;
    free(sum.manifest);
    nftw(out, backdate, 16, FTW_PHYS);
    ok &= build_run(p, &src, &o, d, &sum) == 0 && sum.unchanged == n && timing.hashed == n;
    free(sum.manifest);

    long rise[2];
    for (int k = 0; k < 2; k++) {
        timing = (struct build_timing){0};
        if (k == 1) o.version = "two";
        malloc_trim(0);
        long before = status_kb("VmRSS:");
        if (reset_peak()) ok = 0;
        int rc = build_run(p, &src, &o, d, &sum);
        rise[k] = status_kb("VmHWM:") - before;
        ok &= rc == 0 && (k == 0 ? sum.unchanged == n && timing.by_stat == n : sum.built == n);
        free(sum.manifest);
    }
    diag_free(d);
    batch_plan_free(p);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) {
    }
    char line[96];
    int len = snprintf(line, sizeof line, "%ld %ld %d\n", rise[0], rise[1], ok);
    if (write(fd, line, (size_t)len) != len) _exit(1);
    _exit(0);
}

static int measure(size_t n, long rise[2])
{
    int pfd[2];
    if (pipe(pfd)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(pfd[0]);
        child(n, pfd[1]);
    }
    close(pfd[1]);
    char line[96] = {0};
    ssize_t got = read(pfd[0], line, sizeof line - 1);
    close(pfd[0]);
    int st = 0, ok = 0;
    waitpid(pid, &st, 0);
    return got > 0 && sscanf(line, "%ld %ld %d", &rise[0], &rise[1], &ok) == 3 && ok && WIFEXITED(st) && !WEXITSTATUS(st)
               ? 0
               : -1;
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
    CHECK(1, "# SKIP resident memory is not the program's under ASan");
    return TAP_DONE();
#endif
    if (reset_peak()) {
        CHECK(1, "# SKIP /proc/self/clear_refs cannot reset the peak here");
        return TAP_DONE();
    }
    long small[2], large[2];
    CHECK(measure(SMALL, small) == 0, "%d outputs: made, noted, rebuilt unchanged (by their stat) and remade", SMALL);
    CHECK(measure(LARGE, large) == 0, "%d outputs: made, noted, rebuilt unchanged (by their stat) and remade", LARGE);
    long per_unchanged = (large[0] - small[0]) * 1024 / (LARGE - SMALL);
    long per_remade = (large[1] - small[1]) * 1024 / (LARGE - SMALL);
    printf("# rise of the peak, nothing to make: %ld KB at %d outputs, %ld KB at %d: %ld bytes an output\n", small[0], SMALL,
           large[0], LARGE, per_unchanged);
    printf("# rise of the peak, every output remade: %ld KB at %d outputs, %ld KB at %d: %ld bytes an output\n", small[1],
           SMALL, large[1], LARGE, per_remade);
    CHECK(per_unchanged <= BOUND_UNCHANGED, "a rebuild with nothing to make holds at most %d bytes an existing output (got %ld)",
          BOUND_UNCHANGED, per_unchanged);
    CHECK(per_remade <= BOUND_REMADE, "a rebuild that remakes everything holds at most %d bytes an existing output (got %ld)",
          BOUND_REMADE, per_remade);
    return TAP_DONE();
}
