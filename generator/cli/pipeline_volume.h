/* pipeline_volume — binding a form's records into one combined file (`wenshu build --combined`).
 *
 * The batch machinery hands the source a combined item and its records (build_member, in plan
 * order, each with its bookmark title); this takes each record's layout from the volume's cache
 * (volume_cache.h: the record's inputs did not change since the volume was last made) or lays
 * the record out again, and appends it to one document, which the PDF writer turns into one file
 * with one font subset per face for the whole volume. Every record starts on an odd (right-hand)
 * page — a blank page follows a record with an odd page count — and gets a bookmark, its own
 * bookmarks one level below. The volume's metadata:
 * its title is the combined item's (e.g. "<form>（合订本）"), its keywords the form; subject,
 * creator and date come from the first record; the author only when every record shares it. All
 * records must have the same page size. */
#ifndef WENSHU_PIPELINE_VOLUME_H
#define WENSHU_PIPELINE_VOLUME_H

#include <stddef.h>

#include "base/diag.h"
#include "batch/build.h"
#include "cli/volume_cache.h"
#include "typeset/dlist.h"

/* The deflate level of a volume's page contents (pdfout_options.content_level). */
#define PIPELINE_VOLUME_CONTENT_LEVEL 3

/* Lays out one record's document (*doc: the caller frees it). 0, or -1 after reporting. */
typedef int (*pipeline_layout_fn)(void *ctx, const build_item *it, dlist_doc **doc, diag *d);

/* Binds the members into *out (free it with dlist_doc_free), noting each record's layout in cache
 * (NULL: no cache; the caller closes it, complete when this returned 0). Returns 0, or -1 after
 * reporting through d (a record that cannot be laid out, a page size that differs, no records). */
int pipeline_volume_bind(const build_item *volume, const build_member *members, size_t nmembers,
                         pipeline_layout_fn layout, void *ctx, volume_cache *cache, dlist_doc **out, diag *d);

#endif
