/* sheets — records from spreadsheets: `wenshu import` reads workbooks in the layout of
 * docs/spreadsheets.md (XLSX, ODS, CSV in UTF-8 or GB18030) and writes records XML, one file per
 * unit, that `wenshu check` accepts.
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

#endif
