#!/usr/bin/env bash
# Form elements (docs/form-elements.md) measured from the PDF: 署名 and 成文日期 against
# GB/T 9704 §7.3.5, the page break, the dashed cut line of a receipt, boxes, blanks, ruled lines.
. "$(dirname "$0")/../lib/assert.sh"
FIX="$ROOT/tests/forms/fixtures"
TRACE="$ROOT/tests/forms/pdftrace.py"
# gbt9704: the block's left and right edges, one 字 (character pitch), the line pitch; ±1 pt
L=79.37; R=521.575; ZI=15.785; LINE=29.609

# measure PDF NAME=EXPR...: fills M[NAME] with each value, from one run of pdftrace.py
declare -A M
measure() {
    local pdf=$1 k v; shift
    M=()
    while IFS=$'\t' read -r k v; do M[$k]=$v; done < <(python3 "$TRACE" "$pdf" \
        "L=$L" "R=$R" "ZI=$ZI" "LINE=$LINE" "$@" 2>&1)
}
# near NAME WANT TOL: M[NAME] within TOL of WANT
near() { awk -v g="${M[$1]:-x}" -v w="$2" -v t="$3" 'BEGIN { exit !(g ~ /^-?[0-9.]+$/ && g - w <= t && w - g <= t) }'; }

run "$WENSHU" render "$FIX/forms.md" -o "$TMP/forms.pdf"
assert_status 0 "forms.md renders"
pdfcheck "$TMP/forms.pdf"
assert_eq "$(pyq 'r["breaks"]')" "[]" "forms: no line-breaking faults"
assert_eq "$(pyq 'r["bad_chars"]')" "[]" "forms: no U+25A1 glyph boxes (boxes are drawn with rules)"

# Distances are given in 字 (ZI) or grid lines (LINE), so the expectations read like the standard.
measure "$TMP/forms.pdf" \
    'pages=len(pages)' \
    'p2=find(2, "第二页：署名比日期短时，日期右空二字，署名随之左移。") is not None' \
    'o1=find(1, "中共临江市民政局机关第一支部委员会")' 'd1=find(1, "2005年4月18日")' 'b1=find(1, "回党支部。")' \
    'sig_right=round((521.575 - o1["x1"]) / 15.785, 3)' \
    'sig_date_in=round((d1["x0"] - o1["x0"]) / 15.785, 3)' \
    'sig_date_down=round((o1["y"] - d1["y"]) / 29.609, 3)' \
    'sig_org_down=round((b1["y"] - o1["y"]) / 29.609, 3)' \
    'o2=find(2, "党支部")' 'd2=find(2, "2005年4月18日")' \
    'ld_right=round((521.575 - d2["x1"]) / 15.785, 3)' \
    'ld_org_in=round((d2["x0"] - o2["x0"]) / 15.785, 3)' \
    'o3=find(3, "临江市民政局")' 'd3=find(3, "2005年4月18日")' 'b3=find(3, "为准居中。")' \
    'seal_right=round((521.575 - d3["x1"]) / 15.785, 3)' \
    'seal_centre=round((o3["x0"] + o3["x1"]) / 2 - (d3["x0"] + d3["x1"]) / 2, 2)' \
    'seal_org_down=round((b3["y"] - o3["y"]) / 29.609, 3)' \
    'boxes=[(round(r["x1"] - r["x0"], 1), round(r["y1"] - r["y0"], 1)) for r in rects(4)]' \
    'ticks=[sum(1 for s in page(4)["strokes"] if not s["closed"] and b["x0"] < s["pts"][0][0] < b["x1"] and b["y0"] < s["pts"][0][1] < b["y1"]) for b in rects(4)]' \
    'label_gap=round(find(4, "基本满意")["x0"] - rects(4)[1]["x1"], 2)' \
    'under=[h for h in hlines(4) if h["dash"] is None and h["x1"] - h["x0"] < 300]' \
    'w6=round((under[0]["x1"] - under[0]["x0"]) / 15.785, 3)' \
    'w10=round((under[1]["x1"] - under[1]["x0"]) / 15.785, 3)' \
    'blank_after=round(under[0]["x0"] - find(4, "姓名：")["x1"], 2)' \
    'under_drop=round(find(4, "姓名：")["y"] - under[0]["y"], 2)' \
    'ruled=[h for h in hlines(4) if h["dash"] is None and abs(h["x0"] - 79.37) < 0.1 and abs(h["x1"] - 521.575) < 0.1]' \
    'ruled_n=len(ruled)' \
    'ruled_pitch=sorted(set(round((a["y"] - b["y"]) / 29.609, 3) for a, b in zip(ruled, ruled[1:])))' \
    'cut=[h for h in hlines(4) if h["dash"]]' \
    'cut_shape=(len(cut), abs(cut[0]["x0"] - 79.37) < 0.1, abs(cut[1]["x1"] - 521.575) < 0.1, cut[0]["y"] == cut[1]["y"], cut[0]["w"])' \
    'lab=find(4, "（沿此线剪下）")' \
    'lab_centre=round((lab["x0"] + lab["x1"]) / 2 - (79.37 + 521.575) / 2, 2)' \
    'lab_in_gap=cut[0]["x1"] < lab["x0"] and lab["x1"] < cut[1]["x0"] and lab["y"] < cut[0]["y"] < lab["y"] + 12' \
    'title_below=find(4, "回　执")["y"] < cut[0]["y"]'

