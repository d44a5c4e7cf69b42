/* pdfout — display list to PDF bytes.
 *
 * libharu serialises the objects (pages, outlines, Info, xref, Flate); wenshu builds the fonts
 * itself (pdffont.c) and writes each page's content stream directly: one TJ per text run, with
 * kerning numbers only where a glyph does not sit at the previous glyph's advance. */
#include "pdf/pdfout.h"

#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sha256.h"
#include "fonts/cpset.h"
#include "fonts/subset.h"
#include "pdf/pdfarena_int.h"
#include "pdf/pdfdeflate_int.h"
#include "pdf/pdfdirect_int.h"
#include "pdf/pdffont_int.h"
#include "pdf/pdfmeta_int.h"
#include "pdf/pdfpack.h"
#include "base/i18n.h"

/* Page content streams: libdeflate at this level (pdfdeflate_into) rather than libharu's zlib. */
#define CONTENT_LEVEL 6

/* A document whose fixed glyphs are kept apart (subset.h) and deflated at level 12 once per
 * process (pdfdeflate_int.h) is made many times with the same form; its fixed part comes out
 * about one byte in FIXED_SAVES_ONE_IN smaller than at 9. Where that pays for them, its page
 * contents and object stream are deflated at CHEAP_LEVEL, half the instructions of levels 6 and 9
 * for about CHEAP_COST_DOC bytes a document and CHEAP_COST_PAGE a page more; so are its ToUnicode
 * maps and small font programs (PDFFONT_CHEAP: some 20 bytes more in all). A feedback notice: 66
 * KB of fixed glyphs, 390 bytes saved, 265 spent on two pages, 0.6 M instructions fewer
 * (bench/PROFILE.md, seventh round). Other documents keep the stronger levels: no larger. */
#define CHEAP_LEVEL 1
#define FIXED_SAVES_ONE_IN 170
#define CHEAP_COST_DOC 120
#define CHEAP_COST_PAGE 65

/* Documents of at most this many pages get libharu's memory from an arena (pdfarena_int.h). */
#define POOLED_PAGES 16

typedef struct {
    HPDF_STATUS status, detail;
} hpdf_err;

static void on_hpdf_error(HPDF_STATUS status, HPDF_STATUS detail, void *user)
{
    hpdf_err *e = user;
    if (!e->status) {
        e->status = status;
        e->detail = detail;
    }
}

static void put_uint(ws_buf *b, unsigned long long v)
{
    char d[24]; /* filled from the end: the digits in order at d + n, one append */
    size_t n = sizeof d;
    do d[--n] = (char)('0' + v % 10);
    while ((v /= 10) && n > 0);
    ws_buf_put(b, d + n, sizeof d - n);
}

/* Numbers in content streams: at most 3 decimals, no trailing zeros, never "-0". */
static void put_num(ws_buf *b, double v)
{
    if (!isfinite(v) || fabs(v) > 1e9) v = 0; /* a broken coordinate must not break the file */
    long long m = llround(v * 1000.0);
    if (m < 0) {
        ws_buf_putc(b, '-');
        m = -m;
    }
    put_uint(b, (unsigned long long)m / 1000);
    unsigned fp = (unsigned)(m % 1000);
    if (!fp) return;
    char frac[4] = {'.', (char)('0' + fp / 100), (char)('0' + fp / 10 % 10), (char)('0' + fp % 10)};
    size_t n = 4;
    while (frac[n - 1] == '0') n--;
    ws_buf_put(b, frac, n);
}

static double rounded(double v) { return (double)llround(v * 1000.0) / 1000.0; }

/* Where the glyph after glyph k of text op oi starts: the next glyph of the run, or the first
 * glyph of the next op when that is text on the same baseline. NAN when nothing follows. */
static double next_glyph_x(const dlist_page *pg, size_t oi, size_t k)
{
    const dlist_op *op = &pg->ops[oi];
    if (k + 1 < op->u.text.count) return pg->glyphs[op->u.text.first + k + 1].x;
    if (oi + 1 < pg->nops) {
        const dlist_op *nx = &pg->ops[oi + 1];
        if (nx->kind == DL_TEXT && nx->u.text.count && nx->u.text.y == op->u.text.y &&
            nx->u.text.first < pg->nglyphs)
            return pg->glyphs[nx->u.text.first].x;
    }
    return NAN;
}

