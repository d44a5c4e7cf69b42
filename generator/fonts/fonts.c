/* fonts — fontconfig resolution of role chains, per-face coverage and advance caches.
 *
 * Layout asks "which face draws cp?" and "how wide is it?" once per character, so both answers
 * are cached in two-level tables (256 code points a page, pages allocated on first touch): a
 * lookup is two array indexings. A face's page is filled from its cmap and hmtx in one go. */
#include "fonts/fonts.h"
#include "fonts/fonts_int.h"

#include <ctype.h>
#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fonts/fontprog_int.h"
#include "base/util.h"
#include "base/i18n.h"

#define NPAGES 0x1100 /* 0x110000 code points / 256 */
#define FACE_UNKNOWN (-2)

typedef struct {
    int16_t adv[256]; /* 1/1000 em; -1: the cmap lacks the code point */
    uint16_t gid[256];
} glyph_page;

typedef struct {
    face_info info;
    hb_face_t *face;
    hb_font_t *font; /* unscaled: advances and extents in font units; immutable, shared by all callers */
    hb_face_t *prepared; /* hb_subset_preprocess'd copy, made once the face is subset often */
    unsigned subsets;    /* how many documents have subset this face */
    fontprog_source *prog; /* its tables for writing subset programs directly */
    int prog_tried;
    cffprog_cache *cff_cache; /* a CFF face's rewritten charstrings (cffprog_int.h) */
    glyph_page *pages[NPAGES];
} face_rec;

typedef struct {
    int16_t face[256]; /* FACE_UNKNOWN until asked, -1 when nothing has it */
} choice_page;

struct fonts_set {
    face_rec **faces;
    size_t nfaces, capfaces;
    int *chain[ROLE_COUNT];
    size_t nchain[ROLE_COUNT];
    int *latin[ROLE_COUNT]; /* fonts_set_latin_chain */
    size_t nlatin[ROLE_COUNT];
    choice_page *choice[ROLE_COUNT][NPAGES];
    choice_page *fallback[NPAGES]; /* beyond every chain; shared by all roles */
    unsigned long serial;          /* fonts_serial */
};

static const char *const role_names[ROLE_COUNT] = {"body", "title", "hei", "kai", "song", "mono"};

const char *fonts_role_name(fonts_role r)
{
    return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

int fonts_role_from_name(const char *name)
{
    for (int i = 0; i < ROLE_COUNT; i++)
        if (name && !strcmp(name, role_names[i])) return i;
    return -1;
}

/* fontconfig's default configuration is process-wide: loaded with the first font set, released
 * with the last (so leak checkers see a clean exit). */
static int live_fontsets;

/* What fontconfig matched for each family string resolve_family was asked (file NULL: nothing
 * that counts), so that the styles of a run — each sets a dozen chains from the same few
 * families — ask fontconfig once a family (its substitution and matching were 8 % of a build
 * with nothing to make). The configuration does not change while it is loaded, so neither do
 * the answers; they are forgotten when it is released. Kept like live_fontsets: font sets are
 * made and freed on one thread. */
typedef struct {
    char *family, *file;
    int index;
} family_match;
static family_match *matches;
static size_t nmatches;

static void forget_matches(void)
{
    for (size_t i = 0; i < nmatches; i++) {
        free(matches[i].family);
        free(matches[i].file);
    }
    free(matches);
    matches = NULL;
    nmatches = 0;
}

/* The last serial given (fonts_serial); like live_fontsets, font sets are made and their chains
 * set on one thread. */
static unsigned long last_serial;

fonts_set *fonts_new(void)
{
    if (!FcInit()) return NULL;
    live_fontsets++;
    fonts_set *fs = ws_xcalloc(1, sizeof(fonts_set));
    fs->serial = ++last_serial;
    return fs;
}

unsigned long fonts_serial(const fonts_set *fs) { return fs->serial; }

void fonts_free(fonts_set *fs)
{
    if (!fs) return;
    for (size_t i = 0; i < fs->nfaces; i++) {
        face_rec *f = fs->faces[i];
        for (size_t p = 0; p < NPAGES; p++) free(f->pages[p]);
        hb_font_destroy(f->font);
        hb_face_destroy(f->face);
        if (f->prepared) hb_face_destroy(f->prepared);
        fontprog_source_free(f->prog);
        cffprog_cache_free(f->cff_cache);
        free(f->info.family);
        free(f->info.file);
        free(f);
    }
    free(fs->faces);
    for (int r = 0; r < ROLE_COUNT; r++) {
        free(fs->chain[r]);
        free(fs->latin[r]);
        for (size_t p = 0; p < NPAGES; p++) free(fs->choice[r][p]);
    }
    for (size_t p = 0; p < NPAGES; p++) free(fs->fallback[p]);
    free(fs);
    if (--live_fontsets == 0) {
        forget_matches();
        FcFini();
    }
}

static int has_table(hb_face_t *face, hb_tag_t tag)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    int ok = hb_blob_get_length(b) > 0;
    hb_blob_destroy(b);
    return ok;
}

