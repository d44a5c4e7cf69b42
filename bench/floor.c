/* floor — the benchmark's baseline: what one record costs with today's libraries and no layout.
 *
 * For each text file: subset the font to the code points the text uses (hb-subset), load the
 * subset into libharu, write the text in lines of 28 characters on A4 pages (22 lines a page),
 * save the PDF. No line breaking rules, no justification, no fallback fonts: the floor.
 *
 *   floor FONTFILE FACEINDEX OUTDIR TEXTFILE...
 * prints "records N ms_total T bytes_total B failed F" on stdout (F: records libharu refused). */
#define _GNU_SOURCE
#include <hb-subset.h>
#include <hb.h>
#include <hpdf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* libharu 2.3.0 rejects a few subsets hb-subset makes (HPDF_INVALID_OBJECT while loading or
 * saving them; about 1 record in 1 500 of the all-forms benchmark): the record is reported and
 * left out, and the batch goes on, so that one bad record does not end the floor's run. */
static int failed_now;

static void on_error(HPDF_STATUS e, HPDF_STATUS detail, void *ud)
{
    if (!failed_now) fprintf(stderr, "floor: %s: libharu error %04X/%u; record left out\n", (const char *)ud,
                             (unsigned)e, (unsigned)detail);
    failed_now = 1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
    buf[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* Decodes UTF-8 (input is trusted benchmark text); returns bytes consumed. */
static int next_cp(const unsigned char *s, uint32_t *cp)
{
    if (s[0] < 0x80) { *cp = s[0]; return 1; }
    if ((s[0] & 0xE0) == 0xC0) { *cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3F); return 2; }
    if ((s[0] & 0xF0) == 0xE0) { *cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F); return 3; }
    *cp = ((s[0] & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) | ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F);
    return 4;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: floor FONTFILE FACEINDEX OUTDIR TEXTFILE...\n");
        return 2;
    }
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(argv[1]);
    if (!blob) { fprintf(stderr, "floor: cannot read %s\n", argv[1]); return 2; }
    hb_face_t *face = hb_face_create(blob, (unsigned)atoi(argv[2]));
    double total = 0;
    long bytes = 0;
    int records = 0, failed = 0;
    for (int a = 4; a < argc; a++) {
        size_t len;
        char *text = slurp(argv[a], &len);
        double t0 = now_ms();

        hb_subset_input_t *in = hb_subset_input_create_or_fail();
        hb_set_t *cps = hb_subset_input_unicode_set(in);
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            i += (size_t)next_cp((const unsigned char *)text + i, &cp);
            if (cp > 0x20 && cp <= 0xFFFF) hb_set_add(cps, cp);
        }
        hb_face_t *sub = hb_subset_or_fail(face, in);
        hb_subset_input_destroy(in);
        hb_blob_t *sb = hb_face_reference_blob(sub);
        unsigned slen;
        const char *sdata = hb_blob_get_data(sb, &slen);
        int fd = memfd_create("subset", MFD_CLOEXEC);
        if (fd < 0 || write(fd, sdata, slen) != (ssize_t)slen) { perror("memfd"); return 1; }
        char fdpath[64];
        snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", fd);

        failed_now = 0;
        HPDF_Doc pdf = HPDF_New(on_error, argv[a]);
        HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
        HPDF_UseUTFEncodings(pdf);
        HPDF_SetCurrentEncoder(pdf, "UTF-8");
        const char *name = HPDF_LoadTTFontFromFile(pdf, fdpath, HPDF_TRUE);
        HPDF_Font font = HPDF_GetFont(pdf, name, "UTF-8");
        HPDF_Page page = NULL;
        int line = 22;
        const unsigned char *p = (const unsigned char *)text;
        char buf[28 * 4 + 1];
        while (*p && !failed_now) {
            size_t n = 0;
            int chars = 0;
            while (*p && *p != '\n' && chars < 28) {
                uint32_t cp;
                int k = next_cp(p, &cp);
                memcpy(buf + n, p, (size_t)k);
                n += (size_t)k;
                p += k;
                chars++;
            }
            if (*p == '\n') p++;
            buf[n] = 0;
            if (!n) continue;
            if (line == 22) {
                page = HPDF_AddPage(pdf);
                HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
                line = 0;
            }
            HPDF_Page_BeginText(page);
            HPDF_Page_SetFontAndSize(page, font, 16);
            HPDF_Page_TextOut(page, 79.37f, 841.89f - 104.88f - 14 - line * 28.99f, buf);
            HPDF_Page_EndText(page);
            line++;
        }
        char out[4096];
        snprintf(out, sizeof out, "%s/%d.pdf", argv[3], records + failed);
        if (!failed_now) HPDF_SaveToFile(pdf, out);
        HPDF_Free(pdf);
        close(fd);
        hb_blob_destroy(sb);
        hb_face_destroy(sub);
        total += now_ms() - t0;
        struct stat st;
        if (failed_now) {
            unlink(out);
            failed++;
        } else {
            if (stat(out, &st) == 0) bytes += st.st_size;
            records++;
        }
        free(text);
    }
    printf("records %d ms_total %.3f bytes_total %ld failed %d\n", records, total, bytes, failed);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return 0;
}
