/* paragraph — breaking and justifying one paragraph of mixed Chinese/Latin text. */
#include "typeset/paragraph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "typeset/linebreak.h"
#include "typeset/paragraph_memo.h"
#include "base/util.h"
#include "base/i18n.h"

#define EPS 0.01

enum { IT_CHAR, IT_SOFT, IT_HARD, IT_BLANK, IT_ZERO };

typedef struct {
    uint32_t cp;
    uint8_t kind;  /* IT_* (a resolved soft break becomes a space or IT_ZERO) */
    uint8_t punct; /* punct_kind of a full-width mark */
    uint8_t wide, ideo, latin, space, drawn;
    unsigned flags;
    fonts_role role;
    int face;
    float size;
    float adv;      /* advance box, pt */
    float track;    /* tracking after a full-width glyph */
    float bl, br;   /* compressible blank left/right, pt */
    float cl, cr;   /* compression between adjacent marks (natural state) */
    float gap, gapmin; /* space after the item (Han–Latin), natural and smallest */
    long line;
} item;

typedef struct {
    int face;
    uint32_t cp;
    float bl, br; /* em */
} blank_entry;

struct paragraph {
    fonts_set *fs;
    diag *d;
    const char *file;
    const char *record;
    item *it;
    size_t n, cap;
    uint32_t *cps;
    char *brks;
    double *X, *Y;
    size_t scap;
    size_t *ends; /* line i is [starts[i], ends[i]) */
    size_t *starts;
    unsigned char *hard; /* line ended by a hard break */
    unsigned char *quality; /* linebreak_title_breaks of the text, for o->words and o->balance */
    int have_quality;       /* quality holds this layout's (word_quality) */
    size_t capq;
    size_t nbreak, capbreak;
    paragraph_glyph *g;
    size_t ng, capg;
    paragraph_line *lines;
    size_t nl, capl;
    blank_entry *blanks;
    size_t nblanks, capblanks;
    uint32_t reported[16];
    size_t nreported;
    long missing;
    int prepared;
    int lacking;    /* the last prepare met a character no font has (its layout is not kept) */
    uint32_t *key;  /* the paragraph_memo key of the layout being made */
    size_t nkey, capkey;
};

#define GROW(arr, n, cap)                                        \
    do {                                                         \
        if ((n) >= (cap)) {                                      \
            (cap) = (cap) ? (cap) * 2 : 64;                      \
            if ((cap) <= (n)) (cap) = (n) + 1;                   \
            (arr) = ws_xrealloc((arr), (cap) * sizeof *(arr));      \
        }                                                        \
    } while (0)

paragraph *paragraph_new(fonts_set *fs, diag *d, const char *file)
{
    paragraph *p = ws_xcalloc(1, sizeof *p);
    p->fs = fs;
    p->d = d;
    p->file = file;
    return p;
}

void paragraph_free(paragraph *p)
{
    if (!p) return;
    free(p->it);
    free(p->cps);
    free(p->brks);
    free(p->X);
    free(p->Y);
    free(p->quality);
    free(p->ends);
    free(p->starts);
    free(p->hard);
    free(p->g);
    free(p->lines);
    free(p->blanks);
    free(p->key);
    free(p);
}

void paragraph_set_record(paragraph *p, const char *record) { p->record = record; }

void paragraph_clear(paragraph *p)
{
    p->n = 0;
    p->ng = 0;
    p->nl = 0;
    p->nreported = 0;
    p->prepared = 0;
}

int paragraph_empty(const paragraph *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->it[i].kind == IT_BLANK || (p->it[i].kind == IT_CHAR && !linebreak_is_space(p->it[i].cp))) return 0;
    return 1;
}

long paragraph_missing_chars(const paragraph *p) { return p->missing; }

static item *push(paragraph *p, int kind, uint32_t cp, inl_style st, long line)
{
    GROW(p->it, p->n, p->cap);
    item *t = &p->it[p->n++];
    memset(t, 0, sizeof *t);
    t->kind = (uint8_t)kind;
    t->cp = cp;
    t->role = st.role;
    t->size = st.size;
    t->flags = st.flags;
    t->face = -1;
    t->line = line;
    p->prepared = 0;
    return t;
}

void paragraph_text(paragraph *p, const char *s, size_t len, inl_style st, long line)
{
    size_t i = 0;
    const unsigned char *u = (const unsigned char *)s;
    while (i < len) {
        uint32_t cp;
        if (u[i] < 0x80) { /* ASCII */
            cp = u[i++];
        } else if ((u[i] & 0xF0) == 0xE0 && u[i] != 0xE0 && u[i] != 0xED && i + 2 < len && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80) {
            /* three bytes, U+1000..U+FFFF but the surrogates (E0 and ED, whose second byte is
             * restricted, go the long way): nearly every Chinese character and mark */
            cp = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 | (u[i + 2] & 0x3F);
            i += 3;
        } else {
            i += (size_t)ws_utf8_decode_lossy(s + i, len - i, &cp);
        }
        if (cp == '\t' || cp == '\n' || cp == '\r') cp = ' ';
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) continue;
        push(p, IT_CHAR, cp, st, line);
    }
}

void paragraph_softbreak(paragraph *p, inl_style st) { push(p, IT_SOFT, ' ', st, 0); }

void paragraph_hardbreak(paragraph *p)
{
    inl_style st = {ROLE_BODY, p->n ? p->it[p->n - 1].size : 12, 0};
    push(p, IT_HARD, '\n', st, 0);
}

