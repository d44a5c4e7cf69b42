/* records_load — reading one records file safely: size cap, UTF-8 and control characters checked
 * on the raw bytes, DOCTYPE/entity declarations refused before libxml2 sees them (the quadratic
 * blowup passes the parser's own limits), then a parse with no network, no DTD, no entity
 * substitution and libxml2's default depth and text limits (never XML_PARSE_HUGE). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "records/records_int.h"
#include "records/records_xsd_int.h"

#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT)

/* ------------------------------------------------------------------ global libxml2 state */

static char allowed_schema[PATH_MAX];

/* Nothing from outside may enter a records document: the only file libxml2 may open itself is
 * our schema (xmlSchemaParse loads it through this loader). */
static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)id;
    if (url && allowed_schema[0]) {
        if (!strcmp(url, allowed_schema)) return xmlNewInputFromFile(ctxt, url);
        char real[PATH_MAX];
        if (realpath(url, real) && !strcmp(real, allowed_schema)) return xmlNewInputFromFile(ctxt, url);
    }
    return NULL;
}

void records_safety_begin(records_safety *s, diag *d, const char *allowed_path)
{
    s->d = d;
    s->errors = 0;
    allowed_schema[0] = 0;
    if (allowed_path && !realpath(allowed_path, allowed_schema))
        snprintf(allowed_schema, sizeof allowed_schema, "%s", allowed_path);
    s->saved_loader = (void *)xmlGetExternalEntityLoader();
    s->saved_serror = (void *)xmlStructuredError;
    s->saved_sctx = xmlStructuredErrorContext;
    xmlSetExternalEntityLoader(deny_loader);
    xmlSetStructuredErrorFunc(s, records_xml_error);
}

void records_safety_end(records_safety *s)
{
    xmlSetExternalEntityLoader((xmlExternalEntityLoader)s->saved_loader);
    xmlSetStructuredErrorFunc(s->saved_sctx, (xmlStructuredErrorFunc)s->saved_serror);
    allowed_schema[0] = 0;
}

/* libxml2 messages name elements as {urn:…}name and end with a newline; users want neither. */
static void tidy_message(const char *in, char *out, size_t outlen)
{
    static const char ns[] = "{" WENSHU_NS "}";
    size_t o = 0;
    for (const char *p = in; *p && o + 1 < outlen;) {
        if (!strncmp(p, ns, sizeof ns - 1)) {
            p += sizeof ns - 1;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = 0;
    while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == ' ')) out[--o] = 0;
    char *huge = strstr(out, " use XML_PARSE_HUGE option");
    if (huge) *huge = 0; /* the advice is for programmers, and we refuse it on purpose */
    if (!strncmp(out, "Excessive depth in document", 27))
        snprintf(out, outlen, "elements nested more than %u levels deep: refused", xmlParserMaxDepth);
}

/* "Element 'member', attribute 'gender': …" — the attribute a schema error is about. */
static int message_attribute(const char *msg, char *attr, size_t len)
{
    const char *a = strstr(msg, "attribute '");
    if (!a) return 0;
    a += strlen("attribute '");
    const char *q = strchr(a, '\'');
    if (!q || (size_t)(q - a) >= len) return 0;
    memcpy(attr, a, (size_t)(q - a));
    attr[q - a] = 0;
    return 1;
}

void records_xml_error(void *ctx, xmlErrorPtr e)
{
    records_safety *s = ctx;
    if (!s || !e || !e->message) return;
    /* Noise after facet errors in libxml2 2.9 (tech-notes §8): says nothing to a user. */
    if (strstr(e->message, "No precomputed value available")) return;

    char msg[1500];
    /* validity errors in a clerk's words (records_xsderr.c); the others as libxml2 words them */
    if (!records_xsderr_message(e, msg, sizeof msg)) tidy_message(e->message, msg, sizeof msg);
    diag_loc loc = {0};
    if (e->node && s->src && (e->domain == XML_FROM_SCHEMASV || e->domain == XML_FROM_SCHEMASP) &&
        ((xmlNodePtr)e->node)->doc == s->src->doc) {
        char attr[100];
        loc = records_locate(s->src, (xmlNodePtr)e->node,
                             message_attribute(e->message, attr, sizeof attr) ? attr : NULL);
    }
    if (!loc.line) {
        loc.file = e->file ? e->file : s->src ? s->src->path : NULL;
        loc.line = e->line;
        loc.col = e->domain == XML_FROM_PARSER ? e->int2 : 0;
    }
    diag_severity sev = e->level == XML_ERR_WARNING ? DIAG_WARNING : DIAG_ERROR;
    if (sev == DIAG_ERROR) {
        s->errors++;
        if (loc.record && s->bad) s->bad(s->ud, loc.record);
    }
    diag_report(s->d, sev, loc, "%s", msg);
}

