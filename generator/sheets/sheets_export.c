/* sheets_export — records to a workbook in the layout of docs/spreadsheets.md, written with
 * libxlsxwriter: the inverse of sheets_import, so that importing an export gives the same records.
 *
 * Every value goes into the sheet in the form the importer reads back to the same text: dates as
 * Excel dates (a yyyy-mm-dd number format), hours and counts as numbers, ids and references as
 * text cells in a text-formatted ("@") column, several elements of one kind (肯定成绩, 原因, …) as
 * the lines of one cell. What a sheet cannot hold is said, never dropped silently: a cell over
 * SHEETS_CELL_MAX bytes is an error; a second special situation, a secretary's role or a line
 * break inside an element that the sheet splits by lines are warnings.
 *
 * The records are checked first (records_index_build: the XSD and the campaign rules); with errors
 * nothing is written. The workbook is written to a temporary file beside the output, then put in
 * place with ws_write_file_atomic, so a failure never leaves half a workbook. */
#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "records/records.h"
#include "sheets/sheets.h"
#include "sheets/sheets_int.h"
#include "base/i18n.h"

#define EXPORT_MAX_COLUMNS 32
/* Rows of the referenced sheets that a drop-down list of ids covers (at least). */
#define EXPORT_LIST_ROWS 1000

typedef struct {
    diag *d;
    lxw_workbook *wb;
    lxw_worksheet *ws[SHEET_KINDS];
    lxw_row_t rows[SHEET_KINDS]; /* the next row to write, 0-based (0 is the header) */
    lxw_format *header, *date, *text, *wrap;
    const char *file;           /* the records file being exported */
    long errors;
} exporter;

/* ------------------------------------------------------------------ reading the records */

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) return c;
    return NULL;
}

static xmlNodePtr next_named(xmlNodePtr c, const char *name)
{
    for (c = c ? c->next : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, name)) return c;
    return NULL;
}

#define EACH_CHILD(c, parent, name) for (xmlNodePtr c = child(parent, name); c; c = next_named(c, name))

/* An attribute as a malloc'd string, or NULL. */
static char *attr_of(xmlNodePtr n, const char *name)
{
    if (!n) return NULL;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    char *s = ws_xstrdup((const char *)v);
    xmlFree(v);
    return s;
}

/* An element's text, tidied as the importer tidies a cell (ends trimmed), or NULL. */
static char *text_of(xmlNodePtr n)
{
    if (!n) return NULL;
    xmlChar *v = xmlNodeGetContent(n);
    char *s = ws_xstrdup(v ? (const char *)v : "");
    xmlFree(v);
    sheets_trim(s);
    if (!s[0]) {
        free(s);
        return NULL;
    }
    return s;
}

static void warn_at(exporter *x, xmlNodePtr n, const char *record, const char *msg, const char *a)
{
    diag_report(x->d, DIAG_WARNING, (diag_loc){x->file, n ? n->line : 0, 0, record}, msg, a);
}

/* The texts of parent's children called name, one per line: what a multi-line cell holds. A text
 * with a line break of its own would come back as several elements: said as a warning. */
static char *lines_of(exporter *x, xmlNodePtr parent, const char *name, const char *record, const char *prefix_attr)
{
    ws_buf b = {0};
    int any = 0;
    EACH_CHILD(c, parent, name) {
        char *t = text_of(c);
        if (!t) continue;
        if (strchr(t, '\n')) {
            warn_at(x, c, record, _("the text of <%s> has line breaks: in the workbook each line is one entry, so importing it gives several"), name);
            for (char *p = t; *p; p++)
                if (*p == '\n') *p = ' ';
        }
        if (any++) ws_buf_putc(&b, '\n');
        if (prefix_attr) {
            char *a = attr_of(c, prefix_attr);
            ws_buf_printf(&b, "%s：", a ? a : "其他");
            free(a);
        }
        ws_buf_puts(&b, t);
        free(t);
    }
    if (!any) {
        ws_buf_free(&b);
        return NULL;
    }
    return ws_buf_steal(&b);
}

