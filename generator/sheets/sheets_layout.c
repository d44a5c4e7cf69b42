/* sheets_layout — the workbook layout of docs/spreadsheets.md as tables: sheet names, column
 * headers with their accepted synonyms, types and enumerations. The two must say the same;
 * tests/sheets/test_import.sh imports a workbook with every documented header.
 *
 * Headers are matched by name, never by position: spaces anywhere (clerks write "姓  名"),
 * full-width letters and digits, a trailing "*" (required-column marks) and a trailing
 * "（必填）" do not matter. */
#include <string.h>

#include "sheets/sheets_int.h"

#define N(a) (sizeof a / sizeof *a)

static const sheets_column unit_columns[U_COLUMNS] = {
    [U_ID] = {"编号", "单位编号", COL_ID, 0, "U"},
    [U_NAME] = {"名称", "单位名称|单位", COL_NAME, 1, NULL},
    [U_SHORT] = {"简称", "单位简称", COL_NAME, 0, NULL},
    [U_ADDRESS] = {"地址", "单位地址", COL_NAME, 0, NULL},
    [U_KIND] = {"类型", "单位类型|单位性质",
                COL_ENUM, 1, "市直党政机关|人大机关|政协机关|法院机关|检察院机关|人民团体机关|事业单位|企业|外驻单位"},
    [U_BATCH] = {"批次", "参加批次", COL_ENUM, 1, "第一批|第二批|第三批"},
};

static const sheets_column org_columns[O_COLUMNS] = {
    [O_ID] = {"编号", "组织编号|党组织编号", COL_ID, 0, "O"},
    [O_NAME] = {"名称", "组织名称|党组织名称|党组织", COL_NAME, 1, NULL},
    [O_KIND] = {"类型", "组织类型|党组织类型", COL_ENUM, 1, "党委|党工委|党组|党总支|党支部"},
    [O_PARENT] = {"上级组织", "上级党组织", COL_REF, 0, "O"},
    [O_UNIT] = {"所属单位", "单位|单位编号", COL_REF, 1, "U"},
    [O_SECRETARY] = {"书记", "书记姓名", COL_NAME, 0, NULL},
    [O_SECRETARY_POST] = {"书记职务", NULL, COL_NAME, 0, NULL},
    [O_SECRETARY_ID] = {"书记编号", "书记党员编号", COL_ID, 0, "M"},
    [O_MAILBOX] = {"意见箱", "意见箱位置", COL_NAME, 0, NULL},
    [O_PHONE] = {"专线电话", "联系电话|电话", COL_NAME, 0, NULL},
    [O_ADDRESS] = {"地址", "联系地址|通信地址", COL_NAME, 0, NULL},
};

static const sheets_column member_columns[M_COLUMNS] = {
    [M_ID] = {"编号", "党员编号", COL_ID, 0, "M"},
    [M_NAME] = {"姓名", NULL, COL_NAME, 1, NULL},
    [M_GENDER] = {"性别", NULL, COL_ENUM, 1, "男|女"},
    [M_ETHNICITY] = {"民族", NULL, COL_NAME, 1, NULL},
    [M_BIRTH] = {"出生日期", "出生年月日|出生时间", COL_DATE, 1, NULL},
    [M_JOINED] = {"入党时间", "入党日期|入党年月日", COL_DATE, 1, NULL},
    [M_ORG] = {"所在党组织", "所在党支部|党支部|所在支部|组织编号", COL_REF, 1, "O"},
    [M_JOB] = {"工作单位", "工作单位及部门|单位及部门", COL_NAME, 1, NULL},
    [M_POST] = {"职务", "现任职务", COL_NAME, 0, NULL},
    [M_STANDING] = {"党员类别", "类别|党员身份", COL_ENUM, 1, "正式|预备|正式党员=正式|预备党员=预备"},
    [M_LEADER] = {"领导干部", "党员领导干部|是否领导干部", COL_BOOL, 0, NULL},
    [M_HOURS] = {"学时", "学习学时|总学时", COL_HOURS, 0, NULL},
    [M_NOTES] = {"学习笔记", "学习笔记和心得体会|心得体会", COL_TEXT, 0, NULL},
    [M_SITUATION] = {"特殊情况", NULL, COL_ENUM, 0, "流动党员|聘用|借用|年老体弱|解除劳动关系|现役军人|转出"},
    [M_SCOPE] = {"流动范围", NULL, COL_ENUM, 0, "市内|市外"},
    [M_WHERE] = {"参加活动的党组织", "流入地党组织|参加活动党组织", COL_NAME, 0, NULL},
    [M_SITUATION_TEXT] = {"情况说明", "特殊情况说明", COL_TEXT, 0, NULL},
};

