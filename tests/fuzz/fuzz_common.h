/* Shared set-up of the libFuzzer harnesses: where the source tree is, and a scratch file for
 * the code paths that only take a path. Included by each fuzz_*.c (one translation unit each). */
#ifndef WENSHU_FUZZ_COMMON_H
#define WENSHU_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef WENSHU_ROOT
#error "build with -DWENSHU_ROOT=\"/path/to/the/source/tree\" (tests/fuzz/run.sh does)"
#endif

/* Templates, styles and the schema are looked up through the data folder: point it at the tree. */
static void fuzz_use_source_tree(void)
{
    setenv("WENSHU_DATADIR", WENSHU_ROOT, 1);
}

static char fuzz_scratch_path[256];

static void fuzz_scratch_unlink(void)
{
    if (fuzz_scratch_path[0]) unlink(fuzz_scratch_path);
}

/* Writes data into a per-process scratch file (rewritten for every input, removed at exit) and
 * returns its path: the record loader takes paths, not buffers. */
static const char *fuzz_scratch_file(const unsigned char *data, size_t size)
{
    if (!fuzz_scratch_path[0]) {
        const char *dir = getenv("TMPDIR");
        snprintf(fuzz_scratch_path, sizeof fuzz_scratch_path, "%s/wenshu-fuzz-%ld.xml",
                 dir && *dir ? dir : "/tmp", (long)getpid());
        atexit(fuzz_scratch_unlink);
    }
    FILE *f = fopen(fuzz_scratch_path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    return fuzz_scratch_path;
}

#endif