/* ------------------------------------------------------------------ source positions */

static long line_of_offset(const records_src *src, size_t off)
{
    size_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (src->line_start[mid] <= off) lo = mid;
        else hi = mid;
    }
    return (long)lo + 1;
}

static long col_of_offset(const records_src *src, long line, size_t off)
{
    long col = 1;
    size_t from = src->line_start[line - 1];
    if (line == 1 && src->buf.len >= 3 && !memcmp(src->buf.data, "\xEF\xBB\xBF", 3)) from = 3; /* BOM */
    for (size_t i = from; i < off && i < src->buf.len; i++)
        if (((unsigned char)src->buf.data[i] & 0xC0) != 0x80) col++;
    return col;
}

static size_t line_end(const records_src *src, long line)
{
    return (size_t)line < src->nlines ? src->line_start[line] : src->buf.len;
}

/* Whether the tag starting at p (just after '<') is named name, with or without a prefix. */
static int tag_named(const char *p, const char *end, const char *name)
{
    const char *n = p;
    while (n < end && *n != ' ' && *n != '\t' && *n != '\r' && *n != '\n' && *n != '>' && *n != '/') n++;
    size_t len = (size_t)(n - p), nl = strlen(name);
    if (len < nl || memcmp(n - nl, name, nl)) return 0;
    return len == nl || n[-(long)nl - 1] == ':';
}

const char *records_record_id(xmlNodePtr node)
{
    for (xmlNodePtr n = node; n && n->type == XML_ELEMENT_NODE; n = n->parent) {
        const char *nm = (const char *)n->name;
        if (!strcmp(nm, "member") || !strcmp(nm, "organisation") || !strcmp(nm, "unit") || !strcmp(nm, "campaign")) {
            xmlAttrPtr id = xmlHasProp(n, BAD_CAST "id");
            if (id && id->children && id->children->content) return (const char *)id->children->content;
            return NULL;
        }
    }
    return NULL;
}

diag_loc records_locate(const records_src *src, xmlNodePtr node, const char *attr)
{
    diag_loc loc = {.file = src->path};
    if (!node) return loc;
    if (node->type == XML_ATTRIBUTE_NODE) {
        attr = (const char *)node->name;
        node = node->parent;
    }
    while (node && node->type != XML_ELEMENT_NODE) node = node->parent;
    if (!node) return loc;
    loc.record = records_record_id(node);
    long line = xmlGetLineNo(node);
    if (line <= 0) return loc;
    loc.line = line;
    if (!src->line_start || (size_t)line > src->nlines) return loc;

    /* libxml2 records the line where the start tag ends; look back a little for where it begins. */
    const char *buf = src->buf.data;
    size_t tag = (size_t)-1;
    for (long l = line; l >= 1 && l > line - 50 && tag == (size_t)-1; l--) {
        size_t b = src->line_start[l - 1], e = line_end(src, l);
        for (size_t i = b; i + 1 < e; i++)
            if (buf[i] == '<' && tag_named(buf + i + 1, buf + e, (const char *)node->name)) {
                tag = i;
                break;
            }
    }
    if (tag == (size_t)-1) return loc;
    size_t at = tag;
    if (attr) {
        size_t al = strlen(attr);
        char quote = 0;
        for (size_t i = tag + 1; i < src->buf.len; i++) {
            char c = buf[i];
            if (quote) {
                if (c == quote) quote = 0;
                continue;
            }
            if (c == '"' || c == '\'') quote = c;
            else if (c == '>') break;
            else if ((c == ' ' || c == '\t' || c == '\n' || c == '\r') && i + 1 + al < src->buf.len &&
                     !memcmp(buf + i + 1, attr, al) && (buf[i + 1 + al] == '=' || buf[i + 1 + al] == ' ')) {
                at = i + 1;
                break;
            }
        }
    }
    loc.line = line_of_offset(src, at);
    loc.col = col_of_offset(src, loc.line, at);
    return loc;
}

