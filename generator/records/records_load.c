/* records_load — what makes reading a records file safe, and where its messages point: libxml2's
 * global state (no entity loader but for the schema; messages routed to a diag), positions of
 * nodes in the source text, and the pre-scan: size caps, UTF-8 and control characters checked on
 * the raw bytes, DOCTYPE/entity declarations refused before libxml2 sees them (the quadratic
 * blowup passes the parser's own limits). The parse itself, with no network, no DTD, no entity
 * substitution and libxml2's default depth and text limits (never XML_PARSE_HUGE), is
 * records_stream.c's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "base/i18n.h"
#include "records/records_int.h"
#include "records/records_xsd_int.h"

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
    s->parse_err_line = s->parse_err_col = -1;
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
        snprintf(out, outlen, _("elements nested more than %u levels deep: refused"), xmlParserMaxDepth);
}

void records_xml_error(void *ctx, xmlErrorPtr e)
{
    records_safety *s = ctx;
    if (!s || !e || !e->message) return;
    /* Noise after facet errors in libxml2 2.9 (tech-notes §8): says nothing to a user. */
    if (strstr(e->message, "No precomputed value available")) return;

    if (e->domain == XML_FROM_PARSER) {
        if (e->line == s->parse_err_line && e->int2 == s->parse_err_col) return; /* the same place: a cascade */
        s->parse_err_line = e->line;
        s->parse_err_col = e->int2;
    }
    char msg[1500];
    /* validity errors in a clerk's words (records_xsderr.c); the others as libxml2 words them */
    if (!records_xsderr_message(e, msg, sizeof msg) && !records_xmlerr_message(e, msg, sizeof msg))
        tidy_message(e->message, msg, sizeof msg);
    diag_loc loc = {0};
    if (e->node && s->src && e->domain == XML_FROM_SCHEMASV && ((xmlNodePtr)e->node)->doc == s->src->doc) {
        /* About the root's content: libxml2 reports one such error for an element; a file read in
         * pieces repeats its root in each, and must not repeat the error. */
        xmlNodePtr n = e->node, root = xmlDocGetRootElement(s->src->doc);
        if (n == root || (n->parent == root && e->code == XML_SCHEMAV_ELEMENT_CONTENT)) {
            if (s->root_reported) return;
            s->root_reported = 1;
        }
    }
    if (e->node && s->src && (e->domain == XML_FROM_SCHEMASV || e->domain == XML_FROM_SCHEMASP) &&
        ((xmlNodePtr)e->node)->doc == s->src->doc) {
        char attr[100];
        loc = records_locate(s->src, (xmlNodePtr)e->node,
                             records_xsderr_attribute(e->message, attr, sizeof attr) ? attr : NULL);
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

static int cmp_big(const void *a, const void *b)
{
    const void *x = ((const records_big_line *)a)->node, *y = ((const records_big_line *)b)->node;
    return x < y ? -1 : x > y;
}

long records_node_line(const records_src *src, xmlNodePtr node)
{
    if (src && src->nbig && node->type == XML_ELEMENT_NODE && node->line == 65535) {
        records_big_line key = {node, 0};
        const records_big_line *b = bsearch(&key, src->big, src->nbig, sizeof *src->big, cmp_big);
        if (b) return b->line;
    }
    return xmlGetLineNo(node);
}

/* The line holding byte off of src->buf. */
static long line_of_offset(const records_src *src, size_t off)
{
    size_t lo = 0, hi = src->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (src->line_start[mid] <= off) lo = mid;
        else hi = mid;
    }
    return src->first_line + (long)lo;
}

/* The column of byte off on line (in src->buf); 0 when the line starts before buf. */
static long col_of_offset(const records_src *src, long line, size_t off)
{
    if (line == src->first_line && src->partial) return 0;
    long col = 1;
    for (size_t i = src->line_start[line - src->first_line]; i < off && i < src->buf.len; i++)
        if (((unsigned char)src->buf.data[i] & 0xC0) != 0x80) col++;
    return col;
}

