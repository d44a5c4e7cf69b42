/* Privacy by declaration: a template whose front matter says `public: true` makes documents that
 * are posted or handed to the public (通报, 公布, the blank 测评表, 测评结果 …). Such a template may
 * count private elements, test whether they exist and print their attributes (a situation's kind,
 * where a member takes part), but it may never print their text. This is checked when the template
 * loads, so a public form that would print private text is never built at all.
 *
 * The check reads the expressions as written (no data is needed). An expression "reads" a private
 * element when a location path in it ends at that element, or at its text, outside a predicate
 * [..] and outside a function whose result says nothing of the text (count(), boolean(), sum() …);
 * inside {{#each}} over a private element, `.`, text() and string() read it too. Paths that go on
 * to an attribute (situation/@where) or up (..) do not.
 *
 * Reading expressions as written cannot be complete: a wildcard (member/ *, //node()), another
 * axis (descendant::*[name()='situation']) or the string value of an ancestor (string($record))
 * reaches private text without naming it. So the check at load is the helpful early message,
 * and the guarantee is the barrier at merge time (tpl_privacy_hide): while a public template is
 * merged, every private element of the record's document has no children at all, so no
 * expression, whatever its form, can see their text; elements and attributes stay, so counting
 * and @kind/@where work as before. The other documents a merge reaches carry no private text:
 * the index (campaign, units, organisations — the schema allows private elements only in a
 * member) and the member summaries behind $members (records.c copies only their attributes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "template/template_int.h"

/* THE list of private elements (local names), and what each holds, for messages. Only here:
 * tests/templates/test_privacy.sh reads this list between the markers. */
/* PRIVATE-FIELDS-BEGIN */
static const struct {
    const char *name, *what;
} private_fields[] = {
    {"situation", N_("the explanation of a member's special situation, such as an illness, an employment ended, a family matter")},
    {"receipt", N_("the member's own opinion written on the receipt (回执)")},
};
/* PRIVATE-FIELDS-END */

/* Functions whose value tells nothing of the text of their arguments (numbers, booleans, lengths). */
static const char *const opaque_functions[] = {
    "count", "boolean", "not", "sum", "number", "string-length", "round", "floor", "ceiling",
    "position", "last", "true", "false", "lang", "w:han", "w:chars", "w:percent", "w:cn",
    "w:heading-number", "math:max", "math:min",
};

static int is_name_start(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80; }
static int is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == ':';
}

static size_t skip_ws(const char *e, size_t i, size_t len)
{
    while (i < len && (e[i] == ' ' || e[i] == '\t' || e[i] == '\n' || e[i] == '\r')) i++;
    return i;
}

/* Skips predicates [..] (and strings inside them) from i; returns the index after them. */
static size_t skip_predicates(const char *e, size_t i, size_t len)
{
    for (i = skip_ws(e, i, len); i < len && e[i] == '['; i = skip_ws(e, i, len)) {
        int depth = 0;
        for (; i < len; i++) {
            if (e[i] == '\'' || e[i] == '"') {
                const char *c = memchr(e + i + 1, e[i], len - i - 1);
                i = c ? (size_t)(c - e) : len;
                continue;
            }
            if (e[i] == '[') depth++;
            if (e[i] == ']' && --depth == 0) {
                i++;
                break;
            }
        }
    }
    return i;
}

/* Whether the path that has reached a (private) node at i (just after its step) ends there or at
 * its text, rather than going on to an attribute, its parent or another element. */
static int path_ends_here(const char *e, size_t i, size_t len)
{
    i = skip_predicates(e, i, len);
    if (i >= len || e[i] != '/') return 1;
    i = skip_ws(e, i + 1 + (i + 1 < len && e[i + 1] == '/'), len);
    if (i >= len) return 1;
    if (e[i] == '@' || (e[i] == '.' && i + 1 < len && e[i + 1] == '.')) return 0;
    if (!strncmp(e + i, "attribute::", 11) || !strncmp(e + i, "parent::", 8) || !strncmp(e + i, "ancestor", 8))
        return 0;
    if (!strncmp(e + i, "text()", 6) || !strncmp(e + i, "node()", 6) || e[i] == '.' || e[i] == '*') return 1;
    return 0; /* a child element of its own: a separate field */
}

