/* Templates: the w: functions, escaping (checked by parsing the merged Markdown with cmark-gfm),
 * every tag, whitespace control, partials, errors with positions, limits, file names, metadata. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <libxml/parser.h>

#include "template/mdescape.h"
#include "tap.h"
#include "template/template.h"
#include "template/template_int.h"
#include "template/xpathfn.h"

/* ---- helpers ---- */

static char *cn(long long n)
{
    static char buf[8][128];
    static int k;
    ws_buf b = {0};
    xpathfn_cn_numeral(n, &b);
    char *r = buf[k++ % 8];
    snprintf(r, 128, "%s", b.data);
    ws_buf_free(&b);
    return r;
}

static char *date(const char *s, int chinese)
{
    static char buf[128];
    ws_buf b = {0};
    if (xpathfn_date(s, chinese, &b) < 0)
        snprintf(buf, sizeof buf, "(invalid)");
    else
        snprintf(buf, sizeof buf, "%s", b.data);
    ws_buf_free(&b);
    return buf;
}

/* A compact dump of the Markdown AST: type(children), text as text:'…' with adjacent texts joined. */
static void dump_node(cmark_node *n, ws_buf *out)
{
    for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
        if (cmark_node_get_type(c) == CMARK_NODE_TEXT) {
            ws_buf_puts(out, "text:'");
            for (; c && cmark_node_get_type(c) == CMARK_NODE_TEXT; c = cmark_node_next(c))
                ws_buf_puts(out, cmark_node_get_literal(c));
            ws_buf_puts(out, "'");
            if (!c) break;
            ws_buf_putc(out, ',');
        }
        ws_buf_puts(out, cmark_node_get_type_string(c));
        if (cmark_node_get_type(c) == CMARK_NODE_CODE_BLOCK) ws_buf_printf(out, ":'%s'", cmark_node_get_literal(c));
        if (cmark_node_first_child(c)) {
            ws_buf_putc(out, '(');
            dump_node(c, out);
            ws_buf_putc(out, ')');
        }
        if (cmark_node_next(c)) ws_buf_putc(out, ',');
    }
}

static char *parse_dump(const char *md)
{
    cmark_parser *p = cmark_parser_new(CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_FOOTNOTES);
    const char *names[] = {"table", "strikethrough", "autolink", "tagfilter", "tasklist"};
    for (int i = 0; i < 5; i++) cmark_parser_attach_syntax_extension(p, cmark_find_syntax_extension(names[i]));
    cmark_parser_feed(p, md, strlen(md));
    cmark_node *doc = cmark_parser_finish(p);
    ws_buf b = {0};
    dump_node(doc, &b);
    cmark_node_free(doc);
    cmark_parser_free(p);
    return ws_buf_steal(&b);
}

/* A record <r> with one <v> holding value, plus whatever extra XML. */
static xmlDocPtr record_doc(const char *xml)
{
    return xmlReadMemory(xml, (int)strlen(xml), "test.xml", "UTF-8", XML_PARSE_NONET);
}

static xmlDocPtr value_doc(const char *value)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr r = xmlNewDocNode(doc, NULL, BAD_CAST "r", NULL);
    xmlDocSetRootElement(doc, r);
    xmlSetProp(r, BAD_CAST "id", BAD_CAST "R1");
    xmlNewTextChild(r, NULL, BAD_CAST "v", BAD_CAST value);
    return doc;
}

static char *front(const char *body)
{
    ws_buf b = {0};
    ws_buf_printf(&b, "---\nname: t\ntitle: 测试\nrecords: //r\n---\n%s", body);
    return ws_buf_steal(&b);
}

static char last_errors[4096];

/* Loads body (front matter added) and merges it with the root element of doc. */
static char *merge_with(const char *body, xmlDocPtr doc, const char *partials)
{
    char *text = front(body);
    diag *d = diag_new(NULL);
    template *t = template_load_string("t.md", text, strlen(text), partials, NULL, d);
    char *r = NULL;
    if (t) {
        ws_buf out = {0};
        if (template_merge(t, xmlDocGetRootElement(doc), &out, d) == 0)
            r = ws_buf_steal(&out);
        else
            ws_buf_free(&out);
        template_free(t);
    }
    last_errors[0] = 0;
    for (size_t i = 0; i < diag_nmessages(d); i++) {
        strncat(last_errors, diag_message(d, i), sizeof last_errors - strlen(last_errors) - 2);
        strcat(last_errors, "\n");
    }
    diag_free(d);
    free(text);
    return r;
}

static char *merge_xml(const char *body, const char *xml)
{
    xmlDocPtr doc = record_doc(xml);
    char *r = merge_with(body, doc, NULL);
    xmlFreeDoc(doc);
    return r;
}

/* The first diagnostic from loading body, or "" when it loads. */
static const char *load_error(const char *full_text)
{
    static char msg[2048];
    diag *d = diag_new(NULL);
    template *t = template_load_string("t.md", full_text, strlen(full_text), NULL, NULL, d);
    snprintf(msg, sizeof msg, "%s", diag_nmessages(d) ? diag_message(d, 0) : "");
    if (t && diag_nmessages(d)) snprintf(msg, sizeof msg, "loaded despite: %s", diag_message(d, 0));
    template_free(t);
    diag_free(d);
    return msg;
}

static const char *body_error(const char *body)
{
    char *text = front(body);
    const char *r = load_error(text);
    free(text);
    return r;
}

#define MERGES_TO(body, xml, want)                                                                         \
    do {                                                                                                   \
        char *got_ = merge_xml(body, xml);                                                                 \
        CHECK(got_ && !strcmp(got_, want), "%s → %s", body, got_ ? got_ : last_errors);                    \
        free(got_);                                                                                        \
    } while (0)

