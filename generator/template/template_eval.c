/* Merging a compiled template with one record: variables, loops, escaping, limits. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "template/mdescape.h"
#include "base/i18n.h"
#include "template/template_int.h"
#include "template/xpathfn.h"

#define XPATH_OP_BUDGET 50000000UL /* steps per evaluation: stops runaway expressions */

const char *tpl_xpath_error_text(int code)
{
    switch (code) {
    case XPATH_NUMBER_ERROR: return _("malformed number");
    case XPATH_UNFINISHED_LITERAL_ERROR: return _("unfinished string");
    case XPATH_START_LITERAL_ERROR: return _("a string must start with a quote");
    case XPATH_VARIABLE_REF_ERROR: return _("malformed variable name");
    case XPATH_UNDEF_VARIABLE_ERROR: return _("undefined variable");
    case XPATH_INVALID_PREDICATE_ERROR: return _("malformed [condition]");
    case XPATH_EXPR_ERROR: return _("invalid expression");
    case XPATH_UNCLOSED_ERROR: return _("something is not closed");
    case XPATH_UNKNOWN_FUNC_ERROR: return _("unknown function");
    case XPATH_INVALID_OPERAND: return _("invalid operand");
    case XPATH_INVALID_TYPE: return _("wrong type of value (a function wants nodes, e.g. count() or w:join())");
    case XPATH_INVALID_ARITY: return _("wrong number of arguments");
    case XPATH_INVALID_CTXT_SIZE: return _("invalid context size");
    case XPATH_INVALID_CTXT_POSITION: return _("invalid context position");
    case XPATH_MEMORY_ERROR: return _("out of memory");
    case XPATH_UNDEF_PREFIX_ERROR: return _("unknown namespace prefix");
    case XPATH_ENCODING_ERROR: return _("encoding error");
    case XPATH_INVALID_CHAR_ERROR: return _("invalid character");
    case XPATH_STACK_ERROR: return _("stack usage error");
    case XPATH_OP_LIMIT_EXCEEDED: return _("the expression takes too many steps (more than 50 million)");
    case XPATH_RECURSION_LIMIT_EXCEEDED: return _("the expression is nested too deeply");
    default: return _("XPath error");
    }
}

static void capture_error(void *data, xmlErrorPtr err)
{
    template *t = data;
    if (t->err_code) return; /* the first error is the cause; later ones are consequences */
    t->err_code = err->code - XML_XPATH_EXPRESSION_OK + XPATH_EXPRESSION_OK;
    if (t->err_code <= 0) t->err_code = XPATH_EXPR_ERROR;
    t->err_offset = err->int1;
}

static xmlXPathObjectPtr nodes(xmlNodePtr n) { return xmlXPathNewNodeSet(n); }

static int is_named(xmlNodePtr n, const char *name) { return n && !strcmp((const char *)n->name, name); }

/* $members: the members of the record's organisation (and of those below it); for a unit record,
 * of every organisation of the unit. They come from the index, so they may live in other files. */
static xmlXPathObjectPtr members_of_record(template *t)
{
    xmlNodePtr owner = t->v_record && is_named(t->v_record, "unit") ? t->v_record : t->v_organisation;
    xmlChar *id = owner ? xmlGetProp(owner, BAD_CAST "id") : NULL;
    xmlNodePtr *found = NULL;
    size_t n = id ? records_members(t->ix, (const char *)id, &found) : 0;
    xmlFree(id);
    xmlXPathObjectPtr set = xmlXPathNewNodeSet(NULL);
    for (size_t i = 0; i < n; i++) xmlXPathNodeSetAdd(set->nodesetval, found[i]);
    free(found);
    return set;
}

/* $organisations: the record's organisation and every organisation below it in the tree (a unit:
 * its organisations and those below), from the index — other files and other units included. */
