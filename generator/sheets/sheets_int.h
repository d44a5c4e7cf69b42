/* sheets_int — private to sheets/: the row stream every reader (XLSX, ODS, CSV) produces, the cell
 * normalisation shared by the importer, and the bounded ZIP + streaming XML access of the readers.
 *
 * A reader never builds a sheet in memory: it calls the sink once per non-empty row, in order,
 * with the row's non-empty cells. The importer keeps only what becomes records. */
#ifndef WENSHU_SHEETS_INT_H
#define WENSHU_SHEETS_INT_H

#include <stddef.h>

#include <libxml/xmlreader.h>

#include "base/diag.h"
#include "base/util.h"

/* Limits that keep hostile workbooks bounded in time and memory (docs/spreadsheets.md). */
#define SHEETS_PART_MAX (64u << 20)       /* uncompressed bytes read from one ZIP member */
#define SHEETS_ENTRIES_MAX 10000          /* members in one archive */
#define SHEETS_STRINGS_MAX 2000000        /* entries of sharedStrings.xml */
#define SHEETS_COLS_MAX 1024              /* columns looked at (later ones are ignored) */
#define SHEETS_ROWS_MAX 1048576           /* rows of one sheet (Excel's own limit) */
#define SHEETS_CELL_MAX (32u << 10)       /* bytes of one cell's text (Excel allows 32 767 chars) */

typedef enum { SHEETS_TEXT, SHEETS_NUMBER, SHEETS_BOOL, SHEETS_ERROR } sheets_kind;

/* One non-empty cell. text is always set (UTF-8, NUL-terminated): the string for TEXT, the
 * lexical number as stored for NUMBER ("38443", "1.2E+17"), "TRUE"/"FALSE", the error code.
 * date is set (YYYY-MM-DD) when the cell is a date for its format: an XLSX number with a date
 * style converted in the workbook's date system, an ODS office:date-value. date_bad says the
 * serial has no calendar day (Excel's 1900-02-29, negative, past 9999). */
typedef struct {
    unsigned col; /* 0-based */
    sheets_kind kind;
    char *text;
    char date[11];
    int date_bad;
    int too_long; /* the cell held more than SHEETS_CELL_MAX bytes: text is cut there, and the
                   * importer reports the cell instead of using it */
} sheets_cell;

typedef struct {
    long row; /* 1-based, as the spreadsheet numbers it */
    sheets_cell *cells;
    size_t n, cap;
} sheets_row;

/* Adds a cell. Readers gather at most SHEETS_CELL_MAX + 1 bytes of a cell's text, so that len
 * above SHEETS_CELL_MAX marks the cell too_long (never silently cut). */
void sheets_row_add(sheets_row *r, unsigned col, sheets_kind kind, const char *text, size_t len);
void sheets_row_clear(sheets_row *r); /* frees the cells' text, keeps the array */
void sheets_row_free(sheets_row *r);

/* What a reader feeds. begin returns 0 to read the sheet, nonzero to skip it. merge reports a
 * merged range (1-based rows, 0-based columns) before any row of the sheet when the format allows
 * (XLSX: read ahead; ODS: from the spanning cell). row returns nonzero to stop reading the sheet. */
typedef struct {
    void *ctx;
    int (*begin)(void *ctx, const char *sheet);
    void (*merge)(void *ctx, long r1, unsigned c1, long r2, unsigned c2);
    int (*row)(void *ctx, const sheets_row *r);
    void (*end)(void *ctx);
} sheets_sink;

/* Readers: 0 read, 1 refused as data (reported through d as FILE: error: …), 2 I/O failure.
 * display is the file name used in messages. */
int sheets_read_xlsx(const char *path, const char *display, const sheets_sink *s, diag *d);
int sheets_read_ods(const char *path, const char *display, const sheets_sink *s, diag *d);
int sheets_read_csv(const char *path, const char *display, const char *sheet, const char *encoding,
                    const sheets_sink *s, diag *d);

/* ---- bounded ZIP member + streaming XML (sheets_zip.c) */
typedef struct sheets_zip sheets_zip;
/* Opens the archive; NULL after reporting (status in *status: 1 data, 2 I/O). */
sheets_zip *sheets_zip_open(const char *path, const char *display, diag *d, int *status);
void sheets_zip_close(sheets_zip *z);
int sheets_zip_has(sheets_zip *z, const char *name);
/* A streaming reader over one member: at most SHEETS_PART_MAX bytes are inflated, any "<!"
 * followed by a letter (DOCTYPE, ENTITY) is refused before libxml2 sees it, no network, no entity
 * substitution. NULL when the member is absent. name must outlive the part. */
