/* pipeline — see pipeline.h.
 *
 * Memory follows one piece of a DATA file (a run of at most 500 of its records, records.h), not
 * the file nor the run. Planning parses each file once, piece by piece, notes for every document
 * only small strings and where its record is (file, piece, form, position in the form's selection
 * in that piece), computes names and keys, and frees each piece before reading the next. The
 * workers then read the files again: the plan lists items file by file and piece by piece, so a
 * worker keeps the piece of the item in hand parsed and reads on to the next piece when the items
 * do — one piece per worker at a time, each file parsed about once per worker (plus once per
 * combined file). */
#include "cli/pipeline.h"

#include <dirent.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "base/i18n.h"
#include "batch/keys.h"
#include "batch/manifest.h"
#include "batch/outpath.h"
#include "batch/plan.h"
#include "cli/commands.h"
#include "cli/pipeline_volume.h"
#include "fonts/fonts.h"
#include "pdf/pdfout.h"
#include "records/records.h"
#include "serve/preview.h"
#include "template/template.h"
#include "typeset/blocks.h"
#include "typeset/layout.h"
#include "typeset/style.h"
#include "base/i18n.h"

typedef struct {
    template *t;
    int style;               /* index into styles */
    int uses_members;        /* the template or a partial it includes reads $members */
    int uses_organisations;  /* ... or $organisations (the tree below the record, from the index) */
    uint8_t key[SHA256_LEN]; /* template, partials, style, fonts, shared context */
    fonts_cpset **first;     /* what its fixed text draws per face (pdfout_options.first); made on first use */
    size_t nfirst;           /* its entries: the faces the set had then */
    int first_done;
} form;

typedef struct {
    style *st;
    fonts_set *fs;
} loaded_style;

/* Where an item's record is: the form's selection in a piece of a DATA file, by position. */
typedef struct {
    uint32_t form, file, piece, ordinal;
} item_data;

/* Item data lives in blocks that never move, since plan items point at it. */
#define ITEM_BLOCK 4096

typedef struct {
    records_index *ix;
    form *forms;
    size_t nforms;
    loaded_style *styles;
    size_t nstyles;
    char **files;
    size_t nfiles;
    item_data **blocks;
    size_t nitems;
    /* The piece of a DATA file whose records are being laid out (in a worker; the parent never
     * lays out unless it runs without workers). */
    records_file *rf;    /* the walk through the file's pieces; owns doc */
    size_t loaded;       /* index into files; SIZE_MAX when none */
    size_t loaded_piece;
    xmlDocPtr doc;       /* NULL when the piece could not be read again */
    xmlNodePtr **sel;    /* per form: its records in doc; valid where sel_done */
    size_t *nsel;
    unsigned char *sel_done;
    char *out;           /* OUT and the program's identity, for the layout cache of volumes */
    char *identity;
} source_ctx;

/* A map from pointers (DOM nodes) to small numbers. */
typedef struct {
    const void **keys;
    size_t *vals;
    size_t cap, n;
} ptr_map;

/* The value slot of key; *fresh says whether it was just added (the caller sets the value). */
static size_t *ptr_map_slot(ptr_map *m, const void *key, int *fresh)
{
    if ((m->n + 1) * 2 > m->cap) {
        ptr_map old = *m;
        m->cap = old.cap ? old.cap * 2 : 256;
        m->keys = ws_xcalloc(m->cap, sizeof *m->keys);
        m->vals = ws_xcalloc(m->cap, sizeof *m->vals);
        for (size_t i = 0; i < old.cap; i++) {
            if (!old.keys[i]) continue;
            size_t j = ((uintptr_t)old.keys[i] >> 4) & (m->cap - 1);
            while (m->keys[j]) j = (j + 1) & (m->cap - 1);
            m->keys[j] = old.keys[i];
            m->vals[j] = old.vals[i];
        }
        free(old.keys);
        free(old.vals);
    }
    size_t j = ((uintptr_t)key >> 4) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
    *fresh = !m->keys[j];
    if (*fresh) {
        m->keys[j] = key;
        m->n++;
    }
    return &m->vals[j];
}

static size_t *ptr_map_find(const ptr_map *m, const void *key)
{
    if (!m->cap) return NULL;
    size_t j = ((uintptr_t)key >> 4) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
    return m->keys[j] ? &m->vals[j] : NULL;
}

static void ptr_map_free(ptr_map *m)
{
    free(m->keys);
    free(m->vals);
    *m = (ptr_map){0};
}

