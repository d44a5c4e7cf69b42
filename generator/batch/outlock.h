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

/* The lock of one shard (K of N) of a sharded build: two copies of the same shard started
 * together would write the same files and the same part, so the second is refused (busy set, err
 * says so) or, with wait, waits. Shards of one build share the OUT lock, which cannot tell a
 * copy from another shard; this one is an exclusive flock on OUT/manifest.K-of-N.json.lock, a
 * file of its own because the part itself is replaced by rename (a lock on it would stay with
 * the old inode). The file exists only while the shard runs: outlock_shard_release removes it
 * before closing, and a taker that finds the name no longer leads to the inode it locked (removed
 * or replaced meanwhile) starts again, so two takers never hold two different inodes. One left
 * by a killed shard holds no lock (flock goes with the process); a build that holds OUT
 * exclusively — no shard can be running then — removes it with the other leftovers
 * (outscan_remove_temps). Opened from OUT's descriptor with O_NOFOLLOW. Returns the descriptor
 * (pass it to outlock_shard_release), or -1 with err filled. */
int outlock_shard(const char *out, unsigned k, unsigned n, int wait, int *busy, char *err, size_t errlen);
void outlock_shard_release(int fd, const char *out, unsigned k, unsigned n);

/* Whether name (a file at the top of OUT) is a shard's lock file, manifest.K-of-N.json.lock. */
int outlock_is_shard_lock(const char *name);

#endif
