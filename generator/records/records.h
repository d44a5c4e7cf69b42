/* records — loading campaign records safely, and the index that resolves references across files.
 *
 * Inputs are XML files in the campaign namespace (schemas/campaign.xsd). A run holds a piece of
 * one input file at a time (a run of its records, records_reader), plus a small index of the
 * shared context (the campaign, units and organisations — never members) that every file refers
 * to, so its memory follows the largest record, not the largest file.
 *
 * Loading refuses what could hurt: DOCTYPE/entities (XXE, billion laughs, quadratic blowup),
 * network access, invalid UTF-8, excessive depth or size. */
#ifndef WENSHU_RECORDS_H
#define WENSHU_RECORDS_H

#include <stddef.h>

#include <libxml/tree.h>

#include "base/diag.h"

#define WENSHU_NS "urn:wenshu:campaign:1"

/* Parses one file safely (no validation), whole: for the commands that need a file as one tree
 * (merge, preview, sheets). Files over 64 MiB or a million nodes are refused. NULL after
 * reporting through d. */
xmlDocPtr records_parse_file(const char *path, diag *d);

/* Reads paths[0..n) in order, ahead of the caller on `threads` helper threads (at least one; each
 * at most a piece ahead — records_read.c), each file as a sequence of PIECES: a piece is a
 * document with the file's root element holding a run of its records (children of the root),
 * in order, at most 500 records or about 1 MiB of the file — so a pass holds a piece at a time,
 * never a large file. A file of fewer records is one piece: exactly what records_parse_file
 * gives. An absolute path (/wenshu/unit) in a piece sees the records of that piece.
 *
 * records_reader_next_piece gives the next piece, already unqualified, and reports the file's
 * problems through d then, as if it had read the file itself: p->doc is the piece, p->file the
 * index of its file in paths, p->piece its position in the file (from 0), p->last set on a
 * file's last piece. A file that cannot be read (or turns out not well-formed after some pieces)
 * gives p->doc NULL with p->last set. Returns 0 at the end. d is also where libxml2 reports to in
 * this thread meanwhile. Close before fork(). */
typedef struct records_reader records_reader;
typedef struct {
    xmlDocPtr doc;
    size_t file, piece;
    int last;
} records_piece;
records_reader *records_reader_open(char *const *paths, size_t n, unsigned threads, diag *d);
int records_reader_next_piece(records_reader *r, records_piece *p, diag *d);
void records_reader_done_piece(records_reader *r, records_piece *p); /* frees p->doc (on the thread) */
void records_reader_close(records_reader *r);

/* A single-threaded walk through the pieces of one file, as records_reader cuts them (the same
 * pieces, in the same order), for a build's workers, which go back to a record's piece by its
 * position. records_file_piece gives piece number `piece` of path, parsed and unqualified (not
 * validated), reading on from the piece it gave last when it can, from the file's start when it
 * must; NULL after reporting through d (the file can no longer be read, or has fewer pieces).
 * The piece stays valid until the next call or records_file_close. */
typedef struct records_file records_file;
records_file *records_file_open(void);
xmlDocPtr records_file_piece(records_file *f, const char *path, size_t piece, diag *d);
void records_file_close(records_file *f);

/* After validation, moves every element of doc out of the campaign namespace, so that template
 * authors write //member rather than //c:member. Attributes are untouched. */
void records_unqualify(xmlDocPtr doc);

/* The element after n in document order, within the tree of elements under n's root: children
 * first, then siblings, then the siblings of ancestors; NULL at the end. Only elements are
 * descended into (text, comments and entity nodes have no children that matter here). Walks
 * without recursion, so that a deeply nested hostile file cannot exhaust the stack. */
xmlNodePtr records_next_element(xmlNodePtr n);

typedef struct records_index records_index;

/* Pass over all inputs: parse each (safely), validate against the XSD `schema` (the path of
 * schemas/campaign.xsd: the caller knows where wenshu's data lives), collect ids and the
 * shared context, then check the campaign rules that span files (unique ids, references). Files
 * are read and validated ahead on `threads` helper threads (as records_reader_open). Every
 * problem is reported through d; the index is still returned (NULL only for usage/I-O failures
 * such as a missing schema) so that callers can go on with the records that are sound. */
records_index *records_index_build(const char *schema, char *const *paths, size_t n, unsigned threads, diag *d);

/* records_index_build in two steps, so that the caller can work while the first files are read:
 * begin starts the reading threads (NULL after reporting, e.g. a missing schema); finish takes
 * the files in order, reports, and returns the index (NULL when begin failed). With members 0
 * no member summaries are kept — 10 000 members' are several MB that every worker would carry,
 * and building them is a tenth of the pass — and records_members must not be called. libxml2
 * reports to d in this thread from begin to finish. */
typedef struct records_index_pass records_index_pass;
records_index_pass *records_index_begin(const char *schema, char *const *paths, size_t n, unsigned threads,
                                        diag *d);
