/* pdfdirect_pack must write what HPDF_SaveToStream followed by pdfpack_repack_level writes, byte
 * for byte, for every kind of value libharu has (names needing escapes, numbers at libharu's
 * clamps, reals, strings with escapes, binaries, booleans, null, hidden entries, arrays, nested
 * and indirect dictionaries, spliced streams, the pages' and outlines' counts filled in before
 * writing); and refuse, leaving the output as it was, what it does not write libharu's way, after
 * which libharu's way still gives the same file. Whole documents (every form, volumes) are
 * compared in bench/PROFILE.md's eighth round and checked from outside in tests/pdf/. */
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdfdeflate_int.h"
#include "pdf/pdfdirect_int.h"
#include "pdf/pdfpack.h"
#include "tap.h"

/* libharu's way: the classic file, then pdfpack. */
static int long_way(HPDF_Doc pdf, int level, ws_buf *out)
{
    if (HPDF_SaveToStream(pdf) != HPDF_OK) return -1;
    HPDF_UINT32 size = HPDF_GetStreamSize(pdf), got = size;
    char *tmp = malloc(size ? size : 1);
    int rc = HPDF_ReadFromStream(pdf, (HPDF_BYTE *)tmp, &got) == HPDF_STREAM_EOF || got == size ? 0 : -1;
    if (!rc) rc = pdfpack_repack_level(tmp, got, level, out);
    free(tmp);
    return rc;
}

static HPDF_Doc sample(int refused)
{
    HPDF_Doc pdf = HPDF_New(NULL, NULL);
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_Dict fonts = HPDF_Dict_New(pdf->mmgr);
    HPDF_Xref_Add(pdf->xref, fonts);
    HPDF_Dict font = HPDF_Dict_New(pdf->mmgr);
    HPDF_Xref_Add(pdf->xref, font);
    HPDF_Dict_AddName(font, "Type", "Font");
    HPDF_Dict_AddName(font, "BaseFont", "ABCDEF+Fandol Song#1(x)");
    HPDF_Dict_AddNumber(font, "Big", 2147483647);
    HPDF_Dict_AddNumber(font, "Small", -2147483647);
    HPDF_Dict_AddNumber(font, "Zero", 0);
    HPDF_Dict_AddReal(font, "Italic", -12.5f);
    HPDF_Dict_AddReal(font, "Tiny", 0.000004f);
    HPDF_Dict_AddReal(font, "Whole", 595.0f);
    HPDF_Dict_AddReal(font, "Odd", 841.8898f);
    HPDF_Dict_AddBoolean(font, "Flag", HPDF_TRUE);
    HPDF_Dict_AddBoolean(font, "NoFlag", HPDF_FALSE);
    HPDF_Dict_Add(font, "Nothing", HPDF_Null_New(pdf->mmgr));
    HPDF_Number hidden = HPDF_Number_New(pdf->mmgr, 7);
    hidden->header.obj_id |= HPDF_OTYPE_HIDDEN;
    HPDF_Dict_Add(font, "_HIDDEN", hidden);
    HPDF_Array widths = HPDF_Array_New(pdf->mmgr);
    HPDF_Array_AddNumber(widths, 1);
    HPDF_Array_AddReal(widths, 0.5f);
    HPDF_Array inner = HPDF_Array_New(pdf->mmgr);
    HPDF_Array_AddName(inner, "A B");
    HPDF_Array_Add(widths, inner);
    HPDF_Array_Add(widths, HPDF_Array_New(pdf->mmgr));
    HPDF_Array_Add(widths, fonts); /* indirect: "N 0 R" */
    HPDF_Dict_Add(font, "W", widths);
    HPDF_Dict nested = HPDF_Dict_New(pdf->mmgr);
    HPDF_Dict_AddName(nested, "Ordering", "Identity");
    HPDF_Dict_Add(nested, "Registry", HPDF_String_New(pdf->mmgr, "Adobe (1) \\ 100% <x>\n\x7f\xe4\xb8\xad", NULL));
    HPDF_Dict_Add(nested, "Empty", HPDF_String_New(pdf->mmgr, "", NULL));
    static const HPDF_BYTE bin[] = {0xFE, 0xFF, 0x4E, 0x2D, 0x00, 0x0A};
    HPDF_Dict_Add(nested, "Hex", HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)bin, sizeof bin));
    HPDF_Dict_Add(nested, "NoHex", HPDF_Binary_New(pdf->mmgr, NULL, 0));
    HPDF_Dict_Add(font, "CIDSystemInfo", nested);
    HPDF_Dict_Add(fonts, "F0", font);

    for (int p = 0; p < 3; p++) {
        HPDF_Page page = HPDF_AddPage(pdf);
        HPDF_Page_SetWidth(page, 595.276f);
        HPDF_Page_SetHeight(page, 841.89f);
        HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
        HPDF_Dict_Add(res, "Font", fonts);
        HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
        const char content[] = "BT /F0 16 Tf 72 720 Td <0001> Tj ET";
        if (refused && p == 2) /* libharu compresses this one itself: not pdfdirect's to write */
            HPDF_Stream_Write(attr->contents->stream, (const HPDF_BYTE *)content, sizeof content - 1);
        else
            pdfdeflate_into(attr->contents, content, sizeof content - 1, 6);
        HPDF_Outline o = HPDF_CreateOutline(pdf, NULL, p == 1 ? "第二页 (2)" : "页", NULL);
        HPDF_Outline_SetOpened(o, p == 0);
        HPDF_Outline_SetDestination(o, HPDF_Page_CreateDestination(page));
    }
    HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, "wenshu (test)");
    HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return pdf;
}

