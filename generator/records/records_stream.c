/* records_stream — one records file read as a sequence of pieces (records_int.h), so that what a
 * pass holds follows the largest record, not the file.
 *
 * The file is read three times at most, each in blocks: converted to UTF-8 into a temporary file
 * when it says it is in another encoding; pre-scanned (records_prescan: what the file may not
 * hold is refused before libxml2 sees any of it); and parsed by libxml2's push parser, whose tree
 * is taken apart as it grows: after each block, the root's children that are complete (every
 * record but the one being parsed) move into the piece being made, and the piece is handed on
 * once it is full. The parser's own messages and limits (depth, text length, well-formedness) are
 * libxml2's, exactly as for a whole-file parse, since it is the same parser reading the same
 * bytes; a piece is the tree a whole-file parse would have given for those records, with the
 * same line numbers.
 *
 * The parser keeps no dictionary (XML_PARSE_NODICT), so that a node owns its strings and can move
 * to a piece whose document outlives the parser. Positions: the text from a little before a
 * piece's first record to where the parser stopped goes with the piece (records_locate looks back
 * up to 50 lines for a start tag, and counts columns from a line's start), and the lines of
 * elements past line 65 535, which libxml2 cannot keep in a node, are noted when their start tag
 * is parsed. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "base/i18n.h"
#include "records/records_int.h"

#define PARSE_OPTIONS                                                                                          \
    (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT |        \
     XML_PARSE_NODICT | XML_PARSE_IGNORE_ENC)
#define FEED_BLOCK ((size_t)64 << 10)
/* How far back a piece's text reaches before its first record's start tag: records_locate's 50
 * lines, but no more than this many bytes (a file written on one line). */
#define LOOKBACK_LINES 50
#define LOOKBACK_BYTES ((size_t)64 << 10)

typedef struct {
    xmlNodePtr node;
    long line;   /* where its start tag ends */
    size_t off;  /* the offset just past its start tag */
    size_t big;  /* st->big's length before its own entries */
} pending;

enum { ST_NEW, ST_PARSING, ST_DONE, ST_FAILED };

struct records_stream {
    const char *path;      /* the caller's: outlives the stream and its pieces */
    size_t max_records, max_bytes;
    int state;
    int fd;
    FILE *converted;       /* the UTF-8 text of a file in another encoding */
    xmlParserCtxtPtr ctxt;
    int finished;          /* the parser has had the whole file */
    size_t fed;            /* bytes given to the parser (after a byte-order mark) */
    int wrong_root;        /* the root is not <wenshu>: records are dropped, the error comes at the end */
    diag_loc root_loc;
    char *root_desc;
    /* The text given to the parser from woff on; wl[k] is the offset where line wl_first + k
     * starts, for every line that starts at or after woff. */
    ws_buf win;
    size_t woff;
    size_t *wl, nwl, capwl;
    long wl_first;
    /* The root's children started and not yet moved into a piece, in order. */
    pending *pend;
    size_t pend_head, npend, cappend;
    records_big_line *big;
    size_t nbig, capbig;
    /* The piece being made. */
    xmlDocPtr pdoc;
    size_t precords, pfirst_off, pieces;
    long pfirst_line;
};

/* ------------------------------------------------------------------ the text window */

static void window_add(records_stream *st, const char *p, size_t n)
{
    ws_buf_put(&st->win, p, n);
    for (size_t j = 0; j < n; j++)
        if (p[j] == '\n') {
            if (st->nwl == st->capwl) st->wl = ws_xrealloc(st->wl, (st->capwl = st->capwl * 2 + 256) * sizeof *st->wl);
            st->wl[st->nwl++] = st->fed + j + 1;
        }
    st->fed += n;
}

/* The offset where line `line` starts, within the window (its start when the line starts before). */
static size_t window_line_start(const records_stream *st, long line)
{
    if (line < st->wl_first || !st->nwl) return st->woff;
    size_t k = (size_t)(line - st->wl_first);
    return k < st->nwl ? st->wl[k] : st->wl[st->nwl - 1];
}

/* Where a piece's text begins for a record whose start tag ends at line/off. */
static size_t window_from(const records_stream *st, long line, size_t off)
{
    size_t from = window_line_start(st, line - LOOKBACK_LINES);
    if (off > LOOKBACK_BYTES && from < off - LOOKBACK_BYTES) from = off - LOOKBACK_BYTES;
    return from < st->woff ? st->woff : from;
}

