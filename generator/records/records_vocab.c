/* records_vocab — what the records schema says about fields, for messages and template checks.
 *
 * libxml2 compiles schemas/campaign.xsd into structures it does not expose, so the schema is
 * also read here as a plain document: the declaration of any element or attribute of a records
 * file is found by walking from the root declaration down the instance's ancestors, through
 * inline types, named types (@type), element references (@ref) and the bases of extensions.
 * From a declaration come its Chinese label (xs:documentation xml:lang="zh"), the type of its
 * value, and the children and attributes it allows.
 *
 * The vocabulary is loaded once per process (records_vocab_load, from the thread that starts
 * the reading threads, before they start) and never changes afterwards, so the reading threads'
 * error handlers may read it without a lock. It stays until exit. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "base/i18n.h"
#include "records/records_int.h"
#include "records/records_xsd_int.h"

#define XS_NS "http://www.w3.org/2001/XMLSchema"
#define MAX_SCHEMA_BYTES (4u << 20)
#define MAX_WALK_DEPTH 24 /* the schema's own nesting is far less; bounds a named type's self-reference */

typedef struct {
    xmlDocPtr xsd;
    xmlNodePtr root;
    char **names[2]; /* every element (0) and attribute (1) name the schema declares */
    size_t nnames[2];
} vocab;

static vocab *loaded;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static int is_xs(xmlNodePtr n, const char *local)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && !strcmp((const char *)n->ns->href, XS_NS) &&
           !strcmp((const char *)n->name, local);
}

static const char *prop(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = xmlHasProp(n, BAD_CAST name);
    return a && a->children && a->children->content ? (const char *)a->children->content : NULL;
}

static const char *local_part(const char *qname)
{
    const char *c = qname ? strchr(qname, ':') : NULL;
    return c ? c + 1 : qname;
}

static void add_name(vocab *v, int attr, const char *name)
{
    for (size_t i = 0; i < v->nnames[attr]; i++)
        if (!strcmp(v->names[attr][i], name)) return;
    v->names[attr] = ws_xrealloc(v->names[attr], (v->nnames[attr] + 1) * sizeof *v->names[attr]);
    v->names[attr][v->nnames[attr]++] = ws_xstrdup(name);
}

static void collect_names(vocab *v, xmlNodePtr n)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        const char *name = prop(n, "name");
        if (name && is_xs(n, "element")) add_name(v, 0, name);
        if (name && is_xs(n, "attribute")) add_name(v, 1, name);
        collect_names(v, n->children);
    }
}

static void vocab_free(vocab *v)
{
    if (!v) return;
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < v->nnames[k]; i++) free(v->names[k][i]);
        free(v->names[k]);
    }
    xmlFreeDoc(v->xsd);
    free(v);
}

static void free_at_exit(void) { vocab_free(loaded); loaded = NULL; }

int records_vocab_load(const char *schema_path)
{
    pthread_mutex_lock(&load_lock);
    int ok = loaded != NULL;
    if (!ok && schema_path) {
        ws_buf b = {0};
        char err[256];
        /* read as bytes: the deny-all entity loader may be installed, and the schema is ours */
        if (ws_read_file(schema_path, MAX_SCHEMA_BYTES, &b, err, sizeof err) == 0) {
            xmlDocPtr d = xmlReadMemory(b.data, (int)b.len, schema_path, NULL,
                                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
            if (d && xmlDocGetRootElement(d)) {
                vocab *v = ws_xcalloc(1, sizeof *v);
                v->xsd = d;
                v->root = xmlDocGetRootElement(d);
                collect_names(v, v->root->children);
                add_name(v, 0, "token"); /* the elements EXSLT str:tokenize() and str:split() make */
                loaded = v;
                ok = 1;
                atexit(free_at_exit);
            } else if (d) {
                xmlFreeDoc(d);
            }
        }
        ws_buf_free(&b);
    }
    pthread_mutex_unlock(&load_lock);
    return ok ? 0 : -1;
}

int records_vocab_loaded(void) { return loaded != NULL; }

int records_vocab_has(const char *name, int attribute)
{
    if (!loaded || !name) return 0;
    for (size_t i = 0; i < loaded->nnames[!!attribute]; i++)
        if (!strcmp(loaded->names[!!attribute][i], name)) return 1;
    return 0;
}

/* Optimal string alignment distance (edits, each adjacent transposition one edit), capped. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 62 || lb > 62) return 99;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best) best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *records_vocab_nearest_of(const char *name, const char *const *cands, size_t n)
{
    size_t len = strlen(name), limit = len >= 5 ? 2 : 1, best = limit + 1;
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        size_t dist = edit_distance(name, cands[i]);
        if (dist < best) best = dist, found = cands[i];
    }
    return found;
}

const char *records_vocab_nearest(const char *name, int attribute)
{
    if (!loaded || !name) return NULL;
    return records_vocab_nearest_of(name, (const char *const *)loaded->names[!!attribute], loaded->nnames[!!attribute]);
}

/* ------------------------------------------------------------------ declarations */

static xmlNodePtr global_decl(const char *kind, const char *name)
{
    if (!loaded || !name) return NULL;
    for (xmlNodePtr n = loaded->root->children; n; n = n->next) {
        const char *nm = prop(n, "name");
        if (nm && !strcmp(nm, name) && is_xs(n, kind)) return n;
    }
    return NULL;
}

static xmlNodePtr named_type(const char *qname)
{
    if (!qname || !strncmp(qname, "xs:", 3)) return NULL;
    xmlNodePtr t = global_decl("complexType", local_part(qname));
    return t ? t : global_decl("simpleType", local_part(qname));
}

/* The type of an element or attribute declaration: its inline type, else the named one. */
static xmlNodePtr type_of(xmlNodePtr decl)
{
    for (xmlNodePtr c = decl ? decl->children : NULL; c; c = c->next)
        if (is_xs(c, "complexType") || is_xs(c, "simpleType")) return c;
    return decl ? named_type(prop(decl, "type")) : NULL;
}

/* Calls fn on each element (attr 0) or attribute (attr 1) declaration that `type` allows as a
 * direct child, stopping when fn returns non-zero (that value is returned). */
typedef int (*decl_fn)(xmlNodePtr decl, void *ctx);
static int each_decl(xmlNodePtr node, int attr, decl_fn fn, void *ctx, int depth)
{
    if (!node || depth > MAX_WALK_DEPTH) return 0;
    for (xmlNodePtr c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || is_xs(c, "annotation")) continue;
        int r = 0;
        if (is_xs(c, "element")) {
            if (!attr) {
                const char *ref = prop(c, "ref");
                r = fn(ref ? global_decl("element", local_part(ref)) : c, ctx);
            }
        } else if (is_xs(c, "attribute")) {
            if (attr) r = fn(c, ctx);
        } else {
            if ((is_xs(c, "extension") || is_xs(c, "restriction")) && prop(c, "base"))
                r = each_decl(named_type(prop(c, "base")), attr, fn, ctx, depth + 1);
            if (!r) r = each_decl(c, attr, fn, ctx, depth + 1);
        }
        if (r) return r;
    }
    return 0;
}