static const sheets_column study_columns[S_COLUMNS] = {
    [S_MEMBER] = {"党员编号", "党员|姓名", COL_REF, 1, "M"},
    [S_DATE] = {"日期", "学习日期", COL_DATE, 1, NULL},
    [S_HOURS] = {"学时", NULL, COL_HOURS, 1, NULL},
    [S_FORM] = {"形式", "学习形式", COL_ENUM, 1, "集中学习|上党课|辅导报告|看录像|交流会|参观学习|自学|送教上门"},
    [S_TEXT] = {"内容", "学习内容", COL_TEXT, 1, NULL},
};

static const sheets_column opinion_columns[P_COLUMNS] = {
    [P_MEMBER] = {"党员编号", "党员|姓名", COL_REF, 0, "M"},
    [P_ORG] = {"组织编号", "党组织", COL_REF, 0, "O"},
    [P_CHANNEL] = {"形式", "征求形式|方式", COL_ENUM, 1, "座谈会|问卷|意见箱|专线电话|谈心|调查问卷=问卷|谈心活动=谈心"},
    [P_FROM] = {"提出人", "意见来源|来源", COL_NAME, 1, NULL},
    [P_DATE] = {"日期", "征求日期", COL_DATE, 0, NULL},
    [P_TEXT] = {"意见内容", "意见|内容", COL_TEXT, 1, NULL},
};

static const sheets_column eval_columns[E_COLUMNS] = {
    [E_MEMBER] = {"党员编号", "党员|姓名", COL_REF, 1, "M"},
    [E_DATE] = {"评议日期", NULL, COL_DATE, 1, NULL},
    [E_FED_BACK] = {"反馈日期", NULL, COL_DATE, 0, NULL},
    [E_STRENGTH] = {"肯定成绩", "主要优点", COL_TEXT, 1, NULL},
    [E_PROBLEM] = {"指出问题", "存在问题|主要问题", COL_TEXT, 1, NULL},
    [E_DIRECTION] = {"整改方向", "努力方向", COL_TEXT, 1, NULL},
    /* the 回执 register: the day the signed receipt came back and the member's opinion on it */
    [E_RETURNED] = {"回执日期", "回执收回日期|收回回执日期", COL_DATE, 0, NULL},
    [E_OPINION] = {"本人意见", "回执意见|党员本人意见", COL_TEXT, 0, NULL},
};

static const sheets_column meeting_columns[G_COLUMNS] = {
    [G_ORG] = {"组织编号", "党组织", COL_REF, 1, "O"},
    [G_KIND] = {"会议类型", "会议|会议名称", COL_ENUM, 1,
                "专题组织生活会|专题民主生活会|组织生活会=专题组织生活会|民主生活会=专题民主生活会"},
    [G_DATE] = {"会议日期", "日期|召开日期", COL_DATE, 1, NULL},
    [G_TEXT] = {"会议情况", "地点和主持人|说明", COL_TEXT, 0, NULL},
};

/* 补课 after a survey round: one measure a row (or several lines of one cell) */
static const sheets_column remedy_columns[K_COLUMNS] = {
    [K_ORG] = {"组织编号", "党组织", COL_REF, 1, "O"},
    [K_ROUND] = {"轮次", "测评轮次", COL_COUNT, 0, NULL},
    [K_DATE] = {"补课日期", "日期", COL_DATE, 1, NULL},
    [K_MEASURE] = {"补课措施", "措施", COL_TEXT, 1, NULL},
};

static const sheets_column rect_columns[R_COLUMNS] = {
    [R_MEMBER] = {"党员编号", "党员|姓名", COL_REF, 0, "M"},
    [R_ORG] = {"组织编号", "党组织", COL_REF, 0, "O"},
    [R_PLAN_DATE] = {"方案日期", "制定日期", COL_DATE, 1, NULL},
    [R_FOCUS] = {"整改重点", NULL, COL_TEXT, 0, NULL},
    [R_CATEGORY] = {"类别", "问题类别", COL_NAME, 0, NULL},
    [R_PROBLEM] = {"存在问题", "问题", COL_TEXT, 1, NULL},
    [R_GOAL] = {"整改目标", "目标", COL_TEXT, 0, NULL},
    [R_MEASURE] = {"整改措施", "措施", COL_TEXT, 0, NULL},
    [R_DEADLINE] = {"完成时限", "整改时限|时限", COL_DATE, 0, NULL},
    [R_LEADER] = {"责任领导", NULL, COL_NAME, 0, NULL},
    [R_DEPARTMENT] = {"责任部门", "责任科室", COL_NAME, 0, NULL},
    [R_RESPONSIBLE] = {"责任人", NULL, COL_NAME, 0, NULL},
    [R_STATUS] = {"状态", "整改状态|完成情况", COL_ENUM, 1, "已完成|正在整改|长期整改|暂不能解决"},
    [R_COMPLETED] = {"完成日期", NULL, COL_DATE, 0, NULL},
    [R_EXPLANATION] = {"情况说明", "向群众的说明|说明", COL_TEXT, 0, NULL},
};

