#!/usr/bin/env bash
# The Debian package (make deb; docs/debian/; README "Debian package"): it is built from a copy of
# the sources in build/deb/ without a .git; holds the binary, data, man page, catalogues and
# copyright where Debian and cli/datadir.c expect them; declares its libraries (dh_shlibdeps) and
# fonts; lintian reports no error and no warning. Installed into a clean Debian 12 root made by
# mmdebstrap (or, where no root can be made, unpacked with dpkg -x and run from there) it builds
# the sample records from a folder in /tmp into PDFs with the expected Chinese, finds the Fandol
# faces where texlive-lang-chinese keeps them, and speaks Chinese under LANG=zh_CN.UTF-8 from the
# installed catalogue. About a minute: the build, lintian and a 40 MB download for the root.
# DEB_TEST_ROOT=extract forces the dpkg -x way.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT" || exit 1

if [ -n "${SANITIZED:-}" ]; then
    ok "# SKIP the package holds a release build, not the sanitized binary (make check runs this test)"
    done_testing; exit 0
fi
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null || ! command -v lintian >/dev/null; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
        ok "# SKIP dpkg-buildpackage, dh or lintian missing and no root to install them (apt-get install debhelper lintian)"
        done_testing; exit 0
    fi
fi

VERSION=$(sed -n 's/^#define WENSHU_VERSION "\(.*\)"/\1/p' generator/cli/cli_opts.h)
ARCH=$(dpkg --print-architecture)
DEB="$ROOT/build/deb/wenshu_${VERSION}_${ARCH}.deb"

# --- the build: make deb installs its tools as root; otherwise they are there (checked above).
extra=()
[ "$(id -u)" = 0 ] || extra=(DEB_PACKAGING_PKGS=)
make -s deb "${extra[@]}" >"$TMP/make.log" 2>&1
STATUS=$?
ERR=$(tail -25 "$TMP/make.log")
assert_status 0 "make deb builds the package and lintian passes it"
assert_file "$DEB" "the package is build/deb/wenshu_${VERSION}_${ARCH}.deb"
if [ ! -s "$DEB" ]; then done_testing; exit 1; fi

# lintian's verdict (make deb fails on an error or a warning; here every tag is named).
tags=$(grep -E '^[EW]: ' build/deb/lintian.log)
assert_eq "$tags" "" "lintian: no error and no warning"

# --- contents.
contents="$(dpkg-deb -c "$DEB" | awk '{ print $6 }')"$'\n'
for p in ./usr/bin/wenshu ./usr/share/wenshu/schemas/campaign.xsd ./usr/share/wenshu/templates/styles/gbt9704.style \
         ./usr/share/wenshu/templates/styles/gbt9704-uming.style ./usr/share/man/man1/wenshu.1.gz \
         ./usr/share/locale/zh_CN/LC_MESSAGES/wenshu.mo ./usr/share/locale/zh_SG/LC_MESSAGES/wenshu.mo \
         ./usr/share/doc/wenshu/copyright ./usr/share/doc/wenshu/changelog.gz ./usr/share/doc/wenshu/README.Debian \
         ./usr/share/fontconfig/conf.avail/65-wenshu-fandol.conf ./etc/fonts/conf.d/65-wenshu-fandol.conf; do
    assert_contains "$contents" "$p"$'\n' "the package has ${p#.}"
