/* serve_model — what the workbench page shows, as one JSON document (serve_int.h):
 *
 *   {"generation": N,
 *    "forms":    [{"id": "feedback", "title": "评议意见反馈通知书", "ok": true}, …],
 *    "files":    ["samples/members-fly.xml", …],
 *    "records":  [{"id", "name", "kind": "member|organisation|unit", "file": i, "line",
 *                  "org", "orgName", "parent", "unit", "unitName", "bad": bool, "forms": [k, …]}, …],
 *    "problems": ["FILE:LINE:COL: error: record ID: message", …]}
 *
 * Records are listed file by file in document order, each with the forms that select it; the
 * page groups them unit → organisation from org/unit and nests each organisation under its
 * "parent" (records.h's walks of the tree: the page never reads @parent itself).
 * Problems are the lines `wenshu check` prints (the page places each by its record id). */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/tree.h>

#include "base/diag.h"
#include "serve/fswatch.h"
#include "serve/serve_int.h"

void serve_json_str(ws_buf *out, const char *s)
{
    ws_buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') ws_buf_printf(out, "\\%c", *p);
        else if (*p == '\n') ws_buf_puts(out, "\\n");
        else if (*p < 0x20) ws_buf_printf(out, "\\u%04x", *p);
        else if (*p == '<') ws_buf_puts(out, "\\u003c"); /* never "</script>" in a page */
        else ws_buf_putc(out, (char)*p);
    }
    ws_buf_putc(out, '"');
}

static char *attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    char *s = ws_xstrdup(v ? (const char *)v : "");
    xmlFree(v);
    return s;
}

/* The text of n's child element <name>, else fallback. */
static char *name_of(xmlNodePtr n, const char *fallback)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, "name")) {
            xmlChar *t = xmlNodeGetContent(c);
            char *s = ws_xstrdup(t ? (const char *)t : "");
            xmlFree(t);
            return s;
        }
    return ws_xstrdup(fallback ? fallback : "");
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The form templates: every .md file of datadir/templates, sorted. */
static char **list_templates(const char *dir, size_t *n)
{
    *n = 0;
    DIR *dp = opendir(dir);
    if (!dp) return NULL;
    char **names = NULL;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len <= 3 || strcmp(de->d_name + len - 3, ".md")) continue;
        names = ws_xrealloc(names, (*n + 1) * sizeof *names);
        ws_buf p = {0};
        ws_buf_printf(&p, "%s/%s", dir, de->d_name);
        names[(*n)++] = ws_buf_steal(&p);
    }
    closedir(dp);
    if (*n) qsort(names, *n, sizeof *names, cmp_names);
    return names;
}

