/* manifest — OUT/manifest.json, the archive's index of every file a build made.
 *
 *   {
 *     "format": "wenshu-manifest-1",
 *     "files": [
 *       {"path": "一支部/评议意见反馈通知书/张三.pdf", "form": "评议意见反馈通知书", "record": "M001",
 *        "pages": 2, "bytes": 48213, "sha256": "…64 hex…", "key": "…64 hex…"},
 *       …
 *     ]
 *   }
 *
 * path is relative to OUT with '/' separators; record is "" for a combined file, which also says
 * how many records per volume it was bound with ("volume": 500, after "record"), so that a later
 * run — with another --volume, or without --combined — knows which records each volume binds; key is the
 * input key of the incremental cache (keys.h), "" when unknown. One entry per line, sorted by
 * path (byte order), nothing that depends on the time or on -j: two builds of the same inputs give
 * the same bytes. Written atomically. */
#ifndef WENSHU_MANIFEST_H
#define WENSHU_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "base/sha256.h"
#include "base/util.h"

#define MANIFEST_NAME "manifest.json"
/* Largest manifest (or shard part) read: a line is about 250 bytes, so 64 MiB describes some
 * 250 000 files, far more than any batch; a larger one is refused before it is read. */
#define MANIFEST_MAX_BYTES (64u << 20)
#define MANIFEST_FORMAT "wenshu-manifest-1"

typedef struct {
    char *path, *form, *record;
    long pages;
    uint64_t bytes;
    char sha256[SHA256_HEX_LEN + 1];
    char key[SHA256_HEX_LEN + 1];
    size_t volume; /* a combined file: the records per volume it was made with (--volume); 0 unknown */
} manifest_entry;

typedef struct {
    manifest_entry *v;
    size_t n, cap;
    int sorted; /* set by manifest_sort; manifest_find needs it */
    /* Set before the first manifest_add: the entries' strings are not copied but borrowed from
     * whatever outlives m (a build's plan, the manifest it read), and never freed through m. A
     * build's parent so keeps ~180 bytes a file made, not ~330 (its path, form and record copied
     * once more, each in its own block). */
    int borrowed;
    /* Set by manifest_parse when it fills an empty manifest of its own: every entry's strings are
     * then copied into these blocks (one form's name shared by all its entries), not each into a
     * block of its own, and freed with m. A 100 000-file manifest read back so costs ~80 bytes of
     * strings an entry, not ~130 (three allocations); what manifest_keep and manifest_sort drop
     * stays until manifest_free. */
    struct manifest_pool *pool;
} manifest;

/* Adds a copy of e (its strings are copied — into m->pool when m has one — or borrowed when
 * m->borrowed; NULL strings become ""). */
void manifest_add(manifest *m, const manifest_entry *e);
/* Makes room for n entries in all, so that adding up to that many moves nothing: a large
 * array is then mapped once and its pages become resident only as entries fill them, where
 * doubling it leaves the earlier copies' pages resident in the heap. */
void manifest_reserve(manifest *m, size_t n);
/* Keeps the entries i with keep[i], in their order, and frees the others. */
void manifest_keep(manifest *m, const unsigned char *keep);
/* Sorts by path; of entries with the same path the last added wins, the others are dropped. */
void manifest_sort(manifest *m);
const manifest_entry *manifest_find(const manifest *m, const char *path); /* after manifest_sort */
void manifest_free(manifest *m);

/* Sorts m, then writes its JSON text. */
void manifest_serialize(manifest *m, ws_buf *out);
/* manifest_serialize, then ws_write_file_atomic. 0 or -1 with err. */
int manifest_write(manifest *m, const char *path, char *err, size_t errlen);

/* Parses a manifest's text into m (entries added, then sorted; an empty m that borrows nothing
 * gets a pool for their strings). Refuses, with err naming the
 * line, anything that is not this format or whose paths are unsafe (outpath_rel_ok), so a
 * tampered manifest cannot make verify or build read or delete outside OUT. 0 or -1. */
int manifest_parse(const char *text, size_t len, manifest *m, char *err, size_t errlen);
/* Reads and parses a file. Returns 0; -1 on a parse error; -2 when it cannot be read (err says
 * why; errno_missing set to 1 when the file does not exist, if not NULL). After an error m may
 * still hold room or entries: the caller frees it (manifest_free) as after success. */
int manifest_read(const char *path, manifest *m, int *missing, char *err, size_t errlen);

/* manifest_write, unless the file already holds exactly these bytes, so that a run that changed
 * nothing leaves OUT untouched. 0 or -1 with err. */
int manifest_write_if_changed(manifest *m, const char *path, char *err, size_t errlen);
/* The same for the union of a and b (both sorted here): every entry of a, and those of b whose
 * paths a lacks — what manifest_merge_carry_over(a, b, NULL) then manifest_write_if_changed
 * write, without copying a's or b's entries. */
int manifest_write_union_if_changed(manifest *a, manifest *b, const char *path, char *err, size_t errlen);

/* Whether the file of entry e under out still is what e says: a regular file (not a link) of its
 * size and SHA-256 (read whole). */
int manifest_file_matches(const char *out, const manifest_entry *e);
/* The cheap check: a regular file of the recorded size is there. */
int manifest_file_present(const char *out, const manifest_entry *e);

/* ---- shards (manifest_merge.c) ----
 *
 * A shard run (--shard K/N) writes OUT/manifest.K-of-N.json instead of manifest.json. When a
 * shard finishes and finds all N parts present, it merges them into manifest.json and removes the
 * parts (so does `wenshu build --merge-manifests OUT`). The merged manifest is the one a single run
 * would have written: same entries, same order, same bytes. */

/* "OUT/manifest.K-of-N.json", appended to b. */
void manifest_merge_part_path(ws_buf *b, const char *out, unsigned k, unsigned n);

/* Adds to m the entries of base whose paths m lacks and, when out is not NULL, whose files are
 * still in out (manifest_file_present); sorts m. */
void manifest_merge_carry_over(manifest *m, const manifest *base, const char *out);

/* Merges the OUT/manifest.K-of-N.json parts into OUT/manifest.json (keeping the entries of files
 * the parts do not list, as a single run would), then removes the parts. A shard run calls it with
 * require_all after writing its part; `--merge-manifests` without, for when a shard was re-run
 * after the merge. Returns 0 merged; 2 merged although parts are missing (err lists them);
 * 1 nothing merged (no parts, or require_all and parts missing: err says which); -1 I/O error
 * or a damaged part. */
int manifest_merge_parts(const char *out, int require_all, char *err, size_t errlen);

#endif