/* The width variant (subset.h) glyph k of op oi needs, or 0: when the next glyph starts between
 * 0.1 and 0.55 em away from where this one's advance ends. Smaller differences are TJ numbers
 * no extractor mistakes for a space (poppler splits words at 0.1 em, mupdf at 0.15 em); larger
 * ones are real gaps (a blank to fill in, a signature block) that may read as a space. */
static unsigned variant_width(const dlist_page *pg, size_t oi, size_t k, int adv)
{
    const dlist_op *op = &pg->ops[oi];
    double size = rounded(op->u.text.size), nx = next_glyph_x(pg, oi, k);
    /* The last glyph of a run with a laid-out width (dlist.h: a line-end mark in ½ em) ends
     * where that width says; nothing follows it, so any difference takes a variant. */
    int at_end = k + 1 == op->u.text.count && op->u.text.width > 0;
    if (at_end) nx = pg->glyphs[op->u.text.first].x + op->u.text.width;
    if (isnan(nx) || size <= 0) return 0;
    double x = pg->glyphs[op->u.text.first + k].x;
    double gap = (nx - x) * 1000.0 / size - adv; /* in 1/1000 em */
    if (at_end ? fabs(gap) < 1 : fabs(gap) < 100 || fabs(gap) > 550) return 0;
    long w = lround(adv + gap);
    return w >= 1 && w <= (long)VARIANT_MAX_WIDTH && w != adv ? (unsigned)w : 0;
}

typedef struct {
    int in_text;
    int face;
    double size;
    double lx, ly; /* text line matrix origin (Td is relative to it) */
    double line_width, dash;
} content_state;

static void end_text(ws_buf *b, content_state *st)
{
    if (st->in_text) ws_buf_puts(b, "ET\n");
    st->in_text = 0;
}

static void put_text(ws_buf *b, content_state *st, const dlist_page *pg, size_t oi, const subset_font *sf,
                     const uint16_t *widths)
{
    const dlist_op *op = &pg->ops[oi];
    const dlist_glyph *g = pg->glyphs + op->u.text.first;
    size_t n = op->u.text.count;
    double size = rounded(op->u.text.size);
    if (!n || size <= 0) return;
    if (!st->in_text) {
        ws_buf_puts(b, "BT\n");
        st->in_text = 1;
        st->lx = st->ly = 0;
        st->face = -1;
    }
    if (st->face != op->u.text.face || st->size != size) {
        ws_buf_printf(b, "/F%d ", op->u.text.face);
        put_num(b, size);
        ws_buf_puts(b, " Tf\n");
        st->face = op->u.text.face;
        st->size = size;
    }
    double dx = rounded(g[0].x - st->lx), dy = rounded(op->u.text.y - st->ly);
    put_num(b, dx);
    ws_buf_putc(b, ' ');
    put_num(b, dy);
    ws_buf_puts(b, " Td[");
    st->lx += dx;
    st->ly += dy;

    double pos = st->lx;
    int open = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t cid = subset_cid_of(sf, g[i].cp);
        if (cid == SUBSET_NO_CID) continue; /* reported while collecting */
        unsigned w = widths[op->u.text.first + i]; /* variant_width, from collect */
        if (w) {
            uint32_t v = subset_variant_cid(sf, g[i].cp, w);
            if (v != SUBSET_NO_CID) cid = v;
        }
        /* in 1/10000 em, so a glyph lands within 0.001 pt of where layout put it */
        double shift = (pos - g[i].x) * 10000.0 / size;
        long adj = isfinite(shift) && fabs(shift) < 1e8 ? lround(shift) : 0;
        if (adj) {
            if (open) ws_buf_putc(b, '>');
            open = 0;
            if (adj < 0) ws_buf_putc(b, '-');
            put_uint(b, (unsigned long)labs(adj) / 10);
            if (adj % 10) {
                ws_buf_putc(b, '.');
                ws_buf_putc(b, (char)('0' + labs(adj) % 10));
            }
            pos -= (double)adj * size / 10000.0;
        }
        if (!open) ws_buf_putc(b, '<');
        open = 1;
        pdffont_hex4(b, cid);
        pos += sf->width[cid] * size / 1000.0;
    }
    if (open) ws_buf_putc(b, '>');
    ws_buf_puts(b, "]TJ\n");
}

