/* build_source — see build_source.h.
 *
 * Every DATA file stays parsed in memory for the whole run: the workers are fork()ed from this
 * process and lay out records straight from these trees. A province-sized run is split with
 * --shard (and by unit into several DATA files) rather than streamed. */
#include "build_source.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "commands.h"
#include "fonts.h"
#include "layout.h"
#include "manifest.h"
#include "pdfout.h"
#include "records.h"
#include "style.h"
#include "template.h"

typedef struct {
    template *t;
    int style;               /* index into styles */
    uint8_t key[SHA256_LEN]; /* template, partials, style, fonts, shared context */
} form;

typedef struct {
    style *st;
    fontset *fs;
} loaded_style;

typedef struct {
    size_t form;
    xmlNodePtr rec;
} item_data;

typedef struct {
    records_index *ix;
    form *forms;
    size_t nforms;
    loaded_style *styles;
    size_t nstyles;
    xmlDocPtr *docs;
    size_t ndocs;
    item_data *items;        /* one per plan item, owned here */
    size_t nitems;
} source_ctx;

/* Digests of serialised nodes, by node: a member's record is selected by several forms, and an
 * organisation's document by all of its records, but each is serialised and hashed once. */
typedef struct {
    const void **keys;
    uint8_t (*digests)[SHA256_LEN];
    size_t cap, n;
} digest_cache;

static void hash_node(sha256_state *s, xmlNodePtr node);

static const uint8_t *cached_digest(digest_cache *c, xmlNodePtr node)
{
    if ((c->n + 1) * 2 > c->cap) {
        digest_cache old = *c;
        c->cap = old.cap ? old.cap * 2 : 1024;
        c->keys = xcalloc(c->cap, sizeof *c->keys);
        c->digests = xcalloc(c->cap, sizeof *c->digests);
        c->n = 0;
        for (size_t i = 0; i < old.cap; i++) {
            if (!old.keys[i]) continue;
            size_t j = ((uintptr_t)old.keys[i] >> 4) & (c->cap - 1);
            while (c->keys[j]) j = (j + 1) & (c->cap - 1);
            c->keys[j] = old.keys[i];
            memcpy(c->digests[j], old.digests[i], SHA256_LEN);
            c->n++;
        }
        free(old.keys);
        free(old.digests);
    }
    size_t j = ((uintptr_t)node >> 4) & (c->cap - 1);
    while (c->keys[j] && c->keys[j] != node) j = (j + 1) & (c->cap - 1);
    if (!c->keys[j]) {
        sha256_state s;
        sha256_begin(&s);
        hash_node(&s, node);
        sha256_end(&s, c->digests[j]);
        c->keys[j] = node;
        c->n++;
    }
    return c->digests[j];
}

static void add_node_digest(sha256_state *s, digest_cache *c, xmlNodePtr node)
{
    if (node) sha256_add(s, cached_digest(c, node), SHA256_LEN);
    else sha256_add_str(s, "(none)");
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir ending with suffix, sorted; *n gets the count. */
static char **list_dir(const char *dir, const char *suffix, size_t *n)
{
    *n = 0;
    DIR *dp = opendir(dir);
    if (!dp) return NULL;
    char **names = NULL;
    size_t cap = 0, sl = strlen(suffix);
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= sl || strcmp(de->d_name + len - sl, suffix)) continue;
        if (*n == cap) names = xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
        names[(*n)++] = xstrdup(de->d_name);
    }
    closedir(dp);
    if (*n) qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

static void hash_node(sha256_state *s, xmlNodePtr node)
{
    if (!node) {
        sha256_add_str(s, "(none)");
        return;
    }
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, node->doc, node, 0, 0);
    sha256_add(s, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
    sha256_add_str(s, "");
    xmlBufferFree(buf);
}

static char *child_text(xmlNodePtr node, const char *name)
{
    for (xmlNodePtr c = node ? node->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) {
            xmlChar *v = xmlNodeGetContent(c);
            char *s = xstrdup(v ? (const char *)v : "");
            xmlFree(v);
            return s;
        }
    return NULL;
}

/* The organisation a record belongs to (its @org), or the record itself for organisations and
 * units. Its node, for the key, and its name, for the folder. */
static xmlNodePtr organisation_of(const records_index *ix, xmlNodePtr rec, char **name)
{
    xmlChar *org = xmlGetProp(rec, (const xmlChar *)"org");
    xmlNodePtr node = NULL;
    if (org) {
        node = records_lookup(ix, (const char *)org);
        *name = node ? child_text(node, "name") : NULL;
        if (!*name) *name = xstrdup((const char *)org);
        xmlFree(org);
        return node;
    }
    *name = child_text(rec, "name");
    if (!*name) *name = xstrdup("");
    return rec;
}