/* Digests of serialised nodes, by node: a member's record is selected by several forms, and an
 * organisation's file by all of its records, but each is serialised and hashed once. */
typedef struct {
    ptr_map at;                     /* node -> index into digests */
    uint8_t (*digests)[SHA256_LEN];
    size_t cap;
} digest_cache;

static void hash_node(sha256_state *s, xmlNodePtr node);

static void digest_cache_free(digest_cache *c)
{
    ptr_map_free(&c->at);
    free(c->digests);
    *c = (digest_cache){0};
}

/* The node's digest; valid until the next call (the digests may move as the cache grows). */
static const uint8_t *cached_digest(digest_cache *c, xmlNodePtr node)
{
    int fresh;
    size_t *at = ptr_map_slot(&c->at, node, &fresh);
    if (fresh) {
        if (c->at.n > c->cap) c->digests = ws_xrealloc(c->digests, (c->cap = c->cap ? c->cap * 2 : 1024) * sizeof *c->digests);
        *at = c->at.n - 1;
        sha256_state s;
        sha256_begin(&s);
        hash_node(&s, node);
        sha256_end(&s, c->digests[*at]);
    }
    return c->digests[*at];
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
        if (*n == cap) names = ws_xrealloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
        names[(*n)++] = ws_xstrdup(de->d_name);
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

/* A string of the node bytes below, ended by a NUL (which XML text cannot hold). */
static void put_z(ws_buf *b, const xmlChar *str)
{
    ws_buf_put(b, str ? (const char *)str : "", (str ? strlen((const char *)str) : 0) + 1);
}

/* The bytes a node's digest covers: everything in it a document could read — each node's kind,
 * name, namespace (prefix and URI) and text, each attribute and namespace declaration, in
 * document order. Every node starts with its kind ('A' + type, 'B'..'V'), strings end with a NUL,
 * attributes and declarations with their own markers ('a', 'n') and an element with '/' after its
 * children, so two different trees never give the same bytes. It replaced serialising the node
 * as XML (xmlNodeDump), which escaped and formatted the same content at 0.08 M instructions a
 * member in planning (bench/PROFILE.md, seventh round); the digests, hence the keys, changed
 * with it, as they do with every new program anyway (cli_program_identity is in every key). */
static void node_bytes(ws_buf *b, xmlNodePtr n)
{
    ws_buf_putc(b, (char)('A' + (int)n->type));
    put_z(b, n->name);
    if (n->type != XML_ELEMENT_NODE) {
        /* text, CDATA, comments, processing instructions; an entity reference by its name (its
         * children are the entity's declaration, not this node's content) */
        if (n->type != XML_ENTITY_REF_NODE) put_z(b, n->content);
        return;
    }
    put_z(b, n->ns ? n->ns->prefix : NULL);
    put_z(b, n->ns ? n->ns->href : NULL);
    for (xmlNsPtr d = n->nsDef; d; d = d->next) {
        ws_buf_putc(b, 'n');
        put_z(b, d->prefix);
        put_z(b, d->href);
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        ws_buf_putc(b, 'a');
        put_z(b, a->name);
        put_z(b, a->ns ? a->ns->href : NULL);
        for (xmlNodePtr c = a->children; c; c = c->next) node_bytes(b, c);
        ws_buf_putc(b, '/');
    }
    for (xmlNodePtr c = n->children; c; c = c->next) node_bytes(b, c);
    ws_buf_putc(b, '/');
}

static void hash_node(sha256_state *s, xmlNodePtr node)
{
    if (!node) {
        sha256_add_str(s, "(none)");
        return;
    }
    ws_buf b = {0};
    node_bytes(&b, node);
    sha256_add(s, b.data, b.len);
    sha256_add_str(s, "");
    ws_buf_free(&b);
}

static int find_style(source_ctx *c, const char *name, diag *d)
{
    for (size_t i = 0; i < c->nstyles; i++)
        if (!strcmp(c->styles[i].st->name, name) || !strcmp(c->styles[i].st->path, name)) return (int)i;
    style *st = style_load(name, cli_datadir(), d);
    if (!st) return -1;
    fonts_set *fs = fonts_new();
    if (style_apply_fonts(st, fs, d) < 0) {
        fonts_free(fs);
        style_free(st);
        return -1;
    }
    c->styles = ws_xrealloc(c->styles, (c->nstyles + 1) * sizeof *c->styles);
    c->styles[c->nstyles] = (loaded_style){st, fs};
    return (int)c->nstyles++;
}

/* What decides the bytes of every document of a form, apart from its record. */
static void form_key(source_ctx *c, form *f, const char *partials_dir, char **partials, size_t npartials)
{
    sha256_state s;
    sha256_begin(&s);
    batch_key_file_bytes(&s, template_path(f->t));
    for (size_t i = 0; i < npartials; i++) {
        ws_buf p = {0};
        ws_buf_printf(&p, "%s/%s", partials_dir, partials[i]);
        batch_key_file_bytes(&s, p.data);
        ws_buf_free(&p);
    }
    loaded_style *ls = &c->styles[f->style];
    batch_key_file_bytes(&s, ls->st->path);
    for (size_t i = 0; i < fonts_nfaces(ls->fs); i++) {
        const face_info *fi = fonts_face(ls->fs, (int)i);
        batch_key_file_identity(&s, fi->file);
        char idx[32];
        snprintf(idx, sizeof idx, "%d", fi->index);
        sha256_add_str(&s, idx);
    }
    hash_node(&s, records_campaign(c->ix));
    sha256_end(&s, f->key);
}

static item_data *item_at(source_ctx *c, size_t i)
{
    return &c->blocks[i / ITEM_BLOCK][i % ITEM_BLOCK];
}

static item_data *item_new(source_ctx *c)
{
    if (c->nitems % ITEM_BLOCK == 0) {
        c->blocks = ws_xrealloc(c->blocks, (c->nitems / ITEM_BLOCK + 1) * sizeof *c->blocks);
        c->blocks[c->nitems / ITEM_BLOCK] = ws_xmalloc(ITEM_BLOCK * sizeof(item_data));
    }
    return item_at(c, c->nitems++);
}

/* ---- laying out (in the workers) ---- */

static void unload(source_ctx *c)
{
    if (c->sel)
        for (size_t k = 0; k < c->nforms; k++) {
            free(c->sel[k]);
            c->sel[k] = NULL;
        }
    if (c->sel_done) memset(c->sel_done, 0, c->nforms);
    c->doc = NULL; /* c->rf's */
    c->loaded = SIZE_MAX;
}

/* The record of an item: its piece of its file is read (again) when the worker reaches it, and
 * kept while the items of that piece follow. */
static xmlNodePtr record_of(source_ctx *c, const build_item *it, diag *d)
{
    const item_data *id = it->data;
    const char *path = c->files[id->file];
    if (c->loaded != id->file || c->loaded_piece != id->piece) {
        unload(c);
        c->loaded = id->file;
        c->loaded_piece = id->piece;
        if (!c->rf) c->rf = records_file_open();
        c->doc = records_file_piece(c->rf, path, id->piece, d);
        if (!c->doc) return NULL; /* reported */
    }
    if (!c->doc) {
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, it->record}, _("cannot read the record's file again"));
        return NULL;
    }
    if (!c->sel_done[id->form]) {
        c->sel[id->form] = NULL;
        c->nsel[id->form] = 0;
        if (template_select(c->forms[id->form].t, c->doc, &c->sel[id->form], &c->nsel[id->form], d)) return NULL;
        c->sel_done[id->form] = 1;
    }
    xmlNodePtr rec = id->ordinal < c->nsel[id->form] ? c->sel[id->form][id->ordinal] : NULL;
    char *rid = rec ? template_record_id(rec) : NULL;
    int same = rid && !strcmp(rid, it->record);
    free(rid);
    if (!same) {
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, it->record},
                    _("the file changed while the build was running; run the build again"));
        return NULL;
    }
    return rec;
}

