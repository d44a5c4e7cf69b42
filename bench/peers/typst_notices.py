"""The feedback notices of a records set as Typst documents (bench/peers/notice.typ), for
`make bench-peers` and tests/bench/test_bench_scripts.sh.

The per-member fields are read from `wenshu merge templates/feedback.md DATA...`: the same
records, selected and filled in by wenshu itself, so both programs set the same words. The
wording around the fields is notice.typ's copy of templates/feedback.md.
"""
import json
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

RECORD = re.compile(r"^<!-- record (\S+) .*?-->\n", re.M)


def _section(md, start, end):
    """The paragraphs between two markers of the merged notice (the numbered items of a section)."""
    i = md.index(start) + len(start)
    j = md.index(end, i)
    return [p.strip() for p in md[i:j].split("\n\n") if p.strip()]


def _one(rid, md):
    def grab(pattern):
        m = re.search(pattern, md, re.M)
        if not m:
            raise ValueError(f"record {rid}: the merged notice has no match for {pattern!r}")
        return m.group(1)

    sig = re.search(r"^```signature seal\n(.*?)\n(.*?)\n```", md, re.M | re.S)
    if not sig:
        raise ValueError(f"record {rid}: the merged notice has no signature block")
    fed = re.search(r"本人已收到党支部(?:于(.+?))?反馈的评议意见", md)
    return {
        "id": rid,
        "name": grab(r"^(.+)同志：$"),
        "campaign": grab(r"^根据(.+?)的安排，"),
        "date": grab(r"，于(.+?)召开支部委员会"),
        "strengths": _section(md, "## 一、肯定成绩\n", "## 二、指出问题"),
        "problems": _section(md, "## 二、指出问题\n", "## 三、整改方向"),
        "directions": _section(md, "## 三、整改方向\n", "希望你正确对待评议意见"),
        "org": sig.group(1),
        "signed": sig.group(2),
        "fedback": fed.group(1) if fed else None,
    }


def records(wenshu, data):
    """[(record id, fields)] of every feedback notice wenshu would build from DATA, in its order."""
    merged = subprocess.run([wenshu, "merge", os.path.join(ROOT, "templates", "feedback.md")] + list(data),
                            capture_output=True, text=True, check=True).stdout
    parts = RECORD.split(merged)[1:]
    return [_one(parts[k], parts[k + 1]) for k in range(0, len(parts), 2)]


def _value(v):
    """A Python value as a Typst expression (strings, arrays of strings, none)."""
    if v is None:
        return "none"
    if isinstance(v, list):
        return "(" + "".join(_value(x) + ", " for x in v) + ")"
    return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid Typst string literal


def _dict(r):
    return "(" + ", ".join(f"{k}: {_value(v)}" for k, v in r.items() if k != "id") + ")"


HEAD = '#import "/notice.typ": setup, notice\n#show: setup\n'


def document(r):
    """One member's notice as a Typst document."""
    return HEAD + f"#notice({_dict(r)})\n"


def volume(rs):
    """Several members' notices as one Typst document: each starts on an odd page with its own
    page numbers and a bookmark, like wenshu's combined volume (OUT/合订本/)."""
    return HEAD + "".join(f"#notice({_dict(r)}, bookmark: true)\n" for r in rs)


# The faces templates/styles/gbt9704.style gives the notice, as fontconfig patterns: body, title,
# 一、 headings, page numbers, Latin letters and digits, and the face it falls back to for the
# characters the Fandol faces lack.
FACES = ("FandolFang", "FandolSong:style=Bold", "FandolHei:style=Regular", "FandolSong:style=Regular",
         "Liberation Serif", "AR PL UMing CN")


def fonts():
    """The font files wenshu embeds in the notice (the default style's faces)."""
    out = []
    for fam in FACES:
        f = subprocess.run(["fc-match", "-f", "%{file}", fam], capture_output=True, text=True, check=True).stdout
        if f not in out:
            out.append(f)
    return out
