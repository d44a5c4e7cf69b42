/* records_xsderr — libxml2's schema validity errors in words a clerk reads.
 *
 * libxml2 says `Element 'birth': '2005-13-01' is not a valid value of the atomic type 'xs:date'.`
 * A clerk needs the field as the forms name it (出生日期), what to write with an example, the
 * value that is wrong, and whose record it is. The error's code says what went wrong, its node
 * where (the element; an attribute is named in str1 or in the text), and the schema
 * (records_vocab.c) what the field is called and what its value must look like.
 *
 * Element order: libxml2 reports the first child out of place and what it expected there. That
 * is told as which element comes before which, or which one is missing, or — for a name the
 * element does not have at all — the nearest name it does have (a misspelling). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/i18n.h"
#include "records/records_int.h"
#include "records/records_xsd_int.h"

#define LABEL 160
#define VALUE 200
#define MAX_DECLS 64

/* ------------------------------------------------------------------ small helpers */

/* libxml2's text without the namespace braces and trailing newline. */
static void tidy(const char *in, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = in ? in : ""; *p && o + 1 < len;) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close) {
                p = close + 1;
                continue;
            }
        }
        out[o++] = *p++;
    }
    out[o] = 0;
    while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == ' ')) out[--o] = 0;
}

/* The attribute an error is about: libxml2 names it in its text, "…, attribute 'gender': …". */
int records_xsderr_attribute(const char *msg, char *attr, size_t len)
{
    const char *a = msg ? strstr(msg, "attribute '") : NULL;
    if (!a) return 0;
    a += strlen("attribute '");
    const char *q = strchr(a, '\'');
    if (!q || (size_t)(q - a) >= len) return 0;
    memcpy(attr, a, (size_t)(q - a));
    attr[q - a] = 0;
    return 1;
}

/* s, cut after about max bytes on a UTF-8 boundary, with "…" when cut. */
static void clip(const char *s, char *out, size_t len, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) {
        snprintf(out, len, "%s", s);
        return;
    }
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    snprintf(out, len, "%.*s…", (int)max, s);
}

static void node_value(xmlNodePtr node, const char *attr, char *out, size_t len)
{
    xmlChar *v = attr ? xmlGetProp(node, BAD_CAST attr) : xmlNodeGetContent(node);
    clip(v ? (const char *)v : "", out, len, 60);
    xmlFree(v);
}

static xmlNodePtr first_child_named(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) return c;
    return NULL;
}

/* " (member M07 王芳)" / "（党员 M07 王芳）": whose record the problem is in. */
static void record_suffix(xmlNodePtr node, char *out, size_t len)
{
    out[0] = 0;
    xmlNodePtr rec = node;
    for (; rec && rec->type == XML_ELEMENT_NODE; rec = rec->parent) {
        const char *nm = (const char *)rec->name;
        if (!strcmp(nm, "member") || !strcmp(nm, "organisation") || !strcmp(nm, "unit") || !strcmp(nm, "campaign"))
            break;
    }
    if (!rec || rec->type != XML_ELEMENT_NODE) return;
    char kind[LABEL], id[VALUE] = "", name[VALUE] = "";
    records_vocab_label(records_vocab_element(rec), (const char *)rec->name, kind, sizeof kind);
    xmlChar *idv = xmlGetProp(rec, BAD_CAST "id");
    if (idv) clip((const char *)idv, id, sizeof id, 64);
    xmlFree(idv);
    xmlNodePtr nm = first_child_named(rec, "name");
    if (nm && nm != node) node_value(nm, NULL, name, sizeof name);
    if (!*id) return;
    if (*name) snprintf(out, len, _(" (%s %s %s)"), kind, id, name);
    else snprintf(out, len, _(" (%s %s)"), kind, id);
}

/* "'男', '女'" (libxml2's list of allowed values) as "“男”或“女”". */
static void value_list(const char *set, char *out, size_t len)
{
    char items[32][VALUE];
    size_t n = 0;
    for (const char *p = set ? set : ""; n < 32 && (p = strchr(p, '\''));) {
        const char *q = strchr(p + 1, '\'');
        if (!q) break;
        snprintf(items[n++], VALUE, "%.*s", (int)(q - p - 1), p + 1);
        p = q + 1;
    }
    /* built up pairwise, so that the catalogue decides the separators ("、" and "或") */
    char *acc = ws_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char quoted[VALUE + 16];
        snprintf(quoted, sizeof quoted, _("\"%s\""), items[i]);
        ws_buf b = {0};
        if (i == 0) ws_buf_puts(&b, quoted);
        else ws_buf_printf(&b, i + 1 == n ? _("%s or %s") : _("%s, %s"), acc, quoted);
        free(acc);
        acc = ws_buf_steal(&b);
    }
    snprintf(out, len, "%s", acc);
    free(acc);
}

