/* linebreak — UAX #14 (libunibreak, "zh") tailored to the GB-style level of CLREQ. */
#include "typeset/linebreak.h"

#include <stdlib.h>
#include <string.h>

#include "base/unicode.h"
#include "base/util.h"
#include "typeset/segment.h"

/* libunibreak's API, declared here because its header is also called linebreak.h and
 * -Igenerator would find this module's header first. (libunibreak: utf32_t = unsigned int.) */
void init_linebreak(void);
void set_linebreaks_utf32(const unsigned int *s, size_t len, const char *lang, char *brks);

static int contains(const uint32_t *set, size_t n, uint32_t cp)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == cp) return 1;
    return 0;
}

#define COUNT(a) (sizeof a / sizeof *a)

/* GB/T 15834 §5.1 and CLREQ GB-style: 点号, closing quotes and brackets, 连接号, 间隔号,
 * 分隔号; —— and …… (strict level, so that pdfcheck and readers see no line open with
 * them); ％ ‰ ℃ stay with their number; ASCII marks typed in Chinese text count too. */
static const uint32_t no_start[] = {
    0x3002, 0xFF0C, 0x3001, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F,         /* 。，、．：；！？ */
    0x201D, 0x2019, 0x300D, 0x300F, 0xFF09, 0x3015, 0x3011, 0x3017, 0xFF3D, /* ”’」』）〕】〗］ */
    0xFF5D, 0x300B, 0x3009, 0x3019, 0x301B,                                 /* ｝》〉〙〛 */
    0x002D, 0x2013, 0x2014, 0x2E3A, 0xFF5E, 0x301C,                         /* - – — ⸺ ～ 〜 */
    0x00B7, 0x30FB, 0x2027,                                                 /* · ・ ‧ */
    0x002F, 0xFF0F,                                                         /* / ／ */
    0x2026, 0x2025, 0x22EF,                                                 /* … ‥ ⋯ */
    0xFF05, 0x2030, 0x2103, 0x3005,                                         /* ％ ‰ ℃ 々 */
    ',', '.', ';', ':', '?', '!', ')', ']', '}', '%',
};
static const uint32_t no_end[] = {
    0x201C, 0x2018, 0x300C, 0x300E, 0xFF08, 0x3014, 0x3010, 0x3016, 0xFF3B, /* “‘「『（〔【〖［ */
    0xFF5B, 0x300A, 0x3008, 0x3018, 0x301A,                                 /* ｛《〈〘〚 */
    0x002F, 0xFF0F,                                                         /* 分隔号 */
    '(', '[', '{',
};
static const uint32_t opening[] = {
    0x201C, 0x2018, 0x300C, 0x300E, 0xFF08, 0x3014, 0x3010, 0x3016, 0xFF3B, 0xFF5B, 0x300A, 0x3008,
    0x3018, 0x301A,
};
static const uint32_t closing[] = {
    0x3002, 0xFF0C, 0x3001, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0x201D, 0x2019, 0x300D,
    0x300F, 0xFF09, 0x3015, 0x3011, 0x3017, 0xFF3D, 0xFF5D, 0x300B, 0x3009, 0x3019, 0x301B,
};

int linebreak_no_line_start(uint32_t cp) { return contains(no_start, COUNT(no_start), cp); }
int linebreak_no_line_end(uint32_t cp) { return contains(no_end, COUNT(no_end), cp); }

punct_kind linebreak_punct_kind(uint32_t cp)
{
    if (contains(closing, COUNT(closing), cp)) return PUNCT_CLOSE;
    if (contains(opening, COUNT(opening), cp)) return PUNCT_OPEN;
    if (cp == 0x00B7 || cp == 0x30FB) return PUNCT_MIDDLE;
    return PUNCT_NONE;
}

/* The letters of CJK scripts: Han (ws_is_han, the one table: base/unicode.c), kana but the
 * middle dot ・ (a mark), 々 (an iteration mark, written like the character it repeats) and
 * hangul syllables. */
