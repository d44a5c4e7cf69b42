/* Parsing template bodies: tags, whitespace control, blocks and partials, into compiled nodes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/xpathInternals.h>

#include "template/mdescape.h"
#include "base/i18n.h"
#include "template/template_int.h"

/* ---- tokens ---- */


static void tk_push(tokens *tk, token t)
{
    if (tk->n == tk->cap) {
        tk->cap = tk->cap ? tk->cap * 2 : 64;
        tk->v = ws_xrealloc(tk->v, tk->cap * sizeof *tk->v);
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
int tpl_tokenize(src *s, size_t from, size_t to, tokens *tk, int values_only)
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
                tpl_src_error(s, open, open_quote ? _("unterminated string in '{{{ … }}}'") : _("'{{{' without '}}}' on the same line"));
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
                tpl_src_error(s, open, _("comment '{{!' is never closed with '}}'"));
                return -1;
            }
            t.kind = TK_COMMENT;
            t.end = (size_t)(c - x) + 2;
        } else {
            long c = find_close(x, open + 2, to, "}}", &open_quote);
            if (c < 0) {
                tpl_src_error(s, open, open_quote ? _("unterminated string in '{{ … }}'") : _("'{{' without '}}' on the same line"));
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
                    tpl_src_error(s, open, _("unknown block '%c%.*s' (blocks are {{#each …}} and {{#if …}})"), lead,
                              (int)kwlen, kw);
                    bad = 1;
                    p = t.end;
                    continue;
                }
                if (lead == '#') {
                    if (!rest_len || rest == w) {
                        if (rest_len)
                            tpl_src_error(s, open, _("write a space after '#%.*s'"), (int)kwlen, kw);
                        else
                            tpl_src_error(s, open, _("'{{#%.*s}}' needs an expression, e.g. {{#%.*s opinion}}"), (int)kwlen,
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
                        tpl_src_error(s, open, _("'{{/%.*s}}' takes nothing after the name"), (int)kwlen, kw);
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
                    tpl_src_error(s, open, _("a partial's name is letters, digits, '-' and '_' (the file partials/NAME.md): {{> %.*s}}"),
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
                tpl_src_error(s, open, _("empty '{{ }}': write an XPath expression inside, e.g. {{ name }}"));
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
            tpl_src_error(s, open, _("empty '{{{ }}}'"));
            bad = 1;
        } else if (values_only && is_block(t.kind) && t.kind != TK_COMMENT) {
            tpl_src_error(s, open, _("only {{ expressions }} are allowed in front matter values, not blocks or partials"));
            bad = 1;
        } else {
            tk_push(tk, t);
        }
        p = t.end;
    }
    return bad ? -1 : 0;
}

/* A fence line of the template: up to three spaces, then at least three ` or ~. Returns the run's
 * length (0 when the line is no fence), its character, and where the info string starts. */
static size_t fence_run(const char *s, size_t len, char *ch, size_t *info)
{
    size_t i = 0, n = 0;
    while (i < len && i < 3 && s[i] == ' ') i++;
    if (i >= len || (s[i] != '`' && s[i] != '~')) return 0;
    *ch = s[i];
    while (i + n < len && s[i + n] == *ch) n++;
    if (n < 3) return 0;
    *info = i + n;
    return n;
}

/* Text tokens are split at newlines, then every line made only of block tags and whitespace is
 * removed (its indentation, and its newline), so blocks leave no blank lines behind. Lines that
 * hold a "|" outside tags are table rows: their values are escaped as table cells. Values inside
 * a fenced block that prints literally are marked, so that they are not backslash-escaped. */
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
    /* The open fence, and one fence inside it when it holds Markdown (a ```signature or
     * ```lines in a ````keep or ````receipt): its values print literally too. */
    char fence_ch = 0, inner_ch = 0;
    size_t fence_len = 0, inner_len = 0;
    int fence_literal = 0, inner_literal = 0;
    for (size_t i = 0; i < tk->n; i++) {
        token *t = &tk->v[i];
        int ends_line = t->kind == TK_TEXT && s->text[t->end - 1] == '\n';
        if (!ends_line && i + 1 < tk->n) continue;
        token *first = &tk->v[line_start];
        char ch = 0;
        size_t info = 0, run = first->kind == TK_TEXT ? fence_run(s->text + first->start, first->end - first->start, &ch, &info) : 0;
        int fence_line = 0, markdown = 0;
        if (run) {
            const char *inf = s->text + first->start + info;
            size_t inf_len = first->end - first->start - info;
            while (inf_len && isspace((unsigned char)*inf)) inf++, inf_len--;
            markdown = mdescape_fence_is_markdown(inf, inf_len);
        }
        if (inner_len) {
            if (run >= inner_len && ch == inner_ch) {
                inner_len = 0; /* the inner block's closing fence */
                fence_line = 1;
            }
        } else if (fence_len && run >= fence_len && ch == fence_ch) {
            fence_len = 0; /* the closing fence */
            fence_line = 1;
        } else if (fence_len && !fence_literal && run) {
            inner_ch = ch;
            inner_len = run;
            inner_literal = !markdown;
            fence_line = 1;
        } else if (!fence_len && run) {
            fence_ch = ch;
            fence_len = run;
            fence_literal = !markdown;
            fence_line = 1;
        }
        int literal = !fence_line && (inner_len ? inner_literal : fence_len && fence_literal);
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
            if (literal && u->kind == TK_VALUE) u->literal = 1;
        }
        line_start = i + 1;
    }
}