static xmlXPathObjectPtr organisations_of_record(template *t)
{
    xmlNodePtr owner = t->v_record && is_named(t->v_record, "unit") ? t->v_record : t->v_organisation;
    xmlChar *id = owner ? xmlGetProp(owner, BAD_CAST "id") : NULL;
    xmlNodePtr *found = NULL;
    size_t n = id ? records_organisations(t->ix, (const char *)id, &found) : 0;
    xmlFree(id);
    xmlXPathObjectPtr set = xmlXPathNewNodeSet(NULL);
    for (size_t i = 0; i < n; i++) xmlXPathNodeSetAdd(set->nodesetval, found[i]);
    free(found);
    return set;
}

/* w:unit-organisations(id): the organisations whose @unit is id, from the index — every input
 * file, so that a `records:` selection (which sees one file) can ask about a unit whose
 * organisations another file holds (spreadsheet import puts a tree in the file of its top unit). */
static void fn_unit_organisations(xmlXPathParserContextPtr ctxt, int nargs)
{
    if (nargs != 1) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    xmlChar *id = xmlXPathPopString(ctxt);
    template *t = ctxt->context->userData;
    xmlXPathObjectPtr set = xmlXPathNewNodeSet(NULL);
    xmlNodePtr *found = NULL;
    size_t n = t && !t->dry && t->ix && id ? records_organisations(t->ix, (const char *)id, &found) : 0;
    for (size_t i = 0; i < n; i++) {
        xmlChar *unit = xmlGetProp(found[i], BAD_CAST "unit");
        if (unit && !xmlStrcmp(unit, id)) xmlXPathNodeSetAdd(set->nodesetval, found[i]);
        xmlFree(unit);
    }
    free(found);
    xmlFree(id);
    valuePush(ctxt, set);
}

static xmlXPathObjectPtr lookup_variable(void *data, const xmlChar *name, const xmlChar *ns_uri)
{
    template *t = data;
    const char *v = (const char *)name;
    if (ns_uri) return NULL;
    if (!strcmp(v, "record")) return nodes(t->dry ? NULL : t->v_record);
    if (!strcmp(v, "organisation")) return nodes(t->dry ? NULL : t->v_organisation);
    if (!strcmp(v, "unit")) return nodes(t->dry ? NULL : t->v_unit);
    if (!strcmp(v, "campaign")) return nodes(t->dry ? NULL : t->v_campaign);
    if (!strcmp(v, "members")) return t->dry ? xmlXPathNewNodeSet(NULL) : members_of_record(t);
    if (!strcmp(v, "organisations")) return t->dry ? xmlXPathNewNodeSet(NULL) : organisations_of_record(t);
    if (!strcmp(v, "form")) return xmlXPathNewCString(t->name ? t->name : "");
    if (!strcmp(v, "position") || !strcmp(v, "count")) {
        if (t->dry) return xmlXPathNewFloat(1);
        if (!t->nloops) return NULL;
        return xmlXPathNewFloat(v[0] == 'p' ? t->loop_position[t->nloops - 1] : t->loop_count[t->nloops - 1]);
    }
    return NULL;
}

int tpl_context_init(template *t)
{
    t->dummy = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr root = xmlNewDocNode(t->dummy, NULL, BAD_CAST "wenshu", NULL);
    xmlDocSetRootElement(t->dummy, root);
    t->xc = xmlXPathNewContext(t->dummy);
    if (!t->xc) return -1;
    xpathfn_register(t->xc);
    xmlXPathRegisterFuncNS(t->xc, BAD_CAST "unit-organisations", BAD_CAST WENSHU_FN_NS, fn_unit_organisations);
    xmlXPathRegisterVariableLookup(t->xc, lookup_variable, t);
    t->xc->error = capture_error;
    t->xc->userData = t;
    t->xc->opLimit = XPATH_OP_BUDGET;
    return 0;
}

static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx, (void)msg;
}

