/* Checking template expressions before libxml2 compiles them.
 *
 * libxml2 reports an unknown function or variable only when an expression runs, with a message
 * that does not name it ("Unregistered function"), and it accepts some unfinished expressions
 * (`string(` is read as `string(.)`). Template authors deserve better, so this small XPath lexer
 * finds function calls, variables and brackets itself and says which one is wrong, and where. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "base/i18n.h"
#include "records/records.h"
#include "template/template_int.h"
#include "template/xpathfn.h"

/* Argument counts of the XPath 1.0 core functions; -1 = any number. */
static const struct {
    const char *name;
    int min, max;
} core[] = {
    {"last", 0, 0},           {"position", 0, 0},     {"count", 1, 1},         {"id", 1, 1},
    {"local-name", 0, 1},     {"namespace-uri", 0, 1}, {"name", 0, 1},         {"string", 0, 1},
    {"concat", 2, -1},        {"starts-with", 2, 2},  {"contains", 2, 2},      {"substring-before", 2, 2},
    {"substring-after", 2, 2}, {"substring", 2, 3},   {"string-length", 0, 1}, {"normalize-space", 0, 1},
    {"translate", 3, 3},      {"boolean", 1, 1},      {"not", 1, 1},           {"true", 0, 0},
    {"false", 0, 0},          {"lang", 1, 1},         {"number", 0, 1},        {"sum", 1, 1},
    {"floor", 1, 1},          {"ceiling", 1, 1},      {"round", 1, 1},
};

static int name_start(unsigned char c) { return isalpha(c) || c == '_' || c >= 0x80; }
static int name_char(unsigned char c) { return isalnum(c) || c == '_' || c == '-' || c == '.' || c >= 0x80; }

static size_t skip_space(const char *e, size_t i, size_t len)
{
    while (i < len && isspace((unsigned char)e[i])) i++;
    return i;
}

static const char *const record_vars[] = {"record", "organisation", "unit", "campaign", "form", "members", "organisations"};

static int known_variable(const char *name, size_t n, xpath_scope scope)
{
    if (scope == SCOPE_RECORDS)
        return (n == 8 && !memcmp(name, "campaign", 8)) || (n == 4 && !memcmp(name, "form", 4));
    for (size_t i = 0; i < sizeof record_vars / sizeof *record_vars; i++)
        if (strlen(record_vars[i]) == n && !memcmp(record_vars[i], name, n)) return 1;
    if (scope == SCOPE_LOOP)
        return (n == 8 && !memcmp(name, "position", 8)) || (n == 5 && !memcmp(name, "count", 5));
    return 0;
}

typedef struct {
    char open;
    size_t at;
    int is_call, args, has_arg;
    int min, max; /* known argument counts, min < 0 when unknown */
    int clock;    /* an EXSLT date: function that reads the clock when given no argument */
    char fname[160];
} bracket;

/* EXSLT date: functions read the system clock when called without a date: the output would then
 * change from run to run while the incremental build's key stays the same. date:date-time() is
 * nothing but the clock; the others are allowed with an argument. These take no clock. */
static int reads_clock(const char *uri, const char *lname)
{
    static const char *const pure[] = {"add", "add-duration", "difference", "duration", "sum", "format-date", "parse-date"};
    if (!uri || strcmp(uri, "http://exslt.org/dates-and-times")) return 0;
    for (size_t i = 0; i < sizeof pure / sizeof *pure; i++)
        if (!strcmp(pure[i], lname)) return 0;
    return 1;
}

