/* formel — signature blocks, page breaks, receipts, ruled lines, blanks and boxes. */
#include "typeset/formel.h"

#include <cmark-gfm.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typeset/measure_memo.h"
#include "base/util.h"
#include "base/i18n.h"

enum { MAX_SIGN_LINES = 16, MAX_RULED_LINES = 100 };

typedef struct {
    const char *s;
    size_t len;
    long line;
} text_line;

static const char IDEO_SPACE[] = "\xe3\x80\x80"; /* U+3000 */

static int at_page_top(const layout *L)
{
    const style *st = layout_style(L);
    return layout_cursor(L) >= st->page_h - st->top - 0.5f;
}

/* Height of one body line from its grid line's top: the glyphs, not the pitch. */
static float body_line_height(const layout *L)
{
    /* The descent is what the em box leaves below the ascent (as the layout measures it),
     * less the half point of slack the layout allows at the block's bottom. */
    float size = layout_style(L)->body.size, asc = layout_ascent(L, size);
    float desc = asc < size ? size - asc : 0.12f * size;
    return asc + desc - 0.5f;
}

__attribute__((format(printf, 4, 5))) static void report(layout *L, diag_severity sev, long line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_loc loc = {layout_file(L), line, 0, NULL};
    diag_report(layout_diag(L), sev, loc, "%s", msg);
}