#define ERROR_IS(body, want)                                                                               \
    do {                                                                                                   \
        const char *e_ = body_error(body);                                                                 \
        CHECK(strstr(e_, want) != NULL, "error for %s: %s", body, e_);                                     \
    } while (0)

/* ---- tests ---- */

static void test_numerals_and_dates(void)
{
    CHECK(!strcmp(cn(0), "零") && !strcmp(cn(1), "一") && !strcmp(cn(10), "十") && !strcmp(cn(11), "十一"),
          "cn: 0 1 10 11 → 零 一 十 十一");
    CHECK(!strcmp(cn(20), "二十") && !strcmp(cn(21), "二十一") && !strcmp(cn(99), "九十九"), "cn: 20 21 99");
    CHECK(!strcmp(cn(100), "一百") && !strcmp(cn(101), "一百零一") && !strcmp(cn(110), "一百一十") &&
              !strcmp(cn(119), "一百一十九"),
          "cn: 100 101 110 119 → %s %s %s %s", cn(100), cn(101), cn(110), cn(119));
    CHECK(!strcmp(cn(1001), "一千零一") && !strcmp(cn(1010), "一千零一十") && !strcmp(cn(2005), "二千零五"),
          "cn: 1001 1010 2005 → %s %s %s", cn(1001), cn(1010), cn(2005));
    CHECK(!strcmp(cn(10000), "一万") && !strcmp(cn(10001), "一万零一") && !strcmp(cn(100010), "十万零一十") &&
              !strcmp(cn(120000), "十二万"),
          "cn: 10000 10001 100010 120000 → %s %s %s %s", cn(10000), cn(10001), cn(100010), cn(120000));
    CHECK(!strcmp(cn(123456789), "一亿二千三百四十五万六千七百八十九") && !strcmp(cn(100000000), "一亿") &&
              !strcmp(cn(100000001), "一亿零一"),
          "cn: 亿 → %s %s", cn(123456789), cn(100000001));
    CHECK(!strcmp(cn(-3), "负三"), "cn: negative");

    ws_buf b = {0};
    xpathfn_heading_number(3, 1, &b);
    xpathfn_heading_number(3, 2, &b);
    xpathfn_heading_number(3, 3, &b);
    xpathfn_heading_number(3, 4, &b);
    xpathfn_heading_number(12, 1, &b);
    CHECK(!strcmp(b.data, "三、（三）3.（3）十二、"), "heading numbers of the four levels: %s", b.data);
    ws_buf_free(&b);

    CHECK(!strcmp(date("2005-03-01", 0), "2005年3月1日"), "date without leading zeros: %s", date("2005-03-01", 0));
    CHECK(!strcmp(date("2005-12-31", 0), "2005年12月31日"), "date December");
    CHECK(!strcmp(date("2005-03", 0), "2005年3月"), "year-month value");
    CHECK(!strcmp(date("2005", 0), "2005年"), "year value");
    CHECK(!strcmp(date("2005-03-01+08:00", 0), "2005年3月1日"), "xs:date with a zone");
    CHECK(!strcmp(date("2005-03-01T09:30:00", 0), "2005年3月1日"), "xs:dateTime");
    CHECK(!strcmp(date("2005-03-01", 1), "二〇〇五年三月一日"), "date in Chinese numerals: %s", date("2005-03-01", 1));
    CHECK(!strcmp(date("2004-02-29", 0), "2004年2月29日") && !strcmp(date("2005-02-29", 0), "(invalid)"),
          "leap years");
    CHECK(!strcmp(date("2005-13-01", 0), "(invalid)") && !strcmp(date("2005-3-1", 0), "(invalid)") &&
              !strcmp(date("三月", 0), "(invalid)") && !strcmp(date("", 0), "(invalid)"),
          "malformed dates are refused");

    CHECK(xpathfn_count_chars("中文 ab，\u3000c\n") == 6, "chars counts non-space characters: %zu",
          xpathfn_count_chars("中文 ab，\u3000c\n"));
    CHECK(xpathfn_count_han("王𠀾同志，ab〇") == 5, "han counts ideographs (incl. non-BMP and 〇): %zu",
          xpathfn_count_han("王𠀾同志，ab〇"));
}

static const char *data_xml =
    "<r id='M01' org='O1'><name>张三</name><birth>1958-04-12</birth><score>6</score><total>7</total>"
    "<empty/><blank>  </blank>"
    "<op>一</op><op>二</op><op></op><op>三</op>"
    "<g n='a'><i>1</i><i>2</i></g><g n='b'/><g n='c'><i>3</i></g>"
    "<organisation id='O1' unit='U1'><name>第一支部</name></organisation>"
    "<unit id='U1'><name>民政局</name></unit>"
    "<campaign><name>先进性教育活动</name></campaign></r>";