int main(void)
{
    for (int level = 1; level <= 9; level += 8) {
        pdfdeflate_splice_begin();
        HPDF_Doc pdf = sample(0);
        ws_buf direct = {0}, classic = {0};
        CHECK(pdfdirect_pack(pdf, level, &direct) == 0, "level %d: every kind of value is written directly", level);
        CHECK(long_way(pdf, level, &classic) == 0, "level %d: and libharu's way after it", level);
        CHECK(direct.len == classic.len && !memcmp(direct.data, classic.data, direct.len),
              "level %d: the same %zu bytes either way", level, direct.len);
        /* and once more, as a document written a second time (the counts are not added twice) */
        direct.len = 0;
        CHECK(pdfdirect_pack(pdf, level, &direct) == 0 && direct.len == classic.len &&
                  !memcmp(direct.data, classic.data, direct.len),
              "level %d: written again, the same bytes", level);
        HPDF_Free(pdf);
        pdfdeflate_splice_end();
        ws_buf_free(&direct);
        ws_buf_free(&classic);
    }

    /* a document pdfdirect refuses part-way: libharu's way then gives what it gives alone */
    pdfdeflate_splice_begin();
    HPDF_Doc pdf = sample(1);
    ws_buf alone = {0}, after = {0}, out = {0};
    CHECK(long_way(pdf, 9, &alone) == 0, "a stream libharu compresses itself is packed by pdfpack");
    HPDF_Free(pdf);
    pdfdeflate_splice_begin();
    pdf = sample(1);
    ws_buf_puts(&out, "kept");
    CHECK(pdfdirect_pack(pdf, 9, &out) == -1 && out.len == 4 && !memcmp(out.data, "kept", 4),
          "but refused by pdfdirect, the output untouched");
    CHECK(long_way(pdf, 9, &after) == 0 && after.len == alone.len && !memcmp(after.data, alone.data, alone.len),
          "after the refusal, libharu's way writes the same %zu bytes as without it", alone.len);
    HPDF_Free(pdf);
    pdfdeflate_splice_end();
    ws_buf_free(&alone);
    ws_buf_free(&after);
    ws_buf_free(&out);
    return TAP_DONE();
}
