#!/usr/bin/env bash
# make readme-image: regenerates the README's picture — page 1 of the implementing document.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./wenshu render samples/seed.md -o "$tmp/seed.pdf"
mkdir -p docs/images
pdftoppm -r 72 -png -f 1 -l 1 -singlefile "$tmp/seed.pdf" docs/images/seed-page1
echo "wrote docs/images/seed-page1.png"