static size_t line_end(const records_src *src, long line)
{
    size_t k = (size_t)(line - src->first_line);
    return k + 1 < src->nlines ? src->line_start[k + 1] : src->buf.len;
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
    long line = records_node_line(src, node);
    if (line <= 0) return loc;
    loc.line = line;
    if (!src->line_start || line < src->first_line || (size_t)(line - src->first_line) >= src->nlines) return loc;

    /* libxml2 records the line where the start tag ends; look back a little for where it begins. */
    const char *buf = src->buf.data;
    size_t tag = (size_t)-1;
    for (long l = line; l >= src->first_line && l > line - 50 && tag == (size_t)-1; l--) {
        size_t b = src->line_start[l - src->first_line], e = line_end(src, l);
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

void records_src_free(records_src *src)
{
    if (!src) return;
    if (src->doc) xmlFreeDoc(src->doc);
    ws_buf_free(&src->buf);
    free(src->line_start);
    free(src->big);
    memset(src, 0, sizeof *src);
}

/* ------------------------------------------------------------------ pre-scan */

/* The pre-scan reads the file once, in blocks, before libxml2 sees any of it: nothing it holds
 * grows with the file. Each byte is looked at with at least LOOKAHEAD bytes after it in the block
 * (fewer only at the end of the file), enough for a UTF-8 sequence, a character reference, a
 * declaration's keyword or a record's tag name. */
#define SCAN_BLOCK ((size_t)256 << 10)
#define LOOKAHEAD 24

typedef enum { SC_TEXT, SC_STAG, SC_ETAG, SC_COMMENT, SC_PI, SC_CDATA, SC_DECL } scan_state;

typedef struct {
    const char *path;
    records_safety *s;
    int whole;              /* the file is read whole: the caps are the file's */
    long line, col;         /* of the byte at hand */
    long run_line, run_col; /* where the current run without '<' or '>' began */
    size_t run, nodes, rec_nodes, rec_start;
    int depth;              /* elements open: the root is 1, a record 2 */
    scan_state st;
    char quote;
    int blank;
    char prev;              /* the byte before, in a tag (a '/' before '>' closes it) */
    char h1, h2;            /* the two bytes before (the end of a comment, PI or CDATA section) */
    /* The record the bytes belong to, as record_before found it: set at a record's start tag
     * (its id when the tag has come by), cleared at a record's end tag. */
    char rec_id[80];
    int in_record_tag;
    ws_buf tag;             /* the record start tag so far (its first 4 KiB) */
    /* The first DOCTYPE and ENTITY declarations, refused once the bytes are otherwise sound. */
    int have_decl[2];
    long decl_line[2], decl_col[2];
} scan;

static void tag_id(scan *sc);

static void scan_report(scan *sc, long line, long col, int with_record, const char *fmt, const char *arg)
{
    if (sc->in_record_tag) tag_id(sc); /* the byte is in a record's start tag: its id so far */
    diag_loc loc = {.file = sc->path, .line = line, .col = col,
                    .record = with_record && sc->rec_id[0] ? sc->rec_id : NULL};
    diag_report(sc->s->d, DIAG_ERROR, loc, fmt, arg);
}

/* Whether the tag name at p (after '<' or "</", an optional prefix before ':') is that of a
 * record: campaign, unit, organisation or member. */
static int record_tag(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && *q != ':' && *q != '>' && *q != ' ' && *q != '/' && *q != '\n' && *q != '\t' && *q != '\r') q++;
    if (q < end && *q == ':') p = q + 1;
    static const struct {
        const char *name;
        size_t len;
    } names[] = {{"campaign", 8}, {"unit", 4}, {"organisation", 12}, {"member", 6}};
    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        size_t n = names[k].len;
        if ((size_t)(end - p) > n && *p == *names[k].name && !memcmp(p, names[k].name, n) && strchr(" \t\r\n/>", p[n]))
            return 1;
    }
    return 0;
}

