/* build — the batch machinery of `wenshu build`: which files to make, where, on how many
 * processes, what can be skipped, and the manifest that indexes them.
 *
 * It knows nothing of templates, Markdown or typesetting. A *source* (the wiring of records,
 * templates and layout) adds one build_item per record per form and supplies two functions —
 * layout an item into a dlist_doc, and write a dlist_doc as PDF bytes. The machinery then:
 *
 *   1. names every output OUT/<organisation>/<form>/<name>.pdf (outpath.h: sanitised, collisions
 *      resolved by adding the record id) — planned over all items of the plan, before any
 *      filtering, so a file's name never depends on --record or --shard (a source may leave out
 *      forms --form does not select, but never part of a folder: names are unique per folder);
 *   2. selects items: --form, --record, and --shard K/N (a stable hash of form and record id);
 *   3. computes each output's input key (the source's key + the wenshu version + the options
 *      that change bytes) and skips outputs whose key, file and SHA-256 match the manifest;
 *   4. makes the rest on -j worker processes (jobs.h); every PDF is written atomically: a worker
 *      writes a temporary, and the parent's durable thread (durable.h) makes batches of them
 *      durable and renames them before the manifest names them;
 *   5. writes OUT/manifest.json sorted by path: byte-identical whatever -j and whatever order the
 *      workers finish in.
 *
 * Combined files (--combined) are items too: one per form, OUT/合订本/<form>.pdf, made by one
 * worker that lays out every selected record of the form again, in plan order, each starting on
 * an odd page (a blank page is inserted after a record with an odd page count), with a level-1
 * bookmark per record above the record's own bookmarks. Laying out twice costs CPU but keeps the
 * workers independent (no display lists cross process boundaries). A combined document is held
 * whole until it is written, so a form with more records than build_options.volume is bound in
 * volumes — OUT/合订本/<form>（第1册）.pdf, （第2册）… of that many records each, by their order in
 * the plan before any filter (so a volume's name and records never depend on --record or
 * --shard): memory stays bounded (500 two-page records: about 30 MB) and a volume stays a size a
 * print room handles (1 000 pages, a ream printed on both sides).
 *
 * Memory: the plan holds only small strings per item (form and organisation names are shared);
 * a source keeps its records out of the plan (build_source.c parses a DATA file when the workers
 * reach its items), and items are made in plan order, so a source that adds items file by file
 * needs one file in memory per worker.
 *
 * Shards: a shard run writes OUT/manifest.K-of-N.json instead of manifest.json. When a shard
 * finishes and finds all N parts present, it merges them into manifest.json and removes the parts
 * (so does `wenshu build --merge-manifests OUT`). The merged manifest is the one a single run
 * would have written: same entries, same order, same bytes; combined files go to the shard their
 * form hashes to.
 *
 * The manifest is the truth about OUT: an entry is kept for every file wenshu made that is still
 * there (also files of records not in this run's data — nothing is ever deleted except
 * ws_write_file_atomic's stale temporary files, `*.tmp.<pid>`, left by a killed run). */
#ifndef WENSHU_BUILD_H
#define WENSHU_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
#include "typeset/dlist.h"
#include "base/sha256.h"
#include "base/util.h"

#define BUILD_COMBINED_DIR "合订本"
#define BUILD_VOLUME_DEFAULT 500

/* One document to make. The source fills the first block when adding it; strings are copied. */
typedef struct {
    const char *form;   /* the form's name, e.g. "评议意见反馈通知书": folder name and --form value */
    const char *form_alias; /* another name --form accepts, e.g. the template's id "feedback"; may be NULL */
    const char *record; /* record id, e.g. "M001"; "" for a combined file */
    const char *org;    /* organisation name from the data (raw: sanitised here) — the first folder */
    const char *name;   /* document name from the data, e.g. the member's name (raw); "" → record id */
    const char *title;  /* bookmark of this record in the combined file; NULL: name */
    uint8_t key[SHA256_LEN]; /* the source's input key: everything that decides the bytes (see below) */
    void *data;         /* the source's own handle, e.g. where the record is and which template;
                           for a combined file, that of the form's first record */

    /* Filled by the machinery. */
    const char *relpath; /* path under OUT, e.g. "一支部/评议意见反馈通知书/张三.pdf" */
    size_t index;        /* position in the plan */
    size_t ordinal;      /* a record's position among the records of its form, in plan order */
    size_t first, end;   /* a combined file: the ordinals of its records, [first, end) */
} build_item;