/* The face of (file, index), loaded on first use. Returns its index, or -1 when the file
 * cannot be read as a TrueType face. */
static int face_get(fonts_set *fs, const char *file, int index, const char *family)
{
    char real[PATH_MAX];
    const char *path = realpath(file, real) ? real : file; /* symlinked files share one face */
    for (size_t i = 0; i < fs->nfaces; i++)
        if (fs->faces[i]->info.index == index && !strcmp(fs->faces[i]->info.file, path)) return (int)i;

    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    if (!blob) return -1;
    hb_face_t *face = hb_face_create(blob, (unsigned)index);
    hb_blob_destroy(blob);
    unsigned upem = hb_face_get_upem(face);
    /* TrueType outlines (glyf) or CFF ones; CFF2 (variable fonts) and bitmap-only faces have
     * neither and cannot be embedded. */
    int cff = !has_table(face, HB_TAG('g', 'l', 'y', 'f')) && has_table(face, HB_TAG('C', 'F', 'F', ' '));
    if (hb_face_get_glyph_count(face) == 0 || upem == 0 || (!cff && !has_table(face, HB_TAG('g', 'l', 'y', 'f')))) {
        hb_face_destroy(face);
        return -1;
    }
    hb_face_make_immutable(face);
    face_rec *f = ws_xcalloc(1, sizeof *f);
    f->face = face;
    f->font = hb_font_create(face);
    hb_font_make_immutable(f->font);
    f->info.family = ws_xstrdup(family);
    f->info.file = ws_xstrdup(path);
    f->info.index = index;
    f->info.upem = upem;
    f->info.cff = cff;
    hb_font_extents_t ext;
    if (hb_font_get_h_extents(f->font, &ext)) {
        f->info.ascender = (int)((long)ext.ascender * 1000 / (long)upem);
        f->info.descender = (int)((long)ext.descender * 1000 / (long)upem);
    }
    if (fs->nfaces == fs->capfaces) {
        fs->capfaces = fs->capfaces ? fs->capfaces * 2 : 8;
        fs->faces = ws_xrealloc(fs->faces, fs->capfaces * sizeof *fs->faces);
    }
    fs->faces[fs->nfaces] = f;
    return (int)fs->nfaces++;
}

/* Family names compare as fontconfig compares them: case and blanks do not count. */
static int same_family(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ') a++;
        while (*b == ' ') b++;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
        if (!*a) return 1;
        a++, b++;
    }
}

static int family_matches(FcPattern *font, const char *wanted)
{
    FcChar8 *fam;
    for (int i = 0; FcPatternGetString(font, FC_FAMILY, i, &fam) == FcResultMatch; i++)
        if (same_family((const char *)fam, wanted)) return 1;
    return 0;
}

/* A chain entry that names a file: "/path/to/face.otf", or "/path/to/faces.ttc#2" for the face
 * of that index. Anything with a '/' is a path. */
static int resolve_path(fonts_set *fs, const char *entry)
{
    const char *hash = strrchr(entry, '#');
    int index = 0;
    size_t n = strlen(entry);
    if (hash && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1) && strlen(hash + 1) < 6) {
        index = atoi(hash + 1);
        n = (size_t)(hash - entry);
    }
    char *path = ws_xstrndup(entry, n);
    int face = face_get(fs, path, index, entry);
    free(path);
    return face;
}