/* ------------------------------------------------------------------ writing rows */

static int parse_date(const char *s, lxw_datetime *dt)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return -1;
    *dt = (lxw_datetime){y, m, d, 0, 0, 0};
    return 0;
}

/* Writes v[0..ncolumns) as the next row of sheet k and frees the values. record and node say
 * where a value that cannot be written came from. */
static void put_row(exporter *x, int k, char **v, const char *record, xmlNodePtr node)
{
    const sheets_layout *l = &sheets_layouts[k];
    lxw_worksheet *ws = x->ws[k];
    lxw_row_t row = x->rows[k]++;
    for (size_t c = 0; c < l->ncolumns; c++) {
        const char *s = v[c];
        if (!s) continue;
        lxw_col_t col = (lxw_col_t)c;
        lxw_datetime dt;
        lxw_error rc = LXW_NO_ERROR;
        if (strlen(s) > SHEETS_CELL_MAX) {
            diag_report(x->d, DIAG_ERROR, (diag_loc){x->file, node ? node->line : 0, 0, record},
                        _("'%s' is over 32 KiB (about ten thousand Chinese characters), more than a spreadsheet cell holds; shorten it, then export again"), l->columns[c].header);
            x->errors++;
        } else if (l->columns[c].type == COL_DATE && !parse_date(s, &dt)) {
            rc = worksheet_write_datetime(ws, row, col, &dt, x->date);
        } else if (l->columns[c].type == COL_HOURS || l->columns[c].type == COL_COUNT) {
            rc = worksheet_write_number(ws, row, col, strtod(s, NULL), NULL);
        } else if (l->columns[c].type == COL_BOOL) {
            rc = worksheet_write_string(ws, row, col, !strcmp(s, "true") || !strcmp(s, "1") ? "是" : "否", NULL);
        } else if (l->columns[c].type == COL_ID || l->columns[c].type == COL_REF) {
            rc = worksheet_write_string(ws, row, col, s, x->text);
        } else {
            rc = worksheet_write_string(ws, row, col, s, l->columns[c].type == COL_TEXT ? x->wrap : NULL);
        }
        if (rc != LXW_NO_ERROR) {
            diag_report(x->d, DIAG_ERROR, (diag_loc){x->file, node ? node->line : 0, 0, record}, _("'%s' cannot be written into the workbook: %s"),
                        l->columns[c].header, lxw_strerror(rc));
            x->errors++;
        }
    }
    for (size_t c = 0; c < l->ncolumns; c++) free(v[c]);
}

/* ------------------------------------------------------------------ records to rows */

static void export_opinions(exporter *x, xmlNodePtr parent, const char *id, int org)
{
    EACH_CHILD(op, child(parent, "opinions"), "opinion") {
        char *v[EXPORT_MAX_COLUMNS] = {0};
        v[org ? P_ORG : P_MEMBER] = ws_xstrdup(id);
        v[P_CHANNEL] = attr_of(op, "channel");
        v[P_FROM] = attr_of(op, "from");
        v[P_DATE] = attr_of(op, "date");
        v[P_TEXT] = text_of(op);
        put_row(x, SHEET_OPINION, v, id, op);
    }
}

