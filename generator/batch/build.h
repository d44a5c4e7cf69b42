/* build — the batch machinery of `wenshu build`: which files to make, where, on how many
 * processes, what can be skipped, and the manifest that indexes them.
 *
 * It knows nothing of records, templates, Markdown, typesetting or PDF: it handles items, names,
 * keys and bytes. A *source* (cli/pipeline.c: the wiring of records, templates, layout and the
 * PDF writer) adds one build_item per record per form to a plan and supplies one function that
 * makes an item's PDF bytes. The machinery then, in build_run (build.c):
 *
 *   1. names every output OUT/<organisation>/<form>/<name>.pdf and adds the combined files
 *      (plan.h), planned over all items before any filtering;
 *   2. selects items: --form, --record, and --shard K/N (plan.h);
 *   3. computes each output's input key (keys.h) and skips outputs whose key, file and SHA-256
 *      match the manifest;
 *   4. makes the rest on -j worker processes, every PDF written atomically and made durable in
 *      batches before the manifest names it (run.h);
 *   5. writes OUT/manifest.json sorted by path: byte-identical whatever -j and whatever order the
 *      workers finish in; a shard writes its part and the last shard merges them (manifest.h).
 *
 * Combined files (--combined) are items too: one per form, OUT/合订本/<form>.pdf, made by one
 * worker. The machinery hands the source the list of the form's selected records (build_member:
 * in plan order, each with its bookmark title and input key) and the source makes them one
 * document (cli/pipeline_volume.h: each record on an odd page, a bookmark per record, one font
 * subset per face), laying out again only the records whose layouts its cache does not hold
 * under their keys (cli/volume_cache.h); the workers stay independent (no documents cross
 * process boundaries within a run). A
 * combined document is held whole until it is written, so a form with more records than
 * build_options.volume is bound in volumes — OUT/合订本/<form>（第1册）.pdf, （第2册）… of that many
 * records each, by their order in the plan before any filter (so a volume's name and records never
 * depend on --record or --shard): memory stays bounded (500 two-page records: about 30 MB) and a
 * volume stays a size a print room handles (1 000 pages, a ream printed on both sides).
 *
 * Memory: the plan holds only small strings per item (form and organisation names are shared);
 * a source keeps its records out of the plan (cli/pipeline.c parses a DATA file when the workers
 * reach its items), and items are made in plan order, so a source that adds items file by file
 * needs one file in memory per worker.
 *
 * The manifest is the truth about OUT: an entry is kept for every file wenshu made that is still
 * there and that the data still make; what no record or form makes any more is removed with its
 * line (build.c remove_orphans), as are the combined volumes that no longer bind what their
 * records say (volumes.h), and the temporaries (`*.tmp.<pid>`) a killed run left (outscan.h).
 *
 * Words are the caller's: build_run prints nothing but the problems (through d, and the workers'
 * messages); progress and the summary come out as numbers (build_reporter, build_summary). */
#ifndef WENSHU_BUILD_H
#define WENSHU_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "base/diag.h"
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
    uint8_t key[SHA256_LEN]; /* the source's input key: everything that decides the bytes (keys.h) */
    void *data;         /* the source's own handle, e.g. where the record is and which template;
                           for a combined file, that of the form's first record */

    /* Filled by the machinery. */
    const char *relpath; /* path under OUT, e.g. "一支部/评议意见反馈通知书/张三.pdf" */
    size_t index;        /* position in the plan */
    size_t ordinal;      /* a record's position among the records of its form, in plan order */
    size_t first, end;   /* a combined file: the ordinals of its records, [first, end) */
} build_item;

/* A record bound into a combined file, in the order of the file. */
typedef struct {
    const build_item *item;
    const char *title; /* its level-1 bookmark: the item's title, else its name, else its id */
} build_member;

/* What the machinery calls; make runs inside worker processes (fork()ed after the source
 * planned), so it may use anything the source set up. A worker is handed items in plan order, so
 * it may keep state that serves the next items (e.g. the DATA file they come from) but must not
 * rely on it: an item may be retried on a fresh worker, and with -j N each worker sees only some
 * items. make appends the item's PDF to pdf, sets *pages, reports problems through d (whose
 * messages the parent prints in item order) and returns 0, or -1 when the item cannot be made.
 * For a record, members is NULL and nmembers 0; for a combined file (record ""), members lists
 * the records to bind (at least one). */
typedef struct {
    void *ctx;
    int (*make)(void *ctx, const build_item *it, const build_member *members, size_t nmembers, int archive,
                ws_buf *pdf, long *pages, diag *d);
} build_source;

/* Progress of the workers, as numbers (the caller words and draws it). */
typedef struct {
    size_t done, total; /* outputs finished (made or failed) of those this run makes */
    double seconds;     /* since the workers started */
} build_progress;