/* Returns the index into private_fields of a private element the expression prints, -2 when it
 * prints the context node and ctx_private says that is a private element ({{#each situation}}),
 * or -1. */
static int expr_reads_private(const char *e, size_t len, int ctx_private)
{
    int muted[64]; /* per open bracket: inside a predicate or an opaque function */
    int depth = 0, mute = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)e[i];
        if (c == '\'' || c == '"') {
            const char *q = memchr(e + i + 1, c, len - i - 1);
            i = q ? (size_t)(q - e) + 1 : len;
            continue;
        }
        if (c == '[' || c == '(') {
            if (depth < 64) muted[depth] = mute;
            depth++;
            if (c == '[') mute++;
            i++;
            continue;
        }
        if (c == ']' || c == ')') {
            if (depth > 0) depth--;
            if (depth < 64) mute = muted[depth];
            i++;
            continue;
        }
        if (c == '@' || c == '$') { /* an attribute or a variable: skip its name */
            i++;
            while (i < len && is_name_char((unsigned char)e[i]) && e[i] != ':') i++;
            continue;
        }
        if (c == '.' && !(i + 1 < len && e[i + 1] == '.')) {
            if (!mute && ctx_private && (i == 0 || e[i - 1] != '/') && path_ends_here(e, i + 1, len)) return -2;
            i++;
            continue;
        }
        if (c == '.') { /* .. */
            i += 2;
            continue;
        }
        if (!is_name_start(c)) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < len && is_name_char((unsigned char)e[i])) {
            if (e[i] == ':' && i + 1 < len && e[i + 1] == ':') break; /* an axis */
            i++;
        }
        size_t n = i, after = skip_ws(e, i, len);
        if (after + 1 < len && e[after] == ':' && e[after + 1] == ':') { /* axis name */
            i = after + 2;
            continue;
        }
        if (after < len && e[after] == '(') { /* a function call or a node test */
            int opaque = 0;
            for (size_t k = 0; k < sizeof opaque_functions / sizeof *opaque_functions; k++)
                if (strlen(opaque_functions[k]) == n - s && !memcmp(opaque_functions[k], e + s, n - s)) opaque = 1;
            size_t close = skip_ws(e, after + 1, len);
            int no_args = close < len && e[close] == ')';
            int reads_context = no_args && ((n - s == 4 && !memcmp(e + s, "text", 4)) ||
                                            (n - s == 6 && !memcmp(e + s, "string", 6)) ||
                                            (n - s == 15 && !memcmp(e + s, "normalize-space", 15)));
            if (!mute && ctx_private && reads_context && (s == 0 || e[s - 1] != '/') &&
                path_ends_here(e, close + 1, len))
                return -2;
            if (depth < 64) muted[depth] = mute;
            depth++;
            if (opaque) mute++;
            i = after + 1;
            continue;
        }
        if (mute) continue;
        for (size_t k = 0; k < sizeof private_fields / sizeof *private_fields; k++)
            if (strlen(private_fields[k].name) == n - s && !memcmp(private_fields[k].name, e + s, n - s) &&
                (s == 0 || e[s - 1] != '@') && path_ends_here(e, n, len))
                return (int)k;
    }
    return -1;
}

/* Index of the private field an expression of this node prints, or -1. ctx: the field the
 * enclosing {{#each}} selected (the context node), or -1. */
static int node_reads(const tnode *n, int ctx)
{
    int r = expr_reads_private(n->src, n->len, ctx >= 0);
    return r == -2 ? ctx : r;
}

static int check_list(const tnode_list *l, int ctx, diag *d, const char *form);