/* Rectification items, the first row of the plan carrying its focus points. */
static void export_items(exporter *x, xmlNodePtr plan, const char *id, int org)
{
    char *date = attr_of(plan, "date");
    char *focus = org ? lines_of(x, plan, "focus", id, NULL) : NULL;
    EACH_CHILD(it, plan, "item") {
        char *v[EXPORT_MAX_COLUMNS] = {0};
        v[org ? R_ORG : R_MEMBER] = ws_xstrdup(id);
        v[R_PLAN_DATE] = date ? ws_xstrdup(date) : NULL;
        v[R_FOCUS] = focus;
        focus = NULL;
        v[R_CATEGORY] = attr_of(it, "category");
        v[R_PROBLEM] = text_of(child(it, "problem"));
        v[R_GOAL] = text_of(child(it, "goal"));
        v[R_MEASURE] = text_of(child(it, "measure"));
        v[R_DEADLINE] = text_of(child(it, "deadline"));
        v[R_LEADER] = text_of(child(it, "leader"));
        v[R_DEPARTMENT] = text_of(child(it, "department"));
        v[R_RESPONSIBLE] = text_of(child(it, "responsible"));
        v[R_STATUS] = attr_of(it, "status");
        v[R_COMPLETED] = attr_of(it, "completed");
        v[R_EXPLANATION] = text_of(child(it, "explanation"));
        put_row(x, SHEET_RECT, v, id, it);
    }
    free(focus);
    free(date);
}

static void export_unit(exporter *x, xmlNodePtr u)
{
    char *v[EXPORT_MAX_COLUMNS] = {0};
    v[U_ID] = attr_of(u, "id");
    v[U_NAME] = text_of(child(u, "name"));
    v[U_SHORT] = text_of(child(u, "short-name"));
    v[U_ADDRESS] = text_of(child(u, "address"));
    v[U_KIND] = attr_of(u, "kind");
    v[U_BATCH] = attr_of(u, "batch");
    char *id = ws_xstrdup(v[U_ID] ? v[U_ID] : "");
    put_row(x, SHEET_UNIT, v, id, u);
    free(id);
}

/* Survey round `round` (the survey elements in order: 1, 2, …) as rows: one per question, the
 * groups alongside, extra groups on rows of their own; then its 补课, one row per measure. */
static void export_survey(exporter *x, xmlNodePtr sv, const char *id, int round)
{
    xmlNodePtr g = child(sv, "group"), q = child(sv, "question");
    char number[16];
    snprintf(number, sizeof number, "%d", round);
    while (g || q) {
        char *v[EXPORT_MAX_COLUMNS] = {0};
        v[V_ORG] = ws_xstrdup(id);
        v[V_ROUND] = ws_xstrdup(number);
        v[V_DATE] = attr_of(sv, "date");
        v[V_BY] = attr_of(sv, "by");
        v[V_RESPONDENTS] = attr_of(sv, "respondents");
        if (g) {
            v[V_GROUP] = attr_of(g, "name");
            v[V_GROUP_COUNT] = attr_of(g, "count");
        }
        if (q) {
            v[V_QUESTION] = text_of(q);
            v[V_SATISFIED] = attr_of(q, "satisfied");
            v[V_BASIC] = attr_of(q, "basic");
            v[V_UNSATISFIED] = attr_of(q, "unsatisfied");
        }
        put_row(x, SHEET_SURVEY, v, id, q ? q : g);
        g = g ? next_named(g, "group") : NULL;
        q = q ? next_named(q, "question") : NULL;
    }
    xmlNodePtr remedy = child(sv, "remedy");
    EACH_CHILD(m, remedy, "measure") {
        char *v[EXPORT_MAX_COLUMNS] = {0};
        v[K_ORG] = ws_xstrdup(id);
        v[K_ROUND] = ws_xstrdup(number);
        v[K_DATE] = attr_of(remedy, "date");
        v[K_MEASURE] = text_of(m);
        if (v[K_MEASURE] && strchr(v[K_MEASURE], '\n')) {
            warn_at(x, m, id, _("the text of <%s> has line breaks: in the workbook each line is one entry, so importing it gives several"), "measure");
            for (char *p = v[K_MEASURE]; *p; p++)
                if (*p == '\n') *p = ' ';
        }
        put_row(x, SHEET_REMEDY, v, id, m);
    }
}

