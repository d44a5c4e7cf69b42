/* pdfpack on hand-made inputs: what it must refuse (and leave the output as it was), and the
 * structure of what it writes. Whole documents are checked from the outside in
 * tests/pdf/test_pdfout.sh (qpdf, poppler, mutool). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf/pdfpack.h"
#include "tap.h"
#include "base/util.h"

/* A minimal classic PDF: catalog, pages, one page with a content stream whose /Length is an
 * indirect object, as libharu writes them; gen is the generation of object 4. */
static char *classic(int gen, int break_xref)
{
    const char *objs[] = {
        "1 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\n",
        "2 0 obj\n<<\n/Type /Pages\n/Kids [ 3 0 R ]\n/Count 1\n>>\nendobj\n",
        "3 0 obj\n<<\n/Type /Page\n/MediaBox [ 0 0 100 100 ]\n/Contents 4 0 R\n/Parent 2 0 R\n>>\nendobj\n",
        NULL, /* 4: the stream, with its generation */
        "5 0 obj\n10\nendobj\n",
    };
    char stream[128];
    snprintf(stream, sizeof stream, "4 %d obj\n<<\n/Length 5 0 R\n>>\nstream\r\n0 0 m 1 1 l\r\nendstream\r\nendobj\n", gen);
    objs[3] = stream;
    ws_buf b = {0};
    size_t off[5];
    ws_buf_puts(&b, "%PDF-1.3\n%\xB7\xBE\xAD\xAA\n");
    for (int i = 0; i < 5; i++) {
        off[i] = b.len;
        ws_buf_puts(&b, objs[i]);
    }
    size_t x = b.len;
    ws_buf_puts(&b, "xref\n0 6\n0000000000 65535 f\r\n");
    for (int i = 0; i < 5; i++) ws_buf_printf(&b, "%010zu %05d n\r\n", off[i], i == 3 ? gen : 0);
    ws_buf_printf(&b, "trailer\n<<\n/Root 1 0 R\n/Size 6\n>>\nstartxref\n%zu\n%%%%EOF\n", break_xref ? x + 3 : x);
    return ws_buf_steal(&b);
}

int main(void)
{
    ws_buf out = {0};
    ws_buf_puts(&out, "kept");
    const char *junk = "%PDF-1.3\nnot really a PDF at all, and no cross-reference table anywhere in it\n";
    CHECK(pdfpack_repack(junk, strlen(junk), &out) == -1 && out.len == 4, "no xref table: refused, output untouched");

    char *bad_gen = classic(1, 0);
    CHECK(pdfpack_repack(bad_gen, strlen(bad_gen), &out) == -1 && out.len == 4, "an object of generation 1: refused");
    char *bad_xref = classic(0, 1);
    CHECK(pdfpack_repack(bad_xref, strlen(bad_xref), &out) == -1 && out.len == 4, "startxref pointing elsewhere: refused");

    char *pdf = classic(0, 0);
    out.len = 0;
    CHECK(pdfpack_repack(pdf, strlen(pdf), &out) == 0, "a libharu-shaped file is packed");
    ws_buf_putc(&out, 0);
    out.len--;
    CHECK(!strncmp(out.data, "%PDF-1.5\n", 9), "as PDF 1.5");
    CHECK(strstr(out.data, "4 0 obj\n<<\n/Length 5 0 R\n>>\nstream\r\n0 0 m 1 1 l\r\nendstream") != NULL,
          "the stream object is copied byte for byte");
    CHECK(strstr(out.data, "6 0 obj\n<< /Type /ObjStm /N 4 ") != NULL, "the other four objects go into object 6");
    CHECK(strstr(out.data, "/Catalog") == NULL, "and appear nowhere else (compressed)");
    const char *x = strstr(out.data, "7 0 obj\n<< /Type /XRef /Size 8 /W [ 1 ");
    CHECK(x != NULL && strstr(x, "/Root 1 0 R") != NULL && strstr(x, "/Size 6") == NULL,
          "object 7 is the xref stream, with the trailer's /Root and a new /Size");
    const char *sx = memmem(out.data, out.len, "startxref\n", 10); /* after binary data: not strstr */
    CHECK(x && sx && (size_t)atol(sx + 10) == (size_t)(x - out.data), "startxref points at the xref stream");
    free(pdf);
    free(bad_gen);
    free(bad_xref);
    ws_buf_free(&out);
    return TAP_DONE();
}