static void test_functions_in_templates(void)
{
    MERGES_TO("{{ w:date(birth) }}", data_xml, "1958年4月12日");
    MERGES_TO("{{ w:date(birth, 'cn') }}", data_xml, "一九五八年四月十二日");
    MERGES_TO("{{ w:year-month(birth) }}", data_xml, "1958年4月");
    MERGES_TO("{{ w:date(name) }}", data_xml, "张三");
    MERGES_TO("{{ w:cn(count(op)) }}", data_xml, "四");
    MERGES_TO("{{ w:age(birth, '2005-04-11') }}/{{ w:age(birth, '2005-04-12') }}/[{{ w:age(name, '2005-01-01') }}]",
              data_xml, "46/47/[]");
    MERGES_TO("{{ w:heading-number(2) }}{{ w:heading-number(2, 2) }}", data_xml, "二、（二）");
    MERGES_TO("{{ w:chars('中文 ab') }}/{{ w:han('中文 ab') }}", data_xml, "4/2");
    MERGES_TO("{{ w:percent(score, total) }}", data_xml, "85.7%");
    MERGES_TO("{{ w:percent(score, total, 0) }}|{{ w:percent(1, 8, 2) }}", data_xml, "86%|12.50%");
    MERGES_TO("[{{ w:percent(1, 0) }}]", data_xml, "[]");
    MERGES_TO("{{ w:default(empty, '无') }}{{ w:default(blank, '无') }}{{ w:default(missing, '无') }}{{ w:default(name, '无') }}",
              data_xml, "无无无张三");
    MERGES_TO("{{ w:join(op) }}", data_xml, "一、二、三");
    MERGES_TO("{{ w:join(op, '；') }}", data_xml, "一；二；三");
    MERGES_TO("{{ w:join(nothing) }}", data_xml, "");
    /* w:join-cn: 、 between the items, the conjunction before the last; equal values once */
    MERGES_TO("{{ w:join-cn(op) }}|{{ w:join-cn(op, '及') }}|{{ w:join-cn(op[1]) }}|{{ w:join-cn(op[position() < 3]) }}",
              data_xml, "一、二和三|一、二及三|一|一和二");
    MERGES_TO("[{{ w:join-cn(nothing) }}]{{ w:join-cn(op | op) }}", data_xml, "[]一、二和三");
    /* w:percent without digits: no needless .0 (100%, 50%); with digits: fixed */
    MERGES_TO("{{ w:percent(2, 2) }}|{{ w:percent(1, 2) }}|{{ w:percent(1, 3) }}|{{ w:percent(2, 2, 1) }}|{{ w:percent(0, 5) }}",
              data_xml, "100%|50%|33.3%|100.0%|0%");
    MERGES_TO("{{ str:padding(3, '〇') }}{{ math:max(g/i) }}", data_xml, "〇〇〇3");
    MERGES_TO("{{ $organisation/name }}/{{ $unit/name }}/{{ $campaign/name }}/{{ $record/@id }}/{{ $form }}",
              data_xml, "第一支部/民政局/先进性教育活动/M01/t");
}