static void export_report(exporter *x, xmlNodePtr r, const char *id)
{
    if (!r) return;
    char *v[EXPORT_MAX_COLUMNS] = {0};
    static const char *const figures[] = {[T_DATE] = "date",         [T_MEMBERS] = "members",
                                          [T_PARTICIPANTS] = "participants", [T_OPINIONS] = "opinions",
                                          [T_PROBLEMS] = "problems",  [T_COMPLETED] = "completed",
                                          [T_SYSTEMS] = "systems"};
    v[T_ORG] = ws_xstrdup(id);
    for (int c = T_DATE; c < T_COLUMNS; c++) v[c] = attr_of(r, figures[c]);
    put_row(x, SHEET_REPORT, v, id, r);
    EACH_CHILD(s, r, "section") {
        char *w[EXPORT_MAX_COLUMNS] = {0};
        w[X_ORG] = ws_xstrdup(id);
        w[X_TITLE] = attr_of(s, "title");
        w[X_TEXT] = lines_of(x, s, "p", id, NULL);
        put_row(x, SHEET_SECTION, w, id, s);
    }
}

static void export_org(exporter *x, xmlNodePtr o)
{
    char *v[EXPORT_MAX_COLUMNS] = {0};
    char *id = attr_of(o, "id");
    if (!id) id = ws_xstrdup("");
    xmlNodePtr sec = child(o, "secretary"), contact = child(o, "contact");
    v[O_ID] = ws_xstrdup(id);
    v[O_NAME] = text_of(child(o, "name"));
    v[O_KIND] = attr_of(o, "kind");
    v[O_PARENT] = attr_of(o, "parent");
    v[O_UNIT] = attr_of(o, "unit");
    v[O_SECRETARY] = text_of(sec);
    v[O_SECRETARY_POST] = attr_of(sec, "post");
    v[O_SECRETARY_ID] = attr_of(sec, "member");
    v[O_MAILBOX] = text_of(child(contact, "mailbox"));
    v[O_PHONE] = text_of(child(contact, "phone"));
    v[O_ADDRESS] = text_of(child(contact, "address"));
    if (sec && xmlHasProp(sec, (const xmlChar *)"role"))
        warn_at(x, sec, id, _("the secretary's role has no column in the workbook; not exported%s"), "");
    put_row(x, SHEET_ORG, v, id, o);
    EACH_CHILD(c, o, "committee-member") {
        char *w[EXPORT_MAX_COLUMNS] = {0};
        w[C_ORG] = ws_xstrdup(id);
        w[C_NAME] = text_of(c);
        w[C_ROLE] = attr_of(c, "role");
        w[C_POST] = attr_of(c, "post");
        w[C_MEMBER] = attr_of(c, "member");
        put_row(x, SHEET_COMMITTEE, w, id, c);
    }
    export_opinions(x, o, id, 1);
    EACH_CHILD(g, o, "meeting") {
        char *w[EXPORT_MAX_COLUMNS] = {0};
        w[G_ORG] = ws_xstrdup(id);
        w[G_KIND] = attr_of(g, "kind");
        w[G_DATE] = attr_of(g, "date");
        w[G_TEXT] = text_of(g);
        put_row(x, SHEET_MEETING, w, id, g);
    }
    xmlNodePtr plan = child(o, "rectification-plan");
    if (plan) {
        export_items(x, plan, id, 1);
        EACH_CHILD(s, plan, "system") {
            char *w[EXPORT_MAX_COLUMNS] = {0};
            w[Y_ORG] = ws_xstrdup(id);
            w[Y_NAME] = text_of(s);
            w[Y_DATE] = attr_of(s, "date");
            put_row(x, SHEET_SYSTEM, w, id, s);
        }
    }
    EACH_CHILD(p, o, "publication") {
        char *w[EXPORT_MAX_COLUMNS] = {0};
        w[B_ORG] = ws_xstrdup(id);
        w[B_SUBJECT] = attr_of(p, "subject");
        w[B_DATE] = attr_of(p, "date");
        w[B_CHANNEL] = attr_of(p, "channel");
        w[B_SCOPE] = text_of(child(p, "scope"));
        put_row(x, SHEET_PUBLICATION, w, id, p);
    }
    int round = 0;
    EACH_CHILD(sv, o, "survey") export_survey(x, sv, id, ++round);
    export_report(x, child(o, "report"), id);
    free(id);
}