/* ------------------------------------------------------------------ pre-scan */

static void report_at(records_safety *s, const records_src *src, size_t off, const char *fmt, const char *arg)
{
    diag_loc loc = {.file = src->path};
    if (src->nlines) {
        loc.line = line_of_offset(src, off);
        loc.col = col_of_offset(src, loc.line, off);
    }
    diag_report(s->d, DIAG_ERROR, loc, fmt, arg);
}

/* Whether the tag name at p (after '<' or "</", an optional prefix before ':') is that of a
 * record: campaign, unit, organisation or member. */
static int record_tag(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && *q != ':' && *q != '>' && *q != ' ' && *q != '/' && *q != '\n' && *q != '\t' && *q != '\r') q++;
    if (q < end && *q == ':') p = q + 1;
    static const char *const names[] = {"campaign", "unit", "organisation", "member"};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        size_t n = strlen(names[k]);
        if ((size_t)(end - p) > n && !memcmp(p, names[k], n) && strchr(" \t\r\n/>", p[n])) return 1;
    }
    return 0;
}

/* The id of the record whose text holds byte off, found in the bytes before the DOM exists: the
 * nearest record start tag before off, unless a record's end tag comes first (off is then between
 * records). Copied into id (empty when there is none). */
static void record_before(const records_src *src, size_t off, char *id, size_t idlen)
{
    const char *p = src->buf.data, *end = p + src->buf.len;
    id[0] = 0;
    for (size_t i = off < src->buf.len ? off : src->buf.len; i-- > 0;) {
        if (p[i] != '<') continue;
        if (i + 1 < src->buf.len && p[i + 1] == '/') {
            if (record_tag(p + i + 2, end)) return;
            continue;
        }
        if (!record_tag(p + i + 1, end)) continue;
        const char *gt = memchr(p + i, '>', (size_t)(end - (p + i)));
        const char *tag_end = gt ? gt : end;
        for (const char *a = p + i; a + 4 < tag_end; a++) {
            if ((a[0] != ' ' && a[0] != '\t' && a[0] != '\n' && a[0] != '\r') || memcmp(a + 1, "id=", 3)) continue;
            char quote = a[4];
            if (quote != '"' && quote != '\'') break;
            const char *v = a + 5, *ve = memchr(v, quote, (size_t)(tag_end - v));
            if (ve) snprintf(id, idlen, "%.*s", (int)(ve - v < 64 ? ve - v : 64), v);
            break;
        }
        return;
    }
}

/* report_at, naming the record the byte belongs to (record_before). */
static void report_in_record(records_safety *s, const records_src *src, size_t off, const char *fmt, const char *arg)
{
    char id[80];
    record_before(src, off, id, sizeof id);
    diag_loc loc = {.file = src->path, .record = id[0] ? id : NULL};
    if (src->nlines) {
        loc.line = line_of_offset(src, off);
        loc.col = col_of_offset(src, loc.line, off);
    }
    diag_report(s->d, DIAG_ERROR, loc, fmt, arg);
}

static void add_line(records_src *src, size_t *cap, size_t start)
{
    if (src->nlines == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        src->line_start = ws_xrealloc(src->line_start, *cap * sizeof *src->line_start);
    }
    src->line_start[src->nlines++] = start;
}

/* Characters no record may hold, however they are written (raw or as a character reference):
 * C0 and C1 controls but tab and line ends, the non-characters U+FFFE/U+FFFF, and the bidi
 * embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make a name read
 * differently from what it is. */