/* Splits text into trimmed, non-empty lines (spaces and U+3000 around them go). */
static size_t split_lines(const char *text, long first_line, text_line *out, size_t max)
{
    size_t n = 0;
    long line = first_line;
    const char *p = text;
    while (*p && n < max) {
        const char *e = strchr(p, '\n');
        if (!e) e = p + strlen(p);
        const char *a = p, *b = e;
        for (;;) {
            if (a < b && (*a == ' ' || *a == '\t' || *a == '\r')) a++;
            else if (b - a >= 3 && !memcmp(a, IDEO_SPACE, 3)) a += 3;
            else break;
        }
        for (;;) {
            if (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r')) b--;
            else if (b - a >= 3 && !memcmp(b - 3, IDEO_SPACE, 3)) b -= 3;
            else break;
        }
        if (b > a) out[n++] = (text_line){a, (size_t)(b - a), line};
        line++;
        p = *e ? e + 1 : e;
    }
    return n;
}

/* A para of this layout's document; messages from it (a missing character) name the record. */
static paragraph *new_para(layout *L)
{
    paragraph *p = paragraph_new(layout_fonts(L), layout_diag(L), layout_file(L));
    paragraph_set_record(p, layout_record(L));
    return p;
}

/* ---- signature block (GB/T 9704 §7.3.5) ---- */

typedef struct {
    paragraph *p;
    float ink_left, width; /* first glyph's left edge from the measure, and glyph-box width */
} set_line;

/* Lays out one line of body text on the grid's tracking, set left; measures its glyphs. */
static void set_body_line(layout *L, set_line *sl, text_line t)
{
    const style *st = layout_style(L);
    paragraph_clear(sl->p);
    paragraph_text(sl->p, t.s, t.len, (inl_style){st->body.role, st->body.size, 0}, t.line);
    paragraph_opts o = layout_para_opts(L, &st->body);
    o.indent = o.hang = 0;
    o.align = ALIGN_LEFT;
    o.width = 4 * layout_width(L); /* one line, whatever its length */
    paragraph_layout(sl->p, &o);
    sl->ink_left = sl->width = 0;
    const paragraph_line *ln = paragraph_line_at(sl->p, 0);
    if (!ln || !ln->count) return;
    const paragraph_glyph *g = paragraph_glyphs(sl->p);
    size_t a = ln->first, b = ln->first + ln->count - 1;
    sl->ink_left = g[a].x;
    sl->width = g[b].x + g[b].w - g[a].x;
}

/* Places a set line so that its first glyph's left edge is at page x. */
static void place_at(layout *L, set_line *sl, float x)
{
    layout_place_lines(L, sl->p, x - layout_left(L) - sl->ink_left, LAYOUT_KEEP_PREV);
}

static int looks_like_date(text_line t)
{
    return memmem(t.s, t.len, "年", strlen("年")) && memmem(t.s, t.len, "日", strlen("日"));
}

/* GB/T 9704 §7.3.5: a 署名 too long for the line wraps. A line wider than `limit` pt is
 * set as a balanced paragraph broken between words (委员会, 支部... stay whole) and each of
 * its lines becomes a 署名 line of its own, right-aligned like the others. The texts of new
 * lines are allocated into owned[] (freed by the caller). Returns the new count of lines. */
static size_t wrap_signature(layout *L, text_line *tl, size_t nl, size_t norg, float limit, char **owned,
                             size_t *nowned)
{
    const style *st = layout_style(L);
    text_line out[MAX_SIGN_LINES];
    size_t k = 0;
    paragraph *p = new_para(L);
    for (size_t i = 0; i < nl; i++) {
        set_line probe = {p, 0, 0};
        if (i < norg) set_body_line(L, &probe, tl[i]);
        if (i >= norg || probe.width <= limit) {
            if (k < MAX_SIGN_LINES) out[k++] = tl[i];
            continue;
        }
        paragraph_clear(p);
        paragraph_text(p, tl[i].s, tl[i].len, (inl_style){st->body.role, st->body.size, 0}, tl[i].line);
        paragraph_opts o = layout_para_opts(L, &st->body);
        o.indent = o.hang = 0;
        o.align = ALIGN_LEFT;
        o.balance = 1;
        o.width = limit;
        paragraph_layout(p, &o);
        const paragraph_glyph *g = paragraph_glyphs(p);
        for (size_t j = 0; j < paragraph_nlines(p) && k + (nl - i) <= MAX_SIGN_LINES; j++) {
            const paragraph_line *ln = paragraph_line_at(p, j);
            ws_buf b = {0};
            for (size_t c = ln->first; c < ln->first + ln->count; c++) {
                char u[4];
                if (g[c].cp) ws_buf_put(&b, u, ws_utf8_encode(g[c].cp, u));
            }
            if (!b.len) {
                ws_buf_free(&b);
                continue;
            }
            size_t len = b.len;
            owned[(*nowned)++] = ws_buf_steal(&b);
            out[k++] = (text_line){owned[*nowned - 1], len, tl[i].line};
        }
    }
    paragraph_free(p);
    memcpy(tl, out, k * sizeof *tl);
    return k;
}

static void signature(layout *L, cmark_node *n, int seal)
{
    const char *lit = cmark_node_get_literal(n);
    long first = cmark_node_get_start_line(n) + 1;
    text_line tl[MAX_SIGN_LINES];
    size_t nl = split_lines(lit ? lit : "", first, tl, MAX_SIGN_LINES);
    if (!nl) {
        report(L, DIAG_WARNING, first - 1, "%s", _("empty ```signature block: write the 署名, then the date on the last line"));
        return;
    }
    /* The last line is the date; a single line is a date only when it reads like one. */
    size_t norg = nl == 1 && !looks_like_date(tl[0]) ? 1 : nl - 1;
    int has_date = norg < nl;
    float pitch = layout_char_pitch(L), right = layout_left(L) + layout_width(L);
    /* A 署名 wider than the measure less 2 字 each side wraps (never into the margin). */
    char *owned[MAX_SIGN_LINES];
    size_t nowned = 0, before = nl;
    nl = wrap_signature(L, tl, nl, norg, layout_width(L) - 4 * pitch, owned, &nowned);
    norg += nl - before;

    set_line org[MAX_SIGN_LINES], date = {0};
    for (size_t i = 0; i < norg; i++) {
        org[i].p = new_para(L);
        set_body_line(L, &org[i], tl[i]);
    }
    if (has_date) {
        date.p = new_para(L);
        set_body_line(L, &date, tl[nl - 1]);
    }

    float org_x[MAX_SIGN_LINES], date_x = 0;
    if (seal) {
        /* §7.3.5.1: the date right-indented 4 字; each 署名 centred over the date. */
        date_x = right - 4 * pitch - date.width;
        float centre = has_date ? date_x + date.width / 2 : right - 4 * pitch - (norg ? org[0].width / 2 : 0);
        for (size_t i = 0; i < norg; i++) {
            org_x[i] = centre - org[i].width / 2;
            if (org_x[i] + org[i].width > right) org_x[i] = right - org[i].width;
            if (org_x[i] < layout_left(L)) org_x[i] = layout_left(L);
        }
    } else {
        /* §7.3.5.2: 署名 right-indented 2 字; the date's first character 2 字 right of the
         * 署名's first; a date longer than that is right-indented 2 字 and the 署名 moves
         * left with it. Several 署名 are each right-indented alike. */
        float leftmost = right;
        for (size_t i = 0; i < norg; i++) {
            org_x[i] = right - 2 * pitch - org[i].width;
            if (org_x[i] < leftmost) leftmost = org_x[i];
        }
        if (has_date) {
            date_x = norg ? leftmost + 2 * pitch : right - 2 * pitch - date.width;
            float over = date_x + date.width - (right - 2 * pitch);
            if (over > 0.01f) {
                date_x -= over;
                for (size_t i = 0; i < norg; i++) org_x[i] -= over;
            }
        }
    }

    /* Kept together, below one blank line after the text (two with a seal: room for it).
     * §7.3.5.5: when the space left cannot hold it, close up the blank lines before letting
     * the signature go to a page of its own (a page without text is not allowed). */
    int blank = seal ? 2 : 1, want_blank = blank;
    layout_page(L);
    layout_snap(L);
    if (!at_page_top(L)) layout_rejoin_previous(L, 2); /* not below a lone 特此报告。 at a page top */
    float h = (float)(nl - 1) * layout_line_pitch(L) + body_line_height(L);
    float lead = layout_line_pitch(L), size = layout_style(L)->body.size;
    if (!at_page_top(L)) {
        while (blank > 0 && layout_room(L) < (float)blank * layout_line_pitch(L) + h) blank--;
        if (layout_room(L) >= h) {
            layout_blank_lines(L, blank);
        } else if (nl > 1 && (layout_room(L) - body_line_height(L)) / (float)(nl - 1) >= 1.25f * size) {
            lead = (layout_room(L) - body_line_height(L)) / (float)(nl - 1); /* closer lines */
        } else if (layout_carry_lines(L, 2)) {
            /* keep-with-previous: the text's last lines come along, so the new page is not
             * one with nothing but the signature on it */
            layout_blank_lines(L, want_blank);
        } else {
            layout_new_page(L);
        }
    }
    set_line *all[MAX_SIGN_LINES];
    float xs[MAX_SIGN_LINES];
    size_t k = 0;
    for (size_t i = 0; i < norg; i++, k++) {
        all[k] = &org[i];
        xs[k] = org_x[i];
    }
    if (has_date) {
        all[k] = &date;
        xs[k++] = date_x;
    }
    if (lead < layout_line_pitch(L)) {
        dlist_page *pg = layout_page(L);
        float base = layout_cursor(L) - layout_ascent(L, size);
        for (size_t i = 0; i < k; i++)
            paragraph_draw_line(all[i]->p, 0, pg, xs[i] - all[i]->ink_left, base - (float)i * lead);
        layout_advance(L, (float)(k - 1) * lead + body_line_height(L));
    } else {
        for (size_t i = 0; i < k; i++) place_at(L, all[i], xs[i]);
    }

    for (size_t i = 0; i < norg; i++) paragraph_free(org[i].p);
    paragraph_free(date.p);
    for (size_t i = 0; i < nowned; i++) free(owned[i]);
}

/* ---- tear-off receipt ---- */

/* The dashed cut line across the measure on the current grid line, 「（沿此线剪下）」 in it. */
static void cut_line(layout *L)
{
    const style *st = layout_style(L);
    float size = st->body.size * 0.75f;
    paragraph *p = new_para(L);
    static const char label[] = "（沿此线剪下）";
    paragraph_text(p, label, strlen(label), (inl_style){st->body.role, size, 0}, 0);
    paragraph_opts o;
    memset(&o, 0, sizeof o);
    o.width = layout_width(L);
    o.align = ALIGN_LEFT;
    paragraph_layout(p, &o);
    const paragraph_line *ln = paragraph_line_at(p, 0);
    float w = ln ? ln->x1 - ln->x0 : 0;
    float left = layout_left(L), right = left + layout_width(L);
    float mid_y = layout_cursor(L) - body_line_height(L) / 2;
    float tx = left + (layout_width(L) - w) / 2 - (ln ? ln->x0 : 0);
    float gap = 0.5f * size;
    dlist_page *pg = layout_page(L);
    dlist_line(pg, left, mid_y, tx - gap, mid_y, 0.5f, 3);
    dlist_line(pg, tx + w + gap, mid_y, right, mid_y, 0.5f, 3);
    /* The label's em box centred on the line: baseline 0.38 em below the middle. */
    paragraph_draw_line(p, 0, pg, tx, mid_y - 0.38f * size);
    paragraph_free(p);
    layout_advance(L, layout_line_pitch(L));
    layout_snap(L);
}

/* How tall the Markdown comes out, laid out alone from a page top (nothing reported), as
 * the receipt's contents: one level deeper than L, like the real pass. Kept per process
 * (measure_memo.h: the same receipt comes back for every record of an organisation). */
static float measured_height(layout *L, const char *md, size_t len, int *pages)
{
    float h;
    if (measure_memo_get(L, md, len, &h, pages)) return h;
    const style *st = layout_style(L);
    diag *quiet = diag_new(NULL);
    layout *M = layout_new_like(L, quiet);
    layout_markdown_nested(M, md, len);
    *pages = (int)layout_page_index(M) + 1;
    h = st->page_h - st->top - layout_cursor(M);
    layout_free(M);
    diag_free(quiet);
    measure_memo_put(L, md, len, h, *pages);
    return h;
}

/* A receipt's contents are Markdown laid out through the layout (layout_markdown_nested),
 * which counts the nesting: a receipt at a level above 0 is inside another block's Markdown
 * (a receipt, or the measuring pass of one) and is printed inline, not measured again on its
 * own (that would double the work at every level of nesting). formel_block checks the cap. */
static void receipt(layout *L, cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    if (!lit) lit = "";
    if (layout_nesting(L) > 0) {
        report(L, DIAG_WARNING, cmark_node_get_start_line(n), "%s",
               _("a ```receipt inside a receipt: its contents are printed without a second cut line"));
        ws_buf md = {0};
        for (long i = 0; i < cmark_node_get_start_line(n); i++) ws_buf_putc(&md, '\n');
        ws_buf_put(&md, lit, strlen(lit));
        layout_markdown_nested(L, md.data, md.len);
        ws_buf_free(&md);
        return;
    }
    /* Leading blank lines keep the inner Markdown's line numbers those of the file. */
    long first = cmark_node_get_start_line(n);
    ws_buf md = {0};
    for (long i = 0; i < first; i++) ws_buf_putc(&md, '\n');
    ws_buf_put(&md, lit, strlen(lit));

    int pages;
    float h = measured_height(L, md.data, md.len, &pages);
    float pitch = layout_line_pitch(L);
    layout_page(L);
    layout_snap(L);
    if (!at_page_top(L)) {
        /* A blank line, the cut line, the receipt (and a line's slack for the spacing a
         * title has below other text but not at a page top): else all on a new page. */
        if (pages > 1 || layout_room(L) < 3 * pitch + h) layout_new_page(L);
        else layout_blank_lines(L, 1);
    }
    cut_line(L);
    layout_markdown_nested(L, md.data, md.len);
    ws_buf_free(&md);
}

/* ---- blocks kept together ---- */

/* How tall the Markdown comes out below a line of text, laid out alone (nothing reported):
 * measured after one body line so that the spacing a heading has above it mid-page, but not
 * at a page top, is counted. *pages > 1: it does not fit on one page. */
static float measured_below_a_line(layout *L, const char *md, size_t len, int *pages)
{
    const style *st = layout_style(L);
    ws_buf buf = {0};
    ws_buf_puts(&buf, "\xe4\xb8\x80\n\n"); /* 一, a paragraph of one line */
    ws_buf_put(&buf, md, len);
    diag *quiet = diag_new(NULL);
    layout *M = layout_new_like(L, quiet);
    layout_markdown_nested(M, buf.data, buf.len);
    *pages = (int)layout_page_index(M) + 1;
    float h = st->page_h - st->top - layout_line_pitch(L) - layout_cursor(M);
    layout_free(M);
    diag_free(quiet);
    ws_buf_free(&buf);
    return h;
}

/* ```keep: its Markdown is one unit. When it does not fit below the cursor it moves whole to
 * the next page and takes at least two lines of what precedes it along (keep-with-previous:
 * a sign-off block never stands alone on a page). A block taller than a page flows as usual.
 * Inside a receipt or another kept block (nesting above 0) it is already kept: laid out inline. */
static void keep_block(layout *L, cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    if (!lit) lit = "";
    long first = cmark_node_get_start_line(n);
    ws_buf md = {0};
    for (long i = 0; i < first; i++) ws_buf_putc(&md, '\n'); /* the file's line numbers */
    ws_buf_put(&md, lit, strlen(lit));
    if (layout_nesting(L) == 0) {
        int pages;
        float h = measured_below_a_line(L, lit, strlen(lit), &pages);
        layout_page(L);
        layout_snap(L);
        /* The last line needs its glyphs' height, not a whole pitch, above the block bottom. */
        float need = h - layout_line_pitch(L) + body_line_height(L);
        if (!at_page_top(L)) layout_rejoin_previous(L, 2);
        if (pages == 1 && !at_page_top(L) && layout_room(L) < need && !layout_carry_lines(L, 2)) layout_new_page(L);
    }
    layout_markdown_nested(L, md.data, md.len);
    ws_buf_free(&md);
}

/* ---- ruled lines, page break ---- */

static void ruled_lines(layout *L, int count)
{
    const style *st = layout_style(L);
    float asc = layout_ascent(L, st->body.size), lh = body_line_height(L);
    /* Blank answer lines never spill onto a new page: when not all fit, the page takes as
     * many as it holds if that is at least half of them (fewer lines to write on, one page
     * less to print for every respondent); else they go over with the prompt above them. */
    layout_page(L);
    layout_snap(L);
    if (!at_page_top(L) && layout_room(L) < (float)(count - 1) * layout_line_pitch(L) + lh - 0.5f) {
        int fit = 0;
        while (layout_room(L) >= (float)fit * layout_line_pitch(L) + lh - 0.5f) fit++;
        if (2 * fit >= count) count = fit;
        else if (!layout_carry_lines(L, 1)) layout_new_page(L);
    }
    for (int i = 0; i < count; i++) {
        layout_page(L);
        layout_snap(L);
        if (!at_page_top(L) && layout_room(L) < lh - 0.5f) layout_new_page(L);
        float y = layout_cursor(L) - asc - 0.1f * st->body.size; /* just under the baseline */
        dlist_line(layout_page(L), layout_left(L), y, layout_left(L) + layout_width(L), y, 0.5f, 0);
        layout_advance(L, layout_line_pitch(L));
    }
    layout_snap(L);
}

static void page_break(layout *L)
{
    layout_page(L);
    if (!at_page_top(L)) layout_new_page(L);
}

/* ---- dispatch ---- */

/* The info string's first word into w; returns the rest, spaces skipped. */
static const char *first_word(const char *info, char *w, size_t cap)
{
    while (*info == ' ' || *info == '\t') info++;
    size_t n = 0;
    while (*info && *info != ' ' && *info != '\t') {
        if (n + 1 < cap) w[n++] = *info;
        info++;
    }
    w[n] = 0;
    while (*info == ' ' || *info == '\t') info++;
    return info;
}

int formel_block(layout *L, cmark_node *n)
{
    const char *info = cmark_node_get_fence_info(n);
    if (!info || !*info) return 0;
    char word[32], opt[64];
    const char *rest = first_word(info, word, sizeof word);
    long line = cmark_node_get_start_line(n);
    if (!strcmp(word, "signature")) {
        int seal = 0;
        while (*rest) {
            rest = first_word(rest, opt, sizeof opt);
            if (!strcmp(opt, "seal")) seal = 1;
            else report(L, DIAG_WARNING, line, _("```signature: unknown option '%s' (the only option is 'seal')"), opt);
        }
        signature(L, n, seal);
        return 1;
    }
    if (!strcmp(word, "pagebreak")) {
        page_break(L);
        return 1;
    }
    if (!strcmp(word, "receipt")) {
        if (layout_nesting(L) >= LAYOUT_MAX_NESTING) {
            report(L, DIAG_WARNING, line, _("```receipt nested more than %d deep: printed as code"), LAYOUT_MAX_NESTING);
            return 0;
        }
        receipt(L, n);
        return 1;
    }
    if (!strcmp(word, "keep")) {
        if (*rest) report(L, DIAG_WARNING, line, _("```keep takes no options (got '%s')"), rest);
        if (layout_nesting(L) >= LAYOUT_MAX_NESTING) {
            report(L, DIAG_WARNING, line, _("```keep nested more than %d deep: printed as code"), LAYOUT_MAX_NESTING);
            return 0;
        }
        keep_block(L, n);
        return 1;
    }
    if (!strcmp(word, "lines")) {
        char *end;
        long count = strtol(rest, &end, 10);
        while (*end == ' ' || *end == '\t') end++;
        if (!isdigit((unsigned char)*rest) || *end || count < 1 || count > MAX_RULED_LINES) {
            report(L, DIAG_ERROR, line, _("```lines needs a number of lines from 1 to 100, e.g. ```lines 8 (got '%s')"),
                   rest);
            return 1;
        }
        ruled_lines(L, (int)count);
        return 1;
    }
    return 0;
}

float formel_blank_width(const char *lit, float size, float char_pitch, float body_size)
{
    if (!lit || strncmp(lit, "blank:", 6)) return -1;
    const char *s = lit + 6;
    if (!isdigit((unsigned char)*s)) return -1;
    char *end;
    double n = strtod(s, &end);
    if (*end || n < 0.5 || n > 100) return -1;
    /* One 字 is a character cell of the grid, scaled to the size of the text around. */
    return (float)n * char_pitch * size / body_size;
}

int formel_inline_code(layout *L, paragraph *p, const char *lit, inl_style st, long line)
{
    if (!lit) return 0;
    const style *sty = layout_style(L);
    float cell = layout_char_pitch(L) * st.size / sty->body.size;
    if (!strcmp(lit, "box") || !strcmp(lit, "box:x") || !strcmp(lit, "box:X")) {
        /* The square sits in a character cell of its own, like a □ would. */
        inl_style plain = {st.role, st.size, 0}, box = {st.role, st.size, INL_BOX};
        if (lit[3]) box.flags |= INL_CHECKED;
        float side = 0.8f * st.size;
        paragraph_blank(p, 0.1f * st.size, plain);
        paragraph_blank(p, side, box);
        paragraph_blank(p, cell - side - 0.1f * st.size, plain);
        return 1;
    }
    if (!strncmp(lit, "blank:", 6)) {
        float w = formel_blank_width(lit, st.size, layout_char_pitch(L), sty->body.size);
        if (w < 0) {
            report(L, DIAG_WARNING, line,
                   _("`%s`: a blank needs a width in 字 from 0.5 to 100, e.g. `blank:6`; printed as code"), lit);
            return 0;
        }
        paragraph_blank(p, w, (inl_style){st.role, st.size, INL_UNDERLINE});
        return 1;
    }
    return 0;
}