static void export_member(exporter *x, xmlNodePtr m)
{
    char *v[EXPORT_MAX_COLUMNS] = {0};
    char *id = attr_of(m, "id");
    if (!id) id = ws_xstrdup("");
    xmlNodePtr study = child(m, "study"), sit = child(m, "situation");
    v[M_ID] = ws_xstrdup(id);
    v[M_NAME] = text_of(child(m, "name"));
    v[M_GENDER] = attr_of(m, "gender");
    v[M_ETHNICITY] = attr_of(m, "ethnicity");
    v[M_BIRTH] = text_of(child(m, "birth"));
    v[M_JOINED] = text_of(child(m, "joined"));
    v[M_ORG] = attr_of(m, "org");
    v[M_JOB] = text_of(child(m, "job"));
    v[M_POST] = text_of(child(m, "post"));
    v[M_STANDING] = attr_of(m, "standing");
    v[M_LEADER] = attr_of(m, "leader");
    if (!v[M_LEADER]) v[M_LEADER] = ws_xstrdup("false");
    v[M_HOURS] = attr_of(study, "hours");
    v[M_NOTES] = text_of(child(study, "notes"));
    v[M_SITUATION] = attr_of(sit, "kind");
    v[M_SCOPE] = attr_of(sit, "scope");
    v[M_WHERE] = attr_of(sit, "where");
    v[M_SITUATION_TEXT] = text_of(sit);
    if (sit && next_named(sit, "situation"))
        warn_at(x, next_named(sit, "situation"), id, _("the members sheet has one special situation per member: the second and later ones are not exported%s"), "");
    put_row(x, SHEET_MEMBER, v, id, m);
    EACH_CHILD(s, study, "session") {
        char *w[EXPORT_MAX_COLUMNS] = {0};
        w[S_MEMBER] = ws_xstrdup(id);
        w[S_DATE] = attr_of(s, "date");
        w[S_HOURS] = attr_of(s, "hours");
        w[S_FORM] = attr_of(s, "form");
        w[S_TEXT] = text_of(s);
        put_row(x, SHEET_STUDY, w, id, s);
    }
    export_opinions(x, m, id, 0);
    xmlNodePtr an = child(m, "analysis");
    if (an) {
        char *w[EXPORT_MAX_COLUMNS] = {0};
        w[A_MEMBER] = ws_xstrdup(id);
        w[A_DATE] = attr_of(an, "date");
        w[A_REVISED] = attr_of(an, "revised");
        w[A_TITLE] = text_of(child(an, "title"));
        w[A_PROBLEM] = lines_of(x, an, "problem", id, "aspect");
        w[A_CAUSE] = lines_of(x, an, "cause", id, NULL);
        w[A_DIRECTION] = lines_of(x, an, "direction", id, NULL);
        w[A_TEXT] = lines_of(x, child(an, "text"), "p", id, NULL);
        put_row(x, SHEET_ANALYSIS, w, id, an);
    }
    xmlNodePtr ev = child(m, "evaluation");
    if (ev) {
        char *w[EXPORT_MAX_COLUMNS] = {0};
        w[E_MEMBER] = ws_xstrdup(id);
        w[E_DATE] = attr_of(ev, "date");
        w[E_FED_BACK] = attr_of(ev, "fed-back");
        w[E_STRENGTH] = lines_of(x, ev, "strength", id, NULL);
        w[E_PROBLEM] = lines_of(x, ev, "problem", id, NULL);
        w[E_DIRECTION] = lines_of(x, ev, "direction", id, NULL);
        xmlNodePtr receipt = child(ev, "receipt");
        w[E_RETURNED] = attr_of(receipt, "returned");
        w[E_OPINION] = text_of(receipt);
        put_row(x, SHEET_EVAL, w, id, ev);
    }
    xmlNodePtr rect = child(m, "rectification");
    if (rect) export_items(x, rect, id, 0);
    free(id);
}