typedef struct {
    const char *name;
    xmlNodePtr found;
} find_ctx;

static int match_name(xmlNodePtr decl, void *ctx)
{
    find_ctx *f = ctx;
    const char *nm = decl ? prop(decl, "name") : NULL;
    if (!nm || strcmp(nm, f->name)) return 0;
    f->found = decl;
    return 1;
}

static xmlNodePtr child_decl(xmlNodePtr parent_decl, const char *name, int attr)
{
    find_ctx f = {name, NULL};
    each_decl(type_of(parent_decl), attr, match_name, &f, 0);
    return f.found;
}

xmlNodePtr records_vocab_element(xmlNodePtr inst)
{
    if (!loaded || !inst || inst->type != XML_ELEMENT_NODE) return NULL;
    xmlNodePtr chain[MAX_WALK_DEPTH];
    size_t n = 0;
    for (xmlNodePtr p = inst; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
        if (n == MAX_WALK_DEPTH) return NULL;
        chain[n++] = p;
    }
    xmlNodePtr decl = global_decl("element", (const char *)chain[n - 1]->name);
    for (size_t i = n - 1; decl && i-- > 0;) decl = child_decl(decl, (const char *)chain[i]->name, 0);
    return decl;
}

xmlNodePtr records_vocab_child(xmlNodePtr parent_decl, const char *name, int attribute)
{
    return parent_decl && name ? child_decl(parent_decl, name, attribute) : NULL;
}

typedef struct {
    xmlNodePtr *out;
    size_t n, max;
} list_ctx;

static int list_one(xmlNodePtr decl, void *ctx)
{
    list_ctx *l = ctx;
    if (decl && l->n < l->max) l->out[l->n++] = decl;
    return 0;
}

size_t records_vocab_children(xmlNodePtr parent_decl, int attribute, xmlNodePtr *out, size_t max)
{
    list_ctx l = {out, 0, max};
    if (parent_decl) each_decl(type_of(parent_decl), attribute, list_one, &l, 0);
    return l.n;
}

const char *records_vocab_name(xmlNodePtr decl) { return decl ? prop(decl, "name") : NULL; }

void records_vocab_label(xmlNodePtr decl, const char *fallback, char *out, size_t len)
{
    snprintf(out, len, "%s", fallback ? fallback : "");
    if (!decl) return;
    if (!ws_i18n_chinese()) { /* in English the field is named as it is written */
        const char *nm = prop(decl, "name");
        if (nm) snprintf(out, len, "%s", nm);
        return;
    }
    for (xmlNodePtr a = decl->children; a; a = a->next) {
        if (!is_xs(a, "annotation")) continue;
        for (xmlNodePtr d = a->children; d; d = d->next) {
            if (!is_xs(d, "documentation")) continue;
            xmlChar *lang = xmlGetNsProp(d, BAD_CAST "lang", XML_XML_NAMESPACE);
            int zh = lang && !strncmp((const char *)lang, "zh", 2);
            xmlFree(lang);
            if (!zh) continue;
            xmlChar *text = xmlNodeGetContent(d);
            if (text && *text) snprintf(out, len, "%s", (const char *)text);
            xmlFree(text);
            return;
        }
    }
    const char *nm = prop(decl, "name");
    if (nm) snprintf(out, len, "%s", nm);
}

const char *records_vocab_value_type(xmlNodePtr decl)
{
    if (!decl) return NULL;
    const char *t = prop(decl, "type");
    xmlNodePtr type = NULL;
    for (int depth = 0; depth < 4; depth++) {
        if (t) {
            xmlNodePtr named = named_type(t);
            if (!named || is_xs(named, "simpleType")) return local_part(t);
            type = named;
        } else {
            type = type_of(decl);
        }
        /* complex type with simple content: the base of its extension is the value's type */
        xmlNodePtr sc = NULL;
        for (xmlNodePtr c = type ? type->children : NULL; c; c = c->next)
            if (is_xs(c, "simpleContent")) sc = c;
        xmlNodePtr ext = NULL;
        for (xmlNodePtr c = sc ? sc->children : NULL; c; c = c->next)
            if (is_xs(c, "extension") || is_xs(c, "restriction")) ext = c;
        if (!ext) return NULL;
        t = prop(ext, "base");
        decl = ext;
    }
    return NULL;
}
