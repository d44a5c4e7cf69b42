#include "pdf/pdffont_int.h"

#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdfdeflate_int.h"

#define DEFAULT_WIDTH 1000 /* hanzi and full-width marks: every CJK face we use */
/* ToUnicode, CIDSet, CIDToGIDMap: a few KB of text that compresses well, fast at any level */
#define SMALL_STREAM_LEVEL 6
/* Programs (without a fixed part) and ToUnicode maps up to this size go through
 * pdfdeflate_into_kept at their usual level: a face that draws a few characters often draws the
 * same ones in every document (FandolSong's digits and dash in a feedback notice), and a miss
 * costs a hash and a copy of a few KB. */
#define SMALL_KEPT 8192

void pdffont_hex4(ws_buf *b, unsigned v)
{
    static const char digits[] = "0123456789ABCDEF";
    char h[4] = {digits[v >> 12 & 15], digits[v >> 8 & 15], digits[v >> 4 & 15], digits[v & 15]};
    ws_buf_put(b, h, 4);
}

static void utf16be_hex(ws_buf *b, uint32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        pdffont_hex4(b, 0xD800 + (cp >> 10));
        pdffont_hex4(b, 0xDC00 + (cp & 0x3FF));
    } else {
        pdffont_hex4(b, cp);
    }
}

/* The CIDs of a subset are consecutive, one per character (subset.h), so the CMap lists them as
 * ranges, each with the array of its characters: the CIDs are then not written once each. Deflated,
 * that is a third smaller than a bfchar line per CID (a notice's 227 CIDs: 1 156 -> 788 bytes). A
 * range stays within one high byte of its CIDs, as CMaps require, and a block holds at most 100
 * ranges. */