/* Called in the parent. update after each output finishes, in finishing order (as often as
 * that: throttle in the caller); clear before build_run writes anything to standard error (a
 * problem, a worker's messages) and when the workers are done, so that a progress line drawn on
 * a terminal can be wiped first. Either may be NULL. */
typedef struct {
    void (*update)(const build_progress *p, void *ctx);
    void (*clear)(void *ctx);
    void *ctx;
} build_reporter;

/* What a run did, for the caller's summary line. */
typedef struct {
    size_t built, unchanged, failed; /* outputs made, skipped as unchanged, that failed */
    size_t skipped;  /* records the source skipped for errors (batch_plan_note_skipped) */
    /* what the source said of each record or file it left out (batch_plan_note_not_built), in
     * its order; owned by the plan, valid while it lives */
    char *const *not_built;
    size_t nnot_built;
    double seconds;  /* the whole of build_run */
    char *manifest;  /* the manifest written (or to be written): OUT/manifest.json, or a shard's
                        OUT/manifest.K-of-N.json; free() it */
    int sharded;     /* a shard run: */
    int merged;      /* its part completed the set and the parts were merged into manifest.json */
    size_t orphans;  /* outputs of earlier runs removed: their record or form no longer exists */
} build_summary;

/* Default wall-clock seconds per item on a worker (--time-limit): the largest form, a report
 * over 1 000 members, takes well under a second, so this only stops what never ends. */
#define BUILD_TIME_LIMIT 300

typedef struct {
    const char *out;        /* OUT */
    int jobs;               /* worker processes; 0 runs in this process (tests, debugging) */
    int combined, force, archive, strict;
    int quiet;              /* the caller's (no progress, no summary): build_run itself prints neither */
    int wait;               /* another run holds OUT's lock: wait for it (else refuse, EXIT_USAGE) */
    unsigned time_limit;    /* seconds one item may take on a worker; 0: no limit */
    int keep_orphans;       /* keep outputs whose record or form no longer exists (else removed) */
    size_t volume;          /* records per combined volume; 0: BUILD_VOLUME_DEFAULT */
    unsigned shard_k, shard_n; /* shard K of N (1-based); 0/0: no sharding */
    char **forms;           /* --form filters (form names or aliases); NULL/0: every form */
    size_t nforms;
    char **records;         /* --record filters; NULL/0: every record */
    size_t nrecords;
    const char *style;      /* --style: a style name or file every form uses instead of its own; NULL: each its own */
    const char *version;    /* the program's identity (cli_program_identity), mixed into every key */
    const char *stat_cache; /* the side file of the stat fast path (statcache.h); NULL: every output is hashed */
    const build_reporter *reporter; /* progress; NULL: none */
    /* Called once when the workers are done (not at all when build_run stops before them): src is
     * not used after it, so the caller may free what only the making needed (the records' index,
     * the templates, the fonts) before the manifest is written and a shard merges the parts —
     * which holds every output's entry. NULL: nothing. */
    void (*release)(void *ctx);
    void *release_ctx;
    /* When set, build_run fills it in: seconds spent before the workers start (naming, keys,
     * what is unchanged), with the workers, and after them (the last batch, the manifest); and
     * of the unchanged outputs, how many were trusted by their stat and how many were read and
     * hashed (statcache.h). */
    struct build_timing {
        double prepare, make, finish;
        size_t by_stat, hashed;
    } *timing;
} build_options;

typedef struct build_plan build_plan;

/* The plan (plan.c). */
build_plan *batch_plan_new(void);
void batch_plan_free(build_plan *p);
/* Adds an item (copied; data is kept as is). Items are made and listed in the order added. */
void batch_plan_add(build_plan *p, const build_item *it);
/* The number of records the source skipped because of errors (for the summary). */
void batch_plan_note_skipped(build_plan *p, size_t n);
/* One line for the summary about a record (or a whole input) left out and why, e.g. "M07 王芳
 * (a.xml:12): the record has errors (see above)"; counted as skipped when it is a record. */
void batch_plan_note_not_built(build_plan *p, const char *line, int is_record);
size_t batch_plan_count(const build_plan *p);
const build_item *batch_plan_item(const build_plan *p, size_t i);

/* Runs the build. Returns the exit status (diag.h): 2 usage or I/O (OUT unwritable, unknown
 * --form/--record), 1 when any item failed, a record was skipped (source errors counted in d),
 * or — with strict — anything warned; 0 otherwise. Problems go through d. summary (may be NULL)
 * is filled in when the run got past its checks of the options (manifest set); it is zeroed otherwise. */
int build_run(build_plan *p, const build_source *src, const build_options *o, diag *d, build_summary *summary);

#endif