/* What the machinery calls; both run inside worker processes (fork()ed after the source planned),
 * so they may use anything the source set up. A worker is handed items in plan order, so it may
 * keep state that serves the next items (e.g. the DATA file they come from) but must not rely on
 * it: an item may be retried on a fresh worker, and with -j N each worker sees only some items.
 * Both report problems through d (whose messages the parent prints in item order) and return 0,
 * or -1 when the item cannot be made. */
typedef struct {
    void *ctx;
    int (*layout)(void *ctx, const build_item *it, dlist_doc **doc, diag *d);
    /* For a combined file, it is the combined item (record ""), doc the assembled document. */
    int (*render)(void *ctx, const build_item *it, const dlist_doc *doc, int archive, ws_buf *pdf, diag *d);
} build_source;

typedef struct {
    const char *out;        /* OUT */
    int jobs;               /* worker processes; 0 runs in this process (tests, debugging) */
    int combined, force, quiet, archive, strict;
    size_t volume;          /* records per combined volume; 0: BUILD_VOLUME_DEFAULT */
    unsigned shard_k, shard_n; /* shard K of N (1-based); 0/0: no sharding */
    char **forms;           /* --form filters (form names or aliases); NULL/0: every form */
    size_t nforms;
    char **records;         /* --record filters; NULL/0: every record */
    size_t nrecords;
    const char *version;    /* WENSHU_VERSION, mixed into every key */
    int progress;           /* -1: on a terminal unless quiet (default); 0: never; 1: always */
    /* When set, build_run fills it in: seconds spent before the workers start (naming, keys,
     * what is unchanged), with the workers, and after them (the last batch, the manifest). */
    struct build_timing {
        double prepare, make, finish;
    } *timing;
} build_options;

typedef struct build_plan build_plan;

build_plan *build_plan_new(void);
void build_plan_free(build_plan *p);
/* Adds an item (copied; data is kept as is). Items are made and listed in the order added. */
void build_plan_add(build_plan *p, const build_item *it);
/* The number of records the source skipped because of errors (for the summary line). */
void build_plan_note_skipped(build_plan *p, size_t n);
size_t build_plan_count(const build_plan *p);
const build_item *build_plan_item(const build_plan *p, size_t i);

/* Runs the build. Returns the exit status (diag.h): 2 usage or I/O (OUT unwritable, unknown
 * --form/--record), 1 when any item failed, a record was skipped (source errors counted in d),
 * or — with strict — anything warned; 0 otherwise. Problems go through d. */
int build_run(build_plan *p, const build_source *src, const build_options *o, diag *d);

/* Merges the OUT/manifest.K-of-N.json parts into OUT/manifest.json (keeping the entries of files
 * the parts do not list, as a single run would), then removes the parts. A shard run calls it with
 * require_all after writing its part; `--merge-manifests` without, for when a shard was re-run
 * after the merge. Returns 0 merged; 2 merged although parts are missing (err lists them);
 * 1 nothing merged (no parts, or require_all and parts missing: err says which); -1 I/O error
 * or a damaged part. */
int build_merge_manifests(const char *out, int require_all, char *err, size_t errlen);

/* Key helpers for sources. The input key of a record's document should cover: the record's
 * serialised XML (and the shared context it draws on), the template's bytes and its partials',
 * the style file's bytes, and each font file's identity. */
void build_key_file_bytes(sha256_state *s, const char *path);    /* missing file: hashed as absent */
void build_key_file_identity(sha256_state *s, const char *path); /* path, size, mtime (fonts) */

/* Which shard (0-based, of n) an output belongs to: stable across runs and machines. */
unsigned build_shard_of(const char *form, const char *record, unsigned n);

#endif