/* Drops the text before offset from. */
static void window_trim(records_stream *st, size_t from)
{
    if (from <= st->woff) return;
    if (from > st->fed) from = st->fed;
    size_t cut = from - st->woff;
    memmove(st->win.data, st->win.data + cut, st->win.len - cut);
    st->win.len -= cut;
    st->woff = from;
    size_t k = 0;
    while (k < st->nwl && st->wl[k] < from) k++;
    memmove(st->wl, st->wl + k, (st->nwl - k) * sizeof *st->wl);
    st->nwl -= k;
    st->wl_first += (long)k;
}

/* Copies the window from offset `from` on into src (its text and lines). */
static void window_copy(const records_stream *st, size_t from, records_src *src)
{
    ws_buf_put(&src->buf, st->win.data + (from - st->woff), st->fed - from);
    size_t lo = 0, hi = st->nwl; /* the first line starting at or after from */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->wl[mid] < from) lo = mid + 1;
        else hi = mid;
    }
    src->partial = !(lo < st->nwl && st->wl[lo] == from);
    src->first_line = st->wl_first + (long)lo - (src->partial ? 1 : 0);
    src->nlines = st->nwl - lo + (src->partial ? 1 : 0);
    src->line_start = ws_xmalloc((src->nlines ? src->nlines : 1) * sizeof *src->line_start);
    size_t k = 0;
    if (src->partial) src->line_start[k++] = 0;
    for (size_t j = lo; j < st->nwl; j++) src->line_start[k++] = st->wl[j] - from;
    if (!src->nlines) src->line_start[src->nlines++] = 0;
}

/* ------------------------------------------------------------------ the parser's side */

/* The SAX start of an element: libxml2's, then what a piece needs to know of it. */
static void sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri, int nns,
                      const xmlChar **nss, int nattrs, int ndefaulted, const xmlChar **attrs)
{
    xmlParserCtxtPtr ctxt = ctx;
    records_stream *st = ctxt->_private;
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nns, nss, nattrs, ndefaulted, attrs);
    xmlNodePtr n = ctxt->node;
    if (!n || !ctxt->input) return;
    long line = ctxt->input->line;
    size_t before = st->nbig;
    if (line >= 65535) {
        if (st->nbig == st->capbig) st->big = ws_xrealloc(st->big, (st->capbig = st->capbig * 2 + 64) * sizeof *st->big);
        st->big[st->nbig++] = (records_big_line){n, line};
    }
    if (ctxt->nodeNr == 2) { /* a child of the root: a record */
        if (st->npend == st->cappend) st->pend = ws_xrealloc(st->pend, (st->cappend = st->cappend * 2 + 64) * sizeof *st->pend);
        long off = xmlByteConsumed(ctxt);
        st->pend[st->npend++] = (pending){n, line, off > 0 ? (size_t)off : st->fed, before};
    }
}

static records_load_status fail_io(const char *path, records_safety *s, const char *what)
{
    diag_report(s->d, DIAG_ERROR, (diag_loc){.file = path}, _("cannot read: %s"), what);
    return LOAD_IO_ERROR;
}

/* ------------------------------------------------------------------ encodings */

/* The encoding the file says it is in, when it is not UTF-8: from a byte-order mark or the
 * pattern of "<?" in UTF-16, else from the XML declaration. *skip gets the length of a mark. */
static int declared_encoding(const unsigned char *b, size_t n, char *enc, size_t enclen, size_t *skip)
{
    *skip = 0;
    enc[0] = 0;
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) return *skip = 2, snprintf(enc, enclen, "UTF-16LE"), 1;
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) return *skip = 2, snprintf(enc, enclen, "UTF-16BE"), 1;
    if (n >= 4 && !memcmp(b, "<\0?\0", 4)) return snprintf(enc, enclen, "UTF-16LE"), 1;
    if (n >= 4 && !memcmp(b, "\0<\0?", 4)) return snprintf(enc, enclen, "UTF-16BE"), 1;
    if (n < 5 || memcmp(b, "<?xml", 5)) return 0;
    const unsigned char *end = memchr(b, '>', n);
    if (!end) return 0;
    for (const unsigned char *p = b + 5; p + 9 < end; p++) {
        if (memcmp(p, "encoding", 8)) continue;
        p += 8;
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '=')) p++;
        if (p >= end || (*p != '"' && *p != '\'')) return 0;
        const unsigned char *v = p + 1, *q = memchr(v, *p, (size_t)(end - v));
        if (!q || (size_t)(q - v) >= enclen) return 0;
        snprintf(enc, enclen, "%.*s", (int)(q - v), (const char *)v);
        return strcasecmp(enc, "UTF-8") && strcasecmp(enc, "UTF8");
    }
    return 0;
}