static int layout_item(void *ctx, const build_item *it, dlist_doc **out, diag *d)
{
    source_ctx *c = ctx;
    const item_data *id = it->data;
    form *f = &c->forms[id->form];
    loaded_style *ls = &c->styles[f->style];
    xmlNodePtr rec = record_of(c, it, d);
    if (!rec) return -1;
    ws_buf md = {0};
    if (template_merge(f->t, rec, &md, d)) {
        ws_buf_free(&md);
        return -1;
    }
    layout *L = typeset_layout_new(ls->st, ls->fs, d, template_path(f->t));
    if (layout_markdown(L, md.data ? md.data : "", md.len) < 0) {
        layout_free(L);
        ws_buf_free(&md);
        return -1;
    }
    dlist_doc *doc = layout_finish(L);
    layout_free(L);
    ws_buf_free(&md);
    preview_doc_meta(f->t, it->form, it->record, rec, doc, d);
    *out = doc;
    return 0;
}

/* build_source.make: lays the record out (or, for a combined file, each of its records, bound by
 * pipeline_volume.h) and writes the PDF with the fonts of the form's style. */
static int make_item(void *ctx, const build_item *it, const build_member *members, size_t nmembers, int archive,
                     ws_buf *pdf, long *pages, diag *d)
{
    source_ctx *c = ctx;
    const item_data *id = it->data;
    loaded_style *ls = &c->styles[c->forms[id->form].style];
    dlist_doc *doc = NULL;
    int rc;
    if (it->record[0]) {
        rc = layout_item(c, it, &doc, d);
    } else {
        volume_cache *cache = c->out ? volume_cache_open(c->out, it->relpath, c->identity) : NULL;
        rc = pipeline_volume_bind(it, members, nmembers, layout_item, c, cache, &doc, d);
        volume_cache_close(cache, rc == 0);
    }
    if (rc || !doc) {
        dlist_doc_free(doc);
        return -1;
    }
    /* a volume's thousand pages: their contents at a quicker level (pdfout.h); a record's document
     * puts its form's fixed glyphs first, deflated once per worker (pdfout_options.first) */
    form *f = &c->forms[id->form];
    int volume = !it->record[0];
    if (!volume && !f->first_done) { /* in the worker: the parent never writes documents */
        f->first = preview_fixed_faces(f->t, ls->st, ls->fs, &f->nfirst);
        f->first_done = 1;
    }
    pdfout_options opt = {archive, NULL, volume ? NULL : f->first, volume ? 0 : f->nfirst};
    rc = pdfout_render_level(doc, ls->fs, &opt, volume ? PIPELINE_VOLUME_CONTENT_LEVEL : 0, pdf, d);
    *pages = (long)doc->npages;
    dlist_doc_free(doc);
    return rc;
}