/* fontconfig always answers FcFontMatch with *some* font; only a font whose family really is
 * the one asked for counts, or a missing 仿宋 would silently become DejaVu Sans. An entry may
 * be a fontconfig pattern, "FandolSong:style=Bold": then the style (or the weight), when asked
 * for, must match too, or a missing bold face would silently become the regular one. Style is
 * the safer: Fandol's faces all declare weight 400. */
static char *match_family(const char *family, int *index);

static int resolve_family(fonts_set *fs, const char *family)
{
    if (strchr(family, '/')) return resolve_path(fs, family);
    for (size_t i = 0; i < nmatches; i++)
        if (!strcmp(matches[i].family, family))
            return matches[i].file ? face_get(fs, matches[i].file, matches[i].index, family) : -1;
    int index = 0;
    char *file = match_family(family, &index);
    matches = ws_xrealloc(matches, (nmatches + 1) * sizeof *matches);
    matches[nmatches++] = (family_match){ws_xstrdup(family), file, index};
    return file ? face_get(fs, file, index, family) : -1;
}

/* The file (free() it) and face index fontconfig gives for family, if it counts (above); NULL
 * otherwise. */
static char *match_family(const char *family, int *index)
{
    FcPattern *pat = strchr(family, ':') ? FcNameParse((const FcChar8 *)family) : FcPatternCreate();
    if (!pat) return NULL;
    if (!strchr(family, ':')) FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)family);
    FcChar8 *wanted_family = NULL;
    int wanted_weight = -1, weight = -1;
    if (FcPatternGetString(pat, FC_FAMILY, 0, &wanted_family) != FcResultMatch) {
        FcPatternDestroy(pat);
        return NULL;
    }
    char *wanted = ws_xstrdup((const char *)wanted_family);
    FcPatternGetInteger(pat, FC_WEIGHT, 0, &wanted_weight);
    FcChar8 *st = NULL;
    char *wanted_style = FcPatternGetString(pat, FC_STYLE, 0, &st) == FcResultMatch ? ws_xstrdup((const char *)st) : NULL;
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    char *found = NULL;
    FcChar8 *file;
    *index = 0;
    if (m) FcPatternGetInteger(m, FC_WEIGHT, 0, &weight);
    int style_ok = !wanted_style;
    for (int i = 0; m && wanted_style && !style_ok && FcPatternGetString(m, FC_STYLE, i, &st) == FcResultMatch; i++)
        style_ok = same_family((const char *)st, wanted_style);
    if (m && family_matches(m, wanted) && style_ok && (wanted_style || wanted_weight < 0 || weight == wanted_weight) &&
        FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        FcPatternGetInteger(m, FC_INDEX, 0, index);
        found = ws_xstrdup((const char *)file);
    }
    if (m) FcPatternDestroy(m);
    free(wanted);
    free(wanted_style);
    return found;
}

/* Resolves families into *chain (replacing it) and forgets role's cached choices. */
static int set_faces(fonts_set *fs, fonts_role role, int **chain, size_t *nchain, const char *const *families, size_t n,
                     const char *what, diag *d)
{
    free(*chain);
    *chain = ws_xmalloc((n ? n : 1) * sizeof(int));
    *nchain = 0;
    fs->serial = ++last_serial; /* the answers change: what was kept under the old serial is not used */
    for (size_t p = 0; p < NPAGES; p++) {
        free(fs->choice[role][p]);
        fs->choice[role][p] = NULL;
    }
    for (size_t i = 0; i < n; i++) {
        int face = resolve_family(fs, families[i]);
        if (face < 0) {
            if (d)
                diag_report(d, DIAG_WARNING, (diag_loc){0},
                            _("font family \"%s\" (%s%s) is not installed or not a TrueType or OpenType font; skipped"),
                            families[i], fonts_role_name(role), what);
            continue;
        }
        int dup = 0;
        for (size_t k = 0; k < *nchain; k++) dup |= (*chain)[k] == face;
        if (!dup) (*chain)[(*nchain)++] = face;
    }
    return (int)*nchain;
}

int fonts_set_chain(fonts_set *fs, fonts_role role, const char *const *families, size_t n, diag *d)
{
    if ((unsigned)role >= ROLE_COUNT) return 0;
    return set_faces(fs, role, &fs->chain[role], &fs->nchain[role], families, n, "", d);
}

