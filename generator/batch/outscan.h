/* outscan — walking an output folder: every entry that is not a folder, by relative path.
 *
 * Symbolic links are reported, never followed, so a link planted in OUT cannot make verify or
 * the stale-file cleanup wander elsewhere. Entries within a folder come in byte order, so the
 * walk is deterministic. */
#ifndef WENSHU_OUTSCAN_H
#define WENSHU_OUTSCAN_H

#include <stddef.h>
#include <sys/stat.h>

#include "batch/manifest.h"

/* rel: path relative to root ('/'-separated); full: root/rel; st: from lstat. Return non-zero
 * to stop the walk (outscan then returns that value). */
typedef int (*outscan_fn)(const char *rel, const char *full, const struct stat *st, void *ctx);

/* Returns 0, the callback's non-zero value, or -1 with err filled when a folder cannot be read. */
int outscan_walk(const char *root, outscan_fn fn, void *ctx, char *err, size_t errlen);

/* Whether name ends like ws_write_file_atomic's temporary files: ".tmp.<digits>". */
int outscan_is_temp(const char *name);

/* Removes what a killed run left half-written under root: the temporary files (outscan_is_temp).
 * With mine (a sorted set of paths relative to root), only the temporaries of those targets — a
 * shard touches only its own, since other shards may be writing into the same folders right now.
 * Returns how many were removed. */
size_t outscan_remove_temps(const char *root, const manifest *mine);

#endif
