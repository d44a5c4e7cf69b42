/* build_check — what OUT should hold according to the data, without making anything: `wenshu
 * verify --data`. */
#ifndef WENSHU_BUILD_CHECK_H
#define WENSHU_BUILD_CHECK_H

#include "batch/build.h"
#include "batch/manifest.h"

typedef struct {
    long stale;    /* listed, but the data (or the program, the templates, the fonts) now make it differently */
    long orphaned; /* listed, but no record and form of the data make it any more */
    long missing;  /* the data make it, the manifest does not list it */
} build_check_counts;

/* Names p's outputs (and judges the combined volumes m lists, with the records per volume each
 * was made with: volumes.h; when m lists any, the volumes not built are reported missing),
 * computes each key as a build would (for plain and archive copies alike) and compares with m:
 * prints "stale: PATH", "orphaned: PATH", "missing: PATH" on stdout in path order. Call once per
 * plan. */
void build_check_run(build_plan *p, const build_options *o, const manifest *m, build_check_counts *c);

#endif