void paragraph_blank(paragraph *p, float width, inl_style st)
{
    item *t = push(p, IT_BLANK, 0xFFFC, st, 0);
    t->adv = width;
}

/* ---- measuring ---- */

/* How much of a full-width mark's em box is blank on each side, from its ink: GB fonts put
 * ，。 in the left half, but some (UMing) centre 。、, and then only the true blank may go. */
static void mark_blanks(paragraph *p, int face, uint32_t cp, punct_kind k, float *bl, float *br)
{
    for (size_t i = 0; i < p->nblanks; i++)
        if (p->blanks[i].face == face && p->blanks[i].cp == cp) {
            *bl = p->blanks[i].bl;
            *br = p->blanks[i].br;
            return;
        }
    float l = 0, r = 0;
    fonts_ink e;
    const face_info *fi = fonts_face(p->fs, face);
    if (fi && fi->upem && fonts_glyph_ink(p->fs, face, cp, &e) && e.width > 0) {
        float adv = (float)e.advance;
        float ink_l = (float)e.x_bearing, ink_r = (float)(e.x_bearing + e.width);
        float margin = 0.04f * (float)fi->upem;
        l = (ink_l - margin) / (float)fi->upem;
        r = (adv - ink_r - margin) / (float)fi->upem;
    }
    l = l < 0 ? 0 : l;
    r = r < 0 ? 0 : r;
    if (k == PUNCT_MIDDLE || (l > 0.2f && r > 0.2f)) {
        /* A centred mark (间隔号; 。、 in fonts drawn the Taiwan way) gives up its blank on both
         * sides alike, so that squeezing it does not push its ink against one neighbour. */
        l = l > 0.25f ? 0.25f : l;
        r = r > 0.25f ? 0.25f : r;
    } else if (k == PUNCT_OPEN) {
        l = l > 0.5f ? 0.5f : l;
        r = 0;
    } else {
        r = r > 0.5f ? 0.5f : r;
        l = 0;
    }
    GROW(p->blanks, p->nblanks, p->capblanks);
    p->blanks[p->nblanks++] = (blank_entry){face, cp, l, r};
    *bl = l;
    *br = r;
}

static void report_missing(paragraph *p, const item *t)
{
    p->missing++;
    if (!p->d) return; /* a measuring pass: the real layout reports it */
    for (size_t i = 0; i < p->nreported; i++)
        if (p->reported[i] == t->cp) return;
    if (p->nreported < sizeof p->reported / sizeof *p->reported) p->reported[p->nreported++] = t->cp;
    char u[5] = {0};
    ws_utf8_encode(t->cp, u);
    diag_loc loc = {p->file, t->line, 0, p->record};
    diag_report(p->d, DIAG_WARNING, loc, _("no installed font has the character %s (U+%04X); it is left out"), u,
                (unsigned)t->cp);
}

static int is_blankish(const item *t) { return t->kind == IT_ZERO || (t->kind == IT_CHAR && t->space) || !t->drawn; }

/* What the junction after item k can still give up when a line must shrink: the blanks of
 * the marks facing each other, but never more than ½ em in all at one junction (adjacent
 * marks already at 1.5 em give nothing more). More overlap of two glyph boxes would make
 * text extractors read a line break there. ra, lb: the parts on each side. */
static double junction_room(const paragraph *p, size_t k, double *ra, double *lb)
{
    const item *a = &p->it[k], *b = k + 1 < p->n ? &p->it[k + 1] : NULL;
    *ra = a->br - a->cr > 0 ? a->br - a->cr : 0;
    *lb = b && b->bl - b->cl > 0 ? b->bl - b->cl : 0;
    double size = b && b->size < a->size ? b->size : a->size;
    double limit = 0.5 * size - a->cr - (b ? b->cl : 0);
    double room = *ra + *lb;
    if (limit < 0) limit = 0;
    return room < limit ? room : limit;
}