xmlXPathObjectPtr tpl_eval(template *t, xmlXPathCompExprPtr comp, xmlNodePtr context)
{
    t->err_code = 0;
    t->err_offset = -1;
    if (!context) context = xmlDocGetRootElement(t->dummy);
    t->xc->node = context;
    t->xc->doc = context->doc;
    t->xc->opCount = 0;
    /* Within a record, an expression may use what the record has left; a record's expressions
     * together never use more than TEMPLATE_MAX_STEPS. */
    t->xc->opLimit = t->steps_left && t->steps_left < XPATH_OP_BUDGET ? t->steps_left : XPATH_OP_BUDGET;
    /* Where libxml2 meets the limit inside a step it prints its own lines ("XPath operation limit
     * exceeded") on the generic channel instead of calling the context's handler: silenced here,
     * the error is ours to report. */
    xmlGenericErrorFunc saved_fn = xmlGenericError;
    void *saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(NULL, silent);
    xmlXPathObjectPtr r = xmlXPathCompiledEval(comp, t->xc);
    xmlSetGenericErrorFunc(saved_ctx, saved_fn);
    if (t->steps_left) {
        int spent = t->xc->opCount >= t->xc->opLimit;
        t->steps_left = t->xc->opCount < t->steps_left ? t->steps_left - t->xc->opCount : 1;
        if ((t->err_code || !r) && (spent || t->err_code == XPATH_OP_LIMIT_EXCEEDED) && t->xc->opLimit < XPATH_OP_BUDGET)
            t->out_of_steps = 1;
    }
    if (t->err_code || !r) {
        if (!t->err_code) t->err_code = XPATH_EXPR_ERROR;
        xmlXPathFreeObject(r);
        return NULL;
    }
    return r;
}

/* ---- references ---- */

static xmlNodePtr find_in_doc(xmlNodePtr n, const char *name, const char *id)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (name && !strcmp((const char *)n->name, name)) return n;
        if (id) {
            xmlChar *v = xmlGetProp(n, BAD_CAST "id");
            int hit = v && !strcmp((const char *)v, id);
            xmlFree(v);
            if (hit) return n;
        }
        xmlNodePtr r = find_in_doc(n->children, name, id);
        if (r) return r;
    }
    return NULL;
}

static xmlNodePtr lookup_id(template *t, xmlNodePtr record, const char *id)
{
    if (!id || !*id) return NULL;
    if (t->ix) return records_lookup(t->ix, id);
    return record && record->doc ? find_in_doc(record->doc->children, NULL, id) : NULL;
}


static void set_record_variables(template *t, xmlNodePtr record, xmlDocPtr doc)
{
    t->v_record = record;
    t->v_organisation = t->v_unit = NULL;
    if (record) {
        xmlChar *org = xmlGetProp(record, BAD_CAST "org");
        t->v_organisation = is_named(record, "organisation") ? record : lookup_id(t, record, (const char *)org);
        xmlFree(org);
        xmlNodePtr holder = t->v_organisation ? t->v_organisation : record;
        xmlChar *unit = xmlGetProp(holder, BAD_CAST "unit");
        t->v_unit = is_named(record, "unit") ? record : lookup_id(t, holder, (const char *)unit);
        xmlFree(unit);
    }
    if (t->ix)
        t->v_campaign = records_campaign(t->ix);
    else
        t->v_campaign = doc ? find_in_doc(doc->children, "campaign", NULL) : NULL;
    t->nloops = 0;
    t->dry = 0;
}

char *template_record_id(xmlNodePtr record)
{
    if (!record) return ws_xstrdup("?");
    xmlChar *id = record->type == XML_ELEMENT_NODE ? xmlGetProp(record, BAD_CAST "id") : NULL;
    if (!id) id = xmlGetNodePath(record);
    char *r = ws_xstrdup(id ? (const char *)id : "?");
    xmlFree(id);
    return r;
}

/* ---- rendering ---- */