/* ------------------------------------------------------------------ the workbook */

static const char *const export_notes[] = {
    "填表说明",
    "",
    "一、本工作簿用于填写保持共产党员先进性教育活动的记录。填好后，用以下命令转为记录文件，再生成各类表单：",
    "        wenshu import 本文件.xlsx -o 记录 --campaign campaign.xml",
    "        wenshu build 记录/*.xml -o 表单",
    "二、各表第一行是列名，请勿改动；列的先后可以调整，用不到的列可以删除。列名后带“*”的为必填列。",
    "三、日期列请填日期，如 2005-03-08；编号列（如党员编号 M01）按文字保存，不会变成科学计数法。",
    "四、带下拉列表的列（性别、党员类别、所在党组织等），请从列表中选择。所在党组织填“组织”表中的编号。",
    "五、一格内有多条的（如评议的“肯定成绩”、党性分析的“原因”），在同一格内按 Alt+Enter 分行，每行一条。",
    "六、党性分析的“存在问题”每行以问题的方面开头，如“学习：理论学习不够系统”；方面为思想、政治、学习、工作、作风、纪律、廉洁、群众观点、其他。",
    "七、整改表中，党员个人的整改项填“党员编号”，组织的整改方案填“组织编号”；同一方案各行的方案日期相同，整改重点可填在第一行。",
    "八、测评表每行填一个测评项目，同一行可另填一类参加人员及其人数；同一组织同一轮各行的测评日期、测评单位、参加人数相同。"
    "首次测评的轮次为 1，多数群众不满意、补课后重新测评的为 2，依此类推；补课措施填在“补课”表中，轮次与其前一轮测评相同。",
    "九、评议表的“回执日期”“本人意见”是回执登记：党员签署的回执收回后填写；本人意见属个人情况，只在支部内部使用。",
    "十、填写有误时，导入会指出文件、工作表和单元格（如“党员!E7”），并说明应如何填写；全部正确才生成记录文件。",
    "十一、详细说明见 wenshu 的文档 docs/spreadsheets.md。",
};

static void add_notes(exporter *x)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, "说明");
    lxw_format *title = workbook_add_format(x->wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    worksheet_set_column(ws, 0, 0, 120, NULL);
    for (size_t i = 0; i < sizeof export_notes / sizeof *export_notes; i++)
        worksheet_write_string(ws, (lxw_row_t)i, 0, export_notes[i], i ? NULL : title);
}

/* The header row, styled and frozen. The workbook is written in libxlsxwriter's constant-memory
 * mode, where each sheet's rows go out in order: the header before any record. */
static void start_sheet(exporter *x, int k)
{
    const sheets_layout *l = &sheets_layouts[k];
    lxw_worksheet *ws = x->ws[k];
    worksheet_set_row(ws, 0, 20, x->header);
    for (size_t c = 0; c < l->ncolumns; c++) {
        char head[128];
        snprintf(head, sizeof head, "%s%s", l->columns[c].header, l->columns[c].required ? "*" : "");
        worksheet_write_string(ws, 0, (lxw_col_t)c, head, x->header);
    }
    worksheet_freeze_panes(ws, 1, 0);
}

/* Column widths and formats and the drop-down lists. Called after the rows are written, so that
 * the lists of ids cover them. */