/* ---- building the tree ---- */

tnode *tpl_new_node(const src *s, tnode_kind kind, size_t off)
{
    tnode *n = ws_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->file = s->file;
    tpl_src_pos(s, off, &n->line, &n->col);
    return n;
}


static tpartial *load_partial(src *s, const token *tk, const char **chain, int chain_len)
{
    template *t = s->t;
    char name[80];
    snprintf(name, sizeof name, "%.*s", (int)tk->arglen, s->text + tk->arg);
    for (size_t i = 0; i < t->npartials; i++) {
        tpartial *p = t->partials[i];
        if (strcmp(p->name, name)) continue;
        if (p->loading) {
            ws_buf cyc = {0};
            for (int k = 0; k < chain_len; k++) ws_buf_printf(&cyc, "%s → ", chain[k]);
            ws_buf_puts(&cyc, name);
            tpl_src_error(s, tk->start, _("partial '%s' includes itself: %s"), name, cyc.data);
            ws_buf_free(&cyc);
            return NULL;
        }
        return p->failed ? NULL : p;
    }
    if (!t->partials_dir) {
        tpl_src_error(s, tk->start, _("{{> %s}}: partials are not available here"), name);
        return NULL;
    }
    if (chain_len >= 16) {
        tpl_src_error(s, tk->start, _("partials nested more than 16 deep"));
        return NULL;
    }
    tpartial *p = ws_xcalloc(1, sizeof *p);
    p->name = ws_xstrdup(name);
    t->partials = ws_xrealloc(t->partials, (t->npartials + 1) * sizeof *t->partials);
    t->partials[t->npartials++] = p;

    char path[4096], err[300];
    snprintf(path, sizeof path, "%s/%s.md", t->partials_dir, name);
    p->file = tpl_intern_file(t, path);
    ws_buf text = {0};
    /* Only a real file in a real partials/ folder beside the templates: a symbolic link (the file
     * or the folder) could make a form print any file the user can read. */
    struct stat st;
    int dir_ok = lstat(t->partials_dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (!dir_ok) snprintf(err, sizeof err, "%s 不是文件夹（符号链接不被跟随）", t->partials_dir);
    if (!dir_ok || ws_read_file_nofollow(path, TEMPLATE_MAX_FILE, &text, err, sizeof err) < 0) {
        tpl_src_error(s, tk->start, _("partial '%s': cannot read %s: %s"), name, path, err);
        p->failed = 1;
        ws_buf_free(&text);
        return NULL;
    }
    size_t bad;
    if (!ws_utf8_valid(text.data, text.len, &bad)) {
        src err_src;
        tpl_src_init(&err_src, t, s->d, path, text.data, text.len);
        tpl_src_error(&err_src, bad, _("not valid UTF-8 (save the file as UTF-8)"));
        free(err_src.lines);
        s->errors++;
        p->failed = 1;
        ws_buf_free(&text);
        return NULL;
    }
    p->loading = 1;
    src ps;
    tpl_src_init(&ps, t, s->d, path, text.data, text.len);
    const char *sub[17];
    for (int k = 0; k < chain_len; k++) sub[k] = chain[k];
    sub[chain_len] = name;
    /* A partial may be included inside a loop, so it may use $position and $count. */
    size_t start = text.len >= 3 && !memcmp(text.data, "\xef\xbb\xbf", 3) ? 3 : 0;
    if (tpl_build_body(&ps, start, text.len, &p->body, SCOPE_LOOP, sub, chain_len + 1) < 0 || ps.errors) p->failed = 1;
    s->errors += ps.errors;
    p->loading = 0;
    free(ps.lines);
    /* The nodes keep copies of their text; the file itself is no longer needed. */
    ws_buf_free(&text);
    return p->failed ? NULL : p;
}

void tpl_quote_token(const src *s, const token *t, char *buf, size_t len)
{
    size_t n = t->end - t->start;
    snprintf(buf, len, "%.*s%s", (int)(n > 200 ? 200 : n), s->text + t->start, n > 200 ? "…" : "");
}

static const char *block_name(tk_kind k) { return k == TK_EACH ? "{{#each}}" : "{{#if}}"; }

int tpl_build_body(src *s, size_t from, size_t to, tnode_list *body, xpath_scope scope, const char **chain,
                      int chain_len)
{
    tokens tk = {0};
    int rc = tpl_tokenize(s, from, to, &tk, 0);
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
        tpl_quote_token(s, t, what, sizeof what);
        switch (t->kind) {
        case TK_TEXT: {
            if (t->dropped) break;
            /* Text continues the previous node only when it continues it in the file too, so that
             * node lines stay true for the line map. */
            tnode *last = dest->n ? dest->v[dest->n - 1] : NULL;
            int contiguous = i > 0 && tk.v[i - 1].kind == TK_TEXT && !tk.v[i - 1].dropped && tk.v[i - 1].end == t->start;
            if (last && last->kind == TN_TEXT && contiguous) {
                last->src = ws_xrealloc(last->src, last->len + (t->end - t->start) + 1);
                memcpy(last->src + last->len, s->text + t->start, t->end - t->start);
                last->len += t->end - t->start;
                last->src[last->len] = 0;
            } else {
                tnode *n = tpl_new_node(s, TN_TEXT, t->start);
                n->src = ws_xstrndup(s->text + t->start, t->end - t->start);
                n->len = t->end - t->start;
                tpl_tnode_list_push(dest, n);
            }
            break;
        }
        case TK_VALUE:
        case TK_RAW: {
            xmlXPathCompExprPtr comp = tpl_compile_expr(s, t->arg, t->arglen, cur_scope, what, 0);
            if (!comp) break;
            tnode *n = tpl_new_node(s, t->kind == TK_RAW ? TN_RAW : TN_VALUE, t->start);
            n->src = ws_xstrndup(s->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->comp = comp;
            n->table = t->table;
            n->literal = t->literal;
            tpl_tnode_list_push(dest, n);
            break;
        }
        case TK_EACH:
        case TK_IF: {
            if (depth == TEMPLATE_MAX_LOOPS) {
                tpl_src_error(s, t->start, _("blocks nested more than %d deep"), TEMPLATE_MAX_LOOPS);
                rc = -1;
                goto out;
            }
            tnode *n = tpl_new_node(s, t->kind == TK_EACH ? TN_EACH : TN_IF, t->start);
            n->src = ws_xstrndup(s->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->comp = tpl_compile_expr(s, t->arg, t->arglen, cur_scope, what, t->kind == TK_EACH);
            tpl_tnode_list_push(dest, n);
            stack[depth++] = (struct frame){n, t->kind, t->start, 0, cur_scope};
            if (t->kind == TK_EACH) cur_scope = SCOPE_LOOP;
            break;
        }
        case TK_ELSE:
            if (!depth) {
                tpl_src_error(s, t->start, _("{{else}} outside {{#if}} or {{#each}}"));
            } else if (stack[depth - 1].in_else) {
                long l, c;
                tpl_src_pos(s, stack[depth - 1].at, &l, &c);
                tpl_src_error(s, t->start, _("a second {{else}} in the %s opened at line %ld"), block_name(stack[depth - 1].kind), l);
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
                tpl_src_error(s, t->start, _("%s without an open %s"), closer, block_name(want));
            } else if (stack[depth - 1].kind != want) {
                long l, c;
                tpl_src_pos(s, stack[depth - 1].at, &l, &c);
                tpl_src_error(s, t->start, _("%s closes the %s opened at line %ld, column %ld (close it with %s first)"),
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
            tnode *n = tpl_new_node(s, TN_PARTIAL, t->start);
            n->src = ws_xstrndup(s->text + t->arg, t->arglen);
            n->len = t->arglen;
            n->partial = p;
            if (t->indent_len) n->indent = ws_xstrndup(s->text + tk.v[i - 1].start, t->indent_len);
            tpl_tnode_list_push(dest, n);
            break;
        }
        case TK_COMMENT: break;
        }
    }
    while (depth > 0) {
        depth--;
        tpl_src_error(s, stack[depth].at, _("%s is never closed (add %s)"), block_name(stack[depth].kind),
                  stack[depth].kind == TK_EACH ? "{{/each}}" : "{{/if}}");
    }
out:
    free(tk.v);
    return rc < 0 || s->errors ? -1 : 0;
}

