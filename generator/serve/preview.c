/* preview — see preview.h. */
#include "serve/preview.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/fonts.h"
#include "pdf/pdfout.h"
#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "typeset/style.h"
#include "base/i18n.h"

typedef struct {
    style *st;
    fonts_set *fs;
} preview_style;

struct preview {
    char *schema, *datadir;
    char **files;
    size_t nfiles;
    records_index *ix;
    xmlDocPtr *docs;     /* per file, unqualified; NULL where unreadable */
    template **forms;
    size_t nforms;
    preview_style *styles;
    size_t nstyles;
};

preview *preview_new(const char *schema, const char *datadir, char *const *data, size_t ndata)
{
    preview *p = ws_xcalloc(1, sizeof *p);
    p->schema = ws_xstrdup(schema);
    p->datadir = ws_xstrdup(datadir);
    p->files = ws_xcalloc(ndata ? ndata : 1, sizeof *p->files);
    for (size_t i = 0; i < ndata; i++) p->files[i] = ws_xstrdup(data[i]);
    p->nfiles = ndata;
    return p;
}

static void free_records(preview *p)
{
    if (p->docs)
        for (size_t i = 0; i < p->nfiles; i++)
            if (p->docs[i]) xmlFreeDoc(p->docs[i]);
    free(p->docs);
    p->docs = NULL;
    records_index_free(p->ix);
    p->ix = NULL;
}

void preview_forget_styles(preview *p)
{
    for (size_t i = 0; i < p->nstyles; i++) {
        fonts_free(p->styles[i].fs);
        style_free(p->styles[i].st);
    }
    free(p->styles);
    p->styles = NULL;
    p->nstyles = 0;
}

void preview_free(preview *p)
{
    if (!p) return;
    free_records(p);
    for (size_t k = 0; k < p->nforms; k++) template_free(p->forms[k]);
    free(p->forms);
    preview_forget_styles(p);
    for (size_t i = 0; i < p->nfiles; i++) free(p->files[i]);
    free(p->files);
    free(p->schema);
    free(p->datadir);
    free(p);
}

int preview_load_records(preview *p, diag *d)
{
    records_index *ix = records_index_build(p->schema, p->files, p->nfiles, 1, d);
    if (!ix) return -1;
    xmlDocPtr *docs = ws_xcalloc(p->nfiles ? p->nfiles : 1, sizeof *docs);
    /* The index build reported each file's problems; reading a file again is quiet. */
    diag *quiet = diag_new(NULL);
    for (size_t i = 0; i < p->nfiles; i++) {
        docs[i] = records_parse_file(p->files[i], quiet);
        if (docs[i]) records_unqualify(docs[i]);
    }
    diag_free(quiet);
    free_records(p);
    p->ix = ix;
    p->docs = docs;
    for (size_t k = 0; k < p->nforms; k++) template_set_index(p->forms[k], ix);
    return 0;
}

/* The loaded style named name (a style name or a path), loading it and its fonts when new. */
static preview_style *find_style(preview *p, const char *name, diag *d)
{
    for (size_t i = 0; i < p->nstyles; i++)
        if (!strcmp(p->styles[i].st->name, name) || !strcmp(p->styles[i].st->path, name)) return &p->styles[i];
    style *st = style_load(name, p->datadir, d);
    if (!st) return NULL;
    fonts_set *fs = fonts_new();
    if (style_apply_fonts(st, fs, d) < 0) {
        fonts_free(fs);
        style_free(st);
        return NULL;
    }
    p->styles = ws_xrealloc(p->styles, (p->nstyles + 1) * sizeof *p->styles);
    p->styles[p->nstyles] = (preview_style){st, fs};
    return &p->styles[p->nstyles++];
}

int preview_load_template(preview *p, const char *path, diag *d)
{
    template *t = template_load(path, p->ix, d);
    if (!t) return -1;
    if (!find_style(p, template_style(t), d)) {
        template_free(t);
        return -1;
    }
    for (size_t k = 0; k < p->nforms; k++)
        if (!strcmp(template_path(p->forms[k]), path)) {
            template_free(p->forms[k]);
            p->forms[k] = t;
            return (int)k;
        }
    p->forms = ws_xrealloc(p->forms, (p->nforms + 1) * sizeof *p->forms);
    p->forms[p->nforms] = t;
    return (int)p->nforms++;
}

size_t preview_nforms(const preview *p) { return p->nforms; }
template *preview_form(const preview *p, size_t k) { return k < p->nforms ? p->forms[k] : NULL; }
const records_index *preview_index(const preview *p) { return p->ix; }
size_t preview_nfiles(const preview *p) { return p->nfiles; }
const char *preview_file(const preview *p, size_t i) { return i < p->nfiles ? p->files[i] : NULL; }
xmlDocPtr preview_doc(const preview *p, size_t i) { return p->docs && i < p->nfiles ? p->docs[i] : NULL; }

const char *preview_form_title(const preview *p, size_t k)
{
    const char *title = template_title(p->forms[k]);
    return title && *title ? title : template_name(p->forms[k]);
}

const char *preview_style_path(preview *p, size_t k, diag *d)
{
    preview_style *ps = k < p->nforms ? find_style(p, template_style(p->forms[k]), d) : NULL;
    return ps ? ps->st->path : NULL;
}

/* Appends word to the comma-separated keyword list kw unless it is one of them already (a form
 * named 整改方案 whose template lists 整改方案 among its keywords says it once). */