static void close_ctx(source_ctx *c)
{
    if (!c) return;
    unload(c);
    records_file_close(c->rf);
    free(c->sel);
    free(c->nsel);
    free(c->sel_done);
    free(c->out);
    free(c->identity);
    for (size_t i = 0; i < c->nforms; i++) {
        template_free(c->forms[i].t);
        if (c->forms[i].first) pdfout_faces_free(c->forms[i].first, c->forms[i].nfirst);
    }
    free(c->forms);
    for (size_t i = 0; i < c->nstyles; i++) {
        fonts_free(c->styles[i].fs);
        style_free(c->styles[i].st);
    }
    free(c->styles);
    free_names(c->files, c->nfiles);
    for (size_t b = 0; b * ITEM_BLOCK < c->nitems; b++) free(c->blocks[b]);
    free(c->blocks);
    records_index_free(c->ix);
    free(c);
}

/* ---- planning (in the parent) ---- */

/* An item waiting for the end of planning: the key of a form that reads $members covers members
 * that may come in later files. */
typedef struct {
    build_item it;       /* its strings are owned here */
    sha256_state *open;  /* the key so far, still to take the members' digest; NULL: it.key is done */
    xmlNodePtr owner;    /* whose members (an index node); NULL: none */
} pending_item;

/* What planning keeps while it walks the files. */
typedef struct {
    source_ctx *c;
    build_plan *plan;      /* where items go, in order, once their keys are complete */
    const build_options *o; /* its --shard and --combined: whose keys are worth computing */
    manifest bad;          /* records skipped, as a set keyed by file, line and id (path); record:
                              the summary's line about it */
    digest_cache index;    /* nodes of the index: organisations, units */
    digest_cache file;     /* nodes of the file being planned; emptied with each file */
    int have_root;
    uint8_t root[SHA256_LEN]; /* the piece's whole content (the file's, when it is one piece), for
                               * organisation and unit records */
    /* $members, by owner (an organisation or unit of the index): the members met so far */
    ptr_map owner_of;      /* owner node -> index into owners */
    sha256_state *owners;
    size_t nowners;
    pending_item *pending;
    size_t npending, cappending;
} planner;

static void feed_owner(planner *pl, xmlNodePtr owner, const uint8_t digest[SHA256_LEN])
{
    int fresh;
    size_t *v = ptr_map_slot(&pl->owner_of, owner, &fresh);
    if (fresh) {
        pl->owners = ws_xrealloc(pl->owners, (pl->nowners + 1) * sizeof *pl->owners);
        sha256_begin(&pl->owners[pl->nowners]);
        sha256_add_str(&pl->owners[pl->nowners], "members");
        *v = pl->nowners++;
    }
    sha256_add(&pl->owners[*v], digest, SHA256_LEN);
}

/* Notes a member for the $members of every organisation and unit it counts in, as
 * records_member_owners says. Members are met in input order, as the index lists them. The digest
 * covers the whole member, more than the index's summary: a change to a member's other parts then
 * remakes its organisations' documents too, which is safe. */
