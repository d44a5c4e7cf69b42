/* Loading templates: front matter, tags, blocks, partials, and compiling every expression once.
 * The language is described in template.h and, for form writers, docs/templates.md. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "template_impl.h"

#define TEMPLATE_MAX_FILE (1u << 20) /* a form is a few pages of Markdown */

/* ---- lists and the template's own strings ---- */

void tnode_list_push(tnode_list *l, tnode *n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n++] = n;
}

static void tnode_free(tnode *n)
{
    if (!n) return;
    free(n->src);
    free(n->indent);
    if (n->comp) xmlXPathFreeCompExpr(n->comp);
    tnode_list_free(&n->body);
    tnode_list_free(&n->alt);
    free(n);
}

void tnode_list_free(tnode_list *l)
{
    for (size_t i = 0; i < l->n; i++) tnode_free(l->v[i]);
    free(l->v);
    *l = (tnode_list){0};
}

static const char *intern_file(template *t, const char *path)
{
    for (size_t i = 0; i < t->nfiles; i++)
        if (!strcmp(t->files[i], path)) return t->files[i];
    t->files = xrealloc(t->files, (t->nfiles + 1) * sizeof *t->files);
    return t->files[t->nfiles++] = xstrdup(path);
}

/* ---- a source file, with positions ---- */

typedef struct src {
    template *t;
    diag *d;
    const char *file; /* interned */
    const char *text;
    size_t len;
    size_t *lines; /* offset where each line starts */
    size_t nlines;
    int errors;
    const struct src *parent; /* a quoted front matter value: positions are those in the parent file */
    size_t parent_off;
} src;

static void src_init(src *s, template *t, diag *d, const char *file, const char *text, size_t len)
{
    *s = (src){.t = t, .d = d, .file = intern_file(t, file), .text = text, .len = len};
    size_t cap = 64;
    s->lines = xmalloc(cap * sizeof *s->lines);
    s->lines[s->nlines++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') {
            if (s->nlines == cap) s->lines = xrealloc(s->lines, (cap *= 2) * sizeof *s->lines);
            s->lines[s->nlines++] = i + 1;
        }
}