static void prepare(paragraph *p, const paragraph_opts *o)
{
    size_t n = p->n;
    if (n + 1 > p->scap) {
        p->scap = (n + 1) * 2;
        p->cps = ws_xrealloc(p->cps, p->scap * sizeof *p->cps);
        p->brks = ws_xrealloc(p->brks, p->scap);
        p->X = ws_xrealloc(p->X, p->scap * sizeof *p->X);
        p->Y = ws_xrealloc(p->Y, p->scap * sizeof *p->Y);
    }
    p->have_quality = 0; /* word boundaries (o->words, o->balance): word_quality, when asked */
    /* Soft breaks from earlier runs are re-resolved: the kind is what the source said. */
    for (size_t i = 0; i < n; i++) {
        item *t = &p->it[i];
        if (t->kind == IT_ZERO) t->kind = IT_SOFT;
        p->cps[i] = t->kind == IT_HARD ? '\n' : t->kind == IT_BLANK ? 0xFFFC : t->kind == IT_SOFT ? ' ' : t->cp;
    }
    if (o->normalise) {
        /* Code is verbatim: it takes part as a Latin word, and keeps its own marks. */
        for (size_t i = 0; i < n; i++)
            if (p->it[i].kind == IT_CHAR && p->it[i].role == ROLE_MONO) p->cps[i] = 'a';
        linebreak_normalise_punctuation(p->cps, n);
        for (size_t i = 0; i < n; i++) {
            item *t = &p->it[i];
            if (t->kind != IT_CHAR) continue;
            if (t->role == ROLE_MONO) p->cps[i] = t->cp;
            else t->cp = p->cps[i];
        }
    }
    /* A soft line break is nothing next to CJK, a space between words. */
    for (size_t i = 0; i < n; i++) {
        item *t = &p->it[i];
        if (t->kind != IT_SOFT) continue;
        long a = (long)i - 1, b = (long)i + 1;
        while (a >= 0 && p->it[a].kind == IT_CHAR && linebreak_is_space(p->it[a].cp)) a--;
        while ((size_t)b < n && p->it[b].kind == IT_CHAR && linebreak_is_space(p->it[b].cp)) b++;
        int wide = (a >= 0 && linebreak_is_wide(p->it[a].cp)) || ((size_t)b < n && linebreak_is_wide(p->it[b].cp));
        if (wide || a < 0 || (size_t)b >= n || a != (long)i - 1) {
            t->kind = IT_ZERO;
            p->cps[i] = 0x200B;
        } else {
            p->cps[i] = ' ';
        }
    }
    /* Text pasted from word processors often opens paragraphs with 　　 (U+3000) for the
     * indent: a paragraph with an indent of its own leaves them out. */
    p->lacking = 0;
    size_t lead = 0;
    if (o->indent > 0)
        while (lead < n && p->it[lead].kind == IT_CHAR && (p->it[lead].cp == 0x3000 || linebreak_is_space(p->it[lead].cp)))
            lead++;
    for (size_t i = 0; i < n; i++) {
        item *t = &p->it[i];
        t->punct = PUNCT_NONE;
        t->wide = t->ideo = t->latin = t->space = t->drawn = 0;
        t->track = t->bl = t->br = t->cl = t->cr = t->gap = t->gapmin = 0;
        if (t->kind == IT_BLANK) {
            t->drawn = 1;
            t->face = -1;
            continue;
        }
        if (t->kind == IT_HARD || t->kind == IT_ZERO || i < lead) {
            t->adv = 0;
            t->face = -1;
            continue;
        }
        uint32_t cp = t->kind == IT_SOFT ? ' ' : t->cp;
        t->face = fonts_face_for(p->fs, t->role, cp);
        if (t->face < 0) {
            t->adv = 0;
            p->lacking = 1;
            if (!p->prepared) report_missing(p, t);
            continue;
        }
        t->drawn = 1;
        t->adv = (float)fonts_advance(p->fs, t->face, cp) * t->size / 1000.0f;
        t->space = linebreak_is_space(cp);
        t->wide = linebreak_is_wide(cp) && t->adv >= 0.9f * t->size;
        t->ideo = linebreak_is_ideograph(cp);
        t->latin = linebreak_is_latin_alnum(cp);
        if (t->wide) {
            t->track = o->tracking;
            punct_kind k = linebreak_punct_kind(cp);
            if (k != PUNCT_NONE) {
                float bl, br;
                mark_blanks(p, t->face, cp, k, &bl, &br);
                t->punct = (uint8_t)k;
                t->bl = bl * t->size;
                t->br = br * t->size;
            }
        }
    }
    p->prepared = 1;
    /* Adjacent full-width marks: together 1.5 em (CLREQ 3.1.6). */
    for (size_t i = 0; i + 1 < n; i++) {
        item *a = &p->it[i], *b = &p->it[i + 1];
        if (!a->punct || !b->punct) continue;
        float want = 0.5f * (a->size < b->size ? a->size : b->size);
        float take = a->br - a->cr < want ? a->br - a->cr : want;
        a->cr += take;
        want -= take;
        take = b->bl - b->cl < want ? b->bl - b->cl : want;
        b->cl += take;
    }
    /* ¼ em between Han and Latin letters or digits. */
    for (size_t i = 0; i + 1 < n; i++) {
        item *a = &p->it[i], *b = &p->it[i + 1];
        if ((a->ideo && b->latin) || (a->latin && b->ideo)) {
            float size = a->ideo ? a->size : b->size;
            a->gap = o->cjk_latin * size;
            a->gapmin = a->gap / 2;
        }
    }
    /* Break opportunities, once per paragraph. */
    linebreak_compute(p->cps, n, p->brks);
    for (size_t i = 0; i < n; i++) {
        if (p->it[i].kind != IT_BLANK) continue;
        if (i > 0 && p->brks[i - 1] != LB_MUST && !linebreak_no_line_end(p->cps[i - 1])) p->brks[i - 1] = LB_ALLOW;
        if (i + 1 < n && !linebreak_no_line_start(p->cps[i + 1])) p->brks[i] = LB_ALLOW;
    }
    p->X[0] = p->Y[0] = 0;
    for (size_t i = 0; i < n; i++) {
        const item *t = &p->it[i];
        double ra, lb;
        double nat = t->drawn ? t->adv + t->track - t->cl - t->cr : 0;
        double shr = junction_room(p, i, &ra, &lb) + (t->space ? t->adv * 0.5 : 0) + (t->gap - t->gapmin);
        p->X[i + 1] = p->X[i] + nat + t->gap;
        p->Y[i + 1] = p->Y[i] + shr;
    }
}

/* The drawn range of a line [s, b): leading and trailing blanks are dropped. */
static void trim_range(const paragraph *p, size_t s, size_t b, size_t *s2, size_t *e2)
{
    while (s < b && (is_blankish(&p->it[s]) || p->it[s].kind == IT_HARD) && p->it[s].kind != IT_BLANK) s++;
    while (b > s && (is_blankish(&p->it[b - 1]) || p->it[b - 1].kind == IT_HARD) && p->it[b - 1].kind != IT_BLANK) b--;
    *s2 = s;
    *e2 = b;
}