/* Converts the file on st->fd, in encoding enc, to UTF-8 in a temporary file that becomes
 * st->fd. Line ends stay where they were, so every line and column of a message is the file's. */
static records_load_status convert(records_stream *st, const char *enc, size_t skip, records_safety *s)
{
    iconv_t cd = iconv_open("UTF-8", enc);
    if (cd == (iconv_t)-1) {
        diag_report(s->d, DIAG_ERROR, (diag_loc){.file = st->path, .line = 1},
                    _("the file says it is in the encoding \"%s\", which wenshu does not know: save it again as "
                      "UTF-8 (in WPS, Excel or Notepad: File > Save As, then choose the encoding UTF-8)"),
                    enc);
        return LOAD_DATA_ERROR;
    }
    st->converted = tmpfile();
    if (!st->converted) {
        iconv_close(cd);
        return fail_io(st->path, s, strerror(errno));
    }
    records_load_status status = LOAD_OK;
    char in[FEED_BLOCK], out[4 * FEED_BLOCK];
    size_t have = 0;
    long line = 1;
    if (lseek(st->fd, (off_t)skip, SEEK_SET) < 0) status = fail_io(st->path, s, strerror(errno));
    for (int eof = 0; status == LOAD_OK && !eof;) {
        ssize_t got = read(st->fd, in + have, sizeof in - have);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            status = fail_io(st->path, s, strerror(errno));
            break;
        }
        eof = got == 0;
        have += (size_t)got;
        char *ip = in, *op = out;
        size_t il = have, ol = sizeof out;
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        int bad = r == (size_t)-1 && (errno == EILSEQ || (errno == EINVAL && eof));
        for (char *c = out; c < op; c++) line += *c == '\n';
        if (bad) {
            char hex[8];
            snprintf(hex, sizeof hex, "0x%02X", il ? (unsigned char)*ip : 0);
            diag_report(s->d, DIAG_ERROR, (diag_loc){.file = st->path, .line = line},
                        _("the file says it is in the encoding %s, but byte %s here is not written in it: save the "
                          "file again as UTF-8 (in WPS, Excel or Notepad: File > Save As, then choose the encoding "
                          "UTF-8), or correct the encoding its first line names"),
                        enc, hex);
            status = LOAD_DATA_ERROR;
            break;
        }
        if (fwrite(out, 1, (size_t)(op - out), st->converted) != (size_t)(op - out)) {
            status = fail_io(st->path, s, strerror(errno));
            break;
        }
        memmove(in, ip, il);
        have = il;
    }
    iconv_close(cd);
    if (status == LOAD_OK && fflush(st->converted)) status = fail_io(st->path, s, strerror(errno));
    if (status != LOAD_OK) return status;
    close(st->fd);
    st->fd = dup(fileno(st->converted));
    if (st->fd < 0 || lseek(st->fd, 0, SEEK_SET) < 0) return fail_io(st->path, s, strerror(errno));
    return LOAD_OK;
}

/* ------------------------------------------------------------------ starting */