static void note_member(planner *pl, xmlNodePtr member)
{
    const uint8_t *digest = cached_digest(&pl->file, member);
    xmlNodePtr owners[RECORDS_MAX_OWNERS];
    size_t n = records_member_owners(pl->c->ix, member, owners, RECORDS_MAX_OWNERS);
    for (size_t k = 0; k < n; k++) feed_owner(pl, owners[k], digest);
}

/* The input key of one record's document in one form, or the key so far when the form reads
 * $members (*open then holds it, and *owner says whose members complete it). */
static void record_key(planner *pl, const form *f, xmlNodePtr rec, xmlNodePtr orgnode, uint8_t key[SHA256_LEN],
                       sha256_state **open, xmlNodePtr *owner_out)
{
    source_ctx *c = pl->c;
    sha256_state s;
    sha256_begin(&s);
    sha256_add(&s, f->key, SHA256_LEN);
    xmlNodePtr owner; /* whose members $members gives, as the index holds it */
    if (orgnode != rec) {
        /* A member's documents draw on the record, its organisation and that one's unit. */
        add_node_digest(&s, &pl->file, rec);
        add_node_digest(&s, &pl->index, orgnode);
        add_node_digest(&s, &pl->index, records_unit_of(c->ix, orgnode));
        owner = orgnode;
    } else {
        /* An organisation's or unit's documents may sum up everything in their piece of their
         * file (what an absolute path reads), and draw on their unit. */
        if (!pl->have_root) {
            sha256_state r;
            sha256_begin(&r);
            hash_node(&r, xmlDocGetRootElement(rec->doc));
            sha256_end(&r, pl->root);
            pl->have_root = 1;
        }
        sha256_add(&s, pl->root, SHA256_LEN);
        add_node_digest(&s, &pl->index, records_unit_of(c->ix, rec));
        owner = records_indexed(c->ix, rec);
        if (f->uses_organisations) {
            /* ... and on the organisations below them, which may live in other files */
            char *id = template_record_id(rec);
            xmlNodePtr *below = NULL;
            size_t n = records_organisations(c->ix, id, &below);
            for (size_t i = 0; i < n; i++) add_node_digest(&s, &pl->index, below[i]);
            free(below);
            free(id);
        }
    }
    *open = NULL;
    *owner_out = NULL;
    if (f->uses_members) {
        /* ... and on the members of their organisation, which may live in other files: known
         * once every file is read. */
        *open = ws_xmalloc(sizeof **open);
        **open = s;
        *owner_out = owner;
        return;
    }
    sha256_end(&s, key);
}

/* The form's name as items and the --form filter know it: its title, else its id. */
static const char *form_title(const form *f)
{
    const char *title = template_title(f->t);
    return title && *title ? title : template_name(f->t);
}

/* Whether a shard run leaves the form's record id to another shard, and binds it into no
 * combined file of its own (plan.h: the combined file goes to the shard of its form). */
static int others_record(const planner *pl, const form *f, const char *id)
{
    const build_options *o = pl->o;
    if (!o || !o->shard_n || o->shard_k < 1 || o->shard_k > o->shard_n) return 0;
    const char *title = form_title(f);
    if (plan_shard_of(title, id, o->shard_n) == o->shard_k - 1) return 0;
    return !o->combined || plan_shard_of(title, "", o->shard_n) != o->shard_k - 1;
}