/* What a value of the schema's simple type looks like, with an example; NULL when the type
 * says nothing a clerk could use. */
static const char *expectation(const char *type)
{
    static const struct {
        const char *type, *text;
    } known[] = {
        {"date", N_("a date such as 1979-06-03 (year-month-day)")},
        {"boolean", N_("true or false")},
        {"Count", N_("a whole number from 0 to 10000000, such as 25")},
        {"Hours", N_("a number from 0 to 2000 with at most one decimal, such as 40 or 12.5")},
        {"Chars", N_("a whole number from 1 to 100000, such as 2000")},
        {"Id", N_("an id that starts with a letter and holds only letters, digits, _ . and - (at most 64), such as M07")},
    };
    for (size_t i = 0; type && i < sizeof known / sizeof *known; i++)
        if (!strcmp(known[i].type, type)) return _(known[i].text);
    return NULL;
}

static void label_of(xmlNodePtr decl, const char *fallback, char *out)
{
    records_vocab_label(decl, fallback, out, LABEL);
}

/* "<birth> (出生日期)", or just "<birth>" where the label is the name (messages in English). */
static void name_with_label(const char *name, xmlNodePtr decl, int tag, char *out, size_t len)
{
    char label[LABEL], shown[100];
    label_of(decl, name, label);
    snprintf(shown, sizeof shown, tag ? "<%s>" : "%s", name);
    if (!strcmp(label, name)) snprintf(out, len, "%s", shown);
    else snprintf(out, len, _("%s (%s)"), shown, label);
}

/* "工作单位及部门 (<job>)", or "<job>" where the label is the name. */
static void label_with_tag(const char *name, xmlNodePtr decl, char *out, size_t len)
{
    char label[LABEL];
    label_of(decl, name, label);
    if (!strcmp(label, name)) snprintf(out, len, "<%s>", name);
    else snprintf(out, len, _("%s (<%s>)"), label, name);
}

/* ------------------------------------------------------------------ element content */

/* The names in "Expected is ( a, b )" or "Expected is one of ( a, b )", without namespaces. */
static size_t expected_names(const char *msg, char names[][64], size_t max)
{
    const char *p = msg ? strstr(msg, "Expected is") : NULL;
    if (!p || !(p = strchr(p, '('))) return 0;
    const char *end = strchr(p, ')');
    if (!end) return 0;
    size_t n = 0;
    for (p++; p < end && n < max;) {
        while (p < end && (*p == ' ' || *p == ',')) p++;
        const char *s = p;
        while (p < end && *p != ',' && *p != ' ') p++;
        if (p == s) break;
        const char *brace = memchr(s, '}', (size_t)(p - s));
        if (brace) s = brace + 1;
        if (p > s && (size_t)(p - s) < 64) {
            memcpy(names[n], s, (size_t)(p - s));
            names[n][p - s] = 0;
            n++;
        }
    }
    return n;
}

static xmlNodePtr sibling_named(xmlNodePtr from, const char *name, int forward)
{
    for (xmlNodePtr c = from; c; c = forward ? c->next : c->prev)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) return c;
    return NULL;
}

/* "<tag> (label), <tag> (label), …" of what decl allows: where a misspelt name was meant. */
/* The name of decl's child element (attribute 0) or attribute (1) nearest to the misspelt name,
 * or NULL when none is near enough to suggest. */
static const char *nearest_name(xmlNodePtr decl, int attribute, const char *name)
{
    xmlNodePtr decls[MAX_DECLS];
    const char *cands[MAX_DECLS];
    size_t n = records_vocab_children(decl, attribute, decls, MAX_DECLS);
    for (size_t i = 0; i < n; i++) cands[i] = records_vocab_name(decls[i]);
    return records_vocab_nearest_of(name, cands, n);
}

static void allowed_list(xmlNodePtr decl, int attribute, char *out, size_t len)
{
    xmlNodePtr decls[MAX_DECLS];
    size_t n = records_vocab_children(decl, attribute, decls, MAX_DECLS);
    char *acc = ws_xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char item[LABEL + 100];
        const char *nm = records_vocab_name(decls[i]);
        name_with_label(nm ? nm : "?", decls[i], !attribute, item, sizeof item);
        ws_buf b = {0};
        if (i == 0) ws_buf_puts(&b, item);
        else ws_buf_printf(&b, _("%s, %s"), acc, item);
        free(acc);
        acc = ws_buf_steal(&b);
    }
    snprintf(out, len, "%s", acc);
    free(acc);
}

/* libxml2's expected list also names elements that may repeat and are already written (more
 * <problem>s after the first): dropped when written before `last` (inclusive, going back), so
 * that what is left is what is missing. The list stays whole when nothing would be left. */