done
missing=""
for f in templates/*.md templates/partials/*.md schemas/*.xsd templates/styles/*; do
    [ -e "$f" ] || continue
    grep -qxF "./usr/share/wenshu/$f" <<<"$contents" || missing+=" $f"
done
assert_eq "$missing" "" "every template, partial, style and schema of the tree is in /usr/share/wenshu"
stray=$(grep -vE '^\./(usr/(bin|share)/|etc/fonts/conf\.d/|$|usr/$|etc/$|etc/fonts/$)' <<<"$contents")
assert_eq "$stray" "" "nothing outside /usr/bin, /usr/share and /etc/fonts/conf.d"

# --- control fields.
field() { dpkg-deb -f "$DEB" "$1"; }
assert_eq "$(field Version)" "$VERSION" "Version is WENSHU_VERSION ($VERSION)"
depends=$(field Depends)
for d in 'libc6 (>= ' libxml2 libicu libharfbuzz-subset0 libhpdf libcmark-gfm0 fonts-arphic-uming fonts-liberation2 fonts-wqy-zenhei; do
    assert_contains "$depends" "$d" "Depends: $d"
done
assert_contains "$(field Recommends)" "icc-profiles-free" "Recommends: icc-profiles-free (--archive's sRGB profile)"
assert_contains "$(field Recommends)" "fonts-hanazono" "Recommends: fonts-hanazono (rare characters in names)"
assert_contains "$(field Suggests)" "texlive-lang-chinese" "Suggests: texlive-lang-chinese (the Fandol faces)"
# Every Build-Depends is installed by make deps / make deb (DEB_PKGS, DEB_PACKAGING_PKGS).
known=" $(make -pnq -f Makefile 2>/dev/null | sed -nE 's/^DEB_(PACKAGING_)?PKGS = //p' | tr '\n' ' ') "
unlisted=""
for b in $(sed -n '/^Build-Depends:/,/^[A-Z]/p' docs/debian/control | sed -e 's/^Build-Depends://' -e '/^[A-Z]/d' |
           tr ',' '\n' | sed -e 's/(.*)//' -e 's/ //g' | grep -v '^debhelper-compat$' | grep .); do
    [[ "$known" == *" $b "* ]] || unlisted+=" $b"
done
assert_eq "$unlisted" "" "every Build-Depends of docs/debian/control is in DEB_PKGS"

# --- the catalogue installed: its probe entry, and the pairs --help can be checked against.
mkdir -p "$TMP/x"
dpkg-deb -x "$DEB" "$TMP/x"
MO="$TMP/x/usr/share/locale/zh_CN/LC_MESSAGES/wenshu.mo"
assert_contains "$(msgunfmt "$MO" 2>&1)" $'msgid "wenshu"\nmsgstr "文书"' "the installed zh_CN catalogue is generator/po/zh_CN.po compiled"
cmp -s "$MO" "$TMP/x/usr/share/locale/zh_SG/LC_MESSAGES/wenshu.mo"
assert_eq "$?" "0" "zh_SG has the same catalogue"

# --- running it: a script the clean root (or the unpacked tree) runs from /tmp/wenshu-deb-work.
# It writes what the commands printed and their statuses beside the outputs, for the checks below.
cat >"$TMP/inroot.sh" <<'EOF'
#!/bin/sh
# $1: which run ("plain" or "fandol"). Runs wenshu from PATH in the folder this script is in.
cd "$(dirname "$0")" || exit 1
run=$1
if [ "$run" = plain ]; then
    wenshu --version >version.out 2>&1; echo $? >version.rc
    LANG=zh_CN.UTF-8 wenshu --help >help-zh.out 2>&1; echo $? >help-zh.rc
    LANG=C.UTF-8 wenshu --help >help-en.out 2>&1
    LANG=C.UTF-8 wenshu check samples/*.xml >check.out 2>&1; echo $? >check.rc
    printf '# 𠮷田同志\n\n𠮷田同志的名字。\n' >rare.md
    LANG=C.UTF-8 wenshu render rare.md -o rare.pdf >rare.out 2>&1; echo $? >rare.rc
fi
LANG=C.UTF-8 wenshu build samples/*.xml -o "out-$run" -j 2 >"build-$run.out" 2>&1; echo $? >"build-$run.rc"
EOF
FANDOL_FACE=$(fc-match -f '%{file}' FandolFang 2>/dev/null)
case "$FANDOL_FACE" in */FandolFang*) ;; *) FANDOL_FACE="";; esac

work=""                       # the folder holding inroot.sh's results
mode=${DEB_TEST_ROOT:-}
if [ -z "$mode" ]; then
    if [ "$(id -u)" = 0 ] && command -v mmdebstrap >/dev/null; then mode=mmdebstrap; else mode=extract; fi
