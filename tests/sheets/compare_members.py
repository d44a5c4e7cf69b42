#!/usr/bin/env python3
"""compare_members.py SAMPLES_DIR IMPORTED_DIR: every member and organisation of the samples, as
far as the workbook layout covers them (not analysis; not committee members, publications,
surveys, reports), must be the same in the imported records. Prints each difference; exit 1 if any."""
import glob
import sys
import xml.etree.ElementTree as ET

W = "{urn:wenshu:campaign:1}"
# receipt (回执 register) and meeting (会议日期) are not in the workbook layout yet
SKIP = {W + "analysis", W + "committee-member", W + "publication", W + "survey", W + "report", W + "receipt",
        W + "meeting"}
ORG_SYSTEM = W + "system"


def canon(e):
    if e.tag in SKIP or e.tag == ORG_SYSTEM:
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


a, b = records(sys.argv[1]), records(sys.argv[2])
bad = 0
for k in sorted(a):
    if a[k] != b.get(k):
        bad += 1
        print(f"differs: {k}\n  samples:  {a[k]}\n  imported: {b.get(k)}")
print(f"{len(a)} records compared, {bad} differ")
sys.exit(1 if bad or not a else 0)