static int refused_char(uint32_t cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE ||
           cp == 0xFFFF || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The code point of the character reference at p ("&#123;" or "&#x7B;"), or -1 when it is not
 * one (libxml2 then reports it). */
static long char_ref(const char *p, size_t len)
{
    if (len < 4 || p[0] != '&' || p[1] != '#') return -1;
    int hex = p[2] == 'x';
    long v = 0;
    size_t i = hex ? 3 : 2, start = i;
    for (; i < len && i < 16 && p[i] != ';'; i++) {
        int d = p[i] >= '0' && p[i] <= '9' ? p[i] - '0'
                : hex && p[i] >= 'a' && p[i] <= 'f' ? p[i] - 'a' + 10
                : hex && p[i] >= 'A' && p[i] <= 'F' ? p[i] - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * (hex ? 16 : 10) + d;
        if (v > 0x10FFFF) return -1;
    }
    return i > start && i < len && p[i] == ';' ? v : -1;
}

/* Completes the line table from byte from on, so a position reported before the end is right. */
static void finish_lines(records_src *src, size_t *cap, size_t from)
{
    for (size_t j = from; j < src->buf.len; j++)
        if (src->buf.data[j] == '\n') add_line(src, cap, j + 1);
}

/* One pass over the bytes: the line table, UTF-8, characters refused (raw or as references),
 * overlong text runs, and the number of nodes the DOM would hold (elements, attributes, comments,
 * processing instructions: each '<' that does not close a tag, each '=' inside a tag), so memory
 * is bounded before libxml2 allocates any of it. */
static int prescan(records_src *src, records_safety *s)
{
    const char *p = src->buf.data;
    size_t len = src->buf.len, cap = 0, run = 0, nodes = 0;
    int in_tag = 0;
    char quote = 0;
    add_line(src, &cap, 0);
    size_t i = len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3) ? 3 : 0;
    int blank = 1;
    while (i < len) {
        unsigned char c = (unsigned char)p[i];
        uint32_t cp = c;
        int n = 1;
        if (c >= 0x80) {
            n = ws_utf8_decode(p + i, len - i, &cp);
            if (n < 0) {
                finish_lines(src, &cap, i);
                char hex[8];
                snprintf(hex, sizeof hex, "0x%02X", c);
                report_at(s, src, i, "invalid UTF-8 (byte %s): records files must be UTF-8", hex);
                return 0;
            }
        }
        if (c == '\n') add_line(src, &cap, i + 1);
        long ref = c == '&' ? char_ref(p + i, len - i) : -1;
        if (refused_char(cp) || (ref >= 0 && refused_char((uint32_t)ref))) {
            finish_lines(src, &cap, i + 1);
            char u[64];
            if (ref >= 0)
                snprintf(u, sizeof u, "U+%04lX（写作 %.*s）", ref, (int)(strchr(p + i, ';') - (p + i) + 1), p + i);
            else
                snprintf(u, sizeof u, "U+%04X", (unsigned)cp);
            report_in_record(s, src, i, "记录中不允许出现控制字符 %s，请删去", u);
            return 0;
        }
        if (in_tag) {
            if (quote) {
                if (c == (unsigned char)quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = (char)c;
            } else if (c == '=') {
                nodes++;
            } else if (c == '>') {
                in_tag = 0;
            }
        } else if (c == '<' && i + 1 < len && p[i + 1] != '/') {
            nodes++;
            in_tag = p[i + 1] != '!' && p[i + 1] != '?';
        }
        if (nodes > RECORDS_MAX_NODES) {
            finish_lines(src, &cap, i + 1);
            report_in_record(s, src, i, "文件的元素和属性超过 %s 个（内存上限）：请按单位拆分记录文件", "1 000 000");
            return 0;
        }
        if (c == '<' || c == '>') run = 0;
        else if (++run > RECORDS_MAX_RUN) {
            finish_lines(src, &cap, i + 1);
            report_at(s, src, i - run + 1,
                      "text or attribute value longer than %s bytes: refused (a record's text is at most 20 000 characters)",
                      "1 048 576");
            return 0;
        }
        if (blank && c != ' ' && c != '\t' && c != '\n' && c != '\r') blank = 0;
        i += (size_t)n;
    }
    src->nodes = nodes;
    if (blank) {
        diag_report(s->d, DIAG_ERROR, (diag_loc){.file = src->path},
                    "file is empty: expected a <wenshu xmlns=\"%s\"> document", WENSHU_NS);
        return 0;
    }
    /* Entity declarations are what XXE, billion laughs and the quadratic blowup are made of; records
     * never need a DTD, so any declaration is refused outright. */
    static const char *const decls[] = {"<!DOCTYPE", "<!ENTITY"};
    for (size_t k = 0; k < 2; k++) {
        const char *hit = memmem(p, len, decls[k], strlen(decls[k]));
        if (hit) {
            report_at(s, src, (size_t)(hit - p),
                      "%s declaration refused: records files may not declare a DTD or entities (they can read "
                      "local files or exhaust memory)", decls[k] + 2);
            return 0;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ load */

void records_src_free(records_src *src)
{
    if (!src) return;
    if (src->doc) xmlFreeDoc(src->doc);
    ws_buf_free(&src->buf);
    free(src->line_start);
    memset(src, 0, sizeof *src);
}

records_load_status records_load(const char *path, records_src *src, records_safety *s)
{
    memset(src, 0, sizeof *src);
    src->path = path;
    s->src = src; /* the error handler locates nodes in it; stays set for the caller's validation */
    records_load_status status = LOAD_DATA_ERROR;

    struct stat st;
    char err[300];
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (unsigned long long)st.st_size > RECORDS_MAX_FILE) {
        diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path},
                    "file is %lld bytes, over the limit of %u MiB: split the records per unit",
                    (long long)st.st_size, RECORDS_MAX_FILE >> 20);
        goto out;
    }
    if (ws_read_file(path, RECORDS_MAX_FILE, &src->buf, err, sizeof err) < 0) {
        diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path}, "cannot read: %s", err);
        status = LOAD_IO_ERROR;
        goto out;
    }
    if (!prescan(src, s)) goto out;
    if (s->admit && !s->admit(s->admit_ctx, src->nodes)) {
        status = LOAD_IO_ERROR; /* the reader is closing: nobody will look at this file */
        goto out;
    }

    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        fputs("wenshu: out of memory\n", stderr);
        abort();
    }
    long before = s->errors;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, src->buf.data, (int)src->buf.len, path, "UTF-8", PARSE_OPTIONS);
    int well_formed = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (!doc || !well_formed) {
        if (s->errors == before)
            diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path}, "not well-formed XML");
        if (doc) xmlFreeDoc(doc);
        goto out;
    }
    if (doc->intSubset || doc->extSubset) { /* the pre-scan should have caught it; never trust one guard */
        diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path}, "DOCTYPE declaration refused");
        xmlFreeDoc(doc);
        goto out;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "wenshu") || !root->ns ||
        strcmp((const char *)root->ns->href, WENSHU_NS)) {
        diag_loc loc = root ? records_locate(src, root, NULL) : (diag_loc){.file = path};
        diag_report(s->d, DIAG_ERROR, loc, "the root element must be <wenshu xmlns=\"%s\">, not <%s>%s%s", WENSHU_NS,
                    root ? (const char *)root->name : "?", root && root->ns ? " in namespace " : "",
                    root && root->ns ? (const char *)root->ns->href : "");
        xmlFreeDoc(doc);
        goto out;
    }
    src->doc = doc;
    status = LOAD_OK;
out:
    return status;
}

xmlDocPtr records_parse_file(const char *path, diag *d)
{
    records_safety s = {0};
    records_safety_begin(&s, d, NULL);
    records_src src;
    xmlDocPtr doc = NULL;
    if (records_load(path, &src, &s) == LOAD_OK) {
        doc = src.doc;
        src.doc = NULL;
    }
    records_src_free(&src);
    records_safety_end(&s);
    return doc;
}
