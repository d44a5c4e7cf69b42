"""PDF/A-1b checks wenshu can make without a validator (none ships in Debian).

usage: check_archive.py FILE.pdf — prints one line per failed check, nothing when all pass.
Reads the file through `mutool show` so that no PDF library is needed in Python."""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

pdf = sys.argv[1]
problems = []


def show(path, raw=False):
    args = ["mutool", "show"] + (["-b"] if raw else []) + [pdf, path]
    r = subprocess.run(args, capture_output=True)
    return r.stdout


def pdf_string(s):
    """Decodes a PDF string as mutool prints it: (literal) or <hex>, UTF-16BE with BOM or bytes."""
    s = s.strip()
    if s.startswith("<"):
        b = bytes.fromhex(s[1:-1])
    else:
        b = s[1:-1].encode("latin-1")
    return b[2:].decode("utf-16-be") if b.startswith(b"\xfe\xff") else b.decode("latin-1")


head = open(pdf, "rb").read(16)
if not head.startswith(b"%PDF-1.4"):
    problems.append("header is not %%PDF-1.4: %r" % head[:8])

trailer_id = show("trailer/ID").decode("latin-1")


def pdf_strings(s):
    """The byte lengths of the strings of a PDF array as mutool prints it: <hex> or (literal) —
    mutool picks the literal form when the bytes happen to be mostly printable."""
    out, i = [], 0
    while i < len(s):
        if s[i] == "<":
            j = s.index(">", i)
            out.append(len(re.sub(r"\s", "", s[i + 1:j])) // 2)
            i = j + 1
        elif s[i] == "(":
            n, i, depth = 0, i + 1, 1
            while depth:
                c = s[i]
                if c == "\\":
                    m = re.match(r"\\([0-7]{1,3}|.)", s[i:], re.S)
                    i += len(m.group(0))
                    n += 1
                    continue
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if not depth:
                        i += 1
                        break
                n += 1
                i += 1
            out.append(n)
        else:
            i += 1
    return out


ids = pdf_strings(trailer_id)
if len(ids) != 2 or any(n != 16 for n in ids):
    problems.append("trailer /ID is not two 16-byte strings: " + trailer_id.strip())

md_dict = show("trailer/Root/Metadata").decode("utf-8", "replace")
if "/Subtype /XML" not in md_dict or "/Type /Metadata" not in md_dict:
    problems.append("Metadata stream lacks /Type /Metadata /Subtype /XML")
if "/Filter" in md_dict:
    problems.append("Metadata stream is filtered (PDF/A-1 forbids it)")
xmp = show("trailer/Root/Metadata", raw=True)
ns = {
    "x": "adobe:ns:meta/", "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/", "pdf": "http://ns.adobe.com/pdf/1.3/",
}
try:
    root = ET.fromstring(re.sub(rb"<\?xpacket[^>]*\?>", b"", xmp))
except ET.ParseError as e:
    problems.append("XMP does not parse: %s" % e)
    root = None


def xmp_text(path):
    if root is None:
        return None
    n = root.find(".//" + path, ns)
    return n.text if n is not None else None


if xmp_text("pdfaid:part") != "1":
    problems.append("XMP pdfaid:part is %r, not 1" % xmp_text("pdfaid:part"))
if xmp_text("pdfaid:conformance") != "B":
    problems.append("XMP pdfaid:conformance is %r, not B" % xmp_text("pdfaid:conformance"))


def info(key):
    v = show("trailer/Info/" + key).decode("latin-1").strip()
    return pdf_string(v) if v and v != "null" else None


def pdf_date_to_xmp(d):
    m = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|([+-])(\d\d)'(\d\d)'?)?$", d)
    if not m:
        return None
    s = "%s-%s-%sT%s:%s:%s" % m.groups()[:6]
    if m.group(7) == "Z":
        return s + "Z"
    if m.group(8):
        return s + "%s%s:%s" % (m.group(8), m.group(9), m.group(10))
    return s


pairs = [("Title", "dc:title/rdf:Alt/rdf:li"), ("Author", "dc:creator/rdf:Seq/rdf:li"),
         ("Subject", "dc:description/rdf:Alt/rdf:li"), ("Keywords", "pdf:Keywords"),
         ("Creator", "xmp:CreatorTool"), ("Producer", "pdf:Producer")]
for key, path in pairs:
    if info(key) != xmp_text(path):
        problems.append("Info %s %r differs from XMP %s %r" % (key, info(key), path, xmp_text(path)))
