# Helpers shared by tests/pdf/test_*.sh: make the hand-built test PDFs with the unit driver,
# and check a tool's stderr for warnings.
UNIT_BIN="$ROOT/${UNIT_DIR:-build/unit}/test_pdfout"

# make_pdfs DIR: writes DIR/plain.pdf, DIR/archive.pdf and DIR/expected.txt.
make_pdfs() {
    mkdir -p "$1"
    WENSHU_PDF_DIR="$1" "$UNIT_BIN" >"$1/driver.log" 2>&1
}

# quiet_stderr CMD...: true when CMD succeeds and prints nothing on stderr; mutool's note that
# this build lacks ICC support is about the tool, not the file, and is ignored.
quiet_stderr() {
    local err
    err=$("$@" 2>&1 >/dev/null | grep -v 'ICC support is not available')
    local st=${PIPESTATUS[0]}
    [ -z "$err" ] || { echo "# $1: $err" >&2; return 1; }
    return 0
}