/* 1-based line and character (not byte) column of a byte offset. */
static void src_pos(const src *s, size_t off, long *line, long *col)
{
    if (s->parent) { /* escapes in the quoted value shift this by a character or two at most */
        src_pos(s->parent, s->parent_off + off, line, col);
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
    *col = (long)utf8_count(s->text + s->lines[lo], off - s->lines[lo]) + 1;
}

static void src_error(src *s, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void src_error(src *s, size_t off, const char *fmt, ...)
{
    char msg[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line, col;
    src_pos(s, off, &line, &col);
    diag_report(s->d, DIAG_ERROR, (diag_loc){s->file, line, col, NULL}, "%s", msg);
    s->errors++;
}

/* ---- expressions ---- */

/* Compiles the expression at text[off, off+len) (a file offset), checking it first and dry-running
 * it against an empty document. `what` quotes the tag in messages. want_nodes: #each, records:. */
static xmlXPathCompExprPtr compile_expr(src *s, size_t off, size_t len, xpath_scope scope, const char *what,
                                        int want_nodes)
{
    template *t = s->t;
    char *expr = xstrndup(s->text + off, len);
    char msg[600];
    size_t at = 0;
    xmlXPathCompExprPtr comp = NULL;
    if (tpl_lint(t, expr, len, scope, msg, sizeof msg, &at) < 0) {
        src_error(s, off + at, "%s in %s", msg, what);
        goto done;
    }
    t->err_code = 0;
    t->err_offset = -1;
    comp = xmlXPathCtxtCompile(t->xc, BAD_CAST expr);
    if (!comp || t->err_code) {
        size_t o = t->err_offset >= 0 && (size_t)t->err_offset <= len ? (size_t)t->err_offset : 0;
        src_error(s, off + o, "%s in %s", tpl_xpath_error_text(t->err_code ? t->err_code : XPATH_EXPR_ERROR), what);
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
        src_error(s, off, "%s in %s", tpl_xpath_error_text(t->err_code), what);
        xmlXPathFreeCompExpr(comp);
        comp = NULL;
    } else if (want_nodes && r->type != XPATH_NODESET) {
        src_error(s, off, "this must select nodes (elements), but gives a %s, in %s",
                  r->type == XPATH_NUMBER ? "number" : r->type == XPATH_STRING ? "string" : "boolean", what);
        xmlXPathFreeCompExpr(comp);
        comp = NULL;
    }
    xmlXPathFreeObject(r);
done:
    free(expr);
    return comp;
}

/* ---- tokens ---- */

typedef enum { TK_TEXT, TK_VALUE, TK_RAW, TK_EACH, TK_IF, TK_ELSE, TK_END_EACH, TK_END_IF, TK_PARTIAL, TK_COMMENT } tk_kind;

typedef struct {
    tk_kind kind;
    size_t start, end; /* the whole token */
    size_t arg, arglen; /* expression or partial name */
    int dropped, table;
    size_t indent_len; /* standalone partial: whitespace before it */
} token;

typedef struct {
    token *v;
    size_t n, cap;
} tokens;

static void tk_push(tokens *tk, token t)
{
    if (tk->n == tk->cap) {
        tk->cap = tk->cap ? tk->cap * 2 : 64;
        tk->v = xrealloc(tk->v, tk->cap * sizeof *tk->v);
    }
    tk->v[tk->n++] = t;
}

static int is_block(tk_kind k) { return k != TK_TEXT && k != TK_VALUE && k != TK_RAW; }

/* Finds `close` on the same line, outside quoted strings. Returns its offset or -1; *open_quote
 * tells whether a string was still open at the end of the line. */
static long find_close(const char *s, size_t from, size_t end, const char *close, int *open_quote)
{
    size_t cl = strlen(close);
    char quote = 0;
    for (size_t i = from; i < end && s[i] != '\n'; i++) {
        if (quote) {
            if (s[i] == quote) quote = 0;
        } else if (s[i] == '\'' || s[i] == '"') {
            quote = s[i];
        } else if (i + cl <= end && !memcmp(s + i, close, cl)) {
            return (long)i;
        }
    }
    *open_quote = quote != 0;
    return -1;
}

static void trim_span(const char *s, size_t *off, size_t *len)
{
    while (*len && isspace((unsigned char)s[*off])) (*off)++, (*len)--;
    while (*len && isspace((unsigned char)s[*off + *len - 1])) (*len)--;
}

/* After an unterminated tag: go on at the next line, so later errors are found too. */
static size_t skip_line(const char *x, size_t p, size_t to)
{
    const char *nl = memchr(x + p, '\n', to - p);
    return nl ? (size_t)(nl - x) + 1 : to;
}

static int word_is(const char *s, size_t len, const char *w) { return strlen(w) == len && !memcmp(s, w, len); }

/* Splits text[from, to) into text and tags. Returns 0, or -1 after reporting. */
static int tokenize(src *s, size_t from, size_t to, tokens *tk, int values_only)
{
    const char *x = s->text;
    size_t p = from;
    int bad = 0;
    while (p < to) {
        const char *q = memmem(x + p, to - p, "{{", 2);
        size_t open = q ? (size_t)(q - x) : to;
        if (open > p) tk_push(tk, (token){.kind = TK_TEXT, .start = p, .end = open});
        if (!q) break;
        token t = {.start = open};
        int open_quote = 0;
        if (open + 2 < to && x[open + 2] == '{') {
            long c = find_close(x, open + 3, to, "}}}", &open_quote);
            if (c < 0) {
                src_error(s, open, open_quote ? "unterminated string in '{{{ … }}}'" : "'{{{' without '}}}' on the same line");
                bad = 1;
                p = skip_line(x, open, to);
                continue;
            }
            t.kind = TK_RAW;
            t.arg = open + 3;
            t.arglen = (size_t)c - t.arg;
            t.end = (size_t)c + 3;
        } else if (open + 2 < to && x[open + 2] == '!') {
            const char *c = memmem(x + open + 3, to - open - 3, "}}", 2);
            if (!c) {
                src_error(s, open, "comment '{{!' is never closed with '}}'");
                return -1;
            }
            t.kind = TK_COMMENT;
            t.end = (size_t)(c - x) + 2;
        } else {
            long c = find_close(x, open + 2, to, "}}", &open_quote);
            if (c < 0) {
                src_error(s, open, open_quote ? "unterminated string in '{{ … }}'" : "'{{' without '}}' on the same line");
                bad = 1;
                p = skip_line(x, open, to);
                continue;
            }
            t.end = (size_t)c + 2;
            size_t a = open + 2, n = (size_t)c - a;
            trim_span(x, &a, &n);
            char lead = n ? x[a] : 0;
            if (lead == '#' || lead == '/') {
                size_t w = a + 1;
                while (w < a + n && isalpha((unsigned char)x[w])) w++;
                const char *kw = x + a + 1;
                size_t kwlen = w - a - 1;
                size_t rest = w, rest_len = a + n - w;
                trim_span(x, &rest, &rest_len);
                int each = word_is(kw, kwlen, "each"), cond = word_is(kw, kwlen, "if");
                if (!each && !cond) {
                    src_error(s, open, "unknown block '%c%.*s' (blocks are {{#each …}} and {{#if …}})", lead,
                              (int)kwlen, kw);
                    bad = 1;
                    p = t.end;
                    continue;
                }
                if (lead == '#') {
                    if (!rest_len || rest == w) {
                        if (rest_len)
                            src_error(s, open, "write a space after '#%.*s'", (int)kwlen, kw);
                        else
                            src_error(s, open, "'{{#%.*s}}' needs an expression, e.g. {{#%.*s opinion}}", (int)kwlen,
                                      kw, (int)kwlen, kw);
                        bad = 1;
                        p = t.end;
                        continue;
                    }
                    t.kind = each ? TK_EACH : TK_IF;
                    t.arg = rest;
                    t.arglen = rest_len;
                } else {
                    if (rest_len) {
                        src_error(s, open, "'{{/%.*s}}' takes nothing after the name", (int)kwlen, kw);
                        bad = 1;
                    }
                    t.kind = each ? TK_END_EACH : TK_END_IF;
                }
            } else if (lead == '>') {
                size_t na = a + 1, nn = n - 1;
                trim_span(x, &na, &nn);
                int ok = nn > 0 && nn <= 64;
                for (size_t i = 0; ok && i < nn; i++) {
                    char ch = x[na + i];
                    ok = isalnum((unsigned char)ch) || ch == '-' || ch == '_';
                }
                if (!ok) {
                    src_error(s, open, "a partial's name is letters, digits, '-' and '_' (the file partials/NAME.md): {{> %.*s}}",
                              (int)nn, x + na);
                    bad = 1;
                    p = t.end;
                    continue;
                }
                t.kind = TK_PARTIAL;
                t.arg = na;
                t.arglen = nn;
            } else if (word_is(x + a, n, "else")) {
                t.kind = TK_ELSE;
            } else if (!n) {
                src_error(s, open, "empty '{{ }}': write an XPath expression inside, e.g. {{ name }}");
                bad = 1;
                p = t.end;
                continue;
            } else {
                t.kind = TK_VALUE;
                t.arg = a;
                t.arglen = n;
            }
        }
        if (t.kind == TK_RAW) trim_span(x, &t.arg, &t.arglen);
        if (t.kind == TK_RAW && !t.arglen) {
            src_error(s, open, "empty '{{{ }}}'");
            bad = 1;
        } else if (values_only && is_block(t.kind) && t.kind != TK_COMMENT) {
            src_error(s, open, "only {{ expressions }} are allowed in front matter values, not blocks or partials");
            bad = 1;
        } else {
            tk_push(tk, t);
        }
        p = t.end;
    }
    return bad ? -1 : 0;
}

/* Text tokens are split at newlines, then every line made only of block tags and whitespace is
 * removed (its indentation, and its newline), so blocks leave no blank lines behind. Lines that
 * hold a "|" outside tags are table rows: their values are escaped as table cells. */
static void split_lines(const src *s, tokens *tk)
{
    tokens out = {0};
    for (size_t i = 0; i < tk->n; i++) {
        token t = tk->v[i];
        if (t.kind != TK_TEXT) {
            tk_push(&out, t);
            continue;
        }
        size_t p = t.start;
        while (p < t.end) {
            const char *nl = memchr(s->text + p, '\n', t.end - p);
            size_t e = nl ? (size_t)(nl - s->text) + 1 : t.end;
            tk_push(&out, (token){.kind = TK_TEXT, .start = p, .end = e});
            p = e;
        }
    }
    free(tk->v);
    *tk = out;

    size_t line_start = 0;
    for (size_t i = 0; i < tk->n; i++) {
        token *t = &tk->v[i];
        int ends_line = t->kind == TK_TEXT && s->text[t->end - 1] == '\n';
        if (!ends_line && i + 1 < tk->n) continue;
        int blocks = 0, inline_content = 0, pipe = 0;
        for (size_t k = line_start; k <= i; k++) {
            token *u = &tk->v[k];
            if (u->kind == TK_TEXT) {
                for (size_t c = u->start; c < u->end; c++) {
                    if (!isspace((unsigned char)s->text[c])) inline_content = 1;
                    if (s->text[c] == '|' && (c == u->start || s->text[c - 1] != '\\')) pipe = 1;
                }
            } else if (is_block(u->kind)) {
                blocks = 1;
            } else {
                inline_content = 1;
            }
        }
        for (size_t k = line_start; k <= i; k++) {
            token *u = &tk->v[k];
            if (blocks && !inline_content) {
                if (u->kind == TK_TEXT) u->dropped = 1;
                if (u->kind == TK_PARTIAL && k > line_start && tk->v[line_start].kind == TK_TEXT && k == line_start + 1)
                    u->indent_len = tk->v[line_start].end - tk->v[line_start].start;
            }
            if (pipe && (u->kind == TK_VALUE || u->kind == TK_RAW)) u->table = 1;
        }
        line_start = i + 1;
    }
}

/* ---- building the tree ---- */

static tnode *new_node(const src *s, tnode_kind kind, size_t off)
{
    tnode *n = xcalloc(1, sizeof *n);
    n->kind = kind;
    n->file = s->file;
    src_pos(s, off, &n->line, &n->col);
    return n;
}

static int build_body(src *s, size_t from, size_t to, tnode_list *body, xpath_scope scope, const char **chain,
                      int chain_len);

static tpartial *load_partial(src *s, const token *tk, const char **chain, int chain_len)
{
    template *t = s->t;
    char name[80];
    snprintf(name, sizeof name, "%.*s", (int)tk->arglen, s->text + tk->arg);
    for (size_t i = 0; i < t->npartials; i++) {
        tpartial *p = t->partials[i];
        if (strcmp(p->name, name)) continue;
        if (p->loading) {
            wbuf cyc = {0};
            for (int k = 0; k < chain_len; k++) wbuf_printf(&cyc, "%s → ", chain[k]);
            wbuf_puts(&cyc, name);
            src_error(s, tk->start, "partial '%s' includes itself: %s", name, cyc.data);
            wbuf_free(&cyc);
            return NULL;
        }
        return p->failed ? NULL : p;
    }
    if (!t->partials_dir) {
        src_error(s, tk->start, "{{> %s}}: partials are not available here", name);
        return NULL;
    }
    if (chain_len >= 16) {
        src_error(s, tk->start, "partials nested more than 16 deep");
        return NULL;
    }
    tpartial *p = xcalloc(1, sizeof *p);
    p->name = xstrdup(name);
    t->partials = xrealloc(t->partials, (t->npartials + 1) * sizeof *t->partials);
    t->partials[t->npartials++] = p;

    char path[4096], err[300];
    snprintf(path, sizeof path, "%s/%s.md", t->partials_dir, name);
    p->file = intern_file(t, path);
    wbuf text = {0};
    if (read_file(path, TEMPLATE_MAX_FILE, &text, err, sizeof err) < 0) {
        src_error(s, tk->start, "partial '%s': cannot read %s: %s", name, path, err);
        p->failed = 1;
        wbuf_free(&text);
        return NULL;
    }
    size_t bad;
    if (!utf8_valid(text.data, text.len, &bad)) {
        src err_src;
        src_init(&err_src, t, s->d, path, text.data, text.len);
        src_error(&err_src, bad, "not valid UTF-8 (save the file as UTF-8)");
        free(err_src.lines);
        s->errors++;
        p->failed = 1;
        wbuf_free(&text);
        return NULL;
    }
    p->loading = 1;
    src ps;
    src_init(&ps, t, s->d, path, text.data, text.len);
    const char *sub[17];
    for (int k = 0; k < chain_len; k++) sub[k] = chain[k];
    sub[chain_len] = name;
    /* A partial may be included inside a loop, so it may use $position and $count. */
    size_t start = text.len >= 3 && !memcmp(text.data, "\xef\xbb\xbf", 3) ? 3 : 0;
    if (build_body(&ps, start, text.len, &p->body, SCOPE_LOOP, sub, chain_len + 1) < 0 || ps.errors) p->failed = 1;
    s->errors += ps.errors;
    p->loading = 0;
    free(ps.lines);
    /* The nodes keep copies of their text; the file itself is no longer needed. */
    wbuf_free(&text);
    return p->failed ? NULL : p;
}

static void quote_token(const src *s, const token *t, char *buf, size_t len)
{
    size_t n = t->end - t->start;
    snprintf(buf, len, "%.*s%s", (int)(n > 200 ? 200 : n), s->text + t->start, n > 200 ? "…" : "");
}

static const char *block_name(tk_kind k) { return k == TK_EACH ? "{{#each}}" : "{{#if}}"; }

static int build_body(src *s, size_t from, size_t to, tnode_list *body, xpath_scope scope, const char **chain,
                      int chain_len)
{
    tokens tk = {0};
    int rc = tokenize(s, from, to, &tk, 0);
    split_lines(s, &tk);

    struct frame {
        tnode *node;
        tk_kind kind;
        size_t at;
        int in_else;
        xpath_scope scope;
    } stack[TEMPLATE_MAX_LOOPS];
    int depth = 0;
    xpath_scope cur_scope = scope;

    for (size_t i = 0; i < tk.n; i++) {
        token *t = &tk.v[i];
        tnode_list *dest = depth ? (stack[depth - 1].in_else ? &stack[depth - 1].node->alt : &stack[depth - 1].node->body)
                                 : body;
        char what[300];
        quote_token(s, t, what, sizeof what);
        switch (t->kind) {
        case TK_TEXT: {
            if (t->dropped) break;
            tnode *last = dest->n ? dest->v[dest->n - 1] : NULL;
            if (last && last->kind == TN_TEXT) {
                last->src = xrealloc(last->src, last->len + (t->end - t->start) + 1);
                memcpy(last->src + last->len, s->text + t->start, t->end - t->start);
                last->len += t->end - t->start;
                last->src[last->len] = 0;
            } else {
                tnode *n = new_node(s, TN_TEXT, t->start);
                n->src = xstrndup(s->text + t->start, t->end - t->start);
                n->len = t->end - t->start;
                tnode_list_push(dest, n);
            }
            break;
        }
        case TK_VALUE:
        case TK_RAW: {
            xmlXPathCompExprPtr comp = compile_expr(s, t->arg, t->arglen, cur_scope, what, 0);
            if (!comp) break;
            tnode *n = new_node(s, t->kind == TK_RAW ? TN_RAW : TN_VALUE, t->start);
            n->src = xstrndup(s->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->comp = comp;
            n->table = t->table;
            tnode_list_push(dest, n);
            break;
        }
        case TK_EACH:
        case TK_IF: {
            if (depth == TEMPLATE_MAX_LOOPS) {
                src_error(s, t->start, "blocks nested more than %d deep", TEMPLATE_MAX_LOOPS);
                rc = -1;
                goto out;
            }
            tnode *n = new_node(s, t->kind == TK_EACH ? TN_EACH : TN_IF, t->start);
            n->src = xstrndup(s->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->comp = compile_expr(s, t->arg, t->arglen, cur_scope, what, t->kind == TK_EACH);
            tnode_list_push(dest, n);
            stack[depth++] = (struct frame){n, t->kind, t->start, 0, cur_scope};
            if (t->kind == TK_EACH) cur_scope = SCOPE_LOOP;
            break;
        }
        case TK_ELSE:
            if (!depth) {
                src_error(s, t->start, "{{else}} outside {{#if}} or {{#each}}");
            } else if (stack[depth - 1].in_else) {
                long l, c;
                src_pos(s, stack[depth - 1].at, &l, &c);
                src_error(s, t->start, "a second {{else}} in the %s opened at line %ld", block_name(stack[depth - 1].kind), l);
            } else {
                stack[depth - 1].in_else = 1;
                /* The {{else}} of an each runs when nothing was selected: no loop variables there. */
                if (stack[depth - 1].kind == TK_EACH) cur_scope = stack[depth - 1].scope;
            }
            break;
        case TK_END_EACH:
        case TK_END_IF: {
            tk_kind want = t->kind == TK_END_EACH ? TK_EACH : TK_IF;
            const char *closer = t->kind == TK_END_EACH ? "{{/each}}" : "{{/if}}";
            if (!depth) {
                src_error(s, t->start, "%s without an open %s", closer, block_name(want));
            } else if (stack[depth - 1].kind != want) {
                long l, c;
                src_pos(s, stack[depth - 1].at, &l, &c);
                src_error(s, t->start, "%s closes the %s opened at line %ld, column %ld (close it with %s first)",
                          closer, block_name(stack[depth - 1].kind), l, c,
                          stack[depth - 1].kind == TK_EACH ? "{{/each}}" : "{{/if}}");
                /* Recover as if both were closed, so later errors are still meaningful. */
                depth--;
                if (depth && stack[depth - 1].kind == want) depth--;
                cur_scope = depth ? (stack[depth - 1].kind == TK_EACH && !stack[depth - 1].in_else ? SCOPE_LOOP
                                                                                                  : stack[depth - 1].scope)
                                  : scope;
            } else {
                cur_scope = stack[depth - 1].scope;
                depth--;
            }
            break;
        }
        case TK_PARTIAL: {
            tpartial *p = load_partial(s, t, chain, chain_len);
            if (!p) break;
            tnode *n = new_node(s, TN_PARTIAL, t->start);
            n->src = xstrndup(s->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->partial = p;
            if (t->indent_len) n->indent = xstrndup(s->text + tk.v[i - 1].start, t->indent_len);
            tnode_list_push(dest, n);
            break;
        }
        case TK_COMMENT: break;
        }
    }
    while (depth > 0) {
        depth--;
        src_error(s, stack[depth].at, "%s is never closed (add %s)", block_name(stack[depth].kind),
                  stack[depth].kind == TK_EACH ? "{{/each}}" : "{{/if}}");
    }
out:
    free(tk.v);
    return rc < 0 || s->errors ? -1 : 0;
}

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
        wbuf b = {0};
        size_t i = p + 1;
        for (; i < end; i++) {
            if (x[i] == q) {
                if (q == '\'' && i + 1 < end && x[i + 1] == '\'') {
                    wbuf_putc(&b, '\'');
                    i++;
                    continue;
                }
                break;
            }
            if (q == '"' && x[i] == '\\' && i + 1 < end) {
                char e = x[++i];
                wbuf_putc(&b, e == 'n' ? '\n' : e == 't' ? '\t' : e);
                continue;
            }
            wbuf_putc(&b, x[i]);
        }
        if (i >= end) {
            src_error(s, p, "the value's quote %c is never closed", q);
            wbuf_free(&b);
            return -1;
        }
        size_t after = i + 1;
        while (after < end && (x[after] == ' ' || x[after] == '\t')) after++;
        if (after < end && x[after] != '#') {
            src_error(s, after, "unexpected text after the quoted value");
            wbuf_free(&b);
            return -1;
        }
        v->text = wbuf_steal(&b);
        v->off = p + 1;
        v->quoted = 1;
        return 0;
    }
    /* Plain value: up to a " #" comment outside {{ }}. */
    int in_tag = 0;
    for (size_t i = p; i < end; i++) {
        if (i + 1 < end && x[i] == '{' && x[i + 1] == '{') in_tag = 1;
        if (i + 1 < end && x[i] == '}' && x[i + 1] == '}') in_tag = 0;
        if (!in_tag && x[i] == '#' && i > p && (x[i - 1] == ' ' || x[i - 1] == '\t')) {
            end = i;
            break;
        }
    }
    while (end > p && isspace((unsigned char)x[end - 1])) end--;
    if (p < end && strchr("[{&*!|>%@`", x[p]) && !(x[p] == '{' && p + 1 < end && x[p + 1] == '{')) {
        src_error(s, p, "a value starting with '%c' must be quoted (\"…\"): only simple 'key: value' lines are understood",
                  x[p]);
        return -1;
    }
    v->text = xstrndup(x + p, end - p);
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
    int rc = tokenize(use, from, to, &tk, 1);
    for (size_t i = 0; rc == 0 && i < tk.n; i++) {
        token *t = &tk.v[i];
        tnode *n = NULL;
        if (t->kind == TK_TEXT) {
            n = new_node(use, TN_TEXT, t->start);
            n->src = xstrndup(use->text + t->start, t->end - t->start);
            n->len = t->end - t->start;
        } else if (t->kind == TK_VALUE || t->kind == TK_RAW) {
            char what[300];
            quote_token(use, t, what, sizeof what);
            xmlXPathCompExprPtr comp = compile_expr(use, t->arg, t->arglen, SCOPE_RECORD, what, 0);
            if (!comp) {
                rc = -1;
                continue;
            }
            n = new_node(use, TN_VALUE, t->start);
            n->src = xstrndup(use->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->comp = comp;
        }
        if (n) {
            tnode_list_push(out, n);
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

static const char *const top_keys[] = {"name", "title", "records", "output", "style", "pdf"};
static const char *const pdf_keys[] = {"title", "subject", "keywords", "author"};

/* Reads the front matter; returns the offset where the body starts, or 0 after reporting. */
static size_t parse_front_matter(src *s, size_t start)
{
    template *t = s->t;
    const char *x = s->text;
    size_t p = start;
    size_t eol = p;
    while (eol < s->len && x[eol] != '\n') eol++;
    size_t e = eol;
    while (e > p && isspace((unsigned char)x[e - 1])) e--;
    if (e - p != 3 || memcmp(x + p, "---", 3)) {
        src_error(s, p, "a template starts with its front matter: a line '---', then name:, title:, records: …, "
                        "then '---'");
        return 0;
    }
    seen_key seen[16];
    int nseen = 0, in_pdf = 0, pdf_indent = -1, bad = 0;
    size_t body = 0;
    fm_value vals[6] = {{0}}, pdfv[4] = {{0}};
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
            src_error(s, i, "indent with spaces, not tabs");
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
            src_error(s, i, "expected 'key: value' (a key, a colon, a space, the value)");
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
            src_error(s, i, in_pdf ? "inconsistent indentation under 'pdf:'" : "unexpected indentation (only the keys of 'pdf:' are indented)");
            bad = 1;
            p = eol + 1;
            continue;
        }
        const char *const *known = nested ? pdf_keys : top_keys;
        size_t nknown = nested ? 4 : 6;
        int which = -1;
        for (size_t n = 0; n < nknown; n++)
            if (!strcmp(known[n], key)) which = (int)n;
        if (which < 0) {
            src_error(s, i, nested ? "unknown key '%s' under pdf: (known: title, subject, keywords, author)"
                                   : "unknown key '%s' in the front matter (known: name, title, records, output, style, pdf)",
                      key);
            bad = 1;
            p = eol + 1;
            continue;
        }
        int dup = 0;
        for (int n = 0; n < nseen; n++)
            if (seen[n].nested == nested && !strcmp(seen[n].key, known[which])) {
                src_error(s, i, "'%s' is given twice (first on line %ld)", key, seen[n].line);
                dup = bad = 1;
            }
        long line, col;
        src_pos(s, i, &line, &col);
        if (!dup && nseen < 16) seen[nseen++] = (seen_key){known[which], nested, line};
        fm_value v;
        if (fm_parse_value(s, k + 1, le, &v) < 0) {
            bad = 1;
            p = eol + 1;
            continue;
        }
        if (!nested && which == 5) { /* pdf: */
            if (*v.text) {
                src_error(s, v.off, "pdf: takes indented keys on the following lines (title, subject, keywords, author)");
                bad = 1;
            }
            free(v.text);
            in_pdf = 1;
            pdf_indent = -1;
        } else if (!*v.text) {
            src_error(s, i, "'%s' needs a value", key);
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
        src_error(s, start, "the front matter is never closed by a line '---'");
        bad = 1;
    }
    if (body) {
        static const char *const hint[] = {"the form's id, e.g. name: feedback", "the form's Chinese name, e.g. title: 民主评议意见反馈表",
                                           "which elements get a document each, e.g. records: //member"};
        for (int n = 0; n < 3; n++)
            if (!vals[n].text) {
                src_error(s, start, "the front matter has no '%s:' (%s)", top_keys[n], hint[n]);
                bad = 1;
            }
    }
    {
        if (vals[0].text && !valid_ident(vals[0].text, 0)) {
            src_error(s, vals[0].off, "name: is the form's id in file names: lowercase ASCII letters, digits, '-' and '_' (e.g. feedback), not '%s'",
                      vals[0].text);
            bad = 1;
        }
        if (vals[4].text && !valid_ident(vals[4].text, 0)) {
            src_error(s, vals[4].off, "style: is a style name such as gbt9704, not '%s'", vals[4].text);
            bad = 1;
        }
        for (int n = 0; n < 5; n++)
            if (n != 3 && vals[n].text && strstr(vals[n].text, "{{")) {
                src_error(s, vals[n].off, "%s: cannot contain {{ }} (only output: and the pdf: values can)", top_keys[n]);
                bad = 1;
            }
    }
    if (!bad) {
        t->name = xstrdup(vals[0].text);
        t->title = xstrdup(vals[1].text);
        t->records_src = xstrdup(vals[2].text);
        t->style = xstrdup(vals[4].text ? vals[4].text : "gbt9704");
        src_pos(s, vals[2].off, &t->records_line, &t->records_col);
        char what[400];
        snprintf(what, sizeof what, "records: %s", vals[2].text);
        if (vals[2].quoted) { /* compile from a copy; positions at the value */
            src vs = {.t = t, .d = s->d, .file = s->file, .text = vals[2].text, .len = strlen(vals[2].text),
                      .parent = s, .parent_off = vals[2].off};
            t->records = compile_expr(&vs, 0, vs.len, SCOPE_RECORDS, what, 1);
            s->errors += vs.errors;
        } else {
            t->records = compile_expr(s, vals[2].off, strlen(vals[2].text), SCOPE_RECORDS, what, 1);
        }
        if (!t->records) bad = 1;
        fm_value out_default = {.text = xstrdup("{{ $form }}-{{ @id }}"), .quoted = 1, .off = start};
        if (fm_value_template(s, vals[3].text ? &vals[3] : &out_default, &t->output) < 0) bad = 1;
        free(out_default.text);
        for (int n = 0; n < 4; n++)
            if (pdfv[n].text) {
                t->has_pdf[n] = 1;
                if (fm_value_template(s, &pdfv[n], &t->pdf[n]) < 0) bad = 1;
            }
    }
    for (int n = 0; n < 6; n++) free(vals[n].text);
    for (int n = 0; n < 4; n++) free(pdfv[n].text);
    return bad || s->errors ? 0 : body;
}

/* ---- the template ---- */

template *template_load_string(const char *path, const char *text, size_t len, const char *partials_dir,
                               const records_index *ix, diag *d)
{
    template *t = xcalloc(1, sizeof *t);
    t->path = xstrdup(path);
    t->partials_dir = partials_dir ? xstrdup(partials_dir) : NULL;
    t->ix = ix;
    t->max_output = TEMPLATE_MAX_OUTPUT;
    if (tpl_context_init(t) < 0) {
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, NULL}, "cannot set up XPath");
        template_free(t);
        return NULL;
    }
    src s;
    src_init(&s, t, d, path, text, len);
    size_t bad_at;
    if (!utf8_valid(text, len, &bad_at)) {
        src_error(&s, bad_at, "not valid UTF-8 (save the file as UTF-8)");
        free(s.lines);
        template_free(t);
        return NULL;
    }
    size_t start = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
    size_t body = parse_front_matter(&s, start);
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
        build_body(&s, body, len, &t->body, SCOPE_RECORD, chain, 0);
        (void)chain;
    }
    errors += s.errors;
    free(s.lines);
    if (errors) {
        template_free(t);
        return NULL;
    }
    return t;
}

template *template_load(const char *path, const records_index *ix, diag *d)
{
    wbuf text = {0};
    char err[300];
    if (read_file(path, TEMPLATE_MAX_FILE, &text, err, sizeof err) < 0) {
        diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, NULL}, "cannot read the template: %s", err);
        wbuf_free(&text);
        return NULL;
    }
    char *dir = xstrdup(path);
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
    wbuf_free(&text);
    return t;
}

void template_free(template *t)
{
    if (!t) return;
    tnode_list_free(&t->body);
    tnode_list_free(&t->output);
    for (int i = 0; i < PDF_NFIELDS; i++) tnode_list_free(&t->pdf[i]);
    for (size_t i = 0; i < t->npartials; i++) {
        tnode_list_free(&t->partials[i]->body);
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