static void keyword_add(ws_buf *kw, const char *word)
{
    if (!word || !*word) return;
    size_t wl = strlen(word);
    const char *p = kw->data ? kw->data : "";
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && p[len - 1] == ' ') len--;
        if (len == wl && !memcmp(p, word, wl)) return;
        p = e ? e : p + strlen(p);
    }
    if (kw->len) ws_buf_puts(kw, ", ");
    ws_buf_puts(kw, word);
}

void preview_doc_meta(template *t, const char *form, const char *record, xmlNodePtr rec, dlist_doc *doc, diag *d)
{
    template_pdfmeta meta = {0};
    if (template_pdf_meta(t, rec, &meta, d) == 0) {
        dlist_meta_set(&doc->meta.title, meta.title);
        if (meta.subject && *meta.subject) dlist_meta_set(&doc->meta.subject, meta.subject);
        /* keywords also name the form and the record, so an archive can be searched by them */
        ws_buf kw = {0};
        if (meta.keywords && *meta.keywords) ws_buf_puts(&kw, meta.keywords);
        keyword_add(&kw, form);
        keyword_add(&kw, record);
        dlist_meta_set(&doc->meta.keywords, kw.data);
        ws_buf_free(&kw);
        /* the creation date comes from the data; without one, pdfout falls back to
         * SOURCE_DATE_EPOCH, and without that writes none — never the clock */
        if (meta.date && strlen(meta.date) >= 10 && meta.date[4] == '-' && meta.date[7] == '-') {
            char iso[40];
            snprintf(iso, sizeof iso, "%.10sT00:00:00+08:00", meta.date);
            dlist_meta_set(&doc->meta.date, iso);
        }
        if (meta.author && *meta.author) dlist_meta_set(&doc->meta.author, meta.author);
    }
    template_pdfmeta_free(&meta);
    if (!doc->meta.creator) dlist_meta_set(&doc->meta.creator, "wenshu");
}

int preview_render(preview *p, size_t k, const char *id, ws_buf *pdf, char **chosen, diag *d)
{
    if (chosen) *chosen = NULL;
    if (k >= p->nforms) return -1;
    template *t = p->forms[k];
    if (!p->ix) {
        diag_report(d, DIAG_ERROR, (diag_loc){0}, _("the records files have not been read yet"));
        return -1;
    }
    preview_style *ps = find_style(p, template_style(t), d);
    if (!ps) return -1;
    xmlNodePtr rec = NULL;
    char *rid = NULL;
    const char *file = NULL;
    for (size_t i = 0; i < p->nfiles && !rec; i++) {
        if (!p->docs[i]) continue;
        xmlNodePtr *recs = NULL;
        size_t n = 0;
        if (template_select(t, p->docs[i], &recs, &n, d)) continue;
        for (size_t r = 0; r < n && !rec; r++) {
            char *this_id = template_record_id(recs[r]);
            if (!id || !strcmp(id, this_id)) {
                rec = recs[r];
                rid = this_id;
                file = p->files[i];
            } else {
                free(this_id);
            }
        }
        free(recs);
    }
    if (!rec) {
        if (id)
            diag_report(d, DIAG_ERROR, (diag_loc){template_path(t), 0, 0, NULL},
                        _("no record '%s' among those the form selects (records: %s)"), id, template_records(t));
        else
            diag_report(d, DIAG_ERROR, (diag_loc){template_path(t), 0, 0, NULL},
                        _("the records files hold no record the form selects (records: %s)"), template_records(t));
        return -1;
    }
    if (chosen) *chosen = ws_xstrdup(rid);
    int rc = -1;
    if (records_is_bad(p->ix, rid)) {
        diag_report(d, DIAG_ERROR, (diag_loc){file, rec->line, 0, rid}, _("not made: the record has errors (see above)"));
        free(rid);
        return -1;
    }
    ws_buf md = {0};
    dlist_doc *doc = NULL;
    layout *L = NULL;
    if (template_merge(t, rec, &md, d)) goto out;
    L = typeset_layout_new(ps->st, ps->fs, d, template_path(t));
    if (layout_markdown(L, md.data ? md.data : "", md.len) < 0) goto out;
    doc = layout_finish(L);
    preview_doc_meta(t, preview_form_title(p, k), rid, rec, doc, d);
    size_t nfirst;
    fonts_cpset **first = preview_fixed_faces(t, ps->st, ps->fs, &nfirst);
    pdfout_options opt = {0, NULL, first, nfirst};
    rc = pdfout_render(doc, ps->fs, &opt, pdf, d);
    pdfout_faces_free(first, nfirst);
out:
    dlist_doc_free(doc);
    layout_free(L);
    ws_buf_free(&md);
    free(rid);
    return rc;
}

fonts_cpset **preview_fixed_faces(template *t, style *st, fonts_set *fs, size_t *n)
{
    *n = 0;
    ws_buf md = {0};
    template_fixed_text(t, &md);
    diag *quiet = diag_new(NULL); /* a record's own layout reports what is wrong with the form */
    layout *L = typeset_layout_new(st, fs, quiet, template_path(t));
    fonts_cpset **sets = NULL;
    if (layout_markdown(L, md.data ? md.data : "", md.len) == 0) {
        dlist_doc *doc = layout_finish(L);
        if (doc && doc->npages) sets = pdfout_faces_drawn(doc, fs, n);
        dlist_doc_free(doc);
    }
    layout_free(L);
    diag_free(quiet);
    ws_buf_free(&md);
    return sets;
}