assert_eq "${M[pages]}" "4" "forms: three \`\`\`pagebreak blocks give four pages"
assert_eq "${M[p2]}" "True" "pagebreak: the next text starts page 2"

# --- signature without seal (§7.3.5.2) ---
assert "signature: 署名 右空二字 (${M[sig_right]} 字 from the block's right edge)" near sig_right 2 0.06
assert "signature: the date's first character 2 字 right of the 署名's (${M[sig_date_in]} 字)" near sig_date_in 2 0.06
assert "signature: the date on the next line (${M[sig_date_down]} lines)" near sig_date_down 1 0.02
assert "signature: 正文下空一行 (署名 ${M[sig_org_down]} lines below the text's last line)" near sig_org_down 2 0.02
# --- a date longer than the 署名 ---
assert "long date: the date 右空二字 (${M[ld_right]} 字)" near ld_right 2 0.06
assert "long date: the 署名 moves left, still 2 字 before the date (${M[ld_org_in]} 字)" near ld_org_in 2 0.06
# --- with seal (§7.3.5.1) ---
assert "seal: the date 右空四字 (${M[seal_right]} 字)" near seal_right 4 0.06
assert "seal: 署名 centred over the date (centres ${M[seal_centre]} pt apart)" near seal_centre 0 1
assert "seal: room for the seal — 署名 ${M[seal_org_down]} lines below the text" near seal_org_down 3 0.02

# --- boxes, blanks, ruled lines ---
assert_eq "${M[boxes]}" "[(12.8, 12.8), (12.8, 12.8), (12.8, 12.8)]" "box: three 0.8 em squares drawn with rules"
assert_eq "${M[ticks]}" "[0, 2, 0]" "box:x: only the second box holds a (two-stroke) tick"
assert "box: its label follows the box closely (${M[label_gap]} pt)" awk "BEGIN { exit !(${M[label_gap]:-99} > 0 && ${M[label_gap]:-99} < 6) }"
assert "blank:6 is 6 字 wide (${M[w6]})" near w6 6 0.03
assert "blank:10 is 10 字 wide (${M[w10]})" near w10 10 0.03
assert "blank: starts right after 姓名： (${M[blank_after]} pt)" near blank_after 0 0.5
assert "blank: the underline sits just below the baseline (${M[under_drop]} pt)" near under_drop 2.5 1.5
assert_eq "${M[ruled_n]}" "3" "lines 3: three rules across the measure"
assert_eq "${M[ruled_pitch]}" "[1.0]" "lines 3: one grid line apart"

# --- receipt ---
assert_eq "${M[cut_shape]}" "(2, True, True, True, 0.5)" "receipt: a dashed 0.5 pt cut line spans the block, in two halves on one level"
assert "receipt: 「（沿此线剪下）」 centred on the block (${M[lab_centre]} pt off)" near lab_centre 0 1
assert_eq "${M[lab_in_gap]}" "True" "receipt: the label sits in the gap, on the line"
assert_eq "${M[title_below]}" "True" "receipt: its contents come after the cut line"
assert_contains "$(pdftotext -enc UTF-8 "$TMP/forms.pdf" -)" "本人已收到党支部反馈的评议意见。" "receipt: its Markdown is typeset"

# --- a receipt that does not fit below the text starts a new page, whole ---
run "$WENSHU" render "$FIX/receipt_push.md" -o "$TMP/push.pdf"
assert_status 0 "receipt_push.md renders"
measure "$TMP/push.pdf" 'where=[(find(n, "（沿此线剪下）") is not None, find(n, "回　执") is not None, find(n, "签名：") is not None) for n in range(1, len(pages) + 1)]'
assert_eq "${M[where]}" "[(False, False, False), (True, True, True)]" "receipt: kept together on the next page"