static int find_style(source_ctx *c, const char *name, diag *d)
{
    for (size_t i = 0; i < c->nstyles; i++)
        if (!strcmp(c->styles[i].st->name, name) || !strcmp(c->styles[i].st->path, name)) return (int)i;
    style *st = style_load(name, wenshu_datadir(), d);
    if (!st) return -1;
    fontset *fs = fontset_new();
    if (style_apply_fonts(st, fs, d) < 0) {
        fontset_free(fs);
        style_free(st);
        return -1;
    }
    c->styles = xrealloc(c->styles, (c->nstyles + 1) * sizeof *c->styles);
    c->styles[c->nstyles] = (loaded_style){st, fs};
    return (int)c->nstyles++;
}

/* What decides the bytes of every document of a form, apart from its record. */
static void form_key(source_ctx *c, form *f, const char *partials_dir, char **partials, size_t npartials)
{
    sha256_state s;
    sha256_begin(&s);
    build_key_file_bytes(&s, template_path(f->t));
    for (size_t i = 0; i < npartials; i++) {
        wbuf p = {0};
        wbuf_printf(&p, "%s/%s", partials_dir, partials[i]);
        build_key_file_bytes(&s, p.data);
        wbuf_free(&p);
    }
    loaded_style *ls = &c->styles[f->style];
    build_key_file_bytes(&s, ls->st->path);
    for (size_t i = 0; i < fontset_nfaces(ls->fs); i++) {
        const face_info *fi = fontset_face(ls->fs, (int)i);
        build_key_file_identity(&s, fi->file);
        char idx[32];
        snprintf(idx, sizeof idx, "%d", fi->index);
        sha256_add_str(&s, idx);
    }
    hash_node(&s, records_campaign(c->ix));
    sha256_end(&s, f->key);
}

static int layout_item(void *ctx, const build_item *it, dl_doc **out, diag *d)
{
    source_ctx *c = ctx;
    const item_data *id = it->data;
    form *f = &c->forms[id->form];
    loaded_style *ls = &c->styles[f->style];
    wbuf md = {0};
    if (template_merge(f->t, id->rec, &md, d)) {
        wbuf_free(&md);
        return -1;
    }
    layout *L = layout_new(ls->st, ls->fs, d, template_path(f->t));
    if (layout_markdown(L, md.data ? md.data : "", md.len) < 0) {
        layout_free(L);
        wbuf_free(&md);
        return -1;
    }
    dl_doc *doc = layout_finish(L);
    layout_free(L);
    wbuf_free(&md);
    template_pdfmeta meta = {0};
    if (template_pdf_meta(f->t, id->rec, &meta, d) == 0) {
        dl_meta_set(&doc->meta.title, meta.title);
        if (meta.subject && *meta.subject) dl_meta_set(&doc->meta.subject, meta.subject);
        if (meta.keywords && *meta.keywords) dl_meta_set(&doc->meta.keywords, meta.keywords);
        if (meta.author && *meta.author) dl_meta_set(&doc->meta.author, meta.author);
    }
    template_pdfmeta_free(&meta);
    if (!doc->meta.creator) dl_meta_set(&doc->meta.creator, "wenshu");
    *out = doc;
    return 0;
}

static int render_item(void *ctx, const build_item *it, const dl_doc *doc, int archive, wbuf *pdf, diag *d)
{
    source_ctx *c = ctx;
    const item_data *id = it->data;
    loaded_style *ls = &c->styles[c->forms[id->form].style];
    pdf_options opt = {archive, NULL};
    return pdf_render(doc, ls->fs, &opt, pdf, d);
}

static void close_ctx(source_ctx *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->nforms; i++) template_free(c->forms[i].t);
    free(c->forms);
    for (size_t i = 0; i < c->nstyles; i++) {
        fontset_free(c->styles[i].fs);
        style_free(c->styles[i].st);
    }
    free(c->styles);
    for (size_t i = 0; i < c->ndocs; i++) xmlFreeDoc(c->docs[i]);
    free(c->docs);
    free(c->items);
    records_index_free(c->ix);
    free(c);
}

