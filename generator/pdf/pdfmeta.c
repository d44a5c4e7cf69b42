#include "pdf/pdfmeta_int.h"
#include "base/i18n.h"

#include <ctype.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_ICC "/usr/share/color/icc/sRGB.icc"

static int digits(const char *s, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        *v = *v * 10 + (s[i] - '0');
    }
    return 0;
}

int pdfmeta_dates(const char *iso, char pdf[32], char xmp[40])
{
    int y, mo = 1, da = 1, h = 0, mi = 0, se = 0, oh = 0, om = 0;
    char sign = 0;
    const char *s = iso;
    if (!s || digits(s, 4, &y)) return -1;
    s += 4;
    if (*s == '-' && !digits(s + 1, 2, &mo)) {
        s += 3;
        if (*s == '-' && !digits(s + 1, 2, &da)) s += 3;
    }
    if (*s == 'T' || *s == ' ') {
        if (digits(s + 1, 2, &h) || s[3] != ':' || digits(s + 4, 2, &mi)) return -1;
        s += 6;
        if (*s == ':') {
            if (digits(s + 1, 2, &se)) return -1;
            s += 3;
            if (*s == '.') /* fractions of a second: PDF dates have none */
                for (s++; isdigit((unsigned char)*s); s++) {}
        }
        if (*s == 'Z') {
            sign = 'Z';
            s++;
        } else if (*s == '+' || *s == '-') {
            sign = *s;
            if (digits(s + 1, 2, &oh)) return -1;
            s += 3;
            if (*s == ':') s++;
            if (digits(s, 2, &om)) return -1;
            s += 2;
        }
    }
    if (*s || mo < 1 || mo > 12 || da < 1 || da > 31 || h > 23 || mi > 59 || se > 60 || oh > 23 || om > 59)
        return -1;
    /* the modulos only tell the compiler the field widths the checks above guarantee */
    unsigned Y = (unsigned)y % 10000u, M = (unsigned)mo % 100u, D = (unsigned)da % 100u, H = (unsigned)h % 100u,
             MI = (unsigned)mi % 100u, S = (unsigned)se % 100u;
    snprintf(pdf, 32, "D:%04u%02u%02u%02u%02u%02u", Y, M, D, H, MI, S);
    snprintf(xmp, 40, "%04u-%02u-%02uT%02u:%02u:%02u", Y, M, D, H, MI, S);
    if (sign == 'Z') {
        strcat(pdf, "Z");
        strcat(xmp, "Z");
    } else if (sign) {
        snprintf(pdf + strlen(pdf), 32 - strlen(pdf), "%c%02u'%02u'", sign, (unsigned)oh % 100u, (unsigned)om % 100u);
        snprintf(xmp + strlen(xmp), 40 - strlen(xmp), "%c%02u:%02u", sign, (unsigned)oh % 100u, (unsigned)om % 100u);
    }
    return 0;
}

/* A PDF text string: UTF-16BE with a byte-order mark, surrogate pairs above U+FFFF. */
static HPDF_Binary text_string(HPDF_Doc pdf, const char *utf8)
{
    ws_buf b = {0};
    ws_buf_put(&b, "\xFE\xFF", 2);
    size_t len = strlen(utf8);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)ws_utf8_decode_lossy(utf8 + i, len - i, &cp);
        unsigned char u[4];
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
            u[0] = (unsigned char)(hi >> 8), u[1] = (unsigned char)hi, u[2] = (unsigned char)(lo >> 8), u[3] = (unsigned char)lo;
            ws_buf_put(&b, u, 4);
        } else {
            u[0] = (unsigned char)(cp >> 8), u[1] = (unsigned char)cp;
            ws_buf_put(&b, u, 2);
        }
    }
    HPDF_Binary s = HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)b.data, (HPDF_UINT)b.len);
    ws_buf_free(&b);
    return s;
}

int pdfmeta_info(HPDF_Doc pdf, const dlist_meta *meta, diag *d)
{
    /* SetInfoAttr creates the Info dictionary; the rest goes in through the object API. */
    if (HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, "wenshu") != HPDF_OK || !pdf->info) return -1;
    const struct {
        const char *key, *value;
    } texts[] = {{"Title", meta->title},       {"Subject", meta->subject}, {"Author", meta->author},
                 {"Keywords", meta->keywords}, {"Creator", meta->creator}};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        if (texts[i].value && *texts[i].value) HPDF_Dict_Add(pdf->info, texts[i].key, text_string(pdf, texts[i].value));
    if (meta->date) {
        char pd[32], xd[40];
        if (pdfmeta_dates(meta->date, pd, xd) == 0) {
            HPDF_Dict_Add(pdf->info, "CreationDate", HPDF_String_New(pdf->mmgr, pd, NULL));
            HPDF_Dict_Add(pdf->info, "ModDate", HPDF_String_New(pdf->mmgr, pd, NULL));
        } else {
            diag_report(d, DIAG_WARNING, (diag_loc){0}, _("document date \"%s\" is not an ISO 8601 date; left out of the PDF"),
                        meta->date);
        }
    }
    return HPDF_Error_GetCode(&pdf->error) == HPDF_OK ? 0 : -1;
}