/* Compression that only held because of a neighbour now on another line. */
static float end_correction(const paragraph *p, const paragraph_opts *o, size_t s, size_t e)
{
    const item *last = &p->it[e - 1], *first = &p->it[s];
    float c = 0;
    c -= last->track + last->gap;
    if (o->line_end_half && last->punct == PUNCT_CLOSE) c -= last->br - last->cr;
    else c += last->cr;
    c += first->cl;
    return c;
}

static double line_width(const paragraph *p, const paragraph_opts *o, size_t s, size_t b)
{
    size_t s2, e2;
    trim_range(p, s, b, &s2, &e2);
    if (e2 <= s2) return 0;
    return p->X[e2] - p->X[s2] + end_correction(p, o, s2, e2);
}

static double line_shrink(const paragraph *p, size_t s, size_t b)
{
    size_t s2, e2;
    trim_range(p, s, b, &s2, &e2);
    if (e2 <= s2) return 0;
    const item *last = &p->it[e2 - 1];
    double ra, lb;
    return p->Y[e2] - p->Y[s2] - (last->gap - last->gapmin) - junction_room(p, e2 - 1, &ra, &lb);
}

static int can_break(const paragraph *p, size_t b) /* between b-1 and b */
{
    return p->brks[b - 1] != LB_NO && p->brks[b - 1] != LB_LAST_RESORT;
}

/* Stretch per gap, in em, that justifying the line [s, b) into avail would need. */
static double looseness(const paragraph *p, const paragraph_opts *o, size_t s, size_t b, double avail)
{
    size_t s2, e2;
    trim_range(p, s, b, &s2, &e2);
    int gaps = -1;
    for (size_t k = s2; k < e2; k++) gaps += p->it[k].drawn;
    if (e2 <= s2 || gaps < 1) return 0;
    return (avail - line_width(p, o, s, b)) / gaps / p->it[s2].size;
}

static void add_line(paragraph *p, size_t s, size_t e, int hard)
{
    if (p->nbreak >= p->capbreak) {
        p->capbreak = p->capbreak ? p->capbreak * 2 : 16;
        p->starts = ws_xrealloc(p->starts, p->capbreak * sizeof *p->starts);
        p->ends = ws_xrealloc(p->ends, p->capbreak * sizeof *p->ends);
        p->hard = ws_xrealloc(p->hard, p->capbreak);
    }
    p->starts[p->nbreak] = s;
    p->ends[p->nbreak] = e;
    p->hard[p->nbreak] = (unsigned char)hard;
    p->nbreak++;
}

static int visible(const item *t) { return t->drawn && !t->space && t->kind != IT_ZERO; }

/* Part of a Latin token: a drawn, narrow, non-space character (letters, digits, ASCII marks). */
static int latin_token(const item *t)
{
    return t->kind == IT_CHAR && t->drawn && !t->wide && !t->space && t->cp > 0x20;
}

/* Where a URL or path may break: after these (GB/T 15834 has no rule; CMOS 7.42 breaks
 * URLs after a slash or before a dot, wenshu keeps the mark on the first line so that no
 * line starts with one). */
static int url_point(uint32_t c)
{
    return c == '/' || c == '.' || c == '-' || c == '_' || c == '?' || c == '&' || c == '=' || c == '#';
}

/* linebreak_title_breaks of the prepared text, made on first use in a layout: the dictionary
 * segmenter costs about as much as all the rest of a short paragraph's layout, and a heading or
 * an addressee that fits on one line never asks for it. */
static const unsigned char *word_quality(paragraph *p)
{
    if (!p->have_quality) {
        if (p->capq < p->n + 1) {
            p->capq = p->n + 1;
            p->quality = ws_xrealloc(p->quality, p->capq);
        }
        memset(p->quality, 2, p->n + 1);
        linebreak_title_breaks(p->cps, p->n, p->quality);
        p->have_quality = 1;
    }
    return p->quality;
}

