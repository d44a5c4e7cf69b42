#!/usr/bin/env bash
# make install: every file lands under DESTDIR/PREFIX, and a copy that fails stops make with a
# non-zero status (none is hidden behind "|| true"). It runs on a copy of the tree — sources and
# the objects already built, times kept — so that installing for PREFIX=/usr (which rebuilds
# cli/datadir.o) leaves the ./wenshu under test alone, and only one object is compiled.
source "$(dirname "$0")/../lib/assert.sh"
S="$TMP/src"
mkdir -p "$S"
(cd "$ROOT" && cp -a Makefile generator templates schemas docs "$S/") || exit 1
[ -d "$ROOT/build" ] && cp -a "$ROOT/build" "$S/build"
[ -x "$ROOT/wenshu" ] && cp -a "$ROOT/wenshu" "$S/wenshu"
mkdir -p "$S/templates/partials"
printf '{{ $campaign/name }}\n' >"$S/templates/partials/test-partial.md"

run make -C "$S" install PREFIX=/usr DESTDIR="$TMP/root"
assert_status 0 "make install PREFIX=/usr DESTDIR=..."
D="$TMP/root/usr"
assert "the binary is installed, executable" test -x "$D/bin/wenshu"
run "$D/bin/wenshu" --version
assert_status 0 "the installed binary runs"
for f in "$S"/templates/*.md; do
    n=$(basename "$f")
    assert "templates/$n installed unchanged" cmp -s "$f" "$D/share/wenshu/templates/$n"
done
for f in "$S"/templates/styles/*; do
    assert "styles/$(basename "$f") installed" cmp -s "$f" "$D/share/wenshu/templates/styles/$(basename "$f")"
done
assert "a partial is installed" cmp -s "$S/templates/partials/test-partial.md" "$D/share/wenshu/templates/partials/test-partial.md"
assert_file "$D/share/wenshu/schemas/campaign.xsd" "the schema is installed"
assert_file "$D/share/man/man1/wenshu.1" "the manual page is installed"
for l in zh_CN zh_SG; do
    assert_file "$D/share/locale/$l/LC_MESSAGES/wenshu.mo" "the Chinese messages are installed for $l"
done
# The installed binary finds them (BIN/../share/locale), also where no zh_CN locale is generated.
run env -i LANG=zh_CN.UTF-8 "$D/bin/wenshu" nosuchcommand
assert_status 2 "an unknown command is a usage error"
assert_contains "$ERR" "wenshu: 未知的命令 'nosuchcommand'" "the installed binary speaks Chinese under LANG=zh_CN.UTF-8"
run env -i LANG=C.UTF-8 "$D/bin/wenshu" nosuchcommand
assert_contains "$ERR" "wenshu: unknown command 'nosuchcommand'" "and English under LANG=C.UTF-8"

# Without partials the install still succeeds: the empty folder is made, nothing copied into it.
rm -rf "$S/templates/partials"
run make -C "$S" install PREFIX=/usr DESTDIR="$TMP/root2"
assert_status 0 "make install without templates/partials"
assert "the partials folder is made, empty" test -d "$TMP/root2/usr/share/wenshu/templates/partials"

# A copy that fails: a directory where a template file goes (root ignores permission bits, so an
# unwritable folder would not do). make must stop with an error, naming the file.
mkdir -p "$TMP/root3/usr/share/wenshu/templates/feedback.md"
run make -C "$S" install PREFIX=/usr DESTDIR="$TMP/root3"
assert_status 2 "a failed copy of a template makes make install fail"
assert_contains "$ERR" "feedback.md" "the error names the file"
assert_no_file "$TMP/root3/usr/share/wenshu/templates/styles/form.style" "and the install stops there"

# DESTDIR itself a file.
: >"$TMP/afile"
run make -C "$S" install PREFIX=/usr DESTDIR="$TMP/afile"
assert_status 2 "DESTDIR that is a file makes make install fail"

done_testing