typedef struct sheets_part sheets_part;
sheets_part *sheets_part_open(sheets_zip *z, const char *name);
xmlTextReaderPtr sheets_part_reader(sheets_part *p);
/* After the last xmlTextReaderRead (its result in read_status: 0 end, -1 error): 0 when the part
 * was read cleanly, else 1 with the reason reported as "DISPLAY: error: MEMBER …". Frees p. */
int sheets_part_close(sheets_part *p, sheets_zip *z, int read_status, diag *d);

/* ---- values (sheets_value.c) */
/* "E7": 0-based column, 1-based row. */
void sheets_cell_name(unsigned col, long row, char out[16]);
/* Days since 1970-01-01 to YYYY-MM-DD; 0 on success. */
int sheets_civil(long days, char out[11]);
/* An Excel serial to YYYY-MM-DD in the 1900 (date1904 0) or 1904 system; -1 when it names no
 * day (serial 60 of the 1900 system is Excel's 1900-02-29; below 1; past 9999-12-31). */
int sheets_serial_date(double serial, int date1904, char out[11]);
/* Text as typed, tidied in place: CR LF and CR become LF; spaces at both ends (also U+3000 and
 * NBSP) go. Full-width punctuation stays: it is correct Chinese text. */
void sheets_trim(char *s);
/* For numbers, dates and ids only: full-width ASCII (０-９, Ａ-Ｚ, －, ．) and U+3000 become ASCII,
 * then sheets_trim. */
void sheets_halfwidth(char *s);
/* A date written as text: 2005-3-8, 2005/3/8, 2005.3.8, 2005年3月8日, 20050308, with a time part
 * after a space ignored. 0 and YYYY-MM-DD in out, -1 when no real date. */
int sheets_parse_date(const char *s, char out[11]);
/* "1.2E+17" or "38443" as the integer digits it stands for; -1 when it is not an integer. */
int sheets_integer_digits(const char *s, char *out, size_t outlen);


/* ---- the workbook layout (sheets_layout.c): docs/spreadsheets.md in tables */
typedef enum {
    SHEET_UNIT, SHEET_ORG, SHEET_COMMITTEE, SHEET_MEMBER, SHEET_STUDY, SHEET_OPINION, SHEET_ANALYSIS, SHEET_MEETING,
    SHEET_EVAL, SHEET_RECT, SHEET_SYSTEM, SHEET_PUBLICATION, SHEET_SURVEY, SHEET_REMEDY, SHEET_REPORT, SHEET_SECTION,
    SHEET_KINDS
} sheets_kind_of_sheet;
/* COL_TEXT may hold several lines (one element per line where the schema repeats it); COL_NAME
 * is one line of at most 100 characters; COL_COUNT a whole number 0 to 10 000 000. */
typedef enum { COL_TEXT, COL_NAME, COL_ID, COL_REF, COL_DATE, COL_HOURS, COL_ENUM, COL_BOOL, COL_COUNT } sheets_col_type;

typedef struct {
    const char *header;   /* the documented header */
    const char *synonyms; /* other accepted headers, '|'-separated, or NULL */
    sheets_col_type type;
    int required;
    const char *values;   /* COL_ENUM: "男|女", aliases as "正式党员=正式"; COL_ID/COL_REF: the
                           * letter that prefixes an id written with a leading digit ("M") */
} sheets_column;

typedef struct {
    const char *name;     /* the sheet's name: 党员 */
    const char *synonyms; /* 花名册|党员名册 */
    const sheets_column *columns;
    size_t ncolumns;
} sheets_layout;

extern const sheets_layout sheets_layouts[SHEET_KINDS];
/* The layout for a sheet name (trimmed, full-width folded), or -1. */
int sheets_layout_find(const char *sheet_name);
/* The column of layout l a header names, or -1. */
int sheets_layout_column(const sheets_layout *l, const char *header);

/* Column indexes, in the order of the tables in sheets_layout.c. */
enum { U_ID, U_NAME, U_SHORT, U_ADDRESS, U_KIND, U_BATCH, U_COLUMNS };
enum { O_ID, O_NAME, O_KIND, O_PARENT, O_UNIT, O_SECRETARY, O_SECRETARY_POST, O_SECRETARY_ID, O_MAILBOX, O_PHONE, O_ADDRESS, O_COLUMNS };
enum { M_ID, M_NAME, M_GENDER, M_ETHNICITY, M_BIRTH, M_JOINED, M_ORG, M_JOB, M_POST, M_STANDING, M_LEADER,
       M_HOURS, M_NOTES, M_SITUATION, M_SCOPE, M_WHERE, M_SITUATION_TEXT, M_COLUMNS };