static void test_tags(void)
{
    MERGES_TO("{{#each op}}[{{ $position }}/{{ $count }}:{{ . }}]{{/each}}", data_xml,
              "[1/4:一][2/4:二][3/4:][4/4:三]");
    MERGES_TO("{{#each op}}{{ position() }}{{ last() }}{{/each}}", data_xml, "14243444");
    MERGES_TO("{{#each g}}{{ @n }}:{{#each i}}{{ $position }}{{ . }};{{else}}无{{/each}} {{/each}}", data_xml,
              "a:11;22; b:无 c:13; ");
    MERGES_TO("{{#each nothing}}x{{else}}空{{/each}}", data_xml, "空");
    MERGES_TO("{{#each nothing}}x{{/each}}.", data_xml, ".");
    MERGES_TO("{{#if score > 5}}高{{else}}低{{/if}}{{#if missing}}有{{else}}无{{/if}}{{#if name}}名{{/if}}", data_xml,
              "高无名");
    MERGES_TO("{{#if g}}{{#each g}}{{#if i}}{{ @n }}{{/if}}{{/each}}{{/if}}", data_xml, "ac");
    MERGES_TO("a{{! 注释 {{ 不求值 }}b", data_xml, "ab");
    MERGES_TO("{{{ name }}}{{{ '**粗**' }}}", data_xml, "张三**粗**");
    MERGES_TO("{{ '{{' }} x }}", data_xml, "{{ x }}");
    MERGES_TO("{{ concat('a}}', \"b}}\") }}", data_xml, "a}}b}}");
    /* whitespace control: block tags alone on their lines leave nothing behind */
    MERGES_TO("列表：\n\n{{#each op}}\n- {{ . }}\n{{/each}}\n\n完", data_xml, "列表：\n\n- 一\n- 二\n- \n- 三\n\n完");
    MERGES_TO("  {{#if name}}  \n有\n  {{else}}\n无\n  {{/if}}\n尾", data_xml, "有\n尾");
    MERGES_TO("{{! 多行\n注释 }}\n正文", data_xml, "正文");
    MERGES_TO("| 甲 | 乙 |\n|---|---|\n{{#each g}}{{#if i}}\n| {{ @n }} | {{ count(i) }} |\n{{/if}}{{/each}}\n",
              data_xml, "| 甲 | 乙 |\n|---|---|\n| a | 2 |\n| c | 1 |\n");
    MERGES_TO("前{{#if name}}\n中\n{{/if}}后", data_xml, "前\n中\n后"); /* not alone on its line: kept */
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_partials(void)
{
    char dir[] = "/tmp/wenshu-tpl-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    char path[300];
    snprintf(path, sizeof path, "%s/item.md", dir);
    write_file(path, "{{#each op}}\n- {{ . }}\n{{/each}}\n");
    snprintf(path, sizeof path, "%s/sig.md", dir);
    write_file(path, "{{ $organisation/name }}\n");
    snprintf(path, sizeof path, "%s/a.md", dir);
    write_file(path, "{{> b}}");
    snprintf(path, sizeof path, "%s/b.md", dir);
    write_file(path, "{{> a}}");
    snprintf(path, sizeof path, "%s/pos.md", dir);
    write_file(path, "{{ $position }}");
    snprintf(path, sizeof path, "%s/bad.md", dir);
    write_file(path, "x\n{{ w:nope() }}\n");

    xmlDocPtr doc = record_doc(data_xml);
    char *r = merge_with("- 意见：\n  {{> item}}\n落款：{{> sig}}", doc, dir);
    CHECK(r && !strcmp(r, "- 意见：\n  - 一\n  - 二\n  - \n  - 三\n落款：第一支部\n"), "partials, indented like the tag: %s",
          r ? r : last_errors);
    free(r);
    r = merge_with("{{> a}}", doc, dir);
    CHECK(!r && strstr(last_errors, "includes itself: a → b → a"), "partial recursion is found at load: %s", last_errors);
    free(r);
    r = merge_with("{{#each op}}{{> pos}}{{/each}}", doc, dir);
    CHECK(r && !strcmp(r, "1234"), "a partial inside a loop sees $position: %s", r ? r : last_errors);
    free(r);
    r = merge_with("\n{{> pos}}", doc, dir);
    CHECK(!r && strstr(last_errors, "t.md:6:1: error: record M01: undefined variable in {{> pos}}") == NULL &&
              strstr(last_errors, "/pos.md:1:1: error: record M01: undefined variable in {{ $position }}"),
          "an error while merging names the record and the partial's position: %s", last_errors);
    free(r);
    r = merge_with("{{> bad}}", doc, dir);
    CHECK(!r && strstr(last_errors, "/bad.md:2:4: error: unknown function w:nope()"),
          "errors inside partials carry the partial's file: %s", last_errors);
    free(r);
    r = merge_with("{{> missing}}", doc, dir);
    CHECK(!r && strstr(last_errors, "t.md:6:1: error: partial 'missing': cannot read"), "a missing partial: %s", last_errors);
    free(r);
    r = merge_with("{{> ../etc}}", doc, dir);
    CHECK(!r && strstr(last_errors, "partial's name is letters"), "partial names cannot leave the folder: %s", last_errors);
    free(r);
    xmlFreeDoc(doc);
    const char *names[] = {"item", "sig", "a", "b", "pos", "bad"};
    for (int i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "%s/%s.md", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* ---- escaping ---- */

static const char *const hostile[] = {
    "**张三**", "# 标题", "| a | b |", "1. x", "<script>alert(1)</script>", "[x](javascript:alert(1))",
    "- x", "+ x", "> 引用", "===", "---", "***", "___", "`code`", "~~删除~~", "&amp; &#42; &copy",
    "\\", "a\\", "![图](x.png)", "http://example.com/a", "see www.example.com", "[^1]", "<http://x.cn>",
    "2005. 年", "12) 项", "_a_", "[ ] 任务", "{{ name }}", "\\*not\\*", "a | b", "#标签#", "<!-- c -->",
    "*", "1.", "- [x] 完成", "```", "~~~", "=", "第一 # 二 #", "[链接]: http://x", "<div>", "&",
};

typedef struct {
    const char *name, *tpl, *want; /* want: printf format with %s for the value */
} context;

static const context contexts[] = {
    {"alone", "{{ v }}", "paragraph(text:'%s')"},
    {"inline", "前缀{{ v }}后缀", "paragraph(text:'前缀%s后缀')"},
    {"list item", "- {{ v }}", "list(item(paragraph(text:'%s')))"},
    {"ordered item", "1. {{ v }}", "list(item(paragraph(text:'%s')))"},
    {"quote", "> {{ v }}", "block_quote(paragraph(text:'%s'))"},
    {"heading", "## {{ v }}", "heading(text:'%s')"},
    {"strong", "**{{ v }}**", "paragraph(strong(text:'%s'))"},
    {"table cell", "| 列 | 二 |\n|---|---|\n| {{ v }} | x |", "table(table_header(table_cell(text:'列'),table_cell(text:'二')),table_row(table_cell(text:'%s'),table_cell(text:'x')))"},
    {"after paragraph", "段落\n{{ v }}", "paragraph(text:'段落',softbreak,text:'%s')"},
};

static int check_literal(const char *value, const context *c, int verbose)
{
    xmlDocPtr doc = value_doc(value);
    char *md = merge_with(c->tpl, doc, NULL);
    xmlFreeDoc(doc);
    if (!md) {
        if (verbose) CHECK(0, "%s: merge failed: %s", c->name, last_errors);
        return 0;
    }
    /* The value comes back trimmed, as text. */
    const char *v = value;
    size_t n = strlen(v);
    while (n && (*v == ' ' || *v == '\t')) v++, n--;
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
    char trimmed[256];
    snprintf(trimmed, sizeof trimmed, "%.*s", (int)n, v);
    char want[1024];
    if (!n) { /* a blank value leaves nothing to check */
        free(md);
        return 1;
    }
    snprintf(want, sizeof want, c->want, trimmed);
    char *got = parse_dump(md);
    int ok = !strcmp(got, want);
    if (verbose || !ok) CHECK(ok, "%s: %s stays literal (markdown %s) %s", c->name, value, md, ok ? "" : got);
    free(got);
    free(md);
    return ok;
}

static void test_escaping(void)
{
    for (size_t c = 0; c < sizeof contexts / sizeof *contexts; c++) {
        int failures = 0;
        for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
            const context *cx = &contexts[c];
            /* ATX headings drop a closing run of #; after a paragraph "===" and "---" are not
             * values but setext underlines only when unescaped, which is what we check. */
            failures += !check_literal(hostile[i], cx, 0);
        }
        CHECK(failures == 0, "%s: %zu hostile values print literally", contexts[c].name, sizeof hostile / sizeof *hostile);
    }
    /* Deterministic fuzz: random strings of Markdown punctuation, digits, letters, spaces, 中. */
    static const char *const alphabet[] = {"*", "_", "`", "[", "]", "(", ")", "<", ">", "!", "#", "|", "\\", "~",
                                           "&", "-", "+", "=", ".", ":", "/", "1", "a", "w", " ", "中", "@", "^",
                                           "\"", "'", ";", "{", "}", "$", "%"};
    unsigned long seed = 12345;
    int failures = 0, runs = 0;
    for (int iter = 0; iter < 1500; iter++) {
        char v[128] = "";
        int len = 1 + (int)((seed >> 16) % 14);
        for (int k = 0; k < len; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            strcat(v, alphabet[(seed >> 33) % (sizeof alphabet / sizeof *alphabet)]);
        }
        const context *cx = &contexts[iter % 9];
        runs++;
        if (!check_literal(v, cx, 0)) failures++, check_literal(v, cx, 1);
        if (failures > 5) break;
    }
    CHECK(failures == 0, "fuzz: %d random punctuation values in all contexts print literally", runs);

    /* Line breaks inside a value */
    struct {
        const char *tpl, *want;
    } ml[] = {
        {"{{ v }}", "paragraph(text:'第一段'),paragraph(text:'- 第二段'),paragraph(text:'第三段')"},
        {"意见：{{ v }}", "paragraph(text:'意见：第一段'),paragraph(text:'- 第二段'),paragraph(text:'第三段')"},
        {"- {{ v }}\n- 下一项", "list(item(paragraph(text:'第一段'),paragraph(text:'- 第二段'),paragraph(text:'第三段')),item(paragraph(text:'下一项')))"},
        {"> {{ v }}", "block_quote(paragraph(text:'第一段'),paragraph(text:'- 第二段'),paragraph(text:'第三段'))"},
        {"# {{ v }}", "heading(text:'第一段 - 第二段 第三段')"},
        {"| 列 |\n|---|\n| {{ v }} |", "table(table_header(table_cell(text:'列')),table_row(table_cell(text:'第一段 - 第二段 第三段')))"},
    };
    for (size_t i = 0; i < sizeof ml / sizeof *ml; i++) {
        xmlDocPtr doc = value_doc("\n   第一段\n\u3000\u3000- 第二段\n\n\n第三段   \n");
        char *md = merge_with(ml[i].tpl, doc, NULL);
        xmlFreeDoc(doc);
        char *got = md ? parse_dump(md) : NULL;
        CHECK(got && !strcmp(got, ml[i].want), "multi-line value in %s → %s", ml[i].tpl, got ? got : last_errors);
        free(got);
        free(md);
    }

    /* Fenced blocks: literal ones (signature) take values unescaped; a receipt holds Markdown. */
    struct {
        const char *value, *tpl, *want;
    } fences[] = {
        {"A&B *公司* [1]", "```signature\n{{ v }}\n日期\n```\n后文", "code_block:'A&B *公司* [1]\n日期\n',paragraph(text:'后文')"},
        {"```\n# 标题", "```signature\n{{ v }}\n```\n后文", "code_block:'｀`` # 标题\n',paragraph(text:'后文')"},
        {"~~~~", "~~~ lines 3\n   {{ v }}\n~~~\n后文", "code_block:'   ～~~~\n',paragraph(text:'后文')"},
        {"**张三**", "```receipt\n本人：{{ v }}\n```", "code_block:'本人：\\*\\*张三\\*\\*\n'"},
        {"**张三**", "````signature\n```\n{{ v }}\n````\n{{ v }}", "code_block:'```\n**张三**\n',paragraph(text:'**张三**')"},
        /* a ```keep holds Markdown; a ```signature fenced inside it is literal again, then Markdown */
        {"**张三**", "````keep\n本人：{{ v }}\n```signature\n{{ v }}\n```\n{{ v }}\n````\n{{ v }}",
         "code_block:'本人：\\*\\*张三\\*\\*\n```signature\n**张三**\n```\n\\*\\*张三\\*\\*\n',paragraph(text:'**张三**')"},
    };
    for (size_t i = 0; i < sizeof fences / sizeof *fences; i++) {
        xmlDocPtr doc = value_doc(fences[i].value);
        char *md = merge_with(fences[i].tpl, doc, NULL);
        xmlFreeDoc(doc);
        char *got = md ? parse_dump(md) : NULL;
        CHECK(got && !strcmp(got, fences[i].want), "fenced block: %s → %s", fences[i].tpl, got ? got : last_errors);
        free(got);
        free(md);
    }

    ws_buf b = {0};
    mdescape_plain(&b, "  a\n\tb\u3000 c  ", strlen("  a\n\tb\u3000 c  "));
    CHECK(!strcmp(b.data, "a b c"), "plain text collapses whitespace: '%s'", b.data);
    ws_buf_free(&b);
}

/* ---- errors found at load ---- */

static void test_errors(void)
{
    ERROR_IS("{{ w:dat(birth) }}", "t.md:6:4: error: unknown function w:dat() (the w: functions are");
    ERROR_IS("前缀 {{ foo:bar(1) }}", "t.md:6:7: error: unknown prefix 'foo:' in foo:bar()");
    ERROR_IS("{{ frobnicate(1) }}", "t.md:6:4: error: unknown function frobnicate() in {{ frobnicate(1) }}");
    ERROR_IS("{{ w:percent(1) }}", "t.md:6:13: error: w:percent() takes 2 to 3 arguments, not 1");
    ERROR_IS("{{ substring('abc') }}", "substring() takes 2 to 3 arguments, not 1");
    ERROR_IS("{{ w:cn(1, 2) }}", "w:cn() takes 1 argument, not 2");
    ERROR_IS("中文{{ $nope }}", "t.md:6:6: error: unknown variable '$nope'");
    ERROR_IS("{{ $position }}", "unknown variable '$position' (known: $record, $organisation, $unit, $campaign, $form; "
                                "$position and $count only inside {{#each}})");
    ERROR_IS("{{#each op}}{{ $count-1 }}{{/each}}", "'$count-1' (a '-' belongs to the name");
    ERROR_IS("{{#each op}}{{else}}{{ $position }}{{/each}}", "unknown variable '$position'");
    ERROR_IS("{{ string( }}", "t.md:6:10: error: '(' is never closed (missing ')') in {{ string( }}");
    ERROR_IS("{{ name) }}", "t.md:6:8: error: ')' without a matching '('");
    ERROR_IS("{{ 'abc }}", "t.md:6:1: error: unterminated string in '{{ … }}'");
    ERROR_IS("{{ name +  }}", "t.md:6:");
    ERROR_IS("{{ name +  }}", "invalid expression in {{ name +  }}");
    ERROR_IS("{{ count('x') }}", "t.md:6:4: error: wrong type of value");
    ERROR_IS("{{ name", "t.md:6:1: error: '{{' without '}}' on the same line");
    ERROR_IS("{{{ name }}", "'{{{' without '}}}' on the same line");
    ERROR_IS("{{ }}", "empty '{{ }}'");
    ERROR_IS("a\n{{#each op}}\nb", "t.md:7:1: error: {{#each}} is never closed (add {{/each}})");
    ERROR_IS("{{#if x}}{{/each}}", "t.md:6:10: error: {{/each}} closes the {{#if}} opened at line 6, column 1");
    ERROR_IS("{{/if}}", "{{/if}} without an open {{#if}}");
    ERROR_IS("{{else}}", "{{else}} outside {{#if}} or {{#each}}");
    ERROR_IS("{{#if x}}{{else}}{{else}}{{/if}}", "a second {{else}} in the {{#if}} opened at line 6");
    ERROR_IS("{{#unless x}}{{/unless}}", "unknown block '#unless'");
    ERROR_IS("{{#each}}{{/each}}", "'{{#each}}' needs an expression");
    ERROR_IS("{{#each count(op)}}{{/each}}", "t.md:6:9: error: this must select nodes (elements), but gives a number");
    ERROR_IS("{{! never closed", "comment '{{!' is never closed");
    ERROR_IS("{{> p}}", "partials are not available here");
    ERROR_IS("行一\n行二 {{ 中文( }}", "t.md:7:"); /* columns count characters: 行二 + space = col 4 */
    ERROR_IS("行一\n行二 {{ string( }}", "t.md:7:13: error: '(' is never closed");

    /* front matter */
    CHECK(strstr(load_error("正文"), "t.md:1:1: error: a template starts with its front matter"), "no front matter: %s",
          load_error("正文"));
    CHECK(strstr(load_error("---\nname: t\n"), "t.md:1:1: error: the front matter is never closed"), "unclosed front matter");
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //r\ncolour: red\n---\n"),
                 "t.md:5:1: error: unknown key 'colour' in the front matter (known: name, title, records, output, style, pdf, public)"),
          "unknown key: %s", load_error("---\nname: t\ntitle: x\nrecords: //r\ncolour: red\n---\n"));
    /* public: true — private text (situation, receipt) may be counted, tested and its attributes
     * printed, never printed itself (template_privacy.c) */
#define PUBLIC_FM "---\nname: t\ntitle: 通报\nrecords: //member\npublic: true\n---\n"
    CHECK(strstr(load_error(PUBLIC_FM "{{ situation }}\n"), "t.md:7:1: error: the form \"通报\" is posted or handed to the public"),
          "public: situation printed: %s", load_error(PUBLIC_FM "{{ situation }}\n"));
    CHECK(strstr(load_error(PUBLIC_FM "{{ normalize-space(situation[@kind='x']) }}\n"), "t.md:7:1: error:"), "public: a string function passes the text through");
    CHECK(strstr(load_error(PUBLIC_FM "{{ situation/text() }}\n"), "t.md:7:1: error:"), "public: text() of situation");
    CHECK(strstr(load_error(PUBLIC_FM "{{#each situation}}\n{{ string() }}\n{{/each}}\n"), "t.md:8:1: error:"), "public: string() inside #each situation");
    CHECK(strstr(load_error(PUBLIC_FM "{{#if x}}{{ $record/evaluation/receipt }}{{/if}}\n"), "prints the text of receipt"), "public: receipt inside #if");
    CHECK(strstr(load_error("---\nname: t\ntitle: 通报\nrecords: //member\npublic: true\noutput: \"{{ situation }}\"\n---\nx\n"), "t.md:6:10: error:"),
          "public: the file name may not carry it either: %s", load_error("---\nname: t\ntitle: 通报\nrecords: //member\npublic: true\noutput: \"{{ situation }}\"\n---\nx\n"));
    CHECK(!*load_error(PUBLIC_FM "{{ count(situation) }}{{ situation/@where }}{{ w:join(situation/@kind) }}{{#if situation = 'x'}}a{{/if}}"
                       "{{ name[../situation] }}{{#each situation}}{{ @kind }}{{ ../name }}{{/each}}{{ string-length(situation) }}\n"),
          "public: counting, testing, attributes and the parent are allowed: %s",
          load_error(PUBLIC_FM "{{ count(situation) }}{{ situation/@where }}{{ w:join(situation/@kind) }}{{#if situation = 'x'}}a{{/if}}"
                     "{{ name[../situation] }}{{#each situation}}{{ @kind }}{{ ../name }}{{/each}}{{ string-length(situation) }}\n"));
    CHECK(!*load_error("---\nname: t\ntitle: x\nrecords: //member\npublic: false\n---\n{{ situation }}\n"), "public: false prints anything");
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //member\npublic: ja\n---\n"), "t.md:5:9: error: public: is true"), "public: ja");
#undef PUBLIC_FM
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //r\npdf:\n  titel: a\n---\n"),
                 "t.md:6:3: error: unknown key 'titel' under pdf:"),
          "unknown pdf key");
    CHECK(strstr(load_error("---\nname: t\ntitle: x\n---\n"), "t.md:1:1: error: the front matter has no 'records:'"),
          "missing records");
    CHECK(strstr(load_error("---\nname: 反馈\ntitle: x\nrecords: //r\n---\n"), "t.md:2:7: error: name: is the form's id"),
          "non-ASCII name: %s", load_error("---\nname: 反馈\ntitle: x\nrecords: //r\n---\n"));
    CHECK(strstr(load_error("---\nname: t\nname: u\ntitle: x\nrecords: //r\n---\n"), "t.md:3:1: error: 'name' is given twice (first on line 2)"),
          "duplicate key");
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: count(//r)\n---\n"),
                 "t.md:4:10: error: this must select nodes (elements), but gives a number, in records: count(//r)"),
          "records must be nodes: %s", load_error("---\nname: t\ntitle: x\nrecords: count(//r)\n---\n"));
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //r[@id=$position]\n---\n"), "unknown variable '$position' (records: may use"),
          "records cannot use record variables");
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //r\noutput: \"{{ w:nope() }}-x\"\n---\n"),
                 "t.md:5:13: error: unknown function w:nope()"),
          "errors in a quoted value point into the file: %s",
          load_error("---\nname: t\ntitle: x\nrecords: //r\noutput: \"{{ w:nope() }}-x\"\n---\n"));
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //r\noutput: {{#if a}}x{{/if}}\n---\n"),
                 "only {{ expressions }} are allowed in front matter values"),
          "no blocks in front matter values");
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //r\n\tstyle: a\n---\n"), "t.md:5:1: error: indent with spaces"),
          "tabs");
    CHECK(strstr(load_error("---\nname: t\ntitle: [a, b]\nrecords: //r\n---\n"), "t.md:3:8: error: a value starting with '[' must be quoted"),
          "flow sequences are refused");
    CHECK(strstr(load_error("---\nname: t\ntitle: x\nrecords: //r\n---\n\xff"), "t.md:6:1: error: not valid UTF-8"),
          "invalid UTF-8");

    {
        const char *fm = "---\nname: t\ntitle: x   # 注释\nrecords: //r[@k='a #b'] # 注释\n---\n";
        diag *dd = diag_new(NULL);
        template *tt = template_load_string("t.md", fm, strlen(fm), NULL, NULL, dd);
        CHECK(tt && !strcmp(template_title(tt), "x") && !strcmp(template_records(tt), "//r[@k='a #b']"),
              "comments after values, but not inside XPath strings: %s", tt ? template_records(tt) : "");
        template_free(tt);
        diag_free(dd);
    }

    /* several errors in one run */
    diag *d = diag_new(NULL);
    const char *many = "---\nname: t\ntitle: x\nrecords: //r\n---\n{{ w:a() }}\n{{ w:b() }}\n{{#if x}}\n";
    template *t = template_load_string("t.md", many, strlen(many), NULL, NULL, d);
    CHECK(!t && diag_count(d, DIAG_ERROR) == 3, "every error of a template is reported in one run (%ld)",
          diag_count(d, DIAG_ERROR));
    template_free(t);
    diag_free(d);
}