void pdffont_tounicode(const subset_font *sf, ws_buf *out)
{
    ws_buf_puts(out, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    unsigned c = 1;
    while (c < sf->ncid) {
        /* the next block: up to 100 ranges of CIDs that stand for a character */
        unsigned first[100], last[100], n = 0;
        while (c < sf->ncid && n < 100) {
            if (!sf->unicode[c]) {
                c++;
                continue;
            }
            first[n] = c;
            while (c + 1 < sf->ncid && sf->unicode[c + 1] && (c + 1) >> 8 == first[n] >> 8) c++;
            last[n++] = c++;
        }
        if (!n) break;
        ws_buf_printf(out, "%u beginbfrange\n", n);
        for (unsigned r = 0; r < n; r++) {
            ws_buf_putc(out, '<');
            pdffont_hex4(out, first[r]);
            ws_buf_puts(out, "> <");
            pdffont_hex4(out, last[r]);
            ws_buf_puts(out, "> [");
            for (unsigned k = first[r]; k <= last[r]; k++) {
                ws_buf_putc(out, '<');
                utf16be_hex(out, sf->unicode[k]);
                ws_buf_putc(out, '>');
            }
            ws_buf_puts(out, "]\n");
        }
        ws_buf_puts(out, "endbfrange\n");
    }
    ws_buf_puts(out, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

static HPDF_Dict indirect_dict(HPDF_Doc pdf)
{
    HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
    if (d && HPDF_Xref_Add(pdf->xref, d) != HPDF_OK) return NULL;
    return d;
}

/* kept: pdfdeflate_into_kept */
static HPDF_Dict flate_stream(HPDF_Doc pdf, const void *data, size_t len, int level, int kept)
{
    HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!s) return NULL;
    s->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    return (kept ? pdfdeflate_into_kept(s, data, len, level) : pdfdeflate_into(s, data, len, level)) == 0 ? s : NULL;
}

/* /W: runs of consecutive CIDs whose width differs from /DW, as "first [w w ...]". */
static HPDF_Array widths_array(HPDF_Doc pdf, const subset_font *sf)
{
    HPDF_Array w = HPDF_Array_New(pdf->mmgr), run = NULL;
    unsigned prev = 0;
    for (unsigned c = 1; c < sf->ncid; c++) {
        if (!sf->unicode[c] || sf->width[c] == DEFAULT_WIDTH) continue;
        if (!run || c != prev + 1) {
            run = HPDF_Array_New(pdf->mmgr);
            HPDF_Array_AddNumber(w, (HPDF_INT32)c);
            HPDF_Array_Add(w, run);
        }
        HPDF_Array_AddNumber(run, sf->width[c]);
        prev = c;
    }
    return w;
}

HPDF_Dict pdffont_add(HPDF_Doc pdf, fonts_set *fs, int face, const subset_font *sf, int archive, unsigned how)
{
    int fixed = (how & PDFFONT_FIXED) != 0, small = !sf->fixed_len && sf->program_len <= SMALL_KEPT;
    int small_level = how & PDFFONT_CHEAP ? 1 : SMALL_STREAM_LEVEL;
    const face_info *fi = fonts_face(fs, face);
    /* FontBBox from the 'head' table; without one, the em box between descender and ascender */
    HPDF_Box box = {0, (HPDF_REAL)fi->descender, 1000, (HPDF_REAL)fi->ascender};
    int v[4];
    if (fonts_bbox(fs, face, v) == 0) box = (HPDF_Box){(HPDF_REAL)v[0], (HPDF_REAL)v[1], (HPDF_REAL)v[2], (HPDF_REAL)v[3]};

    /* a program's charstrings of a form's fixed text (subset.h) are deflated once per process;
     * so is a whole program of fixed glyphs, and a small one (a face drawing a few characters,
     * often the same ones) at its usual level or, in a cheap document, at 1 */
    HPDF_Dict file = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    if (!file) return NULL;
    file->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    int rc;
    if (fixed)
        rc = pdfdeflate_into_kept(file, sf->program, sf->program_len, PDFDEFLATE_KEPT_LEVEL);
    else if (small)
        rc = pdfdeflate_into_kept(file, sf->program, sf->program_len, how & PDFFONT_CHEAP ? 1 : PDFFONT_LEVEL_OF(fi->cff));
    else
        rc = pdfdeflate_into_split(file, sf->program, sf->program_len, sf->fixed_off, sf->fixed_len, PDFFONT_LEVEL_OF(fi->cff));
    if (rc < 0) return NULL;
    if (fi->cff) /* a bare CID-keyed CFF program (fonts/cffprog_int.h) */
        HPDF_Dict_AddName(file, "Subtype", "CIDFontType0C");
    else
        HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)sf->program_len);

    HPDF_Dict desc = indirect_dict(pdf);
    if (!desc) return NULL;
    HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    HPDF_Dict_AddName(desc, "FontName", sf->base_font);
    HPDF_Dict_AddNumber(desc, "Flags", 4); /* symbolic: glyphs outside the standard Latin set */
    HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(pdf->mmgr, box));
    HPDF_Dict_AddNumber(desc, "ItalicAngle", 0);
    HPDF_Dict_AddNumber(desc, "Ascent", fi->ascender);
    HPDF_Dict_AddNumber(desc, "Descent", fi->descender);
    HPDF_Dict_AddNumber(desc, "CapHeight", fonts_cap_height(fs, face));
    HPDF_Dict_AddNumber(desc, "StemV", 80);
    HPDF_Dict_Add(desc, fi->cff ? "FontFile3" : "FontFile2", file);
    if (archive) {
        /* PDF/A-1 wants the CIDs present in a subset CIDFont listed, one bit each. */
        size_t nbytes = (sf->ncid + 7) / 8;
        unsigned char *bits = calloc(nbytes ? nbytes : 1, 1);
        if (!bits) abort();
        bits[0] |= 0x80; /* CID 0, .notdef, is always in the program */
        for (unsigned c = 1; c < sf->ncid; c++)
            if (sf->unicode[c]) bits[c / 8] |= (unsigned char)(0x80 >> (c % 8));
        HPDF_Dict set = flate_stream(pdf, bits, nbytes, SMALL_STREAM_LEVEL, 0);
        free(bits);
        if (!set) return NULL;
        HPDF_Dict_Add(desc, "CIDSet", set);
    }

    HPDF_Dict cidfont = indirect_dict(pdf);
    if (!cidfont) return NULL;
    HPDF_Dict_AddName(cidfont, "Type", "Font");
    HPDF_Dict_AddName(cidfont, "Subtype", fi->cff ? "CIDFontType0" : "CIDFontType2");
    HPDF_Dict_AddName(cidfont, "BaseFont", sf->base_font);
    HPDF_Dict info = HPDF_Dict_New(pdf->mmgr);
    HPDF_Dict_Add(info, "Registry", HPDF_String_New(pdf->mmgr, "Adobe", NULL));
    HPDF_Dict_Add(info, "Ordering", HPDF_String_New(pdf->mmgr, "Identity", NULL));
    HPDF_Dict_AddNumber(info, "Supplement", 0);
    HPDF_Dict_Add(cidfont, "CIDSystemInfo", info);
    HPDF_Dict_Add(cidfont, "FontDescriptor", desc);
    HPDF_Dict_AddNumber(cidfont, "DW", DEFAULT_WIDTH);
    HPDF_Dict_Add(cidfont, "W", widths_array(pdf, sf));
    if (fi->cff) {
        /* CIDFontType0 has no CIDToGIDMap: the program's charset is the identity (subset.h) */
    } else if (sf->identity) {
        HPDF_Dict_AddName(cidfont, "CIDToGIDMap", "Identity");
    } else {
        unsigned char *map = calloc(sf->ncid, 2);
        if (!map) abort();
        for (unsigned c = 0; c < sf->ncid; c++) {
            unsigned g = sf->unicode[c] ? sf->gid[c] : 0;
            map[2 * c] = (unsigned char)(g >> 8);
            map[2 * c + 1] = (unsigned char)g;
        }
        HPDF_Dict m = flate_stream(pdf, map, (size_t)sf->ncid * 2, SMALL_STREAM_LEVEL, 0);
        free(map);
        if (!m) return NULL;
        HPDF_Dict_Add(cidfont, "CIDToGIDMap", m);
    }

    ws_buf cmap = {0};
    pdffont_tounicode(sf, &cmap);
    HPDF_Dict tu = flate_stream(pdf, cmap.data, cmap.len, fixed ? PDFDEFLATE_KEPT_LEVEL : small_level,
                                fixed || cmap.len <= SMALL_KEPT);
    ws_buf_free(&cmap);
    if (!tu) return NULL;

    HPDF_Dict type0 = indirect_dict(pdf);
    if (!type0) return NULL;
    HPDF_Dict_AddName(type0, "Type", "Font");
    HPDF_Dict_AddName(type0, "Subtype", "Type0");
    HPDF_Dict_AddName(type0, "BaseFont", sf->base_font);
    HPDF_Dict_AddName(type0, "Encoding", "Identity-H");
    HPDF_Array desc_fonts = HPDF_Array_New(pdf->mmgr);
    HPDF_Array_Add(desc_fonts, cidfont);
    HPDF_Dict_Add(type0, "DescendantFonts", desc_fonts);
    HPDF_Dict_Add(type0, "ToUnicode", tu);
    return HPDF_Error_GetCode(&pdf->error) == HPDF_OK ? type0 : NULL;
}
