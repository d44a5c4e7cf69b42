/* plan — the items of a build and what is decided about them before anything is made: their
 * names under OUT, the combined files, and which of them this run selects.
 *
 * Naming: every output is OUT/<organisation>/<form>/<name>.pdf (outpath.h: sanitised, capped,
 * collisions resolved by adding the record id), planned over all items of the plan before any
 * filtering, so a file's name never depends on --record or --shard (a source may leave out forms
 * --form does not select, but never part of a folder: names are unique per folder). Organisation
 * folders never take a name wenshu uses at the top of OUT (合订本, manifest*.json).
 *
 * Selection: --form (a form's name or alias), --record, and --shard K/N: a stable hash of form
 * and record id, so an output belongs to the same shard on every run and machine; a combined file
 * goes to the shard its form hashes to, and is selected when its form is and any of its records
 * is. */
#ifndef WENSHU_PLAN_H
#define WENSHU_PLAN_H

#include <stddef.h>

#include "batch/build.h"

/* A plan of a large run holds many items whose form and organisation repeat: those strings are
 * kept once (interned), the rest per item. */
typedef struct {
    char **v;
    size_t cap, n;
} plan_strset;

struct build_plan {
    build_item *items;
    size_t n, cap;
    size_t skipped;
    char **skipped_lines; /* one line per record not built, for the summary (batch_plan_note_not_built) */
    size_t nskipped_lines;
    size_t nrecords;     /* items [0, nrecords) are records, the rest combined files (plan_assign_paths) */
    plan_strset shared;  /* form, form_alias and org strings of the items */
    char *packed;        /* after plan_pack: one block holding every item's record, name, title
                          * and relpath; NULL before */
};

/* Moves every item's own strings (record, name, title, relpath) into one block and frees them
 * one by one. Planning allocates them between the DOM nodes of the pieces it reads; once those
 * are freed, the strings left scattered over the heap keep most of its pages resident (at 30 000
 * members ~31 MB free but resident beside ~16 MB in use), and every worker forked afterwards
 * carries them. Packed, the heap's freed stretches are whole pages that malloc_trim gives back.
 * Call once, after plan_assign_paths, when no one holds the items' string pointers. */
void plan_pack(build_plan *p);

/* Checks the --form and --record filters against the items: each must match one. 0, or -1 after
 * reporting every one that matches nothing. */
int plan_check_filters(const build_plan *p, const build_options *o, diag *d);

/* Names every record's output, then (combined) adds the combined files, one per form or one per
 * volume of `volume` records (0: BUILD_VOLUME_DEFAULT), and names them. Call once. */
void plan_assign_paths(build_plan *p, int combined, size_t volume);

/* A shard run (o->shard_n) keeps, after plan_assign_paths, only the items it may make — its
 * records, its combined files and the records they bind — and frees the rest: their names are
 * decided (over every record, so they never depend on --shard), and the keys, the selection, the
 * workers and the manifest need nothing of other shards' records. Which shard an item belongs
 * to is unchanged (plan_shard_of), and so is everything the run makes and reports. Items keep
 * their order and ordinals; nrecords counts the records kept. */
void plan_keep_shard(build_plan *p, const build_options *o);

/* Whether this run (o's filters and shard) makes item i. */
int plan_selected(const build_plan *p, const build_options *o, size_t i);

/* Whether the record item it is bound into the combined file comb in this run. */
int plan_is_member(const build_options *o, const build_item *comb, const build_item *it);

/* The records bound into the combined file comb, in plan order, with their bookmarks: *n gets the
 * count; free() the array. */
build_member *plan_members(const build_plan *p, const build_options *o, const build_item *comb, size_t *n);

/* Which shard (0-based, of n) an output belongs to: stable across runs and machines. */
unsigned plan_shard_of(const char *form, const char *record, unsigned n);

#endif