static const sheets_column committee_columns[C_COLUMNS] = {
    [C_ORG] = {"组织编号", "党组织|所在党组织", COL_REF, 1, "O"},
    [C_NAME] = {"姓名", "委员姓名", COL_NAME, 1, NULL},
    [C_ROLE] = {"分工", "委员分工|职务分工", COL_NAME, 0, NULL},
    [C_POST] = {"职务", "现任职务", COL_NAME, 0, NULL},
    [C_MEMBER] = {"党员编号", NULL, COL_ID, 0, "M"},
};

static const sheets_column analysis_columns[A_COLUMNS] = {
    [A_MEMBER] = {"党员编号", "党员|姓名", COL_REF, 1, "M"},
    [A_DATE] = {"分析日期", "日期", COL_DATE, 1, NULL},
    [A_REVISED] = {"修改日期", NULL, COL_DATE, 0, NULL},
    [A_TITLE] = {"标题", NULL, COL_NAME, 0, NULL},
    [A_PROBLEM] = {"存在问题", "问题|主要问题", COL_TEXT, 1, NULL},
    [A_CAUSE] = {"原因", "产生问题的原因|问题原因", COL_TEXT, 1, NULL},
    [A_DIRECTION] = {"努力方向", "整改方向|今后努力方向", COL_TEXT, 1, NULL},
    [A_TEXT] = {"正文", "全文|材料正文", COL_TEXT, 0, NULL},
};

static const sheets_column system_columns[Y_COLUMNS] = {
    [Y_ORG] = {"组织编号", "党组织", COL_REF, 1, "O"},
    [Y_NAME] = {"制度名称", "制度|名称", COL_NAME, 1, NULL},
    [Y_DATE] = {"建立日期", "日期|施行日期", COL_DATE, 0, NULL},
};

static const sheets_column publication_columns[B_COLUMNS] = {
    [B_ORG] = {"组织编号", "党组织", COL_REF, 1, "O"},
    [B_SUBJECT] = {"公布事项", "事项|公布内容", COL_ENUM, 1, "评议情况|整改方案|整改情况|活动情况"},
    [B_DATE] = {"公布日期", "日期", COL_DATE, 1, NULL},
    [B_CHANNEL] = {"公布方式", "方式|形式", COL_ENUM, 1, "公示栏|职工大会|下发文件|简报|网站|会议"},
    [B_SCOPE] = {"公布范围", "范围", COL_TEXT, 1, NULL},
};

static const sheets_column survey_columns[V_COLUMNS] = {
    [V_ORG] = {"组织编号", "党组织", COL_REF, 1, "O"},
    [V_ROUND] = {"轮次", "测评轮次", COL_COUNT, 0, NULL},
    [V_DATE] = {"测评日期", NULL, COL_DATE, 1, NULL},
    [V_BY] = {"测评单位", "组织测评单位|组织者", COL_NAME, 1, NULL},
    [V_RESPONDENTS] = {"参加人数", "参加测评人数", COL_COUNT, 1, NULL},
    [V_GROUP] = {"人员类别", "参加人员类别", COL_NAME, 0, NULL},
    [V_GROUP_COUNT] = {"人数", "该类人数", COL_COUNT, 0, NULL},
    [V_QUESTION] = {"测评项目", "项目", COL_NAME, 0, NULL},
    [V_SATISFIED] = {"满意", NULL, COL_COUNT, 0, NULL},
    [V_BASIC] = {"基本满意", NULL, COL_COUNT, 0, NULL},
    [V_UNSATISFIED] = {"不满意", NULL, COL_COUNT, 0, NULL},
};

static const sheets_column report_columns[T_COLUMNS] = {
    [T_ORG] = {"组织编号", "党组织", COL_REF, 1, "O"},
    [T_DATE] = {"报告日期", "日期", COL_DATE, 1, NULL},
    [T_MEMBERS] = {"党员人数", NULL, COL_COUNT, 1, NULL},
    [T_PARTICIPANTS] = {"参学人数", "参加人数", COL_COUNT, 1, NULL},
    [T_OPINIONS] = {"征求意见数", "意见条数|征求意见条数", COL_COUNT, 1, NULL},
    [T_PROBLEMS] = {"归纳问题数", "问题个数", COL_COUNT, 1, NULL},
    [T_COMPLETED] = {"整改完成数", "完成整改数", COL_COUNT, 1, NULL},
    [T_SYSTEMS] = {"建立制度数", "制度数", COL_COUNT, 1, NULL},
};