static void finish_sheet(exporter *x, int k)
{
    const sheets_layout *l = &sheets_layouts[k];
    lxw_worksheet *ws = x->ws[k];
    for (size_t c = 0; c < l->ncolumns; c++) {
        const sheets_column *col = &l->columns[c];
        double width = col->type == COL_TEXT ? 40 : col->type == COL_NAME ? 22 : col->type == COL_DATE ? 12 : 10;
        lxw_format *f = col->type == COL_DATE ? x->date : col->type == COL_ID || col->type == COL_REF ? x->text : NULL;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width, f);

        lxw_data_validation dv = {0};
        char *list[16] = {0}, formula[128];
        char values[512];
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.ignore_blank = LXW_VALIDATION_ON;
        dv.error_type = LXW_VALIDATION_ERROR_TYPE_STOP;
        if (col->type == COL_ENUM) {
            /* the documented values, not the aliases the importer also accepts */
            snprintf(values, sizeof values, "%s", col->values);
            size_t n = 0;
            for (char *p = strtok(values, "|"); p && n < 15; p = strtok(NULL, "|"))
                if (!strchr(p, '=')) list[n++] = p;
            dv.value_list = list;
        } else if (col->type == COL_BOOL) {
            list[0] = "是";
            list[1] = "否";
            dv.value_list = list;
        } else if (col->type == COL_REF) {
            /* the ids of the sheet referred to; a name or an id of another file is also allowed */
            int target = col->values[0] == 'O' ? SHEET_ORG : col->values[0] == 'U' ? SHEET_UNIT : SHEET_MEMBER;
            lxw_row_t last = x->rows[target] > EXPORT_LIST_ROWS ? x->rows[target] : EXPORT_LIST_ROWS;
            snprintf(formula, sizeof formula, "='%s'!$A$2:$A$%u", sheets_layouts[target].name, (unsigned)last + 1);
            dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
            dv.value_formula = formula;
            dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
            dv.error_title = "不在列表中";
            dv.error_message = "请从列表中选择编号；填写名称或本工作簿以外的编号也可以，导入时再核对。";
        } else {
            continue;
        }
        lxw_error rc = worksheet_data_validation_range(ws, 1, (lxw_col_t)c, LXW_ROW_MAX - 1, (lxw_col_t)c, &dv);
        if (rc != LXW_NO_ERROR) {
            diag_report(x->d, DIAG_ERROR, (diag_loc){NULL, 0, 0, NULL}, _("the drop-down list of %s!%s cannot be written: %s"), l->name, col->header,
                        lxw_strerror(rc));
            x->errors++;
        }
    }
}

static time_t export_time(void)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    char *end;
    if (e && *e) {
        errno = 0;
        long long v = strtoll(e, &end, 10);
        if (!*end && !errno && v >= 0) return (time_t)v;
    }
    return (time_t)1104537600; /* 2005-01-01T00:00:00Z */
}

/* The records of files[0..n) as rows. 0 when they check clean. */
static int export_records(exporter *x, char *const *files, size_t n, const char *schema)
{
    records_index *ix = records_index_build(schema, files, n, 1, x->d);
    records_stats st;
    records_index_stats(ix, &st);
    int status = !ix || st.io_failures ? EXIT_USAGE : diag_count(x->d, DIAG_ERROR) ? EXIT_DATA : 0;
    records_index_free(ix);
#if defined(__GLIBC__)
    /* the index's documents were built on a reading thread, in that thread's malloc arena: give
     * their pages back before the files are read again here (50 000 members in one 14 MB file:
     * the peak went from 378 MB to 244 MB; `wenshu check` of the same takes 222 MB) */
    malloc_trim(0);
#endif
    if (status) return status;
    int campaign = 0;
    for (size_t i = 0; i < n; i++) {
        x->file = files[i];
        xmlDocPtr doc = records_parse_file(files[i], x->d);
        if (!doc) return EXIT_USAGE;
        records_unqualify(doc);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        for (xmlNodePtr r = root ? root->children : NULL; r; r = r->next) {
            if (r->type != XML_ELEMENT_NODE) continue;
            const char *name = (const char *)r->name;
            if (!strcmp(name, "unit")) export_unit(x, r);
            else if (!strcmp(name, "organisation")) export_org(x, r);
            else if (!strcmp(name, "member")) export_member(x, r);
            else if (!strcmp(name, "campaign") && !campaign++)
                diag_report(x->d, DIAG_NOTE, (diag_loc){files[i], r->line, 0, NULL},
                            _("the campaign record is not written into the workbook: give it to import with --campaign %s"), files[i]);
        }
        xmlFreeDoc(doc);
    }
    x->file = NULL;
    return 0;
}

