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
# render makes no folders (build does, for OUT): the missing folder is an I/O error.
assert_status 2 "a missing output folder is an I/O error"
assert_contains "$ERR" "$TMP/no/such/folder/out.pdf" "missing folder: the path is named"
assert_no_file "$TMP/no" "missing folder: nothing is made"

# `wenshu build` into places it cannot write.
bounded "$WENSHU" build samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml -o "$TMP/afile" -q
assert_no_crash "build: OUT is an existing file"
assert_status 2 "build: OUT that is a file is a usage/I-O error"
assert_contains "$ERR" "$TMP/afile 已存在，但不是文件夹" "build: OUT is a file: says so"
assert_eq "$(stat -c %s "$TMP/afile")" 0 "build: OUT is a file: the file is untouched"
bounded "$WENSHU" build samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml -o "$TMP/afile/out" -q
assert_status 2 "build: OUT under a file is an I/O error"
assert_contains "$ERR" "无法创建文件夹 $TMP/afile/out：不是目录" "build: OUT under a file: the reason is given"
if [ "$ro_ready" = 1 ]; then
    bounded "$WENSHU" build samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml -o "$TMP/ro/out" -q
    assert_no_crash "build: OUT in a read-only folder"
    assert_status 2 "build: OUT in a read-only folder is an I/O error"
    assert_contains "$ERR" "$TMP/ro/out" "build: read-only: the folder is named"
fi
mkdir -p "$TMP/rodir"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m tmpfs "$TMP/rodir" 2>/dev/null; then
    mounts+=("$TMP/rodir")
    mkdir "$TMP/rodir/out" && mount -o remount,ro "$TMP/rodir"
    bounded "$WENSHU" build samples/campaign.xml samples/members-mzj.xml samples/members-fly.xml -o "$TMP/rodir/out" -q
    assert_no_crash "build: an existing OUT that has become read-only"
    assert_status 2 "build: an existing read-only OUT is an I/O error"
    assert_contains "$ERR" "只读文件系统" "build: existing read-only OUT: the system's reason is given"
fi

# The temporary file's name (OUT.tmp.PID) is predictable: a symbolic link planted there must not be
# followed (it would overwrite the link's target), and the link must not become the output. The
# shell's pid is the pid wenshu runs with after exec.
mkdir -p "$TMP/plant"
echo "VICTIM" >"$TMP/victim"
run sh -c 'ln -s "$1" "$2.tmp.$$" && exec "$3" render "$4" -o "$2"' sh "$TMP/victim" "$TMP/plant/out.pdf" "$WENSHU" "$TMP/small.md"
assert_eq "$(cat "$TMP/victim")" "VICTIM" "a link planted at the temporary name: its target is not written"
assert "a link planted at the temporary name: the output is a regular file, not the link" test -f "$TMP/plant/out.pdf" -a ! -L "$TMP/plant/out.pdf"
assert_pdf_whole "$TMP/plant/out.pdf" "a link planted at the temporary name"
assert_no_temp "$TMP/plant" "a link planted at the temporary name"
# A leftover temporary file of a killed run that had the same pid does not stop the write.
run sh -c 'echo partial >"$1.tmp.$$" && exec "$2" render "$3" -o "$1"' sh "$TMP/plant/again.pdf" "$WENSHU" "$TMP/small.md"
assert_status 0 "a stale temporary file with the same pid is replaced"
assert_pdf_whole "$TMP/plant/again.pdf" "a stale temporary file with the same pid"

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
    assert_contains "$ERR" "设备上没有空间" "full disk: the system's reason is given"
    assert_contains "$ERR" "$TMP/full/out.pdf" "full disk: the file is named"
    assert "full disk: the old PDF is still there, unchanged" cmp -s "$TMP/full/out.pdf" "$TMP/old.pdf"
    assert_no_temp "$TMP/full" "full disk"
else
    ok "# SKIP cannot mount a small tmpfs here (not root, or mount not permitted)"
fi

done_testing