/* Notes the items of one form's records in one piece of a file. */
static void plan_form(planner *pl, size_t fi, size_t piece, size_t k, xmlDocPtr doc, diag *d)
{
    source_ctx *c = pl->c;
    form *f = &c->forms[k];
    xmlNodePtr *recs = NULL;
    size_t n = 0;
    if (template_select(f->t, doc, &recs, &n, d)) return;
    for (size_t r = 0; r < n; r++) {
        char *id = template_record_id(recs[r]);
        long line = xmlGetLineNo(recs[r]);
        int why = records_skip_reason(c->ix, id, fi, line);
        if (why != RECORDS_SKIP_NONE) {
            /* keyed so that the set sorts in input order, and a repeated id counts per record */
            char key[400];
            snprintf(key, sizeof key, "%08zu:%010ld:%s", fi, line, id);
            char *name = records_name_of(recs[r]);
            ws_buf text = {0};
            const char *file = c->files && c->files[fi] ? c->files[fi] : "?";
            if (*name)
                ws_buf_printf(&text, _("%s %s (%s:%ld): %s"), id, name, file, line, records_skip_reason_text(why));
            else
                ws_buf_printf(&text, _("%s (%s:%ld): %s"), id, file, line, records_skip_reason_text(why));
            manifest_entry e = {key, NULL, text.data, 0, 0, {0}, {0}, 0};
            manifest_add(&pl->bad, &e);
            ws_buf_free(&text);
            free(name);
            free(id);
            continue;
        }
        char *org = NULL;
        xmlNodePtr orgnode = records_organisation_of(c->ix, recs[r], &org);
        ws_buf name = {0};
        if (template_output_name(f->t, recs[r], &name, d)) name.len = 0;
        item_data *idp = item_new(c);
        *idp = (item_data){(uint32_t)k, (uint32_t)fi, (uint32_t)piece, (uint32_t)r};
        pending_item p;
        p.it = (build_item){.form = form_title(f),
                            .form_alias = template_name(f->t),
                            .record = id,
                            .org = org,
                            .name = name.data ? ws_buf_steal(&name) : ws_xstrdup(""),
                            .data = idp};
        /* Another shard's record is planned for its name alone (names are resolved over every
         * record of a folder) and dropped after naming (plan_keep_shard): its key, most of a
         * record's planning, is computed only when this shard's combined file binds it. */
        if (others_record(pl, f, id)) {
            memset(p.it.key, 0, sizeof p.it.key);
            p.open = NULL;
            p.owner = NULL;
        } else {
            record_key(pl, f, recs[r], orgnode, p.it.key, &p.open, &p.owner);
        }
        ws_buf_free(&name);
        /* An item whose key is complete, with none waiting before it, goes to the plan at once
         * (in order all the same): a form that does not read $members then holds no pending
         * items at all — for 100 000 records they were ~35 MB until the end of planning. */
        if (!p.open && pl->npending == 0) {
            batch_plan_add(pl->plan, &p.it);
            free((char *)p.it.record);
            free((char *)p.it.org);
            free((char *)p.it.name);
            continue;
        }
        if (pl->npending == pl->cappending)
            pl->pending = ws_xrealloc(pl->pending, (pl->cappending = pl->cappending ? pl->cappending * 2 : 256) *
                                                    sizeof *pl->pending);
        pl->pending[pl->npending++] = p;
    }
    free(recs);
}

/* Completes the keys that wait for $members and hands every item to the plan, in order. */
static void flush_pending(planner *pl, build_plan *plan)
{
    uint8_t (*digests)[SHA256_LEN] = ws_xcalloc(pl->nowners ? pl->nowners : 1, sizeof *digests);
    for (size_t i = 0; i < pl->nowners; i++) sha256_end(&pl->owners[i], digests[i]);
    uint8_t none[SHA256_LEN]; /* an owner no member counts in */
    sha256_state e;
    sha256_begin(&e);
    sha256_add_str(&e, "members");
    sha256_end(&e, none);
    for (size_t i = 0; i < pl->npending; i++) {
        pending_item *p = &pl->pending[i];
        if (p->open) {
            const size_t *v = p->owner ? ptr_map_find(&pl->owner_of, p->owner) : NULL;
            if (p->owner) sha256_add(p->open, v ? digests[*v] : none, SHA256_LEN);
            else sha256_add_str(p->open, "(no members)");
            sha256_end(p->open, p->it.key);
            free(p->open);
        }
        batch_plan_add(plan, &p->it);
        free((char *)p->it.record);
        free((char *)p->it.org);
        free((char *)p->it.name);
    }
    free(digests);
    free(pl->pending);
    free(pl->owners);
    ptr_map_free(&pl->owner_of);
}

/* Whether name (a --form value) names the form: its title or its id. */
static int form_named(const form *f, const char *name)
{
    return !strcmp(name, form_title(f)) || !strcmp(name, template_name(f->t));
}

/* Whether --form selects the form; every form without --form. */
static int form_wanted(const form *f, const build_options *o)
{
    if (!o->nforms) return 1;
    for (size_t i = 0; i < o->nforms; i++)
        if (form_named(f, o->forms[i])) return 1;
    return 0;
}

/* Which forms to plan: those --form selects, and any other whose documents would share a folder
 * with theirs (output names are made unique per folder, so those must be planned together for a
 * name never to depend on --form). Planning is most of what precedes the workers, and the plan
 * is memory every worker carries: a run of one form plans one form. An unknown --form is
 * reported here, with the forms there are. */
