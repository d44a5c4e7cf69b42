/* sheets_zip — one member of an XLSX/ODS archive as a stream of XML nodes, bounded.
 *
 * The sizes in a ZIP's directory are the archive's own claims, so they are not trusted: bytes are
 * counted as they are inflated and a member stops at SHEETS_PART_MAX (a ZIP bomb costs at most
 * that much decompression, and nothing is kept but the current XML node). Member names are only
 * ever compared with the fixed names the formats use, never used as paths, so "../../etc/passwd"
 * in an archive is harmless. The bytes pass a scanner before libxml2 reads them: OOXML and ODF
 * parts never hold a document type declaration, so any "<!" followed by a letter (<!DOCTYPE,
 * <!ENTITY) is refused — as records loading refuses it — and libxml2 parses with no network and
 * no entity substitution. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "sheets/sheets_int.h"
#include "base/i18n.h"

struct sheets_zip {
    zip_t *za;
    const char *display;
};

/* The state of one member's stream, handed to libxml2's read callback. */
typedef struct {
    zip_file_t *f;
    size_t total;
    int bang;       /* 0 nothing, 1 after '<', 2 after "<!" */
    int refused;    /* 1 DOCTYPE/ENTITY, 2 too large, 3 inflate error */
    char error[200];
} part_stream;

/* libxml2 reports through this; the first message is kept for the user. */
static void xml_error(void *ctx, const xmlError *e)
{
    part_stream *ps = ctx;
    if (ps->error[0] || !e || !e->message) return;
    snprintf(ps->error, sizeof ps->error, _("line %d: %s"), e->line, e->message);
    size_t n = strlen(ps->error);
    while (n && (ps->error[n - 1] == '\n' || ps->error[n - 1] == ' ')) ps->error[--n] = 0;
}

static int part_read(void *ctx, char *buf, int len)
{
    part_stream *ps = ctx;
    if (ps->refused) return -1;
    zip_int64_t got = zip_fread(ps->f, buf, (zip_uint64_t)len);
    if (got < 0) {
        ps->refused = 3;
        return -1;
    }
    ps->total += (size_t)got;
    if (ps->total > SHEETS_PART_MAX) {
        ps->refused = 2;
        return -1;
    }
    for (zip_int64_t i = 0; i < got; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (ps->bang == 2 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) {
            ps->refused = 1;
            return -1;
        }
        ps->bang = c == '<' ? 1 : (ps->bang == 1 && c == '!') ? 2 : 0;
    }
    return (int)got;
}

static int part_close(void *ctx)
{
    (void)ctx; /* the stream is freed by sheets_zip_xml_done, which reads its state first */
    return 0;
}

sheets_zip *sheets_zip_open(const char *path, const char *display, diag *d, int *status)
{
    int zerr = 0;
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL}, _("cannot read the file: %m"));
        *status = EXIT_USAGE;
        return NULL;
    }
    fclose(probe);
    zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
    if (!za) {
        diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL}, _("not a valid ZIP archive; cannot be read as a workbook"));
        *status = EXIT_DATA;
        return NULL;
    }
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0 || n > SHEETS_ENTRIES_MAX) {
        diag_report(d, DIAG_ERROR, (diag_loc){display, 0, 0, NULL},
                    _("too many files in the archive (%lld, at most %d); not read"), (long long)n, SHEETS_ENTRIES_MAX);
        zip_discard(za);
        *status = EXIT_DATA;
        return NULL;
    }
    sheets_zip *z = ws_xcalloc(1, sizeof *z);
    z->za = za;
    z->display = display;
    *status = 0;
    return z;
}

void sheets_zip_close(sheets_zip *z)
{
    if (!z) return;
    zip_discard(z->za);
    free(z);
}

int sheets_zip_has(sheets_zip *z, const char *name) { return zip_name_locate(z->za, name, 0) >= 0; }

struct sheets_part {
    xmlTextReaderPtr reader;
    part_stream ps;
    const char *name;
};

sheets_part *sheets_part_open(sheets_zip *z, const char *name)
{
    zip_file_t *f = zip_fopen(z->za, name, 0);
    if (!f) return NULL;
    sheets_part *p = ws_xcalloc(1, sizeof *p);
    p->ps.f = f;
    p->name = name;
    p->reader = xmlReaderForIO(part_read, part_close, &p->ps, name, NULL,
                               XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
    if (!p->reader) {
        zip_fclose(f);
        free(p);
        return NULL;
    }
    xmlTextReaderSetStructuredErrorHandler(p->reader, (xmlStructuredErrorFunc)xml_error, &p->ps);
    return p;
}

xmlTextReaderPtr sheets_part_reader(sheets_part *p) { return p->reader; }

int sheets_part_close(sheets_part *p, sheets_zip *z, int read_status, diag *d)
{
    if (!p) return 0;
    int bad = 1;
    diag_loc at = {z->display, 0, 0, NULL};
    if (p->ps.refused == 1)
        diag_report(d, DIAG_ERROR, at, _("%s holds a document type declaration (DOCTYPE/ENTITY), which a workbook never has; not read"), p->name);
    else if (p->ps.refused == 2)
        diag_report(d, DIAG_ERROR, at, _("%s is over %u MiB uncompressed (perhaps a zip bomb); not read"), p->name, SHEETS_PART_MAX >> 20);
    else if (p->ps.refused == 3)
        diag_report(d, DIAG_ERROR, at, _("%s cannot be uncompressed: the archive is damaged"), p->name);
    else if (read_status < 0)
        diag_report(d, DIAG_ERROR, at, _("%s is not well-formed XML (%s)"), p->name, p->ps.error[0] ? p->ps.error : _("cannot be parsed"));
    else
        bad = 0;
    xmlFreeTextReader(p->reader);
    zip_fclose(p->ps.f);
    free(p);
    return bad;
}