static void put_stroke_style(ws_buf *b, content_state *st, double width, double dash)
{
    width = rounded(width);
    dash = rounded(dash);
    if (width != st->line_width) {
        put_num(b, width);
        ws_buf_puts(b, " w\n");
        st->line_width = width;
    }
    if (dash != st->dash) {
        if (dash > 0) {
            ws_buf_putc(b, '[');
            put_num(b, dash);
            ws_buf_puts(b, "] 0 d\n");
        } else {
            ws_buf_puts(b, "[] 0 d\n");
        }
        st->dash = dash;
    }
}

static void put_page(ws_buf *b, const dlist_page *pg, const subset_font *subsets, size_t nfaces, const uint16_t *widths)
{
    content_state st = {0, -1, 0, 0, 0, 1.0, 0};
    for (size_t i = 0; i < pg->nops; i++) {
        const dlist_op *op = &pg->ops[i];
        switch (op->kind) {
        case DL_TEXT:
            if (op->u.text.face >= 0 && (size_t)op->u.text.face < nfaces && subsets[op->u.text.face].program &&
                op->u.text.first + op->u.text.count <= pg->nglyphs)
                put_text(b, &st, pg, i, &subsets[op->u.text.face], widths);
            break;
        case DL_LINE:
            end_text(b, &st);
            put_stroke_style(b, &st, op->u.line.width, op->u.line.dash);
            put_num(b, op->u.line.x0);
            ws_buf_putc(b, ' ');
            put_num(b, op->u.line.y0);
            ws_buf_puts(b, " m ");
            put_num(b, op->u.line.x1);
            ws_buf_putc(b, ' ');
            put_num(b, op->u.line.y1);
            ws_buf_puts(b, " l S\n");
            break;
        case DL_RECT:
            end_text(b, &st);
            if (!op->u.rect.fill) put_stroke_style(b, &st, op->u.rect.width, 0);
            put_num(b, op->u.rect.x);
            ws_buf_putc(b, ' ');
            put_num(b, op->u.rect.y);
            ws_buf_putc(b, ' ');
            put_num(b, op->u.rect.w);
            ws_buf_putc(b, ' ');
            put_num(b, op->u.rect.h);
            ws_buf_puts(b, op->u.rect.fill ? " re f\n" : " re S\n");
            break;
        }
    }
    end_text(b, &st);
}

/* Code points per face; a glyph the face lacks is reported once and not drawn. With widths,
 * each page's widths[p][g] gets glyph g's variant_width (0: none, or not drawn), which the
 * drawing takes rather than working it out again: a subset's width of a character is
 * fonts_advance's (subset.c). */
static int collect(const dlist_doc *doc, fonts_set *fs, fonts_cpset **used, fonts_cpset **variants, size_t nfaces,
                   uint16_t **widths, diag *d)
{
    fonts_cpset *missing = fonts_cpset_new();
    int bad_face = 0;
    for (size_t p = 0; p < doc->npages; p++) {
        const dlist_page *pg = &doc->pages[p];
        if (widths) widths[p] = ws_xcalloc(pg->nglyphs ? pg->nglyphs : 1, sizeof *widths[p]);
        for (size_t i = 0; i < pg->nops; i++) {
            const dlist_op *op = &pg->ops[i];
            if (op->kind != DL_TEXT || !op->u.text.count) continue;
            int f = op->u.text.face;
            if (f < 0 || (size_t)f >= nfaces || op->u.text.first + op->u.text.count > pg->nglyphs) {
                if (!bad_face++)
                    diag_report(d, DIAG_ERROR, (diag_loc){0}, _("internal: text run on page %zu uses face %d, not in the font set"),
                                p + 1, f);
                continue;
            }
            if (!used[f]) used[f] = fonts_cpset_new();
            if (!variants[f]) variants[f] = fonts_cpset_new();
            for (size_t k = 0; k < op->u.text.count; k++) {
                uint32_t cp = pg->glyphs[op->u.text.first + k].cp;
                if (fonts_glyph(fs, f, cp) > 0) {
                    fonts_cpset_add(used[f], cp);
                    unsigned w = variant_width(pg, i, k, fonts_advance(fs, f, cp));
                    if (w) fonts_cpset_add(variants[f], VARIANT_KEY(cp, w));
                    if (widths) widths[p][op->u.text.first + k] = (uint16_t)w; /* w <= VARIANT_MAX_WIDTH */
                } else if (!fonts_cpset_has(missing, cp)) {
                    fonts_cpset_add(missing, cp);
                    diag_report(d, DIAG_WARNING, (diag_loc){0}, _("character U+%04X is not in font %s; not drawn"), cp,
                                fonts_face(fs, f)->family);
                }
            }
        }
    }
    fonts_cpset_free(missing);
    return bad_face ? -1 : 0;
}

