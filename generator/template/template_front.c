/* The front matter: a small YAML-like subset of "key: value" lines (see docs/templates.md). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "base/i18n.h"
#include "template/template_int.h"

/* ---- front matter ---- */

typedef struct {
    const char *key;
    int nested; /* a key of pdf: */
    long line;
} seen_key;

/* A value as given: decoded text, and the file offset of its first character. */
typedef struct {
    char *text;
    size_t off;
    int quoted;
} fm_value;

/* Parses the value after "key:" at text[p, eol). Returns -1 after reporting. */
static int fm_parse_value(src *s, size_t p, size_t eol, fm_value *v)
{
    const char *x = s->text;
    while (p < eol && (x[p] == ' ' || x[p] == '\t')) p++;
    size_t end = eol;
    while (end > p && isspace((unsigned char)x[end - 1])) end--;
    *v = (fm_value){.off = p};
    if (p < end && (x[p] == '"' || x[p] == '\'')) {
        char q = x[p];
        ws_buf b = {0};
        size_t i = p + 1;
        for (; i < end; i++) {
            if (x[i] == q) {
                if (q == '\'' && i + 1 < end && x[i + 1] == '\'') {
                    ws_buf_putc(&b, '\'');
                    i++;
                    continue;
                }
                break;
            }
            if (q == '"' && x[i] == '\\' && i + 1 < end) {
                char e = x[++i];
                ws_buf_putc(&b, e == 'n' ? '\n' : e == 't' ? '\t' : e);
                continue;
            }
            ws_buf_putc(&b, x[i]);
        }
        if (i >= end) {
            tpl_src_error(s, p, _("the value's quote %c is never closed"), q);
            ws_buf_free(&b);
            return -1;
        }
        size_t after = i + 1;
        while (after < end && (x[after] == ' ' || x[after] == '\t')) after++;
        if (after < end && x[after] != '#') {
            tpl_src_error(s, after, _("unexpected text after the quoted value"));
            ws_buf_free(&b);
            return -1;
        }
        v->text = ws_buf_steal(&b);
        v->off = p + 1;
        v->quoted = 1;
        return 0;
    }
    /* Plain value: up to a " #" comment outside {{ }} and outside XPath's quoted strings. */
    int in_tag = 0;
    char quote = 0;
    for (size_t i = p; i < end; i++) {
        if (quote) {
            if (x[i] == quote) quote = 0;
            continue;
        }
        if (x[i] == '\'' || x[i] == '"') quote = x[i];
        if (i + 1 < end && x[i] == '{' && x[i + 1] == '{') in_tag = 1;
        if (i + 1 < end && x[i] == '}' && x[i + 1] == '}') in_tag = 0;
        if (!in_tag && x[i] == '#' && i > p && (x[i - 1] == ' ' || x[i - 1] == '\t')) {
            end = i;
            break;
        }
    }
    while (end > p && isspace((unsigned char)x[end - 1])) end--;
    if (p < end && strchr("[{&*!|>%@`", x[p]) && !(x[p] == '{' && p + 1 < end && x[p + 1] == '{')) {
        tpl_src_error(s, p, _("a value starting with '%c' must be quoted (\"…\"): only simple 'key: value' lines are understood"),
                  x[p]);
        return -1;
    }
    v->text = ws_xstrndup(x + p, end - p);
    return 0;
}

/* Parses a value with {{ }} expressions into nodes (front matter: output, pdf fields). */
static int fm_value_template(src *s, const fm_value *v, tnode_list *out)
{
    /* Expressions are compiled from the file text when the value is written plainly there; a quoted
     * value is parsed from its decoded copy, with positions mapped back to the file. */
    src vs;
    int own = v->quoted;
    if (own) {
        vs = (src){.t = s->t, .d = s->d, .file = s->file, .text = v->text, .len = strlen(v->text),
                   .parent = s, .parent_off = v->off};
    }
    src *use = own ? &vs : s;
    size_t from = own ? 0 : v->off, to = from + strlen(v->text);
    tokens tk = {0};
    int rc = tpl_tokenize(use, from, to, &tk, 1);
    for (size_t i = 0; rc == 0 && i < tk.n; i++) {
        token *t = &tk.v[i];
        tnode *n = NULL;
        if (t->kind == TK_TEXT) {
            n = tpl_new_node(use, TN_TEXT, t->start);
            n->src = ws_xstrndup(use->text + t->start, t->end - t->start);
            n->len = t->end - t->start;
        } else if (t->kind == TK_VALUE || t->kind == TK_RAW) {
            char what[300];
            tpl_quote_token(use, t, what, sizeof what);
            xmlXPathCompExprPtr comp = tpl_compile_expr(use, t->arg, t->arglen, SCOPE_RECORD, what, 0);
            if (!comp) {
                rc = -1;
                continue;
            }
            n = tpl_new_node(use, TN_VALUE, t->start);
            n->src = ws_xstrndup(use->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->comp = comp;
        }
        if (n) {
            tpl_tnode_list_push(out, n);
        }
    }
    if (own) s->errors += vs.errors;
    free(tk.v);
    return rc;
}

static int valid_ident(const char *v, int allow_upper)
{
    if (!*v || strlen(v) > 64) return 0;
    for (const char *p = v; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-' || *p == '_' ||
              (allow_upper && isupper((unsigned char)*p))))
            return 0;
    return isalnum((unsigned char)*v);
}