static records_load_status start(records_stream *st, records_safety *s)
{
    st->fd = open(st->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    char err[300];
    if (st->fd < 0) {
        snprintf(err, sizeof err, _("cannot open: %s"), strerror(errno));
        return fail_io(st->path, s, err);
    }
    struct stat sb;
    if (fstat(st->fd, &sb) != 0) {
        snprintf(err, sizeof err, _("cannot stat: %s"), strerror(errno));
        return fail_io(st->path, s, err);
    }
    if (S_ISDIR(sb.st_mode)) return fail_io(st->path, s, _("is a directory, not a file"));
    if (!S_ISREG(sb.st_mode)) return fail_io(st->path, s, _("not a regular file"));
    fcntl(st->fd, F_SETFL, fcntl(st->fd, F_GETFL) & ~O_NONBLOCK);
    if (!st->max_records && (unsigned long long)sb.st_size > RECORDS_MAX_FILE) {
        diag_report(s->d, DIAG_ERROR, (diag_loc){.file = st->path},
                    _("file is %lld bytes, over the limit of %u MiB: split the records per unit"), (long long)sb.st_size,
                    RECORDS_MAX_FILE >> 20);
        return LOAD_DATA_ERROR;
    }

    unsigned char head[1024];
    ssize_t n = pread(st->fd, head, sizeof head, 0);
    if (n < 0) return fail_io(st->path, s, strerror(errno));
    char enc[64];
    size_t skip;
    if (declared_encoding(head, (size_t)n, enc, sizeof enc, &skip)) {
        records_load_status c = convert(st, enc, skip, s);
        if (c != LOAD_OK) return c;
    }

    /* Not again for a file whose pre-scan passed and that has not changed since (the planning
     * pass and the workers of a build read what the index pass pre-scanned). */
    if (!records_scanned_known(&sb, !st->max_records)) {
        int scan = records_prescan(st->fd, st->path, !st->max_records, s);
        if (scan != 1) return scan < 0 ? LOAD_IO_ERROR : LOAD_DATA_ERROR;
        records_scanned_note(&sb, !st->max_records);
    }
    if (lseek(st->fd, 0, SEEK_SET) < 0) return fail_io(st->path, s, strerror(errno));

    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = sax_start;
    st->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, st->path);
    if (!st->ctxt) {
        fputs("wenshu: out of memory\n", stderr);
        abort();
    }
    xmlCtxtUseOptions(st->ctxt, PARSE_OPTIONS);
    xmlSwitchEncoding(st->ctxt, XML_CHAR_ENCODING_UTF8);
    st->ctxt->_private = st;
    st->wl = ws_xmalloc((st->capwl = 256) * sizeof *st->wl);
    st->wl[st->nwl++] = 0;
    st->wl_first = 1;
    return LOAD_OK;
}

/* ------------------------------------------------------------------ pieces */

static int cmp_big_nodes(const void *a, const void *b)
{
    const void *x = ((const records_big_line *)a)->node, *y = ((const records_big_line *)b)->node;
    return x < y ? -1 : x > y;
}

static int piece_full(const records_stream *st)
{
    if (!st->max_records) return 0;
    return st->precords >= st->max_records || (st->precords && st->fed - st->pfirst_off >= st->max_bytes);
}

/* Moves one complete child of the parser's root into the piece being made (or drops it, when
 * the root is wrong). */
static void take(records_stream *st, xmlNodePtr root, xmlNodePtr c)
{
    int element = c->type == XML_ELEMENT_NODE;
    pending p = {0};
    if (element && st->pend_head < st->npend && st->pend[st->pend_head].node == c) p = st->pend[st->pend_head++];
    xmlUnlinkNode(c);
    if (st->wrong_root) {
        xmlFreeNode(c);
        return;
    }
    if (!st->pdoc) {
        st->pdoc = xmlNewDoc(BAD_CAST "1.0");
        if (!st->pdoc) abort();
        st->pdoc->URL = xmlStrdup(BAD_CAST st->path);
        xmlNodePtr proot = xmlDocCopyNode(root, st->pdoc, 2);
        if (!proot) abort();
        xmlDocSetRootElement(st->pdoc, proot);
    }
    if (element) {
        if (!st->precords++) {
            st->pfirst_line = p.node ? p.line : 0;
            st->pfirst_off = p.node ? p.off : st->fed;
        }
    }
    xmlNodePtr proot = xmlDocGetRootElement(st->pdoc);
    xmlNodePtr added = xmlAddChild(proot, c); /* a text node may merge into the one before */
    if (added == c && element) xmlReconciliateNs(st->pdoc, c);
}

/* Moves the complete children of the root into the piece, while it has room. Returns whether
 * the piece is ready to hand on: full, and the record after it begun and not a campaign (a
 * piece never starts with a campaign that was not first, so that the schema sees it misplaced,
 * as in the whole file), or the file ended. */