# --- §7.3.5.5: no room for the blank line: it is closed up, the signature stays with the text ---
run "$WENSHU" render "$FIX/sign_tight.md" -o "$TMP/tight.pdf"
assert_status 0 "sign_tight.md renders"
measure "$TMP/tight.pdf" 'npages=len(pages)' 'o=find(1, "中共临江市民政局机关第一支部委员会")' 'd=find(1, "2005年4月18日")' \
    'text_last=min(g["y"] for g in page(1)["glyphs"] if g["c"] == "党")' \
    'org_down=round((text_last - o["y"]) / 29.609, 3)' 'date_down=round((o["y"] - d["y"]) / 29.609, 3)' \
    'right=round((521.575 - o["x1"]) / 15.785, 3)'
assert_eq "${M[npages]}" "1" "tight: the signature stays on the page of the text (no page without text)"
assert "tight: 署名 on the line right after the text (${M[org_down]} lines)" near org_down 1 0.02
assert "tight: the date on the grid line below (${M[date_down]} lines)" near date_down 1 0.02
assert "tight: 署名 still 右空二字 (${M[right]} 字)" near right 2 0.06
pdfcheck "$TMP/tight.pdf"
# The last line is the date, its digits in Liberation Serif, whose declared descent is deeper
# than the CJK em box's: pdfcheck measures its boxes (mutool's quads) 0.9 mm lower; the digits'
# ink has no descender and ends on the baseline, inside the block.
assert_eq "$(pyq 'r["margins_mm"]["bottom"] >= 34.9 - 1.0 and r["body"]["lines_per_page"] == [22]')" "True" \
    "tight: 22 lines, nothing below the block but Liberation Serif's declared descent ($(pyq 'r["margins_mm"]["bottom"]') mm)"

# --- boxes and blanks inside table cells (a survey form) ---
printf '| 项目 | 满意 | 不满意 | 意见 |\n|---|:---:|:---:|---|\n| 学习教育 | `box:x` | `box` | `blank:4` |\n' >"$TMP/survey.md"
run "$WENSHU" render "$TMP/survey.md" -o "$TMP/survey.pdf" --style form
assert_status 0 "survey table with boxes renders"
measure "$TMP/survey.pdf" 'sq=[r for r in rects(1) if r["x1"] - r["x0"] < 20]' 'nsq=len(sq)' \
    'centred=[abs((r["x0"] + r["x1"]) / 2 - (a + b) / 2) < 0.5 for r, (a, b) in zip(sq, [(x[0], x[1]), (x[1], x[2])])] if (x := sorted(s["pts"][0][0] for s in page(1)["strokes"] if len(s["pts"]) == 2 and abs(s["pts"][0][0] - s["pts"][1][0]) < 0.01)) else None' \
    'blank4=round(max(h["x1"] - h["x0"] for h in hlines(1) if h["x1"] - h["x0"] < 200), 1)'
assert_eq "${M[nsq]}" "2" "survey: two boxes drawn in the cells"
assert_eq "${M[centred]}" "[True, True]" "survey: each box centred in its :---: column (±0.5 pt)"
assert_eq "${M[blank4]}" "$(awk 'BEGIN { printf "%.1f", 4 * (442.21 - 14) / 30 }')" "survey: blank:4 in a cell is 4 字 (form grid: 31 字 of 14 pt in 156 mm)"

# --- mistakes in form elements are reported with file:line ---
printf '正文。\n\n```lines many\n```\n\n姓名：`blank:abc`\n\n```signature stamp\n党支部\n2005年4月18日\n```\n' >"$TMP/bad.md"
run "$WENSHU" render "$TMP/bad.md" -o "$TMP/bad.pdf"
assert_status 1 "bad form elements: an error exits 1"
assert_contains "$ERR" "bad.md:3: 错误：\`\`\`lines 需要 1 至 100 的行数，如 \`\`\`lines 8（现为 '" "lines without a count: error at its line"
assert_contains "$ERR" "bad.md:6: 警告：\`blank:abc\`" "a blank without a width: warning at its line"
assert_contains "$ERR" "bad.md:8: 警告：\`\`\`signature：未知的选项 'stamp'（唯一的选项是 'seal'）" "unknown signature option: warning"
assert_contains "$(pdftotext -enc UTF-8 "$TMP/bad.pdf" -)" "blank:abc" "a malformed blank prints as the code it is"

done_testing