static int plan_which(const source_ctx *c, const build_options *o, unsigned char *planned, diag *d)
{
    int bad = 0;
    for (size_t i = 0; i < o->nforms; i++) {
        int known = 0;
        for (size_t k = 0; k < c->nforms && !known; k++) known = form_named(&c->forms[k], o->forms[i]);
        if (known) continue;
        ws_buf list = {0};
        for (size_t k = 0; k < c->nforms; k++)
            ws_buf_printf(&list, "%s%s（%s）", list.len ? "、" : "", form_title(&c->forms[k]), template_name(c->forms[k].t));
        diag_report(d, DIAG_ERROR, (diag_loc){0}, _("--form %s: no such form (forms: %s)"), o->forms[i],
                    list.len ? list.data : _("none"));
        ws_buf_free(&list);
        bad = 1;
    }
    if (bad) return -1;
    char **folder = ws_xcalloc(c->nforms ? c->nforms : 1, sizeof *folder);
    for (size_t k = 0; k < c->nforms; k++) {
        folder[k] = outpath_component(form_title(&c->forms[k]), "表单");
        planned[k] = (unsigned char)form_wanted(&c->forms[k], o);
    }
    for (size_t k = 0; k < c->nforms; k++)
        for (size_t j = 0; j < c->nforms && !planned[k]; j++)
            if (j != k && form_wanted(&c->forms[j], o) && !strcasecmp(folder[k], folder[j])) planned[k] = 1;
    for (size_t k = 0; k < c->nforms; k++) free(folder[k]);
    free(folder);
    return 0;
}

/* Whether any form this run may make (its --form filters) reads $members. */
static int selected_forms_read_members(const source_ctx *c, const build_options *o)
{
    for (size_t k = 0; k < c->nforms; k++)
        if (c->forms[k].uses_members && form_wanted(&c->forms[k], o)) return 1;
    return 0;
}

/* Loads every form template, without the index (each gets it once it is built: template_set_index),
 * with its style and fonts, and decides which forms to plan (*planned, one flag per form; free()
 * it). Returns 0, or -1 after reporting through d. */
static int load_forms(source_ctx *c, const build_options *o, const char *dir, char **names, size_t nnames,
                      unsigned char **planned, diag *d)
{
    if (!nnames) {
        diag_report(d, DIAG_ERROR, (diag_loc){dir, 0, 0, NULL},
                    _("no form templates (*.md) here; set WENSHU_DATADIR to wenshu's data folder"));
        return -1;
    }
    c->forms = ws_xcalloc(nnames, sizeof *c->forms);
    for (size_t i = 0; i < nnames; i++) {
        ws_buf path = {0};
        ws_buf_printf(&path, "%s/%s", dir, names[i]);
        records_vocab_load(cli_schema_path()); /* template fields are checked against the schema */
        template *t = template_load(path.data, NULL, d);
        ws_buf_free(&path);
        if (!t) return -1;
        form *f = &c->forms[c->nforms++];
        f->t = t;
        f->style = find_style(c, o->style ? o->style : template_style(t), d);
        if (f->style < 0) return -1;
        f->uses_members = template_reads_variable(t, "members");
        f->uses_organisations = template_reads_variable(t, "organisations");
        /* Two templates making the same form would write the same folder twice (…-M07-2.pdf),
         * and --form could not tell them apart: both files are named. */
        for (size_t j = 0; j + 1 < c->nforms; j++) {
            const form *g = &c->forms[j];
            const char *same = !strcmp(form_title(f), form_title(g))           ? form_title(f)
                               : !strcmp(template_name(t), template_name(g->t)) ? template_name(t)
                                                                                : NULL;
            if (!same) continue;
            diag_report(d, DIAG_ERROR, (diag_loc){template_path(t), 0, 0, NULL},
                        _("form name '%s' used twice: by %s and by %s; remove or rename one of them"), same, template_path(g->t),
                        template_path(t));
            return -1;
        }
    }
    *planned = ws_xcalloc(c->nforms, 1);
    return plan_which(c, o, *planned, d);
}