fonts_cpset **pdfout_faces_drawn(const dlist_doc *doc, fonts_set *fs, size_t *n)
{
    size_t nfaces = fonts_nfaces(fs);
    *n = nfaces;
    fonts_cpset **used = ws_xcalloc(nfaces ? nfaces : 1, sizeof *used);
    fonts_cpset **variants = ws_xcalloc(nfaces ? nfaces : 1, sizeof *variants);
    diag *quiet = diag_new(NULL); /* missing characters are reported with the documents */
    collect(doc, fs, used, variants, nfaces, NULL, quiet);
    diag_free(quiet);
    pdfout_faces_free(variants, nfaces);
    return used;
}

void pdfout_faces_free(fonts_cpset **sets, size_t nfaces)
{
    for (size_t f = 0; sets && f < nfaces; f++) fonts_cpset_free(sets[f]);
    free(sets);
}

/* /ID for archive copies: a digest of everything that decides the file's content. */
/* A document without a date of its own is dated SOURCE_DATE_EPOCH (reproducible builds), in
 * UTC; without either it carries no date at all — never the clock's. */
static const char *effective_date(const dlist_meta *meta, char buf[40])
{
    if (meta->date) return meta->date;
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (!sde || !*sde) return NULL;
    char *end;
    errno = 0;
    long long t = strtoll(sde, &end, 10);
    if (errno || *end || t < 0 || t > 253402300799LL) return NULL; /* up to 9999-12-31 */
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) return NULL;
    strftime(buf, 40, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static void content_id(const dlist_doc *doc, const dlist_meta *m, const subset_font *subsets, size_t nfaces, unsigned char id[16])
{
    sha256_state c;
    sha256_begin(&c);
#define FEED(p, n) sha256_add(&c, (p), (size_t)(n))
    FEED(&doc->width, sizeof doc->width);
    FEED(&doc->height, sizeof doc->height);
    for (size_t p = 0; p < doc->npages; p++) {
        const dlist_page *pg = &doc->pages[p];
        for (size_t i = 0; i < pg->nops; i++) {
            const dlist_op *op = &pg->ops[i];
            FEED(&op->kind, sizeof op->kind);
            if (op->kind == DL_TEXT) {
                FEED(&op->u.text.face, sizeof(int));
                FEED(&op->u.text.size, sizeof(float));
                FEED(&op->u.text.y, sizeof(float));
                if (op->u.text.first + op->u.text.count <= pg->nglyphs)
                    FEED(pg->glyphs + op->u.text.first, op->u.text.count * sizeof(dlist_glyph));
            } else if (op->kind == DL_LINE) {
                FEED(&op->u.line, sizeof op->u.line);
            } else {
                FEED(&op->u.rect.x, 4 * sizeof(float));
                FEED(&op->u.rect.width, sizeof(float));
                FEED(&op->u.rect.fill, sizeof(int));
            }
        }
        FEED("\n", 1);
    }
    for (size_t i = 0; i < doc->noutlines; i++) {
        const dlist_outline *o = &doc->outlines[i];
        FEED(&o->level, sizeof o->level);
        FEED(&o->page, sizeof o->page);
        FEED(&o->y, sizeof o->y);
        if (o->title) FEED(o->title, strlen(o->title) + 1);
    }
    const char *meta[] = {m->title, m->subject, m->author, m->keywords, m->creator, m->date};
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) FEED(meta[i] ? meta[i] : "", meta[i] ? strlen(meta[i]) + 1 : 1);
    for (size_t f = 0; f < nfaces; f++) FEED(subsets[f].base_font, strlen(subsets[f].base_font) + 1);
#undef FEED
    uint8_t digest[SHA256_LEN];
    sha256_end(&c, digest);
    memcpy(id, digest, 16);
}

/* Whether every character in used is one of first's, drawn at its own width (no variants): the
 * face's subset is then the same in every document of the form that draws the same of them. */
static int all_fixed(const fonts_cpset *used, const fonts_cpset *variants, const fonts_cpset *first)
{
    if (!first || (variants && fonts_cpset_count(variants))) return 0;
    for (uint32_t cp = FONTS_CPSET_START; fonts_cpset_next(used, &cp);)
        if (!fonts_cpset_has(first, cp)) return 0;
    return 1;
}

