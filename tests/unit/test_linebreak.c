/* Unit tests: GB/T 15834 line-break opportunities and punctuation normalisation. */
#include <string.h>

#include "typeset/linebreak.h"
#include "tap.h"
#include "base/util.h"

static size_t decode(const char *s, uint32_t *out)
{
    size_t n = 0, i = 0, len = strlen(s);
    while (i < len) {
        int k = ws_utf8_decode(s + i, len - i, &out[n]);
        if (k < 0) break;
        i += (size_t)k;
        n++;
    }
    return n;
}

/* Marks the allowed breaks of s with '|', e.g. "中|文，|好", last-resort ones with '~'. */
static const char *show(const char *s)
{
    static char out[1024];
    uint32_t cps[256];
    char brks[256];
    size_t n = decode(s, cps), o = 0;
    linebreak_compute(cps, n, brks);
    for (size_t i = 0; i < n; i++) {
        o += ws_utf8_encode(cps[i], out + o);
        if (i + 1 < n && brks[i] == LB_LAST_RESORT) out[o++] = '~';
        else if (i + 1 < n && brks[i] != LB_NO) out[o++] = '|';
    }
    out[o] = 0;
    return out;
}

static const char *norm(const char *s)
{
    static char out[1024];
    uint32_t cps[256];
    size_t n = decode(s, cps), o = 0;
    linebreak_normalise_punctuation(cps, n);
    for (size_t i = 0; i < n; i++) o += ws_utf8_encode(cps[i], out + o);
    out[o] = 0;
    return out;
}

#define SHOWS(in, want) CHECK(!strcmp(show(in), want), "breaks %s -> %s (got %s)", in, want, show(in))
#define NORM(in, want) CHECK(!strcmp(norm(in), want), "normalise %s -> %s (got %s)", in, want, norm(in))

int main(void)
{
    SHOWS("中文，标点。顿号、", "中|文，|标|点。|顿|号、");
    SHOWS("冒号：问号？叹号！", "冒|号：|问|号？|叹|号！");
    SHOWS("（括号）《书名》“引号”", "（括|号）|《书|名》|“引|号”");
    SHOWS("省略……号", "省|略……|号");
    SHOWS("破折——号", "破|折——|号");
    SHOWS("迈克尔·杰克逊", "迈|克|尔·|杰|克|逊");
    SHOWS("甲／乙", "甲／乙");
    SHOWS("2005年增长50%约3.5万", "2005年|增|长|50%|约|3.5万");
    /* dates and numbers with their units are never split */
    SHOWS("于2005年5月31日前", "于|2005年~5月~31日|前");
    SHOWS("（2005年1月25日至", "（2005年~1月~25日|至");
    SHOWS("5月31日，2005年6月", "5月~31日，|2005年~6月");
    SHOWS("10时30分开会", "10时~30分|开|会");
    SHOWS("共30名党员12项", "共|30名|党|员|12项");
    SHOWS("第3批", "第3批");
    SHOWS("室温37℃，93.3％", "室|温|37℃，|93.3％");
    SHOWS("2005年上半年", "2005年|上|半|年");
    SHOWS("Hello world中文", "Hello |world|中|文");
    SHOWS("一～二", "一～|二");
    SHOWS("单—线", "单—|线");
    CHECK(linebreak_no_line_start(0x3002) && linebreak_no_line_start(0xFF0C) && linebreak_no_line_start(0x300D), "。，」 may not start a line");
    CHECK(linebreak_no_line_end(0xFF08) && linebreak_no_line_end(0x300A) && linebreak_no_line_end(0x201C), "（《“ may not end a line");
    CHECK(!linebreak_no_line_start(0x4E00) && !linebreak_no_line_end(0x4E00), "一 may start and end a line");
    CHECK(linebreak_punct_kind(0xFF0C) == PUNCT_CLOSE && linebreak_punct_kind(0xFF08) == PUNCT_OPEN &&
              linebreak_punct_kind(0x00B7) == PUNCT_MIDDLE && linebreak_punct_kind(0x4E00) == PUNCT_NONE,
          "punctuation kinds");

    /* Title breaks (ICU words + wenshu's lists): inside a word or a suffix never, after an
     * organisation suffix good, before 关于 best, inside 关于...的 poor, after its 的 good. */
    uint32_t t[64];
    unsigned char q[64];
    size_t tn = decode("支部委员会保持共产党员先进性教育活动的方案", t);
    linebreak_title_breaks(t, tn, q);
    CHECK(q[5] == 3 && q[4] == 0 && q[9] == 0 && q[2] == 0 && q[19] >= 2,
          "title breaks: 委员会|保持 good, 委员|会, 共产|党员 and 支部|委员会 never, 的| good (%d %d %d %d %d)", q[5], q[4],
          q[9], q[2], q[19]);
    tn = decode("临江市民政局党组关于开展评议工作的通知", t);
    linebreak_title_breaks(t, tn, q);
    CHECK(q[1] <= 1 && q[2] == 0 && q[8] == 4 && q[10] == 1 && q[17] == 3 && q[7] == 0,
          "title breaks: 临|江 poor, 江|市 never, 党组|关于 best, inside 关于...的 poor, 的|通知 good, 党|组 never "
          "(%d %d %d %d %d %d)", q[1], q[2], q[8], q[10], q[17], q[7]);

    NORM("1月25日,召开大会", "1月25日，召开大会");
    NORM("(一)学习动员阶段(*年1月25日至2月28日)。", "（一）学习动员阶段（*年1月25日至2月28日）。");
    NORM("培训。(1)1月25日", "培训。（1）1月25日");
    NORM("实践\"*\"重要思想", "实践“*”重要思想");
    NORM("要求:一是;二是", "要求：一是；二是");
    NORM("Hello, world (test): \"quoted\"", "Hello, world (test): \"quoted\"");
    NORM("增长3.5万,共1,000人", "增长3.5万，共1,000人");
    NORM("时间10:30开会", "时间10:30开会");
    return TAP_DONE();
}