static int gather(records_stream *st)
{
    xmlDocPtr doc = st->ctxt->myDoc;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) return st->finished;
    xmlNodePtr open = st->ctxt->node && st->ctxt->node != root && !st->finished ? root->last : NULL;
    for (xmlNodePtr c = root->children, next; c && c != open; c = next) {
        next = c->next;
        if (c->type == XML_TEXT_NODE && !next && !st->finished) break; /* it may grow */
        if (c->type == XML_ELEMENT_NODE && piece_full(st)) break;
        take(st, root, c);
    }
    if (st->finished && !root->children) return 1;
    if (!piece_full(st)) return 0;
    xmlNodePtr first = root->children;
    while (first && first->type != XML_ELEMENT_NODE) first = first->next;
    if (!first) return st->finished;
    if (strcmp((const char *)first->name, "campaign")) return 1;
    if (first == open) return 0;
    size_t max = st->max_records;
    st->max_records = SIZE_MAX; /* one more */
    take(st, root, first);
    st->max_records = max;
    return 1;
}

/* Hands the piece made so far on, with its text and its big line numbers. */
static void hand_on(records_stream *st, records_src *piece)
{
    memset(piece, 0, sizeof *piece);
    piece->path = st->path;
    if (!st->pdoc) { /* a file with no records, or the end after a full piece: the root alone */
        xmlNodePtr root = xmlDocGetRootElement(st->ctxt->myDoc);
        st->pdoc = xmlNewDoc(BAD_CAST "1.0");
        if (!st->pdoc) abort();
        st->pdoc->URL = xmlStrdup(BAD_CAST st->path);
        xmlDocSetRootElement(st->pdoc, xmlDocCopyNode(root, st->pdoc, 2));
    }
    piece->doc = st->pdoc;
    size_t from = st->pieces == 0 || !st->precords ? st->woff : window_from(st, st->pfirst_line, st->pfirst_off);
    window_copy(st, from, piece);
    size_t nbig = st->pend_head < st->npend ? st->pend[st->pend_head].big : st->nbig;
    if (nbig) {
        piece->big = ws_xmalloc(nbig * sizeof *piece->big);
        memcpy(piece->big, st->big, nbig * sizeof *piece->big);
        piece->nbig = nbig;
        qsort(piece->big, nbig, sizeof *piece->big, cmp_big_nodes);
        memmove(st->big, st->big + nbig, (st->nbig - nbig) * sizeof *st->big);
        st->nbig -= nbig;
        for (size_t k = st->pend_head; k < st->npend; k++) st->pend[k].big -= nbig;
    }
    piece->piece = st->pieces++;
    st->pdoc = NULL;
    st->precords = 0;
    /* What the next piece may need of the text: from a little before the next record. */
    if (st->pend_head < st->npend) window_trim(st, window_from(st, st->pend[st->pend_head].line, st->pend[st->pend_head].off));
    else window_trim(st, window_from(st, st->wl_first + (long)st->nwl - 1, st->fed));
    if (st->pend_head > 1024 && st->pend_head * 2 > st->npend) {
        memmove(st->pend, st->pend + st->pend_head, (st->npend - st->pend_head) * sizeof *st->pend);
        st->npend -= st->pend_head;
        st->pend_head = 0;
    }
}

/* Notes the root once it is there: a foreign root is reported at the end, once the whole file
 * is known well-formed (as a whole-file parse would). */
static void check_root(records_stream *st)
{
    xmlDocPtr doc = st->ctxt->myDoc;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root || st->root_desc) return;
    if (!strcmp((const char *)root->name, "wenshu") && root->ns && !strcmp((const char *)root->ns->href, WENSHU_NS)) {
        st->root_desc = ws_xstrdup("");
        return;
    }
    st->wrong_root = 1;
    records_src view = {.path = st->path, .buf = st->win, .first_line = st->wl_first, .line_start = st->wl,
                        .nlines = st->nwl, .partial = st->woff != 0};
    st->root_loc = records_locate(&view, root, NULL);
    ws_buf d = {0};
    ws_buf_printf(&d, "%s%s%s", (const char *)root->name, root->ns ? " in namespace " : "",
                  root->ns ? (const char *)root->ns->href : "");
    st->root_desc = ws_buf_steal(&d);
}