int pdfmeta_outlines(HPDF_Doc pdf, const dlist_doc *doc, HPDF_Page *pages)
{
    enum { MAXLEVEL = 16 };
    HPDF_Outline parent[MAXLEVEL + 1] = {0};
    for (size_t i = 0; i < doc->noutlines; i++) {
        const dlist_outline *o = &doc->outlines[i];
        if (o->page >= doc->npages) continue;
        int level = o->level < 1 ? 1 : o->level > MAXLEVEL ? MAXLEVEL : o->level;
        HPDF_Outline up = NULL;
        for (int l = level - 1; l >= 1 && !up; l--) up = parent[l];
        HPDF_Outline ol = HPDF_CreateOutline(pdf, up, "", NULL);
        if (!ol) return -1;
        HPDF_Dict_Add(ol, "Title", text_string(pdf, o->title ? o->title : ""));
        HPDF_Outline_SetOpened(ol, level == 1 ? HPDF_TRUE : HPDF_FALSE);
        /* [page /XYZ left top null]: null zoom keeps the reader's zoom (libharu refuses 0). */
        HPDF_Destination dst = HPDF_Page_CreateDestination(pages[o->page]);
        if (!dst) return -1;
        HPDF_Array_Clear(dst);
        HPDF_Array_Add(dst, pages[o->page]);
        HPDF_Array_AddName(dst, "XYZ");
        HPDF_Array_AddNumber(dst, 0);
        HPDF_Array_AddReal(dst, o->y);
        HPDF_Array_Add(dst, HPDF_Null_New(pdf->mmgr));
        HPDF_Outline_SetDestination(ol, dst);
        parent[level] = ol;
        for (int l = level + 1; l <= MAXLEVEL; l++) parent[l] = NULL;
    }
    if (doc->noutlines) HPDF_SetPageMode(pdf, HPDF_PAGE_MODE_USE_OUTLINE);
    return HPDF_Error_GetCode(&pdf->error) == HPDF_OK ? 0 : -1;
}

int pdfmeta_page_labels(HPDF_Doc pdf, const dlist_doc *doc)
{
    int plain = 1;
    for (size_t p = 0; p < doc->npages; p++) plain &= doc->pages[p].number == (int)p + 1;
    if (plain) return 0;
    HPDF_Array nums = HPDF_Array_New(pdf->mmgr);
    for (size_t p = 0; p < doc->npages; p++) {
        int n = doc->pages[p].number;
        int continues = p > 0 && n > 0 && doc->pages[p - 1].number > 0 && n == doc->pages[p - 1].number + 1;
        int blank_run = p > 0 && n <= 0 && doc->pages[p - 1].number <= 0;
        if (continues || blank_run) continue;
        HPDF_Dict label = HPDF_Dict_New(pdf->mmgr);
        if (n > 0) {
            HPDF_Dict_AddName(label, "S", "D");
            if (n != 1) HPDF_Dict_AddNumber(label, "St", n);
        }
        HPDF_Array_AddNumber(nums, (HPDF_INT32)p);
        HPDF_Array_Add(nums, label);
    }
    HPDF_Dict labels = HPDF_Dict_New(pdf->mmgr);
    HPDF_Dict_Add(labels, "Nums", nums);
    HPDF_Dict_Add(pdf->catalog, "PageLabels", labels);
    return HPDF_Error_GetCode(&pdf->error) == HPDF_OK ? 0 : -1;
}

static void xml_text(ws_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&') ws_buf_puts(b, "&amp;");
        else if (c == '<') ws_buf_puts(b, "&lt;");
        else if (c == '>') ws_buf_puts(b, "&gt;");
        else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') continue; /* not allowed in XML 1.0 */
        else ws_buf_putc(b, (char)c);
    }
}

