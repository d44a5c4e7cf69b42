/* preview — one record of one form as PDF bytes, again and again: what `wenshu watch` and
 * `wenshu serve` show while a form or a record is being edited.
 *
 * It keeps what is slow to make and rarely changes — the styles and their fonts (loading and
 * indexing the font files is most of a cold start) — and reloads what the user edits: the
 * records (the index and every DATA file's DOM, re-read together so that they always agree) and
 * the templates. A record is laid out and written exactly as `wenshu build` does it (the same
 * layout, the same PDF metadata), so the preview is the document the build makes.
 *
 * Not thread-safe: a template keeps one XPath context, and libxml2's DOMs are shared. Callers
 * that serve several threads hold one lock around every call. */
#ifndef WENSHU_PREVIEW_H
#define WENSHU_PREVIEW_H

#include <stddef.h>

#include "base/diag.h"
#include "base/util.h"
#include "fonts/cpset.h"
#include "fonts/fonts.h"
#include "records/records.h"
#include "template/template.h"
#include "typeset/dlist.h"
#include "typeset/style.h"

typedef struct preview preview;

/* schema: schemas/campaign.xsd; datadir: where styles are looked up (style_load); data: the DATA
 * files (copied). Nothing is read yet. */
preview *preview_new(const char *schema, const char *datadir, char *const *data, size_t ndata);
void preview_free(preview *p);

/* (Re)reads every DATA file: validates and indexes them, keeps their DOMs. Every problem is
 * reported through d. Returns 0, or -1 when the records cannot be used at all (missing schema,
 * an unreadable file): the previous records are then kept. */
int preview_load_records(preview *p, diag *d);

/* Loads the template at path, replacing a form loaded from the same path; its style (and the
 * style's fonts) is loaded once and kept. Returns the form's number, or -1 after reporting
 * (the form loaded before from that path, if any, is kept). */
int preview_load_template(preview *p, const char *path, diag *d);

/* Forgets every loaded style and its fonts (a style file changed): the next render loads them
 * again. Forms keep their templates. */
void preview_forget_styles(preview *p);

size_t preview_nforms(const preview *p);
template *preview_form(const preview *p, size_t k);
/* The form's name as `wenshu build` shows it: its title, else its id. */
const char *preview_form_title(const preview *p, size_t k);
/* The path of the style file form k uses; NULL when it could not be loaded. */
const char *preview_style_path(preview *p, size_t k, diag *d);

const records_index *preview_index(const preview *p); /* NULL before records are loaded */
size_t preview_nfiles(const preview *p);
const char *preview_file(const preview *p, size_t i);
xmlDocPtr preview_doc(const preview *p, size_t i); /* unqualified; NULL: the file could not be read */

/* Lays out and writes the record `id` of form k (NULL: the form's first record) as PDF bytes,
 * appended to pdf. *chosen (may be NULL; free() it) gets the record's id. Returns 0, or -1 after
 * reporting through d (no such record, a record with errors, a merge or layout error). */
int preview_render(preview *p, size_t k, const char *id, ws_buf *pdf, char **chosen, diag *d);

/* The PDF metadata of one record's document — title, subject, keywords (the template's, then
 * the form and the record, each once), the date from the data (never the clock), author —
 * as `wenshu build` (cli/pipeline.c) and the preview both set it: one function, so that a
 * preview stays byte-identical to the built file. */
void preview_doc_meta(template *t, const char *form, const char *record, xmlNodePtr rec, dlist_doc *doc, diag *d);

/* What the fixed text of form t (template_fixed_text) draws in each face of fs, laid out with st
 * as its documents are: pdfout_options.first for every document of the form, in `wenshu build`
 * as in the preview, so that both make the same bytes. NULL when it draws nothing (or cannot be
 * laid out alone); *n gets its entries; free with pdfout_faces_free(sets, *n). */
fonts_cpset **preview_fixed_faces(template *t, style *st, fonts_set *fs, size_t *n);

#endif