int fonts_set_latin_chain(fonts_set *fs, fonts_role role, const char *const *families, size_t n, diag *d)
{
    if ((unsigned)role >= ROLE_COUNT) return 0;
    return set_faces(fs, role, &fs->latin[role], &fs->nlatin[role], families, n, ", Latin", d);
}

int fonts_is_latin(uint32_t cp)
{
    return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

static glyph_page *page_of(face_rec *f, uint32_t cp)
{
    glyph_page *pg = f->pages[cp >> 8];
    if (pg) return pg;
    pg = ws_xmalloc(sizeof *pg);
    uint32_t base = cp & ~0xFFu;
    for (unsigned i = 0; i < 256; i++) {
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(f->font, base + i, &g) && g != 0 && g <= 0xFFFF) {
            long a = hb_font_get_glyph_h_advance(f->font, g);
            if (a < 0) a = 0;
            a = a * 1000 / (long)f->info.upem; /* floor, as libharu computes /W */
            pg->adv[i] = (int16_t)(a > INT16_MAX ? INT16_MAX : a);
            pg->gid[i] = (uint16_t)g;
        } else {
            pg->adv[i] = -1;
            pg->gid[i] = 0;
        }
    }
    f->pages[cp >> 8] = pg;
    return pg;
}

static int face_has(fonts_set *fs, int face, uint32_t cp)
{
    return page_of(fs->faces[face], cp)->adv[cp & 0xFF] >= 0;
}

static choice_page *choice_page_new(void)
{
    choice_page *c = ws_xmalloc(sizeof *c);
    for (int i = 0; i < 256; i++) c->face[i] = FACE_UNKNOWN;
    return c;
}

typedef struct {
    const char *family, *file;
    int index;
} candidate;

static int candidate_cmp(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    int c = strcmp(x->family, y->family);
    if (!c) c = strcmp(x->file, y->file);
    return c ? c : x->index - y->index;
}

/* Any installed face that covers cp. Faces already in the set win (no new subset); otherwise
 * the choice is made in a fixed order (family, file, index) so output does not depend on the
 * order fontconfig happens to list fonts in. */