int build_source_open(char *const *data, size_t ndata, const build_options *o, build_plan *plan, build_source *src,
                      diag *d)
{
    (void)o;
    *src = (build_source){0};
    source_ctx *c = xcalloc(1, sizeof *c);
    int status = EXIT_USAGE;
    char **names = NULL, **partials = NULL;
    size_t nnames = 0, npartials = 0;
    wbuf dir = {0}, pdir = {0};

    c->ix = records_index_build(data, ndata, d);
    if (!c->ix) goto fail;

    wbuf_printf(&dir, "%s/templates", wenshu_datadir());
    wbuf_printf(&pdir, "%s/partials", dir.data);
    names = list_dir(dir.data, ".md", &nnames);
    partials = list_dir(pdir.data, "", &npartials);
    if (!nnames) {
        diag_report(d, DIAG_ERROR, (diag_loc){dir.data, 0, 0, NULL},
                    "no form templates (*.md) here; set WENSHU_DATADIR to wenshu's data folder");
        goto fail;
    }
    c->forms = xcalloc(nnames, sizeof *c->forms);
    for (size_t i = 0; i < nnames; i++) {
        wbuf path = {0};
        wbuf_printf(&path, "%s/%s", dir.data, names[i]);
        template *t = template_load(path.data, c->ix, d);
        wbuf_free(&path);
        if (!t) goto fail;
        form *f = &c->forms[c->nforms++];
        f->t = t;
        f->style = find_style(c, template_style(t), d);
        if (f->style < 0) goto fail;
        form_key(c, f, pdir.data, partials, npartials);
    }

    /* The records: every DATA file, each form's selection, in file and document order. */
    c->docs = xcalloc(ndata ? ndata : 1, sizeof *c->docs);
    manifest bad = {0}; /* ids of records skipped for errors, as a set */
    size_t cap = 0;
    diag *again = diag_new(NULL); /* records_index_build reported these files' problems already */
    for (size_t fi = 0; fi < ndata; fi++) {
        xmlDocPtr doc = records_parse_file(data[fi], again);
        if (!doc) continue;
        records_unqualify(doc);
        c->docs[c->ndocs++] = doc;
        for (size_t k = 0; k < c->nforms; k++) {
            xmlNodePtr *recs = NULL;
            size_t n = 0;
            if (template_select(c->forms[k].t, doc, &recs, &n, d)) continue;
            for (size_t r = 0; r < n; r++) {
                char *id = template_record_id(recs[r]);
                if (records_is_bad(c->ix, id)) {
                    manifest_entry e = {id, NULL, NULL, 0, 0, {0}, {0}};
                    manifest_add(&bad, &e);
                    free(id);
                    continue;
                }
                if (c->nitems == cap) c->items = xrealloc(c->items, (cap = cap ? cap * 2 : 64) * sizeof *c->items);
                c->items[c->nitems++] = (item_data){k, recs[r]};
                free(id);
            }
            free(recs);
        }
    }
    diag_free(again);
    manifest_sort(&bad);
    build_plan_note_skipped(plan, bad.n);
    manifest_free(&bad);

    /* Items point into c->items, which no longer moves. */
    digest_cache dc = {0};
    for (size_t i = 0; i < c->nitems; i++) {
        item_data *idp = &c->items[i];
        form *f = &c->forms[idp->form];
        char *id = template_record_id(idp->rec);
        char *org = NULL;
        xmlNodePtr orgnode = organisation_of(c->ix, idp->rec, &org);
        wbuf name = {0};
        if (template_output_name(f->t, idp->rec, &name, d)) name.len = 0;
        build_item it = {.form = template_title(f->t) && *template_title(f->t) ? template_title(f->t) : template_name(f->t),
                         .form_alias = template_name(f->t),
                         .record = id,
                         .org = org,
                         .name = name.data ? name.data : "",
                         .data = idp};
        sha256_state s;
        sha256_begin(&s);
        sha256_add(&s, f->key, SHA256_LEN);
        if (orgnode != idp->rec) {
            /* A member's documents draw on the record, its organisation and that one's unit. */
            add_node_digest(&s, &dc, idp->rec);
            add_node_digest(&s, &dc, orgnode);
            xmlChar *unit = orgnode ? xmlGetProp(orgnode, (const xmlChar *)"unit") : NULL;
            add_node_digest(&s, &dc, unit ? records_lookup(c->ix, (const char *)unit) : NULL);
            xmlFree(unit);
        } else {
            /* An organisation's or unit's documents may sum up everything in their file. */
            add_node_digest(&s, &dc, xmlDocGetRootElement(idp->rec->doc));
        }
        sha256_end(&s, it.key);
        build_plan_add(plan, &it);
        wbuf_free(&name);
        free(org);
        free(id);
    }

    free(dc.keys);
    free(dc.digests);
    *src = (build_source){c, layout_item, render_item};
    free_names(names, nnames);
    free_names(partials, npartials);
    wbuf_free(&dir);
    wbuf_free(&pdir);
    return 0;

fail:
    free_names(names, nnames);
    free_names(partials, npartials);
    wbuf_free(&dir);
    wbuf_free(&pdir);
    close_ctx(c);
    return status;
}

void build_source_close(build_source *src)
{
    close_ctx(src->ctx);
    *src = (build_source){0};
}