typedef struct {
    template *t;
    diag *d;
    const char *record_id;
    xmlNodePtr node; /* the context node */
    int position, size;
    int plain;       /* front matter values: plain text, no Markdown escaping */
    size_t start;    /* where this document starts in out */
    size_t outside;  /* bytes of the document held in outer buffers (partials rendered apart) */
    int depth;
    /* line map: output offset → template line */
    int track;
    size_t *map_off;
    long *map_line;
    size_t map_n, map_cap;
} rstate;

static void note_line(rstate *rs, size_t off, long line)
{
    if (!rs->track) return;
    if (rs->map_n == rs->map_cap) {
        rs->map_cap = rs->map_cap ? rs->map_cap * 2 : 64;
        rs->map_off = ws_xrealloc(rs->map_off, rs->map_cap * sizeof *rs->map_off);
        rs->map_line = ws_xrealloc(rs->map_line, rs->map_cap * sizeof *rs->map_line);
    }
    rs->map_off[rs->map_n] = off;
    rs->map_line[rs->map_n++] = line;
}

static void quote_tag(const tnode *n, char *buf, size_t len)
{
    int w = n->len > 160 ? 160 : (int)n->len;
    const char *more = n->len > 160 ? "…" : "";
    switch (n->kind) {
    case TN_RAW: snprintf(buf, len, "{{{ %.*s%s }}}", w, n->src, more); break;
    case TN_EACH: snprintf(buf, len, "{{#each %.*s%s}}", w, n->src, more); break;
    case TN_IF: snprintf(buf, len, "{{#if %.*s%s}}", w, n->src, more); break;
    case TN_PARTIAL: snprintf(buf, len, "{{> %.*s}}", w, n->src); break;
    default: snprintf(buf, len, "{{ %.*s%s }}", w, n->src, more); break;
    }
}