int linebreak_is_ideograph(uint32_t cp)
{
    return ws_is_han(cp) || (cp >= 0x3040 && cp <= 0x30FF && cp != 0x30FB) || cp == 0x3005 ||
           (cp >= 0xAC00 && cp <= 0xD7AF);
}

/* One 字 wide: what UAX #11 calls East Asian Wide or Fullwidth, as far as Chinese text uses
 * it — the letters above, the rest of planes 2 and 3 (Wide even where unassigned), CJK
 * symbols and punctuation, full-width forms, radicals, strokes, enclosed CJK and vertical
 * forms — and the Ambiguous marks Chinese fonts set in a full cell, as GB/T 15834 writes
 * them: “ ” ‘ ’, the dash —, the ellipsis …, ⸺, and the boxes □ ☐. */
int linebreak_is_wide(uint32_t cp)
{
    return linebreak_is_ideograph(cp) || (cp >= 0x20000 && cp <= 0x3FFFD) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x2E80 && cp <= 0x2FDF) || (cp >= 0x31C0 && cp <= 0x33FF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019 ||
           cp == 0x2014 || cp == 0x2026 || cp == 0x2E3A || cp == 0x25A1 || cp == 0x2610;
}

int linebreak_is_latin_alnum(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) || (cp >= 0x370 && cp <= 0x4FF);
}

int linebreak_is_space(uint32_t cp) { return cp == ' ' || cp == '\t' || cp == 0xA0; }

static int is_digit(uint32_t c) { return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19); }

/* Characters that count or measure the number before them: a number is never parted from
 * its unit (2005年, 30%, 12项, 40个, 3.5万, 37℃). */
static const uint32_t units[] = {
    0x5E74, 0x6708, 0x65E5, 0x65F6, 0x5206, 0x79D2, 0x5468, 0x5929, 0x5C81, /* 年月日时分秒周天岁 */
    0x4E2A, 0x540D, 0x4EBA, 0x9879, 0x6B21, 0x4F4D, 0x6761, 0x4EFD, 0x7BC7, /* 个名人项次位条份篇 */
    0x4EF6, 0x6237, 0x5C4A, 0x6279, 0x53F7, 0x7AE0, 0x8282, 0x9875, 0x500D, /* 件户届批号章节页倍 */
    0x5143, 0x4E07, 0x4EBF, 0x5343, 0x767E, 0x5BB6, 0x6240, 0x6B3E,         /* 元万亿千百家所款 */
    0xFF05, 0x2030, 0x2103, '%',                                           /* ％‰℃% */
};

/* The end of the digit run starting at i (i itself when there is none); a decimal point
 * inside counts (3.5). */
static size_t digits_end(const uint32_t *c, size_t n, size_t i)
{
    while (i < n && (is_digit(c[i]) || (c[i] == '.' && i + 1 < n && is_digit(c[i + 1]) && i > 0 && is_digit(c[i - 1]))))
        i++;
    return i;
}

/* Dates and numbers with their units are one unit: 2005年5月31日, 5月31日, 2005年5月, 10时30分,
 * 93.3%, 第3批. A line broken inside one reads wrongly ("2005年5 / 月31日"); between the fields
 * of a date (after 年, 月, 时, 分) only as a last resort (linebreak.h). */
static void keep_numbers_whole(const uint32_t *c, size_t n, char *brks)
{
    for (size_t i = 0; i < n;) {
        if (!is_digit(c[i])) {
            /* 第 + number */
            if (c[i] == 0x7B2C && i + 1 < n && is_digit(c[i + 1]) && brks[i] != LB_MUST) brks[i] = LB_NO;
            i++;
            continue;
        }
        size_t e = digits_end(c, n, i);
        if (e < n && contains(units, COUNT(units), c[e])) {
            for (size_t k = i; k < e; k++)
                if (brks[k] != LB_MUST) brks[k] = LB_NO;
            /* 年 → 月, 月 → 日, 时 → 分, 分 → 秒: the next field of a date or time stays on. */
            uint32_t next_of = c[e] == 0x5E74 ? 0x6708 : c[e] == 0x6708 ? 0x65E5 : c[e] == 0x65F6 ? 0x5206
                             : c[e] == 0x5206 ? 0x79D2 : 0;
            size_t f = e + 1 < n ? digits_end(c, n, e + 1) : e + 1;
            if (next_of && f > e + 1 && f < n && c[f] == next_of && brks[e] != LB_MUST) brks[e] = LB_LAST_RESORT;
        }
        i = e > i ? e : i + 1;
    }
}

