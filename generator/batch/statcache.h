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

/* One output's record: its path, and the file's stat at a moment its SHA-256 (binary) was known.
 * An output has one record, not one as read and one as this run found it: a run notes what it
 * found only for an output it keeps unchanged (statcache_check), whose manifest entry then is the
 * one it checked, so the record it replaces could never have been written again. */
typedef struct {
    const char *path; /* the old manifest's string when it lists the path (borrowed), else owned */
    uint8_t sha256[SHA256_LEN];
    uint64_t size, ino, dev;
    int64_t mtime_s, ctime_s;
    int32_t mtime_ns, ctime_ns;
    int owned;
} statcache_entry;

/* The records, found by path through a table of 32-bit indices (open addressing). For 100 000
 * outputs ~9 MB; it was two sorted tables (as read, as found) of 112-byte entries, each with its
 * own copy of every path, ~40 MB with the old manifest whole beside them. */
typedef struct {
    statcache_entry *v;
    size_t n, cap;
    uint32_t *slot; /* index + 1, 0 empty */
    size_t nslot;   /* a power of two, at least twice n */
} statcache;

/* Reads the side file at path into c (empty when path is NULL, or the file missing or damaged),
 * a line at a time. Records of paths old (sorted) lists borrow its strings: old must outlive c
 * and keep them (manifest_keep and manifest_sort drop entries, never a pooled string). */
void statcache_read(statcache *c, const char *path, const manifest *old);
void statcache_free(statcache *c);

/* Whether the file of manifest entry e under out is still what e says, as manifest_file_matches
 * answers it, but trusting c's record when it matches the file's stat exactly: 0 it is not,
 * STATCACHE_BY_STAT trusted without reading it, STATCACHE_HASHED read and found right. A file
 * found right has its record replaced by the stat it had before it was read (unless racy: see
 * above); e's path must outlive c, as old's do. */
enum { STATCACHE_BY_STAT = 1, STATCACHE_HASHED = 2 };
int statcache_check(statcache *c, const char *out, const manifest_entry *e);

/* Writes the side file at path (NULL: nothing) for the final manifest, the union of m and also
 * (may be NULL; m's entry of a path both list, as manifest_write_union_if_changed): for each entry, c's
 * record if it has the same SHA-256 (the files this run did not look at, of other forms, keep
 * the record they were read with). Not rewritten when its bytes would not change — compared, then
 * written, a piece at a time, never whole in memory; written as a temporary renamed into place,
 * not synced (a cache: a torn file is found damaged and not used). 0, or -1 with err. */
int statcache_write(const char *path, manifest *m, manifest *also, statcache *c, char *err, size_t errlen);

#endif
