/* Loading templates: sources and positions, compiling expressions once, the template object.
 * Tags and blocks are parsed in template_parse.c, the front matter in template_front.c. The
 * language is described in template.h and, for form writers, docs/templates.md. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "base/i18n.h"
#include "template/template_int.h"

/* ---- lists and the template's own strings ---- */

void tpl_tnode_list_push(tnode_list *l, tnode *n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = ws_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = n;
}

static void tnode_free(tnode *n)
{
    if (!n) return;
    free(n->src);
    free(n->indent);
    if (n->comp) xmlXPathFreeCompExpr(n->comp);
    tpl_tnode_list_free(&n->body);
    tpl_tnode_list_free(&n->alt);
    free(n);
}

void tpl_tnode_list_free(tnode_list *l)
{
    for (size_t i = 0; i < l->n; i++) tnode_free(l->v[i]);
    free(l->v);
    *l = (tnode_list){0};
}

const char *tpl_intern_file(template *t, const char *path)
{
    for (size_t i = 0; i < t->nfiles; i++)
        if (!strcmp(t->files[i], path)) return t->files[i];
    t->files = ws_xrealloc(t->files, (t->nfiles + 1) * sizeof *t->files);
    return t->files[t->nfiles++] = ws_xstrdup(path);
}

/* ---- a source file, with positions ---- */


void tpl_src_init(src *s, template *t, diag *d, const char *file, const char *text, size_t len)
{
    *s = (src){.t = t, .d = d, .file = tpl_intern_file(t, file), .text = text, .len = len};
    size_t cap = 64;
    s->lines = ws_xmalloc(cap * sizeof *s->lines);
    s->lines[s->nlines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            if (s->nlines == cap) s->lines = ws_xrealloc(s->lines, (cap *= 2) * sizeof *s->lines);
            s->lines[s->nlines++] = i + 1;
        }
}

/* 1-based line and character (not byte) column of a byte offset. */
void tpl_src_pos(const src *s, size_t off, long *line, long *col)
{
    if (s->parent) { /* escapes in the quoted value shift this by a character or two at most */
        tpl_src_pos(s->parent, s->parent_off + off, line, col);
        return;
    }
    if (off > s->len) off = s->len;
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    *line = (long)lo + 1;
    *col = (long)ws_utf8_count(s->text + s->lines[lo], off - s->lines[lo]) + 1;
}

void tpl_src_error(src *s, size_t off, const char *fmt, ...)
{
    char msg[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line, col;
    tpl_src_pos(s, off, &line, &col);
    diag_report(s->d, DIAG_ERROR, (diag_loc){s->file, line, col, NULL}, "%s", msg);
    s->errors++;
}

/* ---- expressions ---- */

/* Compiles the expression at text[off, off+len) (a file offset), checking it first and dry-running
 * it against an empty document. `what` quotes the tag in messages. want_nodes: #each, records:. */
xmlXPathCompExprPtr tpl_compile_expr(src *s, size_t off, size_t len, xpath_scope scope, const char *what,
                                        int want_nodes)
{
    template *t = s->t;
    char *expr = ws_xstrndup(s->text + off, len);
    char msg[600];
    size_t at = 0;
    xmlXPathCompExprPtr comp = NULL;
    if (tpl_lint(t, expr, len, scope, msg, sizeof msg, &at) < 0) {
        tpl_src_error(s, off + at, _("%s in %s"), msg, what);
        goto done;
    }
    t->err_code = 0;
    t->err_offset = -1;
    comp = xmlXPathCtxtCompile(t->xc, BAD_CAST expr);
    if (!comp || t->err_code) {
        size_t o = t->err_offset >= 0 && (size_t)t->err_offset <= len ? (size_t)t->err_offset : 0;
        tpl_src_error(s, off + o, _("%s in %s"), tpl_xpath_error_text(t->err_code ? t->err_code : XPATH_EXPR_ERROR), what);
        if (comp) xmlXPathFreeCompExpr(comp);
        comp = NULL;
        goto done;
    }
    /* The dry run finds what only evaluation reveals (a function given a wrong kind of value). */
    t->dry = 1;
    t->xc->proximityPosition = t->xc->contextSize = 1;
    xmlXPathObjectPtr r = tpl_eval(t, comp, NULL);
    t->dry = 0;
    if (!r) {
        tpl_src_error(s, off, _("%s in %s"), tpl_xpath_error_text(t->err_code), what);
        xmlXPathFreeCompExpr(comp);
        comp = NULL;
    } else if (want_nodes && r->type != XPATH_NODESET) {
        tpl_src_error(s, off, _("this must select nodes (elements), but gives a %s, in %s"),
                  r->type == XPATH_NUMBER ? "number" : r->type == XPATH_STRING ? "string" : "boolean", what);
        xmlXPathFreeCompExpr(comp);
        comp = NULL;
    }
    xmlXPathFreeObject(r);
done:
    free(expr);
    return comp;
}

/* ---- the template ---- */

template *template_load_string(const char *path, const char *text, size_t len, const char *partials_dir,
                               const records_index *ix, diag *d)
{
    template *t = ws_xcalloc(1, sizeof *t);
    t->path = ws_xstrdup(path);
    t->partials_dir = partials_dir ? ws_xstrdup(partials_dir) : NULL;
    t->ix = ix;
    t->max_output = TEMPLATE_MAX_OUTPUT;
    if (tpl_context_init(t) < 0) {
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, NULL}, _("cannot set up XPath"));
        template_free(t);
        return NULL;
    }
    src s;
    tpl_src_init(&s, t, d, path, text, len);
    size_t bad_at;
    if (!ws_utf8_valid(text, len, &bad_at)) {
        tpl_src_error(&s, bad_at, _("not valid UTF-8 (save the file as UTF-8)"));
        free(s.lines);
        template_free(t);
        return NULL;
    }
    size_t start = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
    size_t body = tpl_parse_front_matter(&s, start);
    int errors = s.errors;
    /* The body is checked even when the front matter is wrong, so that one run shows every error. */
    s.errors = 0;
    if (body || errors) {
        if (!body) { /* skip to after the second --- line if there is one */
            const char *m = len > start + 4 ? memmem(text + start + 3, len - start - 3, "\n---", 4) : NULL;
            body = m ? (size_t)(m - text) + 4 : len;
            while (body < len && text[body] != '\n') body++;
            if (body < len) body++;
        }
        const char *chain[1] = {t->name ? t->name : path};
        tpl_build_body(&s, body, len, &t->body, SCOPE_RECORD, chain, 0);
        (void)chain;
    }
    errors += s.errors;
    if (!errors && t->is_public) errors += tpl_privacy_check(t, d);
    free(s.lines);
    if (errors) {
        template_free(t);
        return NULL;
    }
    return t;
}