/* pdfout_render_level; with splice, the streams' bytes go around libharu (pdfdeflate_splice_begin)
 * and 1 is returned, with nothing written or reported, when pdfpack cannot put them back. */
static int render(const dlist_doc *doc, fonts_set *fs, const pdfout_options *opt, int content_level, ws_buf *out,
                  diag *d, int splice)
{
    if (!doc->npages) {
        diag_report(d, DIAG_ERROR, (diag_loc){0}, _("the document has no pages; nothing to write"));
        return -1;
    }
    size_t nfaces = fonts_nfaces(fs);
    fonts_cpset **used = ws_xcalloc(nfaces ? nfaces : 1, sizeof *used);
    fonts_cpset **variants = ws_xcalloc(nfaces ? nfaces : 1, sizeof *variants);
    subset_font *subsets = ws_xcalloc(nfaces ? nfaces : 1, sizeof *subsets);
    HPDF_Page *pages = ws_xcalloc(doc->npages, sizeof *pages);
    uint16_t **widths = NULL; /* per page and glyph: collect's variant widths */
    hpdf_err err = {0, 0};
    HPDF_Doc pdf = NULL;
    int pooled = 0; /* libharu's memory in this thread's arena (pdfarena_end once it is freed) */
    ws_buf content = {0};
    int rc = -1;

    if (splice) pdfdeflate_splice_begin();
    widths = ws_xcalloc(doc->npages, sizeof *widths);
    if (collect(doc, fs, used, variants, nfaces, widths, d) < 0) goto done;
    for (size_t f = 0; f < nfaces; f++)
        if (used[f] && fonts_cpset_count(used[f]) &&
            subset_build_first(fs, (int)f, used[f], variants[f], opt->first && f < opt->nfirst ? opt->first[f] : NULL, &subsets[f], d) < 0)
            goto done;

    size_t fixed_bytes = 0;
    for (size_t f = 0; f < nfaces; f++) fixed_bytes += subsets[f].fixed_len;
    int cheap = fixed_bytes / FIXED_SAVES_ONE_IN >= CHEAP_COST_DOC + CHEAP_COST_PAGE * doc->npages;
    if (content_level <= 0) content_level = cheap ? CHEAP_LEVEL : CONTENT_LEVEL;

    /* A document of a few pages takes libharu's memory from an arena freed as a whole with the
     * document: some thousand small objects a notice, each a malloc and a free otherwise. A
     * long one (a volume) allocates one by one, so that what libharu frees (its lists grow by
     * copying) is given back at once, not held to the end. */
    pooled = doc->npages <= POOLED_PAGES;
    if (pooled) pdfarena_begin();
    pdf = pooled ? HPDF_NewEx(on_hpdf_error, pdfarena_alloc, pdfarena_free, 0, &err) : HPDF_New(on_hpdf_error, &err);
    if (!pdf) {
        diag_report(d, DIAG_ERROR, (diag_loc){0}, _("cannot create a PDF document (libharu)"));
        goto done;
    }
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);

    /* One font resource dictionary shared by every page. */
    HPDF_Dict fonts = HPDF_Dict_New(pdf->mmgr);
    HPDF_Xref_Add(pdf->xref, fonts);
    for (size_t f = 0; f < nfaces; f++) {
        if (!subsets[f].program) continue;
        unsigned how = cheap ? PDFFONT_CHEAP : 0;
        if (all_fixed(used[f], variants[f], opt->first && f < opt->nfirst ? opt->first[f] : NULL)) how |= PDFFONT_FIXED;
        HPDF_Dict font = pdffont_add(pdf, fs, (int)f, &subsets[f], opt->archive, how);
        if (!font) goto hpdf_failed;
        char name[24];
        snprintf(name, sizeof name, "F%zu", f);
        HPDF_Dict_Add(fonts, name, font);
    }

    for (size_t p = 0; p < doc->npages; p++) {
        HPDF_Page page = HPDF_AddPage(pdf);
        if (!page) goto hpdf_failed;
        pages[p] = page;
        HPDF_Page_SetWidth(page, doc->width);
        HPDF_Page_SetHeight(page, doc->height);
        HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
        if (!res) goto hpdf_failed;
        HPDF_Dict_Add(res, "Font", fonts);
        content.len = 0;
        put_page(&content, &doc->pages[p], subsets, nfaces, widths[p]);
        HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
        if (pdfdeflate_into(attr->contents, content.data, content.len, content_level) < 0)
            goto hpdf_failed;
    }

    char date[40];
    dlist_meta meta = doc->meta;
    meta.date = (char *)effective_date(&doc->meta, date);
    if (pdfmeta_info(pdf, &meta, d) < 0 || pdfmeta_outlines(pdf, doc, pages) < 0 ||
        pdfmeta_page_labels(pdf, doc) < 0)
        goto hpdf_failed;
    if (opt->archive) {
        unsigned char id[16];
        content_id(doc, &meta, subsets, nfaces, id);
        if (pdfmeta_archive(pdf, &meta, opt->icc_path, id, d) < 0) {
            if (!err.status) goto done; /* reported by pdfmeta */
            goto hpdf_failed;
        }
    }

    /* Plain copies in PDF 1.5's compact form, written from libharu's objects directly when
     * pdfdirect can (the same bytes); archive copies stay PDF 1.4 (PDF/A-1). */
    rc = 0;
    if (!opt->archive && pdfdirect_pack(pdf, cheap ? CHEAP_LEVEL : PDFPACK_LEVEL, out) == 0) goto done;
    rc = -1;
    if (HPDF_SaveToStream(pdf) != HPDF_OK) goto hpdf_failed;
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
    char *tmp = ws_xmalloc(size ? size : 1);
    HPDF_UINT32 got = size;
    HPDF_STATUS st = HPDF_ReadFromStream(pdf, (HPDF_BYTE *)tmp, &got);
    if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || got != size) {
        free(tmp);
        goto hpdf_failed;
    }
    /* libharu's copy is not needed any more: a combined file of thousands of pages would
     * otherwise be held three times at once. */
    HPDF_Free(pdf);
    pdf = NULL;
    if (pooled) pdfarena_end();
    pooled = 0;
    /* Plain copies in PDF 1.5's compact form; archive copies stay PDF 1.4 (PDF/A-1). */
    rc = 0;
    if (opt->archive || pdfpack_repack_level(tmp, got, cheap ? CHEAP_LEVEL : PDFPACK_LEVEL, out) < 0) {
        if (splice) rc = 1; /* placeholders in tmp: made again without them */
        else ws_buf_put(out, tmp, got);
    }
    free(tmp);
    goto done;