/* public: (index 6) declares a form that is posted or handed to the public: see template_privacy.c. */
static const char *const top_keys[] = {"name", "title", "records", "output", "style", "pdf", "public"};
#define TOP_NKEYS 7
static const char *const pdf_keys[] = {"title", "subject", "keywords", "author", "date"};

/* Reads the front matter; returns the offset where the body starts, or 0 after reporting. */
size_t tpl_parse_front_matter(src *s, size_t start)
{
    template *t = s->t;
    const char *x = s->text;
    size_t p = start;
    size_t eol = p;
    while (eol < s->len && x[eol] != '\n') eol++;
    size_t e = eol;
    while (e > p && isspace((unsigned char)x[e - 1])) e--;
    if (e - p != 3 || memcmp(x + p, "---", 3)) {
        tpl_src_error(s, p, _("a template starts with its front matter: a line '---', then name:, title:, records: …, "
                        "then '---'"));
        return 0;
    }
    seen_key seen[16];
    int nseen = 0, in_pdf = 0, pdf_indent = -1, bad = 0;
    size_t body = 0;
    fm_value vals[TOP_NKEYS] = {{0}}, pdfv[PDF_NFIELDS] = {{0}};
    p = eol + 1;
    while (p < s->len) {
        eol = p;
        while (eol < s->len && x[eol] != '\n') eol++;
        size_t le = eol;
        while (le > p && isspace((unsigned char)x[le - 1])) le--;
        if (le - p == 3 && !memcmp(x + p, "---", 3)) {
            body = eol < s->len ? eol + 1 : eol;
            break;
        }
        size_t i = p;
        while (i < le && x[i] == ' ') i++;
        if (i < le && x[i] == '\t') {
            tpl_src_error(s, i, _("indent with spaces, not tabs"));
            bad = 1;
            p = eol + 1;
            continue;
        }
        if (i == le || x[i] == '#') { /* blank or comment */
            p = eol + 1;
            continue;
        }
        int indent = (int)(i - p);
        size_t k = i;
        while (k < le && (isalnum((unsigned char)x[k]) || x[k] == '_' || x[k] == '-')) k++;
        if (k == i || k >= le || x[k] != ':' || (k + 1 < le && x[k + 1] != ' ' && x[k + 1] != '\t')) {
            tpl_src_error(s, i, _("expected 'key: value' (a key, a colon, a space, the value)"));
            bad = 1;
            p = eol + 1;
            continue;
        }
        char key[40];
        snprintf(key, sizeof key, "%.*s", (int)(k - i), x + i);
        int nested;
        if (indent == 0) {
            in_pdf = 0;
            nested = 0;
        } else if (in_pdf && (pdf_indent < 0 || indent == pdf_indent)) {
            pdf_indent = indent;
            nested = 1;
        } else {
            tpl_src_error(s, i, in_pdf ? _("inconsistent indentation under 'pdf:'")
                                 : _("unexpected indentation (only the keys of 'pdf:' are indented)"));
            bad = 1;
            p = eol + 1;
            continue;
        }
        const char *const *known = nested ? pdf_keys : top_keys;
        size_t nknown = nested ? sizeof pdf_keys / sizeof *pdf_keys : TOP_NKEYS;
        int which = -1;
        for (size_t n = 0; n < nknown; n++)
            if (!strcmp(known[n], key)) which = (int)n;
        if (which < 0) {
            tpl_src_error(s, i, nested ? _("unknown key '%s' under pdf: (known: title, subject, keywords, author, date)")
                                   : _("unknown key '%s' in the front matter (known: name, title, records, output, style, pdf, public)"),
                      key);
            bad = 1;
            p = eol + 1;
            continue;
        }
        int dup = 0;
        for (int n = 0; n < nseen; n++)
            if (seen[n].nested == nested && !strcmp(seen[n].key, known[which])) {
                tpl_src_error(s, i, _("'%s' is given twice (first on line %ld)"), key, seen[n].line);
                dup = bad = 1;
            }
        long line, col;
        tpl_src_pos(s, i, &line, &col);
        if (!dup && nseen < 16) seen[nseen++] = (seen_key){known[which], nested, line};
        fm_value v;
        if (fm_parse_value(s, k + 1, le, &v) < 0) {
            bad = 1;
            p = eol + 1;
            continue;
        }
        if (!nested && which == 5) { /* pdf: */
            if (*v.text) {
                tpl_src_error(s, v.off, _("pdf: takes indented keys on the following lines (title, subject, keywords, author, date)"));
                bad = 1;
            }
            free(v.text);
            in_pdf = 1;
            pdf_indent = -1;
        } else if (!*v.text) {
            tpl_src_error(s, i, _("'%s' needs a value"), key);
            free(v.text);
            bad = 1;
        } else if (dup) {
            free(v.text);
        } else if (nested) {
            pdfv[which] = v;
        } else {
            vals[which] = v;
        }
        p = eol + 1;
    }
    if (!body) {
        tpl_src_error(s, start, _("the front matter is never closed by a line '---'"));
        bad = 1;
    }
    if (body) {
        static const char *const hint[] = {N_("the form's id, e.g. name: feedback"),
                                           N_("the form's Chinese name, e.g. title: 民主评议意见反馈表"),
                                           N_("which elements get a document each, e.g. records: //member")};
        for (int n = 0; n < 3; n++)
            if (!vals[n].text) {
                tpl_src_error(s, start, _("the front matter has no '%s:' (%s)"), top_keys[n], _(hint[n]));
                bad = 1;
            }
    }
    {
        if (vals[0].text && !valid_ident(vals[0].text, 0)) {
            tpl_src_error(s, vals[0].off, _("name: is the form's id in file names: lowercase ASCII letters, digits, '-' and '_' (e.g. feedback), not '%s'"),
                      vals[0].text);
            bad = 1;
        }
        if (vals[4].text && !valid_ident(vals[4].text, 0)) {
            tpl_src_error(s, vals[4].off, _("style: is a style name such as gbt9704, not '%s'"), vals[4].text);
            bad = 1;
        }
        if (vals[6].text && strcmp(vals[6].text, "true") && strcmp(vals[6].text, "false")) {
            tpl_src_error(s, vals[6].off, _("public: is true (a form posted or handed to the public, which may not print private text) or false, not \"%s\""),
                      vals[6].text);
            bad = 1;
        }
        for (int n = 0; n < TOP_NKEYS; n++)
            if (n != 3 && n != 5 && vals[n].text && strstr(vals[n].text, "{{")) {
                tpl_src_error(s, vals[n].off, _("%s: cannot contain {{ }} (only output: and the pdf: values can)"), top_keys[n]);
                bad = 1;
            }
    }
    if (!bad) {
        t->name = ws_xstrdup(vals[0].text);
        t->title = ws_xstrdup(vals[1].text);
        t->records_src = ws_xstrdup(vals[2].text);
        t->style = ws_xstrdup(vals[4].text ? vals[4].text : "gbt9704");
        t->is_public = vals[6].text && !strcmp(vals[6].text, "true");
        tpl_src_pos(s, vals[2].off, &t->records_line, &t->records_col);
        char what[400];
        snprintf(what, sizeof what, "records: %s", vals[2].text);
        if (vals[2].quoted) { /* compile from a copy; positions at the value */
            src vs = {.t = t, .d = s->d, .file = s->file, .text = vals[2].text, .len = strlen(vals[2].text),
                      .parent = s, .parent_off = vals[2].off};
            t->records = tpl_compile_expr(&vs, 0, vs.len, SCOPE_RECORDS, what, 1);
            s->errors += vs.errors;
        } else {
            t->records = tpl_compile_expr(s, vals[2].off, strlen(vals[2].text), SCOPE_RECORDS, what, 1);
        }
        if (!t->records) bad = 1;
        fm_value out_default = {.text = ws_xstrdup("{{ $form }}-{{ @id }}"), .quoted = 1, .off = start};
        if (fm_value_template(s, vals[3].text ? &vals[3] : &out_default, &t->output) < 0) bad = 1;
        free(out_default.text);
        for (int n = 0; n < PDF_NFIELDS; n++)
            if (pdfv[n].text) {
                t->has_pdf[n] = 1;
                if (fm_value_template(s, &pdfv[n], &t->pdf[n]) < 0) bad = 1;
            }
    }
    for (int n = 0; n < TOP_NKEYS; n++) free(vals[n].text);
    for (int n = 0; n < PDF_NFIELDS; n++) free(pdfv[n].text);
    return bad || s->errors ? 0 : body;
}