/* Greedy breaking with 先挤进后推出, at measure width w. */
static void break_lines(paragraph *p, const paragraph_opts *o, float w)
{
    size_t n = p->n, s = 0;
    int q = o->words;
    p->nbreak = 0;
    while (s < n) {
        while (s < n && p->it[s].kind != IT_HARD && p->it[s].kind != IT_BLANK && is_blankish(&p->it[s])) s++;
        if (s >= n) break;
        double avail = w - (p->nbreak == 0 ? o->indent : o->hang);
        size_t e = s, hard = 0;
        for (size_t k = s; k < n; k++) {
            if (p->it[k].kind == IT_HARD) {
                hard = k + 1;
                break;
            }
            if (line_width(p, o, s, k + 1) <= avail + EPS) e = k + 1;
            else break;
        }
        if (hard) { /* everything up to the hard break fits */
            add_line(p, s, hard, 1);
            s = hard;
            continue;
        }
        if (e == n) {
            add_line(p, s, n, 0);
            break;
        }
        if (e == s) e = s + 1; /* wider than the measure: it goes alone */
        size_t b = 0;
        if (can_break(p, e)) {
            b = e;
        } else {
            /* 先挤进: the next opportunity, if compressing marks makes room for it. */
            size_t b2 = e + 1;
            while (b2 < n && !can_break(p, b2)) b2++;
            if (b2 - e <= 2 && line_width(p, o, s, b2) - line_shrink(p, s, b2) <= avail + EPS) b = b2;
            /* 后推出: the last opportunity before. */
            for (size_t k = e - 1; !b && k > s; k--)
                if (can_break(p, k)) b = k;
            int forced = !b; /* no opportunity on the line: the token is wider than the measure */
            if (!b) b = e;
            /* A date pushed down whole that would leave this line spaced out by more than
             * 0.15 em a gap is split between its fields instead (2005年 / 5月31日). */
            /* Set ragged (a narrow table column), a line left less than half full by it
             * ("请于" alone above the date) is split the same way. */
            if (o->align == ALIGN_JUSTIFY ? looseness(p, o, s, b, avail) > 0.15 : line_width(p, o, s, b) < 0.5 * avail)
                for (size_t k = e; k > b; k--)
                    if (p->brks[k - 1] == LB_LAST_RESORT) {
                        b = k;
                        break;
                    }
            /* A long Latin token (a URL, a path, a long word) pushed down whole would leave
             * this line spaced out by more than ½ em a gap: it is broken after / . - _ ? & =,
             * and only when it has none of those, anywhere. */
            if ((forced || looseness(p, o, s, b, avail) > 0.5) && latin_token(&p->it[e - 1]) && latin_token(&p->it[e])) {
                size_t k = e;
                size_t from = forced ? s + 1 : b;
                while (k > from && !(url_point(p->it[k - 1].cp) && latin_token(&p->it[k]))) k--;
                b = k > from ? k : e;
            }
        }
        /* Between words (o->words): a break inside one moves back to the word's start when
         * the line loses at most 3 字 by it. */
        if (q && b < n && !word_quality(p)[b]) {
            double here = line_width(p, o, s, b);
            for (size_t k = b - 1; k > s && here - line_width(p, o, s, k) <= 3.0 * p->it[s].size + EPS; k--)
                if (can_break(p, k) && word_quality(p)[k]) {
                    b = k;
                    break;
                }
        }
        add_line(p, s, b, 0);
        s = b;
    }
    /* 孤字不成行: the last line needs two characters besides closing marks. */
    if (p->nbreak >= 2 && !p->hard[p->nbreak - 1]) {
        size_t ls = p->starts[p->nbreak - 1], ps = p->starts[p->nbreak - 2];
        int count = 0;
        for (size_t k = ls; k < n; k++)
            if (visible(&p->it[k]) && !linebreak_no_line_start(p->it[k].cp)) count++;
        if (count == 1 && !p->hard[p->nbreak - 2]) {
            double avail = w - (p->nbreak - 1 == 0 ? o->indent : o->hang);
            for (size_t k = ls - 1; k > ps + 1; k--) {
                if (!can_break(p, k)) continue;
                if (line_width(p, o, k, n) <= avail + EPS) {
                    p->ends[p->nbreak - 2] = k;
                    p->starts[p->nbreak - 1] = k;
                }
                break;
            }
        }
    }
}

static int stretchable_gap(const item *a, const item *b)
{
    if (!a->wide && !b->wide && !a->space && !b->space) return 0; /* inside a word or number */
    if (a->cp == b->cp && (a->cp == 0x2014 || a->cp == 0x2026 || a->cp == 0x22EF)) return 0;
    return 1;
}

