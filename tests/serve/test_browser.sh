#!/usr/bin/env bash
# The workbench page end to end in a real browser (Chromium headless, DevTools protocol, our own
# small client: browser.py): the page opens on the first record, ▶ and ◀ step through the
# records, an edit of a template is seen in the preview, screenshots are not blank and the
# member's name is in the page. Skips only where the browser cannot start.
. "$(dirname "$0")/lib.sh"
setup_data
shots="$ROOT/tests/out/browser"
mkdir -p "$shots"
if ! start_serve "${DATA[@]}"; then
    not_ok "serve starts: $(cat "$TMP/serve.err")"; done_testing; exit 1
fi
while IFS= read -r line; do
    case "$line" in
        PASS\ *) ok "${line#PASS }" ;;
        FAIL\ *) not_ok "${line#FAIL }" ;;
        SKIP\ *) ok "the workbench in a browser # SKIP ${line#SKIP }" ;;
        *) echo "# $line" ;;
    esac
done < <(timeout 120 python3 "$ROOT/tests/serve/browser.py" "$URL" "$TMP/data/templates/feedback.md" "$shots" 2>&1)
[ "$_tap_n" -gt 0 ] || not_ok "browser.py reported nothing"
stop_serve
assert_eq "$SERVE_STATUS" "0" "the server stops cleanly afterwards"
done_testing