for key, path in [("CreationDate", "xmp:CreateDate"), ("ModDate", "xmp:ModifyDate")]:
    v = info(key)
    if (pdf_date_to_xmp(v) if v else None) != xmp_text(path):
        problems.append("Info %s %r differs from XMP %s %r" % (key, v, path, xmp_text(path)))

oi = show("trailer/Root/OutputIntents/1").decode("latin-1")
if "/S /GTS_PDFA1" not in oi or "/DestOutputProfile" not in oi:
    problems.append("no GTS_PDFA1 OutputIntent with a profile")
icc = show("trailer/Root/OutputIntents/1/DestOutputProfile", raw=True)
if len(icc) < 128 or icc[36:40] != b"acsp" or icc[8] != 2 or icc[16:20] != b"RGB ":
    problems.append("OutputIntent profile is not an ICC v2 RGB profile")

fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout.splitlines()[2:]
if not fonts:
    problems.append("no fonts")
for line in fonts:
    f = line.split()
    name, emb, obj = f[0], f[-5], f[-2]
    if emb != "yes":
        problems.append(name + " not embedded")
    desc = show(obj + "/DescendantFonts/1/FontDescriptor").decode("latin-1")
    cidfont = show(obj + "/DescendantFonts/1").decode("latin-1")
    if "/CIDSet" not in desc or not ("/FontFile2" in desc or "/FontFile3" in desc):
        problems.append(name + ": FontDescriptor lacks /CIDSet or a font program")
    elif "/FontFile3" in desc:  # CFF: a CIDFontType0 with a CIDFontType0C program, no CIDToGIDMap
        ff3 = show(obj + "/DescendantFonts/1/FontDescriptor/FontFile3").decode("latin-1")
        if "/CIDFontType0C" not in ff3 or "/CIDFontType0" not in cidfont or "/CIDToGIDMap" in cidfont:
            problems.append(name + ": FontFile3 is not a CIDFontType0C program of a CIDFontType0")
    elif "/CIDFontType2" not in cidfont:
        problems.append(name + ": FontFile2 in a font that is not a CIDFontType2")
    cidset = show(obj + "/DescendantFonts/1/FontDescriptor/CIDSet", raw=True)
    if not cidset or not cidset[0] & 0x80:
        problems.append(name + ": CIDSet empty or without CID 0")
    cmap = show(obj + "/ToUnicode", raw=True).decode("ascii", "replace")
    if "cidrange" in cmap or "notdefrange" in cmap or "/CMapType 2" not in cmap:
        problems.append(name + ": ToUnicode is not a plain CMapType 2 bfchar/bfrange CMap")
    # pdffont.c writes bfrange blocks, each range with the array of its characters
    pairs = []  # (source code, destination hex)
    for count, body in re.findall(r"(\d+) beginbfchar\s+(.*?)endbfchar", cmap, re.S):
        entries = re.findall(r"<([0-9A-F]{4})>\s*<([0-9A-F]+)>", body)
        if len(entries) != int(count) or len(entries) > 100:
            problems.append(name + ": bfchar block count %s, %d entries" % (count, len(entries)))
        pairs += entries
    for count, body in re.findall(r"(\d+) beginbfrange\s+(.*?)endbfrange", cmap, re.S):
        ranges = re.findall(r"<([0-9A-F]{4})>\s*<([0-9A-F]{4})>\s*\[([^\]]*)\]", body)
        if len(ranges) != int(count) or len(ranges) > 100:
            problems.append(name + ": bfrange block count %s, %d ranges" % (count, len(ranges)))
        for lo, hi, dsts in ranges:
            lo, hi, dsts = int(lo, 16), int(hi, 16), re.findall(r"<([0-9A-F]+)>", dsts)
            if hi < lo or lo >> 8 != hi >> 8 or len(dsts) != hi - lo + 1:
                problems.append(name + ": bfrange <%04X> <%04X> with %d characters" % (lo, hi, len(dsts)))
            pairs += [("%04X" % (lo + k), dst) for k, dst in enumerate(dsts)]
    if not pairs:
        problems.append(name + ": ToUnicode maps no CID")
    for src, dst in pairs:
        try:
            text = bytes.fromhex(dst).decode("utf-16-be")
        except (ValueError, UnicodeDecodeError):
            problems.append(name + ": <%s> maps to invalid UTF-16 <%s>" % (src, dst))
            continue
        if len(text) != 1:
            problems.append(name + ": <%s> maps to %d characters" % (src, len(text)))

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