static void place_line(paragraph *p, const paragraph_opts *o, size_t li, float w)
{
    size_t s, e;
    trim_range(p, p->starts[li], p->ends[li], &s, &e);
    GROW(p->lines, p->nl, p->capl);
    paragraph_line *L = &p->lines[p->nl++];
    memset(L, 0, sizeof *L);
    L->first = p->ng;
    float offset = li == 0 ? o->indent : o->hang;
    double avail = w - offset;
    if (e <= s) {
        const item *t = p->starts[li] < p->n ? &p->it[p->starts[li]] : NULL;
        L->size = t ? t->size : 12;
        L->ascent = L->size * 0.88f;
        L->descent = L->size * 0.12f;
        return;
    }
    double natural = line_width(p, o, s, e);
    int last = li + 1 == p->nbreak || p->hard[li];
    double shrink_f = 0, stretch = 0;
    double delta = avail - natural;
    if (delta < -EPS) {
        double cap = line_shrink(p, s, e);
        shrink_f = cap > 0 ? (-delta / cap > 1 ? 1 : -delta / cap) : 0;
    } else if (delta > EPS && o->align == ALIGN_JUSTIFY && !last) {
        /* Between drawn neighbours: a soft break between two Chinese characters is not a gap. */
        int gaps = 0;
        const item *prev = NULL;
        for (size_t k = s; k < e; k++) {
            if (!p->it[k].drawn) continue;
            if (prev && stretchable_gap(prev, &p->it[k])) gaps++;
            prev = &p->it[k];
        }
        if (gaps) stretch = delta / gaps;
    }
    if (stretch == 0 && shrink_f == 0 && delta > 0) {
        if (o->align == ALIGN_CENTRE) offset += (float)(delta / 2);
        else if (o->align == ALIGN_RIGHT) offset += (float)delta;
    }
    double pen = offset;
    L->x0 = 1e9f;
    L->x1 = -1e9f;
    double carry = 0; /* compression the junction before gave to this item's left side */
    const item *prev_drawn = NULL;
    for (size_t k = s; k < e; k++) {
        const item *t = &p->it[k];
        if (t->drawn && stretch > 0 && prev_drawn && stretchable_gap(prev_drawn, t)) pen += stretch;
        double cl = (k == s ? 0 : t->cl) + carry, cr = t->cr;
        carry = 0;
        if (k + 1 == e) {
            cr = (o->line_end_half && t->punct == PUNCT_CLOSE) ? t->br : 0;
        } else if (shrink_f > 0) {
            double ra, lb, take = shrink_f * junction_room(p, k, &ra, &lb);
            double part = ra + lb > 0 ? take * ra / (ra + lb) : 0;
            cr += part;
            carry = take - part;
        }
        if (!t->drawn) continue;
        prev_drawn = t;
        double adv = t->adv;
        double width = adv + t->track - cl - cr;
        if (t->space) width -= shrink_f * adv * 0.5;
        if (!(t->space && (k == s || k + 1 == e))) {
            GROW(p->g, p->ng, p->capg);
            paragraph_glyph *g = &p->g[p->ng++];
            g->cp = t->kind == IT_BLANK ? 0 : t->kind == IT_SOFT ? ' ' : t->cp;
            g->face = t->face;
            g->x = (float)(pen - cl);
            g->w = t->adv;
            /* A line-end mark set in ½ em: its box ends where the line does. */
            if (k + 1 == e && cr > 0) g->w = (float)(t->adv - cr);
            g->size = t->size;
            g->flags = t->flags;
            if (g->x < L->x0) L->x0 = g->x;
            if (g->x + g->w > L->x1) L->x1 = g->x + g->w;
            if (t->size > L->size) L->size = t->size;
            const face_info *fi = t->face >= 0 ? fonts_face(p->fs, t->face) : NULL;
            float asc = fi ? fi->ascender * t->size / 1000 : t->size * 0.88f;
            float desc = fi ? -fi->descender * t->size / 1000 : t->size * 0.12f;
            /* A Latin-only face (of a Latin chain, fonts_set_latin_chain) has deeper metrics
             * than the CJK em box (Liberation Serif: 0.216 em below the baseline, Fandol 0.12):
             * its letters and digits stay inside the box, and must not lift a date off the grid. */
            if (fi && fonts_is_latin(g->cp) && fonts_glyph(p->fs, t->face, 0x4E00) < 0) {
                if (asc > t->size * 0.88f) asc = t->size * 0.88f;
                if (desc > t->size * 0.12f) desc = t->size * 0.12f;
            }
            if (asc > L->ascent) L->ascent = asc;
            if (desc > L->descent) L->descent = desc;
        }
        pen += width;
        if (k + 1 < e) pen += t->gap - shrink_f * (t->gap - t->gapmin);
    }
    L->count = p->ng - L->first;
    if (!L->count) L->x0 = L->x1 = offset;
}

paragraph_opts paragraph_opts_for(const style *st, const block_style *b, float width, float char_pitch)
{
    paragraph_opts o;
    memset(&o, 0, sizeof o);
    o.width = width;
    o.indent = b->indent * char_pitch;
    o.hang = 0;
    o.align = b->align;
    o.tracking = (st->grid_chars > 0 && fabsf(b->size - st->body.size) < 0.01f) ? char_pitch - b->size : 0;
    o.cjk_latin = st->cjk_latin_space;
    o.normalise = st->normalise_punctuation;
    o.line_end_half = st->line_end_half;
    o.balance = b->balance;
    return o;
}

/* What a break of each word quality (linebreak_title_breaks: 0 inside a word ... 4 before
 * 关于) costs a balanced text, in squared 字 of line length: inside a word only when nothing
 * else fits; a plain word boundary is worth about 2½ 字 of imbalance between two lines. */
static const double break_cost[5] = {1000, 24, 10, 2, 0};

/* Balanced lines between words, by dynamic programming over the break opportunities:
 * `lines` lines, each within the measure, the last holding two characters or more, that
 * minimise the sum of squared line lengths (i.e. even lines) plus break_cost. Returns the
 * cost (HUGE_VAL: impossible) and, with commit, sets the breaks. n is small (a title). */
