# Helpers shared by tests/render/test_*.sh (sourced after tests/lib/assert.sh).

# margins FILE: "ok" when every margin is within ±0.5 mm of 28/26/37/35 mm
margins_ok() {
    pyq 'all(abs(r["margins_mm"][k] - v) <= 0.5 for k, v in {"left": 28, "right": 26, "top": 37, "bottom": 35}.items())'
}
# text_of PDF: pdftotext output without page numbers and whitespace
text_of() { pdftotext -enc UTF-8 "$1" - | grep -v '^— [0-9]* —$' | tr -d ' \n\f\t'; }
# source_of MD: the Markdown's text: no heading marks, no escapes, no whitespace
source_of() { sed -e 's/^#* //' -e 's/\\\*/*/g' "$1" | tr -d ' \n\t'; }
