#!/usr/bin/env bash
# make demo: check the sample records, then build every form for every sample record into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== wenshu check samples/*.xml"
./wenshu check samples/*.xml
echo
echo "== wenshu build samples/*.xml -o out --combined"
./wenshu build samples/*.xml -o out --combined
echo
# seed.pdf goes beside out/, not into it: out/ holds what build made and its manifest lists, so
# that `wenshu verify out` passes (a file of its own there would be reported as added).
echo "== wenshu render samples/seed.md -o seed.pdf (the campaign's implementing document)"
./wenshu render samples/seed.md -o seed.pdf
echo
echo "== wenshu verify out"
./wenshu verify out
echo
echo "Done. Where to look:"
echo "  out/                      one folder per organisation, one per form, one PDF per record"
echo "  out/合订本/               one print-ready file per form (double-sided: records start on odd pages)"
echo "  out/manifest.json         every file with its pages, bytes and SHA-256 (wenshu verify out)"
echo "  seed.pdf                  the implementing document typeset to GB/T 9704"