void linebreak_compute(const uint32_t *cps, size_t n, char *brks)
{
    static int ready;
    if (!ready) {
        init_linebreak();
        ready = 1;
    }
    if (!n) return;
    /* libunibreak takes U+FFFF for its end-of-string mark (EOS in linebreakdef.h) and aborts on
     * an assertion when the text holds one; U+FFFE is a noncharacter of the same class (XX). */
    const uint32_t *text = cps;
    uint32_t *copy = NULL;
    for (size_t i = 0; i < n; i++) {
        if (cps[i] != 0xFFFF) continue;
        if (!copy) {
            copy = ws_xmalloc(n * sizeof *copy);
            memcpy(copy, cps, n * sizeof *copy);
            text = copy;
        }
        copy[i] = 0xFFFE;
    }
    set_linebreaks_utf32((const unsigned int *)text, n, "zh", brks);
    free(copy);
    for (size_t i = 0; i + 1 < n; i++) {
        if (brks[i] == LB_MUST) continue;
        uint32_t a = cps[i], b = cps[i + 1];
        if (linebreak_no_line_end(a) || linebreak_no_line_start(b)) brks[i] = LB_NO;
        /* U+00B7 is ambiguous-width: libunibreak's "zh" makes it an ideograph that may
         * begin a line; and ～／ are ideographs to it. The sets above settle them. */
        /* A full-width space may be broken after, never before. */
        if (b == 0x3000) brks[i] = LB_NO;
    }
    keep_numbers_whole(cps, n, brks);
}

/* ---- normalisation of ASCII punctuation typed inside Chinese text ---- */

static int wide_at(const uint32_t *c, size_t n, long i)
{
    return i >= 0 && (size_t)i < n && linebreak_is_wide(c[i]);
}

static long prev_nonspace(const uint32_t *c, long i)
{
    for (i--; i >= 0 && linebreak_is_space(c[i]); i--) {}
    return i;
}

static long next_nonspace(const uint32_t *c, size_t n, long i)
{
    for (i++; (size_t)i < n && linebreak_is_space(c[i]); i++) {}
    return i;
}

static uint32_t fullwidth_of(uint32_t c)
{
    switch (c) {
    case ',': return 0xFF0C;
    case ';': return 0xFF1B;
    case ':': return 0xFF1A;
    case '?': return 0xFF1F;
    case '!': return 0xFF01;
    case '(': return 0xFF08;
    case ')': return 0xFF09;
    default: return c;
    }
}

