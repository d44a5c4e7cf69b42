#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, AddressSanitizer + UBSan) against the generator sources
# and runs each for a while.
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]   run each harness for SECONDS (default 60); the
#                                              harnesses: records template render style manifest
#                                              (tests/fuzz/fuzz_NAME.c). New inputs go to the working
#                                              corpus tests/out/fuzz-build/corpus/HARNESS, crashes
#                                              to tests/out/fuzz-build/artifacts/HARNESS/
#   tests/fuzz/run.sh --build                  only build
#
# Environment: FUZZ_JOBS (parallel jobs per harness, default 1), FUZZ_SEED (libFuzzer -seed,
# default random), FUZZ_NICE (nice level, default 10), CLANG (default clang).
# Exit status: 0 nothing found, 1 a harness found a crash/leak/sanitizer report, 2 build failure.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=tests/out/fuzz-build
CLANG="${CLANG:-clang}"
HARNESSES=(records template render style manifest)
build_only=0 seconds=60
if [ "${1:-}" = "--build" ]; then build_only=1; shift
elif [ -n "${1:-}" ] && [[ "$1" =~ ^[0-9]+$ ]]; then seconds=$1; shift
fi
[ $# -gt 0 ] && HARNESSES=("$@")

command -v "$CLANG" >/dev/null || { echo "fuzz: $CLANG not found (apt-get install clang)" >&2; exit 2; }
PKGS="libxml-2.0 libcmark-gfm harfbuzz harfbuzz-subset fontconfig libunibreak"
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined
        -fno-sanitize-recover=undefined $(pkg-config --cflags $PKGS) -Igenerator"
# The libraries are the Makefile's (LDLIBS_ALL), so a new dependency needs no change here.
LIBS=$(printf 'wenshu-fuzz-print-libs:\n\t@echo $(LDLIBS_ALL)\n' |
       make -s --no-print-directory -f Makefile -f - wenshu-fuzz-print-libs 2>/dev/null)
[ -n "$LIBS" ] || LIBS="$(pkg-config --libs $PKGS) -lcmark-gfm-extensions -lexslt -lhpdf -lnettle -ldeflate -lz -lm"
mkdir -p "$OUT/obj"

# The generator sources, compiled for coverage feedback (fuzzer-no-link); recompiled only when a
# source or any header is newer than its object, so repeated runs start at once.
newest_header=$(ls -t generator/*/*.h | head -1)
objs=()
for src in generator/*/*.c; do
    [ "$src" = generator/cli/main.c ] && continue
    # One object folder for every layer: names are unique across generator/ (make layers checks).
    obj="$OUT/obj/$(basename "${src%.c}").o"
    objs+=("$obj")
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_header" -nt "$obj" ]; then
        echo "fuzz: cc $src" >&2
        # shellcheck disable=SC2086
        "$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj.$$.tmp" && mv "$obj.$$.tmp" "$obj" || exit 2
    fi
done
# The workbench page's files, compiled in (the Makefile's rule for build/serve/serve_assets.c).
assets_c="$OUT/serve_assets.c"
python3 generator/serve/embed_assets.py "$assets_c" generator/serve/assets/*.html generator/serve/assets/*.css \
    generator/serve/assets/*.js || exit 2
# shellcheck disable=SC2086
"$CLANG" $CFLAGS -fsanitize=fuzzer-no-link -c "$assets_c" -o "$OUT/serve_assets.o" || exit 2
# Objects of sources that were removed since the last build must not be linked.
for obj in "$OUT"/obj/*.o; do
    compgen -G "generator/*/$(basename "${obj%.o}").c" >/dev/null || rm -f "$obj"
done
objs=("$OUT"/obj/*.o "$OUT/serve_assets.o")
for h in "${HARNESSES[@]}"; do
    src=tests/fuzz/fuzz_$h.c bin=$OUT/fuzz_$h
    [ -f "$src" ] || { echo "fuzz: no harness $src" >&2; exit 2; }
    # shellcheck disable=SC2086
    "$CLANG" $CFLAGS -fsanitize=fuzzer -DWENSHU_ROOT="\"$ROOT\"" -Itests/fuzz -o "$bin.$$.tmp" "$src" \
        "${objs[@]}" $LIBS && mv "$bin.$$.tmp" "$bin" || exit 2
done
[ "$build_only" = 1 ] && exit 0

export LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

status=0
for h in "${HARNESSES[@]}"; do
    corpus=$OUT/corpus/$h artifacts=$OUT/artifacts/$h
    mkdir -p "$corpus" "$artifacts"
    dict=(); [ -f "tests/fuzz/$h.dict" ] && dict=(-dict="tests/fuzz/$h.dict")
    seed=(); [ -n "${FUZZ_SEED:-}" ] && seed=(-seed="$FUZZ_SEED")
    jobs=(); [ "${FUZZ_JOBS:-1}" -gt 1 ] && jobs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
    echo "fuzz: $h for ${seconds}s" >&2
    # The committed seeds are read but never written: new inputs land in the working corpus.
    nice -n "${FUZZ_NICE:-10}" "$OUT/fuzz_$h" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" "${seed[@]}" \
        "${jobs[@]}" "$corpus" "tests/fuzz/corpus/$h" || status=1
done
exit $status
