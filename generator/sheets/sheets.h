/* sheets — records from spreadsheets and back: `wenshu import` reads workbooks in the layout of
 * docs/spreadsheets.md (XLSX, ODS, CSV in UTF-8 or GB18030) and writes records XML, one file per
 * unit, that `wenshu check` accepts; `wenshu export` writes records as such a workbook (XLSX), so
 * that importing the export gives back the same records.
 *
 * Every cell problem is reported through diag as "FILE:SHEET!CELL: error: …" in Chinese with the
 * expected form. Nothing is written unless the whole import is clean of errors; then each file is
 * written atomically. The same workbook always gives the same bytes. */
#ifndef WENSHU_SHEETS_H
#define WENSHU_SHEETS_H

#include <stddef.h>

#include "base/diag.h"

typedef struct {
    const char *out_dir;   /* where the records files go (made when missing) */
    const char *encoding;  /* CSV encoding (iconv name) or NULL to detect UTF-8 / GB18030 */
    const char *campaign;  /* a records file whose <campaign> is copied to OUT/campaign.xml, or NULL */
} sheets_options;

/* Imports files[0..n). Returns an exit status: 0 written, 1 errors in the data (nothing written),
 * 2 usage or I/O failure (unreadable input, unwritable output). */
int sheets_import(char *const *files, size_t n, const sheets_options *opt, diag *d);

typedef struct {
    const char *out;    /* the .xlsx file to write (atomically) */
    const char *schema; /* schemas/campaign.xsd: the records are checked before they are exported */
    int blank;          /* no records: the empty workbook with its headers, lists and 说明 sheet */
} sheets_export_options;

/* Exports the records of files[0..n) (none with blank) as one workbook: a sheet per kind of row of
 * docs/spreadsheets.md, headers styled and frozen, dates as Excel dates, ids as text, drop-down
 * lists for enumerations and references. The same records give the same bytes (the document's
 * dates are SOURCE_DATE_EPOCH, else 2005-01-01). Returns 0 written, 1 errors in the records or
 * something a workbook cannot hold (nothing written), 2 usage or I/O failure. */
int sheets_export(char *const *files, size_t n, const sheets_export_options *opt, diag *d);

#endif