records_stream *records_stream_open(const char *path, size_t max_records, size_t max_bytes)
{
    records_stream *st = ws_xcalloc(1, sizeof *st);
    st->path = path;
    st->max_records = max_records;
    st->max_bytes = max_bytes ? max_bytes : SIZE_MAX;
    st->fd = -1;
    return st;
}

records_load_status records_stream_next(records_stream *st, records_src *piece, records_safety *s)
{
    memset(piece, 0, sizeof *piece);
    if (st->state == ST_DONE || st->state == ST_FAILED) return LOAD_END;
    long errors = s->errors;
    if (st->state == ST_NEW) {
        records_load_status r = start(st, s);
        if (r != LOAD_OK) {
            st->state = ST_FAILED;
            return r;
        }
        st->state = ST_PARSING;
    }
    char *block = ws_xmalloc(FEED_BLOCK);
    records_load_status status = LOAD_OK;
    for (;;) {
        if (gather(st) && !st->wrong_root) break;
        if (st->finished) break;
        ssize_t n = read(st->fd, block, FEED_BLOCK);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            status = fail_io(st->path, s, strerror(errno));
            break;
        }
        size_t from = 0;
        if (st->fed == 0 && n >= 3 && !memcmp(block, "\xEF\xBB\xBF", 3)) from = 3; /* the pre-scan allowed it */
        window_add(st, block + from, (size_t)n - from);
        xmlParseChunk(st->ctxt, block + from, (int)((size_t)n - from), n == 0);
        if (n == 0) st->finished = 1;
        if (!st->ctxt->wellFormed || (st->finished && !st->ctxt->myDoc)) {
            if (s->errors == errors)
                diag_report(s->d, DIAG_ERROR, (diag_loc){.file = st->path}, _("not well-formed XML"));
            status = LOAD_DATA_ERROR;
            break;
        }
        if (st->ctxt->myDoc && (st->ctxt->myDoc->intSubset || st->ctxt->myDoc->extSubset)) {
            /* the pre-scan should have caught it; never trust one guard */
            diag_report(s->d, DIAG_ERROR, (diag_loc){.file = st->path}, _("DOCTYPE declaration refused"));
            status = LOAD_DATA_ERROR;
            break;
        }
        check_root(st);
    }
    free(block);
    if (status == LOAD_OK && st->wrong_root) {
        diag_report(s->d, DIAG_ERROR, st->root_loc, _("the root element must be <wenshu xmlns=\"%s\">, not <%s>"), WENSHU_NS,
                    st->root_desc);
        status = LOAD_DATA_ERROR;
    }
    if (status != LOAD_OK) {
        st->state = ST_FAILED;
        return status;
    }
    hand_on(st, piece);
    xmlNodePtr root = xmlDocGetRootElement(st->ctxt->myDoc);
    if (st->finished && (!root || !root->children)) {
        piece->last = 1;
        st->state = ST_DONE;
    }
    return LOAD_OK;
}

void records_stream_close(records_stream *st)
{
    if (!st) return;
    if (st->ctxt) {
        if (st->ctxt->myDoc) xmlFreeDoc(st->ctxt->myDoc);
        xmlFreeParserCtxt(st->ctxt);
    }
    if (st->pdoc) xmlFreeDoc(st->pdoc);
    if (st->fd >= 0) close(st->fd);
    if (st->converted) fclose(st->converted);
    ws_buf_free(&st->win);
    free(st->wl);
    free(st->pend);
    free(st->big);
    free(st->root_desc);
    free(st);
}

xmlDocPtr records_parse_file(const char *path, diag *d)
{
    records_safety s = {0};
    records_safety_begin(&s, d, NULL);
    records_stream *st = records_stream_open(path, 0, 0);
    records_src src;
    xmlDocPtr doc = NULL;
    if (records_stream_next(st, &src, &s) == LOAD_OK) {
        doc = src.doc;
        src.doc = NULL;
    }
    records_src_free(&src);
    records_stream_close(st);
    records_safety_end(&s);
    return doc;
}

/* ------------------------------------------------------------------ a worker's walk */

struct records_file {
    char *path;
    records_stream *st;
    size_t next;     /* the piece st gives next */
    records_src cur; /* the piece given last */
};

records_file *records_file_open(void) { return ws_xcalloc(1, sizeof(records_file)); }