void linebreak_normalise_punctuation(uint32_t *c, size_t n)
{
    size_t wide = 0, latin = 0;
    for (size_t i = 0; i < n; i++) {
        if (linebreak_is_ideograph(c[i])) wide++;
        else if ((c[i] | 0x20) >= 'a' && (c[i] | 0x20) <= 'z') latin++;
    }
    int chinese_text = wide > latin;

    /* Pairs first: ( ) and " ", decided together so both halves match. */
    long open_paren[64];
    int depth = 0;
    long open_quote = -1;
    for (size_t i = 0; i < n; i++) {
        if (c[i] == '(') {
            if (depth < 64) open_paren[depth++] = (long)i;
        } else if (c[i] == ')' && depth > 0) {
            long o = open_paren[--depth], e = (long)i;
            int inner_wide = 0;
            for (long k = o + 1; k < e; k++) inner_wide |= linebreak_is_wide(c[k]);
            int short_enumerator = e - o <= 4 && chinese_text;
            if (inner_wide || short_enumerator || wide_at(c, n, prev_nonspace(c, o)) ||
                wide_at(c, n, next_nonspace(c, n, e))) {
                c[o] = 0xFF08;
                c[e] = 0xFF09;
            }
        } else if (c[i] == '"') {
            if (open_quote < 0) {
                open_quote = (long)i;
            } else {
                long o = open_quote, e = (long)i;
                int inner_wide = 0;
                for (long k = o + 1; k < e; k++) inner_wide |= linebreak_is_wide(c[k]);
                if (inner_wide || wide_at(c, n, prev_nonspace(c, o)) || wide_at(c, n, next_nonspace(c, n, e))) {
                    c[o] = 0x201C;
                    c[e] = 0x201D;
                }
                open_quote = -1;
            }
        }
    }
    /* Single marks, and parentheses left unpaired. */
    for (size_t i = 0; i < n; i++) {
        uint32_t f = fullwidth_of(c[i]);
        if (f == c[i]) continue;
        long p = prev_nonspace(c, (long)i), q = next_nonspace(c, n, (long)i);
        int prev_wide = wide_at(c, n, p), next_wide = wide_at(c, n, q);
        int prev_alnum = p >= 0 && linebreak_is_latin_alnum(c[p]);
        int next_alnum = (size_t)q < n && linebreak_is_latin_alnum(c[q]);
        int yes;
        if (c[i] == '(') yes = next_wide || (prev_wide && !next_alnum);
        else if (c[i] == ')') yes = prev_wide || (next_wide && !prev_alnum);
        else yes = prev_wide || (next_wide && !prev_alnum) || (chinese_text && p < 0);
        if (c[i] == ':' && prev_alnum && next_alnum) yes = 0; /* 10:30 */
        if (c[i] == ',' && prev_alnum && next_alnum && !prev_wide) yes = 0; /* 1,000 */
        if (yes) c[i] = f;
    }
}

/* ---- word boundaries for titles ---- */

/* Words ICU's dictionary does not know as one, or splits where a title must not: the
 * organisation suffixes a 发文机关 or 署名 ends with, and the campaign's set phrases. Inside
 * one no break is allowed; before a suffix only a poor one (it would stand alone); after one
 * a good one (委员会 | 关于...). Longest first where one contains another. */
static const char *const title_suffixes[] = {
    "工作委员会", "纪律检查委员会", "联合支部委员会", "支部委员会", "总支部委员会", "委员会", "联合支部",
    "党支部", "党总支", "总支", "支部", "党委", "党组", "机关", "管理所", "管理处", "管理局", "管理站",
    "办公室", "领导小组", "工作组", "指导组", "督导组", "征稽处", "稽查局", "服务中心", "研究室", "人民政府",
    "人民法院", "人民检察院", "人民医院", "有限公司", "集团公司", "公司", "研究所", "研究院", "学院", "大学",
    "中学", "小学", "街道", "社区",
};
static const char *const title_words[] = {
    "共产党员", "先进性教育活动", "先进性教育", "先进性", "教育活动", "中共", "民主评议",
    "民主生活会", "整改提高", "整改措施", "整改方案", "分析评议", "学习动员", "群众满意度", "测评表", "实施意见",
    "实施方案", "反馈通知书", "通知书", "党性分析", "专题组织生活会", "组织生活会",
};
/* One-character administrative suffixes: ICU may give 临江 | 市; the 市 stays with 临江. */
static const uint32_t title_unit_suffix[] = {
    0x5E02, 0x53BF, 0x533A, 0x7701, 0x9547, 0x4E61, 0x5C40, 0x5904, 0x6240, 0x9662, /* 市县区省镇乡局处所院 */
    0x5385, 0x529E, 0x90E8, 0x5BA4, 0x7AD9, 0x961F, 0x79D1, 0x80A1, 0x6751, 0x573A, /* 厅办部室站队科股村场 */
};

static int is_mark_or_function(uint32_t c)
{
    static const uint32_t after[] = {0x7684 /* 的 */, 0x4E8E /* 于 */, 0x548C /* 和 */, 0x4E0E /* 与 */,
                                     0x53CA /* 及 */, 0x66A8 /* 暨 */, 0x3001, 0xFF0C, 0xFF1A, 0xFF1B,
                                     0x300B, 0xFF09, 0x201D};
    return contains(after, COUNT(after), c);
}