hpdf_failed:
    diag_report(d, DIAG_ERROR, (diag_loc){0}, _("libharu failed while writing the PDF (error 0x%04X, detail %u)"),
                (unsigned)err.status, (unsigned)err.detail);
done:
    if (splice) pdfdeflate_splice_end();
    if (pdf) HPDF_Free(pdf);
    if (pooled) pdfarena_end();
    for (size_t f = 0; f < nfaces; f++) {
        fonts_cpset_free(used[f]);
        fonts_cpset_free(variants[f]);
        subset_free(&subsets[f]);
    }
    free(used);
    free(variants);
    free(subsets);
    free(pages);
    for (size_t p = 0; widths && p < doc->npages; p++) free(widths[p]);
    free(widths);
    ws_buf_free(&content);
    return rc;
}

int pdfout_render_level(const dlist_doc *doc, fonts_set *fs, const pdfout_options *opt, int content_level, ws_buf *out,
                        diag *d)
{
    static const pdfout_options defaults = {0, NULL, NULL, 0};
    if (!opt) opt = &defaults;
    int rc = render(doc, fs, opt, content_level, out, d, !opt->archive);
    return rc == 1 ? render(doc, fs, opt, content_level, out, d, 0) : rc;
}

int pdfout_render(const dlist_doc *doc, fonts_set *fs, const pdfout_options *opt, ws_buf *out, diag *d)
{
    return pdfout_render_level(doc, fs, opt, 0, out, d);
}

int pdfout_write_file(const dlist_doc *doc, fonts_set *fs, const pdfout_options *opt, const char *path, diag *d)
{
    ws_buf b = {0};
    if (pdfout_render(doc, fs, opt, &b, d) < 0) {
        ws_buf_free(&b);
        return -1;
    }
    char err[512];
    int rc = ws_write_file_atomic(path, b.data, b.len, err, sizeof err);
    if (rc < 0) diag_report(d, DIAG_ERROR, (diag_loc){path, 0, 0, NULL}, _("cannot write the PDF: %s"), err);
    ws_buf_free(&b);
    return rc;
}
