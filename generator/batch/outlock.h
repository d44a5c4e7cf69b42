/* outlock — one writer per OUT: an advisory lock (flock) on OUT/.wenshu.lock.
 *
 * Every command that writes OUT holds it for its whole run: a build exclusively, each shard of a
 * sharded build shared (shards write disjoint files and their own manifest parts, so they run in
 * parallel) together with an exclusive lock of its own part, and the merge of the parts
 * exclusively on OUT/.wenshu.merge.lock. A second writer either waits (wait set: it says so once,
 * then blocks) or is refused with a message naming the lock file. flock locks go away with the
 * process, so a killed run never leaves OUT locked. */
#ifndef WENSHU_OUTLOCK_H
#define WENSHU_OUTLOCK_H

#include <stddef.h>

#define OUTLOCK_NAME ".wenshu.lock"
#define OUTLOCK_MERGE_NAME ".wenshu.merge.lock"
/* Every lock file's name starts so: verify does not count them as files added to OUT. */
#define OUTLOCK_PREFIX ".wenshu."

/* Takes the lock file name in OUT (created if missing, never through a link): exclusive or shared,
 * waiting when wait is set. Returns the descriptor that holds it (close it to release), or -1
 * with err filled: busy is set to 1 when another run holds it (and wait was not set). */
int outlock_take(const char *out, const char *name, int exclusive, int wait, int *busy, char *err, size_t errlen);

#endif