xmlDocPtr records_file_piece(records_file *f, const char *path, size_t piece, diag *d)
{
    if (f->cur.doc && f->path && !strcmp(f->path, path) && f->cur.piece == piece) return f->cur.doc;
    records_src_free(&f->cur);
    if (!f->st || strcmp(f->path, path) || piece < f->next) {
        records_stream_close(f->st);
        free(f->path);
        f->path = ws_xstrdup(path);
        f->st = records_stream_open(f->path, RECORDS_PIECE_RECORDS, RECORDS_PIECE_BYTES);
        f->next = 0;
    }
    records_safety s = {0};
    records_safety_begin(&s, d, NULL);
    xmlDocPtr doc = NULL;
    for (;;) {
        records_src src;
        records_load_status status = records_stream_next(f->st, &src, &s);
        if (status != LOAD_OK) {
            if (status == LOAD_END)
                diag_report(d, DIAG_ERROR, (diag_loc){.file = path},
                            _("the file changed while the build was running; run the build again"));
            break;
        }
        f->next = src.piece + 1;
        if (src.piece == piece) {
            f->cur = src;
            records_unqualify(src.doc);
            doc = src.doc;
            break;
        }
        records_src_free(&src);
    }
    records_safety_end(&s);
    if (!doc) { /* start again next time */
        records_stream_close(f->st);
        f->st = NULL;
    }
    return doc;
}

void records_file_close(records_file *f)
{
    if (!f) return;
    records_src_free(&f->cur);
    records_stream_close(f->st);
    free(f->path);
    free(f);
}

/* ------------------------------------------------------------------ ids of a file that failed */

#define HARVEST_TAG 4096 /* the longest start tag looked into */
#define SCAN_HARVEST_BLOCK ((size_t)256 << 10)

/* Whether p (after '<') starts a record's start tag (campaign, unit, organisation or member, with
 * or without a prefix); *after gets the end of its name. */
static int harvest_record_tag(const char *p, const char *end, const char **after)
{
    const char *q = p;
    while (q < end && q - p < 64 && *q != ':' && *q != ' ' && *q != '>' && *q != '\t' && *q != '\n' && *q != '\r') q++;
    if (q < end && *q == ':') p = q + 1;
    static const char *const names[] = {"campaign", "unit", "organisation", "member"};
    for (size_t k = 0; k < 4; k++) {
        size_t n = strlen(names[k]);
        if ((size_t)(end - p) > n && !memcmp(p, names[k], n) && strchr(" \t\r\n", p[n])) {
            *after = p + n;
            return 1;
        }
    }
    return 0;
}

void records_harvest_ids(const char *path, void (*fn)(void *ud, const char *id), void *ud)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return;
    struct stat sb;
    if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        close(fd);
        return;
    }
    size_t cap = SCAN_HARVEST_BLOCK + HARVEST_TAG;
    char *b = ws_xmalloc(cap);
    size_t have = 0;
    for (;;) {
        ssize_t got = read(fd, b + have, cap - have);
        if (got < 0 && errno == EINTR) continue;
        int eof = got <= 0;
        have += eof ? 0 : (size_t)got;
        const char *end = b + have, *p = b, *stop = eof ? end : have > HARVEST_TAG ? end - HARVEST_TAG : b;
        while (p < stop && (p = memchr(p, '<', (size_t)(stop - p)))) {
            const char *name_end, *gt;
            p++;
            if (!harvest_record_tag(p, end, &name_end)) continue;
            gt = memchr(name_end, '>', (size_t)(end - name_end));
            if (!gt) gt = end;
            for (const char *a = name_end; a + 5 < gt; a++) {
                if ((a[0] != ' ' && a[0] != '\t' && a[0] != '\n' && a[0] != '\r') || memcmp(a + 1, "id=", 3)) continue;
                char quote = a[4];
                const char *v = a + 5, *ve = v;
                while (ve < gt && ve - v <= 64 && *ve != quote) ve++;
                if ((quote == '"' || quote == '\'') && ve < gt && *ve == quote && ve > v && ve - v <= 64) {
                    char id[72];
                    snprintf(id, sizeof id, "%.*s", (int)(ve - v), v);
                    fn(ud, id);
                }
                break;
            }
        }
        if (eof) break;
        size_t keep = (size_t)(end - stop);
        memmove(b, stop, keep);
        have = keep;
    }
    free(b);
    close(fd);
}