records_index *records_index_finish(records_index_pass *p, int members, diag *d);
void records_index_free(records_index *ix);

/* The shared context, unqualified (see records_unqualify). Nodes live as long as the index. */
xmlNodePtr records_campaign(const records_index *ix);
xmlNodePtr records_lookup(const records_index *ix, const char *id); /* unit or organisation; NULL */

/* Summaries of the members taking part in the organisation `id` or any organisation below it,
 * or, for a unit id, in any organisation of that unit — in input order. A summary is the member
 * element with its attributes and its name and situation children; its opinions (each opinion),
 * study, analysis, evaluation and rectification children carry their attributes only. This is what an
 * organisation's forms may say about its members, whatever file the members came from.
 * *out (free() it) gets the nodes; they stay valid until records_members is asked for a different
 * id (one record's merge asks for one id) or the index is freed. Returns the count. */
size_t records_members(const records_index *ix, const char *id, xmlNodePtr **out);

/* The organisations of the tree below the organisation or unit with this id, as index nodes in
 * input order: for an organisation, itself and every organisation whose @parent chain reaches
 * it (of any unit: a branch of another unit placed under it counts); for a unit, its
 * organisations and all below them. *out is malloc()ed (free() it); returns the count. */
size_t records_organisations(const records_index *ix, const char *id, xmlNodePtr **out);

/* Whether the record with this id (member or organisation) had errors and must be skipped. */
int records_is_bad(const records_index *ix, const char *id);

/* Why the record with this id, at this line of input `file` (its index among the paths given to
 * the index pass), is not built — RECORDS_SKIP_NONE when it is. A record repeating an id defined
 * earlier is skipped (RECORDS_SKIP_DUPLICATE) while the first, when sound, is kept. */
enum { RECORDS_SKIP_NONE, RECORDS_SKIP_ERRORS, RECORDS_SKIP_DUPLICATE, RECORDS_SKIP_CONSEQUENCE };
int records_skip_reason(const records_index *ix, const char *id, size_t file, long line);
const char *records_skip_reason_text(int reason); /* in the messages' language */
/* The inputs that could not be read or parsed (their records are unknown), at most max. */
size_t records_unread(const records_index *ix, const char **paths, size_t max);
/* The text of a record's <name> child, "" when it has none. free() it. */
char *records_name_of(xmlNodePtr rec);

/* Where a record of a file (unqualified) sits in the organisation tree, as the index holds it.
 * These are the only walks of the tree outside this module; a caller keeps no idea of @org,
 * @unit or @parent of its own.
 *
 * records_organisation_of: the organisation the record belongs to. A record with @org (a member)
 * belongs to that organisation: returns the index's node (NULL when no organisation or unit has
 * that id); *name gets its <name>, else the @org value itself. Any other record (an organisation,
 * a unit) is its own: returns rec, and *name gets rec's <name>, else "". free() *name. */
xmlNodePtr records_organisation_of(const records_index *ix, xmlNodePtr rec, char **name);
/* The index's node of the unit named by node's @unit (node: a record, or a node of the index);
 * NULL when node has none or no unit or organisation has that id. */
xmlNodePtr records_unit_of(const records_index *ix, xmlNodePtr node);
/* The index's node of the organisation above org (named by its @parent); NULL for a top
 * organisation, or when @parent names nothing or no organisation (an error `check` reports). */
xmlNodePtr records_parent_of(const records_index *ix, xmlNodePtr org);
/* The index's own copy of an organisation or unit record of a file (by its @id); NULL otherwise. */
xmlNodePtr records_indexed(const records_index *ix, xmlNodePtr rec);
/* The organisations and units whose records_members count the member (a member element with
 * @org): its organisation, those above it through @parent, and the unit of each — as index nodes,
 * each once, nearest first, at most max (2 per level, 64 levels; a cycle ends the walk). Returns
 * the count. */
#define RECORDS_MAX_OWNERS (2 * 64)
size_t records_member_owners(const records_index *ix, xmlNodePtr member, xmlNodePtr *owners, size_t max);

/* The vocabulary of the records schema (records_vocab.c): the names of its elements and
 * attributes and their Chinese labels. Loaded once per process from schema_path (later calls do
 * nothing); records_index_begin loads it, and a caller that checks templates before reading
 * records loads it first. 0, or -1 when the schema cannot be read (reported by the index pass). */
int records_vocab_load(const char *schema_path);
int records_vocab_loaded(void);
/* Whether the schema declares an element (attribute 0) or attribute (1) of this name anywhere. */
int records_vocab_has(const char *name, int attribute);
/* The declared element or attribute name nearest to a misspelt one (edit distance), or NULL. */
const char *records_vocab_nearest(const char *name, int attribute);

/* Counts of what an index build saw, for the summary of `wenshu check`. */
typedef struct {
    size_t files, io_failures, data_failures;
    size_t campaigns, units, organisations, members;
} records_stats;
void records_index_stats(const records_index *ix, records_stats *out);

#endif
