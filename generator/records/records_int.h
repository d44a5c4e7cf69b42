/* records_int — internals shared by the records loader (records.c, records_load.c,
 * records_read.c) and the campaign rules (records_rules.c). Not a contract for other modules: use
 * records.h. */
#ifndef WENSHU_RECORDS_RULES_H
#define WENSHU_RECORDS_RULES_H

#include <stddef.h>
#include <sys/stat.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "base/diag.h"
#include "records/records.h"
#include "base/util.h"

/* Largest records file accepted whole (records_parse_file: merge, preview, sheets, which need the
 * file as one tree). A pass that reads files in pieces (records_stream) has no size limit for a
 * file, only for each record in it: RECORDS_MAX_RECORD. */
#define RECORDS_MAX_FILE (64u << 20)
/* Largest record (a child of the root: campaign, unit, organisation, member) a piece may hold,
 * in bytes of its source: a piece holds whole records, so this bounds what a piece can cost. */
#define RECORDS_MAX_RECORD (64u << 20)
/* Longest stretch without '<' or '>' (a text node or attribute value); the schema allows 20 000
 * characters per text, so anything this long is an attack or a mistake. */
#define RECORDS_MAX_RUN (1u << 20)
/* Most nodes (elements, attributes, comments, processing instructions) in one record, and in a
 * file read whole. The DOM costs about 150 bytes per node whatever the bytes that wrote it, so
 * 64 MiB of <x/> would take 2.3 GB; this cap holds a record's DOM near 200 MiB. A real member is
 * about 30 nodes. */
#define RECORDS_MAX_NODES 1000000u
/* What one piece of a file holds at most (records_stream.c): this many records, or the records
 * that end within this many bytes of its start (whole records: a piece may go over by one). A
 * member is about 2 KB of source and 20 KB of DOM, so a piece costs some 10 MB; a file this
 * small is one piece, exactly the tree a whole-file parse gives. */
#define RECORDS_PIECE_RECORDS 500u
#define RECORDS_PIECE_BYTES ((size_t)1 << 20)

/* The source text of a piece of a records file (or of a whole file), for the positions of
 * messages, and its DOM. buf holds the text from a little before the piece's first record to
 * where the parser stopped reading, in UTF-8 (a file in another encoding was converted). */
typedef struct {
    const void *node;
    long line;
} records_big_line;
typedef struct {
    const char *path;
    ws_buf buf;
    long first_line;    /* the line buf starts on */
    int partial;        /* buf starts inside that line, so its columns are unknown */
    size_t *line_start; /* offset in buf of line first_line + k; line_start[0] is 0 */
    size_t nlines;
    /* libxml2 keeps a line number in 16 bits (65 535 for any line past it): the lines of the
     * elements whose start tag ends past that, sorted by node (records_node_line). */
    records_big_line *big;
    size_t nbig;
    size_t file;        /* which file of a records_reader */
    size_t piece;       /* which piece of its file, from 0 */
    int last;           /* the file's last piece */
    xmlDocPtr doc;
} records_src;

/* The line of node's start tag's end, as libxml2 numbers lines but exact past 65 535. */
long records_node_line(const records_src *src, xmlNodePtr node);
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
    const records_src *src; /* the piece being parsed or validated; may change between calls */
    records_rules_mark_bad bad;
    void *ud;
    long errors; /* errors reported through the handler */
    /* Errors about the root element's content (libxml2 reports one per element): once a piece
     * of a file reported one, the file's later pieces, which repeat the root, report none. */
    int root_reported;
    /* where the last well-formedness error was: libxml2 reports a cascade of them at one place
     * (a missing quote: "AttValue", "attributes construct error", "Couldn't find end of Start
     * Tag"); only the first says what is wrong */
    long parse_err_line, parse_err_col;
    void *saved_loader, *saved_serror, *saved_sctx;
} records_safety;
void records_safety_begin(records_safety *s, diag *d, const char *allowed_path);
void records_safety_end(records_safety *s);
void records_xml_error(void *ctx, xmlErrorPtr e); /* the handler; ctx is a records_safety */

/* LOAD_END: the file has no more pieces (records_stream_next). */
typedef enum { LOAD_OK, LOAD_DATA_ERROR, LOAD_IO_ERROR, LOAD_END } records_load_status;

void records_src_free(records_src *src);

/* Checks the UTF-8 text on fd from where it stands to its end, before libxml2 sees it, in blocks
 * (its memory does not grow with the file): UTF-8, characters refused (raw or as references),
 * overlong texts, the caps (a record's nodes and bytes; with whole, the file's nodes), emptiness
 * and DOCTYPE/ENTITY declarations. 1 when sound; 0 after reporting a data error through s->d;
 * -1 after reporting a read error. */
int records_prescan(int fd, const char *path, int whole, records_safety *s);

/* Whether a pre-scan with this whole of the file fstat gave sb for passed before, the file
 * unchanged since (records_scanned.c); records_scanned_note records one that passed. */
int records_scanned_known(const struct stat *sb, int whole);
void records_scanned_note(const struct stat *sb, int whole);

/* Reading one records file as a sequence of pieces (records_stream.c). Each piece is a document
 * with the file's root element (its namespaces and attributes) holding a run of the file's
 * records (its children) in order, at most RECORDS_PIECE_RECORDS of them or RECORDS_PIECE_BYTES
 * of source (0 for both: the whole file, one piece, within RECORDS_MAX_FILE and
 * RECORDS_MAX_NODES); a piece never starts with a campaign that is not the file's first record,
 * so the schema sees a misplaced campaign as it would in the whole file. Before any piece, the
 * whole file is checked byte by byte as records_load always did (encoding, characters refused,
 * overlong texts, DOCTYPE and ENTITY, the record caps); a file in another encoding that says so
 * (<?xml … encoding="GBK"?>, a UTF-16 byte-order mark) is converted to UTF-8 first.
 *
 * records_stream_next gives the next piece in *piece (LOAD_OK; piece->last on the last), or
 * LOAD_END after the last, or a failure (reported through s->d) — which may come after pieces
 * were given, when the file turns out not well-formed further on. s->src points at the piece
 * being made while libxml2 reports, and at *piece after. */
typedef struct records_stream records_stream;
/* path must outlive the stream and its pieces (their src->path is it). */
records_stream *records_stream_open(const char *path, size_t max_records, size_t max_bytes);
records_load_status records_stream_next(records_stream *st, records_src *piece, records_safety *s);
void records_stream_close(records_stream *st);

/* The ids of the records in a file that could not be read (not UTF-8, not well-formed …), found
 * in its bytes without parsing them, each passed to fn: what refers to them is a consequence of
 * the file's error, not an error of its own. */
void records_harvest_ids(const char *path, void (*fn)(void *ud, const char *id), void *ud);

/* records_reader (records.h) that also validates each piece against schema, filling in defaults,
 * before unqualifying it. records_reader_next gives the pieces of every file in turn (the source
 * and its DOM in src->doc on LOAD_OK; *file says whose), a file's failure as its status, and
 * LOAD_END after the last file; it passes the records found bad while reading to bad(ud, id). */
records_reader *records_reader_open_validating(char *const *paths, size_t n, unsigned threads, xmlSchemaPtr schema,
                                               diag *d);
records_load_status records_reader_next(records_reader *r, records_src *src, size_t *file, diag *d,
                                        records_rules_mark_bad bad, void *ud);
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