/* ---- API: front matter, selection, file names, metadata, limits, line map ---- */

static void test_api(void)
{
    const char *text = "\xef\xbb\xbf---\n# 注释\nname: feedback\ntitle: 民主评议意见反馈表   # 表名\nrecords: //r[@kind='党支部']\n"
                       "output: '{{ $form }}-{{ @id }}-{{ name }}'\nstyle: form\npdf:\n  title: \"{{ name }}的\\\"反馈\\\"\"\n"
                       "  keywords: 先进性教育, 反馈\n  author: '{{ $organisation/name }}'\n---\n"
                       "正文{{ name }}\n{{#each i}}\n- {{ . }}\n{{/each}}\n{{! 注释 }}\n{{ name }}\n尾";
    diag *d = diag_new(NULL);
    template *t = template_load_string("f.md", text, strlen(text), NULL, NULL, d);
    CHECK(t != NULL, "loads a full front matter (BOM, comments, quotes): %s", diag_nmessages(d) ? diag_message(d, 0) : "");
    if (!t) {
        diag_free(d);
        return;
    }
    CHECK(!strcmp(template_name(t), "feedback") && !strcmp(template_title(t), "民主评议意见反馈表") &&
              !strcmp(template_records(t), "//r[@kind='党支部']") && !strcmp(template_style(t), "form"),
          "front matter fields");
    const char *xml = "<wenshu><r id='A/1' kind='党支部' org='O'><name> 王*五 /\n x </name><i>甲</i><i>乙</i></r>"
                      "<r id='B' kind='党委'/><r id='C' kind='党支部'><name>李</name></r>"
                      "<organisation id='O'><name>一支部 &amp; 二</name></organisation></wenshu>";
    xmlDocPtr doc = record_doc(xml);
    xmlNodePtr *recs;
    size_t n;
    int sel = template_select(t, doc, &recs, &n, d);
    CHECK(sel == 0 && n == 2, "records: selects 2 of 3 elements");
    if (n == 2) {
        ws_buf name = {0};
        int on = template_output_name(t, recs[0], &name, d);
        CHECK(on == 0 && !strcmp(name.data, "feedback-A_1-王_五 _ x"),
              "file name: unsafe characters replaced: %s", name.data);
        ws_buf_free(&name);
        template_pdfmeta m;
        int pm = template_pdf_meta(t, recs[0], &m, d);
        CHECK(pm == 0 && !strcmp(m.title, "王*五 / x的\"反馈\"") &&
                  !strcmp(m.keywords, "先进性教育, 反馈") && !strcmp(m.author, "一支部 & 二") && !strcmp(m.subject, ""),
              "pdf metadata as plain text: %s | %s | %s", m.title, m.keywords, m.author);
        template_pdfmeta_free(&m);

        ws_buf md = {0};
        long *lines;
        size_t nl;
        int ml = template_merge_lines(t, recs[0], &md, &lines, &nl, d);
        CHECK(ml == 0, "merge with a line map");
        static const long want_lines[] = {13, 13, 13, 15, 15, 18, 18, 18, 19};
        ws_buf got_lines = {0};
        for (size_t k = 0; k < nl; k++) ws_buf_printf(&got_lines, "%ld ", lines[k]);
        CHECK(nl == 9 && !memcmp(lines, want_lines, sizeof want_lines),
              "output lines map to template lines (a two-line value, a loop): %s", got_lines.data);
        ws_buf_free(&got_lines);
        free(lines);
        ws_buf_free(&md);
        free(recs);
    }
    /* default title and output */
    template_free(t);
    const char *plain = "---\nname: x\ntitle: 表\nrecords: //r\n---\n";
    t = template_load_string("x.md", plain, strlen(plain), NULL, NULL, d);
    if (t) {
        template_pdfmeta m;
        ws_buf name = {0};
        xmlNodePtr r = xmlDocGetRootElement(doc)->children;
        int pm = template_pdf_meta(t, r, &m, d), on = template_output_name(t, r, &name, d);
        CHECK(pm == 0 && !strcmp(m.title, "表") && on == 0 && !strcmp(name.data, "x-A_1") && !strcmp(template_style(t), "gbt9704"),
              "defaults: title = form title, output = $form-@id (%s), style gbt9704", name.data);
        template_pdfmeta_free(&m);
        ws_buf_free(&name);
        template_free(t);
    }
    xmlFreeDoc(doc);
    diag_free(d);

    /* which variables a template reads: expressions only, not its prose */
    d = diag_new(NULL);
    const char *reads = "---\nname: r\ntitle: 表\nrecords: //r\n---\n$members in prose\n{{#if $members}}{{ count($members) }}{{/if}}\n";
    const char *prose = "---\nname: p\ntitle: 表\nrecords: //r\n---\nThe $members of {{ $organisation/name }}\n";
    template *tr = template_load_string("r.md", reads, strlen(reads), NULL, NULL, d);
    template *tp = template_load_string("p.md", prose, strlen(prose), NULL, NULL, d);
    CHECK(tr && tp && template_reads_variable(tr, "members") && !template_reads_variable(tp, "members") &&
              template_reads_variable(tp, "organisation") && !template_reads_variable(tr, "organisation"),
          "template_reads_variable: $members in an expression counts, $members in prose does not");
    template_free(tr);
    template_free(tp);
    diag_free(d);

    /* limits: an error names the record and the tag */
    const char *big = "---\nname: t\ntitle: x\nrecords: //r\n---\n{{#each //i}}{{#each //i}}{{ . }}{{/each}}{{/each}}\n";
    d = diag_new(NULL);
    t = template_load_string("big.md", big, strlen(big), NULL, NULL, d);
    if (t) {
        t->max_output = 100;
        xmlDocPtr bd = record_doc("<r id='R9'><i>一二三四五六七八九十</i><i>b</i><i>c</i><i>d</i><i>e</i><i>f</i><i>g</i>"
                                  "<i>h</i><i>i</i><i>j</i><i>k</i><i>l</i></r>");
        ws_buf out = {0};
        int rc = template_merge(t, xmlDocGetRootElement(bd), &out, d);
        CHECK(rc < 0 && diag_nmessages(d) && strstr(diag_message(d, 0), "big.md:6:27: error: record R9: the merged document is larger than 100 bytes (a runaway loop?) in {{ . }}"),
              "the output bound stops a document: %s", diag_nmessages(d) ? diag_message(d, 0) : "");
        ws_buf_free(&out);
        xmlFreeDoc(bd);
        template_free(t);
    }
    diag_free(d);
}