enum { S_MEMBER, S_DATE, S_HOURS, S_FORM, S_TEXT, S_COLUMNS };
enum { P_MEMBER, P_ORG, P_CHANNEL, P_FROM, P_DATE, P_TEXT, P_COLUMNS };
enum { E_MEMBER, E_DATE, E_FED_BACK, E_STRENGTH, E_PROBLEM, E_DIRECTION, E_RETURNED, E_OPINION, E_COLUMNS };
enum { R_MEMBER, R_ORG, R_PLAN_DATE, R_FOCUS, R_CATEGORY, R_PROBLEM, R_GOAL, R_MEASURE, R_DEADLINE, R_LEADER,
       R_DEPARTMENT, R_RESPONSIBLE, R_STATUS, R_COMPLETED, R_EXPLANATION, R_COLUMNS };
enum { C_ORG, C_NAME, C_ROLE, C_POST, C_MEMBER, C_COLUMNS };
enum { A_MEMBER, A_DATE, A_REVISED, A_TITLE, A_PROBLEM, A_CAUSE, A_DIRECTION, A_TEXT, A_COLUMNS };
enum { Y_ORG, Y_NAME, Y_DATE, Y_COLUMNS };
enum { B_ORG, B_SUBJECT, B_DATE, B_CHANNEL, B_SCOPE, B_COLUMNS };
enum { V_ORG, V_ROUND, V_DATE, V_BY, V_RESPONDENTS, V_GROUP, V_GROUP_COUNT, V_QUESTION, V_SATISFIED, V_BASIC, V_UNSATISFIED,
       V_COLUMNS };
enum { G_ORG, G_KIND, G_DATE, G_TEXT, G_COLUMNS };
enum { K_ORG, K_ROUND, K_DATE, K_MEASURE, K_COLUMNS };
enum { T_ORG, T_DATE, T_MEMBERS, T_PARTICIPANTS, T_OPINIONS, T_PROBLEMS, T_COMPLETED, T_SYSTEMS, T_COLUMNS };
enum { X_ORG, X_TITLE, X_TEXT, X_COLUMNS };

/* The aspects a line of 党性分析's 存在问题 starts with ("学习：…"), as the schema's Aspect. */
#define SHEETS_ASPECTS "思想|政治|学习|工作|作风|纪律|廉洁|群众观点|其他"
/* Splits "学习：理论学习不够" into the aspect (copied into aspect) and the problem after the colon
 * (full-width or ASCII); NULL when the line does not start with one of SHEETS_ASPECTS. */
const char *sheets_aspect_split(const char *line, char aspect[32]);

/* ---- a string -> index hash table (sheets_map.c) for ids and names: the lookups of an import
 * stay linear in the rows (50 000 members). Keys are not copied: they must outlive the map. */
typedef struct {
    const char **keys;
    long *vals;
    size_t cap, n;
} sheets_map;
/* The value slot of key, inserted as -1 when absent. */
long *sheets_map_slot(sheets_map *m, const char *key);
/* The value of key, or -1. */
long sheets_map_get(const sheets_map *m, const char *key);
void sheets_map_free(sheets_map *m);

/* ---- the records read (sheets_import.c), written by sheets_emit.c */
typedef struct {
    char **v;          /* per column of the layout: the value as the schema wants it, or NULL */
    const char *where; /* "FILE:SHEET", shared by the rows of one sheet */
    const int *col;    /* per column of the layout: its 0-based column in the sheet, or -1 */
    long row;
    size_t target;     /* child rows: the member or organisation they belong to */
    int to_org;        /* child rows: 1 when target is an organisation */
    int resolved;      /* child rows: target and to_org are set */
} sheets_rec;

typedef struct {
    sheets_rec *r;
    size_t n, cap;
} sheets_list;

typedef struct {
    sheets_list list[SHEET_KINDS];
} sheets_model;

/* Writes the model as records XML into files (name -> bytes), grouped by unit. */
typedef struct {
    char *name;
    ws_buf xml;
} sheets_file;
size_t sheets_emit(const sheets_model *m, sheets_file **files);

#endif
