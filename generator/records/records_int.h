/* records_int — internals shared by the records loader (records.c, records_load.c,
 * records_read.c) and the campaign rules (records_rules.c). Not a contract for other modules: use
 * records.h. */
#ifndef WENSHU_RECORDS_RULES_H
#define WENSHU_RECORDS_RULES_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "base/diag.h"
#include "records/records.h"
#include "base/util.h"

/* Largest records file accepted; offices split records per unit, so real files are far smaller. */
#define RECORDS_MAX_FILE (64u << 20)
/* Longest stretch without '<' or '>' (a text node or attribute value); the schema allows 20 000
 * characters per text, so anything this long is an attack or a mistake. */
#define RECORDS_MAX_RUN (1u << 20)
/* Most nodes (elements, attributes, comments, processing instructions) in one records file. The
 * DOM costs about 150 bytes per node whatever the bytes that wrote it, so 64 MiB of <x/> would
 * take 2.3 GB; this cap holds a file's DOM near 200 MiB. A real member is about 30 nodes, so it
 * allows some 30 000 members in one file (offices split records per unit). */
#define RECORDS_MAX_NODES 1000000u
/* What a file read costs in memory, estimated before it is parsed so as never to be less than
 * what it takes: 200 bytes per node the pre-scan counts (elements and attributes; measured 135
 * bytes per element, 192 per element with an attribute) and 8 per byte of the file (the source
 * kept for positions, the text nodes the pre-scan does not count and the strings the DOM copies:
 * measured up to 7, for a million short texts in 64 MiB). A file at both caps is estimated at
 * 705 MiB; the costliest measured took 525 MiB. */
#define RECORDS_NODE_BYTES 200u
#define RECORDS_COST(bytes, nodes) ((size_t)(nodes) * RECORDS_NODE_BYTES + 8 * (size_t)(bytes))
/* The most that the files a records_reader holds at once may cost together — read ahead by its
 * threads, or handed to the caller and not yet freed (records_read.c). A thread whose next file
 * would go over it waits (a file that alone costs more is read alone), so the memory of a pass
 * no longer grows with -j. */
#define RECORDS_MAX_ALIVE_BYTES ((size_t)512 << 20)

/* One input file held in memory while it is checked: its bytes (for columns) and its DOM. */
typedef struct {
    const char *path;
    ws_buf buf;
    size_t *line_start; /* byte offset of each line's first byte; line N is line_start[N-1] */
    size_t nlines;
    size_t nodes;       /* the pre-scan's count of the nodes the DOM holds */
    xmlDocPtr doc;
} records_src;

/* Where node (or its attribute attr, when not NULL) starts in the source text, with the id of the
 * record (campaign/unit/organisation/member) that contains it. Unknown parts stay 0/NULL. */
diag_loc records_locate(const records_src *src, xmlNodePtr node, const char *attr);
/* The id of the record element containing node, or NULL. */
const char *records_record_id(xmlNodePtr node);

/* Makes libxml2 safe for our calls and routes its messages to d: a deny-all external entity
 * loader (only allowed_path, the schema, may be loaded) and a structured error handler that
 * reports in our format, locating nodes in src. records_safety_end restores the previous global
 * handlers. Records with errors are passed to bad. */
typedef void (*records_rules_mark_bad)(void *ud, const char *id);
typedef struct {
    diag *d;
    const records_src *src; /* the file being parsed or validated; may change between calls */
    records_rules_mark_bad bad;
    void *ud;
    long errors; /* errors reported through the handler */
    /* When set, records_load calls it between the pre-scan and the parse with the file's node
     * count, and parses only when it returns non-zero (records_read.c: the budget of DOMs
     * alive at once waits there). */
    int (*admit)(void *ctx, size_t nodes);
    void *admit_ctx;
    void *saved_loader, *saved_serror, *saved_sctx;
} records_safety;
void records_safety_begin(records_safety *s, diag *d, const char *allowed_path);
void records_safety_end(records_safety *s);
void records_xml_error(void *ctx, xmlErrorPtr e); /* the handler; ctx is a records_safety */

typedef enum { LOAD_OK, LOAD_DATA_ERROR, LOAD_IO_ERROR } records_load_status;

/* Reads, pre-scans (size, UTF-8, control characters, DOCTYPE/ENTITY) and parses path safely.
 * On LOAD_OK src->doc is set; every failure has been reported through d. */
records_load_status records_load(const char *path, records_src *src, records_safety *s);
void records_src_free(records_src *src);

/* records_reader (records.h) that also validates each file against schema, filling in defaults,
 * before unqualifying it; records_reader_next gives the whole source (its DOM in src->doc on
 * LOAD_OK), and passes the records found bad while reading to bad(ud, id). */
records_reader *records_reader_open_validating(char *const *paths, size_t n, unsigned threads, xmlSchemaPtr schema,
                                               diag *d);
records_load_status records_reader_next(records_reader *r, records_src *src, diag *d, records_rules_mark_bad bad, void *ud);
void records_reader_recycle(records_reader *r, records_src *src); /* frees src (on the thread); zeroes it */

/* The facts of the campaign the rules compare records with. Dates as yyyymmdd, 0 when unknown. */
enum { PHASE_STUDY, PHASE_REVIEW, PHASE_RECTIFY, PHASE_COUNT }; /* 学习动员, 分析评议, 整改提高 */
typedef struct {
    int have;
    long start[PHASE_COUNT], end[PHASE_COUNT];
    long report_due;
    char batch[32];
    long target_leader, target_member; /* analysis length in Chinese characters */
    double min_hours;
} campaign_facts;

extern const char *const records_phase_names[PHASE_COUNT];

long records_parse_date(const char *s); /* "2005-03-01" (xs:date, optional zone) -> 20050301; 0 if not */
void records_rules_campaign_facts(xmlNodePtr campaign, campaign_facts *cf);


/* The campaign's own rules (phase order, report date). */
void records_rules_check_campaign(const records_src *src, xmlNodePtr campaign, const campaign_facts *cf, diag *d,
                          records_rules_mark_bad bad, void *ud);
/* The per-record rules for every unit/organisation/member under root (an unqualified doc). */
void records_rules_check_records(const records_src *src, xmlNodePtr root, const campaign_facts *cf, diag *d,
                         records_rules_mark_bad bad, void *ud);


#endif
