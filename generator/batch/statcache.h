/* statcache — the stat fast path for outputs that are up to date, as git's index has one.
 *
 * Before making an output again, a build checks that the file the manifest lists is still what
 * the manifest says; reading and hashing every file (48 MB for 500 notices) is most of what a
 * build that has little to make costs. A private side file records for each output the file's
 * size, mtime and ctime (nanoseconds), inode and device at a moment its SHA-256 was known to be
 * right: when a run hashed it and found it matching (a file this run made is racy, see below, so
 * the next run hashes it and notes it then).
 * A later build that finds all of them equal — and the same SHA-256 in the manifest — trusts the
 * SHA-256 without reading the file; anything different, and the file is hashed as before.
 * `wenshu verify` never looks at it: it re-hashes everything, which is its job.
 *
 * The side file is not in OUT, which holds what the manifest lists and what clerks hand on (two
 * builds of the same inputs, -j 1 or -j 2 or shards, give identical folders): the caller names
 * it (build_options.stat_cache: the cache folder, keyed by OUT's real path, as the volumes'
 * layouts are, cli/volume_cache.h), NULL for none. Its text:
 *
 *   wenshu-stat-1
 *   <sha256> <size> <mtime s.ns> <ctime s.ns> <inode> <device> <path>
 *   …
 *
 * sorted by path; only paths the final manifest lists. A missing, damaged or over-long side file
 * is simply not used (every file is hashed), never an error; one that cannot be written is not.
 *
 * Racy files (as in git): a file changed in the same clock tick as the moment its stat was taken
 * can keep its size, mtime and ctime. So a file is noted only when its mtime is at least
 * STATCACHE_RACY_NS older than the clock read before its stat was taken: any later change then
 * falls in a later tick and shows. The margin is two seconds, the coarsest tick of the
 * filesystems OUT may be on (FAT; ext3 and HFS+ have one second), since the side file may be on
 * another filesystem than OUT and git's rule — compare with the side file's own mtime — would
 * then compare two different clocks. A file made less than two seconds before is simply hashed
 * next time. The ctime, which no program can set back (touch -d sets the mtime only), and the
 * inode (a file replaced by rename gets another) catch the rest. Shards read it but never write
 * it (a single run, holding OUT exclusively, does); an entry that no longer describes the file
 * costs just a hash. */
#ifndef WENSHU_STATCACHE_H
#define WENSHU_STATCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "batch/manifest.h"

#define STATCACHE_FORMAT "wenshu-stat-1"
#define STATCACHE_RACY_NS 2000000000LL

typedef struct {
    char *path;
    char sha256[SHA256_HEX_LEN + 1];
    uint64_t size, ino, dev;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
} statcache_entry;

typedef struct {
    statcache_entry *v;
    size_t n, cap;
    int sorted;
} statcache;

/* Reads the side file at path into c (empty when path is NULL, or the file missing or damaged). */
void statcache_read(statcache *c, const char *path);
/* Records that path's file, with stat st taken after the clock read before, has SHA-256 sha (a
 * later note of the same path wins) — unless it is racy (see above). */
void statcache_note(statcache *c, const char *path, const char *sha, const struct stat *st, const struct timespec *before);
void statcache_free(statcache *c);

/* Whether the file of manifest entry e under out is still what e says, as manifest_file_matches
 * answers it, but trusting old's record when it matches the file's stat exactly: 0 it is not,
 * STATCACHE_BY_STAT trusted without reading it, STATCACHE_HASHED read and found right. A file
 * found right is noted in now with the stat it had before it was read (unless racy). */
enum { STATCACHE_BY_STAT = 1, STATCACHE_HASHED = 2 };
int statcache_check(statcache *old, statcache *now, const char *out, const manifest_entry *e);

/* Writes the side file at path (NULL: nothing) for the final manifest m: for each entry, now's
 * record if it has the same SHA-256, else old's if it has (the entries of files this run did not
 * look at: other forms). Not rewritten when its bytes would not change; written as a temporary
 * renamed into place, not synced (a cache: a torn file is found damaged and not used). 0, or -1
 * with err. */
int statcache_write(const char *path, manifest *m, statcache *now, statcache *old, char *err, size_t errlen);

#endif