static const sheets_column section_columns[X_COLUMNS] = {
    [X_ORG] = {"组织编号", "党组织", COL_REF, 1, "O"},
    [X_TITLE] = {"标题", "章节标题", COL_NAME, 1, NULL},
    [X_TEXT] = {"内容", "正文", COL_TEXT, 1, NULL},
};

/* In the order of the workbook wenshu export writes, which is also the order of the records. */
const sheets_layout sheets_layouts[SHEET_KINDS] = {
    [SHEET_UNIT] = {"单位", "单位表", unit_columns, N(unit_columns)},
    [SHEET_ORG] = {"组织", "党组织|组织表", org_columns, N(org_columns)},
    [SHEET_MEMBER] = {"党员", "花名册|党员名册|党员花名册", member_columns, N(member_columns)},
    [SHEET_STUDY] = {"学习", "学习情况|学习记录", study_columns, N(study_columns)},
    [SHEET_OPINION] = {"征求意见", "意见|征求意见情况", opinion_columns, N(opinion_columns)},
    [SHEET_MEETING] = {"会议", "专题会议|组织生活会", meeting_columns, N(meeting_columns)},
    [SHEET_EVAL] = {"评议", "评议意见|民主评议", eval_columns, N(eval_columns)},
    [SHEET_RECT] = {"整改", "整改措施|整改项目", rect_columns, N(rect_columns)},
    [SHEET_COMMITTEE] = {"委员", "组织委员|委员会委员|支部委员", committee_columns, N(committee_columns)},
    [SHEET_ANALYSIS] = {"党性分析", "党性分析材料|党性分析情况", analysis_columns, N(analysis_columns)},
    [SHEET_SYSTEM] = {"制度", "建立制度|制度建设", system_columns, N(system_columns)},
    [SHEET_PUBLICATION] = {"公布", "公布情况|公开情况", publication_columns, N(publication_columns)},
    [SHEET_SURVEY] = {"测评", "满意度测评|群众满意度测评", survey_columns, N(survey_columns)},
    [SHEET_REMEDY] = {"补课", "补课措施|补课情况", remedy_columns, N(remedy_columns)},
    [SHEET_REPORT] = {"报告", "专题报告|报告数字", report_columns, N(report_columns)},
    [SHEET_SECTION] = {"报告正文", "报告章节", section_columns, N(section_columns)},
};

const char *sheets_aspect_split(const char *line, char aspect[32])
{
    for (const char *p = SHEETS_ASPECTS; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (!strncmp(line, p, len)) {
            const char *rest = line + len;
            size_t colon = !strncmp(rest, "\xEF\xBC\x9A", 3) ? 3 : *rest == ':' ? 1 : 0; /* ： or : */
            if (colon) {
                memcpy(aspect, p, len);
                aspect[len] = 0;
                rest += colon;
                while (*rest == ' ') rest++;
                return rest;
            }
        }
        p = bar ? bar + 1 : p + len;
    }
    return NULL;
}

/* The header as compared: full-width folded, every space and newline removed, a trailing '*'
 * and "（必填）"/"(必填)" removed. */
static void header_key(const char *in, char *out, size_t outlen)
{
    char tmp[512];
    size_t n = strlen(in);
    if (n >= sizeof tmp) n = sizeof tmp - 1;
    memcpy(tmp, in, n);
    tmp[n] = 0;
    sheets_halfwidth(tmp);
    size_t o = 0;
    for (const char *p = tmp; *p && o + 1 < outlen; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n') out[o++] = *p;
    out[o] = 0;
    static const char required[] = "(\xE5\xBF\x85\xE5\xA1\xAB)"; /* (必填) after folding */
    if (o >= sizeof required - 1 && !strcmp(out + o - (sizeof required - 1), required)) o -= sizeof required - 1;
    while (o && out[o - 1] == '*') o--;
    out[o] = 0;
}

static int names_match(const char *key, const char *name, const char *synonyms)
{
    if (!strcmp(key, name)) return 1;
    for (const char *p = synonyms; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (strlen(key) == len && !strncmp(key, p, len)) return 1;
        p = bar ? bar + 1 : p + len;
    }
    return 0;
}

int sheets_layout_find(const char *sheet_name)
{
    char key[512];
    header_key(sheet_name, key, sizeof key);
    for (int i = 0; i < SHEET_KINDS; i++)
        if (names_match(key, sheets_layouts[i].name, sheets_layouts[i].synonyms)) return i;
    return -1;
}

int sheets_layout_column(const sheets_layout *l, const char *header)
{
    char key[512];
    header_key(header, key, sizeof key);
    if (!key[0]) return -1;
    for (size_t i = 0; i < l->ncolumns; i++)
        if (!strcmp(key, l->columns[i].header)) return (int)i;
    for (size_t i = 0; i < l->ncolumns; i++)
        if (names_match(key, "", l->columns[i].synonyms)) return (int)i;
    return -1;
}
