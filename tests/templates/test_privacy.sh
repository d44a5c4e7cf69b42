#!/usr/bin/env bash
# Private text never reaches a form meant to be posted. The public forms are those whose
# documents are 通报/公布/张贴 or handed to the public: 民主评议情况通报 (evaluation-report),
# 整改情况公布 (publication), 整改方案 (rectification-org, 在一定范围内公布), the blank 测评表
# (survey) and 测评结果 (survey-results, 通报给群众). The private fields of the samples are
# every member's situation text (health, employment, family) and every 回执 opinion: each is
# searched for in the merged Markdown and in the built PDFs' text (pdftotext) of every public form.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT" || exit 2
SAMPLES=(samples/campaign.xml samples/members-fly.xml samples/members-mzj.xml)
PUBLIC=(evaluation-report publication rectification-org survey survey-results)

python3 - "${SAMPLES[@]}" >"$TMP/private.txt" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{urn:wenshu:campaign:1}"
for f in sys.argv[1:]:
    for tag in ("situation", "receipt"):
        for e in ET.parse(f).getroot().iter(ns + tag):
            t = (e.text or "").strip()
            if t:
                print(t)
PY
nprivate=$(wc -l <"$TMP/private.txt")
assert "the samples hold private text to search for ($nprivate fields)" test "$nprivate" -ge 8
# A field is found when any 12-character stretch of it appears (a shortened quote is still a leak)
# that is not also in the same form merged from the samples with every private field replaced by
# "某某" (redacted): a stretch made of the form's own wording and public values (参加先进性
# 教育活动, an organisation's name) is no one's secret.
cat >"$TMP/scan.py" <<'PY'
import sys, re
fields = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
text = re.sub(r"\s+", "", open(sys.argv[2], encoding="utf-8").read().replace("\\", ""))
fixed = re.sub(r"\s+", "", open(sys.argv[3], encoding="utf-8").read().replace("\\", ""))
for f in fields:
    f = re.sub(r"\s+", "", f)
    n = min(12, len(f))
    for i in range(0, len(f) - n + 1):
        if f[i:i + n] in text and f[i:i + n] not in fixed:
            print("leak: %s… (%s)" % (f[:20], f[i:i + n]))
            break
PY
mkdir -p "$TMP/red"
python3 - "$TMP/red" "${SAMPLES[@]}" <<'PY'
import sys, os, re
out = sys.argv[1]
for f in sys.argv[2:]:
    s = open(f, encoding="utf-8").read()
    s = re.sub(r"(<situation\b[^>]*>)[^<]*(</situation>)", r"\1某某\2", s)
    s = re.sub(r"(<receipt\b[^>/]*>)[^<]*(</receipt>)", r"\1某某\2", s)
    open(os.path.join(out, os.path.basename(f)), "w", encoding="utf-8").write(s)
PY
run "$WENSHU" build -j 2 -o "$TMP/out" "${SAMPLES[@]}"
assert_status 0 "the samples build"
for tpl in "${PUBLIC[@]}"; do
    assert "templates/$tpl.md exists" test -f "templates/$tpl.md"
    run "$WENSHU" merge "templates/$tpl.md" "${SAMPLES[@]}"
    printf '%s' "$OUT" >"$TMP/$tpl.md"
    run "$WENSHU" merge "templates/$tpl.md" "$TMP"/red/*.xml
    printf '%s' "$OUT" >"$TMP/$tpl.red"
    assert_eq "$(python3 "$TMP/scan.py" "$TMP/private.txt" "$TMP/$tpl.md" "$TMP/$tpl.red")" "" "$tpl (merged): no private text"
    title=$(sed -n 's/^title: //p' "templates/$tpl.md")
    : >"$TMP/$tpl.txt"
    npdf=0
    while IFS= read -r -d '' pdf; do
        pdftotext -enc UTF-8 "$pdf" - >>"$TMP/$tpl.txt"
        npdf=$((npdf + 1))
    done < <(find "$TMP/out" -path "*/$title/*.pdf" -print0)
    assert "$tpl: PDFs built ($npdf)" test "$npdf" -ge 1
    assert_eq "$(python3 "$TMP/scan.py" "$TMP/private.txt" "$TMP/$tpl.txt" "$TMP/$tpl.red")" "" "$tpl (PDF text): no private text"
done
# The check itself finds a leak: the member's own 提纲 prints the situation text.
run "$WENSHU" merge templates/analysis.md "${SAMPLES[@]}"
printf '%s' "$OUT" >"$TMP/own.md"
run "$WENSHU" merge templates/analysis.md "$TMP"/red/*.xml
printf '%s' "$OUT" >"$TMP/own.red"
assert_contains "$(python3 "$TMP/scan.py" "$TMP/private.txt" "$TMP/own.md" "$TMP/own.red")" "leak:" "the scan finds private text where it belongs (the member's own form)"
done_testing