static size_t drop_written(char names[][64], size_t n, xmlNodePtr last)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!sibling_named(last, names[i], 0)) kept++;
    if (!kept) return n;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (!sibling_named(last, names[i], 0)) memmove(names[o++], names[i], 64);
    return o;
}

static void element_content(const xmlError *e, xmlNodePtr node, const char *rec, char *out, size_t len)
{
    char names[16][64];
    size_t nexp = expected_names(e->message, names, 16);
    char here[LABEL];
    xmlNodePtr decl = records_vocab_element(node);
    label_of(decl, (const char *)node->name, here);

    if (e->message && strstr(e->message, "Missing child element")) {
        /* node is the parent; names[] are what it still needs */
        nexp = drop_written(names, nexp, xmlGetLastChild(node));
        if (nexp == 1) {
            char what[LABEL];
            label_of(records_vocab_child(decl, names[0], 0), names[0], what);
            snprintf(out, len, _("%s lacks %s: add <%s>…</%s>%s"), here, what, names[0], names[0], rec);
            return;
        }
        char list[800] = "";
        for (size_t i = 0; i < nexp; i++) {
            char item[LABEL + 80], acc[800];
            label_with_tag(names[i], records_vocab_child(decl, names[i], 0), item, sizeof item);
            if (i == 0) snprintf(acc, sizeof acc, "%s", item);
            else snprintf(acc, sizeof acc, _("%s or %s"), list, item);
            snprintf(list, sizeof list, "%s", acc);
        }
        snprintf(out, len, _("%s lacks one of %s%s"), here, list, rec);
        return;
    }

    /* "This element is not expected": node is the child out of place, under parent */
    xmlNodePtr parent = node->parent && node->parent->type == XML_ELEMENT_NODE ? node->parent : NULL;
    xmlNodePtr pdecl = parent ? records_vocab_element(parent) : NULL;
    char plabel[LABEL];
    label_of(pdecl, parent ? (const char *)parent->name : "", plabel);
    const char *nm = (const char *)node->name;
    if (pdecl && !records_vocab_child(pdecl, nm, 0)) {
        /* not an element this parent has at all: a misspelling, or a field that does not exist */
        const char *near = nearest_name(pdecl, 0, nm);
        if (near) {
            char what[LABEL + 100];
            name_with_label(near, records_vocab_child(pdecl, near, 0), 1, what, sizeof what);
            snprintf(out, len, _("%s has no element <%s>; did you mean %s?%s"), plabel, nm, what, rec);
        } else {
            char list[1200];
            allowed_list(pdecl, 0, list, sizeof list);
            snprintf(out, len, _("%s has no element <%s>: delete it, or use one of %s%s"), plabel, nm, list, rec);
        }
        return;
    }
    nexp = drop_written(names, nexp, node->prev);
    if (!nexp) {
        if (sibling_named(node->prev, nm, 0))
            snprintf(out, len, _("%s may be written only once%s"), here, rec);
        else
            snprintf(out, len, _("%s is not in its place in %s: move it or delete it%s"), here, plabel, rec);
        return;
    }
    if (sibling_named(node->prev, nm, 0)) {
        /* a second one of an element allowed once, where something else must follow */
        xmlNodePtr cdecl = records_vocab_child(pdecl, nm, 0);
        const char *maxo = cdecl ? (const char *)xmlGetProp(cdecl, BAD_CAST "maxOccurs") : NULL;
        int once = !maxo;
        xmlFree((xmlChar *)maxo);
        if (once) {
            snprintf(out, len, _("%s may be written only once%s"), here, rec);
            return;
        }
    }
    /* the expected element written further down: the two are in the wrong order */
    for (size_t i = 0; i < nexp; i++) {
        if (!sibling_named(node->next, names[i], 1)) continue;
        char what[LABEL];
        label_of(records_vocab_child(pdecl, names[i], 0), names[i], what);
        snprintf(out, len, _("\"%s\" must come before \"%s\"%s"), what, here, rec);
        return;
    }
    if (nexp == 1) {
        char what[LABEL + 80];
        label_with_tag(names[0], records_vocab_child(pdecl, names[0], 0), what, sizeof what);
        snprintf(out, len, _("%s is missing: it comes before \"%s\"%s"), what, here, rec);
        return;
    }
    char list[800] = "";
    for (size_t i = 0; i < nexp; i++) {
        char what[LABEL], acc[800];
        label_of(records_vocab_child(pdecl, names[i], 0), names[i], what);
        if (i == 0) snprintf(acc, sizeof acc, _("\"%s\""), what);
        else {
            char q[LABEL + 8];
            snprintf(q, sizeof q, _("\"%s\""), what);
            snprintf(acc, sizeof acc, _("%s or %s"), list, q);
        }
        snprintf(list, sizeof list, "%s", acc);
    }
    snprintf(out, len, _("\"%s\" is out of place: here %s may come%s"), here, list, rec);
}

