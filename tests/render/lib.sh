# Helpers shared by tests/render/test_*.sh (sourced after tests/lib/assert.sh).

# margins FILE: "ok" when every margin is within ±0.5 mm of 28/26/37/35 mm; top and bottom
# may be 1.0 mm less. pdfcheck measures mutool's glyph quads, and with the Fandol faces these
# reach past the em box the grid is built on (0.88 em up, 0.12 em down): a CFF face's quad
# follows its FontBBox (the 2号 title's top line, 0.8 mm higher), Liberation Serif's its
# declared descent of 0.216 em (a last line with digits, 0.9 mm lower); the ink stays inside.
margins_ok() {
    pyq 'all(-0.5 - 0.5 * (k in ("top", "bottom")) <= r["margins_mm"][k] - v <= 0.5 for k, v in {"left": 28, "right": 26, "top": 37, "bottom": 35}.items())'
}
# text_of PDF: pdftotext output without page numbers and whitespace
text_of() { pdftotext -enc UTF-8 "$1" - | grep -v '^— [0-9]* —$' | tr -d ' \n\f\t'; }
# source_of MD: the Markdown's text: no heading marks, no escapes, no whitespace
source_of() { sed -e 's/^#* //' -e 's/\\\*/*/g' "$1" | tr -d ' \n\t'; }
