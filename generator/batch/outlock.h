/* outlock — one writer per OUT: an advisory lock (flock) on the OUT folder itself.
 *
 * Every command that writes OUT holds it for its whole run: a build and --merge-manifests
 * exclusively; the shards of a sharded build shared (they write disjoint files and their own
 * manifest parts, so they run in parallel), each converting its lock to exclusive to merge the
 * parts at its end — which waits until every other running shard has written its part. A second
 * writer either waits (wait set: it says so once, then blocks) or is refused. The lock is on the
 * folder's inode, so no lock file appears in OUT, and it goes away with the process: a killed
 * run never leaves OUT locked. */
#ifndef WENSHU_OUTLOCK_H
#define WENSHU_OUTLOCK_H

#include <stddef.h>

/* Locks the folder out (which must exist), exclusive or shared, waiting when wait is set. Returns
 * the descriptor that holds the lock (close it to release), or -1 with err filled; busy is set to 1
 * when another run holds it (and wait was not set). */
int outlock_take(const char *out, int exclusive, int wait, int *busy, char *err, size_t errlen);

/* Turns a held shared lock into an exclusive one, waiting for the other holders. 0, or -1 with err. */
int outlock_exclusive(int fd, const char *out, char *err, size_t errlen);

#endif