void pdfmeta_xmp(const dlist_meta *meta, ws_buf *out)
{
    char pd[32], xd[40];
    int dated = meta->date && pdfmeta_dates(meta->date, pd, xd) == 0;
    ws_buf_puts(out, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
                   "   <pdfaid:part>1</pdfaid:part>\n   <pdfaid:conformance>B</pdfaid:conformance>\n"
                   "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
                   "   <dc:format>application/pdf</dc:format>\n");
    if (meta->title && *meta->title) {
        ws_buf_puts(out, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(out, meta->title);
        ws_buf_puts(out, "</rdf:li></rdf:Alt></dc:title>\n");
    }
    if (meta->author && *meta->author) {
        ws_buf_puts(out, "   <dc:creator><rdf:Seq><rdf:li>");
        xml_text(out, meta->author);
        ws_buf_puts(out, "</rdf:li></rdf:Seq></dc:creator>\n");
    }
    if (meta->subject && *meta->subject) {
        ws_buf_puts(out, "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
        xml_text(out, meta->subject);
        ws_buf_puts(out, "</rdf:li></rdf:Alt></dc:description>\n");
    }
    ws_buf_puts(out, "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n");
    if (meta->creator && *meta->creator) {
        ws_buf_puts(out, "   <xmp:CreatorTool>");
        xml_text(out, meta->creator);
        ws_buf_puts(out, "</xmp:CreatorTool>\n");
    }
    if (dated) ws_buf_printf(out, "   <xmp:CreateDate>%s</xmp:CreateDate>\n   <xmp:ModifyDate>%s</xmp:ModifyDate>\n", xd, xd);
    ws_buf_puts(out, "  </rdf:Description>\n"
                   "  <rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
                   "   <pdf:Producer>wenshu</pdf:Producer>\n");
    if (meta->keywords && *meta->keywords) {
        ws_buf_puts(out, "   <pdf:Keywords>");
        xml_text(out, meta->keywords);
        ws_buf_puts(out, "</pdf:Keywords>\n");
    }
    ws_buf_puts(out, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
}

int pdfmeta_archive(HPDF_Doc pdf, const dlist_meta *meta, const char *icc_path, const unsigned char id[16], diag *d)
{
    if (!icc_path) icc_path = DEFAULT_ICC;
    ws_buf icc = {0};
    char err[256];
    if (ws_read_file(icc_path, 1 << 20, &icc, err, sizeof err) < 0) {
        diag_report(d, DIAG_ERROR, (diag_loc){icc_path, 0, 0, NULL}, _("cannot read the sRGB ICC profile for the archive copy: %s (install icc-profiles-free)"), err);
        ws_buf_free(&icc);
        return -1;
    }
    /* PDF/A-1 allows ICC profiles up to version 2 (byte 8 of the header is the major version). */
    if (icc.len < 128 || (unsigned char)icc.data[8] > 2 || memcmp(icc.data + 36, "acsp", 4)) {
        diag_report(d, DIAG_ERROR, (diag_loc){icc_path, 0, 0, NULL}, _("not an ICC version 2 profile; PDF/A-1 needs one"));
        ws_buf_free(&icc);
        return -1;
    }
    pdf->pdf_version = HPDF_VER_14;

    HPDF_Dict prof = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    prof->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_Dict_AddNumber(prof, "N", 3);
    HPDF_Stream_Write(prof->stream, (HPDF_BYTE *)icc.data, (HPDF_UINT)icc.len);
    ws_buf_free(&icc);
    HPDF_Dict oi = HPDF_Dict_New(pdf->mmgr);
    HPDF_Xref_Add(pdf->xref, oi);
    HPDF_Dict_AddName(oi, "Type", "OutputIntent");
    HPDF_Dict_AddName(oi, "S", "GTS_PDFA1");
    HPDF_Dict_Add(oi, "OutputConditionIdentifier", HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
    HPDF_Dict_Add(oi, "Info", HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
    HPDF_Dict_Add(oi, "DestOutputProfile", prof);
    HPDF_Array ois = HPDF_Array_New(pdf->mmgr);
    HPDF_Array_Add(ois, oi);
    HPDF_Dict_Add(pdf->catalog, "OutputIntents", ois);

    /* The XMP packet stays unfiltered, as PDF/A-1 requires. */
    ws_buf xmp = {0};
    pdfmeta_xmp(meta, &xmp);
    HPDF_Dict md = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
    HPDF_Dict_AddName(md, "Type", "Metadata");
    HPDF_Dict_AddName(md, "Subtype", "XML");
    HPDF_Stream_Write(md->stream, (HPDF_BYTE *)xmp.data, (HPDF_UINT)xmp.len);
    ws_buf_free(&xmp);
    HPDF_Dict_Add(pdf->catalog, "Metadata", md);

    HPDF_Array ida = HPDF_Array_New(pdf->mmgr);
    HPDF_Array_Add(ida, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)id, 16));
    HPDF_Array_Add(ida, HPDF_Binary_New(pdf->mmgr, (HPDF_BYTE *)id, 16));
    HPDF_Dict_Add(pdf->trailer, "ID", ida);
    return HPDF_Error_GetCode(&pdf->error) == HPDF_OK ? 0 : -1;
}
