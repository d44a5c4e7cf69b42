#!/usr/bin/env bash
# Styles and fonts that are missing or broken: `wenshu render` refuses with a clear message and
# leaves no PDF, or makes a complete PDF and says what it left out; it never crashes.
# The style format names fonts by family only (fontconfig resolves them; docs/styles.md), so a
# broken font file reaches wenshu through a fontconfig configuration that lists only that file.
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
printf '# 通知\n\n正文中文 Latin text 123。\n' >"$TMP/in.md"
printf '# Title\n\nLatin only: AVAWAY fi ffi 0123.\n' >"$TMP/latin.md"

# style_with_fonts FILE FAMILIES: the shipped gbt9704 style with every role's chain set to FAMILIES.
style_with_fonts() {
    sed -E "s/^(body|title|hei|kai|song|mono) = .*/\\1 = $2/" templates/styles/gbt9704.style >"$1"
}

bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/nostyle.pdf" --style no-such-style
assert_no_crash "a style name that does not exist"
assert_status 2 "a missing style is a usage/I-O error"
assert_contains "$ERR" "no-such-style" "missing style: the message names it"
assert_contains "$ERR" "templates/styles/no-such-style.style" "missing style: the message names the file tried"
assert_no_file "$TMP/nostyle.pdf" "missing style: no PDF"

bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/nostyle2.pdf" --style "$TMP/missing/x.style"
assert_status 2 "a missing style path is a usage/I-O error"
assert_contains "$ERR" "$TMP/missing/x.style" "missing style path: named"
assert_no_file "$TMP/nostyle2.pdf" "missing style path: no PDF"

mkdir -p "$TMP/dir.style"
bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/dirstyle.pdf" --style "$TMP/dir.style"
assert_no_crash "a directory given as the style"
assert_status 2 "a directory as style is refused"
assert_no_file "$TMP/dirstyle.pdf" "directory as style: no PDF"

: >"$TMP/empty.style"
bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/emptystyle.pdf" --style "$TMP/empty.style"
assert_no_crash "an empty style file"
assert_status 2 "an empty style is refused (it has no body font)"
assert_contains "$ERR" "empty.style" "empty style: named in the message"
assert_no_file "$TMP/emptystyle.pdf" "empty style: no PDF"

style_with_fonts "$TMP/nofont.style" "No Such Family 宋体X"
bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/nofont.pdf" --style "$TMP/nofont.style"
assert_no_crash "a style naming only a font family that is not installed"
assert_status 2 "no installed font for a role is an error"
assert_contains "$ERR" '字体 "No Such Family 宋体X"（body）未安装' "missing family: named, with its role"
assert_contains "$ERR" "nofont.style: 错误：body 角色没有已安装的字体（已试：No Such Family 宋体X）" "missing family: the style file and what was tried"
assert_no_file "$TMP/nofont.pdf" "missing family: no PDF"

style_with_fonts "$TMP/fallback.style" "No Such Family, AR PL UMing CN"
bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/fallback.pdf" --style "$TMP/fallback.style"
assert_status 0 "a missing family followed by an installed one still renders"
assert_contains "$ERR" '警告：字体 "No Such Family"（' "the missing family is still mentioned"
assert_pdf_whole "$TMP/fallback.pdf" "missing family with a fallback"

# Only the fonts of $TMP/fonts exist for fontconfig from here on.
mkdir -p "$TMP/fonts" "$TMP/fc-cache"
cat >"$TMP/fonts.conf" <<XML
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$TMP/fonts</dir><cachedir>$TMP/fc-cache</cachedir></fontconfig>
XML
DEJAVU=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
style_with_fonts "$TMP/dejavu.style" "DejaVu Sans"

# A font without CJK: the Chinese characters are reported (file, line, character) and left out.
cp "$DEJAVU" "$TMP/fonts/"
FONTCONFIG_FILE="$TMP/fonts.conf" bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/nocjk.pdf" --style "$TMP/dejavu.style"
assert_no_crash "a font without CJK characters"
assert_status 0 "a font without CJK characters: warnings only"
assert_contains "$ERR" "in.md:1: 警告：已安装的字体都没有字符 通（U+901A），该字符未印出" "no CJK: each missing character is named with its line"
assert_pdf_whole "$TMP/nocjk.pdf" "no CJK"
FONTCONFIG_FILE="$TMP/fonts.conf" bounded "$WENSHU" render "$TMP/in.md" -o "$TMP/nocjk-strict.pdf" --strict --style "$TMP/dejavu.style"
assert_status 1 "no CJK under --strict is a data error"

# A TTF truncated to 1000 bytes: fontconfig cannot read it, so its family is not installed.
rm -f "$TMP/fonts"/*
head -c 1000 "$DEJAVU" >"$TMP/fonts/DejaVuSans.ttf"
FONTCONFIG_FILE="$TMP/fonts.conf" bounded "$WENSHU" render "$TMP/latin.md" -o "$TMP/trunc.pdf" --style "$TMP/dejavu.style"
assert_no_crash "a font file truncated to 1000 bytes"
assert_status 2 "a truncated font leaves the role without a font"
assert_contains "$ERR" "dejavu.style: 错误：body 角色没有已安装的字体（已试：DejaVu Sans）" "truncated font: reported as not installed"
assert_no_file "$TMP/trunc.pdf" "truncated font: no PDF"

# Fonts broken inside: fontconfig lists them, wenshu reads their tables, subsets them and writes.
rm -f "$TMP/fonts"/*
mkdir -p "$TMP/broken"
python3 tests/hardening/corrupt_font.py "$DEJAVU" "$TMP/broken"
for f in "$TMP"/broken/*.ttf; do
    name=$(basename "$f" .ttf)
    rm -rf "$TMP/fonts"/* "$TMP/fc-cache"/*
    cp "$f" "$TMP/fonts/"
    FONTCONFIG_FILE="$TMP/fonts.conf" bounded "$WENSHU" render "$TMP/latin.md" -o "$TMP/$name.pdf" --style "$TMP/dejavu.style"
    assert_no_crash "corrupt font ($name)"
    # corrupt_font.py is deterministic, so each damage has one outcome: a font whose units per em
    # are 0 cannot be scaled and is refused like a missing one; every other damage is survived
    # with a whole PDF.
    if [ "$name" = upem-zero ]; then
        assert_status 2 "corrupt font ($name): refused"
        assert_contains "$ERR" "body 角色没有已安装的字体（已试：DejaVu Sans）" "corrupt font ($name): as not installed"
        assert_no_file "$TMP/$name.pdf" "corrupt font ($name): refused, so no PDF"
    else
        assert_status 0 "corrupt font ($name): rendered"
        assert_pdf_whole "$TMP/$name.pdf" "corrupt font ($name)"
    fi
done

done_testing
