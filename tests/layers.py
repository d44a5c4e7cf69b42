#!/usr/bin/env python3
"""make layers: the generator's folders are pipeline stages, and includes only point downward.

    tests/layers.py [--root DIR] [--lib build/libwenshu.a]

Checks, each failure printed as FILE:LINE: message, exit 1 when any:
  1. every source lives in one of the stage folders below (none at generator/'s top);
  2. a quoted include names "stage/header.h" of a stage the including stage may use (DEPENDS),
     or a header of its own folder; a header ending in _int.h is private to its folder;
  3. a third-party header is included only by the stage that owns that library (LIBRARIES),
     so e.g. HarfBuzz stays behind fonts/fonts.h and libharu behind pdf/;
  4. object names are unique across folders (the fuzz build and ar put them side by side);
  5. with --lib: every symbol libwenshu.a exports starts with its folder's prefix or its file's
     name and "_" (PREFIXES), so nothing unprefixed such as read_file or sha256 is exported.
"""
import argparse
import os
import re
import subprocess
import sys

# The stages from the top of the pipeline down. DEPENDS lists what each may include besides
# itself: the direct dependencies, not their closure, so that a new edge is a decision.
ORDER = ["cli", "serve", "batch", "pdf", "typeset", "template", "sheets", "fonts", "records", "base"]
DEPENDS = {
    "cli": {"serve", "batch", "pdf", "typeset", "template", "sheets", "fonts", "records", "base"},
    "serve": {"pdf", "typeset", "template", "fonts", "records", "base"},
    "batch": {"base"},
    "pdf": {"typeset", "fonts", "base"},
    "typeset": {"fonts", "base"},
    "template": {"records", "base"},
    "sheets": {"records", "base"},
    "fonts": {"base"},
    "records": {"base"},
    "base": set(),
}
# Folders of generator/ that hold no C: the message catalogues (po/).
NOT_STAGES = {"po"}
# Third-party headers, by the first component of their include path, and the stages that own them.
# A hidden library is not even named in the owner's public headers (only in its .c files and
# _int.h headers), so its types cannot leak upward through a function's signature.
LIBRARIES = [
    (r"hb(-[a-z]+)?\.h$", {"fonts"}, "HarfBuzz", "hidden"),
    (r"fontconfig/", {"fonts"}, "fontconfig", "hidden"),
    (r"hpdf", {"pdf"}, "libharu", "hidden"),
    (r"libdeflate\.h$|zlib\.h$", {"pdf"}, "deflate", "hidden"),
    (r"nettle/", {"base"}, "nettle", ""),
    (r"cmark", {"typeset"}, "cmark-gfm", ""),
    (r"libxml/|libexslt/", {"records", "template", "sheets", "serve", "cli"}, "libxml2", ""),
    (r"zip\.h$|zipconf\.h$", {"sheets"}, "libzip", "hidden"),
    (r"iconv\.h$", {"sheets", "records"}, "iconv", "hidden"),  # records: files in GBK, UTF-16…
    (r"xlsxwriter", {"sheets"}, "libxlsxwriter", "hidden"),
    (r"linebreak(def)?\.h$|wordbreak|graphemebreak", {"typeset"}, "libunibreak", "hidden"),
    (r"unicode/", {"typeset"}, "ICU", "hidden"),
    (r"microhttpd\.h$", {"serve"}, "libmicrohttpd", "hidden"),
]
# Exported names: the folder's prefix, or the file's own name followed by "_".
PREFIXES = {
    "base": ("ws_",),
    "records": ("records_",),
    "fonts": ("fonts_",),
    "template": ("template_", "tpl_"),
    "sheets": ("sheets_",),
    "typeset": ("typeset_",),
    "pdf": ("pdf_",),
    "batch": ("batch_",),
    "serve": ("serve_",),
    "cli": ("cli_", "cmd_"),
}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def check_sources(gen):
    problems = []
    seen = {}
    for entry in sorted(os.listdir(gen)):
        path = os.path.join(gen, entry)
        if os.path.isfile(path) and entry.endswith((".c", ".h")):
            problems.append(f"{path}:1: a source at generator/'s top: move it into a stage folder ({', '.join(ORDER)})")
        elif os.path.isdir(path) and entry not in DEPENDS and entry not in NOT_STAGES:
            problems.append(f"{path}:1: '{entry}' is not a stage folder: add it to ORDER and DEPENDS in {sys.argv[0]}")
    for stage in ORDER:
        folder = os.path.join(gen, stage)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not name.endswith((".c", ".h")):
                continue
            path = os.path.join(folder, name)
            if name.endswith(".c"):
                stem = name[:-2]
                if stem in seen:
                    problems.append(f"{path}:1: object name '{stem}' also in {seen[stem]}")
                seen[stem] = path
            with open(path, encoding="utf-8") as f:
                for lineno, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    kind, target = m.groups()
                    where = f"{path}:{lineno}: {line.strip()}"
                    if kind == '"':
                        problems += check_quoted(gen, stage, target, where)
                    else:
                        problems += check_system(stage, name, target, where)
    return problems


