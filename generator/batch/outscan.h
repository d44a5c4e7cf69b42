/* outscan — walking an output folder: every entry that is not a folder, by relative path.
 *
 * Symbolic links are reported, never followed, so a link planted in OUT cannot make verify or
 * the stale-file cleanup wander elsewhere: the walk goes from one folder descriptor to the next
 * (openat with O_NOFOLLOW, fdopendir), as the writes do (outpath.h), so even a folder swapped for
 * a link while the walk runs leads nowhere outside root. Entries within a folder come in byte order, so the
 * walk is deterministic. */
#ifndef WENSHU_OUTSCAN_H
#define WENSHU_OUTSCAN_H

#include <stddef.h>
#include <sys/stat.h>

#include "batch/manifest.h"

/* rel: path relative to root ('/'-separated); full: root/rel (for messages only: a path may
 * lead elsewhere once a folder on it is swapped for a link); dirfd and name: the entry in the
 * folder being walked, which is what to act on (unlinkat, openat with O_NOFOLLOW); st: from
 * fstatat without following a link. Return non-zero to stop the walk (outscan then returns that
 * value). */
typedef int (*outscan_fn)(const char *rel, const char *full, int dirfd, const char *name, const struct stat *st,
                          void *ctx);

/* Returns 0, the callback's non-zero value, or -1 with err filled when a folder cannot be read. */
int outscan_walk(const char *root, outscan_fn fn, void *ctx, char *err, size_t errlen);

/* Whether name ends like ws_write_file_atomic's temporary files: ".tmp.<digits>". */
int outscan_is_temp(const char *name);

/* Removes what a killed run left half-written under root: the temporary files (outscan_is_temp).
 * With mine (a sorted set of paths relative to root), only the temporaries of those targets — a
 * shard touches only its own, since other shards may be writing into the same folders right now.
 * Without mine (a run holding OUT exclusively) also the lock files of killed shards
 * (outlock_shard). Every removal is an unlinkat in the folder the walk holds open, never a path.
 * Returns how many were removed. */
size_t outscan_remove_temps(const char *root, const manifest *mine);

#endif
