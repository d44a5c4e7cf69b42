/* pipeline — the wiring between `wenshu build` and the rest of wenshu: records (records.h),
 * templates, layout and the PDF writer. It loads and validates the DATA files, loads every form
 * template, adds a build_item per sound record per form, and supplies the make function
 * (build.h): a record's document laid out and written, or a combined file's records bound
 * (pipeline_volume.h). Kept apart from batch/ so that the batch machinery knows nothing of
 * typesetting and is tested with a stand-in source.
 *
 * It streams the records: planning reads the DATA files one at a time (a file ahead on a helper
 * thread, records.h's records_reader) and keeps per document only names, a key and where the
 * record is; the workers read a file again when they reach its items.
 * So memory follows the largest DATA file (and the index of shared context, records.h), not the
 * number of records. */
#ifndef WENSHU_PIPELINE_H
#define WENSHU_PIPELINE_H

#include "batch/build.h"

/* Returns 0 with the plan filled and src set; otherwise the exit status (diag.h) after reporting
 * through d. Records with errors are reported, counted with batch_plan_note_skipped, and left out. */
int pipeline_open(char *const *data, size_t ndata, const build_options *o, build_plan *plan, build_source *src,
                      diag *d);
void pipeline_close(build_source *src);

#endif
