#!/usr/bin/env bash
# generator/po/zh_CN.po is complete and sound: every string marked with _(), N_() or P_() in
# generator/ has a non-empty, non-fuzzy Chinese translation; no translation is left over from a
# message that no longer exists; and each translation has the printf directives of its English
# original (msgfmt --check), so that a translated message can never read the wrong argument.
source "$(dirname "$0")/../lib/assert.sh"
cd "$ROOT" || exit 1
PO=generator/po/zh_CN.po

have_tools() { command -v xgettext && command -v msgcmp && command -v msgattrib && command -v msgcomm && command -v msgfmt; } >/dev/null
assert "the gettext tools are installed (make deps: gettext)" have_tools

mapfile -t sources < <(find generator -name '*.c' -o -name '*.h' | LC_ALL=C sort)
run xgettext -k_ -kN_ -kP_:1,2 --from-code=UTF-8 --no-location -o "$TMP/wenshu.pot" "${sources[@]}"
assert_status 0 "xgettext extracts the messages of generator/"
n=$(grep -c '^msgid ' "$TMP/wenshu.pot")
assert "more than 300 messages are marked for translation (found $n)" test "$n" -gt 300

# Every message has a translation (msgcmp: each msgid of the template is in the catalogue) ...
run msgcmp --use-untranslated "$PO" "$TMP/wenshu.pot"
assert_status 0 "every marked message has an entry in zh_CN.po"
# ... that is not empty ...
run msgattrib --untranslated --no-obsolete "$PO"
assert_eq "$(printf '%s\n' "$OUT" | grep -c '^msgid ' || true)" "0" "no entry of zh_CN.po is untranslated: ${OUT:0:300}"
# ... nor fuzzy ...
run msgattrib --only-fuzzy --no-obsolete "$PO"
assert_eq "$(printf '%s\n' "$OUT" | grep -c '^msgid ' || true)" "0" "no entry of zh_CN.po is fuzzy: ${OUT:0:300}"
# ... and no entry is left over: none marked obsolete (#~), none whose message is gone.
assert_eq "$(grep -c '^#~' "$PO" || true)" "0" "zh_CN.po has no obsolete (#~) entries"
leftover=$(msgcomm --less-than=2 --no-location --no-wrap -u "$PO" "$TMP/wenshu.pot" 2>/dev/null \
           | msgattrib --no-obsolete 2>/dev/null | grep '^msgid "..*"' | head -5)
assert_eq "$leftover" "" "every entry of zh_CN.po is a message of generator/ (left over: $leftover)"

# printf directives agree, and the catalogue compiles.
run msgfmt --check --check-format -o "$TMP/wenshu.mo" "$PO"
assert_status 0 "msgfmt --check: the translations' printf directives match their originals"
assert_not_contains "$ERR" "error" "msgfmt reports no error"

# The catalogue is what the build installs beside the binary.
assert "build/locale/zh_CN/LC_MESSAGES/wenshu.mo is compiled from zh_CN.po" \
    cmp -s "$TMP/wenshu.mo" build/locale/zh_CN/LC_MESSAGES/wenshu.mo

done_testing