/* Random templates made of tag fragments: loading never crashes, and fails only with a message. */
static void test_parser_fuzz(void)
{
    static const char *const bits[] = {"{{", "}}", "}}}", "{{{", "{{#each op}}", "{{/each}}", "{{#if name}}", "{{/if}}",
                                       "{{else}}", "{{!", "{{> x}}", "'", "\"", "\n", "  ", "|", "中文", "- ", "# ",
                                       "{{ name }}", "{{ $position }}", "(", ")", "[", "w:cn(", "---\n", "\\"};
    unsigned long seed = 777;
    int silent_failures = 0, loaded = 0;
    xmlDocPtr doc = record_doc(data_xml);
    for (int iter = 0; iter < 800; iter++) {
        ws_buf body = {0};
        int n = 1 + (int)(seed % 12);
        for (int k = 0; k < n; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            ws_buf_puts(&body, bits[(seed >> 33) % (sizeof bits / sizeof *bits)]);
        }
        char *text = front(body.data);
        diag *d = diag_new(NULL);
        template *t = template_load_string("f.md", text, strlen(text), NULL, NULL, d);
        if (t) {
            loaded++;
            ws_buf out = {0};
            template_merge(t, xmlDocGetRootElement(doc), &out, d);
            ws_buf_free(&out);
        } else if (!diag_count(d, DIAG_ERROR)) {
            silent_failures++;
        }
        template_free(t);
        diag_free(d);
        free(text);
        ws_buf_free(&body);
    }
    xmlFreeDoc(doc);
    CHECK(silent_failures == 0 && loaded > 0, "800 random templates: %d load, the others fail with a message", loaded);
}

int main(void)
{
    cmark_gfm_core_extensions_ensure_registered();
    test_numerals_and_dates();
    test_functions_in_templates();
    test_tags();
    test_partials();
    test_escaping();
    test_errors();
    test_api();
    test_parser_fuzz();
    xmlCleanupParser();
    return TAP_DONE();
}