static int fallback_lookup(fonts_set *fs, uint32_t cp)
{
    for (size_t i = 0; i < fs->nfaces; i++)
        if (face_has(fs, (int)i, cp)) return (int)i;

    FcCharSet *cs = FcCharSetCreate();
    FcCharSetAddChar(cs, cp);
    FcPattern *pat = FcPatternCreate();
    FcPatternAddCharSet(pat, FC_CHARSET, cs);
    FcPatternAddBool(pat, FC_SCALABLE, FcTrue);
    FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, FC_FILE, FC_INDEX, FC_FONTFORMAT, (char *)NULL);
    FcFontSet *list = FcFontList(NULL, pat, os);
    FcObjectSetDestroy(os);
    FcPatternDestroy(pat);
    FcCharSetDestroy(cs);
    if (!list) return -1;

    candidate *cands = ws_xcalloc(list->nfont ? (size_t)list->nfont : 1, sizeof *cands);
    size_t n = 0;
    for (int i = 0; i < list->nfont; i++) {
        FcChar8 *fam, *file, *fmt;
        int index = 0;
        if (FcPatternGetString(list->fonts[i], FC_FAMILY, 0, &fam) != FcResultMatch ||
            FcPatternGetString(list->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
            continue;
        if (FcPatternGetString(list->fonts[i], FC_FONTFORMAT, 0, &fmt) == FcResultMatch &&
            strcmp((const char *)fmt, "TrueType") && strcmp((const char *)fmt, "CFF"))
            continue;
        FcPatternGetInteger(list->fonts[i], FC_INDEX, 0, &index);
        cands[n++] = (candidate){(const char *)fam, (const char *)file, index};
    }
    qsort(cands, n, sizeof *cands, candidate_cmp);
    int found = -1;
    for (size_t i = 0; i < n && found < 0; i++) {
        int face = face_get(fs, cands[i].file, cands[i].index, cands[i].family);
        if (face >= 0 && face_has(fs, face, cp)) found = face;
    }
    free(cands);
    FcFontSetDestroy(list);
    return found;
}

/* Mainland (GB) forms of the full-width marks: 。，、 sit in the lower left of the em box and
 * ；：！ in its left half; Taiwan and Hong Kong faces centre them (AR PL UMing: 。、; WenQuanYi
 * Zen Hei: ，；：！). ？ is not here: GB faces centre it too (FandolFang: ink 0.32-0.68 em).
 * Returns 1 for a mark face draws in its mainland position, 0 for one it does not, -1 for a
 * code point that is none of these marks. The ink must end left of the middle of the advance
 * and, for 。，、, its top lie below the middle of the em box (between descender and ascender). */
static int mainland_mark(fonts_set *fs, int face, uint32_t cp)
{
    int low;
    switch (cp) {
    case 0x3002: case 0xFF0C: case 0x3001: low = 1; break; /* 。，、 */
    case 0xFF1B: case 0xFF1A: case 0xFF01: low = 0; break; /* ；：！ */
    default: return -1;
    }
    fonts_ink e;
    const face_info *fi = &fs->faces[face]->info;
    if (!fonts_glyph_ink(fs, face, cp, &e) || e.advance <= 0) return 0;
    if (2 * (e.x_bearing + e.width) > e.advance) return 0;
    long middle = (long)(fi->ascender + fi->descender) * (long)fi->upem / 2000;
    return !low || e.y_bearing <= middle;
}

int fonts_mainland_mark(fonts_set *fs, int face, uint32_t cp)
{
    if (face < 0 || (size_t)face >= fs->nfaces) return 0;
    return mainland_mark(fs, face, cp);
}

int fonts_face_for(fonts_set *fs, fonts_role role, uint32_t cp)
{
    if ((unsigned)role >= ROLE_COUNT || cp > 0x10FFFF) return -1;
    choice_page **slot = &fs->choice[role][cp >> 8];
    if (!*slot) *slot = choice_page_new();
    int16_t *c = &(*slot)->face[cp & 0xFF];
    if (*c != FACE_UNKNOWN) return *c;

    int face = -1;
    if (fs->nlatin[role] && fonts_is_latin(cp))
        for (size_t i = 0; i < fs->nlatin[role] && face < 0; i++)
            if (face_has(fs, fs->latin[role][i], cp)) face = fs->latin[role][i];
    /* A full-width mark that has a mainland form (mainland_mark) comes from the role's first face
     * (the style's own choice), else only from a face that draws it in that form: a face later in
     * the chain, or one fontconfig falls back to, must not bring a Taiwan-style centred 。 into
     * simplified text. Only when no face has the mainland form does the first that has the
     * mark at all draw it (a centred mark is better than none). */
    int any = -1;
    for (size_t i = 0; i < fs->nchain[role] && face < 0; i++) {
        int f = fs->chain[role][i];
        if (!face_has(fs, f, cp)) continue;
        if (any < 0) any = f;
        if (i == 0 || mainland_mark(fs, f, cp) != 0) face = f;
    }
    if (face < 0) {
        choice_page **fb = &fs->fallback[cp >> 8];
        if (!*fb) *fb = choice_page_new();
        int16_t *f = &(*fb)->face[cp & 0xFF];
        if (*f == FACE_UNKNOWN) *f = (int16_t)fallback_lookup(fs, cp);
        face = *f;
        if (face >= 0 && any >= 0 && mainland_mark(fs, face, cp) == 0) face = any;
        if (face < 0) face = any;
    }
    *c = (int16_t)face;
    return face;
}

int fonts_advance(fonts_set *fs, int face, uint32_t cp)
{
    if (face < 0 || (size_t)face >= fs->nfaces || cp > 0x10FFFF) return 0;
    int a = page_of(fs->faces[face], cp)->adv[cp & 0xFF];
    return a < 0 ? 0 : a;
}

int fonts_glyph(fonts_set *fs, int face, uint32_t cp)
{
    if (face < 0 || (size_t)face >= fs->nfaces || cp > 0x10FFFF) return -1;
    glyph_page *pg = page_of(fs->faces[face], cp);
    return pg->adv[cp & 0xFF] < 0 ? -1 : pg->gid[cp & 0xFF];
}

int fonts_glyph_ink(fonts_set *fs, int face, uint32_t cp, fonts_ink *out)
{
    memset(out, 0, sizeof *out);
    if (face < 0 || (size_t)face >= fs->nfaces) return 0;
    hb_font_t *font = fs->faces[face]->font;
    hb_codepoint_t g;
    hb_glyph_extents_t e;
    if (!hb_font_get_nominal_glyph(font, cp, &g) || !hb_font_get_glyph_extents(font, g, &e)) return 0;
    out->advance = hb_font_get_glyph_h_advance(font, g);
    out->x_bearing = e.x_bearing;
    out->y_bearing = e.y_bearing;
    out->width = e.width;
    out->height = e.height;
    return 1;
}

static int scaled(long v, unsigned upem) { return (int)(v * 1000 / (long)upem); }

int fonts_cap_height(fonts_set *fs, int face)
{
    if (face < 0 || (size_t)face >= fs->nfaces) return 0;
    face_rec *f = fs->faces[face];
    hb_position_t cap = 0;
    /* the fallback goes through font units too, so it rounds as the PDF always wrote it */
    if (!hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) || cap <= 0)
        cap = (hb_position_t)((long)f->info.ascender * f->info.upem / 1000);
    return scaled(cap, f->info.upem);
}