/* The id attribute of the record start tag collected so far, into sc->rec_id. */
static void tag_id(scan *sc)
{
    const char *t = sc->tag.data, *end = t + sc->tag.len;
    for (const char *a = t; a + 4 < end; a++) {
        if ((a[0] != ' ' && a[0] != '\t' && a[0] != '\n' && a[0] != '\r') || memcmp(a + 1, "id=", 3)) continue;
        char quote = a[4];
        if (quote != '"' && quote != '\'') return;
        const char *v = a + 5, *ve = memchr(v, quote, (size_t)(end - v));
        if (ve) snprintf(sc->rec_id, sizeof sc->rec_id, "%.*s", (int)(ve - v < 64 ? ve - v : 64), v);
        return;
    }
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

static int starts(const char *p, size_t avail, const char *lit)
{
    size_t n = strlen(lit);
    return avail >= n && !memcmp(p, lit, n);
}

/* The quick way through text between tags and through tag and attribute names and values
 * (not a record's own start tag, whose bytes are kept): from p[i], the characters that need
 * nothing but counting (no '<', '>', reference, quote or '=', refused or malformed character;
 * none that ends the record's or the run's allowance) are taken with the same bookkeeping
 * scan_block does per character — line, column, run, blank, the last two lead bytes, a start
 * tag's last character. Returns where it stopped; the character there (if any) goes the long
 * way, so every state change and every report is made there as before. */
static size_t scan_text_run(scan *sc, const char *p, size_t len, size_t i, size_t stop, size_t at)
{
    size_t end = stop;
    if (!sc->whole && sc->depth >= 2) { /* scan_block's check: at + i - rec_start <= RECORDS_MAX_RECORD */
        size_t last = sc->rec_start + RECORDS_MAX_RECORD;
        if (last < at) return i;
        if (last - at + 1 < end) end = last - at + 1;
    }
    size_t j = i;
    int stag = sc->st == SC_STAG;
    /* The bookkeeping in locals, stored back once: stores through sc may alias the bytes read
     * (both are char), so the compiler otherwise loads and stores every field per character. */
    size_t run = sc->run;
    long line = sc->line, col = sc->col, run_line = sc->run_line, run_col = sc->run_col;
    int blank = sc->blank;
    char prev = sc->prev, h1 = sc->h1, h2 = sc->h2;
    while (j < end && run < RECORDS_MAX_RUN) {
        unsigned char c = (unsigned char)p[j];
        uint32_t cp = c;
        int n = 1;
        if (c >= 0xE4 && c <= 0xE9 && len - j >= 3 && ((unsigned char)p[j + 1] & 0xC0) == 0x80 &&
            ((unsigned char)p[j + 2] & 0xC0) == 0x80) {
            n = 3; /* U+4000-U+9FFF, the ideographs: well-formed, none of them refused */
        } else if (c >= 0x80) {
            n = ws_utf8_decode(p + j, len - j, &cp);
            if (n < 0 || refused_char(cp)) break;
        } else if (c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c == '<' || c == '>' || c == '&' || c == 0x7F ||
                                                                 (stag && (c == '"' || c == '\'' || c == '='))) {
            break;
        }
        if (stag) prev = (char)c;
        if (run++ == 0) run_line = line, run_col = col;
        if (blank && c != ' ' && c != '\t' && c != '\n' && c != '\r') blank = 0;
        if (c == '\n') line++, col = 1;
        else col++;
        h2 = h1;
        h1 = (char)c;
        j += (size_t)n;
    }
    sc->run = run;
    sc->line = line, sc->col = col, sc->run_line = run_line, sc->run_col = run_col;
    sc->blank = blank;
    sc->prev = prev, sc->h1 = h1, sc->h2 = h2;
    return j;
}

/* Scans p[0..len) (at offset `at` of the file); with more to come, stops LOOKAHEAD bytes short
 * of the end and returns how far it got. -1 after reporting a refused byte. */
static long scan_block(scan *sc, const char *p, size_t len, size_t at, int eof)
{
    size_t stop = eof ? len : len > LOOKAHEAD ? len - LOOKAHEAD : 0;
    size_t i = 0;
    while (i < stop) {
        if (sc->st == SC_TEXT || sc->st == SC_ETAG || (sc->st == SC_STAG && !sc->in_record_tag)) {
            size_t j = scan_text_run(sc, p, len, i, stop, at);
            if (j > i) {
                i = j;
                continue;
            }
        }
        unsigned char c = (unsigned char)p[i];
        size_t avail = len - i;
        uint32_t cp = c;
        int n = 1;
        if (c >= 0x80) {
            n = ws_utf8_decode(p + i, avail, &cp);
            if (n < 0) {
                char hex[8];
                snprintf(hex, sizeof hex, "0x%02X", c);
                scan_report(sc, sc->line, sc->col, 0,
                            _("invalid UTF-8 (byte %s): records files must be UTF-8. This file is in another "
                              "encoding (such as GBK, in which WPS, Excel and Notepad may save) and does not say "
                              "which: save it again as UTF-8 (in WPS, Excel or Notepad: File > Save As, then choose "
                              "the encoding UTF-8), or name its encoding in its first line, "
                              "<?xml version=\"1.0\" encoding=\"GBK\"?>"),
                            hex);
                return -1;
            }
        }
        long ref = c == '&' ? char_ref(p + i, avail) : -1;
        if (refused_char(cp) || (ref >= 0 && refused_char((uint32_t)ref))) {
            char u[64];
            if (ref >= 0) {
                const char *semi = memchr(p + i, ';', avail);
                snprintf(u, sizeof u, "U+%04lX（写作 %.*s）", ref, (int)(semi - (p + i) + 1), p + i);
            } else {
                snprintf(u, sizeof u, "U+%04X", (unsigned)cp);
            }
            scan_report(sc, sc->line, sc->col, 1, "记录中不允许出现控制字符 %s，请删去", u);
            return -1;
        }
        size_t off = at + i;
        if (c == '<') {
            for (int k = 0; k < 2; k++)
                if (!sc->have_decl[k] && starts(p + i, avail, k ? "<!ENTITY" : "<!DOCTYPE")) {
                    sc->have_decl[k] = 1;
                    sc->decl_line[k] = sc->line;
                    sc->decl_col[k] = sc->col;
                }
        }
        switch (sc->st) {
        case SC_TEXT:
            if (c != '<') break;
            if (avail > 1 && p[i + 1] == '/') {
                sc->st = SC_ETAG;
                if (record_tag(p + i + 2, p + len)) sc->rec_id[0] = 0;
                break;
            }
            sc->nodes++;
            sc->rec_nodes++;
            if (starts(p + i, avail, "<!--")) sc->st = SC_COMMENT;
            else if (starts(p + i, avail, "<![CDATA[")) sc->st = SC_CDATA;
            else if (avail > 1 && p[i + 1] == '!') sc->st = SC_DECL;
            else if (avail > 1 && p[i + 1] == '?') sc->st = SC_PI;
            else {
                sc->st = SC_STAG;
                sc->prev = 0;
                if (++sc->depth == 2) {
                    sc->rec_nodes = 1;
                    sc->rec_start = off;
                }
                sc->in_record_tag = record_tag(p + i + 1, p + len);
                if (sc->in_record_tag) {
                    sc->rec_id[0] = 0;
                    sc->tag.len = 0;
                }
            }
            break;
        case SC_STAG:
            if (sc->in_record_tag && sc->tag.len < 4096) ws_buf_put(&sc->tag, p + i, (size_t)n);
            if (sc->quote) {
                if (c == (unsigned char)sc->quote) sc->quote = 0;
            } else if (c == '"' || c == '\'') {
                sc->quote = (char)c;
            } else if (c == '=') {
                sc->nodes++;
                sc->rec_nodes++;
            } else if (c == '>') {
                sc->st = SC_TEXT;
                if (sc->prev == '/') sc->depth--;
                if (sc->in_record_tag) tag_id(sc);
                sc->in_record_tag = 0;
            }
            sc->prev = (char)c;
            break;
        case SC_ETAG:
            if (c == '>') {
                sc->st = SC_TEXT;
                sc->depth--;
            }
            break;
        case SC_COMMENT:
            if (c == '>' && sc->h1 == '-' && sc->h2 == '-') sc->st = SC_TEXT;
            break;
        case SC_PI:
            if (c == '>' && sc->h1 == '?') sc->st = SC_TEXT;
            break;
        case SC_CDATA:
            if (c == '>' && sc->h1 == ']' && sc->h2 == ']') sc->st = SC_TEXT;
            break;
        case SC_DECL:
            if (c == '>') sc->st = SC_TEXT;
            break;
        }
        if (sc->whole ? sc->nodes > RECORDS_MAX_NODES : sc->depth >= 2 && sc->rec_nodes > RECORDS_MAX_NODES) {
            scan_report(sc, sc->line, sc->col, 1,
                        sc->whole ? _("the file has more than %s elements and attributes (the memory limit): split the records per unit")
                                  : _("a record with more than %s elements and attributes (the memory limit): "
                                      "refused"),
                        "1 000 000");
            return -1;
        }
        if (!sc->whole && sc->depth >= 2 && off - sc->rec_start > RECORDS_MAX_RECORD) {
            scan_report(sc, sc->line, sc->col, 1, _("a record longer than %s MiB: refused"), "64");
            return -1;
        }
        if (c == '<' || c == '>') {
            sc->run = 0;
        } else {
            if (sc->run++ == 0) sc->run_line = sc->line, sc->run_col = sc->col;
            if (sc->run > RECORDS_MAX_RUN) {
                scan_report(sc, sc->run_line, sc->run_col, 0,
                            _("text or attribute value longer than %s bytes: refused (a record's text is at most 20 000 characters)"),
                            "1 048 576");
                return -1;
            }
        }
        if (sc->blank && c != ' ' && c != '\t' && c != '\n' && c != '\r') sc->blank = 0;
        if (c == '\n') sc->line++, sc->col = 1;
        else sc->col++;
        sc->h2 = sc->h1;
        sc->h1 = (char)c;
        i += (size_t)n;
    }
    return (long)i;
}

int records_prescan(int fd, const char *path, int whole, records_safety *s)
{
    scan sc = {.path = path, .s = s, .whole = whole, .line = 1, .col = 1, .blank = 1};
    char *block = ws_xmalloc(SCAN_BLOCK + LOOKAHEAD);
    size_t have = 0, at = 0;
    int ok = 1, first = 1;
    for (;;) {
        ssize_t got = read(fd, block + have, SCAN_BLOCK + LOOKAHEAD - have);
        if (got < 0) {
            if (errno == EINTR) continue;
            diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path}, _("cannot read: read error: %s"), strerror(errno));
            ok = -1;
            break;
        }
        have += (size_t)got;
        int eof = got == 0;
        size_t from = 0;
        if (first && have >= 3 && !memcmp(block, "\xEF\xBB\xBF", 3)) from = 3, at = 3; /* BOM */
        if (first && (have >= 3 || eof)) first = 0;
        else if (first) continue;
        long done = scan_block(&sc, block + from, have - from, at, eof);
        if (done < 0) {
            ok = 0;
            break;
        }
        at += (size_t)done;
        memmove(block, block + from + done, have - from - (size_t)done);
        have -= from + (size_t)done;
        if (eof) break;
    }
    free(block);
    ws_buf_free(&sc.tag);
    if (ok != 1) return ok;
    if (sc.blank) {
        diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path},
                    _("file is empty: expected a <wenshu xmlns=\"%s\"> document"), WENSHU_NS);
        return 0;
    }
    /* Entity declarations are what XXE, billion laughs and the quadratic blowup are made of; records
     * never need a DTD, so any declaration is refused outright. */
    static const char *const decls[] = {"DOCTYPE", "ENTITY"};
    for (int k = 0; k < 2; k++)
        if (sc.have_decl[k]) {
            diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path, .line = sc.decl_line[k], .col = sc.decl_col[k]},
                        _("%s declaration refused: records files may not declare a DTD or entities (they can read "
                          "local files or exhaust memory)"), decls[k]);
            return 0;
        }
    return 1;
}