fi
if [ "$mode" = mmdebstrap ]; then
    # Debian 12 with what `apt install ./wenshu_*.deb` installs (recommends too), the package's files
    # at their places, /proc mounted by mmdebstrap for the hooks. The Fandol faces go where
    # texlive-lang-chinese puts them, for the second build only.
    start=$(date +%s)
    hooks=(--customize-hook="mkdir -p \"\$1/tmp/wenshu-deb-work/samples\" && cp '$TMP/inroot.sh' \"\$1/tmp/wenshu-deb-work/\" && cp '$ROOT'/samples/*.xml \"\$1/tmp/wenshu-deb-work/samples/\""
           --customize-hook='chroot "$1" env -i PATH=/usr/bin:/bin HOME=/tmp sh /tmp/wenshu-deb-work/inroot.sh plain')
    if [ -n "$FANDOL_FACE" ]; then
        fandol_dir=/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
        hooks+=(--customize-hook="mkdir -p \"\$1$fandol_dir\" && cp '$(dirname "$FANDOL_FACE")'/Fandol*.otf \"\$1$fandol_dir/\""
                --customize-hook='chroot "$1" env -i PATH=/usr/bin:/bin HOME=/tmp sh /tmp/wenshu-deb-work/inroot.sh fandol')
    fi
    # The results are copied out: the root itself is a throw-away folder.
    hooks+=(--customize-hook="cp -R \"\$1/tmp/wenshu-deb-work\" '$TMP/work'")
    timeout 180 mmdebstrap --variant=apt --mode=root --aptopt='APT::Install-Recommends "true"' --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
        --include="$DEB" "${hooks[@]}" bookworm "$TMP/root" >"$TMP/mmdebstrap.log" 2>&1
    rc=$?
    rm -rf "$TMP/root"
    if [ "$rc" = 0 ] && [ -f "$TMP/work/version.rc" ]; then
        work="$TMP/work"
        echo "# clean root made by mmdebstrap in $(( $(date +%s) - start )) s"
    else
        echo "# mmdebstrap failed (exit $rc), so the package is unpacked with dpkg -x instead:"
        tail -5 "$TMP/mmdebstrap.log" | sed 's/^/#   /'
        mode=extract
    fi