static int fail(rstate *rs, const tnode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(rstate *rs, const tnode *n, const char *fmt, ...)
{
    char msg[1024], tag[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    quote_tag(n, tag, sizeof tag);
    diag_report(rs->d, DIAG_ERROR, (diag_loc){n->file, n->line, n->col, rs->record_id}, _("%s in %s"), msg, tag);
    return -1;
}

/* The record's step budget (TEMPLATE_MAX_STEPS) is spent: said once, at the tag where it ran out. */
static int out_of_steps(rstate *rs, const tnode *n)
{
    return fail(rs, n, _("evaluating the template for this record took more than %lu steps (the limit per record; loops nested too deep or an expression too large?): the record is not built"),
                TEMPLATE_MAX_STEPS);
}

static xmlXPathObjectPtr eval_node(rstate *rs, const tnode *n)
{
    template *t = rs->t;
    t->xc->proximityPosition = rs->position;
    t->xc->contextSize = rs->size;
    xmlXPathObjectPtr r = tpl_eval(t, n->comp, rs->node);
    if (!r && t->out_of_steps) out_of_steps(rs, n);
    else if (!r) fail(rs, n, "%s", tpl_xpath_error_text(t->err_code));
    return r;
}

static const char *type_name(xmlXPathObjectType type)
{
    switch (type) {
    case XPATH_BOOLEAN: return "a boolean";
    case XPATH_NUMBER: return "a number";
    case XPATH_STRING: return "a string";
    default: return "a value that is not nodes";
    }
}

static int render_list(rstate *rs, const tnode_list *l, ws_buf *out);

static int over_budget(rstate *rs, const tnode *n, ws_buf *out)
{
    if (out->len - rs->start + rs->outside <= rs->t->max_output) return 0;
    return fail(rs, n, _("the merged document is larger than %zu bytes (a runaway loop?)"), rs->t->max_output);
}

static int render_each(rstate *rs, const tnode *n, ws_buf *out)
{
    template *t = rs->t;
    xmlXPathObjectPtr r = eval_node(rs, n);
    if (!r) return -1;
    if (r->type != XPATH_NODESET) {
        fail(rs, n, _("{{#each}} needs nodes, but the expression gives %s"), type_name(r->type));
        xmlXPathFreeObject(r);
        return -1;
    }
    int count = r->nodesetval ? r->nodesetval->nodeNr : 0;
    int rc = 0;
    if (count == 0) {
        rc = render_list(rs, &n->alt, out);
    } else if (count > TEMPLATE_MAX_ITEMS) {
        rc = fail(rs, n, _("{{#each}} selects %d items, more than the limit of %d"), count, TEMPLATE_MAX_ITEMS);
    } else if (t->nloops == TEMPLATE_MAX_LOOPS) {
        rc = fail(rs, n, _("loops nested more than %d deep"), TEMPLATE_MAX_LOOPS);
    } else {
        xmlNodePtr saved_node = rs->node;
        int saved_pos = rs->position, saved_size = rs->size;
        t->nloops++;
        for (int i = 0; i < count && rc == 0; i++) {
            t->loop_position[t->nloops - 1] = i + 1;
            t->loop_count[t->nloops - 1] = count;
            rs->node = r->nodesetval->nodeTab[i];
            rs->position = i + 1;
            rs->size = count;
            rc = render_list(rs, &n->body, out);
        }
        t->nloops--;
        rs->node = saved_node;
        rs->position = saved_pos;
        rs->size = saved_size;
    }
    xmlXPathFreeObject(r);
    return rc;
}

static int render_partial(rstate *rs, const tnode *n, ws_buf *out)
{
    note_line(rs, out->len, n->line);
    rstate inner = *rs;
    inner.track = 0; /* the partial's lines map to the tag's line, noted above */
    if (!n->indent || !*n->indent) return render_list(&inner, &n->partial->body, out);

    /* Render apart, then indent every non-empty line like the tag, so a partial can sit inside a
     * list item. */
    ws_buf tmp = {0};
    inner.start = 0;
    inner.outside = rs->outside + (out->len - rs->start);
    int rc = render_list(&inner, &n->partial->body, &tmp);
    size_t indent_len = strlen(n->indent);
    for (size_t i = 0; rc == 0 && i < tmp.len;) {
        const char *nl = memchr(tmp.data + i, '\n', tmp.len - i);
        size_t line_len = nl ? (size_t)(nl - (tmp.data + i)) + 1 : tmp.len - i;
        if (tmp.data[i] != '\n') ws_buf_put(out, n->indent, indent_len);
        ws_buf_put(out, tmp.data + i, line_len);
        i += line_len;
    }
    ws_buf_free(&tmp);
    return rc ? rc : over_budget(rs, n, out);
}

static int render_node(rstate *rs, const tnode *n, ws_buf *out)
{
    template *t = rs->t;
    if (t->steps_left) {
        if (t->steps_left == 1) {
            t->out_of_steps = 1;
            return out_of_steps(rs, n);
        }
        t->steps_left--;
    }
    switch (n->kind) {
    case TN_TEXT: {
        note_line(rs, out->len, n->line);
        long line = n->line;
        for (size_t i = 0; i < n->len; i++)
            if (n->src[i] == '\n' && i + 1 < n->len) note_line(rs, out->len + i + 1, ++line);
        ws_buf_put(out, n->src, n->len);
        return over_budget(rs, n, out);
    }
    case TN_VALUE:
    case TN_RAW: {
        note_line(rs, out->len, n->line);
        xmlXPathObjectPtr r = eval_node(rs, n);
        if (!r) return -1;
        xmlChar *s = xmlXPathCastToString(r);
        xmlXPathFreeObject(r);
        size_t len = s ? strlen((const char *)s) : 0;
        if (len > rs->t->max_output) {
            xmlFree(s);
            return fail(rs, n, _("the value is larger than %zu bytes"), rs->t->max_output);
        }
        if (rs->plain)
            mdescape_plain(out, (const char *)s, len);
        else if (n->kind == TN_RAW)
            ws_buf_put(out, s, len);
        else if (n->literal)
            mdescape_insert_literal(out, (const char *)s, len);
        else
            mdescape_insert(out, (const char *)s, len, n->table ? MD_PLACE_TABLE_CELL : MD_PLACE_TEXT);
        xmlFree(s);
        return over_budget(rs, n, out);
    }
    case TN_EACH: return render_each(rs, n, out);
    case TN_IF: {
        xmlXPathObjectPtr r = eval_node(rs, n);
        if (!r) return -1;
        int yes = xmlXPathCastToBoolean(r);
        xmlXPathFreeObject(r);
        return render_list(rs, yes ? &n->body : &n->alt, out);
    }
    case TN_PARTIAL: return render_partial(rs, n, out);
    }
    return 0;
}

static int render_list(rstate *rs, const tnode_list *l, ws_buf *out)
{
    if (++rs->depth > 2 * TEMPLATE_MAX_LOOPS + 8) {
        rs->depth--;
        return l->n ? fail(rs, l->v[0], _("blocks and partials nested too deeply")) : -1;
    }
    int rc = 0;
    for (size_t i = 0; i < l->n && rc == 0; i++) rc = render_node(rs, l->v[i], out);
    rs->depth--;
    return rc;
}

static int render(template *t, const tnode_list *l, xmlNodePtr record, int plain, ws_buf *out, rstate *rs, diag *d)
{
    char *id = template_record_id(record);
    *rs = (rstate){.t = t, .d = d, .record_id = id, .node = record, .position = 1, .size = 1,
                   .plain = plain, .start = out->len, .track = rs->track};
    set_record_variables(t, record, record ? record->doc : NULL);
    if (t->is_public && record) tpl_privacy_hide(record->doc); /* shown again below, whatever happens */
    t->steps_left = TEMPLATE_MAX_STEPS + 1; /* 1 means spent; 0 means no record is being merged */
    t->out_of_steps = 0;
    int rc;
    if (t->steps_exhausted >= TEMPLATE_MAX_EXHAUSTED && l->n)
        rc = fail(rs, l->v[0], _("%d records have gone over the template's step limit: the remaining records are not evaluated"), TEMPLATE_MAX_EXHAUSTED);
    else
        rc = render_list(rs, l, out);
    t->steps_exhausted += t->out_of_steps;
    if (t->is_public && record) tpl_privacy_show();
    t->steps_left = 0;
    t->v_record = t->v_organisation = t->v_unit = t->v_campaign = NULL;
    free(id);
    rs->record_id = NULL;
    return rc;
}

int template_merge(template *t, xmlNodePtr record, ws_buf *out, diag *d)
{
    rstate rs = {0};
    return render(t, &t->body, record, 0, out, &rs, d);
}

int template_merge_lines(template *t, xmlNodePtr record, ws_buf *out, long **lines, size_t *nlines, diag *d)
{
    rstate rs = {.track = 1};
    size_t start = out->len;
    int rc = render(t, &t->body, record, 0, out, &rs, d);
    /* Each output line takes the template line of the last note at or before its start. */
    size_t cap = 16, n = 0, k = 0;
    long *v = ws_xmalloc(cap * sizeof *v);
    for (size_t off = start; off < out->len || (off == start && out->len == start);) {
        while (k + 1 < rs.map_n && rs.map_off[k + 1] <= off) k++;
        if (n == cap) v = ws_xrealloc(v, (cap *= 2) * sizeof *v);
        v[n++] = rs.map_n && rs.map_off[k] <= off ? rs.map_line[k] : 0;
        /* An empty document has no buffer yet (data is NULL): nothing to search. */
        const char *nl = off < out->len ? memchr(out->data + off, '\n', out->len - off) : NULL;
        if (!nl) break;
        off = (size_t)(nl - out->data) + 1;
        if (off == out->len) break;
    }
    free(rs.map_off);
    free(rs.map_line);
    *lines = v;
    *nlines = n;
    return rc;
}

int template_select(template *t, xmlDocPtr doc, xmlNodePtr **out_nodes, size_t *n, diag *d)
{
    *out_nodes = NULL;
    *n = 0;
    set_record_variables(t, NULL, doc);
    t->xc->proximityPosition = t->xc->contextSize = 1;
    if (t->is_public) tpl_privacy_hide(doc); /* not even a predicate of records: sees private text */
    xmlXPathObjectPtr r = tpl_eval(t, t->records, (xmlNodePtr)doc);
    if (t->is_public) tpl_privacy_show();
    diag_loc loc = {t->path, t->records_line, t->records_col, NULL};
    if (!r) {
        diag_report(d, DIAG_ERROR, loc, _("%s in records: %s"), tpl_xpath_error_text(t->err_code), t->records_src);
        return -1;
    }
    int rc = 0;
    if (r->type != XPATH_NODESET) {
        diag_report(d, DIAG_ERROR, loc, _("records: must select elements, but gives %s"), type_name(r->type));
        rc = -1;
    } else if (r->nodesetval && r->nodesetval->nodeNr) {
        xmlNodeSetPtr ns = r->nodesetval;
        *out_nodes = ws_xmalloc((size_t)ns->nodeNr * sizeof **out_nodes);
        for (int i = 0; i < ns->nodeNr; i++) {
            if (ns->nodeTab[i]->type != XML_ELEMENT_NODE) {
                diag_report(d, DIAG_ERROR, loc, _("records: must select elements, not text or attributes: %s"),
                            t->records_src);
                rc = -1;
                break;
            }
            (*out_nodes)[(*n)++] = ns->nodeTab[i];
        }
        if (rc) {
            free(*out_nodes);
            *out_nodes = NULL;
            *n = 0;
        }
    }
    xmlXPathFreeObject(r);
    return rc;
}

/* Makes a file name safe: unsafe characters become "_", no leading "." or "-" or space, no trailing
 * space or dot. Not cut: the output path module caps names (template.h). */
static void sanitize_file_name(ws_buf *b, size_t from)
{
    if (!b->data) return; /* nothing was ever written: an empty name, which the caller reports */
    char *s = b->data + from;
    size_t len = b->len - from, w = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || strchr("/\\:*?\"<>|", c)) c = '_';
        if (w == 0 && (c == '.' || c == '-' || c == ' ')) continue;
        s[w++] = (char)c;
    }
    while (w > 0 && (s[w - 1] == ' ' || s[w - 1] == '.')) w--;
    b->len = from + w;
    b->data[b->len] = 0;
}