static double balance_lines(paragraph *p, const paragraph_opts *o, float w, size_t lines, int commit)
{
    size_t n = p->n;
    const unsigned char *q = word_quality(p);
    double em = p->it[0].size > 0 ? p->it[0].size : 1;
    size_t m = 0; /* candidate ends: positions 1..n-1 that may break, then n */
    size_t *pos = ws_xmalloc((n + 1) * sizeof *pos);
    for (size_t b = 1; b < n; b++)
        if (can_break(p, b)) pos[m++] = b;
    pos[m++] = n;
    /* D[j * (m + 1) + i]: best cost of j lines ending at pos[i - 1] (i = 0: the start). */
    double *D = ws_xmalloc((lines + 1) * (m + 1) * sizeof *D);
    size_t *from = ws_xmalloc((lines + 1) * (m + 1) * sizeof *from);
    for (size_t k = 0; k < (lines + 1) * (m + 1); k++) D[k] = HUGE_VAL;
    D[0] = 0;
    for (size_t j = 1; j <= lines; j++) {
        double avail = w - (j == 1 ? o->indent : o->hang) + EPS;
        for (size_t i = 1; i <= m; i++) {
            size_t e = pos[i - 1];
            if (j == lines && e != n) continue;
            double best = HUGE_VAL;
            size_t arg = 0;
            for (size_t a = 0; a < i; a++) {
                double prev = D[(j - 1) * (m + 1) + a];
                if (prev == HUGE_VAL) continue;
                size_t s = a ? pos[a - 1] : 0;
                double lw = line_width(p, o, s, e);
                if (lw > avail || lw <= 0) continue;
                if (e == n && j > 1) { /* the last line: two characters at least */
                    int chars = 0;
                    for (size_t k = s; k < n; k++)
                        if (visible(&p->it[k]) && !linebreak_no_line_start(p->it[k].cp)) chars++;
                    if (chars < 2) continue;
                }
                double c = prev + (lw / em) * (lw / em) + (a ? break_cost[q[s] > 4 ? 4 : q[s]] : 0);
                if (c < best) {
                    best = c;
                    arg = a;
                }
            }
            D[j * (m + 1) + i] = best;
            from[j * (m + 1) + i] = arg;
        }
    }
    double cost = D[lines * (m + 1) + m];
    if (commit && cost < HUGE_VAL) {
        size_t *ends = ws_xmalloc((lines + 1) * sizeof *ends);
        size_t i = m;
        for (size_t j = lines; j >= 1; j--) {
            ends[j] = pos[i - 1];
            i = from[j * (m + 1) + i];
        }
        ends[0] = 0;
        p->nbreak = 0;
        for (size_t j = 1; j <= lines; j++) add_line(p, ends[j - 1], ends[j], 0);
        free(ends);
    }
    free(pos);
    free(D);
    free(from);
    return cost;
}

/* Balanced text (titles, the 署名): as many lines as greedy breaking needs, or one more when
 * that is what keeps every word whole. Returns 0 when it did not apply (the author broke
 * the lines, or the text is too long for the quadratic search), leaving the breaks alone. */
static int balance_words(paragraph *p, const paragraph_opts *o, float w)
{
    size_t n = p->n, want = p->nbreak;
    if (n > 400 || want < 2) return 0;
    for (size_t k = 0; k < n; k++)
        if (p->it[k].kind == IT_HARD) return 0;
    double c = balance_lines(p, o, w, want, 0);
    double c2 = c >= break_cost[0] ? balance_lines(p, o, w, want + 1, 0) : HUGE_VAL;
    if (c2 < break_cost[0]) return balance_lines(p, o, w, want + 1, 1) < HUGE_VAL;
    return c < HUGE_VAL && balance_lines(p, o, w, want, 1) < HUGE_VAL;
}

static uint32_t float_bits(float f)
{
    uint32_t w;
    memcpy(&w, &f, sizeof w);
    return w;
}

/* The paragraph_memo key of laying out p's content with o: everything paragraph_layout's lines
 * and glyphs depend on (paragraph_memo.h). The font set by its serial; every option; per item
 * the kind it was given (a soft break a previous layout resolved to nothing is a soft break
 * again: prepare starts from that), code point, role, flags, size and a blank's width. Not the
 * source line: it only names a missing character, and such layouts are not kept. Returns 0 when
 * an item does not fit the encoding (the layout is then made and not kept). */
static int memo_key(paragraph *p, const paragraph_opts *o)
{
    enum { HEAD = 12 };
    size_t most = HEAD + 3 * p->n; /* every item: its word, a size, a blank's width */
    if (p->capkey < most) {
        p->capkey = most;
        p->key = ws_xrealloc(p->key, p->capkey * sizeof *p->key);
    }
    uint32_t *k = p->key;
    unsigned long long serial = fonts_serial(p->fs);
    k[0] = (uint32_t)serial;
    k[1] = (uint32_t)(serial >> 32);
    k[2] = float_bits(o->width);
    k[3] = float_bits(o->indent);
    k[4] = float_bits(o->hang);
    k[5] = float_bits(o->tracking);
    k[6] = float_bits(o->cjk_latin);
    k[7] = (uint32_t)o->align;
    k[8] = (uint32_t)o->normalise;
    k[9] = (uint32_t)o->line_end_half;
    k[10] = (uint32_t)o->balance;
    k[11] = (uint32_t)o->words;
    size_t nk = HEAD;
    float size = -1;
    for (size_t i = 0; i < p->n; i++) {
        const item *t = &p->it[i];
        unsigned kind = t->kind == IT_ZERO ? IT_SOFT : t->kind;
        if (t->cp > 0x1FFFFF || (unsigned)t->role > 7 || t->flags > 15) return 0;
        /* cp: bits 0-20, kind 21-23, role 24-26, flags 27-30; bit 31: a new size follows */
        uint32_t w = t->cp | kind << 21 | (uint32_t)t->role << 24 | t->flags << 27;
        if (t->size != size || i == 0) w |= 1u << 31;
        k[nk++] = w;
        if (w >> 31) k[nk++] = float_bits(size = t->size);
        if (kind == IT_BLANK) k[nk++] = float_bits(t->adv);
    }
    p->nkey = nk;
    return 1;
}

