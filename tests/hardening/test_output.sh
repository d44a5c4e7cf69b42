#!/usr/bin/env bash
# `wenshu render` writing where it cannot: a read-only folder, a path whose parent is a file, an
# existing directory, a full disk. Each is reported with a non-zero exit, leaves neither a partial
# PDF nor a temporary file, and a PDF that was already there stays as it was (atomic replace).
source "$(dirname "$0")/../lib/assert.sh"
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
printf '# 通知\n\n正文。\n' >"$TMP/small.md"
mounts=()
cleanup_mounts() { for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done; rm -rf "$TMP"; }
trap cleanup_mounts EXIT

# A read-only folder. Root writes through permission bits, so root gets a read-only mount.
mkdir -p "$TMP/ro"
ro_ready=0
if [ "$(id -u)" = 0 ]; then
    mount -t tmpfs -o size=1m,ro tmpfs "$TMP/ro" 2>/dev/null && { mounts+=("$TMP/ro"); ro_ready=1; }
else
    chmod 555 "$TMP/ro" && ro_ready=1
fi
if [ "$ro_ready" = 1 ]; then
    bounded "$WENSHU" render "$TMP/small.md" -o "$TMP/ro/out.pdf"
    assert_no_crash "output into a read-only folder"
    assert_status 2 "a read-only output folder is an I/O error"
    assert_contains "$ERR" "$TMP/ro/out.pdf" "read-only folder: the message names the file"
    assert_no_file "$TMP/ro/out.pdf" "read-only folder: nothing written"
else
    ok "# SKIP cannot make a read-only folder here (mount not permitted)"
fi

: >"$TMP/afile"
bounded "$WENSHU" render "$TMP/small.md" -o "$TMP/afile/out.pdf"
assert_no_crash "output under a path whose parent is a file"
assert_status 2 "a file as the output's parent is an I/O error"
assert_contains "$ERR" "$TMP/afile/out.pdf" "parent is a file: the message names the path"
assert_eq "$(stat -c %s "$TMP/afile")" 0 "parent is a file: the file is untouched"

mkdir -p "$TMP/adir.pdf"
bounded "$WENSHU" render "$TMP/small.md" -o "$TMP/adir.pdf"
assert_no_crash "output onto an existing directory"
assert_status 2 "a directory as the output is an I/O error"
assert_contains "$ERR" "adir.pdf" "directory as output: named"
assert_eq "$(ls -A "$TMP/adir.pdf")" "" "directory as output: left empty"
assert_no_temp "$TMP" "directory as output"

bounded "$WENSHU" render "$TMP/small.md" -o "$TMP/no/such/folder/out.pdf"
assert_no_crash "output into a folder that does not exist"
assert "missing folder: either made (exit 0) or refused (exit 2); status $STATUS" test "$STATUS" -eq 0 -o "$STATUS" -eq 2
[ "$STATUS" -eq 2 ] && assert_contains "$ERR" "$TMP/no/such/folder/out.pdf" "missing folder: the path is named"
[ "$STATUS" -eq 0 ] && assert_pdf_whole "$TMP/no/such/folder/out.pdf" "missing folder"

# A full disk: a 2 MiB tmpfs filled up to the last few KiB. The old PDF must survive a failed replace.
mkdir -p "$TMP/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m tmpfs "$TMP/full" 2>/dev/null; then
    mounts+=("$TMP/full")
    run "$WENSHU" render "$TMP/small.md" -o "$TMP/full/out.pdf"
    assert_status 0 "full disk: the first, small PDF fits"
    cp "$TMP/full/out.pdf" "$TMP/old.pdf"
    dd if=/dev/zero of="$TMP/full/filler" bs=4k 2>/dev/null # until the disk is full
    rm -f "$TMP/full/filler"
    avail=$(( $(stat -f -c '%a*%S' "$TMP/full") ))
    dd if=/dev/zero of="$TMP/full/filler" bs=1024 count=$(( avail / 1024 - 16 )) 2>/dev/null
    bounded "$WENSHU" render samples/seed.md -o "$TMP/full/out.pdf"
    assert_no_crash "rendering onto a full disk"
    assert_status 2 "a full disk is an I/O error"
    assert_contains "$ERR" "No space left on device" "full disk: the system's reason is given"
    assert_contains "$ERR" "$TMP/full/out.pdf" "full disk: the file is named"
    assert "full disk: the old PDF is still there, unchanged" cmp -s "$TMP/full/out.pdf" "$TMP/old.pdf"
    assert_no_temp "$TMP/full" "full disk"
else
    ok "# SKIP cannot mount a small tmpfs here (not root, or mount not permitted)"
fi

done_testing