static int check_node(const tnode *n, int ctx, diag *d, const char *form)
{
    int bad = 0;
    switch (n->kind) {
    case TN_VALUE:
    case TN_RAW: {
        int k = node_reads(n, ctx);
        if (k >= 0) {
            diag_report(d, DIAG_ERROR, (diag_loc){n->file, n->line, n->col, NULL},
                        _("the form \"%s\" is posted or handed to the public (public: true in its front matter) "
                          "and may not print private text: {{ %.*s }} prints the text of %s (%s). It may count "
                          "them, test whether there are any, or print their attributes (such as @kind, @where), "
                          "but not their text"),
                        form, (int)n->len, n->src, private_fields[k].name, _(private_fields[k].what));
            bad = 1;
        }
        break;
    }
    case TN_EACH: {
        int k = node_reads(n, ctx);
        bad |= check_list(&n->body, k, d, form);
        bad |= check_list(&n->alt, ctx, d, form);
        break;
    }
    case TN_IF:
        bad |= check_list(&n->body, ctx, d, form);
        bad |= check_list(&n->alt, ctx, d, form);
        break;
    case TN_PARTIAL:
        if (n->partial && !n->partial->loading) {
            n->partial->loading = 1; /* a guard only: recursion was refused when it loaded */
            bad |= check_list(&n->partial->body, ctx, d, form);
            n->partial->loading = 0;
        }
        break;
    case TN_TEXT:
        break;
    }
    return bad;
}

static int check_list(const tnode_list *l, int ctx, diag *d, const char *form)
{
    int bad = 0;
    for (size_t i = 0; i < l->n; i++) bad |= check_node(l->v[i], ctx, d, form);
    return bad;
}

/* Checks a public template's body, file name and PDF properties. Returns the number of errors. */
int tpl_privacy_check(template *t, diag *d)
{
    const char *form = t->title ? t->title : t->path;
    int bad = check_list(&t->body, -1, d, form);
    bad |= check_list(&t->output, -1, d, form);
    for (int i = 0; i < PDF_NFIELDS; i++) bad |= check_list(&t->pdf[i], -1, d, form);
    return bad;
}

/* ---- the barrier at merge time ----
 *
 * The private elements of the last document scanned, found once per document: a document's
 * _private slot holds &scanned_token once it has been scanned, so a document freed and another
 * allocated at the same address (whose slot libxml2 leaves NULL) is scanned afresh. Documents are
 * not changed while they are merged (records are read-only once loaded). Merging is
 * single-threaded (template.h), and one merge at a time hides text. */
static struct {
    const xmlDoc *doc;
    xmlNodePtr *els, *saved_children, *saved_last;
    size_t n, cap;
    int hidden;
} scanned;
static char scanned_token;

static int is_private_name(const xmlChar *name)
{
    for (size_t k = 0; k < sizeof private_fields / sizeof *private_fields; k++)
        if (!strcmp((const char *)name, private_fields[k].name)) return 1;
    return 0;
}

/* Every element of doc whose local name is private, in document order (no recursion: a walk). */
static void scan_document(xmlDocPtr doc)
{
    scanned.n = 0;
    scanned.doc = doc;
    doc->_private = &scanned_token;
    for (xmlNodePtr n = xmlDocGetRootElement(doc); n; n = records_next_element(n)) {
        if (n->type == XML_ELEMENT_NODE && is_private_name(n->name)) {
            if (scanned.n == scanned.cap) {
                scanned.cap = scanned.cap ? scanned.cap * 2 : 64;
                scanned.els = ws_xrealloc(scanned.els, scanned.cap * sizeof *scanned.els);
                scanned.saved_children = ws_xrealloc(scanned.saved_children, scanned.cap * sizeof *scanned.els);
                scanned.saved_last = ws_xrealloc(scanned.saved_last, scanned.cap * sizeof *scanned.els);
            }
            scanned.els[scanned.n++] = n;
        }
    }
}

void tpl_privacy_hide(xmlDocPtr doc)
{
    if (!doc || scanned.hidden) return;
    if (scanned.doc != doc || doc->_private != &scanned_token) scan_document(doc);
    for (size_t i = 0; i < scanned.n; i++) {
        xmlNodePtr e = scanned.els[i];
        scanned.saved_children[i] = e->children;
        scanned.saved_last[i] = e->last;
        e->children = e->last = NULL; /* the children keep their parent pointer, but nothing leads to them */
    }
    scanned.hidden = 1;
}

void tpl_privacy_show(void)
{
    if (!scanned.hidden) return;
    for (size_t i = 0; i < scanned.n; i++) {
        scanned.els[i]->children = scanned.saved_children[i];
        scanned.els[i]->last = scanned.saved_last[i];
    }
    scanned.hidden = 0;
}