void template_set_index(template *t, const records_index *ix)
{
    t->ix = ix;
}

template *template_load(const char *path, const records_index *ix, diag *d)
{
    ws_buf text = {0};
    char err[300];
    if (ws_read_file(path, TEMPLATE_MAX_FILE, &text, err, sizeof err) < 0) {
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, NULL}, _("cannot read the template: %s"), err);
        ws_buf_free(&text);
        return NULL;
    }
    char *dir = ws_xstrdup(path);
    char *slash = strrchr(dir, '/');
    char partials[4096];
    if (slash) {
        *slash = 0;
        snprintf(partials, sizeof partials, "%s/partials", dir);
    } else {
        snprintf(partials, sizeof partials, "partials");
    }
    free(dir);
    template *t = template_load_string(path, text.data ? text.data : "", text.len, partials, ix, d);
    ws_buf_free(&text);
    return t;
}

void template_free(template *t)
{
    if (!t) return;
    tpl_tnode_list_free(&t->body);
    tpl_tnode_list_free(&t->output);
    for (int i = 0; i < PDF_NFIELDS; i++) tpl_tnode_list_free(&t->pdf[i]);
    for (size_t i = 0; i < t->npartials; i++) {
        tpl_tnode_list_free(&t->partials[i]->body);
        free(t->partials[i]->name);
        free(t->partials[i]);
    }
    free(t->partials);
    if (t->records) xmlXPathFreeCompExpr(t->records);
    if (t->xc) xmlXPathFreeContext(t->xc);
    if (t->dummy) xmlFreeDoc(t->dummy);
    for (size_t i = 0; i < t->nfiles; i++) free(t->files[i]);
    free(t->files);
    free(t->path);
    free(t->partials_dir);
    free(t->name);
    free(t->title);
    free(t->records_src);
    free(t->style);
    free(t);
}

const char *template_path(const template *t) { return t->path; }
const char *template_name(const template *t) { return t->name; }
const char *template_title(const template *t) { return t->title; }
const char *template_records(const template *t) { return t->records_src; }
const char *template_style(const template *t) { return t->style; }
int template_is_public(const template *t) { return t->is_public; }


/* ---- which variables a template reads ---- */

/* Whether expr[0..len) names the variable $name, not merely one that starts with it. */
static int expr_reads(const char *expr, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = expr, *end = expr + len; p < end && (p = memchr(p, '$', (size_t)(end - p))); p++) {
        const char *q = p + 1;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
        if ((size_t)(end - q) >= nl && !memcmp(q, name, nl)) {
            char next = q + nl < end ? q[nl] : 0;
            int name_char = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                            (next >= '0' && next <= '9') || next == '_' || next == '-' || next == '.';
            if (!name_char) return 1;
        }
    }
    return 0;
}

static int list_reads(const tnode_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        const tnode *n = l->v[i];
        if (n->kind != TN_TEXT && n->kind != TN_PARTIAL && n->src && expr_reads(n->src, n->len, name)) return 1;
        if (list_reads(&n->body, name) || list_reads(&n->alt, name)) return 1;
    }
    return 0;
}

int template_reads_variable(const template *t, const char *name)
{
    if (t->records_src && expr_reads(t->records_src, strlen(t->records_src), name)) return 1;
    if (list_reads(&t->body, name) || list_reads(&t->output, name)) return 1;
    for (int i = 0; i < PDF_NFIELDS; i++)
        if (list_reads(&t->pdf[i], name)) return 1;
    /* every partial the template loaded is one it includes */
    for (size_t i = 0; i < t->npartials; i++)
        if (list_reads(&t->partials[i]->body, name)) return 1;
    return 0;
}