def check_quoted(gen, stage, target, where):
    if "/" not in target:
        if not os.path.exists(os.path.join(gen, stage, target)):
            return [f"{where}: no such header in {stage}/ (name another stage's header as \"stage/name.h\")"]
        return []
    other, header = target.split("/", 1)
    if other not in DEPENDS:
        return [f"{where}: '{other}' is not a stage folder"]
    if not os.path.exists(os.path.join(gen, target)):
        return [f"{where}: no such header"]
    if other == stage:
        return []
    if header.endswith("_int.h"):
        return [f"{where}: {target} is private to {other}/"]
    if other not in DEPENDS[stage]:
        up = ORDER.index(other) < ORDER.index(stage)
        allowed = ", ".join(d for d in ORDER if d in DEPENDS[stage]) or "nothing"
        return [f"{where}: {stage} may include only {allowed}" + (f" ({other} is above {stage})" if up else "")]
    return []


def check_system(stage, name, target, where):
    for pattern, owners, lib, hidden in LIBRARIES:
        if not re.search(pattern, target):
            continue
        if stage not in owners:
            return [f"{where}: {lib} belongs to {', '.join(sorted(owners))}/: reach it through that stage's header"]
        if hidden and name.endswith(".h") and not name.endswith("_int.h"):
            return [f"{where}: {lib} is hidden inside {stage}/: a public header may not name its types"]
    return []


def check_symbols(lib):
    out = subprocess.run(["nm", "-A", "-g", "--defined-only", lib], capture_output=True, text=True)
    if out.returncode != 0:
        return [f"{lib}:1: nm failed: {out.stderr.strip()}"]
    problems = []
    for line in out.stdout.splitlines():
        # "build/libwenshu.a:base/util.o: 0000000000000000 T ws_read_file" (ar keeps the basename)
        member, rest = line.split(":", 1)[1].split(":", 1) if line.count(":") >= 2 else ("", line)
        fields = rest.split()
        if len(fields) < 3:
            continue
        symbol = fields[2]
        stem = os.path.basename(member)[:-2] if member.endswith(".o") else member
        stage = stage_of(stem)
        allowed = PREFIXES.get(stage, ()) + (stem + "_",)
        if not symbol.startswith(allowed):
            problems.append(f"{lib}:{member}: exports '{symbol}': name it {' or '.join(p + '…' for p in allowed)}")
    return problems


_STAGE_OF = {}


def stage_of(stem):
    return _STAGE_OF.get(stem, "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--lib", help="libwenshu.a whose exported names to check")
    args = ap.parse_args()
    gen = os.path.relpath(os.path.join(args.root, "generator"))
    for stage in ORDER:
        folder = os.path.join(gen, stage)
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                if name.endswith(".c"):
                    _STAGE_OF[name[:-2]] = stage
    problems = check_sources(gen)
    if args.lib:
        problems += check_symbols(args.lib)
    for p in problems:
        print(p)
    if problems:
        print(f"make layers: {len(problems)} problem(s); the order is {' → '.join(ORDER)}", file=sys.stderr)
        return 1
    print(f"make layers: {len(_STAGE_OF)} sources in {len(ORDER)} stages, includes only downward"
          + (", every exported name prefixed" if args.lib else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
