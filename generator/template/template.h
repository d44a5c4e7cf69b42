/* template — the forms: Markdown with XPath holes, merged with one record at a time.
 *
 * A template file (templates/NAME.md) is a front matter between "---" lines, then Markdown:
 *
 *     ---
 *     name: feedback                      # form id (ASCII), used in file names
 *     title: 民主评议意见反馈表             # the form's Chinese name
 *     records: //member                   # XPath: one document per selected element
 *     output: "{{ $form }}-{{ @id }}"     # file name without extension (default shown)
 *     style: gbt9704                      # style name (default gbt9704)
 *     pdf:
 *       title: "{{ name }}同志民主评议意见"
 *       subject: ...
 *       keywords: ...
 *       author: "{{ $organisation/name }}"
 *       date: "{{ evaluation/@fed-back }}"  # creation date, from the data (never the clock)
 *     ---
 *     {{ name }}同志：
 *     {{#each opinion}}
 *     {{ w:heading-number($position) }}{{ . }}
 *     {{/each}}
 *
 * The language (docs/templates.md has the full description, for the people who write forms):
 *   {{ xpath }}            the value's string, escaped for where it lands (mdescape.h): text, table
 *                          cell, line start; unescaped in literal fenced blocks (```signature)
 *   {{{ xpath }}}          the value inserted as Markdown, unescaped
 *   {{#each xpath}} … {{else}} … {{/each}}   once per selected node, which becomes the context;
 *                          $position (from 1) and $count; position() and last() work too;
 *                          the {{else}} part when nothing is selected
 *   {{#if xpath}} … {{else}} … {{/if}}       XPath boolean()
 *   {{> name}}             templates/partials/name.md, indented like the tag
 *   {{! comment }}
 * A line holding only block tags (#each, /each, #if, else, /if, partial, comment) and whitespace
 * disappears entirely. Variables: $record, $organisation (the record's organisation: itself, or
 * its @org), $unit (that organisation's @unit, or the record's), $campaign, $form (the name),
 * $members (the summaries of the members in the organisation or unit and below it, from every
 * input file: records_members — so only a template that reads it needs them: template_reads_variable).
 * Functions: w: (xpathfn.h) and EXSLT str:, math:, set:, date:.
 *
 * Records must come from documents passed through records_unqualify (plain //member). A template
 * keeps one XPath context: merge one record at a time (fork()ed workers are fine, threads are not).
 *
 * Everything that can be checked without data is checked when the template loads — syntax,
 * blocks, XPath syntax, unknown functions, prefixes and variables, argument counts (by a dry run
 * of every expression) — and reported as file:line:col with the expression. Columns count
 * characters, not bytes. Expressions are compiled once, at load. */
#ifndef WENSHU_TEMPLATE_H
#define WENSHU_TEMPLATE_H

#include <stddef.h>

#include <libxml/tree.h>

#include "base/diag.h"
#include "records/records.h"
#include "base/util.h"

typedef struct template template;

#define TEMPLATE_MAX_OUTPUT (16u << 20) /* bytes of Markdown per document */
#define TEMPLATE_MAX_ITEMS 100000       /* iterations of one {{#each}} */

/* Loads and compiles a template file; partials come from the partials/ folder next to it.
 * ix (may be NULL) resolves $campaign, $organisation and $unit; without it they are looked up
 * in the record's own document. Returns NULL after reporting every problem through d. */
template *template_load(const char *path, const records_index *ix, diag *d);
/* Gives a template loaded without an index the one its documents are merged with. */
void template_set_index(template *t, const records_index *ix);

/* The same from memory: `path` names the text in messages; partials_dir may be NULL (no partials). */
template *template_load_string(const char *path, const char *text, size_t len, const char *partials_dir,
                               const records_index *ix, diag *d);

void template_free(template *t);

/* Appends the Markdown the template prints for every record: its literal text outside blocks
 * ({{#each}}, {{#if}}) and that of the partials it includes there, with the values left out.
 * Laid out, it shows which glyphs every document of the form draws (pdfout.h's "first"). */
void template_fixed_text(const template *t, ws_buf *out);

/* Front matter. */
const char *template_path(const template *t);
const char *template_name(const template *t);    /* e.g. "feedback" */
const char *template_title(const template *t);   /* e.g. "民主评议意见反馈表" */
const char *template_records(const template *t); /* the records XPath as written */
/* public: true — a form posted or handed to the public, which may not print private text (the
 * loader refuses one that would; the private elements are listed in template_privacy.c). */
int template_is_public(const template *t);
const char *template_style(const template *t);   /* e.g. "gbt9704" */

/* The records of this template in doc (records: is evaluated with the document node as context,
 * so both //member and /wenshu/member work), in document order: *nodes (free() it) gets *n elements.
 * Returns 0, or -1 after reporting (e.g. the XPath selected something other than elements). */
int template_select(template *t, xmlDocPtr doc, xmlNodePtr **nodes, size_t *n, diag *d);

/* Appends the merged Markdown for one record to out. Returns 0, or -1 after reporting the problem
 * (naming the record and the template position); out then holds a partial document to discard. */
int template_merge(template *t, xmlNodePtr record, ws_buf *out, diag *d);

/* Like template_merge, and also records where each output line came from: lines[i] (free() the
 * array) is the line of template_path that produced output line i+1; lines made by a partial map
 * to the line of its {{> name}} tag, lines made by a multi-line value to the value's tag. */
int template_merge_lines(template *t, xmlNodePtr record, ws_buf *out, long **lines, size_t *nlines, diag *d);

/* The output file name for a record (no folder, no extension): the pattern's values are inserted
 * as plain text, then characters unsafe in file names (/ \ : * ? " < > | and controls) become "_"
 * and a leading "." is dropped. The name is not cut here: its length is the output path's
 * business (batch/outpath.h caps every path component, in bytes, in one place). */
int template_output_name(template *t, xmlNodePtr record, ws_buf *out, diag *d);

/* PDF metadata for a record, as plain text (whitespace runs become one space); fields the front
 * matter does not set are empty strings, except title, which defaults to the form's title. */
typedef struct {
    char *title, *subject, *keywords, *author;
    char *date; /* the document's date from the data (pdf: date:), YYYY-MM-DD; empty when unset */
} template_pdfmeta;
int template_pdf_meta(template *t, xmlNodePtr record, template_pdfmeta *meta, diag *d);
void template_pdfmeta_free(template_pdfmeta *meta);

/* Whether any expression of the template (records:, output:, pdf:, the body, and every partial it
 * includes) reads the variable $name. Literal text and comments do not count. */
int template_reads_variable(const template *t, const char *name);

/* The id used to name a record in messages: its @id, else its XPath location. Free with free(). */
char *template_record_id(xmlNodePtr record);

#endif