/* Marks each occurrence of the UTF-8 word w in cps: no break inside; a break before it is
 * lowered to `before`, an open break after it raised to `after` (0: leave the edge alone). */
static void mark_word(const uint32_t *cps, size_t n, unsigned char *q, const char *w, unsigned char before,
                      unsigned char after)
{
    uint32_t word[16], c0;
    size_t len = 0, sl = strlen(w);
    /* Most words do not occur: look for the first character before decoding the rest. */
    if (ws_utf8_decode(w, sl, &c0) < 0) return;
    size_t at = 0;
    while (at < n && cps[at] != c0) at++;
    if (at == n) return;
    for (size_t i = 0; i < sl && len < 16;) {
        int k = ws_utf8_decode(w + i, sl - i, &word[len]);
        if (k < 0) return;
        i += (size_t)k;
        len++;
    }
    for (size_t i = 0; i + len <= n; i++) {
        if (cps[i] != word[0] || memcmp(cps + i, word, len * sizeof *word)) continue;
        for (size_t b = i + 1; b < i + len; b++) q[b] = 0;
        /* Edges only ever close or lower a break before the word and raise one after it that
         * is open: a word inside a longer one already marked does not reopen its interior. */
        if (before && i > 0 && q[i] > before) q[i] = before;
        if (after && i + len < n && q[i + len] && q[i + len] < after) q[i + len] = after;
    }
}

void linebreak_title_breaks(const uint32_t *cps, size_t n, unsigned char *quality)
{
    if (n < 2) return;
    unsigned char *at = ws_xmalloc(n + 1);
    segment_words(cps, n, at);
    for (size_t b = 1; b < n; b++) quality[b] = at[b] ? 2 : 0;
    /* A name the dictionary does not know (临江, 规费) comes out one character a word: between
     * two such one-character words the boundary is only a poor break. */
    for (size_t b = 1, prev = 0; b < n; b++) {
        if (!at[b]) continue;
        size_t next = b + 1;
        while (next < n && !at[next]) next++;
        if (b - prev == 1 && next - b == 1 && linebreak_is_ideograph(cps[b - 1]) && linebreak_is_ideograph(cps[b]))
            quality[b] = 1;
        prev = b;
    }
    free(at);
    for (size_t b = 1; b < n; b++) {
        /* 临江 | 市: a one-character administrative suffix stays with the name before it. */
        if (contains(title_unit_suffix, COUNT(title_unit_suffix), cps[b]) && (b + 1 == n || quality[b + 1]) &&
            linebreak_is_ideograph(cps[b - 1]) && !is_mark_or_function(cps[b - 1]))
            quality[b] = 0;
    }
    for (size_t w = 0; w < COUNT(title_words); w++) mark_word(cps, n, quality, title_words[w], 0, 2);
    for (size_t w = 0; w < COUNT(title_suffixes); w++) mark_word(cps, n, quality, title_suffixes[w], 1, 3);
    for (size_t b = 1; b < n; b++)
        if (is_mark_or_function(cps[b - 1]) && quality[b] < 3 && !linebreak_no_line_start(cps[b])) quality[b] = 2;
    /* 暨 joins two 机关 of one 署名 or 发文机关: the line breaks after it. */
    for (size_t b = 1; b < n; b++)
        if (cps[b - 1] == 0x66A8 && !linebreak_no_line_start(cps[b])) quality[b] = 3;
    /* 关于 + 事由 ... 的 + 文种: the break before 关于 (发文机关 | 关于) is the best of all;
     * inside the 关于...的 phrase a word boundary is only a poor break; after its 的 a good one. */
    size_t about = n, last_de = 0;
    for (size_t b = 1; b + 1 < n; b++)
        if (cps[b] == 0x5173 && cps[b + 1] == 0x4E8E) {
            about = b;
            break;
        }
    if (about < n) {
        for (size_t b = about + 2; b < n; b++)
            if (cps[b] == 0x7684) last_de = b;
        quality[about] = 4;
        if (last_de) {
            for (size_t b = about + 1; b <= last_de; b++)
                if (quality[b] > 1) quality[b] = 1;
            if (last_de + 1 < n) quality[last_de + 1] = 3;
        }
    }
}