fi
if [ "$mode" = extract ]; then
    # The unpacked tree is not at /usr: its data and catalogue are named by the variables the
    # binary reads (cli/datadir.c); the host's libraries and fonts serve.
    work="$TMP/work"
    mkdir -p "$work/samples" && cp "$TMP/inroot.sh" "$work/" && cp samples/*.xml "$work/samples/"
    env -i PATH="$TMP/x/usr/bin:/usr/bin:/bin" HOME="$TMP" WENSHU_DATADIR="$TMP/x/usr/share/wenshu" \
        WENSHU_LOCALEDIR="$TMP/x/usr/share/locale" sh "$work/inroot.sh" plain
fi

# --- what the installed wenshu did.
assert_eq "$(cat "$work/version.rc")" 0 "the installed wenshu runs ($mode)"
assert_contains "$(cat "$work/version.out")" "wenshu $VERSION (release+src." "--version: a build without .git names itself by its sources' hash"
assert_eq "$(cat "$work/check.rc")" 0 "wenshu check finds the installed schema and passes the samples"
assert_eq "$(cat "$work/build-plain.rc")" 0 "wenshu build on the samples from /tmp exits 0"
assert_contains "$(cat "$work/build-plain.out")" "manifest.json" "the build prints its summary"
pdfs=$(find "$work/out-plain" -name '*.pdf' | wc -l)
assert "the build wrote PDFs for every form ($pdfs; at least 60)" [ "$pdfs" -ge 60 ]
assert_file "$work/out-plain/manifest.json" "the build wrote its manifest"
pdf="$work/out-plain/中共临江市社会福利院支部委员会/个人整改措施/田志刚.pdf"
assert_file "$pdf" "田志刚's 个人整改措施 is where the build puts it"
text=$(pdftotext "$pdf" - 2>/dev/null)
assert_contains "$text" "保持共产党员先进性教育活动个人整改措施" "pdftotext finds the form's title in Chinese"
assert_contains "$text" "姓名：田志刚" "pdftotext finds the member's name"
pdf="$work/out-plain/临江市民政局/先进性教育活动专题报告"
assert "the 专题报告 of 临江市民政局 was built" [ -n "$(ls "$pdf" 2>/dev/null)" ]

if [ "$mode" = mmdebstrap ]; then
    # Without Fandol (only the dependencies installed): the fallbacks, with a warning.
    fonts=$(pdffonts "$work/out-plain/中共临江市社会福利院支部委员会/个人整改措施/田志刚.pdf" 2>/dev/null)
    assert_contains "$(cat "$work/build-plain.out")" "FandolFang" "without Fandol the build warns that FandolFang is missing"
    assert_contains "$fonts" "UMingCN" "without Fandol the text is set in AR PL UMing (a dependency)"
    assert_contains "$fonts" "LiberationSerif" "Latin in Liberation Serif (a dependency)"
    # A name with a character beyond every chain's faces: HanaMin (recommended) draws it.
    assert_eq "$(cat "$work/rare.rc")" 0 "render of a name with 𠮷 (U+20BB7) exits 0"
    assert_not_contains "$(cat "$work/rare.out")" "U+20BB7" "no warning that a font lacks 𠮷"
    assert_contains "$(pdffonts "$work/rare.pdf" 2>/dev/null)" "HanaMin" "𠮷 comes from HanaMin (fonts-hanazono, recommended)"
    assert_contains "$(pdftotext "$work/rare.pdf" - 2>/dev/null)" "𠮷田同志" "pdftotext finds 𠮷田同志"
    if [ -n "$FANDOL_FACE" ]; then
        assert_eq "$(cat "$work/build-fandol.rc")" 0 "with Fandol where texlive-lang-chinese keeps it, the build exits 0"
        assert_not_contains "$(cat "$work/build-fandol.out")" "Fandol" "and does not warn about Fandol"
        fonts=$(pdffonts "$work/out-fandol/中共临江市社会福利院支部委员会/个人整改措施/田志刚.pdf" 2>/dev/null)
        assert_contains "$fonts" "FandolFang" "65-wenshu-fandol.conf lets fontconfig find FandolFang there"
    else
        ok "# SKIP no FandolFang on this machine to copy into the clean root (make deps installs it)"
    fi
fi

# --- the messages: Chinese under LANG=zh_CN.UTF-8 (no zh_CN locale in the root), from the
# installed catalogue. Every catalogue entry --help prints in English must show in Chinese.
assert_eq "$(cat "$work/help-zh.rc")" 0 "LANG=zh_CN.UTF-8 wenshu --help exits 0"
help_en=$(cat "$work/help-en.out") help_zh=$(cat "$work/help-zh.out")
pairs=$(python3 - "$MO" <<'EOF'
# The catalogue's pairs whose msgid is a whole line or more of --help's English: (msgid, msgstr).
import struct, sys
data = open(sys.argv[1], 'rb').read()
magic, rev, n, o_orig, o_tr = struct.unpack('<5I', data[:20])
for i in range(n):
    ln, off = struct.unpack('<2I', data[o_orig + 8 * i:o_orig + 8 * i + 8])
    tl, toff = struct.unpack('<2I', data[o_tr + 8 * i:o_tr + 8 * i + 8])
    k, v = data[off:off + ln].decode(), data[toff:toff + tl].decode()
    if k and '%' not in k and '\0' not in k:
        print(k.replace('\n', '\\n') + '\t' + v.replace('\n', '\\n'))
EOF
)
used=0 untranslated=""
while IFS=$'\t' read -r k v; do
    [ -n "$k" ] || continue
    k=${k//\\n/$'\n'} v=${v//\\n/$'\n'}
    [[ "$help_en" == *"$k"* ]] && [ "${#k}" -gt 8 ] || continue
    used=$((used + 1))
    [[ "$help_zh" == *"$v"* ]] || untranslated+=" [$k]"
done <<<"$pairs"
if [ "$used" -gt 0 ]; then
    assert_eq "$untranslated" "" "LANG=zh_CN.UTF-8 wenshu --help prints the catalogue's Chinese for its $used translated lines"
else
    ok "# SKIP no line of --help is in the catalogue yet ($(grep -c . <<<"$pairs") entries); the catalogue's probe entry is checked above"
fi

done_testing
