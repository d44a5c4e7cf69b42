/* volumes — which combined volumes (合订本) listed in a manifest still bind what the records say,
 * judged without making them: for runs without --combined (build.c removes the stale ones, and
 * only those) and for `wenshu verify --data` (build_check.c).
 *
 * A volume binds the records of its form whose ordinals (their order in the plan) fall in its
 * range of `volume` records; the manifest says how many records per volume each was made with, so
 * the judgement uses that number, not this run's --volume. The records are planned again with
 * their volumes (a copy of the plan's records, plan_assign_paths) and each volume's key computed as
 * a --combined run would (keys_final: its records' paths, bookmarks and keys), plain and archive;
 * a volume whose key is the one the manifest holds binds exactly what the records make now. */
#ifndef WENSHU_VOLUMES_H
#define WENSHU_VOLUMES_H

#include "batch/build.h"
#include "batch/manifest.h"

typedef enum {
    VOLUME_NONE,    /* not a combined file */
    VOLUME_CURRENT, /* the records now make it exactly as listed */
    VOLUME_STALE,   /* the records now make it differently (one of its records changed, left, came) */
    VOLUME_GONE,    /* its form has records, but no volume of that name any more (fewer records) */
    VOLUME_UNKNOWN  /* its form has no record in the plan: not planned (--form), or the form is gone */
} volume_state;

/* The state of each entry of old (sorted), in old's order: an array of old->n (free() it). p holds
 * the run's records, named (plan_assign_paths), with or without its own combined files. When
 * missing is not NULL, the paths of the volumes the records would make that old does not list
 * are added to it — for the forms old lists volumes of, and, when old lists any, for every form
 * of p (with the records per volume of old's volumes). */
volume_state *volumes_judge(const build_plan *p, const build_options *o, const manifest *old, manifest *missing);

#endif
