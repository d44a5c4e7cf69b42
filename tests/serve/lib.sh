# Helpers of the watch/serve tests: a private copy of wenshu's data (templates, styles, schemas)
# and of the sample records, so that the tests may edit them; bounded waits.
# shellcheck source=../lib/assert.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/assert.sh"

# setup_data: $TMP/data (WENSHU_DATADIR) with templates/ and schemas/, $TMP/data/samples/*.xml.
setup_data() {
    mkdir -p "$TMP/data"
    cp -r "$ROOT/templates" "$ROOT/schemas" "$TMP/data/"
    mkdir -p "$TMP/data/samples"
    cp "$ROOT"/samples/*.xml "$TMP/data/samples/"
    export WENSHU_DATADIR="$TMP/data"
    DATA=("$TMP/data/samples/campaign.xml" "$TMP/data/samples/members-fly.xml" "$TMP/data/samples/members-mzj.xml")
}

# wait_for SECONDS COMMAND...: polls every 50 ms until COMMAND succeeds; 1 on timeout.
wait_for() {
    local limit=$(( $1 * 20 )) i=0; shift
    while ! "$@" 2>/dev/null; do
        i=$((i + 1)); [ "$i" -ge "$limit" ] && return 1
        sleep 0.05
    done
}

# save_by_rename FILE: replaces FILE with a copy of $FILE.new written elsewhere and renamed over
# it, the way vim (backupcopy=no) and WPS save.
save_by_rename() { mv "$1.new" "$1"; }

sum_of() { sha256sum "$1" 2>/dev/null | cut -d' ' -f1; }
differs_from() { [ "$(sum_of "$1")" != "$2" ]; }
grep_q() { grep -q -- "$2" "$1"; }

# start_serve ARGS...: starts `wenshu serve ARGS` in the background ($SERVE_PID) and waits for
# the address it prints ($URL, ending in "/", $BASE: http://127.0.0.1:PORT, $PORT).
start_serve() {
    "$WENSHU" serve "$@" >"$TMP/serve.out" 2>"$TMP/serve.err" &
    SERVE_PID=$!
    wait_for 10 grep_q "$TMP/serve.out" "^http://127.0.0.1:" || return 1
    URL=$(grep '^http://127.0.0.1:' "$TMP/serve.out")
    BASE=${URL%/*/}
    PORT=${BASE##*:}
}

# stop_serve: SIGTERM, then at most 3 s for a clean exit; $SERVE_STATUS.
stop_serve() {
    kill -TERM "$SERVE_PID" 2>/dev/null
    for _ in $(seq 1 60); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$SERVE_PID" 2>/dev/null && { kill -KILL "$SERVE_PID"; SERVE_STATUS=killed; return 1; }
    wait "$SERVE_PID"; SERVE_STATUS=$?
}

# code URL [CURL ARGS...]: the HTTP status of a GET (no path normalisation by curl).
code() { local u="$1"; shift; curl -s --path-as-is -o "$TMP/body" -w '%{http_code}' "$@" "$u"; }