size_t paragraph_layout(paragraph *p, const paragraph_opts *o)
{
    p->ng = 0;
    p->nl = 0;
    if (!p->n) return 0;
    paragraph_memo_key k = {0};
    if (memo_key(p, o)) {
        k = (paragraph_memo_key){p->key, p->nkey * sizeof *p->key, 0};
        k.hash = ws_hash64(k.bytes, k.len);
        if (paragraph_memo_get(&k, &p->lines, &p->nl, &p->capl, &p->g, &p->ng, &p->capg)) return p->nl;
    }
    prepare(p, o);
    float w = o->width;
    break_lines(p, o, w);
    if (o->balance && p->nbreak >= 2 && balance_words(p, o, w)) {
        /* lines set by balance_words */
    } else if (o->balance && p->nbreak >= 2) {
        /* The narrowest measure that keeps the number of lines: lines of equal length. */
        size_t want = p->nbreak;
        float lo = w / (float)want * 0.8f, hi = w;
        for (int iter = 0; iter < 14; iter++) {
            float mid = (lo + hi) / 2;
            break_lines(p, o, mid);
            if (p->nbreak == want) hi = mid;
            else lo = mid;
        }
        break_lines(p, o, hi);
    }
    for (size_t i = 0; i < p->nbreak; i++) place_line(p, o, i, w);
    if (k.bytes && !p->lacking) paragraph_memo_put(&k, p->lines, p->nl, p->g, p->ng);
    return p->nl;
}

float paragraph_natural_width(paragraph *p, const paragraph_opts *o)
{
    if (!p->n) return 0;
    prepare(p, o);
    double best = 0;
    size_t s = 0;
    for (size_t k = 0; k <= p->n; k++) {
        if (k == p->n || p->it[k].kind == IT_HARD) {
            double wd = line_width(p, o, s, k);
            if (wd > best) best = wd;
            s = k + 1;
        }
    }
    return (float)best + o->indent;
}

float paragraph_min_width(paragraph *p, const paragraph_opts *o)
{
    if (!p->n) return 0;
    prepare(p, o);
    double best = 0;
    size_t s = 0;
    for (size_t k = 1; k <= p->n; k++) {
        if (k == p->n || can_break(p, k)) {
            double wd = line_width(p, o, s, k);
            if (wd > best) best = wd;
            s = k;
        }
    }
    return (float)best;
}

size_t paragraph_nlines(const paragraph *p) { return p->nl; }
const paragraph_line *paragraph_line_at(const paragraph *p, size_t i) { return i < p->nl ? &p->lines[i] : NULL; }
const paragraph_glyph *paragraph_glyphs(const paragraph *p) { return p->g; }

void paragraph_draw_line(const paragraph *p, size_t i, dlist_page *page, float x, float baseline)
{
    if (i >= p->nl) return;
    const paragraph_line *L = &p->lines[i];
    int face = -2;
    float size = 0, run_x = 0;
    size_t run = 0, last = L->first + L->count;
    for (size_t k = L->first; k < L->first + L->count; k++) {
        const paragraph_glyph *g = &p->g[k];
        /* Spaces are drawn as glyphs: an extractor then reads a word space as a space
         * whatever the PDF writer does with gaps. */
        if (g->face < 0) continue;
        if (g->face != face || g->size != size) {
            run = dlist_text_begin(page, g->face, g->size, baseline);
            run_x = g->x;
            face = g->face;
            size = g->size;
        }
        dlist_glyph_add(page, g->cp, x + g->x);
        last = k;
    }
    /* The line's last glyph narrower than its font says (a line-end mark in ½ em): the run
     * carries its laid-out width, so the PDF gives the glyph that advance and its box ends
     * at the line's end, not half an em beyond the text block. */
    if (last < L->first + L->count && face >= 0 && last + 1 == L->first + L->count) {
        const paragraph_glyph *g = &p->g[last];
        float natural = (float)fonts_advance(p->fs, g->face, g->cp) * g->size / 1000.0f;
        if (g->w < natural - 0.01f) page->ops[run].u.text.width = g->x + g->w - run_x;
    }
    /* Boxes for forms and task lists: a square on the baseline's descender side. */
    for (size_t k = L->first; k < L->first + L->count; k++) {
        const paragraph_glyph *g = &p->g[k];
        if (!(g->flags & INL_BOX)) continue;
        float side = g->w, bx = x + g->x, by = baseline - 0.1f * g->size;
        float lw = 0.05f * g->size < 0.5f ? 0.5f : 0.05f * g->size;
        dlist_rect(page, bx, by, side, side, lw, 0);
        if (g->flags & INL_CHECKED) {
            dlist_line(page, bx + 0.2f * side, by + 0.5f * side, bx + 0.42f * side, by + 0.22f * side, lw * 1.5f, 0);
            dlist_line(page, bx + 0.42f * side, by + 0.22f * side, bx + 0.85f * side, by + 0.85f * side, lw * 1.5f, 0);
        }
    }
    /* Underlines and strike-throughs, one stroke per run of marked glyphs. */
    for (unsigned flag = INL_UNDERLINE; flag <= INL_STRIKE; flag <<= 1) {
        if (flag != INL_UNDERLINE && flag != INL_STRIKE) continue;
        size_t k = L->first, end = L->first + L->count;
        while (k < end) {
            if (!(p->g[k].flags & flag)) {
                k++;
                continue;
            }
            size_t j = k;
            float sz = 0;
            while (j < end && (p->g[j].flags & flag)) {
                if (p->g[j].size > sz) sz = p->g[j].size;
                j++;
            }
            float x0 = x + p->g[k].x, x1 = x + p->g[j - 1].x + p->g[j - 1].w;
            float y = flag == INL_UNDERLINE ? baseline - 0.14f * sz : baseline + 0.32f * sz;
            float lw = 0.05f * sz < 0.5f ? 0.5f : 0.05f * sz;
            dlist_line(page, x0, y, x1, y, lw, 0);
            k = j;
        }
    }
}