/* One record's entry of "records". */
static void record_json(serve_ctx *ctx, ws_buf *j, xmlNodePtr rec, size_t file, const unsigned char *forms, size_t nforms)
{
    const records_index *ix = preview_index(ctx->pv);
    char *id = attr(rec, "id");
    char *name = name_of(rec, id);
    char *orgname = NULL;
    xmlNodePtr org = records_organisation_of(ix, rec, &orgname);
    const char *kind = (const char *)rec->name;
    xmlNodePtr unit = !strcmp(kind, "unit") ? rec : records_unit_of(ix, org ? org : rec);
    char *orgid = !strcmp(kind, "unit") ? ws_xstrdup("") : attr(org, "id");
    char *unitid = attr(unit, "id");
    char *unitname = name_of(unit, unitid);
    /* An organisation's own parent; a member's organisation says where the member sits. */
    char *parentid = !strcmp(kind, "organisation") ? attr(records_parent_of(ix, org), "id") : ws_xstrdup("");
    if (!strcmp(kind, "unit")) {
        free(orgname);
        orgname = ws_xstrdup("");
    }
    ws_buf_puts(j, "{\"id\":");
    serve_json_str(j, id);
    ws_buf_puts(j, ",\"name\":");
    serve_json_str(j, name);
    ws_buf_puts(j, ",\"kind\":");
    serve_json_str(j, kind);
    ws_buf_printf(j, ",\"file\":%zu,\"line\":%ld,\"org\":", file, (long)rec->line);
    serve_json_str(j, orgid);
    ws_buf_puts(j, ",\"orgName\":");
    serve_json_str(j, orgname);
    ws_buf_puts(j, ",\"parent\":");
    serve_json_str(j, parentid);
    ws_buf_puts(j, ",\"unit\":");
    serve_json_str(j, unitid);
    ws_buf_puts(j, ",\"unitName\":");
    serve_json_str(j, unitname);
    /* a later record repeating an id is bad too, while the first is not */
    int bad = records_skip_reason(ix, id, file, xmlGetLineNo(rec)) != RECORDS_SKIP_NONE;
    ws_buf_printf(j, ",\"bad\":%s,\"forms\":[", bad ? "true" : "false");
    int first = 1;
    for (size_t k = 0; k < nforms; k++)
        if (forms[k]) {
            ws_buf_printf(j, "%s%zu", first ? "" : ",", k);
            first = 0;
        }
    ws_buf_puts(j, "]}");
    free(id);
    free(name);
    free(orgname);
    free(orgid);
    free(unitid);
    free(unitname);
    free(parentid);
}

/* The records of one file: every top-level element some form selects, in document order. */
static void file_records_json(serve_ctx *ctx, ws_buf *j, size_t f, int *first, diag *d)
{
    xmlDocPtr doc = preview_doc(ctx->pv, f);
    if (!doc) return;
    size_t nforms = preview_nforms(ctx->pv);
    /* Each selected node's forms, found through the node's _private slot (1-based index into
     * nodes), cleared before returning: libxml2 leaves the slot to its users. */
    xmlNodePtr *nodes = NULL;
    unsigned char *forms = NULL;
    size_t n = 0;
    for (size_t k = 0; k < nforms; k++) {
        xmlNodePtr *sel = NULL;
        size_t nsel = 0;
        if (template_select(preview_form(ctx->pv, k), doc, &sel, &nsel, d)) continue;
        for (size_t i = 0; i < nsel; i++) {
            size_t at = (size_t)(uintptr_t)sel[i]->_private;
            if (!at) {
                nodes = ws_xrealloc(nodes, (n + 1) * sizeof *nodes);
                forms = ws_xrealloc(forms, (n + 1) * (nforms ? nforms : 1));
                memset(forms + n * nforms, 0, nforms);
                nodes[n] = sel[i];
                at = ++n;
                sel[i]->_private = (void *)(uintptr_t)at;
            }
            forms[(at - 1) * nforms + k] = 1;
        }
        free(sel);
    }
    /* document order: by line, ties in selection order (stable insertion sort; n is small per file) */
    for (size_t i = 1; i < n; i++)
        for (size_t m = i; m > 0 && xmlGetLineNo(nodes[m - 1]) > xmlGetLineNo(nodes[m]); m--) {
            xmlNodePtr t = nodes[m];
            nodes[m] = nodes[m - 1];
            nodes[m - 1] = t;
            for (size_t k = 0; k < nforms; k++) {
                unsigned char c = forms[m * nforms + k];
                forms[m * nforms + k] = forms[(m - 1) * nforms + k];
                forms[(m - 1) * nforms + k] = c;
            }
        }
    for (size_t i = 0; i < n; i++) {
        nodes[i]->_private = NULL;
        if (!*first) ws_buf_putc(j, ',');
        *first = 0;
        record_json(ctx, j, nodes[i], f, forms + i * nforms, nforms);
    }
    free(nodes);
    free(forms);
}