int template_output_name(template *t, xmlNodePtr record, ws_buf *out, diag *d)
{
    rstate rs = {0};
    size_t from = out->len;
    if (render(t, &t->output, record, 1, out, &rs, d)) return -1;
    sanitize_file_name(out, from);
    if (out->len == from) {
        char *id = template_record_id(record);
        diag_report(d, DIAG_ERROR, (diag_loc){t->path, 0, 0, id}, _("output: gives an empty file name"));
        free(id);
        return -1;
    }
    return 0;
}

int template_pdf_meta(template *t, xmlNodePtr record, template_pdfmeta *meta, diag *d)
{
    char **fields[PDF_NFIELDS] = {&meta->title, &meta->subject, &meta->keywords, &meta->author, &meta->date};
    int rc = 0;
    for (int i = 0; i < PDF_NFIELDS; i++) {
        ws_buf b = {0};
        rstate rs = {0};
        if (!t->has_pdf[i] && i == PDF_TITLE)
            ws_buf_puts(&b, t->title ? t->title : "");
        else if (render(t, &t->pdf[i], record, 1, &b, &rs, d))
            rc = -1;
        *fields[i] = ws_buf_steal(&b);
    }
    return rc;
}

void template_pdfmeta_free(template_pdfmeta *m)
{
    free(m->title);
    free(m->subject);
    free(m->keywords);
    free(m->author);
    free(m->date);
    *m = (template_pdfmeta){0};
}