int tpl_lint(template *t, const char *e, size_t len, xpath_scope scope, char *msg, size_t msglen, size_t *offset)
{
    bracket st[64];
    int depth = 0, operand = 0;
    int attr_step = 0; /* the next name test names an attribute (after @ or attribute::) */
    size_t i = 0;
#define FAIL(at, ...)                                                                                             \
    do {                                                                                                          \
        *offset = (at);                                                                                           \
        snprintf(msg, msglen, __VA_ARGS__);                                                                       \
        return -1;                                                                                                \
    } while (0)
#define MARK_ARG()                                                                                                \
    do {                                                                                                          \
        if (depth) st[depth - 1].has_arg = 1;                                                                     \
    } while (0)

    while (i < len) {
        unsigned char c = (unsigned char)e[i];
        if (isspace(c)) {
            i++;
            continue;
        }
        if (c == '\'' || c == '"') {
            const char *close = memchr(e + i + 1, c, len - i - 1);
            if (!close) FAIL(i, _("unterminated string: %c has no closing %c"), c, c);
            MARK_ARG();
            i = (size_t)(close - e) + 1;
            operand = 1;
            continue;
        }
        if (isdigit(c) || (c == '.' && i + 1 < len && isdigit((unsigned char)e[i + 1]))) {
            while (i < len && (isdigit((unsigned char)e[i]) || e[i] == '.')) i++;
            MARK_ARG();
            operand = 1;
            continue;
        }
        if (c == '$') {
            size_t s = i + 1, k = s;
            while (k < len && name_char((unsigned char)e[k])) k++;
            if (k == s || !name_start((unsigned char)e[s])) FAIL(i, _("'$' must be followed by a variable name"));
            if (!known_variable(e + s, k - s, scope) && memchr(e + s, '-', k - s))
                FAIL(i, _("unknown variable '$%.*s' (a '-' belongs to the name: write spaces around a minus)"),
                     (int)(k - s), e + s);
            if (!known_variable(e + s, k - s, scope))
                FAIL(i, _("unknown variable '$%.*s' (%s)"), (int)(k - s), e + s,
                     scope == SCOPE_RECORDS ? _("records: may use $campaign and $form")
                     : scope == SCOPE_RECORD
                         ? _("known: $record, $organisation, $unit, $campaign, $form; $position and $count only "
                             "inside {{#each}}")
                         : _("known: $record, $organisation, $unit, $campaign, $form, $position, $count"));
            MARK_ARG();
            i = k;
            operand = 1;
            continue;
        }
        if (c == '(' || c == '[') {
            if (depth == (int)(sizeof st / sizeof *st)) FAIL(i, _("brackets nested too deeply"));
            MARK_ARG();
            st[depth++] = (bracket){.open = (char)c, .at = i, .min = -1};
            operand = 0;
            i++;
            continue;
        }
        if (c == ')' || c == ']') {
            char want = c == ')' ? '(' : '[';
            if (!depth) FAIL(i, _("'%c' without a matching '%c'"), c, want);
            bracket *b = &st[depth - 1];
            if (b->open != want) FAIL(i, _("'%c' where '%c' was expected (to close the '%c' at %zu)"), c,
                                      b->open == '(' ? ')' : ']', b->open, b->at + 1);
            if (b->clock && !b->has_arg)
                FAIL(b->at, _("%s() without an argument reads the system clock: the output would change from run to run without the incremental build noticing; pass a date from the records"),
                     b->fname);
            if (b->is_call && b->min >= 0) {
                int n = b->has_arg ? b->args + 1 : 0;
                if (n < b->min || (b->max >= 0 && n > b->max)) {
                    char want_args[40];
                    if (b->min == b->max)
                        snprintf(want_args, sizeof want_args, "%d", b->min);
                    else if (b->max < 0)
                        snprintf(want_args, sizeof want_args, _("at least %d"), b->min);
                    else
                        snprintf(want_args, sizeof want_args, _("%d to %d"), b->min, b->max);
                    if (b->max == 1 && b->min == 1)
                        FAIL(b->at, _("%s() takes %s argument, not %d"), b->fname, want_args, n);
                    FAIL(b->at, _("%s() takes %s arguments, not %d"), b->fname, want_args, n);
                }
            }
            depth--;
            i++;
            operand = 1;
            continue;
        }
        if (c == ',') {
            if (!depth || st[depth - 1].open != '(' || !st[depth - 1].is_call) FAIL(i, _("',' outside a function's arguments"));
            st[depth - 1].args++;
            operand = 0;
            i++;
            continue;
        }
        if (name_start(c)) {
            size_t s = i, k = i;
            while (k < len && name_char((unsigned char)e[k])) k++;
            size_t prefix_len = 0, local = s;
            if (k + 1 < len && e[k] == ':' && e[k + 1] != ':' &&
                (name_start((unsigned char)e[k + 1]) || e[k + 1] == '*')) {
                prefix_len = k - s;
                local = k + 1;
                k = local;
                if (e[k] == '*')
                    k++;
                else
                    while (k < len && name_char((unsigned char)e[k])) k++;
            }
            size_t after = skip_space(e, k, len);
            size_t local_len = k - local;
            MARK_ARG();
            if (after + 1 < len && e[after] == ':' && e[after + 1] == ':') { /* an axis */
                attr_step = local_len == 9 && !memcmp(e + s, "attribute", 9);
                i = after + 2;
                operand = 0;
                continue;
            }
            if (operand && !prefix_len &&
                ((local_len == 3 && (!memcmp(e + s, "and", 3) || !memcmp(e + s, "div", 3) || !memcmp(e + s, "mod", 3))) ||
                 (local_len == 2 && !memcmp(e + s, "or", 2)))) {
                i = k; /* an operator */
                operand = 0;
                continue;
            }
            if (after < len && e[after] == '(') {
                static const char *const node_types[] = {"node", "text", "comment", "processing-instruction"};
                int node_type = 0;
                for (size_t n = 0; !prefix_len && n < 4; n++)
                    if (strlen(node_types[n]) == local_len && !memcmp(node_types[n], e + s, local_len)) node_type = 1;
                if (!node_type) {
                    char prefix[64] = "", fname[160];
                    if (prefix_len >= sizeof prefix || local_len >= 64) FAIL(s, _("name too long"));
                    memcpy(prefix, e + s, prefix_len);
                    prefix[prefix_len] = 0;
                    char lname[64];
                    memcpy(lname, e + local, local_len);
                    lname[local_len] = 0;
                    snprintf(fname, sizeof fname, "%s%s%s", prefix, prefix_len ? ":" : "", lname);
                    const xmlChar *uri = NULL;
                    if (prefix_len) {
                        uri = xmlXPathNsLookup(t->xc, BAD_CAST prefix);
                        if (!uri) FAIL(s, _("unknown prefix '%s:' in %s() (known: w:, str:, math:, set:, date:)"), prefix, fname);
                    }
                    if (!xmlXPathFunctionLookupNS(t->xc, BAD_CAST lname, uri)) {
                        if (uri && !strcmp((const char *)uri, WENSHU_FN_NS))
                            FAIL(s, _("unknown function %s() (the w: functions are date, year-month, age, cn, "
                                    "heading-number, chars, han, percent, default, join, join-cn, unit-organisations)"), fname);
                        FAIL(s, _("unknown function %s()"), fname);
                    }
                    int mn = -1, mx = -1;
                    if (uri && !strcmp((const char *)uri, WENSHU_FN_NS))
                        xpathfn_arity(lname, &mn, &mx);
                    else if (!uri)
                        for (size_t n = 0; n < sizeof core / sizeof *core; n++)
                            if (!strcmp(core[n].name, lname)) mn = core[n].min, mx = core[n].max;
                    if (depth == (int)(sizeof st / sizeof *st)) FAIL(i, _("brackets nested too deeply"));
                    if (reads_clock((const char *)uri, lname) && !strcmp(lname, "date-time"))
                        FAIL(s, _("%s() reads the system clock: the output would change from run to run without the incremental build noticing; use a date from the records"), fname);
                    st[depth++] = (bracket){.open = '(', .at = after, .is_call = 1, .min = mn, .max = mx,
                                            .clock = reads_clock((const char *)uri, lname)};
                    snprintf(st[depth - 1].fname, sizeof st[depth - 1].fname, "%s", fname);
                    i = after + 1;
                    operand = 0;
                    continue;
                }
            }
            /* A name test: the records have only the elements and attributes the schema
             * declares, so any other name selects nothing and prints an empty field — most often
             * a misspelling ({{ nmae }}). Checked when the schema's vocabulary is loaded. */
            int node_test = after < len && e[after] == '('; /* node(), text(): no name */
            if (!prefix_len && !node_test && e[local] != '*' && local_len < 64 && records_vocab_loaded()) {
                char nm[64];
                memcpy(nm, e + local, local_len);
                nm[local_len] = 0;
                if (!records_vocab_has(nm, attr_step)) {
                    const char *near = records_vocab_nearest(nm, attr_step);
                    if (attr_step && near)
                        FAIL(s, _("the records have no attribute @%s; did you mean @%s?"), nm, near);
                    if (attr_step)
                        FAIL(s, _("the records have no attribute @%s (see schemas/campaign.xsd)"), nm);
                    if (near) FAIL(s, _("the records have no element %s; did you mean %s?"), nm, near);
                    FAIL(s, _("the records have no element %s (see schemas/campaign.xsd)"), nm);
                }
            }
            attr_step = 0;
            i = k; /* a name test or node type test */
            operand = 1;
            continue;
        }
        if (c == '*') {
            attr_step = 0;
            if (!operand) MARK_ARG();
            operand = !operand; /* a name test after an operator, multiplication after an operand */
            i++;
            continue;
        }
        if (c == '.') {
            MARK_ARG();
            i += i + 1 < len && e[i + 1] == '.' ? 2 : 1;
            operand = 1;
            continue;
        }
        if (c == '@' || c == '/') MARK_ARG();
        attr_step = c == '@';
        operand = 0; /* operators and anything libxml2 will judge */
        i++;
    }
    if (depth) {
        bracket *b = &st[depth - 1];
        FAIL(b->at, _("'%c' is never closed (missing '%c')"), b->open, b->open == '(' ? ')' : ']');
    }
    return 0;
#undef FAIL
#undef MARK_ARG
}