int pipeline_open(char *const *data, size_t ndata, const build_options *o, build_plan *plan, build_source *src,
                      diag *d)
{
    *src = (build_source){0};
    source_ctx *c = ws_xcalloc(1, sizeof *c);
    c->loaded = SIZE_MAX;
    c->out = o->out ? ws_xstrdup(o->out) : NULL;
    c->identity = ws_xstrdup(o->version ? o->version : "");
    int status = EXIT_USAGE;
    char **names = NULL, **partials = NULL;
    size_t nnames = 0, npartials = 0;
    ws_buf dir = {0}, pdir = {0};
    records_reader *rd = NULL;
    diag *again = NULL;

    /* Reading threads: as many as the processors the run may use (-j), one at least. */
    unsigned readers = o->jobs > 1 ? (unsigned)o->jobs : 1;
    records_index_pass *pass = records_index_begin(cli_schema_path(), data, ndata, readers, d);
    if (!pass) goto fail;

    /* While those threads read the first files, the templates (which take about as long). Their
     * messages come after the records', as when they were loaded after the index, and the
     * records are checked even when a template is wrong, so that one run shows every error. */
    ws_buf_printf(&dir, "%s/templates", cli_datadir());
    ws_buf_printf(&pdir, "%s/partials", dir.data);
    names = list_dir(dir.data, ".md", &nnames);
    partials = list_dir(pdir.data, "", &npartials);
    diag *tdiag = diag_new(NULL);
    unsigned char *planned = NULL;
    int forms_ok = load_forms(c, o, dir.data, names, nnames, &planned, tdiag) == 0;
    c->ix = records_index_finish(pass, forms_ok && selected_forms_read_members(c, o), d);
    diag_replay(d, tdiag);
    diag_free(tdiag);
    if (!forms_ok || !c->ix) {
        free(planned);
        goto fail;
    }
    for (size_t k = 0; k < c->nforms; k++) {
        template_set_index(c->forms[k].t, c->ix);
        form_key(c, &c->forms[k], pdir.data, partials, npartials);
    }
    again = diag_new(NULL); /* the index pass reported these files' problems already */
    rd = records_reader_open(data, ndata, readers, again);

    c->sel = ws_xcalloc(c->nforms, sizeof *c->sel);
    c->nsel = ws_xcalloc(c->nforms, sizeof *c->nsel);
    c->sel_done = ws_xcalloc(c->nforms, 1);
    c->files = ws_xcalloc(ndata ? ndata : 1, sizeof *c->files);
    for (size_t i = 0; i < ndata; i++) c->files[c->nfiles++] = ws_xstrdup(data[i]);

    /* The records: every piece of every DATA file in turn, each form's selection, in document
     * order. One piece at a time. */
    planner pl = {.c = c, .plan = plan, .o = o};
    int any_members = 0;
    for (size_t k = 0; k < c->nforms; k++) any_members |= planned[k] && c->forms[k].uses_members;
    records_piece piece;
    while (records_reader_next_piece(rd, &piece, again)) {
        if (!piece.doc) continue;
        xmlDocPtr doc = piece.doc;
        pl.have_root = 0;
        for (xmlNodePtr n = any_members ? xmlDocGetRootElement(doc)->children : NULL; n; n = n->next)
            if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "member")) note_member(&pl, n);
        for (size_t k = 0; k < c->nforms; k++)
            if (planned[k]) plan_form(&pl, piece.file, piece.piece, k, doc, d);
        digest_cache_free(&pl.file); /* its keys are nodes of doc */
        records_reader_done_piece(rd, &piece);
    }
    records_reader_close(rd);
    rd = NULL;
    diag_free(again);
    again = NULL;
    flush_pending(&pl, plan);
    manifest_sort(&pl.bad);
    {
        /* the summary lists every input not read and every record left out, with the reason */
        const char *unread[64];
        size_t nunread = records_unread(c->ix, unread, 64);
        for (size_t i = 0; i < nunread; i++) {
            ws_buf text = {0};
            ws_buf_printf(&text, _("%s: could not be read; none of its records is built"), unread[i]);
            batch_plan_note_not_built(plan, text.data, 0);
            ws_buf_free(&text);
        }
        for (size_t i = 0; i < pl.bad.n; i++) batch_plan_note_not_built(plan, pl.bad.v[i].record, 1);
    }
    manifest_free(&pl.bad);
    digest_cache_free(&pl.index);
    free(planned);
    /* The files' DOMs are freed; give their pages back, or every worker forked from this process
     * would carry them (glibc keeps freed memory for reuse). */
    malloc_trim(0);

    *src = (build_source){c, make_item};
    free_names(names, nnames);
    free_names(partials, npartials);
    ws_buf_free(&dir);
    ws_buf_free(&pdir);
    return 0;

fail:
    records_reader_close(rd);
    diag_free(again);
    free_names(names, nnames);
    free_names(partials, npartials);
    ws_buf_free(&dir);
    ws_buf_free(&pdir);
    close_ctx(c);
    return status;
}

void pipeline_close(build_source *src)
{
    close_ctx(src->ctx);
    *src = (build_source){0};
}