/* ------------------------------------------------------------------ the translation */

int records_xsderr_message(const xmlError *e, char *out, size_t len)
{
    if (!e || e->domain != XML_FROM_SCHEMASV) return 0;
    xmlNodePtr node = e->node;
    char raw[1200];
    tidy(e->message, raw, sizeof raw);
    if (!node || node->type != XML_ELEMENT_NODE) {
        if (e->code == XML_SCHEMAV_CVC_ELT_1) return 0; /* the root: records_load says it better */
        snprintf(out, len, _("this does not follow the records schema (%s)"), raw);
        return 1;
    }

    char attr[100] = "", rec[3 * VALUE], label[LABEL], value[VALUE];
    int on_attr = records_xsderr_attribute(e->message, attr, sizeof attr);
    record_suffix(node, rec, sizeof rec);
    xmlNodePtr edecl = records_vocab_element(node);
    xmlNodePtr decl = on_attr ? records_vocab_child(edecl, attr, 1) : edecl;
    label_of(decl, on_attr ? attr : (const char *)node->name, label);
    const char *type = records_vocab_value_type(decl);

    switch (e->code) {
    case XML_SCHEMAV_CVC_ENUMERATION_VALID: {
        char list[1000];
        value_list(e->str2, list, sizeof list);
        node_value(node, on_attr ? attr : NULL, value, sizeof value);
        snprintf(out, len, _("%s can only be %s, not \"%s\"%s"), label, list, value, rec);
        return 1;
    }
    case XML_SCHEMAV_CVC_MINLENGTH_VALID:
        snprintf(out, len, _("%s must not be empty%s"), label, rec);
        return 1;
    case XML_SCHEMAV_CVC_MAXLENGTH_VALID:
        snprintf(out, len, _("%s is too long: at most %s characters, not %s%s"), label, e->str2 ? e->str2 : "?",
                 e->str1 ? e->str1 : "?", rec);
        return 1;
    case XML_SCHEMAV_CVC_PATTERN_VALID:
        if (type && (!strcmp(type, "Text") || !strcmp(type, "OptionalText"))) {
            snprintf(out, len, _("%s must not be blank%s"), label, rec);
            return 1;
        }
        __attribute__((fallthrough)); /* the pattern of an id: said as the value it must be */
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
    case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_TOTALDIGITS_VALID:
    case XML_SCHEMAV_CVC_FRACTIONDIGITS_VALID: {
        const char *want = expectation(type);
        node_value(node, on_attr ? attr : NULL, value, sizeof value);
        if (want) snprintf(out, len, _("%s must be %s, not \"%s\"%s"), label, want, value, rec);
        else snprintf(out, len, _("%s has a value that is not allowed: \"%s\" (%s)%s"), label, value, raw, rec);
        return 1;
    }
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2: {
        const char *bad = e->str1 ? e->str1 : attr;
        char here[LABEL];
        label_of(edecl, (const char *)node->name, here);
        const char *near = nearest_name(edecl, 1, bad);
        if (near) {
            char what[LABEL + 100];
            name_with_label(near, records_vocab_child(edecl, near, 1), 0, what, sizeof what);
            snprintf(out, len, _("%s has no attribute %s; did you mean %s?%s"), here, bad, what, rec);
        } else {
            char list[1200];
            allowed_list(edecl, 1, list, sizeof list);
            snprintf(out, len, _("%s has no attribute %s: delete it, or use one of %s%s"), here, bad, list, rec);
        }
        return 1;
    }
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4: {
        const char *miss = e->str1 ? e->str1 : "?";
        char what[LABEL];
        label_of(records_vocab_child(edecl, miss, 1), miss, what);
        snprintf(out, len, _("%s is missing: write %s=\"…\" in <%s>%s"), what, miss, (const char *)node->name, rec);
        return 1;
    }
    case XML_SCHEMAV_ELEMENT_CONTENT:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_4:
        element_content(e, node, rec, out, len);
        return 1;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
        snprintf(out, len, _("%s holds other elements only, not text of its own%s"), label, rec);
        return 1;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
    case XML_SCHEMAV_CVC_ELT_3_2_1:
        snprintf(out, len, _("%s must be empty: what it says goes in its attributes%s"), label, rec);
        return 1;
    case XML_SCHEMAV_CVC_IDC: {
        const char *k = strstr(raw, "['");
        const char *q = k ? strstr(k + 2, "']") : NULL;
        if (k && q && strstr(raw, "phase-once")) {
            snprintf(value, sizeof value, "%.*s", (int)(q - k - 2), k + 2);
            snprintf(out, len, _("the phase \"%s\" is written more than once%s"), value, rec);
            return 1;
        }
        break;
    }
    default:
        break;
    }
    snprintf(out, len, _("%s does not follow the records schema (%s)%s"), label, raw, rec);
    return 1;
}