void serve_model_reload(serve_ctx *ctx)
{
    diag *d = diag_new(NULL);
    preview_load_records(ctx->pv, d);
    size_t nt = 0;
    char **tpls = list_templates(ctx->tpldir, &nt);
    unsigned char *ok = ws_xcalloc(nt ? nt : 1, 1);
    for (size_t i = 0; i < nt; i++) ok[i] = preview_load_template(ctx->pv, tpls[i], d) >= 0;

    ws_buf j = {0};
    ws_buf_printf(&j, "{\"generation\":%lu,\"build\":%s,\"forms\":[", ctx->generation + 1, ctx->cfg.out ? "true" : "false");
    for (size_t k = 0; k < preview_nforms(ctx->pv); k++) {
        template *t = preview_form(ctx->pv, k);
        int loaded = 1;
        for (size_t i = 0; i < nt; i++)
            if (!strcmp(tpls[i], template_path(t))) loaded = ok[i];
        ws_buf_printf(&j, "%s{\"id\":", k ? "," : "");
        serve_json_str(&j, template_name(t));
        ws_buf_puts(&j, ",\"title\":");
        serve_json_str(&j, preview_form_title(ctx->pv, k));
        ws_buf_printf(&j, ",\"ok\":%s}", loaded ? "true" : "false");
    }
    ws_buf_puts(&j, "],\"files\":[");
    for (size_t f = 0; f < preview_nfiles(ctx->pv); f++) {
        if (f) ws_buf_putc(&j, ',');
        serve_json_str(&j, preview_file(ctx->pv, f));
    }
    ws_buf_puts(&j, "],\"records\":[");
    int first = 1;
    if (preview_index(ctx->pv))
        for (size_t f = 0; f < preview_nfiles(ctx->pv); f++) file_records_json(ctx, &j, f, &first, d);
    ws_buf_puts(&j, "],\"problems\":[");
    for (size_t m = 0; m < diag_nmessages(d); m++) {
        if (m) ws_buf_putc(&j, ',');
        serve_json_str(&j, diag_message(d, m));
    }
    ws_buf_puts(&j, "]}");
    ws_buf_free(&ctx->state);
    ctx->state = j;
    ctx->generation++;
    for (size_t i = 0; i < nt; i++) free(tpls[i]);
    free(tpls);
    free(ok);
    diag_free(d);
}

static void *watch_main(void *arg)
{
    serve_ctx *ctx = arg;
    fswatch *fw = fswatch_new();
    if (!fw) return NULL;
    for (size_t i = 0; i < ctx->cfg.ndata; i++) fswatch_add_file(fw, ctx->cfg.data[i]);
    fswatch_add_dir(fw, ctx->tpldir, ".md");
    ws_buf sub = {0};
    ws_buf_printf(&sub, "%s/partials", ctx->tpldir);
    fswatch_add_dir(fw, sub.data, ".md");
    sub.len = 0;
    ws_buf_printf(&sub, "%s/styles", ctx->tpldir);
    fswatch_add_dir(fw, sub.data, ".style");
    ws_buf_free(&sub);
    for (;;) {
        pthread_mutex_lock(&ctx->lock);
        int stop = ctx->stopping;
        pthread_mutex_unlock(&ctx->lock);
        if (stop) break;
        /* a bounded wait, so that the thread notices the server stopping */
        int n = fswatch_wait(fw, 200, 20);
        if (n <= 0) continue;
        int styles = 0;
        for (int i = 0; i < n; i++) {
            const char *p = fswatch_changed(fw, (size_t)i);
            size_t len = strlen(p);
            styles |= len > 6 && !strcmp(p + len - 6, ".style");
        }
        pthread_mutex_lock(&ctx->lock);
        if (styles) preview_forget_styles(ctx->pv);
        serve_model_reload(ctx);
        pthread_cond_broadcast(&ctx->changed);
        pthread_mutex_unlock(&ctx->lock);
    }
    fswatch_free(fw);
    return NULL;
}

int serve_model_watch(serve_ctx *ctx, pthread_t *thread)
{
    int rc = pthread_create(thread, NULL, watch_main, ctx);
    if (rc) errno = rc;
    return rc ? -1 : 0;
}