int sheets_export(char *const *files, size_t n, const sheets_export_options *opt, diag *d)
{
    exporter x = {0};
    x.d = d;
    ws_buf tmp = {0};
    ws_buf_printf(&tmp, "%s.tmp-%ld.xlsx", opt->out, (long)getpid());
    /* constant memory: rows are streamed to temporary files, so that 50 000 members do not hold
     * every cell in memory (strings are then written inline, which the importer reads too) */
    lxw_workbook_options wo = {.constant_memory = LXW_TRUE};
    x.wb = workbook_new_opt(tmp.data, &wo);
    if (!x.wb) {
        diag_report(d, DIAG_ERROR, (diag_loc){opt->out, 0, 0, NULL}, _("cannot create the workbook"));
        ws_buf_free(&tmp);
        return EXIT_USAGE;
    }
    lxw_doc_properties props = {.title = opt->blank ? "先进性教育活动记录（空白模板）" : "先进性教育活动记录",
                                .comments = "wenshu export；格式见 docs/spreadsheets.md",
                                .created = export_time()};
    workbook_set_properties(x.wb, &props);
    x.header = workbook_add_format(x.wb);
    format_set_bold(x.header);
    format_set_bg_color(x.header, 0xDDEBF7);
    format_set_border(x.header, LXW_BORDER_THIN);
    format_set_align(x.header, LXW_ALIGN_CENTER);
    format_set_align(x.header, LXW_ALIGN_VERTICAL_CENTER);
    x.date = workbook_add_format(x.wb);
    format_set_num_format(x.date, "yyyy-mm-dd");
    x.text = workbook_add_format(x.wb);
    format_set_num_format(x.text, "@");
    x.wrap = workbook_add_format(x.wb);
    format_set_text_wrap(x.wrap);
    format_set_align(x.wrap, LXW_ALIGN_VERTICAL_TOP);

    add_notes(&x);
    for (int k = 0; k < SHEET_KINDS; k++) {
        x.ws[k] = workbook_add_worksheet(x.wb, sheets_layouts[k].name);
        x.rows[k] = 1;
        start_sheet(&x, k);
    }
    worksheet_activate(x.ws[SHEET_MEMBER]);
    int status = opt->blank ? 0 : export_records(&x, files, n, opt->schema);
    for (int k = 0; k < SHEET_KINDS && status != EXIT_USAGE; k++) finish_sheet(&x, k);
    if (!status && x.errors) status = EXIT_DATA;
    lxw_error rc = workbook_close(x.wb);
    if (!status && rc != LXW_NO_ERROR) {
        diag_report(d, DIAG_ERROR, (diag_loc){opt->out, 0, 0, NULL}, _("cannot write the workbook: %s"), lxw_strerror(rc));
        status = EXIT_USAGE;
    }
    if (!status) {
        ws_buf data = {0};
        char err[512];
        if (ws_read_file(tmp.data, (size_t)1 << 31, &data, err, sizeof err) ||
            ws_write_file_atomic(opt->out, data.data, data.len, err, sizeof err)) {
            diag_report(d, DIAG_ERROR, (diag_loc){opt->out, 0, 0, NULL}, _("cannot write: %s"), err);
            status = EXIT_USAGE;
        }
        ws_buf_free(&data);
    }
    unlink(tmp.data);
    ws_buf_free(&tmp);
    return status;
}
