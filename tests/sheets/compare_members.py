#!/usr/bin/env python3
"""compare_members.py [--all] SAMPLES_DIR IMPORTED_DIR: every unit, organisation and member of the
samples must be the same in the imported records, element for element (names, attributes, text,
children in order), and the imported records hold no unit, organisation or member the samples lack.
With --all (what `wenshu export` writes and the fixture 名册.xlsx holds) nothing is skipped; without
it, the parts a roster-only workbook leaves out are skipped (analysis, committee members, meetings,
receipts, systems, publications, survey rounds with their 补课, reports). Prints each difference;
exit 1 if any."""
import glob
import sys
import xml.etree.ElementTree as ET

W = "{urn:wenshu:campaign:1}"
ALL = "--all" in sys.argv
ARGS = [a for a in sys.argv[1:] if a != "--all"]
SKIP = set() if ALL else {W + t for t in ("analysis", "committee-member", "meeting", "receipt", "publication", "survey",
                                          "report", "system")}


def canon(e):
    if e.tag in SKIP:
        return None
    kids = [c for c in (canon(k) for k in e) if c is not None]
    return (e.tag, tuple(sorted(e.attrib.items())), (e.text or "").strip(), tuple(kids))


def records(folder):
    out = {}
    for f in sorted(glob.glob(folder + "/*.xml")):
        for e in ET.parse(f).getroot():
            if e.tag in (W + "member", W + "organisation", W + "unit"):
                out[e.get("id")] = canon(e)
    return out


a, b = records(ARGS[0]), records(ARGS[1])
bad = 0
for k in sorted(a):
    if a[k] != b.get(k):
        bad += 1
        print(f"differs: {k}\n  samples:  {a[k]}\n  imported: {b.get(k)}")
for k in sorted(set(b) - set(a)):
    bad += 1
    print(f"only in the imported records: {k}")
print(f"{len(a)} records compared, {bad} differ")
sys.exit(1 if bad or not a else 0)