int fonts_bbox(fonts_set *fs, int face, int box[4])
{
    if (face < 0 || (size_t)face >= fs->nfaces) return -1;
    face_rec *f = fs->faces[face];
    hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned len;
    const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, &len);
    int rc = -1;
    if (len >= 44) { /* xMin, yMin, xMax, yMax: int16 at offset 36 */
        for (int i = 0; i < 4; i++) box[i] = scaled((int16_t)(h[36 + 2 * i] << 8 | h[37 + 2 * i]), f->info.upem);
        rc = 0;
    }
    hb_blob_destroy(head);
    return rc;
}

hb_face_t *fonts_subset_source(fonts_set *fs, int face)
{
    if (face < 0 || (size_t)face >= fs->nfaces) return NULL;
    face_rec *f = fs->faces[face];
    /* Preprocessing indexes the whole face once (about 50 ms for UMing) and then makes each
     * subset some 15 times faster (1 ms -> 0.07 ms). A single `render` never earns that back;
     * a batch does from its third document on. The subsets are byte-identical either way. */
    /* Not for a CFF face: preprocessing FandolFang (7 MB, 10 365 glyphs) takes about a second
     * and 50 MB, and its subsets (0.3 ms) do not get faster for it. */
    if (!f->prepared && !f->info.cff && ++f->subsets >= 3) {
        f->prepared = hb_subset_preprocess(f->face);
        if (!f->prepared) f->prepared = hb_face_reference(f->face);
    }
    return f->prepared ? f->prepared : f->face;
}

void fonts_prepare_subsetting(fonts_set *fs)
{
    for (size_t i = 0; i < fs->nfaces; i++) {
        face_rec *f = fs->faces[i];
        fonts_prog_source(fs, (int)i);
        if (f->prepared) continue;
        f->prepared = hb_subset_preprocess(f->face);
        if (!f->prepared) f->prepared = hb_face_reference(f->face);
    }
}

fontprog_source *fonts_prog_source(fonts_set *fs, int face)
{
    if (face < 0 || (size_t)face >= fs->nfaces) return NULL;
    face_rec *f = fs->faces[face];
    if (!f->prog_tried) {
        f->prog_tried = 1;
        f->prog = fontprog_source_new(f->face);
    }
    return f->prog;
}

cffprog_cache **fonts_cff_cache(fonts_set *fs, int face)
{
    return face >= 0 && (size_t)face < fs->nfaces ? &fs->faces[face]->cff_cache : NULL;
}

size_t fonts_nfaces(const fonts_set *fs) { return fs->nfaces; }

const face_info *fonts_face(const fonts_set *fs, int face)
{
    return face >= 0 && (size_t)face < fs->nfaces ? &fs->faces[face]->info : NULL;
}

hb_face_t *fonts_hb_face(fonts_set *fs, int face)
{
    return face >= 0 && (size_t)face < fs->nfaces ? fs->faces[face]->face : NULL;
}
